"""Numba kernels of the DBNs: Gibbs sampling in a top RBM whose label units are
clamped, and an epoch of generative fine-tuning by the up-down algorithm. The top
RBM's training epoch is ``skgen.rbm._kernels.fit_epoch`` with a softmax group of
label units (``skgen.rbm._units``); the supervised fine-tuning of DBNClassifier
is the network floor's ``skgen.network._passes.supervised_epoch``."""

import numpy as np

from ..rbm._kernels import finish_hidden
from ..rbm._sampling import sample_rows
from ..rbm._units import sample
from ..utils._batches import gather_rows
from ..utils._blas import gemm, product_rows
from ..utils._numba import helper, kernel, sigmoid


@kernel
def clamped_gibbs_chains(visible, n_labels, weights, hidden_bias, visible_bias, streams,
                         n_steps, hidden, visible_input):
    """In place: ``n_steps`` Gibbs steps v -> h -> v of an RBM whose last
    ``n_labels`` visible units (the labels) keep their states.

    Only the other visible units, Bernoulli units, are sampled, so their chain
    is that of an RBM whose hidden biases include the labels' input. (Free
    labels are ``skgen.rbm._kernels.gibbs_chains`` with joined units.)
    ``hidden`` (n_chains, n_hidden) and ``visible_input`` (the shape of
    ``visible``) are scratch; ``hidden`` ends with the last hidden sample.
    """
    one = weights.dtype.type(1.0)
    n_free = visible.shape[1] - n_labels
    for _ in range(n_steps):
        gemm(one, visible, False, weights, True, 0 * one, hidden)
        sample_rows(hidden, hidden_bias, streams)
        gemm(one, hidden, False, weights, False, 0 * one, visible_input)
        sample_rows(visible_input[:, :n_free], visible_bias[:n_free], streams)
        for i in range(visible.shape[0]):
            for j in range(n_free):
                visible[i, j] = visible_input[i, j]


