"""The VAE estimator: its likelihood estimates (IWAE against the ELBO and, for a
linear-Gaussian model, against the exact log-likelihood), fitting, dtypes, bad
input, pickling, partial_fit, sampling and sklearn's common checks."""

import pickle
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from scipy.stats import multivariate_normal, norm
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.estimator_checks import parametrize_with_checks

from skgen import VAE, DivergenceError


@pytest.fixture(scope="module")
def binary_digits(digits):
    X, y = digits
    return (X > 0.5).astype(np.float64), y


def fit_quietly(model, X):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(X)


@pytest.fixture(scope="module")
def fitted(binary_digits):
    X, _ = binary_digits
    model = VAE(n_components=4, hidden_layer_sizes=(32,), max_iter=15, random_state=0)
    return fit_quietly(model, X[:1000]), X


# The default Bernoulli VAE runs the common checks in tests/test_common.py, where
# those fitting on data outside [0, 1] are expected to fail; the Gaussian one
# must pass them all.
@parametrize_with_checks([VAE(likelihood="gaussian", hidden_layer_sizes=(8,), max_iter=5,
                              n_importance_samples=5, random_state=0)])
def test_gaussian_vae_common_checks(estimator, check):
    check(estimator)


@pytest.mark.parametrize("likelihood", ["bernoulli", "gaussian"])
def test_initial_parameters_are_pytorchs_uniform_fan_in_draws(likelihood):
    """Every weight and bias of layer l is uniform in +-1/sqrt(fan_in_l): within
    the bound and filling it, with the uniform's mean and spread; the decoder's
    variances start at 1; float32 draws the float64 values, rounded."""
    model = VAE(n_components=10, hidden_layer_sizes=(120,), likelihood=likelihood)
    X = np.zeros((3, 300))
    states = {dtype: model._initial_state(X.astype(dtype), None,
                                          np.random.RandomState(0))
              for dtype in (np.float64, np.float32)}
    params32, params64 = states[np.float32]["_params"], states[np.float64]["_params"]
    assert params32.dtype == np.float32
    assert_array_equal(params32, params64.astype(np.float32))
    network = states[np.float64]["_network"]
    layers = network.coefs(params64) + network.intercepts(params64)
    fan_ins = [300, 120, 10, 120] * 2
    assert [values.shape[0] for values in layers[:4]] == fan_ins[:4]
    for values, fan_in in zip(layers, fan_ins):
        values = values.ravel()
        n, bound = values.size, 1 / np.sqrt(fan_in)
        assert np.abs(values).max() <= bound
        # P(max |x| < bound (1 - 10 / n)) = (1 - 10 / n)**n < e**-10.
        assert np.abs(values).max() >= bound * (1 - 10 / n)
        spread = bound / np.sqrt(3)  # standard deviation of U(-bound, bound)
        assert abs(values.mean()) < 5 * spread / np.sqrt(n)
        # The sample deviation's standard error is about 0.45 spread / sqrt(n).
        assert abs(values.std() - spread) < 5 * 0.45 * spread / np.sqrt(n)
    log_var = network.log_var(params64)
    assert_array_equal(log_var, np.zeros(300 if likelihood == "gaussian" else 0))


def test_fit_lowers_the_loss_and_sets_attributes(fitted):
    model, X = fitted
    assert model.n_iter_ == 15
    assert len(model.loss_curve_) == 15
    assert model.loss_curve_[-1] < model.loss_curve_[0]
    assert model.t_ == 15 * 1000
    assert [w.shape for w in model.coefs_] == [(64, 32), (32, 8), (4, 32), (32, 64)]
    assert model.output_variance_ is None
    assert model.out_activation_ == "sigmoid"
    assert model.transform(X[:5]).shape == (5, 4)
    assert model.inverse_transform(model.transform(X[:5])).shape == (5, 64)
    assert model.reconstruct(X[:5]).shape == (5, 64)
    assert_array_equal(model.get_feature_names_out(), [f"vae{i}" for i in range(4)])
    # The loss is the negative ELBO; held-in rows score about as much.
    assert abs(model.elbo(X[:1000]).mean() + model.loss_) < 0.1 * model.loss_


