"""The VAE's kernels against NumPy references: the negative ELBO of a batch and its
gradient (by finite differences, for every parameter, the decoder's variances
included), the KL term's gradient, the log importance weights and their
log-mean-exp. The references are in tests/naive_vae.py."""

import naive_vae as ref
import numpy as np
import pytest
from numba import njit
from numpy.testing import assert_allclose
from scipy.special import logsumexp

from skgen.utils._random import row_streams
from skgen.vae import _kernels
from skgen.vae._vae import VAENetwork, _normals


# The code layer's kernels are only called by kernels: these call them.
@njit
def code_delta(stats, noise, code_grad, beta, delta, bias_grad, inv_n):
    return _kernels.code_delta(stats, noise, code_grad, beta, delta, bias_grad, inv_n)


@njit
def kl_divergence(stats_row, n_components):
    return _kernels.kl_divergence(stats_row, n_components)


@njit
def sample_codes(stats, codes, noise, streams, normals):
    _kernels.sample_codes(stats, codes, noise, streams, normals)


def make_case(likelihood, hidden, activation, dtype=np.float64, n_rows=5, n_features=6,
              n_components=3, seed=0):
    rng = np.random.RandomState(seed)
    network = VAENetwork(n_features, n_components, hidden, activation, likelihood)
    params = network.initial_params(rng, dtype)
    params[network.encoder.n_params + network.decoder.n_params:] = rng.uniform(
        -0.5, 0.5, network.n_log_var)
    if likelihood == "bernoulli":
        X = (rng.uniform(size=(n_rows, n_features)) < 0.5).astype(dtype)
    else:
        X = rng.normal(size=(n_rows, n_features)).astype(dtype)
    return network, params, X, row_streams(rng, n_rows)


def kernel_loss_and_gradient(network, params, X, streams, likelihood, beta):
    """The kernel's total and gradient on the batch X, and the noise it drew."""
    n_rows, n_features = X.shape
    k = network.decoder.units[0]
    dtype = params.dtype
    grads = np.zeros_like(params)
    encoder_activations = network.encoder.buffer(n_rows, dtype)
    encoder_activations[:n_rows * n_features] = X.ravel()
    noise = np.empty(n_rows * k, dtype=dtype)
    loss_and_gradient = _kernels.vae_gradient(network.activation, likelihood)
    total = loss_and_gradient(
        params, grads, network.encoder.layers, network.decoder.layers, beta,
        streams.copy(), encoder_activations,
        network.encoder.buffer(n_rows, dtype), network.decoder.buffer(n_rows, dtype),
        network.decoder.buffer(n_rows, dtype), noise, _normals(k),
        network.columns(dtype), n_rows, n_rows,
    )
    return total, grads, noise.reshape(n_rows, k)


@pytest.mark.parametrize("likelihood", ["bernoulli", "gaussian"])
@pytest.mark.parametrize(("hidden", "activation"),
                         [((), "identity"), ((4,), "tanh"), ((5, 4), "relu")])
@pytest.mark.parametrize("beta", [1.0, 0.3])
def test_loss_and_gradient_against_reference_and_finite_differences(
    likelihood, hidden, activation, beta
):
    network, params, X, streams = make_case(likelihood, list(hidden), activation)
    total, grads, noise = kernel_loss_and_gradient(network, params, X, streams,
                                                   likelihood, beta)
    log_likelihood, kl, _ = ref.terms(network, params, X, noise, likelihood)
    assert_allclose(total, np.sum(-log_likelihood + beta * kl), rtol=1e-10)

    def objective(p):
        # The same streams, so the same noise: the kernel's own objective.
        return kernel_loss_and_gradient(network, p, X, streams, likelihood, beta)[0]

    step = 1e-6
    numeric = np.empty_like(params)
    for i in range(params.size):
        shifted = params.copy()
        shifted[i] += step
        up = objective(shifted)
        shifted[i] -= 2 * step
        numeric[i] = (up - objective(shifted)) / (2 * step)
    assert_allclose(grads, numeric / X.shape[0], rtol=1e-5, atol=1e-7)


