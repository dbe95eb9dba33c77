"""A GAN on the ring of 8 Gaussians, the standard test of mode collapse.

Trains a non-saturating GAN on 20,000 draws of 8 Gaussians (standard deviation
0.02) on a circle of radius 2, then plots 10,000 samples over the data, and
prints how many modes have a sample within 3 standard deviations and what share
of the samples do (Srivastava et al. 2017, VEEGAN, count both). The settings
are those of ``benchmarks/bench_gan.py``'s ring section.

    python examples/gan_ring.py [output.png]
"""

import sys
import time

import numpy as np
from matplotlib.figure import Figure

from skgen import GAN

RADIUS, SD, N_MODES = 2.0, 0.02, 8


def main(output="gan_ring.png"):
    rng = np.random.RandomState(0)
    angles = 2 * np.pi * np.arange(N_MODES) / N_MODES
    centres = RADIUS * np.c_[np.cos(angles), np.sin(angles)]
    X = centres[rng.randint(N_MODES, size=20_000)] + SD * rng.normal(size=(20_000, 2))

    start = time.perf_counter()
    model = GAN(n_components=2, generator_layer_sizes=(128, 128),
                discriminator_layer_sizes=(128, 128), batch_size=256, max_iter=100,
                learning_rate_init=2e-4, random_state=0).fit(X)
    print(f"trained in {time.perf_counter() - start:.1f} s")
    samples = model.sample(10_000, random_state=1)

    distances = np.linalg.norm(samples[:, None] - centres[None], axis=2)
    good = distances.min(axis=1) < 3 * SD
    modes = len(np.unique(distances.argmin(axis=1)[good]))
    print(f"modes covered: {modes}/{N_MODES}, high-quality samples: "
          f"{100 * good.mean():.1f}%")

    figure = Figure(figsize=(10, 5))
    data_axes, sample_axes = figure.subplots(1, 2, sharex=True, sharey=True)
    data_axes.scatter(*X[:10_000].T, s=1, alpha=0.3)
    data_axes.set(title="Data", aspect="equal")
    sample_axes.scatter(*samples.T, s=1, alpha=0.3, color="tab:orange")
    sample_axes.scatter(*centres.T, s=30, marker="x", color="black")
    sample_axes.set(title=f"GAN samples: {modes}/8 modes, "
                    f"{100 * good.mean():.0f}% within 3 sd", aspect="equal")
    figure.savefig(output, dpi=100)
    print(f"wrote {output}")


if __name__ == "__main__":
    main(*sys.argv[1:])
