"""scikit-learn's training callbacks (``sklearn.callback``, scikit-learn >= 1.9) for
skgen's estimators: the mixin that gives them ``set_callbacks``, and the calls with
which a fit opens and closes its tasks.

A fit is a tree of tasks, as in sklearn: the fit itself, a subtask per training
pass, and for the stacked models a subtask per layer (whose passes are the
layer's own RBM's fit, attached below it) and one for fine-tuning. The hooks get
the data given to ``fit`` and, when a callback asks for it, a ``fitted_estimator``:
a copy of the estimator that predicts, transforms and scores as if training had
stopped at that point. A callback whose ``on_fit_task_end`` returns True stops the
loop of that task and its siblings; the estimator is then fitted with what it has.

Without a callback a fit opens no task: its context is None, and a loop then
tests ``tasks is not None`` twice per pass and does nothing else. On
scikit-learn < 1.9, which has no ``sklearn.callback``, ``set_callbacks`` raises
and every fit runs without callbacks.
"""

try:
    from sklearn.callback import CallbackSupportMixin
except ImportError:  # scikit-learn < 1.9

    class CallbackSupportMixin:
        """Stands in for sklearn's mixin where scikit-learn has no callbacks."""

        def set_callbacks(self, *callbacks):
            """Unavailable: training callbacks need scikit-learn >= 1.9.

            Raises
            ------
            RuntimeError
                Always.
            """
            import sklearn

            raise RuntimeError(
                f"{type(self).__name__}.set_callbacks needs scikit-learn >= 1.9 (the "
                f"sklearn.callback module); this is scikit-learn {sklearn.__version__}."
                " Upgrade scikit-learn to use training callbacks."
            )


def begin_fit(estimator, n_tasks, X=None, y=None):
    """Open the task of a fit with ``n_tasks`` subtasks and call the callbacks'
    ``on_fit_task_begin``; return its context, or None when the estimator has no
    callback (its own or propagated by a meta-estimator)."""
    if not getattr(estimator, "_skl_callbacks", None):
        return None
    context = estimator._init_callback_context(max_subtasks=n_tasks)
    context.call_on_fit_task_begin(estimator=estimator, X=X, y=y)
    return context


def end_fit(context, estimator, X=None, y=None):
    """Close the task of a fit (``context`` from :func:`begin_fit`, possibly
    None) once the estimator holds its fitted state."""
    if context is not None:
        context.call_on_fit_task_end(estimator=estimator, X=X, y=y,
                                     reconstruction_attributes={})


def fit_context(estimator):
    """The context that :func:`begin_fit` opened for the fit in progress, or
    None: for code that runs inside a fit but is not handed its context."""
    return estimator.__dict__.get("_callback_fit_ctx")


class Tasks:
    """The subtasks of one task, opened and closed in turn by a loop: one per
    training pass, or per layer.

    ``begin(name)`` opens the next subtask and returns the :class:`Tasks` below
    it (for a subtask with ``n_tasks`` subtasks of its own); ``end(fitted)``
    closes it and returns whether a callback asks to stop. ``fitted`` is a
    function returning the attributes that make a copy of the estimator fitted
    at that point, called only if a callback asks for ``fitted_estimator``.
    ``fit_estimator`` runs a sub-estimator's fit as the next subtask, which its
    own tasks then hang below (the RBM of a layer of a stack).
    """

    def __init__(self, context, estimator, X=None, y=None):
        self.context = context
        self.estimator = estimator
        self.X = X
        self.y = y
        self.task = None

    def begin(self, name, fitted=None, n_tasks=0):
        self.task = self.context.subcontext(task_name=name, max_subtasks=n_tasks)
        self.task.call_on_fit_task_begin(estimator=self.estimator, X=self.X, y=self.y,
                                         reconstruction_attributes=fitted)
        return Tasks(self.task, self.estimator, self.X, self.y)

    def end(self, fitted=None):
        return self.task.call_on_fit_task_end(
            estimator=self.estimator, X=self.X, y=self.y,
            reconstruction_attributes=fitted,
        )

    def fit_estimator(self, name, sub_estimator, X, fitted=None):
        """Fit ``sub_estimator`` to X as the next subtask, with the callbacks
        that propagate to it (as sklearn's meta-estimators do); return whether
        a callback asks to stop."""
        self.task = self.context.subcontext(task_name=name)
        with self.task.propagate_callback_context(sub_estimator):
            self.task.call_on_fit_task_begin(estimator=self.estimator, X=self.X,
                                             y=self.y)
            sub_estimator.fit(X)
            return self.end(fitted)


def subtasks(context, estimator, X=None, y=None):
    """The :class:`Tasks` below ``context``, or None when it is None."""
    return None if context is None else Tasks(context, estimator, X, y)
