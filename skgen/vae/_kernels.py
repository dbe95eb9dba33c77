"""Kernels of the variational autoencoder: the Gaussian code layer, the decoder's
likelihoods, one training epoch, and the importance weights of log p(x).

The encoder and the decoder are two networks of the network floor
(``skgen.network``) whose parameters are consecutive slices of one flat vector
(the encoder's, the decoder's, then, for the Gaussian likelihood, the
log-variances of the features). The encoder's output slot holds ``[mu | log_var]``
of q(z|x); the decoder's first slot the code z. A batch runs the floor's
``forward`` and ``backward`` on each network; the kernels here join them at the
code layer (reparameterisation and KL term) and at the output (the likelihood,
one piece per likelihood).
"""

import functools
from typing import NamedTuple

import numpy as np

from ..network._compile import (
    FALSE,
    TRUE,
    ZERO,
    internal_kernel,
    piece_name,
    specialized_kernel,
)
from ..network._layers import FAN_IN, coef, intercept, n_network_params, slot
from ..network._losses import bce_rows, bce_unit
from ..network._passes import backward_pass, column_total, forward_pass
from ..utils._batches import gather_rows
from ..utils._blas import gemm
from ..utils._numba import kernel
from ..utils._random import normal_row

_LOG_2PI = float(np.log(2.0 * np.pi))


@internal_kernel
def split_params(params, encoder, decoder):
    """The encoder's, the decoder's and the log-variances' slices of ``params``."""
    n_encoder = n_network_params(encoder)
    n_decoder = n_network_params(decoder)
    return (params[:n_encoder], params[n_encoder:n_encoder + n_decoder],
            params[n_encoder + n_decoder:])


# -- the code layer -------------------------------------------------------------------


@internal_kernel
def sample_codes(stats, codes, noise, streams, normals):
    """``codes = mu + exp(log_var / 2) * noise`` with ``noise`` standard normal.

    ``stats`` holds ``[mu | log_var]`` per row; row i draws its normals from
    ``streams[i]`` (in float64, so float32 and float64 models draw alike) into
    ``normals``, float64 scratch of even length at least the code size.
    """
    n_rows, n_components = codes.shape
    half = codes.dtype.type(0.5)
    for i in range(n_rows):
        streams[i] = normal_row(streams[i], normals)
        for j in range(n_components):
            eps = codes.dtype.type(normals[j])
            noise[i, j] = eps
            codes[i, j] = stats[i, j] + np.exp(half * stats[i, n_components + j]) * eps


@internal_kernel
def code_delta(stats, noise, code_grad, beta, delta, bias_grad, inv_n):
    """The gradient at the encoder's outputs ``[mu | log_var]``, and the KL term.

    ``code_grad`` is d(reconstruction loss)/dz, already divided by n; the KL
    term ``-1/2 sum(1 + log_var - exp(log_var) - mu**2)`` adds
    ``beta * mu / n`` and ``beta * (exp(log_var) - 1) / (2 n)``. The path
    through ``z = mu + exp(log_var / 2) eps`` gives ``dz`` and
    ``dz * eps * exp(log_var / 2) / 2``. ``bias_grad`` gets the column sums.
    Returns the KL divergence summed over the rows (without beta), in float64.
    """
    n_rows, n_components = noise.shape
    dtype = delta.dtype.type
    half = dtype(0.5)
    one = dtype(1.0)
    scaled_beta = dtype(beta) * inv_n
    total = 0.0
    bias_grad[:] = 0
    for i in range(n_rows):
        row_total = 0.0
        for j in range(n_components):
            mean = stats[i, j]
            log_var = stats[i, n_components + j]
            variance = np.exp(log_var)
            grad = code_grad[i, j]
            mean_delta = grad + scaled_beta * mean
            log_var_delta = (half * grad * noise[i, j] * np.sqrt(variance)
                             + half * scaled_beta * (variance - one))
            delta[i, j] = mean_delta
            delta[i, n_components + j] = log_var_delta
            bias_grad[j] += mean_delta
            bias_grad[n_components + j] += log_var_delta
            row_total += one + log_var - variance - mean * mean
        total += -0.5 * row_total
    return total


