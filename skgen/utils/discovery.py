"""Find skgen's public estimators."""

import importlib
import inspect
import pkgutil

from sklearn.base import BaseEstimator


def all_estimators():
    """List every public estimator class of skgen as (name, class) pairs, by name.

    Public means: defined in an skgen module, exported without a leading
    underscore, and not abstract.
    """
    import skgen

    found = {}
    for module_info in pkgutil.walk_packages(skgen.__path__, prefix="skgen."):
        if any(part.startswith("_") for part in module_info.name.split(".")):
            continue
        module = importlib.import_module(module_info.name)
        for name, obj in inspect.getmembers(module, inspect.isclass):
            if (
                issubclass(obj, BaseEstimator)
                and obj.__module__.startswith("skgen.")
                and not name.startswith(("_", "Base"))
                and not inspect.isabstract(obj)
            ):
                found[name] = obj
    return sorted(found.items())
