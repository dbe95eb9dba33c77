"""BernoulliRBM: sklearn conventions on [0, 1] data, bad input, likelihood,
sampling, sklearn parity and reproducibility."""

import itertools
import pickle
import re

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from scipy.special import expit, logsumexp
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import BernoulliRBM as SklearnRBM
from sklearn.pipeline import make_pipeline
from threadpoolctl import threadpool_limits

from skgen import BernoulliRBM, DivergenceError
from skgen.rbm._base import OFFSET_RATE

import naive  # isort: skip
from kernel_checks import check_unambiguous  # isort: skip

FITTED = ("components_", "intercept_hidden_", "intercept_visible_", "h_samples_",
          "visible_offset_", "hidden_offset_")


def small_rbm(**params):
    defaults = dict(n_components=8, n_iter=3, batch_size=10, random_state=0)
    return BernoulliRBM(**{**defaults, **params})


def assert_same_fit(a, b, names=FITTED, **tolerance):
    for name in names:
        if tolerance:
            assert_allclose(getattr(a, name), getattr(b, name), **tolerance)
        else:
            assert_array_equal(getattr(a, name), getattr(b, name))


def random_model(n_visible, n_hidden, seed, scale=1.0):
    """An RBM with random parameters, for exact comparisons on tiny models."""
    rng = np.random.RandomState(seed)
    model = BernoulliRBM(n_components=n_hidden, n_iter=0, random_state=seed)
    model.fit(rng.randint(0, 2, size=(5, n_visible)).astype(float))
    model.components_ = rng.normal(0, scale, (n_hidden, n_visible))
    model.intercept_hidden_ = rng.normal(0, scale, n_hidden)
    model.intercept_visible_ = rng.normal(0, scale, n_visible)
    return model


def all_binary(n):
    return np.array(list(itertools.product([0.0, 1.0], repeat=n)))


def brute_force_log_probabilities(model):
    """log p(v) for every binary v, summing exp(-E(v, h)) over every v and h."""
    V, H = all_binary(model.n_features_in_), all_binary(model.n_components)
    W, b, c = model.components_, model.intercept_visible_, model.intercept_hidden_
    minus_energy = (V @ b)[:, None] + (H @ c)[None, :] + V @ W.T @ H.T
    log_unnormalised = logsumexp(minus_energy, axis=1)
    return V, log_unnormalised - logsumexp(minus_energy)


# -- sklearn conventions, on data in [0, 1] ------------------------------------------


def test_fit_returns_self_and_sets_attributes(digits):
    X, _ = digits
    model = small_rbm()
    assert model.fit(X[:100]) is model
    assert model.components_.shape == (8, 64)
    assert model.intercept_hidden_.shape == (8,)
    assert model.intercept_visible_.shape == (64,)
    assert model.h_samples_.shape == (10, 8)
    assert model.n_features_in_ == 64
    assert model.get_params() == small_rbm().get_params()
    assert_array_equal(
        model.get_feature_names_out(), [f"bernoullirbm{i}" for i in range(8)]
    )


def test_feature_names_from_dataframe(digits):
    pd = pytest.importorskip("pandas")
    X, _ = digits
    frame = pd.DataFrame(X[:50], columns=[f"pixel{i}" for i in range(64)])
    model = small_rbm().fit(frame)
    assert_array_equal(model.feature_names_in_, frame.columns)
    with pytest.warns(UserWarning, match="does not have valid feature names"):
        assert_allclose(model.transform(frame), model.transform(X[:50]))


def test_fit_is_idempotent_and_clone_refits(digits):
    X, _ = digits
    model = small_rbm().fit(X[:100])
    first = {name: getattr(model, name).copy() for name in FITTED}
    model.fit(X[:100])
    for name in FITTED:
        assert_array_equal(getattr(model, name), first[name])
    assert_same_fit(model, clone(model).fit(X[:100]))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_is_preserved(digits, dtype):
    X = digits[0][:100].astype(dtype)
    model = small_rbm().fit(X)
    for name in FITTED:
        assert getattr(model, name).dtype == dtype
    assert model.transform(X).dtype == dtype
    assert model.inverse_transform(model.transform(X)).dtype == dtype
    assert model.sample(2, n_gibbs_steps=2).dtype == dtype
    assert model.gibbs(X[:3]).dtype == dtype
    assert model.score_samples(X).dtype == np.float64


