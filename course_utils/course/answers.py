"""Answer converters: turn what a learner gave into what a check can compare.

Every converter takes the raw answer and either returns a clean value (a float,
a Series, a DataFrame, an array of labels, a Timedelta, ...) or raises
:class:`AnswerError` with a message a learner can act on ("Expected one number,
got a Series of 5 values"). A check calls converters first; after that it only
touches clean values, so a strange answer (``None``, a hostile object, a frame
with other columns) can never crash it.

Converters never modify the answer: they copy before changing anything.
"""

from __future__ import annotations

import datetime as dt
import numbers

import numpy as np
import pandas as pd

__all__ = [
    "AnswerError",
    "array",
    "aligned",
    "describe",
    "duration",
    "frame",
    "guard",
    "id_key",
    "ids",
    "labels",
    "mask",
    "number",
    "series",
    "text",
    "timestamp",
]


class AnswerError(ValueError):
    """The answer cannot be judged as given; the message says what was expected."""


def describe(obj) -> str:
    """A short, safe description of any object, for feedback messages."""
    try:
        if isinstance(obj, pd.DataFrame):
            cols = ", ".join(map(str, list(obj.columns)[:6]))
            more = ", ..." if obj.shape[1] > 6 else ""
            return f"a DataFrame with {obj.shape[0]} rows and columns [{cols}{more}]"
        if isinstance(obj, pd.Series):
            return f"a Series of {len(obj)} values (dtype {obj.dtype})"
        if isinstance(obj, pd.Index):
            return f"an Index of {len(obj)} values (dtype {obj.dtype})"
        if isinstance(obj, np.ndarray):
            return f"a NumPy array of shape {obj.shape} (dtype {obj.dtype})"
    except Exception:
        pass
    if obj is None:
        return "None (did the cell assign a value?)"
    if isinstance(obj, BaseException):
        return f"an exception object ({type(obj).__name__})"
    try:
        text_ = repr(obj)
    except Exception:
        text_ = f"<{type(obj).__name__}>"
    if len(text_) > 60:
        text_ = text_[:57] + "..."
    return f"{type(obj).__name__} {text_}"


def expected(what: str, answer) -> AnswerError:
    """The one message for an answer of the wrong kind: "Expected <what>, got <answer>."."""
    return AnswerError(f"Expected {what}, got {describe(answer)}.")


def mismatch(what: str, got: str) -> AnswerError:
    """The one message for an answer of the right kind but the wrong size or type inside:
    "Expected <what>, got <got>." (``got`` says what came, e.g. ``"12 rows"``, ``"dtype object"``)."""
    return AnswerError(f"Expected {what}, got {got}.")


def guard(what, answer, convert):
    """Run ``convert()``; any error while touching the answer becomes an AnswerError.

    Local converters in an exercises module wrap their work in it, so that a
    strange answer gets "Expected <what>, got <answer>." instead of a crash.
    """
    try:
        return convert()
    except AnswerError:
        raise
    except Exception as exc:
        raise expected(what, answer) from exc


# -- scalars ------------------------------------------------------------------------
def number(answer, what: str = "one number", *, whole: bool = False, low=None, high=None) -> float:
    """One finite number (int, float, NumPy scalar, 0-d array); bools and text are refused.

    ``whole=True`` also requires a whole number (``3.0`` is fine) and returns an int.
    ``low``/``high`` bound the value (inclusive) with a message naming the range.
    """

    def convert():
        value = answer
        if isinstance(value, np.ndarray) and value.ndim == 0:
            value = value[()]
        if isinstance(value, (bool, np.bool_)):
            raise AnswerError(f"Expected {what}, got {value!r} (True/False is not a number here).")
        if isinstance(value, str):
            raise AnswerError(f"Expected {what}, got the text {value[:30]!r}: give a number, not text (no quotes).")
        if isinstance(value, (pd.Series, pd.DataFrame, pd.Index, np.ndarray, list, tuple, set, dict)):
            raise AnswerError(
                f"Expected {what}, got {describe(value)}. Reduce it to one number (a sum, a count, .item() ...)."
            )
        if not isinstance(value, numbers.Real):
            raise expected(what, answer)
        out = float(value)
        if not np.isfinite(out):
            raise AnswerError(f"{value!r} is not a usable value: expected {what}.")
        if whole:
            if not out.is_integer():
                raise AnswerError(f"Expected {what}, a whole number; got {value!r}.")
            out = int(out)
        if low is not None and out < low or high is not None and out > high:
            span = f"from {low} to {high}" if low is not None and high is not None else (
                f"at least {low}" if low is not None else f"at most {high}")
            raise AnswerError(f"Expected {what} {span}, got {value!r}.")
        return out

    return guard(what, answer, convert)


