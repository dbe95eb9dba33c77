"""How well skgen's models learn: held-out likelihood, accuracy and sample quality.

Every figure is measured on the MNIST subset of ``_common.load_mnist`` (shuffled
with a fixed seed), binarised at 0.5 where the model has binary visible units:
the first 4000 images train, the last 1000 are held out. Each section is one
target of the "models that learn well at their defaults" issue, and prints a
table of the settings tried beside the figure that the target names. Sections
are independent; ``--sections`` picks some.

Run ``python benchmarks/bench_quality.py --help`` for the options.
"""

import argparse
import time

import numpy as np
from _common import format_info, format_table, load_mnist, machine_info

#: Training and held-out rows of the MNIST subset.
N_TRAIN, N_TEST = 4000, 1000


def binarised_mnist():
    """(train, test, train labels, test labels): binary float64 images."""
    X, y = load_mnist()
    X = (X > 0.5).astype(np.float64)
    return X[:N_TRAIN], X[N_TRAIN:N_TRAIN + N_TEST], y[:N_TRAIN], y[N_TRAIN:N_TRAIN + N_TEST]


def base_rate_log_likelihood(train, test, smoothing=1.0):
    """Mean held-out log-likelihood of independent pixels with the training
    data's (smoothed) marginals: what a model that learns nothing else scores."""
    p = (train.sum(axis=0) + smoothing) / (train.shape[0] + 2 * smoothing)
    return float(np.mean(test @ np.log(p) + (1 - test) @ np.log1p(-p)))


# -- sections -----------------------------------------------------------------------


def small_rbm(args):
    """16 hidden units on PyDeep's budget (PCD with 100 chains, batch 100,
    learning rate 0.01, 50 passes), exact held-out log-likelihood, on the data
    and on the flipped data 1 - x. Target: at least -165 and -166 (PyDeep's
    centered RBM: -165.7 on both)."""
    from skgen import BernoulliRBM

    train, test, _, _ = binarised_mnist()
    n_iter = 5 if args.quick else 50
    budget = {"n_components": 16, "batch_size": 100, "learning_rate": 0.01,
              "n_iter": n_iter, "persistent": True, "random_state": 0}
    settings = {
        "defaults on the budget": {},
        **{f"extra: {text}": extra for text, extra in args.small_rbm_settings},
    }
    rows = []
    for name, extra in settings.items():
        for flipped in (False, True):
            x_train, x_test = (1 - train, 1 - test) if flipped else (train, test)
            start = time.perf_counter()
            model = BernoulliRBM(**budget, **extra).fit(x_train)
            seconds = time.perf_counter() - start
            rows.append((name, "1 - x" if flipped else "x",
                         f"{model.score(x_test):.1f}", f"{seconds:.1f}"))
    rows.append(("independent pixels (base rate)", "x",
                 f"{base_rate_log_likelihood(train, test):.1f}", ""))
    return ("16-unit RBM, PyDeep's budget: exact held-out log-likelihood (nats)",
            ("setting", "data", "held-out LL", "fit s"), rows)


#: The trained model of the ``ais`` section, reused between runs (about two
#: minutes of training).
AIS_MODEL_PICKLE = "/tmp/skgen_quality_ais_rbm784x500.pkl"

#: Salakhutdinov & Murray's schedule, skgen's before issue 14: 500 inverse
#: temperatures in [0, 0.5), 4,000 in [0.5, 0.9) and 10,000 in [0.9, 1], this
#: shape for any length.
_SM_FRACTIONS = np.array([0.0, 500 / 14500, 4500 / 14500, 1.0])
_SM_BETAS = np.array([0.0, 0.5, 0.9, 1.0])


