"""Counter-based random streams that Numba kernels advance, one stream per row.

Each row of a chain (or each sample of a batch) owns a 64-bit SplitMix64 state.
Draws therefore depend only on the row, never on how many threads run or on the
dtype of the data: a float32 and a float64 model seeded alike compare the same
uniforms with their probabilities.

The API, for kernels: ``uniform(stream, index)`` is draw ``index`` (from 0) of
the stream whose state is ``stream``, and ``advance(stream, n_draws)`` the state
after ``n_draws`` draws; ``normal_row`` fills a row with standard normals and
``sample_probabilities`` draws Bernoulli rows. Streams come from a RandomState
(``row_streams``) or, keyed by data, from a seed and 64-bit words
(``absorb``). How the state advances is private to this module.
"""

import numpy as np
from numba import types
from numba.extending import overload

from ._batches import gather_rows
from ._numba import (
    cos_sin_turns,
    cos_sin_turns_float32,
    float64_as_uint64_bits,
    inline_kernel,
    kernel,
    log_float32,
    log_float64,
    uint64_bits_as_float64,
)

_GOLDEN_GAMMA = np.uint64(0x9E3779B97F4A7C15)
_MIX_1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX_2 = np.uint64(0x94D049BB133111EB)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S12 = np.uint64(12)
_S32 = np.uint64(32)
_EXPONENT_OF_ONE = np.uint64(0x3FF0000000000000)


def row_streams(random_state, n_rows):
    """Draw the states of `n_rows` independent streams from a RandomState."""
    return random_state.randint(
        0, np.iinfo(np.uint64).max, size=n_rows, dtype=np.uint64
    )


def extend_streams(streams, random_state, n_rows):
    """``streams`` followed by new streams drawn from ``random_state``, so that
    there are at least ``n_rows`` (the same array when there are)."""
    if streams.shape[0] >= n_rows:
        return streams
    return np.concatenate([streams, row_streams(random_state, n_rows - streams.shape[0])])


@inline_kernel
def uniform_at(counter):
    """The uniform in [0, 1), with 52 random bits, that a stream gives at `counter`.

    The bits fill the mantissa of a float64 in [1, 2); subtracting 1 is exact.
    Unlike an integer-to-float conversion, this vectorises on AVX2.
    """
    z = counter
    z = (z ^ (z >> _S30)) * _MIX_1
    z = (z ^ (z >> _S27)) * _MIX_2
    z = z ^ (z >> _S31)
    return uint64_bits_as_float64((z >> _S12) | _EXPONENT_OF_ONE) - 1.0


@inline_kernel
def uniform(stream, index):
    """Draw ``index`` (from 0) of the stream whose state is ``stream``: a uniform
    in [0, 1). A row that takes n draws reads indices 0 to n - 1, then moves its
    state on with ``advance(stream, n)``."""
    return uniform_at(stream + np.uint64(index + 1) * _GOLDEN_GAMMA)


@inline_kernel
def advance(counter, n_draws):
    """The state of a stream after ``n_draws`` draws from state ``counter``."""
    return counter + np.uint64(n_draws) * _GOLDEN_GAMMA


@inline_kernel
def absorb(state, word, index):
    """A stream state derived from ``state`` and the 64-bit ``word`` at position
    ``index``: folding the words of a key in, one by one, from a seed gives a
    stream that depends only on the seed and the key."""
    return (state ^ word ^ (word >> _S32)) * _GOLDEN_GAMMA + np.uint64(index)


@inline_kernel
def normal_pair(v, turns):
    """Two independent standard normals by Box-Muller: ``sqrt(-2 log v)`` times
    the cosine and the sine of ``2 pi turns``, for ``v`` in (0, 1] and ``turns``
    in [0, 1), in float64.

    The logarithm, sine and cosine are polynomial (see ``_numba``), so that a
    loop drawing normals vectorises; they agree with libm to about 1e-15.
    """
    radius = np.sqrt(-2.0 * log_float64(v))
    cosine, sine = cos_sin_turns(turns)
    return radius * cosine, radius * sine


@inline_kernel
def normal_pair_float32(v, turns):
    """``normal_pair`` in float32 arithmetic: twice the SIMD lanes, about 1e-6
    relative accuracy."""
    radius = np.sqrt(np.float32(-2.0) * log_float32(v))
    cosine, sine = cos_sin_turns_float32(turns)
    return radius * cosine, radius * sine


def _normal_row_kernel(pair, dtype):
    def fill(counter, out):
        half = out.shape[0] // 2
        for p in range(half):
            u1 = uniform(counter, 2 * p)
            u2 = uniform(counter, 2 * p + 1)
            first, second = pair(dtype(1.0 - u1), dtype(u2))
            out[p] = first
            out[half + p] = second
        return advance(counter, 2 * half)

    return kernel(fill)


_normal_row_float32 = _normal_row_kernel(normal_pair_float32, np.float32)
_normal_row_float64 = _normal_row_kernel(normal_pair, np.float64)


