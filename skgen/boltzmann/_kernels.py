"""Numba kernels of the Boltzmann machine: its two-phase training, exact
enumeration of its states, annealed importance sampling and mean-field
inference.

The energy is E(s) = -1/2 s.W.s - b.s over s in {0, 1}^n, the visible units
first. W is symmetric with a zero diagonal; ``mask`` marks the connections that
exist. Sweeps of Gibbs updates are the annealing floor's ``sweep_rows``.
"""

import numpy as np

from ..annealing._kernels import sweep_rows
from ..utils._blas import gemm
from ..utils._numba import kernel, sigmoid
from ..utils._random import advance, uniform


@kernel
def _set_fields(weights, bias, states, fields):
    """``fields = states @ weights + bias``."""
    one = weights.dtype.type(1.0)
    gemm(one, states, False, weights, False, 0 * one, fields)
    for r in range(fields.shape[0]):
        for j in range(fields.shape[1]):
            fields[r, j] += bias[j]


@kernel
def _random_start(states, free, streams):
    """Free units of each row set to fair coin flips from the row's stream."""
    one = states.dtype.type(1.0)
    zero = states.dtype.type(0.0)
    for r in range(states.shape[0]):
        mask = free[r if free.shape[0] > 1 else 0]
        counter = streams[r]
        for j in range(states.shape[1]):
            if mask[j]:
                states[r, j] = one if uniform(counter, j) < 0.5 else zero
        streams[r] = advance(counter, states.shape[1])


@kernel
def equilibrium_statistics(weights, bias, states, free, schedule, n_sweeps, streams,
                           totals, sums):
    """Anneal the rows of ``states`` through ``schedule``, then add up their
    statistics over ``n_sweeps`` sweeps at temperature 1.

    Units where ``free`` is True start from coin flips and are updated; the
    others keep their value (clamped). After each sweep at temperature 1,
    ``totals += states.T @ states`` and ``sums`` gains the column sums of
    ``states``: the co-activations and activations the learning rule averages.
    """
    fields = np.empty(states.shape, dtype=weights.dtype)
    done = np.empty(states.shape[0], dtype=np.int64)
    _random_start(states, free, streams)
    _set_fields(weights, bias, states, fields)
    sweep_rows(weights, states, fields, free, schedule, streams, done)
    _collect(weights, states, fields, free, n_sweeps, streams, totals, sums)


@kernel
def _collect(weights, states, fields, free, n_sweeps, streams, totals, sums):
    """``n_sweeps`` sweeps at temperature 1, adding ``states.T @ states`` to
    ``totals`` and the column sums of ``states`` to ``sums`` after each."""
    n_rows, n_units = states.shape
    one = weights.dtype.type(1.0)
    done = np.empty(n_rows, dtype=np.int64)
    at_one = np.ones(1)
    for _ in range(n_sweeps):
        sweep_rows(weights, states, fields, free, at_one, streams, done)
        gemm(one, states, True, states, False, one, totals)
        for r in range(n_rows):
            for j in range(n_units):
                sums[j] += states[r, j]


@kernel
def continue_chains(weights, bias, states, n_sweeps, streams, totals, sums):
    """Persistent chains: ``n_sweeps`` sweeps at temperature 1 from their current
    states, adding up their statistics as ``equilibrium_statistics`` does."""
    fields = np.empty(states.shape, dtype=weights.dtype)
    free = np.ones((1, states.shape[1]), dtype=np.bool_)
    _set_fields(weights, bias, states, fields)
    _collect(weights, states, fields, free, n_sweeps, streams, totals, sums)


