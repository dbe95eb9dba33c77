"""Hopfield networks: binary associative memories and their modern, continuous kin."""

from ._hopfield import HopfieldNetwork
from ._modern import ModernHopfieldNetwork

__all__ = ["HopfieldNetwork", "ModernHopfieldNetwork"]
