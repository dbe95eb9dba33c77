"""Plain NumPy / pure-Python reference implementations of skgen's Numba kernels.

In the spirit of stumpy's ``tests/naive.py``: every function here is written from
the mathematics stated in the kernels' docstrings, as directly as possible, and
never calls a kernel. Speed is irrelevant; the tests only use tiny shapes.

Random streams are reproduced with Python integers (arbitrary precision, masked
to 64 bits), independently of the ``np.uint64`` arithmetic of
``skgen.utils._random``. Sampling compares ``u < p`` with the probability ``p``
computed in the model's dtype, as the kernels do, and records the closest call
``min |u - p|`` so that a test can tell a genuine mismatch from a draw that sat
on a rounding-level knife edge.
"""

import math

import numpy as np

MASK64 = (1 << 64) - 1
GOLDEN_GAMMA = 0x9E3779B97F4A7C15
MIX_1 = 0xBF58476D1CE4E5B9
MIX_2 = 0x94D049BB133111EB
TWO_POW_MINUS_52 = 2.0**-52


# -- SplitMix64 ------------------------------------------------------------------


def splitmix64_mix(z):
    """The SplitMix64 output function of a 64-bit state (pure Python ints)."""
    z &= MASK64
    z = ((z ^ (z >> 30)) * MIX_1) & MASK64
    z = ((z ^ (z >> 27)) * MIX_2) & MASK64
    return z ^ (z >> 31)


def splitmix64_next(state):
    """Advance a state by one draw: return ``(new_state, 64-bit output)``."""
    state = (state + GOLDEN_GAMMA) & MASK64
    return state, splitmix64_mix(state)


def uniform_next(state):
    """Advance a state by one draw: return ``(new_state, uniform in [0, 1))``."""
    state, z = splitmix64_next(state)
    return state, uniform_from_bits(z)


def uniform_from_bits(z):
    """The uniform of a 64-bit output: its top 52 bits as a binary fraction."""
    return (z >> 12) * TWO_POW_MINUS_52


class Streams:
    """One SplitMix64 stream per row, held as Python ints.

    ``closest`` is the smallest ``|u - p|`` seen by :meth:`bernoulli`, i.e. how
    near any sampled bit came to depending on the last bits of a probability.
    """

    def __init__(self, states):
        self.states = [int(s) for s in np.asarray(states, dtype=np.uint64)]
        self.closest = math.inf

    def uniforms(self, row, n_draws):
        """The next ``n_draws`` uniforms of stream ``row`` (a list of floats)."""
        state = self.states[row]
        out = []
        for _ in range(n_draws):
            state, u = uniform_next(state)
            out.append(u)
        self.states[row] = state
        return out

    def uniform_rows(self, n_rows, n_cols):
        """Row i holds the next ``n_cols`` uniforms of stream i, for i < n_rows."""
        return np.array([self.uniforms(i, n_cols) for i in range(n_rows)],
                        dtype=np.float64).reshape(n_rows, n_cols)

    def bernoulli(self, probabilities):
        """``u < p`` elementwise, row i drawing from stream i, in p's dtype."""
        probabilities = np.asarray(probabilities)
        n_rows, n_cols = probabilities.shape
        u = self.uniform_rows(n_rows, n_cols)
        p = probabilities.astype(np.float64)  # exact for float32
        if u.size:
            self.closest = min(self.closest, float(np.abs(u - p).min()))
        return (u < p).astype(probabilities.dtype)

    def normal(self, n_rows, n_cols):
        """Standard normals by Box-Muller, row i from stream i, in float64.

        A row takes ``m = ceil(n_cols / 2)`` pairs of uniforms (u1, u2); pair p
        gives ``r cos(2 pi u2)`` to column p and ``r sin(2 pi u2)`` to column
        ``m + p``, with ``r = sqrt(-2 log(1 - u1))``. With n_cols odd the last
        sine is dropped.
        """
        half = (n_cols + 1) // 2
        out = np.empty((n_rows, 2 * half))
        for i in range(n_rows):
            u = self.uniforms(i, 2 * half)
            for p in range(half):
                radius = math.sqrt(-2.0 * math.log(1.0 - u[2 * p]))
                angle = 2.0 * math.pi * u[2 * p + 1]
                out[i, p] = radius * math.cos(angle)
                out[i, half + p] = radius * math.sin(angle)
        return out[:, :n_cols]

    def as_array(self):
        return np.array(self.states, dtype=np.uint64)


