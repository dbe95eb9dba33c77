"""Numba kernels for binary units with a quadratic energy: sweeps of single-unit
updates, at a temperature or at zero temperature.

The energy is E(s) = -1/2 s.W.s - b.s over s in {0, 1}^n, with W symmetric and
zero on its diagonal. A unit's local field ``f_i = sum_j W_ij s_j + b_i`` is
the energy it saves by being on, so at temperature T a Gibbs update sets
``s_i = 1`` with probability ``sigmoid(f_i / T)``, and at T = 0 the update sets
it to the sign of ``f_i`` (a unit whose field is exactly 0 keeps its state, so
that no update ever raises the energy).

Each row carries its local fields; a unit that flips adds its row of W to them
(W is symmetric), so a sweep costs O(n) per unit plus O(n) per flip. Units are
visited in a random order that each row draws from its own stream
(``skgen.utils._random``), so results do not depend on thread counts, and
float32 and float64 rows draw the same numbers.
"""

import numpy as np

from ..utils._numba import kernel, sigmoid
from ..utils._random import advance, uniform


@kernel
def sweep_rows(weights, states, fields, free, temperatures, streams, n_sweeps):
    """Run the sweeps of ``temperatures`` over every row, in place.

    ``states`` (n_rows, n) holds 0/1 values and ``fields`` their local fields,
    ``states @ weights + bias``; both are updated. ``free`` (n_rows or 1, n) is
    True where a unit may change: clamped units keep their value. Sweep t
    visits the free units of each row once, in an order drawn from the row's
    stream, at temperature ``temperatures[t]``. A sweep at temperature 0 that
    changes nothing ends the row's run (a fixed point: later zero-temperature
    sweeps could not change it either; schedules are meant to cool). The
    number of sweeps each row ran goes to ``n_sweeps``.

    A sweep of m free units takes m - 1 uniforms to shuffle them (Fisher-Yates,
    from the last position down) and, at a temperature above 0, m more to
    draw them, in visiting order.
    """
    n_rows, n_units = states.shape
    one = states.dtype.type(1.0)
    zero = states.dtype.type(0.0)
    order = np.empty(n_units, dtype=np.int64)
    for r in range(n_rows):
        mask = free[r if free.shape[0] > 1 else 0]
        n_free = 0
        for i in range(n_units):
            if mask[i]:
                order[n_free] = i
                n_free += 1
        row = states[r]
        field = fields[r]
        counter = streams[r]
        done = 0
        for t in range(temperatures.shape[0]):
            temperature = temperatures[t]
            for k in range(n_free - 1, 0, -1):
                pick = int(uniform(counter, n_free - 1 - k) * (k + 1))
                held = order[k]
                order[k] = order[pick]
                order[pick] = held
            counter = advance(counter, max(n_free - 1, 0))
            n_flips = 0
            for k in range(n_free):
                i = order[k]
                old = row[i]
                if temperature > 0.0:
                    p = sigmoid(field[i] / states.dtype.type(temperature))
                    new = one if uniform(counter, k) < p else zero
                elif field[i] > zero:
                    new = one
                elif field[i] < zero:
                    new = zero
                else:
                    new = old
                if new != old:
                    row[i] = new
                    change = new - old
                    w = weights[i]
                    for j in range(n_units):
                        field[j] += change * w[j]
                    n_flips += 1
            if temperature > 0.0:
                counter = advance(counter, n_free)
            done = t + 1
            if temperature == 0.0 and n_flips == 0:
                break
        streams[r] = counter
        n_sweeps[r] = done
