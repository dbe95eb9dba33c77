"""Start-up cost of skgen: Numba compilation on a cold cache, and loading on a warm one.

Each public estimator is timed in fresh processes on sklearn's digits (scaled to
[0, 1]; standardised for Gaussian visible units, binarised for binary ones). A
process with a *cold* cache has ``NUMBA_CACHE_DIR`` pointed at an empty folder,
as on a new machine; a second process with the same folder then has a *warm*
cache. In each process:

- ``import skgen``;
- a first ``fit`` in float64, then a second one, identical, in the same process:
  their difference is the first fit's start-up cost (compiling, or loading from
  the cache);
- the same for a first float32 ``fit`` (the second dtype);
- the same for the first ``transform`` or ``predict``, ``score`` and ``sample``,
  each called on two fitted models, so that the second call redoes what the
  first cached (an RBM's log Z).

The training budgets are small (a few passes), since compilation does not
depend on them. A second table gives ``import skgen`` alone, the median of
several fresh processes with a warm cache. Any Numba warning raised during the
calls is counted.

Run ``python benchmarks/bench_startup.py --help`` for the options.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

from _common import (
    FiguresTable,
    add_markdown_argument,
    format_info,
    format_table,
    machine_info,
    write_figures,
)

#: name -> (the estimator's constructor call, whether fit takes y, the data)
ESTIMATORS = {
    "BernoulliRBM": ("BernoulliRBM(n_components=64, n_iter=2, random_state=0)", False,
                     "unit"),
    "GaussianBernoulliRBM": (
        "GaussianBernoulliRBM(n_components=64, n_iter=2, random_state=0)", False,
        "standard"),
    "DBN": ("DBN(hidden_layer_sizes=(64, 64), n_iter=2, ais_n_betas=1000, "
            "random_state=0)", True, "unit"),
    "DBNClassifier": ("DBNClassifier(hidden_layer_sizes=(64, 64), n_iter=2, "
                      "max_iter=2, random_state=0)", True, "unit"),
    "Autoencoder": ("Autoencoder(hidden_layer_sizes=(32,), max_iter=2, "
                    "random_state=0)", False, "unit"),
    "DenoisingAE": ("DenoisingAE(hidden_layer_sizes=(32,), max_iter=2, "
                    "random_state=0)", False, "unit"),
    "SparseAE": ("SparseAE(hidden_layer_sizes=(32,), max_iter=2, random_state=0)",
                 False, "unit"),
    "ContractiveAE": ("ContractiveAE(hidden_layer_sizes=(32,), max_iter=2, "
                      "random_state=0)", False, "unit"),
    "SDAClassifier": ("SDAClassifier(hidden_layer_sizes=(64, 64), n_iter=2, "
                      "max_iter=2, random_state=0)", True, "unit"),
    "VAE": ("VAE(n_components=2, hidden_layer_sizes=(32,), max_iter=2, "
            "random_state=0)", False, "unit"),
    "DBM": ("DBM(hidden_layer_sizes=(64, 64), pretrain_iter=2, n_iter=2, "
            "ais_n_betas=1000, random_state=0)", False, "unit"),
    "BoltzmannMachine": ("BoltzmannMachine(n_hidden=8, n_iter=2, ais_n_betas=1000, "
                         "random_state=0)", False, "binary"),
    "HopfieldNetwork": ("HopfieldNetwork(random_state=0)", False, "binary"),
    "ModernHopfieldNetwork": ("ModernHopfieldNetwork()", False, "unit"),
    "GAN": ("GAN(n_components=8, generator_layer_sizes=(32,), "
            "discriminator_layer_sizes=(32,), max_iter=2, random_state=0)", False, "unit"),
}

#: The calls timed after fitting, in order; each is skipped when the fitted
#: estimator does not have the method.
USE_CALLS = (
    ("transform", "model.transform(X64)"),
    ("predict", "model.predict(X64)"),
    ("score", "model.score(X64[:200], y[:200])"),
    ("sample", "model.sample(10, random_state=0)"),
)

WORKER = r"""
import json, sys, time, warnings
result = {}
start = time.perf_counter()
import skgen
result["import"] = time.perf_counter() - start
import numpy as np
from numba.core.errors import NumbaWarning
from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.preprocessing import StandardScaler

name, constructor, supervised, data = json.loads(sys.argv[1])
X, y = load_digits(return_X_y=True)
X = X / 16.0 if data != "standard" else StandardScaler().fit_transform(X)
if data == "binary":
    X = (X > 0.5).astype(float)
X64 = np.ascontiguousarray(X, dtype=np.float64)
X32 = X64.astype(np.float32)
prototype = eval("skgen." + constructor)
n_warnings = 0

