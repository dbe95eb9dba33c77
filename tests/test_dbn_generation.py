"""Class-conditional generation by labelled DBNs on the digits, as in
examples/plot_dbn_generation.py: what the samples clamped to each label look like
to a classifier trained on real digits. (A file of its own: the fits take a minute,
and pytest-xdist's --dist loadfile shares the files between its workers.)"""

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

from skgen import DBN


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return train_test_split(X / 16.0, y, random_state=0)


N_PER_CLASS = 30

#: The labelled DBNs of the generation tests, as in examples/plot_dbn_generation.py.
#: The top RBM of each is trained with the hybrid term (discriminative_weight).
GENERATORS = {
    # The associative memory on the pixels: 300 hidden units and 10 labels.
    "one layer": {"hidden_layer_sizes": (300,), "n_iter": 100, "learning_rate": 0.05,
                  "persistent": False},
    # Hinton et al.'s layout: an RBM on the pixels, then the associative memory,
    # each trained long enough to decode well, then up-down fine-tuning.
    "two layers": {"hidden_layer_sizes": (100, 300), "n_iter": 300,
                   "learning_rate": [0.1, 0.05], "momentum": 0.5, "persistent": False,
                   "fine_tune_iter": 100, "fine_tune_learning_rate": 0.01},
}


@pytest.fixture(scope="module")
def generated_digits(digits):
    """layout -> (recognised, accuracy) for a labelled DBN of ``GENERATORS`` on
    digits, fitted once per module: the share of its label-clamped samples (30 per
    class, 1000 Gibbs steps) that a logistic regression trained on real digits
    assigns to the clamped class, per class, and its generative test accuracy."""
    X_train, X_test, y_train, y_test = digits
    judge = LogisticRegression(max_iter=2000).fit(X_train, y_train)
    results = {}

    def generate(layout):
        if layout not in results:
            dbn = DBN(**GENERATORS[layout], discriminative_weight=10.0, random_state=0)
            dbn.fit(X_train, y_train)
            clamped = np.repeat(np.arange(10), N_PER_CLASS)
            predicted = judge.predict(dbn.sample(len(clamped), y=clamped,
                                                 n_gibbs_steps=1000))
            recognised = [np.mean(predicted[clamped == c] == c) for c in range(10)]
            results[layout] = (np.array(recognised),
                               np.mean(dbn.predict(X_test) == y_test))
        return results[layout]

    return generate


@pytest.mark.slow
@pytest.mark.parametrize("layout", list(GENERATORS))
def test_class_conditional_samples_are_recognisable(generated_digits, layout):
    """What each layout reaches; the issue's bar, every class, is the next test.

    One layer (seeds 0 to 2): every class at least 93% (mean 98-99%), and
    generative classification 0.98.

    Two layers (seeds 0 to 9): every class at least 80% (the weakest 80% to 97%,
    mean 96-99%), and generative classification 0.89 to 0.94. What the class
    hangs on is the top-down pass through the bottom RBM: after a round trip
    v -> P(h_1 | v) -> P(v | h_1), the judge recognises 83% of the real test
    digits for a 200-unit bottom RBM trained for 20 passes, and 90% to 93% for a
    100-unit one trained for 300 passes with momentum (96% of the digits
    themselves). With that bottom
    RBM and 100 top-layer passes the weakest class was 70-80% (seeds 0 to 2),
    with 300 passes and momentum 73-93%, and after up-down fine-tuning, which
    trains the generative weights to reconstruct the data from the recognition
    states, 83-97%.
    """
    recognised, accuracy = generated_digits(layout)
    assert accuracy >= (0.96 if layout == "one layer" else 0.88)
    assert np.mean(recognised) >= 0.9


@pytest.mark.slow
@pytest.mark.parametrize("layout", list(GENERATORS))
def test_every_class_of_the_samples_is_recognisable(generated_digits, layout):
    recognised, _ = generated_digits(layout)
    assert recognised.min() >= 0.8
