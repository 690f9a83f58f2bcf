"""`python -m course_utils new-notebook NN name` writes a notebook that works, and
the README lists every place a new notebook touches."""

import importlib.util
import shutil
import sys

import pytest

from course_utils.course import authoring, scaffold
from course_utils.course.cli import main
from course_utils.course.registry import agreement_problems


@pytest.fixture
def tree(tmp_path, root):
    """A course tree with the README and notebook 00's source and exercises."""
    shutil.copy(root / "README.md", tmp_path / "README.md")
    (tmp_path / "solutions").mkdir()
    shutil.copy(next((root / "solutions").glob("00_*.py")), tmp_path / "solutions")
    (tmp_path / "course_utils" / "exercises").mkdir(parents=True)
    shutil.copy(root / "course_utils" / "exercises" / "nb00.py", tmp_path / "course_utils" / "exercises")
    return tmp_path


def load_from(tree):
    """Import exercises and lessons modules from the scaffolded tree (others from the installed package)."""

    def load(name):
        if name in sys.modules and not name.endswith("nb97"):
            return sys.modules[name]
        for kind in ("lessons", "exercises"):
            module_name = name.replace("exercises", kind)
            path = tree / "course_utils" / kind / f"{module_name.rsplit('.', 1)[1]}.py"
            if path.exists() and module_name not in sys.modules:
                spec = importlib.util.spec_from_file_location(module_name, path)
                module = importlib.util.module_from_spec(spec)
                sys.modules[module_name] = module
                spec.loader.exec_module(module)
        return sys.modules[name] if name in sys.modules else importlib.import_module(name)

    return load


@pytest.fixture
def cleanup_modules():
    yield
    for name in ("course_utils.exercises.nb97", "course_utils.lessons.nb97"):
        sys.modules.pop(name, None)


def test_scaffold_writes_a_notebook_that_builds_and_checks(tree, cleanup_modules, capsys):
    assert main(["new-notebook", "97", "churn_models", "--title", "Churn models", "--root", str(tree)]) == 0
    out = capsys.readouterr().out
    for path in ("solutions/97_churn_models.py", "course_utils/exercises/nb97.py", "course_utils/lessons/nb97.py",
                 "tests/test_exercises_nb97.py"):
        assert (tree / path).exists(), path
        assert path.replace("97", "NN").replace("churn_models", "name") in out or path in out
    solution, learner = authoring.build(tree / "solutions" / "97_churn_models.py")
    assert '"id": "97"' in solution and "____" in learner and "len(orders)" not in learner
    load = load_from(tree)
    assert agreement_problems(tree, load=load) == []
    module = load("course_utils.exercises.nb97")
    q1 = module.q1
    assert q1.notebook == "97" and q1.check(q1.reference()).correct
    for m in q1.all_mistakes():
        assert q1.evaluate(m.example_answer()).mistake == m.name
    compile((tree / "tests" / "test_exercises_nb97.py").read_text(), "test_exercises_nb97.py", "exec")
    readme = (tree / "README.md").read_text()
    assert "| 97 | Churn models |" in readme and "| 97 Churn models |" in readme
    rows = [line for line in readme.splitlines() if line.strip().startswith("| 0") or line.strip().startswith("| 97")]
    assert rows.index(next(r for r in rows if r.strip().startswith("| 97 | Churn"))) > 0


def test_scaffold_refuses_to_overwrite_or_to_take_bad_names(tree, capsys):
    assert main(["new-notebook", "00", "again", "--root", str(tree)]) == 2
    assert "exists already" in capsys.readouterr().err
    for nb_id, name, message in [("7", "x", "two digits"), ("97", "Bad Name", "lower-case")]:
        with pytest.raises(ValueError, match=message):
            scaffold.scaffold(tree, nb_id, name)
    assert not (tree / "course_utils" / "exercises" / "nb97.py").exists()


def test_readme_lists_every_place_a_new_notebook_touches(root):
    text = (root / "README.md").read_text()
    section = text[text.index("## For course authors"):]
    missing = [path for path, _ in scaffold.TOUCHES if f"`{path}`" not in section]
    assert not missing, f"README's course-author section does not list: {missing}"


def test_a_planned_syllabus_row_becomes_the_new_notebooks_row(tree, cleanup_modules):
    readme = tree / "README.md"
    text = readme.read_text()
    lines = text.split("\n")
    head = next(i for i, line in enumerate(lines) if line.strip().startswith("| # | notebook |"))
    lines.insert(head + 2, "| 96 | something new | advanced | what it teaches | planned |")
    readme.write_text("\n".join(lines))
    scaffold.scaffold(tree, "96", "something_new", title="Something new")
    text = readme.read_text()
    assert "| 96 | Something new |" in text
    assert "| 96 | something new | advanced | what it teaches | planned |" not in text
    for name in ("course_utils.exercises.nb96", "course_utils.lessons.nb96"):
        sys.modules.pop(name, None)
