"""Hopfield networks: capacity of the learning rules, recall speed, and the
modern network's inverse temperature.

Sections (``--sections`` picks some; all by default):

- ``capacity``: ``HopfieldNetwork`` with n = 500 units storing P random -1/+1
  patterns, for loads alpha = P / n from 0.02 to 0.5 and each learning rule
  (Hebbian, Storkey, pseudo-inverse): the share of stored patterns that are
  fixed points, the share recalled exactly from cues with 10% of their units
  flipped, and the mean overlap ``x.pattern / n`` after that recall, averaged
  over ``--trials`` pattern sets. Hebbian recall should collapse near
  alpha = 0.138 (Amit, Gutfreund and Sompolinsky 1985).
- ``speed``: asynchronous recall to a fixed point, n = 1000 units, Hebbian
  weights of 50 patterns, 10,000 cues with 10% of their units flipped, skgen
  beside the PyPI package ``hopfieldnetwork`` (1.0.1, a Python loop over the
  units), interleaved in one process. The peer is timed on ``--peer-cues``
  cues and its rate extrapolated to all of them.
- ``modern``: ``ModernHopfieldNetwork`` retrieval of random -1/+1 patterns
  from cues with a tenth of their units flipped, over dimensions, loads and
  inverse temperatures beta: the share of cues retrieved to within 1e-6,
  which chose the default beta.

Run ``python benchmarks/bench_hopfield.py --help`` for the options.
"""

import importlib.util

import numpy as np
from _common import (
    PAUSE_SECONDS,
    Headline,
    interleave,
    median_rate,
    print_sections,
    section_parser,
    timed,
)

RULES = ("hebbian", "storkey", "pseudoinverse")
LOADS = (0.02, 0.05, 0.08, 0.1, 0.12, 0.14, 0.16, 0.2, 0.3, 0.4, 0.5)
NOISE = 0.1


def spins(n_rows, n_units, rng):
    return rng.choice([-1.0, 1.0], size=(n_rows, n_units))


def corrupt(patterns, share, rng):
    """The patterns with ``share`` of the units of each row flipped."""
    cues = patterns.copy()
    n_flips = int(round(share * patterns.shape[1]))
    for row in cues:
        flipped = rng.choice(patterns.shape[1], n_flips, replace=False)
        row[flipped] = -row[flipped]
    return cues


def capacity_curve(n_units, loads, rules, n_trials, seed=0):
    """{rule: rows of (load, fixed-point share, exact-recall share, mean overlap)}."""
    from skgen import HopfieldNetwork

    curves = {rule: [] for rule in rules}
    for load in loads:
        n_patterns = max(1, int(round(load * n_units)))
        totals = {rule: np.zeros(3) for rule in rules}
        for trial in range(n_trials):
            rng = np.random.RandomState(seed + trial)
            patterns = spins(n_patterns, n_units, rng)
            cues = corrupt(patterns, NOISE, rng)
            for rule in rules:
                memory = HopfieldNetwork(rule, random_state=trial).fit(patterns)
                stable = memory.recall(patterns)
                fixed = (stable.n_sweeps == 1) & stable.converged
                recalled = memory.recall(cues).states
                totals[rule] += (fixed.mean(), (recalled == patterns).all(axis=1).mean(),
                                 np.mean(np.einsum("ij,ij->i", recalled, patterns))
                                 / n_units)
        for rule in rules:
            curves[rule].append((load, *(totals[rule] / n_trials)))
    return curves


def capacity(args):
    n_units = 100 if args.quick else args.units
    n_trials = 1 if args.quick else args.trials
    curves = capacity_curve(n_units, LOADS, RULES, n_trials)
    rows = []
    for index, load in enumerate(LOADS):
        row = [f"{load:g}", str(max(1, int(round(load * n_units))))]
        for rule in RULES:
            _, fixed, exact, overlap = curves[rule][index]
            row += [f"{fixed:.2f}", f"{exact:.2f}", f"{overlap:.3f}"]
        rows.append(row)
    headers = ("alpha", "P", *(f"{rule} {what}" for rule in RULES
                               for what in ("fixed", "recalled", "overlap")))
    title = (f"Capacity: n = {n_units} units, random -1/+1 patterns, recall from "
             f"{NOISE:.0%} flipped units (asynchronous, temperature 0); shares and mean "
             f"overlap over {n_trials} pattern set(s)")
    return title, headers, rows


def peer_recall(weights, cues):
    """Asynchronous recall of each cue to a fixed point with ``hopfieldnetwork``."""
    import hopfieldnetwork

    network = hopfieldnetwork.HopfieldNetwork(N=weights.shape[0])
    network.w = weights
    for cue in cues:
        network.set_initial_neurons_state(cue.astype(np.int8))
        # No fixed number of sweeps, then sweeps until one changes nothing.
        network.update_neurons(0, "async", run_max=True)


