"""Speed of AIS, the estimate of log Z behind ``score``, against the GEMM bound.

One AIS step moves every run one inverse temperature on: the hidden input
``v @ W.T`` (the log weight and the hidden draw), then ``h @ W`` (the visible
draw), two products of 2 V H flops per run. The table gives skgen's rate in run
steps per second (``log_partition("ais")`` with an explicit schedule, so that
no pilot run is timed), the rate at which numpy runs the same two products on
the same shapes (C-ordered outputs, as the kernel's), and skgen's share of it:
the rest of the time goes to the draws and the log weights. The model is a
BernoulliRBM with 784 visible and 500 hidden units fitted for one pass over the
MNIST subset; its parameters do not change the work. All contenders are timed
in one process, interleaved (skgen, before, GEMM, skgen, ...).

``--defaults`` also times one call of ``log_partition()`` at the estimator's
defaults, its pilot run included, as ``score`` makes it.

``--study`` measures instead how accurate AIS is on the 784 x 500 RBM of
``bench_quality.py``'s ``ais`` section (PCD, 50 passes over the binarised
images): the error of log Z against a long reference run for each base model
(the hidden units uniform, as before issue 14, or with the data's mean
activations), schedule (placed by a pilot run, evenly spaced, or Salakhutdinov
& Murray's) and number of inverse temperatures, over several seeds, with 100
runs each; the choice of the defaults rests on it.

Run ``python benchmarks/bench_ais.py --help`` for the options.
"""

import argparse
import sys
import time

import numpy as np
import scipy.linalg  # noqa: F401  (loads the BLAS of Numba's products before --threads caps it)
from _common import (
    PAUSE_SECONDS,
    FiguresTable,
    Headline,
    add_markdown_argument,
    format_info,
    format_number,
    format_percent,
    format_ratio,
    format_table,
    gemm_rates,
    interleave,
    limit_threads,
    load_mnist,
    machine_info,
    ratio,
    timed,
    with_earlier,
    write_figures,
)

import skgen

N_VISIBLE, N_HIDDEN = 784, 500
DTYPES = ("float64", "float32")

#: Fitted models, one per skgen package (this one and, with $SKGEN_BEFORE, the
#: earlier one) and dtype.
_MODELS = {}


def fitted_model(dtype):
    """The benchmarked BernoulliRBM of the global ``skgen`` (see ``with_earlier``)."""
    key = (skgen.__name__, dtype)
    if key not in _MODELS:
        X, _ = load_mnist()
        _MODELS[key] = skgen.BernoulliRBM(n_components=N_HIDDEN, n_iter=1,
                                          learning_rate=0.05, random_state=0).fit(
            X.astype(dtype))
    return _MODELS[key]


def ais_skgen(dtype, n_chains, betas):
    """One AIS estimate over ``betas`` with ``n_chains`` runs, uncached."""
    return fitted_model(dtype).log_partition(
        "ais", n_chains=n_chains, betas=betas, random_state=np.random.RandomState(0))


#: log Z of each default run, by contender and dtype.
_DEFAULT_ESTIMATES = {}


def default_skgen(dtype):
    """``log_partition()`` at the estimator's defaults, uncached."""
    model = fitted_model(dtype)
    model.__dict__.pop("_log_partition_cache", None)
    value = model.log_partition("ais")
    _DEFAULT_ESTIMATES[(skgen.__name__, dtype)] = value
    return value


def gemm_bound_task(dtype, n_chains, n_trials):
    """A task measuring numpy's rate for one AIS step's two products, in flops/s:
    (M x V) @ (V x H) with the transpose of a C-ordered (H, V), then
    (M x H) @ (H x V), both into C-ordered outputs; equal flops, so the rate of
    the pair is the harmonic mean of the two."""

    def task():
        hidden_input = gemm_rates(n_chains, N_VISIBLE, N_HIDDEN, np.dtype(dtype),
                                  n_trials=n_trials, transposed_b=True)
        visible_input = gemm_rates(n_chains, N_HIDDEN, N_VISIBLE, np.dtype(dtype),
                                   n_trials=n_trials, transposed_b=False)
        return 2.0 / (1.0 / hidden_input + 1.0 / visible_input)

    return task


