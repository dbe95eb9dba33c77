"""Numba kernels of parallel tempering for RBMs (Desjardins et al. 2010; Cho,
Raiko & Ilin 2010): Gibbs chains at a ladder of inverse temperatures that swap
their states, so that states from the hot, fast-mixing chains reach the chains
at inverse temperature 1.

The tempered distributions are those of AIS (``_partition``): at inverse
temperature beta, the joint ``f_beta(v, h) = base(v)**(1 - beta) exp(-beta E(v, h))``
between the base model of independent visible units (beta = 0) and the RBM
(beta = 1). The visible units are drawn by their unit type's ``ais_transition``
and the swaps read its ``ais_change``, so that every unit type of ``_units``
with an AIS base model is tempered without code of its own. Every draw comes
from the stream of its row (``skgen.utils._random``).
"""

import numpy as np

from ..utils._blas import gemm
from ..utils._numba import kernel
from ..utils._random import advance, uniform
from ._units import ais_change, ais_rows, ais_transition, prepare

#: The swap rate that the adaptive ladder aims at for each neighbouring pair:
#: the optimum of Atchade, Roberts & Rosenthal (2011) for the speed at which
#: states travel along the ladder.
TARGET_SWAP_RATE = 0.234

#: The adaptive ladder's step per mini-batch, on the log of each gap between
#: neighbouring inverse temperatures, per unit of swap rate above the target.
ADAPTATION_RATE = 0.1


@kernel
def sample_tempered_hidden(hidden_input, hidden_bias, beta, hidden, streams):
    """In place: ``hidden = (u < sigmoid(beta (hidden_input + hidden_bias)))``, u
    from the stream of each row; the probabilities in float64."""
    one = hidden.dtype.type(1.0)
    zero = hidden.dtype.type(0.0)
    for i in range(hidden.shape[0]):
        counter = streams[i]
        for j in range(hidden.shape[1]):
            activation = beta * (hidden_input[i, j] + hidden_bias[j])
            probability = 1.0 / (1.0 + np.exp(-activation))
            hidden[i, j] = one if uniform(counter, j) < probability else zero
        streams[i] = advance(counter, hidden.shape[1])


@kernel
def log_ratios_to_base(units, base, visible, rows, hidden, hidden_input, hidden_bias,
                       out):
    """``out[r] = log f_1(v, h) - log f_0(v)`` for each row r, the slope in beta
    of ``log f_beta`` that the swaps compare: the units' ``ais_change`` plus
    ``h . (W x + c)``, with ``hidden_input = W x`` (x the rows in the working
    scale)."""
    for r in range(visible.shape[0]):
        total = ais_change(units, base, visible[r], rows[r], 0.0)
        for j in range(hidden.shape[1]):
            total += hidden[r, j] * (hidden_input[r, j] + hidden_bias[j])
        out[r] = total


@kernel
def _swap_rows(a, first, second):
    for j in range(a.shape[1]):
        value = a[first, j]
        a[first, j] = a[second, j]
        a[second, j] = value


@kernel
def swap_neighbours(betas, log_ratios, visible, hidden, hidden_input, streams,
                    accepted):
    """Propose to swap the states of every pair of neighbouring temperatures, the
    hottest pair first, and count the accepted swaps per pair in ``accepted``.

    Row ``t * n_chains + i`` is chain i at ``betas[t]``. The swap of pair t, chain
    i, is accepted with probability ``min(1, exp((betas[t + 1] - betas[t])
    (log_ratios[low] - log_ratios[high])))``, the Metropolis ratio of the two
    joint states, with one uniform from the stream of the lower row ``low``;
    an accepted swap exchanges the rows of ``visible``, ``hidden``,
    ``hidden_input`` and ``log_ratios``.
    """
    n_pairs = betas.shape[0] - 1
    n_chains = visible.shape[0] // betas.shape[0]
    for t in range(n_pairs):
        gap = betas[t + 1] - betas[t]
        for i in range(n_chains):
            low = t * n_chains + i
            high = low + n_chains
            counter = streams[low]
            draw = uniform(counter, 0)
            streams[low] = advance(counter, 1)
            log_acceptance = gap * (log_ratios[low] - log_ratios[high])
            if log_acceptance >= 0 or draw < np.exp(log_acceptance):
                _swap_rows(visible, low, high)
                _swap_rows(hidden, low, high)
                _swap_rows(hidden_input, low, high)
                value = log_ratios[low]
                log_ratios[low] = log_ratios[high]
                log_ratios[high] = value
                accepted[t] += 1


