"""The generative adversarial network, on the network floor."""

from numbers import Integral, Real
from typing import ClassVar

import numpy as np
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from ..network._activations import ACTIVATIONS
from ..network._base import UnsupervisedNetwork
from ..network._layers import Network
from ..network._passes import predict
from ..utils._random import extend_streams, row_streams
from ..utils._validation import as_dense_and_csr, check_count, check_widths
from ._kernels import LOSSES, PENALIZED_LOSSES, gan_epoch

#: Rows per call of the generator at sampling time.
_INFERENCE_ROWS = 512

#: The seeds of the samples and of the classifier of the validation score of
#: early stopping: the same every epoch, so that scores compare parameters.
_VALIDATION_SEED = 0

#: The output activations that ``output_activation`` accepts: unbounded
#: features, or features in [0, 1].
OUTPUT_ACTIVATIONS = ("identity", "sigmoid")


class GAN(UnsupervisedNetwork):
    """Generative adversarial network: a generator of samples trained against a
    critic that tells them from the data.

    The generator maps standard-normal noise z to a sample G(z); the critic
    (discriminator) maps a sample to a score D(x). They are trained in turns:
    the critic to tell real rows from generated ones, the generator to fool
    it, by the non-saturating loss of [1]_ or the Wasserstein loss with a
    gradient penalty (WGAN-GP) [2]_. A GAN learns to sample, not a density
    nor an encoding: it has :meth:`sample`, no ``transform`` (it has no
    encoder), and :meth:`score` is a two-sample test.

    Parameters
    ----------
    n_components : int, default=64
        Dimension of the noise z, the latent space.
    generator_layer_sizes : array-like of shape (n_layers,), default=(256, 256)
        Widths of the generator's hidden layers.
    discriminator_layer_sizes : array-like of shape (n_layers,), default=(256, 256)
        Widths of the critic's hidden layers.
    activation : {"identity", "relu", "sigmoid", "tanh", "selu"}, default="relu"
        Activation of the hidden layers of both networks.
    output_activation : {"identity", "sigmoid"}, default="identity"
        Activation of the generator's outputs: "identity" for numeric features
        (standardise them first, for example with sklearn's StandardScaler);
        "sigmoid" for features in [0, 1] (pixel intensities, or one-hot
        columns), which X must then lie in.
    loss : {"nonsaturating", "wasserstein-gp"}, default="nonsaturating"
        "nonsaturating": the critic is a classifier whose output is a logit,
        trained by binary cross-entropy, and the generator maximises
        log D(G(z)) [1]_. "wasserstein-gp": the critic estimates the
        Wasserstein-1 distance, with a gradient penalty [2]_.
    n_critic : int, default=1
        Number of critic steps (mini-batches of real rows) per generator step;
        [2]_ uses 5.
    gradient_penalty : float, default=10.0
        Weight lambda of the gradient penalty of "wasserstein-gp"; unused by
        "nonsaturating".
    solver : {"adam", "sgd"}, default="adam"
        The optimiser of both players (each has its own state).
    batch_size : int, default=64
        Number of real rows of a critic step, and of generated rows of a step.
    learning_rate_init : float, default=2e-4
        Step size of both optimisers.
    max_iter : int, default=200
        Number of epochs (passes over the data) of :meth:`fit`.
    shuffle : bool, default=True
        Whether to shuffle the samples at each epoch.
    random_state : int, RandomState instance or None, default=None
        Seeds the initial parameters, the shuffling, the training noise and,
        when :meth:`sample` and :meth:`score` get no ``random_state`` of their
        own, their noise.
    tol : float, default=1e-4
        With ``early_stopping``, the improvement of the validation score below
        which an epoch counts as no improvement.
    verbose : bool, default=False
        Whether to print both losses after each epoch.
    warm_start : bool, default=False
        Whether :meth:`fit` continues from the fitted parameters.
    momentum : float, default=0.9
        Momentum of "sgd".
    nesterovs_momentum : bool, default=True
        Whether "sgd" uses Nesterov's momentum.
    early_stopping : bool, default=False
        Whether to hold out ``validation_fraction`` of the data and stop when
        the validation score, the :meth:`score` of the held-out rows (a
        classifier two-sample test), stops improving, keeping the parameters of
        the best. Without it, :meth:`fit` runs ``max_iter`` epochs: the
        players' losses do not measure progress.
    validation_fraction : float, default=0.1
        Share of the data held out with ``early_stopping``.
    beta_1, beta_2 : float, default=0.5, 0.9
        Decay rates of Adam's moment estimates, as in [2]_.
    epsilon : float, default=1e-8
        Adam's numerical stability term.
    n_iter_no_change : int, default=10
        With ``early_stopping``, number of epochs without improvement before
        stopping.

    Attributes
    ----------
    coefs_ : list of ndarray of shape (fan_in, fan_out)
        The weight matrix of each layer, the generator's then the critic's.
    intercepts_ : list of ndarray of shape (fan_out,)
        The bias vector of each layer.
    n_iter_ : int
        Number of epochs of the last :meth:`fit`, counting on with
        :meth:`partial_fit`.
    t_ : int
        Number of training samples seen, over all calls.
    loss_ : ndarray of shape (2,)
        The losses of the last epoch: the critic's (its mean over the real
        rows, with the gradient penalty), then the generator's (its mean over
        the generated rows).
    loss_curve_ : list of ndarray of shape (2,)
        ``loss_`` after each epoch; ``np.array(loss_curve_)`` has one row per
        epoch and a column per player.
    validation_scores_ : list of float or None
        The two-sample score of the validation rows after each epoch of
        :meth:`fit` with ``early_stopping``; else None.
    best_validation_score_ : float or None
        The best validation score, whose parameters were kept; None without
        ``early_stopping``.
    n_features_in_ : int
        Number of features seen during :term:`fit`.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :term:`fit`. Defined only when `X` has
        feature names that are all strings.

    See Also
    --------
    VAE : A generative model with an encoder and a likelihood.
    DBN : A generative model of binary data, from stacked RBMs.

    Notes
    -----
    With the non-saturating loss [1]_ the critic's output ``D(x)`` is a logit:
    it minimises ``E[softplus(-D(x))] + E[softplus(D(G(z)))]`` (the binary
    cross-entropy of real rows labelled 1 and generated ones 0), and the
    generator ``E[softplus(-D(G(z)))]``, that is, maximises ``log sigmoid
    D(G(z))``, whose gradient does not vanish when the critic wins.

    With "wasserstein-gp" [2]_ the critic minimises

    ``E[D(G(z))] - E[D(x)] + lambda E[(||grad D(x_hat)||_2 - 1)**2]``

    at random interpolates ``x_hat = u x + (1 - u) G(z)``, u uniform per
    pair, and the generator minimises ``-E[D(G(z))]``. The penalty's gradient
    with respect to the critic's parameters is a second backpropagation
    through the critic (double backpropagation): for layers ``h_l = f(z_l)``,
    ``z_(l+1) = h_l W_l + b_l`` and output ``D = h_L W_L + b_L``, the input
    gradient is ``g_L = W_L``, ``u_l = g_l * f'(z_l)``, ``g_(l-1) = u_l
    W_(l-1).T``; backpropagating the penalty through these products reaches
    the weights through ``g`` and the pre-activations through ``f'(z)``, whose
    derivative is ``f''(z)`` (zero for relu). It costs about three passes of
    the critic.

    Each critic step takes the next mini-batch of real rows and as many
    generated ones; after every ``n_critic``-th critic step of an epoch, and
    after its last, the generator takes one step. The two players have their
    own optimiser states over their slices of one parameter vector. Every
    weight and bias starts uniform in ``+-1 / sqrt(fan_in)``, PyTorch's default
    for ``nn.Linear``.

    Training runs on the network floor shared with the autoencoders and the
    VAE: the two networks' parameters are slices of one flat vector, and each
    epoch is one compiled call that runs, per mini-batch, both players' forward
    and backward passes (dense products by BLAS), the penalty and the
    optimiser steps. The noise comes from a random stream per row of a batch,
    so results do not depend on the number of threads, and float32 and float64
    models with the same ``random_state`` draw the same noise.

    Categorical columns: one-hot encode them (sklearn's OneHotEncoder in a
    ColumnTransformer, beside a StandardScaler of the numeric ones) and decode
    the samples' blocks by their largest entry (the README has an example).

    References
    ----------
    .. [1] Goodfellow, I. et al. (2014). Generative adversarial nets. NeurIPS.
    .. [2] Gulrajani, I., Ahmed, F., Arjovsky, M., Dumoulin, V. and Courville, A.
       (2017). Improved training of Wasserstein GANs. NeurIPS.

    Examples
    --------
    >>> import numpy as np
    >>> from skgen import GAN
    >>> X = np.random.RandomState(0).normal(size=(200, 2))
    >>> model = GAN(n_components=4, generator_layer_sizes=(16,),
    ...             discriminator_layer_sizes=(16,), max_iter=5,
    ...             random_state=0).fit(X)
    >>> model.sample(3, random_state=0).shape
    (3, 2)
    >>> np.array(model.loss_curve_).shape
    (5, 2)
    """

    _parameter_constraints: ClassVar[dict] = {
        **UnsupervisedNetwork._parameter_constraints,
        "n_components": [Interval(Integral, 1, None, closed="left")],
        "generator_layer_sizes": ["array-like", Interval(Integral, 1, None,
                                                         closed="left")],
        "discriminator_layer_sizes": ["array-like", Interval(Integral, 1, None,
                                                             closed="left")],
        "activation": [StrOptions(set(ACTIVATIONS))],
        "output_activation": [StrOptions(set(OUTPUT_ACTIVATIONS))],
        "loss": [StrOptions(set(LOSSES))],
        "n_critic": [Interval(Integral, 1, None, closed="left")],
        "gradient_penalty": [Interval(Real, 0, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "momentum": [Interval(Real, 0, 1, closed="both")],
    }

    _state_names = (*UnsupervisedNetwork._state_names, "_streams")

    _layout_parameters = ("n_components", "generator_layer_sizes",
                          "discriminator_layer_sizes")

    _loss_stopping = False

    _accept_sparse = False

    def __init__(
        self,
        n_components=64,
        *,
        generator_layer_sizes=(256, 256),
        discriminator_layer_sizes=(256, 256),
        activation="relu",
        output_activation="identity",
        loss="nonsaturating",
        n_critic=1,
        gradient_penalty=10.0,
        solver="adam",
        batch_size=64,
        learning_rate_init=2e-4,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.5,
        beta_2=0.9,
        epsilon=1e-8,
        n_iter_no_change=10,
    ):
        self.n_components = n_components
        self.generator_layer_sizes = generator_layer_sizes
        self.discriminator_layer_sizes = discriminator_layer_sizes
        self.activation = activation
        self.output_activation = output_activation
        self.loss = loss
        self.n_critic = n_critic
        self.gradient_penalty = gradient_penalty
        self.solver = solver
        self.batch_size = batch_size
        self.learning_rate_init = learning_rate_init
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change

    # -- fitting ----------------------------------------------------------------------

    def _unit_interval_setting(self):
        if self.output_activation != "sigmoid":
            return None
        return "output_activation='sigmoid'", "output_activation='identity'"

    def _build_network(self, n_features):
        generator = check_widths(self.generator_layer_sizes, "generator_layer_sizes")
        critic = check_widths(self.discriminator_layer_sizes, "discriminator_layer_sizes")
        return GANNetwork(n_features, self.n_components, generator, critic,
                          self.activation, self.output_activation)

    def _initial_state(self, X, y, rng):
        network = self._build_network(X.shape[1])
        return {
            "_network": network,
            "_params": network.initial_params(rng, X.dtype),
            "_streams": row_streams(rng, self.batch_size),
        }

    def _new_state(self, X, y, rng):
        state = super()._new_state(X, y, rng)
        # Two optimiser states: the generator's and the critic's steps.
        state["_n_updates"] = np.zeros(2, dtype=np.int64)
        return state

    def _training_data(self, X, y, state):
        return (X,)

    def _epoch_runner(self, data, state):
        X = data[0]
        n_samples = X.shape[0]
        batch_size = min(self.batch_size, n_samples)
        state["_streams"] = extend_streams(state["_streams"], state["_rng"], batch_size)
        network, params = state["_network"], state["_params"]
        dtype = params.dtype
        optimizer = self._make_optimizer(self.momentum)
        fit_epoch = gan_epoch(network.activation, network.output_activation, self.loss,
                              optimizer.step)
        X_parts = as_dense_and_csr(X)
        critic = network.critic
        buffers = (
            network.generator.buffer(batch_size, dtype),
            network.generator.buffer(batch_size, dtype),
            *(critic.buffer(2 * batch_size, dtype) for _ in range(5)),
        )
        normals = np.empty(self.n_components + self.n_components % 2)
        columns = network.columns(dtype)
        penalty = float(self.gradient_penalty) if self.loss in PENALIZED_LOSSES else 0.0
        grads = np.empty_like(params)
        totals = np.empty(3)

        def run_epoch(order):
            fit_epoch(*X_parts, order, batch_size, params, grads,
                      network.generator.layers, critic.layers, self.n_critic, penalty,
                      state["_moments"], state["_n_updates"], optimizer.settings,
                      state["_streams"], buffers, normals, columns, totals)
            critic_total, generator_total, generator_rows = totals
            # The generator's loss as a total over n_samples rows, like the critic's.
            return np.array([critic_total,
                             generator_total / generator_rows * order.shape[0]])

        return run_epoch

    def _validation_score(self, data, state):
        """The two-sample score of the validation rows against as many samples,
        with fixed seeds."""
        X = data[0]
        generated = self._generate(X.shape[0], _VALIDATION_SEED, state["_network"],
                                   state["_params"])
        return _two_sample_score(X, generated, _VALIDATION_SEED)

    # -- using the model --------------------------------------------------------------

    def _generate(self, n_samples, random_state, network=None, params=None):
        network = self._network if network is None else network
        params = self._params if params is None else params
        rng = check_random_state(random_state)
        noise = rng.standard_normal((n_samples, self.n_components)).astype(params.dtype)
        capacity = max(1, min(n_samples, _INFERENCE_ROWS))
        generator = network.generator
        return predict(generator, network.generator_params(params), noise, 0,
                       generator.n_layers, capacity)

    def sample(self, n_samples=1, random_state=None):
        """Generate samples: the generator's outputs for standard-normal noise.

        Parameters
        ----------
        n_samples : int, default=1
            Number of samples.
        random_state : int, RandomState instance or None, default=None
            Seeds the noise; ``self.random_state`` when None.

        Returns
        -------
        X_new : ndarray of shape (n_samples, n_features)
            The samples, in the model's dtype.
        """
        check_is_fitted(self)
        check_count(n_samples, "n_samples", 1)
        return self._generate(n_samples, self.random_state if random_state is None
                              else random_state)

    def score(self, X, y=None, random_state=None):
        """The classifier two-sample test score of X against as many samples.

        ``1 - 2 |AUC - 0.5|`` of a classifier cross-validated to tell the rows
        of X from generated ones (:func:`skgen.metrics.c2st_score`): 1 when it
        cannot tell them apart, 0 when it always can. Higher is better.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The data to compare the samples with.
        y : None
            Ignored.
        random_state : int, RandomState instance or None, default=None
            Seeds the samples and the classifier's folds; ``self.random_state``
            when None.

        Returns
        -------
        score : float
            The two-sample score, in [0, 1].
        """
        X = self._validate_data(X)
        seed = check_random_state(self.random_state if random_state is None
                                  else random_state).randint(np.iinfo(np.int32).max)
        return _two_sample_score(X, self._generate(X.shape[0], seed), seed)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.positive_only = self.output_activation == "sigmoid"
        return tags


def _two_sample_score(X, generated, seed):
    """``skgen.metrics.c2st_score`` of X against generated rows."""
    # Imported here: the metrics load sklearn's classifiers, which fitting does
    # not need without early stopping.
    from ..metrics import c2st_score

    return float(c2st_score(X, generated, random_state=seed))


class GANNetwork:
    """The generator and the critic of a GAN as two networks over one flat
    vector: the generator's parameters, then the critic's."""

    def __init__(self, n_features, n_components, generator_hidden, critic_hidden,
                 activation, output_activation):
        self.generator = Network([n_components, *generator_hidden, n_features],
                                 activation, output_activation)
        self.critic = Network([n_features, *critic_hidden, 1], activation, "identity")
        self.activation = activation
        self.output_activation = output_activation
        self.units = (self.generator.units, self.critic.units)
        self.n_params = self.generator.n_params + self.critic.n_params

    @property
    def layout(self):
        """What a continued fit must keep: the widths of both networks."""
        return self.units

    @property
    def description(self):
        return f"{self.units}"

    def generator_params(self, params):
        return params[:self.generator.n_params]

    def critic_params(self, params):
        return params[self.generator.n_params:]

    def coefs(self, params):
        return (self.generator.coefs(self.generator_params(params))
                + self.critic.coefs(self.critic_params(params)))

    def intercepts(self, params):
        return (self.generator.intercepts(self.generator_params(params))
                + self.critic.intercepts(self.critic_params(params)))

    def initial_params(self, random_state, dtype):
        """PyTorch's default initialisation of the generator then the critic."""
        return np.concatenate([self.generator.fan_in_params(random_state, dtype),
                               self.critic.fan_in_params(random_state, dtype)])

    def columns(self, dtype):
        return np.empty((3, max(*self.generator.units, *self.critic.units)),
                        dtype=dtype)
