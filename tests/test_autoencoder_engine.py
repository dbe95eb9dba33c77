"""The autoencoder engine's kernels against the NumPy references of
tests/naive_autoencoder.py: gradients by finite differences for every activation,
loss and penalty, the optimisers against sklearn's, the noise models against
independent random streams, and the epoch, inference and sampling kernels."""

import naive
import naive_autoencoder as ref
import numpy as np
import pytest
import scipy.sparse as sp
from numba import njit
from numpy.testing import assert_allclose, assert_array_equal
from scipy.special import expit
from sklearn.neural_network._stochastic_optimizers import AdamOptimizer, SGDOptimizer

from skgen.autoencoder import _engine
from skgen.autoencoder._activations import ACTIVATIONS
from skgen.autoencoder._engine import Network
from skgen.autoencoder._losses import LOG_LOSS, LOSSES, loss_and_delta
from skgen.autoencoder._noise import NO_NOISE, NOISE_MODELS, corrupt_rows
from skgen.autoencoder._optimizers import SOLVERS, update
from skgen.autoencoder._regularizers import CONTRACTION, NO_PENALTY, SPARSITY
from skgen.utils._random import row_streams
from skgen.utils._validation import as_dense_and_csr

PENALTY_CODES = {None: NO_PENALTY, **SPARSITY, "contraction": CONTRACTION}


def autoencoder_network(n_features, hidden, activation, output_activation, tied):
    n_encoder = len(hidden)
    units = [n_features, *hidden, *hidden[-2::-1], n_features]
    activations = [activation] * (2 * n_encoder - 1) + [output_activation]
    shared = None
    if tied:
        shared = [None] * n_encoder + [n_encoder - 1 - i for i in range(n_encoder)]
    return Network(units, activations, shared), activations


def penalty_specs(penalty, n_layers, weight=0.7, target=0.2):
    """Penalty arrays for the kernels, and the references' list, for a penalty on the
    code (sparsity) or on every encoder layer (contraction)."""
    codes = np.zeros(n_layers, dtype=np.int64)
    params = np.zeros((n_layers, 2))
    specs = [None] * n_layers
    n_encoder = n_layers // 2
    layers = range(n_encoder) if penalty == "contraction" else [n_encoder - 1]
    if penalty is not None:
        for layer in layers:
            codes[layer] = PENALTY_CODES[penalty]
            params[layer] = (weight, target)
            specs[layer] = (penalty, weight, target)
    return codes, params, specs


def kernel_loss_and_gradient(network, params, codes, penalty_params, loss, inputs, targets):
    n_rows, n_features = inputs.shape
    dtype = params.dtype
    grads = np.zeros_like(params)
    activations = network.buffer(n_rows, dtype)
    activations[:n_rows * n_features] = inputs.ravel()
    total = _engine.loss_and_gradient(
        params, grads, network.layers, codes, penalty_params, LOSSES[loss],
        np.ascontiguousarray(targets, dtype=dtype), activations,
        network.buffer(n_rows, dtype), network.columns(dtype), n_rows, n_rows,
    )
    return total, grads


def gradient_case(activation, output_activation, loss, penalty, tied, seed=0):
    """A small 2-layer-encoder network with random parameters and data."""
    rng = np.random.RandomState(seed)
    network, activations = autoencoder_network(5, [4, 3], activation, output_activation,
                                               tied)
    params = 2 * network.initial_params(rng, np.float64, 6.0)
    targets = rng.uniform(0.05, 0.95, (7, 5))
    inputs = targets + 0.1 * rng.standard_normal(targets.shape)
    codes, penalty_params, specs = penalty_specs(penalty, network.n_layers)
    zs, _ = ref.forward(network.coefs(params), network.intercepts(params), activations,
                        inputs)
    # Finite differences are meaningless across the kink of relu or selu.
    assert min(np.abs(z).min() for z in zs) > 1e-4
    return network, activations, params, inputs, targets, codes, penalty_params, specs


