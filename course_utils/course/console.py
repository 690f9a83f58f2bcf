"""Plain-text tables for the command line and notebooks."""

from __future__ import annotations


def format_table(rows: list, columns: list, max_width: int = 70) -> str:
    """Format dict rows as a fixed-width text table.

    Parameters
    ----------
    rows : list of dict
        One dict per row; missing keys print as blanks.
    columns : list of str
        Which keys to print, in order; also the header.
    max_width : int
        Longer cells are cut with "...".
    """
    if not isinstance(columns, (list, tuple)) or not columns:
        raise ValueError(f"columns must be a non-empty list of keys, got {columns!r}")

    def cell(value):
        text = "" if value is None else str(value).replace("\n", " ")
        return text if len(text) <= max_width else text[: max_width - 3] + "..."

    body = [[cell(row.get(c)) for c in columns] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in body]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip() for r in body]
    return "\n".join(lines)
