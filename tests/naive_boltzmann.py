"""NumPy references for the Boltzmann machine and annealing kernels
(skgen.boltzmann._kernels, skgen.annealing._kernels): brute-force enumeration,
exact gradients, and the sweeps on the same random streams."""

import itertools

import numpy as np
from naive import sigmoid


def all_states(n_units):
    """Every binary state of ``n_units`` units, one per row."""
    return np.array(list(itertools.product([0.0, 1.0], repeat=n_units)))


def energy(weights, bias, states):
    states = np.asarray(states, dtype=np.float64)
    return -0.5 * np.einsum("ij,ij->i", states @ weights, states) - states @ bias


def log_partition(weights, bias):
    values = -energy(weights, bias, all_states(weights.shape[0]))
    return float(np.logaddexp.reduce(values))


def distribution(weights, bias):
    """p(s) for every state of ``all_states``."""
    values = -energy(weights, bias, all_states(weights.shape[0]))
    return np.exp(values - np.logaddexp.reduce(values))


def log_likelihood(weights, bias, X):
    """log p(v) for each row v of X, hidden units summed by enumeration."""
    n_visible = X.shape[1]
    hidden = all_states(weights.shape[0] - n_visible)
    out = []
    for v in X:
        full = np.hstack([np.tile(v, (hidden.shape[0], 1)), hidden])
        out.append(np.logaddexp.reduce(-energy(weights, bias, full)))
    return np.array(out) - log_partition(weights, bias)


def gradient(weights, bias, X, mask, offsets=None):
    """The exact gradient of the mean log-likelihood, as (dW, db), restricted to
    ``mask``; with ``offsets``, the centered direction (see fit_epoch)."""
    n_units = weights.shape[0]
    n_visible = X.shape[1]
    states = all_states(n_units)
    p = distribution(weights, bias)
    negative = (states * p[:, None]).T @ states
    negative_mean = p @ states
    hidden = all_states(n_units - n_visible)
    positive = np.zeros((n_units, n_units))
    positive_mean = np.zeros(n_units)
    for v in X:
        full = np.hstack([np.tile(v, (hidden.shape[0], 1)), hidden])
        values = -energy(weights, bias, full)
        q = np.exp(values - np.logaddexp.reduce(values))
        positive += (full * q[:, None]).T @ full / len(X)
        positive_mean += q @ full / len(X)
    mean_difference = positive_mean - negative_mean
    dW = positive - negative
    if offsets is not None:
        dW = dW - np.outer(mean_difference, offsets) - np.outer(offsets, mean_difference)
    dW = dW * mask
    np.fill_diagonal(dW, 0.0)
    db = mean_difference if offsets is None else mean_difference - dW @ offsets
    return dW, db


def sweep_rows(weights, bias, states, free, temperatures, streams):
    """The annealing floor's sweeps, unit by unit with fields recomputed from
    scratch, on ``naive.Streams``. Returns (states, sweeps per row)."""
    states = states.copy()
    dtype = states.dtype
    n_sweeps = np.zeros(states.shape[0], dtype=np.int64)
    for r in range(states.shape[0]):
        mask = free[r if free.shape[0] > 1 else 0]
        order = list(np.flatnonzero(mask))
        n_free = len(order)
        row = states[r]
        for t, temperature in enumerate(temperatures):
            shuffle = streams.uniforms(r, max(n_free - 1, 0))
            for position, k in enumerate(range(n_free - 1, 0, -1)):
                pick = int(shuffle[position] * (k + 1))
                order[k], order[pick] = order[pick], order[k]
            draws = streams.uniforms(r, n_free) if temperature > 0 else None
            flips = 0
            for position, i in enumerate(order):
                field = (weights[i] @ row + bias[i]).astype(dtype)
                old = row[i]
                if temperature > 0:
                    p = sigmoid(np.asarray(field / dtype.type(temperature), dtype=dtype))
                    streams.closest = min(streams.closest, abs(draws[position] - float(p)))
                    new = 1.0 if draws[position] < p else 0.0
                else:
                    streams.closest = min(streams.closest, abs(float(field)))
                    new = 1.0 if field > 0 else 0.0 if field < 0 else old
                flips += new != old
                row[i] = new
            n_sweeps[r] = t + 1
            if temperature == 0 and flips == 0:
                break
    return states, n_sweeps
