"""Notebook 05's reference pipeline: weekly features, query vectors, a segmenter fitted on
weeks 1 to 3 and updated every week after, the labels it gives, and the drift alerts.

The checks, the tests and the benchmark all use it. Every cached result is handed out
as a copy (``.shared()`` gives the cached original, for read-only use).
"""

from __future__ import annotations

import copy
import functools
import warnings

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score

from course_utils import data, dynamic, embeddings, features, monitoring
from course_utils.course.declare import reference
from course_utils.course.figures import ProseFigure
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


def _features(week: int, window: int, watch_log=None) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # anime and consoles arrive mid-way: "other", on purpose
        log = watch.shared() if watch_log is None else watch_log
        return features.weekly_features(log, week, FIRST_DAY, GENRES, DEVICES, window=window)


def build_weekly(watch_log: pd.DataFrame, search_log: pd.DataFrame) -> dict:
    """``{week: features}`` as notebook 05 builds them, for any viewing and search log of this schema:
    behaviour over two weeks, joined with query vectors from an embedder fitted on weeks 1 to 3."""
    s = search_log.assign(week=features.week_number(search_log["timestamp"], FIRST_DAY))
    query_embedder = embeddings.QueryEmbedder(n_components=8).fit(s.loc[s["week"].isin(FIT_WEEKS), "query"])
    out = {}
    for week in WEEKS:
        f = _features(week, WINDOW, watch_log)
        recent = s[s["week"].between(week - WINDOW + 1, week)]
        out[week] = f.join(query_embedder.user_vectors(recent, users=f.index))
    return out


def generated_logs(seed: int, n_start: int, weekly_signups: int) -> dict:
    """The streaming generator's tables for another seed or size, as the shipped files read:
    ``{"watch": ..., "search": ..., "truth": Series indexed by (week, user_id)}``. Data the course does not
    ship, for holding the defaults to unseen data."""
    rows = streaming.streaming_tables(seed, n_start, weekly_signups)
    start = pd.Timestamp(FIRST_DAY)
    watch_log = pd.DataFrame(rows["watch"], columns=["t", "user_id", "title", "genre", "minutes", "device"])
    watch_log.insert(1, "timestamp", start + pd.to_timedelta(watch_log.pop("t"), unit="min"))
    search_log = pd.DataFrame(rows["search"], columns=["t", "user_id", "query"])
    search_log.insert(1, "timestamp", start + pd.to_timedelta(search_log.pop("t"), unit="min"))
    planted = pd.DataFrame(rows["truth"], columns=["user_id", "week", "persona"]).set_index(["week", "user_id"])
    return {"watch": watch_log[features.WATCH_COLUMNS], "search": search_log, "truth": planted["persona"]}


def replay_rule(fitted: dynamic.WeeklySegmenter, frames: dict, planted: pd.Series, forgetting: float,
                act: bool = True) -> pd.DataFrame:
    """Weeks 4 to 12 from a fitted segmenter with ``forgetting``, as notebook 05 replays them: the ARI
    with the planted personas, the fit gap, the unassigned share, whether ``dynamic.needs_refit`` fires,
    and (``act=True``) a refit on the last three weeks whenever it does."""
    seg = copy.deepcopy(fitted).set_params(forgetting=forgetting)
    rows = []
    for w in WEEKS:
        if w in FIT_WEEKS:
            continue
        labels = pd.Series(seg.update(frames[w]), index=frames[w].index)
        gap = seg.fit_gap(frames[w])
        unassigned = monitoring.unassigned_share(labels, dynamic.assign_personas(seg.centroids()))
        reasons = dynamic.needs_refit(gap, unassigned)
        if reasons and act:
            seg.refit(pd.concat([frames[w - 2], frames[w - 1], frames[w]]))
        rows.append({"week": w, "ARI": adjusted_rand_score(planted.loc[w].reindex(labels.index), labels),
                     "fit gap": gap, "unassigned": unassigned, "refit?": bool(reasons)})
    return pd.DataFrame(rows).set_index("week")


