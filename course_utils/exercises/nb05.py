"""Exercises for notebook 05, dynamic weekly segmentation (case study).

q1 week numbers                      q5 segment sizes by week, in SQL
q2 genre entropy of week 5           q6 share of viewers who changed segment in week 5
q3 match refitted centroids (Hungarian)  q7 PSI of segment sizes, week 5 against week 4
q4 the weekly update loop            q8 the weeks with drift alerts

The reference pipeline (features, segmenter, weekly labels, alerts) lives here
too: the checks, the tests and the benchmark all use it.
"""

from __future__ import annotations

import copy
import numbers
import warnings
from functools import lru_cache

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score

from course_utils import data, dynamic, embeddings, features, monitoring, synthetic
from course_utils.checks import ____, Exercise, bind, describe  # noqa: F401 (____ is re-exported)

FIRST_DAY = synthetic.STREAM_FIRST_DAY
WEEKS = range(1, synthetic.STREAM_WEEKS + 1)
FIT_WEEKS = (1, 2, 3)
#: What the model knows when it is fitted: genres and devices of the first weeks.
GENRES = [g for g in synthetic.STREAM_GENRES if g != synthetic.STREAM_NEW_GENRE[0]]
DEVICES = ["tv", "mobile", "tablet", "web"]
N_SEGMENTS = 5
WINDOW = 2
#: Behaviour watched by the drift alerts, one week at a time.
MONITORED = ["watch_minutes", "g_sports_live", "g_drama", "g_kids", "g_comedy", "d_mobile", "d_tv", "d_tablet"]
EVENT_WEEKS = (5, 6, 7, 8, 10)
QUIET_WEEKS = (2, 3, 4, 11, 12)


# -- the reference pipeline, computed once per kernel -------------------------------------
@lru_cache(maxsize=1)
def _watch():
    return data.load("streaming_watch")


def watch() -> pd.DataFrame:
    return _watch().copy()


@lru_cache(maxsize=1)
def _search():
    s = data.load("streaming_search")
    return s.assign(week=features.week_number(s["timestamp"], FIRST_DAY))


@lru_cache(maxsize=1)
def _weeks():
    return features.week_number(_watch()["timestamp"], FIRST_DAY)


@lru_cache(maxsize=1)
def embedder():
    s = _search()
    return embeddings.QueryEmbedder(n_components=8).fit(s.loc[s["week"].isin(FIT_WEEKS), "query"])


def _features(week: int, window: int) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # anime and consoles arrive mid-way: "other", on purpose
        return features.weekly_features(_watch(), week, FIRST_DAY, GENRES, DEVICES, window=window)


@lru_cache(maxsize=1)
def _weekly():
    out = {}
    s = _search()
    for week in WEEKS:
        f = _features(week, WINDOW)
        recent = s[s["week"].between(week - WINDOW + 1, week)]
        out[week] = f.join(embedder().user_vectors(recent, users=f.index))
    return out


def weekly() -> dict:
    """``{week: features}`` for segmentation: behaviour over two weeks plus query vectors."""
    return {w: f.copy() for w, f in _weekly().items()}


@lru_cache(maxsize=1)
def _behaviour():
    return {week: _features(week, 1) for week in WEEKS}


def behaviour() -> dict:
    """``{week: features of that week alone}``, for the drift alerts."""
    return {w: f.copy() for w, f in _behaviour().items()}


@lru_cache(maxsize=1)
def _fitted():
    stack = pd.concat([_weekly()[w] for w in FIT_WEEKS])
    return dynamic.WeeklySegmenter(n_segments=N_SEGMENTS, n_init=10).fit(stack)


def fitted_segmenter():
    """The segmenter fitted on weeks 1 to 3 (a copy: update it freely)."""
    return copy.deepcopy(_fitted())


@lru_cache(maxsize=1)
def _history():
    seg = fitted_segmenter()
    labels = {w: pd.Series(seg.predict(_weekly()[w]), index=_weekly()[w].index) for w in FIT_WEEKS}
    for week in WEEKS:
        if week in FIT_WEEKS:
            continue
        labels[week] = pd.Series(seg.update(_weekly()[week]), index=_weekly()[week].index)
    return labels, seg


