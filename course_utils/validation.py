"""Input checks shared by the helpers: each error names the column or value and
says what was expected.

The rule every helper follows: what it cannot interpret unambiguously is
refused with a ``ValueError`` (or ``TypeError``) that names the argument or
column, shows an offending value and says the fix. In particular:

* dates must be dates: numbers are refused (pandas would read them as time
  since 1970), and day/month dates such as ``05/03/2011`` are refused unless
  some day above 12 shows which way round they are, or the caller says so
  (``dayfirst=`` or ``date_format=`` here, or ``pd.to_datetime(..., format=...)``
  before calling a helper);
* durations must carry a unit: ``30`` is refused, ``"30min"`` is not;
* missing values are refused, or handled by a rule the helper documents and
  counts; never silently treated as 0.
"""

from __future__ import annotations

import datetime as _dt
import numbers
import re

import numpy as np
import pandas as pd

# A numeric day/month date: 5/3/2011, 05.03.11, 25-03-2011 (a time may follow).
_DMY = re.compile(r"^([0-9]{1,2})([/.\-])([0-9]{1,2})\2([0-9]{4}|[0-9]{2})(?![0-9])")
_OFFSET = re.compile(r"(Z|[+-]\d\d:?\d\d)$")
_NUMBER_TEXT = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def _example(values):
    """A plain Python version of one value, for messages."""
    return values.item() if hasattr(values, "item") else values


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
    repeated = sorted({str(c) for c in columns if (df.columns == c).sum() > 1})
    if repeated:
        raise ValueError(f"{what} has more than one column named {', '.join(map(repr, repeated))}; "
                         "rename or drop the copies")


def require_complete(values, column, what: str = "rows", fix: str = "drop or fill them first") -> None:
    """Raise ``ValueError`` if ``values`` (a Series) has missing values: how many, and where."""
    if not isinstance(values, pd.Series):
        raise TypeError(f"{column!r} must be a pandas Series (a column), got {type(values).__name__}")
    missing = values.isna()
    if missing.any():
        where = values.index[missing.to_numpy()][0]
        raise ValueError(f"{int(missing.sum())} {what} have no {column!r} (e.g. the row labelled {where!r}); {fix}")


def require_ids(values, column, what: str = "rows", fix: str = "drop or fill them first") -> None:
    """Raise ``ValueError`` if an id column has missing values or mixes kinds (1 and "1").

    Ids are compared as they are: 17850 and "17850" would be two customers, and
    sorting them fails, so a column holding both text and numbers is refused.
    """
    require_complete(values, column, what, fix)
    if values.dtype == object and len(values):
        try:
            kinds = {type(v) for v in pd.unique(values.to_numpy())}
        except TypeError as exc:  # lists, dicts...
            raise ValueError(f"column {column!r} holds values that cannot be ids (e.g. {values.iloc[0]!r}); "
                             "ids must be text or numbers") from exc
        text = {k for k in kinds if issubclass(k, str)}
        if text and len(kinds) > len(text):
            number = next(v for v in values if not isinstance(v, str))
            word = next(v for v in values if isinstance(v, str))
            raise ValueError(
                f"column {column!r} mixes text and other values (e.g. {word!r} and {number!r}), so equal ids may "
                f"not match; make them one type first, e.g. df[{column!r}] = df[{column!r}].astype(str)"
            )


# -- dates ----------------------------------------------------------------------------
def _ambiguity_hint(column) -> str:
    return (f"convert it first, e.g. df[{column!r}] = pd.to_datetime(df[{column!r}], format='%d/%m/%Y') for "
            "day-first dates (5 March) or format='%m/%d/%Y' for month-first (May 3)")


def _fields(group: np.ndarray, match) -> tuple:
    """The first two numbers of day/month dates that share one shape (so their digits sit at the same places)."""
    codes = np.array(group, dtype=str)
    codes = codes.view(np.uint32).reshape(len(group), -1).astype(np.int64) - 48

    def number(start, end):
        return codes[:, start:end] @ (10 ** np.arange(end - start - 1, -1, -1))

    return number(match.start(1), match.end(1)), number(match.start(3), match.end(3))