def benchmark(dtype, n_chains, n_betas, repeats, gemm_trials, pause, log):
    """Rates of the contenders in run steps per second, and the GEMM bound."""
    betas = np.linspace(0.0, 1.0, n_betas)
    runs = with_earlier({"skgen": ais_skgen}, globals())
    for run in runs.values():  # warm-up: fit, and load or compile the kernels
        run(dtype, n_chains, betas[::n_betas - 1])
    tasks = {name: timed(run, dtype, n_chains, betas) for name, run in runs.items()}
    tasks["gemm"] = gemm_bound_task(dtype, n_chains, gemm_trials)
    n_steps = n_chains * (n_betas - 1)

    def progress(round_index, name, measurement):
        shown = (f"{np.median(measurement) / 1e9:.1f} Gflop/s" if name == "gemm"
                 else f"{measurement:.3f} s ({n_steps / measurement:,.0f} steps/s)")
        log(f"  {dtype} round {round_index + 1}: {name:<6} {shown}")

    measured = interleave(tasks, repeats, pause=pause, progress=progress)
    gemm_flops = float(np.median(measured.pop("gemm")))
    rates = {name: n_steps / float(np.median(times)) for name, times in measured.items()}
    return {"dtype": dtype, "rates": rates, "gemm_flops": gemm_flops,
            "gemm_bound": gemm_flops / (4.0 * N_VISIBLE * N_HIDDEN)}


def time_defaults(dtype, repeats, pause, log):
    """Seconds of one ``log_partition()`` at the defaults, per contender (median)."""
    runs = with_earlier({"skgen": default_skgen}, globals())
    tasks = {name: timed(run, dtype) for name, run in runs.items()}

    def progress(round_index, name, seconds):
        log(f"  defaults {dtype} round {round_index + 1}: {name:<6} {seconds:.1f} s")

    measured = interleave(tasks, repeats, pause=pause, progress=progress)
    return {name: float(np.median(times)) for name, times in measured.items()}


#: Salakhutdinov & Murray's schedule (skgen's before issue 14): 500 inverse
#: temperatures in [0, 0.5), 4,000 in [0.5, 0.9) and 10,000 in [0.9, 1], this
#: shape for any length.
_SM_FRACTIONS = np.array([0.0, 500 / 14500, 4500 / 14500, 1.0])
_SM_BETAS = np.array([0.0, 0.5, 0.9, 1.0])

#: The schedules of ``--study``: a function of the number of inverse
#: temperatures giving ``log_partition``'s options.
STUDY_SCHEDULES = {
    "adapted": lambda n: {"n_betas": n},
    "even": lambda n: {"betas": np.linspace(0.0, 1.0, n)},
    "S&M": lambda n: {"betas": np.interp(np.linspace(0.0, 1.0, n), _SM_FRACTIONS,
                                         _SM_BETAS)},
}


def study(quick, log):
    """Rows of the accuracy table of ``--study``, and the reference log Z."""
    import copy

    from bench_quality import ais_model

    model = ais_model(quick)
    uniform = copy.deepcopy(model)
    uniform._hidden_mean = np.full(model.n_components, 0.5)  # logits 0
    bases = {"data": model, "uniform": uniform}
    n_ref, n_chains_ref = (500, 50) if quick else (20000, 200)
    start = time.perf_counter()
    reference, reference_std = model.log_partition(
        "ais", n_betas=n_ref, n_chains=n_chains_ref, random_state=101, return_std=True)
    log(f"reference ({n_ref} betas, {n_chains_ref} runs, data base): "
        f"{reference:.2f} +/- {reference_std:.2f} ({time.perf_counter() - start:.0f} s)")
    seeds = (0,) if quick else (0, 1, 2)
    rows = []
    for n_betas in ((50, 100) if quick else (1000, 2000, 3000)):
        for base, estimator in bases.items():
            for schedule, options in STUDY_SCHEDULES.items():
                errors, stds, seconds = [], [], []
                for seed in seeds:
                    start = time.perf_counter()
                    value, std = estimator.log_partition(
                        "ais", n_chains=100, random_state=seed, return_std=True,
                        **options(n_betas))
                    seconds.append(time.perf_counter() - start)
                    errors.append(value - reference)
                    stds.append(std)
                    log(f"  {base} {schedule} {n_betas} seed {seed}: {value:.2f} "
                        f"+/- {std:.2f} ({seconds[-1]:.1f} s)")
                rows.append([base, schedule, str(n_betas),
                             " ".join(f"{e:+.2f}" for e in errors),
                             f"{np.max(np.abs(errors)):.2f}", f"{np.mean(stds):.2f}",
                             f"{np.mean(seconds):.1f}"])
    return rows, (reference, reference_std, n_ref, n_chains_ref)