# -- elementwise helpers ---------------------------------------------------------


def sigmoid(x):
    """``1 / (1 + exp(-x))`` evaluated in x's own floating dtype."""
    x = np.asarray(x)
    one = x.dtype.type(1.0)
    with np.errstate(over="ignore"):
        return one / (one + np.exp(-x))


def softplus(x):
    """``log(1 + exp(x))`` in float64."""
    return np.logaddexp(0.0, np.asarray(x, dtype=np.float64))


# -- sampling and data access -----------------------------------------------------


def sample_rows(pre, bias, streams):
    """Bernoulli(sigmoid(pre + bias)) with row i drawing from stream i."""
    return streams.bernoulli(sigmoid(pre + bias))


def sample_probabilities(probabilities, streams):
    return streams.bernoulli(probabilities)


def gather_rows_dense(X, order, start, n_rows):
    return np.array(X[np.asarray(order[start:start + n_rows])])


def csr_to_dense(data, indices, indptr, n_cols, dtype):
    """A CSR matrix as a dense array; duplicated entries add up, as in scipy."""
    n_rows = len(indptr) - 1
    out = np.zeros((n_rows, n_cols), dtype=dtype)
    for i in range(n_rows):
        for p in range(indptr[i], indptr[i + 1]):
            out[i, indices[p]] += data[p]
    return out


def gather_rows_csr(data, indices, indptr, n_cols, order, start, n_rows, dtype):
    full = csr_to_dense(data, indices, indptr, n_cols, dtype)
    return gather_rows_dense(full, order, start, n_rows)


# -- training ----------------------------------------------------------------------


def fit_epoch(X, order, batch_size, weights, hidden_bias, visible_bias,
              weights_velocity, hidden_velocity, visible_velocity, chain_hidden,
              streams, learning_rate, momentum, weight_decay, n_gibbs_steps,
              persistent):
    """One CD-k / PCD-k pass of a binary RBM; see :func:`rbm_fit_epoch`."""
    return rbm_fit_epoch(X, order, batch_size, weights, hidden_bias, visible_bias,
                         weights_velocity, hidden_velocity, visible_velocity,
                         chain_hidden, streams, learning_rate, momentum,
                         weight_decay, n_gibbs_steps, persistent)[:7]


