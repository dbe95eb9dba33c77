"""The epoch driver of skgen.network._training, through a network estimator: the
callback, the divergence error, the validation split and the records."""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from skgen import Autoencoder, DBNClassifier, DivergenceError
from skgen.network._training import new_records, record_epoch

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def small(**params):
    return Autoencoder(**{"hidden_layer_sizes": (5,), "max_iter": 4, "batch_size": 20,
                          "random_state": 0, **params})


def test_callback_sees_every_epoch_and_can_stop_training(digits):
    X = digits[0][:60]
    seen = []

    def watch(estimator, state):
        seen.append((state["n_iter_"], state["loss_"]))
        return state["n_iter_"] == 3

    model = small()
    model._epoch_callback = watch
    model.fit(X)
    assert [n_iter for n_iter, _ in seen] == [1, 2, 3]
    assert [loss for _, loss in seen] == model.loss_curve_
    assert model.n_iter_ == 3
    # The callback is the estimator's, not a parameter: clones train without it.
    reference = small(max_iter=3).fit(X)
    np.testing.assert_array_equal(model._params, reference._params)


def test_a_stopping_callback_skips_the_convergence_warning(digits):
    model = small(max_iter=2)
    model._epoch_callback = lambda estimator, state: state["n_iter_"] == 2
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        model.fit(digits[0][:60])
    assert model.n_iter_ == 2


def test_record_epoch_raises_on_divergence_and_names_the_pass():
    class Estimator:
        learning_rate_init, verbose, tol = 0.5, False, 0.0

    state = {"_params": np.array([1.0, np.nan]), **new_records(False)}
    with pytest.raises(DivergenceError, match="diverged in training pass 1.*now 0.5"):
        record_epoch(Estimator(), state, 1.0, 10)
    state["_params"][1] = 0.0
    with pytest.raises(DivergenceError, match="fine-tuning pass 1"):
        record_epoch(Estimator(), state, np.inf, 10, what="fine-tuning pass")
    assert record_epoch(Estimator(), state, 2.0, 10)
    assert (state["n_iter_"], state["t_"], state["loss_curve_"]) == (1, 10, [2.0])


def test_record_epoch_takes_several_losses_and_can_ignore_them():
    """A GAN's epoch records both players' losses; without loss stopping every
    epoch counts as an improvement."""

    class Estimator:
        learning_rate_init, verbose, tol = 0.5, True, 0.0

    state = {"_params": np.zeros(2), **new_records(False)}
    for _ in range(2):
        assert record_epoch(Estimator(), state, np.array([1.0, 2.0]), 10,
                            loss_stopping=False)
    assert np.array(state["loss_curve_"]).shape == (2, 2)
    with pytest.raises(DivergenceError):
        record_epoch(Estimator(), state, np.array([1.0, np.nan]), 10,
                     loss_stopping=False)


def test_the_classifier_fine_tunes_through_the_driver(digits):
    X, y = digits[0][:150], digits[1][:150]
    seen = []
    model = DBNClassifier((8,), n_iter=1, max_iter=3, random_state=0)
    model._epoch_callback = lambda estimator, state: seen.append(state["n_iter_"])
    model.fit(X, y)
    assert seen == [1, 2, 3] and model.n_iter_ == 3
    assert model._n_updates[0] == 3  # one mini-batch of 150 rows per pass
