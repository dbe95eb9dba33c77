"""The annealing floor: its sweep kernel against tests/naive_boltzmann.py on the
same streams, and the public anneal against brute force."""

import runpy
from pathlib import Path

import naive
import naive_boltzmann
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

from skgen import anneal
from skgen.annealing._anneal import quadratic_energy, run_sweeps, spin_to_binary
from skgen.annealing._kernels import sweep_rows
from skgen.utils._random import row_streams

from kernel_checks import DTYPES, check_unambiguous  # isort: skip


def _problem(rng, n_units, dtype=np.float64, scale=1.0):
    weights = scale * rng.standard_normal((n_units, n_units))
    weights = np.triu(weights, 1)
    weights = weights + weights.T
    bias = scale * rng.standard_normal(n_units)
    return weights.astype(dtype), bias.astype(dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("temperatures", [[3.0, 1.5, 1.0], [0.0] * 5, [2.0, 0.0, 0.0]])
@pytest.mark.parametrize("per_row_mask", [False, True])
def test_sweep_rows_matches_reference(dtype, temperatures, per_row_mask):
    rng = np.random.default_rng(3)
    n_rows, n_units = 5, 7
    weights, bias = _problem(rng, n_units, dtype)
    states = (rng.random((n_rows, n_units)) < 0.5).astype(dtype)
    if per_row_mask:
        free = rng.random((n_rows, n_units)) < 0.7
    else:
        free = np.ones((1, n_units), dtype=bool)
        free[0, 2] = False
    temperatures = np.array(temperatures)
    streams = row_streams(np.random.RandomState(5), n_rows)
    reference_streams = naive.Streams(streams)
    expected, expected_sweeps = naive_boltzmann.sweep_rows(
        weights, bias, states, free, temperatures, reference_streams)
    check_unambiguous(reference_streams, dtype)
    fields = states @ weights + bias
    n_sweeps = np.zeros(n_rows, dtype=np.int64)
    sweep_rows(weights, states, fields, free, temperatures, streams, n_sweeps)
    assert states.dtype == dtype
    assert_array_equal(states, expected)
    assert_array_equal(n_sweeps, expected_sweeps)
    assert_array_equal(streams, reference_streams.as_array())
    tolerance = 1e-4 if dtype == np.float32 else 1e-11
    assert_allclose(fields, states @ weights + bias, atol=tolerance)


def test_float32_and_float64_draw_alike():
    rng = np.random.default_rng(4)
    weights, bias = _problem(rng, 9)
    start = (rng.random((6, 9)) < 0.5).astype(np.float64)
    results = []
    for dtype in DTYPES:
        states = start.astype(dtype)
        run_sweeps(weights.astype(dtype), bias.astype(dtype), states,
                   np.ones((1, 9), dtype=bool), np.array([2.0, 1.0, 0.0]),
                   row_streams(np.random.RandomState(0), 6))
        results.append(states)
    assert_array_equal(results[0], results[1])


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), n_units=st.integers(1, 12),
       scale=st.floats(0.1, 10.0))
def test_zero_temperature_sweeps_never_raise_the_energy(seed, n_units, scale):
    rng = np.random.default_rng(seed)
    weights, bias = _problem(rng, n_units, scale=scale)
    states = (rng.random((4, n_units)) < 0.5).astype(np.float64)
    before = quadratic_energy(weights, bias, states)
    free = np.ones((1, n_units), dtype=bool)
    for _ in range(3):
        run_sweeps(weights, bias, states, free, np.zeros(1),
                   row_streams(np.random.RandomState(seed), 4))
        after = quadratic_energy(weights, bias, states)
        assert (after <= before + 1e-9 * (1 + np.abs(before))).all()
        before = after


def test_quench_ends_in_a_local_minimum():
    rng = np.random.default_rng(6)
    weights, bias = _problem(rng, 15)
    states = (rng.random((20, 15)) < 0.5).astype(np.float64)
    n_sweeps = run_sweeps(weights, bias, states, np.ones((1, 15), dtype=bool),
                          np.zeros(1000), row_streams(np.random.RandomState(0), 20))
    assert (n_sweeps < 1000).all()
    fields = states @ weights + bias
    # No single flip lowers the energy: on units have fields >= 0, off units <= 0.
    assert ((2 * states - 1) * fields >= 0).all()


