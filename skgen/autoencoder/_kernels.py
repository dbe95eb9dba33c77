"""Kernels of the autoencoders, built from the pieces a model uses (see
``skgen.network._passes``): a training epoch with an optional noise model and
activity penalty, the reconstruction loss of each row, and the denoising
Markov chain."""

import functools

import numpy as np

from ..network._compile import ZERO, internal_kernel, piece_name, specialized_kernel
from ..network._layers import FAN_IN, INTERCEPT, TRANSPOSED, coef, intercept, slot
from ..network._passes import forward_pass, gradient_pass
from ..utils._batches import gather_rows
from ..utils._blas import gemm
from ..utils._random import normal_row, sample_probabilities


@functools.cache
def autoencoder_epoch(activation, output_activation, loss, noise, penalty, step):
    """The kernel ``fit_epoch(dense, data, indices, indptr, order, batch_size,
    params, grads, layers, moments, n_updates, settings, alpha, activations,
    deltas, columns, corruption, context)``: one pass over the rows ``order`` of
    X (dense, or CSR when ``dense`` is empty), in mini-batches of ``batch_size``
    rows; returns the objective summed over the rows, in float64.

    Per mini-batch: gather the rows, corrupt them with the ``noise`` piece (if
    any) into the network's input, the loss and gradient of their
    reconstruction with the ``penalty`` (its ``context``), then one ``step`` of
    the optimiser, whose L2 term on the weights is sklearn's ``alpha / n_rows``.
    With noise, ``corruption`` is ``(noise_level, streams, clean)``: row i of a
    batch draws from ``streams[i]``, and ``clean`` is scratch for
    ``batch_size`` clean rows; without, it is ``()``. Nothing is allocated per
    mini-batch but, for Gaussian noise, a row of normals.
    """
    loss_and_gradient = gradient_pass(activation, output_activation, loss, penalty)

    def fit_epoch(dense, data, indices, indptr, order, batch_size, params, grads,
                  layers, moments, n_updates, settings, alpha, activations, deltas,
                  columns, corruption, context):
        n_samples = order.shape[0]
        n_features = layers[0, FAN_IN]
        total = 0.0
        for start in range(0, n_samples, batch_size):
            n_rows = min(batch_size, n_samples - start)
            inputs = slot(activations, layers, ZERO, n_rows, batch_size)
            if noise is None:
                targets = inputs
                gather_rows(dense, data, indices, indptr, order, start, targets)
            else:
                noise_level, streams, clean = corruption
                targets = clean[:n_rows * n_features].reshape((n_rows, n_features))
                gather_rows(dense, data, indices, indptr, order, start, targets)
                noise(targets, inputs, noise_level, streams)
            total += loss_and_gradient(params, grads, layers, targets, activations,
                                       deltas, columns, n_rows, batch_size, context)
            step(params, grads, moments, n_updates, layers[0, INTERCEPT],
                 alpha / n_rows, settings)
        return total

    return specialized_kernel(
        fit_epoch,
        f"autoencoder_epoch({activation}, {output_activation}, "
        f"{piece_name(loss.rows)}, {piece_name(noise)}, "
        f"{piece_name(None if penalty is None else penalty.delta)}, "
        f"{piece_name(step)})",
    )


@functools.cache
def reconstruction_losses(activation, output_activation, loss):
    """The kernel ``(dense, data, indices, indptr, params, layers, activations,
    capacity, out)``: ``out[i]`` = the reconstruction loss of row i of X (dense,
    or CSR when ``dense`` is empty), in float64."""
    forward = forward_pass(activation, output_activation)
    unit = loss.unit

    def losses(dense, data, indices, indptr, params, layers, activations, capacity,
               out):
        n_samples = out.shape[0]
        order = np.arange(n_samples)
        last = layers.shape[0] - 1
        one = params.dtype.type(1.0)
        bias = intercept(params, layers, last)
        for start in range(0, n_samples, capacity):
            n_rows = min(capacity, n_samples - start)
            inputs = slot(activations, layers, ZERO, n_rows, capacity)
            gather_rows(dense, data, indices, indptr, order, start, inputs)
            forward(params, layers, activations, n_rows, capacity, ZERO, last)
            pre_activations = slot(activations, layers, last + 1, n_rows, capacity)
            gemm(one, slot(activations, layers, last, n_rows, capacity), False,
                 coef(params, layers, last), layers[last, TRANSPOSED] != 0, 0 * one,
                 pre_activations)
            for i in range(n_rows):
                row_total = 0.0
                for j in range(bias.shape[0]):
                    value, _ = unit(pre_activations[i, j] + bias[j], inputs[i, j])
                    row_total += value
                out[start + i] = row_total

    return specialized_kernel(
        losses, f"reconstruction_losses({activation}, {output_activation}, "
        f"{piece_name(unit)})",
    )


@internal_kernel
def bernoulli_draws(means, out, streams, output_std, normals):
    """``out``: Bernoulli draws with probabilities ``means``, row i from
    ``streams[i]`` (``output_std`` and ``normals`` are the Gaussian's)."""
    sample_probabilities(means, out, streams)


@internal_kernel
def gaussian_draws(means, out, streams, output_std, normals):
    """``out``: Gaussian draws around ``means`` with standard deviations
    ``output_std`` per feature, row i from ``streams[i]``; ``normals`` is
    float64 scratch of even length, at least a row's."""
    for i in range(means.shape[0]):
        streams[i] = normal_row(streams[i], normals)
        for j in range(means.shape[1]):
            out[i, j] = means[i, j] + output_std[j] * normals[j]


#: The output distribution the denoising chain draws from, by reconstruction loss.
OUTPUT_DRAWS = {"bce": bernoulli_draws, "mse": gaussian_draws}


@functools.cache
def denoising_chain(activation, output_activation, noise, draw):
    """The kernel ``chain(x, n_steps, noise_level, params, layers, output_std,
    streams, activations, capacity)``: in place, run ``n_steps`` steps of the
    denoising Markov chain from each row of x.

    A step corrupts x with the ``noise`` piece, reconstructs it, and draws the
    next x from the output distribution with the ``draw`` piece (Bernoulli, or
    Gaussian with standard deviations ``output_std``). Row i is a chain that
    draws from ``streams[i]``.
    """
    forward = forward_pass(activation, output_activation)

    def chain(x, n_steps, noise_level, params, layers, output_std, streams,
              activations, capacity):
        n_chains, n_features = x.shape
        last = layers.shape[0]
        normals = np.empty(n_features + n_features % 2)
        for start in range(0, n_chains, capacity):
            n_rows = min(capacity, n_chains - start)
            rows = x[start:start + n_rows]
            chain_streams = streams[start:start + n_rows]
            inputs = slot(activations, layers, ZERO, n_rows, capacity)
            outputs = slot(activations, layers, last, n_rows, capacity)
            for _ in range(n_steps):
                noise(rows, inputs, noise_level, chain_streams)
                forward(params, layers, activations, n_rows, capacity, ZERO, last)
                draw(outputs, rows, chain_streams, output_std, normals)

    return specialized_kernel(
        chain, f"denoising_chain({activation}, {output_activation}, "
        f"{piece_name(noise)}, {piece_name(draw)})",
    )
