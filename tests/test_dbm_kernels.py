"""The DBM kernels (skgen.dbm._kernels: mean field, Gibbs sweeps over alternating
layers, the joint training pass) against the NumPy references of
tests/naive_dbm.py on the same streams, and the RBM kernel's doubled inputs of
DBM pretraining against tests/naive.py.

The references compute in float64; float32 kernels are compared with loose
tolerances, after ``check_unambiguous`` has made sure that no sampled bit of
the reference sat within rounding of its probability.
"""

import naive
import naive_dbm
import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from skgen.dbm import _kernels
from skgen.rbm._units import BernoulliUnits, GaussianUnits
from skgen.utils._random import row_streams

from kernel_checks import DTYPES, check_unambiguous, random_data  # isort: skip
from test_rbm_kernels import run_kernel_fit_epoch as run_rbm_fit_epoch  # isort: skip

#: Hidden layer sizes of the DBMs (1, 2 and 3 hidden layers), over 5 visible units.
DEPTHS = [(4,), (4, 3), (4, 3, 3)]

#: (dtype, hidden layers) of the kernel grids: every depth in float64, and
#: float32 at depth 2. Each pair compiles the kernels once more (seconds each),
#: and the dtype changes nothing but the arithmetic's precision.
CASES = [(np.float64, (4,)), (np.float64, (4, 3)), (np.float64, (4, 3, 3)),
         (np.float32, (4, 3))]
N_VISIBLE = 5

#: Tolerances of float32 kernels against float64 references (a few passes of
#: float32 arithmetic), and of float64 ones.
LOOSE = {np.float32: dict(rtol=2e-4, atol=2e-5), np.float64: dict(rtol=1e-10, atol=1e-11)}


def random_dbm(rng, hidden_sizes, dtype, scale=1.0, n_visible=N_VISIBLE):
    sizes = [n_visible, *hidden_sizes]
    weights = [(scale * rng.standard_normal((sizes[l + 1], sizes[l]))).astype(dtype)
               for l in range(len(hidden_sizes))]
    biases = [(0.5 * scale * rng.standard_normal(size)).astype(dtype) for size in sizes]
    return weights, biases


def visible_units(bias, velocity, gaussian, n_rows):
    """The visible units of the kernels: binary, or Gaussian of unit variance
    (as ``DBM._units`` makes them)."""
    if not gaussian:
        return BernoulliUnits(bias, velocity)
    dtype = bias.dtype
    n_visible = bias.shape[0]
    log_variance = np.zeros(n_visible, dtype=dtype)
    return GaussianUnits(bias, velocity, log_variance, np.zeros_like(bias),
                         log_variance.copy(), dtype.type(0.0),
                         np.empty(n_visible, dtype=dtype), np.empty(n_visible, dtype=dtype),
                         np.empty((n_rows, n_visible), dtype=dtype))


def binary_states(rng, n_rows, sizes, dtype):
    return [(rng.random((n_rows, size)) < 0.5).astype(dtype) for size in sizes]


# -- mean field ------------------------------------------------------------------


@pytest.mark.parametrize("dtype, hidden_sizes", CASES)
@pytest.mark.parametrize("max_iter, tol", [(1, 0.0), (4, 0.0), (50, 1e-3)])
def test_posteriors_are_the_mean_field_of_the_reference(dtype, hidden_sizes, max_iter,
                                                        tol):
    rng = np.random.default_rng(1)
    weights, biases = random_dbm(rng, hidden_sizes, dtype)
    n_rows = 6
    X = random_data(rng, n_rows, N_VISIBLE, dtype)
    sizes = [N_VISIBLE, *hidden_sizes]
    layers = (X.copy(),) + tuple(np.full((n_rows, s), np.nan, dtype=dtype)
                                 for s in sizes[1:])
    inputs = tuple(np.empty((n_rows, s), dtype=dtype) for s in sizes)
    units = BernoulliUnits(biases[0], np.zeros_like(biases[0]))
    n_sweeps = _kernels.posteriors(layers, tuple(weights), tuple(biases[1:]), units,
                                   max_iter, tol, inputs)
    expected, expected_sweeps = naive_dbm.mean_field(X, weights, biases[1:], max_iter, tol)
    assert n_sweeps == expected_sweeps
    if len(hidden_sizes) > 1 and tol == 0:
        assert n_sweeps == max_iter
    if tol > 0 and len(hidden_sizes) > 1:
        assert 1 < n_sweeps < max_iter  # it stopped on the tolerance
    assert_array_equal(layers[0], X)
    for got, want in zip(layers[1:], expected, strict=True):
        assert got.dtype == dtype
        assert_allclose(got, want, **LOOSE[dtype])


