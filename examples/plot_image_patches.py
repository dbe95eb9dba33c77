"""
=================================================
A Gaussian-Bernoulli RBM of natural image patches
=================================================

Cuts grey-level 8x8 patches from the two photos that ship with sklearn
(``load_sample_images``), standardises and whitens them, and fits a
:class:`~skgen.GaussianBernoulliRBM` with learned variances. It prints the
held-out log-likelihood of the standardised patches under the RBM and under a
full-covariance Gaussian (``GaussianMixture(n_components=1)``), and shows the
RBM's features.

The RBM is fitted to whitened patches: its visible units have independent noise
given the hidden units, so correlations between neighbouring pixels would
otherwise all have to come from the hidden units. Whitening is a fixed
invertible linear map, so the RBM's density of the standardised patches is its
density of the whitened ones plus the log-determinant of the map; the Gaussian is
fitted to the standardised patches directly, and a full Gaussian gets the same
likelihood either way.
"""

import time

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_sample_images
from sklearn.decomposition import PCA
from sklearn.feature_extraction.image import extract_patches_2d
from sklearn.mixture import GaussianMixture
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skgen import GaussianBernoulliRBM

PATCH = (8, 8)


def load_patches(n_per_image=15000, seed=0):
    """Grey-level patches in [0, 1], shuffled, one row per patch."""
    rng = np.random.RandomState(seed)
    patches = []
    for image in load_sample_images().images:
        grey = image.astype(np.float64).mean(axis=2) / 255.0
        found = extract_patches_2d(grey, PATCH, max_patches=n_per_image, random_state=rng)
        patches.append(found.reshape(len(found), -1))
    patches = np.concatenate(patches)
    return patches[rng.permutation(len(patches))]


# %%
# A full Gaussian, and the RBM on whitened patches
# ------------------------------------------------

patches = load_patches()
train, test = patches[:24000], patches[24000:]

scaler = StandardScaler().fit(train)
gaussian = GaussianMixture(n_components=1, covariance_type="full").fit(scaler.transform(train))
gaussian_score = gaussian.score(scaler.transform(test))

rbm = GaussianBernoulliRBM(n_components=128, learning_rate=0.01, momentum=0.5, batch_size=20,
                           n_iter=20, learn_sigma=True, random_state=0)
model = make_pipeline(StandardScaler(), PCA(whiten=True), rbm)
start = time.perf_counter()
model.fit(train)
fit_time = time.perf_counter() - start

# %%
# Held-out log-likelihoods
# ------------------------
# The pipeline's score is the density of the whitened patches; the whitening's
# log-determinant maps it back to the standardised ones.

pca = model[1]
log_determinant = -0.5 * np.log(pca.explained_variance_).sum()
log_partition, std = rbm.log_partition(return_std=True)
rbm_score = model.score(test) + log_determinant

print(f"{len(train)} training and {len(test)} test patches of 8x8 pixels")
print(f"RBM fit: {fit_time:.1f} s; log Z = {log_partition:.2f} +- {std:.2f} (AIS)")
print("Held-out log-likelihood of the standardised patches (nats per patch):")
print(f"  full-covariance Gaussian       {gaussian_score:8.2f}")
print(f"  GaussianBernoulliRBM (128 h)   {rbm_score:8.2f}")
print(f"  difference                     {rbm_score - gaussian_score:+8.2f}")

# %%
# The features
# ------------
# Each hidden unit adds sigma * W_j to the whitened patch when it turns on;
# mapped back to pixels, these are the features the RBM composes patches of.

order = np.argsort(-np.linalg.norm(rbm.components_, axis=1))[:64]
features = pca.inverse_transform(rbm.sigma_ * rbm.components_[order]) - pca.mean_
figure, axes = plt.subplots(8, 8, figsize=(6, 6))
for axis, feature in zip(axes.ravel(), features):
    axis.imshow(feature.reshape(PATCH), cmap="gray")
    axis.set_axis_off()
figure.suptitle("GaussianBernoulliRBM features of 8x8 image patches")
plt.show()
