"""Visible-unit types of the RBM kernels, as plug-ins.

A unit type is a named tuple of the arrays it owns: a distinct Numba type, so
that a kernel given one compiles only that type's code. The kernels use a unit
type through four operations, which dispatch on it:

- ``prepare(units)``: derived arrays, once per mini-batch (Gaussian units'
  ``1 / sigma``);
- ``scale_data(units, rows)``: data rows into the units' working scale, in place;
- ``sample(units, rows, streams)``: in place, the input ``h @ W`` of each row
  becomes a draw of the units given it (row i draws from ``streams[i]``);
- ``update(units, visible, hidden, n_positive, positive_scale, negative_scale,
  weights, learning_rate, momentum, sums, scratch)``: one step of the units'
  own parameters from the positive rows ``visible[:n_positive]`` and the
  negative rest, whose hidden rows are ``hidden`` (scaled as the weight update
  takes them).

Adding a unit type means adding its named tuple and one function for each
operation here. Gaussian units work in scaled units ``x = v / sigma``: the
hidden input is then the same product as for binary units, and x given h is
``Normal(h @ W + bias / sigma, 1)``.
"""

from typing import NamedTuple

import numpy as np
from numba.extending import overload

from ..utils._blas import product_rows
from ..utils._numba import kernel
from ._sampling import sample_normal_rows, sample_rows, sample_softmax_rows


class BernoulliUnits(NamedTuple):
    """Binary units: P(v = 1 | h) = sigmoid(h @ W + bias)."""

    bias: np.ndarray
    velocity: np.ndarray


class SoftmaxUnits(NamedTuple):
    """One categorical variable as a group of one-hot units (a DBN's labels):
    P(v = e_k | h) = softmax(h @ W + bias)_k."""

    bias: np.ndarray
    velocity: np.ndarray


class GaussianUnits(NamedTuple):
    """Gaussian units with standard deviations ``exp(log_variance / 2)``.

    With ``variance_learning_rate`` > 0 the log-variances are learned (Cho, Ilin
    & Raiko 2011), never below ``min_log_variance``. ``scale`` and
    ``scaled_bias`` hold ``1 / sigma`` and ``bias / sigma`` (``prepare``);
    ``mean_rows`` is scratch for ``h @ W`` of the stacked rows.
    """

    bias: np.ndarray
    velocity: np.ndarray
    log_variance: np.ndarray
    log_variance_velocity: np.ndarray
    min_log_variance: np.ndarray
    variance_learning_rate: float
    scale: np.ndarray
    scaled_bias: np.ndarray
    mean_rows: np.ndarray


class JoinedUnits(NamedTuple):
    """Two unit types side by side: ``first`` on the first columns, ``second``
    on the others (a DBN's top RBM: binary units, then a softmax group of
    labels). ``second`` is drawn after ``first``."""

    first: tuple
    second: tuple


# -- the operations ----------------------------------------------------------------


def prepare(units):
    """Compute the arrays that a unit type derives from its parameters."""
    raise NotImplementedError("only callable from Numba-compiled code")


def scale_data(units, rows):
    """In place: data rows into the units' working scale."""
    raise NotImplementedError("only callable from Numba-compiled code")


def sample(units, rows, streams):
    """In place: draws of the units given their input ``h @ W``."""
    raise NotImplementedError("only callable from Numba-compiled code")


def update(units, visible, hidden, n_positive, positive_scale, negative_scale, weights,
           learning_rate, momentum, sums, scratch):
    """One step of the units' own parameters (see the module docstring)."""
    raise NotImplementedError("only callable from Numba-compiled code")


_JIT_OPTIONS = {"cache": True, "nogil": True, "error_model": "numpy"}


def _implementation(implementations, units):
    """The function of ``implementations`` for the Numba type of ``units``."""
    return implementations.get(getattr(units, "instance_class", None))


def _dispatch_prepare(implementations):
    @overload(prepare, jit_options=_JIT_OPTIONS)
    def dispatch(units):
        implementation = _implementation(implementations, units)
        if implementation is not None:
            return lambda units: implementation(units)
        return None


def _dispatch_scale_data(implementations):
    @overload(scale_data, jit_options=_JIT_OPTIONS)
    def dispatch(units, rows):
        implementation = _implementation(implementations, units)
        if implementation is not None:
            return lambda units, rows: implementation(units, rows)
        return None


def _dispatch_sample(implementations):
    @overload(sample, jit_options=_JIT_OPTIONS)
    def dispatch(units, rows, streams):
        implementation = _implementation(implementations, units)
        if implementation is not None:
            return lambda units, rows, streams: implementation(units, rows, streams)
        return None


def _dispatch_update(implementations):
    @overload(update, jit_options=_JIT_OPTIONS)
    def dispatch(units, visible, hidden, n_positive, positive_scale, negative_scale,
                 weights, learning_rate, momentum, sums, scratch):
        implementation = _implementation(implementations, units)
        if implementation is not None:
            def impl(units, visible, hidden, n_positive, positive_scale,
                     negative_scale, weights, learning_rate, momentum, sums, scratch):
                implementation(units, visible, hidden, n_positive, positive_scale,
                               negative_scale, weights, learning_rate, momentum, sums,
                               scratch)
            return impl
        return None


# -- Bernoulli and softmax units ---------------------------------------------------


@kernel
def _nothing(units):
    return None


@kernel
def _unscaled(units, rows):
    return None


@kernel
def _sample_bernoulli(units, rows, streams):
    sample_rows(rows, units.bias, streams)


@kernel
def _sample_softmax(units, rows, streams):
    sample_softmax_rows(rows, units.bias, streams)


@kernel
def column_sums(rows, out):
    """``out`` = the column sums of ``rows``."""
    out[:] = 0
    for i in range(rows.shape[0]):
        for j in range(rows.shape[1]):
            out[j] += rows[i, j]


@kernel
def update_bias(bias, velocity, positive_sum, negative_sum, n_positive, n_negative,
                learning_rate, momentum):
    """Gradient ascent with momentum on one bias vector, along the difference of
    the positive and the negative mean (no weight decay)."""
    for j in range(bias.shape[0]):
        gradient = positive_sum[j] / n_positive - negative_sum[j] / n_negative
        velocity[j] = momentum * velocity[j] + learning_rate * gradient
        bias[j] += velocity[j]


@kernel
def _update_bias_units(units, visible, hidden, n_positive, positive_scale,
                       negative_scale, weights, learning_rate, momentum, sums, scratch):
    """Binary and softmax units: the bias along <v>_data - <v>_model."""
    n_negative = visible.shape[0] - n_positive
    column_sums(visible[:n_positive], sums[0])
    column_sums(visible[n_positive:], sums[1])
    update_bias(units.bias, units.velocity, sums[0], sums[1], n_positive, n_negative,
                learning_rate, momentum)


# -- Gaussian units ----------------------------------------------------------------


@kernel
def _prepare_gaussian(units):
    """``scale = 1 / sigma`` and ``scaled_bias = bias / sigma``."""
    for i in range(units.scale.shape[0]):
        units.scale[i] = np.exp(-0.5 * units.log_variance[i])
        units.scaled_bias[i] = units.bias[i] * units.scale[i]


@kernel
def scale_columns(rows, scale):
    """In place: ``rows[:, j] *= scale[j]``."""
    for i in range(rows.shape[0]):
        for j in range(rows.shape[1]):
            rows[i, j] *= scale[j]


@kernel
def scale_rows(rows, factor):
    """In place: ``rows *= factor`` for a scalar ``factor``."""
    for i in range(rows.shape[0]):
        for j in range(rows.shape[1]):
            rows[i, j] *= factor


@kernel
def _scale_gaussian(units, rows):
    scale_columns(rows, units.scale)


@kernel
def _sample_gaussian(units, rows, streams):
    sample_normal_rows(rows, units.scaled_bias, streams)


@kernel
def _log_variance_statistic(visible, visible_mean, scaled_bias, out):
    """Column sums of -dE/dlog(sigma**2) = ``(x - b/sigma)**2 / 2 - x (h @ W) / 2``."""
    out[:] = 0
    for r in range(visible.shape[0]):
        for i in range(visible.shape[1]):
            x = visible[r, i]
            centred = x - scaled_bias[i]
            out[i] += 0.5 * centred * centred - 0.5 * x * visible_mean[r, i]


