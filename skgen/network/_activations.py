"""Activation functions: one piece per activation, three small compiled functions.

A piece gives f(z), and f'(z) and f''(z) from the output ``a = f(z)``, which is
what the forward pass keeps. Kernels are built with the pieces a model uses
(``skgen.network._passes``), so only those are compiled. Adding an activation
means adding its piece to ``ACTIVATIONS``.
"""

from typing import NamedTuple

import numpy as np
from numba import types
from numba.extending import overload

from ..utils._numba import sigmoid
from ._compile import internal_kernel


def like(x, value):
    """``value`` as a number of x's floating type, so that float32 code stays float32.

    Only callable from Numba-compiled code.
    """
    raise NotImplementedError("like is only callable from Numba-compiled code")


@overload(like, jit_options={"cache": True})
def _like_impl(x, value):
    if x == types.float32:
        return lambda x, value: np.float32(value)
    if isinstance(x, types.Float):
        return lambda x, value: np.float64(value)
    return None


# Klambauer et al. (2017), self-normalizing neural networks.
SELU_SCALE = 1.0507009873554804934193349852946
SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE_ALPHA = SELU_SCALE * SELU_ALPHA


class Activation(NamedTuple):
    """An activation function, as the compiled functions kernels call."""

    #: f(z)
    activate: object
    #: f'(z), from the output a = f(z)
    derivative: object
    #: f''(z), from the output a = f(z) (0 at the kink of relu and selu)
    second_derivative: object
    #: The range of the outputs, (low, high) with None for unbounded.
    low: object
    high: object


@internal_kernel
def _identity(z):
    return z


@internal_kernel
def _identity_derivative(a):
    return like(a, 1.0)


@internal_kernel
def _zero(a):
    return like(a, 0.0)


@internal_kernel
def _relu(z):
    return max(z, like(z, 0.0))


@internal_kernel
def _relu_derivative(a):
    return like(a, 1.0) if a > 0 else like(a, 0.0)


@internal_kernel
def _sigmoid(z):
    return sigmoid(z)


@internal_kernel
def _sigmoid_derivative(a):
    return a * (like(a, 1.0) - a)


@internal_kernel
def _sigmoid_second_derivative(a):
    return a * (like(a, 1.0) - a) * (like(a, 1.0) - like(a, 2.0) * a)


@internal_kernel
def _tanh(z):
    return np.tanh(z)


@internal_kernel
def _tanh_derivative(a):
    return like(a, 1.0) - a * a


@internal_kernel
def _tanh_second_derivative(a):
    return like(a, -2.0) * a * (like(a, 1.0) - a * a)


@internal_kernel
def _selu(z):
    if z > 0:
        return like(z, SELU_SCALE) * z
    return like(z, _SELU_SCALE_ALPHA) * np.expm1(z)


@internal_kernel
def _selu_derivative(a):
    # For z <= 0, f'(z) = scale alpha exp(z) = a + scale alpha.
    return like(a, SELU_SCALE) if a > 0 else a + like(a, _SELU_SCALE_ALPHA)


@internal_kernel
def _selu_second_derivative(a):
    return like(a, 0.0) if a > 0 else a + like(a, _SELU_SCALE_ALPHA)


#: The activations by the names that ``activation`` and ``output_activation`` accept.
ACTIVATIONS = {
    "identity": Activation(_identity, _identity_derivative, _zero, None, None),
    "relu": Activation(_relu, _relu_derivative, _zero, 0.0, None),
    "sigmoid": Activation(_sigmoid, _sigmoid_derivative, _sigmoid_second_derivative,
                          0.0, 1.0),
    "tanh": Activation(_tanh, _tanh_derivative, _tanh_second_derivative, -1.0, 1.0),
    "selu": Activation(_selu, _selu_derivative, _selu_second_derivative,
                       -_SELU_SCALE_ALPHA, None),
}
