"""The kinds of exercise the notebooks use.

=====================  =====================================================
:class:`ValueExercise`  an answer converted, then compared with a reference
:class:`NumericExercise`  one number within a tolerance
:class:`ChoiceExercise`  one or several options, with feedback per option
:class:`OrderingExercise`  put items in order
:class:`MatchingExercise`  pair items of two lists
:class:`WrittenExercise`  free text, self-scored against a rubric
=====================  =====================================================

All keep the contract of :class:`~course_utils.course.checks.Exercise`: three
outcomes, a message that names the likely mistake, and no exception on a
strange answer. Known mistakes are data (:class:`~course_utils.course.declare.Mistake`);
:meth:`Exercise.all_mistakes` lists every one a kind declares or builds, and a
test feeds each one's example to its check.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass

from course_utils.course import answers
from course_utils.course.answers import AnswerError
from course_utils.course.checks import Carried, Exercise, Pending, _display_bundle, _is_placeholder
from course_utils.course.declare import Mistake

__all__ = [
    "ChoiceExercise",
    "MatchingExercise",
    "NumericExercise",
    "OrderingExercise",
    "Option",
    "RubricItem",
    "ValueExercise",
    "WrittenExercise",
]


class _Unconvertible:
    pass


# -- a value compared with a reference ---------------------------------------------
class ValueExercise(Exercise):
    """An answer converted by :meth:`convert` and compared by :meth:`same`.

    Subclasses set ``mistakes`` (a tuple of :class:`Mistake`) and implement
    :meth:`reference` and :meth:`same`; :meth:`convert` (default: the answer as
    it is), :meth:`precheck` (structural problems after conversion) and
    :meth:`explain` (what to say when no declared mistake matches) are optional.
    """

    mistakes: tuple = ()
    #: Report every declared mistake that matches (joined into one message), not only the first:
    #: for answers with several independent parts, such as the columns of a table.
    report_all = False
    #: Answers cannot travel to the grader as data (a function, a graph): the kernel sends the
    #: converted value instead (:meth:`carry`), and the grader judges that (see :class:`Carried`).
    carries = False

    def __init__(self, name: str = "", notebook: str = ""):
        super().__init__(name, notebook)
        self._memo = {}
        seen = set()
        for m in self.all_mistakes():
            if m.name in seen:
                raise ValueError(f"{type(self).__name__}: two mistakes are named {m.name!r}")
            seen.add(m.name)

    # -- what subclasses provide -------------------------------------------------------
    def convert(self, answer, **context):
        """The answer in a comparable form; raise AnswerError when it cannot be."""
        return answer

    def same(self, value, other) -> bool:
        """Whether two converted answers count as the same answer."""
        raise NotImplementedError

    def expected(self, **context):
        """What a right answer equals (by default the reference)."""
        return self.reference(**context)

    def accepts(self, value, **context) -> bool:
        """Whether ``value`` is right; override when several answers are right."""
        return self.same(value, self.expected(**context))

    def precheck(self, value, **context):
        """A message for a structural problem found after conversion, or None."""
        return None

    def explain(self, value, **context) -> str:
        """What to say when the answer is wrong and no declared mistake matches."""
        return f"Not quite. Expected {self.expects}."

    def all_mistakes(self) -> tuple:
        return tuple(self.mistakes)

    def carry(self, value):
        """Converted value -> plain data for the grader (``carries = True`` only); default: as it is."""
        return value

    def uncarry(self, data):
        """The inverse of :meth:`carry`, in the grader."""
        return data

    def portable(self, answer, **context) -> tuple:
        if not self.carries or isinstance(answer, Carried) or _is_placeholder(answer):
            return answer, context
        for m in self.all_mistakes():
            if m.raw and self._raw_match(m, answer, context):
                return answer, context  # the raw mistakes are about answers that are data
        try:
            return Carried(self.carry(self.convert(answer, **context))), context
        except AnswerError as exc:
            return Carried(error=str(exc)), context

    def value_of(self, answer, **context):
        """The converted answer, whether it is the learner's object or what the kernel carried."""
        if isinstance(answer, Carried):
            return self.uncarry(answer.unwrap())
        return self.convert(answer, **context)

    # -- the flow ----------------------------------------------------------------------
    def diagnose(self, answer, **context):
        if not isinstance(answer, Carried):
            for m in self.all_mistakes():
                if m.raw and self._raw_match(m, answer, context):
                    return m.name, m.render(answer, **context)
        value = self.value_of(answer, **context)
        problem = self.precheck(value, **context)
        if problem:
            return problem
        if self.accepts(value, **context):
            return None
        found = []
        for m in self.all_mistakes():
            if not m.raw and self._matches(m, value, context):
                if not self.report_all:
                    return m.name, m.render(value, **context)
                found.append(m)
        if found:
            text = "; ".join(m.render(value, **context).rstrip(".") for m in found)
            return found[0].name, text[0].upper() + text[1:] + "."
        return self.explain(value, **context)

    @staticmethod
    def _raw_match(m, answer, context) -> bool:
        try:
            return bool(m.when(answer, **context))
        except Exception:
            return False

    def same_as(self, value, wrong, mistake) -> bool:
        """Whether ``value`` shows ``mistake`` (whose wrong answer is ``wrong``)."""
        return self.same(value, wrong)

    def wrong_value(self, mistake, **context):
        """The converted wrong answer of a ``wrong=`` mistake (kept when it needs no context)."""
        key = mistake.name
        if not context and key in self._memo:
            return self._memo[key]
        try:
            value = self.convert(mistake.wrong(**context), **context)
        except AnswerError as exc:
            raise RuntimeError(f"{type(self).__name__}: mistake {mistake.name!r} does not convert: {exc}") from exc
        if not context:
            self._memo[key] = value
        return value

    def _matches(self, m, value, context) -> bool:
        if m.when is not None:
            return bool(m.when(value, **context))
        return self.same_as(value, self.wrong_value(m, **context), m)


