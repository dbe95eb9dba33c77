"""The GAN's kernels against the NumPy references of tests/naive_gan.py: both
players' losses and gradients (finite differences, the gradient penalty's
double backpropagation included) and one compiled epoch on the same draws."""

import naive_gan as ref
import numpy as np
import pytest
from naive_network import finite_difference_gradient
from numba import njit
from numpy.testing import assert_allclose

from skgen import GAN
from skgen.gan import _kernels
from skgen.gan._gan import GANNetwork
from skgen.utils._random import row_streams

# The passes are only callable from kernels: these call them.


@njit
def _draw_noise(streams, noise, normals):
    _kernels.draw_noise(streams, noise, normals)


@njit
def _draw_interpolates(streams, real, fake, out):
    _kernels.draw_interpolates(streams, real, fake, out)


@njit
def _call(kernel, args):
    return kernel(*args)


def make_case(activation, hidden=(5, 4), n_rows=4, n_features=3, n_components=2,
              seed=0):
    rng = np.random.RandomState(seed)
    network = GANNetwork(n_features, n_components, list(hidden), list(hidden),
                         activation, "identity")
    params = network.initial_params(rng, np.float64)
    params *= 2  # larger weights: gradient norms away from 1
    real = rng.normal(size=(n_rows, n_features))
    fake = rng.normal(size=(n_rows, n_features))
    noise = rng.normal(size=(n_rows, n_components))
    return network, params, real, fake, noise


# tanh has a second derivative, relu none; () is a linear critic.
CASES = [("tanh", (5, 4)), ("relu", (5, 4)), ("tanh", ())]


