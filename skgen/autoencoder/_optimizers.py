"""Stochastic optimisers over one flat parameter vector: SGD with momentum
(optionally Nesterov's) and Adam, as in sklearn's ``_stochastic_optimizers``.

They know nothing about networks: a step reads a gradient vector and updates the
parameters and the optimiser's moments in one fused pass. The first ``n_decayed``
entries also get the L2 term ``decay * param`` added to their gradient, so that
weights and biases can share one vector.
"""

import numpy as np

from ..utils._numba import inline_kernel, kernel

#: The names accepted by ``solver``, and their codes.
SOLVERS = {"sgd": 0, "adam": 1}
SGD = SOLVERS["sgd"]
ADAM = SOLVERS["adam"]


@inline_kernel
def _adam_range(params, grads, first_moment, second_moment, start, stop, decay,
                step_size, beta_1, beta_2, epsilon):
    one = params.dtype.type(1.0)
    for i in range(start, stop):
        g = grads[i] + decay * params[i]
        m = beta_1 * first_moment[i] + (one - beta_1) * g
        v = beta_2 * second_moment[i] + (one - beta_2) * g * g
        first_moment[i] = m
        second_moment[i] = v
        params[i] -= step_size * m / (np.sqrt(v) + epsilon)


@inline_kernel
def _sgd_range(params, grads, velocity, start, stop, decay, learning_rate, momentum,
               nesterov):
    for i in range(start, stop):
        g = grads[i] + decay * params[i]
        v = momentum * velocity[i] - learning_rate * g
        velocity[i] = v
        params[i] += momentum * v - learning_rate * g if nesterov else v


@kernel
def adam_step(params, grads, first_moment, second_moment, n_decayed, decay, step_size,
              beta_1, beta_2, epsilon):
    """One Adam update with the bias-corrected ``step_size`` (Kingma & Ba 2014)."""
    zero = params.dtype.type(0.0)
    _adam_range(params, grads, first_moment, second_moment, 0, n_decayed, decay,
                step_size, beta_1, beta_2, epsilon)
    _adam_range(params, grads, first_moment, second_moment, n_decayed,
                params.shape[0], zero, step_size, beta_1, beta_2, epsilon)


@kernel
def sgd_step(params, grads, velocity, n_decayed, decay, learning_rate, momentum,
             nesterov):
    """One SGD update with momentum; Nesterov's when ``nesterov`` (as sklearn)."""
    zero = params.dtype.type(0.0)
    _sgd_range(params, grads, velocity, 0, n_decayed, decay, learning_rate, momentum,
               nesterov)
    _sgd_range(params, grads, velocity, n_decayed, params.shape[0], zero, learning_rate,
               momentum, nesterov)


@kernel
def update(solver, params, grads, moments, n_updates, n_decayed, decay, learning_rate,
           momentum, nesterov, beta_1, beta_2, epsilon):
    """One step of the solver with code ``solver``.

    ``moments`` has shape (2, n_params): Adam's first and second moments, or the
    SGD velocity in row 0. ``n_updates[0]`` counts the steps. The scalars are
    float64 and are rounded to the dtype of ``params`` here.
    """
    dtype = params.dtype.type
    n_updates[0] += 1
    if solver == ADAM:
        t = n_updates[0]
        step_size = learning_rate * np.sqrt(1.0 - beta_2**t) / (1.0 - beta_1**t)
        adam_step(params, grads, moments[0], moments[1], n_decayed, dtype(decay),
                  dtype(step_size), dtype(beta_1), dtype(beta_2), dtype(epsilon))
    else:
        sgd_step(params, grads, moments[0], n_decayed, dtype(decay),
                 dtype(learning_rate), dtype(momentum), nesterov)
