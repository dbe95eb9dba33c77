"""Greedy layer-wise pretraining with denoising autoencoders, on an MNIST subset.

Sections (``--sections``; all by default):

- ``accuracy``: the first 4000 rows of the shuffled MNIST subset
  (``_common.load_mnist``) train and the next 1000 test. SDAClassifier (500,
  500, 2000) at its defaults but ``max_iter`` (ReLU units, 10 pretraining
  passes per layer in batches of 20, then ``FINE_TUNE_PASSES`` passes of Adam,
  alpha 1e-3), the same classifier without
  pretraining (``n_iter=0``: the same network and fine-tuning from
  Glorot-uniform weights), and DBNClassifier with the settings of
  ``bench_dbn.py`` (accuracy 0.958 there on 2026-11-22, 0.948 since the DBN's
  defaults changed), each fitted once.
- ``reconstruction``: DenoisingAE((256, 64)) at its defaults (relu, masking
  noise 0.25, squared error) on the same rows, trained from a random start for
  ``TOTAL_PASSES`` passes, against greedy pretraining with ``pretrain_max_iter``
  passes per layer followed by fine-tuning for the rest, so that both make the
  same number of passes over the data (a pass of a layer counts as one). The
  held-out reconstruction error is the mean over the test rows of half the
  squared error summed over the pixels (``-score``), without noise.
- ``speed``: fine-tuning alone (``n_iter=0``) of the 784-500-500-2000-10
  network, with sigmoid and with ReLU hidden units, against the PyTorch CPU loop
  of ``bench_dbn.py`` (same network, loss, Adam, batch 200), timed interleaved
  for the same passes over the same rows.

Run ``python benchmarks/bench_pretraining.py --help`` for the options.
"""

import time
import warnings

import numpy as np
from _common import (
    PAUSE_SECONDS,
    Headline,
    format_number,
    format_ratio,
    interleave,
    load_mnist,
    median_rate,
    print_sections,
    section_parser,
    timed,
    try_import_torch,
)
from bench_dbn import DBN_PARAMS, fine_tune_torch
from sklearn.exceptions import ConvergenceWarning

import skgen

torch, TORCH_MISSING = try_import_torch()

HIDDEN = (500, 500, 2000)
N_TRAIN, N_TEST = 4000, 1000
FINE_TUNE_PASSES = 50
BATCH_SIZE = 200

#: The reconstruction section's budget: total passes, and the passes of each
#: greedy layer.
TOTAL_PASSES = 60
LAYER_PASSES = 10


def split(args):
    X, y = load_mnist()
    n_train, n_test = (1000, 300) if args.quick else (N_TRAIN, N_TEST)
    return (X[:n_train], y[:n_train]), (X[n_train:n_train + n_test],
                                         y[n_train:n_train + n_test])


def fitted(model, *data):
    """The model fitted to data, and the fit's wall time."""
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(*data)
    return model, time.perf_counter() - start


def accuracy_section(args):
    (X, y), (X_test, y_test) = split(args)
    hidden = (64, 64) if args.quick else HIDDEN
    passes = 5 if args.quick else FINE_TUNE_PASSES
    sda = {"hidden_layer_sizes": hidden, "max_iter": passes, "random_state": 0}
    contenders = {
        f"SDAClassifier {hidden}": skgen.SDAClassifier(**sda, n_iter=2 if args.quick else 10),
        f"SDAClassifier {hidden}, no pretraining": skgen.SDAClassifier(**sda, n_iter=0),
        f"DBNClassifier {hidden} (bench_dbn.py)": skgen.DBNClassifier(
            **{**DBN_PARAMS, "hidden_layer_sizes": hidden,
               **({"n_iter": 2, "max_iter": passes} if args.quick else {})}),
    }
    rows = []
    for name, model in contenders.items():
        model, seconds = fitted(model, X, y)
        accuracy = model.score(X_test, y_test)
        print(f"  {name}: accuracy {accuracy:.4f}, fit {seconds:.1f} s", flush=True)
        rows.append([name, f"{accuracy:.4f}", f"{seconds:.1f}"])
    title = (f"Test accuracy, {len(X)} training / {len(X_test)} test rows of shuffled "
             f"MNIST, {passes} fine-tuning passes")
    return title, ["model", "accuracy", "fit s"], rows


