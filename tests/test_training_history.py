"""The RBMs' training history (``train_scores_``, ``validation_scores_``) and the
DBNs' per-layer histories, against scores computed independently from models
refitted for fewer passes with the same seed, or from NumPy formulas."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.special import expit
from sklearn.model_selection import train_test_split

from skgen import DBN, BernoulliRBM, DBNClassifier, GaussianBernoulliRBM


def reconstruction_error(model, X):
    """The mean squared error of E[v | P(h | x)], in NumPy."""
    sigma = model.sigma_
    hidden = expit((X / sigma) @ model.components_.T + model.intercept_hidden_)
    return np.mean((X - model.intercept_visible_ - sigma * (hidden @ model.components_))
                   ** 2)


def real(digits, n_rows):
    X = digits[0][:n_rows]
    return (X - X.mean(axis=0)) / (X.std(axis=0) + 0.1)


def test_bernoulli_history_is_the_pseudo_likelihood_of_a_fixed_subsample(digits):
    X = digits[0][:600]
    params = {"n_components": 8, "batch_size": 10, "learning_rate": 0.05,
              "random_state": 0}
    model = BernoulliRBM(n_iter=4, **params).fit(X)
    assert len(model.train_scores_) == 4 and model.validation_scores_ is None
    for n_passes, score in enumerate(model.train_scores_, start=1):
        refit = BernoulliRBM(n_iter=n_passes, **params).fit(X)
        # Every second row keeps 300 >= 256; the same flipped units as the
        # public pseudo_likelihood (an int seed).
        assert_allclose(score, refit.pseudo_likelihood(X[::2]).mean(), rtol=1e-12)
    # The history moves with training: scores differ from pass to pass.
    assert len(set(model.train_scores_)) == 4


def test_gaussian_history_is_the_reconstruction_error(digits):
    X = real(digits, 520)
    params = {"n_components": 6, "batch_size": 10, "learn_sigma": True,
              "random_state": 0}
    model = GaussianBernoulliRBM(n_iter=3, **params).fit(X)
    assert len(model.train_scores_) == 3
    for n_passes, score in enumerate(model.train_scores_, start=1):
        refit = GaussianBernoulliRBM(n_iter=n_passes, **params).fit(X)
        assert_allclose(score, reconstruction_error(refit, X[::2]), rtol=1e-10)


@pytest.mark.parametrize(("n_samples", "step"), [
    (200, 1),  # fewer than 256 rows: all of them
    (1000, 3),  # every 16th would keep fewer than 256
    (10_001, 16),
    (100_001, 21),  # every 20th would keep more than 5000
])
def test_the_subsample_is_every_16th_row_with_256_to_5000_rows(n_samples, step):
    X = (np.random.RandomState(0).rand(n_samples, 3) > 0.5).astype(np.float64)
    model = BernoulliRBM(n_components=2, n_iter=1, batch_size=500,
                         random_state=0).fit(X)
    assert_allclose(model.train_scores_[0], model.pseudo_likelihood(X[::step]).mean(),
                    rtol=1e-12)


def test_partial_fit_appends_one_entry_per_call(digits):
    X = digits[0][:120]
    model = BernoulliRBM(n_components=8, random_state=0)
    for n_calls, part in enumerate((X[:60], X[60:], X[:60]), start=1):
        model.partial_fit(part)
        assert len(model.train_scores_) == n_calls
        assert_allclose(model.train_scores_[-1],
                        model.pseudo_likelihood(part).mean(), rtol=1e-12)
    assert model.validation_scores_ is None
    gaussian = GaussianBernoulliRBM(n_components=4, random_state=0)
    for n_calls in (1, 2):
        gaussian.partial_fit(real(digits, 80))
        assert len(gaussian.train_scores_) == n_calls
    assert_allclose(gaussian.train_scores_[-1],
                    reconstruction_error(gaussian, real(digits, 80)), rtol=1e-10)


def test_partial_fit_holds_out_nothing(digits):
    with pytest.raises(ValueError, match="validation_fraction to None"):
        BernoulliRBM(validation_fraction=0.2).partial_fit(digits[0][:20])


class FittedEstimators:
    """Keeps the fitted_estimator of every epoch's end."""

    def __init__(self):
        self.estimators = []

    def setup(self, estimator, context):
        pass

    def teardown(self, estimator, context):
        pass

    def on_fit_task_begin(self, estimator, context):
        pass

    def on_fit_task_end(self, estimator, context, *, fitted_estimator=None):
        if context.task_name == "epoch":
            self.estimators.append(fitted_estimator)


@pytest.mark.parametrize("Model", [BernoulliRBM, GaussianBernoulliRBM])
def test_validation_scores_score_the_held_out_rows(digits, Model):
    pytest.importorskip("sklearn.callback")
    X = digits[0][:160] if Model is BernoulliRBM else real(digits, 160)
    watch = FittedEstimators()
    model = Model(n_components=6, n_iter=3, validation_fraction=0.25,
                  random_state=0).set_callbacks(watch).fit(X)
    # The split is the first draw from random_state.
    training, held_out = train_test_split(X, test_size=0.25,
                                          random_state=np.random.RandomState(0))
    assert model._n_samples_seen == training.shape[0] == 120
    assert len(model.validation_scores_) == len(model.train_scores_) == 3
    for fitted, score, train_score in zip(watch.estimators, model.validation_scores_,
                                          model.train_scores_, strict=True):
        if Model is BernoulliRBM:
            expected = fitted.pseudo_likelihood(held_out).mean()
            expected_train = fitted.pseudo_likelihood(training).mean()
        else:
            expected = reconstruction_error(fitted, held_out)
            expected_train = reconstruction_error(fitted, training)
        assert_allclose(score, expected, rtol=1e-10)
        assert_allclose(train_score, expected_train, rtol=1e-10)


def test_scoring_leaves_the_training_stream_alone(digits):
    """Training draws from a generator given as random_state; the history's
    flipped units come from a copy of it, so the fit is that of an int seed,
    whose history draws from a new generator each time."""
    X = digits[0][:100]
    model = BernoulliRBM(n_components=6, n_iter=3, random_state=np.random.RandomState(1))
    reference = BernoulliRBM(n_components=6, n_iter=3, random_state=1)
    assert_allclose(model.fit(X).components_, reference.fit(X).components_)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("Model", [DBN, DBNClassifier])
def test_the_dbns_expose_each_layers_history(digits, Model):
    X, y = digits[0][:100], digits[1][:100]
    extra = {"max_iter": 2} if Model is DBNClassifier else {}
    model = Model((8, 4), n_iter=(2, 3), random_state=0, **extra).fit(X, y)
    assert [len(scores) for scores in model.pretraining_scores_] == [2, 3]
    assert model.pretraining_scores_ == [rbm.train_scores_ for rbm in model.rbms_]
