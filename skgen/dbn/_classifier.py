"""DBN classifier: greedy RBM pretraining, then backpropagation with a softmax layer."""

from numbers import Integral, Real
from typing import ClassVar

import numpy as np
from scipy.special import softmax
from sklearn.base import ClassifierMixin
from sklearn.utils._param_validation import Interval
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from ..network._base import BaseNetwork
from ..network._layers import Network
from ..network._losses import SOFTMAX_CROSS_ENTROPY
from ..network._passes import predict, supervised_epoch
from ..utils._callbacks import fit_context, subtasks
from ..utils._state import fit_transaction
from ..utils._validation import as_dense_and_csr, check_interval
from ._base import (
    PRETRAINING_CONSTRAINTS,
    PretrainedStack,
    layer_sizes,
    one_hot,
    pretrain,
)

#: Rows per call of the inference kernel.
_INFERENCE_ROWS = 512


class DBNClassifier(PretrainedStack, ClassifierMixin, BaseNetwork):
    """Classifier pretrained as a Deep Belief Network, then fine-tuned by
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
    visible_units : {"bernoulli", "gaussian"}, default="bernoulli"
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
    visible_bias_init : {"data", "zeros"}, default="data"
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
    solver : {"adam", "sgd"}, default="adam"
        Fine-tuning: the optimiser, as in MLPClassifier.
    alpha : float, default=1e-4
        Fine-tuning: L2 penalty on the weights, as in MLPClassifier.
    fine_tune_batch_size : int, default=200
        Fine-tuning: mini-batch size (at most the number of samples).
    learning_rate_init : float, default=1e-3
        Fine-tuning: the optimiser's learning rate.
    max_iter : int, default=200
        Fine-tuning: maximum number of passes over the data.
    tol : float, default=1e-4
        Fine-tuning: the improvement of the loss (or of the validation
        accuracy with ``early_stopping``) below which a pass does not count as
        one.
    early_stopping : bool, default=False
        Fine-tuning: set aside ``validation_fraction`` of the data (stratified)
        and stop when its accuracy has not improved for ``n_iter_no_change``
        passes, keeping the best parameters.
    validation_fraction : float, default=0.1
        Share of the data set aside with ``early_stopping``.
    n_iter_no_change : int, default=10
        Fine-tuning: passes without improvement before stopping.
    fine_tune_momentum : float, default=0.9
        Fine-tuning: momentum of ``solver="sgd"``.
    nesterovs_momentum : bool, default=True
        Fine-tuning: Nesterov's momentum for ``solver="sgd"``.
    beta_1 : float, default=0.9
        Adam's decay rate of the first moment.
    beta_2 : float, default=0.999
        Adam's decay rate of the second moment.
    epsilon : float, default=1e-8
        Adam's numerical stability constant.
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
    loss_ : float
        The cross-entropy (with the L2 term) of the last fine-tuning pass.
    loss_curve_ : list of float
        The loss of each fine-tuning pass.
    best_loss_ : float or None
        The lowest loss; None with ``early_stopping``.
    validation_scores_ : list of float or None
        The validation accuracy after each pass, with ``early_stopping``.
    best_validation_score_ : float or None
        The best validation accuracy, with ``early_stopping``.
    n_iter_ : int
        Number of fine-tuning passes run.
    t_ : int
        Number of training samples seen by fine-tuning.
    n_features_in_ : int
        Number of features seen during :term:`fit`.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :term:`fit`. Defined only when `X` has
        feature names that are all strings.

    See Also
    --------
    DBN : The unsupervised model, which can also classify generatively.
    sklearn.neural_network.MLPClassifier : The same network from random weights.

    Notes
    -----
    Layer l of the network computes ``sigmoid(h_{l-1} W_l.T + c_l)``, with W_l
    and c_l the weights and hidden biases of RBM l [1]_ (for Gaussian visible
    units, the input is scaled by the RBM's standard deviations, folded into
    W_1). The output layer starts from Glorot-uniform weights. Fine-tuning
    minimises the mean cross-entropy of ``softmax`` outputs plus
    ``alpha / (2 n_rows) ||W||**2`` per mini-batch, as MLPClassifier does [2]_.

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
        **BaseNetwork._parameter_constraints,
        **PRETRAINING_CONSTRAINTS,
        "alpha": [Interval(Real, 0, None, closed="left")],
        "fine_tune_batch_size": [Interval(Integral, 1, None, closed="left")],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "fine_tune_momentum": [Interval(Real, 0, 1, closed="both")],
    }

    _epoch_name = "fine-tuning pass"

    _epochs_task = "fine-tuning"

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

    @fit_transaction(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Pretrain the RBMs on X, then fine-tune the network on (X, y).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,)
            Class labels.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        return self._fit(X, y, incremental=False)

    def _validate_training_data(self, X, y, reset):
        X, y = validate_data(self, X, y, accept_sparse="csr",
                             dtype=(np.float64, np.float32))
        check_classification_targets(y)
        return X, y

    def _n_tasks_before_epochs(self):
        return len(layer_sizes(self.hidden_layer_sizes))

    def _initial_state(self, X, y, rng):
        """The pretrained RBMs, and the network they initialise (from the
        layers pretrained before a callback stopped the fit, if one did)."""
        classes = np.unique(y)
        rbms, stopped = pretrain(self, X, rng, tasks=subtasks(fit_context(self), self, X, y))
        network, params = _pretrained_network(rbms, len(classes), rng, X.dtype)
        state = {"classes_": classes, "rbms_": rbms, "_network": network,
                 "_params": params}
        if stopped:
            state["_stopped"] = True
        return state

    def _training_data(self, X, y, state):
        """X, the one-hot targets, and the encoded labels."""
        classes, encoded = np.unique(y, return_inverse=True)
        return X, one_hot(encoded, len(classes), X.dtype), encoded

    def _split_stratification(self, data):
        encoded = data[2]
        return encoded if np.bincount(encoded).min() >= 2 else None

    def _epoch_runner(self, data, state):
        X, targets, _ = data
        network, params = state["_network"], state["_params"]
        dtype = params.dtype
        n_samples = X.shape[0]
        batch_size = min(self.fine_tune_batch_size, n_samples)
        optimizer = self._make_optimizer(self.fine_tune_momentum)
        fit_epoch = supervised_epoch(network.activation, network.output_activation,
                                     SOFTMAX_CROSS_ENTROPY, optimizer.step)
        X_parts = as_dense_and_csr(X)
        buffers = (network.buffer(batch_size, dtype), network.buffer(batch_size, dtype),
                   np.empty(batch_size * targets.shape[1], dtype=dtype),
                   network.columns(dtype))
        grads = np.empty_like(params)
        n_batches = -(-n_samples // batch_size)

        def run_epoch(order):
            total = fit_epoch(*X_parts, targets, order, batch_size, params, grads,
                              network.layers, state["_moments"], state["_n_updates"],
                              optimizer.settings, float(self.alpha), *buffers)
            # sklearn adds the L2 term of the current weights to every batch's loss.
            weights = params[:network.n_coefs]
            return total + n_batches * (0.5 * self.alpha * float(np.dot(weights, weights)))

        return run_epoch

    def _validation_score(self, data, state):
        """The accuracy on the validation rows."""
        X, _, encoded = data
        return _accuracy(state["_network"], state["_params"], X, encoded)

    def predict_proba(self, X):
        """Class probabilities: the softmax outputs of the fine-tuned network.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The data to classify.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            P(y = c | x) in the order of ``classes_``.
        """
        check_is_fitted(self)
        X = validate_data(self, X, accept_sparse="csr", reset=False,
                          dtype=self._params.dtype)
        if self.visible_units == "bernoulli":
            check_interval(X, 0.0, 1.0, type(self).__name__, "Bernoulli")
        return softmax(_logits(self._network, self._params, X), axis=1)

    def predict(self, X):
        """The most probable class of each row.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The data to classify.

        Returns
        -------
        y : ndarray of shape (n_samples,)
            The predicted classes.
        """
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.input_tags.positive_only = self.visible_units == "bernoulli"
        return tags


def _pretrained_network(rbms, n_classes, rng, dtype):
    """The network of sigmoid layers initialised from the RBMs, with a softmax
    layer (identity activation; the loss applies the softmax) of Glorot-uniform
    weights and zero biases on top, and its flat parameters."""
    units = [rbms[0].components_.shape[1]] + [rbm.n_components for rbm in rbms]
    network = Network([*units, n_classes], "sigmoid", "identity")
    coefs = [rbms[0]._input_weights()] + [rbm.components_.T for rbm in rbms[1:]]
    bound = np.sqrt(6.0 / (units[-1] + n_classes))
    coefs.append(rng.uniform(-bound, bound, (units[-1], n_classes)))
    intercepts = [rbm.intercept_hidden_ for rbm in rbms] + [np.zeros(n_classes)]
    return network, network.pack(coefs, intercepts, dtype)


def _accuracy(network, params, X, y):
    """The share of rows of X whose largest logit is at their encoded label y."""
    return float(np.mean(np.argmax(_logits(network, params, X), axis=1) == y))


def _logits(network, params, X):
    """The output layer's pre-softmax values for the rows of X (dense or CSR)."""
    capacity = max(1, min(_INFERENCE_ROWS, X.shape[0]))
    return predict(network, params, X, 0, network.n_layers, capacity)