def _dmy_order(groups: list, column, dayfirst):
    """True (day first), False (month first) or None (no numeric day/month dates).

    ``groups`` holds ``(strings, match of the first)`` for each shape of
    day/month dates (``99/99/9999 99:99``...).
    """
    if not groups:
        return None
    if dayfirst is not None:
        return bool(dayfirst)
    day_first, month_first, both_ways = [], [], []
    for group, match in groups:
        first, second = _fields(group, match)
        for found, mask in ((day_first, first > 12), (month_first, second > 12), (both_ways, first != second)):
            if mask.any():
                found.append(group[np.flatnonzero(mask)[0]])
    if day_first and month_first:
        raise ValueError(
            f"column {column!r} mixes day-first dates (e.g. {day_first[0]!r}) and month-first dates "
            f"(e.g. {month_first[0]!r}); one column must follow one convention. Fix the source, or "
            f"{_ambiguity_hint(column)}"
        )
    if day_first or month_first:
        return bool(day_first)
    if not both_ways:
        return False  # 01/01, 02/02...: both readings agree
    raise ValueError(
        f"column {column!r} has dates such as {both_ways[0]!r} that read as day/month or month/day, and no day "
        f"above 12 tells which; the helper will not guess. Pass dayfirst=True or dayfirst=False, or "
        f"{_ambiguity_hint(column)}"
    )


def _dmy_format(value: str, dayfirst: bool):
    """The strptime format of a numeric day/month date (with any time part)."""
    m = _DMY.match(value)
    sep, year = m.group(2), "%Y" if len(m.group(4)) == 4 else "%y"
    rest = value[m.end():]
    rest_format = ""
    if rest:
        guessed = pd.tseries.api.guess_datetime_format("2000-01-31" + rest)
        if guessed is None or not guessed.startswith("%Y-%m-%d"):
            return None
        rest_format = guessed[len("%Y-%m-%d"):]
    order = f"%d{sep}%m" if dayfirst else f"%m{sep}%d"
    return f"{order}{sep}{year}{rest_format}"


def _as_ns(parsed, column, text) -> np.ndarray:
    """Naive datetime64[ns] values; times with a zone keep the local time they show."""
    parsed = pd.DatetimeIndex(parsed)
    if parsed.tz is not None:
        parsed = parsed.tz_localize(None)
    try:
        return parsed.as_unit("ns").to_numpy()
    except (OverflowError, pd.errors.OutOfBoundsDatetime) as exc:
        raise ValueError(f"column {column!r} has dates outside 1677-2262, which pandas cannot hold "
                         f"(e.g. among {list(text[:3])!r}); drop or fix them") from exc


def _parse_group(values: np.ndarray, fmt, column) -> tuple:
    """Parse strings that share one format; returns (datetime64[ns] array, aware flags)."""
    if fmt is not None:
        try:
            parsed = pd.to_datetime(values, format=fmt, errors="coerce")
        except (ValueError, TypeError):
            parsed = None  # e.g. several UTC offsets in one group
        if parsed is not None:
            return _as_ns(parsed, column, values), np.full(len(values), parsed.tz is not None)
    # several offsets, or no single format: one value at a time (slow, but rare)
    out, aware = [], []
    for v in values:
        try:
            t = pd.Timestamp(v) if fmt is None else pd.to_datetime(v, format=fmt)
        except (ValueError, TypeError, OverflowError):
            t = pd.NaT
        aware.append(t is not pd.NaT and t.tzinfo is not None)
        out.append(t.tz_localize(None) if aware[-1] else t)
    return _as_ns(out, column, values), np.asarray(aware, dtype=bool)


_DIGITS_TO_9 = str.maketrans("0123456789", "9999999999")


