"""Every number a notebook's prose quotes from the data is computed, and agrees."""

import importlib
import pkgutil

import pytest

import course_utils.lessons as lessons
from course_utils.course import authoring
from course_utils.course.figures import ProseFigure, problems, quoted_in


def lesson_modules():
    out = []
    for info in sorted(pkgutil.iter_modules(lessons.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"course_utils.lessons.{info.name}")
        if getattr(module, "PROSE_FIGURES", None):
            out.append((info.name[2:], module))
    return out


def markdown_of(root, nb_id: str) -> str:
    source = next((root / "solutions").glob(f"{nb_id}_*.py"))
    nb = authoring.read_source(source)
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


@pytest.mark.parametrize("nb_id, module", lesson_modules(), ids=lambda v: v if isinstance(v, str) else "")
def test_prose_quotes_what_the_data_gives(root, nb_id, module):
    assert problems(module.PROSE_FIGURES, markdown_of(root, nb_id)) == []


def test_a_wrong_quote_is_caught():
    text = "The silhouette is 0.48 at k = 6, and 4,000 customers bought."
    assert problems([ProseFigure("0.48", lambda: 0.4812, "{:.2f}")], text) == []
    assert problems([ProseFigure("4,000", lambda: 4000, "{:,}")], text) == []
    [p] = problems([ProseFigure("0.48", lambda: 0.503, "{:.2f}", "silhouette")], text)
    assert "the data gives '0.50'" in p
    [p] = problems([ProseFigure("0.51", lambda: 0.51, "{:.2f}")], text)
    assert "does not quote" in p


def test_quotes_are_whole_numbers():
    assert quoted_in("ARI 0.93.", "0.93") and not quoted_in("ARI 0.935", "0.93") and not quoted_in("10.93", "0.93")
