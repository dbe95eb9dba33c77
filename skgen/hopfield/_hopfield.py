"""Hopfield network: an associative memory of binary patterns."""

import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import Bunch, check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from ..annealing._anneal import quadratic_energy, run_sweeps, spin_to_binary
from ..utils._callbacks import CallbackSupportMixin, begin_fit, end_fit
from ..utils._doc_link import DocumentationLinkMixin
from ..utils._persistence import VersionedStateMixin
from ..utils._random import keyed_streams
from ..utils._state import fit_transaction
from ..utils._validation import validate_support
from ._base import EnergyScoresMixin
from ._kernels import FIXED_POINT, TWO_CYCLE, sync_sweeps
from ._rules import RULES

#: The two codings of a unit's states, by the value that stands for "off".
_OFF_VALUES = {"binary": 0.0, "spin": -1.0}

#: Rows named in a warning at the most.
_NAMED_ROWS = 10


class HopfieldNetwork(DocumentationLinkMixin, VersionedStateMixin,
                      CallbackSupportMixin, EnergyScoresMixin,
                      BaseEstimator):
    """Hopfield network: a content-addressable memory of binary patterns.

    ``fit`` stores the rows of X as patterns in symmetric weights by a
    learning rule; ``predict`` recalls from noisy or partial cues by running
    the network's dynamics from each row of X to a fixed point, which for a
    pattern the network stores is that pattern.

    Parameters
    ----------
    rule : {"hebbian", "storkey", "pseudoinverse"}, default="hebbian"
        The learning rule (see Notes). "hebbian" stores about 0.14 random
        patterns per unit, "storkey" more, and "pseudoinverse" any linearly
        independent patterns (up to n_features - 1 of them) exactly.
    update : {"async", "sync"}, default="async"
        "async": one unit at a time, in a random order in each sweep, which
        never raises the energy and always ends at a fixed point. "sync": all
        units at once from the previous state, which can also end in a cycle
        of two states.
    temperature : float, default=0.0
        0: deterministic updates to the sign of each unit's field, until a
        fixed point or ``max_iter`` sweeps. T > 0: stochastic updates (a unit
        is +1 with probability ``sigmoid(2 h_i / T)``), for exactly
        ``max_iter`` sweeps. The fields of the Hebbian and Storkey rules are of
        order 1, so T is on that scale.
    max_iter : int, default=100
        The most sweeps (updates of every unit) that recall runs per row.
    random_state : int, RandomState instance or None, default=None
        Determines the order in which asynchronous sweeps visit the units and
        the stochastic updates. Each row of X draws from its own stream, so a
        row's recall does not depend on the other rows, and float32 and
        float64 data draw the same numbers.

    Attributes
    ----------
    weights_ : ndarray of shape (n_features, n_features)
        Symmetric weights with a zero diagonal, in the spin coding.
    bias_ : ndarray of shape (n_features,)
        The units' thresholds theta, zero for every rule.
    coding_ : {"binary", "spin"}
        The coding of the training data: "binary" for 0/1 values, "spin" for
        -1/+1 values. :meth:`predict` expects and returns the same coding.
    n_features_in_ : int
        Number of features seen during :term:`fit`.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :term:`fit`. Defined only when `X` has
        feature names that are all strings.

    See Also
    --------
    ModernHopfieldNetwork : Continuous states, exponentially many patterns.
    skgen.anneal : Minimise the same quadratic energy by simulated annealing.

    Notes
    -----
    A state is x in {-1, +1}^n; 0/1 data is mapped to it by x = 2 v - 1. The
    energy is ``E(x) = -1/2 x.W.x - theta.x``, and an update sets
    ``x_i = sgn(sum_j W_ij x_j + theta_i)``, keeping x_i when the field is
    exactly 0 [1]_. With W symmetric and zero on its diagonal, no
    asynchronous update raises E, so asynchronous recall ends at a local
    minimum. Synchronous recall ends at a fixed point or a 2-cycle [2]_;
    :meth:`recall` reports which rows cycled, and :meth:`predict` warns.

    With the patterns x_p (p = 1..P) as rows, the rules are

    - Hebbian: ``W = (1/n) sum_p x_p x_p^T`` with a zero diagonal. It stores
      about 0.138 n random patterns [3]_.
    - Storkey [4]_: incremental, ``w_ij += (x_i x_j - x_i h_ji - h_ij x_j) /
      n`` for each pattern in turn, with ``h_ij = sum_{k != i, j} w_ik x_k``.
      Local and incremental like Hebb's rule, with a larger capacity.
    - Pseudo-inverse (projection) [5]_: ``W = X^T (X X^T)^+ X``, the
      projection onto the patterns' span, with its diagonal set to 0. As
      ``W x_p = x_p``, removing the diagonal scales each field of a pattern by
      ``1 - W_ii >= 0`` and never changes its sign, so every pattern is a
      fixed point: P <= n - 1 linearly independent patterns are stored
      exactly (at P = n every state is a fixed point).

    The rules are computed in float64 and the weights stored in the dtype of
    X, in which recall runs. A field that is exactly 0 in exact arithmetic (a
    tie, common with few Hebbian patterns) can round to a tiny value of either
    sign, so float32 and float64 recall agree exactly where the fields are
    exact in both (as for Hebbian weights of 2**k units) and otherwise up to
    such ties. Asynchronous recall at temperature T is
    :mod:`skgen.annealing`'s sweep over the binary-coded parameters
    (``4 W`` and ``2 theta - 2 W 1``), whose Gibbs update
    ``sigmoid(field / T)`` is ``sigmoid(2 h_i / T)`` in the spin coding.

    References
    ----------
    .. [1] Hopfield, J. J. (1982). Neural networks and physical systems with
       emergent collective computational abilities. PNAS 79(8), pp 2554-2558.
    .. [2] Goles-Chacc, E., Fogelman-Soulie, F. and Pellegrin, D. (1985).
       Decreasing energy functions as a tool for studying threshold networks.
       Discrete Applied Mathematics 12(3), pp 261-277.
    .. [3] Amit, D. J., Gutfreund, H. and Sompolinsky, H. (1985). Storing
       infinite numbers of patterns in a spin-glass model of neural networks.
       Physical Review Letters 55(14), pp 1530-1533.
    .. [4] Storkey, A. (1997). Increasing the capacity of a Hopfield network
       without sacrificing functionality. ICANN, pp 451-456.
    .. [5] Personnaz, L., Guyon, I. and Dreyfus, G. (1985). Information
       storage and retrieval in spin-glass like neural networks. Journal de
       Physique Lettres 46(8), pp 359-365.

    Examples
    --------
    >>> import numpy as np
    >>> from skgen import HopfieldNetwork
    >>> patterns = np.array([[1, 1, 1, 1, 0, 0, 0, 0],
    ...                      [1, 0, 1, 0, 1, 0, 1, 0]])
    >>> memory = HopfieldNetwork(rule="pseudoinverse", random_state=0).fit(patterns)
    >>> cue = np.array([[1, 1, 1, 0, 0, 0, 0, 0]])   # the first, one bit off
    >>> memory.predict(cue).astype(int)
    array([[1, 1, 1, 1, 0, 0, 0, 0]])
    >>> bool(memory.score_samples(patterns[:1])[0] > memory.score_samples(cue)[0])
    True
    """

    _parameter_constraints: dict = {
        "rule": [StrOptions(set(RULES))],
        "update": [StrOptions({"async", "sync"})],
        "temperature": [Interval(Real, 0, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "random_state": ["random_state"],
    }

    def __init__(self, rule="hebbian", *, update="async", temperature=0.0, max_iter=100,
                 random_state=None):
        self.rule = rule
        self.update = update
        self.temperature = temperature
        self.max_iter = max_iter
        self.random_state = random_state

    @fit_transaction(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Store the rows of X as patterns.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The patterns: 0/1 values, or -1/+1 values.
        y : None
            Ignored.

        Returns
        -------
        self : HopfieldNetwork
            The fitted network.
        """
        coding = {}
        X = validate_support(self, X, lambda X: coding.update(coding=_coding_of(X)),
                             reset=True, dtype=[np.float64, np.float32])
        context = begin_fit(self, 0, X, y)
        spins = _to_spins(X.astype(np.float64), coding["coding"])
        self.weights_ = RULES[self.rule](spins).astype(X.dtype)
        self.bias_ = np.zeros(X.shape[1], dtype=X.dtype)
        self.coding_ = coding["coding"]
        end_fit(context, self, X, y)
        return self

    def recall(self, X):
        """Run the network's dynamics from each row of X and report how it ended.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The cues, in the coding of the training data (``coding_``).

        Returns
        -------
        result : sklearn.utils.Bunch
            ``states``, the recalled states in the coding and dtype of X (as
            :meth:`predict`); ``n_sweeps``, the sweeps each row ran (a fixed
            point counts the sweep that changed nothing); ``converged``, True
            for rows that ended at a fixed point (always False at a
            temperature above 0, where there are none); ``cycled``, True for
            rows whose synchronous updates ended in a 2-cycle, in which case
            ``states`` is the last of its two states.
        """
        X = self._validate_cues(X)
        weights = self.weights_.astype(X.dtype, copy=False)
        bias = self.bias_.astype(X.dtype, copy=False)
        # A copy: the sync kernel works in place, and X may be the caller's array.
        spins = np.array(_to_spins(X, self.coding_), order="C")
        # Each row's stream is keyed by the row: its recall does not depend on
        # the other rows or on its position.
        streams = keyed_streams(X, 1, check_random_state(self.random_state))
        cycled = np.zeros(X.shape[0], dtype=np.bool_)
        if self.update == "sync":
            n_sweeps = np.zeros(X.shape[0], dtype=np.int64)
            outcomes = np.zeros(X.shape[0], dtype=np.int64)
            sync_sweeps(weights, bias, spins, float(self.temperature), self.max_iter,
                        streams, n_sweeps, outcomes)
            converged = outcomes == FIXED_POINT
            cycled = outcomes == TWO_CYCLE
        else:
            binary_weights, binary_bias, _ = spin_to_binary(weights, bias)
            states = np.ascontiguousarray((spins + 1) * X.dtype.type(0.5))
            temperatures = np.full(self.max_iter, float(self.temperature))
            free = np.ones((1, X.shape[1]), dtype=np.bool_)
            n_sweeps = run_sweeps(binary_weights, binary_bias, states, free, temperatures,
                                  streams)
            spins = 2 * states - 1
            # A quiet sweep ends a row early; a row that used every sweep may
            # still have arrived at a fixed point with its last one.
            converged = ((n_sweeps < self.max_iter) | _stable(weights, bias, spins)) & (
                self.temperature == 0.0)
        return Bunch(states=_from_spins(spins, self.coding_), n_sweeps=n_sweeps,
                     converged=converged, cycled=cycled)

    def predict(self, X):
        """Recall a stored pattern from each row of X.

        Runs the dynamics to a fixed point (at most ``max_iter`` sweeps) at
        temperature 0, or for ``max_iter`` sweeps above it. Warns (sklearn's
        ConvergenceWarning) about rows that reached no fixed point at
        temperature 0, naming them; :meth:`recall` gives the details.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The cues, in the coding of the training data (``coding_``).

        Returns
        -------
        states : ndarray of shape (n_samples, n_features)
            The recalled states, in the coding and dtype of X.
        """
        result = self.recall(X)
        if self.temperature == 0.0:
            _warn_rows(result.cycled, "ended in a 2-cycle of synchronous updates "
                       "(alternating between two states; the last is returned)")
            _warn_rows(~result.converged & ~result.cycled,
                       f"reached no fixed point within max_iter={self.max_iter} sweeps")
        return result.states

    def energy(self, X):
        """The energy ``-1/2 x.W.x - theta.x`` of each row of X, in the spin coding.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            States, in the coding of the training data (``coding_``).

        Returns
        -------
        energy : ndarray of shape (n_samples,)
            In the dtype of X.
        """
        X = self._validate_cues(X)
        return quadratic_energy(self.weights_.astype(X.dtype, copy=False),
                                self.bias_.astype(X.dtype, copy=False),
                                _to_spins(X, self.coding_))

    def _validate_cues(self, X):
        check_is_fitted(self)
        return validate_support(self, X, self._check_coding, reset=False,
                                dtype=[np.float64, np.float32])

    def _check_coding(self, X):
        off = _OFF_VALUES[self.coding_]
        if not np.all((X == off) | (X == 1.0)):
            raise ValueError(
                f"{type(self).__name__} was fitted on {self.coding_} data, so X must "
                f"hold only the values {off:g} and 1, but it has other values.")


def _coding_of(X):
    """"binary" for 0/1 values, "spin" for -1/+1 values (0/1 when X is all ones)."""
    ones = X == 1.0
    if np.all(ones | (X == 0.0)):
        return "binary"
    if np.all(ones | (X == -1.0)):
        return "spin"
    raise ValueError(
        "HopfieldNetwork stores binary patterns: X must hold only 0 and 1, or only -1 "
        "and 1, but it has other values (or both 0 and -1).")


def _to_spins(X, coding):
    return 2 * X - 1 if coding == "binary" else X


def _from_spins(spins, coding):
    return (spins + 1) * spins.dtype.type(0.5) if coding == "binary" else spins


def _stable(weights, bias, spins):
    """True for the rows of ``spins`` that no single update changes."""
    fields = spins @ weights + bias
    return np.all(spins * fields >= 0, axis=1)


def _warn_rows(rows, what):
    """A ConvergenceWarning naming the rows of the boolean mask ``rows``, if any."""
    indices = np.flatnonzero(rows)
    if indices.shape[0] == 0:
        return
    named = ", ".join(str(i) for i in indices[:_NAMED_ROWS])
    more = f" and {indices.shape[0] - _NAMED_ROWS} more" if indices.shape[0] > _NAMED_ROWS else ""
    warnings.warn(f"Rows {named}{more} of X {what}.", ConvergenceWarning, stacklevel=3)
