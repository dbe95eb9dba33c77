"""skgen's RBM kernels against the plain NumPy references of tests/naive.py.

Random draws: the kernels compare ``u < p`` with ``p`` in the model's dtype, and
the references do the same (float32 probabilities are computed in float32). The
probabilities can still differ in their last bits (BLAS vs NumPy summation order,
libm vs NumPy ``exp``, float64 intermediates in the kernels), so a sampled bit
could in principle differ when ``u`` lands within rounding of ``p``. Each
reference records its closest call ``min |u - p|`` and :func:`check_unambiguous`
asserts it is far above that level before results are compared, so a failure
always means a real mismatch (or, with a clear message, an unlucky seed).
"""

import naive
import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from scipy.special import expit

from skgen.rbm import _kernels
from skgen.rbm._units import BernoulliUnits, GaussianUnits, JoinedUnits, SoftmaxUnits
from skgen.utils._random import row_streams

from kernel_checks import (  # isort: skip
    DTYPES,
    TOLERANCES,
    check_unambiguous,
    kernel_args,
    random_data,
    random_model,
)


# -- fit_epoch --------------------------------------------------------------------------


def run_kernel_fit_epoch(X, order, batch_size, params, velocities, chains, states,
                         learning_rate, momentum, weight_decay, n_gibbs_steps,
                         persistent, log_variance=None, log_variance_velocity=None,
                         min_log_variance=None, learn_sigma=False, sparse_density=0.0,
                         weights_order="F", n_labels=0, discriminative_weight=0.0,
                         centering=None, input_scales=(1.0, 1.0)):
    """Run the kernel on copies; return the updated arrays and streams.

    Passing ``log_variance`` makes the visible units Gaussian; the updated
    log-variance and its velocity are then returned after the chains.
    ``weights_order`` is the memory layout of the weights and their velocity:
    Fortran by default, as the estimators keep them (``BaseRBM._initial_state``).
    ``n_labels`` makes the last visible units one softmax group.
    ``centering`` is ``(visible_offset, hidden_offset, rate)``, or None; the
    updated offsets are then returned last. ``input_scales`` are the last two
    scalars of ``training`` (see ``_kernels.fit_epoch``).
    """
    dtype = params[0].dtype.type
    W, c, b = (p.copy() for p in params)
    W = np.asarray(W, order=weights_order)
    vW, vc, vb = (v.copy() for v in velocities)
    vW = np.asarray(vW, order=weights_order)
    chains = chains.copy()
    states = states.copy()
    n_hidden, n_visible = W.shape
    n_chains = chains.shape[0]
    gaussian = log_variance is not None
    if gaussian:
        z, vz = log_variance.copy(), log_variance_velocity.copy()
        units = GaussianUnits(b, vb, z, vz, min_log_variance,
                              dtype(learning_rate if learn_sigma else 0),
                              np.empty(n_visible, dtype=dtype),
                              np.empty(n_visible, dtype=dtype),
                              np.empty((2 * n_chains, n_visible), dtype=dtype))
    elif n_labels:
        n_free = n_visible - n_labels
        units = JoinedUnits(BernoulliUnits(b[:n_free], vb[:n_free]),
                            SoftmaxUnits(b[n_free:], vb[n_free:]))
    else:
        units = BernoulliUnits(b, vb)
    sparse = None
    if sparse_density:
        sparse = (dtype(sparse_density), np.empty((2 * n_chains, n_visible), dtype=np.int64),
                  np.empty(2 * n_chains, dtype=np.int64))
    discriminative = None
    if discriminative_weight:
        discriminative = (dtype(discriminative_weight), b, n_labels,
                          np.empty((n_chains, n_hidden), dtype=dtype),
                          np.empty((n_chains, n_hidden), dtype=dtype),
                          np.empty((n_hidden, n_labels), dtype=dtype),
                          np.empty((2, n_labels)), np.empty((n_labels, n_hidden)))
    offsets = None
    if centering is not None:
        offsets = (centering[0].copy(), centering[1].copy(), dtype(centering[2]))
    _kernels.fit_epoch(
        kernel_args(X), order, batch_size, W, c, units, (vW, vc), chains, states,
        (dtype(learning_rate), dtype(momentum), dtype(weight_decay), n_gibbs_steps,
         persistent, dtype(input_scales[0]), dtype(input_scales[1])),
        sparse, discriminative, offsets,
        (np.empty((2 * n_chains, n_visible), dtype=dtype),
         np.empty((2 * n_chains, n_hidden), dtype=dtype),
         np.empty((2, n_hidden), dtype=dtype),
         np.empty((2, n_visible), dtype=dtype)),
        None,
    )
    result = (W, c, b, vW, vc, vb, chains)
    if gaussian:
        result += (z, vz)
    if centering is not None:
        result += offsets[:2]
    return result, states


