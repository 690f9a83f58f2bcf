"""Load the course's shipped datasets by name, verify and restore them.

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
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pandas as pd

from course_utils import synthetic
from course_utils.validation import parse_dates, require_columns

RESTORE_COMMAND = "python -m course_utils data --restore"
CHECKSUM_FILE = "SHA256SUMS"


@dataclass(frozen=True)
class Dataset:
    """One shipped file: where it lives, how to read it, how it was made."""

    name: str
    filename: str
    description: str
    write: Callable[[Path], Path]
    read: Callable[[Path], pd.DataFrame]
    notebook: str


def _read_tour_orders(path: Path) -> pd.DataFrame:
    df = pd.read_csv(
        path,
        dtype={"order_id": "string", "customer_id": "string", "country": "string", "items": "int64"},
        parse_dates=["order_date"],
        date_format="%Y-%m-%d",
    )
    return df


def _read_online_retail(path: Path) -> pd.DataFrame:
    return pd.read_csv(
        path,
        dtype={"InvoiceNo": "string", "StockCode": "string", "Description": "string", "Quantity": "int64",
               "UnitPrice": "float64", "CustomerID": "Int64", "Country": "string"},
        parse_dates=["InvoiceDate"],
        date_format="%Y-%m-%d %H:%M",
    )


def _read_online_retail_truth(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype={"CustomerID": "Int64", "segment": "string"})


def _read_clickstream(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype={"user_id": "string", "page": "string"}, parse_dates=["timestamp"],
                       date_format="%Y-%m-%d %H:%M:%S")


def _read_clickstream_pages(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype="string")


def _read_clickstream_truth(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype="string")


def _read_streaming_watch(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype={"user_id": "string", "title": "string", "genre": "string", "minutes": "int64",
                                    "device": "string"},
                       parse_dates=["timestamp"], date_format="%Y-%m-%d %H:%M")


def _read_streaming_search(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype={"user_id": "string", "query": "string"}, parse_dates=["timestamp"],
                       date_format="%Y-%m-%d %H:%M", keep_default_na=False)


def _read_streaming_subscribers(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype={"user_id": "string", "signup_week": "int64", "plan": "string"})


def _read_streaming_truth(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype={"user_id": "string", "week": "int64", "persona": "string"})


DATASETS = {
    d.name: d
    for d in [
        Dataset(
            name="tour_orders",
            filename="tour_orders.csv",
            description="400 small web-shop orders (2024), some without a customer id; used in the tour",
            write=synthetic.write_tour_orders,
            read=_read_tour_orders,
            notebook="00",
        ),
        Dataset(
            name="online_retail",
            filename="online_retail.csv.gz",
            description="281k line items of a UK gift shop, Dec 2010 - Dec 2011, UCI Online Retail schema, messy",
            write=synthetic.write_online_retail,
            read=_read_online_retail,
            notebook="01",
        ),
        Dataset(
            name="online_retail_truth",
            filename="online_retail_truth.csv",
            description="the planted behaviour segment of each of the 4,000 online_retail customers",
            write=synthetic.write_online_retail_truth,
            read=_read_online_retail_truth,
            notebook="01",
        ),
        Dataset(
            name="clickstream",
            filename="clickstream.csv.gz",
            description="444k page views of a media site by 5,006 users over six weeks (2024), messy",
            write=synthetic.write_clickstream,
            read=_read_clickstream,
            notebook="03",
        ),
        Dataset(
            name="clickstream_pages",
            filename="clickstream_pages.csv",
            description="the media site's 298 pages: page id, section, title",
            write=synthetic.write_clickstream_pages,
            read=_read_clickstream_pages,
            notebook="03",
        ),
        Dataset(
            name="clickstream_truth",
            filename="clickstream_truth.csv",
            description="the planted interest segment of each clickstream user (casual and bot included)",
            write=synthetic.write_clickstream_truth,
            read=_read_clickstream_truth,
            notebook="03",
        ),
        Dataset(
            name="streaming_watch",
            filename="streaming_watch.csv.gz",
            description="12 weeks of a streaming service: one row per title watched (genre, minutes, device)",
            write=synthetic.write_streaming_watch,
            read=_read_streaming_watch,
            notebook="05",
        ),
        Dataset(
            name="streaming_search",
            filename="streaming_search.csv.gz",
            description="the same service's search queries: free text with typos",
            write=synthetic.write_streaming_search,
            read=_read_streaming_search,
            notebook="05",
        ),
        Dataset(
            name="streaming_subscribers",
            filename="streaming_subscribers.csv",
            description="the service's 10,200 subscribers: sign-up week and plan",
            write=synthetic.write_streaming_subscribers,
            read=_read_streaming_subscribers,
            notebook="05",
        ),
        Dataset(
            name="streaming_truth",
            filename="streaming_truth.csv.gz",
            description="the planted persona of every subscriber in every week since sign-up",
            write=synthetic.write_streaming_truth,
            read=_read_streaming_truth,
            notebook="05",
        ),
    ]
}

UCI_RENAMES = {"Invoice": "InvoiceNo", "Price": "UnitPrice", "Customer ID": "CustomerID"}


def read_uci_online_retail(path) -> pd.DataFrame:
    """Read the real UCI Online Retail (or Online Retail II) file, if you have it.

    Accepts the CSV export (dates like ``12/1/2010 8:26``) or the ``.xlsx``
    (needs ``openpyxl``). Online Retail II's column names are renamed to the
    schema of ``load("online_retail")``, so every course function runs on it.
    The course never downloads it: bring your own copy.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist; download the UCI file yourself and pass its path")
    if path.suffix.lower() in {".xlsx", ".xls"}:
        try:
            df = pd.read_excel(path, dtype={"InvoiceNo": str, "Invoice": str, "StockCode": str})
        except ImportError as exc:
            raise ImportError(
                "reading .xlsx needs openpyxl: `pip install openpyxl`, or save the sheet as CSV"
            ) from exc
    else:
        df = pd.read_csv(path, dtype={"InvoiceNo": str, "Invoice": str, "StockCode": str}, encoding="latin-1")
    df = df.rename(columns=UCI_RENAMES)
    require_columns(df, synthetic.RETAIL_COLUMNS, what=path.name)
    if not pd.api.types.is_datetime64_any_dtype(df["InvoiceDate"]):
        us = pd.to_datetime(df["InvoiceDate"], format="%m/%d/%Y %H:%M", errors="coerce")  # the UCI CSV export
        df["InvoiceDate"] = us if us.notna().all() else parse_dates(df["InvoiceDate"], "InvoiceDate")
    df["CustomerID"] = pd.to_numeric(df["CustomerID"], errors="coerce").round().astype("Int64")
    return df


def data_dir() -> Path:
    """The folder holding the datasets."""
    override = os.environ.get("COURSE_DATA_DIR", "").strip()
    if override:
        return Path(override).expanduser()
    return Path(__file__).resolve().parent.parent / "datasets"


def _spec(name) -> Dataset:
    if not isinstance(name, str):
        raise TypeError(f"dataset name must be a string, got {type(name).__name__} {name!r}")
    if name not in DATASETS:
        raise ValueError(f"unknown dataset {name!r}; the course ships: {', '.join(sorted(DATASETS))}")
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
    return spec.read(file)


def list_datasets() -> pd.DataFrame:
    """One row per shipped dataset: name, file, size, notebook and description."""
    rows = []
    for spec in DATASETS.values():
        file = data_dir() / spec.filename
        rows.append(
            {
                "name": spec.name,
                "file": spec.filename,
                "size_kb": round(file.stat().st_size / 1024, 1) if file.exists() else None,
                "notebook": spec.notebook,
                "description": spec.description,
            }
        )
    return pd.DataFrame(rows)


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
