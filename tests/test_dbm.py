"""DBM: log Z, log p(v) and the bound against brute force over every layer, AIS
against exact log Z, samples against the exact distribution, Gaussian visible
units, pretraining against RBMs fitted by hand, and the estimator API (dtypes,
sparse input, bad input, divergence, pickling, grid search, partial_fit)."""

import copy
import pickle

import naive
import naive_dbm
import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from scipy.special import expit
from scipy.stats import chi2
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline
from sklearn.utils import check_random_state
from threadpoolctl import threadpool_limits

from skgen import DBM, BernoulliRBM, DivergenceError, GaussianBernoulliRBM
from skgen.utils._stacking import layer_seeds

#: A brief fit: the tests that need a fitted model, not a trained one.
BRIEF = dict(n_iter=2, batch_size=10, n_particles=10, pretrain_iter=2)


def prototypes_data(rng, n_rows, n_features, n_prototypes=3, flip=0.1, density=0.5):
    """Binary rows: noisy copies of a few random prototypes."""
    prototypes = rng.uniform(size=(n_prototypes, n_features)) < density
    rows = prototypes[rng.randint(n_prototypes, size=n_rows)]
    return (rows ^ (rng.uniform(size=rows.shape) < flip)).astype(np.float64)


@pytest.fixture(autouse=True)
def one_blas_thread():
    """The products here are tiny: more BLAS threads only add synchronisation,
    which on a loaded 2-core machine made the AIS test 20 to 60 times slower
    (OpenBLAS threads spinning against other processes)."""
    with threadpool_limits(1, user_api="blas"):
        yield


@pytest.fixture(scope="module")
def binary_data():
    return prototypes_data(np.random.RandomState(0), 60, 5)


@pytest.fixture(scope="module")
def wide_data():
    return prototypes_data(np.random.RandomState(1), 60, 8)


def with_random_parameters(model, seed, weight_scale=1.0, bias_scale=0.5):
    """Set the model's parameters by hand (random, of a sensible scale), in its
    dtype, and clear its cache of log Z."""
    rng = np.random.RandomState(seed)
    dtype = model.components_[0].dtype
    model.components_ = [rng.normal(0, weight_scale, w.shape).astype(dtype)
                         for w in model.components_]
    model.intercepts_ = [rng.normal(0, bias_scale, b.shape).astype(dtype)
                         for b in model.intercepts_]
    model._log_partition_cache = {}
    return model


# -- exact likelihood against brute force ------------------------------------------


@pytest.mark.parametrize("hidden_layer_sizes", [(4, 3), (3, 2, 2), (4,)])
def test_exact_log_partition_likelihood_and_bound_against_brute_force(
        binary_data, hidden_layer_sizes):
    """Every layer enumerated, the visible one too: 5 + 4 + 3, 5 + 3 + 2 + 2
    and 5 + 4 units."""
    model = DBM(hidden_layer_sizes, random_state=0, **BRIEF).fit(binary_data)
    with_random_parameters(model, 1)
    log_z = naive_dbm.log_partition(model.components_, model.intercepts_)
    assert_allclose(model.log_partition("exact"), log_z, rtol=1e-9)
    assert_allclose(model.log_partition(), log_z, rtol=1e-9)  # "auto" is exact

    V = naive.all_binary_states(5)
    expected = naive_dbm.log_likelihood(V, model.components_, model.intercepts_)
    assert_allclose(np.exp(expected).sum(), 1.0, rtol=1e-12)  # the reference itself
    log_likelihood = model.score_samples(V)
    assert log_likelihood.dtype == np.float64
    assert_allclose(log_likelihood, expected, rtol=1e-9)
    assert_allclose(model.score(V), expected.mean(), rtol=1e-9)

    bound = model.lower_bound(V)
    means = model._posteriors(V)
    assert_allclose(bound, naive_dbm.mean_field_bound(V, means, model.components_,
                                                      model.intercepts_, log_z),
                    rtol=1e-9)
    assert (bound <= expected + 1e-10).all()
    if len(hidden_layer_sizes) == 1:
        # One hidden layer: the factorial posterior is exact, and so is the bound.
        assert_allclose(bound, expected, rtol=1e-9)
    else:
        assert (expected - bound).max() > 1e-3