def ais_model(quick):
    """The 784 x 500 BernoulliRBM of the ``ais`` section: PCD, learning rate 0.01,
    batch 20, momentum 0.5, weight decay 2e-4, 50 passes (2 with ``quick``)."""
    import pickle

    from skgen import BernoulliRBM

    train, _, _, _ = binarised_mnist()
    params = {"n_components": 500, "learning_rate": 0.01, "batch_size": 20,
              "momentum": 0.5, "weight_decay": 2e-4, "n_iter": 2 if quick else 50,
              "persistent": True, "random_state": 0}
    if not quick:
        try:
            with open(AIS_MODEL_PICKLE, "rb") as file:
                model = pickle.load(file)
            if model.get_params() == BernoulliRBM(**params).get_params() and hasattr(
                    model, "_hidden_mean"):
                return model
        except (OSError, pickle.UnpicklingError, AttributeError, EOFError):
            pass
    model = BernoulliRBM(**params).fit(train)
    if not quick:
        with open(AIS_MODEL_PICKLE, "wb") as file:
            pickle.dump(model, file)
    return model


def ais(args):
    """log Z of a 784 x 500 RBM fitted to the binarised images (``ais_model``) by
    AIS: at the defaults before issue 14 (100 runs over Salakhutdinov & Murray's
    10,000 inverse temperatures, a base model with uniform hidden units), at
    today's defaults, and with a long reference run; each with its standard
    error, its time and the held-out log-likelihood it implies. Target: the
    defaults within 1 nat of the reference, in at most 15 s."""
    import copy

    train, test, _, _ = binarised_mnist()
    model = ais_model(args.quick)
    old_base = copy.deepcopy(model)
    old_base._hidden_mean = np.full(model.n_components, 0.5)  # logits 0: uniform
    n_old, n_reference, n_chains_reference = ((300, 2000, 200) if args.quick
                                              else (10000, 20000, 200))
    old_betas = np.interp(np.linspace(0.0, 1.0, n_old), _SM_FRACTIONS, _SM_BETAS)
    runs = [
        ("before: S&M schedule, uniform hidden base, 100 runs", old_base,
         {"betas": old_betas, "n_chains": 100}),
        (f"today's defaults ({model.ais_n_betas} betas, {model.ais_n_chains} runs)",
         model, {}),
        (f"reference: {n_reference} betas, {n_chains_reference} runs", model,
         {"n_betas": n_reference, "n_chains": n_chains_reference, "random_state": 1}),
    ]
    free_energy = model.free_energy(test).mean()
    rows, estimates = [], []
    for name, estimator, options in runs:
        start = time.perf_counter()
        value, std = estimator.log_partition("ais", return_std=True, **options)
        seconds = time.perf_counter() - start
        estimates.append(value)
        rows.append([name, f"{value:.2f}", f"{std:.2f}", f"{seconds:.1f}",
                     f"{-free_energy - value:.2f}"])
    for row, value in zip(rows, estimates, strict=True):
        row.append(f"{value - estimates[-1]:+.2f}")
    rows.append(("independent pixels (base rate)", "", "", "",
                 f"{base_rate_log_likelihood(train, test):.2f}", ""))
    title = ("AIS on a 784 x 500 RBM (PCD, 50 passes): log Z and the held-out "
             "log-likelihood it implies")
    return title, ("estimate", "log Z", "std", "s", "held-out LL", "minus reference"), rows


SECTIONS = {
    "small-rbm": small_rbm,
    "ais": ais,
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sections", nargs="+", choices=list(SECTIONS),
                        default=list(SECTIONS), help="sections to run (default: all)")
    parser.add_argument("--quick", action="store_true",
                        help="tiny budgets, to check that the script runs")
    parser.add_argument("--markdown", action="store_true", help="print Markdown tables")
    args = parser.parse_args()
    # Further settings tried beside the defaults, as (label, extra parameters).
    args.small_rbm_settings = ()
    print(format_info(machine_info(), markdown=args.markdown))
    for name in args.sections:
        title, headers, rows = SECTIONS[name](args)
        print(f"\n{title}\n")
        print(format_table(headers, rows, markdown=args.markdown))


if __name__ == "__main__":
    main()