@kernel
def adapt_ladder(betas, accepted, n_attempts, target, rate):
    """In place: move each gap between neighbouring inverse temperatures by the
    factor ``exp(rate * (accepted / n_attempts - target))``, from the top
    (``betas[-1] = 1`` stays); if the gaps then add up to more than 1, scale
    them down to end at 0, the base model. Without attempts nothing moves."""
    if n_attempts == 0:
        return
    upper = betas[betas.shape[0] - 1]
    for t in range(betas.shape[0] - 2, -1, -1):
        lower = betas[t]
        gap = (upper - lower) * np.exp(rate * (accepted[t] / n_attempts - target))
        betas[t] = betas[t + 1] - gap
        upper = lower
    bottom = betas[0]
    if bottom < 0:
        for t in range(betas.shape[0]):
            betas[t] = 1.0 - (1.0 - betas[t]) / (1.0 - bottom)


@kernel
def tempered_gibbs(ladder, weights, hidden_bias, units, chains, streams, n_steps, out):
    """Run ``n_steps`` steps of parallel tempering over the chains ``chains``, each
    with a replica at every inverse temperature of the ladder, and write the
    visible states of the chains at inverse temperature 1 into ``out``, in the
    units' working scale.

    ``ladder`` is ``(betas, base, replica_streams, adaptation, swap_counts,
    scratch)``: the inverse temperatures, increasing to ``betas[-1] = 1``; the
    base model (a unit type of ``_units``); the streams of the replicas below
    inverse temperature 1, ``(n_temperatures - 1) * n_chains``; None, or
    ``(target, rate)`` to adapt the ladder after the steps
    (``adapt_ladder``); ``swap_counts`` (2, n_temperatures - 1), to which the
    accepted and the proposed swaps of each pair are added; and ``scratch``,
    ``(hidden, hidden_input, visible, visible_input, log_ratios, accepted)``,
    with n_temperatures * n_chains rows (``accepted`` has one entry per pair).
    Row ``t * n_chains + i`` of ``hidden`` and ``visible`` is chain i at
    ``betas[t]``; the rows below the last block of ``hidden`` are the
    replicas' hidden states, kept from call to call, and its last block takes a
    copy of ``chains``, the hidden states at inverse temperature 1, whose
    streams are ``streams``.

    Each step draws, at every temperature, v given h (``ais_transition``), then
    proposes the swaps of the joint states (v, h) (``swap_neighbours``), then
    draws h given v, h ~ sigmoid(beta (W x + c)); the last step leaves the
    hidden states at inverse temperature 1 to the caller. The ladder stays
    fixed during the steps.
    """
    betas, base, replica_streams, adaptation, swap_counts, scratch = ladder
    hidden, hidden_input, visible, visible_input, log_ratios, accepted = scratch
    n_temperatures = betas.shape[0]
    n_chains, n_hidden = chains.shape
    top = (n_temperatures - 1) * n_chains
    one = weights.dtype.type(1.0)
    prepare(units)
    for i in range(n_chains):
        for j in range(n_hidden):
            hidden[top + i, j] = chains[i, j]
    accepted[:] = 0
    for step in range(n_steps):
        gemm(one, hidden, False, weights, False, 0 * one, visible_input)
        for t in range(n_temperatures):
            start = t * n_chains
            block_streams = (streams[:n_chains] if t == n_temperatures - 1
                             else replica_streams[start:start + n_chains])
            ais_transition(units, base, betas[t], visible_input[start:start + n_chains],
                           visible[start:start + n_chains], block_streams)
        rows = ais_rows(units, visible, visible_input)
        gemm(one, rows, False, weights, True, 0 * one, hidden_input)
        log_ratios_to_base(units, base, visible, rows, hidden, hidden_input, hidden_bias,
                           log_ratios)
        swap_neighbours(betas, log_ratios, visible, hidden, hidden_input, replica_streams,
                        accepted)
        for t in range(n_temperatures):
            if t == n_temperatures - 1 and step == n_steps - 1:
                break
            start = t * n_chains
            block_streams = (streams[:n_chains] if t == n_temperatures - 1
                             else replica_streams[start:start + n_chains])
            sample_tempered_hidden(hidden_input[start:start + n_chains], hidden_bias,
                                   betas[t], hidden[start:start + n_chains],
                                   block_streams)
    rows = ais_rows(units, visible, visible_input)
    for i in range(n_chains):
        for j in range(out.shape[1]):
            out[i, j] = rows[top + i, j]
    for t in range(n_temperatures - 1):
        swap_counts[0, t] += accepted[t]
        swap_counts[1, t] += n_chains * n_steps
    _adapt(adaptation, betas, accepted, n_chains * n_steps)


@kernel
def _adapt(adaptation, betas, accepted, n_attempts):
    # A kernel of its own, so that Numba drops the branch for a fixed ladder.
    if adaptation is not None:
        target, rate = adaptation
        adapt_ladder(betas, accepted, n_attempts, target, rate)
