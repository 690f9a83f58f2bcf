"""Grade notebooks: run each in a fresh, separate kernel and judge every answer here.

``python -m course_utils grade PATH [PATH ...] [--timeout S] [--csv FILE] [--report FILE.html] [--json]``

How a grade is made
-------------------
1. **Which notebook.** The submission says which course notebook it is
   (``metadata.course.id``, else its file name); its cells must agree (they
   import ``course_utils.exercises.nbNN``). Where they disagree the cells win and
   the grade carries a flag. The exercises to grade are the course's own list
   for that id (:func:`course_utils.course.registry.exercises_of`), never a list
   the submission provides.
2. **Run it apart** (:mod:`course_utils.course.sandbox`): a fresh kernel in a
   temporary folder holding only a copy of the notebook, under a guard process,
   with a time budget.
3. **Capture the answers** (:mod:`course_utils.course.capture`): every
   ``qN.check(answer, **context)`` sends its answer and context out of the kernel
   in a restricted data format (never unpickled).
4. **Judge them here**, with the course's exercise objects:
   ``ex.evaluate(answer, **context)``. What the notebook *displayed* is only
   compared with that verdict; a difference is flagged.
5. **Solution viewed.** A correct answer checked after the learner called
   ``qN.solution()``, ``qN.reference()`` (and the like) is reported as
   "solution viewed" and does not score. Both the source (a static reading of
   the cells that ran) and the kernel's own notes count as evidence.

Exit codes of :func:`main`: 0 every notebook ran to its end and was graded; 1 at
least one could not be graded fully (unreadable, not a course notebook, timed
out, the kernel died, the run failed); 2 the grader was called wrongly (a path
that does not exist, a bad ``--timeout``, an output path that cannot be written).
"""

from __future__ import annotations

import ast
import csv
import json
import math
import re
import sys
import textwrap
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from course_utils.course import capture
from course_utils.course.checks import STATUSES
from course_utils.course.sandbox import new_kernel_manager  # noqa: F401 (the doctor starts its kernel with it)

NOTEBOOK_ROW = "(notebook)"
EXIT_OK, EXIT_FAILED, EXIT_MISUSE = 0, 1, 2
#: Statuses of an exercise row. ``solution_viewed`` is a correct answer checked after the
#: solution was shown; it does not score.
EXERCISE_STATUSES = ("correct", "solution_viewed", "incorrect", "not_attempted")
LABELS = {"correct": "Correct", "solution_viewed": "Solution viewed", "incorrect": "Incorrect",
          "not_attempted": "Not attempted", "error": "Error", "flag": "Flag"}
#: Longest time budget accepted (a day); longer ones are a typo more often than a wish.
MAX_TIMEOUT = 86_400
#: Larger files are not read (a notebook with outputs of this size is not a submission).
MAX_FILE_BYTES = 256 * 2**20
CSV_COLUMNS = ["path", "learner", "notebook", "exercise", "status", "mistake", "message", "hints",
               "solution_viewed", "flags", "score"]
#: Attributes of an exercise that give its answer away.
REVEALING = tuple(capture.REVEALING_METHODS) + tuple(capture.REVEALING_ATTRIBUTES) + ("order", "pairs")
#: Key of ``Source.reveals`` for what reveals every exercise checked after it (unwrapping the course's methods).
ANY_EXERCISE = "*"
_MODULE = re.compile(r"^course_utils\.exercises\.nb(\d\d)$")


class GradingError(ValueError):
    """The grader was called wrongly (exit code 2); the message says what to change."""


def check_timeout(value) -> float:
    """``value`` as a time budget in seconds, or a ValueError that says what is accepted."""
    if isinstance(value, bool):
        raise ValueError(f"--timeout expects a number of seconds, got {value!r}")
    try:
        seconds = float(value)
    except (TypeError, ValueError, OverflowError):
        raise ValueError(f"--timeout expects a number of seconds, such as 300; got {value!r}") from None
    if math.isnan(seconds):
        raise ValueError(f"--timeout expects a number of seconds, got {value!r} (not a number)")
    if math.isinf(seconds) or seconds > MAX_TIMEOUT:
        raise ValueError(f"--timeout must be at most {MAX_TIMEOUT} seconds (a day), got {value!r}; "
                         "a notebook that needs longer is stuck")
    if seconds <= 0:
        raise ValueError(f"--timeout expects a positive number of seconds, got {value!r}")
    return seconds


