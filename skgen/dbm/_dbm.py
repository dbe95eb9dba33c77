"""Deep Boltzmann Machine: an undirected stack of binary layers, trained jointly."""

import time
from numbers import Integral, Real
from typing import ClassVar

import numpy as np
from scipy.special import entr, expit
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
)
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.extmath import safe_sparse_dot
from sklearn.utils.validation import check_array, check_is_fitted, validate_data

from ..exceptions import DivergenceError
from ..rbm import BernoulliRBM, GaussianBernoulliRBM
from ..rbm._units import BernoulliUnits, GaussianUnits
from ..utils._batches import row_chunks
from ..utils._callbacks import CallbackSupportMixin, begin_fit, end_fit, subtasks
from ..utils._doc_link import DocumentationLinkMixin
from ..utils._persistence import VersionedStateMixin
from ..utils._random import row_streams
from ..utils._stacking import layer_seeds, layer_sizes
from ..utils._state import cache_key, copy_state, fit_transaction
from ..utils._validation import (
    as_dense_and_csr,
    check_count,
    check_visible_units,
    column_moments,
    validate_support,
)
from . import _kernels
from ._partition import exact_log_likelihood, log_partition

#: The sliding rate of the centering offsets, as the RBMs'.
OFFSET_RATE = 0.01

#: Rows of the training data whose mean-field means make the AIS base model
#: when no pass of joint training gave them.
_BASE_MODEL_ROWS = 1000

#: About this many training rows per pass score ``train_scores_``: those of
#: every k-th mini-batch.
_SCORED_ROWS = 256

#: The largest hidden group (odd or even hidden layers) that the exact
#: log-likelihood of ``score_samples`` enumerates for every row.
EXACT_MAX_HIDDEN_UNITS = 12


