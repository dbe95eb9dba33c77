"""Numba kernels of the RBM family: contrastive-divergence epochs, Gibbs sampling,
free energy and pseudo-likelihood.

Conventions: ``W`` has shape (n_hidden, n_visible); hidden pre-activations are
``x @ W.T + hidden_bias`` and visible ones ``h @ W + visible_bias``. For Bernoulli
visible units x is the data v. For Gaussian ones the kernels work in scaled units
``x = v / sigma``: the hidden input is then the same product, and x given h is
``Normal(h @ W + visible_bias / sigma, 1)``. Every random draw comes from the
stream of its row (``skgen.utils._random``), so results do not depend on thread
counts, and float32 and float64 models draw the same uniforms.
"""

import numpy as np

from ..utils._batches import gather_rows
from ..utils._blas import gemm, product_rows
from ..utils._numba import inline_kernel, kernel, sigmoid
from ..utils._random import advance, normal_row, sample_probabilities, uniform


@inline_kernel
def _softplus(x):
    """log(1 + exp(x)), without overflow."""
    zero = x - x
    return max(x, zero) + np.log1p(np.exp(-abs(x)))


@kernel
def sigmoid_rows(pre, bias):
    """In place: ``pre = sigmoid(pre + bias)``, with ``bias`` added to every row."""
    for i in range(pre.shape[0]):
        row = pre[i]
        for j in range(row.shape[0]):
            row[j] = sigmoid(row[j] + bias[j])


@kernel
def sample_rows(pre, bias, streams):
    """In place: ``pre = (u < sigmoid(pre + bias))``, u from the stream of each row."""
    one = pre.dtype.type(1.0)
    zero = pre.dtype.type(0.0)
    for i in range(pre.shape[0]):
        row = pre[i]
        counter = streams[i]
        for j in range(row.shape[0]):
            row[j] = one if uniform(counter, j) < sigmoid(row[j] + bias[j]) else zero
        streams[i] = advance(counter, row.shape[0])


@kernel
def sample_normal_rows(pre, bias, streams):
    """In place: ``pre = pre + bias + z``, z standard normal from the stream of each row.

    A row of n values takes ``m = ceil(n / 2)`` Box-Muller pairs
    (``_random.normal_row``): the cosines fill columns 0 to m - 1 and the sines
    the rest (the last one is dropped when n is odd). The draws are computed in
    the dtype of ``pre``.
    """
    n_rows, n_cols = pre.shape
    noise = np.empty(n_cols + n_cols % 2, dtype=pre.dtype)
    for i in range(n_rows):
        streams[i] = normal_row(streams[i], noise)
        row = pre[i]
        for j in range(n_cols):
            row[j] += bias[j] + noise[j]


@kernel
def sample_softmax_rows(pre, bias, streams):
    """In place: each row of ``pre`` becomes a one-hot sample of the categorical
    distribution ``softmax(pre + bias)``.

    Row i takes one uniform u from its stream and picks the first unit k whose
    cumulative probability exceeds u. The probabilities are computed in
    float64 whatever the dtype of ``pre``, so float32 and float64 rows with the
    same input pick the same unit.
    """
    one = pre.dtype.type(1.0)
    zero = pre.dtype.type(0.0)
    n_units = pre.shape[1]
    for i in range(pre.shape[0]):
        row = pre[i]
        largest = -np.inf
        for k in range(n_units):
            largest = max(largest, np.float64(row[k]) + np.float64(bias[k]))
        total = 0.0
        for k in range(n_units):
            total += np.exp(np.float64(row[k]) + np.float64(bias[k]) - largest)
        counter = streams[i]
        target = uniform(counter, 0) * total
        # The last unit also takes the rounding slack (and NaN rows).
        chosen = n_units - 1
        cumulative = 0.0
        for k in range(n_units - 1):
            cumulative += np.exp(np.float64(row[k]) + np.float64(bias[k]) - largest)
            if cumulative > target:
                chosen = k
                break
        for k in range(n_units):
            row[k] = one if k == chosen else zero
        streams[i] = advance(counter, 1)


@kernel
def initial_weights(streams, scale, out):
    """Fill the Fortran-ordered ``out`` (n_hidden, n_visible) with ``scale`` times
    standard normals, and return it.

    Column i, the weights of visible unit i, comes from ``streams[i]`` in
    ``_random.normal_row``'s layout. The draws are scaled in float64, then
    rounded to the dtype of ``out``.
    """
    columns = out.T
    n_columns, n_rows = columns.shape
    noise = np.empty(n_rows + n_rows % 2)
    for i in range(n_columns):
        normal_row(streams[i], noise)
        column = columns[i]
        for j in range(n_rows):
            column[j] = scale * noise[j]
    return out