@kernel
def fit_epoch(model, data, order, streams, particles, settings):
    """One pass of two-phase Boltzmann learning over ``data[order]``, in place.

    ``model`` is (weights, bias, mask): mask is 1 where a connection exists
    and 0 elsewhere, diagonal included. ``streams`` is (data_streams,
    particle_streams): one stream per row of ``data`` and per negative chain.
    ``settings`` is (batch_size, learning_rate, weight_decay, schedule,
    n_sweeps, persistent, free_hidden, offsets).

    Each mini-batch: the positive phase clamps the visible units to the
    batch, anneals the hidden units (``free_hidden``) and averages s s^T over
    ``n_sweeps`` sweeps at temperature 1; the negative phase does the same for
    the free-running ``particles``, annealed from coin flips, or continued
    from where the last mini-batch left them when ``persistent``. Then
    ``W += lr (<s s^T>+ - <s s^T>- - weight_decay W)`` on the connections of
    ``mask`` and ``b += lr (<s>+ - <s>-)``.

    Centered (Melchior et al. 2016), the step is that of the energy
    ``-1/2 (s - c).W.(s - c) - b'.(s - c)`` with the ``offsets`` c: the
    co-activations become covariances around c, ``d = <s s^T> - m c^T - c m^T``
    for the difference m of the phases' means, and the bias steps by
    ``lr m - dW c`` so that the stored (uncentered) b follows. Offsets of 0
    give the plain rule.
    """
    weights, bias, mask = model
    data_streams, particle_streams = streams
    (batch_size, learning_rate, weight_decay, schedule, n_sweeps, persistent, free_hidden,
     offsets) = settings
    n_samples, n_visible = data.shape
    n_units = weights.shape[0]
    n_particles = particles.shape[0]
    dtype = weights.dtype
    all_free = np.ones((1, n_units), dtype=np.bool_)
    positive = np.empty((batch_size, n_units), dtype=dtype)
    batch_streams = np.empty(batch_size, dtype=np.uint64)
    totals_positive = np.empty((n_units, n_units), dtype=dtype)
    totals_negative = np.empty((n_units, n_units), dtype=dtype)
    sums_positive = np.empty(n_units, dtype=dtype)
    sums_negative = np.empty(n_units, dtype=dtype)
    mean_step = np.empty(n_units, dtype=dtype)
    shift = np.empty(n_units, dtype=dtype)
    rate = dtype.type(learning_rate)
    decay = dtype.type(weight_decay)
    for start in range(0, n_samples, batch_size):
        stop = min(start + batch_size, n_samples)
        n_batch = stop - start
        rows = positive[:n_batch]
        for r in range(n_batch):
            sample = order[start + r]
            for j in range(n_visible):
                rows[r, j] = data[sample, j]
            batch_streams[r] = data_streams[sample]
        for i in range(n_units):
            sums_positive[i] = 0.0
            sums_negative[i] = 0.0
            for j in range(n_units):
                totals_positive[i, j] = 0.0
                totals_negative[i, j] = 0.0
        equilibrium_statistics(weights, bias, rows, free_hidden, schedule, n_sweeps,
                               batch_streams[:n_batch], totals_positive, sums_positive)
        for r in range(n_batch):
            data_streams[order[start + r]] = batch_streams[r]
        if persistent:
            continue_chains(weights, bias, particles, n_sweeps, particle_streams,
                            totals_negative, sums_negative)
        else:
            equilibrium_statistics(weights, bias, particles, all_free, schedule, n_sweeps,
                                   particle_streams, totals_negative, sums_negative)
        scale_positive = rate / dtype.type(n_batch * n_sweeps)
        scale_negative = rate / dtype.type(n_particles * n_sweeps)
        for i in range(n_units):
            # The learning rate times the difference of the phases' means.
            mean_step[i] = scale_positive * sums_positive[i] - scale_negative * sums_negative[i]
            shift[i] = mean_step[i]
        # One step per pair, written to both triangles: W stays exactly symmetric.
        for i in range(n_units):
            for j in range(i + 1, n_units):
                step = mask[i, j] * (
                    scale_positive * totals_positive[i, j]
                    - scale_negative * totals_negative[i, j]
                    - mean_step[i] * offsets[j] - offsets[i] * mean_step[j]
                    - rate * decay * weights[i, j])
                weights[i, j] += step
                weights[j, i] = weights[i, j]
                shift[i] -= step * offsets[j]
                shift[j] -= step * offsets[i]
        for i in range(n_units):
            bias[i] += shift[i]


