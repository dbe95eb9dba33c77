"""Noise models of denoising autoencoders: one piece per model.

A piece is a compiled function ``corrupt(clean, out, level, streams)`` that
writes the corruption of each row of ``clean`` into ``out``, at ``level`` (a
float64), row i drawing from stream i (``skgen.utils._random``; Gaussian draws
in its ``normal_row`` layout), so that float32 and float64 models make the same
draws. The training and sampling kernels are built with the chosen piece.
Adding a noise model means adding its piece to ``NOISE_MODELS``.
"""

import numpy as np

from ..utils._numba import kernel
from ..utils._random import advance, normal_row, uniform


@kernel
def masking_noise(clean, out, level, streams):
    """Each value is set to 0 with probability ``level``."""
    zero = out.dtype.type(0.0)
    n_features = out.shape[1]
    for i in range(out.shape[0]):
        counter = streams[i]
        for j in range(n_features):
            out[i, j] = zero if uniform(counter, j) < level else clean[i, j]
        streams[i] = advance(counter, n_features)


@kernel
def salt_and_pepper_noise(clean, out, level, streams):
    """Each value is set to 0 or 1, at even odds, with probability ``level``."""
    zero = out.dtype.type(0.0)
    one = out.dtype.type(1.0)
    half = 0.5 * level
    n_features = out.shape[1]
    for i in range(out.shape[0]):
        counter = streams[i]
        for j in range(n_features):
            u = uniform(counter, j)
            if u < half:
                out[i, j] = zero
            elif u < level:
                out[i, j] = one
            else:
                out[i, j] = clean[i, j]
        streams[i] = advance(counter, n_features)


@kernel
def gaussian_noise(clean, out, level, streams):
    """Each value gets independent N(0, level**2) noise added."""
    n_features = out.shape[1]
    normals = np.empty(n_features + n_features % 2)
    for i in range(out.shape[0]):
        streams[i] = normal_row(streams[i], normals)
        for j in range(n_features):
            out[i, j] = clean[i, j] + out.dtype.type(level * normals[j])


#: The noise models by the names that ``DenoisingAE(noise=...)`` accepts.
NOISE_MODELS = {
    "gaussian": gaussian_noise,
    "masking": masking_noise,
    "salt_and_pepper": salt_and_pepper_noise,
}
