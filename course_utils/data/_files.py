"""Writing files byte for byte the same on every run and platform.

Values come from NumPy's ``default_rng(seed)`` and are formatted by hand (not by
pandas); compressed files get a fixed timestamp and no file name inside.
"""

from __future__ import annotations

import gzip
from pathlib import Path


def price_text(x: float) -> str:
    """Prices as a shop prints them: 2 decimals, 3 for sub-penny items."""
    return f"{x:.3f}" if 0 < x < 0.01 else f"{x:.2f}"


def write_gzip(path, payload: bytes) -> Path:
    """Gzip with no file name and a zero timestamp, so the bytes do not depend on when or where."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz:
        gz.write(payload)
    return path


def write_text(path, text: str) -> Path:
    """Write UTF-8 text with the line ends it already has."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))
    return path
