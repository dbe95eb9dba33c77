"""VAE: skgen vs a PyTorch CPU reference loop, in training speed and held-out
log-likelihood.

Both train the same model the same way: a 784-256-20 relu encoder giving the
mean and log-variance of q(z|x), a mirrored 20-256-784 decoder with Bernoulli
outputs (binary cross-entropy on the logits), the analytic KL term, one
reparameterised code per sample, Adam (learning rate 1e-3) on the mean over
each mini-batch of the negative ELBO, the rows in a new random order each pass.

- Speed: training samples per second on the MNIST rows, median of interleaved
  repeats (skgen, torch, GEMM, skgen, ...), with skgen's share of a "GEMM
  bound": numpy's rate for the (B x 784) @ (784 x 256) product divided by the
  10 * 784 * 256 flops a sample costs (five products of that size: the
  encoder's forward and weight gradient, the decoder's forward, weight and
  input gradients).
- Likelihood: both fit the binarised (pixel > 0.5), shuffled MNIST subset
  (first 4000 rows to train, last 1000 held out) for the same number of
  epochs, then estimate the held-out log-likelihood by the IWAE bound with
  K = 500 codes per image. The issue asks for skgen within 1 nat of PyTorch.

Run ``python benchmarks/bench_vae.py --help`` for the options.
"""

import argparse
import time
import warnings
from dataclasses import dataclass

