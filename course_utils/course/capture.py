"""Carry a learner's checked answers out of a kernel, as data the grader judges itself.

Two halves:

* **In the kernel** (installed by the grader before any cell runs):
  :func:`install` wraps the exercise methods so that every ``qN.check(answer,
  **context)`` publishes the answer and its context, and every ``hint()``,
  ``solution()`` and ``reference()`` call leaves a note. The notes go out as
  display data under :data:`MIME_TYPE`, straight to the grader's own kernel
  client (the grader takes them out of the cell's outputs, so ``clear_output``
  and ``%%capture`` do not hide them).
* **In the grader**: :func:`decode` turns a note back into Python values.

The format is restricted on purpose: JSON holding numbers, text, lists, tuples,
sets, dicts, NumPy arrays of plain dtypes and pandas objects (Series,
DataFrame, Index, categoricals, nullable and string dtypes, timestamps). It is
never unpickled and never executes anything; anything else arrives as a
stand-in that describes itself like the original (``method <bound method
...>``), so a check answers it the way it would have in the kernel. An exercise
whose answer is code or a live object (a function, a graph, a fitted model)
sends instead what its check computes from it, as data (``Exercise.portable``,
``checks.Carried``).

What this does *not* promise: code in the submission runs in the same kernel
and can replace these wrappers or publish notes of its own. Such a note only
chooses which answer the grader judges, as the learner could by assigning the
variable; the verdict is always the grader's own. :mod:`course_utils.course.grading`
adds a static reading of the source for views of the solution.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as _dt
import functools
import math
import re

#: Notes from the kernel carry their payload under this MIME type.
MIME_TYPE = "application/vnd.course-capture+json"
FORMAT_VERSION = 1
#: Largest answer (encoded size, roughly bytes) carried out of a kernel.
MAX_BYTES = 48 * 2**20
#: Deepest nesting of containers carried out.
MAX_DEPTH = 24
#: Most values (array elements included) one decoded answer may hold.
MAX_ITEMS = 20_000_000
#: Longest repr kept for an answer that cannot be carried.
REPR_CHARS = 200
#: Most fitted attributes (names ending in "_") carried with an object of another kind.
MAX_ATTRS = 20

_NUMPY_KINDS = "biufcmM"
_EXT_DTYPES = frozenset(
    ["Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32", "UInt64", "Float32", "Float64",
     "boolean", "string", "str", "string[python]", "string[pyarrow]"]
)


class CaptureError(ValueError):
    """A note from a kernel that is not in the capture format (the message says where)."""


# ----------------------------------------------------------------------------------------------
# encoding (runs in the kernel)
# ----------------------------------------------------------------------------------------------
_NUMPY_BACKED = None


class _TooLarge(Exception):
    pass


class _TooDeep(Exception):
    pass


def _type_name(value) -> str:
    try:
        return type(value).__name__
    except Exception:
        return "object"


def _short_repr(value) -> str:
    try:
        text = repr(value)
    except Exception:
        text = f"<{_type_name(value)}>"
    if not isinstance(text, str):
        text = f"<{_type_name(value)}>"
    return text if len(text) <= REPR_CHARS else text[: REPR_CHARS - 3] + "..."


def uncaptured(value, why: str) -> dict:
    """The note for a value that is not carried: its type, a short repr and why."""
    return {"$": "uncaptured", "type": _type_name(value)[:80], "repr": _short_repr(value), "why": why}


class _Encoder:
    def __init__(self, limit: int):
        global _NUMPY_BACKED
        if _NUMPY_BACKED is None:
            _NUMPY_BACKED = _numpy_backed()
        self.limit = limit
        self.used = 0

    def spend(self, n: int) -> None:
        self.used += n
        if self.used > self.limit:
            raise _TooLarge

    def enc(self, value, depth: int = 0):
        import numpy as np
        import pandas as pd

        if depth > MAX_DEPTH:
            raise _TooDeep
        self.spend(8)
        if value is None or isinstance(value, bool):
            return value
        if _is_placeholder(value):
            return {"$": "placeholder"}
        if type(value) is int or (isinstance(value, int) and not isinstance(value, np.integer)):
            value = int(value)
            if -(2**63) < value < 2**63:
                return value
            text = str(value) if value.bit_length() < 12_000 else None
            if text is None:
                raise _TooLarge
            self.spend(len(text))
            return {"$": "int", "v": text}
        if isinstance(value, float) and not isinstance(value, np.floating):
            return _float(float(value))
        if isinstance(value, str):
            value = str(value)
            self.spend(len(value))
            return value
        if isinstance(value, complex) and not isinstance(value, np.complexfloating):
            return {"$": "complex", "re": _float(value.real), "im": _float(value.imag)}
        if isinstance(value, np.generic):
            return {"$": "np", "a": self.ndarray(np.asarray(value), depth)}
        if value is pd.NaT:
            return {"$": "NaT"}
        if value is pd.NA:
            return {"$": "NA"}
        if isinstance(value, pd.Timestamp):
            return {"$": "timestamp", "v": value.isoformat(), "unit": str(value.unit)}
        if isinstance(value, pd.Timedelta):
            return {"$": "timedelta", "v": value.isoformat(), "unit": str(value.unit)}
        if isinstance(value, np.ndarray):
            return self.ndarray(value, depth)
        if isinstance(value, pd.DataFrame):
            columns = self.index(value.columns, depth)
            data = [self.values(value.iloc[:, i].array, depth) for i in range(value.shape[1])]
            return {"$": "frame", "columns": columns, "data": data, "index": self.index(value.index, depth)}
        if isinstance(value, pd.Series):
            return {"$": "series", "values": self.values(value.array, depth), "index": self.index(value.index, depth),
                    "name": self.enc(value.name, depth + 1)}
        if isinstance(value, pd.Index):
            return self.index(value, depth)
        if isinstance(value, pd.Categorical):
            return self.values(value, depth)
        if isinstance(value, list):
            return [self.enc(v, depth + 1) for v in list(value)]
        if isinstance(value, tuple):
            return {"$": "tuple", "v": [self.enc(v, depth + 1) for v in tuple(value)]}
        if isinstance(value, (set, frozenset)):
            tag = "frozenset" if isinstance(value, frozenset) else "set"
            return {"$": tag, "v": [self.enc(v, depth + 1) for v in list(value)]}
        if isinstance(value, dict):
            return {"$": "dict", "items": [[self.enc(k, depth + 1), self.enc(v, depth + 1)]
                                           for k, v in list(value.items())]}
        if isinstance(value, range):
            return {"$": "range", "v": [value.start, value.stop, value.step]}
        if isinstance(value, _dt.datetime):
            return {"$": "datetime", "v": value.isoformat()}
        if isinstance(value, _dt.date):
            return {"$": "date", "v": value.isoformat()}
        if isinstance(value, _dt.timedelta):
            return {"$": "pytimedelta", "v": [value.days, value.seconds, value.microseconds]}
        from course_utils.course.checks import Carried

        if isinstance(value, Carried):
            if value.error is not None:
                self.spend(len(value.error))
                return {"$": "carried", "error": value.error}
            return {"$": "carried", "v": self.enc(value.value, depth + 1)}
        note = uncaptured(value, "not a kind of value the grader carries")
        attrs = self.fitted(value, depth)
        if attrs:
            note["attrs"] = attrs
        return note

    def fitted(self, value, depth: int) -> dict:
        """A model's fitted attributes (``labels_``, ``cluster_centers_``): data a check may look at."""
        try:
            own = vars(value)
        except TypeError:
            return {}
        out = {}
        for name in list(own)[:200]:
            if not (isinstance(name, str) and name.endswith("_") and not name.startswith("_")
                    and name.isidentifier()) or len(out) >= MAX_ATTRS:
                continue
            encoded = self.enc(own[name], depth + 1)
            if not (isinstance(encoded, dict) and encoded.get("$") == "uncaptured"):
                out[name] = encoded
        return out

    def ndarray(self, arr, depth: int) -> dict:
        import numpy as np

        shape = [int(n) for n in arr.shape]
        kind = arr.dtype.kind
        if kind in _NUMPY_KINDS and arr.dtype.fields is None and arr.dtype.subdtype is None:
            little = arr.astype(arr.dtype.newbyteorder("<"), copy=False)
            raw = np.ascontiguousarray(little).tobytes()
            self.spend(len(raw) * 4 // 3 + 16)
            return {"$": "ndarray", "dtype": little.dtype.str, "shape": shape, "b64": base64.b64encode(raw).decode()}
        if kind == "U":
            flat = [str(v) for v in arr.ravel().tolist()]
            self.spend(sum(len(v) for v in flat) + 4 * len(flat))
            return {"$": "ndarray", "dtype": "str", "shape": shape, "v": flat}
        if kind == "O":
            items = arr.ravel().tolist()
            if _texts(items, self):
                return {"$": "ndarray", "dtype": "object", "shape": shape, "s": items}
            self.spend(4 * arr.size)
            return {"$": "ndarray", "dtype": "object", "shape": shape, "v": [self.enc(v, depth + 1) for v in items]}
        return uncaptured(arr, f"a NumPy array of dtype {arr.dtype}")

    def values(self, array, depth: int):
        """The values of a Series, column or Index: a NumPy array or a pandas extension array."""
        import numpy as np
        import pandas as pd

        if isinstance(array, np.ndarray):
            return self.ndarray(array, depth)
        dtype = array.dtype
        if isinstance(dtype, np.dtype) or type(array) in _NUMPY_BACKED:
            return self.ndarray(np.asarray(array), depth)
        if isinstance(dtype, pd.CategoricalDtype):
            cat = pd.Categorical(array)
            return {"$": "categorical", "categories": self.index(cat.categories, depth + 1),
                    "codes": self.ndarray(np.asarray(cat.codes), depth), "ordered": bool(cat.ordered)}
        if isinstance(dtype, pd.DatetimeTZDtype):
            return {"$": "datetime_tz", "i8": self.ndarray(np.asarray(array.asi8), depth), "unit": str(dtype.unit),
                    "tz": str(dtype.tz)}
        name = str(dtype)
        if name in _EXT_DTYPES:
            items = array.to_numpy(dtype=object, na_value=None).tolist()
            if _texts(items, self):
                return {"$": "ext", "dtype": name, "s": items}
        else:
            items = np.asarray(array, dtype=object).tolist()
        self.spend(4 * len(items))
        return {"$": "ext", "dtype": name, "v": [self.enc(v, depth + 1) for v in items]}

    def index(self, index, depth: int) -> dict:
        import pandas as pd

        name = self.enc(index.name, depth + 1) if not isinstance(index, pd.MultiIndex) else None
        if isinstance(index, pd.RangeIndex):
            return {"$": "index", "range": [index.start, index.stop, index.step], "name": name}
        if isinstance(index, pd.MultiIndex):
            levels = [self.values(index.get_level_values(i).array, depth + 1) for i in range(index.nlevels)]
            return {"$": "index", "multi": levels, "names": [self.enc(n, depth + 1) for n in index.names]}
        return {"$": "index", "values": self.values(index.array, depth + 1), "name": name}


def _numpy_backed():
    import pandas as pd

    return tuple(c for c in (getattr(pd.arrays, "NumpyExtensionArray", None), getattr(pd.arrays, "PandasArray", None))
                 if c is not None)


def _texts(items: list, encoder: _Encoder) -> bool:
    """Whether every item is text or None (then the list travels as it is); spends their size."""
    total = 0
    for v in items:
        if type(v) is str:
            total += len(v) + 4
        elif v is not None:
            return False
    encoder.spend(total + 4 * len(items))
    return True


def _float(x: float):
    if math.isfinite(x):
        return x
    return {"$": "float", "v": "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")}


