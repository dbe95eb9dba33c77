"""The log partition kernels (skgen.rbm._partition): exact log Z against brute-force
enumeration and quadrature, AIS against the NumPy references of tests/naive.py on
the same streams, and against exact log Z; the schedule a pilot run places; and
the estimators' AIS at its defaults against exact log Z, with its standard
error."""

import naive
import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.preprocessing import StandardScaler

from skgen import BernoulliRBM, GaussianBernoulliRBM
from skgen.dbn._labelled import LabelledRBM
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


def no_trace(n_betas):
    """A trace of no run, for ``ais_log_weights``."""
    return np.empty((n_betas, 0))


#: AIS tolerances: the products are computed in the weights' dtype, the log
#: weights summed in float64.
AIS_TOLERANCES = {np.float32: {"rtol": 1e-5, "atol": 1e-5},
                  np.float64: {"rtol": 1e-10, "atol": 1e-10}}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n_chains, n_hidden, n_visible", [(1, 1, 1), (6, 3, 4),
                                                           (3, 5, 2), (4, 19, 21)])
@pytest.mark.parametrize("n_betas", [2, 3, 20])
@pytest.mark.parametrize("n_labels", [0, 3])
def test_ais_log_weights(dtype, n_chains, n_hidden, n_visible, n_betas, n_labels):
    """With ``n_labels``, the last units (beyond ``n_visible``) are a softmax group
    whose base bias is 0. (4, 19, 21): more units than the eight partial sums."""
    rng = np.random.default_rng(12)
    W, c, b = random_model(rng, n_hidden, n_visible + n_labels, dtype)
    c, b = c.astype(np.float64), b.astype(np.float64)
    base = np.concatenate([rng.standard_normal(n_visible), np.zeros(n_labels)])
    hidden_base = rng.standard_normal(n_hidden)
    betas = _partition.default_betas(n_betas)
    states = row_streams(np.random.RandomState(13), n_chains)

    reference = naive.Streams(states)
    expected = naive.ais_log_weights(W, c, b, base, betas, reference, n_labels,
                                     hidden_base)
    check_unambiguous(reference, dtype)

    result = _partition.ais_log_weights(W, np.stack([c, hidden_base]),
                                        with_labels(b, n_labels),
                                        with_labels(base, n_labels), betas, states,
                                        no_trace(n_betas))
    assert_allclose(result, expected, **AIS_TOLERANCES[dtype])
    assert_array_equal(states, reference.as_array())


@pytest.mark.parametrize("n_labels", [0, 3])
def test_ais_trace_holds_the_log_weights_of_shorter_schedules(n_labels):
    """Row k of the trace is what a run stopped at ``betas[k]`` returns (its log
    weights do not depend on the transitions after it), for the traced runs."""
    rng = np.random.default_rng(16)
    W, c, b = random_model(rng, 9, 11 + n_labels, np.float64)
    base = np.concatenate([rng.standard_normal(11), np.zeros(n_labels)])
    units, base_units = with_labels(b, n_labels), with_labels(base, n_labels)
    betas = _partition.default_betas(12)
    streams = row_streams(np.random.RandomState(17), 5)
    trace = np.full((12, 3), np.nan)
    hidden_biases = np.stack([c, np.zeros_like(c)])
    full = _partition.ais_log_weights(W, hidden_biases, units, base_units, betas,
                                      streams.copy(), trace)
    assert_array_equal(trace[0], 0.0)
    assert_array_equal(trace[-1], full[:3])
    for k in (1, 2, 7):
        shorter = _partition.ais_log_weights(W, hidden_biases, units, base_units,
                                             betas[:k + 1], streams.copy(),
                                             no_trace(k + 1))
        assert_array_equal(trace[k], shorter[:3])


def test_ais_estimate_is_close_to_exact_log_partition():
    # Statistical sanity (fixed seed): log Z_0 + log mean(w) ~ exact log Z.
    rng = np.random.default_rng(14)
    W, c, b = random_model(rng, 3, 4, np.float64)
    base = np.zeros(4)
    log_weights = _partition.ais_log_weights(
        W, np.stack([c, np.zeros_like(c)]), binary(b), binary(base),
        _partition.default_betas(200),
        row_streams(np.random.RandomState(15), 200), no_trace(200))
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


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n_chains, n_hidden, n_visible", [(1, 1, 1), (5, 3, 4),
                                                           (3, 4, 3), (2, 17, 9)])
@pytest.mark.parametrize("n_betas", [2, 3, 20])
def test_gaussian_ais_log_weights(dtype, n_chains, n_hidden, n_visible, n_betas):
    rng = np.random.default_rng(21)
    W, c, b = random_model(rng, n_hidden, n_visible, dtype)
    c, b = c.astype(np.float64), b.astype(np.float64)
    log_variance = 0.5 * rng.standard_normal(n_visible)
    base_mean = rng.standard_normal(n_visible)
    base_log_variance = 0.5 * rng.standard_normal(n_visible)
    hidden_base = rng.standard_normal(n_hidden)
    betas = _partition.default_betas(n_betas)
    states = row_streams(np.random.RandomState(22), n_chains)

    reference = naive.Streams(states)
    expected = naive.gaussian_ais_log_weights(
        W, c, b, np.exp(0.5 * log_variance), base_mean,
        np.exp(0.5 * base_log_variance), betas, reference, hidden_base)
    check_unambiguous(reference, dtype)

    result = _partition.ais_log_weights(
        W, np.stack([c, hidden_base]), gaussian(b, np.exp(0.5 * log_variance)),
        GaussianBase(base_mean, np.exp(-base_log_variance), np.exp(0.5 * base_log_variance)),
        betas, states, no_trace(n_betas))
    assert_allclose(result, expected, **AIS_TOLERANCES[dtype])
    assert_array_equal(states, reference.as_array())


