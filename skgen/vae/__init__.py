"""Variational autoencoders, on the network floor (``skgen.network``)."""

from ._vae import VAE

__all__ = ["VAE"]