def test_exact_log_partition_enumerates_the_smaller_side(binary_data):
    """3 hidden layers of 2, 9 and 2 units: the odd side (layer 1, 3) has 4,
    the even side 5 + 9; changing the parameters changes log Z as brute force
    says (the cache was cleared)."""
    model = DBM((2, 9, 2), random_state=0, **BRIEF).fit(binary_data)
    with_random_parameters(model, 2, weight_scale=0.7)
    first = model.log_partition("exact")
    assert_allclose(first, naive_dbm.log_partition(model.components_, model.intercepts_),
                    rtol=1e-9)
    with_random_parameters(model, 3, weight_scale=0.7)
    second = model.log_partition("exact")
    assert_allclose(second, naive_dbm.log_partition(model.components_, model.intercepts_),
                    rtol=1e-9)
    assert abs(first - second) > 1e-3


# -- AIS ---------------------------------------------------------------------------


def test_ais_log_partition_of_an_mnist_sized_dbm():
    """784 visible units, two hidden layers of 15: the odd side (15 units) is
    enumerable, so exact log Z is the reference. AIS with 1000 inverse
    temperatures and 50 chains (about 2 s here, against 2000 x 100 by default)
    stays within 0.5 nats."""
    rng = np.random.RandomState(0)
    X = prototypes_data(rng, 300, 784, n_prototypes=5, flip=0.05, density=0.3)
    model = DBM((15, 15), n_iter=5, batch_size=20, n_particles=20, pretrain_iter=5,
                learning_rate=0.02, random_state=0).fit(X)
    exact = model.log_partition("exact")
    estimate, std = model.log_partition("ais", n_betas=1000, n_chains=50, random_state=0,
                                        return_std=True)
    assert abs(estimate - exact) < 0.5
    assert 0 < std < 0.5
    # Not trivially: the model is far from its AIS base model of independent units.
    assert np.abs(model.components_[0]).max() > 0.5
    # The estimate is cached per arguments, and another seed gives another one.
    assert model.log_partition("ais", n_betas=1000, n_chains=50, random_state=0) == estimate
    assert model.log_partition("exact", return_std=True) == (exact, 0.0)


# -- sampling against the exact distribution ---------------------------------------


def test_samples_follow_the_exact_distribution():
    """20000 chains of 50 Gibbs steps each on a DBM of 4 visible units and
    hidden layers of 3 and 2: the empirical distribution of the visible states
    (drawn by the chains, and drawn from the means ``sample`` returns) against
    exact p(v) by enumeration."""
    rng = np.random.RandomState(4)
    X = prototypes_data(rng, 40, 4)
    model = DBM((3, 2), random_state=0, **BRIEF).fit(X)
    with_random_parameters(model, 5, weight_scale=1.2)
    expected = naive_dbm.visible_distribution(model.components_, model.intercepts_)
    n_samples = 20000
    codes = 1 << np.arange(4)
    layers = model._sample_layers(n_samples, 50, 6)
    means = model.sample(n_samples, n_gibbs_steps=50, random_state=6)
    assert_allclose(means, expit(layers[1] @ model.components_[0] + model.intercepts_[0]))
    drawn = (np.random.RandomState(7).uniform(size=means.shape) < means) * 1
    # Four standard errors per state, for the total variation; chi-square at a
    # false alarm rate of 1e-6.
    tv_threshold = 0.5 * (4 * np.sqrt(expected * (1 - expected) / n_samples)).sum()
    chi2_threshold = chi2.ppf(1 - 1e-6, len(expected) - 1)
    for states in (layers[0], drawn):
        counts = np.bincount((states @ codes).astype(int), minlength=16)
        empirical = counts / n_samples
        assert 0.5 * np.abs(empirical - expected).sum() < tv_threshold
        chi_square = ((counts - n_samples * expected) ** 2 / (n_samples * expected)).sum()
        assert chi_square < chi2_threshold
    # Not trivially: the distribution is far from uniform.
    assert 0.5 * np.abs(expected - 1 / 16).sum() > 5 * tv_threshold