def _is_placeholder(value) -> bool:
    from course_utils.course.checks import _is_placeholder as is_placeholder

    return is_placeholder(value)


def encode(value, limit: int = MAX_BYTES):
    """``value`` in the capture format; a stand-in note when it is too large, too deep or of another kind."""
    encoder = _Encoder(limit)
    try:
        return encoder.enc(value)
    except _TooLarge:
        return uncaptured(value, f"larger than the grader carries ({limit // 2**20} MB)")
    except (_TooDeep, RecursionError):
        return uncaptured(value, f"nested more than {MAX_DEPTH} levels deep")
    except Exception as exc:  # a value that explodes when touched
        return uncaptured(value, f"{type(exc).__name__} while reading it")


# ----------------------------------------------------------------------------------------------
# decoding (runs in the grader)
# ----------------------------------------------------------------------------------------------
class Uncaptured:
    """Stands in for an answer the kernel could not carry; describes itself like the original.

    It has the original's fitted attributes (``labels_`` and the like) when they were data,
    so a check that recognises "the fitted model instead of its labels" still does.
    """

    __slots__ = ("_attrs", "_repr", "why")

    def __init__(self, text: str, why: str, attrs: dict | None = None):
        self._repr = text
        self.why = why
        self._attrs = dict(attrs or {})

    def __getattr__(self, name):
        try:
            return object.__getattribute__(self, "_attrs")[name]
        except (KeyError, AttributeError):
            raise AttributeError(name) from None

    def __repr__(self):
        return self._repr


