"""Stacks of layers: their sizes and seeds, and greedy layer-wise fitting, shared
by the models pretrained with RBMs (DBN, DBNClassifier, DBM) and with
autoencoders."""

import numpy as np


def layer_sizes(hidden_layer_sizes):
    """``hidden_layer_sizes`` as a list of ints, or a ValueError."""
    sizes = np.atleast_1d(np.asarray(hidden_layer_sizes))
    if (
        sizes.ndim != 1
        or sizes.size == 0
        or sizes.dtype.kind not in "iuf"
        or np.any(sizes < 1)
        or np.any(sizes != np.round(sizes))
    ):
        raise ValueError(
            "hidden_layer_sizes must be a non-empty sequence of positive integers, "
            f"got {hidden_layer_sizes!r}."
        )
    return [int(size) for size in sizes]


def layer_seeds(rng, n_layers):
    """The ``random_state`` of each layer's estimator, drawn first from the
    model's stream."""
    return [int(seed) for seed in rng.randint(np.iinfo(np.int32).max, size=n_layers)]


def fit_greedily(stack, X, tasks=None, fitted=None, top_input=None):
    """Fit the unfitted estimators of ``stack`` bottom to top; return the fitted
    ones, and whether a callback stopped the stack.

    Layer 0 is fitted to X, and each layer above it to the ``transform`` of the
    layer below. ``top_input``, when given, maps the input of the top layer to
    what it is fitted to (the DBN's labels join it there).

    With callback ``tasks`` (:class:`skgen.utils._callbacks.Tasks`), each
    layer's fit is a task named "pretraining layer l", whose callbacks see
    ``fitted(layers)`` (the fitted attributes of the stack of the layers fitted
    so far, or None) and can stop the stack there.
    """
    layers = []
    data = X
    for layer, estimator in enumerate(stack):
        if layer == len(stack) - 1 and top_input is not None:
            data = top_input(data)
        layers.append(estimator)
        if tasks is None:
            estimator.fit(data)
        elif tasks.fit_estimator(f"pretraining layer {layer}", estimator, data,
                                 fitted and (lambda: fitted(layers))):
            return layers, True
        if layer < len(stack) - 1:
            data = estimator.transform(data)
    return layers, False
