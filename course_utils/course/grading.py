"""Grade notebooks: run each in a fresh kernel and read back every check.

``python -m course_utils grade PATH [PATH ...] [--json] [--timeout S] [--csv FILE]``

Each check, hint and solution call leaves its outcome in the cell output under
:data:`course_utils.checks.MIME_TYPE`; the grader executes the notebook with
nbclient and collects those records. Exercises whose check never ran count as
not attempted. A missing, unreadable or failing notebook gets a clear row and
grading goes on with the next one.
"""

from __future__ import annotations

import contextlib
import csv
import importlib
import json
import math
import os
import re
import tempfile
import threading
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat

from course_utils.course.checks import MIME_TYPE
from course_utils.course.console import format_table

NOTEBOOK_ROW = "(notebook)"
#: Seconds past the budget before a kernel that ignores the interrupt is killed.
WATCHDOG_GRACE = 20


@dataclass
class Grade:
    """The grade of one notebook."""

    path: str
    notebook: str = ""
    rows: list = field(default_factory=list)
    problem: str = ""  # set when the notebook could not be graded at all
    seconds: float = 0.0

    @property
    def exercise_rows(self) -> list:
        return [r for r in self.rows if r["exercise"] != NOTEBOOK_ROW]

    @property
    def correct(self) -> int:
        return sum(r["status"] == "correct" for r in self.exercise_rows)

    @property
    def total(self) -> int:
        return len(self.exercise_rows)

    @property
    def score(self) -> float:
        return self.correct / self.total if self.total else 0.0

    def as_dict(self) -> dict:
        d = asdict(self)
        d.update(correct=self.correct, total=self.total, score=round(self.score, 4))
        return d


@contextlib.contextmanager
def _grading_env(progress_file: Path):
    """Kernels started inside inherit: a throw-away progress file, no strict mode."""
    saved = {k: os.environ.get(k) for k in ("COURSE_PROGRESS_FILE", "COURSE_CHECKS_STRICT")}
    os.environ["COURSE_PROGRESS_FILE"] = str(progress_file)
    os.environ["COURSE_CHECKS_STRICT"] = "0"
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def expected_exercises(nb, path: Path) -> tuple:
    """``(notebook_id, [exercise names])`` from metadata, else from the file name."""
    course = nb.metadata.get("course", {}) if isinstance(nb.metadata, dict) else {}
    module_name = course.get("exercises") if isinstance(course, dict) else None
    notebook_id = str(course.get("id", "")) if isinstance(course, dict) else ""
    if not module_name:
        m = re.match(r"(\d\d)_", path.name)
        if m:
            notebook_id = m.group(1)
            module_name = f"course_utils.exercises.nb{notebook_id}"
    if not module_name:
        return notebook_id, []
    try:
        module = importlib.import_module(module_name)
        return notebook_id, list(module.EXERCISES)
    except Exception:
        return notebook_id, []


def collect(nb) -> dict:
    """Read check, hint and solution records out of an executed notebook."""
    checks, hints, solutions = {}, {}, set()
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            record = output.get("data", {}).get(MIME_TYPE) if isinstance(output, dict) else None
            if not isinstance(record, dict):
                continue
            name = str(record.get("exercise", ""))
            kind = record.get("kind")
            if kind == "check":
                checks[name] = record  # the latest check of an exercise wins
            elif kind == "hint":
                try:
                    hints[name] = max(hints.get(name, 0), int(record.get("n", 0)))
                except (TypeError, ValueError):
                    pass
            elif kind == "solution":
                solutions.add(name)
    return {"checks": checks, "hints": hints, "solutions": solutions}


def _first_error(nb):
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                return index, output.get("ename", "Error"), output.get("evalue", "")
    return None


def new_kernel_manager(asynchronous: bool = True):
    """A kernel manager class for the course's python3 kernel.

    On Linux and macOS the kernel talks over local (IPC) sockets rather than TCP
    on localhost: nothing listens on a port, and ipykernel prints no warning.
    The socket files are removed when the kernel shuts down. nbclient needs the
    asynchronous manager (a blocking client would freeze its timeouts).
    """
    from jupyter_client.manager import AsyncKernelManager, KernelManager

    base = AsyncKernelManager if asynchronous else KernelManager

    class CourseKernelManager(base):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            if os.name == "posix":
                self.transport = "ipc"
                self.ip = os.path.join(tempfile.gettempdir(), f"course-kernel-{uuid.uuid4().hex[:12]}")

    return CourseKernelManager


