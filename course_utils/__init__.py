"""Helpers for the course "Consumer Segmentation with Clustering and Embeddings".

The toolkit, one module per job, reusable on your own data:

``data`` (the shipped datasets: schema, seeded generator and reader of each),
``validation``, ``rfm``, ``clustering``, ``sessions``, ``embeddings``, ``features``,
``dynamic``, ``store``, ``monitoring`` and ``dashboard``; ``threads`` limits the
native thread pools (the environment variable ``COURSE_THREADS``).

The course machinery (exercise checks, progress, grading, the doctor, notebook
authoring and the command line) lives apart, in ``course_utils.course``, with the
exercises of each notebook in ``course_utils.exercises`` and the reference
pipelines in ``course_utils.lessons``. The toolkit never imports them.
"""

import os as _os
from pathlib import Path as _Path

# numba (used by UMAP and pynndescent) compiles on first use; with a cache
# folder, the next kernel reuses much of that work. The course keeps the cache
# in .numba_cache/ at the course root (git-ignored) unless you chose a place.
_cache = _Path(__file__).resolve().parent.parent / ".numba_cache"
if "NUMBA_CACHE_DIR" not in _os.environ and _os.access(_cache.parent, _os.W_OK):
    _os.environ["NUMBA_CACHE_DIR"] = str(_cache)

# Native thread pools: the toolkit alone changes nothing unless you set COURSE_THREADS
# (the course machinery limits them to one thread by default; see course_utils.threads).
from course_utils.threads import apply_environment as _apply_threads  # noqa: E402

_apply_threads(default=None)

__version__ = "0.1.0"
