"""DBN and DBNClassifier: the stack against RBMs fitted by hand, the bound against
brute-force enumeration, sampling, generative and discriminative classification,
and the estimator API on data in [0, 1] (which sklearn's common checks cannot use
with Bernoulli visible units)."""

import contextlib
import itertools
import pickle
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from scipy.special import expit, logsumexp
from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import Pipeline

from skgen import (
    DBN,
    BernoulliRBM,
    DBNClassifier,
    DivergenceError,
    GaussianBernoulliRBM,
)
from skgen.dbn._labelled import LabelledRBM


def layer_seeds(random_state, n_layers):
    """The documented derivation: RBM l is seeded with the l-th int of the stream."""
    return np.random.RandomState(random_state).randint(np.iinfo(np.int32).max,
                                                       size=n_layers)


@pytest.fixture(scope="module")
def binary_data():
    rng = np.random.RandomState(0)
    prototypes = rng.uniform(size=(3, 10)) < 0.5
    rows = prototypes[rng.randint(3, size=120)]
    flips = rng.uniform(size=rows.shape) < 0.1
    return (rows ^ flips).astype(np.float64)


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return train_test_split(X / 16.0, y, random_state=0)


# -- the stack is its RBMs ----------------------------------------------------------


def test_one_layer_dbn_equals_its_rbm(binary_data):
    dbn = DBN((6,), n_iter=3, random_state=0).fit(binary_data)
    (seed,) = layer_seeds(0, 1)
    rbm = BernoulliRBM(6, n_iter=3, random_state=seed).fit(binary_data)
    assert_array_equal(dbn.rbms_[0].components_, rbm.components_)
    assert_array_equal(dbn.transform(binary_data), rbm.transform(binary_data))
    assert_allclose(dbn.score_samples(binary_data), rbm.score_samples(binary_data),
                    rtol=1e-12)
    assert_allclose(dbn.inverse_transform(dbn.transform(binary_data)),
                    rbm.inverse_transform(rbm.transform(binary_data)))


@pytest.mark.parametrize("visible_units", ["bernoulli", "gaussian"])
def test_layerwise_training_equals_rbms_fitted_by_hand(binary_data, visible_units):
    params = {"learning_rate": [0.05, 0.1, 0.02], "n_iter": [2, 3, 4],
                  "batch_size": [10, 5, 7], "persistent": [True, False, True],
                  "n_gibbs_steps": [1, 2, 1], "momentum": 0.5, "weight_decay": [0.0, 1e-3, 0.0]}
    dbn = DBN((7, 5, 4), visible_units=visible_units, output_layers="top", random_state=3,
              **params)
    dbn.fit(binary_data)
    seeds = layer_seeds(3, 3)
    data = binary_data
    bottom = BernoulliRBM if visible_units == "bernoulli" else GaussianBernoulliRBM
    for layer, size in enumerate((7, 5, 4)):
        model = bottom if layer == 0 else BernoulliRBM
        rbm = model(size, random_state=seeds[layer], centering=dbn.centering, **{
            name: value[layer] if isinstance(value, list) else value
            for name, value in params.items()
        }).fit(data)
        fitted = dbn.rbms_[layer]
        assert type(fitted) is model
        for name in ("components_", "intercept_hidden_", "intercept_visible_"):
            assert_array_equal(getattr(fitted, name), getattr(rbm, name))
        data = rbm.transform(data)
    assert_array_equal(dbn.transform(binary_data), data)
    all_layers = clone(dbn).set_params(output_layers="all").fit(binary_data)
    assert all_layers.transform(binary_data).shape == (120, 16)
    assert_array_equal(all_layers.transform(binary_data)[:, -4:], data)
    assert list(all_layers.get_feature_names_out()) == [f"dbn{i}" for i in range(16)]


def test_inverse_transform_takes_the_top_layer_or_all_layers(binary_data):
    """With output_layers="all" (the default), inverse_transform takes
    transform's output, whose last columns are the top layer's, or the top
    layer alone; other widths are refused."""
    dbn = DBN((6, 4), n_iter=2, random_state=0).fit(binary_data)
    features = dbn.transform(binary_data)
    assert features.shape == (120, 10)
    restored = dbn.inverse_transform(features)
    top = dbn.set_params(output_layers="top").transform(binary_data)
    assert_array_equal(features[:, 6:], top)
    assert_array_equal(dbn.inverse_transform(top), restored)
    dbn.set_params(output_layers="all")
    assert_array_equal(dbn.inverse_transform(top), restored)
    with pytest.raises(ValueError, match="expecting 4 features .* or 10"):
        dbn.inverse_transform(features[:, :7])


