"""Progress: best and latest outcome per check, shown per notebook, robust to a bad file."""

import json

import pytest

from course_utils.course import progress
from course_utils.exercises.nb00 import ____, q1, q2


def test_progress_table_lists_every_exercise(capsys):
    q1.check(5)
    q2.check(____)
    q1.hint(2)
    text = progress.show()
    assert "Notebook 00: 0/2 correct at best" in text
    rows = {r["exercise"]: r for r in progress.table()["00"]}
    assert rows["q1"]["latest"] == "incorrect" and rows["q1"]["best"] == "incorrect" and rows["q1"]["hints"] == 2
    assert rows["q2"]["best"] == "not started"
    assert "best at" in text and "latest at" in text


def test_best_and_latest_are_kept_apart():
    q1.check(q1.reference())
    q1.check(5)
    entry = progress.load()["notebooks"]["00"]["q1"]
    assert entry["best"]["status"] == "correct" and entry["latest"]["status"] == "incorrect"
    assert entry["latest"]["mistake"] == "countries"  # the declared mistake it matched (5 countries)
    assert entry["best"]["at"] and entry["latest"]["at"] and entry["attempts"] == 2


def test_rerunning_a_blank_notebook_never_erases_a_correct():
    q1.check(q1.reference())
    q2.check(q2.reference())
    for _ in range(2):  # run a fresh copy of the notebook twice: every check is blank
        q1.check(____)
        q2.check(____)
    rows = {r["exercise"]: r for r in progress.table()["00"]}
    assert rows["q1"]["best"] == "correct" and rows["q1"]["latest"] == "correct"
    assert rows["q2"]["best"] == "correct"
    assert progress.load()["notebooks"]["00"]["q1"]["attempts"] == 1


def test_a_version_1_file_is_read(tmp_path, monkeypatch):
    target = tmp_path / "old.json"
    target.write_text(json.dumps({"version": 1, "notebooks": {"00": {"q1": {
        "status": "correct", "message": "ok", "attempts": 3, "hints": 1, "solution_viewed": False,
        "updated": "2026-11-01 10:00:00"}}}}))
    monkeypatch.setenv(progress.ENV_VAR, str(target))
    rows = {r["exercise"]: r for r in progress.table()["00"]}
    assert rows["q1"]["best"] == "correct" and rows["q1"]["attempts"] == 3
    q1.check(5)
    entry = progress.load()["notebooks"]["00"]["q1"]
    assert entry["best"]["status"] == "correct" and entry["latest"]["status"] == "incorrect"


def test_never_checked_is_not_started():
    rows = {r["exercise"]: r for r in progress.table()["00"]}
    assert rows["q2"]["best"] == "not started"


def test_environment_variable_moves_the_file(tmp_path, monkeypatch):
    target = tmp_path / "elsewhere" / "p.json"
    monkeypatch.setenv(progress.ENV_VAR, str(target))
    q1.check(5)
    assert json.loads(target.read_text())["notebooks"]["00"]["q1"]["latest"]["status"] == "incorrect"


def test_corrupt_file_is_named_and_set_aside(tmp_path, monkeypatch):
    target = tmp_path / "p.json"
    target.write_text("{not json")
    monkeypatch.setenv(progress.ENV_VAR, str(target))
    with pytest.raises(ValueError, match=str(target)):
        progress.load()
    assert progress.show().startswith("[FAIL]")
    assert q1.check(5).status == "incorrect"  # the check still works
    assert (tmp_path / "p.json.corrupt").exists()
    assert progress.load()["notebooks"]["00"]["q1"]["attempts"] == 1


def test_a_file_in_the_way_warns_but_checks_still_work(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv(progress.ENV_VAR, str(blocker / "p.json"))  # parent is a file
    monkeypatch.setattr(progress, "_warned", False)
    with pytest.warns(UserWarning, match="Could not record progress"):
        assert q1.check(5).status == "incorrect"


@pytest.mark.slow
def test_running_a_blank_copy_of_notebook_01_keeps_correct(root):
    """The reported scenario: q1 and q3 of notebook 01 are Correct, then a fresh copy of the
    notebook runs top to bottom in a kernel (every answer blank). Both stay Correct."""
    import nbformat
    from nbclient import NotebookClient

    from course_utils.exercises import nb01

    assert nb01.q1.check(nb01.q1.reference()).status == "correct"
    assert nb01.q3.check(nb01.q3.reference()).status == "correct"
    before = progress.load()["notebooks"]["01"]
    blank = nbformat.read(root / "notebooks" / "01_rfm_kmeans.ipynb", as_version=4)
    NotebookClient(blank, timeout=600, kernel_name="python3").execute()  # the kernel reads COURSE_PROGRESS_FILE
    shown = [o for c in blank.cells for o in c.get("outputs", []) if "Not attempted" in json.dumps(o)]
    assert shown, "the blank notebook's checks should say Not attempted"
    rows = {r["exercise"]: r for r in progress.table()["01"]}
    for name in ("q1", "q3"):
        assert rows[name]["best"] == "correct" and rows[name]["latest"] == "correct", rows[name]
    after = progress.load()["notebooks"]["01"]
    assert after["q1"]["best"] == before["q1"]["best"] and after["q1"]["attempts"] == 1
    assert "q2" not in before and "q2" in after  # the kernel did write to this progress file
    assert rows["q2"]["best"] == "not started"
