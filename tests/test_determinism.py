"""Determinism across processes and thread counts: the same seed gives
bit-identical fitted models in a loky worker and in the main process, and with
BLAS and OpenMP limited to 1 thread or allowed 2 (threadpoolctl)."""

import pickle

import pytest
from estimators import binary_data, fingerprint, fit, outputs, small_estimators, takes_labels
from joblib import Parallel, delayed
from numpy.testing import assert_allclose
from sklearn.base import clone
from threadpoolctl import threadpool_limits

pytestmark = pytest.mark.filterwarnings(
    "ignore::sklearn.exceptions.ConvergenceWarning")

ESTIMATORS = small_estimators()
IDS = [name for name, _ in ESTIMATORS]


def _fit_call(model, X, y):
    """A call that a worker can unpickle: the estimator's own bound fit."""
    model = clone(model)
    return delayed(model.fit)(X, y) if takes_labels(model) else delayed(model.fit)(X)


def test_a_loky_worker_fits_the_same_bits_as_the_main_process():
    X, y = binary_data()
    # One worker pool for every estimator: starting loky workers costs seconds.
    in_workers = Parallel(n_jobs=2, backend="loky")(
        _fit_call(model, X, y) for _, model in ESTIMATORS)
    for (name, model), from_worker in zip(ESTIMATORS, in_workers):
        # Both through pickle, which is how the worker's model comes back.
        here = pickle.loads(pickle.dumps(fit(clone(model), X, y)))
        assert fingerprint(from_worker) == fingerprint(here), name


@pytest.mark.parametrize("name, model", ESTIMATORS, ids=IDS)
def test_one_or_two_blas_threads_fit_the_same_bits(name, model):
    """Fits are compared bit for bit. Outputs are compared to 1e-12 only:
    a BLAS product may split its sums differently with more threads, which
    changes the last bits (ModernHopfieldNetwork.predict does on these 300 x
    40 inputs, and BernoulliRBM.transform was seen to on other machines)."""
    X, y = binary_data(n_samples=300, n_features=40)  # large enough for 2 BLAS threads
    fitted = {}
    for n_threads in (1, 2):
        with threadpool_limits(limits=n_threads):
            model_n = fit(clone(model), X, y)
            fitted[n_threads] = fingerprint(model_n), outputs(model_n, X)
    assert fitted[1][0] == fitted[2][0]
    for method, value in fitted[1][1].items():
        assert_allclose(fitted[2][1][method], value, rtol=1e-12, atol=1e-300,
                        err_msg=method)
