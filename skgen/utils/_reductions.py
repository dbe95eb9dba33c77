"""One-pass reductions over training data, in place of chains of NumPy calls that
each make a temporary or read the data again."""

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