# ----------------------------------------------------------------------------------------------
# what a grade holds
# ----------------------------------------------------------------------------------------------
@dataclass
class Grade:
    """The grade of one notebook."""

    path: str
    learner: str = ""
    notebook: str = ""
    rows: list = field(default_factory=list)
    problem: str = ""  # set when the notebook could not be graded fully
    failure: str = ""  # "unreadable", "unknown", "timeout", "died", "error" or ""
    flags: list = field(default_factory=list)
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

    @property
    def failed(self) -> bool:
        return bool(self.failure)

    def as_dict(self) -> dict:
        return {"path": self.path, "learner": self.learner, "notebook": self.notebook, "rows": self.rows,
                "problem": self.problem, "failure": self.failure, "flags": self.flags, "seconds": self.seconds,
                "correct": self.correct, "total": self.total, "score": round(self.score, 4)}


@dataclass
class Submission:
    """A submitted file, read once before anything runs."""

    path: Path
    learner: str
    nb: object = None
    problem: str = ""


def load_submission(path, learner: str | None = None) -> Submission:
    """Read and validate one file; problems become :attr:`Submission.problem`."""
    path = Path(path)
    sub = Submission(path, learner if learner is not None else path.stem)
    if not path.exists():
        sub.problem = f"file not found: {path}"
    elif path.is_dir():
        sub.problem = f"{path} is a folder; give notebooks or a folder of them to grade"
    elif path.suffix != ".ipynb":
        sub.problem = f"not a notebook: {path.name} (expected a .ipynb file)"
    else:
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                raise ValueError(f"larger than {MAX_FILE_BYTES // 2**20} MB")
            nb = nbformat.reads(path.read_text(encoding="utf-8"), as_version=4)
            nbformat.validate(nb)
            for cell in nb.cells:
                if cell.cell_type == "code":
                    cell.outputs, cell.execution_count = [], None
            sub.nb = nb
        except Exception as exc:
            reason = str(exc).strip().splitlines()[0][:150] if str(exc).strip() else type(exc).__name__
            sub.problem = f"corrupt notebook: {path.name} cannot be read ({reason})"
    return sub


# ----------------------------------------------------------------------------------------------
# a static reading of the cells
# ----------------------------------------------------------------------------------------------
@dataclass
class Source:
    """What the submission's code cells say, positions as ``(cell, line, column)``."""

    checks: dict = field(default_factory=dict)  # exercise -> [end position of each qN.check(...) call]
    reveals: dict = field(default_factory=dict)  # exercise -> [(position, what)]
    hints: dict = field(default_factory=dict)  # exercise -> [(cell, n or None)]
    modules: dict = field(default_factory=dict)  # notebook id -> first cell importing its exercises
    unparsed: list = field(default_factory=list)  # cells that are not Python


def _python(source: str) -> str:
    try:
        from IPython.core.inputtransformer2 import TransformerManager

        return TransformerManager().transform_cell(source)
    except Exception:
        return source