# -- one number -----------------------------------------------------------------------
class NumericExercise(ValueExercise):
    """One number, right within ``tolerance + rel_tolerance * |reference|``.

    ``share=True`` adds a built-in mistake for a percentage given where a share
    (0 to 1) was asked. ``whole`` asks for a whole number; ``low``/``high`` bound it.
    """

    expects = "one number"
    tolerance = 1e-6
    rel_tolerance = 0.0
    whole = False
    low = None
    high = None
    share = False

    def convert(self, answer, **context):
        return answers.number(answer, self.expects, whole=self.whole, low=self.low, high=self.high)

    def _close(self, a, b, tol=None) -> bool:
        limit = (self.tolerance if tol is None else tol) + self.rel_tolerance * abs(b)
        return abs(float(a) - float(b)) <= limit

    def same(self, value, other) -> bool:
        return self._close(value, other)

    def same_as(self, value, wrong, mistake) -> bool:
        return self._close(value, wrong, mistake.tolerance)

    def all_mistakes(self) -> tuple:
        built = ()
        if self.share:
            built = (Mistake("percentage", "That is a percentage; give the share (between 0 and 1).",
                             when=lambda v, **c: abs(v) > 1 and self._close(v / 100, self.expected(**c)),
                             example=lambda **c: self.expected(**c) * 100),)
        return tuple(self.mistakes) + built


# -- choices --------------------------------------------------------------------------
@dataclass(frozen=True)
class Option:
    """One option of a :class:`ChoiceExercise`: its text, whether it is right, and why."""

    text: str
    correct: bool = False
    feedback: str = ""


def _keys_from(answer, what: str) -> list:
    """Option keys from ``"b"``, ``"B)"``, ``"a, c"``, ``["a", "c"]`` or ``{"a", "c"}``."""
    if isinstance(answer, str):
        parts = [p for p in re.split(r"[\s,;/]+", answer.strip()) if p]
    elif isinstance(answer, (list, tuple, set, frozenset)):
        if not all(isinstance(p, str) for p in answer):
            raise AnswerError(f"Expected {what}: option letters as text, like 'b'.")
        parts = list(answer)
    else:
        raise answers.expected(what, answer)
    return [p.strip().strip("()[].").lower() for p in parts if p.strip().strip("()[].")]


