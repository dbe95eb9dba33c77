"""Visible-unit types of the RBM kernels, as plug-ins.

A unit type is a named tuple of the arrays it owns: a distinct Numba type, so
that a kernel given one compiles only that type's code. The kernels use a unit
type through five operations, which dispatch on it:

- ``prepare(units)``: derived arrays, once per mini-batch (Gaussian units'
  ``1 / sigma``);
- ``scale_data(units, rows)``: data rows into the units' working scale, in place;
- ``sample(units, rows, streams)``: in place, the input ``h @ W`` of each row
  becomes a draw of the units given it (row i draws from ``streams[i]``);
- ``update(units, visible, hidden, n_positive, positive_scale, negative_scale,
  weights, learning_rate, momentum, sums, scratch)``: one step of the units'
  own parameters from the positive rows ``visible[:n_positive]`` and the
  negative rest, whose hidden rows are ``hidden`` (scaled as the weight update
  takes them);
- ``shift_bias(units, shift)``: in place, subtract ``shift``, given in the
  working scale, from the units' biases (centered training, see
  ``_kernels._centered_plain_step``).

Adding a unit type means adding its named tuple and one function for each
operation here. Gaussian units work in scaled units ``x = v / sigma``: the
hidden input is then the same product as for binary units, and x given h is
``Normal(h @ W + bias / sigma, 1)``.
"""

from typing import NamedTuple

import numpy as np
from numba.extending import overload

from ..utils._blas import product_rows
from ..utils._numba import exp_float64, kernel
from ..utils._random import advance, normal_row, uniform
from ..utils._reductions import sum_in_lanes
from ._sampling import _softplus, sample_normal_rows, sample_rows, sample_softmax_rows


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


class GaussianBase(NamedTuple):
    """The AIS base model of Gaussian units: independent Gaussians of means
    ``mean`` and precisions ``precision`` (standard deviations ``std``)."""

    mean: np.ndarray
    precision: np.ndarray
    std: np.ndarray


class JoinedUnits(NamedTuple):
    """Two unit types side by side: ``first`` on the first columns (as many as
    its ``bias``), ``second`` on the others (a DBN's top RBM: binary units, then
    a softmax group of labels). ``second`` is drawn after ``first``."""

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


def shift_bias(units, shift):
    """In place: the biases minus ``shift``, which is in the working scale."""
    raise NotImplementedError("only callable from Numba-compiled code")


def summed_out(units, column_input):
    """The units' term in exact enumeration: for one configuration of the other
    layer, whose input to these units is ``column_input``, the log of the sum
    (or integral) over their states, without constants."""
    raise NotImplementedError("only callable from Numba-compiled code")


def ais_start(base, visible, streams):
    """In place: exact draws of the AIS base model ``base`` (zero rows on entry)."""
    raise NotImplementedError("only callable from Numba-compiled code")


def ais_rows(units, visible, scratch):
    """The rows whose product with ``W.T`` is the hidden input: ``visible``, or
    ``scratch`` filled with them in the units' working scale."""
    raise NotImplementedError("only callable from Numba-compiled code")


def ais_change(units, base, visible, rows, total):
    """``total`` plus the units' part of ``d log f_beta / d beta`` for one chain,
    whose states are ``visible`` (``rows`` in the working scale)."""
    raise NotImplementedError("only callable from Numba-compiled code")


def ais_transition(units, base, beta, visible_input, visible, streams):
    """In place: draw ``visible`` from the AIS distribution at inverse
    temperature ``beta``, between ``base`` and the units, given ``h @ W``."""
    raise NotImplementedError("only callable from Numba-compiled code")


_JIT_OPTIONS = {"cache": True, "nogil": True, "error_model": "numpy"}

#: For each operation, the kernel of each unit type (see ``implement``).
_IMPLEMENTATIONS = {operation: {} for operation in (
    prepare, scale_data, sample, update, shift_bias, summed_out, ais_start, ais_rows,
    ais_change, ais_transition)}


def implement(unit_type, **kernels):
    """Register the kernels of ``unit_type``, one per operation, by name."""
    for operation in _IMPLEMENTATIONS:
        if operation.__name__ in kernels:
            _IMPLEMENTATIONS[operation][unit_type] = kernels[operation.__name__]


def _dispatch(operation):
    implementations = _IMPLEMENTATIONS[operation]

    # The type's kernel is compiled into the caller, with no call in between.
    @overload(operation, jit_options=_JIT_OPTIONS, strict=False)
    def dispatch(units, *args):
        implementation = implementations.get(getattr(units, "instance_class", None))
        return None if implementation is None else implementation.py_func


for _operation in _IMPLEMENTATIONS:
    _dispatch(_operation)


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


@kernel
def _shift_bias_unscaled(units, shift):
    for j in range(shift.shape[0]):
        units.bias[j] -= shift[j]


@kernel
def _summed_out_bernoulli(units, column_input):
    total = 0.0
    for j in range(column_input.shape[0]):
        total += _softplus(column_input[j] + units.bias[j])
    return total


@kernel
def _ais_start_bias(base, visible, streams):
    """Binary units with the base biases' probabilities (the input is 0)."""
    sample(base, visible, streams)


@kernel
def _ais_rows_unscaled(units, visible, scratch):
    return visible


@kernel
def _ais_change_bias(units, base, visible, rows, total):
    """``v . (bias - base bias)``."""
    return total + (sum_in_lanes(visible, units.bias)
                    - sum_in_lanes(visible, base.bias))


@kernel
def _ais_transition_bernoulli(units, base, beta, visible_input, visible, streams):
    """v ~ sigmoid((1 - beta) base bias + beta (bias + input)), compared as
    ``u (1 + exp(-|a|)) < (1 or exp(-|a|))``: no division, and an exp that
    vectorises."""
    one = visible.dtype.type(1.0)
    zero = visible.dtype.type(0.0)
    for i in range(visible.shape[0]):
        counter = streams[i]
        for j in range(visible.shape[1]):
            activation = (1.0 - beta) * base.bias[j] + beta * (
                units.bias[j] + visible_input[i, j])
            tail = exp_float64(-abs(activation))
            numerator = 1.0 if activation >= 0 else tail
            bit = uniform(counter, j) * (1.0 + tail) < numerator
            visible[i, j] = one if bit else zero
        streams[i] = advance(counter, visible.shape[1])


@kernel
def _ais_transition_softmax(units, base, beta, visible_input, visible, streams):
    """The label ~ softmax((1 - beta) base bias + beta (bias + input))."""
    n_units = units.bias.shape[0]
    bias = np.empty(n_units)
    for k in range(n_units):
        bias[k] = (1.0 - beta) * base.bias[k] + beta * units.bias[k]
    for i in range(visible.shape[0]):
        for k in range(n_units):
            visible[i, k] = beta * visible_input[i, k]
    sample_softmax_rows(visible, bias, streams)


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
    """In place: ``rows *= factor`` for a scalar ``factor``, in the array's memory
    order (also for the Fortran-ordered weights)."""
    if rows.flags.f_contiguous:
        for j in range(rows.shape[1]):
            for i in range(rows.shape[0]):
                rows[i, j] *= factor
    else:
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


@kernel
def _shift_bias_gaussian(units, shift):
    """The bias is in the units of v: ``bias -= sigma * shift`` (``scale`` set)."""
    for i in range(shift.shape[0]):
        units.bias[i] -= shift[i] / units.scale[i]


@kernel
def _summed_out_gaussian(units, column_input):
    """In scaled units the integral over x of exp(x (b/sigma + u) - x**2 / 2),
    without its constant: ``(b / sigma) u + u**2 / 2`` (``scaled_bias`` set)."""
    total = 0.0
    for j in range(column_input.shape[0]):
        u = column_input[j]
        total += units.scaled_bias[j] * u + 0.5 * u * u
    return total


@kernel
def _ais_start_gaussian(base, visible, streams):
    noise = np.empty(visible.shape[1] + visible.shape[1] % 2)
    for i in range(visible.shape[0]):
        streams[i] = normal_row(streams[i], noise)
        for j in range(visible.shape[1]):
            visible[i, j] = base.mean[j] + base.std[j] * noise[j]


@kernel
def _ais_rows_gaussian(units, visible, scratch):
    for i in range(visible.shape[0]):
        for j in range(visible.shape[1]):
            scratch[i, j] = visible[i, j] * units.scale[j]
    return scratch


@kernel
def _ais_change_gaussian(units, base, visible, rows, total):
    """The visible energies' difference between base and model."""
    for j in range(visible.shape[0]):
        to_base = (visible[j] - base.mean[j]) ** 2 * base.precision[j]
        to_model = (rows[j] - units.scaled_bias[j]) ** 2
        total += 0.5 * (to_base - to_model)
    return total


@kernel
def _ais_transition_gaussian(units, base, beta, visible_input, visible, streams):
    """Each v from the Gaussian of precision ``(1 - beta) / s**2 + beta / sigma**2``
    that the AIS distribution at beta gives it with h."""
    noise = np.empty(visible.shape[1] + visible.shape[1] % 2)
    for i in range(visible.shape[0]):
        streams[i] = normal_row(streams[i], noise)
        for j in range(visible.shape[1]):
            scale = units.scale[j]
            model_precision = scale * scale
            precision = (1.0 - beta) * base.precision[j] + beta * model_precision
            linear = ((1.0 - beta) * base.precision[j] * base.mean[j]
                      + beta * model_precision * units.bias[j]
                      + beta * scale * visible_input[i, j])
            visible[i, j] = linear / precision + noise[j] / np.sqrt(precision)


