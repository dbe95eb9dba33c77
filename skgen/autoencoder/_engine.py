"""The training engine of the autoencoders: a feed-forward network whose
parameters are one flat vector, trained by mini-batch gradient descent with one
compiled call per epoch.

Layout. A network of L dense layers maps slot 0 (the input) through slots 1..L.
Layer l reads slot l and writes slot l + 1: ``a_{l+1} = f_l(a_l @ W_l + b_l)``.
All weights come first in the flat vector, then all biases, so that the L2
penalty covers a prefix. Layer l is described by a row of the int table
``layers`` (columns below). Its weight matrix is stored as (fan_in, fan_out),
or, for a layer that shares the matrix of an earlier one (tied weights), is the
same block read as (fan_out, fan_in), that is, transposed. Activations and
gradients live in flat buffers of ``capacity`` rows per slot.

The kernels compose: ``forward`` runs a range of layers; ``backward`` takes the
gradient at the last slot and returns the parameters' gradient (and, on request,
the input's); ``loss_and_gradient`` is one batch of an autoencoder;
``fit_epoch`` is a whole pass, with gathering, corruption and the optimiser step.
A model with another objective (a VAE's reparameterised code, a DBN fine-tuned
from given weights) reuses ``forward`` and ``backward`` on its own tables.
"""

import numpy as np

from ..utils._batches import gather_rows
from ..utils._blas import gemm
from ..utils._numba import inline_kernel, kernel
from ..utils._random import normal_row, sample_probabilities
from ._activations import ACTIVATIONS, IDENTITY, RELU, SIGMOID, activate, derivative
from ._losses import (
    BCE,
    LOG_LOSS,
    bce_loss_and_delta,
    loss_and_delta,
    mse_loss_and_delta,
)
from ._noise import NO_NOISE, corrupt_rows
from ._optimizers import update
from ._regularizers import (
    NO_PENALTY,
    penalized_delta,
    penalty_weight_gradient,
    prepare_penalty,
    unit_penalty,
)

# Columns of the ``layers`` table: the layer's fan-in and fan-out; where its
# weights and biases start in the flat vector; whether the weights are read
# transposed; its activation code; whether its weight gradient adds to that of
# a layer visited before it by the backward pass (shared weights); and where
# its input and output slots start in the buffers, in units.
FAN_IN, FAN_OUT, COEF, TRANSPOSED, INTERCEPT, ACTIVATION, ACCUMULATE, INPUT, OUTPUT = (
    range(9)
)
N_COLUMNS = 9


