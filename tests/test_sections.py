"""Section links: how a link names a notebook section, and the resolver that checks it."""

import pytest

from course_utils.course import sections
from course_utils.course.sections import heading_anchor, markdown_links, notebook_sections, parse_link, resolve


@pytest.mark.parametrize("title, anchor", [
    ("6. Choose k", "6-choose-k"),
    ("5. Log and scale: what goes wrong without", "5-log-and-scale-what-goes-wrong-without"),
    ('4. Word2Vec on page sequences ("item2vec")', "4-word2vec-on-page-sequences-item2vec"),
    ("11. Incremental update or full refit?", "11-incremental-update-or-full-refit"),
    ("Exercise q3: gaps between a reader's clicks", "exercise-q3-gaps-between-a-readers-clicks"),
    ("Case (a): two segments look the same", "case-a-two-segments-look-the-same"),
    ("The `check()` call", "the-check-call"),
    ("See [the docs](http://x.y) now", "see-the-docs-now"),
    ("t-SNE and UMAP", "t-sne-and-umap"),
])
def test_heading_anchor(title, anchor):
    assert heading_anchor(title) == anchor


def source(tmp_path, cells: str, name="07_sample.py"):
    (tmp_path / "solutions").mkdir(exist_ok=True)
    path = tmp_path / "solutions" / name
    header = "# ---\n# jupyter:\n#   jupytext:\n#     text_representation:\n#       format_name: percent\n# ---\n\n"
    path.write_text(header + cells)
    return path


def test_sections_of_a_source_skip_code_fences_and_solution_cells_and_number_repeats(tmp_path):
    path = source(tmp_path, (
        "# %% [markdown]\n# # 07 · Sample\n#\n# ## 1. Start\n#\n# ```bash\n# # not a heading\n# ```\n\n"
        "# %%\nx = 1  # ## not markdown\n\n"
        "# %% [markdown] tags=[\"solution\"]\n# ## Only in the solution\n\n"
        "# %% [markdown]\n# ## Recap\n#\n# ### Recap\n"
    ))
    found = [(s.anchor, s.level) for s in notebook_sections(path)]
    assert found == [("07--sample", 1), ("1-start", 2), ("recap", 2), ("recap-1", 3)]


def test_resolve_finds_a_real_section(root):
    section = resolve("notebooks/01_rfm_kmeans.ipynb#7-choose-k", root)
    assert section.title == "7. Choose k" and section.label() == "01 · 7. Choose k"
    assert resolve("../notebooks/01_rfm_kmeans.ipynb#7-choose-k", root) == section


def test_resolve_says_what_is_wrong(root, tmp_path):
    with pytest.raises(ValueError, match="no heading with anchor '7-choose-kk'.*7-choose-k"):
        resolve("notebooks/01_rfm_kmeans.ipynb#7-choose-kk", root)
    with pytest.raises(ValueError, match="no notebook 42_nothing.ipynb"):
        resolve("notebooks/42_nothing.ipynb#intro", root)
    with pytest.raises(ValueError, match="names no section"):
        parse_link("notebooks/01_rfm_kmeans.ipynb")
    with pytest.raises(ValueError, match="does not point into notebooks/"):
        parse_link("solutions/01_rfm_kmeans.ipynb#2-clean")
    with pytest.raises(TypeError):
        parse_link(None)
    with pytest.raises(ValueError, match="no notebook source"):
        notebook_sections(tmp_path / "solutions" / "01_missing.py")


def test_a_heading_only_in_the_solution_notebook_does_not_resolve(tmp_path):
    source(tmp_path, "# %% [markdown] tags=[\"solution\"]\n# ## Hidden\n\n# %% [markdown]\n# ## Shown\n")
    assert resolve("notebooks/07_sample.ipynb#shown", tmp_path).title == "Shown"
    with pytest.raises(ValueError, match="hidden"):
        resolve("notebooks/07_sample.ipynb#hidden", tmp_path)


def test_markdown_links_keep_only_notebook_links():
    text = "See [a](../notebooks/01_rfm_kmeans.ipynb#2-clean), [b](cheatsheet.md) and [c](https://x.org)."
    assert markdown_links(text) == [("a", "../notebooks/01_rfm_kmeans.ipynb#2-clean")]
    assert sections.__doc__ and "heading" in sections.__doc__
