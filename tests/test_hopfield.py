"""HopfieldNetwork and ModernHopfieldNetwork: learning rules, recall, energies and
the sklearn API on binary data."""

import pickle
import warnings

import naive_hopfield
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV

from skgen import HopfieldNetwork, ModernHopfieldNetwork

RULES = ["hebbian", "storkey", "pseudoinverse"]


def _spins(n_patterns, n_units, seed=0):
    return np.random.RandomState(seed).choice([-1.0, 1.0], size=(n_patterns, n_units))


def _corrupt(patterns, share, seed=0):
    """The patterns with ``share`` of the units of each flipped, chosen at random."""
    rng = np.random.RandomState(seed)
    cues = patterns.copy()
    n_flips = int(round(share * patterns.shape[1]))
    for row in cues:
        flipped = rng.choice(patterns.shape[1], n_flips, replace=False)
        row[flipped] = -row[flipped]
    return cues


# -- learning rules ---------------------------------------------------------------


@pytest.mark.parametrize("rule", RULES)
def test_rules_match_reference(rule):
    patterns = _spins(4, 10)
    weights = HopfieldNetwork(rule).fit(patterns).weights_
    assert_allclose(weights, getattr(naive_hopfield, rule)(patterns), atol=1e-12)
    assert_array_equal(weights, weights.T)
    assert_array_equal(np.diag(weights), 0.0)
    # 0/1 data stores the same patterns.
    binary = HopfieldNetwork(rule).fit((patterns + 1) / 2)
    assert_allclose(binary.weights_, weights)
    assert binary.coding_ == "binary"
    assert_array_equal(binary.bias_, 0.0)


@pytest.mark.parametrize("update", ["async", "sync"])
@pytest.mark.parametrize("n_patterns", [1, 8, 15])
def test_pseudoinverse_stores_independent_patterns_exactly(update, n_patterns):
    patterns = _spins(n_patterns, 16, seed=n_patterns)
    assert np.linalg.matrix_rank(patterns) == n_patterns
    memory = HopfieldNetwork("pseudoinverse", update=update, random_state=0).fit(patterns)
    result = memory.recall(patterns)
    assert_array_equal(result.states, patterns)
    assert result.converged.all()
    assert_array_equal(result.n_sweeps, 1)  # already fixed points


def test_pseudoinverse_stores_patterns_one_bit_apart():
    """Two patterns that differ in one unit put that unit's basis vector in their
    span (W_ii = 1): its field becomes 0, and the tie keeps both fixed."""
    first = _spins(1, 12)[0]
    second = first.copy()
    second[3] = -second[3]
    patterns = np.vstack([first, second, _spins(3, 12, seed=1)])
    memory = HopfieldNetwork("pseudoinverse").fit(patterns)
    assert_array_equal(memory.predict(patterns), patterns)


@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize("update", ["async", "sync"])
def test_recall_fixes_corrupted_patterns_at_low_load(rule, update):
    patterns = _spins(3, 64)
    cues = _corrupt(np.repeat(patterns, 4, axis=0), 0.1)
    memory = HopfieldNetwork(rule, update=update, random_state=0).fit(patterns)
    result = memory.recall(cues)
    assert_array_equal(result.states, np.repeat(patterns, 4, axis=0))
    assert result.converged.all() and not result.cycled.any()
    assert (result.n_sweeps >= 2).all()


def test_storkey_stores_more_than_hebbian():
    patterns = _spins(20, 64)  # load 0.31, twice Hebb's capacity
    stable = {rule: (HopfieldNetwork(rule, random_state=0).fit(patterns).predict(patterns)
                     == patterns).all(axis=1).mean() for rule in ("hebbian", "storkey")}
    assert stable["storkey"] > stable["hebbian"]


# -- dynamics ---------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), n_units=st.integers(2, 12),
       n_patterns=st.integers(1, 6), rule=st.sampled_from(RULES))
