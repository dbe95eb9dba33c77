"""Losses at the output of a network: one piece per loss.

A piece has two compiled functions with one signature each:

- ``rows(pre_activations, bias, targets, delta, bias_grad, loss_columns, inv_n)``:
  for a batch whose output layer has pre-activations ``pre_activations + bias``,
  write ``delta = dloss/dz / n`` (``inv_n = 1 / n``) and add the column sums of
  delta to ``bias_grad`` and of the loss to ``loss_columns``, in one pass;
- ``unit(z, x)``: the loss of one output unit with pre-activation z and target x,
  and its derivative with respect to z (None for a loss that is not a sum over
  units).

The loss of one sample is summed over its outputs:

- squared error: ``0.5 * sum_j (a_j - x_j)**2`` with ``a = f(z)`` for the output
  activation f, a Gaussian with unit variance;
- binary cross-entropy: ``-sum_j x_j log a_j + (1 - x_j) log(1 - a_j)`` of sigmoid
  outputs, a Bernoulli, computed from z as ``softplus(z) - x z``, which cannot
  overflow;
- softmax cross-entropy: ``-sum_j t_j log softmax(z)_j`` with one-hot (or
  probability) targets t, for classifiers.
"""

import functools
from typing import NamedTuple

import numpy as np
from numba import types
from numba.extending import overload

from ..utils._numba import exp_float32
from ._activations import ACTIVATIONS, like
from ._compile import internal_kernel, specialized_kernel

_JIT_OPTIONS = {"cache": True, "error_model": "numpy"}


class Loss(NamedTuple):
    """A loss at the output of a network, as the compiled functions kernels call."""

    rows: object
    unit: object


def _exp(x):
    """exp(x): the vectorisable polynomial in float32, numpy's in float64."""
    return np.exp(x)


@overload(_exp, jit_options=_JIT_OPTIONS)
def _exp_impl(x):
    if x == types.float32:
        return lambda x: exp_float32(x)
    if isinstance(x, types.Float):
        return lambda x: np.exp(x)
    return None


def _log1p_unit(e):
    """log(1 + e) for e in [0, 1]."""
    return np.log1p(e)


@overload(_log1p_unit, jit_options=_JIT_OPTIONS)
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


@internal_kernel
def bce_unit(z, x):
    """The binary cross-entropy of a sigmoid unit with pre-activation z and target
    x, and its derivative with respect to z."""
    e = _exp(-abs(z))
    r = like(z, 1.0) / (like(z, 1.0) + e)
    a = r if z >= 0 else e * r
    return max(z, like(z, 0.0)) - x * z + _log1p_unit(e), a - x


@internal_kernel
def bce_rows(pre_activations, bias, targets, delta, bias_grad, loss_columns, inv_n):
    """The rows of the binary cross-entropy of sigmoid outputs."""
    for i in range(delta.shape[0]):
        z_row, target_row, delta_row = pre_activations[i], targets[i], delta[i]
        for j in range(bias.shape[0]):
            value, slope = bce_unit(z_row[j] + bias[j], target_row[j])
            loss_columns[j] += value
            scaled = slope * inv_n
            delta_row[j] = scaled
            bias_grad[j] += scaled


@internal_kernel
def softmax_rows(pre_activations, bias, targets, delta, bias_grad, loss_columns, inv_n):
    """The rows of the softmax cross-entropy: ``delta = (softmax(z) - t) / n``."""
    for i in range(delta.shape[0]):
        z_row, target_row, delta_row = pre_activations[i], targets[i], delta[i]
        largest = z_row[0] + bias[0]
        for j in range(bias.shape[0]):
            largest = max(largest, z_row[j] + bias[j])
        total = 0 * largest
        for j in range(bias.shape[0]):
            shifted = z_row[j] + bias[j] - largest
            delta_row[j] = np.exp(shifted)
            total += delta_row[j]
        log_total = np.log(total)
        for j in range(bias.shape[0]):
            shifted = z_row[j] + bias[j] - largest
            loss_columns[j] += target_row[j] * (log_total - shifted)
            scaled = (delta_row[j] / total - target_row[j]) * inv_n
            delta_row[j] = scaled
            bias_grad[j] += scaled


BINARY_CROSS_ENTROPY = Loss(bce_rows, bce_unit)
SOFTMAX_CROSS_ENTROPY = Loss(softmax_rows, None)


@functools.cache
def squared_error(activation):
    """The squared-error piece of outputs with the activation named ``activation``
    (the activation is a constant of its loop, which vectorises)."""
    activate = ACTIVATIONS[activation].activate
    derivative = ACTIVATIONS[activation].derivative

    def unit(z, x):
        a = activate(z)
        difference = a - x
        return like(z, 0.5) * difference * difference, difference * derivative(a)

    unit = specialized_kernel(unit, f"squared_error.unit({activation})",
                              internal=True)

    def rows(pre_activations, bias, targets, delta, bias_grad, loss_columns, inv_n):
        for i in range(delta.shape[0]):
            z_row, target_row, delta_row = pre_activations[i], targets[i], delta[i]
            for j in range(bias.shape[0]):
                value, slope = unit(z_row[j] + bias[j], target_row[j])
                loss_columns[j] += value
                scaled = slope * inv_n
                delta_row[j] = scaled
                bias_grad[j] += scaled

    return Loss(specialized_kernel(rows, f"squared_error.rows({activation})",
                                   internal=True), unit)


#: The names that an autoencoder's ``loss`` accepts.
RECONSTRUCTION_LOSSES = ("mse", "bce")


def output_loss(loss, output_activation):
    """The piece of the loss named ``loss`` ("mse", "bce" or "log_loss") for
    outputs with the activation ``output_activation`` (which "bce", the sigmoid's,
    and "log_loss", the softmax's, ignore)."""
    if loss == "mse":
        return squared_error(output_activation)
    if loss == "bce":
        return BINARY_CROSS_ENTROPY
    if loss == "log_loss":
        return SOFTMAX_CROSS_ENTROPY
    raise ValueError(f"Unknown loss {loss!r}.")
