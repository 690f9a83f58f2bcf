"""Grading a whole class: honest and mischievous submissions in one folder, one run.

The folder holds right, wrong, skipped and broken notebooks, and one of each trick a
learner might try: forged records, forged exercise names, edited metadata,
``q.check(q.reference())``, a notebook that kills its parent, one that deletes files,
one that plants a fake ``course_utils``, one that leaves IPython startup files for the
kernels after it, ``os._exit``, an infinite loop that leaves a
subprocess behind, and a flood of output followed by ``input()``. For each: the grader
finishes, the others' results are what they would be alone (the same notebook graded
before and after the tricks gives the same rows), and no trick is scored Correct. Then
the class report is opened in a real browser and its numbers compared with the CSV.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import shutil
from collections import Counter
from pathlib import Path

import pytest

from course_utils.course import progress
from course_utils.course.cli import main
from tests import submissions as S

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
#: Per-notebook budget: notebook 00 runs in a few seconds; the infinite loop uses all of it.
TIMEOUT = 25
HTML_NAME = "a_mean <img src=x onerror=console.error(1)>"


def build_class(folder: Path) -> None:
    S.write(S.solution(), folder / "a_solution.ipynb")
    S.write(S.learner(), folder / "a_skipped.ipynb")
    nb = S.answered(q2='spend = orders.groupby("customer_id")["amount"].mean()\nq2.hint()')
    S.write(nb, folder / f"{HTML_NAME}.ipynb")
    nb = S.edit(S.answered(q1="n_customers = len(orders)"), "# q1.hint(2)", "q1.hint(2)")
    S.write(S.insert(nb, S.Q2_CELL, "q2.solution()"), folder / "a_orders.ipynb")
    S.write(S.answered(q1="n_customers = orders['no_such_column'].nunique()"), folder / "a_raises.ipynb")

    nb = S.insert(S.answered(q1=None, q2=None), None, S.FORGE)
    S.insert(nb, None, S.FORGE_NAMES)
    S.write(S.insert(nb, None, S.FORGE_BY_CODE), folder / "b_forged.ipynb")
    nb = S.answered(q2=None)
    nb.metadata["course"] = {"id": "01", "exercises": "json"}
    S.write(nb, folder / "b_metadata.ipynb")
    nb = S.edit(S.answered(q2='_f = getattr(q2, "refer" + "ence")\nspend = _f()'), "q1.check(n_customers)",
                "q1.check(q1.reference())")
    S.write(nb, folder / "b_reference.ipynb")
    S.write(S.insert(S.answered(), S.Q2_CELL, S.PARENT_KILLER), folder / "b_parent_killer.ipynb")
    S.write(S.insert(S.answered(), S.Q2_CELL, S.deleter(folder)), folder / "b_file_deleter.ipynb")
    S.write(S.insert(S.answered(), S.Q2_CELL, S.planter(folder)), folder / "b_module_planter.ipynb")
    S.write(S.insert(S.answered(), S.Q2_CELL, S.startup_planter()), folder / "b_startup_planter.ipynb")
    S.write(S.insert(S.answered(), S.Q2_CELL, S.EXIT), folder / "b_exit.ipynb")
    S.write(S.insert(S.answered(), S.Q2_CELL, S.LOOP), folder / "b_loop.ipynb")
    nb = S.insert(S.answered(), S.Q2_CELL, S.HUGE_OUTPUT)
    S.write(S.insert(nb, S.Q2_CELL, S.ASK), folder / "b_huge_output.ipynb")
    S.write(S.solution(), folder / "z_solution.ipynb")
    # A fake course next to the notebooks before grading starts, as a careless upload would leave.
    planted = folder / "course_utils" / "exercises"
    planted.mkdir(parents=True)
    (folder / "course_utils" / "__init__.py").write_text("")
    (planted / "__init__.py").write_text("")
    (planted / "nb00.py").write_text(S.PLANTED)


#: learner -> (q1 status, q2 status, failure kind, phrases its flags or problem rows must contain)
EXPECTED = {
    "a_solution": ("correct", "correct", "", []),
    "a_skipped": ("not_attempted", "not_attempted", "", []),
    HTML_NAME: ("correct", "incorrect", "", []),
    "a_orders": ("incorrect", "solution_viewed", "", []),
    "a_raises": ("not_attempted", "correct", "", ["cell 9 raised KeyError: 'no_such_column'"]),
    "b_forged": ("not_attempted", "not_attempted", "",
                 ["q1: the notebook displayed 'correct' but the grader's own check says 'not_attempted'",
                  "q2: the notebook displayed 'correct' but the grader's own check says 'not_attempted'",
                  "exercises this notebook does not have (x0, x1", "'CORRECTxxx', which checks never give",
                  "hint record with n=100000000000"]),
    "b_metadata": ("correct", "not_attempted", "",
                   ["it claims to be notebook 01 but its cells import the exercises of notebook 00",
                    "exercises module 'json'"]),
    "b_reference": ("solution_viewed", "solution_viewed", "", []),
    "b_parent_killer": ("correct", "not_attempted", "died", ["parent process was killed (SIGKILL)"]),
    "b_file_deleter": ("correct", "correct", "", []),
    "b_module_planter": ("correct", "correct", "", []),
    "b_startup_planter": ("correct", "correct", "", []),
    "b_exit": ("correct", "not_attempted", "died", ["the kernel exited with code 3"]),
    "b_loop": ("correct", "not_attempted", "timeout", [f"timed out after {TIMEOUT} s in cell 15"]),
    "b_huge_output": ("correct", "correct", "", ["its outputs passed 16 MB",
                                                 "cell 16 raised StdinNotImplementedError"]),
    "z_solution": ("correct", "correct", "", []),
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    base = tmp_path_factory.mktemp("class")
    # A home of its own: the startup planter writes into ~/.ipython and ~/.jupyter, and if the grader
    # failed to keep kernels apart it must not reach a real home on this machine.
    home = base / "home"
    home.mkdir()
    saved_home = os.environ.get("HOME")
    os.environ["HOME"] = str(home)
    folder = base / "submissions"
    folder.mkdir()
    build_class(folder)
    progress_file = progress.progress_path()
    before = progress_file.stat().st_mtime_ns if progress_file.exists() else None
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            code = main(["grade", str(folder), "--timeout", str(TIMEOUT), "--json",
                         "--csv", str(base / "grades.csv"), "--report", str(base / "class.html")])
    finally:
        if saved_home is None:
            os.environ.pop("HOME", None)
        else:
            os.environ["HOME"] = saved_home
    after = progress_file.stat().st_mtime_ns if progress_file.exists() else None
    grades = {g["learner"]: g for g in json.loads(out.getvalue())}
    with open(base / "grades.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return {"code": code, "grades": grades, "rows": rows, "csv": base / "grades.csv",
            "report": base / "class.html", "folder": folder, "progress": (before, after)}


def statuses(grade) -> dict:
    return {r["exercise"]: r["status"] for r in grade["rows"] if r["exercise"] != "(notebook)"}


def test_every_submission_was_graded_and_the_exit_code_says_some_failed(graded):
    assert set(graded["grades"]) == set(EXPECTED)
    assert graded["code"] == 1  # two kernels died and one timed out


@pytest.mark.parametrize("learner", sorted(EXPECTED))
def test_each_submission_gets_what_it_earned(graded, learner):
    grade = graded["grades"][learner]
    q1, q2, failure, phrases = EXPECTED[learner]
    assert statuses(grade) == {"q1": q1, "q2": q2}, grade["rows"]
    assert grade["notebook"] == "00" and grade["total"] == 2  # the course's list, never the submission's
    assert grade["failure"] == failure, grade["problem"]
    text = " | ".join([r["message"] for r in grade["rows"] if r["exercise"] == "(notebook)"] + grade["flags"])
    for phrase in phrases:
        assert phrase in text, text
    assert grade["correct"] == [q1, q2].count("correct")


def test_tricks_are_never_scored_correct(graded):
    for learner in ("b_forged", "b_reference"):
        assert graded["grades"][learner]["correct"] == 0
    assert graded["grades"]["b_metadata"]["correct"] == 1  # the one answer it really gave


def test_the_same_notebook_before_and_after_the_tricks_gets_the_same_rows(graded):
    def rows(learner):
        return graded["grades"][learner]["rows"]

    assert rows("a_solution") == rows("z_solution")
    assert not graded["grades"]["z_solution"]["flags"]


def test_diagnoses_hints_and_views_come_from_the_graders_own_checks(graded):
    rows = {r["exercise"]: r for r in graded["grades"][HTML_NAME]["rows"]}
    assert rows["q2"]["mistake"] == "mean" and "mean" in rows["q2"]["message"] and rows["q2"]["hints"] == 1
    assert rows["q1"]["hints"] == 0 and not rows["q1"]["solution_viewed"]
    rows = {r["exercise"]: r for r in graded["grades"]["a_orders"]["rows"]}
    assert rows["q1"]["mistake"] == "orders_counted" and rows["q1"]["hints"] == 2
    assert rows["q2"]["solution_viewed"] and "q2.solution in cell" in rows["q2"]["message"]
    rows = {r["exercise"]: r for r in graded["grades"]["b_reference"]["rows"]}
    assert "q1.reference in cell" in rows["q1"]["message"]
    assert "getattr(q2, <computed name>)" in rows["q2"]["message"]
    # A learner who skipped q2 continues from the reference (answer_or_reference): not a view.
    assert not any(r.get("solution_viewed") for r in graded["grades"]["a_skipped"]["rows"])


def test_tricks_reached_their_targets_and_changed_nothing_else(graded):
    folder = graded["folder"]
    # The deleter emptied the submissions folder (it ran after every file had been read) ...
    assert not list(folder.glob("*.ipynb"))
    assert (folder / "grades.csv").read_text() == "forged"
    # ... and the planter's course (there before grading, and written again) was never imported.
    assert (folder / "course_utils" / "exercises" / "nb00.py").read_text() == S.PLANTED
    assert statuses(graded["grades"]["b_module_planter"]) == {"q1": "correct", "q2": "correct"}
    assert not [r for r in graded["grades"]["b_module_planter"]["rows"] if r["status"] == "error"]
    # The instructor's CSV is the grader's, and the learner's progress file was not touched.
    assert graded["rows"][0]["path"].endswith(".ipynb")
    assert graded["progress"][0] == graded["progress"][1]


def test_no_kernel_survives_grading(graded):
    """Every kernel (the looping one and its subprocess, the orphan of the parent-killer) was killed."""
    left = []
    for proc in Path("/proc").iterdir():
        with contextlib.suppress(OSError):
            if proc.name.isdigit() and "course-grade-" in os.readlink(proc / "cwd"):
                left.append(proc.name)
    assert left == []


def test_csv_has_a_row_per_exercise_and_per_problem(graded):
    rows = graded["rows"]
    by_learner = Counter(r["learner"] for r in rows if r["exercise"] != "(notebook)")
    assert by_learner == dict.fromkeys(EXPECTED, 2)
    killer = [r for r in rows if r["learner"] == "b_parent_killer" and r["exercise"] == "(notebook)"]
    assert [r["status"] for r in killer] == ["error"]
    assert {r["solution_viewed"] for r in rows if r["exercise"] != "(notebook)"} == {"yes", "no"}


def test_report_is_one_offline_page(graded):
    text = graded["report"].read_text(encoding="utf-8")
    assert "<script" not in text.lower() and "<link" not in text.lower()
    assert "http://" not in text and "https://" not in text
    assert "a_mean &lt;img src=x onerror=console.error(1)&gt;" in text and "<img" not in text


def csv_numbers(rows) -> dict:
    """The report's numbers, counted straight from the CSV."""
    per_exercise, per_learner, cells = {}, {}, {}
    for r in rows:
        person = per_learner.setdefault(r["learner"], Counter())
        if r["exercise"] == "(notebook)":
            person["errors" if r["status"] == "error" else "flags"] += 1
            continue
        key = f"{r['notebook']}.{r['exercise']}"
        ex = per_exercise.setdefault(key, Counter())
        ex[r["status"]] += 1
        ex["hinted"] += int(r["hints"]) > 0
        ex["hints"] += int(r["hints"])
        ex["viewed"] += r["solution_viewed"] == "yes"
        if r["status"] == "incorrect":
            ex["mistake:" + (r["mistake"] or r["message"])] += 1
        person["correct"] += r["status"] == "correct"
        person["total"] += 1
        person["hints"] += int(r["hints"])
        person["viewed"] += r["solution_viewed"] == "yes"
        cells[(r["learner"], key)] = r["status"]
    return {"exercises": per_exercise, "learners": per_learner, "cells": cells}


