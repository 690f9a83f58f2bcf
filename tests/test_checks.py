"""The exercise contract: statuses, strict mode, hints, reference fallback."""

import json

import pytest

from course_utils import checks, progress
from course_utils.checks import MIME_TYPE, ____, CheckResult, Exercise, describe, strict_mode


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


def test_a_diagnose_that_raises_becomes_a_message(ex):
    class Explodes:
        def __eq__(self, other):
            raise RuntimeError("boom")

        def __repr__(self):
            raise RuntimeError("no repr either")

    result = ex.check(Explodes())
    assert result.status == "incorrect"
    assert "expected an int" in result.message and "Explodes" in result.message


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
    assert entry["status"] == "correct" and entry["attempts"] == 2


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


def test_bind_names_exercises_in_order():
    namespace = {"q2": Double(), "q1": Double(), "q10": Double(), "other": 3}
    assert checks.bind(namespace, "77") == ["q1", "q2", "q10"]
    assert namespace["q10"].name == "q10" and namespace["q10"].notebook == "77"
