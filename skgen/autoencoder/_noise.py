"""Noise models of denoising autoencoders, chosen by integer code.

Each model corrupts a batch row by row, row i drawing from stream i
(``skgen.utils._random``; Gaussian draws in its ``normal_row`` layout), so that
float32 and float64 models make the same draws.
Adding a model means adding a row function and its branch in ``corrupt_rows``.
"""

import numpy as np

from ..utils._numba import inline_kernel, kernel
from ..utils._random import advance, normal_row, uniform

#: The names accepted by ``DenoisingAE(noise=...)``, and their codes.
NOISE_MODELS = {"gaussian": 1, "masking": 2, "salt_and_pepper": 3}
NO_NOISE = 0
GAUSSIAN = NOISE_MODELS["gaussian"]
MASKING = NOISE_MODELS["masking"]
SALT_AND_PEPPER = NOISE_MODELS["salt_and_pepper"]


@inline_kernel
def _mask_row(clean, out, level, counter):
    """Each value is set to 0 with probability ``level``."""
    zero = out.dtype.type(0.0)
    for j in range(out.shape[0]):
        out[j] = zero if uniform(counter, j) < level else clean[j]
    return advance(counter, out.shape[0])


@inline_kernel
def _salt_and_pepper_row(clean, out, level, counter):
    """Each value is set to 0 or 1, at even odds, with probability ``level``."""
    zero = out.dtype.type(0.0)
    one = out.dtype.type(1.0)
    half = 0.5 * level
    for j in range(out.shape[0]):
        u = uniform(counter, j)
        if u < half:
            out[j] = zero
        elif u < level:
            out[j] = one
        else:
            out[j] = clean[j]
    return advance(counter, out.shape[0])


@inline_kernel
def _gaussian_row(clean, out, level, counter, normals):
    """Each value gets independent N(0, level**2) noise added.

    ``normals`` is float64 scratch of even length, at least the row's.
    """
    counter = normal_row(counter, normals)
    for j in range(out.shape[0]):
        out[j] = clean[j] + out.dtype.type(level * normals[j])
    return counter


@kernel
def corrupt_rows(noise, level, clean, out, streams):
    """``out = C(clean)`` for the noise model ``noise`` at ``level`` (a float64),
    row i drawing from ``streams[i]``."""
    n_features = out.shape[1]
    normals = np.empty(n_features + n_features % 2 if noise == GAUSSIAN else 0)
    for i in range(out.shape[0]):
        if noise == GAUSSIAN:
            streams[i] = _gaussian_row(clean[i], out[i], level, streams[i], normals)
        elif noise == MASKING:
            streams[i] = _mask_row(clean[i], out[i], level, streams[i])
        elif noise == SALT_AND_PEPPER:
            streams[i] = _salt_and_pepper_row(clean[i], out[i], level, streams[i])
        else:
            out[i] = clean[i]
