"""Numba kernels of the RBM family: the phases of contrastive divergence and the
epoch that composes them, Gibbs sampling, free energy and pseudo-likelihood.

Conventions: ``W`` has shape (n_hidden, n_visible); hidden pre-activations are
``x @ W.T + hidden_bias`` and visible ones ``h @ W + visible_bias``. The visible
units are a unit type of ``_units`` (Bernoulli, Gaussian, a softmax group, or
two of them side by side), which the kernels use through its operations, so
that a kernel compiles only the code of the type it is given. Every random draw
comes from the stream of its row (``skgen.utils._random``), so results do not
depend on thread counts, and float32 and float64 models draw the same uniforms.
"""

import numpy as np
from numba import types
from numba.extending import overload

from ..utils._batches import gather_rows
from ..utils._blas import gemm, product_rows
from ..utils._numba import exp_float64, helper, kernel
from ..utils._random import advance, sample_probabilities, uniform
from ..utils._reductions import sum_in_lanes
from ._sampling import (  # noqa: F401 (sigmoid_rows and the samplers are used from here)
    _softplus,
    sample_normal_rows,
    sample_rows,
    sample_softmax_rows,
    sigmoid,
    sigmoid_rows,
)
from ._tempering import tempered_gibbs
from ._units import (
    _JIT_OPTIONS,
    column_sums,
    prepare,
    sample,
    scale_data,
    scale_rows,
    shift_bias,
    update,
    update_bias,
)


@kernel
def nonzero_columns(visible, indices, counts):
    """List the nonzero columns of each row: row r's are ``indices[r, :counts[r]]``.

    Returns the total number of nonzero entries. The compaction is branchless:
    every column is written, and the count only moves past nonzero ones.
    """
    total = 0
    for r in range(visible.shape[0]):
        count = 0
        for i in range(visible.shape[1]):
            indices[r, count] = i
            count += 1 if visible[r, i] != 0 else 0
        counts[r] = count
        total += count
    return total


@kernel
def sparse_hidden_input(visible, indices, counts, weights, out):
    """``out = visible @ weights.T``, reading only the listed nonzero entries.

    With Fortran-ordered weights, each entry adds one contiguous column of
    weights to its output row: ``counts[r] * n_hidden`` multiply-adds per row
    instead of ``n_visible * n_hidden``. Four entries go in per pass over the
    row, to quarter its loads and stores.
    """
    columns = weights.T  # C-ordered when the weights are Fortran-ordered
    n_hidden = weights.shape[0]
    for r in range(visible.shape[0]):
        row = out[r]
        row[:] = 0
        n_entries = counts[r]
        k = 0
        while k + 4 <= n_entries:
            i0, i1, i2, i3 = indices[r, k], indices[r, k + 1], indices[r, k + 2], indices[r, k + 3]
            v0, v1, v2, v3 = visible[r, i0], visible[r, i1], visible[r, i2], visible[r, i3]
            c0, c1, c2, c3 = columns[i0], columns[i1], columns[i2], columns[i3]
            for j in range(n_hidden):
                row[j] += v0 * c0[j] + v1 * c1[j] + v2 * c2[j] + v3 * c3[j]
            k += 4
        for rest in range(k, n_entries):
            i = indices[r, rest]
            value = visible[r, i]
            column = columns[i]
            for j in range(n_hidden):
                row[j] += value * column[j]


@kernel
def sparse_weight_update(visible, indices, counts, hidden, scale, weights):
    """``weights += scale * hidden.T @ visible``, over the listed nonzero entries.

    The entries are regrouped by column, so that each column of the weights is
    read and written once, taking four rows' contributions per pass.
    """
    n_rows, n_visible = visible.shape
    n_hidden = weights.shape[0]
    starts = np.zeros(n_visible + 1, dtype=np.int64)
    for r in range(n_rows):
        for k in range(counts[r]):
            starts[indices[r, k] + 1] += 1
    for i in range(n_visible):
        starts[i + 1] += starts[i]
    filled = starts[:-1].copy()
    rows = np.empty(starts[n_visible], dtype=np.int64)
    values = np.empty(starts[n_visible], dtype=weights.dtype)
    for r in range(n_rows):
        for k in range(counts[r]):
            i = indices[r, k]
            rows[filled[i]] = r
            values[filled[i]] = scale * visible[r, i]
            filled[i] += 1
    columns = weights.T
    for i in range(n_visible):
        column = columns[i]
        k = starts[i]
        end = starts[i + 1]
        while k + 4 <= end:
            h0, h1 = hidden[rows[k]], hidden[rows[k + 1]]
            h2, h3 = hidden[rows[k + 2]], hidden[rows[k + 3]]
            a0, a1, a2, a3 = values[k], values[k + 1], values[k + 2], values[k + 3]
            for j in range(n_hidden):
                column[j] += a0 * h0[j] + a1 * h1[j] + a2 * h2[j] + a3 * h3[j]
            k += 4
        for rest in range(k, end):
            value = values[rest]
            hidden_row = hidden[rows[rest]]
            for j in range(n_hidden):
                column[j] += value * hidden_row[j]


