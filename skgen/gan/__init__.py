"""The generative adversarial network."""

from ._gan import GAN

__all__ = ["GAN"]
