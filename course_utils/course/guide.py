"""Keep the instructor guide's generated parts equal to the course.

``docs/instructor_guide.md`` is written by hand, except one block per notebook:
the misconceptions its checks diagnose, listed from the declared mistakes
(``ex.all_mistakes()``: each mistake's name and the message a learner reads).
``python -m course_utils guide`` rewrites those blocks, and adds a section for a
notebook the guide does not know yet (its hand-written parts still to write);
``--check`` only reports whether the file is up to date. A test runs the check,
so the guide cannot drift from the checks.
"""

from __future__ import annotations

import re
from pathlib import Path

GUIDE = Path("docs") / "instructor_guide.md"
BEGIN = "<!-- BEGIN GENERATED: misconceptions of notebook {id}; `python -m course_utils guide` rewrites this block -->"
END = "<!-- END GENERATED: misconceptions of notebook {id} -->"
#: New notebooks' sections are inserted above this line.
NEW_SECTIONS = "<!-- NEW NOTEBOOKS: `python -m course_utils guide` adds their sections above this line -->"
_BLOCK = re.compile(r"<!-- BEGIN GENERATED: misconceptions of notebook (\d\d);[^>]*-->\n.*?"
                    r"<!-- END GENERATED: misconceptions of notebook \1 -->", re.S)


class GuideError(ValueError):
    """The guide cannot be brought up to date as it is; the message says why."""


def _one_line(text) -> str:
    return " ".join(str(text).split())


def message_text(ex, mistake) -> str:
    """What a learner reads for ``mistake``: its message, or (when the message quotes the answer)
    the message its declared example gets."""
    if not callable(mistake.message):
        return _one_line(mistake.message)
    try:
        result = ex.evaluate(mistake.example_answer(), **mistake.example_check_context())
    except Exception:
        return "(a message that quotes the learner's answer)"
    return f"{_one_line(result.message)} *(for a typical answer)*"


def misconceptions(notebook: str) -> str:
    """The generated block of one notebook: every exercise and the mistakes its check names."""
    from course_utils.course.grading import course_exercises

    lines = []
    for ex in course_exercises(notebook):
        mistakes = list(ex.all_mistakes()) if hasattr(ex, "all_mistakes") else []
        lines.append(f"- **{ex.name}** {_one_line(ex.title)}"
                     + ("" if mistakes else " (no declared mistakes: the check explains each wrong answer)"))
        for m in mistakes:
            lines.append(f"  - `{m.name}`: {message_text(ex, m)}")
    return "\n".join(lines)


def block(notebook: str) -> str:
    return f"{BEGIN.format(id=notebook)}\n{misconceptions(notebook)}\n{END.format(id=notebook)}"


def title_of(root: Path, notebook: str) -> str:
    """``"03 · Session embeddings with Word2Vec and HDBSCAN"``, from the notebook's source."""
    for source in sorted((Path(root) / "solutions").glob(f"{notebook}_*.py")):
        for line in source.read_text(encoding="utf-8").splitlines():
            m = re.match(r"#\s+#\s+(.+)", line)
            if m:
                return m.group(1).strip()
        return source.stem.replace("_", " ")
    return f"Notebook {notebook}"


#: What a section added for a new notebook says until its author writes it.
NOT_WRITTEN = ("*Objectives, timing, discussion prompts and pair activities for this notebook are not written "
               "yet: write them here, as for the notebooks above.*")


def new_section(root: Path, notebook: str) -> str:
    return (f"### {title_of(root, notebook)}\n\n{NOT_WRITTEN}\n\n#### Misconceptions the checks diagnose\n\n"
            + block(notebook) + "\n\n")


def updated(text: str, root: Path, notebooks: list) -> str:
    """``text`` with every notebook's block regenerated and sections added for new notebooks."""
    present = {m.group(1) for m in _BLOCK.finditer(text)}
    stale = sorted(present - set(notebooks))
    if stale:
        raise GuideError(f"the guide has generated blocks for notebooks the course does not have: {stale}; "
                         "remove their sections by hand")
    text = _BLOCK.sub(lambda m: block(m.group(1)), text)
    missing = [nb for nb in notebooks if nb not in present]
    if missing:
        if NEW_SECTIONS not in text:
            raise GuideError(f"the guide has no line {NEW_SECTIONS!r} to add sections for {missing} above")
        text = text.replace(NEW_SECTIONS, "".join(new_section(root, nb) for nb in missing) + NEW_SECTIONS)
    return text


def generate(root, check: bool = False) -> list:
    """Rewrite the guide's generated parts (or, with ``check=True``, only compare). Returns the changed paths."""
    from course_utils.course.grading import known_notebooks

    root = Path(root)
    path = root / GUIDE
    if not path.exists():
        raise GuideError(f"{path} does not exist")
    current = path.read_text(encoding="utf-8")
    new = updated(current, root, known_notebooks())
    if new == current:
        return []
    if not check:
        path.write_text(new, encoding="utf-8")
    return [path]
