"""Progress: recorded per check, shown per notebook, robust to a bad file."""

import json

import pytest

from course_utils import progress
from course_utils.exercises.nb00 import ____, q1, q2


def test_progress_table_lists_every_exercise(capsys):
    q1.check(5)
    q2.check(____)
    q1.hint(2)
    text = progress.show()
    assert "Notebook 00: 0/2 correct" in text
    rows = {r["exercise"]: r for r in progress.table()["00"]}
    assert rows["q1"]["status"] == "incorrect" and rows["q1"]["hints"] == 2
    assert rows["q2"]["status"] == "not attempted"


def test_latest_outcome_wins():
    q1.check(5)
    q1.check(q1.reference())
    assert progress.load()["notebooks"]["00"]["q1"]["status"] == "correct"


def test_never_checked_is_not_started():
    rows = {r["exercise"]: r for r in progress.table()["00"]}
    assert rows["q2"]["status"] == "not started"


def test_environment_variable_moves_the_file(tmp_path, monkeypatch):
    target = tmp_path / "elsewhere" / "p.json"
    monkeypatch.setenv(progress.ENV_VAR, str(target))
    q1.check(5)
    assert json.loads(target.read_text())["notebooks"]["00"]["q1"]["status"] == "incorrect"


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