class _Reader(ast.NodeVisitor):
    def __init__(self, out: Source, cell: int, aliases: dict, modules: dict):
        self.out, self.cell, self.aliases, self.module_aliases = out, cell, aliases, modules

    def exercise(self, node) -> str | None:
        """The exercise an expression names (``q1``, ``b`` after ``import q1 as b``, ``nb00.q1``; also its
        class: ``type(q1)``, ``q1.__class__``)."""
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "type" \
                and len(node.args) == 1:
            return self.exercise(node.args[0])
        if isinstance(node, ast.Attribute) and node.attr == "__class__":
            return self.exercise(node.value)
        if isinstance(node, ast.Name):
            return self.aliases.get(node.id)
        if isinstance(node, ast.Attribute) and re.fullmatch(r"q\d+", node.attr):
            if self.module(node.value):
                return node.attr
        return None

    def module(self, node) -> str | None:
        if isinstance(node, ast.Name):
            return self.module_aliases.get(node.id)
        text = _dotted(node)
        m = _MODULE.match(text or "")
        return m.group(1) if m else None

    def pos(self, node, end=False) -> tuple:
        if end:
            return (self.cell, node.end_lineno or 0, node.end_col_offset or 0)
        return (self.cell, node.lineno, node.col_offset)

    def visit_ImportFrom(self, node):
        mod = node.module or ""
        m = _MODULE.match(mod)
        if m:
            self.out.modules.setdefault(m.group(1), self.cell)
            for a in node.names:
                if re.fullmatch(r"q\d+", a.name):
                    self.aliases[a.asname or a.name] = a.name
        elif mod == "course_utils.exercises":
            for a in node.names:
                mm = re.fullmatch(r"nb(\d\d)", a.name)
                if mm:
                    self.out.modules.setdefault(mm.group(1), self.cell)
                    self.module_aliases[a.asname or a.name] = mm.group(1)
        self.generic_visit(node)

    def visit_Import(self, node):
        for a in node.names:
            m = _MODULE.match(a.name)
            if m:
                self.out.modules.setdefault(m.group(1), self.cell)
                if a.asname:
                    self.module_aliases[a.asname] = m.group(1)
        self.generic_visit(node)

    def visit_Attribute(self, node):
        name = self.exercise(node.value)
        if name and node.attr in REVEALING:
            self.out.reveals.setdefault(name, []).append((self.pos(node), f"{name}.{node.attr}"))
        elif node.attr == "__wrapped__":  # the course's method without the wrapper that notes a view
            self.out.reveals.setdefault(ANY_EXERCISE, []).append((self.pos(node), "a course method unwrapped "
                                                                                  "(__wrapped__)"))
        self.generic_visit(node)

    def visit_Call(self, node):
        func = node.func
        if isinstance(func, ast.Attribute):
            name = self.exercise(func.value)
            if name and func.attr == "check":
                self.out.checks.setdefault(name, []).append(self.pos(node, end=True))
            elif name and func.attr == "hint":
                arg = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "n"), None)
                n = 1 if arg is None else (arg.value if isinstance(arg, ast.Constant) and type(arg.value) is int
                                          else None)
                self.out.hints.setdefault(name, []).append((self.cell, n))
            elif name and func.attr == "answer_or_reference":
                if not node.args or not isinstance(node.args[0], ast.Name) or node.args[0].id == "____":
                    self.out.reveals.setdefault(name, []).append(
                        (self.pos(node), f"{name}.answer_or_reference() of something other than your answer"))
        if (isinstance(func, ast.Name) and func.id == "unwrap") or \
                (isinstance(func, ast.Attribute) and func.attr == "unwrap"):
            self.out.reveals.setdefault(ANY_EXERCISE, []).append((self.pos(node), "a course method unwrapped "
                                                                                  "(inspect.unwrap)"))
        if isinstance(func, ast.Name) and func.id == "getattr" and node.args:
            name = self.exercise(node.args[0])
            if name and len(node.args) > 1:
                attr = node.args[1]
                literal = isinstance(attr, ast.Constant) and isinstance(attr.value, str)
                if not literal or attr.value in REVEALING:
                    what = f"getattr({name}, {attr.value!r})" if literal else f"getattr({name}, <computed name>)"
                    self.out.reveals.setdefault(name, []).append((self.pos(node), what))
        self.generic_visit(node)


def _dotted(node) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        return ".".join([node.id, *reversed(parts)])
    return None


def read_cells(nb) -> Source:
    """A static reading of every code cell (magics turned into Python first)."""
    out, aliases, modules = Source(), {}, {}
    for index, cell in enumerate(nb.cells):
        if cell.get("cell_type") != "code":
            continue
        try:
            tree = ast.parse(_python(str(cell.get("source", ""))))
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            out.unparsed.append(index)
            continue
        try:
            _Reader(out, index, aliases, modules).visit(tree)
        except RecursionError:
            out.unparsed.append(index)
    return out