# -- Gaussian visible units --------------------------------------------------------


@pytest.fixture(scope="module")
def real_data():
    rng = np.random.RandomState(2)
    X = rng.standard_normal((80, 6)) @ rng.standard_normal((6, 6))
    return (X - X.mean(axis=0)) / X.std(axis=0)


@pytest.mark.parametrize("hidden_layer_sizes", [(4,), (4, 3)])
def test_gaussian_visible_units_log_partition_and_density(real_data, hidden_layer_sizes):
    model = DBM(hidden_layer_sizes, visible_units="gaussian", learning_rate=0.005,
                pretrain_learning_rate=0.01, random_state=0, **BRIEF).fit(real_data)
    with_random_parameters(model, 1, weight_scale=0.5)
    W, b = model.components_, model.intercepts_
    exact = model.log_partition("exact")
    assert_allclose(exact, naive_dbm.gaussian_log_partition(W, b), rtol=1e-9)
    if len(hidden_layer_sizes) == 1:
        # The integral over v by quadrature, not in closed form.
        quadrature = naive.gaussian_log_partition_quadrature(W[0], b[1], b[0], np.ones(6))
        assert_allclose(exact, quadrature, rtol=1e-9)
    assert_allclose(model.score_samples(real_data[:6]),
                    naive_dbm.gaussian_log_density(real_data[:6], W, b), rtol=1e-9)
    # AIS over the even side (the visible layer among it), 500 x 30.
    estimate = model.log_partition("ais", n_betas=500, n_chains=30, random_state=0)
    assert abs(estimate - exact) < 0.2
    bound = model.lower_bound(real_data[:6])
    assert (bound <= model.score_samples(real_data[:6]) + 1e-10).all()


# -- pretraining --------------------------------------------------------------------


@pytest.mark.parametrize("hidden_layer_sizes, visible_units",
                         [((5,), "bernoulli"), ((5, 4), "bernoulli"),
                          ((5, 4, 3), "bernoulli"), ((5, 4), "gaussian")])
def test_pretraining_equals_rbms_fitted_by_hand(wide_data, hidden_layer_sizes,
                                                visible_units):
    """The RBMs of ``DBM._pretrain`` fitted by hand, each on the doubled-input
    hidden means of the one below; the DBM's weights and biases are their
    composition (middle weights halved, the biases of a layer below the top
    the mean of its two RBMs')."""
    X = wide_data if visible_units == "bernoulli" else wide_data - wide_data.mean(0)
    shared = dict(batch_size=7, momentum=0.3, weight_decay=1e-3, centering=True,
                  shuffle=True)
    model = DBM(hidden_layer_sizes, visible_units=visible_units, n_iter=0,
                pretrain_iter=3, pretrain_learning_rate=0.07, random_state=5,
                **shared).fit(X)
    n_layers = len(hidden_layer_sizes)
    seeds = layer_seeds(check_random_state(5), n_layers)
    scales = {1: [(1.0, 1.0)], 2: [(2.0, 1.0), (1.0, 2.0)],
              3: [(2.0, 1.0), (1.0, 1.0), (1.0, 2.0)]}[n_layers]
    below, rbms = X, []
    for layer, (size, seed) in enumerate(zip(hidden_layer_sizes, seeds, strict=True)):
        rbm_class = (GaussianBernoulliRBM if layer == 0 and visible_units == "gaussian"
                     else BernoulliRBM)
        rbm = rbm_class(size, learning_rate=0.07, n_iter=3, random_state=seed, **shared)
        rbm._input_scales = scales[layer]
        rbm.fit(below)
        rbms.append(rbm)
        below = expit(scales[layer][0] * (below @ rbm.components_.T)
                      + rbm.intercept_hidden_)
    for mine, theirs in zip(rbms, model.rbms_, strict=True):
        assert_array_equal(mine.components_, theirs.components_)
    weights = [rbm.components_ * (0.5 if 0 < l < n_layers - 1 else 1.0)
               for l, rbm in enumerate(rbms)]
    biases = [rbms[0].intercept_visible_]
    biases += [0.5 * (rbms[l - 1].intercept_hidden_ + rbms[l].intercept_visible_)
               for l in range(1, n_layers)]
    biases.append(rbms[-1].intercept_hidden_)
    for got, want in zip(model.components_ + model.intercepts_, weights + biases,
                         strict=True):
        assert_allclose(got, want, rtol=1e-12, atol=1e-14)
    assert model.n_iter_ == 0
    if n_layers > 1:
        # Not trivially: the doubled inputs change what the RBMs learn.
        plain = BernoulliRBM if visible_units == "bernoulli" else GaussianBernoulliRBM
        undoubled = plain(hidden_layer_sizes[0], learning_rate=0.07, n_iter=3,
                          random_state=seeds[0], **shared).fit(X)
        assert np.abs(undoubled.components_ - rbms[0].components_).max() > 1e-3


