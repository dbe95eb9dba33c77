"""Variational autoencoders, on the training engine of the autoencoders."""

from ._vae import VAE

__all__ = ["VAE"]
