"""Simulated annealing of binary units with a quadratic energy."""

from ._anneal import anneal

__all__ = ["anneal"]
