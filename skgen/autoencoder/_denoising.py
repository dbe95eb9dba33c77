"""Denoising autoencoder: reconstructs its input from a corrupted copy, and
samples by the corrupt-and-reconstruct Markov chain."""

from numbers import Real
from typing import ClassVar

import numpy as np
from sklearn.utils._param_validation import Interval, StrOptions

from ..utils._random import row_streams
from ..utils._validation import check_count
from ._base import (
    _INFERENCE_ROWS,
    ATTRIBUTES_DOC,
    ENGINE_NOTES_DOC,
    PARAMETERS_DOC,
    BaseAutoencoder,
    dense_chunks,
)
from ._kernels import OUTPUT_DRAWS, denoising_chain
from ._noise import NOISE_MODELS


class DenoisingAE(BaseAutoencoder):
    __doc__ = f"""Denoising autoencoder: reconstructs clean inputs from corrupted ones.

    Each training input is corrupted by a noise model before it enters the
    encoder, and the loss compares the reconstruction with the clean input.
    The model learns the structure of the data rather than the identity, and
    can generate samples by alternating corruption and reconstruction.

    Parameters
    ----------
{PARAMETERS_DOC}
    noise : {{"masking", "gaussian", "salt_and_pepper"}}, default="masking"
        The corruption of the training inputs: "masking" sets each value to 0
        with probability ``noise_level``; "gaussian" adds independent
        ``N(0, noise_level**2)`` noise; "salt_and_pepper" sets each value, with
        probability ``noise_level``, to 0 or 1 at even odds (for data in
        [0, 1]).
    noise_level : float, default=0.25
        The probability of corrupting a value (at most 1), or the standard
        deviation of the Gaussian noise.

    Attributes
    ----------
{ATTRIBUTES_DOC}

    See Also
    --------
    Autoencoder : The same model without noise.
    ContractiveAE : Penalises the encoder's sensitivity to infinitesimal
        perturbations instead.

    Notes
    -----
    The loss of a sample x is the reconstruction loss of ``r(C(x))`` against
    x, where C is the noise model, drawn anew at every visit of the sample
    [1]_. :meth:`transform`, :meth:`reconstruct` and :meth:`score_samples`
    use the clean input.

    :meth:`sample` runs the generative Markov chain of Bengio et al. [2]_:
    from ``x_t``, draw a corruption ``x~ ~ C(x~ | x_t)``, then the next state
    from the model's output distribution ``x_(t+1) ~ P(x | x~)``. That is
    Bernoulli with the reconstruction ``r(x~)`` as probabilities for
    ``loss="bce"``, and for ``loss="mse"`` Gaussian around ``r(x~)`` with the
    per-feature variance of the training residuals ``x - r(C(x))``, measured
    after training. When the model is a consistent estimator of the true
    ``P(x | x~)``, the chain's stationary distribution is a consistent
    estimator of the data distribution [2]_. Chains start from noise with the
    per-feature means (and, for "mse", variances) of the training data:
    independent Bernoulli or Gaussian values.

{ENGINE_NOTES_DOC}

    References
    ----------
    .. [1] Vincent, P., Larochelle, H., Lajoie, I., Bengio, Y. and Manzagol,
       P.-A. (2010). Stacked denoising autoencoders: learning useful
       representations in a deep network with a local denoising criterion.
       JMLR 11, pp 3371-3408.
    .. [2] Bengio, Y., Yao, L., Alain, G. and Vincent, P. (2013). Generalized
       denoising auto-encoders as generative models. NeurIPS.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from skgen import DenoisingAE
    >>> X = load_digits().data / 16
    >>> model = DenoisingAE(hidden_layer_sizes=(64,), activation="sigmoid",
    ...                     output_activation="sigmoid", loss="bce",
    ...                     noise="masking", noise_level=0.3, max_iter=20,
    ...                     random_state=0).fit(X)
    >>> model.reconstruct(X[:2]).shape
    (2, 64)
    >>> model.sample(3, n_steps=10, random_state=0).shape
    (3, 64)
    """

    _parameter_constraints: ClassVar[dict] = {
        **BaseAutoencoder._parameter_constraints,
        "noise": [StrOptions(set(NOISE_MODELS))],
        "noise_level": [Interval(Real, 0, None, closed="left")],
    }

    _state_names = (*BaseAutoencoder._state_names, "_sampler_sums", "_sampler_count")

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
        noise="masking",
        noise_level=0.25,
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
        self.noise = noise
        self.noise_level = noise_level

    def _check_params(self):
        super()._check_params()
        if self.noise != "gaussian" and self.noise_level > 1:
            raise ValueError(
                f"noise_level is the probability of corrupting a value for "
                f"noise={self.noise!r}, so it must be at most 1; got "
                f"{self.noise_level!r}."
            )

    def _noise(self):
        return NOISE_MODELS[self.noise], float(self.noise_level)

    def _chain(self, network):
        """The denoising chain's kernel for ``network``, the noise model and the
        output distribution of ``loss``."""
        return denoising_chain(network.activation, network.output_activation,
                               NOISE_MODELS[self.noise], OUTPUT_DRAWS[self.loss])

    def _fit_sampler(self, X, state, reset):
        """Sum x, x**2 and the residuals (x - r(C(x)))**2 of the data, per feature."""
        network, params = state["_network"], state["_params"]
        dtype = params.dtype
        if reset:
            sums, count = np.zeros((3, X.shape[1])), 0
        else:
            sums, count = state["_sampler_sums"], state["_sampler_count"]
        noise = NOISE_MODELS[self.noise]
        for block in dense_chunks(X):
            block = block.astype(dtype, copy=False)
            corrupted = np.empty_like(block)
            noise(block, corrupted, float(self.noise_level),
                  row_streams(state["_sampler_rng"], block.shape[0]))
            reconstruction = self._forward(corrupted, 0, network.n_layers, network,
                                           params)
            block = block.astype(np.float64)
            sums[0] += block.sum(axis=0)
            sums[1] += (block**2).sum(axis=0)
            sums[2] += ((block - reconstruction) ** 2).sum(axis=0)
            count += block.shape[0]
        state["_sampler_sums"] = sums
        state["_sampler_count"] = count

    def sample(self, n_samples=1, *, n_steps=100, random_state=None):
        """Generate samples with the denoising Markov chain (see Notes).

        Each sample is the last state of its own chain, started from
        independent noise with the training data's per-feature statistics and
        run for ``n_steps`` corrupt-and-sample steps. For ``loss="bce"`` the
        states are binary (Bernoulli draws); for ``loss="mse"`` they are
        real-valued.

        Parameters
        ----------
        n_samples : int, default=1
            Number of samples (chains).
        n_steps : int, default=100
            Number of steps of each chain.
        random_state : int, RandomState instance or None, default=None
            The random stream of the chains. None uses the estimator's
            ``random_state``, so that a seeded estimator gives the same samples
            on every call.

        Returns
        -------
        X : ndarray of shape (n_samples, n_features)
            The samples, in the model's dtype.
        """
        rng = self._sampling_rng(n_samples, random_state)
        check_count(n_steps, "n_steps", 0)
        dtype = self._params.dtype
        mean, variance, residual_variance = self._sampler_sums / self._sampler_count
        variance = np.maximum(variance - mean**2, 0.0)
        shape = (n_samples, mean.shape[0])
        if self.loss == "bce":
            x = (rng.uniform(size=shape) < mean).astype(dtype)
        else:
            x = (mean + np.sqrt(variance) * rng.standard_normal(shape)).astype(dtype)
        capacity = min(n_samples, _INFERENCE_ROWS)
        self._chain(self._network)(
            x, n_steps, float(self.noise_level), self._params, self._network.layers,
            np.sqrt(residual_variance).astype(dtype), row_streams(rng, n_samples),
            self._network.buffer(capacity, dtype), capacity,
        )
        return x
