"""Deep Belief Networks: greedy stacks of RBMs."""

from ._classifier import DBNClassifier
from ._dbn import DBN

__all__ = ["DBN", "DBNClassifier"]
