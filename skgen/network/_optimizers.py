"""Stochastic optimisers over a flat parameter vector: SGD with momentum
(optionally Nesterov's) and Adam, as in sklearn's ``_stochastic_optimizers``.

They know nothing about networks. A state is two arrays: ``moments`` of shape
(2, n) (Adam's first and second moments, or the SGD velocity in row 0) and the
step counter ``n_updates`` of shape (1,). A step reads a gradient vector and
updates the parameters and the state in one fused pass; the first ``n_decayed``
entries also get the L2 term ``decay * param`` added to their gradient, so that
weights and biases can share one vector. The vector may be a slice of a larger
one: several states can train disjoint slices of one parameter vector (the two
players of a GAN).

Each optimiser's step is a compiled function with one signature,
``step(params, grads, moments, n_updates, n_decayed, decay, settings)``, where
``settings`` is the optimiser's tuple of hyperparameters; training kernels are
built with the step of the chosen optimiser.
"""

from abc import ABC

import numpy as np

from ..utils._numba import kernel


@kernel
def sgd_step(params, grads, moments, n_updates, n_decayed, decay, settings):
    """One SGD update with momentum; Nesterov's when ``nesterov`` (as sklearn).

    ``settings`` is ``(learning_rate, momentum, nesterov)``; the floats are
    rounded to the dtype of ``params``.
    """
    learning_rate, momentum, nesterov = settings
    dtype = params.dtype.type
    n_updates[0] += 1
    rate, momentum, zero = dtype(learning_rate), dtype(momentum), dtype(0.0)
    decay = dtype(decay)
    velocity = moments[0]
    for i in range(params.shape[0]):
        g = grads[i] + (decay if i < n_decayed else zero) * params[i]
        v = momentum * velocity[i] - rate * g
        velocity[i] = v
        params[i] += momentum * v - rate * g if nesterov else v


@kernel
def adam_step(params, grads, moments, n_updates, n_decayed, decay, settings):
    """One Adam update (Kingma & Ba 2014), with the bias correction folded into
    the step size.

    ``settings`` is ``(learning_rate, beta_1, beta_2, epsilon)``; the floats are
    rounded to the dtype of ``params`` after the step size is computed in float64.
    """
    learning_rate, beta_1, beta_2, epsilon = settings
    dtype = params.dtype.type
    n_updates[0] += 1
    t = n_updates[0]
    step_size = dtype(learning_rate * np.sqrt(1.0 - beta_2**t) / (1.0 - beta_1**t))
    one, zero = dtype(1.0), dtype(0.0)
    decay, beta_1, beta_2, epsilon = dtype(decay), dtype(beta_1), dtype(beta_2), dtype(
        epsilon)
    first_moment, second_moment = moments[0], moments[1]
    for i in range(params.shape[0]):
        g = grads[i] + (decay if i < n_decayed else zero) * params[i]
        m = beta_1 * first_moment[i] + (one - beta_1) * g
        v = beta_2 * second_moment[i] + (one - beta_2) * g * g
        first_moment[i] = m
        second_moment[i] = v
        params[i] -= step_size * m / (np.sqrt(v) + epsilon)


class Optimizer(ABC):
    """An optimiser: its compiled ``step`` and its hyperparameters ``settings``.

    ``step(params, grads, moments, n_updates, n_decayed, decay, settings)`` is the
    compiled update that training kernels are built with.
    """

    def __init__(self, step, settings):
        self.step = step
        self.settings = settings

    @staticmethod
    def new_state(n_params, dtype):
        """A fresh state for ``n_params`` parameters: (moments, n_updates)."""
        return np.zeros((2, n_params), dtype=dtype), np.zeros(1, dtype=np.int64)

    def update(self, params, grads, state, n_decayed=0, decay=0.0):
        """One step on ``params`` (a vector or a slice of one) with ``state``."""
        moments, n_updates = state
        self.step(params, grads, moments, n_updates, n_decayed, float(decay),
                  self.settings)


class SGD(Optimizer):
    """SGD with momentum, Nesterov's when ``nesterov``."""

    def __init__(self, learning_rate, momentum, nesterov):
        super().__init__(sgd_step, (float(learning_rate), float(momentum),
                                    bool(nesterov)))


class Adam(Optimizer):
    """Adam with decay rates ``beta_1`` and ``beta_2``."""

    def __init__(self, learning_rate, beta_1, beta_2, epsilon):
        super().__init__(adam_step, (float(learning_rate), float(beta_1),
                                     float(beta_2), float(epsilon)))


#: The names that ``solver`` accepts.
SOLVERS = ("adam", "sgd")


def make_optimizer(solver, *, learning_rate, momentum, nesterov, beta_1, beta_2,
                   epsilon):
    """The optimiser named ``solver`` with the estimator's hyperparameters."""
    if solver == "adam":
        return Adam(learning_rate, beta_1, beta_2, epsilon)
    return SGD(learning_rate, momentum, nesterov)
