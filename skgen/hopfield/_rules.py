"""The learning rules of a binary Hopfield network: weights from spin patterns.

Each rule takes the stored patterns as the rows of a float64 array of -1 and +1
values, of shape (n_patterns, n_units), and returns symmetric float64 weights
with a zero diagonal. The keys of ``RULES`` are the values of
``HopfieldNetwork(rule=...)``.
"""

import numpy as np

#: Rounding error of one float64 product, with room for the pseudo-inverse's.
_ROUNDING = 64 * np.finfo(np.float64).eps


def hebbian(patterns):
    """W = (1/n) sum_p x_p x_p^T, zero on the diagonal (n units)."""
    weights = patterns.T @ patterns
    weights /= patterns.shape[1]
    np.fill_diagonal(weights, 0.0)
    return weights


def storkey(patterns):
    """Storkey's (1997) incremental rule, one pattern after the other.

    ``w_ij += (x_i x_j - x_i h_ji - h_ij x_j) / n`` with the local field
    ``h_ij = sum_{k != i, j} w_ik x_k``. With a zero diagonal, ``h_ij = h_i -
    w_ij x_j`` for ``h = W x``, and since ``x_j**2 = 1`` the step is
    ``(x x^T - x h^T - h x^T + 2 W) / n`` off the diagonal.
    """
    n_units = patterns.shape[1]
    weights = np.zeros((n_units, n_units))
    for pattern in patterns:
        # x h^T + h x^T summed in one go, so that the step is exactly symmetric.
        cross = np.outer(pattern, weights @ pattern)
        step = np.outer(pattern, pattern) - (cross + cross.T) + 2.0 * weights
        step /= n_units
        weights += step
        np.fill_diagonal(weights, 0.0)
    return weights


def pseudoinverse(patterns):
    """The projection rule: W = X^T (X X^T)^+ X, with its diagonal set to 0.

    W projects onto the span of the patterns, so ``W x_p = x_p``. Zeroing the
    diagonal scales the field of unit i by ``1 - W_ii``, which lies in [0, 1]
    for a projection: every field keeps the sign of its pattern's unit or
    becomes 0, which keeps the state, so every pattern stays a fixed point.
    """
    gram = patterns @ patterns.T
    weights = patterns.T @ np.linalg.pinv(gram, hermitian=True) @ patterns
    weights = 0.5 * (weights + weights.T)
    np.fill_diagonal(weights, 0.0)
    # Entries that are 0 but for rounding, such as the row of a unit whose basis
    # vector is in the span (W_ii = 1), made exact: the field they leave is a tie.
    weights[np.abs(weights) < _ROUNDING * patterns.shape[1]] = 0.0
    return weights


RULES = {"hebbian": hebbian, "storkey": storkey, "pseudoinverse": pseudoinverse}
