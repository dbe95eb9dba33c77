"""Training states: dicts of the fitted attributes that a fit trains into and
commits whole, or not at all, and the decorator that makes every fit all or
nothing."""

import functools
import hashlib

import numpy as np
from sklearn.base import _fit_context

from ._random import copy_random_state


def copy_state(state):
    """A copy of ``state`` that training can change without touching the
    original: its arrays, lists and tuples of them, and random generators are
    copied; other values (networks, numbers) are shared."""
    return {name: _copy(value) for name, value in state.items()}


def fit_transaction(*, prefer_skip_nested_validation):
    """sklearn's ``_fit_context`` for a ``fit`` or ``partial_fit`` that is all or
    nothing: if the call raises anything, a ``KeyboardInterrupt`` or an error of
    a callback included, the estimator's attributes are put back as they were
    before it, so that an earlier fit stays usable and a new estimator stays
    unfitted.

    The snapshot (``_snapshot``) copies the contents of the estimator's
    arrays, lists, dicts and random generators, because some fits change them
    in place, and restores them in place: the estimator gets back the very
    objects it had, and views of them stay views. A ``KeyboardInterrupt`` that
    arrives during a compiled kernel (which holds no Python frame) is raised
    when the kernel returns, and is undone the same way.
    """
    def decorator(fit_method):
        checked = _fit_context(
            prefer_skip_nested_validation=prefer_skip_nested_validation)(fit_method)

        @functools.wraps(fit_method)
        def wrapper(estimator, *args, **kwargs):
            # Taken outside sklearn's context, whose callback teardown must run
            # on the estimator as the fit left it.
            saved = _snapshot(estimator.__dict__)
            try:
                return checked(estimator, *args, **kwargs)
            except BaseException:
                _restore(saved)
                raise

        return wrapper

    return decorator


def _snapshot(value):
    """(value, what to restore it from): a copy of an array's data or of a
    generator's state, the snapshots of a container's items, or nothing."""
    if isinstance(value, np.ndarray):
        return value, value.copy(order="K")
    if type(value) in (list, tuple):
        return value, [_snapshot(item) for item in value]
    if type(value) is dict:
        return value, {key: _snapshot(item) for key, item in value.items()}
    if isinstance(value, np.random.RandomState):
        return value, value.get_state()
    return value, None


def _restore(saved):
    """Put the contents of a ``_snapshot`` back in place; return its object."""
    value, contents = saved
    if isinstance(value, np.ndarray):
        if value.flags.writeable:  # a read-only array cannot have changed
            np.copyto(value, contents)
    elif type(value) is list:
        value[:] = [_restore(item) for item in contents]
    elif type(value) is tuple:
        for item in contents:
            _restore(item)
    elif type(value) is dict:
        items = {key: _restore(item) for key, item in contents.items()}
        value.clear()
        value.update(items)
    elif isinstance(value, np.random.RandomState):
        value.set_state(contents)
    return value


def _copy(value):
    if isinstance(value, np.ndarray):
        return value.copy(order="K")
    if type(value) in (list, tuple):
        return type(value)(_copy(item) for item in value)
    if isinstance(value, np.random.RandomState):
        return copy_random_state(value)
    return value


def cache_key(*parts):
    """A string key for a cache of computed values kept on an estimator: strings
    survive every persistence format (skops' JSON schema holds no tuple keys).
    Bytes are hashed; other parts are written with ``repr``."""
    return "|".join(hashlib.blake2b(part, digest_size=16).hexdigest()
                    if isinstance(part, bytes) else repr(part) for part in parts)