def test_integer_and_list_input(digits):
    X = (digits[0][:60] > 0.5).astype(np.int64)
    model = small_rbm().fit(X.tolist())
    assert model.components_.dtype == np.float64
    assert_allclose(model.transform(X), model.transform(X.astype(float)))


def test_pickle_round_trip(digits):
    X = digits[0][:100]
    model = small_rbm().fit(X)
    before = (model.transform(X), model.score_samples(X))
    restored = pickle.loads(pickle.dumps(model))
    assert_array_equal(restored.transform(X), before[0])
    assert_array_equal(restored.score_samples(X), before[1])
    restored.partial_fit(X)
    model.partial_fit(X)
    assert_same_fit(model, restored)


def test_methods_do_not_change_the_estimator(digits):
    X = digits[0][:100]
    model = small_rbm().fit(X)
    fitted = {k: v.copy() if isinstance(v, np.ndarray) else v
              for k, v in model.__dict__.items() if not k.startswith("_")}
    model.transform(X)
    model.score_samples(X)
    model.free_energy(X)
    model.pseudo_likelihood(X)
    model.sample(3, n_gibbs_steps=2)
    model.inverse_transform(model.transform(X))
    for key, value in fitted.items():
        assert_array_equal(model.__dict__[key], value)


def test_subset_and_order_invariance(digits):
    X = digits[0][:60]
    model = small_rbm().fit(X)
    order = np.random.RandomState(1).permutation(len(X))
    for method in ("transform", "score_samples", "free_energy"):
        whole = getattr(model, method)(X)
        assert_allclose(getattr(model, method)(X[order]), whole[order], rtol=1e-12)
        one_by_one = np.concatenate([getattr(model, method)(X[i:i + 1]) for i in range(5)])
        assert_allclose(one_by_one, whole[:5], rtol=1e-12)


def test_memory_layouts_give_the_same_fit(digits):
    X = digits[0][:100]
    reference = small_rbm().fit(X)
    assert_same_fit(reference, small_rbm().fit(np.asfortranarray(X)))
    readonly = X.copy()
    readonly.setflags(write=False)
    assert_same_fit(reference, small_rbm().fit(readonly))


def test_one_sample_and_one_feature(digits):
    X = digits[0]
    assert small_rbm().fit(X[:1]).transform(X[:1]).shape == (1, 8)
    model = small_rbm().fit(X[:50, :1])
    assert np.isfinite(model.score(X[:50, :1]))


def test_pipeline_matches_steps(digits):
    X, y = digits
    pipeline = make_pipeline(small_rbm(n_components=32), LogisticRegression(max_iter=500))
    pipeline.fit(X[:300], y[:300])
    rbm = small_rbm(n_components=32).fit(X[:300])
    classifier = LogisticRegression(max_iter=500).fit(rbm.transform(X[:300]), y[:300])
    assert_array_equal(pipeline.predict(X[300:400]),
                       classifier.predict(rbm.transform(X[300:400])))


# -- bad input -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad, message",
    [
        (np.array([[0.5, np.nan], [0.1, 0.2]]), "NaN"),
        (np.array([[0.5, np.inf], [0.1, 0.2]]), "infinity"),
        (np.array([[0.5, -0.1], [0.1, 0.2]]), r"Negative values in data.*\[0, 1\]"),
        (np.array([[0.5, 1.5], [0.1, 0.2]]), r"Values out of range.*\[0, 1\]"),
        (np.empty((0, 2)), "0 sample"),
        (np.array([0.5, 0.1]), "Expected 2D array"),
    ],
)
def test_bad_input_is_rejected_and_nothing_is_half_fitted(bad, message):
    good = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    with pytest.raises(ValueError, match=message):
        small_rbm().fit(bad)
    fresh = small_rbm()
    with pytest.raises(ValueError, match=message):
        fresh.partial_fit(bad)
    assert not hasattr(fresh, "components_") and not hasattr(fresh, "n_features_in_")

    model = small_rbm().fit(good)
    before = {name: getattr(model, name).copy() for name in FITTED}
    for method in ("fit", "partial_fit"):
        with pytest.raises(ValueError, match=message):
            getattr(model, method)(bad)
        assert model.n_features_in_ == 2
        for name in FITTED:
            assert_array_equal(getattr(model, name), before[name])
    if bad.ndim == 2 and bad.shape[0]:
        for method in ("transform", "score_samples", "free_energy", "gibbs"):
            with pytest.raises(ValueError, match=message):
                getattr(model, method)(bad)


