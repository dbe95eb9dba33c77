"""The passes of a network, built from the pieces a model uses: forward, backward,
the loss and gradient of a batch, inference in chunks (``predict``), and one
training epoch of a network fitted to given targets.

The kernels compose: ``forward`` runs a range of layers; ``backward`` takes the
gradient at the last slot and returns the parameters' gradient (and, on request,
the input's); ``loss_and_gradient`` is one batch of a network with a loss at its
output. A model with another objective (an autoencoder's corrupted inputs, a
VAE's code layer) builds its epoch from these.

Each factory returns kernels compiled only for the pieces it is given, and the
same kernels for the same pieces, so that a model compiles what it uses once.

An activity penalty on hidden layers (``penalty``) is a family's piece: a pair
``(delta, weight_gradient)`` of compiled functions. ``delta(outputs, delta,
bias_grad, coef, transposed, columns, inv_n, layer, context)`` turns, in place,
the gradient arriving at a hidden layer's outputs into the gradient at its
pre-activations, fills ``bias_grad`` with its column sums, and returns the
penalty summed over the rows; ``weight_gradient(coef, transposed, coef_grad,
columns, inv_n, layer, context)`` adds a term to the layer's weight gradient that
does not pass through its pre-activations, or is None. ``context`` is the
penalty's arrays, passed through from the caller (``()`` without a penalty).
"""

import functools
from typing import NamedTuple

import numpy as np
import scipy.sparse as sp

from ..utils._batches import gather_rows
from ..utils._blas import gemm
from ._activations import ACTIVATIONS
from ._compile import FALSE, ZERO, internal_kernel, piece_name, specialized_kernel
from ._layers import ACCUMULATE, INTERCEPT, TRANSPOSED, coef, intercept, slot


class Penalty(NamedTuple):
    """An activity penalty on hidden layers, as the backward pass calls it."""

    delta: object
    weight_gradient: object


@internal_kernel
def column_total(columns):
    """The sum of a row of per-unit sums, in float64."""
    total = 0.0
    for j in range(columns.shape[0]):
        total += columns[j]
    return total


@functools.cache
def activation_rows(activation):
    """The kernel ``(outputs, bias)`` that applies, in place, ``outputs =
    f(outputs + bias)`` for the activation named ``activation``."""
    activate = ACTIVATIONS[activation].activate

    def activate_rows(outputs, bias):
        for i in range(outputs.shape[0]):
            row = outputs[i]
            for j in range(row.shape[0]):
                row[j] = activate(row[j] + bias[j])

    return specialized_kernel(activate_rows, f"activate_rows({activation})",
                              internal=True)


@functools.cache
def activation_delta(activation):
    """The kernel ``(outputs, delta, bias_grad)`` that turns, in place, the
    gradient at a layer's outputs into that at its pre-activations, ``delta *=
    f'(z)`` from the outputs, and sets ``bias_grad`` to its column sums."""
    derivative = ACTIVATIONS[activation].derivative

    def delta_rows(outputs, delta, bias_grad):
        bias_grad[:] = 0
        for i in range(outputs.shape[0]):
            a_row, delta_row = outputs[i], delta[i]
            for j in range(outputs.shape[1]):
                d = delta_row[j] * derivative(a_row[j])
                delta_row[j] = d
                bias_grad[j] += d

    return specialized_kernel(delta_rows, f"activation_delta({activation})",
                              internal=True)


@functools.cache
def forward_pass(activation, output_activation):
    """The kernel ``forward(params, layers, activations, n_rows, capacity, first,
    last)``: run layers ``first`` to ``last - 1`` on the rows of slot ``first``.

    Each layer is one GEMM into its output slot, then one fused pass that adds
    the bias and applies the activation: ``activation`` for the hidden layers,
    ``output_activation`` for the last.
    """
    hidden_rows = activation_rows(activation)
    output_rows = activation_rows(output_activation)

    def forward(params, layers, activations, n_rows, capacity, first, last):
        one = params.dtype.type(1.0)
        for layer in range(first, last):
            outputs = slot(activations, layers, layer + 1, n_rows, capacity)
            gemm(one, slot(activations, layers, layer, n_rows, capacity), False,
                 coef(params, layers, layer), layers[layer, TRANSPOSED] != 0, 0 * one,
                 outputs)
            if layer == layers.shape[0] - 1:
                output_rows(outputs, intercept(params, layers, layer))
            else:
                hidden_rows(outputs, intercept(params, layers, layer))

    return specialized_kernel(forward, f"forward({activation}, {output_activation})")