def test_methods_do_not_depend_on_the_other_rows(fitted):
    """The codes of a row's estimates come from a stream keyed by its values."""
    model, X = fitted
    rows = X[:50]
    order = np.random.RandomState(0).permutation(50)
    for method in (model.transform, model.reconstruct, model.score_samples,
                   model.elbo):
        assert_allclose(method(rows)[order], method(rows[order]))
        assert_allclose(method(rows)[:7], method(rows[:7]))
        assert_allclose(method(sp.csr_matrix(rows)), method(rows))


def test_iwae_is_above_the_elbo_and_rises_with_k(fitted):
    model, X = fitted
    rows = X[1000:1300]
    elbo = model.elbo(rows, random_state=1).mean()
    scores = {}
    for k in (1, 10, 100):
        scores[k] = model.set_params(n_importance_samples=k).score(rows, random_state=1)
    model.set_params(n_importance_samples=50)
    # K = 1 is an estimate of the ELBO with a sampled KL term.
    assert abs(scores[1] - elbo) < 0.05 * abs(elbo)
    assert elbo < scores[10] < scores[100]
    # Seeded estimates repeat; others vary.
    assert_array_equal(model.score_samples(rows[:5], random_state=3),
                       model.score_samples(rows[:5], random_state=3))
    assert not np.array_equal(model.score_samples(rows[:5], random_state=3),
                              model.score_samples(rows[:5], random_state=4))


def test_iwae_converges_to_the_exact_likelihood_of_probabilistic_pca():
    """A linear decoder with Gaussian noise is probabilistic PCA, whose marginal is
    x ~ N(b, W W^T + Psi); with a (diagonal, hence inexact) Gaussian q the IWAE
    estimate must approach log p(x) as K grows."""
    rng = np.random.RandomState(0)
    n_features, n_components = 5, 2
    weights = rng.normal(size=(n_components, n_features))
    offset = rng.normal(size=n_features)
    noise_variance = rng.uniform(0.3, 0.8, n_features)
    covariance = weights.T @ weights + np.diag(noise_variance)
    X = rng.multivariate_normal(offset, covariance, size=20)
    exact = multivariate_normal(offset, covariance).logpdf(X)

    model = VAE(n_components, hidden_layer_sizes=(), likelihood="gaussian",
                max_iter=1, random_state=0)
    fit_quietly(model, X)
    # q(z|x): the exact posterior mean, and variances twice the exact marginal
    # ones, as a diagonal q cannot hold the posterior's correlations.
    precision = np.eye(n_components) + weights / noise_variance @ weights.T
    posterior_covariance = np.linalg.inv(precision)
    mean_map = (weights / noise_variance).T @ posterior_covariance
    encoder_weights, decoder_weights = model.coefs_
    encoder_bias, decoder_bias = model.intercepts_
    encoder_weights[:, :n_components] = mean_map
    encoder_weights[:, n_components:] = 0
    encoder_bias[:n_components] = -offset @ mean_map
    encoder_bias[n_components:] = np.log(2 * np.diag(posterior_covariance))
    decoder_weights[...] = weights
    decoder_bias[...] = offset
    model._network.log_var(model._params)[...] = np.log(noise_variance)

    errors = []
    for k in (1, 10, 100, 3000):
        model.set_params(n_importance_samples=k)
        errors.append(np.abs(model.score_samples(X, random_state=0) - exact).mean())
    assert errors == sorted(errors, reverse=True)
    assert errors[-1] < 0.02
    # The ELBO is below the exact value by KL(q || posterior) > 0 (its estimates
    # are noisy: average them).
    elbo = np.mean([model.elbo(X, random_state=seed) for seed in range(30)], axis=0)
    assert elbo.mean() < exact.mean() - 0.05


