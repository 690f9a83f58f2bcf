"""The grading CLI: fresh kernels, a row per exercise, clear rows for bad input."""

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from course_utils.course import authoring, grading
from course_utils.course.cli import main

pytestmark = pytest.mark.slow

NB = "00_setup_and_tour.ipynb"


@pytest.fixture(scope="module")
def graded_solution(tmp_path_factory):
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    return grading.grade_notebook(root / "solutions" / NB, timeout=120)


def learner_copy(root, tmp_path, name="student.ipynb"):
    target = tmp_path / name
    shutil.copy(root / "notebooks" / NB, target)
    return target


def edit_cell(path, old, new):
    nb = nbformat.read(path, as_version=4)
    hits = [c for c in nb.cells if old in c.source]
    assert hits, f"no cell contains {old!r}"
    for cell in hits:
        cell.source = cell.source.replace(old, new)
    nbformat.write(nb, path)


def statuses(grade):
    return {r["exercise"]: r["status"] for r in grade.rows}


def test_solution_gets_full_marks(graded_solution):
    g = graded_solution
    assert g.notebook == "00" and g.problem == ""
    assert statuses(g) == {"q1": "correct", "q2": "correct"}, g.rows
    assert (g.correct, g.total, g.score) == (2, 2, 1.0)


def test_learner_version_is_all_not_attempted_and_runs_clean(root, tmp_path):
    g = grading.grade_notebook(learner_copy(root, tmp_path), timeout=120)
    assert statuses(g) == {"q1": "not_attempted", "q2": "not_attempted"}, g.rows
    assert g.score == 0 and grading.NOTEBOOK_ROW not in statuses(g)


LATER = [p.stem for p in authoring.sources(Path(__file__).resolve().parent.parent) if not p.stem.startswith("00")]


@pytest.mark.parametrize("stem", LATER)
def test_every_notebook_grades_full_marks_and_learner_zero(root, stem):
    from course_utils.course.registry import exercises_of

    solution = grading.grade_notebook(root / "solutions" / f"{stem}.ipynb", timeout=300)
    expected = [e.name for e in exercises_of(stem[:2])]
    assert [r["exercise"] for r in solution.rows] == expected, solution.rows
    assert solution.score == 1.0, solution.rows
    learner = grading.grade_notebook(root / "notebooks" / f"{stem}.ipynb", timeout=300)
    assert {r["status"] for r in learner.rows} == {"not_attempted"}, learner.rows


def test_doctored_submission_gets_partial_marks(root, tmp_path):
    path = learner_copy(root, tmp_path)
    edit_cell(path, "n_customers = ____", 'n_customers = orders["customer_id"].nunique()')
    edit_cell(path, "spend = ____", 'spend = orders.groupby("customer_id")["amount"].mean()\nq2.hint()')
    g = grading.grade_notebook(path, timeout=120)
    assert statuses(g) == {"q1": "correct", "q2": "incorrect"}
    q2 = next(r for r in g.rows if r["exercise"] == "q2")
    assert "mean" in q2["message"] and q2["hints"] == 1
    assert (g.correct, g.total) == (1, 2)


def test_a_cell_that_raises_is_reported_and_grading_continues(root, tmp_path):
    path = learner_copy(root, tmp_path)
    edit_cell(path, "n_customers = ____", "n_customers = orders['no_such_column'].nunique()")
    edit_cell(
        path, "spend = ____", 'spend = orders.groupby("customer_id")["amount"].sum().sort_values(ascending=False)'
    )
    g = grading.grade_notebook(path, timeout=120)
    s = statuses(g)
    assert s["q1"] == "not_attempted" and s["q2"] == "correct"  # later cells still ran
    row = next(r for r in g.rows if r["exercise"] == grading.NOTEBOOK_ROW)
    assert row["status"] == "error" and "KeyError" in row["message"] and "no_such_column" in row["message"]


def test_timeout_gets_a_clear_row(root, tmp_path):
    path = learner_copy(root, tmp_path)
    edit_cell(path, "n_customers = ____", "import time\ntime.sleep(60)\nn_customers = ____")
    nb = nbformat.read(path, as_version=4)
    sleeping_cell = 1 + next(i for i, c in enumerate(nb.cells) if "time.sleep(60)" in c.source)
    g = grading.grade_notebook(path, timeout=12)
    row = next(r for r in g.rows if r["exercise"] == grading.NOTEBOOK_ROW)
    assert row["message"].startswith(f"timed out after 12 s in cell {sleeping_cell};"), row["message"]
    assert statuses(g)["q2"] == "not_attempted"  # nothing after the timeout ran
    assert next(r for r in g.rows if r["exercise"] == "q2")["message"] == "its check did not run"
    assert g.seconds < 30  # the sleeping kernel was interrupted, not waited for


