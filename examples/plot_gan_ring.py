"""
================================
A GAN on the ring of 8 Gaussians
================================

The ring of 8 Gaussians is the standard test of mode collapse. This example
trains a non-saturating :class:`~skgen.GAN` on 20,000 draws of 8 Gaussians
(standard deviation 0.02) on a circle of radius 2, plots 10,000 samples beside
the data, and prints how many modes have a sample within 3 standard deviations
and what share of the samples do (Srivastava et al. 2017, VEEGAN, count both).
The settings are those of ``benchmarks/bench_gan.py``'s ring section.
"""

import time

import matplotlib.pyplot as plt
import numpy as np

from skgen import GAN

RADIUS, SD, N_MODES = 2.0, 0.02, 8

# %%
# The data, and the fit
# ---------------------

rng = np.random.RandomState(0)
angles = 2 * np.pi * np.arange(N_MODES) / N_MODES
centres = RADIUS * np.c_[np.cos(angles), np.sin(angles)]
X = centres[rng.randint(N_MODES, size=20_000)] + SD * rng.normal(size=(20_000, 2))

start = time.perf_counter()
model = GAN(n_components=2, generator_layer_sizes=(128, 128),
            discriminator_layer_sizes=(128, 128), batch_size=256, max_iter=100,
            learning_rate_init=2e-4, random_state=0).fit(X)
print(f"trained in {time.perf_counter() - start:.1f} s")

# %%
# Modes covered, and the samples over the data
# --------------------------------------------

samples = model.sample(10_000, random_state=1)
distances = np.linalg.norm(samples[:, None] - centres[None], axis=2)
good = distances.min(axis=1) < 3 * SD
modes = len(np.unique(distances.argmin(axis=1)[good]))
print(f"modes covered: {modes}/{N_MODES}, high-quality samples: {100 * good.mean():.1f}%")

figure, (data_axes, sample_axes) = plt.subplots(1, 2, figsize=(10, 5), sharex=True,
                                                sharey=True)
data_axes.scatter(*X[:10_000].T, s=1, alpha=0.3)
data_axes.set(title="Data", aspect="equal")
sample_axes.scatter(*samples.T, s=1, alpha=0.3, color="tab:orange")
sample_axes.scatter(*centres.T, s=30, marker="x", color="black")
sample_axes.set(title=f"GAN samples: {modes}/8 modes, {100 * good.mean():.0f}% within 3 sd",
                aspect="equal")
plt.show()
