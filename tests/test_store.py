"""course_utils.store: atomic weekly writes, re-runs, failures half-way, schema checks."""

import duckdb
import numpy as np
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


# -- one writer per week, keys checked before writing, damaged files explained ------------------
def test_a_second_handle_writing_the_same_week_is_refused_not_doubled(tmp_path):
    import threading

    path = tmp_path / "s.duckdb"
    first, second = SegmentStore(path), SegmentStore(path)
    inside, release = threading.Event(), threading.Event()
    real_insert = first._insert

    def slow_insert(table, frame):  # the first writer stops half-way through its transaction
        real_insert(table, frame)
        if table == "assignments":
            inside.set()
            release.wait(10)

    first._insert = slow_insert
    worker = threading.Thread(target=first.write_week, args=(5, *week_data(5)))
    worker.start()
    try:
        assert inside.wait(10)
        with pytest.raises(store_module.StoreBusyError, match="week 5 of .*s.duckdb is being written right now"):
            second.write_week(5, *week_data(5))
        second.write_week(6, *week_data(6))  # another week may be written meanwhile
    finally:
        release.set()
        worker.join(10)
    assert second.query("SELECT count(*) AS n FROM assignments WHERE week = 5")["n"].item() == 3
    second.write_week(5, *week_data(5, users=("a", "b")))  # once the first is done, a rewrite replaces it
    assert first.read("assignments", 5)["user_id"].tolist() == ["a", "b"]
    assert first.weeks() == [5, 6]
    first.close()
    second.close()


def test_threads_sharing_handles_never_store_a_week_twice(tmp_path):
    import threading

    with SegmentStore(":memory:") as once:
        once.write_week(1, *week_data(1))
        expected = {table: len(once.read(table, 1)) for table in store_module.SCHEMA}
    path = tmp_path / "s.duckdb"
    handles = [SegmentStore(path), SegmentStore(path), SegmentStore(path)]
    outcomes = []

    def writer(handle):
        for _ in range(5):
            try:
                handle.write_week(1, *week_data(1))
                outcomes.append("written")
            except store_module.StoreBusyError:
                outcomes.append("busy")
            except Exception as exc:  # anything else is a bug
                outcomes.append(repr(exc))

    threads = [threading.Thread(target=writer, args=(h,)) for h in handles + handles[:1]]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert set(outcomes) <= {"written", "busy"} and "written" in outcomes, outcomes
    for table, n in expected.items():
        assert len(handles[0].read(table, 1)) == n, table
    for h in handles:
        h.close()


@pytest.mark.parametrize(
    "change, phrase",
    [
        (lambda a, c, p, m: (a.assign(segment=[0, 2**40, 1]), c, p, m), r"assignments.segment must hold whole numbers"),
        (lambda a, c, p, m: (a.assign(segment=[0, np.nan, 1]), c, p, m), r"assignments.segment has 1 missing"),
        (lambda a, c, p, m: (a.assign(segment=[0, 1.5, 1]), c, p, m), r"whole numbers up to .*found 1.5"),
        (lambda a, c, p, m: (a.assign(user_id=[1.0, 2.0, 3.0]), c, p, m), "decimal numbers"),
        (lambda a, c, p, m: (a.assign(user_id=[1, "1", "b"]), c, p, m), "user '1' more than once"),
        (lambda a, c, p, m: (a, c, p.set_axis([0, np.nan]), m), r"personas.segment has 1 missing"),
        (lambda a, c, p, m: (a, c.assign(g_kids=[np.inf, 0.8]), p, m),
         r"centroids feature 'g_kids' has a missing or infinite value"),
        (lambda a, c, p, m: (a, c, p, {"psi": True}), "not True/False"),
    ],
)
def test_keys_and_values_are_checked_before_writing(store, change, phrase):
    store.write_week(1, *week_data(1))
    with pytest.raises(ValueError, match=phrase):
        store.write_week(1, *change(*week_data(1)))
    assert store.read("assignments", 1)["user_id"].tolist() == ["a", "b", "c"]
    store.write_week(2, *week_data(2))  # and the store still works: no aborted transaction left behind


def test_a_week_beyond_an_integer_is_refused_before_writing(store):
    with pytest.raises(ValueError, match="week must be a whole number from 1 to 2147483647, got 1099511627776"):
        store.write_week(2**40, *week_data(1))
    assert store.weeks() == []


def test_a_week_without_assignments_is_recorded(store):
    a, c, p, m = week_data(4)
    store.write_week(4, a.iloc[:0], c, p, {"viewers": 0.0, "wow_ari": float("nan")})
    assert store.weeks() == [4] and store.read("assignments", 4).empty
    assert store.read("metrics", 4)["value"].isna().tolist() == [False, True]  # not computed: NULL
    with pytest.raises(ValueError, match="nothing to write for week 5"):
        store.write_week(5, a.iloc[:0], c.iloc[:0], p.iloc[:0], {})


@pytest.mark.parametrize("content", [b"", b"not a database" * 100])
def test_a_damaged_store_file_is_explained(tmp_path, content):
    path = tmp_path / "segment_store.duckdb"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=r"segment_store\.duckdb (is empty \(0 bytes\)|is not a readable).*Move it "
                                         r"aside or delete it"):
        SegmentStore(path)


def test_a_truncated_store_file_is_explained(tmp_path):
    path = tmp_path / "s.duckdb"
    with SegmentStore(path) as s:
        s.write_week(1, *week_data(1))
    path.write_bytes(path.read_bytes()[:5000])
    with pytest.raises(ValueError, match=r"s\.duckdb is not a readable DuckDB database \(5000 bytes\)"):
        SegmentStore(path)


def test_sql_errors_and_closed_handles_are_explained(store):
    with pytest.raises(ValueError, match="the store could not run SELECT"):
        store.query("SELECT nope FROM assignments")
    store.close()
    with pytest.raises(ValueError, match="is closed; open a new one"):
        store.weeks()


KILLED_WRITER = """
import sys, pandas as pd
from course_utils.store import SegmentStore
store = SegmentStore(sys.argv[1])
users = [f"u{i}" for i in range(2000)]
print("ready", flush=True)
week = 1
while True:
    store.write_week(week % 7 + 1, pd.DataFrame({"user_id": users, "segment": [i % 5 for i in range(2000)],
                                                 "persona": "p"}),
                     pd.DataFrame({"x": [float(week)] * 5}), pd.Series({s: "p" for s in range(5)}),
                     {"run": float(week)})
    week += 1
"""


def test_the_store_survives_being_killed_mid_write(tmp_path):
    import subprocess
    import sys
    import time

    path = tmp_path / "s.duckdb"
    rng = np.random.default_rng(0)
    for _ in range(4):
        proc = subprocess.Popen([sys.executable, "-c", KILLED_WRITER, str(path)], stdout=subprocess.PIPE, text=True)
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(float(rng.uniform(0.2, 0.8)))
        proc.kill()
        proc.wait(30)
        with SegmentStore(path) as s:  # opens, and every stored week is whole: all or nothing
            for week in s.weeks():
                assert len(s.read("assignments", week)) == 2000
                assert len(s.read("centroids", week)) == 5 and len(s.read("personas", week)) == 5
                runs = s.read("metrics", week)["value"]
                assert len(runs) == 1 and (s.read("centroids", week)["value"] == runs.item()).all()
