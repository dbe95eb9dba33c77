"""How well skgen's models learn: held-out likelihood, accuracy and sample quality.

Every figure is measured on the MNIST subset of ``_common.load_mnist`` (shuffled
with a fixed seed), binarised at 0.5 where the model has binary visible units:
the first 4000 images train, the last 1000 are held out. Each section is one
target of the "models that learn well at their defaults" issue, and prints a
table of the settings tried beside the figure that the target names. Sections
are independent; ``--sections`` picks some.

Run ``python benchmarks/bench_quality.py --help`` for the options.
"""

import ast
import functools
import time
import warnings

import numpy as np
from _common import Headline, limit_threads, load_mnist, print_sections, section_parser

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


def history_cost(args):
    """What the RBMs' per-pass history costs: the CPU time of one training pass
    beside that of the score ``train_scores_`` records after it (on every k-th
    training row, see ``_scored_step``), of the same score on all training rows
    (the alternative), and
    of ``validation_scores_`` on the 1000 held-out rows; medians over passes
    timed in turn in the same loop, on one thread (CPU time of one thread does
    not count the waits of a shared machine, which inflate multi-threaded BLAS
    calls many times over). Target: the recorded history under about 5% of a
    pass."""
    from skgen import BernoulliRBM, GaussianBernoulliRBM
    from skgen.rbm._base import _scored_step

    train, test, _, _ = binarised_mnist()
    grey = load_mnist()[0]
    grey_train, grey_test = grey[:N_TRAIN], grey[N_TRAIN:N_TRAIN + N_TEST]
    mean, scale = grey_train.mean(axis=0), grey_train.std(axis=0) + 0.1
    real_train, real_test = (grey_train - mean) / scale, (grey_test - mean) / scale
    n_passes = 1 if args.quick else 5
    configurations = [
        ("BernoulliRBM, defaults (256 units, batch 10)", BernoulliRBM, {}, train, test),
        ("BernoulliRBM, 16 units, batch 100", BernoulliRBM,
         {"n_components": 16, "batch_size": 100, "learning_rate": 0.01}, train, test),
        ("BernoulliRBM, 256 units, batch 100", BernoulliRBM, {"batch_size": 100},
         train, test),
        ("GaussianBernoulliRBM, defaults (256 units, batch 10)", GaussianBernoulliRBM,
         {}, real_train, real_test),
    ]
    rows = []
    for name, Model, params, X, held_out in configurations:
        model = Model(**params, n_iter=1, random_state=0).fit(X)  # compiles
        state = {key: getattr(model, key) for key in model._state_names}
        sparse = model._sparse_products(X, model.batch_size)
        step = _scored_step(X.shape[0])
        scored = np.ascontiguousarray(X[::step])
        order = np.arange(X.shape[0], dtype=np.int64)
        steps = {
            "pass": functools.partial(model._fit_epoch, X, order, state, sparse),
            "recorded": functools.partial(model._progress_score, scored, state),
            "all rows": functools.partial(model._progress_score, X, state),
            "held out": functools.partial(model._progress_score, held_out, state),
        }
        times = {key: [] for key in steps}
        with limit_threads(1):
            for _ in range(n_passes):
                for key, run in steps.items():
                    start = time.process_time()
                    run()
                    times[key].append(time.process_time() - start)
        median = {key: float(np.median(values)) for key, values in times.items()}
        rows.append((name, str(scored.shape[0]), f"{median['pass']:.3f}",
                     f"{median['recorded']:.4f} ({median['recorded'] / median['pass']:.1%})",
                     f"{median['all rows']:.4f} ({median['all rows'] / median['pass']:.1%})",
                     f"{median['held out']:.4f} ({median['held out'] / median['pass']:.1%})"))
    title = (f"RBM history cost per pass, {N_TRAIN} training rows, median of {n_passes} "
             "passes (CPU seconds on one thread, share of a pass)")
    return (title,
            ("model", "rows scored", "pass s", "train_scores_", "all training rows",
             "validation_scores_ (1000 rows)"), rows)


