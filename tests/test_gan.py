"""GAN: fitting, sampling, dtypes, continuing, the errors, and that it learns."""

import pickle
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from skgen import GAN, DivergenceError

SMALL = {"n_components": 2, "generator_layer_sizes": (8,),
         "discriminator_layer_sizes": (8,), "batch_size": 16, "max_iter": 3,
         "random_state": 0}


def _data(n_samples=64, seed=0):
    return np.random.RandomState(seed).normal(size=(n_samples, 3))


@pytest.mark.parametrize("loss", ["nonsaturating", "wasserstein-gp"])
def test_fit_and_sample(loss):
    X = _data()
    model = GAN(**SMALL, loss=loss).fit(X)
    assert model.n_iter_ == 3 and model.t_ == 3 * len(X)
    assert np.array(model.loss_curve_).shape == (3, 2)
    assert model.loss_.shape == (2,)
    assert model.sample(5).shape == (5, 3)
    assert len(model.coefs_) == 4 and model.coefs_[0].shape == (2, 8)
    assert not hasattr(model, "transform")  # a GAN has no encoder


def test_fit_runs_max_iter_epochs_without_a_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = GAN(**{**SMALL, "max_iter": 6}).fit(_data())
    assert model.n_iter_ == 6


@pytest.mark.parametrize("loss", ["nonsaturating", "wasserstein-gp"])
def test_same_seed_same_samples_in_float32_and_float64(loss):
    X = _data()
    model = GAN(**SMALL, loss=loss).fit(X)
    again = GAN(**SMALL, loss=loss).fit(X)
    single = GAN(**SMALL, loss=loss).fit(X.astype(np.float32))
    samples = model.sample(20, random_state=1)
    assert_array_equal(again.sample(20, random_state=1), samples)
    assert single.sample(20, random_state=1).dtype == np.float32
    assert single._params.dtype == np.float32
    assert_allclose(single.sample(20, random_state=1), samples, atol=1e-4)
    assert not np.allclose(model.sample(20, random_state=2), samples)


def test_same_seed_same_samples_at_any_thread_count():
    threadpoolctl = pytest.importorskip("threadpoolctl")
    X = _data(256)
    params = {**SMALL, "generator_layer_sizes": (128,), "discriminator_layer_sizes": (128,),
              "batch_size": 128, "max_iter": 2}
    samples = []
    for n_threads in (1, 2):
        with threadpoolctl.threadpool_limits(limits=n_threads):
            samples.append(GAN(**params).fit(X).sample(50, random_state=1))
    assert_array_equal(samples[0], samples[1])


def test_partial_fit_continues_and_counts_each_players_steps():
    X = _data(80)
    model = GAN(**SMALL, n_critic=2)
    model.partial_fit(X)
    # 5 critic steps, the generator after the 2nd, the 4th and the last.
    assert list(model._n_updates) == [3, 5]
    first = model._params.copy()
    model.partial_fit(X)
    assert model.n_iter_ == 2 and list(model._n_updates) == [6, 10]
    assert not np.allclose(model._params, first)
    fitted = GAN(**{**SMALL, "max_iter": 2}, n_critic=2).fit(X)
    assert_array_equal(fitted._params, model._params)


def test_pickle_round_trip():
    model = GAN(**SMALL).fit(_data())
    copy = pickle.loads(pickle.dumps(model))
    assert_array_equal(copy.sample(7, random_state=3), model.sample(7, random_state=3))


@pytest.mark.parametrize(
    ("X", "match"),
    [(np.array([[np.nan, 0.0, 1.0]] * 10), "NaN"),
     (np.empty((0, 3)), "0 sample"),
     (np.ones((10, 0)), "0 feature")],
)
def test_bad_input_is_rejected(X, match):
    with pytest.raises(ValueError, match=match):
        GAN(**SMALL).fit(X)


def test_wrong_number_of_features_and_unfitted_use():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        GAN(**SMALL).sample(3)
    model = GAN(**SMALL).fit(_data())
    with pytest.raises(ValueError, match="features"):
        model.partial_fit(np.ones((10, 4)))
    with pytest.raises(ValueError, match="n_samples"):
        model.sample(0)


def test_divergence_raises_with_advice_and_keeps_the_model():
    X = _data() * 1e3
    model = GAN(**{**SMALL, "max_iter": 30}, solver="sgd", learning_rate_init=1e3)
    with pytest.raises(DivergenceError, match="Lower learning_rate_init"):
        model.fit(X)
    assert not hasattr(model, "_params") and not hasattr(model, "n_features_in_")


def test_sigmoid_outputs_lie_in_the_unit_interval():
    X = np.random.RandomState(0).uniform(size=(64, 3))
    model = GAN(**SMALL, output_activation="sigmoid").fit(X)
    samples = model.sample(50)
    assert samples.min() >= 0 and samples.max() <= 1
    with pytest.raises(ValueError, match="output_activation='identity'"):
        GAN(**SMALL, output_activation="sigmoid").fit(X - 0.5)


# WGAN-GP takes five critic steps per generator step, and more epochs; its
# samples' moments oscillate more about the data's.
@pytest.mark.parametrize(
    ("loss", "settings", "tolerance"),
    [("nonsaturating", {"batch_size": 32, "max_iter": 60, "learning_rate_init": 3e-3},
      0.3),
     ("wasserstein-gp", {"batch_size": 16, "max_iter": 400, "learning_rate_init": 2e-3,
                         "n_critic": 5}, 0.5)],
)
def test_learns_a_shifted_gaussian(loss, settings, tolerance):
    X = np.random.RandomState(0).normal(loc=(3.0, -2.0), scale=0.5, size=(512, 2))
    model = GAN(n_components=2, generator_layer_sizes=(16,),
                discriminator_layer_sizes=(16,), loss=loss, random_state=0,
                **settings).fit(X)
    samples = model.sample(2000, random_state=0)
    assert_allclose(samples.mean(axis=0), (3.0, -2.0), atol=tolerance)
    assert_allclose(samples.std(axis=0), (0.5, 0.5), atol=0.3)


def test_score_is_the_two_sample_score_of_samples():
    X = _data(200)
    trained = {**SMALL, "max_iter": 50, "learning_rate_init": 3e-3}
    model = GAN(**trained).fit(X)
    score = model.score(X, random_state=0)
    assert 0 <= score <= 1
    assert score == model.score(X, random_state=0)
    far = GAN(**trained).fit(X + 10)
    assert far.score(X, random_state=0) < score


def test_early_stopping_keeps_the_best_generator():
    X = np.random.RandomState(0).normal(loc=3.0, size=(200, 2))
    model = GAN(**{**SMALL, "max_iter": 8}, early_stopping=True, n_iter_no_change=2,
                learning_rate_init=3e-3).fit(X)
    scores = model.validation_scores_
    assert len(scores) == model.n_iter_ and model.best_validation_score_ == max(scores)
    with pytest.raises(ValueError, match="early_stopping"):
        model.partial_fit(X)
