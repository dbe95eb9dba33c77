"""Class-conditional generation with a DBN: one row of generated digits per class.

Fits a DBN with label units in its top RBM (Hinton et al. 2006) on sklearn's
digits, prints its generative classification accuracy (the labels settled in
the top RBM) and how often a logistic regression trained on real digits
recognises the class of the generated ones, and writes a PNG with one row of
samples per class.

    python examples/dbn_generation.py [output.png]
"""

import sys

import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

from skgen import DBN

N_PER_CLASS = 30


def main(output="dbn_generation.png"):
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X / 16.0, y, random_state=0)

    # The top RBM's label units are one softmax group; discriminative_weight
    # adds the gradient of log P(y | h) to its training (a hybrid RBM).
    dbn = DBN((200, 300), n_iter=[20, 100], learning_rate=[0.1, 0.05],
              persistent=[True, False], discriminative_weight=10.0, random_state=0)
    dbn.fit(X_train, y_train)
    print(f"generative classification: test accuracy "
          f"{np.mean(dbn.predict(X_test) == y_test):.3f}")

    judge = LogisticRegression(max_iter=2000).fit(X_train, y_train)
    rows = []
    for label in dbn.classes_:
        samples = dbn.sample(N_PER_CLASS, y=label, n_gibbs_steps=1000)
        recognised = np.mean(judge.predict(samples) == label)
        print(f"class {label}: {recognised:.0%} of the samples recognised as {label}")
        rows.append(samples)

    figure, axes = plt.subplots(len(rows), N_PER_CLASS, figsize=(N_PER_CLASS, len(rows)))
    for label, (samples, row) in enumerate(zip(rows, axes, strict=True)):
        for sample, axis in zip(samples, row, strict=True):
            axis.imshow(sample.reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
            axis.set_xticks([])
            axis.set_yticks([])
        row[0].set_ylabel(str(label), rotation=0, labelpad=12)
    figure.suptitle("DBN.sample(y=c): one row per class")
    figure.tight_layout()
    figure.savefig(output, dpi=80)
    print(f"wrote {output}")


if __name__ == "__main__":
    main(*sys.argv[1:])