# -- phases -------------------------------------------------------------------------


@helper
def hidden_input(visible, weights, out, sparse, first_row, scratch):
    """``out = visible @ weights.T``; returns whether it read only nonzero entries.

    ``sparse`` is None (always one GEMM, by way of the Fortran-ordered
    ``scratch``, see ``product_rows``) or ``(density, indices, counts)``: then
    rows with at most ``density`` nonzero entries are multiplied sparsely,
    listing their nonzero columns in rows ``first_row`` on of ``indices`` and
    ``counts``.
    """
    if sparse is not None:
        density, indices, counts = sparse
        n_rows = visible.shape[0]
        rows_indices = indices[first_row:first_row + n_rows]
        rows_counts = counts[first_row:first_row + n_rows]
        n_nonzero = nonzero_columns(visible, rows_indices, rows_counts)
        if n_nonzero <= density * n_rows * visible.shape[1]:
            sparse_hidden_input(visible, rows_indices, rows_counts, weights, out)
            return True
    product_rows(visible, False, weights, True, out, scratch)
    return False


@kernel
def finish_hidden(hidden, bias, scale, sums, chains, streams, input_scale):
    """In place, over one phase's hidden inputs: ``p = sigmoid(input_scale *
    hidden + bias)``,
    ``sums`` = the column sums of p, new chain states ``chains = (u < p)`` (u from
    the stream of each row; skipped when ``chains`` has no rows), and finally
    ``hidden = scale * p``, the rows as the weight update takes them."""
    one = hidden.dtype.type(1.0)
    zero = hidden.dtype.type(0.0)
    sample_chains = chains.shape[0] > 0
    sums[:] = 0
    for i in range(hidden.shape[0]):
        row = hidden[i]
        if sample_chains:
            chain = chains[i]
            counter = streams[i]
            for j in range(row.shape[0]):
                p = sigmoid(input_scale * row[j] + bias[j])
                chain[j] = one if uniform(counter, j) < p else zero
                sums[j] += p
                row[j] = scale * p
            streams[i] = advance(counter, row.shape[0])
        else:
            for j in range(row.shape[0]):
                p = sigmoid(input_scale * row[j] + bias[j])
                sums[j] += p
                row[j] = scale * p


@kernel
def _decay_velocity(velocity, weights, momentum, decay_rate):
    """In place: ``velocity = momentum * velocity - decay_rate * weights``, in
    the arrays' memory order (the weights are Fortran-ordered: a loop in C order
    over them is dozens of times slower)."""
    if velocity.flags.f_contiguous:
        for j in range(velocity.shape[1]):
            for i in range(velocity.shape[0]):
                velocity[i, j] = momentum * velocity[i, j] - decay_rate * weights[i, j]
    else:
        for i in range(velocity.shape[0]):
            for j in range(velocity.shape[1]):
                velocity[i, j] = momentum * velocity[i, j] - decay_rate * weights[i, j]


@kernel
def _add_into(a, b):
    """In place: ``a += b``, in the arrays' memory order."""
    if a.flags.f_contiguous:
        for j in range(a.shape[1]):
            for i in range(a.shape[0]):
                a[i, j] += b[i, j]
    else:
        for i in range(a.shape[0]):
            for j in range(a.shape[1]):
                a[i, j] += b[i, j]


@kernel
def update_weights(weights, velocity, hidden, visible, learning_rate, momentum,
                   weight_decay, sparse, nonzero_only):
    """One step of the weights along ``hidden.T @ visible`` with momentum and
    weight decay.

    The rows of ``hidden`` carry their phase's scale (``1 / n`` for positive
    rows, ``-1 / n`` for negative ones), so the product is the difference of the
    phases' mean statistics, accumulated straight into the weights (or their
    velocity) by BLAS. Without momentum the velocity is not kept. ``sparse``
    is None, or ``(density, indices, counts)``; with ``nonzero_only`` its
    indices list the nonzero columns of every row of ``visible`` (see
    ``hidden_input``), and the update reads only those entries (not with
    momentum).
    """
    one = weights.dtype.type(1.0)
    decay = one - learning_rate * weight_decay
    if sparse is not None and nonzero_only and momentum == 0:
        _, indices, counts = sparse
        if weight_decay != 0:
            scale_rows(weights, decay)
        sparse_weight_update(visible, indices, counts, hidden, learning_rate, weights)
    elif momentum == 0:
        gemm(learning_rate, hidden, True, visible, False, decay, weights)
    else:
        velocity_step(weights, velocity, hidden, visible, learning_rate, momentum,
                      weight_decay, None, False)
        _add_into(weights, velocity)


@helper
def velocity_step(weights, velocity, hidden, visible, learning_rate, momentum,
                  weight_decay, sparse, nonzero_only):
    """In place: ``velocity = momentum * velocity - learning_rate * weight_decay *
    weights + learning_rate * hidden.T @ visible``, the product reading only the
    nonzero entries of ``visible`` with ``nonzero_only`` (see ``update_weights``)."""
    one = weights.dtype.type(1.0)
    keep = momentum
    if weight_decay != 0:
        _decay_velocity(velocity, weights, momentum, learning_rate * weight_decay)
        keep = one
    if sparse is not None and nonzero_only:
        _, indices, counts = sparse
        if keep != one:
            scale_rows(velocity, keep)
        sparse_weight_update(visible, indices, counts, hidden, learning_rate, velocity)
    else:
        gemm(learning_rate, hidden, True, visible, False, keep, velocity)


@kernel
def _slide_offset(sums, n_positive, n_negative, offset, rate):
    """In place, from the column ``sums`` of both phases' rows: the offset moves
    by ``rate`` towards the positive phase's mean, and ``sums[0]`` becomes the
    difference of the phases' means."""
    for j in range(offset.shape[0]):
        positive = sums[0, j] / n_positive
        offset[j] += rate * (positive - offset[j])
        sums[0, j] = positive - sums[1, j] / n_negative


@kernel
def _centered_weight_step(weights, velocity, hidden_step, visible_step, hidden_offset,
                          visible_offset, learning_rate, hidden_shift, visible_shift):
    """In place, over every weight once: the ordinary step in ``velocity`` becomes
    the centered one, ``velocity -= learning_rate * (outer(hidden_step,
    visible_offset) + outer(hidden_offset, visible_step))``, the weights take it,
    and ``hidden_shift = velocity @ visible_offset``, ``visible_shift =
    hidden_offset @ velocity``. Column by column, contiguous for
    Fortran-ordered weights."""
    n_hidden, n_visible = weights.shape
    columns = weights.T
    velocity_columns = velocity.T
    for j in range(n_hidden):
        hidden_shift[j] = 0
    for i in range(n_visible):
        column = columns[i]
        velocity_column = velocity_columns[i]
        offset = visible_offset[i]
        change = learning_rate * visible_step[i]
        scaled_offset = learning_rate * offset
        for j in range(n_hidden):
            step = velocity_column[j] - (hidden_step[j] * scaled_offset
                                         + hidden_offset[j] * change)
            velocity_column[j] = step
            column[j] += step
            hidden_shift[j] += step * offset
        # In lanes: a running sum in the loop above would keep it from vectorising.
        visible_shift[i] = sum_in_lanes(velocity_column, hidden_offset)


@kernel
def _decay_and_correct(weights, decay, hidden_step, visible_step, hidden_offset,
                       visible_offset, learning_rate, old_hidden, old_visible):
    """In place, column by column: ``weights = decay * weights - learning_rate *
    (outer(hidden_step, visible_offset) + outer(hidden_offset, visible_step))``,
    the part of the centered step that is not the ordinary product. With
    ``decay`` below 1 it also sets ``old_hidden = weights @ visible_offset`` and
    ``old_visible = hidden_offset @ weights`` of the weights on entry."""
    n_hidden, n_visible = weights.shape
    columns = weights.T
    track = decay != 1
    if track:
        for j in range(n_hidden):
            old_hidden[j] = 0
    for i in range(n_visible):
        column = columns[i]
        offset = visible_offset[i]
        scaled_offset = learning_rate * offset
        change = learning_rate * visible_step[i]
        if track:
            old_visible[i] = sum_in_lanes(column, hidden_offset)
            for j in range(n_hidden):
                old_hidden[j] += column[j] * offset
        for j in range(n_hidden):
            column[j] = decay * column[j] - (hidden_step[j] * scaled_offset
                                             + hidden_offset[j] * change)


