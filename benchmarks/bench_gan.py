"""GAN: mode coverage on the 8-Gaussian ring, training speed against a PyTorch CPU
loop, and the two-sample score of its samples beside skgen's other generative
models and CTGAN.

Sections:

- ``ring``: 8 Gaussians of standard deviation 0.02 on a circle of radius 2
  (Srivastava et al. 2017, VEEGAN). After training on 20,000 draws, 10,000
  samples: a sample counts for its nearest mode if it lies within 3 standard
  deviations of it ("high quality"); a mode is covered if it has a
  high-quality sample. The target: all 8 modes and at least 80% high quality.
- ``speed``: one training epoch of the same GAN (latent 64, generator
  64-256-256-64, critic 64-256-256-1, relu, batch 64, Adam) by skgen and by a
  plain PyTorch CPU loop written the same way (critic step per mini-batch, a
  generator step after every n_critic-th and after the last), in float32 on
  the standardised digits, samples per second, median of interleaved repeats.
  The target: skgen at least 1.2x torch. The GEMM bound is numpy's rate for a
  (64 x 256) @ (256 x 256) product divided by the flops of a training sample
  (see ``flops_per_sample``).
- ``digits``: ``skgen.metrics.c2st_score`` (1 - 2 |AUC - 0.5| of a random
  forest telling real from generated rows; 1 is indistinguishable) of 500
  samples against the 500 held-out digits (scaled to [0, 1]), for the GAN, the
  VAE (decoder means), the DBN and the BernoulliRBM (binary Gibbs samples),
  each trained on the other 1297; and ``mmd_score`` (-MMD^2, 0 is best),
  which ranks models that the forest separates alike.
- ``ctgan``: the same score on sklearn's breast cancer table (30 numeric
  columns; 400 rows to train, 169 held out) for the GAN (on standardised
  columns) and the PyPI package ``ctgan``, with fit times. Skipped when
  ``ctgan`` does not import.

Run ``python benchmarks/bench_gan.py --help`` for the options.
"""

import time
import warnings

import numpy as np
from _common import (
    Headline,
    format_ratio,
    gemm_rates,
    interleave,
    print_sections,
    section_parser,
    timed,
    try_import_torch,
)
from sklearn.datasets import load_breast_cancer, load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import skgen
from skgen.metrics import c2st_score, mmd_score

torch, TORCH_MISSING = try_import_torch()

SECTIONS = ("ring", "speed", "digits", "ctgan")

# -- ring ---------------------------------------------------------------------------------

RING_RADIUS, RING_SD, RING_MODES = 2.0, 0.02, 8
N_RING_TRAIN, N_RING_SAMPLES = 20_000, 10_000
#: The settings that reach the targets (chosen by trying a few; see RESULTS.md).
RING_SETTINGS = {
    "nonsaturating": dict(n_components=2, generator_layer_sizes=(128, 128),
                          discriminator_layer_sizes=(128, 128), batch_size=256,
                          max_iter=100, learning_rate_init=2e-4),
    "wasserstein-gp": dict(n_components=2, generator_layer_sizes=(128, 128),
                           discriminator_layer_sizes=(128, 128), batch_size=256,
                           max_iter=100, learning_rate_init=5e-4, n_critic=5),
}


def ring_centres():
    angles = 2 * np.pi * np.arange(RING_MODES) / RING_MODES
    return RING_RADIUS * np.c_[np.cos(angles), np.sin(angles)]


def ring_data(n_samples, seed=0):
    """Draws of the mixture: a uniform mode, then isotropic Gaussian noise."""
    rng = np.random.RandomState(seed)
    modes = rng.randint(RING_MODES, size=n_samples)
    return ring_centres()[modes] + RING_SD * rng.normal(size=(n_samples, 2))


def ring_quality(samples):
    """(modes covered, share of high-quality samples)."""
    distances = np.linalg.norm(samples[:, None] - ring_centres()[None], axis=2)
    good = distances.min(axis=1) < 3 * RING_SD
    return len(np.unique(distances.argmin(axis=1)[good])), float(good.mean())


