"""skgen: scikit-learn estimators for neural generative models and representation
learners (RBMs, DBNs, autoencoders), with Numba-compiled inner loops.

The estimators are imported on first use: ``import skgen`` loads neither
scikit-learn nor Numba, and ``skgen.BernoulliRBM`` loads only the RBM family.
So is the subpackage ``skgen.metrics`` (sample quality), on first access.
"""

import importlib

from .exceptions import DivergenceError

__version__ = "0.1.0.dev0"

#: Each public estimator and the subpackage (its family) that defines it.
_FAMILIES = {
    "anneal": "annealing",
    "Autoencoder": "autoencoder",
    "ContractiveAE": "autoencoder",
    "DenoisingAE": "autoencoder",
    "SDAClassifier": "autoencoder",
    "SparseAE": "autoencoder",
    "DBN": "dbn",
    "DBNClassifier": "dbn",
    "DBM": "dbm",
    "HopfieldNetwork": "hopfield",
    "ModernHopfieldNetwork": "hopfield",
    "DBMClassifier": "dbm",
    "GAN": "gan",
    "BernoulliRBM": "rbm",
    "BoltzmannMachine": "boltzmann",
    "GaussianBernoulliRBM": "rbm",
    "VAE": "vae",
}

#: Public subpackages that are not one family's estimators, imported on first access.
_SUBPACKAGES = ("metrics",)

__all__ = [
    "DBM",
    "DBN",
    "GAN",
    "VAE",
    "Autoencoder",
    "BernoulliRBM",
    "BoltzmannMachine",
    "ContractiveAE",
    "DBMClassifier",
    "DBNClassifier",
    "DenoisingAE",
    "DivergenceError",
    "GaussianBernoulliRBM",
    "HopfieldNetwork",
    "ModernHopfieldNetwork",
    "SDAClassifier",
    "SparseAE",
    "__version__",
    "anneal",
    "metrics",
]


def __getattr__(name):
    if name in _SUBPACKAGES:
        # The import binds the subpackage as an attribute of skgen.
        return importlib.import_module(f".{name}", __name__)
    family = _FAMILIES.get(name)
    if family is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{family}", __name__), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
