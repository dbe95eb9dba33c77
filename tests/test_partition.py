"""The log partition kernels (skgen.rbm._partition): exact log Z against brute-force
enumeration and quadrature, AIS against the NumPy references of tests/naive.py on
the same streams, and against exact log Z."""

import naive
import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from skgen.rbm import _partition
from skgen.rbm._units import (
    BernoulliUnits,
    GaussianBase,
    GaussianUnits,
    JoinedUnits,
    SoftmaxUnits,
)
from skgen.utils._random import row_streams

from kernel_checks import DTYPES, check_unambiguous, random_model  # isort: skip


def binary(bias):
    return BernoulliUnits(bias, np.zeros_like(bias))


def with_labels(bias, n_labels):
    """Binary units, then a softmax group of the last ``n_labels``."""
    if not n_labels:
        return binary(bias)
    n_free = bias.shape[0] - n_labels
    return JoinedUnits(binary(bias[:n_free]),
                       SoftmaxUnits(bias[n_free:], np.zeros(n_labels)))


def gaussian(bias, sigma):
    """Gaussian units of standard deviations sigma, ``scaled_bias`` set."""
    zeros = np.zeros_like(bias)
    return GaussianUnits(bias, zeros, 2 * np.log(sigma), zeros, zeros - np.inf, 0.0,
                         1 / sigma, bias / sigma, np.empty((0, bias.shape[0])))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n_hidden, n_visible", [(1, 1), (2, 5), (5, 3), (4, 4),
                                                 (13, 2)])
@pytest.mark.parametrize("scale", [0.5, 8.0])
def test_log_partition_exact(dtype, n_hidden, n_visible, scale):
    # (13, 2): enumerating 13 units takes two blocks of 4096 configurations.
    rng = np.random.default_rng(11)
    W, c, b = (p.astype(np.float64)  # the estimator casts to float64
               for p in random_model(rng, n_hidden, n_visible, dtype, scale))
    expected = naive.log_partition_bruteforce(W, c, b)
    by_hidden = _partition.log_partition_exact(W, c, binary(b))
    by_visible = _partition.log_partition_exact(np.ascontiguousarray(W.T), b, binary(c))
    assert_allclose(by_hidden, expected, rtol=1e-12)
    assert_allclose(by_visible, expected, rtol=1e-12)


def test_log_partition_exact_of_zero_model():
    # Every joint state has energy 0: Z = 2 ** (n_visible + n_hidden).
    W = np.zeros((3, 4))
    assert_allclose(_partition.log_partition_exact(W, np.zeros(3), binary(np.zeros(4))),
                    7 * np.log(2.0), rtol=1e-15)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n_chains, n_hidden, n_visible", [(1, 1, 1), (6, 3, 4),
                                                           (3, 5, 2)])
@pytest.mark.parametrize("n_betas", [2, 3, 20])
@pytest.mark.parametrize("n_labels", [0, 3])
def test_ais_log_weights(dtype, n_chains, n_hidden, n_visible, n_betas, n_labels):
    """With ``n_labels``, the last units (beyond ``n_visible``) are a softmax group
    whose base bias is 0."""
    rng = np.random.default_rng(12)
    W, c, b = (p.astype(np.float64)
               for p in random_model(rng, n_hidden, n_visible + n_labels, dtype))
    base = np.concatenate([rng.standard_normal(n_visible), np.zeros(n_labels)])
    betas = _partition.default_betas(n_betas)
    states = row_streams(np.random.RandomState(13), n_chains)

    reference = naive.Streams(states)
    expected = naive.ais_log_weights(W, c, b, base, betas, reference, n_labels)
    check_unambiguous(reference, np.float64)

    result = _partition.ais_log_weights(W, c, with_labels(b, n_labels),
                                        with_labels(base, n_labels), betas, states)
    assert_allclose(result, expected, rtol=1e-10, atol=1e-10)
    assert_array_equal(states, reference.as_array())


def test_ais_estimate_is_close_to_exact_log_partition():
    # Statistical sanity (fixed seed): log Z_0 + log mean(w) ~ exact log Z.
    rng = np.random.default_rng(14)
    W, c, b = random_model(rng, 3, 4, np.float64)
    base = np.zeros(4)
    log_weights = _partition.ais_log_weights(
        W, c, binary(b), binary(base), _partition.default_betas(200),
        row_streams(np.random.RandomState(15), 200))
    base_log_partition = 3 * np.log(2.0) + np.logaddexp(0.0, base).sum()
    top = log_weights.max()
    estimate = base_log_partition + top + np.log(np.mean(np.exp(log_weights - top)))
    assert abs(estimate - naive.log_partition_bruteforce(W, c, b)) < 0.05


@pytest.mark.parametrize("n_hidden, n_visible", [(1, 1), (3, 2), (4, 3), (13, 1)])
@pytest.mark.parametrize("scale", [0.5, 2.0])
def test_log_partition_exact_gaussian(n_hidden, n_visible, scale):
    # The kernel integrates v in closed form; the reference by quadrature.
    rng = np.random.default_rng(20)
    W, c, b = random_model(rng, n_hidden, n_visible, np.float64, scale)
    sigma = np.exp(0.5 * rng.standard_normal(n_visible))
    if n_hidden > 4:
        W = W[:, :1]  # keep the quadrature cheap: 2**13 one-dimensional integrals
    expected = naive.gaussian_log_partition_quadrature(W, c, b, sigma)
    result = _partition.log_partition_exact(W, c, gaussian(b, sigma)) + np.sum(
        np.log(np.sqrt(2 * np.pi) * sigma))
    assert_allclose(result, expected, rtol=1e-9)


@pytest.mark.parametrize("n_chains, n_hidden, n_visible", [(1, 1, 1), (5, 3, 4),
                                                           (3, 4, 3)])
@pytest.mark.parametrize("n_betas", [2, 3, 20])
def test_gaussian_ais_log_weights(n_chains, n_hidden, n_visible, n_betas):
    rng = np.random.default_rng(21)
    W, c, b = random_model(rng, n_hidden, n_visible, np.float64)
    log_variance = 0.5 * rng.standard_normal(n_visible)
    base_mean = rng.standard_normal(n_visible)
    base_log_variance = 0.5 * rng.standard_normal(n_visible)
    betas = _partition.default_betas(n_betas)
    states = row_streams(np.random.RandomState(22), n_chains)

    reference = naive.Streams(states)
    expected = naive.gaussian_ais_log_weights(
        W, c, b, np.exp(0.5 * log_variance), base_mean,
        np.exp(0.5 * base_log_variance), betas, reference)
    check_unambiguous(reference, np.float64)

    result = _partition.ais_log_weights(
        W, c, gaussian(b, np.exp(0.5 * log_variance)),
        GaussianBase(base_mean, np.exp(-base_log_variance), np.exp(0.5 * base_log_variance)),
        betas, states)
    assert_allclose(result, expected, rtol=1e-10, atol=1e-10)
    assert_array_equal(states, reference.as_array())