def test_mean_field_is_a_fixed_point_after_convergence():
    """Independent of the reference: converged means satisfy the mean-field
    equations of every layer given both neighbours."""
    rng = np.random.default_rng(2)
    weights, biases = random_dbm(rng, (4, 3, 3), np.float64, scale=0.5)
    X = random_data(rng, 5, N_VISIBLE, np.float64)
    sizes = [N_VISIBLE, 4, 3, 3]
    layers = (X.copy(),) + tuple(np.empty((5, s)) for s in sizes[1:])
    inputs = tuple(np.empty((5, s)) for s in sizes)
    _kernels.posteriors(layers, tuple(weights), tuple(biases[1:]),
                        BernoulliUnits(biases[0], np.zeros(N_VISIBLE)), 500, 1e-13, inputs)
    for layer in range(1, 4):
        expected = naive_dbm.sigmoid(naive_dbm.layer_input(layers, weights, layer)
                                     + biases[layer])
        assert_allclose(layers[layer], expected, atol=1e-11)


# -- Gibbs sampling ----------------------------------------------------------------


@pytest.mark.parametrize("dtype, hidden_sizes", CASES)
@pytest.mark.parametrize("gaussian", [False, True])
def test_gibbs_chains_draw_as_the_reference(dtype, hidden_sizes, gaussian):
    rng = np.random.default_rng(3)
    weights, biases = random_dbm(rng, hidden_sizes, dtype)
    n_rows, n_steps = 4, 3
    sizes = [N_VISIBLE, *hidden_sizes]
    start = binary_states(rng, n_rows, sizes, dtype)
    if gaussian:
        start[0] = rng.standard_normal((n_rows, N_VISIBLE)).astype(dtype)
    streams = row_streams(np.random.RandomState(4), n_rows)
    reference = naive.Streams(streams)
    expected = naive_dbm.gibbs_sweeps(start, weights, biases, reference, n_steps, gaussian)
    check_unambiguous(reference, dtype)

    layers = tuple(a.copy() for a in start)
    units = visible_units(biases[0].copy(), np.zeros_like(biases[0]), gaussian, n_rows)
    _kernels.gibbs_chains(layers, tuple(weights), tuple(biases[1:]), units, streams,
                          n_steps)
    # Every stream consumed the reference's draws, in its order.
    assert_array_equal(streams, reference.as_array())
    for layer, (got, want) in enumerate(zip(layers, expected, strict=True)):
        assert got.dtype == dtype
        if layer == 0 and gaussian:
            assert_allclose(got, want, **LOOSE[dtype])
        else:
            assert_array_equal(got, want, err_msg=f"layer {layer}")
    # Not trivially: the states moved.
    assert any((got != first).any() for got, first in zip(layers[1:], start[1:],
                                                           strict=True))


def test_gibbs_chains_with_no_step_leave_the_states():
    rng = np.random.default_rng(5)
    weights, biases = random_dbm(rng, (4, 3), np.float64)
    start = binary_states(rng, 3, [N_VISIBLE, 4, 3], np.float64)
    layers = tuple(a.copy() for a in start)
    streams = row_streams(np.random.RandomState(0), 3)
    before = streams.copy()
    _kernels.gibbs_chains(layers, tuple(weights), tuple(biases[1:]),
                          BernoulliUnits(biases[0], np.zeros(N_VISIBLE)), streams, 0)
    for got, want in zip(layers, start, strict=True):
        assert_array_equal(got, want)
    assert_array_equal(streams, before)


# -- the training pass ---------------------------------------------------------------


