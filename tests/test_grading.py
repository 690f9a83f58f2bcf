"""The grader: its inputs, its reading of the source, its table, and every notebook graded end to end.

A whole class of honest and mischievous submissions is graded in test_class_grading.py.
"""

import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from course_utils.course import authoring, grading, sandbox
from course_utils.course.cli import main
from tests import submissions as S

ROOT = Path(__file__).resolve().parent.parent


# -- inputs ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "value, phrase",
    [("inf", "at most 86400 seconds"), ("1e400", "at most 86400 seconds"), ("nan", "not a number"),
     ("-3", "positive number of seconds"), ("0", "positive number of seconds"), ("soon", "number of seconds"),
     ("", "number of seconds"), (True, "number of seconds"), (None, "number of seconds"),
     ("86401", "at most 86400 seconds")],
)
def test_a_bad_timeout_is_refused_with_a_clear_message(value, phrase):
    with pytest.raises(ValueError, match=phrase):
        grading.check_timeout(value)


def test_good_timeouts_pass():
    assert grading.check_timeout("300") == 300.0 and grading.check_timeout(0.5) == 0.5
    assert grading.check_timeout(86400) == 86400.0


@pytest.mark.parametrize("value", ["inf", "nan", "1e400", "-3", "ten"])
def test_cli_refuses_a_bad_timeout_with_exit_code_2(value, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["grade", "x.ipynb", "--timeout", value])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "--timeout" in err and "Traceback" not in err


def test_cli_runs_as_a_module_and_rejects_a_bad_timeout(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "course_utils", "grade", "x.ipynb", "--timeout", "inf"],
                          capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 2 and "at most 86400 seconds" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize(
    "args, phrase",
    [
        (lambda d: [str(d / "missing.ipynb")], "not found"),
        (lambda d: [str(d / "empty")], "no notebooks"),
        (lambda d: [str(d / "empty"), "--report", str(d / "class.txt")], "ending in .html"),
        (lambda d: [str(d / "empty"), "--report", str(d / "empty")], "ending in .html"),
        (lambda d: [str(d / "empty"), "--csv", str(d / "empty" / "x.json")], "ending in .csv"),
    ],
)
def test_grader_misuse_exits_2_before_running_anything(tmp_path, args, phrase, capsys):
    (tmp_path / "empty").mkdir()
    if "--report" in args(tmp_path) or "--csv" in args(tmp_path):
        S.write(S.learner(), tmp_path / "empty" / "a.ipynb")
    assert main(["grade", *args(tmp_path)]) == 2
    captured = capsys.readouterr()
    assert phrase in captured.err and "Traceback" not in captured.err and captured.out == ""


@pytest.mark.parametrize(
    "make, phrase",
    [
        (lambda d: (d / "notes.txt").write_text("hello") and d / "notes.txt", "not a notebook"),
        (lambda d: (d / "broken.ipynb").write_text('{"cells": [') and d / "broken.ipynb", "corrupt notebook"),
        (lambda d: (d / "wrong.ipynb").write_text('{"a": 1}') and d / "wrong.ipynb", "corrupt notebook"),
    ],
)
def test_an_unreadable_file_gets_an_error_row_and_exit_code_1(tmp_path, make, phrase, capsys):
    path = make(tmp_path)
    g = grading.grade_notebook(path)
    assert g.problem and phrase in g.problem and g.failure == "unreadable"
    assert g.rows == [{"exercise": grading.NOTEBOOK_ROW, "status": "error", "message": g.problem}]
    assert main(["grade", str(path)]) == 1
    out = capsys.readouterr().out
    assert "could not be graded" in out and phrase in out and "Traceback" not in out


