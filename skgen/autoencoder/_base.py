"""Machinery shared by the autoencoders: their parameters, network and kernels,
the methods that use a trained model, and sampling from a mixture of codes."""

import warnings
from abc import abstractmethod
from numbers import Integral, Real
from typing import ClassVar

import numpy as np
import scipy.sparse as sp
from sklearn.base import ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_array, check_is_fitted

from ..network._activations import ACTIVATIONS
from ..network._base import UnsupervisedNetwork
from ..network._layers import Network
from ..network._losses import RECONSTRUCTION_LOSSES, output_loss
from ..network._passes import predict
from ..utils._callbacks import fit_context, subtasks
from ..utils._random import copy_random_state, extend_streams, row_streams
from ..utils._stacking import fit_greedily, layer_seeds, layer_sizes
from ..utils._validation import as_dense_and_csr, check_count
from ._kernels import autoencoder_epoch, reconstruction_losses

#: Rows per call of the inference kernels (transform, score_samples, ...).
_INFERENCE_ROWS = 512

#: The mixture of codes that ``sample`` draws from is fitted to at most this many
#: training codes.
_MIXTURE_MAX_SAMPLES = 5000

#: The batch size that ``batch_size="auto"`` never exceeds, as in sklearn.
_AUTO_BATCH_SIZE = 200


