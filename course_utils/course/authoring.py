"""Turn the authored notebooks into the notebooks learners open.

The single source of every notebook is ``solutions/NN_name.py``, a jupytext
"percent" script that reads well in a diff. From it, ``make notebooks`` writes

* ``solutions/NN_name.ipynb``: the worked solution, outputs cleared;
* ``notebooks/NN_name.ipynb``: the learner version.

Markup in the source
--------------------
* A code region between ``# BEGIN SOLUTION: <prompt>`` and ``# END SOLUTION``
  becomes, in the learner version, the prompt as a comment followed by
  ``<name> = ____`` for the variable(s) the region's last assignment sets.
* A cell tagged ``solution`` (``# %% tags=["solution"]`` or
  ``# %% [markdown] tags=["solution"]``) is left out of the learner version.

Cell ids are derived from the cell's content, so writing twice gives the same
bytes; a test regenerates everything and fails when the tree drifts.
"""

from __future__ import annotations

import ast
import hashlib
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

import jupytext
import nbformat

BEGIN = re.compile(r"^(?P<indent>\s*)# BEGIN SOLUTION:\s*(?P<prompt>.*\S)\s*$")
BEGIN_LOOSE = re.compile(r"^\s*#\s*BEGIN SOLUTION")
END = re.compile(r"^\s*# END SOLUTION\s*$")
SOLUTION_TAG = "solution"
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


class AuthoringError(ValueError):
    """A solution source breaks the markup rules; the message says where."""


@dataclass
class Region:
    """One solution region of a code cell."""

    prompt: str
    code: str
    indent: str


def _where(source: Path, cell_index: int) -> str:
    return f"{source.name}, cell {cell_index + 1}"


def split_regions(text: str, where: str = "") -> list:
    """Split cell source into plain strings and :class:`Region` objects."""
    parts, buf, region = [], [], None
    for lineno, line in enumerate(text.split("\n"), start=1):
        begin = BEGIN.match(line)
        if begin or (BEGIN_LOOSE.match(line) and not begin):
            if not begin:
                raise AuthoringError(
                    f"{where}, line {lineno}: write '# BEGIN SOLUTION: <one-line prompt>', got {line.strip()!r}"
                )
            if region is not None:
                raise AuthoringError(f"{where}, line {lineno}: BEGIN SOLUTION inside another solution region")
            parts.append("\n".join(buf)) if buf else None
            buf, region = [], Region(begin["prompt"], "", begin["indent"])
        elif END.match(line):
            if region is None:
                raise AuthoringError(f"{where}, line {lineno}: END SOLUTION without a BEGIN SOLUTION")
            region.code = "\n".join(buf)
            parts.append(region)
            buf, region = [], None
        else:
            buf.append(line)
    if region is not None:
        raise AuthoringError(f"{where}: BEGIN SOLUTION ({region.prompt!r}) has no END SOLUTION")
    if buf:
        parts.append("\n".join(buf))
    return parts


def starter_for(region: Region, where: str = "") -> str:
    """The learner's starter code for one region."""
    code = textwrap.dedent(region.code)
    try:
        tree = ast.parse(code)
    except SyntaxError as exc:
        raise AuthoringError(f"{where}: the solution region does not parse: {exc}") from exc
    targets = []
    for node in tree.body:
        if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            nodes = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = []
            for t in nodes:
                elts = t.elts if isinstance(t, ast.Tuple) else [t]
                names += [e.id for e in elts if isinstance(e, ast.Name)]
            if names:
                targets = names
    lines = [f"{region.indent}# {region.prompt}"]
    if targets:
        lines.append(f"{region.indent}{', '.join(targets)} = {', '.join(['____'] * len(targets))}")
    else:
        lines.append(f"{region.indent}____  # your code here")
    return "\n".join(lines)


def learner_source(text: str, where: str = "") -> str:
    """A code cell's source with every solution region replaced by starter code."""
    out = []
    for part in split_regions(text, where):
        out.append(starter_for(part, where) if isinstance(part, Region) else part)
    return "\n".join(out)


def solution_source(text: str, where: str = "") -> str:
    """A code cell's source with the region markers removed (the worked solution)."""
    out = []
    for part in split_regions(text, where):
        out.append(part.code if isinstance(part, Region) else part)
    return "\n".join(out)


def solution_lines(text: str) -> list:
    """The meaningful code lines inside solution regions (for leak tests)."""
    lines = []
    for part in split_regions(text):
        if isinstance(part, Region):
            for line in part.code.split("\n"):
                s = line.strip()
                if s and not s.startswith("#") and s not in {")", "]", "}", "(", "else:", "try:"}:
                    lines.append(s)
    return lines


def _is_solution_cell(cell) -> bool:
    return SOLUTION_TAG in cell.get("metadata", {}).get("tags", [])


def _set_ids(nb) -> None:
    seen = {}
    for cell in nb.cells:
        digest = hashlib.sha1(f"{cell.cell_type}\n{cell.source}".encode()).hexdigest()[:8]
        seen[digest] = seen.get(digest, 0) + 1
        cell["id"] = digest if seen[digest] == 1 else f"{digest}-{seen[digest]}"


def _clean_cell(cell):
    metadata = {}
    tags = list(cell.get("metadata", {}).get("tags", []))
    if tags:
        metadata["tags"] = tags
    if cell.cell_type == "code":
        return nbformat.v4.new_code_cell(source=cell.source, metadata=metadata)
    if cell.cell_type == "markdown":
        return nbformat.v4.new_markdown_cell(source=cell.source, metadata=metadata)
    return nbformat.v4.new_raw_cell(source=cell.source, metadata=metadata)


SOURCE_NAME = re.compile(r"^(?P<id>\d\d)_(?P<name>[a-z0-9_]+)\.py$")


def notebook_id(source: Path) -> str:
    """The notebook id of a source, from its file name: ``"01"`` for ``01_rfm_kmeans.py``."""
    m = SOURCE_NAME.match(Path(source).name)
    if not m:
        raise AuthoringError(
            f"{Path(source).name}: a notebook source is named NN_name.py (two digits, then lower-case words "
            "joined by _), e.g. 02_clustering_validation.py"
        )
    return m["id"]


def read_source(source: Path):
    """Read and validate a solution source; return the notebook node.

    The notebook id comes from the file name only. A ``course:`` block in the
    jupytext header is optional; if it gives an ``id``, that id must agree.
    """
    source = Path(source)
    nb_id = notebook_id(source)
    nb = jupytext.read(source, fmt="py:percent")
    course = nb.metadata.get("course")
    if course is not None:
        if not isinstance(course, dict):
            raise AuthoringError(f"{source.name}: the header's 'course:' must be a mapping")
        if "id" in course and str(course["id"]) != nb_id:
            raise AuthoringError(
                f"{source.name}: the header says course id {course['id']!r} but the file name says {nb_id!r}; "
                "the id lives in the file name, remove it from the header"
            )
        if "exercises" in course:
            raise AuthoringError(
                f"{source.name}: remove 'exercises:' from the header; the exercises module is "
                f"course_utils.exercises.nb{nb_id}, found from the file name"
            )
    return nb


def build(source: Path) -> tuple:
    """Return ``(solution_text, learner_text)``: the two .ipynb files as strings."""
    source = Path(source)
    nb = read_source(source)
    nb_id = notebook_id(source)
    course = {"id": nb_id, "exercises": f"course_utils.exercises.nb{nb_id}"}
    versions = []
    for learner in (False, True):
        cells = []
        for i, cell in enumerate(nb.cells):
            if learner and _is_solution_cell(cell):
                continue
            new = _clean_cell(cell)
            if cell.cell_type == "code":
                where = _where(source, i)
                new.source = learner_source(cell.source, where) if learner else solution_source(cell.source, where)
            if learner and "tags" in new.metadata:
                new.metadata["tags"] = [t for t in new.metadata["tags"] if t != SOLUTION_TAG]
                if not new.metadata["tags"]:
                    del new.metadata["tags"]
            cells.append(new)
        out = nbformat.v4.new_notebook(cells=cells)
        out.metadata = {
            "course": dict(course, version="learner" if learner else "solution"),
            "kernelspec": dict(KERNELSPEC),
            "language_info": {"name": "python"},
        }
        if not learner:
            out.metadata["jupytext"] = {"formats": "ipynb,py:percent"}
        out.nbformat, out.nbformat_minor = 4, 5
        _set_ids(out)
        nbformat.validate(out)
        versions.append(nbformat.writes(out) + "\n")
    return versions[0], versions[1]


def outputs_for(source: Path, root: Path) -> dict:
    """``{path: text}`` of the two notebooks a source produces under ``root``."""
    solution, learner = build(source)
    stem = Path(source).stem
    return {root / "solutions" / f"{stem}.ipynb": solution, root / "notebooks" / f"{stem}.ipynb": learner}


def sources(root: Path) -> list:
    return sorted((Path(root) / "solutions").glob("[0-9][0-9]_*.py"))


#: A check call in a notebook source: ``q3.check(`` (the name and where it is).
CHECK_CALL = re.compile(r"^(?!\s*#)\s*(?P<name>q\d+)\.check\((?P<args>.*)", re.M)


def check_calls(source: Path) -> list:
    """``[(exercise name, cell index, first argument text)]`` for every ``qN.check(...)`` in a source."""
    nb = read_source(source)
    out = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for m in CHECK_CALL.finditer(solution_source(cell.source)):
            out.append((m["name"], index, m["args"].split(",")[0].split(")")[0].strip()))
    return out


def generate(root: Path, check: bool = False) -> list:
    """Write (or, with ``check=True``, only compare) every generated notebook.

    Returns the paths that were written (or that differ from what would be).
    """
    root = Path(root)
    changed = []
    for source in sources(root):
        for path, text in outputs_for(source, root).items():
            current = path.read_text(encoding="utf-8") if path.exists() else None
            if current != text:
                changed.append(path)
                if not check:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_text(text, encoding="utf-8")
    return changed
