"""scikit-learn's training callbacks on skgen's estimators (skgen.utils._callbacks):
the task tree, ProgressBar through meta-estimators, ScoringMonitor against
refitted models, stopping, the cost without callbacks, and the fallback when
sklearn has no ``sklearn.callback``."""

import importlib.util
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline

import skgen
from skgen import (
    DBN,
    VAE,
    Autoencoder,
    BernoulliRBM,
    BoltzmannMachine,
    DBNClassifier,
    DenoisingAE,
    GaussianBernoulliRBM,
    SDAClassifier,
)
from skgen.utils import _callbacks
from skgen.utils.discovery import all_estimators

callback = pytest.importorskip("sklearn.callback")

pytestmark = pytest.mark.filterwarnings(
    "ignore::sklearn.exceptions.ConvergenceWarning")


class Recorder:
    """Records the path of task names of every hook call."""

    def __init__(self):
        self.calls = []

    def setup(self, estimator, context):
        pass

    def teardown(self, estimator, context):
        pass

    def on_fit_task_begin(self, estimator, context):
        self.calls.append(("begin", _path(context)))

    def on_fit_task_end(self, estimator, context):
        self.calls.append(("end", _path(context)))

    def ends(self):
        return [path for hook, path in self.calls if hook == "end"]


class PropagatedRecorder(Recorder):
    """A Recorder that meta-estimators hand down to their sub-estimators."""

    max_propagation_depth = None


class StopAt:
    """Asks to stop at the end of the ``count``-th task named ``task_name``."""

    def __init__(self, task_name, count):
        self.task_name, self.count, self.seen = task_name, count, 0

    def setup(self, estimator, context):
        pass

    def teardown(self, estimator, context):
        pass

    def on_fit_task_begin(self, estimator, context):
        pass

    def on_fit_task_end(self, estimator, context):
        if context.task_name == self.task_name:
            self.seen += 1
            return self.seen == self.count
        return False


class PropagatedStopAt(StopAt):
    max_propagation_depth = None


def _path(context):
    names = []
    while context is not None:
        names.append(f"{context.estimator_name}:{context.task_name}")
        context = context.parent
    return tuple(reversed(names))


def small_models():
    """A small instance of every estimator, with its training length's name."""
    return [
        BernoulliRBM(n_components=6, n_iter=4, random_state=0),
        GaussianBernoulliRBM(n_components=6, n_iter=4, random_state=0),
        Autoencoder(hidden_layer_sizes=(6,), max_iter=4, random_state=0),
        DenoisingAE(hidden_layer_sizes=(6,), max_iter=4, random_state=0),
        VAE(n_components=2, hidden_layer_sizes=(6,), max_iter=4, random_state=0),
        DBNClassifier((6,), n_iter=3, max_iter=4, random_state=0),
    ]


def training_data(model, digits):
    X, y = digits[0][:120], digits[1][:120]
    if isinstance(model, GaussianBernoulliRBM):
        X = (X - X.mean(axis=0)) / (X.std(axis=0) + 0.1)
    return X, y


def n_epochs(model):
    return len(model.train_scores_) if hasattr(model, "train_scores_") else model.n_iter_


def test_every_estimator_supports_callbacks():
    for name, Estimator in all_estimators():
        assert issubclass(Estimator, callback.CallbackSupportMixin), name


def test_a_fit_has_a_task_per_epoch_and_partial_fit_one(digits):
    X = digits[0][:100]
    recorder = Recorder()
    model = BernoulliRBM(n_components=6, n_iter=3, random_state=0).set_callbacks(recorder)
    model.fit(X)
    epoch = ("BernoulliRBM:fit", "BernoulliRBM:epoch")
    assert recorder.ends() == [epoch] * 3 + [("BernoulliRBM:fit",)]
    assert [hook for hook, _ in recorder.calls] == ["begin"] + ["begin", "end"] * 3 + ["end"]
    recorder.calls.clear()
    model.partial_fit(X)
    assert recorder.ends() == [epoch, ("BernoulliRBM:fit",)]
    recorder = Recorder()
    Autoencoder(hidden_layer_sizes=(4,), max_iter=2, random_state=0) \
        .set_callbacks(recorder).partial_fit(X)
    assert recorder.ends() == [("Autoencoder:fit", "Autoencoder:epoch"),
                               ("Autoencoder:fit",)]


