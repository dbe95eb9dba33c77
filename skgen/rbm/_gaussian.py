"""Restricted Boltzmann Machine with Gaussian visible units and binary hidden units."""

from numbers import Real

import numpy as np
from sklearn.utils._param_validation import Interval
from sklearn.utils.extmath import safe_sparse_dot

from ..utils._batches import row_chunks
from ..utils._validation import GAUSSIAN_SQUARES, check_square_scale
from . import _kernels, _partition
from ._base import BaseRBM
from ._units import GaussianBase, GaussianUnits

#: Learned variances stay above this fraction of each feature's data variance,
#: since a Gaussian's likelihood is unbounded as its variance goes to zero.
MIN_VARIANCE_RATIO = 1e-4

#: With ``learn_sigma``, the visible units start with this fraction of the data's
#: variance. The hidden units must explain the rest, which drives their weights
#: away from zero; starting at the full variance leaves a model that already
#: matches the data's second moments, where the weights' gradient vanishes.
INITIAL_VARIANCE_FRACTION = 0.5


class GaussianBernoulliRBM(BaseRBM):
    """Gaussian-Bernoulli Restricted Boltzmann Machine, for real-valued data.

    An RBM with real-valued (Gaussian) visible units and binary hidden units,
    trained by contrastive divergence like :class:`BernoulliRBM`, with which it
    shares the training loop, sampling and likelihood machinery. The per-feature
    standard deviations are fixed to 1 (``learn_sigma=False``), which suits
    standardised data, or learned.

    The recommended recipe is ``make_pipeline(StandardScaler(),
    GaussianBernoulliRBM(...))``: with standardised features, ``sigma = 1`` is
    the right scale and the default learning rate is stable.

    Parameters
    ----------
    n_components : int, default=256
        Number of binary hidden units.
    learning_rate : float, default=0.01
        The learning rate of the updates. Gaussian units need a smaller one than
        binary units (Hinton's guide suggests one or two orders of magnitude);
        lower it if training diverges.
    batch_size : int, default=10
        Number of examples per mini-batch, and number of persistent chains.
    n_iter : int, default=10
        Number of passes over the training data.
    n_gibbs_steps : int, default=1
        Gibbs steps of the negative phase per update (the k of CD-k / PCD-k).
    persistent : bool, default=True
        True: the negative phase continues ``batch_size`` persistent chains from
        update to update (PCD). False: it starts from the mini-batch (CD-k).
    momentum : float, default=0.0
        Momentum of the parameter updates, in [0, 1).
    weight_decay : float, default=0.0
        L2 penalty on the weights (not the biases or variances).
    visible_bias_init : {"data", "zeros"}, default="data"
        The visible means' start ``intercept_visible_``: the training data's
        column means (of the first block of :meth:`partial_fit`), or zeros.
    centering : bool, default=False
        Whether to train the centered RBM (see Notes and
        :class:`BernoulliRBM`): the same model, with offsets subtracted from
        ``v / sigma`` and from h in the interaction term of the energy. The
        fitted parameters are those of the ordinary energy either way. Off by
        default: on standardised data it learned as the ordinary RBM does,
        and on data far from zero mean worse (benchmarks/RESULTS.md, issue 14).
    learn_sigma : bool, default=False
        False: every visible unit has standard deviation 1. True: the
        log-variances are learned with the other parameters (Cho, Ilin & Raiko
        2011), starting from half the training data's variances and kept above
        ``1e-4`` times them.
    sigma_learning_rate : float, default=None
        The learning rate of the log-variances when ``learn_sigma`` is True.
        None uses ``learning_rate / 100``: the variances must move slower than
        the weights, or they absorb the data's variance before the hidden
        units learn to explain it.
    shuffle : bool, default=True
        Whether to visit the samples in a new random order on each pass.
    n_temperatures : int, default=1
        Number of inverse temperatures of parallel tempering in the negative
        phase (PCD only): each persistent chain gets a replica at each of them,
        and 1 is plain PCD. Every replica costs as much as a chain's Gibbs steps.
    temperature_ladder : {"adaptive", "uniform"} or array-like of shape \
(n_temperatures,), default="adaptive"
        The inverse temperatures of tempering, increasing to 1. "uniform":
        evenly spaced from 0 (the base model) to 1, fixed. "adaptive": starts
        uniform, and after each mini-batch moves each gap between neighbours
        towards a swap rate of 0.234 (see :class:`BernoulliRBM`). An array
        gives fixed values, from at least 0 to 1.
    validation_fraction : float, default=None
        Share of the training rows that :meth:`fit` holds out, drawn at random
        from ``random_state``, to score after each pass into
        ``validation_scores_``; they are not trained on. None holds out
        nothing. :meth:`partial_fit` needs None.
    ais_n_chains : int, default=100
        Number of AIS runs when :meth:`score_samples` estimates log Z.
    ais_n_betas : int, default=2000
        Number of AIS inverse temperatures when :meth:`score_samples` estimates
        log Z. The result is cached.
    verbose : int, default=0
        The verbosity level. Otherwise :meth:`fit` prints the mean squared
        reconstruction error of the data after each pass (the entry of
        ``train_scores_``).
    random_state : int, RandomState instance or None, default=None
        Determines the initial weights, the persistent chains, the order of the
        samples, the AIS runs and the default stream of :meth:`sample`. Pass an
        int for reproducible results across calls. float32 and float64 data draw
        the same random numbers.

    Attributes
    ----------
    intercept_hidden_ : ndarray of shape (n_components,)
        Biases of the hidden units, c.
    intercept_visible_ : ndarray of shape (n_features,)
        Means of the visible units when no hidden unit is on, b.
    components_ : ndarray of shape (n_components, n_features)
        Weight matrix W.
    sigma_ : ndarray of shape (n_features,)
        Standard deviations of the visible units given the hidden units.
    h_samples_ : ndarray of shape (batch_size, n_components)
        Hidden states of the persistent chains.
    inverse_temperatures_ : ndarray of shape (n_temperatures,)
        The inverse temperatures of tempering at the end of training (adapted
        with ``temperature_ladder="adaptive"``); ``[1.0]`` without tempering.
    swap_rates_ : ndarray of shape (n_temperatures - 1,)
        The share of accepted swaps between each pair of neighbouring
        temperatures, hottest pair first, over the last training pass.
    train_scores_ : list of float
        The mean squared reconstruction error ``(x - E[v | P(h | x)])**2`` of
        the training rows after each pass (lower is better), as ``verbose``
        prints it: one entry per pass of :meth:`fit`, and one more per
        :meth:`partial_fit` call. It is computed on a fixed subsample, every
        k-th training row: k = 16, or less to keep at least 256 rows (all rows
        below that), or more to keep at most 5000.
    validation_scores_ : list of float or None
        The same error on the rows held out by ``validation_fraction``, all of
        them, after each pass; None when nothing is held out.
    visible_offset_ : ndarray of shape (n_features,)
        The visible offsets of centered training, in units of ``v / sigma``: a
        sliding average of the mini-batches' data means of ``v / sigma``,
        started at those of the training data. It does not change the model,
        and keeps its start with ``centering=False``.
    hidden_offset_ : ndarray of shape (n_components,)
        The hidden offsets: a sliding average of the mini-batches' mean
        P(h=1|v) on the data, started at 0.5.
    n_features_in_ : int
        Number of features seen during :term:`fit`.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :term:`fit`. Defined only when `X` has
        feature names that are all strings.

    See Also
    --------
    BernoulliRBM : The same model with binary visible units.
    sklearn.preprocessing.StandardScaler : Standardise the data first.
    sklearn.mixture.GaussianMixture : A density model for real-valued data.

    Notes
    -----
    The energy of a joint state is

    ``E(v, h) = sum_i (v_i - b_i)**2 / (2 sigma_i**2) - sum_ij (v_i / sigma_i) W_ji h_j
    - sum_j c_j h_j``,

    so that ``P(h_j = 1 | v) = sigmoid(c_j + sum_i W_ji v_i / sigma_i)`` and
    ``v_i | h ~ Normal(b_i + sigma_i sum_j W_ji h_j, sigma_i**2)``. Summing out h
    gives the free energy
    ``F(v) = sum_i (v_i - b_i)**2 / (2 sigma_i**2) - sum_j softplus(c_j + W_j.(v / sigma))``
    and ``log p(v) = -F(v) - log Z``, a log density.

    The parameters follow ``<-dE/dtheta>_data - <-dE/dtheta>_model`` as in
    :class:`BernoulliRBM`. With ``learn_sigma`` the variances are learned
    through ``z_i = log sigma_i**2``, whose gradient is
    ``<(v_i - b_i)**2 / (2 sigma_i**2) - (v_i / (2 sigma_i)) W_i.h>`` with h
    replaced by P(h|v) [1]_, at a slower rate than the weights [3]_.

    With ``centering`` the gradient is that of the centered energy
    ``sum_i (v_i - a_i)**2 / (2 sigma_i**2) - (h - lambda).W.(v / sigma - mu)
    - c_a.(h - lambda)`` [6]_, with the offsets mu and lambda sliding towards
    the data's means of ``v / sigma`` and P(h|v). Up to a constant it is the
    energy above with ``b = a - sigma * (lambda.W)`` and ``c = c_a - W.mu``,
    which are what training stores and updates. The log-variances take
    their ordinary step.

    Strongly correlated features, such as the pixels of image patches, are
    best whitened (``PCA(whiten=True)``) rather than only standardised: each
    visible unit has its own variance given h, and all the correlation between
    features must come from the hidden units.

    log Z is exact when there are at most 20 hidden units: for each hidden
    state the Gaussian integral over v is closed-form,
    ``log Z = sum_i log(sqrt(2 pi) sigma_i)
    + log sum_h exp(c.h + sum_i (b_i u_i / sigma_i + u_i**2 / 2))`` with
    ``u = W.T h``. Otherwise AIS [2]_ anneals from independent Gaussians with
    the training data's means and variances, beside independent hidden units
    with the data's mean activations, as for :class:`~skgen.BernoulliRBM`.

    With ``n_temperatures`` > 1 the negative phase is parallel tempering
    [4]_, [5]_, as in :class:`BernoulliRBM`, between the RBM and a base model of
    independent Gaussians: those of AIS, with the training data's means and
    variances, but never narrower than the model's ``sigma_`` (a constant
    feature would otherwise make the base a point mass that no replica near
    the model swaps with). The base keeps every tempered distribution proper,
    where the Gaussian energy scaled by a small inverse temperature is nearly
    flat.

    :meth:`sample` starts its chains from those Gaussians (untempered), and
    returns the last sampled visible state, noise included.

    References
    ----------
    .. [1] Cho, K., Ilin, A. and Raiko, T. (2011). Improved learning of
       Gaussian-Bernoulli restricted Boltzmann machines. ICANN.
    .. [2] Salakhutdinov, R. and Murray, I. (2008). On the quantitative analysis
       of deep belief networks. ICML.
    .. [3] Hinton, G. E. (2010). A practical guide to training restricted
       Boltzmann machines. UTML TR 2010-003.
    .. [4] Desjardins, G., Courville, A., Bengio, Y., Vincent, P. and
       Delalleau, O. (2010). Tempered Markov chain Monte Carlo for training of
       restricted Boltzmann machines. AISTATS.
    .. [5] Cho, K., Raiko, T. and Ilin, A. (2010). Parallel tempering is
       efficient for learning restricted Boltzmann machines. IJCNN.
    .. [6] Melchior, J., Fischer, A. and Wiskott, L. (2016). How to center deep
       Boltzmann machines. JMLR 17(99), pp 1-61.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skgen import GaussianBernoulliRBM
    >>> X = np.random.RandomState(0).normal(size=(100, 4))
    >>> model = make_pipeline(
    ...     StandardScaler(), GaussianBernoulliRBM(n_components=3, random_state=0)
    ... ).fit(X)
    >>> model.transform(X).shape
    (100, 3)
    >>> model[-1].sample(5, random_state=0).shape
    (5, 4)
    """

    _state_names = BaseRBM._state_names + (
        "sigma_",
        "_log_variance",
        "_log_variance_velocity",
        "_min_log_variance",
    )
    _extra_parameter_names = ("_log_variance",)

    _parameter_constraints: dict = {
        **BaseRBM._parameter_constraints,
        "learn_sigma": ["boolean"],
        "sigma_learning_rate": [Interval(Real, 0, None, closed="left"), None],
    }

    def __init__(
        self,
        n_components=256,
        *,
        learning_rate=0.01,
        batch_size=10,
        n_iter=10,
        n_gibbs_steps=1,
        persistent=True,
        momentum=0.0,
        weight_decay=0.0,
        visible_bias_init="data",
        centering=False,
        learn_sigma=False,
        sigma_learning_rate=None,
        shuffle=True,
        n_temperatures=1,
        temperature_ladder="adaptive",
        validation_fraction=None,
        ais_n_chains=100,
        ais_n_betas=2000,
        verbose=0,
        random_state=None,
    ):
        self.n_components = n_components
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.n_iter = n_iter
        self.n_gibbs_steps = n_gibbs_steps
        self.persistent = persistent
        self.momentum = momentum
        self.weight_decay = weight_decay
        self.visible_bias_init = visible_bias_init
        self.centering = centering
        self.learn_sigma = learn_sigma
        self.sigma_learning_rate = sigma_learning_rate
        self.shuffle = shuffle
        self.n_temperatures = n_temperatures
        self.temperature_ladder = temperature_ladder
        self.validation_fraction = validation_fraction
        self.ais_n_chains = ais_n_chains
        self.ais_n_betas = ais_n_betas
        self.verbose = verbose
        self.random_state = random_state

    def _check_support(self, X):
        # Any finite value is in the support (validation already rejects NaN and
        # inf), but not every one has a finite energy.
        check_square_scale(X, type(self).__name__, GAUSSIAN_SQUARES)

    def _initial_state(self, X, rng, moments):
        """sklearn's N(0, 0.01) weights, visible means by ``visible_bias_init``
        and, with ``learn_sigma``, variances at half the data's variances; the
        visible offsets at the data's means of ``v / sigma``."""
        state = super()._initial_state(X, rng, moments)
        dtype = X.dtype
        n_features = X.shape[1]
        mean, variance = _mean_and_variance(X.shape[0], moments)
        # A constant feature gets the reference variance 1 (its floor is 1e-4).
        reference = np.where(variance > 0, variance, 1.0)
        if self.learn_sigma:
            log_variance = np.log(INITIAL_VARIANCE_FRACTION * reference)
        else:
            log_variance = np.zeros(n_features)
        state["_log_variance"] = log_variance.astype(dtype)
        state["_log_variance_velocity"] = np.zeros(n_features, dtype=dtype)
        state["_min_log_variance"] = np.log(MIN_VARIANCE_RATIO * reference).astype(dtype)
        state["sigma_"] = _sigma(state["_log_variance"])
        state["visible_offset_"] = (mean / state["sigma_"]).astype(dtype)
        return state

    def _data_visible_bias(self, visible_sum, n_samples):
        return visible_sum / n_samples

    def _visible_units(self, state):
        dtype = state["components_"].dtype.type
        n_chains, n_visible = state["h_samples_"].shape[0], state["components_"].shape[1]
        return GaussianUnits(
            state["intercept_visible_"],
            state["_velocities"][2],
            state["_log_variance"],
            state["_log_variance_velocity"],
            state["_min_log_variance"],
            dtype(self._sigma_learning_rate()),
            np.empty(n_visible, dtype=dtype),
            np.empty(n_visible, dtype=dtype),
            np.empty((2 * n_chains, n_visible), dtype=dtype),
        )

    def _fit_epoch(self, X, order, state, sparse_products):
        super()._fit_epoch(X, order, state, sparse_products)
        state["sigma_"] = _sigma(state["_log_variance"])

    def _sigma_learning_rate(self):
        if not self.learn_sigma:
            return 0.0
        if self.sigma_learning_rate is None:
            return self.learning_rate / 100
        return self.sigma_learning_rate

    def _progress_score(self, X, state):
        weights, hidden_bias, visible_bias = (
            state["components_"],
            state["intercept_hidden_"],
            state["intercept_visible_"],
        )
        sigma = state["sigma_"]
        hidden = _hidden_input(X, weights, hidden_bias, sigma)
        _kernels.sigmoid_rows(hidden, np.zeros_like(hidden_bias))
        reconstruction = visible_bias + sigma * (hidden @ weights)
        error = np.square(_dense(X) - reconstruction).mean()
        return "reconstruction error", error

    def _hidden_means(self, X, namespace=None):
        namespace = self.__dict__ if namespace is None else namespace
        hidden_bias = namespace["intercept_hidden_"]
        hidden = _hidden_input(X, namespace["components_"], hidden_bias,
                               namespace["sigma_"])
        _kernels.sigmoid_rows(hidden, np.zeros_like(hidden_bias))
        return hidden

    def _visible_means(self, hidden):
        return self.intercept_visible_ + self.sigma_ * (hidden @ self.components_)

    def _free_energy(self, X):
        hidden_input = _hidden_input(
            X, self.components_, self.intercept_hidden_, self.sigma_
        )
        return _kernels.free_energy_from_hidden_input(
            hidden_input, -_visible_energy(X, self.intercept_visible_, self.sigma_)
        )

    def _random_visible(self, n_samples, dtype, streams):
        """Rows drawn from independent Gaussians with the data's moments."""
        mean, log_variance = self._base_moments()
        visible = np.zeros((n_samples, mean.shape[0]), dtype=dtype)
        _kernels.sample_normal_rows(visible, np.zeros(mean.shape[0], dtype=dtype), streams)
        visible *= np.exp(0.5 * log_variance).astype(dtype)
        visible += mean.astype(dtype)
        return visible

    def _run_gibbs(self, visible, n_steps, streams):
        scale = (1.0 / self.sigma_).astype(visible.dtype)
        visible *= scale
        hidden = np.empty((visible.shape[0], self.n_components), dtype=visible.dtype)
        _kernels.gibbs_chains(visible, self.components_, self.intercept_hidden_,
                              self._visible_units(self.__dict__), streams, n_steps, hidden)
        visible *= self.sigma_
        return hidden

    def _input_weights(self):
        return self.components_.T / self.sigma_[:, None]

    def _log_conditional(self, visible, hidden):
        visible = np.asarray(visible, dtype=np.float64)
        hidden = np.asarray(hidden, dtype=np.float64)
        sigma = self.sigma_.astype(np.float64)
        mean = self.intercept_visible_ + sigma * (hidden @ self.components_.astype(np.float64))
        return -(0.5 * ((visible - mean) / sigma) ** 2 + np.log(sigma)
                 + 0.5 * np.log(2.0 * np.pi)).sum(axis=1)

    def _n_enumerated_units(self):
        return self.n_components

    def _log_partition_exact(self):
        sigma = self.sigma_.astype(np.float64)
        log_sum = _partition.log_partition_exact(
            self.components_.astype(np.float64),
            self.intercept_hidden_.astype(np.float64),
            self._float64_units(),
        )
        return log_sum + np.sum(np.log(np.sqrt(2.0 * np.pi) * sigma))

    def _float64_units(self):
        """The visible units in float64, with ``scale = 1 / sigma_`` and
        ``scaled_bias = intercept_visible_ / sigma_`` set, for log Z."""
        sigma = self.sigma_.astype(np.float64)
        bias = self.intercept_visible_.astype(np.float64)
        zeros = np.zeros_like(bias)
        return GaussianUnits(bias, zeros, self._log_variance.astype(np.float64), zeros,
                             self._min_log_variance.astype(np.float64), 0.0, 1.0 / sigma,
                             bias / sigma, np.empty((0, bias.shape[0])))

    def _log_partition_ais(self, betas, streams, trace):
        base_mean, base_log_variance = self._base_moments()
        hidden_biases = self._ais_hidden_biases()
        log_weights = _partition.ais_log_weights(
            np.ascontiguousarray(self.components_),
            hidden_biases,
            self._float64_units(),
            GaussianBase(base_mean, np.exp(-base_log_variance),
                         np.exp(0.5 * base_log_variance)),
            betas,
            streams,
            trace,
        )
        base_log_partition = np.logaddexp(0.0, hidden_biases[1]).sum() + np.sum(
            0.5 * np.log(2.0 * np.pi) + 0.5 * base_log_variance
        )
        return log_weights, base_log_partition

    def _base_moments(self, namespace=None):
        """Means and log-variances of the training data, for the base model of AIS
        and tempering, from the data statistics of ``namespace`` (a state dict;
        None: the estimator's)."""
        namespace = self.__dict__ if namespace is None else namespace
        n_seen = max(namespace["_n_samples_seen"], 1)
        mean = namespace["_visible_sum"] / n_seen
        variance = np.maximum(namespace["_visible_square_sum"] / n_seen - mean**2, 0.0)
        # A zero variance would make the base model a point mass.
        return mean, np.log(variance
                            + np.exp(np.float64(namespace["_min_log_variance"])))

    def _base_units(self, namespace):
        """AIS's base model, with variances no smaller than the model's: a
        narrower base (a constant feature makes it a near point mass) would
        hardly ever swap with the replicas near the model."""
        mean, log_variance = self._base_moments(namespace)
        log_variance = np.maximum(log_variance, namespace["_log_variance"])
        return GaussianBase(mean, np.exp(-log_variance), np.exp(0.5 * log_variance))