@internal_kernel
def kl_divergence(stats_row, n_components):
    """KL(q(z|x) || N(0, I)) of one row of ``[mu | log_var]``, in float64."""
    total = 0.0
    for j in range(n_components):
        mean = float(stats_row[j])
        log_var = float(stats_row[n_components + j])
        total += 1.0 + log_var - np.exp(log_var) - mean * mean
    return -0.5 * total


# -- the likelihoods ---------------------------------------------------------------------


class Likelihood(NamedTuple):
    """The decoder's distribution p(x|z), as the compiled functions kernels call.

    ``rows(pre_activations, bias, log_var, targets, delta, bias_grad, log_var_grad,
    loss_columns, scratch, inv_n)``: the negative log-likelihood of the targets
    under the decoder and its gradient, in one pass. ``pre_activations + bias``
    are the logits (Bernoulli) or the means (Gaussian, with variances
    ``exp(log_var)`` per feature). ``delta`` gets dloss/d(pre-activation) / n;
    ``bias_grad``, ``log_var_grad`` and ``loss_columns`` (zero on entry) the
    column sums; ``scratch`` is as wide as a row. Returns the loss summed over
    the rows, in float64.

    ``unit(z, x, log_var, j)``: the negative log-likelihood of feature j, with
    pre-activation z and value x.
    """

    rows: object
    unit: object


@internal_kernel
def _bernoulli_rows(pre_activations, bias, log_var, targets, delta, bias_grad,
                    log_var_grad, loss_columns, scratch, inv_n):
    bce_rows(pre_activations, bias, targets, delta, bias_grad, loss_columns, inv_n)
    return column_total(loss_columns)


@internal_kernel
def _bernoulli_unit(z, x, log_var, j):
    value, _ = bce_unit(z, x)
    return value


@internal_kernel
def _gaussian_rows(means, bias, log_var, targets, delta, bias_grad, log_var_grad,
                   loss_columns, precision, inv_n):
    half = means.dtype.type(0.5)
    one = means.dtype.type(1.0)
    for j in range(log_var.shape[0]):
        precision[j] = np.exp(-log_var[j])
    for i in range(delta.shape[0]):
        mean_row, target_row, delta_row = means[i], targets[i], delta[i]
        for j in range(bias.shape[0]):
            difference = mean_row[j] + bias[j] - target_row[j]
            weighted = difference * precision[j]
            squared = difference * weighted
            loss_columns[j] += half * (log_var[j] + squared)
            scaled = weighted * inv_n
            delta_row[j] = scaled
            bias_grad[j] += scaled
            log_var_grad[j] += half * (one - squared) * inv_n
    return column_total(loss_columns) + 0.5 * _LOG_2PI * bias.shape[0] * delta.shape[0]


@internal_kernel
def _gaussian_unit(z, x, log_var, j):
    difference = float(z - x)
    return 0.5 * (_LOG_2PI + log_var[j] + difference * difference * np.exp(-log_var[j]))


#: The likelihoods by the names that ``likelihood`` accepts.
LIKELIHOODS = {
    "bernoulli": Likelihood(_bernoulli_rows, _bernoulli_unit),
    "gaussian": Likelihood(_gaussian_rows, _gaussian_unit),
}

#: The decoder's output activation under each likelihood: the means of p(x|z).
OUTPUT_ACTIVATIONS = {"bernoulli": "sigmoid", "gaussian": "identity"}


@functools.cache
def decoder_pre_activations(activation):
    """The kernel ``(params, decoder, activations, n_rows, capacity)``: run the
    decoder but for its last activation; return its last slot.

    The likelihood reads the pre-activations of the output layer, so the
    decoder's hidden layers run on the encoder's pass (its output activation,
    the identity, is never applied here): one compiled pass serves both.
    """
    forward = forward_pass(activation, "identity")

    def pre_activations(params, decoder, activations, n_rows, capacity):
        last = decoder.shape[0] - 1
        one = params.dtype.type(1.0)
        forward(params, decoder, activations, n_rows, capacity, ZERO, last)
        outputs = slot(activations, decoder, last + 1, n_rows, capacity)
        gemm(one, slot(activations, decoder, last, n_rows, capacity), False,
             coef(params, decoder, last), False, 0 * one, outputs)
        return outputs

    return specialized_kernel(
        pre_activations, f"decoder_pre_activations({activation})",
        inline=True)