def _execute(nb, workdir: Path, timeout: float):
    """Run every cell; return a problem string or "" (errors inside cells are kept).

    ``timeout`` is the budget for the whole notebook. When it runs out the kernel
    is interrupted (so the running cell stops), and a watchdog kills a kernel
    that ignores the interrupt.
    """
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    client = NotebookClient(
        nb,
        timeout=int(timeout),
        kernel_name="python3",
        allow_errors=True,
        interrupt_on_timeout=True,
        shutdown_kernel="immediate",  # a timed-out kernel may be busy: do not wait for it
        resources={"metadata": {"path": str(workdir)}},
        kernel_manager_class=new_kernel_manager(),
    )
    deadline = time.monotonic() + timeout
    finished = threading.Event()

    def watchdog():
        # Last resort for a kernel that ignores the interrupt: kill its process.
        if not finished.wait(timeout + WATCHDOG_GRACE):
            km = client.km
            process = getattr(getattr(km, "provisioner", None), "process", None)
            if process is not None:
                with contextlib.suppress(Exception):
                    process.kill()

    threading.Thread(target=watchdog, daemon=True).start()
    index, out_of_time = 0, None
    try:
        with client.setup_kernel():
            for index, cell in enumerate(nb.cells):
                client.timeout = max(1, math.ceil(deadline - time.monotonic()))
                client.execute_cell(cell, index)
                if time.monotonic() >= deadline:
                    out_of_time = index + 1  # this cell used up the budget
                    break
    except CellTimeoutError:
        out_of_time = index + 1
    except DeadKernelError as exc:
        if time.monotonic() > deadline:
            out_of_time = index + 1
        else:
            return f"the kernel died in cell {index + 1} ({exc}); the cells after it did not run"
    except Exception as exc:
        return f"could not run the notebook: {type(exc).__name__}: {exc}"
    finally:
        finished.set()
    if out_of_time is not None:
        return f"timed out after {timeout:g} s in cell {max(out_of_time, 1)}; the cells after it did not run"
    return ""


def grade_notebook(path, timeout: float = 300) -> Grade:
    """Execute one notebook in a fresh kernel and grade its checks."""
    path = Path(path)
    grade = Grade(path=str(path))

    def fail(message: str) -> Grade:
        grade.problem = message
        grade.rows.append({"exercise": NOTEBOOK_ROW, "status": "error", "message": message})
        return grade

    if not path.exists():
        return fail(f"file not found: {path}")
    if path.is_dir():
        return fail(f"{path} is a folder; give notebooks or a folder of them to grade")
    if path.suffix != ".ipynb":
        return fail(f"not a notebook: {path.name} (expected a .ipynb file)")
    try:
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
    except Exception as exc:
        reason = str(exc).strip().splitlines()[0][:150] if str(exc).strip() else type(exc).__name__
        return fail(f"corrupt notebook: {path.name} cannot be read ({reason})")

    grade.notebook, expected = expected_exercises(nb, path)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    start = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp, _grading_env(Path(tmp) / "progress.json"):
        problem = _execute(nb, path.parent.resolve(), timeout)
    grade.seconds = round(time.monotonic() - start, 1)

    found = collect(nb)
    names = expected + [n for n in found["checks"] if n not in expected]
    for name in names:
        record = found["checks"].get(name)
        if record is None:
            status, message = "not_attempted", "its check did not run"
        else:
            status, message = str(record.get("status", "incorrect")), str(record.get("message", ""))
        grade.rows.append(
            {
                "exercise": name,
                "status": status,
                "message": message,
                "hints": found["hints"].get(name, 0),
                "solution_viewed": name in found["solutions"],
            }
        )
    error = _first_error(nb)
    if problem:
        grade.rows.append({"exercise": NOTEBOOK_ROW, "status": "error", "message": problem})
    elif error:
        index, ename, evalue = error
        grade.rows.append(
            {
                "exercise": NOTEBOOK_ROW,
                "status": "error",
                "message": f"cell {index + 1} raised {ename}: {str(evalue)[:120]} (later cells still ran)",
            }
        )
    return grade


def notebooks_in(paths) -> list:
    """Expand folders into the notebooks they hold (checkpoints skipped)."""
    out = []
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted(q for q in p.rglob("*.ipynb") if ".ipynb_checkpoints" not in q.parts)
            out.extend(found or [p])
        else:
            out.append(p)
    return out


def write_csv(grades: list, file: Path) -> Path:
    file = Path(file)
    file.parent.mkdir(parents=True, exist_ok=True)
    with open(file, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["path", "notebook", "exercise", "status", "message", "hints", "solution_viewed", "score"])
        for g in grades:
            for r in g.rows:
                writer.writerow(
                    [g.path, g.notebook, r["exercise"], r["status"], r["message"],
                     r.get("hints", ""), r.get("solution_viewed", ""), f"{g.score:.4f}"]
                )
    return file


def report(grade: Grade) -> str:
    head = f"{grade.path}: " + (
        "could not be graded" if grade.problem else f"score {grade.correct}/{grade.total} ({grade.score:.0%})"
    )
    return head + "\n" + format_table(grade.rows, ["exercise", "status", "message"], max_width=100)


def main(paths, as_json: bool = False, timeout: float = 300, csv_path=None) -> int:
    files = notebooks_in(paths)
    grades = [grade_notebook(f, timeout=timeout) for f in files]
    if as_json:
        print(json.dumps([g.as_dict() for g in grades], indent=1, default=str))
    else:
        for g in grades:
            print(report(g) + "\n")
    several = len(files) > 1 or any(Path(p).is_dir() for p in paths)
    if csv_path or several:
        written = write_csv(grades, Path(csv_path or "grades.csv"))
        if not as_json:
            print(f"Wrote {written} ({sum(len(g.rows) for g in grades)} rows).")
    return 1 if any(g.problem for g in grades) else 0
