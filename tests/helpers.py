"""Helpers shared by the checker tests (import them with ``from tests.helpers import ...``)."""

from __future__ import annotations


def expect_mistake(exercise, answer, phrase: str, **context):
    """Check ``answer``: it must be judged incorrect, with ``phrase`` in the message. Returns the result."""
    result = exercise.check(answer, **context)
    assert result.status == "incorrect", f"{exercise.name}: expected incorrect, got {result.status}: {result.message}"
    assert phrase in result.message, f"{exercise.name}: {phrase!r} not in {result.message!r}"
    return result


def expect_correct(exercise, answer, **context):
    """Check ``answer``: it must be judged correct. Returns the result."""
    result = exercise.check(answer, **context)
    assert result.status == "correct", f"{exercise.name}: expected correct, got {result.status}: {result.message}"
    return result
