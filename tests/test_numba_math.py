"""The scalar functions kernels share: the float32 exp and the sigmoid."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from skgen.utils._numba import exp_float32, kernel, sigmoid


@kernel
def _apply_exp(x, out):
    for i in range(x.shape[0]):
        out[i] = exp_float32(x[i])


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


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sigmoid_matches_the_logistic_function(dtype):
    x = np.concatenate([np.linspace(-120, 120, 100_001), [np.nan]]).astype(dtype)
    out = np.empty_like(x)
    _apply_sigmoid(x, out)
    assert out.dtype == dtype
    expected = 1 / (1 + np.exp(-x[:-1].astype(np.float64)))
    assert_allclose(out[:-1], expected, rtol=4 * np.finfo(dtype).eps, atol=1e-37)
    assert np.isnan(out[-1])