@functools.lru_cache(maxsize=256)
def _standin_class(name: str) -> type:
    return type(name, (Uncaptured,), {"__slots__": ()})


class _Decoder:
    def __init__(self):
        self.items = 0

    def count(self, n: int) -> None:
        self.items += n
        if self.items > MAX_ITEMS:
            raise CaptureError(f"more than {MAX_ITEMS:,} values")

    def dec(self, obj, depth: int = 0):
        import pandas as pd

        if depth > MAX_DEPTH + 8:
            raise CaptureError("nested too deeply")
        self.count(1)
        if obj is None or isinstance(obj, (bool, str)):
            return obj
        if isinstance(obj, int):
            return int(obj)
        if isinstance(obj, float):
            if not math.isfinite(obj):
                raise CaptureError("a bare non-finite number")
            return float(obj)
        if isinstance(obj, list):
            return [self.dec(v, depth + 1) for v in obj]
        if not isinstance(obj, dict):
            raise CaptureError(f"unexpected {type(obj).__name__}")
        tag = obj.get("$")
        if tag == "placeholder":
            from course_utils.course.checks import ____

            return ____
        if tag == "int":
            text = _field(obj, "v", str)
            if not re.fullmatch(r"-?\d{1,4000}", text):
                raise CaptureError("a malformed integer")
            return int(text)
        if tag == "float":
            v = _field(obj, "v", str)
            if v not in ("nan", "inf", "-inf"):
                raise CaptureError("a malformed float")
            return float(v)
        if tag == "complex":
            return complex(self.real(obj.get("re")), self.real(obj.get("im")))
        if tag == "np":
            arr = self.ndarray(_field(obj, "a", dict), depth)
            if arr.ndim != 0:
                raise CaptureError("a NumPy scalar that is not 0-dimensional")
            return arr[()]
        if tag == "NaT":
            return pd.NaT
        if tag == "NA":
            return pd.NA
        if tag == "timestamp":
            return pd.Timestamp(_field(obj, "v", str)).as_unit(_unit(obj))
        if tag == "timedelta":
            return pd.Timedelta(_field(obj, "v", str)).as_unit(_unit(obj))
        if tag == "ndarray":
            return self.ndarray(obj, depth)
        if tag == "series":
            values = self.values(_field(obj, "values", dict), depth)
            index = self.index(_field(obj, "index", dict), depth)
            if len(values) != len(index):
                raise CaptureError("a Series whose index and values differ in length")
            return pd.Series(values, index=index, name=self.label(obj.get("name"), depth), dtype=_keep(values),
                             copy=False)
        if tag == "frame":
            columns = self.index(_field(obj, "columns", dict), depth)
            index = self.index(_field(obj, "index", dict), depth)
            data = _field(obj, "data", list)
            if len(data) != len(columns):
                raise CaptureError("a DataFrame with more or fewer columns than column names")
            arrays = [self.values(_checked(d, dict), depth) for d in data]
            if any(len(a) != len(index) for a in arrays):
                raise CaptureError("a DataFrame column whose length differs from the index")
            frame = pd.DataFrame({i: pd.Series(a, index=index, dtype=_keep(a), copy=False)
                                  for i, a in enumerate(arrays)}, index=index)
            frame.columns = columns
            return frame
        if tag == "index":
            return self.index(obj, depth)
        if tag in ("categorical", "datetime_tz", "ext"):
            values = self.values(obj, depth)
            return values
        if tag == "tuple":
            return tuple(self.dec(v, depth + 1) for v in _field(obj, "v", list))
        if tag in ("set", "frozenset"):
            items = [self.label(v, depth) for v in _field(obj, "v", list)]
            return set(items) if tag == "set" else frozenset(items)
        if tag == "dict":
            out = {}
            for pair in _field(obj, "items", list):
                if not isinstance(pair, list) or len(pair) != 2:
                    raise CaptureError("a dict item that is not a [key, value] pair")
                out[self.label(pair[0], depth)] = self.dec(pair[1], depth + 1)
            return out
        if tag == "range":
            v = _field(obj, "v", list)
            if len(v) != 3 or not all(type(x) is int for x in v) or v[2] == 0:
                raise CaptureError("a malformed range")
            return range(*v)
        if tag == "datetime":
            return _dt.datetime.fromisoformat(_field(obj, "v", str))
        if tag == "date":
            return _dt.date.fromisoformat(_field(obj, "v", str))
        if tag == "pytimedelta":
            v = _field(obj, "v", list)
            if len(v) != 3 or not all(type(x) is int for x in v):
                raise CaptureError("a malformed timedelta")
            return _dt.timedelta(days=v[0], seconds=v[1], microseconds=v[2])
        if tag == "carried":
            from course_utils.course.checks import Carried

            if "error" in obj:
                return Carried(error=_field(obj, "error", str)[:4000])
            return Carried(self.dec(obj.get("v"), depth + 1))
        if tag == "uncaptured":
            name = re.sub(r"\W", "_", _field(obj, "type", str))[:80] or "object"
            if name[0].isdigit():
                name = "_" + name
            attrs = {}
            for key, value in _checked(obj.get("attrs", {}), dict).items():
                odd = not (key.isidentifier() and key.endswith("_") and not key.startswith("_"))
                if odd or len(attrs) >= MAX_ATTRS:
                    raise CaptureError("a fitted attribute with an odd name")
                attrs[key] = self.dec(value, depth + 1)
            return _standin_class(name)(_field(obj, "repr", str)[:REPR_CHARS], _field(obj, "why", str)[:200], attrs)
        raise CaptureError(f"unknown tag {str(tag)[:40]!r}")

    def real(self, obj) -> float:
        value = self.dec(obj)
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise CaptureError("a malformed complex number")
        return float(value)

    def label(self, obj, depth: int):
        """A dict key, set member or name: must be hashable."""
        value = self.dec(obj, depth + 1)
        try:
            hash(value)
        except TypeError:
            raise CaptureError(f"an unhashable key ({type(value).__name__})") from None
        return value

    def ndarray(self, obj: dict, depth: int):
        import numpy as np

        if obj.get("$") != "ndarray":
            raise CaptureError("expected an array")
        shape = _field(obj, "shape", list)
        if len(shape) > 32 or not all(type(n) is int and n >= 0 for n in shape):
            raise CaptureError("a malformed array shape")
        size = math.prod(shape)
        self.count(size)
        dtype = _field(obj, "dtype", str)
        if dtype == "str":
            values = _field(obj, "v", list)
            if len(values) != size or not all(isinstance(v, str) for v in values):
                raise CaptureError("a text array whose values do not fit its shape")
            return np.array(values, dtype=str if values else "<U1").reshape(shape)
        if dtype == "object" and "s" in obj:
            values = _strings(obj)
            if len(values) != size:
                raise CaptureError("an object array whose values do not fit its shape")
            out = np.empty(size, dtype=object)
            out[:] = values
            return out.reshape(shape)
        if dtype == "object":
            values = _field(obj, "v", list)
            if len(values) != size:
                raise CaptureError("an object array whose values do not fit its shape")
            out = np.empty(size, dtype=object)
            for i, v in enumerate(values):
                out[i] = self.dec(v, depth + 1)
            return out.reshape(shape)
        if not re.fullmatch(r"[<|][biufcmM]\d{1,2}(\[\d*[a-zA-Z]+\])?", dtype):
            raise CaptureError(f"a dtype the grader does not accept ({dtype[:30]!r})")
        try:
            dt = np.dtype(dtype)
        except TypeError:
            raise CaptureError(f"an unknown dtype ({dtype[:30]!r})") from None
        if dt.kind not in _NUMPY_KINDS or dt.hasobject or dt.fields is not None or dt.subdtype is not None:
            raise CaptureError(f"a dtype the grader does not accept ({dtype[:30]!r})")
        try:
            raw = base64.b64decode(_field(obj, "b64", str), validate=True)
        except ValueError:
            raise CaptureError("array data that is not base64") from None
        if len(raw) != size * dt.itemsize:
            raise CaptureError("array data whose length does not fit its shape and dtype")
        return np.frombuffer(raw, dtype=dt).reshape(shape).copy()

    def values(self, obj: dict, depth: int):
        import numpy as np
        import pandas as pd

        tag = obj.get("$")
        if tag == "ndarray":
            arr = self.ndarray(obj, depth)
            if arr.ndim != 1:
                raise CaptureError("column values that are not one-dimensional")
            return arr
        if tag == "categorical":
            categories = self.index(_field(obj, "categories", dict), depth)
            codes = self.ndarray(_field(obj, "codes", dict), depth)
            if codes.dtype.kind not in "iu" or codes.ndim != 1:
                raise CaptureError("categorical codes that are not integers")
            if len(codes) and (codes.min() < -1 or codes.max() >= len(categories)):
                raise CaptureError("categorical codes out of range")
            if categories.has_duplicates:
                raise CaptureError("categories with duplicates")
            return pd.Categorical.from_codes(codes, categories=categories, ordered=bool(obj.get("ordered")))
        if tag == "datetime_tz":
            i8 = self.ndarray(_field(obj, "i8", dict), depth)
            if i8.dtype != np.dtype("<i8") or i8.ndim != 1:
                raise CaptureError("timestamps that are not 64-bit integers")
            unit, tz = _unit(obj), _field(obj, "tz", str)
            try:
                return pd.DatetimeIndex(i8.view(f"M8[{unit}]")).tz_localize("UTC").tz_convert(tz).array
            except Exception as exc:
                raise CaptureError(f"an unknown time zone ({tz[:40]!r})") from exc
        if tag == "ext":
            dtype = _field(obj, "dtype", str)
            if "s" in obj:
                items = _strings(obj)
                self.count(len(items))
            else:
                items = [self.dec(v, depth + 1) for v in _field(obj, "v", list)]
            if dtype in _EXT_DTYPES:
                try:
                    return pd.array(items, dtype=dtype)
                except Exception:
                    pass
            out = np.empty(len(items), dtype=object)
            out[:] = items
            return out
        raise CaptureError(f"unexpected column values ({str(tag)[:40]!r})")

    def index(self, obj: dict, depth: int):
        import pandas as pd

        if obj.get("$") != "index":
            raise CaptureError("expected an index")
        if "range" in obj:
            v = _field(obj, "range", list)
            if len(v) != 3 or not all(type(x) is int for x in v) or v[2] == 0:
                raise CaptureError("a malformed RangeIndex")
            self.count(len(range(*v)))
            return pd.RangeIndex(*v, name=self.label(obj.get("name"), depth))
        if "multi" in obj:
            levels = [self.values(_checked(lv, dict), depth) for lv in _field(obj, "multi", list)]
            names = [self.label(n, depth) for n in _field(obj, "names", list)]
            if not levels or len(names) != len(levels) or len({len(lv) for lv in levels}) != 1:
                raise CaptureError("a malformed MultiIndex")
            return pd.MultiIndex.from_arrays(levels, names=names)
        values = self.values(_field(obj, "values", dict), depth)
        return pd.Index(values, name=self.label(obj.get("name"), depth), dtype=_keep(values))


