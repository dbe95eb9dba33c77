"""The top RBM of a DBN fitted with labels: binary units beside one softmax group of
label units."""

from numbers import Integral, Real
from typing import ClassVar

import numpy as np
from scipy.special import logsumexp
from sklearn.utils._param_validation import Interval

from ..rbm import BernoulliRBM, _sampling
from ..rbm._bernoulli import _log_partition_binary, _smoothed_means
from ..rbm._units import BernoulliUnits, JoinedUnits, SoftmaxUnits
from ..utils._random import row_streams
from ._kernels import clamped_gibbs_chains


class LabelledRBM(BernoulliRBM):
    """A BernoulliRBM whose last ``n_labels`` visible units are one softmax group.

    The associative memory at the top of a DBN fitted with labels (Hinton,
    Osindero & Teh 2006): its visible layer is the layer below followed by one
    unit per class, and exactly one label unit is on. Training (CD-k or PCD-k)
    and Gibbs sampling draw the label as one categorical variable from the
    softmax of the label units' input, rather than as independent binary
    units; :meth:`log_partition` sums over one-hot labels only. Everything that
    only reads a visible row (``transform``, ``free_energy``) is the
    BernoulliRBM's, which agrees with the softmax group on one-hot labels.

    Parameters
    ----------
    n_components : int, default=256
        Number of binary hidden units.
    n_labels : int, default=2
        Number of label units, the last columns of the visible layer.
    discriminative_weight : float, default=0.0
        Weight of the discriminative term of hybrid training (0: purely
        generative): each mini-batch also ascends the gradient of its rows'
        ``log p(y | x)``, at ``learning_rate * discriminative_weight``.
    learning_rate, batch_size, n_iter, n_gibbs_steps, persistent, momentum, \
weight_decay, visible_bias_init, centering, shuffle, n_temperatures, \
temperature_ladder, validation_fraction, ais_n_chains, ais_n_betas, verbose, \
random_state
        As in :class:`~skgen.BernoulliRBM`. ``visible_bias_init="data"`` starts
        the label units' biases at the logarithms of the classes' (smoothed)
        frequencies, so that the new model draws labels as often as the data
        has them.

    Attributes
    ----------
    components_, intercept_hidden_, intercept_visible_, h_samples_, \
inverse_temperatures_, swap_rates_, train_scores_, validation_scores_, \
visible_offset_, hidden_offset_, n_features_in_, feature_names_in_
        As in :class:`~skgen.BernoulliRBM`, over the visible units and the
        label units.

    Notes
    -----
    With the free visible units v, the label y and ``W = [W_v, W_y]``, the
    energy is a BernoulliRBM's on ``[v, e_y]``, and
    ``Z = sum_y exp(b_y) Z_y``, where Z_y is the partition function of the
    BernoulliRBM over (v, h) whose hidden biases are ``c + W_y[:, y]``. Exact
    log Z adds up the K Z_y, each by enumerating the smaller of the layers of v
    and h (when it has at most 20 units). Otherwise AIS estimates log Z as in
    :class:`~skgen.BernoulliRBM`, in one set of runs over (v, y): the base model
    has the free units' training marginals, a uniform label and the hidden
    units' mean activations on the training rows, and each transition draws
    the label from its softmax. Parallel tempering
    (``n_temperatures`` > 1) interpolates with the same base model.

    ``p(y | x) = softmax_y(b_y - F_y(x))`` is exact, so its gradient is cheap:
    ``discriminative_weight`` adds it to the contrastive-divergence update, as
    in the hybrid discriminative RBM of Larochelle & Bengio (2008). It sharpens
    the dependence of the hidden units on the label, which generative
    classification and label-clamped sampling rely on.

    References
    ----------
    .. [1] Hinton, G. E., Osindero, S. and Teh, Y.-W. (2006). A fast learning
       algorithm for deep belief nets. Neural Computation 18, pp 1527-1554.
    .. [2] Larochelle, H. and Bengio, Y. (2008). Classification using
       discriminative restricted Boltzmann machines. ICML.
    """

    _parameter_constraints: ClassVar[dict] = {
        **BernoulliRBM._parameter_constraints,
        "n_labels": [Interval(Integral, 1, None, closed="left")],
        "discriminative_weight": [Interval(Real, 0, None, closed="left")],
    }

    def __init__(
        self,
        n_components=256,
        *,
        n_labels=2,
        discriminative_weight=0.0,
        learning_rate=0.1,
        batch_size=10,
        n_iter=10,
        n_gibbs_steps=1,
        persistent=True,
        momentum=0.5,
        weight_decay=0.0,
        visible_bias_init="data",
        centering=True,
        shuffle=True,
        n_temperatures=1,
        temperature_ladder="adaptive",
        validation_fraction=None,
        ais_n_chains=100,
        ais_n_betas=2000,
        verbose=0,
        random_state=None,
    ):
        super().__init__(
            n_components,
            learning_rate=learning_rate,
            batch_size=batch_size,
            n_iter=n_iter,
            n_gibbs_steps=n_gibbs_steps,
            persistent=persistent,
            momentum=momentum,
            weight_decay=weight_decay,
            visible_bias_init=visible_bias_init,
            centering=centering,
            shuffle=shuffle,
            n_temperatures=n_temperatures,
            temperature_ladder=temperature_ladder,
            validation_fraction=validation_fraction,
            ais_n_chains=ais_n_chains,
            ais_n_betas=ais_n_betas,
            verbose=verbose,
            random_state=random_state,
        )
        self.n_labels = n_labels
        self.discriminative_weight = discriminative_weight

    def _check_support(self, X):
        super()._check_support(X)
        if X.shape[1] <= self.n_labels:
            raise ValueError(
                f"X has {X.shape[1]} features, but a LabelledRBM with "
                f"n_labels={self.n_labels} needs more: the labels are its last columns."
            )

    def _units_over(self, bias, velocity):
        """The binary units, then the softmax group of the labels."""
        n_free = bias.shape[0] - self.n_labels
        return JoinedUnits(BernoulliUnits(bias[:n_free], velocity[:n_free]),
                           SoftmaxUnits(bias[n_free:], velocity[n_free:]))

    def _data_visible_bias(self, visible_sum, n_samples):
        """The free units' smoothed logits; the labels' log smoothed frequencies
        (a softmax group's biases matter up to a constant)."""
        bias = super()._data_visible_bias(visible_sum, n_samples)
        n_free = bias.shape[0] - self.n_labels
        bias[n_free:] = np.log(_smoothed_means(visible_sum[n_free:], n_samples))
        return bias

    def _discriminative(self, state, n_chains):
        if self.discriminative_weight == 0:
            return None
        dtype = state["components_"].dtype
        n_hidden = self.n_components
        return (dtype.type(self.discriminative_weight), state["intercept_visible_"],
                self.n_labels,
                np.empty((n_chains, n_hidden), dtype=dtype),
                np.empty((n_chains, n_hidden), dtype=dtype),
                np.empty((n_hidden, self.n_labels), dtype=dtype),
                np.empty((2, self.n_labels)),
                np.empty((self.n_labels, n_hidden)))

    def _random_visible(self, n_samples, dtype, streams):
        """Uniformly random binary units and a uniformly random one-hot label."""
        visible = super()._random_visible(n_samples, dtype, streams)
        labels = np.zeros((n_samples, self.n_labels), dtype=dtype)
        _sampling.sample_softmax_rows(labels, np.zeros(self.n_labels, dtype=dtype),
                                      streams)
        visible[:, -self.n_labels:] = labels
        return visible

    def _sample_chains(self, n_samples, n_gibbs_steps, rng, labels=None):
        """As BernoulliRBM's, but the chains of ``labels`` (indices of label
        units, one per chain) keep their label units clamped to it; None lets
        the labels run free."""
        if labels is None:
            return super()._sample_chains(n_samples, n_gibbs_steps, rng)
        streams = row_streams(rng, n_samples)
        visible = self._random_visible(n_samples, self.components_.dtype, streams)
        visible[:, -self.n_labels:] = 0
        visible[np.arange(n_samples), visible.shape[1] - self.n_labels + labels] = 1
        hidden = np.empty((n_samples, self.n_components), dtype=visible.dtype)
        clamped_gibbs_chains(visible, self.n_labels, self.components_,
                             self.intercept_hidden_, self.intercept_visible_, streams,
                             n_gibbs_steps, hidden, np.empty_like(visible))
        return visible, hidden

    def _log_partition_ais(self, betas, streams, trace):
        return self._ais_log_weights(betas, streams, trace, self.n_labels)

    def _base_units(self, namespace):
        """The free units' base rates and a uniform label, as for AIS."""
        bias = self._base_rate_logits(namespace)
        bias[bias.shape[0] - self.n_labels:] = 0.0
        return self._units_over(bias, np.zeros_like(bias))

    # -- exact log Z: one RBM over the free units per label --------------------------

    def _label_rbms(self):
        """(log-weight b_y, weights, hidden bias, visible bias) of each Z_y, float64."""
        weights = self.components_.astype(np.float64)
        hidden_bias = self.intercept_hidden_.astype(np.float64)
        visible_bias = self.intercept_visible_.astype(np.float64)
        n_free = weights.shape[1] - self.n_labels
        free_weights = np.ascontiguousarray(weights[:, :n_free])
        return [
            (visible_bias[n_free + label], free_weights,
             hidden_bias + weights[:, n_free + label], visible_bias[:n_free])
            for label in range(self.n_labels)
        ]

    def _n_enumerated_units(self):
        return min(self.n_components, self.components_.shape[1] - self.n_labels)

    def _log_partition_exact(self):
        return float(logsumexp([
            label_bias + _log_partition_binary(weights, hidden_bias, visible_bias)
            for label_bias, weights, hidden_bias, visible_bias in self._label_rbms()
        ]))