class Network:
    """The shapes and offsets of a network whose parameters are one flat vector.

    Parameters
    ----------
    units : sequence of int
        Width of each slot, from the input to the output.
    activations : sequence of str
        Activation of each layer, a key of ``ACTIVATIONS``.
    shared : sequence of int or None, default=None
        For each layer, None, or the index of an earlier layer whose weight
        matrix this one uses transposed (tied weights).

    Attributes
    ----------
    layers : ndarray of shape (n_layers, N_COLUMNS), int64
        The table the kernels read.
    n_coefs : int
        Number of weights: the L2-penalised prefix of the flat vector.
    n_params : int
        Length of the flat vector.
    """

    def __init__(self, units, activations, shared=None):
        self.units = tuple(int(width) for width in units)
        self.activations = tuple(activations)
        n_layers = len(self.units) - 1
        self.shared = tuple(shared) if shared is not None else (None,) * n_layers
        if len(self.activations) != n_layers or len(self.shared) != n_layers:
            raise ValueError("Give one activation and one sharing entry per layer.")
        offsets = np.concatenate([[0], np.cumsum(self.units)])
        layers = np.zeros((n_layers, N_COLUMNS), dtype=np.int64)
        position = 0
        for layer, owner in enumerate(self.shared):
            fan_in, fan_out = self.units[layer], self.units[layer + 1]
            if owner is None:
                coef, transposed = position, 0
                position += fan_in * fan_out
            else:
                if not (
                    0 <= owner < layer
                    and self.shared[owner] is None
                    and (fan_in, fan_out) == (self.units[owner + 1], self.units[owner])
                ):
                    raise ValueError(
                        f"Layer {layer} cannot use the transposed weights of layer "
                        f"{owner}."
                    )
                coef, transposed = layers[owner, COEF], 1
            layers[layer] = (fan_in, fan_out, coef, transposed, 0,
                             ACTIVATIONS[self.activations[layer]], 0,
                             offsets[layer], offsets[layer + 1])
        self.n_coefs = position
        for layer in range(n_layers):
            layers[layer, INTERCEPT] = position
            position += layers[layer, FAN_OUT]
        self.n_params = position
        # The backward pass visits the layers from the last: the first to reach a
        # weight matrix writes its gradient, the others add to it.
        reached = set()
        for layer in reversed(range(n_layers)):
            layers[layer, ACCUMULATE] = layers[layer, COEF] in reached
            reached.add(layers[layer, COEF])
        self.layers = layers

    @property
    def n_layers(self):
        return self.layers.shape[0]

    def coefs(self, params):
        """The weight matrices, each of shape (fan_in, fan_out), as views of params."""
        views = []
        for fan_in, fan_out, start, transposed in self.layers[
            :, [FAN_IN, FAN_OUT, COEF, TRANSPOSED]
        ]:
            stored = params[start:start + fan_in * fan_out]
            if transposed:
                views.append(stored.reshape(fan_out, fan_in).T)
            else:
                views.append(stored.reshape(fan_in, fan_out))
        return views

    def intercepts(self, params):
        """The bias vectors, as views of params."""
        return [params[start:start + fan_out]
                for fan_out, start in self.layers[:, [FAN_OUT, INTERCEPT]]]

    def pack(self, coefs, intercepts, dtype):
        """A flat vector holding the given weights and biases.

        A layer that shares weights takes them from the layer that owns them; its
        own entry of ``coefs`` is ignored.
        """
        params = np.empty(self.n_params, dtype=dtype)
        for layer, (view, bias) in enumerate(
            zip(self.coefs(params), self.intercepts(params))
        ):
            if self.shared[layer] is None:
                view[...] = coefs[layer]
            bias[...] = intercepts[layer]
        return params

    def initial_params(self, random_state, dtype, factor):
        """Glorot-uniform weights and biases, drawn in sklearn's order.

        Layer by layer, the weights (unless shared) then the biases are uniform in
        ``+-sqrt(factor / (fan_in + fan_out))``; sklearn uses factor 2 for
        sigmoid networks and 6 otherwise. Draws are float64, then rounded.
        """
        coefs, intercepts = [], []
        for fan_in, fan_out in self.layers[:, [FAN_IN, FAN_OUT]]:
            bound = np.sqrt(factor / (fan_in + fan_out))
            if self.shared[len(coefs)] is None:
                coefs.append(random_state.uniform(-bound, bound, (fan_in, fan_out)))
            else:
                coefs.append(None)
            intercepts.append(random_state.uniform(-bound, bound, fan_out))
        return self.pack(coefs, intercepts, dtype)

    def buffer(self, capacity, dtype):
        """A buffer for ``capacity`` rows of every slot (activations or gradients)."""
        return np.empty(capacity * sum(self.units), dtype=dtype)

    def columns(self, dtype):
        """Scratch for per-unit sums: three rows as wide as the widest slot."""
        return np.empty((3, max(self.units)), dtype=dtype)


# -- views ------------------------------------------------------------------------------


@inline_kernel
def _rows(buffer, unit_offset, width, n_rows, capacity):
    start = capacity * unit_offset
    return buffer[start:start + n_rows * width].reshape((n_rows, width))


@inline_kernel
def slot(buffer, layers, index, n_rows, capacity):
    """Rows of slot ``index`` (0 is the input, n_layers the output) of a buffer."""
    if index < layers.shape[0]:
        return _rows(buffer, layers[index, INPUT], layers[index, FAN_IN], n_rows,
                     capacity)
    last = layers.shape[0] - 1
    return _rows(buffer, layers[last, OUTPUT], layers[last, FAN_OUT], n_rows, capacity)