def rbm_fit_epoch(X, order, batch_size, weights, hidden_bias, visible_bias,
                  weights_velocity, hidden_velocity, visible_velocity, chain_hidden,
                  streams, learning_rate, momentum, weight_decay, n_gibbs_steps,
                  persistent, log_variance=None, log_variance_velocity=None,
                  min_log_variance=None, learn_sigma=False, negative_phase=None,
                  centering=None, input_scales=(1.0, 1.0)):
    """One CD-k / PCD-k pass over the rows ``order`` of the dense array X.

    Returns new arrays (inputs are not modified, except ``streams``, which is
    advanced):  weights, hidden_bias, visible_bias, weights_velocity,
    hidden_velocity, visible_velocity, chain_hidden, log_variance,
    log_variance_velocity, centered (see below).

    Without ``log_variance`` the visible units are binary. With it they are
    Gaussian with ``sigma = exp(log_variance / 2)``, written here in the
    original units v (the kernel works in v / sigma):
    ``P(h=1|v) = sigmoid((v / sigma) @ W.T + c)``,
    ``v | h = b + sigma * (h @ W) + sigma * z`` with z from :meth:`Streams.normal`,
    and the gradients are those of -E: ``h (v / sigma)`` for W,
    ``(v - b) / sigma**2`` for b and, with ``learn_sigma``,
    ``(v - b)**2 / (2 sigma**2) - v (h @ W) / (2 sigma)`` for the log-variance,
    which never goes below ``min_log_variance``.

    Per mini-batch: the positive phase is the data with P(h|v). The negative
    phase starts from the persistent chains (PCD) or from h ~ P(h|v_data) drawn
    from the streams of the batch rows (CD) and runs ``n_gibbs_steps`` steps
    h -> v (sampled) -> P(h|v); PCD, and CD before its last step, then sample h.
    With ``negative_phase`` (PCD), a function of (hidden states of the chains,
    W, c, b) that returns the negative visible rows in place of the Gibbs
    steps (parallel tempering); the chains then sample h given them.
    Parameters move along ``<.>_data - <.>_model`` (means over each phase's rows)
    with momentum; weight decay ``-weight_decay * W`` applies to the weights only.
    With momentum 0 this is ``W = (1 - lr*wd) W + lr * grad``.

    ``centering`` is None or ``(visible_offset, hidden_offset, rate)``: then the
    parameters are those of the centered energy of Melchior et al. (2016),
    ``-(h - lam) W (x - mu) - c'.(h - lam)`` plus ``-b'.(x - mu)`` (binary
    units, x = v) or ``|v - b'|**2 / (2 sigma**2)`` (Gaussian, x = v / sigma),
    held here as (W, b', c') with the offsets, and converted to the ordinary
    ``b = b' - lam @ W`` (Gaussian: ``b' - sigma * (lam @ W)``) and
    ``c = c' - W @ mu`` to sample. Per mini-batch, after both phases, the
    offsets move by ``rate`` towards the batch's data means of x and P(h|v)
    with (W, b', c') reparametrised so that the model stays the same; then
    (W, b', c') take the step of the centered gradient, ``<(h - lam)(x -
    mu)>`` for W and the ordinary mean differences for b' and c', with
    momentum and weight decay. The log-variance takes the ordinary step, at
    fixed ordinary biases. ``centered`` is then a dict of the final centered
    parameters and offsets (else None), and the velocities are the centered
    ones.

    ``input_scales`` is ``(s_h, s_v)``, factors on the input of the hidden and
    of the visible units in their conditionals (a DBM's pretraining doubles
    one): ``P(h=1|v) = sigmoid(s_h (v / sigma) @ W.T + c)`` and ``v | h`` from
    ``s_v (h @ W)`` in place of ``h @ W``; the updates are unchanged.
    """
    hidden_scale, visible_scale = input_scales
    dtype = weights.dtype.type
    lr, mom, wd = dtype(learning_rate), dtype(momentum), dtype(weight_decay)
    W, c, b = weights.copy(), hidden_bias.copy(), visible_bias.copy()
    vW, vc, vb = (weights_velocity.copy(), hidden_velocity.copy(),
                  visible_velocity.copy())
    chains = chain_hidden.copy()
    gaussian = log_variance is not None
    if gaussian:
        z, vz = log_variance.copy(), log_variance_velocity.copy()
    else:
        z = vz = None

    def sigma_of(z):
        return np.exp(z / dtype(2)) if gaussian else np.ones_like(b)

    if centering is not None:
        mu, lam = centering[0].copy(), centering[1].copy()
        rate = dtype(centering[2])
        # The centered biases of the starting model.
        b_centered = b + sigma_of(z) * (lam @ W)
        c_centered = c + W @ mu
    n_samples = len(order)
    for start in range(0, n_samples, batch_size):
        sigma = sigma_of(z)
        if centering is not None:
            b = b_centered - sigma * (lam @ W)
            c = c_centered - W @ mu
        v_pos = gather_rows_dense(X, order, start, batch_size)
        n_pos = v_pos.shape[0]
        h_pos = _hidden_given(v_pos, W, c, sigma, hidden_scale)

        if persistent:
            n_neg = chains.shape[0]
        else:
            n_neg = n_pos
            chains[:n_neg] = sample_probabilities(h_pos, streams)
        h_state = chains[:n_neg]  # a view: PCD updates the chains in place
        if negative_phase is not None:
            v_neg = negative_phase(h_state, W, c, b)
            h_neg = _hidden_given(v_neg, W, c, sigma, hidden_scale)
            h_state[:] = sample_probabilities(h_neg, streams)
        for step in range(0 if negative_phase is not None else n_gibbs_steps):
            v_neg = _visible_given(h_state, W, b, sigma, gaussian, streams, visible_scale)
            h_neg = _hidden_given(v_neg, W, c, sigma, hidden_scale)
            if persistent or step < n_gibbs_steps - 1:
                h_state[:] = sample_probabilities(h_neg, streams)

        def mean(a, n):
            return a.sum(0) / dtype(n)

        x_pos, x_neg = v_pos / sigma, v_neg / sigma
        precision = dtype(1) / sigma**2
        grad_b = (mean((v_pos - b) * precision, n_pos)
                  - mean((v_neg - b) * precision, n_neg))
        grad_c = mean(h_pos, n_pos) - mean(h_neg, n_neg)
        if gaussian and learn_sigma:
            grad_z = (mean(_log_variance_gradient(v_pos, h_pos, W, b, sigma), n_pos)
                      - mean(_log_variance_gradient(v_neg, h_neg, W, b, sigma), n_neg))
            vz = mom * vz + lr * grad_z
            z = np.maximum(z + vz, min_log_variance)
        if centering is None:
            grad_W = h_pos.T @ x_pos / dtype(n_pos) - h_neg.T @ x_neg / dtype(n_neg)
            vc = mom * vc + lr * grad_c
            c = c + vc
            vb = mom * vb + lr * grad_b
            b = b + vb
            vW = mom * vW - lr * wd * W + lr * grad_W
            W = W + vW
            continue
        new_mu = (1 - rate) * mu + rate * mean(x_pos, n_pos)
        new_lam = (1 - rate) * lam + rate * mean(h_pos, n_pos)
        b_centered = b_centered + sigma * ((new_lam - lam) @ W)
        c_centered = c_centered + W @ (new_mu - mu)
        mu, lam = new_mu, new_lam
        grad_W = ((h_pos - lam).T @ (x_pos - mu) / dtype(n_pos)
                  - (h_neg - lam).T @ (x_neg - mu) / dtype(n_neg))
        vc = mom * vc + lr * grad_c
        c_centered = c_centered + vc
        vb = mom * vb + lr * grad_b
        b_centered = b_centered + vb
        vW = mom * vW - lr * wd * W + lr * grad_W
        W = W + vW
        # The log-variance's step keeps the ordinary visible bias.
        b_centered = b_centered + (sigma_of(z) - sigma) * (lam @ W)
    centered = None
    if centering is not None:
        sigma = sigma_of(z)
        b = b_centered - sigma * (lam @ W)
        c = c_centered - W @ mu
        centered = dict(weights=W, hidden_bias=c_centered, visible_bias=b_centered,
                        visible_offset=mu, hidden_offset=lam)
    return W, c, b, vW, vc, vb, chains, z, vz, centered


