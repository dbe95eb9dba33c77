"""Activation functions of the autoencoder engine, chosen by integer code.

A kernel receives the activation of a layer as an int, so one compiled loop serves
every choice: the switch is loop-invariant and LLVM hoists it out of the loop.
Derivatives are written in terms of the output ``a = f(z)``, which is what the
forward pass keeps.
"""

import numpy as np
from numba import types
from numba.extending import overload

from ..utils._numba import inline_kernel, sigmoid

#: The names accepted by ``activation`` and ``output_activation``, and their codes.
ACTIVATIONS = {"identity": 0, "relu": 1, "sigmoid": 2, "tanh": 3, "selu": 4}
IDENTITY = ACTIVATIONS["identity"]
RELU = ACTIVATIONS["relu"]
SIGMOID = ACTIVATIONS["sigmoid"]
TANH = ACTIVATIONS["tanh"]
SELU = ACTIVATIONS["selu"]

# Klambauer et al. (2017), self-normalizing neural networks.
SELU_SCALE = 1.0507009873554804934193349852946
SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE_ALPHA = SELU_SCALE * SELU_ALPHA

#: The range of each activation's outputs, (low, high) with None for unbounded.
ACTIVATION_RANGES = {
    "identity": (None, None),
    "relu": (0.0, None),
    "sigmoid": (0.0, 1.0),
    "tanh": (-1.0, 1.0),
    "selu": (-_SELU_SCALE_ALPHA, None),
}


def like(x, value):
    """``value`` as a number of x's floating type, so that float32 code stays float32.

    Only callable from Numba-compiled code.
    """
    raise NotImplementedError("like is only callable from Numba-compiled code")


@overload(like, jit_options={"cache": True}, inline="always")
def _like_impl(x, value):
    if x == types.float32:

        def impl(x, value):
            return np.float32(value)

        return impl
    if isinstance(x, types.Float):

        def impl(x, value):
            return np.float64(value)

        return impl
    return None


@inline_kernel
def activate(activation, z):
    """f(z) for the activation with code ``activation``."""
    if activation == SIGMOID:
        return sigmoid(z)
    if activation == RELU:
        return max(z, like(z, 0.0))
    if activation == TANH:
        return np.tanh(z)
    if activation == SELU:
        if z > 0:
            return like(z, SELU_SCALE) * z
        return like(z, _SELU_SCALE_ALPHA) * np.expm1(z)
    return z


@inline_kernel
def derivative(activation, a):
    """f'(z), from the output a = f(z)."""
    if activation == SIGMOID:
        return a * (like(a, 1.0) - a)
    if activation == RELU:
        return like(a, 1.0) if a > 0 else like(a, 0.0)
    if activation == TANH:
        return like(a, 1.0) - a * a
    if activation == SELU:
        # For z <= 0, f'(z) = scale alpha exp(z) = a + scale alpha.
        return like(a, SELU_SCALE) if a > 0 else a + like(a, _SELU_SCALE_ALPHA)
    return like(a, 1.0)


@inline_kernel
def second_derivative(activation, a):
    """f''(z), from the output a = f(z) (0 at the kink of relu and selu)."""
    if activation == SIGMOID:
        return a * (like(a, 1.0) - a) * (like(a, 1.0) - like(a, 2.0) * a)
    if activation == TANH:
        return like(a, -2.0) * a * (like(a, 1.0) - a * a)
    if activation == SELU:
        return like(a, 0.0) if a > 0 else a + like(a, _SELU_SCALE_ALPHA)
    return like(a, 0.0)