def test_energy_never_increases_under_asynchronous_updates(seed, n_units, n_patterns,
                                                           rule):
    """Recall with max_iter = k runs the first k sweeps of the same trajectory (the
    streams depend only on random_state), so its energy must not rise with k."""
    rng = np.random.RandomState(seed)
    patterns = rng.randint(0, 2, size=(n_patterns, n_units)).astype(float)
    cues = rng.randint(0, 2, size=(5, n_units)).astype(float)
    energies = [HopfieldNetwork(rule).fit(patterns).energy(cues)]
    for max_iter in range(1, 6):
        memory = HopfieldNetwork(rule, max_iter=max_iter, random_state=seed).fit(patterns)
        energies.append(memory.energy(memory.recall(cues).states))
    energies = np.array(energies)
    tolerance = 1e-9 * (1.0 + np.abs(memory.weights_).sum())
    assert (np.diff(energies, axis=0) <= tolerance).all()


def test_sync_two_cycle_is_detected_and_named():
    # One stored pattern (1, -1): the units are coupled negatively, so the states
    # (1, 1) and (-1, -1) swap into each other under synchronous updates.
    memory = HopfieldNetwork(update="sync").fit(np.array([[1.0, -1.0]]))
    cues = np.array([[1.0, -1.0], [1.0, 1.0], [-1.0, 1.0], [-1.0, -1.0]])
    result = memory.recall(cues)
    assert_array_equal(result.cycled, [False, True, False, True])
    assert_array_equal(result.converged, [True, False, True, False])
    assert_array_equal(result.n_sweeps, [1, 2, 1, 2])
    with pytest.warns(ConvergenceWarning, match=r"Rows 1, 3 of X ended in a 2-cycle"):
        memory.predict(cues)
    # Asynchronous updates from the same cues reach a stored state.
    states = memory.set_params(update="async").predict(cues)
    assert all(tuple(row) in {(1.0, -1.0), (-1.0, 1.0)} for row in states)


def test_max_iter_without_fixed_point_warns():
    patterns = _spins(30, 40)  # far beyond Hebb's capacity: recall wanders
    cues = _spins(10, 40, seed=1)
    memory = HopfieldNetwork(max_iter=1, random_state=0).fit(patterns)
    with pytest.warns(ConvergenceWarning, match="no fixed point within max_iter=1"):
        memory.predict(cues)


@pytest.mark.parametrize("update", ["async", "sync"])
def test_temperature_runs_max_iter_sweeps_reproducibly(update):
    patterns = _spins(2, 32)
    cues = _corrupt(np.repeat(patterns, 3, axis=0), 0.2)
    memory = HopfieldNetwork(update=update, temperature=0.5, max_iter=7,
                             random_state=3).fit(patterns)
    result = memory.recall(cues)
    assert_array_equal(result.n_sweeps, 7)
    assert not result.converged.any()
    assert_array_equal(memory.predict(cues), result.states)
    hot = memory.set_params(temperature=100.0).predict(cues)
    assert 0.3 < (hot == 1).mean() < 0.7  # nearly coin flips


@pytest.mark.parametrize("update", ["async", "sync"])
def test_a_rows_recall_does_not_depend_on_the_other_rows(update):
    patterns = _spins(2, 32)
    cues = _corrupt(np.repeat(patterns, 4, axis=0), 0.2)
    memory = HopfieldNetwork(update=update, temperature=0.5, max_iter=5,
                             random_state=3).fit(patterns)
    whole = memory.predict(cues)
    order = np.random.RandomState(0).permutation(len(cues))
    assert_array_equal(memory.predict(cues[order]), whole[order])
    assert_array_equal(memory.predict(cues[2:3]), whole[2:3])