def run_fit_epoch(X, order, batch_size, weights, biases, weight_velocities,
                  bias_velocities, particles, streams, training, offsets, rates, active,
                  gaussian):
    """The kernel on copies, with buffers laid out as ``DBM._train`` lays them;
    returns (weights, biases, weight_velocities, bias_velocities, particles,
    offsets, streams)."""
    dtype = weights[0].dtype
    weights = tuple(np.ascontiguousarray(w.copy()) for w in weights)
    biases = [b.copy() for b in biases]
    weight_velocities = tuple(v.copy() for v in weight_velocities)
    bias_velocities = [v.copy() for v in bias_velocities]
    offsets = tuple(o.copy() for o in offsets)
    streams = streams.copy()
    sizes = [b.shape[0] for b in biases]
    n_chains = particles[0].shape[0]
    n_rows = batch_size + n_chains
    layers = tuple(np.full((n_rows, size), np.nan, dtype=dtype) for size in sizes)
    for layer, rows in enumerate(particles):
        layers[layer][batch_size:] = rows
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
    units = visible_units(biases[0], bias_velocities[0], gaussian, n_rows)
    learning_rate, momentum, weight_decay, n_gibbs_steps, max_iter, tol = training
    empty = np.empty(0, dtype=np.int64)
    _kernels.fit_epoch(
        (np.ascontiguousarray(X), np.empty(0, dtype=dtype), empty, empty),
        order, batch_size, weights, tuple(biases[1:]), units,
        (weight_velocities, tuple(bias_velocities[1:])), streams,
        (dtype.type(learning_rate), dtype.type(momentum), dtype.type(weight_decay),
         n_gibbs_steps, max_iter, float(tol), 0, gaussian),
        (offsets, np.asarray(rates, dtype=dtype), active), buffers)
    # The pass's totals of the data's rows: the visible layer's are the data's.
    assert_allclose(buffers[-1][0], np.asarray(X, dtype=np.float64)[order].sum(axis=0),
                    rtol=1e-6)
    particles = [rows[batch_size:].copy() for rows in layers]
    return (list(weights), biases, list(weight_velocities), bias_velocities, particles,
            list(offsets), streams)


@pytest.mark.parametrize("dtype, hidden_sizes", CASES)
@pytest.mark.parametrize("centered", [False, True])
@pytest.mark.parametrize("momentum, weight_decay", [(0.0, 0.0), (0.5, 0.01)])
@pytest.mark.parametrize("n_samples, batch_size, n_chains, n_gibbs_steps",
                         [(12, 4, 3, 1),   # whole mini-batches
                          (11, 4, 3, 2),   # a last one of 3 rows, as many as the chains
                          (9, 4, 5, 1)])   # a last one of 1 row, fewer than the chains
def test_fit_epoch_against_the_reference(dtype, hidden_sizes, centered, momentum,
                                         weight_decay, n_samples, batch_size, n_chains,
                                         n_gibbs_steps):
    rng = np.random.default_rng(7)
    weights, biases = random_dbm(rng, hidden_sizes, dtype)
    sizes = [N_VISIBLE, *hidden_sizes]
    X = random_data(rng, n_samples, N_VISIBLE, dtype)
    order = rng.permutation(n_samples).astype(np.int64)
    weight_velocities = [(0.1 * rng.standard_normal(w.shape)).astype(dtype)
                         for w in weights]
    bias_velocities = [(0.1 * rng.standard_normal(b.shape)).astype(dtype) for b in biases]
    particles = binary_states(rng, n_chains, sizes, dtype)
    streams = row_streams(np.random.RandomState(8), n_chains)
    if centered:
        # Offsets away from the means, and a large rate, so that the slide shows.
        offsets = [rng.uniform(0.1, 0.9, size).astype(dtype) for size in sizes]
        rates = np.full(len(sizes), 0.3)
    else:
        offsets = [np.zeros(size, dtype=dtype) for size in sizes]
        rates = np.zeros(len(sizes))
    training = (0.1, momentum, weight_decay, n_gibbs_steps, 3, 0.0)

    reference = naive.Streams(streams)
    expected = naive_dbm.fit_epoch(
        X, order, batch_size, weights, biases, weight_velocities, bias_velocities,
        particles, reference, *training, offsets=offsets if centered else None,
        rates=rates)
    check_unambiguous(reference, dtype)
    result = run_fit_epoch(X, order, batch_size, weights, biases, weight_velocities,
                           bias_velocities, particles, streams, training, offsets, rates,
                           centered, False)

    assert_array_equal(result[-1], reference.as_array())
    names = ("weights", "biases", "weight_velocities", "bias_velocities", "particles",
             "offsets")
    for name, got, want in zip(names, result[:-1], expected, strict=True):
        if name == "weight_velocities" and momentum == 0 and not centered:
            continue  # without momentum the plain step keeps no velocity
        for layer, (a, b) in enumerate(zip(got, want, strict=True)):
            message = f"{name}[{layer}]"
            assert a.dtype == dtype, message
            if name == "particles":
                assert_array_equal(a, b, err_msg=message)
            else:
                assert_allclose(a, b, err_msg=message, **LOOSE[dtype])
    # Not trivially: every parameter moved, and so did some chain.
    for before, after in zip(weights + biases, result[0] + result[1], strict=True):
        assert np.abs(after - before).max() > 1e-3
    assert any((a != b).any() for a, b in zip(result[4], particles, strict=True))
    if centered:
        assert all(np.abs(a - b).max() > 1e-3
                   for a, b in zip(result[5], offsets, strict=True))