@kernel
def _centered_step_in_place(weights, hidden, visible, learning_rate, weight_decay, sparse,
                            nonzero_only, hidden_offset, visible_offset, hidden_sums,
                            visible_sums):
    """The centered weight step without momentum, taken by the weights directly:
    one pass over them for the decay and the low-rank correction
    (``_decay_and_correct``), then the ordinary product as ``update_weights``
    adds it (dense, or over the nonzero entries). ``hidden_sums[0]`` and
    ``visible_sums[0]`` hold the phases' differences of means on entry; the
    step's ``dW @ visible_offset`` and ``hidden_offset @ dW`` are left in
    ``hidden_sums[1]`` and ``visible_sums[1]``, from the low-rank structure of
    dW rather than another pass over the weights:
    ``dW = (decay - 1) W + learning_rate * (hidden.T @ visible - outer(dh, mu) -
    outer(lambda, dx))``."""
    one = weights.dtype.type(1.0)
    decay = one - learning_rate * weight_decay
    hidden_step, visible_step = hidden_sums[0], visible_sums[0]
    hidden_shift, visible_shift = hidden_sums[1], visible_sums[1]
    _decay_and_correct(weights, decay, hidden_step, visible_step, hidden_offset,
                       visible_offset, learning_rate, hidden_shift, visible_shift)
    if sparse is not None and nonzero_only:
        _, indices, counts = sparse
        sparse_weight_update(visible, indices, counts, hidden, learning_rate, weights)
    else:
        gemm(learning_rate, hidden, True, visible, False, one, weights)
    # The shifts: first the decay's part (the weights on entry times decay - 1).
    kept = decay - one
    if decay == one:
        hidden_shift[:] = 0
        visible_shift[:] = 0
    else:
        for j in range(hidden_shift.shape[0]):
            hidden_shift[j] *= kept
        for i in range(visible_shift.shape[0]):
            visible_shift[i] *= kept
    # The product's: hidden.T @ (visible @ mu) and (hidden @ lambda) @ visible.
    for r in range(visible.shape[0]):
        along_visible = learning_rate * sum_in_lanes(visible[r], visible_offset)
        along_hidden = learning_rate * sum_in_lanes(hidden[r], hidden_offset)
        for j in range(hidden_shift.shape[0]):
            hidden_shift[j] += along_visible * hidden[r, j]
        for i in range(visible_shift.shape[0]):
            visible_shift[i] += along_hidden * visible[r, i]
    # The low-rank correction's.
    mu_mu = sum_in_lanes(visible_offset, visible_offset)
    dx_mu = sum_in_lanes(visible_step, visible_offset)
    lambda_dh = sum_in_lanes(hidden_offset, hidden_step)
    lambda_lambda = sum_in_lanes(hidden_offset, hidden_offset)
    for j in range(hidden_shift.shape[0]):
        hidden_shift[j] -= learning_rate * (hidden_step[j] * mu_mu
                                            + hidden_offset[j] * dx_mu)
    for i in range(visible_shift.shape[0]):
        visible_shift[i] -= learning_rate * (visible_offset[i] * lambda_dh
                                             + visible_step[i] * lambda_lambda)


def weight_step(weights, velocity, hidden_bias, units, hidden, visible, n_positive,
                training, sparse, nonzero_only, centering, sums):
    """The weights' step of one mini-batch, from the stacked rows of both phases.

    ``hidden`` and ``visible`` are those rows (the first ``n_positive``
    positive, hidden rows scaled as ``update_weights`` takes them),
    ``training`` is ``(learning_rate, momentum, weight_decay)``, ``sparse`` and
    ``nonzero_only`` as for ``update_weights``, and ``sums`` is
    ``(hidden_sums, visible_sums)``: the column sums of both phases' P(h|x) on
    entry, and scratch.

    The step is chosen by the arguments' types, so that a kernel compiles only
    the step it takes: the ordinary one when ``centering`` is None, else the
    centered one (``_centered_plain_step``); with momentum when ``velocity`` is an
    array, without when it is None (momentum 0: the velocity is not kept).
    """
    raise NotImplementedError("only callable from Numba-compiled code")


def _plain_step(weights, velocity, hidden_bias, units, hidden, visible, n_positive,
                training, sparse, nonzero_only, centering, sums):
    learning_rate, _, weight_decay = training
    decay = weights.dtype.type(1.0) - learning_rate * weight_decay
    if sparse is not None and nonzero_only:
        _, indices, counts = sparse
        if weight_decay != 0:
            scale_rows(weights, decay)
        sparse_weight_update(visible, indices, counts, hidden, learning_rate, weights)
    else:
        gemm(learning_rate, hidden, True, visible, False, decay, weights)


def _momentum_step(weights, velocity, hidden_bias, units, hidden, visible, n_positive,
                   training, sparse, nonzero_only, centering, sums):
    learning_rate, momentum, weight_decay = training
    velocity_step(weights, velocity, hidden, visible, learning_rate, momentum,
                  weight_decay, None, False)
    _add_into(weights, velocity)