def _naive_labelled_epoch(X, batch_size, n_labels, weights, hidden_bias, visible_bias,
                          chains, streams, learning_rate, n_gibbs_steps, persistent):
    """NumPy CD-k / PCD-k over the rows of X in order, with the last ``n_labels``
    visible units sampled as one softmax group, from the same per-row streams."""

    streams = naive.Streams(streams)

    def sample_visible(hidden):
        visible_input = hidden @ weights + visible_bias
        n_free = weights.shape[1] - n_labels
        free = streams.bernoulli(expit(visible_input[:, :n_free]))
        return np.hstack([free, naive.softmax_draw(visible_input[:, n_free:], streams)])

    sample_hidden = streams.bernoulli

    for start in range(0, len(X), batch_size):
        positive = X[start:start + batch_size]
        positive_hidden = expit(positive @ weights.T + hidden_bias)
        if not persistent:
            chains = sample_hidden(positive_hidden)
        for step in range(n_gibbs_steps):
            negative = sample_visible(chains)
            negative_hidden = expit(negative @ weights.T + hidden_bias)
            if persistent or step < n_gibbs_steps - 1:
                chains = sample_hidden(negative_hidden)
        hidden_bias = hidden_bias + learning_rate * (positive_hidden.mean(0)
                                                     - negative_hidden.mean(0))
        visible_bias = visible_bias + learning_rate * (positive.mean(0) - negative.mean(0))
        weights = weights + learning_rate * (positive_hidden.T @ positive / len(positive)
                                             - negative_hidden.T @ negative / len(negative))
    return weights, hidden_bias, visible_bias


@pytest.mark.parametrize("persistent", [False, True])
@pytest.mark.parametrize("sparse_density", [0.0, 1.0])
def test_fit_epoch_with_a_softmax_group_of_labels(persistent, sparse_density):
    """The last visible units as one softmax group: against a NumPy reference
    drawing from the same streams."""
    rng = np.random.RandomState(0)
    n_rows, n_free, n_labels, n_hidden, batch_size = 23, 6, 3, 5, 5
    X = np.hstack([rng.uniform(size=(n_rows, n_free)),
                   np.eye(n_labels)[rng.randint(n_labels, size=n_rows)]])
    weights = rng.standard_normal((n_hidden, n_free + n_labels))
    hidden_bias = rng.standard_normal(n_hidden)
    visible_bias = rng.standard_normal(n_free + n_labels)
    chains = (rng.uniform(size=(batch_size, n_hidden)) < 0.5) * 1.0
    states = row_streams(np.random.RandomState(1), batch_size)
    expected = _naive_labelled_epoch(
        X, batch_size, n_labels, weights, hidden_bias, visible_bias, chains.copy(),
        states.copy(), 0.1, 2, persistent)
    velocities = (np.zeros_like(weights), np.zeros(n_hidden), np.zeros(n_free + n_labels))
    result, _ = run_kernel_fit_epoch(
        X, np.arange(n_rows), batch_size, (weights, hidden_bias, visible_bias),
        velocities, chains, states, 0.1, 0.0, 0.0, 2, persistent,
        sparse_density=sparse_density, n_labels=n_labels)
    for got, want in zip(result[:3], expected, strict=True):
        assert_allclose(got, want, rtol=1e-10, atol=1e-12)