@inline_kernel
def coef(params, layers, layer):
    """The weights of a layer as stored: (fan_in, fan_out), or (fan_out, fan_in)
    when ``layers[layer, TRANSPOSED]``."""
    fan_in, fan_out = layers[layer, FAN_IN], layers[layer, FAN_OUT]
    stored = params[layers[layer, COEF]:layers[layer, COEF] + fan_in * fan_out]
    if layers[layer, TRANSPOSED]:
        return stored.reshape((fan_out, fan_in))
    return stored.reshape((fan_in, fan_out))


@inline_kernel
def intercept(params, layers, layer):
    start = layers[layer, INTERCEPT]
    return params[start:start + layers[layer, FAN_OUT]]


# -- passes -------------------------------------------------------------------------------


@kernel
def _activate_rows(outputs, bias, activation):
    """In place: ``outputs = f(outputs + bias)``."""
    for i in range(outputs.shape[0]):
        row = outputs[i]
        for j in range(row.shape[0]):
            row[j] = activate(activation, row[j] + bias[j])


@kernel
def forward(params, layers, activations, n_rows, capacity, first, last):
    """Run layers ``first`` to ``last - 1`` on the rows of slot ``first``.

    Each layer is one GEMM into its output slot, then one fused pass that adds
    the bias and applies the activation.
    """
    one = params.dtype.type(1.0)
    for layer in range(first, last):
        outputs = slot(activations, layers, layer + 1, n_rows, capacity)
        gemm(one, slot(activations, layers, layer, n_rows, capacity), False,
             coef(params, layers, layer), layers[layer, TRANSPOSED] != 0, 0 * one,
             outputs)
        _activate_rows(outputs, intercept(params, layers, layer),
                       layers[layer, ACTIVATION])


@kernel
def bce_rows(pre_activations, bias, targets, delta, bias_grad, loss_columns, inv_n):
    """The binary cross-entropy of sigmoid outputs with pre-activations
    ``pre_activations + bias`` (see ``_output_delta``, which zeroes the sums)."""
    for i in range(delta.shape[0]):
        z_row, target_row, delta_row = pre_activations[i], targets[i], delta[i]
        for j in range(bias.shape[0]):
            value, slope = bce_loss_and_delta(z_row[j] + bias[j], target_row[j])
            loss_columns[j] += value
            scaled = slope * inv_n
            delta_row[j] = scaled
            bias_grad[j] += scaled


@kernel
def _mse_rows(activation, pre_activations, bias, targets, delta, bias_grad,
              loss_columns, inv_n):
    for i in range(delta.shape[0]):
        z_row, target_row, delta_row = pre_activations[i], targets[i], delta[i]
        for j in range(bias.shape[0]):
            value, slope = mse_loss_and_delta(activation, z_row[j] + bias[j],
                                              target_row[j])
            loss_columns[j] += value
            scaled = slope * inv_n
            delta_row[j] = scaled
            bias_grad[j] += scaled


@kernel
def _log_loss_rows(pre_activations, bias, targets, delta, bias_grad, loss_columns,
                   inv_n):
    """The softmax cross-entropy: ``delta = (softmax(z) - t) / n`` row by row."""
    for i in range(delta.shape[0]):
        z_row, target_row, delta_row = pre_activations[i], targets[i], delta[i]
        largest = z_row[0] + bias[0]
        for j in range(bias.shape[0]):
            largest = max(largest, z_row[j] + bias[j])
        total = 0 * largest
        for j in range(bias.shape[0]):
            shifted = z_row[j] + bias[j] - largest
            delta_row[j] = np.exp(shifted)
            total += delta_row[j]
        log_total = np.log(total)
        for j in range(bias.shape[0]):
            shifted = z_row[j] + bias[j] - largest
            loss_columns[j] += target_row[j] * (log_total - shifted)
            scaled = (delta_row[j] / total - target_row[j]) * inv_n
            delta_row[j] = scaled
            bias_grad[j] += scaled


