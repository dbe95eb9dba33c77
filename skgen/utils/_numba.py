"""The Numba decorators of skgen's kernels and the scalar functions they share.

Kernels use numpy's error model: a float division by zero gives inf or NaN as in
numpy, instead of Python's ZeroDivisionError check, which would also stop LLVM
from vectorising the loop. ``fastmath`` stays off so that NaN and inf propagate.
"""

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.extending import intrinsic, overload

kernel = njit(cache=True, error_model="numpy")
inline_kernel = njit(cache=True, error_model="numpy", inline="always")


@intrinsic
def int32_bits_as_float32(typingctx, bits):
    """The float32 whose bit pattern is the int32 ``bits``."""

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.FloatType())

    return types.float32(types.int32), codegen


@intrinsic
def uint64_bits_as_float64(typingctx, bits):
    """The float64 whose bit pattern is the uint64 ``bits``."""

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.DoubleType())

    return types.float64(types.uint64), codegen


# Cephes' expf: exp(x) = 2**n * exp(r), |r| <= ln(2) / 2, with a degree-7 polynomial
# for exp(r). Relative error below 2e-7 for |x| <= 88; beyond, it saturates at
# about 2.4e38 and 1.2e-38, which is all a sigmoid needs.
_LOG2E = np.float32(1.44269504088896341)
_LN2_HIGH = np.float32(0.693359375)
_LN2_LOW = np.float32(-2.12194440e-4)
_EXP_POLY = tuple(
    np.float32(c)
    for c in (1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2,
              1.6666665459e-1, 5.0000001201e-1)
)
_EXP_MAX = np.float32(88.3762626647949)
_EXP_MIN = np.float32(-87.3365478515625)
_F32_HALF = np.float32(0.5)
_F32_ONE = np.float32(1.0)


@inline_kernel
def exp_float32(x):
    """exp(x) for float32 x, in plain arithmetic that LLVM can vectorise."""
    y = min(max(x, _EXP_MIN), _EXP_MAX)
    n = np.floor(y * _LOG2E + _F32_HALF)
    r = y - n * _LN2_HIGH - n * _LN2_LOW
    c0, c1, c2, c3, c4, c5 = _EXP_POLY
    p = ((((c0 * r + c1) * r + c2) * r + c3) * r + c4) * r + c5
    p = p * r * r + r + _F32_ONE
    scale = int32_bits_as_float32((np.int32(n) + np.int32(127)) << np.int32(23))
    result = p * scale
    return result if x == x else x


def sigmoid(x):
    """The logistic function 1 / (1 + exp(-x)), for use in kernels."""
    return 1.0 / (1.0 + np.exp(-x))


@overload(sigmoid, jit_options={"cache": True, "error_model": "numpy"}, inline="always")
def _sigmoid_impl(x):
    if x == types.float32:

        def impl(x):
            return _F32_ONE / (_F32_ONE + exp_float32(-x))

        return impl
    if isinstance(x, types.Float):

        def impl(x):
            return 1.0 / (1.0 + np.exp(-x))

        return impl
    return None