def table_rows(results, n_chains):
    rows = []
    for result in results:
        rates, bound = result["rates"], result["gemm_bound"]
        row = [f"H={N_HIDDEN} V={N_VISIBLE} M={n_chains}", result["dtype"],
               format_number(rates["skgen"]), format_number(result["gemm_flops"] / 1e9, 1),
               format_number(bound), format_percent(ratio(rates["skgen"], bound))]
        if "before" in rates:
            row += [format_number(rates["before"]),
                    format_ratio(ratio(rates["skgen"], rates["before"])),
                    format_percent(ratio(rates["before"], bound))]
        rows.append(row)
    return rows


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description="AIS speed against the GEMM bound.")
    parser.add_argument("--quick", action="store_true",
                        help="smoke test: 30 inverse temperatures, 2 repeats")
    parser.add_argument("--n-betas", type=int, default=None,
                        help="inverse temperatures per timed call (default 300)")
    parser.add_argument("--n-chains", type=int, default=100,
                        help="AIS runs (default 100, the estimators' ais_n_chains)")
    parser.add_argument("--repeats", type=int, default=None,
                        help="interleaved repeats (default 5, quick 2)")
    parser.add_argument("--defaults", action="store_true",
                        help="also time log_partition() at the estimator's defaults")
    parser.add_argument("--study", action="store_true",
                        help="instead: the accuracy of schedules and base models on a "
                        "trained 784 x 500 RBM (tens of minutes)")
    parser.add_argument("--threads", type=int, default=None,
                        help="cap the BLAS and OpenMP thread pools")
    parser.add_argument("--pause", type=float, default=PAUSE_SECONDS,
                        help="seconds of idle time before each timed call")
    add_markdown_argument(parser)
    args = parser.parse_args(argv)
    if args.n_betas is None:
        args.n_betas = 30 if args.quick else 300
    if args.repeats is None:
        args.repeats = 2 if args.quick else 5
    if min(args.n_betas - 1, args.n_chains, args.repeats, args.threads or 1) < 1 \
            or args.pause < 0:
        parser.error("--n-betas must be at least 2, the other counts positive")
    return args


def main(argv=None):
    args = parse_args(argv)

    def log(line):
        print(line, file=sys.stderr, flush=True)

    start = time.perf_counter()
    if args.study:
        with limit_threads(args.threads):
            info = machine_info()
            rows, (reference, std, n_ref, n_chains_ref) = study(args.quick, log)
        headers = ["hidden base", "schedule", "n_betas", "error per seed", "max |error|",
                   "mean std", "mean s"]
        print(format_info(info, markdown=args.markdown))
        print()
        print(format_table(headers, rows, markdown=args.markdown, left_columns=2))
        print()
        print(f"- Error = log Z minus the reference {reference:.2f} +/- {std:.2f} "
              f"({n_ref} adapted betas, {n_chains_ref} runs, data base, seed 101); "
              "100 runs each, seeds 0, 1, 2; adapted: the pilot run's time included.")
        print(f"- Whole run: {time.perf_counter() - start:.0f} s.")
        write_figures(args, [FiguresTable("study", headers, rows, Headline(
            ("max |error|", "mean s"), keys=3))], info, name="bench_ais --study")
        return
    with limit_threads(args.threads):
        info = machine_info()
        results = [benchmark(dtype, args.n_chains, args.n_betas, args.repeats,
                             10 if args.quick else 30, args.pause, log)
                   for dtype in DTYPES]
        defaults = ({dtype: time_defaults(dtype, 1 if args.quick else 3, args.pause, log)
                     for dtype in DTYPES} if args.defaults else {})
    headers = ["model", "dtype", "skgen steps/s", "GEMM Gflop/s", "GEMM bound",
               "skgen % bound"]
    if "before" in results[0]["rates"]:
        headers += ["before", "skgen/before", "before % bound"]
    rows = table_rows(results, args.n_chains)
    print(format_info(info, markdown=args.markdown))
    print()
    print(format_table(headers, rows, markdown=args.markdown, left_columns=2))
    print()
    print(f"- A step moves one AIS run one inverse temperature on (median of "
          f"{args.repeats} interleaved calls over {args.n_betas} inverse temperatures "
          f"and {args.n_chains} runs).")
    print("- GEMM bound = numpy's median rate for the step's two products, "
          f"/ (4 * {N_VISIBLE} * {N_HIDDEN}) flops per step.")
    for dtype, seconds in defaults.items():
        shown = ", ".join(f"{name} {value:.1f} s" for name, value in seconds.items())
        estimates = ", ".join(f"{package} {value:.2f}" for (package, of), value
                              in _DEFAULT_ESTIMATES.items() if of == dtype)
        print(f"- log_partition() at the defaults, {dtype}: {shown} (log Z: "
              f"{estimates}).")
    print(f"- Whole run: {time.perf_counter() - start:.0f} s.")
    write_figures(args, [FiguresTable("speed", headers, rows, Headline(
        ("skgen steps/s", "skgen % bound", "skgen/before"), keys=2))], info)


if __name__ == "__main__":
    main()
