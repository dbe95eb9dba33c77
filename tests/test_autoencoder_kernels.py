"""The kernels of skgen.autoencoder._kernels against NumPy references: the training
epoch (gathering, noise, gradient and Adam), the reconstruction losses in chunks,
and the denoising Markov chain."""

import naive
import naive_autoencoder as ref
import naive_network
import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.neural_network._stochastic_optimizers import AdamOptimizer
from test_autoencoder_regularizers import autoencoder_network, penalty_specs
from test_network_passes import kernel_loss_and_gradient

from skgen.autoencoder._kernels import (
    OUTPUT_DRAWS,
    autoencoder_epoch,
    denoising_chain,
    reconstruction_losses,
)
from skgen.autoencoder._noise import NOISE_MODELS
from skgen.network._losses import output_loss
from skgen.network._optimizers import Adam
from skgen.utils._random import row_streams
from skgen.utils._validation import as_dense_and_csr


def naive_fit_epoch(network, params, X, order, batch_size, piece, context, loss, noise,
                    level, alpha, states):
    """One epoch from the reference corruption, the (finite-difference-tested) kernel
    gradient and sklearn's Adam with its L2 term."""
    params = params.copy()
    theirs = [params[:network.n_coefs], params[network.n_coefs:]]
    optimizer = AdamOptimizer(theirs, 0.01, 0.9, 0.999, 1e-8)
    streams = naive.Streams(states)
    total = 0.0
    for start in range(0, len(order), batch_size):
        targets = X[order[start:start + batch_size]]
        inputs = targets if noise is None else ref.corrupt(noise, level, targets, streams)
        batch_total, grads = kernel_loss_and_gradient(network, params, loss, inputs,
                                                      targets, piece, context)
        total += batch_total
        decay = alpha / len(targets)
        optimizer.update_params(theirs, [grads[:network.n_coefs] + decay * theirs[0],
                                         grads[network.n_coefs:]])
    return params, total, streams.as_array()


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("noise, penalty", [("masking", "kl"), ("gaussian", None),
                                            (None, "contraction")])
def test_fit_epoch_composes_gather_noise_gradient_and_adam(noise, penalty, sparse):
    rng = np.random.RandomState(0)
    X = rng.uniform(size=(23, 6)) * (rng.uniform(size=(23, 6)) < 0.7)
    network = autoencoder_network(6, [5, 3], "sigmoid", "sigmoid", tied=True)
    params = network.initial_params(rng, np.float64, 2.0)
    piece, context, _ = penalty_specs(penalty, network)
    order = rng.permutation(23).astype(np.int64)
    states = row_streams(rng, 5)
    expected, expected_total, expected_states = naive_fit_epoch(
        network, params, X, order, 5, piece, context, "bce", noise, 0.3, 0.01, states)

    streams = states.copy()
    adam = Adam(0.01, 0.9, 0.999, 1e-8)
    moments, n_updates = adam.new_state(network.n_params, np.float64)
    fit_epoch = autoencoder_epoch("sigmoid", "sigmoid", output_loss("bce", "sigmoid"),
                                  None if noise is None else NOISE_MODELS[noise], piece,
                                  adam.step)
    corruption = () if noise is None else (0.3, streams, np.empty(5 * 6))
    total = fit_epoch(
        *as_dense_and_csr(sp.csr_matrix(X) if sparse else X), order, 5, params,
        np.empty_like(params), network.layers, moments, n_updates, adam.settings, 0.01,
        network.buffer(5, np.float64), network.buffer(5, np.float64),
        network.columns(np.float64), corruption, context,
    )
    assert n_updates[0] == 5
    assert total == pytest.approx(expected_total, rel=1e-12)
    assert_allclose(params, expected, rtol=1e-10, atol=1e-12)
    assert_array_equal(streams, expected_states)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("loss", ["bce", "mse"])
def test_reconstruction_losses_match_reference_in_chunks(loss, sparse, dtype):
    rng = np.random.RandomState(0)
    X = (rng.uniform(size=(11, 6)) * (rng.uniform(size=(11, 6)) < 0.6)).astype(dtype)
    network = autoencoder_network(6, [4, 2], "selu", "sigmoid", tied=False)
    params = network.initial_params(rng, dtype, 6.0)
    losses = np.empty(11)
    reconstruction_losses("selu", "sigmoid", output_loss(loss, "sigmoid"))(
        *as_dense_and_csr(sp.csr_matrix(X) if sparse else X), params, network.layers,
        network.buffer(4, dtype), 4, losses)
    zs, _ = naive_network.forward(network.coefs(params), network.intercepts(params),
                                  network.activations, X)
    expected = naive_network.output_loss(loss, zs[-1], "sigmoid", X.astype(np.float64))
    assert_allclose(losses, expected, rtol=1e-5 if dtype == np.float32 else 1e-12)


@pytest.mark.parametrize("loss", ["bce", "mse"])
def test_denoising_chain_matches_reference(loss):
    rng = np.random.RandomState(0)
    output = "sigmoid" if loss == "bce" else "identity"
    network = autoencoder_network(6, [4], "tanh", output, tied=True)
    params = network.initial_params(rng, np.float64, 6.0)
    x = (rng.uniform(size=(5, 6)) < 0.5).astype(np.float64)
    output_std = rng.uniform(0.1, 0.3, 6)
    states = row_streams(rng, 5)

    streams = naive.Streams(states)
    expected = x.copy()
    for _ in range(3):
        corrupted = ref.corrupt("masking", 0.3, expected, streams)
        _, outputs = naive_network.forward(network.coefs(params),
                                           network.intercepts(params),
                                           network.activations, corrupted)
        if loss == "bce":
            expected = streams.bernoulli(outputs[-1])
        else:
            expected = outputs[-1] + output_std * streams.normal(5, 6)

    chains = states.copy()
    chain = denoising_chain("tanh", output, NOISE_MODELS["masking"], OUTPUT_DRAWS[loss])
    chain(x, 3, 0.3, params, network.layers, output_std, chains,
          network.buffer(2, np.float64), 2)
    if loss == "bce":
        assert streams.closest > 1e-9  # no draw sat on a rounding-level edge
        assert_array_equal(x, expected)
    else:
        assert_allclose(x, expected, rtol=1e-12)
    assert_array_equal(chains, streams.as_array())
