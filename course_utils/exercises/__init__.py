"""Exercise objects, one module per notebook (``nb00``, ``nb01``, ...).

A notebook imports its exercises with, for example::

    from course_utils.exercises.nb00 import q1, q2, ____

Each module lists its exercises, in order, in ``EXERCISES``.
"""

from __future__ import annotations

import importlib
import pkgutil


def exercise_modules() -> dict:
    """``{"00": module, "01": module, ...}`` for every exercises module."""
    out = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("nb") and info.name[2:].isdigit():
            out[info.name[2:]] = importlib.import_module(f"{__name__}.{info.name}")
    return out


def exercises_of(notebook: str) -> list:
    """The exercise objects of one notebook, in order."""
    modules = exercise_modules()
    if notebook not in modules:
        raise ValueError(f"no exercises for notebook {notebook!r}; known: {', '.join(modules)}")
    module = modules[notebook]
    return [getattr(module, name) for name in module.EXERCISES]
