"""The version of skgen in every pickled estimator, and a warning on a mismatch."""

import warnings

from .. import __version__
from ..exceptions import InconsistentVersionWarning

#: The key of skgen's version in a pickled estimator's state.
VERSION_KEY = "_skgen_version"


class VersionedStateMixin:
    """Adds skgen's version to the pickled state (pickle, joblib, skops) and warns
    with :class:`~skgen.exceptions.InconsistentVersionWarning` when a state
    written by another version is loaded. Place it before sklearn's
    ``BaseEstimator``, whose own methods record scikit-learn's version."""

    def __getstate__(self):
        state = dict(super().__getstate__())
        state[VERSION_KEY] = __version__
        return state

    def __setstate__(self, state):
        state = dict(state)
        original = state.pop(VERSION_KEY, "unknown (before 0.1.0)")
        if original != __version__:
            warnings.warn(InconsistentVersionWarning(
                estimator_name=type(self).__name__, current_version=__version__,
                original_version=original))
        super().__setstate__(state)
