"""Numba kernels for the log partition function log Z of an RBM.

Exact: enumerate a binary layer, the other one summed (binary) or integrated
(Gaussian) out in closed form. Estimated: annealed importance sampling (AIS) from
a base model of independent visible units, following
Salakhutdinov & Murray (2008), "On the quantitative analysis of deep belief
networks", ICML. Both work in float64 whatever the model's dtype, since they add
up many terms of very different sizes.
"""

import numpy as np

from ..utils._blas import gemm
from ..utils._numba import inline_kernel, kernel
from ..utils._random import advance, uniform
from ._sampling import _softplus
from ._units import ais_change, ais_rows, ais_start, ais_transition, prepare, summed_out

#: Salakhutdinov & Murray's schedule: 500 inverse temperatures in [0, 0.5),
#: 4,000 in [0.5, 0.9) and 10,000 in [0.9, 1]; we keep its shape for any length.
_SCHEDULE_FRACTIONS = np.array([0.0, 500 / 14500, 4500 / 14500, 1.0])
_SCHEDULE_BETAS = np.array([0.0, 0.5, 0.9, 1.0])


def default_betas(n_betas):
    """Inverse temperatures from 0 to 1, dense near 1 as in Salakhutdinov & Murray."""
    grid = np.linspace(0.0, 1.0, n_betas)
    return np.interp(grid, _SCHEDULE_FRACTIONS, _SCHEDULE_BETAS)


@kernel
def log_partition_exact(weights, row_bias, columns):
    """log Z of an RBM by enumerating its binary "row" layer.

    ``weights`` has shape (n_rows, n_columns) and Z sums, over every binary x of
    length n_rows, ``exp(x @ row_bias + g(x @ weights))``, where g is the
    ``summed_out`` term of the unit type ``columns``: for binary columns
    ``sum_j softplus(b_j + u_j)``, the units summed out; for Gaussian ones in
    scaled units ``sum_j (b_j / sigma_j) u_j + u_j**2 / 2``, the units
    integrated out, without their constants ``log(sqrt(2 pi) sigma)``. Pass the
    layer to enumerate as the rows.
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
            value += summed_out(columns, column_input[r])
            if value > running_max:
                running_sum = running_sum * np.exp(running_max - value) + 1.0
                running_max = value
            else:
                running_sum += np.exp(value - running_max)
    return running_max + np.log(running_sum)


@inline_kernel
def _hidden_step(hidden_input, hidden_bias, beta_before, beta, hidden, streams, row):
    """One chain's hidden units in an AIS step: their part of the log weight.

    Adds up ``softplus(beta a_j) - softplus(beta_before a_j)`` over the hidden
    units, ``a = hidden_input + hidden_bias``, and samples ``hidden`` from the
    transition at ``beta`` (h_j ~ sigmoid(beta a_j)) with stream ``row``.
    """
    counter = streams[row]
    total = 0.0
    for j in range(hidden.shape[0]):
        activation = hidden_input[j] + hidden_bias[j]
        scaled = beta * activation
        tail = np.exp(-abs(scaled))
        total += max(scaled, 0.0) + np.log1p(tail)
        total -= _softplus(beta_before * activation)
        # sigmoid(scaled), from `tail` without a second exp.
        probability = 1.0 / (1.0 + tail) if scaled >= 0 else tail / (1.0 + tail)
        hidden[j] = 1.0 if uniform(counter, j) < probability else 0.0
    streams[row] = advance(counter, hidden.shape[0])
    return total


@kernel
def ais_log_weights(weights, hidden_bias, units, base, betas, streams):
    """Log importance weights of AIS runs, one per stream, from base model to RBM.

    ``units`` are the RBM's visible units and ``base`` the base model, a layer
    of independent units of the same type (``_units``), all in float64. The
    intermediate distributions are
    ``f_k(v) = base(v)**(1 - b_k) units(v)**b_k prod_j (1 + exp(b_k a_j(v)))``
    with ``a(v) = W x(v) + hidden_bias`` (x in the units' working scale). f_0 is
    the base model times 2**n_hidden and f_K the RBM's unnormalised marginal,
    so ``log Z = log Z_0 + log mean(w)``. Each run starts from an exact draw of
    the base model and moves with the Gibbs transition that leaves f_k
    invariant: h ~ sigmoid(b_k a(v)), then v from the units' ``ais_transition``.
    """
    n_chains = streams.shape[0]
    n_hidden, n_visible = weights.shape
    visible = np.zeros((n_chains, n_visible))
    scratch = np.empty((n_chains, n_visible))
    hidden = np.empty((n_chains, n_hidden))
    hidden_input = np.empty((n_chains, n_hidden))
    visible_input = np.empty((n_chains, n_visible))
    prepare(units)
    ais_start(base, visible, streams)
    log_weights = np.zeros(n_chains)
    n_betas = betas.shape[0]
    for k in range(1, n_betas):
        beta_before = betas[k - 1]
        beta = betas[k]
        rows = ais_rows(units, visible, scratch)
        gemm(1.0, rows, False, weights, True, 0.0, hidden_input)
        for i in range(n_chains):
            change = ais_change(units, base, visible[i], rows[i], 0.0)
            log_weights[i] += (beta - beta_before) * change + _hidden_step(
                hidden_input[i], hidden_bias, beta_before, beta, hidden[i], streams, i
            )
        if k == n_betas - 1:
            break
        gemm(1.0, hidden, False, weights, False, 0.0, visible_input)
        ais_transition(units, base, beta, visible_input, visible, streams)
    return log_weights