def _parse_text(text: np.ndarray, column, dayfirst, date_format) -> tuple:
    """Parse distinct, stripped, non-empty strings.

    Returns ``(parsed, aware)``: naive datetime64[ns] (NaT where a value is not
    a date) and whether each value carried a time zone.
    """
    if date_format is not None:
        try:
            parsed = pd.to_datetime(text, format=date_format, errors="coerce")
        except (ValueError, TypeError) as exc:
            raise ValueError(f"date_format={date_format!r} is not a format pandas can use for column "
                             f"{column!r}: {exc}") from exc
        return _as_ns(parsed, column, text), np.full(len(text), parsed.tz is not None)
    shape_codes, shapes = pd.factorize(np.array([v.translate(_DIGITS_TO_9) for v in text], dtype=object))
    result = np.full(len(text), np.datetime64("NaT", "ns"))
    aware = np.zeros(len(text), dtype=bool)
    by_shape = np.argsort(shape_codes, kind="stable")
    bounds = np.searchsorted(shape_codes[by_shape], np.arange(len(shapes) + 1))
    groups = [by_shape[bounds[k]:bounds[k + 1]] for k in range(len(shapes))]
    matches = [_DMY.match(text[rows[0]]) for rows in groups]
    order = _dmy_order([(text[rows], m) for rows, m in zip(groups, matches) if m is not None], column, dayfirst)
    for rows, match in zip(groups, matches):
        group = text[rows]
        first = group[0]
        dmy = match is not None
        fmt = _dmy_format(first, order) if dmy else pd.tseries.api.guess_datetime_format(first)
        if fmt is not None and "%z" in fmt:  # one offset at a time keeps each local time
            offset_codes, _ = pd.factorize(np.array([(_OFFSET.search(v) or [""])[0] for v in group], dtype=object))
            subsets = [rows[offset_codes == j] for j in range(offset_codes.max() + 1)]
        else:
            subsets = [rows]
        for sub in subsets:
            parsed, flags = _parse_group(text[sub], fmt, column)
            retry = np.isnat(parsed)
            if retry.any() and fmt is not None and not dmy:  # a value the shared format missed: on its own
                parsed[retry], flags[retry] = _parse_group(text[sub][retry], None, column)
            result[sub], aware[sub] = parsed, flags
    return result, aware