def _checked(value, kind):
    if not isinstance(value, kind):
        raise CaptureError(f"expected a {kind.__name__}, got {type(value).__name__}")
    return value


def _field(obj: dict, key: str, kind):
    if key not in obj:
        raise CaptureError(f"a {str(obj.get('$'))[:20]} note without {key!r}")
    return _checked(obj[key], kind)


def _keep(values):
    """The dtype to rebuild with: an object array stays object (pandas would infer text)."""
    import numpy as np

    return object if isinstance(values, np.ndarray) and values.dtype == object else None


def _strings(obj: dict) -> list:
    values = _field(obj, "s", list)
    for v in values:
        if v is not None and type(v) is not str:
            raise CaptureError("a text column holding something other than text")
    return values


def _unit(obj: dict) -> str:
    unit = _field(obj, "unit", str)
    if unit not in ("s", "ms", "us", "ns"):
        raise CaptureError(f"an unknown time unit ({unit[:10]!r})")
    return unit


def decode(obj):
    """Python values from the capture format.

    Raises
    ------
    CaptureError
        For anything that is not the format (wrong tags, inconsistent shapes,
        dtypes outside the allow-list, too many values).
    """
    try:
        return _Decoder().dec(obj)
    except CaptureError:
        raise
    except RecursionError:
        raise CaptureError("nested too deeply") from None
    except Exception as exc:  # pandas or numpy refusing a value the checks above let through
        raise CaptureError(f"{type(exc).__name__}: {str(exc)[:120]}") from None


