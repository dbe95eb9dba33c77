"""The DBN kernels (skgen.dbn._kernels: clamped Gibbs sampling, up-down) and the
label units' kernels of the RBM family (the softmax draw, the discriminative
step), against NumPy references on the same streams and closed forms."""

import naive
import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy.special import expit, logsumexp

from skgen.dbn._kernels import clamped_gibbs_chains, up_down_epoch
from skgen.dbn._updown import typed_list
from skgen.rbm._kernels import gibbs_chains, label_likelihood_step
from skgen.rbm._sampling import sample_softmax_rows
from skgen.rbm._units import BernoulliUnits, JoinedUnits, SoftmaxUnits
from skgen.utils._random import row_streams


def bernoulli(bias):
    """Binary visible units with this bias (and a velocity sampling ignores)."""
    return BernoulliUnits(bias, np.zeros_like(bias))


def top_units(bias, n_labels):
    """The top RBM's units: binary ones, then a softmax group of ``n_labels``."""
    if n_labels == 0:
        return bernoulli(bias)
    n_free = bias.shape[0] - n_labels
    return JoinedUnits(bernoulli(bias[:n_free]),
                       SoftmaxUnits(bias[n_free:], np.zeros(n_labels)))


@pytest.mark.parametrize("scale", [0.1, 3.0])
def test_label_likelihood_step_over_many_hidden_units(scale):
    """Over more hidden units than one product of softplus factors covers (512),
    with small and large activations: the bias steps against NumPy's softmax of
    the exact scores and its sigmoids."""
    rng = np.random.RandomState(1)
    n_hidden, n_free, n_labels, n_rows = 1300, 6, 4, 5
    weights = np.asfortranarray(scale * rng.standard_normal((n_hidden, n_free + n_labels)))
    hidden_bias = scale * rng.standard_normal(n_hidden)
    visible_bias = rng.standard_normal(n_free + n_labels)
    free = rng.uniform(size=(n_rows, n_free))
    labels = rng.randint(n_labels, size=n_rows)
    visible = np.hstack([free, np.eye(n_labels)[labels]])
    activations = np.stack([free @ weights[:, :n_free].T + hidden_bias + weights[:, n_free + k]
                            for k in range(n_labels)], axis=1)  # (rows, labels, hidden)
    scores = visible_bias[n_free:] + np.logaddexp(0, activations).sum(axis=2)
    coefficients = np.eye(n_labels)[labels] - np.exp(scores - logsumexp(scores, axis=1,
                                                                         keepdims=True))
    expected_hidden = (coefficients[:, :, None] * expit(activations)).sum(axis=(0, 1))

    updated = [weights.copy(order="F"), hidden_bias.copy(), visible_bias.copy()]
    label_likelihood_step(visible, n_labels, *updated, 1.0, np.empty((n_rows, n_hidden)),
                          np.empty((n_rows, n_hidden)), np.empty((n_hidden, n_labels)),
                          np.empty((2, n_labels)), np.empty((n_labels, n_hidden)))
    assert_allclose(updated[2][n_free:] - visible_bias[n_free:], coefficients.sum(axis=0),
                    rtol=1e-9, atol=1e-12)
    assert_allclose(updated[1] - hidden_bias, expected_hidden, rtol=1e-9, atol=1e-12)