@functools.cache
def _weekly_one(week: int) -> pd.DataFrame:
    """One week of :func:`weekly` (cached: read only)."""
    s = search.shared()
    f = _features(week, WINDOW)
    recent = s[s["week"].between(week - WINDOW + 1, week)]
    return f.join(embedder.shared().user_vectors(recent, users=f.index))


@functools.cache
def _behaviour_one(week: int) -> pd.DataFrame:
    """One week of :func:`behaviour` (cached: read only)."""
    return _features(week, 1)


@reference
def weekly() -> dict:
    """``{week: features}`` for segmentation: behaviour over two weeks plus query vectors."""
    return {week: _weekly_one(week) for week in WEEKS}


@reference
def behaviour() -> dict:
    """``{week: features of that week alone}``, for the drift alerts."""
    return {week: _behaviour_one(week) for week in WEEKS}


def twelve_weeks(progress: bool = False) -> tuple:
    """``(weekly(), behaviour())``: every week's features, computed once per kernel, week by week.

    ``progress=True`` shows a text bar on stdout, one step per week (seconds each the first
    time; instant once computed). The tables are the same with or without it.
    """
    import sys

    from tqdm import tqdm  # a text bar on stdout: Jupyter shows stderr in a red box, as if something went wrong

    for week in tqdm(WEEKS, desc="weekly features: one week at a time", unit="week", disable=not progress,
                     leave=False, file=sys.stdout):
        _weekly_one(week)
        _behaviour_one(week)
    return weekly(), behaviour()


@reference
def entropy_w5() -> pd.Series:
    """Each viewer's genre entropy in week 5 alone (q2)."""
    return _behaviour_one(5)["genre_entropy"]


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
    """``{week: segments}`` of the weekly loop, weeks 4 to 12 (q3)."""
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
    """For each old centroid, the position of its match among the new ones (q4)."""
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


# -- what the notebook's prose quotes ----------------------------------------------------------
@reference
def truth() -> pd.Series:
    """The planted persona of every viewer, indexed by (week, user_id)."""
    return data.load("streaming_truth").set_index(["week", "user_id"])["persona"]


def _planted(week: int, index) -> pd.Series:
    return truth.shared().loc[week].reindex(index)


@reference
def recovered() -> dict:
    """``{week: ARI of the week's segments with the planted personas}``."""
    return {w: adjusted_rand_score(_planted(w, lab.index), lab) for w, lab in labels_by_week.shared().items()}


@reference
def memory_replay(forgetting: float) -> pd.DataFrame:
    """Weeks 4 to 12 from the fitted segmenter with ``forgetting``: the largest memory (``counts_``) and the
    ARI with the personas."""
    seg = fitted_segmenter().set_params(forgetting=forgetting)
    frames = weekly.shared()
    rows = []
    for w in WEEKS:
        if w in FIT_WEEKS:
            continue
        labels = seg.update(frames[w])
        rows.append({"week": w, "memory": seg.counts_.max(), "ARI": adjusted_rand_score(_planted(w, frames[w].index),
                                                                                        labels)})
    return pd.DataFrame(rows).set_index("week")


@reference
def refit_comparison() -> pd.DataFrame:
    """Per week 4 to 12: agreement of the update with a full refit, and each one's ARI with the personas."""
    seg = fitted_segmenter()
    frames = weekly.shared()
    rows = []
    for w in WEEKS:
        if w in FIT_WEEKS:
            continue
        update_labels = seg.update(frames[w])
        full = KMeans(n_clusters=N_SEGMENTS, n_init=10, random_state=0).fit(
            seg.transform(pd.concat([frames[w - 2], frames[w - 1], frames[w]])))
        refit_labels = full.predict(seg.transform(frames[w]))
        planted = _planted(w, frames[w].index)
        rows.append({"week": w, "agreement": adjusted_rand_score(update_labels, refit_labels),
                     "update_ari": adjusted_rand_score(planted, update_labels),
                     "refit_ari": adjusted_rand_score(planted, refit_labels)})
    return pd.DataFrame(rows).set_index("week")


