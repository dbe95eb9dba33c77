"""The estimator base of the network models: the optimiser's parameters, ``fit``
(and, for models that continue, ``partial_fit`` and ``warm_start``), and the
fitted state, trained by the epoch driver and committed whole or not at all."""

from abc import ABC, abstractmethod
from numbers import Integral, Real
from typing import ClassVar

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

from ..utils._callbacks import CallbackSupportMixin, begin_fit, end_fit, subtasks
from ..utils._doc_link import DocumentationLinkMixin
from ..utils._persistence import VersionedStateMixin
from ..utils._state import copy_state, fit_transaction
from ..utils._validation import stored_values, validation_split
from ._optimizers import SOLVERS, Optimizer, make_optimizer
from ._training import (
    continue_records,
    new_records,
    run_epochs,
)


class BaseNetwork(DocumentationLinkMixin, VersionedStateMixin,
                  CallbackSupportMixin, BaseEstimator, ABC):
    """Base class of the estimators whose model is a network over one flat
    parameter vector, trained by mini-batch gradient descent.

    A subclass provides its network and initial parameters
    (``_initial_state``), its data (``_validate_training_data``,
    ``_training_data``), one compiled training epoch (``_epoch_runner``) and, for
    early stopping, a validation score (``_validation_score``). The base holds
    the optimiser's parameters and runs the epochs through the epoch driver
    (``skgen.network._training``): the validation split, the records, early
    stopping, the stopping rule and the divergence error. The fitted state is
    kept only if the whole fit succeeds.

    sklearn's callbacks (``set_callbacks``) see a task per epoch, below the
    fit's (or below ``_epochs_task``, for a fit with other tasks before its
    epochs). ``_epoch_callback``, None by default, is a private hook: set on
    an instance, it is called as ``callback(estimator, state)`` after every
    epoch, with the state of the fit in progress, and stops training by
    returning True.
    """

    _parameter_constraints: ClassVar[dict] = {
        "solver": [StrOptions(set(SOLVERS))],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "tol": [Interval(Real, 0, None, closed="left")],
        "verbose": ["verbose"],
        "nesterovs_momentum": ["boolean"],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="left")],
        "beta_1": [Interval(Real, 0, 1, closed="left")],
        "beta_2": [Interval(Real, 0, 1, closed="left")],
        "epsilon": [Interval(Real, 0, None, closed="neither")],
        "n_iter_no_change": [
            Interval(Integral, 1, None, closed="left"),
            Options(Real, {np.inf}),
        ],
    }

    #: The attributes of the fitted state that every network model has, written
    #: together or not at all; subclasses add theirs.
    _state_names = (
        "_network",
        "_params",
        "_moments",
        "_n_updates",
        "_rng",
        "n_iter_",
        "t_",
        "loss_",
        "loss_curve_",
        "best_loss_",
        "validation_scores_",
        "best_validation_score_",
        "_no_improvement_count",
    )

    #: Whether, without early stopping, fit stops when the training loss stops
    #: improving (sklearn's MLP rule); False: it runs ``max_iter`` epochs.
    _loss_stopping = True

    #: What an epoch is called in the divergence error.
    _epoch_name = "training pass"

    #: A callable ``(estimator, state) -> bool`` run after every epoch (see the
    #: class docstring).
    _epoch_callback = None

    #: The callback task whose subtasks are the epochs, when a fit has tasks
    #: before them (``_n_tasks_before_epochs``); None: the fit's own subtasks.
    _epochs_task = None

    # -- what a model provides --------------------------------------------------------

    @abstractmethod
    def _validate_training_data(self, X, y, reset):
        """Check the training data (``reset``: a new model); return ``(X, y)``."""

    @abstractmethod
    def _initial_state(self, X, y, rng):
        """The state of a new model: at least ``_network`` and ``_params``, and
        whatever else the model keeps, drawn from ``rng`` in a fixed order."""

    @abstractmethod
    def _training_data(self, X, y, state):
        """The arrays one epoch reads, X first, each with a row per sample."""

    @abstractmethod
    def _epoch_runner(self, data, state):
        """A function ``run_epoch(order) -> total`` that runs one compiled epoch
        over the rows ``order`` of ``data`` and returns the objective summed over
        them (with any L2 term); it owns its scratch buffers."""

    @abstractmethod
    def _validation_score(self, data, state):
        """The early-stopping score of the current parameters on ``data``."""

    def _split_stratification(self, data):
        """What the validation split is stratified by, if anything: by default,
        nothing (None)."""

    def _complete_state(self, X, state, reset):
        """Add to ``state`` what the model's methods need besides its network,
        after training on X (``reset``: not continuing a partial fit)."""

    def _n_tasks_before_epochs(self):
        """Number of callback tasks of a fit before its epochs (see
        ``_epochs_task``)."""
        return 0

    # -- fitting ----------------------------------------------------------------------

    @fit_transaction(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Fit the model to X, from new parameters unless ``warm_start``.

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
        return self._fit(X, y, incremental=False)

    def _continues(self, incremental):
        """Whether this fit continues the fitted model: never, for a model
        without ``partial_fit`` and ``warm_start``."""
        return False

    def _fit(self, X, y, incremental, **data_options):
        """Train into a copy of the state, and keep it only if all went well;
        ``data_options`` go to ``_validate_training_data`` (a classifier's
        ``classes``)."""
        continuing = self._continues(incremental)
        reset = not (continuing and incremental)
        X, y_fit = self._validate_training_data(X, y, reset=not continuing,
                                                **data_options)
        n_epochs = 1 if incremental else self.max_iter
        # A continued fit starts from the fitted state: it pretrains nothing.
        n_before = 0 if continuing else self._n_tasks_before_epochs()
        context = begin_fit(self, n_before + 1 if n_before else n_epochs, X, y)
        if continuing:
            state = self._continued_state(warm_start=not incremental)
        else:
            state = self._new_state(X, y_fit, check_random_state(self.random_state))

        def fitted(params):
            return self._fitted_state(X, state, params, reset)

        # A callback may have stopped the fit in the tasks before the epochs.
        if not state.pop("_stopped", False):
            outer = tasks = subtasks(context, self, X, y)
            if outer is not None and n_before:
                tasks = outer.begin(self._epochs_task, n_tasks=n_epochs)
            self._train(X, y_fit, state, incremental, tasks, fitted)
            if outer is not None and n_before:
                outer.end(lambda: fitted(state["_params"]))
        self._complete_state(X, state, reset)
        for name, value in state.items():
            setattr(self, name, value)
        end_fit(context, self, X, y)
        return self

    def _fitted_state(self, X, state, params, reset):
        """A copy of the training ``state`` with ``params``, completed as
        ``_fit`` completes it: the fitted attributes of a callback's
        ``fitted_estimator``."""
        fitted = copy_state({**state, "_params": params})
        self._complete_state(X, fitted, reset)
        return fitted

    def _new_state(self, X, y, rng):
        state = self._initial_state(X, y, rng)
        params = state["_params"]
        state["_moments"], state["_n_updates"] = Optimizer.new_state(params.shape[0],
                                                                     params.dtype)
        state["_rng"] = rng
        state.update(new_records(self.early_stopping))
        return state

    def _make_optimizer(self, momentum):
        """The optimiser of ``solver``, with SGD's ``momentum``."""
        return make_optimizer(
            self.solver, learning_rate=self.learning_rate_init, momentum=momentum,
            nesterov=self.nesterovs_momentum, beta_1=self.beta_1, beta_2=self.beta_2,
            epsilon=self.epsilon,
        )

    def _train(self, X, y, state, incremental, tasks=None, fitted=None):
        """Run the epochs of one fit or partial_fit call, updating ``state``;
        ``tasks`` and ``fitted`` are the callback tasks of ``run_epochs``."""
        data = self._training_data(X, y, state)
        validation_score = None
        if self.early_stopping and not incremental:
            data, validation = validation_split(
                self, data, state["_rng"], self._split_stratification(data)
            )

            def validation_score():
                return self._validation_score(validation, state)

        run_epochs(self, state, self._epoch_runner(data, state), data[0].shape[0],
                   incremental=incremental, validation_score=validation_score,
                   what=self._epoch_name, callback=self._epoch_callback,
                   tasks=tasks, fitted=fitted, loss_stopping=self._loss_stopping)

    # -- the fitted network -----------------------------------------------------------

    @property
    def coefs_(self):
        """list of ndarray: the weight matrix of each layer, of shape (fan_in,
        fan_out), as views of the flat parameter vector."""
        check_is_fitted(self)
        return self._network.coefs(self._params)

    @property
    def intercepts_(self):
        """list of ndarray: the bias vector of each layer."""
        check_is_fitted(self)
        return self._network.intercepts(self._params)


class ContinuingNetwork(BaseNetwork):
    """Base class of the network models whose fit can continue the fitted
    state (``_continues``): its parameters, optimiser state, random streams and
    records, in a network of the current parameters, which must have the fitted
    layout.

    A subclass also provides ``_build_network`` and ``_layout_parameters``, the
    parameters that shape the network and must stay the same to continue.
    """

    #: The parameters that a continued fit must keep, for its error message.
    _layout_parameters = ("hidden_layer_sizes",)

    #: What continues the fitted model, and what starts anew, for that message.
    _continued_by = ("warm_start and partial_fit", "fit with warm_start=False")

    @abstractmethod
    def _build_network(self, n_features):
        """The network of the current parameters for ``n_features`` inputs."""

    def _partial_fit(self, X, y, **data_options):
        """One epoch of training on (X, y) from the fitted state, or from a new
        one on the first call."""
        if self.early_stopping:
            raise ValueError("partial_fit does not support early_stopping=True.")
        return self._fit(X, y, incremental=True, **data_options)

    def _continued_state(self, warm_start):
        """A copy of the fitted state, with the network of the current parameters.

        A warm start (``fit``) keeps the parameters and restarts the optimiser,
        as sklearn does; ``partial_fit`` continues both.
        """
        state = copy_state({name: getattr(self, name) for name in self._state_names})
        network = self._build_network(self.n_features_in_)
        previous = state["_network"]
        if network.layout != previous.layout:
            *others, last = self._layout_parameters
            names = f"{', '.join(others)} and {last}" if others else last
            continued_by, start_anew = self._continued_by
            raise ValueError(
                f"The fitted {type(self).__name__} has layers {previous.description}; "
                f"{continued_by} continue it, so {names} must stay the same. Use "
                f"{start_anew} to start anew."
            )
        state["_network"] = network
        continue_records(state, self.early_stopping)
        if warm_start:
            state["_moments"][:] = 0
            state["_n_updates"][:] = 0
            state["n_iter_"] = 0
        return state


class IncrementalNetwork(ContinuingNetwork):
    """Base class of the network models that continue training: ``partial_fit``
    runs one epoch from the fitted state, and ``fit`` with ``warm_start``
    continues the fitted parameters with a new optimiser state, as sklearn's MLP.
    """

    _parameter_constraints: ClassVar[dict] = {
        **BaseNetwork._parameter_constraints,
        "warm_start": ["boolean"],
    }

    @fit_transaction(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y=None):
        """Run one training pass (epoch) over X, in mini-batches of ``batch_size``.

        The first call initialises the model from ``random_state``; later calls
        continue its parameters, optimiser state and random streams.

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
        return self._partial_fit(X, y)

    def _continues(self, incremental):
        return hasattr(self, "_params") and (incremental or self.warm_start)


class UnsupervisedNetwork(IncrementalNetwork):
    """Base class of the network models of X alone (the autoencoders, the VAE):
    dense or CSR input in float64 or float32, whose values must lie in [0, 1]
    when the model's outputs are Bernoulli means."""

    #: What ``validate_data`` accepts besides dense arrays.
    _accept_sparse = "csr"

    @abstractmethod
    def _unit_interval_setting(self):
        """None when X may take any value; otherwise ``(setting, alternative)``:
        the parameter setting that needs X in [0, 1] and the one to use instead,
        for the error message."""

    def _validate_training_data(self, X, y, reset):
        dtype = (np.float64, np.float32) if reset else self._params.dtype
        X = validate_data(self, X, reset=reset, accept_sparse=self._accept_sparse,
                          dtype=dtype)
        self._check_support(X)
        return X, None

    def _validate_data(self, X):
        """Check X for a fitted model; cast it to the model's dtype."""
        check_is_fitted(self)
        X = validate_data(self, X, accept_sparse=self._accept_sparse, reset=False,
                          dtype=self._params.dtype)
        self._check_support(X)
        return X

    def _check_support(self, X):
        setting = self._unit_interval_setting()
        values = stored_values(X)
        if setting is None or not values.size:
            return
        smallest, largest = values.min(), values.max()
        if smallest < 0 or largest > 1:
            # sklearn's checks expect "Negative values in data" for non-negative input.
            problem = "Negative values in data" if smallest < 0 else "Values out of range"
            required, alternative = setting
            raise ValueError(
                f"{problem} passed to {type(self).__name__}: {required} needs every "
                f"value of X in [0, 1], but X has values in [{smallest:g}, "
                f"{largest:g}]. Rescale the data first, for example with sklearn's "
                f"MinMaxScaler, or use {alternative}."
            )
