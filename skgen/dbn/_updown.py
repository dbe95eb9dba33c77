"""Generative fine-tuning of a DBN by the up-down (wake-sleep) algorithm."""

import copy

import numpy as np
from scipy.special import expit, softmax


def up_down(rbms, X, labels, n_epochs, learning_rate, batch_size, n_gibbs_steps, rng):
    """Fine-tune a stack of fitted BernoulliRBMs; return (recognition, generative).

    Below the top RBM, each layer gets untied recognition weights (bottom-up,
    the copies in ``recognition``) and generative weights (top-down, the copies
    in ``generative``, whose last entry is the top RBM). Per mini-batch, as in
    Hinton et al. (2006): a wake pass samples the layers bottom-up with the
    recognition weights and moves the generative weights towards reproducing
    each layer from the one above it; the top RBM takes one CD-k step from the
    wake states (with the labels, if any); a sleep pass samples top-down from
    the CD negative states with the generative weights and moves the
    recognition weights towards inferring each layer from the one below it.
    The top RBM's label units, if any, are sampled as one softmax group.
    """
    recognition = [copy.deepcopy(rbm) for rbm in rbms[:-1]]
    generative = [copy.deepcopy(rbm) for rbm in rbms]
    top = generative[-1]
    n_labels = 0 if labels is None else labels.shape[1]
    n_samples = X.shape[0]

    def sample(probabilities):
        return (rng.uniform(size=probabilities.shape) < probabilities).astype(X.dtype)

    def sample_top_visible(hidden):
        # The label units are one softmax group, as in the top RBM's training.
        visible_input = hidden @ top.components_ + top.intercept_visible_
        visible = sample(expit(visible_input))
        if n_labels:
            cumulative = np.cumsum(softmax(visible_input[:, -n_labels:], axis=1), axis=1)
            chosen = (cumulative < rng.uniform(size=(len(hidden), 1))).sum(axis=1)
            visible[:, -n_labels:] = np.eye(n_labels)[np.minimum(chosen, n_labels - 1)]
        return visible

    for _ in range(n_epochs):
        order = rng.permutation(n_samples)
        for start in range(0, n_samples, batch_size):
            rows = order[start:start + batch_size]
            scale = learning_rate / len(rows)
            # Wake: bottom-up states, then the generative weights.
            wake = [X[rows]]
            for rbm in recognition:
                wake.append(sample(expit(wake[-1] @ rbm.components_.T
                                         + rbm.intercept_hidden_)))
            for layer, rbm in enumerate(generative[:-1]):
                error = wake[layer] - expit(wake[layer + 1] @ rbm.components_
                                            + rbm.intercept_visible_)
                rbm.components_ += scale * (wake[layer + 1].T @ error)
                rbm.intercept_visible_ += scale * error.sum(axis=0)
            # The top RBM: CD-k from the wake states.
            visible = wake[-1] if labels is None else np.hstack([wake[-1],
                                                                 labels[rows]])
            positive = expit(visible @ top.components_.T + top.intercept_hidden_)
            negative_visible, negative = visible, positive
            for _ in range(n_gibbs_steps):
                negative_visible = sample_top_visible(sample(negative))
                negative = expit(negative_visible @ top.components_.T
                                 + top.intercept_hidden_)
            top.components_ += scale * (positive.T @ visible
                                        - negative.T @ negative_visible)
            top.intercept_hidden_ += scale * (positive.sum(0) - negative.sum(0))
            top.intercept_visible_ += scale * (visible.sum(0)
                                               - negative_visible.sum(0))
            # Sleep: top-down states, then the recognition weights.
            sleep = [negative_visible[:, :negative_visible.shape[1] - n_labels]]
            for rbm in reversed(generative[:-1]):
                sleep.insert(0, sample(expit(sleep[0] @ rbm.components_
                                             + rbm.intercept_visible_)))
            for layer, rbm in enumerate(recognition):
                error = sleep[layer + 1] - expit(sleep[layer] @ rbm.components_.T
                                                 + rbm.intercept_hidden_)
                rbm.components_ += scale * (error.T @ sleep[layer])
                rbm.intercept_hidden_ += scale * error.sum(axis=0)
    return recognition, generative