@kernel
def _output_delta(loss, activation, pre_activations, bias, targets, delta, bias_grad,
                  loss_columns, inv_n):
    """The loss of the output layer and its gradient, in one pass.

    ``delta = dloss/dz / n``; ``bias_grad`` and ``loss_columns`` (zero on entry)
    get the column sums of the gradient and the loss. Returns the loss summed
    over the rows, in float64.
    """
    # The usual output activations get loops of their own, with the activation a
    # constant: LLVM does not always hoist a switch out of a loop that is inlined
    # into a larger kernel, and a loop with a switch inside does not vectorise.
    if loss == BCE:
        bce_rows(pre_activations, bias, targets, delta, bias_grad, loss_columns, inv_n)
    elif loss == LOG_LOSS:
        _log_loss_rows(pre_activations, bias, targets, delta, bias_grad, loss_columns,
                       inv_n)
    elif activation == SIGMOID:
        _mse_rows(SIGMOID, pre_activations, bias, targets, delta, bias_grad,
                  loss_columns, inv_n)
    elif activation == IDENTITY:
        _mse_rows(IDENTITY, pre_activations, bias, targets, delta, bias_grad,
                  loss_columns, inv_n)
    else:
        _mse_rows(activation, pre_activations, bias, targets, delta, bias_grad,
                  loss_columns, inv_n)
    total = 0.0
    for j in range(bias.shape[0]):
        total += loss_columns[j]
    return total


@kernel
def _unpenalized_delta_rows(activation, outputs, delta, bias_grad):
    """In place: ``delta *= f'(z)``, from the outputs; ``bias_grad += column sums``."""
    for i in range(outputs.shape[0]):
        a_row, delta_row = outputs[i], delta[i]
        for j in range(outputs.shape[1]):
            d = delta_row[j] * derivative(activation, a_row[j])
            delta_row[j] = d
            bias_grad[j] += d


@kernel
def _hidden_delta(penalty, weight, target, activation, coef, transposed, outputs, delta,
                  bias_grad, columns, inv_n):
    """In place: turn the gradient at a layer's outputs (``delta`` on entry) into
    the gradient at its pre-activations, with the layer's penalty.

    ``bias_grad`` gets the column sums; ``columns[1]`` the penalty's terms for
    ``penalty_weight_gradient``. Returns the penalty summed over rows (float64).
    """
    bias_grad[:] = 0
    if penalty == NO_PENALTY:
        # The usual activations get loops of their own (see _output_delta).
        if activation == SIGMOID:
            _unpenalized_delta_rows(SIGMOID, outputs, delta, bias_grad)
        elif activation == RELU:
            _unpenalized_delta_rows(RELU, outputs, delta, bias_grad)
        else:
            _unpenalized_delta_rows(activation, outputs, delta, bias_grad)
        return 0.0
    width = outputs.shape[1]
    stats, sums, values = columns[0], columns[1], columns[2]
    total = prepare_penalty(penalty, weight, target, coef, transposed, outputs, stats)
    dtype_weight = outputs.dtype.type(weight)
    scaled_weight = dtype_weight * inv_n
    sums[:width] = 0
    values[:width] = 0
    for i in range(outputs.shape[0]):
        a_row, delta_row = outputs[i], delta[i]
        for j in range(width):
            a = a_row[j]
            d = penalized_delta(penalty, activation, delta_row[j], a, stats[j],
                                scaled_weight)
            delta_row[j] = d
            bias_grad[j] += d
            value, term = unit_penalty(penalty, activation, a, stats[j], dtype_weight)
            values[j] += value
            sums[j] += term
    for j in range(width):
        total += values[j]
    return total


