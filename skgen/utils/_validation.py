"""Input checks shared by the estimators."""

from numbers import Integral

import numpy as np
import scipy.sparse as sp
from sklearn.utils.validation import validate_data


def stored_values(X):
    """The values of a dense array, or the stored values of a sparse container."""
    if not sp.issparse(X):
        return X
    if not getattr(X, "has_canonical_format", True):
        X = X.copy()
        X.sum_duplicates()  # a repeated entry stands for the sum of its values
    return X.data


def check_interval(X, low, high, estimator_name, units):
    """Raise a ValueError naming the problem when X has values outside [low, high]."""
    values = stored_values(X)
    if values.size == 0:
        return
    values = np.asarray(values)
    smallest, largest = values.min(), values.max()
    if smallest < low or largest > high:
        # sklearn's checks expect "Negative values in data" for non-negative input.
        problem = "Negative values in data" if smallest < 0 <= low else "Values out of range"
        raise ValueError(
            f"{problem} passed to {estimator_name}: its {units} visible units expect "
            f"every value of X in [{low:g}, {high:g}], but X has values in "
            f"[{smallest:g}, {largest:g}]. Rescale the data first, for example with "
            "sklearn's MinMaxScaler."
        )


#: Values up to this fraction of the square root of the dtype's largest number
#: keep sums of squares (and inner products) over 2.5e9 entries finite.
SQUARE_SCALE_MARGIN = 1e-5


def check_square_scale(X, estimator_name, squares):
    """Raise a ValueError naming the problem when X has values so large that a sum
    of their squares overflows X.dtype: ``squares`` says what squares them."""
    values = stored_values(X)
    if values.size == 0:
        return
    values = np.asarray(values)
    smallest, largest = values.min(), values.max()
    magnitude = max(-smallest, largest)
    limit = SQUARE_SCALE_MARGIN * np.sqrt(np.finfo(values.dtype).max)
    if magnitude > limit:
        raise ValueError(
            f"Values too large passed to {estimator_name}: {squares} "
            f"the data, which overflows {values.dtype} for values beyond "
            f"{limit:.3g}, but X has values up to {magnitude:.3g} in magnitude. "
            "Standardise the data first, for example with sklearn's StandardScaler."
        )


#: What squares the data of Gaussian visible units, for ``check_square_scale``.
GAUSSIAN_SQUARES = "the energy of its Gaussian visible units squares"


def check_visible_units(X, visible_units, estimator_name):
    """The support check of a stack whose ``visible_units`` are "bernoulli" (X
    in [0, 1]) or "gaussian" (X of a scale whose squares stay finite)."""
    if visible_units == "bernoulli":
        check_interval(X, 0.0, 1.0, estimator_name, "Bernoulli")
    else:
        check_square_scale(X, estimator_name, GAUSSIAN_SQUARES)


def validate_support(estimator, X, check_support, *, reset, **check_params):
    """``validate_data`` followed by a support check. In a fit, a failed check
    leaves the estimator as it was (``_state.fit_transaction``)."""
    X = validate_data(estimator, X, reset=reset, **check_params)
    check_support(X)
    return X


def as_dense_and_csr(X):
    """Split X into the (dense, data, indices, indptr) arguments kernels take.

    Kernels accept both layouts through one signature: the unused side is empty.
    """
    if sp.issparse(X):
        X = X.tocsr()
        dense = np.empty((0, X.shape[1]), dtype=X.dtype)
        return dense, X.data, X.indices.astype(np.int64), X.indptr.astype(np.int64)
    empty_index = np.empty(0, dtype=np.int64)
    return np.ascontiguousarray(X), np.empty(0, dtype=X.dtype), empty_index, empty_index


#: Rows per block of ``column_moments``: bounds its float64 temporaries.
_MOMENT_BLOCK_ROWS = 4096


def column_moments(X):
    """Column sums of X and of X**2, in float64, for dense or sparse X.

    Duplicate entries of a sparse X are summed before squaring, as a repeated
    entry stands for the sum of its values.
    """
    n_features = X.shape[1]
    if sp.issparse(X):
        X = X.tocsr()
        if not X.has_canonical_format:
            X = X.copy()
            X.sum_duplicates()
        data = X.data.astype(np.float64)
        return (np.bincount(X.indices, weights=data, minlength=n_features),
                np.bincount(X.indices, weights=data * data, minlength=n_features))
    sums, square_sums = np.zeros(n_features), np.zeros(n_features)
    for start in range(0, X.shape[0], _MOMENT_BLOCK_ROWS):
        block = np.asarray(X[start:start + _MOMENT_BLOCK_ROWS], dtype=np.float64)
        sums += block.sum(axis=0)
        square_sums += np.einsum("ij,ij->j", block, block)
    return sums, square_sums


def check_count(value, name, minimum):
    """Raise a ValueError unless ``value`` is an integer (not a bool) >= ``minimum``."""
    if not isinstance(value, Integral) or isinstance(value, bool) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}.")


def validation_split(estimator, arrays, rng, stratify=None):
    """Split ``arrays`` (X first, then what goes with its rows) into training and
    validation parts, as sklearn's MLP does for early stopping, with
    ``estimator.validation_fraction`` of the rows held out; returns the two tuples."""
    # Imported here: the RBM family, which needs it only for held-out scores,
    # loads faster without sklearn.model_selection.
    from sklearn.model_selection import train_test_split

    parts = train_test_split(*arrays, random_state=rng,
                             test_size=estimator.validation_fraction,
                             stratify=stratify)
    training, validation = tuple(parts[0::2]), tuple(parts[1::2])
    if validation[0].shape[0] < 2:
        raise ValueError(
            "The validation set is too small. Increase 'validation_fraction' "
            "or the size of your dataset."
        )
    return training, validation


def check_widths(sizes, name):
    """The layer widths ``sizes`` (a sequence of positive integers, possibly
    empty) as a list of int; a ValueError naming the parameter ``name`` if not."""
    widths = np.asarray(sizes).reshape(-1)
    if widths.size and (
        widths.dtype.kind not in "iuf"
        or np.any(widths < 1)
        or np.any(widths != np.round(widths))
    ):
        raise ValueError(
            f"{name} must be a sequence of positive integers, got {sizes!r}."
        )
    return [int(width) for width in widths]


def encode_labels(y, classes):
    """The index of each label of y in the sorted ``classes``; a ValueError
    naming the labels that are not among them."""
    encoded = np.searchsorted(classes, y)
    inside = np.minimum(encoded, len(classes) - 1)
    unseen = (encoded >= len(classes)) | (classes[inside] != y)
    if unseen.any():
        raise ValueError(f"y holds classes {np.unique(y[unseen])} that are not in "
                         f"classes ({classes}).")
    return encoded