def test_a_kernel_that_ignores_the_interrupt_is_killed(root, tmp_path, monkeypatch):
    monkeypatch.setattr(grading, "WATCHDOG_GRACE", 3)
    path = learner_copy(root, tmp_path)
    edit_cell(path, "n_customers = ____",
              "import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\ntime.sleep(120)\nn_customers = ____")
    g = grading.grade_notebook(path, timeout=4)
    row = next(r for r in g.rows if r["exercise"] == grading.NOTEBOOK_ROW)
    assert "timed out after 4 s" in row["message"]
    assert g.seconds < 30


@pytest.mark.parametrize(
    "make, phrase",
    [
        (lambda d: d / "missing.ipynb", "file not found"),
        (lambda d: (d / "notes.txt").write_text("hello") and d / "notes.txt", "not a notebook"),
        (lambda d: (d / "broken.ipynb").write_text('{"cells": [') and d / "broken.ipynb", "corrupt notebook"),
        (lambda d: (d / "wrong.ipynb").write_text('{"a": 1}') and d / "wrong.ipynb", "corrupt notebook"),
    ],
)
def test_bad_input_gets_an_error_row(tmp_path, make, phrase, capsys):
    path = make(tmp_path)
    g = grading.grade_notebook(path)
    assert g.problem and phrase in g.problem
    assert g.rows == [{"exercise": grading.NOTEBOOK_ROW, "status": "error", "message": g.problem}]
    assert main(["grade", str(path)]) == 1
    out = capsys.readouterr().out
    assert "could not be graded" in out and phrase in out and "Traceback" not in out


def test_folder_of_submissions_writes_csv_and_goes_on_after_bad_ones(root, tmp_path, monkeypatch, capsys):
    subs = tmp_path / "submissions"
    subs.mkdir()
    learner_copy(root, subs, "alice.ipynb")
    (subs / "bob.ipynb").write_text("not json")
    monkeypatch.chdir(tmp_path)
    assert main(["grade", "submissions", "--timeout", "120"]) == 1
    out = capsys.readouterr().out
    assert "alice.ipynb: score 0/2" in out and "bob.ipynb: could not be graded" in out
    with open(tmp_path / "grades.csv") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["path"].split("/")[-1] for r in rows} == {"alice.ipynb", "bob.ipynb"}
    assert [r["exercise"] for r in rows if r["path"].endswith("alice.ipynb")] == ["q1", "q2"]


def test_json_output(root, tmp_path, capsys):
    path = learner_copy(root, tmp_path)
    assert main(["grade", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data[0]["total"] == 2 and data[0]["correct"] == 0
    assert {r["exercise"] for r in data[0]["rows"]} == {"q1", "q2"}


def test_grading_does_not_touch_the_learners_progress(root, tmp_path):
    from course_utils.course import progress

    before = progress.progress_path()
    grading.grade_notebook(learner_copy(root, tmp_path), timeout=120)
    assert not before.exists()


def test_cli_runs_as_a_module_and_rejects_a_bad_timeout(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "course_utils", "grade", "x.ipynb", "--timeout", "-3"],
        capture_output=True, text=True, cwd=tmp_path,
    )
    assert proc.returncode == 2 and "positive number of seconds" in proc.stderr


def test_collect_reads_the_latest_check_and_ignores_foreign_output():
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("x")
    mime = "application/vnd.course-check+json"
    cell.outputs = [
        nbformat.v4.new_output(
            "display_data", data={mime: {"kind": "check", "exercise": "q1", "status": "incorrect", "message": "a"}}
        ),
        nbformat.v4.new_output(
            "display_data", data={mime: {"kind": "check", "exercise": "q1", "status": "correct", "message": "b"}}
        ),
        nbformat.v4.new_output("display_data", data={mime: "not a dict"}),
        nbformat.v4.new_output("display_data", data={mime: {"kind": "hint", "exercise": "q1", "n": "x"}}),
        nbformat.v4.new_output("stream", text="hello"),
    ]
    nb.cells = [cell]
    found = grading.collect(nb)
    assert found["checks"]["q1"]["status"] == "correct" and found["hints"] == {}