@reference
def switchers() -> dict:
    """The viewers who switched from family_kids (week 9) to casual_mobile (week 10): how many, where their
    segments' personas put them in weeks 10 and 11, and the week-10 ARI without them."""
    t, labels = truth.shared(), labels_by_week.shared()
    personas = dynamic.assign_personas(fitted_segmenter.shared().centroids())
    w9, w10 = t.loc[9], t.loc[10]
    moved = w9.index[w9 == "family_kids"].intersection(w10.index[w10 == "casual_mobile"])
    share = {w: personas[labels[w].reindex(moved).dropna().astype(int)].value_counts(normalize=True)
             for w in (10, 11)}
    others = weekly.shared()[10].index.difference(moved)
    return {"n": len(moved), "family_w10": float(share[10].get("family_kids", 0.0)),
            "casual_w11": float(share[11].get("casual_mobile", 0.0)),
            "ari_without": adjusted_rand_score(_planted(10, others), labels[10].reindex(others))}


@reference
def rule_replay(forgetting: float) -> pd.DataFrame:
    """Weeks 4 to 12 on the shipped data with ``forgetting`` (see :func:`replay_rule`)."""
    return replay_rule(fitted_segmenter.shared(), weekly.shared(), truth.shared(), forgetting)


PSI_NOISE_SIZES = (50, 100, 200, 500, 1000)


@reference
def psi_noise() -> dict:
    """The notebook's PSI noise simulation, draw for draw: ``{"table": mean PSI and share >= 0.25 by n,
    "same": psi_alert's rate on same-distribution pairs of 50, "moved": its rate on moved pairs}``."""
    rng = np.random.default_rng(0)
    rows = []
    for n in PSI_NOISE_SIZES:
        draws = np.array([monitoring.psi(rng.lognormal(size=n), rng.lognormal(size=n)) for _ in range(300)])
        rows.append({"n": n, "mean": draws.mean(), "formula": 9 * 2 / n, "crossing": (draws >= 0.25).mean()})
    same = [monitoring.psi_alert(rng.lognormal(size=50), rng.lognormal(size=50)) for _ in range(100)]
    moved = [monitoring.psi_alert(rng.lognormal(size=50), rng.lognormal(1.5, 1, size=50)) for _ in range(100)]
    return {"table": pd.DataFrame(rows).set_index("n"), "same": float(np.mean(same)), "moved": float(np.mean(moved))}


@reference
def smallest_cohort() -> int:
    """The fewest viewers any segment's cohort has in the drift alerts (weeks 2 to 12)."""
    labels, beh = labels_by_week.shared(), behaviour.shared()
    personas = dynamic.assign_personas(fitted_segmenter.shared().centroids())
    return int(min(len(labels[w - 1].index[labels[w - 1] == s].intersection(beh[w - 1].index)
                       .intersection(beh[w].index)) for w in WEEKS if w != 1 for s in personas.index))


def _size_shift_weeks() -> str:
    labels = labels_by_week.shared()
    weeks = [w for w in WEEKS if w != 1 and monitoring.psi(labels[w - 1], labels[w]) >= monitoring.PSI_MODERATE]
    return " and ".join(map(str, weeks))


def _fired(forgetting: float) -> str:
    table = rule_replay.shared(forgetting)
    return ", ".join(str(w) for w in table.index[table["refit?"]]) or "never"


def _refit_gain() -> float:
    table = refit_comparison.shared()
    return float((table["refit_ari"] - table["update_ari"]).max())


def _noise(n: int, col: str) -> float:
    return psi_noise.shared()["table"].loc[n, col]


