"""The per-row SplitMix64 streams of skgen.utils._random against a pure-Python
reference (tests/naive.py)."""

import naive
import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy import stats

from skgen.utils._numba import kernel
from skgen.utils._random import (
    absorb,
    advance,
    content_streams,
    keyed_streams,
    normal_row,
    row_streams,
    uniform,
    uniform_at,
)


@kernel
def uniform_rows(states, out):
    """Fill row i of ``out`` with the next uniforms of stream i."""
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = uniform(states[i], j)
        states[i] = advance(states[i], out.shape[1])


@kernel
def _normal_rows(states, out):
    for i in range(out.shape[0]):
        states[i] = normal_row(states[i], out[i])


def _inverse_xorshift_right(y, shift):
    z = y
    for _ in range(64 // shift + 1):
        z = y ^ (z >> shift)
    return z


def _inverse_mix(z):
    """The counter whose SplitMix64 output is ``z`` (the mix is a bijection)."""
    z = _inverse_xorshift_right(z, 31)
    z = (z * pow(naive.MIX_2, -1, 1 << 64)) & naive.MASK64
    z = _inverse_xorshift_right(z, 27)
    z = (z * pow(naive.MIX_1, -1, 1 << 64)) & naive.MASK64
    return _inverse_xorshift_right(z, 30)


def test_reference_matches_published_splitmix64():
    # First outputs of Vigna's splitmix64.c seeded with 1234567, the usual test
    # vector: anchors the reference itself to the published generator.
    state = 1234567
    outputs = []
    for _ in range(5):
        state, z = naive.splitmix64_next(state)
        outputs.append(z)
    assert outputs == [
        6457827717110365317,
        3203168211198807973,
        9817491932198370423,
        4593380528125082431,
        16408922859458223821,
    ]


def test_inverse_mix_helper():
    for z in (0, 1, 12345, naive.MASK64, 0x8000000000000000):
        assert naive.splitmix64_mix(_inverse_mix(z)) == z


@pytest.mark.parametrize("shape", [(1, 1), (1, 17), (5, 3), (7, 64)])
@pytest.mark.parametrize("seed", [0, 1, 2**32 - 1])
def test_uniform_rows_match_reference_exactly(shape, seed):
    states = row_streams(np.random.RandomState(seed), shape[0])
    reference = naive.Streams(states)
    expected = reference.uniform_rows(*shape)

    kernel_states = states.copy()
    out = np.empty(shape)
    uniform_rows(kernel_states, out)

    assert_array_equal(out, expected)
    assert_array_equal(kernel_states, reference.as_array())


def test_states_wrap_around_modulo_2_64():
    states = np.array([2**64 - 1, 2**64 - naive.GOLDEN_GAMMA, 0], dtype=np.uint64)
    reference = naive.Streams(states)
    expected = reference.uniform_rows(3, 4)
    out = np.empty((3, 4))
    uniform_rows(states, out)
    assert_array_equal(out, expected)
    assert_array_equal(states, reference.as_array())


def test_uniform_at_and_advance_match_reference():
    rng = np.random.RandomState(3)
    for counter in row_streams(rng, 20):
        expected = naive.uniform_from_bits(naive.splitmix64_mix(int(counter)))
        assert uniform_at(counter) == expected
        for n_draws in (0, 1, 7, 10**6):
            expected_counter = (int(counter) + n_draws * naive.GOLDEN_GAMMA) & naive.MASK64
            assert int(advance(counter, n_draws)) == expected_counter


def test_uniform_extremes_stay_in_unit_interval():
    # Counters whose mixed output is all zeros / all ones give the extreme uniforms.
    lowest = uniform_at(np.uint64(_inverse_mix(0)))
    highest = uniform_at(np.uint64(_inverse_mix(naive.MASK64)))
    assert lowest == 0.0
    assert highest == 1.0 - 2.0**-52
    assert highest < 1.0


@pytest.fixture(scope="module")
def many_uniforms():
    states = row_streams(np.random.RandomState(0), 10)
    out = np.empty((10, 10_000))
    uniform_rows(states, out)
    return out


def test_uniforms_in_unit_interval(many_uniforms):
    assert many_uniforms.min() >= 0.0
    assert many_uniforms.max() < 1.0


def test_uniforms_look_uniform(many_uniforms):
    # 100,000 draws; a fixed seed makes this deterministic.
    result = stats.kstest(many_uniforms.ravel(), "uniform")
    assert result.pvalue > 1e-3
    for row in many_uniforms:  # every stream on its own, too
        assert stats.kstest(row, "uniform").pvalue > 1e-4
    # Lag-1 correlation inside a stream.
    flat = many_uniforms[0]
    assert abs(np.corrcoef(flat[:-1], flat[1:])[0, 1]) < 0.05


def test_different_rows_differ(many_uniforms):
    n_rows = many_uniforms.shape[0]
    for i in range(n_rows):
        for j in range(i + 1, n_rows):
            assert not np.any(many_uniforms[i, :100] == many_uniforms[j, :100])
    correlation = np.corrcoef(many_uniforms)
    off_diagonal = correlation[~np.eye(n_rows, dtype=bool)]
    assert np.abs(off_diagonal).max() < 0.05


def test_row_streams_reproducible():
    a = row_streams(np.random.RandomState(42), 8)
    b = row_streams(np.random.RandomState(42), 8)
    c = row_streams(np.random.RandomState(43), 8)
    assert a.dtype == np.uint64 and a.shape == (8,)
    assert_array_equal(a, b)
    assert len(set(a.tolist())) == 8
    assert not np.array_equal(a, c)

    out_a, out_b = np.empty((8, 5)), np.empty((8, 5))
    uniform_rows(a, out_a)
    uniform_rows(b, out_b)
    assert_array_equal(out_a, out_b)


def advance_all(states, n_draws):
    return np.array([advance(state, n_draws) for state in states], dtype=np.uint64)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_normal_rows_match_box_muller_reference(dtype):
    """Both dtypes draw the reference's normals, each to its own precision."""
    states = row_streams(np.random.RandomState(4), 6)
    reference = naive.Streams(states.copy()).normal(6, 500)
    out = np.empty((6, 500), dtype=dtype)
    _normal_rows(states, out)
    if dtype == np.float64:
        assert_allclose(out, reference, rtol=0, atol=1e-13)
    else:
        # 1 - u1 rounded to float32 moves the radius by about 1e-7 / radius.
        assert_allclose(out, reference, rtol=2e-6, atol=5e-5)
    assert_array_equal(states, advance_all(row_streams(np.random.RandomState(4), 6), 500))


def test_float32_normals_are_standard_normal():
    out = np.empty((40, 5000), dtype=np.float32)
    _normal_rows(row_streams(np.random.RandomState(5), 40), out)
    assert np.all(np.isfinite(out))
    result = stats.kstest(out.ravel().astype(np.float64), "norm")
    assert result.pvalue > 1e-3


def test_uniform_is_draw_index_of_the_stream():
    for counter in row_streams(np.random.RandomState(7), 5):
        for index in (0, 1, 5, 1000):
            expected_state = (int(counter) + (index + 1) * naive.GOLDEN_GAMMA) & naive.MASK64
            expected = naive.uniform_from_bits(naive.splitmix64_mix(expected_state))
            assert uniform(counter, index) == expected


def test_absorb_folds_a_word_into_the_state():
    state, word = 0x0123456789ABCDEF, 0xFEDCBA9876543210
    expected = (((state ^ word ^ (word >> 32)) * naive.GOLDEN_GAMMA) + 3) & naive.MASK64
    assert int(absorb(np.uint64(state), np.uint64(word), 3)) == expected
    # Different words, positions or seeds give different states.
    assert absorb(np.uint64(state), np.uint64(word), 4) != absorb(
        np.uint64(state), np.uint64(word), 3)
    assert absorb(np.uint64(state + 1), np.uint64(word), 3) != absorb(
        np.uint64(state), np.uint64(word), 3)


def test_content_streams_depend_on_the_seed_and_the_row_only():
    rng = np.random.RandomState(0)
    X = rng.randint(0, 5, size=(6, 5)) / 4  # exact in float32
    X[3] = X[1]
    X[4, :] = 0.0
    X[5, :] = -0.0

    def streams(data, seed):
        out = np.empty(data.shape[0], dtype=np.uint64)
        content_streams(data, np.empty(0, dtype=data.dtype),
                                 np.empty(0, dtype=np.int64),
                                 np.empty(0, dtype=np.int64), np.uint64(seed),
                                 np.empty(data.shape[1]), out)
        return out

    out = streams(X, 7)
    assert out[1] == out[3] and out[4] == out[5]
    assert len(set(out[[0, 1, 2, 4]])) == 4
    assert_array_equal(streams(X[::-1], 7), out[::-1])
    assert_array_equal(streams(X.astype(np.float32), 7), out)
    assert not np.any(streams(X, 8) == out)


def test_keyed_streams_follow_the_rows_and_the_seed():
    keys = np.array([[0.0, 1.0], [1.0, 1.0], [0.0, 1.0]])
    out = keyed_streams(keys, 3, np.random.RandomState(0))
    assert out.shape == (9,)
    assert_array_equal(out[:3], out[6:])  # equal rows, equal streams
    assert len(set(out[:6])) == 6  # distinct across rows and stream numbers
    assert_array_equal(keyed_streams(keys[1:2], 3, np.random.RandomState(0)), out[3:6])
    assert not np.any(keyed_streams(keys, 3, np.random.RandomState(1)) == out)

