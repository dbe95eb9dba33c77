"""Restricted Boltzmann Machine with binary visible and hidden units."""

import numpy as np
from sklearn.utils import check_random_state
from sklearn.utils.extmath import safe_sparse_dot

from ..utils._random import copy_random_state
from ..utils._validation import check_interval
from . import _kernels, _partition
from ._base import BaseRBM, _params
from ._units import BernoulliUnits


class BernoulliRBM(BaseRBM):
    """Bernoulli Restricted Boltzmann Machine (RBM), a superset of sklearn's.

    An RBM with binary visible and binary hidden units, trained by contrastive
    divergence: persistent (PCD, also called stochastic maximum likelihood, as in
    sklearn) or not (CD-k). With the extra parameters at their defaults the
    training algorithm is sklearn's PCD-1, compiled with Numba, from a better
    start (``visible_bias_init="data"``), centered (``centering=True``) and
    with momentum 0.5; with ``visible_bias_init="zeros", centering=False,
    momentum=0.0`` it is sklearn's algorithm itself, the only differences
    being the order of the samples
    (``shuffle=True``) and, in a last mini-batch smaller than ``batch_size``,
    averaging the negative phase over the chains rather than over the batch.
    Beyond sklearn it can draw samples and report the true log-likelihood of
    data.

    Parameters
    ----------
    n_components : int, default=256
        Number of binary hidden units.
    learning_rate : float, default=0.1
        The learning rate for weight updates. It is *highly* recommended to
        tune this hyper-parameter. Reasonable values are in the 10**[0., -3.]
        range.
    batch_size : int, default=10
        Number of examples per mini-batch, and number of persistent chains.
    n_iter : int, default=10
        Number of passes over the training data.
    n_gibbs_steps : int, default=1
        Gibbs steps of the negative phase per update (the k of CD-k / PCD-k).
    persistent : bool, default=True
        True: the negative phase continues ``batch_size`` persistent chains from
        update to update (PCD, as sklearn). False: it starts from the mini-batch
        itself (CD-k).
    momentum : float, default=0.5
        Momentum of the parameter updates, in [0, 1). sklearn's RBM has none
        (0.0); 0.5 learned better models of the binarised MNIST images and
        features as good as sklearn's (benchmarks/RESULTS.md, issue 14).
    weight_decay : float, default=0.0
        L2 penalty on the weights (not the biases).
    visible_bias_init : {"data", "zeros"}, default="data"
        The visible biases' start. "data": the logits of the training data's
        column means (of the first block of :meth:`partial_fit`), smoothed as
        ``(sum + 0.5) / (n_samples + 1)``, so that the new model already has the
        data's marginals [7]_. "zeros": sklearn's start.
    centering : bool, default=True
        Whether to train the centered RBM of Melchior et al. [8]_: the same
        model, with the visible and hidden units' offsets subtracted in the
        energy, which conditions the gradient better and makes training
        invariant to flipping the data (``1 - X``). The offsets are sliding
        averages of the data's means (``visible_offset_``, ``hidden_offset_``);
        the fitted parameters are those of the ordinary energy either way.
        False trains the ordinary RBM, as sklearn.
    shuffle : bool, default=True
        Whether to visit the samples in a new random order on each pass.
        sklearn always visits them in order.
    n_temperatures : int, default=1
        Number of inverse temperatures of parallel tempering in the negative
        phase (PCD only): each persistent chain gets a replica at each of them,
        and 1 is plain PCD. Every replica costs as much as a chain's Gibbs steps.
    temperature_ladder : {"adaptive", "uniform"} or array-like of shape \
(n_temperatures,), default="adaptive"
        The inverse temperatures of tempering, increasing to 1. "uniform":
        evenly spaced from 0 (the base model) to 1, fixed. "adaptive": starts
        uniform, and after each mini-batch moves each gap between neighbours
        towards a swap rate of 0.234 (see Notes). An array gives fixed values,
        from at least 0 to 1.
    validation_fraction : float, default=None
        Share of the training rows that :meth:`fit` holds out, drawn at random
        from ``random_state``, to score after each pass into
        ``validation_scores_``; they are not trained on. None holds out
        nothing. :meth:`partial_fit` needs None.
    ais_n_chains : int, default=100
        Number of AIS runs when :meth:`score_samples` estimates log Z.
    ais_n_betas : int, default=2000
        Number of AIS inverse temperatures when :meth:`score_samples` estimates
        log Z (their accuracy and cost on MNIST-sized models are in
        benchmarks/RESULTS.md); the result is cached.
    verbose : int, default=0
        The verbosity level. The default, zero, means silent mode. Otherwise
        :meth:`fit` prints sklearn's line with the pseudo-likelihood after each
        pass (the entry of ``train_scores_``).
    random_state : int, RandomState instance or None, default=None
        Determines the initial weights, the persistent chains, the order of the
        samples, the flipped units of :meth:`pseudo_likelihood`, the AIS runs,
        and the default stream of :meth:`sample`. Pass an int for reproducible
        results across calls. float32 and float64 data draw the same random
        numbers.

    Attributes
    ----------
    intercept_hidden_ : ndarray of shape (n_components,)
        Biases of the hidden units.
    intercept_visible_ : ndarray of shape (n_features,)
        Biases of the visible units.
    components_ : ndarray of shape (n_components, n_features)
        Weight matrix, where `n_features` is the number of visible units and
        `n_components` is the number of hidden units.
    h_samples_ : ndarray of shape (batch_size, n_components)
        Hidden states of the persistent chains.
    inverse_temperatures_ : ndarray of shape (n_temperatures,)
        The inverse temperatures of tempering at the end of training (adapted
        with ``temperature_ladder="adaptive"``); ``[1.0]`` without tempering.
    swap_rates_ : ndarray of shape (n_temperatures - 1,)
        The share of accepted swaps between each pair of neighbouring
        temperatures, hottest pair first, over the last training pass.
    train_scores_ : list of float
        The mean pseudo-likelihood (see :meth:`pseudo_likelihood`) of the
        training rows after each pass, as ``verbose`` prints it: one entry per
        pass of :meth:`fit`, and one more per :meth:`partial_fit` call. It is
        computed on a fixed subsample, every k-th training row: k = 16, or
        less to keep at least 256 rows (all rows below that), or more to keep
        at most 5000; with the flipped units drawn afresh from
        ``random_state`` each time (the same ones for an int).
    validation_scores_ : list of float or None
        The same score on the rows held out by ``validation_fraction``, all of
        them, after each pass; None when nothing is held out.
    visible_offset_ : ndarray of shape (n_features,)
        The visible units' offsets of centered training: a sliding average of
        the mini-batches' data means, started at the training data's means. It
        does not change the model, and keeps its start with
        ``centering=False``.
    hidden_offset_ : ndarray of shape (n_components,)
        The hidden units' offsets: a sliding average of the mini-batches' mean
        P(h=1|v) on the data, started at 0.5.
    n_features_in_ : int
        Number of features seen during :term:`fit`.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :term:`fit`. Defined only when `X` has
        feature names that are all strings.

    See Also
    --------
    sklearn.neural_network.BernoulliRBM : The estimator this one extends.
    sklearn.neural_network.MLPClassifier : Multi-layer Perceptron classifier.

    Notes
    -----
    The energy of a joint state is ``E(v, h) = -b.v - c.h - h.W.v`` with
    ``W = components_``, ``b = intercept_visible_`` and ``c = intercept_hidden_``.
    Summing out h gives the free energy
    ``F(v) = -b.v - sum_j log(1 + exp(c_j + W_j.v))`` and
    ``log p(v) = -F(v) - log Z``.

    Each update moves the parameters along
    ``<v h>_data - <v h>_model``, the data term with P(h|v) for the mini-batch
    and the model term with sampled visible states and P(h|v) after
    ``n_gibbs_steps`` Gibbs steps [1]_, [2]_. Inputs may be probabilities in
    [0, 1] rather than bits, as in sklearn.

    log Z is computed by enumerating the smaller layer when it has at most 20
    units. Otherwise it is estimated by annealed importance sampling (AIS) [3]_
    from a base model of independent units: visible ones with the training
    data's marginals (the base-rate model of [3]_) and hidden ones with the
    mean activations of the training data (of the last :meth:`fit` or
    :meth:`partial_fit` block, under the parameters it left), so that the
    runs start near the data at both layers. A pilot run places the inverse
    temperatures where
    the importance weights spread. AIS is unbiased for Z, so its log Z tends
    to be low and the log-likelihood high, most of all when the runs miss
    modes of the model; ``log_partition(return_std=True)`` gives the standard
    error.

    With ``n_temperatures`` > 1 the negative phase is parallel tempering
    [4]_, [5]_: every persistent chain has a replica at each inverse
    temperature ``beta`` of the ladder, whose joint distribution is
    ``f_beta(v, h) = base(v)**(1 - beta) exp(-beta E(v, h))``, between the base
    model of AIS (independent visible units with the data's marginals, at
    ``beta = 0``) and the RBM (``beta = 1``). Each of the ``n_gibbs_steps``
    steps draws v given h in every replica, then proposes to swap the joint
    states of neighbouring replicas, hottest pair first, with the Metropolis
    acceptance ``min(1, exp((beta' - beta) (G(s) - G(s'))))``, where
    ``G = log f_1 - log f_0`` and s is the state of the hotter replica, then
    draws h given v. The negative statistics come from the replicas at
    ``beta = 1``, whose hidden states are ``h_samples_``. Interpolating with the
    base model rather than scaling the energy keeps every tempered
    distribution proper and close to the data at small beta (a scaled
    Gaussian energy is flat at ``beta = 0``), makes the hottest replica an
    exact draw of the base model, and reuses the units' AIS transitions. The
    adaptive ladder multiplies each gap ``beta' - beta`` by
    ``exp(0.1 (a - 0.234))`` after each mini-batch, a its swap rate in that
    mini-batch, keeping ``beta = 1`` at the top and rescaling the gaps when
    they would pass 0: 0.234 is the swap rate at which states travel fastest
    along the ladder [6]_. The ladder stays fixed within a mini-batch.

    With ``centering``, training follows the gradient of the centered energy
    ``-(h - lambda).W.(v - mu) - b_c.(v - mu) - c_c.(h - lambda)`` [8]_, whose
    offsets mu and lambda slide by 0.01 towards each mini-batch's data means
    of v and P(h|v) before its step, with momentum on the centered
    parameters. Up to a constant it is the energy above with
    ``b = b_c - lambda.W`` and ``c = c_c - W.mu``, and those ordinary parameters
    are what training stores and updates.

    The sklearn-named defaults (learning rate 0.1, 10 persistent chains of
    batch 10) make good features but a poor density model. For the
    likelihood, on MNIST-sized binary data, the recipe that did best in
    ``benchmarks/bench_quality.py`` is parallel tempering with larger
    mini-batches: ``BernoulliRBM(500, learning_rate=0.05, batch_size=100,
    n_iter=20, n_temperatures=5)``; without tempering, ``learning_rate=0.01,
    batch_size=20, weight_decay=2e-4`` and 100 passes came close (figures in
    benchmarks/RESULTS.md, issue 14).

    Training and sampling use one random stream per chain, so results do not
    depend on the number of threads.

    References
    ----------
    .. [1] Hinton, G. E. (2002). Training products of experts by minimizing
       contrastive divergence. Neural Computation 14, pp 1771-1800.
    .. [2] Tieleman, T. (2008). Training Restricted Boltzmann Machines using
       Approximations to the Likelihood Gradient. ICML.
    .. [3] Salakhutdinov, R. and Murray, I. (2008). On the quantitative analysis
       of deep belief networks. ICML.
    .. [4] Desjardins, G., Courville, A., Bengio, Y., Vincent, P. and
       Delalleau, O. (2010). Tempered Markov chain Monte Carlo for training of
       restricted Boltzmann machines. AISTATS.
    .. [5] Cho, K., Raiko, T. and Ilin, A. (2010). Parallel tempering is
       efficient for learning restricted Boltzmann machines. IJCNN.
    .. [6] Atchade, Y. F., Roberts, G. O. and Rosenthal, J. S. (2011). Towards
       optimal scaling of Metropolis-coupled Markov chain Monte Carlo.
       Statistics and Computing 21, pp 555-568.
    .. [7] Hinton, G. E. (2010). A practical guide to training restricted
       Boltzmann machines. UTML TR 2010-003, section 8.
    .. [8] Melchior, J., Fischer, A. and Wiskott, L. (2016). How to center deep
       Boltzmann machines. JMLR 17(99), pp 1-61.

    Examples
    --------
    >>> import numpy as np
    >>> from skgen import BernoulliRBM
    >>> X = np.array([[0, 0, 0], [0, 1, 1], [1, 0, 1], [1, 1, 1]])
    >>> model = BernoulliRBM(n_components=2, random_state=0).fit(X)
    >>> model.transform(X).shape
    (4, 2)
    >>> model.sample(3, random_state=0).shape
    (3, 3)
    >>> bool(model.score(X) < 0)
    True
    """

    def __init__(
        self,
        n_components=256,
        *,
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
        # With a base model fitted to the data at both layers and the schedule
        # placed by a pilot run, 2000 inverse temperatures keep the estimate of
        # an MNIST-sized RBM within a fraction of a nat of long runs, at a fifth
        # of the former 10,000's cost (benchmarks/RESULTS.md, issue 14).
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
        self.shuffle = shuffle
        self.n_temperatures = n_temperatures
        self.temperature_ladder = temperature_ladder
        self.validation_fraction = validation_fraction
        self.ais_n_chains = ais_n_chains
        self.ais_n_betas = ais_n_betas
        self.verbose = verbose
        self.random_state = random_state

    def pseudo_likelihood(self, X):
        """sklearn's ``score_samples``: the pseudo-likelihood, for migrating code.

        Flips one randomly chosen unit per row and returns ``n_features * log
        sigmoid(F(v_flipped) - F(v))``. It is a noisy proxy that grows with the
        number of features, not a log-likelihood; use :meth:`score_samples` for
        that. The flipped units come from ``random_state`` exactly as in
        sklearn, so the result is deterministic for a fixed ``random_state``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Values of the visible layer.

        Returns
        -------
        pseudo_likelihood : ndarray of shape (n_samples,)
            The pseudo-likelihood of each row, in float64.
        """
        X = self._validate_data(X)
        return self._pseudo_likelihood(
            X, _params(self.__dict__), check_random_state(self.random_state)
        )


    # Binary images have few nonzero pixels, and samples of a model of them as
    # few; skipping the zeros beats BLAS below about this density.
    _sparse_density = 0.3

    def _check_support(self, X):
        check_interval(X, 0.0, 1.0, type(self).__name__, "Bernoulli")

    def _visible_units(self, state):
        return self._units_over(state["intercept_visible_"], state["_velocities"][2])

    def _units_over(self, bias, velocity):
        """The visible units of this model's type, with this bias and velocity."""
        return BernoulliUnits(bias, velocity)

    def _data_visible_bias(self, visible_sum, n_samples):
        return _smoothed_logits(visible_sum, n_samples)

    def _hidden_means(self, X, namespace=None):
        weights, hidden_bias, _ = _params(self.__dict__ if namespace is None else namespace)
        hidden = np.ascontiguousarray(safe_sparse_dot(X, weights.T, dense_output=True))
        _kernels.sigmoid_rows(hidden, hidden_bias)
        return hidden

    def _visible_means(self, hidden):
        visible = np.ascontiguousarray(hidden @ self.components_)
        _kernels.sigmoid_rows(visible, self.intercept_visible_)
        return visible

    def _free_energy(self, X):
        visible_term = safe_sparse_dot(X, self.intercept_visible_)
        return _kernels.free_energy_from_hidden_input(
            _hidden_input(X, self.components_, self.intercept_hidden_),
            np.asarray(visible_term, dtype=np.float64).ravel(),
        )

    def _progress_score(self, X, state):
        # sklearn scores with a new generator seeded from random_state; a copy
        # of a generator (or of numpy's, for None), so that scoring after every
        # pass leaves the training stream alone.
        rng = copy_random_state(check_random_state(self.random_state))
        score = self._pseudo_likelihood(X, _params(state), rng)
        return "pseudo-likelihood", score.mean()

    def _pseudo_likelihood(self, X, params, random_state):
        n_samples, n_features = X.shape
        flipped = random_state.randint(0, n_features, n_samples)
        values = np.asarray(X[np.arange(n_samples), flipped], dtype=np.float64).ravel()
        weights, hidden_bias, visible_bias = params
        return _kernels.pseudo_likelihood_from_hidden_input(
            _hidden_input(X, weights, hidden_bias), weights, visible_bias, flipped, values
        )

    def _run_gibbs(self, visible, n_steps, streams):
        hidden = np.empty((visible.shape[0], self.n_components), dtype=visible.dtype)
        _kernels.gibbs_chains(visible, self.components_, self.intercept_hidden_,
                              self._visible_units(self.__dict__), streams, n_steps, hidden)
        return hidden

    def _random_visible(self, n_samples, dtype, streams):
        visible = np.zeros((n_samples, self.components_.shape[1]), dtype=dtype)
        _kernels.sample_rows(visible, np.zeros(visible.shape[1], dtype=dtype), streams)
        return visible

    def _input_weights(self):
        return self.components_.T

    def _log_conditional(self, visible, hidden):
        visible = np.asarray(visible, dtype=np.float64)
        hidden = np.asarray(hidden, dtype=np.float64)
        visible_input = hidden @ self.components_.astype(np.float64) + self.intercept_visible_
        return (visible * visible_input - np.logaddexp(0.0, visible_input)).sum(axis=1)

    def _n_enumerated_units(self):
        return min(self.components_.shape)

    def _log_partition_exact(self):
        return _log_partition_binary(self.components_.astype(np.float64),
                                     self.intercept_hidden_.astype(np.float64),
                                     self.intercept_visible_.astype(np.float64))

    def _log_partition_ais(self, betas, streams, trace):
        return self._ais_log_weights(betas, streams, trace, 0)

    def _ais_log_weights(self, betas, streams, trace, n_labels):
        """AIS log weights and the base model's log Z, with the last ``n_labels``
        visible units one softmax group (see ``skgen.dbn._labelled``), which
        the base model draws uniformly (base bias 0)."""
        base_bias = self._base_rate_logits()
        base_bias[base_bias.shape[0] - n_labels:] = 0.0
        no_velocity = np.zeros_like(base_bias)
        hidden_biases = self._ais_hidden_biases()
        log_weights = _partition.ais_log_weights(
            np.ascontiguousarray(self.components_),
            hidden_biases,
            self._units_over(self.intercept_visible_.astype(np.float64), no_velocity),
            self._units_over(base_bias, no_velocity),
            betas,
            streams,
            trace,
        )
        n_free = base_bias.shape[0] - n_labels
        base_log_partition = (np.logaddexp(0.0, hidden_biases[1]).sum()
                              + np.logaddexp(0.0, base_bias[:n_free]).sum()
                              + (np.log(n_labels) if n_labels else 0.0))
        return log_weights, base_log_partition

    def _base_rate_logits(self, namespace=None):
        """Logits of the training data's visible marginals, smoothed away from 0 and
        1, from the data statistics of ``namespace`` (a state dict; None: the
        estimator's)."""
        namespace = self.__dict__ if namespace is None else namespace
        return _smoothed_logits(namespace["_visible_sum"], namespace["_n_samples_seen"])

    def _base_units(self, namespace):
        bias = self._base_rate_logits(namespace)
        return self._units_over(bias, np.zeros_like(bias))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.positive_only = True
        return tags


def _smoothed_means(visible_sum, n_samples):
    """Column means ``(sum + 0.5) / (n_samples + 1)``, away from 0 and 1, in float64."""
    return (visible_sum + 0.5) / (n_samples + 1.0)


def _smoothed_logits(visible_sum, n_samples):
    """The logits of ``_smoothed_means``."""
    mean = _smoothed_means(visible_sum, n_samples)
    return np.log(mean) - np.log1p(-mean)


def _log_partition_binary(weights, hidden_bias, visible_bias):
    """Exact log Z of a binary RBM (float64 arrays), enumerating its smaller layer."""
    if weights.shape[0] <= weights.shape[1]:
        return _partition.log_partition_exact(weights, hidden_bias,
                                              _binary(visible_bias))
    return _partition.log_partition_exact(np.ascontiguousarray(weights.T), visible_bias,
                                          _binary(hidden_bias))


def _binary(bias):
    """Binary units of this bias, for the kernels that only read them."""
    return BernoulliUnits(bias, np.zeros_like(bias))


def _hidden_input(X, weights, hidden_bias):
    """``X @ weights.T + hidden_bias`` as a C-ordered array, for dense or sparse X."""
    hidden_input = np.ascontiguousarray(safe_sparse_dot(X, weights.T, dense_output=True))
    hidden_input += hidden_bias
    return hidden_input
