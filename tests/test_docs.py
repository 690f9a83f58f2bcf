"""The glossary and the cheat sheet: every link to a notebook section resolves, and learners can find them."""

import re

import pytest

from course_utils.course import sections
from tests.conftest import ROOT

DOCS = ["glossary.md", "cheatsheet.md"]
NOTEBOOKS = sorted(path.name[:2] for path in (ROOT / "solutions").glob("[0-9][0-9]_*.py"))
RECAP_LINE = ("Terms and recipes: the [glossary](../docs/glossary.md) and the one-page "
              "[cheat sheet](../docs/cheatsheet.md).")


def doc_links(name: str) -> list:
    """``[(doc, text, target)]`` of the links into notebooks of a file in docs/."""
    text = (ROOT / "docs" / name).read_text(encoding="utf-8")
    return [(name, link_text, target) for link_text, target in sections.markdown_links(text)]


LINKS = [link for name in DOCS for link in doc_links(name)]


@pytest.mark.parametrize("doc, text, target", LINKS, ids=[f"{d}:{t}" for d, _, t in LINKS])
def test_every_section_link_resolves(doc, text, target):
    section = sections.resolve(target, ROOT)
    number = text.split(" ")[0]
    assert number == section.notebook, f"{doc}: the link text {text!r} names another notebook than {target}"


def test_there_are_links_to_check():
    assert len(LINKS) >= 60


def test_every_glossary_row_names_a_section():
    text = (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8")
    rows = [line for line in text.split("\n")
            if line.startswith("| ") and not line.startswith("| term") and not line.startswith("|---")]
    assert len(rows) >= 60
    assert not re.search(r"^## ", text, re.M), "one glossary table: no section after it"
    for row in rows:
        assert len(sections.markdown_links(row)) == 1, f"a glossary row needs one section link: {row[:60]}"
    terms = [row.split("|")[1].strip().lower() for row in rows]
    assert len(terms) == len(set(terms)), "a term appears twice"


def test_the_glossary_covers_the_seed_concepts():
    text = (ROOT / "docs" / "glossary.md").read_text().lower()
    for concept in ["rfm", "k-means", "dbscan", "hdbscan", "word2vec", "node2vec", "autoencoder", "pca", "t-sne",
                    "umap", "silhouette", "elbow", "feature scaling", "stability", "mini-batch k-means", "persona",
                    "customer-journey", "jobs to be done", "dendrogram"]:
        assert concept in text, concept


def test_every_notebook_is_in_the_glossary():
    taught = {text.split(" ")[0] for doc, text, _ in LINKS if doc == "glossary.md"}
    assert set(NOTEBOOKS) <= taught, f"no glossary term is taught in notebook(s) {sorted(set(NOTEBOOKS) - taught)}"


def test_readme_links_the_docs_and_lists_the_drill():
    readme = (ROOT / "README.md").read_text()
    assert "(docs/glossary.md)" in readme and "(docs/cheatsheet.md)" in readme
    assert "python -m course_utils drill" in readme
    assert re.search(r"^\| 06 \| interview drills \|.*\| available \|$", readme, re.M)


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_the_end_of_every_notebook_links_the_docs(notebook):
    source = next((ROOT / "solutions").glob(f"{notebook}_*.py")).read_text(encoding="utf-8")
    markdown = [cell for cell in source.split("# %%") if cell.startswith(" [markdown]")]
    ending = "\n".join(markdown[-2:])  # the recap, and the pointer to the next notebook
    assert "(../docs/glossary.md)" in ending and "(../docs/cheatsheet.md)" in ending, (
        f"notebook {notebook}: end the recap with {RECAP_LINE!r}")


def table_rows(text: str, header: str) -> list:
    """``[(number, notebook, level)]`` of the markdown table that starts with ``header``."""
    lines = text[text.index(header):].split("\n")[2:]
    rows = []
    for line in lines:
        line = line.removeprefix("# ")
        if not line.startswith("| "):
            break
        cells = [c.strip() for c in line.strip("|").split("|")]
        rows.append(tuple(cells[:3]))
    return rows


def test_the_plan_in_notebook_00_lists_the_readme_syllabus():
    readme = table_rows((ROOT / "README.md").read_text(encoding="utf-8"),
                        "| # | notebook | level | you leave able to |")
    plan = table_rows(next((ROOT / "solutions").glob("00_*.py")).read_text(encoding="utf-8"),
                      "# | # | notebook | level | you will be able to |")
    assert plan == readme, "notebook 00's plan of the course lists other notebooks (or levels) than the README"
    assert [number for number, _, _ in plan] == NOTEBOOKS
