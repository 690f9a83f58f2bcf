"""Notebook 01 graded beside a busy process, with the old thread settings and the course's.

Run with `make bench`; not part of the tests. Nothing here asserts a time.

The busy process is one Python busy loop (``python -c "while True: pass"``), started
before a run and stopped after it: on a 2-core machine it keeps one core busy, as a
second notebook, a browser tab or a build would.

* old settings: every native thread pool as the libraries choose (one thread per core;
  ``COURSE_THREADS=off`` and no ``OMP_NUM_THREADS``);
* new settings: the course's default (``COURSE_THREADS`` unset: one thread per pool).

Each run is ``python -m course_utils grade notebooks/01_rfm_kmeans.ipynb`` in a fresh
process, timed from start to end. Target: busy with the new settings within 1.5x of the
same machine without the busy process. On a machine that is already loaded (a shared
one) "quiet" only means "without the extra busy loop": say so when you quote the numbers.
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "notebooks" / "01_rfm_kmeans.ipynb"
POOLS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS",
         "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS", "NUMBA_NUM_THREADS")
TIMEOUT = 900


def environment(old: bool, folder: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in POOLS and k != "COURSE_THREADS"}
    if old:
        env["COURSE_THREADS"] = "off"
    env["COURSE_PROGRESS_FILE"] = os.path.join(folder, "progress.json")  # never the learner's progress
    env["MPLBACKEND"] = "Agg"
    return env


def grade(old: bool, busy: bool) -> float:
    """Seconds to grade notebook 01 in a fresh process (and kernel)."""
    loop = subprocess.Popen([sys.executable, "-c", "while True: pass"]) if busy else None
    try:
        with tempfile.TemporaryDirectory() as folder:
            start = time.perf_counter()
            out = subprocess.run([sys.executable, "-m", "course_utils", "grade", str(NOTEBOOK), "--json",
                                  "--timeout", str(TIMEOUT)], cwd=folder, env=environment(old, folder),
                                 capture_output=True, text=True, timeout=TIMEOUT + 60)
            seconds = time.perf_counter() - start
    finally:
        if loop is not None:
            loop.kill()
            loop.wait()
    if out.returncode not in (0, 1):  # 1: not every exercise correct (a blank notebook)
        raise RuntimeError(f"grading failed ({out.returncode}):\n{out.stderr[-2000:]}")
    return seconds


def main():
    print(f"notebook 01 graded in a fresh kernel, {os.cpu_count()} cores; busy = one `while True: pass` process")
    runs = {}
    for label, old, busy in [("quiet, new settings", False, False), ("busy, new settings", False, True),
                             ("busy, old settings", True, True), ("quiet, old settings", True, False)]:
        runs[label] = grade(old, busy)
        print(f"  {label:22s} {runs[label]:7.1f} s", flush=True)
    quiet = runs["quiet, new settings"]
    print(f"busy/quiet, new settings:          {runs['busy, new settings'] / quiet:5.2f}x  (target <= 1.5x)")
    print(f"busy/quiet, old settings:          {runs['busy, old settings'] / runs['quiet, old settings']:5.2f}x")
    print(f"busy, old/new settings:            {runs['busy, old settings'] / runs['busy, new settings']:5.2f}x")
    print(f"quiet, new/old settings:           {quiet / runs['quiet, old settings']:5.2f}x  "
          "(what one thread costs without the busy loop)")


if __name__ == "__main__":
    main()
