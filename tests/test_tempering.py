"""Parallel tempering (skgen.rbm._tempering): the kernel against the NumPy
reference of tests/naive.py on the same streams, for every unit type, and the
samples of a tempered RBM against its exact distribution."""

import naive
import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone

from skgen.rbm import _tempering
from skgen.rbm._units import (
    BernoulliUnits,
    GaussianBase,
    GaussianUnits,
    JoinedUnits,
    SoftmaxUnits,
)
from skgen.utils._random import row_streams

from kernel_checks import DTYPES, TOLERANCES, check_unambiguous  # isort: skip

N_CHAINS, N_VISIBLE, N_HIDDEN = 5, 6, 4
BETAS = np.array([0.0, 0.35, 0.7, 1.0])


def units_and_base(kind, dtype, rng):
    """(units, base, visible bias, naive keyword arguments) of a unit type."""
    bias = rng.standard_normal(N_VISIBLE).astype(dtype)
    zeros = np.zeros(N_VISIBLE, dtype=dtype)
    if kind == "gaussian":
        log_variance = (0.3 * rng.standard_normal(N_VISIBLE)).astype(dtype)
        units = GaussianUnits(bias, zeros, log_variance, zeros.copy(),
                              np.full(N_VISIBLE, -np.inf, dtype=dtype), dtype(0),
                              np.empty(N_VISIBLE, dtype=dtype),
                              np.empty(N_VISIBLE, dtype=dtype),
                              np.empty((0, N_VISIBLE), dtype=dtype))
        mean = rng.standard_normal(N_VISIBLE)
        precision = np.exp(rng.standard_normal(N_VISIBLE))
        base = GaussianBase(mean, precision, 1 / np.sqrt(precision))
        return units, base, bias, {"base": (mean, precision), "log_variance": log_variance}
    base_bias = rng.standard_normal(N_VISIBLE)
    if kind == "binary":
        return (BernoulliUnits(bias, zeros), BernoulliUnits(base_bias, np.zeros(N_VISIBLE)),
                bias, {"base": base_bias})
    n_labels = 3
    n_free = N_VISIBLE - n_labels
    base_bias[n_free:] = 0.0  # the uniform label of the estimators' base model
    units = JoinedUnits(BernoulliUnits(bias[:n_free], zeros[:n_free]),
                        SoftmaxUnits(bias[n_free:], zeros[n_free:]))
    base = JoinedUnits(BernoulliUnits(base_bias[:n_free], np.zeros(n_free)),
                       SoftmaxUnits(base_bias[n_free:], np.zeros(n_labels)))
    return units, base, bias, {"base": base_bias, "n_labels": n_labels}


