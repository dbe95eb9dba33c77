"""
==================================
The capacity of a Hopfield network
==================================

Stores P random -1/+1 patterns in a :class:`~skgen.HopfieldNetwork` of 400
units, for loads alpha = P / n from 0.02 to 0.6, under each of its three
learning rules, and plots against alpha the mean overlap with its pattern of
the state recalled from a cue with 10% of its units flipped, and the share of
stored patterns that are fixed points. The Hebbian rule collapses near
alpha = 0.138 (Amit, Gutfreund and Sompolinsky 1985), Storkey's rule later,
and the pseudo-inverse keeps every pattern a fixed point up to alpha = 1 while
its basins of attraction shrink.
"""

import matplotlib.pyplot as plt
import numpy as np

from skgen import HopfieldNetwork

N_UNITS = 400
LOADS = np.round(np.linspace(0.02, 0.6, 30), 3)
RULES = ("hebbian", "storkey", "pseudoinverse")


def measure(rule, load, rng):
    """(mean overlap after recall from 10% flipped units, share of fixed points)."""
    patterns = rng.choice([-1.0, 1.0], size=(max(1, round(load * N_UNITS)), N_UNITS))
    flips = rng.uniform(size=patterns.shape) < 0.1
    cues = np.where(flips, -patterns, patterns)
    memory = HopfieldNetwork(rule, random_state=0).fit(patterns)
    overlap = (memory.predict(cues) * patterns).mean(axis=1).mean()
    fixed = memory.recall(patterns).n_sweeps == 1
    return overlap, fixed.mean()


# %%
# Recall against the load, for each rule
# --------------------------------------

rng = np.random.RandomState(0)
curves = {rule: np.array([measure(rule, load, rng) for load in LOADS]) for rule in RULES}
figure, (overlap_axes, fixed_axes) = plt.subplots(1, 2, figsize=(10, 4))
for rule, curve in curves.items():
    overlap_axes.plot(LOADS, curve[:, 0], marker=".", label=rule)
    fixed_axes.plot(LOADS, curve[:, 1], marker=".", label=rule)
    print(f"{rule:>13}: overlap above 0.9 up to alpha = "
          f"{LOADS[curve[:, 0] > 0.9].max():.2f}")
for axes in (overlap_axes, fixed_axes):
    axes.axvline(0.138, color="grey", linestyle=":", label="0.138 (AGS 1985)")
    axes.set_xlabel("load alpha = patterns / units")
overlap_axes.set_ylabel("mean overlap after recall (10% flipped cues)")
fixed_axes.set_ylabel("share of patterns that are fixed points")
overlap_axes.legend()
figure.suptitle(f"HopfieldNetwork capacity, {N_UNITS} units")
figure.tight_layout()
plt.show()
