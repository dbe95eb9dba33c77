"""A scorer of generative models by the quality of their samples, for model selection."""

from numbers import Integral

from sklearn.utils import check_array

from ._two_sample import c2st_score, mmd_score

#: The metrics named by ``sample_scorer``; each takes ``random_state``.
METRICS = {"c2st": c2st_score, "mmd": mmd_score}


class _SampleScorer:
    """Draws as many samples as held-out rows and scores them with a metric;
    made by :func:`sample_scorer`."""

    def __init__(self, metric, metric_params, sample_params, random_state):
        self.metric = metric
        self.metric_params = metric_params
        self.sample_params = sample_params
        self.random_state = random_state

    def __call__(self, estimator, X, y=None):
        sample = getattr(estimator, "sample", None)
        if not callable(sample):
            raise TypeError(
                f"sample_scorer needs an estimator with a sample method; "
                f"{type(estimator).__name__} has none.")
        X = check_array(X, accept_sparse="csr", input_name="X")
        generated = sample(X.shape[0], **{"random_state": self.random_state,
                                          **self.sample_params})
        if callable(self.metric):
            return float(self.metric(X, generated, **self.metric_params))
        metric = METRICS[self.metric]
        return float(metric(X, generated, random_state=self.random_state,
                            **self.metric_params))

    def __repr__(self):
        metric = getattr(self.metric, "__name__", self.metric)
        params = "".join(f", {key}={value!r}" for key, value in self.metric_params.items())
        return (f"sample_scorer({metric!r}, sample_params={self.sample_params!r}, "
                f"random_state={self.random_state!r}{params})")


def sample_scorer(metric="c2st", *, sample_params=None, random_state=0,
                  **metric_params):
    """A scorer that rates a generative model by how close its samples are to X.

    Called as ``scorer(estimator, X, y=None)``, as scikit-learn calls a
    ``scoring`` callable, it draws ``len(X)`` samples with
    ``estimator.sample(len(X), random_state=random_state, **sample_params)``
    and returns ``metric(X, samples)``, higher being better. In
    ``GridSearchCV(scoring=sample_scorer())`` X is each held-out fold, so the
    search keeps the model whose samples are hardest to tell from unseen data.

    Parameters
    ----------
    metric : {"c2st", "mmd"} or callable, default="c2st"
        ``"c2st"``: :func:`c2st_score`, in [0, 1]. ``"mmd"``: :func:`mmd_score`,
        the negated squared MMD (0 is best). A callable
        ``metric(X_real, X_generated, **metric_params) -> float`` must itself
        return higher-is-better values.
    sample_params : dict or None, default=None
        More keyword arguments of ``estimator.sample``, for example
        ``{"n_gibbs_steps": 200}`` for an RBM or ``{"draw": True}`` for a VAE.
    random_state : int, default=0
        The seed of every call's samples, and of ``"c2st"`` and ``"mmd"``: a
        fixed seed compares every model of a search on the same footing. A
        ``"random_state"`` in ``sample_params`` takes precedence for the
        samples.
    **metric_params
        More keyword arguments of the metric, for example ``classifier`` and
        ``cv`` for ``"c2st"`` or ``gamma`` for ``"mmd"``.

    Returns
    -------
    scorer : callable
        ``scorer(estimator, X, y=None) -> float``. It raises a TypeError for an
        estimator with no ``sample`` method (a Pipeline has none: score the
        model on data that is already transformed).

    See Also
    --------
    c2st_score, mmd_score : the metrics.

    Notes
    -----
    Compare like with like: a model's samples should look like its data. A
    VAE of binary data returns the means of p(x|z) unless ``draw=True``, and
    means in (0, 1) are told from 0/1 pixels at once. An RBM's samples are
    Gibbs chains of ``n_gibbs_steps``; short chains are faster and worse.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from sklearn.model_selection import GridSearchCV
    >>> from skgen import BernoulliRBM
    >>> from skgen.metrics import sample_scorer
    >>> X = (load_digits().data[:300] > 7).astype(float)
    >>> scorer = sample_scorer("mmd", sample_params={"n_gibbs_steps": 20})
    >>> search = GridSearchCV(BernoulliRBM(n_iter=5, random_state=0),
    ...                       {"n_components": [2, 32]}, scoring=scorer, cv=2)
    >>> search.fit(X).best_params_
    {'n_components': 32}
    """
    if isinstance(metric, str):
        if metric not in METRICS:
            raise ValueError(f"metric must be one of {sorted(METRICS)} or a callable, "
                             f"got {metric!r}.")
    elif not callable(metric):
        raise ValueError(f"metric must be one of {sorted(METRICS)} or a callable, "
                         f"got {metric!r}.")
    if isinstance(random_state, bool) or not isinstance(random_state, Integral):
        raise ValueError("random_state must be an int, so that every call draws "
                         f"the same way; got {random_state!r}.")
    return _SampleScorer(metric, dict(metric_params), dict(sample_params or {}),
                         random_state)
