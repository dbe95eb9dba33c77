"""The Boltzmann machine: binary units with symmetric connections between any two
of them, visible and hidden, trained by the two-phase rule with annealing."""

import time
from numbers import Integral, Real

import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
)
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_array, check_is_fitted, validate_data

from ..exceptions import DivergenceError
from ..rbm._partition import estimate_log_partition
from ..utils._batches import row_chunks
from ..utils._callbacks import CallbackSupportMixin, begin_fit, end_fit, subtasks
from ..utils._doc_link import DocumentationLinkMixin
from ..utils._persistence import VersionedStateMixin
from ..utils._random import row_streams, seeded_keyed_streams
from ..utils._state import cache_key, copy_state, fit_transaction
from ..utils._validation import validate_support
from . import _kernels

#: ``score_samples`` and ``log_partition(method="auto")`` enumerate every state
#: when the machine has at most this many units, and use AIS otherwise.
EXACT_MAX_UNITS = 20

#: With more units, ``score_samples`` still sums the hidden states of each row
#: exactly when there are at most this many hidden units (2**16 states a row);
#: beyond, it estimates the sum by AIS with the visible units clamped.
EXACT_MAX_HIDDEN = 16

#: AIS runs per row for the clamped estimate of sum_h exp(-E(v, h)).
_CLAMPED_AIS_RUNS = 16

#: Visible base rates are clipped to [eps, 1 - eps] before their logits are taken.
_RATE_EPS = 1e-3

_MAX_ENUMERABLE = 30

#: Mean-field inference stops when no marginal moved more than this in a sweep,
#: or after this many sweeps.
MEAN_FIELD_TOL = 1e-6
MEAN_FIELD_MAX_ITER = 100

#: Gibbs inference (``transform``, ``inverse_transform``, ``predict``) averages
#: this many chains a row: one chain at temperature 1 rarely leaves the mode it
#: first falls into once the weights are large.
INFERENCE_CHAINS = 10


