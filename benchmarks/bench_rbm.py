"""Speed of PCD-1 training of RBMs: skgen vs scikit-learn vs PyTorch.

All contenders train the same model by the same algorithm, sklearn's persistent
contrastive divergence with one Gibbs step, for one pass over MNIST, and are
timed in one process, interleaved (skgen, sklearn, torch, GEMM, skgen, ...).
Two models: a Bernoulli RBM on the pixels in [0, 1], and a Gaussian-Bernoulli
RBM (sigma fixed to 1) on the standardised pixels, which sklearn does not have.
The table gives the median throughput of each in samples per second, the ratios
of these medians, and skgen's share of a "GEMM bound": the rate at which numpy
runs the algorithm's matrix product (into a Fortran-ordered output, as skgen's
kernels compute it), divided by the 10 V H flops that one
sample costs (three products of 2 V H flops and the 4 V H weight gradient).
The bound ignores everything but the GEMMs, and skgen does the weight gradient
as one larger product, so skgen can exceed 100% of it at small batch sizes.

Run ``python benchmarks/bench_rbm.py --help`` for the options.
"""

import argparse
from dataclasses import dataclass

import numpy as np
from _common import (
    PAUSE_SECONDS,
    add_speed_arguments,
    check_speed_arguments,
    dtype_copies,
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
from sklearn.neural_network import BernoulliRBM as SklearnBernoulliRBM
from sklearn.preprocessing import StandardScaler

import skgen

torch, TORCH_MISSING = try_import_torch()

#: (n_components, batch_size) of the benchmarked models.
SHAPES = ((256, 10), (500, 100))
DTYPES = ("float32", "float64")
VISIBLE_UNITS = ("bernoulli", "gaussian")
LEARNING_RATE = 0.05
#: Gaussian units need a smaller learning rate (their default is 0.01).
GAUSSIAN_LEARNING_RATE = 0.005
CONTENDERS = ("skgen", "sklearn", "torch")

#: Flops per training sample, in units of V * H (see the module docstring).
FLOPS_PER_SAMPLE = 10


@dataclass(frozen=True)
class Config:
    """One benchmarked model: hidden units, mini-batch size and dtype."""

    n_components: int
    batch_size: int
    dtype: str
    visible: str = "bernoulli"

    @property
    def label(self):
        return f"{self.visible.capitalize()} H={self.n_components} B={self.batch_size}"


# -- the contenders -------------------------------------------------------------------


#: skgen's options for the peers' algorithm: sklearn's start, no centering, no
#: momentum.
PEERS_TRAINING = {"visible_bias_init": "zeros", "centering": False, "momentum": 0.0}


def _fit_rbm(Estimator, X, config, learning_rate, **extra):
    """One pass of a BernoulliRBM class with sklearn's API (skgen's is a drop-in)."""
    return Estimator(
        n_components=config.n_components,
        batch_size=config.batch_size,
        n_iter=1,
        learning_rate=learning_rate,
        random_state=0,
        **extra,
    ).fit(X)


def _skgen_class(config):
    return skgen.GaussianBernoulliRBM if config.visible == "gaussian" else skgen.BernoulliRBM


def fit_skgen(X, config, learning_rate=LEARNING_RATE):
    """One pass of skgen's BernoulliRBM or GaussianBernoulliRBM (PCD-1, shuffled),
    trained as the peers train (``PEERS_TRAINING``, where the skgen in use has
    those options)."""
    Estimator = _skgen_class(config)
    options = Estimator().get_params()
    extra = {name: value for name, value in PEERS_TRAINING.items() if name in options}
    return _fit_rbm(Estimator, X, config, learning_rate, **extra)


def fit_defaults(X, config, learning_rate=LEARNING_RATE):
    """As :func:`fit_skgen`, with skgen's own defaults for the options sklearn does
    not have: the BernoulliRBM's are centered training with momentum 0.5."""
    return _fit_rbm(_skgen_class(config), X, config, learning_rate)


def fit_sklearn(X, config, learning_rate=LEARNING_RATE):
    """One pass of sklearn's BernoulliRBM (PCD-1, in order) over X."""
    return _fit_rbm(SklearnBernoulliRBM, X, config, learning_rate)


def torch_pcd_fit(X, n_components, batch_size, learning_rate=LEARNING_RATE, n_iter=1,
                  seed=0, gaussian=False):
    """Train an RBM by PCD-1 with plain PyTorch tensor ops, as sklearn does.

    Per mini-batch ``v_pos`` of ``n`` rows, with ``batch_size`` persistent hidden
    chains ``h_chain`` (initially zeros): ``h_pos = P(h|v_pos)``; ``v_neg`` is
    sampled from ``P(v|h_chain)`` (Bernoulli, or with ``gaussian``
    ``Normal(h_chain W + b, 1)``); ``h_neg = P(h|v_neg)``; then, with
    ``step = learning_rate / n``, ``W += step (h_pos^T v_pos - h_neg^T v_neg)``,
    the biases likewise, and ``h_chain ~ Bernoulli(h_neg)``. The rows are
    visited in a new random order on each pass. The positive and negative rows
    share buffers so that the weight gradient is a single ``addmm_``, and
    nothing is allocated per mini-batch but small temporaries.

    Parameters
    ----------
    X : torch.Tensor of shape (n_samples, n_visible), float32 or float64
    n_components, batch_size, learning_rate, n_iter : as sklearn's BernoulliRBM
    seed : int
        Seed of the initial weights, the order of the rows and the samples.

    Returns
    -------
    weights : torch.Tensor of shape (n_components, n_visible)
    hidden_bias : torch.Tensor of shape (n_components,)
    visible_bias : torch.Tensor of shape (n_visible,)
    """
    generator = torch.Generator().manual_seed(seed)
    n_samples, n_visible = X.shape
    like = {"dtype": X.dtype}
    weights = torch.empty(n_components, n_visible, **like)
    weights.normal_(0, 0.01, generator=generator)
    hidden_bias = torch.zeros(n_components, **like)
    visible_bias = torch.zeros(n_visible, **like)
    chains = torch.zeros(batch_size, n_components, **like)
    # Rows [0, n) hold the positive phase and [n, n + batch_size) the negative one.
    visible = torch.empty(2 * batch_size, n_visible, **like)
    hidden = torch.empty(2 * batch_size, n_components, **like)
    visible_probabilities = torch.empty(batch_size, n_visible, **like)
    with torch.no_grad():
        for _ in range(n_iter):
            order = torch.randperm(n_samples, generator=generator)
            for start in range(0, n_samples, batch_size):
                rows = order[start:start + batch_size]
                n_positive = rows.shape[0]
                n_stacked = n_positive + batch_size
                visible_positive = visible[:n_positive]
                hidden_positive = hidden[:n_positive]
                visible_negative = visible[n_positive:n_stacked]
                hidden_negative = hidden[n_positive:n_stacked]

                torch.index_select(X, 0, rows, out=visible_positive)
                torch.addmm(hidden_bias, visible_positive, weights.T, out=hidden_positive)
                hidden_positive.sigmoid_()
                if gaussian:
                    torch.randn(visible_negative.shape, generator=generator,
                                out=visible_negative, **like)
                    visible_negative.add_(visible_bias)
                    visible_negative.addmm_(chains, weights)
                else:
                    torch.addmm(visible_bias, chains, weights, out=visible_probabilities)
                    visible_probabilities.sigmoid_()
                    torch.bernoulli(visible_probabilities, generator=generator,
                                    out=visible_negative)
                torch.addmm(hidden_bias, visible_negative, weights.T, out=hidden_negative)
                hidden_negative.sigmoid_()

                step = learning_rate / n_positive
                hidden_bias.add_(hidden_positive.sum(0) - hidden_negative.sum(0),
                                 alpha=step)
                visible_bias.add_(visible_positive.sum(0) - visible_negative.sum(0),
                                  alpha=step)
                torch.bernoulli(hidden_negative, generator=generator, out=chains)
                hidden_negative.neg_()
                weights.addmm_(hidden[:n_stacked].T, visible[:n_stacked], alpha=step)
    return weights, hidden_bias, visible_bias


def fit_torch(X, config, learning_rate=LEARNING_RATE):
    """One pass of :func:`torch_pcd_fit` over the tensor X."""
    return torch_pcd_fit(X, config.n_components, config.batch_size, learning_rate,
                         gaussian=config.visible == "gaussian")


# -- one configuration ------------------------------------------------------------------


def gemm_bound_task(config, n_features, n_trials):
    """A task measuring numpy's rate for the ``(B x V) @ (V x H)`` product into a
    Fortran-ordered output (see ``skgen.utils._blas.product_rows``), in flops/s."""

    def task():
        return gemm_rates(config.batch_size, n_features, config.n_components,
                          np.dtype(config.dtype), n_trials=n_trials, out_order="F")

    return task


def benchmark_config(config, X, n_samples, learning_rate, repeats, gemm_trials,
                     pause=PAUSE_SECONDS, log=None):
    """Time the contenders on one configuration, each fit one pass over its
    ``n_samples`` rows of X; return ``_common.time_contenders``'s result with the
    config, the GEMM bound and skgen's share of it."""
    fits = with_earlier({"skgen": fit_skgen}, globals())
    fits["defaults"] = fit_defaults
    if config.visible == "bernoulli":  # sklearn has no Gaussian RBM
        fits["sklearn"] = fit_sklearn
    if torch is not None:
        fits["torch"] = fit_torch
    n_samples = {**n_samples, "defaults": n_samples["skgen"]}
    subsets = {name: X[:n_samples[name]] for name in fits}
    if "torch" in subsets:
        subsets["torch"] = torch.from_numpy(subsets["torch"])
    # Warm-up, untimed: Numba loads or compiles the kernels for this dtype, and
    # every contender touches its code and data once.
    for name, fit in fits.items():
        fit(subsets[name][: 20 * config.batch_size], config, learning_rate)

    tasks = {name: timed(fit, subsets[name], config, learning_rate)
             for name, fit in fits.items()}
    tasks["gemm"] = gemm_bound_task(config, X.shape[1], gemm_trials)
    n_items = {name: n_samples[name] for name in fits}
    result = time_contenders(tasks, n_items, repeats, f"{config.label} {config.dtype}",
                             pause=pause, log=log)
    gemm_bound = result["gemm_flops"] / (
        FLOPS_PER_SAMPLE * X.shape[1] * config.n_components)
    return {**result, "config": config, "gemm_bound": gemm_bound,
            "skgen_of_bound": ratio(result["rates"]["skgen"], gemm_bound)}


# -- report -----------------------------------------------------------------------------


def notes(n_samples, repeats, learning_rate, pause):
    """Lines explaining the table."""
    counts = ", ".join(f"{name} {count}" for name, count in n_samples.items())
    lines = [
        ("Throughput in training samples per second (median of "
        f"{repeats} interleaved repeats); ratios are ratios of medians."),
        (f"One fit = one pass of PCD-1 over the first N shuffled MNIST rows: {counts}; "
        f"n_iter 1; learning_rate {learning_rate:g} (Bernoulli, pixels in [0, 1]) "
        f"and {GAUSSIAN_LEARNING_RATE:g} (Gaussian, sigma = 1, standardised pixels; "
        "sklearn has no Gaussian RBM)."),
        ("GEMM bound = numpy's median rate for the (B x 784) @ (784 x H) product, "
        "into a Fortran-ordered output as skgen's kernels compute it, "
        "/ (10 * 784 * H) flops per sample."),
        f"Each timed call follows {pause:g} s of idle time.",
        ("skgen trains as the peers do (visible_bias_init='zeros', centering=False, "
         "momentum=0); 'defaults' is skgen at its own defaults for those options "
         "(BernoulliRBM: centered, momentum 0.5; GaussianBernoulliRBM: as skgen but "
         "for the data start)."),
    ]
    if torch is None:
        lines.append(f"torch: skipped, {TORCH_MISSING}.")
    return lines


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description="Benchmark PCD-1 training of RBMs: skgen vs sklearn vs PyTorch "
        "(CPU), with a GEMM bound.",
    )
    add_speed_arguments(parser)
    parser.add_argument("--visible", choices=(*VISIBLE_UNITS, "all"), default="all",
                        help="which visible units to benchmark (default all)")
    parser.add_argument("--learning-rate", type=float, default=LEARNING_RATE,
                        help=f"of the Bernoulli RBMs (default {LEARNING_RATE:g})")
    return check_speed_arguments(parser, parser.parse_args(argv))