def test_a_dbn_has_a_task_per_layer_with_its_epochs_then_fine_tuning(digits):
    X, y = digits[0][:100], digits[1][:100]
    recorder = PropagatedRecorder()
    DBN((6, 4), n_iter=(2, 3), fine_tune_iter=2, random_state=0) \
        .set_callbacks(recorder).fit(X, y)
    root = "DBN:fit"
    # Each layer's task is its RBM's fit, attached below the DBN's.
    bottom, top = (root, "BernoulliRBM:fit"), (root, "LabelledRBM:fit")
    fine_tuning = (root, "DBN:fine-tuning")
    assert recorder.ends() == (
        [(*bottom, "BernoulliRBM:epoch")] * 2 + [bottom]
        + [(*top, "LabelledRBM:epoch")] * 3 + [top]
        + [(*fine_tuning, "DBN:epoch")] * 2 + [fine_tuning, (root,)]
    )
    recorder = PropagatedRecorder()
    DBNClassifier((6, 4), n_iter=1, max_iter=2, random_state=0) \
        .set_callbacks(recorder).fit(X, y)
    root = "DBNClassifier:fit"
    fine_tuning = (root, "DBNClassifier:fine-tuning")
    assert recorder.ends() == (
        [(root, "BernoulliRBM:fit", "BernoulliRBM:epoch"), (root, "BernoulliRBM:fit")] * 2
        + [(*fine_tuning, "DBNClassifier:epoch")] * 2 + [fine_tuning, (root,)]
    )


def test_greedy_pretraining_has_a_task_per_layer_then_fine_tuning(digits):
    X, y = digits[0][:100], digits[1][:100]
    recorder = PropagatedRecorder()
    DenoisingAE((6, 4), pretrain="greedy", pretrain_max_iter=2, max_iter=3,
                random_state=0).set_callbacks(recorder).fit(X)
    root = "DenoisingAE:fit"
    layer, fine_tuning = (root, "DenoisingAE:fit"), (root, "DenoisingAE:fine-tuning")
    assert recorder.ends() == (
        ([(*layer, "DenoisingAE:epoch")] * 2 + [layer]) * 2
        + [(*fine_tuning, "DenoisingAE:epoch")] * 3 + [fine_tuning, (root,)]
    )
    classifier = SDAClassifier((6, 4), n_iter=2, max_iter=3, random_state=0)
    classifier.set_callbacks(StopAt("pretraining layer 0", 1)).fit(X, y)
    # One pretrained layer; the second keeps its Glorot start, nothing is fine-tuned.
    assert len(classifier.autoencoders_) == 1 and classifier.n_iter_ == 0
    assert classifier.predict(X).shape == (100,)


def test_progress_bar_through_a_grid_search_over_a_pipeline(digits, capsys):
    pytest.importorskip("rich")
    X, y = digits[0][:200], digits[1][:200]
    pipeline = make_pipeline(BernoulliRBM(n_components=8, n_iter=3, random_state=0),
                             LogisticRegression(max_iter=200))
    grid = {"bernoullirbm__n_components": [4, 8]}
    plain = GridSearchCV(pipeline, grid, cv=2).fit(X, y)
    # A ScoringMonitor on the step itself, the others on the search.
    monitor = callback.ScoringMonitor(scoring=log_likelihood)
    watched = GridSearchCV(clone(pipeline).set_params(
        bernoullirbm=clone(pipeline[0]).set_callbacks(monitor)), grid, cv=2)
    recorder = PropagatedRecorder()
    watched.set_callbacks(callback.ProgressBar(max_propagation_depth=None), recorder)
    watched.fit(X, y)
    assert_array_equal(watched.cv_results_["mean_test_score"],
                       plain.cv_results_["mean_test_score"])
    assert watched.best_params_ == plain.best_params_
    assert_array_equal(watched.predict_proba(X), plain.predict_proba(X))
    assert "BernoulliRBM - fit" in capsys.readouterr().out
    # Every fit of the RBM (4 in the search, 1 in the refit) shows its epochs.
    rbm_epochs = [path for path in recorder.ends() if path[-1] == "BernoulliRBM:epoch"]
    assert len(rbm_epochs) == 5 * 3
    scored = [row for row in monitor.get_logs().data if row["task_name"] == "epoch"]
    assert len(scored) == 5 * 3
    assert all(np.isfinite(row["log_likelihood"]) for row in scored)
    # The propagated callbacks are cleared from the sub-estimators after the fit.
    assert watched.best_estimator_[0]._skl_callbacks == [monitor]