def _hidden_given(v, W, c, sigma, scale=1.0):
    if scale == 1.0:
        return sigmoid((v / sigma) @ W.T + c)
    return sigmoid(W.dtype.type(scale) * ((v / sigma) @ W.T) + c)


def _visible_given(h, W, b, sigma, gaussian, streams, scale=1.0):
    visible_input = h @ W if scale == 1.0 else W.dtype.type(scale) * (h @ W)
    if not gaussian:
        return sample_rows(visible_input, b, streams)
    noise = streams.normal(h.shape[0], W.shape[1]).astype(W.dtype)
    return b + sigma * visible_input + sigma * noise


def _log_variance_gradient(v, h, W, b, sigma):
    """-dE/dlog(sigma**2) = (v - b)**2 / (2 sigma**2) - v (h @ W) / (2 sigma)."""
    two = W.dtype.type(2)
    return (v - b) ** 2 / (two * sigma**2) - v * (h @ W) / (two * sigma)


def gibbs_chains(visible, weights, hidden_bias, visible_bias, streams, n_steps,
                 sigma=None):
    """``n_steps`` steps v -> h -> v, both layers sampled. Returns (v, last h).

    With ``sigma`` the visible units are Gaussian:
    ``v | h = visible_bias + sigma * (h @ W + z)``, z standard normal.
    """
    v = visible.copy()
    h = None
    for _ in range(n_steps):
        if sigma is None:
            h = sample_rows(v @ weights.T, hidden_bias, streams)
            v = sample_rows(h @ weights, visible_bias, streams)
        else:
            h = sample_rows((v / sigma) @ weights.T, hidden_bias, streams)
            noise = streams.normal(*v.shape).astype(v.dtype)
            v = visible_bias + sigma * (h @ weights + noise)
    return v, h


# -- likelihood ---------------------------------------------------------------------


def free_energy(X, weights, hidden_bias, visible_bias):
    """``F(v) = -b.v - sum_j log(1 + exp(c_j + W_j.v))`` in float64."""
    X = np.asarray(X, dtype=np.float64)
    W = np.asarray(weights, dtype=np.float64)
    c = np.asarray(hidden_bias, dtype=np.float64)
    b = np.asarray(visible_bias, dtype=np.float64)
    return -X @ b - softplus(X @ W.T + c).sum(axis=1)


