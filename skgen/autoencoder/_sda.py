"""Stacked denoising autoencoder classifier: greedy pretraining with denoising
autoencoders, then backpropagation with a softmax layer."""

import warnings
from numbers import Integral, Real
from typing import ClassVar

from sklearn.exceptions import ConvergenceWarning
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from ..network._activations import ACTIVATIONS
from ..network._classifier import (
    FINE_TUNING_ATTRIBUTES_DOC,
    FINE_TUNING_PARAMETERS_DOC,
    FineTunedClassifier,
    IncrementalFineTunedClassifier,
    classifier_network,
)
from ..network._layers import Network
from ..utils._callbacks import fit_context, subtasks
from ..utils._stacking import fit_greedily, layer_sizes
from ._denoising import DenoisingAE
from ._noise import NOISE_MODELS

#: The fine-tuning parameters, with SDAClassifier's own default of alpha.
_FINE_TUNING_PARAMETERS_DOC = FINE_TUNING_PARAMETERS_DOC.replace(
    """    alpha : float, default=1e-4
        Fine-tuning: L2 penalty on the weights, as in MLPClassifier.""",
    """    alpha : float, default=1e-3
        L2 penalty on the weights, in pretraining and fine-tuning, as in
        MLPClassifier (whose default is 1e-4; see the Notes).""",
)

#: The bottom autoencoder's output activation and loss, by ``visible_units``.
_VISIBLE_OUTPUTS = {"bernoulli": ("sigmoid", "bce"), "gaussian": ("identity", "mse")}


