"""Small, fast instances of every public estimator, data that each of them accepts,
and the outputs of a fitted one: shared by the reliability tests (fuzzing,
interruption, threads, determinism)."""

import inspect

import joblib
import numpy as np
from sklearn.base import BaseEstimator, is_classifier

from skgen.utils.discovery import all_estimators

#: Settings that make every model small and its fit short, for those that have them.
SMALL = {
    "n_components": 3,
    "hidden_layer_sizes": (4,),
    "n_hidden": 3,
    "n_iter": 2,
    "max_iter": 3,
    "pretrain_iter": 2,
    "n_particles": 4,
    "n_sweeps": 2,
    "batch_size": 8,
    "ais_n_chains": 4,
    "ais_n_betas": 20,
    "generator_layer_sizes": (4,),
    "discriminator_layer_sizes": (4,),
    "random_state": 0,
}

#: Where the settings above do not fit the model.
OVERRIDES = {
    "VAE": {"n_components": 2},
    "DBM": {"hidden_layer_sizes": (4, 3)},
    "DBMClassifier": {"hidden_layer_sizes": (4, 3)},
}

#: The outputs that the reliability properties are about.
OUTPUT_METHODS = ("transform", "score_samples", "sample", "predict", "predict_proba")

#: Keyword arguments of ``sample`` that shorten its chains, where it has them.
_SHORT_CHAINS = {"n_gibbs_steps": 3, "n_steps": 3}


def small_estimator(name, Estimator):
    """A small, seeded instance of ``Estimator``."""
    defaults = Estimator().get_params()
    params = {key: value for key, value in SMALL.items() if key in defaults}
    return Estimator(**{**params, **OVERRIDES.get(name, {})})


def small_estimators():
    """(name, small instance) of every public estimator."""
    return [(name, small_estimator(name, Estimator))
            for name, Estimator in all_estimators()]


def takes_labels(estimator):
    """Whether fitting ``estimator`` should be given labels: classifiers, and the
    models that can learn them (``use_labels``), so that ``predict`` works."""
    return is_classifier(estimator) or "use_labels" in estimator.get_params()


def binary_data(n_samples=40, n_features=6, seed=0, dtype=np.float64):
    """Random 0/1 data with a label per row: every estimator accepts it."""
    rng = np.random.RandomState(seed)
    X = (rng.uniform(size=(n_samples, n_features)) < 0.5).astype(dtype)
    y = np.arange(n_samples) % 2
    return X, y


def fit(estimator, X, y, method="fit"):
    """Call ``estimator.<method>(X[, y])``, with y when it takes labels."""
    if takes_labels(estimator):
        if method == "partial_fit" and is_classifier(estimator):
            return estimator.partial_fit(X, y, classes=np.unique(y))
        return getattr(estimator, method)(X, y)
    return getattr(estimator, method)(X)


def outputs(estimator, X, methods=OUTPUT_METHODS):
    """{method: output} of a fitted estimator on X, for each of ``methods`` it
    has; ``sample`` draws 5 seeded rows with short chains."""
    found = {}
    for method in methods:
        if not hasattr(estimator, method):
            continue
        function = getattr(estimator, method)
        if method == "sample":
            signature = inspect.signature(function).parameters
            short = {key: value for key, value in _SHORT_CHAINS.items() if key in signature}
            found[method] = function(5, random_state=0, **short)
        else:
            found[method] = function(X)
    return found


def fingerprint(estimator):
    """A hash of the estimator's attributes (but its callbacks, which may hold
    threads), that sees random generators by their state alone: two copies of a
    generator differ in their seed sequences, which do not matter."""
    return joblib.hash(_plain({name: value for name, value in vars(estimator).items()
                               if name != "_skl_callbacks"}))


def _plain(value):
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_plain(item) for item in value)
    if isinstance(value, np.random.RandomState):
        return "RandomState", value.get_state()
    if isinstance(value, BaseEstimator):
        return type(value).__name__, _plain(vars(value))
    return value