class ChoiceExercise(Exercise):
    """Single or multiple choice with feedback for every option.

    Class attributes: ``question`` (markdown), ``options`` (``{key: Option}``,
    keys are short lower-case letters), ``multiple`` (several options may be
    right; the answer is then a list of keys).
    """

    question = ""
    options: dict = {}
    multiple = False

    def __init__(self, name: str = "", notebook: str = ""):
        super().__init__(name, notebook)
        opts = dict(self.options)
        if len(opts) < 2:
            raise ValueError(f"{type(self).__name__}: a choice needs at least two options")
        for key, opt in opts.items():
            if key != key.lower() or not key.isalnum():
                raise ValueError(f"{type(self).__name__}: option keys are lower-case letters, got {key!r}")
            if not opt.feedback.strip():
                raise ValueError(f"{type(self).__name__}: option {key!r} has no feedback")
        right = [k for k, o in opts.items() if o.correct]
        if not right or (not self.multiple and len(right) != 1):
            raise ValueError(f"{type(self).__name__}: {'at least' if self.multiple else 'exactly'} one option "
                             f"must be correct, got {right}")

    @property
    def expects(self):
        keys = ", ".join(repr(k) for k in self.options)
        if self.multiple:
            return f"a list of the letters of every true option (from {keys}), e.g. ['a', 'c']"
        return f"the letter of one option ({keys}), e.g. 'b'"

    @property
    def title(self):
        return self.question.strip().split("\n")[0]

    def reference(self, **context):
        right = [k for k, o in self.options.items() if o.correct]
        return right if self.multiple else right[0]

    def convert(self, answer):
        return answers.guard(self.expects, answer, lambda: self._convert(answer))

    def _convert(self, answer):
        keys = _keys_from(answer, self.expects)
        if not keys:
            raise AnswerError(f"Expected {self.expects}; your answer names no option.")
        unknown = [k for k in keys if k not in self.options]
        if unknown:
            raise AnswerError(f"{unknown[0]!r} is not an option; choose from {', '.join(self.options)}.")
        if not self.multiple and len(set(keys)) > 1:
            raise AnswerError(f"Choose one option only; you gave {', '.join(keys)}.")
        return set(keys)

    def diagnose(self, answer, **context):
        chosen = self.convert(answer)
        right = {k for k, o in self.options.items() if o.correct}
        if chosen == right:
            return None
        wrong = [k for k in self.options if k in chosen and k not in right]
        missed = right - chosen
        parts = [f"({k}) {self.options[k].feedback}" for k in wrong]
        if missed and self.multiple:  # a single choice's wrong pick already says why; "missing" adds nothing
            parts.append(f"{len(missed)} true option{'s are' if len(missed) > 1 else ' is'} missing from your "
                         "answer; read the others again.")
        name = f"chose:{wrong[0]}" if wrong else "missed"
        return name, " ".join(parts)

    def correct_message(self, answer, **context) -> str:
        right = [k for k, o in self.options.items() if o.correct]
        return " ".join(f"({k}) {self.options[k].feedback}" for k in right)

    def all_mistakes(self) -> tuple:
        right = [k for k, o in self.options.items() if o.correct]
        out = []
        for key, opt in self.options.items():
            if opt.correct:
                continue
            example = (lambda k=key: right + [k]) if self.multiple else (lambda k=key: k)
            out.append(Mistake(f"chose:{key}", opt.feedback, when=lambda v, **c: False, example=example))
        if self.multiple and len(right) > 1:
            out.append(Mistake("missed", "a true option is missing", when=lambda v, **c: False,
                               example=lambda: right[:-1]))
        return tuple(out)

    def markdown(self) -> str:
        how = "Choose every option that is true." if self.multiple else "Choose one option."
        lines = [textwrap.dedent(self.question).strip(), "", how, ""]
        lines += [f"- **({k})** {o.text}" for k, o in self.options.items()]
        return "\n".join(lines)

    def show(self) -> None:
        """Display the question and its options."""
        md = self.markdown()
        _display_bundle({"text/plain": f"{self.name}: {md}", "text/markdown": f"**{self.name}.** {md}"})

    def solution_text(self) -> str:
        right = [k for k, o in self.options.items() if o.correct]
        answer = repr(right) if self.multiple else repr(right[0])
        lines = [f"Answer: `{answer}`", ""]
        lines += [f"- **({k})** {'right' if o.correct else 'wrong'}: {o.feedback}" for k, o in self.options.items()]
        return "\n".join(lines)