def parse_dates(series, column, *, dayfirst=None, date_format=None) -> pd.Series:
    """Return ``series`` as naive datetimes, or raise naming the column and a bad value.

    Parameters
    ----------
    series : Series
        Datetimes, or text such as ``"2011-12-09 08:26"``.
    column : str
        Its name, for messages.
    dayfirst : bool, optional
        How to read numeric day/month dates such as ``05/03/2011``. By default
        they are read only when some day above 12 shows the convention (and
        refused when the column mixes both); otherwise they are ambiguous and refused.
    date_format : str, optional
        A strptime format such as ``"%d/%m/%Y %H:%M"``: the fastest and safest way.

    Rules
    -----
    * Numbers and booleans are refused: pandas would read them as time since
      1970, a silent wrong result. Convert them yourself.
    * Text that does not parse is refused (the message shows a value).
    * Missing values (None, NaN, NaT, empty text) stay ``NaT``: each helper
      refuses or counts them.
    * Times with a time zone keep the local time they show (the zone is
      dropped), so 23:30+02:00 is on its own day. A column mixing times with
      and without a zone is refused.
    """
    if dayfirst not in (None, True, False):
        raise TypeError(f"dayfirst must be True, False or None, got {dayfirst!r}")
    if date_format is not None and not isinstance(date_format, str):
        raise TypeError(f"date_format must be a format string such as '%d/%m/%Y', got {date_format!r}")
    if not isinstance(series, pd.Series):
        series = pd.Series(series)
    if isinstance(series.dtype, pd.CategoricalDtype):
        series = series.astype(object).where(series.notna(), None).infer_objects()
    if pd.api.types.is_datetime64_any_dtype(series):
        return _to_ns(series.dt.tz_localize(None) if series.dt.tz is not None else series, column)
    if pd.api.types.is_bool_dtype(series) or pd.api.types.is_numeric_dtype(series) or \
            pd.api.types.is_timedelta64_dtype(series):
        _refuse_numbers(series, column)
    present = series.notna().to_numpy()
    values = series.to_numpy(dtype=object)[present]
    kind = pd.api.types.infer_dtype(values, skipna=False)
    if kind == "string":
        strings, stamps = np.ones(len(values), dtype=bool), np.zeros(len(values), dtype=bool)
    else:
        strings = np.fromiter((isinstance(v, str) for v in values), bool, len(values))
        stamps = np.fromiter((isinstance(v, (_dt.date, np.datetime64)) for v in values), bool, len(values))
    if not (strings | stamps).all():
        other = values[~(strings | stamps)][0]
        if isinstance(other, numbers.Number):
            _refuse_numbers(pd.Series([other], dtype=object), column)
        raise ValueError(f"column {column!r} holds {type(other).__name__} values (e.g. {other!r}), "
                         "not dates; give datetimes or date text such as '2011-12-09 08:26'")
    out = np.full(len(series), np.datetime64("NaT", "ns"))
    aware = np.zeros(len(values), dtype=bool)
    positions = np.flatnonzero(present)
    if stamps.any():
        try:
            converted = [pd.Timestamp(v) for v in values[stamps]]
        except (ValueError, OverflowError) as exc:
            raise ValueError(f"column {column!r} has dates outside 1677-2262, which pandas cannot hold: "
                             f"{exc}") from exc
        aware[stamps] = [t.tzinfo is not None for t in converted]
        out[positions[stamps]] = _as_ns([t.tz_localize(None) if t.tzinfo is not None else t for t in converted],
                                        column, values[stamps])
    if strings.any():
        codes, unique = pd.factorize(values[strings])
        stripped = np.array([u.strip() for u in unique], dtype=object)
        if (stripped != unique).any():
            recode, unique = pd.factorize(stripped)
            codes = recode[codes]
        filled = unique != ""
        parsed = np.full(len(unique), np.datetime64("NaT", "ns"))
        text_aware = np.zeros(len(unique), dtype=bool)
        if filled.any():
            parsed[filled], text_aware[filled] = _parse_text(unique[filled], column, dayfirst, date_format)
            bad = np.isnat(parsed) & filled
            if bad.any():
                n_bad = int(bad[codes].sum())
                how = (f" with date_format={date_format!r}" if date_format else
                       f" when read with dayfirst={dayfirst}" if dayfirst is not None else "")
                raise ValueError(
                    f"column {column!r} has {n_bad} value(s) that are not dates{how}, e.g. {unique[bad][0]!r}; "
                    "fix or drop them first"
                )
        out[positions[strings]] = parsed[codes]
        aware[strings] = text_aware[codes]
    if aware.any() and not aware.all():
        a, b = values[aware][0], values[~aware][0]
        raise ValueError(
            f"column {column!r} mixes times with a time zone (e.g. {a!r}) and without (e.g. {b!r}); make them "
            f"one kind first, e.g. pd.to_datetime(df[{column!r}], utc=True) if the plain ones are UTC"
        )
    return pd.Series(out, index=series.index, name=series.name)


def _to_ns(series: pd.Series, column) -> pd.Series:
    try:
        return series.dt.as_unit("ns")
    except (OverflowError, pd.errors.OutOfBoundsDatetime) as exc:
        raise ValueError(f"column {column!r} has dates outside 1677-2262, which pandas cannot hold: {exc}") from exc


def _refuse_numbers(series: pd.Series, column):
    example = series.dropna().iloc[0] if series.notna().any() else "nothing"
    example = _example(example)
    raise ValueError(
        f"column {column!r} holds numbers (dtype {series.dtype}, e.g. {example!r}), not dates. "
        "Numbers would be read as time since 1970. Convert it yourself, for example "
        "pd.to_datetime(df[col], unit='s') for Unix seconds or format='%Y%m%d' for 20111209."
    )


