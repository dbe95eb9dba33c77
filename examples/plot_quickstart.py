"""
================================================================
Quickstart: RBM features, a held-out log-likelihood, and samples
================================================================

Trains a :class:`~skgen.BernoulliRBM` + ``LogisticRegression`` pipeline on
sklearn's digits (binarised, so that the log-likelihood is a true
log-probability), prints the test accuracy next to sklearn's own RBM pipeline
and to logistic regression on the pixels, prints the RBM's held-out
log-likelihood, and shows the learned filters and generated digits.

Run it as a script::

    python examples/plot_quickstart.py               # shows the figure
    python examples/plot_quickstart.py filters.png   # writes it to filters.png
"""

import sys
import time

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.neural_network import BernoulliRBM as SklearnRBM
from sklearn.pipeline import Pipeline

from skgen import BernoulliRBM

# %%
# Binary pixels, and the same settings for both RBMs
# --------------------------------------------------
# Bernoulli visible units model 0/1 data, so the pixels are thresholded; the
# RBM's ``score`` is then the mean log-probability of a digit, in nats.

X, y = load_digits(return_X_y=True)
X = (X > 7).astype(float)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=0)

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

# %%
# The log-likelihood
# ------------------
# With 200 hidden units log Z is estimated by annealed importance sampling;
# ``return_std`` gives the spread of the AIS runs.

log_z, std = rbm.log_partition(return_std=True)
print(f"log Z (AIS, {rbm.ais_n_chains} runs): {log_z:.2f} +/- {std:.2f}")
print(f"held-out log-likelihood: {rbm.score(X_test):.2f} nats per digit")
print(f"training log-likelihood: {rbm.score(X_train):.2f} nats per digit")

# %%
# Filters and samples
# -------------------
# Each row of ``components_`` is the weights of one hidden unit to the 64
# pixels; ``sample`` runs Gibbs chains from random states.


def tile(images, rows, cols, side=8):
    """The first rows x cols flat side x side images on a grid with grey gaps,
    each scaled to its own range."""
    images = images[: rows * cols].reshape(-1, side, side)
    low = images.min(axis=(1, 2), keepdims=True)
    span = images.max(axis=(1, 2), keepdims=True) - low
    images = (images - low) / np.where(span > 0, span, 1.0)
    cells = np.pad(images, ((0, 0), (1, 0), (1, 0)), constant_values=0.5)
    grid = cells.reshape(rows, cols, side + 1, side + 1).transpose(0, 2, 1, 3)
    return np.pad(grid.reshape(rows * (side + 1), cols * (side + 1)), ((0, 1), (0, 1)),
                  constant_values=0.5)


samples = rbm.sample(16, n_gibbs_steps=1000, random_state=0)
figure, axes = plt.subplots(2, 1, figsize=(8, 4.5))
axes[0].imshow(tile(rbm.components_, rows=5, cols=20), cmap="gray")
axes[0].set_title("100 of the filters (rows of components_)")
axes[1].imshow(tile(samples, rows=1, cols=16), cmap="gray_r")
axes[1].set_title("Digits drawn with sample(16, n_gibbs_steps=1000)")
for axis in axes:
    axis.axis("off")
figure.tight_layout()
if len(sys.argv) > 1:
    figure.savefig(sys.argv[1], dpi=100)
    print(f"wrote {sys.argv[1]}")
else:
    plt.show()