@pytest.mark.parametrize("dtype, hidden_sizes", [(np.float64, (4,)), (np.float32, (4, 3))])
@pytest.mark.parametrize("centered", [False, True])
def test_fit_epoch_with_gaussian_visible_units(dtype, hidden_sizes, centered):
    """Gaussian visible units of unit variance: the chains' visible rows are
    ``h_1 @ W_0 + b_0 + z``; the visible offset stays at 0 (rate 0), as the
    estimator keeps it."""
    rng = np.random.default_rng(9)
    weights, biases = random_dbm(rng, hidden_sizes, dtype, scale=0.5)
    sizes = [N_VISIBLE, *hidden_sizes]
    n_samples, batch_size, n_chains = 10, 4, 3
    X = (rng.standard_normal((n_samples, N_VISIBLE)) + 0.5).astype(dtype)
    order = np.arange(n_samples, dtype=np.int64)
    weight_velocities = [np.zeros_like(w) for w in weights]
    bias_velocities = [np.zeros_like(b) for b in biases]
    particles = binary_states(rng, n_chains, sizes, dtype)
    particles[0] = rng.standard_normal((n_chains, N_VISIBLE)).astype(dtype)
    streams = row_streams(np.random.RandomState(10), n_chains)
    offsets = [np.zeros(size, dtype=dtype) for size in sizes]
    rates = np.zeros(len(sizes))
    if centered:
        for offset in offsets[1:]:
            offset[:] = rng.uniform(0.1, 0.9, offset.shape[0])
        rates[1:] = 0.3
    training = (0.05, 0.5, 0.01, 2, 3, 0.0)
    reference = naive.Streams(streams)
    expected = naive_dbm.fit_epoch(
        X, order, batch_size, weights, biases, weight_velocities, bias_velocities,
        particles, reference, *training, offsets=offsets if centered else None,
        rates=rates, gaussian=True)
    check_unambiguous(reference, dtype)
    result = run_fit_epoch(X, order, batch_size, weights, biases, weight_velocities,
                           bias_velocities, particles, streams, training, offsets, rates,
                           centered, True)
    assert_array_equal(result[-1], reference.as_array())
    for name, got, want in zip(("weights", "biases", "particles", "offsets"),
                               (result[0], result[1], result[4], result[5]),
                               (expected[0], expected[1], expected[4], expected[5]),
                               strict=True):
        for layer, (a, b) in enumerate(zip(got, want, strict=True)):
            if name == "particles" and layer > 0:
                assert_array_equal(a, b, err_msg=f"{name}[{layer}]")
            else:
                assert_allclose(a, b, err_msg=f"{name}[{layer}]", **LOOSE[dtype])
    assert_array_equal(result[5][0], 0.0)


def test_fit_epoch_is_deterministic_and_dtype_independent_in_its_draws():
    """float32 and float64 passes from the same state draw the same chains."""
    results = []
    for dtype in DTYPES:
        rng = np.random.default_rng(11)
        weights, biases = random_dbm(rng, (4, 3), dtype, scale=0.3)
        sizes = [N_VISIBLE, 4, 3]
        X = random_data(rng, 8, N_VISIBLE, dtype, fractional=False)
        particles = binary_states(rng, 3, sizes, dtype)
        streams = row_streams(np.random.RandomState(12), 3)
        results.append(run_fit_epoch(
            X, np.arange(8, dtype=np.int64), 4, weights, biases,
            [np.zeros_like(w) for w in weights], [np.zeros_like(b) for b in biases],
            particles, streams, (0.05, 0.5, 0.0, 1, 5, 0.0),
            [np.full(s, 0.5, dtype=dtype) for s in sizes], np.full(3, 0.01), True, False))
    low, high = results
    assert_array_equal(low[-1], high[-1])
    for a, b in zip(low[4], high[4], strict=True):
        assert_array_equal(a, b)
    for a, b in zip(low[0], high[0], strict=True):
        assert_allclose(a, b, rtol=1e-4, atol=1e-5)