def tempering(args):
    """Parallel tempering in PCD's negative phase (``n_temperatures`` 5 and 10,
    adaptive ladder) against plain PCD, in the same run: the 16-unit RBM on
    PyDeep's budget and with a 20 times larger learning rate (exact held-out
    log-likelihood, on x and 1 - x, seeds 0 and 1), and a 500-unit RBM (log Z by
    AIS, with its standard error). With the time per pass (after a warm-up fit
    that compiles), its ratio to PCD's in the same setting, the swap rates of
    the last pass and the ladder's hottest inverse temperature."""
    from skgen import BernoulliRBM

    train, test, _, _ = binarised_mnist()
    quick = args.quick
    small = {"n_components": 16, "batch_size": 100, "n_iter": 5 if quick else 50}
    settings = [
        ({**small, "learning_rate": 0.01}, flipped, seed)
        for flipped in (False, True) for seed in (0, 1)
    ] + [
        ({**small, "learning_rate": 0.2}, flipped, seed)
        for flipped in (False, True) for seed in (0, 1)
    ] + [
        ({"n_components": 500, "batch_size": 100, "learning_rate": 0.05,
          "n_iter": 2 if quick else 20, "ais_n_betas": 1000 if quick else 10000},
         False, 0),
    ]
    for n_temperatures in (1, 5):
        BernoulliRBM(8, n_iter=1, n_temperatures=n_temperatures).fit(train[:200])
    rows = []
    for budget, flipped, seed in settings:
        x_train, x_test = (1 - train, 1 - test) if flipped else (train, test)
        pcd_seconds = None
        for n_temperatures in (1, 5, 10):
            model = BernoulliRBM(**budget, n_temperatures=n_temperatures,
                                 random_state=seed)
            start = time.perf_counter()
            model.fit(x_train)
            seconds = (time.perf_counter() - start) / budget["n_iter"]
            pcd_seconds = pcd_seconds or seconds
            log_z, std = model.log_partition(return_std=True)
            score = -model.free_energy(x_test).mean() - log_z
            rates = model.swap_rates_
            rows.append((
                budget["n_components"], budget["learning_rate"], seed,
                "1 - x" if flipped else "x", n_temperatures,
                f"{score:.1f}" + (f" +- {std:.1f}" if std else ""),
                f"{seconds:.3f}", f"{seconds / pcd_seconds:.1f}",
                f"{rates.min():.2f}-{rates.max():.2f}" if rates.size else "",
                f"{model.inverse_temperatures_[0]:.2f}" if rates.size else "",
            ))
    return ("Parallel tempering against PCD: held-out log-likelihood (nats) and cost",
            ("hidden", "learning rate", "seed", "data", "n_temperatures",
             "held-out LL", "s / pass", "x PCD", "swap rates", "lowest beta"), rows)


def sparse_kl(args):
    """SparseAE's mean code activation against its target, and what it costs in
    reconstruction: 100 sigmoid code units with "kl" towards 0.05, each weight
    tried, on the grey-level images (default squared error, and the
    cross-entropy), and the relu default with "l1" beside the unpenalised one.
    Target: the default weight ("auto") within 0.02 of 0.05 for "kl"."""
    from sklearn.exceptions import ConvergenceWarning

    from skgen import SparseAE

    X = load_mnist()[0]
    train, test = X[:N_TRAIN], X[N_TRAIN:N_TRAIN + N_TEST]
    max_iter = 5 if args.quick else 200
    kl = {"sparsity": "kl", "sparsity_target": 0.05, "activation": "sigmoid"}
    bce = {"loss": "bce", "output_activation": "sigmoid"}
    settings = [
        ("kl", "mse", kl, ["auto", 0.01, 0.0, 1.0, 10.0]),
        ("kl", "bce", {**kl, **bce}, ["auto", 0.01, 10.0]),
        ("l1, relu", "mse", {"sparsity": "l1"}, ["auto", 0.0]),
    ]
    rows = []
    for penalty, loss, params, weights in settings:
        for weight in weights:
            start = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                model = SparseAE(hidden_layer_sizes=(100,), sparsity_weight=weight,
                                 max_iter=max_iter, random_state=0, **params).fit(train)
            seconds = time.perf_counter() - start
            codes = model.transform(test)
            unit_means = codes.mean(axis=0)
            error = np.mean(np.sum((model.reconstruct(test) - test) ** 2, axis=1))
            rows.append((penalty, loss, f"{weight}", f"{codes.mean():.4f}",
                         f"{unit_means.min():.3f} to {unit_means.max():.3f}",
                         f"{np.mean(codes == 0):.2f}", f"{error:.2f}", f"{seconds:.0f}"))
    return ((f"SparseAE (100,), {max_iter} passes: held-out code activity and "
             "reconstruction"),
            ("penalty", "loss", "sparsity_weight", "mean activation",
             "unit means", "zeros", "squared error / image", "fit s"), rows)