@pytest.mark.parametrize("loss", sorted(_kernels.LOSSES))
@pytest.mark.parametrize(("activation", "hidden"), CASES)
def test_critic_loss_and_gradient(loss, activation, hidden):
    network, params, real, fake, _ = make_case(activation, hidden)
    critic = network.critic
    critic_params = network.critic_params(params)
    n_rows = len(real)
    activations = critic.buffer(2 * n_rows, np.float64)
    critic.rows(activations, 0, 2 * n_rows, 2 * n_rows)[...] = np.vstack([real, fake])
    grads = np.zeros_like(critic_params)
    kernel = _kernels.critic_pass(activation, loss)
    total = _call(kernel, (critic_params, grads, critic.layers, activations,
                           critic.buffer(2 * n_rows, np.float64),
                           network.columns(np.float64), n_rows, 2 * n_rows))

    def objective(p):
        return ref.critic_objective(loss, critic, p, real, fake)

    assert_allclose(total, objective(critic_params), rtol=1e-12)
    assert_allclose(grads, finite_difference_gradient(objective, critic_params) / n_rows,
                    rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize(("activation", "hidden"), CASES)
def test_gradient_penalty_and_its_double_backpropagation(activation, hidden):
    network, params, real, _, _ = make_case(activation, hidden)
    critic = network.critic
    critic_params = network.critic_params(params)
    n_rows, weight = len(real), 10.0
    activations = critic.buffer(n_rows, np.float64)
    critic.rows(activations, 0, n_rows, n_rows)[...] = real
    grads = np.full_like(critic_params, 0.5)  # the penalty adds to the loss's
    kernel = _kernels.penalty_pass(activation)
    buffers = [critic.buffer(n_rows, np.float64) for _ in range(3)]
    total = _call(kernel, (critic_params, grads, critic.layers, activations, *buffers,
                           n_rows, n_rows, weight))

    def objective(p):
        return ref.penalty(critic, p, real, weight)

    assert_allclose(total, objective(critic_params), rtol=1e-12)
    assert_allclose(critic.rows(buffers[0], 0, n_rows, n_rows),
                    ref.input_gradient(critic, critic_params, real), rtol=1e-12)
    assert_allclose(grads - 0.5,
                    finite_difference_gradient(objective, critic_params) / n_rows,
                    rtol=1e-6, atol=1e-8)


def test_reference_input_gradient_is_the_derivative_of_the_critic():
    network, params, real, _, _ = make_case("tanh")
    critic_params = network.critic_params(params)
    numeric = np.array([
        finite_difference_gradient(
            lambda x: ref.output(network.critic, critic_params, x[None])[0, 0], row)
        for row in real
    ])
    assert_allclose(ref.input_gradient(network.critic, critic_params, real), numeric,
                    rtol=1e-7, atol=1e-10)


@pytest.mark.parametrize(("loss", "activation", "hidden", "output_activation"),
                         [("nonsaturating", "tanh", (5, 4), "identity"),
                          ("wasserstein-gp", "tanh", (5, 4), "identity"),
                          ("nonsaturating", "relu", (4,), "sigmoid")])
def test_generator_loss_and_gradient(loss, activation, hidden, output_activation):
    network, params, _, _, noise = make_case(activation, hidden)
    network = GANNetwork(3, 2, list(hidden), list(hidden), activation,
                         output_activation)
    n_rows = len(noise)
    generator, critic = network.generator, network.critic
    generator_activations = generator.buffer(n_rows, np.float64)
    generator.rows(generator_activations, 0, n_rows, n_rows)[...] = noise
    grads = np.zeros_like(params)
    kernel = _kernels.generator_pass(activation, output_activation, loss)
    total = _call(kernel, (params, grads, generator.layers, critic.layers,
                           generator_activations, generator.buffer(n_rows, np.float64),
                           critic.buffer(2 * n_rows, np.float64),
                           critic.buffer(2 * n_rows, np.float64),
                           network.columns(np.float64), n_rows, n_rows))
    n_generator = generator.n_params

    def objective(p):
        return ref.generator_objective(loss, network,
                                       np.concatenate([p, params[n_generator:]]), noise)

    assert_allclose(total, objective(params[:n_generator]), rtol=1e-12)
    assert_allclose(grads[:n_generator],
                    finite_difference_gradient(objective, params[:n_generator])
                    / n_rows, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("loss", sorted(_kernels.LOSSES))
def test_epoch_against_reference_on_the_same_draws(loss):
    """One compiled epoch (3 batches, the last one short, two critic steps per
    generator step) against the reference's, with Adam on finite-difference
    gradients. Adam's epsilon is large, so that its steps are smooth in tiny
    gradients, which finite differences get only roughly."""
    X = np.random.RandomState(3).normal(size=(10, 3))
    model = GAN(n_components=2, generator_layer_sizes=(4,),
                discriminator_layer_sizes=(5,), loss=loss, n_critic=2,
                learning_rate_init=0.05, epsilon=1e-3, batch_size=4, random_state=0)
    state = model._new_state(X, None, np.random.RandomState(0))
    network = state["_network"]
    start, streams = state["_params"].copy(), state["_streams"].copy()
    order = np.random.RandomState(1).permutation(10).astype(np.int64)
    totals = model._epoch_runner((X,), state)(order)

    def draw_noise(n_rows):
        noise = np.empty((n_rows, 2))
        _draw_noise(streams[:n_rows], noise, np.empty(2))
        return noise

    def draw_interpolates(real, fake):
        out = np.array(real)
        _draw_interpolates(streams[:len(real)], real, fake, out)
        return out

    weight = model.gradient_penalty if loss in _kernels.PENALIZED_LOSSES else 0.0
    settings = (0.05, model.beta_1, model.beta_2, 1e-3)
    expected = ref.epoch(loss, network, start, X, order, 4, 2, weight,
                         ref.Adam(*settings), ref.Adam(*settings), draw_noise,
                         draw_interpolates)
    assert_allclose(state["_params"], expected, rtol=1e-6, atol=1e-8)
    assert_allclose(state["_streams"], streams)
    assert list(state["_n_updates"]) == [2, 3]
    assert np.isfinite(totals).all()


def test_noise_draws_agree_in_float32_and_float64():
    streams = row_streams(np.random.RandomState(0), 3)
    noise64, noise32 = np.empty((3, 5)), np.empty((3, 5), dtype=np.float32)
    _draw_noise(streams.copy(), noise64, np.empty(6))
    _draw_noise(streams.copy(), noise32, np.empty(6))
    assert_allclose(noise32, noise64, rtol=1e-6)
