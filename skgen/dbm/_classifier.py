"""DBM classifier: a DBM fitted to X, unrolled into a network whose input is the
data and the top layer's mean-field posterior, fine-tuned by backpropagation."""

from numbers import Integral, Real
from typing import ClassVar

import numpy as np
import scipy.sparse as sp
from sklearn.utils._param_validation import Interval

from ..network._classifier import (
    FINE_TUNING_ATTRIBUTES_DOC,
    FINE_TUNING_PARAMETERS_DOC,
    FineTunedClassifier,
    classifier_network,
)
from ..utils._callbacks import fit_context, subtasks
from ..utils._stacking import layer_seeds
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


class DBMClassifier(FineTunedClassifier):
    __doc__ = f"""Classifier made of a Deep Boltzmann Machine, unrolled into a feed-forward
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
    visible_units : {{"bernoulli", "gaussian"}}, default="bernoulli"
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
{FINE_TUNING_PARAMETERS_DOC}
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
{FINE_TUNING_ATTRIBUTES_DOC}
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
        **FineTunedClassifier._parameter_constraints,
        **{name: DBM._parameter_constraints[name] for name in DBM_PARAMETERS},
        "alpha": [Interval(Real, 0, None, closed="left")],
        "fine_tune_batch_size": [Interval(Integral, 1, None, closed="left")],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "fine_tune_momentum": [Interval(Real, 0, 1, closed="both")],
    }

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

    # -- what the network floor asks for ------------------------------------------------

    def _n_tasks_before_epochs(self):
        return 1

    def _make_dbm(self, random_state):
        return DBM(**{name: getattr(self, name) for name in DBM_PARAMETERS},
                   random_state=random_state)

    def _initial_state(self, X, labels, rng):
        """The fitted DBM and the network it initialises (a callback that stops
        the fit after the DBM leaves that network as it is, not fine-tuned)."""
        classes = labels.classes
        dbm = self._make_dbm(layer_seeds(rng, 1)[0])
        tasks = subtasks(fit_context(self), self, X, labels.y)
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

    def _network_input(self, state, X):
        """X followed by the DBM's mean-field q(h2 | v) (see ``network_input``)."""
        return network_input(state["dbm_"], X)


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
    DBMClassifier), with a softmax layer on top (``classifier_network``), and its
    flat parameters."""
    weights = dbm.components_
    biases = dbm.intercepts_
    n_features = weights[0].shape[1]
    hidden = [w.shape[0] for w in weights]
    bottom = weights[0].T
    if dbm.visible_units == "gaussian":
        # The DBM's hidden units see v / sigma.
        bottom = bottom / dbm.sigma_[:, np.newaxis]
    if len(weights) == 1:
        units = [n_features, *hidden]
        coefs = [bottom]
    else:
        units = [n_features + hidden[1], *hidden]
        coefs = [np.vstack([bottom, weights[1]])] + [w.T for w in weights[1:]]
    return classifier_network(units, "sigmoid", coefs, biases[1:], n_classes, rng, dtype)
