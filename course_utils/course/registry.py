"""Which notebooks exist, and their exercises in order.

A notebook's id is written once: in its file name, ``solutions/NN_name.py``.
Its exercises live in ``course_utils.exercises.nbNN`` and end with::

    EXERCISES = register(__name__, [q1, q2, q3])

which names the notebook of every exercise and fixes their order. A test checks
that file names, modules, imports and check calls agree.
"""

from __future__ import annotations

import importlib
import pkgutil
import re

from course_utils.course.checks import Exercise

MODULE_PATTERN = re.compile(r"(?:^|\.)nb(\d\d)$")


def notebook_id_of(module_name: str) -> str:
    """``"01"`` for ``"course_utils.exercises.nb01"``."""
    m = MODULE_PATTERN.search(module_name)
    if not m:
        raise ValueError(f"an exercises module is named nbNN (two digits), got {module_name!r}")
    return m.group(1)


def module_name_for(notebook: str) -> str:
    """The exercises module of a notebook id: ``"01"`` -> ``"course_utils.exercises.nb01"``."""
    if not isinstance(notebook, str) or not re.fullmatch(r"\d\d", notebook):
        raise ValueError(f"a notebook id is two digits such as '01', got {notebook!r}")
    return f"course_utils.exercises.nb{notebook}"


def register(module_name: str, exercises: list) -> list:
    """Attach ``exercises`` (in this order) to the notebook ``module_name`` belongs to.

    Returns their names, which the module keeps as ``EXERCISES``.
    """
    notebook = notebook_id_of(module_name)
    names = []
    for ex in exercises:
        if not isinstance(ex, Exercise):
            raise TypeError(f"{module_name}: register() takes exercises, got {type(ex).__name__}")
        if not re.fullmatch(r"q\d+", ex.name or ""):
            raise ValueError(f"{module_name}: exercise {type(ex).__name__} needs a name like 'q1', got {ex.name!r}")
        if ex.name in names:
            raise ValueError(f"{module_name}: two exercises are named {ex.name!r}")
        ex.notebook = notebook
        names.append(ex.name)
    return names


def exercise_modules() -> dict:
    """``{"00": module, "01": module, ...}`` for every exercises module."""
    import course_utils.exercises as package

    out = {}
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if MODULE_PATTERN.search(info.name):
            out[info.name[2:]] = importlib.import_module(f"{package.__name__}.{info.name}")
    return out


def exercises_of(notebook: str) -> list:
    """The exercise objects of one notebook, in order."""
    modules = exercise_modules()
    if notebook not in modules:
        raise ValueError(f"no exercises for notebook {notebook!r}; known: {', '.join(modules)}")
    module = modules[notebook]
    return [getattr(module, name) for name in module.EXERCISES]


def agreement_problems(root, load=importlib.import_module) -> list:
    """Every disagreement between file names, headers, exercises modules, imports and check calls.

    A notebook's id is its source's file name (``solutions/NN_name.py``). Then
    ``course_utils.exercises.nbNN`` must exist when the notebook checks anything,
    list exactly the exercises the notebook checks in the order it first checks
    them, name each exercise after its variable, and the source must import its
    exercises from that module only. ``load`` imports a module by name (tests
    pass one that reads a scaffolded tree).
    """
    from pathlib import Path

    from course_utils.course import authoring

    root = Path(root)
    problems = []
    sources = authoring.sources(root)
    ids = {}
    for source in sources:
        try:
            nb_id = authoring.notebook_id(source)
            authoring.read_source(source)
        except authoring.AuthoringError as exc:
            problems.append(str(exc))
            continue
        if nb_id in ids:
            problems.append(f"{source.name} and {ids[nb_id].name} have the same id {nb_id}")
        ids[nb_id] = source
        text = source.read_text(encoding="utf-8")
        for other in set(re.findall(r"course_utils\.exercises\.nb(\d\d)", text)) - {nb_id}:
            problems.append(f"{source.name} imports exercises of notebook {other}; it is notebook {nb_id}")
        calls = authoring.check_calls(source)
        order = list(dict.fromkeys(name for name, _, _ in calls))
        module_file = root / "course_utils" / "exercises" / f"nb{nb_id}.py"
        if not module_file.exists():
            if calls:
                problems.append(f"{source.name} checks {order} but course_utils/exercises/nb{nb_id}.py is missing")
            continue
        module = load(module_name_for(nb_id))
        declared = list(getattr(module, "EXERCISES", []))
        if declared != order:
            problems.append(f"{source.name} checks {order} (in that order) but nb{nb_id}.EXERCISES is {declared}")
        for name in declared:
            ex = getattr(module, name, None)
            if not isinstance(ex, Exercise):
                problems.append(f"nb{nb_id}.{name} is not an exercise")
            elif ex.name != name or ex.notebook != nb_id:
                problems.append(f"nb{nb_id}.{name} is named {ex.name!r} of notebook {ex.notebook!r}")
    for module_file in sorted((root / "course_utils" / "exercises").glob("nb*.py")):
        nb_id = module_file.stem[2:]
        if nb_id not in ids:
            problems.append(f"course_utils/exercises/{module_file.name} has no solutions/{nb_id}_*.py")
    return problems