# ----------------------------------------------------------------------------------------------
# which course notebook
# ----------------------------------------------------------------------------------------------
def known_notebooks() -> list:
    """The ids of the course's notebooks with exercises (found without importing them)."""
    import pkgutil

    import course_utils.exercises as package

    return sorted(m.name[2:] for m in pkgutil.iter_modules(package.__path__) if re.fullmatch(r"nb\d\d", m.name))


def identify(nb, path: Path, source: Source) -> tuple:
    """``(notebook id or "", flags, problem)``: the metadata's claim, checked against the cells."""
    flags = []
    course = nb.metadata.get("course") if isinstance(nb.metadata, dict) else None
    claimed = course.get("id") if isinstance(course, dict) else None
    claimed = claimed if isinstance(claimed, str) and re.fullmatch(r"\d\d", claimed) else None
    named = re.match(r"(\d\d)_", Path(path).name)
    named = named.group(1) if named else None
    imported = list(source.modules)
    if course is not None and not isinstance(course, dict):
        flags.append("its metadata 'course' entry is not a mapping (edited?); the grader ignores it")
    elif isinstance(course, dict) and set(course) - {"id", "exercises", "version"}:
        extra = sorted(map(str, set(course) - {"id", "exercises", "version"}))[:5]
        flags.append(f"its metadata 'course' entry has unexpected keys {extra}")
    if isinstance(course, dict) and "exercises" in course and course.get("exercises") != (
            f"course_utils.exercises.nb{claimed}" if claimed else None):
        flags.append(f"its metadata names the exercises module {str(course.get('exercises'))[:60]!r} (edited?); "
                     "the grader uses the course's own list")
    chosen = claimed or named
    if imported:
        if len(imported) > 1:
            flags.append(f"its cells import the exercises of several notebooks ({', '.join(imported)}); "
                         f"graded as notebook {imported[0]}")
        if chosen and chosen not in imported:
            flags.append(f"it claims to be notebook {chosen} but its cells import the exercises of notebook "
                         f"{imported[0]}; graded as notebook {imported[0]}")
        chosen = imported[0]
    elif chosen:
        flags.append(f"its cells never import the exercises of notebook {chosen}")
    if claimed is None and isinstance(course, dict) and "id" in course:
        flags.append(f"its metadata course id {str(course.get('id'))[:20]!r} is not a notebook id")
    known = known_notebooks()
    if not chosen:
        return "", flags, ("not a course notebook: neither its metadata, its file name nor its cells say which "
                           f"notebook it is (the course has {', '.join(known)})")
    if chosen not in known:
        return chosen, flags, f"the course has no notebook {chosen} with exercises (it has {', '.join(known)})"
    return chosen, flags, ""


# ----------------------------------------------------------------------------------------------
# judging
# ----------------------------------------------------------------------------------------------
def _viewed_before(name: str, note_cell: int, note_seq: int, source: Source, notes: list, last_cell: int) -> str:
    """How the learner saw the answer before the check that counts ("" if they did not)."""
    checks_in_cell = [p for p in source.checks.get(name, []) if p[0] == note_cell]
    limit = max(checks_in_cell) if checks_in_cell else (note_cell, math.inf, math.inf)
    for pos, what in sorted(source.reveals.get(name, []) + source.reveals.get(ANY_EXERCISE, [])):
        if pos < limit and pos[0] <= last_cell:
            return f"{what} in cell {pos[0] + 1}"
    for _, note in notes:
        if note.get("kind") == "view" and note.get("exercise") == name and _int(note.get("seq")) < note_seq:
            return f"{str(note.get('how', 'the solution'))[:60]} (seen while it ran)"
    return ""


