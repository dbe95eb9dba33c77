"""Hypothesis strategies for the fuzz suite (tests/test_fuzz_*.py): training data
of every awkward kind that a user may pass, and the check that a failed fit says
what went wrong.

The default profile keeps the suite within its time budget; set
``SKGEN_HYPOTHESIS_PROFILE=long`` for a longer search (tests/conftest.py loads it).
"""

import numpy as np
import scipy.sparse as sp
from hypothesis import strategies as st

from skgen.exceptions import DivergenceError

#: What the values are before they are scaled and spoiled.
KINDS = ("binary", "unit", "normal")


@st.composite
def training_data(draw, sparse=True):
    """(X, description): a small matrix of 1 row and 1 feature upward, float32
    or float64, dense or (if ``sparse``) CSR or CSC, of binary, [0, 1] or normal values at a scale
    from 1e-300 to 1e300, maybe with constant or duplicated columns and rows,
    NaN or inf at random places, or values just outside [0, 1]."""
    n_samples = draw(st.integers(1, 12))
    n_features = draw(st.integers(1, 5))
    dtype = draw(st.sampled_from([np.float64, np.float32]))
    kind = draw(st.sampled_from(KINDS))
    seed = draw(st.integers(0, 2**16))
    rng = np.random.RandomState(seed)
    if kind == "binary":
        X = (rng.uniform(size=(n_samples, n_features)) < 0.5).astype(np.float64)
    elif kind == "unit":
        X = rng.uniform(size=(n_samples, n_features))
    else:
        X = rng.normal(size=(n_samples, n_features))
    scale = 10.0 ** draw(st.sampled_from([0, 0, 0, -300, -150, -30, -8, 8, 30, 150, 300]))
    X = X * scale
    spoil = draw(st.sampled_from(["none", "constant column", "duplicated column",
                                  "duplicated row", "nan", "inf", "just below 0",
                                  "just above 1"]))
    i, j = rng.randint(n_samples), rng.randint(n_features)
    if spoil == "constant column":
        X[:, j] = X[i, j]
    elif spoil == "duplicated column":
        X[:, j] = X[:, rng.randint(n_features)]
    elif spoil == "duplicated row":
        X[i] = X[rng.randint(n_samples)]
    elif spoil == "nan":
        X[i, j] = np.nan
    elif spoil == "inf":
        X[i, j] = draw(st.sampled_from([np.inf, -np.inf]))
    elif spoil == "just below 0":
        X[i, j] = -1e-6
    elif spoil == "just above 1":
        X[i, j] = 1 + 1e-6
    with np.errstate(over="ignore"):  # float32 takes the large scales as inf
        X = X.astype(dtype)
    container = draw(st.sampled_from(["dense", "csr", "csc"] if sparse else ["dense"]))
    if container != "dense":
        X = getattr(sp, f"{container}_matrix")(X)
    description = (f"{n_samples}x{n_features} {np.dtype(dtype).name} {container} {kind} "
                   f"data at scale {scale:g}, {spoil}")
    return X, description


def labels(n_samples):
    """Two classes when there are rows for both."""
    return np.arange(n_samples) % 2


#: Words of which a message that names the problem has at least one.
_PROBLEM_WORDS = ("nan", "infinit", "range", "binary", "sample", "feature", "value",
                  "diverged", "scale", "class", "spin", "pattern", "zero", "large",
                  "dtype", "support", "expect")


def check_fit_error(error, description):
    """A failed fit raises a ValueError or a DivergenceError whose message names
    the problem."""
    assert isinstance(error, (ValueError, DivergenceError)), (
        f"{type(error).__name__} on {description}: {error}")
    message = str(error).lower()
    assert any(word in message for word in _PROBLEM_WORDS), (
        f"the message does not name the problem, on {description}: {error}")
