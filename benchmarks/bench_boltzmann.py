"""The Boltzmann machine: what it learns and how fast it samples.

Sections (``--sections``, all by default):

* ``encoder``: the 4-2-4 encoder of Ackley, Hinton & Sejnowski (1985). Two groups
  of 4 visible units, each connected within itself and to 2 hidden units, which
  connect to each other; the 4 training patterns put the same unit on in both
  groups. A seed succeeds when, with the first group clamped to each pattern,
  ``predict`` completes the second group to the same pattern. Also reported:
  whether the exact conditional marginals (enumerated) would, and the mean
  exact log-likelihood of the patterns (at best log 1/4 = -1.386).
* ``likelihood``: sklearn's digits, binarised and pooled to 4 x 4 pixels (16
  visible units; a pixel is on when its 2 x 2 block's mean exceeds 6 of 16),
  1200 rows to train and 597 held out. The exact held-out log-likelihood of a
  BoltzmannMachine with 4 hidden units (20 units: enumerated) against skgen's
  and sklearn's BernoulliRBM with 4 hidden units, each RBM over a small grid of
  learning rates and passes, the best held-out figure reported.
* ``speed``: Gibbs sweeps of free chains, in chain sweeps per second: skgen's
  ``sample`` against a PyTorch loop that updates the units in turn, each from a
  product of the chains' states with the unit's column of W (one matrix-vector
  product per unit), when PyTorch is installed. Both sweep every unit of every
  chain once per sweep at temperature 1 after the same annealing schedule. The
  GEMM bound is the time numpy takes for the products that compute every local
  field of every chain once per sweep (chains x n x n).

Run ``python benchmarks/bench_boltzmann.py --help`` for the options.
"""

import argparse
import itertools
import time

import numpy as np
from _common import (
    FiguresTable,
    Headline,
    add_markdown_argument,
    format_info,
    format_number,
    format_percent,
    format_ratio,
    format_table,
    gemm_rate,
    interleave,
    machine_info,
    ratio,
    try_import_torch,
    write_figures,
)
from sklearn.datasets import load_digits
from sklearn.neural_network import BernoulliRBM as SklearnRBM

from skgen import BernoulliRBM, BoltzmannMachine

SECTIONS = ("encoder", "likelihood", "speed")


# -- the 4-2-4 encoder --------------------------------------------------------------


def encoder_mask():
    groups = [range(0, 4), range(4, 8), range(8, 10)]
    mask = np.zeros((10, 10), dtype=bool)
    for group in groups:
        mask[np.ix_(group, group)] = True
    mask[np.ix_(range(8), range(8, 10))] = True
    mask[np.ix_(range(8, 10), range(8))] = True
    return mask


def _exact_completion_ok(model, eye):
    """Whether the exact marginals of the second group, given the first, pick
    each pattern's unit (above 1/2) and no other."""
    free = np.array(list(itertools.product([0.0, 1.0], repeat=6)))
    for k in range(4):
        states = np.hstack([np.tile(eye[k], (len(free), 1)), free])
        energy = -0.5 * np.einsum("ij,ij->i", states @ model.weights_, states) - (
            states @ model.bias_)
        p = np.exp(-(energy - energy.min()))
        p /= p.sum()
        if not np.array_equal((p @ free[:, :4]) > 0.5, eye[k] > 0.5):
            return False
    return True


