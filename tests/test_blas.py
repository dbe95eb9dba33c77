"""The BLAS products callable from kernels (skgen.utils._blas) against NumPy."""

import numpy as np
import pytest
from numba import njit
from numpy.testing import assert_allclose, assert_array_equal

from skgen.utils._blas import gemm, product_rows

DTYPES = [np.float32, np.float64]

#: assert_allclose tolerances for results of floating-point arithmetic.
TOLERANCES = {
    np.float32: dict(rtol=1e-5, atol=1e-6),
    np.float64: dict(rtol=1e-12, atol=1e-13),
}


@njit(cache=True)
def _product_rows(a, trans_a, b, trans_b, c, scratch):
    product_rows(a, trans_a, b, trans_b, c, scratch)


@njit(cache=True)
def _gemm(alpha, a, trans_a, b, trans_b, beta, c):
    gemm(alpha, a, trans_a, b, trans_b, beta, c)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("trans_a", [False, True])
@pytest.mark.parametrize("trans_b", [False, True])
@pytest.mark.parametrize("m, n, k", [(1, 1, 1), (3, 4, 5), (6, 1, 3), (1, 5, 2),
                                     (4, 3, 1)])
@pytest.mark.parametrize("beta", [0.0, 0.5])
def test_gemm(dtype, trans_a, trans_b, m, n, k, beta):
    rng = np.random.default_rng(0)
    a = rng.standard_normal((k, m) if trans_a else (m, k)).astype(dtype)
    b = rng.standard_normal((n, k) if trans_b else (k, n)).astype(dtype)
    c = rng.standard_normal((m, n)).astype(dtype)
    if beta == 0.0:
        c[0, 0] = np.nan  # beta = 0 must overwrite, not scale, c
    alpha = dtype(1.5)
    op_a = a.T if trans_a else a
    op_b = b.T if trans_b else b
    expected = alpha * (op_a.astype(np.float64) @ op_b.astype(np.float64))
    if beta:
        expected += beta * c.astype(np.float64)
    _gemm(alpha, a, trans_a, b, trans_b, dtype(beta), c)
    assert_allclose(c, expected, rtol=1e-5 if dtype == np.float32 else 1e-13,
                    atol=1e-5 if dtype == np.float32 else 1e-13)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("trans_a", [False, True])
@pytest.mark.parametrize("trans_b", [False, True])
@pytest.mark.parametrize("orders", ["FCC", "CFC", "CCF", "FFF"])
def test_gemm_on_fortran_ordered_arrays(dtype, trans_a, trans_b, orders):
    # The RBMs keep their weights Fortran-ordered; any operand may be.
    rng = np.random.default_rng(2)
    m, n, k = 3, 5, 4
    a = np.asarray(rng.standard_normal((k, m) if trans_a else (m, k)), dtype=dtype,
                   order=orders[0])
    b = np.asarray(rng.standard_normal((n, k) if trans_b else (k, n)), dtype=dtype,
                   order=orders[1])
    c = np.asarray(rng.standard_normal((m, n)), dtype=dtype, order=orders[2])
    op_a = a.T if trans_a else a
    op_b = b.T if trans_b else b
    expected = 2.0 * (op_a.astype(np.float64) @ op_b.astype(np.float64)) \
        + 0.5 * c.astype(np.float64)
    _gemm(dtype(2.0), a, trans_a, b, trans_b, dtype(0.5), c)
    assert_allclose(c, expected, **TOLERANCES[dtype])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("trans_a", [False, True])
