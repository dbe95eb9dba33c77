"""Kernels built from pieces (skgen.network._compile): a new process finds them in
Numba's cache, and different pieces never share an entry."""

import os
import subprocess
import sys
import textwrap

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
               PYTHONPATH=os.pathsep.join([str(tmp_path), *sys.path]))
    runs = [subprocess.run([sys.executable, "-c", SCRIPT], env=env, cwd=tmp_path,
                           capture_output=True, text=True, check=True).stdout.split()
            for _ in range(2)]
    # Each piece gets its own result, compiled in the first process and loaded
    # from the cache in the second.
    assert runs[0] == ["12.0", "-6.0", "0", "0"]
    assert runs[1] == ["12.0", "-6.0", "1", "1"]