FIT_NAMES = ("weights", "hidden_bias", "visible_bias", "weights_velocity",
             "hidden_velocity", "visible_velocity", "chain_hidden")
OFFSET_NAMES = ("visible_offset", "hidden_offset")


def random_offsets(rng, n_visible, n_hidden, dtype, rate=0.3):
    """(visible offset, hidden offset, rate) for centered training: offsets in
    (0, 1), and a rate large enough for their slide to matter in one epoch."""
    return (rng.uniform(0.1, 0.9, n_visible).astype(dtype),
            rng.uniform(0.1, 0.9, n_hidden).astype(dtype), rate)


def offsets_of(centered):
    return centered["visible_offset"], centered["hidden_offset"]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("persistent", [True, False])
@pytest.mark.parametrize("n_gibbs_steps", [1, 3])
@pytest.mark.parametrize("momentum", [0.0, 0.5])
@pytest.mark.parametrize("weight_decay", [0.0, 0.01])
@pytest.mark.parametrize("n_samples, batch_size, n_visible, n_hidden",
                         [(13, 5, 6, 4), (8, 4, 3, 5)])
@pytest.mark.parametrize("sparse_density", [0.0, 1.0])
@pytest.mark.parametrize("centered", [False, True])
def test_fit_epoch(dtype, persistent, n_gibbs_steps, momentum, weight_decay,
                   n_samples, batch_size, n_visible, n_hidden, sparse_density,
                   centered, weights_order="F"):
    # sparse_density 1 always takes the products that skip zeros; 0 never does.
    # 13 rows in batches of 5: the last mini-batch has 3 rows (and, with PCD,
    # fewer positive than negative rows).
    rng = np.random.default_rng(4)
    X = random_data(rng, n_samples, n_visible, dtype)
    order = rng.permutation(n_samples).astype(np.int64)
    params = random_model(rng, n_hidden, n_visible, dtype)
    velocities = tuple((0.1 * rng.standard_normal(p.shape)).astype(dtype)
                       for p in params)
    chains = (rng.random((batch_size, n_hidden)) < 0.5).astype(dtype)
    states = row_streams(np.random.RandomState(5), batch_size)
    learning_rate = 0.1
    # Offsets away from the data's means, so that their slide shows.
    centering = random_offsets(rng, n_visible, n_hidden, dtype) if centered else None

    reference = naive.Streams(states)
    expected = naive.rbm_fit_epoch(X, order, batch_size, *params, *velocities, chains,
                                   reference, learning_rate, momentum, weight_decay,
                                   n_gibbs_steps, persistent, centering=centering)
    centering_result = expected[-1]
    check_unambiguous(reference, dtype)
    names, expected = FIT_NAMES, expected[:7]
    if centered:
        names += OFFSET_NAMES
        expected += offsets_of(centering_result)

    arguments = (order, batch_size, params, velocities, chains, states,
                 learning_rate, momentum, weight_decay, n_gibbs_steps, persistent)
    layout = dict(sparse_density=sparse_density, weights_order=weights_order,
                  centering=centering)
    result, result_states = run_kernel_fit_epoch(X, *arguments, **layout)
    result_csr, result_csr_states = run_kernel_fit_epoch(sp.csr_matrix(X),
                                                         *arguments, **layout)

    # Dense and CSR input run the same arithmetic on the same gathered rows.
    for name, dense_value, csr_value in zip(names, result, result_csr, strict=True):
        assert_array_equal(dense_value, csr_value, err_msg=name)
    assert_array_equal(result_states, result_csr_states)

    # Every stream consumed exactly the draws of the reference, in its order.
    assert_array_equal(result_states, reference.as_array())
    for name, value, expected_value in zip(names, result, expected, strict=True):
        assert value.dtype == dtype, name
        if name == "weights_velocity" and momentum == 0:
            continue  # without momentum the kernel does not keep this velocity
        if name == "chain_hidden":
            assert_array_equal(value, expected_value, err_msg=name)
        else:
            assert_allclose(value, expected_value, err_msg=name, **TOLERANCES[dtype])