@kernel
def up_down_epoch(X, labels, order, batch_size, recognition_weights, recognition_biases,
                  generative_weights, generative_biases, top_weights, top_hidden_bias,
                  top_visible_bias, top_units, streams, n_gibbs_steps, learning_rate):
    """One pass of the up-down algorithm (Hinton, Osindero & Teh 2006) over the
    rows ``order`` of the dense X, in place on the weights.

    The L layers below the top RBM have untied weights: layer l infers layer
    l + 1 with ``recognition_weights[l]`` (n_{l+1}, n_l) and
    ``recognition_biases[l]``, and generates layer l from it with
    ``generative_weights[l]`` (same shape) and ``generative_biases[l]`` (n_l,).
    Layer 0 is X, and layer L, with the one-hot ``labels`` (0 columns: none)
    beside it, is the visible layer of the top RBM, whose units ``top_units``
    (a unit type of ``skgen.rbm._units`` over ``top_visible_bias``) are
    binary, or binary then a softmax group of labels. Per mini-batch, with step
    ``learning_rate / n_rows``:

    - wake: sample the layers bottom-up with the recognition weights, and move
      each generative layer along the gradient of log p(layer l | layer l + 1);
    - top: one CD-``n_gibbs_steps`` update of the top RBM from the wake states,
      its label units sampled as one softmax group;
    - sleep: sample the layers top-down from the CD chain's last visible state,
      with the updated generative weights, and move each recognition layer
      along the gradient of log q(layer l + 1 | layer l).

    Row i of a mini-batch draws from ``streams[i]``, in that order: the wake
    layers, the top chain's hidden then visible units at each step (its hidden
    units not after the last), and the sleep layers from the top.
    """
    one = top_weights.dtype.type(1.0)
    n_below = len(generative_weights)
    n_labels = labels.shape[1]
    n_top_hidden, n_top_visible = top_weights.shape
    n_pen = n_top_visible - n_labels
    dtype = top_weights.dtype
    # The states of layers 0 to L; sleep[l] is also scratch for the wake errors
    # of layer l, and wake[l + 1] for the sleep errors of layer l + 1.
    wake = [np.empty((batch_size, X.shape[1]), dtype=dtype)]
    sleep = [np.empty((batch_size, X.shape[1]), dtype=dtype)]
    for layer in range(n_below):
        n_units = generative_weights[layer].shape[0]
        wake.append(np.empty((batch_size, n_units), dtype=dtype))
        sleep.append(np.empty((batch_size, n_units), dtype=dtype))
    # The top RBM's positive rows followed by its negative ones, so that one GEMM
    # gives its weight update.
    visible_stack = np.empty((2 * batch_size, n_top_visible), dtype=dtype)
    hidden_stack = np.empty((2 * batch_size, n_top_hidden), dtype=dtype)
    hidden = np.empty((batch_size, n_top_hidden), dtype=dtype)
    hidden_sums = np.empty((2, n_top_hidden), dtype=dtype)
    # The products' output, Fortran-ordered (see product_rows).
    n_widest = max(X.shape[1], n_top_hidden, n_top_visible)
    for layer in range(n_below):
        n_widest = max(n_widest, generative_weights[layer].shape[0])
    scratch = np.empty((n_widest, batch_size), dtype=dtype).T
    no_chains = hidden[:0]
    no_data = X[:0]
    no_indices = order[:0]
    n_samples = order.shape[0]
    for start in range(0, n_samples, batch_size):
        n_rows = min(batch_size, n_samples - start)
        scale = learning_rate / dtype.type(n_rows)
        # Wake: bottom-up samples, then the generative weights.
        gather_rows(X, no_data.ravel(), no_indices, no_indices, order, start,
                    wake[0][:n_rows])
        for layer in range(n_below):
            states = wake[layer + 1][:n_rows]
            product_rows(wake[layer][:n_rows], False, recognition_weights[layer], True,
                         states, scratch)
            sample_rows(states, recognition_biases[layer], streams)
        for layer in range(n_below):
            _move_towards(wake[layer + 1][:n_rows], wake[layer][:n_rows],
                          generative_weights[layer], generative_biases[layer], scale,
                          sleep[layer][:n_rows], False, scratch)
        # The top RBM: CD-k from the wake states and the labels.
        top_input = visible_stack[:n_rows]
        chain = visible_stack[n_rows:2 * n_rows]
        positive_rows = hidden_stack[:n_rows]
        negative_rows = hidden_stack[n_rows:2 * n_rows]
        hidden_rows = hidden[:n_rows]
        for i in range(n_rows):
            row = order[start + i]
            for j in range(n_pen):
                top_input[i, j] = wake[n_below][i, j]
            for j in range(n_labels):
                top_input[i, n_pen + j] = labels[row, j]
        # The hidden rows become scale * P(h | v) and -scale * P(h | chain).
        product_rows(top_input, False, top_weights, True, positive_rows, scratch)
        finish_hidden(positive_rows, top_hidden_bias, scale, hidden_sums[0], hidden_rows,
                      streams, one)
        for step in range(n_gibbs_steps):
            product_rows(hidden_rows, False, top_weights, False, chain, scratch)
            sample(top_units, chain, streams)
            product_rows(chain, False, top_weights, True, negative_rows, scratch)
            finish_hidden(negative_rows, top_hidden_bias, -scale, hidden_sums[1],
                           hidden_rows if step < n_gibbs_steps - 1 else no_chains, streams,
                          one)
        for j in range(n_top_hidden):
            top_hidden_bias[j] += scale * (hidden_sums[0, j] - hidden_sums[1, j])
        for i in range(n_rows):
            for j in range(n_top_visible):
                top_visible_bias[j] += scale * (top_input[i, j] - chain[i, j])
        gemm(one, hidden_stack[:2 * n_rows], True, visible_stack[:2 * n_rows], False, one,
             top_weights)
        # Sleep: top-down samples, then the recognition weights.
        for i in range(n_rows):
            for j in range(n_pen):
                sleep[n_below][i, j] = chain[i, j]
        for layer in range(n_below - 1, -1, -1):
            states = sleep[layer][:n_rows]
            product_rows(sleep[layer + 1][:n_rows], False, generative_weights[layer],
                         False, states, scratch)
            sample_rows(states, generative_biases[layer], streams)
        for layer in range(n_below):
            _move_towards(sleep[layer][:n_rows], sleep[layer + 1][:n_rows],
                          recognition_weights[layer], recognition_biases[layer], scale,
                          wake[layer + 1][:n_rows], True, scratch)


@helper
def _move_towards(inputs, targets, weights, bias, scale, errors, transposed, scratch):
    """One step of the delta rule for the sigmoid layer that predicts ``targets``
    from ``inputs``: with ``p = sigmoid(inputs @ W + bias)``, or
    ``inputs @ W.T`` when ``transposed``, ``W += scale * inputs.T @ (targets - p)``
    (its transpose when ``transposed``) and ``bias += scale * sum(targets - p)``.
    ``errors`` is scratch in the shape of ``targets``, and ``scratch`` that of
    ``product_rows``."""
    one = weights.dtype.type(1.0)
    product_rows(inputs, False, weights, transposed, errors, scratch)
    n_rows, n_units = errors.shape
    for i in range(n_rows):
        for j in range(n_units):
            errors[i, j] = targets[i, j] - sigmoid(errors[i, j] + bias[j])
    if transposed:
        gemm(scale, errors, True, inputs, False, one, weights)
    else:
        gemm(scale, inputs, True, errors, False, one, weights)
    for i in range(n_rows):
        for j in range(n_units):
            bias[j] += scale * errors[i, j]
