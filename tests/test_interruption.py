"""Safe interruption (skgen.utils._state.fit_transaction): a fit or partial_fit
that raises, whether from a KeyboardInterrupt between epochs or inside a
compiled call, an error of a training callback or bad data, leaves an earlier
fit intact and usable, and a new estimator unfitted."""

import _thread
import gc
import signal
import threading

import numpy as np
import pytest
from estimators import binary_data, fingerprint, fit, outputs, small_estimators
from numpy.testing import assert_array_equal
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted

callback = pytest.importorskip("sklearn.callback")

pytestmark = pytest.mark.filterwarnings(
    "ignore::sklearn.exceptions.ConvergenceWarning")

ESTIMATORS = small_estimators()
IDS = [name for name, _ in ESTIMATORS]
INCREMENTAL = [(name, model) for name, model in ESTIMATORS if hasattr(model, "partial_fit")]

#: The estimators whose fit has no training loop: the Hopfield networks store
#: their patterns in one short compiled call (``max_iter`` bounds recall).
_ONE_SHOT = {"HopfieldNetwork", "ModernHopfieldNetwork"}
LOOPING = [(name, model) for name, model in ESTIMATORS if name not in _ONE_SHOT]

#: Iteration settings long enough that a fit is still running when it is interrupted.
_LONG = {"n_iter": 10**6, "max_iter": 10**6, "pretrain_iter": 10**6, "fine_tune_iter": 0,
         "tol": 0.0, "n_iter_no_change": np.inf}


@pytest.fixture(autouse=True)
def ctrl_c_raises():
    """Ctrl-C raises KeyboardInterrupt in these tests, as in a Python session:
    pytest-xdist's workers ignore SIGINT, and ``_thread.interrupt_main`` then
    does nothing, which would leave the long fits below running.

    The garbage collector is off meanwhile: an interrupt that lands in a gc
    callback (hypothesis installs one) is printed and dropped, not raised, and
    the fit would then run on."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
        signal.signal(signal.SIGINT, previous)


class RaiseAtFirstEnd(callback.FitCallback):
    """A callback that raises ``error`` at the end of the first task that ends:
    an epoch's, or the fit's own when it has no epochs. (sklearn's protocol
    gives the hooks that do nothing.)"""

    def __init__(self, error):
        self.error = error

    def on_fit_task_end(self, estimator, context, **kwargs):
        raise self.error


class InterruptSoon(callback.FitCallback):
    """A callback that, when the fit begins, asks a timer thread to send the
    main thread a KeyboardInterrupt (as Ctrl-C does) ``delay`` seconds later."""

    def __init__(self, delay):
        self.timer = threading.Timer(delay, _thread.interrupt_main)

    def on_fit_task_begin(self, estimator, context, **kwargs):
        if not self.timer.is_alive() and not self.timer.finished.is_set():
            self.timer.start()


def fitted(model, seed=0):
    X, y = binary_data(seed=seed)
    return fit(clone(model), X, y), X


def assert_intact(model, before_hash, before_outputs, X):
    assert fingerprint(model) == before_hash
    after = outputs(model, X)
    assert after.keys() == before_outputs.keys()
    for method, value in before_outputs.items():
        assert_array_equal(after[method], value, err_msg=method)


@pytest.mark.parametrize("error", [KeyboardInterrupt(), RuntimeError("callback failed")],
                         ids=["KeyboardInterrupt", "RuntimeError"])
@pytest.mark.parametrize("name, model", ESTIMATORS, ids=IDS)
def test_an_interrupted_first_fit_leaves_the_estimator_unfitted(name, model, error):
    model = clone(model).set_callbacks(RaiseAtFirstEnd(error))
    before = fingerprint(model)
    X, y = binary_data()
    with pytest.raises(type(error)):
        fit(model, X, y)
    assert fingerprint(model) == before
    with pytest.raises(NotFittedError):
        check_is_fitted(model)


REFITS = [(name, model, method) for name, model in ESTIMATORS
          for method in ("fit", "partial_fit") if hasattr(model, method)]


@pytest.mark.parametrize("error", [KeyboardInterrupt(), RuntimeError("callback failed")],
                         ids=["KeyboardInterrupt", "RuntimeError"])
@pytest.mark.parametrize("name, model, method", REFITS,
                         ids=[f"{name}-{method}" for name, _, method in REFITS])
def test_an_interrupted_refit_leaves_the_earlier_fit_intact(name, model, method, error):
    model, X = fitted(model)
    expected = outputs(model, X)  # also fills the lazy caches, which must survive
    model.set_callbacks(RaiseAtFirstEnd(error))
    before = fingerprint(model)
    other, y = binary_data(seed=1)
    with pytest.raises(type(error)):
        fit(model, other, y, method)
    assert_intact(model, before, expected, X)


def _bad_batches(X):
    wrong_width = X[:, :-1]
    with_nan = X.copy()
    with_nan[0, 0] = np.nan
    return {"wrong width": wrong_width, "NaN": with_nan}


@pytest.mark.parametrize("name, model", INCREMENTAL, ids=[name for name, _ in INCREMENTAL])
def test_partial_fit_on_bad_data_leaves_the_model_intact(name, model):
    X, y = binary_data()
    model = fit(clone(model), X, y, "partial_fit")
    expected = outputs(model, X)
    before = fingerprint(model)
    for problem, bad in _bad_batches(X).items():
        with pytest.raises(ValueError):
            fit(model, bad, y, "partial_fit")
        assert_intact(model, before, expected, X)
    # Still usable: training goes on from where it was.
    fit(model, X, y, "partial_fit")


@pytest.mark.parametrize("name, model", LOOPING, ids=[name for name, _ in LOOPING])
def test_ctrl_c_during_a_long_fit_leaves_the_earlier_fit_intact(name, model):
    """A real KeyboardInterrupt from another thread, as Ctrl-C sends, while a
    long fit runs: it lands between epochs or inside a compiled kernel (which
    raises it when it returns), wherever the fit is after 50 ms."""
    params = model.get_params()
    model, X = fitted(model)
    expected = outputs(model, X)
    interrupt = InterruptSoon(0.05)
    model.set_params(**{key: value for key, value in _LONG.items() if key in params})
    model.set_callbacks(interrupt)
    before = fingerprint(model)
    other, y = binary_data(seed=1)
    with pytest.raises(KeyboardInterrupt):
        fit(model, other, y)
        interrupt.timer.join()  # if the fit ended first, the interrupt lands here
    assert_intact(model, before, expected, X)


def test_ctrl_c_inside_one_long_compiled_epoch(digits):
    """One training pass over many rows is one compiled call, which holds no
    Python frame: the interrupt waits for it to return, then undoes the fit."""
    from skgen import BernoulliRBM

    X = np.repeat(digits[0], 60, axis=0)  # 107,820 rows: a pass of a third of a second
    model = BernoulliRBM(n_components=64, n_iter=1, random_state=0).fit(X[:200])
    expected = model.transform(X[:50])
    before = fingerprint(model)
    timer = threading.Timer(0.1, _thread.interrupt_main)
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        model.fit(X)
        timer.join()  # if the fit was too quick, the interrupt lands here and fails below
    assert fingerprint(model) == before
    assert_array_equal(model.transform(X[:50]), expected)
