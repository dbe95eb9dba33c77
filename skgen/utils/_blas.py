"""General matrix product with scaling (BLAS ``gemm``), callable from Numba kernels.

``np.dot`` inside Numba cannot accumulate into its output. Training updates the
weights as ``W = beta * W + alpha * A.T @ B``, which BLAS does in one pass, so we
call the same ``numba_xxgemm`` entry point that Numba's own ``np.dot`` uses. It is
a named symbol, so kernels that use it can still be cached.
"""

import numpy as np
from numba import types
from numba.extending import overload, register_jitable
from numba.np.linalg import ensure_blas

from ._numba import helper


def _external_gemm(dtype):
    signature = types.intc(
        types.char,  # kind
        types.char,  # transa
        types.char,  # transb
        types.intp,  # m
        types.intp,  # n
        types.intp,  # k
        types.CPointer(dtype),  # alpha
        types.CPointer(dtype),  # a
        types.intp,  # lda
        types.CPointer(dtype),  # b
        types.intp,  # ldb
        types.CPointer(dtype),  # beta
        types.CPointer(dtype),  # c
        types.intp,  # ldc
    )
    return types.ExternalFunction("numba_xxgemm", signature)


@register_jitable
def _layout(n_rows, n_columns, row_stride, column_stride, itemsize):
    """(column_major, leading dimension) of a 2-d array for BLAS, from its shape,
    strides and item size: whether BLAS must read it column by column (it has
    more than one column and they are not contiguous rows' neighbours), and the
    stride BLAS steps by. Over integers only, so that it compiles once for
    every array type. Raises if neither axis has unit stride."""
    if n_columns <= 1 or column_stride == itemsize:
        # numpy gives a single row any stride, but BLAS wants at least its length.
        if n_rows <= 1:
            return False, max(n_columns, 1)
        return False, row_stride // itemsize
    if n_rows > 1 and row_stride != itemsize:
        raise ValueError("gemm needs arrays with unit stride along one axis")
    return True, column_stride // itemsize


def gemm(alpha, a, trans_a, b, trans_b, beta, c):
    """``c = alpha * op(a) @ op(b) + beta * c``.

    ``op(x)`` is ``x.T`` when the matching flag is true. Every array must have
    unit stride along one axis: C- or Fortran-ordered arrays and their row or
    column slices qualify. The layout of each is read from its strides when
    called, and BLAS reads it in place. Only callable from Numba-compiled code.

    At small row counts the layout of ``c`` matters: BLAS is fastest when the
    rows of ``c`` are its first (column-major) dimension.
    """
    raise NotImplementedError("gemm is only callable from Numba-compiled code")


@overload(gemm, jit_options={"cache": True})
def _gemm_impl(alpha, a, trans_a, b, trans_b, beta, c):
    ensure_blas()
    if c.dtype == types.float32:
        kind, np_dtype = ord("s"), np.float32
    elif c.dtype == types.float64:
        kind, np_dtype = ord("d"), np.float64
    else:
        return None
    xxgemm = _external_gemm(c.dtype)
    no_trans, trans = ord("N"), ord("T")

    def impl(alpha, a, trans_a, b, trans_b, beta, c):
        m, n = c.shape
        k = a.shape[0] if trans_a else a.shape[1]
        if m == 0 or n == 0:
            return
        scalars = np.empty(2, dtype=np_dtype)
        scalars[0] = alpha
        scalars[1] = beta
        column_a, lda = _layout(a.shape[0], a.shape[1], a.strides[0], a.strides[1],
                                a.itemsize)
        column_b, ldb = _layout(b.shape[0], b.shape[1], b.strides[0], b.strides[1],
                                b.itemsize)
        column_c, ldc = _layout(c.shape[0], c.shape[1], c.strides[0], c.strides[1],
                                c.itemsize)
        # BLAS is column-major: it reads a row-major array as its transpose.
        if column_c:
            # C = op(A) op(B), with A read as A.T unless it is column-major too.
            xxgemm(kind, trans if trans_a == column_a else no_trans,
                   trans if trans_b == column_b else no_trans, m, n, k,
                   scalars[0:].ctypes, a.ctypes, lda, b.ctypes, ldb,
                   scalars[1:].ctypes, c.ctypes, ldc)
        else:
            # C.T = op(B).T op(A).T.
            xxgemm(kind, trans if trans_b != column_b else no_trans,
                   trans if trans_a != column_a else no_trans, n, m, k,
                   scalars[0:].ctypes, b.ctypes, ldb, a.ctypes, lda,
                   scalars[1:].ctypes, c.ctypes, ldc)

    return impl


@helper
def product_rows(a, trans_a, b, trans_b, c, scratch):
    """``c = op(a) @ op(b)`` for a row-major ``c`` of few rows, by way of
    ``scratch``: a Fortran-ordered array at least the shape of ``c``.

    BLAS fills a column-major output of few rows faster than a row-major one
    (benchmarks/RESULTS.md); copying it to ``c`` costs a small fraction of the
    product, and the elementwise passes that follow still read contiguous rows.
    Only callable from Numba-compiled code (``helper``).
    """
    m, n = c.shape
    if scratch.shape[0] < m or scratch.shape[1] < n:
        raise ValueError("product_rows: the scratch is smaller than the output")
    out = scratch[:m, :n]
    one = c.dtype.type(1.0)
    gemm(one, a, trans_a, b, trans_b, 0 * one, out)
    for i in range(m):
        for j in range(n):
            c[i, j] = out[i, j]
