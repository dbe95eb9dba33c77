"""The visible-unit types of the RBM kernels (skgen.rbm._units): each operation
against NumPy, through the dispatch that the kernels use."""

import naive
import numpy as np
import pytest
from numba import njit
from numpy.testing import assert_allclose, assert_array_equal

from skgen.rbm._sampling import sample_rows, sample_softmax_rows
from skgen.rbm._units import (
    BernoulliUnits,
    GaussianUnits,
    JoinedUnits,
    SoftmaxUnits,
    prepare,
    sample,
    scale_data,
    update,
)
from skgen.utils._random import row_streams

from kernel_checks import DTYPES, TOLERANCES  # isort: skip


@njit(cache=True)
def _prepare_and_sample(units, rows, streams):
    prepare(units)
    sample(units, rows, streams)


@njit(cache=True)
def _prepare_and_scale(units, rows):
    prepare(units)
    scale_data(units, rows)


@njit(cache=True)
def _update(units, visible, hidden, n_positive, positive_scale, negative_scale, weights,
            learning_rate, momentum, sums, scratch):
    prepare(units)
    update(units, visible, hidden, n_positive, positive_scale, negative_scale, weights,
           learning_rate, momentum, sums, scratch)


def _gaussian(rng, n_visible, dtype, variance_learning_rate=0.0, n_rows=0):
    return GaussianUnits(
        rng.standard_normal(n_visible).astype(dtype),
        (0.1 * rng.standard_normal(n_visible)).astype(dtype),
        (0.5 * rng.standard_normal(n_visible)).astype(dtype),
        (0.1 * rng.standard_normal(n_visible)).astype(dtype),
        np.full(n_visible, -1.0, dtype=dtype),
        dtype(variance_learning_rate),
        np.empty(n_visible, dtype=dtype),
        np.empty(n_visible, dtype=dtype),
        np.empty((n_rows, n_visible), dtype=dtype),
    )


@pytest.mark.parametrize("dtype", DTYPES)
def test_joined_units_draw_their_parts_in_order(dtype):
    """Binary units, then a softmax group: the parts' kernels on their columns,
    one after the other on the same streams."""
    rng = np.random.default_rng(0)
    pre = rng.standard_normal((6, 7)).astype(dtype)
    bias = rng.standard_normal(7).astype(dtype)
    units = JoinedUnits(BernoulliUnits(bias[:4], np.zeros(4, dtype=dtype)),
                        SoftmaxUnits(bias[4:], np.zeros(3, dtype=dtype)))
    rows, streams = pre.copy(), row_streams(np.random.RandomState(1), 6)
    _prepare_and_sample(units, rows, streams)

    expected, expected_streams = pre.copy(), row_streams(np.random.RandomState(1), 6)
    free, labels = expected[:, :4].copy(), expected[:, 4:].copy()
    sample_rows(free, bias[:4], expected_streams)
    sample_softmax_rows(labels, bias[4:], expected_streams)
    assert_array_equal(rows, np.hstack([free, labels]))
    assert_array_equal(streams, expected_streams)
    assert_array_equal(rows[:, 4:].sum(axis=1), 1)


