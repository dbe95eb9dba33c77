"""log Z and the exact log-likelihood of a Deep Boltzmann Machine.

The odd and the even layers of a DBM are the two sides of one bipartite
Boltzmann machine: an RBM whose "visible" units are one side and whose
"hidden" units the other, with a block of weights for each pair of
neighbouring layers. Its log Z is the DBM's, computed by the RBM family's
kernels: exact enumeration of one side with the other summed out, or AIS over
one side with the other summed out at every step. With binary visible units
AIS runs over the odd layers and sums out the even ones (the visible layer
among them); with Gaussian visible units, which the AIS step cannot sum out,
it runs over the even layers.
"""

import numpy as np
from scipy.special import logsumexp

from ..rbm import _partition
from ..rbm._bernoulli import _log_partition_binary
from ..rbm._units import BernoulliUnits, GaussianBase, GaussianUnits, JoinedUnits

#: "auto" is exact up to this many enumerated units, as for the RBMs.
EXACT_MAX_UNITS = 20

#: Exact enumeration refuses more units than this.
ENUMERABLE_MAX_UNITS = 30

#: The smallest variance of the Gaussian AIS base model, relative to 1.
_MIN_BASE_VARIANCE = 1e-2

#: About how many float64 values one block of the exact log-likelihood holds.
_BLOCK_VALUES = 1 << 22


def _sides(n_layers):
    """The odd and the even layers of a DBM of ``n_layers`` hidden layers."""
    layers = range(n_layers + 1)
    return [l for l in layers if l % 2], [l for l in layers if l % 2 == 0]


def _positions(sizes, side):
    """The first column of each layer of ``side`` among that side's units."""
    positions, start = {}, 0
    for layer in side:
        positions[layer] = start
        start += sizes[layer]
    return positions, start


def bipartite_weights(weights, sizes, dtype=np.float64):
    """The (n_even_units, n_odd_units) weights between the two sides."""
    odd, even = _sides(len(weights))
    odd_at, n_odd = _positions(sizes, odd)
    even_at, n_even = _positions(sizes, even)
    out = np.zeros((n_even, n_odd), dtype=dtype)
    for layer, weight in enumerate(weights):
        if layer % 2 == 0:
            # Layer l is even, l + 1 odd: the block is W_l.T.
            out[even_at[layer]:even_at[layer] + sizes[layer],
                odd_at[layer + 1]:odd_at[layer + 1] + sizes[layer + 1]] = weight.T
        else:
            out[even_at[layer + 1]:even_at[layer + 1] + sizes[layer + 1],
                odd_at[layer]:odd_at[layer] + sizes[layer]] = weight
    return out


def _side_vector(vectors, side):
    return np.concatenate([np.asarray(vectors[l], dtype=np.float64) for l in side])


def _sizes(model):
    return [model.components_[0].shape[1], *(w.shape[0] for w in model.components_)]


def n_enumerated_units(model):
    """Number of units that exact log Z enumerates."""
    sizes = _sizes(model)
    odd, even = _sides(len(model.components_))
    n_odd = sum(sizes[l] for l in odd)
    if model.visible_units == "gaussian":
        return n_odd
    return min(n_odd, sum(sizes[l] for l in even))


def log_partition(model, method, n_chains, n_betas, rng):
    """(log Z, its standard error) of a fitted DBM."""
    if method not in ("auto", "exact", "ais"):
        raise ValueError(f"method must be 'auto', 'exact' or 'ais', got {method!r}.")
    n_enumerated = n_enumerated_units(model)
    if method == "auto":
        method = "exact" if n_enumerated <= EXACT_MAX_UNITS else "ais"
    if method == "exact":
        if n_enumerated > ENUMERABLE_MAX_UNITS:
            raise ValueError(
                f"Exact log Z enumerates 2**{n_enumerated} binary states, which is "
                f"infeasible above {ENUMERABLE_MAX_UNITS} units; use method='ais'."
            )
        return _exact(model), 0.0
    return _partition.estimate_log_partition(
        lambda betas, streams, trace: _ais(model, betas, streams, trace),
        n_chains, n_betas, rng)


def _gaussian_units(bias, n_rows=0):
    """Gaussian units of unit variance over ``bias``, for the kernels that only
    read them."""
    zeros = np.zeros_like(bias)
    return GaussianUnits(bias, zeros, zeros, zeros, zeros - 10.0, 0.0, zeros + 1.0,
                         bias.copy(), np.empty((n_rows, bias.shape[0])))


def _even_units(model):
    """The even side as one unit type: Gaussian visible units, then the even
    hidden layers' binary units (if any)."""
    odd, even = _sides(len(model.components_))
    visible = _gaussian_units(model.intercepts_[0].astype(np.float64))
    if len(even) == 1:
        return visible
    hidden_bias = _side_vector(model.intercepts_, even[1:])
    return JoinedUnits(visible, BernoulliUnits(hidden_bias, np.zeros_like(hidden_bias)))


def _exact(model):
    weights = bipartite_weights(model.components_, _sizes(model))
    odd, even = _sides(len(model.components_))
    odd_bias = _side_vector(model.intercepts_, odd)
    if model.visible_units == "bernoulli":
        return float(_log_partition_binary(weights, _side_vector(model.intercepts_, even),
                                           odd_bias))
    n_visible = model.components_[0].shape[1]
    log_sum = _partition.log_partition_exact(np.ascontiguousarray(weights.T), odd_bias,
                                             _even_units(model))
    return float(log_sum + 0.5 * n_visible * np.log(2.0 * np.pi))


