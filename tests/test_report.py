"""The class report from grades made by hand (no kernel): numbers, escaping, several notebooks.

The report of a real class, opened in Chromium, is tested in test_class_grading.py.
"""

import re

from course_utils.course import grading, report


def row(ex, status, mistake="", message="", hints=0, viewed=False):
    return {"exercise": ex, "status": status, "mistake": mistake, "message": message or status, "hints": hints,
            "solution_viewed": viewed}


def grades():
    return [
        grading.Grade(path="s/alice.ipynb", learner="alice", notebook="00", rows=[
            row("q1", "correct"), row("q2", "incorrect", "mean", "Use sum, not mean.", hints=1)]),
        grading.Grade(path="s/bob.ipynb", learner="bob", notebook="00", rows=[
            row("q1", "incorrect", "orders_counted", "That is the number of orders.", hints=3),
            row("q2", "incorrect", "mean", "Use sum, not mean."),
            {"exercise": grading.NOTEBOOK_ROW, "status": "flag", "message": "q9: forged"}], flags=["q9: forged"]),
        grading.Grade(path="s/<b>carol</b>.ipynb", learner="<b>carol</b>", notebook="00", rows=[
            row("q1", "solution_viewed", viewed=True), row("q2", "not_attempted"),
            {"exercise": grading.NOTEBOOK_ROW, "status": "error", "message": "timed out"}],
            problem="timed out", failure="timeout"),
        grading.Grade(path="s/alice/01.ipynb", learner="alice", notebook="01", rows=[
            row("q1", "incorrect", "", "Not quite: 3 rows differ."), row("q2", "correct")]),
        grading.Grade(path="s/dave.ipynb", learner="dave", problem="corrupt notebook", failure="unreadable",
                      rows=[{"exercise": grading.NOTEBOOK_ROW, "status": "error", "message": "corrupt notebook"}]),
    ]


def test_numbers_per_exercise_and_learner_come_from_the_csv_rows():
    numbers = report.summarize(grading.csv_rows(grades()))
    q2 = numbers["exercises"][("00", "q2")]
    assert (q2["n"], q2["correct"], q2["incorrect"], q2["not_attempted"]) == (3, 0, 2, 1)
    assert q2["mistakes"].most_common(1) == [("mean", 2)] and q2["hinted"] == 1 and q2["hints"] == 1
    q1 = numbers["exercises"][("00", "q1")]
    assert (q1["correct"], q1["solution_viewed"], q1["incorrect"], q1["viewed"]) == (1, 1, 1, 1)
    alice = numbers["learners"]["alice"]
    assert (alice["correct"], alice["total"], alice["notebooks"]) == (2, 4, {"00", "01"})
    assert numbers["learners"]["bob"]["flags"] == 1 and numbers["learners"]["<b>carol</b>"]["errors"] == 1
    assert numbers["learners"]["dave"]["total"] == 0 and numbers["learners"]["dave"]["errors"] == 1
    # an undeclared diagnosis is counted by its message
    assert numbers["exercises"][("01", "q1")]["mistakes"] == {"Not quite: 3 rows differ.": 1}


def test_the_page_is_self_contained_escaped_and_covers_every_notebook_and_learner():
    page = report.render(grades())
    assert "<script" not in page and "http" not in page.replace("http-equiv", "")
    assert "&lt;b&gt;carol&lt;/b&gt;" in page and "<b>carol</b>" not in page
    assert re.findall(r'<tr data-exercise="([^"]+)"', page) == ["00.q1", "00.q2", "01.q1", "01.q2"]
    heat = page[page.index('id="heatmap"'):]
    # bob has no notebook 01: those cells say "not submitted", not "not attempted"
    bob = heat[heat.index('data-learner="bob"'):]
    bob = bob[: bob.index("</tr>")]
    assert re.findall(r'data-status="(\w+)"', bob) == ["incorrect", "incorrect", "missing", "missing"]
    assert "timed out" in page and "corrupt notebook" in page and "q9: forged" in page


def test_write_report_wants_an_html_path(tmp_path):
    import pytest

    with pytest.raises(ValueError, match="ending in .html"):
        report.write_report(grades(), tmp_path / "class.txt")
    path = report.write_report(grades(), tmp_path / "deep" / "class.html")
    assert path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
