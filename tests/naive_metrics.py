"""Plain NumPy references of the sample-quality metrics: the squared MMD with an
RBF kernel and the median heuristic, written from their definitions with loops
over the pairs of rows, in float64."""

import numpy as np


def median_heuristic(X):
    """1 / (2 sigma**2) with sigma the median distance between two distinct rows."""
    distances = [np.linalg.norm(X[i] - X[j])
                 for i in range(len(X)) for j in range(i + 1, len(X))]
    return 1.0 / (2.0 * np.median(distances) ** 2)


def unbiased_mmd2(X, Y, gamma):
    """Gretton et al. (2012), eq. 3: the unbiased squared MMD of sets X and Y."""
    def kernel(a, b):
        return np.exp(-gamma * np.sum((a - b) ** 2))

    m, n = len(X), len(Y)
    within_x = sum(kernel(X[i], X[j]) for i in range(m) for j in range(m) if i != j)
    within_y = sum(kernel(Y[i], Y[j]) for i in range(n) for j in range(n) if i != j)
    between = sum(kernel(x, y) for x in X for y in Y)
    return within_x / (m * (m - 1)) + within_y / (n * (n - 1)) - 2 * between / (m * n)