def test_labels_join_the_top_rbm(binary_data):
    y = np.arange(120) % 3
    dbn = DBN((6, 4), n_iter=2, discriminative_weight=0.5, random_state=0)
    dbn.fit(binary_data, y)
    seeds = layer_seeds(0, 2)
    bottom = BernoulliRBM(6, n_iter=2, random_state=seeds[0]).fit(binary_data)
    joined = np.hstack([bottom.transform(binary_data), np.eye(3)[y]])
    top = LabelledRBM(4, n_labels=3, discriminative_weight=0.5, n_iter=2,
                      random_state=seeds[1]).fit(joined)
    assert type(dbn.rbms_[1]) is LabelledRBM
    assert_array_equal(dbn.rbms_[1].components_, top.components_)
    # Settling the labels exactly: softmax over the top RBM's -F(h, e_c).
    below = bottom.transform(binary_data)
    scores = np.column_stack([
        -top.free_energy(np.hstack([below, np.tile(np.eye(3)[c], (120, 1))]))
        for c in range(3)
    ])
    expected = np.exp(scores - logsumexp(scores, axis=1, keepdims=True))
    proba = dbn.predict_proba(binary_data)
    assert_allclose(proba, expected, rtol=1e-10)
    assert_array_equal(dbn.predict(binary_data), np.argmax(expected, axis=1))
    # The features are those of the data alone: the label units are off.
    assert_allclose(dbn.transform(binary_data)[:, -4:],
                    top.transform(np.hstack([below, np.zeros((120, 3))])), rtol=1e-6)


def test_start_and_centering_reach_every_layer(binary_data):
    """The DBNs pass visible_bias_init and centering to every RBM; with labels,
    the label units start at the log of the classes' smoothed frequencies."""
    y = np.minimum(np.arange(120) % 5, 3)  # class 3 twice as frequent as the others
    start = DBN((6, 4), n_iter=0, random_state=0).fit(binary_data, y)
    bottom, top = start.rbms_
    below = bottom.transform(binary_data)
    mean = (below.sum(axis=0) + 0.5) / 121
    assert_allclose(top.intercept_visible_[:6], np.log(mean / (1 - mean)), rtol=1e-12)
    assert_allclose(top.intercept_visible_[6:], np.log((np.bincount(y) + 0.5) / 121),
                    rtol=1e-12)
    for Estimator, extra in ((DBN, {}), (DBNClassifier, {"max_iter": 1})):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            plain = Estimator((6, 4), n_iter=0, visible_bias_init="zeros",
                              centering=False, random_state=0, **extra)
            plain.fit(binary_data, y)
        for rbm in plain.rbms_:
            assert rbm.centering is False
            assert_array_equal(rbm.intercept_visible_, 0.0)


def test_labelled_rbm_log_partition_sums_over_one_hot_labels():
    rng = np.random.RandomState(0)
    X = np.hstack([(rng.uniform(size=(50, 5)) < 0.4), np.eye(3)[rng.randint(3, size=50)]])
    rbm = LabelledRBM(4, n_labels=3, n_iter=5, learning_rate=0.2, random_state=0).fit(X)
    rbm.components_ *= 3  # far from the base model, so that AIS has work to do
    visible = np.array([np.concatenate([free, np.eye(3)[label]])
                        for free in _states(5) for label in range(3)])
    brute_force = logsumexp(-rbm.free_energy(visible))
    assert rbm.log_partition("exact") == pytest.approx(brute_force, rel=1e-12)
    estimate, std = rbm.log_partition("ais", n_chains=200, n_betas=2000, return_std=True)
    assert estimate == pytest.approx(brute_force, abs=max(4 * std, 0.05))
    # Over the one-hot labels only: the probabilities of one-hot rows sum to 1.
    assert np.exp(logsumexp(rbm.score_samples(visible))) == pytest.approx(1.0)


# -- the bound -------------------------------------------------------------------------


def _states(n_units):
    return np.array(list(itertools.product([0.0, 1.0], repeat=n_units)))