@functools.cache
def backward_pass(activation, penalty=None, inline=True):
    """The kernel ``backward(params, grads, layers, activations, deltas, columns,
    n_rows, capacity, input_gradient, context)``: backpropagate from the gradient
    at the output slot of ``deltas``.

    On entry the last slot of ``deltas`` holds d(objective)/d(pre-activation) of
    the output layer, already divided by the number of rows, and ``grads`` the
    output layer's bias gradient (the column sums of that slot), which the
    caller fuses with computing it. Fills the rest of ``grads`` (a shared matrix
    gets the sum of its layers' terms) and, when ``input_gradient``, slot 0 of
    ``deltas`` with the gradient at the input. The hidden layers have the
    activation ``activation`` and, with ``penalty``, its terms; returns the
    penalty summed over the rows, in float64.

    The kernel is inlined into its callers (fewer compiled libraries, each of
    which LLVM optimises again with everything it links) unless ``inline`` is
    False, for callers that call it more than once.
    """
    plain_delta = activation_delta(activation)
    penalized_delta = penalty.delta if penalty is not None else None
    weight_term = penalty.weight_gradient if penalty is not None else None

    def backward(params, grads, layers, activations, deltas, columns, n_rows, capacity,
                 input_gradient, context):
        one = params.dtype.type(1.0)
        inv_n = one / n_rows
        total = 0.0
        n_layers = layers.shape[0]
        for layer in range(n_layers - 1, -1, -1):
            weights = coef(params, layers, layer)
            weights_grad = coef(grads, layers, layer)
            transposed = layers[layer, TRANSPOSED] != 0
            delta = slot(deltas, layers, layer + 1, n_rows, capacity)
            if layer < n_layers - 1:
                outputs = slot(activations, layers, layer + 1, n_rows, capacity)
                bias_grad = intercept(grads, layers, layer)
                if penalized_delta is None:
                    plain_delta(outputs, delta, bias_grad)
                else:
                    total += penalized_delta(outputs, delta, bias_grad, weights,
                                             transposed, columns, inv_n, layer, context)
            inputs = slot(activations, layers, layer, n_rows, capacity)
            beta = one if layers[layer, ACCUMULATE] else 0 * one
            if transposed:
                gemm(one, delta, True, inputs, False, beta, weights_grad)
            else:
                gemm(one, inputs, True, delta, False, beta, weights_grad)
            if weight_term is not None and layer < n_layers - 1:
                weight_term(weights, transposed, weights_grad, columns, inv_n, layer,
                            context)
            if layer > 0 or input_gradient:
                gemm(one, delta, False, weights, not transposed, 0 * one,
                     slot(deltas, layers, layer, n_rows, capacity))
        return total

    name = piece_name(None if penalty is None else penalty.delta)
    return specialized_kernel(backward, f"backward({activation}, {name})",
                              inline=inline, internal=not inline)


