"""Generative fine-tuning of a DBN by the up-down (wake-sleep) algorithm."""

import copy

import numpy as np
from numba import from_dtype, types
from numba.typed import List

from ..exceptions import DivergenceError
from ..utils._random import row_streams
from ._kernels import up_down_epoch


def up_down(rbms, X, labels, n_epochs, learning_rate, batch_size, n_gibbs_steps, rng,
            tasks=None, fitted=None):
    """Fine-tune a stack of fitted BernoulliRBMs; return (recognition, generative).

    Below the top RBM, each layer gets untied recognition weights (bottom-up,
    the copies in ``recognition``) and generative weights (top-down, the copies
    in ``generative``, whose last entry is the top RBM). Each pass visits the
    rows of the dense X in a new random order from ``rng`` and runs
    :func:`~skgen.dbn._kernels.up_down_epoch` on them: per mini-batch, a wake
    pass, one CD-k step of the top RBM (with the one-hot ``labels``, if any, as
    one softmax group) and a sleep pass, as in Hinton et al. (2006). The random
    draws come from ``batch_size`` streams seeded from ``rng``.

    With callback ``tasks`` (:class:`skgen.utils._callbacks.Tasks`), each pass
    is a task, whose callbacks see ``fitted(generative, recognition)`` of
    copies of the stack and can stop fine-tuning there.
    """
    recognition = [copy.deepcopy(rbm) for rbm in rbms[:-1]]
    generative = [copy.deepcopy(rbm) for rbm in rbms]
    top = generative[-1]
    dtype = top.components_.dtype
    # The kernel takes one list per kind of array, of a single layout each. The
    # layouts put BLAS on its fast path for the products of few rows: the
    # recognition weights multiply transposed (C order), the generative weights
    # as they are (Fortran order), and the top RBM's mostly transposed.
    for rbm in recognition + [top]:
        rbm.components_ = np.ascontiguousarray(rbm.components_)
    for rbm in generative[:-1]:
        rbm.components_ = np.asfortranarray(rbm.components_)
    recognition_weights = typed_list([rbm.components_ for rbm in recognition], 2, dtype)
    recognition_biases = typed_list([rbm.intercept_hidden_ for rbm in recognition], 1, dtype)
    generative_weights = typed_list([rbm.components_ for rbm in generative[:-1]], 2, dtype,
                                    "F")
    generative_biases = typed_list([rbm.intercept_visible_ for rbm in generative[:-1]], 1,
                                   dtype)
    if labels is None:
        labels = np.empty((X.shape[0], 0), dtype=dtype)
    X = np.ascontiguousarray(X, dtype=dtype)
    labels = np.ascontiguousarray(labels, dtype=dtype)
    streams = row_streams(rng, batch_size)
    step = dtype.type(learning_rate)

    def fitted_now():
        recognition_copies = own_layout([copy.deepcopy(rbm) for rbm in recognition])
        return fitted(own_layout([copy.deepcopy(rbm) for rbm in generative]),
                      recognition_copies)

    for iteration in range(1, n_epochs + 1):
        if tasks is not None:
            tasks.begin("epoch", fitted_now)
        order = rng.permutation(X.shape[0]).astype(np.int64)
        up_down_epoch(X, labels, order, batch_size, recognition_weights,
                      recognition_biases, generative_weights, generative_biases,
                      top.components_, top.intercept_hidden_, top.intercept_visible_,
                      top._visible_units(top.__dict__), streams, n_gibbs_steps, step)
        arrays = [p for rbm in recognition + generative
                  for p in (rbm.components_, rbm.intercept_hidden_,
                            rbm.intercept_visible_)]
        if not all(np.isfinite(p).all() for p in arrays):
            raise DivergenceError(
                f"Up-down fine-tuning diverged in pass {iteration}: the weights contain "
                "NaN or infinite values. Lower fine_tune_learning_rate (now "
                f"{learning_rate:g})."
            )
        if tasks is not None and tasks.end(fitted_now):
            break
    return own_layout(recognition), own_layout(generative)


def own_layout(rbms):
    """``rbms``, their weights put back in the RBMs' own layout (see
    BernoulliRBM)."""
    for rbm in rbms:
        rbm.components_ = np.asfortranarray(rbm.components_)
    return rbms


def typed_list(arrays, ndim, dtype, layout="C"):
    """``arrays``, all of ``ndim`` dimensions and one ``layout``, as a Numba
    typed list, which may be empty (the kernel's lists have one element per
    layer below the top RBM, and there may be none)."""
    typed = List.empty_list(types.Array(from_dtype(dtype), ndim, layout))
    for array in arrays:
        typed.append(array)
    return typed
