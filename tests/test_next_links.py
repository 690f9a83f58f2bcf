"""Every notebook but the last ends by linking to the next one, and the link opens it.

The link is a file name relative to the notebook (``[02 · ...](02_clustering_validation.ipynb)``):
learner notebooks sit side by side in ``notebooks/`` and in the workspace, solutions in
``solutions/``, so the same link works in all three.
"""

import re

import pytest

from course_utils.course import authoring
from tests.conftest import ROOT

SOURCES = sorted((ROOT / "solutions").glob("[0-9][0-9]_*.py"))
LINK = re.compile(r"\[(?P<text>[^\]]+)\]\((?P<target>[^)\s]+)\)")


def next_link_problem(markdown: str, next_stem: str, folders) -> str | None:
    """What is wrong with the "Next" pointer of ``markdown`` to the notebook ``next_stem``, or None."""
    paragraphs = [p for p in re.split(r"\n\s*\n", markdown) if "Next" in p]
    if not paragraphs:
        return "no paragraph says what comes next"
    links = [m for p in paragraphs for m in LINK.finditer(p)]
    wanted = f"{next_stem}.ipynb"
    if not any(m["target"] == wanted for m in links):
        return f"the Next paragraph does not link to {wanted!r} (links: {[m['target'] for m in links]})"
    for m in links:
        if m["target"] == wanted and not m["text"].strip("*_ ").startswith(next_stem[:2]):
            return f"the link text {m['text']!r} does not start with the next notebook's number {next_stem[:2]}"
    missing = [str(folder / wanted) for folder in folders if not (folder / wanted).exists()]
    return f"the link target does not exist: {missing}" if missing else None


@pytest.mark.parametrize("source, following", list(zip(SOURCES, SOURCES[1:])), ids=[s.name[:2] for s in SOURCES[:-1]])
def test_every_notebook_links_to_the_next(source, following):
    cells = [c.source for c in authoring.read_source(source).cells if c.cell_type == "markdown"]
    ending = "\n\n".join(cells[-2:])  # the recap, and the pointer to the next notebook
    problem = next_link_problem(ending, following.stem, [ROOT / "notebooks", ROOT / "solutions"])
    assert problem is None, f"notebook {source.name[:2]}: {problem}"


def test_a_missing_or_broken_next_link_is_caught(tmp_path):
    (tmp_path / "02_next.ipynb").write_text("{}")
    assert next_link_problem("**Next:** [02 · Next](02_next.ipynb).", "02_next", [tmp_path]) is None
    assert "no paragraph" in next_link_problem("The end.", "02_next", [tmp_path])
    assert "does not link" in next_link_problem("**Next:** 02 · Next.", "02_next", [tmp_path])
    assert "does not link" in next_link_problem("**Next:** [02 · Next](03_other.ipynb).", "02_next", [tmp_path])
    assert "number" in next_link_problem("**Next:** [03 · Next](02_next.ipynb).", "02_next", [tmp_path])
    assert "does not exist" in next_link_problem("Next: [02](02_next.ipynb).", "02_next", [tmp_path / "gone"])