@kernel
def backward(params, grads, layers, penalties, penalty_params, activations, deltas,
             columns, n_rows, capacity, input_gradient):
    """Backpropagate from the gradient at the output slot of ``deltas``.

    On entry the last slot of ``deltas`` holds d(objective)/d(pre-activation) of
    the output layer, already divided by the number of rows, and ``grads`` the
    output layer's bias gradient (the column sums of that slot), which the
    caller fuses with computing it. Fills the rest of ``grads`` (a shared matrix
    gets the sum of its layers' terms) and, when ``input_gradient``, slot 0 of
    ``deltas`` with the gradient at the input.
    ``penalties[l]`` is the code of the penalty on layer l's outputs (not for the
    last layer) and ``penalty_params[l]`` its (weight, target). Returns the
    penalties summed over the rows, in float64.
    """
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
            total += _hidden_delta(
                penalties[layer], penalty_params[layer, 0], penalty_params[layer, 1],
                layers[layer, ACTIVATION], weights, transposed,
                slot(activations, layers, layer + 1, n_rows, capacity), delta,
                intercept(grads, layers, layer), columns, inv_n,
            )
        inputs = slot(activations, layers, layer, n_rows, capacity)
        beta = one if layers[layer, ACCUMULATE] else 0 * one
        if transposed:
            gemm(one, delta, True, inputs, False, beta, weights_grad)
        else:
            gemm(one, inputs, True, delta, False, beta, weights_grad)
        if layer < n_layers - 1:
            scaled_weight = one * penalty_params[layer, 0] * inv_n
            penalty_weight_gradient(penalties[layer], scaled_weight, weights, transposed,
                                    weights_grad, columns[1])
        if layer > 0 or input_gradient:
            gemm(one, delta, False, weights, not transposed, 0 * one,
                 slot(deltas, layers, layer, n_rows, capacity))
    return total


@kernel
def loss_and_gradient(params, grads, layers, penalties, penalty_params, loss, targets,
                      activations, deltas, columns, n_rows, capacity):
    """The objective of a batch summed over its rows, and the gradient of its mean.

    Slot 0 of ``activations`` holds the network's input (for a denoising
    autoencoder, the corrupted rows); ``targets`` the rows to reconstruct. The
    objective is the reconstruction loss plus the penalties; the L2 term is the
    optimiser's.
    """
    last = layers.shape[0] - 1
    one = params.dtype.type(1.0)
    forward(params, layers, activations, n_rows, capacity, 0, last)
    pre_activations = slot(activations, layers, last + 1, n_rows, capacity)
    gemm(one, slot(activations, layers, last, n_rows, capacity), False,
         coef(params, layers, last), layers[last, TRANSPOSED] != 0, 0 * one,
         pre_activations)
    bias_grad = intercept(grads, layers, last)
    loss_columns = columns[0, :bias_grad.shape[0]]
    # Zeroed here: zeroing them inside _output_delta stops LLVM from vectorising it.
    bias_grad[:] = 0
    loss_columns[:] = 0
    total = _output_delta(
        loss, layers[last, ACTIVATION], pre_activations, intercept(params, layers, last),
        targets, slot(deltas, layers, last + 1, n_rows, capacity), bias_grad,
        loss_columns, one / n_rows,
    )
    return total + backward(params, grads, layers, penalties, penalty_params,
                            activations, deltas, columns, n_rows, capacity, False)


@kernel
def fit_epoch(dense, data, indices, indptr, order, batch_size, params, grads, layers,
              penalties, penalty_params, loss, noise, noise_level, solver, moments,
              n_updates, learning_rate, momentum, nesterov, beta_1, beta_2, epsilon,
              alpha, streams, activations, deltas, clean, columns):
    """One pass over the rows ``order`` of X (dense, or CSR when ``dense`` is
    empty), in mini-batches of ``batch_size`` rows; returns the objective summed
    over the rows, in float64.

    Per mini-batch: gather the rows, corrupt them (``noise``; row i of the batch
    draws from ``streams[i]``), ``loss_and_gradient``, then one step of the
    optimiser, whose L2 term on the weights is sklearn's ``alpha / n_rows``.
    ``clean`` is scratch for ``batch_size`` clean rows. Nothing is allocated per
    mini-batch but, for Gaussian noise, a row of normals.
    """
    n_samples = order.shape[0]
    n_features = layers[0, FAN_IN]
    total = 0.0
    for start in range(0, n_samples, batch_size):
        n_rows = min(batch_size, n_samples - start)
        inputs = slot(activations, layers, 0, n_rows, batch_size)
        if noise == NO_NOISE:
            targets = inputs
            gather_rows(dense, data, indices, indptr, order, start, targets)
        else:
            targets = clean[:n_rows * n_features].reshape((n_rows, n_features))
            gather_rows(dense, data, indices, indptr, order, start, targets)
            corrupt_rows(noise, noise_level, targets, inputs, streams)
        total += loss_and_gradient(params, grads, layers, penalties, penalty_params,
                                   loss, targets, activations, deltas, columns, n_rows,
                                   batch_size)
        update(solver, params, grads, moments, n_updates, layers[0, INTERCEPT],
               alpha / n_rows, learning_rate, momentum, nesterov, beta_1, beta_2,
               epsilon)
    return total