def _log_conditional(rbm, visible, hidden):
    """log p(visible | hidden) for every pair of rows: shape (n_visible, n_hidden)."""
    visible_input = hidden @ rbm.components_ + rbm.intercept_visible_
    return visible @ visible_input.T - np.logaddexp(0, visible_input).sum(1)


def test_bound_is_below_the_exact_likelihood_and_matches_the_exact_elbo(binary_data):
    data = binary_data[:, :6]
    # sklearn's start and training: on this tiny problem its weights grow far
    # larger than from the data start, where the biases hold the marginals.
    dbn = DBN((5, 4), n_iter=20, learning_rate=0.1, visible_bias_init="zeros",
              centering=False, random_state=0).fit(data)
    bottom, top = dbn.rbms_
    # Stronger weights make the true posterior far from factorial: a wide gap.
    bottom.components_ *= 4
    visible, hidden = _states(6), _states(5)
    # Brute force: p(v) = sum_h1 p(v | h1) p(h1), with p(h1) the top RBM's marginal.
    log_prior = -top.free_energy(hidden) - top.log_partition("exact")
    log_joint = _log_conditional(bottom, visible, hidden) + log_prior
    exact = logsumexp(log_joint, axis=1)
    assert logsumexp(exact) == pytest.approx(0.0, abs=1e-10)
    # The exact variational bound with the bottom-up recognition model Q(h1 | v).
    q = expit(visible @ bottom.components_.T + bottom.intercept_hidden_)
    log_q = hidden @ np.log(q).T + (1 - hidden) @ np.log1p(-q).T
    elbo = np.sum(np.exp(log_q.T) * (log_joint - log_q.T), axis=1)
    assert np.all(elbo <= exact + 1e-12)
    assert np.mean(exact - elbo) > 0.1

    # 10 samples of Q per row and per seed; 30 seeds average 300.
    averaged = np.mean([dbn.set_params(random_state=seed).score_samples(visible)
                        for seed in range(30)], axis=0)
    assert_allclose(averaged, elbo, atol=0.3)
    assert np.mean(averaged) == pytest.approx(np.mean(elbo), abs=0.05)
    assert np.mean(averaged) < np.mean(exact) - 0.1
    assert dbn.score(visible) == pytest.approx(np.mean(dbn.score_samples(visible)))


def test_bound_with_gaussian_visible_units_is_finite(binary_data):
    rng = np.random.RandomState(0)
    X = rng.standard_normal((60, 4))
    dbn = DBN((3, 2), visible_units="gaussian", learning_rate=0.01, n_iter=2,
              random_state=0).fit(X)
    bound = dbn.score_samples(X)
    assert bound.shape == (60,) and np.isfinite(bound).all()
    one = DBN((3,), visible_units="gaussian", learning_rate=0.01, n_iter=2,
              random_state=0).fit(X)
    assert_allclose(one.score_samples(X), one.rbms_[0].score_samples(X))


# -- sampling ----------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_sampling_shapes_dtypes_and_seeding(binary_data, dtype):
    X = binary_data.astype(dtype)
    y = np.array(["a", "b", "c"])[np.arange(120) % 3]
    for labels in (None, y):
        dbn = DBN((6, 4), n_iter=2, random_state=0).fit(X, labels)
        samples = dbn.sample(5, n_gibbs_steps=10)
        assert samples.shape == (5, 10) and samples.dtype == dtype
        assert np.all((samples >= 0) & (samples <= 1))
        assert_array_equal(samples, dbn.sample(5, n_gibbs_steps=10))
        assert_array_equal(dbn.sample(5, n_gibbs_steps=10, random_state=1),
                           dbn.sample(5, n_gibbs_steps=10, random_state=1))
        assert not np.array_equal(samples,
                                  dbn.sample(5, n_gibbs_steps=10, random_state=1))
        assert dbn.sample(n_gibbs_steps=0).shape == (1, 10)
    assert dbn.sample(4, y="b", n_gibbs_steps=3).shape == (4, 10)
    assert dbn.sample(3, y=["a", "c", "b"], n_gibbs_steps=3).dtype == dtype
    with pytest.raises(ValueError, match="not among the classes"):
        dbn.sample(2, y="z")
    with pytest.raises(ValueError, match="labels, but n_samples"):
        dbn.sample(2, y=["a", "b", "c"])
    with pytest.raises(ValueError, match="fitted without labels"):
        DBN((4,), n_iter=1).fit(X).sample(2, y="a")
    with pytest.raises(ValueError, match="n_samples"):
        dbn.sample(0)