def _vae_initial_params(network, rng, dtype, init):
    """Initial parameters of a ``VAENetwork`` other than its default: "glorot",
    sklearn's (skgen's before issue 14: weights and biases in
    +-sqrt(6 / (fan_in + fan_out))), or "he", He-uniform weights
    (+-sqrt(6 / fan_in)) and zero biases."""
    if init == "glorot":
        parts = [part.initial_params(rng, dtype, 6.0)
                 for part in (network.encoder, network.decoder)]
    else:
        parts = []
        for part in (network.encoder, network.decoder):
            fans = part.layers[:, :2]
            coefs = [rng.uniform(-1, 1, (fan_in, fan_out)) * np.sqrt(6 / fan_in)
                     for fan_in, fan_out in fans]
            parts.append(part.pack(coefs, [np.zeros(fan_out) for _, fan_out in fans],
                                   dtype))
    return np.concatenate([*parts, np.zeros(network.n_log_var, dtype=dtype)])


def vae(args):
    """The VAE of ``bench_vae.py`` (784-256-20 relu, Adam 1e-3, batch 128,
    float32) at its default initialisation (PyTorch's) and at two others
    (sklearn's Glorot, skgen's former default, and He's), against the same model
    trained by bench_vae's PyTorch loop from PyTorch's initialisation and from
    the Glorot draws of skgen's: held-out IWAE (K=500) after ``--vae-epochs``
    passes, for each of ``--vae-seeds`` seeds. Target: skgen at its default no
    more than 0.5 nat below PyTorch after 30 passes (mean over the seeds)."""
    import bench_vae
    from sklearn.exceptions import ConvergenceWarning

    from skgen.vae import _vae

    torch = bench_vae.torch
    if torch is None:
        raise SystemExit(f"the vae section needs PyTorch: {bench_vae.TORCH_MISSING}")
    train, test, _, _ = binarised_mnist()
    train, test = train.astype(np.float32), test.astype(np.float32)
    epochs = [2] if args.quick else args.vae_epochs
    seeds = range(1 if args.quick else args.vae_seeds)
    n_draws = 20 if args.quick else bench_vae.N_IMPORTANCE_SAMPLES
    default_init = _vae.VAENetwork.initial_params

    def fit_skgen(seed, n_epochs, init=None):
        model = bench_vae.make_skgen(128, n_epochs, seed=seed)
        if init is not None:
            _vae.VAENetwork.initial_params = functools.partialmethod(
                _vae_initial_params, init=init)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                model.fit(train)
        finally:
            _vae.VAENetwork.initial_params = default_init
        model.set_params(n_importance_samples=n_draws)
        return (model.score(test, random_state=0),
                float(np.mean(model.elbo(test, random_state=0))))

    def fit_torch(seed, n_epochs, init=None):
        initial = None
        if init is not None:
            network = _vae.VAENetwork(train.shape[1], bench_vae.N_COMPONENTS,
                                      [bench_vae.N_HIDDEN], "relu", "bernoulli")
            params = _vae_initial_params(network, np.random.RandomState(seed),
                                         np.float32, init)
            initial = (network.coefs(params), network.intercepts(params))
        encoder, decoder = bench_vae.torch_vae_fit(torch.from_numpy(train), 128,
                                                   n_epochs, seed=seed, initial=initial)
        scores = [np.mean(bench_vae.torch_iwae(encoder, decoder, torch.from_numpy(test),
                                               draws)) for draws in (n_draws, 1)]
        return tuple(float(score) for score in scores)

    contenders = {
        "skgen": fit_skgen,
        "skgen, Glorot init": functools.partial(fit_skgen, init="glorot"),
        "skgen, He init": functools.partial(fit_skgen, init="he"),
        "torch": fit_torch,
        "torch, Glorot init": functools.partial(fit_torch, init="glorot"),
    }
    rows = []
    for n_epochs in epochs:
        results = {name: [] for name in contenders}
        for seed in seeds:
            for name, fit in contenders.items():
                start = time.perf_counter()
                iwae, elbo = fit(seed, n_epochs)
                results[name].append(iwae)
                rows.append((str(n_epochs), name, str(seed), f"{iwae:.2f}", f"{elbo:.2f}",
                             f"{time.perf_counter() - start:.0f}"))
        for name, values in results.items():
            rows.append((str(n_epochs), name, "mean", f"{np.mean(values):.2f}", "", ""))
        gap = np.mean(results["skgen"]) - np.mean(results["torch"])
        status = "met" if gap >= -0.5 else "not met"
        rows.append((str(n_epochs), "skgen - torch", "mean", f"{gap:+.2f} ({status})",
                     "", ""))
    return ((f"VAE 784-256-20 on {N_TRAIN} binarised images: held-out IWAE "
             f"(K={n_draws}) and ELBO, nats per image"),
            ("passes", "model", "seed", "IWAE", "ELBO (1 code)", "fit + score s"), rows)


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


