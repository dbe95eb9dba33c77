"""Quickstart: RBM features for a classifier, a held-out log-likelihood, and samples.

Trains a BernoulliRBM + LogisticRegression pipeline on sklearn's digits (binarised,
so that the log-likelihood is a true log-probability), prints the test accuracy next
to sklearn's own RBM pipeline and to logistic regression on the pixels, prints the
RBM's held-out log-likelihood, and writes a PNG of the learned filters and of
generated digits.

    python examples/quickstart.py [output.png]
"""

import sys
import time

import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.neural_network import BernoulliRBM as SklearnRBM
from sklearn.pipeline import Pipeline

from skgen import BernoulliRBM


def main(output="quickstart.png"):
    X, y = load_digits(return_X_y=True)
    X = (X > 7).astype(float)  # binary pixels: Bernoulli units, a true likelihood
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.2, random_state=0
    )

    settings = dict(n_components=200, learning_rate=0.05, n_iter=30, random_state=0)
    for name, rbm in (("sklearn", SklearnRBM(**settings)), ("skgen", BernoulliRBM(**settings))):
        model = Pipeline([("rbm", rbm), ("logistic", LogisticRegression(C=100, max_iter=1000))])
        start = time.perf_counter()
        model.fit(X_train, y_train)
        seconds = time.perf_counter() - start
        print(f"{name:>7} RBM + logistic regression: test accuracy "
              f"{model.score(X_test, y_test):.3f}, fit in {seconds:.2f}s")
    raw = LogisticRegression(C=1, max_iter=1000).fit(X_train, y_train)
    print(f"logistic regression on the pixels: test accuracy {raw.score(X_test, y_test):.3f}")

    log_z, std = rbm.log_partition(return_std=True)
    print(f"log Z (AIS, {rbm.ais_n_chains} runs): {log_z:.2f} +/- {std:.2f}")
    print(f"held-out log-likelihood: {rbm.score(X_test):.2f} nats per digit")
    print(f"training log-likelihood: {rbm.score(X_train):.2f} nats per digit")

    samples = rbm.sample(16, n_gibbs_steps=1000, random_state=0)
    figure, axes = plt.subplots(2, 1, figsize=(8, 6.5))
    axes[0].imshow(_tile(rbm.components_, rows=5, cols=20), cmap="gray")
    axes[0].set_title("100 of the filters (rows of components_)")
    axes[1].imshow(_tile(samples, rows=1, cols=16), cmap="gray_r")
    axes[1].set_title("Digits drawn with sample(16, n_gibbs_steps=1000)")
    for axis in axes:
        axis.axis("off")
    figure.tight_layout()
    figure.savefig(output, dpi=100)
    print(f"wrote {output}")


def _tile(images, rows, cols, side=8, pad=1):
    """Arrange flat side x side images in a grid, each scaled to its own range."""
    grid = np.ones((rows * (side + pad) + pad, cols * (side + pad) + pad)) * 0.5
    for index, image in enumerate(images[: rows * cols]):
        image = image.reshape(side, side)
        span = image.max() - image.min()
        image = (image - image.min()) / (span if span > 0 else 1.0)
        r, c = divmod(index, cols)
        top, left = pad + r * (side + pad), pad + c * (side + pad)
        grid[top:top + side, left:left + side] = image
    return grid


if __name__ == "__main__":
    main(*sys.argv[1:])
