"""Plain NumPy references for the Hopfield networks, written for clarity, not speed."""

import numpy as np


def hebbian(patterns):
    """(1/n) sum over patterns of x x^T, zero diagonal."""
    n = patterns.shape[1]
    weights = np.zeros((n, n))
    for x in patterns:
        weights += np.outer(x, x) / n
    np.fill_diagonal(weights, 0.0)
    return weights


def storkey(patterns):
    """Storkey's rule, with every h_ij summed out explicitly."""
    n = patterns.shape[1]
    weights = np.zeros((n, n))
    for x in patterns:
        h = np.zeros((n, n))
        for i in range(n):
            for j in range(n):
                h[i, j] = sum(weights[i, k] * x[k] for k in range(n) if k not in (i, j))
        new = weights.copy()
        for i in range(n):
            for j in range(n):
                if i != j:
                    new[i, j] += (x[i] * x[j] - x[i] * h[j, i] - h[i, j] * x[j]) / n
        weights = new
    return weights


def pseudoinverse(patterns):
    """pinv(X) X, the projection onto the rows of X, zero diagonal."""
    weights = np.linalg.pinv(patterns) @ patterns
    np.fill_diagonal(weights, 0.0)
    return weights


def sync_recall(weights, bias, x, max_iter):
    """Synchronous sign updates of one spin row: (state, sweeps, "fixed" | "cycle" | None)."""
    before, current = x.copy(), x.copy()
    for sweep in range(1, max_iter + 1):
        fields = weights @ current + bias
        new = np.where(fields > 0, 1.0, np.where(fields < 0, -1.0, current))
        if np.array_equal(new, current):
            return new, sweep, "fixed"
        if sweep > 1 and np.array_equal(new, before):
            return new, sweep, "cycle"
        before, current = current, new
    return current, max_iter, None


def modern_retrieve(patterns, cue, beta, n_updates):
    """n_updates of xi <- X^T softmax(beta X xi) for one cue."""
    xi = cue.astype(np.float64)
    for _ in range(n_updates):
        logits = beta * np.array([p @ xi for p in patterns])
        weights = np.exp(logits - logits.max())
        weights /= weights.sum()
        xi = sum(w * p for w, p in zip(weights, patterns))
    return xi


def modern_energy(patterns, xi, beta):
    """-lse(beta, X xi) + xi.xi / 2 + log(N) / beta + M**2 / 2."""
    logits = beta * (patterns @ xi)
    top = logits.max()
    lse = (top + np.log(np.exp(logits - top).sum())) / beta
    largest = max(np.linalg.norm(p) for p in patterns)
    return -lse + 0.5 * xi @ xi + np.log(len(patterns)) / beta + 0.5 * largest**2