def test_a_notebook_that_is_no_course_notebook_is_not_run(tmp_path, capsys):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import os\nos.remove('precious')")])
    nb.metadata["course"] = {"id": "42"}
    path = S.write(nb, tmp_path / "42_mine.ipynb")
    (tmp_path / "precious").write_text("still here")
    assert main(["grade", str(path), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data[0]["failure"] == "unknown" and "has no notebook 42" in data[0]["problem"]
    assert data[0]["total"] == 0 and (tmp_path / "precious").exists()


# -- which notebook it is ----------------------------------------------------------------------------
def identify(nb, name="student.ipynb"):
    return grading.identify(nb, Path(name), grading.read_cells(nb))


def test_identity_comes_from_the_metadata_checked_against_the_cells():
    assert identify(S.learner()) == ("00", [], "")
    nb = S.learner()
    nb.metadata["course"] = {"id": "01"}
    nb_id, flags, problem = identify(nb)
    assert nb_id == "00" and problem == "" and "claims to be notebook 01" in flags[0]
    nb = S.learner()
    nb.metadata["course"] = {"exercises": "json"}
    nb_id, flags, problem = identify(nb, "alice.ipynb")
    assert nb_id == "00" and any("exercises module 'json'" in f for f in flags)
    nb = S.learner()
    nb.metadata = {}
    assert identify(nb, "alice.ipynb")[0] == "00"  # the cells say it
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(1)")])
    assert identify(nb, "alice.ipynb")[2].startswith("not a course notebook")
    assert identify(nb, "01_mine.ipynb")[:1] == ("01",)  # the file name, with a flag that no cell imports it


# -- a static reading of the source ------------------------------------------------------------------
def reading(*cells):
    return grading.read_cells(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells]))


def test_the_reading_finds_checks_hints_and_views_through_aliases_and_magics():
    src = reading(
        "%matplotlib inline\nfrom course_utils.exercises.nb00 import q1, q2 as b\n"
        "import course_utils.exercises.nb01 as m",
        "q1.check(q1.reference())\n!echo hi",
        "b.hint(2)\nq1.hint()\nq1.hint(k)\n# q2.solution()",
        "x = getattr(b, 'solu' + 'tion')\nm.q3.solution()\nm.q4.check(y, labels=z)",
        "q1.answer_or_reference(n_customers)\nb.answer_or_reference(____)\nq2.reference()",
    )
    assert src.modules == {"00": 0, "01": 0}
    assert src.checks["q1"] == [(1, 1, 24)] and "q4" in src.checks
    assert src.hints == {"q2": [(2, 2)], "q1": [(2, 1), (2, None)]}
    assert [w for _, w in src.reveals["q1"]] == ["q1.reference"]
    assert [w for _, w in src.reveals["q2"]] == ["getattr(q2, <computed name>)",
                                                 "q2.answer_or_reference() of something other than your answer"]
    assert [w for _, w in src.reveals["q3"]] == ["q3.solution"]
    assert src.unparsed == []


def test_the_reading_sees_the_solution_reached_through_the_class_or_unwrapped():
    """Ways round the wrappers that note a view: the class's method, and the method under the wrapper."""
    src = reading(
        "from course_utils.exercises.nb00 import q1, q2\nimport inspect",
        "n_customers = type(q1).reference(q1)",
        "spend = getattr(q2.__class__, 'refer' + 'ence')(q2)",
        "f = inspect.unwrap(q2.check)\ng = q1.answer_or_reference.__wrapped__",
    )
    assert [w for _, w in src.reveals["q1"]] == ["q1.reference"]
    assert [w for _, w in src.reveals["q2"]] == ["getattr(q2, <computed name>)"]
    assert [(pos[0], w) for pos, w in src.reveals[grading.ANY_EXERCISE]] == [
        (3, "a course method unwrapped (inspect.unwrap)"), (3, "a course method unwrapped (__wrapped__)")]
    # the course's own notebooks do neither
    for source in sorted((Path(__file__).resolve().parent.parent / "solutions").glob("*.ipynb")):
        assert grading.ANY_EXERCISE not in grading.read_cells(nbformat.read(source, as_version=4)).reveals, source


def test_the_reading_survives_cells_that_are_not_python():
    src = reading("def (:", "x = 1")
    assert src.unparsed == [0]