def normal_row(counter, out):
    """Fill ``out`` (of even length 2m) with standard normals; return the new counter.

    Pair p takes the stream's uniforms u1 = 2p + 1 and u2 = 2p + 2 after
    ``counter``; its cosine goes to ``out[p]`` and its sine to ``out[m + p]``.
    Two contiguous outputs, rather than interleaved ones, let the loop vectorise.
    The pair is computed in the dtype of ``out`` (float32 or float64) from
    ``1 - u1`` (exact in float64, then rounded, so never 0) and ``u2``: float32
    and float64 rows hold the same draws, to float32 precision. Only callable
    from Numba-compiled code.
    """
    raise NotImplementedError("normal_row is only callable from Numba-compiled code")


@overload(normal_row, jit_options={"cache": True, "error_model": "numpy"})
def _normal_row_impl(counter, out):
    if out.dtype == types.float32:
        return lambda counter, out: _normal_row_float32(counter, out)
    if out.dtype == types.float64:
        return lambda counter, out: _normal_row_float64(counter, out)
    return None


#: Streams per block of ``normal_columns``: bounds its temporaries.
_NORMAL_BLOCK_STREAMS = 256


def normal_columns(streams, n_rows):
    """NumPy twin of ``normal_row`` for one-off setup: the Fortran-ordered float64
    (n_rows, len(streams)) array whose column i holds the first ``n_rows`` of
    the normals that ``normal_row`` writes from ``streams[i]`` into a row of
    length ``n_rows + n_rows % 2``. It agrees with the kernel to about 1e-15
    (libm's log, cos and sin in place of the polynomials), and compiles nothing.
    """
    half = (n_rows + 1) // 2
    # Draw k (from 0) of a stream is uniform_at(state + (k + 1) * gamma); NumPy's
    # uint64 arithmetic on arrays wraps modulo 2**64, as the kernels' does.
    steps = np.arange(1, 2 * half + 1, dtype=np.uint64) * _GOLDEN_GAMMA
    out = np.empty((len(streams), n_rows))
    for start in range(0, len(streams), _NORMAL_BLOCK_STREAMS):
        block = np.asarray(streams[start:start + _NORMAL_BLOCK_STREAMS], dtype=np.uint64)
        z = block[:, None] + steps[None, :]
        z = (z ^ (z >> _S30)) * _MIX_1
        z = (z ^ (z >> _S27)) * _MIX_2
        z = z ^ (z >> _S31)
        uniforms = ((z >> _S12) | _EXPONENT_OF_ONE).view(np.float64) - 1.0
        radius = np.sqrt(-2.0 * np.log(1.0 - uniforms[:, 0::2]))
        angle = (2.0 * np.pi) * uniforms[:, 1::2]
        pairs = np.concatenate([radius * np.cos(angle), radius * np.sin(angle)], axis=1)
        out[start:start + len(block)] = pairs[:, :n_rows]
    return out.T


@kernel
def sample_probabilities(probabilities, out, streams):
    """``out = (u < probabilities)``, u from the stream of each row."""
    one = out.dtype.type(1.0)
    zero = out.dtype.type(0.0)
    for i in range(probabilities.shape[0]):
        row = probabilities[i]
        out_row = out[i]
        counter = streams[i]
        for j in range(row.shape[0]):
            out_row[j] = one if uniform(counter, j) < row[j] else zero
        streams[i] = advance(counter, row.shape[0])


def keyed_streams(keys, n_streams, random_state):
    """``n_streams`` stream states for each row of ``keys``, in row order, each
    keyed by one seed drawn from ``random_state``, the row's values and the
    stream's number (``content_streams``): so a row's streams depend neither
    on the other rows nor on its position."""
    return seeded_keyed_streams(keys, n_streams, row_streams(random_state, 1)[0])


def seeded_keyed_streams(keys, n_streams, seed):
    """:func:`keyed_streams` with its seed given: chunks of rows that share one
    seed get the streams of the whole."""
    keys = np.asarray(keys, dtype=np.float64)
    numbered = np.empty((keys.shape[0] * n_streams, keys.shape[1] + 1))
    numbered[:, :-1] = np.repeat(keys, n_streams, axis=0)
    numbered[:, -1] = np.tile(np.arange(n_streams, dtype=np.float64), keys.shape[0])
    out = np.empty(numbered.shape[0], dtype=np.uint64)
    content_streams(numbered, np.empty(0), np.empty(0, dtype=np.int64),
                    np.empty(0, dtype=np.int64), seed, np.empty(numbered.shape[1]), out)
    return out


def copy_random_state(rng):
    """An independent RandomState in the same state as ``rng``."""
    copy = np.random.RandomState()
    copy.set_state(rng.get_state())
    return copy


@kernel
def content_streams(dense, data, indices, indptr, seed, row, out):
    """``out[i]``: a stream state that depends only on ``seed`` and the values of
    row i of X (dense, or CSR when ``dense`` is empty).

    So a Monte Carlo estimate of a row (its codes) does not depend on the row's
    position, on the other rows, nor, for values exact in float32, on the dtype.
    ``row`` is scratch for one row, float64.
    """
    one_row = row.reshape((1, row.shape[0]))
    order = np.arange(out.shape[0])
    for i in range(out.shape[0]):
        gather_rows(dense, data, indices, indptr, order, i, one_row)
        state = seed
        for j in range(row.shape[0]):
            value = row[j] + 0.0  # one bit pattern for zero: -0.0 + 0.0 is 0.0
            bits = float64_as_uint64_bits(value)
            state = absorb(state, bits, j)
        out[i] = state
