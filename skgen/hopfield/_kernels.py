"""Numba kernel of a Hopfield network's synchronous updates, over rows of spins.

Asynchronous updates are the annealing floor's single-unit sweeps
(``skgen.annealing._kernels.sweep_rows``) on the binary-coded parameters.
"""

import numpy as np

from ..utils._numba import kernel, sigmoid
from ..utils._random import advance, uniform

#: How a row's synchronous run ended (``sync_sweeps``'s ``outcomes``).
RAN_OUT = 0
FIXED_POINT = 1
TWO_CYCLE = 2


@kernel
def sync_sweeps(weights, bias, states, temperature, max_iter, streams, n_sweeps,
                outcomes):
    """Run up to ``max_iter`` synchronous sweeps over every row of ``states``, in place.

    ``states`` (n_rows, n) holds -1/+1 values. A sweep sets every unit at once
    from the fields ``h = W x + b`` of the previous state: at temperature 0 to
    the sign of ``h_i`` (a unit whose field is exactly 0 keeps its state), at
    temperature T > 0 to +1 with probability ``sigmoid(2 h_i / T)``, drawing
    uniform i of the row's stream for unit i (n draws a sweep). At temperature
    0 a row stops at a fixed point (a sweep that changes nothing) or at a
    2-cycle (a sweep back to the state of two sweeps ago). Each row's number
    of sweeps goes to ``n_sweeps`` and how it ended to ``outcomes``
    (``RAN_OUT``, ``FIXED_POINT`` or ``TWO_CYCLE``).
    """
    n_rows, n_units = states.shape
    one = states.dtype.type(1.0)
    zero = states.dtype.type(0.0)
    two = states.dtype.type(2.0)
    scale = states.dtype.type(temperature)
    current = np.empty(n_units, dtype=states.dtype)
    previous = np.empty(n_units, dtype=states.dtype)
    following = np.empty(n_units, dtype=states.dtype)
    for r in range(n_rows):
        row = states[r]
        for i in range(n_units):
            current[i] = row[i]
            previous[i] = row[i]
        counter = streams[r]
        outcome = RAN_OUT
        done = 0
        for t in range(max_iter):
            unchanged = True
            back = True
            for i in range(n_units):
                w = weights[i]
                field = bias[i]
                for j in range(n_units):
                    field += w[j] * current[j]
                if temperature > 0.0:
                    new = one if uniform(counter, i) < sigmoid(two * field / scale) else -one
                elif field > zero:
                    new = one
                elif field < zero:
                    new = -one
                else:
                    new = current[i]
                following[i] = new
                unchanged = unchanged and new == current[i]
                back = back and new == previous[i]
            if temperature > 0.0:
                counter = advance(counter, n_units)
            for i in range(n_units):
                previous[i] = current[i]
                current[i] = following[i]
            done = t + 1
            if temperature == 0.0 and unchanged:
                outcome = FIXED_POINT
                break
            if temperature == 0.0 and back and t > 0:
                outcome = TWO_CYCLE
                break
        for i in range(n_units):
            row[i] = current[i]
        streams[r] = counter
        n_sweeps[r] = done
        outcomes[r] = outcome
