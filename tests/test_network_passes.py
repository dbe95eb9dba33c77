"""The passes of skgen.network._passes against the NumPy references of
tests/naive_network.py: gradients by finite differences for every activation and
loss, the composition of forward and backward, float32 against float64, inference
in chunks, and the epoch of a network fitted to targets."""

import naive_network as ref
import numpy as np
import pytest
import scipy.sparse as sp
from numba import njit
from numpy.testing import assert_allclose, assert_array_equal
from scipy.special import expit
from sklearn.neural_network._stochastic_optimizers import AdamOptimizer

from skgen.network._activations import ACTIVATIONS
from skgen.network._layers import Network
from skgen.network._losses import bce_unit, output_loss
from skgen.network._optimizers import Adam
from skgen.network._passes import (
    backward_pass,
    forward_pass,
    gradient_pass,
    predict,
    supervised_epoch,
)
from skgen.utils._validation import as_dense_and_csr


def kernel_loss_and_gradient(network, params, loss, inputs, targets, penalty=None,
                             context=()):
    """The batch objective and gradient from ``gradient_pass``."""
    n_rows, n_features = inputs.shape
    dtype = params.dtype
    grads = np.zeros_like(params)
    activations = network.buffer(n_rows, dtype)
    activations[:n_rows * n_features] = inputs.ravel()
    loss_and_gradient = gradient_pass(
        network.activation, network.output_activation,
        output_loss(loss, network.output_activation), penalty,
    )
    total = loss_and_gradient(
        params, grads, network.layers, np.ascontiguousarray(targets, dtype=dtype),
        activations, network.buffer(n_rows, dtype), network.columns(dtype), n_rows,
        n_rows, context,
    )
    return total, grads


def random_case(activation, output_activation, tied=False, seed=0):
    """A 5-4-3-4-5 network with random parameters and data, away from the kinks."""
    rng = np.random.RandomState(seed)
    shared = [None, None, 1, 0] if tied else None
    network = Network([5, 4, 3, 4, 5], activation, output_activation, shared)
    params = 2 * network.initial_params(rng, np.float64, 6.0)
    targets = rng.uniform(0.05, 0.95, (7, 5))
    inputs = targets + 0.1 * rng.standard_normal(targets.shape)
    zs, _ = ref.forward(network.coefs(params), network.intercepts(params),
                        network.activations, inputs)
    # Finite differences are meaningless across the kink of relu or selu.
    assert min(np.abs(z).min() for z in zs) > 1e-4
    return network, params, inputs, targets


def reference_objective(network, loss, inputs, targets):
    def objective(flat):
        zs, _ = ref.forward(network.coefs(flat), network.intercepts(flat),
                            network.activations, inputs)
        return ref.output_loss(loss, zs[-1], network.output_activation, targets).sum()

    return objective


@pytest.mark.parametrize("tied", [False, True])
@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
@pytest.mark.parametrize(
    "loss, output_activation",
    [("mse", name) for name in sorted(ACTIVATIONS)] + [("bce", "sigmoid")],
)
def test_gradient_of_every_activation_and_loss(activation, loss, output_activation, tied):
    network, params, inputs, targets = random_case(activation, output_activation, tied)
    objective = reference_objective(network, loss, inputs, targets)
    total, grads = kernel_loss_and_gradient(network, params, loss, inputs, targets)
    assert total == pytest.approx(objective(params), rel=1e-12)
    expected = ref.finite_difference_gradient(objective, params) / inputs.shape[0]
    assert_allclose(grads, expected, rtol=1e-6, atol=1e-8 * np.abs(expected).max())


def test_gradient_of_the_softmax_log_loss():
    """The classifiers' loss: -sum t log softmax(z), with probability targets."""
    rng = np.random.RandomState(0)
    network = Network([5, 4, 3], "sigmoid", "identity")
    params = 2 * network.initial_params(rng, np.float64, 6.0)
    inputs = rng.uniform(0, 1, (7, 5))
    targets = rng.dirichlet(np.ones(3), size=7)

    def objective(flat):
        (w1, w2), (b1, b2) = network.coefs(flat), network.intercepts(flat)
        logits = expit(inputs @ w1 + b1) @ w2 + b2
        log_proba = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
        return -np.sum(targets * log_proba)

    total, grads = kernel_loss_and_gradient(network, params, "log_loss", inputs, targets)
    assert total == pytest.approx(objective(params), rel=1e-12)
    expected = ref.finite_difference_gradient(objective, params) / 7
    assert_allclose(grads, expected, rtol=1e-6, atol=1e-8 * np.abs(expected).max())