def run_encoder(args):
    eye = np.eye(4)
    patterns = np.hstack([eye, eye])
    X = np.tile(patterns, (10, 1))
    cues = np.hstack([eye, np.full((4, 4), np.nan)])
    rows = []
    for n_init in args.encoder_n_init:
        settings = dict(n_hidden=2, connectivity=encoder_mask(), learning_rate=0.5,
                        n_iter=300, n_init=n_init)
        predicted = exact = 0
        scores, seconds = [], []
        for seed in range(args.seeds):
            start = time.perf_counter()
            model = BoltzmannMachine(random_state=seed, **settings).fit(X)
            seconds.append(time.perf_counter() - start)
            predicted += np.array_equal(model.predict(cues)[:, 4:], eye)
            exact += _exact_completion_ok(model, eye)
            scores.append(model.score(patterns))
        rows.append([f"lr 0.5, 300 passes, n_init={n_init}",
                     f"{predicted}/{args.seeds}", f"{exact}/{args.seeds}",
                     f"{np.mean(scores):.3f}", f"{np.median(seconds):.2f}"])
    headers = ["settings", "predict completes all 4", "exact marginals do",
               "mean log p(pattern)", "fit s (median)"]
    print("\n## The 4-2-4 encoder (40 rows: the 4 patterns 10 times)\n")
    print(format_table(headers, rows, markdown=args.markdown))
    return FiguresTable("encoder", headers, rows, Headline(
        ("predict completes all 4", "exact marginals do", "mean log p(pattern)")))


# -- held-out likelihood against RBMs ------------------------------------------------


def pooled_digits(seed=0):
    images = load_digits().data.reshape(-1, 8, 8)
    X = (images.reshape(-1, 4, 2, 4, 2).mean(axis=(2, 4)) > 6).reshape(-1, 16)
    X = X.astype(np.float64)[np.random.RandomState(seed).permutation(len(X))]
    return X[:1200], X[1200:]


def rbm_log_likelihood(weights, hidden_bias, visible_bias, X):
    """Exact log p(v) of an RBM with few hidden units (weights: hidden x visible)."""
    hidden = np.array(list(itertools.product([0.0, 1.0], repeat=weights.shape[0])))
    # Sum out the visible units for each hidden state: log Z.
    visible_input = hidden @ weights + visible_bias
    log_z = np.logaddexp.reduce(hidden @ hidden_bias + np.logaddexp(0, visible_input).sum(1))
    free = X @ visible_bias + np.logaddexp(0, X @ weights.T + hidden_bias).sum(axis=1)
    return free - log_z


def run_likelihood(args):
    train, test = pooled_digits()
    n_hidden = 4
    rows = []

    def add(name, fit, scorer):
        start = time.perf_counter()
        model = fit()
        seconds = time.perf_counter() - start
        rows.append([name, f"{scorer(model, train):.3f}", f"{scorer(model, test):.3f}",
                     f"{seconds:.1f}"])
        return scorer(model, test)

    def bm_score(model, X):
        return model.score(X)

    def skgen_rbm_score(model, X):
        return model.score(X)

    def sklearn_rbm_score(model, X):
        return float(np.mean(rbm_log_likelihood(model.components_, model.intercept_hidden_,
                                                model.intercept_visible_, X)))

    for settings in args.bm_settings:
        params = eval(f"dict({settings})")
        add(f"BoltzmannMachine({settings})",
            lambda: BoltzmannMachine(n_hidden=n_hidden, random_state=0, **params).fit(train),
            bm_score)
    best = {}
    for learning_rate, n_iter in itertools.product((0.01, 0.02, 0.05, 0.1), (100, 1000)):
        best.setdefault("skgen", []).append(add(
            f"skgen BernoulliRBM(lr={learning_rate}, n_iter={n_iter})",
            lambda: BernoulliRBM(n_components=n_hidden, learning_rate=learning_rate,
                                 n_iter=n_iter, random_state=0).fit(train),
            skgen_rbm_score))
        best.setdefault("sklearn", []).append(add(
            f"sklearn BernoulliRBM(lr={learning_rate}, n_iter={n_iter})",
            lambda: SklearnRBM(n_components=n_hidden, learning_rate=learning_rate,
                               n_iter=n_iter, random_state=0).fit(train),
            sklearn_rbm_score))
    print("\n## Exact log-likelihood, pooled binary digits (16 visible, 4 hidden units)\n")
    headers = ["model", "train", "held out", "fit s"]
    print(format_table(headers, rows, markdown=args.markdown))
    print(f"\nbest held out: skgen RBM {max(best['skgen']):.3f}, sklearn RBM "
          f"{max(best['sklearn']):.3f}")
    return FiguresTable("likelihood", headers, rows, Headline(("held out",)))


