"""Greedy layer-wise pretraining, shared by DBN and DBNClassifier."""

from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.utils._param_validation import (
    Interval,
    StrOptions,
    validate_parameter_constraints,
)
from sklearn.utils.validation import check_is_fitted

from ..rbm import BernoulliRBM, GaussianBernoulliRBM
from ..utils._stacking import fit_greedily, layer_seeds, layer_sizes
from ._labelled import LabelledRBM

#: The RBM training parameters that take one value per layer, and the
#: constraint on each value.
PER_LAYER_CONSTRAINTS = {
    "learning_rate": Interval(Real, 0, None, closed="neither"),
    "batch_size": Interval(Integral, 1, None, closed="left"),
    "n_iter": Interval(Integral, 0, None, closed="left"),
    "n_gibbs_steps": Interval(Integral, 1, None, closed="left"),
    "persistent": "boolean",
    "momentum": Interval(Real, 0, 1, closed="left"),
    "weight_decay": Interval(Real, 0, None, closed="left"),
}

#: The parameter constraints of greedy pretraining.
PRETRAINING_CONSTRAINTS = {
    "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
    "visible_units": [StrOptions({"bernoulli", "gaussian"})],
    **{name: [constraint, "array-like"]
       for name, constraint in PER_LAYER_CONSTRAINTS.items()},
    "visible_bias_init": [StrOptions({"data", "zeros"})],
    "centering": ["boolean"],
    "shuffle": ["boolean"],
    "verbose": ["verbose"],
    "random_state": ["random_state"],
}

#: The RBM class of the bottom layer, by ``visible_units``; the layers above it
#: are BernoulliRBMs.
VISIBLE_UNITS = {"bernoulli": BernoulliRBM, "gaussian": GaussianBernoulliRBM}


class PretrainedStack:
    """What the models pretrained as a stack of RBMs share: the training
    history of each layer."""

    @property
    def pretraining_scores_(self):
        """list of list of float: the ``train_scores_`` of each RBM of
        ``rbms_``, from the bottom: the score of its training rows after each
        pass of greedy pretraining."""
        check_is_fitted(self)
        return [list(rbm.train_scores_) for rbm in self.rbms_]


def layer_values(estimator, name, n_layers):
    """The value of a per-layer parameter for each layer: a scalar repeated, or a
    sequence of one value per layer, each checked against its constraint (the
    RBMs skip their own checks inside the estimator's ``fit``)."""
    value = getattr(estimator, name)
    if isinstance(value, str) or not np.iterable(value):
        return [value] * n_layers
    # numpy scalars become Python ones, which the RBMs accept.
    values = [v.item() if isinstance(v, np.generic) else v for v in value]
    if len(values) != n_layers:
        raise ValueError(
            f"{name} must be a scalar or have one value per layer: "
            f"hidden_layer_sizes has {n_layers} layers, but {name} has "
            f"{len(values)} values ({value!r})."
        )
    for layer, item in enumerate(values):
        validate_parameter_constraints(
            {f"{name}[{layer}]": [PER_LAYER_CONSTRAINTS[name]]},
            {f"{name}[{layer}]": item}, type(estimator).__name__,
        )
    return values


def layer_rbms(estimator, rng, n_labels=0, **rbm_params):
    """The unfitted RBMs of a stack, bottom to top.

    Layer l is an RBM with ``hidden_layer_sizes[l]`` hidden units, with the
    per-layer training parameters of ``estimator`` and ``random_state`` from
    :func:`layer_seeds`. With ``n_labels`` classes, the top RBM is a
    :class:`LabelledRBM`, whose visible layer ends in one softmax group of
    label units.
    """
    sizes = layer_sizes(estimator.hidden_layer_sizes)
    n_layers = len(sizes)
    values = {name: layer_values(estimator, name, n_layers)
              for name in PER_LAYER_CONSTRAINTS}
    seeds = layer_seeds(rng, n_layers)
    rbms = []
    for layer, size in enumerate(sizes):
        model = VISIBLE_UNITS[estimator.visible_units] if layer == 0 else BernoulliRBM
        extra = {}
        if layer == n_layers - 1 and n_labels:
            if model is not BernoulliRBM:
                raise ValueError(
                    "The label units join the visible layer of the top RBM, which "
                    "must be a BernoulliRBM: with visible_units='gaussian', fit with "
                    "y needs at least two hidden layers."
                )
            model = LabelledRBM
            extra = {"n_labels": n_labels,
                     "discriminative_weight": estimator.discriminative_weight}
        rbms.append(model(
            size,
            **{name: values[name][layer] for name in PER_LAYER_CONSTRAINTS},
            visible_bias_init=estimator.visible_bias_init,
            centering=estimator.centering,
            shuffle=estimator.shuffle,
            verbose=estimator.verbose,
            random_state=seeds[layer],
            **extra,
            **rbm_params,
        ))
    return rbms


def pretrain(estimator, X, rng, labels=None, tasks=None, fitted=None, **rbm_params):
    """Fit a stack of RBMs greedily, bottom to top; return them, and whether a
    callback stopped the fit.

    The RBMs are those of :func:`layer_rbms`, fitted by
    :func:`skgen.utils._stacking.fit_greedily`: layer l is fitted to the mean
    activations P(h|v) of the layer below it (X for layer 0). With ``labels``
    (one-hot rows), the top RBM is fitted to the columns of its input followed
    by the labels. ``tasks`` and ``fitted`` are the callback tasks of
    ``fit_greedily``.
    """
    stack = layer_rbms(estimator, rng, 0 if labels is None else labels.shape[1],
                       **rbm_params)
    top_input = None if labels is None else (lambda data: join_labels(data, labels))
    return fit_greedily(stack, X, tasks, fitted, top_input)


def partial_pretrain(rbms, X, labels=None):
    """One training pass of each RBM of a stack on X, bottom to top: each
    layer's ``partial_fit`` on the mean activations of the one below (the top
    one's input followed by ``labels``, when given)."""
    data = X
    for layer, rbm in enumerate(rbms):
        if layer == len(rbms) - 1 and labels is not None:
            data = join_labels(data, labels)
        rbm.partial_fit(data)
        if layer < len(rbms) - 1:
            data = rbm.transform(data)


def join_labels(data, labels):
    """The columns of data followed by the one-hot labels, in data's dtype."""
    labels = labels.astype(data.dtype)
    if sp.issparse(data):
        return sp.hstack([data, sp.csr_matrix(labels)], format="csr")
    return np.hstack([data, labels])


def one_hot(encoded, n_classes, dtype):
    """Rows of the identity of size ``n_classes``, picked by ``encoded``."""
    return np.eye(n_classes, dtype=dtype)[encoded]