def pseudo_likelihood(X, weights, hidden_bias, visible_bias, flipped):
    """sklearn's ``score_samples``: flip unit ``flipped[i]`` of row i to 1 - v."""
    X = np.asarray(X, dtype=np.float64)
    rows = np.arange(X.shape[0])
    X_flipped = X.copy()
    X_flipped[rows, flipped] = 1.0 - X_flipped[rows, flipped]
    fe = free_energy(X, weights, hidden_bias, visible_bias)
    fe_flipped = free_energy(X_flipped, weights, hidden_bias, visible_bias)
    return -X.shape[1] * np.logaddexp(0.0, -(fe_flipped - fe))


def all_binary_states(n_units):
    """Every binary vector of length ``n_units``, one per row (2**n_units rows)."""
    codes = np.arange(2**n_units)[:, None]
    return ((codes >> np.arange(n_units)) & 1).astype(np.float64)


def log_partition_bruteforce(weights, hidden_bias, visible_bias):
    """``log sum_{v,h} exp(b.v + c.h + h.W.v)`` over every joint state (v, h).

    ``weights`` has shape (n_hidden, n_visible). Both layers are enumerated, so
    this does not rely on summing either one out in closed form.
    """
    W = np.asarray(weights, dtype=np.float64)
    c = np.asarray(hidden_bias, dtype=np.float64)
    b = np.asarray(visible_bias, dtype=np.float64)
    V = all_binary_states(W.shape[1])
    H = all_binary_states(W.shape[0])
    negative_energy = (H @ c)[:, None] + (V @ b)[None, :] + H @ W @ V.T
    top = negative_energy.max()
    return top + np.log(np.exp(negative_energy - top).sum())


def ais_log_weights(weights, hidden_bias, visible_bias, base_visible_bias, betas,
                    streams, n_labels=0, base_hidden_bias=None):
    """AIS log importance weights, one run per stream, from a base model of
    independent units (visible biases ``base``, hidden biases ``c0``, 0 by
    default).

    ``f_k(v) = exp((1 - b_k) base.v + b_k vb.v) prod_j (1 + exp(x_j(v)))`` with
    ``x(v) = (1 - b_k) c0 + b_k (W v + c)``; run i starts from v ~ base model
    (stream i), and for k = 1..K adds ``log f_k(v) - log f_{k-1}(v)``, then
    (except after the last beta) moves with the Gibbs transition at b_k:
    h ~ sigmoid(x(v)), then v ~ sigmoid((1 - b_k) base + b_k (vb + h W)). With
    ``n_labels``, the last units are one softmax group drawn after the others,
    from one uniform.
    """
    W = np.asarray(weights, dtype=np.float64)
    c = np.asarray(hidden_bias, dtype=np.float64)
    c0 = np.zeros_like(c) if base_hidden_bias is None else base_hidden_bias
    vb = np.asarray(visible_bias, dtype=np.float64)
    base = np.asarray(base_visible_bias, dtype=np.float64)
    n_chains = len(streams.states)
    n_free = W.shape[1] - n_labels

    def hidden_input(v, beta):
        return (1.0 - beta) * c0 + beta * (v @ W.T + c)

    def log_f(v, beta):
        return ((1.0 - beta) * (v @ base) + beta * (v @ vb)
                + softplus(hidden_input(v, beta)).sum(axis=1))

    def draw(activation):
        free = streams.bernoulli(sigmoid(activation[:, :n_free]))
        if not n_labels:
            return free
        return np.hstack([free, softmax_draw(activation[:, n_free:], streams)])

    v = draw(np.broadcast_to(base, (n_chains, W.shape[1])))
    log_w = np.zeros(n_chains)
    for k in range(1, len(betas)):
        beta_before, beta = float(betas[k - 1]), float(betas[k])
        log_w += log_f(v, beta) - log_f(v, beta_before)
        h = streams.bernoulli(sigmoid(hidden_input(v, beta)))
        if k == len(betas) - 1:
            break
        v = draw((1.0 - beta) * base + beta * (vb + h @ W))
    return log_w


def softmax_draw(logits, streams):
    """One-hot rows: row i takes one uniform u of stream i and picks the first
    unit whose cumulative share of ``exp(logits)`` exceeds u (else the last)."""
    exps = np.exp(logits - logits.max(axis=1, keepdims=True))
    targets = streams.uniform_rows(len(logits), 1) * exps.sum(axis=1, keepdims=True)
    passed = np.cumsum(exps[:, :-1], axis=1) > targets
    chosen = np.where(passed.any(axis=1), passed.argmax(axis=1), logits.shape[1] - 1)
    return np.eye(logits.shape[1])[chosen]


