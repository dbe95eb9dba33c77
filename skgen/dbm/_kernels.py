"""Numba kernels of the Deep Boltzmann Machine: mean-field inference, Gibbs
sampling over alternating layers, and the training pass that composes them.

Layers are numbered from the visible one (0) up to the top (L). ``weights`` is a
tuple of the L C-ordered matrices (a matrix of one row or column is also
Fortran-ordered, and a tuple must have one layout), ``weights[l]`` of shape
(n_units[l + 1], n_units[l]) between layers l and l + 1, and ``biases`` a tuple
of the L hidden layers' biases (``biases[l - 1]`` for layer l), in the standard
form of the energy (centered training changes only the direction of the
steps). The visible units are a unit type of ``skgen.rbm._units``. The rows of
the layers are a tuple as well, ``layers[l]`` of shape (n_rows, n_units[l]),
C-ordered; ``layers[0]`` holds the visible rows in the units' working scale.

The input of hidden layer l is ``layers[l - 1] @ weights[l - 1].T +
layers[l + 1] @ weights[l] + biases[l - 1]`` (no second term at the top): its
units are independent given both neighbours, so the odd layers are
independent given the even ones, and the other way round. Every random draw
comes from the stream of its row (``skgen.utils._random``).
"""

import numpy as np

from ..rbm._kernels import _add_into, update_weights, velocity_step
from ..rbm._sampling import sample_rows
from ..rbm._units import (
    prepare,
    sample,
    scale_data,
    shift_bias,
    update,
    update_bias,
)
from ..utils._batches import gather_rows
from ..utils._blas import gemm
from ..utils._numba import helper, kernel, sigmoid


@helper
def layer_input(layers, weights, layer, first, n_rows, out):
    """``out[:n_rows]`` = the input from both neighbours of hidden ``layer`` (its
    bias apart) for rows ``first`` to ``first + n_rows`` of ``layers``."""
    one = out.dtype.type(1.0)
    rows = out[:n_rows]
    below = layers[layer - 1][first:first + n_rows]
    gemm(one, below, False, weights[layer - 1], True, 0 * one, rows)
    if layer < len(weights):
        above = layers[layer + 1][first:first + n_rows]
        gemm(one, above, False, weights[layer], False, one, rows)


@kernel
def _settle(rows, bias, means):
    """In place: ``means = sigmoid(rows + bias)``; returns the largest change.

    The largest change is kept per column and reduced at the end: a running
    maximum over a whole row would chain every comparison to the one before
    and keep the loop from vectorising.
    """
    largest = np.zeros(rows.shape[1], dtype=rows.dtype)
    for i in range(rows.shape[0]):
        row = rows[i]
        mean = means[i]
        for j in range(row.shape[0]):
            value = sigmoid(row[j] + bias[j])
            change = abs(value - mean[j])
            largest[j] = change if change > largest[j] else largest[j]
            mean[j] = value
    result = 0.0
    for j in range(largest.shape[0]):
        result = max(result, np.float64(largest[j]))
    return result


@kernel
def _up_pass(rows, bias, factor, means):
    """In place: ``means = sigmoid(factor * rows + bias)``."""
    for i in range(rows.shape[0]):
        for j in range(rows.shape[1]):
            means[i, j] = sigmoid(factor * rows[i, j] + bias[j])


@helper
def mean_field(layers, weights, biases, first, n_rows, max_iter, tol, inputs, bottom):
    """Mean-field posteriors Q(h | v) of rows ``first`` to ``first + n_rows``, in
    place in ``layers[1:]``, given the visible rows in ``layers[0]``.

    They start from a bottom-up pass with doubled weights below the top layer
    (each such layer then has input from the layer above as well, Salakhutdinov
    & Hinton 2009), then sweep: all odd layers given the even ones, then the
    even ones given the odd ones, each an exact coordinate ascent step of the
    variational bound. They stop after ``max_iter`` sweeps or when no mean moved
    by more than ``tol``. ``inputs`` is a tuple of scratch rows, one per layer,
    and ``bottom`` (n_rows, n_units[1]) scratch for the first hidden layer's
    input from the data, which the sweeps share. Returns the number of sweeps.
    """
    n_layers = len(weights)
    one = inputs[0].dtype.type(1.0)
    data_input = bottom[:n_rows]
    gemm(one, layers[0][first:first + n_rows], False, weights[0], True, 0 * one,
         data_input)
    for layer in range(1, n_layers + 1):
        rows = data_input
        if layer > 1:
            rows = inputs[layer][:n_rows]
            below = layers[layer - 1][first:first + n_rows]
            gemm(one, below, False, weights[layer - 1], True, 0 * one, rows)
        factor = one if layer == n_layers else one + one
        _up_pass(rows, biases[layer - 1], factor,
                 layers[layer][first:first + n_rows])
    if n_layers == 1:
        return 0
    n_sweeps = 0
    for _ in range(max_iter):
        n_sweeps += 1
        change = 0.0
        for parity in (1, 0):
            for layer in range(2 - parity, n_layers + 1, 2):
                rows = inputs[layer][:n_rows]
                if layer == 1:
                    _copy(data_input, rows)
                    above = layers[2][first:first + n_rows]
                    gemm(one, above, False, weights[1], False, one, rows)
                else:
                    layer_input(layers, weights, layer, first, n_rows, inputs[layer])
                change = max(change, _settle(rows, biases[layer - 1],
                                             layers[layer][first:first + n_rows]))
        if change < tol:
            break
    return n_sweeps


