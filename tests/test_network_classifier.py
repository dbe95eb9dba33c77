"""partial_fit of the fine-tuned classifiers (DBNClassifier, SDAClassifier): the
first call against fit with one pass, the later calls against a fine-tuning
pass written in NumPy, labels and ``classes``, and bad input."""

import copy
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy.special import expit, softmax
from sklearn.exceptions import ConvergenceWarning

from skgen import DBNClassifier, SDAClassifier


def make_dbn(**params):
    return DBNClassifier((12,), n_iter=2, fine_tune_batch_size=25, random_state=0,
                         **params)


def make_sda(**params):
    # Sigmoid units, as the NumPy pass below.
    return SDAClassifier((12,), activation="sigmoid", n_iter=2, fine_tune_batch_size=25,
                         random_state=0, **params)


MODELS = pytest.mark.parametrize("make_model", [make_dbn, make_sda], ids=["DBN", "SDA"])


def pretrained(model):
    """The weights of the pretrained layers, which fine-tuning leaves alone."""
    if isinstance(model, DBNClassifier):
        return [rbm.components_ for rbm in model.rbms_]
    return [layer.coefs_[0] for layer in model.autoencoders_]


@pytest.fixture(scope="module")
def blocks(digits):
    X, y = digits
    return [(X[start:start + 60], y[start:start + 60]) for start in (0, 60, 120)]


def fine_tuning_pass(model, params, moments, n_updates, order, X, targets):
    """One pass of Adam over the rows ``order`` of (X, targets), in mini-batches
    of ``fine_tune_batch_size``, for sigmoid hidden layers and a softmax output,
    with MLPClassifier's gradient of ``alpha / (2 n_rows) ||W||**2``: sklearn's
    algorithm, written from it on copies of the model's network and state."""
    network, params = model._network, params.copy()
    moments, t = moments.copy(), int(n_updates[0])
    coefs, intercepts = network.coefs(params), network.intercepts(params)
    for start in range(0, len(order), model.fine_tune_batch_size):
        rows = order[start:start + model.fine_tune_batch_size]
        outputs = [X[rows]]
        for W, b in zip(coefs[:-1], intercepts[:-1]):
            outputs.append(expit(outputs[-1] @ W + b))
        delta = softmax(outputs[-1] @ coefs[-1] + intercepts[-1], axis=1) - targets[rows]
        grads_W, grads_b = [None] * len(coefs), [None] * len(coefs)
        for layer in reversed(range(len(coefs))):
            grads_W[layer] = (outputs[layer].T @ delta + model.alpha * coefs[layer]) / len(rows)
            grads_b[layer] = delta.mean(axis=0)
            if layer:
                h = outputs[layer]
                delta = (delta @ coefs[layer].T) * h * (1 - h)
        gradient = np.concatenate([g.ravel() for g in grads_W] + grads_b)
        t += 1
        moments[0] = model.beta_1 * moments[0] + (1 - model.beta_1) * gradient
        moments[1] = model.beta_2 * moments[1] + (1 - model.beta_2) * gradient**2
        step = (model.learning_rate_init * np.sqrt(1 - model.beta_2**t)
                / (1 - model.beta_1**t))
        params -= step * moments[0] / (np.sqrt(moments[1]) + model.epsilon)
    return params


@MODELS
def test_the_first_call_is_fit_with_one_pass(make_model, blocks):
    X, y = blocks[0]
    model = make_model()
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        assert model.partial_fit(X, y) is model
    with pytest.warns(ConvergenceWarning):
        expected = make_model(max_iter=1).fit(X, y)
    assert_array_equal(model._params, expected._params)
    for fitted, reference in zip(pretrained(model), pretrained(expected), strict=True):
        assert_array_equal(fitted, reference)
    assert model.n_iter_ == 1 and model.t_ == 60
    assert model.loss_curve_ == expected.loss_curve_


@MODELS
def test_later_calls_run_one_fine_tuning_pass(make_model, blocks):
    model = make_model().partial_fit(*blocks[0])
    start = copy.deepcopy(model)
    X, y = blocks[1]
    model.partial_fit(X, y)
    # The order of the rows is the next draw of the model's stream.
    order = start._rng.permutation(len(X))
    targets = np.eye(10)[np.searchsorted(model.classes_, y)]
    expected = fine_tuning_pass(model, start._params, start._moments, start._n_updates,
                                order, X, targets)
    assert_allclose(model._params, expected, rtol=1e-9, atol=1e-12)
    assert model._n_updates[0] == start._n_updates[0] + 3
    assert model.n_iter_ == 2 and model.t_ == 120 and len(model.loss_curve_) == 2
    for fitted, first in zip(pretrained(model), pretrained(start), strict=True):
        assert_array_equal(fitted, first)