# ----------------------------------------------------------------------------------------------
# the kernel side: wrappers that publish what the learner checked
# ----------------------------------------------------------------------------------------------
_STATE = {"nonce": "", "seq": 0, "depth": 0, "publish": None, "wrapped": set()}
#: Methods that reveal the answer when a learner calls them directly.
REVEALING_METHODS = ("reference", "expected", "solution", "solution_text")
#: Class attributes that hold the answer as text (read inside the course's own methods only).
REVEALING_ATTRIBUTES = ("solution_code", "model_answer")
#: Methods inside which the course itself computes references: calls from there are not views.
_INTERNAL = ("__init__", "evaluate", "diagnose", "show", "markdown", "correct_message", "record_details", "portable")


def _note(kind: str, ex, **fields) -> None:
    publish = _STATE["publish"]
    if publish is None:
        return
    _STATE["seq"] += 1
    own = getattr(ex, "__dict__", {})
    name, notebook = own.get("name", ""), own.get("notebook", "")
    note = {"v": FORMAT_VERSION, "nonce": _STATE["nonce"], "seq": _STATE["seq"], "kind": kind,
            "exercise": name if isinstance(name, str) else "",
            "notebook": notebook if isinstance(notebook, str) else ""}
    note.update(fields)
    try:
        publish({MIME_TYPE: note, "text/plain": ""}, {})
    except Exception:
        pass