@helper
def _slide_offsets(visible, n_positive, offsets, rate, sums):
    """Both phases' column sums of ``visible`` into the rows of ``visible_sums``
    (``sums[1]``), then both offsets' slide (``_slide_offset``)."""
    visible_offset, hidden_offset = offsets
    hidden_sums, visible_sums = sums
    n_negative = visible.shape[0] - n_positive
    column_sums(visible[:n_positive], visible_sums[0])
    column_sums(visible[n_positive:], visible_sums[1])
    _slide_offset(hidden_sums, n_positive, n_negative, hidden_offset, rate)
    _slide_offset(visible_sums, n_positive, n_negative, visible_offset, rate)


@helper
def _shift_biases(hidden_bias, units, sums):
    """The ordinary biases minus the centered step's shifts, left in
    ``hidden_sums[1]`` and ``visible_sums[1]``."""
    hidden_sums, visible_sums = sums
    for j in range(hidden_bias.shape[0]):
        hidden_bias[j] -= hidden_sums[1, j]
    shift_bias(units, visible_sums[1])


def _centered_plain_step(weights, velocity, hidden_bias, units, hidden, visible,
                         n_positive, training, sparse, nonzero_only, centering, sums):
    """The centered step of Melchior, Fischer & Wiskott (2016), here without
    momentum (with it: ``_centered_momentum_step``), applied to the ordinary
    parameters after the biases' own steps.

    With offsets mu (visible, in the units' working scale) and lambda
    (hidden), the centered energy ``-(x - mu) W' (h - lambda) - b'(x - mu) -
    c'(h - lambda)`` is the ordinary one with biases ``b - lambda @ W`` and
    ``c - W @ mu``. Its gradient in W is the ordinary one minus
    ``outer(dh, mu) + outer(lambda, dx)``, with dh and dx the differences of the
    phases' means of h and x; in b and c it is the ordinary one, which the
    biases have already taken, with their momentum. So the ordinary biases
    finally move by ``-lambda @ dW`` and ``-dW @ mu``, dW being the weights'
    step. The offsets themselves slide first, by ``offset_rate`` towards this
    mini-batch's data means of x and P(h|x) (the paper's recommended variant);
    moving them changes the centered parameters, not the ordinary ones.
    ``centering`` is ``(visible_offset, hidden_offset, offset_rate)``, the
    offsets updated in place. Momentum and weight decay act on the centered
    parameters: the velocity is the centered step of W.
    """
    learning_rate, _, weight_decay = training
    visible_offset, hidden_offset, offset_rate = centering
    _slide_offsets(visible, n_positive, (visible_offset, hidden_offset), offset_rate,
                   sums)
    hidden_sums, visible_sums = sums
    _centered_step_in_place(weights, hidden, visible, learning_rate, weight_decay,
                            sparse, nonzero_only, hidden_offset, visible_offset,
                            hidden_sums, visible_sums)
    _shift_biases(hidden_bias, units, sums)


def _centered_momentum_step(weights, velocity, hidden_bias, units, hidden, visible,
                            n_positive, training, sparse, nonzero_only, centering, sums):
    learning_rate, momentum, weight_decay = training
    visible_offset, hidden_offset, offset_rate = centering
    _slide_offsets(visible, n_positive, (visible_offset, hidden_offset), offset_rate,
                   sums)
    hidden_sums, visible_sums = sums
    velocity_step(weights, velocity, hidden, visible, learning_rate, momentum,
                  weight_decay, sparse, nonzero_only)
    _centered_weight_step(weights, velocity, hidden_sums[0], visible_sums[0],
                          hidden_offset, visible_offset, learning_rate,
                          hidden_sums[1], visible_sums[1])
    _shift_biases(hidden_bias, units, sums)


@overload(weight_step, jit_options=_JIT_OPTIONS, strict=False)
def _weight_step(weights, velocity, hidden_bias, units, hidden, visible, n_positive,
                 training, sparse, nonzero_only, centering, sums):
    """``weight_step`` by the types of ``velocity`` and ``centering``."""
    without_momentum = isinstance(velocity, types.NoneType)
    if isinstance(centering, types.NoneType):
        return _plain_step if without_momentum else _momentum_step
    return _centered_plain_step if without_momentum else _centered_momentum_step


#: Factors in [1/2, 1] multiplied before one logarithm: 2**-512 is normal in float64.
_PRODUCT_LENGTH = 512


