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
    from course_utils import checks

    monkeypatch.setenv("COURSE_PROGRESS_FILE", str(tmp_path / "progress.json"))
    monkeypatch.setattr(checks, "_STRICT", False)
    yield