def run_kernel(weights, hidden_bias, units, base, betas, hidden, chain_states,
               replica_states, n_steps, adaptation):
    """The kernel on copies: (hidden, visible, out, betas, swap_counts, chain
    streams, replica streams)."""
    dtype = weights.dtype
    n_rows = hidden.shape[0]
    n_temperatures = betas.shape[0]
    n_chains = n_rows // n_temperatures
    hidden = hidden.copy()
    chains = hidden[n_rows - n_chains:].copy()
    chain_states, replica_states, betas = (chain_states.copy(), replica_states.copy(),
                                           betas.copy())
    swap_counts = np.zeros((2, n_temperatures - 1))
    visible = np.empty((n_rows, weights.shape[1]), dtype=dtype)
    ladder = (betas, base, replica_states, adaptation, swap_counts,
              (hidden, np.empty((n_rows, weights.shape[0]), dtype=dtype), visible,
               np.empty_like(visible), np.empty(n_rows), np.empty(n_temperatures - 1)))
    out = np.empty((n_chains, weights.shape[1]), dtype=dtype)
    _tempering.tempered_gibbs(ladder, weights, hidden_bias, units, chains, chain_states,
                              n_steps, out)
    return hidden, visible, out, betas, swap_counts, chain_states, replica_states


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("kind", ["binary", "labels", "gaussian"])
@pytest.mark.parametrize("n_steps", [1, 3])
@pytest.mark.parametrize("adaptation", [None, (0.3, 1.5)])
def test_tempered_gibbs_matches_the_reference(dtype, kind, n_steps, adaptation):
    rng = np.random.default_rng(3)
    weights = np.asfortranarray(rng.standard_normal((N_HIDDEN, N_VISIBLE)).astype(dtype))
    hidden_bias = rng.standard_normal(N_HIDDEN).astype(dtype)
    units, base, visible_bias, reference_units = units_and_base(kind, dtype, rng)
    n_rows = len(BETAS) * N_CHAINS
    hidden = (rng.random((n_rows, N_HIDDEN)) < 0.5).astype(dtype)
    chain_states = row_streams(np.random.RandomState(4), N_CHAINS)
    replica_states = row_streams(np.random.RandomState(5), n_rows - N_CHAINS)

    # The reference's stream r is row r's: the replicas' streams, then the chains'.
    reference = naive.Streams(np.concatenate([replica_states, chain_states]))
    expected = naive.tempered_gibbs(weights, hidden_bias, visible_bias, BETAS, hidden,
                                    reference, n_steps, adaptation=adaptation,
                                    **reference_units)
    check_unambiguous(reference, dtype)
    (result_hidden, result_visible, out, betas, swap_counts, chain_after,
     replicas_after) = run_kernel(weights, hidden_bias, units, base, BETAS, hidden,
                                  chain_states, replica_states, n_steps, adaptation)
    expected_hidden, expected_visible, expected_out, expected_betas, accepted = expected

    assert_array_equal(np.concatenate([replicas_after, chain_after]),
                       reference.as_array())
    assert_array_equal(result_hidden, expected_hidden)
    assert_array_equal(swap_counts[0], accepted)
    assert_array_equal(swap_counts[1], N_CHAINS * n_steps)
    tolerance = ({"rtol": 1e-5, "atol": 1e-5} if kind == "gaussian" and dtype == np.float32
                 else TOLERANCES[dtype])
    assert_allclose(result_visible, expected_visible, **tolerance)
    assert_allclose(out, expected_out, **tolerance)
    assert_allclose(betas, expected_betas, rtol=1e-12, atol=1e-12)
    assert betas[-1] == 1 and np.all(np.diff(betas) > 0) and betas[0] >= 0
    if adaptation is None:
        assert_array_equal(betas, BETAS)


def test_the_reference_accepts_and_rejects_swaps():
    """The grid above proposes swaps that are accepted and swaps that are not."""
    rng = np.random.default_rng(3)
    weights = rng.standard_normal((N_HIDDEN, N_VISIBLE))
    _, _, visible_bias, reference_units = units_and_base("binary", np.float64, rng)
    hidden = (rng.random((len(BETAS) * N_CHAINS, N_HIDDEN)) < 0.5) * 1.0
    streams = naive.Streams(row_streams(np.random.RandomState(5), len(hidden)))
    *_, accepted = naive.tempered_gibbs(weights, rng.standard_normal(N_HIDDEN),
                                        visible_bias, BETAS, hidden, streams, 3,
                                        **reference_units)
    assert 0 < accepted.sum() < 3 * N_CHAINS * (len(BETAS) - 1)


@pytest.mark.parametrize("accepted, target", [([0, 5, 10], 0.5), ([10, 10, 10], 0.2),
                                              ([0, 0, 0], 0.3)])
def test_adapt_ladder(accepted, target):
    """Gaps widen above the target swap rate and narrow below it; the top stays at
    1, and gaps that would pass 0 are scaled to end there."""
    betas = BETAS.copy()
    _tempering.adapt_ladder(betas, np.array(accepted, dtype=np.float64), 10, target, 2.0)
    expected = naive.adapt_ladder(BETAS, accepted, 10, target, 2.0)
    assert_allclose(betas, expected, rtol=1e-12, atol=1e-15)
    assert betas[-1] == 1 and np.all(np.diff(betas) > 0) and betas[0] >= 0
    gaps, old_gaps = np.diff(betas), np.diff(BETAS)
    rates = np.array(accepted) / 10
    if betas[0] > 0:
        assert np.all((gaps > old_gaps) == (rates > target))
    else:
        assert_allclose(gaps.sum(), 1.0)


class TemperedNegativePhase:
    """The negative phase of ``naive.rbm_fit_epoch`` by ``naive.tempered_gibbs``,
    keeping the replicas, their streams and the ladder from batch to batch, as
    the kernel does. ``chain_streams`` are the reference's streams of the chains."""

    def __init__(self, betas, hidden, replica_states, chain_streams, base, n_steps,
                 adaptation):
        self.betas, self.hidden, self.base = betas, hidden.copy(), base
        self.replica_states = naive.Streams(replica_states).states
        self.chain_streams, self.n_steps, self.adaptation = (chain_streams, n_steps,
                                                             adaptation)

    def __call__(self, chains, weights, hidden_bias, visible_bias):
        n_replicas = len(self.replica_states)
        self.hidden[n_replicas:] = chains
        streams = naive.Streams([])
        streams.states = self.replica_states + self.chain_streams.states
        self.hidden, _, out, self.betas, _ = naive.tempered_gibbs(
            weights, hidden_bias, visible_bias, self.betas, self.hidden, streams,
            self.n_steps, base=self.base, adaptation=self.adaptation)
        self.replica_states = streams.states[:n_replicas]
        self.chain_streams.states = streams.states[n_replicas:]
        self.chain_streams.closest = min(self.chain_streams.closest, streams.closest)
        return out


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("adaptation", [None, (0.3, 1.5)])
def test_fit_epoch_with_tempering_matches_the_reference(dtype, adaptation):
    """PCD whose negative phase is tempered: the replicas, their streams and the
    ladder carry over from one mini-batch to the next."""
    from skgen.rbm import _kernels

    rng = np.random.default_rng(8)
    n_samples, batch_size, n_steps, learning_rate = 13, N_CHAINS, 2, 0.1
    X = (rng.random((n_samples, N_VISIBLE)) < 0.4).astype(dtype)
    order = rng.permutation(n_samples).astype(np.int64)
    weights = np.asfortranarray(rng.standard_normal((N_HIDDEN, N_VISIBLE)).astype(dtype))
    hidden_bias = rng.standard_normal(N_HIDDEN).astype(dtype)
    units, base, visible_bias, reference_units = units_and_base("binary", dtype, rng)
    n_rows = len(BETAS) * N_CHAINS
    hidden = (rng.random((n_rows, N_HIDDEN)) < 0.5).astype(dtype)
    chains = hidden[n_rows - N_CHAINS:].copy()
    chain_states = row_streams(np.random.RandomState(9), N_CHAINS)
    replica_states = row_streams(np.random.RandomState(10), n_rows - N_CHAINS)
    velocities = tuple(np.zeros_like(p) for p in (weights, hidden_bias, visible_bias))

    reference = naive.Streams(chain_states)
    negative_phase = TemperedNegativePhase(BETAS, hidden, replica_states, reference,
                                           reference_units["base"], n_steps, adaptation)
    expected = naive.rbm_fit_epoch(X, order, batch_size, weights, hidden_bias,
                                   visible_bias, *velocities, chains, reference,
                                   learning_rate, 0.0, 0.0, n_steps, True,
                                   negative_phase=negative_phase)
    check_unambiguous(reference, dtype)

    W, c, b = weights.copy(order="F"), hidden_bias.copy(), visible_bias.copy()
    units = BernoulliUnits(b, np.zeros_like(b))
    betas, hidden, states = BETAS.copy(), hidden.copy(), replica_states.copy()
    chains, chain_states = chains.copy(), chain_states.copy()
    ladder = (betas, base, states, adaptation, np.zeros((2, len(BETAS) - 1)),
              (hidden, np.empty((n_rows, N_HIDDEN), dtype=dtype),
               np.empty((n_rows, N_VISIBLE), dtype=dtype),
               np.empty((n_rows, N_VISIBLE), dtype=dtype), np.empty(n_rows),
               np.empty(len(BETAS) - 1)))
    empty = np.empty(0, dtype=np.int64)
    _kernels.fit_epoch(
        (X, np.empty(0, dtype=dtype), empty, empty), order, batch_size, W, c, units,
        (np.zeros_like(W), np.zeros_like(c)), chains, chain_states,
        (dtype(learning_rate), dtype(0), dtype(0), n_steps, True,
         dtype(1), dtype(1)), None, None, None,
        (np.empty((2 * N_CHAINS, N_VISIBLE), dtype=dtype),
         np.empty((2 * N_CHAINS, N_HIDDEN), dtype=dtype),
         np.empty((2, N_HIDDEN), dtype=dtype), np.empty((2, N_VISIBLE), dtype=dtype)),
        ladder,
    )
    assert_array_equal(chain_states, reference.as_array())
    assert_array_equal(states, np.array(negative_phase.replica_states, dtype=np.uint64))
    assert_array_equal(chains, expected[6])
    assert_array_equal(hidden[:n_rows - N_CHAINS],
                       negative_phase.hidden[:n_rows - N_CHAINS])
    assert_allclose(betas, negative_phase.betas, rtol=1e-12, atol=1e-12)
    for value, expected_value in zip((W, c, b), expected[:3], strict=True):
        assert_allclose(value, expected_value, **TOLERANCES[dtype])


# -- the estimators ------------------------------------------------------------------


class NumpyStreams:
    """``naive.Streams``' interface drawn from one NumPy generator: fast, for
    statistical checks of the reference."""

    closest = np.inf

    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)

    def uniform_rows(self, n_rows, n_cols):
        return self.rng.random((n_rows, n_cols))

    def bernoulli(self, probabilities):
        return (self.rng.random(probabilities.shape) < probabilities) * 1.0


def bimodal_rbm():
    """4 visible and 3 hidden units, p(v) with modes 1111 and 0000 (about 4 to 1)
    between which one Gibbs step moves with probability about exp(-18)."""
    from skgen import BernoulliRBM

    # Fitted to 0000 and 1111: the base model has visible marginals 1/2.
    model = BernoulliRBM(n_components=3, n_iter=0, random_state=0)
    model.fit(np.array([[0.0] * 4, [1.0] * 4]))
    strength = 9.0
    rng = np.random.RandomState(0)
    model.components_ = np.vstack([np.full(4, strength), 0.5 * rng.randn(2, 4)])
    model.intercept_hidden_ = np.array([-2 * strength, 0.2, -0.3])
    model.intercept_visible_ = np.full(4, -strength / 2 - np.log(3) / 4)
    return model


def total_variation(samples, probabilities):
    codes = samples @ (2 ** np.arange(samples.shape[1])[::-1])
    empirical = np.bincount(codes.astype(int), minlength=len(probabilities))
    return 0.5 * np.abs(empirical / len(samples) - probabilities).sum()


def exact_probabilities(model):
    """p(v) of every binary v, in the order of ``total_variation``'s codes."""
    from scipy.special import logsumexp

    V = naive.all_binary_states(model.components_.shape[1])[:, ::-1]
    H = naive.all_binary_states(model.n_components)
    W, b, c = model.components_, model.intercept_visible_, model.intercept_hidden_
    minus_energy = (V @ b)[:, None] + (H @ c)[None, :] + V @ W.T @ H.T
    log_marginal = logsumexp(minus_energy, axis=1)
    return np.exp(log_marginal - logsumexp(minus_energy))


#: Total variation of 4000 samples from p(v) over 16 states: about 0.01 when the
#: sampler is exact.
TOTAL_VARIATION_BOUND = 0.04


def test_tempered_sampling_matches_the_exact_distribution():
    model = bimodal_rbm()
    probabilities = exact_probabilities(model)
    assert probabilities[-1] > 0.7 and probabilities[0] > 0.15
    tempered = model.sample(4000, n_gibbs_steps=100, random_state=1, n_temperatures=5)
    assert total_variation(tempered, probabilities) < TOTAL_VARIATION_BOUND
    # A given ladder, and a ladder that starts above the base model.
    ladder = [0.2, 0.45, 0.75, 1.0]
    tempered = model.sample(4000, n_gibbs_steps=100, random_state=2, n_temperatures=4,
                            temperature_ladder=ladder)
    assert total_variation(tempered, probabilities) < TOTAL_VARIATION_BOUND
    # Gibbs sampling alone stays in the mode that it starts near.
    gibbs = model.sample(4000, n_gibbs_steps=100, random_state=1)
    assert total_variation(gibbs, probabilities) > 3 * TOTAL_VARIATION_BOUND