# -- the schedule ----------------------------------------------------------------------


def test_adapted_betas_crowd_where_the_pilot_spreads():
    # Log weights that spread only while beta crosses [0.6, 0.8]: there go the
    # adapted share (90%) and the even share's part of that stretch (10% * 0.2).
    pilot_betas = _partition.default_betas(101)
    spread = np.clip((pilot_betas - 0.6) / 0.2, 0.0, 1.0)
    trace = spread[:, None] * np.random.default_rng(0).standard_normal((1, 400))
    betas = _partition.adapted_betas(pilot_betas, trace, 2001)
    assert betas[0] == 0.0 and betas[-1] == 1.0 and np.all(np.diff(betas) > 0)
    inside = np.mean((betas > 0.6) & (betas < 0.8))
    assert inside == pytest.approx(0.92, abs=0.01)


def test_adapted_betas_are_even_when_the_pilot_does_not_spread():
    pilot_betas = _partition.default_betas(30)
    betas = _partition.adapted_betas(pilot_betas, np.zeros((30, 10)), 77)
    assert_allclose(betas, _partition.default_betas(77), atol=1e-12)


# -- the estimators at their defaults ------------------------------------------------


@pytest.fixture(scope="module")
def binary_digits():
    """sklearn's digits of classes 0, 1 and 2, binarised, and their labels."""
    from sklearn.datasets import load_digits

    X, y = load_digits(n_class=3, return_X_y=True)
    return (X / 16 > 0.5).astype(np.float64), y


def _fitted_models(binary_digits):
    """Three models of 20 hidden units with AIS at its defaults: binary units on
    binarised digits, Gaussian units on standardised ones, and binary units
    beside a softmax group of the three labels (a DBN's top RBM)."""
    X, y = binary_digits
    fit = {"n_components": 20, "n_iter": 30, "batch_size": 10, "random_state": 0}
    bernoulli = BernoulliRBM(learning_rate=0.05, **fit).fit(X)
    # Uncentered: centered training ends nearer the base model of AIS (log Z
    # about 3 nats from the base model's, against 6), a weaker check.
    gaussian = GaussianBernoulliRBM(learning_rate=0.02, centering=False, **fit).fit(
        StandardScaler().fit_transform(X + 0.1 * np.random.RandomState(0).rand(*X.shape)))
    labelled = LabelledRBM(n_labels=3, learning_rate=0.05, **fit).fit(
        np.hstack([X, np.eye(3)[y]]))
    return {"bernoulli": bernoulli, "gaussian": gaussian, "labelled": labelled}


@pytest.fixture(scope="module")
def models(binary_digits):
    return _fitted_models(binary_digits)


@pytest.mark.parametrize("name", ["bernoulli", "gaussian", "labelled"])
def test_default_ais_agrees_with_exact_log_partition(models, name):
    model = models[name]
    exact = model.log_partition("exact")
    estimate, std = model.log_partition("ais", return_std=True)
    assert abs(estimate - exact) < 0.5
    assert 0 < std < 0.5
    # Not a trivial model: log Z is far from that of the base model of AIS.
    _, base_log_partition = model._log_partition_ais(
        np.array([0.0]), np.zeros(1, dtype=np.uint64), np.empty((1, 0)))
    assert abs(exact - base_log_partition) > 4


def test_standard_error_is_zero_when_exact_and_shrinks_with_more_runs(models):
    model = models["bernoulli"]
    assert model.log_partition("exact", return_std=True)[1] == 0.0
    short = {"n_betas": 100, "random_state": 0, "return_std": True}
    few = model.log_partition("ais", n_chains=100, **short)[1]
    many = model.log_partition("ais", n_chains=1600, **short)[1]
    assert 0.15 < many / few < 0.4  # 1 / sqrt(16) = 0.25


def test_standard_error_matches_the_spread_of_estimates(models):
    # Over independent seeds, the estimates scatter about as the standard error says.
    model = models["bernoulli"]
    runs = [model.log_partition("ais", n_chains=50, n_betas=100, random_state=seed,
                                return_std=True) for seed in range(12)]
    estimates, stds = np.array(runs).T
    assert 0.5 < np.std(estimates, ddof=1) / np.mean(stds) < 2.0


def test_hidden_base_is_the_mean_hidden_activation_of_the_data(digits):
    X = digits[0]
    model = BernoulliRBM(n_components=7, n_iter=2, random_state=0).fit(X[:300])
    assert_allclose(model._hidden_mean,
                    (model.transform(X[:300]).sum(axis=0) + 0.5) / 301, rtol=1e-12)
    model.partial_fit(X[300:])  # more rows than are averaged: evenly spaced ones
    rows = np.linspace(0, len(X) - 301, 1000).astype(np.int64)
    assert_allclose(model._hidden_mean,
                    (model.transform(X[300:][rows]).sum(axis=0) + 0.5) / 1001,
                    rtol=1e-12)
