"""
=================================================
A travelling salesman tour by simulated annealing
=================================================

Hopfield & Tank (1985) wrote the tour of n cities as n x n binary units,
unit (c, p) on when city c is visited at position p, and the problem as an
energy over them: penalties for a city visited twice or a position filled
twice (each row and each column of the unit matrix must hold exactly one 1),
plus the length of the tour. That energy is quadratic,
E(s) = -1/2 s.W.s - b.s + constant, so :func:`skgen.anneal` can minimise it.
This example does so for 8 random cities and compares the tour with the
optimum found by trying all (n - 1)! / 2 tours.
"""

import itertools
import math
import time

import matplotlib.pyplot as plt
import numpy as np

from skgen import anneal


def tsp_energy(distances, penalty):
    """W and b of the Hopfield-Tank energy for the cities' ``distances``.

    Each of the 2n constraints "exactly one unit on in this row (column)" adds
    ``penalty / 2 * (sum of its units - 1)**2``. With binary units that is
    ``-1/2 s.W.s - b.s`` with -penalty between the units of one row (column)
    and +penalty/2 on each unit's bias, plus a constant. The tour length adds
    ``d(a, c)`` for city a at position p and city c at position p + 1 (cyclic).
    """
    n = len(distances)
    unit = np.arange(n * n).reshape(n, n)  # unit[city, position]
    weights = np.zeros((n * n, n * n))
    bias = np.full(n * n, penalty)  # penalty / 2 from each of two constraints
    for city in range(n):
        for p, q in itertools.permutations(range(n), 2):
            weights[unit[city, p], unit[city, q]] -= penalty
    for position in range(n):
        for a, c in itertools.permutations(range(n), 2):
            weights[unit[a, position], unit[c, position]] -= penalty
    for a, c in itertools.permutations(range(n), 2):
        for position in range(n):
            i, j = unit[a, position], unit[c, (position + 1) % n]
            weights[i, j] -= distances[a, c]
            weights[j, i] -= distances[a, c]
    return weights, bias


def decode(state, n):
    """The tour a state encodes, or None when it is not a permutation matrix."""
    matrix = state.reshape(n, n)
    if not ((matrix.sum(axis=0) == 1).all() and (matrix.sum(axis=1) == 1).all()):
        return None
    return [int(c) for c in np.argmax(matrix, axis=0)]  # the city at each position


def tour_length(tour, distances):
    return sum(distances[tour[k], tour[(k + 1) % len(tour)]] for k in range(len(tour)))


def solve(n_cities=8, seed=0):
    """The best annealed tour of ``n_cities`` random cities, the brute-force optimum
    as (length, tour), the cities, and the annealing's share of valid tours."""
    rng = np.random.default_rng(seed)
    cities = rng.random((n_cities, 2))
    distances = np.linalg.norm(cities[:, None] - cities[None], axis=2)
    weights, bias = tsp_energy(distances, penalty=2.0 * distances.max())

    start = time.perf_counter()
    result = anneal(weights, bias, schedule=1000, n_restarts=50, random_state=seed)
    print(f"{n_cities} cities, {n_cities ** 2} units; 50 restarts of 1000 annealing sweeps "
          f"in {time.perf_counter() - start:.2f} s")
    tours = [decode(x, n_cities) for x in result.xs]
    valid = [t for t in tours if t is not None]
    print(f"valid tours: {len(valid)} of 50")
    best = min(valid, key=lambda t: tour_length(t, distances)) if valid else None

    start = time.perf_counter()
    optimum = min((tour_length([0, *rest], distances), [0, *rest])
                  for rest in itertools.permutations(range(1, n_cities)))
    print(f"optimum (brute force over {math.factorial(n_cities - 1) // 2} tours, "
          f"{time.perf_counter() - start:.2f} s): {optimum[1]}, length {optimum[0]:.4f}")
    return best, optimum, cities


# %%
# Anneal, and compare with the optimum
# ------------------------------------
# 50 restarts of 1000 sweeps each; the best valid tour is kept.

best, (optimum_length, optimum_tour), cities = solve()
distances = np.linalg.norm(cities[:, None] - cities[None], axis=2)
figure, axes = plt.subplots(1, 2, figsize=(9, 4.5), sharex=True, sharey=True)
for axis, tour, title in ((axes[0], best, "annealed"), (axes[1], optimum_tour, "optimal")):
    axis.scatter(*cities.T, color="black", zorder=2)
    if tour is not None:
        closed = cities[[*tour, tour[0]]]
        axis.plot(*closed.T, color="tab:blue")
        title = f"{title} tour, length {tour_length(tour, distances):.3f}"
    axis.set(title=title, aspect="equal", xticks=[], yticks=[])
if best is not None:
    print(f"best annealed tour: {best}, length {tour_length(best, distances):.4f}")
    print(f"annealed / optimal length: {tour_length(best, distances) / optimum_length:.4f}")
plt.show()
