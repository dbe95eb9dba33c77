"""The epoch driver of the network models: one training epoch per compiled call,
and around it, in Python, the loss curve and verbose lines, the divergence
error, early stopping that keeps the best parameters, the stopping rule, and the
callbacks of each epoch (a private hook, and sklearn's callback tasks).

It keeps sklearn's MLP conventions (``n_iter_``, ``t_``, ``loss_curve_``,
``best_loss_``, ``validation_scores_``, ...), in a state dict whose keys are the
names of the fitted attributes, so that an estimator commits it whole or not
at all (``skgen.utils._state.fit_transaction``).
"""

import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from ..exceptions import DivergenceError


def new_records(early_stopping):
    """The training records of a model that has not been trained yet."""
    return {
        "n_iter_": 0,
        "t_": 0,
        "loss_": None,
        "loss_curve_": [],
        "best_loss_": None if early_stopping else np.inf,
        "validation_scores_": [] if early_stopping else None,
        "best_validation_score_": -np.inf if early_stopping else None,
        "_no_improvement_count": 0,
    }


def continue_records(state, early_stopping):
    """Adapt the records of a fitted model to ``early_stopping``, which may have
    changed since its last fit."""
    if early_stopping and state["validation_scores_"] is None:
        state["validation_scores_"] = []
        state["best_validation_score_"] = -np.inf
    if not early_stopping and state["best_loss_"] is None:
        state["best_loss_"] = np.inf


def record_epoch(estimator, state, loss, n_samples, validation_score=None,
                 best_params=None, what="training pass", loss_stopping=True):
    """The bookkeeping of one epoch, as sklearn's MLP does it; whether it improved.

    ``loss`` is a float, or an array of the losses of several objectives (the
    two players of a GAN), which ``loss_curve_`` then holds per epoch.
    Raises a DivergenceError if the loss or the parameters are not finite.
    Updates ``n_iter_``, ``t_``, ``loss_`` and ``loss_curve_`` in ``state`` and
    prints sklearn's verbose line. With ``validation_score`` (a callable,
    evaluated once), the epoch improved if the score beat the best by ``tol``,
    and a new best score copies the parameters into ``best_params``; without it,
    the loss must have dropped by ``tol`` below ``best_loss_``, unless
    ``loss_stopping`` is False: then every epoch counts as an improvement, for a
    model whose loss does not measure progress.
    """
    params = state["_params"]
    if not (np.isfinite(loss).all() and np.isfinite(params).all()):
        raise DivergenceError(
            f"{type(estimator).__name__} diverged in {what} {state['n_iter_'] + 1}: "
            "the loss or the parameters are NaN or infinite. Lower "
            f"learning_rate_init (now {estimator.learning_rate_init:g}), or check the "
            "scale of the data."
        )
    state["n_iter_"] += 1
    state["t_"] += n_samples
    state["loss_"] = loss
    state["loss_curve_"].append(loss)
    if estimator.verbose:
        shown = ", ".join(f"{value:.8f}" for value in np.atleast_1d(loss))
        print(f"Iteration {state['n_iter_']}, loss = {shown}")
    if validation_score is None:
        if not loss_stopping:
            return True
        improved = loss <= state["best_loss_"] - estimator.tol
        state["best_loss_"] = min(state["best_loss_"], loss)
        return improved
    score = validation_score()
    state["validation_scores_"].append(score)
    if estimator.verbose:
        print(f"Validation score: {score:f}")
    improved = score >= state["best_validation_score_"] + estimator.tol
    if score > state["best_validation_score_"]:
        state["best_validation_score_"] = score
        best_params[:] = params
    return improved


def run_epochs(estimator, state, run_epoch, n_samples, *, incremental,
               validation_score=None, what="training pass", callback=None,
               tasks=None, fitted=None, loss_stopping=True):
    """Train for one epoch (``incremental``) or up to ``estimator.max_iter``.

    ``run_epoch(order)`` runs one compiled epoch over the training rows in the
    order ``order`` and returns the objective summed over them; the loss of the
    epoch is its mean. ``validation_score()``, with early stopping, scores the
    current parameters on the validation rows; the parameters of the best score
    are restored at the end. ``callback(estimator, state)``, if given, is called
    after the bookkeeping of every epoch; it stops training by returning True.
    ``tasks`` (:class:`skgen.utils._callbacks.Tasks`), if given, opens a
    callback task per epoch, whose callbacks can stop training too;
    ``fitted(params)`` then returns the fitted attributes of a model with
    ``params``, for their ``fitted_estimator``. Draws the order of each epoch
    from ``state["_rng"]`` when ``estimator.shuffle``. Without
    ``loss_stopping`` (and early stopping), training runs ``max_iter`` epochs,
    without a ConvergenceWarning (see ``record_epoch``).
    """
    rng = state["_rng"]
    params = state["_params"]
    best_params = params.copy() if validation_score is not None else None
    n_epochs = 1 if incremental else estimator.max_iter

    def fitted_now():
        # What training would leave if it stopped now: the best parameters.
        return fitted(params if best_params is None else best_params)

    for _ in range(n_epochs):
        if tasks is not None:
            tasks.begin("epoch", fitted_now)
        if estimator.shuffle:
            order = rng.permutation(n_samples)
        else:
            order = np.arange(n_samples)
        loss = run_epoch(order.astype(np.int64)) / n_samples
        improved = record_epoch(estimator, state, loss, n_samples, validation_score,
                                best_params, what, loss_stopping)
        state["_no_improvement_count"] = (
            0 if improved else state["_no_improvement_count"] + 1
        )
        stop = tasks is not None and tasks.end(fitted_now)
        if callback is not None and callback(estimator, state) or stop:
            break
        if incremental:
            break
        if state["_no_improvement_count"] > estimator.n_iter_no_change:
            if estimator.verbose:
                subject = "Validation score" if validation_score else "Training loss"
                print(f"{subject} did not improve more than tol={estimator.tol:f} for "
                      f"{estimator.n_iter_no_change} consecutive epochs. Stopping.")
            break
    else:
        if not incremental and (loss_stopping or validation_score is not None):
            warn_max_iter(estimator.max_iter)
    if best_params is not None:
        params[:] = best_params


def warn_max_iter(max_iter):
    """sklearn's ConvergenceWarning when training stops at ``max_iter`` epochs."""
    warnings.warn(
        f"Stochastic Optimizer: Maximum iterations ({max_iter}) reached and the "
        "optimization hasn't converged yet.",
        ConvergenceWarning,
    )