# -- ordering and matching ------------------------------------------------------------
class OrderingExercise(Exercise):
    """Put items in order. ``items`` is ``{key: text}``, ``order`` the right order of keys,
    ``reasons`` says (per key) why an item sits where it does."""

    question = ""
    items: dict = {}
    order: list = []
    reasons: dict = {}

    def __init__(self, name: str = "", notebook: str = ""):
        super().__init__(name, notebook)
        if sorted(self.order) != sorted(self.items):
            raise ValueError(f"{type(self).__name__}: order must list every item key once")
        missing = [k for k in self.order[1:] if not self.reasons.get(k)]
        if missing:
            raise ValueError(f"{type(self).__name__}: items {missing} need a reason")

    @property
    def expects(self):
        return f"a list of all {len(self.items)} item keys in order, e.g. {list(self.items)!r}"

    @property
    def title(self):
        return self.question.strip().split("\n")[0]

    def reference(self, **context):
        return list(self.order)

    def convert(self, answer):
        return answers.guard(self.expects, answer, lambda: self._convert(answer))

    def _convert(self, answer):
        if isinstance(answer, str) and all(len(k) == 1 for k in self.items) and "," not in answer \
                and " " not in answer.strip():
            keys = [c.lower() for c in answer.strip()]
        else:
            keys = _keys_from(answer, self.expects)
        unknown = [k for k in keys if k not in self.items]
        if unknown:
            raise AnswerError(f"{unknown[0]!r} is not one of the items ({', '.join(self.items)}).")
        if len(set(keys)) != len(keys):
            dup = next(k for k in keys if keys.count(k) > 1)
            raise AnswerError(f"{dup!r} appears twice; list each item once.")
        if len(keys) != len(self.items):
            missing = [k for k in self.items if k not in keys]
            raise AnswerError(f"Order all {len(self.items)} items; missing: {', '.join(missing)}.")
        return keys

    def diagnose(self, answer, **context):
        keys = self.convert(answer)
        if keys == list(self.order):
            return None
        i = next(i for i, (a, b) in enumerate(zip(keys, self.order)) if a != b)
        early = keys[i]
        in_place = sum(a == b for a, b in zip(keys, self.order))
        return (f"early:{early}", f"'{self.items[early]}' comes too early. {self.reasons[early]} "
                                  f"({in_place} of {len(keys)} items are in the right place.)")

    def correct_message(self, answer, **context) -> str:
        return "Right order."

    def all_mistakes(self) -> tuple:
        out = []
        for i in range(1, len(self.order)):
            key = self.order[i]

            def example(i=i):
                o = list(self.order)
                o[i - 1], o[i] = o[i], o[i - 1]
                return o

            out.append(Mistake(f"early:{key}", self.reasons[key], when=lambda v, **c: False, example=example))
        return tuple(out)

    def markdown(self) -> str:
        lines = [textwrap.dedent(self.question).strip(), ""]
        lines += [f"- **{k}**: {t}" for k, t in self.items.items()]
        return "\n".join(lines)

    def show(self) -> None:
        md = self.markdown()
        _display_bundle({"text/plain": f"{self.name}: {md}", "text/markdown": f"**{self.name}.** {md}"})

    def solution_text(self) -> str:
        lines = [f"Answer: `{list(self.order)!r}`", ""]
        lines += [f"{n}. **{self.items[k]}**" + (f": {self.reasons[k]}" if self.reasons.get(k) else "")
                  for n, k in enumerate(self.order, start=1)]
        return "\n".join(lines)