@functools.cache
def gradient_pass(activation, output_activation, loss, penalty=None):
    """The kernel ``loss_and_gradient(params, grads, layers, targets, activations,
    deltas, columns, n_rows, capacity, context)``: the objective of a batch summed
    over its rows, and the gradient of its mean.

    Slot 0 of ``activations`` holds the network's input; ``targets`` what the
    loss (a piece of ``_losses``) compares the outputs with. The objective is
    the loss plus the penalty; an L2 term is the optimiser's.
    """
    forward = forward_pass(activation, output_activation)
    backward = backward_pass(activation, penalty)
    loss_rows = loss.rows

    def loss_and_gradient(params, grads, layers, targets, activations, deltas, columns,
                          n_rows, capacity, context):
        last = layers.shape[0] - 1
        one = params.dtype.type(1.0)
        forward(params, layers, activations, n_rows, capacity, ZERO, last)
        pre_activations = slot(activations, layers, last + 1, n_rows, capacity)
        gemm(one, slot(activations, layers, last, n_rows, capacity), False,
             coef(params, layers, last), layers[last, TRANSPOSED] != 0, 0 * one,
             pre_activations)
        bias_grad = intercept(grads, layers, last)
        loss_columns = columns[0, :bias_grad.shape[0]]
        # Zeroed here: zeroing them inside the loss's loop stops LLVM from
        # vectorising it.
        bias_grad[:] = 0
        loss_columns[:] = 0
        loss_rows(pre_activations, intercept(params, layers, last), targets,
                  slot(deltas, layers, last + 1, n_rows, capacity), bias_grad,
                  loss_columns, one / n_rows)
        total = column_total(loss_columns)
        return total + backward(params, grads, layers, activations, deltas, columns,
                                n_rows, capacity, FALSE, context)

    name = piece_name(None if penalty is None else penalty.delta)
    return specialized_kernel(
        loss_and_gradient,
        f"loss_and_gradient({activation}, {output_activation}, "
        f"{piece_name(loss.rows)}, {name})", inline=True,
    )


def predict(network, params, X, first, last, capacity):
    """Slot ``last`` of the network when the rows of X (dense or sparse) are fed
    to slot ``first``, ``capacity`` rows at a time.

    The chunks go through the compiled ``forward`` from Python: it is the pass
    that training compiles, so inference compiles nothing more.
    """
    forward = forward_pass(network.activation, network.output_activation)
    dtype = params.dtype
    n_samples = X.shape[0]
    out = np.empty((n_samples, network.units[last]), dtype=dtype)
    activations = network.buffer(capacity, dtype)
    for start in range(0, n_samples, capacity):
        rows = X[start:start + capacity]
        n_rows = rows.shape[0]
        inputs = network.rows(activations, first, n_rows, capacity)
        inputs[...] = rows.toarray() if sp.issparse(rows) else rows
        forward(params, network.layers, activations, n_rows, capacity, first, last)
        out[start:start + n_rows] = network.rows(activations, last, n_rows, capacity)
    return out


@functools.cache
def supervised_epoch(activation, output_activation, loss, step):
    """The kernel ``fit_epoch(dense, data, indices, indptr, targets, order,
    batch_size, params, grads, layers, moments, n_updates, settings, alpha,
    activations, deltas, batch_targets, columns)``: one pass over the rows
    ``order`` of X (dense, or CSR when ``dense`` is empty) and of ``targets``;
    returns the loss summed over the rows, in float64.

    Per mini-batch: gather the rows and their targets, ``loss_and_gradient``, then
    one ``step`` of the optimiser (with its ``moments``, ``n_updates`` and
    ``settings``), whose L2 term on the weights is sklearn's ``alpha / n_rows``.
    ``batch_targets`` is scratch for ``batch_size`` rows of targets.
    """
    loss_and_gradient = gradient_pass(activation, output_activation, loss)

    def fit_epoch(dense, data, indices, indptr, targets, order, batch_size, params,
                  grads, layers, moments, n_updates, settings, alpha, activations,
                  deltas, batch_targets, columns):
        n_samples = order.shape[0]
        n_targets = targets.shape[1]
        total = 0.0
        for start in range(0, n_samples, batch_size):
            n_rows = min(batch_size, n_samples - start)
            gather_rows(dense, data, indices, indptr, order, start,
                        slot(activations, layers, ZERO, n_rows, batch_size))
            rows = batch_targets[:n_rows * n_targets].reshape((n_rows, n_targets))
            gather_rows(targets, targets[0, :0], order[:0], order[:0], order, start,
                        rows)
            total += loss_and_gradient(params, grads, layers, rows, activations, deltas,
                                       columns, n_rows, batch_size, ())
            step(params, grads, moments, n_updates, layers[0, INTERCEPT], alpha / n_rows,
                 settings)
        return total

    return specialized_kernel(
        fit_epoch,
        f"supervised_epoch({activation}, {output_activation}, "
        f"{piece_name(loss.rows)}, {piece_name(step)})",
    )
