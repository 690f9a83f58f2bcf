"""The instructor guide: linked from the README, complete, and generated where it quotes the checks."""

import re
from pathlib import Path

import pytest

from course_utils.course import guide
from course_utils.course.grading import course_exercises, known_notebooks

ROOT = Path(__file__).resolve().parent.parent
TEXT = (ROOT / guide.GUIDE).read_text(encoding="utf-8")


def test_the_readme_links_to_the_guide():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "(docs/instructor_guide.md)" in readme


@pytest.mark.parametrize("heading", [
    "## Before the workshop: hand out the course", "### Half day", "### Full day", "### Two days",
    "## Collect and grade", "## What grading does and does not protect against",
])
def test_the_guide_has_every_part_the_course_promises(heading):
    assert heading in TEXT


@pytest.mark.parametrize("notebook", known_notebooks())
def test_every_notebook_has_a_section_with_its_generated_misconceptions(notebook):
    assert f"### {notebook} · " in TEXT, f"run `python -m course_utils guide` to add notebook {notebook}'s section"
    section = TEXT[TEXT.index(f"### {notebook} · "):]
    section = section[: section.index(guide.END.format(id=notebook))]
    assert guide.NOT_WRITTEN not in section, f"write the objectives, timing and prompts of notebook {notebook}"
    for part in ("**Objectives.**", "**Timing.**", "**Discussion prompts.**", "**Pair activit"):
        assert part in section, (notebook, part)
    listed = re.findall(r"^- \*\*(q\d+)\*\*", section, re.M)
    assert listed == [ex.name for ex in course_exercises(notebook)]


@pytest.mark.slow
def test_the_generated_parts_equal_the_declared_mistakes():
    """Regenerating the guide changes nothing: run `python -m course_utils guide` after changing a check."""
    assert guide.generate(ROOT, check=True) == [], "run: python -m course_utils guide"


def fake_block(notebook):
    return f"{guide.BEGIN.format(id=notebook)}\n- **q1** generated {notebook}\n{guide.END.format(id=notebook)}"


def test_blocks_are_rewritten_and_new_notebooks_get_a_section(monkeypatch):
    monkeypatch.setattr(guide, "block", fake_block)
    text = (f"# Guide\n\n### 00 · Setup\n\nhand-written\n\n{guide.BEGIN.format(id='00')}\nold list\n"
            f"{guide.END.format(id='00')}\n\n{guide.NEW_SECTIONS}\n\n## Collect and grade\n")
    new = guide.updated(text, ROOT, ["00", "03"])
    assert "old list" not in new and "- **q1** generated 00" in new and "hand-written" in new
    added = new[new.index("### 03 · Session embeddings"):new.index(guide.NEW_SECTIONS)]
    assert guide.NOT_WRITTEN in added and "#### Misconceptions" in added and "- **q1** generated 03" in added
    assert guide.updated(new, ROOT, ["00", "03"]) == new  # a second run changes nothing


def test_a_block_for_a_notebook_the_course_does_not_have_is_an_error(monkeypatch):
    monkeypatch.setattr(guide, "block", fake_block)
    text = f"{fake_block('00')}\n{fake_block('09')}\n{guide.NEW_SECTIONS}"
    with pytest.raises(guide.GuideError, match=r"\['09'\]"):
        guide.updated(text, ROOT, ["00"])
    with pytest.raises(guide.GuideError, match="no line"):
        guide.updated(fake_block("00"), ROOT, ["00", "01"])


def test_a_message_that_quotes_the_answer_is_shown_for_the_declared_example():
    from course_utils.exercises.nb00 import q1

    mistake = next(m for m in q1.all_mistakes() if m.name == "one_entry_per_customer")
    assert callable(mistake.message)
    text = guide.message_text(q1, mistake)
    assert text.startswith("You gave a Series of") and text.endswith("*(for a typical answer)*")
