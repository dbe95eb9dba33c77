"""Boltzmann machines: binary units with symmetric connections between any two."""

from ._boltzmann import BoltzmannMachine

__all__ = ["BoltzmannMachine"]