import numpy as np
from _common import (
    PAUSE_SECONDS,
    FiguresTable,
    Headline,
    add_speed_arguments,
    check_speed_arguments,
    dtype_copies,
    format_ratio,
    format_speed_report,
    format_table,
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

import skgen

torch, TORCH_MISSING = try_import_torch()

N_HIDDEN = 256
N_COMPONENTS = 20
LEARNING_RATE = 1e-3
BATCH_SIZES = (128, 32)
DTYPES = ("float32", "float64")
#: Rows to train on and to score, for the likelihood comparison.
N_TRAIN, N_TEST = 4000, 1000
N_IMPORTANCE_SAMPLES = 500
#: Flops per training sample, in units of 784 * 256 (see the module docstring).
FLOPS_PER_SAMPLE = 10
#: The issue's targets: skgen/torch speed at batch 128, and the IWAE gap in nats.
SPEED_TARGET = 1.0
LIKELIHOOD_TARGET = 1.0


@dataclass(frozen=True)
class Config:
    """One benchmarked run: mini-batch size and dtype."""

    batch_size: int
    dtype: str

    @property
    def label(self):
        return f"VAE B={self.batch_size}"


# -- the contenders -------------------------------------------------------------------


def make_skgen(batch_size, n_epochs, seed=0):
    return skgen.VAE(
        N_COMPONENTS, hidden_layer_sizes=(N_HIDDEN,), likelihood="bernoulli",
        batch_size=batch_size, learning_rate_init=LEARNING_RATE, max_iter=n_epochs,
        tol=0.0, n_iter_no_change=n_epochs + 1, random_state=seed,
    )


def fit_skgen(X, config, n_epochs):
    """skgen's VAE for ``n_epochs`` passes."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return make_skgen(config.batch_size, n_epochs).fit(X)


def torch_vae(n_features, dtype):
    """The encoder (to 2 * N_COMPONENTS outputs: means, log-variances) and decoder."""
    encoder = torch.nn.Sequential(
        torch.nn.Linear(n_features, N_HIDDEN), torch.nn.ReLU(),
        torch.nn.Linear(N_HIDDEN, 2 * N_COMPONENTS),
    ).to(dtype)
    decoder = torch.nn.Sequential(
        torch.nn.Linear(N_COMPONENTS, N_HIDDEN), torch.nn.ReLU(),
        torch.nn.Linear(N_HIDDEN, n_features),
    ).to(dtype)
    return encoder, decoder


def torch_vae_fit(X, batch_size, n_epochs, learning_rate=LEARNING_RATE, seed=0,
                  initial=None):
    """Train the VAE with a plain PyTorch loop.

    The usual CPU training loop: per mini-batch ``zero_grad``, the encoder,
    ``z = mu + exp(log_var / 2) * randn``, the decoder, the negative ELBO
    (``BCEWithLogitsLoss`` summed over the pixels, plus the analytic KL) averaged
    over the batch, ``backward`` and ``torch.optim.Adam`` with its defaults.

    Parameters
    ----------
    X : torch.Tensor of shape (n_samples, n_features), float32 or float64
    batch_size, n_epochs, learning_rate : int, int, float
    seed : int
        Seed of the initial weights, the codes and the order of the rows.
    initial : tuple of list of ndarray, optional
        ``(coefs, intercepts)`` to start from instead of PyTorch's default
        initialisation: skgen's layout, the encoder's layers then the decoder's,
        each weight matrix of shape (fan_in, fan_out).

    Returns
    -------
    encoder, decoder : torch.nn.Sequential
    """
    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)
    n_samples, n_features = X.shape
    encoder, decoder = torch_vae(n_features, X.dtype)
    if initial is not None:
        linears = [layer for network in (encoder, decoder) for layer in network
                   if isinstance(layer, torch.nn.Linear)]
        with torch.no_grad():
            for layer, coef, intercept in zip(linears, *initial, strict=True):
                layer.weight.copy_(torch.from_numpy(np.ascontiguousarray(coef.T)))
                layer.bias.copy_(torch.from_numpy(np.ascontiguousarray(intercept)))
    optimizer = torch.optim.Adam([*encoder.parameters(), *decoder.parameters()],
                                 lr=learning_rate)
    bce = torch.nn.BCEWithLogitsLoss(reduction="sum")
    for _ in range(n_epochs):
        order = torch.randperm(n_samples, generator=generator)
        for start in range(0, n_samples, batch_size):
            batch = X[order[start:start + batch_size]]
            optimizer.zero_grad()
            mean, log_var = encoder(batch).chunk(2, dim=1)
            codes = mean + torch.exp(0.5 * log_var) * torch.randn_like(mean)
            kl = -0.5 * torch.sum(1 + log_var - log_var.exp() - mean.pow(2))
            objective = bce(decoder(codes), batch) + kl
            (objective / batch.shape[0]).backward()
            optimizer.step()
    return encoder, decoder


def torch_iwae(encoder, decoder, X, n_draws, seed=0, chunk=50):
    """The IWAE estimate of log p(x) of each row of X, as a float64 numpy array."""
    torch.manual_seed(seed)
    scores = []
    with torch.no_grad():
        for start in range(0, X.shape[0], chunk):
            batch = X[start:start + chunk]
            mean, log_var = encoder(batch).chunk(2, dim=1)
            eps = torch.randn((n_draws, *mean.shape), dtype=mean.dtype)
            codes = mean + torch.exp(0.5 * log_var) * eps
            logits = decoder(codes)
            targets = batch.expand_as(logits)
            log_likelihood = -torch.nn.functional.binary_cross_entropy_with_logits(
                logits, targets, reduction="none").double().sum(dim=2)
            log_ratio = 0.5 * (eps.pow(2) - codes.pow(2) + log_var).double().sum(dim=2)
            log_weights = log_likelihood + log_ratio
            scores.append(torch.logsumexp(log_weights, dim=0) - np.log(n_draws))
    return torch.cat(scores).numpy()


def fit_torch(X, config, n_epochs):
    """:func:`torch_vae_fit` on the tensor X."""
    return torch_vae_fit(X, config.batch_size, n_epochs)


# -- speed --------------------------------------------------------------------------------


def benchmark_config(config, X, n_samples, n_epochs, repeats, gemm_trials,
                     pause=PAUSE_SECONDS, log=None):
    """Time the contenders on one configuration; return ``time_contenders``'s
    result with the config, the GEMM bound and skgen's share of it."""
    fits = with_earlier({"skgen": fit_skgen}, globals())
    if torch is not None:
        fits["torch"] = fit_torch
    subsets = {name: X[:n_samples[name]] for name in fits}
    if "torch" in subsets:
        subsets["torch"] = torch.from_numpy(subsets["torch"])
    # Warm-up, untimed: Numba loads the kernels for this dtype.
    for name, fit in fits.items():
        fit(subsets[name][: 20 * config.batch_size], config, 1)

    tasks = {name: timed(fit, subsets[name], config, n_epochs) for name, fit in fits.items()}

    def gemm_task():
        return gemm_rates(config.batch_size, X.shape[1], N_HIDDEN, np.dtype(config.dtype),
                          n_trials=gemm_trials)

    tasks["gemm"] = gemm_task
    n_items = {name: n_epochs * n_samples[name] for name in fits}
    result = time_contenders(tasks, n_items, repeats, f"{config.label} {config.dtype}",
                             pause=pause, log=log)
    gemm_bound = result["gemm_flops"] / (FLOPS_PER_SAMPLE * X.shape[1] * N_HIDDEN)
    return {**result, "config": config, "gemm_bound": gemm_bound,
            "skgen_of_bound": ratio(result["rates"]["skgen"], gemm_bound)}


# -- likelihood ---------------------------------------------------------------------------


def compare_likelihoods(X, n_epochs, batch_size, log):
    """Fit both on the first N_TRAIN binarised rows; return the held-out IWAE
    estimates (K = N_IMPORTANCE_SAMPLES) and fit times, per contender."""
    binary = (X > 0.5).astype(np.float32)
    train, test = binary[:N_TRAIN], binary[-N_TEST:]
    rows = {}
    start = time.perf_counter()
    model = fit_skgen(train, Config(batch_size, "float32"), n_epochs)
    seconds = time.perf_counter() - start
    model.set_params(n_importance_samples=N_IMPORTANCE_SAMPLES)
    rows["skgen"] = (seconds, model.score(test, random_state=0),
                     float(np.mean(model.elbo(test, random_state=0))))
    log(f"  likelihood: skgen {rows['skgen'][1]:.2f} nats in {seconds:.1f} s")
    if torch is not None:
        start = time.perf_counter()
        encoder, decoder = torch_vae_fit(torch.from_numpy(train), batch_size, n_epochs)
        seconds = time.perf_counter() - start
        test_tensor = torch.from_numpy(test)
        iwae = float(np.mean(torch_iwae(encoder, decoder, test_tensor,
                                        N_IMPORTANCE_SAMPLES)))
        elbo = float(np.mean(torch_iwae(encoder, decoder, test_tensor, 1)))
        rows["torch"] = (seconds, iwae, elbo)
        log(f"  likelihood: torch {iwae:.2f} nats in {seconds:.1f} s")
    return rows


def likelihood_table(rows):
    """The headers and rows of the table of the held-out estimates."""
    return (("model", "fit s", f"IWAE K={N_IMPORTANCE_SAMPLES}", "ELBO (1 code)"),
            [[name, f"{s:.1f}", f"{iwae:.2f}", f"{elbo:.2f}"]
             for name, (s, iwae, elbo) in rows.items()])


def likelihood_lines(rows, n_epochs, batch_size, markdown):
    """A table of the held-out estimates, and the target's line."""
    table = format_table(*likelihood_table(rows), markdown=markdown, left_columns=1)
    lines = [
        (f"Held-out log-likelihood (nats per image) of {N_TEST} binarised MNIST "
         f"images after {n_epochs} epochs on {N_TRAIN} (batch {batch_size}, float32). "
         "For scale, the IWAE paper reports about -86.8 for a one-layer VAE on the "
         "full MNIST (60000 images); a 4000-image subset fits worse."),
    ]
    if "torch" in rows:
        gap = rows["skgen"][1] - rows["torch"][1]
        status = "met" if abs(gap) <= LIKELIHOOD_TARGET else "not met"
        lines.append(f"target skgen within {LIKELIHOOD_TARGET:g} nat of torch: "
                     f"skgen - torch = {gap:+.2f} nats ({status})")
    return table, lines


# -- report -------------------------------------------------------------------------------


def speed_target_lines(results):
    lines = []
    for result in results:
        config = result["config"]
        if config.batch_size != 128:
            continue
        reached = result["skgen_vs_torch"]
        status = "n/a" if reached is None else (
            "met" if reached >= SPEED_TARGET else "not met")
        lines.append(f"target {SPEED_TARGET:g}x torch, B=128 {config.dtype}: "
                     f"{format_ratio(reached)} ({status})")
    return lines


def notes(n_samples, n_epochs, repeats, pause):
    counts = ", ".join(f"{name} {count}" for name, count in n_samples.items())
    lines = [
        ("Throughput in training samples per second (median of "
         f"{repeats} interleaved repeats); ratios are ratios of medians."),
        (f"One fit = {n_epochs} shuffled passes of Adam (learning rate "
         f"{LEARNING_RATE:g}) over the first N MNIST rows ({counts}); encoder "
         f"784-{N_HIDDEN}-{N_COMPONENTS} (relu), decoder mirrored, Bernoulli outputs."),
        (f"GEMM bound = numpy's median rate for the (B x 784) @ (784 x {N_HIDDEN}) "
         f"product / ({FLOPS_PER_SAMPLE} * 784 * {N_HIDDEN}) flops per sample."),
        f"Each timed call follows {pause:g} s of idle time.",
    ]
    if torch is None:
        lines.append(f"torch: skipped, {TORCH_MISSING}.")
    return lines


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description="Benchmark the VAE: training speed and held-out IWAE "
        "log-likelihood, skgen vs PyTorch (CPU).",
    )
    add_speed_arguments(parser)
    parser.add_argument("--epochs", type=int, default=None,
                        help="passes per timed fit (default 3, quick 1)")
    parser.add_argument("--likelihood-epochs", type=int, default=None,
                        help="passes of the likelihood comparison's fits (default "
                        "100, quick 2)")
    args = parser.parse_args(argv)
    if args.epochs is None:
        args.epochs = 1 if args.quick else 3
    if args.likelihood_epochs is None:
        args.likelihood_epochs = 2 if args.quick else 100
    return check_speed_arguments(parser, args, args.epochs, args.likelihood_epochs)


