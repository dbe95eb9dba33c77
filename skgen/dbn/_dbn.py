"""Deep Belief Network: a greedy stack of RBMs, a transformer and a generative model."""

import copy
from numbers import Integral, Real
from typing import ClassVar

import numpy as np
from scipy.special import entr, logsumexp, softmax
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
)
from sklearn.utils import ClassifierTags, check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import (
    check_array,
    check_is_fitted,
    column_or_1d,
    validate_data,
)

from ..utils._callbacks import CallbackSupportMixin, begin_fit, end_fit, subtasks
from ..utils._doc_link import DocumentationLinkMixin
from ..utils._persistence import VersionedStateMixin
from ..utils._state import fit_transaction
from ..utils._validation import check_count, encode_labels
from ._base import (
    PRETRAINING_CONSTRAINTS,
    PretrainedStack,
    join_labels,
    layer_rbms,
    layer_sizes,
    layer_values,
    one_hot,
    partial_pretrain,
    pretrain,
)
from ._updown import up_down

#: Samples of the recognition model Q(h|v) that average the bound of
#: ``score_samples`` for stacks of two layers or more.
BOUND_N_SAMPLES = 10


def _fitted_with_labels(estimator):
    check_is_fitted(estimator)
    if not hasattr(estimator, "classes_"):
        raise AttributeError(
            f"This {type(estimator).__name__} was fitted without labels; fit it with "
            "y to classify."
        )
    return True