def test_wrong_feature_count_and_sparse_range(digits):
    X = digits[0][:50]
    model = small_rbm().fit(X)
    for method in ("transform", "score_samples", "partial_fit", "pseudo_likelihood"):
        with pytest.raises(ValueError, match="X has 10 features, but BernoulliRBM is expecting 64"):
            getattr(model, method)(X[:, :10])
    with pytest.raises(ValueError, match="expecting 8 features"):
        model.inverse_transform(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"Values out of range"):
        model.transform(sp.csr_matrix(X * 2))


def test_bad_method_arguments(digits):
    model = small_rbm().fit(digits[0][:50])
    with pytest.raises(ValueError, match="n_samples"):
        model.sample(0)
    with pytest.raises(ValueError, match="method"):
        model.log_partition("magic")
    with pytest.raises(ValueError, match="betas"):
        model.log_partition("ais", betas=[0.2, 1.0])
    wide = BernoulliRBM(n_components=40, n_iter=0).fit(np.zeros((2, 40)))
    with pytest.raises(ValueError, match="infeasible"):
        wide.log_partition("exact")


def test_divergence_raises_with_advice_and_keeps_the_old_fit():
    X = np.random.RandomState(0).randint(0, 2, (50, 6)).astype(np.float32)
    model = small_rbm(n_iter=1).fit(X)
    before = model.components_.copy()
    model.set_params(learning_rate=1e38, momentum=0.9)
    # At this rate float32 overflows within one pass: the error names the remedy.
    with pytest.raises(DivergenceError, match="Lower learning_rate"):
        model.partial_fit(np.repeat(X, 20, axis=0))
    assert_array_equal(model.components_, before)
    with pytest.raises(DivergenceError, match="Lower learning_rate"):
        clone(model).fit(np.repeat(X, 20, axis=0))


# -- training: partial_fit, reproducibility, dtypes, threads, sparse -----------------


def test_partial_fit_continues_one_random_stream(digits):
    X = digits[0][:95]
    once = small_rbm(n_iter=1).fit(X)
    partial = small_rbm()
    assert partial.partial_fit(X) is partial
    assert_same_fit(once, partial)
    twice = small_rbm(n_iter=2).fit(X)
    partial.partial_fit(X)
    assert_same_fit(twice, partial)
    # Not the same draws twice: the second pass moved differently from the first.
    assert not np.allclose(partial.components_, once.components_)


def test_partial_fit_uses_mini_batches(digits):
    """One partial_fit call over 100 rows makes 10 updates, not one."""
    X = digits[0][:100]
    # The data start and the offsets' start come from the first call's block.
    params = dict(shuffle=False, visible_bias_init="zeros", centering=False)
    per_batch = small_rbm(**params)
    for start in range(0, 100, 10):
        per_batch.partial_fit(X[start:start + 10])
    whole = small_rbm(**params).partial_fit(X)
    # Not the offsets: uncentered training keeps their start, the first block's means.
    assert_same_fit(per_batch, whole, FITTED[:4], rtol=1e-10, atol=1e-12)
    assert_allclose(per_batch.visible_offset_, X[:10].mean(axis=0))


def smoothed_logits(X):
    mean = (X.sum(axis=0) + 0.5) / (X.shape[0] + 1.0)
    return np.log(mean / (1.0 - mean))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_the_data_start(digits, dtype):
    X = digits[0][:90].astype(dtype)
    start = small_rbm(n_iter=0).fit(X)
    assert_allclose(start.intercept_visible_, smoothed_logits(X.astype(np.float64)),
                    rtol=1e-6 if dtype == np.float32 else 1e-12)
    assert_allclose(start.visible_offset_, X.astype(np.float64).mean(axis=0), rtol=1e-6)
    assert_array_equal(start.hidden_offset_, 0.5)
    assert_array_equal(start.intercept_hidden_, 0.0)
    # The first partial_fit call starts from its own block, as fit does.
    assert_same_fit(small_rbm().partial_fit(X[:30]), small_rbm(n_iter=1).fit(X[:30]))
    zeros = small_rbm(n_iter=0, visible_bias_init="zeros").fit(X)
    assert_array_equal(zeros.intercept_visible_, 0.0)
    assert_array_equal(zeros.components_, start.components_)


def fit_by_reference(X, batch_size, model_start, centering=None, **training):
    """One pass in order over X by ``naive.rbm_fit_epoch``, from the state of the
    unfitted model ``model_start`` (fitted with n_iter=0)."""
    streams = naive.Streams(model_start._streams)
    W, c, b = (model_start.components_, model_start.intercept_hidden_,
               model_start.intercept_visible_)
    velocities = (np.zeros_like(W), np.zeros_like(c), np.zeros_like(b))
    result = naive.rbm_fit_epoch(X, np.arange(len(X)), batch_size, W, c, b, *velocities,
                                 model_start.h_samples_, streams,
                                 n_gibbs_steps=1, persistent=True,
                                 centering=centering, **training)
    check_unambiguous(streams, np.float64)
    return result


@pytest.mark.parametrize("momentum", [0.0, 0.5])
def test_zeros_start_without_centering_trains_sklearns_rbm(digits, momentum):
    """The previous (and sklearn's) algorithm: zero visible biases, then ordinary
    PCD-1, as the NumPy reference from the same start and streams."""
    X = (digits[0][:70] > 0.5).astype(np.float64)
    params = dict(shuffle=False, visible_bias_init="zeros", centering=False,
                  momentum=momentum, learning_rate=0.05)
    start = small_rbm(n_iter=0, **params).fit(X)
    assert_array_equal(start.intercept_visible_, 0.0)
    model = small_rbm(n_iter=1, **params).fit(X)
    expected = fit_by_reference(X, 10, start, learning_rate=0.05, momentum=momentum,
                                weight_decay=0.0)
    for name, value in zip(FITTED[:3], expected[:3], strict=True):
        assert_allclose(getattr(model, name), value, rtol=1e-10, atol=1e-12, err_msg=name)
    assert_array_equal(model.visible_offset_, start.visible_offset_)


def test_centered_training_is_the_references(digits):
    """The estimator's centering: offsets from the data start, sliding at
    OFFSET_RATE, as the NumPy reference; partial_fit continues them."""
    X = (digits[0][:70] > 0.5).astype(np.float64)
    params = dict(shuffle=False, momentum=0.5, learning_rate=0.05, weight_decay=1e-3)
    start = small_rbm(n_iter=0, **params).fit(X)
    model = small_rbm(n_iter=1, **params).fit(X)
    expected = fit_by_reference(
        X, 10, start, (start.visible_offset_, start.hidden_offset_, OFFSET_RATE),
        learning_rate=0.05, momentum=0.5, weight_decay=1e-3)
    centered = expected[-1]
    for name, value in [*zip(FITTED[:3], expected[:3], strict=True),
                        ("visible_offset_", centered["visible_offset"]),
                        ("hidden_offset_", centered["hidden_offset"])]:
        assert_allclose(getattr(model, name), value, rtol=1e-10, atol=1e-12, err_msg=name)
    assert not np.allclose(model.hidden_offset_, 0.5)
    twice = small_rbm(n_iter=2, **params).fit(X)
    assert_same_fit(twice, model.partial_fit(X))


def test_centering_makes_training_invariant_to_flipping(digits):
    """Melchior et al.: in expectation a centered RBM learns the same model of
    1 - X as of X (the flip maps the centered parameters W, b to -W, -b); an
    ordinary one does not. The held-out log-likelihoods (exact, 12 hidden
    units) agree within sampling noise."""
    X = (digits[0] > 0.5).astype(np.float64)
    train, test = X[:1200], X[1200:]

    def gap(centering, seed):
        # Without momentum, whose larger steps make the noise between two fits larger.
        params = dict(n_components=12, learning_rate=0.05, n_iter=10, batch_size=20,
                      momentum=0.0, centering=centering, random_state=seed)
        direct = BernoulliRBM(**params).fit(train).score(test)
        return direct - BernoulliRBM(**params).fit(1 - train).score(1 - test)

    centered = [gap(True, seed) for seed in range(3)]
    assert max(np.abs(centered)) < 0.15
    # The ordinary RBM models the flipped data worse, by more than that noise.
    assert gap(False, 0) > 0.25


