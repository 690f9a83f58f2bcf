"""course_utils.store: atomic weekly writes, re-runs, failures half-way, schema checks."""

import duckdb
import pandas as pd
import pytest

from course_utils import store as store_module
from course_utils.store import SegmentStore


def week_data(week, users=("a", "b", "c")):
    assignments = pd.DataFrame({"user_id": list(users), "segment": [0, 1, 1][:len(users)],
                                "persona": ["binge_watcher", "family_kids", "family_kids"][:len(users)]})
    centroids = pd.DataFrame({"watch_minutes": [6.0 + week, 5.0], "g_kids": [0.1, 0.8]})
    personas = pd.Series({0: "binge_watcher", 1: "family_kids"})
    metrics = {"size_psi": 0.01 * week, "wow_ari": 0.95}
    return assignments, centroids, personas, metrics


@pytest.fixture
def store(tmp_path):
    with SegmentStore(tmp_path / "s.duckdb") as s:
        yield s


def test_write_and_read_a_week(store):
    store.write_week(1, *week_data(1))
    assert store.weeks() == [1]
    a = store.read("assignments", 1)
    assert a["user_id"].tolist() == ["a", "b", "c"] and (a["week"] == 1).all()
    c = store.read("centroids", 1)
    assert len(c) == 4 and set(c["feature"]) == {"watch_minutes", "g_kids"}
    m = store.read("metrics")
    assert dict(zip(m["metric"], m["value"])) == {"size_psi": 0.01, "wow_ari": 0.95} and m["segment"].isna().all()
    counts = store.query("SELECT persona, count(*) AS n FROM assignments GROUP BY persona ORDER BY persona")
    assert counts["n"].tolist() == [1, 2]


def test_a_week_ingested_twice_is_stored_once(store):
    store.write_week(1, *week_data(1))
    store.write_week(2, *week_data(2))
    store.write_week(2, *week_data(2, users=("a", "b")))
    assert store.weeks() == [1, 2]
    assert store.read("assignments", 2)["user_id"].tolist() == ["a", "b"]
    for table in store_module.SCHEMA:
        n = store.query(f"SELECT count(*) AS n FROM {table} WHERE week = 1")["n"].iloc[0]
        assert n > 0  # week 1 untouched


def test_a_failure_half_way_leaves_the_previous_state(store, monkeypatch):
    store.write_week(1, *week_data(1))
    before = {t: store.read(t) for t in store_module.SCHEMA}
    real_insert = store._insert

    def insert_then_fail(table, frame):
        if table == "personas":  # assignments and centroids are already replaced by now
            raise RuntimeError("disk full")
        real_insert(table, frame)

    monkeypatch.setattr(store, "_insert", insert_then_fail)
    with pytest.raises(RuntimeError, match="disk full"):
        store.write_week(1, *week_data(1, users=("z",)))
    for table, frame in before.items():
        pd.testing.assert_frame_equal(store.read(table), frame)


def test_the_store_survives_reopening(tmp_path):
    path = tmp_path / "s.duckdb"
    with SegmentStore(path) as s:
        s.write_week(3, *week_data(3))
    with SegmentStore(path) as s:
        assert s.weeks() == [3]


def test_default_path_lives_in_the_course_folder_and_can_be_overridden(tmp_path, monkeypatch):
    monkeypatch.delenv("COURSE_STORE_PATH", raising=False)
    assert store_module.default_path().name == "segment_store.duckdb"
    assert (store_module.default_path().parent / "course_utils").is_dir()
    monkeypatch.setenv("COURSE_STORE_PATH", str(tmp_path / "elsewhere.duckdb"))
    with SegmentStore() as s:
        assert s.path == tmp_path / "elsewhere.duckdb"
    with SegmentStore(":memory:") as s:
        assert s.weeks() == []


def test_a_table_with_the_wrong_schema_is_refused(tmp_path):
    path = tmp_path / "other.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE assignments (week INTEGER, customer VARCHAR)")
    con.close()
    with pytest.raises(ValueError, match="table 'assignments' has columns.*not made by this course"):
        SegmentStore(path)


@pytest.mark.parametrize(
    "change, error, phrase",
    [
        (
            lambda a, c, p, m: (a.drop(columns="persona"), c, p, m),
            ValueError,
            r"assignments lacks column\(s\) \['persona'\]",
        ),
        (lambda a, c, p, m: (a.assign(segment=["x", "y", "z"]), c, p, m), ValueError, "must be numbers"),
        (lambda a, c, p, m: (pd.concat([a, a.head(1)]), c, p, m), ValueError, "more than once"),
        (lambda a, c, p, m: (a, c.to_numpy(), p, m), TypeError, "centroids must be a DataFrame"),
        (lambda a, c, p, m: (a, c, dict(p), m), TypeError, "personas must be a Series"),
        (lambda a, c, p, m: (a, c, p, {"psi": "high"}), ValueError, "metrics.value must be numbers"),
        (lambda a, c, p, m: (a.assign(user_id=[None, "b", "c"]), c, p, m), ValueError, r"user_id has 1 missing value"),
    ],
)
def test_bad_input_is_refused_before_anything_changes(store, change, error, phrase):
    store.write_week(1, *week_data(1))
    with pytest.raises(error, match=phrase):
        store.write_week(1, *change(*week_data(1)))
    assert store.read("assignments", 1)["user_id"].tolist() == ["a", "b", "c"]


def test_bad_week_and_table(store):
    with pytest.raises(ValueError, match="week must be"):
        store.write_week(0, *week_data(1))
    with pytest.raises(ValueError, match="unknown table"):
        store.read("users")