class SDAClassifier(IncrementalFineTunedClassifier):
    __doc__ = f"""Classifier pretrained as a stack of denoising autoencoders, then
    fine-tuned by backpropagation.

    Each hidden layer is first trained greedily as a shallow
    :class:`DenoisingAE` on the codes of the layer below it (X for the first
    layer). The encoders then initialise the hidden layers of a feed-forward
    network, which gets a softmax output layer and is trained with the
    cross-entropy on the network floor (``skgen.network``), as sklearn's
    :class:`~sklearn.neural_network.MLPClassifier`. The interface is
    :class:`DBNClassifier`'s, with denoising autoencoders in place of RBMs.

    Parameters
    ----------
    hidden_layer_sizes : array-like of shape (n_layers,) or int, default=(256, 256)
        Number of hidden units of each layer, from the bottom.
    visible_units : {{"bernoulli", "gaussian"}}, default="bernoulli"
        What the bottom autoencoder reconstructs: data in [0, 1], with sigmoid
        outputs and the cross-entropy, or real-valued standardised data, with
        identity outputs and the squared error.
    activation : {{"relu", "sigmoid", "tanh", "selu", "identity"}}, default="relu"
        Activation of every hidden layer, in pretraining and fine-tuning.
    noise : {{"masking", "gaussian", "salt_and_pepper"}}, default="masking"
        Pretraining: the corruption of each autoencoder's input (see
        :class:`DenoisingAE`).
    noise_level : float, default=0.25
        Pretraining: the probability of corrupting a value, or the standard
        deviation of Gaussian noise.
    learning_rate : float, default=1e-3
        Pretraining: Adam's step size for each autoencoder.
    batch_size : int or "auto", default=20
        Pretraining: mini-batch size of each autoencoder (at most the number
        of samples); "auto" is ``min(200, n_samples)``.
    n_iter : int, default=10
        Pretraining: number of passes of each autoencoder; 0 skips pretraining
        (the network then starts from Glorot-uniform weights, as
        MLPClassifier's).
    shuffle : bool, default=True
        Whether to visit the samples in a new random order on each pass, in
        pretraining and fine-tuning.
{_FINE_TUNING_PARAMETERS_DOC}
    verbose : int, default=0
        Print the loss after each pass of pretraining and fine-tuning.
    random_state : int, RandomState instance or None, default=None
        Determines the seeds of the autoencoders (drawn first), the network's
        initial weights, the validation split and the order of the samples.
        Pass an int for reproducible results.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The class labels.
    autoencoders_ : list of DenoisingAE
        The pretrained shallow autoencoders, bottom first, before fine-tuning;
        empty with ``n_iter=0``.
    pretraining_scores_ : list of list of float
        The ``loss_curve_`` of each autoencoder of ``autoencoders_``: its
        training loss after each pass of pretraining.
    coefs_ : list of ndarray
        The fine-tuned weight matrix of each layer, of shape (fan_in, fan_out).
    intercepts_ : list of ndarray
        The fine-tuned bias vector of each layer.
{FINE_TUNING_ATTRIBUTES_DOC}
    See Also
    --------
    DBNClassifier : The same classifier pretrained with RBMs.
    DenoisingAE : The autoencoder of each layer; ``pretrain="greedy"`` builds
        the same stack as a deep autoencoder.
    sklearn.neural_network.MLPClassifier : The same network from random weights.

    Notes
    -----
    Layer l's autoencoder is ``DenoisingAE(hidden_layer_sizes=(h_l,))`` with
    this estimator's ``activation``, ``noise``, ``noise_level``, ``alpha``,
    ``batch_size``, ``shuffle`` and ``verbose``, ``learning_rate_init=
    learning_rate``, ``max_iter=n_iter`` and, as ``random_state``, the l-th
    integer drawn from ``random_state``. It is fitted to the clean codes
    ``h_(l-1)`` of the layer below and reconstructs them from a corrupted copy
    [1]_: the bottom one with the output and loss of ``visible_units``, the
    others with the output activation ``activation``, and the cross-entropy
    for sigmoid codes or the squared error otherwise. Hidden layer l of the
    network computes ``f(h_(l-1) W_l + b_l)`` with the encoder's weights and
    biases; the output layer starts from Glorot-uniform weights. Fine-tuning
    minimises the mean cross-entropy of ``softmax`` outputs plus ``alpha / (2
    n_rows) ||W||**2`` per mini-batch, as MLPClassifier does [2]_.
    ``partial_fit`` pretrains the autoencoders on its first batch only, then
    runs one fine-tuning pass per call (see :meth:`partial_fit`).

    The defaults differ from Vincent et al.'s sigmoid units and from
    MLPClassifier's ``alpha`` because they classified better in
    ``benchmarks/bench_pretraining.py`` (MNIST, 4000 training and 1000 test
    images, (500, 500, 2000) units, 50 fine-tuning passes): sigmoid units
    pretrained in batches of 200 reached an accuracy of 0.938, in batches of
    20 0.953, ReLU units in batches of 20 0.956, and with ``alpha=1e-3``
    0.959 (benchmarks/RESULTS.md).

    References
    ----------
    .. [1] Vincent, P., Larochelle, H., Lajoie, I., Bengio, Y. and Manzagol,
       P.-A. (2010). Stacked denoising autoencoders: learning useful
       representations in a deep network with a local denoising criterion.
       JMLR 11, pp 3371-3408.
    .. [2] Bengio, Y., Lamblin, P., Popovici, D. and Larochelle, H. (2007).
       Greedy layer-wise training of deep networks. NeurIPS 19.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from skgen import SDAClassifier
    >>> X, y = load_digits(return_X_y=True)
    >>> model = SDAClassifier((64,), n_iter=5, max_iter=20, random_state=0)
    >>> model = model.fit(X / 16, y)
    >>> model.predict(X[:3] / 16).shape
    (3,)
    """

    _parameter_constraints: ClassVar[dict] = {
        **FineTunedClassifier._parameter_constraints,
        "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
        "visible_units": [StrOptions(set(_VISIBLE_OUTPUTS))],
        "activation": [StrOptions(set(ACTIVATIONS))],
        "noise": [StrOptions(set(NOISE_MODELS))],
        "noise_level": [Interval(Real, 0, None, closed="left")],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "batch_size": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")],
        "n_iter": [Interval(Integral, 0, None, closed="left")],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "fine_tune_batch_size": [Interval(Integral, 1, None, closed="left")],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "fine_tune_momentum": [Interval(Real, 0, 1, closed="both")],
    }

    def __init__(
        self,
        hidden_layer_sizes=(256, 256),
        *,
        visible_units="bernoulli",
        activation="relu",
        noise="masking",
        noise_level=0.25,
        learning_rate=1e-3,
        batch_size=20,
        n_iter=10,
        shuffle=True,
        solver="adam",
        alpha=1e-3,
        fine_tune_batch_size=200,
        learning_rate_init=1e-3,
        max_iter=200,
        tol=1e-4,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=10,
        fine_tune_momentum=0.9,
        nesterovs_momentum=True,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        verbose=0,
        random_state=None,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.visible_units = visible_units
        self.activation = activation
        self.noise = noise
        self.noise_level = noise_level
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.n_iter = n_iter
        self.shuffle = shuffle
        self.solver = solver
        self.alpha = alpha
        self.fine_tune_batch_size = fine_tune_batch_size
        self.learning_rate_init = learning_rate_init
        self.max_iter = max_iter
        self.tol = tol
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.fine_tune_momentum = fine_tune_momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.verbose = verbose
        self.random_state = random_state

    @property
    def pretraining_scores_(self):
        """list of list of float: the ``loss_curve_`` of each autoencoder of
        ``autoencoders_``, from the bottom."""
        check_is_fitted(self)
        return [list(layer.loss_curve_) for layer in self.autoencoders_]

    def _hidden_activation(self):
        return self.activation

    def _n_tasks_before_epochs(self):
        return len(layer_sizes(self.hidden_layer_sizes)) if self.n_iter else 0

    def _stack(self):
        """The deep denoising autoencoder whose greedy layers pretrain this
        classifier (see the Notes)."""
        output_activation, loss = _VISIBLE_OUTPUTS[self.visible_units]
        return DenoisingAE(
            hidden_layer_sizes=self.hidden_layer_sizes, activation=self.activation,
            output_activation=output_activation, loss=loss, alpha=self.alpha,
            batch_size=self.batch_size, learning_rate_init=self.learning_rate,
            shuffle=self.shuffle, verbose=self.verbose, noise=self.noise,
            noise_level=self.noise_level, pretrain="greedy",
            pretrain_max_iter=max(self.n_iter, 1),
        )

    def _initial_state(self, X, labels, rng):
        """The pretrained autoencoders, and the network they initialise (from the
        layers pretrained before a callback stopped the fit, if one did)."""
        classes = labels.classes
        sizes = layer_sizes(self.hidden_layer_sizes)
        units = [X.shape[1], *sizes]
        state = {"classes_": classes, "autoencoders_": []}
        if self.n_iter:
            tasks = subtasks(fit_context(self), self, X, labels.y)
            with warnings.catch_warnings():
                # Each layer's budget of passes is meant to run out.
                warnings.simplefilter("ignore", ConvergenceWarning)
                layers, stopped = fit_greedily(self._stack()._layer_autoencoders(rng), X,
                                               tasks)
            state["autoencoders_"] = layers
            if stopped:
                state["_stopped"] = True
        # Glorot-uniform hidden layers (sklearn's factor), where none was pretrained.
        factor = 2.0 if self.activation == "sigmoid" else 6.0
        start = Network(units, self.activation, self.activation)
        start_params = start.initial_params(rng, X.dtype, factor)
        coefs, intercepts = start.coefs(start_params), start.intercepts(start_params)
        for layer, shallow in enumerate(state["autoencoders_"]):
            coefs[layer], intercepts[layer] = shallow.coefs_[0], shallow.intercepts_[0]
        state["_network"], state["_params"] = classifier_network(
            units, self.activation, coefs, intercepts, len(classes), rng, X.dtype)
        return state