@pytest.mark.parametrize("broken", [None, "never", "reversed"])
def test_the_bound_fails_broken_swaps(monkeypatch, broken):
    """The same check on the NumPy reference, whose swaps are right, never
    accepted, or accepted by the reversed ratio: only the first passes."""
    if broken == "never":
        monkeypatch.setattr(naive, "swap_log_acceptance", lambda *args: -np.inf)
    elif broken == "reversed":
        correct = naive.swap_log_acceptance
        monkeypatch.setattr(naive, "swap_log_acceptance",
                            lambda *args: -correct(*args))
    model = bimodal_rbm()
    probabilities = exact_probabilities(model)
    n_samples = 4000
    betas = np.linspace(0.0, 1.0, 5)
    hidden = np.zeros((len(betas) * n_samples, 3))
    _, visible, *_ = naive.tempered_gibbs(
        model.components_, model.intercept_hidden_, model.intercept_visible_, betas,
        hidden, NumpyStreams(0), 100, base=np.zeros(4))
    passed = total_variation(visible[-n_samples:], probabilities) < TOTAL_VARIATION_BOUND
    assert passed == (broken is None)


def _digits_models(digits):
    """(estimator, training data) of each RBM type, on small digit subsets."""
    from sklearn.preprocessing import StandardScaler

    from skgen import BernoulliRBM, GaussianBernoulliRBM
    from skgen.dbn._labelled import LabelledRBM

    X, y = digits
    binary = (X[:200] > 0.5).astype(np.float64)
    common = {"n_components": 8, "n_iter": 2, "random_state": 0, "n_temperatures": 4}
    return {
        "bernoulli": (BernoulliRBM(**common, learning_rate=0.05, n_gibbs_steps=2),
                      binary),
        "gaussian": (GaussianBernoulliRBM(**common, learn_sigma=True),
                     StandardScaler().fit_transform(X[:200])),
        "labelled": (LabelledRBM(**common, n_labels=10),
                     np.hstack([binary, np.eye(10)[y[:200]]])),
    }


@pytest.mark.parametrize("kind", ["bernoulli", "gaussian", "labelled"])
def test_training_with_tempering_in_both_dtypes(digits, kind):
    model, X = _digits_models(digits)[kind]
    double = clone(model).fit(X)
    single = clone(model).fit(X.astype(np.float32))
    assert single.components_.dtype == np.float32
    for fitted in (double, single):
        assert fitted.swap_rates_.shape == (3,)
        assert np.all((fitted.swap_rates_ > 0) & (fitted.swap_rates_ < 1))
        betas = fitted.inverse_temperatures_
        assert betas[-1] == 1 and np.all(np.diff(betas) > 0) and betas[0] >= 0
        assert np.isfinite(fitted.components_).all()
    # The same draws in both dtypes, so the same swaps and nearly the same fit.
    assert_array_equal(double.swap_rates_, single.swap_rates_)
    assert_allclose(double.components_, single.components_, rtol=1e-3, atol=1e-4)
    # The adaptive ladder moved; a uniform one stays.
    assert not np.allclose(double.inverse_temperatures_, BETAS)
    uniform = clone(model).set_params(temperature_ladder="uniform").fit(X)
    assert_array_equal(uniform.inverse_temperatures_, np.linspace(0, 1, 4))
    samples = double.sample(6, n_gibbs_steps=5)
    assert samples.shape == (6, X.shape[1]) and np.isfinite(samples).all()
    if kind == "labelled":
        assert_array_equal(samples[:, -10:].sum(axis=1), 1)


def test_partial_fit_continues_the_ladder_and_chains(digits):
    # Fixed variances: the base model, which each call takes from the model's
    # variances and the data seen, is then the same in every call.
    model, X = _digits_models(digits)["gaussian"]
    model.set_params(learn_sigma=False)
    whole = clone(model).fit(X)
    parts = clone(model).set_params(n_iter=1)
    parts.partial_fit(X)
    first_ladder = parts.inverse_temperatures_.copy()
    parts.partial_fit(X)
    assert not np.array_equal(first_ladder, parts.inverse_temperatures_)
    for name in ("components_", "h_samples_", "inverse_temperatures_", "swap_rates_",
                 "_replica_hidden", "_replica_streams", "_streams"):
        assert_array_equal(getattr(parts, name), getattr(whole, name), err_msg=name)
    # Another number of temperatures starts new replicas; 1 stops tempering.
    parts.set_params(n_temperatures=3).partial_fit(X)
    assert parts._replica_hidden.shape == (3 * model.batch_size, model.n_components)
    assert parts.swap_rates_.shape == (2,)
    parts.set_params(n_temperatures=1).partial_fit(X)
    assert_array_equal(parts.inverse_temperatures_, [1.0])
    assert parts.swap_rates_.shape == (0,)


