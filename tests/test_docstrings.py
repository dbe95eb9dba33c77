"""The examples in the public estimators' docstrings run and print what they show."""

import doctest
import importlib
import pkgutil
import warnings

import pytest
from sklearn.exceptions import ConvergenceWarning

import skgen

MODULES = [info.name for info in pkgutil.walk_packages(skgen.__path__, "skgen.")]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    with warnings.catch_warnings():
        # The examples train for a few passes only.
        warnings.simplefilter("ignore", ConvergenceWarning)
        result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE
                                 | doctest.ELLIPSIS)
    assert result.failed == 0