def log_likelihood(estimator, X, y):
    return {"log_likelihood": estimator.score(X)}


def test_scoring_monitor_scores_each_rbm_epoch_as_a_refitted_model(digits):
    X, y = digits[0][:150], digits[1][:150]
    params = {"n_components": 8, "batch_size": 10, "random_state": 0}

    def scores(estimator, X, y):
        # Exact log-likelihood, and AIS log Z, whose base model counts the data.
        return {"log_likelihood": estimator.score(X),
                "ais": estimator.log_partition("ais", n_chains=10, n_betas=30)}

    monitor = callback.ScoringMonitor(scoring=scores)
    model = BernoulliRBM(n_iter=3, **params).set_callbacks(monitor).fit(X, y)
    rows = [row for row in monitor.get_logs().data if row["task_name"] == "epoch"]
    assert len(rows) == 3
    for n_passes, row in enumerate(rows, start=1):
        refit = BernoulliRBM(n_iter=n_passes, **params).fit(X)
        assert_allclose(row["log_likelihood"], refit.score(X), rtol=1e-12)
        assert_allclose(row["ais"], refit.log_partition("ais", n_chains=10, n_betas=30),
                        rtol=1e-12)
    # Scoring copies left the model as a fit without callbacks leaves it.
    assert_array_equal(model.components_, BernoulliRBM(n_iter=3, **params).fit(X).components_)


@pytest.mark.parametrize("scoring", ["accuracy", log_likelihood])
def test_scoring_monitor_scores_each_network_epoch_as_a_refitted_model(digits, scoring):
    X, y = digits[0][:150], digits[1][:150]
    key = "accuracy" if scoring == "accuracy" else "log_likelihood"

    def make(max_iter):
        if key == "accuracy":
            return DBNClassifier((8,), n_iter=1, max_iter=max_iter, early_stopping=True,
                                 n_iter_no_change=10, random_state=0)
        return Autoencoder(hidden_layer_sizes=(6,), max_iter=max_iter, random_state=0)
    monitor = callback.ScoringMonitor(scoring=scoring)
    clone(make(4)).set_callbacks(monitor).fit(X, y)
    rows = [row for row in monitor.get_logs().data if row["task_name"] == "epoch"]
    assert len(rows) == 4
    for n_epochs_run, row in enumerate(rows, start=1):
        refit = make(n_epochs_run).fit(X, y)
        expected = (refit.score(X, y) if key == "accuracy" else refit.score(X))
        # With early stopping, the copy holds the best parameters so far, as
        # the refit does.
        assert_allclose(row[key], expected, rtol=1e-12)


@pytest.mark.parametrize("model", small_models(), ids=lambda model: type(model).__name__)
def test_a_stop_request_ends_training_after_that_epoch(digits, model):
    X, y = training_data(model, digits)
    stopped = clone(model).set_callbacks(PropagatedStopAt("epoch", 2)).fit(X, y)
    if isinstance(model, DBNClassifier):
        # The request stops the epochs of the RBM it came from, and fine-tuning.
        assert [len(scores) for scores in stopped.pretraining_scores_] == [2]
        assert stopped.n_iter_ == 4
        stopped = clone(model).set_callbacks(StopAt("epoch", 2)).fit(X, y)
    assert n_epochs(stopped) == 2
    name = "n_iter" if hasattr(model, "n_iter") and not isinstance(model, DBNClassifier) \
        else "max_iter"
    reference = clone(model).set_params(**{name: 2}).fit(X, y)
    for attribute in ("components_", "_params"):
        if hasattr(reference, attribute):
            assert_array_equal(getattr(stopped, attribute), getattr(reference, attribute))
    # Fitted and usable.
    output = stopped.predict(X) if hasattr(stopped, "predict") else stopped.transform(X)
    assert output.shape[0] == X.shape[0] and np.isfinite(stopped.score(X, y))