# -- speed -----------------------------------------------------------------------------


def torch_sweeps(torch, weights, bias, n_chains, schedule, n_sweeps, seed):
    """Gibbs sweeps in PyTorch: units in turn, each from a matrix-vector product."""
    generator = torch.Generator().manual_seed(seed)
    W = torch.from_numpy(weights)
    b = torch.from_numpy(bias)
    n_units = W.shape[0]
    states = (torch.rand(n_chains, n_units, generator=generator, dtype=W.dtype) < 0.5).to(
        W.dtype)
    for temperature in list(schedule) + [1.0] * n_sweeps:
        for i in range(n_units):
            field = states @ W[:, i] + b[i]
            p = torch.sigmoid(field / temperature)
            states[:, i] = (torch.rand(n_chains, generator=generator, dtype=W.dtype)
                            < p).to(W.dtype)
    return states


def run_speed(args):
    torch, missing = try_import_torch()
    if torch is not None:
        torch.set_num_threads(args.threads or torch.get_num_threads())
    rows = []
    for n_units in args.units:
        rng = np.random.default_rng(0)
        data = (rng.random((200, n_units - 10)) < 0.3).astype(np.float64)
        for dtype in (np.float64, np.float32):
            model = BoltzmannMachine(n_hidden=10, n_iter=1, n_particles=10,
                                     random_state=0).fit(data.astype(dtype))
            schedule = model._schedule()
            sweeps = len(schedule) + model.n_sweeps
            weights = model.weights_
            bias = model.bias_
            tasks = {"skgen": lambda: _time(model.sample, args.chains, random_state=0)}
            if torch is not None:
                tasks["torch"] = lambda: _time(torch_sweeps, torch, weights, bias, args.chains,
                                               schedule, model.n_sweeps, 0)
            model.sample(2, random_state=0)  # compile outside the timings
            times = interleave(tasks, args.repeats)
            chain_sweeps = args.chains * sweeps
            skgen_rate = chain_sweeps / np.median(times["skgen"])
            torch_rate = (chain_sweeps / np.median(times["torch"])
                          if "torch" in times else None)
            bound = gemm_rate(args.chains, n_units, n_units, np.dtype(dtype)) / (
                2.0 * n_units * n_units)
            rows.append([str(n_units), np.dtype(dtype).name, format_number(skgen_rate),
                         format_number(torch_rate) if torch_rate else "-",
                         format_ratio(ratio(skgen_rate, torch_rate)),
                         format_percent(skgen_rate / bound)])
    print(f"\n## Gibbs sweeps of {args.chains} free chains (chain sweeps per second)\n")
    if missing:
        print(missing)
    headers = ["units", "dtype", "skgen", "torch", "skgen/torch", "skgen % of GEMM bound"]
    print(format_table(headers, rows, markdown=args.markdown))
    return FiguresTable("speed", headers, rows, Headline(
        ("skgen", "skgen/torch", "skgen % of GEMM bound"), keys=2))


def _time(function, *args, **kwargs):
    start = time.perf_counter()
    function(*args, **kwargs)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sections", nargs="+", choices=SECTIONS, default=list(SECTIONS))
    parser.add_argument("--seeds", type=int, default=20, help="encoder seeds")
    parser.add_argument("--encoder-n-init", type=int, nargs="+", default=[1, 3])
    parser.add_argument("--bm-settings", nargs="+",
                        default=["", "persistent=True", "n_iter=30"],
                        help="BoltzmannMachine keyword settings for the likelihood "
                             "section, e.g. 'learning_rate=0.05, n_iter=30'")
    parser.add_argument("--units", type=int, nargs="+", default=[50, 200])
    parser.add_argument("--chains", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int, default=None)
    add_markdown_argument(parser)
    args = parser.parse_args()
    torch, _ = try_import_torch()
    info = machine_info(torch)
    print(format_info(info, markdown=args.markdown))
    runs = {"encoder": run_encoder, "likelihood": run_likelihood, "speed": run_speed}
    write_figures(args, [runs[section](args) for section in args.sections], info)


if __name__ == "__main__":
    main()
