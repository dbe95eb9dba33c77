"""Speed of autoencoder training: skgen vs scikit-learn's MLPRegressor vs PyTorch.

All contenders train a 784-256-784 network with sigmoid hidden units by Adam
(learning rate 1e-3, no L2 penalty) on the same shuffled MNIST rows, in the same
mini-batches, for the same number of epochs, and are timed in one process,
interleaved (skgen, sklearn, torch, GEMM, skgen, ...). Two models:

- "bce": sigmoid outputs and binary cross-entropy (skgen and PyTorch; sklearn's
  MLPRegressor has no such loss);
- "mse": identity outputs and squared error, which is what
  ``MLPRegressor().fit(X, X)`` trains (all three).

The table gives the median throughput of each in training samples per second,
the ratios of these medians, and skgen's share of a "GEMM bound": numpy's rate
for the (B x 784) @ (784 x 256) product divided by the 10 * 784 * 256 flops a
sample costs (five products of 2 * 784 * 256: two forward, two for the weight
gradients, one for the hidden layer's gradient).

Run ``python benchmarks/bench_autoencoder.py --help`` for the options.
"""

import argparse
import warnings
from dataclasses import dataclass

import numpy as np
from _common import (
    PAUSE_SECONDS,
    add_speed_arguments,
    check_speed_arguments,
    dtype_copies,
    format_ratio,
    format_speed_report,
    gemm_rates,
    load_mnist,
    ratio,
    rows_per_contender,
    run_speed_benchmark,
    speed_figures,
    time_contenders,
    timed,
    try_import_torch,
    with_earlier,
    write_figures,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPRegressor

import skgen

torch, TORCH_MISSING = try_import_torch()

N_HIDDEN = 256
LEARNING_RATE = 1e-3
#: (loss, batch size) of the benchmarked runs.
SHAPES = (("bce", 128), ("bce", 32), ("mse", 128), ("mse", 32))
DTYPES = ("float32", "float64")

#: Flops per training sample, in units of 784 * 256 (see the module docstring).
FLOPS_PER_SAMPLE = 10

#: The issue's targets, checked in the notes.
TARGETS = (
    ("bce", 128, "float32", "torch", 1.2),
    ("bce", 32, "float32", "torch", 1.0),
    ("mse", 128, "float32", "sklearn", 10.0),
    ("mse", 32, "float32", "sklearn", 10.0),
)


@dataclass(frozen=True)
class Config:
    """One benchmarked run: loss, mini-batch size and dtype."""

    loss: str
    batch_size: int
    dtype: str

    @property
    def label(self):
        return f"{self.loss} B={self.batch_size}"

    @property
    def output_activation(self):
        return "sigmoid" if self.loss == "bce" else "identity"


# -- the contenders -------------------------------------------------------------------


def _training_params(config, n_epochs):
    """The parameters skgen and sklearn share: ``n_epochs`` passes of Adam, no early
    stop, no L2 penalty."""
    return {
        "hidden_layer_sizes": (N_HIDDEN,),
        "alpha": 0.0,
        "batch_size": config.batch_size,
        "learning_rate_init": LEARNING_RATE,
        "max_iter": n_epochs,
        "tol": 0.0,
        "n_iter_no_change": n_epochs + 1,
        "random_state": 0,
    }


def fit_skgen(X, config, n_epochs):
    """skgen's Autoencoder for ``n_epochs`` passes."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return skgen.Autoencoder(
            activation="sigmoid", output_activation=config.output_activation,
            loss=config.loss, **_training_params(config, n_epochs),
        ).fit(X)


def fit_sklearn(X, config, n_epochs):
    """sklearn's ``MLPRegressor().fit(X, X)``: identity outputs, squared error."""
    if config.loss != "mse":
        raise ValueError("MLPRegressor only trains squared error with identity outputs")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return MLPRegressor(
            activation="logistic", **_training_params(config, n_epochs)
        ).fit(X, X)


def torch_autoencoder_fit(X, loss, batch_size, n_epochs, learning_rate=LEARNING_RATE,
                          seed=0):
    """Train a 784-256-784 sigmoid autoencoder with a plain PyTorch loop.

    The usual CPU training loop: ``nn.Sequential(Linear, Sigmoid, Linear)``,
    ``torch.optim.Adam`` with its defaults, and per mini-batch ``zero_grad``,
    forward, loss, ``backward`` and ``step``. The losses are skgen's: summed over
    the features and averaged over the mini-batch, binary cross-entropy on the
    logits (``BCEWithLogitsLoss``, i.e. sigmoid outputs) or half the squared
    error of identity outputs. The rows are visited in a new random order on
    each pass.

    Parameters
    ----------
    X : torch.Tensor of shape (n_samples, n_features), float32 or float64
    loss : {"bce", "mse"}
    batch_size, n_epochs, learning_rate : int, int, float
    seed : int
        Seed of the initial weights and of the order of the rows.

    Returns
    -------
    model : torch.nn.Sequential
    """
    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)
    n_samples, n_features = X.shape
    model = torch.nn.Sequential(
        torch.nn.Linear(n_features, N_HIDDEN),
        torch.nn.Sigmoid(),
        torch.nn.Linear(N_HIDDEN, n_features),
    ).to(X.dtype)
    optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate)
    bce = torch.nn.BCEWithLogitsLoss(reduction="sum")
    for _ in range(n_epochs):
        order = torch.randperm(n_samples, generator=generator)
        for start in range(0, n_samples, batch_size):
            batch = X[order[start:start + batch_size]]
            optimizer.zero_grad()
            output = model(batch)
            if loss == "bce":
                objective = bce(output, batch)
            else:
                objective = 0.5 * (output - batch).pow(2).sum()
            (objective / batch.shape[0]).backward()
            optimizer.step()
    return model