@pytest.mark.parametrize("update", ["async", "sync"])
@pytest.mark.parametrize("temperature", [0.0, 0.5])
def test_float32_and_float64_give_the_same_recall(update, temperature):
    # 32 units: the Hebbian weights are multiples of 1/32, exact in both dtypes.
    patterns = (_spins(3, 32) + 1) / 2
    cues = (_corrupt(np.repeat(_spins(3, 32), 4, axis=0), 0.2) + 1) / 2
    recalled = {}
    for dtype in (np.float32, np.float64):
        memory = HopfieldNetwork(update=update, temperature=temperature, max_iter=10,
                                 random_state=0).fit(patterns.astype(dtype))
        assert memory.weights_.dtype == dtype and memory.bias_.dtype == dtype
        recalled[dtype] = memory.predict(cues.astype(dtype))
        assert recalled[dtype].dtype == dtype
        assert memory.energy(cues.astype(dtype)).dtype == dtype
    assert_array_equal(recalled[np.float32], recalled[np.float64])


def test_predict_returns_the_coding_of_fit():
    patterns = _spins(2, 16)
    cues = _corrupt(patterns, 0.1)
    spin = HopfieldNetwork(random_state=0).fit(patterns)
    binary = HopfieldNetwork(random_state=0).fit((patterns + 1) / 2)
    assert spin.coding_ == "spin" and binary.coding_ == "binary"
    assert_array_equal(spin.predict(cues), patterns)
    assert_array_equal(binary.predict((cues + 1) / 2), (patterns + 1) / 2)
    assert_allclose(binary.energy((cues + 1) / 2), spin.energy(cues))
    with pytest.raises(ValueError, match="fitted on binary data"):
        binary.predict(cues)


def test_energy_and_scores():
    patterns = _spins(3, 10)
    memory = HopfieldNetwork("storkey").fit(patterns)
    states = _spins(6, 10, seed=2)
    expected = np.array([-0.5 * x @ memory.weights_ @ x for x in states])
    assert_allclose(memory.energy(states), expected)
    assert_allclose(memory.score_samples(states), -expected)
    assert memory.score(states) == pytest.approx(-expected.mean())


# -- the sklearn API on binary data -----------------------------------------------


@pytest.mark.parametrize(
    "X, message",
    [
        ([[0.0, 1.0], [0.5, 1.0]], "only 0 and 1, or only -1 and 1"),
        ([[0.0, 1.0], [-1.0, 1.0]], "only 0 and 1, or only -1 and 1"),
        ([[0.0, np.nan], [1.0, 1.0]], "NaN"),
        ([[0.0, np.inf], [1.0, 1.0]], "infinity"),
        (np.empty((0, 3)), "0 sample"),
    ],
)
def test_bad_training_data_is_rejected_without_a_trace(X, message):
    memory = HopfieldNetwork()
    with pytest.raises(ValueError, match=message):
        memory.fit(X)
    assert not hasattr(memory, "weights_") and not hasattr(memory, "n_features_in_")
    fitted = HopfieldNetwork().fit(_spins(2, 3))
    weights = fitted.weights_.copy()
    with pytest.raises(ValueError):
        fitted.fit(X)
    assert_array_equal(fitted.weights_, weights)
    assert fitted.n_features_in_ == 3


def test_bad_cues_are_rejected():
    memory = HopfieldNetwork().fit(_spins(2, 4))
    for method in (memory.predict, memory.recall, memory.energy, memory.score):
        with pytest.raises(ValueError, match="4 features"):
            method(_spins(2, 5))
        with pytest.raises(ValueError, match="only the values -1 and 1"):
            method([[1.0, 0.3, 1.0, -1.0]])
        with pytest.raises(ValueError, match="NaN"):
            method([[1.0, np.nan, 1.0, -1.0]])


@pytest.mark.parametrize("Estimator", [HopfieldNetwork, ModernHopfieldNetwork])
def test_pickle_round_trip(Estimator):
    patterns = _spins(3, 16)
    cues = _corrupt(patterns, 0.1)
    memory = Estimator(**({"random_state": 0} if Estimator is HopfieldNetwork else {}))
    memory.fit(patterns)
    restored = pickle.loads(pickle.dumps(memory))
    assert_array_equal(restored.predict(cues), memory.predict(cues))
    assert_array_equal(restored.energy(cues), memory.energy(cues))