@kernel
def _copy(source, target):
    for i in range(source.shape[0]):
        for j in range(source.shape[1]):
            target[i, j] = source[i, j]


@helper
def gibbs_sweeps(layers, weights, biases, units, first, n_rows, n_steps, streams):
    """In place: ``n_steps`` Gibbs steps of rows ``first`` to ``first + n_rows``
    of every layer, each drawing all odd layers given the even ones, then all
    even ones, the visible layer with the units' ``sample``. Row i of the
    layers draws from ``streams[i]``."""
    n_layers = len(weights)
    one = layers[0].dtype.type(1.0)
    for _ in range(n_steps):
        for parity in (1, 0):
            for layer in range(parity, n_layers + 1, 2):
                rows = layers[layer][first:first + n_rows]
                if layer == 0:
                    above = layers[1][first:first + n_rows]
                    gemm(one, above, False, weights[0], False, 0 * one, rows)
                    sample(units, rows, streams)
                else:
                    layer_input(layers, weights, layer, first, n_rows, rows)
                    sample_rows(rows, biases[layer - 1], streams)


@kernel
def gibbs_chains(layers, weights, biases, units, streams, n_steps):
    """In place: ``n_steps`` Gibbs steps of all rows of ``layers`` (see
    ``gibbs_sweeps``), after the units' ``prepare``."""
    prepare(units)
    gibbs_sweeps(layers, weights, biases, units, 0, layers[0].shape[0], n_steps,
                 streams)


@kernel
def posteriors(layers, weights, biases, units, max_iter, tol, inputs):
    """Mean-field posteriors of every row of ``layers[0]``, the data in the units'
    raw scale (see ``mean_field``); returns the number of sweeps."""
    prepare(units)
    n_rows = layers[0].shape[0]
    scale_data(units, layers[0])
    bottom = np.empty((n_rows, weights[0].shape[0]), dtype=layers[0].dtype)
    return mean_field(layers, weights, biases, 0, n_rows, max_iter, tol, inputs,
                      bottom)


@kernel
def _entropy_and_bias(means, bias, out):
    """Add ``H(Q) + b . mu`` of each row of the Bernoulli ``means`` to ``out``."""
    for i in range(means.shape[0]):
        total = 0.0
        for j in range(means.shape[1]):
            mu = np.float64(means[i, j])
            total += mu * bias[j]
            if 0.0 < mu < 1.0:
                total -= mu * np.log(mu) + (1.0 - mu) * np.log1p(-mu)
        out[i] += total


@kernel
def _row_dots(a, b, out):
    """Add the dot product of each pair of rows of ``a`` and ``b`` to ``out``."""
    for i in range(a.shape[0]):
        total = 0.0
        for j in range(a.shape[1]):
            total += np.float64(a[i, j]) * b[i, j]
        out[i] += total


@kernel
def _visible_term(visible, bias, gaussian, out):
    """``out`` = the visible layer's own term of -E per row: ``v . b``, or for
    Gaussian units of unit variance ``-|v - b|**2 / 2``."""
    for i in range(visible.shape[0]):
        total = 0.0
        for j in range(visible.shape[1]):
            value = np.float64(visible[i, j])
            if gaussian:
                difference = value - bias[j]
                total -= 0.5 * difference * difference
            else:
                total += value * bias[j]
        out[i] = total


