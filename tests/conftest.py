"""Shared test data, and the hypothesis profiles."""

import os

import numpy as np
import pytest
from hypothesis import settings
from sklearn.datasets import load_digits


@pytest.fixture(scope="session")
def digits():
    """sklearn's digits scaled to [0, 1], shuffled with a fixed seed."""
    X, y = load_digits(return_X_y=True)
    order = np.random.RandomState(0).permutation(len(X))
    return X[order] / 16.0, y[order]


@pytest.fixture(scope="session")
def mnist_sized_digits(digits):
    """Binary 28x28 (784-pixel) images made from the 8x8 digits, like MNIST."""
    X, y = digits
    images = X.reshape(-1, 8, 8)
    large = np.kron(images, np.ones((3, 3)))
    large = np.pad(large, ((0, 0), (2, 2), (2, 2)))
    return (large.reshape(len(X), 784) > 0.5).astype(np.float64), y


# The hypothesis profiles, for the tests that do not set their own number of
# examples: "default" keeps the fuzz suite (tests/test_fuzz_*.py) within its share
# of the suite's time; SKGEN_HYPOTHESIS_PROFILE=long searches 25 times longer.
settings.register_profile("default", max_examples=12, deadline=None, print_blob=True)
settings.register_profile("long", max_examples=300, deadline=None, print_blob=True)
settings.load_profile(os.environ.get("SKGEN_HYPOTHESIS_PROFILE", "default"))



# -- slow tests -----------------------------------------------------------------------
#
# A few tests take tens of seconds each: quality bars that train on the digits, and
# compilations from an empty Numba cache in fresh processes. They are marked
# ``@pytest.mark.slow`` and skipped unless pytest runs with ``--run-slow``;
# .ci/run runs them as a step of their own (``--run-slow -m slow``), so that the
# README's test command stays within its time.


def pytest_addoption(parser):
    parser.addoption("--run-slow", action="store_true", default=False,
                     help="also run the tests marked slow")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--run-slow"):
        return
    skip = pytest.mark.skip(reason="slow: run with --run-slow (.ci/run does)")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)
