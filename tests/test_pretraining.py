"""Greedy layer-wise pretraining with autoencoders: the deep autoencoders'
``pretrain="greedy"`` and SDAClassifier, against stacks fitted by hand."""

import pickle

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.utils.estimator_checks import parametrize_with_checks

from skgen import Autoencoder, ContractiveAE, DenoisingAE, SDAClassifier, SparseAE
from skgen.network._classifier import Labels


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:300] / 16, y[:300]


def hand_seeds(random_state, n_layers):
    """The seeds the docs promise: the first integers drawn from random_state."""
    return np.random.RandomState(random_state).randint(np.iinfo(np.int32).max,
                                                       size=n_layers)


# Each family with its noise or penalty; sigmoid codes (so the upper layers use the
# cross-entropy) and relu codes (the squared error).
FAMILIES = [
    (Autoencoder, {}),
    (DenoisingAE, {"noise": "masking", "noise_level": 0.3}),
    (SparseAE, {"sparsity": "l1", "sparsity_weight": 0.01}),
    (ContractiveAE, {"contraction_weight": 0.05}),
]


@pytest.mark.parametrize("Model, extra", FAMILIES, ids=lambda v: getattr(v, "__name__", ""))
@pytest.mark.parametrize("activation", ["sigmoid", "relu"])
@pytest.mark.parametrize("tied_weights", [False, True])
def test_each_greedy_layer_is_a_shallow_autoencoder_fitted_by_hand(
        digits, Model, extra, activation, tied_weights):
    X, _ = digits
    common = {"activation": activation, "tied_weights": tied_weights, "batch_size": 50,
              **extra}
    model = Model(hidden_layer_sizes=(24, 8), output_activation="sigmoid", loss="bce",
                  pretrain="greedy", pretrain_max_iter=4, max_iter=1, random_state=3,
                  **common)
    model.fit(X)

    first_seed, second_seed = hand_seeds(3, 2)
    first = Model(hidden_layer_sizes=(24,), output_activation="sigmoid", loss="bce",
                  max_iter=4, random_state=first_seed, **common).fit(X)
    upper_loss = "bce" if activation == "sigmoid" else "mse"
    second = Model(hidden_layer_sizes=(8,), output_activation=activation, loss=upper_loss,
                   max_iter=4, random_state=second_seed, **common)
    second.fit(first.transform(X))

    assert len(model.autoencoders_) == 2
    for fitted, by_hand in zip(model.autoencoders_, [first, second]):
        assert isinstance(fitted, Model)
        for got, expected in zip(fitted.coefs_ + fitted.intercepts_,
                                 by_hand.coefs_ + by_hand.intercepts_):
            assert_array_equal(got, expected)
    # The deep network starts from the layers: encoder l and its mirror decoder.
    start = model._initial_state(X, None, np.random.RandomState(3))
    network, params = start["_network"], start["_params"]
    coefs, intercepts = network.coefs(params), network.intercepts(params)
    for layer, shallow in enumerate([first, second]):
        assert_array_equal(coefs[layer], shallow.coefs_[0])
        assert_array_equal(coefs[3 - layer], shallow.coefs_[1])
        assert_array_equal(intercepts[layer], shallow.intercepts_[0])
        assert_array_equal(intercepts[3 - layer], shallow.intercepts_[1])
    if tied_weights:
        assert np.shares_memory(coefs[3], coefs[0])


def test_greedy_pretraining_float32_computes_in_float32_with_the_same_draws(digits):
    X, _ = digits
    params = {"hidden_layer_sizes": (16, 4), "pretrain": "greedy", "pretrain_max_iter": 3,
              "max_iter": 2, "random_state": 0}
    wide = DenoisingAE(**params).fit(X)
    narrow = DenoisingAE(**params).fit(X.astype(np.float32))
    assert all(c.dtype == np.float32 for c in narrow.coefs_)
    assert all(layer.coefs_[0].dtype == np.float32 for layer in narrow.autoencoders_)
    assert_allclose(narrow.coefs_[0], wide.coefs_[0], atol=1e-3)


def test_pretraining_changes_the_start_and_none_keeps_glorot(digits):
    X, _ = digits
    plain = DenoisingAE((16, 4), max_iter=1, random_state=0).fit(X)
    pretrained = DenoisingAE((16, 4), pretrain="greedy", pretrain_max_iter=2, max_iter=1,
                             random_state=0).fit(X)
    assert plain.autoencoders_ == []
    assert not np.allclose(plain.coefs_[0], pretrained.coefs_[0])


def test_pretraining_runs_once_per_new_model(digits):
    X, _ = digits
    model = SparseAE((16, 4), pretrain="greedy", pretrain_max_iter=2, max_iter=2,
                     warm_start=True, random_state=0).fit(X)
    layers = model.autoencoders_
    model.fit(X)  # A warm start continues the network; it pretrains nothing.
    assert all(a is b for a, b in zip(model.autoencoders_, layers))

    incremental = Autoencoder((16, 4), pretrain="greedy", pretrain_max_iter=2,
                              random_state=0)
    incremental.partial_fit(X)
    first = incremental.autoencoders_
    assert [layer.n_iter_ for layer in first] == [2, 2]
    incremental.partial_fit(X)
    assert all(a is b for a, b in zip(incremental.autoencoders_, first))


def test_greedy_denoising_autoencoder_in_a_pipeline(digits):
    X, y = digits
    pipeline = make_pipeline(
        DenoisingAE((32, 16), pretrain="greedy", pretrain_max_iter=3, max_iter=3,
                    random_state=0),
        LogisticRegression(max_iter=500),
    )
    pipeline.fit(X, y)
    assert pipeline.score(X, y) > 0.5
    assert pipeline.predict(X[:5]).shape == (5,)