def check_gradient(activation, output_activation, loss, penalty, tied):
    (network, activations, params, inputs, targets, codes, penalty_params,
     specs) = gradient_case(activation, output_activation, loss, penalty, tied)

    def objective(flat):
        return ref.objective(network.coefs(flat), network.intercepts(flat), activations,
                             loss, specs, inputs, targets)

    total, grads = kernel_loss_and_gradient(network, params, codes, penalty_params, loss,
                                            inputs, targets)
    assert total == pytest.approx(objective(params), rel=1e-12)
    expected = ref.finite_difference_gradient(objective, params) / inputs.shape[0]
    assert_allclose(grads, expected, rtol=1e-6, atol=1e-8 * np.abs(expected).max())


# -- gradients ---------------------------------------------------------------------------


@pytest.mark.parametrize("tied", [False, True])
@pytest.mark.parametrize(
    "activation, penalty",
    # KL sparsity needs codes in (0, 1): sigmoid only.
    [(name, penalty) for name in sorted(ACTIVATIONS)
     for penalty in (None, "l1", "kl", "contraction")
     if penalty != "kl" or name == "sigmoid"],
)
def test_gradient_of_every_hidden_activation_and_penalty(activation, penalty, tied):
    check_gradient(activation, "sigmoid", "bce", penalty, tied)


@pytest.mark.parametrize(
    "loss, output_activation",
    [("mse", name) for name in sorted(ACTIVATIONS)] + [("bce", "sigmoid")],
)
def test_gradient_of_every_loss_and_output_activation(loss, output_activation):
    check_gradient("tanh", output_activation, loss, "contraction", tied=False)


def test_gradient_of_the_softmax_log_loss():
    """The classifiers' loss: -sum t log softmax(z), with probability targets."""
    rng = np.random.RandomState(0)
    network = Network([5, 4, 3], ["sigmoid", "identity"])
    params = 2 * network.initial_params(rng, np.float64, 6.0)
    inputs = rng.uniform(0, 1, (7, 5))
    targets = rng.dirichlet(np.ones(3), size=7)

    def objective(flat):
        (w1, w2), (b1, b2) = network.coefs(flat), network.intercepts(flat)
        logits = expit(inputs @ w1 + b1) @ w2 + b2
        log_proba = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
        return -np.sum(targets * log_proba)

    codes, penalty_params = np.zeros(2, dtype=np.int64), np.zeros((2, 2))
    activations = network.buffer(7, np.float64)
    activations[:inputs.size] = inputs.ravel()
    grads = np.zeros_like(params)
    total = _engine.loss_and_gradient(
        params, grads, network.layers, codes, penalty_params, LOG_LOSS, targets,
        activations, network.buffer(7, np.float64), network.columns(np.float64), 7, 7,
    )
    assert total == pytest.approx(objective(params), rel=1e-12)
    expected = ref.finite_difference_gradient(objective, params) / 7
    assert_allclose(grads, expected, rtol=1e-6, atol=1e-8 * np.abs(expected).max())


def test_backward_composes_with_forward_and_gives_the_input_gradient():
    """The pieces a VAE or a fine-tuned DBN composes: forward, a gradient of its own
    at the output, then backward down to the input."""
    (network, activations, params, inputs, targets, codes, penalty_params,
     specs) = gradient_case("selu", "identity", "mse", "contraction", tied=True)
    n_rows = inputs.shape[0]
    buffer = network.buffer(n_rows, np.float64)
    buffer[:inputs.size] = inputs.ravel()
    _engine.forward(params, network.layers, buffer, n_rows, n_rows, 0, network.n_layers)
    outputs = buffer[-targets.size:].reshape(targets.shape)
    deltas = network.buffer(n_rows, np.float64)
    output_delta = (outputs - targets) / n_rows  # mse with identity outputs
    deltas[-targets.size:] = output_delta.ravel()
    grads = np.empty_like(params)
    network.intercepts(grads)[-1][:] = output_delta.sum(axis=0)
    _engine.backward(params, grads, network.layers, codes, penalty_params, buffer,
                     deltas, network.columns(np.float64), n_rows, n_rows, True)

    def objective(flat, X=inputs):
        return ref.objective(network.coefs(flat), network.intercepts(flat), activations,
                             "mse", specs, X, targets) / n_rows

    def objective_of_inputs(flat):
        return objective(params, flat.reshape(inputs.shape))

    assert_allclose(grads, ref.finite_difference_gradient(objective, params),
                    rtol=1e-6, atol=1e-9)
    assert_allclose(deltas[:inputs.size],
                    ref.finite_difference_gradient(objective_of_inputs, inputs.ravel()),
                    rtol=1e-6, atol=1e-9)


