"""BoltzmannMachine: its likelihood against brute force, learning, inference,
sampling, and the estimator API."""

import pickle

import naive_boltzmann
import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV

from skgen import BernoulliRBM, BoltzmannMachine, DivergenceError
from skgen.boltzmann import _kernels


def _data(n_samples=60, n_features=5, seed=0):
    rng = np.random.default_rng(seed)
    prototypes = (rng.random((3, n_features)) < 0.5).astype(float)
    X = prototypes[rng.integers(0, 3, n_samples)]
    flips = rng.random(X.shape) < 0.1
    return np.abs(X - flips)


def _fitted(**params):
    params = {"n_hidden": 3, "n_iter": 5, "random_state": 0, **params}
    return BoltzmannMachine(**params).fit(_data())


def _encoder_mask():
    """The 4-2-4 encoder of Ackley et al.: two groups of 4 visible units, each
    connected within itself and to the 2 hidden units, which connect to each
    other; no connection between the groups."""
    groups = [range(0, 4), range(4, 8), range(8, 10)]
    mask = np.zeros((10, 10), dtype=bool)
    for group in groups:
        mask[np.ix_(group, group)] = True
    mask[np.ix_(range(8), range(8, 10))] = True
    mask[np.ix_(range(8, 10), range(8))] = True
    return mask


def test_fitted_attributes():
    model = _fitted()
    n_units = 8
    assert model.weights_.shape == (n_units, n_units)
    assert_array_equal(model.weights_, model.weights_.T)
    assert (np.diag(model.weights_) == 0).all()
    assert model.bias_.shape == (n_units,)
    assert model.n_features_in_ == 5
    assert model.connectivity_.shape == (n_units, n_units)
    assert_allclose(model.offsets_[:5], _data().mean(axis=0))
    assert_allclose(model.offsets_[5:], 0.5)


def test_score_samples_is_exact():
    model = _fitted()
    X = _data()[:10]
    weights, bias = model.weights_, model.bias_
    assert_allclose(model.score_samples(X), naive_boltzmann.log_likelihood(weights, bias, X),
                    rtol=1e-10)
    assert_allclose(model.log_partition(), naive_boltzmann.log_partition(weights, bias),
                    rtol=1e-12)
    every_pattern = naive_boltzmann.all_states(5)
    assert_allclose(np.exp(model.score_samples(every_pattern)).sum(), 1.0, rtol=1e-10)
    assert model.score(X) == pytest.approx(model.score_samples(X).mean())


def test_energy_of_full_states():
    model = _fitted()
    states = naive_boltzmann.all_states(8)[::7]
    assert_allclose(model.energy(states),
                    naive_boltzmann.energy(model.weights_, model.bias_, states))
    with pytest.raises(ValueError, match="all 8 units"):
        model.energy(states[:, :5])


def test_large_machines_estimate_log_partition_by_ais():
    rng = np.random.default_rng(1)
    X = (rng.random((40, 18)) < 0.3).astype(float)
    model = BoltzmannMachine(n_hidden=4, n_iter=3, ais_n_chains=100, ais_n_betas=500,
                             random_state=0).fit(X)
    exact = model.log_partition(method="exact")
    assert abs(model.log_partition() - exact) < 0.3
    assert model.log_partition() == model.log_partition(method="ais")


def test_many_hidden_units_estimate_the_hidden_sum():
    rng = np.random.default_rng(2)
    X = (rng.random((30, 4)) < 0.5).astype(float)
    model = BoltzmannMachine(n_hidden=17, n_iter=2, learning_rate=0.05, ais_n_betas=300,
                             random_state=0).fit(X)
    patterns = naive_boltzmann.all_states(4)
    # 21 units: log Z by AIS, and the hidden sums by clamped AIS; here against
    # the enumerating kernel (tests/test_boltzmann_kernels.py checks it).
    exact = np.empty(len(patterns))
    _kernels.hidden_sums_exact(model.weights_, model.bias_, patterns, exact)
    assert_allclose(model.score_samples(patterns) + model.log_partition(), exact,
                    atol=0.1)


