"""Deep Boltzmann Machine: likelihood bound, AIS, classification and speed.

Sections (``--sections`` picks some; all by default):

- ``likelihood``: the held-out variational bound of ``DBM`` on the binarised
  MNIST subset (4000 training images, 1000 held out, as in
  ``bench_quality.py``), beside the held-out log-likelihood of the best
  BernoulliRBM recipe of RESULTS.md and the bound of a DBN, with fit times.
- ``ais``: AIS log Z against the exact value on a DBM with 784 visible units
  and 15 units in each of two hidden layers.
- ``ais-large``: the default DBM's log Z by AIS at 2000 and 20,000 inverse
  temperatures.
- ``classifier``: ``DBMClassifier`` accuracy on the held-out images (grey
  levels), beside ``DBNClassifier`` with the layers of ``bench_dbn.py``.
- ``speed``: one pass of joint training (784-500-1000, batch 100, 100
  particles, the same mean-field sweeps and Gibbs steps, float32, no
  momentum, centering or weight decay) beside the same algorithm written as a
  plain PyTorch CPU loop, interleaved, with the share of the GEMM bound
  (numpy's rate for a batch-100 product of the hidden layers' sizes).

Run ``python benchmarks/bench_dbm.py --help`` for the options.
"""

import time

import numpy as np
from _common import (
    PAUSE_SECONDS,
    Headline,
    gemm_rate,
    interleave,
    load_mnist,
    median_rate,
    print_sections,
    section_parser,
    timed,
    try_import_torch,
)
from bench_quality import base_rate_log_likelihood, binarised_mnist, parse_settings

torch, TORCH_MISSING = try_import_torch()

#: The best BernoulliRBM recipe of RESULTS.md (issue 14): parallel tempering.
RBM_RECIPE = {"learning_rate": 0.05, "batch_size": 100, "n_iter": 20,
              "n_temperatures": 5}


def likelihood(args):
    """Held-out bound of the DBM at its defaults and the ``--dbm-settings``,
    beside the RBM recipe's held-out log-likelihood and a DBN's bound."""
    from skgen import DBM, DBN, BernoulliRBM

    train, test, _, _ = binarised_mnist()
    if args.quick:
        train, test = train[:500], test[:200]
    quick = {"n_iter": 1, "ais_n_betas": 200} if args.quick else {}
    rows = []

    def add(name, make, score_name):
        start = time.perf_counter()
        model = make().fit(train)
        seconds = time.perf_counter() - start
        partition_model = model.rbms_[-1] if hasattr(model, "rbms_") and not hasattr(
            model, "log_partition") else model
        _, std = partition_model.log_partition(return_std=True)
        held_out = getattr(model, score_name)(test).mean()
        training = getattr(model, score_name)(train).mean()
        rows.append((name, f"{held_out:.1f}", f"{training:.1f}", f"{std:.2f}",
                     f"{seconds:.0f}"))
        print(rows[-1], flush=True)

    if not args.skip_peers:
        add("BernoulliRBM(500), recipe (PT 5): log-likelihood",
            lambda: BernoulliRBM(500, random_state=0, **{**RBM_RECIPE, **quick}),
            "score_samples")
        add("DBN((500, 1000)), recipe per layer: bound",
            lambda: DBN((500, 1000), random_state=0,
                        **{**{k: v for k, v in RBM_RECIPE.items()
                              if k != "n_temperatures"}, **quick}),
            "score_samples")
    for text, params in args.rbm_settings:
        add(f"BernoulliRBM(500), recipe + {text}",
            lambda params=params: BernoulliRBM(500, **{"random_state": 0, **RBM_RECIPE,
                                                    **params, **quick}),
            "score_samples")
    add("DBM((500, 1000)) at its defaults: bound",
        lambda: DBM(random_state=0, **quick), "score_samples")
    for text, params in args.dbm_settings:
        add(f"DBM: {text}", lambda params=params: DBM(**{"random_state": 0, **params,
                                                         **quick}),
            "score_samples")
    rows.append(("independent pixels (base rate)",
                 f"{base_rate_log_likelihood(train, test):.1f}",
                 f"{base_rate_log_likelihood(train, train):.1f}", "", ""))
    return ("DBM on the binarised MNIST subset: held-out bound (nats; AIS log Z)",
            ("model", "held-out", "train", "log Z std", "fit s"), rows)


