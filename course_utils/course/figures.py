"""Numbers quoted in a notebook's prose, tied to the code that computes them.

A notebook's prose may say "the silhouette drops to 0.48 at k = 6". That number
must come from the data, and stay right when the data or the code changes. Each
lesson module lists the figures its notebook's markdown quotes::

    PROSE_FIGURES = [
        ProseFigure("0.48", lambda: k_table.shared().set_index("k").loc[6, "silhouette"], "{:.2f}",
                    "silhouette at k = 6"),
    ]

and a test checks, for every figure, that the markdown quotes it and that the
computed value, formatted the way the prose writes it, is what is quoted.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["ProseFigure", "quoted_in", "problems"]


@dataclass(frozen=True)
class ProseFigure:
    """One number as the prose writes it (``quoted``), how to compute it, and how to format it."""

    quoted: str
    compute: Callable
    fmt: str = "{}"
    what: str = ""

    def rendered(self) -> str:
        """The computed value, formatted as the prose writes it."""
        return self.fmt.format(self.compute())


def quoted_in(text: str, quoted: str) -> bool:
    """Whether ``quoted`` appears in ``text`` as a whole number (not inside a longer one)."""
    return re.search(rf"(?<![\d.,]){re.escape(quoted)}(?![\d]|[.,]\d)", text) is not None


def problems(figures, markdown: str) -> list:
    """Figures that the prose does not quote, or whose computed value differs from the quote."""
    out = []
    for fig in figures:
        label = f"{fig.what or 'figure'} ({fig.quoted})"
        if not quoted_in(markdown, fig.quoted):
            out.append(f"{label}: the notebook's prose does not quote {fig.quoted!r}")
            continue
        got = fig.rendered()
        if got != fig.quoted:
            out.append(f"{label}: the prose says {fig.quoted!r} but the data gives {got!r}")
    return out
