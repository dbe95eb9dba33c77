"""Plain NumPy references of the Deep Boltzmann Machine's kernels
(skgen.dbm._kernels) and brute-force likelihoods of small DBMs.

Written from the kernels' docstrings, in float64 whatever the dtype of the
arrays given, and never calling a kernel. Random draws come from
``naive.Streams``: a layer of n units drawn for row i takes the next n uniforms
of stream i (``uniform(stream, j)`` for unit j, then ``advance(stream, n)``),
and Gaussian visible units take ``ceil(n / 2)`` Box-Muller pairs, as the
kernels do.

Layers are numbered from the visible one (0) to the top (L); ``weights[l]`` has
shape (n_units[l + 1], n_units[l]); ``biases`` holds every layer's bias, the
visible one first (``hidden_biases`` the hidden layers' only).
"""

import naive
import numpy as np
from scipy.special import logsumexp

F64 = np.float64


def _as64(arrays):
    return [np.array(a, dtype=F64) for a in arrays]


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=F64)))


# -- kernels ---------------------------------------------------------------------


def layer_input(layers, weights, layer):
    """Input of hidden ``layer`` from both neighbours, without its bias."""
    total = layers[layer - 1] @ weights[layer - 1].T
    if layer < len(weights):
        total = total + layers[layer + 1] @ weights[layer]
    return total


def mean_field(visible, weights, hidden_biases, max_iter, tol):
    """Mean-field means of every hidden layer and the number of sweeps.

    A bottom-up pass, each layer below the top taking twice its input from the
    layer below; then sweeps, the odd layers given the even ones and then the
    even ones given the odd ones, until ``max_iter`` sweeps or no mean moved by
    ``tol`` or more in a sweep. A single hidden layer takes no sweep."""
    W = _as64(weights)
    b = _as64(hidden_biases)
    n_layers = len(W)
    means = [np.array(visible, dtype=F64)]
    for layer in range(1, n_layers + 1):
        factor = 1.0 if layer == n_layers else 2.0
        means.append(sigmoid(factor * (means[layer - 1] @ W[layer - 1].T) + b[layer - 1]))
    if n_layers == 1:
        return means[1:], 0
    n_sweeps = 0
    for _ in range(max_iter):
        n_sweeps += 1
        change = 0.0
        for first in (1, 2):
            for layer in range(first, n_layers + 1, 2):
                new = sigmoid(layer_input(means, W, layer) + b[layer - 1])
                change = max(change, float(np.abs(new - means[layer]).max()))
                means[layer] = new
        if change < tol:
            break
    return means[1:], n_sweeps


def gibbs_sweeps(layers, weights, biases, streams, n_steps, gaussian=False):
    """``n_steps`` Gibbs steps of the rows of ``layers`` (every layer, the visible
    one first): each draws the odd layers given the even ones, then the even
    ones (the visible layer first) given the odd ones; row i draws from stream
    i of ``streams`` (``naive.Streams``). Gaussian visible units of unit
    variance are ``h_1 @ W_0 + b_0 + z``. Returns new float64 layers."""
    W = _as64(weights)
    b = _as64(biases)
    layers = _as64(layers)
    n_layers = len(W)
    n_rows = layers[0].shape[0]
    for _ in range(n_steps):
        for first in (1, 0):
            for layer in range(first, n_layers + 1, 2):
                if layer == 0:
                    visible_input = layers[1] @ W[0]
                    if gaussian:
                        layers[0] = (visible_input + b[0]
                                     + streams.normal(n_rows, W[0].shape[1]))
                    else:
                        layers[0] = streams.bernoulli(sigmoid(visible_input + b[0]))
                else:
                    layers[layer] = streams.bernoulli(
                        sigmoid(layer_input(layers, W, layer) + b[layer]))
    return layers


def fit_epoch(X, order, batch_size, weights, biases, weight_velocities, bias_velocities,
              particles, streams, learning_rate, momentum, weight_decay, n_gibbs_steps,
              max_iter, tol, offsets=None, rates=None, gaussian=False):
    """One pass of joint training over the rows ``order`` of the dense X.

    Per mini-batch (the last one may be short): the positive phase is the
    mean-field posterior of its rows, the negative one ``n_gibbs_steps`` Gibbs
    steps of the persistent chains ``particles`` (one array per layer, row i
    drawing from stream i). Every bias (the visible one too, no weight decay)
    moves with momentum along the difference of its layer's means over the two
    phases. Every weight matrix moves with momentum and weight decay along
    ``<(h_(l+1) - mu_(l+1))(h_l - mu_l)>_data - <...>_model``, with the offsets
    mu (zero without centering), ``velocity = momentum * velocity -
    learning_rate * weight_decay * W + learning_rate * gradient``. With
    ``offsets`` (centered training), the biases of the standard form then shift
    by the weight step times the neighbouring layer's offset (``b_(l+1) -=
    dW_l @ mu_l``, ``b_l -= dW_l.T @ mu_(l+1)``), and then each offset slides by
    its ``rates`` towards the mini-batch's positive means.

    Returns (weights, biases, weight_velocities, bias_velocities, particles,
    offsets), new float64 arrays; ``streams`` is advanced.
    """
    X = np.asarray(X, dtype=F64)
    W = _as64(weights)
    b = _as64(biases)
    vW = _as64(weight_velocities)
    vb = _as64(bias_velocities)
    chains = _as64(particles)
    n_layers = len(W)
    centered = offsets is not None
    mu = _as64(offsets) if centered else [np.zeros_like(bias) for bias in b]
    n_chains = chains[0].shape[0]
    for start in range(0, len(order), batch_size):
        visible = X[np.asarray(order[start:start + batch_size])]
        n_positive = visible.shape[0]
        positive = [visible] + mean_field(visible, W, b[1:], max_iter, tol)[0]
        chains = gibbs_sweeps(chains, W, b, streams, n_gibbs_steps, gaussian)
        for layer in range(n_layers + 1):
            gradient = positive[layer].mean(axis=0) - chains[layer].mean(axis=0)
            vb[layer] = momentum * vb[layer] + learning_rate * gradient
            b[layer] = b[layer] + vb[layer]
        for layer in range(n_layers):
            gradient = ((positive[layer + 1] - mu[layer + 1]).T
                        @ (positive[layer] - mu[layer]) / n_positive
                        - (chains[layer + 1] - mu[layer + 1]).T
                        @ (chains[layer] - mu[layer]) / n_chains)
            step = (momentum * vW[layer] - learning_rate * weight_decay * W[layer]
                    + learning_rate * gradient)
            vW[layer] = step
            if centered:
                b[layer + 1] = b[layer + 1] - step @ mu[layer]
                b[layer] = b[layer] - step.T @ mu[layer + 1]
            W[layer] = W[layer] + step
        if centered:
            for layer in range(n_layers + 1):
                mu[layer] = mu[layer] + rates[layer] * (positive[layer].mean(axis=0)
                                                        - mu[layer])
    return W, b, vW, vb, chains, mu


# -- brute force -------------------------------------------------------------------


def _negative_energy(states, weights, biases):
    """-E of joint states given one array of rows per layer."""
    total = sum(state @ bias for state, bias in zip(states, biases, strict=True))
    for layer, weight in enumerate(weights):
        total = total + np.einsum("ij,ij->i", states[layer + 1], states[layer] @ weight.T)
    return total


def _joint_configurations(sizes):
    """Every joint binary state of layers of ``sizes``, one array per layer."""
    n_units = sum(sizes)
    every = naive.all_binary_states(n_units)
    bounds = np.cumsum([0, *sizes])
    return [every[:, bounds[l]:bounds[l + 1]] for l in range(len(sizes))]


def log_partition(weights, biases):
    """log Z of a binary DBM by enumerating every layer, the visible one too."""
    W, b = _as64(weights), _as64(biases)
    sizes = [W[0].shape[1], *(w.shape[0] for w in W)]
    states = _joint_configurations(sizes)
    return float(logsumexp(_negative_energy(states, W, b)))


def log_likelihood(V, weights, biases):
    """log p(v) of each binary row of V, enumerating every hidden layer."""
    W, b = _as64(weights), _as64(biases)
    sizes = [w.shape[0] for w in W]
    hidden = _joint_configurations(sizes)
    log_z = log_partition(W, b)
    out = np.empty(len(V))
    for i, v in enumerate(np.asarray(V, dtype=F64)):
        visible = np.broadcast_to(v, (hidden[0].shape[0], v.shape[0]))
        out[i] = logsumexp(_negative_energy([visible, *hidden], W, b)) - log_z
    return out


def visible_distribution(weights, biases):
    """p(v) of every binary v, in the order of ``naive.all_binary_states``."""
    n_visible = np.asarray(weights[0]).shape[1]
    return np.exp(log_likelihood(naive.all_binary_states(n_visible), weights, biases))


def gaussian_log_partition(weights, biases):
    """log Z of a DBM with Gaussian visible units of unit variance, energy
    ``|v - b_0|**2 / 2 - h_1 W_0 v - ...``: every hidden layer enumerated, and
    for each state the integral over v in closed form, ``(2 pi)**(n / 2)
    exp(b_0.u + |u|**2 / 2)`` with ``u = W_0.T h_1``."""
    W, b = _as64(weights), _as64(biases)
    sizes = [w.shape[0] for w in W]
    hidden = _joint_configurations(sizes)
    n_visible = W[0].shape[1]
    u = hidden[0] @ W[0]
    total = u @ b[0] + 0.5 * (u**2).sum(axis=1) + 0.5 * n_visible * np.log(2 * np.pi)
    total = total + sum(state @ bias for state, bias in zip(hidden, b[1:], strict=True))
    for layer in range(1, len(W)):
        total = total + np.einsum("ij,ij->i", hidden[layer], hidden[layer - 1] @ W[layer].T)
    return float(logsumexp(total))


def gaussian_log_density(V, weights, biases):
    """log p(v) of each row of V for Gaussian visible units of unit variance,
    enumerating every hidden layer."""
    W, b = _as64(weights), _as64(biases)
    sizes = [w.shape[0] for w in W]
    hidden = _joint_configurations(sizes)
    log_z = gaussian_log_partition(W, b)
    out = np.empty(len(V))
    for i, v in enumerate(np.asarray(V, dtype=F64)):
        visible = np.broadcast_to(v, (hidden[0].shape[0], v.shape[0]))
        negative = _negative_energy([visible, *hidden], W, [np.zeros_like(b[0]), *b[1:]])
        out[i] = logsumexp(negative - 0.5 * ((v - b[0]) ** 2).sum()) - log_z
    return out


def mean_field_bound(V, means, weights, biases, log_z):
    """E_Q[-E(v, h)] + H(Q) - log Z of binary rows V, Q of ``means``."""
    W, b = _as64(weights), _as64(biases)
    layers = [np.asarray(V, dtype=F64), *_as64(means)]
    total = _negative_energy(layers, W, b)
    for m in layers[1:]:
        with np.errstate(divide="ignore", invalid="ignore"):
            entropy = -(np.where(m > 0, m * np.log(m), 0.0)
                        + np.where(m < 1, (1 - m) * np.log1p(-m), 0.0))
        total = total + entropy.sum(axis=1)
    return total - log_z
