"""DBMClassifier: the network it unrolls from the DBM (Salakhutdinov & Hinton
2009), accuracy on binarised digits, and the estimator API on data in [0, 1]
(which sklearn's common checks cannot use with Bernoulli visible units)."""

import pickle

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from scipy.special import expit, softmax
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning

from skgen import DBM, DBMClassifier

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

#: A small DBM that trains in a fraction of a second.
SMALL = {"n_iter": 3, "pretrain_iter": 3, "batch_size": 20, "n_particles": 20}


@pytest.fixture(scope="module")
def binary_data():
    """120 rows of 10 pixels: one of three patterns, with 10% of pixels flipped."""
    rng = np.random.RandomState(0)
    prototypes = np.zeros((3, 10), dtype=bool)
    prototypes[0, :4] = prototypes[1, 3:7] = prototypes[2, 6:] = True
    labels = rng.randint(3, size=120)
    flips = rng.uniform(size=(120, 10)) < 0.1
    return (prototypes[labels] ^ flips).astype(np.float64), labels


@pytest.fixture(scope="module")
def binary_digits(digits):
    X, y = digits
    X = (X > 0.5).astype(np.float64)
    return X[:600], y[:600], X[600:], y[600:]


def test_fine_tuned_dbm_classifies_binarised_digits(binary_digits):
    X_train, y_train, X_test, y_test = binary_digits
    model = DBMClassifier((32, 32), n_iter=5, pretrain_iter=5, batch_size=50,
                          n_particles=50, max_iter=50, fine_tune_batch_size=100,
                          learning_rate_init=0.01, random_state=0)
    accuracy = model.fit(X_train, y_train).score(X_test, y_test)
    assert accuracy > 0.8  # chance is 0.1
    assert model.n_iter_ == 50 and len(model.loss_curve_) == 50
    assert model.loss_curve_[-1] < 0.5 * model.loss_curve_[0]
    assert [c.shape for c in model.coefs_] == [(64 + 32, 32), (32, 32), (32, 10)]
    proba = model.predict_proba(X_test)
    assert proba.shape == (len(X_test), 10)
    assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-10)
    assert_array_equal(model.predict(X_test), model.classes_[proba.argmax(axis=1)])


def _unchanged(model, X, y):
    """``model`` fitted with a fine-tuning too small to move its weights."""
    model.set_params(max_iter=1, learning_rate_init=1e-12)
    with pytest.warns(ConvergenceWarning):
        return model.fit(X, y)


def test_the_network_starts_from_the_dbm(binary_data):
    X, y = binary_data
    model = _unchanged(DBMClassifier((5, 3), **SMALL, random_state=0), X, y)
    dbm = model.dbm_
    W1, W2 = dbm.components_
    _, b1, b2 = dbm.intercepts_
    first, second, output = model.coefs_
    # First hidden layer: W1 from v, W2^T from q(h2 | v); second: W2; then softmax.
    assert first.shape == (10 + 3, 5) and second.shape == (5, 3) and output.shape == (3, 3)
    assert_allclose(first[:10], W1.T, atol=1e-9)
    assert_allclose(first[10:], W2, atol=1e-9)
    assert_allclose(second, W2.T, atol=1e-9)
    assert_allclose(model.intercepts_[0], b1, atol=1e-9)
    assert_allclose(model.intercepts_[1], b2, atol=1e-9)
    # predict_proba: the DBM's mean field for q2, then the network forward.
    q2 = dbm._posteriors(X)[1]
    h1 = expit(X @ W1.T + q2 @ W2 + b1)
    h2 = expit(h1 @ W2.T + b2)
    expected = softmax(h2 @ output + model.intercepts_[2], axis=1)
    assert_allclose(model.predict_proba(X), expected, rtol=1e-6)


def test_the_dbm_is_the_dbm_of_the_same_parameters(binary_data):
    X, y = binary_data
    model = DBMClassifier((5, 3), **SMALL, max_iter=3, random_state=0).fit(X, y)
    # Seeded with the first int of the classifier's stream, as the DBN's RBMs.
    seed = np.random.RandomState(0).randint(np.iinfo(np.int32).max)
    reference = DBM((5, 3), **SMALL, random_state=seed).fit(X)
    for fitted, expected in zip(model.dbm_.components_, reference.components_,
                                strict=True):
        assert_array_equal(fitted, expected)
    # Fine-tuning leaves the DBM as it was.
    assert_array_equal(model.dbm_.transform(X), reference.transform(X))


@pytest.mark.parametrize("sizes", [(6,), (6, 4, 3)])
def test_one_and_three_hidden_layers(binary_data, sizes):
    X, y = binary_data
    model = _unchanged(DBMClassifier(sizes, **SMALL, random_state=0), X, y)
    weights = model.dbm_.components_
    coefs = model.coefs_
    assert len(coefs) == len(sizes) + 1
    if len(sizes) == 1:
        # v -> h1 (W1) -> softmax.
        assert_allclose(coefs[0], weights[0].T, atol=1e-9)
    else:
        # [v, q2] -> h1 (W1, W2^T) -> h2 (W2) -> h3 (W3) -> softmax.
        assert_allclose(coefs[0], np.vstack([weights[0].T, weights[1]]), atol=1e-9)
        for coef, weight in zip(coefs[1:-1], weights[1:], strict=True):
            assert_allclose(coef, weight.T, atol=1e-9)
    for bias, expected in zip(model.intercepts_[:-1], model.dbm_.intercepts_[1:],
                              strict=True):
        assert_allclose(bias, expected, atol=1e-9)
    assert model.predict_proba(X).shape == (120, 3)


