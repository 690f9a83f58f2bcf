"""The exercise contract: ``check(answer)``, ``hint(n)``, ``solution()``.

Every exercise in the course is an :class:`Exercise`. A learner calls

>>> q1.check(answer)      # doctest: +SKIP
>>> q1.hint()             # doctest: +SKIP
>>> q1.solution()         # doctest: +SKIP

``check`` always returns a :class:`CheckResult` whose ``status`` is one of
``"correct"``, ``"incorrect"`` or ``"not_attempted"`` and whose ``message`` says
why. It never raises on a strange answer: a wrong type, a wrong shape, ``None``
or an object that explodes when touched all get a message instead.

Writing an exercise
-------------------
Subclass :class:`Exercise`, set ``title``, ``expects``, ``hints`` and
``solution_code``, implement :meth:`Exercise.reference` (computed from the data,
never typed in) and :meth:`Exercise.diagnose`. ``diagnose`` returns ``None``
when the answer is right, or a message naming the likely mistake. It may raise
freely: any exception it raises becomes an "incorrect" result that repeats what
was expected.
"""

from __future__ import annotations

import html
import os
import textwrap
import warnings
from dataclasses import dataclass, field

__all__ = [
    "____",
    "CheckResult",
    "Exercise",
    "MIME_TYPE",
    "describe",
    "strict_mode",
]

#: Outputs of ``check``, ``hint`` and ``solution`` carry their outcome under this
#: MIME type so that the grader can read them back from an executed notebook.
MIME_TYPE = "application/vnd.course-check+json"

STATUSES = ("correct", "incorrect", "not_attempted")

_STRICT = False