def test_gaussian_likelihood_on_standardised_digits(digits):
    X, _ = digits
    X = X[:, X.std(axis=0) > 0.05]
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    train, test = X[:1400], X[1400:]
    model = fit_quietly(VAE(8, hidden_layer_sizes=(64,), likelihood="gaussian",
                            max_iter=40, random_state=0), train)
    assert model.output_variance_.shape == (X.shape[1],)
    assert np.all(model.output_variance_ < 1)
    # A diagonal Gaussian (mean 0, variance 1 after standardising) is the bar.
    diagonal = norm.logpdf(test).sum(axis=1).mean()
    assert model.score(test) > diagonal + 10


@pytest.mark.parametrize("likelihood", ["bernoulli", "gaussian"])
def test_float32_matches_float64(binary_digits, likelihood):
    X = binary_digits[0][:300]
    params = {"n_components": 3, "hidden_layer_sizes": (16,),
              "likelihood": likelihood, "max_iter": 3, "random_state": 0}
    model64 = fit_quietly(VAE(**params), X)
    model32 = fit_quietly(VAE(**params), X.astype(np.float32))
    assert model32._params.dtype == np.float32
    assert model32.transform(X[:5]).dtype == np.float32
    assert model32.sample(2).dtype == np.float32
    assert model32.score_samples(X[:5]).dtype == np.float64
    # Same random_state, same draws: the two runs differ only by rounding.
    assert_allclose(model32.loss_curve_, model64.loss_curve_, rtol=1e-3)
    assert_allclose(model32.score_samples(X[:20]), model64.score_samples(X[:20]),
                    rtol=1e-3)


def test_sgd_solver_and_beta(binary_digits):
    X = binary_digits[0][:300]
    params = {"n_components": 2, "hidden_layer_sizes": (8,), "max_iter": 5,
              "random_state": 0}
    sgd = fit_quietly(VAE(solver="sgd", learning_rate_init=0.01, **params), X)
    assert sgd.loss_curve_[-1] < sgd.loss_curve_[0]
    # Without the KL term the codes spread out; with a heavy one they collapse.
    free = fit_quietly(VAE(beta=0.0, **params), X).transform(X)
    tight = fit_quietly(VAE(beta=20.0, **params), X).transform(X)
    assert np.abs(tight).mean() < np.abs(free).mean()


def test_sparse_input_matches_dense(binary_digits):
    X = binary_digits[0][:200]
    params = {"n_components": 2, "hidden_layer_sizes": (8,), "max_iter": 2,
              "random_state": 0}
    dense = fit_quietly(VAE(**params), X)
    sparse = fit_quietly(VAE(**params), sp.csr_matrix(X))
    assert_allclose(sparse.loss_curve_, dense.loss_curve_)
    assert_allclose(sparse.score_samples(sp.csr_matrix(X[:10])),
                    dense.score_samples(X[:10]))


@pytest.mark.parametrize(
    ("X", "message"),
    [
        (np.full((4, 3), np.nan), "NaN"),
        (np.full((4, 3), np.inf), "infinity"),
        (np.empty((0, 3)), "0 sample"),
        (np.full((4, 3), 2.0), r"likelihood='bernoulli' needs every value of X in \[0, 1\]"),
        (np.full((4, 3), -1.0), "Negative values in data"),
    ],
)
def test_bad_input_is_rejected_and_leaves_nothing_fitted(X, message):
    model = VAE(max_iter=1)
    with pytest.raises(ValueError, match=message):
        model.fit(X)
    assert not hasattr(model, "n_features_in_")
    assert not hasattr(model, "_params")


