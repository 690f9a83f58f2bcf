"""Interview drills in a terminal: ``python -m course_utils drill``.

The question bank is data: one JSON file per topic in ``course_utils/course/drill_bank/``.
Each item has an ``id``, a ``topic``, the notebook section to ``revisit`` (a link
as :mod:`course_utils.course.sections` defines it), a ``kind`` (``choice``,
``numeric`` or ``written``), a ``prompt``, what judges it (options with feedback,
an expected number with its known wrong values, or a rubric with a model answer),
``hints``, an ``explanation`` shown after every answer, and ``seconds``, the time
an interviewer would give it. A topic file looks like::

    {"topic": "kmeans", "title": "K-Means: scaling, choosing k, validating", "items": [
      {"id": "kmeans-silhouette-point", "topic": "kmeans", "kind": "numeric",
       "revisit": "notebooks/01_rfm_kmeans.ipynb#7-choose-k", "seconds": 60,
       "prompt": "...", "answer": 0.6, "tolerance": 0.005, "expects": "a number between -1 and 1",
       "mistakes": [{"name": "ratio", "value": 0.4, "message": "That is a / b. ..."}],
       "hints": ["s = (b - a) / max(a, b)."], "explanation": "..."}]}

A ``choice`` item has ``options`` (``{"a": {"text", "feedback", "correct"}}``) and
optionally ``"multiple": true``; a ``numeric`` item has ``answer``, ``tolerance``,
``rel_tolerance``, ``share`` (a percentage given for a share is named), ``expects`` and
``mistakes``; a ``written`` item has ``rubric`` (``{"a": {"text", "keywords",
"required"}}``), ``model_answer``, ``weak_answers`` and ``min_words``. Every item's
``revisit`` must name a section of a notebook in the course (a test resolves them).

Answers are judged by the same exercise kinds the notebooks use
(:class:`~course_utils.course.kinds.ChoiceExercise`,
:class:`~course_utils.course.kinds.NumericExercise`,
:class:`~course_utils.course.kinds.WrittenExercise`), built from each item by
:meth:`Item.exercise`: the same feedback, and no crash on a strange answer.

Spaced repetition
-----------------
Each item sits in a box (Leitner's system). A right answer moves it up one box
and out of sight for longer (:data:`INTERVALS`); a wrong one sends it back to
box 0, due again ten minutes later, so it comes back before anything answered
right. The state lives in the progress file, section ``"drill"``, saved after
every answer: Ctrl-C or the end of the input loses nothing, and prints the
summary so far.

Time is read from a ``clock`` function (seconds, like :func:`time.time`) that
tests replace, so nothing here is a timed test.
"""

from __future__ import annotations

import json
import random
import re
import sys
import textwrap
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from itertools import zip_longest
from pathlib import Path

from course_utils.course.answers import AnswerError
from course_utils.course.declare import Mistake
from course_utils.course.kinds import ChoiceExercise, NumericExercise, Option, RubricItem, WrittenExercise

__all__ = [
    "BankError",
    "INTERVALS",
    "Item",
    "Session",
    "TimeBudget",
    "due_items",
    "load_bank",
    "main",
    "mock_items",
    "parse_number",
    "attempted",
    "reveal_after_attempt",
    "schedule",
]

KINDS = ("choice", "numeric", "written")
#: Seconds until an item is due again, by box: box 0 (answered wrong) ten minutes, then 1, 3, 7, 21 and 60 days.
INTERVALS = (600, 86_400, 3 * 86_400, 7 * 86_400, 21 * 86_400, 60 * 86_400)
SECTION = "drill"
HISTORY = 10  # answers kept per item
BANK_PACKAGE = "course_utils.course"
BANK_DIR = "drill_bank"
_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class BankError(ValueError):
    """A bank file breaks the item format; the message names the file and the item."""


