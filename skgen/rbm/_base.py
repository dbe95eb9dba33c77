"""Machinery shared by the RBM estimators: the training loop, the fitted state,
sampling and the likelihood API."""

import hashlib
import time
from abc import ABC, abstractmethod
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
)
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_array, check_is_fitted, validate_data

from ..exceptions import DivergenceError
from ..utils._callbacks import CallbackSupportMixin, begin_fit, end_fit, subtasks
from ..utils._doc_link import DocumentationLinkMixin
from ..utils._persistence import VersionedStateMixin
from ..utils._random import normal_columns, row_streams
from ..utils._state import cache_key, copy_state, fit_transaction
from ..utils._validation import (
    as_dense_and_csr,
    check_count,
    column_moments,
    validate_support,
    validation_split,
)
from . import _kernels
from ._partition import estimate_log_partition
from ._tempering import ADAPTATION_RATE, TARGET_SWAP_RATE, tempered_gibbs

#: ``log_partition(method="auto")`` enumerates when the smaller layer has at most
#: this many units, and runs AIS otherwise.
EXACT_MAX_UNITS = 20

#: Enumerating more units than this would take hours.
_ENUMERABLE_MAX_UNITS = 30

#: ``train_scores_`` scores every ``_SCORED_ROWS_STEP``-th training row, keeping
#: at least ``_SCORED_MIN_ROWS`` rows and at most ``_SCORED_MAX_ROWS`` (see
#: ``_scored_step``): scoring all of them would cost a fifth to a half of a pass
#: (benchmarks/RESULTS.md).
_SCORED_ROWS_STEP = 16
_SCORED_MIN_ROWS = 256
_SCORED_MAX_ROWS = 5000

#: With ``centering``, the offsets move this fraction of the way towards each
#: mini-batch's data means: Melchior et al.'s sliding average, which keeps
#: training stable where the mini-batch means themselves are noisy.
OFFSET_RATE = 0.01

#: The hidden offsets' start, as in Melchior et al.: P(h=1|v) of a new model,
#: whose hidden biases are 0 and weights small.
INITIAL_HIDDEN_OFFSET = 0.5

#: Rows of the training data whose hidden activations set the hidden units of
#: the AIS base model: a mean, which needs no more.
_HIDDEN_MEAN_ROWS = 1000


class BaseRBM(DocumentationLinkMixin, VersionedStateMixin,
              CallbackSupportMixin, ClassNamePrefixFeaturesOutMixin,
              TransformerMixin, BaseEstimator, ABC):
    """Base class of the RBM estimators. Subclasses provide the visible units."""

    _parameter_constraints: dict = {
        "n_components": [Interval(Integral, 1, None, closed="left")],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "n_iter": [Interval(Integral, 0, None, closed="left")],
        "n_gibbs_steps": [Interval(Integral, 1, None, closed="left")],
        "persistent": ["boolean"],
        "momentum": [Interval(Real, 0, 1, closed="left")],
        "weight_decay": [Interval(Real, 0, None, closed="left")],
        "visible_bias_init": [StrOptions({"data", "zeros"})],
        "centering": ["boolean"],
        "shuffle": ["boolean"],
        "n_temperatures": [Interval(Integral, 1, None, closed="left")],
        "temperature_ladder": [StrOptions({"adaptive", "uniform"}), "array-like"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither"), None],
        "ais_n_chains": [Interval(Integral, 1, None, closed="left")],
        "ais_n_betas": [Interval(Integral, 2, None, closed="left")],
        "verbose": ["verbose"],
        "random_state": ["random_state"],
    }

    #: Attributes that make up the fitted state, written together or not at all.
    _state_names = (
        "components_",
        "intercept_hidden_",
        "intercept_visible_",
        "h_samples_",
        "visible_offset_",
        "hidden_offset_",
        "_velocities",
        "_streams",
        "_rng",
        "_visible_sum",
        "_visible_square_sum",
        "_n_samples_seen",
        "inverse_temperatures_",
        "swap_rates_",
        "_replica_hidden",
        "_replica_streams",
        "train_scores_",
        "validation_scores_",
        "_hidden_mean",
    )

    #: Fitted parameters beyond (components_, intercept_hidden_, intercept_visible_).
    _extra_parameter_names = ()

    #: Training products skip the zeros of visible rows that have at most this
    #: share of nonzero entries (0: never); see ``_kernels.fit_epoch``.
    _sparse_density = 0.0

    #: ... but only for mini-batches of at most this many rows. The sparse loops
    #: run on one core and BLAS on all of them, which pays for larger products
    #: (the measured break-even is in benchmarks/RESULTS.md).
    _sparse_max_batch_size = 32

    #: Factors on the input of the hidden and of the visible units in their
    #: conditionals during training: (1, 1) for an RBM. A Deep Boltzmann
    #: Machine's pretraining sets one of them to 2 on the RBMs it trains (see
    #: ``skgen.dbm``); nothing else reads them.
    _input_scales = (1.0, 1.0)

    # -- what a visible-unit type provides ------------------------------------------

    @abstractmethod
    def _check_support(self, X):
        """Raise a ValueError when X has values outside the visible units' support."""

    @abstractmethod
    def _visible_units(self, state):
        """The visible units of ``state`` as a unit type of ``_units``, for the
        kernels: views of the state's arrays, which training updates in place."""

    @abstractmethod
    def _data_visible_bias(self, visible_sum, n_samples):
        """The visible biases of ``visible_bias_init="data"``: those of independent
        units with the means of data whose column sums are ``visible_sum``."""

    @abstractmethod
    def _hidden_means(self, X, namespace=None):
        """P(h=1|v) for the rows of X, with the parameters of ``namespace`` (a
        state dict; None: the estimator's)."""

    @abstractmethod
    def _visible_means(self, hidden):
        """E[v|h] for the rows of ``hidden``."""

    @abstractmethod
    def _free_energy(self, X):
        """F(v) for the rows of X, in float64."""

    @abstractmethod
    def _progress_score(self, X, state):
        """(name, value) of the score that ``train_scores_`` records and
        ``verbose`` prints after each pass."""

    @abstractmethod
    def _random_visible(self, n_samples, dtype, streams):
        """Starting states for sampling chains."""

    @abstractmethod
    def _run_gibbs(self, visible, n_steps, streams):
        """In place: ``n_steps`` sampled Gibbs steps from ``visible``; returns the
        last hidden sample."""

    @abstractmethod
    def _input_weights(self):
        """The weights (n_features, n_components) that a sigmoid layer applies to
        the data to compute P(h=1|v): a DBN's classifier starts from them."""

    @abstractmethod
    def _log_conditional(self, visible, hidden):
        """log p(v | h) for the rows of ``visible`` and ``hidden``, in float64."""

    @abstractmethod
    def _n_enumerated_units(self):
        """Number of units that exact log Z enumerates."""

    @abstractmethod
    def _log_partition_exact(self):
        """log Z by enumeration."""

    @abstractmethod
    def _log_partition_ais(self, betas, streams, trace):
        """AIS log weights, one run per stream, and the base model's log Z
        (``_partition.ais_log_weights``, which fills ``trace``)."""

    @abstractmethod
    def _base_units(self, namespace):
        """The base model of tempering, in float64, from a state dict or
        ``__dict__``: that of AIS, from the data statistics (``_visible_sum``,
        ...), but for the variances of Gaussian units."""

    # -- fitting --------------------------------------------------------------------

    @fit_transaction(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Fit the model to X, starting from new random parameters.

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
        context = begin_fit(self, self.n_iter, X, y)
        rng = check_random_state(self.random_state)
        training, held_out = X, None
        if self.validation_fraction is not None:
            (training,), (held_out,) = validation_split(self, (X,), rng)
        moments = column_moments(training)
        state = self._initial_state(training, rng, moments)
        state.update(train_scores_=[], validation_scores_=None if held_out is None else [])
        self._train(training, state, self.n_iter, self.verbose, moments, held_out,
                    subtasks(context, self, X, y))
        self._commit(state)
        end_fit(context, self, X, y)
        return self

    @fit_transaction(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y=None):
        """Run one training pass over X, in mini-batches of ``batch_size``.

        The first call initialises the model from ``random_state``; later calls
        continue its parameters, momentum, persistent chains and random streams.
        Each call appends one entry to ``train_scores_``. It holds out no rows:
        ``validation_fraction`` must be None.

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
        if self.validation_fraction is not None:
            raise ValueError(
                "partial_fit holds out no validation rows: set validation_fraction "
                f"to None (now {self.validation_fraction!r})."
            )
        first_call = not hasattr(self, "components_")
        X = self._validate_training_data(X, reset=first_call)
        context = begin_fit(self, 1, X, y)
        moments = column_moments(X)
        if first_call:
            state = self._initial_state(X, check_random_state(self.random_state),
                                        moments)
            state.update(train_scores_=[], validation_scores_=None)
        else:
            state = copy_state({name: getattr(self, name) for name in self._state_names})
        self._train(X, state, 1, 0, moments, tasks=subtasks(context, self, X, y))
        self._commit(state)
        end_fit(context, self, X, y)
        return self

    def _validate_training_data(self, X, reset):
        dtype = (np.float64, np.float32) if reset else self.components_.dtype
        return validate_support(
            self, X, self._check_support, reset=reset, accept_sparse="csr", dtype=dtype
        )

    def _validate_data(self, X):
        """Check X for a fitted model; cast it to the model's dtype."""
        check_is_fitted(self)
        X = validate_data(
            self, X, accept_sparse="csr", reset=False, dtype=self.components_.dtype
        )
        self._check_support(X)
        return X

    def _initial_state(self, X, rng, moments):
        """New parameters: N(0, 0.01**2) weights, as sklearn's, zero hidden biases,
        and visible biases by ``visible_bias_init``, from ``moments``, the column
        sums of X and X**2. The offsets of centering start at the data's means
        and 0.5.

        The weights are drawn from per-unit streams of ``rng``
        (``_random.normal_columns``, in NumPy: a kernel would compile on every
        machine's first fit), so float32 and float64 models start alike; sklearn
        draws the same distribution with ``rng.normal``.

        The weights are Fortran-ordered, so that the column of one visible unit
        is contiguous (see ``_kernels.fit_epoch``).
        """
        n_features, dtype = X.shape[1], X.dtype
        shape = (self.n_components, n_features)
        mean = moments[0] / X.shape[0]
        if self.visible_bias_init == "data":
            visible_bias = self._data_visible_bias(moments[0], X.shape[0]).astype(dtype)
        else:
            visible_bias = np.zeros(n_features, dtype=dtype)
        return {
            # Drawn in float64 for both dtypes, then rounded.
            "components_": (0.01 * normal_columns(row_streams(rng, n_features),
                                                  self.n_components)
                            ).astype(dtype, order="F", copy=False),
            "intercept_hidden_": np.zeros(self.n_components, dtype=dtype),
            "intercept_visible_": visible_bias,
            "h_samples_": np.zeros((self.batch_size, self.n_components), dtype=dtype),
            "visible_offset_": mean.astype(dtype),
            "hidden_offset_": np.full(self.n_components, INITIAL_HIDDEN_OFFSET,
                                      dtype=dtype),
            "_velocities": (
                np.zeros(shape, dtype=dtype, order="F"),
                np.zeros(self.n_components, dtype=dtype),
                np.zeros(n_features, dtype=dtype),
            ),
            "_streams": row_streams(rng, self.batch_size),
            "_rng": rng,
            "_visible_sum": np.zeros(n_features),
            "_visible_square_sum": np.zeros(n_features),
            "_n_samples_seen": 0,
            "_hidden_mean": np.full(self.n_components, 0.5),
        }

    def _commit(self, state):
        for name, value in state.items():
            setattr(self, name, value)
        self._log_partition_cache = {}

    def _train(self, X, state, n_epochs, verbose, moments, held_out=None, tasks=None):
        """Run ``n_epochs`` training passes over X, then count X's column
        ``moments`` (``column_moments(X)``) into the state's data statistics
        (see ``_count_data``).

        After each pass the scores of ``_progress_score`` are appended to
        ``train_scores_`` (on a fixed subsample of X, see ``_scored_step``)
        and, with ``held_out`` rows, to ``validation_scores_``. ``tasks``
        (``skgen.utils._callbacks``) opens a callback task per pass, if given.
        """
        n_samples = X.shape[0]
        rng = state["_rng"]
        self._prepare_tempering(state, moments, n_samples)
        sparse = self._sparse_products(X, state["h_samples_"].shape[0])
        step = _scored_step(n_samples)
        scored = X[::step] if sp.issparse(X) else np.ascontiguousarray(X[::step])

        def fitted():
            return self._fitted_state(state, moments, X)

        begin = time.time()
        for iteration in range(1, n_epochs + 1):
            if tasks is not None:
                tasks.begin("epoch", fitted)
            order = rng.permutation(n_samples) if self.shuffle else np.arange(n_samples)
            self._fit_epoch(X, order.astype(np.int64), state, sparse)
            finite = all(np.isfinite(p).all() for p in self._parameter_arrays(state))
            end = time.time()
            if finite:
                with np.errstate(over="ignore", invalid="ignore"):
                    scores = self._record_scores(state, scored, held_out)
                # Finite parameters may still be too large for the model's energy.
                finite = np.isfinite(state["train_scores_"][-1])
            if not finite:
                raise DivergenceError(
                    f"{type(self).__name__} diverged in training pass {iteration}: its "
                    "parameters or its training score are NaN or infinite. Lower "
                    f"learning_rate (now {self.learning_rate:g}) or momentum (now "
                    f"{self.momentum:g}), or check the scale of the data."
                )
            if verbose:
                print(f"[{type(self).__name__}] Iteration {iteration}, {scores}, "
                      f"time = {end - begin:.2f}s")
                begin = time.time()
            if tasks is not None and tasks.end(fitted):
                break
        self._count_data(state, moments, X)

    def _record_scores(self, state, scored, held_out):
        """Append the scores of the rows ``scored`` and ``held_out`` (or None)
        to the history in ``state``; return them as ``verbose`` prints them."""
        name, score = self._progress_score(scored, state)
        state["train_scores_"].append(float(score))
        text = f"{name} = {score:.2f}"
        if held_out is not None:
            score = self._progress_score(held_out, state)[1]
            state["validation_scores_"].append(float(score))
            text += f", validation {name} = {score:.2f}"
        return text

    def _fitted_state(self, state, moments, X):
        """A copy of the training ``state`` as ``_train`` would leave it if it
        stopped now: a callback's ``fitted_estimator``."""
        fitted = copy_state(state)
        self._count_data(fitted, moments, X)
        fitted["_log_partition_cache"] = {}
        return fitted

    def _count_data(self, state, moments, X):
        """Count the column ``moments`` of X's rows into the state's data
        statistics, and set its ``_hidden_mean``: the mean of P(h=1|v) under the
        state's parameters over (at most ``_HIDDEN_MEAN_ROWS`` evenly spaced) rows
        of X, smoothed away from 0 and 1. Both make the base model of AIS."""
        n_samples = X.shape[0]
        if not n_samples:
            return
        state["_visible_sum"] += moments[0]
        state["_visible_square_sum"] += moments[1]
        state["_n_samples_seen"] += n_samples
        rows = np.linspace(0, n_samples - 1, min(n_samples, _HIDDEN_MEAN_ROWS))
        hidden = self._hidden_means(X[rows.astype(np.int64)], state)
        state["_hidden_mean"] = (hidden.sum(axis=0, dtype=np.float64) + 0.5) / (
            hidden.shape[0] + 1.0)

    def _sparse_products(self, X, batch_size):
        """Whether training products should skip the zeros of X's rows: only for
        small mini-batches of data that has at most ``_sparse_density`` nonzero
        entries overall. Otherwise the sparse kernels are neither used nor
        compiled."""
        if not self._sparse_density or batch_size > self._sparse_max_batch_size:
            return False
        n_entries = X.shape[0] * X.shape[1]
        n_nonzero = X.nnz if sp.issparse(X) else np.count_nonzero(X)
        return n_entries > 0 and n_nonzero <= self._sparse_density * n_entries

    def _fit_epoch(self, X, order, state, sparse_products):
        """Run one training pass over the rows ``order`` of X, updating ``state``;
        see ``_sparse_products``."""
        weights = state["components_"]
        dtype = weights.dtype.type
        n_chains, n_hidden = state["h_samples_"].shape
        n_visible = weights.shape[1]
        sparse = None
        if sparse_products:
            sparse = (dtype(self._sparse_density),
                      np.empty((2 * n_chains, n_visible), dtype=np.int64),
                      np.empty(2 * n_chains, dtype=np.int64))
        weights_velocity, hidden_velocity, _ = state["_velocities"]
        tempering = None
        if self.n_temperatures > 1:
            swap_counts = np.zeros((2, self.n_temperatures - 1))
            adaptation = None
            if _is_str(self.temperature_ladder, "adaptive"):
                adaptation = (TARGET_SWAP_RATE, ADAPTATION_RATE)
            tempering = self._ladder(
                state["inverse_temperatures_"], state["_tempering_base"],
                state["_replica_hidden"], state["_replica_streams"], adaptation,
                swap_counts, n_visible)
        _kernels.fit_epoch(
            as_dense_and_csr(X),
            order,
            n_chains,
            weights,
            state["intercept_hidden_"],
            self._visible_units(state),
            # Without momentum no velocity is kept (and its step is not compiled).
            (weights_velocity if self.momentum != 0 else None, hidden_velocity),
            state["h_samples_"],
            state["_streams"],
            (dtype(self.learning_rate), dtype(self.momentum), dtype(self.weight_decay),
             self.n_gibbs_steps, self.persistent, dtype(self._input_scales[0]),
             dtype(self._input_scales[1])),
            sparse,
            self._discriminative(state, n_chains),
            self._centering(state),
            (np.empty((2 * n_chains, n_visible), dtype=dtype),
             np.empty((2 * n_chains, n_hidden), dtype=dtype),
             np.empty((2, n_hidden), dtype=dtype),
             np.empty((2, n_visible), dtype=dtype)),
            tempering,
        )
        if tempering is not None and swap_counts[1, 0] > 0:
            state["swap_rates_"] = swap_counts[0] / swap_counts[1]

    def _prepare_tempering(self, state, moments, n_samples):
        """Set up the state's ladder for training: the inverse temperatures, the
        replicas and their streams (new unless the state has as many as
        ``n_temperatures`` asks for), and the base model of the data seen so far
        with the ``n_samples`` rows of ``moments``."""
        n_chains, n_hidden = state["h_samples_"].shape
        n_temperatures = self.n_temperatures
        dtype = state["components_"].dtype
        betas = _ladder_betas(self.temperature_ladder, n_temperatures,
                              "temperature_ladder")
        if n_temperatures == 1:
            state["inverse_temperatures_"] = np.ones(1)
            state["swap_rates_"] = np.empty(0)
            state["_replica_hidden"] = np.zeros((0, n_hidden), dtype=dtype)
            state["_replica_streams"] = np.empty(0, dtype=np.uint64)
            return
        if not self.persistent:
            raise ValueError(
                f"n_temperatures={n_temperatures} tempers the persistent chains, but "
                "persistent=False; set persistent=True, or n_temperatures=1 for CD."
            )
        replicas = state.get("_replica_hidden")
        if replicas is None or replicas.shape != (n_temperatures * n_chains, n_hidden):
            state["_replica_hidden"] = np.zeros((n_temperatures * n_chains, n_hidden),
                                                dtype=dtype)
            state["_replica_streams"] = row_streams(state["_rng"],
                                                    (n_temperatures - 1) * n_chains)
            state["swap_rates_"] = np.full(n_temperatures - 1, np.nan)
        elif _is_str(self.temperature_ladder, "adaptive"):
            # The ladder goes on adapting from where it stands.
            betas = state["inverse_temperatures_"].copy()
        state["inverse_temperatures_"] = betas
        seen = {
            **state,
            "_visible_sum": state["_visible_sum"] + moments[0],
            "_visible_square_sum": state["_visible_square_sum"] + moments[1],
            "_n_samples_seen": state["_n_samples_seen"] + n_samples,
        }
        state["_tempering_base"] = self._base_units(seen)

    @staticmethod
    def _ladder(betas, base, replica_hidden, replica_streams, adaptation, swap_counts,
                n_visible):
        """The ``ladder`` of ``_tempering.tempered_gibbs``, with new scratch."""
        n_rows, n_hidden = replica_hidden.shape
        dtype = replica_hidden.dtype
        return (betas, base, replica_streams, adaptation, swap_counts,
                (replica_hidden,
                 np.empty((n_rows, n_hidden), dtype=dtype),
                 np.empty((n_rows, n_visible), dtype=dtype),
                 np.empty((n_rows, n_visible), dtype=dtype),
                 np.empty(n_rows),
                 np.empty(betas.shape[0] - 1)))

    def _centering(self, state):
        """``fit_epoch``'s offsets, or None without ``centering``."""
        if not self.centering:
            return None
        dtype = state["components_"].dtype.type
        return state["visible_offset_"], state["hidden_offset_"], dtype(OFFSET_RATE)

    def _discriminative(self, state, n_chains):
        """``fit_epoch``'s discriminative term: here none (see
        ``skgen.dbn._labelled``)."""
        return None

    @property
    def _n_features_out(self):
        """Number of transformed output features."""
        return self.components_.shape[0]

    # -- using the model ------------------------------------------------------------

    def transform(self, X):
        """Compute the hidden units' activation probabilities, P(h=1|v=X).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The data to be transformed.

        Returns
        -------
        h : ndarray of shape (n_samples, n_components)
            Latent representations of the data, in the model's dtype.
        """
        X = self._validate_data(X)
        return self._hidden_means(X)

    def inverse_transform(self, X):
        """Compute the visible units' means given hidden activations, E[v|h=X].

        Parameters
        ----------
        X : array-like of shape (n_samples, n_components)
            Hidden activations: binary states or probabilities such as the
            output of :meth:`transform`.

        Returns
        -------
        v : ndarray of shape (n_samples, n_features)
            The visible means, in the model's dtype.
        """
        check_is_fitted(self)
        hidden = check_array(X, dtype=self.components_.dtype, order="C")
        if hidden.shape[1] != self.n_components:
            raise ValueError(
                f"X has {hidden.shape[1]} features, but {type(self).__name__}."
                f"inverse_transform is expecting {self.n_components} features (the "
                "number of hidden units) as input."
            )
        return self._visible_means(hidden)

    def gibbs(self, v):
        """Perform one Gibbs sampling step: sample h given v, then v given h.

        Consecutive calls continue the estimator's random stream, as in sklearn.

        Parameters
        ----------
        v : {array-like, sparse matrix} of shape (n_samples, n_features)
            Values of the visible layer to start from.

        Returns
        -------
        v_new : ndarray of shape (n_samples, n_features)
            Values of the visible layer after one Gibbs step. Unlike sklearn,
            which returns booleans, the values are in the model's dtype, so the
            result can be fed back as it is.
        """
        visible = self._validate_data(v)
        visible = _dense_copy(visible)
        self._run_gibbs(visible, 1, row_streams(self._rng, visible.shape[0]))
        return visible

    def sample(self, n_samples=1, *, n_gibbs_steps=1000, random_state=None,
               n_temperatures=None, temperature_ladder=None):
        """Draw new visible vectors from the model by Gibbs sampling.

        Each sample is the last state of its own Gibbs chain, started from
        uniformly random visible units and run for ``n_gibbs_steps`` steps
        (v -> h -> v, both layers sampled). The steps are the burn-in: the chain
        forgets its start at a rate that depends on the model, and 1000 steps is
        the usual choice for MNIST-sized models. Shorter chains look more like
        their starting noise.

        With ``n_temperatures`` > 1 each chain is tempered as in training (see
        the Notes of the class): it has a replica at every inverse temperature
        of the ladder, all started from hidden units at 0, and each of the
        ``n_gibbs_steps`` steps is a Gibbs step of every replica followed by
        swaps of neighbouring replicas. The sample is the last visible state of
        the replica at inverse temperature 1. Tempering lets a chain leave a
        mode that Gibbs steps alone would rarely leave, at the cost of one Gibbs
        step per replica.

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
        n_temperatures : int, default=None
            Number of inverse temperatures of each chain's ladder; 1 is plain
            Gibbs sampling. None uses the estimator's ``n_temperatures``.
        temperature_ladder : "uniform" or array-like of shape (n_temperatures,), \
default=None
            The inverse temperatures, fixed while sampling: "uniform" spaces
            them evenly from 0 to 1, an array gives them (increasing, from at
            least 0 to 1). None uses the fitted ``inverse_temperatures_`` when
            they are ``n_temperatures``, and "uniform" otherwise.

        Returns
        -------
        X : ndarray of shape (n_samples, n_features)
            The samples, in the model's dtype.
        """
        check_is_fitted(self)
        check_count(n_samples, "n_samples", 1)
        check_count(n_gibbs_steps, "n_gibbs_steps", 0)
        if n_temperatures is None:
            n_temperatures = self.n_temperatures
        check_count(n_temperatures, "n_temperatures", 1)
        if random_state is None:
            random_state = self.random_state
        rng = check_random_state(random_state)
        if n_temperatures > 1:
            return self._sample_tempered(n_samples, n_gibbs_steps, n_temperatures,
                                         temperature_ladder, rng,
                                         row_streams(rng, n_samples))
        visible, _ = self._sample_chains(n_samples, n_gibbs_steps, rng)
        return visible

    def _sample_chains(self, n_samples, n_gibbs_steps, rng):
        """The last (visible, hidden) states of ``n_samples`` Gibbs chains, each
        from a random start (``_random_visible``) and with a stream of its own
        from ``rng``. The hidden states are undefined after no step."""
        streams = row_streams(rng, n_samples)
        visible = self._random_visible(n_samples, self.components_.dtype, streams)
        hidden = self._run_gibbs(visible, n_gibbs_steps, streams)
        return visible, hidden

    def _sample_tempered(self, n_samples, n_gibbs_steps, n_temperatures,
                         temperature_ladder, rng, streams):
        """``sample`` by parallel tempering: ``streams`` are those of the chains at
        inverse temperature 1, and the replicas' streams come next from ``rng``."""
        if n_gibbs_steps < 1:
            raise ValueError(
                "Tempered sampling starts from the hidden states and needs "
                f"n_gibbs_steps >= 1, got {n_gibbs_steps}."
            )
        if temperature_ladder is None:
            fitted = self.inverse_temperatures_
            temperature_ladder = fitted if fitted.shape[0] == n_temperatures else "uniform"
        if _is_str(temperature_ladder, "adaptive"):
            raise ValueError(
                "sample keeps its ladder fixed: temperature_ladder must be 'uniform', "
                "an array or None."
            )
        betas = _ladder_betas(temperature_ladder, n_temperatures, "temperature_ladder")
        dtype = self.components_.dtype
        n_visible = self.components_.shape[1]
        replica_hidden = np.zeros((n_temperatures * n_samples, self.n_components),
                                  dtype=dtype)
        ladder = self._ladder(
            betas, self._base_units(self.__dict__), replica_hidden,
            row_streams(rng, (n_temperatures - 1) * n_samples), None,
            np.zeros((2, n_temperatures - 1)), n_visible)
        tempered_gibbs(ladder, self.components_, self.intercept_hidden_,
                       self._visible_units(self.__dict__),
                       np.zeros((n_samples, self.n_components), dtype=dtype), streams,
                       n_gibbs_steps, np.empty((n_samples, n_visible), dtype=dtype))
        # The replicas' visible states, in the data's scale; the last block is at
        # inverse temperature 1.
        visible = ladder[5][2]
        return visible[visible.shape[0] - n_samples:].copy()

    def free_energy(self, X):
        """Compute the free energy F(v) = -log sum_h exp(-E(v, h)) of each row.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Values of the visible layer.

        Returns
        -------
        free_energy : ndarray of shape (n_samples,)
            The free energy, in float64.
        """
        X = self._validate_data(X)
        return self._free_energy(X)

    def score_samples(self, X):
        """Compute the log-likelihood log p(v) = -F(v) - log Z of each row.

        log Z comes from :meth:`log_partition` with ``method="auto"``: exact when
        the enumerated layer has at most 20 units, otherwise estimated by AIS with
        ``ais_n_chains`` runs over ``ais_n_betas`` inverse temperatures, seeded by
        ``random_state``. It is computed once and cached until the parameters
        change.

        For Bernoulli visible units this is a log-probability for binary rows;
        rows with values strictly between 0 and 1 get the same formula, which is
        then not a normalised probability of anything (binarise the data to
        compare models by likelihood). For Gaussian visible units it is a log
        probability density.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Values of the visible layer.

        Returns
        -------
        log_likelihood : ndarray of shape (n_samples,)
            The log-likelihood of each row in nats, in float64.
        """
        X = self._validate_data(X)
        return -self._free_energy(X) - self.log_partition()

    def score(self, X, y=None):
        """Mean log-likelihood of the rows of X (see :meth:`score_samples`).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Values of the visible layer.
        y : None
            Ignored.

        Returns
        -------
        score : float
            The mean log-likelihood in nats.
        """
        return float(np.mean(self.score_samples(X)))

    def log_partition(
        self,
        method="auto",
        *,
        n_chains=None,
        n_betas=None,
        betas=None,
        random_state=None,
        return_std=False,
    ):
        """The log partition function log Z of the model.

        Parameters
        ----------
        method : {"auto", "exact", "ais"}, default="auto"
            "exact" enumerates a binary layer (at most 30 units): the smaller
            one for Bernoulli visible units, the hidden one for Gaussian
            visible units. "ais" estimates log Z by annealed importance
            sampling (Salakhutdinov & Murray 2008) from a base model of
            independent units: visible ones with the training data's
            marginals, hidden ones with the data's mean activations.
            "auto" is exact when the enumerated layer has at most 20 units,
            AIS otherwise.
        n_chains : int, default=None
            Number of AIS runs; None uses ``ais_n_chains``.
        n_betas : int, default=None
            Number of inverse temperatures from 0 to 1; None uses
            ``ais_n_betas``. A pilot run (a quarter as many evenly spaced
            inverse temperatures, half as many runs) measures where along the
            way the importance weights spread, and they are placed densest
            there.
        betas : array-like of shape (n_betas,), default=None
            An explicit increasing schedule from 0 to 1, instead of ``n_betas``
            (and of the pilot run).
        random_state : int, RandomState instance or None, default=None
            The random stream of AIS. None uses the estimator's ``random_state``.
        return_std : bool, default=False
            Also return the standard error of the estimate (0 when exact),
            from the spread of the importance weights.

        Returns
        -------
        log_partition : float
            log Z in nats.
        std : float
            The standard error of log Z; only when ``return_std`` is True.
        """
        check_is_fitted(self)
        if method not in ("auto", "exact", "ais"):
            raise ValueError(
                f"method must be 'auto', 'exact' or 'ais', got {method!r}."
            )
        n_enumerated = self._n_enumerated_units()
        if method == "auto":
            method = "exact" if n_enumerated <= EXACT_MAX_UNITS else "ais"
        if method == "exact":
            if n_enumerated > _ENUMERABLE_MAX_UNITS:
                raise ValueError(
                    f"Exact log Z enumerates 2**{n_enumerated} binary states, which "
                    f"is infeasible above {_ENUMERABLE_MAX_UNITS} units; use "
                    "method='ais'."
                )
            key = cache_key("exact")
        else:
            if random_state is None:
                random_state = self.random_state
            if betas is None:
                n_betas = self.ais_n_betas if n_betas is None else n_betas
                check_count(n_betas, "n_betas", 2)
                schedule = n_betas
            else:
                schedule = _check_betas(betas)
            n_chains = self.ais_n_chains if n_chains is None else n_chains
            check_count(n_chains, "n_chains", 1)
            seeded = random_state is None or isinstance(random_state, Integral)
            schedule_key = schedule.tobytes() if betas is not None else schedule
            key = (cache_key("ais", n_chains, schedule_key, random_state) if seeded
                   else None)

        cache = self.__dict__.setdefault("_log_partition_cache", {})
        fingerprint = self._fingerprint()
        if key is not None and cache.get(key, (None,))[0] == fingerprint:
            value, std = cache[key][1]
        else:
            if method == "exact":
                value, std = self._log_partition_exact(), 0.0
            else:
                value, std = self._estimate_log_partition(n_chains, schedule,
                                                          random_state)
            if key is not None:
                cache[key] = (fingerprint, (value, std))
        return (value, std) if return_std else value

    def _estimate_log_partition(self, n_chains, schedule, random_state):
        """AIS estimate of log Z and its standard error (see
        ``_partition.estimate_log_partition``)."""
        return estimate_log_partition(self._log_partition_ais, n_chains, schedule,
                                      check_random_state(random_state))

    def _ais_hidden_biases(self):
        """(2, n_components) float64: the hidden biases, and those of the AIS base
        model (``_partition.ais_log_weights``): the logits of the training
        data's mean hidden activations (``_train``)."""
        base_bias = np.log(self._hidden_mean) - np.log1p(-self._hidden_mean)
        return np.stack([self.intercept_hidden_.astype(np.float64), base_bias])

    def _fingerprint(self):
        digest = hashlib.blake2b(digest_size=16)
        for array in (*self._parameter_arrays(self.__dict__), self._visible_sum,
                      self._visible_square_sum, self._hidden_mean):
            digest.update(np.ascontiguousarray(array).view(np.uint8))
        return digest.hexdigest()

    def _parameter_arrays(self, namespace):
        """Every fitted parameter array, from a state dict or an estimator's __dict__."""
        return _params(namespace) + tuple(
            namespace[name] for name in self._extra_parameter_names
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags


def _scored_step(n_samples):
    """Every how many of ``n_samples`` training rows ``train_scores_`` scores:
    every 16th, or fewer to keep 256 rows (all of them below that), or more to
    keep at most 5000."""
    step = min(_SCORED_ROWS_STEP, max(1, n_samples // _SCORED_MIN_ROWS))
    return max(step, -(-n_samples // _SCORED_MAX_ROWS))


def _params(namespace):
    """(W, hidden bias, visible bias) from a state dict or an estimator's __dict__."""
    return (
        namespace["components_"],
        namespace["intercept_hidden_"],
        namespace["intercept_visible_"],
    )


def _check_betas(betas):
    betas = np.asarray(betas, dtype=np.float64)
    if (
        betas.ndim != 1
        or betas.size < 2
        or betas[0] != 0
        or betas[-1] != 1
        or np.any(np.diff(betas) < 0)
    ):
        raise ValueError(
            "betas must be a non-decreasing 1-d schedule from 0 to 1 with at least "
            "two values."
        )
    return betas


def _is_str(value, text):
    return isinstance(value, str) and value == text


def _ladder_betas(ladder, n_temperatures, name):
    """The inverse temperatures that start a ladder: evenly spaced from 0 to 1 for
    "uniform" and "adaptive", or the given ones, checked."""
    if isinstance(ladder, str):
        return np.linspace(0.0, 1.0, n_temperatures)
    betas = np.asarray(ladder, dtype=np.float64)
    if (
        betas.ndim != 1
        or betas.shape[0] != n_temperatures
        or not np.all(np.isfinite(betas))
        or betas[0] < 0
        or betas[-1] != 1
        or np.any(np.diff(betas) <= 0)
    ):
        raise ValueError(
            f"{name} must be 'uniform', 'adaptive' or n_temperatures="
            f"{n_temperatures} increasing inverse temperatures from at least 0 to "
            f"1, got {ladder!r}."
        )
    return betas.copy()


def _dense_copy(X):
    return X.toarray() if hasattr(X, "toarray") else np.array(X, order="C", copy=True)