# -- training ---------------------------------------------------------------------------


@functools.cache
def vae_gradient(activation, likelihood):
    """The kernel ``loss_and_gradient(params, grads, encoder, decoder, beta,
    streams, encoder_activations, encoder_deltas, decoder_activations,
    decoder_deltas, noise, normals, columns, n_rows, capacity)``: the negative
    ELBO of a batch (beta-weighted KL), summed over its rows, and the gradient of
    its mean.

    Slot 0 of ``encoder_activations`` holds the batch. The reconstruction term
    uses one reparameterised code per row, drawn from ``streams[i]``; the KL
    term is analytic.
    """
    encode = forward_pass(activation, "identity")
    decode = decoder_pre_activations(activation)
    backward = backward_pass(activation, inline=False)
    likelihood_rows = LIKELIHOODS[likelihood].rows

    def loss_and_gradient(params, grads, encoder, decoder, beta, streams,
                          encoder_activations, encoder_deltas, decoder_activations,
                          decoder_deltas, noise, normals, columns, n_rows, capacity):
        encoder_params, decoder_params, log_var = split_params(params, encoder, decoder)
        encoder_grads, decoder_grads, log_var_grad = split_params(grads, encoder,
                                                                  decoder)
        n_encoder, n_decoder = encoder.shape[0], decoder.shape[0]
        n_components = decoder[0, FAN_IN]
        one = params.dtype.type(1.0)
        inv_n = one / n_rows

        encode(encoder_params, encoder, encoder_activations, n_rows, capacity, ZERO,
               n_encoder)
        stats = slot(encoder_activations, encoder, n_encoder, n_rows, capacity)
        batch_noise = noise[:n_rows * n_components].reshape((n_rows, n_components))
        sample_codes(stats, slot(decoder_activations, decoder, ZERO, n_rows, capacity),
                     batch_noise, streams, normals)

        pre_activations = decode(decoder_params, decoder, decoder_activations, n_rows,
                                 capacity)
        bias_grad = intercept(decoder_grads, decoder, n_decoder - 1)
        loss_columns = columns[0, :bias_grad.shape[0]]
        bias_grad[:] = 0
        log_var_grad[:] = 0
        loss_columns[:] = 0
        total = likelihood_rows(
            pre_activations, intercept(decoder_params, decoder, n_decoder - 1),
            log_var, slot(encoder_activations, encoder, ZERO, n_rows, capacity),
            slot(decoder_deltas, decoder, n_decoder, n_rows, capacity), bias_grad,
            log_var_grad, loss_columns, columns[1, :bias_grad.shape[0]], inv_n,
        )
        backward(decoder_params, decoder_grads, decoder, decoder_activations,
                 decoder_deltas, columns, n_rows, capacity, TRUE, ())

        kl = code_delta(stats, batch_noise,
                        slot(decoder_deltas, decoder, ZERO, n_rows, capacity), beta,
                        slot(encoder_deltas, encoder, n_encoder, n_rows, capacity),
                        intercept(encoder_grads, encoder, n_encoder - 1), inv_n)
        backward(encoder_params, encoder_grads, encoder, encoder_activations,
                 encoder_deltas, columns, n_rows, capacity, FALSE, ())
        return total + beta * kl

    return specialized_kernel(loss_and_gradient,
                              f"vae_gradient({activation}, {likelihood})", inline=True)


@functools.cache
def vae_epoch(activation, likelihood, step):
    """The kernel ``fit_epoch(dense, data, indices, indptr, order, batch_size,
    params, grads, encoder, decoder, beta, moments, n_updates, settings, streams,
    encoder_activations, encoder_deltas, decoder_activations, decoder_deltas,
    noise, normals, columns)``: one pass over the rows ``order`` of X (dense, or
    CSR when ``dense`` is empty) in mini-batches of ``batch_size`` rows: the
    loss and gradient, then one ``step`` of the optimiser per batch. Returns the
    objective summed over the rows."""
    loss_and_gradient = vae_gradient(activation, likelihood)

    def fit_epoch(dense, data, indices, indptr, order, batch_size, params, grads,
                  encoder, decoder, beta, moments, n_updates, settings, streams,
                  encoder_activations, encoder_deltas, decoder_activations,
                  decoder_deltas, noise, normals, columns):
        n_samples = order.shape[0]
        total = 0.0
        for start in range(0, n_samples, batch_size):
            n_rows = min(batch_size, n_samples - start)
            gather_rows(dense, data, indices, indptr, order, start,
                        slot(encoder_activations, encoder, ZERO, n_rows, batch_size))
            total += loss_and_gradient(
                params, grads, encoder, decoder, beta, streams, encoder_activations,
                encoder_deltas, decoder_activations, decoder_deltas, noise, normals,
                columns, n_rows, batch_size,
            )
            step(params, grads, moments, n_updates, ZERO, 0.0, settings)
        return total

    return specialized_kernel(
        fit_epoch, f"vae_epoch({activation}, {likelihood}, {piece_name(step)})")


# -- evaluation -------------------------------------------------------------------------


@functools.cache
def vae_log_weights(activation, likelihood):
    """The kernel ``log_weights(dense, data, indices, indptr, params, encoder,
    decoder, analytic_kl, streams, encoder_activations, decoder_activations,
    noise, normals, capacity, out)``: log importance weights of the rows of X, in
    float64.

    For K = ``out.shape[1]`` codes ``z_k ~ q(z|x)`` per row (row i draws from
    ``streams[i]``), ``out[i, k] = log p(x|z_k) + log p(z_k) - log q(z_k|x)``;
    with ``analytic_kl``, ``log p(x|z_k) - KL(q(z|x) || p(z))`` instead, the
    single-sample ELBO estimate.
    """
    encode = forward_pass(activation, "identity")
    decode = decoder_pre_activations(activation)
    negative_log_likelihood = LIKELIHOODS[likelihood].unit

    def log_weights(dense, data, indices, indptr, params, encoder, decoder,
                    analytic_kl, streams, encoder_activations, decoder_activations,
                    noise, normals, capacity, out):
        n_samples, n_draws = out.shape
        order = np.arange(n_samples)
        encoder_params, decoder_params, log_var = split_params(params, encoder, decoder)
        n_encoder, n_decoder = encoder.shape[0], decoder.shape[0]
        n_components = decoder[0, FAN_IN]
        bias = intercept(decoder_params, decoder, n_decoder - 1)
        n_features = bias.shape[0]
        for start in range(0, n_samples, capacity):
            n_rows = min(capacity, n_samples - start)
            inputs = slot(encoder_activations, encoder, ZERO, n_rows, capacity)
            gather_rows(dense, data, indices, indptr, order, start, inputs)
            encode(encoder_params, encoder, encoder_activations, n_rows, capacity, ZERO,
                   n_encoder)
            stats = slot(encoder_activations, encoder, n_encoder, n_rows, capacity)
            codes = slot(decoder_activations, decoder, ZERO, n_rows, capacity)
            block_noise = noise[:n_rows * n_components].reshape((n_rows, n_components))
            block_streams = streams[start:start + n_rows]
            for k in range(n_draws):
                sample_codes(stats, codes, block_noise, block_streams, normals)
                outputs = decode(decoder_params, decoder, decoder_activations, n_rows,
                                 capacity)
                for i in range(n_rows):
                    total = 0.0
                    for j in range(n_features):
                        total -= negative_log_likelihood(outputs[i, j] + bias[j],
                                                         inputs[i, j], log_var, j)
                    if analytic_kl:
                        total -= kl_divergence(stats[i], n_components)
                    else:
                        # log p(z) - log q(z|x); the log(2 pi) terms cancel.
                        for j in range(n_components):
                            code = float(codes[i, j])
                            eps = float(block_noise[i, j])
                            total += 0.5 * (eps * eps - code * code
                                            + stats[i, n_components + j])
                    out[start + i, k] = total

    return specialized_kernel(log_weights,
                              f"vae_log_weights({activation}, {likelihood})")


@kernel
def log_mean_exp_rows(log_values, out):
    """``out[i] = log(mean(exp(log_values[i])))``, computed stably in float64."""
    for i in range(log_values.shape[0]):
        row = log_values[i]
        largest = row.max()
        if not np.isfinite(largest):
            out[i] = largest
            continue
        total = 0.0
        for value in row:
            total += np.exp(value - largest)
        out[i] = largest + np.log(total / row.shape[0])