def _viewed_at_all(name: str, source: Source, notes: list, last_cell: int) -> bool:
    if any(pos[0] <= last_cell for pos, _ in source.reveals.get(name, []) + source.reveals.get(ANY_EXERCISE, [])):
        return True
    # the notebook continuing from the reference after a skipped exercise is the course's flow, not a view
    return any(n.get("kind") == "view" and n.get("exercise") == name
               and not str(n.get("how", "")).startswith("answer_or_reference") for _, n in notes)


def _int(value, default=0) -> int:
    return value if type(value) is int else default


def _hints_used(ex, source: Source, notes: list, last_cell: int) -> int:
    limit = len(list(getattr(ex, "hints", []) or [])) or 1
    seen = [n for cell, n in source.hints.get(ex.name, []) if cell <= last_cell and type(n) is int]
    seen += [_int(n.get("n")) for _, n in notes if n.get("kind") == "hint" and n.get("exercise") == ex.name]
    valid = [n for n in seen if 1 <= n <= limit]
    return max(valid, default=0)


def judge(ex, note) -> tuple:
    """``(status, message, mistake, problem)`` for one captured check, judged by ``ex`` itself."""
    try:
        answer = capture.decode(note.get("answer"))
        context = note.get("context") or {}
        if not isinstance(context, dict):
            raise capture.CaptureError("the context is not a mapping")
        context = {str(k): capture.decode(v) for k, v in context.items()}
    except capture.CaptureError as exc:
        return ("incorrect", "The grader could not read this answer back from the kernel.", "",
                f"its captured answer is not in the capture format ({exc})")
    try:
        result = ex.evaluate(answer, **context)
    except Exception as exc:  # a bug in a check (debug mode raises it): say so, never stop grading
        return ("incorrect", f"The answer could not be checked ({type(exc).__name__} inside the check).", "",
                f"the check raised {type(exc).__name__}: {str(exc)[:150]}")
    problem = ""
    if isinstance(answer, capture.Uncaptured):
        problem = f"its answer could not be carried out of the kernel ({answer.why}): {answer!r}"
    return result.status, result.message, result.mistake, problem


def _cross_check(grade: Grade, records: list, expected: list, statuses: dict, checked: set) -> None:
    """Compare what the notebook displayed with the grader's verdicts; flag what differs."""
    shown, unknown, odd = {}, set(), []
    for _, record in records:
        kind, name = record.get("kind"), record.get("exercise")
        if not isinstance(name, str):
            odd.append("a record without an exercise name")
            continue
        if name not in expected or record.get("notebook") not in (grade.notebook, None):
            unknown.add(name[:20])
            continue
        if kind == "check":
            status = record.get("status")
            if status not in STATUSES:
                odd.append(f"{name} displayed the status {str(status)[:30]!r}, which checks never give")
            shown[name] = str(status)[:30]
        elif kind == "hint" and not (type(record.get("n")) is int and 1 <= record["n"] <= 100):
            odd.append(f"{name} displayed a hint record with n={str(record.get('n'))[:30]}")
    if unknown:
        names = sorted(unknown)
        more = f" and {len(names) - 10} more" if len(names) > 10 else ""
        grade.flags.append(f"it displayed check records for exercises this notebook does not have "
                           f"({', '.join(names[:10])}{more}); they were ignored")
    for text in odd[:5]:
        grade.flags.append(text + " (ignored)")
    for name in expected:
        mine = statuses[name]
        theirs = shown.get(name)
        if theirs is None:
            continue
        if name not in checked and theirs != "not_attempted":
            grade.flags.append(f"{name}: the notebook displayed '{theirs}' but {name}.check never ran "
                               "(a forged record?)")
        elif theirs != ("correct" if mine == "solution_viewed" else mine):
            grade.flags.append(f"{name}: the notebook displayed '{theirs}' but the grader's own check says '{mine}'")


