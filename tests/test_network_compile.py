"""Kernels built from pieces (skgen.network._compile): a new process finds them in
Numba's cache, and different pieces never share an entry."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

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

def total_of(piece):
    def total(values):
        result = 0.0
        for value in values:
            result += piece(value)
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
print("ok")
'''


def test_no_numba_warning_reaches_the_user(tmp_path):
    """Compiling every kernel of the network estimators, from an empty cache, in
    both dtypes, raises no Numba warning (the script turns them into errors)."""
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path / "cache"),
               PYTHONPATH=SOURCE_ROOT)
    completed = subprocess.run([sys.executable, "-c", WARNINGS_SCRIPT], env=env,
                               capture_output=True, text=True, check=False)
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert completed.stdout.split() == ["ok"]
