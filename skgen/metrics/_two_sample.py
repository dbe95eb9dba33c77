"""Two-sample statistics between real and generated data: C2ST and MMD."""

import numpy as np
from scipy import sparse
from sklearn.base import clone
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.utils import check_array, check_random_state

#: Rows of each set that ``mmd_score`` keeps at the most (a random subset beyond).
MMD_MAX_SAMPLES = 1000


def _check_two_samples(X_real, X_generated, min_rows):
    """Both sets as dense float64 arrays of the same width, finite, with at least
    ``min_rows`` rows each; a ValueError naming the set and the problem otherwise."""
    checked = []
    for X, name in ((X_real, "X_real"), (X_generated, "X_generated")):
        X = check_array(X, accept_sparse="csr", dtype=np.float64,
                        ensure_all_finite=True, ensure_min_samples=1,
                        input_name=name)
        if sparse.issparse(X):
            X = X.toarray()
        if X.shape[0] < min_rows:
            raise ValueError(f"{name} has {X.shape[0]} rows; at least {min_rows} "
                             "are needed.")
        checked.append(X)
    X_real, X_generated = checked
    if X_real.shape[1] != X_generated.shape[1]:
        raise ValueError(f"X_real has {X_real.shape[1]} features but X_generated "
                         f"has {X_generated.shape[1]}; they must have the same.")
    return X_real, X_generated


def _default_classifier(seed):
    """The classifier of ``c2st_score`` when none is given."""
    # One thread: deterministic, and no contention with a search's own workers.
    return RandomForestClassifier(n_estimators=100, random_state=seed)


def c2st_score(X_real, X_generated, *, classifier=None, cv=5, random_state=None):
    """Classifier two-sample test: how hard it is to tell generated rows from real.

    A classifier learns to label real rows 1 and generated rows 0. Its ROC AUC
    on rows it was not trained on, averaged over ``cv`` stratified folds, is
    0.5 when the two sets come from the same distribution and 1 (or 0) when it
    separates them. The score folds it into [0, 1], higher is better::

        score = 1 - 2 * |AUC - 0.5|

    so 1 means indistinguishable (to this classifier) and 0 perfectly
    separable.

    Parameters
    ----------
    X_real : {array-like, sparse matrix} of shape (n_real, n_features)
        Real data, for example a held-out part of the training set.
    X_generated : {array-like, sparse matrix} of shape (n_generated, n_features)
        Generated data. The sets may differ in size.
    classifier : estimator or None, default=None
        The classifier, cloned for each fold; it needs ``predict_proba`` or
        ``decision_function``. None uses a ``RandomForestClassifier`` of 100
        trees, in one thread, seeded from ``random_state``. A given
        classifier is used as it is, with its own ``random_state``.
    cv : int, default=5
        Number of folds, at least 2. Each set needs at least ``cv`` rows.
    random_state : int, RandomState instance or None, default=None
        Seeds the shuffle of the folds and the default classifier. An int gives
        the same score on every call.

    Returns
    -------
    score : float
        ``1 - 2 * |AUC - 0.5|``, in [0, 1]; 1 when the classifier cannot tell
        the sets apart.

    See Also
    --------
    mmd_score : a kernel two-sample statistic, with no classifier to train.
    sample_scorer : a scorer that draws samples from a model and applies this.

    Notes
    -----
    This is the classifier two-sample test of Lopez-Paz & Oquab (2017), with
    the AUC as its statistic. The AUC, unlike the accuracy, does not depend on
    the ratio of the two classes, so sets of different sizes need no
    rebalancing; the folds are stratified, so each keeps that ratio. An AUC
    below 0.5 also lowers the score: with enough rows it cannot happen by
    chance, and with few it is noise around 0.5 in either direction.

    The score is only as sharp as the classifier. A linear model sees only
    differences in the means of the features: samples with the right pixel
    marginals but no structure pass it. A random forest also sees differences
    in spread and in how features go together, needs no feature scaling and
    no tuning, and is deterministic given its seed; it was as sharp as
    gradient-boosted trees and several times faster in
    ``benchmarks/bench_metrics.py`` (figures in ``benchmarks/RESULTS.md``).
    The cost is ``cv`` fits of the classifier on ``n_real + n_generated``
    rows; pass a cheaper ``classifier`` for large searches.

    References
    ----------
    D. Lopez-Paz and M. Oquab, "Revisiting classifier two-sample tests",
    ICLR 2017.

    Examples
    --------
    >>> import numpy as np
    >>> from skgen.metrics import c2st_score
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(300, 4))
    >>> same = rng.normal(size=(300, 4))
    >>> shifted = rng.normal(loc=2.0, size=(300, 4))
    >>> bool(c2st_score(X, same, random_state=0) > 0.8)
    True
    >>> bool(c2st_score(X, shifted, random_state=0) < 0.1)
    True
    """
    if isinstance(cv, bool) or not isinstance(cv, (int, np.integer)) or cv < 2:
        raise ValueError(f"cv must be an integer >= 2, got {cv!r}.")
    X_real, X_generated = _check_two_samples(X_real, X_generated, cv)
    rng = check_random_state(random_state)
    split_seed, model_seed = rng.randint(np.iinfo(np.int32).max, size=2)
    if classifier is None:
        classifier = _default_classifier(int(model_seed))
    else:
        classifier = clone(classifier)
    X = np.vstack([X_real, X_generated])
    y = np.r_[np.ones(len(X_real), dtype=int), np.zeros(len(X_generated), dtype=int)]
    folds = StratifiedKFold(n_splits=cv, shuffle=True, random_state=int(split_seed))
    auc = cross_val_score(classifier, X, y, cv=folds, scoring="roc_auc").mean()
    return float(1.0 - 2.0 * abs(auc - 0.5))


