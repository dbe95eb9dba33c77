"""Fuzzing every estimator with awkward data (tests/fuzzing.py), after a fit on
good data: a fit or partial_fit that fails on the awkward data leaves the
earlier fit untouched, and one that succeeds gives a usable model."""

import pickle
import warnings

import numpy as np
import pytest
from estimators import binary_data, fingerprint, fit, outputs, small_estimators
from fuzzing import check_fit_error, labels, training_data
from hypothesis import given, note
from hypothesis import strategies as st
from numpy.testing import assert_array_equal
from sklearn.base import clone
from sklearn.utils import get_tags

ESTIMATORS = small_estimators()
CASES = [(name, model, method) for name, model in ESTIMATORS
         for method in ("fit", "partial_fit") if hasattr(model, method)]


@pytest.fixture(scope="module")
def fitted_models():
    """Each model fitted on good data, and its outputs."""
    X, y = binary_data(n_features=3)
    found = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=UserWarning)  # ConvergenceWarning too
        for name, model in ESTIMATORS:
            model = fit(clone(model), X, y)
            found[name] = model, outputs(model, X)
    return X, found


@pytest.mark.parametrize("name, model, method", CASES,
                         ids=[f"{name}-{method}" for name, _, method in CASES])
@given(data=st.data())
def test_a_failed_refit_leaves_the_earlier_fit_untouched(fitted_models, name, model,
                                                         method, data):
    X_good, found = fitted_models
    fitted, expected = found[name]
    model = pickle.loads(pickle.dumps(fitted))
    before = fingerprint(model)
    X, description = data.draw(training_data(sparse=get_tags(model).input_tags.sparse))
    note(description)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", category=UserWarning)
            fit(model, X, labels(X.shape[0]), method)
    except Exception as error:
        check_fit_error(error, description)
        assert fingerprint(model) == before, f"{method} on {description}"
        after = outputs(model, X_good)
        for output, value in expected.items():
            assert_array_equal(after[output], value, err_msg=f"{output}, {description}")
        return
    if X.shape[1] == X_good.shape[1]:
        for output, value in outputs(model, X).items():
            assert value.dtype.kind != "f" or np.isfinite(value).all(), (
                f"{name}.{output} after {method} on {description}")