@kernel
def label_likelihood_step(visible, n_labels, weights, hidden_bias, visible_bias, step,
                          hidden_input, row_gradients, label_gradients, scores,
                          sigmoids):
    """In place: one step of gradient ascent, of size ``step``, on
    ``sum_i log p(y_i | x_i)`` of an RBM whose rows ``visible`` are ``[x_i, e_y_i]``
    (the discriminative term of Larochelle & Bengio's hybrid RBM).

    ``p(y | x) = softmax_y(b_y + sum_j softplus(o_yj))``, with
    ``o_yj = c_j + W_j.x + U_jy`` and U the label units' weights. The gradient
    is ``(1[y = k] - p(k | x)) sigmoid(o_kj)`` summed over k for ``c_j`` and, times
    x, for ``W_j``; the k-th term for ``U_jk``; and ``1[y = k] - p(k | x)`` for
    ``b_k``. ``hidden_input`` and ``row_gradients`` (n_rows, n_hidden),
    ``label_gradients`` (n_hidden, n_labels), ``scores`` (2, n_labels) and
    ``sigmoids`` (n_labels, n_hidden) are scratch; the scores, and the sigmoids
    that share one exponential with their softplus, are computed in float64.
    """
    n_rows, n_visible = visible.shape
    n_hidden = weights.shape[0]
    n_free = n_visible - n_labels
    one = weights.dtype.type(1.0)
    gemm(one, visible, False, weights, True, 0 * one, hidden_input)
    label_gradients[:] = 0
    bias_gradients = scores[1]
    bias_gradients[:] = 0
    scores = scores[0]
    for i in range(n_rows):
        label = n_labels - 1
        for k in range(n_labels):
            if visible[i, n_free + k] > visible[i, n_free + label]:
                label = k
        # c + W.x, without the row's own label weights.
        free_input = hidden_input[i]
        for j in range(n_hidden):
            free_input[j] += hidden_bias[j] - weights[j, n_free + label]
        largest = -np.inf
        for k in range(n_labels):
            # softplus(o) = max(o, 0) + log(1 + t) and sigmoid(o) share
            # t = exp(-|o|). The sigmoids come first, in a loop without a
            # reduction that LLVM vectorises (exp_float64); then
            # log(1 + t) = -log(max(s, 1 - s)), with the factors max(s, 1 - s), in
            # [1/2, 1], multiplied and their logarithm taken once per
            # _PRODUCT_LENGTH units, so that the product stays normal.
            row_sigmoids = sigmoids[k]
            for j in range(n_hidden):
                activation = np.float64(free_input[j] + weights[j, n_free + k])
                tail = exp_float64(-abs(activation))
                inverse = 1.0 / (1.0 + tail)
                row_sigmoids[j] = inverse if activation >= 0 else tail * inverse
            score = np.float64(visible_bias[n_free + k])
            product = 1.0
            for j in range(n_hidden):
                score += max(np.float64(free_input[j] + weights[j, n_free + k]), 0.0)
                product *= max(row_sigmoids[j], 1.0 - row_sigmoids[j])
                if (j + 1) % _PRODUCT_LENGTH == 0:
                    score -= np.log(product)
                    product = 1.0
            scores[k] = score - np.log(product)
            largest = max(largest, scores[k])
        total = 0.0
        for k in range(n_labels):
            scores[k] = np.exp(scores[k] - largest)
            total += scores[k]
        gradient = row_gradients[i]
        gradient[:] = 0
        for k in range(n_labels):
            coefficient = (1.0 if k == label else 0.0) - scores[k] / total
            bias_gradients[k] += coefficient
            row_sigmoids = sigmoids[k]
            for j in range(n_hidden):
                term = coefficient * row_sigmoids[j]
                gradient[j] += term
                label_gradients[j, k] += term
        # The product below adds gradient[j] to the row's own label weight.
        for j in range(n_hidden):
            label_gradients[j, label] -= gradient[j]
    for i in range(n_rows):
        for j in range(n_hidden):
            hidden_bias[j] += step * row_gradients[i, j]
    gemm(step, row_gradients, True, visible, False, one, weights)
    for j in range(n_hidden):
        for k in range(n_labels):
            weights[j, n_free + k] += step * label_gradients[j, k]
    for k in range(n_labels):
        visible_bias[n_free + k] += step * bias_gradients[k]


