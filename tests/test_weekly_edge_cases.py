"""The weekly loop meets odd weeks: an empty week, a genre and a device never seen, a week
ingested twice, viewers who never search. None crashes the loop or corrupts the store."""

import warnings

import numpy as np
import pandas as pd
import pytest

from course_utils import dynamic, embeddings, features, monitoring
from course_utils.store import SegmentStore

FIRST = "2025-01-06"
GENRES = ["drama", "kids", "sports_live"]
DEVICES = ["tv", "tablet"]


def views(week, n_users=60, seed=0, genre_override=None, device_override=None):
    rng = np.random.default_rng(seed + week)
    rows = []
    for u in range(n_users):
        taste = GENRES[u % 3]
        for _ in range(3):
            day = pd.Timestamp(FIRST) + pd.Timedelta(days=7 * (week - 1) + int(rng.integers(0, 7)), hours=20)
            rows.append((f"u{u:03d}", day, f"T{u}", genre_override or taste, int(rng.integers(20, 60)),
                         device_override or DEVICES[u % 2]))
    return pd.DataFrame(rows, columns=features.WATCH_COLUMNS)


def test_a_season_of_odd_weeks(tmp_path):
    # weeks 1-3 normal; week 4 empty; week 5 brings a new genre and a new device; week 5 is ingested twice
    watch = pd.concat([views(w) for w in (1, 2, 3)] + [views(5, genre_override="anime", device_override="console")])
    search = pd.DataFrame({"user_id": ["u000", "u001", "u002"] * 4,
                           "query": ["live match", "kids songs", "drama series"] * 4})
    embedder = embeddings.QueryEmbedder(n_components=2, min_df=1).fit(search["query"])

    def week_features(week):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            f = features.weekly_features(watch, week, FIRST, GENRES, DEVICES, window=1)
        return f.join(embedder.user_vectors(search, users=f.index))  # most viewers never search: NaN

    segmenter = dynamic.WeeklySegmenter(n_segments=3, n_init=3).fit(pd.concat([week_features(w) for w in (1, 2, 3)]))
    personas = pd.Series(dict.fromkeys(range(3), "unassigned"))
    with SegmentStore(tmp_path / "s.duckdb") as store:
        previous = None
        for week in (1, 2, 3, 4, 5, 5):
            X = week_features(week)
            labels = pd.Series(segmenter.predict(X) if week <= 3 else segmenter.update(X), index=X.index)
            metrics = {"viewers": float(len(X))}
            if previous is not None and len(labels) and len(previous):
                metrics["size_psi"] = monitoring.psi(previous, labels)
            store.write_week(week, pd.DataFrame({"user_id": labels.index, "segment": labels.to_numpy(),
                                                 "persona": personas.reindex(labels.to_numpy()).to_numpy()}),
                             segmenter.centroids(), personas, metrics)
            previous = labels if len(labels) else previous
        assert store.weeks() == [1, 2, 3, 4, 5]  # week 4 had no viewer: no assignment rows, but recorded
        assert store.read("assignments", 4).empty
        counts = store.query("SELECT week, count(*) AS n FROM assignments GROUP BY week ORDER BY week")
        assert counts["n"].tolist() == [60, 60, 60, 60]  # week 5 twice, stored once
        m = store.read("metrics", 4)
        assert m.loc[m["metric"] == "viewers", "value"].tolist() == [0.0]
        five = week_features(5)
        assert five["g_other"].eq(1).all() and five["d_other"].eq(1).all()  # the new genre and device, counted
        assert five[["q_0", "q_1"]].isna().sum().sum() > 0 and five["has_query"].sum() == 3


def test_empty_weeks_everywhere_downstream():
    empty = features.weekly_features(views(1), 9, FIRST, GENRES, DEVICES)
    segmenter = dynamic.WeeklySegmenter(n_segments=3, n_init=3).fit(features.weekly_features(views(1), 1, FIRST,
                                                                                              GENRES, DEVICES))
    assert len(segmenter.update(empty)) == 0 and len(segmenter.predict(empty)) == 0
    with pytest.raises(ValueError, match="cannot make 3 segments"):
        segmenter.refit(empty)
    table = monitoring.cohort_drift(pd.Series([0, 1], index=["a", "b"]), empty, empty, ["watch_minutes"])
    assert table["watch_minutes"].isna().all() and monitoring.drift_alerts(table).empty
