"""The Numba decorators of skgen's kernels and the scalar functions they share.

Kernels use numpy's error model: a float division by zero gives inf or NaN as in
numpy, instead of Python's ZeroDivisionError check, which would also stop LLVM
from vectorising the loop. ``fastmath`` stays off so that NaN and inf propagate.
Kernels release the GIL (``nogil``), so that threaded backends (joblib's
threading backend, dask's threaded scheduler) run them in parallel. Their
compiled code is cached on disk (``cache``), so that only a machine's first use
of a kernel compiles it (where: ``_cache``).

Array-level statements inside a kernel (``a[:] = b``, ``a += b`` for arrays) are
avoided: Numba compiles a formatted shape-mismatch error and ufunc machinery for
each of them, which costs far more compile time than the explicit loop.
"""

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.extending import intrinsic, overload, register_jitable

from ._cache import ensure_cache_location

# Before the first cached kernel is decorated (see ``_cache``).
ensure_cache_location()

kernel = njit(cache=True, nogil=True, error_model="numpy")
inline_kernel = njit(cache=True, nogil=True, error_model="numpy", inline="always")

#: For functions called only from kernels, with constant arguments such as flags:
#: compiled into each caller once per argument *type*. A kernel called from
#: another with a constant is compiled once per constant value (Numba's literal
#: dispatch), which multiplies the compile time. Called from Python, such a
#: function runs as plain Python.
helper = register_jitable(cache=True, nogil=True, error_model="numpy")


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


# exp(x) = 2**n * exp(r), |r| <= ln(2) / 2, with exp(r) = 1 + r + r**2 q(r) and q a
# degree-9 Chebyshev fit of (exp(r) - 1 - r) / r**2 (truncation error below 2e-17):
# a polynomial, no division. The argument is clamped to [-708, 709], where 2**n
# stays a normal number: exp(-708) is about 3e-308 in place of smaller values or
# 0, all that a sigmoid or a softplus needs.
_EXP_POLY_F64 = (2.5100375832561234e-08, 2.7620075879983367e-07,
                 2.7557268480310024e-06, 2.4801521322368692e-05,
                 1.9841269863040545e-04, 1.3888888917196719e-03,
                 8.333333333330065e-03, 4.1666666666624164e-02,
                 1.6666666666666669e-01, 5.000000000000001e-01)
_LN2_HIGH_F64 = 6.93145751953125e-1
_LN2_LOW_F64 = 1.42860682030941723212e-6
_LOG2E_F64 = 1.4426950408889634073599


@inline_kernel
def exp_float64(x):
    """exp(x) for float64 x, in plain arithmetic that LLVM can vectorise (Numba's
    ``np.exp`` calls libm, one value at a time)."""
    y = min(max(x, -708.0), 709.0)
    n = np.floor(y * _LOG2E_F64 + 0.5)
    r = (y - n * _LN2_HIGH_F64) - n * _LN2_LOW_F64
    c0, c1, c2, c3, c4, c5, c6, c7, c8, c9 = _EXP_POLY_F64
    q = ((((((((c0 * r + c1) * r + c2) * r + c3) * r + c4) * r + c5) * r + c6) * r
          + c7) * r + c8) * r + c9
    scale = uint64_bits_as_float64(np.uint64(np.int64(n) + np.int64(1023)) << _S52)
    result = (1.0 + (r + r * r * q)) * scale
    return x if np.isnan(x) else result


def sigmoid(x):
    """The logistic function 1 / (1 + exp(-x)), for use in kernels."""
    return 1.0 / (1.0 + np.exp(-x))


@overload(sigmoid, jit_options={"cache": True, "error_model": "numpy"})
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


@intrinsic
def float64_as_uint64_bits(typingctx, value):
    """The bit pattern of the float64 ``value``, as a uint64."""

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.IntType(64))

    return types.uint64(types.float64), codegen


# fdlibm's log: log(1 + f) = 2s + s R(s**2), s = f / (2 + f), |s| < 0.1716, with a
# minimax polynomial R; below 1 ulp plus the rounding of k ln(2).
_LOG_POLY = (6.666666666666735130e-01, 3.999999999940941908e-01,
             2.857142874366239149e-01, 2.222219843214978396e-01,
             1.818357216161805012e-01, 1.531383769920937332e-01,
             1.479819860511658591e-01)
_MANTISSA_BITS = np.uint64(0x000FFFFFFFFFFFFF)
_ONE_BITS = np.uint64(0x3FF0000000000000)
_TWO_POW_52_BITS = np.uint64(0x4330000000000000)
_S52 = np.uint64(52)
_SQRT_2 = np.sqrt(2.0)
_LN_2 = np.log(2.0)


@inline_kernel
def log_float64(x):
    """log(x) for a positive, normal float64 ``x``, in code that LLVM can vectorise."""
    bits = float64_as_uint64_bits(x)
    mantissa = uint64_bits_as_float64((bits & _MANTISSA_BITS) | _ONE_BITS)
    # The exponent field, as a float: 2**52 + e is exactly representable.
    k = uint64_bits_as_float64((bits >> _S52) | _TWO_POW_52_BITS) - (2.0**52 + 1023.0)
    if mantissa > _SQRT_2:
        mantissa *= 0.5
        k += 1.0
    f = mantissa - 1.0
    s = f / (2.0 + f)
    z = s * s
    w = z * z
    c1, c2, c3, c4, c5, c6, c7 = _LOG_POLY
    r = z * (c1 + w * (c3 + w * (c5 + w * c7))) + w * (c2 + w * (c4 + w * c6))
    half_square = 0.5 * f * f
    return k * _LN_2 + (f - (half_square - s * (half_square + r)))


