"""The Boltzmann machine's kernels (skgen.boltzmann._kernels) against brute force
and the exact gradient (tests/naive_boltzmann.py)."""

import naive_boltzmann
import numpy as np
import pytest
from numpy.testing import assert_allclose

from skgen.boltzmann import _kernels
from skgen.rbm._partition import estimate_log_partition
from skgen.utils._random import row_streams


def _machine(rng, n_units, scale=1.0, mask=None):
    weights = np.triu(scale * rng.standard_normal((n_units, n_units)), 1)
    weights = weights + weights.T
    if mask is not None:
        weights = weights * mask
    bias = 0.5 * scale * rng.standard_normal(n_units)
    return np.ascontiguousarray(weights), bias


@pytest.mark.parametrize("n_units", [1, 5, 11])
def test_log_partition_exact(n_units):
    weights, bias = _machine(np.random.default_rng(n_units), n_units)
    assert_allclose(_kernels.log_partition_exact(weights, bias),
                    naive_boltzmann.log_partition(weights, bias), rtol=1e-12)


@pytest.mark.parametrize("n_visible, n_hidden", [(3, 0), (4, 3), (2, 7)])
def test_hidden_sums_exact(n_visible, n_hidden):
    rng = np.random.default_rng(1)
    weights, bias = _machine(rng, n_visible + n_hidden)
    visible = naive_boltzmann.all_states(n_visible)
    out = np.empty(visible.shape[0])
    _kernels.hidden_sums_exact(weights, bias, visible, out)
    expected = naive_boltzmann.log_likelihood(weights, bias, visible) + (
        naive_boltzmann.log_partition(weights, bias))
    assert_allclose(out, expected, rtol=1e-12)


def test_ais_log_partition_close_to_exact():
    weights, bias = _machine(np.random.default_rng(2), 12, scale=0.7)
    n_units = weights.shape[0]
    base_bias = np.zeros(n_units)
    free = np.ones((1, n_units), dtype=bool)

    def run_ais(betas, streams, trace):
        states = np.zeros((streams.shape[0], n_units))
        return (_kernels.ais_log_weights(weights, bias, base_bias, states, free, betas,
                                         streams, trace),
                n_units * np.log(2.0))

    value, std = estimate_log_partition(run_ais, 200, 1000, np.random.RandomState(0))
    exact = naive_boltzmann.log_partition(weights, bias)
    assert abs(value - exact) < max(0.05, 4 * std)


def test_clamped_ais_estimates_the_hidden_sum():
    rng = np.random.default_rng(3)
    weights, bias = _machine(rng, 9, scale=0.7)
    v = np.array([1.0, 0.0, 1.0])
    n_runs = 300
    states = np.zeros((n_runs, 9))
    states[:, :3] = v
    free = np.zeros((1, 9), dtype=bool)
    free[0, 3:] = True
    # Base model: exp(0 . s), uniform hidden units, so Z0 = 2**6.
    betas = np.linspace(0.0, 1.0, 500)
    log_weights = _kernels.ais_log_weights(
        weights, bias, np.zeros(9), states, free, betas,
        row_streams(np.random.RandomState(1), n_runs), np.empty((500, 0)))
    estimate = 6 * np.log(2) + np.logaddexp.reduce(log_weights) - np.log(
        n_runs)
    out = np.empty(1)
    _kernels.hidden_sums_exact(weights, bias, v[None], out)
    assert abs(estimate - out[0]) < 0.05
    assert (states[:, :3] == v).all()


def test_mean_field_reaches_a_fixed_point():
    rng = np.random.default_rng(4)
    weights, bias = _machine(rng, 8, scale=0.3)
    means = np.full((3, 8), 0.5)
    means[:, :2] = [[1.0, 0.0], [0.0, 0.0], [1.0, 1.0]]
    free = np.ones((1, 8), dtype=bool)
    free[0, :2] = False
    sweeps = _kernels.mean_field(weights, bias, means, free, 500, 1e-12)
    assert sweeps < 500
    expected = 1.0 / (1.0 + np.exp(-(means @ weights + bias)))
    assert_allclose(means[:, 2:], expected[:, 2:], atol=1e-10)
    assert_allclose(means[:, :2], [[1.0, 0.0], [0.0, 0.0], [1.0, 1.0]])