class BaseAutoencoder(ClassNamePrefixFeaturesOutMixin, TransformerMixin,
                      UnsupervisedNetwork):
    """Base class of the autoencoders: a mirrored network trained to reconstruct
    its input. Subclasses add a noise model or a penalty, and a way to sample."""

    _parameter_constraints: ClassVar[dict] = {
        **UnsupervisedNetwork._parameter_constraints,
        "hidden_layer_sizes": [
            "array-like",
            Interval(Integral, 1, None, closed="left"),
        ],
        "activation": [StrOptions(set(ACTIVATIONS))],
        "output_activation": [StrOptions(set(ACTIVATIONS))],
        "loss": [StrOptions(set(RECONSTRUCTION_LOSSES))],
        "tied_weights": ["boolean"],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "batch_size": [
            StrOptions({"auto"}),
            Interval(Integral, 1, None, closed="left"),
        ],
        "momentum": [Interval(Real, 0, 1, closed="both")],
        "pretrain": [StrOptions({"greedy"}), None],
        "pretrain_max_iter": [Interval(Integral, 1, None, closed="left")],
    }

    @abstractmethod
    def __init__(
        self,
        hidden_layer_sizes,
        *,
        activation,
        output_activation,
        loss,
        tied_weights,
        solver,
        alpha,
        batch_size,
        learning_rate_init,
        max_iter,
        shuffle,
        random_state,
        tol,
        verbose,
        warm_start,
        momentum,
        nesterovs_momentum,
        early_stopping,
        validation_fraction,
        beta_1,
        beta_2,
        epsilon,
        n_iter_no_change,
        pretrain,
        pretrain_max_iter,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.output_activation = output_activation
        self.loss = loss
        self.tied_weights = tied_weights
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate_init = learning_rate_init
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.pretrain = pretrain
        self.pretrain_max_iter = pretrain_max_iter

    _state_names = (
        *UnsupervisedNetwork._state_names,
        "_streams",
        "_sampler_rng",
        "n_layers_",
        "n_outputs_",
        "out_activation_",
        "autoencoders_",
    )

    _layout_parameters = ("hidden_layer_sizes", "tied_weights")

    _epochs_task = "fine-tuning"

    # -- what a variant provides ------------------------------------------------------

    def _noise(self):
        """The noise piece (``_noise.NOISE_MODELS``) and level of the training
        input: none."""
        return None, 0.0

    def _penalty(self, network):
        """The activity penalty piece (``_regularizers``) on the layers' outputs,
        and per layer of ``network`` whether it applies and its (weight, target):
        none."""
        n_layers = network.n_layers
        return None, np.zeros(n_layers, dtype=np.int64), np.zeros((n_layers, 2))

    def _check_params(self):
        """Raise a ValueError for a combination of parameters that cannot work."""
        if self.loss == "bce" and self.output_activation != "sigmoid":
            raise ValueError(
                "loss='bce' is the cross-entropy of Bernoulli outputs, which needs "
                f"output_activation='sigmoid'; got {self.output_activation!r}. Use "
                "loss='mse' for other output activations."
            )

    @abstractmethod
    def _fit_sampler(self, X, state, reset):
        """Fit (``reset``) or update, in ``state``, what :meth:`sample` needs from
        the data X."""

    # -- fitting ----------------------------------------------------------------------

    def _validate_training_data(self, X, y, reset):
        self._check_params()
        return super()._validate_training_data(X, y, reset)

    def _unit_interval_setting(self):
        # The cross-entropy of Bernoulli outputs.
        return ("loss='bce'", "loss='mse'") if self.loss == "bce" else None

    def _build_network(self, n_features):
        """The network: the encoder's sizes, then the same in reverse to n_features."""
        hidden = layer_sizes(self.hidden_layer_sizes)
        n_encoder = len(hidden)
        units = [n_features, *hidden, *hidden[-2::-1], n_features]
        shared = None
        if self.tied_weights:
            # Decoder layer n + i reads encoder layer n - 1 - i's weights transposed.
            shared = [None] * n_encoder + [n_encoder - 1 - i for i in range(n_encoder)]
        return Network(units, self.activation, self.output_activation, shared)

    def _initial_state(self, X, y, rng):
        """A new network: Glorot-uniform, or from greedy pretraining (which draws
        its layers' seeds first)."""
        network = self._build_network(X.shape[1])
        state = {"_network": network, "autoencoders_": []}
        if self.pretrain == "greedy":
            tasks = subtasks(fit_context(self), self, X, y)
            with warnings.catch_warnings():
                # Each layer's budget of epochs is meant to run out.
                warnings.simplefilter("ignore", ConvergenceWarning)
                layers, stopped = fit_greedily(self._layer_autoencoders(rng), X, tasks)
            state["autoencoders_"] = layers
            if stopped:
                state["_stopped"] = True
        factor = 2.0 if self.activation == "sigmoid" else 6.0
        params = network.initial_params(rng, X.dtype, factor)
        if state["autoencoders_"]:
            params = self._stacked_params(network, params, state["autoencoders_"])
        return {
            **state,
            "_params": params,
            "_streams": row_streams(rng, self._n_streams()),
            "_sampler_rng": np.random.RandomState(rng.randint(np.iinfo(np.int32).max)),
            "n_layers_": network.n_layers + 1,
            "n_outputs_": X.shape[1],
            "out_activation_": network.output_activation,
        }

    def _n_tasks_before_epochs(self):
        """One callback task per pretrained layer."""
        if self.pretrain == "greedy":
            return len(layer_sizes(self.hidden_layer_sizes))
        return 0

    def _layer_autoencoders(self, rng):
        """The unfitted shallow autoencoders of greedy pretraining, bottom first.

        Layer l is this estimator with ``hidden_layer_sizes=(h_l,)``, no
        pretraining, ``max_iter=pretrain_max_iter``, ``warm_start=False`` and
        the l-th of :func:`~skgen.utils._stacking.layer_seeds` as
        ``random_state``. The layers above the first reconstruct codes, so their
        output activation is ``activation`` (that of the deep decoder's layer
        they initialise), with the cross-entropy for sigmoid codes and the
        squared error otherwise.
        """
        sizes = layer_sizes(self.hidden_layer_sizes)
        params = self.get_params(deep=False)
        params.update(pretrain=None, max_iter=self.pretrain_max_iter, warm_start=False)
        upper = {"output_activation": self.activation,
                 "loss": "bce" if self.activation == "sigmoid" else "mse"}
        layers = []
        for layer, (width, seed) in enumerate(zip(sizes, layer_seeds(rng, len(sizes)))):
            layer_params = {**params, "hidden_layer_sizes": (width,), "random_state": seed}
            if layer:
                layer_params.update(upper)
            layers.append(type(self)(**layer_params))
        return layers

    @staticmethod
    def _stacked_params(network, params, layers):
        """``params`` with the weights and biases of the pretrained shallow
        autoencoders: encoder layer l and its mirror decoder layer from
        ``layers[l]`` (a tied decoder layer keeps reading its encoder's weights)."""
        coefs, intercepts = network.coefs(params), network.intercepts(params)
        n_layers = network.n_layers
        for layer, shallow in enumerate(layers):
            (encoder, decoder), (encoder_bias, decoder_bias) = (
                shallow.coefs_, shallow.intercepts_)
            coefs[layer][...] = encoder
            intercepts[layer][...] = encoder_bias
            if network.shared[n_layers - 1 - layer] is None:
                coefs[n_layers - 1 - layer][...] = decoder
            intercepts[n_layers - 1 - layer][...] = decoder_bias
        return params

    def _continued_state(self, warm_start):
        state = super()._continued_state(warm_start)
        state["out_activation_"] = state["_network"].output_activation
        return state

    def _n_streams(self):
        return _AUTO_BATCH_SIZE if self.batch_size == "auto" else self.batch_size

    def _training_data(self, X, y, state):
        return (X,)

    def _epoch_runner(self, data, state):
        X = data[0]
        n_samples, n_features = X.shape
        if self.batch_size == "auto":
            batch_size = min(_AUTO_BATCH_SIZE, n_samples)
        else:
            batch_size = min(self.batch_size, n_samples)
        state["_streams"] = extend_streams(state["_streams"], state["_rng"], batch_size)
        network, params = state["_network"], state["_params"]
        dtype = params.dtype
        optimizer = self._make_optimizer(self.momentum)
        noise, noise_level = self._noise()
        penalty, penalized, penalty_params = self._penalty(network)
        fit_epoch = autoencoder_epoch(
            network.activation, network.output_activation,
            output_loss(self.loss, network.output_activation), noise, penalty,
            optimizer.step,
        )
        corruption = () if noise is None else (
            float(noise_level), state["_streams"],
            np.empty(batch_size * n_features, dtype=dtype))
        context = () if penalty is None else (penalized, penalty_params)
        X_parts = as_dense_and_csr(X)
        buffers = (network.buffer(batch_size, dtype), network.buffer(batch_size, dtype),
                   network.columns(dtype))
        grads = np.empty_like(params)
        n_batches = -(-n_samples // batch_size)

        def run_epoch(order):
            total = fit_epoch(*X_parts, order, batch_size, params, grads,
                              network.layers, state["_moments"], state["_n_updates"],
                              optimizer.settings, float(self.alpha), *buffers,
                              corruption, context)
            # sklearn adds the L2 term of the current weights to every batch's loss.
            weights = params[:network.n_coefs]
            return total + n_batches * (0.5 * self.alpha * float(np.dot(weights, weights)))

        return run_epoch

    def _validation_score(self, data, state):
        return -float(np.mean(self._losses(data[0], state["_network"], state["_params"])))

    def _complete_state(self, X, state, reset):
        self._fit_sampler(X, state, reset)

    # -- using the model --------------------------------------------------------------

    @property
    def _n_encoder_layers(self):
        return self._network.n_layers // 2

    @property
    def _n_features_out(self):
        """Number of transformed output features: the code size."""
        return self._network.units[self._n_encoder_layers]

    def _forward(self, X, first, last, network=None, params=None):
        """Feed the rows of X (dense or CSR) to slot ``first``; return slot ``last``."""
        network = self._network if network is None else network
        params = self._params if params is None else params
        capacity = max(1, min(X.shape[0], _INFERENCE_ROWS))
        return predict(network, params, X, first, last, capacity)

    def _losses(self, X, network, params):
        capacity = max(1, min(X.shape[0], _INFERENCE_ROWS))
        out = np.empty(X.shape[0])
        losses = reconstruction_losses(
            network.activation, network.output_activation,
            output_loss(self.loss, network.output_activation),
        )
        losses(*as_dense_and_csr(X), params, network.layers,
               network.buffer(capacity, params.dtype), capacity, out)
        return out

    def transform(self, X):
        """Encode X: the activations of the code layer.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The data to encode.

        Returns
        -------
        codes : ndarray of shape (n_samples, hidden_layer_sizes[-1])
            The codes, in the model's dtype.
        """
        X = self._validate_data(X)
        return self._forward(X, 0, self._n_encoder_layers)

    def inverse_transform(self, X):
        """Decode codes into the data space.

        Parameters
        ----------
        X : array-like of shape (n_samples, hidden_layer_sizes[-1])
            Codes, such as the output of :meth:`transform`.

        Returns
        -------
        X_decoded : ndarray of shape (n_samples, n_features)
            The decoder's outputs, in the model's dtype.
        """
        check_is_fitted(self)
        codes = check_array(X, dtype=self._params.dtype, order="C")
        if codes.shape[1] != self._n_features_out:
            raise ValueError(
                f"X has {codes.shape[1]} features, but {type(self).__name__}."
                f"inverse_transform is expecting {self._n_features_out} features (the "
                "code size) as input."
            )
        return self._forward(codes, self._n_encoder_layers, self._network.n_layers)

    def reconstruct(self, X):
        """Encode then decode X (without noise).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The data to reconstruct.

        Returns
        -------
        X_reconstructed : ndarray of shape (n_samples, n_features)
            The reconstructions, in the model's dtype.
        """
        X = self._validate_data(X)
        return self._forward(X, 0, self._network.n_layers)

    def score_samples(self, X):
        """The negative reconstruction loss of each sample.

        The loss is the training loss without noise or penalties, summed over the
        features: ``0.5 * ||x - r(x)||**2`` for ``loss="mse"`` and the binary
        cross-entropy for ``loss="bce"``. It is not a log-likelihood: an
        autoencoder defines no normalised density of x, and it can reconstruct
        well points far from the training data. Higher is better.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The data to score.

        Returns
        -------
        scores : ndarray of shape (n_samples,)
            The negative reconstruction losses, in float64.
        """
        X = self._validate_data(X)
        return -self._losses(X, self._network, self._params)

    def score(self, X, y=None):
        """The mean negative reconstruction loss of X (see :meth:`score_samples`).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The data to score.
        y : None
            Ignored.

        Returns
        -------
        score : float
            The mean of :meth:`score_samples`.
        """
        return float(np.mean(self.score_samples(X)))

    def _sampling_rng(self, n_samples, random_state):
        check_is_fitted(self)
        check_count(n_samples, "n_samples", 1)
        return check_random_state(self.random_state if random_state is None
                                  else random_state)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags


class MixtureSamplingMixin:
    """Sampling by decoding draws from a Gaussian mixture fitted to training codes."""

    def _fit_sampler(self, X, state, reset):
        """Keep the codes of (at most ``_MIXTURE_MAX_SAMPLES`` random) rows of X.

        The mixture itself is fitted on first use, so that fit pays nothing
        for it.
        """
        rng = state["_sampler_rng"]
        if X.shape[0] > _MIXTURE_MAX_SAMPLES:
            X = X[np.sort(rng.choice(X.shape[0], _MIXTURE_MAX_SAMPLES, replace=False))]
        network = state["_network"]
        state["_training_codes"] = self._forward(
            X, 0, network.n_layers // 2, network, state["_params"]
        )
        state["_code_mixture"] = None

    @property
    def code_mixture_(self):
        """sklearn.mixture.GaussianMixture: the mixture of training codes that
        :meth:`sample` draws from, fitted on first use."""
        if self._code_mixture is None:
            # In float64, which float32 codes of a large scale need for their
            # covariances; a single code is a component of its own (of
            # covariance reg_covar), which GaussianMixture fits from two rows.
            codes = self._training_codes.astype(np.float64)
            n_components = min(self.n_mixture_components, codes.shape[0])
            if codes.shape[0] == 1:
                codes = np.repeat(codes, 2, axis=0)
            with warnings.catch_warnings():
                # Few samples or dead units make degenerate mixtures; reg_covar copes.
                warnings.simplefilter("ignore", ConvergenceWarning)
                try:
                    mixture = self._fit_mixture(codes, n_components, 1e-6)
                except (ValueError, np.linalg.LinAlgError):
                    # Codes so large that sklearn's reg_covar is lost in rounding:
                    # the same regularisation, relative to their scale.
                    scale = float(np.max(np.abs(codes), initial=1.0)) ** 2
                    mixture = self._fit_mixture(codes, n_components, 1e-6 * scale)
            self._code_mixture = mixture
        return self._code_mixture

    def _fit_mixture(self, codes, n_components, reg_covar):
        return GaussianMixture(
            n_components=n_components, covariance_type="full", reg_covar=reg_covar,
            random_state=copy_random_state(self._sampler_rng),
        ).fit(codes)

    def _sample_codes(self, n_samples, rng):
        """Codes drawn from ``code_mixture_``, clipped to the code activation's range."""
        mixture = self.code_mixture_
        weights = mixture.weights_ / mixture.weights_.sum()
        components = rng.choice(len(weights), size=n_samples, p=weights)
        normals = rng.standard_normal((n_samples, mixture.means_.shape[1]))
        factors = np.linalg.cholesky(mixture.covariances_.astype(np.float64))
        codes = mixture.means_[components] + np.einsum(
            "nij,nj->ni", factors[components], normals
        )
        activation = ACTIVATIONS[self._network.activation]
        low, high = activation.low, activation.high
        if low is not None or high is not None:
            codes = np.clip(codes, low, high)
        return codes.astype(self._params.dtype)

    def sample(self, n_samples=1, *, random_state=None):
        """Generate new samples by decoding codes drawn from ``code_mixture_``.

        ``code_mixture_`` is a Gaussian mixture with ``n_mixture_components``
        full-covariance components, fitted on first use to the codes of (at most
        5000 random rows of) the training data of :meth:`fit`, or of the last
        :meth:`partial_fit` call. Draws are clipped to the range of the code
        activation, then decoded: a sample is the decoder's output (its mean),
        not a draw from the output distribution.

        Parameters
        ----------
        n_samples : int, default=1
            Number of samples.
        random_state : int, RandomState instance or None, default=None
            The random stream of the draws. None uses the estimator's
            ``random_state``, so that a seeded estimator gives the same samples
            on every call.

        Returns
        -------
        X : ndarray of shape (n_samples, n_features)
            The samples, in the model's dtype.
        """
        rng = self._sampling_rng(n_samples, random_state)
        codes = self._sample_codes(n_samples, rng)
        return self._forward(codes, self._n_encoder_layers, self._network.n_layers)


def dense_chunks(X, n_rows=_INFERENCE_ROWS * 4):
    """Consecutive dense row blocks of X (dense or sparse), as C-ordered copies."""
    for start in range(0, X.shape[0], n_rows):
        block = X[start:start + n_rows]
        block = block.toarray() if sp.issparse(block) else block
        yield np.array(block, order="C", copy=True)


# -- documentation shared by the estimators' docstrings ---------------------------------

PARAMETERS_DOC = """\
    hidden_layer_sizes : array-like of shape (n_encoder_layers,), default=(100,)
        Sizes of the encoder's layers; the last one is the code size. The
        decoder mirrors the encoder, so ``(256, 64)`` on 784 features is the
        stacked network 784-256-64-256-784.
    activation : {"relu", "sigmoid", "tanh", "selu", "identity"}, default="relu"
        Activation of every hidden layer, the code layer included.
    output_activation : {"identity", "sigmoid", "relu", "tanh", "selu"}, \
default="identity"
        Activation of the output layer: "identity" for real-valued data,
        "sigmoid" for data in [0, 1].
    loss : {"mse", "bce"}, default="mse"
        Reconstruction loss of a sample, summed over its features: "mse" is
        half the squared error, "bce" the binary cross-entropy, for data in
        [0, 1] with ``output_activation="sigmoid"``.
    tied_weights : bool, default=False
        Whether each decoder layer uses the transposed weight matrix of its
        mirror encoder layer (one stored matrix, two uses) instead of its own.
        Biases are never tied.
    solver : {"adam", "sgd"}, default="adam"
        The optimiser: Adam, or SGD with ``momentum`` (Nesterov's when
        ``nesterovs_momentum``), as in sklearn's MLP.
    alpha : float, default=0.0001
        Strength of the L2 penalty on the weights (not the biases). As in
        sklearn, the term ``0.5 * alpha * ||W||**2`` is divided by the
        mini-batch size when added to a mini-batch's mean loss.
    batch_size : int or "auto", default="auto"
        Size of the mini-batches; "auto" is ``min(200, n_samples)``. Larger
        values are clipped to the number of samples.
    learning_rate_init : float, default=0.001
        The learning rate (of SGD) or step size (of Adam).
    max_iter : int, default=200
        Maximum number of passes over the data (epochs) of :meth:`fit`.
    shuffle : bool, default=True
        Whether to visit the samples in a new random order on each pass.
    random_state : int, RandomState instance or None, default=None
        Determines the initial weights, the order of the samples, the
        validation split, every noise draw, and the default stream of
        :meth:`sample`. Pass an int for reproducible results across calls.
        float32 and float64 data make the same random draws.
    tol : float, default=1e-4
        Tolerance of the stopping rule: training stops when the loss (or, with
        ``early_stopping``, the validation score) has not improved by at
        least ``tol`` for ``n_iter_no_change`` consecutive epochs.
    verbose : bool or int, default=False
        Whether to print sklearn's progress line after each epoch.
    warm_start : bool, default=False
        When True, :meth:`fit` continues from the fitted parameters (with a new
        optimiser state, as sklearn) instead of starting anew.
    momentum : float, default=0.9
        Momentum of SGD, in [0, 1].
    nesterovs_momentum : bool, default=True
        Whether SGD uses Nesterov's momentum.
    early_stopping : bool, default=False
        Whether :meth:`fit` holds out ``validation_fraction`` of the data,
        stops when the validation score (see :meth:`score`) stops improving,
        and keeps the parameters with the best validation score.
    validation_fraction : float, default=0.1
        Share of the training data held out for early stopping.
    beta_1 : float, default=0.9
        Decay rate of Adam's first moment, in [0, 1).
    beta_2 : float, default=0.999
        Decay rate of Adam's second moment, in [0, 1).
    epsilon : float, default=1e-8
        Adam's numerical stability constant.
    n_iter_no_change : int, default=10
        Number of epochs without improvement by ``tol`` that stops training.
    pretrain : {"greedy"} or None, default=None
        How a new model starts: None, from Glorot-uniform weights; "greedy",
        from greedy layer-wise pretraining (Vincent et al. 2010, "Stacked
        denoising autoencoders", JMLR 11, section 3.5): encoder layer l and its mirror
        decoder layer are those of a shallow autoencoder of the same kind (the
        same noise or penalty), with ``h_l`` hidden units, fitted to the codes
        of the layer below (X for the first). :meth:`fit` then fine-tunes the
        whole network for ``max_iter`` epochs. Above the first layer, the
        shallow autoencoders reconstruct codes with the output activation
        ``activation``, and the cross-entropy for sigmoid codes or the squared
        error otherwise. Layer l's ``random_state`` is the l-th integer drawn
        from ``random_state``. Pretraining runs whenever a model starts anew:
        in :meth:`fit` without ``warm_start``, and in the first
        :meth:`partial_fit` call, on its data.
    pretrain_max_iter : int, default=10
        Maximum number of epochs of each shallow autoencoder of greedy
        pretraining (its ``max_iter``)."""

MIXTURE_PARAMETER_DOC = """\
    n_mixture_components : int, default=10
        Number of components of the Gaussian mixture fitted to the training
        codes, which :meth:`sample` draws from (at most the number of samples)."""

ATTRIBUTES_DOC = """\
    coefs_ : list of ndarray of shape (fan_in, fan_out)
        The weight matrix of each layer, encoder then decoder, as views of one
        flat parameter vector. With ``tied_weights``, ``coefs_[-1 - i]`` is
        ``coefs_[i].T``, the same memory.
    intercepts_ : list of ndarray of shape (fan_out,)
        The bias vector of each layer.
    n_iter_ : int
        Number of epochs of the last :meth:`fit`, counting on with
        :meth:`partial_fit`.
    t_ : int
        Number of training samples seen, over all calls.
    loss_ : float
        The objective of the last epoch: the mean over the samples of the
        reconstruction loss plus the penalties, plus sklearn's L2 term (with
        the weights at the end of the epoch).
    loss_curve_ : list of float
        ``loss_`` after each epoch.
    best_loss_ : float or None
        The lowest ``loss_`` seen; None with ``early_stopping``.
    validation_scores_ : list of float or None
        The validation score (see :meth:`score`) after each epoch of
        :meth:`fit` with ``early_stopping``; else None.
    best_validation_score_ : float or None
        The best validation score, whose parameters were kept; None without
        ``early_stopping``.
    n_layers_ : int
        Number of layers, the input and output included.
    n_outputs_ : int
        Number of outputs: ``n_features_in_``.
    out_activation_ : str
        The output activation.
    autoencoders_ : list of estimators
        The fitted shallow autoencoders of greedy pretraining (``pretrain``),
        bottom first, before fine-tuning; empty without pretraining.
    n_features_in_ : int
        Number of features seen during :term:`fit`.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :term:`fit`. Defined only when `X` has
        feature names that are all strings."""

MIXTURE_ATTRIBUTE_DOC = """\
    code_mixture_ : sklearn.mixture.GaussianMixture
        The mixture of the training codes that :meth:`sample` draws from. It is
        fitted on first use, to the codes of at most 5000 random training rows
        kept by :meth:`fit` (or by the last :meth:`partial_fit` call)."""

ENGINE_NOTES_DOC = """\
    Training minimises, over mini-batches, the mean over the batch's samples of
    the reconstruction loss plus the penalties, and sklearn's L2 term, with
    gradients by backpropagation. Each epoch is one compiled call that gathers
    the rows of each mini-batch, runs the forward and backward passes (the
    dense products by BLAS, the elementwise work fused into single loops) and
    the optimiser step over one flat parameter vector. Every random draw comes
    from a per-row stream, so results do not depend on the number of threads,
    and float32 data is computed in float32."""