# fdlibm's kernels for sin and cos on [-pi/4, pi/4].
_SIN_POLY = (-1.66666666666666324348e-01, 8.33333333332248946124e-03,
             -1.98412698298579493134e-04, 2.75573137070700676789e-06,
             -2.50507602534068634195e-08, 1.58969099521155010221e-10)
_COS_POLY = (4.16666666666666019037e-02, -1.38888888888741095749e-03,
             2.48015872894767294178e-05, -2.75573143513906633035e-07,
             2.08757232129817482790e-09, -1.13596475577881948265e-11)
_HALF_PI = 0.5 * np.pi


@inline_kernel
def cos_sin_turns(turns):
    """(cos, sin) of the angle ``2 pi turns`` for ``turns`` in [0, 1], vectorisable.

    The quarter turn q nearest the angle is removed exactly (``4 turns - q`` is
    exact), leaving ``|x| <= pi / 4`` for the polynomials.
    """
    quarters = 4.0 * turns
    q = np.floor(quarters + 0.5)
    x = (quarters - q) * _HALF_PI
    z = x * x
    s1, s2, s3, s4, s5, s6 = _SIN_POLY
    sine = x + x * z * (s1 + z * (s2 + z * (s3 + z * (s4 + z * (s5 + z * s6)))))
    c1, c2, c3, c4, c5, c6 = _COS_POLY
    cosine = 1.0 - 0.5 * z + z * z * (c1 + z * (c2 + z * (c3 + z * (c4 + z * (c5 + z * c6)))))
    # Rotate by q quarter turns: swap for odd q, negate by quadrant. As
    # selects, not branches, so that the calling loop vectorises.
    quadrant = q - 4.0 * np.floor(0.25 * q)
    odd = quadrant == 1.0 or quadrant == 3.0
    first = sine if odd else cosine
    second = cosine if odd else sine
    cosine_sign = -1.0 if quadrant == 1.0 or quadrant == 2.0 else 1.0
    sine_sign = -1.0 if quadrant >= 2.0 else 1.0
    return cosine_sign * first, sine_sign * second


@intrinsic
def float32_as_int32_bits(typingctx, value):
    """The bit pattern of the float32 ``value``, as an int32."""

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.IntType(32))

    return types.int32(types.float32), codegen


# fdlibm's logf: the scheme of log_float64 with a degree-4 polynomial in s**2.
_LOG_POLY_F32 = tuple(np.float32(c) for c in (0.66666662693, 0.40000972152,
                                              0.28498786688, 0.24279078841))
_F32_TWO = np.float32(2.0)
_F32_SQRT_2 = np.float32(np.sqrt(2.0))
_F32_LN_2 = np.float32(np.log(2.0))
_F32_MANTISSA_BITS = np.int32(0x007FFFFF)
_F32_ONE_BITS = np.int32(0x3F800000)


@inline_kernel
def log_float32(x):
    """log(x) for a positive, normal float32 ``x``, in code that LLVM can vectorise.

    Within 2 ulp of the float32 logarithm (``tests/test_numba_math.py``).
    """
    bits = float32_as_int32_bits(x)
    k = np.float32((bits >> np.int32(23)) - np.int32(127))
    mantissa = int32_bits_as_float32((bits & _F32_MANTISSA_BITS) | _F32_ONE_BITS)
    if mantissa > _F32_SQRT_2:
        mantissa *= _F32_HALF
        k += _F32_ONE
    f = mantissa - _F32_ONE
    s = f / (_F32_TWO + f)
    z = s * s
    w = z * z
    c1, c2, c3, c4 = _LOG_POLY_F32
    r = z * (c1 + w * c3) + w * (c2 + w * c4)
    half_square = _F32_HALF * f * f
    return k * _F32_LN_2 + (f - (half_square - s * (half_square + r)))


# Cephes' sinf and cosf polynomials on [-pi/4, pi/4].
_SIN_POLY_F32 = tuple(np.float32(c) for c in (-1.6666654611e-1, 8.3321608736e-3,
                                              -1.9515295891e-4))
_COS_POLY_F32 = tuple(np.float32(c) for c in (4.166664568298827e-2,
                                              -1.388731625493765e-3,
                                              2.443315711809948e-5))
_F32_HALF_PI = np.float32(0.5 * np.pi)
_F32_FOUR = np.float32(4.0)
_F32_QUARTER = np.float32(0.25)
_F32_THREE = np.float32(3.0)


@inline_kernel
def cos_sin_turns_float32(turns):
    """``cos_sin_turns`` in float32 arithmetic, for float32 ``turns`` in [0, 1]."""
    quarters = _F32_FOUR * turns
    q = np.floor(quarters + _F32_HALF)
    x = (quarters - q) * _F32_HALF_PI
    z = x * x
    s1, s2, s3 = _SIN_POLY_F32
    sine = x + x * z * (s1 + z * (s2 + z * s3))
    c1, c2, c3 = _COS_POLY_F32
    cosine = _F32_ONE - _F32_HALF * z + z * z * (c1 + z * (c2 + z * c3))
    quadrant = q - _F32_FOUR * np.floor(_F32_QUARTER * q)
    odd = quadrant == _F32_ONE or quadrant == _F32_THREE
    first = sine if odd else cosine
    second = cosine if odd else sine
    cosine_sign = -_F32_ONE if quadrant == _F32_ONE or quadrant == _F32_TWO else _F32_ONE
    sine_sign = -_F32_ONE if quadrant >= _F32_TWO else _F32_ONE
    return cosine_sign * first, sine_sign * second
