"""The learner's workspace: copies of the notebooks that no course command overwrites.

``notebooks/`` holds the pristine learner notebooks, generated from ``solutions/``;
tests and ``make notebooks`` work on them. A learner works in ``workspace/``
(git-ignored) instead:

* :func:`sync` (run by ``make lab``) copies every notebook that is not in the
  workspace yet and never replaces one that is;
* :func:`restore` (``python -m course_utils restore 01``) puts one fresh copy
  back, keeping the learner's old file under a dated name.

A small manifest (``.course_workspace.json``) remembers which version of each
pristine notebook a copy was made from, so :func:`sync` can say when the course
has a newer version of a notebook you are working on.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from pathlib import Path

ENV_VAR = "COURSE_WORKSPACE"
MANIFEST = ".course_workspace.json"


def course_root() -> Path:
    """The course folder (the one holding ``notebooks/`` and ``solutions/``)."""
    return Path(__file__).resolve().parent.parent.parent


def workspace_dir(root: Path | None = None) -> Path:
    """The workspace in use: ``$COURSE_WORKSPACE`` if set, else ``<course>/workspace``."""
    override = os.environ.get(ENV_VAR, "").strip()
    if override:
        return Path(override).expanduser()
    return Path(root if root is not None else course_root()) / "workspace"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _pristine(root: Path) -> list:
    folder = Path(root) / "notebooks"
    found = sorted(folder.glob("[0-9][0-9]_*.ipynb"))
    if not found:
        raise FileNotFoundError(
            f"no notebooks in {folder}; run this from the course folder, or pass --root with the course folder"
        )
    return found


def _read_manifest(workspace: Path) -> dict:
    try:
        data = json.loads((workspace / MANIFEST).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _write_manifest(workspace: Path, manifest: dict) -> None:
    (workspace / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def sync(root: Path | None = None, workspace: Path | None = None) -> dict:
    """Copy the notebooks that are not in the workspace yet; never replace one that is.

    Returns
    -------
    dict
        ``{"copied": [names], "kept": [names], "newer": [names]}``. ``newer``
        lists kept notebooks whose pristine version changed since they were
        copied (:func:`restore` gets the new one and keeps yours).
    """
    root = Path(root) if root is not None else course_root()
    workspace = Path(workspace) if workspace is not None else workspace_dir(root)
    workspace.mkdir(parents=True, exist_ok=True)
    manifest = _read_manifest(workspace)
    out = {"copied": [], "kept": [], "newer": []}
    for source in _pristine(root):
        target = workspace / source.name
        digest = _digest(source)
        if target.exists():
            out["kept"].append(source.name)
            copied_from = manifest.get(source.name)
            if copied_from is None:
                manifest[source.name] = digest  # a copy made before the manifest existed
            elif copied_from != digest:
                out["newer"].append(source.name)
            continue
        # exclusive create: a file that appears meanwhile is never overwritten
        with open(source, "rb") as src, open(target, "xb") as dst:
            shutil.copyfileobj(src, dst)
        manifest[source.name] = digest
        out["copied"].append(source.name)
    _write_manifest(workspace, manifest)
    return out


def _find(root: Path, notebook: str) -> Path:
    """The pristine notebook named by ``"01"``, ``"01_rfm_kmeans"`` or ``"01_rfm_kmeans.ipynb"``."""
    if not isinstance(notebook, str) or not notebook.strip():
        raise ValueError(f"name a notebook by its number, e.g. '01'; got {notebook!r}")
    key = Path(notebook.strip()).name.removesuffix(".ipynb")
    candidates = _pristine(root)
    matches = [p for p in candidates if p.stem == key or p.stem.split("_", 1)[0] == key]
    if len(matches) != 1:
        known = ", ".join(p.stem for p in candidates)
        raise ValueError(f"no notebook {notebook!r}; the course has: {known} (give the number, e.g. '01')")
    return matches[0]


def restore(notebook: str, root: Path | None = None, workspace: Path | None = None) -> tuple:
    """Put a fresh copy of one notebook in the workspace, keeping the old one under a dated name.

    Parameters
    ----------
    notebook : str
        ``"01"``, ``"01_rfm_kmeans"`` or ``"01_rfm_kmeans.ipynb"``.

    Returns
    -------
    (Path, Path or None)
        The fresh copy, and where your previous file now is (None if there was none).
    """
    root = Path(root) if root is not None else course_root()
    workspace = Path(workspace) if workspace is not None else workspace_dir(root)
    source = _find(root, notebook)
    workspace.mkdir(parents=True, exist_ok=True)
    target = workspace / source.name
    kept = None
    if target.exists():
        stamp = time.strftime("%Y-%m-%d_%H%M%S")
        kept = workspace / f"{source.stem}.saved-{stamp}.ipynb"
        n = 2
        while kept.exists():
            kept = workspace / f"{source.stem}.saved-{stamp}-{n}.ipynb"
            n += 1
        os.replace(target, kept)
    shutil.copyfile(source, target)
    manifest = _read_manifest(workspace)
    manifest[source.name] = _digest(source)
    _write_manifest(workspace, manifest)
    return target, kept


def describe_sync(result: dict, workspace: Path) -> str:
    """What :func:`sync` did, in a few lines for the terminal."""
    lines = []
    if result["copied"]:
        lines.append(f"Copied into {workspace}: {', '.join(result['copied'])}")
    if result["kept"]:
        lines.append(f"Your notebooks in {workspace} are kept as they are ({len(result['kept'])}).")
    for name in result["newer"]:
        number = name.split("_", 1)[0]
        lines.append(
            f"The course has a newer {name}. To get it (yours is kept under a dated name): "
            f"python -m course_utils restore {number}"
        )
    return "\n".join(lines)