def ring_section(args):
    X = ring_data(N_RING_TRAIN)
    rows = []
    for loss, settings in RING_SETTINGS.items():
        settings = {**settings, "max_iter": 2} if args.quick else settings
        start = time.perf_counter()
        model = skgen.GAN(loss=loss, random_state=0, **settings).fit(X)
        seconds = time.perf_counter() - start
        modes, share = ring_quality(model.sample(N_RING_SAMPLES, random_state=1))
        met = modes == RING_MODES and share >= 0.8
        rows.append([loss, str(settings.get("n_critic", 1)),
                     f"{settings['learning_rate_init']:g}", str(settings["max_iter"]),
                     f"{seconds:.1f}", f"{modes}/8", f"{100 * share:.1f}%",
                     "met" if met else "not met"])
    return ("Ring of 8 Gaussians (sd 0.02, radius 2): latent 2, 2-128-128-2 and "
            "2-128-128-1 relu, batch 256, Adam (0.5, 0.9), 20,000 training draws, "
            "10,000 samples; target 8 modes and >= 80% high quality",
            ["loss", "n_critic", "lr", "epochs", "fit s", "modes", "high quality",
             "target"], rows)


# -- speed --------------------------------------------------------------------------------

SPEED_COMPONENTS, SPEED_HIDDEN, SPEED_BATCH = 64, 256, 64
SPEED_TARGET = 1.2
SPEED_LOSSES = (("nonsaturating", 1), ("wasserstein-gp", 5))


def flops_per_sample(n_features, n_critic):
    """Flops of the dense products per real row of an epoch.

    Per critic step and real row: the generator's forward pass, the critic's
    forward and weight-gradient passes over two rows (real and generated) and
    its input-gradient pass but for the first layer. Per generator step and
    row: the generator's forward pass, the critic's forward, weight- and
    input-gradient passes, the generator's weight- and input-gradient passes
    but for its first layer. The gradient penalty is not counted.
    """
    k, h, f = SPEED_COMPONENTS, SPEED_HIDDEN, n_features
    generator = k * h + h * h + h * f
    critic = f * h + h * h + h
    per_critic_step = generator + 6 * critic - 2 * f * h
    per_generator_step = 3 * generator - k * h + 3 * critic
    return 2.0 * (per_critic_step + per_generator_step / n_critic)