@helper
def unnormalised_bound(layers, biases, visible_bias, gaussian, n_rows, inputs, bottom,
                       out):
    """``out[:n_rows]`` = E_Q[-E(v, h)] + H(Q) of rows 0 to n_rows - 1, right after
    ``mean_field`` (at least one sweep) left their means in ``layers[1:]``: the
    data's input to layer 1 is still in ``bottom`` and each even hidden layer's
    input from both neighbours in ``inputs``, so every pair of layers' term is
    one of those dot products."""
    n_layers = len(layers) - 1
    rows = out[:n_rows]
    _visible_term(layers[0][:n_rows], visible_bias, gaussian, rows)
    _row_dots(layers[1][:n_rows], bottom[:n_rows], rows)
    for layer in range(2, n_layers + 1, 2):
        _row_dots(layers[layer][:n_rows], inputs[layer][:n_rows], rows)
    for layer in range(1, n_layers + 1):
        _entropy_and_bias(layers[layer][:n_rows], biases[layer - 1], rows)


@kernel
def _centered_rows(rows, offset, n_positive, positive_scale, negative_scale,
                   centered, scaled, sums):
    """From the stacked rows (the data's, then the chains'): ``centered = rows -
    offset``, ``scaled`` the same times each row's phase scale, and the column
    sums of the positive rows in ``sums[0]`` and of the negative ones in
    ``sums[1]``."""
    for phase in range(2):
        for j in range(rows.shape[1]):
            sums[phase, j] = 0
    for i in range(rows.shape[0]):
        scale = positive_scale if i < n_positive else negative_scale
        phase = 0 if i < n_positive else 1
        for j in range(rows.shape[1]):
            value = rows[i, j]
            sums[phase, j] += value
            centered_value = value - offset[j]
            centered[i, j] = centered_value
            scaled[i, j] = scale * centered_value


@kernel
def _shift_by_step(bias, step, offset, transpose):
    """In place: ``bias -= step @ offset`` (``step.T @ offset`` with
    ``transpose``), the shift of a standard-form bias under a centered weight
    step (Melchior, Fischer & Wiskott 2016)."""
    if transpose:
        for i in range(step.shape[0]):
            for j in range(step.shape[1]):
                bias[j] -= step[i, j] * offset[i]
    else:
        for i in range(step.shape[0]):
            total = 0.0
            for j in range(step.shape[1]):
                total += step[i, j] * offset[j]
            bias[i] -= total


@kernel
def _column_shift(step, offset, out):
    """``out = step.T @ offset``."""
    for j in range(step.shape[1]):
        out[j] = 0
    for i in range(step.shape[0]):
        for j in range(step.shape[1]):
            out[j] += step[i, j] * offset[i]


@kernel
def _slide(offset, sums, n_rows, rate):
    """In place: the offset moves by ``rate`` towards the mean of the rows whose
    column sums are ``sums``."""
    for j in range(offset.shape[0]):
        offset[j] += rate * (sums[j] / n_rows - offset[j])


@kernel
def _move_rows(layers, source, target, n_rows):
    """Rows ``source`` to ``source + n_rows`` of every layer move to ``target``
    (overlapping ranges allowed)."""
    for layer in range(len(layers)):
        rows = layers[layer]
        if target < source:
            for i in range(n_rows):
                for j in range(rows.shape[1]):
                    rows[target + i, j] = rows[source + i, j]
        else:
            for i in range(n_rows - 1, -1, -1):
                for j in range(rows.shape[1]):
                    rows[target + i, j] = rows[source + i, j]


