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
from ..utils._random import advance, normal_row, uniform
from ._sampling import _softplus, sample_rows, sample_softmax_rows

#: Salakhutdinov & Murray's schedule: 500 inverse temperatures in [0, 0.5),
#: 4,000 in [0.5, 0.9) and 10,000 in [0.9, 1]; we keep its shape for any length.
_SCHEDULE_FRACTIONS = np.array([0.0, 500 / 14500, 4500 / 14500, 1.0])
_SCHEDULE_BETAS = np.array([0.0, 0.5, 0.9, 1.0])


def default_betas(n_betas):
    """Inverse temperatures from 0 to 1, dense near 1 as in Salakhutdinov & Murray."""
    grid = np.linspace(0.0, 1.0, n_betas)
    return np.interp(grid, _SCHEDULE_FRACTIONS, _SCHEDULE_BETAS)


@kernel
def log_partition_exact(weights, row_bias, column_bias, gaussian_columns):
    """log Z of an RBM by enumerating its binary "row" layer.

    ``weights`` has shape (n_rows, n_columns) and Z sums, over every binary x of
    length n_rows, ``exp(x @ row_bias + sum_j g(column_bias_j, (x @ weights)_j))``.
    For binary columns ``g(b, u) = softplus(b + u)``: the column unit summed out.
    For Gaussian columns in scaled units (``column_bias`` is ``b / sigma``)
    ``g(b, u) = b u + u**2 / 2``: the unit integrated out, without its constant
    ``log(sqrt(2 pi) sigma)``. Pass the layer to enumerate as the rows.
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
            if gaussian_columns:
                for j in range(n_columns):
                    u = column_input[r, j]
                    value += column_bias[j] * u + 0.5 * u * u
            else:
                for j in range(n_columns):
                    value += _softplus(column_input[r, j] + column_bias[j])
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
def ais_log_weights(weights, hidden_bias, visible_bias, base_visible_bias, betas,
                    streams, n_labels):
    """Log importance weights of AIS runs, one per stream, from base model to RBM.

    The intermediate distributions are
    ``f_k(v) = exp((1 - b_k) base.v + b_k visible_bias.v) prod_j (1 + exp(b_k a_j(v)))``
    with ``a(v) = W v + hidden_bias``. f_0 is the base-rate model times 2**n_hidden
    and f_K the RBM's unnormalised marginal, so ``log Z = log Z_0 + log mean(w)``.
    Each run starts from an exact draw of the base model and moves with the Gibbs
    transition that leaves f_k invariant.

    With ``n_labels`` > 0 the last ``n_labels`` visible units are one softmax
    group (one-hot states only), and the base model's bias of each is 0: the
    base model draws the label uniformly, Z_0 gains a factor ``n_labels``, and
    each transition draws the label from the softmax of its activations, after
    the other visible units.
    """
    n_chains = streams.shape[0]
    n_hidden, n_visible = weights.shape
    n_free = n_visible - n_labels
    visible = np.zeros((n_chains, n_visible))
    hidden = np.empty((n_chains, n_hidden))
    hidden_input = np.empty((n_chains, n_hidden))
    visible_input = np.empty((n_chains, n_visible))
    bias_change = visible_bias - base_visible_bias
    labels = visible[:, n_free:]
    label_bias = np.empty(n_labels)
    sample_rows(visible[:, :n_free], base_visible_bias[:n_free], streams)
    if n_labels:
        # At beta 0 the labels' activations are their base biases.
        sample_softmax_rows(labels, base_visible_bias[n_free:], streams)
    log_weights = np.zeros(n_chains)
    n_betas = betas.shape[0]
    for k in range(1, n_betas):
        beta_before = betas[k - 1]
        beta = betas[k]
        gemm(1.0, visible, False, weights, True, 0.0, hidden_input)
        for i in range(n_chains):
            change = 0.0
            for v in range(n_visible):
                change += visible[i, v] * bias_change[v]
            log_weights[i] += (beta - beta_before) * change + _hidden_step(
                hidden_input[i], hidden_bias, beta_before, beta, hidden[i], streams, i
            )
        if k == n_betas - 1:
            break
        gemm(1.0, hidden, False, weights, False, 0.0, visible_input)
        for i in range(n_chains):
            counter = streams[i]
            for v in range(n_free):
                activation = (1.0 - beta) * base_visible_bias[v] + beta * (
                    visible_bias[v] + visible_input[i, v]
                )
                probability = 1.0 / (1.0 + np.exp(-activation))
                visible[i, v] = 1.0 if uniform(counter, v) < probability else 0.0
            streams[i] = advance(counter, n_free)
        if n_labels:
            for k in range(n_labels):
                label_bias[k] = ((1.0 - beta) * base_visible_bias[n_free + k]
                                 + beta * visible_bias[n_free + k])
            for i in range(n_chains):
                for k in range(n_labels):
                    labels[i, k] = beta * visible_input[i, n_free + k]
            sample_softmax_rows(labels, label_bias, streams)
    return log_weights


@kernel
def gaussian_ais_log_weights(weights, hidden_bias, visible_bias, log_variance,
                             base_mean, base_log_variance, betas, streams):
    """Log AIS weights for a Gaussian-Bernoulli RBM, from an independent Gaussian.

    With ``a(v) = W (v / sigma) + hidden_bias`` the intermediate distributions are
    ``f_k(v) = exp(-(1 - b_k) sum_i (v_i - m_i)**2 / (2 s_i**2)
    - b_k sum_i (v_i - visible_bias_i)**2 / (2 sigma_i**2)) prod_j (1 + exp(b_k a_j(v)))``
    where m and s**2 are the base model's means and variances. f_0 is the base
    Gaussian times 2**n_hidden and f_K the RBM's unnormalised marginal. The
    transition at b_k samples h ~ sigmoid(b_k a(v)), then each v_i from the
    Gaussian of precision ``(1 - b_k) / s_i**2 + b_k / sigma_i**2`` that
    f_k(v, h) gives it.
    """
    n_chains = streams.shape[0]
    n_hidden, n_visible = weights.shape
    scale = np.exp(-0.5 * log_variance)
    base_precision = np.exp(-base_log_variance)
    base_std = np.exp(0.5 * base_log_variance)
    visible = np.empty((n_chains, n_visible))
    scaled = np.empty((n_chains, n_visible))
    hidden = np.empty((n_chains, n_hidden))
    hidden_input = np.empty((n_chains, n_hidden))
    visible_input = np.empty((n_chains, n_visible))
    noise = np.empty(n_visible + n_visible % 2)
    for i in range(n_chains):
        streams[i] = normal_row(streams[i], noise)
        for v in range(n_visible):
            visible[i, v] = base_mean[v] + base_std[v] * noise[v]
    log_weights = np.zeros(n_chains)
    n_betas = betas.shape[0]
    for k in range(1, n_betas):
        beta_before = betas[k - 1]
        beta = betas[k]
        for i in range(n_chains):
            for v in range(n_visible):
                scaled[i, v] = visible[i, v] * scale[v]
        gemm(1.0, scaled, False, weights, True, 0.0, hidden_input)
        for i in range(n_chains):
            # log f_k - log f_{k-1}: the visible energies' difference, times the step.
            change = 0.0
            for v in range(n_visible):
                to_base = (visible[i, v] - base_mean[v]) ** 2 * base_precision[v]
                to_model = (scaled[i, v] - visible_bias[v] * scale[v]) ** 2
                change += 0.5 * (to_base - to_model)
            log_weights[i] += (beta - beta_before) * change + _hidden_step(
                hidden_input[i], hidden_bias, beta_before, beta, hidden[i], streams, i
            )
        if k == n_betas - 1:
            break
        gemm(1.0, hidden, False, weights, False, 0.0, visible_input)
        for i in range(n_chains):
            streams[i] = normal_row(streams[i], noise)
            for v in range(n_visible):
                model_precision = scale[v] * scale[v]
                precision = (1.0 - beta) * base_precision[v] + beta * model_precision
                linear = ((1.0 - beta) * base_precision[v] * base_mean[v]
                          + beta * model_precision * visible_bias[v]
                          + beta * scale[v] * visible_input[i, v])
                visible[i, v] = linear / precision + noise[v] / np.sqrt(precision)
    return log_weights
