"""Reconstruction losses of the autoencoder engine, chosen by integer code.

The loss of one sample is summed over its features, as in the autoencoder
literature, so that it is the negative log-likelihood of the data under the
output distribution up to a constant:

- ``mse``: ``0.5 * sum_j (a_j - x_j)**2``, a Gaussian with unit variance;
- ``bce``: ``-sum_j x_j log a_j + (1 - x_j) log(1 - a_j)``, a Bernoulli, for data
  in [0, 1]. It needs the sigmoid output ``a = sigmoid(z)`` and is computed from
  the pre-activation z, as ``softplus(z) - x z``, which cannot overflow.

A classifier's output layer has one more loss, which is not a sum over units:

- ``log_loss``: the cross-entropy ``-sum_j t_j log softmax(z)_j`` of a softmax
  output and one-hot (or probability) targets t, computed row by row in
  ``_engine._log_loss_rows``. It ignores the layer's activation.
"""

import numpy as np
from numba import types
from numba.extending import overload

from ..utils._numba import exp_float32, inline_kernel
from ._activations import activate, derivative, like

#: The names accepted by ``loss``, and their codes.
LOSSES = {"mse": 0, "bce": 1}
MSE = LOSSES["mse"]
BCE = LOSSES["bce"]

#: The code of the softmax cross-entropy, for classifiers only (not an autoencoder's
#: ``loss`` option).
LOG_LOSS = 2

_JIT_OPTIONS = {"cache": True, "error_model": "numpy"}


def _exp(x):
    """exp(x): the vectorisable polynomial in float32, numpy's in float64."""
    return np.exp(x)


@overload(_exp, jit_options=_JIT_OPTIONS, inline="always")
def _exp_impl(x):
    if x == types.float32:
        return lambda x: exp_float32(x)
    if isinstance(x, types.Float):
        return lambda x: np.exp(x)
    return None


def _log1p_unit(e):
    """log(1 + e) for e in [0, 1]."""
    return np.log1p(e)


@overload(_log1p_unit, jit_options=_JIT_OPTIONS, inline="always")
def _log1p_unit_impl(e):
    if e == types.float32:

        def impl(e):
            # log(1 + e) = 2 atanh(s) with s = e / (2 + e) <= 1/3: the series to
            # s**13 is within 2e-8 (relative), and vectorises, unlike libm's log1p.
            s = e / (np.float32(2.0) + e)
            s2 = s * s
            p = np.float32(1.0 / 13.0)
            p = p * s2 + np.float32(1.0 / 11.0)
            p = p * s2 + np.float32(1.0 / 9.0)
            p = p * s2 + np.float32(1.0 / 7.0)
            p = p * s2 + np.float32(1.0 / 5.0)
            p = p * s2 + np.float32(1.0 / 3.0)
            p = p * s2 + np.float32(1.0)
            return np.float32(2.0) * s * p

        return impl
    if isinstance(e, types.Float):
        return lambda e: np.log1p(e)
    return None


@inline_kernel
def bce_loss_and_delta(z, x):
    """The binary cross-entropy of a sigmoid unit with pre-activation z and target
    x, and its derivative with respect to z."""
    e = _exp(-abs(z))
    r = like(z, 1.0) / (like(z, 1.0) + e)
    a = r if z >= 0 else e * r
    return max(z, like(z, 0.0)) - x * z + _log1p_unit(e), a - x


@inline_kernel
def mse_loss_and_delta(activation, z, x):
    """Half the squared error of a unit with pre-activation z and target x, and
    its derivative with respect to z."""
    a = activate(activation, z)
    difference = a - x
    return like(z, 0.5) * difference * difference, difference * derivative(activation, a)


@inline_kernel
def loss_and_delta(loss, activation, z, x):
    """The loss of one output unit and its derivative with respect to z.

    For ``bce`` the output activation is the sigmoid, whatever ``activation`` says.
    """
    if loss == BCE:
        return bce_loss_and_delta(z, x)
    return mse_loss_and_delta(activation, z, x)
