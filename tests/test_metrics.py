"""skgen.metrics: the classifier two-sample test, the MMD against the NumPy
reference of ``naive_metrics.py``, and the sample scorer in a grid search."""

import numpy as np
import pytest
import scipy.sparse as sp
from naive_metrics import median_heuristic, unbiased_mmd2
from numpy.testing import assert_allclose
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV

from skgen import BernoulliRBM
from skgen.metrics import c2st_score, mmd_score, sample_scorer
from skgen.metrics._two_sample import _squared_distances
from skgen.metrics._two_sample import median_heuristic as fast_median_heuristic


def normal(seed, size=(300, 4), loc=0.0, scale=1.0):
    return np.random.RandomState(seed).normal(loc=loc, scale=scale, size=size)


# -- c2st ----------------------------------------------------------------------


def test_c2st_tells_same_from_shifted():
    X = normal(0)
    assert c2st_score(X, normal(1), random_state=0) > 0.8
    assert c2st_score(X, normal(2, loc=2.0), random_state=0) < 0.1


def test_c2st_is_symmetric_and_reproducible():
    X, Y = normal(0), normal(1, loc=0.4)
    forward = c2st_score(X, Y, cv=3, random_state=0)
    assert c2st_score(X, Y, cv=3, random_state=0) == forward
    assert abs(c2st_score(Y, X, cv=3, random_state=0) - forward) < 0.1
    assert 0.0 <= forward <= 1.0


def test_c2st_takes_sets_of_different_sizes_and_sparse_input():
    X = normal(0)
    assert c2st_score(X, normal(1, size=(120, 4)), cv=3, random_state=0) > 0.7
    binary = (X > 0).astype(float)
    assert c2st_score(sp.csr_matrix(binary), binary[::-1], cv=3,
                      random_state=0) == c2st_score(binary, binary[::-1], cv=3,
                                                    random_state=0)


def test_default_classifier_sees_what_a_linear_one_misses():
    # Same means, twice the spread: invisible to a linear model.
    X, Y = normal(0), normal(1, scale=2.0)
    linear = LogisticRegression()
    assert c2st_score(X, Y, classifier=linear, cv=3, random_state=0) > 0.6
    assert c2st_score(X, Y, cv=3, random_state=0) < 0.4


@pytest.mark.parametrize("X_generated, cv, message", [
    (np.zeros(10), 5, "2D array"),
    (np.zeros((10, 3)), 5, "same"),
    (np.full((10, 4), np.nan), 5, "NaN"),
    (np.zeros((4, 4)), 5, "at least 5"),
    (np.zeros((0, 4)), 5, "0 sample"),
    (np.zeros((10, 4)), 1, "cv must be"),
])
def test_c2st_rejects_bad_input(X_generated, cv, message):
    with pytest.raises(ValueError, match=message):
        c2st_score(normal(0, size=(10, 4)), X_generated, cv=cv)


# -- mmd -----------------------------------------------------------------------


