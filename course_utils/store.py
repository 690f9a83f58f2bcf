"""The segment store: weekly segments, centroids, personas and metrics in DuckDB.

One embedded database file (no server). By default it lives in the course
folder as ``segment_store.duckdb`` (git-ignored); pass a path, or set
``COURSE_STORE_PATH``, to keep it elsewhere, or use ``":memory:"``.

Writing a week replaces that week in every table inside one transaction: run
week 7 twice and you still have one week 7; fail half-way and the store still
holds what it held before.

>>> with SegmentStore() as store:                                          # doctest: +SKIP
...     store.write_week(7, assignments, centroids, personas, metrics)
...     store.query("SELECT week, count(*) FROM assignments GROUP BY week")
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from course_utils.validation import whole_number

DEFAULT_FILE = "segment_store.duckdb"

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
    return whole_number(value, "week")


class SegmentStore:
    """A DuckDB file holding the weekly segmentation history."""

    def __init__(self, path=None):
        import duckdb

        self.path = ":memory:" if path == ":memory:" else Path(path) if path is not None else default_path()
        if self.path != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self.con = duckdb.connect(str(self.path))
        self._create_or_check()

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
        self.con.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- writing ------------------------------------------------------------------------
    @staticmethod
    def _frame(table: str, week: int, data: pd.DataFrame) -> pd.DataFrame:
        """``data`` checked against the table's columns (all but week), with week added."""
        need = [c for c in SCHEMA[table] if c != "week"]
        if not isinstance(data, pd.DataFrame):
            raise TypeError(f"{table} must be a DataFrame with columns {need}, got {type(data).__name__}")
        missing = [c for c in need if c not in data.columns]
        if missing:
            raise ValueError(f"{table} lacks column(s) {missing}; expected {need}, got {list(data.columns)}")
        out = data[need].copy()
        for column in need:
            kind = SCHEMA[table][column]
            if kind in ("INTEGER", "DOUBLE"):
                values = pd.to_numeric(out[column], errors="coerce")
                bad = values.isna() & out[column].notna()
                if bad.any():
                    raise ValueError(f"{table}.{column} must be numbers; found {out.loc[bad, column].iloc[0]!r}")
                if kind == "INTEGER" and column != "segment" and values.isna().any():
                    raise ValueError(f"{table}.{column} has missing values")
                out[column] = values.astype("Int64") if kind == "INTEGER" else values.astype(float)
            else:
                if out[column].isna().any():
                    raise ValueError(f"{table}.{column} has missing values")
                out[column] = out[column].astype(str)
        out.insert(0, "week", week)
        return out

    def _insert(self, table: str, frame: pd.DataFrame) -> None:
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
        assignments : DataFrame with ``user_id, segment, persona``
        centroids : DataFrame, segments x features (index: segment)
        personas : Series segment -> persona
        metrics : dict ``{name: value}`` or DataFrame ``metric, segment, value``
            (segment may be missing for store-wide metrics)
        """
        week = _week(week)
        if isinstance(assignments, pd.DataFrame) and "user_id" in assignments.columns:
            repeated = assignments["user_id"].duplicated()
            if repeated.any():
                raise ValueError(f"assignments list user {assignments.loc[repeated, 'user_id'].iloc[0]!r} more "
                                 "than once; one segment per user per week")
        if not isinstance(centroids, pd.DataFrame):
            raise TypeError(f"centroids must be a DataFrame (segments x features), got {type(centroids).__name__}")
        long_centroids = (centroids.rename_axis("segment").reset_index()
                          .melt(id_vars="segment", var_name="feature", value_name="value"))
        if not isinstance(personas, pd.Series):
            raise TypeError(f"personas must be a Series segment -> persona, got {type(personas).__name__}")
        persona_frame = pd.DataFrame({"segment": personas.index, "persona": personas.to_numpy()})
        if isinstance(metrics, dict):
            metrics = pd.DataFrame({"metric": list(metrics), "segment": pd.NA, "value": list(metrics.values())})
        frames = {
            "assignments": self._frame("assignments", week, assignments),
            "centroids": self._frame("centroids", week, long_centroids),
            "personas": self._frame("personas", week, persona_frame),
            "metrics": self._frame("metrics", week, metrics),
        }
        self.con.execute("BEGIN TRANSACTION")
        try:
            for table, frame in frames.items():
                self.con.execute(f"DELETE FROM {table} WHERE week = ?", [week])
                self._insert(table, frame)
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")

    # -- reading --------------------------------------------------------------------------
    def weeks(self) -> list:
        """The weeks stored, in order."""
        return [int(w) for w in self.con.execute("SELECT DISTINCT week FROM assignments ORDER BY week")
                .fetchdf()["week"]]

    def read(self, table: str, week=None) -> pd.DataFrame:
        """One table, or one week of it."""
        if table not in SCHEMA:
            raise ValueError(f"unknown table {table!r}; the store has {list(SCHEMA)}")
        if week is None:
            return self.con.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchdf()
        return self.con.execute(f"SELECT * FROM {table} WHERE week = ? ORDER BY ALL", [_week(week)]).fetchdf()

    def query(self, sql: str, params=None) -> pd.DataFrame:
        """Run SQL against the store and return a DataFrame."""
        if not isinstance(sql, str) or not sql.strip():
            raise ValueError("sql must be a non-empty string")
        return self.con.execute(sql, params or []).fetchdf()
