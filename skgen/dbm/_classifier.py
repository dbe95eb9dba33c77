"""DBM classifier: a DBM fitted to X, unrolled into a network whose input is the
data and the top layer's mean-field posterior, fine-tuned by backpropagation."""

from numbers import Integral, Real
from typing import ClassVar

import numpy as np
import scipy.sparse as sp
from scipy.special import softmax
from sklearn.base import ClassifierMixin
from sklearn.utils._param_validation import Interval
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from ..dbn._base import layer_seeds, layer_sizes, one_hot
from ..dbn._classifier import DBNClassifier, _logits
from ..network._base import BaseNetwork
from ..network._layers import Network
from ..utils._callbacks import fit_context, subtasks
from ..utils._state import fit_transaction
from ..utils._validation import check_visible_units
from ._dbm import DBM

#: Rows per call of the DBM's mean-field inference when building the network's
#: input.
_MEAN_FIELD_ROWS = 4096

#: The DBM's parameters that the classifier exposes under the same names.
DBM_PARAMETERS = (
    "hidden_layer_sizes", "visible_units", "learning_rate", "n_iter", "batch_size",
    "n_particles", "n_gibbs_steps", "mean_field_max_iter", "mean_field_tol",
    "centering", "momentum", "weight_decay", "pretrain", "pretrain_iter",
    "pretrain_learning_rate", "shuffle", "verbose",
)


