"""Notebook 05's reference pipeline: weekly features, query vectors, a segmenter fitted on
weeks 1 to 3 and updated every week after, the labels it gives, and the drift alerts.

The checks, the tests and the benchmark all use it. Every cached result is handed out
as a copy (``.shared()`` gives the cached original, for read-only use).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans

from course_utils import data, dynamic, embeddings, features, monitoring
from course_utils.course.declare import reference
from course_utils.data import streaming

FIRST_DAY = streaming.FIRST_DAY
WEEKS = range(1, streaming.WEEKS + 1)
FIT_WEEKS = (1, 2, 3)
#: What the model knows when it is fitted: genres and devices of the first weeks.
GENRES = [g for g in streaming.GENRES if g != streaming.NEW_GENRE[0]]
DEVICES = ["tv", "mobile", "tablet", "web"]
N_SEGMENTS = 5
WINDOW = 2
#: Behaviour watched by the drift alerts, one week at a time.
MONITORED = ["watch_minutes", "g_sports_live", "g_drama", "g_kids", "g_comedy", "d_mobile", "d_tv", "d_tablet"]
EVENT_WEEKS = (5, 6, 7, 8, 10)
QUIET_WEEKS = (2, 3, 4, 11, 12)


# -- data and features ---------------------------------------------------------------------
@reference
def watch() -> pd.DataFrame:
    """The shipped viewing log, as loaded."""
    return data.load("streaming_watch")


@reference
def search() -> pd.DataFrame:
    """The shipped search log, with the week of every query."""
    s = data.load("streaming_search")
    return s.assign(week=features.week_number(s["timestamp"], FIRST_DAY))


@reference
def weeks() -> pd.Series:
    """The week (1 to 12) of every row of watch (q1)."""
    return features.week_number(watch.shared()["timestamp"], FIRST_DAY)


@reference
def embedder() -> embeddings.QueryEmbedder:
    """The query embedder, fitted on the searches of the first weeks."""
    s = search.shared()
    return embeddings.QueryEmbedder(n_components=8).fit(s.loc[s["week"].isin(FIT_WEEKS), "query"])


def _features(week: int, window: int) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # anime and consoles arrive mid-way: "other", on purpose
        return features.weekly_features(watch.shared(), week, FIRST_DAY, GENRES, DEVICES, window=window)


@reference
def weekly() -> dict:
    """``{week: features}`` for segmentation: behaviour over two weeks plus query vectors."""
    out = {}
    s = search.shared()
    for week in WEEKS:
        f = _features(week, WINDOW)
        recent = s[s["week"].between(week - WINDOW + 1, week)]
        out[week] = f.join(embedder.shared().user_vectors(recent, users=f.index))
    return out


@reference
def behaviour() -> dict:
    """``{week: features of that week alone}``, for the drift alerts."""
    return {week: _features(week, 1) for week in WEEKS}


@reference
def entropy_w5() -> pd.Series:
    """Each viewer's genre entropy in week 5 alone (q2)."""
    return behaviour.shared()[5]["genre_entropy"]


# -- the segmenter and its history ------------------------------------------------------------
@reference
def fitted_segmenter() -> dynamic.WeeklySegmenter:
    """The segmenter fitted on weeks 1 to 3 (a copy: update it freely)."""
    stack = pd.concat([weekly.shared()[w] for w in FIT_WEEKS])
    return dynamic.WeeklySegmenter(n_segments=N_SEGMENTS, n_init=10).fit(stack)


@reference
def history() -> tuple:
    """``(labels, segmenter)``: every week's segments (weeks 1-3 predicted, 4-12 updated)
    and the segmenter after the twelve weeks."""
    seg = fitted_segmenter()
    frames = weekly.shared()
    labels = {w: pd.Series(seg.predict(frames[w]), index=frames[w].index) for w in FIT_WEEKS}
    for week in WEEKS:
        if week not in FIT_WEEKS:
            labels[week] = pd.Series(seg.update(frames[week]), index=frames[week].index)
    return labels, seg