def text(answer, what: str = "some text") -> str:
    """A string (stripped)."""
    if not isinstance(answer, str):
        raise expected(what, answer)
    return answer.strip()


def timestamp(answer, what: str = "a date") -> pd.Timestamp:
    """One date or time: Timestamp, datetime, date, datetime64 or an ISO string; tz dropped."""

    def convert():
        if isinstance(answer, (pd.Series, pd.DataFrame, pd.Index, np.ndarray, list, tuple)):
            raise AnswerError(f"Expected {what}, got {describe(answer)}. Did you forget .max() or .min()?")
        if isinstance(answer, (bool, numbers.Number)):
            raise AnswerError(f"Expected {what}, got the number {answer!r}.")
        if not isinstance(answer, (pd.Timestamp, dt.datetime, dt.date, np.datetime64, str)):
            raise expected(what, answer)
        try:
            value = pd.Timestamp(answer)
        except (TypeError, ValueError):
            raise AnswerError(f"{answer!r} is not a date.") from None
        if pd.isna(value):
            raise AnswerError("Your date is NaT (not a time); check the column you took it from.")
        return value.tz_localize(None) if value.tzinfo is not None else value

    return guard(what, answer, convert)


def duration(answer, what: str = "a duration") -> pd.Timedelta:
    """A length of time with a unit: Timedelta, timedelta, timedelta64 (any unit) or text like "30min".

    A bare number is refused: 30 could be seconds, minutes or nanoseconds.
    """

    def convert():
        if isinstance(answer, (bool, np.bool_)) or isinstance(answer, numbers.Number) and not isinstance(
            answer, np.timedelta64
        ):
            raise AnswerError(
                f"Expected {what} with a unit, got the bare number {answer!r}: is that seconds, minutes or "
                "nanoseconds? Write pd.Timedelta(minutes=30) or '30min'."
            )
        if isinstance(answer, (pd.Series, pd.DataFrame, pd.Index, np.ndarray, list, tuple)):
            raise AnswerError(f"Expected a single value, {what}, got {describe(answer)}.")
        if not isinstance(answer, (pd.Timedelta, dt.timedelta, np.timedelta64, str)):
            raise expected(what, answer)
        try:
            value = pd.Timedelta(answer)
        except (TypeError, ValueError):
            raise AnswerError(f"{answer!r} is not a duration pandas understands; try '30min' or "
                              "pd.Timedelta(minutes=30).") from None
        if pd.isna(value):
            raise AnswerError(f"Expected {what}, got NaT.")
        return value

    return guard(what, answer, convert)


# -- ids and indexes ----------------------------------------------------------------
def id_key(value) -> str:
    """A comparable key for an id: ``12346``, ``12346.0``, ``"12346"`` and ``np.int64(12346)`` agree."""
    if isinstance(value, (float, np.floating)) and np.isfinite(value) and float(value).is_integer():
        return str(int(value))
    if isinstance(value, (bool, np.bool_)):
        return str(value)
    if isinstance(value, (numbers.Integral, np.integer)):
        return str(int(value))
    return str(value).strip()


def ids(answer, what: str = "a list of ids") -> set:
    """A set of id keys (see :func:`id_key`) from a list, set, Index, array, a Series of ids,
    a boolean Series (its True rows' index), or a DataFrame (its index)."""

    def convert():
        if isinstance(answer, pd.DataFrame):
            return {id_key(v) for v in answer.index}
        if isinstance(answer, pd.Series):
            if pd.api.types.is_bool_dtype(answer):
                return {id_key(v) for v in answer.index[answer.to_numpy(dtype=bool)]}
            if pd.api.types.is_numeric_dtype(answer):
                raise AnswerError(
                    f"That is {describe(answer)}: numbers per id, not the ids themselves. Filter it and take "
                    "its index (series.index[series > threshold])."
                )
            return {id_key(v) for v in answer.dropna()}
        if isinstance(answer, (str, bytes)):
            return {id_key(answer)}
        if isinstance(answer, (list, tuple, set, frozenset, pd.Index, np.ndarray)):
            values = np.asarray(list(answer), dtype=object).ravel().tolist()
            return {id_key(v) for v in values}
        raise expected(what, answer)

    return guard(what, answer, convert)