def grade_submission(sub: Submission, timeout: float = 300) -> Grade:
    """Run one submission in its own kernel and folder and judge every exercise."""
    from course_utils.course import sandbox

    timeout = check_timeout(timeout)
    grade = Grade(path=str(sub.path), learner=sub.learner)

    def fail(message: str, failure: str) -> Grade:
        grade.problem, grade.failure = message, failure
        grade.rows.append({"exercise": NOTEBOOK_ROW, "status": "error", "message": message})
        return grade

    if sub.problem:
        return fail(sub.problem, "unreadable")
    source = read_cells(sub.nb)
    grade.notebook, flags, problem = identify(sub.nb, sub.path, source)
    grade.flags.extend(flags)
    if problem:
        return fail(problem, "unknown")
    exercises = course_exercises(grade.notebook)
    expected = [ex.name for ex in exercises]

    run = sandbox.run_notebook(sub.nb, sub.path.name, timeout)
    grade.seconds = run.seconds

    checks, strays = {}, set()
    for cell, note in run.notes:
        if note.get("kind") != "check":
            continue
        if note.get("notebook") == grade.notebook and note.get("exercise") in expected:
            checks[note["exercise"]] = (cell, note)
        else:
            strays.add(f"{str(note.get('notebook'))[:4]}.{str(note.get('exercise'))[:10]}")
    statuses = {}
    notes_here = [(c, n) for c, n in run.notes if n.get("notebook") == grade.notebook]
    for ex in exercises:
        hints = _hints_used(ex, source, notes_here, run.last_cell)
        viewed = _viewed_at_all(ex.name, source, notes_here, run.last_cell)
        row = {"exercise": ex.name, "title": str(getattr(ex, "title", "")), "mistake": "", "hints": hints,
               "solution_viewed": viewed}
        if ex.name not in checks:
            row.update(status="not_attempted", message="its check did not run")
        else:
            cell, note = checks[ex.name]
            status, message, mistake, trouble = judge(ex, note)
            if trouble:
                grade.flags.append(f"{ex.name}: {trouble}")
            how = _viewed_before(ex.name, cell, _int(note.get("seq")), source, notes_here, run.last_cell)
            if status == "correct" and how:
                status = "solution_viewed"
                message = f"Correct, but checked after the solution was shown ({how}): not counted. {message}"
            row.update(status=status, message=message, mistake=mistake)
        statuses[ex.name] = row["status"]
        grade.rows.append(row)

    _cross_check(grade, run.records, expected, statuses, set(checks))
    if strays:
        grade.flags.append(f"it checked exercises of other notebooks ({', '.join(sorted(strays)[:10])}); "
                           "they were not graded")
    if run.foreign_notes:
        grade.flags.append(f"{run.foreign_notes} capture note(s) that the grader did not make were ignored")
    if run.dropped_outputs:
        grade.flags.append(f"its outputs passed {sandbox.OUTPUT_BUDGET // 2**20} MB; "
                           f"{run.dropped_outputs} later output(s) were dropped")
    if run.problem:
        grade.problem, grade.failure = run.problem, run.kind
        grade.rows.append({"exercise": NOTEBOOK_ROW, "status": "error", "message": run.problem})
    if run.error and not (run.kind == "timeout" and run.error[0] >= run.last_cell):
        index, ename, evalue = run.error
        grade.rows.append({"exercise": NOTEBOOK_ROW, "status": "error",
                           "message": f"cell {index + 1} raised {ename}: {_clip(evalue, 160)} (later cells still ran)"})
    for flag in grade.flags:
        grade.rows.append({"exercise": NOTEBOOK_ROW, "status": "flag", "message": flag})
    return grade


def _flag_duplicates(grades: list) -> None:
    """Flag a learner's second submission of the same notebook (the report's heatmap shows the last)."""
    seen = {}
    for g in grades:
        if not g.notebook:
            continue
        key = (g.learner, g.notebook)
        if key in seen:
            flag = (f"{g.learner} handed in notebook {g.notebook} more than once (also {seen[key]}); "
                    "both are graded, the report's heatmap shows this one")
            g.flags.append(flag)
            g.rows.append({"exercise": NOTEBOOK_ROW, "status": "flag", "message": flag})
        seen[key] = g.path


