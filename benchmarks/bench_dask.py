"""Grid-search wall time in one process, over loky's processes, and on a Dask cluster.

A GridSearchCV over ``Pipeline(BernoulliRBM, LogisticRegression)`` on sklearn's
digits scaled to [0, 1] (8 grid points x 3 folds), timed with ``n_jobs=1``,
``n_jobs=2`` (joblib's loky backend) and ``n_jobs=-1`` under
``joblib.parallel_backend("dask")`` on a ``distributed.LocalCluster`` of 2 worker
processes with one thread each. Each is run once untimed, so that every
process has its kernels compiled or loaded, then ``--repeats`` times; the
table gives the median and whether the scores equal those of ``n_jobs=1``.

Run ``python benchmarks/bench_dask.py --help`` for the options.
"""

import argparse
import time

import numpy as np
from _common import (
    FiguresTable,
    add_markdown_argument,
    format_info,
    format_table,
    machine_info,
    write_figures,
)
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline

from skgen import BernoulliRBM


def search(n_jobs):
    pipeline = Pipeline([("rbm", BernoulliRBM(n_iter=5, random_state=0)),
                         ("clf", LogisticRegression(max_iter=500))])
    grid = {"rbm__n_components": [32, 64], "rbm__learning_rate": [0.02, 0.05],
            "clf__C": [1.0, 10.0]}
    return GridSearchCV(pipeline, grid, cv=3, n_jobs=n_jobs)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    add_markdown_argument(parser)
    args = parser.parse_args()
    import joblib
    from dask.distributed import Client, LocalCluster

    info = machine_info()
    print(format_info(info, markdown=args.markdown))
    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster):
        def run_dask():
            with joblib.parallel_backend("dask"):
                return search(-1).fit(X, y)

        contenders = {"n_jobs=1": lambda: search(1).fit(X, y),
                      "n_jobs=2 (loky)": lambda: search(2).fit(X, y),
                      "dask, 2 workers": run_dask}
        times = {name: [] for name in contenders}
        scores = {}
        for name, run in contenders.items():  # warm-up: compile in every process
            scores[name] = run().cv_results_["mean_test_score"]
        for _ in range(args.repeats):
            for name, run in contenders.items():
                start = time.perf_counter()
                run()
                times[name].append(time.perf_counter() - start)
    reference = times["n_jobs=1"]
    rows = [[name, f"{np.median(seconds):.1f}",
             f"{np.median(reference) / np.median(seconds):.2f}x",
             f"{np.abs(scores[name] - scores['n_jobs=1']).max():.4f}"]
            for name, seconds in times.items()]
    print(f"\n## GridSearchCV, 8 points x 3 folds, median of {args.repeats}\n")
    headers = ["backend", "wall s", "speed-up", "largest score difference from n_jobs=1"]
    print(format_table(headers, rows, markdown=args.markdown))
    write_figures(args, [FiguresTable("grid search", headers, rows)], info)


if __name__ == "__main__":
    main()
