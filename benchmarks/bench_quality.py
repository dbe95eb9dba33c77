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
import ast
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


#: sklearn's settings for the 500-unit RBM (its MNIST example's), and the
#: documented recipe (BernoulliRBM's Notes).
SKLEARN_LARGE_RBM = {"learning_rate": 0.05, "batch_size": 10, "n_iter": 20}
RECIPE_LARGE_RBM = {"learning_rate": 0.01, "batch_size": 20, "n_iter": 50,
                    "momentum": 0.5, "weight_decay": 2e-4}
SKLEARN_TRAINING = {"visible_bias_init": "zeros", "centering": False}


def large_rbm(args):
    """500 hidden units (MNIST-sized), held-out log-likelihood by AIS (``score``
    with its defaults: 100 runs, 10000 temperatures), with sklearn's settings,
    the documented recipe with and without centering, and the settings of
    ``--large-rbm-settings``. Target: the recipe at or above -130."""
    from skgen import BernoulliRBM

    train, test, _, _ = binarised_mnist()
    quick = {"n_iter": 1, "ais_n_betas": 500} if args.quick else {}
    settings = {
        "sklearn's settings, sklearn's training": {**SKLEARN_LARGE_RBM,
                                                   **SKLEARN_TRAINING},
        "sklearn's settings": SKLEARN_LARGE_RBM,
        "recipe, not centered": {**RECIPE_LARGE_RBM, "centering": False},
        "recipe": RECIPE_LARGE_RBM,
        **{f"recipe + {text}": {**RECIPE_LARGE_RBM, **extra}
           for text, extra in args.large_rbm_settings},
    }
    rows = []
    for name, params in settings.items():
        start = time.perf_counter()
        model = BernoulliRBM(500, random_state=0, **{**params, **quick}).fit(train)
        seconds = time.perf_counter() - start
        _, std = model.log_partition(return_std=True)
        rows.append((name, f"{model.score(test):.1f}", f"{model.score(train):.1f}",
                     f"{std:.2f}", f"{seconds:.0f}"))
    rows.append(("independent pixels (base rate)",
                 f"{base_rate_log_likelihood(train, test):.1f}",
                 f"{base_rate_log_likelihood(train, train):.1f}", "", ""))
    return ("500-unit RBM: held-out log-likelihood by AIS (nats)",
            ("setting", "held-out LL", "train LL", "log Z std", "fit s"), rows)


def parse_settings(texts):
    """``("momentum=0.5,centering=False", ...)`` as (text, parameters) pairs."""
    settings = []
    for text in texts:
        params = {}
        for item in filter(None, text.split(",")):
            name, value = item.split("=", 1)
            try:
                params[name.strip()] = ast.literal_eval(value.strip())
            except (ValueError, SyntaxError):
                params[name.strip()] = value.strip()  # a bare string option
        settings.append((text, params))
    return tuple(settings)


SECTIONS = {
    "small-rbm": small_rbm,
    "large-rbm": large_rbm,
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sections", nargs="+", choices=list(SECTIONS),
                        default=list(SECTIONS), help="sections to run (default: all)")
    parser.add_argument("--quick", action="store_true",
                        help="tiny budgets, to check that the script runs")
    parser.add_argument("--markdown", action="store_true", help="print Markdown tables")
    parser.add_argument("--small-rbm-settings", nargs="*", default=[], metavar="SETTING",
                        help="settings tried beside the defaults in small-rbm, each "
                             "'name=value,...' (for example 'centering=False')")
    parser.add_argument("--large-rbm-settings", nargs="*", default=[], metavar="SETTING",
                        help="changes to the recipe tried in large-rbm, as "
                             "--small-rbm-settings")
    args = parser.parse_args()
    # Further settings tried beside the defaults, as (label, extra parameters).
    args.small_rbm_settings = parse_settings(args.small_rbm_settings)
    args.large_rbm_settings = parse_settings(args.large_rbm_settings)
    print(format_info(machine_info(), markdown=args.markdown))
    for name in args.sections:
        title, headers, rows = SECTIONS[name](args)
        print(f"\n{title}\n")
        print(format_table(headers, rows, markdown=args.markdown))


if __name__ == "__main__":
    main()