# -- the table ---------------------------------------------------------------------------------------
def test_the_table_wraps_messages_at_word_boundaries_and_shows_hints():
    message = ("That counts the orders that have a customer id (count()), not distinct customers. Use nunique() "
               "on the customer_id column, which skips the missing ids.")
    g = grading.Grade(path="alice.ipynb", notebook="00", rows=[
        {"exercise": "q1", "status": "incorrect", "message": message, "hints": 2, "solution_viewed": False}])
    text = grading.format_grade(g, width=80)
    lines = text.splitlines()
    assert "hints" in lines[1] and "Incorrect  2" in text
    start = lines[1].index("message")
    assert " ".join(line[start:].strip() for line in lines[3:]) == message  # every word, none cut
    assert "..." not in text and max(len(line) for line in lines) <= 80


def test_json_output_of_a_grade(tmp_path, capsys):
    path = tmp_path / "broken.ipynb"
    path.write_text("not json")
    assert main(["grade", str(path), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data[0]["failure"] == "unreadable" and data[0]["total"] == 0 and data[0]["learner"] == "broken"


def test_learners_are_named_by_their_path_under_the_folder(tmp_path):
    for name in ("alice/01_rfm_kmeans.ipynb", "alice/00_setup_and_tour.ipynb", "bob.ipynb"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("{}")
    (tmp_path / ".ipynb_checkpoints").mkdir()
    (tmp_path / ".ipynb_checkpoints" / "bob-checkpoint.ipynb").write_text("{}")
    found = [(p.relative_to(tmp_path).as_posix(), who) for p, who in grading.notebooks_in([tmp_path])]
    assert found == [("alice/00_setup_and_tour.ipynb", "alice"), ("alice/01_rfm_kmeans.ipynb", "alice"),
                     ("bob.ipynb", "bob")]


# -- end to end --------------------------------------------------------------------------------------
LATER = [p.stem for p in authoring.sources(ROOT) if not p.stem.startswith("00")]


@pytest.mark.slow
@pytest.mark.parametrize("stem", LATER)
def test_every_solution_notebook_grades_full_marks(root, stem):
    """Every answer the course asks for survives the trip out of the kernel and is judged right here."""
    g = grading.grade_notebook(root / "solutions" / f"{stem}.ipynb", timeout=300)
    expected = [e.name for e in grading.course_exercises(stem[:2])]
    assert [r["exercise"] for r in g.exercise_rows] == expected, g.rows
    assert g.score == 1.0 and not g.failed and not g.flags, g.rows


@pytest.mark.slow
def test_a_kernel_that_ignores_the_interrupt_is_killed(tmp_path, monkeypatch):
    monkeypatch.setattr(sandbox, "WATCHDOG_GRACE", 3)
    nb = S.insert(S.learner(), "from course_utils.course import doctor",
                  "import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\ntime.sleep(120)")
    g = grading.grade_notebook(S.write(nb, tmp_path / "stubborn.ipynb"), timeout=8)
    assert g.failure == "timeout" and "timed out after 8 s" in g.problem
    assert g.seconds < 30


def test_a_failure_of_the_grader_itself_is_one_notebooks_problem(tmp_path, monkeypatch, capsys):
    for name in ("a.ipynb", "b.ipynb"):
        (tmp_path / name).write_text("not json")
    real = grading.grade_submission

    def flaky(sub, timeout=300):
        if sub.path.name == "a.ipynb":
            raise RuntimeError("bug in the grader")
        return real(sub, timeout=timeout)

    monkeypatch.setattr(grading, "grade_submission", flaky)
    assert main(["grade", str(tmp_path), "--json", "--csv", str(tmp_path / "g.csv")]) == 1
    data = {Path(g["path"]).name: g for g in json.loads(capsys.readouterr().out)}
    assert data["a.ipynb"]["failure"] == "error" and "bug in the grader" in data["a.ipynb"]["problem"]
    assert data["b.ipynb"]["failure"] == "unreadable"


def test_a_second_submission_of_the_same_notebook_is_flagged():
    grades = [grading.Grade(path=p, learner="alice", notebook="00") for p in ("s/alice/a.ipynb", "s/alice/b.ipynb")]
    grades.append(grading.Grade(path="s/alice/c.ipynb", learner="alice", notebook="01"))
    grading._flag_duplicates(grades)
    assert [len(g.flags) for g in grades] == [0, 1, 0]
    assert "also s/alice/a.ipynb" in grades[1].flags[0] and grades[1].rows[-1]["status"] == "flag"