@pytest.mark.parametrize("persistent", [True, False])
@pytest.mark.parametrize("momentum, weight_decay", [(0.0, 0.0), (0.5, 0.001)])
def test_float32_and_float64_make_the_same_draws(digits, persistent, momentum, weight_decay):
    X = (digits[0][:200] > 0.5).astype(np.float64)
    params = dict(persistent=persistent, momentum=momentum, weight_decay=weight_decay,
                  n_iter=2, learning_rate=0.05, n_gibbs_steps=2)
    double = small_rbm(**params).fit(X)
    single = small_rbm(**params).fit(X.astype(np.float32))
    assert_same_fit(double, single, rtol=1e-3, atol=1e-4)


def test_result_does_not_depend_on_thread_count(mnist_sized_digits):
    X = mnist_sized_digits[0][:300]
    params = dict(n_components=64, batch_size=50, n_iter=2, learning_rate=0.05,
                  ais_n_betas=300, ais_n_chains=20)
    with threadpool_limits(limits=1):
        one = small_rbm(**params).fit(X)
        one_score = one.score_samples(X[:20])
    with threadpool_limits(limits=2):
        two = small_rbm(**params).fit(X)
        two_score = two.score_samples(X[:20])
    assert_same_fit(one, two, rtol=1e-10, atol=1e-12)
    assert_allclose(one_score, two_score, rtol=1e-10)


@pytest.mark.parametrize("container", [sp.csr_matrix, sp.csc_matrix, sp.coo_array])
def test_sparse_equals_dense(digits, container):
    X = digits[0][:100]
    dense = small_rbm().fit(X)
    sparse = small_rbm().fit(container(X))
    assert_same_fit(dense, sparse)
    for method in ("transform", "score_samples", "free_energy", "pseudo_likelihood"):
        assert_allclose(getattr(sparse, method)(container(X)), getattr(dense, method)(X),
                        rtol=1e-12)


@pytest.mark.parametrize("persistent", [True, False])
@pytest.mark.parametrize("visible_bias_init, gain", [("zeros", 5.0), ("data", 0.5)])
def test_training_raises_the_likelihood(digits, persistent, visible_bias_init, gain):
    # The data start already has the data's marginals: less is left to gain.
    X = digits[0][:500]
    params = dict(n_components=16, visible_bias_init=visible_bias_init)
    before = small_rbm(n_iter=0, **params).fit(X).score(X)
    after = small_rbm(n_iter=10, learning_rate=0.05, persistent=persistent,
                      momentum=0.5, **params).fit(X).score(X)
    assert after > before + gain


def test_verbose_prints_sklearns_line(digits, capsys):
    small_rbm(verbose=1, n_iter=2).fit(digits[0][:50])
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2
    pattern = r"\[BernoulliRBM\] Iteration \d, pseudo-likelihood = -\d+\.\d\d, time = \d+\.\d\ds"
    assert all(re.fullmatch(pattern, line) for line in lines)


# -- likelihood ----------------------------------------------------------------------


@pytest.mark.parametrize("n_visible, n_hidden", [(6, 3), (3, 6), (5, 5)])
def test_exact_log_likelihood_matches_brute_force(n_visible, n_hidden):
    model = random_model(n_visible, n_hidden, seed=n_visible)
    V, expected = brute_force_log_probabilities(model)
    assert_allclose(model.score_samples(V), expected, rtol=1e-10, atol=1e-10)
    assert_allclose(logsumexp(model.score_samples(V)), 0.0, atol=1e-10)
    assert model.score(V) == pytest.approx(expected.mean())


def test_free_energy_and_transform_match_closed_forms():
    model = random_model(5, 4, seed=3)
    V = all_binary(5)
    W, b, c = model.components_, model.intercept_visible_, model.intercept_hidden_
    assert_allclose(model.free_energy(V), -V @ b - np.logaddexp(0, V @ W.T + c).sum(1))
    assert_allclose(model.transform(V), expit(V @ W.T + c))
    H = all_binary(4)
    assert_allclose(model.inverse_transform(H), expit(H @ W + b))


@pytest.mark.slow
def test_ais_matches_exact_on_mnist_sized_model(mnist_sized_digits):
    X = mnist_sized_digits[0][:1000]
    model = BernoulliRBM(n_components=15, n_iter=5, learning_rate=0.05,
                         random_state=0).fit(X)
    exact = model.log_partition("exact")
    estimate, std = model.log_partition("ais", n_chains=100, n_betas=2000,
                                        return_std=True)
    assert abs(estimate - exact) < 0.5
    assert 0 <= std < 0.5
    # "auto" is exact here (15 hidden units): the log-likelihood is the true one.
    assert model.log_partition() == exact


