"""Shared pieces of the kernel tests: dtypes, tolerances, random models, and the
check that a reference's sampled bits do not depend on rounding (see
tests/test_rbm_kernels.py)."""

import numpy as np
import scipy.sparse as sp

DTYPES = [np.float32, np.float64]

#: assert_allclose tolerances for results of floating-point arithmetic.
TOLERANCES = {
    np.float32: dict(rtol=1e-5, atol=1e-6),
    np.float64: dict(rtol=1e-12, atol=1e-13),
}

#: The closest |u - p| a reference may see for its sampled bits to be trusted.
MARGINS = {np.float32: 1e-5, np.float64: 1e-10}


def check_unambiguous(streams, dtype):
    assert streams.closest > MARGINS[dtype], (
        f"a uniform came within {streams.closest:.3g} of its probability, so the "
        "sampled bit depends on rounding; this seed cannot test the kernel, pick "
        "another one"
    )


def random_model(rng, n_hidden, n_visible, dtype, scale=1.0):
    weights = (scale * rng.standard_normal((n_hidden, n_visible))).astype(dtype)
    hidden_bias = (0.5 * scale * rng.standard_normal(n_hidden)).astype(dtype)
    visible_bias = (0.5 * scale * rng.standard_normal(n_visible)).astype(dtype)
    return weights, hidden_bias, visible_bias


def random_data(rng, n_samples, n_features, dtype, fractional=True):
    """Mostly 0/1 data, some entries fractional (probabilities are allowed)."""
    X = (rng.random((n_samples, n_features)) < 0.4).astype(dtype)
    if fractional:
        mask = rng.random(X.shape) < 0.15
        X[mask] = rng.random(mask.sum()).astype(dtype)
    return X


def kernel_args(X):
    """(dense, data, indices, indptr) as the kernels take them."""
    if sp.issparse(X):
        X = sp.csr_matrix(X)
        dense = np.empty((0, X.shape[1]), dtype=X.dtype)
        return (dense, X.data, X.indices.astype(np.int64),
                X.indptr.astype(np.int64))
    empty = np.empty(0, dtype=np.int64)
    return np.ascontiguousarray(X), np.empty(0, dtype=X.dtype), empty, empty
