"""How many threads the native libraries (OpenMP, BLAS, numba) may use.

scikit-learn's K-Means, numpy's linear algebra and numba (UMAP) start one thread
per core and make them wait for each other. When another program keeps a core
busy, every step waits for the thread that lost its core, and a K-Means fit
that takes 3 s can take 40 s. One thread per library costs little on a quiet
machine and keeps a busy one fast.

The switch is the environment variable ``COURSE_THREADS``:

* the course (its notebooks, kernels, grader and commands: anything that
  imports ``course_utils.course``) applies it with a default of ``1``;
* the toolkit alone (``import course_utils.clustering`` in your own project)
  applies it only when you set it, so your project keeps its own settings;
* ``COURSE_THREADS=off`` leaves every library as it is; ``COURSE_THREADS=4``
  allows four threads.

>>> from course_utils.threads import limit_threads
>>> limit_threads(2)                                     # doctest: +SKIP
2
"""

from __future__ import annotations

import numbers
import os
import sys
import warnings

ENV_VAR = "COURSE_THREADS"
COURSE_DEFAULT = 1
OFF = ("off", "none", "0", "no", "false")
#: The environment variables thread pools read when they start (in this process and the ones it starts).
POOL_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS",
                  "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS")

_applied: int | None = None


def limit_threads(n: int = 1) -> int:
    """Limit OpenMP, BLAS and numba thread pools to ``n`` threads, now and in processes started later.

    Libraries already loaded are limited through threadpoolctl (and numba's
    ``set_num_threads``); libraries loaded later, and kernels or subprocesses
    started from here, read the environment variables set here.

    Parameters
    ----------
    n : int
        Threads per library, at least 1.

    Returns
    -------
    int
        ``n``.
    """
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
        raise ValueError(f"n must be a whole number of threads >= 1, got {n!r}; use 1 on a shared or busy machine")
    n = int(n)
    global _applied
    for var in POOL_VARIABLES:
        os.environ[var] = str(n)
    numba = sys.modules.get("numba")
    if numba is None:
        os.environ["NUMBA_NUM_THREADS"] = str(n)  # read when numba is imported
    else:
        # numba refuses a changed NUMBA_NUM_THREADS once its threads run; set the active count instead
        numba.set_num_threads(min(n, numba.config.NUMBA_NUM_THREADS))
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=n)  # the pools of libraries already loaded (kept until changed)
    _applied = n
    return n


def threads_from_environment(default: int | None) -> int | None:
    """The limit ``COURSE_THREADS`` asks for: a number, None for "off", ``default`` when unset or unreadable."""
    if default is not None and (isinstance(default, bool) or not isinstance(default, numbers.Integral)
                                or default < 1):
        raise ValueError(f"default must be None or a whole number of threads >= 1, got {default!r}")
    text = os.environ.get(ENV_VAR, "").strip().lower()
    if not text:
        return default
    if text in OFF:
        return None
    try:
        value = int(text)
        if value < 1:
            raise ValueError
        return value
    except ValueError:
        warnings.warn(f"{ENV_VAR}={text!r} is not a number of threads (or 'off'); using {default}", stacklevel=2)
        return default


def apply_environment(default: int | None = None) -> int | None:
    """Apply ``COURSE_THREADS`` (``default`` when it is unset); return the limit applied, or None."""
    n = threads_from_environment(default)
    if n is not None:
        limit_threads(n)  # again even if applied before: libraries loaded since then are limited too
    return n
