"""Numba kernels for the log partition function log Z of an RBM, and the schedule
of its estimate.

Exact: enumerate a binary layer, the other one summed (binary) or integrated
(Gaussian) out in closed form, in float64. Estimated: annealed importance
sampling (AIS) from a base model of independent units, following
Salakhutdinov & Murray (2008), "On the quantitative analysis of deep belief
networks", ICML, with inverse temperatures placed by a pilot run
(``adapted_betas``). AIS computes its products in the model's dtype and adds up
its log weights, terms of very different sizes, in float64.
"""

import numpy as np

from ..utils._blas import gemm
from ..utils._numba import exp_float64, inline_kernel, kernel, log_float64
from ..utils._random import advance, row_streams, uniform
from ..utils._reductions import sum_in_lanes
from ._units import ais_change, ais_rows, ais_start, ais_transition, prepare, summed_out


def estimate_log_partition(run_ais, n_chains, schedule, rng):
    """The AIS estimate of log Z and its standard error.

    ``run_ais(betas, streams, trace)`` runs AIS (one run per stream, filling
    ``trace``, see ``ais_log_weights``) and returns the log weights and the
    base model's log Z. ``schedule`` is an array of inverse temperatures, or
    their number: then a pilot run of a quarter as many evenly spaced ones
    and half as many runs places them (``adapted_betas``).
    """
    streams = row_streams(rng, n_chains)
    if isinstance(schedule, np.ndarray):
        betas = schedule
    else:
        pilot_betas = default_betas(max(schedule // 4, 2))
        trace = np.empty((pilot_betas.shape[0], max(n_chains // 2, 2)))
        run_ais(pilot_betas, row_streams(rng, trace.shape[1]), trace)
        betas = adapted_betas(pilot_betas, trace, schedule)
    log_weights, base_log_partition = run_ais(betas, streams,
                                              np.empty((betas.shape[0], 0)))
    largest = log_weights.max()
    weights = np.exp(log_weights - largest)
    mean = weights.mean()
    value = float(base_log_partition + largest + np.log(mean))
    # Delta method: sd(log mean w) = sd(w) / (sqrt(M) mean(w)).
    std = float(weights.std() / (np.sqrt(len(weights)) * mean))
    return value, std


#: Bins of [0, 1] over which ``adapted_betas`` measures a pilot run's spread.
_ADAPTATION_BINS = 50

#: The share of the adapted schedule spread evenly over [0, 1], whatever the
#: pilot saw: a pilot of few chains can miss where the weights spread.
_EVEN_SHARE = 0.1


def default_betas(n_betas):
    """``n_betas`` evenly spaced inverse temperatures from 0 to 1: the schedule
    of a pilot run (see ``adapted_betas``)."""
    return np.linspace(0.0, 1.0, n_betas)


def adapted_betas(pilot_betas, trace, n_betas):
    """``n_betas`` inverse temperatures from 0 to 1, dense where the log weights
    of a pilot run spread.

    ``trace`` holds the pilot's log weights after each of its inverse
    temperatures ``pilot_betas`` (``ais_log_weights``), one column per run.
    Where along [0, 1] the spread of the log weights grows depends on the
    model (for an RBM fitted to images, mostly where the runs settle into the
    modes of the data), and the variance of the final log weights, which sets
    the error of log Z, is the sum of the growths. If a stretch of [0, 1] that
    gained variance g over the pilot's n steps gets m steps, it gains about
    g n / m, and the sum is least for m proportional to sqrt(g n). That rule
    places the schedule over ``_ADAPTATION_BINS`` bins, mixed with an even
    share ``_EVEN_SHARE``.
    """
    grid = np.linspace(0.0, 1.0, _ADAPTATION_BINS + 1)
    variance = np.interp(grid, pilot_betas, trace.var(axis=1))
    gained = np.maximum(np.diff(variance), 0.0)
    pilot_steps = np.diff(np.interp(grid, pilot_betas, np.arange(pilot_betas.shape[0])))
    share = np.sqrt(gained * pilot_steps)
    total = share.sum()
    share = share / total if total > 0 else np.full(_ADAPTATION_BINS, 1.0 / _ADAPTATION_BINS)
    share = (1.0 - _EVEN_SHARE) * share + _EVEN_SHARE / _ADAPTATION_BINS
    cumulative = np.concatenate([[0.0], np.cumsum(share)])
    cumulative /= cumulative[-1]
    betas = np.interp(np.linspace(0.0, 1.0, n_betas), cumulative, grid)
    betas[0], betas[-1] = 0.0, 1.0
    return betas


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
def _hidden_step(hidden_input, hidden_biases, beta_before, beta, hidden, counter, terms):
    """One chain's hidden units in an AIS step: their part of the log weight.

    With ``a = hidden_input + hidden_biases[0]`` (the RBM's hidden input) and
    the base biases ``a0 = hidden_biases[1]``, the hidden units at inverse
    temperature b see ``x(b) = (1 - b) a0 + b a``. Returns the sum over the
    hidden units of ``softplus(x(beta)) - softplus(x(beta_before))`` and samples
    ``hidden`` from the transition at ``beta`` (h_j ~ sigmoid(x_j(beta))) with
    draws ``j`` of the stream at ``counter``. The terms go through ``terms``
    (float64 scratch) so that this loop has no running sum and vectorises.
    """
    one = hidden.dtype.type(1.0)
    zero = hidden.dtype.type(0.0)
    n_hidden = hidden.shape[0]
    bias = hidden_biases[0]
    base_bias = hidden_biases[1]
    for j in range(n_hidden):
        activation = hidden_input[j] + bias[j]
        scaled = base_bias[j] + beta * (activation - base_bias[j])
        scaled_before = base_bias[j] + beta_before * (activation - base_bias[j])
        # softplus(x) = max(x, 0) + log(1 + tail), tail = exp(-|x|).
        tail = exp_float64(-abs(scaled))
        tail_before = exp_float64(-abs(scaled_before))
        terms[j] = max(scaled, 0.0) - max(scaled_before, 0.0) + log_float64(
            (1.0 + tail) / (1.0 + tail_before))
        # u < sigmoid(x) = (1 or tail) / (1 + tail), without the division.
        numerator = 1.0 if scaled >= 0 else tail
        hidden[j] = one if uniform(counter, j) * (1.0 + tail) < numerator else zero
    return sum_in_lanes(terms[:n_hidden], None)


@kernel
def ais_log_weights(weights, hidden_biases, units, base, betas, streams, trace):
    """Log importance weights of AIS runs, one per stream, from base model to RBM.

    The base model has independent visible units ``base``, of the type of the
    RBM's visible units ``units`` (``_units``), and independent hidden units of
    biases ``hidden_biases[1]``; ``hidden_biases[0]`` are the RBM's. The unit
    parameters are float64; the products with ``weights`` are computed in its
    dtype. The intermediate distributions are
    ``f_k(v) = base(v)**(1 - b_k) units(v)**b_k prod_j (1 + exp(x_j))``, with
    ``x = (1 - b_k) hidden_biases[1] + b_k (W x(v) + hidden_biases[0])`` (x(v)
    the visible states in the units' working scale): f_0 is the base model's
    unnormalised marginal of v and f_K the RBM's, so
    ``log Z = log Z_0 + log mean(w)``. Each run starts from an exact draw of
    the base model and moves with the Gibbs transition that leaves f_k
    invariant: h ~ sigmoid(x), then v from the units' ``ais_transition``.
    One step is two products over all chains; the hidden input of the first
    serves both the log weight and the hidden draw. ``trace``, of shape
    (n_betas, n_traced), receives the log weights of the first n_traced runs
    after each inverse temperature (row 0: zeros); n_traced may be 0.
    """
    n_chains = streams.shape[0]
    n_hidden, n_visible = weights.shape
    dtype = weights.dtype
    one = dtype.type(1.0)
    visible = np.zeros((n_chains, n_visible), dtype)
    scratch = np.empty((n_chains, n_visible), dtype)
    hidden = np.empty((n_chains, n_hidden), dtype)
    hidden_input = np.empty((n_chains, n_hidden), dtype)
    visible_input = np.empty((n_chains, n_visible), dtype)
    terms = np.empty(n_hidden)
    prepare(units)
    ais_start(base, visible, streams)
    log_weights = np.zeros(n_chains)
    n_betas = betas.shape[0]
    n_traced = trace.shape[1]
    for i in range(n_traced):
        trace[0, i] = 0.0
    for k in range(1, n_betas):
        beta_before = betas[k - 1]
        beta = betas[k]
        rows = ais_rows(units, visible, scratch)
        gemm(one, rows, False, weights, True, 0 * one, hidden_input)
        for i in range(n_chains):
            change = ais_change(units, base, visible[i], rows[i], 0.0)
            counter = streams[i]
            log_weights[i] += (beta - beta_before) * change + _hidden_step(
                hidden_input[i], hidden_biases, beta_before, beta, hidden[i], counter,
                terms)
            streams[i] = advance(counter, n_hidden)
            if i < n_traced:
                trace[k, i] = log_weights[i]
        if k == n_betas - 1:
            break
        gemm(one, hidden, False, weights, False, 0 * one, visible_input)
        ais_transition(units, base, beta, visible_input, visible, streams)
    return log_weights
