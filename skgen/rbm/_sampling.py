"""Numba kernels that draw a layer of RBM units given its input, row by row.

Every draw comes from the stream of its row (``skgen.utils._random``), so results
do not depend on thread counts, and float32 and float64 rows draw the same
uniforms.
"""

import numpy as np

from ..utils._numba import inline_kernel, kernel, sigmoid
from ..utils._random import advance, normal_row, uniform


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
