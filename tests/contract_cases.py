"""Bad-input probes of every public toolkit function, shared by the property test
(``tests/test_toolkit_contract.py``) and the tally script (``tools/probe_contract.py``).

A *case* is one public function with a small valid input built from a seed, the
kinds of its columns and arguments, and (where one is simple to write) a reference
implementation. A *mutation* turns the valid input into one of the bad-input classes
(empty, all-missing, wrong dtypes, nullable and categorical dtypes, time zones, numbers
for dates and durations, duplicate or non-default index, single row, k > n, unicode ids,
huge values) and says what must happen:

* ``"accept"``: the input means the same thing (a nullable dtype, a time zone, unicode
  ids...). The function must give the same answer as on the original input.
* ``"refuse"``: the input cannot be interpreted unambiguously. The function must raise
  ValueError/TypeError naming the argument or column.
* ``"either"``: a clear refusal, or an answer equal to the reference implementation's
  (or passing the case's invariants where there is no reference).

:func:`outcome` runs one probe and classifies it: ``"clear"`` (refused, naming the
problem), ``"right"``, ``"unhelpful"`` (another exception, a message that does not name
the problem, or a refusal of a valid input) or ``"silent"`` (a wrong answer, or an
answer where a refusal was due).
"""

from __future__ import annotations

import atexit
import datetime as dt
import math
import re
import shutil
import tempfile
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score

from course_utils import (
    clustering,
    dashboard,
    data,
    dynamic,
    embeddings,
    features,
    graph,
    monitoring,
    rfm,
    sessions,
    store,
    validation,
)
from course_utils.data import online_retail, shop
from course_utils.data.clickstream import make_clickstream


class Undefined(Exception):
    """Raised by a reference implementation: the input has no unambiguous answer."""


# Files the probes write (retail exports, store files) live here and go when the process ends.
SCRATCH = tempfile.mkdtemp(prefix="course-probes-")
atexit.register(shutil.rmtree, SCRATCH, ignore_errors=True)

ANY = object()  # a reference's way to say "any result passing the invariants is right"
_BUSY = getattr(store, "StoreBusyError", type("NoBusyError", (Exception,), {}))  # older toolkits lack it


@dataclass
class Case:
    area: str
    name: str
    make: Callable[[np.random.Generator], dict]
    call: Callable[..., Any]
    ref: Callable[..., Any] | None = None
    frames: dict = field(default_factory=dict)  # kwarg -> {column: kind}
    keyed: tuple = ()  # kwargs whose index is a key (users, items): a duplicate index must be refused
    args: dict = field(default_factory=dict)  # kwarg -> kind
    check: Callable[[Any, dict], bool] | None = None  # invariants, when ref is None
    same: Callable[[Any, Any], bool] | None = None
    overrides: dict = field(default_factory=dict)  # (kwarg, column or None, mutation) -> expectation
    extra: Callable | None = None  # (case, base) -> more mutations
    free: tuple = ()  # frame kwargs whose columns are the caller's choice: no column is required
    wrapped: tuple = ()  # frame kwargs that only carry a column to a function taking a Series
    overrides_bool: tuple = ()  # frame kwargs where True/False columns are fine (dummies)
    keeps_order: bool = False  # the result keeps the input's row order
    slow: bool = False  # a second or more per call: probed with fewer examples, marked slow


@dataclass
class Mutation:
    label: str
    kwargs: dict
    expect: str  # accept, refuse, either
    names: tuple  # a clear message names one of these
    unmap: dict | None = None  # unicode ids -> original ids


# -- comparing results ----------------------------------------------------------------------
def _unmap(value, mapping):
    if not mapping:
        return value
    back = {v: k for k, v in mapping.items()}
    if isinstance(value, pd.DataFrame):
        out = value.rename(index=lambda i: back.get(i, i))
        return out.map(lambda v: back.get(v, v) if isinstance(v, str) else v)
    if isinstance(value, pd.Series):
        return value.rename(index=lambda i: back.get(i, i))
    if isinstance(value, list):
        return [_unmap(v, mapping) for v in value]
    if isinstance(value, tuple):
        return tuple(_unmap(v, mapping) for v in value)
    if isinstance(value, dict):
        return {k: _unmap(v, mapping) for k, v in value.items()}
    if isinstance(value, str):
        return back.get(value, value)
    return value


def same(a, b) -> bool:
    """Equal results: frames and series by values (index too), numbers within 1e-9, lists exactly."""
    if pd.api.types.is_scalar(a) and pd.api.types.is_scalar(b) and (pd.isna(a) or pd.isna(b)):
        return bool(pd.isna(a) and pd.isna(b))
    if isinstance(a, pd.DataFrame) and isinstance(b, pd.DataFrame):
        if list(map(str, a.columns)) != list(map(str, b.columns)) or len(a) != len(b):
            return False
        if not [str(i) for i in a.index] == [str(i) for i in b.index]:
            return False
        return all(same(a.iloc[:, j], b.iloc[:, j]) for j in range(a.shape[1]))
    if isinstance(a, pd.Series) and isinstance(b, pd.Series):
        if len(a) != len(b) or [str(i) for i in a.index] != [str(i) for i in b.index]:
            return False
        return same(a.to_numpy(dtype=object), b.to_numpy(dtype=object))
    if isinstance(a, (np.ndarray, list, tuple)) and isinstance(b, (np.ndarray, list, tuple)):
        a, b = list(a), list(b)
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, (float, np.floating, int, np.integer)) and isinstance(b, (float, np.floating, int, np.integer)) \
            and not isinstance(a, bool) and not isinstance(b, bool):
        if np.isnan(float(a)) or np.isnan(float(b)):
            return bool(np.isnan(float(a)) and np.isnan(float(b)))
        return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(a)), abs(float(b)))
    if isinstance(a, (pd.Timestamp, np.datetime64, dt.datetime)) or isinstance(b, (pd.Timestamp, np.datetime64)):
        return pd.Timestamp(a) == pd.Timestamp(b)
    if a is None or b is None or (pd.api.types.is_scalar(a) and pd.isna(a)):
        return (a is None or pd.isna(a)) and (b is None or pd.isna(b))
    return bool(a == b)


# -- running one probe ------------------------------------------------------------------------
def _call(case: Case, kwargs: dict):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return case.call(**kwargs)


def outcome(case: Case, base: dict, mutation: Mutation) -> tuple:
    """``(category, detail)`` of one probe: clear, right, unhelpful or silent."""
    try:
        result = _call(case, mutation.kwargs)
    except (ValueError, TypeError, FileNotFoundError, _BUSY) as exc:
        message = str(exc).lower()
        named = [n for n in mutation.names if str(n).lower() in message]
        if not named:
            return "unhelpful", f"{type(exc).__name__} not naming {mutation.names}: {exc}"
        if mutation.expect == "accept":
            return "unhelpful", f"refused a valid input: {exc}"
        return "clear", str(exc)
    except Exception as exc:  # a library's own exception, or a bug
        return "unhelpful", f"{type(exc).__name__}: {exc}"
    if mutation.expect == "refuse":
        return "silent", f"returned {type(result).__name__} where a refusal was due"
    compare = case.same or same
    if mutation.expect == "accept":
        expected = _call(case, base)
        got = _unmap(result, mutation.unmap)
        if mutation.label.endswith("index"):  # the same rows under other labels
            got, expected = _drop_index(got), _drop_index(expected)
        if mutation.unmap and not case.keeps_order:  # renamed ids sort differently
            got, expected = _sorted(got), _sorted(expected)
        ok = compare(got, expected)
        return ("right", "") if ok else ("silent", "differs from the result on the equivalent input")
    if case.ref is not None:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                expected = case.ref(**mutation.kwargs)
        except Undefined as why:
            return "silent", f"returned a result, but the input has no unambiguous answer ({why})"
        except Exception as exc:  # a bug of the probe itself: say so, loudly
            return "probe bug", f"the reference failed: {type(exc).__name__}: {exc}"
        if expected is ANY:
            ok = case.check(result, mutation.kwargs) if case.check else True
        else:
            ok = compare(result, expected)
        return ("right", "") if ok else ("silent", "differs from the reference implementation")
    ok = case.check(result, mutation.kwargs) if case.check else True
    return ("right", "") if ok else ("silent", "fails the invariants")


