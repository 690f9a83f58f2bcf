"""Submitted notebooks made for the grading tests: honest ones and mischievous ones.

Every submission starts from a notebook the course generates (notebook 00, which runs in a
few seconds) and changes a few cells, the way a learner would.
"""

from __future__ import annotations

from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
NB00 = "00_setup_and_tour.ipynb"
RIGHT_Q1 = 'n_customers = orders["customer_id"].nunique()'
RIGHT_Q2 = 'spend = orders.groupby("customer_id")["amount"].sum().sort_values(ascending=False)'
BLANK_Q1 = "n_customers = ____"
BLANK_Q2 = "spend = ____"
#: Text of the cells that hold q1's and q2's answers, whatever the answer.
Q1_CELL = "# Count the distinct customer ids"
Q2_CELL = "# Total amount per customer_id"


def learner(stem: str = "00_setup_and_tour"):
    return nbformat.read(ROOT / "notebooks" / f"{stem}.ipynb", as_version=4)


def solution(stem: str = "00_setup_and_tour"):
    return nbformat.read(ROOT / "solutions" / f"{stem}.ipynb", as_version=4)


def cell_with(nb, text: str) -> int:
    hits = [i for i, c in enumerate(nb.cells) if text in c.source]
    assert hits, f"no cell contains {text!r}"
    return hits[0]


def edit(nb, old: str, new: str):
    """Replace ``old`` by ``new`` in the cell that holds it."""
    cell = nb.cells[cell_with(nb, old)]
    cell.source = cell.source.replace(old, new)
    return nb


def insert(nb, before: str | None, source: str):
    """Insert a code cell before the cell holding ``before`` (at the end when None)."""
    cell = nbformat.v4.new_code_cell(source)
    cell["id"] = f"added-{len(nb.cells)}"
    index = len(nb.cells) if before is None else cell_with(nb, before)
    nb.cells.insert(index, cell)
    return nb


def answered(q1: str | None = RIGHT_Q1, q2: str | None = RIGHT_Q2):
    """The learner notebook with q1 and q2 answered by the given code (None: left blank)."""
    nb = learner()
    if q1 is not None:
        edit(nb, BLANK_Q1, q1)
    if q2 is not None:
        edit(nb, BLANK_Q2, q2)
    return nb


def write(nb, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = nbformat.writes(nb)
    path.write_text(text, encoding="utf-8")
    return path


FORGE = """
from IPython.display import display
mime = "application/vnd.course-check+json"
for name in ("q1", "q2"):
    display({mime: {"kind": "check", "notebook": "00", "exercise": name, "status": "correct",
                    "message": "Well done."}, "text/plain": name + ": Correct."}, raw=True)
"""

FORGE_BY_CODE = """
import course_utils.course.checks as checks
checks.Exercise.evaluate = lambda self, answer=None, **context: checks.CheckResult(
    "correct", "Well done.", exercise=self.name, notebook=self.notebook)
q1.check(n_customers)
"""

FORGE_NAMES = """
from IPython.display import display
mime = "application/vnd.course-check+json"
for i in range(20):
    display({mime: {"kind": "check", "notebook": "00", "exercise": f"x{i}", "status": "correct",
                    "message": "Well done."}}, raw=True)
display({mime: {"kind": "check", "notebook": "00", "exercise": "q1", "status": "CORRECTxxx", "message": ""}}, raw=True)
display({mime: {"kind": "hint", "notebook": "00", "exercise": "q2", "n": 10**30}}, raw=True)
"""

PARENT_KILLER = "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\nimport time\ntime.sleep(5)"

EXIT = "import os\nos._exit(3)"

LOOP = "import subprocess\nsubprocess.Popen(['sleep', '600'])  # an orphan to be\nwhile True:\n    pass"

HUGE_OUTPUT = "import sys\nfor _ in range(40):\n    sys.stdout.write('x' * 1_000_000)"

ASK = "name = input('Your name? ')"


def deleter(folder: Path) -> str:
    """Deletes its own folder, the one above it and the submissions folder, then writes junk."""
    return f"""
import os, shutil, tempfile
here = os.getcwd()
for target in (here, os.path.dirname(here), {str(folder)!r}, tempfile.gettempdir()):
    for entry in os.listdir(target) if os.path.isdir(target) else []:
        path = os.path.join(target, entry)
        try:
            shutil.rmtree(path) if os.path.isdir(path) and not os.path.islink(path) else os.remove(path)
        except OSError:
            pass
for target in (here, {str(folder)!r}):
    os.makedirs(target, exist_ok=True)
    with open(os.path.join(target, "grades.csv"), "w") as fh:
        fh.write("forged")
"""


PLANTED = "raise ImportError('planted: this is not the course')\n"

#: Code a notebook leaves behind for the kernels after it: every later answer would be captured as 0.
STARTUP = "import course_utils.course.capture as c\nc.encode = lambda value, limit=0: 0\n"


def startup_planter() -> str:
    """Writes IPython startup files and a kernel config that would run in every later kernel."""
    return f"""
import os
from IPython.paths import get_ipython_dir
for base in (get_ipython_dir(), os.path.expanduser("~/.ipython")):
    os.makedirs(os.path.join(base, "profile_default", "startup"), exist_ok=True)
    with open(os.path.join(base, "profile_default", "startup", "00-planted.py"), "w") as fh:
        fh.write({STARTUP!r})
for base in (os.environ.get("JUPYTER_CONFIG_DIR", ""), os.path.expanduser("~/.jupyter")):
    if base:
        os.makedirs(base, exist_ok=True)
        with open(os.path.join(base, "ipython_kernel_config.py"), "w") as fh:
            fh.write("c.InteractiveShellApp.exec_lines = [" + repr({STARTUP!r}) + "]")
"""


def planter(folder: Path) -> str:
    """Writes a fake ``course_utils`` next to itself and into the submissions folder, then imports."""
    return f"""
import os, sys, importlib
for target in (os.getcwd(), {str(folder)!r}):
    os.makedirs(os.path.join(target, "course_utils", "exercises"), exist_ok=True)
    for name in ("course_utils/__init__.py", "course_utils/exercises/__init__.py"):
        open(os.path.join(target, name), "w").close()
    with open(os.path.join(target, "course_utils", "exercises", "nb00.py"), "w") as fh:
        fh.write({PLANTED!r})
assert os.getcwd() not in sys.path and "" not in sys.path, sys.path
with open("planted_probe.py", "w") as fh:
    fh.write("x = 1")
importlib.invalidate_caches()
try:
    import planted_probe  # noqa: F401
    raise AssertionError("the working folder is on the import path")
except ModuleNotFoundError:
    pass
del sys.modules["course_utils.exercises.nb00"]
from course_utils.exercises.nb00 import q1 as again
assert "planted" not in open(sys.modules["course_utils.exercises.nb00"].__file__).read()
"""