def _index_problem(got: pd.Index, want: pd.Index, what: str) -> str:
    got_keys = [id_key(v) for v in got]
    want_keys = {id_key(v) for v in want}
    if len(got) == len(want) and isinstance(got, pd.RangeIndex) and not isinstance(want, pd.RangeIndex):
        return (f"The index of {what} is 0, 1, 2, ...: the {want.name or 'row labels'} were lost "
                "(reset_index(drop=True)?). Keep them as the index.")
    extra = [k for k in got_keys if k not in want_keys]
    missing = want_keys - set(got_keys)
    if len(set(got_keys)) < len(got_keys):
        dup = pd.Series(got_keys).duplicated()
        return f"{what} has {int(dup.sum())} repeated labels in its index (e.g. {got_keys[int(dup.idxmax())]!r})."
    if extra and missing:
        return (f"{what} is indexed by other labels: {len(missing)} expected ones are missing (e.g. "
                f"{sorted(missing)[0]!r}) and {len(extra)} are unexpected (e.g. {extra[0]!r}).")
    if missing:
        return f"{what} lacks {len(missing)} of the {len(want)} expected rows (e.g. {sorted(missing)[0]!r})."
    return f"{what} has {len(extra)} rows that should not be there (e.g. {extra[0]!r})."


def aligned(answer: pd.Series | pd.DataFrame, index: pd.Index, what: str = "your answer"):
    """``answer`` reordered to ``index`` (ids compared with :func:`id_key`), else AnswerError."""
    keys = [id_key(v) for v in answer.index]
    want = [id_key(v) for v in index]
    if len(set(keys)) == len(keys) and set(keys) == set(want):
        position = {k: i for i, k in enumerate(keys)}
        out = answer.iloc[[position[k] for k in want]].copy()
        out.index = index
        return out
    raise AnswerError(_index_problem(answer.index, index, what))


# -- one column ---------------------------------------------------------------------
def series(answer, what: str = "a Series", *, index: pd.Index | None = None, numeric: bool = False) -> pd.Series:
    """A Series from a Series, a one-column DataFrame, a dict, or (given ``index``) a 1-D
    array or list of matching length. With ``index``, the result is aligned to it."""

    def convert():
        s = answer
        if isinstance(s, pd.DataFrame):
            if s.shape[1] != 1:
                raise AnswerError(f"Expected {what} (one column), got {describe(s)}.")
            s = s.iloc[:, 0]
        elif isinstance(s, dict):
            s = pd.Series(s)
        elif isinstance(s, (np.ndarray, list, tuple)) and index is not None:
            arr = np.asarray(s, dtype=object) if isinstance(s, (list, tuple)) else s
            if arr.ndim != 1:
                raise AnswerError(f"Expected {what} with one value per row, got {describe(s)}.")
            if len(arr) != len(index):
                raise AnswerError(f"Expected {what} with {len(index)} values, got {len(arr)}.")
            s = pd.Series(arr, index=index)
            if s.dtype == object:
                s = s.infer_objects()
        if not isinstance(s, pd.Series):
            raise expected(what, answer)
        s = s.copy()
        if numeric:
            if pd.api.types.is_bool_dtype(s) or not (pd.api.types.is_numeric_dtype(s) or s.dtype == object):
                raise AnswerError(f"Expected numbers in {what}, got dtype {s.dtype}.")
            values = pd.to_numeric(s, errors="coerce")
            if values.isna().sum() > s.isna().sum():
                raise AnswerError(f"Some values of {what} are not numbers (dtype {s.dtype}).")
            s = values.astype(float)
        if index is not None:
            if len(s) != len(index):
                raise AnswerError(f"Expected {what} with {len(index)} values (one per row), got {len(s)}.")
            s = aligned(s, index, what)
        return s

    return guard(what, answer, convert)