def test_label_likelihood_step_is_the_gradient_of_log_p_y_given_x():
    """Against central differences of a NumPy log p(y|x) = log softmax(-F(x, e_y))."""
    rng = np.random.RandomState(0)
    n_hidden, n_free, n_labels, n_rows = 5, 4, 3, 6
    weights = np.asfortranarray(rng.standard_normal((n_hidden, n_free + n_labels)))
    hidden_bias = rng.standard_normal(n_hidden)
    visible_bias = rng.standard_normal(n_free + n_labels)
    free = rng.uniform(size=(n_rows, n_free))
    labels = rng.randint(n_labels, size=n_rows)
    visible = np.hstack([free, np.eye(n_labels)[labels]])

    def objective():
        scores = np.column_stack([
            visible_bias[n_free + k] + np.logaddexp(
                0, free @ weights[:, :n_free].T + hidden_bias + weights[:, n_free + k]
            ).sum(axis=1)
            for k in range(n_labels)
        ])
        return np.sum(scores[np.arange(n_rows), labels] - logsumexp(scores, axis=1))

    def numerical_gradient(array, eps=1e-6):
        gradient = np.zeros_like(array)
        for index in np.ndindex(array.shape):
            array[index] += eps
            above = objective()
            array[index] -= 2 * eps
            below = objective()
            array[index] += eps
            gradient[index] = (above - below) / (2 * eps)
        return gradient

    expected = [numerical_gradient(a) for a in (weights, hidden_bias, visible_bias)]
    step = 1e-3
    updated = [weights.copy(order="F"), hidden_bias.copy(), visible_bias.copy()]
    label_likelihood_step(visible, n_labels, *updated, step, np.empty((n_rows, n_hidden)),
                          np.empty((n_rows, n_hidden)), np.empty((n_hidden, n_labels)),
                          np.empty((2, n_labels)), np.empty((n_labels, n_hidden)))
    for new, old, gradient in zip(updated, (weights, hidden_bias, visible_bias),
                                  expected, strict=True):
        assert_allclose((new - old) / step, gradient, atol=1e-7)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_softmax_samples_follow_the_softmax(dtype):
    """Empirical label frequencies match softmax(pre + bias); both dtypes draw alike."""
    rng = np.random.RandomState(0)
    pre = rng.standard_normal((1, 5)) * 2
    bias = rng.standard_normal(5)
    n_draws = 40000
    rows = np.repeat(pre, n_draws, axis=0).astype(dtype)
    streams = row_streams(np.random.RandomState(1), n_draws)
    sample_softmax_rows(rows, bias.astype(dtype), streams)
    assert rows.dtype == dtype
    assert_array_equal(rows.sum(axis=1), 1.0)
    assert set(np.unique(rows)) == {0.0, 1.0}
    expected = np.exp(pre[0] + bias - logsumexp(pre[0] + bias))
    frequencies = rows.mean(axis=0)
    # Four standard errors of each frequency.
    assert_allclose(frequencies, expected,
                    atol=4 * np.sqrt(expected * (1 - expected) / n_draws).max())
    reference = np.repeat(pre, n_draws, axis=0)
    sample_softmax_rows(reference, bias, row_streams(np.random.RandomState(1), n_draws))
    assert_array_equal(rows, reference)
    assert_array_equal(streams, row_streams(np.random.RandomState(1), n_draws) + np.uint64(
        0x9E3779B97F4A7C15))


def test_clamped_gibbs_without_labels_is_the_rbm_kernel():
    rng = np.random.RandomState(0)
    weights = np.asfortranarray(rng.standard_normal((4, 6)))
    hidden_bias, visible_bias = rng.standard_normal(4), rng.standard_normal(6)
    start = (rng.uniform(size=(5, 6)) < 0.5).astype(np.float64)
    expected, streams = start.copy(), row_streams(np.random.RandomState(1), 5)
    gibbs_chains(expected, weights, hidden_bias, bernoulli(visible_bias), streams, 7,
                 np.empty((5, 4)))
    visible, streams = start.copy(), row_streams(np.random.RandomState(1), 5)
    clamped_gibbs_chains(visible, 0, weights, hidden_bias, visible_bias, streams, 7,
                         np.empty((5, 4)), np.empty((5, 6)))
    assert_array_equal(visible, expected)