def test_backward_composes_with_forward_and_gives_the_input_gradient():
    """The pieces a VAE composes: forward, a gradient of its own at the output, then
    backward down to the input."""
    network, params, inputs, targets = random_case("selu", "identity", tied=True)
    n_rows = inputs.shape[0]
    buffer = network.buffer(n_rows, np.float64)
    buffer[:inputs.size] = inputs.ravel()
    forward_pass("selu", "identity")(params, network.layers, buffer, n_rows, n_rows, 0,
                                     network.n_layers)
    outputs = buffer[-targets.size:].reshape(targets.shape)
    deltas = network.buffer(n_rows, np.float64)
    output_delta = (outputs - targets) / n_rows  # mse with identity outputs
    deltas[-targets.size:] = output_delta.ravel()
    grads = np.empty_like(params)
    network.intercepts(grads)[-1][:] = output_delta.sum(axis=0)
    backward_pass("selu")(params, grads, network.layers, buffer, deltas,
                          network.columns(np.float64), n_rows, n_rows, True, ())

    def objective(flat, X=inputs):
        return reference_objective(network, "mse", X, targets)(flat) / n_rows

    def objective_of_inputs(flat):
        return objective(params, flat.reshape(inputs.shape))

    assert_allclose(grads, ref.finite_difference_gradient(objective, params),
                    rtol=1e-6, atol=1e-9)
    assert_allclose(deltas[:inputs.size],
                    ref.finite_difference_gradient(objective_of_inputs, inputs.ravel()),
                    rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("loss", ["bce", "mse"])
def test_float32_gradient_matches_float64(loss):
    network, params, inputs, targets = random_case("sigmoid", "sigmoid", tied=True)
    total, grads = kernel_loss_and_gradient(network, params, loss, inputs, targets)
    total32, grads32 = kernel_loss_and_gradient(
        network, params.astype(np.float32), loss, inputs.astype(np.float32), targets)
    assert grads32.dtype == np.float32
    assert total32 == pytest.approx(total, rel=1e-5)
    assert_allclose(grads32, grads, rtol=1e-3, atol=1e-5 * np.abs(grads).max())


@njit
def _bce_losses(z, x, values, slopes):
    for i in range(z.shape[0]):
        values[i], slopes[i] = bce_unit(z[i], x[i])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_bce_is_accurate_and_finite_for_any_pre_activation(dtype):
    z = np.concatenate([np.linspace(-30, 30, 100001), [-1e4, 1e4]]).astype(dtype)
    x = np.random.RandomState(0).uniform(size=z.shape).astype(dtype)
    values, slopes = np.empty_like(z), np.empty_like(z)
    _bce_losses(z, x, values, slopes)
    z64, x64 = z.astype(np.float64), x.astype(np.float64)
    expected = np.logaddexp(0, z64) - x64 * z64
    # softplus(z) - x z cancels when x is near the target: the error is relative
    # to the size of the terms, as in any implementation of the dtype.
    eps = np.finfo(dtype).eps
    assert np.all(np.abs(values - expected) <= 4 * eps * (np.abs(z64) + expected))
    assert_allclose(slopes, expit(z64) - x64, atol=4 * eps)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("sparse", [False, True])
def test_predict_matches_reference_in_chunks(sparse, dtype):
    rng = np.random.RandomState(0)
    X = (rng.uniform(size=(11, 6)) * (rng.uniform(size=(11, 6)) < 0.6)).astype(dtype)
    network = Network([6, 4, 2, 4, 6], "selu", "sigmoid")
    params = network.initial_params(rng, dtype, 6.0)
    _, outputs = ref.forward(network.coefs(params), network.intercepts(params),
                             network.activations, X)
    tolerance = {"rtol": 1e-5, "atol": 1e-6} if dtype == np.float32 else {"rtol": 1e-12}
    data = sp.csr_matrix(X) if sparse else X
    for first, last in [(0, 2), (0, 4)]:
        out = predict(network, params, data, first, last, 4)
        assert out.dtype == dtype
        assert_allclose(out, outputs[last], **tolerance)
    decoded = predict(network, params, outputs[2].astype(dtype), 2, 4, 4)
    assert_allclose(decoded, outputs[4], **tolerance)
    # The chunks change nothing.
    assert_array_equal(predict(network, params, data, 0, 4, 11),
                       predict(network, params, data, 0, 4, 3))


@pytest.mark.parametrize("sparse", [False, True])
def test_supervised_epoch_is_batches_of_the_gradient_and_adam(sparse):
    rng = np.random.RandomState(0)
    X = rng.uniform(size=(23, 6)) * (rng.uniform(size=(23, 6)) < 0.7)
    targets = np.eye(3)[rng.randint(3, size=23)]
    network = Network([6, 5, 3], "sigmoid", "identity")
    params = network.initial_params(rng, np.float64, 2.0)
    order = rng.permutation(23).astype(np.int64)
    alpha = 0.01

    expected = params.copy()
    theirs = [expected[:network.n_coefs], expected[network.n_coefs:]]
    optimizer = AdamOptimizer(theirs, 0.01, 0.9, 0.999, 1e-8)
    expected_total = 0.0
    for start in range(0, 23, 5):
        rows = order[start:start + 5]
        total, grads = kernel_loss_and_gradient(network, expected, "log_loss", X[rows],
                                                targets[rows])
        expected_total += total
        decay = alpha / len(rows)
        optimizer.update_params(theirs, [grads[:network.n_coefs] + decay * theirs[0],
                                         grads[network.n_coefs:]])

    adam = Adam(0.01, 0.9, 0.999, 1e-8)
    moments, n_updates = adam.new_state(network.n_params, np.float64)
    fit_epoch = supervised_epoch("sigmoid", "identity", output_loss("log_loss", "identity"),
                                 adam.step)
    total = fit_epoch(
        *as_dense_and_csr(sp.csr_matrix(X) if sparse else X), targets, order, 5, params,
        np.empty_like(params), network.layers, moments, n_updates, adam.settings, alpha,
        network.buffer(5, np.float64), network.buffer(5, np.float64), np.empty(5 * 3),
        network.columns(np.float64),
    )
    assert n_updates[0] == 5
    assert total == pytest.approx(expected_total, rel=1e-12)
    assert_allclose(params, expected, rtol=1e-10, atol=1e-12)


def test_kernels_are_built_once_per_pieces():
    assert forward_pass("relu", "identity") is forward_pass("relu", "identity")
    assert forward_pass("relu", "identity") is not forward_pass("tanh", "identity")
    assert output_loss("mse", "tanh") is output_loss("mse", "tanh")