def rbm_defaults(args):
    """``BernoulliRBM()`` at every default (256 units, sklearn's learning rate 0.1,
    batch 10 and 10 passes, and skgen's own defaults for the rest), and with
    the changes of ``--rbm-defaults-settings``: held-out and training
    log-likelihood (AIS at its defaults) on the binarised images, seeds 0 and
    1. What a user who sets nothing gets."""
    from skgen import BernoulliRBM

    train, test, _, _ = binarised_mnist()
    quick = {"n_iter": 1, "ais_n_betas": 500} if args.quick else {}
    settings = {"defaults": {}, "sklearn's training": SKLEARN_TRAINING,
                **{f"defaults + {text}": extra for text, extra in args.rbm_defaults_settings}}
    rows = []
    for name, params in settings.items():
        for seed in (0,) if args.quick else (0, 1):
            start = time.perf_counter()
            model = BernoulliRBM(random_state=seed, **{**params, **quick}).fit(train)
            seconds = time.perf_counter() - start
            _, std = model.log_partition(return_std=True)
            rows.append((name, seed, f"{model.score(test):.1f}", f"{model.score(train):.1f}",
                         f"{std:.2f}", f"{seconds:.0f}"))
    return ("BernoulliRBM() at its defaults: log-likelihood by AIS (nats)",
            ("setting", "seed", "held-out LL", "train LL", "log Z std", "fit s"), rows)


