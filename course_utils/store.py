"""The segment store: weekly segments, centroids, personas and metrics in DuckDB.

One embedded database file (no server). By default it lives in the course
folder as ``segment_store.duckdb`` (git-ignored); pass a path, or set
``COURSE_STORE_PATH``, to keep it elsewhere, or use ``":memory:"``.

Writing a week replaces that week in every table inside one transaction: run
week 7 twice and you still have one week 7; fail half-way (or be killed) and
the store still holds what it held before. One week has one writer at a time:
DuckDB lets one process open the file for writing, and within that process a
second handle (or thread) writing the same week while the first is still at it
is refused with :class:`StoreBusyError`, not merged into a doubled week.

>>> with SegmentStore() as store:                                          # doctest: +SKIP
...     store.write_week(7, assignments, centroids, personas, metrics)
...     store.query("SELECT week, count(*) FROM assignments GROUP BY week")
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import numpy as np
import pandas as pd

from course_utils.validation import whole_number

DEFAULT_FILE = "segment_store.duckdb"
INT32_MAX = 2**31 - 1

# Weeks being written right now in this process: (store file, week) -> writer.
_WRITING: dict = {}
_WRITING_LOCK = threading.Lock()


class StoreBusyError(RuntimeError):
    """Another writer holds the store file, or the week being written."""

#: Each table's columns and DuckDB types; every table is keyed by week.
SCHEMA = {
    "assignments": {"week": "INTEGER", "user_id": "VARCHAR", "segment": "INTEGER", "persona": "VARCHAR"},
    "centroids": {"week": "INTEGER", "segment": "INTEGER", "feature": "VARCHAR", "value": "DOUBLE"},
    "personas": {"week": "INTEGER", "segment": "INTEGER", "persona": "VARCHAR"},
    "metrics": {"week": "INTEGER", "metric": "VARCHAR", "segment": "INTEGER", "value": "DOUBLE"},
}


def default_path() -> Path:
    override = os.environ.get("COURSE_STORE_PATH", "").strip()
    if override:
        return Path(override).expanduser()
    return Path(__file__).resolve().parent.parent / DEFAULT_FILE


def _week(value) -> int:
    return whole_number(value, "week", maximum=INT32_MAX)


class SegmentStore:
    """A DuckDB file holding the weekly segmentation history."""

    def __init__(self, path=None):
        import duckdb

        if path is not None and not isinstance(path, (str, os.PathLike)):
            raise TypeError(f"path must be a file path (str or Path) or ':memory:', got {type(path).__name__}")
        self.path = ":memory:" if path == ":memory:" else Path(path) if path is not None else default_path()
        self._lock = threading.RLock()  # one handle may be shared by threads: one statement at a time
        if self.path != ":memory:":
            if self.path.is_dir():
                raise ValueError(f"{self.path} is a folder; give the store a file path such as "
                                 f"{self.path / DEFAULT_FILE}")
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._key = str(self.path.resolve())
        else:
            self._key = f":memory:{id(self)}"
        try:
            self.con = duckdb.connect(str(self.path))
        except duckdb.Error as exc:
            raise self._explain(exc) from exc
        try:
            self._create_or_check()
        except duckdb.Error as exc:
            self.con.close()
            raise self._explain(exc) from exc
        except BaseException:
            self.con.close()
            raise

    def _explain(self, exc) -> Exception:
        """A DuckDB error on opening, as an error that says what to do."""
        text = str(exc)
        if "lock" in text.lower():
            return StoreBusyError(
                f"{self.path} is open for writing in another process (DuckDB allows one): {text.strip()}. "
                "Close the store there (store.close(), or restart that kernel), or use another path."
            )
        size = self.path.stat().st_size if self.path != ":memory:" and self.path.exists() else None
        what = "is empty (0 bytes)" if size == 0 else f"is not a readable DuckDB database ({size} bytes)"
        return ValueError(
            f"{self.path} {what}: it is damaged or not a segment store ({text.strip()}). Move it aside or delete "
            "it and a new store will be created there (the weeks it held must then be written again), or pass "
            "another path."
        )

    # -- set-up -----------------------------------------------------------------------
    def _create_or_check(self) -> None:
        existing = set(self.con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'").fetchdf()["table_name"])
        for table, columns in SCHEMA.items():
            if table not in existing:
                cols = ", ".join(f"{c} {t}" for c, t in columns.items())
                self.con.execute(f"CREATE TABLE {table} ({cols})")
                continue
            found = self.con.execute(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_schema = 'main' AND table_name = ? ORDER BY ordinal_position", [table]).fetchall()
            if [(c, t.upper()) for c, t in found] != list(columns.items()):
                raise ValueError(
                    f"{self.path}: table {table!r} has columns {found}, expected {list(columns.items())}. "
                    "It was not made by this course's SegmentStore; use another path or delete the file."
                )

    def close(self) -> None:
        with self._lock:
            self.con.close()
            self._closed = True

    def _execute(self, sql: str, params=None):
        """Run one statement on this handle, turning DuckDB's errors into readable ones."""
        import duckdb

        if getattr(self, "_closed", False):
            raise ValueError(f"this SegmentStore ({self.path}) is closed; open a new one")
        with self._lock:
            try:
                return self.con.execute(sql, params or [])
            except duckdb.Error as exc:
                raise ValueError(f"the store could not run {sql.split()[0]} ...: {str(exc).strip()}") from exc

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- writing ------------------------------------------------------------------------
    @staticmethod
    def _frame(table: str, week: int, data: pd.DataFrame) -> pd.DataFrame:
        """``data`` checked against the table's columns (all but week), with week added.

        Keys (segments) must be whole numbers that fit an INTEGER; only the
        segment of a store-wide metric may be missing. Values must be finite
        (a metric value may be missing: stored as NULL, "not computed").
        Text must be present; ids must be text or whole numbers.
        """
        need = [c for c in SCHEMA[table] if c != "week"]
        if not isinstance(data, pd.DataFrame):
            raise TypeError(f"{table} must be a DataFrame with columns {need}, got {type(data).__name__}")
        missing = [c for c in need if c not in data.columns]
        if missing:
            raise ValueError(f"{table} lacks column(s) {missing}; expected {need}, got {list(data.columns)}")
        repeated = [c for c in need if (data.columns == c).sum() > 1]
        if repeated:
            raise ValueError(f"{table} has more than one column named {repeated}; keep one")
        out = pd.DataFrame(index=range(len(data)))
        for column in need:
            raw = data[column].reset_index(drop=True)
            kind = SCHEMA[table][column]
            may_be_missing = (table, column) in (("metrics", "segment"), ("metrics", "value"))
            if raw.isna().any() and not may_be_missing:
                where = raw.index[raw.isna().to_numpy()][0]
                raise ValueError(f"{table}.{column} has {int(raw.isna().sum())} missing value(s) (e.g. row {where}); "
                                 f"every row needs a {column}")
            if kind in ("INTEGER", "DOUBLE"):
                if pd.api.types.is_bool_dtype(raw) or (raw.dtype == object and
                                                       raw.map(lambda v: isinstance(v, (bool, np.bool_))).any()):
                    raise ValueError(f"{table}.{column} must be numbers, not True/False")
                if not pd.api.types.is_numeric_dtype(raw) and raw.notna().any():
                    text = raw[raw.notna()].map(lambda v: not isinstance(v, (int, float, np.number)))
                    if text.any():
                        raise ValueError(f"{table}.{column} must be numbers; found {raw[raw.notna()][text].iloc[0]!r}")
                values = pd.to_numeric(raw.astype(object).where(raw.notna(), None), errors="coerce")
                numbers_ = values.to_numpy(dtype=float, na_value=np.nan)
                if np.isinf(numbers_).any():
                    raise ValueError(f"{table}.{column} has infinite values; store finite numbers")
                if kind == "INTEGER":
                    given = numbers_[~np.isnan(numbers_)]
                    if (given != np.round(given)).any() or (np.abs(given) > INT32_MAX).any():
                        odd = given[(given != np.round(given)) | (np.abs(given) > INT32_MAX)][0]
                        raise ValueError(f"{table}.{column} must hold whole numbers up to {INT32_MAX:,}; found "
                                         f"{odd:g}")
                    out[column] = pd.Series(numbers_).astype("Int64")
                else:
                    out[column] = numbers_
            else:
                if column == "user_id":
                    floats = (np.full(len(raw), pd.api.types.is_float_dtype(raw)) if raw.dtype != object else
                              raw.map(lambda v: isinstance(v, (float, np.floating))).to_numpy(dtype=bool))
                    if floats.any():
                        raise ValueError(
                            f"{table}.user_id holds decimal numbers (e.g. {raw[floats].iloc[0]!r}); ids are text or "
                            "whole numbers, convert them first, e.g. .astype('Int64').astype(str)")
                out[column] = raw.astype(object).map(str)
                if column == "user_id" and out[column].duplicated().any():
                    dup = out.loc[out[column].duplicated(), column].iloc[0]
                    raise ValueError(f"{table}.user_id lists user {dup!r} more than once (ids are stored as text, "
                                     "so 7 and '7' are one user); one segment per user per week")
        out.insert(0, "week", week)
        return out

    def _insert(self, table: str, frame: pd.DataFrame) -> None:
        with self._lock:
            self.con.register("incoming", frame)
            try:
                self.con.execute(f"INSERT INTO {table} SELECT {', '.join(SCHEMA[table])} FROM incoming")
            finally:
                self.con.unregister("incoming")

    def write_week(self, week: int, assignments: pd.DataFrame, centroids: pd.DataFrame, personas,
                   metrics) -> None:
        """Replace everything stored for ``week``, atomically.

        Parameters
        ----------
        week : int
            From 1 to 2,147,483,647.
        assignments : DataFrame with ``user_id, segment, persona``
            May be empty (a week nobody was active): the week is still
            recorded, and :meth:`weeks` lists it.
        centroids : DataFrame, segments x features (index: segment)
        personas : Series segment -> persona
        metrics : dict ``{name: value}`` or DataFrame ``metric, segment, value``
            (segment may be missing for store-wide metrics; a value may be
            missing, NaN, for a metric that could not be computed)

        Raises
        ------
        ValueError, TypeError
            Bad input, checked before anything is written: missing columns,
            missing or fractional segments, keys beyond an INTEGER, infinite
            values, a user listed twice, nothing at all to write.
        StoreBusyError
            Another handle or thread of this process is writing the same week
            of the same file right now.
        """
        week = _week(week)
        if not isinstance(centroids, pd.DataFrame):
            raise TypeError(f"centroids must be a DataFrame (segments x features), got {type(centroids).__name__}")
        for what, labels in (("segment (index)", centroids.index), ("feature (column)", centroids.columns)):
            if labels.has_duplicates:
                raise ValueError(f"centroids list {what} {labels[labels.duplicated()][0]!r} more than once")
        for feature in centroids.columns:
            values = centroids[feature]
            if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
                raise ValueError(f"centroids feature {feature!r} must be numbers, got dtype {values.dtype}")
            bad = ~np.isfinite(values.to_numpy(dtype=float, na_value=np.nan))
            if bad.any():
                raise ValueError(f"centroids feature {feature!r} has a missing or infinite value (segment "
                                 f"{centroids.index[bad][0]!r}); store finite numbers")
        long_centroids = (centroids.rename_axis("segment").reset_index()
                          .melt(id_vars="segment", var_name="feature", value_name="value"))
        if not isinstance(personas, pd.Series):
            raise TypeError(f"personas must be a Series segment -> persona, got {type(personas).__name__}")
        if personas.index.has_duplicates:
            raise ValueError(f"personas list segment {personas.index[personas.index.duplicated()][0]!r} more than "
                             "once; one persona per segment")
        persona_frame = pd.DataFrame({"segment": personas.index, "persona": personas.to_numpy()})
        if isinstance(metrics, dict):
            metrics = pd.DataFrame({"metric": list(metrics), "segment": pd.NA, "value": list(metrics.values())})
        if isinstance(metrics, pd.DataFrame) and {"metric", "segment"} <= set(metrics.columns):
            keys = metrics[["metric", "segment"]].astype(object).where(metrics[["metric", "segment"]].notna(), None)
            if keys.duplicated().any():
                first = keys[keys.duplicated()].iloc[0].tolist()
                raise ValueError(f"metrics list (metric, segment) {first} more than once; one value each")
        frames = {
            "assignments": self._frame("assignments", week, assignments),
            "centroids": self._frame("centroids", week, long_centroids),
            "personas": self._frame("personas", week, persona_frame),
            "metrics": self._frame("metrics", week, metrics),
        }
        if all(len(f) == 0 for f in frames.values()):
            raise ValueError(f"nothing to write for week {week}: assignments, centroids, personas and metrics are "
                             "all empty. Record at least a metric (e.g. {'viewers': 0}) for a quiet week")
        self._claim(week)
        try:
            with self._lock:
                self._execute("BEGIN TRANSACTION")
                try:
                    for table, frame in frames.items():
                        self.con.execute(f"DELETE FROM {table} WHERE week = ?", [week])
                        self._insert(table, frame)
                except BaseException:
                    try:
                        self.con.execute("ROLLBACK")
                    except Exception:  # the original error is the one to see
                        pass
                    raise
                self._execute("COMMIT")
        finally:
            self._release(week)

    def _claim(self, week: int) -> None:
        with _WRITING_LOCK:
            holder = _WRITING.get((self._key, week))
            if holder is not None:
                raise StoreBusyError(
                    f"week {week} of {self.path} is being written right now by another SegmentStore handle or "
                    "thread of this process; write each week from one place (or wait for that write to finish)"
                )
            _WRITING[(self._key, week)] = threading.get_ident()

    def _release(self, week: int) -> None:
        with _WRITING_LOCK:
            _WRITING.pop((self._key, week), None)

    # -- reading --------------------------------------------------------------------------
    def weeks(self) -> list:
        """The weeks stored, in order: every week written, with or without assignments."""
        union = " UNION ".join(f"SELECT DISTINCT week FROM {table}" for table in SCHEMA)
        return [int(w) for w in self._execute(f"SELECT week FROM ({union}) ORDER BY week").fetchdf()["week"]]

    def read(self, table: str, week=None) -> pd.DataFrame:
        """One table, or one week of it."""
        if not isinstance(table, str) or table not in SCHEMA:
            raise ValueError(f"unknown table {table!r}; the store has {list(SCHEMA)}")
        if week is None:
            return self._execute(f"SELECT * FROM {table} ORDER BY ALL").fetchdf()
        return self._execute(f"SELECT * FROM {table} WHERE week = ? ORDER BY ALL", [_week(week)]).fetchdf()

    def query(self, sql: str, params=None) -> pd.DataFrame:
        """Run SQL against the store and return a DataFrame.

        A query DuckDB cannot run raises ``ValueError`` with DuckDB's explanation.
        """
        if not isinstance(sql, str) or not sql.strip():
            raise ValueError("sql must be a non-empty string")
        if params is not None and not isinstance(params, (list, tuple, dict)):
            raise TypeError(f"params must be a list (or dict) of values for the ? placeholders, got "
                            f"{type(params).__name__}")
        return self._execute(sql, params).fetchdf()