def test_reference_contraction_is_the_encoder_jacobian_norm():
    """The reference's closed form equals finite differences of a one-layer encoder."""
    rng = np.random.RandomState(1)
    W, b, X = rng.standard_normal((5, 3)), rng.standard_normal(3), rng.standard_normal((4, 5))
    for name in ("sigmoid", "tanh"):
        norms = ref.layer_jacobian_norms(W, X @ W + b, name)
        for row, norm in zip(X, norms):
            jacobian = np.array([
                ref.finite_difference_gradient(
                    lambda x, name=name, j=j: ref.activate(name, x @ W + b)[j], row)
                for j in range(3)
            ])
            assert norm == pytest.approx((jacobian**2).sum(), rel=1e-7)


@pytest.mark.parametrize("loss", ["bce", "mse"])
def test_float32_gradient_matches_float64(loss):
    (network, _, params, inputs, targets, codes, penalty_params,
     _) = gradient_case("sigmoid", "sigmoid", loss, "kl", tied=True)
    total, grads = kernel_loss_and_gradient(network, params, codes, penalty_params, loss,
                                            inputs, targets)
    total32, grads32 = kernel_loss_and_gradient(
        network, params.astype(np.float32), codes, penalty_params, loss,
        inputs.astype(np.float32), targets,
    )
    assert grads32.dtype == np.float32
    assert total32 == pytest.approx(total, rel=1e-5)
    assert_allclose(grads32, grads, rtol=1e-3, atol=1e-5 * np.abs(grads).max())


@njit
def _bce_losses(z, x, values, slopes):
    for i in range(z.shape[0]):
        values[i], slopes[i] = loss_and_delta(1, 2, z[i], x[i])


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


# -- optimisers ----------------------------------------------------------------------------


@pytest.mark.parametrize("solver, nesterov", [("adam", True), ("sgd", True), ("sgd", False)])
def test_update_is_sklearns_optimiser_with_its_l2_term(solver, nesterov):
    rng = np.random.RandomState(0)
    n_decayed, n_params, decay = 6, 9, 0.03
    params = rng.standard_normal(n_params)
    theirs = [params[:n_decayed].copy(), params[n_decayed:].copy()]
    if solver == "adam":
        optimizer = AdamOptimizer(theirs, 0.01, 0.8, 0.95, 1e-6)
    else:
        optimizer = SGDOptimizer(theirs, 0.01, "constant", 0.7, nesterov)
    moments = np.zeros((2, n_params))
    n_updates = np.zeros(1, dtype=np.int64)
    for _ in range(4):
        grads = rng.standard_normal(n_params)
        update(SOLVERS[solver], params, grads, moments, n_updates, n_decayed, decay, 0.01,
               0.7, nesterov, 0.8, 0.95, 1e-6)
        # sklearn's MLP adds alpha * W / n_samples to the weights' gradient.
        optimizer.update_params(theirs, [grads[:n_decayed] + decay * theirs[0],
                                         grads[n_decayed:]])
        assert_allclose(params, np.concatenate(theirs), rtol=1e-13)
    assert n_updates[0] == 4


# -- noise -------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("noise", [*sorted(NOISE_MODELS), "none"])
def test_corruption_matches_reference_streams(noise, dtype):
    rng = np.random.RandomState(0)
    clean = rng.uniform(size=(6, 7)).astype(dtype)
    states = row_streams(rng, 6)
    streams = states.copy()
    out = np.empty_like(clean)
    code = NO_NOISE if noise == "none" else NOISE_MODELS[noise]
    corrupt_rows(code, 0.4, clean, out, streams)
    if noise == "none":
        assert_array_equal(out, clean)
        assert_array_equal(streams, states)
        return
    reference_streams = naive.Streams(states)
    expected = ref.corrupt(noise, 0.4, clean, reference_streams)
    eps = np.finfo(dtype).eps
    assert_allclose(out, expected, rtol=2 * eps, atol=4 * eps)
    assert_array_equal(streams, reference_streams.as_array())
    if noise != "gaussian":
        changed = out != clean
        assert 0 < changed.mean() < 0.8