def test_learns_the_4_2_4_encoder():
    eye = np.eye(4)
    X = np.tile(np.hstack([eye, eye]), (10, 1))
    model = BoltzmannMachine(n_hidden=2, connectivity=_encoder_mask(), learning_rate=0.5,
                             n_iter=300, n_init=3, random_state=0).fit(X)
    cues = np.hstack([eye, np.full((4, 4), np.nan)])
    assert_array_equal(model.predict(cues)[:, 4:], eye)
    assert model.score(X[:4]) > np.log(0.25) - 0.2
    assert (model.weights_[:4, 4:8] == 0).all()  # no connection between the groups


def test_beats_an_rbm_with_the_same_hidden_units():
    # Visible-visible connections model pairwise structure an RBM of few hidden
    # units cannot.
    rng = np.random.default_rng(3)
    a = (rng.random(400) < 0.5).astype(float)
    b = (rng.random(400) < 0.5).astype(float)
    X = np.column_stack([a, a, b, b, np.abs(a - b)])
    X = np.abs(X - (rng.random(X.shape) < 0.05))
    bm = BoltzmannMachine(n_hidden=1, n_iter=20, random_state=0).fit(X[:300])
    rbm = BernoulliRBM(n_components=1, n_iter=100, learning_rate=0.05,
                       random_state=0).fit(X[:300])
    assert bm.score(X[300:]) > rbm.score(X[300:]) + 0.1


def test_n_init_keeps_the_best_start():
    X = _data()
    one = BoltzmannMachine(n_hidden=2, n_iter=3, random_state=0).fit(X)
    three = BoltzmannMachine(n_hidden=2, n_iter=3, n_init=3, random_state=0).fit(X)
    assert three.score(X) >= one.score(X)


def test_bipartite_connectivity_is_an_rbm_graph():
    model = _fitted(connectivity="bipartite")
    assert (model.weights_[:5, :5] == 0).all()
    assert (model.weights_[5:, 5:] == 0).all()
    assert (model.weights_[:5, 5:] != 0).any()


@pytest.mark.parametrize("inference", ["gibbs", "mean-field"])
def test_transform_and_inverse_transform(inference):
    model = _fitted(inference=inference)
    X = _data()[:7]
    H = model.transform(X)
    assert H.shape == (7, 3) and ((H >= 0) & (H <= 1)).all()
    V = model.inverse_transform(H)
    assert V.shape == (7, 5) and ((V >= 0) & (V <= 1)).all()
    assert_array_equal(model.transform(X), H)  # seeded by random_state
    with pytest.raises(ValueError, match="hidden units"):
        model.inverse_transform(X)


def test_gibbs_and_mean_field_marginals_agree_on_a_weak_machine():
    model = _fitted(n_iter=1, learning_rate=0.01)
    X = _data()[:5]
    gibbs = model.transform(X)
    mean_field = model.set_params(inference="mean-field").transform(X)
    assert_allclose(gibbs, mean_field, atol=0.15)


def test_predict_fills_in_the_missing_values_only():
    model = _fitted(n_iter=20)
    X = _data()[:8].copy()
    cues = X.copy()
    cues[:, [1, 3]] = np.nan
    completed = model.predict(cues)
    assert not np.isnan(completed).any()
    assert_array_equal(completed[:, [0, 2, 4]], X[:, [0, 2, 4]])
    assert set(np.unique(completed)) <= {0.0, 1.0}
    with pytest.raises(ValueError, match="NaN"):
        model.score_samples(cues)


def test_sample_is_seeded_and_binary():
    model = _fitted()
    first = model.sample(20, random_state=1)
    assert first.shape == (20, 5) and set(np.unique(first)) <= {0.0, 1.0}
    assert_array_equal(first, model.sample(20, random_state=1))
    with pytest.raises(ValueError, match="n_samples"):
        model.sample(0)


def test_float32_matches_float64():
    X = _data()
    single = BoltzmannMachine(n_hidden=3, n_iter=3, random_state=0).fit(X.astype(np.float32))
    double = BoltzmannMachine(n_hidden=3, n_iter=3, random_state=0).fit(X)
    assert single.weights_.dtype == np.float32 and double.weights_.dtype == np.float64
    assert single.transform(X.astype(np.float32)).dtype == np.float32
    assert_allclose(single.weights_, double.weights_, atol=1e-4)
    assert single.score(X) == pytest.approx(double.score(X), abs=1e-3)


