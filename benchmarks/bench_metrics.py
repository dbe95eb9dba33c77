"""The default classifier of ``skgen.metrics.c2st_score``: power and cost.

Scores ``c2st_score`` (1 = indistinguishable, 0 = separable) with several
classifiers on pairs of sets where the answer is known:

- ``same gaussian``: two draws of N(0, I), 20 features (the score should be
  near 1);
- ``mean shift``: N(0, I) against N(0.15, I) (every classifier should see it);
- ``variance``: N(0, I) against N(0, 1.3**2 I), same means;
- ``correlation``: N(0, I) against equicorrelated N(0, S), S_ij = 0.3 off the
  diagonal: the same marginals;
- ``digits, same``: one half of sklearn's binarised digits against the other;
- ``digits, marginals``: one half against independent pixels with the other
  half's pixel means, a "generator" that has the marginals and no structure.

A good default scores near 1 on the first and fifth and low on the rest, and
is cheap: the seconds are one ``c2st_score`` call (5 folds), median of the
repeats.

Run ``python benchmarks/bench_metrics.py --help`` for the options.
"""

import argparse
import sys
import time

import numpy as np
from _common import (
    FiguresTable,
    add_markdown_argument,
    format_table,
    machine_info,
    write_figures,
)
from sklearn.datasets import load_digits
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skgen.metrics import c2st_score

CLASSIFIERS = {
    "default (random forest, 100 trees)": lambda: None,
    "gradient boosting (HGB, 100 trees)": lambda: HistGradientBoostingClassifier(
        max_iter=100, early_stopping=False, random_state=0),
    "logistic regression": lambda: make_pipeline(StandardScaler(),
                                                 LogisticRegression(max_iter=1000)),
    "10-NN": lambda: make_pipeline(StandardScaler(), KNeighborsClassifier(10)),
    "MLP (64)": lambda: make_pipeline(StandardScaler(), MLPClassifier(
        (64,), max_iter=300, early_stopping=True, random_state=0)),
}


def pairs(n_rows, n_features, rng):
    def normal(size, scale=1.0, loc=0.0):
        return rng.normal(loc=loc, scale=scale, size=(size, n_features))

    correlation = np.full((n_features, n_features), 0.3) + 0.7 * np.eye(n_features)
    digits = (load_digits().data > 7).astype(np.float64)
    digits = digits[rng.permutation(len(digits))]
    half = len(digits) // 2
    first, second = digits[:half], digits[half:2 * half]
    marginals = (rng.uniform(size=second.shape) < second.mean(axis=0)).astype(float)
    return {
        "same gaussian": (normal(n_rows), normal(n_rows)),
        "mean shift": (normal(n_rows), normal(n_rows, loc=0.15)),
        "variance": (normal(n_rows), normal(n_rows, scale=1.3)),
        "correlation": (normal(n_rows), rng.multivariate_normal(
            np.zeros(n_features), correlation, size=n_rows)),
        "digits, same": (first, second),
        "digits, marginals": (first, marginals),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=500,
                        help="rows of each Gaussian set (default: 500)")
    parser.add_argument("--features", type=int, default=20,
                        help="features of the Gaussian sets (default: 20)")
    parser.add_argument("--repeats", type=int, default=3,
                        help="seeds per cell; the score is their mean (default: 3)")
    add_markdown_argument(parser)
    args = parser.parse_args()
    info = machine_info()

    data = [pairs(args.rows, args.features, np.random.RandomState(seed))
            for seed in range(args.repeats)]
    names = list(data[0])
    rows = []
    for label, make in CLASSIFIERS.items():
        cells, seconds = [], []
        for name in names:
            scores = []
            for seed, sets in enumerate(data):
                start = time.perf_counter()
                scores.append(c2st_score(*sets[name], classifier=make(),
                                         random_state=seed))
                seconds.append(time.perf_counter() - start)
            cells.append(f"{np.mean(scores):.2f}")
        rows.append([label, *cells, f"{np.median(seconds):.2f}"])
        print(f"  {label}: done", file=sys.stderr, flush=True)
    headers = ["classifier", *names, "seconds per call"]
    print(format_table(headers, rows, markdown=True))
    write_figures(args, [FiguresTable("c2st", headers, rows)], info)


if __name__ == "__main__":
    main()
