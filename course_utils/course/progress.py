"""A learner's progress: the best and the latest outcome of every check, kept in a local file.

The file is JSON at ``~/.course_utils/progress.json`` unless the environment
variable ``COURSE_PROGRESS_FILE`` names another path (tests and the grader use a
temporary one). Recording never interrupts a learner: if the file cannot be
written, a check still shows its verdict and a one-time warning says why.

Each exercise keeps

* ``best``: the best outcome so far (correct > incorrect) and when it happened;
* ``latest``: the latest *attempt* and when. Running a notebook with the
  exercise left blank ("not attempted") changes neither, so re-running a fresh
  copy of a notebook never erases a Correct;
* ``attempts``, ``hints`` (the highest hint shown), ``solution_viewed``;
* ``details``: what an exercise keeps besides the verdict (a written answer's
  text and self-score).

Other tools keep their own sections (the drill keeps ``"drill"``).
"""

from __future__ import annotations

import json
import os
import tempfile
import time
import warnings
from pathlib import Path

ENV_VAR = "COURSE_PROGRESS_FILE"
VERSION = 2
_RANK = {"not_attempted": 0, "incorrect": 1, "correct": 2}
_warned = False


def progress_path() -> Path:
    """The progress file in use."""
    override = os.environ.get(ENV_VAR, "").strip()
    if override:
        return Path(override).expanduser()
    return Path.home() / ".course_utils" / "progress.json"


def load(path: Path | None = None) -> dict:
    """Read the progress file; an absent file is empty progress.

    Raises
    ------
    ValueError
        If the file exists but is not progress JSON; the message names the file.
    """
    path = Path(path) if path is not None else progress_path()
    if not path.exists():
        return {"version": VERSION, "notebooks": {}}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(
            f"The progress file {path} is not readable JSON ({exc}). "
            "Delete it to start afresh, or set COURSE_PROGRESS_FILE to another path."
        ) from exc
    if not isinstance(data, dict) or not isinstance(data.get("notebooks"), dict):
        raise ValueError(
            f"The progress file {path} does not hold course progress "
            "(expected an object with a 'notebooks' key). Delete it to start afresh."
        )
    return _upgrade(data)


def _upgrade(data: dict) -> dict:
    """Bring a version-1 file (one ``status`` per exercise) to version 2."""
    if data.get("version", 1) >= VERSION:
        return data
    for exercises in data["notebooks"].values():
        if not isinstance(exercises, dict):
            continue
        for entry in exercises.values():
            if not isinstance(entry, dict) or "status" not in entry:
                continue
            status = entry.pop("status")
            outcome = {"status": status, "message": entry.pop("message", ""), "at": entry.get("updated", "")}
            if status != "not_attempted":
                entry["latest"] = dict(outcome)
                entry["best"] = dict(outcome)
    data["version"] = VERSION
    return data


def _now() -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S")


def _save(data: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".progress-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=1, sort_keys=True)
        os.replace(tmp, path)  # atomic: a reader never sees half a file
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _new_entry() -> dict:
    return {"attempts": 0, "hints": 0, "solution_viewed": False}


def update_section(section: str, change) -> None:
    """Apply ``change(dict)`` to a top-level section of the file (tools other than checks)."""
    _mutate(lambda data: change(data.setdefault(section, {})))


def _update(notebook: str, exercise: str, change) -> None:
    """Apply ``change(entry)`` to one exercise's entry; never raise."""
    if not notebook or not exercise:
        return

    def mutate(data):
        entry = data["notebooks"].setdefault(str(notebook), {}).setdefault(exercise, _new_entry())
        change(entry)
        entry["updated"] = _now()

    _mutate(mutate)


def _mutate(mutate) -> None:
    """Load, apply ``mutate(data)``, save atomically; never raise."""
    global _warned
    path = progress_path()
    try:
        try:
            data = load(path)
        except ValueError:
            # Keep the unreadable file for inspection and start a new one.
            path.replace(path.with_name(path.name + ".corrupt"))
            data = {"version": VERSION, "notebooks": {}}
        mutate(data)
        _save(data, path)
    except Exception as exc:
        if not _warned:
            _warned = True
            warnings.warn(
                f"Could not record progress in {path}: {exc}. "
                f"Set {ENV_VAR} to a writable file to keep your progress.",
                stacklevel=3,
            )


def record_check(result) -> None:
    """Record the outcome of a check (called by ``Exercise.check``)."""

    def change(entry):
        if getattr(result, "details", None):
            entry["details"] = dict(result.details)
        if result.status == "not_attempted":
            return  # a blank exercise says nothing about the learner's work
        now = _now()
        outcome = {"status": result.status, "message": result.message, "at": now}
        if getattr(result, "mistake", ""):
            outcome["mistake"] = result.mistake
        entry["attempts"] = int(entry.get("attempts", 0)) + 1
        entry["latest"] = outcome
        best = entry.get("best")
        if not isinstance(best, dict) or _RANK.get(result.status, 0) > _RANK.get(best.get("status"), 0):
            entry["best"] = dict(outcome)

    _update(result.notebook, result.exercise, change)


def record_help(notebook: str, exercise: str, kind: str, n: int) -> None:
    """Record that a hint (``kind="hint"``) or the solution was shown."""

    def change(entry):
        if kind == "hint":
            entry["hints"] = max(int(entry.get("hints", 0)), int(n))
        else:
            entry["solution_viewed"] = True

    _update(notebook, exercise, change)


def table(path: Path | None = None) -> dict:
    """Progress per notebook: ``{notebook: [row, ...]}`` for every known exercise.

    Exercises that were never attempted appear as ``"not started"``.
    """
    from course_utils.course.registry import exercise_modules

    data = load(path)["notebooks"]
    out = {}
    for notebook, module in exercise_modules().items():
        recorded = data.get(notebook, {})
        rows = []
        for name in module.EXERCISES:
            entry = recorded.get(name, {})
            best = entry.get("best") or {}
            latest = entry.get("latest") or {}
            rows.append(
                {
                    "exercise": name,
                    "best": str(best.get("status", "not started")).replace("_", " "),
                    "best at": best.get("at", ""),
                    "latest": str(latest.get("status", "not started")).replace("_", " "),
                    "latest at": latest.get("at", ""),
                    "attempts": entry.get("attempts", 0),
                    "hints": entry.get("hints", 0),
                    "solution": "viewed" if entry.get("solution_viewed") else "",
                }
            )
        out[notebook] = rows
    return out


def show(path: Path | None = None) -> str:
    """Print (and return) the progress tables."""
    from course_utils.course.console import format_table

    path = Path(path) if path is not None else progress_path()
    try:
        tables = table(path)
    except ValueError as exc:
        text = f"[FAIL] {exc}"
        print(text)
        return text
    parts = [f"Progress file: {path}"]
    for notebook, rows in tables.items():
        done = sum(r["best"] == "correct" for r in rows)
        parts.append(f"\nNotebook {notebook}: {done}/{len(rows)} correct at best")
        parts.append(format_table(rows, ["exercise", "best", "best at", "latest", "latest at", "attempts", "hints",
                                         "solution"]))
    text = "\n".join(parts)
    print(text)
    return text