# -- the doubled inputs of pretraining (the RBM kernel) ---------------------------------


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("input_scales", [(2.0, 1.0), (1.0, 2.0), (2.0, 2.0)])
@pytest.mark.parametrize("persistent", [True, False])
@pytest.mark.parametrize("n_gibbs_steps", [1, 2])
@pytest.mark.parametrize("centered", [False, True])
def test_rbm_fit_epoch_with_input_scales(dtype, input_scales, persistent, n_gibbs_steps,
                                         centered):
    """``skgen.rbm._kernels.fit_epoch`` with the input scales of DBM pretraining
    (the last two scalars of ``training``): CD / PCD with the conditionals
    ``P(h | v) = sigmoid(s_h v W.T + c)`` and ``P(v | h) = sigmoid(s_v h W + b)``
    of the reference, and the usual updates."""
    rng = np.random.default_rng(13)
    n_samples, batch_size, n_visible, n_hidden = 13, 5, 6, 4
    X = random_data(rng, n_samples, n_visible, dtype)
    order = rng.permutation(n_samples).astype(np.int64)
    params = tuple((rng.standard_normal(s) * f).astype(dtype)
                   for s, f in (((n_hidden, n_visible), 1.0), (n_hidden, 0.5),
                                (n_visible, 0.5)))
    velocities = tuple((0.1 * rng.standard_normal(p.shape)).astype(dtype) for p in params)
    chains = (rng.random((batch_size, n_hidden)) < 0.5).astype(dtype)
    states = row_streams(np.random.RandomState(14), batch_size)
    centering = None
    if centered:
        centering = (rng.uniform(0.1, 0.9, n_visible).astype(dtype),
                     rng.uniform(0.1, 0.9, n_hidden).astype(dtype), 0.3)
    reference = naive.Streams(states)
    expected = naive.rbm_fit_epoch(X, order, batch_size, *params, *velocities, chains,
                                   reference, 0.1, 0.5, 0.01, n_gibbs_steps, persistent,
                                   centering=centering, input_scales=input_scales)
    check_unambiguous(reference, dtype)
    result, result_states = run_rbm_fit_epoch(
        X, order, batch_size, params, velocities, chains, states, 0.1, 0.5, 0.01,
        n_gibbs_steps, persistent, centering=centering, input_scales=input_scales)
    assert_array_equal(result_states, reference.as_array())
    for got, want in zip(result[:7], expected[:7], strict=True):
        assert got.dtype == dtype
        assert_allclose(got, want, **LOOSE[dtype])
    # The scales matter: the reference without them differs.
    plain = naive.rbm_fit_epoch(X, order, batch_size, *params, *velocities, chains,
                                naive.Streams(states), 0.1, 0.5, 0.01, n_gibbs_steps,
                                persistent, centering=centering)
    assert np.abs(plain[0] - expected[0]).max() > 1e-3


@pytest.mark.parametrize("visible_units, hidden_sizes",
                         [("bernoulli", (4,)), ("bernoulli", (4, 3, 3)),
                          ("gaussian", (4, 3))])
def test_the_pass_scores_the_bound_of_its_rows_before_their_step(hidden_sizes,
                                                                 visible_units):
    """With one mini-batch, the pass's score is the unnormalised bound of every row
    under the parameters it started from, as the estimator computes it."""
    from skgen import DBM

    rng = np.random.default_rng(3)
    X = rng.random((30, N_VISIBLE))
    if visible_units == "bernoulli":
        X = (X < 0.4).astype(np.float64)
    params = {"hidden_layer_sizes": hidden_sizes, "visible_units": visible_units,
              "batch_size": 30, "n_particles": 5, "pretrain_iter": 2,
              "mean_field_max_iter": 3, "random_state": 0}
    start = DBM(n_iter=0, **params).fit(X)
    trained = DBM(n_iter=1, **params).fit(X)
    assert_allclose(trained.train_scores_[0], start._unnormalised_bound(X).mean(),
                    rtol=1e-9)
    assert not np.allclose(trained.components_[0], start.components_[0])
