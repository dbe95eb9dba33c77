"""Numba kernels for the log partition function log Z of a binary RBM.

Exact: enumerate the smaller layer, the other one summed out in closed form.
Estimated: annealed importance sampling (AIS) from a base-rate model, following
Salakhutdinov & Murray (2008), "On the quantitative analysis of deep belief
networks", ICML. Both work in float64 whatever the model's dtype, since they add
up many terms of very different sizes.
"""

import numpy as np

from ..utils._blas import gemm
from ..utils._numba import kernel
from ..utils._random import _GOLDEN_GAMMA, uniform_at
from ._kernels import _softplus, sample_rows

#: Salakhutdinov & Murray's schedule: 500 inverse temperatures in [0, 0.5),
#: 4,000 in [0.5, 0.9) and 10,000 in [0.9, 1]; we keep its shape for any length.
_SCHEDULE_FRACTIONS = np.array([0.0, 500 / 14500, 4500 / 14500, 1.0])
_SCHEDULE_BETAS = np.array([0.0, 0.5, 0.9, 1.0])


def default_betas(n_betas):
    """Inverse temperatures from 0 to 1, dense near 1 as in Salakhutdinov & Murray."""
    grid = np.linspace(0.0, 1.0, n_betas)
    return np.interp(grid, _SCHEDULE_FRACTIONS, _SCHEDULE_BETAS)


@kernel
def log_partition_exact(weights, row_bias, column_bias):
    """log Z of a binary RBM by enumerating its "row" layer.

    ``weights`` has shape (n_rows, n_columns) and Z sums, over every binary x of
    length n_rows, ``exp(x @ row_bias + sum_j softplus(column_bias_j + (x @ weights)_j))``.
    Pass the layer to enumerate (the smaller one) as the rows.
    """
    n_rows, n_columns = weights.shape
    n_configurations = 1 << n_rows
    block = min(n_configurations, 4096)
    configurations = np.empty((block, n_rows))
    column_input = np.empty((block, n_columns))
    running_max = -np.inf
    running_sum = 0.0
    for start in range(0, n_configurations, block):
        n_block = min(block, n_configurations - start)
        for r in range(n_block):
            code = start + r
            for i in range(n_rows):
                configurations[r, i] = (code >> i) & 1
        gemm(1.0, configurations[:n_block], False, weights, False, 0.0,
             column_input[:n_block])
        for r in range(n_block):
            value = 0.0
            for i in range(n_rows):
                value += configurations[r, i] * row_bias[i]
            for j in range(n_columns):
                value += _softplus(column_input[r, j] + column_bias[j])
            if value > running_max:
                running_sum = running_sum * np.exp(running_max - value) + 1.0
                running_max = value
            else:
                running_sum += np.exp(value - running_max)
    return running_max + np.log(running_sum)


@kernel
def ais_log_weights(weights, hidden_bias, visible_bias, base_visible_bias, betas,
                    streams):
    """Log importance weights of AIS runs, one per stream, from base model to RBM.

    The intermediate distributions are
    ``f_k(v) = exp((1 - b_k) base.v + b_k visible_bias.v) prod_j (1 + exp(b_k a_j(v)))``
    with ``a(v) = W v + hidden_bias``. f_0 is the base-rate model times 2**n_hidden
    and f_K the RBM's unnormalised marginal, so ``log Z = log Z_0 + log mean(w)``.
    Each run starts from an exact draw of the base model and moves with the Gibbs
    transition that leaves f_k invariant.
    """
    n_chains = streams.shape[0]
    n_hidden, n_visible = weights.shape
    visible = np.zeros((n_chains, n_visible))
    hidden = np.empty((n_chains, n_hidden))
    hidden_input = np.empty((n_chains, n_hidden))
    visible_input = np.empty((n_chains, n_visible))
    bias_change = visible_bias - base_visible_bias
    sample_rows(visible, base_visible_bias, streams)
    log_weights = np.zeros(n_chains)
    n_betas = betas.shape[0]
    for k in range(1, n_betas):
        beta_before = betas[k - 1]
        beta = betas[k]
        gemm(1.0, visible, False, weights, True, 0.0, hidden_input)
        for i in range(n_chains):
            counter = streams[i]
            change = 0.0
            for v in range(n_visible):
                change += visible[i, v] * bias_change[v]
            total = (beta - beta_before) * change
            for j in range(n_hidden):
                activation = hidden_input[i, j] + hidden_bias[j]
                scaled = beta * activation
                tail = np.exp(-abs(scaled))
                total += max(scaled, 0.0) + np.log1p(tail)
                total -= _softplus(beta_before * activation)
                # The transition at beta samples h from sigmoid(scaled), from `tail`.
                probability = 1.0 / (1.0 + tail) if scaled >= 0 else tail / (1.0 + tail)
                counter += _GOLDEN_GAMMA
                hidden[i, j] = 1.0 if uniform_at(counter) < probability else 0.0
            log_weights[i] += total
            streams[i] = counter
        if k == n_betas - 1:
            break
        gemm(1.0, hidden, False, weights, False, 0.0, visible_input)
        for i in range(n_chains):
            counter = streams[i]
            for v in range(n_visible):
                activation = (1.0 - beta) * base_visible_bias[v] + beta * (
                    visible_bias[v] + visible_input[i, v]
                )
                counter += _GOLDEN_GAMMA
                probability = 1.0 / (1.0 + np.exp(-activation))
                visible[i, v] = 1.0 if uniform_at(counter) < probability else 0.0
            streams[i] = counter
    return log_weights
