"""Column moments of the training data and the RBMs' initial weights, against
plain NumPy and against the streams' kernel."""

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal

from skgen.utils._numba import kernel
from skgen.utils._random import normal_columns, normal_row, row_streams
from skgen.utils._validation import column_moments


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_column_moments_dense_and_sparse(dtype):
    rng = np.random.RandomState(1)
    X = (rng.normal(size=(50, 9)) * (rng.rand(50, 9) < 0.3)).astype(dtype)
    sums, square_sums = column_moments(X)
    assert sums.dtype == np.float64
    assert_allclose(sums, X.astype(np.float64).sum(axis=0), rtol=1e-12)
    assert_allclose(square_sums, (X.astype(np.float64) ** 2).sum(axis=0), rtol=1e-12)
    for container in (sp.csr_matrix, sp.csc_matrix, sp.coo_matrix):
        sparse_sums, sparse_squares = column_moments(container(X))
        assert_allclose(sparse_sums, sums, rtol=1e-12)
        assert_allclose(sparse_squares, square_sums, rtol=1e-12)


def test_column_moments_sum_duplicate_csr_entries_first():
    # Row 0 holds 1 + 2 in column 1 (as two entries) and 4 in column 0.
    X = sp.csr_matrix((np.array([1.0, 4.0, 2.0]), np.array([1, 0, 1]),
                       np.array([0, 3, 3])), shape=(2, 3))
    sums, square_sums = column_moments(X)
    assert_array_equal(sums, [4.0, 3.0, 0.0])
    assert_array_equal(square_sums, [16.0, 9.0, 0.0])


@kernel
def _kernel_normal_rows(streams, out):
    for i in range(out.shape[0]):
        normal_row(streams[i], out[i])


@pytest.mark.parametrize("n_rows", [1, 2, 7, 200])
def test_normal_columns_match_the_kernel_stream(n_rows):
    # 300 streams span two of normal_columns' blocks.
    streams = row_streams(np.random.RandomState(3), 300)
    rows = np.empty((300, n_rows + n_rows % 2))
    _kernel_normal_rows(streams, rows)
    columns = normal_columns(streams, n_rows)
    assert columns.shape == (n_rows, 300) and columns.flags.f_contiguous
    assert_allclose(columns, rows[:, :n_rows].T, rtol=1e-12, atol=1e-13)


def test_initial_weights_are_small_normals_alike_in_both_dtypes():
    from skgen import BernoulliRBM

    X = (np.random.RandomState(0).rand(20, 300) < 0.3).astype(np.float64)
    weights = {}
    for dtype in (np.float32, np.float64):
        rbm = BernoulliRBM(n_components=200, random_state=2)
        state = rbm._initial_state(X.astype(dtype), np.random.RandomState(2),
                                   column_moments(X))
        weights[dtype] = state["components_"]
    out32, out64 = weights[np.float32], weights[np.float64]
    assert out32.dtype == np.float32 and out32.flags.f_contiguous
    assert_array_equal(out32, out64.astype(np.float32))
    assert abs(out64.mean()) < 3 * 0.01 / np.sqrt(out64.size)
    assert abs(out64.std() - 0.01) < 0.0002
    # Each column comes from its own stream: no two columns repeat.
    assert len({tuple(column) for column in out64.T}) == 300