class BoltzmannMachine(DocumentationLinkMixin, VersionedStateMixin,
                       CallbackSupportMixin, ClassNamePrefixFeaturesOutMixin,
                       TransformerMixin, BaseEstimator):
    """Boltzmann machine with visible and hidden binary units (Ackley, Hinton &
    Sejnowski 1985).

    Every pair of units may be connected: visible-visible, visible-hidden and
    hidden-hidden, or any graph given as a mask. The model is
    ``p(s) = exp(-E(s)) / Z`` with ``E(s) = -1/2 s.W.s - b.s`` over
    s in {0, 1}^n_units, the visible units first. It learns by following the
    gradient of the log-likelihood, ``dW_ij = lr (<s_i s_j>_clamped -
    <s_i s_j>_free)``: a positive phase with the visible units clamped to the
    data and a negative phase running free, each brought to equilibrium by
    simulated annealing (Gibbs sweeps from hot to temperature 1), or, with
    ``persistent=True``, by continuing the free chains of the previous
    mini-batch.

    Parameters
    ----------
    n_hidden : int, default=8
        Number of hidden units (0 gives a fully visible Boltzmann machine).
    connectivity : {"full", "bipartite"} or array-like of shape (n_units, n_units), \
            default="full"
        Which units are connected. ``"full"``: every pair; ``"bipartite"``:
        only visible-hidden pairs (the graph of an RBM). An array is a
        symmetric boolean mask over the units, visible first; its diagonal is
        ignored.
    annealing_schedule : array-like of float, default=(4.0, 3.0, 2.0, 1.5, 1.2, 1.0)
        The temperatures of the sweeps that bring each phase from coin flips to
        equilibrium, hottest first. Statistics are then collected at
        temperature 1.
    n_sweeps : int, default=10
        Gibbs sweeps at temperature 1 over which each phase's statistics are
        averaged (and, with ``persistent``, the free chains' sweeps per
        mini-batch).
    learning_rate : float, default=0.1
        Step size of the updates.
    batch_size : int, default=10
        Rows per mini-batch.
    n_iter : int, default=100
        Passes over the training data.
    n_particles : int, default=100
        Free-running chains of the negative phase.
    n_init : int, default=1
        Fits from independent random starts; the one whose training data scores
        best (``score``) is kept, as in sklearn's GaussianMixture. Learning
        with hidden units has local optima that another start escapes.
    persistent : bool, default=False
        Continue the free chains from one mini-batch to the next (faster, as in
        persistent contrastive divergence) instead of annealing them anew.
    centering : bool, default=True
        Take the gradient steps of the centered energy
        ``-1/2 (s - c).W.(s - c) - b.(s - c)`` (Melchior et al. 2016), with the
        offsets c at the data's visible means and 1/2 for the hidden units.
        The model is the same; the steps no longer favour the code "all
        off", and learning falls into fewer poor local optima.
    weight_decay : float, default=0.0
        L2 penalty on the weights.
    inference : {"gibbs", "mean-field"}, default="gibbs"
        How ``transform``, ``inverse_transform`` and ``predict`` infer the
        units that are not given: averages over ``n_sweeps`` Gibbs sweeps of
        10 chains a row, each annealed through ``annealing_schedule``, or
        mean-field marginals (Peterson & Anderson 1987).
    ais_n_chains : int, default=100
        AIS runs for log Z when the machine is too large to enumerate.
    ais_n_betas : int, default=1000
        Inverse temperatures of each AIS run.
    verbose : int, default=0
        Print a line per training pass.
    random_state : int, RandomState instance or None, default=None
        Seeds the initial weights, the chains and the sweeps.

    Attributes
    ----------
    weights_ : ndarray of shape (n_units, n_units)
        Symmetric connection weights with a zero diagonal, visible units
        first, then hidden; zero where ``connectivity`` has no connection.
    bias_ : ndarray of shape (n_units,)
        Unit biases.
    connectivity_ : ndarray of bool of shape (n_units, n_units)
        The connections that exist.
    offsets_ : ndarray of shape (n_units,)
        The centering offsets c (zeros when ``centering=False``).
    n_features_in_ : int
        Number of visible units.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when X has string feature names.

    See Also
    --------
    skgen.BernoulliRBM : The restricted case, no visible-visible or
        hidden-hidden connections, which trains far faster.
    skgen.anneal : Minimise a quadratic binary energy by simulated annealing.

    Notes
    -----
    The gradient of the mean log-likelihood is ``<s_i s_j>_data -
    <s_i s_j>_model`` for the weights and ``<s_i>_data - <s_i>_model`` for
    the biases; both expectations are estimated by Gibbs sampling, so each
    phase only approximates equilibrium. ``score_samples`` is exact when the
    machine has at most 20 units: it enumerates every state for log Z, and every
    hidden state of each row. Larger machines estimate log Z by annealed
    importance sampling (AIS, Neal 2001) from a model of independent units with
    the data's visible rates; the hidden sum of each row stays exact up to 16
    hidden units and is an AIS estimate beyond. AIS underestimates log Z on
    average, so an estimated log-likelihood tends to be too high.

    References
    ----------
    Ackley, D. H., Hinton, G. E. and Sejnowski, T. J. (1985). A learning
    algorithm for Boltzmann machines. Cognitive Science, 9(1), 147-169.

    Melchior, J., Fischer, A. and Wiskott, L. (2016). How to center deep
    Boltzmann machines. Journal of Machine Learning Research, 17(99), 1-61.

    Peterson, C. and Anderson, J. R. (1987). A mean field theory learning
    algorithm for neural networks. Complex Systems, 1, 995-1019.

    Examples
    --------
    >>> import numpy as np
    >>> from skgen import BoltzmannMachine
    >>> X = np.array([[0, 0, 1, 1], [1, 1, 0, 0]] * 20, dtype=float)
    >>> model = BoltzmannMachine(n_hidden=2, n_iter=20, random_state=0).fit(X)
    >>> model.weights_.shape
    (6, 6)
    >>> bool(model.score(X) > np.log(1 / 16))
    True
    """

    _parameter_constraints: dict = {
        "n_hidden": [Interval(Integral, 0, None, closed="left")],
        "connectivity": [StrOptions({"full", "bipartite"}), "array-like"],
        "annealing_schedule": ["array-like"],
        "n_sweeps": [Interval(Integral, 1, None, closed="left")],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "n_iter": [Interval(Integral, 0, None, closed="left")],
        "n_particles": [Interval(Integral, 1, None, closed="left")],
        "n_init": [Interval(Integral, 1, None, closed="left")],
        "persistent": ["boolean"],
        "centering": ["boolean"],
        "weight_decay": [Interval(Real, 0, None, closed="left")],
        "inference": [StrOptions({"gibbs", "mean-field"})],
        "ais_n_chains": [Interval(Integral, 1, None, closed="left")],
        "ais_n_betas": [Interval(Integral, 2, None, closed="left")],
        "verbose": ["verbose"],
        "random_state": ["random_state"],
    }

    #: Attributes that make up the fitted state, written together or not at all.
    _state_names = ("weights_", "bias_", "connectivity_", "offsets_", "_particles",
                    "_particle_streams", "_rng", "_visible_rates")

    def __init__(
        self,
        n_hidden=8,
        *,
        connectivity="full",
        annealing_schedule=(4.0, 3.0, 2.0, 1.5, 1.2, 1.0),
        n_sweeps=10,
        learning_rate=0.1,
        batch_size=10,
        n_iter=100,
        n_particles=100,
        n_init=1,
        persistent=False,
        centering=True,
        weight_decay=0.0,
        inference="gibbs",
        ais_n_chains=100,
        ais_n_betas=1000,
        verbose=0,
        random_state=None,
    ):
        self.n_hidden = n_hidden
        self.connectivity = connectivity
        self.annealing_schedule = annealing_schedule
        self.n_sweeps = n_sweeps
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.n_iter = n_iter
        self.n_particles = n_particles
        self.n_init = n_init
        self.persistent = persistent
        self.centering = centering
        self.weight_decay = weight_decay
        self.inference = inference
        self.ais_n_chains = ais_n_chains
        self.ais_n_betas = ais_n_betas
        self.verbose = verbose
        self.random_state = random_state

    # -- fitting --------------------------------------------------------------------

    @fit_transaction(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Fit the machine to binary data X, from new random weights.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data, values in {0, 1}.
        y : None
            Ignored.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        X = self._validate_training_data(X, reset=True)
        context = begin_fit(self, self.n_init * self.n_iter, X, y)
        tasks = subtasks(context, self, X, y)
        rng = check_random_state(self.random_state)
        best, best_score = None, -np.inf
        for _ in range(self.n_init):
            state = self._initial_state(X, rng)
            self._train(X, state, self.n_iter, tasks)
            if self.n_init == 1:
                best = state
                break
            self._commit(state)
            score = self.score(X)
            if best is None or score > best_score:
                best, best_score = state, score
        self._commit(best)
        end_fit(context, self, X, y)
        return self

    @fit_transaction(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y=None):
        """Run one training pass over X, in mini-batches of ``batch_size``.

        The first call initialises the machine from ``random_state``; later
        calls continue its weights, chains and random streams.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data, values in {0, 1}.
        y : None
            Ignored.

        Returns
        -------
        self : object
            The updated estimator.
        """
        first_call = not hasattr(self, "weights_")
        X = self._validate_training_data(X, reset=first_call)
        if first_call:
            state = self._initial_state(X, check_random_state(self.random_state))
        else:
            state = copy_state({name: getattr(self, name) for name in self._state_names})
        context = begin_fit(self, 1, X, y)
        self._train(X, state, 1, subtasks(context, self, X, y))
        self._commit(state)
        end_fit(context, self, X, y)
        return self

    def _validate_training_data(self, X, reset):
        dtype = (np.float64, np.float32) if reset else self.weights_.dtype
        return validate_support(self, X, self._check_binary, reset=reset, dtype=dtype,
                                order="C")

    def _check_binary(self, X, allow_nan=False):
        observed = X[~np.isnan(X)] if allow_nan else X
        bad = observed[(observed != 0) & (observed != 1)]
        if bad.size:
            # sklearn's checks expect this wording for negative input.
            problem = ("Negative values in data passed to" if (bad < 0).any()
                       else "Values other than 0 and 1 passed to")
            raise ValueError(
                f"{problem} {type(self).__name__}: its units are binary, every value "
                "of X must be 0 "
                f"or 1, but X has {bad.size} other values (for example "
                f"{bad.flat[0]:g}). Binarise the data first, for example with "
                "sklearn's Binarizer."
            )

    def _schedule(self):
        schedule = np.asarray(self.annealing_schedule, dtype=np.float64)
        if schedule.ndim != 1 or not np.isfinite(schedule).all() or (schedule <= 0).any():
            raise ValueError(
                "annealing_schedule must be a 1-d sequence of positive, finite "
                f"temperatures, got {self.annealing_schedule!r}.")
        return schedule

    def _connectivity(self, n_units):
        if isinstance(self.connectivity, str):
            mask = np.ones((n_units, n_units), dtype=bool)
            if self.connectivity == "bipartite":
                n_visible = n_units - self.n_hidden
                mask[:n_visible, :n_visible] = False
                mask[n_visible:, n_visible:] = False
        else:
            mask = np.asarray(self.connectivity)
            if mask.shape != (n_units, n_units):
                raise ValueError(
                    f"connectivity must be 'full', 'bipartite' or a mask of shape "
                    f"(n_units, n_units) = ({n_units}, {n_units}) for "
                    f"{n_units - self.n_hidden} visible and {self.n_hidden} hidden "
                    f"units, got shape {mask.shape}.")
            if mask.dtype != bool and not np.isin(mask, (0, 1)).all():
                raise ValueError("connectivity must be a boolean (or 0/1) mask.")
            mask = mask.astype(bool)
            if not (mask == mask.T).all():
                raise ValueError("connectivity must be symmetric: connections are "
                                 "undirected.")
        mask = mask.copy()
        np.fill_diagonal(mask, False)
        return mask

    def _initial_state(self, X, rng):
        """N(0, 0.01**2) weights on the connections, visible biases at the logits
        of the data's rates, zero hidden biases, chains of coin flips."""
        self._schedule()
        n_visible = X.shape[1]
        n_units = n_visible + self.n_hidden
        mask = self._connectivity(n_units)
        noise = np.triu(rng.normal(0.0, 0.01, size=(n_units, n_units)), 1)
        weights = (noise + noise.T) * mask
        rates = np.clip(X.mean(axis=0), _RATE_EPS, 1.0 - _RATE_EPS)
        bias = np.zeros(n_units)
        bias[:n_visible] = np.log(rates) - np.log1p(-rates)
        dtype = X.dtype
        particles = (rng.uniform(size=(self.n_particles, n_units)) < 0.5).astype(dtype)
        offsets = np.zeros(n_units)
        if self.centering:
            offsets[:n_visible] = X.mean(axis=0)
            offsets[n_visible:] = 0.5
        return {
            "offsets_": offsets.astype(dtype),
            "weights_": np.ascontiguousarray(weights, dtype=dtype),
            "bias_": bias.astype(dtype),
            "connectivity_": mask,
            "_particles": particles,
            "_particle_streams": row_streams(rng, self.n_particles),
            "_rng": rng,
            "_visible_rates": rates,
        }

    def _commit(self, state):
        for name, value in state.items():
            setattr(self, name, value)
        self._log_partition_cache = {}

    def _train(self, X, state, n_epochs, tasks=None):
        """``n_epochs`` training passes over X, updating ``state`` in place; with
        callback ``tasks``, one task per pass."""
        weights, bias = state["weights_"], state["bias_"]
        rng = state["_rng"]
        n_samples, n_visible = X.shape
        free_hidden = np.zeros((1, weights.shape[0]), dtype=np.bool_)
        free_hidden[0, n_visible:] = True
        settings = (min(self.batch_size, n_samples), float(self.learning_rate),
                    float(self.weight_decay), self._schedule(), int(self.n_sweeps),
                    bool(self.persistent), free_hidden, state["offsets_"])
        model = (weights, bias, state["connectivity_"].astype(weights.dtype))

        def fitted():
            return copy_state(state)

        begin = time.time()
        for iteration in range(1, n_epochs + 1):
            if tasks is not None:
                tasks.begin("epoch", fitted)
            order = rng.permutation(n_samples).astype(np.int64)
            streams = (row_streams(rng, n_samples), state["_particle_streams"])
            _kernels.fit_epoch(model, X, order, streams, state["_particles"], settings)
            if not (np.isfinite(weights).all() and np.isfinite(bias).all()):
                raise DivergenceError(
                    f"{type(self).__name__} diverged in training pass {iteration}: its "
                    "weights contain NaN or infinite values. Lower learning_rate "
                    f"(now {self.learning_rate:g}) or add weight_decay."
                )
            if self.verbose:
                print(f"[{type(self).__name__}] Iteration {iteration}, "
                      f"time = {time.time() - begin:.2f}s")
                begin = time.time()
            if tasks is not None and tasks.end(fitted):
                break

    # -- inference ------------------------------------------------------------------

    def _validate_data(self, X, allow_nan=False):
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=self.weights_.dtype, order="C",
                          ensure_all_finite="allow-nan" if allow_nan else True)
        self._check_binary(X, allow_nan=allow_nan)
        return X

    def _gibbs_marginals(self, states, free, keys, random_state):
        """Averages of the free units over ``INFERENCE_CHAINS`` chains a row and
        ``n_sweeps`` sweeps at temperature 1 each, after annealing from coin
        flips; clamped units keep their values.

        Each chain's stream is keyed by ``random_state``, its row of ``keys``
        (the caller's input row) and its number, so a row's result does not
        depend on the other rows or on its position.
        """
        seed = row_streams(check_random_state(random_state), 1)[0]
        n_rows, n_units = states.shape
        schedule = self._schedule()
        marginals = np.empty_like(states)
        # Scratch per row: the chains, their averages and flags, and their keys.
        row_bytes = INFERENCE_CHAINS * (n_units * (2 * states.itemsize + 1)
                                        + 8 * (keys.shape[1] + 2))
        for rows in row_chunks(n_rows, row_bytes):
            chains = np.repeat(states[rows], INFERENCE_CHAINS, axis=0)
            chain_free = free if free.shape[0] == 1 else np.repeat(
                free[rows], INFERENCE_CHAINS, axis=0)
            streams = seeded_keyed_streams(keys[rows], INFERENCE_CHAINS, seed)
            averages = np.zeros_like(chains)
            _kernels.clamped_averages(self.weights_, self.bias_, chains, chain_free,
                                      schedule, int(self.n_sweeps), streams, averages)
            marginals[rows] = averages.reshape(-1, INFERENCE_CHAINS, n_units).mean(axis=1)
        return marginals

    def _marginals(self, states, free, keys):
        if self.inference == "mean-field":
            means = np.where(free, np.asarray(0.5, dtype=states.dtype), states)
            _kernels.mean_field(self.weights_, self.bias_, means,
                                np.ascontiguousarray(free), MEAN_FIELD_MAX_ITER,
                                MEAN_FIELD_TOL)
            return means
        return self._gibbs_marginals(states, np.ascontiguousarray(free), keys,
                                     self.random_state)

    def transform(self, X):
        """The hidden units' marginals P(h_j = 1 | v) for each row of X.

        With ``inference="gibbs"`` they are averages over ``n_sweeps`` Gibbs
        sweeps at temperature 1 with the visible units clamped, after
        annealing through ``annealing_schedule``, seeded by ``random_state``;
        with ``"mean-field"``, mean-field marginals.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Visible rows, values in {0, 1}.

        Returns
        -------
        H : ndarray of shape (n_samples, n_hidden)
            The hidden marginals, in the dtype of the model.
        """
        X = self._validate_data(X)
        n_visible, n_units = X.shape[1], self.weights_.shape[0]
        free = np.zeros((1, n_units), dtype=bool)
        free[0, n_visible:] = True
        hidden = np.empty((X.shape[0], n_units - n_visible), dtype=X.dtype)
        # A chunk of rows at a time: the states and marginals of every unit are
        # scratch. A row's draws are keyed by its values, so chunks change no bit.
        for rows in row_chunks(X.shape[0], 2 * X.dtype.itemsize * n_units):
            states = np.zeros((rows.stop - rows.start, n_units), dtype=X.dtype)
            states[:, :n_visible] = X[rows]
            hidden[rows] = self._marginals(states, free, X[rows])[:, n_visible:]
        return hidden

    def inverse_transform(self, X):
        """The visible units' marginals given hidden states or marginals.

        The hidden units are clamped to the rows of X (values in [0, 1] act as
        mean-field inputs only with ``inference="mean-field"``; Gibbs clamps
        them as they are) and the visible units are inferred as in
        :meth:`transform`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_hidden)
            Hidden rows.

        Returns
        -------
        V : ndarray of shape (n_samples, `n_features_in_`)
            The visible marginals.
        """
        check_is_fitted(self)
        H = check_array(X, dtype=self.weights_.dtype, order="C")
        if H.shape[1] != self.n_hidden:
            raise ValueError(
                f"X has {H.shape[1]} features, but {type(self).__name__} has "
                f"{self.n_hidden} hidden units.")
        if ((H < 0) | (H > 1)).any():
            raise ValueError("Hidden values passed to inverse_transform must lie in "
                             "[0, 1].")
        n_visible = self.n_features_in_
        states = np.zeros((H.shape[0], self.weights_.shape[0]), dtype=H.dtype)
        states[:, n_visible:] = H
        free = np.zeros((1, states.shape[1]), dtype=bool)
        free[0, :n_visible] = True
        return self._marginals(states, free, H)[:, :n_visible]

    def predict(self, X):
        """Complete binary patterns: NaN entries are inferred from the others.

        The observed visible units are clamped; the missing ones and the
        hidden units are inferred (see ``inference``), and each missing entry
        becomes 1 where its marginal exceeds 1/2, else 0.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows with values in {0, 1} and NaN where a value is missing.

        Returns
        -------
        X_completed : ndarray of shape (n_samples, n_features)
            X with its missing entries filled in.
        """
        X = self._validate_data(X, allow_nan=True)
        missing = np.isnan(X)
        n_visible = X.shape[1]
        states = np.zeros((X.shape[0], self.weights_.shape[0]), dtype=X.dtype)
        states[:, :n_visible] = np.where(missing, 0, X)
        free = np.ones(states.shape, dtype=bool)
        free[:, :n_visible] = missing
        marginals = self._marginals(states, free, X)[:, :n_visible]
        return np.where(missing, (marginals > 0.5).astype(X.dtype), X)

    def sample(self, n_samples=1, *, random_state=None):
        """Draw visible rows from the machine.

        Each row is a chain started from coin flips, annealed through
        ``annealing_schedule`` and then run for ``n_sweeps`` sweeps at
        temperature 1.

        Parameters
        ----------
        n_samples : int, default=1
            Number of rows.
        random_state : int, RandomState instance or None, default=None
            Seeds the chains.

        Returns
        -------
        X : ndarray of shape (n_samples, `n_features_in_`)
            Binary rows, in the dtype of the model.
        """
        check_is_fitted(self)
        if isinstance(n_samples, bool) or not isinstance(n_samples, Integral) or (
                n_samples < 1):
            raise ValueError(f"n_samples must be a positive integer, got {n_samples!r}.")
        rng = check_random_state(random_state)
        n_units = self.weights_.shape[0]
        states = np.zeros((n_samples, n_units), dtype=self.weights_.dtype)
        totals = np.zeros((n_units, n_units), dtype=self.weights_.dtype)
        sums = np.zeros(n_units, dtype=self.weights_.dtype)
        _kernels.equilibrium_statistics(
            self.weights_, self.bias_, states, np.ones((1, n_units), dtype=bool),
            self._schedule(), int(self.n_sweeps), row_streams(rng, n_samples), totals,
            sums)
        return states[:, :self.n_features_in_]

    # -- likelihood -----------------------------------------------------------------

    def energy(self, X):
        """The energy E(s) = -1/2 s.W.s - b.s of full states (visible then hidden).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_units)
            Binary states of every unit.

        Returns
        -------
        energy : ndarray of shape (n_samples,)
            In float64.
        """
        check_is_fitted(self)
        S = check_array(X, dtype=np.float64)
        if S.shape[1] != self.weights_.shape[0]:
            raise ValueError(
                f"energy takes states of all {self.weights_.shape[0]} units (visible "
                f"then hidden), got {S.shape[1]} columns.")
        self._check_binary(S)
        weights = self.weights_.astype(np.float64)
        return -0.5 * np.einsum("ij,ij->i", S @ weights, S) - S @ self.bias_.astype(
            np.float64)

    def log_partition(self, method="auto", *, n_chains=None, n_betas=None,
                      random_state=None):
        """log Z, exact by enumeration or estimated by AIS.

        Parameters
        ----------
        method : {"auto", "exact", "ais"}, default="auto"
            "auto" enumerates when the machine has at most 20 units.
        n_chains, n_betas : int, default=None
            AIS runs and inverse temperatures; ``ais_n_chains`` and
            ``ais_n_betas`` when None.
        random_state : int, RandomState instance or None, default=None
            Seeds AIS; ``self.random_state`` when None.

        Returns
        -------
        log_partition : float
            log Z in nats.
        """
        check_is_fitted(self)
        n_units = self.weights_.shape[0]
        if method not in ("auto", "exact", "ais"):
            raise ValueError(f"method must be 'auto', 'exact' or 'ais', got {method!r}.")
        if method == "auto":
            method = "exact" if n_units <= EXACT_MAX_UNITS else "ais"
        if method == "exact":
            if n_units > _MAX_ENUMERABLE:
                raise ValueError(
                    f"Enumerating 2**{n_units} states would take too long; use "
                    "method='ais'.")
            key = cache_key("exact")
        else:
            n_chains = self.ais_n_chains if n_chains is None else n_chains
            n_betas = self.ais_n_betas if n_betas is None else n_betas
            key = cache_key("ais", n_chains, n_betas, random_state)
        cache = self.__dict__.setdefault("_log_partition_cache", {})
        if key not in cache:
            weights, bias = self._float64_parameters()
            if method == "exact":
                cache[key] = float(_kernels.log_partition_exact(weights, bias))
            else:
                rng = check_random_state(
                    self.random_state if random_state is None else random_state)
                cache[key] = self._log_partition_ais(n_chains, n_betas, rng)[0]
        return cache[key]

    def _float64_parameters(self):
        return (np.ascontiguousarray(self.weights_, dtype=np.float64),
                self.bias_.astype(np.float64))

    def _log_partition_ais(self, n_chains, n_betas, rng):
        weights, bias = self._float64_parameters()
        n_units = weights.shape[0]
        base_bias = np.zeros(n_units)
        rates = self._visible_rates
        base_bias[:rates.shape[0]] = np.log(rates) - np.log1p(-rates)
        free = np.ones((1, n_units), dtype=bool)
        base_log_partition = float(np.logaddexp(0.0, base_bias).sum())

        def run_ais(betas, streams, trace):
            states = np.zeros((streams.shape[0], n_units))
            return (_kernels.ais_log_weights(weights, bias, base_bias, states, free,
                                             betas, streams, trace),
                    base_log_partition)

        return estimate_log_partition(run_ais, n_chains, n_betas, rng)

    def _hidden_sums(self, X):
        """log sum_h exp(-E(v, h)) for each row v of X, exact up to
        ``EXACT_MAX_HIDDEN`` hidden units, by clamped AIS beyond."""
        weights, bias = self._float64_parameters()
        # The rows' own binary values find the repeated ones: a float64 copy of
        # X would double the memory of the sort.
        unique, inverse = np.unique(X, axis=0, return_inverse=True)
        unique = unique.astype(np.float64)
        out = np.empty(unique.shape[0])
        if self.n_hidden <= EXACT_MAX_HIDDEN or weights.shape[0] <= EXACT_MAX_UNITS:
            _kernels.hidden_sums_exact(weights, bias, np.ascontiguousarray(unique), out)
        else:
            seed = row_streams(check_random_state(self.random_state), 1)[0]
            n_units, n_visible = weights.shape[0], unique.shape[1]
            runs = _CLAMPED_AIS_RUNS
            betas = np.linspace(0.0, 1.0, self.ais_n_betas)
            # Scratch per row: the runs' states and flags, and their keys.
            for rows in row_chunks(unique.shape[0], runs * (n_units * 9 + 8 * n_visible)):
                chunk = unique[rows]
                states = np.zeros((chunk.shape[0] * runs, n_units))
                states[:, :n_visible] = np.repeat(chunk, runs, axis=0)
                free = np.zeros(states.shape, dtype=bool)
                free[:, n_visible:] = True
                # Each run's stream is keyed by its row and number (see keyed_streams).
                log_weights = _kernels.ais_log_weights(
                    weights, bias, np.zeros(n_units), states, free, betas,
                    seeded_keyed_streams(chunk, runs, seed),
                    np.empty((betas.shape[0], 0)))
                log_weights = log_weights.reshape(-1, runs)
                largest = log_weights.max(axis=1)
                # The base model exp(0 . s) sums to 2**n_hidden over the hidden states.
                out[rows] = (self.n_hidden * np.log(2.0) + largest
                             + np.log(np.exp(log_weights - largest[:, None]).mean(axis=1)))
        return out[inverse.ravel()]

    def score_samples(self, X):
        """The log-likelihood log p(v) of each row: exact for at most 20 units.

        ``log p(v) = log sum_h exp(-E(v, h)) - log Z``. Both terms are exact when
        the machine has at most 20 units; otherwise log Z is an AIS estimate
        (``log_partition``) and the hidden sum is exact up to 16 hidden units
        and an AIS estimate beyond (see Notes).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Visible rows, values in {0, 1}.

        Returns
        -------
        log_likelihood : ndarray of shape (n_samples,)
            In nats, in float64.
        """
        X = self._validate_data(X)
        if X.shape[0] == 0:
            return np.zeros(0)
        return self._hidden_sums(X) - self.log_partition()

    def score(self, X, y=None):
        """Mean log-likelihood of the rows of X (see :meth:`score_samples`).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Visible rows, values in {0, 1}.
        y : None
            Ignored.

        Returns
        -------
        score : float
            The mean log-likelihood in nats.
        """
        return float(np.mean(self.score_samples(X)))

    @property
    def _n_features_out(self):
        return self.n_hidden

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.positive_only = True
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags
