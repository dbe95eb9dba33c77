"""Sums for kernels' inner loops.

One-off reductions over training data (value ranges, column moments) are NumPy
calls in ``_validation``: a kernel for them would cost more to compile on a
machine's first fit (about 0.3 s each, per dtype and layout) than it ever saves
at run time."""


from ._numba import kernel


@kernel
def sum_in_lanes(values, weights):
    """``sum(values)``, or ``values @ weights`` when ``weights`` is not None, of
    1-d arrays, in eight partial sums.

    Without fastmath the compiler may not reorder a floating-point sum, so a
    single running sum waits for each addition to finish; eight independent
    ones keep the adder busy. The result differs from the sequential sum by
    rounding only.
    """
    n_values = values.shape[0]
    n_full = n_values - n_values % 8
    s0 = s1 = s2 = s3 = s4 = s5 = s6 = s7 = 0.0
    for j in range(0, n_full, 8):
        if weights is None:
            s0 += values[j]
            s1 += values[j + 1]
            s2 += values[j + 2]
            s3 += values[j + 3]
            s4 += values[j + 4]
            s5 += values[j + 5]
            s6 += values[j + 6]
            s7 += values[j + 7]
        else:
            s0 += values[j] * weights[j]
            s1 += values[j + 1] * weights[j + 1]
            s2 += values[j + 2] * weights[j + 2]
            s3 += values[j + 3] * weights[j + 3]
            s4 += values[j + 4] * weights[j + 4]
            s5 += values[j + 5] * weights[j + 5]
            s6 += values[j + 6] * weights[j + 6]
            s7 += values[j + 7] * weights[j + 7]
    for j in range(n_full, n_values):
        s0 += values[j] if weights is None else values[j] * weights[j]
    return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))
