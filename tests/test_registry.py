"""One id per notebook, exercises in order, declared mistakes that fire, and a toolkit
that never imports the course machinery."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from course_utils.course.registry import agreement_problems, exercise_modules, exercises_of

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "course_utils"
MACHINERY = ("course_utils.course", "course_utils.exercises", "course_utils.lessons")
ALL_EXERCISES = [ex for nb in exercise_modules() for ex in exercises_of(nb)]


# -- ids agree everywhere ---------------------------------------------------------------
def test_file_names_modules_imports_and_check_calls_agree(root):
    assert agreement_problems(root) == []


def test_a_disagreement_is_reported(tmp_path, root):
    """Break each rule once in a copy of the tree."""
    import shutil

    (tmp_path / "solutions").mkdir()
    (tmp_path / "course_utils" / "exercises").mkdir(parents=True)
    src = next(p for p in (root / "solutions").glob("00_*.py"))
    text = src.read_text()
    shutil.copy(root / "course_utils" / "exercises" / "nb00.py", tmp_path / "course_utils" / "exercises")
    (tmp_path / "solutions" / src.name).write_text(text.replace("q2.check(spend)", "q2.check(spend)\nq1.check(1)"))
    assert agreement_problems(tmp_path) == []  # a second check of q1 is fine
    (tmp_path / "solutions" / src.name).write_text(text.replace("q1.check(n_customers)", "q3.check(n_customers)"))
    assert any("checks ['q3', 'q2']" in p for p in agreement_problems(tmp_path))
    (tmp_path / "solutions" / src.name).write_text(text.replace("exercises.nb00", "exercises.nb01"))
    assert any("imports exercises of notebook 01" in p for p in agreement_problems(tmp_path))
    (tmp_path / "solutions" / src.name).rename(tmp_path / "solutions" / "07_setup_and_tour.py")
    problems = agreement_problems(tmp_path)
    assert any("nb07.py is missing" in p for p in problems) and any("nb00.py has no" in p for p in problems)


def test_every_exercise_is_named_after_its_variable():
    for notebook, module in exercise_modules().items():
        for name in module.EXERCISES:
            ex = getattr(module, name)
            assert (ex.name, ex.notebook) == (name, notebook)


# -- declared mistakes fire on their own examples ------------------------------------------
MISTAKES = [(ex, m) for ex in ALL_EXERCISES for m in getattr(ex, "all_mistakes", lambda: ())()]


@pytest.mark.parametrize("ex, mistake", MISTAKES, ids=[f"{e.notebook}.{e.name}:{m.name}" for e, m in MISTAKES])
def test_every_declared_mistake_is_diagnosed(ex, mistake):
    answer = mistake.example_answer()
    result = ex.evaluate(answer, **mistake.example_check_context())
    assert result.status == "incorrect", f"{mistake.name}: the example was judged {result.status}"
    assert result.mistake == mistake.name, f"expected {mistake.name!r}, got {result.mistake!r}: {result.message}"


def test_every_value_exercise_declares_mistakes():
    from course_utils.course.kinds import ValueExercise

    bare = [f"{e.notebook}.{e.name}" for e in ALL_EXERCISES if isinstance(e, ValueExercise) and not e.all_mistakes()]
    assert not bare, f"exercises with no declared mistake: {bare}"


# -- the toolkit never imports the machinery --------------------------------------------
def toolkit_files():
    skip = {"__main__.py"}
    out = [p for p in PACKAGE.glob("*.py") if p.name not in skip]
    out += list((PACKAGE / "data").glob("*.py"))
    return out


def machinery_imports(path: Path) -> list:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        found += [n for n in names if n.startswith(MACHINERY)]
    return found


@pytest.mark.parametrize("path", toolkit_files(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_toolkit_module_does_not_import_the_machinery(path):
    assert machinery_imports(path) == [], f"{path.name} imports the course machinery"


def test_the_import_scan_catches_a_machinery_import(tmp_path):
    bad = tmp_path / "rfm.py"
    bad.write_text(
        "import numpy\nfrom course_utils.course import progress\ndef f():\n    import course_utils.lessons.nb01\n"
    )
    assert machinery_imports(bad) == [
        "course_utils.course",
        "course_utils.course.progress",
        "course_utils.lessons.nb01",
    ]


def test_importing_the_whole_toolkit_loads_no_machinery():
    modules = sorted({f"course_utils.{p.stem}" for p in PACKAGE.glob("*.py") if p.stem not in {"__init__", "__main__"}}
                     | {"course_utils.data"})
    code = (f"import sys, importlib\nfor m in {modules!r}: importlib.import_module(m)\n"
            f"print(sorted(m for m in sys.modules if m.startswith({MACHINERY!r})))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]", f"importing the toolkit loaded {out}"