@inline_kernel
def _sample_visible(pre, visible_bias, scaled_visible_bias, streams, gaussian, n_labels):
    """Sample visible units given their input ``h @ W``, in place. With
    ``n_labels`` > 0 the last ``n_labels`` (Bernoulli) units are one softmax
    group: one categorical draw, after the other units' draws."""
    if gaussian:
        sample_normal_rows(pre, scaled_visible_bias, streams)
    elif n_labels == 0:
        sample_rows(pre, visible_bias, streams)
    else:
        n_free = pre.shape[1] - n_labels
        sample_rows(pre[:, :n_free], visible_bias[:n_free], streams)
        sample_softmax_rows(pre[:, n_free:], visible_bias[n_free:], streams)


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
            h0, h1, h2, h3 = hidden[rows[k]], hidden[rows[k + 1]], hidden[rows[k + 2]], hidden[rows[k + 3]]
            a0, a1, a2, a3 = values[k], values[k + 1], values[k + 2], values[k + 3]
            for j in range(n_hidden):
                column[j] += a0 * h0[j] + a1 * h1[j] + a2 * h2[j] + a3 * h3[j]
            k += 4
        for rest in range(k, end):
            value = values[rest]
            hidden_row = hidden[rows[rest]]
            for j in range(n_hidden):
                column[j] += value * hidden_row[j]


@inline_kernel
def _hidden_input(visible, weights, hidden, indices, counts, sparse_density, scratch):
    """``hidden = visible @ weights.T``: sparse when at most ``sparse_density`` of
    the entries are nonzero, else one GEMM by way of ``scratch`` (see
    ``product_rows``). Returns whether it went sparse."""
    sparse = False
    if sparse_density > 0:
        n_nonzero = nonzero_columns(visible, indices, counts)
        sparse = n_nonzero <= sparse_density * visible.shape[0] * visible.shape[1]
    if sparse:
        sparse_hidden_input(visible, indices, counts, weights, hidden)
    else:
        product_rows(visible, False, weights, True, hidden, scratch)
    return sparse


@kernel
def _finish_hidden(hidden, bias, scale, sums, chains, streams):
    """In place, over one phase's hidden inputs: ``p = sigmoid(hidden + bias)``,
    ``sums`` = the column sums of p, new chain states ``chains = (u < p)`` (u from
    the stream of each row; skipped when ``chains`` has no rows), and finally
    ``hidden = scale * p``, the rows as the weight update takes them."""
    one = hidden.dtype.type(1.0)
    zero = hidden.dtype.type(0.0)
    sample = chains.shape[0] > 0
    sums[:] = 0
    for i in range(hidden.shape[0]):
        row = hidden[i]
        if sample:
            chain = chains[i]
            counter = streams[i]
            for j in range(row.shape[0]):
                p = sigmoid(row[j] + bias[j])
                chain[j] = one if uniform(counter, j) < p else zero
                sums[j] += p
                row[j] = scale * p
            streams[i] = advance(counter, row.shape[0])
        else:
            for j in range(row.shape[0]):
                p = sigmoid(row[j] + bias[j])
                sums[j] += p
                row[j] = scale * p


@kernel
def _column_sums(a, out):
    out[:] = 0
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            out[j] += a[i, j]


@kernel
def _update_bias(bias, velocity, positive_sum, negative_sum, n_positive, n_negative,
                 learning_rate, momentum):
    """Gradient ascent with momentum on one bias vector (no weight decay)."""
    for j in range(bias.shape[0]):
        gradient = positive_sum[j] / n_positive - negative_sum[j] / n_negative
        velocity[j] = momentum * velocity[j] + learning_rate * gradient
        bias[j] += velocity[j]


@kernel
def _decay_velocity(velocity, weights, momentum, decay_rate):
    """In place: ``velocity = momentum * velocity - decay_rate * weights``."""
    for i in range(velocity.shape[0]):
        for j in range(velocity.shape[1]):
            velocity[i, j] = momentum * velocity[i, j] - decay_rate * weights[i, j]


