"""Bounded memory: every estimator's ``transform``, ``score_samples`` (IWAE with
K = 500 included), ``predict``, ``predict_proba`` and ``sample`` peak within a
small multiple of their input and output plus a chunk of scratch
(``skgen.utils._batches.CHUNK_BYTES``), and chunking changes no bit of their
results (but where a BLAS product rounds differently by chunk).
benchmarks/bench_memory.py measures the same at 1,000,000 rows."""

import inspect
import tracemalloc

import numpy as np
import pytest
from estimators import OUTPUT_METHODS, binary_data, fit, small_estimators
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone

from skgen.utils import _batches

pytestmark = pytest.mark.filterwarnings(
    "ignore::sklearn.exceptions.ConvergenceWarning")

#: Rows of the scored input and of the drawn samples.
N_ROWS = 5000

#: The chunk of scratch during the measures: well below what the methods that
#: need scratch for every row (chains, importance weights, similarities to the
#: stored patterns) would take for N_ROWS rows at once.
SMALL_CHUNK = 2**18

#: The peak may be this many times the input and the output, plus two chunks.
INPUT_OUTPUT_FACTOR = 5

#: Where a chunk's BLAS product may round differently from that of all the rows:
#: the kernels for a block's remainder rows order their sums their own way, and
#: retrieval's ten softmax updates carry the last-bit differences on.
_BLAS_ROUNDING = {("ModernHopfieldNetwork", "predict")}

CASES = [(name, model, method) for name, model in small_estimators()
         for method in OUTPUT_METHODS if hasattr(model, method)]


def _call(model, method, X):
    function = getattr(model, method)
    if method != "sample":
        return function(X)
    signature = inspect.signature(function).parameters
    short = {key: 1 for key in ("n_gibbs_steps", "n_steps") if key in signature}
    return function(N_ROWS, random_state=0, **short)


def _peak(function):
    tracemalloc.start()
    try:
        result = function()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("name, model, method", CASES,
                         ids=[f"{name}-{method}" for name, _, method in CASES])
def test_peak_memory_is_input_and_output_plus_a_chunk(name, model, method, monkeypatch):
    if "n_importance_samples" in model.get_params():
        model = clone(model).set_params(n_importance_samples=500)
    X_train, y = binary_data(n_samples=300, n_features=50, dtype=np.float32)
    model = fit(clone(model), X_train, y)
    X = binary_data(n_samples=N_ROWS, n_features=50, seed=1, dtype=np.float32)[0]
    whole = _call(model, method, X)  # also compiles, and fills the caches
    monkeypatch.setattr(_batches, "CHUNK_BYTES", SMALL_CHUNK)
    chunked, peak = _peak(lambda: _call(model, method, X))
    if (name, method) in _BLAS_ROUNDING:
        assert_allclose(chunked, whole, rtol=1e-3, atol=1e-4)  # float32, 10 updates
    else:
        assert_array_equal(chunked, whole)
    input_bytes = 0 if method == "sample" else X.nbytes
    bound = INPUT_OUTPUT_FACTOR * (input_bytes + chunked.nbytes) + 2 * SMALL_CHUNK
    assert peak <= bound, (
        f"{name}.{method} peaked at {peak / 2**20:.1f} MiB, beyond "
        f"{bound / 2**20:.1f} MiB (input {input_bytes / 2**20:.1f} MiB, output "
        f"{chunked.nbytes / 2**20:.1f} MiB)")
