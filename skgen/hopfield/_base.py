"""What the Hopfield networks share: scores from an energy."""

import numpy as np


class EnergyScoresMixin:
    """``score_samples`` and ``score`` of a network that defines ``energy(X)``."""

    def score_samples(self, X):
        """The negative energy of each row of X: higher for more stable states.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            States, as :meth:`energy` takes them.

        Returns
        -------
        score : ndarray of shape (n_samples,)
            ``-energy(X)``, in the dtype of X.
        """
        return -self.energy(X)

    def score(self, X, y=None):
        """The mean negative energy of the rows of X.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            States, as :meth:`energy` takes them.
        y : None
            Ignored.

        Returns
        -------
        score : float
        """
        return float(np.mean(self.score_samples(X)))