def test_log_partition_is_cached_deterministic_and_refreshed(digits):
    X = digits[0][:200]
    model = small_rbm(n_components=24, ais_n_betas=200, ais_n_chains=20).fit(X)
    first = model.log_partition()
    assert model.log_partition() == first
    twin = small_rbm(n_components=24, ais_n_betas=200, ais_n_chains=20).fit(X)
    assert twin.log_partition() == first
    assert model.log_partition(random_state=1) != first
    model.components_[0, 0] += 1.0  # any change of the parameters invalidates it
    assert model.log_partition() != first
    model.partial_fit(X)
    assert model.log_partition() != first


# -- sampling ------------------------------------------------------------------------


def test_sample_matches_the_exact_distribution():
    model = random_model(4, 3, seed=7)
    V, log_p = brute_force_log_probabilities(model)
    samples = model.sample(20000, n_gibbs_steps=30, random_state=0)
    codes = samples @ (2 ** np.arange(4)[::-1])
    empirical = np.bincount(codes.astype(int), minlength=16) / len(samples)
    total_variation = 0.5 * np.abs(empirical - np.exp(log_p)).sum()
    assert total_variation < 0.02


def test_sample_shapes_values_and_seeding(digits):
    model = small_rbm().fit(digits[0][:100])
    draws = model.sample(5, n_gibbs_steps=3, random_state=2)
    assert draws.shape == (5, 64)
    assert set(np.unique(draws)) <= {0.0, 1.0}
    assert_array_equal(draws, model.sample(5, n_gibbs_steps=3, random_state=2))
    assert not np.array_equal(draws, model.sample(5, n_gibbs_steps=3, random_state=3))
    # random_state=None falls back to the estimator's seed.
    assert_array_equal(model.sample(5, n_gibbs_steps=3), model.sample(5, n_gibbs_steps=3))


def test_gibbs_advances_the_stream(digits):
    X = digits[0][:20]
    model = small_rbm().fit(X)
    first, second = model.gibbs(X), model.gibbs(X)
    assert first.shape == X.shape and set(np.unique(first)) <= {0.0, 1.0}
    assert not np.array_equal(first, second)


# -- sklearn parity ------------------------------------------------------------------


def test_pseudo_likelihood_equals_sklearns_on_the_same_parameters(digits):
    X = digits[0][:300]
    theirs = SklearnRBM(n_components=32, n_iter=3, random_state=0).fit(X)
    ours = small_rbm(n_components=32, n_iter=0).fit(X)
    for name in ("components_", "intercept_hidden_", "intercept_visible_"):
        setattr(ours, name, getattr(theirs, name))
    assert_allclose(ours.pseudo_likelihood(X), theirs.score_samples(X), rtol=1e-10)
    assert_allclose(ours.pseudo_likelihood(sp.csr_matrix(X)), theirs.score_samples(X),
                    rtol=1e-10)


def test_training_is_statistically_sklearns(digits):
    """Same settings as sklearn's RBM example: the pseudo-likelihoods agree."""
    X = digits[0]
    params = dict(n_components=100, learning_rate=0.06, n_iter=10)
    theirs = np.mean([SklearnRBM(**params, random_state=s).fit(X).score_samples(X).mean()
                      for s in range(2)])
    ours = np.mean([BernoulliRBM(**params, random_state=s).fit(X).pseudo_likelihood(X).mean()
                    for s in range(2)])
    assert ours == pytest.approx(theirs, rel=0.1)


def test_non_canonical_sparse_input_reads_duplicates_as_sums():
    data, indices, indptr = np.array([0.25, 0.5, 1.0]), np.array([1, 1, 0]), np.array([0, 2, 3])
    X = sp.csr_matrix((data, indices, indptr), shape=(2, 3))
    canonical = X.copy()
    canonical.sum_duplicates()
    assert_same_fit(small_rbm().fit(X), small_rbm().fit(canonical.toarray()))
    too_large = sp.csr_matrix((np.array([0.75, 0.5]), np.array([1, 1]), np.array([0, 2])),
                              shape=(1, 3))
    with pytest.raises(ValueError, match="Values out of range"):
        small_rbm().fit(too_large)
