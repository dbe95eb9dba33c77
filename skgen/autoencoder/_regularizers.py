"""Penalties on the units of one layer, chosen by integer code.

A penalty adds to the objective of a batch of n rows, whose mean over the rows
the engine minimises, and enters the backward pass at the layer it is attached
to, through four small functions:

- ``prepare_penalty``: per-unit statistics of the batch (KL: the mean
  activations; contraction: the squared norms of the weight columns);
- ``penalized_delta``: the gradient at one unit's pre-activation, given the
  gradient g arriving at its output from the layers above;
- ``unit_penalty``: one unit's share of the penalty, for the reported loss;
- ``penalty_weight_gradient``: a gradient term on the layer's weights that does
  not go through its pre-activations (contraction only).

Adding a penalty means adding its code and a branch in each of them.
"""

import numpy as np

from ..utils._numba import inline_kernel, kernel
from ._activations import derivative, like, second_derivative

#: The names accepted by ``SparseAE(sparsity=...)``, and their codes.
SPARSITY = {"l1": 1, "kl": 2}
NO_PENALTY = 0
L1 = SPARSITY["l1"]
KL = SPARSITY["kl"]
CONTRACTION = 3

#: KL is computed with the batch's mean activation clipped to [EPS, 1 - EPS].
KL_EPS = 1e-7


@kernel
def prepare_penalty(penalty, weight, target, coef, transposed, outputs, stats):
    """Fill ``stats[:width]`` for the penalty of a layer with outputs ``outputs``.

    ``coef`` is the layer's weight matrix as stored (``transposed``: as
    (fan_out, fan_in)). Returns the part of the penalty that belongs to the batch
    rather than to its rows (KL), multiplied by the number of rows, in float64.

    - KL: ``stats[j] = weight * (-target / m_j + (1 - target) / (1 - m_j)) / n``,
      the gradient of ``weight * KL(target || m_j)`` with respect to each of the
      n activations whose mean is ``m_j``;
    - contraction: ``stats[j] = sum_i W_ij**2``, the squared norm of the weights
      into unit j.
    """
    n_rows, width = outputs.shape
    if penalty == KL:
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
    if penalty == CONTRACTION:
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


@inline_kernel
def penalized_delta(penalty, activation, g, a, stat, scaled_weight):
    """The gradient at the pre-activation of a unit with output a.

    ``g`` is the gradient arriving at a from above, ``stat`` the unit's entry of
    ``prepare_penalty``'s statistics and ``scaled_weight`` the penalty's weight
    divided by the batch's rows.
    """
    slope = derivative(activation, a)
    if penalty == L1:
        return (g + scaled_weight * np.sign(a)) * slope
    if penalty == KL:
        return (g + stat) * slope
    if penalty == CONTRACTION:
        # d/dz of weight * f'(z)**2 * |W_j|**2
        curvature = second_derivative(activation, a)
        return g * slope + like(a, 2.0) * scaled_weight * stat * slope * curvature
    return g * slope


@inline_kernel
def unit_penalty(penalty, activation, a, stat, weight):
    """A unit's share of the penalty of its row, and its term for
    ``penalty_weight_gradient`` (the squared slope, for contraction)."""
    if penalty == L1:
        return weight * abs(a), like(a, 0.0)
    if penalty == CONTRACTION:
        slope = derivative(activation, a)
        squared_slope = slope * slope
        # |J|_F**2 of one layer: sum_j f'(z_j)**2 |W_j|**2
        return weight * squared_slope * stat, squared_slope
    return like(a, 0.0), like(a, 0.0)


@kernel
def penalty_weight_gradient(penalty, scaled_weight, coef, transposed, coef_grad, sums):
    """Add the penalty's direct gradient on the weights to ``coef_grad``.

    For contraction, ``sums[j]`` is ``sum_rows f'(z_j)**2`` and the term is
    ``2 * scaled_weight * sums[j] * W_ij``.
    """
    if penalty != CONTRACTION:
        return
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