def _subsample(X, max_samples, rng):
    if len(X) <= max_samples:
        return X
    return X[np.sort(rng.choice(len(X), size=max_samples, replace=False))]


def _squared_distances(X):
    """Squared Euclidean distances between all rows of X, clipped at 0."""
    norms = np.einsum("ij,ij->i", X, X)
    distances = norms[:, None] + norms[None, :] - 2.0 * (X @ X.T)
    np.maximum(distances, 0.0, out=distances)
    np.fill_diagonal(distances, 0.0)
    return distances


def median_heuristic(distances):
    """``1 / (2 * sigma**2)``, sigma the median distance between two distinct rows,
    from their squared distances: the RBF kernel ``exp(-gamma * d**2)`` of that
    bandwidth. When more than half the pairs coincide, sigma is the median of
    the non-zero distances; with no such pair, 1."""
    pairs = np.sqrt(distances[np.triu_indices_from(distances, k=1)])
    sigma = np.median(pairs) if len(pairs) else 0.0
    if sigma <= 0.0:
        positive = pairs[pairs > 0.0]
        sigma = np.median(positive) if len(positive) else 1.0
    return 1.0 / (2.0 * sigma**2)


def mmd_score(X_real, X_generated, *, gamma=None, max_samples=MMD_MAX_SAMPLES,
              random_state=None):
    """Negated squared maximum mean discrepancy with an RBF kernel.

    The squared MMD is the distance between the two sets' mean embeddings in
    the kernel's feature space: 0 when they come from the same distribution,
    larger the more they differ. This returns its negation, so that higher is
    better, as for every ``*_score`` in scikit-learn: 0 is best and a more
    negative value means more distinct sets.

    Parameters
    ----------
    X_real : {array-like, sparse matrix} of shape (n_real, n_features)
        Real data. At least 2 rows.
    X_generated : {array-like, sparse matrix} of shape (n_generated, n_features)
        Generated data. At least 2 rows; the sets may differ in size.
    gamma : float or None, default=None
        The kernel ``k(x, y) = exp(-gamma * ||x - y||**2)``. None sets it by
        the median heuristic on the pooled rows (after subsampling):
        ``1 / (2 * sigma**2)`` with sigma the median distance between two
        distinct rows.
    max_samples : int, default=1000
        Rows of each set kept at the most: a larger set is replaced by a random
        subset of this many rows, which bounds the memory to a
        ``2 * max_samples`` square matrix of float64.
    random_state : int, RandomState instance or None, default=None
        Seeds the subsets; unused when both sets have at most ``max_samples``
        rows, and then the score is deterministic.

    Returns
    -------
    score : float
        ``-MMD**2``, unbiased: near 0, on either side, for sets from the same
        distribution, and negative for distinct ones.

    See Also
    --------
    c2st_score : a classifier two-sample test, scored in [0, 1].

    Notes
    -----
    The estimate is the unbiased U-statistic of Gretton et al. (2012, eq. 3)
    for sets of sizes m and n::

        MMD**2 = sum_{i != j} k(x_i, x_j) / (m (m - 1))
               + sum_{i != j} k(y_i, y_j) / (n (n - 1))
               - 2 sum_{i, j} k(x_i, y_j) / (m n)

    Its expectation is the population MMD**2 whatever the sizes, so scores
    from sets of different sizes are comparable; the price is that it can be
    slightly negative (the score slightly positive) when the sets are alike.

    References
    ----------
    A. Gretton, K. M. Borgwardt, M. J. Rasch, B. Schoelkopf and A. Smola,
    "A kernel two-sample test", JMLR 13 (2012).

    Examples
    --------
    >>> import numpy as np
    >>> from skgen.metrics import mmd_score
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(200, 3))
    >>> same = mmd_score(X, rng.normal(size=(200, 3)))
    >>> shifted = mmd_score(X, rng.normal(loc=1.0, size=(200, 3)))
    >>> bool(abs(same) < 0.01 and shifted < -0.1)
    True
    """
    if isinstance(max_samples, bool) or not isinstance(
            max_samples, (int, np.integer)) or max_samples < 2:
        raise ValueError(f"max_samples must be an integer >= 2, got {max_samples!r}.")
    if gamma is not None and not (np.isfinite(gamma) and gamma > 0):
        raise ValueError(f"gamma must be a positive float or None, got {gamma!r}.")
    X_real, X_generated = _check_two_samples(X_real, X_generated, 2)
    rng = check_random_state(random_state)
    X_real = _subsample(X_real, max_samples, rng)
    X_generated = _subsample(X_generated, max_samples, rng)
    m, n = len(X_real), len(X_generated)
    distances = _squared_distances(np.vstack([X_real, X_generated]))
    if gamma is None:
        gamma = median_heuristic(distances)
    kernel = np.exp(-gamma * distances, out=distances)
    # The diagonal of each within-set block is exp(0) = 1, left out of the sums.
    within_real = (kernel[:m, :m].sum() - m) / (m * (m - 1))
    within_generated = (kernel[m:, m:].sum() - n) / (n * (n - 1))
    between = kernel[:m, m:].mean()
    return float(-(within_real + within_generated - 2.0 * between))