def date_argument(value, name: str) -> pd.Timestamp:
    """``value`` as a naive ``pd.Timestamp``, or ``ValueError``/``TypeError`` naming ``name``.

    Dates, datetimes, Timestamps, ``np.datetime64`` and unambiguous text
    (``"2025-01-06"``) are accepted; numbers (``20250106`` would be read as
    nanoseconds after 1970), missing values and day/month text that reads both
    ways (``"05/03/2025"``) are refused. A zone is dropped, keeping the local time.
    """
    if value is None or value is pd.NaT or (isinstance(value, float) and np.isnan(value)):
        raise ValueError(f"{name} must be a date such as '2025-01-06', got {value!r}")
    if isinstance(value, (bool, np.bool_)) or isinstance(value, numbers.Number):
        raise ValueError(
            f"{name} must be a date, got the number {_example(value)!r}: a number would be read as nanoseconds "
            "since 1970. Write it as text such as '2025-01-06' or pd.Timestamp('2025-01-06')"
        )
    if isinstance(value, str):
        text = value.strip()
        m = _DMY.match(text)
        if m and int(m.group(1)) <= 12 and int(m.group(3)) <= 12 and m.group(1).lstrip("0") != m.group(3).lstrip("0"):
            raise ValueError(f"{name}={value!r} reads as day/month or month/day; write it as year-month-day, "
                             "e.g. '2025-01-06'")
        if _NUMBER_TEXT.match(text):
            raise ValueError(f"{name}={value!r} is a number, not a date; write it as '2025-01-06'")
        try:
            stamp = pd.Series([text]).pipe(parse_dates, name).iloc[0]
        except ValueError as exc:
            raise ValueError(f"{name} must be a date such as '2025-01-06', got {value!r}") from exc
    elif isinstance(value, (_dt.date, np.datetime64)):
        try:
            stamp = pd.Timestamp(value)
        except (ValueError, OverflowError) as exc:
            raise ValueError(f"{name} must be a date between 1677 and 2262, got {value!r}") from exc
    else:
        raise TypeError(f"{name} must be a date such as '2025-01-06' or pd.Timestamp(...), got "
                        f"{type(value).__name__} {value!r}")
    if pd.isna(stamp):
        raise ValueError(f"{name} must be a date such as '2025-01-06', got {value!r}")
    return stamp.tz_localize(None) if stamp.tzinfo is not None else stamp


# -- numbers ---------------------------------------------------------------------------
def require_numeric(df, column):
    """Raise ``ValueError`` unless ``df[column]`` is numeric (booleans are not).

    Nullable integer and float dtypes (``Int64``, ``Float64``) are numeric.
    """
    require_columns(df, [column], what="the table")
    values = df[column]
    if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        example = values.dropna().iloc[0] if values.notna().any() else None
        example = _example(example)
        raise ValueError(f"column {column!r} must be numeric, got dtype {values.dtype} (e.g. {example!r}); "
                         f"convert it first, e.g. pd.to_numeric(df[{column!r}])")


def float_values(values: pd.Series) -> np.ndarray:
    """A numeric Series as a float array; missing values (also ``pd.NA``) become NaN."""
    return values.to_numpy(dtype=float, na_value=np.nan)


def require_finite(values: pd.Series, column, what: str = "rows") -> None:
    """Raise ``ValueError`` if a numeric Series holds infinite values."""
    if not isinstance(values, pd.Series):
        raise TypeError(f"{column!r} must be a pandas Series (a column), got {type(values).__name__}")
    arr = float_values(values)
    bad = np.isinf(arr)
    if bad.any():
        where = values.index[bad][0]
        raise ValueError(f"column {column!r} has {int(bad.sum())} infinite value(s) (e.g. {arr[bad][0]} in the row "
                         f"labelled {where!r}); drop or fix them first")


#: Values larger than this overflow squared distances (K-Means, silhouette) to infinity.
LARGEST_FEATURE = 1e150