@kernel
def _gray_code_log_sum(weights, states, fields, energy, first):
    """log sum exp(-E) over every state of the units ``first`` onwards, the
    others held at ``states``, in float64.

    ``states`` starts with those units off, ``fields`` holds their local fields
    and ``energy`` the energy of that state. The states are visited in
    Gray-code order, so that consecutive ones differ in one unit: the energy
    changes by that unit's field, and the fields by its row of W, O(n) per
    state. ``states`` and ``fields`` are scratch.
    """
    n_units = weights.shape[0]
    running_max = -energy
    running_sum = 1.0
    for code in range(1, 1 << (n_units - first)):
        unit = first
        while not (code >> (unit - first)) & 1:
            unit += 1
        change = 1.0 - 2.0 * states[unit]
        energy -= change * fields[unit]
        states[unit] += change
        row = weights[unit]
        for j in range(first, n_units):
            fields[j] += change * row[j]
        value = -energy
        if value > running_max:
            running_sum = running_sum * np.exp(running_max - value) + 1.0
            running_max = value
        else:
            running_sum += np.exp(value - running_max)
    return running_max + np.log(running_sum)


@kernel
def log_partition_exact(weights, bias):
    """log Z = log sum_s exp(-E(s)) over every binary state, in float64, by
    enumeration in Gray-code order (``_gray_code_log_sum``)."""
    n_units = weights.shape[0]
    fields = np.empty(n_units)
    for j in range(n_units):
        fields[j] = bias[j]
    return _gray_code_log_sum(weights, np.zeros(n_units), fields, 0.0, 0)


@kernel
def hidden_sums_exact(weights, bias, visible, out):
    """``out[r] = log sum_h exp(-E(visible[r], h))``, every hidden state
    enumerated in Gray-code order (``_gray_code_log_sum``), in float64."""
    n_units = weights.shape[0]
    n_visible = visible.shape[1]
    states = np.zeros(n_units)
    fields = np.empty(n_units)
    for r in range(visible.shape[0]):
        v = visible[r]
        energy = 0.0
        for i in range(n_visible):
            states[i] = v[i]
            if v[i] != 0.0:
                inner = 0.0
                for j in range(n_visible):
                    inner += weights[i, j] * v[j]
                energy -= v[i] * (0.5 * inner + bias[i])
        for k in range(n_visible, n_units):
            states[k] = 0.0
            total = bias[k]
            for j in range(n_visible):
                total += weights[k, j] * v[j]
            fields[k] = total
        out[r] = _gray_code_log_sum(weights, states, fields, energy, n_visible)