# -- layout ------------------------------------------------------------------------------


def test_tied_network_shares_one_matrix_and_accumulates_its_gradient():
    network, _ = autoencoder_network(6, [4, 3], "relu", "identity", tied=True)
    untied, _ = autoencoder_network(6, [4, 3], "relu", "identity", tied=False)
    assert network.n_coefs == 6 * 4 + 4 * 3
    assert untied.n_coefs == 2 * network.n_coefs
    params = np.arange(network.n_params, dtype=np.float64)
    coefs = network.coefs(params)
    for encoder, decoder in zip(coefs[:2], coefs[:1:-1]):
        assert np.shares_memory(encoder, decoder)
        assert_array_equal(decoder, encoder.T)
    # The decoder layers, visited first by backpropagation, write the shared
    # gradient; the encoder layers add to it.
    assert_array_equal(network.layers[:, _engine.ACCUMULATE], [1, 1, 0, 0])
    assert_array_equal(network.layers[:, _engine.TRANSPOSED], [0, 0, 1, 1])


def test_pack_round_trip_and_bad_sharing():
    network, _ = autoencoder_network(5, [3], "relu", "identity", tied=False)
    rng = np.random.RandomState(0)
    coefs = [rng.standard_normal((5, 3)), rng.standard_normal((3, 5))]
    intercepts = [rng.standard_normal(3), rng.standard_normal(5)]
    params = network.pack(coefs, intercepts, np.float32)
    for given, view in zip(coefs + intercepts, network.coefs(params) + network.intercepts(params)):
        assert_allclose(view, given.astype(np.float32))
    with pytest.raises(ValueError, match="cannot use the transposed weights"):
        Network([5, 3, 4], ["relu", "relu"], [None, 0])


# -- epochs -----------------------------------------------------------------------------


def naive_fit_epoch(network, params, X, order, batch_size, codes, penalty_params, loss,
                    noise, level, alpha, states):
    """One epoch from the reference corruption, the (finite-difference-tested) kernel
    gradient and sklearn's Adam with its L2 term."""
    params = params.copy()
    theirs = [params[:network.n_coefs], params[network.n_coefs:]]
    optimizer = AdamOptimizer(theirs, 0.01, 0.9, 0.999, 1e-8)
    streams = naive.Streams(states)
    total = 0.0
    for start in range(0, len(order), batch_size):
        targets = X[order[start:start + batch_size]]
        inputs = ref.corrupt(noise, level, targets, streams)
        batch_total, grads = kernel_loss_and_gradient(network, params, codes,
                                                      penalty_params, loss, inputs, targets)
        total += batch_total
        decay = alpha / len(targets)
        optimizer.update_params(theirs, [grads[:network.n_coefs] + decay * theirs[0],
                                         grads[network.n_coefs:]])
    return params, total, streams.as_array()


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("noise", ["masking", "gaussian"])
def test_fit_epoch_composes_gather_noise_gradient_and_adam(noise, sparse):
    rng = np.random.RandomState(0)
    X = rng.uniform(size=(23, 6)) * (rng.uniform(size=(23, 6)) < 0.7)
    network, _ = autoencoder_network(6, [5, 3], "sigmoid", "sigmoid", tied=True)
    params = network.initial_params(rng, np.float64, 2.0)
    codes, penalty_params, _ = penalty_specs("kl", network.n_layers)
    order = rng.permutation(23).astype(np.int64)
    states = row_streams(rng, 5)
    expected, expected_total, expected_states = naive_fit_epoch(
        network, params, X, order, 5, codes, penalty_params, "bce", noise, 0.3, 0.01,
        states)

    streams = states.copy()
    moments = np.zeros((2, network.n_params))
    n_updates = np.zeros(1, dtype=np.int64)
    total = _engine.fit_epoch(
        *as_dense_and_csr(sp.csr_matrix(X) if sparse else X), order, 5, params,
        np.empty_like(params), network.layers, codes, penalty_params, LOSSES["bce"],
        NOISE_MODELS[noise], 0.3, SOLVERS["adam"], moments, n_updates, 0.01, 0.9, True,
        0.9, 0.999, 1e-8, 0.01, streams, network.buffer(5, np.float64),
        network.buffer(5, np.float64), np.empty(5 * 6), network.columns(np.float64),
    )
    assert n_updates[0] == 5
    assert total == pytest.approx(expected_total, rel=1e-12)
    assert_allclose(params, expected, rtol=1e-10, atol=1e-12)
    assert_array_equal(streams, expected_states)


