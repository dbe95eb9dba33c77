"""The variational autoencoder, on the network floor."""

from numbers import Integral, Real
from typing import ClassVar

import numpy as np
from sklearn.base import ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_array, check_is_fitted

from ..network._activations import ACTIVATIONS
from ..network._base import UnsupervisedNetwork
from ..network._layers import Network
from ..network._passes import predict
from ..utils._batches import row_chunks
from ..utils._random import content_streams, extend_streams, row_streams
from ..utils._validation import as_dense_and_csr, check_count, check_widths
from ._kernels import (
    LIKELIHOODS,
    OUTPUT_ACTIVATIONS,
    log_mean_exp_rows,
    vae_epoch,
    vae_log_weights,
)

#: Rows per call of the inference kernels (transform, score_samples, ...).
_INFERENCE_ROWS = 512

#: The seed of the codes drawn for the validation score of early stopping: the
#: same draws every epoch, so that the scores compare parameters, not noise.
_VALIDATION_SEED = 0


class VAE(ClassNamePrefixFeaturesOutMixin, TransformerMixin, UnsupervisedNetwork):
    """Variational autoencoder with a Gaussian code and a Bernoulli or Gaussian decoder.

    The encoder maps x to the mean and log-variance of a diagonal Gaussian
    q(z|x); the decoder maps a code z to the parameters of p(x|z). Both are
    trained together by maximising the evidence lower bound (ELBO) with
    reparameterised codes [1]_. The log-likelihood of data is estimated by
    importance sampling (the IWAE bound [2]_).

    Parameters
    ----------
    n_components : int, default=2
        Dimension of the code z.
    hidden_layer_sizes : array-like of shape (n_encoder_layers,), default=(256,)
        Widths of the encoder's hidden layers; the decoder's are the same in
        reverse. Empty for a linear encoder and decoder.
    activation : {"identity", "relu", "sigmoid", "tanh", "selu"}, default="relu"
        Activation of the hidden layers.
    likelihood : {"bernoulli", "gaussian"}, default="bernoulli"
        The decoder's distribution p(x|z). "bernoulli": independent Bernoulli
        features with logits given by the decoder, for data in [0, 1] (the
        binary cross-entropy); "gaussian": independent Gaussian features with
        means given by the decoder and a learned variance per feature.
    beta : float, default=1.0
        Weight of the KL term (beta-VAE [3]_); 1 is the ELBO.
    n_importance_samples : int, default=50
        Number of codes per sample of the importance-weighted estimate of
        log p(x) in :meth:`score_samples`.
    solver : {"adam", "sgd"}, default="adam"
        The optimiser.
    batch_size : int, default=128
        Size of the mini-batches.
    learning_rate_init : float, default=0.001
        Step size of the optimiser.
    max_iter : int, default=200
        Maximum number of epochs of :meth:`fit`.
    shuffle : bool, default=True
        Whether to shuffle the samples at each epoch.
    random_state : int, RandomState instance or None, default=None
        Seeds the initial parameters, the shuffling, the training codes, and,
        when the methods get no ``random_state`` of their own, the codes of
        :meth:`elbo` and :meth:`score_samples` and the draws of :meth:`sample`.
    tol : float, default=1e-4
        Improvement of the loss (or validation score) below which an epoch
        counts as no improvement.
    verbose : bool, default=False
        Whether to print the loss after each epoch.
    warm_start : bool, default=False
        Whether :meth:`fit` continues from the fitted parameters.
    momentum : float, default=0.9
        Momentum of "sgd".
    nesterovs_momentum : bool, default=True
        Whether "sgd" uses Nesterov's momentum.
    early_stopping : bool, default=False
        Whether to hold out ``validation_fraction`` of the data and stop when
        the validation score (the mean ELBO) stops improving, keeping the best
        parameters.
    validation_fraction : float, default=0.1
        Share of the data held out with ``early_stopping``.
    beta_1, beta_2 : float, default=0.9, 0.999
        Decay rates of Adam's moment estimates.
    epsilon : float, default=1e-8
        Adam's numerical stability term.
    n_iter_no_change : int, default=10
        Number of epochs without improvement before stopping.

    Attributes
    ----------
    coefs_ : list of ndarray of shape (fan_in, fan_out)
        The weight matrix of each layer, encoder then decoder. The encoder's
        last layer has ``2 * n_components`` outputs: the means, then the
        log-variances of q(z|x).
    intercepts_ : list of ndarray of shape (fan_out,)
        The bias vector of each layer.
    output_variance_ : ndarray of shape (`n_features_in_`,) or None
        The variance of each feature under p(x|z) for the Gaussian likelihood;
        None for the Bernoulli one.
    n_iter_ : int
        Number of epochs of the last :meth:`fit`, counting on with
        :meth:`partial_fit`.
    t_ : int
        Number of training samples seen, over all calls.
    loss_ : float
        The objective of the last epoch: the mean over the samples of the
        negative ELBO (with the KL term weighted by ``beta``), each estimated
        with one code.
    loss_curve_ : list of float
        ``loss_`` after each epoch.
    best_loss_ : float or None
        The lowest ``loss_`` seen; None with ``early_stopping``.
    validation_scores_ : list of float or None
        The mean ELBO of the validation set after each epoch of :meth:`fit`
        with ``early_stopping``; else None.
    best_validation_score_ : float or None
        The best validation score, whose parameters were kept; None without
        ``early_stopping``.
    n_layers_ : int
        Number of layers of the encoder and the decoder, plus one.
    n_outputs_ : int
        Number of outputs: ``n_features_in_``.
    out_activation_ : str
        The decoder's output: "sigmoid" (Bernoulli means) or "identity".
    n_features_in_ : int
        Number of features seen during :term:`fit`.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :term:`fit`. Defined only when `X` has
        feature names that are all strings.

    See Also
    --------
    Autoencoder : A deterministic encoder and decoder, without a density.
    BernoulliRBM : Another generative model of binary data.

    Notes
    -----
    For a sample x, the encoder gives ``mu(x)`` and ``log_var(x)``; a code is
    ``z = mu + exp(log_var / 2) * eps`` with ``eps ~ N(0, I)``
    (reparameterisation), so that gradients flow through the sampling. The
    loss is the negative ELBO

    ``-log p(x|z) + beta * KL(q(z|x) || N(0, I))``,

    ``KL = -1/2 sum(1 + log_var - exp(log_var) - mu**2)``,

    with one code per sample and epoch and the KL term in closed form. The
    Bernoulli ``-log p(x|z)`` is the binary cross-entropy on the logits; the
    Gaussian one ``1/2 sum(log(2 pi s_j) + (x_j - m_j(z))**2 / s_j)`` with
    learned variances ``s_j``.

    The weights and biases of every layer start uniform in
    ``+-1 / sqrt(fan_in)``, PyTorch's default for ``nn.Linear``, and the
    variances ``s_j`` at 1. The autoencoders keep sklearn's Glorot
    initialisation, from which the VAE learns more slowly (the comparison is
    in ``benchmarks/RESULTS.md``).

    :meth:`elbo` estimates the ELBO (beta = 1) of each sample with the KL term
    in closed form and one code. :meth:`score_samples` estimates log p(x) by
    the IWAE bound with K = ``n_importance_samples`` codes ``z_k ~ q(z|x)``,

    ``log (1/K) sum_k p(x|z_k) p(z_k) / q(z_k|x)``.

    Its expectation is a lower bound on log p(x) that is at least the ELBO,
    grows with K and tends to log p(x) [2]_. It is a random estimate: seed it
    (``random_state``) for repeatable values. The codes of a sample come from a
    random stream keyed by the seed and the sample's values, so that its
    estimate does not depend on the other samples, their order or the dtype.

    Training runs on the network floor shared with the autoencoders: the
    encoder and the decoder are two networks over one flat parameter vector,
    and each epoch is one compiled call that runs, per mini-batch, their
    forward and backward passes (dense products by BLAS), the code layer and
    the optimiser step. Every random draw comes from a per-row stream, so results
    do not depend on the number of threads, and float32 and float64 models
    with the same ``random_state`` draw the same codes.

    References
    ----------
    .. [1] Kingma, D. P. and Welling, M. (2014). Auto-encoding variational Bayes.
       ICLR.
    .. [2] Burda, Y., Grosse, R. and Salakhutdinov, R. (2016). Importance
       weighted autoencoders. ICLR.
    .. [3] Higgins, I. et al. (2017). beta-VAE: learning basic visual concepts
       with a constrained variational framework. ICLR.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from skgen import VAE
    >>> X = (load_digits().data > 7).astype(float)
    >>> model = VAE(n_components=2, hidden_layer_sizes=(64,), max_iter=20,
    ...             random_state=0).fit(X)
    >>> model.transform(X).shape
    (1797, 2)
    >>> model.sample(3, random_state=0).shape
    (3, 64)
    >>> bool(model.score(X[:100]) >= model.elbo(X[:100]).mean())
    True
    """

    _parameter_constraints: ClassVar[dict] = {
        **UnsupervisedNetwork._parameter_constraints,
        "n_components": [Interval(Integral, 1, None, closed="left")],
        "hidden_layer_sizes": [
            "array-like",
            Interval(Integral, 1, None, closed="left"),
        ],
        "activation": [StrOptions(set(ACTIVATIONS))],
        "likelihood": [StrOptions(set(LIKELIHOODS))],
        "beta": [Interval(Real, 0, None, closed="left")],
        "n_importance_samples": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "momentum": [Interval(Real, 0, 1, closed="both")],
    }

    _state_names = (
        *UnsupervisedNetwork._state_names,
        "_streams",
        "n_layers_",
        "n_outputs_",
        "out_activation_",
    )

    _layout_parameters = ("n_components", "hidden_layer_sizes", "likelihood")

    def __init__(
        self,
        n_components=2,
        *,
        hidden_layer_sizes=(256,),
        activation="relu",
        likelihood="bernoulli",
        beta=1.0,
        n_importance_samples=50,
        solver="adam",
        batch_size=128,
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
    ):
        self.n_components = n_components
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.likelihood = likelihood
        self.beta = beta
        self.n_importance_samples = n_importance_samples
        self.solver = solver
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

    # -- fitting ----------------------------------------------------------------------

    def _unit_interval_setting(self):
        if self.likelihood != "bernoulli":
            return None
        return "likelihood='bernoulli'", "likelihood='gaussian'"

    def _build_network(self, n_features):
        hidden = check_widths(self.hidden_layer_sizes, "hidden_layer_sizes")
        return VAENetwork(n_features, self.n_components, hidden, self.activation,
                          self.likelihood)

    def _initial_state(self, X, y, rng):
        network = self._build_network(X.shape[1])
        state = {
            "_network": network,
            "_params": network.initial_params(rng, X.dtype),
            "_streams": row_streams(rng, self.batch_size),
            "n_layers_": network.n_layers + 1,
            "n_outputs_": X.shape[1],
            "out_activation_": network.activations[-1],
        }
        # The draw of the autoencoders' sampler seed, which the VAE does not need:
        # kept so that the order of every later draw stays that of the model's
        # first versions.
        rng.randint(np.iinfo(np.int32).max)
        return state

    def _continued_state(self, warm_start):
        state = super()._continued_state(warm_start)
        state["out_activation_"] = state["_network"].activations[-1]
        return state

    def _training_data(self, X, y, state):
        return (X,)

    def _epoch_runner(self, data, state):
        X = data[0]
        n_samples = X.shape[0]
        batch_size = min(self.batch_size, n_samples)
        state["_streams"] = extend_streams(state["_streams"], state["_rng"], batch_size)
        network, params = state["_network"], state["_params"]
        dtype = params.dtype
        optimizer = self._make_optimizer(self.momentum)
        fit_epoch = vae_epoch(network.activation, network.likelihood, optimizer.step)
        X_parts = as_dense_and_csr(X)
        buffers = (
            network.encoder.buffer(batch_size, dtype),
            network.encoder.buffer(batch_size, dtype),
            network.decoder.buffer(batch_size, dtype),
            network.decoder.buffer(batch_size, dtype),
            np.empty(batch_size * self.n_components, dtype=dtype),
            _normals(self.n_components),
            network.columns(dtype),
        )
        grads = np.empty_like(params)

        def run_epoch(order):
            return fit_epoch(*X_parts, order, batch_size, params, grads,
                             network.encoder.layers, network.decoder.layers,
                             float(self.beta), state["_moments"], state["_n_updates"],
                             optimizer.settings, state["_streams"], *buffers)

        return run_epoch

    def _validation_score(self, data, state):
        """The mean ELBO of the validation rows, with fixed codes."""
        return -float(np.mean(self._losses(data[0], state["_network"], state["_params"])))

    def _losses(self, X, network, params):
        """The negative ELBO of each row of X, with fixed codes (early stopping)."""
        streams = _content_streams(X, _VALIDATION_SEED)
        return -self._log_weights(X, 1, True, streams, network, params)[:, 0]

    # -- using the model --------------------------------------------------------------

    @property
    def _n_features_out(self):
        return self.n_components

    @property
    def output_variance_(self):
        check_is_fitted(self)
        log_var = self._network.log_var(self._params)
        return np.exp(log_var) if log_var.size else None

    def _log_weights(self, X, n_draws, analytic_kl, streams, network=None, params=None):
        network = self._network if network is None else network
        params = self._params if params is None else params
        capacity = max(1, min(X.shape[0], _INFERENCE_ROWS))
        out = np.empty((X.shape[0], n_draws))
        log_weights = vae_log_weights(network.activation, network.likelihood)
        log_weights(
            *as_dense_and_csr(X), params, network.encoder.layers,
            network.decoder.layers, analytic_kl, streams,
            network.encoder.buffer(capacity, params.dtype),
            network.decoder.buffer(capacity, params.dtype),
            np.empty(capacity * self.n_components, dtype=params.dtype),
            _normals(self.n_components), capacity, out,
        )
        return out

    def _code_streams(self, X, random_state):
        """The random streams of the rows' codes: keyed by each row's values, so
        that an estimate for a row does not depend on the other rows."""
        rng = check_random_state(
            self.random_state if random_state is None else random_state
        )
        return _content_streams(X, row_streams(rng, 1)[0])

    def _run(self, network, params, X):
        """Feed the rows of X (dense or CSR) through one of the VAE's networks."""
        capacity = max(1, min(X.shape[0], _INFERENCE_ROWS))
        return predict(network, params, X, 0, network.n_layers, capacity)

    def _encode(self, X):
        """``[mu | log_var]`` of q(z|x) for each row of X."""
        return self._run(self._network.encoder,
                         self._network.encoder_params(self._params), X)

    def _decode(self, codes):
        """The means of p(x|z) for each row of ``codes``."""
        return self._run(self._network.decoder,
                         self._network.decoder_params(self._params), codes)

    def transform(self, X):
        """Encode X: the mean of q(z|x).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The data to encode.

        Returns
        -------
        codes : ndarray of shape (n_samples, n_components)
            The means of the codes, in the model's dtype.
        """
        X = self._validate_data(X)
        return self._encode(X)[:, :self.n_components].copy()

    def inverse_transform(self, X):
        """Decode codes into the mean of p(x|z).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_components)
            Codes, such as the output of :meth:`transform`.

        Returns
        -------
        X_decoded : ndarray of shape (n_samples, n_features)
            The means of p(x|z): probabilities (Bernoulli) or Gaussian means.
        """
        check_is_fitted(self)
        codes = check_array(X, dtype=self._params.dtype, order="C")
        if codes.shape[1] != self.n_components:
            raise ValueError(
                f"X has {codes.shape[1]} features, but VAE.inverse_transform is "
                f"expecting {self.n_components} features (n_components) as input."
            )
        return self._decode(codes)

    def reconstruct(self, X):
        """Decode the mean code of each row of X.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The data to reconstruct.

        Returns
        -------
        X_reconstructed : ndarray of shape (n_samples, n_features)
            The means of p(x|z) at ``z = transform(X)``.
        """
        X = self._validate_data(X)
        return self._decode(np.ascontiguousarray(self._encode(X)[:, :self.n_components]))

    def sample(self, n_samples=1, *, draw=False, random_state=None):
        """Decode codes drawn from the prior N(0, I).

        Parameters
        ----------
        n_samples : int, default=1
            Number of samples.
        draw : bool, default=False
            Whether to return draws from p(x|z) rather than its means.
        random_state : int, RandomState instance or None, default=None
            Seeds the draws; ``self.random_state`` when None.

        Returns
        -------
        X_new : ndarray of shape (n_samples, n_features)
            The samples, in the model's dtype.
        """
        rng = self._sampling_rng(n_samples, random_state)
        dtype = self._params.dtype
        codes = rng.standard_normal((n_samples, self.n_components)).astype(dtype)
        means = self._decode(codes)
        if not draw:
            return means
        if self._network.likelihood == "bernoulli":
            return (rng.uniform(size=means.shape) < means).astype(dtype)
        noise = rng.standard_normal(means.shape) * np.sqrt(self.output_variance_)
        return (means + noise).astype(dtype)

    def elbo(self, X, random_state=None):
        """The evidence lower bound of each sample, estimated with one code.

        ``log p(x|z) - KL(q(z|x) || N(0, I))`` with one reparameterised code
        ``z ~ q(z|x)`` and the KL term in closed form; ``beta`` is not applied.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The data to score.
        random_state : int, RandomState instance or None, default=None
            Seeds the codes; ``self.random_state`` when None.

        Returns
        -------
        elbo : ndarray of shape (n_samples,)
            The ELBO estimates, in float64.
        """
        X = self._validate_data(X)
        streams = self._code_streams(X, random_state)
        return self._log_weights(X, 1, True, streams)[:, 0]

    def score_samples(self, X, random_state=None):
        """The importance-weighted (IWAE) estimate of log p(x) of each sample.

        ``log (1/K) sum_k p(x|z_k) p(z_k) / q(z_k|x)`` with K =
        ``n_importance_samples`` codes from q(z|x), computed stably in float64.
        In expectation, a lower bound on log p(x), at least the ELBO, that
        tightens as K grows.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The data to score.
        random_state : int, RandomState instance or None, default=None
            Seeds the codes; ``self.random_state`` when None.

        Returns
        -------
        scores : ndarray of shape (n_samples,)
            The estimates of log p(x), in nats, in float64.
        """
        X = self._validate_data(X)
        streams = self._code_streams(X, random_state)
        scores = np.empty(X.shape[0])
        # The K log weights of a row are its scratch: a chunk of rows at a time.
        for rows in row_chunks(X.shape[0], 8 * self.n_importance_samples):
            log_weights = self._log_weights(X[rows], self.n_importance_samples, False,
                                            streams[rows])
            log_mean_exp_rows(log_weights, scores[rows])
        return scores

    def score(self, X, y=None, random_state=None):
        """The mean of :meth:`score_samples`: the IWAE estimate of the average
        log-likelihood of X.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The data to score.
        y : None
            Ignored.
        random_state : int, RandomState instance or None, default=None
            Seeds the codes; ``self.random_state`` when None.

        Returns
        -------
        score : float
            The mean estimate of log p(x), in nats.
        """
        return float(np.mean(self.score_samples(X, random_state=random_state)))

    def _sampling_rng(self, n_samples, random_state):
        check_is_fitted(self)
        check_count(n_samples, "n_samples", 1)
        return check_random_state(self.random_state if random_state is None
                                  else random_state)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.input_tags.positive_only = self.likelihood == "bernoulli"
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags


def _content_streams(X, seed):
    """One stream per row of X (dense or CSR), keyed by ``seed`` and its values."""
    out = np.empty(X.shape[0], dtype=np.uint64)
    content_streams(*as_dense_and_csr(X), np.uint64(seed), np.empty(X.shape[1]), out)
    return out


def _normals(n_components):
    """Scratch for one row of normals: ``normal_row`` fills an even length."""
    return np.empty(n_components + n_components % 2)


class VAENetwork:
    """The encoder and the decoder of a VAE as two networks over one flat vector:
    the encoder's parameters, the decoder's, then the log-variances of a
    Gaussian decoder."""

    def __init__(self, n_features, n_components, hidden, activation, likelihood):
        self.encoder = Network([n_features, *hidden, 2 * n_components], activation,
                               "identity")
        self.decoder = Network([n_components, *hidden[::-1], n_features], activation,
                               OUTPUT_ACTIVATIONS[likelihood])
        self.n_log_var = n_features if likelihood == "gaussian" else 0
        self.activation = activation
        self.likelihood = likelihood
        self.units = (self.encoder.units, self.decoder.units, likelihood)
        self.activations = self.encoder.activations + self.decoder.activations
        self.n_layers = self.encoder.n_layers + self.decoder.n_layers
        self.n_params = self.encoder.n_params + self.decoder.n_params + self.n_log_var

    @property
    def layout(self):
        """What a continued fit must keep: the layers, and the parameters' layout."""
        return self.units

    @property
    def description(self):
        return f"{self.units}"

    def encoder_params(self, params):
        return params[:self.encoder.n_params]

    def decoder_params(self, params):
        return params[self.encoder.n_params:self.encoder.n_params + self.decoder.n_params]

    def log_var(self, params):
        return params[self.encoder.n_params + self.decoder.n_params:]

    def coefs(self, params):
        return (self.encoder.coefs(self.encoder_params(params))
                + self.decoder.coefs(self.decoder_params(params)))

    def intercepts(self, params):
        return (self.encoder.intercepts(self.encoder_params(params))
                + self.decoder.intercepts(self.decoder_params(params)))

    def initial_params(self, random_state, dtype):
        """PyTorch's default initialisation of the encoder then the decoder (every
        weight and bias uniform in ``+-1 / sqrt(fan_in)`` of its layer); unit
        output variances."""
        return np.concatenate([
            self.encoder.fan_in_params(random_state, dtype),
            self.decoder.fan_in_params(random_state, dtype),
            np.zeros(self.n_log_var, dtype=dtype),
        ])

    def columns(self, dtype):
        return np.empty((3, max(*self.encoder.units, *self.decoder.units)),
                        dtype=dtype)
