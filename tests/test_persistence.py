"""Persistence of every fitted estimator: pickle records skgen's version and warns
on a mismatch, and skops.io round-trips the fitted state."""

import pickle
import warnings

import pytest
from numpy.testing import assert_array_equal

import skgen
from skgen.exceptions import InconsistentVersionWarning
from skgen.utils._persistence import VERSION_KEY
from skgen.utils.discovery import all_estimators

ESTIMATORS = dict(all_estimators())

# The fits and recalls are short on purpose.
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

_SMALL = {"n_iter": 2, "max_iter": 3, "pretrain_iter": 2, "ais_n_betas": 50,
          "ais_n_chains": 10, "hidden_layer_sizes": (8,), "n_components": 4,
          "fine_tune_iter": 0, "random_state": 0}

#: Estimators whose units are binary get the digits binarised.
_BINARY = {"BoltzmannMachine", "HopfieldNetwork"}


def _fitted(name, digits):
    Estimator = ESTIMATORS[name]
    params = Estimator().get_params()
    if name in ("DBM", "DBMClassifier"):
        params_small = {**_SMALL, "hidden_layer_sizes": (8, 6)}
    else:
        params_small = _SMALL
    model = Estimator(**{k: v for k, v in params_small.items() if k in params})
    X, y = digits
    X, y = X[:80], y[:80]
    if name in _BINARY:
        X = (X > 0.5).astype(float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # short fits warn of convergence
        model.fit(X, y)
    return model, X


def _outputs(model, X):
    """What a fitted model computes; score_samples first, which fills the caches
    (an RBM's log Z) that the saved state then carries."""
    out = {}
    for method in ("score_samples", "transform", "predict_proba", "predict"):
        if hasattr(model, method):
            out[method] = getattr(model, method)(X)
    return out


@pytest.mark.parametrize("name", sorted(ESTIMATORS))
def test_pickle_records_the_version(name, digits):
    model, X = _fitted(name, digits)
    expected = _outputs(model, X)
    assert model.__getstate__()[VERSION_KEY] == skgen.__version__
    with warnings.catch_warnings():
        warnings.simplefilter("error", InconsistentVersionWarning)
        restored = pickle.loads(pickle.dumps(model))
    for method, value in _outputs(restored, X).items():
        assert_array_equal(value, expected[method])
    assert VERSION_KEY not in restored.__dict__


def test_pickle_from_another_version_warns(digits):
    model, _ = _fitted("BernoulliRBM", digits)
    state = model.__getstate__()
    state[VERSION_KEY] = "0.0.1"
    restored = type(model).__new__(type(model))
    with pytest.warns(InconsistentVersionWarning, match="from skgen version 0.0.1") as record:
        restored.__setstate__(state)
    warning = record[0].message
    assert (warning.estimator_name, warning.original_version) == ("BernoulliRBM", "0.0.1")
    assert warning.current_version == skgen.__version__


@pytest.mark.parametrize("name", sorted(ESTIMATORS))
def test_skops_round_trip(name, digits):
    sio = pytest.importorskip("skops.io")
    model, X = _fitted(name, digits)
    expected = _outputs(model, X)
    data = sio.dumps(model)
    untrusted = sio.get_untrusted_types(data=data)
    # Only skgen's own classes need trusting.
    assert all(type_name.startswith("skgen.") for type_name in untrusted), untrusted
    restored = sio.loads(data, trusted=untrusted)
    for method, value in _outputs(restored, X).items():
        assert_array_equal(value, expected[method])
