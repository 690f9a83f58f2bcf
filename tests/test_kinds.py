"""The exercise kinds: numeric, choice, ordering, matching and written answers.

Each keeps the contract: three outcomes, a message naming the likely mistake,
and every declared or built mistake fires on its own example.
"""

import pytest

from course_utils.course import progress
from course_utils.course.checks import ____
from tests.helpers import expect_correct, expect_mistake
from tests.kind_samples import (
    AlgorithmShapes,
    KMeansAssumption,
    LookAlikes,
    PipelineOrder,
    Share,
    SilhouetteTruths,
    samples,
)


@pytest.mark.parametrize("ex", samples(), ids=lambda e: type(e).__name__)
def test_every_kind_reports_not_attempted_and_accepts_its_reference(ex):
    assert ex.check(____).status == "not_attempted"
    if not isinstance(ex, LookAlikes):
        expect_correct(ex, ex.reference())


@pytest.mark.parametrize("ex", samples(), ids=lambda e: type(e).__name__)
def test_every_built_mistake_fires_on_its_example(ex):
    for m in ex.all_mistakes():
        result = ex.evaluate(m.example_answer(), **m.example_check_context())
        assert result.status == "incorrect" and result.mistake == m.name, (m.name, result)


# -- numeric ----------------------------------------------------------------------------
def test_numeric_tolerance_and_built_in_percentage():
    ex = Share("q1", "98")
    expect_correct(ex, 0.252)
    expect_mistake(ex, 25, "percentage")
    expect_mistake(ex, 0.75, "bought once")
    expect_mistake(ex, 0.3, "Not quite")
    expect_mistake(ex, [0.25], "one number")
    expect_mistake(ex, "0.25", "not text")


# -- choice -----------------------------------------------------------------------------
def test_single_choice_gives_the_chosen_options_feedback():
    ex = KMeansAssumption("q2", "98")
    result = expect_mistake(ex, "b", "DBSCAN's view")
    assert result.mistake == "chose:b"
    expect_correct(ex, "A")
    expect_correct(ex, " a) ")
    expect_mistake(ex, "e", "not an option")
    expect_mistake(ex, ["a", "b"], "one option only")
    expect_mistake(ex, 1, "letter of one option")
    assert "convex cells" in ex.check("a").message  # the right option's explanation


def test_multiple_choice_names_wrong_picks_and_counts_missing_ones():
    ex = SilhouetteTruths("q3", "98")
    expect_correct(ex, ["c", "a"])
    expect_correct(ex, "a, c")
    result = expect_mistake(ex, ["a", "b", "c"], "uniform noise")
    assert result.mistake == "chose:b"
    result = expect_mistake(ex, ["a"], "1 true option is missing")
    assert "(c)" not in result.message  # the missing option is not given away


def test_choice_shows_its_options(capsys):
    KMeansAssumption("q2", "98").show()
    out = capsys.readouterr().out
    assert "(a)" in out and "Choose one option." in out


def test_choice_declarations_are_checked():
    from course_utils.course.kinds import ChoiceExercise, Option

    class NoFeedback(ChoiceExercise):
        question = "?"
        options = {"a": Option("x", correct=True, feedback="yes"), "b": Option("y")}

    with pytest.raises(ValueError, match="no feedback"):
        NoFeedback("q1")


# -- ordering and matching ------------------------------------------------------------------
def test_ordering_names_the_item_that_comes_too_early():
    ex = PipelineOrder("q4", "98")
    expect_correct(ex, "abcd")
    result = expect_mistake(ex, ["a", "c", "b", "d"], "'log and scale' comes too early")
    assert "You scale what RFM produced." in result.message and "2 of 4" in result.message
    expect_mistake(ex, ["a", "b", "c"], "missing: d")
    expect_mistake(ex, ["a", "a", "b", "c"], "appears twice")


def test_matching_explains_the_known_confusion():
    ex = AlgorithmShapes("q5", "98")
    expect_correct(ex, {"K": "r", "d": "A"})
    expect_mistake(ex, {"k": "a", "d": "r"}, "convex cells")
    expect_mistake(ex, {"k": "r"}, "missing: d")
    expect_mistake(ex, ["k", "r"], "a dict pairing")


# -- written ------------------------------------------------------------------------------
ANSWER = ("I would compute the silhouette of both clusters to see whether they separate at all, then fit a "
          "decision tree on the two clusters to find the features that tell them apart, and merge them if "
          "nothing does.")


def test_written_answer_is_kept_then_self_scored():
    ex = LookAlikes("q6", "98")
    first = ex.check(ANSWER)
    assert first.status == "not_attempted" and "score it" in first.message and "a) check separation" in first.message
    entry = progress.load()["notebooks"]["98"]["q6"]
    assert entry["details"]["text"] == ANSWER
    expect_correct(ex, ANSWER, met=["a", "b", "c"])
    assert progress.load()["notebooks"]["98"]["q6"]["details"]["met"] == ["a", "b", "c"]


def test_written_answer_missing_and_unsupported_items():
    ex = LookAlikes("q6", "98")
    result = expect_mistake(ex, ANSWER, "does not yet", met=["a", "b"])
    assert result.mistake == "missing:c"
    result = expect_mistake(ex, ANSWER, "never says so", met=["a", "b", "c", "d"])
    assert result.mistake == "unsupported:d"
    expect_mistake(ex, "Use a tree.", "at least 20 words")
    expect_mistake(ex, ANSWER, "not a rubric item", met=["z"])
    assert ex.check("   ").status == "not_attempted"


def test_written_solution_shows_model_answer_rubric_and_weak_answers(capsys):
    LookAlikes("q6", "98").solution()
    out = capsys.readouterr().out
    assert "Model answer" in out and "Rubric" in out and "more clusters" in out


def test_written_declaration_is_checked():
    from course_utils.course.kinds import RubricItem, WrittenExercise

    class Inconsistent(WrittenExercise):
        question = "?"
        rubric = {"a": RubricItem("mention silhouettes", keywords=("silhouette",))}
        model_answer = "I would look at the data."

    with pytest.raises(ValueError, match="no keyword"):
        Inconsistent("q1")
