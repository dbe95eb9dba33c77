"""Modern Hopfield network: continuous states and softmax retrieval."""

from numbers import Integral, Real

import numpy as np
from scipy.special import logsumexp, softmax
from sklearn.base import BaseEstimator
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import check_is_fitted, validate_data

from ..utils._batches import row_chunks
from ..utils._callbacks import CallbackSupportMixin, begin_fit, end_fit
from ..utils._doc_link import DocumentationLinkMixin
from ..utils._persistence import VersionedStateMixin
from ..utils._state import fit_transaction
from ..utils._validation import check_square_scale
from ._base import EnergyScoresMixin

#: What squares the data, for ``check_square_scale``.
_SQUARES = "its energy and updates take inner products of"


class ModernHopfieldNetwork(DocumentationLinkMixin, VersionedStateMixin,
                            CallbackSupportMixin, EnergyScoresMixin,
                            BaseEstimator):
    """Modern (dense) Hopfield network of Ramsauer et al.: continuous states,
    exponentially many stored patterns.

    ``fit`` stores the rows of X as patterns; ``predict`` retrieves from each
    row of X by the update ``xi <- X^T softmax(beta X xi)``, which is one
    attention step with the stored patterns as keys and values.

    Parameters
    ----------
    beta : float, default=2.0
        Inverse temperature of the softmax. Large beta retrieves single
        patterns; small beta averages many (a metastable state). It acts on
        inner products, so it scales with the data: 2.0 is the smallest power
        of two that retrieved random -1/+1 patterns of 32 units or more
        exactly (to 1e-6) from cues with a tenth of their units flipped, with
        up to 100 patterns per unit (benchmarks/RESULTS.md, issue 16).
    max_iter : int, default=10
        The most updates per row. One update usually retrieves a
        well-separated pattern exactly.
    tol : float, default=1e-6
        Retrieval stops when no entry of any row changes by more than ``tol``
        times the largest pattern norm in an update.

    Attributes
    ----------
    patterns_ : ndarray of shape (n_patterns, n_features)
        The stored patterns, the training rows.
    n_features_in_ : int
        Number of features seen during :term:`fit`.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :term:`fit`. Defined only when `X` has
        feature names that are all strings.

    See Also
    --------
    HopfieldNetwork : Binary states, the classical network.

    Notes
    -----
    With the patterns as the rows of X (N of them, the largest of norm M),
    the energy of a state xi is [1]_

    ``E(xi) = -lse(beta, X xi) + 1/2 xi.xi + beta^-1 log N + 1/2 M^2``,

    with ``lse(beta, z) = beta^-1 log sum_p exp(beta z_p)``. The update
    ``xi <- X^T softmax(beta X xi)`` is a concave-convex procedure step on E,
    so it never raises E and converges; a pattern well separated from the
    others is retrieved in one update, and the number of patterns that can be
    stored so grows exponentially with the dimension. The constants make
    ``E >= 0``. Retrieval of many rows at once is two matrix products per
    update, ``softmax(beta Q X^T) X`` for the rows Q.

    References
    ----------
    .. [1] Ramsauer, H. et al. (2021). Hopfield networks is all you need. ICLR;
       arXiv:2008.02217 (2020).

    Examples
    --------
    >>> import numpy as np
    >>> from skgen import ModernHopfieldNetwork
    >>> rng = np.random.RandomState(0)
    >>> patterns = rng.choice([-1.0, 1.0], size=(200, 32))   # 200 patterns, 32 units
    >>> memory = ModernHopfieldNetwork().fit(patterns)
    >>> cue = patterns[:5].copy()
    >>> cue[:, :6] *= -1                                      # six bits flipped
    >>> bool(np.allclose(memory.predict(cue), patterns[:5]))
    True
    """

    _parameter_constraints: dict = {
        "beta": [Interval(Real, 0, None, closed="neither")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
    }

    def __init__(self, beta=2.0, *, max_iter=10, tol=1e-6):
        self.beta = beta
        self.max_iter = max_iter
        self.tol = tol

    @fit_transaction(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Store the rows of X as patterns.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The patterns.
        y : None
            Ignored.

        Returns
        -------
        self : ModernHopfieldNetwork
            The fitted network.
        """
        X = validate_data(self, X, dtype=[np.float64, np.float32])
        check_square_scale(X, type(self).__name__, _SQUARES)
        context = begin_fit(self, 0, X, y)
        self.patterns_ = np.array(X, order="C")
        end_fit(context, self, X, y)
        return self

    def predict(self, X):
        """Retrieve a pattern (or a metastable mixture) from each row of X.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The cues.

        Returns
        -------
        retrieved : ndarray of shape (n_samples, n_features)
            In the dtype of X.
        """
        X = self._validate_states(X)
        patterns = self.patterns_.astype(X.dtype, copy=False)
        tolerance = self.tol * self._largest_norm()
        states = X
        for _ in range(self.max_iter):
            new, change = np.empty_like(X), 0.0
            # The similarities to every pattern are the scratch: a chunk at a time.
            for rows in self._chunks(X):
                block = softmax(self.beta * (states[rows] @ patterns.T), axis=1) @ patterns
                change = max(change, np.max(np.abs(block - states[rows]), initial=0.0))
                new[rows] = block
            states = new
            if change <= tolerance:
                break
        return states

    def energy(self, X):
        """The energy of each row of X (see Notes); never below 0.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            States.

        Returns
        -------
        energy : ndarray of shape (n_samples,)
            In the dtype of X.
        """
        X = self._validate_states(X)
        patterns = self.patterns_.astype(X.dtype, copy=False)
        lse = np.concatenate([logsumexp(self.beta * (X[rows] @ patterns.T), axis=1)
                              for rows in self._chunks(X)]) / self.beta
        constant = (np.log(patterns.shape[0]) / self.beta
                    + 0.5 * self._largest_norm() ** 2)
        energy = -lse + 0.5 * np.einsum("ij,ij->i", X, X) + constant
        return energy.astype(X.dtype, copy=False)

    def _validate_states(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=[np.float64, np.float32])
        check_square_scale(X, type(self).__name__, _SQUARES)
        return X

    def _chunks(self, X):
        """Row chunks of X whose similarities to the patterns fit in a chunk."""
        return row_chunks(X.shape[0], 3 * X.itemsize * self.patterns_.shape[0])

    def _largest_norm(self):
        return float(np.max(np.linalg.norm(self.patterns_, axis=1)))