def speed(args):
    from skgen import HopfieldNetwork

    n_units, n_cues = (200, 1000) if args.quick else (args.speed_units, args.cues)
    rng = np.random.RandomState(0)
    patterns = spins(50, n_units, rng)
    cues = corrupt(patterns[rng.randint(0, 50, n_cues)], NOISE, rng)
    memory = HopfieldNetwork(random_state=0).fit(patterns)
    memory.predict(cues[:10])  # compile (or load the cache), outside the timing
    tasks = {"skgen": timed(memory.predict, cues)}
    n_items = {"skgen": n_cues}
    peer = importlib.util.find_spec("hopfieldnetwork") is not None
    n_peer = min(args.peer_cues, n_cues)
    if peer:
        from hopfieldnetwork import construct_hebb_matrix

        # The peer's Hebbian matrix is skgen's: (1/n) sum_p x x^T, zero diagonal.
        peer_weights = sum(construct_hebb_matrix(p) for p in patterns)
        assert np.allclose(peer_weights, memory.weights_)
        tasks["hopfieldnetwork"] = timed(peer_recall, peer_weights, cues[:n_peer])
        n_items["hopfieldnetwork"] = n_peer
    times = interleave(tasks, args.repeats, pause=PAUSE_SECONDS)
    rates = {name: median_rate(n_items[name], seconds) for name, seconds in times.items()}
    rows = [("skgen", str(n_cues), f"{np.median(times['skgen']):.2f}",
             f"{rates['skgen']:,.0f}", "")]
    if peer:
        rows.append(("hopfieldnetwork 1.0.1", f"{n_peer} (of {n_cues})",
                     f"{np.median(times['hopfieldnetwork']):.2f}",
                     f"{rates['hopfieldnetwork']:,.0f}",
                     f"{n_cues / rates['hopfieldnetwork']:.0f} s for all"))
        rows.append(("skgen / hopfieldnetwork (speed)", "", "",
                     f"{rates['skgen'] / rates['hopfieldnetwork']:,.0f}x", ""))
    title = (f"Asynchronous recall to a fixed point: n = {n_units}, Hebbian weights of 50 "
             f"patterns, {n_cues} cues with {NOISE:.0%} flipped units, float64; median of "
             f"{args.repeats} interleaved rounds"
             + ("" if peer else " (hopfieldnetwork not installed: skipped)"))
    return title, ("contender", "cues timed", "s", "cues/s", "note"), rows


def modern(args):
    from skgen import ModernHopfieldNetwork

    dimensions = (32,) if args.quick else (16, 32, 64, 128)
    betas = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0)
    rows = []
    for n_units in dimensions:
        for load in (1, 10, 100):
            rng = np.random.RandomState(n_units + load)
            patterns = spins(load * n_units, n_units, rng)
            targets = patterns[:200]
            cues = corrupt(targets, NOISE, rng)
            row = [str(n_units), str(load * n_units)]
            for beta in betas:
                retrieved = ModernHopfieldNetwork(beta=beta).fit(patterns).predict(cues)
                exact = np.abs(retrieved - targets).max(axis=1) <= 1e-6
                row.append(f"{exact.mean():.2f}")
            rows.append(row)
    title = (f"Modern Hopfield retrieval: share of 200 cues ({NOISE:.0%} of units "
             "flipped) retrieved to within 1e-6, max_iter=10, by beta")
    return title, ("n", "P", *(f"beta {beta:g}" for beta in betas)), rows


SECTIONS = {"capacity": capacity, "speed": speed, "modern": modern}

#: The columns of each section's table that go to the current figures: the
#: recall shares, the speed, and retrieval at the default beta.
HEADLINES = {
    "capacity": Headline(tuple(f"{rule} recalled" for rule in RULES)),
    "speed": Headline(("cues/s",)),
    "modern": Headline(("beta 2",), keys=2),
}


def main():
    parser = section_parser(__doc__.split("\n\n")[0], SECTIONS)
    parser.add_argument("--units", type=int, default=500,
                        help="capacity: units (default 500)")
    parser.add_argument("--trials", type=int, default=3,
                        help="capacity: pattern sets per load (default 3)")
    parser.add_argument("--speed-units", type=int, default=1000,
                        help="speed: units (default 1000)")
    parser.add_argument("--cues", type=int, default=10000,
                        help="speed: cues that skgen recalls (default 10000)")
    parser.add_argument("--peer-cues", type=int, default=100,
                        help="speed: cues that hopfieldnetwork recalls (default 100)")
    parser.add_argument("--repeats", type=int, default=3,
                        help="speed: interleaved repeats (default 3)")
    parser.add_argument("--threads", type=int, default=None,
                        help="BLAS threads (default: all cores)")
    print_sections(SECTIONS, parser.parse_args(), headlines=HEADLINES)


if __name__ == "__main__":
    main()