@pytest.mark.parametrize("states", ["binary", "spin"])
def test_anneal_finds_the_brute_force_minimum(states):
    rng = np.random.default_rng(7)
    weights, bias = _problem(rng, 12)
    candidates = naive_boltzmann.all_states(12)
    if states == "spin":
        candidates = 2 * candidates - 1
    energies = naive_boltzmann.energy(weights, bias, candidates)
    result = anneal(weights, bias, n_restarts=10, random_state=0, states=states)
    assert_allclose(result.fun, energies.min(), rtol=1e-12)
    assert_allclose(naive_boltzmann.energy(weights, bias, result.x[None])[0], result.fun)
    assert set(np.unique(result.xs)) <= ({0.0, 1.0} if states == "binary" else {-1.0, 1.0})
    assert result.xs.shape == (10, 12) and result.funs.shape == (10,)
    assert_allclose(result.funs, naive_boltzmann.energy(weights, bias, result.xs))


def test_spin_to_binary_is_the_same_energy():
    rng = np.random.default_rng(8)
    weights, bias = _problem(rng, 6)
    binary_weights, binary_bias, constant = spin_to_binary(weights, bias)
    s = naive_boltzmann.all_states(6)
    assert_allclose(naive_boltzmann.energy(weights, bias, 2 * s - 1),
                    naive_boltzmann.energy(binary_weights, binary_bias, s) + constant)


def test_anneal_folds_a_diagonal_into_the_energy():
    rng = np.random.default_rng(9)
    weights, bias = _problem(rng, 8)
    weights[np.diag_indices(8)] = rng.standard_normal(8)
    for states, candidates in [("binary", naive_boltzmann.all_states(8)),
                               ("spin", 2 * naive_boltzmann.all_states(8) - 1)]:
        energies = naive_boltzmann.energy(weights, bias, candidates)
        result = anneal(weights, bias, random_state=0, states=states)
        assert_allclose(result.fun, energies.min())


def test_anneal_is_seeded():
    rng = np.random.default_rng(10)
    weights, bias = _problem(rng, 30)
    first = anneal(weights, bias, schedule=20, n_restarts=3, random_state=1)
    second = anneal(weights, bias, schedule=20, n_restarts=3, random_state=1)
    assert_array_equal(first.xs, second.xs)
    explicit = anneal(weights, bias, schedule=np.geomspace(5.0, 0.05, 20), n_restarts=3,
                      random_state=1)
    assert explicit.nit.min() >= 21


@pytest.mark.parametrize(
    "weights, bias, kwargs, message",
    [
        (np.ones((2, 3)), np.zeros(2), {}, "square"),
        (np.ones((2, 2)), np.zeros(3), {}, "bias must have shape"),
        (np.array([[0.0, 1.0], [2.0, 0.0]]), np.zeros(2), {}, "symmetric"),
        (np.array([[0.0, np.nan], [np.nan, 0.0]]), np.zeros(2), {}, "NaN or inf"),
        (np.zeros((2, 2)), np.zeros(2), {"schedule": -1}, "non-negative"),
        (np.zeros((2, 2)), np.zeros(2), {"schedule": [1.0, -1.0]}, "non-negative"),
        (np.zeros((2, 2)), np.zeros(2), {"n_restarts": 0}, "n_restarts"),
        (np.zeros((2, 2)), np.zeros(2), {"states": "ising"}, "states must be"),
    ],
)
def test_anneal_rejects_bad_problems(weights, bias, kwargs, message):
    with pytest.raises(ValueError, match=message):
        anneal(weights, bias, **kwargs)


def test_the_travelling_salesman_example_finds_the_optimum():
    # The example draws its tour; matplotlib is in the examples' extra, not the tests'.
    pytest.importorskip("matplotlib")
    path = Path(__file__).parents[1] / "examples" / "plot_annealing_tsp.py"
    example = runpy.run_path(str(path))
    best, (optimum_length, _), _ = example["solve"](n_cities=6, seed=1)
    rng = np.random.default_rng(1)
    cities = rng.random((6, 2))
    distances = np.linalg.norm(cities[:, None] - cities[None], axis=2)
    assert sorted(best) == list(range(6))
    assert example["tour_length"](best, distances) == pytest.approx(optimum_length)