# -- joined units ------------------------------------------------------------------


@kernel
def _prepare_joined(units):
    prepare(units.first)
    prepare(units.second)


@kernel
def _scale_joined(units, rows):
    split = units.first.bias.shape[0]
    scale_data(units.first, rows[:, :split])
    scale_data(units.second, rows[:, split:])


@kernel
def _sample_joined(units, rows, streams):
    split = units.first.bias.shape[0]
    sample(units.first, rows[:, :split], streams)
    sample(units.second, rows[:, split:], streams)


@kernel
def _update_joined(units, visible, hidden, n_positive, positive_scale, negative_scale,
                   weights, learning_rate, momentum, sums, scratch):
    split = units.first.bias.shape[0]
    update(units.first, visible[:, :split], hidden, n_positive, positive_scale,
           negative_scale, weights[:, :split], learning_rate, momentum,
           sums[:, :split], scratch)
    update(units.second, visible[:, split:], hidden, n_positive, positive_scale,
           negative_scale, weights[:, split:], learning_rate, momentum,
           sums[:, split:], scratch)


@kernel
def _shift_bias_joined(units, shift):
    split = units.first.bias.shape[0]
    shift_bias(units.first, shift[:split])
    shift_bias(units.second, shift[split:])


@kernel
def _summed_out_joined(units, column_input):
    split = units.first.bias.shape[0]
    return (summed_out(units.first, column_input[:split])
            + summed_out(units.second, column_input[split:]))


@kernel
def _ais_start_joined(base, visible, streams):
    # A Gaussian base has no bias: the split comes from the second part.
    split = visible.shape[1] - base.second.bias.shape[0]
    ais_start(base.first, visible[:, :split], streams)
    ais_start(base.second, visible[:, split:], streams)


@kernel
def _ais_rows_joined(units, visible, scratch):
    # Binary and softmax parts only: both read their states as they are.
    return visible


@kernel
def _ais_change_joined(units, base, visible, rows, total):
    split = units.first.bias.shape[0]
    total = ais_change(units.first, base.first, visible[:split], rows[:split], total)
    return ais_change(units.second, base.second, visible[split:], rows[split:], total)


@kernel
def _ais_transition_joined(units, base, beta, visible_input, visible, streams):
    split = units.first.bias.shape[0]
    ais_transition(units.first, base.first, beta, visible_input[:, :split],
                   visible[:, :split], streams)
    ais_transition(units.second, base.second, beta, visible_input[:, split:],
                   visible[:, split:], streams)


implement(BernoulliUnits, prepare=_nothing, scale_data=_unscaled,
          sample=_sample_bernoulli, update=_update_bias_units,
          summed_out=_summed_out_bernoulli, ais_start=_ais_start_bias,
          ais_rows=_ais_rows_unscaled, ais_change=_ais_change_bias,
          ais_transition=_ais_transition_bernoulli)
implement(SoftmaxUnits, prepare=_nothing, scale_data=_unscaled, sample=_sample_softmax,
          update=_update_bias_units, ais_start=_ais_start_bias,
          ais_rows=_ais_rows_unscaled, ais_change=_ais_change_bias,
          ais_transition=_ais_transition_softmax)
implement(GaussianUnits, prepare=_prepare_gaussian, scale_data=_scale_gaussian,
          sample=_sample_gaussian, update=_update_gaussian,
          summed_out=_summed_out_gaussian, ais_rows=_ais_rows_gaussian,
          ais_change=_ais_change_gaussian, ais_transition=_ais_transition_gaussian)
implement(GaussianBase, ais_start=_ais_start_gaussian)
implement(JoinedUnits, prepare=_prepare_joined, scale_data=_scale_joined,
          sample=_sample_joined, update=_update_joined, summed_out=_summed_out_joined,
          ais_start=_ais_start_joined,
          ais_rows=_ais_rows_joined, ais_change=_ais_change_joined,
          ais_transition=_ais_transition_joined)
# The bias shift of centered training (``_kernels._centered_plain_step``).
implement(BernoulliUnits, shift_bias=_shift_bias_unscaled)
implement(SoftmaxUnits, shift_bias=_shift_bias_unscaled)
implement(GaussianUnits, shift_bias=_shift_bias_gaussian)
implement(JoinedUnits, shift_bias=_shift_bias_joined)
