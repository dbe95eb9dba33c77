"""Numba kernels of the DBNs: Gibbs sampling with clamped visible units, and an
epoch of supervised fine-tuning on the autoencoder engine's network."""

from ..autoencoder._engine import INTERCEPT, loss_and_gradient, slot
from ..autoencoder._losses import LOG_LOSS
from ..autoencoder._optimizers import update
from ..rbm._kernels import sample_rows
from ..utils._batches import gather_rows
from ..utils._blas import gemm
from ..utils._numba import kernel


@kernel
def clamped_gibbs_chains(free, weights, hidden_bias, free_bias, clamped_input, streams,
                         n_steps, hidden):
    """In place: ``n_steps`` Gibbs steps of an RBM whose visible layer is split into
    free units and clamped units.

    ``free`` (n_chains, n_free) holds the free units' states and ``weights``
    (n_hidden, n_free) their weights; the clamped units (for a DBN, its label
    units) only add ``clamped_input`` (n_chains, n_hidden) to the hidden units'
    input. Both layers are sampled at every step; ``hidden`` is scratch of shape
    (n_chains, n_hidden) and ends with the last hidden sample.
    """
    one = weights.dtype.type(1.0)
    for _ in range(n_steps):
        hidden[:] = clamped_input
        gemm(one, free, False, weights, True, one, hidden)
        sample_rows(hidden, hidden_bias, streams)
        gemm(one, hidden, False, weights, False, 0 * one, free)
        sample_rows(free, free_bias, streams)


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