def numeric_matrix(X, name: str = "X", *, bools: bool = True, missing: bool = False) -> np.ndarray:
    """``X`` (a DataFrame or array-like, rows x columns) as a 2-D float array.

    Errors name the column (its name in a DataFrame, its position otherwise):
    text, complex numbers, booleans unless ``bools``, missing values unless
    ``missing`` (nullable ``pd.NA`` counts as missing), infinite values, and
    values beyond 1e150, whose squares overflow (scale those first).
    """
    if isinstance(X, pd.DataFrame):
        repeated = sorted({str(c) for c in X.columns[X.columns.duplicated()]})
        if repeated:
            raise ValueError(f"{name} has more than one column named {repeated}; rename or drop the copies")
        bad = [c for c in X.columns if not pd.api.types.is_numeric_dtype(X[c]) or pd.api.types.is_complex_dtype(X[c])
               or (not bools and pd.api.types.is_bool_dtype(X[c]))]
        if bad:
            example = X[bad[0]].dropna().iloc[0] if X[bad[0]].notna().any() else None
            raise ValueError(f"{name} column(s) {bad} are not numeric (dtype {X[bad[0]].dtype}, e.g. {example!r}); "
                             "convert them, or leave them out")
        arr = X.to_numpy(dtype=float, na_value=np.nan)
        labels = list(X.columns)
    else:
        if isinstance(X, (str, bytes, dict)) or np.iscomplexobj(X):
            raise ValueError(f"{name} must be real numbers (rows x columns), got {type(X).__name__}")
        try:
            raw = np.asarray(X.to_numpy(dtype=float, na_value=np.nan) if isinstance(X, pd.Series) else X)
            if not bools and raw.dtype == bool:
                raise ValueError(f"{name} holds True/False, not numbers")
            arr = raw.astype(float)
        except (TypeError, ValueError, OverflowError) as exc:
            raise ValueError(f"{name} must be numeric (rows x columns), got {type(X).__name__}: {exc}") from exc
        labels = [f"column {j}" for j in range(arr.shape[1])] if arr.ndim == 2 else []
    if arr.ndim != 2:
        raise ValueError(f"{name} must be 2-D (rows x columns), got shape {arr.shape}")
    problems = [("missing (NaN)", np.isnan(arr) if not missing else np.zeros(arr.shape, bool)),
                ("infinite", np.isinf(arr)),
                ("too large (beyond 1e150, squared distances would overflow: scale first)",
                 np.abs(np.nan_to_num(arr, posinf=0, neginf=0)) > LARGEST_FEATURE)]
    for what, mask in problems:
        if mask.any():
            cols = [labels[j] for j in np.flatnonzero(mask.any(axis=0))]
            raise ValueError(f"{name} has {int(mask.sum())} {what} value(s) in {cols[:5]}; impute, drop or fix them")
    return arr


def whole_number(value, name: str, minimum: int = 1, maximum: int | None = None) -> int:
    """``value`` as an int, or ``ValueError`` naming it (booleans and floats are refused)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{name} must be a whole number >= {minimum}, got {value!r}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be a whole number from {minimum} to {maximum}, got {value!r}")
    return int(value)


def positive_duration(value, name: str = "gap") -> pd.Timedelta:
    """``value`` as a positive ``pd.Timedelta`` (from '30min', a Timedelta...), or ``ValueError``.

    A duration must carry its unit: a bare number such as ``30``, ``1800.0`` or
    ``"30"`` is refused (pandas would read it as nanoseconds).
    """
    if isinstance(value, np.timedelta64) and np.datetime_data(value.dtype)[0] == "generic":
        raise ValueError(f"{name}={value!r} has no unit; use e.g. np.timedelta64(30, 'm') or '30min'")
    if isinstance(value, (bool, np.bool_)) or (isinstance(value, numbers.Number) and
                                               not isinstance(value, np.timedelta64)):
        raise ValueError(f"{name} must be a duration with a unit, such as '30min' or pd.Timedelta(minutes=30); "
                         f"got the bare number {_example(value)!r}, which pandas would read as nanoseconds")
    if isinstance(value, str) and _NUMBER_TEXT.match(value.strip()):
        raise ValueError(f"{name}={value!r} has no unit; write e.g. '{value.strip()}min' or '{value.strip()}s'")
    if not isinstance(value, (str, _dt.timedelta, np.timedelta64)):
        raise ValueError(f"{name} must be a duration such as '30min' or pd.Timedelta(minutes=30), got {value!r}")
    try:
        duration = pd.Timedelta(value)
    except (TypeError, ValueError, OverflowError) as exc:
        raise ValueError(f"{name} must be a duration such as '30min' or pd.Timedelta(minutes=30), "
                         f"got {value!r}") from exc
    if pd.isna(duration) or duration <= pd.Timedelta(0):
        raise ValueError(f"{name} must be a positive duration such as '30min', got {value!r}")
    return duration