@pytest.mark.parametrize("dtype", DTYPES)
def test_gaussian_units_scale_and_sample(dtype):
    """x = v / sigma, and x | h ~ Normal(input + bias / sigma, 1), the normals
    of each row's stream."""
    rng = np.random.default_rng(1)
    units = _gaussian(rng, 5, dtype)
    sigma = np.exp(0.5 * units.log_variance.astype(np.float64))
    data = rng.standard_normal((4, 5)).astype(dtype)
    scaled = data.copy()
    _prepare_and_scale(units, scaled)
    assert_allclose(scaled, data / sigma, **TOLERANCES[dtype])
    assert_allclose(units.scaled_bias, units.bias / sigma, **TOLERANCES[dtype])

    pre = rng.standard_normal((4, 5)).astype(dtype)
    rows, states = pre.copy(), row_streams(np.random.RandomState(2), 4)
    _prepare_and_sample(units, rows, states)
    normals = naive.Streams(row_streams(np.random.RandomState(2), 4)).normal(4, 6)[:, :5]
    assert_allclose(rows, pre + units.bias / sigma + normals, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("momentum", [0.0, 0.5])
def test_binary_and_joined_units_step_their_biases(dtype, momentum):
    """bias += velocity = momentum * velocity + rate * (<v>_pos - <v>_neg), and a
    joined type is its parts side by side."""
    rng = np.random.default_rng(3)
    visible = rng.random((7, 5)).astype(dtype)
    n_positive, learning_rate = 3, dtype(0.1)
    bias = rng.standard_normal(5).astype(dtype)
    velocity = (0.1 * rng.standard_normal(5)).astype(dtype)
    step = momentum * velocity + learning_rate * (
        visible[:n_positive].mean(axis=0) - visible[n_positive:].mean(axis=0))
    expected = bias + step
    arguments = (visible, np.empty((7, 2), dtype=dtype), n_positive, dtype(1 / 3),
                 dtype(-1 / 4), np.zeros((2, 5), dtype=dtype), learning_rate,
                 dtype(momentum), np.empty((2, 5), dtype=dtype),
                 np.empty((5, 7), dtype=dtype).T)
    binary = BernoulliUnits(bias.copy(), velocity.copy())
    _update(binary, *arguments)
    assert_allclose(binary.bias, expected, **TOLERANCES[dtype])
    assert_allclose(binary.velocity, step, **TOLERANCES[dtype])

    joined_bias, joined_velocity = bias.copy(), velocity.copy()
    joined = JoinedUnits(BernoulliUnits(joined_bias[:3], joined_velocity[:3]),
                         SoftmaxUnits(joined_bias[3:], joined_velocity[3:]))
    _update(joined, *arguments)
    assert_array_equal(joined_bias, binary.bias)
    assert_array_equal(joined_velocity, binary.velocity)


@pytest.mark.parametrize("learn_variance", [False, True])
def test_gaussian_units_step_against_numpy(learn_variance):
    """The bias along <x>_pos - <x>_neg divided by sigma; the log-variances along
    <(x - b/sigma)**2 / 2 - x (h @ W) / 2>_pos - <...>_neg, floored (Cho, Ilin &
    Raiko 2011). The hidden rows carry the phases' scales 1/n and -1/n."""
    rng = np.random.default_rng(4)
    n_positive, n_negative, n_visible, n_hidden = 3, 4, 5, 2
    units = _gaussian(rng, n_visible, np.float64, 0.05 if learn_variance else 0.0,
                      n_positive + n_negative)
    before = {name: np.copy(getattr(units, name)) for name in units._fields}
    visible = rng.standard_normal((n_positive + n_negative, n_visible))
    hidden_means = rng.random((n_positive + n_negative, n_hidden))
    scales = np.r_[np.full(n_positive, 1 / n_positive), np.full(n_negative, -1 / n_negative)]
    weights = np.asfortranarray(rng.standard_normal((n_hidden, n_visible)))
    learning_rate, momentum = 0.1, 0.5
    _update(units, visible, hidden_means * scales[:, None], n_positive, 1 / n_positive,
            -1 / n_negative, weights, learning_rate, momentum,
            np.empty((2, n_visible)), np.empty((n_visible, 7)).T)

    scale = np.exp(-0.5 * before["log_variance"])
    positive, negative = visible[:n_positive], visible[n_positive:]
    velocity = momentum * before["velocity"] + learning_rate * scale * (
        positive.mean(axis=0) - negative.mean(axis=0))
    assert_allclose(units.velocity, velocity, rtol=1e-12)
    assert_allclose(units.bias, before["bias"] + velocity, rtol=1e-12)
    if not learn_variance:
        assert_array_equal(units.log_variance, before["log_variance"])
        return
    centred = visible - before["bias"] * scale
    statistic = 0.5 * centred**2 - 0.5 * visible * (hidden_means @ weights)
    log_velocity = momentum * before["log_variance_velocity"] + 0.05 * (
        statistic[:n_positive].mean(axis=0) - statistic[n_positive:].mean(axis=0))
    assert_allclose(units.log_variance_velocity, log_velocity, rtol=1e-12)
    assert_allclose(units.log_variance,
                    np.maximum(before["log_variance"] + log_velocity,
                               before["min_log_variance"]), rtol=1e-12)