def test_clamped_labels_add_their_input():
    """Clamping the labels is the RBM of the free units with the labels' input
    added to the hidden biases; free labels stay one-hot."""
    rng = np.random.RandomState(0)
    weights = np.asfortranarray(rng.standard_normal((4, 9)))
    hidden_bias, visible_bias = rng.standard_normal(4), rng.standard_normal(9)
    start = np.hstack([(rng.uniform(size=(5, 6)) < 0.5), np.eye(3)[[0, 1, 2, 1, 0]]])
    expected, streams = start[:, :6].copy(), row_streams(np.random.RandomState(1), 5)
    free_weights = np.asfortranarray(weights[:, :6])
    for row in range(5):
        chain = expected[row:row + 1]
        gibbs_chains(chain, free_weights, hidden_bias + weights[:, 6:] @ start[row, 6:],
                     bernoulli(visible_bias[:6]), streams[row:row + 1], 7,
                     np.empty((1, 4)))
    visible, streams = start.copy(), row_streams(np.random.RandomState(1), 5)
    clamped_gibbs_chains(visible, 3, weights, hidden_bias, visible_bias, streams, 7,
                         np.empty((5, 4)), np.empty((5, 9)))
    assert_array_equal(visible[:, :6], expected)
    assert_array_equal(visible[:, 6:], start[:, 6:])
    gibbs_chains(visible, weights, hidden_bias,
                 JoinedUnits(bernoulli(visible_bias[:6]),
                             SoftmaxUnits(visible_bias[6:], np.zeros(3))),
                 streams, 7, np.empty((5, 4)))
    assert_array_equal(visible[:, 6:].sum(axis=1), 1.0)


@pytest.mark.parametrize("sizes, n_labels, n_gibbs_steps",
                         [((7, 5, 4, 6), 3, 1), ((7, 5, 4, 6), 3, 2), ((7, 6), 0, 2),
                          ((7, 5, 6), 0, 1)])
def test_up_down_epoch_against_numpy(sizes, n_labels, n_gibbs_steps):
    """The kernel against a NumPy re-implementation on the same streams: layer
    sizes from the data up (the last is the top RBM's hidden layer), with and
    without labels, no layer below the top, CD-1 and CD-2, and a last mini-batch
    of 3 rows."""
    rng = np.random.RandomState(0)
    n_rows, batch_size = 13, 5
    X = (rng.uniform(size=(n_rows, sizes[0])) < 0.5) * 1.0
    labels = (np.eye(n_labels)[rng.randint(n_labels, size=n_rows)] if n_labels
              else np.empty((n_rows, 0)))
    order = rng.permutation(n_rows).astype(np.int64)

    def layer(n_in, n_out):
        return (np.asfortranarray(rng.standard_normal((n_out, n_in))),
                rng.standard_normal(n_out), rng.standard_normal(n_in))

    below = [layer(sizes[i], sizes[i + 1]) for i in range(len(sizes) - 2)]
    # The layouts of up_down: recognition and top weights C-ordered, generative
    # weights Fortran-ordered.
    recognition = [(W.copy(order="C"), c.copy()) for W, c, _ in below]
    generative = [(W.copy(order="F"), b.copy()) for W, _, b in below]
    W, c, b = layer(sizes[-2] + n_labels, sizes[-1])
    top = (np.ascontiguousarray(W), c, b)
    states = row_streams(np.random.RandomState(1), batch_size)

    expected = ([(W.copy(), c.copy()) for W, c in recognition],
                [(W.copy(), b.copy()) for W, b in generative],
                tuple(p.copy() for p in top))
    reference = naive.Streams(states)
    naive.up_down_epoch(X, labels, order, batch_size, *expected, reference,
                         n_gibbs_steps, 0.1)
    # No uniform so near its probability that rounding could flip the bit.
    assert reference.closest > 1e-10

    def typed(arrays, ndim, layout="C"):
        return typed_list(arrays, ndim, np.dtype(np.float64), layout)

    initial = top[0].copy()
    up_down_epoch(X, labels, order, batch_size, typed([W for W, _ in recognition], 2),
                  typed([c for _, c in recognition], 1),
                  typed([W for W, _ in generative], 2, "F"),
                  typed([b for _, b in generative], 1), *top, top_units(top[2], n_labels),
                  states, n_gibbs_steps, 0.1)
    assert_array_equal(states, reference.as_array())
    got = (recognition, generative, [top])
    for got_layers, want_layers in zip(got, expected[:2] + ([expected[2]],), strict=True):
        for got_arrays, want_arrays in zip(got_layers, want_layers, strict=True):
            for got_array, want_array in zip(got_arrays, want_arrays, strict=True):
                assert_allclose(got_array, want_array, rtol=1e-10, atol=1e-12)
    assert not np.allclose(top[0], initial)