@pytest.mark.parametrize("gamma", [None, 0.3])
@pytest.mark.parametrize("sizes", [(12, 12), (15, 9)])
def test_mmd_matches_the_reference(gamma, sizes):
    X, Y = normal(0, (sizes[0], 3)), normal(1, (sizes[1], 3), loc=0.5)
    expected_gamma = median_heuristic(np.vstack([X, Y])) if gamma is None else gamma
    assert_allclose(mmd_score(X, Y, gamma=gamma), -unbiased_mmd2(X, Y, expected_gamma),
                    rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("n_rows", [9, 10])
def test_median_heuristic_matches_the_reference(n_rows):
    X = normal(0, (n_rows, 5))
    assert_allclose(fast_median_heuristic(_squared_distances(X)), median_heuristic(X),
                    rtol=1e-10)


def test_median_heuristic_with_repeated_rows():
    X = np.zeros((10, 2))
    X[0, 0] = 1.0
    # Most pairs coincide: the median of the non-zero distances (1) is used.
    assert fast_median_heuristic(_squared_distances(X)) == 0.5
    assert fast_median_heuristic(_squared_distances(np.zeros((4, 2)))) == 0.5


def test_mmd_is_near_zero_for_the_same_distribution_and_negative_otherwise():
    X = normal(0, (200, 3))
    same = mmd_score(X, normal(1, (200, 3)))
    small, large = (mmd_score(X, normal(2, (200, 3), loc=loc)) for loc in (0.5, 2.0))
    assert abs(same) < 0.01
    assert large < small < same


def test_mmd_subsamples_large_sets_reproducibly():
    X, Y = normal(0, (400, 3)), normal(1, (300, 3))
    capped = mmd_score(X, Y, max_samples=100, random_state=0)
    assert mmd_score(X, Y, max_samples=100, random_state=0) == capped
    assert mmd_score(X, Y, max_samples=100, random_state=1) != capped
    # Below the cap nothing is drawn.
    assert mmd_score(X, Y, random_state=0) == mmd_score(X, Y, random_state=1)


@pytest.mark.parametrize("params, message", [
    ({"gamma": 0.0}, "gamma"), ({"gamma": np.nan}, "gamma"),
    ({"max_samples": 1}, "max_samples"),
])
def test_mmd_rejects_bad_parameters(params, message):
    with pytest.raises(ValueError, match=message):
        mmd_score(normal(0), normal(1), **params)


def test_mmd_rejects_single_rows():
    with pytest.raises(ValueError, match="X_generated has 1 rows"):
        mmd_score(normal(0), normal(1, (1, 4)))


# -- sample_scorer -------------------------------------------------------------


class GaussianSampler:
    """A 'model' whose samples are N(loc, I); it records its sample calls."""

    def __init__(self, loc=0.0):
        self.loc = loc
        self.calls = []

    def sample(self, n_samples=1, *, random_state=None, **params):
        self.calls.append((n_samples, random_state, params))
        return normal(random_state, (n_samples, 4), loc=self.loc)


def test_scorer_draws_as_many_samples_as_rows_with_its_seed():
    model = GaussianSampler()
    scorer = sample_scorer("mmd", sample_params={"n_gibbs_steps": 7}, random_state=3)
    X = normal(0, (50, 4))
    assert scorer(model, X) == scorer(model, X, np.zeros(50))
    assert model.calls == [(50, 3, {"n_gibbs_steps": 7})] * 2
    assert scorer(model, X) == mmd_score(X, normal(3, (50, 4)), random_state=3)
    sample_scorer("mmd", sample_params={"random_state": 5})(model, X)
    assert model.calls[-1][1] == 5


def test_scorer_prefers_the_closer_model():
    X = normal(0, (200, 4))
    for metric in ("c2st", "mmd"):
        scorer = sample_scorer(metric, cv=3) if metric == "c2st" else sample_scorer(metric)
        assert scorer(GaussianSampler(0.0), X) > scorer(GaussianSampler(1.5), X)


def test_scorer_takes_a_callable_metric_and_its_parameters():
    def mean_gap(X_real, X_generated, power=1):
        return -np.abs(X_real.mean() - X_generated.mean()) ** power

    scorer = sample_scorer(mean_gap, power=2)
    X = normal(0, (30, 4))
    assert scorer(GaussianSampler(1.0), X) == mean_gap(X, normal(0, (30, 4), 1.0), 2)
    assert "mean_gap" in repr(scorer)


def test_scorer_errors():
    with pytest.raises(TypeError, match="LogisticRegression has none"):
        sample_scorer()(LogisticRegression(), normal(0))
    with pytest.raises(ValueError, match="metric must be one of"):
        sample_scorer("fid")
    with pytest.raises(ValueError, match="random_state must be an int"):
        sample_scorer(random_state=None)


def test_scorer_in_a_grid_search(digits):
    X = (digits[0][:400] > 0.5).astype(np.float64)
    scorer = sample_scorer("mmd", sample_params={"n_gibbs_steps": 20})
    search = GridSearchCV(BernoulliRBM(n_iter=5, random_state=0),
                          {"n_components": [2, 32]}, scoring=scorer, cv=2)
    search.fit(X)
    scores = search.cv_results_["mean_test_score"]
    assert np.all(np.isfinite(scores))
    assert search.best_params_ == {"n_components": 32}
    # The c2st scorer runs there too.
    search.set_params(scoring=sample_scorer(sample_params={"n_gibbs_steps": 20}, cv=2))
    scores = search.fit(X).cv_results_["mean_test_score"]
    assert np.all((scores >= 0) & (scores <= 1))


def _samplers():
    from skgen.utils.discovery import all_estimators

    return sorted(name for name, Estimator in all_estimators() if hasattr(Estimator, "sample"))


@pytest.mark.parametrize("name", _samplers())
def test_scorer_works_with_every_estimator_that_samples(name, digits):
    import warnings

    from skgen.utils.discovery import all_estimators

    Estimator = dict(all_estimators())[name]
    small = {"n_iter": 2, "max_iter": 3, "pretrain_iter": 2, "ais_n_betas": 20,
             "ais_n_chains": 5, "random_state": 0}
    defaults = Estimator().get_params()
    if "hidden_layer_sizes" in defaults:
        small["hidden_layer_sizes"] = (8, 6) if name.startswith("DBM") else (8,)
    for key in ("n_components", "n_hidden"):
        if key in defaults:
            small[key] = 4
    model = Estimator(**{k: v for k, v in small.items() if k in defaults})
    X, y = digits
    X, y = X[:80], y[:80]
    if name == "BoltzmannMachine":
        X = (X > 0.5).astype(float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X, y) if "Classifier" in name else model.fit(X)
    sample_params = {"n_gibbs_steps": 2} if "n_gibbs_steps" in model.sample.__code__.co_varnames \
        else {}
    score = sample_scorer("mmd", sample_params=sample_params)(model, X)
    # The unbiased -MMD^2 can come out slightly above 0 for close sets.
    assert np.isfinite(score) and score < 0.05
