"""Kernels built from pieces (skgen.network._compile): a new process finds them in
Numba's cache, and different pieces never share an entry."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import skgen

#: The folder that holds the skgen under test, for the subprocesses.
SOURCE_ROOT = str(Path(skgen.__file__).resolve().parents[1])

MODULE = '''
from numba import njit
from skgen.network._compile import specialized_kernel

@njit(cache=True)
def double(x):
    return 2.0 * x

@njit(cache=True)
def negate(x):
    return -x

def apply_of(piece):
    def apply(value):
        return piece(value)
    return specialized_kernel(apply, "apply", internal=True)

def total_of(piece):
    apply = apply_of(piece)
    def total(values):
        result = 0.0
        for value in values:
            result += apply(value)
        return result
    return specialized_kernel(total, "total")

TOTAL_DOUBLE = total_of(double)
TOTAL_NEGATE = total_of(negate)
'''

SCRIPT = '''
import numpy as np
import pieces
values = np.arange(4.0)
print(pieces.TOTAL_DOUBLE(values), pieces.TOTAL_NEGATE(values),
      sum(pieces.TOTAL_DOUBLE.stats.cache_hits.values()),
      sum(pieces.TOTAL_NEGATE.stats.cache_hits.values()))
'''


def test_a_new_process_finds_the_kernels_of_each_piece_in_the_cache(tmp_path):
    (tmp_path / "pieces.py").write_text(textwrap.dedent(MODULE))
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path / "cache"),
               PYTHONPATH=os.pathsep.join([str(tmp_path), SOURCE_ROOT]))
    runs = [subprocess.run([sys.executable, "-c", SCRIPT], env=env, cwd=tmp_path,
                           capture_output=True, text=True, check=True).stdout.split()
            for _ in range(2)]
    # Each piece gets its own result, compiled in the first process and loaded
    # from the cache in the second.
    assert runs[0] == ["12.0", "-6.0", "0", "0"]
    assert runs[1] == ["12.0", "-6.0", "1", "1"]


OBJECTIVES = '''
import sys
import numpy as np
from skgen.network._layers import Network
from skgen.network._losses import output_loss
from skgen.network._passes import gradient_pass

rng = np.random.RandomState(0)
X = rng.uniform(size=(7, 5))
for activation in sys.argv[1:]:
    network = Network([5, 4, 5], activation, "identity")
    params = network.initial_params(np.random.RandomState(0), np.float64, 6.0)
    activations = network.buffer(7, np.float64)
    activations[:X.size] = X.ravel()
    loss_and_gradient = gradient_pass(activation, "identity",
                                      output_loss("mse", "identity"))
    print(loss_and_gradient(params, np.zeros_like(params), network.layers, X,
                            activations, network.buffer(7, np.float64),
                            network.columns(np.float64), 7, 7, ()))
'''


@pytest.mark.slow
def test_specialisations_compiled_in_different_processes_do_not_clash(tmp_path):
    """Two processes each compile the batch gradient for one activation; a third
    loads both from the cache and must run each one's own code. (Numba names a
    compiled function after its qualified name, a counter of the process and
    its argument types: the passes of two specialisations compiled in two
    processes would have the same names, and a call in the second library
    loaded would reach the first's.)"""
    def objectives(*activations, cache="cache"):
        env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path / cache),
                   PYTHONPATH=SOURCE_ROOT)
        return subprocess.run([sys.executable, "-c", OBJECTIVES, *activations],
                              env=env, capture_output=True, text=True,
                              check=True).stdout.split()

    expected = objectives("relu", "tanh", cache="fresh")
    assert expected[0] != expected[1]
    assert objectives("relu") == expected[:1]
    assert objectives("tanh") == expected[1:]
    assert objectives("relu", "tanh") == expected


WARNINGS_SCRIPT = '''
import warnings
import numpy as np
from numba.core.errors import NumbaWarning
from sklearn.exceptions import ConvergenceWarning
import skgen

warnings.simplefilter("error", NumbaWarning)
warnings.simplefilter("ignore", ConvergenceWarning)
X = np.random.RandomState(0).uniform(size=(60, 8))
models = [skgen.Autoencoder((4,), max_iter=2), skgen.DenoisingAE((4,), max_iter=2),
          skgen.SparseAE((4,), max_iter=2, sparsity="kl", activation="sigmoid"),
          skgen.ContractiveAE((4,), max_iter=2, tied_weights=True),
          skgen.VAE(2, hidden_layer_sizes=(4,), max_iter=2, early_stopping=True)]
for dtype in (np.float64, np.float32):
    for model in models:
        data = (X > 0.5).astype(dtype) if isinstance(model, skgen.VAE) else X.astype(dtype)
        model.set_params(random_state=0).fit(data)
        model.transform(data), model.score(data), model.sample(3)
# A Python constant passed to a kernel compiles it again for the literal.
import gc
from numba.core import types
from numba.core.registry import CPUDispatcher
literal = [
    (kernel.py_func.__qualname__, signature)
    for kernel in gc.get_objects()
    if isinstance(kernel, CPUDispatcher) and kernel.py_func.__module__.startswith(
        ("skgen.network", "skgen.autoencoder", "skgen.vae"))
    for signature in kernel.signatures
    if any(isinstance(argument, types.Literal) for argument in signature)
]
assert not literal, literal
print("ok")
'''


@pytest.mark.slow
def test_no_numba_warning_reaches_the_user(tmp_path):
    """Compiling every kernel of the network estimators, from an empty cache, in
    both dtypes, raises no Numba warning (the script turns them into errors), and
    compiles no kernel for a literal argument."""
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path / "cache"),
               PYTHONPATH=SOURCE_ROOT)
    completed = subprocess.run([sys.executable, "-c", WARNINGS_SCRIPT], env=env,
                               capture_output=True, text=True, check=False)
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert completed.stdout.split() == ["ok"]