@contextlib.contextmanager
def _course_code():
    """Inside the course's own methods: what they read or compute is not a view by the learner."""
    _STATE["depth"] += 1
    try:
        yield
    finally:
        _STATE["depth"] -= 1


def _inside(func):
    @functools.wraps(func)
    def wrapper(self, *args, **kwargs):
        with _course_code():
            return func(self, *args, **kwargs)

    wrapper._course_capture = True
    return wrapper


def _viewing(func, how: str):
    @functools.wraps(func)
    def wrapper(self, *args, **kwargs):
        if _STATE["depth"] == 0:
            _note("view", self, how=f"{how}()")
        with _course_code():
            return func(self, *args, **kwargs)

    wrapper._course_capture = True
    return wrapper


class _RevealingText:
    """A class attribute holding answer text: reading it from outside the course's methods is a view."""

    def __init__(self, value, attr: str):
        self.value, self.attr = value, attr

    def __get__(self, obj, owner=None):
        if obj is not None and _STATE["depth"] == 0:
            _note("view", obj, how=self.attr)
        return self.value


def _check_wrapper(func):
    from course_utils.course.checks import ____

    @functools.wraps(func)
    def check(self, answer=____, **context):
        with _course_code():
            try:  # what the grader can judge: a function or a graph travels as what the check computed from it
                sent, sent_context = self.portable(answer, **context)
                sent_context = dict(sent_context)
            except Exception:
                sent, sent_context = answer, context
            _note("check", self, answer=encode(sent), context={str(k): encode(v) for k, v in sent_context.items()})
            # the learner sees the verdict on what was sent: a function that answers differently on every
            # call is not run twice
            return func(self, sent, **sent_context)

    check._course_capture = True
    return check