# -- dtypes and sparse input ---------------------------------------------------------


def test_float32_and_float64_fits_agree(wide_data):
    params = dict(n_iter=3, batch_size=7, n_particles=6, pretrain_iter=2, random_state=0)
    high = DBM((5, 3), **params).fit(wide_data)
    low = DBM((5, 3), **params).fit(wide_data.astype(np.float32))
    for a, b in zip(low.components_ + low.intercepts_, high.components_ + high.intercepts_,
                    strict=True):
        assert a.dtype == np.float32
        assert_allclose(a, b, rtol=1e-4, atol=1e-5)
    # The same draws: the particles, binary, are equal.
    for a, b in zip(low.particles_[1:], high.particles_[1:], strict=True):
        assert_array_equal(a, b)
    assert low.transform(wide_data).dtype == np.float32
    assert high.transform(wide_data.astype(np.float32)).dtype == np.float64
    assert low.inverse_transform(low.transform(wide_data)).dtype == np.float32
    assert low.sample(2, n_gibbs_steps=2).dtype == np.float32
    assert_allclose(low.transform(wide_data), high.transform(wide_data), atol=1e-4)


def test_sparse_input_gives_the_dense_fit(wide_data):
    params = dict(n_iter=3, batch_size=7, n_particles=6, pretrain_iter=2, random_state=0)
    dense = DBM((5, 3), **params).fit(wide_data)
    sparse = DBM((5, 3), **params).fit(sp.csr_matrix(wide_data))
    for a, b in zip(dense.components_ + dense.intercepts_ + dense.particles_,
                    sparse.components_ + sparse.intercepts_ + sparse.particles_,
                    strict=True):
        assert_allclose(a, b, rtol=1e-12, atol=1e-14)
    assert_allclose(dense.transform(wide_data), sparse.transform(sp.csr_matrix(wide_data)),
                    rtol=1e-12)
    assert_allclose(dense.score_samples(wide_data),
                    sparse.score_samples(sp.csr_matrix(wide_data)), rtol=1e-12)


# -- bad input and divergence ---------------------------------------------------------


def fitted_arrays(model):
    arrays = [*model.components_, *model.intercepts_, *model.offsets_,
              *model.particles_, model._streams, *model._velocities[0],
              *model._velocities[1]]
    return [a.copy() for a in arrays]


