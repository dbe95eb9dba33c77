"""The activity penalties of skgen.autoencoder._regularizers, through the network's
backward pass: gradients by finite differences for every hidden activation and
penalty, against the NumPy references of tests/naive_autoencoder.py."""

import naive_autoencoder as ref
import naive_network
import numpy as np
import pytest
from numpy.testing import assert_allclose
from test_network_passes import kernel_loss_and_gradient

from skgen.autoencoder._regularizers import CONTRACTION, SPARSITY, penalized_delta
from skgen.network._activations import ACTIVATIONS
from skgen.network._layers import Network
from skgen.network._passes import backward_pass, forward_pass

PENALTIES = {**SPARSITY, "contraction": CONTRACTION}


def autoencoder_network(n_features, hidden, activation, output_activation, tied):
    n_encoder = len(hidden)
    units = [n_features, *hidden, *hidden[-2::-1], n_features]
    shared = None
    if tied:
        shared = [None] * n_encoder + [n_encoder - 1 - i for i in range(n_encoder)]
    return Network(units, activation, output_activation, shared)


def penalty_specs(penalty, network, weight=0.7, target=0.2):
    """The penalty piece and context for the kernels, and the references' list, for
    a penalty on the code (sparsity) or on every encoder layer (contraction)."""
    n_layers = network.n_layers
    penalized = np.zeros(n_layers, dtype=np.int64)
    params = np.zeros((n_layers, 2))
    specs = [None] * n_layers
    if penalty is None:
        return None, (), specs
    n_encoder = n_layers // 2
    for layer in range(n_encoder) if penalty == "contraction" else [n_encoder - 1]:
        penalized[layer] = 1
        params[layer] = (weight, target)
        specs[layer] = (penalty, weight, target)
    return (penalized_delta(network.activation, PENALTIES[penalty]),
            (penalized, params), specs)


def gradient_case(activation, output_activation, penalty, tied, seed=0):
    """A small 2-layer-encoder network with random parameters and data."""
    rng = np.random.RandomState(seed)
    network = autoencoder_network(5, [4, 3], activation, output_activation, tied)
    params = 2 * network.initial_params(rng, np.float64, 6.0)
    targets = rng.uniform(0.05, 0.95, (7, 5))
    inputs = targets + 0.1 * rng.standard_normal(targets.shape)
    piece, context, specs = penalty_specs(penalty, network)
    zs, _ = naive_network.forward(network.coefs(params), network.intercepts(params),
                                  network.activations, inputs)
    # Finite differences are meaningless across the kink of relu or selu.
    assert min(np.abs(z).min() for z in zs) > 1e-4
    return network, params, inputs, targets, piece, context, specs


def check_gradient(activation, output_activation, loss, penalty, tied):
    network, params, inputs, targets, piece, context, specs = gradient_case(
        activation, output_activation, penalty, tied)

    def objective(flat):
        return ref.objective(network.coefs(flat), network.intercepts(flat),
                             network.activations, loss, specs, inputs, targets)

    total, grads = kernel_loss_and_gradient(network, params, loss, inputs, targets,
                                            piece, context)
    assert total == pytest.approx(objective(params), rel=1e-12)
    expected = naive_network.finite_difference_gradient(objective, params) / inputs.shape[0]
    assert_allclose(grads, expected, rtol=1e-6, atol=1e-8 * np.abs(expected).max())


@pytest.mark.parametrize("tied", [False, True])
@pytest.mark.parametrize(
    "activation, penalty",
    # KL sparsity needs codes in (0, 1): sigmoid only.
    [(name, penalty) for name in sorted(ACTIVATIONS)
     for penalty in ("l1", "kl", "contraction")
     if penalty != "kl" or name == "sigmoid"],
)
def test_gradient_of_every_hidden_activation_and_penalty(activation, penalty, tied):
    check_gradient(activation, "sigmoid", "bce", penalty, tied)


@pytest.mark.parametrize(
    "loss, output_activation",
    [("mse", name) for name in sorted(ACTIVATIONS)] + [("bce", "sigmoid")],
)
def test_gradient_of_every_loss_and_output_activation_with_contraction(
    loss, output_activation
):
    check_gradient("tanh", output_activation, loss, "contraction", tied=False)


def test_penalized_backward_gives_the_input_gradient():
    network, params, inputs, targets, piece, context, specs = gradient_case(
        "selu", "identity", "contraction", tied=True)
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
    backward_pass("selu", piece)(params, grads, network.layers, buffer, deltas,
                                 network.columns(np.float64), n_rows, n_rows, True,
                                 context)

    def objective(flat, X=inputs):
        return ref.objective(network.coefs(flat), network.intercepts(flat),
                             network.activations, "mse", specs, X, targets) / n_rows

    def objective_of_inputs(flat):
        return objective(params, flat.reshape(inputs.shape))

    assert_allclose(grads, naive_network.finite_difference_gradient(objective, params),
                    rtol=1e-6, atol=1e-9)
    assert_allclose(
        deltas[:inputs.size],
        naive_network.finite_difference_gradient(objective_of_inputs, inputs.ravel()),
        rtol=1e-6, atol=1e-9)


def test_reference_contraction_is_the_encoder_jacobian_norm():
    """The reference's closed form equals finite differences of a one-layer encoder."""
    rng = np.random.RandomState(1)
    W, b, X = rng.standard_normal((5, 3)), rng.standard_normal(3), rng.standard_normal((4, 5))
    for name in ("sigmoid", "tanh"):
        norms = ref.layer_jacobian_norms(W, X @ W + b, name)
        for row, norm in zip(X, norms):
            jacobian = np.array([
                naive_network.finite_difference_gradient(
                    lambda x, name=name, j=j: naive_network.activate(name, x @ W + b)[j],
                    row)
                for j in range(3)
            ])
            assert norm == pytest.approx((jacobian**2).sum(), rel=1e-7)


@pytest.mark.parametrize("loss", ["bce", "mse"])
def test_float32_penalized_gradient_matches_float64(loss):
    network, params, inputs, targets, piece, context, _ = gradient_case(
        "sigmoid", "sigmoid", "kl", tied=True)
    total, grads = kernel_loss_and_gradient(network, params, loss, inputs, targets,
                                            piece, context)
    total32, grads32 = kernel_loss_and_gradient(
        network, params.astype(np.float32), loss, inputs.astype(np.float32), targets,
        piece, context)
    assert grads32.dtype == np.float32
    assert total32 == pytest.approx(total, rel=1e-5)
    assert_allclose(grads32, grads, rtol=1e-3, atol=1e-5 * np.abs(grads).max())