def test_kl_gradient_finite_differences():
    rng = np.random.RandomState(1)
    n_rows, k = 4, 3
    stats = rng.normal(size=(n_rows, 2 * k))
    noise = rng.normal(size=(n_rows, k))
    delta = np.empty_like(stats)
    bias_grad = np.empty(2 * k)
    beta = 0.7
    kl = code_delta(stats, noise, np.zeros((n_rows, k)), beta, delta,
                             bias_grad, 1.0 / n_rows)

    def total_kl(s):
        return sum(kl_divergence(row, k) for row in s)

    assert_allclose(kl, total_kl(stats), rtol=1e-12)
    numeric = np.empty_like(stats)
    for index in np.ndindex(stats.shape):
        shifted = stats.copy()
        shifted[index] += 1e-6
        up = total_kl(shifted)
        shifted[index] -= 2e-6
        numeric[index] = (up - total_kl(shifted)) / 2e-6
    assert_allclose(delta, beta * numeric / n_rows, rtol=1e-6, atol=1e-9)
    assert_allclose(bias_grad, delta.sum(axis=0))


def kernel_log_weights(network, params, X, streams, likelihood, n_draws, analytic_kl,
                       capacity):
    k = network.decoder.units[0]
    out = np.empty((X.shape[0], n_draws))
    _kernels.vae_log_weights(network.activation, likelihood)(
        X, np.empty(0, dtype=X.dtype), np.empty(0, dtype=np.int64),
        np.empty(0, dtype=np.int64), params, network.encoder.layers,
        network.decoder.layers, analytic_kl, streams.copy(),
        network.encoder.buffer(capacity, params.dtype),
        network.decoder.buffer(capacity, params.dtype),
        np.empty(capacity * k, dtype=params.dtype), _normals(k), capacity, out,
    )
    return out


@pytest.mark.parametrize("likelihood", ["bernoulli", "gaussian"])
@pytest.mark.parametrize("analytic_kl", [False, True])
def test_log_weights_against_reference(likelihood, analytic_kl):
    network, params, X, streams = make_case(likelihood, [4], "relu", n_rows=7)
    n_draws = 3
    out = kernel_log_weights(network, params, X, streams, likelihood, n_draws,
                             analytic_kl, capacity=3)
    # The same draws, row by row: draw k of row i is the k-th code of stream i.
    k = network.decoder.units[0]
    stats = ref.run_network(network.encoder, network.encoder_params(params), X)
    expected = np.empty_like(out)
    row_state = streams.copy()
    for draw in range(n_draws):
        codes = np.empty((X.shape[0], k))
        noise = np.empty_like(codes)
        sample_codes(stats, codes, noise, row_state, _normals(k))
        log_likelihood, kl, log_ratio = ref.terms(network, params, X, noise,
                                                    likelihood)
        expected[:, draw] = log_likelihood - kl if analytic_kl else (
            log_likelihood + log_ratio)
    assert_allclose(out, expected, rtol=1e-10)
    # Rows draw from their own streams: the block size changes nothing.
    assert_allclose(kernel_log_weights(network, params, X, streams, likelihood,
                                       n_draws, analytic_kl, capacity=7), out)


def test_float32_kernels_draw_like_float64():
    network, params, X, streams = make_case("bernoulli", [4], "tanh")
    total64, grads64, noise64 = kernel_loss_and_gradient(network, params, X, streams,
                                                         "bernoulli", 1.0)
    total32, grads32, noise32 = kernel_loss_and_gradient(
        network, params.astype(np.float32), X.astype(np.float32), streams,
        "bernoulli", 1.0)
    assert grads32.dtype == np.float32
    assert_allclose(noise32, noise64, rtol=1e-6)
    assert_allclose(total32, total64, rtol=1e-4)
    assert_allclose(grads32, grads64, rtol=1e-3, atol=1e-5)


def test_log_mean_exp_rows():
    values = np.array([[0.0, -1.0, -2.0], [1000.0, 999.0, -np.inf],
                       [-np.inf, -np.inf, -np.inf]])
    out = np.empty(3)
    _kernels.log_mean_exp_rows(values, out)
    with np.errstate(divide="ignore"):
        assert_allclose(out, logsumexp(values, axis=1) - np.log(3))