def test_partial_fit_continues():
    X = _data()
    model = BoltzmannMachine(n_hidden=2, random_state=0)
    assert model.partial_fit(X) is model
    before = model.weights_.copy()
    model.partial_fit(X)
    assert not np.array_equal(before, model.weights_)
    with pytest.raises(ValueError, match="features"):
        model.partial_fit(X[:, :3])


@pytest.mark.parametrize(
    "X, message",
    [
        (np.full((4, 3), 0.5), "units are binary"),
        (np.full((4, 3), -1.0), "Negative values"),
        (np.array([[0.0, np.nan], [1.0, 0.0]]), "NaN"),
        (np.empty((0, 3)), "0 sample"),
    ],
)
def test_bad_training_data_is_rejected(X, message):
    with pytest.raises(ValueError, match=message):
        BoltzmannMachine().fit(X)


def test_a_rejected_fit_leaves_the_old_one():
    model = _fitted()
    weights = model.weights_.copy()
    with pytest.raises(ValueError):
        model.fit(np.full((4, 9), 0.5))
    assert_array_equal(model.weights_, weights)
    assert model.n_features_in_ == 5


@pytest.mark.parametrize(
    "params, message",
    [
        ({"connectivity": np.ones((3, 3), dtype=bool)}, "shape"),
        ({"connectivity": np.triu(np.ones((8, 8), dtype=bool))}, "symmetric"),
        ({"annealing_schedule": (2.0, 0.0)}, "positive"),
    ],
)
def test_bad_parameters_are_rejected(params, message):
    with pytest.raises(ValueError, match=message):
        BoltzmannMachine(n_hidden=3, **params).fit(_data())


def test_divergence_raises_and_keeps_the_old_fit():
    model = _fitted()
    weights = model.weights_.copy()
    with pytest.raises(DivergenceError, match="learning_rate"):
        # Binary units bound each step by a few learning rates: only a rate
        # beyond float32's range (inf, so inf * 0 = NaN) makes the weights overflow.
        model.set_params(learning_rate=1e39, n_iter=3).fit(_data().astype(np.float32))
    assert_array_equal(model.weights_, weights)


def test_pickle_round_trip():
    model = _fitted()
    X = _data()[:5]
    restored = pickle.loads(pickle.dumps(model))
    assert_array_equal(restored.transform(X), model.transform(X))
    assert restored.score(X) == model.score(X)


def test_grid_search_over_n_hidden():
    search = GridSearchCV(BoltzmannMachine(n_iter=3, random_state=0),
                          {"n_hidden": [1, 3]}, cv=2).fit(_data())
    assert search.best_params_["n_hidden"] in (1, 3)
    assert np.isfinite(search.best_score_)


@pytest.mark.parametrize("inference", ["gibbs", "mean-field"])
def test_rows_are_inferred_independently_of_the_others(inference):
    model = _fitted(inference=inference)
    X = _data()[:12]
    order = np.random.RandomState(1).permutation(len(X))
    whole = model.transform(X)
    assert_allclose(model.transform(X[order]), whole[order], rtol=1e-12)
    assert_allclose(model.transform(X[:3]), whole[:3], rtol=1e-12)
    assert_allclose(model.score_samples(X[order]), model.score_samples(X)[order])


def test_fit_is_idempotent_and_clone_refits():
    X = _data()
    model = _fitted()
    weights, bias = model.weights_.copy(), model.bias_.copy()
    model.fit(X)
    assert_array_equal(model.weights_, weights)
    assert_array_equal(model.bias_, bias)
    assert_array_equal(clone(model).fit(X).weights_, weights)


def test_memory_layouts_and_lists_give_the_same_fit():
    X = _data()
    reference = _fitted().weights_
    readonly = X.copy()
    readonly.setflags(write=False)
    for variant in (np.asfortranarray(X), readonly, X.astype(int).tolist()):
        weights = BoltzmannMachine(n_hidden=3, n_iter=5, random_state=0).fit(variant).weights_
        assert_array_equal(weights, reference)


def test_methods_do_not_change_the_estimator():
    model = _fitted()
    X = _data()[:6]
    before = pickle.dumps(model)
    model.transform(X)
    model.inverse_transform(model.transform(X))
    model.score_samples(X)
    model.sample(2)
    cues = X.copy()
    cues[:, 0] = np.nan
    model.predict(cues)
    after = pickle.loads(before)
    assert_array_equal(model.weights_, after.weights_)
    assert_array_equal(model._particles, after._particles)