def _sigma(log_variance):
    return np.exp(0.5 * log_variance)


def _dense(X):
    return X.toarray() if hasattr(X, "toarray") else X


def _mean_and_variance(n_samples, moments):
    """Column means and (biased) variances, in float64, from ``column_moments``
    of ``n_samples`` (at least 1) rows."""
    mean = moments[0] / n_samples
    return mean, np.maximum(moments[1] / n_samples - mean**2, 0.0)


def _hidden_input(X, weights, hidden_bias, sigma):
    """``(X / sigma) @ weights.T + hidden_bias`` as a C-ordered array."""
    scaled_weights = weights / sigma
    hidden_input = np.ascontiguousarray(
        safe_sparse_dot(X, scaled_weights.T, dense_output=True)
    )
    hidden_input += hidden_bias
    return hidden_input


def _visible_energy(X, visible_bias, sigma):
    """``sum_i (x_i - b_i)**2 / (2 sigma_i**2)`` per row, in float64."""
    precision = 1.0 / np.square(sigma.astype(np.float64))
    bias = visible_bias.astype(np.float64)
    if hasattr(X, "multiply"):
        # Expand the square so that the sparse matrix is never densified.
        squares = np.asarray(X.multiply(X) @ precision).ravel()
        cross = np.asarray(X @ (bias * precision)).ravel()
        return 0.5 * (squares - 2.0 * cross + np.sum(bias**2 * precision))
    energy = np.empty(X.shape[0])
    # A float64 copy of the rows is the scratch: a chunk at a time.
    for rows in row_chunks(X.shape[0], 16 * X.shape[1]):
        centred = X[rows].astype(np.float64) - bias
        energy[rows] = 0.5 * (np.square(centred, out=centred) @ precision)
    return energy