# -- Gaussian visible units ------------------------------------------------------------


def gaussian_free_energy(X, weights, hidden_bias, visible_bias, sigma):
    """``F(v) = sum_i (v_i - b_i)**2 / (2 sigma_i**2) - sum_j softplus(c_j + W_j.(v / sigma))``."""
    X, W, c, b, sigma = (np.asarray(a, dtype=np.float64)
                         for a in (X, weights, hidden_bias, visible_bias, sigma))
    return (((X - b) / sigma) ** 2 / 2).sum(axis=1) - softplus(
        (X / sigma) @ W.T + c).sum(axis=1)


def gaussian_log_partition_quadrature(weights, hidden_bias, visible_bias, sigma):
    """log Z of a Gaussian-Bernoulli RBM: enumerate h, integrate v numerically.

    Given h the energy is a sum over visible units, so the integral over v is a
    product of one-dimensional integrals of
    ``exp(-(v - b_i)**2 / (2 sigma_i**2) + (v / sigma_i) (W.T h)_i)``, each done by
    adaptive quadrature (not by completing the square).
    """
    from scipy.integrate import quad

    W, c, b, sigma = (np.asarray(a, dtype=np.float64)
                      for a in (weights, hidden_bias, visible_bias, sigma))
    log_terms = []
    for h in all_binary_states(W.shape[0]):
        u = W.T @ h
        total = float(c @ h)
        for i in range(W.shape[1]):
            def log_integrand(v, i=i, u=u):
                return -(v - b[i]) ** 2 / (2 * sigma[i] ** 2) + v * u[i] / sigma[i]

            peak = log_integrand(b[i] + sigma[i] * u[i])
            value, _ = quad(lambda v, f=log_integrand, peak=peak: math.exp(f(v) - peak),
                            -np.inf, np.inf, epsabs=0, epsrel=1e-12, limit=200)
            total += math.log(value) + peak
        log_terms.append(total)
    return float(np.logaddexp.reduce(log_terms))


def gaussian_ais_log_weights(weights, hidden_bias, visible_bias, sigma, base_mean,
                             base_std, betas, streams, base_hidden_bias=None):
    """AIS log weights from independent Gaussians N(base_mean, base_std**2) and
    independent hidden units of biases ``c0`` (0 by default).

    ``log f_k(v) = -(1 - b_k) |(v - m) / s|**2 / 2 - b_k |(v - vb) / sigma|**2 / 2
    + sum_j softplus(x_j(v))`` with ``x(v) = (1 - b_k) c0 + b_k (W (v / sigma) + c)``.
    Run i starts from v = m + s z (z from stream i) and, between temperatures,
    samples h ~ sigmoid(x(v)) and then v from the product of the two Gaussian
    factors and exp(b_k (v / sigma).(W.T h)).
    """
    W, c, vb, sigma, m, s = (np.asarray(a, dtype=np.float64) for a in (
        weights, hidden_bias, visible_bias, sigma, base_mean, base_std))
    c0 = np.zeros_like(c) if base_hidden_bias is None else base_hidden_bias
    n_chains = len(streams.states)
    n_visible = W.shape[1]

    def hidden_input(v, beta):
        return (1.0 - beta) * c0 + beta * ((v / sigma) @ W.T + c)

    def log_f(v, beta):
        return (-(1.0 - beta) * (((v - m) / s) ** 2).sum(axis=1) / 2
                - beta * (((v - vb) / sigma) ** 2).sum(axis=1) / 2
                + softplus(hidden_input(v, beta)).sum(axis=1))

    v = m + s * streams.normal(n_chains, n_visible)
    log_w = np.zeros(n_chains)
    for k in range(1, len(betas)):
        beta_before, beta = float(betas[k - 1]), float(betas[k])
        log_w += log_f(v, beta) - log_f(v, beta_before)
        h = streams.bernoulli(sigmoid(hidden_input(v, beta)))
        if k == len(betas) - 1:
            break
        precision = (1.0 - beta) / s**2 + beta / sigma**2
        linear = (1.0 - beta) * m / s**2 + beta * vb / sigma**2 + beta * (h @ W) / sigma
        v = linear / precision + streams.normal(n_chains, n_visible) / np.sqrt(precision)
    return log_w