@kernel
def _visible_scale(log_variance, visible_bias, scale, scaled_bias):
    """``scale = 1 / sigma`` and ``scaled_bias = visible_bias / sigma``."""
    for i in range(scale.shape[0]):
        scale[i] = np.exp(-0.5 * log_variance[i])
        scaled_bias[i] = visible_bias[i] * scale[i]


@kernel
def _scale_rows(a, scale):
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            a[i, j] *= scale


@kernel
def _add_into(a, b):
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            a[i, j] += b[i, j]


@kernel
def _scale_columns(a, scale):
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            a[i, j] *= scale[j]


@kernel
def _log_variance_statistic(visible, visible_mean, scaled_bias, out):
    """Column sums of -dE/dlog(sigma**2) = ``(x - b/sigma)**2 / 2 - x (h @ W) / 2``."""
    out[:] = 0
    for r in range(visible.shape[0]):
        for i in range(visible.shape[1]):
            x = visible[r, i]
            centred = x - scaled_bias[i]
            out[i] += 0.5 * centred * centred - 0.5 * x * visible_mean[r, i]


@kernel
def _update_log_variance(log_variance, velocity, positive_sum, negative_sum,
                         n_positive, n_negative, learning_rate, momentum,
                         min_log_variance):
    for i in range(log_variance.shape[0]):
        gradient = positive_sum[i] / n_positive - negative_sum[i] / n_negative
        velocity[i] = momentum * velocity[i] + learning_rate * gradient
        log_variance[i] = max(log_variance[i] + velocity[i], min_log_variance[i])