def dbn_generation(args):
    """Class-conditional samples of ``DBN(hidden_layer_sizes=(500, 500, 2000))``
    fitted with labels on the binarised training images, at its defaults and
    with the settings of ``--dbn-settings``: for each class, 100 samples of
    ``sample(100, y=c)``, and the share that a LogisticRegression trained on
    the real training images assigns to c. Targets: the default fit under 3
    minutes, and every class at least 0.80."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression

    from skgen import DBN

    train, test, y_train, y_test = binarised_mnist()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        judge = LogisticRegression(max_iter=200).fit(train, y_train)
    sizes = (50, 50, 100) if args.quick else (500, 500, 2000)
    quick = {"n_iter": 1} if args.quick else {}
    settings = {"defaults": {}, **dict(args.dbn_settings)}
    rows = []
    for name, params in settings.items():
        start = time.perf_counter()
        model = DBN(hidden_layer_sizes=sizes, random_state=0,
                    **{**params, **quick}).fit(train, y_train)
        seconds = time.perf_counter() - start
        shares = []
        for label in range(10):
            samples = model.sample(100, y=label, random_state=label)
            shares.append(float(np.mean(judge.predict(samples) == label)))
        rows.append((name, f"{seconds:.0f}", *(f"{share:.2f}" for share in shares),
                     f"{min(shares):.2f}",
                     f"{np.mean(model.predict(test) == y_test):.3f}"))
    return (f"DBN{sizes} with labels: share of class-conditional samples the judge "
            f"recognises (judge's held-out accuracy {judge.score(test, y_test):.3f})",
            ("setting", "fit s", *map(str, range(10)), "min", "accuracy"), rows)


def dbn_features(args):
    """Features for a LogisticRegression(C=100) on sklearn's digits (X / 16),
    3-fold cross-validated accuracy: ``Pipeline(DBN((100, 100)), LR)`` against
    ``Pipeline(BernoulliRBM(100), LR)``, both at their defaults (and sklearn's
    RBM, and skgen's without momentum, its former default), and the DBN
    with the settings of ``--dbn-features-settings``; seeds 0 to 2. Target: the
    DBN at least as accurate as the RBM."""
    from sklearn.datasets import load_digits
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import KFold, cross_val_score
    from sklearn.pipeline import Pipeline

    from skgen import DBN, BernoulliRBM

    X, y = load_digits(return_X_y=True)
    X = X / 16
    quick = {"n_iter": 1} if args.quick else {}
    from sklearn.neural_network import BernoulliRBM as SklearnBernoulliRBM

    contenders = {
        "sklearn's BernoulliRBM(100)": lambda seed: SklearnBernoulliRBM(
            100, random_state=seed, **quick),
        "BernoulliRBM(100), defaults": lambda seed: BernoulliRBM(
            100, random_state=seed, **quick),
        "BernoulliRBM(100), momentum=0.0": lambda seed: BernoulliRBM(
            100, momentum=0.0, random_state=seed, **quick),
        "DBN((100, 100)), defaults": lambda seed: DBN(
            (100, 100), random_state=seed, **quick),
        **{f"DBN((100, 100)), {text}": (lambda seed, extra=extra: DBN(
            (100, 100), random_state=seed, **{**extra, **quick}))
           for text, extra in args.dbn_features_settings},
    }
    rows = []
    folds = KFold(3, shuffle=True, random_state=0)
    for name, make in contenders.items():
        scores = []
        for seed in range(1 if args.quick else 3):
            pipeline = Pipeline([("features", make(seed)),
                                 ("logistic", LogisticRegression(C=100, max_iter=1000))])
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                scores.append(cross_val_score(pipeline, X, y, cv=folds).mean())
        rows.append((name, *(f"{score:.3f}" for score in scores),
                     f"{np.mean(scores):.3f}"))
    n_seeds = 1 if args.quick else 3
    return ("Digits, 3-fold accuracy of LogisticRegression(C=100) on the features",
            ("features", *(f"seed {seed}" for seed in range(n_seeds)), "mean"), rows)


def parse_settings(texts):
    """``("momentum=0.5,centering=False", ...)`` as (text, parameters) pairs;
    a value may be a list, such as ``n_iter=[10,10,60]``."""
    settings = []
    for text in texts:
        params = {}
        items, depth, start = [], 0, 0
        for index, character in enumerate(text + ","):
            depth += {"[": 1, "(": 1, "]": -1, ")": -1}.get(character, 0)
            if character == "," and depth == 0:
                items.append(text[start:index])
                start = index + 1
        for item in filter(None, items):
            name, value = item.split("=", 1)
            try:
                params[name.strip()] = ast.literal_eval(value.strip())
            except (ValueError, SyntaxError):
                params[name.strip()] = value.strip()  # a bare string option
        settings.append((text, params))
    return tuple(settings)


SECTIONS = {
    "small-rbm": small_rbm,
    "history-cost": history_cost,
    "tempering": tempering,
    "sparse-kl": sparse_kl,
    "vae": vae,
    "ais": ais,
    "large-rbm": large_rbm,
    "rbm-defaults": rbm_defaults,
    "dbn-generation": dbn_generation,
    "dbn-features": dbn_features,
}


#: The ``--<name>-settings`` options: settings tried beside the defaults (or the
#: recipe) of a section, as (label, extra parameters) pairs after parsing.
SETTINGS_OPTIONS = {
    "small-rbm": "settings tried beside the defaults in small-rbm",
    "large-rbm": "changes to the recipe tried in large-rbm",
    "rbm-defaults": "changes to the defaults tried in rbm-defaults",
    "dbn": "DBN settings tried beside the defaults in dbn-generation",
    "dbn-features": "DBN settings tried beside the defaults in dbn-features",
}
#: The columns of each section's table that go to the current figures.
HEADLINES = {
    "small-rbm": Headline(("held-out LL",), keys=2),
    "tempering": Headline(("held-out LL", "x PCD"), keys=5),
    "sparse-kl": Headline(("mean activation", "squared error / image"), keys=3),
    "vae": Headline(("IWAE", "ELBO (1 code)"), keys=3),
    "ais": Headline(("log Z", "held-out LL", "minus reference")),
    "large-rbm": Headline(("held-out LL",)),
    "rbm-defaults": Headline(("held-out LL",), keys=2),
    "dbn-generation": Headline(("min", "accuracy")),
    "dbn-features": Headline(("mean",)),
}


def main():
    parser = section_parser(__doc__.split("\n\n")[0], SECTIONS)
    parser.add_argument("--vae-epochs", type=int, nargs="+", default=[30],
                        help="training passes of the vae section (default 30)")
    parser.add_argument("--vae-seeds", type=int, default=3,
                        help="seeds 0, 1, ... of the vae section (default 3)")
    for name, what in SETTINGS_OPTIONS.items():
        parser.add_argument(f"--{name}-settings", nargs="*", default=[], metavar="SETTING",
                            help=f"{what}, each 'name=value,...' (for example "
                                 "'centering=False' or 'n_iter=[10,10,60]')")
    args = parser.parse_args()
    # Further settings tried beside the defaults, as (label, extra parameters).
    for name in SETTINGS_OPTIONS:
        attribute = f"{name.replace('-', '_')}_settings"
        setattr(args, attribute, parse_settings(getattr(args, attribute)))
    print_sections(SECTIONS, args, headlines=HEADLINES)


if __name__ == "__main__":
    main()
