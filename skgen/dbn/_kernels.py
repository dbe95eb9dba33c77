"""Numba kernels of the DBNs: Gibbs sampling in a top RBM whose label units are
clamped, and an epoch of supervised fine-tuning on the autoencoder engine's
network. The top RBM's training epoch is ``skgen.rbm._kernels.fit_epoch`` with a
softmax group of label units."""

from ..autoencoder._engine import INTERCEPT, loss_and_gradient, slot
from ..autoencoder._losses import LOG_LOSS
from ..autoencoder._optimizers import update
from ..rbm._kernels import sample_rows
from ..utils._batches import gather_rows
from ..utils._blas import gemm
from ..utils._numba import kernel


@kernel
def clamped_gibbs_chains(visible, n_labels, weights, hidden_bias, visible_bias, streams,
                         n_steps, hidden, visible_input):
    """In place: ``n_steps`` Gibbs steps v -> h -> v of an RBM whose last
    ``n_labels`` visible units (the labels) keep their states.

    Only the other visible units, Bernoulli units, are sampled, so their chain
    is that of an RBM whose hidden biases include the labels' input. (Free
    labels are ``skgen.rbm._kernels.gibbs_chains`` with ``n_labels``.)
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
        visible[:, :n_free] = visible_input[:, :n_free]


@kernel
def fit_classifier_epoch(dense, data, indices, indptr, targets, order, batch_size,
                         params, grads, layers, penalties, penalty_params, solver,
                         moments, n_updates, learning_rate, momentum, nesterov, beta_1,
                         beta_2, epsilon, alpha, activations, deltas, batch_targets,
                         columns):
    """One pass of softmax cross-entropy training over the rows ``order`` of X
    (dense, or CSR when ``dense`` is empty) with one-hot ``targets``; returns the
    loss summed over the rows, in float64.

    Per mini-batch: gather the rows and their targets, the engine's
    ``loss_and_gradient`` with ``LOG_LOSS``, then one step of the optimiser with
    sklearn's L2 term ``alpha / n_rows``. ``batch_targets`` is scratch for
    ``batch_size`` rows of targets.
    """
    n_samples = order.shape[0]
    n_classes = targets.shape[1]
    total = 0.0
    for start in range(0, n_samples, batch_size):
        n_rows = min(batch_size, n_samples - start)
        gather_rows(dense, data, indices, indptr, order, start,
                    slot(activations, layers, 0, n_rows, batch_size))
        rows = batch_targets[:n_rows * n_classes].reshape((n_rows, n_classes))
        for i in range(n_rows):
            rows[i] = targets[order[start + i]]
        total += loss_and_gradient(params, grads, layers, penalties, penalty_params,
                                   LOG_LOSS, rows, activations, deltas, columns, n_rows,
                                   batch_size)
        update(solver, params, grads, moments, n_updates, layers[0, INTERCEPT], alpha / n_rows,
               learning_rate, momentum, nesterov, beta_1, beta_2, epsilon)
    return total