def _grade_safely(sub: Submission, timeout: float) -> Grade:
    """:func:`grade_submission`, with a failure of the grader itself recorded as this notebook's problem."""
    try:
        return grade_submission(sub, timeout=timeout)
    except Exception as exc:
        message = f"the grader failed on this notebook ({type(exc).__name__}: {_clip(exc, 200)}); please report it"
        return Grade(path=str(sub.path), learner=sub.learner, problem=message, failure="error",
                     rows=[{"exercise": NOTEBOOK_ROW, "status": "error", "message": message}])


def grade_notebook(path, timeout: float = 300, learner: str | None = None) -> Grade:
    """Read one notebook, run it in a fresh kernel in its own folder, and grade it."""
    timeout = check_timeout(timeout)
    return grade_submission(load_submission(path, learner), timeout=timeout)


def _clip(text: str, n: int) -> str:
    text = " ".join(str(text).split())
    if len(text) <= n:
        return text
    cut = text[:n].rsplit(" ", 1)[0]
    return (cut or text[:n]) + " ..."


# ----------------------------------------------------------------------------------------------
# collecting, printing and writing
# ----------------------------------------------------------------------------------------------
def notebooks_in(paths) -> list:
    """``[(path, learner)]``: folders expanded into the notebooks they hold (checkpoints skipped).

    A learner is named by the path under the folder given: ``subs/alice.ipynb`` is "alice",
    ``subs/alice/01_rfm_kmeans.ipynb`` is "alice".
    """
    out = []
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted(q for q in p.rglob("*.ipynb") if ".ipynb_checkpoints" not in q.parts)
            for q in found:
                rel = q.relative_to(p)
                out.append((q, str(rel.parent) if len(rel.parts) > 1 else rel.stem))
        else:
            out.append((p, p.stem))
    return out


def format_grade(grade: Grade, width: int = 100) -> str:
    """A grade as text: a header and a table whose messages wrap at word boundaries."""
    if grade.total:
        head = f"{grade.path}: score {grade.correct}/{grade.total} ({grade.score:.0%})"
    else:
        head = f"{grade.path}: could not be graded"
    if grade.problem and grade.total:
        head += " - not run to the end"
    rows = [(r["exercise"], LABELS.get(r["status"], r["status"]), str(r.get("hints", "")) if "hints" in r else "",
             str(r.get("message", ""))) for r in grade.rows]
    heads = ("exercise", "status", "hints", "message")
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(heads[:3])]
    message_width = max(30, width - sum(widths) - 6)
    lines = ["  ".join(h.ljust(w) for h, w in zip(heads, [*widths, 0])).rstrip(),
             "  ".join("-" * w for w in [*widths, min(message_width, 60)])]
    for r in rows:
        wrapped = textwrap.wrap(" ".join(r[3].split()), message_width, break_long_words=False,
                                break_on_hyphens=False) or [""]
        lines.append("  ".join(v.ljust(w) for v, w in zip(r[:3], widths)) + "  " + wrapped[0])
        pad = " " * (sum(widths) + 6)
        lines += [pad + more for more in wrapped[1:]]
    return head + "\n" + "\n".join(line.rstrip() for line in lines)


def csv_rows(grades: list) -> list:
    """The rows of the CSV, as dicts keyed by :data:`CSV_COLUMNS`."""
    out = []
    for g in grades:
        for r in g.rows:
            exercise_row = r["exercise"] != NOTEBOOK_ROW
            out.append({
                "path": g.path, "learner": g.learner, "notebook": g.notebook, "exercise": r["exercise"],
                "status": r["status"], "mistake": r.get("mistake", ""), "message": r.get("message", ""),
                "hints": r.get("hints", "") if exercise_row else "",
                "solution_viewed": ("yes" if r.get("solution_viewed") else "no") if exercise_row else "",
                "flags": "; ".join(f for f in g.flags if f.startswith(f"{r['exercise']}:")) if exercise_row else "",
                "score": f"{g.score:.4f}",
            })
    return out