# -- the bank ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Item:
    """One question of the bank (see the module docstring for the fields)."""

    id: str
    topic: str
    revisit: str
    kind: str
    prompt: str
    explanation: str
    hints: tuple
    seconds: int = 60
    options: tuple = ()  # ((key, Option), ...)
    multiple: bool = False
    answer: float | None = None
    tolerance: float = 1e-6
    rel_tolerance: float = 0.0
    share: bool = False
    expects: str = "one number"
    mistakes: tuple = ()  # ((name, value, message), ...)
    rubric: tuple = ()  # ((key, RubricItem), ...)
    model_answer: str = ""
    weak_answers: tuple = ()
    min_words: int = 20
    source: str = ""

    @property
    def notebook(self) -> str:
        """The notebook id the revisit link points into (``"01"``)."""
        m = re.search(r"notebooks/(\d\d)_", self.revisit)
        return m.group(1) if m else ""

    @property
    def auto_checked(self) -> bool:
        """Choice and numeric items are judged by the machine; written ones are self-scored."""
        return self.kind != "written"

    def exercise(self, name: str = "drill", notebook: str = ""):
        """A fresh exercise that judges answers to this item (the kinds of the notebooks)."""
        return _EXERCISE_BUILDERS[self.kind](self, name, notebook)

    def right_answer(self):
        """An answer the exercise accepts: option letters, the number, or the model answer."""
        if self.kind == "choice":
            right = [k for k, o in self.options if o.correct]
            return right if self.multiple else right[0]
        if self.kind == "numeric":
            return self.answer
        return self.model_answer


def _choice_exercise(item: Item, name: str, notebook: str):
    attrs = {
        "question": item.prompt,
        "options": dict(item.options),
        "multiple": item.multiple,
        "hints": list(item.hints),
        "__doc__": f"Bank item {item.id}.",
    }
    return type(f"Drill_{item.id.replace('-', '_')}", (ChoiceExercise,), attrs)(name, notebook)


def _numeric_exercise(item: Item, name: str, notebook: str):
    mistakes = tuple(
        Mistake(m_name, message, wrong=lambda v=value: v) for m_name, value, message in item.mistakes
    )
    answer = float(item.answer)

    def explain(self, value, **context):
        side = "high" if value > answer else "low"
        return f"{value:g} is too {side}. {item.hints[0]}"

    attrs = {
        "title": item.prompt.strip().split("\n")[0],
        "expects": item.expects,
        "tolerance": item.tolerance,
        "rel_tolerance": item.rel_tolerance,
        "share": item.share,
        "hints": list(item.hints),
        "mistakes": mistakes,
        "reference": lambda self, **context: answer,
        "explain": explain,
        "correct_message": lambda self, a, **context: f"Right: {answer:g}.",
        "__doc__": f"Bank item {item.id}.",
    }
    return type(f"Drill_{item.id.replace('-', '_')}", (NumericExercise,), attrs)(name, notebook)


def _written_exercise(item: Item, name: str, notebook: str):
    attrs = {
        "question": item.prompt,
        "rubric": dict(item.rubric),
        "model_answer": item.model_answer,
        "weak_answers": tuple(item.weak_answers),
        "min_words": item.min_words,
        "hints": list(item.hints),
        "__doc__": f"Bank item {item.id}.",
    }
    return type(f"Drill_{item.id.replace('-', '_')}", (WrittenExercise,), attrs)(name, notebook)


_EXERCISE_BUILDERS = {"choice": _choice_exercise, "numeric": _numeric_exercise, "written": _written_exercise}


def _need(raw: dict, key: str, kind, where: str):
    if key not in raw:
        raise BankError(f"{where}: missing {key!r}")
    value = raw[key]
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        raise BankError(f"{where}: {key!r} must be {getattr(kind, '__name__', kind)}, got {value!r}")
    if isinstance(value, str) and not value.strip():
        raise BankError(f"{where}: {key!r} is empty")
    return value


