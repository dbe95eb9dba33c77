"""Activity penalties on the units of a layer: one piece per penalty.

A penalty adds to the objective of a batch of n rows, whose mean over the rows
training minimises, and enters the backward pass at the layers it is attached
to. A piece holds three compiled functions:

- ``prepare(weight, target, coef, transposed, outputs, stats)``: per-unit
  statistics of the batch (KL: the mean activations; contraction: the squared
  norms of the weight columns) into ``stats``, and the part of the penalty that
  belongs to the batch rather than to its rows, times the rows, in float64;
- ``unit(g, a, slope, curvature, stat, scaled_weight, weight)``: for a unit with
  output a, ``slope = f'(z)`` and ``curvature = f''(z)``, receiving the gradient
  g from above, the gradient at its pre-activation, its share of the penalty
  of its row, and its term for ``weight_gradient``;
- ``weight_gradient(scaled_weight, coef, transposed, coef_grad, sums)``: a term
  of the layer's weight gradient that does not go through its pre-activations
  (contraction only; None for the others).

``penalized_delta`` builds, from a piece and the layers' activation, the penalty
that the network's backward pass calls. Adding a penalty means adding its piece.
"""

import functools
from typing import NamedTuple

import numpy as np

from ..network._activations import ACTIVATIONS, like
from ..network._compile import internal_kernel, piece_name, specialized_kernel
from ..network._passes import Penalty, activation_delta

#: KL is computed with the batch's mean activation clipped to [EPS, 1 - EPS].
KL_EPS = 1e-7


class ActivityPenalty(NamedTuple):
    """An activity penalty, as the compiled functions of the backward pass call it."""

    prepare: object
    unit: object
    weight_gradient: object
    #: Whether ``unit`` reads the curvature f''(z).
    needs_curvature: bool


@internal_kernel
def _no_statistics(weight, target, coef, transposed, outputs, stats):
    return 0.0


@internal_kernel
def _l1_unit(g, a, slope, curvature, stat, scaled_weight, weight):
    return (g + scaled_weight * np.sign(a)) * slope, weight * abs(a), like(a, 0.0)


@internal_kernel
def _kl_statistics(weight, target, coef, transposed, outputs, stats):
    """``stats[j] = weight * (-target / m_j + (1 - target) / (1 - m_j)) / n``, the
    gradient of ``weight * KL(target || m_j)`` with respect to each of the n
    activations whose mean is ``m_j``; returns the batch's KL term times n."""
    n_rows, width = outputs.shape
    stats[:width] = 0
    for i in range(n_rows):
        for j in range(width):
            stats[j] += outputs[i, j]
    total = 0.0
    for j in range(width):
        mean = min(max(stats[j] / n_rows, KL_EPS), 1.0 - KL_EPS)
        total += target * np.log(target / mean) + (1.0 - target) * np.log(
            (1.0 - target) / (1.0 - mean)
        )
        stats[j] = weight * (-target / mean + (1.0 - target) / (1.0 - mean)) / n_rows
    return weight * total * n_rows


@internal_kernel
def _kl_unit(g, a, slope, curvature, stat, scaled_weight, weight):
    return (g + stat) * slope, like(a, 0.0), like(a, 0.0)


@internal_kernel
def _contraction_statistics(weight, target, coef, transposed, outputs, stats):
    """``stats[j] = sum_i W_ij**2``, the squared norm of the weights into unit j."""
    width = outputs.shape[1]
    stats[:width] = 0
    if transposed:
        for j in range(width):
            for i in range(coef.shape[1]):
                stats[j] += coef[j, i] * coef[j, i]
    else:
        for i in range(coef.shape[0]):
            for j in range(width):
                stats[j] += coef[i, j] * coef[i, j]
    return 0.0


@internal_kernel
def _contraction_unit(g, a, slope, curvature, stat, scaled_weight, weight):
    squared_slope = slope * slope
    # d/dz of weight * f'(z)**2 * |W_j|**2, and |J|_F**2 of one layer:
    # sum_j f'(z_j)**2 |W_j|**2.
    delta = g * slope + like(a, 2.0) * scaled_weight * stat * slope * curvature
    return delta, weight * squared_slope * stat, squared_slope


@internal_kernel
def _contraction_weight_gradient(scaled_weight, coef, transposed, coef_grad, sums):
    """Add ``2 * scaled_weight * sums[j] * W_ij`` to the weight gradient, where
    ``sums[j]`` is ``sum_rows f'(z_j)**2``."""
    two = like(scaled_weight, 2.0)
    if transposed:
        for j in range(coef.shape[0]):
            scale = two * scaled_weight * sums[j]
            for i in range(coef.shape[1]):
                coef_grad[j, i] += scale * coef[j, i]
    else:
        for i in range(coef.shape[0]):
            for j in range(coef.shape[1]):
                coef_grad[i, j] += two * scaled_weight * sums[j] * coef[i, j]


L1 = ActivityPenalty(_no_statistics, _l1_unit, None, False)
KL = ActivityPenalty(_kl_statistics, _kl_unit, None, False)
CONTRACTION = ActivityPenalty(_contraction_statistics, _contraction_unit,
                              _contraction_weight_gradient, True)

#: The penalties by the names that ``SparseAE(sparsity=...)`` accepts.
SPARSITY = {"l1": L1, "kl": KL}


@functools.cache
def penalized_delta(activation, penalty):
    """The backward pass's ``Penalty`` for ``penalty`` on layers with the
    activation named ``activation``.

    Its ``context`` is ``(penalized, penalty_params)``: per layer, whether the
    penalty applies to its outputs, and its (weight, target).
    """
    derivative = ACTIVATIONS[activation].derivative
    curvature_of = ACTIVATIONS[activation].second_derivative
    needs_curvature = penalty.needs_curvature
    plain_delta = activation_delta(activation)
    prepare, unit = penalty.prepare, penalty.unit

    def delta(outputs, delta, bias_grad, coef, transposed, columns, inv_n, layer,
              context):
        penalized, penalty_params = context
        if not penalized[layer]:
            plain_delta(outputs, delta, bias_grad)
            return 0.0
        bias_grad[:] = 0
        weight, target = penalty_params[layer, 0], penalty_params[layer, 1]
        width = outputs.shape[1]
        stats, sums, values = columns[0], columns[1], columns[2]
        total = prepare(weight, target, coef, transposed, outputs, stats)
        dtype_weight = outputs.dtype.type(weight)
        scaled_weight = dtype_weight * inv_n
        sums[:width] = 0
        values[:width] = 0
        for i in range(outputs.shape[0]):
            a_row, delta_row = outputs[i], delta[i]
            for j in range(width):
                a = a_row[j]
                slope = derivative(a)
                curvature = curvature_of(a) if needs_curvature else like(a, 0.0)
                d, value, term = unit(delta_row[j], a, slope, curvature, stats[j],
                                      scaled_weight, dtype_weight)
                delta_row[j] = d
                bias_grad[j] += d
                values[j] += value
                sums[j] += term
        for j in range(width):
            total += values[j]
        return total

    weight_term = None
    if penalty.weight_gradient is not None:
        weight_gradient = penalty.weight_gradient

        def weight_term(coef, transposed, coef_grad, columns, inv_n, layer, context):
            penalized, penalty_params = context
            if penalized[layer]:
                scaled_weight = coef.dtype.type(1.0) * penalty_params[layer, 0] * inv_n
                weight_gradient(scaled_weight, coef, transposed, coef_grad, columns[1])

        weight_term = specialized_kernel(weight_term, "penalty_weight_term",
                                         internal=True)
    name = piece_name(unit)
    return Penalty(specialized_kernel(delta, f"penalized_delta({activation}, {name})",
                                      internal=True),
                   weight_term)