def fit_torch(X, config, n_epochs):
    """:func:`torch_autoencoder_fit` on the tensor X."""
    return torch_autoencoder_fit(X, config.loss, config.batch_size, n_epochs)


# -- one configuration ------------------------------------------------------------------


def gemm_bound_task(config, n_features, n_trials):
    """A task measuring numpy's rate for the ``(B x V) @ (V x H)`` product, in flops/s."""

    def task():
        return gemm_rates(config.batch_size, n_features, N_HIDDEN,
                          np.dtype(config.dtype), n_trials=n_trials)

    return task


def benchmark_config(config, X, n_samples, n_epochs, repeats, gemm_trials,
                     pause=PAUSE_SECONDS, log=None):
    """Time the contenders on one configuration, each fit ``n_epochs`` passes over
    its ``n_samples`` rows of X; return ``_common.time_contenders``'s result with
    the config, the GEMM bound and skgen's share of it."""
    fits = with_earlier({"skgen": fit_skgen}, globals())
    if config.loss == "mse":
        fits["sklearn"] = fit_sklearn
    if torch is not None:
        fits["torch"] = fit_torch
    subsets = {name: X[:n_samples[name]] for name in fits}
    if "torch" in subsets:
        subsets["torch"] = torch.from_numpy(subsets["torch"])
    # Warm-up, untimed: Numba loads or compiles the kernels for this dtype, and
    # every contender touches its code and data once.
    for name, fit in fits.items():
        fit(subsets[name][: 20 * config.batch_size], config, 1)

    tasks = {name: timed(fit, subsets[name], config, n_epochs) for name, fit in fits.items()}
    tasks["gemm"] = gemm_bound_task(config, X.shape[1], gemm_trials)
    n_items = {name: n_epochs * n_samples[name] for name in fits}
    result = time_contenders(tasks, n_items, repeats, f"{config.label} {config.dtype}",
                             pause=pause, log=log)
    gemm_bound = result["gemm_flops"] / (FLOPS_PER_SAMPLE * X.shape[1] * N_HIDDEN)
    return {**result, "config": config, "gemm_bound": gemm_bound,
            "skgen_of_bound": ratio(result["rates"]["skgen"], gemm_bound)}


# -- report -----------------------------------------------------------------------------


def target_lines(results):
    """One line per target of the issue: reached or not."""
    found = {
        (r["config"].loss, r["config"].batch_size, r["config"].dtype): r for r in results
    }
    lines = []
    for loss, batch_size, dtype, rival, target in TARGETS:
        result = found.get((loss, batch_size, dtype))
        reached = None if result is None else result[f"skgen_vs_{rival}"]
        status = "n/a" if reached is None else ("met" if reached >= target else "not met")
        lines.append(f"target {target:g}x {rival}, {loss} B={batch_size} {dtype}: "
                     f"{format_ratio(reached)} ({status})")
    return lines


def notes(n_samples, n_epochs, repeats, pause):
    """Lines explaining the table."""
    counts = ", ".join(f"{name} {count}" for name, count in n_samples.items())
    lines = [
        ("Throughput in training samples per second (median of "
         f"{repeats} interleaved repeats); ratios are ratios of medians."),
        (f"One fit = {n_epochs} shuffled passes of Adam (learning rate "
         f"{LEARNING_RATE:g}, no L2) over the first N MNIST rows: {counts}; a "
         f"784-{N_HIDDEN}-784 network with sigmoid hidden units."),
        ("bce: sigmoid outputs, binary cross-entropy; mse: identity outputs, half the "
         "squared error (MLPRegressor's model; it has no bce). skgen's fit also "
         "encodes up to 5000 training rows at the end, for sample()."),
        (f"GEMM bound = numpy's median rate for the (B x 784) @ (784 x {N_HIDDEN}) "
         f"product / (10 * 784 * {N_HIDDEN}) flops per sample."),
        f"Each timed call follows {pause:g} s of idle time.",
    ]
    if torch is None:
        lines.append(f"torch: skipped, {TORCH_MISSING}.")
    return lines


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description="Benchmark autoencoder training: skgen vs sklearn's MLPRegressor "
        "vs PyTorch (CPU), with a GEMM bound.",
    )
    add_speed_arguments(parser)
    parser.add_argument("--epochs", type=int, default=None,
                        help="passes over the rows per fit (default 3, quick 1)")
    args = parser.parse_args(argv)
    if args.epochs is None:
        args.epochs = 1 if args.quick else 3
    return check_speed_arguments(parser, args, args.epochs)


def run(args, log):
    """Benchmark every configuration; return the results and the rows per fit."""
    X, _ = load_mnist()
    data = dtype_copies(X, DTYPES)
    n_samples = rows_per_contender(args, X.shape[0], torch)
    gemm_trials = 10 if args.quick else 30
    results = []
    for loss, batch_size in SHAPES:
        for dtype in DTYPES:
            config = Config(loss, batch_size, dtype)
            log(f"{config.label} {dtype}:")
            results.append(benchmark_config(
                config, data[dtype], n_samples, args.epochs, args.repeats, gemm_trials,
                pause=args.pause, log=log,
            ))
    return results, n_samples


def main(argv=None):
    args = parse_args(argv)
    results, n_samples, info, warning = run_speed_benchmark(run, args, torch,
                                                            TORCH_MISSING)
    explanation = (notes(n_samples, args.epochs, args.repeats, args.pause)
                   + target_lines(results) + ([warning] if warning else []))
    print(format_speed_report("Autoencoder 784-256-784, Adam training speed (samples/s)",
                              info, results, explanation, args.markdown))
    write_figures(args, [speed_figures(results)], info)


if __name__ == "__main__":
    main()