def parse_item(raw: dict, source: str = "") -> Item:
    """An :class:`Item` from one JSON object; :class:`BankError` naming the field that is wrong."""
    if not isinstance(raw, dict):
        raise BankError(f"{source}: every item is a JSON object, got {type(raw).__name__}")
    where = f"{source}: item {raw.get('id', '?')!r}"
    item_id = _need(raw, "id", str, where)
    if not _ID.match(item_id):
        raise BankError(f"{where}: ids are lower-case words joined by '-', got {item_id!r}")
    kind = _need(raw, "kind", str, where)
    if kind not in KINDS:
        raise BankError(f"{where}: kind must be one of {KINDS}, got {kind!r}")
    hints = raw.get("hints")
    if not isinstance(hints, list) or not hints or not all(isinstance(h, str) and h.strip() for h in hints):
        raise BankError(f"{where}: 'hints' must be a non-empty list of text")
    seconds = _need(raw, "seconds", int, where)
    if not 10 <= seconds <= 3600:
        raise BankError(f"{where}: 'seconds' (the time budget) must be 10 to 3600, got {seconds}")
    known = {"id", "topic", "revisit", "kind", "prompt", "explanation", "hints", "seconds"}
    fields = dict(
        id=item_id, topic=_need(raw, "topic", str, where), revisit=_need(raw, "revisit", str, where), kind=kind,
        prompt=_need(raw, "prompt", str, where).strip(), explanation=_need(raw, "explanation", str, where).strip(),
        hints=tuple(hints), seconds=seconds, source=source,
    )
    if kind == "choice":
        known |= {"options", "multiple"}
        options = _need(raw, "options", dict, where)
        parsed = []
        for key, opt in options.items():
            if not isinstance(opt, dict) or not isinstance(opt.get("text"), str) \
                    or not isinstance(opt.get("feedback"), str):
                raise BankError(f"{where}: option {key!r} needs 'text' and 'feedback'")
            parsed.append((key, Option(opt["text"], bool(opt.get("correct", False)), opt["feedback"])))
        fields.update(options=tuple(parsed), multiple=bool(raw.get("multiple", False)))
    elif kind == "numeric":
        known |= {"answer", "tolerance", "rel_tolerance", "share", "expects", "mistakes"}
        answer = _need(raw, "answer", (int, float), where)
        mistakes = []
        for m in raw.get("mistakes", []):
            if not isinstance(m, dict) or not isinstance(m.get("value"), (int, float)) \
                    or not isinstance(m.get("message"), str) or not isinstance(m.get("name"), str):
                raise BankError(f"{where}: each mistake needs 'name', 'value' (a number) and 'message'")
            mistakes.append((m["name"], float(m["value"]), m["message"]))
        fields.update(answer=float(answer), tolerance=float(raw.get("tolerance", 1e-6)),
                      rel_tolerance=float(raw.get("rel_tolerance", 0.0)), share=bool(raw.get("share", False)),
                      expects=str(raw.get("expects", "one number")), mistakes=tuple(mistakes))
    else:
        known |= {"rubric", "model_answer", "weak_answers", "min_words"}
        rubric = _need(raw, "rubric", dict, where)
        parsed = []
        for key, r in rubric.items():
            if not isinstance(r, dict) or not isinstance(r.get("text"), str) or not r.get("keywords"):
                raise BankError(f"{where}: rubric item {key!r} needs 'text' and 'keywords'")
            parsed.append((key, RubricItem(r["text"], tuple(r["keywords"]), bool(r.get("required", True)))))
        fields.update(rubric=tuple(parsed), model_answer=_need(raw, "model_answer", str, where).strip(),
                      weak_answers=tuple(raw.get("weak_answers", [])), min_words=int(raw.get("min_words", 20)))
    unknown = sorted(set(raw) - known)
    if unknown:
        raise BankError(f"{where}: unknown field(s) {unknown} for a {kind} item")
    item = Item(**fields)
    try:
        item.exercise()  # the kinds validate options, rubrics and model answers
    except ValueError as exc:
        raise BankError(f"{where}: {exc}") from None
    return item


def bank_files(directory=None) -> list:
    """The topic files of the bank, sorted by name."""
    base = resources.files(BANK_PACKAGE) / BANK_DIR if directory is None else Path(directory)
    return sorted((p for p in base.iterdir() if p.name.endswith(".json")), key=lambda p: p.name)


def load_bank(directory=None) -> dict:
    """``{id: Item}`` of every item of the bank, in file order.

    A topic file is ``{"topic": name, "title": text, "items": [...]}`` and every
    item in it has that topic.
    """
    out: dict = {}
    for path in bank_files(directory):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise BankError(f"{path.name}: not readable JSON ({exc})") from None
        if not isinstance(data, dict) or not isinstance(data.get("items"), list):
            raise BankError(f"{path.name}: expected an object with an 'items' list")
        for raw in data["items"]:
            item = parse_item(raw, path.name)
            if item.topic != data.get("topic") or path.stem != item.topic:
                raise BankError(f"{path.name}: item {item.id!r} has topic {item.topic!r}; a topic file "
                                f"holds the items of its topic ({path.stem!r})")
            if item.id in out:
                raise BankError(f"{path.name}: item id {item.id!r} is used twice (also in {out[item.id].source})")
            out[item.id] = item
    return out


def topics(bank: dict) -> list:
    """The topics of the bank, in file order."""
    return list(dict.fromkeys(item.topic for item in bank.values()))


