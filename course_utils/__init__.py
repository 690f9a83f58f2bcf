"""Helpers for the course "Consumer Segmentation with Clustering and Embeddings".

Modules are small and named by what they do: ``data`` (shipped datasets),
``synthetic`` (their seeded generators), ``checks`` (the exercise contract),
``progress``, ``grading``, ``doctor`` and ``authoring``; ``exercises.nbNN``
holds the exercises of notebook NN.
"""

import os as _os
from pathlib import Path as _Path

# numba (used by UMAP and pynndescent) compiles on first use; with a cache
# folder, the next kernel reuses much of that work. The course keeps the cache
# in .numba_cache/ at the course root (git-ignored) unless you chose a place.
_cache = _Path(__file__).resolve().parent.parent / ".numba_cache"
if "NUMBA_CACHE_DIR" not in _os.environ and _os.access(_cache.parent, _os.W_OK):
    _os.environ["NUMBA_CACHE_DIR"] = str(_cache)

from course_utils.checks import ____  # noqa: E402, F401

__version__ = "0.1.0"
