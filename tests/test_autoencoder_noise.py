"""The noise models of skgen.autoencoder._noise against independent random
streams (tests/naive_autoencoder.py)."""

import naive
import naive_autoencoder as ref
import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from skgen.autoencoder._noise import NOISE_MODELS
from skgen.utils._random import row_streams


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("noise", sorted(NOISE_MODELS))
def test_corruption_matches_reference_streams(noise, dtype):
    rng = np.random.RandomState(0)
    clean = rng.uniform(size=(6, 7)).astype(dtype)
    states = row_streams(rng, 6)
    streams = states.copy()
    out = np.empty_like(clean)
    NOISE_MODELS[noise](clean, out, 0.4, streams)
    reference_streams = naive.Streams(states)
    expected = ref.corrupt(noise, 0.4, clean, reference_streams)
    eps = np.finfo(dtype).eps
    assert_allclose(out, expected, rtol=2 * eps, atol=4 * eps)
    assert_array_equal(streams, reference_streams.as_array())
    if noise != "gaussian":
        changed = out != clean
        assert 0 < changed.mean() < 0.8