def twice(label, call, arguments=(None, None)):
    global n_warnings
    times = []
    for argument in arguments:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", NumbaWarning)
            start = time.perf_counter()
            call(argument)
            times.append(time.perf_counter() - start)
        n_warnings += sum(issubclass(w.category, NumbaWarning) for w in caught)
    result[label] = times

def fit(X):
    model = clone(prototype)
    return model.fit(X, y) if supervised else model.fit(X)

twice("fit float64", lambda _: fit(X64))
twice("fit float32", lambda _: fit(X32))
# Two fitted models, so that the second call redoes what the first cached
# (the RBMs keep their log Z).
models = (fit(X64), fit(X64))
for label, code in json.loads(sys.argv[2]):
    if hasattr(models[0], label):
        twice(label, lambda model, code=code: eval(code), models)
result["numba warnings"] = n_warnings
print("RESULT " + json.dumps(result))
"""


def run_worker(name, cache_dir, python):
    constructor, supervised, data = ESTIMATORS[name]
    env = dict(os.environ, NUMBA_CACHE_DIR=cache_dir)
    completed = subprocess.run(
        [python, "-c", WORKER, json.dumps([name, constructor, supervised, data]),
         json.dumps(USE_CALLS)],
        env=env, capture_output=True, text=True, check=False,
    )
    for line in completed.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT "):])
    raise RuntimeError(f"{name}: the worker failed:\n{completed.stderr[-3000:]}")


def import_time(cache_dir, python):
    env = dict(os.environ, NUMBA_CACHE_DIR=cache_dir)
    code = ("import time; start = time.perf_counter(); import skgen; "
            "print(time.perf_counter() - start)")
    completed = subprocess.run([python, "-c", code], env=env, capture_output=True,
                               text=True, check=True)
    return float(completed.stdout.strip().splitlines()[-1])


def startup(times):
    """The first call's extra cost over the second, in seconds."""
    first, second = times
    return first - second


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--estimators", nargs="+", default=list(ESTIMATORS),
                        choices=list(ESTIMATORS), metavar="NAME",
                        help="estimators to time (default: all public ones)")
    parser.add_argument("--import-repeats", type=int, default=7,
                        help="fresh processes timing `import skgen` (default: 7)")
    add_markdown_argument(parser)
    parser.add_argument("--json", metavar="FILE", help="also write the raw times")
    args = parser.parse_args()
    python = sys.executable

    info = machine_info()
    print(format_info(info, markdown=args.markdown))
    print()
    raw = {}
    rows = []
    labels = ["fit float64", "fit float32"] + [label for label, _ in USE_CALLS]
    for name in args.estimators:
        with tempfile.TemporaryDirectory(prefix="skgen-numba-") as cache_dir:
            started = time.perf_counter()
            cold = run_worker(name, cache_dir, python)
            warm = run_worker(name, cache_dir, python)
            wall = time.perf_counter() - started
        raw[name] = {"cold": cold, "warm": warm}
        cells = [name]
        for label in labels:
            if label in cold:
                cells.append(f"{startup(cold[label]):.2f} / {startup(warm[label]):.2f}")
            else:
                cells.append("")
        cells.append(f"{cold['numba warnings'] + warm['numba warnings']}")
        rows.append(cells)
        print(f"  {name}: {wall:.1f} s", file=sys.stderr, flush=True)
    headers = ["estimator"] + [f"first {label}" for label in labels] + ["Numba warnings"]
    print("Start-up cost of the first call in a fresh process, in seconds: the first "
          "call's time minus the second's, cold cache / warm cache. `fit float32` "
          "follows a float64 fit.")
    print()
    print(format_table(headers, rows, markdown=args.markdown))
    print()

    with tempfile.TemporaryDirectory(prefix="skgen-numba-") as cache_dir:
        run_worker("BernoulliRBM", cache_dir, python)  # fills the cache
        imports = [import_time(cache_dir, python) for _ in range(args.import_repeats)]
    import_line = (f"`import skgen` with a warm cache, in a fresh process: median "
                   f"{statistics.median(imports):.2f} s (min {min(imports):.2f}, max "
                   f"{max(imports):.2f}, {len(imports)} processes).")
    print(import_line + " In the estimator runs: "
          + ", ".join(f"{name} {raw[name]['warm']['import']:.2f}"
                      for name in args.estimators) + " s.")
    write_figures(args, [FiguresTable("start-up", headers, rows)], info,
                  notes=["Seconds: the first call's time minus the second's, cold cache / "
                         "warm cache.", import_line])
    if args.json:
        raw["import skgen"] = imports
        with open(args.json, "w") as handle:
            json.dump(raw, handle, indent=1)


if __name__ == "__main__":
    main()
