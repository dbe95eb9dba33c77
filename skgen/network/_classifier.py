"""The base of the classifiers that pretrain a generative model and fine-tune a
feed-forward network with a softmax output on top of it: DBNClassifier,
DBMClassifier and SDAClassifier."""

from abc import abstractmethod
from typing import NamedTuple

import numpy as np
from scipy.special import softmax
from sklearn.base import ClassifierMixin
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, column_or_1d, validate_data

from ..utils._stacking import layer_sizes
from ..utils._state import fit_transaction
from ..utils._validation import as_dense_and_csr, check_visible_units, encode_labels
from ._base import BaseNetwork, ContinuingNetwork
from ._layers import Network
from ._losses import SOFTMAX_CROSS_ENTROPY
from ._passes import predict, supervised_epoch

#: Rows per call of the inference kernel.
_INFERENCE_ROWS = 512


class Labels(NamedTuple):
    """A classifier's checked training labels: ``y`` as given (for the
    callbacks), every class the model knows, sorted, and each label's index
    among them."""

    y: np.ndarray
    classes: np.ndarray
    encoded: np.ndarray


class FineTunedClassifier(ClassifierMixin, BaseNetwork):
    """Base class of the classifiers fine-tuned from a pretrained model.

    A subclass pretrains in ``_initial_state``, which returns ``classes_`` (the
    ``classes`` of its :class:`Labels`) and the network and parameters that
    pretraining initialises (with any fitted pretrained model). Fine-tuning
    minimises the mean softmax cross-entropy plus sklearn's L2 term over
    mini-batches of ``fine_tune_batch_size``, with the optimiser of ``solver``
    (SGD's momentum is ``fine_tune_momentum``), as sklearn's MLPClassifier.
    The subclass's parameters name the visible units (``visible_units``) and
    the fine-tuning settings as DBNClassifier does.
    """

    _epoch_name = "fine-tuning pass"

    _epochs_task = "fine-tuning"

    @abstractmethod
    def _initial_state(self, X, labels, rng):
        """Pretrain; return at least ``classes_``, ``_network`` and ``_params``."""

    def _network_input(self, state, X):
        """The rows the network reads for the rows of X, given the training
        ``state`` (or the fitted attributes): X itself by default."""
        return X

    @fit_transaction(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Pretrain on X (see the Notes), then fine-tune the network on (X, y).

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

    def _validate_training_data(self, X, y, reset, classes=None):
        """X in the model's dtype, and y's :class:`Labels`: among the classes of
        the fitted model, or else of ``classes`` (those of y when None)."""
        layer_sizes(self.hidden_layer_sizes)
        dtype = (np.float64, np.float32) if reset else self._params.dtype
        # _fit undoes validate_data's feature bookkeeping if a check fails.
        X, y = validate_data(self, X, y, reset=reset, accept_sparse="csr", dtype=dtype)
        self._check_support(X)
        check_classification_targets(y)
        if reset:
            known = np.unique(y if classes is None else column_or_1d(classes))
        else:
            known = self.classes_
            if classes is not None and not np.array_equal(np.unique(classes), known):
                raise ValueError(f"classes={classes!r} is not the same as on the first "
                                 f"call to partial_fit, {known!r}.")
        return X, Labels(y, known, encode_labels(y, known))

    def _check_support(self, X):
        check_visible_units(X, self.visible_units, type(self).__name__)

    def _training_data(self, X, labels, state):
        """The network's input, the one-hot targets, and the encoded labels."""
        inputs = self._network_input(state, X)
        targets = np.eye(len(labels.classes), dtype=inputs.dtype)[labels.encoded]
        return inputs, targets, labels.encoded

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
        logits = network_logits(state["_network"], state["_params"], X)
        return float(np.mean(np.argmax(logits, axis=1) == encoded))

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
        self._check_support(X)
        # The fitted attributes are the committed training state.
        inputs = self._network_input(vars(self), X)
        return softmax(network_logits(self._network, self._params, inputs), axis=1)

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


class IncrementalFineTunedClassifier(FineTunedClassifier, ContinuingNetwork):
    """A :class:`FineTunedClassifier` with ``partial_fit``: the first call
    pretrains on its batch and builds the network as ``fit`` does, and every
    call runs one fine-tuning pass, continuing the parameters, the optimiser
    state and the random stream. A subclass names its hidden layers'
    activation (``_hidden_activation``) for the layout check of a continued
    fit."""

    _continued_by = ("partial_fit", "fit")

    @abstractmethod
    def _hidden_activation(self):
        """The activation of the network's hidden layers."""

    @fit_transaction(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, classes=None):
        """Run one fine-tuning pass over (X, y); the first call pretrains on X.

        The first call pretrains, builds the network and fine-tunes it for one
        pass, exactly as ``fit`` with ``max_iter=1`` on its batch would (without
        the ConvergenceWarning). Each later call runs one more fine-tuning pass
        over its batch, continuing the network's parameters, the optimiser
        state and the random stream of the sample order: calls on the same
        data are the passes of ``fit`` with a larger ``max_iter``. Pretraining
        happens once, on the first batch, because fine-tuning moves the
        network away from the pretrained weights at once: training the
        pretrained model on later batches could not reach the network
        without discarding what fine-tuning had learned. Over a stream of
        batches (or dask-ml's ``Incremental`` over the blocks of a dask
        array), every batch takes a fine-tuning pass, and the first one also
        decides the pretraining: make it large and representative.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,)
            Class labels, among ``classes``.
        classes : array-like of shape (n_classes,), default=None
            Every class that y will hold over all calls, as MLPClassifier's.
            Read on the first call; None takes the classes of the first
            call's y, so later calls cannot bring new ones. Later calls may
            pass it again, unchanged.

        Returns
        -------
        self : object
            The updated estimator.
        """
        return self._partial_fit(X, y, classes=classes)

    def _continues(self, incremental):
        return incremental and hasattr(self, "_params")

    def _build_network(self, n_features):
        sizes = layer_sizes(self.hidden_layer_sizes)
        return Network([n_features, *sizes, len(self.classes_)], self._hidden_activation(),
                       "identity")


def classifier_network(units, activation, coefs, intercepts, n_classes, rng, dtype):
    """The network of ``units`` with hidden ``activation`` and the given weights
    and biases, with a softmax layer (identity activation; the loss applies the
    softmax) of Glorot-uniform weights drawn from ``rng`` and zero biases on top;
    and its flat parameters."""
    network = Network([*units, n_classes], activation, "identity")
    bound = np.sqrt(6.0 / (units[-1] + n_classes))
    coefs = [*coefs, rng.uniform(-bound, bound, (units[-1], n_classes))]
    intercepts = [*intercepts, np.zeros(n_classes)]
    return network, network.pack(coefs, intercepts, dtype)


def network_logits(network, params, X):
    """The output layer's pre-softmax values for the rows of X (dense or CSR)."""
    capacity = max(1, min(_INFERENCE_ROWS, X.shape[0]))
    return predict(network, params, X, 0, network.n_layers, capacity)


# -- documentation shared by the classifiers' docstrings --------------------------------

FINE_TUNING_PARAMETERS_DOC = """\
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
        passes, keeping the best parameters. Pretraining sees all of X.
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
        Adam's numerical stability constant."""

FINE_TUNING_ATTRIBUTES_DOC = """\
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
        feature names that are all strings."""
