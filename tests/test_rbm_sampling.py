"""The kernels that draw a layer of RBM units (skgen.rbm._sampling) and the
Bernoulli draws of skgen.utils._random, against tests/naive.py on the same
streams."""

import naive
import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from skgen.rbm._sampling import sample_normal_rows, sample_rows, sigmoid_rows
from skgen.utils._random import row_streams, sample_probabilities

from kernel_checks import DTYPES, check_unambiguous  # isort: skip


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(1, 1), (4, 7), (9, 3)])
def test_sigmoid_rows(dtype, shape):
    rng = np.random.default_rng(2)
    pre = (4 * rng.standard_normal(shape)).astype(dtype)
    pre[0, 0] = -200  # exp overflows: the sigmoid is 0, not NaN
    bias = rng.standard_normal(shape[1]).astype(dtype)
    expected = naive.sigmoid(pre + bias)
    sigmoid_rows(pre, bias)
    assert pre.dtype == dtype
    assert np.isfinite(pre).all()
    # float32 uses a polynomial exp (skgen.utils._numba.exp_float32): within
    # 2e-7 of numpy's, and saturating at about 4e-39 instead of reaching 0.
    rtol = 4 * np.finfo(dtype).eps if dtype == np.float32 else 2 * np.finfo(dtype).eps
    assert_allclose(pre, expected, rtol=rtol, atol=1e-37)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(1, 1), (4, 7), (9, 3)])
@pytest.mark.parametrize("seed", [0, 1])
def test_sample_rows(dtype, shape, seed):
    rng = np.random.default_rng(seed)
    pre = (2 * rng.standard_normal(shape)).astype(dtype)
    bias = rng.standard_normal(shape[1]).astype(dtype)
    states = row_streams(np.random.RandomState(seed), shape[0])
    reference = naive.Streams(states)
    expected = naive.sample_rows(pre, bias, reference)
    check_unambiguous(reference, dtype)
    sample_rows(pre, bias, states)
    assert_array_equal(pre, expected)
    assert_array_equal(states, reference.as_array())


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(1, 1), (4, 7), (9, 3)])
@pytest.mark.parametrize("seed", [0, 1])
def test_sample_probabilities(dtype, shape, seed):
    rng = np.random.default_rng(seed)
    probabilities = rng.random(shape).astype(dtype)
    probabilities[0, 0] = 0.0  # never 1
    if shape[1] > 1:
        probabilities[0, 1] = 1.0  # always 1
    states = row_streams(np.random.RandomState(seed), shape[0])
    reference = naive.Streams(states)
    expected = naive.sample_probabilities(probabilities, reference)
    out = np.full(shape, -1, dtype=dtype)
    sample_probabilities(probabilities, out, states)
    assert_array_equal(out, expected)
    assert out[0, 0] == 0 and (shape[1] == 1 or out[0, 1] == 1)
    assert_array_equal(states, reference.as_array())


def test_sample_probabilities_uses_only_the_streams_of_its_rows():
    # CD samples the last, smaller mini-batch with the first streams only.
    states = row_streams(np.random.RandomState(0), 5)
    original = states.copy()
    out = np.empty((3, 4))
    sample_probabilities(np.full((3, 4), 0.5), out, states)
    assert (states[:3] != original[:3]).all()
    assert_array_equal(states[3:], original[3:])


def test_sample_normal_rows_moments():
    # Independent of the reference: 200,000 draws have the moments of N(0, 1).
    out = np.zeros((400, 501))
    sample_normal_rows(out, np.zeros(501), row_streams(np.random.RandomState(0), 400))
    values = out.ravel()
    assert abs(values.mean()) < 0.01
    assert abs(values.var() - 1) < 0.01
    assert abs(np.mean(values**4) - 3) < 0.05
    # Consecutive draws (a Box-Muller pair) are uncorrelated.
    assert abs(np.corrcoef(out[:, 0], out[:, 1])[0, 1]) < 0.15
