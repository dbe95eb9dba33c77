"""DBN up-down (wake-sleep) fine-tuning speed: skgen beside a PyTorch loop.

The network is Hinton et al.'s (2006) MNIST DBN: 784-500-500 below a top RBM of
500 units plus 10 softmax label units and 2000 hidden units. One timed call is
``--epochs`` passes of up-down fine-tuning over the first ``--samples`` rows of
the shuffled MNIST subset (``_common.load_mnist``) with their labels, in
mini-batches of 10, CD-1 in the top RBM, float32.

- skgen: ``DBN(..., n_iter=0, fine_tune_iter=epochs).fit(X, y)``. With no
  pretraining pass, the fit is the RBMs' initial weights and the up-down passes
  (the ``up_down_epoch`` kernel).
- torch: the same algorithm written as the usual PyTorch CPU loop: per
  mini-batch, the wake pass with ``torch.bernoulli`` and the generative deltas,
  CD-1 of the top RBM with its labels drawn by ``torch.multinomial``, and the
  sleep pass, each update an in-place ``addmm_``, no autograd.

The speed of one pass depends on the sizes, not on the weights, so both start
from small random weights. Contenders are interleaved (``_common.interleave``).

Run ``python benchmarks/bench_updown.py --help`` for the options.
"""

import argparse

import numpy as np
from _common import (
    PAUSE_SECONDS,
    add_markdown_argument,
    format_info,
    interleave,
    limit_threads,
    load_mnist,
    machine_info,
    median_rate,
    rate_figures,
    timed,
    try_import_torch,
    with_earlier,
    write_figures,
)

import skgen

torch, TORCH_MISSING = try_import_torch()

HIDDEN = (500, 500, 2000)
BATCH_SIZE = 10
LEARNING_RATE = 0.001


def up_down_skgen(X, y, hidden, n_epochs):
    return skgen.DBN(hidden, n_iter=0, batch_size=BATCH_SIZE, fine_tune_iter=n_epochs,
                     fine_tune_learning_rate=LEARNING_RATE, random_state=0).fit(X, y)


def up_down_torch(X, labels, hidden, n_epochs, seed=0):
    """Up-down fine-tuning of a DBN with untied layers below a labelled top RBM."""
    generator = torch.Generator().manual_seed(seed)
    sizes = (X.shape[1], *hidden[:-1])
    n_labels = labels.shape[1]

    def weights(n_out, n_in):
        return 0.01 * torch.randn(n_out, n_in, generator=generator, dtype=X.dtype)

    recognition = [(weights(sizes[i + 1], sizes[i]), torch.zeros(sizes[i + 1], dtype=X.dtype))
                   for i in range(len(sizes) - 1)]
    generative = [(W.clone(), torch.zeros(sizes[i], dtype=X.dtype))
                  for i, (W, _) in enumerate(recognition)]
    n_top_visible = sizes[-1] + n_labels
    top_weights = weights(hidden[-1], n_top_visible)
    top_hidden_bias = torch.zeros(hidden[-1], dtype=X.dtype)
    top_visible_bias = torch.zeros(n_top_visible, dtype=X.dtype)

    def sample(probabilities):
        return torch.bernoulli(probabilities, generator=generator)

    n_samples = X.shape[0]
    for _ in range(n_epochs):
        order = torch.randperm(n_samples, generator=generator)
        for start in range(0, n_samples, BATCH_SIZE):
            rows = order[start:start + BATCH_SIZE]
            scale = LEARNING_RATE / len(rows)
            wake = [X[rows]]
            for W, c in recognition:
                wake.append(sample(torch.sigmoid(torch.addmm(c, wake[-1], W.T))))
            for layer, (W, b) in enumerate(generative):
                error = wake[layer] - torch.sigmoid(torch.addmm(b, wake[layer + 1], W))
                W.addmm_(wake[layer + 1].T, error, alpha=scale)
                b.add_(error.sum(0), alpha=scale)
            visible = torch.cat([wake[-1], labels[rows]], dim=1)
            positive = torch.sigmoid(torch.addmm(top_hidden_bias, visible, top_weights.T))
            visible_input = torch.addmm(top_visible_bias, sample(positive), top_weights)
            free = sample(torch.sigmoid(visible_input[:, :-n_labels]))
            chosen = torch.multinomial(torch.softmax(visible_input[:, -n_labels:], dim=1), 1,
                                       generator=generator)
            one_hot = torch.zeros(len(rows), n_labels, dtype=X.dtype).scatter_(1, chosen, 1.0)
            chain = torch.cat([free, one_hot], dim=1)
            negative = torch.sigmoid(torch.addmm(top_hidden_bias, chain, top_weights.T))
            top_weights.addmm_(positive.T, visible, alpha=scale)
            top_weights.addmm_(negative.T, chain, alpha=-scale)
            top_hidden_bias.add_((positive - negative).sum(0), alpha=scale)
            top_visible_bias.add_((visible - chain).sum(0), alpha=scale)
            sleep = [free]
            for W, b in reversed(generative):
                sleep.insert(0, sample(torch.sigmoid(torch.addmm(b, sleep[0], W))))
            for layer, (W, c) in enumerate(recognition):
                error = sleep[layer + 1] - torch.sigmoid(torch.addmm(c, sleep[layer], W.T))
                W.addmm_(error.T, sleep[layer], alpha=scale)
                c.add_(error.sum(0), alpha=scale)
    return top_weights


