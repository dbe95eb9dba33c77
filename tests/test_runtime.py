"""What every estimator owes its user at run time: no Numba warning, and kernels
that release the GIL, so that threads share a fitted model and agree with one
thread."""

import importlib
import pkgutil
import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from numba.core.dispatcher import Dispatcher
from numba.core.errors import NumbaWarning
from numpy.testing import assert_array_equal

from skgen.utils.discovery import all_estimators

#: Small budgets, so that each fit takes well under a second once compiled.
_SMALL = {"n_iter": 2, "max_iter": 3, "ais_n_betas": 50, "ais_n_chains": 10,
          "hidden_layer_sizes": (16,), "n_components": 8, "fine_tune_iter": 0,
          "random_state": 0}

ESTIMATORS = dict(all_estimators())

#: Estimators of binary data only, which get the digits binarised.
_BINARY_ONLY = {"BoltzmannMachine", "HopfieldNetwork"}


def _data(name, X):
    return (X > 0.5).astype(X.dtype) if name in _BINARY_ONLY else X


def _small(Estimator):
    params = Estimator().get_params()
    return Estimator(**{k: v for k, v in _SMALL.items() if k in params})


def _uses(model, X, y):
    """Every use of a fitted model: name -> result."""
    uses = {}
    for name in ("transform", "predict", "predict_proba", "score_samples"):
        if hasattr(model, name):
            uses[name] = getattr(model, name)(X)
    uses["score"] = model.score(X, y)
    if hasattr(model, "sample"):
        uses["sample"] = model.sample(5, random_state=0)
    return uses


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", sorted(ESTIMATORS))
def test_no_numba_warning_reaches_a_user(name, dtype, digits):
    X, y = digits
    X, y = _data(name, X[:120].astype(dtype)), y[:120]
    with warnings.catch_warnings():
        warnings.simplefilter("error", NumbaWarning)
        model = _small(ESTIMATORS[name]).fit(X, y)
        _uses(model, X, y)


@pytest.mark.parametrize("name", sorted(ESTIMATORS))
def test_two_threads_transform_as_one(name, digits):
    """Two threads using one fitted model at once give one thread's results: its
    transform or predictions, or, for a model without them, its samples."""
    X, y = digits
    X, y = _data(name, X[:400]), y[:400]
    model = _small(ESTIMATORS[name]).fit(X[:200], y[:200])
    method = next((getattr(model, use) for use in ("transform", "predict_proba",
                                                    "predict") if hasattr(model, use)),
                  None)
    if method is None:  # a model that only samples (the GAN): seeded draws

        def method(part):
            return model.sample(len(part), random_state=len(part))

    halves = (X[:200], X[200:])
    expected = [method(part) for part in halves]
    with ThreadPoolExecutor(max_workers=2) as pool:
        for _ in range(3):
            results = list(pool.map(method, halves))
            for got, want in zip(results, expected, strict=True):
                assert_array_equal(got, want)


def _skgen_kernels():
    import skgen

    for module_info in pkgutil.walk_packages(skgen.__path__, prefix="skgen."):
        module = importlib.import_module(module_info.name)
        for name, obj in vars(module).items():
            if isinstance(obj, Dispatcher) and obj.py_func.__module__ == module.__name__:
                yield f"{module.__name__}.{name}", obj


def test_every_kernel_releases_the_gil_and_is_cached():
    kernels = dict(_skgen_kernels())
    assert "skgen.rbm._kernels.fit_epoch" in kernels
    for name, dispatcher in kernels.items():
        assert dispatcher.targetoptions.get("nogil") is True, name
        assert dispatcher._cache.__class__.__name__ != "NullCache", name