def torch_gan_fit(X, loss, n_critic, n_epochs, batch_size=SPEED_BATCH, seed=0,
                  penalty=10.0, learning_rate=2e-4):
    """A plain PyTorch loop training the same GAN the same way."""
    torch.manual_seed(seed)
    nn = torch.nn
    n_features = X.shape[1]
    h = SPEED_HIDDEN
    generator = nn.Sequential(nn.Linear(SPEED_COMPONENTS, h), nn.ReLU(), nn.Linear(h, h),
                              nn.ReLU(), nn.Linear(h, n_features))
    critic = nn.Sequential(nn.Linear(n_features, h), nn.ReLU(), nn.Linear(h, h),
                           nn.ReLU(), nn.Linear(h, 1))
    betas = (0.5, 0.9)
    generator_opt = torch.optim.Adam(generator.parameters(), lr=learning_rate,
                                     betas=betas)
    critic_opt = torch.optim.Adam(critic.parameters(), lr=learning_rate, betas=betas)
    softplus = nn.functional.softplus
    n_samples = X.shape[0]
    n_batches = -(-n_samples // batch_size)
    for _ in range(n_epochs):
        order = torch.randperm(n_samples)
        for batch in range(n_batches):
            real = X[order[batch * batch_size:(batch + 1) * batch_size]]
            n_rows = real.shape[0]
            with torch.no_grad():
                fake = generator(torch.randn(n_rows, SPEED_COMPONENTS))
            logits = critic(torch.cat([real, fake]))
            if loss == "nonsaturating":
                critic_loss = (softplus(-logits[:n_rows]).mean()
                               + softplus(logits[n_rows:]).mean())
            else:
                critic_loss = logits[n_rows:].mean() - logits[:n_rows].mean()
                u = torch.rand(n_rows, 1)
                interpolates = (fake + u * (real - fake)).requires_grad_(True)
                grad = torch.autograd.grad(critic(interpolates).sum(), interpolates,
                                           create_graph=True)[0]
                critic_loss = critic_loss + penalty * (
                    (grad.norm(dim=1) - 1) ** 2).mean()
            critic_opt.zero_grad()
            critic_loss.backward()
            critic_opt.step()
            if (batch + 1) % n_critic == 0 or batch == n_batches - 1:
                logits = critic(generator(torch.randn(n_rows, SPEED_COMPONENTS)))
                if loss == "nonsaturating":
                    generator_loss = softplus(-logits).mean()
                else:
                    generator_loss = -logits.mean()
                generator_opt.zero_grad()
                generator_loss.backward()
                generator_opt.step()
    return generator


def skgen_gan_fit(X, loss, n_critic, n_epochs):
    return skgen.GAN(SPEED_COMPONENTS, generator_layer_sizes=(SPEED_HIDDEN,) * 2,
                     discriminator_layer_sizes=(SPEED_HIDDEN,) * 2, loss=loss,
                     n_critic=n_critic, batch_size=SPEED_BATCH, max_iter=n_epochs,
                     random_state=0).fit(X)


def speed_section(args):
    X = StandardScaler().fit_transform(load_digits().data).astype(np.float32)
    n_epochs = 1 if args.quick else 3
    repeats = 2 if args.quick else args.repeats
    rows = []
    for loss, n_critic in SPEED_LOSSES:
        tasks = {"skgen": timed(skgen_gan_fit, X, loss, n_critic, n_epochs)}
        skgen_gan_fit(X[:256], loss, n_critic, 1)  # warm-up: loads the kernels
        if torch is not None:
            tensor = torch.from_numpy(X)
            torch_gan_fit(tensor[:256], loss, n_critic, 1)
            tasks["torch"] = timed(torch_gan_fit, tensor, loss, n_critic, n_epochs)
        times = interleave(tasks, repeats)
        rates = {name: n_epochs * X.shape[0] / np.median(seconds)
                 for name, seconds in times.items()}
        flops = flops_per_sample(X.shape[1], n_critic)
        gemm = np.median(gemm_rates(SPEED_BATCH, SPEED_HIDDEN, SPEED_HIDDEN, np.float32,
                                    n_trials=10))
        bound = gemm / flops
        speedup = rates["skgen"] / rates["torch"] if "torch" in rates else None
        met = "n/a" if speedup is None else (
            "met" if speedup >= SPEED_TARGET else "not met")
        rows.append([loss, str(n_critic), f"{rates['skgen']:,.0f}",
                     f"{rates['torch']:,.0f}" if "torch" in rates else TORCH_MISSING,
                     format_ratio(speedup), f"{100 * rates['skgen'] / bound:.0f}%",
                     met])
    return (f"Training speed, float32, samples/s of an epoch over the {X.shape[0]} "
            f"standardised digits (median of {repeats} interleaved fits of {n_epochs} "
            f"epochs); latent {SPEED_COMPONENTS}, 2 x {SPEED_HIDDEN} relu layers in "
            f"both players, batch {SPEED_BATCH}; target {SPEED_TARGET:g}x torch",
            ["loss", "n_critic", "skgen", "torch", "skgen/torch", "of GEMM bound",
             "target"], rows)


# -- two-sample scores --------------------------------------------------------------------


def _fit_and_score(name, make, X_train, X_test, sample, rows):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        start = time.perf_counter()
        model = make().fit(X_train)
        seconds = time.perf_counter() - start
    rows.append([name, f"{seconds:.1f}", *_scores(X_test, sample(model, X_test.shape[0]))])


def _scores(X_test, samples):
    """The c2st and MMD scores of samples against the held-out rows, as cells."""
    return [f"{c2st_score(X_test, samples, random_state=0):.3f}",
            f"{mmd_score(X_test, samples):.4f}"]


def digits_section(args):
    X = load_digits().data / 16.0
    X = X[np.random.RandomState(0).permutation(len(X))]
    X_train, X_test = X[:-500], X[-500:]
    epochs = 2 if args.quick else None
    rows = [["held-out digits (ceiling)", "-", *_scores(X_test, X_train[:500])]]
    models = {
        # Linear outputs: with sigmoid ones the generator collapsed here (per-pixel
        # standard deviation of its samples 0.04 against the data's 0.23).
        "GAN (linear outputs)": (
            lambda: skgen.GAN(32, generator_layer_sizes=(128, 128),
                              discriminator_layer_sizes=(128, 128), batch_size=64,
                              max_iter=epochs or 60, random_state=0),
            lambda model, n: model.sample(n, random_state=1)),
        "VAE (decoder means)": (
            lambda: skgen.VAE(16, hidden_layer_sizes=(256,), max_iter=epochs or 200,
                              random_state=0),
            lambda model, n: model.sample(n, random_state=1)),
        "DBN (binary samples)": (
            lambda: skgen.DBN(hidden_layer_sizes=(256, 128), n_iter=epochs or 50,
                              random_state=0),
            lambda model, n: model.sample(n, random_state=1)),
        "BernoulliRBM (binary samples)": (
            lambda: skgen.BernoulliRBM(256, n_iter=epochs or 50, random_state=0),
            lambda model, n: model.sample(n, random_state=1)),
    }
    for name, (make, sample) in models.items():
        _fit_and_score(name, make, X_train, X_test, sample, rows)
    return ("c2st_score of 500 samples against the 500 held-out digits in [0, 1] "
            "(1 = indistinguishable to a random forest) and mmd_score (-MMD^2, 0 is "
            "best), trained on the other 1297",
            ["model", "fit s", "c2st", "mmd"], rows)


def ctgan_section(args):
    try:
        from ctgan import CTGAN
    except ImportError as error:
        return ("CTGAN: skipped", ["reason"], [[f"ctgan does not import ({error})"]])
    X = load_breast_cancer().data
    X = X[np.random.RandomState(0).permutation(len(X))]
    X_train, X_test = X[:400], X[400:]
    epochs = 2 if args.quick else 300
    # Scored on standardised columns: the forest does not mind the scales, the
    # MMD's kernel would see only the largest columns.
    scaler = StandardScaler().fit(X_train)
    X_test = scaler.transform(X_test)
    rows = [["held-out rows (ceiling)", "-",
             *_scores(X_test, scaler.transform(X_train[:len(X_test)]))]]

    def make_gan():
        return make_pipeline(StandardScaler(), skgen.GAN(
            16, generator_layer_sizes=(256, 256), discriminator_layer_sizes=(256, 256),
            batch_size=64, max_iter=epochs, random_state=0))

    _fit_and_score("skgen GAN", make_gan, X_train, X_test,
                   lambda pipeline, n: scaler.transform(pipeline[0].inverse_transform(
                       pipeline[-1].sample(n, random_state=1))), rows)
    if torch is not None:
        torch.manual_seed(0)

    class Fitted(CTGAN):
        """CTGAN, whose fit returns None, returning itself."""

        def fit(self, X):
            super().fit(X)
            return self

    _fit_and_score(f"ctgan CTGAN ({epochs} epochs)", lambda: Fitted(epochs=epochs),
                   X_train, X_test,
                   lambda model, n: scaler.transform(np.asarray(model.sample(n))), rows)
    return (f"Breast cancer (30 numeric columns): c2st_score of {len(X_test)} samples "
            "against the held-out rows, and mmd_score (-MMD^2), on standardised "
            "columns, trained on 400",
            ["model", "fit s", "c2st", "mmd"], rows)



#: The columns of each section's table that go to the current figures.
HEADLINES = {
    "ring": Headline(("modes", "high quality")),
    "speed": Headline(("skgen", "skgen/torch", "of GEMM bound")),
    "digits": Headline(("c2st", "mmd")),
    "ctgan": Headline(("c2st", "mmd")),
}


def main():
    parser = section_parser(__doc__.splitlines()[0], SECTIONS)
    parser.add_argument("--repeats", type=int, default=5,
                        help="interleaved repeats of the speed section")
    args = parser.parse_args()
    sections = {"ring": ring_section, "speed": speed_section,
                "digits": digits_section, "ctgan": ctgan_section}
    print_sections(sections, args, torch, HEADLINES)


if __name__ == "__main__":
    main()
