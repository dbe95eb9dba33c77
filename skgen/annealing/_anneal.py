"""Simulated annealing of binary units with a quadratic energy, and the sweep
driver that the Hopfield networks and the Boltzmann machine share."""

from numbers import Integral

import numpy as np
from scipy.optimize import OptimizeResult
from sklearn.utils import check_random_state

from ..utils._random import row_streams
from ._kernels import sweep_rows

#: The most zero-temperature sweeps a quench runs. Every flip at zero
#: temperature lowers the energy, so a quench reaches a fixed point; the cap
#: only bounds the time taken on huge, badly scaled problems.
MAX_QUENCH_SWEEPS = 1000

_STATE_CODINGS = ("binary", "spin")


def run_sweeps(weights, bias, states, free, temperatures, streams):
    """Sweeps of single-unit updates over the rows of ``states`` (0/1), in place.

    Row i draws from the stream ``streams[i]`` (``skgen.utils._random``), which
    the sweeps advance.
    ``free`` is a boolean array of shape (1, n) or ``states.shape``: True where
    a unit may change. ``temperatures`` gives one temperature per sweep; a
    zero-temperature sweep that changes nothing ends a row's run. Returns the
    number of sweeps each row ran.
    """
    dtype = states.dtype
    fields = states @ weights
    fields += bias
    n_sweeps = np.zeros(states.shape[0], dtype=np.int64)
    if states.shape[0] and temperatures.shape[0]:
        sweep_rows(weights, states, fields, np.ascontiguousarray(free, dtype=np.bool_),
                   np.ascontiguousarray(temperatures, dtype=np.float64), streams,
                   n_sweeps)
    assert states.dtype == dtype
    return n_sweeps


def quadratic_energy(weights, bias, states):
    """E(s) = -1/2 s.W.s - b.s for each row s of ``states``."""
    return -0.5 * np.einsum("ij,ij->i", states @ weights, states) - states @ bias


def spin_to_binary(weights, bias):
    """The binary-coded parameters of a spin-coded quadratic energy.

    With x = 2s - 1, ``-1/2 x.W.x - b.x`` equals ``-1/2 s.W'.s - b'.s + c`` for
    W' = 4W, b' = 2b - 2 W.1 and c = sum(b) - 1/2 sum(W), for W symmetric with
    a zero diagonal. Returns (W', b', c).
    """
    return 4.0 * weights, 2.0 * bias - 2.0 * weights.sum(axis=1), (
        float(bias.sum()) - 0.5 * float(weights.sum()))


def geometric_schedule(weights, bias, n_sweeps, *, cooling=1e-3):
    """``n_sweeps`` temperatures falling geometrically by the factor ``cooling``.

    The first is the largest local field any unit can see, ``max_i (sum_j
    |W_ij| + |b_i|)``, hot enough that every unit's first updates are close to
    coin flips.
    """
    hottest = float(np.max(np.abs(weights).sum(axis=1) + np.abs(bias), initial=0.0))
    if hottest == 0.0 or n_sweeps == 0:
        return np.zeros(n_sweeps)
    return hottest * np.geomspace(1.0, cooling, n_sweeps)


def _check_problem(weights, bias, states):
    if states not in _STATE_CODINGS:
        raise ValueError(f"states must be one of {_STATE_CODINGS}, got {states!r}.")
    weights = np.asarray(weights, dtype=np.float64)
    bias = np.asarray(bias, dtype=np.float64)
    if weights.ndim != 2 or weights.shape[0] != weights.shape[1] or weights.shape[0] == 0:
        raise ValueError(
            f"weights must be a non-empty square matrix, got shape {weights.shape}.")
    if bias.shape != (weights.shape[0],):
        raise ValueError(
            f"bias must have shape ({weights.shape[0]},) to match weights, got "
            f"{bias.shape}.")
    if not (np.isfinite(weights).all() and np.isfinite(bias).all()):
        raise ValueError("weights and bias must be finite: they contain NaN or inf.")
    if not np.allclose(weights, weights.T, rtol=1e-10, atol=1e-12):
        raise ValueError(
            "weights must be symmetric: the energy -1/2 x.W.x only sees (W + W.T) / 2, "
            "so pass that.")
    diagonal = np.diag(weights).copy()
    weights = 0.5 * (weights + weights.T)
    np.fill_diagonal(weights, 0.0)
    constant = 0.0
    if states == "binary":
        bias = bias + 0.5 * diagonal  # s_i**2 = s_i
    else:
        constant = -0.5 * float(diagonal.sum())  # x_i**2 = 1
    return weights, bias, constant


