"""Reductions: one-pass ones over training data, in place of chains of NumPy calls
that each make a temporary or read the data again, and sums for kernels' inner
loops."""

import numpy as np

from ._numba import kernel


@kernel
def value_range(values):
    """(min, max) of a non-empty array of any shape, in one pass."""
    flat = values.ravel()
    smallest = flat[0]
    largest = flat[0]
    for value in flat:
        smallest = min(smallest, value)
        largest = max(largest, value)
    return smallest, largest


@kernel
def add_column_moments(dense, data, indices, indptr, sums, square_sums):
    """Add the column sums of X and of X**2, in float64, to ``sums`` and
    ``square_sums``.

    X is ``dense`` when it has rows, else the CSR matrix (data, indices, indptr),
    as in ``_batches.gather_rows``; duplicate CSR entries are summed first.
    """
    if dense.shape[0] > 0:
        for r in range(dense.shape[0]):
            for j in range(dense.shape[1]):
                value = np.float64(dense[r, j])
                sums[j] += value
                square_sums[j] += value * value
        return
    row = np.zeros(sums.shape[0])
    for r in range(indptr.shape[0] - 1):
        for p in range(indptr[r], indptr[r + 1]):
            row[indices[p]] += data[p]
        for p in range(indptr[r], indptr[r + 1]):
            j = indices[p]
            value = row[j]
            if value == value:  # NaN marks a column already counted in this row
                sums[j] += value
                square_sums[j] += value * value
                row[j] = np.nan
        for p in range(indptr[r], indptr[r + 1]):
            row[indices[p]] = 0.0


@kernel
def sum_in_lanes(values, weights):
    """``sum(values)``, or ``values @ weights`` when ``weights`` is not None, of
    1-d arrays, in eight partial sums.

    Without fastmath the compiler may not reorder a floating-point sum, so a
    single running sum waits for each addition to finish; eight independent
    ones keep the adder busy. The result differs from the sequential sum by
    rounding only.
    """
    n_values = values.shape[0]
    n_full = n_values - n_values % 8
    s0 = s1 = s2 = s3 = s4 = s5 = s6 = s7 = 0.0
    for j in range(0, n_full, 8):
        if weights is None:
            s0 += values[j]
            s1 += values[j + 1]
            s2 += values[j + 2]
            s3 += values[j + 3]
            s4 += values[j + 4]
            s5 += values[j + 5]
            s6 += values[j + 6]
            s7 += values[j + 7]
        else:
            s0 += values[j] * weights[j]
            s1 += values[j + 1] * weights[j + 1]
            s2 += values[j + 2] * weights[j + 2]
            s3 += values[j + 3] * weights[j + 3]
            s4 += values[j + 4] * weights[j + 4]
            s5 += values[j + 5] * weights[j + 5]
            s6 += values[j + 6] * weights[j + 6]
            s7 += values[j + 7] * weights[j + 7]
    for j in range(n_full, n_values):
        s0 += values[j] if weights is None else values[j] * weights[j]
    return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))
