"""Autoencoders: plain (undercomplete or stacked), denoising, sparse and contractive,
with untied or tied weights and greedy layer-wise pretraining, and the classifier
pretrained as a stack of denoising autoencoders. They run on the network floor
(``skgen.network``): a noise model or an activity penalty plugs into its training
kernels as one piece."""

from ._autoencoder import Autoencoder
from ._contractive import ContractiveAE
from ._denoising import DenoisingAE
from ._sda import SDAClassifier
from ._sparse import SparseAE

__all__ = ["Autoencoder", "ContractiveAE", "DenoisingAE", "SDAClassifier", "SparseAE"]