@pytest.mark.parametrize("trans_b", [False, True])
@pytest.mark.parametrize("orders", ["CCC", "FFF", "CFC", "FCF", "CCF"])
def test_gemm_on_row_and_column_slices(dtype, trans_a, trans_b, orders):
    # Row slices (as fit_epoch's stacks) and column slices (leading dimension
    # larger than the column or row length) of C- and Fortran-ordered arrays,
    # writing into a slice.
    rng = np.random.default_rng(1)
    m, n, k = 3, 4, 2
    big_a, big_b, big_c = (np.asarray(rng.standard_normal((9, 9)), dtype=dtype, order=order)
                           for order in orders)
    a = big_a[2:2 + (k if trans_a else m), 1:1 + (m if trans_a else k)]
    b = big_b[:(n if trans_b else k), 3:3 + (k if trans_b else n)]
    c = big_c[4:4 + m, 2:2 + n]
    untouched = big_c.copy()
    op_a = a.T if trans_a else a
    op_b = b.T if trans_b else b
    expected = 2.0 * (op_a.astype(np.float64) @ op_b.astype(np.float64)) \
        + 0.25 * c.astype(np.float64)
    _gemm(dtype(2.0), a, trans_a, b, trans_b, dtype(0.25), c)
    assert_allclose(c, expected, **TOLERANCES[dtype])
    untouched[4:4 + m, 2:2 + n] = c
    assert_array_equal(big_c, untouched)  # nothing outside the slice changed


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("trans_b", [False, True])
@pytest.mark.parametrize("m, n, k", [(1, 5, 3), (4, 1, 3), (1, 1, 2), (3, 4, 1), (2, 3, 4)])
def test_product_rows(dtype, trans_b, m, n, k):
    # Into a row slice of a C-ordered array, by way of a larger Fortran-ordered
    # scratch, as fit_epoch's stacks on a short last mini-batch.
    rng = np.random.default_rng(3)
    a = rng.standard_normal((m, k)).astype(dtype)
    b = rng.standard_normal((n, k) if trans_b else (k, n)).astype(dtype)
    big_c = rng.standard_normal((m + 2, n)).astype(dtype)
    untouched = big_c.copy()
    scratch = np.full((n + 3, m + 1), np.nan, dtype=dtype).T
    _product_rows(a, False, b, trans_b, big_c[1:1 + m], scratch)
    expected = a.astype(np.float64) @ (b.T if trans_b else b).astype(np.float64)
    assert_allclose(big_c[1:1 + m], expected, **TOLERANCES[dtype])
    untouched[1:1 + m] = big_c[1:1 + m]
    assert_array_equal(big_c, untouched)
    with pytest.raises(ValueError, match="scratch is smaller"):
        _product_rows(a, False, b, trans_b, big_c[1:1 + m], scratch[:m, :n - 1])


@pytest.mark.parametrize("dtype", DTYPES)
def test_gemm_rejects_arrays_without_a_unit_stride(dtype):
    a = np.ones((6, 6), dtype=dtype)[::2, ::2]
    c = np.zeros((3, 3), dtype=dtype)
    with pytest.raises(ValueError, match="unit stride"):
        _gemm(dtype(1.0), a, False, a, False, dtype(0.0), c)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("row_stride", [0, 1, 1000])
def test_gemm_on_single_rows_with_any_stride(dtype, row_stride):
    # numpy lets a dimension of length 1 have any stride (x[None, :] has 0), yet
    # BLAS wants a leading dimension of at least the row length.
    rng = np.random.default_rng(2)
    as_strided = np.lib.stride_tricks.as_strided
    itemsize = np.dtype(dtype).itemsize
    x = rng.standard_normal(4).astype(dtype)
    y = rng.standard_normal(3).astype(dtype)
    a = as_strided(x, shape=(1, 4), strides=(row_stride * itemsize, itemsize))
    b = rng.standard_normal((4, 3)).astype(dtype)
    c = np.zeros((1, 3), dtype=dtype)
    _gemm(dtype(1.0), a, False, b, False, dtype(0.0), c)
    assert_allclose(c, x[None, :] @ b, **TOLERANCES[dtype])
    # op(a) = a.T with a of shape (1, 4): an outer product into a (4, 3) matrix.
    row = as_strided(y, shape=(1, 3), strides=(row_stride * itemsize, itemsize))
    outer = np.zeros((4, 3), dtype=dtype)
    _gemm(dtype(1.0), a, True, row, False, dtype(0.0), outer)
    assert_allclose(outer, np.outer(x, y), **TOLERANCES[dtype])
