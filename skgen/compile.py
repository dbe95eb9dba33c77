"""Compile skgen's kernels ahead of time: ``python -m skgen.compile``.

Numba compiles a kernel on its first call and caches the machine code on disk
(see ``skgen.utils._cache``), so a machine's first fit of each estimator waits
for the compiler. Run this once, for example when building a container image or
a CI cache, and later processes load the kernels from the cache. Each public
estimator is fitted at its defaults on a small random binary table (shortened to
a pass or two), in float64 and float32, and every method a user calls after a
fit is called once: what compiles is what a default fit and its uses compile.
Set ``NUMBA_CACHE_DIR`` first to cache somewhere else than beside the package.
"""

import argparse
import os
import time
import warnings
from concurrent.futures import ProcessPoolExecutor, as_completed
from multiprocessing import get_context

import numpy as np

#: The training budgets shortened for the warm-up: compilation does not depend
#: on them.
_SHORT = {"n_iter": 1, "max_iter": 1, "pretrain_iter": 1, "fine_tune_iter": 1,
          "ais_n_chains": 4, "ais_n_betas": 10}

#: Methods called after a fit, when the estimator has them.
_USES = ("transform", "inverse_transform", "predict", "predict_proba", "score_samples",
         "score", "sample")


def _data(n_samples=64, n_features=32, seed=0):
    rng = np.random.RandomState(seed)
    X = (rng.uniform(size=(n_samples, n_features)) < 0.5).astype(np.float64)
    y = np.arange(n_samples) % 2
    return X, y


def _use(model, name, X, y):
    if name == "inverse_transform":
        return model.inverse_transform(model.transform(X))
    if name == "score":
        return model.score(X, y)
    if name == "sample":
        return model.sample(2, random_state=0)
    return getattr(model, name)(X)


def _compile_one(Estimator, dtype):
    """Fit and use one estimator in one dtype; the seconds it took."""
    from sklearn.base import is_classifier

    defaults = Estimator().get_params()
    params = {k: v for k, v in _SHORT.items() if k in defaults}
    if "random_state" in defaults:
        params["random_state"] = 0
    X64, y = _data()
    X = X64.astype(dtype)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # one pass does not converge
        model = Estimator(**params)
        model.fit(X, y) if is_classifier(model) else model.fit(X)
        for use in _USES:
            if hasattr(model, use):
                _use(model, use, X, y)
    return time.perf_counter() - start


def _compile_named(name, dtype):
    from .utils.discovery import all_estimators

    return _compile_one(dict(all_estimators())[name], dtype)


def compile_kernels(names=None, dtypes=("float64", "float32"), verbose=True, n_jobs=1):
    """Compile the kernels of skgen's estimators (all public ones by default).

    Parameters
    ----------
    names : list of str, default=None
        Estimator names, for example ``["BernoulliRBM"]``; all when None.
    dtypes : tuple of str, default=("float64", "float32")
        The dtypes to compile for.
    verbose : bool, default=True
        Print a line per estimator and dtype, and the total.
    n_jobs : int, default=1
        Processes to compile in; ``-1`` for one per CPU. Each compiles whole
        (estimator, dtype) pairs, taken in turn, into the same cache.

    Returns
    -------
    seconds : dict
        ``(name, dtype) -> seconds`` spent fitting and using the estimator
        (compiling, or loading from the cache when it is warm).
    """
    from .utils.discovery import all_estimators

    estimators = dict(all_estimators())
    names = sorted(estimators) if names is None else list(names)
    unknown = sorted(set(names) - set(estimators))
    if unknown:
        raise ValueError(f"Unknown estimators {unknown}; choose from {sorted(estimators)}.")
    tasks = [(name, dtype) for name in names for dtype in dtypes]
    n_jobs = (os.cpu_count() or 1) if n_jobs == -1 else max(1, int(n_jobs))
    seconds = {}
    begin = time.perf_counter()

    def report(task, took):
        seconds[task] = took
        if verbose:
            print(f"{task[0]:<24} {task[1]:<8} {took:6.2f} s", flush=True)

    if n_jobs == 1 or len(tasks) == 1:
        for name, dtype in tasks:
            report((name, dtype), _compile_one(estimators[name], dtype))
    else:
        # Fresh interpreters (spawn): a forked Numba or BLAS runtime is unsafe.
        with ProcessPoolExecutor(min(n_jobs, len(tasks)),
                                 mp_context=get_context("spawn")) as pool:
            futures = {pool.submit(_compile_named, *task): task for task in tasks}
            for future in as_completed(futures):
                report(futures[future], future.result())
        seconds = {task: seconds[task] for task in tasks}
    if verbose:
        print(f"{'total':<33} {time.perf_counter() - begin:6.2f} s")
    return seconds


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m skgen.compile",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="estimators to compile (default: all)")
    parser.add_argument("--dtypes", nargs="+", default=["float64", "float32"],
                        choices=["float64", "float32"])
    parser.add_argument("--jobs", type=int, default=1,
                        help="processes to compile in (-1: one per CPU; default: 1)")
    args = parser.parse_args(argv)
    compile_kernels(args.names or None, tuple(args.dtypes), n_jobs=args.jobs)


if __name__ == "__main__":
    main()
