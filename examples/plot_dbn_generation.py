"""
=======================================
Class-conditional generation with a DBN
=======================================

Fits two :class:`~skgen.DBN` models with label units in their top RBM (Hinton
et al. 2006) on sklearn's digits: the associative memory alone, on the pixels,
and Hinton et al.'s layout with an RBM below it. For each it prints the
generative classification accuracy (the labels settled in the top RBM) and how
often a logistic regression trained on real digits recognises the class of the
generated ones, and it shows one row of samples per class for both.

The documentation's gallery does not run this example, which takes minutes on
two cores: run it as a script, ``python examples/plot_dbn_generation.py``, to see its figure.
"""

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

from skgen import DBN

N_PER_CLASS = 30
N_SHOWN = 12

# The top RBM's label units are one softmax group; discriminative_weight adds
# the gradient of log P(y | h) to its training (a hybrid RBM).
MODELS = {
    "one layer (300)": DBN((300,), n_iter=100, learning_rate=0.05, persistent=False,
                           discriminative_weight=10.0, random_state=0),
    # The bottom RBM decodes the top RBM's states into pixels, so it is trained
    # long enough to reconstruct well, and up-down fine-tuning then trains its
    # generative weights to reconstruct the data from the recognition states.
    "two layers (100, 300)": DBN((100, 300), n_iter=300, learning_rate=[0.1, 0.05],
                                 momentum=0.5, persistent=False, fine_tune_iter=100,
                                 fine_tune_learning_rate=0.01, discriminative_weight=10.0,
                                 random_state=0),
}


# %%
# Fit both, classify, and draw each class
# ---------------------------------------
# ``sample(n, y=label)`` clamps the label units of the top RBM and runs its
# Gibbs chain, then passes the top RBM's states down to the pixels.

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X / 16.0, y, random_state=0)
judge = LogisticRegression(max_iter=2000).fit(X_train, y_train)

figure = plt.figure(figsize=(2 * N_SHOWN * 0.6, 10 * 0.6 + 0.6))
panels = figure.subfigures(1, len(MODELS))
for (name, dbn), panel in zip(MODELS.items(), panels, strict=True):
    dbn.fit(X_train, y_train)
    print(f"{name}: generative classification, test accuracy "
          f"{np.mean(dbn.predict(X_test) == y_test):.3f}")
    axes = panel.subplots(len(dbn.classes_), N_SHOWN)
    recognised = []
    for label, row in zip(dbn.classes_, axes, strict=True):
        samples = dbn.sample(N_PER_CLASS, y=label, n_gibbs_steps=1000)
        recognised.append(np.mean(judge.predict(samples) == label))
        for sample, axis in zip(samples[:N_SHOWN], row, strict=True):
            axis.imshow(sample.reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
            axis.set_xticks([])
            axis.set_yticks([])
        row[0].set_ylabel(str(label), rotation=0, labelpad=12)
    print("  share of the samples of each class recognised as that class: "
          + ", ".join(f"{label}: {share:.0%}"
                      for label, share in zip(dbn.classes_, recognised, strict=True)))
    panel.suptitle(f"DBN {name}: sample(y=c), one row per class")
plt.show()
