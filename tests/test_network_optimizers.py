"""The optimisers of skgen.network._optimizers against sklearn's, and several
states on slices of one parameter vector."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.neural_network._stochastic_optimizers import AdamOptimizer, SGDOptimizer

from skgen.network._optimizers import Adam, make_optimizer


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("solver, nesterov", [("adam", True), ("sgd", True), ("sgd", False)])
def test_step_is_sklearns_optimiser_with_its_l2_term(solver, nesterov, dtype):
    rng = np.random.RandomState(0)
    n_decayed, n_params, decay = 6, 9, 0.03
    params = rng.standard_normal(n_params)
    theirs = [params[:n_decayed].copy(), params[n_decayed:].copy()]
    if solver == "adam":
        optimizer = AdamOptimizer(theirs, 0.01, 0.8, 0.95, 1e-6)
    else:
        optimizer = SGDOptimizer(theirs, 0.01, "constant", 0.7, nesterov)
    ours = make_optimizer(solver, learning_rate=0.01, momentum=0.7, nesterov=nesterov,
                          beta_1=0.8, beta_2=0.95, epsilon=1e-6)
    params = params.astype(dtype)
    state = ours.new_state(n_params, dtype)
    for _ in range(4):
        grads = rng.standard_normal(n_params)
        ours.update(params, grads.astype(dtype), state, n_decayed, decay)
        # sklearn's MLP adds alpha * W / n_samples to the weights' gradient.
        optimizer.update_params(theirs, [grads[:n_decayed] + decay * theirs[0],
                                         grads[n_decayed:]])
        rtol = 1e-13 if dtype == np.float64 else 1e-5
        assert_allclose(params, np.concatenate(theirs), rtol=rtol, atol=rtol)
    assert state[1][0] == 4
    assert params.dtype == dtype and state[0].dtype == dtype


@pytest.mark.parametrize("solver", ["adam", "sgd"])
def test_two_states_on_slices_of_one_vector_are_two_optimisers(solver):
    """A GAN's two players: one flat vector, two optimiser states, each stepping
    its own slice (at its own pace), as two optimisers on separate vectors."""
    rng = np.random.RandomState(1)
    n_first, n_params = 5, 12
    params = rng.standard_normal(n_params)
    first, second = params[:n_first].copy(), params[n_first:].copy()
    settings = {"learning_rate": 0.05, "momentum": 0.6, "nesterov": True,
                "beta_1": 0.85, "beta_2": 0.99, "epsilon": 1e-7}
    player, other = make_optimizer(solver, **settings), make_optimizer(
        solver, **{**settings, "learning_rate": 0.02})
    states = [player.new_state(n_first, np.float64),
              other.new_state(n_params - n_first, np.float64)]
    separate = [player.new_state(n_first, np.float64),
                other.new_state(n_params - n_first, np.float64)]
    for step in range(5):
        grads = rng.standard_normal(n_params)
        player.update(params[:n_first], grads[:n_first], states[0], 2, 0.1)
        player.update(first, grads[:n_first], separate[0], 2, 0.1)
        if step % 2 == 0:
            other.update(params[n_first:], grads[n_first:], states[1])
            other.update(second, grads[n_first:], separate[1])
    assert_array_equal(params, np.concatenate([first, second]))
    for state, alone in zip(states, separate):
        assert_array_equal(state[0], alone[0])
        assert_array_equal(state[1], alone[1])
    assert (states[0][1][0], states[1][1][0]) == (5, 3)


def test_adam_bias_correction_is_folded_into_the_step_size():
    params, grads = np.zeros(3), np.array([1.0, -2.0, 0.5])
    adam = Adam(0.1, 0.9, 0.999, 1e-8)
    adam.update(params, grads, adam.new_state(3, np.float64))
    # The first bias-corrected step is -learning_rate * sign(g), up to epsilon.
    assert_allclose(params, -0.1 * np.sign(grads), rtol=1e-6)
