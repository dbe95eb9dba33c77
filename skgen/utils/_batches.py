"""Mini-batch building blocks shared by the kernels of every model family."""

from ._numba import kernel


@kernel
def gather_rows(dense, data, indices, indptr, order, start, out):
    """Copy rows ``order[start:start + len(out)]`` of X into ``out``.

    X is ``dense`` when it has rows, else the CSR matrix (data, indices, indptr).
    """
    n_rows, n_cols = out.shape
    if dense.shape[0] > 0:
        for r in range(n_rows):
            row = order[start + r]
            for j in range(n_cols):
                out[r, j] = dense[row, j]
    else:
        zero = out.dtype.type(0.0)
        for r in range(n_rows):
            row = order[start + r]
            for j in range(n_cols):
                out[r, j] = zero
            # Duplicate entries of a non-canonical CSR matrix add up, as in scipy.
            for p in range(indptr[row], indptr[row + 1]):
                out[r, indices[p]] += data[p]