class _Placeholder:
    """The ``____`` a learner replaces with their own code."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self):
        return "____"

    def __bool__(self):
        return False


#: Starter code says ``answer = ____``; checks treat it as "not attempted".
____ = _Placeholder()


def strict_mode(on: bool = True) -> None:
    """Make a check that does not pass raise ``AssertionError``.

    Solution notebooks switch this on in their first cell, so that a solution
    that stops passing fails the notebook run in CI. The environment variable
    ``COURSE_CHECKS_STRICT=0`` overrides it (the grader sets it, so that a
    submitted solution notebook is graded, not crashed).
    """
    global _STRICT
    if not isinstance(on, bool):
        raise TypeError(f"strict_mode expects True or False, got {on!r}")
    _STRICT = on


def _strict_now() -> bool:
    return _STRICT and os.environ.get("COURSE_CHECKS_STRICT", "") != "0"


def describe(obj) -> str:
    """A short, safe description of any object, for feedback messages."""
    try:
        import numpy as np
        import pandas as pd

        if isinstance(obj, pd.DataFrame):
            cols = ", ".join(map(str, list(obj.columns)[:6]))
            more = ", ..." if obj.shape[1] > 6 else ""
            return f"a DataFrame with {obj.shape[0]} rows and columns [{cols}{more}]"
        if isinstance(obj, pd.Series):
            return f"a Series of {len(obj)} values (dtype {obj.dtype})"
        if isinstance(obj, np.ndarray):
            return f"a NumPy array of shape {obj.shape} (dtype {obj.dtype})"
    except Exception:  # noqa: BLE001 - describing must never fail
        pass
    if obj is None:
        return "None (did the cell assign a value?)"
    if isinstance(obj, BaseException):
        return f"an exception object ({type(obj).__name__})"
    try:
        text = repr(obj)
    except Exception:  # noqa: BLE001
        text = f"<{type(obj).__name__}>"
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{type(obj).__name__} {text}"


@dataclass
class CheckResult:
    """The outcome of one check.

    Attributes
    ----------
    status : {"correct", "incorrect", "not_attempted"}
    message : str
        What is right or wrong, in words a learner can act on.
    exercise : str
        The exercise name, such as ``"q1"``.
    notebook : str
        The notebook the exercise belongs to, such as ``"00"``.
    """

    status: str
    message: str
    exercise: str = ""
    notebook: str = ""
    _shown_at: object = field(default=None, repr=False, compare=False)

    def __post_init__(self):
        if self.status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}, got {self.status!r}")

    def __bool__(self):
        return self.status == "correct"

    @property
    def correct(self) -> bool:
        return self.status == "correct"

    # -- display -----------------------------------------------------------------
    _LABELS = {
        "correct": ("Correct", "#1b7f3b", "#e9f7ee"),
        "incorrect": ("Incorrect", "#b3261e", "#fdecea"),
        "not_attempted": ("Not attempted", "#8a6d00", "#fff8e1"),
    }

    def text(self) -> str:
        label = self._LABELS[self.status][0]
        prefix = f"{self.exercise}: " if self.exercise else ""
        return f"{prefix}{label}. {self.message}"

    def as_record(self) -> dict:
        return {
            "kind": "check",
            "notebook": self.notebook,
            "exercise": self.exercise,
            "status": self.status,
            "message": self.message,
        }

    def _mimebundle(self) -> dict:
        label, fg, bg = self._LABELS[self.status]
        prefix = f"{html.escape(self.exercise)}: " if self.exercise else ""
        body = html.escape(self.message).replace("\n", "<br>")
        html_text = (
            f'<div style="border-left:4px solid {fg};background:{bg};'
            f'padding:6px 10px;margin:4px 0;color:#222">'
            f'<b style="color:{fg}">{prefix}{label}.</b> {body}</div>'
        )
        return {"text/plain": self.text(), "text/html": html_text, MIME_TYPE: self.as_record()}

    def _ipython_display_(self):
        # check() already displayed this result in the current cell: showing it
        # again because it is also the cell's last value would print it twice.
        if self._shown_at is not None and self._shown_at == _execution_count():
            self._shown_at = None
            return
        _display_bundle(self._mimebundle())

    def __repr__(self):
        return f"CheckResult(status={self.status!r}, message={self.message!r})"


def _ipython():
    try:
        from IPython import get_ipython
    except Exception:  # noqa: BLE001
        return None
    ip = get_ipython()
    return ip if ip is not None and getattr(ip, "kernel", None) is not None else None


def _execution_count():
    ip = _ipython()
    return None if ip is None else ip.execution_count


def _display_bundle(bundle: dict) -> None:
    """Show a MIME bundle in Jupyter, or print its plain text elsewhere."""
    if _ipython() is not None:
        from IPython.display import display

        display(bundle, raw=True)
    else:
        print(bundle["text/plain"])


class Exercise:
    """One exercise. Subclass it; see the module docstring.

    Class attributes
    ----------------
    title : str
        One line saying what to produce.
    expects : str
        What a correct answer looks like, e.g. ``"an int"``. Repeated to the
        learner whenever the answer cannot even be inspected.
    hints : list of str
        From gentle to nearly the answer.
    solution_code : str
        Code that produces the answer, shown by :meth:`solution`.
    """

    title = ""
    expects = "an answer"
    hints: list = []
    solution_code = ""

    def __init__(self, name: str = "", notebook: str = ""):
        self.name = name
        self.notebook = notebook

    # -- to implement ------------------------------------------------------------
    def reference(self):
        """The reference answer, computed from the data."""
        raise NotImplementedError

    def diagnose(self, answer):
        """Return ``None`` if ``answer`` is right, else a message naming the mistake."""
        raise NotImplementedError

    def correct_message(self, answer) -> str:
        return "Well done."

    # -- the learner's API -------------------------------------------------------
    def evaluate(self, answer) -> CheckResult:
        """Judge ``answer`` without displaying or recording anything."""
        if _is_placeholder(answer):
            return self._result(
                "not_attempted",
                "Replace the ____ with your code, run the cell, then check again.",
            )
        try:
            with warnings.catch_warnings():  # the check's own arithmetic is not the learner's concern
                warnings.simplefilter("ignore")
                problem = self.diagnose(answer)
        except Exception as exc:  # noqa: BLE001 - a check never crashes
            problem = (
                f"Your answer could not be checked: expected {self.expects}, "
                f"got {describe(answer)} ({type(exc).__name__} while inspecting it)."
            )
        if problem is None:
            try:
                message = self.correct_message(answer)
            except Exception:  # noqa: BLE001
                message = "Well done."
            return self._result("correct", message)
        if not isinstance(problem, str) or not problem.strip():
            problem = f"Not quite. Expected {self.expects}."
        return self._result("incorrect", problem)

    def check(self, answer=____) -> CheckResult:
        """Check ``answer``, show the verdict, record it, and return it."""
        result = self.evaluate(answer)
        _display_bundle(result._mimebundle())
        result._shown_at = _execution_count()
        from course_utils import progress

        progress.record_check(result)
        if _strict_now() and not result.correct:
            raise AssertionError(f"[strict mode] {result.text()}")
        return result

    def hint(self, n: int = 1) -> None:
        """Show hint number ``n`` (1 is the gentlest)."""
        hints = list(self.hints) or ["There is no hint for this one; try solution()."]
        if isinstance(n, bool) or not isinstance(n, int):
            text = f"hint() takes a hint number from 1 to {len(hints)}, got {n!r}."
        elif not 1 <= n <= len(hints):
            text = f"{self.name} has {len(hints)} hint(s): call hint(1) to hint({len(hints)})."
        else:
            more = f" (hint({n + 1}) says more)" if n < len(hints) else ""
            text = f"Hint {n}/{len(hints)}{more}: {hints[n - 1]}"
            from course_utils import progress

            progress.record_help(self.notebook, self.name, "hint", n)
        record = {"kind": "hint", "notebook": self.notebook, "exercise": self.name, "n": n}
        _display_bundle(
            {
                "text/plain": f"{self.name}: {text}",
                "text/html": f"<div style='border-left:4px solid #3367d6;padding:6px 10px'>"
                f"<b>{html.escape(self.name)}</b>: {html.escape(text)}</div>",
                MIME_TYPE: record,
            }
        )

    def solution(self) -> None:
        """Show code that solves the exercise."""
        from course_utils import progress

        progress.record_help(self.notebook, self.name, "solution", 1)
        code = textwrap.dedent(self.solution_code).strip()
        _display_bundle(
            {
                "text/plain": f"{self.name} solution:\n{code}",
                "text/markdown": f"**{self.name} solution**\n\n```python\n{code}\n```",
                MIME_TYPE: {"kind": "solution", "notebook": self.notebook, "exercise": self.name},
            }
        )

    def answer_or_reference(self, answer=____):
        """Return ``answer`` if it is correct, else the reference answer.

        Later cells that build on this exercise call it, so the notebook keeps
        running when the exercise was skipped, and says so.
        """
        result = self.evaluate(answer)
        if result.correct:
            return answer
        why = "not attempted yet" if result.status == "not_attempted" else "not correct yet"
        _display_bundle(
            {
                "text/plain": f"{self.name} is {why}, so the rest of the notebook "
                "continues from the reference result.",
            }
        )
        return self.reference()

    # -- helpers -----------------------------------------------------------------
    def _result(self, status: str, message: str) -> CheckResult:
        return CheckResult(status, message, exercise=self.name, notebook=self.notebook)

    def __repr__(self):
        return f"<exercise {self.notebook}.{self.name}: {self.title}>"


def _is_placeholder(answer) -> bool:
    try:
        return answer is ____ or isinstance(answer, _Placeholder)
    except Exception:  # noqa: BLE001
        return False


def bind(module_globals: dict, notebook: str) -> list:
    """Name every :class:`Exercise` instance in a module after its variable.

    Call it at the bottom of an exercises module: ``bind(globals(), "00")``.
    Returns the exercise names in order (q1, q2, ...).
    """
    names = []
    for key, value in list(module_globals.items()):
        if isinstance(value, Exercise):
            value.name = key
            value.notebook = notebook
            names.append(key)
    names.sort(key=lambda k: (len(k), k))
    return names

