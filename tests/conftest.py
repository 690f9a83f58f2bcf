"""Shared fixtures (the environment itself is set in the root conftest.py)."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def root() -> Path:
    return ROOT


@pytest.fixture(autouse=True)
def _private_progress(tmp_path, monkeypatch):
    """Each test gets its own progress file and strict mode off."""
    from course_utils.course import checks

    monkeypatch.setenv("COURSE_PROGRESS_FILE", str(tmp_path / "progress.json"))
    monkeypatch.setattr(checks, "_STRICT", False)
    yield


# Hypothesis: the same examples on every run (CI must not fail at random). To explore new
# examples locally, run with COURSE_HYPOTHESIS_EXPLORE=1.
def _hypothesis_profile():
    import os

    from hypothesis import settings

    settings.register_profile("course", derandomize=True)
    settings.register_profile("explore", derandomize=False)
    settings.load_profile("explore" if os.environ.get("COURSE_HYPOTHESIS_EXPLORE") == "1" else "course")


_hypothesis_profile()