READ_PAGE = """() => {
  const out = {exercises: {}, learners: {}, cells: {}};
  for (const tr of document.querySelectorAll('#exercises tbody tr')) {
    const c = {};
    for (const td of tr.querySelectorAll('td[data-col]')) {
      c[td.dataset.col] = Number(td.dataset.n);
      if (td.dataset.hints !== undefined) c.hints = Number(td.dataset.hints);
    }
    for (const li of tr.querySelectorAll('li[data-mistake]')) c['mistake:' + li.dataset.mistake] = Number(li.dataset.n);
    out.exercises[tr.dataset.exercise] = c;
  }
  for (const tr of document.querySelectorAll('#learners tbody tr')) {
    const c = {};
    for (const td of tr.querySelectorAll('td[data-col]')) {
      c[td.dataset.col] = Number(td.dataset.n);
      if (td.dataset.total !== undefined) c.total = Number(td.dataset.total);
    }
    out.learners[tr.dataset.learner] = c;
  }
  for (const td of document.querySelectorAll('#heatmap td[data-status]'))
    out.cells[td.closest('tr').dataset.learner + '|' + td.dataset.exercise] = td.dataset.status;
  return out;
}"""


def test_report_in_headless_chromium_shows_the_csvs_numbers(graded):
    if CHROMIUM is None:
        if os.environ.get("COURSE_REQUIRE_BROWSER") == "1":
            pytest.fail("Chromium is required here (COURSE_REQUIRE_BROWSER=1) but not installed")
        pytest.skip("Chromium is not installed (apt-get install chromium; .ci/run does it)")
    from playwright.sync_api import sync_playwright

    problems = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = browser.new_page()
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on("request", lambda r: problems.append(f"fetched {r.url}") if r.url != graded["report"].as_uri()
                else None)
        page.goto(graded["report"].as_uri())
        shown = page.evaluate(READ_PAGE)
        learner_text = page.inner_text(f'#learners tr[data-learner="{HTML_NAME}"] td')
        browser.close()
    assert problems == []
    assert learner_text == HTML_NAME  # shown as text, not run as markup

    expected = csv_numbers(graded["rows"])
    assert set(shown["exercises"]) == set(expected["exercises"]) == {"00.q1", "00.q2"}
    for key, counts in expected["exercises"].items():
        page_counts = shown["exercises"][key]
        for field in ("correct", "solution_viewed", "incorrect", "not_attempted", "hinted", "hints", "viewed"):
            assert page_counts[field] == counts[field], (key, field)
        shown_mistakes = {k: v for k, v in page_counts.items() if k.startswith("mistake:")}
        assert shown_mistakes == {k: v for k, v in counts.items() if k.startswith("mistake:")}
    assert set(shown["learners"]) == set(expected["learners"])
    for learner, counts in expected["learners"].items():
        for field in ("correct", "total", "hints", "viewed", "errors", "flags"):
            assert shown["learners"][learner].get(field, 0) == counts[field], (learner, field)
    assert {tuple(k.split("|")): v for k, v in shown["cells"].items()} == expected["cells"]