def test_a_stop_request_at_a_dbn_layer_ends_the_stack(digits):
    X, y = digits[0][:100], digits[1][:100]
    model = DBN((6, 4), n_iter=2, fine_tune_iter=3, random_state=0)
    model.set_callbacks(StopAt("pretraining layer 0", 1)).fit(X, y)
    # One layer, no fine-tuning, and no label units (they join the top layer).
    assert len(model.rbms_) == 1 and model.recognition_rbms_ == []
    assert not hasattr(model, "classes_")
    assert model.transform(X).shape == (100, 6) and np.isfinite(model.score(X))
    reference = DBN((6,), n_iter=2, random_state=0).fit(X)
    assert_array_equal(model.rbms_[0].components_, reference.rbms_[0].components_)
    classifier = DBNClassifier((6, 4), n_iter=1, max_iter=3, random_state=0)
    classifier.set_callbacks(StopAt("pretraining layer 1", 1)).fit(X, y)
    # Pretrained, not fine-tuned: the output layer keeps its initial weights.
    assert len(classifier.rbms_) == 2 and classifier.n_iter_ == 0
    assert classifier.predict(X).shape == (100,)


def test_a_stop_request_in_up_down_fine_tuning(digits):
    X = digits[0][:100]
    params = {"hidden_layer_sizes": (6, 4), "n_iter": 1, "random_state": 0}
    model = DBN(fine_tune_iter=5, **params).set_callbacks(StopAt("epoch", 2)).fit(X)
    reference = DBN(fine_tune_iter=2, **params).fit(X)
    for fitted, expected in zip(model.rbms_ + model.recognition_rbms_,
                                reference.rbms_ + reference.recognition_rbms_,
                                strict=True):
        assert_array_equal(fitted.components_, expected.components_)


def test_no_fitted_copy_without_a_callback_that_asks_for_one(digits, monkeypatch):
    """Training with no callback, or one that takes no fitted_estimator, never
    builds the copies that fitted_estimator needs."""
    from skgen.network._base import BaseNetwork
    from skgen.rbm._base import BaseRBM

    def refuse(*args):
        raise AssertionError("a fitted copy was built")

    monkeypatch.setattr(BaseRBM, "_fitted_state", refuse)
    monkeypatch.setattr(BaseNetwork, "_fitted_state", refuse)
    X = digits[0][:60]
    for model in (BernoulliRBM(n_components=4, n_iter=2, random_state=0),
                  Autoencoder(hidden_layer_sizes=(4,), max_iter=2, random_state=0)):
        model.fit(X)
        model.set_callbacks(Recorder()).fit(X)
        model.set_callbacks()
        assert not hasattr(model, "_skl_callbacks")


def test_callbacks_survive_clone_and_are_not_parameters():
    recorder = Recorder()
    model = BernoulliRBM(n_components=4).set_callbacks(recorder)
    assert clone(model)._skl_callbacks == [recorder]
    assert "callbacks" not in " ".join(model.get_params())


def load_without_sklearn_callback(monkeypatch):
    """A fresh copy of skgen.utils._callbacks, imported as if scikit-learn had
    no sklearn.callback."""
    monkeypatch.setitem(sys.modules, "sklearn.callback", None)
    spec = importlib.util.spec_from_file_location("callbacks_without_sklearn",
                                                  _callbacks.__file__)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_support_module_falls_back_without_sklearn_callback(monkeypatch):
    module = load_without_sklearn_callback(monkeypatch)
    assert module.CallbackSupportMixin is not callback.CallbackSupportMixin

    class Model(module.CallbackSupportMixin):
        pass

    with pytest.raises(RuntimeError, match=r"Model.set_callbacks needs scikit-learn >= 1\.9"):
        Model().set_callbacks(Recorder())
    assert module.begin_fit(Model(), 3) is None
    assert module.subtasks(None, Model()) is None