# -- spaced repetition --------------------------------------------------------------------------
def schedule(entry: dict | None, correct: bool, now: float) -> dict:
    """An item's state after an answer: up one box when right, back to box 0 when wrong."""
    entry = dict(entry or {})
    box = int(entry.get("box", 0))
    box = min(box + 1, len(INTERVALS) - 1) if correct else 0
    entry.update(box=box, due=float(now) + INTERVALS[box], asked=int(entry.get("asked", 0)) + 1,
                 right=int(entry.get("right", 0)) + bool(correct), last=float(now))
    return entry


def due_items(bank: dict, state: dict, now: float, topic: str | None = None) -> list:
    """Items due at ``now``: those seen before, most overdue first, then those never asked, one topic at a time
    in turn (in bank order within a topic)."""
    seen, fresh = [], []
    for item in bank.values():
        if topic is not None and item.topic != topic:
            continue
        entry = state.get(item.id)
        if not entry:
            fresh.append(item)
        elif float(entry.get("due", 0)) <= now:
            seen.append((float(entry.get("due", 0)), item))
    seen.sort(key=lambda pair: pair[0])
    by_topic: dict = {}
    for item in fresh:
        by_topic.setdefault(item.topic, []).append(item)
    mixed = [item for group in zip_longest(*by_topic.values()) for item in group if item is not None]
    return [item for _, item in seen] + mixed


def mock_items(bank: dict, n: int, seed: int = 0, topic: str | None = None) -> list:
    """``n`` items mixed across topics (one from each in turn), drawn with ``seed``."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"a mock interview needs a positive number of items, got {n!r}")
    rng = random.Random(seed)
    pools = {}
    for item in bank.values():
        if topic is None or item.topic == topic:
            pools.setdefault(item.topic, []).append(item)
    for pool in pools.values():
        rng.shuffle(pool)
    order = list(pools)
    rng.shuffle(order)
    out = []
    while len(out) < n and any(pools.values()):
        for t in order:
            if pools[t] and len(out) < n:
                out.append(pools[t].pop())
    return out


def load_state() -> dict:
    """The drill's section of the progress file (``{"items": {...}}``); empty when absent or unreadable."""
    from course_utils.course import progress

    try:
        data = progress.load()
    except ValueError:
        return {}
    section = data.get(SECTION)
    return section if isinstance(section, dict) else {}


def parse_number(text: str) -> float | None:
    """A number typed at the prompt: ``0.25``, ``1,200``, ``12%`` (read as 0.12); None if it is not one."""
    t = text.strip().replace(" ", "")
    percent = t.endswith("%")
    t = t.rstrip("%")
    if re.fullmatch(r"[-+]?\d{1,3}(,\d{3})+(\.\d*)?", t):
        t = t.replace(",", "")
    try:
        value = float(t)
    except ValueError:
        return None
    if value != value or value in (float("inf"), float("-inf")):
        return None
    return value / 100 if percent else value


