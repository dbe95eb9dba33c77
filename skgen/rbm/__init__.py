"""Restricted Boltzmann Machines."""

from ._bernoulli import BernoulliRBM

__all__ = ["BernoulliRBM"]
