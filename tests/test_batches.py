"""The mini-batch gathering shared by every family's kernels (skgen.utils._batches)."""

import naive
import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_array_equal

from skgen.utils._batches import gather_rows

from kernel_checks import DTYPES, kernel_args, random_data  # isort: skip


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("start, n_rows", [(0, 4), (4, 4), (8, 3), (10, 1)])
def test_gather_rows_dense_and_csr(dtype, start, n_rows):
    rng = np.random.default_rng(3)
    X = random_data(rng, 11, 6, dtype)
    X[5] = 0  # an empty CSR row
    order = rng.permutation(11).astype(np.int64)
    expected = naive.gather_rows_dense(X, order, start, n_rows)

    out_dense = np.full((n_rows, 6), np.nan, dtype=dtype)
    gather_rows(*kernel_args(X), order, start, out_dense)
    assert_array_equal(out_dense, expected)

    X_csr = sp.csr_matrix(X)
    out_csr = np.full((n_rows, 6), np.nan, dtype=dtype)
    gather_rows(*kernel_args(X_csr), order, start, out_csr)
    assert_array_equal(out_csr, expected)
    csr_expected = naive.gather_rows_csr(X_csr.data, X_csr.indices, X_csr.indptr, 6,
                                         order, start, n_rows, dtype)
    assert_array_equal(out_csr, csr_expected)


def test_gather_rows_csr_with_duplicate_entries():
    """A repeated (i, j) entry of a non-canonical CSR matrix stands for the sum."""
    data = np.array([0.25, 0.5, 1.0])
    indices = np.array([1, 1, 0], dtype=np.int64)
    indptr = np.array([0, 2, 3], dtype=np.int64)
    X = sp.csr_matrix((data, indices, indptr), shape=(2, 3))
    assert not X.has_canonical_format
    expected = naive.gather_rows_csr(data, indices, indptr, 3, np.arange(2), 0, 2,
                                     np.float64)
    assert_array_equal(expected, X.toarray())
    out = np.empty((2, 3))
    gather_rows(*kernel_args(X), np.arange(2, dtype=np.int64), 0, out)
    assert_array_equal(out, expected)