class DBMClassifier(ClassifierMixin, BaseNetwork):
    """Classifier made of a Deep Boltzmann Machine, unrolled into a feed-forward
    network and fine-tuned by backpropagation.

    A :class:`DBM` is fitted to X, without the labels. Its weights and biases
    then initialise a network of sigmoid layers with a softmax output layer,
    as in Salakhutdinov & Hinton (2009): for a DBM of two hidden layers, the
    network's input is the data v together with the DBM's mean-field posterior
    q(h2 | v) of the top layer, so that the first hidden layer sees both of its
    neighbours in the DBM (see Notes). The network is trained with the
    cross-entropy on the network floor (``skgen.network``), as sklearn's
    :class:`~sklearn.neural_network.MLPClassifier` and :class:`DBNClassifier`.

    Parameters
    ----------
    hidden_layer_sizes : array-like of shape (n_layers,) or int, default=(500, 1000)
        Number of units of each hidden layer of the DBM, from the bottom.
    visible_units : {"bernoulli", "gaussian"}, default="bernoulli"
        The DBM's visible units: binary, for data in [0, 1], or Gaussian of unit
        variance, for real-valued standardised data.
    learning_rate : float, default=0.005
        DBM: learning rate of joint training.
    n_iter : int, default=20
        DBM: passes of joint training over the data (0: the pretrained stack
        alone, with ``pretrain``).
    batch_size : int, default=100
        DBM: mini-batch size of joint training and pretraining.
    n_particles : int, default=100
        DBM: number of persistent Markov chains of the negative phase.
    n_gibbs_steps : int, default=1
        DBM: Gibbs steps of the particles per mini-batch.
    mean_field_max_iter : int, default=10
        DBM: most sweeps of mean-field inference, in training and for the
        network's input q(h2 | v).
    mean_field_tol : float, default=1e-4
        DBM: mean-field inference stops when no mean moves by more than this.
    centering : bool, default=True
        DBM: whether joint training (and pretraining) is centered.
    momentum : float, default=0.5
        DBM: momentum of the updates, in [0, 1).
    weight_decay : float, default=0.0
        DBM: L2 penalty on the weights.
    pretrain : bool, default=True
        DBM: whether its weights start from a greedy stack of RBMs.
    pretrain_iter : int, default=20
        DBM: training passes of each pretraining RBM.
    pretrain_learning_rate : float, default=0.05
        DBM: learning rate of the pretraining RBMs.
    shuffle : bool, default=True
        Whether to visit the samples in a new random order on each pass, in
        the DBM's training and in fine-tuning.
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
        passes, keeping the best parameters. The DBM is fitted to all of X.
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
        Print the DBM's progress and the loss after each fine-tuning pass.
    random_state : int, RandomState instance or None, default=None
        Determines the DBM's seed (drawn first), the output layer's initial
        weights, the validation split and the order of the samples. Pass an
        int for reproducible results.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The class labels.
    dbm_ : DBM
        The DBM fitted to X, before fine-tuning; it computes the network's
        input q(h2 | v).
    coefs_ : list of ndarray
        The fine-tuned weight matrix of each layer, of shape (fan_in, fan_out);
        with two hidden layers or more, the first has ``n_features_in_ +
        hidden_layer_sizes[1]`` rows, those of v then those of q(h2 | v).
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
    DBM : The unsupervised model.
    DBNClassifier : The same fine-tuning from a greedy stack of RBMs.
    sklearn.neural_network.MLPClassifier : A network from random weights.

    Notes
    -----
    **The network** [1]_. With the DBM's weights ``W_l`` (its
    ``components_[l - 1]``, between hidden layers l - 1 and l, the visible
    layer being 0) and hidden biases ``b_l``, and ``q2 = q(h2 | v)`` the
    mean-field posterior of the second hidden layer, computed once per row by
    the DBM (``dbm_``) and held fixed:

    - one hidden layer: ``h1 = sigmoid(v W_1.T + b_1)``, then the softmax layer;
    - two: ``h1 = sigmoid(v W_1.T + q2 W_2 + b_1)``, ``h2 = sigmoid(h1 W_2.T +
      b_2)``, then the softmax layer, as in [1]_;
    - L >= 3 (our generalisation): the same first layer, which sees both of
      its DBM neighbours, then ``h_l = sigmoid(h_(l-1) W_l.T + b_l)`` for l = 2,
      ..., L, each layer initialised by the DBM's weights from the layer below
      (the posteriors of the layers above the second are not inputs).

    Fine-tuning trains every weight, the two blocks of the first layer
    separately (the copy of ``W_2`` in the first layer is not tied to the
    second layer's). The output layer starts from Glorot-uniform weights and
    zero biases. Fine-tuning minimises the mean cross-entropy of the softmax
    outputs plus ``alpha / (2 n_rows) ||W||**2`` per mini-batch, as
    MLPClassifier does, one compiled call per pass.

    With two hidden layers or more the network's input is dense: sparse X is
    densified, by chunks, when q(h2 | v) is joined to it. ``dbm_`` keeps the
    :class:`DBM`'s defaults for the parameters that do not shape its training
    (``output_layers``, ``ais_n_chains``, ``ais_n_betas``); its likelihood
    methods (``score``, ``log_partition``) are those of the model before
    fine-tuning, which leaves it unchanged.

    References
    ----------
    .. [1] Salakhutdinov, R. and Hinton, G. (2009). Deep Boltzmann machines.
       AISTATS, section 4 (discriminative fine-tuning).
    .. [2] Salakhutdinov, R. and Hinton, G. (2012). An efficient learning
       procedure for deep Boltzmann machines. Neural Computation 24(8).

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from skgen import DBMClassifier
    >>> X, y = load_digits(return_X_y=True)
    >>> X = (X[:300] > 8).astype(float)
    >>> model = DBMClassifier((32, 16), n_iter=2, pretrain_iter=2, max_iter=20,
    ...                       random_state=0)
    >>> model = model.fit(X, y[:300])
    >>> [w.shape for w in model.coefs_]
    [(80, 32), (32, 16), (16, 10)]
    >>> model.predict(X[:3]).shape
    (3,)
    """

    _parameter_constraints: ClassVar[dict] = {
        **BaseNetwork._parameter_constraints,
        **{name: DBM._parameter_constraints[name] for name in DBM_PARAMETERS},
        "alpha": [Interval(Real, 0, None, closed="left")],
        "fine_tune_batch_size": [Interval(Integral, 1, None, closed="left")],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "fine_tune_momentum": [Interval(Real, 0, 1, closed="both")],
    }

    _epoch_name = "fine-tuning pass"

    _epochs_task = "fine-tuning"

    def __init__(
        self,
        hidden_layer_sizes=(500, 1000),
        *,
        visible_units="bernoulli",
        learning_rate=0.005,
        n_iter=20,
        batch_size=100,
        n_particles=100,
        n_gibbs_steps=1,
        mean_field_max_iter=10,
        mean_field_tol=1e-4,
        centering=True,
        momentum=0.5,
        weight_decay=0.0,
        pretrain=True,
        pretrain_iter=20,
        pretrain_learning_rate=0.05,
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
        self.n_iter = n_iter
        self.batch_size = batch_size
        self.n_particles = n_particles
        self.n_gibbs_steps = n_gibbs_steps
        self.mean_field_max_iter = mean_field_max_iter
        self.mean_field_tol = mean_field_tol
        self.centering = centering
        self.momentum = momentum
        self.weight_decay = weight_decay
        self.pretrain = pretrain
        self.pretrain_iter = pretrain_iter
        self.pretrain_learning_rate = pretrain_learning_rate
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
        """Fit the DBM to X, then fine-tune the network on (X, y).

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

    # -- what the network floor asks for ------------------------------------------------

    def _validate_training_data(self, X, y, reset):
        layer_sizes(self.hidden_layer_sizes)
        # _fit undoes validate_data's feature bookkeeping if a check fails.
        X, y = validate_data(self, X, y, reset=reset, accept_sparse="csr",
                             dtype=(np.float64, np.float32))
        self._check_support(X)
        check_classification_targets(y)
        return X, y

    def _check_support(self, X):
        check_visible_units(X, self.visible_units, type(self).__name__)

    def _n_tasks_before_epochs(self):
        return 1

    def _make_dbm(self, random_state):
        return DBM(**{name: getattr(self, name) for name in DBM_PARAMETERS},
                   random_state=random_state)

    def _initial_state(self, X, y, rng):
        """The fitted DBM and the network it initialises (a callback that stops
        the fit after the DBM leaves that network as it is, not fine-tuned)."""
        classes = np.unique(y)
        dbm = self._make_dbm(layer_seeds(rng, 1)[0])
        tasks = subtasks(fit_context(self), self, X, y)
        if tasks is not None:
            tasks.begin("fitting the DBM")
        dbm.fit(X)
        stopped = tasks is not None and tasks.end()
        network, params = dbm_network(dbm, len(classes), rng, X.dtype)
        state = {"classes_": classes, "dbm_": dbm, "_network": network,
                 "_params": params}
        if stopped:
            state["_stopped"] = True
        return state

    def _training_data(self, X, y, state):
        """The network's input, the one-hot targets, and the encoded labels."""
        classes, encoded = np.unique(y, return_inverse=True)
        inputs = network_input(state["dbm_"], X)
        return inputs, one_hot(encoded, len(classes), inputs.dtype), encoded

    # The same epochs, split and validation score as the DBN classifier's.
    _split_stratification = DBNClassifier._split_stratification
    _epoch_runner = DBNClassifier._epoch_runner
    _validation_score = DBNClassifier._validation_score

    # -- prediction ---------------------------------------------------------------------

    def predict_proba(self, X):
        """Class probabilities: the softmax outputs of the fine-tuned network
        for v and the DBM's mean-field q(h2 | v).

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
        inputs = network_input(self.dbm_, X)
        return softmax(_logits(self._network, self._params, inputs), axis=1)

    predict = DBNClassifier.predict

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.input_tags.positive_only = self.visible_units == "bernoulli"
        return tags


def network_input(dbm, X):
    """The rows the network reads for the rows of X (dense or CSR): X itself for a
    DBM of one hidden layer, else X followed by the mean-field posterior of the
    DBM's second hidden layer, dense, in the DBM's dtype."""
    if len(dbm.components_) == 1:
        return X
    dtype = dbm.components_[0].dtype
    n_samples, n_features = X.shape
    n_top = dbm.components_[1].shape[0]
    inputs = np.empty((n_samples, n_features + n_top), dtype=dtype)
    for start in range(0, n_samples, _MEAN_FIELD_ROWS):
        rows = X[start:start + _MEAN_FIELD_ROWS]
        rows = rows.toarray() if sp.issparse(rows) else rows
        stop = start + rows.shape[0]
        inputs[start:stop, :n_features] = rows
        inputs[start:stop, n_features:] = dbm._posteriors(rows)[1]
    return inputs


def dbm_network(dbm, n_classes, rng, dtype):
    """The network of sigmoid layers initialised from the DBM (see the Notes of
    DBMClassifier), with a softmax layer (identity activation; the loss applies
    the softmax) of Glorot-uniform weights and zero biases on top, and its flat
    parameters."""
    weights = dbm.components_
    biases = dbm.intercepts_
    n_features = weights[0].shape[1]
    hidden = [w.shape[0] for w in weights]
    bottom = weights[0].T
    if dbm.visible_units == "gaussian":
        # The DBM's hidden units see v / sigma.
        bottom = bottom / dbm.sigma_[:, np.newaxis]
    if len(weights) == 1:
        units = [n_features, *hidden, n_classes]
        coefs = [bottom]
    else:
        units = [n_features + hidden[1], *hidden, n_classes]
        coefs = [np.vstack([bottom, weights[1]])] + [w.T for w in weights[1:]]
    network = Network(units, "sigmoid", "identity")
    bound = np.sqrt(6.0 / (hidden[-1] + n_classes))
    coefs.append(rng.uniform(-bound, bound, (hidden[-1], n_classes)))
    intercepts = [*biases[1:], np.zeros(n_classes)]
    return network, network.pack(coefs, intercepts, dtype)
