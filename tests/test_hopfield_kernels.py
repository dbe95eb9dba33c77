"""The synchronous-update kernel against the NumPy reference of naive_hopfield.py."""

import numpy as np
import pytest
from naive_hopfield import sync_recall
from numpy.testing import assert_array_equal

from skgen.hopfield._kernels import FIXED_POINT, RAN_OUT, TWO_CYCLE, sync_sweeps
from skgen.utils._random import row_streams

_OUTCOMES = {"fixed": FIXED_POINT, "cycle": TWO_CYCLE, None: RAN_OUT}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("max_iter", [1, 3, 50])
def test_sync_sweeps_match_reference(dtype, max_iter):
    rng = np.random.RandomState(0)
    n = 16
    # Random symmetric couplings, on a grid of quarters so that sums are exact in
    # both dtypes and ties (fields of exactly 0) happen.
    weights = rng.randint(-2, 3, size=(n, n)) / 4.0
    weights = np.triu(weights, 1) + np.triu(weights, 1).T
    bias = rng.randint(-1, 2, size=n) / 4.0
    states = rng.choice([-1.0, 1.0], size=(40, n))
    expected = [sync_recall(weights, bias, row, max_iter) for row in states]

    got = states.astype(dtype)
    n_sweeps = np.zeros(40, dtype=np.int64)
    outcomes = np.zeros(40, dtype=np.int64)
    sync_sweeps(weights.astype(dtype), bias.astype(dtype), got, 0.0, max_iter,
                row_streams(rng, 40), n_sweeps, outcomes)
    assert got.dtype == dtype
    assert_array_equal(got, np.array([state for state, _, _ in expected]))
    assert_array_equal(n_sweeps, [sweeps for _, sweeps, _ in expected])
    assert_array_equal(outcomes, [_OUTCOMES[outcome] for _, _, outcome in expected])
    if max_iter == 50:
        assert set(outcomes) == {FIXED_POINT, TWO_CYCLE}  # the grid exercises both


def test_sync_sweeps_at_temperature_follow_the_sigmoid():
    """With no couplings and bias b, each unit is +1 with probability
    sigmoid(2 b / T), and a run takes exactly max_iter sweeps."""
    n_rows, n = 2000, 3
    bias = np.array([0.0, 0.5, -1.0])
    states = np.ones((n_rows, n))
    n_sweeps = np.zeros(n_rows, dtype=np.int64)
    outcomes = np.zeros(n_rows, dtype=np.int64)
    streams = row_streams(np.random.RandomState(0), n_rows)
    sync_sweeps(np.zeros((n, n)), bias, states, 2.0, 4, streams, n_sweeps, outcomes)
    assert_array_equal(n_sweeps, 4)
    assert_array_equal(outcomes, RAN_OUT)
    expected = 1.0 / (1.0 + np.exp(-2.0 * bias / 2.0))
    np.testing.assert_allclose((states == 1).mean(axis=0), expected, atol=0.04)
