"""Fuzzing every estimator's fit with awkward data (tests/fuzzing.py): it either
raises an error that names the problem, or the model's outputs are all finite;
and the same seed gives the same bits twice."""

import warnings

import numpy as np
import pytest
from estimators import fingerprint, fit, outputs, small_estimators
from fuzzing import check_fit_error, labels, training_data
from hypothesis import given, note
from hypothesis import strategies as st
from numpy.testing import assert_array_equal
from sklearn.base import clone
from sklearn.utils import get_tags

ESTIMATORS = small_estimators()


def _fit_and_outputs(model, X):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=UserWarning)  # ConvergenceWarning too
        model = fit(clone(model), X, labels(X.shape[0]))
        return model, outputs(model, X)


@pytest.mark.parametrize("name, model", ESTIMATORS, ids=[name for name, _ in ESTIMATORS])
@given(data=st.data())
def test_fit_raises_a_named_error_or_gives_finite_outputs(name, model, data):
    X, description = data.draw(training_data(sparse=get_tags(model).input_tags.sparse))
    note(description)
    try:
        fitted, found = _fit_and_outputs(model, X)
    except Exception as error:
        check_fit_error(error, description)
        return
    for method, value in found.items():
        if value.dtype.kind == "f":
            assert np.isfinite(value).all(), f"{name}.{method} on {description}"
    again, found_again = _fit_and_outputs(model, X)
    assert fingerprint(again) == fingerprint(fitted), description
    for method, value in found.items():
        assert_array_equal(found_again[method], value, err_msg=f"{method} on {description}")