def test_grid_search_over_rule():
    patterns = _spins(12, 24)
    search = GridSearchCV(HopfieldNetwork(random_state=0), {"rule": RULES}, cv=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        search.fit(patterns)
    assert search.best_params_["rule"] in RULES
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()


# -- modern Hopfield network --------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("beta", [0.05, 0.5])
def test_modern_retrieval_matches_reference(dtype, beta):
    rng = np.random.RandomState(0)
    patterns = rng.normal(size=(7, 5))
    cues = rng.normal(size=(4, 5))
    memory = ModernHopfieldNetwork(beta=beta, max_iter=3, tol=0.0).fit(patterns.astype(dtype))
    retrieved = memory.predict(cues.astype(dtype))
    assert retrieved.dtype == dtype
    expected = [naive_hopfield.modern_retrieve(patterns, cue, beta, 3) for cue in cues]
    rtol = 1e-5 if dtype == np.float32 else 1e-12
    assert_allclose(retrieved, expected, rtol=rtol, atol=rtol)
    energies = memory.energy(cues.astype(dtype))
    assert energies.dtype == dtype
    assert_allclose(energies, [naive_hopfield.modern_energy(patterns, cue, beta)
                               for cue in cues], rtol=rtol)
    assert_allclose(memory.score_samples(cues.astype(dtype)), -energies)


def test_modern_updates_lower_the_energy_to_a_bound():
    rng = np.random.RandomState(1)
    patterns = rng.normal(size=(20, 6))
    states = rng.normal(size=(10, 6))
    energies = []
    for _ in range(5):
        memory = ModernHopfieldNetwork(beta=0.7, max_iter=1).fit(patterns)
        energies.append(memory.energy(states))
        states = memory.predict(states)
    assert (np.diff(energies, axis=0) <= 1e-12).all()
    assert (np.array(energies) >= 0).all()


def test_modern_stores_many_more_patterns_than_units():
    """Exponential capacity: 1000 random patterns of 32 units (31 per unit, where
    the classical network stores 0.14), each recalled from a cue with 3 bits
    flipped."""
    patterns = _spins(1000, 32)
    cues = _corrupt(patterns[:200], 3 / 32)
    retrieved = ModernHopfieldNetwork().fit(patterns).predict(cues)
    assert_allclose(retrieved, patterns[:200], atol=1e-6)


def test_modern_rejects_bad_input():
    memory = ModernHopfieldNetwork().fit(_spins(3, 4))
    with pytest.raises(ValueError, match="4 features"):
        memory.predict(_spins(2, 5))
    with pytest.raises(ValueError, match="NaN"):
        ModernHopfieldNetwork().fit([[1.0, np.nan]])


@pytest.mark.parametrize("update", ["async", "sync"])
def test_recall_leaves_the_cues_alone(update):
    patterns = _spins(2, 32)
    cues = _corrupt(patterns, 0.2)
    given = cues.copy()
    HopfieldNetwork(update=update).fit(patterns).predict(cues)
    assert_array_equal(cues, given)


@pytest.mark.parametrize("dtype, scale", [(np.float64, 1e300), (np.float32, 1e30)])
def test_modern_network_rejects_patterns_whose_squares_overflow(dtype, scale):
    # Found by the fuzz suite: a pattern of 1e30 in float32 was stored, and
    # score_samples then returned NaN with only RuntimeWarnings.
    patterns = np.array([[1.0, -1.0], [1.0, 1.0]], dtype=dtype)
    with pytest.raises(ValueError, match="Values too large"):
        ModernHopfieldNetwork().fit(patterns * dtype(scale))
    memory = ModernHopfieldNetwork().fit(patterns)
    with pytest.raises(ValueError, match="Values too large"):
        memory.score_samples(patterns * dtype(scale))