def up_down_epoch(X, labels, order, batch_size, recognition, generative, top,
                         streams, n_gibbs_steps, learning_rate):
    """NumPy up-down pass drawing from the same streams (``naive.Streams``) as the
    kernel, in its documented order. ``recognition`` and ``generative`` are lists of
    (weights, bias) and ``top`` is (weights, hidden bias, visible bias); all
    are updated in place."""
    bernoulli = streams.bernoulli
    n_labels = labels.shape[1]
    weights, hidden_bias, visible_bias = top
    n_pen = weights.shape[1] - n_labels
    for start in range(0, len(order), batch_size):
        rows = order[start:start + batch_size]
        scale = learning_rate / len(rows)
        wake = [X[rows]]
        for W, c in recognition:
            wake.append(bernoulli(sigmoid(wake[-1] @ W.T + c)))
        for layer, (W, b) in enumerate(generative):
            error = wake[layer] - sigmoid(wake[layer + 1] @ W + b)
            W += scale * wake[layer + 1].T @ error
            b += scale * error.sum(axis=0)
        visible = np.hstack([wake[-1], labels[rows]])
        positive = sigmoid(visible @ weights.T + hidden_bias)
        hidden = bernoulli(positive)
        for step in range(n_gibbs_steps):
            visible_input = hidden @ weights + visible_bias
            chain = bernoulli(sigmoid(visible_input[:, :n_pen]))
            if n_labels:
                chain = np.hstack([chain, softmax_draw(visible_input[:, n_pen:],
                                                             streams)])
            negative = sigmoid(chain @ weights.T + hidden_bias)
            if step < n_gibbs_steps - 1:
                hidden = bernoulli(negative)
        weights += scale * (positive.T @ visible - negative.T @ chain)
        hidden_bias += scale * (positive - negative).sum(axis=0)
        visible_bias += scale * (visible - chain).sum(axis=0)
        sleep = [chain[:, :n_pen]]
        for W, b in reversed(generative):
            sleep.insert(0, bernoulli(sigmoid(sleep[0] @ W + b)))
        for layer, (W, c) in enumerate(recognition):
            error = sleep[layer + 1] - sigmoid(sleep[layer] @ W.T + c)
            W += scale * error.T @ sleep[layer]
            c += scale * error.sum(axis=0)


# -- parallel tempering ------------------------------------------------------------------


def swap_log_acceptance(beta_low, beta_high, log_ratio_low, log_ratio_high):
    """The log Metropolis ratio of swapping the joint states s (at ``beta_low``)
    and s' (at ``beta_high``) of ``f_beta(s) = f_0(v) exp(beta G(s))``:
    ``log [f_low(s') f_high(s) / (f_low(s) f_high(s'))]``."""
    return (beta_high - beta_low) * (log_ratio_low - log_ratio_high)


def adapt_ladder(betas, accepted, n_attempts, target, rate):
    """Each gap between neighbouring inverse temperatures times
    ``exp(rate * (accepted / n_attempts - target))``, from ``betas[-1] = 1`` down;
    gaps adding up to more than 1 are scaled down to end at 0."""
    gaps = np.diff(betas) * np.exp(rate * (np.asarray(accepted) / n_attempts - target))
    if gaps.sum() > 1:
        gaps = gaps / gaps.sum()
    return 1.0 - np.concatenate([np.cumsum(gaps[::-1])[::-1], [0.0]])


def tempered_gibbs(weights, hidden_bias, visible_bias, betas, hidden, streams, n_steps,
                   base, log_variance=None, n_labels=0, adaptation=None):
    """``n_steps`` steps of parallel tempering; see ``_tempering.tempered_gibbs``.

    Row ``t * n + i`` of ``hidden`` (n_temperatures * n rows) is chain i at
    ``betas[t]``; the last block is the chains at inverse temperature 1. Row r
    draws from stream r of ``streams`` (``Streams``). The tempered joint is
    ``f_beta(v, h) = base(v)**(1 - beta) exp(-beta E(v, h))``, in the working
    scale x of the units: binary units (``base`` the base biases; the last
    ``n_labels`` a softmax group), or Gaussian units of log-variances
    ``log_variance`` (``base = (mean, precision)``), x = v / sigma.

    Each step: v ~ f_beta(v | h) in every row, with the row's uniforms (binary
    units: ``sigmoid((1 - beta) base + beta (b + h W))``; labels: one draw of
    ``softmax`` of the same; Gaussian: the product of the base's and the
    model's Gaussians given h). Then, pair by pair from the hottest, chain by
    chain, one uniform of the lower row decides the swap of the two rows' (v, h)
    by ``swap_log_acceptance`` of ``G(v, h) = log f_1 - log f_0``. Then
    h ~ sigmoid(beta (W x + c)) in every row but, at the last step, the chains
    at inverse temperature 1. Probabilities are in float64, the states in the
    model's dtype.

    Returns (hidden, visible, out, betas, accepted): the rows' states,
    ``out`` the working-scale visible rows of the last block, the ladder after
    ``adaptation`` (None, or (target, rate) for ``adapt_ladder``) and the
    accepted swaps per pair.
    """
    dtype = weights.dtype.type
    f64 = np.float64
    W, c, b = weights, hidden_bias, visible_bias
    betas = np.asarray(betas, dtype=f64).copy()
    n_temperatures = len(betas)
    n_rows = hidden.shape[0]
    n_chains = n_rows // n_temperatures
    n_visible = W.shape[1]
    n_free = n_visible - n_labels
    row_betas = np.repeat(betas, n_chains)[:, None]
    h = hidden.copy()
    gaussian = log_variance is not None
    if gaussian:
        base_mean, base_precision = base
        scale = np.exp(-0.5 * log_variance.astype(f64)).astype(dtype)
        scaled_bias = b * scale
    else:
        scale = np.ones(n_visible, dtype=dtype)
    accepted = np.zeros(n_temperatures - 1)
    v = None
    for step in range(n_steps):
        visible_input = h @ W
        if gaussian:
            model_precision = (scale * scale).astype(f64)
            precision = (1 - row_betas) * base_precision + row_betas * model_precision
            linear = ((1 - row_betas) * base_precision * base_mean
                      + row_betas * model_precision * b.astype(f64)
                      + row_betas * scale.astype(f64) * visible_input.astype(f64))
            noise = streams.normal(n_rows, n_visible)
            v = (linear / precision + noise / np.sqrt(precision)).astype(dtype)
        else:
            activation = ((1 - row_betas) * base
                          + row_betas * (b + visible_input).astype(f64))
            v = streams.bernoulli(sigmoid(activation[:, :n_free])).astype(dtype)
            if n_labels:
                label_bias = ((1 - row_betas) * base[n_free:]
                              + row_betas * b[n_free:].astype(f64))
                logits = ((row_betas * visible_input[:, n_free:].astype(f64))
                          .astype(dtype).astype(f64) + label_bias)
                v = np.hstack([v, softmax_draw(logits, streams).astype(dtype)])
        x = v * scale
        hidden_input = x @ W.T
        # G(v, h): the units' part, then h . (W x + c).
        if gaussian:
            units_part = 0.5 * (((v.astype(f64) - base_mean) ** 2 * base_precision)
                                - ((x - scaled_bias) ** 2).astype(f64)).sum(axis=1)
        else:
            units_part = v.astype(f64) @ (b.astype(f64) - base)
        log_ratios = units_part + (h * (hidden_input + c)).astype(f64).sum(axis=1)
        draws = streams.uniform_rows((n_temperatures - 1) * n_chains, 1)[:, 0]
        # Pairs in turn; the chains' swaps of one pair are independent.
        for t in range(n_temperatures - 1):
            low = t * n_chains + np.arange(n_chains)
            high = low + n_chains
            log_acceptance = swap_log_acceptance(betas[t], betas[t + 1],
                                                 log_ratios[low], log_ratios[high])
            log_acceptance = np.broadcast_to(log_acceptance, low.shape)
            threshold = np.exp(np.minimum(log_acceptance, 0.0))
            undecided = log_acceptance < 0
            if undecided.any():
                streams.closest = min(streams.closest, float(
                    np.abs(draws[low] - threshold)[undecided].min()))
            swap = (log_acceptance >= 0) | (draws[low] < threshold)
            low, high = low[swap], high[swap]
            for array in (v, h, hidden_input, log_ratios):
                array[np.concatenate([low, high])] = array[np.concatenate([high, low])]
            accepted[t] += swap.sum()
        n_drawn = n_rows if step < n_steps - 1 else n_rows - n_chains
        probabilities = sigmoid(row_betas[:n_drawn]
                                * (hidden_input[:n_drawn] + c).astype(f64))
        h[:n_drawn] = streams.bernoulli(probabilities)
    out = (v * scale)[n_rows - n_chains:]
    if adaptation is not None:
        betas = adapt_ladder(betas, accepted, n_chains * n_steps, *adaptation)
    return h, v, out, betas, accepted