class DBN(PretrainedStack, DocumentationLinkMixin, VersionedStateMixin, CallbackSupportMixin,
          ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator):
    """Deep Belief Network (DBN): a stack of RBMs trained greedily, layer by layer.

    The bottom RBM models the data and each RBM above it models the hidden
    activations of the one below. The trained stack is a transformer (a
    bottom-up pass of mean activations) and a generative model: Gibbs sampling
    in the top RBM, then a top-down pass. Fitted with labels ``y``, the top RBM
    also models one-hot label units beside its visible units, as in Hinton et
    al. (2006): the DBN can then generate samples of a given class and classify
    by settling the label units.

    Parameters
    ----------
    hidden_layer_sizes : array-like of shape (n_layers,) or int, default=(256, 256)
        Number of hidden units of each RBM, from the bottom.
    visible_units : {"bernoulli", "gaussian"}, default="bernoulli"
        The bottom RBM: :class:`~skgen.BernoulliRBM` for data in [0, 1], or
        :class:`~skgen.GaussianBernoulliRBM` for real-valued (standardised) data,
        which usually wants a smaller ``learning_rate`` for its layer, such as
        0.01. The layers above are BernoulliRBMs.
    learning_rate : float or array-like of shape (n_layers,), default=0.1
        Learning rate of the RBMs, one for all or one per layer.
    batch_size : int or array-like of shape (n_layers,), default=10
        Mini-batch size (and number of persistent chains) of the RBMs.
    n_iter : int or array-like of shape (n_layers,), default=10
        Number of training passes of each RBM.
    n_gibbs_steps : int or array-like of shape (n_layers,), default=1
        Gibbs steps of the negative phase of each RBM.
    persistent : bool or array-like of shape (n_layers,), default=True
        Whether each RBM is trained by persistent contrastive divergence (PCD)
        or by CD-k.
    momentum : float or array-like of shape (n_layers,), default=0.5
        Momentum of each RBM's updates, in [0, 1), 0.5 as the BernoulliRBM's:
        it made the features better, though with labels a worse generative
        classifier (benchmarks/RESULTS.md, issue 14).
    weight_decay : float or array-like of shape (n_layers,), default=0.0
        L2 penalty on each RBM's weights.
    visible_bias_init : {"data", "zeros"}, default="data"
        The start of every RBM's visible biases: those of independent
        units with the means of its training data (with labels, the label
        units' at the log class frequencies), or sklearn's zeros.
    centering : bool, default=True
        Whether every RBM is trained centered (see
        :class:`~skgen.BernoulliRBM`), a Gaussian bottom RBM too (whose own
        default is False).
    shuffle : bool, default=True
        Whether the RBMs visit the samples in a new random order on each pass.
    output_layers : {"top", "all"}, default="all"
        What :meth:`transform` returns: the activations of every hidden layer
        side by side, from the bottom, or the top layer's alone. A classifier
        on all layers of a two-layer DBN beat one on a BernoulliRBM's
        features, and one on the top layer alone did much worse
        (benchmarks/RESULTS.md, issue 14).
    use_labels : bool, default=True
        Whether :meth:`fit` joins the labels ``y``, when given, to the top RBM.
        False makes the DBN an unsupervised feature extractor that ignores
        ``y``, as the RBMs do (a Pipeline passes ``y`` to every step).
    discriminative_weight : float, default=0.0
        Only with labels: the weight of the discriminative term in the top
        RBM's training (0: purely generative, as in Hinton et al. 2006). Each
        mini-batch of the top RBM also ascends the gradient of its rows'
        ``log P(y | h_{L-1})``, the exact softmax of :meth:`predict_proba`, at
        ``learning_rate * discriminative_weight`` (the hybrid RBM of
        Larochelle & Bengio 2008). It sharpens generative classification and
        the class of label-clamped samples, at a cost per row of one
        exponential per class and top hidden unit, which slows training
        several-fold (see benchmarks/RESULTS.md).
    fine_tune_iter : int, default=0
        Passes of generative fine-tuning by the up-down algorithm after the
        greedy training (0: none). Needs Bernoulli visible units.
    fine_tune_learning_rate : float, default=0.001
        Learning rate of the up-down fine-tuning. It runs in mini-batches of
        the top layer's ``batch_size``, with the top layer's ``n_gibbs_steps``
        for the top RBM's CD steps.
    ais_n_chains : int, default=100
        Number of AIS runs that estimate the top RBM's log Z for
        :meth:`score_samples`.
    ais_n_betas : int, default=2000
        Number of AIS inverse temperatures, as in the RBMs.
    verbose : int, default=0
        Verbosity of the RBMs' training.
    random_state : int, RandomState instance or None, default=None
        Determines the seeds of the RBMs (drawn in order from this stream), the
        row order and random draws of up-down fine-tuning, the recognition
        samples of :meth:`score_samples` and the default stream of
        :meth:`sample`. Pass an int for reproducible results.

    Attributes
    ----------
    rbms_ : list of BernoulliRBM, GaussianBernoulliRBM or LabelledRBM
        The fitted RBMs, from the bottom. With labels, the top RBM is a
        LabelledRBM (a BernoulliRBM with a softmax group of label units) whose
        visible units are the layer below followed by one unit per class.
        After up-down fine-tuning, the layers below the top hold the
        generative (top-down) weights: ``components_`` and
        ``intercept_visible_``.
    recognition_rbms_ : list of BernoulliRBM or GaussianBernoulliRBM
        The layers below the top that the bottom-up pass uses:
        ``rbms_[:-1]`` itself, or after up-down fine-tuning copies with the
        untied recognition weights ``components_`` and ``intercept_hidden_``.
    classes_ : ndarray of shape (n_classes,)
        The class labels; only when fitted with ``y``.
    pretraining_scores_ : list of list of float
        The ``train_scores_`` of each RBM of ``rbms_``, from the bottom: its
        score after each pass of greedy training.
    n_features_in_ : int
        Number of features seen during :term:`fit`.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :term:`fit`. Defined only when `X` has
        feature names that are all strings.

    See Also
    --------
    DBNClassifier : A DBN fine-tuned for classification by backpropagation.
    BernoulliRBM : The building block of the stack.

    Notes
    -----
    Greedy training [1]_ fits RBM 1 to the data, then RBM l + 1 to the mean
    activations P(h_l | h_{l-1}) of RBM l on the training data (the usual
    choice, rather than sampled states: it has the same expectation and less
    noise). RBM l is seeded with the l-th integer drawn from ``random_state``.

    The DBN is a directed belief net whose top two layers form an undirected
    RBM: ``p(v, h_1, ..., h_L) = p(v | h_1) ... p(h_{L-2} | h_{L-1})
    p(h_{L-1}, h_L)``, with each conditional that of the RBM of its layer.
    :meth:`transform` approximates the posterior by the bottom-up pass of mean
    activations (with labels, the top layer's with the label units off; see
    below), :meth:`inverse_transform` is the top-down pass of means, and
    :meth:`sample` runs ``n_gibbs_steps`` of Gibbs sampling in the top RBM,
    from uniformly random binary states, then passes the top RBM's visible
    means down.

    :meth:`score_samples` is not log p(v) but a variational lower bound on it
    [2]_: with the factorial recognition model Q(h_1, ..., h_{L-1} | v) of the
    bottom-up pass,
    ``log p(v) >= E_Q[log p(v | h_1) + ... + log p(h_{L-2} | h_{L-1})
    - F(h_{L-1})] + H(Q) - log Z``, where F and Z are the free energy and
    partition function of the top RBM. The expectation is averaged over 10
    samples of Q, seeded by ``random_state`` (the same uniforms for every row,
    so that a row's bound does not depend on the others); the entropies are
    exact. log Z
    comes from the top RBM's :meth:`~skgen.BernoulliRBM.log_partition`: exact
    for small layers, estimated by AIS otherwise (whose estimate tends to be
    slightly low, and the bound slightly high). For one layer the bound is the
    RBM's log-likelihood.

    The up-down algorithm [1]_ (``fine_tune_iter``) unties the recognition and
    generative weights of the layers below the top RBM: a wake pass samples the
    layers bottom-up and moves the generative weights towards reproducing each
    layer from the one above; the top RBM takes a CD step from the wake states;
    a sleep pass samples top-down from the CD states and moves the recognition
    weights towards inferring each layer from the one below. Each pass is one
    call of a Numba kernel, whose random draws come from one stream per
    mini-batch row, seeded from ``random_state``.
    Samples of a deep DBN are only as good as the top-down pass that decodes
    the top RBM's states: on sklearn's digits, the class of label-clamped
    samples survives two layers once the bottom RBM is trained long enough
    to reconstruct well (300 passes with momentum) and up-down fine-tuning
    has tuned its generative weights (``examples/plot_dbn_generation.py``).

    With labels, the top RBM is a :class:`LabelledRBM` over
    ``[h_{L-1}, label]`` whose label units form one softmax group, as in [1]_:
    its training (CD or PCD) and the free Gibbs steps of :meth:`sample` draw
    the label as one categorical variable from the softmax of the label
    units' input, and its log Z sums over the one-hot labels only.
    :meth:`predict_proba` settles the label exactly:
    ``P(y = c | h_{L-1}) = softmax_c(-F(h_{L-1}, e_c))``, with h_{L-1} the
    bottom-up pass. :meth:`score_samples` then bounds
    ``log sum_c p(v, y = c)``. With ``discriminative_weight`` > 0 the top RBM
    also ascends the gradient of that exact ``log P(y | h_{L-1})`` on the
    training rows, as in the hybrid RBM of [3]_.

    :meth:`transform` gives the top layer's activations with the label units
    off, the input of the data alone. Feeding it the settled label
    probabilities instead would make features that carry the model's guess of
    the label: near certain on the training rows and less so on new ones, so
    that a classifier after it in a Pipeline trusts them too much (on the
    digits of the tests, 0.929-0.942 against 0.938-0.953 with the labels off,
    over four seeds). ``use_labels=False`` makes the DBN ignore ``y``
    altogether, as the RBMs do.

    With scikit-learn's training callbacks (``set_callbacks``), a fit is a task
    with one subtask per layer, which is that layer's RBM's fit with a task
    per pass, then one for up-down fine-tuning, with a task per pass. A
    callback that asks to stop at a layer leaves the DBN with the layers fitted
    so far, and without label units if the top layer, which models them, was
    not reached.

    References
    ----------
    .. [1] Hinton, G. E., Osindero, S. and Teh, Y.-W. (2006). A fast learning
       algorithm for deep belief nets. Neural Computation 18, pp 1527-1554.
    .. [2] Salakhutdinov, R. and Murray, I. (2008). On the quantitative analysis
       of deep belief networks. ICML.
    .. [3] Larochelle, H. and Bengio, Y. (2008). Classification using
       discriminative restricted Boltzmann machines. ICML.

    Examples
    --------
    >>> import numpy as np
    >>> from skgen import DBN
    >>> X = np.array([[0, 0, 0], [0, 1, 1], [1, 0, 1], [1, 1, 1]])
    >>> model = DBN((4, 2), random_state=0).fit(X)
    >>> model.transform(X).shape  # both layers' activations
    (4, 6)
    >>> model.sample(3, n_gibbs_steps=10).shape
    (3, 3)
    """

    _parameter_constraints: ClassVar[dict] = {
        **PRETRAINING_CONSTRAINTS,
        "output_layers": [StrOptions({"top", "all"})],
        "use_labels": ["boolean"],
        "discriminative_weight": [Interval(Real, 0, None, closed="left")],
        "fine_tune_iter": [Interval(Integral, 0, None, closed="left")],
        "fine_tune_learning_rate": [Interval(Real, 0, None, closed="neither")],
        "ais_n_chains": [Interval(Integral, 1, None, closed="left")],
        "ais_n_betas": [Interval(Integral, 2, None, closed="left")],
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
        momentum=0.5,
        weight_decay=0.0,
        visible_bias_init="data",
        centering=True,
        shuffle=True,
        output_layers="all",
        use_labels=True,
        discriminative_weight=0.0,
        fine_tune_iter=0,
        fine_tune_learning_rate=0.001,
        ais_n_chains=100,
        ais_n_betas=2000,
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
        self.output_layers = output_layers
        self.use_labels = use_labels
        self.discriminative_weight = discriminative_weight
        self.fine_tune_iter = fine_tune_iter
        self.fine_tune_learning_rate = fine_tune_learning_rate
        self.ais_n_chains = ais_n_chains
        self.ais_n_betas = ais_n_betas
        self.verbose = verbose
        self.random_state = random_state

    @fit_transaction(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Fit the stack of RBMs greedily, from the bottom.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,), default=None
            Class labels. When given (and ``use_labels``), the top RBM also
            models one label unit per class, for :meth:`predict` and
            class-conditional :meth:`sample`.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        X = validate_data(self, X, accept_sparse="csr", dtype=(np.float64, np.float32))
        labels = classes = None
        if y is not None and self.use_labels:
            classes, encoded = np.unique(column_or_1d(y, warn=True),
                                         return_inverse=True)
            if encoded.shape[0] != X.shape[0]:
                raise ValueError(
                    f"X has {X.shape[0]} samples, but y has {encoded.shape[0]}."
                )
            labels = one_hot(encoded, len(classes), X.dtype)
        n_layers = len(layer_sizes(self.hidden_layer_sizes))
        context = begin_fit(self, n_layers + bool(self.fine_tune_iter), X, y)
        tasks = subtasks(context, self, X, y)
        rng = check_random_state(self.random_state)

        def fitted(rbms, recognition=None):
            return self._fitted_stack(rbms, rbms[:-1] if recognition is None
                                      else recognition, classes, n_layers)

        rbms, stopped = pretrain(self, X, rng, labels, tasks, fitted,
                                 ais_n_chains=self.ais_n_chains,
                                 ais_n_betas=self.ais_n_betas)
        recognition = rbms[:-1]
        if self.fine_tune_iter and not stopped:
            if self.visible_units != "bernoulli":
                raise ValueError(
                    "Up-down fine-tuning (fine_tune_iter > 0) needs "
                    "visible_units='bernoulli'."
                )
            dense = X.toarray() if hasattr(X, "toarray") else X
            passes = None if tasks is None else tasks.begin(
                "fine-tuning", n_tasks=self.fine_tune_iter)
            recognition, rbms = up_down(
                rbms, dense, labels, self.fine_tune_iter, self.fine_tune_learning_rate,
                layer_values(self, "batch_size", len(rbms))[-1],
                layer_values(self, "n_gibbs_steps", len(rbms))[-1], rng, passes, fitted,
            )
            if tasks is not None:
                tasks.end(lambda: fitted(rbms, recognition))
        if hasattr(self, "classes_"):
            del self.classes_
        self.__dict__.update(self._fitted_stack(rbms, recognition, classes, n_layers))
        end_fit(context, self, X, y)
        return self

    @fit_transaction(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y=None, classes=None):
        """Run one training pass of every layer on X, bottom to top.

        Each RBM of the stack takes one pass of its own ``partial_fit`` over the
        mean activations of the layer below, so a stream of mini-batches (or a
        dask array's blocks, through dask-ml's ``Incremental``) pretrains the
        whole stack. The first call builds the stack from ``random_state``. No
        up-down fine-tuning runs: ``recognition_rbms_`` are the stack's lower
        RBMs, as after ``fit`` with ``fine_tune_iter=0``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,), default=None
            Class labels, for a DBN whose top RBM models them (``use_labels``):
            given on every call, or on none.
        classes : array-like of shape (n_classes,), default=None
            Every class that y will hold, read on the first call with y and
            ignored afterwards; None takes the classes of the first call's y,
            so later calls cannot bring new ones.

        Returns
        -------
        self : object
            The updated estimator.
        """
        first_call = not hasattr(self, "rbms_")
        dtype = (np.float64, np.float32) if first_call else self.rbms_[0].components_.dtype
        X = validate_data(self, X, accept_sparse="csr", reset=first_call, dtype=dtype)
        labelled = y is not None and self.use_labels
        if first_call:
            known = None
            if labelled:
                known = np.unique(column_or_1d(y if classes is None else classes))
            rbms = layer_rbms(self, check_random_state(self.random_state),
                              0 if known is None else len(known),
                              ais_n_chains=self.ais_n_chains, ais_n_betas=self.ais_n_betas)
        else:
            known = getattr(self, "classes_", None)
            if labelled != (known is not None):
                raise ValueError(
                    "This DBN was first trained " + ("with" if known is not None else
                                                      "without")
                    + " labels: pass y to partial_fit on every call, or on none.")
            rbms = copy.deepcopy(self.rbms_)  # all or nothing
        labels = None
        if labelled:
            y = column_or_1d(y, warn=True)
            if y.shape[0] != X.shape[0]:
                raise ValueError(f"X has {X.shape[0]} samples, but y has {y.shape[0]}.")
            labels = one_hot(encode_labels(y, known), len(known), X.dtype)
        context = begin_fit(self, 0, X, y)
        partial_pretrain(rbms, X, labels)
        self.rbms_, self.recognition_rbms_ = rbms, rbms[:-1]
        if known is not None:
            self.classes_ = known
        end_fit(context, self, X, y)
        return self

    def _fitted_stack(self, rbms, recognition, classes, n_layers):
        """The fitted attributes of a DBN of ``rbms``, whose bottom-up pass is
        ``recognition``: with ``classes_`` if its top RBM models the labels
        (a callback may have stopped a labelled fit below its top layer). For a
        callback's ``fitted_estimator``, a copy of the estimator in training,
        they are None where the copy would keep ``classes_`` of an earlier fit
        that this one does not have."""
        fitted = {"rbms_": list(rbms), "recognition_rbms_": list(recognition)}
        if classes is not None and len(rbms) == n_layers:
            fitted["classes_"] = classes
        elif "classes_" in self.__dict__:
            return None
        return fitted

    # -- the passes -----------------------------------------------------------------

    def _validate_data(self, X):
        check_is_fitted(self)
        return validate_data(self, X, accept_sparse="csr", reset=False,
                             dtype=self.rbms_[0].components_.dtype)

    @property
    def _n_labels(self):
        return len(self.classes_) if hasattr(self, "classes_") else 0

    def _up_to_top(self, X):
        """The bottom-up pass to the top RBM's input (X for one layer), and the
        activations of every layer it goes through."""
        layers = []
        for rbm in self.recognition_rbms_:
            X = rbm.transform(X)
            layers.append(X)
        return X, layers

    def _label_scores(self, below):
        """-F(h, e_c) of the top RBM for each row h of ``below`` and each class c,
        shape (n_samples, n_classes), in float64."""
        top = self.rbms_[-1]
        n_free = top.components_.shape[1] - self._n_labels
        weights = top.components_.astype(np.float64)
        visible_bias = top.intercept_visible_.astype(np.float64)
        below = below.toarray() if hasattr(below, "toarray") else below
        below = np.asarray(below, dtype=np.float64)
        hidden_input = below @ weights[:, :n_free].T + top.intercept_hidden_
        visible_term = below @ visible_bias[:n_free]
        scores = np.empty((below.shape[0], self._n_labels))
        for label in range(self._n_labels):
            scores[:, label] = (
                visible_term + visible_bias[n_free + label]
                + np.logaddexp(0.0, hidden_input + weights[:, n_free + label]).sum(1)
            )
        return scores

    def transform(self, X):
        """The bottom-up pass of mean activations P(h_l = 1 | h_{l-1}).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The data to transform.

        Returns
        -------
        h : ndarray of shape (n_samples, n_features_out)
            The top layer's activations, or with ``output_layers="all"`` those
            of every hidden layer side by side, in the model's dtype. With
            labels, the top layer's are those given the data alone: its label
            units are off (see Notes).
        """
        X = self._validate_data(X)
        below, layers = self._up_to_top(X)
        if self._n_labels:
            below = join_labels(below, np.zeros((below.shape[0], self._n_labels),
                                                dtype=below.dtype))
        layers.append(self.rbms_[-1].transform(below))
        return np.hstack(layers) if self.output_layers == "all" else layers[-1]

    @property
    def _n_features_out(self):
        sizes = [rbm.components_.shape[0] for rbm in self.rbms_]
        return sum(sizes) if self.output_layers == "all" else sizes[-1]

    def inverse_transform(self, X):
        """The top-down pass of means E[h_{l-1} | h_l], from the top layer.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_top_units) or (n_samples, \
n_features_out)
            Activations of the top hidden layer, or the output of
            :meth:`transform` with ``output_layers="all"``, whose last columns
            are the top layer's.

        Returns
        -------
        v : ndarray of shape (n_samples, n_features)
            The visible means, in the model's dtype.
        """
        check_is_fitted(self)
        top = self.rbms_[-1]
        hidden = check_array(X, dtype=top.components_.dtype)
        widths = {top.n_components, self._n_features_out}
        if hidden.shape[1] not in widths:
            raise ValueError(
                f"X has {hidden.shape[1]} features, but DBN.inverse_transform is "
                f"expecting {top.n_components} features (the top layer's units)"
                + ("" if len(widths) == 1 else
                   f" or {self._n_features_out} (the output of transform)") + "."
            )
        hidden = hidden[:, hidden.shape[1] - top.n_components:]
        n_free = top.components_.shape[1] - self._n_labels
        return self._down(top.inverse_transform(hidden)[:, :n_free])

    def _down(self, below_top):
        for rbm in reversed(self.rbms_[:-1]):
            below_top = rbm.inverse_transform(below_top)
        return below_top

    # -- generating -----------------------------------------------------------------

    def sample(self, n_samples=1, *, y=None, n_gibbs_steps=1000, random_state=None):
        """Generate data: Gibbs sampling in the top RBM, then a top-down pass.

        Each chain starts from uniformly random binary states of the top RBM
        (and a uniformly random label) and runs ``n_gibbs_steps`` steps; the
        visible means of its last hidden state are passed down. With ``y``,
        the label units are clamped to the given classes throughout; without
        it, each step draws the label from its softmax.

        Parameters
        ----------
        n_samples : int, default=1
            Number of samples to draw.
        y : label or array-like of shape (n_samples,), default=None
            The class of every sample, or of each; only for a DBN fitted with
            labels. None lets the label units run free.
        n_gibbs_steps : int, default=1000
            Number of Gibbs steps of each chain.
        random_state : int, RandomState instance or None, default=None
            The random stream of the chains. None uses the estimator's
            ``random_state``, so that a seeded estimator gives the same samples
            on every call.

        Returns
        -------
        X : ndarray of shape (n_samples, n_features)
            Visible means, in the model's dtype; for a one-layer DBN with
            Gaussian visible units, the RBM's own samples, noise included.
        """
        check_is_fitted(self)
        check_count(n_samples, "n_samples", 1)
        check_count(n_gibbs_steps, "n_gibbs_steps", 0)
        rng = check_random_state(self.random_state if random_state is None
                                 else random_state)
        top = self.rbms_[-1]
        if self.visible_units == "gaussian" and len(self.rbms_) == 1:
            return top.sample(n_samples, n_gibbs_steps=n_gibbs_steps, random_state=rng)
        if y is None:
            visible, hidden = top._sample_chains(n_samples, n_gibbs_steps, rng)
        else:
            visible, hidden = top._sample_chains(n_samples, n_gibbs_steps, rng,
                                                 labels=self._encode(y, n_samples))
        n_free = visible.shape[1] - self._n_labels
        if n_gibbs_steps:
            visible = top.inverse_transform(hidden)
        return self._down(visible[:, :n_free])

    def _encode(self, y, n_samples):
        """The indices in ``classes_`` of the sample labels ``y``."""
        if not self._n_labels:
            raise ValueError(
                "This DBN was fitted without labels: fit it with y to sample a class."
            )
        y = np.asarray(y)
        y = np.full(n_samples, y) if y.ndim == 0 else column_or_1d(y)
        if y.shape[0] != n_samples:
            raise ValueError(f"y has {y.shape[0]} labels, but n_samples={n_samples}.")
        positions = {label: i for i, label in enumerate(self.classes_.tolist())}
        unknown = [label for label in y.tolist() if label not in positions]
        if unknown:
            raise ValueError(
                f"y has labels {sorted(set(unknown))!r} that are not among the "
                f"classes {self.classes_.tolist()!r}."
            )
        return np.array([positions[label] for label in y.tolist()], dtype=np.int64)

    # -- classifying ----------------------------------------------------------------

    @available_if(_fitted_with_labels)
    def predict_proba(self, X):
        """Class probabilities: the bottom-up pass, then the label units settled
        exactly in the top RBM.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The data to classify.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            P(y = c | x) in the order of ``classes_``, in float64.
        """
        X = self._validate_data(X)
        return softmax(self._label_scores(self._up_to_top(X)[0]), axis=1)

    @available_if(_fitted_with_labels)
    def predict(self, X):
        """The most probable class of each row (see :meth:`predict_proba`).

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

    # -- likelihood -----------------------------------------------------------------

    def score_samples(self, X):
        """A variational lower bound on log p(v) for each row (see Notes).

        For one layer (without labels) it is the RBM's log-likelihood.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Values of the visible layer.

        Returns
        -------
        bound : ndarray of shape (n_samples,)
            The lower bound of each row, in nats, in float64.
        """
        X = self._validate_data(X)
        top = self.rbms_[-1]
        if len(self.rbms_) == 1 and not self._n_labels:
            return top.score_samples(X)
        X = X.toarray() if hasattr(X, "toarray") else X
        rng = check_random_state(self.random_state)
        n_draws = BOUND_N_SAMPLES if len(self.rbms_) > 1 else 1
        # Every row uses the same uniforms, so that its bound does not depend on
        # the other rows; its draws are still independent across units.
        uniforms = [rng.uniform(size=(n_draws, rbm.n_components))
                    for rbm in self.recognition_rbms_]
        total = np.zeros(X.shape[0])
        for draw in range(n_draws):
            below = X
            for recognition, rbm, uniform in zip(self.recognition_rbms_, self.rbms_,
                                                 uniforms, strict=False):
                posterior = recognition.transform(below).astype(np.float64)
                hidden = (uniform[draw] < posterior).astype(below.dtype)
                total += rbm._log_conditional(below, hidden)
                total += (entr(posterior) + entr(1.0 - posterior)).sum(axis=1)
                below = hidden
            if self._n_labels:
                total += logsumexp(self._label_scores(below), axis=1)
            else:
                total -= top.free_energy(below)
        return total / n_draws - top.log_partition()

    def score(self, X, y=None):
        """Mean of :meth:`score_samples`, a lower bound on the mean log-likelihood.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Values of the visible layer.
        y : None
            Ignored.

        Returns
        -------
        score : float
            The mean bound in nats.
        """
        return float(np.mean(self.score_samples(X)))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.input_tags.positive_only = self.visible_units == "bernoulli"
        tags.target_tags.required = False
        # Fitted with labels, the DBN also predicts classes.
        tags.classifier_tags = ClassifierTags()
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags
