"""Restricted Boltzmann Machines."""

from ._bernoulli import BernoulliRBM
from ._gaussian import GaussianBernoulliRBM

__all__ = ["BernoulliRBM", "GaussianBernoulliRBM"]