@pytest.mark.parametrize("temperature_ladder", ["adaptive", "uniform", [1.0]])
def test_tempering_off_is_plain_pcd(digits, temperature_ladder):
    """n_temperatures=1 trains by PCD, as the NumPy reference does from the same
    start and random streams, whatever the ladder."""
    from sklearn.utils import check_random_state

    from skgen import BernoulliRBM
    from skgen.utils._validation import column_moments

    X = (digits[0][:23] > 0.5).astype(np.float64)
    model = BernoulliRBM(n_components=5, batch_size=5, n_iter=1, n_gibbs_steps=2,
                         learning_rate=0.1, centering=False, momentum=0.0, random_state=0,
                         temperature_ladder=temperature_ladder)
    model.fit(X)
    rng = check_random_state(0)
    state = clone(model)._initial_state(X, rng, column_moments(X))
    order = rng.permutation(len(X))
    reference = naive.Streams(state["_streams"])
    expected = naive.fit_epoch(X, order, 5, *(state[name] for name in (
        "components_", "intercept_hidden_", "intercept_visible_")),
        *state["_velocities"], state["h_samples_"], reference, 0.1, 0.0, 0.0, 2, True)
    check_unambiguous(reference, np.float64)
    assert_allclose(model.components_, expected[0], **TOLERANCES[np.float64])
    assert_array_equal(model.h_samples_, expected[6])
    assert_array_equal(model._streams, reference.as_array())
    assert_array_equal(model.inverse_temperatures_, [1.0])


def test_bad_tempering_is_refused_and_nothing_is_half_fitted(digits):
    from skgen import BernoulliRBM

    X = (digits[0][:50] > 0.5).astype(np.float64)
    model = BernoulliRBM(n_components=4, n_iter=1, random_state=0).fit(X)
    before = model.components_.copy()
    ladder = "temperature_ladder must be"
    bad = [({"n_temperatures": 3, "persistent": False}, "persistent=False"),
           ({"n_temperatures": 3, "temperature_ladder": [0.0, 1.0]}, ladder),
           ({"n_temperatures": 3, "temperature_ladder": [0.0, 0.5, 0.9]}, ladder),
           ({"n_temperatures": 3, "temperature_ladder": [0.5, 0.2, 1.0]}, ladder),
           ({"n_temperatures": 1, "temperature_ladder": [0.5]}, ladder)]
    defaults = {"n_temperatures": 1, "persistent": True, "temperature_ladder": "adaptive"}
    for params, message in bad:
        with pytest.raises(ValueError, match=message):
            clone(model).set_params(**params).fit(X)
        with pytest.raises(ValueError, match=message):
            model.set_params(**{**defaults, **params}).partial_fit(X)
        assert_array_equal(model.components_, before)
    model.set_params(n_temperatures=1, persistent=True, temperature_ladder="adaptive")
    with pytest.raises(ValueError, match="fixed"):
        model.sample(2, n_temperatures=3, temperature_ladder="adaptive")
    with pytest.raises(ValueError, match="n_gibbs_steps"):
        model.sample(2, n_temperatures=3, n_gibbs_steps=0)
    with pytest.raises(ValueError, match="temperature_ladder"):
        model.sample(2, n_temperatures=3, temperature_ladder=[0.5, 1.0])
    with pytest.raises(ValueError, match="n_temperatures"):
        model.sample(2, n_temperatures=0)


def test_tempered_training_does_not_depend_on_thread_count(mnist_sized_digits):
    from threadpoolctl import threadpool_limits

    from skgen import BernoulliRBM

    X = mnist_sized_digits[0][:300]
    model = BernoulliRBM(n_components=64, batch_size=50, n_iter=2, learning_rate=0.05,
                         n_temperatures=4, random_state=0)
    fits = []
    for n_threads in (1, 2):
        with threadpool_limits(limits=n_threads):
            fits.append(clone(model).fit(X))
    one, two = fits
    assert_array_equal(one.swap_rates_, two.swap_rates_)
    assert_array_equal(one.h_samples_, two.h_samples_)
    assert_allclose(one.components_, two.components_, rtol=1e-10, atol=1e-12)
    assert_allclose(one.inverse_temperatures_, two.inverse_temperatures_, rtol=1e-12)