@MODELS
def test_calls_on_the_same_data_are_the_passes_of_fit(make_model, blocks):
    X, y = blocks[0]
    model = make_model()
    for _ in range(3):
        model.partial_fit(X, y, classes=np.arange(10))
    with pytest.warns(ConvergenceWarning):
        expected = make_model(max_iter=3).fit(X, y)
    assert_array_equal(model._params, expected._params)
    assert model.loss_curve_ == expected.loss_curve_
    # fit starts anew.
    with pytest.warns(ConvergenceWarning):
        model.set_params(max_iter=3).fit(X, y)
    assert_array_equal(model._params, expected._params)


@MODELS
def test_string_labels_and_classes(make_model, blocks):
    names = np.array(["eggs", "ham", "spam", "toast"])
    (X1, y1), (X2, y2), _ = blocks
    model = make_model()
    first = names[y1 % 2]  # only "eggs" and "ham"
    model.partial_fit(X1, first, classes=names)
    assert_array_equal(model.classes_, names)
    assert model.coefs_[-1].shape[1] == 4
    model.partial_fit(X2, names[y2 % 4], classes=list(names))
    assert model.predict(X2).dtype == names.dtype
    assert set(model.predict(X2)) <= set(names)
    assert model.predict_proba(X2).shape == (60, 4)
    with pytest.raises(ValueError, match=r"not in classes"):
        model.partial_fit(X2[:3], ["ham", "bacon", "eggs"])
    with pytest.raises(ValueError, match="not the same as on the first call"):
        model.partial_fit(X2, names[y2 % 4], classes=names[:3])
    # Without classes, those of the first call's y.
    inferred = make_model().partial_fit(X1, first)
    assert_array_equal(inferred.classes_, ["eggs", "ham"])
    with pytest.raises(ValueError, match=r"\['spam'\] that are not in classes"):
        inferred.partial_fit(X2, names[y2 % 3])
    with pytest.raises(ValueError, match=r"not in classes"):
        make_model().partial_fit(X1, first, classes=["ham", "spam"])


@MODELS
def test_bad_input_leaves_the_model_untouched(make_model, blocks):
    (X1, y1), (X2, y2), _ = blocks
    model = make_model().partial_fit(X1, y1, classes=np.arange(10))
    before = copy.deepcopy(model.__dict__)
    with pytest.raises(ValueError, match="features"):
        model.partial_fit(X2[:, :10], y2)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        model.partial_fit(X2 * 2, y2)
    with pytest.raises(ValueError, match="NaN"):
        model.partial_fit(np.full_like(X2, np.nan), y2)
    with pytest.raises(ValueError, match="not in classes"):
        model.partial_fit(X2, y2 + 10)
    with pytest.raises(ValueError, match="samples"):
        model.partial_fit(X2, y2[:-1])
    with pytest.raises(ValueError, match="early_stopping"):
        model.set_params(early_stopping=True).partial_fit(X2, y2)
    with pytest.raises(ValueError, match="must stay the same. Use fit to start anew"):
        model.set_params(early_stopping=False, hidden_layer_sizes=(7,)).partial_fit(X2, y2)
    model.set_params(hidden_layer_sizes=(12,))
    assert before.keys() == model.__dict__.keys()
    for name, value in before.items():
        if isinstance(value, np.ndarray):
            assert_array_equal(getattr(model, name), value, err_msg=name)
    assert model.n_iter_ == 1 and model.loss_curve_ == before["loss_curve_"]
    # and it goes on as if nothing had happened.
    model.partial_fit(X2, y2)
    assert model.n_iter_ == 2


def test_float32_stays_float32(blocks):
    (X1, y1), (X2, y2), _ = blocks
    model = make_dbn().partial_fit(X1.astype(np.float32), y1, classes=np.arange(10))
    model.partial_fit(X2, y2)  # float64 rows are cast to the model's dtype
    assert model._params.dtype == np.float32
    assert model.predict_proba(X2).dtype == np.float32
