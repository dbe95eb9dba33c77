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
def _leading_dimension(x):
    # numpy gives a single row any stride, but BLAS wants at least its length.
    if x.shape[0] <= 1:
        return max(x.shape[1], 1)
    return x.strides[0] // x.itemsize


def gemm(alpha, a, trans_a, b, trans_b, beta, c):
    """``c = alpha * op(a) @ op(b) + beta * c`` for row-major arrays.

    ``op(x)`` is ``x.T`` when the matching flag is true. Every array must have
    unit stride along its last axis (row slices of C-ordered arrays qualify),
    or be Fortran-ordered: such an array is handled as the transpose of a
    C-ordered one. Only callable from Numba-compiled code.
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
    # A Fortran-ordered x is x.T.T with x.T C-ordered: flip its flag instead.
    if c.layout == "F":
        # c.T = op(b).T @ op(a).T, into a C-ordered array.
        def impl(alpha, a, trans_a, b, trans_b, beta, c):
            gemm(alpha, b, not trans_b, a, not trans_a, beta, c.T)

        return impl
    if a.layout == "F":

        def impl(alpha, a, trans_a, b, trans_b, beta, c):
            gemm(alpha, a.T, not trans_a, b, trans_b, beta, c)

        return impl
    if b.layout == "F":

        def impl(alpha, a, trans_a, b, trans_b, beta, c):
            gemm(alpha, a, trans_a, b.T, not trans_b, beta, c)

        return impl
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
        # Row-major C = op(A) op(B) is column-major C.T = op(B).T op(A).T, and a
        # row-major array read column-major is its transpose.
        xxgemm(
            kind,
            trans if trans_b else no_trans,
            trans if trans_a else no_trans,
            n,
            m,
            k,
            scalars[0:].ctypes,
            b.ctypes,
            _leading_dimension(b),
            a.ctypes,
            _leading_dimension(a),
            scalars[1:].ctypes,
            c.ctypes,
            _leading_dimension(c),
        )

    return impl