# -- using a trained network -------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("sparse", [False, True])
def test_predict_rows_and_losses_match_reference_in_chunks(sparse, dtype):
    rng = np.random.RandomState(0)
    X = (rng.uniform(size=(11, 6)) * (rng.uniform(size=(11, 6)) < 0.6)).astype(dtype)
    network, activations = autoencoder_network(6, [4, 2], "selu", "sigmoid", tied=False)
    params = network.initial_params(rng, dtype, 6.0)
    data = as_dense_and_csr(sp.csr_matrix(X) if sparse else X)
    _, outputs = ref.forward(network.coefs(params), network.intercepts(params),
                             activations, X)
    tolerance = {"rtol": 1e-5, "atol": 1e-6} if dtype == np.float32 else {"rtol": 1e-12}
    for first, last in [(0, 2), (0, 4)]:
        out = np.empty((11, network.units[last]), dtype=dtype)
        _engine.predict_rows(*data, params, network.layers, first, last,
                             network.buffer(4, dtype), 4, out)
        assert_allclose(out, outputs[last], **tolerance)
    codes = outputs[2].astype(dtype)
    decoded = np.empty((11, 6), dtype=dtype)
    _engine.predict_rows(*as_dense_and_csr(codes), params, network.layers, 2, 4,
                         network.buffer(4, dtype), 4, decoded)
    assert_allclose(decoded, outputs[4], **tolerance)

    losses = np.empty(11)
    _engine.reconstruction_losses(*data, params, network.layers, LOSSES["bce"],
                                  network.buffer(4, dtype), 4, losses)
    zs, _ = ref.forward(network.coefs(params), network.intercepts(params), activations, X)
    expected = ref.reconstruction_loss("bce", zs[-1], "sigmoid", X.astype(np.float64))
    assert_allclose(losses, expected, rtol=1e-5 if dtype == np.float32 else 1e-12)


@pytest.mark.parametrize("loss", ["bce", "mse"])
def test_denoising_chain_matches_reference(loss):
    rng = np.random.RandomState(0)
    output = "sigmoid" if loss == "bce" else "identity"
    network, activations = autoencoder_network(6, [4], "tanh", output, tied=True)
    params = network.initial_params(rng, np.float64, 6.0)
    x = (rng.uniform(size=(5, 6)) < 0.5).astype(np.float64)
    output_std = rng.uniform(0.1, 0.3, 6)
    states = row_streams(rng, 5)

    streams = naive.Streams(states)
    expected = x.copy()
    for _ in range(3):
        corrupted = ref.corrupt("masking", 0.3, expected, streams)
        _, outputs = ref.forward(network.coefs(params), network.intercepts(params),
                                 activations, corrupted)
        if loss == "bce":
            expected = streams.bernoulli(outputs[-1])
        else:
            expected = outputs[-1] + output_std * streams.normal(5, 6)

    chains = states.copy()
    _engine.denoising_chain(x, 3, NOISE_MODELS["masking"], 0.3, params, network.layers,
                            LOSSES[loss], output_std, True, chains,
                            network.buffer(2, np.float64), 2)
    if loss == "bce":
        assert streams.closest > 1e-9  # no draw sat on a rounding-level edge
        assert_array_equal(x, expected)
    else:
        assert_allclose(x, expected, rtol=1e-12)
    assert_array_equal(chains, streams.as_array())