def test_bad_input(binary_data):
    model = DBM((4, 3), random_state=0, **BRIEF)
    bad = binary_data.copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        clone(model).fit(bad)
    bad[0, 0] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        clone(model).fit(bad)
    with pytest.raises(ValueError, match=r"Values out of range.*\[0, 1\]"):
        clone(model).fit(binary_data * 2)
    with pytest.raises(ValueError, match="Negative values"):
        clone(model).fit(binary_data - 0.5)
    with pytest.raises(ValueError, match="0 sample"):
        clone(model).fit(np.empty((0, 5)))
    with pytest.raises(ValueError, match="hidden_layer_sizes"):
        DBM((4, 0)).fit(binary_data)

    model.fit(binary_data)
    before = fitted_arrays(model)
    n_iter, scores = model.n_iter_, list(model.train_scores_)
    for rejected, message in [(binary_data[:, :4], "features"),
                              (binary_data * 2, "Values out of range"),
                              (np.full((3, 5), np.nan), "NaN"),
                              (np.empty((0, 5)), "0 sample")]:
        with pytest.raises(ValueError, match=message):
            model.partial_fit(rejected)
    for a, b in zip(fitted_arrays(model), before, strict=True):
        assert_array_equal(a, b)
    assert model.n_iter_ == n_iter and model.train_scores_ == scores
    assert model.n_features_in_ == 5
    for method in (model.transform, model.score_samples, model.lower_bound):
        with pytest.raises(ValueError, match="features"):
            method(binary_data[:, :4])
        with pytest.raises(ValueError, match="Values out of range"):
            method(binary_data + 1)
    with pytest.raises(ValueError, match="method"):
        model.log_partition("bogus")
    with pytest.raises(ValueError, match="n_samples"):
        model.sample(0)


def test_divergence_leaves_nothing_half_fitted(binary_data):
    unfitted = DBM((4, 3), learning_rate=1e308, pretrain=False, random_state=0, **BRIEF)
    with pytest.raises(DivergenceError, match="Lower learning_rate"):
        unfitted.fit(binary_data)
    assert not hasattr(unfitted, "components_")
    assert not hasattr(unfitted, "n_iter_")

    model = DBM((4, 3), random_state=0, **BRIEF).fit(binary_data)
    before = fitted_arrays(model)
    model.set_params(learning_rate=1e308)
    with pytest.raises(DivergenceError):
        model.partial_fit(binary_data)
    for a, b in zip(fitted_arrays(model), before, strict=True):
        assert_array_equal(a, b)
    assert model.n_iter_ == BRIEF["n_iter"]


# -- the estimator API ----------------------------------------------------------------


def test_pickle_round_trip(binary_data):
    model = DBM((4, 3), output_layers="all", random_state=0, **BRIEF).fit(binary_data)
    model.log_partition()
    restored = pickle.loads(pickle.dumps(model))
    assert_array_equal(restored.transform(binary_data), model.transform(binary_data))
    assert_array_equal(restored.score_samples(binary_data),
                       model.score_samples(binary_data))
    assert_array_equal(restored.lower_bound(binary_data), model.lower_bound(binary_data))
    assert_array_equal(restored.sample(3, n_gibbs_steps=5),
                       model.sample(3, n_gibbs_steps=5))
    # Training goes on alike.
    restored.partial_fit(binary_data)
    model.partial_fit(binary_data)
    for a, b in zip(fitted_arrays(restored), fitted_arrays(model), strict=True):
        assert_array_equal(a, b)


def test_grid_search_over_hidden_layer_sizes(digits):
    X, y = digits
    X = (X[:200] > 0.5).astype(np.float64)
    y = y[:200]
    pipeline = Pipeline([
        ("dbm", DBM(n_iter=2, batch_size=10, n_particles=20, pretrain_iter=5,
                    learning_rate=0.02, pretrain_learning_rate=0.1, random_state=0)),
        ("logistic", LogisticRegression(max_iter=200)),
    ])
    search = GridSearchCV(pipeline, {"dbm__hidden_layer_sizes": [(16,), (16, 8)]}, cv=2)
    search.fit(X, y)
    assert search.best_params_["dbm__hidden_layer_sizes"] in [(16,), (16, 8)]
    assert search.best_score_ > 0.18  # better than chance (0.1), after a brief fit


