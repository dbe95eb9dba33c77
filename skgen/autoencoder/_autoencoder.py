"""The plain autoencoder: undercomplete or stacked, with untied or tied weights."""

from numbers import Integral
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


class Autoencoder(MixtureSamplingMixin, BaseAutoencoder):
    __doc__ = f"""Autoencoder: an encoder and a mirrored decoder that reconstruct the input.

    With one hidden layer narrower than the input, it is the undercomplete
    autoencoder; with several, the stacked one, trained end to end. The other
    autoencoders of skgen add one piece each to this one: a noise model
    (:class:`DenoisingAE`) or a penalty (:class:`SparseAE`,
    :class:`ContractiveAE`).

    Parameters
    ----------
{PARAMETERS_DOC}
{MIXTURE_PARAMETER_DOC}

    Attributes
    ----------
{ATTRIBUTES_DOC}
{MIXTURE_ATTRIBUTE_DOC}

    See Also
    --------
    DenoisingAE : Reconstructs the clean input from a corrupted one.
    SparseAE : Penalises the code's activity.
    ContractiveAE : Penalises the encoder's Jacobian.
    sklearn.neural_network.MLPRegressor : ``MLPRegressor().fit(X, X)`` trains
        the same network with squared error, more slowly.

    Notes
    -----
    With encoder layers ``h_l = f(h_(l-1) @ W_l + b_l)`` from ``h_0 = x`` to the
    code ``h_k``, and the decoder likewise from the code to the reconstruction
    ``r(x)``, the loss of a sample is ``0.5 * ||r(x) - x||**2`` ("mse") or
    ``-sum_j x_j log r_j(x) + (1 - x_j) log(1 - r_j(x))`` ("bce") [1]_.

{ENGINE_NOTES_DOC}

    :meth:`sample` decodes draws from ``code_mixture_``, a Gaussian mixture
    fitted to the training codes (on first use, so that :meth:`fit` does not
    pay for it). An autoencoder has no density of its own, so the samples are only as
    good as the mixture's fit to the code distribution.

    References
    ----------
    .. [1] Goodfellow, I., Bengio, Y. and Courville, A. (2016). Deep Learning,
       chapter 14, Autoencoders. MIT Press.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from skgen import Autoencoder
    >>> X = load_digits().data / 16
    >>> model = Autoencoder(hidden_layer_sizes=(32,), activation="sigmoid",
    ...                     output_activation="sigmoid", loss="bce", max_iter=20,
    ...                     random_state=0).fit(X)
    >>> model.transform(X).shape
    (1797, 32)
    >>> model.reconstruct(X[:2]).shape
    (2, 64)
    >>> model.sample(3, random_state=0).shape
    (3, 64)
    """

    _parameter_constraints: ClassVar[dict] = {
        **BaseAutoencoder._parameter_constraints,
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
        self.n_mixture_components = n_mixture_components
