"""Training states: dicts of the fitted attributes that a fit trains into and
commits whole, or not at all."""

import hashlib

import numpy as np

from ._random import copy_random_state


def copy_state(state):
    """A copy of ``state`` that training can change without touching the
    original: its arrays, lists and tuples of them, and random generators are
    copied; other values (networks, numbers) are shared."""
    return {name: _copy(value) for name, value in state.items()}


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