# -- SDAClassifier ---------------------------------------------------------------------


def test_sda_layers_are_denoising_autoencoders_fitted_by_hand(digits):
    X, y = digits
    model = SDAClassifier((20, 10), activation="sigmoid", noise_level=0.2, learning_rate=0.01,
                          batch_size=30, n_iter=3, max_iter=1, random_state=5)
    model.fit(X, y)
    seeds = hand_seeds(5, 2)
    common = {"activation": "sigmoid", "noise": "masking", "noise_level": 0.2, "alpha": 1e-3,
              "learning_rate_init": 0.01, "batch_size": 30, "max_iter": 3}
    first = DenoisingAE((20,), output_activation="sigmoid", loss="bce",
                        random_state=seeds[0], **common).fit(X)
    second = DenoisingAE((10,), output_activation="sigmoid", loss="bce",
                         random_state=seeds[1], **common).fit(first.transform(X))
    for fitted, by_hand in zip(model.autoencoders_, [first, second]):
        assert_array_equal(fitted.coefs_[0], by_hand.coefs_[0])
        assert_array_equal(fitted.intercepts_[1], by_hand.intercepts_[1])
    labels = Labels(y, *np.unique(y, return_inverse=True))
    start = model._initial_state(X, labels, np.random.RandomState(5))
    network, params = start["_network"], start["_params"]
    coefs, intercepts = network.coefs(params), network.intercepts(params)
    for layer, shallow in enumerate([first, second]):
        assert_array_equal(coefs[layer], shallow.coefs_[0])
        assert_array_equal(intercepts[layer], shallow.intercepts_[0])
    assert coefs[2].shape == (10, 10)
    assert_array_equal(intercepts[2], 0.0)
    assert [len(scores) for scores in model.pretraining_scores_] == [3, 3]


def test_sda_without_pretraining_is_an_mlp_start(digits):
    X, y = digits
    model = SDAClassifier((16,), n_iter=0, max_iter=5, random_state=0).fit(X, y)
    assert model.autoencoders_ == []
    assert model.pretraining_scores_ == []
    assert model.n_iter_ == 5


def test_sda_learns_digits_with_string_labels(digits):
    X, y = digits
    labels = np.array(["zero", "one", "two", "three", "four", "five", "six", "seven",
                       "eight", "nine"])[y]
    model = SDAClassifier((64,), n_iter=5, max_iter=60, learning_rate_init=0.01,
                          random_state=0).fit(X, labels)
    assert set(model.classes_) == set(labels)
    assert model.score(X, labels) > 0.9
    proba = model.predict_proba(X[:7])
    assert_allclose(proba.sum(axis=1), 1.0)
    assert model.predict(X[:7]).dtype == labels.dtype


def test_sda_early_stopping_keeps_the_best_validation_accuracy(digits):
    X, y = digits
    model = SDAClassifier((16,), n_iter=2, max_iter=40, early_stopping=True,
                          n_iter_no_change=3, random_state=0).fit(X, y)
    assert model.best_validation_score_ == max(model.validation_scores_)
    assert model.best_loss_ is None


@pytest.mark.parametrize("bad, message", [
    (np.nan, "NaN"),
    (np.inf, "infinity"),
    (1.5, r"\[0, 1\]"),
])
def test_sda_bad_input_names_the_problem_and_fits_nothing(digits, bad, message):
    X, y = digits
    X = X.copy()
    X[3, 5] = bad
    model = SDAClassifier((8,), n_iter=1, max_iter=1)
    with pytest.raises(ValueError, match=message):
        model.fit(X, y)
    assert not hasattr(model, "classes_")


def test_sda_feature_count_must_match_and_gaussian_units_take_real_data(digits):
    X, y = digits
    model = SDAClassifier((8,), n_iter=1, max_iter=2, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="features"):
        model.predict(X[:, :10])
    real = (X - X.mean(axis=0)) * 3
    gaussian = SDAClassifier((8,), visible_units="gaussian", n_iter=1, max_iter=2,
                             random_state=0).fit(real, y)
    assert gaussian.autoencoders_[0].loss == "mse"
    assert gaussian.autoencoders_[0].out_activation_ == "identity"


def test_sda_pickle_round_trip(digits):
    X, y = digits
    model = SDAClassifier((8, 4), n_iter=1, max_iter=2, random_state=0).fit(X, y)
    loaded = pickle.loads(pickle.dumps(model))
    assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))
    assert_array_equal(loaded.autoencoders_[1].coefs_[0], model.autoencoders_[1].coefs_[0])


def test_sda_same_seed_same_bits(digits):
    X, y = digits
    params = {"hidden_layer_sizes": (8, 4), "n_iter": 2, "max_iter": 3, "random_state": 1}
    first = SDAClassifier(**params).fit(X, y)
    second = SDAClassifier(**params).fit(X, y)
    for a, b in zip(first.coefs_, second.coefs_):
        assert_array_equal(a, b)


# -- sklearn's checks with pretraining on -----------------------------------------------


@parametrize_with_checks(
    [Model(hidden_layer_sizes=(6, 3), pretrain="greedy", pretrain_max_iter=2, max_iter=3,
           random_state=0, **extra) for Model, extra in FAMILIES]
    + [SDAClassifier((16, 8), visible_units="gaussian", n_iter=2, max_iter=100,
                     learning_rate_init=0.01, random_state=0)]
)
def test_sklearn_compatible_with_greedy_pretraining(estimator, check):
    check(estimator)