def _one_step(weights, bias, mask, X, offsets, persistent=False, n_sweeps=400,
              n_particles=2000, learning_rate=1e-3, seed=0):
    """The step of one mini-batch (the whole of X) divided by the learning rate."""
    n_units = weights.shape[0]
    n_visible = X.shape[1]
    w, b = weights.copy(), bias.copy()
    free_hidden = np.zeros((1, n_units), dtype=bool)
    free_hidden[0, n_visible:] = True
    rng = np.random.RandomState(seed)
    particles = (rng.uniform(size=(n_particles, n_units)) < 0.5).astype(np.float64)
    if persistent:
        # Chains already at equilibrium.
        _kernels.continue_chains(w, b, particles, 200, row_streams(rng, n_particles),
                                 np.zeros((n_units, n_units)), np.zeros(n_units))
    settings = (X.shape[0], learning_rate, 0.0, np.array([2.0, 1.5, 1.0]), n_sweeps,
                persistent, free_hidden, offsets)
    streams = (row_streams(rng, X.shape[0]), row_streams(rng, n_particles))
    _kernels.fit_epoch((w, b, mask), np.ascontiguousarray(X),
                       np.arange(X.shape[0], dtype=np.int64), streams, particles,
                       settings)
    return (w - weights) / learning_rate, (b - bias) / learning_rate


@pytest.mark.parametrize("centered", [False, True])
@pytest.mark.parametrize("persistent", [False, True])
def test_fit_epoch_follows_the_exact_gradient(centered, persistent):
    rng = np.random.default_rng(5)
    n_visible, n_hidden = 3, 2
    n_units = n_visible + n_hidden
    mask = np.ones((n_units, n_units))
    mask[0, 1] = mask[1, 0] = 0.0  # a missing connection stays missing
    np.fill_diagonal(mask, 0.0)
    weights, bias = _machine(rng, n_units, scale=0.8, mask=mask)
    X = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0], [1.0, 1.0, 0.0], [1.0, 0.0, 1.0]] * 5)
    offsets = np.r_[X.mean(axis=0), np.full(n_hidden, 0.5)] if centered else np.zeros(
        n_units)
    dW, db = _one_step(weights, bias, mask, X, offsets, persistent)
    expected_dW, expected_db = naive_boltzmann.gradient(
        weights, bias, X, mask, offsets if centered else None)
    assert_allclose(dW, expected_dW, atol=0.02)
    assert_allclose(db, expected_db, atol=0.02)
    assert (dW[mask == 0] == 0).all()


def test_samples_match_the_exact_distribution():
    rng = np.random.default_rng(6)
    n_units = 5
    weights, bias = _machine(rng, n_units, scale=1.0)
    n_chains = 20000
    states = np.zeros((n_chains, n_units))
    totals, sums = np.zeros((n_units, n_units)), np.zeros(n_units)
    _kernels.equilibrium_statistics(weights, bias, states, np.ones((1, n_units), bool),
                                    np.array([3.0, 2.0, 1.0]), 10,
                                    row_streams(np.random.RandomState(0), n_chains),
                                    totals, sums)
    codes = states @ (2 ** np.arange(n_units)[::-1])
    observed = np.bincount(codes.astype(int), minlength=2**n_units) / n_chains
    expected = naive_boltzmann.distribution(weights, bias)
    assert 0.5 * np.abs(observed - expected).sum() < 0.02
    # The statistics are those of the last 10 sweeps' states.
    assert_allclose(sums / (10 * n_chains), expected @ naive_boltzmann.all_states(5),
                    atol=0.02)