@kernel
def fit_epoch(X, order, batch_size, weights, hidden_bias, units, velocities, chains,
              streams, training, sparse, discriminative, centering, scratch, tempering):
    """One pass of CD-k or PCD-k over the rows ``order`` of X.

    ``X`` is ``(dense, data, indices, indptr)``: the dense rows, or, when
    ``dense`` has none, a CSR matrix. ``units`` are the visible units (a unit
    type of ``_units``, updated in place with the weights), ``velocities`` the
    weights' (None without momentum) and the hidden biases', ``chains`` the
    hidden states of the persistent chains, one stream each, and ``training``
    is ``(learning_rate, momentum, weight_decay, n_gibbs_steps, persistent,
    hidden_input_scale, visible_input_scale)``, the scalars in the dtype of the
    weights. The input scales multiply the input of the hidden and the visible
    units in their conditionals (1 for an RBM; a Deep Boltzmann Machine's
    pretraining doubles one of them, see ``skgen.dbm``); the updates are the
    usual ones.

    For each mini-batch of ``batch_size`` rows: the positive phase uses the data
    and P(h|v); the negative phase runs ``n_gibbs_steps`` Gibbs steps from the
    persistent chains (PCD, as sklearn) or from h sampled given the batch (CD),
    and uses the sampled visible states with P(h|v_neg). The weights then take
    one step from both phases' statistics (``weight_step``), and the units
    one step of their own (``_units.update``).

    ``sparse`` is None or ``(density, indices, counts)`` with (2 * batch_size,
    n_visible) and (2 * batch_size,) int64 scratch: products with visible rows
    of at most ``density`` nonzero entries then read only those entries, and so
    does the weight update when both phases were sparse and there is no
    momentum. This pays for binary visible units, whose states are mostly 0,
    with Fortran-ordered weights, whose columns are then contiguous.

    ``discriminative`` is None, or ``(weight, visible_bias, n_labels, *scratch)``
    for units whose last ``n_labels`` form a softmax group: each mini-batch then
    also takes a step of ``learning_rate * weight / n_rows`` along the gradient
    of its rows' ``log p(y | x)`` (``label_likelihood_step``), the hybrid
    training of Larochelle & Bengio (2008).

    ``centering`` is None, or ``(visible_offset, hidden_offset, offset_rate)``:
    the weights then take the step of centered training instead
    (``weight_step``), and the offsets slide towards each mini-batch's
    data means.

    ``scratch`` is ``(visible_stack, hidden_stack, hidden_sums, visible_sums)``:
    (2 * batch_size, n_visible) and (2 * batch_size, n_hidden) for the positive
    rows followed by the negative ones, and two rows each for column sums.
    Nothing is allocated per mini-batch but one row of Gaussian noise.

    ``tempering`` is None, or the ladder of ``_tempering.tempered_gibbs`` (with
    PCD only): the negative phase then runs ``n_gibbs_steps`` steps of
    parallel tempering instead of the chains' Gibbs steps, and uses the
    visible states of the chains at inverse temperature 1.
    """
    dense, data, indices, indptr = X
    (learning_rate, momentum, weight_decay, n_gibbs_steps, persistent, hidden_scale,
     visible_scale) = training
    weights_velocity, hidden_velocity = velocities
    visible_stack, hidden_stack, hidden_sums, visible_sums = scratch
    n_samples = order.shape[0]
    one = weights.dtype.type(1.0)
    no_chains = chains[:0]
    # The products' output, Fortran-ordered (see product_rows).
    products = np.empty((max(weights.shape[0], weights.shape[1]), visible_stack.shape[0]),
                        dtype=weights.dtype).T
    for start in range(0, n_samples, batch_size):
        n_positive = min(batch_size, n_samples - start)
        n_negative = chains.shape[0] if persistent else n_positive
        n_stacked = n_positive + n_negative
        # Scales of the rows, so that one GEMM gives the weight gradient
        # mean(h_pos v_pos) - mean(h_neg v_neg).
        positive_scale = one / n_positive
        negative_scale = -one / n_negative
        visible_positive = visible_stack[:n_positive]
        hidden_positive = hidden_stack[:n_positive]
        visible_negative = visible_stack[n_positive:n_stacked]
        hidden_negative = hidden_stack[n_positive:n_stacked]
        batch_chains = chains[:n_negative]
        gather_rows(dense, data, indices, indptr, order, start, visible_positive)
        prepare(units)
        scale_data(units, visible_positive)

        if persistent:
            # The chains do not depend on the batch, so both phases' hidden
            # probabilities come from one GEMM over the stacked visible rows.
            if tempering is not None:
                tempered_gibbs(tempering, weights, hidden_bias, units, batch_chains,
                               streams, n_gibbs_steps, visible_negative)
            else:
                for step in range(n_gibbs_steps):
                    product_rows(batch_chains, False, weights, False, visible_negative,
                                 products)
                    if visible_scale != one:
                        scale_rows(visible_negative, visible_scale)
                    sample(units, visible_negative, streams)
                    if step < n_gibbs_steps - 1:
                        product_rows(visible_negative, False, weights, True,
                                     hidden_negative, products)
                        if hidden_scale != one:
                            scale_rows(hidden_negative, hidden_scale)
                        sigmoid_rows(hidden_negative, hidden_bias)
                        sample_probabilities(hidden_negative, batch_chains, streams)
            went_sparse = hidden_input(visible_stack[:n_stacked], weights,
                                       hidden_stack[:n_stacked], sparse, 0, products)
            finish_hidden(hidden_positive, hidden_bias, positive_scale, hidden_sums[0],
                          no_chains, streams, hidden_scale)
            finish_hidden(hidden_negative, hidden_bias, negative_scale, hidden_sums[1],
                          batch_chains, streams, hidden_scale)
        else:
            went_sparse = hidden_input(visible_positive, weights, hidden_positive, sparse,
                                       0, products)
            finish_hidden(hidden_positive, hidden_bias, positive_scale, hidden_sums[0],
                          batch_chains, streams, hidden_scale)
            negative_sparse = False
            for step in range(n_gibbs_steps):
                product_rows(batch_chains, False, weights, False, visible_negative,
                             products)
                if visible_scale != one:
                    scale_rows(visible_negative, visible_scale)
                sample(units, visible_negative, streams)
                negative_sparse = hidden_input(visible_negative, weights, hidden_negative,
                                               sparse, n_positive, products)
                if step < n_gibbs_steps - 1:
                    if hidden_scale != one:
                        scale_rows(hidden_negative, hidden_scale)
                    sigmoid_rows(hidden_negative, hidden_bias)
                    sample_probabilities(hidden_negative, batch_chains, streams)
            finish_hidden(hidden_negative, hidden_bias, negative_scale, hidden_sums[1],
                          no_chains, streams, hidden_scale)
            went_sparse = went_sparse and negative_sparse

        update_bias(hidden_bias, hidden_velocity, hidden_sums[0], hidden_sums[1],
                    n_positive, n_negative, learning_rate, momentum)
        hidden_rows = hidden_stack[:n_stacked]
        visible_rows = visible_stack[:n_stacked]
        update(units, visible_rows, hidden_rows, n_positive, positive_scale,
               negative_scale, weights, learning_rate, momentum, visible_sums, products)
        weight_step(weights, weights_velocity, hidden_bias, units, hidden_rows,
                    visible_rows, n_positive, (learning_rate, momentum, weight_decay),
                    sparse, went_sparse, centering, (hidden_sums, visible_sums))
        if discriminative is not None:
            (weight, visible_bias, n_labels, hidden_scratch, row_gradients,
             label_gradients, scores, sigmoids) = discriminative
            label_likelihood_step(
                visible_positive, n_labels, weights, hidden_bias, visible_bias,
                learning_rate * weight / n_positive, hidden_scratch[:n_positive],
                row_gradients[:n_positive], label_gradients, scores, sigmoids,
            )


