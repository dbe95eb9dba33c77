"""Contractive autoencoder: an autoencoder whose encoder Jacobian is penalised."""

from numbers import Integral, Real
from typing import ClassVar

from sklearn.utils._param_validation import Interval

from ._base import (
    ATTRIBUTES_DOC,
    ENGINE_NOTES_DOC,
    MIXTURE_ATTRIBUTE_DOC,
    MIXTURE_PARAMETER_DOC,
    PARAMETERS_DOC,
    BaseAutoencoder,
    MixtureSamplingMixin,
)
from ._regularizers import CONTRACTION, penalized_delta


class ContractiveAE(MixtureSamplingMixin, BaseAutoencoder):
    __doc__ = f"""Contractive autoencoder: penalises the encoder's sensitivity to the input.

    Adds to :class:`Autoencoder`'s loss ``contraction_weight`` times the squared
    Frobenius norm of the encoder's Jacobian, so that the code varies little
    along directions the data does not vary in, and is robust to small
    perturbations of the input.

    Parameters
    ----------
{PARAMETERS_DOC}
    contraction_weight : float, default=0.1
        The weight of the penalty relative to the reconstruction loss, which is
        summed over the features.
{MIXTURE_PARAMETER_DOC}

    Attributes
    ----------
{ATTRIBUTES_DOC}
{MIXTURE_ATTRIBUTE_DOC}

    See Also
    --------
    Autoencoder : The same model without the penalty.
    DenoisingAE : Makes the reconstruction, rather than the code, robust to
        (finite) corruption.
    SparseAE : Penalises the code's activity instead.

    Notes
    -----
    For one encoder layer ``h = f(x @ W + b)`` the Jacobian is
    ``J(x) = dh/dx = diag(f'(z)) W.T``, so the penalty of a sample has the
    closed form [1]_

        ``lambda * ||J(x)||_F**2 = lambda * sum_j f'(z_j)**2 * sum_i W_ij**2``

    (with ``f' = h (1 - h)`` for the sigmoid, ``1 - h**2`` for tanh). Its cost
    per mini-batch is one pass over the weights (the column norms and a term of
    the weight gradient) and elementwise work on the code; no extra matrix
    product.

    With several encoder layers ``h_l = f(h_(l-1) @ W_l + b_l)``, what is
    penalised is the sum of every encoder layer's own Jacobian,
    ``lambda * sum_l ||d h_l / d h_(l-1)||_F**2``, each evaluated at the
    sample, as when contractive layers are stacked [2]_. Its gradient is exact
    (it flows into the layers below through ``h_(l-1)``), and its cost is that
    of one layer times the number of layers. It is not the norm of the whole
    encoder's Jacobian, ``J = J_k ... J_1``, but bounds it:
    ``||J||_F <= prod_l ||J_l||_F``. The exact norm would need, per sample, the
    product of the layers' Jacobians: ``n_features * h_1 * h_2`` multiply-adds
    for two layers (12.8 million for 784-256-64), about ten times a whole
    training step of that network, and more again for its gradient.

{ENGINE_NOTES_DOC}

    References
    ----------
    .. [1] Rifai, S., Vincent, P., Muller, X., Glorot, X. and Bengio, Y. (2011).
       Contractive auto-encoders: explicit invariance during feature
       extraction. ICML.
    .. [2] Rifai, S., Mesnil, G., Vincent, P., Muller, X., Bengio, Y., Dauphin,
       Y. and Glorot, X. (2011). Higher order contractive auto-encoder.
       ECML PKDD.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from skgen import ContractiveAE
    >>> X = load_digits().data / 16
    >>> model = ContractiveAE(hidden_layer_sizes=(32,), activation="sigmoid",
    ...                       output_activation="sigmoid", loss="bce",
    ...                       contraction_weight=0.5, max_iter=20,
    ...                       random_state=0).fit(X)
    >>> model.transform(X).shape
    (1797, 32)
    """

    _parameter_constraints: ClassVar[dict] = {
        **BaseAutoencoder._parameter_constraints,
        "contraction_weight": [Interval(Real, 0, None, closed="left")],
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
        contraction_weight=0.1,
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
        self.contraction_weight = contraction_weight
        self.n_mixture_components = n_mixture_components

    def _penalty(self, network):
        """The contraction penalty, on every encoder layer."""
        _, penalized, params = super()._penalty(network)
        n_layers = network.n_layers
        for layer in range(n_layers // 2):
            penalized[layer] = True
            params[layer, 0] = self.contraction_weight
        return penalized_delta(network.activation, CONTRACTION), penalized, params
