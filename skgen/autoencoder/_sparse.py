"""Sparse autoencoder: an autoencoder whose code activity is penalised."""

from numbers import Integral, Real
from typing import ClassVar

from sklearn.utils._param_validation import Interval, StrOptions

from ._base import (
    ATTRIBUTES_DOC,
    ENGINE_NOTES_DOC,
    MIXTURE_ATTRIBUTE_DOC,
    MIXTURE_PARAMETER_DOC,
    PARAMETERS_DOC,
    BaseAutoencoder,
    MixtureSamplingMixin,
)
from ._regularizers import SPARSITY, penalized_delta

#: The weight of each sparsity penalty under ``sparsity_weight="auto"``. The KL
#: divergence is flat near its target (quadratic in the distance), so it needs a
#: far larger weight than "l1" to hold the mean activation there against the
#: reconstruction loss, summed over the features.
AUTO_SPARSITY_WEIGHTS = {"l1": 0.01, "kl": 3.0}


class SparseAE(MixtureSamplingMixin, BaseAutoencoder):
    __doc__ = f"""Sparse autoencoder: an autoencoder with a sparsity penalty on its code.

    Adds to :class:`Autoencoder`'s loss a penalty on the activations of the code
    layer, which drives most code units towards zero for any one input, so
    that the code can be wider than the input and still be informative.

    Parameters
    ----------
{PARAMETERS_DOC}
    sparsity : {{"l1", "kl"}}, default="l1"
        The penalty: "l1" on the code's activity, or "kl" on the divergence of
        each code unit's mean activation from ``sparsity_target``. "kl" needs
        ``activation="sigmoid"``.
    sparsity_weight : float or "auto", default="auto"
        The weight of the penalty relative to the reconstruction loss, which is
        summed over the features. "auto" is 0.01 for "l1" and 3 for "kl" (the
        weight of the exercise that accompanies Ng's notes [1]_, whose objective
        is scaled as this one), which holds the code units' mean activation
        near ``sparsity_target`` under the default squared error. The two
        penalties differ in scale: typical values are 1e-3 to 1e-1 for "l1" and
        1 to 10 for "kl". With ``loss="bce"``, whose gradients are larger, "kl"
        may need a larger weight to reach its target.
    sparsity_target : float, default=0.05
        The mean activation that "kl" aims each code unit at, in (0, 1).
{MIXTURE_PARAMETER_DOC}

    Attributes
    ----------
{ATTRIBUTES_DOC}
{MIXTURE_ATTRIBUTE_DOC}

    See Also
    --------
    Autoencoder : The same model without the penalty.
    ContractiveAE : Penalises the encoder's sensitivity instead.

    Notes
    -----
    With codes ``h`` and weight ``lambda``, the penalty of a mini-batch of n
    samples, added to the sum of their reconstruction losses, is

    - "l1": ``lambda * sum_i sum_j |h_ij|``, an activity penalty [2]_;
    - "kl": ``n * lambda * sum_j KL(rho || rho_j)`` with
      ``KL(rho || q) = rho log(rho / q) + (1 - rho) log((1 - rho) / (1 - q))``,
      where ``rho = sparsity_target`` and ``rho_j`` is the mean activation of
      code unit j over the mini-batch [1]_. The means are clipped to
      [1e-7, 1 - 1e-7].

    Training minimises the mean over the samples of this sum, so "kl" holds
    the mean activation of every unit near ``rho`` in every mini-batch, while
    "l1" shrinks the activations without a target. ``loss_`` includes the
    penalty; :meth:`score_samples` does not.

{ENGINE_NOTES_DOC}

    References
    ----------
    .. [1] Ng, A. (2011). Sparse autoencoder. CS294A Lecture notes, Stanford
       University.
    .. [2] Goodfellow, I., Bengio, Y. and Courville, A. (2016). Deep Learning,
       section 14.2.1, Sparse Autoencoders. MIT Press.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from skgen import SparseAE
    >>> X = load_digits().data / 16
    >>> model = SparseAE(hidden_layer_sizes=(100,), activation="sigmoid",
    ...                  sparsity="kl", sparsity_target=0.1, max_iter=30,
    ...                  random_state=0).fit(X)
    >>> round(float(model.transform(X).mean()), 1)
    0.1
    """

    _parameter_constraints: ClassVar[dict] = {
        **BaseAutoencoder._parameter_constraints,
        "sparsity": [StrOptions(set(SPARSITY))],
        "sparsity_weight": [Interval(Real, 0, None, closed="left"),
                            StrOptions({"auto"})],
        "sparsity_target": [Interval(Real, 0, 1, closed="neither")],
        "n_mixture_components": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        *,
        activation="relu",
        output_activation="identity",
        loss="mse",
        tied_weights=False,
        solver="adam",
        alpha=0.0001,
        batch_size="auto",
        learning_rate_init=0.001,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        pretrain=None,
        pretrain_max_iter=10,
        sparsity="l1",
        sparsity_weight="auto",
        sparsity_target=0.05,
        n_mixture_components=10,
    ):
        super().__init__(
            hidden_layer_sizes=hidden_layer_sizes,
            activation=activation,
            output_activation=output_activation,
            loss=loss,
            tied_weights=tied_weights,
            solver=solver,
            alpha=alpha,
            batch_size=batch_size,
            learning_rate_init=learning_rate_init,
            max_iter=max_iter,
            shuffle=shuffle,
            random_state=random_state,
            tol=tol,
            verbose=verbose,
            warm_start=warm_start,
            momentum=momentum,
            nesterovs_momentum=nesterovs_momentum,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            n_iter_no_change=n_iter_no_change,
            pretrain=pretrain,
            pretrain_max_iter=pretrain_max_iter,
        )
        self.sparsity = sparsity
        self.sparsity_weight = sparsity_weight
        self.sparsity_target = sparsity_target
        self.n_mixture_components = n_mixture_components

    def _check_params(self):
        super()._check_params()
        if self.sparsity == "kl" and self.activation != "sigmoid":
            raise ValueError(
                "sparsity='kl' compares mean activations with sparsity_target as "
                "probabilities, which needs codes in (0, 1): activation='sigmoid'; "
                f"got {self.activation!r}. Use sparsity='l1' for other activations."
            )

    def _penalty(self, network):
        """The sparsity penalty, on the code layer."""
        _, penalized, params = super()._penalty(network)
        n_layers = network.n_layers
        code_layer = n_layers // 2 - 1
        penalized[code_layer] = True
        weight = self.sparsity_weight
        if weight == "auto":
            weight = AUTO_SPARSITY_WEIGHTS[self.sparsity]
        params[code_layer] = (weight, self.sparsity_target)
        penalty = penalized_delta(network.activation, SPARSITY[self.sparsity])
        return penalty, penalized, params
