"""How accurate is the default AIS estimate of log Z on an MNIST-sized RBM?

Fits a 784 x 500 BernoulliRBM on the binarised MNIST subset and compares the
default AIS estimate (100 runs, 10,000 inverse temperatures) over several seeds
with one three times longer run. Prints each estimate, its standard error, the
time it took and the held-out log-likelihood it implies.

    python benchmarks/check_ais.py
"""

import time

import numpy as np
from _common import format_info, load_mnist, machine_info

from skgen import BernoulliRBM


def main():
    X, _ = load_mnist()
    X = (X > 0.5).astype(np.float64)
    train, test = X[:4000], X[4000:]
    rbm = BernoulliRBM(n_components=500, batch_size=100, n_iter=20, learning_rate=0.05,
                       random_state=0).fit(train)
    print(format_info(machine_info()))
    print("model: 784 x 500, PCD-1, 20 passes over 4000 binarised MNIST images")
    free_energy = rbm.free_energy(test).mean()
    rows = []
    for seed, n_betas in ((0, 10000), (1, 10000), (2, 10000), (3, 30000)):
        start = time.perf_counter()
        log_z, std = rbm.log_partition("ais", n_betas=n_betas, random_state=seed,
                                       return_std=True)
        seconds = time.perf_counter() - start
        rows.append((seed, n_betas, log_z, std, seconds, -free_energy - log_z))
        print(f"seed {seed}, {n_betas:>5} betas, 100 runs: log Z = {log_z:.2f} "
              f"+/- {std:.2f}, {seconds:.0f}s, held-out log-likelihood "
              f"{-free_energy - log_z:.2f}")
    defaults = np.array([r[2] for r in rows[:3]])
    print(f"default runs span {defaults.max() - defaults.min():.2f} nats; "
          f"largest distance to the long run {np.abs(defaults - rows[3][2]).max():.2f}")


if __name__ == "__main__":
    main()