@pytest.mark.parametrize("sparse_density", [0.0, 1.0])
def test_fit_epoch_with_c_ordered_weights(sparse_density):
    # The estimators keep their weights Fortran-ordered (the cases above), but the
    # kernel takes either layout: weights set by hand or restored may be C-ordered.
    # One case per product kind; each layout and dtype is a compilation of its own.
    test_fit_epoch(np.float64, True, 1, 0.5, 0.01, 13, 5, 6, 4, sparse_density,
                   centered=False, weights_order="C")


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("persistent", [True, False])
@pytest.mark.parametrize("n_gibbs_steps", [1, 2])
@pytest.mark.parametrize("momentum", [0.0, 0.5])
@pytest.mark.parametrize("learn_sigma", [False, True])
@pytest.mark.parametrize("n_samples, batch_size, n_visible, n_hidden",
                         [(13, 5, 5, 4), (8, 4, 3, 6)])
@pytest.mark.parametrize("centered", [False, True])
def test_fit_epoch_gaussian(dtype, persistent, n_gibbs_steps, momentum, learn_sigma,
                            n_samples, batch_size, n_visible, n_hidden, centered):
    rng = np.random.default_rng(16)
    X = (2.0 * rng.standard_normal((n_samples, n_visible)) + 1.0).astype(dtype)
    order = rng.permutation(n_samples).astype(np.int64)
    params = random_model(rng, n_hidden, n_visible, dtype, scale=0.5)
    velocities = tuple((0.1 * rng.standard_normal(p.shape)).astype(dtype)
                       for p in params)
    chains = (rng.random((batch_size, n_hidden)) < 0.5).astype(dtype)
    log_variance = (0.5 * rng.standard_normal(n_visible)).astype(dtype)
    log_variance_velocity = (0.1 * rng.standard_normal(n_visible)).astype(dtype)
    # One unit starts at its floor, so that the floor is exercised.
    min_log_variance = np.full(n_visible, -1.0, dtype=dtype)
    log_variance[0] = -1.0
    states = row_streams(np.random.RandomState(17), batch_size)
    learning_rate, weight_decay = 0.05, 0.01
    gaussian = (log_variance, log_variance_velocity, min_log_variance, learn_sigma)
    centering = None
    if centered:  # offsets of x = v / sigma, around the data's
        centering = (rng.uniform(-1.0, 3.0, n_visible).astype(dtype),
                     *random_offsets(rng, n_visible, n_hidden, dtype)[1:])

    reference = naive.Streams(states)
    expected = naive.rbm_fit_epoch(X, order, batch_size, *params, *velocities,
                                   chains, reference, learning_rate, momentum,
                                   weight_decay, n_gibbs_steps, persistent,
                                   *gaussian, centering=centering)
    check_unambiguous(reference, dtype)
    names = (*FIT_NAMES, "log_variance", "log_variance_velocity")
    centering_result, expected = expected[-1], expected[:9]
    if centered:
        names += OFFSET_NAMES
        expected += offsets_of(centering_result)

    arguments = (order, batch_size, params, velocities, chains, states,
                 learning_rate, momentum, weight_decay, n_gibbs_steps, persistent,
                 *gaussian)
    result, result_states = run_kernel_fit_epoch(X, *arguments, centering=centering)
    result_csr, _ = run_kernel_fit_epoch(sp.csr_matrix(X), *arguments,
                                         centering=centering)

    for name, dense_value, csr_value in zip(names, result, result_csr, strict=True):
        assert_array_equal(dense_value, csr_value, err_msg=name)
    assert_array_equal(result_states, reference.as_array())
    # The kernel works in units of v / sigma, the reference in v: the same
    # arithmetic in another order, so float32 needs a looser tolerance.
    tolerance = dict(rtol=2e-4, atol=2e-5) if dtype == np.float32 else \
        dict(rtol=1e-10, atol=1e-11)
    for name, value, expected_value in zip(names, result, expected, strict=True):
        assert value.dtype == dtype, name
        if name == "weights_velocity" and momentum == 0:
            continue
        if name == "chain_hidden":
            assert_array_equal(value, expected_value, err_msg=name)
        else:
            assert_allclose(value, expected_value, err_msg=name, **tolerance)
    if not learn_sigma:
        assert_array_equal(result[7], log_variance)
    assert (result[7] >= min_log_variance).all()


