"""Notebook 05: what a learner sees while it runs, guarded where an earlier fix could regress.

Jupyter shows whatever a cell writes to stderr in a red box, as if something had gone wrong.
The notebook's one intended warning (a genre and a device the model has never seen) is caught
and printed; the bar over the twelve weeks of features goes to stdout.
"""

import subprocess
import sys

from course_utils.course import authoring
from course_utils.lessons import nb05
from tests.conftest import ROOT

SOURCE = ROOT / "solutions" / "05_dynamic_weekly_segmentation.py"


def code_cells() -> list:
    return [c.source for c in authoring.read_source(SOURCE).cells if c.cell_type == "code"]


def test_the_intended_warning_is_printed_not_shown_in_red():
    """Run the notebook's imports, its data cell and its warning cell as a script: stderr stays empty."""
    cells = code_cells()
    imports = next(c for c in cells if c.startswith("import copy"))
    load = next(c for c in cells if 'data.load("streaming_watch")' in c)
    warning = next(c for c in cells if "the warning:" in c)
    script = "\n\n".join(["import matplotlib\nmatplotlib.use('Agg')", imports, load, warning])
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=300,
                         env={**__import__("os").environ, "PYTHONPATH": str(ROOT), "PYTHONWARNINGS": "default"})
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stderr == "", f"the notebook would show a red box: {out.stderr[-500:]}"
    assert "the warning:" in out.stdout and "anime" in out.stdout  # the warning reached the learner, in print


def test_every_other_weekly_features_call_silences_the_known_warning():
    calls = [c for c in code_cells() if "features.weekly_features(" in c]
    assert calls, "notebook 05 no longer builds features by hand"
    for cell in calls:
        assert "warnings.catch_warnings(" in cell, f"a weekly_features call without catch_warnings:\n{cell}"


def test_the_twelve_weeks_bar_goes_to_stdout(capsys):
    weekly, behaviour = nb05.twelve_weeks(progress=True)
    captured = capsys.readouterr()
    assert "weekly features" in captured.out and captured.err == ""
    assert sorted(weekly) == sorted(behaviour) == list(nb05.WEEKS)
    assert all(weekly[w].equals(nb05.weekly.shared()[w]) for w in nb05.WEEKS)
    nb05.twelve_weeks()
    assert capsys.readouterr().out == ""  # no bar unless asked