def ais(args):
    """AIS log Z against exact enumeration of the 15 odd-layer units."""
    from skgen import DBM

    train, _, _, _ = binarised_mnist()
    model = DBM((15, 15), n_iter=2 if args.quick else 20, pretrain_iter=5,
                learning_rate=0.01, random_state=0).fit(train)
    start = time.perf_counter()
    exact = model.log_partition("exact")
    exact_seconds = time.perf_counter() - start
    rows = [("exact (2**15 states of h1)", f"{exact:.3f}", "", f"{exact_seconds:.1f}", "")]
    for n_betas in (500, 2000) if not args.quick else (200,):
        start = time.perf_counter()
        value, std = model.log_partition("ais", n_betas=n_betas, return_std=True)
        seconds = time.perf_counter() - start
        rows.append((f"AIS, 100 runs x {n_betas}", f"{value:.3f}", f"{std:.3f}",
                     f"{seconds:.1f}", f"{value - exact:+.3f}"))
    return ("AIS on a 784-15-15 DBM", ("estimate", "log Z", "std", "s", "minus exact"),
            rows)


def ais_large(args):
    """log Z of the default DBM((500, 1000)) on the binarised images, seeds
    ``--seeds``, by AIS at ``--ais-betas`` inverse temperatures (by default
    the DBM's 2000 and Salakhutdinov & Hinton's 20,000): how much the bound of
    ``likelihood`` owes to AIS's bias."""
    from skgen import DBM

    train, test, _, _ = binarised_mnist()
    quick = {"n_iter": 1, "pretrain_iter": 1} if args.quick else {}
    rows = []
    for seed in args.seeds:
        model = DBM(random_state=seed, **quick).fit(train)
        unnormalised = model._unnormalised_bound(test).mean()
        for n_betas in (200, 2000) if args.quick else args.ais_betas:
            start = time.perf_counter()
            value, std = model.log_partition("ais", n_betas=n_betas, return_std=True)
            rows.append((seed, f"AIS, 100 runs x {n_betas}", f"{value:.2f}", f"{std:.2f}",
                         f"{time.perf_counter() - start:.0f}",
                         f"{unnormalised - value:.2f}"))
            print(rows[-1], flush=True)
    return ("log Z of DBM((500, 1000)) at its defaults, and the held-out bound it gives",
            ("seed", "estimate", "log Z", "std", "s", "held-out bound"), rows)


def classifier(args):
    """Held-out accuracy of DBMClassifier and DBNClassifier on the MNIST subset's
    grey levels in [0, 1] (as ``bench_dbn.py``: 4000 training images, 1000
    held out); DBNClassifier with Hinton et al.'s (500, 500, 2000) layers, the
    reference of RESULTS.md."""
    import skgen

    X, y = load_mnist()
    train, test, y_train, y_test = X[:4000], X[4000:5000], y[:4000], y[4000:5000]
    if args.quick:
        train, y_train = train[:500], y_train[:500]
    quick = {"n_iter": 1, "pretrain_iter": 1, "max_iter": 2} if args.quick else {}
    rows = []
    contenders = {
        "DBNClassifier((500, 500, 2000))": lambda: skgen.DBNClassifier(
            (500, 500, 2000), random_state=0,
            **({"n_iter": 1, "max_iter": 2} if args.quick else {})),
        "DBMClassifier at its defaults": lambda: skgen.DBMClassifier(
            random_state=0, **quick),
    }
    for text, params in args.dbm_classifier_settings:
        contenders[f"DBMClassifier: {text}"] = (
            lambda params=params: skgen.DBMClassifier(
                **{"random_state": 0, **params, **quick}))
    for name, make in contenders.items():
        start = time.perf_counter()
        model = make().fit(train, y_train)
        seconds = time.perf_counter() - start
        rows.append((name, f"{model.score(test, y_test):.4f}", f"{seconds:.0f}"))
        print(rows[-1], flush=True)
    return ("Classification of the held-out images", ("model", "accuracy", "fit s"), rows)


# -- speed --------------------------------------------------------------------------

BATCH_SIZE = 100
N_PARTICLES = 100
LEARNING_RATE = 0.001