# -- time ---------------------------------------------------------------------------------------
def _mmss(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    return f"{seconds // 60}:{seconds % 60:02d}"


class TimeBudget:
    """A visible time budget for a drill in a notebook: shows it when started, says how long you took.

    >>> budget = TimeBudget("Case (a)", minutes=15, clock=lambda: 0.0)   # doctest: +SKIP
    """

    def __init__(self, name: str, minutes: float, clock: Callable[[], float] = time.time, show: bool = True):
        if not isinstance(minutes, (int, float)) or isinstance(minutes, bool) or minutes <= 0:
            raise ValueError(f"minutes must be a positive number, got {minutes!r}")
        self.name, self.minutes, self.clock = name, float(minutes), clock
        self.started = clock()
        if show:
            unit = "minute" if minutes == 1 else "minutes"
            self._print(f"Time budget for {name}: {minutes:g} {unit}, starting now. "
                        "Answer as you would aloud, then check.")

    @staticmethod
    def _print(text: str) -> None:
        from course_utils.course.checks import _display_bundle

        _display_bundle({"text/plain": text, "text/markdown": f"⏱ **{text}**"})

    def elapsed(self) -> float:
        """Seconds since the budget started."""
        return self.clock() - self.started

    def verdict(self) -> str:
        """How long you took against the budget, in words."""
        used, budget = self.elapsed(), self.minutes * 60
        verdict = "within budget" if used <= budget else f"{_mmss(used - budget)} over: practise it again"
        return f"{self.name}: {_mmss(used)} of {_mmss(budget)}, {verdict}."

    def report(self) -> None:
        """Display :meth:`verdict`."""
        self._print(self.verdict())


def attempted(exercise, answer) -> bool:
    """Whether ``answer`` is a real attempt at a written exercise (some text, even if short)."""
    result = exercise.evaluate(answer)
    return result.status != "not_attempted" or result.message.startswith("Your answer is saved")


def reveal_after_attempt(exercise, answer) -> None:
    """Show a written exercise's model answer and weak answers, but only once ``answer`` is a real attempt.

    Unlike ``solution()``, it does not count as "solution viewed": reading the
    model answer after your own is the drill.
    """
    from course_utils.course.checks import _display_bundle

    if not attempted(exercise, answer):
        text = (f"{exercise.name}: the model answer appears here once you have written yours "
                "(and run this cell again).")
        _display_bundle({"text/plain": text})
        return
    body = exercise.solution_text()
    _display_bundle({"text/plain": f"{exercise.name}, after your attempt:\n{body}",
                     "text/markdown": f"**{exercise.name}, after your attempt**\n\n{body}"})


# -- a session in the terminal --------------------------------------------------------------------
class _EndOfInput(Exception):
    pass


class _Quit(Exception):
    pass


@dataclass
class Outcome:
    """What happened to one asked item."""

    item: Item
    status: str  # correct, incorrect, skipped
    seconds: float
    message: str = ""


@dataclass
class Session:
    """One run of the drill: ask ``items`` in order, judge, reschedule, summarise.

    ``stdin``/``stdout`` are text streams (a pipe works as typing does);
    ``clock`` gives seconds; ``minutes`` is the whole session's budget (mock
    interviews). ``save=False`` leaves the progress file alone.
    """

    items: list
    stdin: object = None
    stdout: object = None
    clock: Callable[[], float] = time.time
    minutes: float | None = None
    title: str = "Drill"
    save: bool = True
    outcomes: list = field(default_factory=list)
    stopped: str = ""

    def __post_init__(self):
        self.stdin = self.stdin if self.stdin is not None else sys.stdin
        self.stdout = self.stdout if self.stdout is not None else sys.stdout
        try:
            self._echo = not self.stdin.isatty()
        except (AttributeError, ValueError):
            self._echo = True

    # -- input and output ----------------------------------------------------------------------
    def say(self, text: str = "") -> None:
        self.stdout.write(text + "\n")
        self.stdout.flush()

    def read(self, prompt: str) -> str:
        """One line of input (without its newline); input that ends raises _EndOfInput."""
        self.stdout.write(prompt)
        self.stdout.flush()
        try:
            line = self.stdin.readline()
        except (OSError, ValueError):  # a closed stream
            raise _EndOfInput from None
        if line == "":
            self.say()
            raise _EndOfInput
        line = line.rstrip("\r\n")
        if self._echo:
            self.stdout.write(line + "\n")
        return line

    # -- the flow ------------------------------------------------------------------------------
    def run(self) -> list:
        """Ask every item (until time, input or the learner ends it); print the summary; return outcomes."""
        self.started = self.clock()
        budget = f", {_mmss(self.minutes * 60)} minutes" if self.minutes else ""
        self.say(f"{self.title}: {len(self.items)} question(s){budget}. Type 'hint' for a hint, 'skip' to pass, "
                 "'quit' to stop; Ctrl-C also stops and keeps your progress.")
        try:
            for n, item in enumerate(self.items, start=1):
                if self.minutes is not None and self.clock() - self.started >= self.minutes * 60:
                    self.stopped = "time is up"
                    break
                self._ask(n, item)
        except _EndOfInput:
            self.stopped = "the input ended"
        except _Quit:
            self.stopped = "you stopped"
        except KeyboardInterrupt:
            self.stopped = "interrupted (Ctrl-C)"
        self.say(self.summary())
        return self.outcomes

    def _header(self, n: int, item: Item) -> str:
        left = ""
        if self.minutes is not None:
            left = f" · {_mmss(self.minutes * 60 - (self.clock() - self.started))} left"
        return f"\n[{n}/{len(self.items)}] {item.topic} · {item.kind} · about {item.seconds} s{left}"

    def _ask(self, n: int, item: Item) -> None:
        self.say(self._header(n, item))
        self.say(textwrap.dedent(item.prompt))
        exercise = item.exercise()
        start = self.clock()
        if item.kind == "choice":
            for key, opt in item.options:
                self.say(f"  {key}) {opt.text}")
            how = "letters of every true option, e.g. a c" if item.multiple else "one letter"
            answer = self._choice(f"answer ({how})> ", item, exercise)
            extra = {}
        elif item.kind == "numeric":
            answer = self._number(item)
            extra = {}
        else:
            answer, extra = self._written(item, exercise)
        seconds = self.clock() - start
        if answer is None:
            self.outcomes.append(Outcome(item, "skipped", seconds))
            self.say("Skipped; it stays due.")
            return
        result = exercise.evaluate(answer, **extra)
        status = "correct" if result.correct else "incorrect"
        label = "Correct." if result.correct else "Incorrect."
        message = result.message.replace(f"{exercise.name}.solution()", "the model answer below")
        if item.kind == "written" and result.correct:
            message = "Your answer meets every required rubric item; compare it with the model answer below."
        self.say(f"{label} {message}")
        over = f" (budget {item.seconds} s: practise saying it faster)" if seconds > item.seconds else ""
        self.say(f"Took {_mmss(seconds)}{over}.")
        self.say(f"Why: {item.explanation}")
        if item.kind == "written":
            self.say("Model answer: " + textwrap.dedent(item.model_answer).strip())
        if not result.correct:
            self.say(f"Revisit: {item.revisit}")
        self.outcomes.append(Outcome(item, status, seconds, result.message))
        self._record(item, status, seconds, answer, extra)

    def _line(self, prompt: str, item: Item):
        """A non-empty line; 'skip' gives None; 'hint' shows the next hint and asks again."""
        shown = 0
        while True:
            text = self.read(prompt).strip()
            low = text.lower()
            if low == "quit":
                raise _Quit
            if low == "skip":
                return None
            if low == "hint":
                if shown < len(item.hints):
                    self.say(f"Hint {shown + 1}/{len(item.hints)}: {item.hints[shown]}")
                    shown += 1
                else:
                    self.say("No more hints; answer or type 'skip'.")
                continue
            if text:
                return text

    def _choice(self, prompt: str, item: Item, exercise):
        """Option letters; an answer that names no option is asked again (it is a typo, not a wrong answer)."""
        while True:
            text = self._line(prompt, item)
            if text is None:
                return None
            try:
                exercise.convert(text)
            except AnswerError as exc:
                self.say(f"{exc} Try again.")
                continue
            return text

    def _number(self, item: Item):
        while True:
            text = self._line("answer (a number)> ", item)
            if text is None:
                return None
            value = parse_number(text)
            if value is not None:
                return value
            self.say(f"{text!r} is not a number; type one, such as 0.25 or 1200.")

    def _written(self, item: Item, exercise):
        self.say("Type your answer (several lines are fine); an empty line ends it.")
        first = self._line("> ", item)
        if first is None:
            return None, {}
        lines = [first]
        while True:
            line = self.read("> ")
            if not line.strip():
                break
            lines.append(line)
        text = "\n".join(lines)
        first_look = exercise.evaluate(text)
        if first_look.status != "not_attempted":  # too short: judged without a self-score
            return text, {}
        self.say("Score your answer honestly. Which of these does it do?")
        for key, r in item.rubric:
            self.say(f"  {key}) {r.text}" + ("" if r.required else " (optional)"))
        met = self.read("letters it meets, e.g. a c (empty for none)> ")
        if met.strip().lower() == "quit":
            raise _Quit
        return text, {"met": met}

    # -- state -------------------------------------------------------------------------------
    def _record(self, item: Item, status: str, seconds: float, answer, extra: dict) -> None:
        if not self.save:
            return
        from course_utils.course import progress

        now = self.clock()
        entry_answer = answer if isinstance(answer, (str, int, float)) else str(answer)
        record = {"at": now, "status": status, "seconds": round(seconds, 1), "answer": entry_answer}
        if "met" in extra:
            record["met"] = extra["met"]

        def change(section):
            items = section.setdefault("items", {})
            entry = schedule(items.get(item.id), status == "correct", now)
            entry["history"] = (list(items.get(item.id, {}).get("history", [])) + [record])[-HISTORY:]
            items[item.id] = entry

        progress.update_section(SECTION, change)

    # -- summary -------------------------------------------------------------------------------
    def summary(self) -> str:
        """The score by topic and the sections to revisit, for what was answered so far."""
        from course_utils.course.console import format_table

        answered = [o for o in self.outcomes if o.status != "skipped"]
        right = sum(o.status == "correct" for o in answered)
        lines = ["", f"== {self.title}: summary =="]
        if self.stopped:
            lines.append(f"Stopped: {self.stopped}. " + ("Progress saved." if self.save else ""))
        used = self.clock() - getattr(self, "started", self.clock())
        of = f" of {_mmss(self.minutes * 60)}" if self.minutes else ""
        share = f" ({right / len(answered):.0%})" if answered else ""
        skipped = len(self.outcomes) - len(answered)
        lines.append(f"Answered {len(answered)} of {len(self.items)}; right {right}{share}; "
                     f"skipped {skipped}; time {_mmss(used)}{of}.")
        rows = []
        for t in dict.fromkeys(o.item.topic for o in self.outcomes):
            mine = [o for o in answered if o.item.topic == t]
            ok = sum(o.status == "correct" for o in mine)
            rows.append({"topic": t, "asked": len(mine), "right": ok,
                         "score": f"{ok / len(mine):.0%}" if mine else "-"})
        if rows:
            lines.append(format_table(rows, ["topic", "asked", "right", "score"]))
        wrong = [o for o in answered if o.status == "incorrect"]
        if wrong:
            lines.append("Sections to revisit:")
            for link in dict.fromkeys(o.item.revisit for o in wrong):
                ids = ", ".join(o.item.id for o in wrong if o.item.revisit == link)
                lines.append(f"  - {link}  ({ids})")
        elif answered:
            lines.append("Nothing to revisit from this session.")
        return "\n".join(lines)


# -- the command -------------------------------------------------------------------------------
def list_text(bank: dict, state: dict, now: float, topic: str | None = None) -> str:
    """Topics with their item counts and what is due, then every item."""
    from course_utils.course.console import format_table

    due = {item.id for item in due_items(bank, state, now)}
    rows = []
    for t in topics(bank):
        mine = [i for i in bank.values() if i.topic == t]
        rows.append({"topic": t, "items": len(mine), "due now": sum(i.id in due for i in mine),
                     "answered right at least once": sum(int(state.get(i.id, {}).get("right", 0)) > 0 for i in mine)})
    parts = [format_table(rows, ["topic", "items", "due now", "answered right at least once"]), ""]
    item_rows = []
    for item in bank.values():
        if topic is not None and item.topic != topic:
            continue
        entry = state.get(item.id, {})
        when = "new" if not entry else ("due" if item.id in due else
                                        time.strftime("%Y-%m-%d", time.localtime(float(entry.get("due", now)))))
        item_rows.append({"id": item.id, "topic": item.topic, "kind": item.kind, "box": entry.get("box", "-"),
                          "next": when})
    parts.append(format_table(item_rows, ["id", "topic", "kind", "box", "next"]))
    return "\n".join(parts)


def main(args, stdin=None, stdout=None, clock: Callable[[], float] = time.time) -> int:
    """Run the ``drill`` command with parsed ``args`` (see :mod:`course_utils.course.cli`)."""
    out = stdout if stdout is not None else sys.stdout
    try:
        bank = load_bank()
    except BankError as exc:
        print(f"error: the question bank is damaged: {exc}", file=sys.stderr)
        return 2
    if args.topic is not None and args.topic not in topics(bank):
        print(f"error: no topic {args.topic!r}; the topics are: {', '.join(topics(bank))}", file=sys.stderr)
        return 2
    state = load_state().get("items", {})
    now = clock()
    if args.list:
        out.write(list_text(bank, state, now, args.topic) + "\n")
        return 0
    if args.mock is not None:
        seed = args.seed if args.seed is not None else int(now) % 100_000
        items = mock_items(bank, args.mock, seed=seed, topic=args.topic)
        minutes = args.minutes if args.minutes is not None else sum(i.seconds for i in items) / 60
        title = f"Mock interview (seed {seed}; --seed {seed} replays it)"
    else:
        items = due_items(bank, state, now, args.topic)[: args.limit]
        minutes = args.minutes
        title = "Drill" + (f" · {args.topic}" if args.topic else "")
        if not items:
            out.write("Nothing is due. Come back later, or run a mock interview: --mock 5\n")
            return 0
    Session(items, stdin=stdin, stdout=out, clock=clock, minutes=minutes, title=title).run()
    return 0
