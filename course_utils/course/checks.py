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
Most exercises are declarative: subclass one of the kinds in
:mod:`course_utils.course.kinds` (a value compared with a reference, a number
with a tolerance, a choice, an ordering, a matching, a written answer with a
rubric), convert the answer with :mod:`course_utils.course.answers`, and list
the known mistakes as :class:`~course_utils.course.declare.Mistake` data.

A converter that cannot make sense of the answer raises
:class:`~course_utils.course.answers.AnswerError`; its message becomes the
"incorrect" verdict. Any *other* exception inside a check is a bug in the
check: the learner sees "could not be checked", and with the environment
variable ``COURSE_CHECKS_DEBUG=1`` (set by the tests) it is raised instead, so
no checker bug hides behind a polite message.
"""

from __future__ import annotations

import html
import os
import textwrap
import warnings
from dataclasses import dataclass, field

from course_utils.course.answers import AnswerError, describe

__all__ = [
    "____",
    "CheckResult",
    "Exercise",
    "MIME_TYPE",
    "debug_mode",
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


class Pending(str):
    """A diagnosis meaning "not finished yet" (reported as not attempted), such as a
    written answer that still waits for its self-score."""


class Carried:
    """What a check computed from an answer in the learner's kernel, sent to the grader instead of the answer.

    Some answers cannot travel as data: a function (the check runs it on cases of
    its own), a networkx graph, a fitted model. For those, :meth:`Exercise.portable`
    runs the part of the check that needs the live object in the kernel and wraps
    the result (plain data the capture format carries) in a ``Carried``; the
    grader's check picks up from there and reaches the same verdict. ``error`` is
    the message of an :class:`AnswerError` the kernel-side part raised.
    """

    __slots__ = ("value", "error")

    def __init__(self, value=None, error: str | None = None):
        self.value = value
        self.error = None if error is None else str(error)

    def unwrap(self):
        """The carried value, or the AnswerError the kernel raised."""
        if self.error is not None:
            raise AnswerError(self.error)
        return self.value

    def __repr__(self):
        return f"Carried(error={self.error!r})" if self.error is not None else "Carried(...)"


def debug_mode() -> bool:
    """True when ``COURSE_CHECKS_DEBUG=1``: a bug inside a check raises instead of being reported politely."""
    return os.environ.get("COURSE_CHECKS_DEBUG", "") == "1"


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
    mistake : str
        The name of the declared mistake the answer matched ("" if none).
    details : dict
        What else the exercise keeps (a written answer's text and self-score).
    """

    status: str
    message: str
    exercise: str = ""
    notebook: str = ""
    mistake: str = ""
    details: dict = field(default_factory=dict, repr=False)
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
        record = {
            "kind": "check",
            "notebook": self.notebook,
            "exercise": self.exercise,
            "status": self.status,
            "message": self.message,
        }
        if self.mistake:
            record["mistake"] = self.mistake
        return record

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
    except Exception:
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
    """One exercise. Subclass one of the kinds in :mod:`course_utils.course.kinds`.

    Parameters
    ----------
    name : str
        The name the notebook uses, such as ``"q1"``. The exercises module lists
        its exercises in order with :func:`course_utils.course.registry.register`,
        which also sets ``notebook``.

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
    context : tuple of str
        The keyword arguments ``check`` accepts besides the answer (what the
        exercise needs from an earlier one, passed explicitly).
    """

    title = ""
    expects = "an answer"
    hints: list = []
    solution_code = ""
    context: tuple = ()

    def __init__(self, name: str = "", notebook: str = ""):
        self.name = name
        self.notebook = notebook

    # -- to implement ------------------------------------------------------------
    def reference(self, **context):
        """The reference answer, computed from the data (a copy: change it freely)."""
        raise NotImplementedError

    def diagnose(self, answer, **context):
        """``None`` if ``answer`` is right, else a message (or a ``(mistake, message)`` pair).

        Raise :class:`AnswerError` for an answer that cannot be judged as given.
        """
        raise NotImplementedError

    def correct_message(self, answer, **context) -> str:
        return "Well done."

    def record_details(self, answer, **context) -> dict:
        """Extra facts to keep in the progress record (a written answer's text)."""
        return {}

    def portable(self, answer, **context) -> tuple:
        """``(answer, context)`` as the grader is sent them (run in the learner's kernel).

        By default both as they are. An exercise whose answer or context cannot travel
        as data (a function, a graph, a fitted model) returns :class:`Carried` values
        instead, computed here from the live objects, which its check accepts and
        judges exactly as it would the originals.
        """
        return answer, context

    # -- the learner's API -------------------------------------------------------
    def evaluate(self, answer, **context) -> CheckResult:
        """Judge ``answer`` without displaying or recording anything; no side effects.

        ``context`` carries what an exercise needs from an earlier one (for
        example the labels an ARI is computed from), passed explicitly.
        """
        if _is_placeholder(answer):
            return self._result(
                "not_attempted",
                "Replace the ____ with your code, run the cell, then check again.",
            )
        mistake = ""
        try:
            with warnings.catch_warnings():  # the check's own arithmetic is not the learner's concern
                warnings.simplefilter("ignore")
                problem = self.diagnose(answer, **context)
        except AnswerError as exc:
            problem = str(exc)
        except Exception as exc:
            if debug_mode():
                raise
            problem = (
                f"Your answer could not be checked: expected {self.expects}, "
                f"got {describe(answer)} ({type(exc).__name__} while inspecting it)."
            )
        if isinstance(problem, tuple) and len(problem) == 2:
            mistake, problem = problem
        if isinstance(problem, Pending):
            result = self._result("not_attempted", str(problem))
        elif problem is None:
            try:
                message = self.correct_message(answer, **context)
            except Exception:
                if debug_mode():
                    raise
                message = "Well done."
            result = self._result("correct", message)
        else:
            if not isinstance(problem, str) or not problem.strip():
                problem = f"Not quite. Expected {self.expects}."
            result = self._result("incorrect", problem)
            result.mistake = str(mistake or "")
        if not _is_placeholder(answer):
            try:
                result.details = dict(self.record_details(answer, **context) or {})
            except Exception:
                if debug_mode():
                    raise
        return result

    def check(self, answer=____, **context) -> CheckResult:
        """Check ``answer``, show the verdict, record it, and return it."""
        result = self.evaluate(answer, **context)
        _display_bundle(result._mimebundle())
        result._shown_at = _execution_count()
        from course_utils.course import progress

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
            from course_utils.course import progress

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

    def solution_text(self) -> str:
        """What :meth:`solution` shows, as markdown."""
        code = textwrap.dedent(self.solution_code).strip()
        return f"```python\n{code}\n```"

    def solution(self) -> None:
        """Show a worked answer."""
        from course_utils.course import progress

        progress.record_help(self.notebook, self.name, "solution", 1)
        body = self.solution_text()
        _display_bundle(
            {
                "text/plain": f"{self.name} solution:\n{body}",
                "text/markdown": f"**{self.name} solution**\n\n{body}",
                MIME_TYPE: {"kind": "solution", "notebook": self.notebook, "exercise": self.name},
            }
        )

    def answer_or_reference(self, answer=____, **context):
        """Return ``answer`` if it is correct, else the reference answer.

        Later cells that build on this exercise call it, so the notebook keeps
        running when the exercise was skipped, and says so.
        """
        result = self.evaluate(answer, **context)
        if result.correct:
            return answer
        why = "not attempted yet" if result.status == "not_attempted" else "not correct yet"
        _display_bundle(
            {
                "text/plain": f"{self.name} is {why}, so the rest of the notebook "
                "continues from the reference result.",
            }
        )
        try:
            return self.reference(**context)
        except AnswerError:  # the context itself is unusable: continue from the plain reference
            return self.reference()

    # -- helpers -----------------------------------------------------------------
    def _result(self, status: str, message: str) -> CheckResult:
        return CheckResult(status, message, exercise=self.name, notebook=self.notebook)

    def __repr__(self):
        return f"<exercise {self.notebook}.{self.name}: {self.title}>"


def _is_placeholder(answer) -> bool:
    try:
        return answer is ____ or isinstance(answer, _Placeholder)
    except Exception:
        return False