def run_speed(X, y, hidden, n_epochs, repeats, pause, log):
    X = np.ascontiguousarray(X, dtype=np.float32)
    runs = with_earlier({"skgen": up_down_skgen}, globals())
    tasks = {name: timed(run, X, y, hidden, n_epochs) for name, run in runs.items()}
    for run in runs.values():
        run(X[:100], y[:100], hidden, 1)  # warm-up: load the kernels
    if torch is not None:
        X_torch = torch.from_numpy(X)
        labels = torch.from_numpy(np.eye(10, dtype=np.float32)[y])
        up_down_torch(X_torch[:100], labels[:100], hidden, 1)
        tasks["torch"] = timed(up_down_torch, X_torch, labels, hidden, n_epochs)

    def progress(round_index, name, seconds):
        log(f"  round {round_index + 1}: {name:<5} {seconds:.3f} s")

    times = interleave(tasks, repeats, pause=pause, progress=progress)
    return {name: median_rate(n_epochs * X.shape[0], values)
            for name, values in times.items()}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description="DBN up-down fine-tuning speed vs PyTorch (CPU).")
    parser.add_argument("--quick", action="store_true",
                        help="smoke test: 500 rows, a 784-64-64-128 DBN, 2 repeats")
    parser.add_argument("--samples", type=int, default=None,
                        help="rows per pass (default 2000, quick 500)")
    parser.add_argument("--repeats", type=int, default=None,
                        help="interleaved repeats (default 5, quick 2)")
    parser.add_argument("--epochs", type=int, default=1, help="passes per timed call")
    parser.add_argument("--threads", type=int, default=None,
                        help="cap the BLAS, OpenMP and PyTorch thread pools")
    parser.add_argument("--pause", type=float, default=PAUSE_SECONDS,
                        help="seconds of idle time before each timed call")
    add_markdown_argument(parser)
    args = parser.parse_args(argv)
    if args.samples is None:
        args.samples = 500 if args.quick else 2000
    if args.repeats is None:
        args.repeats = 2 if args.quick else 5
    if min(args.samples, args.repeats, args.epochs, args.threads or 1) < 1 \
            or args.pause < 0:
        parser.error("--samples, --repeats, --epochs and --threads must be positive")
    return args


def main(argv=None):
    args = parse_args(argv)

    def log(line):
        print(line, flush=True)

    X, y = load_mnist()
    X, y = X[:args.samples], y[:args.samples]
    hidden = (64, 64, 128) if args.quick else HIDDEN
    with limit_threads(args.threads, torch):
        info = machine_info(torch)
        log(format_info(info, markdown=args.markdown))
        log(f"Up-down fine-tuning, DBN {'-'.join(map(str, (784, *hidden)))} with 10 "
            f"label units, batch {BATCH_SIZE}, CD-1, float32, {args.epochs} pass(es) "
            f"over {args.samples} rows (samples/s, median of {args.repeats}):")
        rates = run_speed(X, y, hidden, args.epochs, args.repeats, args.pause, log)
    log("")
    for name, rate in rates.items():
        log(f"up-down {name:<8} {rate:12,.0f} samples/s")
    if "torch" in rates:
        log(f"skgen/torch: {rates['skgen'] / rates['torch']:.2f}x")
    if "before" in rates:
        log(f"skgen/before: {rates['skgen'] / rates['before']:.2f}x")
    else:
        log(f"torch: skipped, {TORCH_MISSING}")
    write_figures(args, [rate_figures(rates, "up-down")], info)


if __name__ == "__main__":
    main()