class MatchingExercise(Exercise):
    """Pair each item on the left with one on the right.

    ``left`` and ``right`` are ``{key: text}``; ``pairs`` is ``{left_key: right_key}``;
    ``feedback`` is ``{(left_key, right_key): why that pairing is wrong}`` for the
    likely confusions (other wrong pairs get a plain message).
    """

    question = ""
    left: dict = {}
    right: dict = {}
    pairs: dict = {}
    feedback: dict = {}

    def __init__(self, name: str = "", notebook: str = ""):
        super().__init__(name, notebook)
        if set(self.pairs) != set(self.left) or not set(self.pairs.values()) <= set(self.right):
            raise ValueError(f"{type(self).__name__}: pairs must map every left key to a right key")
        for (lk, rk) in self.feedback:
            if lk not in self.left or rk not in self.right or self.pairs[lk] == rk:
                raise ValueError(f"{type(self).__name__}: feedback for ({lk!r}, {rk!r}) is not a wrong pair")

    @property
    def expects(self):
        return ("a dict pairing every left key with a right key, e.g. "
                f"{{{next(iter(self.left))!r}: {next(iter(self.right))!r}, ...}}")

    @property
    def title(self):
        return self.question.strip().split("\n")[0]

    def reference(self, **context):
        return dict(self.pairs)

    def convert(self, answer):
        return answers.guard(self.expects, answer, lambda: self._convert(answer))

    def _convert(self, answer):
        if not isinstance(answer, dict):
            raise answers.expected(self.expects, answer)
        out = {}
        for k, v in answer.items():
            if not isinstance(k, str) or not isinstance(v, str):
                raise AnswerError(f"Keys and values are item keys as text; got {k!r}: {v!r}.")
            lk, rk = k.strip().lower(), v.strip().lower()
            if lk not in self.left:
                raise AnswerError(f"{k!r} is not on the left ({', '.join(self.left)}).")
            if rk not in self.right:
                raise AnswerError(f"{v!r} is not on the right ({', '.join(self.right)}).")
            out[lk] = rk
        missing = [k for k in self.left if k not in out]
        if missing:
            raise AnswerError(f"Pair every item on the left; missing: {', '.join(missing)}.")
        return out

    def diagnose(self, answer, **context):
        got = self.convert(answer)
        wrong = [(lk, got[lk]) for lk in self.left if got[lk] != self.pairs[lk]]
        if not wrong:
            return None
        parts = []
        for lk, rk in wrong:
            why = self.feedback.get((lk, rk), "")
            parts.append(f"'{self.left[lk]}' does not go with '{self.right[rk]}'" + (f": {why}" if why else "."))
        lk, rk = wrong[0]
        return f"pair:{lk}={rk}", f"{len(wrong)} of {len(self.left)} pairs are wrong. " + " ".join(parts)

    def correct_message(self, answer, **context) -> str:
        return "Every pair is right."

    def all_mistakes(self) -> tuple:
        out = []
        for (lk, rk), why in self.feedback.items():
            out.append(Mistake(f"pair:{lk}={rk}", why, when=lambda v, **c: False,
                               example=lambda lk=lk, rk=rk: {**self.pairs, lk: rk}))
        return tuple(out)

    def markdown(self) -> str:
        lines = [textwrap.dedent(self.question).strip(), ""]
        lines += [f"- **{k}**: {t}" for k, t in self.left.items()]
        lines += ["", "with", ""]
        lines += [f"- **{k}**: {t}" for k, t in self.right.items()]
        return "\n".join(lines)

    def show(self) -> None:
        md = self.markdown()
        _display_bundle({"text/plain": f"{self.name}: {md}", "text/markdown": f"**{self.name}.** {md}"})

    def solution_text(self) -> str:
        return "\n".join(f"- **{self.left[lk]}** goes with **{self.right[rk]}**" for lk, rk in self.pairs.items())


# -- written answers ---------------------------------------------------------------------
@dataclass(frozen=True)
class RubricItem:
    """One thing a good written answer does.

    ``keywords``: words or phrases (case-insensitive) of which at least one
    should appear when the answer does this; a claimed item with none of them
    is questioned. ``required``: a correct answer must meet it.
    """

    text: str
    keywords: tuple = ()
    required: bool = True