def run(args, log):
    """Time every configuration, then compare the likelihoods."""
    X, _ = load_mnist()
    data = dtype_copies(X, DTYPES)
    n_samples = rows_per_contender(args, X.shape[0], torch)
    n_samples.pop("sklearn")
    gemm_trials = 10 if args.quick else 30
    results = []
    for batch_size in BATCH_SIZES:
        for dtype in DTYPES:
            config = Config(batch_size, dtype)
            log(f"{config.label} {dtype}:")
            results.append(benchmark_config(
                config, data[dtype], n_samples, args.epochs, args.repeats, gemm_trials,
                pause=args.pause, log=log,
            ))
    likelihoods = compare_likelihoods(X, args.likelihood_epochs, 128, log)
    return (results, likelihoods), n_samples


def main(argv=None):
    args = parse_args(argv)
    (results, likelihoods), n_samples, info, warning = run_speed_benchmark(
        run, args, torch, TORCH_MISSING)
    explanation = (notes(n_samples, args.epochs, args.repeats, args.pause)
                   + speed_target_lines(results) + ([warning] if warning else []))
    print(format_speed_report("VAE 784-256-20, Adam training speed (samples/s)", info,
                              results, explanation, args.markdown))
    table, lines = likelihood_lines(likelihoods, args.likelihood_epochs, 128,
                                    args.markdown)
    print()
    print(table)
    print()
    print("\n".join(f"- {line}" if args.markdown else line for line in lines))
    write_figures(args, [speed_figures(results),
                         FiguresTable("likelihood", *likelihood_table(likelihoods), Headline(
                             (f"IWAE K={N_IMPORTANCE_SAMPLES}", "ELBO (1 code)")))],
                  info)


if __name__ == "__main__":
    main()