def test_bad_input_after_fit_keeps_the_model(fitted):
    model, X = fitted
    params = model._params.copy()
    with pytest.raises(ValueError, match="features"):
        model.transform(X[:3, :10])
    with pytest.raises(ValueError, match="expecting 4 features"):
        model.inverse_transform(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        model.score_samples(X[:3] * 3)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        model.partial_fit(X[:3] * 3)
    assert_array_equal(model._params, params)
    assert model.n_features_in_ == 64


def test_divergence_raises_with_advice_and_fits_nothing(digits):
    X = digits[0][:200] * 1e3
    model = VAE(likelihood="gaussian", hidden_layer_sizes=(8,), max_iter=5,
                learning_rate_init=1e4, random_state=0)
    with pytest.raises(DivergenceError, match="Lower learning_rate_init"):
        model.fit(X)
    assert not hasattr(model, "_params")
    assert not hasattr(model, "n_features_in_")


def test_pickle_round_trip(fitted):
    model, X = fitted
    restored = pickle.loads(pickle.dumps(model))
    assert_array_equal(restored.transform(X[:10]), model.transform(X[:10]))
    assert_array_equal(restored.score_samples(X[:10], random_state=0),
                       model.score_samples(X[:10], random_state=0))
    assert_array_equal(restored.sample(3, random_state=0), model.sample(3, random_state=0))


def test_partial_fit_continues_like_fit(binary_digits):
    X = binary_digits[0][:300]
    params = {"n_components": 2, "hidden_layer_sizes": (8,), "batch_size": 64,
              "random_state": 0}
    model = VAE(**params)
    assert model.partial_fit(X) is model
    assert model.partial_fit(X) is model
    assert model.n_iter_ == 2
    # Two partial_fit calls are the two epochs of fit, random streams included.
    full = fit_quietly(VAE(max_iter=2, **params), X)
    assert_allclose(model.loss_curve_, full.loss_curve_)
    assert_allclose(model._params, full._params)
    with pytest.raises(ValueError, match="early_stopping"):
        VAE(early_stopping=True).partial_fit(X)
    # A continued fit keeps the layers and the likelihood.
    for change in ({"n_components": 3}, {"likelihood": "gaussian"}):
        with pytest.raises(ValueError, match="warm_start"):
            fit_quietly(clone(model).set_params(max_iter=1), X).set_params(
                **change).partial_fit(X)
    # The fitted likelihood, not the parameter, decides how to score.
    model.set_params(likelihood="gaussian")
    assert_allclose(model.elbo(X[:5], random_state=0),
                    full.elbo(X[:5], random_state=0))


def test_warm_start_and_early_stopping(binary_digits):
    X = binary_digits[0][:400]
    model = VAE(n_components=2, hidden_layer_sizes=(8,), max_iter=4,
                early_stopping=True, n_iter_no_change=1, random_state=0)
    fit_quietly(model, X)
    assert len(model.validation_scores_) == model.n_iter_
    assert model.best_validation_score_ == max(model.validation_scores_)
    assert model.best_loss_ is None
    model.set_params(warm_start=True, early_stopping=False, max_iter=2)
    params = model._params.copy()
    fit_quietly(model, X)
    assert model.n_iter_ == 2
    assert not np.array_equal(model._params, params)


def test_sample(fitted):
    model, _ = fitted
    means = model.sample(5, random_state=0)
    assert means.shape == (5, 64)
    assert np.all((means > 0) & (means < 1))
    assert_array_equal(means, model.sample(5, random_state=0))
    assert not np.array_equal(means, model.sample(5, random_state=1))
    draws = model.sample(5, draw=True, random_state=0)
    assert set(np.unique(draws)) <= {0.0, 1.0}
    with pytest.raises(ValueError, match="n_samples"):
        model.sample(0)


def test_gaussian_draws_have_the_output_variance(digits):
    X = digits[0][:300]
    model = fit_quietly(VAE(2, hidden_layer_sizes=(8,), likelihood="gaussian",
                            max_iter=3, random_state=0), X)
    rng = np.random.RandomState(0)
    means = model.sample(4000, random_state=rng)
    draws = model.sample(4000, draw=True, random_state=np.random.RandomState(0))
    residual_variance = (draws - means).var(axis=0)
    assert_allclose(residual_variance, model.output_variance_, rtol=0.15)