def anneal(weights, bias, schedule=100, n_restarts=10, random_state=None, *,
           states="binary"):
    """Minimise a quadratic energy of binary units by simulated annealing.

    The energy is ``E(x) = -1/2 x.W.x - bias.x``, over x in {0, 1}^n
    (``states="binary"``) or in {-1, +1}^n (``states="spin"``, the coding of a
    Hopfield network). Each restart starts from uniformly random units, runs
    one sweep of Gibbs updates per temperature of the schedule, visiting the
    units in a random order, and then quenches: zero-temperature sweeps until
    no unit changes, so that every returned state is a local minimum (no single
    flip lowers its energy).

    Parameters
    ----------
    weights : array-like of shape (n_units, n_units)
        Symmetric couplings. A diagonal is allowed: with binary units it acts
        as a bias (x_i**2 = x_i), with spins as a constant.
    bias : array-like of shape (n_units,)
        The linear term.
    schedule : int or array-like of float, default=100
        The temperatures, one per sweep, hottest first. An integer n gives n
        temperatures falling geometrically by a factor of 1000 from the largest
        local field a unit can see (``max_i sum_j |W_ij| + |b_i|``); 0 gives a
        plain descent from random starts.
    n_restarts : int, default=10
        Independent runs; the lowest energy found is returned.
    random_state : int, RandomState instance or None, default=None
        Seeds the starts and the updates. Each restart draws from its own
        stream, so the result does not depend on thread counts.
    states : {"binary", "spin"}, default="binary"
        The coding of the units.

    Returns
    -------
    result : scipy.optimize.OptimizeResult
        ``x``, the lowest-energy state found, and ``fun``, its energy; ``xs``
        and ``funs``, every restart's final state and energy, and ``nit``, the
        sweeps each restart ran (the schedule and the quench).

    Examples
    --------
    >>> import numpy as np
    >>> from skgen import anneal
    >>> weights = 2.0 * (np.eye(4) - 1.0)   # any two units on cost 2
    >>> result = anneal(weights, np.ones(4), random_state=0)
    >>> int(result.x.sum()), float(result.fun)
    (1, -1.0)
    """
    weights, bias, constant = _check_problem(weights, bias, states)
    if isinstance(schedule, Integral) and not isinstance(schedule, bool):
        if schedule < 0:
            raise ValueError(f"schedule must be a non-negative integer, got {schedule}.")
    temperatures_given = not isinstance(schedule, Integral)
    if isinstance(n_restarts, bool) or not isinstance(n_restarts, Integral) or n_restarts < 1:
        raise ValueError(f"n_restarts must be a positive integer, got {n_restarts!r}.")
    binary_weights, binary_bias = weights, bias
    if states == "spin":
        binary_weights, binary_bias, offset = spin_to_binary(weights, bias)
        constant += offset
    if temperatures_given:
        temperatures = np.asarray(schedule, dtype=np.float64)
        if temperatures.ndim != 1 or not np.isfinite(temperatures).all() or (
                temperatures < 0).any():
            raise ValueError(
                "schedule must be an integer or a 1-d array of non-negative, finite "
                "temperatures.")
    else:
        temperatures = geometric_schedule(binary_weights, binary_bias, schedule)
    temperatures = np.concatenate([temperatures, np.zeros(MAX_QUENCH_SWEEPS)])
    rng = check_random_state(random_state)
    n_units = weights.shape[0]
    x = (rng.uniform(size=(n_restarts, n_units)) < 0.5).astype(np.float64)
    free = np.ones((1, n_units), dtype=np.bool_)
    nit = run_sweeps(binary_weights, binary_bias, x, free, temperatures,
                     row_streams(rng, n_restarts))
    funs = quadratic_energy(binary_weights, binary_bias, x) + constant
    if states == "spin":
        x = 2.0 * x - 1.0
    best = int(np.argmin(funs))
    return OptimizeResult(x=x[best].copy(), fun=float(funs[best]), xs=x, funs=funs,
                          nit=nit, success=True)


