"""Deep Boltzmann Machines: undirected stacks of binary layers."""

from ._classifier import DBMClassifier
from ._dbm import DBM

__all__ = ["DBM", "DBMClassifier"]