def labels_by_week() -> dict:
    """``{week: Series user -> segment}``: weeks 1-3 predicted, 4-12 updated."""
    return {w: s.copy() for w, s in _history()[0].items()}


def updated_segmenter():
    """The segmenter after the twelve weeks (a copy)."""
    return copy.deepcopy(_history()[1])


def full_refit(week: int):
    """What retraining from scratch gives in ``week``: K-Means, 10 restarts, on the
    last three weeks, with the fitted scaling. Returns the fitted K-Means."""
    seg = _fitted()
    recent = pd.concat([_weekly()[w] for w in range(max(1, week - 2), week + 1)])
    return KMeans(n_clusters=N_SEGMENTS, n_init=10, random_state=0).fit(seg.transform(recent))


@lru_cache(maxsize=1)
def _alerts():
    labels = _history()[0]
    out = {}
    for week in WEEKS:
        if week == 1:
            continue
        table = monitoring.cohort_drift(labels[week - 1], _behaviour()[week - 1], _behaviour()[week], MONITORED)
        out[week] = monitoring.drift_alerts(table)
    return out


def alerts() -> dict:
    """``{week: the drift alerts of that week}`` (weeks 2 to 12)."""
    return {w: a.copy() for w, a in _alerts().items()}


def alert_weeks() -> list:
    return sorted(w for w, a in _alerts().items() if len(a))


def segment_sizes() -> pd.DataFrame:
    """``week, segment, viewers`` for every week, as the SQL of q5 returns it."""
    rows = [(w, int(s), int(n)) for w, lab in sorted(_history()[0].items()) for s, n in lab.value_counts().sort_index().items()]
    return pd.DataFrame(rows, columns=["week", "segment", "viewers"])


def _shares(labels: pd.Series) -> pd.Series:
    return labels.value_counts(normalize=True).sort_index()


# -- helpers for the checks ---------------------------------------------------------------
def _number(answer, what):
    if isinstance(answer, (pd.Series, pd.DataFrame, np.ndarray, list, tuple, dict)):
        return None, f"Expected {what} (one number), got {describe(answer)}."
    if isinstance(answer, bool) or not isinstance(answer, numbers.Number):
        return None, f"Expected {what} (one number), got {describe(answer)}."
    value = float(answer)
    if not np.isfinite(value):
        return None, f"{answer!r} is not a usable number."
    return value, None


# -- q1 -------------------------------------------------------------------------------------
class WeekNumbers(Exercise):
    title = "The week of every view: 1 for the seven days from Monday 2025-01-06, 2 for the next..."
    expects = "a Series of whole numbers from 1 to 12, one per row of watch"
    hints = [
        "Count whole days since 2025-01-06, then whole weeks: floor-divide by 7, and start at 1.",
        "(watch['timestamp'] - pd.Timestamp('2025-01-06')).dt.days // 7 + 1",
        "See solution().",
    ]
    solution_code = """
    week = (watch["timestamp"] - pd.Timestamp("2025-01-06")).dt.days // 7 + 1
    """

    def reference(self):
        return _weeks().copy()

    def diagnose(self, answer):
        ref = _weeks()
        if isinstance(answer, pd.DataFrame) and answer.shape[1] == 1:
            answer = answer.iloc[:, 0]
        if not isinstance(answer, (pd.Series, np.ndarray)):
            return f"Expected {self.expects}, got {describe(answer)}."
        values = pd.Series(np.asarray(answer).ravel())
        if len(values) != len(ref):
            return f"Expected one week per view ({len(ref):,}), got {len(values):,}."
        if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
            return f"Expected numbers, got dtype {values.dtype}."
        v = values.to_numpy(dtype=float)
        r = ref.to_numpy()
        if np.array_equal(v, r):
            return None
        if not np.allclose(v, np.round(v)):
            return "Some weeks are fractions: floor-divide the days by 7 (// 7), do not divide."
        if np.array_equal(v, r - 1):
            return "Your weeks start at 0; the first week is week 1 (add 1)."
        iso = _watch()["timestamp"].dt.isocalendar().week.to_numpy(dtype=float)
        if np.array_equal(v, iso):
            return ("Those are ISO calendar weeks: 2025-01-06 is ISO week 2. Count weeks from the start of the data "
                    "instead, so week 1 is the first week of the log.")
        return f"{int((v != r).sum()):,} views get a different week from (days since 2025-01-06) // 7 + 1."

    def correct_message(self, answer):
        counts = pd.Series(np.asarray(answer)).value_counts().sort_index()
        return f"Weeks {int(counts.index.min())} to {int(counts.index.max())}; {int(counts.iloc[0]):,} views in week 1."