class WrittenExercise(Exercise):
    """A written answer, scored by the learner against a rubric.

    First ``q.check(answer)`` with the text: the answer is kept and the rubric
    shown. Then ``q.check(answer, met=["a", "c"])`` with the rubric items the
    answer meets: correct when every required item is met and every claimed
    item shows in the text (a keyword of it appears). ``solution()`` shows a
    model answer and the common weak answers.
    """

    question = ""
    rubric: dict = {}
    model_answer = ""
    weak_answers: tuple = ()
    min_words = 30
    context = ("met",)

    def __init__(self, name: str = "", notebook: str = ""):
        super().__init__(name, notebook)
        if not self.rubric or not self.model_answer.strip():
            raise ValueError(f"{type(self).__name__}: a written exercise needs a rubric and a model answer")
        for key, item in self.rubric.items():
            if key != key.lower() or not key.isalnum():
                raise ValueError(f"{type(self).__name__}: rubric keys are lower-case letters, got {key!r}")
            if not item.keywords:
                raise ValueError(f"{type(self).__name__}: rubric item {key!r} needs keywords")
        model = self.model_answer.lower()
        for key, item in self.rubric.items():
            if not any(k.lower() in model for k in item.keywords):
                raise ValueError(f"{type(self).__name__}: the model answer shows no keyword of rubric item {key!r}")

    @property
    def expects(self):
        return f"your answer as text (at least {self.min_words} words)"

    @property
    def title(self):
        return self.question.strip().split("\n")[0]

    def reference(self, **context):
        return textwrap.dedent(self.model_answer).strip()

    @staticmethod
    def _words(text: str) -> int:
        return len(re.findall(r"\w+", text))

    def _evidence(self, key: str, text: str) -> bool:
        low = text.lower()
        return any(k.lower() in low for k in self.rubric[key].keywords)

    def rubric_text(self) -> str:
        return "\n".join(f"  {k}) {item.text}" + ("" if item.required else " (optional)")
                         for k, item in self.rubric.items())

    def diagnose(self, answer, met=None, **context):
        text = answers.text(answer, self.expects)
        if not text:
            return Pending("Write your answer in the string, run the cell, then check again.")
        n = self._words(text)
        if n < self.min_words:
            return ("too_short", f"Your answer has {n} words. Say what you would do and why, as you would in an "
                                 f"interview: at least {self.min_words} words.")
        if met is None:
            return Pending(
                f"Your answer is saved ({n} words). Now score it honestly: which of these does it do?\n"
                f"{self.rubric_text()}\n"
                f"Then run {self.name}.check(answer, met=[...]) with the letters it meets."
            )
        what = "met= as a list of rubric letters, e.g. ['a', 'c']"
        claimed = answers.guard(what, met, lambda: [] if isinstance(met, (list, tuple, set, frozenset)) and not met
                                else _keys_from(met, what))
        unknown = [k for k in claimed if k not in self.rubric]
        if unknown:
            raise AnswerError(f"{unknown[0]!r} is not a rubric item; the items are {', '.join(self.rubric)}.")
        unsupported = [k for k in claimed if not self._evidence(k, text)]
        if unsupported:
            k = unsupported[0]
            words = ", ".join(repr(w) for w in self.rubric[k].keywords[:4])
            return (f"unsupported:{k}", f"You ticked ({k}) '{self.rubric[k].text}', but your answer never says "
                                        f"so in words a reader would spot (such as {words}). Name it explicitly: "
                                        "an interviewer scores what you say, not what you meant.")
        missing = [k for k, item in self.rubric.items() if item.required and k not in claimed]
        if missing:
            items = "; ".join(f"({k}) {self.rubric[k].text}" for k in missing)
            return (f"missing:{missing[0]}", f"Your answer does not yet {items}. Add it, then check again; "
                                             f"{self.name}.solution() shows a model answer.")
        return None

    def correct_message(self, answer, **context) -> str:
        return (f"Your answer meets every required rubric item. Compare it with the model answer: "
                f"{self.name}.solution().")

    def record_details(self, answer, met=None, **context) -> dict:
        out = {"text": answer if isinstance(answer, str) else ""}
        if isinstance(met, (list, tuple, set, str)):
            try:
                out["met"] = sorted(set(_keys_from(met, "rubric letters")))
            except AnswerError:
                pass
        return out

    def all_mistakes(self) -> tuple:
        out = [Mistake("too_short", "too short", when=lambda v, **c: False, example=lambda: "Use a decision tree.")]
        required = [k for k, item in self.rubric.items() if item.required]
        for key in required:
            out.append(Mistake(f"missing:{key}", self.rubric[key].text, when=lambda v, **c: False,
                               example=lambda: self.reference(),
                               example_context=lambda k=key: {"met": [r for r in self.rubric if r != k]}))
        return tuple(out)

    def markdown(self) -> str:
        return f"{textwrap.dedent(self.question).strip()}\n\nA good answer:\n\n{self.rubric_text()}"

    def show(self) -> None:
        md = self.markdown()
        _display_bundle({"text/plain": f"{self.name}: {md}", "text/markdown": f"**{self.name}.** {md}"})

    def solution_text(self) -> str:
        parts = ["**Model answer**", "", textwrap.dedent(self.model_answer).strip(), "", "**Rubric**", "",
                 self.rubric_text()]
        if self.weak_answers:
            parts += ["", "**Common weak answers**", ""] + [f"- {w}" for w in self.weak_answers]
        return "\n".join(parts)