def _sorted(value):
    if isinstance(value, (pd.DataFrame, pd.Series)):
        if isinstance(value, pd.DataFrame) and list(value.index) == list(range(len(value))):
            return value.sort_values(list(value.columns), key=lambda c: c.astype(str)).reset_index(drop=True)
        return value.sort_index(key=lambda i: i.astype(str))
    if isinstance(value, dict):
        return {k: _sorted(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return tuple(_sorted(v) for v in value)
    return value


def _drop_index(value):
    if isinstance(value, (pd.DataFrame, pd.Series)):
        return value.reset_index(drop=True)
    if isinstance(value, tuple):
        return tuple(_drop_index(v) for v in value)
    return value


# -- reference helpers ------------------------------------------------------------------------
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?)?$")
_DMY = re.compile(r"^(\d{2})/(\d{2})/(\d{4})( \d{2}:\d{2})?$")


def ref_dates(values: pd.Series) -> pd.Series:
    """Datetimes, ISO text, or dd/mm/yyyy text with a day above 12; anything else is Undefined."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        values = values.astype(object)
    if pd.api.types.is_datetime64_any_dtype(values):
        return values.dt.tz_localize(None) if values.dt.tz is not None else values
    if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        raise Undefined("numbers are not dates")
    present = values.dropna()
    if not all(isinstance(v, str) for v in present):
        if all(isinstance(v, pd.Timestamp) for v in present):
            zones = {v.tzinfo is None for v in present}
            if len(zones) > 1:
                raise Undefined("mixed zones")
            return pd.Series([pd.NaT if pd.isna(v) else v.tz_localize(None) if v.tzinfo else v for v in values],
                             index=values.index, dtype="datetime64[ns]")
        raise Undefined("not text or datetimes")
    if all(_ISO.match(v) for v in present):
        return pd.to_datetime(values, format="ISO8601")
    if all(_DMY.match(v) for v in present):
        parts = [_DMY.match(v) for v in present]
        if any(int(m.group(1)) > 12 for m in parts) and not any(int(m.group(2)) > 12 for m in parts):
            return pd.Series([pd.NaT if not isinstance(v, str) else
                              pd.to_datetime(v, format="%d/%m/%Y %H:%M" if " " in v else "%d/%m/%Y")
                              for v in values], index=values.index, dtype="datetime64[ns]")
    raise Undefined("dates that do not read one way only")


def ref_complete(values: pd.Series, what=""):
    if values.isna().any():
        raise Undefined(f"missing {what}")
    return values


def ref_ids(values: pd.Series):
    ref_complete(values, "ids")
    kinds = {isinstance(v, str) for v in values}
    if len(kinds) > 1:
        raise Undefined("ids mixing text and numbers")
    return values


def ref_numbers(values: pd.Series, finite=True):
    if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        raise Undefined("not numbers")
    out = values.to_numpy(dtype=float, na_value=np.nan)
    if finite and np.isinf(out).any():
        raise Undefined("infinite")
    return out


def ref_whole(value, minimum=1):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise Undefined("not a whole number")
    return int(value)


def ref_date_arg(value):
    if isinstance(value, (pd.Timestamp, dt.date, np.datetime64)) and not pd.isna(value):
        t = pd.Timestamp(value)
        return t.tz_localize(None) if t.tzinfo else t
    if isinstance(value, str) and _ISO.match(value):
        return pd.Timestamp(value)
    raise Undefined("not a date")


def ref_frame(value, columns):
    if not isinstance(value, pd.DataFrame):
        raise Undefined("not a frame")
    for c in columns:
        if c not in value.columns or (value.columns == c).sum() != 1:
            raise Undefined(f"no single column {c}")
    return value


# -- base data --------------------------------------------------------------------------------
def _times(rng, n, start="2011-03-01"):
    """n datetimes spread over 40 days (some day above 12 always), minute resolution."""
    minutes = rng.integers(0, 40 * 24 * 60, n)
    minutes[0] = 20 * 24 * 60 + 600  # the 21st, 10:00
    return pd.Timestamp(start) + pd.to_timedelta(np.sort(minutes), unit="min")


def transactions(rng, n=12):
    when = _times(rng, n)
    return pd.DataFrame({
        "InvoiceNo": [str(536365 + i // 2) for i in range(n)],
        "StockCode": rng.choice(["85123A", "71053", "22423", "POST"], n),
        "Quantity": rng.integers(1, 9, n),
        "InvoiceDate": when,
        "UnitPrice": rng.choice([1.25, 2.55, 3.39, 12.75], n),
        "CustomerID": rng.choice([12583, 17850, 13047], n),
    })


def purchases(rng, n=12):
    tx = transactions(rng, n)
    return pd.DataFrame({"customer": tx["CustomerID"], "date": tx["InvoiceDate"],
                         "amount": np.round(tx["Quantity"] * tx["UnitPrice"], 2), "order": tx["InvoiceNo"]})


def rfm_table(rng, n=12):
    return pd.DataFrame({"recency": rng.integers(1, 300, n), "frequency": rng.integers(1, 20, n),
                         "monetary": np.round(rng.lognormal(5, 1, n), 2)},
                        index=pd.Index([f"C{i:03d}" for i in range(n)], name="customer"))


def clicks(rng, n=14):
    return pd.DataFrame({"user_id": rng.choice(["u1", "u2", "u3"], n), "timestamp": _times(rng, n),
                         "page": rng.choice(["home", "a1", "a2", "a3", "sport"], n)})


def views(rng, n_users=6):
    rows = []
    for u in range(n_users):
        for d in range(3):
            rows.append((f"v{u}", pd.Timestamp("2025-01-06") + pd.Timedelta(days=int(rng.integers(0, 13)),
                                                                               hours=int(rng.integers(8, 22))),
                         f"T{u}{d}", ["drama", "kids", "sports_live"][u % 3], int(rng.integers(10, 120)),
                         ["tv", "mobile"][(u + d) % 2]))
    return pd.DataFrame(rows, columns=features.WATCH_COLUMNS)


def feature_table(rng, n=30, d=3):
    centres = rng.normal(0, 4, (3, d))
    X = centres[np.arange(n) % 3] + rng.normal(0, 1, (n, d))
    return pd.DataFrame(X, columns=[f"f{j}" for j in range(d)], index=[f"r{i}" for i in range(n)])


def weekly_frame(rng, n=24):
    return pd.DataFrame({"watch_minutes": rng.normal(5, 1, n), "g_drama": rng.uniform(0, 1, n),
                         "d_tv": rng.uniform(0, 1, n),
                         "q_0": np.where(rng.random(n) < 0.3, np.nan, rng.normal(0, 1, n))},
                        index=[f"u{i}" for i in range(n)])


def labels(rng, n=12, k=3, prefix="u"):
    return pd.Series(rng.integers(0, k, n), index=[f"{prefix}{i}" for i in range(n)])


SEQUENCES = [["home", "a1", "a2"], ["home", "a2", "a3"], ["sport", "a3", "a1", "home"], ["a1", "a2"]] * 3
QUERIES = ["premier league", "football live", "kids songs", "cartoons for kids", "nature documentary",
           "space documentary", "drama series", "crime drama"] * 2


# -- mutations --------------------------------------------------------------------------------
UNICODE = ["客户-α", "👤 β", "Zoë", "Ωmega", "naïve", "ß-7", "ید", "ना", "🙂", "Ünï", "ø", "ℵ0"]


def _unicode_map(values) -> dict:
    """Unicode names for the distinct values (codes that mean something, such as POST, keep theirs)."""
    distinct = [v for v in pd.unique(pd.Series(values).dropna()) if v not in rfm.NON_PRODUCT_CODES]
    return {v: f"{UNICODE[i % len(UNICODE)]}{i}" for i, v in enumerate(distinct)}


def _with(kwargs, key, value):
    out = dict(kwargs)
    out[key] = value
    return out


def _set_col(frame, col, values):
    out = frame.copy()
    out[col] = values
    return out


def _one_missing(values: pd.Series) -> pd.Series:
    if isinstance(values.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_any_dtype(values):
        out = values.copy()
        out.iloc[len(out) // 2] = pd.NaT
        return out
    if pd.api.types.is_integer_dtype(values) and not isinstance(values.dtype, pd.api.extensions.ExtensionDtype):
        values = values.astype(float)
    elif pd.api.types.is_bool_dtype(values) or values.dtype == object:
        values = values.astype(object)
    out = values.copy()
    out.iloc[len(out) // 2] = None if out.dtype == object else np.nan
    return out


def _column_mutations(frame: pd.DataFrame, col, kind) -> list:
    """(label, new column or a callable frame -> frame, expectation)."""
    v = frame[col]
    n = len(v)
    out = [("all missing", pd.Series([None] * n, index=v.index, dtype=object), "refuse"),
           ("one missing", _one_missing(v), "refuse")]
    if kind in ("id", "key"):
        nullable = v.astype("Int64") if pd.api.types.is_integer_dtype(v) else v.astype("string")
        out += [("nullable dtype", nullable, "accept"), ("categorical dtype", v.astype("category"), "accept")]
        mixed = v.astype(object).copy()
        mixed.iloc[::2] = [str(x) + "x" if isinstance(x, str) else x for x in mixed.iloc[::2]]
        mixed.iloc[1::2] = [7 if isinstance(x, str) else str(x) for x in mixed.iloc[1::2]]
        out.append(("ids mixing text and numbers", mixed, "refuse"))
    if kind == "id":
        mapping = _unicode_map(v)
        out.append(("unicode ids", (v.map(lambda x: mapping.get(x, x)), mapping), "accept"))
    if kind == "date":
        t = pd.Series(pd.DatetimeIndex(v))
        out += [
            ("numbers for dates", pd.Series(t.dt.strftime("%Y%m%d").astype(int).to_numpy(), index=v.index), "refuse"),
            ("epoch seconds for dates", pd.Series(t.astype("int64").to_numpy() // 10**9, index=v.index), "refuse"),
            ("dates that read both ways", pd.Series([f"{(i % 12) + 1:02d}/{((i + 3) % 12) + 1:02d}/2011 10:00"
                                                     for i in range(n)], index=v.index), "refuse"),
            # the same instants as text (to the second, as the base data: text to the minute would be other data)
            ("day-first text dates", pd.Series(t.dt.strftime("%d/%m/%Y %H:%M:%S").to_numpy(), index=v.index),
             "accept"),
            ("ISO text dates", pd.Series(t.dt.strftime("%Y-%m-%d %H:%M:%S").to_numpy(), index=v.index), "accept"),
            ("text dtype dates", pd.Series(t.dt.strftime("%Y-%m-%d %H:%M:%S").to_numpy(), index=v.index,
                                           dtype="string"), "accept"),
            ("tz-aware dates", pd.Series(pd.DatetimeIndex(t).tz_localize("Asia/Tokyo"), index=v.index), "accept"),
        ]
        mixed = pd.Series(list(t), index=v.index, dtype=object)
        mixed.iloc[0] = mixed.iloc[0].tz_localize("UTC")
        out.append(("time zones mixed with plain times", mixed, "refuse"))
        if n:
            out.append(("unparseable date text", pd.Series(["soon"] + list(t.dt.strftime("%Y-%m-%d"))[1:],
                                                           index=v.index), "refuse"))
    if kind in ("num", "count"):
        out += [
            ("numbers as text", v.astype(str), "refuse"),
            ("booleans for numbers", pd.Series(np.arange(n) % 2 == 0, index=v.index), "refuse"),
            ("an infinite value", pd.Series(np.where(np.arange(n) == 0, np.inf, v.astype(float)), index=v.index),
             "refuse"),
            ("huge values", v.astype(float) * 1e300, "either"),
            ("nullable dtype", v.astype("Int64") if pd.api.types.is_integer_dtype(v) else v.astype("Float64"),
             "accept"),
        ]
    if kind in ("item", "category"):
        out[0] = ("all missing", out[0][1], "either")
        out[1] = ("one missing", out[1][1], "either")
        out += [("nullable dtype", v.astype("string"), "accept"), ("categorical dtype", v.astype("category"),
                                                                    "accept")]
    if kind == "item":
        mapping = _unicode_map(v)
        out.append(("unicode ids", (v.map(lambda x: mapping.get(x, x)), mapping), "accept"))
    if kind == "text":
        out += [("numbers for text", pd.Series(np.arange(n), index=v.index), "refuse"),
                ("nullable dtype", v.astype("string"), "accept")]
    return out


def _arg_mutations(value, kind) -> list:
    """(label, new value, expectation) for one argument."""
    if kind == "date":
        return [("a number for a date", 20250106, "refuse"), ("a number as text for a date", "20250106", "refuse"),
                ("a date that reads both ways", "06/01/2025", "refuse"), ("no date", None, "refuse"),
                ("text that is not a date", "soon", "refuse"),
                ("a tz-aware date", pd.Timestamp(value).tz_localize("Asia/Tokyo"), "accept"),
                ("a datetime.date", pd.Timestamp(value).date(), "accept")]
    if kind == "duration":
        return [("a bare number for a duration", 30, "refuse"), ("a bare float for a duration", 1800.0, "refuse"),
                ("a number as text for a duration", "30", "refuse"), ("a negative duration", "-5min", "refuse"),
                ("a zero duration", "0min", "refuse"), ("no duration", None, "refuse"),
                ("a unitless numpy duration", np.timedelta64(30), "refuse"),
                ("a clock duration", "00:30:00", "accept"), ("a datetime.timedelta", dt.timedelta(minutes=30),
                                                             "accept")]
    if kind.startswith("whole"):
        minimum = int(kind.split(":")[1]) if ":" in kind else 1
        out = [("a fraction for a count", value + 0.5, "refuse"), ("True for a count", True, "refuse"),
               ("a count as text", str(value), "refuse"), ("no count", None, "refuse"),
               ("a count below the minimum", minimum - 1, "refuse"),
               ("a numpy integer", np.int64(value), "accept")]
        return out
    if kind == "real":
        return [("NaN for a number", float("nan"), "refuse"), ("infinity for a number", float("inf"), "refuse"),
                ("a number as text", str(value), "refuse"), ("True for a number", True, "refuse")]
    if kind == "list":
        listed = list(value)
        return [("a string for a list", str(listed[0]), "refuse"), ("an empty list", [], "refuse"),
                ("a list with a repeat", listed + listed[:1], "refuse"),
                ("a generator for a list", (v for v in listed), "accept"), ("a tuple for a list", tuple(listed),
                                                                             "accept")]
    return []


def mutations(case: Case, base: dict) -> list:
    """Every mutation of the case's base input (deterministic)."""
    out = []

    def add(label, kwargs, expect, names, key, col=None, unmap=None):
        expect = case.overrides.get((key, col, label), case.overrides.get((key, None, label), expect))
        if label == "booleans for numbers" and key in case.overrides_bool:
            expect = "either"
        if expect is not None:
            out.append(Mutation(f"{key}{'.' + str(col) if col is not None else ''}: {label}", kwargs, expect,
                                tuple(str(n) for n in names), unmap))

    for key, columns in case.frames.items():
        frame = base[key]
        cols = list(columns)
        add("empty", _with(base, key, frame.iloc[:0]), "either", (key, "empty", "no ", "rows", *cols), key)
        add("single row", _with(base, key, frame.iloc[:1]), "either", (key, "row", *cols), key)
        if key not in case.wrapped:
            add("not a DataFrame", _with(base, key, frame.to_dict("list")), "refuse", (key, "DataFrame"), key)
            if key not in case.free:
                add("a required column missing", _with(base, key, frame.drop(columns=cols[0])), "refuse",
                    (cols[0],), key)
            twice = pd.concat([frame, frame[[cols[0]]]], axis=1)
            add("a column twice", _with(base, key, twice), "refuse", (cols[0],), key)
        if key in case.keyed:
            dup = frame.set_axis([frame.index[0]] * len(frame)) if len(frame) > 1 else frame
            add("duplicate index", _with(base, key, dup), "refuse", (key, "more than once", "repeat", "duplicate"),
                key)
        else:
            add("duplicate index", _with(base, key, frame.set_axis([0] * len(frame))), "accept", (key,), key)
            add("non-default index", _with(base, key, frame.set_axis([f"r{len(frame) - i}" for i in
                                                                       range(len(frame))])), "accept", (key,), key)
        for col, kind in columns.items():
            for label, values, expect in _column_mutations(frame, col, kind):
                unmap = None
                if isinstance(values, tuple):
                    values, unmap = values
                add(label, _with(base, key, _set_col(frame, col, values)), expect, (col,), key, col, unmap)
    for key, kind in case.args.items():
        for label, value, expect in _arg_mutations(base[key], kind):
            add(label, _with(base, key, value), expect, (key,), key)
    if case.extra is not None:
        out += case.extra(case, base)
    return out


# -- references -------------------------------------------------------------------------------
def ref_compute_rfm(transactions, customer_col, date_col, amount_col, invoice_col=None, as_of=None):
    tx = ref_frame(transactions, [customer_col, date_col, amount_col] + ([invoice_col] if invoice_col else []))
    if len(tx) == 0:
        raise Undefined("no transaction")
    ids = ref_ids(tx[customer_col])
    amount = ref_numbers(tx[amount_col])
    if np.isnan(amount).any():
        raise Undefined("missing amount")
    dates = ref_complete(ref_dates(tx[date_col]), "dates")
    if invoice_col:
        ref_ids(tx[invoice_col])
    last = pd.Timestamp(dates.max()).normalize()
    snap = last + pd.Timedelta(days=1) if as_of is None else ref_date_arg(as_of).normalize()
    if snap < last:
        raise Undefined("as_of before the last purchase")
    rows = {}
    for c in sorted(set(ids)):
        mine = (ids == c).to_numpy()
        with np.errstate(over="ignore"):
            money = float(amount[mine].sum())
        if not np.isfinite(money):
            raise Undefined("monetary overflows")
        freq = len(set(tx.loc[mine, invoice_col])) if invoice_col else int(mine.sum())
        rows[c] = ((snap - pd.Timestamp(dates[mine].max()).normalize()).days, freq, money)
    return pd.DataFrame.from_dict(rows, orient="index", columns=["recency", "frequency", "monetary"])


def ref_check_rfm(rfm):
    frame = ref_frame(rfm, ["recency", "frequency", "monetary"])
    if len(frame) == 0:
        raise Undefined("empty")
    for c in ("recency", "frequency", "monetary"):
        if np.isnan(ref_numbers(frame[c])).any():
            raise Undefined("missing")
    return None


def ref_rfm_scores(rfm, q=5):
    ref_check_rfm(rfm)
    q = ref_whole(q, 2)
    if q > 10:
        raise Undefined("q")
    n = len(rfm)
    out = pd.DataFrame(index=rfm.index)
    for name, values in (("r_score", -rfm["recency"].astype(float)), ("f_score", rfm["frequency"].astype(float)),
                         ("m_score", rfm["monetary"].astype(float))):
        below = np.array([(values < v).sum() for v in values])  # rank "min" - 1
        out[name] = np.minimum(1 + (q * below) // n, q).astype(int)
    out["rfm_score"] = [f"{r}{f}{m}" for r, f, m in zip(out["r_score"], out["f_score"], out["m_score"])]
    return out


def ref_rfm_segments(scores):
    frame = ref_frame(scores, ["r_score", "f_score"])
    r, f = ref_numbers(frame["r_score"]), ref_numbers(frame["f_score"])
    for v in np.concatenate([r, f]):
        if np.isnan(v) or v not in (1, 2, 3, 4, 5):
            raise Undefined("scores must be 1 to 5")
    return pd.Series([rfm.RFM_GRID[int(a) - 1][int(b) - 1] for a, b in zip(r, f)], index=frame.index, name="segment")


def ref_duration(value):
    if isinstance(value, (dt.timedelta, np.timedelta64)) and not isinstance(value, bool):
        if isinstance(value, np.timedelta64) and np.datetime_data(value.dtype)[0] == "generic":
            raise Undefined("no unit")
        d = pd.Timedelta(value)
    elif isinstance(value, str) and re.search(r"[a-zA-Z:]", value):
        d = pd.Timedelta(value)
    else:
        raise Undefined("a duration needs a unit")
    if d <= pd.Timedelta(0):
        raise Undefined("not positive")
    return d


def ref_sessionize(events, gap="30min"):
    ev = ref_frame(events, ["user_id", "timestamp"])
    step = ref_duration(gap)
    if "session_id" in ev.columns:
        raise Undefined("would overwrite")
    users = ref_ids(ev["user_id"])
    times = ref_complete(ref_dates(ev["timestamp"]), "times")
    out = ev.copy()
    ids = pd.Series(-1, index=range(len(ev)))
    order = sorted(range(len(ev)), key=lambda i: (users.iloc[i], times.iloc[i], i))
    session, last_user, last_time = -1, object(), None
    for i in order:
        if users.iloc[i] != last_user or times.iloc[i] - last_time > step:
            session += 1
        ids[i] = session
        last_user, last_time = users.iloc[i], times.iloc[i]
    out["session_id"] = ids.to_numpy()
    return out


def same_partition(a, b) -> bool:
    """Two sessionized frames (rows in input order): the same users, and the same sessions up to numbering."""
    if not (isinstance(a, pd.DataFrame) and isinstance(b, pd.DataFrame)) or len(a) != len(b):
        return False
    if not same(a["user_id"].astype(object).reset_index(drop=True), b["user_id"].astype(object).reset_index(drop=True)):
        return False
    pairs = set(zip(a["session_id"], b["session_id"]))
    return len(pairs) == len(set(a["session_id"])) == len(set(b["session_id"]))


def ref_session_sequences(events, min_length=2):
    ev = ref_frame(events, ["page", "session_id", "timestamp"])
    n = ref_whole(min_length)
    keys = ref_ids(ev["session_id"])
    times = ref_complete(ref_dates(ev["timestamp"]), "times")
    rows = [(k, t, i, p) for i, (k, t, p) in enumerate(zip(keys, times, ev["page"])) if not pd.isna(p)]
    order = {k: j for j, k in enumerate(sorted(set(keys)))}
    rows.sort(key=lambda r: (order[r[0]], r[1], r[2]))
    seqs = {}
    for k, _, _, p in rows:
        seqs.setdefault(k, []).append(str(p))
    out = [s for s in seqs.values() if len(s) >= n]
    if not out:
        raise Undefined("no sequence")
    return out


def ref_visit_features(events):
    ev = ref_frame(events, ["user_id", "timestamp", "session_id"])
    users = ref_ids(ev["user_id"])
    ref_ids(ev["session_id"])
    times = ref_complete(ref_dates(ev["timestamp"]), "times")
    rows = {}
    for u in sorted(set(users)):
        mine = (users == u).to_numpy()
        t = times[mine]
        views_, sess = int(mine.sum()), len(set(ev.loc[mine, "session_id"]))
        rows[u] = (views_, sess, len(set(t.dt.normalize())), views_ / sess, (t.max() - t.min()).total_seconds() / 86400)
    return pd.DataFrame.from_dict(rows, orient="index",
                                  columns=["views", "sessions", "active_days", "views_per_session", "days_spanned"])


def ref_week_number(frame, first_day):
    times = ref_complete(ref_dates(ref_frame(frame, ["timestamp"])["timestamp"]), "times")
    start = ref_date_arg(first_day).normalize()
    return pd.Series([(t - start).days // 7 + 1 for t in times], index=frame.index)


def ref_weekly_features(watch, week, first_day, genres, devices, window=2, gap="30min"):
    w = ref_frame(watch, features.WATCH_COLUMNS)
    week, window = ref_whole(week), ref_whole(window)
    step = ref_duration(gap)
    start = ref_date_arg(first_day).normalize()
    lists = []
    for values in (genres, devices):
        if isinstance(values, str) or not hasattr(values, "__iter__"):
            raise Undefined("not a list")
        values = [str(v) for v in values]
        if not values or len(set(values)) != len(values) or "other" in values:
            raise Undefined("list")
        lists.append(values)
    users = ref_ids(w["user_id"])
    minutes = ref_numbers(w["minutes"])
    if np.isnan(minutes).any() or (minutes < 0).any() or (minutes > 1e6).any():
        raise Undefined("minutes")
    times = ref_complete(ref_dates(w["timestamp"]), "times")
    weeks = np.array([(t - start).days // 7 + 1 for t in times])
    active = set(users[weeks == week])
    keep = (weeks <= week) & (weeks > week - window) & users.isin(active).to_numpy()
    span = pd.DataFrame({"u": users[keep].to_numpy(), "t": times[keep].to_numpy(), "m": minutes[keep],
                         "g": w.loc[keep, "genre"].to_numpy(), "d": w.loc[keep, "device"].to_numpy()})
    cols = (["watch_minutes", "sessions", "active_days", "days_since_last"] + [f"g_{g}" for g in lists[0] + ["other"]]
            + ["genre_entropy"] + [f"d_{d}" for d in lists[1] + ["other"]])
    rows = {}
    end = start + pd.Timedelta(days=7 * week)
    for u in sorted(set(span["u"])):
        s = span[span["u"] == u].sort_values("t", kind="stable")
        visits, previous_end = 0, None
        for t, m in zip(s["t"], s["m"]):
            if previous_end is None or t - previous_end > step:
                visits += 1
            previous_end = t + pd.Timedelta(minutes=float(m))
        total = s["m"].sum()
        row = [np.log1p(total / min(window, week)), visits, len(set(s["t"].dt.normalize())),
               (end - s["t"].max()).total_seconds() / 86400]
        shares = []
        for g in lists[0] + ["other"]:
            hit = s["g"].map(lambda v, g=g: (str(v) == g) if not pd.isna(v) and str(v) in lists[0] else g == "other")
            shares.append(s.loc[hit.to_numpy(dtype=bool), "m"].sum() / total if total else 0.0)
        row += shares + [-sum(p * np.log(p) for p in shares if p > 0)]
        for d in lists[1] + ["other"]:
            hit = s["d"].map(lambda v, d=d: (str(v) == d) if not pd.isna(v) and str(v) in lists[1] else d == "other")
            row.append(s.loc[hit.to_numpy(dtype=bool), "m"].sum() / total if total else 0.0)
        rows[u] = row
    return pd.DataFrame.from_dict(rows, orient="index", columns=cols).reindex(columns=cols)


def ref_labels(series):
    if not isinstance(series, pd.Series):
        raise Undefined("not a Series")
    if series.index.has_duplicates or series.isna().any():
        raise Undefined("duplicate users or missing segments")
    kinds = {isinstance(v, str) for v in series}
    if len(kinds) > 1:
        raise Undefined("labels mixing text and numbers")
    return series


def ref_common(previous, current):
    p, c = ref_labels(previous), ref_labels(current)
    common = [u for u in p.index if u in set(c.index)]
    return p, c, common


def ref_wow_ari(previous, current):
    p, c, common = ref_common(previous, current)
    if len(common) < 2:
        return float("nan")
    return adjusted_rand_score([str(p[u]) for u in common], [str(c[u]) for u in common])


def ref_moved_share(previous, current):
    p, c, common = ref_common(previous, current)
    if not common:
        return float("nan")
    return float(np.mean([p[u] != c[u] for u in common]))


def ref_jaccard(previous, current):
    p, c, _ = ref_common(previous, current)
    out = {}
    for s in sorted(set(p) | set(c), key=str):
        a, b = set(p.index[p == s]), set(c.index[c == s])
        out[s] = len(a & b) / len(a | b)
    return pd.Series(out, name="jaccard", dtype=float)


def ref_migration(previous, current):
    p, c, _ = ref_common(previous, current)
    pairs = [("new" if u not in p.index else p[u], "gone" if u not in c.index else c[u])
             for u in set(p.index) | set(c.index)]
    table = pd.Series(pairs).value_counts()
    rows = sorted({a for a, _ in pairs}, key=str)
    cols = sorted({b for _, b in pairs}, key=str)
    return pd.DataFrame([[int(table.get((a, b), 0)) for b in cols] for a in rows], index=rows, columns=cols)


def same_table(a, b) -> bool:
    """Two crosstabs: the same counts whatever the row and column order."""
    if not (isinstance(a, pd.DataFrame) and isinstance(b, pd.DataFrame)):
        return False
    key = lambda labels: sorted(map(str, labels))
    if key(a.index) != key(b.index) or key(a.columns) != key(b.columns):
        return False
    a = a.set_axis(list(map(str, a.index)), axis=0).set_axis(list(map(str, a.columns)), axis=1)
    b = b.set_axis(list(map(str, b.index)), axis=0).set_axis(list(map(str, b.columns)), axis=1)
    return same(a.loc[key(a.index), key(a.columns)], b.loc[key(a.index), key(a.columns)])


def ref_matrix(values, bools=True):
    if isinstance(values, pd.DataFrame):
        for c in values.columns:
            if not (bools and pd.api.types.is_bool_dtype(values[c])):
                ref_numbers(values[c])
        arr = values.to_numpy(dtype=float, na_value=np.nan)
    else:
        try:
            arr = np.asarray(values, dtype=float)
        except (TypeError, ValueError) as exc:
            raise Undefined("not numbers") from exc
    if arr.ndim != 2 or not np.isfinite(arr).all():
        raise Undefined("not a finite matrix")
    return arr


def ref_centroid_drift(previous, current):
    if isinstance(previous, pd.DataFrame) and isinstance(current, pd.DataFrame):
        if set(previous.columns) != set(current.columns) or set(previous.index) != set(current.index) or \
                previous.index.has_duplicates or previous.columns.has_duplicates:
            raise Undefined("different names")
        current = current.loc[previous.index, previous.columns]
    a, b = ref_matrix(previous), ref_matrix(current)
    if a.shape != b.shape:
        raise Undefined("shapes")
    index = previous.index if isinstance(previous, pd.DataFrame) else range(len(a))
    return pd.Series([math.dist(x, y) for x, y in zip(a, b)], index=index)


def ref_unassigned(labels, personas):
    ref_labels(labels)
    if not isinstance(personas, pd.Series) or personas.index.has_duplicates:
        raise Undefined("personas")
    if len(labels) == 0:
        return float("nan")
    names = dict(personas.items())
    return float(np.mean([s not in names or pd.isna(names[s]) or names[s] == "unassigned" for s in labels]))


def _side(values):
    if isinstance(values, (pd.DataFrame, dict, str)) or np.ndim(values) != 1:
        raise Undefined("not 1-D")
    s = pd.Series(values).dropna()
    if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s) and np.isinf(s.astype(float)).any():
        raise Undefined("infinite")
    if len(s) == 0:
        raise Undefined("nothing to compare")
    return s


def ref_psi(expected, actual, bins=10):
    bins = ref_whole(bins, 2)
    e, a = _side(expected), _side(actual)
    numeric = all(pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s) for s in (e, a))
    if numeric and e.nunique() > bins:
        ev, av = e.astype(float).to_numpy(), a.astype(float).to_numpy()
        cuts = sorted(set(np.quantile(ev, [j / bins for j in range(1, bins)])))
        edges = [-np.inf, *cuts, np.inf]
        es = np.array([((ev > lo) & (ev <= hi)).mean() for lo, hi in zip(edges[:-1], edges[1:])])
        as_ = np.array([((av > lo) & (av <= hi)).mean() for lo, hi in zip(edges[:-1], edges[1:])])
    else:
        cats = sorted(set(map(str, e)) | set(map(str, a)))
        es = np.array([np.mean([str(v) == c for v in e]) for c in cats])
        as_ = np.array([np.mean([str(v) == c for v in a]) for c in cats])
    es, as_ = np.maximum(es, 1e-4), np.maximum(as_, 1e-4)
    return float(np.sum((as_ - es) * np.log(as_ / es)))


def ref_profile(features_, labels_):
    if not isinstance(features_, pd.DataFrame):
        raise Undefined("not a frame")
    if isinstance(labels_, pd.Series):
        if set(labels_.index) != set(features_.index) or labels_.index.has_duplicates:
            if not labels_.index.equals(features_.index):
                raise Undefined("labels index")
        if not labels_.index.equals(features_.index):
            labels_ = labels_.reindex(features_.index)
    lab = np.asarray(labels_, dtype=object)
    if lab.ndim != 1 or len(lab) != len(features_) or pd.isna(lab).any():
        raise Undefined("labels")
    if len({isinstance(v, str) for v in lab}) > 1:
        raise Undefined("mixed labels")
    numeric = [c for c in features_.columns if pd.api.types.is_numeric_dtype(features_[c])]
    if not numeric:
        raise Undefined("no numeric feature")
    rows = {}
    for c in sorted(set(lab), key=lambda v: (str(type(v)), v)):
        mine = lab == c
        medians = []
        for f in numeric:
            present = features_.loc[mine, f].to_numpy(dtype=float, na_value=np.nan)
            present = present[~np.isnan(present)]
            medians.append(float(np.median(present)) if len(present) else float("nan"))
        rows[c] = [int(mine.sum()), mine.sum() / len(lab)] + medians
    return pd.DataFrame.from_dict(rows, orient="index", columns=["size", "share", *numeric])


def ref_match_labels(reference, labels_):
    ref_, lab = np.asarray(reference, dtype=object), np.asarray(labels_, dtype=object)
    if ref_.shape != lab.shape or ref_.ndim != 1 or len(ref_) == 0 or pd.isna(ref_).any() or pd.isna(lab).any():
        raise Undefined("labels")
    return ANY


def ref_idf(events, user_col="user_id", item_col="page"):
    ev = ref_frame(events, [user_col, item_col])
    users = ref_ids(ev[user_col])
    pairs = {(u, str(i)) for u, i in zip(users, ev[item_col]) if not pd.isna(i)}
    if not pairs:
        raise Undefined("no item")
    n = len({u for u, i in zip(users, ev[item_col]) if not pd.isna(i)})
    items = sorted({i for _, i in pairs})
    return pd.Series([np.log((1 + n) / (1 + sum(1 for _, j in pairs if j == i))) + 1 for i in items], index=items,
                     name="idf")


def ref_user_embeddings(events, vectors, weighting="tfidf"):
    ev = ref_frame(events, ["user_id", "page"])
    table = ref_matrix(vectors)
    if not isinstance(vectors, pd.DataFrame) or vectors.index.has_duplicates or len(vectors) == 0:
        raise Undefined("vectors")
    keys = [str(i) for i in vectors.index]
    idf = ref_idf(ev.loc[ev["page"].notna().to_numpy()], "user_id", "page")
    rows = {}
    views = [(u, str(p)) for u, p in zip(ev["user_id"], ev["page"]) if not pd.isna(p)]
    ref_ids(pd.Series([u for u, _ in views], dtype=object))
    for u in sorted({u for u, _ in views}):
        mine = [p for v, p in views if v == u and p in keys]
        if not mine:
            raise Undefined("a user without vectors")
        w = np.array([idf[p] if weighting == "tfidf" else 1.0 for p in mine])
        rows[u] = (w[:, None] * table[[keys.index(p) for p in mine]]).sum(axis=0) / w.sum()
    if not rows:
        raise Undefined("no view")
    return pd.DataFrame.from_dict(rows, orient="index", columns=[f"dim_{j}" for j in range(table.shape[1])])


def ref_purity(vectors, labels, k=2):
    labels_ = labels
    k = ref_whole(k)
    if not isinstance(vectors, pd.DataFrame) or vectors.index.has_duplicates:
        raise Undefined("vectors")
    X = ref_matrix(vectors)
    if not isinstance(labels_, pd.Series):
        raise Undefined("labels")
    names = [str(i) for i in vectors.index]
    lab = {str(i): v for i, v in labels_.items() if not pd.isna(v)}
    if k >= len(names):
        raise Undefined("k")
    norms = np.linalg.norm(X, axis=1, keepdims=True)
    X = X / np.where(norms == 0, 1, norms)
    hits = []
    for i, item in enumerate(names):
        if item not in lab:
            continue
        sim = X @ X[i]
        sim[i] = -np.inf
        nearest = np.argsort(-sim, kind="stable")[:k]
        hits += [lab.get(names[j]) == lab[item] for j in nearest]
    if not hits:
        raise Undefined("no query")
    return float(np.mean(hits))


# -- invariants (where no reference is simple) ------------------------------------------------
def check_clean(result, kwargs):
    clean, report = result
    cols = ["InvoiceNo", "StockCode", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID"]
    if len(clean) == 0 or clean[cols].isna().any().any() or report["rows_left"].iloc[-1] != len(clean):
        return False
    amount = clean["Quantity"].astype(float) * clean["UnitPrice"].astype(float)
    return bool(np.isfinite(clean["Amount"].astype(float)).all() and np.allclose(clean["Amount"].astype(float), amount))


def check_labels_in_range(result, kwargs, k_key="n_segments", n_key="X"):
    arr = np.asarray(result)
    n = len(kwargs[n_key]) if n_key in kwargs else len(arr)
    k = kwargs.get(k_key, 3)
    return arr.ndim == 1 and len(arr) == n and set(arr.tolist()) <= set(range(-1, int(k)))


def check_finite_frame(result, kwargs):
    values = result.select_dtypes("number").to_numpy(dtype=float)
    return isinstance(result, pd.DataFrame) and np.isfinite(values).all()


def same_vectors(a, b) -> bool:
    return list(a.index_to_key) == list(b.index_to_key) and np.allclose(a.vectors, b.vectors)


def check_vectors(result, kwargs):
    items = {str(i) for s in kwargs["sequences"] for i in s}
    return set(result.index_to_key) <= items and np.isfinite(result.vectors).all()


# -- the cases --------------------------------------------------------------------------------
def _store_run(assignments, centroids, personas, metrics, week=3):
    with store.SegmentStore(":memory:") as s:
        s.write_week(week, assignments, centroids, personas, metrics)
        return {t: s.read(t) for t in store.SCHEMA} | {"weeks": s.weeks()}


def _store_base(rng):
    n = 6
    return {"assignments": pd.DataFrame({"user_id": [f"u{i}" for i in range(n)], "segment": rng.integers(0, 2, n),
                                         "persona": ["binge_watcher"] * n}),
            "centroids": pd.DataFrame({"watch_minutes": [6.0, 5.0], "g_kids": [0.1, 0.8]}),
            "personas": pd.Series({0: "binge_watcher", 1: "family_kids"}), "metrics": {"size_psi": 0.02},
            "week": 3}


def _same_store(a, b):
    return isinstance(a, dict) and isinstance(b, dict) and a.keys() == b.keys() and \
        all(same(a[k], b[k]) for k in a)


def _fitted_segmenter(rng):
    X = weekly_frame(rng)
    return dynamic.WeeklySegmenter(n_segments=3, n_init=1, batch_size=64).fit(X), X


def _hdbscan(rng):
    X = feature_table(rng, n=30, d=4)
    return clustering.ReducedHDBSCAN(min_cluster_size=4, n_components=2).fit(X), X


def _uci_text(rng, sep=",", date_format="%m/%d/%Y %H:%M", decimal="."):
    tx = transactions(rng)
    lines_ = [sep.join(online_retail.COLUMNS)]
    for r in tx.itertuples():
        price = f"{r.UnitPrice:.2f}".replace(".", decimal)
        lines_.append(sep.join([r.InvoiceNo, r.StockCode, "ITEM", str(r.Quantity),
                                r.InvoiceDate.strftime(date_format), price, f"{r.CustomerID}", "France"]))
    return "\n".join(lines_) + "\n"


def _write(text, name="retail.csv"):
    folder = Path(tempfile.mkdtemp(prefix="retail-", dir=SCRATCH))
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _uci_mutations(case, base):
    rng = np.random.default_rng(base["seed"])
    text = _uci_text(rng)
    plain = lambda t, **kw: {"path": _write(t), "seed": base["seed"], **kw}
    lines_ = text.splitlines()
    out = [
        Mutation("a ;-separated export with day-first dates and decimal commas",
                 plain(_uci_text(np.random.default_rng(base["seed"]), ";", "%d/%m/%Y %H:%M", ",")), "accept", ()),
        Mutation("a tab-separated export", plain(_uci_text(np.random.default_rng(base["seed"]), "\t")), "accept", ()),
        Mutation("an explicit date_format", plain(text, date_format="%m/%d/%Y %H:%M"), "accept", ()),
        Mutation("an explicit separator", plain(text, sep=","), "accept", ()),
        Mutation("Online Retail II column names", plain(text.replace("InvoiceNo", "Invoice", 1)
                                                        .replace("UnitPrice", "Price", 1)
                                                        .replace("CustomerID", "Customer ID", 1)), "accept", ()),
        Mutation("the wrong separator given", plain(text, sep=";"), "refuse", ("InvoiceNo", "sep")),
        Mutation("a two-character separator", plain(text, sep=";;"), "refuse", ("sep",)),
        Mutation("a date_format that does not fit", plain(text, date_format="%d/%m/%Y %H:%M"), "refuse",
                 ("InvoiceDate", "date_format")),
        Mutation("dayfirst that contradicts the file", plain(text, dayfirst=True), "refuse", ("InvoiceDate",)),
        Mutation("dates that read both ways", plain("\n".join(lines_[:1] + [
            re.sub(r"\d{2}/\d{2}/2011", "03/04/2011", line) for line in lines_[1:]]) + "\n"), "refuse",
            ("InvoiceDate", "dayfirst")),
        Mutation("day-first and month-first dates in one file", plain("\n".join(
            lines_[:2] + [re.sub(r"(\d{2})/(\d{2})/2011", r"25/\1/2011", lines_[2])] + lines_[3:]) + "\n"),
            "refuse", ("InvoiceDate",)),
        Mutation("numbers for dates", plain("\n".join(lines_[:1] + [
            re.sub(r"\d{2}/\d{2}/2011 \d{2}:\d{2}", "20110305", line) for line in lines_[1:]]) + "\n"), "refuse",
            ("InvoiceDate",)),
        Mutation("a customer id that is not a number", plain(text.replace(lines_[1].split(",")[6], "C-17850", 1)),
                 "refuse", ("CustomerID",)),
        Mutation("a price that is not a number", plain(text.replace(lines_[1].split(",")[5], "two", 1)),
                 "refuse", ("UnitPrice",)),
        Mutation("a missing column", plain("\n".join(",".join(line.split(",")[:7]) for line in lines_) + "\n"),
                 "refuse", ("Country",)),
        Mutation("an empty file", plain(""), "refuse", ("separator", "retail.csv")),
        Mutation("a file that is not a CSV", plain("hello world\n" * 3), "refuse", ("separator", "retail.csv")),
        Mutation("a header only", plain(lines_[0] + "\n"), "either", ("retail.csv",)),
        Mutation("a missing file", {"path": Path(tempfile.gettempdir()) / "no-such-dir" / "retail.csv"}, "refuse",
                 ("retail.csv",)),
        Mutation("a folder", {"path": Path(tempfile.mkdtemp(dir=SCRATCH))}, "refuse", ("folder", "directory", "path")),
    ]
    return out


def _uci_call(path, seed=None, **kwargs):
    return data.read_uci_online_retail(path, **kwargs)


def _uci_check(result, kwargs):
    return isinstance(result, pd.DataFrame) and list(result.columns) == online_retail.COLUMNS


def _store_open_mutations(case, base):
    folder = Path(tempfile.mkdtemp(prefix="store-", dir=SCRATCH))
    (folder / "empty.duckdb").write_bytes(b"")
    (folder / "garbage.duckdb").write_bytes(b"not a database" * 50)
    return [Mutation("a 0-byte store file", {"path": folder / "empty.duckdb"}, "refuse", ("empty.duckdb",)),
            Mutation("a file that is not a database", {"path": folder / "garbage.duckdb"}, "refuse",
                     ("garbage.duckdb",)),
            Mutation("a folder for a store", {"path": folder}, "refuse", ("folder",)),
            Mutation("a number for a path", {"path": 3}, "refuse", ("path",)),
            Mutation("a new file", {"path": folder / "new.duckdb"}, "either", ("path",))]


def _store_open(path):
    with store.SegmentStore(path) as s:
        return s.weeks()


def _sequence_mutations(case, base):
    seqs = base["sequences"]
    with_none = [list(s) for s in seqs]
    with_none[0] = with_none[0] + [None]
    with_nan = [list(s) for s in seqs]
    with_nan[1] = with_nan[1] + [float("nan")]
    mapping = _unicode_map([i for s in seqs for i in s])
    kw = lambda v: _with(base, "sequences", v)
    return [Mutation("sequences: a string", kw("home a1 a2"), "refuse", ("sequences",)),
            Mutation("sequences: strings for sequences", kw([" ".join(s) for s in seqs]), "refuse", ("sequence",)),
            Mutation("sequences: a missing item (None)", kw(with_none), "refuse", ("sequence", "missing")),
            Mutation("sequences: a missing item (NaN)", kw(with_nan), "refuse", ("sequence", "missing")),
            Mutation("sequences: one item each", kw([s[:1] for s in seqs]), "refuse", ("sequence", "2 items")),
            Mutation("sequences: empty", kw([]), "refuse", ("sequence",)),
            Mutation("sequences: a DataFrame", kw(pd.DataFrame({"a": [1]})), "refuse", ("sequences",)),
            Mutation("sequences: arrays", kw([np.array(s) for s in seqs]), "accept", ()),
            Mutation("sequences: tuples", kw([tuple(s) for s in seqs]), "accept", ()),
            Mutation("sequences: unicode items", kw([[mapping[i] for i in s] for s in seqs]), "either",
                     ("sequences",)),
            Mutation("sequences: numbers as items", kw([[hash(i) % 97 for i in s] for s in seqs]), "either",
                     ("sequences",))]


def _query_mutations(case, base):
    q = base["queries"]
    kw = lambda v: _with(base, "queries", v)
    return [Mutation("queries: a string", kw("kids songs"), "refuse", ("queries",)),
            Mutation("queries: a missing query", kw(q[:3] + [None] + q[4:]), "refuse", ("queries",)),
            Mutation("queries: numbers", kw(list(range(len(q)))), "refuse", ("queries",)),
            Mutation("queries: too few", kw(q[:2]), "refuse", ("queries",)),
            Mutation("queries: all empty", kw([""] * len(q)), "refuse", ("queries", "n-gram")),
            Mutation("queries: a Series", kw(pd.Series(q)), "accept", ()),
            Mutation("queries: a string dtype Series", kw(pd.Series(q, dtype="string")), "accept", ()),
            Mutation("queries: unicode text", kw([s.replace("a", "ä") for s in q]), "either", ("queries",))]


def _matrix_mutations(key, ks_key=None, min_rows=3):
    def make(case, base):
        X = base[key]
        kw = lambda v: _with(base, key, v)
        arr = X.to_numpy()
        nan = arr.copy()
        nan[0, 0] = np.nan
        out = [Mutation(f"{key}: an array", kw(arr), "accept", ()),
               Mutation(f"{key}: a list of lists", kw(arr.tolist()), "accept", ()),
               Mutation(f"{key}: an array with NaN", kw(nan), "refuse", (key, "nan")),
               Mutation(f"{key}: one dimension", kw(arr[:, 0]), "refuse", (key, "2-d", "dimension")),
               Mutation(f"{key}: text", kw(arr.astype(str).astype(object)), "either", (key, "numeric")),
               Mutation(f"{key}: complex numbers", kw(arr.astype(complex)), "refuse", (key, "real", "numeric")),
               Mutation(f"{key}: fewer rows than needed", kw(arr[:min_rows - 1]), "refuse", (key, "rows")),
               Mutation(f"{key}: no column", kw(arr[:, :0]), "refuse", (key, "column", "feature")),
               Mutation(f"{key}: a string", kw("X"), "refuse", (key,))]
        if ks_key:
            out.append(Mutation(f"{ks_key}: k above the rows", _with(base, ks_key, [2, len(arr) + 1]), "refuse",
                                (ks_key, "rows", "k")))
            out.append(Mutation(f"{ks_key}: k above the distinct rows",
                                _with(base, key, pd.DataFrame(np.repeat(arr[:2], len(arr) // 2, axis=0),
                                                              columns=X.columns)), "refuse",
                                (ks_key, "distinct", "k=")))
        return out
    return make


def _labels_mutations(*keys):
    def make(case, base):
        out = []
        for key in keys:
            s = base[key]
            kw = lambda v, key=key: _with(base, key, v)
            dup = s.copy()
            dup.index = [s.index[0]] * len(s)
            nan = s.astype(float).copy()
            nan.iloc[0] = np.nan
            mapping = {u: f"{UNICODE[i % len(UNICODE)]}{i}" for i, u in enumerate(s.index)}
            mixed = s.astype(object).copy()
            mixed.iloc[0] = str(mixed.iloc[0])
            out += [Mutation(f"{key}: a user twice", kw(dup), "refuse", (key, "more than once")),
                    Mutation(f"{key}: a missing segment", kw(nan), "refuse", (key, "no segment", "missing")),
                    Mutation(f"{key}: a list", kw(s.tolist()), "refuse", (key, "series")),
                    Mutation(f"{key}: empty", kw(s.iloc[:0]), "either", (key, "empty")),
                    Mutation(f"{key}: segments as text", kw(s.astype(str)), "either", (key,)),
                    Mutation(f"{key}: nullable segments", kw(s.astype("Int64")), "accept", ()),
                    Mutation(f"{key}: categorical segments", kw(s.astype("category")), "accept", ()),
                    Mutation(f"{key}: segments mixing text and numbers", kw(mixed), "refuse", (key, "mixes")),
                    Mutation(f"{key}: unicode users", kw(s.rename(index=mapping)), "either", (key,))]
        return out
    return make


TX = {"InvoiceNo": "id", "StockCode": "item", "Quantity": "count", "InvoiceDate": "date", "UnitPrice": "num",
      "CustomerID": "id"}
_counted = {("df", c, label): "either" for c in ("CustomerID", "Quantity", "UnitPrice", "InvoiceDate")
            for label in ("one missing", "all missing")}
_counted[("df", "InvoiceNo", "one missing")] = _counted[("df", "InvoiceNo", "all missing")] = "either"
RFM3 = {"recency": "num", "frequency": "num", "monetary": "num"}
CLICKS = {"user_id": "id", "timestamp": "date", "page": "item"}
WATCH = {"user_id": "id", "timestamp": "date", "title": "item", "genre": "category", "minutes": "num",
         "device": "category"}
SEG = {"watch_minutes": "num", "g_drama": "num", "d_tv": "num"}


def _sessionized(rng):
    return sessions.sessionize(clicks(rng))


def _vectors(rng):
    return pd.DataFrame(rng.normal(0, 1, (5, 3)), index=["home", "a1", "a2", "a3", "sport"])


def _percentiles(rng):
    table = rfm_table(rng)
    return clustering.rfm_percentiles(table, np.arange(len(table)) % 3)


def _summary(rng):
    return pd.DataFrame({"k": [2, 3, 4], "silhouette": [0.5, 0.55, 0.4], "mean_ari": [0.95, 0.9, 0.7]})


def _cohort_frames(rng, n=12):
    idx = [f"u{i}" for i in range(n)]
    return (pd.DataFrame({"watch_minutes": rng.normal(5, 1, n)}, index=idx),
            pd.DataFrame({"watch_minutes": rng.normal(5.5, 1, n)}, index=idx))


def _ref_check_features(X):
    arr = ref_matrix(X)
    if arr.shape[0] < 3 or arr.shape[1] == 0 or np.abs(arr).max() > 1e150:
        raise Undefined("too few rows, no column or too large")
    return arr


CASES = [
    # 1. cleaning transactions
    Case("cleaning transactions", "rfm.clean_transactions", lambda rng: {"df": transactions(rng)},
         rfm.clean_transactions, frames={"df": TX}, check=check_clean, overrides=_counted),
    # 2. RFM values and scores
    Case("RFM values and scores", "rfm.compute_rfm",
         lambda rng: {"transactions": purchases(rng), "customer_col": "customer", "date_col": "date",
                      "amount_col": "amount", "invoice_col": "order", "as_of": "2011-04-20"},
         rfm.compute_rfm, ref_compute_rfm,
         frames={"transactions": {"customer": "id", "date": "date", "amount": "num", "order": "id"}},
         args={"as_of": "date"}, overrides={("as_of", None, "no date"): "either"}),
    Case("RFM values and scores", "rfm.check_rfm", lambda rng: {"rfm": rfm_table(rng)}, rfm.check_rfm,
         ref_check_rfm, frames={"rfm": RFM3}),
    Case("RFM values and scores", "rfm.rfm_scores", lambda rng: {"rfm": rfm_table(rng), "q": 5}, rfm.rfm_scores,
         ref_rfm_scores, frames={"rfm": RFM3}, args={"q": "whole:2"}),
    Case("RFM values and scores", "rfm.rfm_segments",
         lambda rng: {"scores": rfm.rfm_scores(rfm_table(rng))}, rfm.rfm_segments, ref_rfm_segments,
         frames={"scores": {"r_score": "num", "f_score": "num"}}),
    # 3. readers and shared validators
    Case("readers and validators", "data.read_uci_online_retail",
         lambda rng: (lambda seed: {"path": _write(_uci_text(np.random.default_rng(seed))), "seed": seed})(
             int(rng.integers(0, 10**6))), _uci_call,
         check=_uci_check, extra=_uci_mutations),
    Case("readers and validators", "data.load", lambda rng: {"name": "tour_orders"}, data.load,
         args={"name": "name"},
         extra=lambda case, base: [Mutation("name: unknown", {"name": "nope"}, "refuse", ("nope",)),
                                   Mutation("name: a number", {"name": 3}, "refuse", ("name",)),
                                   Mutation("name: None", {"name": None}, "refuse", ("name",))]),
    Case("readers and validators", "data.path", lambda rng: {"name": "tour_orders"}, data.path,
         extra=lambda case, base: [Mutation("name: unknown", {"name": "nope"}, "refuse", ("nope",)),
                                   Mutation("name: a list", {"name": ["tour_orders"]}, "refuse", ("name",))]),
    Case("readers and validators", "data.verify", lambda rng: {"name": "tour_orders"}, data.verify,
         extra=lambda case, base: [Mutation("name: unknown", {"name": "nope"}, "refuse", ("nope",))]),
    Case("readers and validators", "data.restore", lambda rng: {"names": ["nope"]}, data.restore,
         extra=lambda case, base: [Mutation("names: unknown", {"names": ["nope"]}, "refuse", ("nope",)),
                                   Mutation("names: a number", {"names": [3]}, "refuse", ("name",))]),
    Case("readers and validators", "data.tour.read_tour_orders", lambda rng: {"path": data.path("tour_orders")},
         data.DATASETS["tour_orders"].read,
         extra=lambda case, base: [Mutation("path: missing", {"path": Path("/nonexistent/tour.csv")}, "refuse",
                                            ("tour.csv",)),
                                   Mutation("path: another dataset", {"path": data.path("clickstream_pages")},
                                            "refuse", ("order_date", "order_id", "columns"))]),
    Case("readers and validators", "validation.parse_dates",
         lambda rng: {"frame": pd.DataFrame({"d": _times(rng, 8)})},
         lambda frame: validation.parse_dates(frame["d"], "d"),
         lambda frame: ref_dates(ref_frame(frame, ["d"])["d"]), frames={"frame": {"d": "date"}}, wrapped=("frame",),
         overrides={("frame", "d", "one missing"): "either", ("frame", "d", "all missing"): "either",
                    ("frame", None, "empty"): "either"}),
    Case("readers and validators", "validation.date_argument", lambda rng: {"value": "2025-01-06"},
         lambda value: validation.date_argument(value, "value"), args={"value": "date"}),
    Case("readers and validators", "validation.positive_duration", lambda rng: {"value": "30min"},
         lambda value: validation.positive_duration(value, "value"), args={"value": "duration"}),
    Case("readers and validators", "validation.whole_number", lambda rng: {"value": 3},
         lambda value: validation.whole_number(value, "value"), args={"value": "whole"}),
    Case("readers and validators", "validation.require_numeric",
         lambda rng: {"df": pd.DataFrame({"x": rng.normal(0, 1, 6)})},
         lambda df: validation.require_numeric(df, "x"), frames={"df": {"x": "num"}},
         overrides={("df", "x", "one missing"): "either", ("df", "x", "all missing"): "either",
                    ("df", "x", "an infinite value"): "either", ("df", None, "empty"): "either"},
         ref=lambda df: None if pd.api.types.is_numeric_dtype(ref_frame(df, ["x"])["x"]) and
         not pd.api.types.is_bool_dtype(df["x"]) else (_ for _ in ()).throw(Undefined("not numeric"))),
    Case("readers and validators", "validation.require_ids",
         lambda rng: {"df": pd.DataFrame({"x": rng.choice(["a", "b"], 6)})},
         lambda df: validation.require_ids(df["x"], "x"), lambda df: (ref_ids(ref_frame(df, ["x"])["x"]), None)[1],
         frames={"df": {"x": "id"}}, wrapped=("df",)),
    # 4. sessions
    Case("sessions", "sessions.sessionize", lambda rng: {"events": clicks(rng), "gap": "30min"},
         sessions.sessionize, ref_sessionize, frames={"events": CLICKS}, args={"gap": "duration"},
         same=same_partition, keeps_order=True),
    Case("sessions", "sessions.session_sequences", lambda rng: {"events": _sessionized(rng), "min_length": 1},
         sessions.session_sequences, ref_session_sequences,
         frames={"events": {"session_id": "key", "timestamp": "date", "page": "item"}},
         args={"min_length": "whole"}),
    Case("sessions", "sessions.visit_features", lambda rng: {"events": _sessionized(rng)},
         sessions.visit_features, ref_visit_features,
         frames={"events": {"user_id": "id", "timestamp": "date", "session_id": "key"}}),
    # 5. embeddings
    Case("embeddings", "embeddings.train_item2vec",
         lambda rng: {"sequences": SEQUENCES, "vector_size": 4, "epochs": 2, "seed": 0, "ns_exponent": 0.75},
         embeddings.train_item2vec, args={"vector_size": "whole", "epochs": "whole", "seed": "whole:0",
                                          "ns_exponent": "real"},
         check=check_vectors, same=same_vectors, extra=_sequence_mutations),
    Case("embeddings", "embeddings.idf_weights", lambda rng: {"events": clicks(rng)}, embeddings.idf_weights,
         ref_idf, frames={"events": {"user_id": "id", "page": "item"}}),
    Case("embeddings", "embeddings.user_embeddings",
         lambda rng: {"events": clicks(rng), "vectors": _vectors(rng)}, embeddings.user_embeddings,
         ref_user_embeddings, frames={"events": {"user_id": "id", "page": "item"}, "vectors": {0: "num", 1: "num"}},
         keyed=("vectors",), free=("vectors",), overrides={("events", "page", "unicode ids"): "either",
                                                           ("vectors", None, "non-default index"): "either"}),
    Case("embeddings", "embeddings.neighbour_purity",
         lambda rng: {"vectors": _vectors(rng), "labels": pd.Series({"home": "hub", "a1": "news", "a2": "news",
                                                                     "a3": "news", "sport": "sport"}), "k": 2},
         embeddings.neighbour_purity, ref_purity, frames={"vectors": {0: "num", 1: "num"}}, keyed=("vectors",),
         free=("vectors",),
         args={"k": "whole"},
         extra=lambda case, base: [Mutation("k: as many as the items", _with(base, "k", 5), "refuse", ("k",))]),
    Case("embeddings", "embeddings.QueryEmbedder",
         lambda rng: {"queries": QUERIES, "n_components": 2, "min_df": 1},
         lambda queries, n_components, min_df: embeddings.QueryEmbedder(n_components, min_df=min_df)
         .fit(queries).transform(["kids songs", "live football"]),
         args={"n_components": "whole", "min_df": "whole"}, extra=_query_mutations,
         check=lambda r, kw: np.isfinite(np.asarray(r)).all()),
    Case("embeddings", "embeddings.QueryEmbedder.user_vectors",
         lambda rng: {"search": pd.DataFrame({"user_id": rng.choice(["u1", "u2", "u3"], 8),
                                              "query": rng.choice(QUERIES, 8)})},
         lambda search: embeddings.QueryEmbedder(2, min_df=1).fit(QUERIES).user_vectors(search, users=["u1", "u9"]),
         frames={"search": {"user_id": "id", "query": "text"}},
         check=lambda r, kw: list(r.index) == ["u1", "u9"] and r.loc["u9"].iloc[:-1].isna().all(),
         overrides={("search", "user_id", "unicode ids"): "either"}),
    # 6. weekly features
    Case("weekly features", "features.week_number",
         lambda rng: {"frame": pd.DataFrame({"timestamp": _times(rng, 8)}), "first_day": "2011-03-01"},
         lambda frame, first_day: features.week_number(frame["timestamp"], first_day), ref_week_number,
         frames={"frame": {"timestamp": "date"}}, args={"first_day": "date"}, wrapped=("frame",)),
    Case("weekly features", "features.weekly_features",
         lambda rng: {"watch": views(rng), "week": 2, "first_day": "2025-01-06", "genres": ["drama", "kids"],
                      "devices": ["tv", "mobile"], "window": 2, "gap": "30min"},
         features.weekly_features, ref_weekly_features, frames={"watch": WATCH},
         args={"week": "whole", "first_day": "date", "window": "whole", "gap": "duration", "genres": "list",
               "devices": "list"}),
    # 7. the weekly segmenter and personas
    Case("weekly segmenter", "dynamic.WeeklySegmenter.fit+predict",
         lambda rng: {"X": weekly_frame(rng), "n_segments": 3},
         lambda X, n_segments: dynamic.WeeklySegmenter(n_segments, n_init=1, batch_size=64).fit(X).predict(X),
         frames={"X": SEG}, args={"n_segments": "whole:2"}, check=check_labels_in_range, free=("X",),
         extra=lambda case, base: [
             Mutation("n_segments: more than rows", _with(base, "n_segments", 40), "refuse", ("segments",)),
             Mutation("X: a text column chosen", _with(base, "X", base["X"].assign(g_drama="x")), "refuse",
                      ("g_drama",)),
             Mutation("X: all text missing", _with(base, "X", base["X"].assign(q_0=np.nan)), "either", ("q_0",))]),
    Case("weekly segmenter", "dynamic.WeeklySegmenter.update",
         lambda rng: {"X": weekly_frame(np.random.default_rng(int(rng.integers(10**6))))},
         lambda X: _fitted_segmenter(np.random.default_rng(0))[0].update(X), frames={"X": SEG},
         check=lambda r, kw: check_labels_in_range(r, kw)),
    Case("weekly segmenter", "dynamic.WeeklySegmenter.refit",
         lambda rng: {"X": weekly_frame(np.random.default_rng(int(rng.integers(10**6))))},
         lambda X: _fitted_segmenter(np.random.default_rng(0))[0].refit(X), frames={"X": SEG},
         check=lambda r, kw: check_labels_in_range(r, kw)),
    Case("weekly segmenter", "dynamic.WeeklySegmenter.centroids",
         lambda rng: {"X": weekly_frame(rng), "columns": ["watch_minutes", "g_drama"]},
         lambda X, columns: dynamic.WeeklySegmenter(3, columns=columns, n_init=1).fit(X).centroids(),
         args={"columns": "list"}, check=check_finite_frame,
         extra=lambda case, base: [Mutation("columns: a column that is not there",
                                            _with(base, "columns", ["watch_minutes", "nope"]), "refuse", ("nope",))]),
    Case("weekly segmenter", "dynamic.WeeklySegmenter.transform",
         lambda rng: {"X": weekly_frame(np.random.default_rng(int(rng.integers(10**6))))},
         lambda X: _fitted_segmenter(np.random.default_rng(0))[0].transform(X), frames={"X": SEG},
         check=lambda r, kw: r.shape == (len(kw["X"]), 4) and np.isfinite(r).all()),
    Case("weekly segmenter", "dynamic.WeeklySegmenter.drift", lambda rng: {"X": weekly_frame(rng)},
         lambda X: (lambda m: (m.update(X), m.drift())[1])(_fitted_segmenter(np.random.default_rng(0))[0]),
         frames={"X": SEG}, check=lambda r, kw: r.shape == (3,) and np.isfinite(r).all() and (r >= 0).all()),
    Case("weekly segmenter", "dynamic.match_centroids",
         lambda rng: {"old": rng.normal(0, 1, (3, 2)), "new": rng.normal(0, 1, (3, 2))}, dynamic.match_centroids,
         check=lambda r, kw: sorted(r.tolist()) == [0, 1, 2],
         extra=lambda case, base: [
             Mutation("new: another shape", _with(base, "new", base["new"][:2]), "refuse", ("shape",)),
             Mutation("new: NaN", _with(base, "new", np.where(np.eye(3, 2) > 0, np.nan, base["new"])), "refuse",
                      ("nan",)),
             Mutation("old: text", _with(base, "old", [["a", "b"]] * 3), "refuse", ("numbers",)),
             Mutation("old: one dimension", _with(base, "old", base["old"][:, 0]), "refuse", ("2-d",)),
             Mutation("old: lists", _with(base, "old", base["old"].tolist()), "accept", ())]),
    Case("weekly segmenter", "dynamic.assign_personas",
         lambda rng: {"centroids": dynamic.WeeklySegmenter(3, n_init=1).fit(weekly_frame(rng)).centroids()
                      .assign(g_sports_live=[0.5, 0.1, 0.0], g_kids=[0.0, 0.6, 0.1], g_animation=0.0)},
         dynamic.assign_personas, frames={"centroids": {"g_sports_live": "num", "g_kids": "num"}},
         keyed=("centroids",), free=("centroids",),
         check=lambda r, kw: set(r) <= {p for p, _, _ in dynamic.PERSONA_RULES} | {dynamic.UNASSIGNED},
         overrides={("centroids", None, "non-default index"): "accept"}),
    Case("weekly segmenter", "dynamic.needs_refit",
         lambda rng: {"fit_gap": 0.3, "unassigned_share": 0.1}, dynamic.needs_refit,
         args={"fit_gap": "real", "unassigned_share": "real"},
         check=lambda r, kw: isinstance(r, list)),
    Case("weekly segmenter", "dynamic.persona_rules_table", lambda rng: {}, dynamic.persona_rules_table,
         check=lambda r, kw: list(r.columns) == ["persona", "rule"]),
    # 8. the segment store
    Case("segment store", "store.SegmentStore.write_week", _store_base, _store_run,
         frames={"assignments": {"user_id": "id", "segment": "num", "persona": "item"},
                 "centroids": {"watch_minutes": "num", "g_kids": "num"}},
         keyed=("centroids",), free=("centroids",), args={"week": "whole"}, same=_same_store,
         check=lambda r, kw: r["weeks"] == [kw["week"]],
         overrides={("assignments", "segment", "huge values"): "refuse",
                    ("centroids", "watch_minutes", "huge values"): "either",
                    ("centroids", "g_kids", "huge values"): "either",
                    ("assignments", "persona", "unicode ids"): "either",
                    ("assignments", "persona", "one missing"): "refuse",
                    ("assignments", "persona", "all missing"): "refuse",
                    ("centroids", None, "non-default index"): "either",
                    ("assignments", None, "empty"): "either"},
         extra=lambda case, base: [
             Mutation("week: beyond an INTEGER", _with(base, "week", 2**40), "refuse", ("week",)),
             Mutation("assignments.segment: beyond an INTEGER", _with(base, "assignments", base["assignments"].assign(
                 segment=2**40)), "refuse", ("segment",)),
             Mutation("assignments.segment: fractions", _with(base, "assignments", base["assignments"].assign(
                 segment=0.5)), "refuse", ("segment",)),
             Mutation("assignments.user_id: decimal ids", _with(base, "assignments", base["assignments"].assign(
                 user_id=np.arange(6) + 0.0)), "refuse", ("user_id",)),
             Mutation("personas: a segment twice", _with(base, "personas", pd.Series(["a", "b"], index=[0, 0])),
                      "refuse", ("personas", "more than once")),
             Mutation("personas: a dict", _with(base, "personas", {0: "a"}), "refuse", ("personas",)),
             Mutation("metrics: text value", _with(base, "metrics", {"psi": "high"}), "refuse", ("metrics",)),
             Mutation("metrics: NaN value", _with(base, "metrics", {"psi": float("nan")}), "either", ("metrics",)),
             Mutation("everything empty", {"assignments": base["assignments"].iloc[:0],
                                           "centroids": base["centroids"].iloc[:0], "personas": base["personas"][:0],
                                           "metrics": {}, "week": 3}, "refuse", ("nothing to write",))]),
    Case("segment store", "store.SegmentStore", lambda rng: {"path": ":memory:"}, _store_open,
         check=lambda r, kw: r == [], extra=_store_open_mutations),
    Case("segment store", "store.SegmentStore.read", lambda rng: {"table": "assignments", "week": 1},
         lambda table, week: store.SegmentStore(":memory:").read(table, week), args={"week": "whole"},
         overrides={("week", None, "no count"): "either"},
         check=lambda r, kw: isinstance(r, pd.DataFrame) and r.empty,
         extra=lambda case, base: [Mutation("table: unknown", _with(base, "table", "users"), "refuse", ("table",)),
                                   Mutation("table: a number", _with(base, "table", 3), "refuse", ("table",))]),
    Case("segment store", "store.SegmentStore.query", lambda rng: {"sql": "SELECT count(*) AS n FROM assignments"},
         lambda sql, params=None: store.SegmentStore(":memory:").query(sql, params),
         check=lambda r, kw: isinstance(r, pd.DataFrame),
         extra=lambda case, base: [Mutation("sql: empty", {"sql": " "}, "refuse", ("sql",)),
                                   Mutation("sql: a typo", {"sql": "SELEC 1"}, "refuse", ("store", "select")),
                                   Mutation("sql: unknown column", {"sql": "SELECT nope FROM assignments"},
                                            "refuse", ("nope",)),
                                   Mutation("params: a string", {"sql": "SELECT ?", "params": "x"}, "refuse",
                                            ("params",))]),
    # 9. monitoring
    Case("monitoring", "monitoring.week_over_week_ari",
         lambda rng: {"previous": labels(rng), "current": labels(rng)}, monitoring.week_over_week_ari,
         ref_wow_ari, extra=_labels_mutations("previous", "current")),
    Case("monitoring", "monitoring.moved_share", lambda rng: {"previous": labels(rng), "current": labels(rng)},
         monitoring.moved_share, ref_moved_share, extra=_labels_mutations("previous", "current")),
    Case("monitoring", "monitoring.segment_jaccard", lambda rng: {"previous": labels(rng), "current": labels(rng)},
         monitoring.segment_jaccard, ref_jaccard, extra=_labels_mutations("previous", "current"),
         same=lambda a, b: same(a.rename(index=str).sort_index(), b.rename(index=str).sort_index())),
    Case("monitoring", "monitoring.migration_matrix", lambda rng: {"previous": labels(rng), "current": labels(rng)},
         monitoring.migration_matrix, ref_migration, extra=_labels_mutations("previous", "current"),
         same=same_table),
    Case("monitoring", "monitoring.centroid_drift",
         lambda rng: {"previous": feature_table(rng, 3, 2), "current": feature_table(rng, 3, 2)},
         monitoring.centroid_drift, ref_centroid_drift,
         frames={"previous": {"f0": "num", "f1": "num"}, "current": {"f0": "num", "f1": "num"}},
         keyed=("previous", "current"),
         extra=lambda case, base: [
             Mutation("current: columns in another order", _with(base, "current", base["current"][["f1", "f0"]]),
                      "accept", ()),
             Mutation("current: rows in another order", _with(base, "current", base["current"].iloc[::-1]),
                      "accept", ()),
             Mutation("current: an array", _with(base, "current", base["current"].to_numpy()), "refuse",
                      ("dataframe", "current")),
             Mutation("both: arrays", {"previous": base["previous"].to_numpy(),
                                       "current": base["current"].to_numpy()}, "either", ())]),
    Case("monitoring", "monitoring.unassigned_share",
         lambda rng: {"labels": labels(rng), "personas": pd.Series({0: "binge_watcher", 1: "unassigned"})},
         monitoring.unassigned_share, ref_unassigned, extra=_labels_mutations("labels")),
    Case("monitoring", "monitoring.psi",
         lambda rng: {"expected": rng.normal(0, 1, 60), "actual": rng.normal(0.3, 1, 60), "bins": 5},
         monitoring.psi, ref_psi, args={"bins": "whole:2"},
         extra=lambda case, base: [
             Mutation("actual: an infinite value", _with(base, "actual", np.r_[np.inf, base["actual"][1:]]),
                      "refuse", ("actual",)),
             Mutation("actual: all missing", _with(base, "actual", np.full(60, np.nan)), "refuse", ("actual",
                                                                                                     "values")),
             Mutation("actual: some missing", _with(base, "actual", np.r_[np.nan, base["actual"][1:]]), "either",
                      ("actual",)),
             Mutation("actual: a DataFrame", _with(base, "actual", pd.DataFrame({"a": base["actual"]})),
                      "refuse", ("actual",)),
             Mutation("actual: 2-D", _with(base, "actual", base["actual"].reshape(6, 10)), "refuse", ("actual",)),
             Mutation("actual: nullable", _with(base, "actual", pd.Series(base["actual"], dtype="Float64")),
                      "accept", ()),
             Mutation("both: segment labels", {"expected": labels(np.random.default_rng(1), 40),
                                               "actual": labels(np.random.default_rng(2), 40), "bins": 5}, "either",
                      ()),
             Mutation("both: huge values", {"expected": base["expected"] * 1e300, "actual": base["actual"] * 1e300,
                                            "bins": 5}, "either", ("expected",)),
             Mutation("expected: one value", _with(base, "expected", base["expected"][:1]), "either", ())]),
    Case("monitoring", "monitoring.psi_level", lambda rng: {"value": 0.15}, monitoring.psi_level,
         args={"value": "real"}, check=lambda r, kw: r in ("stable", "moderate", "significant"),
         extra=lambda case, base: [Mutation("value: negative", {"value": -0.1}, "refuse", ("value",)),
                                   Mutation("value: numpy float", {"value": np.float64(0.15)}, "accept", ())]),
    Case("monitoring", "monitoring.cohort_drift",
         lambda rng: {"previous_labels": labels(rng, 12, 2), "previous": _cohort_frames(rng)[0],
                      "current": _cohort_frames(rng)[1], "columns": ["watch_minutes"], "min_size": 2},
         monitoring.cohort_drift, frames={"previous": {"watch_minutes": "num"}, "current": {"watch_minutes": "num"}},
         keyed=("previous", "current"), args={"min_size": "whole", "columns": "list"},
         check=lambda r, kw: isinstance(r, pd.DataFrame),
         overrides={(side, "watch_minutes", label): "either" for side in ("previous", "current")
                    for label in ("one missing", "all missing", "numbers as text", "booleans for numbers")}),
    Case("monitoring", "monitoring.drift_alerts",
         lambda rng: {"table": pd.DataFrame({"watch_minutes": [0.3, 0.05], "g_kids": [0.1, np.nan]}),
                      "threshold": 0.25},
         monitoring.drift_alerts, frames={"table": {"watch_minutes": "num"}}, args={"threshold": "real"},
         keyed=("table",), free=("table",),
         check=lambda r, kw: isinstance(r, pd.DataFrame),
         overrides={("table", "watch_minutes", "one missing"): "either",
                    ("table", "watch_minutes", "all missing"): "either",
                    ("table", "watch_minutes", "an infinite value"): "either"}),
    # 10. choosing k and profiling
    Case("choosing k and profiling", "clustering.check_features", lambda rng: {"X": feature_table(rng)},
         clustering.check_features, _ref_check_features, free=("X",), overrides_bool=("X",),
         frames={"X": {"f0": "num", "f1": "num"}},
         extra=_matrix_mutations("X")),
    Case("choosing k and profiling", "clustering.kmeans", lambda rng: {"k": 3},
         lambda k: clustering.kmeans(k).get_params()["n_clusters"], args={"k": "whole"},
         check=lambda r, kw: r == kw["k"]),
    Case("choosing k and profiling", "clustering.elbow_curve",
         lambda rng: {"X": feature_table(rng), "ks": [2, 3], "n_init": 1},
         clustering.elbow_curve, free=("X",), overrides_bool=("X",),
         frames={"X": {"f0": "num", "f1": "num"}}, args={"ks": "list", "n_init": "whole"},
         check=lambda r, kw: list(r["k"]) == list(kw["ks"]) and np.isfinite(r["inertia"]).all(),
         extra=_matrix_mutations("X", "ks")),
    Case("choosing k and profiling", "clustering.silhouette_curve",
         lambda rng: {"X": feature_table(rng), "ks": [2, 3], "n_init": 1, "sample_size": None},
         clustering.silhouette_curve, free=("X",), overrides_bool=("X",),
         frames={"X": {"f0": "num", "f1": "num"}}, args={"ks": "list"},
         check=lambda r, kw: r["silhouette"].between(-1, 1).all(),
         extra=lambda case, base: _matrix_mutations("X", "ks")(case, base) + [
             Mutation("sample_size: above the rows", _with(base, "sample_size", 500), "refuse", ("sample_size",)),
             Mutation("sample_size: a fraction", _with(base, "sample_size", 0.5), "refuse", ("sample_size",))]),
    Case("choosing k and profiling", "clustering.bootstrap_stability",
         lambda rng: {"X": feature_table(rng), "ks": [2, 3], "n_resamples": 2, "n_init": 1},
         clustering.bootstrap_stability, free=("X",), overrides_bool=("X",),
         frames={"X": {"f0": "num", "f1": "num"}},
         args={"n_resamples": "whole:2"}, check=lambda r, kw: r["mean_ari"].between(-1, 1).all(),
         extra=_matrix_mutations("X", "ks")),
    Case("choosing k and profiling", "clustering.find_knee",
         lambda rng: {"ks": [2, 3, 4, 5, 6], "values": [100.0, 40.0, 25.0, 20.0, 18.0]}, clustering.find_knee,
         check=lambda r, kw: r is None or r in kw["ks"],
         extra=lambda case, base: [
             Mutation("values: text", _with(base, "values", ["a"] * 5), "refuse", ("values",)),
             Mutation("values: NaN", _with(base, "values", [100.0, np.nan, 25.0, 20.0, 18.0]), "refuse",
                      ("values", "finite")),
             Mutation("ks: not increasing", _with(base, "ks", [2, 4, 3, 5, 6]), "refuse", ("ks",)),
             Mutation("ks: another length", _with(base, "ks", [2, 3]), "refuse", ("ks",)),
             Mutation("direction: unknown", base | {"direction": "up"}, "refuse", ("direction",)),
             Mutation("values: a Series", _with(base, "values", pd.Series(base["values"])), "accept", ()),
             Mutation("values: flat", _with(base, "values", [5.0] * 5), "either", ())]),
    Case("choosing k and profiling", "clustering.profile_clusters",
         lambda rng: {"features_": feature_table(rng, 12), "labels_": np.arange(12) % 3},
         lambda features_, labels_: clustering.profile_clusters(features_, labels_), ref_profile,
         frames={"features_": {"f0": "num", "f1": "num"}}, free=("features_",),
         overrides={("features_", None, "non-default index"): "either",
                    ("features_", None, "duplicate index"): "either",
                    ("features_", None, "empty"): "either", ("features_", None, "single row"): "either",
                    ("features_", "f0", "one missing"): "either", ("features_", "f0", "all missing"): "either",
                    ("features_", "f1", "one missing"): "either", ("features_", "f1", "all missing"): "either",
                    ("features_", "f0", "an infinite value"): "either",
                    ("features_", "f1", "an infinite value"): "either",
                    ("features_", "f0", "numbers as text"): "either", ("features_", "f1", "numbers as text"): "either",
                    ("features_", "f0", "booleans for numbers"): "either",
                    ("features_", "f1", "booleans for numbers"): "either"},
         extra=lambda case, base: [
             Mutation("labels: a missing label", _with(base, "labels_", np.r_[np.nan, base["labels_"][1:]]),
                      "refuse", ("labels", "missing")),
             Mutation("labels: too few", _with(base, "labels_", base["labels_"][:5]), "refuse", ("labels",)),
             Mutation("labels: a Series in another order", _with(base, "labels_", pd.Series(
                 base["labels_"], index=base["features_"].index).iloc[::-1]), "accept", ()),
             Mutation("labels: a Series of other rows", _with(base, "labels_", pd.Series(base["labels_"])),
                      "refuse", ("labels", "index")),
             Mutation("labels: mixing text and numbers", _with(base, "labels_", np.array(
                 ["a"] + list(base["labels_"][1:]), dtype=object)), "refuse", ("labels", "mixes"))]),
    Case("choosing k and profiling", "clustering.rfm_percentiles",
         lambda rng: {"rfm": rfm_table(rng), "labels": np.arange(12) % 3}, clustering.rfm_percentiles,
         frames={"rfm": RFM3}, check=lambda r, kw: ((r >= 0) & (r <= 1)).all().all(),
         overrides={("rfm", None, "non-default index"): "accept", ("rfm", None, "duplicate index"): "accept"},
         extra=lambda case, base: [
             Mutation("labels: a missing label", _with(base, "labels", np.r_[np.nan, base["labels"][1:]]),
                      "refuse", ("labels", "missing")),
             Mutation("labels: too few", _with(base, "labels", base["labels"][:5]), "refuse", ("labels",))]),
    Case("choosing k and profiling", "clustering.name_clusters", lambda rng: {"percentiles": _percentiles(rng)},
         clustering.name_clusters, frames={"percentiles": {"recent": "num", "frequent": "num"}},
         keyed=("percentiles",),
         check=lambda r, kw: set(r) <= {n for n, _ in clustering.RFM_NAMING_RULES} | {clustering.UNNAMED},
         overrides={("percentiles", "recent", "one missing"): "either", ("percentiles", "recent", "all missing"):
                    "either", ("percentiles", "frequent", "one missing"): "either",
                    ("percentiles", "frequent", "all missing"): "either",
                    ("percentiles", "recent", "an infinite value"): "either",
                    ("percentiles", "frequent", "an infinite value"): "either"}),
    Case("choosing k and profiling", "clustering.match_labels",
         lambda rng: {"reference": rng.integers(0, 3, 20), "labels_": rng.integers(0, 3, 20)},
         lambda reference, labels_: clustering.match_labels(reference, labels_), ref_match_labels,
         check=lambda r, kw: set(r) == set(kw["labels_"]) and set(r.values()) <= set(kw["reference"]),
         extra=lambda case, base: [
             Mutation("labels: a missing label", _with(base, "labels_", np.r_[np.nan, base["labels_"][1:]]),
                      "refuse", ("labels", "missing")),
             Mutation("labels: another length", _with(base, "labels_", base["labels_"][:5]), "refuse", ("length",)),
             Mutation("labels: empty", {"reference": [], "labels_": []}, "refuse", ("length",)),
             Mutation("labels: text", _with(base, "labels_", base["labels_"].astype(str)), "either", ()),
             Mutation("labels: a list", _with(base, "labels_", base["labels_"].tolist()), "accept", ())]),
    Case("choosing k and profiling", "clustering.k_summary",
         lambda rng: {"X": feature_table(rng), "ks": [2, 3], "n_resamples": 2},
         clustering.k_summary, free=("X",), overrides_bool=("X",),
         frames={"X": {"f0": "num", "f1": "num"}}, args={"n_resamples": "whole:2"},
         check=lambda r, kw: list(r.columns) == ["k", "inertia", "silhouette", "mean_ari", "std_ari"],
         extra=_matrix_mutations("X", "ks")),
    Case("choosing k and profiling", "clustering.defensible_ks", lambda rng: {"summary": _summary(rng)},
         clustering.defensible_ks, frames={"summary": {"k": "num", "silhouette": "num", "mean_ari": "num"}},
         check=lambda r, kw: isinstance(r, list),
         overrides={("summary", "k", "huge values"): "either"},
         extra=lambda case, base: [Mutation("min_stability: NaN", base | {"min_stability": float("nan")}, "refuse",
                                            ("min_stability",))]),
    Case("choosing k and profiling", "clustering.choose_k", lambda rng: {"summary": _summary(rng)},
         clustering.choose_k, frames={"summary": {"k": "num", "silhouette": "num", "mean_ari": "num"}},
         check=lambda r, kw: r in set(kw["summary"]["k"])),
    # 11. density, structure and explanation
    Case("density and structure", "clustering.ReducedHDBSCAN.fit",
         lambda rng: {"X": feature_table(rng, 30, 4), "min_cluster_size": 4, "n_components": 2},
         lambda X, min_cluster_size, n_components: clustering.ReducedHDBSCAN(min_cluster_size=min_cluster_size,
                                                                            n_components=n_components).fit(X).labels_,
         free=("X",), overrides_bool=("X",),
         frames={"X": {"f0": "num", "f1": "num"}}, args={"min_cluster_size": "whole:2", "n_components": "whole"},
         check=lambda r, kw: len(r) == len(kw["X"]),
         extra=lambda case, base: _matrix_mutations("X")(case, base) + [
             Mutation("n_components: as many as the rows", {"X": base["X"].iloc[:3], "min_cluster_size": 2,
                                                            "n_components": 3}, "refuse", ("n_components",)),
             Mutation("min_cluster_size: more than the rows", _with(base, "min_cluster_size", 31), "refuse",
                      ("min_cluster_size",)),
             Mutation("X: a row of zeros", _with(base, "X", base["X"].assign(f0=lambda f: f["f0"].where(
                 f.index != "r0", 0.0), f1=lambda f: f["f1"].where(f.index != "r0", 0.0),
                 f2=lambda f: f["f2"].where(f.index != "r0", 0.0), f3=lambda f: f["f3"].where(f.index != "r0", 0.0))),
                 "refuse", ("zeros",))]),
    Case("density and structure", "clustering.ReducedHDBSCAN.predict",
         lambda rng: {"X": feature_table(np.random.default_rng(int(rng.integers(10**6))), 8, 4)},
         lambda X: _hdbscan(np.random.default_rng(0))[0].predict(X)[0], free=("X",), overrides_bool=("X",),
         frames={"X": {"f0": "num", "f1": "num"}},
         check=lambda r, kw: len(r) == len(kw["X"]),
         overrides={("X", None, "empty"): "refuse", ("X", None, "single row"): "either"},
         extra=lambda case, base: [Mutation("X: another number of columns", _with(base, "X", base["X"].iloc[:, :3]),
                                            "refuse", ("columns",))]),
    Case("density and structure", "clustering.ReducedHDBSCAN.transform",
         lambda rng: {"X": feature_table(np.random.default_rng(int(rng.integers(10**6))), 8, 4)},
         lambda X: _hdbscan(np.random.default_rng(0))[0].transform(X), frames={"X": {"f0": "num", "f1": "num"}},
         free=("X",), overrides_bool=("X",), check=lambda r, kw: r.shape == (len(kw["X"]), 2),
         overrides={("X", None, "empty"): "refuse"}),
    Case("density and structure", "clustering.ReducedHDBSCAN.membership", lambda rng: {},
         lambda: _hdbscan(np.random.default_rng(0))[0].membership(),
         check=lambda r, kw: (r.sum(axis=1) <= 1 + 1e-9).all()),
    Case("density and structure", "clustering.hopkins",
         lambda rng: {"X": feature_table(rng), "sample_size": 5}, clustering.hopkins,
         free=("X",), overrides_bool=("X",),
         frames={"X": {"f0": "num", "f1": "num"}}, args={"sample_size": "whole"},
         check=lambda r, kw: 0 <= r <= 1, overrides={("sample_size", None, "no count"): "either"},
         extra=lambda case, base: _matrix_mutations("X")(case, base) + [
             Mutation("sample_size: all the rows", _with(base, "sample_size", 30), "refuse", ("sample_size",)),
             Mutation("X: a constant column", _with(base, "X", base["X"].assign(f1=1.0)), "refuse",
                      ("constant",))]),
    Case("density and structure", "clustering.explain_clusters",
         lambda rng: {"features": feature_table(rng), "labels": np.arange(30) % 3, "max_depth": 2},
         clustering.explain_clusters, free=("features",), overrides_bool=("features",),
         frames={"features": {"f0": "num", "f1": "num"}}, args={"max_depth": "whole"},
         check=lambda r, kw: 0 <= r.fidelity <= 1, same=lambda a, b: a.rules == b.rules,
         overrides={("features", None, "non-default index"): "either",
                    ("features", None, "duplicate index"): "either"},
         extra=lambda case, base: [
             Mutation("labels: one segment", _with(base, "labels", np.zeros(30)), "refuse", ("single segment",)),
             Mutation("labels: a missing label", _with(base, "labels", np.r_[np.nan, base["labels"][1:]]),
                      "refuse", ("labels", "missing")),
             Mutation("features: repeated names", _with(base, "features", base["features"].set_axis(
                 ["f0", "f0", "f2"], axis=1)), "refuse", ("unique", "f0"))]),
]


# -- cases of the functions added with notebooks 02 to 04 ------------------------------------
def _matrix_and_rows(X):
    arr = ref_matrix(X)
    if arr.shape[0] < 3 or arr.shape[1] == 0 or np.abs(arr).max() > 1e150:
        raise Undefined("too few rows, no column or too large")
    return arr


def ref_k_distances(X, min_samples=5):
    arr = _matrix_and_rows(X)
    k = ref_whole(min_samples, 2)
    if k >= len(arr):
        raise Undefined("min_samples not below the rows")
    d = np.sqrt(((arr[:, None, :] - arr[None, :, :]) ** 2).sum(axis=2))
    return np.sort(np.sort(d, axis=1)[:, k - 1])


def same_close(a, b) -> bool:
    """Arrays equal up to floating-point rounding (distances computed two ways)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and np.allclose(a, b, rtol=1e-9, atol=1e-9)


def _silhouette(X, labels, noise=-1, ax=None):
    import matplotlib.pyplot as plt

    ax = clustering.silhouette_diagram(X, labels, noise=noise, ax=ax)
    try:
        return float(ax.lines[0].get_xdata()[0]), [t.get_text() for t in ax.get_yticklabels()]
    finally:
        plt.close(ax.figure)


def ref_silhouette(X, labels, noise=-1, ax=None):
    from sklearn.metrics import silhouette_score

    arr = _matrix_and_rows(X)
    lab = np.asarray(labels, dtype=object)
    if lab.ndim != 1 or len(lab) != len(arr) or pd.isna(lab).any() or len({isinstance(v, str) for v in lab}) > 1:
        raise Undefined("labels")
    keep = np.array([v != noise for v in lab]) if noise is not None else np.ones(len(lab), bool)
    clusters = sorted(set(lab[keep]))
    if not 2 <= len(clusters) < keep.sum():
        raise Undefined("clusters")
    return float(silhouette_score(arr[keep], lab[keep].astype(str))), [str(c) for c in clusters]


def check_permuted(result, kwargs):
    arr = _matrix_and_rows(kwargs["X"])
    return result.shape == arr.shape and all(np.array_equal(np.sort(result[:, j]), np.sort(arr[:, j]))
                                             for j in range(arr.shape[1]))


def _product_spread(Z):
    Z = np.asarray(Z, dtype=float)
    return float(np.var(Z[:, 0] * Z[:, -1]))


def _null(X, score, n_permutations, random_state):
    out = clustering.null_comparison(X, score, n_permutations=n_permutations, random_state=random_state)
    assert isinstance(out, clustering.NullComparison)
    return out.observed, out.p_value, tuple(out.null), out.excess


def check_null(result, kwargs):
    observed, p_value, null, excess = result
    n = len(null)
    return n == kwargs["n_permutations"] and 1 / (n + 1) <= p_value <= 1 and \
        np.isclose(observed, _product_spread(_matrix_and_rows(kwargs["X"]))) and np.isclose(excess,
                                                                                            observed - np.mean(null))


@__import__("functools").lru_cache(maxsize=1)
def _fitted_hdbscan():
    return _hdbscan(np.random.default_rng(0))[0]


def check_placed(result, kwargs):
    placed, share = result
    known = set(_fitted_hdbscan().labels_.tolist()) - {-1}
    n = len(kwargs["X"])
    return len(placed) == len(share) == n and set(placed.tolist()) <= known | {-1} and \
        ((share >= 0) & (share <= 1)).all() and ((placed == -1) | (share >= kwargs["agreement"])).all()


def _consensus(X, settings, min_cluster_size):
    best, table = clustering.consensus_hdbscan(X, settings, min_cluster_size=min_cluster_size)
    return best.labels_, table.reset_index(drop=True)


def check_consensus(result, kwargs):
    labels_, table = result
    return len(labels_) == len(kwargs["X"]) and len(table) == len(kwargs["settings"]) and \
        table["agreement"].between(-1, 1).all()


def ref_reading_focus(events, vectors):
    table = ref_matrix(vectors)
    if not isinstance(vectors, pd.DataFrame):
        raise Undefined("vectors")
    lengths = pd.DataFrame({0: np.linalg.norm(table, axis=1)}, index=vectors.index)
    # Items without a vector are left out, and so are users left with no item.
    frame = ref_frame(events, ["user_id", "page"])
    events = frame[frame["page"].map(lambda p: not pd.isna(p) and str(p) in {str(i) for i in vectors.index})]
    mean = ref_user_embeddings(events, vectors)
    size = ref_user_embeddings(events, lengths)
    return pd.Series(np.linalg.norm(mean.to_numpy(), axis=1) / size.to_numpy()[:, 0], index=mean.index,
                     name="focus")


def _clickstream_events(rng):
    events, _, _ = make_clickstream(seed=int(rng.integers(0, 50)), n_users=80, n_bots=0, n_pages=60)
    return events


def check_segments(result, kwargs):
    users = pd.Index(kwargs["events"]["user_id"].dropna().unique())
    return isinstance(result, pd.Series) and set(map(str, result.index)) == set(map(str, users)) and \
        result.index.is_monotonic_increasing and (result >= -1).all()


def _psi_alert_check(result, kwargs):
    if not isinstance(result, bool):
        return False
    threshold = kwargs.get("threshold")
    threshold = monitoring.PSI_SIGNIFICANT if threshold is None else threshold
    return not result or ref_psi(kwargs["expected"], kwargs["actual"], kwargs["bins"]) >= threshold


def _fit_gap(X, n_init):
    return _fitted_segmenter(np.random.default_rng(0))[0].fit_gap(X, n_init=n_init)


def ref_count_rows(file):
    if not isinstance(file, (str, Path)) or not Path(file).is_file():
        raise Undefined("not a file")
    if Path(file).stat().st_size == 0:
        return 0
    return len(pd.read_csv(file, dtype=str, keep_default_na=False))


def _count_rows_mutations(case, base):
    folder = Path(tempfile.mkdtemp(prefix="rows-", dir=SCRATCH))
    (folder / "header.csv").write_text("a,b\n")
    (folder / "no-newline.csv").write_text("a,b\n1,2\n3,4")
    (folder / "empty.csv").write_text("")
    return [Mutation("file: text for a path", {"file": str(base["file"])}, "accept", ()),
            Mutation("file: a gzipped CSV", {"file": data.path("clickstream")}, "either", ("file",)),
            Mutation("file: a header only", {"file": folder / "header.csv"}, "either", ("file",)),
            Mutation("file: no newline at the end", {"file": folder / "no-newline.csv"}, "either", ("file",)),
            Mutation("file: empty", {"file": folder / "empty.csv"}, "either", ("file",)),
            Mutation("file: missing", {"file": folder / "nope.csv"}, "refuse", ("nope.csv",)),
            Mutation("file: a folder", {"file": folder}, "refuse", ("folder",)),
            Mutation("file: a number", {"file": 3}, "refuse", ("file",)),
            Mutation("file: None", {"file": None}, "refuse", ("file",))]


def check_clickstream(result, kwargs):
    events, truth, pages = result
    return len(truth) == kwargs["n_users"] + kwargs["n_bots"] and truth.index.is_unique and \
        set(events["user_id"].dropna()) <= set(truth.index) and set(events["page"].dropna()) <= set(pages["page"])


def check_products(result, kwargs):
    ids = [p[0] for p in result]
    return len(result) == 360 and len(set(ids)) == 360 and sum(p[4] for p in result) == 36


def _karate():
    import networkx as nx

    G = nx.Graph()
    G.add_weighted_edges_from([("a", "b", 2.0), ("b", "c", 1.0), ("c", "a", 1.0), ("c", "d", 3.0), ("d", "e", 1.0),
                               ("e", "f", 1.0), ("f", "d", 0.5)])
    return G


def _graph_mutations(case, base):
    import networkx as nx

    kw = lambda g: _with(base, "graph", g)
    G = base["graph"]
    multi = nx.MultiGraph(G)
    multi.add_edge("a", "b", weight=1.0)
    twins = G.copy()
    twins.add_edge(1, "1")
    zero, nan, text = G.copy(), G.copy(), G.copy()
    zero["a"]["b"]["weight"] = 0
    nan["a"]["b"]["weight"] = float("nan")
    text["a"]["b"]["weight"] = "heavy"
    relabelled = nx.relabel_nodes(G, {n: f"{UNICODE[i]}{i}" for i, n in enumerate(sorted(G))})
    return [Mutation("graph: a dict", kw(nx.to_dict_of_dicts(G)), "refuse", ("graph",)),
            Mutation("graph: a multigraph", kw(multi), "refuse", ("graph", "parallel")),
            Mutation("graph: no node", kw(nx.Graph()), "refuse", ("graph", "no node")),
            Mutation("graph: nodes 1 and '1'", kw(twins), "refuse", ("'1'",)),
            Mutation("graph: a zero weight", kw(zero), "refuse", ("weight",)),
            Mutation("graph: a NaN weight", kw(nan), "refuse", ("weight",)),
            Mutation("graph: a text weight", kw(text), "refuse", ("weight",)),
            Mutation("graph: the same graph built in another order", kw(nx.Graph(list(G.edges(data=True))[::-1])),
                     "accept", ()),
            Mutation("graph: unicode nodes", kw(relabelled), "either", ("graph",)),
            Mutation("graph: directed", kw(G.to_directed()), "either", ("graph",)),
            Mutation("weight: a number", _with(base, "weight", 3), "refuse", ("weight",)),
            Mutation("weight: None (weights ignored)", _with(base, "weight", None), "either", ("weight",))]


def check_walks(result, kwargs):
    G = kwargs["graph"]
    names = {str(n): n for n in G}
    ok = len(result) == kwargs["walks_per_node"] * G.number_of_nodes()
    for walk in result:
        ok &= 1 <= len(walk) <= kwargs["walk_length"]
        ok &= all(G.has_edge(names[u], names[v]) for u, v in zip(walk, walk[1:]))
    return bool(ok)


def check_node_vectors(result, kwargs):
    return set(result.index_to_key) <= {str(n) for n in kwargs["graph"]} and np.isfinite(result.vectors).all() and \
        result.vector_size == kwargs["dimensions"]


def _co_graph(baskets, min_weight=1):
    g = graph.co_occurrence_graph(baskets, "order_id", "product_id", min_weight=min_weight)
    return (sorted(g.nodes()), sorted((*sorted((u, v)), d["weight"]) for u, v, d in g.edges(data=True)))


def ref_co_graph(baskets, min_weight=1):
    frame = ref_frame(baskets, ["order_id", "product_id"])
    n = ref_whole(min_weight)
    ref_ids(frame["order_id"])
    items = frame["product_id"].dropna()
    ref_ids(items)
    rows = {(b, str(i)) for b, i in zip(frame["order_id"], frame["product_id"]) if not pd.isna(i)}
    if not rows:
        raise Undefined("no item")
    by_basket = {}
    for b, i in rows:
        by_basket.setdefault(b, set()).add(i)
    count = {}
    for its in by_basket.values():
        for u in its:
            for v in its:
                if u < v:
                    count[(u, v)] = count.get((u, v), 0) + 1
    return (sorted({i for _, i in rows}), sorted((u, v, c) for (u, v), c in count.items() if c >= n))


def _baskets(rng, n=16):
    return pd.DataFrame({"order_id": [f"O{i // 3}" for i in range(n)],
                         "product_id": rng.choice(["P1", "P2", "P3", "P4", "P5"], n)})


@__import__("functools").lru_cache(maxsize=1)
def _fitted_autoencoder():
    from course_utils.autoencoders import Autoencoder

    return Autoencoder(bottleneck=2, hidden=(), epochs=1, batch_size=16).fit(feature_table(np.random.default_rng(0),
                                                                                           12, 3))


def _ae_fit(X, bottleneck, epochs, batch_size, learning_rate, random_state):
    from course_utils.autoencoders import Autoencoder

    ae = Autoencoder(bottleneck=bottleneck, hidden=(), epochs=epochs, batch_size=batch_size,
                     learning_rate=learning_rate, random_state=random_state).fit(X)
    return ae.transform(X)


def check_codes(width_key=None, width=2):
    def check(result, kwargs):
        X = kwargs.get("X", kwargs.get("codes"))
        w = kwargs[width_key] if width_key else width
        return isinstance(result, np.ndarray) and result.shape == (len(np.asarray(X)), w) and \
            np.isfinite(result).all()
    return check


def _ae_mutations(case, base):
    key = "X" if "X" in base else "codes"
    arr = np.asarray(base[key], dtype=float)
    kw = lambda v: _with(base, key, v)
    nan = arr.copy()
    nan[0, 0] = np.nan
    out = [Mutation(f"{key}: an array", kw(arr), "accept", ()),
           Mutation(f"{key}: a list of lists", kw(arr.tolist()), "accept", ()),
           Mutation(f"{key}: an array with NaN", kw(nan), "refuse", (key, "nan")),
           Mutation(f"{key}: one dimension", kw(arr[:, 0]), "refuse", (key, "2-d")),
           Mutation(f"{key}: complex numbers", kw(arr.astype(complex)), "refuse", (key, "real")),
           Mutation(f"{key}: beyond float32", kw(arr * 1e39), "refuse", (key, "3.4e38")),
           Mutation(f"{key}: no column", kw(arr[:, :0]), "refuse", (key, "empty", "column")),
           Mutation(f"{key}: a string", kw("X"), "refuse", (key,))]
    if key == "X" and case.name.endswith(".fit"):
        out += [Mutation("bottleneck: wider than the columns", _with(base, "bottleneck", 4), "refuse",
                         ("bottleneck",)),
                Mutation("X: one row", kw(arr[:1]), "refuse", ("X", "row"))]
    else:
        out.append(Mutation(f"{key}: another number of columns", kw(arr[:, :1]), "refuse", (key, "columns")))
    return out


NEW_CASES = [
    # 10. choosing k and profiling (notebook 02)
    Case("choosing k and profiling", "clustering.k_distances",
         lambda rng: {"X": feature_table(rng), "min_samples": 4}, clustering.k_distances, ref_k_distances,
         free=("X",), overrides_bool=("X",), frames={"X": {"f0": "num", "f1": "num"}},
         args={"min_samples": "whole:2"}, same=same_close,
         extra=lambda case, base: _matrix_mutations("X")(case, base) + [
             Mutation("min_samples: as many as the rows", _with(base, "min_samples", 30), "refuse",
                      ("min_samples",))]),
    Case("choosing k and profiling", "clustering.suggest_eps",
         lambda rng: {"X": feature_table(rng), "min_samples": 4}, clustering.suggest_eps,
         free=("X",), overrides_bool=("X",), frames={"X": {"f0": "num", "f1": "num"}},
         args={"min_samples": "whole:2"},
         check=lambda r, kw: any(np.isclose(r, ref_k_distances(kw["X"], kw["min_samples"]))),
         extra=lambda case, base: _matrix_mutations("X")(case, base) + [
             Mutation("X: two points, five copies each", _with(base, "X", pd.DataFrame({"f0": [0.0] * 5 + [1.0] * 5})),
                      "refuse", ("bend",))]),
    Case("choosing k and profiling", "clustering.silhouette_diagram",
         lambda rng: {"X": feature_table(rng), "labels": np.arange(30) % 3}, _silhouette, ref_silhouette,
         free=("X",), overrides_bool=("X",), frames={"X": {"f0": "num", "f1": "num"}},
         overrides={("X", None, "empty"): "refuse", ("X", None, "single row"): "refuse"},
         extra=lambda case, base: [
             Mutation("labels: a missing label", _with(base, "labels", np.r_[np.nan, base["labels"][1:]]),
                      "refuse", ("labels", "missing")),
             Mutation("labels: too few", _with(base, "labels", base["labels"][:5]), "refuse", ("labels",)),
             Mutation("labels: one cluster", _with(base, "labels", np.zeros(30, int)), "refuse", ("clusters",)),
             Mutation("labels: text", _with(base, "labels", base["labels"].astype(str)), "either", ("labels",)),
             Mutation("labels: noise rows", _with(base, "labels", np.where(np.arange(30) < 3, -1, base["labels"])),
                      "either", ("labels",)),
             Mutation("labels: a list", _with(base, "labels", base["labels"].tolist()), "accept", ()),
             Mutation("X: an array", _with(base, "X", base["X"].to_numpy()), "accept", ()),
             Mutation("X: an array with NaN", _with(base, "X", np.where(np.eye(30, 3) > 0, np.nan,
                                                                         base["X"].to_numpy())), "refuse", ("nan",)),
             Mutation("ax: a number", base | {"ax": 3}, "refuse", ("ax",))]),
    Case("choosing k and profiling", "clustering.permute_columns",
         lambda rng: {"X": feature_table(rng), "random_state": 0}, clustering.permute_columns,
         free=("X",), overrides_bool=("X",), frames={"X": {"f0": "num", "f1": "num"}},
         args={"random_state": "whole:0"}, check=check_permuted,
         overrides={("random_state", None, "a numpy integer"): None},
         extra=lambda case, base: _matrix_mutations("X")(case, base) + [
             Mutation("random_state: a numpy integer", _with(base, "random_state", np.int64(0)), "accept", ())]),
    Case("choosing k and profiling", "clustering.null_comparison+NullComparison",
         lambda rng: {"X": feature_table(rng), "score": _product_spread, "n_permutations": 4, "random_state": 0},
         _null, free=("X",), overrides_bool=("X",), frames={"X": {"f0": "num", "f1": "num"}},
         args={"n_permutations": "whole", "random_state": "whole:0"}, check=check_null,
         extra=lambda case, base: _matrix_mutations("X")(case, base) + [
             Mutation("score: not a function", _with(base, "score", 0.5), "refuse", ("score",)),
             Mutation("score: returns text", _with(base, "score", lambda Z: "high"), "refuse", ("score",)),
             Mutation("score: returns NaN", _with(base, "score", lambda Z: float("nan")), "refuse", ("score",)),
             Mutation("score: returns an array", _with(base, "score", lambda Z: np.ones(2)), "refuse", ("score",))]),
    # 11. density and structure (notebooks 02 and 03)
    Case("density and structure", "clustering.place_by_neighbours",
         lambda rng: {"X": feature_table(np.random.default_rng(int(rng.integers(10**6))), 10, 4), "n_neighbors": 5,
                      "agreement": 0.7},
         lambda X, n_neighbors, agreement, segmenter=None: clustering.place_by_neighbours(
             _fitted_hdbscan() if segmenter is None else segmenter, X, n_neighbors=n_neighbors, agreement=agreement),
         free=("X",), overrides_bool=("X",), frames={"X": {"f0": "num", "f1": "num"}},
         args={"n_neighbors": "whole", "agreement": "real"}, check=check_placed,
         overrides={("X", None, "empty"): "either"},  # nothing to place: nothing placed
         extra=lambda case, base: [
             Mutation("agreement: above 1", _with(base, "agreement", 1.5), "refuse", ("agreement",)),
             Mutation("n_neighbors: more than the clustered rows", _with(base, "n_neighbors", 31), "refuse",
                      ("n_neighbors",)),
             Mutation("segmenter: not fitted", base | {"segmenter": clustering.ReducedHDBSCAN()}, "refuse",
                      ("fitted",)),
             Mutation("segmenter: another model", base | {"segmenter": clustering.kmeans(2)}, "refuse",
                      ("segmenter",)),
             Mutation("X: another number of columns", _with(base, "X", base["X"].iloc[:, :3]), "refuse",
                      ("columns",)),
             Mutation("X: an array with NaN", _with(base, "X", np.where(np.eye(10, 4) > 0, np.nan,
                                                                         base["X"].to_numpy())), "refuse", ("nan",)),
             Mutation("X: an array", _with(base, "X", base["X"].to_numpy()), "accept", ())]),
    Case("density and structure", "clustering.consensus_hdbscan",
         lambda rng: {"X": feature_table(rng, 30, 4), "settings": [{"n_components": 2}, {"n_components": 3}],
                      "min_cluster_size": 4}, _consensus,
         free=("X",), overrides_bool=("X",), frames={"X": {"f0": "num", "f1": "num"}},
         args={"min_cluster_size": "whole:2"}, check=check_consensus,
         extra=lambda case, base: _matrix_mutations("X")(case, base) + [
             Mutation("settings: one setting", _with(base, "settings", [{"n_components": 2}]), "refuse",
                      ("settings",)),
             Mutation("settings: a dict", _with(base, "settings", {"n_components": 2}), "refuse", ("settings",)),
             Mutation("settings: a string", _with(base, "settings", "n_components"), "refuse", ("settings",)),
             Mutation("settings: an unknown parameter", _with(base, "settings", [{"n_components": 2}, {"nope": 1}]),
                      "refuse", ("nope",)),
             Mutation("settings: a fraction of a component", _with(base, "settings", [{"n_components": 2.5},
                                                                                      {"n_components": 3}]),
                      "refuse", ("n_components",)),
             Mutation("settings: a tuple", _with(base, "settings", tuple(base["settings"])), "accept", ())]),
    # 5. embeddings (notebook 03)
    Case("embeddings", "embeddings.reading_focus",
         lambda rng: {"events": clicks(rng), "vectors": _vectors(rng)}, embeddings.reading_focus,
         ref_reading_focus, frames={"events": {"user_id": "id", "page": "item"}, "vectors": {0: "num", 1: "num"}},
         keyed=("vectors",), free=("vectors",), overrides={("events", "page", "unicode ids"): "either",
                                                           ("vectors", None, "non-default index"): "either"}),
    Case("embeddings", "embeddings.segment_clickstream",
         lambda rng: {"events": _clickstream_events(rng), "n_neighbors": 5, "min_cluster_share": 0.05,
                      "random_state": 0},
         embeddings.segment_clickstream, frames={"events": CLICKS},
         args={"n_neighbors": "whole", "random_state": "whole:0", "min_cluster_share": "real"},
         check=check_segments, slow=True,
         # Users are sorted by id before Word2Vec sees their sessions, so other names give other (equally
         # valid) vectors; the invariants are checked instead of equality.
         overrides={("events", "user_id", "unicode ids"): "either",
                    ("events", "user_id", "categorical dtype"): "either",
                    ("events", "page", "unicode ids"): "either"},
         extra=lambda case, base: [
             Mutation("gap: a bare number", _with(base, "gap", 30), "refuse", ("gap",)),
             Mutation("min_cluster_share: above 1", _with(base, "min_cluster_share", 1.5), "refuse",
                      ("min_cluster_share",)),
             Mutation("events: too few users", _with(base, "events", base["events"].iloc[:40]), "refuse",
                      ("users", "evidence"))]),
    # 9. monitoring (notebook 05)
    Case("monitoring", "monitoring.psi_alert",
         lambda rng: {"expected": rng.normal(0, 1, 60), "actual": rng.normal(1.0, 1, 60), "bins": 5,
                      "n_shuffles": 99, "false_alarm_rate": 0.05, "random_state": 0},
         monitoring.psi_alert, check=_psi_alert_check,
         args={"bins": "whole:2", "n_shuffles": "whole", "random_state": "whole:0", "false_alarm_rate": "real"},
         extra=lambda case, base: [
             Mutation("threshold: NaN", base | {"threshold": float("nan")}, "refuse", ("threshold",)),
             Mutation("threshold: text", base | {"threshold": "0.25"}, "refuse", ("threshold",)),
             Mutation("false_alarm_rate: 1", _with(base, "false_alarm_rate", 1.0), "refuse", ("false_alarm_rate",)),
             Mutation("n_shuffles: too few for the rate", _with(base, "n_shuffles", 5), "refuse", ("shuffles",)),
             Mutation("actual: an infinite value", _with(base, "actual", np.r_[np.inf, base["actual"][1:]]),
                      "refuse", ("actual",)),
             Mutation("actual: all missing", _with(base, "actual", np.full(60, np.nan)), "refuse", ("actual",)),
             Mutation("actual: a DataFrame", _with(base, "actual", pd.DataFrame({"a": base["actual"]})), "refuse",
                      ("actual",)),
             Mutation("actual: nullable", _with(base, "actual", pd.Series(base["actual"], dtype="Float64")),
                      "accept", ()),
             Mutation("both: one distribution", _with(base, "actual", np.random.default_rng(9).normal(0, 1, 60)),
                      "either", ()),
             Mutation("both: segment labels", base | {"expected": labels(np.random.default_rng(1), 40),
                                                      "actual": labels(np.random.default_rng(2), 40)}, "either", ())]),
    # 7. the weekly segmenter (notebook 05)
    Case("weekly segmenter", "dynamic.WeeklySegmenter.fit_gap",
         lambda rng: {"X": weekly_frame(np.random.default_rng(int(rng.integers(10**6)))), "n_init": 1}, _fit_gap,
         frames={"X": SEG}, args={"n_init": "whole"}, check=lambda r, kw: isinstance(r, float) and np.isfinite(r),
         overrides={("X", None, "single row"): "refuse"},
         extra=lambda case, base: [Mutation("X: fewer rows than segments", _with(base, "X", base["X"].iloc[:2]),
                                            "refuse", ("rows",))]),
    # 3. readers and the course's generators
    Case("readers and validators", "data.count_rows", lambda rng: {"file": data.path("tour_orders")},
         data.count_rows, ref_count_rows, extra=_count_rows_mutations),
    Case("readers and validators", "data.make_clickstream",
         lambda rng: {"seed": int(rng.integers(0, 100)), "n_users": 20, "n_bots": 1, "n_pages": 60},
         make_clickstream, check=check_clickstream,
         args={"seed": "whole:0", "n_users": "whole", "n_bots": "whole:0"},
         extra=lambda case, base: [
             Mutation("n_pages: too few", _with(base, "n_pages", 10), "refuse", ("n_pages",)),
             Mutation("visits_median: text", base | {"visits_median": "9"}, "refuse", ("visits_median",)),
             Mutation("visits_median: NaN", base | {"visits_median": float("nan")}, "refuse", ("visits_median",)),
             Mutation("casual_share: text", base | {"casual_share": "0.3"}, "refuse", ("casual_share",)),
             Mutation("casual_share: above 1", base | {"casual_share": 1.5}, "refuse", ("casual_share",)),
             Mutation("segments: empty", base | {"segments": {}}, "refuse", ("segments",)),
             Mutation("a knob that does not exist", base | {"nope": 1}, "refuse", ("nope",))]),
    Case("readers and validators", "data.shop_products", lambda rng: {"seed": int(rng.integers(0, 100))},
         shop.shop_products, check=check_products, args={"seed": "whole:0"}),
    # 12. graphs and autoencoders (notebook 04)
    Case("graphs and autoencoders", "graph.random_walks",
         lambda rng: {"graph": _karate(), "walk_length": 5, "walks_per_node": 2, "p": 1.0, "q": 0.5,
                      "random_state": int(rng.integers(0, 100)), "weight": "weight"},
         graph.random_walks, check=check_walks,
         args={"walk_length": "whole", "walks_per_node": "whole", "p": "real", "q": "real",
               "random_state": "whole:0"}, extra=_graph_mutations),
    Case("graphs and autoencoders", "graph.node2vec",
         lambda rng: {"graph": _karate(), "dimensions": 4, "walk_length": 5, "walks_per_node": 2, "epochs": 1,
                      "random_state": int(rng.integers(0, 100)), "weight": "weight"},
         graph.node2vec, check=check_node_vectors, same=same_vectors,
         args={"dimensions": "whole", "epochs": "whole", "random_state": "whole:0"},
         extra=lambda case, base: [m for m in _graph_mutations(case, base) if "unicode" not in m.label] + [
             Mutation("graph: no edge", _with(base, "graph", __import__("networkx").empty_graph(3)), "refuse",
                      ("no edge",))]),
    Case("graphs and autoencoders", "graph.co_occurrence_graph",
         lambda rng: {"baskets": _baskets(rng), "min_weight": 1},
         _co_graph, ref_co_graph, frames={"baskets": {"order_id": "key", "product_id": "item"}},
         args={"min_weight": "whole"},
         overrides={("baskets", "product_id", "unicode ids"): "either"},
         extra=lambda case, base: [
             Mutation("min_weight: 2", base | {"min_weight": 2}, "either", ()),
             Mutation("baskets: product ids mixing text and numbers", _with(base, "baskets", base["baskets"].assign(
                 product_id=[17 if i == 0 else "17" if i == 1 else p for i, p in
                             enumerate(base["baskets"]["product_id"])])), "refuse", ("product_id",))]),
    Case("graphs and autoencoders", "autoencoders.Autoencoder.fit",
         lambda rng: {"X": feature_table(rng, 12, 3), "bottleneck": 2, "epochs": 1, "batch_size": 16,
                      "learning_rate": 0.003, "random_state": 0},
         _ae_fit, free=("X",), overrides_bool=("X",), frames={"X": {"f0": "num", "f1": "num"}},
         args={"bottleneck": "whole", "epochs": "whole", "batch_size": "whole", "learning_rate": "real",
               "random_state": "whole:0"},
         check=check_codes("bottleneck"), slow=True,
         overrides={("X", None, "single row"): "refuse"}, extra=_ae_mutations),
]
for _method in ("transform", "reconstruct"):
    NEW_CASES.append(Case(
        "graphs and autoencoders", f"autoencoders.Autoencoder.{_method}",
        lambda rng: {"X": feature_table(np.random.default_rng(int(rng.integers(10**6))), 8, 3)},
        lambda X, _method=_method: getattr(_fitted_autoencoder(), _method)(X),
        free=("X",), overrides_bool=("X",), frames={"X": {"f0": "num", "f1": "num"}},
        check=check_codes(width=2 if _method == "transform" else 3), overrides={("X", None, "empty"): "refuse"},
        extra=_ae_mutations))
NEW_CASES += [
    Case("graphs and autoencoders", "autoencoders.Autoencoder.inverse_transform",
         lambda rng: {"codes": np.random.default_rng(int(rng.integers(10**6))).normal(0, 1, (8, 2))},
         lambda codes: _fitted_autoencoder().inverse_transform(codes), check=check_codes(width=3),
         extra=_ae_mutations),
    Case("graphs and autoencoders", "autoencoders.Autoencoder.reconstruction_error",
         lambda rng: {"X": feature_table(np.random.default_rng(int(rng.integers(10**6))), 8, 3), "per_row": True},
         lambda X, per_row: _fitted_autoencoder().reconstruction_error(X, per_row=per_row),
         free=("X",), overrides_bool=("X",), frames={"X": {"f0": "num", "f1": "num"}},
         check=lambda r, kw: np.shape(r) == (len(kw["X"]),) and (np.asarray(r) >= 0).all(),
         overrides={("X", None, "empty"): "refuse"}, extra=_ae_mutations),
]

# -- 9b. the dashboard (notebook 05) ------------------------------------------------------------
def _history(rng, n_weeks=4):
    """A small in-memory store of ``n_weeks`` weeks (viewers sometimes move)."""
    s = store.SegmentStore(":memory:")
    base = _store_base(rng)
    segments = base["assignments"]["segment"].to_numpy()
    for week in range(1, n_weeks + 1):
        moved = rng.random(len(segments)) < 0.3
        segments = np.where(moved, 1 - segments, segments)
        s.write_week(week, base["assignments"].assign(segment=segments), base["centroids"], base["personas"],
                     {"size_psi": float(rng.uniform(0, 0.3)), "wow_ari": float(rng.uniform(0.5, 1))})
    return s


def _check_window(result, kwargs):
    weeks, n = list(kwargs["weeks"]), int(kwargs["n_weeks"])
    if not isinstance(result, list) or len(result) != min(n, len(weeks)):
        return False
    at = weeks.index(result[0]) if result and result[0] in weeks else -1
    if result and weeks[at:at + len(result)] != result:
        return False  # consecutive stored weeks
    moved = kwargs["moved"]
    return len(weeks) <= n or moved.empty or int(moved.idxmax()) in result


def _window_base(rng):
    weeks = list(range(1, 13))
    return {"weeks": weeks, "moved": pd.Series(rng.uniform(0, 0.2, 11), index=weeks[1:]), "n_weeks": 4}


def _build(store, path, sankey_weeks=3):
    out = dashboard.build_dashboard(store, path, sankey_weeks=sankey_weeks)
    return {"path": out.name, "charts": out.read_text(encoding="utf-8").count("class='how-to-read'")}


DASHBOARD_CASES = [
    Case("monitoring", "dashboard.segment_colour", lambda rng: {"segment": int(rng.integers(0, 30))},
         dashboard.segment_colour, lambda segment: dashboard.PALETTE[int(segment) % len(dashboard.PALETTE)],
         args={"segment": "whole:-1"}),
    Case("monitoring", "dashboard.sankey_window", _window_base, dashboard.sankey_window, check=_check_window,
         args={"n_weeks": "whole"},
         extra=lambda case, base: [
             Mutation("weeks: decreasing", _with(base, "weeks", base["weeks"][::-1]), "refuse", ("weeks",)),
             Mutation("weeks: a repeat", _with(base, "weeks", base["weeks"] + [12]), "refuse", ("weeks",)),
             Mutation("weeks: a string", _with(base, "weeks", "1-12"), "refuse", ("weeks",)),
             Mutation("weeks: fractions", _with(base, "weeks", [w + 0.5 for w in base["weeks"]]), "refuse",
                      ("weeks",)),
             Mutation("moved: a week not stored", _with(base, "moved", pd.concat(
                 [base["moved"], pd.Series({40: 0.9})])), "refuse", ("moved",)),
             Mutation("moved: a missing share", _with(base, "moved", base["moved"].where(
                 base["moved"].index != 5)), "refuse", ("moved",)),
             Mutation("moved: a percentage", _with(base, "moved", base["moved"] * 100), "refuse", ("moved",)),
             Mutation("moved: a dict", _with(base, "moved", base["moved"].to_dict()), "refuse", ("moved",)),
             Mutation("moved: empty", _with(base, "moved", base["moved"].iloc[:0]), "either", ()),
             Mutation("weeks: fewer than n_weeks", base | {"weeks": [1, 2], "moved": pd.Series({2: 0.1})},
                      "either", ()),
             Mutation("weeks: a tuple", _with(base, "weeks", tuple(base["weeks"])), "accept", ())]),
    Case("monitoring", "dashboard.moved_by_week", lambda rng: {"store": _history(rng)}, dashboard.moved_by_week,
         check=lambda r, kw: isinstance(r, pd.Series) and list(r.index) == kw["store"].weeks()[1:]
         and r.between(0, 1).all(),
         extra=lambda case, base: [
             Mutation("store: a path", {"store": ":memory:"}, "refuse", ("store",)),
             Mutation("store: None", {"store": None}, "refuse", ("store",)),
             Mutation("store: one week", {"store": _history(np.random.default_rng(1), 1)}, "either", ())]),
    Case("monitoring", "dashboard.build_dashboard",
         lambda rng: {"store": _history(rng), "path": Path(tempfile.mkdtemp(dir=SCRATCH)) / "dash.html",
                      "sankey_weeks": 3},
         _build, check=lambda r, kw: r == {"path": "dash.html", "charts": 4}, args={"sankey_weeks": "whole:2"},
         slow=True,
         extra=lambda case, base: [
             Mutation("path: not .html", _with(base, "path", base["path"].with_suffix(".png")), "refuse",
                      ("html",)),
             Mutation("path: a folder", _with(base, "path", Path(tempfile.mkdtemp(dir=SCRATCH, suffix=".html"))),
                      "refuse", ("folder",)),
             Mutation("path: a number", _with(base, "path", 3), "refuse", ("path",)),
             Mutation("store: a path", _with(base, "store", ":memory:"), "refuse", ("store",)),
             Mutation("store: empty", _with(base, "store", store.SegmentStore(":memory:")), "refuse", ("week",)),
             Mutation("store: one week", _with(base, "store", _history(np.random.default_rng(1), 1)), "either",
                      ()),
             Mutation("sankey_weeks: more than stored", _with(base, "sankey_weeks", 30), "accept", ())]),
]
NEW_CASES += DASHBOARD_CASES
CASES += NEW_CASES


def exists(case: Case) -> bool:
    """Whether the function a case probes exists in the toolkit imported (for comparing versions)."""
    import importlib

    module, *attrs = case.name.split("+")[0].split(".")
    homes = [f"course_utils.{module}"]
    if module == "data":  # the dataset modules' public functions are named data.<function>
        homes += sorted({spec.read.__module__ for spec in data.DATASETS.values()})
    for home in homes:
        try:
            obj = importlib.import_module(home)
            for attr in attrs:
                obj = getattr(obj, attr)
        except (ImportError, AttributeError):
            continue
        return True
    return False


def probes(case: Case, seed: int = 0) -> tuple:
    """``(base kwargs, [mutations])`` of a case, from a seed."""
    base = case.make(np.random.default_rng(seed))
    return base, mutations(case, base)