def centered_free_energy(X, centered, sigma=None):
    """F(v) of the centered energy of ``naive.rbm_fit_epoch``'s centered
    parameters: with x = v (or v / sigma) and ``a = c' + W (x - mu)``,
    ``-b'.(x - mu)`` (or ``|v - b'|**2 / (2 sigma**2)``) ``+ lam.a - sum_j
    softplus(a_j)``, summing ``exp((h - lam).a)`` over h."""
    W, b, c = centered["weights"], centered["visible_bias"], centered["hidden_bias"]
    mu, lam = centered["visible_offset"], centered["hidden_offset"]
    x = X if sigma is None else X / sigma
    activation = (x - mu) @ W.T + c
    if sigma is None:
        visible_term = -(x - mu) @ b
    else:
        visible_term = (((X - b) / sigma) ** 2).sum(axis=1) / 2
    return visible_term + activation @ lam - naive.softplus(activation).sum(axis=1)


@pytest.mark.parametrize("gaussian", [False, True])
@pytest.mark.parametrize("persistent", [False, True])
def test_centered_training_keeps_the_ordinary_energy(gaussian, persistent):
    """The ordinary parameters that centered training stores describe the model
    of the reference's centered parameters and offsets: their free energies
    differ by one constant over all visible states."""
    rng = np.random.default_rng(31)
    n_samples, batch_size, n_visible, n_hidden = 30, 6, 5, 4
    if gaussian:
        X = rng.standard_normal((n_samples, n_visible)) + 1.0
    else:
        X = random_data(rng, n_samples, n_visible, np.float64, fractional=False)
    params = random_model(rng, n_hidden, n_visible, np.float64, scale=0.5)
    velocities = tuple(np.zeros_like(p) for p in params)
    chains = (rng.random((batch_size, n_hidden)) < 0.5) * 1.0
    centering = random_offsets(rng, n_visible, n_hidden, np.float64, rate=0.2)
    extra = {}
    if gaussian:
        log_variance = 0.4 * rng.standard_normal(n_visible)
        extra = dict(log_variance=log_variance,
                     log_variance_velocity=np.zeros(n_visible),
                     min_log_variance=np.full(n_visible, -3.0), learn_sigma=True)
    states = row_streams(np.random.RandomState(32), batch_size)
    reference = naive.Streams(states)
    expected = naive.rbm_fit_epoch(X, np.arange(n_samples), batch_size, *params,
                                   *velocities, chains, reference, 0.1, 0.5, 0.01, 1,
                                   persistent, centering=centering, **extra)
    check_unambiguous(reference, np.float64)
    result, _ = run_kernel_fit_epoch(X, np.arange(n_samples), batch_size, params,
                                     velocities, chains, states, 0.1, 0.5, 0.01, 1,
                                     persistent, centering=centering, **extra)
    W, c, b = result[:3]
    if gaussian:
        V = rng.standard_normal((50, n_visible))
        sigma = np.exp(result[7] / 2)
        ordinary = naive.gaussian_free_energy(V, W, c, b, sigma)
    else:
        V = naive.all_binary_states(n_visible)
        sigma = None
        ordinary = naive.free_energy(V, W, c, b)
    difference = ordinary - centered_free_energy(V, expected[-1], sigma)
    assert_allclose(difference, difference[0], rtol=0, atol=1e-10)
    # Not trivially: the centered parameters are not the ordinary ones.
    assert np.abs(expected[-1]["hidden_bias"] - c).min() > 1e-3


