"""The course's datasets: load them by name, verify and restore them.

One module per dataset holds its schema, its seeded generator and its readers
(``tour``, ``online_retail``, ``clickstream``, ``streaming``); each declares its
files in ``DATASETS``, and this package finds them.

>>> from course_utils import data
>>> orders = data.load("tour_orders")          # doctest: +SKIP
>>> data.list_datasets()                       # doctest: +SKIP

Files live in the ``datasets/`` folder at the course root (or wherever the
environment variable ``COURSE_DATA_DIR`` points). ``datasets/SHA256SUMS`` holds
their checksums; every file can be rebuilt byte for byte by its seeded
generator with ``python -m course_utils data --restore``.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib
import os
import pkgutil
import tempfile
from pathlib import Path

import pandas as pd

from course_utils.data._dataset import Dataset
from course_utils.data.online_retail import read_uci_online_retail  # noqa: F401 (data.read_uci_online_retail)

RESTORE_COMMAND = "python -m course_utils data --restore"
CHECKSUM_FILE = "SHA256SUMS"


def _discover() -> dict:
    """Every dataset declared by a module of this package (``DATASETS = [...]``)."""
    found = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        for spec in getattr(module, "DATASETS", []):
            if spec.name in found:
                raise RuntimeError(f"dataset {spec.name!r} is declared twice ({info.name})")
            found[spec.name] = spec
    # in the order of the notebooks that use them, then as each module lists them
    order = sorted(found.values(), key=lambda s: s.notebook)
    return {s.name: s for s in order}


#: ``{name: Dataset}`` for every shipped file, discovered from the dataset modules.
DATASETS = _discover()


def data_dir() -> Path:
    """The folder holding the datasets."""
    override = os.environ.get("COURSE_DATA_DIR", "").strip()
    if override:
        return Path(override).expanduser()
    return Path(__file__).resolve().parent.parent.parent / "datasets"


def _spec(name) -> Dataset:
    if not isinstance(name, str):
        raise TypeError(f"dataset name must be a string, got {type(name).__name__} {name!r}")
    if name not in DATASETS:
        raise ValueError(f"unknown dataset name {name!r}; the course ships: {', '.join(sorted(DATASETS))}")
    return DATASETS[name]


def path(name: str) -> Path:
    """The path of a shipped dataset file."""
    return data_dir() / _spec(name).filename


def load(name: str) -> pd.DataFrame:
    """Read a shipped dataset as a DataFrame with proper dtypes.

    Raises
    ------
    ValueError
        For an unknown name (the message lists the known ones).
    FileNotFoundError
        When the file is missing; the message gives the command that restores it.
    """
    spec = _spec(name)
    file = data_dir() / spec.filename
    if not file.exists():
        raise FileNotFoundError(
            f"dataset {name!r} is missing: {file} does not exist. Restore it with: {RESTORE_COMMAND} {name}"
        )
    try:
        return spec.read(file)
    except (ValueError, OSError, EOFError, UnicodeDecodeError) as exc:  # a damaged or replaced file
        raise ValueError(
            f"dataset {name!r} could not be read from {file} ({type(exc).__name__}: {exc}); the file is damaged "
            f"or not the course's. Restore it with: {RESTORE_COMMAND} {name}"
        ) from exc


_ROW_COUNTS: dict = {}


def count_rows(file: Path) -> int:
    """Data rows of a shipped CSV (``.csv`` or ``.csv.gz``): its lines less the header.

    Counted from the file itself, so a description never has to repeat a number
    (the shipped files have no line breaks inside fields). Cached per file version.
    """
    if not isinstance(file, (str, os.PathLike)):
        raise TypeError(f"file must be a path to a CSV file, got {type(file).__name__} {file!r}")
    file = Path(file)
    if file.is_dir():
        raise ValueError(f"file {str(file)!r} is a folder, not a CSV file; give the path of a file in it")
    stat = file.stat()
    key = (str(file), stat.st_mtime_ns, stat.st_size)
    if key not in _ROW_COUNTS:
        opener = gzip.open if file.name.endswith(".gz") else open
        lines, last = 0, b"\n"
        with opener(file, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                lines += block.count(b"\n")
                last = block[-1:]
        lines += last != b"\n"  # a last line without its newline
        _ROW_COUNTS[key] = max(lines - 1, 0)
    return _ROW_COUNTS[key]


def list_datasets() -> pd.DataFrame:
    """One row per shipped dataset: name, file, rows, size, notebook and description.

    ``rows`` is counted from the file, not typed anywhere.
    """
    rows = []
    for spec in DATASETS.values():
        file = data_dir() / spec.filename
        rows.append(
            {
                "name": spec.name,
                "file": spec.filename,
                "rows": count_rows(file) if file.exists() else None,
                "size_kb": round(file.stat().st_size / 1024, 1) if file.exists() else None,
                "notebook": spec.notebook,
                "description": spec.description,
            }
        )
    table = pd.DataFrame(rows)
    table["rows"] = table["rows"].astype("Int64")
    return table


def sha256(file: Path) -> str:
    """sha256 of a file's content; for ``.gz`` files, of the decompressed content.

    Gzip output can differ between zlib builds on different platforms while the
    data inside is identical, so compressed files are checked by what they hold.
    """
    h = hashlib.sha256()
    opener = gzip.open if str(file).endswith(".gz") else open
    with opener(file, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def expected_checksums(directory: Path | None = None) -> dict:
    """``{filename: sha256}`` read from ``SHA256SUMS``."""
    file = (directory or data_dir()) / CHECKSUM_FILE
    if not file.exists():
        return {}
    out = {}
    for line in file.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            digest, _, filename = line.partition("  ")
            out[filename.strip()] = digest.strip()
    return out


def verify(name: str) -> tuple:
    """``(ok, problem)`` for one dataset: present and matching its checksum."""
    spec = _spec(name)
    file = data_dir() / spec.filename
    if not file.exists():
        return False, f"{file} is missing"
    expected = expected_checksums().get(spec.filename)
    if expected is None:
        return False, f"no checksum for {spec.filename} in {data_dir() / CHECKSUM_FILE}"
    actual = sha256(file)
    if actual != expected:
        return False, f"{file} has changed (sha256 {actual[:12]}..., expected {expected[:12]}...)"
    return True, ""


def restore(names=None, force: bool = False) -> list:
    """Rebuild missing or damaged datasets from their seeded generators.

    Returns the names rebuilt. A rebuilt file whose checksum still differs
    raises ``RuntimeError``: the generator no longer reproduces the shipped bytes.
    """
    names = list(DATASETS) if names in (None, [], ()) else list(names)
    done = []
    for name in names:
        spec = _spec(name)
        ok, _ = verify(name)
        if ok and not force:
            continue
        target = data_dir() / spec.filename
        with tempfile.TemporaryDirectory(dir=data_dir()) as tmp:
            built = spec.write(Path(tmp) / spec.filename)
            os.replace(built, target)
        ok, problem = verify(name)
        if not ok:
            raise RuntimeError(f"rebuilt {name!r} but it does not match SHA256SUMS: {problem}")
        done.append(name)
    return done


def write_checksums() -> Path:
    """Rewrite ``SHA256SUMS`` from the files present (for course authors)."""
    lines = [
        "# sha256 of every shipped dataset's content (of the decompressed data for .gz files).",
        "# Check by hand with: sha256sum FILE, or zcat FILE.gz | sha256sum",
    ]
    for spec in sorted(DATASETS.values(), key=lambda s: s.filename):
        file = data_dir() / spec.filename
        if not file.exists():
            raise FileNotFoundError(f"cannot checksum {file}: it does not exist")
        lines.append(f"{sha256(file)}  {spec.filename}")
    out = data_dir() / CHECKSUM_FILE
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out