@reference
def labels_by_week() -> dict:
    """``{week: Series user -> segment}``: weeks 1-3 predicted, 4-12 updated."""
    return history.shared()[0]


@reference
def updated() -> dict:
    """``{week: segments}`` of the weekly loop, weeks 4 to 12 (q4)."""
    return {w: s for w, s in history.shared()[0].items() if w not in FIT_WEEKS}


@reference
def updated_segmenter() -> dynamic.WeeklySegmenter:
    """The segmenter after the twelve weeks (a copy)."""
    return history.shared()[1]


def full_refit(week: int) -> KMeans:
    """What retraining from scratch gives in ``week``: K-Means, 10 restarts, on the
    last three weeks, with the fitted scaling. Returns the fitted K-Means."""
    recent = pd.concat([weekly.shared()[w] for w in range(max(1, week - 2), week + 1)])
    return KMeans(n_clusters=N_SEGMENTS, n_init=10, random_state=0).fit(fitted_segmenter.shared().transform(recent))


@reference
def refit_centroids() -> tuple:
    """``(old, new)``: the updated segmenter's centroids before week 12, and a full
    refit's centroids in week 12 in K-Means's own (arbitrary) order."""
    past = history.shared()[1].history_  # fitted, then one entry per update (weeks 4 to 12)
    return past[-2].copy(), full_refit(12).cluster_centers_.copy()


@reference
def centroid_order() -> np.ndarray:
    """For each old centroid, the position of its match among the new ones (q3)."""
    old, new = refit_centroids.shared()
    return dynamic.match_centroids(old, new)


# -- what the store and the monitoring show -------------------------------------------------
@reference
def segment_sizes() -> pd.DataFrame:
    """``week, segment, viewers`` for every week, as the SQL of q5 returns it."""
    rows = [(w, int(s), int(n)) for w, lab in sorted(labels_by_week.shared().items())
            for s, n in lab.value_counts().sort_index().items()]
    return pd.DataFrame(rows, columns=["week", "segment", "viewers"])


@reference
def moved_w5() -> float:
    """The share of viewers active in weeks 4 and 5 whose segment changed (q6)."""
    labels = labels_by_week.shared()
    return monitoring.moved_share(labels[4], labels[5])


def aligned_shares(before: pd.Series, after: pd.Series) -> tuple:
    """``(e, a)``: the segment shares of two weeks on the same segments (1e-4 for a segment a week lacks)."""
    e, a = before.value_counts(normalize=True).sort_index(), after.value_counts(normalize=True).sort_index()
    both = e.index.union(a.index)
    return e.reindex(both, fill_value=1e-4), a.reindex(both, fill_value=1e-4)


@reference
def psi_w5() -> float:
    """The PSI of segment shares, week 5 (a) against week 4 (e) (q7)."""
    labels = labels_by_week.shared()
    e, a = aligned_shares(labels[4], labels[5])
    return float(((a - e) * np.log(a / e)).sum())


@reference
def drift_tables() -> dict:
    """``{week: cohort_drift of the monitored behaviour against the week before}`` (weeks 2 to 12)."""
    labels, weekly_behaviour = labels_by_week.shared(), behaviour.shared()
    return {week: monitoring.cohort_drift(labels[week - 1], weekly_behaviour[week - 1], weekly_behaviour[week],
                                          MONITORED)
            for week in WEEKS if week != 1}


@reference
def alerts() -> dict:
    """``{week: the drift alerts of that week}`` (weeks 2 to 12)."""
    return {w: monitoring.drift_alerts(table) for w, table in drift_tables.shared().items()}


@reference
def alert_weeks() -> list:
    """The weeks with at least one drift alert (q8)."""
    return sorted(w for w, a in alerts.shared().items() if len(a))
