"""DBN classifier: greedy RBM pretraining, then backpropagation with a softmax layer."""

from numbers import Integral, Real
from typing import ClassVar

from sklearn.utils._param_validation import Interval

from ..network._classifier import (
    FINE_TUNING_ATTRIBUTES_DOC,
    FINE_TUNING_PARAMETERS_DOC,
    FineTunedClassifier,
    IncrementalFineTunedClassifier,
    classifier_network,
)
from ..utils._callbacks import fit_context, subtasks
from ._base import PRETRAINING_CONSTRAINTS, PretrainedStack, layer_sizes, pretrain


class DBNClassifier(PretrainedStack, IncrementalFineTunedClassifier):
    __doc__ = f"""Classifier pretrained as a Deep Belief Network, then fine-tuned by
    backpropagation.

    A stack of RBMs is trained greedily on X as in :class:`DBN`. Its weights
    and hidden biases initialise the sigmoid hidden layers of a feed-forward
    network, which gets a softmax output layer and is trained with the
    cross-entropy on the network floor (``skgen.network``), as sklearn's
    :class:`~sklearn.neural_network.MLPClassifier`.

    Parameters
    ----------
    hidden_layer_sizes : array-like of shape (n_layers,) or int, default=(256, 256)
        Number of hidden units of each layer, from the bottom.
    visible_units : {{"bernoulli", "gaussian"}}, default="bernoulli"
        The bottom RBM's visible units: binary, for data in [0, 1], or Gaussian,
        for real-valued standardised data.
    learning_rate : float or array-like of shape (n_layers,), default=0.1
        Pretraining: learning rate of the RBMs, one for all or one per layer.
    batch_size : int or array-like of shape (n_layers,), default=10
        Pretraining: mini-batch size of the RBMs.
    n_iter : int or array-like of shape (n_layers,), default=10
        Pretraining: number of passes of each RBM; 0 skips pretraining (the
        network then starts from the RBMs' random initial weights).
    n_gibbs_steps : int or array-like of shape (n_layers,), default=1
        Pretraining: Gibbs steps of each RBM's negative phase.
    persistent : bool or array-like of shape (n_layers,), default=True
        Pretraining: PCD (True) or CD-k for each RBM.
    momentum : float or array-like of shape (n_layers,), default=0.0
        Pretraining: momentum of each RBM's updates.
    weight_decay : float or array-like of shape (n_layers,), default=0.0
        Pretraining: L2 penalty on each RBM's weights.
    visible_bias_init : {{"data", "zeros"}}, default="data"
        Pretraining: the start of every RBM's visible biases, those of
        independent units with the means of its training data, or sklearn's
        zeros.
    centering : bool, default=False
        Pretraining: whether every RBM is trained centered (see
        :class:`~skgen.BernoulliRBM`). Centered RBMs model the data better,
        but in our measurements on digits their pretraining led to slightly
        less accurate classifiers (benchmarks/RESULTS.md).
    shuffle : bool, default=True
        Whether to visit the samples in a new random order on each pass, in
        pretraining and fine-tuning.
{FINE_TUNING_PARAMETERS_DOC}
    verbose : int, default=0
        Print the RBMs' progress and the loss after each fine-tuning pass.
    random_state : int, RandomState instance or None, default=None
        Determines the seeds of the RBMs (drawn first, as in :class:`DBN`), the
        output layer's initial weights, the validation split and the order of
        the samples. Pass an int for reproducible results.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The class labels.
    rbms_ : list of BernoulliRBM or GaussianBernoulliRBM
        The pretrained RBMs, before fine-tuning.
    pretraining_scores_ : list of list of float
        The ``train_scores_`` of each RBM of ``rbms_``, from the bottom: its
        score after each pass of pretraining.
    coefs_ : list of ndarray
        The fine-tuned weight matrix of each layer, of shape (fan_in, fan_out).
    intercepts_ : list of ndarray
        The fine-tuned bias vector of each layer.
{FINE_TUNING_ATTRIBUTES_DOC}
    See Also
    --------
    DBN : The unsupervised model, which can also classify generatively.
    sklearn.neural_network.MLPClassifier : The same network from random weights.

    Notes
    -----
    Layer l of the network computes ``sigmoid(h_{{l-1}} W_l.T + c_l)``, with W_l
    and c_l the weights and hidden biases of RBM l [1]_ (for Gaussian visible
    units, the input is scaled by the RBM's standard deviations, folded into
    W_1). The output layer starts from Glorot-uniform weights. Fine-tuning
    minimises the mean cross-entropy of ``softmax`` outputs plus
    ``alpha / (2 n_rows) ||W||**2`` per mini-batch, as MLPClassifier does [2]_.

    ``partial_fit`` pretrains the RBMs on its first batch (``n_iter`` passes
    each, as ``fit`` does), then runs one fine-tuning pass per call, so that a
    stream of batches fine-tunes on every batch (see :meth:`partial_fit` for
    why the RBMs see only the first one).

    References
    ----------
    .. [1] Hinton, G. E. and Salakhutdinov, R. R. (2006). Reducing the
       dimensionality of data with neural networks. Science 313, pp 504-507.
    .. [2] Hinton, G. E., Osindero, S. and Teh, Y.-W. (2006). A fast learning
       algorithm for deep belief nets. Neural Computation 18, pp 1527-1554.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from skgen import DBNClassifier
    >>> X, y = load_digits(return_X_y=True)
    >>> model = DBNClassifier((64,), n_iter=2, max_iter=20, random_state=0)
    >>> model = model.fit(X / 16, y)
    >>> model.predict(X[:3] / 16).shape
    (3,)
    """

    _parameter_constraints: ClassVar[dict] = {
        **FineTunedClassifier._parameter_constraints,
        **PRETRAINING_CONSTRAINTS,
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
        learning_rate=0.1,
        batch_size=10,
        n_iter=10,
        n_gibbs_steps=1,
        persistent=True,
        momentum=0.0,
        weight_decay=0.0,
        visible_bias_init="data",
        centering=False,
        shuffle=True,
        solver="adam",
        alpha=1e-4,
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
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.n_iter = n_iter
        self.n_gibbs_steps = n_gibbs_steps
        self.persistent = persistent
        self.momentum = momentum
        self.weight_decay = weight_decay
        self.visible_bias_init = visible_bias_init
        self.centering = centering
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

    def _n_tasks_before_epochs(self):
        return len(layer_sizes(self.hidden_layer_sizes))

    def _hidden_activation(self):
        return "sigmoid"

    def _initial_state(self, X, labels, rng):
        """The pretrained RBMs, and the network they initialise (from the
        layers pretrained before a callback stopped the fit, if one did)."""
        classes = labels.classes
        tasks = subtasks(fit_context(self), self, X, labels.y)
        rbms, stopped = pretrain(self, X, rng, tasks=tasks)
        network, params = _pretrained_network(rbms, len(classes), rng, X.dtype)
        state = {"classes_": classes, "rbms_": rbms, "_network": network,
                 "_params": params}
        if stopped:
            state["_stopped"] = True
        return state


def _pretrained_network(rbms, n_classes, rng, dtype):
    """The network of sigmoid layers initialised from the RBMs, with a softmax
    layer on top (``classifier_network``), and its flat parameters."""
    units = [rbms[0].components_.shape[1]] + [rbm.n_components for rbm in rbms]
    coefs = [rbms[0]._input_weights()] + [rbm.components_.T for rbm in rbms[1:]]
    intercepts = [rbm.intercept_hidden_ for rbm in rbms]
    return classifier_network(units, "sigmoid", coefs, intercepts, n_classes, rng, dtype)
