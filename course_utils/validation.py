"""Input checks shared by the helpers: each error names the column or value and
says what was expected."""

from __future__ import annotations

import numbers

import pandas as pd


def require_columns(df, columns, what: str = "transactions") -> None:
    """Raise ``ValueError`` naming any missing column and listing those present."""
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"{what} must be a pandas DataFrame, got {type(df).__name__}")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(
            f"{what} has no column {', '.join(map(repr, missing))}; columns present: "
            f"{', '.join(map(repr, df.columns))}"
        )


def parse_dates(series: pd.Series, column: str) -> pd.Series:
    """Return ``series`` as datetimes, or raise naming the column and a bad value.

    Numbers are refused: pandas would read them as nanoseconds after 1970, a
    silent wrong result. Text that does not parse is refused too.
    """
    if pd.api.types.is_datetime64_any_dtype(series):
        return series
    if pd.api.types.is_bool_dtype(series) or pd.api.types.is_numeric_dtype(series):
        example = series.dropna().iloc[0] if series.notna().any() else "nothing"
        example = example.item() if hasattr(example, "item") else example
        raise ValueError(
            f"column {column!r} holds numbers (dtype {series.dtype}, e.g. {example!r}), not dates. "
            "Numbers would be read as time since 1970. Convert it yourself, for example "
            "pd.to_datetime(df[col], unit='s') for Unix seconds or format='%Y%m%d' for 20111209."
        )
    parsed = pd.to_datetime(series, errors="coerce")  # one inferred format: fast
    bad = parsed.isna() & series.notna()
    if bad.any():  # several formats in one column: parse each value on its own
        parsed = pd.to_datetime(series, errors="coerce", format="mixed")
        bad = parsed.isna() & series.notna()
    if bad.any():
        example = series[bad].iloc[0]
        raise ValueError(
            f"column {column!r} has {int(bad.sum())} value(s) that are not dates, e.g. {example!r}; "
            "fix or drop them before computing RFM"
        )
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_localize(None)
    return parsed


def require_numeric(df, column):
    """Raise ``ValueError`` unless ``df[column]`` is numeric (booleans are not)."""
    if not pd.api.types.is_numeric_dtype(df[column]) or pd.api.types.is_bool_dtype(df[column]):
        example = df[column].dropna().iloc[0] if df[column].notna().any() else None
        example = example.item() if hasattr(example, "item") else example
        raise ValueError(f"column {column!r} must be numeric, got dtype {df[column].dtype} (e.g. {example!r})")


def whole_number(value, name: str, minimum: int = 1) -> int:
    """``value`` as an int, or ``ValueError`` naming it (booleans and floats are refused)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{name} must be a whole number >= {minimum}, got {value!r}")
    return int(value)


def positive_duration(value, name: str = "gap") -> pd.Timedelta:
    """``value`` as a positive ``pd.Timedelta`` (from '30min', a Timedelta...), or ``ValueError``."""
    try:
        duration = pd.Timedelta(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a duration such as '30min' or pd.Timedelta(minutes=30), "
                         f"got {value!r}") from exc
    if pd.isna(duration) or duration <= pd.Timedelta(0):
        raise ValueError(f"{name} must be a positive duration such as '30min', got {value!r}")
    return duration