@pytest.mark.parametrize("dtype", DTYPES)
def test_fit_epoch_moves_parameters_towards_data(dtype):
    # A sanity check independent of the reference: a few PCD epochs on data
    # where unit 0 is always on raise its visible bias.
    rng = np.random.default_rng(6)
    X = random_data(rng, 20, 4, dtype, fractional=False)
    X[:, 0] = 1
    W = np.zeros((3, 4), dtype=dtype)
    c = np.zeros(3, dtype=dtype)
    b = np.zeros(4, dtype=dtype)
    velocities = (np.zeros_like(W), np.zeros_like(c), np.zeros_like(b))
    chains = np.zeros((5, 3), dtype=dtype)
    states = row_streams(np.random.RandomState(0), 5)
    for _ in range(5):
        (W, c, b, *velocities, chains), states = run_kernel_fit_epoch(
            X, np.arange(20, dtype=np.int64), 5, (W, c, b), velocities, chains,
            states, 0.1, 0.0, 0.0, 1, True)
    assert b[0] > 0.5


# -- gibbs_chains -----------------------------------------------------------------------


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n_steps", [1, 3])
@pytest.mark.parametrize("n_chains, n_visible, n_hidden", [(1, 1, 1), (6, 5, 3),
                                                           (4, 3, 7)])
def test_gibbs_chains(dtype, n_steps, n_chains, n_visible, n_hidden):
    rng = np.random.default_rng(7)
    W, c, b = random_model(rng, n_hidden, n_visible, dtype)
    visible = (rng.random((n_chains, n_visible)) < 0.5).astype(dtype)
    states = row_streams(np.random.RandomState(8), n_chains)

    reference = naive.Streams(states)
    expected_visible, expected_hidden = naive.gibbs_chains(visible, W, c, b,
                                                           reference, n_steps)
    check_unambiguous(reference, dtype)

    hidden = np.empty((n_chains, n_hidden), dtype=dtype)
    _kernels.gibbs_chains(visible, W, c, BernoulliUnits(b, np.zeros_like(b)), states,
                          n_steps, hidden)
    assert_array_equal(visible, expected_visible)
    assert_array_equal(hidden, expected_hidden)
    assert_array_equal(states, reference.as_array())


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n_steps", [1, 3])
@pytest.mark.parametrize("n_chains, n_visible, n_hidden", [(1, 1, 1), (6, 5, 3),
                                                           (4, 4, 7)])
def test_gibbs_chains_gaussian(dtype, n_steps, n_chains, n_visible, n_hidden):
    rng = np.random.default_rng(18)
    W, c, b = random_model(rng, n_hidden, n_visible, dtype, scale=0.5)
    sigma = np.exp(0.3 * rng.standard_normal(n_visible)).astype(dtype)
    visible = rng.standard_normal((n_chains, n_visible)).astype(dtype)
    states = row_streams(np.random.RandomState(19), n_chains)

    reference = naive.Streams(states)
    expected_visible, expected_hidden = naive.gibbs_chains(visible, W, c, b,
                                                           reference, n_steps, sigma)
    check_unambiguous(reference, dtype)

    # The kernel runs in scaled units x = v / sigma.
    scaled = visible / sigma
    hidden = np.empty((n_chains, n_hidden), dtype=dtype)
    units = GaussianUnits(b, np.zeros_like(b), 2 * np.log(sigma), np.zeros_like(b),
                          np.full_like(b, -np.inf), dtype(0), np.empty_like(b),
                          np.empty_like(b), np.empty((0, n_visible), dtype=dtype))
    _kernels.gibbs_chains(scaled, W, c, units, states, n_steps, hidden)
    assert_allclose(scaled * sigma, expected_visible, **TOLERANCES[dtype])
    assert_array_equal(hidden, expected_hidden)
    assert_array_equal(states, reference.as_array())