def reconstruction_section(args):
    (X, _), (X_test, _) = split(args)
    hidden = (256, 64)
    total, per_layer = (6, 1) if args.quick else (TOTAL_PASSES, LAYER_PASSES)
    fine_tune = total - len(hidden) * per_layer
    contenders = {
        f"none, {total} passes": skgen.DenoisingAE(hidden, max_iter=total, random_state=0),
        f"greedy, {len(hidden)} x {per_layer} + {fine_tune} passes": skgen.DenoisingAE(
            hidden, pretrain="greedy", pretrain_max_iter=per_layer, max_iter=fine_tune,
            random_state=0),
    }
    rows = []
    for name, model in contenders.items():
        model, seconds = fitted(model, X)
        error = -model.score(X_test)
        passes = model.n_iter_ + sum(layer.n_iter_ for layer in model.autoencoders_)
        print(f"  {name}: held-out error {error:.3f}, {passes} passes, {seconds:.1f} s",
              flush=True)
        rows.append([name, f"{error:.3f}", f"{-model.score(X):.3f}", str(passes),
                     f"{seconds:.1f}"])
    title = (f"DenoisingAE{hidden} reconstruction error (0.5 * squared error summed over "
             f"pixels, mean over rows), {len(X)} training / {len(X_test)} test rows")
    return title, ["pretraining", "test error", "train error", "passes run", "fit s"], rows


def fine_tune_skgen(X, y, hidden, n_epochs, activation):
    """SDAClassifier fine-tuning only: no pretraining, ``n_epochs`` of Adam."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return skgen.SDAClassifier(
            hidden, activation=activation, n_iter=0, alpha=0.0,
            fine_tune_batch_size=BATCH_SIZE, learning_rate_init=1e-3, max_iter=n_epochs,
            tol=0.0, n_iter_no_change=n_epochs + 1, random_state=0,
        ).fit(X, y)


def speed_section(args):
    (X, y), _ = split(args)
    X = np.ascontiguousarray(X, dtype=np.float32)
    hidden = (64, 64) if args.quick else HIDDEN
    n_epochs = 1 if args.quick else args.epochs
    repeats = 2 if args.quick else args.repeats
    rows = []
    for activation in ("sigmoid", "relu"):
        tasks = {"skgen": timed(fine_tune_skgen, X, y, hidden, n_epochs, activation)}
        fine_tune_skgen(X[:400], y[:400], hidden, 1, activation)  # load the kernels
        if torch is not None:
            X_torch, y_torch = torch.from_numpy(X), torch.from_numpy(y.astype(np.int64))
            fine_tune_torch(X_torch[:400], y_torch[:400], hidden, 1, activation=activation)
            tasks["torch"] = timed(fine_tune_torch, X_torch, y_torch, hidden, n_epochs,
                                   activation=activation)

        def progress(round_index, name, seconds):
            print(f"  {activation} round {round_index + 1}: {name:<5} {seconds:.3f} s",
                  flush=True)

        times = interleave(tasks, repeats, pause=args.pause, progress=progress)
        rates = {name: median_rate(n_epochs * len(X), values)
                 for name, values in times.items()}
        torch_rate = rates.get("torch")
        rows.append([activation, format_number(rates["skgen"]),
                     format_number(torch_rate) if torch_rate else f"skipped ({TORCH_MISSING})",
                     format_ratio(rates["skgen"] / torch_rate) if torch_rate else "-"])
    title = (f"SDAClassifier fine-tuning speed, {'-'.join(map(str, (784, *hidden, 10)))} "
             f"network, Adam, batch {BATCH_SIZE}, float32, {n_epochs} passes over "
             f"{len(X)} rows (samples/s, median of {repeats} interleaved)")
    return title, ["hidden units", "skgen", "torch", "skgen/torch"], rows


SECTIONS = {
    "accuracy": accuracy_section,
    "reconstruction": reconstruction_section,
    "speed": speed_section,
}

#: The columns of each section's table that go to the current figures.
HEADLINES = {
    "accuracy": Headline(("accuracy",)),
    "reconstruction": Headline(("test error",)),
}


def main(argv=None):
    parser = section_parser(
        "Greedy pretraining with denoising autoencoders: SDAClassifier accuracy, "
        "DenoisingAE reconstruction, fine-tuning speed vs PyTorch (CPU).", SECTIONS)
    parser.add_argument("--repeats", type=int, default=5,
                        help="interleaved speed repeats (default 5; quick 2)")
    parser.add_argument("--epochs", type=int, default=3,
                        help="fine-tuning passes per timed fit (default 3; quick 1)")
    parser.add_argument("--threads", type=int, default=None,
                        help="cap the BLAS, OpenMP and PyTorch thread pools")
    parser.add_argument("--pause", type=float, default=PAUSE_SECONDS,
                        help="seconds of idle time before each timed call")
    args = parser.parse_args(argv)
    if min(args.repeats, args.epochs, args.threads or 1) < 1 or args.pause < 0:
        parser.error("--repeats, --epochs and --threads must be positive")
    print_sections(SECTIONS, args, torch, HEADLINES)


if __name__ == "__main__":
    main()