@kernel
def gibbs_chains(visible, weights, hidden_bias, units, streams, n_steps, hidden):
    """In place: run ``n_steps`` Gibbs steps v -> h -> v from ``visible``.

    Every step samples both layers; ``hidden`` is scratch of shape
    (n_chains, n_hidden) and ends with the last hidden sample. ``visible`` is in
    the units' working scale (for Gaussian units x = v / sigma).
    """
    one = weights.dtype.type(1.0)
    prepare(units)
    for _ in range(n_steps):
        gemm(one, visible, False, weights, True, 0 * one, hidden)
        sample_rows(hidden, hidden_bias, streams)
        gemm(one, hidden, False, weights, False, 0 * one, visible)
        sample(units, visible, streams)


@kernel
def free_energy_from_hidden_input(hidden_input, visible_term):
    """F(v) = -visible_term - sum_j softplus(hidden_input_j), per row, summed in float64.

    ``hidden_input`` is ``v @ W.T + hidden_bias`` and ``visible_term`` the
    visible units' own contribution (``v @ visible_bias`` for Bernoulli units).
    """
    n_rows, n_cols = hidden_input.shape
    out = np.empty(n_rows)
    for i in range(n_rows):
        total = 0.0
        for j in range(n_cols):
            total += _softplus(hidden_input[i, j])
        out[i] = -visible_term[i] - total
    return out


@kernel
def pseudo_likelihood_from_hidden_input(hidden_input, weights, visible_bias, flipped,
                                        flipped_values):
    """sklearn's pseudo-likelihood: flip one unit per row, compare free energies.

    Row i flips unit ``flipped[i]``, whose value is ``flipped_values[i]``, to
    ``1 - value``. The flipped row's hidden input differs by a rank-one term, so
    no second product with X is needed. Returns
    ``n_visible * log sigmoid(F(v_flipped) - F(v))`` per row, in float64.
    """
    n_rows, n_hidden = hidden_input.shape
    n_visible = weights.shape[1]
    out = np.empty(n_rows)
    for i in range(n_rows):
        k = flipped[i]
        delta = 1.0 - 2.0 * flipped_values[i]
        # F(v') - F(v) = -delta * b_k - sum_j [softplus(a'_j) - softplus(a_j)]
        difference = -delta * visible_bias[k]
        for j in range(n_hidden):
            before = np.float64(hidden_input[i, j])
            after = before + delta * weights[j, k]
            difference -= _softplus(after) - _softplus(before)
        out[i] = -n_visible * _softplus(-difference)
    return out