def _hint_wrapper(func):
    @functools.wraps(func)
    def hint(self, n=1, *args, **kwargs):
        _note("hint", self, n=n if type(n) is int and -(2**31) < n < 2**31 else None)
        with _course_code():
            return func(self, n, *args, **kwargs)

    hint._course_capture = True
    return hint


def _answer_or_reference_wrapper(func):
    from course_utils.course.checks import ____

    @functools.wraps(func)
    def answer_or_reference(self, answer=____, **context):
        with _course_code():
            result = func(self, answer, **context)
        if result is not answer and _STATE["depth"] == 0:
            _note("view", self, how="answer_or_reference() returned the reference")
        return result

    answer_or_reference._course_capture = True
    return answer_or_reference


def _wrap_class(cls) -> None:
    if cls in _STATE["wrapped"]:
        return
    _STATE["wrapped"].add(cls)
    own = cls.__dict__
    for name in _INTERNAL:
        if callable(own.get(name)) and not getattr(own[name], "_course_capture", False):
            setattr(cls, name, _inside(own[name]))
    for name in REVEALING_METHODS:
        if name == "solution":
            continue
        if callable(own.get(name)) and not getattr(own[name], "_course_capture", False):
            setattr(cls, name, _viewing(own[name], name))
    for name in REVEALING_ATTRIBUTES:
        if isinstance(own.get(name), str):
            setattr(cls, name, _RevealingText(own[name], name))
    special = {"check": _check_wrapper, "hint": _hint_wrapper, "answer_or_reference": _answer_or_reference_wrapper,
               "solution": lambda f: _viewing(f, "solution")}
    for name, make in special.items():
        if callable(own.get(name)) and not getattr(own[name], "_course_capture", False):
            setattr(cls, name, make(own[name]))


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def install(nonce: str) -> int:
    """Run in a fresh kernel by the grader, before any cell: wrap every exercise class, now and later.

    Returns the kernel's process id (the grader kills it, and its process group, when grading ends).
    """
    import os
    import sys

    from IPython import get_ipython

    from course_utils.course.checks import Exercise

    cwd = os.getcwd()
    sys.path[:] = [p for p in sys.path if p not in ("", ".", cwd)]
    shell = get_ipython()
    _STATE["nonce"] = str(nonce)
    _STATE["publish"] = shell.display_pub.publish
    _wrap_class(Exercise)
    for sub in _subclasses(Exercise):
        _wrap_class(sub)
    original = Exercise.__dict__.get("__init_subclass__")

    def __init_subclass__(cls, **kwargs):
        if original is not None:
            original.__func__(cls, **kwargs)
        else:
            super(Exercise, cls).__init_subclass__(**kwargs)
        _wrap_class(cls)

    Exercise.__init_subclass__ = classmethod(__init_subclass__)
    return os.getpid()


def preamble(nonce: str) -> str:
    """The code the grader runs in a fresh kernel before the notebook's first cell."""
    return (
        "import sys as _s, os as _o\n"
        "_s.path[:] = [p for p in _s.path if p not in ('', '.', _o.getcwd())]\n"
        "import course_utils.course.capture as _cc\n"
        f"print('course-capture-pid', _cc.install({nonce!r}))\n"
        "del _s, _o, _cc\n"
    )