# -- free energy and pseudo-likelihood -----------------------------------------------------


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n_samples, n_visible, n_hidden", [(1, 1, 1), (7, 5, 3),
                                                            (4, 2, 9)])
@pytest.mark.parametrize("scale", [1.0, 30.0])
def test_free_energy(dtype, n_samples, n_visible, n_hidden, scale):
    rng = np.random.default_rng(9)
    X = random_data(rng, n_samples, n_visible, dtype)
    W, c, b = random_model(rng, n_hidden, n_visible, dtype, scale)
    # The estimator's inputs: v @ W.T + c in the model's dtype, b.v in float64.
    hidden_input = np.ascontiguousarray(X @ W.T + c)
    visible_term = (X @ b).astype(np.float64)
    expected = naive.free_energy(X, W, c, b)
    result = _kernels.free_energy_from_hidden_input(hidden_input, visible_term)
    assert result.dtype == np.float64
    # float32 inputs are rounded to float32 (and, in the kernel, so is each
    # softplus term), hence a float32-level tolerance.
    assert_allclose(result, expected, **TOLERANCES[dtype])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n_samples, n_visible, n_hidden", [(1, 1, 1), (7, 5, 3),
                                                            (6, 2, 9)])
@pytest.mark.parametrize("scale", [1.0, 30.0])
def test_pseudo_likelihood(dtype, n_samples, n_visible, n_hidden, scale):
    rng = np.random.default_rng(10)
    X = random_data(rng, n_samples, n_visible, dtype)  # some values fractional
    W, c, b = random_model(rng, n_hidden, n_visible, dtype, scale)
    flipped = rng.integers(0, n_visible, n_samples)
    values = X[np.arange(n_samples), flipped].astype(np.float64)
    hidden_input = np.ascontiguousarray(X @ W.T + c)
    expected = naive.pseudo_likelihood(X, W, c, b, flipped)
    result = _kernels.pseudo_likelihood_from_hidden_input(hidden_input, W, b,
                                                          flipped, values)
    assert result.dtype == np.float64
    assert (result <= 0).all()
    tolerance = dict(rtol=1e-4, atol=1e-4 * scale) if dtype == np.float32 else \
        dict(rtol=1e-10, atol=1e-10)
    assert_allclose(result, expected, **tolerance)


# -- products that skip zeros -------------------------------------------------------------


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("n_rows, n_visible, n_hidden", [(1, 1, 1), (5, 7, 3), (4, 2, 6)])
def test_sparse_products(dtype, order, n_rows, n_visible, n_hidden):
    rng = np.random.default_rng(23)
    visible = random_data(rng, n_rows, n_visible, dtype)
    visible[0] = 0  # an empty row
    weights = np.asarray(rng.standard_normal((n_hidden, n_visible)), dtype=dtype,
                         order=order)
    indices = np.full((n_rows, n_visible), -1, dtype=np.int64)
    counts = np.empty(n_rows, dtype=np.int64)
    total = _kernels.nonzero_columns(visible, indices, counts)
    assert total == np.count_nonzero(visible)
    for r in range(n_rows):
        assert_array_equal(indices[r, :counts[r]], np.flatnonzero(visible[r]))

    out = np.full((n_rows, n_hidden), np.nan, dtype=dtype)
    _kernels.sparse_hidden_input(visible, indices, counts, weights, out)
    assert_allclose(out, visible @ weights.T, **TOLERANCES[dtype])

    hidden = rng.standard_normal((n_rows, n_hidden)).astype(dtype)
    expected = weights + dtype(0.5) * (hidden.T @ visible)
    _kernels.sparse_weight_update(visible, indices, counts, hidden, dtype(0.5), weights)
    assert_allclose(weights, expected, **TOLERANCES[dtype])