def test_string_labels_early_stopping_and_sparse(binary_data):
    X, labels = binary_data
    y = np.array(["spam", "ham", "eggs"])[labels]
    model = DBMClassifier((8, 4), **SMALL, max_iter=30, early_stopping=True,
                          n_iter_no_change=5, fine_tune_batch_size=20,
                          learning_rate_init=0.05, random_state=0)
    model.fit(sp.csr_matrix(X), y)
    assert list(model.classes_) == ["eggs", "ham", "spam"]
    predicted = model.predict(X)
    assert predicted.dtype == model.classes_.dtype
    assert set(predicted) <= set(model.classes_)
    assert np.mean(predicted == y) > 0.8
    assert len(model.validation_scores_) == model.n_iter_
    assert model.best_loss_ is None
    assert_allclose(model.predict_proba(sp.csr_matrix(X)), model.predict_proba(X),
                    rtol=1e-6)


def test_pickle_idempotence_and_float32(binary_data):
    X, y = binary_data
    model = DBMClassifier((6, 4), **SMALL, max_iter=5, random_state=0)
    first = model.fit(X, y).predict_proba(X)
    assert first.dtype == np.float64
    again = clone(model).fit(X, y).predict_proba(X)
    assert_array_equal(first, again)
    restored = pickle.loads(pickle.dumps(model))
    assert_array_equal(restored.predict_proba(X), first)
    assert_array_equal(restored.predict(X), model.predict(X))
    small = clone(model).fit(X.astype(np.float32), y)
    assert small.dbm_.components_[0].dtype == np.float32
    assert all(c.dtype == np.float32 for c in small.coefs_)
    output = small.predict_proba(X.astype(np.float32))
    assert output.dtype == np.float32
    assert_allclose(output, first, atol=1e-3)
    # Rows are classified alike alone or together.
    assert_allclose(model.predict_proba(X[:7]), first[:7], rtol=1e-12)


def test_bad_inputs(binary_data):
    X, y = binary_data
    with pytest.raises(ValueError, match="NaN"):
        DBMClassifier((4,)).fit(np.full((3, 2), np.nan), [0, 1, 0])
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        DBMClassifier((4,)).fit(X * 2, y)
    with pytest.raises(ValueError, match="hidden_layer_sizes"):
        DBMClassifier((4, 0)).fit(X, y)
    with pytest.raises(ValueError, match="max_iter"):
        DBMClassifier((4,), max_iter=0).fit(X, y)
    model = DBMClassifier((4, 3), **SMALL, max_iter=1).fit(X, y)
    with pytest.raises(ValueError, match="features"):
        model.predict(X[:, :3])
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        model.predict_proba(X - 1)
    with pytest.raises(ValueError, match="NaN"):
        model.predict(np.full((2, 10), np.nan))
    # A rejected fit leaves the fitted model as it was.
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        model.fit(X[:, :4] * 2, y)
    assert model.n_features_in_ == 10 and model.predict(X).shape == (120,)


def test_gaussian_visible_units_take_real_data(binary_data):
    X, y = binary_data
    Z = (X - X.mean(axis=0)) / X.std(axis=0) * 1.5
    model = DBMClassifier((6, 4), visible_units="gaussian", **SMALL, learning_rate=0.01,
                          max_iter=30, fine_tune_batch_size=20, learning_rate_init=0.01,
                          random_state=0)
    assert model.fit(Z, y).score(Z, y) > 0.8
    assert not model.__sklearn_tags__().input_tags.positive_only


def test_callbacks_see_the_dbm_then_fine_tuning(binary_data):
    callback = pytest.importorskip("sklearn.callback")
    X, y = binary_data

    class Recorder:
        def __init__(self):
            self.ends = []

        def setup(self, estimator, context):
            pass

        def teardown(self, estimator, context):
            pass

        def on_fit_task_begin(self, estimator, context):
            pass

        def on_fit_task_end(self, estimator, context):
            names = []
            while context is not None:
                names.append(f"{context.estimator_name}:{context.task_name}")
                context = context.parent
            self.ends.append(tuple(reversed(names)))
            return self.stop and names[0] == "DBMClassifier:fitting the DBM"

    recorder = Recorder()
    recorder.stop = False
    model = DBMClassifier((4, 3), **SMALL, max_iter=2, random_state=0)
    assert isinstance(model, callback.CallbackSupportMixin)
    model.set_callbacks(recorder).fit(X, y)
    root = "DBMClassifier:fit"
    fine_tuning = (root, "DBMClassifier:fine-tuning")
    assert recorder.ends == [(root, "DBMClassifier:fitting the DBM")] + [
        (*fine_tuning, "DBMClassifier:epoch")] * 2 + [fine_tuning, (root,)]
    # A stop request after the DBM: the network as the DBM initialises it.
    recorder = Recorder()
    recorder.stop = True
    model = DBMClassifier((4, 3), **SMALL, max_iter=2, random_state=0)
    model.set_callbacks(recorder).fit(X, y)
    assert model.n_iter_ == 0 and model.loss_curve_ == []
    assert_allclose(model.coefs_[1], model.dbm_.components_[1].T)
    assert model.predict(X).shape == (120,)
