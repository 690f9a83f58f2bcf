"""Links to notebook sections, and whether they resolve.

The glossary, the cheat sheet and the drill's question bank send a learner back
to the section of a notebook that teaches a thing. Such a link names the learner
notebook and an anchor::

    notebooks/03_session_embeddings.ipynb#3-sessions          (from the course root)
    ../notebooks/03_session_embeddings.ipynb#3-sessions       (from docs/)

The anchor is derived from a markdown heading of the notebook's single source,
``solutions/03_session_embeddings.py``, the way GitHub derives heading anchors:
lower-case, punctuation dropped, spaces become hyphens, and a repeated heading
gets ``-1``, ``-2``, ... So ``## 3. Sessions`` is ``#3-sessions`` and
``## 5. Transform and scale: what K-Means needs`` is
``#5-transform-and-scale-what-k-means-needs``. Headings of cells that only the
solution notebook has (tagged ``solution``) are not in the learner notebook and
do not count.

>>> heading_anchor("5. Transform and scale: what K-Means needs")
'5-transform-and-scale-what-k-means-needs'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

__all__ = ["Section", "heading_anchor", "notebook_sections", "parse_link", "resolve", "markdown_links"]

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_LINK = re.compile(r"\[(?P<text>[^\]]+)\]\((?P<target>[^)\s]+)\)")
_NOTEBOOK = re.compile(r"^(?P<stem>\d\d_[a-z0-9_]+)\.ipynb$")


@dataclass(frozen=True)
class Section:
    """One heading of a notebook: its id (``"03"``), its anchor, its text and level (2 for ``##``)."""

    notebook: str
    anchor: str
    title: str
    level: int

    def label(self) -> str:
        """How a learner reads the section: ``03 · 3. Sessions``."""
        return f"{self.notebook} · {self.title}"


def heading_anchor(title: str) -> str:
    """The GitHub-style anchor of a heading's text (without de-duplication)."""
    if not isinstance(title, str):
        raise TypeError(f"title must be the heading's text (a str), got {type(title).__name__}")
    text = re.sub(r"`([^`]*)`", r"\1", title.strip())  # inline code keeps its text
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # a link keeps its text
    text = text.lower()
    text = re.sub(r"[^\w\- ]", "", text)  # punctuation goes; letters, digits, _ and - stay
    return text.replace(" ", "-")


def markdown_headings(markdown: str) -> list:
    """``[(level, text)]`` of the ATX headings in markdown, skipping fenced code."""
    out, fenced = [], False
    for line in markdown.split("\n"):
        if _FENCE.match(line):
            fenced = not fenced
            continue
        m = None if fenced else _HEADING.match(line)
        if m:
            out.append((len(m.group(1)), m.group(2)))
    return out


def notebook_sections(source) -> list:
    """Every heading of the learner notebook a source becomes, in order, as :class:`Section`.

    Raises
    ------
    ValueError
        When ``source`` is not a notebook source (``NN_name.py``) that exists.
    """
    from course_utils.course import authoring

    source = Path(source)
    if not source.is_file():
        raise ValueError(f"no notebook source at {source}")
    nb_id = authoring.notebook_id(source)
    nb = authoring.read_source(source)
    seen: dict = {}
    out = []
    for cell in nb.cells:
        if cell.cell_type != "markdown" or authoring.SOLUTION_TAG in cell.get("metadata", {}).get("tags", []):
            continue
        for level, title in markdown_headings(cell.source):
            base = heading_anchor(title)
            n = seen.get(base, 0)
            seen[base] = n + 1
            out.append(Section(nb_id, base if n == 0 else f"{base}-{n}", title, level))
    return out


def parse_link(link: str) -> tuple:
    """``(notebook file name, anchor)`` of a section link; ValueError naming what is wrong.

    >>> parse_link("../notebooks/03_session_embeddings.ipynb#3-sessions")
    ('03_session_embeddings.ipynb', '3-sessions')
    """
    if not isinstance(link, str):
        raise TypeError(f"a section link is text, got {type(link).__name__}")
    path, sep, anchor = link.strip().partition("#")
    if not sep or not anchor:
        raise ValueError(f"{link!r} names no section: add '#<anchor>' (e.g. notebooks/01_rfm_kmeans.ipynb#7-choose-k)")
    parts = PurePosixPath(path).parts
    if len(parts) < 2 or parts[-2] != "notebooks" or not _NOTEBOOK.match(parts[-1]):
        raise ValueError(f"{link!r} does not point into notebooks/: expected notebooks/NN_name.ipynb#anchor "
                         "(or ../notebooks/... from docs/)")
    return parts[-1], anchor


def resolve(link: str, root) -> Section:
    """The section a link names, found in ``root/solutions/NN_name.py``.

    Raises
    ------
    ValueError
        When the notebook has no source, or no heading has that anchor (the
        message lists the anchors it does have).
    """
    name, anchor = parse_link(link)
    source = Path(root) / "solutions" / (name[: -len(".ipynb")] + ".py")
    if not source.is_file():
        raise ValueError(f"{link!r}: there is no notebook {name} (no solutions/{source.name})")
    sections = notebook_sections(source)
    for section in sections:
        if section.anchor == anchor:
            return section
    known = ", ".join(s.anchor for s in sections if s.level <= 2)
    raise ValueError(f"{link!r}: {name} has no heading with anchor {anchor!r}; its sections are: {known}")


def markdown_links(markdown: str) -> list:
    """``[(text, target)]`` of the inline links in markdown that point into ``notebooks/``."""
    return [(m["text"], m["target"]) for m in _LINK.finditer(markdown) if "notebooks/" in m["target"]]
