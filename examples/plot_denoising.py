"""
====================================================
Denoising digits, and sparse and contractive filters
====================================================

Trains a :class:`~skgen.DenoisingAE` on sklearn's digits with masking noise
(30% of the pixels set to 0), then plots held-out digits clean, corrupted and
denoised, next to the first-layer filters (columns of ``coefs_[0]``) of a
:class:`~skgen.SparseAE` and a :class:`~skgen.ContractiveAE` trained on the
same digits. Prints the denoising error, the sparse codes' mean activation and
the encoders' Jacobian norms.
"""

import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from skgen import Autoencoder, ContractiveAE, DenoisingAE, SparseAE

#: Digits in [0, 1], Bernoulli outputs: the settings every model here shares.
BERNOULLI = {"activation": "sigmoid", "output_activation": "sigmoid", "loss": "bce",
             "learning_rate_init": 0.01, "random_state": 0}


def mse(a, b):
    return float(((a - b) ** 2).mean())


def jacobian_norms(model, X, step=1e-4):
    """||d code / d x||_F^2 of each row, by central differences of transform."""
    n, d = X.shape
    X = np.clip(X, step, 1 - step)  # stay inside [0, 1], which loss="bce" requires
    shifts = step * np.eye(d)[None]
    above = model.transform((X[:, None, :] + shifts).reshape(-1, d))
    below = model.transform((X[:, None, :] - shifts).reshape(-1, d))
    return (((above - below) / (2 * step)) ** 2).reshape(n, -1).sum(axis=1)


def tile(images, rows, cols, side=8, pad=1, scale_each=False):
    """Arrange flat side x side images in a grid; optionally scale each to [0, 1]."""
    grid = np.full((rows * (side + pad) + pad, cols * (side + pad) + pad), np.nan)
    for index, image in enumerate(images[: rows * cols]):
        image = image.reshape(side, side)
        if scale_each:
            span = image.max() - image.min()
            image = (image - image.min()) / (span if span > 0 else 1.0)
        r, c = divmod(index, cols)
        top, left = pad + r * (side + pad), pad + c * (side + pad)
        grid[top:top + side, left:left + side] = image
    return grid


# %%
# Denoising
# ---------
# Every model runs its max_iter epochs; sklearn would warn that it could go on.

warnings.simplefilter("ignore", ConvergenceWarning)
X, _ = load_digits(return_X_y=True)
X_train, X_test = train_test_split(X / 16.0, test_size=0.2, random_state=0)

denoiser = DenoisingAE(hidden_layer_sizes=(64,), noise="masking", noise_level=0.3,
                       batch_size=32, max_iter=100, **BERNOULLI).fit(X_train)
noisy = X_test * (np.random.RandomState(1).uniform(size=X_test.shape) >= 0.3)
denoised = denoiser.reconstruct(noisy)
print(f"mean squared error of the noisy test digits: {mse(noisy, X_test):.4f}")
print(f"mean squared error after denoising:          {mse(denoised, X_test):.4f}")

# %%
# Sparse and contractive codes
# ----------------------------
# The KL penalty pulls each code unit's mean activation towards the target; the
# contractive penalty shrinks the encoder's Jacobian, measured here by central
# differences against a plain autoencoder's.

sparse = SparseAE(hidden_layer_sizes=(64,), sparsity="kl", sparsity_target=0.05,
                  max_iter=100, **BERNOULLI).fit(X_train)
print(f"sparse codes' mean activation: {sparse.transform(X_test).mean():.3f} "
      f"(target {sparse.sparsity_target})")
contractive = ContractiveAE(hidden_layer_sizes=(64,), contraction_weight=0.3,
                            max_iter=100, **BERNOULLI).fit(X_train)
plain = Autoencoder(hidden_layer_sizes=(64,), max_iter=100, **BERNOULLI).fit(X_train)
for name, model in (("plain", plain), ("contractive", contractive)):
    print(f"{name:>11} encoder: mean ||J(x)||_F^2 = "
          f"{jacobian_norms(model, X_test[:100]).mean():.2f}")

# %%
# The digits and the filters
# --------------------------

figure, axes = plt.subplots(5, 1, figsize=(9, 6.5))
rows = [
    (X_test, "Held-out digits"),
    (noisy, "Corrupted: 30% of the pixels set to 0"),
    (denoised, "Denoised by DenoisingAE.reconstruct"),
]
for axis, (images, title) in zip(axes, rows):
    axis.imshow(tile(images, rows=1, cols=16), cmap="gray_r", vmin=0, vmax=1)
    axis.set_title(title)
for axis, (model, title) in zip(axes[3:], [
    (sparse, "SparseAE (KL, target 0.05): 32 first-layer filters"),
    (contractive, "ContractiveAE (weight 0.3): 32 first-layer filters"),
]):
    filters = model.coefs_[0].T  # one row of 64 weights per hidden unit
    axis.imshow(tile(filters, rows=2, cols=16, scale_each=True), cmap="gray")
    axis.set_title(title)
for axis in axes:
    axis.axis("off")
figure.tight_layout()
plt.show()
