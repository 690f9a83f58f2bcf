"""The exercise contract: statuses, strict mode, hints, reference fallback."""

import json

import pytest

from course_utils.course import checks, progress
from course_utils.course.answers import AnswerError
from course_utils.course.checks import MIME_TYPE, CheckResult, Exercise, ____, describe, strict_mode
from course_utils.course.registry import register


class Double(Exercise):
    """A toy exercise: the answer is 2 * 21."""

    title = "twice 21"
    expects = "an int"
    hints = ["multiply", "2 * 21"]
    solution_code = "answer = 2 * 21"

    def reference(self):
        return 42

    def diagnose(self, answer):
        if answer == 21:
            return "You forgot to double it."
        if answer != 42:
            return "Not 42."
        return None


@pytest.fixture
def ex():
    return Double(name="q9", notebook="99")


def test_three_statuses(ex):
    assert ex.check(____).status == "not_attempted"
    assert ex.check(42).status == "correct"
    wrong = ex.check(21)
    assert wrong.status == "incorrect" and "forgot to double" in wrong.message


def test_result_is_truthy_only_when_correct(ex):
    assert ex.evaluate(42) and not ex.evaluate(21) and not ex.evaluate(____)


def test_default_argument_is_not_attempted(ex):
    assert ex.check().status == "not_attempted"


class Explodes:
    def __eq__(self, other):
        raise RuntimeError("boom")

    def __repr__(self):
        raise RuntimeError("no repr either")


def test_a_checker_bug_becomes_a_message_for_learners(ex, monkeypatch):
    monkeypatch.delenv("COURSE_CHECKS_DEBUG", raising=False)
    result = ex.check(Explodes())
    assert result.status == "incorrect"
    assert "expected an int" in result.message and "Explodes" in result.message


def test_a_checker_bug_raises_in_debug_mode(ex, monkeypatch):
    monkeypatch.setenv("COURSE_CHECKS_DEBUG", "1")
    with pytest.raises(RuntimeError, match="boom"):
        ex.evaluate(Explodes())


def test_an_answer_error_is_the_learners_problem_even_in_debug_mode(monkeypatch):
    monkeypatch.setenv("COURSE_CHECKS_DEBUG", "1")

    class Strict(Double):
        def diagnose(self, answer):
            raise AnswerError("Expected an int, got something else.")

    result = Strict("q9", "99").evaluate("x")
    assert result.status == "incorrect" and result.message == "Expected an int, got something else."


def test_tests_run_in_debug_mode():
    import os

    assert os.environ.get("COURSE_CHECKS_DEBUG") == "1", "conftest.py must switch checker debug mode on"


def test_evaluate_has_no_side_effects(ex):
    ex.evaluate(21)
    ex.evaluate(42)
    assert progress.load()["notebooks"] == {}


def test_strict_mode_raises_on_anything_but_correct(ex, monkeypatch):
    strict_mode(True)
    with pytest.raises(AssertionError, match="forgot to double"):
        ex.check(21)
    with pytest.raises(AssertionError, match="Not attempted"):
        ex.check(____)
    assert ex.check(42).correct


def test_environment_switches_strict_mode_off_for_the_grader(ex, monkeypatch):
    strict_mode(True)
    monkeypatch.setenv("COURSE_CHECKS_STRICT", "0")
    assert ex.check(21).status == "incorrect"  # no raise


def test_strict_mode_rejects_non_bool():
    with pytest.raises(TypeError, match="True or False"):
        strict_mode("yes")


def test_check_records_progress(ex):
    ex.check(21)
    ex.check(42)
    entry = progress.load()["notebooks"]["99"]["q9"]
    assert entry["latest"]["status"] == "correct" and entry["attempts"] == 2


def test_not_attempted_does_not_count_as_an_attempt(ex):
    ex.check(____)
    assert progress.load()["notebooks"]["99"]["q9"]["attempts"] == 0


def test_hints_in_range_and_out_of_range(ex, capsys):
    ex.hint()
    assert "Hint 1/2" in capsys.readouterr().out
    ex.hint(2)
    assert "2 * 21" in capsys.readouterr().out
    ex.hint(5)
    assert "has 2 hint(s)" in capsys.readouterr().out
    ex.hint("two")
    assert "hint number" in capsys.readouterr().out
    assert progress.load()["notebooks"]["99"]["q9"]["hints"] == 2


def test_solution_shows_code_and_is_recorded(ex, capsys):
    ex.solution()
    assert "answer = 2 * 21" in capsys.readouterr().out
    assert progress.load()["notebooks"]["99"]["q9"]["solution_viewed"] is True


def test_answer_or_reference(ex, capsys):
    assert ex.answer_or_reference(42) == 42
    assert capsys.readouterr().out == ""
    assert ex.answer_or_reference(____) == 42
    assert "not attempted yet" in capsys.readouterr().out
    assert ex.answer_or_reference(21) == 42
    assert "not correct yet" in capsys.readouterr().out


def test_mime_bundle_carries_a_json_record(ex):
    bundle = ex.evaluate(21)._mimebundle()
    record = bundle[MIME_TYPE]
    assert json.loads(json.dumps(record)) == {
        "kind": "check", "notebook": "99", "exercise": "q9", "status": "incorrect",
        "message": "You forgot to double it.",
    }
    named = Double("q9", "99")
    named.diagnose = lambda answer: ("forgot_to_double", "You forgot to double it.") if answer == 21 else None
    assert named.evaluate(21)._mimebundle()[MIME_TYPE]["mistake"] == "forgot_to_double"
    assert "Incorrect" in bundle["text/html"] and "&" not in record["message"]


def test_html_escapes_the_message():
    html = CheckResult("incorrect", "<script>x</script>", "q1", "00")._mimebundle()["text/html"]
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_check_result_rejects_unknown_status():
    with pytest.raises(ValueError, match="status must be one of"):
        CheckResult("maybe", "x")


def test_placeholder_is_a_singleton_and_falsy():
    assert checks._Placeholder() is ____ and not ____ and repr(____) == "____"


@pytest.mark.parametrize(
    "obj, words",
    [(None, "None"), (ValueError("x"), "exception"), ("abc", "str"), ([1] * 100, "...")],
)
def test_describe_is_short_and_safe(obj, words):
    text = describe(obj)
    assert words in text and len(text) < 120


def test_register_keeps_the_given_order_and_names_the_notebook():
    exercises = [Double("q2"), Double("q10"), Double("q1")]
    assert register("course_utils.exercises.nb77", exercises) == ["q2", "q10", "q1"]
    assert all(ex.notebook == "77" for ex in exercises)


@pytest.mark.parametrize(
    "module, exercises, message",
    [
        ("course_utils.exercises.nb7", [Double("q1")], "nbNN"),
        ("course_utils.exercises.nb77", [Double("")], "needs a name"),
        ("course_utils.exercises.nb77", [Double("q1"), Double("q1")], "two exercises"),
        ("course_utils.exercises.nb77", [3], "takes exercises"),
    ],
)
def test_register_refuses_what_it_cannot_order(module, exercises, message):
    with pytest.raises((ValueError, TypeError), match=message):
        register(module, exercises)