class DBM(DocumentationLinkMixin, VersionedStateMixin,
          CallbackSupportMixin, ClassNamePrefixFeaturesOutMixin,
          TransformerMixin, BaseEstimator):
    """Deep Boltzmann Machine (DBM): binary hidden layers with undirected
    connections between neighbours, pretrained greedily and trained jointly.

    The energy of a visible vector v = h_0 and hidden layers h_1, ..., h_L is
    ``E = -sum_l h_(l+1) . W_l h_l - sum_l b_l . h_l``. Unlike in a
    :class:`DBN`, every hidden layer takes input from both of its neighbours:
    inference is by mean field, and learning runs persistent Markov chains
    through all the layers.

    Parameters
    ----------
    hidden_layer_sizes : array-like of shape (n_layers,) or int, default=(500, 1000)
        Number of units of each hidden layer, from the bottom.
    visible_units : {"bernoulli", "gaussian"}, default="bernoulli"
        Binary visible units for data in [0, 1], or Gaussian ones of unit
        variance for real-valued, standardised data (the energy then has the
        :class:`~skgen.GaussianBernoulliRBM`'s visible terms, with ``sigma_``
        = 1).
    learning_rate : float, default=0.005
        Learning rate of joint training. Twice as much made joint training
        unstable on MNIST, from one seed to the next (benchmarks/RESULTS.md,
        issue 15).
    n_iter : int, default=20
        Number of passes of joint training over the data. With
        ``pretrain_iter=20`` this budget made a better density model than the
        best BernoulliRBM recipe in about the same time (RESULTS.md).
    batch_size : int, default=100
        Number of rows of each mini-batch.
    n_particles : int, default=100
        Number of persistent Markov chains (fantasy particles) of the negative
        phase.
    n_gibbs_steps : int, default=1
        Gibbs steps of the particles per mini-batch; each step draws the odd
        layers, then the even ones.
    mean_field_max_iter : int, default=10
        Most sweeps of mean-field inference (:meth:`transform`, the positive
        phase and :meth:`score_samples`).
    mean_field_tol : float, default=1e-4
        Mean-field inference stops when no mean moves by more than this.
    centering : bool, default=True
        Whether joint training takes the steps of the centered energy, with
        each layer's states taken about an offset that follows its mean
        (Montavon & Mueller 2012; Melchior et al. 2016). The pretraining RBMs
        are centered too.
    momentum : float, default=0.5
        Momentum of the updates, in [0, 1).
    weight_decay : float, default=0.0
        L2 penalty on the weights.
    pretrain : bool, default=True
        Whether the weights start from a greedy stack of RBMs (see Notes),
        rather than from small random values.
    pretrain_iter : int, default=20
        Training passes of each pretraining RBM.
    pretrain_learning_rate : float, default=0.05
        Learning rate of the pretraining RBMs, which use ``batch_size`` and
        ``momentum`` too.
    output_layers : {"top", "all"}, default="top"
        What :meth:`transform` returns: the top layer's mean-field posteriors,
        or every hidden layer's side by side, from the bottom.
    shuffle : bool, default=True
        Whether each pass visits the rows in a new random order.
    ais_n_chains : int, default=100
        Number of AIS runs of :meth:`log_partition`.
    ais_n_betas : int, default=2000
        Number of AIS inverse temperatures.
    verbose : int, default=0
        Whether to print the bound on the training rows after each pass.
    random_state : int, RandomState instance or None, default=None
        Determines the pretraining RBMs' seeds, the starting weights, the row
        order, the particles' streams, and the default stream of :meth:`sample`
        and :meth:`log_partition`. Pass an int for reproducible results.

    Attributes
    ----------
    components_ : list of ndarray
        One weight matrix per pair of neighbouring layers, from the bottom,
        ``components_[l]`` of shape (n_units[l + 1], n_units[l]) as an RBM's
        ``components_``.
    intercepts_ : list of ndarray
        The biases of every layer, the visible one first.
    sigma_ : ndarray of shape (n_features,)
        The standard deviations of Gaussian visible units (ones); only with
        ``visible_units="gaussian"``.
    offsets_ : list of ndarray
        The centering offsets of every layer, the visible one first (zeros
        without centering).
    particles_ : list of ndarray
        The states of the persistent chains, one array per layer, the visible
        one first.
    rbms_ : list of BernoulliRBM or GaussianBernoulliRBM
        The pretraining RBMs, from the bottom (empty without ``pretrain``).
    n_iter_ : int
        Number of passes of joint training run, over all calls.
    train_scores_ : list of float
        For each pass, the mean bound without its log Z term, E_Q[-E] + H(Q),
        over the rows of every k-th mini-batch (about 256 rows in all), each
        taken just before the mini-batch's step: it follows training, not
        log p(v).
    n_features_in_ : int
        Number of features seen during :term:`fit`.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :term:`fit`. Defined only when `X` has
        feature names that are all strings.

    See Also
    --------
    DBN : A directed stack of RBMs, trained greedily.
    DBMClassifier : A DBM fine-tuned for classification.
    BernoulliRBM : The one-layer case.

    Notes
    -----
    **Inference.** The posterior over the hidden layers is intractable; the
    factorial mean-field distribution Q(h | v) = prod_l prod_j mu_lj^h (1 -
    mu_lj)^(1-h) that maximises the variational bound ``log p(v) >= E_Q[-E(v,
    h)] + H(Q) - log Z`` is found by fixed-point sweeps, odd layers then even
    ones, from a bottom-up pass with doubled weights [1]_.

    **Learning** [1]_ follows the gradient of that bound: each mini-batch's
    positive statistics are its mean-field means, the negative ones the states
    of ``n_particles`` persistent chains after ``n_gibbs_steps`` Gibbs steps.
    One pass is one compiled call.

    **Pretraining** [1]_ [2]_ fits a stack of RBMs greedily, each to the
    hidden means of the one below. The bottom RBM's hidden units take doubled
    input from the data, and the top RBM's visible units doubled input from
    the top layer, which makes up for each of those layers having only one
    neighbour in its RBM but two in the DBM; the weights of the RBMs between
    (for three hidden layers or more) are halved when they are joined. The
    biases of a hidden layer below the top are the mean of those its two RBMs
    give it. A DBM of one hidden layer is an RBM: it is pretrained as one.

    **Likelihood.** :meth:`log_partition` is exact by enumeration when the
    odd or the even layers have at most 20 units in all, and estimated by AIS
    otherwise. The odd and the even layers form the two sides of one
    bipartite Boltzmann machine, so log Z is that of an RBM whose visible
    units are the odd layers and whose hidden units, summed out analytically,
    are the even ones (the visible layer among them); for Gaussian visible
    units the sides swap, and the chains run over the even layers.
    :meth:`score_samples` is the exact log p(v) when log Z is exact and the
    odd or the even hidden layers have at most 12 units, and the bound
    (:meth:`lower_bound`) otherwise. The bound is only as tight as mean field
    makes it; with an AIS estimate of log Z, which tends to be low, it can
    come out high. On an MNIST-sized DBM the estimate moves by a few nats
    from one AIS run to the next, more than its standard error says (a few
    runs carry the weights): average several ``random_state`` values, or
    raise ``n_chains``, before comparing models by a few nats.

    References
    ----------
    .. [1] Salakhutdinov, R. and Hinton, G. (2009). Deep Boltzmann machines.
       AISTATS.
    .. [2] Salakhutdinov, R. and Hinton, G. (2012). An efficient learning
       procedure for deep Boltzmann machines. Neural Computation 24(8).
    .. [3] Melchior, J., Fischer, A. and Wiskott, L. (2016). How to center deep
       Boltzmann machines. JMLR 17.

    Examples
    --------
    >>> import numpy as np
    >>> from skgen import DBM
    >>> X = np.array([[0, 0, 0], [0, 1, 1], [1, 0, 1], [1, 1, 1]])
    >>> model = DBM((4, 2), batch_size=2, n_particles=4, random_state=0).fit(X)
    >>> model.transform(X).shape
    (4, 2)
    >>> model.sample(3, n_gibbs_steps=10).shape
    (3, 3)
    """

    _parameter_constraints: ClassVar[dict] = {
        "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
        "visible_units": [StrOptions({"bernoulli", "gaussian"})],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "n_iter": [Interval(Integral, 0, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "n_particles": [Interval(Integral, 1, None, closed="left")],
        "n_gibbs_steps": [Interval(Integral, 1, None, closed="left")],
        "mean_field_max_iter": [Interval(Integral, 1, None, closed="left")],
        "mean_field_tol": [Interval(Real, 0, None, closed="left")],
        "centering": ["boolean"],
        "momentum": [Interval(Real, 0, 1, closed="left")],
        "weight_decay": [Interval(Real, 0, None, closed="left")],
        "pretrain": ["boolean"],
        "pretrain_iter": [Interval(Integral, 0, None, closed="left")],
        "pretrain_learning_rate": [Interval(Real, 0, None, closed="neither")],
        "output_layers": [StrOptions({"top", "all"})],
        "shuffle": ["boolean"],
        "ais_n_chains": [Interval(Integral, 1, None, closed="left")],
        "ais_n_betas": [Interval(Integral, 2, None, closed="left")],
        "verbose": ["verbose"],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        hidden_layer_sizes=(500, 1000),
        *,
        visible_units="bernoulli",
        learning_rate=0.005,
        n_iter=20,
        batch_size=100,
        n_particles=100,
        n_gibbs_steps=1,
        mean_field_max_iter=10,
        mean_field_tol=1e-4,
        centering=True,
        momentum=0.5,
        weight_decay=0.0,
        pretrain=True,
        pretrain_iter=20,
        pretrain_learning_rate=0.05,
        output_layers="top",
        shuffle=True,
        ais_n_chains=100,
        ais_n_betas=2000,
        verbose=0,
        random_state=None,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.visible_units = visible_units
        self.learning_rate = learning_rate
        self.n_iter = n_iter
        self.batch_size = batch_size
        self.n_particles = n_particles
        self.n_gibbs_steps = n_gibbs_steps
        self.mean_field_max_iter = mean_field_max_iter
        self.mean_field_tol = mean_field_tol
        self.centering = centering
        self.momentum = momentum
        self.weight_decay = weight_decay
        self.pretrain = pretrain
        self.pretrain_iter = pretrain_iter
        self.pretrain_learning_rate = pretrain_learning_rate
        self.output_layers = output_layers
        self.shuffle = shuffle
        self.ais_n_chains = ais_n_chains
        self.ais_n_betas = ais_n_betas
        self.verbose = verbose
        self.random_state = random_state

    # -- fitting --------------------------------------------------------------------

    @fit_transaction(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Pretrain (with ``pretrain``), then train the DBM jointly on X.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : None
            Ignored.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        X = self._validate_training_data(X, reset=True)
        n_layers = len(self._sizes(X.shape[1])) - 1
        context = begin_fit(self, n_layers * self.pretrain + self.n_iter, X, y)
        tasks = subtasks(context, self, X, y)
        rng = check_random_state(self.random_state)
        state, stopped = self._initial_state(X, rng, tasks)
        if not stopped:
            self._train(X, state, self.n_iter, self.verbose, tasks=tasks)
        self._commit(state, X)
        end_fit(context, self, X, y)
        return self

    @fit_transaction(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y=None):
        """Run one pass of joint training over X, in the order of its rows.

        The first call initialises the model from ``random_state`` (with
        pretraining on X when ``pretrain``); later calls continue its
        parameters, momentum, particles and random streams.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : None
            Ignored.

        Returns
        -------
        self : object
            The updated estimator.
        """
        first_call = not hasattr(self, "components_")
        X = self._validate_training_data(X, reset=first_call)
        context = begin_fit(self, 1, X, y)
        if first_call:
            state, _ = self._initial_state(X, check_random_state(self.random_state))
        else:
            state = self._copied_state()
        self._train(X, state, 1, 0, shuffle=False, tasks=subtasks(context, self, X, y))
        self._commit(state, X, accumulate=not first_call)
        end_fit(context, self, X, y)
        return self

    def _validate_training_data(self, X, reset):
        dtype = (np.float64, np.float32) if reset else self.components_[0].dtype
        return validate_support(self, X, self._check_support, reset=reset,
                                accept_sparse="csr", dtype=dtype)

    def _check_support(self, X):
        check_visible_units(X, self.visible_units, type(self).__name__)

    def _sizes(self, n_features):
        return [n_features, *layer_sizes(self.hidden_layer_sizes)]

    def _initial_state(self, X, rng, tasks=None):
        """New parameters, from pretraining or small random weights; the offsets
        at the data's means and 0.5, and the particles at random rows of X and
        their hidden means' draws. Returns the state and whether a callback
        stopped pretraining (``tasks``: one task per pretraining RBM)."""
        dtype = X.dtype
        sizes = self._sizes(X.shape[1])
        n_layers = len(sizes) - 1
        mean = np.asarray(X.mean(axis=0), dtype=np.float64).ravel()
        stopped = False
        if self.pretrain:
            weights, biases, rbms, stopped = self._pretrain(X, rng, sizes, tasks)
        else:
            rbms = []
            weights = [
                (0.01 * rng.standard_normal((sizes[l + 1], sizes[l]))).astype(dtype)
                for l in range(n_layers)
            ]
            visible_bias = (np.log((mean + 0.5 / X.shape[0]) / (1 - mean + 0.5 / X.shape[0]))
                            if self.visible_units == "bernoulli" else mean)
            biases = [visible_bias.astype(dtype)] + [
                np.zeros(size, dtype=dtype) for size in sizes[1:]]
        weights = [np.ascontiguousarray(w, dtype=dtype) for w in weights]
        biases = [np.ascontiguousarray(b, dtype=dtype) for b in biases]
        offsets = [np.zeros(size, dtype=dtype) for size in sizes]
        if self.centering:
            if self.visible_units == "bernoulli":
                offsets[0][:] = mean
            for offset in offsets[1:]:
                offset[:] = 0.5
        state = {
            "components_": weights,
            "intercepts_": biases,
            "offsets_": offsets,
            "rbms_": rbms,
            "_velocities": ([np.zeros_like(w) for w in weights],
                            [np.zeros_like(b) for b in biases]),
            "_streams": row_streams(rng, self.n_particles),
            "_rng": rng,
            "n_iter_": 0,
            "train_scores_": [],
        }
        if self.visible_units == "gaussian":
            state["sigma_"] = np.ones(sizes[0], dtype=dtype)
        # The particles start at random training rows and draws of their
        # mean-field posteriors.
        rows = rng.randint(0, X.shape[0], self.n_particles)
        start = X[rows]
        start = start.toarray() if hasattr(start, "toarray") else np.array(start)
        means = self._posteriors(start, state)
        particles = [np.ascontiguousarray(start, dtype=dtype)]
        for layer_means in means:
            particles.append((rng.uniform(size=layer_means.shape) < layer_means)
                             .astype(dtype))
        state["particles_"] = particles
        return state, stopped

    def _pretrain(self, X, rng, sizes, tasks=None):
        """The weights and biases of the greedy stack of RBMs (see Notes), the
        RBMs, and whether a callback stopped the stack; the RBMs above the
        layer where it stopped keep their initial weights."""
        n_layers = len(sizes) - 1
        seeds = layer_seeds(rng, n_layers)
        rbms = []
        below = X
        stopped = False
        for layer in range(n_layers):
            # Doubled input: the bottom RBM's hidden units, the top RBM's visible.
            hidden_scale = 2.0 if n_layers > 1 and layer == 0 else 1.0
            visible_scale = 2.0 if n_layers > 1 and layer == n_layers - 1 else 1.0
            rbm_class = (GaussianBernoulliRBM if layer == 0
                         and self.visible_units == "gaussian" else BernoulliRBM)
            rbm = rbm_class(
                n_components=sizes[layer + 1],
                learning_rate=self.pretrain_learning_rate,
                batch_size=self.batch_size,
                n_iter=0 if stopped else self.pretrain_iter,
                momentum=self.momentum,
                weight_decay=self.weight_decay,
                centering=self.centering,
                shuffle=self.shuffle,
                random_state=seeds[layer],
            )
            rbm._input_scales = (hidden_scale, visible_scale)
            if tasks is None or stopped:
                rbm.fit(below)
            else:
                stopped = tasks.fit_estimator(f"pretraining layer {layer}", rbm, below)
            rbms.append(rbm)
            if layer < n_layers - 1:
                below = expit(hidden_scale * safe_sparse_dot(
                    below, rbm.components_.T, dense_output=True)
                    + rbm.intercept_hidden_).astype(X.dtype)
        weights = []
        for layer, rbm in enumerate(rbms):
            middle = 0 < layer < n_layers - 1
            weights.append(rbm.components_ * (0.5 if middle else 1.0))
        biases = [rbms[0].intercept_visible_.copy()]
        for layer in range(1, n_layers):
            biases.append(0.5 * (rbms[layer - 1].intercept_hidden_
                                 + rbms[layer].intercept_visible_))
        biases.append(rbms[-1].intercept_hidden_.copy())
        return weights, biases, rbms, stopped

    def _copied_state(self):
        """A copy of the fitted training state, for ``partial_fit`` to continue."""
        names = ["components_", "intercepts_", "offsets_", "particles_", "rbms_",
                 "_velocities", "_streams", "_rng", "n_iter_", "train_scores_"]
        if self.visible_units == "gaussian":
            names.append("sigma_")
        return copy_state({name: getattr(self, name) for name in names})

    def _units(self, state, bias, velocity, n_rows):
        """The visible units of the kernels over ``bias``."""
        if self.visible_units == "bernoulli":
            return BernoulliUnits(bias, velocity)
        dtype = bias.dtype
        n_visible = bias.shape[0]
        log_variance = 2 * np.log(state["sigma_"]).astype(dtype)
        return GaussianUnits(bias, velocity, log_variance, np.zeros_like(bias),
                             log_variance.copy(), dtype.type(0.0),
                             np.empty(n_visible, dtype=dtype),
                             np.empty(n_visible, dtype=dtype),
                             np.empty((n_rows, n_visible), dtype=dtype))

    def _train(self, X, state, n_passes, verbose, shuffle=None, tasks=None):
        """``n_passes`` passes of joint training over X, updating ``state``;
        with callback ``tasks``, one task per pass."""
        shuffle = self.shuffle if shuffle is None else shuffle
        n_samples = X.shape[0]
        weights = tuple(state["components_"])
        dtype = weights[0].dtype
        biases = state["intercepts_"]
        sizes = [weights[0].shape[1], *(w.shape[0] for w in weights)]
        batch_size = min(self.batch_size, n_samples)
        n_chains = self.n_particles
        n_rows = batch_size + n_chains
        layers = tuple(np.zeros((n_rows, size), dtype=dtype) for size in sizes)
        for layer, particles in enumerate(state["particles_"]):
            layers[layer][batch_size:] = particles
        buffers = (
            layers,
            tuple(np.empty((n_rows, size), dtype=dtype) for size in sizes),
            tuple(np.empty((n_rows, size), dtype=dtype) for size in sizes),
            tuple(np.empty((n_rows, size), dtype=dtype) for size in sizes),
            tuple(np.empty((2, size), dtype=dtype) for size in sizes),
            (np.empty((2, sizes[0]), dtype=dtype),
             np.empty((n_rows, sizes[0]), dtype=dtype, order="F")),
            tuple(np.zeros(size) for size in sizes),
        )
        weight_velocities, bias_velocities = state["_velocities"]
        units = self._units(state, biases[0], bias_velocities[0], n_rows)
        offsets = tuple(state["offsets_"])
        rates = np.zeros(len(sizes), dtype=dtype)
        if self.centering:
            rates[:] = OFFSET_RATE
            if self.visible_units == "gaussian":
                rates[0] = 0
        # Score every k-th mini-batch, about _SCORED_ROWS rows per pass.
        n_batches = -(-n_samples // batch_size)
        score_every = max(1, n_batches // -(-_SCORED_ROWS // batch_size))
        training = (dtype.type(self.learning_rate), dtype.type(self.momentum),
                    dtype.type(self.weight_decay), self.n_gibbs_steps,
                    self.mean_field_max_iter, float(self.mean_field_tol), score_every,
                    self.visible_units == "gaussian")
        rng = state["_rng"]
        X_parts = as_dense_and_csr(X)

        def fitted():
            copy = copy_state({**state, "particles_": [rows[batch_size:]
                                                       for rows in layers]})
            copy.pop("_pass_sums", None)
            return self._finished(copy, X)

        for _ in range(n_passes):
            if tasks is not None:
                tasks.begin("epoch", fitted)
            begin = time.time()
            for total in buffers[-1]:
                total[:] = 0
            order = rng.permutation(n_samples) if shuffle else np.arange(n_samples)
            score = _kernels.fit_epoch(
                X_parts, order.astype(np.int64), batch_size, weights,
                tuple(biases[1:]), units,
                (tuple(weight_velocities), tuple(bias_velocities[1:])),
                state["_streams"], training, (offsets, rates, bool(self.centering)),
                buffers)
            state["n_iter_"] += 1
            arrays = [*weights, *biases]
            if not all(np.isfinite(a).all() for a in arrays):
                raise DivergenceError(
                    f"DBM diverged in training pass {state['n_iter_']}: its parameters "
                    "contain NaN or infinite values. Lower learning_rate (now "
                    f"{self.learning_rate:g}) or momentum (now {self.momentum:g}), "
                    "or check the scale of the data."
                )
            state["train_scores_"].append(float(score))
            if verbose:
                print(f"[DBM] Iteration {state['n_iter_']}, bound without log Z = "
                      f"{score:.2f}, time = {time.time() - begin:.2f}s")
            if tasks is not None and tasks.end(fitted):
                break
        state["particles_"] = [np.ascontiguousarray(rows[batch_size:])
                               for rows in layers]
        if n_passes:
            # The last pass's means of every layer on the data make the AIS
            # base model (``_commit``).
            state["_pass_sums"] = [total.copy() for total in buffers[-1]]

    def _commit(self, state, X, accumulate=False):
        """Make ``state`` the fitted model (see ``_finished``)."""
        self.__dict__.update(self._finished(state, X, accumulate))

    def _finished(self, state, X, accumulate=False):
        """``state`` as a fitted model's attributes, with the data statistics of
        the AIS base model: the column sums of every layer's means on the data, from
        the last pass of training or else (some) rows of X, and of the data's
        squares; with ``accumulate``, added to those of the earlier calls
        (``partial_fit``)."""
        pass_sums = state.pop("_pass_sums", None)
        if pass_sums is not None:
            layer_sums, n_seen = pass_sums, X.shape[0]
        else:
            rows = np.linspace(0, X.shape[0] - 1, min(X.shape[0], _BASE_MODEL_ROWS))
            sample = X[rows.astype(np.int64)]
            sample = sample.toarray() if hasattr(sample, "toarray") else sample
            means = [np.asarray(sample, dtype=np.float64)] + [
                m.astype(np.float64) for m in self._posteriors(sample, state)]
            layer_sums, n_seen = [m.sum(axis=0) for m in means], means[0].shape[0]
            X = sample
        square_sum = column_moments(X)[1] * (n_seen / X.shape[0])
        if accumulate:
            # partial_fit: the statistics of every call's rows.
            layer_sums = [a + b for a, b in zip(self._layer_sums, layer_sums,
                                                strict=True)]
            square_sum = square_sum + self._visible_square_sum
            n_seen += self._n_rows_seen
        state["_layer_sums"] = layer_sums
        state["_visible_square_sum"] = square_sum
        state["_n_rows_seen"] = n_seen
        state["_log_partition_cache"] = {}
        return state

    # -- inference ------------------------------------------------------------------

    def _posteriors(self, X, namespace=None):
        """The mean-field means of every hidden layer for the dense rows X, with
        the parameters of ``namespace`` (a state dict; None: the estimator's).

        Chunks of rows (``row_chunks``) are settled one at a time, so that the
        scratch (a copy of the rows and every layer's input) does not grow with
        X; each chunk stops when none of its means moves by more than
        ``mean_field_tol``."""
        namespace = self.__dict__ if namespace is None else namespace
        weights = tuple(namespace["components_"])
        biases = namespace["intercepts_"]
        dtype = weights[0].dtype
        n_rows = X.shape[0]
        sizes = [weights[0].shape[1], *(w.shape[0] for w in weights)]
        means = [np.empty((n_rows, size), dtype=dtype) for size in sizes[1:]]
        for rows in row_chunks(n_rows, 2 * dtype.itemsize * sum(sizes)):
            n_chunk = rows.stop - rows.start
            layers = (np.array(X[rows], dtype=dtype, order="C"),) + tuple(
                layer[rows] for layer in means)
            inputs = tuple(np.empty((n_chunk, size), dtype=dtype) for size in sizes)
            units = self._units(namespace, biases[0], np.zeros_like(biases[0]), n_chunk)
            _kernels.posteriors(layers, weights, tuple(biases[1:]), units,
                                self.mean_field_max_iter, float(self.mean_field_tol),
                                inputs)
        return means

    def _validate_data(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, accept_sparse="csr", reset=False,
                          dtype=self.components_[0].dtype)
        self._check_support(X)
        return X.toarray() if hasattr(X, "toarray") else X

    def transform(self, X):
        """The mean-field posteriors Q(h = 1 | v) of the hidden layers.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The data to transform.

        Returns
        -------
        h : ndarray of shape (n_samples, n_features_out)
            The top layer's means, or with ``output_layers="all"`` those of
            every hidden layer side by side, in the model's dtype.
        """
        means = self._posteriors(self._validate_data(X))
        return np.hstack(means) if self.output_layers == "all" else means[-1]

    @property
    def _n_features_out(self):
        sizes = [w.shape[0] for w in self.components_]
        return sum(sizes) if self.output_layers == "all" else sizes[-1]

    def inverse_transform(self, X):
        """Visible means from hidden activations.

        Given every hidden layer (the output of :meth:`transform` with
        ``output_layers="all"``), the result is E[v | h_1], exact. Given the top
        layer alone, it is a top-down pass of means, each layer's given the one
        above only, an approximation of the DBM's inference.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_top_units) or (n_samples, \
n_hidden_units)
            Activations of the top layer, or of every hidden layer.

        Returns
        -------
        v : ndarray of shape (n_samples, n_features)
            The visible means, in the model's dtype.
        """
        check_is_fitted(self)
        dtype = self.components_[0].dtype
        hidden = check_array(X, dtype=dtype)
        sizes = [w.shape[0] for w in self.components_]
        if hidden.shape[1] == sum(sizes) and len(sizes) > 1:
            below = hidden[:, :sizes[0]]
        elif hidden.shape[1] == sizes[-1]:
            below = hidden
            for layer in range(len(sizes) - 1, 0, -1):
                below = expit(below @ self.components_[layer]
                              + self.intercepts_[layer]).astype(dtype)
        else:
            raise ValueError(
                f"X has {hidden.shape[1]} features, but DBM.inverse_transform is "
                f"expecting {sizes[-1]} features (the top layer's units)"
                + (f" or {sum(sizes)} (every hidden layer's)." if len(sizes) > 1
                   else ".")
            )
        return self._visible_means(below)

    def _visible_means(self, hidden):
        visible_input = hidden @ self.components_[0]
        if self.visible_units == "bernoulli":
            return expit(visible_input + self.intercepts_[0]).astype(hidden.dtype)
        return (self.intercepts_[0] + self.sigma_ * visible_input).astype(hidden.dtype)

    # -- generating -----------------------------------------------------------------

    def sample(self, n_samples=1, *, n_gibbs_steps=1000, random_state=None):
        """Generate data by Gibbs sampling over all the layers.

        Each chain starts from uniformly random binary hidden states (and
        visible units drawn given them) and runs ``n_gibbs_steps`` steps, each
        drawing the odd layers, then the even ones. The result is the visible
        means given the last state of the first hidden layer, E[v | h_1].

        Parameters
        ----------
        n_samples : int, default=1
            Number of samples to draw.
        n_gibbs_steps : int, default=1000
            Number of Gibbs steps of each chain.
        random_state : int, RandomState instance or None, default=None
            The random stream of the chains. None uses the estimator's
            ``random_state``, so that a seeded estimator gives the same samples
            on every call.

        Returns
        -------
        X : ndarray of shape (n_samples, n_features)
            Visible means, in the model's dtype.
        """
        layers = self._sample_layers(n_samples, n_gibbs_steps, random_state)
        return self._visible_means(layers[1])

    def _sample_layers(self, n_samples, n_gibbs_steps, random_state):
        """The states of every layer after ``n_gibbs_steps`` steps of
        ``n_samples`` chains from random hidden states."""
        check_is_fitted(self)
        check_count(n_samples, "n_samples", 1)
        check_count(n_gibbs_steps, "n_gibbs_steps", 0)
        rng = check_random_state(self.random_state if random_state is None
                                 else random_state)
        dtype = self.components_[0].dtype
        sizes = [self.components_[0].shape[1], *(w.shape[0] for w in self.components_)]
        streams = row_streams(rng, n_samples)
        layers = tuple(np.zeros((n_samples, size), dtype=dtype) for size in sizes)
        for rows in layers[1:]:
            _kernels.sample_rows(rows, np.zeros(rows.shape[1], dtype=dtype), streams)
        units = self._units(self.__dict__, self.intercepts_[0],
                            np.zeros_like(self.intercepts_[0]), n_samples)
        _kernels.gibbs_chains(layers, tuple(self.components_), tuple(self.intercepts_[1:]),
                              units, streams, n_gibbs_steps)
        return layers

    # -- likelihood -----------------------------------------------------------------

    def log_partition(self, method="auto", *, n_chains=None, n_betas=None,
                      random_state=None, return_std=False):
        """The log partition function log Z of the model.

        Parameters
        ----------
        method : {"auto", "exact", "ais"}, default="auto"
            "exact" enumerates the odd or the even layers, whichever have fewer
            units in all (at most 30; for Gaussian visible units, the odd
            layers), and sums the others out. "ais" estimates log Z by
            annealed importance sampling from a base model of independent
            units with the training data's means (see Notes). "auto" is exact
            when the enumerated layers have at most 20 units, AIS otherwise.
        n_chains : int, default=None
            Number of AIS runs; None uses ``ais_n_chains``.
        n_betas : int, default=None
            Number of AIS inverse temperatures; None uses ``ais_n_betas``. A
            pilot run places them, as for the RBMs.
        random_state : int, RandomState instance or None, default=None
            The random stream of AIS. None uses the estimator's ``random_state``.
        return_std : bool, default=False
            Also return the standard error of the estimate (0 when exact).

        Returns
        -------
        log_partition : float
            log Z in nats.
        std : float
            The standard error; only when ``return_std`` is True.
        """
        check_is_fitted(self)
        n_chains = self.ais_n_chains if n_chains is None else n_chains
        n_betas = self.ais_n_betas if n_betas is None else n_betas
        check_count(n_chains, "n_chains", 1)
        check_count(n_betas, "n_betas", 2)
        random_state = self.random_state if random_state is None else random_state
        seeded = random_state is None or isinstance(random_state, Integral)
        key = cache_key(method, n_chains, n_betas, random_state) if seeded else None
        cache = self.__dict__.setdefault("_log_partition_cache", {})
        if key is not None and key in cache:
            value, std = cache[key]
        else:
            value, std = log_partition(self, method, n_chains, n_betas,
                                       check_random_state(random_state))
            if key is not None:
                cache[key] = (value, std)
        return (value, std) if return_std else value

    def _unnormalised_bound(self, X, namespace=None):
        """E_Q[-E(v, h)] + H(Q) per row of the dense X, in float64: the bound
        without -log Z, a chunk of rows at a time."""
        namespace = self.__dict__ if namespace is None else namespace
        X = X.toarray() if hasattr(X, "toarray") else X
        posteriors = self._posteriors(X, namespace)
        weights = [w.astype(np.float64) for w in namespace["components_"]]
        biases = [b.astype(np.float64) for b in namespace["intercepts_"]]
        total = np.empty(X.shape[0])
        # float64 copies of the chunk's layers, and each layer's input.
        row_bytes = 16 * (X.shape[1] + sum(m.shape[1] for m in posteriors))
        for rows in row_chunks(X.shape[0], row_bytes):
            means = [np.asarray(X[rows], dtype=np.float64)] + [
                m[rows].astype(np.float64) for m in posteriors]
            visible = means[0]
            if self.visible_units == "bernoulli":
                chunk = visible @ biases[0]
            else:
                # -(v - b)**2 / 2, sigma = 1; the Gaussian's constants are in log Z.
                chunk = -0.5 * ((visible - biases[0]) ** 2).sum(axis=1)
            for layer, weight in enumerate(weights):
                upper = means[layer + 1]
                chunk += np.einsum("ij,ij->i", upper, means[layer] @ weight.T)
                chunk += upper @ biases[layer + 1]
                chunk += (entr(upper) + entr(1.0 - upper)).sum(axis=1)
            total[rows] = chunk
        return total

    def lower_bound(self, X):
        """The variational lower bound on log p(v) of each row.

        ``E_Q[-E(v, h)] + H(Q) - log Z``, with Q the mean-field posterior of
        :meth:`transform` and log Z from :meth:`log_partition` ("auto").

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Values of the visible layer.

        Returns
        -------
        bound : ndarray of shape (n_samples,)
            The bound of each row, in nats, in float64.
        """
        X = self._validate_data(X)
        return self._unnormalised_bound(X) - self.log_partition()

    def score_samples(self, X):
        """log p(v) of each row: exact for small models, else the bound.

        Exact when log Z is (see :meth:`log_partition`) and the odd or the even
        hidden layers have at most 12 units in all; otherwise the variational
        lower bound of :meth:`lower_bound`.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Values of the visible layer.

        Returns
        -------
        log_likelihood : ndarray of shape (n_samples,)
            In nats, in float64.
        """
        X = self._validate_data(X)
        exact = exact_log_likelihood(self, X, EXACT_MAX_HIDDEN_UNITS)
        if exact is not None:
            return exact
        return self._unnormalised_bound(X) - self.log_partition()

    def score(self, X, y=None):
        """Mean of :meth:`score_samples`.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Values of the visible layer.
        y : None
            Ignored.

        Returns
        -------
        score : float
            The mean log-likelihood (or its bound) in nats.
        """
        return float(np.mean(self.score_samples(X)))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.input_tags.positive_only = self.visible_units == "bernoulli"
        tags.target_tags.required = False
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags
