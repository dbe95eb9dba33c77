"""Peak memory of inference on 1,000,000 rows x 784 features: ``transform``,
``score_samples`` (AIS for log Z, IWAE with K = 500), ``sample`` and
``predict_proba``.

Each case runs in a fresh process. It builds the input (random binary pixels in
float32: 1,000,000 x 784 is 3.1 GB; float64 would be 6.3 GB), fits its model
on the first 2000 rows, runs the method once on 2000 rows (compiling, filling
the log Z cache) and then resets the process's peak resident memory
(``/proc/self/clear_refs``) and runs it on all the rows. The table gives the
resident memory above that before the call, at its peak, against the input,
the output and one chunk of scratch (``skgen.utils._batches.CHUNK_BYTES``):
``ratio`` is extra peak / (input + output + chunk). Resident memory counts
every allocation, Numba's and BLAS's included, which tests/test_memory.py
(tracemalloc, numpy's allocations only) does not see.

The slowest method takes fewer rows (``ROWS``): the VAE's IWAE estimate with
K = 500 decodes 500 codes per row. Linux only.

Run ``python benchmarks/bench_memory.py --help`` for the options.
"""

import argparse
import json
import os
import subprocess
import sys
import time

from _common import (
    FiguresTable,
    Headline,
    add_markdown_argument,
    format_info,
    format_table,
    machine_info,
    write_figures,
)

N_FEATURES = 784
N_ROWS = 1_000_000

#: name -> (constructor, whether fit takes y, the method's call on X)
CASES = {
    "BernoulliRBM transform": ("BernoulliRBM(n_components=256, n_iter=1)", False,
                               "model.transform(X)"),
    "BernoulliRBM score_samples (AIS)": (
        "BernoulliRBM(n_components=256, n_iter=1, ais_n_betas=500)", False,
        "model.score_samples(X)"),
    "BernoulliRBM sample": ("BernoulliRBM(n_components=256, n_iter=1)", False,
                            "model.sample(X.shape[0], n_gibbs_steps=1)"),
    "GaussianBernoulliRBM score_samples": (
        "GaussianBernoulliRBM(n_components=16, n_iter=1)", False,
        "model.score_samples(X)"),
    "DBN transform": ("DBN((256, 64), n_iter=1)", True, "model.transform(X)"),
    "DBN predict_proba": ("DBN((256, 64), n_iter=1)", True, "model.predict_proba(X)"),
    "DBNClassifier predict_proba": ("DBNClassifier((256, 64), n_iter=1, max_iter=1)",
                                    True, "model.predict_proba(X)"),
    "DBM score_samples": ("DBM((64, 16), pretrain_iter=1, n_iter=1, ais_n_betas=500)",
                          False, "model.score_samples(X)"),
    "Autoencoder transform": ("Autoencoder((64,), max_iter=1)", False,
                              "model.transform(X)"),
    "Autoencoder score_samples": ("Autoencoder((64,), max_iter=1)", False,
                                  "model.score_samples(X)"),
    "VAE transform": ("VAE(n_components=20, hidden_layer_sizes=(256,), max_iter=1)",
                      False, "model.transform(X)"),
    "VAE sample": ("VAE(n_components=20, hidden_layer_sizes=(256,), max_iter=1)", False,
                   "model.sample(X.shape[0])"),
    # A small decoder: IWAE decodes 500 codes per row.
    "VAE score_samples (IWAE, K=500)": (
        "VAE(n_components=8, hidden_layer_sizes=(32,), max_iter=1, "
        "n_importance_samples=500)", False, "model.score_samples(X)"),
    "BoltzmannMachine transform": ("BoltzmannMachine(n_hidden=8, n_iter=1)", False,
                                   "model.transform(X)"),
    "ModernHopfieldNetwork score_samples": ("ModernHopfieldNetwork()", False,
                                            "model.score_samples(X)"),
}

#: Fewer rows for the slowest methods (see the module docstring).
ROWS = {
    # 5.3 ms a row on the 2-core machine: 1,000,000 rows would take 90 minutes.
    "VAE score_samples (IWAE, K=500)": 100_000,
}

#: Rows of the training data: also the patterns of the Hopfield network.
N_TRAIN = {"ModernHopfieldNetwork score_samples": 2000}

WORKER = r"""
import json, sys, time, warnings
import numpy as np
import skgen
from skgen.utils import _batches

constructor, supervised, call, n_rows, n_features, n_train = json.loads(sys.argv[1])

def status(field):
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024

# Random binary pixels, drawn a block at a time so that no temporary outgrows one.
X = np.empty((n_rows, n_features), dtype=np.float32)
rng = np.random.RandomState(0)
for start in range(0, n_rows, 10000):
    block = X[start:start + 10000]
    block[...] = rng.uniform(size=block.shape) < 0.3
y = np.arange(n_rows) % 10
warnings.simplefilter("ignore")
model = eval("skgen." + constructor)
if "random_state" in model.get_params():
    model.set_params(random_state=0)
train = X[:n_train]
model.fit(train, y[:n_train]) if supervised else model.fit(train)

def run(X):
    return eval(call)

run(X[:2000])  # compiles, and fills the caches
before = status("VmRSS")
with open("/proc/self/clear_refs", "w") as handle:
    handle.write("5")  # resets the peak resident memory (VmHWM) to the current
start = time.perf_counter()
out = run(X)
seconds = time.perf_counter() - start
peak = status("VmHWM")
print("RESULT " + json.dumps({
    "rows": n_rows, "input": 0 if call.startswith("model.sample(") else X.nbytes,
    "output": out.nbytes,
    "extra": peak - before, "chunk": _batches.CHUNK_BYTES, "seconds": seconds}))
"""


def run_case(name, n_rows, python):
    constructor, supervised, call = CASES[name]
    arguments = [constructor, supervised, call, n_rows, N_FEATURES,
                 N_TRAIN.get(name, 2000)]
    # The skgen of this tree, beside which the script lies, rather than an installed one.
    tree = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [tree, *filter(None, [os.environ.get("PYTHONPATH")])]))
    completed = subprocess.run([python, "-c", WORKER, json.dumps(arguments)],
                               capture_output=True, text=True, check=False, env=env)
    for line in completed.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT "):])
    raise RuntimeError(f"{name}: the worker failed:\n{completed.stderr[-3000:]}")


def megabytes(n_bytes):
    return f"{n_bytes / 2**20:,.0f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", nargs="+", default=list(CASES), choices=list(CASES),
                        metavar="CASE", help="cases to measure (default: all)")
    parser.add_argument("--rows", type=int, default=N_ROWS,
                        help=f"rows of the input (default: {N_ROWS:,}); the slowest "
                             "cases take at most their own number")
    add_markdown_argument(parser)
    parser.add_argument("--json", metavar="FILE",
                        help="also write the raw figures, after each case")
    parser.add_argument("--resume", metavar="FILE",
                        help="the --json FILE of an earlier run: its cases are not run "
                             "again, and the table shows their figures")
    args = parser.parse_args()
    earlier = {}
    if args.resume:
        with open(args.resume) as handle:
            earlier = json.load(handle)

    info = machine_info()
    print(format_info(info, markdown=args.markdown))
    print()
    rows, raw = [], {}
    for name in args.cases:
        started = time.perf_counter()
        if name in earlier:
            result = earlier[name]
        else:
            result = run_case(name, min(args.rows, ROWS.get(name, args.rows)),
                              sys.executable)
        raw[name] = result
        if args.json:
            with open(args.json, "w") as handle:
                json.dump(raw, handle, indent=1)
        budget = result["input"] + result["output"] + result["chunk"]
        rows.append([name, f"{result['rows']:,}", megabytes(result["input"]),
                     megabytes(result["output"]), megabytes(result["extra"]),
                     f"{result['extra'] / budget:.2f}", f"{result['seconds']:.1f}"])
        print(f"  {name}: {time.perf_counter() - started:.0f} s, {json.dumps(result)}",
              file=sys.stderr, flush=True)
    print(f"Extra peak resident memory of one call, MiB, {N_FEATURES} float32 "
          "features; ratio = extra / (input + output + one chunk).")
    print()
    headers = ["case", "rows", "input", "output", "extra peak", "ratio", "s"]
    print(format_table(headers, rows, markdown=args.markdown))
    write_figures(args, [FiguresTable("memory", headers, rows,
                                      Headline(("rows", "extra peak", "ratio")))], info,
                  notes=["MiB; ratio = extra peak resident memory / (input + output + "
                         "one chunk)"]
                  + ([f"cases {', '.join(sorted(set(earlier) & set(args.cases)))} from "
                      f"the earlier run {args.resume}"] if earlier else []))


if __name__ == "__main__":
    main()
