"""Thread safety: threads that call ``transform`` and ``score_samples`` on one
fitted estimator, its lazy caches empty (the RBMs' log Z, by enumeration or by
AIS; the autoencoders' code mixture), get exactly the serial results; fits in
different threads share no state."""

import pickle
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from estimators import binary_data, fingerprint, fit, outputs, small_estimators
from numpy.testing import assert_array_equal
from sklearn.base import clone

from skgen import BernoulliRBM

pytestmark = pytest.mark.filterwarnings(
    "ignore::sklearn.exceptions.ConvergenceWarning")

N_THREADS = 4

#: Every estimator, and an RBM whose log Z comes from AIS (more than 20 hidden units).
ESTIMATORS = small_estimators() + [
    ("BernoulliRBM-AIS", BernoulliRBM(n_components=24, n_iter=2, ais_n_chains=4,
                                      ais_n_betas=20, random_state=0)),
]
IDS = [name for name, _ in ESTIMATORS]
_METHODS = ("transform", "score_samples", "predict_proba")
#: Those that have some of the methods (the GAN only samples).
SCORING = [(name, model) for name, model in ESTIMATORS
           if any(hasattr(model, method) for method in _METHODS)]


def in_threads(function, n_threads=N_THREADS):
    """``function()`` in ``n_threads`` threads that start together; their results."""
    barrier = threading.Barrier(n_threads)

    def run():
        barrier.wait()
        return function()

    with ThreadPoolExecutor(n_threads) as pool:
        futures = [pool.submit(run) for _ in range(n_threads)]
        return [future.result() for future in futures]


@pytest.mark.parametrize("name, model", SCORING, ids=[name for name, _ in SCORING])
def test_threads_on_one_fitted_estimator_get_the_serial_results(name, model):
    X, y = binary_data()
    model = fit(clone(model), X, y)
    serial = outputs(pickle.loads(pickle.dumps(model)), X, _METHODS)
    for found in in_threads(lambda: outputs(model, X, _METHODS)):
        for method, value in serial.items():
            assert_array_equal(found[method], value, err_msg=method)
    # The caches the threads filled serve a later call the same.
    for method, value in outputs(model, X, _METHODS).items():
        assert_array_equal(value, serial[method], err_msg=method)


@pytest.mark.parametrize("name, model", ESTIMATORS, ids=IDS)
def test_fits_in_threads_share_no_state(name, model):
    X, y = binary_data()
    expected = fingerprint(fit(clone(model), X, y))
    models = in_threads(lambda: fit(clone(model), X, y))
    assert [fingerprint(fitted) for fitted in models] == [expected] * N_THREADS