#: Every data-dependent number notebook 05's prose quotes, and how to compute it.
PROSE_FIGURES = [
    ProseFigure("35,074", lambda: memory_replay.shared(0.0).loc[12, "memory"], "{:,.0f}",
                "largest memory in week 12 without forgetting"),
    ProseFigure("6,435", lambda: memory_replay.shared(0.5).loc[12, "memory"], "{:,.0f}",
                "largest memory in week 12 with forgetting 0.5"),
    ProseFigure("0.966", lambda: memory_replay.shared(0.5).loc[11, "ARI"], "{:.3f}", "ARI week 11, forgetting 0.5"),
    ProseFigure("0.977", lambda: memory_replay.shared(0.5).loc[12, "ARI"], "{:.3f}", "ARI week 12, forgetting 0.5"),
    ProseFigure("0.946", lambda: memory_replay.shared(0.0).loc[11, "ARI"], "{:.3f}", "ARI week 11, no forgetting"),
    ProseFigure("0.964", lambda: memory_replay.shared(0.0).loc[12, "ARI"], "{:.3f}", "ARI week 12, no forgetting"),
    ProseFigure("0.526", lambda: _noise(50, "mean"), "{:.3f}", "mean PSI of two samples of 50"),
    ProseFigure("79%", lambda: _noise(50, "crossing"), "{:.0%}", "pairs of 50 crossing 0.25"),
    ProseFigure("22%", lambda: _noise(100, "crossing"), "{:.0%}", "pairs of 100 crossing 0.25"),
    ProseFigure("0.7%", lambda: _noise(200, "crossing"), "{:.1%}", "pairs of 200 crossing 0.25"),
    ProseFigure("200", lambda: monitoring.MIN_COHORT, "{}", "monitoring.MIN_COHORT"),
    ProseFigure("595", smallest_cohort, "{}", "smallest drift cohort"),
    ProseFigure("0.030", lambda: 9 * 2 / smallest_cohort.shared(), "{:.3f}", "noise floor of the smallest cohort"),
    ProseFigure("5 and 11", _size_shift_weeks, "{}", "weeks whose segment sizes moved (PSI >= 0.1)"),
    ProseFigure("0.993 at worst, in week 10",
                lambda: (refit_comparison.shared()["agreement"].min(), refit_comparison.shared()["agreement"].idxmin()),
                "{0[0]:.3f} at worst, in week {0[1]}", "lowest agreement of the update with a refit"),
    ProseFigure("0.005", lambda: _refit_gain(),
                "{:.3f}", "largest persona-ARI gain of a refit over the update"),
    ProseFigure("0.836", lambda: recovered.shared()[10], "{:.3f}", "ARI in week 10"),
    ProseFigure("60%", lambda: streaming.MIGRATIONS[10][2], "{:.0%}", "planted school-term migration rate"),
    ProseFigure("90.8%", lambda: switchers.shared()["family_w10"], "{:.1%}",
                "switchers in the family segment, week 10"),
    ProseFigure("1,030", lambda: switchers.shared()["n"], "{:,}", "viewers who switched persona in week 10"),
    ProseFigure("100.0%", lambda: switchers.shared()["casual_w11"], "{:.1%}",
                "switchers in the casual segment, week 11"),
    ProseFigure("0.953", lambda: switchers.shared()["ari_without"], "{:.3f}", "week-10 ARI without the switchers"),
    ProseFigure("week 7", lambda: _fired(0.0), "week {}", "weeks the rule fires without forgetting"),
    ProseFigure("0.267", lambda: rule_replay.shared(0.0).loc[7, "fit gap"], "{:.3f}",
                "fit gap in week 7, no forgetting"),
    ProseFigure("0.068", lambda: rule_replay.shared(0.5)["fit gap"].max(), "{:.3f}", "largest fit gap, forgetting 0.5"),
]
