"""skgen: scikit-learn estimators for neural generative models and representation
learners (RBMs, DBNs, autoencoders), with Numba-compiled inner loops."""

from .autoencoder import Autoencoder, ContractiveAE, DenoisingAE, SparseAE
from .dbn import DBN, DBNClassifier
from .exceptions import DivergenceError
from .rbm import BernoulliRBM, GaussianBernoulliRBM
from .vae import VAE

__version__ = "0.1.0.dev0"

__all__ = [
    "DBN",
    "VAE",
    "Autoencoder",
    "BernoulliRBM",
    "ContractiveAE",
    "DBNClassifier",
    "DenoisingAE",
    "DivergenceError",
    "GaussianBernoulliRBM",
    "SparseAE",
    "__version__",
]