def _base_logits(model, side):
    """Logits of the training data's means of the layers of ``side``, smoothed
    away from 0 and 1."""
    n_seen = model._n_rows_seen
    means = [(model._layer_sums[l] + 0.5) / (n_seen + 1.0) for l in side]
    mean = np.concatenate(means) if means else np.zeros(0)
    return np.log(mean) - np.log1p(-mean)


def _ais(model, betas, streams, trace):
    """AIS log weights and the base model's log Z (``_partition.ais_log_weights``)."""
    dtype = model.components_[0].dtype
    odd, even = _sides(len(model.components_))
    weights = bipartite_weights(model.components_, _sizes(model), dtype)
    if model.visible_units == "bernoulli":
        base_odd, base_even = _base_logits(model, odd), _base_logits(model, even)
        odd_bias = _side_vector(model.intercepts_, odd)
        hidden_biases = np.stack([_side_vector(model.intercepts_, even), base_even])
        log_weights = _partition.ais_log_weights(
            weights, hidden_biases, BernoulliUnits(odd_bias, np.zeros_like(odd_bias)),
            BernoulliUnits(base_odd, np.zeros_like(base_odd)), betas, streams, trace)
        base_log_partition = (np.logaddexp(0.0, base_odd).sum()
                              + np.logaddexp(0.0, base_even).sum())
        return log_weights, base_log_partition
    # Gaussian visible units: the chains run over the even side.
    n_seen = model._n_rows_seen
    mean = model._layer_sums[0] / n_seen
    variance = np.maximum(model._visible_square_sum / n_seen - mean**2, _MIN_BASE_VARIANCE)
    base = GaussianBase(mean, 1.0 / variance, np.sqrt(variance))
    if len(even) > 1:
        base_hidden = _base_logits(model, even[1:])
        base = JoinedUnits(base, BernoulliUnits(base_hidden, np.zeros_like(base_hidden)))
    base_odd = _base_logits(model, odd)
    hidden_biases = np.stack([_side_vector(model.intercepts_, odd), base_odd])
    log_weights = _partition.ais_log_weights(
        np.ascontiguousarray(weights.T), hidden_biases, _even_units(model), base, betas,
        streams, trace)
    base_log_partition = (np.logaddexp(0.0, base_odd).sum()
                          + np.sum(0.5 * np.log(2.0 * np.pi * variance)))
    if len(even) > 1:
        base_log_partition += np.logaddexp(0.0, _base_logits(model, even[1:])).sum()
    return log_weights, base_log_partition


def _configurations(n_units):
    """Every binary vector of length ``n_units``, one per row, in float64."""
    codes = np.arange(1 << n_units)[:, None]
    return ((codes >> np.arange(n_units)) & 1).astype(np.float64)


def _softplus_sum(x):
    return np.logaddexp(0.0, x).sum(axis=-1)


def exact_log_likelihood(model, X, max_units):
    """Exact log p(v) of each row of the dense X, or None when the model is too
    large: log Z must be exact under "auto", and the odd or the even hidden
    layers must have at most ``max_units`` units in all. The smaller of those
    groups is enumerated and the other summed out."""
    if n_enumerated_units(model) > EXACT_MAX_UNITS:
        return None
    weights = [w.astype(np.float64) for w in model.components_]
    biases = [b.astype(np.float64) for b in model.intercepts_]
    n_layers = len(weights)
    sizes = _sizes(model)
    odd, even = _sides(n_layers)
    hidden_even = even[1:]
    n_odd = sum(sizes[l] for l in odd)
    n_even = sum(sizes[l] for l in hidden_even)
    if min(n_odd, n_even) > max_units:
        return None
    V = np.asarray(X, dtype=np.float64)
    if model.visible_units == "bernoulli":
        visible_term = V @ biases[0]
    else:
        visible_term = -0.5 * ((V - biases[0]) ** 2).sum(axis=1)
    visible_input = V @ weights[0].T
    enumerated = odd if n_odd <= n_even else hidden_even
    summed = hidden_even if enumerated is odd else odd
    configurations = _configurations(sum(sizes[l] for l in enumerated))
    states, at = {}, 0
    for layer in enumerated:
        states[layer] = configurations[:, at:at + sizes[layer]]
        at += sizes[layer]
    n_configurations = configurations.shape[0]
    # The enumerated layers' own terms, one per configuration.
    constant = sum(states[l] @ biases[l] for l in enumerated)
    if not isinstance(constant, np.ndarray):
        constant = np.zeros(n_configurations)
    row_terms = None
    for layer in summed:
        # Inputs from the enumerated neighbours (the visible layer apart).
        inputs = np.zeros((n_configurations, sizes[layer])) + biases[layer]
        if layer - 1 in states:
            inputs += states[layer - 1] @ weights[layer - 1].T
        if layer + 1 in states:
            inputs += states[layer + 1] @ weights[layer]
        if layer == 1:
            # Its input also depends on the row: summed row by row below.
            row_terms = inputs
        else:
            constant = constant + _softplus_sum(inputs)
    log_sums = np.empty(V.shape[0])
    if row_terms is None:
        # Layer 1 is enumerated: its input from v is linear in its state.
        log_sums = logsumexp(constant + visible_input @ states[1].T, axis=1)
    else:
        block = max(1, _BLOCK_VALUES // max(1, n_configurations * sizes[1]))
        for start in range(0, V.shape[0], block):
            rows = visible_input[start:start + block]
            totals = _softplus_sum(rows[:, None, :] + row_terms[None, :, :])
            log_sums[start:start + block] = logsumexp(constant + totals, axis=1)
    return visible_term + log_sums - log_partition(model, "exact", 1, 2, None)[0]