# -- using a trained network ----------------------------------------------------------------


@kernel
def predict_rows(dense, data, indices, indptr, params, layers, first, last, activations,
                 capacity, out):
    """``out`` = slot ``last`` when the rows of X (dense, or CSR when ``dense`` is
    empty) are fed to slot ``first``, ``capacity`` rows at a time."""
    n_samples = out.shape[0]
    order = np.arange(n_samples)
    for start in range(0, n_samples, capacity):
        n_rows = min(capacity, n_samples - start)
        gather_rows(dense, data, indices, indptr, order, start,
                    slot(activations, layers, first, n_rows, capacity))
        forward(params, layers, activations, n_rows, capacity, first, last)
        out[start:start + n_rows] = slot(activations, layers, last, n_rows, capacity)


@kernel
def reconstruction_losses(dense, data, indices, indptr, params, layers, loss,
                          activations, capacity, out):
    """``out[i]`` = the reconstruction loss of row i of X, in float64."""
    n_samples = out.shape[0]
    order = np.arange(n_samples)
    last = layers.shape[0] - 1
    one = params.dtype.type(1.0)
    bias = intercept(params, layers, last)
    activation = layers[last, ACTIVATION]
    for start in range(0, n_samples, capacity):
        n_rows = min(capacity, n_samples - start)
        inputs = slot(activations, layers, 0, n_rows, capacity)
        gather_rows(dense, data, indices, indptr, order, start, inputs)
        forward(params, layers, activations, n_rows, capacity, 0, last)
        pre_activations = slot(activations, layers, last + 1, n_rows, capacity)
        gemm(one, slot(activations, layers, last, n_rows, capacity), False,
             coef(params, layers, last), layers[last, TRANSPOSED] != 0, 0 * one,
             pre_activations)
        for i in range(n_rows):
            row_total = 0.0
            for j in range(bias.shape[0]):
                value, _ = loss_and_delta(loss, activation,
                                          pre_activations[i, j] + bias[j], inputs[i, j])
                row_total += value
            out[start + i] = row_total


@kernel
def denoising_chain(x, n_steps, noise, noise_level, params, layers, loss, output_std,
                    sample_output, streams, activations, capacity):
    """In place: run ``n_steps`` steps of the denoising Markov chain from each row.

    A step corrupts x with the noise model, reconstructs it, and, when
    ``sample_output``, draws the next x from the output distribution: Bernoulli
    for ``bce``, Gaussian with standard deviations ``output_std`` for ``mse``;
    otherwise x becomes the reconstruction. Row i is a chain that draws from
    ``streams[i]``.
    """
    n_chains, n_features = x.shape
    last = layers.shape[0]
    normals = np.empty(n_features + n_features % 2)
    for start in range(0, n_chains, capacity):
        n_rows = min(capacity, n_chains - start)
        rows = x[start:start + n_rows]
        chain_streams = streams[start:start + n_rows]
        inputs = slot(activations, layers, 0, n_rows, capacity)
        outputs = slot(activations, layers, last, n_rows, capacity)
        for _ in range(n_steps):
            corrupt_rows(noise, noise_level, rows, inputs, chain_streams)
            forward(params, layers, activations, n_rows, capacity, 0, last)
            if not sample_output:
                rows[:] = outputs
            elif loss == BCE:
                sample_probabilities(outputs, rows, chain_streams)
            else:
                for i in range(n_rows):
                    chain_streams[i] = normal_row(chain_streams[i], normals)
                    for j in range(n_features):
                        rows[i, j] = outputs[i, j] + output_std[j] * normals[j]