# -- accuracy --------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("use_labels", [True, False])
@pytest.mark.parametrize("random_state", [0, 1])
def test_dbn_features_are_as_good_as_an_rbms(digits, random_state, use_labels):
    """Issue 14's bar at the defaults: ``Pipeline(DBN((100, 100)), LR)`` on digits is
    at least as accurate as ``Pipeline(BernoulliRBM(100), LR)``.

    The comparison is fair by construction: the RBM is seeded as the DBN's first
    RBM, so it is the DBN's first layer, and the DBN's features
    (``output_layers="all"``, the default) are the RBM's followed by those of a
    second layer of 100 units. The Pipeline passes y to the DBN: with
    ``use_labels`` (the default) its top RBM models the labels, and its features
    are those of the data alone; without, it ignores y, as the RBM does.

    Measured over seeds 0-5 (450 test digits): with labels the DBN won in all six,
    0.939 against 0.930 on average (2 to 8 digits); without, it tied or won in the
    four tried (0 to 3 digits). At sklearn's settings instead (learning rate 0.05,
    30 epochs, zero visible biases, no centering or momentum, 200 units, binarised
    digits) the DBN trails the RBM by 1 to 2 digits on average over six seeds, so
    the claim is made at skgen's defaults only."""
    X_train, X_test, y_train, y_test = digits
    (first_seed,) = layer_seeds(random_state, 1)
    rbm = Pipeline([("rbm", BernoulliRBM(100, random_state=first_seed)),
                    ("logistic", LogisticRegression(C=100, max_iter=1000))])
    rbm_accuracy = rbm.fit(X_train, y_train).score(X_test, y_test)
    dbn = Pipeline([("dbn", DBN((100, 100), use_labels=use_labels,
                                random_state=random_state)),
                    ("logistic", LogisticRegression(C=100, max_iter=1000))])
    dbn_accuracy = dbn.fit(X_train, y_train).score(X_test, y_test)
    assert_array_equal(dbn[0].rbms_[0].components_, rbm[0].components_)
    assert hasattr(dbn[0], "classes_") == use_labels
    assert (type(dbn[0].rbms_[-1]) is BernoulliRBM) != use_labels
    assert dbn_accuracy >= rbm_accuracy


def test_classifier_matches_an_mlp_of_the_same_architecture(digits):
    X_train, X_test, y_train, y_test = digits
    model = DBNClassifier((100,), n_iter=10, max_iter=100, random_state=0)
    with pytest.warns(ConvergenceWarning):
        accuracy = model.fit(X_train, y_train).score(X_test, y_test)
    mlp = MLPClassifier((100,), activation="logistic", max_iter=100, random_state=0)
    with pytest.warns(ConvergenceWarning):
        mlp.fit(X_train, y_train)
    assert accuracy >= mlp.score(X_test, y_test)
    assert accuracy > 0.94
    proba = model.predict_proba(X_test)
    assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)
    assert [c.shape for c in model.coefs_] == [(64, 100), (100, 10)]


def test_classifier_starts_from_the_rbms(binary_data):
    y = np.arange(120) % 2
    model = DBNClassifier((5, 3), n_iter=2, max_iter=1, learning_rate_init=1e-12,
                          random_state=0)
    with pytest.warns(ConvergenceWarning):
        model.fit(binary_data, y)
    hidden = model.rbms_[1].transform(model.rbms_[0].transform(binary_data))
    logits = hidden @ model.coefs_[2] + model.intercepts_[2]
    expected = np.exp(logits - logsumexp(logits, axis=1, keepdims=True))
    assert_allclose(model.predict_proba(binary_data), expected, rtol=1e-6)


def test_classifier_string_labels_early_stopping_and_sparse(binary_data):
    y = np.array(["spam", "ham", "eggs"])[np.arange(120) % 3]
    model = DBNClassifier((8,), n_iter=3, max_iter=30, early_stopping=True,
                          n_iter_no_change=3, random_state=0)
    model.fit(sp.csr_matrix(binary_data), y)
    assert list(model.classes_) == ["eggs", "ham", "spam"]
    assert model.predict(binary_data).dtype == model.classes_.dtype
    assert len(model.validation_scores_) == model.n_iter_
    assert model.best_loss_ is None
    assert_allclose(model.predict_proba(sp.csr_matrix(binary_data)),
                    model.predict_proba(binary_data), rtol=1e-6)


# -- the estimator API on data in [0, 1] ---------------------------------------------------


@pytest.mark.parametrize("Estimator", [DBN, DBNClassifier])
def test_pickle_idempotence_and_dtypes(binary_data, Estimator):
    y = np.arange(120) % 3
    model = Estimator((6, 4), n_iter=2, random_state=0)
    if Estimator is DBNClassifier:
        model.set_params(max_iter=5)
    method = "predict_proba" if Estimator is DBNClassifier else "transform"
    with pytest.warns(ConvergenceWarning) if Estimator is DBNClassifier else _no_warning():
        first = getattr(model.fit(binary_data, y), method)(binary_data)
        again = getattr(clone(model).fit(binary_data, y), method)(binary_data)
    assert_array_equal(first, again)
    restored = pickle.loads(pickle.dumps(model))
    assert_array_equal(getattr(restored, method)(binary_data), first)
    with pytest.warns(ConvergenceWarning) if Estimator is DBNClassifier else _no_warning():
        small = clone(model).fit(binary_data.astype(np.float32), y)
    output = getattr(small, method)(binary_data.astype(np.float32))
    assert output.dtype == np.float32
    assert_allclose(output, first, atol=1e-3)
    assert_allclose(getattr(model, method)(binary_data[:7]), first[:7], rtol=1e-12)


def _no_warning():
    return contextlib.nullcontext()


@pytest.mark.parametrize("Estimator", [DBN, DBNClassifier])
def test_bad_inputs(binary_data, Estimator):
    y = np.arange(120) % 2
    with pytest.raises(ValueError, match="learning_rate must be a scalar or have one"):
        Estimator((4, 3), learning_rate=[0.1, 0.1, 0.1]).fit(binary_data, y)
    with pytest.raises(ValueError, match="n_iter"):
        Estimator((4, 3), n_iter=[1, -1]).fit(binary_data, y)
    with pytest.raises(ValueError, match="hidden_layer_sizes"):
        Estimator((4, 0)).fit(binary_data, y)
    with pytest.raises(ValueError, match="NaN"):
        Estimator((4,)).fit(np.full((3, 2), np.nan), [0, 1, 0])
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        Estimator((4,)).fit(binary_data * 2, y)
    model = Estimator((4,), n_iter=1, max_iter=1) if Estimator is DBNClassifier else (
        Estimator((4,), n_iter=1))
    with pytest.warns(ConvergenceWarning) if Estimator is DBNClassifier else _no_warning():
        model.fit(binary_data, y)
    with pytest.raises(ValueError, match="features"):
        (model.predict if Estimator is DBNClassifier else model.transform)(
            binary_data[:, :3])
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        (model.predict if Estimator is DBNClassifier else model.transform)(
            binary_data - 1)


def test_dbn_without_labels_has_no_predict(binary_data):
    dbn = DBN((4,), n_iter=1).fit(binary_data)
    assert not hasattr(dbn, "predict")
    dbn.fit(binary_data, np.arange(120) % 2)
    assert hasattr(dbn, "predict") and hasattr(dbn, "classes_")
    dbn.fit(binary_data)
    assert not hasattr(dbn, "classes_")
    with pytest.raises(ValueError, match="at least two hidden layers"):
        DBN((4,), visible_units="gaussian").fit(binary_data, np.arange(120) % 2)


def test_grid_search_over_hidden_layer_sizes(binary_data):
    y = (binary_data[:, 0] > 0.5).astype(int)
    search = GridSearchCV(
        DBNClassifier(n_iter=2, max_iter=20, random_state=0),
        {"hidden_layer_sizes": [(4,), (6, 4)]}, cv=2,
    )
    with pytest.warns(ConvergenceWarning):
        search.fit(binary_data, y)
    assert search.best_params_["hidden_layer_sizes"] in [(4,), (6, 4)]
    pipeline = Pipeline([("dbn", DBN(n_iter=2, random_state=0)),
                         ("logistic", LogisticRegression())])
    search = GridSearchCV(pipeline, {"dbn__hidden_layer_sizes": [(4,), (6, 4)]}, cv=2)
    search.fit(binary_data, y)
    assert search.best_score_ > 0.8


# -- up-down fine-tuning -----------------------------------------------------------------


def test_up_down_fine_tuning_does_not_lower_the_held_out_bound(digits):
    X_train, X_test, y_train, _ = digits
    X_train, X_test = (X_train > 0.5).astype(float), (X_test > 0.5).astype(float)
    dbn = DBN((40, 15), n_iter=10, learning_rate=0.05, random_state=0)
    before = dbn.fit(X_train).score(X_test)
    tuned = clone(dbn).set_params(fine_tune_iter=5, fine_tune_learning_rate=0.01)
    after = tuned.fit(X_train).score(X_test)
    assert after >= before
    # The greedy layers are the same; fine-tuning unties the layers below the top.
    assert len(tuned.recognition_rbms_) == 1
    assert not np.array_equal(tuned.recognition_rbms_[0].components_,
                              tuned.rbms_[0].components_)
    assert dbn.recognition_rbms_[0] is dbn.rbms_[0]
    labelled = clone(tuned).fit(X_train, y_train)
    assert labelled.sample(3, y=4, n_gibbs_steps=5).shape == (3, 64)
    with pytest.raises(ValueError, match="bernoulli"):
        clone(tuned).set_params(visible_units="gaussian").fit(X_train)
    # float32 data is fine-tuned in float32.
    single = clone(tuned).fit(X_train.astype(np.float32), y_train)
    for rbms in (single.rbms_, single.recognition_rbms_):
        assert all(rbm.components_.dtype == np.float32 for rbm in rbms)
        assert all(rbm.intercept_hidden_.dtype == np.float32 for rbm in rbms)
        # The kernel's layouts are undone: RBMs keep Fortran-ordered weights.
        assert all(rbm.components_.flags.f_contiguous for rbm in rbms)
    # Seeded: with some seeds the huge steps saturate every unit, the errors
    # vanish and the weights stay finite.
    unfitted = DBN((5, 4), n_iter=2, fine_tune_iter=3, fine_tune_learning_rate=1e308,
                   random_state=2)
    with pytest.raises(DivergenceError, match="Lower fine_tune_learning_rate"):
        unfitted.fit(X_train)
    assert not hasattr(unfitted, "rbms_")




def test_partial_fit_trains_each_layer_one_pass(digits):
    X = digits[0][:120]  # the training split
    model = DBN(hidden_layer_sizes=(8, 6), random_state=0)
    assert model.partial_fit(X[:60]) is model
    model.partial_fit(X[60:])
    # The same passes by hand: each RBM's partial_fit on the layer below.
    reference = DBN(hidden_layer_sizes=(8, 6), random_state=0)
    from skgen.dbn._base import layer_rbms

    rbms = layer_rbms(reference, np.random.RandomState(0),
                      ais_n_chains=reference.ais_n_chains, ais_n_betas=reference.ais_n_betas)
    for block in (X[:60], X[60:]):
        rbms[0].partial_fit(block)
        rbms[1].partial_fit(rbms[0].transform(block))
    for fitted, expected in zip(model.rbms_, rbms, strict=True):
        assert_array_equal(fitted.components_, expected.components_)
    assert model.recognition_rbms_ == model.rbms_[:-1]
    assert model.transform(X).shape == (120, 8 + 6)
    with pytest.raises(ValueError, match="features"):
        model.partial_fit(X[:, :10])


def test_partial_fit_with_labels_keeps_the_first_calls_classes(digits):
    X, y = digits[0][:120], digits[2][:120]
    inferred = DBN(hidden_layer_sizes=(16,), random_state=0).partial_fit(X[:5], y[:5])
    assert_array_equal(inferred.classes_, np.unique(y[:5]))
    model = DBN(hidden_layer_sizes=(16,), random_state=0)
    model.partial_fit(X[:60], y[:60], classes=np.arange(10))
    model.partial_fit(X[60:], y[60:])
    assert_array_equal(model.classes_, np.arange(10))
    assert set(model.predict(X)) <= set(range(10))
    with pytest.raises(ValueError, match="on every call"):
        model.partial_fit(X)
    with pytest.raises(ValueError, match="not in classes"):
        model.partial_fit(X[:2], np.array([3, 11]))
