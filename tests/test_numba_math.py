"""The scalar functions kernels share: the float32 and float64 exp, the sigmoid,
and the polynomial log, cosine and sine behind the Gaussian draws."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from skgen.utils._numba import (
    cos_sin_turns,
    cos_sin_turns_float32,
    exp_float32,
    exp_float64,
    kernel,
    log_float32,
    log_float64,
    sigmoid,
)


@kernel
def _apply_exp(x, out):
    for i in range(x.shape[0]):
        out[i] = exp_float32(x[i])


@kernel
def _apply_exp_float64(x, out):
    for i in range(x.shape[0]):
        out[i] = exp_float64(x[i])


@kernel
def _apply_sigmoid(x, out):
    for i in range(x.shape[0]):
        out[i] = sigmoid(x[i])


def test_exp_float32_is_accurate_in_range():
    x = np.linspace(-87, 88, 1_000_001).astype(np.float32)
    out = np.empty_like(x)
    _apply_exp(x, out)
    expected = np.exp(x.astype(np.float64))
    assert np.max(np.abs(out - expected) / expected) < 2e-7


def test_exp_float32_keeps_nan_and_saturates():
    x = np.array([np.nan, np.inf, -np.inf, 1000, -1000], dtype=np.float32)
    out = np.empty_like(x)
    _apply_exp(x, out)
    assert np.isnan(out[0])
    assert out[1] > 1e38 and out[3] > 1e38
    assert 0 <= out[2] < 2e-38 and 0 <= out[4] < 2e-38


def test_exp_float64_is_within_an_ulp_in_range():
    x = np.concatenate([np.linspace(-708, 709, 1_000_001), [0.0, 1e-300, -1e-300]])
    out = np.empty_like(x)
    _apply_exp_float64(x, out)
    # Against exp in extended precision where there is one (x86): NumPy's own
    # float64 exp is itself an ulp off in places in some versions (1.24).
    expected = np.exp(x.astype(np.longdouble))
    assert np.max(np.abs(out - expected) / expected) < 2.5e-16


def test_exp_float64_keeps_nan_and_saturates():
    x = np.array([np.nan, np.inf, -np.inf, 1000, -1000])
    out = np.empty_like(x)
    _apply_exp_float64(x, out)
    assert np.isnan(out[0])
    assert out[1] > 8e307 and out[3] > 8e307
    assert 0 < out[2] < 4e-308 and 0 < out[4] < 4e-308


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sigmoid_matches_the_logistic_function(dtype):
    x = np.concatenate([np.linspace(-120, 120, 100_001), [np.nan]]).astype(dtype)
    out = np.empty_like(x)
    _apply_sigmoid(x, out)
    assert out.dtype == dtype
    expected = 1 / (1 + np.exp(-x[:-1].astype(np.float64)))
    assert_allclose(out[:-1], expected, rtol=4 * np.finfo(dtype).eps, atol=1e-37)
    assert np.isnan(out[-1])


def _elementwise(function):
    """A kernel applying ``function`` to each entry of x: ``apply(x, *outs)``, one
    output array per value the function returns."""

    def apply_one(x, out):
        for i in range(x.shape[0]):
            out[i] = function(x[i])

    def apply_two(x, first, second):
        for i in range(x.shape[0]):
            first[i], second[i] = function(x[i])

    return kernel(apply_one), kernel(apply_two)


_apply_log, _ = _elementwise(log_float64)
_apply_log_float32, _ = _elementwise(log_float32)
_, _apply_cos_sin = _elementwise(cos_sin_turns)
_, _apply_cos_sin_float32 = _elementwise(cos_sin_turns_float32)


def test_log_float64_matches_numpy():
    rng = np.random.default_rng(0)
    # Box-Muller takes the log of 1 - u, u in [0, 1) with 52 bits: (0, 1].
    x = np.concatenate([rng.random(200_000), 2.0 ** -np.arange(53),
                        [np.sqrt(2), np.sqrt(0.5), np.nextafter(1.0, 0), 3.5, 1e300]])
    x = x[x > 0]
    out = np.empty_like(x)
    _apply_log(x, out)
    assert_allclose(out, np.log(x), rtol=1e-15, atol=4e-15)
    assert out[np.flatnonzero(x == 1.0)[0]] == 0.0


def test_log_float32_matches_numpy():
    rng = np.random.default_rng(2)
    # float32 Box-Muller takes the log of 1 - u rounded to float32: (0, 1].
    x = np.concatenate([rng.random(200_000), 2.0 ** -np.arange(100),
                        [np.sqrt(2), np.sqrt(0.5), 3.5, 1e30]]).astype(np.float32)
    x = np.append(x, np.nextafter(np.float32(1), np.float32(0)))
    out = np.empty_like(x)
    _apply_log_float32(x, out)
    assert out.dtype == np.float32
    expected = np.log(x.astype(np.float64))
    # Within 2 ulp of the correctly rounded result, and exact at 1.
    ulp = np.spacing(np.abs(expected).astype(np.float32))
    assert np.all(np.abs(out - expected) <= 2 * ulp)
    assert out[np.flatnonzero(x == 1.0)[0]] == 0.0


@pytest.mark.parametrize(("dtype", "apply", "tolerance"), [
    (np.float64, _apply_cos_sin, 2e-15),
    (np.float32, _apply_cos_sin_float32, 4e-7),
])
def test_cos_sin_turns_match_numpy(dtype, apply, tolerance):
    rng = np.random.default_rng(1)
    turns = np.concatenate([rng.random(200_000), np.arange(17) / 16,
                            [np.nextafter(1.0, 0), 1e-300]]).astype(dtype)
    cosine, sine = np.empty_like(turns), np.empty_like(turns)
    apply(turns, cosine, sine)
    assert cosine.dtype == dtype
    angle = 2 * np.pi * turns.astype(np.float64)
    assert_allclose(cosine, np.cos(angle), rtol=0, atol=tolerance)
    assert_allclose(sine, np.sin(angle), rtol=0, atol=tolerance)
