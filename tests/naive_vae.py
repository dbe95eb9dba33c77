"""Plain NumPy references of the VAE's kernels: the networks' passes, the decoder's
log-likelihoods, and the terms of the ELBO and of the importance weights.

As in ``naive.py``, each function is written from the mathematics, in float64,
and never calls a kernel.
"""

import numpy as np
from naive_network import activate


def run_network(network, params, x):
    """A forward pass of a floor network, to the pre-activation of its last layer."""
    coefs, intercepts = network.coefs(params), network.intercepts(params)
    for layer, (weights, bias) in enumerate(zip(coefs, intercepts)):
        x = x @ weights + bias
        if layer < network.n_layers - 1:
            x = activate(network.activations[layer], x)
    return x


def log_likelihood(likelihood, outputs, log_var, X):
    """log p(x|z) of each row, from the decoder's last pre-activations."""
    if likelihood == "bernoulli":
        return -np.sum(np.logaddexp(0, outputs) - X * outputs, axis=1)
    return -0.5 * np.sum(np.log(2 * np.pi) + log_var + (X - outputs) ** 2
                         / np.exp(log_var), axis=1)


def terms(network, params, X, noise, likelihood):
    """log p(x|z), KL(q(z|x) || p(z)) and log p(z) - log q(z|x) of each row,
    for the codes ``z = mu + exp(log_var / 2) * noise``."""
    k = noise.shape[1]
    stats = run_network(network.encoder, network.encoder_params(params), X)
    mean, log_var = stats[:, :k], stats[:, k:]
    codes = mean + np.exp(log_var / 2) * noise
    outputs = run_network(network.decoder, network.decoder_params(params), codes)
    likelihoods = log_likelihood(likelihood, outputs, network.log_var(params), X)
    kl = -0.5 * np.sum(1 + log_var - np.exp(log_var) - mean**2, axis=1)
    log_ratio = np.sum(-0.5 * codes**2 + 0.5 * noise**2 + 0.5 * log_var, axis=1)
    return likelihoods, kl, log_ratio
