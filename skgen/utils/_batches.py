"""Mini-batch building blocks shared by the kernels of every model family, and
the row chunks that keep inference's scratch memory bounded."""

from sklearn.utils import gen_batches

from ._numba import kernel

#: The scratch memory, in bytes, that a method may hold for its rows at once:
#: methods whose scratch grows with the rows (Monte Carlo chains, importance
#: weights, similarities to every pattern) run over chunks of rows of at most
#: this much, so that their peak memory is that of the input, the output and one
#: chunk. Read at each call (tests lower it).
CHUNK_BYTES = 64 * 2**20


def row_chunks(n_rows, row_bytes):
    """Slices of consecutive rows of ``n_rows``, each of at most ``CHUNK_BYTES``
    of scratch at ``row_bytes`` a row (and at least one row)."""
    return gen_batches(n_rows, max(1, CHUNK_BYTES // max(1, int(row_bytes))))


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
