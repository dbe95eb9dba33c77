"""Sample quality: how far a generative model's samples are from held-out data.

Every function and scorer here returns a number where higher is better, as
scikit-learn's ``*_score`` functions and scorers do.
"""

from ._scorer import sample_scorer
from ._two_sample import c2st_score, mmd_score

__all__ = ["c2st_score", "mmd_score", "sample_scorer"]