def run(args, log):
    """Benchmark every configuration; return the results and the rows per fit."""
    X, _ = load_mnist()
    standardised = StandardScaler().fit_transform(X)
    data = {"bernoulli": dtype_copies(X, DTYPES),
            "gaussian": dtype_copies(standardised, DTYPES)}
    visible_units = VISIBLE_UNITS if args.visible == "all" else (args.visible,)
    n_samples = rows_per_contender(args, X.shape[0], torch)
    gemm_trials = 10 if args.quick else 30
    results = []
    for visible in visible_units:
        for n_components, batch_size in SHAPES:
            for dtype in DTYPES:
                config = Config(n_components, batch_size, dtype, visible)
                learning_rate = (args.learning_rate if visible == "bernoulli"
                                 else GAUSSIAN_LEARNING_RATE)
                log(f"{config.label} {dtype}:")
                results.append(benchmark_config(
                    config, data[visible][dtype], n_samples, learning_rate,
                    args.repeats, gemm_trials, pause=args.pause, log=log,
                ))
    return results, n_samples


def main(argv=None):
    args = parse_args(argv)
    results, n_samples, info, warning = run_speed_benchmark(run, args, torch,
                                                            TORCH_MISSING)
    explanation = notes(n_samples, args.repeats, args.learning_rate, args.pause)
    if warning:
        explanation.append(warning)
    print(format_speed_report("RBMs, PCD-1 training speed (samples/s)", info, results,
                              explanation, args.markdown))
    write_figures(args, [speed_figures(results)], info)


if __name__ == "__main__":
    main()