#: Factors in (1, 2] multiplied before one logarithm: 2**512 is finite in float64.
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
            # t = exp(-|o|). The factors 1 + t, in (1, 2], are multiplied and
            # their logarithm taken once per _PRODUCT_LENGTH units, so that the
            # product stays finite.
            score = np.float64(visible_bias[n_free + k])
            product = 1.0
            row_sigmoids = sigmoids[k]
            for j in range(n_hidden):
                activation = np.float64(free_input[j] + weights[j, n_free + k])
                tail = np.exp(-abs(activation))
                score += max(activation, 0.0)
                product *= 1.0 + tail
                row_sigmoids[j] = (1.0 / (1.0 + tail) if activation >= 0
                                   else tail / (1.0 + tail))
                if (j + 1) % _PRODUCT_LENGTH == 0:
                    score += np.log(product)
                    product = 1.0
            scores[k] = score + np.log(product)
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
def fit_epoch(dense, data, indices, indptr, order, batch_size, weights, hidden_bias,
              visible_bias, weights_velocity, hidden_velocity, visible_velocity,
              chain_hidden, streams, learning_rate, momentum, weight_decay,
              n_gibbs_steps, persistent, visible_stack, hidden_stack, hidden_sums,
              visible_sums, gaussian, log_variance, log_variance_velocity,
              min_log_variance, sigma_learning_rate, visible_scale,
              scaled_visible_bias, visible_mean_stack, sparse_density,
              nonzero_indices, nonzero_counts, n_labels, discriminative_weight,
              label_scratch):
    """One pass of CD-k or PCD-k over the rows ``order`` of X.

    For each mini-batch of ``batch_size`` rows: the positive phase uses the data
    and P(h|v); the negative phase runs ``n_gibbs_steps`` Gibbs steps from the
    persistent chains ``chain_hidden`` (PCD, as sklearn) or from h sampled given
    the batch (CD), and uses the sampled visible states with P(h|v_neg). The
    weight gradient of both phases is one GEMM, accumulated straight into the
    weights (or their velocity) by BLAS.

    With ``gaussian`` the visible units are Gaussian with standard deviations
    ``exp(log_variance / 2)``, and the rows are scaled by ``1 / sigma`` once
    gathered. The visible bias then moves along ``<x>_data - <x>_model`` divided
    by sigma, and, when ``sigma_learning_rate`` is not 0, the log-variances along
    ``<(x - b/sigma)**2 / 2 - x (h @ W) / 2>_data - <...>_model`` at that rate,
    never below ``min_log_variance`` (Cho, Ilin & Raiko 2011). For Bernoulli
    units the arguments from ``log_variance`` on are unused and may be empty.

    With ``n_labels`` > 0 (Bernoulli units only) the last ``n_labels`` visible
    units are one softmax group, one-hot in the data: the negative phase draws
    them as one categorical variable, the softmax of their input, as in the
    top RBM of a DBN with labels (Hinton, Osindero & Teh 2006). With
    ``discriminative_weight`` > 0, each mini-batch then also takes a step of
    ``learning_rate * discriminative_weight / n_rows`` along the gradient of its
    rows' ``log p(y | x)`` (``label_likelihood_step``, without momentum or weight
    decay): the hybrid training of Larochelle & Bengio (2008).
    ``label_scratch`` holds that step's scratch arrays.

    Products with visible rows of at most ``sparse_density`` nonzero entries
    (0: never) read only those entries, through ``nonzero_indices``
    (2 * batch_size, n_visible) and ``nonzero_counts`` (2 * batch_size,); so
    does the weight update when both phases were sparse and there is no
    momentum. This pays for binary visible units, whose states are mostly 0,
    with Fortran-ordered weights, whose columns are then contiguous.

    ``visible_stack`` (2 * batch_size, n_visible) and ``hidden_stack``
    (2 * batch_size, n_hidden) hold the positive rows followed by the negative
    ones; ``hidden_sums`` and ``visible_sums`` hold two rows each;
    ``visible_scale``, ``scaled_visible_bias`` and ``visible_mean_stack`` (the
    shape of ``visible_stack``) are scratch for Gaussian units. Nothing is
    allocated per mini-batch but one row of Gaussian noise. Scalars must have
    the dtype of the weights.
    """
    n_samples = order.shape[0]
    one = weights.dtype.type(1.0)
    no_chains = chain_hidden[:0]
    decay = one - learning_rate * weight_decay
    # The products' output, Fortran-ordered (see product_rows).
    scratch = np.empty((max(weights.shape[0], weights.shape[1]), visible_stack.shape[0]),
                       dtype=weights.dtype).T
    for start in range(0, n_samples, batch_size):
        n_positive = min(batch_size, n_samples - start)
        n_negative = chain_hidden.shape[0] if persistent else n_positive
        n_stacked = n_positive + n_negative
        # Scales of the rows, so that one GEMM gives the weight gradient
        # mean(h_pos v_pos) - mean(h_neg v_neg).
        positive_scale = one / n_positive
        negative_scale = -one / n_negative
        visible_positive = visible_stack[:n_positive]
        hidden_positive = hidden_stack[:n_positive]
        visible_negative = visible_stack[n_positive:n_stacked]
        hidden_negative = hidden_stack[n_positive:n_stacked]
        chains = chain_hidden[:n_negative]
        gather_rows(dense, data, indices, indptr, order, start, visible_positive)
        if gaussian:
            _visible_scale(log_variance, visible_bias, visible_scale,
                           scaled_visible_bias)
            _scale_columns(visible_positive, visible_scale)

        if persistent:
            # The chains do not depend on the batch, so both phases' hidden
            # probabilities come from one GEMM over the stacked visible rows.
            for step in range(n_gibbs_steps):
                product_rows(chains, False, weights, False, visible_negative, scratch)
                _sample_visible(visible_negative, visible_bias, scaled_visible_bias,
                                streams, gaussian, n_labels)
                if step < n_gibbs_steps - 1:
                    product_rows(visible_negative, False, weights, True, hidden_negative,
                                 scratch)
                    sigmoid_rows(hidden_negative, hidden_bias)
                    sample_probabilities(hidden_negative, chains, streams)
            sparse = _hidden_input(visible_stack[:n_stacked], weights,
                                   hidden_stack[:n_stacked], nonzero_indices,
                                   nonzero_counts, sparse_density, scratch)
            _finish_hidden(hidden_positive, hidden_bias, positive_scale,
                           hidden_sums[0], no_chains, streams)
            _finish_hidden(hidden_negative, hidden_bias, negative_scale,
                           hidden_sums[1], chains, streams)
        else:
            sparse = _hidden_input(visible_positive, weights, hidden_positive,
                                   nonzero_indices[:n_positive],
                                   nonzero_counts[:n_positive], sparse_density, scratch)
            _finish_hidden(hidden_positive, hidden_bias, positive_scale,
                           hidden_sums[0], chains, streams)
            sparse_negative = False
            for step in range(n_gibbs_steps):
                product_rows(chains, False, weights, False, visible_negative, scratch)
                _sample_visible(visible_negative, visible_bias, scaled_visible_bias,
                                streams, gaussian, n_labels)
                sparse_negative = _hidden_input(
                    visible_negative, weights, hidden_negative,
                    nonzero_indices[n_positive:n_stacked],
                    nonzero_counts[n_positive:n_stacked], sparse_density, scratch)
                if step < n_gibbs_steps - 1:
                    sigmoid_rows(hidden_negative, hidden_bias)
                    sample_probabilities(hidden_negative, chains, streams)
            _finish_hidden(hidden_negative, hidden_bias, negative_scale,
                           hidden_sums[1], no_chains, streams)
            sparse = sparse and sparse_negative

        _column_sums(visible_positive, visible_sums[0])
        _column_sums(visible_negative, visible_sums[1])
        if gaussian:
            # dE/db = -(v - b) / sigma**2 = -(x - b/sigma) / sigma; b/sigma cancels.
            _scale_columns(visible_sums, visible_scale)
        _update_bias(hidden_bias, hidden_velocity, hidden_sums[0], hidden_sums[1],
                     n_positive, n_negative, learning_rate, momentum)
        _update_bias(visible_bias, visible_velocity, visible_sums[0], visible_sums[1],
                     n_positive, n_negative, learning_rate, momentum)
        if gaussian and sigma_learning_rate != 0:
            # h @ W, undoing the scales of the hidden rows.
            mean_rows = visible_mean_stack[:n_stacked]
            product_rows(hidden_stack[:n_stacked], False, weights, False, mean_rows,
                         scratch)
            _scale_rows(mean_rows[:n_positive], one / positive_scale)
            _scale_rows(mean_rows[n_positive:], one / negative_scale)
            _log_variance_statistic(visible_positive, mean_rows[:n_positive],
                                    scaled_visible_bias, visible_sums[0])
            _log_variance_statistic(visible_negative, mean_rows[n_positive:],
                                    scaled_visible_bias, visible_sums[1])
            _update_log_variance(log_variance, log_variance_velocity, visible_sums[0],
                                 visible_sums[1], n_positive, n_negative,
                                 sigma_learning_rate, momentum, min_log_variance)

        hidden_rows = hidden_stack[:n_stacked]
        visible_rows = visible_stack[:n_stacked]
        if momentum == 0 and sparse:
            if weight_decay != 0:
                _scale_rows(weights, decay)
            sparse_weight_update(visible_rows, nonzero_indices, nonzero_counts,
                                 hidden_rows, learning_rate, weights)
        elif momentum == 0:
            gemm(learning_rate, hidden_rows, True, visible_rows, False, decay, weights)
        else:
            if weight_decay != 0:
                _decay_velocity(weights_velocity, weights, momentum,
                                learning_rate * weight_decay)
                gemm(learning_rate, hidden_rows, True, visible_rows, False, one,
                     weights_velocity)
            else:
                gemm(learning_rate, hidden_rows, True, visible_rows, False, momentum,
                     weights_velocity)
            _add_into(weights, weights_velocity)
        if discriminative_weight > 0:
            hidden_input, row_gradients, label_gradients, scores, sigmoids = label_scratch
            label_likelihood_step(
                visible_positive, n_labels, weights, hidden_bias, visible_bias,
                learning_rate * discriminative_weight / n_positive,
                hidden_input[:n_positive], row_gradients[:n_positive],
                label_gradients, scores, sigmoids,
            )


@kernel
def all_finite(weights, hidden_bias, visible_bias):
    """Whether no parameter is NaN or infinite."""
    total = weights.sum() + hidden_bias.sum() + visible_bias.sum()
    return np.isfinite(total)


@kernel
def gibbs_chains(visible, weights, hidden_bias, visible_bias, streams, n_steps,
                 hidden, gaussian, n_labels):
    """In place: run ``n_steps`` Gibbs steps v -> h -> v from ``visible``.

    Every step samples both layers; ``hidden`` is scratch of shape
    (n_chains, n_hidden) and ends with the last hidden sample. With
    ``gaussian``, ``visible`` holds scaled units x = v / sigma and
    ``visible_bias`` is ``b / sigma``. With ``n_labels`` > 0, the last
    ``n_labels`` visible units are one softmax group (see ``_sample_visible``).
    """
    one = weights.dtype.type(1.0)
    for _ in range(n_steps):
        gemm(one, visible, False, weights, True, 0 * one, hidden)
        sample_rows(hidden, hidden_bias, streams)
        gemm(one, hidden, False, weights, False, 0 * one, visible)
        _sample_visible(visible, visible_bias, visible_bias, streams, gaussian,
                        n_labels)


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