# -- q2 -------------------------------------------------------------------------------------
def _entropy_variants():
    w = _watch()[_weeks() == 5]
    minutes = w.pivot_table(index="user_id", columns="genre", values="minutes", aggfunc="sum", fill_value=0)
    titles = w.pivot_table(index="user_id", columns="genre", values="minutes", aggfunc="size", fill_value=0)

    def entropy(table, log=np.log):
        p = table.div(table.sum(axis=1), axis=0).to_numpy(dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            terms = np.where(p > 0, p * log(np.where(p > 0, p, 1)), 0.0)
        return pd.Series(-terms.sum(axis=1), index=table.index)

    return {"right": _behaviour()[5]["genre_entropy"], "log2": entropy(minutes, np.log2),
            "titles": entropy(titles), "window2": _weekly()[5]["genre_entropy"]}


class GenreEntropy(Exercise):
    title = "Genre diversity in week 5: the entropy of each viewer's minutes across genres"
    expects = "a Series indexed by user_id: -sum(p * ln p) over the genres a viewer watched in week 5"
    hints = [
        "Per viewer: minutes per genre, divided by the viewer's total, gives shares p. Entropy is -sum(p ln p); "
        "genres with p = 0 add nothing.",
        "pivot_table(index='user_id', columns='genre', values='minutes', aggfunc='sum', fill_value=0), "
        "then divide by the row sums.",
        "See solution().",
    ]
    solution_code = """
    week5 = watch[week == 5]
    minutes = week5.pivot_table(index="user_id", columns="genre", values="minutes", aggfunc="sum", fill_value=0)
    p = minutes.div(minutes.sum(axis=1), axis=0)
    entropy_w5 = -(p * np.log(p.where(p > 0, 1))).sum(axis=1)
    """

    def reference(self):
        return _behaviour()[5]["genre_entropy"].copy()

    def diagnose(self, answer):
        v = _entropy_variants()
        ref = v["right"]
        if isinstance(answer, pd.DataFrame) and answer.shape[1] == 1:
            answer = answer.iloc[:, 0]
        if not isinstance(answer, pd.Series):
            return f"Expected {self.expects}, got {describe(answer)}."
        if not pd.api.types.is_numeric_dtype(answer) or pd.api.types.is_bool_dtype(answer):
            return f"Expected numbers, got dtype {answer.dtype}."
        s = pd.Series(answer.to_numpy(dtype=float), index=answer.index.astype(str))
        if set(s.index) != set(ref.index.astype(str)):
            return (f"Expected one value for each of the {len(ref):,} viewers active in week 5, got {len(s):,} "
                    "(index by user_id; week 5 only).")
        s = s.reindex(ref.index.astype(str))
        if s.isna().any():
            return ("Some entropies are NaN: a viewer with a single genre has p = 0 for the others, and 0 * ln 0 "
                    "must count as 0 (use p.where(p > 0, 1) inside the log).")
        for name, message in [("right", None),
                              ("log2", "That is entropy in bits (log2); use the natural log (np.log)."),
                              ("titles", "You counted titles; the shares are of minutes watched."),
                              ("window2", "That uses weeks 4 and 5; the question asks for week 5 alone.")]:
            other = v[name].reindex(ref.index)
            if np.allclose(s.to_numpy(), other.to_numpy(), atol=1e-9):
                return message
        if np.allclose(s.to_numpy(), -v["right"].to_numpy()):
            return "The sign is flipped: entropy is minus the sum of p ln p."
        return "The values differ from -sum(p ln p) of each viewer's minutes shares in week 5."

    def correct_message(self, answer):
        s = pd.Series(np.asarray(answer, dtype=float))
        return (f"Median entropy {s.median():.2f}; {(s == 0).mean():.0%} of viewers watched one genre only "
                f"(the most diverse reach {s.max():.2f}, ln 9 = {np.log(9):.2f} at most).")


# -- q3 -------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def refit_centroids() -> tuple:
    """``(old, new)``: the updated segmenter's centroids before week 12, and a full
    refit's centroids in week 12 in K-Means's own (arbitrary) order."""
    history = _history()[1].history_  # fitted, then one entry per update (weeks 4 to 12)
    return history[-2].copy(), full_refit(12).cluster_centers_.copy()


class MatchCentroids(Exercise):
    title = "Match the refit's centroids to the old ones: the Hungarian algorithm"
    expects = "an integer array `order` of length 5 such that new[order][i] is the centroid matched to old[i]"
    hints = [
        "Build the 5 x 5 table of distances between every old and every new centroid, then find the "
        "one-to-one pairing with the smallest total distance.",
        "scipy.optimize.linear_sum_assignment(cost) returns (rows, cols): old centroid rows[i] pairs with "
        "new centroid cols[i].",
        "See solution().",
    ]
    solution_code = """
    cost = np.linalg.norm(old[:, None, :] - new[None, :, :], axis=2)
    rows, cols = linear_sum_assignment(cost)
    order = cols[np.argsort(rows)]
    """

    def reference(self):
        old, new = refit_centroids()
        return dynamic.match_centroids(old, new)

    def diagnose(self, answer):
        ref = self.reference()
        if isinstance(answer, tuple) and len(answer) == 2:
            return "linear_sum_assignment returns (rows, cols); give the order of the new centroids (cols, by row)."
        try:
            order = np.asarray(answer)
        except Exception:  # noqa: BLE001
            return f"Expected {self.expects}, got {describe(answer)}."
        if order.shape != ref.shape:
            return f"Expected {self.expects}, got shape {order.shape}."
        if order.dtype.kind not in "iu":
            return f"Expected whole numbers (positions of new centroids), got dtype {order.dtype}."
        if np.array_equal(order, ref):
            return None
        if len(set(order.tolist())) < len(order):
            return ("Two old segments took the same new centroid: choosing the nearest for each separately is "
                    "greedy. The Hungarian algorithm pairs them one to one.")
        inverse = np.argsort(ref)
        if np.array_equal(order, inverse):
            return "That maps new to old; the question wants, for each old segment, which new centroid (invert it)."
        if np.array_equal(order, np.arange(len(order))):
            return "That keeps K-Means's order: the refit numbered its clusters at random. Match them."
        return "That pairing does not minimise the total distance between old and new centroids."

    def correct_message(self, answer):
        old, new = refit_centroids()
        moved = np.linalg.norm(old - new[np.asarray(answer)], axis=1)
        return f"Matched; the refit moved each centroid by {', '.join(f'{m:.2f}' for m in moved)} (scaled units)."


# -- q4 -------------------------------------------------------------------------------------
class UpdateLoop(Exercise):
    title = "The weekly loop: update the segmenter with weeks 4 to 12, keeping each week's segments"
    expects = "a dict {week: Series user_id -> segment} for weeks 4 to 12"
    hints = [
        "For each week, segmenter.update(weekly[week]) moves the centroids a little and returns the segments "
        "of that week's viewers, in the order of weekly[week]'s rows.",
        "Wrap the weeks in tqdm(...) for a progress bar; index each result by weekly[week].index.",
        "See solution().",
    ]
    solution_code = """
    updated = {}
    for week in tqdm(range(4, 13), desc="weekly update"):
        updated[week] = pd.Series(segmenter.update(weekly[week]), index=weekly[week].index)
    """

    def reference(self):
        return {w: s for w, s in labels_by_week().items() if w not in FIT_WEEKS}

    def diagnose(self, answer):
        ref = self.reference()
        if not isinstance(answer, dict):
            return f"Expected {self.expects}, got {describe(answer)}."
        weeks = sorted(k for k in answer if isinstance(k, (int, np.integer)))
        if weeks != sorted(ref):
            missing = sorted(set(ref) - set(weeks))
            return f"Expected weeks 4 to 12 as keys; missing {missing}." if missing else \
                f"Expected weeks 4 to 12 as keys, got {sorted(answer, key=str)}."
        for week in sorted(ref):
            got = answer[week]
            if not isinstance(got, pd.Series):
                got = pd.Series(np.asarray(got).ravel()) if hasattr(got, "__len__") else None
                if got is None or len(got) != len(ref[week]):
                    return f"Week {week}: expected a Series of segments per viewer, got {describe(answer[week])}."
                got.index = ref[week].index
            if len(got) != len(ref[week]) or set(map(str, got.index)) != set(map(str, ref[week].index)):
                return f"Week {week}: expected the {len(ref[week]):,} viewers of weekly[{week}], got {len(got):,}."
            got = got.reindex(ref[week].index)
            agree = float((got.to_numpy() == ref[week].to_numpy()).mean())
            if agree == 1.0:
                continue
            if agree >= 0.9:
                return (f"Week {week}: {1 - agree:.1%} of viewers get another segment than segmenter.update gives. "
                        "Did you predict without updating, or update the weeks out of order (4, 5, ..., 12)?")
            score = adjusted_rand_score(ref[week], got)
            if score > 0.8:
                return (f"Week {week}: the groups look right but the segment numbers changed (ARI {score:.2f} with "
                        "the reference, yet few labels equal). Refitting renumbers segments; update() keeps them.")
            return f"Week {week}: the segments differ from segmenter.update(weekly[{week}]) run in week order."
        return None

    def correct_message(self, answer):
        return "Nine weekly updates; segment numbers mean the same thing every week."


# -- q5 -------------------------------------------------------------------------------------
class SegmentSizesSQL(Exercise):
    title = "Segment sizes by week, from the store with SQL"
    expects = "a DataFrame with columns week, segment, viewers (one row per week and segment)"
    hints = [
        "The assignments table has one row per viewer per week: count rows per (week, segment).",
        "SELECT week, segment, count(*) AS viewers FROM assignments GROUP BY week, segment ORDER BY week, segment",
        "See solution().",
    ]
    solution_code = """
    sizes = store.query(
        "SELECT week, segment, count(*) AS viewers FROM assignments GROUP BY week, segment ORDER BY week, segment"
    )
    """

    def reference(self):
        return segment_sizes()

    def diagnose(self, answer):
        ref = segment_sizes()
        if not isinstance(answer, pd.DataFrame):
            return f"Expected {self.expects}, got {describe(answer)}."
        cols = {str(c).lower(): c for c in answer.columns}
        if "week" not in cols or "segment" not in cols:
            if "segment" in cols and len(answer) == N_SEGMENTS:
                return "One row per segment: you counted over all weeks together. GROUP BY week too."
            return f"Expected columns week, segment, viewers; got {list(answer.columns)}."
        value_cols = [c for c in answer.columns if str(c).lower() not in ("week", "segment")]
        if len(value_cols) != 1:
            return f"Expected one count column (viewers) besides week and segment, got {value_cols}."
        got = pd.DataFrame({"week": pd.to_numeric(answer[cols["week"]], errors="coerce"),
                            "segment": pd.to_numeric(answer[cols["segment"]], errors="coerce"),
                            "viewers": pd.to_numeric(answer[value_cols[0]], errors="coerce")})
        if got.isna().any().any():
            return "Some values are not numbers."
        got = got.sort_values(["week", "segment"]).reset_index(drop=True)
        if len(got) != len(ref) or not (got[["week", "segment"]].to_numpy() == ref[["week", "segment"]].to_numpy()).all():
            return f"Expected {len(ref)} rows (12 weeks x {N_SEGMENTS} segments), got {len(got)}."
        if np.allclose(got["viewers"], ref["viewers"]):
            return None
        share = ref["viewers"] / ref.groupby("week")["viewers"].transform("sum")
        if np.allclose(got["viewers"], share) or np.allclose(got["viewers"], 100 * share):
            return "Those are shares; the question asks for counts of viewers (count(*))."
        return "The counts differ from count(*) of assignments per week and segment."

    def correct_message(self, answer):
        ref = segment_sizes()
        return f"{len(ref)} rows; the largest segment in week 12 has {ref[ref['week'] == 12]['viewers'].max():,} viewers."


# -- q6 -------------------------------------------------------------------------------------
def _moved_variants():
    labels = _history()[0]
    a, b = labels[4], labels[5]
    common = a.index.intersection(b.index)
    outer = a.reindex(a.index.union(b.index)) != b.reindex(a.index.union(b.index))
    n = min(len(a), len(b))
    return {"right": monitoring.moved_share(a, b),
            "outer": float(outer.mean()),
            "positional": float((a.to_numpy()[:n] != b.to_numpy()[:n]).mean()),
            "count": float((a.loc[common] != b.loc[common]).sum())}


class MovedShare(Exercise):
    title = "Week 5: the share of viewers active in weeks 4 and 5 whose segment changed"
    expects = "one number between 0 and 1"
    hints = [
        "Only viewers present in both weeks can move. Align the two Series on user_id first.",
        "common = w4.index.intersection(w5.index); (w4[common] != w5[common]).mean()",
        "See solution().",
    ]
    solution_code = """
    w4, w5 = updated[4], updated[5]
    common = w4.index.intersection(w5.index)
    moved_w5 = (w4[common] != w5[common]).mean()
    """

    def reference(self):
        return _moved_variants()["right"]

    def diagnose(self, answer):
        value, problem = _number(answer, "a share")
        if problem:
            return problem
        v = _moved_variants()
        if abs(value - v["right"]) < 1e-9:
            return None
        if abs(value / 100 - v["right"]) < 1e-9:
            return "That is a percentage; give the share (between 0 and 1)."
        if abs(value - v["count"]) < 1e-9:
            return "That is the number of viewers who moved; divide by the viewers present in both weeks."
        if abs(value - v["outer"]) < 1e-9:
            return ("You counted viewers present in only one week as movers: new and departed viewers did not "
                    "change segment. Keep viewers present in both weeks.")
        if abs(value - v["positional"]) < 1e-9:
            return "You compared rows by position; the two weeks list different viewers. Align on user_id."
        return "That does not match the share of common viewers whose segment differs between weeks 4 and 5."

    def correct_message(self, answer):
        quiet = np.mean([monitoring.moved_share(_history()[0][w - 1], _history()[0][w]) for w in (3, 4)])
        return f"{float(answer):.1%} moved in week 5, against {quiet:.1%} in a quiet week: the hit series."


# -- q7 -------------------------------------------------------------------------------------
def _psi_variants():
    labels = _history()[0]
    e, a = _shares(labels[4]), _shares(labels[5])
    e, a = e.reindex(e.index.union(a.index), fill_value=1e-4), a.reindex(e.index.union(a.index), fill_value=1e-4)
    ec, ac = labels[4].value_counts().sort_index(), labels[5].value_counts().sort_index()
    return {"right": float(((a - e) * np.log(a / e)).sum()),
            "log10": float(((a - e) * np.log10(a / e)).sum()),
            "abs": float((a - e).abs().sum()),
            "counts": float(((ac - ec) * np.log(ac / ec)).sum())}


class SizePSI(Exercise):
    title = "PSI of segment sizes, week 5 against week 4, by hand"
    expects = "one number: sum over segments of (a - e) * ln(a / e), with shares a (week 5) and e (week 4)"
    hints = [
        "Shares, not counts: value_counts(normalize=True) for each week, aligned on segment.",
        "psi = ((a - e) * np.log(a / e)).sum()",
        "See solution().",
    ]
    solution_code = """
    e = updated[4].value_counts(normalize=True).sort_index()
    a = updated[5].value_counts(normalize=True).sort_index()
    psi_w5 = float(((a - e) * np.log(a / e)).sum())
    """

    def reference(self):
        return _psi_variants()["right"]

    def diagnose(self, answer):
        if isinstance(answer, pd.Series):
            return "That is one term per segment; sum them into one number."
        value, problem = _number(answer, "the PSI")
        if problem:
            return problem
        v = _psi_variants()
        if abs(value - v["right"]) < 1e-6:
            return None
        for name, message in [("log10", "Use the natural log (np.log), not log10: the 0.1 and 0.25 lines assume ln."),
                              ("abs", "That is the total absolute change in shares; PSI weighs it by ln(a / e)."),
                              ("counts", "You used counts; PSI compares shares (value_counts(normalize=True)).")]:
            if abs(value - v[name]) < 1e-6:
                return message
        if value < 0:
            return "PSI is never negative: each term (a - e) ln(a / e) is >= 0."
        return "That does not match sum((a - e) * ln(a / e)) over the segments' shares."

    def correct_message(self, answer):
        return (f"PSI {float(answer):.3f}: {monitoring.psi_level(float(answer))} (below 0.1 stable, 0.1 to 0.25 "
                "moderate, above 0.25 significant).")


# -- q8 -------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _alert_variants():
    labels = _history()[0]
    moderate, by_size = [], []
    for week in WEEKS:
        if week == 1:
            continue
        table = monitoring.cohort_drift(labels[week - 1], _behaviour()[week - 1], _behaviour()[week], MONITORED)
        if len(monitoring.drift_alerts(table, threshold=monitoring.PSI_MODERATE)):
            moderate.append(week)
        if monitoring.psi(labels[week - 1], labels[week]) >= monitoring.PSI_MODERATE:
            by_size.append(week)
    return {"moderate": moderate, "size": by_size}


class AlertWeeks(Exercise):
    title = "The weeks (2 to 12) with at least one drift alert (cohort PSI >= 0.25)"
    expects = "a sorted list of week numbers"
    hints = [
        "For each week from 2: cohort_drift(labels of last week, behaviour of last week, behaviour of this week, "
        "MONITORED), then drift_alerts(table). A week with any row has an alert.",
        "drift_alerts uses the 0.25 'significant' line by default.",
        "See solution().",
    ]
    solution_code = """
    alert_weeks = []
    for week in range(2, 13):
        table = monitoring.cohort_drift(labels[week - 1], behaviour[week - 1], behaviour[week], MONITORED)
        if len(monitoring.drift_alerts(table)):
            alert_weeks.append(week)
    """

    def reference(self):
        return alert_weeks()

    def diagnose(self, answer):
        if isinstance(answer, (str, bytes)) or not hasattr(answer, "__iter__") or isinstance(answer, dict):
            return f"Expected {self.expects}, got {describe(answer)}."
        try:
            weeks = sorted(int(w) for w in answer)
        except (TypeError, ValueError):
            return "Expected week numbers (whole numbers from 2 to 12)."
        ref = alert_weeks()
        if weeks == ref:
            return None
        v = _alert_variants()
        if weeks == v["moderate"]:
            return ("0.1 is the 'moderate' line: it also fires in quiet weeks on noise. Alerts use the "
                    "'significant' line, 0.25 (the default of drift_alerts).")
        if weeks == v["size"]:
            return ("Those are the weeks segment sizes shifted. Segments use two weeks of behaviour, so they follow "
                    "a change one week late; the alerts watch behaviour itself.")
        if weeks == [w - 1 for w in ref]:
            return "Off by one: label each table with the later of the two weeks it compares."
        extra, missing = sorted(set(weeks) - set(ref)), sorted(set(ref) - set(weeks))
        return f"Compared with cohort_drift + drift_alerts: extra weeks {extra}, missing weeks {missing}."

    def correct_message(self, answer):
        return (f"Alerts in weeks {', '.join(map(str, answer))}: the hit series (5), the tournament (6-8) and its "
                "end (9), school term (10). Quiet weeks stay quiet.")


q1 = WeekNumbers()
q2 = GenreEntropy()
q3 = MatchCentroids()
q4 = UpdateLoop()
q5 = SegmentSizesSQL()
q6 = MovedShare()
q7 = SizePSI()
q8 = AlertWeeks()

EXERCISES = bind(globals(), "05")