def mask(answer, index: pd.Index, what: str = "the mask") -> np.ndarray:
    """A boolean array aligned with ``index`` from a boolean Series (any row order),
    a 0/1 Series, or a 1-D array or list of the same length."""

    def convert():
        if isinstance(answer, pd.DataFrame) and answer.shape[1] != 1:
            raise AnswerError(f"Expected {what}: True/False for each row, got {describe(answer)}.")
        s = series(answer, what, index=index)
        if s.isna().any():
            raise AnswerError(f"{what} has {int(s.isna().sum())} missing values; every row needs True or False.")
        values = set(pd.unique(s.to_numpy()).tolist())
        if not (pd.api.types.is_bool_dtype(s) or values <= {0, 1}):
            raise AnswerError(f"Expected True/False values in {what}, got dtype {s.dtype}.")
        return s.to_numpy().astype(bool)

    return guard(what, answer, convert)


def labels(answer, n: int, what: str = "labels") -> np.ndarray:
    """One whole-number label per row (``n`` of them) from an array, list, Series or Index."""

    def convert():
        a = answer
        if isinstance(a, pd.DataFrame):
            if a.shape[1] != 1:
                raise AnswerError(f"Expected {what} (one label per row), got {describe(a)}.")
            a = a.iloc[:, 0]
        if not isinstance(a, (pd.Series, pd.Index, list, tuple, np.ndarray)):
            raise expected(f"{what} (an array with one label per row)", answer)
        arr = np.asarray(a)
        if arr.ndim != 1:
            raise AnswerError(f"Expected {what} as one label per row (1-D), got shape {arr.shape}.")
        if len(arr) != n:
            raise AnswerError(f"Expected {n} {what} (one per row), got {len(arr)}.")
        if arr.dtype == object:
            arr = pd.to_numeric(pd.Series(arr), errors="coerce").to_numpy()
        if arr.dtype.kind == "b":
            raise AnswerError(f"Expected whole-number {what}, got True/False values.")
        if arr.dtype.kind == "f":
            if not np.isfinite(arr).all():
                raise AnswerError(f"Some {what} are missing (NaN); every row needs a label.")
            if not (arr == np.round(arr)).all():
                raise AnswerError(f"Expected whole-number {what}, got fractions.")
        elif arr.dtype.kind not in "iu":
            raise AnswerError(f"Expected whole-number {what} (-1 for noise where it applies), got dtype {arr.dtype}.")
        return arr.astype(int)

    return guard(what, answer, convert)


# -- tables -------------------------------------------------------------------------
def frame(answer, what: str = "a DataFrame", *, columns=(), index_col: str | None = None,
          lower: bool = False) -> pd.DataFrame:
    """A copy of a DataFrame that has ``columns``.

    ``lower=True`` compares column names case-insensitively (and returns them
    lower-cased). With ``index_col``, a column of that name (or an index of that
    name) becomes the index.
    """

    def convert():
        if not isinstance(answer, pd.DataFrame):
            raise expected(what, answer)
        df = answer.copy()
        if lower:
            df.columns = [str(c).lower() for c in df.columns]
        if index_col is not None:
            key = index_col.lower() if lower else index_col
            if key in df.columns and (df.index.name is None or str(df.index.name).lower() != key):
                df = df.set_index(key)
        missing = [c for c in columns if (c.lower() if lower else c) not in df.columns]
        if missing:
            raise AnswerError(
                f"Your table has no column {missing}; columns present: {list(map(str, df.columns))[:8]}."
            )
        return df

    return guard(what, answer, convert)


def array(answer, what: str = "an array of numbers", *, shape=None, ndim=None) -> np.ndarray:
    """A float array (from an array, a list, or a numeric DataFrame/Series) of the given shape."""

    def convert():
        if isinstance(answer, pd.DataFrame):
            bad = [c for c in answer.columns if not pd.api.types.is_numeric_dtype(answer[c])]
            if bad:
                raise AnswerError(f"Column(s) {bad[:3]} are not numeric.")
        if isinstance(answer, (str, bytes, dict, set)) or answer is None:
            raise expected(what, answer)
        if np.iscomplexobj(answer):
            raise AnswerError(f"Expected real numbers, got complex values ({describe(answer)}).")
        try:
            arr = np.asarray(answer, dtype=float)
        except (TypeError, ValueError):
            raise expected(what, answer) from None
        if ndim is not None and arr.ndim != ndim:
            raise AnswerError(f"Expected {what} with {ndim} dimension(s), got shape {arr.shape}.")
        if shape is not None and arr.shape != tuple(shape):
            raise AnswerError(f"Expected {what} of shape {tuple(shape)}, got {arr.shape}.")
        return arr.copy()

    return guard(what, answer, convert)