@kernel
def fit_epoch(X, order, batch_size, weights, biases, units, velocities, streams,
              training, centering, buffers):
    """One pass of joint DBM training over the rows ``order`` of X.

    ``X`` is ``(dense, data, indices, indptr)``, as for the RBMs. ``training``
    is ``(learning_rate, momentum, weight_decay, n_gibbs_steps,
    mean_field_max_iter, mean_field_tol, score_every, gaussian)`` and ``velocities`` is
    ``(weight_velocities, bias_velocities)``, tuples like ``weights`` and
    ``biases``; the visible units keep their own. ``buffers`` is ``(layers,
    inputs, centered, scaled, sums, visible_scratch)``: per layer,
    (batch_size + n_chains, n_units) rows and (2, n_units) for column sums, and
    for the visible units' step (2, n_visible) sums and a Fortran-ordered
    (batch_size + n_chains, n_visible) product. Rows 0 to batch_size - 1 of
    ``layers`` take a mini-batch, and the persistent chains (fantasy
    particles), which draw from ``streams``, follow them.

    For each mini-batch: the positive phase is the mean-field posterior of its
    rows (``mean_field``), the negative phase ``n_gibbs_steps`` Gibbs steps of
    the chains (``gibbs_sweeps``). Then every weight matrix takes one step with
    momentum and weight decay along ``<h_(l+1) h_l>_data - <h_(l+1) h_l>_model``
    (one GEMM over the stacked rows, each scaled by its phase), each hidden
    bias along the difference of its layer's means, and the visible units
    their own step (``_units.update``). Nothing is allocated per mini-batch.

    ``centering`` is ``(offsets, rates, active)``: a tuple of one offset vector
    per layer, their sliding rates (an array of L + 1) and whether training is
    centered. Centered steps are those of the energy ``-sum_l (h_(l+1) -
    mu_(l+1)) W_l (h_l - mu_l) - sum_l b_l (h_l - mu_l)`` (Montavon & Mueller
    2012): the weights' statistics are taken about the offsets, and each
    standard-form bias shifts by the weight step times its neighbours'
    offsets. The offsets then slide towards the mini-batch's mean-field means.

    Returns the mean of ``E_Q[-E(v, h)] + H(Q)``, the bound without log Z, over
    the rows of every ``score_every``-th mini-batch (from the first), each
    before its step (``unnormalised_bound``; ``gaussian`` says whether the
    visible units are Gaussian of unit variance); NaN with ``score_every`` 0.
    """
    dense, data, indices, indptr = X
    (learning_rate, momentum, weight_decay, n_gibbs_steps, max_iter, tol, score_every,
     gaussian) = training
    weight_velocities, bias_velocities = velocities
    offsets, rates, active = centering
    layers, inputs, centered, scaled, sums, visible_scratch, totals = buffers
    visible_sums, products = visible_scratch
    bottom = np.empty((batch_size, weights[0].shape[0]), dtype=weights[0].dtype)
    scores = np.empty(batch_size)
    score_total = 0.0
    n_scored = 0
    n_layers = len(weights)
    n_chains = streams.shape[0]
    n_samples = order.shape[0]
    one = weights[0].dtype.type(1.0)
    positive_scale = one / batch_size
    negative_scale = -one / n_chains
    for start in range(0, n_samples, batch_size):
        n_positive = min(batch_size, n_samples - start)
        n_stacked = n_positive + n_chains
        if n_positive < batch_size:
            # The last, short mini-batch: the chains follow its rows.
            _move_rows(layers, batch_size, n_positive, n_chains)
            positive_scale = one / n_positive
        gather_rows(dense, data, indices, indptr, order, start,
                    layers[0][:n_positive])
        prepare(units)
        scale_data(units, layers[0][:n_positive])
        mean_field(layers, weights, biases, 0, n_positive, max_iter, tol, inputs,
                   bottom)
        if score_every > 0 and (start // batch_size) % score_every == 0:
            unnormalised_bound(layers, biases, units.bias, gaussian, n_positive, inputs,
                               bottom, scores)
            for i in range(n_positive):
                score_total += scores[i]
            n_scored += n_positive
        gibbs_sweeps(layers, weights, biases, units, n_positive, n_chains,
                     n_gibbs_steps, streams)

        for layer in range(n_layers + 1):
            _centered_rows(layers[layer][:n_stacked], offsets[layer], n_positive,
                           positive_scale, negative_scale,
                           centered[layer][:n_stacked], scaled[layer][:n_stacked],
                           sums[layer])
            for j in range(totals[layer].shape[0]):
                totals[layer][j] += sums[layer][0, j]
        for layer in range(1, n_layers + 1):
            update_bias(biases[layer - 1], bias_velocities[layer - 1], sums[layer][0],
                        sums[layer][1], n_positive, n_chains, learning_rate, momentum)
        update(units, layers[0][:n_stacked], scaled[1][:n_stacked], n_positive,
               positive_scale, negative_scale, weights[0], learning_rate, momentum,
               visible_sums, products)
        for layer in range(n_layers):
            upper = scaled[layer + 1][:n_stacked]
            lower = centered[layer][:n_stacked]
            if not active:
                update_weights(weights[layer], weight_velocities[layer], upper, lower,
                               learning_rate, momentum, weight_decay, None, False)
                continue
            step = weight_velocities[layer]
            velocity_step(weights[layer], step, upper, lower, learning_rate, momentum,
                          weight_decay, None, False)
            _shift_by_step(biases[layer], step, offsets[layer], False)
            if layer == 0:
                _column_shift(step, offsets[1], visible_sums[0])
                shift_bias(units, visible_sums[0])
            else:
                _shift_by_step(biases[layer - 1], step, offsets[layer + 1], True)
            _add_into(weights[layer], step)
        if active:
            for layer in range(n_layers + 1):
                if rates[layer] != 0:
                    _slide(offsets[layer], sums[layer][0], n_positive, rates[layer])
        if n_positive < batch_size:
            _move_rows(layers, n_positive, batch_size, n_chains)
    return score_total / n_scored if n_scored else np.nan
