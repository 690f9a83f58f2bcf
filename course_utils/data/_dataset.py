"""The :class:`Dataset` record every dataset module declares."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd


@dataclass(frozen=True)
class Dataset:
    """One shipped file: where it lives, how to read it, how it was made."""

    name: str
    filename: str
    description: str
    write: Callable[[Path], Path]
    read: Callable[[Path], pd.DataFrame]
    notebook: str
