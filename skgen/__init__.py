"""skgen: scikit-learn estimators for neural generative models and representation
learners (RBMs, DBNs, autoencoders), with Numba-compiled inner loops."""

from .autoencoder import Autoencoder, ContractiveAE, DenoisingAE, SparseAE
from .exceptions import DivergenceError
from .rbm import BernoulliRBM, GaussianBernoulliRBM

__version__ = "0.1.0.dev0"

__all__ = [
    "Autoencoder",
    "BernoulliRBM",
    "ContractiveAE",
    "DenoisingAE",
    "DivergenceError",
    "GaussianBernoulliRBM",
    "SparseAE",
    "__version__",
]