def pass_skgen(X, hidden, n_sweeps, n_gibbs_steps, n_epochs):
    import skgen

    return skgen.DBM(hidden, pretrain=False, n_iter=n_epochs, batch_size=BATCH_SIZE,
                     n_particles=N_PARTICLES, learning_rate=LEARNING_RATE,
                     mean_field_max_iter=n_sweeps, mean_field_tol=0.0,
                     n_gibbs_steps=n_gibbs_steps, centering=False, momentum=0.0,
                     random_state=0).fit(X)


def pass_torch(X, hidden, n_sweeps, n_gibbs_steps, n_epochs, seed=0):
    """Joint DBM training as the usual PyTorch CPU loop: mean field from a
    doubled bottom-up pass, Gibbs steps of persistent particles (odd layer,
    then the even ones), and in-place ``addmm_`` updates, no autograd."""
    generator = torch.Generator().manual_seed(seed)
    n_visible = X.shape[1]
    n1, n2 = hidden
    dtype = X.dtype
    W0 = 0.01 * torch.randn(n1, n_visible, generator=generator, dtype=dtype)
    W1 = 0.01 * torch.randn(n2, n1, generator=generator, dtype=dtype)
    b0 = torch.zeros(n_visible, dtype=dtype)
    b1 = torch.zeros(n1, dtype=dtype)
    b2 = torch.zeros(n2, dtype=dtype)
    rows = torch.randint(0, X.shape[0], (N_PARTICLES,), generator=generator)
    v_p = X[rows].clone()
    h1_p = torch.bernoulli(torch.sigmoid(v_p @ W0.T + b1), generator=generator)
    h2_p = torch.bernoulli(torch.sigmoid(h1_p @ W1.T + b2), generator=generator)
    lr = LEARNING_RATE
    for _ in range(n_epochs):
        order = torch.randperm(X.shape[0], generator=generator)
        for start in range(0, X.shape[0], BATCH_SIZE):
            v = X[order[start:start + BATCH_SIZE]]
            n = v.shape[0]
            bottom = torch.addmm(b1, v, W0.T)
            mu1 = torch.sigmoid(2 * (v @ W0.T) + b1)
            mu2 = torch.sigmoid(mu1 @ W1.T + b2)
            for _ in range(n_sweeps):
                mu1 = torch.sigmoid(torch.addmm(bottom, mu2, W1))
                mu2 = torch.sigmoid(torch.addmm(b2, mu1, W1.T))
            for _ in range(n_gibbs_steps):
                h1_p = torch.bernoulli(torch.sigmoid(
                    torch.addmm(torch.addmm(b1, v_p, W0.T), h2_p, W1)), generator=generator)
                v_p = torch.bernoulli(torch.sigmoid(torch.addmm(b0, h1_p, W0)),
                                      generator=generator)
                h2_p = torch.bernoulli(torch.sigmoid(torch.addmm(b2, h1_p, W1.T)),
                                       generator=generator)
            W0.addmm_(mu1.T, v, alpha=lr / n).addmm_(h1_p.T, v_p, alpha=-lr / N_PARTICLES)
            W1.addmm_(mu2.T, mu1, alpha=lr / n).addmm_(h2_p.T, h1_p,
                                                       alpha=-lr / N_PARTICLES)
            b0.add_(v.mean(0) - v_p.mean(0), alpha=lr)
            b1.add_(mu1.mean(0) - h1_p.mean(0), alpha=lr)
            b2.add_(mu2.mean(0) - h2_p.mean(0), alpha=lr)
    return W0, W1


