"""A learner's progress: the latest outcome of every check, kept in a local file.

The file is JSON at ``~/.course_utils/progress.json`` unless the environment
variable ``COURSE_PROGRESS_FILE`` names another path (tests and the grader use a
temporary one). Recording never interrupts a learner: if the file cannot be
written, a check still shows its verdict and a one-time warning says why.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
import warnings
from pathlib import Path

ENV_VAR = "COURSE_PROGRESS_FILE"
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
        return {"version": 1, "notebooks": {}}
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
    return data


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


def _update(notebook: str, exercise: str, change) -> None:
    """Apply ``change(entry)`` to one exercise's entry; never raise."""
    global _warned
    if not notebook or not exercise:
        return
    path = progress_path()
    try:
        try:
            data = load(path)
        except ValueError:
            # Keep the unreadable file for inspection and start a new one.
            path.replace(path.with_name(path.name + ".corrupt"))
            data = {"version": 1, "notebooks": {}}
        entry = data["notebooks"].setdefault(str(notebook), {}).setdefault(
            exercise, {"status": "not_attempted", "attempts": 0, "hints": 0, "solution_viewed": False}
        )
        change(entry)
        entry["updated"] = time.strftime("%Y-%m-%d %H:%M:%S")
        _save(data, path)
    except Exception as exc:  # noqa: BLE001 - progress must never break a check
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
        entry["status"] = result.status
        entry["message"] = result.message
        if result.status != "not_attempted":
            entry["attempts"] = int(entry.get("attempts", 0)) + 1

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

    Exercises that were never checked appear as ``"not started"``.
    """
    from course_utils.exercises import exercise_modules

    data = load(path)["notebooks"]
    out = {}
    for notebook, module in exercise_modules().items():
        recorded = data.get(notebook, {})
        rows = []
        for name in module.EXERCISES:
            entry = recorded.get(name, {})
            rows.append(
                {
                    "exercise": name,
                    "status": str(entry.get("status", "not started")).replace("_", " "),
                    "attempts": entry.get("attempts", 0),
                    "hints": entry.get("hints", 0),
                    "solution": "viewed" if entry.get("solution_viewed") else "",
                    "updated": entry.get("updated", ""),
                }
            )
        out[notebook] = rows
    return out


def show(path: Path | None = None) -> str:
    """Print (and return) the progress tables."""
    from course_utils.console import format_table

    path = Path(path) if path is not None else progress_path()
    try:
        tables = table(path)
    except ValueError as exc:
        text = f"[FAIL] {exc}"
        print(text)
        return text
    parts = [f"Progress file: {path}"]
    for notebook, rows in tables.items():
        done = sum(r["status"] == "correct" for r in rows)
        parts.append(f"\nNotebook {notebook}: {done}/{len(rows)} correct")
        parts.append(format_table(rows, ["exercise", "status", "attempts", "hints", "solution", "updated"]))
    text = "\n".join(parts)
    print(text)
    return text