@kernel
def _update_log_variance(log_variance, velocity, positive_sum, negative_sum,
                         n_positive, n_negative, learning_rate, momentum,
                         min_log_variance):
    for i in range(log_variance.shape[0]):
        gradient = positive_sum[i] / n_positive - negative_sum[i] / n_negative
        velocity[i] = momentum * velocity[i] + learning_rate * gradient
        log_variance[i] = max(log_variance[i] + velocity[i], min_log_variance[i])


@kernel
def _update_gaussian(units, visible, hidden, n_positive, positive_scale, negative_scale,
                     weights, learning_rate, momentum, sums, scratch):
    """The bias along <x>_data - <x>_model divided by sigma (dE/db =
    -(v - b) / sigma**2 = -(x - b/sigma) / sigma; b/sigma cancels), then, when
    learned, the log-variances along
    ``<(x - b/sigma)**2 / 2 - x (h @ W) / 2>_data - <...>_model``."""
    n_stacked = visible.shape[0]
    n_negative = n_stacked - n_positive
    column_sums(visible[:n_positive], sums[0])
    column_sums(visible[n_positive:], sums[1])
    scale_columns(sums, units.scale)
    update_bias(units.bias, units.velocity, sums[0], sums[1], n_positive, n_negative,
                learning_rate, momentum)
    if units.variance_learning_rate != 0:
        # h @ W, undoing the scales of the hidden rows.
        one = weights.dtype.type(1.0)
        mean_rows = units.mean_rows[:n_stacked]
        product_rows(hidden, False, weights, False, mean_rows, scratch)
        scale_rows(mean_rows[:n_positive], one / positive_scale)
        scale_rows(mean_rows[n_positive:], one / negative_scale)
        _log_variance_statistic(visible[:n_positive], mean_rows[:n_positive],
                                units.scaled_bias, sums[0])
        _log_variance_statistic(visible[n_positive:], mean_rows[n_positive:],
                                units.scaled_bias, sums[1])
        _update_log_variance(units.log_variance, units.log_variance_velocity, sums[0],
                             sums[1], n_positive, n_negative,
                             units.variance_learning_rate, momentum,
                             units.min_log_variance)


# -- joined units ------------------------------------------------------------------


@kernel
def _prepare_joined(units):
    prepare(units.first)
    prepare(units.second)


@kernel
def _n_columns(units):
    return units.bias.shape[0]


@kernel
def _scale_joined(units, rows):
    split = _n_columns(units.first)
    scale_data(units.first, rows[:, :split])
    scale_data(units.second, rows[:, split:])


@kernel
def _sample_joined(units, rows, streams):
    split = _n_columns(units.first)
    sample(units.first, rows[:, :split], streams)
    sample(units.second, rows[:, split:], streams)


@kernel
def _update_joined(units, visible, hidden, n_positive, positive_scale, negative_scale,
                   weights, learning_rate, momentum, sums, scratch):
    split = _n_columns(units.first)
    update(units.first, visible[:, :split], hidden, n_positive, positive_scale,
           negative_scale, weights[:, :split], learning_rate, momentum,
           sums[:, :split], scratch)
    update(units.second, visible[:, split:], hidden, n_positive, positive_scale,
           negative_scale, weights[:, split:], learning_rate, momentum,
           sums[:, split:], scratch)


_dispatch_prepare({BernoulliUnits: _nothing, SoftmaxUnits: _nothing,
                   GaussianUnits: _prepare_gaussian, JoinedUnits: _prepare_joined})
_dispatch_scale_data({BernoulliUnits: _unscaled, SoftmaxUnits: _unscaled,
                      GaussianUnits: _scale_gaussian, JoinedUnits: _scale_joined})
_dispatch_sample({BernoulliUnits: _sample_bernoulli, SoftmaxUnits: _sample_softmax,
                  GaussianUnits: _sample_gaussian, JoinedUnits: _sample_joined})
_dispatch_update({BernoulliUnits: _update_bias_units, SoftmaxUnits: _update_bias_units,
                  GaussianUnits: _update_gaussian, JoinedUnits: _update_joined})