def pass_flops(n_samples, n_visible, hidden, n_sweeps, n_gibbs_steps):
    """Flops of one pass of the algorithm both contenders run (the bottom input
    of mean field computed once per mini-batch)."""
    n1, n2 = hidden
    mean_field = n_samples * (2 * n_visible * n1 + n1 * n2 + n_sweeps * 2 * n1 * n2)
    n_batches = -(-n_samples // BATCH_SIZE)
    gibbs = n_batches * n_gibbs_steps * N_PARTICLES * (2 * n_visible * n1 + 2 * n1 * n2)
    updates = n_batches * (BATCH_SIZE + N_PARTICLES) * (n_visible * n1 + n1 * n2)
    return 2.0 * (mean_field + gibbs + updates)


def speed(args):
    X, _ = load_mnist()
    X = np.ascontiguousarray((X[:args.samples] > 0.5).astype(np.float32))
    n_sweeps, n_steps, n_epochs = args.mean_field_sweeps, args.gibbs_steps, args.epochs
    hidden = tuple(args.hidden)
    tasks = {"skgen": timed(pass_skgen, X, hidden, n_sweeps, n_steps, n_epochs)}
    if torch is not None:
        tensor = torch.from_numpy(X)
        tasks["torch"] = timed(pass_torch, tensor, hidden, n_sweeps, n_steps, n_epochs)
    pass_skgen(X[:200], hidden, n_sweeps, n_steps, 1)  # compile, outside the timing
    times = interleave(tasks, args.repeats, pause=PAUSE_SECONDS)
    flops = pass_flops(X.shape[0], X.shape[1], hidden, n_sweeps, n_steps) * n_epochs
    bound = gemm_rate(BATCH_SIZE, hidden[0], hidden[1], np.float32)
    rows = []
    for name, seconds in times.items():
        rate = median_rate(X.shape[0] * n_epochs, seconds)
        share = flops / np.median(seconds) / bound
        rows.append((name, f"{np.median(seconds):.2f}", f"{rate:,.0f}",
                     f"{100 * share:.0f}%"))
    if "torch" in times:
        rows.append(("skgen / torch (speed)",
                     f"{np.median(times['torch']) / np.median(times['skgen']):.2f}x", "", ""))
    title = (f"One fit of {n_epochs} pass(es) of joint DBM training, "
             f"784-{hidden[0]}-{hidden[1]}, "
             f"{X.shape[0]} rows, batch {BATCH_SIZE}, {N_PARTICLES} particles, "
             f"{n_sweeps} mean-field sweeps, {n_steps} Gibbs step(s), float32; "
             f"median of {args.repeats}" + ("" if torch is not None
                                             else f" ({TORCH_MISSING})"))
    return title, ("contender", "s", "samples/s", "GEMM bound share"), rows


SECTIONS = {"likelihood": likelihood, "ais": ais, "ais-large": ais_large,
            "classifier": classifier, "speed": speed}

#: The columns of each section's table that go to the current figures.
HEADLINES = {
    "likelihood": Headline(("held-out",)),
    "ais": Headline(("log Z", "minus exact")),
    "ais-large": Headline(("log Z", "held-out bound"), keys=2),
    "classifier": Headline(("accuracy",)),
}


def main():
    parser = section_parser(__doc__.split("\n\n")[0], SECTIONS)
    parser.add_argument("--skip-peers", action="store_true",
                        help="likelihood: leave out the RBM and the DBN")
    parser.add_argument("--dbm-settings", nargs="*", default=[], metavar="SETTING",
                        help="likelihood: DBM settings tried beside the defaults, each "
                             "'name=value,...'")
    parser.add_argument("--rbm-settings", nargs="*", default=[], metavar="SETTING",
                        help="likelihood: changes to the RBM recipe tried beside it "
                             "(for example 'n_iter=70', to match the DBM's fit time)")
    parser.add_argument("--dbm-classifier-settings", nargs="*", default=[],
                        metavar="SETTING",
                        help="classifier: DBMClassifier settings tried beside the "
                             "defaults")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0],
                        help="ais-large: seeds of the DBMs (default 0)")
    parser.add_argument("--ais-betas", type=int, nargs="+", default=[2000, 20000],
                        help="ais-large: numbers of inverse temperatures")
    parser.add_argument("--hidden", type=int, nargs=2, default=[500, 1000],
                        help="speed: the two hidden layers (default 500 1000)")
    parser.add_argument("--samples", type=int, default=2000,
                        help="speed: training rows (default 2000)")
    parser.add_argument("--epochs", type=int, default=1, help="speed: passes per fit")
    parser.add_argument("--mean-field-sweeps", type=int, default=10,
                        help="speed: mean-field sweeps (default 10)")
    parser.add_argument("--gibbs-steps", type=int, default=1,
                        help="speed: Gibbs steps of the particles (default 1)")
    parser.add_argument("--repeats", type=int, default=5,
                        help="speed: interleaved repeats (default 5)")
    parser.add_argument("--threads", type=int, default=None,
                        help="BLAS/torch threads (default: all cores)")
    args = parser.parse_args()
    args.dbm_settings = parse_settings(args.dbm_settings)
    args.rbm_settings = parse_settings(args.rbm_settings)
    args.dbm_classifier_settings = parse_settings(args.dbm_classifier_settings)
    print_sections(SECTIONS, args, torch, HEADLINES)


if __name__ == "__main__":
    main()