def write_csv(grades: list, file) -> Path:
    file = Path(file)
    file.parent.mkdir(parents=True, exist_ok=True)
    with open(file, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        writer.writerows(csv_rows(grades))
    return file


def _output_path(value, suffix: str, what: str) -> Path:
    path = Path(value)
    if path.suffix.lower() != suffix:
        raise GradingError(f"{what} must be a file ending in {suffix}, got {value!r}")
    if path.is_dir():
        raise GradingError(f"{what} {value!r} is a folder; give a file name ending in {suffix}")
    parent = path.parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir() or not _writable(parent):
        raise GradingError(f"{what} {value!r} cannot be written ({parent} is not a writable folder)")
    return path


def _writable(folder: Path) -> bool:
    import os

    return os.access(folder, os.W_OK | os.X_OK)


def main(paths, as_json: bool = False, timeout=300, csv_path=None, report_path=None) -> int:
    """Grade every notebook under ``paths``; print, write the CSV (and the class report); return the exit code."""
    try:
        timeout = check_timeout(timeout)
        if not paths:
            raise GradingError("give at least one notebook or folder of notebooks")
        missing = [str(p) for p in paths if not Path(p).exists()]
        if missing:
            raise GradingError(f"not found: {', '.join(missing)}")
        files = notebooks_in(paths)
        if not files:
            raise GradingError(f"no notebooks (.ipynb) in {', '.join(map(str, paths))}")
        several = len(files) > 1 or any(Path(p).is_dir() for p in paths)
        csv_file = _output_path(csv_path or "grades.csv", ".csv", "--csv") if (csv_path or several or report_path) \
            else None
        report_file = _output_path(report_path, ".html", "--report") if report_path else None
    except (GradingError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_MISUSE

    # Read every submission before running any: a notebook that deletes files cannot reach the others.
    submissions = [load_submission(p, learner) for p, learner in files]
    prepare([s for s in submissions if not s.problem])
    grades = []
    started = time.monotonic()
    for sub in submissions:
        grades.append(_grade_safely(sub, timeout))
        if not as_json:
            print(format_grade(grades[-1]) + "\n", flush=True)
    _flag_duplicates(grades)
    if as_json:
        print(json.dumps([g.as_dict() for g in grades], indent=1, default=str))
    failed = [g for g in grades if g.failed]
    if not as_json:
        kinds = {}
        for g in failed:
            kinds[g.failure] = kinds.get(g.failure, 0) + 1
        detail = f" ({', '.join(f'{k}: {v}' for k, v in sorted(kinds.items()))})" if kinds else ""
        print(f"Graded {len(grades)} notebook(s) in {time.monotonic() - started:.0f} s: "
              f"{len(grades) - len(failed)} ran to the end, {len(failed)} did not{detail}.")
    if csv_file is not None:
        write_csv(grades, csv_file)
        if not as_json:
            print(f"Wrote {csv_file} ({sum(len(g.rows) for g in grades)} rows).")
    if report_file is not None:
        from course_utils.course import report as class_report

        class_report.write_report(grades, report_file)
        if not as_json:
            print(f"Wrote {report_file}.")
    return EXIT_FAILED if failed else EXIT_OK


def course_exercises(nb_id: str) -> list:
    """The course's exercise objects of notebook ``nb_id``, in order (only that module is imported)."""
    import importlib

    from course_utils.course.registry import module_name_for

    module = importlib.import_module(module_name_for(nb_id))
    return [getattr(module, name) for name in module.EXERCISES]


def prepare(submissions: list) -> None:
    """Load the exercises of every notebook to be graded, and their references, before any submitted code runs.

    The references are computed from the course's data once per grader process; computing
    them first means a notebook that damages the course's files cannot change the verdicts
    of the notebooks graded after it (grading as a separate user protects the files too).
    """
    ids = set()
    for sub in submissions:
        try:
            nb_id, _, problem = identify(sub.nb, sub.path, read_cells(sub.nb))
        except Exception:
            continue
        if nb_id and not problem:
            ids.add(nb_id)
    for nb_id in sorted(ids):
        for ex in course_exercises(nb_id):
            try:
                ex.reference()
            except Exception:  # a reference that needs the learner's context is computed when judged
                pass