def test_skgen_imports_and_fits_without_sklearn_callback():
    """In a new process whose sklearn has no sklearn.callback (hidden after the
    parts of sklearn 1.9 that import it themselves are loaded)."""
    script = textwrap.dedent("""
        import sys
        import numpy as np
        # The parts of scikit-learn 1.9 that import sklearn.callback themselves.
        import sklearn.base, sklearn.callback._callback_support, sklearn.cluster
        import sklearn.linear_model, sklearn.mixture, sklearn.model_selection
        sys.modules["sklearn.callback"] = None
        import skgen
        from skgen import BernoulliRBM, DBN, Autoencoder
        X = (np.random.RandomState(0).rand(40, 6) > 0.5).astype(float)
        for model in (BernoulliRBM(n_components=3, n_iter=2, random_state=0),
                      DBN((3, 2), n_iter=1, random_state=0),
                      Autoencoder(hidden_layer_sizes=(3,), max_iter=2, random_state=0)):
            model.fit(X).transform(X)
            try:
                model.set_callbacks()
            except RuntimeError as error:
                assert "scikit-learn >= 1.9" in str(error)
            else:
                raise AssertionError("set_callbacks did not raise")
        print(len(BernoulliRBM(n_components=3, n_iter=2).fit(X).train_scores_))
    """)
    root = Path(skgen.__file__).parent.parent
    result = subprocess.run([sys.executable, "-W", "ignore", "-c", script], cwd=root,
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "2"


def test_a_dbm_has_a_task_per_pretraining_rbm_then_per_pass(digits):
    X = digits[0][:100]
    recorder = PropagatedRecorder()
    skgen.DBM((6, 4), n_iter=2, pretrain_iter=1, batch_size=20, n_particles=10,
              random_state=0).set_callbacks(recorder).fit(X)
    root = "DBM:fit"
    layer = (root, "BernoulliRBM:fit")
    assert recorder.ends() == (
        [(*layer, "BernoulliRBM:epoch"), layer] * 2
        + [(root, "DBM:epoch")] * 2 + [(root,)]
    )
    # A stop request at a pass leaves the DBM fitted with the passes so far.
    params = {"hidden_layer_sizes": (6, 4), "n_iter": 3, "pretrain_iter": 1,
              "batch_size": 20, "n_particles": 10, "random_state": 0}
    stopped = skgen.DBM(**params).set_callbacks(StopAt("epoch", 2)).fit(X)
    reference = skgen.DBM(**{**params, "n_iter": 2}).fit(X)
    assert stopped.n_iter_ == 2
    for got, expected in zip(stopped.components_, reference.components_, strict=True):
        assert_array_equal(got, expected)
    assert np.isfinite(stopped.score(X))
    # A stop request in pretraining skips joint training.
    early = skgen.DBM(**params).set_callbacks(StopAt("pretraining layer 0", 1)).fit(X)
    assert early.n_iter_ == 0 and len(early.rbms_) == 2
    assert early.transform(X).shape == (100, 4)


def test_a_boltzmann_machine_has_a_task_per_pass_and_stops_on_request(digits):
    X = (digits[0][:60, :12] > 0.5).astype(float)
    recorder = Recorder()
    model = BoltzmannMachine(n_hidden=3, n_iter=3, random_state=0).set_callbacks(recorder)
    model.fit(X)
    epoch = ("BoltzmannMachine:fit", "BoltzmannMachine:epoch")
    assert recorder.ends() == [epoch] * 3 + [("BoltzmannMachine:fit",)]
    stopped = clone(model).set_callbacks(StopAt("epoch", 2)).fit(X)
    reference = clone(model).set_params(n_iter=2).fit(X)
    assert_array_equal(stopped.weights_, reference.weights_)