def test_partial_fit_continues_and_is_deterministic(binary_data):
    model = DBM((4, 3), random_state=0, **BRIEF)
    model.partial_fit(binary_data)
    assert model.n_iter_ == 1
    first = fitted_arrays(model)
    twin = copy.deepcopy(model)
    particles = [p.copy() for p in model.particles_]
    weights = [w.copy() for w in model.components_]
    model.partial_fit(binary_data)
    twin.partial_fit(binary_data)
    assert model.n_iter_ == twin.n_iter_ == 2
    assert len(model.train_scores_) == 2
    for a, b in zip(fitted_arrays(model), fitted_arrays(twin), strict=True):
        assert_array_equal(a, b)
    assert any((a != b).any() for a, b in zip(model.particles_, particles, strict=True))
    assert all(np.abs(a - b).max() > 0 for a, b in zip(model.components_, weights,
                                                          strict=True))
    # The first call from a fresh estimator is the same as before.
    fresh = DBM((4, 3), random_state=0, **BRIEF).partial_fit(binary_data)
    for a, b in zip(fitted_arrays(fresh), first, strict=True):
        assert_array_equal(a, b)
    # fit starts over.
    model.fit(binary_data)
    assert model.n_iter_ == BRIEF["n_iter"]


def test_transform_inverse_transform_and_feature_names(binary_data):
    model = DBM((4, 3), random_state=0, **BRIEF).fit(binary_data)
    top = model.transform(binary_data)
    assert top.shape == (60, 3)
    assert_array_equal(model.get_feature_names_out(), ["dbm0", "dbm1", "dbm2"])
    model.set_params(output_layers="all")
    every = model.transform(binary_data)
    assert every.shape == (60, 7)
    assert_array_equal(every[:, 4:], top)
    assert len(model.get_feature_names_out()) == 7
    assert_allclose(every, np.hstack(model._posteriors(binary_data)))

    # Every layer: exactly E[v | h_1].
    visible = model.inverse_transform(every)
    assert_allclose(visible, expit(every[:, :4] @ model.components_[0]
                                   + model.intercepts_[0]))
    # The top layer only: a top-down pass of means.
    below = expit(top @ model.components_[1] + model.intercepts_[1])
    assert_allclose(model.inverse_transform(top),
                    expit(below @ model.components_[0] + model.intercepts_[0]))
    for width in (4, 5, 8):
        with pytest.raises(ValueError, match="expecting 3 features"):
            model.inverse_transform(np.zeros((2, width)))


def test_sample_shapes_dtypes_and_seeding(binary_data):
    model = DBM((4, 3), random_state=0, **BRIEF).fit(binary_data)
    samples = model.sample(5, n_gibbs_steps=10)
    assert samples.shape == (5, 5) and samples.dtype == np.float64
    assert ((samples > 0) & (samples < 1)).all()
    assert_array_equal(model.sample(5, n_gibbs_steps=10), samples)
    assert_array_equal(model.sample(5, n_gibbs_steps=10, random_state=3),
                       model.sample(5, n_gibbs_steps=10, random_state=3))
    assert not np.array_equal(model.sample(5, n_gibbs_steps=10, random_state=3), samples)
    layers = model._sample_layers(5, 10, 3)
    assert [layer.shape for layer in layers] == [(5, 5), (5, 4), (5, 3)]
    assert all(set(np.unique(layer)) <= {0.0, 1.0} for layer in layers)


def test_refit_starts_over_and_partial_fit_accumulates_the_base_model(binary_data):
    """A second fit is the first one again, the data statistics of the AIS base
    model too (they were added to the first fit's); partial_fit adds every
    call's rows."""
    once = DBM((4, 3), random_state=0, **BRIEF).fit(binary_data)
    twice = DBM((4, 3), random_state=0, **BRIEF).fit(binary_data[::-1]).fit(binary_data)
    assert twice._n_rows_seen == once._n_rows_seen == 60
    for a, b in zip(fitted_arrays(twice) + twice._layer_sums,
                    fitted_arrays(once) + once._layer_sums, strict=True):
        assert_array_equal(a, b)
    assert (twice.log_partition("ais", n_betas=50, n_chains=5)
            == once.log_partition("ais", n_betas=50, n_chains=5))

    model = DBM((4, 3), random_state=0, **BRIEF)
    model.partial_fit(binary_data[:30])
    assert model._n_rows_seen == 30
    model.partial_fit(binary_data[30:])
    assert model._n_rows_seen == 60
    assert_allclose(model._layer_sums[0], binary_data.sum(axis=0))