@kernel
def ais_log_weights(weights, bias, base_bias, states, free, betas, streams, trace):
    """Log importance weights of AIS runs, one per row of ``states``, in float64.

    The runs go from the base model of independent units, p0(s) proportional
    to exp(base_bias.s), to the machine, through
    ``p_k(s) ∝ exp(-b_k E(s) + (1 - b_k) base_bias.s)``. Units where ``free``
    is False keep the values they have in ``states`` (clamped; for an estimate
    of sum_h exp(-E(v, h))); the free ones start from an exact draw of the base
    model. Each transition is a sweep of Gibbs updates of the free units, in
    index order, which leaves p_k invariant. ``trace`` (n_betas, n_traced)
    receives the log weights of the first n_traced runs after each step.
    """
    n_rows, n_units = states.shape
    n_betas = betas.shape[0]
    n_traced = trace.shape[1]
    fields = np.empty(n_units)
    log_weights = np.zeros(n_rows)
    for r in range(n_rows):
        x = states[r]
        mask = free[r if free.shape[0] > 1 else 0]
        counter = streams[r]
        for j in range(n_units):
            if mask[j]:
                x[j] = 1.0 if uniform(counter, j) < sigmoid(base_bias[j]) else 0.0
        counter = advance(counter, n_units)
        target = 0.0  # E(x)
        base = 0.0  # -base_bias.x
        for i in range(n_units):
            total = bias[i]
            for j in range(n_units):
                total += weights[i, j] * x[j]
            fields[i] = total
        for i in range(n_units):
            target -= 0.5 * x[i] * (fields[i] + bias[i])
            base -= base_bias[i] * x[i]
        log_weight = 0.0
        if r < n_traced:
            trace[0, r] = 0.0
        for k in range(1, n_betas):
            beta = betas[k]
            log_weight -= (beta - betas[k - 1]) * (target - base)
            if r < n_traced:
                trace[k, r] = log_weight
            if k == n_betas - 1:
                break
            for i in range(n_units):
                if not mask[i]:
                    continue
                field = beta * fields[i] + (1.0 - beta) * base_bias[i]
                new = 1.0 if uniform(counter, i) < sigmoid(field) else 0.0
                change = new - x[i]
                if change != 0.0:
                    target -= change * fields[i]
                    base -= change * base_bias[i]
                    x[i] = new
                    row = weights[i]
                    for j in range(n_units):
                        fields[j] += change * row[j]
            counter = advance(counter, n_units)
        log_weights[r] = log_weight
        streams[r] = counter
    return log_weights


@kernel
def mean_field(weights, bias, means, free, max_iter, tol):
    """Mean-field marginals (Peterson & Anderson 1987), in place in ``means``.

    The free units of each row are updated in turn,
    ``m_i = sigmoid(sum_j W_ij m_j + b_i)``, with the clamped ones held, until
    the largest change of a sweep is below ``tol`` or after ``max_iter``
    sweeps. Returns the most sweeps a row took.
    """
    n_rows, n_units = means.shape
    dtype = means.dtype
    tolerance = dtype.type(tol)
    fields = np.empty(n_units, dtype=dtype)
    most = 0
    for r in range(n_rows):
        m = means[r]
        mask = free[r if free.shape[0] > 1 else 0]
        for i in range(n_units):
            total = bias[i]
            for j in range(n_units):
                total += weights[i, j] * m[j]
            fields[i] = total
        sweeps = 0
        for _ in range(max_iter):
            sweeps += 1
            largest = dtype.type(0.0)
            for i in range(n_units):
                if not mask[i]:
                    continue
                new = sigmoid(fields[i])
                change = new - m[i]
                if change != 0.0:
                    m[i] = new
                    row = weights[i]
                    for j in range(n_units):
                        fields[j] += change * row[j]
                    largest = max(largest, abs(change))
            if largest < tolerance:
                break
        most = max(most, sweeps)
    return most


@kernel
def clamped_averages(weights, bias, states, free, schedule, n_sweeps, streams, averages):
    """Averages of each row's units over ``n_sweeps`` sweeps at temperature 1,
    after annealing its free units from coin flips through ``schedule``.

    Clamped units (``free`` False) keep their values in ``states``, and so in
    ``averages``. ``states`` ends in the last sweep's state.
    """
    n_rows, n_units = states.shape
    fields = np.empty((n_rows, n_units), dtype=weights.dtype)
    done = np.empty(n_rows, dtype=np.int64)
    at_one = np.ones(1)
    scale = weights.dtype.type(1.0) / weights.dtype.type(n_sweeps)
    _random_start(states, free, streams)
    _set_fields(weights, bias, states, fields)
    sweep_rows(weights, states, fields, free, schedule, streams, done)
    for r in range(n_rows):
        for j in range(n_units):
            averages[r, j] = 0.0
    for _ in range(n_sweeps):
        sweep_rows(weights, states, fields, free, at_one, streams, done)
        for r in range(n_rows):
            for j in range(n_units):
                averages[r, j] += scale * states[r, j]
