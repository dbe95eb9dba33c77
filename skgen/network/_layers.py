"""The layer table of a feed-forward network whose parameters are one flat vector,
and the views that kernels take of its parameters and buffers.

Layout. A network of L dense layers maps slot 0 (the input) through slots 1..L.
Layer l reads slot l and writes slot l + 1: ``a_{l+1} = f_l(a_l @ W_l + b_l)``,
where ``f_l`` is the hidden activation for every layer but the last, which has
the output activation. All weights come first in the flat vector, then all
biases, so that the L2 penalty covers a prefix. Layer l is described by a row of
the int table ``layers`` (columns below). Its weight matrix is stored as
(fan_in, fan_out), or, for a layer that shares the matrix of an earlier one
(tied weights), is the same block read as (fan_out, fan_in), that is,
transposed. Activations and gradients live in flat buffers of ``capacity`` rows
per slot.
"""

import numpy as np

from ._compile import internal_kernel

# Columns of the ``layers`` table: the layer's fan-in and fan-out; where its
# weights and biases start in the flat vector; whether the weights are read
# transposed; whether its weight gradient adds to that of a layer visited before
# it by the backward pass (shared weights); and where its input and output slots
# start in the buffers, in units.
FAN_IN, FAN_OUT, COEF, TRANSPOSED, INTERCEPT, ACCUMULATE, INPUT, OUTPUT = range(8)
N_COLUMNS = 8


class Network:
    """The shapes and offsets of a network whose parameters are one flat vector.

    Parameters
    ----------
    units : sequence of int
        Width of each slot, from the input to the output.
    activation : str
        Activation of every layer but the last, a key of ``ACTIVATIONS``.
    output_activation : str
        Activation of the last layer.
    shared : sequence of int or None, default=None
        For each layer, None, or the index of an earlier layer whose weight
        matrix this one uses transposed (tied weights).

    Attributes
    ----------
    layers : ndarray of shape (n_layers, N_COLUMNS), int64
        The table the kernels read.
    activations : tuple of str
        The activation of each layer.
    n_coefs : int
        Number of weights: the L2-penalised prefix of the flat vector.
    n_params : int
        Length of the flat vector.
    """

    def __init__(self, units, activation, output_activation, shared=None):
        self.units = tuple(int(width) for width in units)
        n_layers = len(self.units) - 1
        if n_layers < 1:
            raise ValueError("A network needs at least one layer.")
        self.activation = activation
        self.output_activation = output_activation
        self.activations = (activation,) * (n_layers - 1) + (output_activation,)
        self.shared = tuple(shared) if shared is not None else (None,) * n_layers
        if len(self.shared) != n_layers:
            raise ValueError("Give one sharing entry per layer.")
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
            layers[layer] = (fan_in, fan_out, coef, transposed, 0, 0, offsets[layer],
                             offsets[layer + 1])
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

    @property
    def layout(self):
        """What a continued fit must keep: the widths and the shared weights."""
        return self.units, self.shared

    @property
    def description(self):
        """The widths of the slots, and whether weights are tied, for messages."""
        tied = any(owner is not None for owner in self.shared)
        return f"{self.units}{' with tied weights' if tied else ''}"

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
        fans = self.layers[:, [FAN_IN, FAN_OUT]]
        bounds = [np.sqrt(factor / (fan_in + fan_out)) for fan_in, fan_out in fans]
        return self._uniform_params(random_state, dtype, bounds)

    def fan_in_params(self, random_state, dtype):
        """PyTorch's default initialisation of ``nn.Linear``, in sklearn's order.

        Layer by layer, the weights (unless shared) then the biases are uniform in
        ``+-1 / sqrt(fan_in)``: PyTorch's ``kaiming_uniform_(a=sqrt(5))`` for the
        weights and the same bound for the biases. Draws are float64, then rounded.
        """
        bounds = [1.0 / np.sqrt(fan_in) for fan_in in self.layers[:, FAN_IN]]
        return self._uniform_params(random_state, dtype, bounds)

    def _uniform_params(self, random_state, dtype, bounds):
        """Weights (unless shared) then biases of each layer, uniform in
        ``+-bounds[layer]``: float64 draws, so that every dtype draws alike."""
        coefs, intercepts = [], []
        for (fan_in, fan_out), bound in zip(self.layers[:, [FAN_IN, FAN_OUT]], bounds):
            if self.shared[len(coefs)] is None:
                coefs.append(random_state.uniform(-bound, bound, (fan_in, fan_out)))
            else:
                coefs.append(None)
            intercepts.append(random_state.uniform(-bound, bound, fan_out))
        return self.pack(coefs, intercepts, dtype)

    def rows(self, buffer, index, n_rows, capacity):
        """The first ``n_rows`` rows of slot ``index`` of a buffer, as ``slot``
        gives them to kernels."""
        start = capacity * int(sum(self.units[:index]))
        width = self.units[index]
        return buffer[start:start + n_rows * width].reshape(n_rows, width)

    def buffer(self, capacity, dtype):
        """A buffer for ``capacity`` rows of every slot (activations or gradients)."""
        return np.empty(capacity * sum(self.units), dtype=dtype)

    def columns(self, dtype):
        """Scratch for per-unit sums: three rows as wide as the widest slot."""
        return np.empty((3, max(self.units)), dtype=dtype)


# -- views ------------------------------------------------------------------------------


@internal_kernel
def slot(buffer, layers, index, n_rows, capacity):
    """Rows of slot ``index`` (0 is the input, n_layers the output) of a buffer."""
    if index < layers.shape[0]:
        start, width = layers[index, INPUT], layers[index, FAN_IN]
    else:
        last = layers.shape[0] - 1
        start, width = layers[last, OUTPUT], layers[last, FAN_OUT]
    start *= capacity
    return buffer[start:start + n_rows * width].reshape((n_rows, width))


@internal_kernel
def coef(params, layers, layer):
    """The weights of a layer as stored: (fan_in, fan_out), or (fan_out, fan_in)
    when ``layers[layer, TRANSPOSED]``."""
    fan_in, fan_out = layers[layer, FAN_IN], layers[layer, FAN_OUT]
    stored = params[layers[layer, COEF]:layers[layer, COEF] + fan_in * fan_out]
    if layers[layer, TRANSPOSED]:
        return stored.reshape((fan_out, fan_in))
    return stored.reshape((fan_in, fan_out))


@internal_kernel
def intercept(params, layers, layer):
    """The biases of a layer."""
    start = layers[layer, INTERCEPT]
    return params[start:start + layers[layer, FAN_OUT]]


@internal_kernel
def n_network_params(layers):
    """Length of a network's flat parameter vector: its last bias ends it."""
    last = layers.shape[0] - 1
    return layers[last, INTERCEPT] + layers[last, FAN_OUT]
