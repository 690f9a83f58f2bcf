"""Exercises for notebook 05, dynamic weekly segmentation (case study).

q1 week numbers                          q5 segment sizes by week, in SQL
q2 genre entropy of week 5               q6 share of viewers who changed segment in week 5
q3 the weekly update loop                q7 PSI of segment sizes, week 5 against week 4
q4 match refitted centroids (assignment) q8 the weeks with drift alerts

The reference pipeline (features, segmenter, weekly labels, alerts) lives in
:mod:`course_utils.lessons.nb05`.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score

from course_utils import monitoring
from course_utils.course import answers
from course_utils.course.answers import AnswerError, describe, id_key
from course_utils.course.checks import ____  # noqa: F401 (re-exported for the notebook)
from course_utils.course.declare import Mistake
from course_utils.course.kinds import NumericExercise, ValueExercise
from course_utils.course.registry import register
from course_utils.lessons import nb05 as lesson


def _keys(index) -> list:
    return [id_key(v) for v in index]


def _aligned_if_same_ids(s: pd.Series, index: pd.Index):
    """``s`` reordered to ``index`` when it holds exactly those ids (in any order), else None."""
    if s.index.equals(index):
        return s
    if len(s) != len(index) or not s.index.is_unique:
        return None
    if s.index.isin(index).all():
        return s.reindex(index)
    if s.index.dtype == index.dtype:
        return None
    keys = _keys(s.index)  # ids of another type: 12346.0 for 12346, "7" for 7
    if len(set(keys)) == len(keys) and set(keys) == set(_keys(index)):
        return answers.aligned(s, index)
    return None


def _one_column(answer, expects: str, kinds=(pd.Series,)):
    """A one-column DataFrame's column, or the answer itself when it is one of ``kinds``."""
    if isinstance(answer, pd.DataFrame) and answer.shape[1] == 1:
        answer = answer.iloc[:, 0]
    if not isinstance(answer, kinds):
        raise answers.expected(expects, answer)
    return answer


def _require_real(values) -> None:
    if not pd.api.types.is_numeric_dtype(values) or values.dtype.kind in "bc":
        raise answers.mismatch("numbers", f"dtype {values.dtype}")


# -- q1 -------------------------------------------------------------------------------------
def _iso_weeks():
    return lesson.watch.shared()["timestamp"].dt.isocalendar().week


class WeekNumbers(ValueExercise):
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
    mistakes = (
        Mistake("fractions", "Some weeks are fractions: floor-divide the days by 7 (// 7), do not divide.",
                when=lambda v: not np.allclose(v, np.round(v)),
                example=lambda: lesson.weeks.shared() - 0.5),
        Mistake("zero_based", "Your weeks start at 0; the first week is week 1 (add 1).",
                wrong=lambda: lesson.weeks() - 1),
        Mistake("iso_weeks", "Those are ISO calendar weeks: 2025-01-06 is ISO week 2. Count weeks from the start of "
                             "the data instead, so week 1 is the first week of the log.",
                wrong=_iso_weeks),
    )

    def reference(self):
        return lesson.weeks()

    def convert(self, answer):
        """The weeks as floats, one per row of watch (aligned when the index is watch's, in any order)."""
        n = len(lesson.weeks.shared())
        answer = _one_column(answer, self.expects, (pd.Series, np.ndarray))
        if isinstance(answer, pd.Series) and len(answer) == n:
            aligned = _aligned_if_same_ids(answer, lesson.weeks.shared().index)
            answer = answer if aligned is None else aligned  # another row order of watch's rows is fine
        values = pd.Series(np.asarray(answer).ravel())
        if len(values) != n:
            raise answers.mismatch(f"one week per view ({n:,})", f"{len(values):,}")
        _require_real(values)
        return values.to_numpy(dtype=float)

    def same(self, value, other):
        return bool(np.array_equal(value, other))

    def accepts(self, value):
        return self.same(value, lesson.weeks.shared().to_numpy())

    def explain(self, value):
        wrong = int((value != lesson.weeks.shared().to_numpy()).sum())
        return f"{wrong:,} views get a different week from (days since 2025-01-06) // 7 + 1."

    def correct_message(self, answer):
        counts = pd.Series(self.convert(answer)).value_counts().sort_index()
        return f"Weeks {int(counts.index.min())} to {int(counts.index.max())}; {int(counts.iloc[0]):,} views in week 1."


# -- q2 -------------------------------------------------------------------------------------
def _week5_entropy(aggfunc: str, log=np.log) -> pd.Series:
    """Entropy of each week-5 viewer's genre shares of minutes (``sum``) or titles (``size``)."""
    w = lesson.watch.shared()[lesson.weeks.shared() == 5]
    table = w.pivot_table(index="user_id", columns="genre", values="minutes", aggfunc=aggfunc, fill_value=0)
    p = table.div(table.sum(axis=1), axis=0).to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(p > 0, p * log(np.where(p > 0, p, 1)), 0.0)
    return pd.Series(-terms.sum(axis=1), index=table.index)


class GenreEntropy(ValueExercise):
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
    mistakes = (
        Mistake("nan_for_zero_shares",
                "Some entropies are NaN: a viewer with a single genre has p = 0 for the others, and 0 * ln 0 must "
                "count as 0 (use p.where(p > 0, 1) inside the log).",
                when=lambda s: bool(s.isna().any()),
                example=lambda: lesson.entropy_w5().where(lesson.entropy_w5.shared() > 0)),
        Mistake("log2", "That is entropy in bits (log2); use the natural log (np.log).",
                wrong=lambda: _week5_entropy("sum", np.log2)),
        Mistake("titles", "You counted titles; the shares are of minutes watched.",
                wrong=lambda: _week5_entropy("size")),
        Mistake("two_weeks", "That uses weeks 4 and 5; the question asks for week 5 alone.",
                wrong=lambda: lesson.weekly.shared()[5]["genre_entropy"].reindex(lesson.entropy_w5.shared().index)),
        Mistake("sign", "The sign is flipped: entropy is minus the sum of p ln p.",
                wrong=lambda: -lesson.entropy_w5()),
    )

    def reference(self):
        return lesson.entropy_w5()

    def convert(self, answer):
        ref = lesson.entropy_w5.shared()
        answer = _one_column(answer, self.expects)
        _require_real(answer)
        s = _aligned_if_same_ids(answer, ref.index)
        if s is None:
            raise AnswerError(f"Expected one value for each of the {len(ref):,} viewers active in week 5, got "
                              f"{len(answer):,} (index by user_id; week 5 only).")
        return s.astype(float)

    def same(self, value, other):
        return bool(np.allclose(value.to_numpy(), other.to_numpy(dtype=float), atol=1e-9))

    def accepts(self, value):
        return self.same(value, lesson.entropy_w5.shared())

    def explain(self, value):
        return "The values differ from -sum(p ln p) of each viewer's minutes shares in week 5."

    def correct_message(self, answer):
        s = self.convert(answer)
        return (f"Median entropy {s.median():.2f}; {(s == 0).mean():.0%} of viewers watched one genre only "
                f"(the most diverse reach {s.max():.2f}, ln 9 = {np.log(9):.2f} at most).")


# -- q3 -------------------------------------------------------------------------------------
def _first_difference(value: dict):
    """``(week, agreement)`` of the first week whose segments differ from the reference, or None."""
    ref = lesson.updated.shared()
    for week in sorted(ref):
        agree = float((value[week] == ref[week].to_numpy()).mean())
        if agree < 1.0:
            return week, agree
    return None


def _not_updated(value) -> bool:
    diff = _first_difference(value)
    return diff is not None and diff[1] >= 0.9


def _renumbering_ari(value) -> float:
    week, _ = _first_difference(value)
    return float(adjusted_rand_score(lesson.updated.shared()[week], value[week]))


def _renumbered(value) -> bool:
    diff = _first_difference(value)
    return diff is not None and diff[1] < 0.9 and _renumbering_ari(value) > 0.8


def _predicted_without_update() -> dict:
    seg, weekly = lesson.fitted_segmenter.shared(), lesson.weekly.shared()
    return {w: pd.Series(seg.predict(weekly[w]), index=weekly[w].index) for w in lesson.updated.shared()}


class UpdateLoop(ValueExercise):
    title = "The weekly loop: update the segmenter with weeks 4 to 12, keeping each week's segments"
    expects = "a dict {week: Series user_id -> segment} for weeks 4 to 12"
    hints = [
        "The segmenter has a method that takes one week's features, moves the centres toward that week's viewers "
        "and returns their segments. Call it once per week, in week order.",
        "segmenter.update(weekly[week]) returns one segment per row of weekly[week]: index the result by "
        "weekly[week].index.",
        "See solution().",
    ]
    solution_code = """
    updated = {}
    for week in range(4, 13):
        updated[week] = pd.Series(segmenter.update(weekly[week]), index=weekly[week].index)
    """
    mistakes = (
        Mistake("not_updated",
                lambda v: (f"Week {_first_difference(v)[0]}: {1 - _first_difference(v)[1]:.1%} of viewers get another "
                           "segment than segmenter.update gives. Did you predict without updating, update the weeks "
                           "out of order (4, 5, ..., 12), or run the loop twice (each run updates again: refit the "
                           "segmenter in section 4 first)?"),
                when=_not_updated, example=_predicted_without_update),
        Mistake("renumbered",
                lambda v: (f"Week {_first_difference(v)[0]}: the groups look right but the segment numbers changed "
                           f"(ARI {_renumbering_ari(v):.2f} with the reference, yet few labels equal). Refitting "
                           "renumbers segments; update() keeps them."),
                when=_renumbered,
                example=lambda: {w: (s + 1) % lesson.N_SEGMENTS for w, s in lesson.updated().items()}),
    )

    def reference(self):
        return lesson.updated()

    def convert(self, answer):
        """``{week: labels aligned with the reference's viewers}``."""
        ref = lesson.updated.shared()
        if not isinstance(answer, dict):
            raise answers.expected(self.expects, answer)
        keys = {int(k): k for k in answer if isinstance(k, (int, np.integer))}  # week -> the key as given
        if sorted(keys) != sorted(ref):
            missing = sorted(set(ref) - set(keys))
            if missing:
                raise AnswerError(f"Expected weeks 4 to 12 as keys; missing {missing}.")
            given = [int(k) if isinstance(k, (int, np.integer)) else k for k in answer]
            raise answers.mismatch("weeks 4 to 12 as keys", f"{sorted(given, key=str)}")
        return {week: self._week(answer[keys[week]], week, ref[week]) for week in sorted(ref)}

    @staticmethod
    def _week(given, week, ref: pd.Series) -> np.ndarray:
        """One week's segments, aligned with the reference's viewers (rows in weekly[week]'s order if unlabelled)."""
        got = given.iloc[:, 0] if isinstance(given, pd.DataFrame) and given.shape[1] == 1 else given
        if isinstance(got, pd.Series):
            aligned = _aligned_if_same_ids(got, ref.index)
            if aligned is None and len(got) == len(ref):  # as many rows, other labels: say which
                try:
                    aligned = answers.aligned(got, ref.index, "your Series")
                except AnswerError as exc:
                    raise AnswerError(f"Week {week}: {exc}") from None
            if aligned is None:
                raise AnswerError(f"Week {week}: expected the {len(ref):,} viewers of weekly[{week}], "
                                  f"got {len(got):,}.")
            got = aligned
        else:
            try:
                got = np.asarray(got).ravel() if isinstance(got, (np.ndarray, list, tuple, pd.Index, pd.DataFrame)) \
                    else None
            except Exception:  # ragged lists and the like
                got = None
            if got is None or len(got) != len(ref):
                raise AnswerError(f"Week {week}: expected a Series of segments per viewer, got {describe(given)}.")
        try:
            return answers.labels(got, len(ref), "segments")
        except AnswerError:
            raise AnswerError(f"Week {week}: expected whole-number segments, one per viewer, got "
                              f"{describe(given)}.") from None

    def same(self, value, other):
        return all(np.array_equal(value[w], np.asarray(other[w])) for w in other)

    def accepts(self, value):
        return _first_difference(value) is None

    def explain(self, value):
        week, _ = _first_difference(value)
        return f"Week {week}: the segments differ from segmenter.update(weekly[{week}]) run in week order."

    def correct_message(self, answer):
        return "Nine weekly updates; segment numbers mean the same thing every week."


# -- q4 -------------------------------------------------------------------------------------
class MatchCentroids(ValueExercise):
    title = "Match the refit's centroids to the old ones: the one-to-one pairing with the smallest total distance"
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
    mistakes = (
        Mistake("rows_and_cols",
                "linear_sum_assignment returns (rows, cols); give the order of the new centroids (cols, by row).",
                when=lambda a: isinstance(a, tuple) and len(a) == 2, raw=True,
                example=lambda: (np.arange(lesson.N_SEGMENTS), lesson.centroid_order())),
        Mistake("greedy", "Two old segments took the same new centroid: choosing the nearest for each separately is "
                          "greedy. Pair them one to one with the smallest total distance (an assignment problem: "
                          "linear_sum_assignment).",
                when=lambda order: len(set(order.tolist())) < len(order),
                example=lambda: np.zeros(lesson.N_SEGMENTS, dtype=int)),
        Mistake("new_to_old", "That maps new to old; the question wants, for each old segment, which new centroid "
                              "(invert it).",
                wrong=lambda: np.argsort(lesson.centroid_order.shared())),
        Mistake("kmeans_order", "That keeps K-Means's order: the refit numbered its clusters at random. Match them.",
                wrong=lambda: np.arange(lesson.N_SEGMENTS)),
    )

    def reference(self):
        return lesson.centroid_order()

    def convert(self, answer):
        ref = lesson.centroid_order.shared()
        try:
            order = np.asarray(answer)
        except Exception:  # whatever np.asarray chokes on is not an order
            raise answers.expected(self.expects, answer) from None
        if order.shape != ref.shape:
            raise answers.mismatch(self.expects, f"shape {order.shape}")
        if order.dtype.kind not in "iu":
            raise answers.mismatch("whole numbers (positions of new centroids)", f"dtype {order.dtype}")
        return order.astype(int)

    def same(self, value, other):
        return bool(np.array_equal(value, other))

    def accepts(self, value):
        return self.same(value, lesson.centroid_order.shared())

    def explain(self, value):
        return "That pairing does not minimise the total distance between old and new centroids."

    def correct_message(self, answer):
        old, new = lesson.refit_centroids.shared()
        moved = np.linalg.norm(old - new[self.convert(answer)], axis=1)
        return f"Matched; the refit moved each centroid by {', '.join(f'{m:.2f}' for m in moved)} (scaled units)."


# -- q5 -------------------------------------------------------------------------------------
def _shares_of_week(scale: float = 1.0) -> pd.DataFrame:
    """Each segment's share of its week's viewers, times ``scale`` (the wrong kind of number for q5)."""
    sizes = lesson.segment_sizes()
    return sizes.assign(viewers=scale * sizes["viewers"] / sizes.groupby("week")["viewers"].transform("sum"))


SHARES_NOT_COUNTS = "Those are shares; the question asks for counts of viewers (count(*))."


class SegmentSizesSQL(ValueExercise):
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
    mistakes = (
        Mistake("all_weeks_together", "One row per segment: you counted over all weeks together. GROUP BY week too.",
                when=lambda a: isinstance(a, pd.DataFrame) and len(a) == lesson.N_SEGMENTS
                and {str(c).lower() for c in a.columns} & {"week", "segment"} == {"segment"},
                raw=True,
                example=lambda: lesson.segment_sizes().groupby("segment", as_index=False)["viewers"].sum()),
        Mistake("shares", SHARES_NOT_COUNTS, wrong=_shares_of_week),
        Mistake("percentages", SHARES_NOT_COUNTS, wrong=lambda: _shares_of_week(100)),
    )

    def reference(self):
        return lesson.segment_sizes()

    def convert(self, answer):
        """``week, segment, viewers`` as numbers, sorted by week and segment."""
        ref = lesson.segment_sizes.shared()
        table = answers.frame(answer, self.expects)
        names = [str(c).lower() for c in table.columns]
        if "week" not in names or "segment" not in names:
            raise AnswerError(f"Expected columns week, segment, viewers; got {list(table.columns)}.")
        value_cols = [c for c, name in zip(table.columns, names) if name not in ("week", "segment")]
        if len(value_cols) != 1:
            raise answers.mismatch("one count column (viewers) besides week and segment", f"{value_cols}")
        position = {name: i for i, name in enumerate(names)}  # the last column of each name
        try:
            got = pd.DataFrame({col: pd.to_numeric(table.iloc[:, position[name]], errors="coerce")
                                for col, name in (("week", "week"), ("segment", "segment"),
                                                  ("viewers", str(value_cols[0]).lower()))})
        except Exception:  # cells holding lists, objects that refuse to be read...
            raise AnswerError("Some values are not numbers.") from None
        if got.isna().any().any():
            raise AnswerError("Some values are not numbers.")
        got = got.sort_values(["week", "segment"]).reset_index(drop=True)
        if len(got) != len(ref):
            raise answers.mismatch(f"{len(ref)} rows (12 weeks x {lesson.N_SEGMENTS} segments)", f"{len(got)}")
        if not (got[["week", "segment"]].to_numpy() == ref[["week", "segment"]].to_numpy()).all():
            raise AnswerError(f"Expected one row for each week (1 to 12) and segment (0 to {lesson.N_SEGMENTS - 1}); "
                              "some of your week or segment values differ. Count the assignments table as it is.")
        return got

    def same(self, value, other):
        return bool(np.allclose(value["viewers"].to_numpy(dtype=float), other["viewers"].to_numpy(dtype=float)))

    def accepts(self, value):
        return self.same(value, lesson.segment_sizes.shared())

    def explain(self, value):
        return "The counts differ from count(*) of assignments per week and segment."

    def correct_message(self, answer):
        ref = lesson.segment_sizes.shared()
        largest = ref.loc[ref["week"] == 12, "viewers"].max()
        return f"{len(ref)} rows; the largest segment in week 12 has {largest:,} viewers."


# -- q6 -------------------------------------------------------------------------------------
def _weeks_4_and_5():
    labels = lesson.labels_by_week.shared()
    return labels[4], labels[5]


def _moved_count() -> float:
    a, b = _weeks_4_and_5()
    common = a.index.intersection(b.index)
    return float((a.loc[common] != b.loc[common]).sum())


def _moved_share_with_newcomers() -> float:
    a, b = _weeks_4_and_5()
    union = a.index.union(b.index)
    return float((a.reindex(union) != b.reindex(union)).mean())


def _moved_share_by_position() -> float:
    a, b = _weeks_4_and_5()
    n = min(len(a), len(b))
    return float((a.to_numpy()[:n] != b.to_numpy()[:n]).mean())


class MovedShare(NumericExercise):
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
    tolerance = 1e-7  # float32 arithmetic is right too; one viewer more or less moves the share by 1.5e-4
    share = True
    mistakes = (
        Mistake("count", "That is the number of viewers who moved; divide by the viewers present in both weeks.",
                wrong=_moved_count),
        Mistake("newcomers_counted",
                "You counted viewers present in only one week as movers: new and departed viewers did not change "
                "segment. Keep viewers present in both weeks.",
                wrong=_moved_share_with_newcomers),
        Mistake("by_position", "You compared rows by position; the two weeks list different viewers. Align on user_id.",
                wrong=_moved_share_by_position),
    )

    def reference(self):
        return lesson.moved_w5()

    def convert(self, answer):
        return answers.number(answer, "a share (one number)")

    def explain(self, value):
        return "That does not match the share of common viewers whose segment differs between weeks 4 and 5."

    def correct_message(self, answer):
        labels = lesson.labels_by_week.shared()
        quiet = np.mean([monitoring.moved_share(labels[w - 1], labels[w]) for w in (3, 4)])
        return f"{self.convert(answer):.1%} moved in week 5, against {quiet:.1%} in a quiet week: the hit series."


# -- q7 -------------------------------------------------------------------------------------
def _shares_4_and_5():
    labels = lesson.labels_by_week.shared()
    return lesson.aligned_shares(labels[4], labels[5])


def _psi_terms() -> pd.Series:
    e, a = _shares_4_and_5()
    return (a - e) * np.log(a / e)


def _psi_log10() -> float:
    e, a = _shares_4_and_5()
    return float(((a - e) * np.log10(a / e)).sum())


def _total_absolute_change() -> float:
    e, a = _shares_4_and_5()
    return float((a - e).abs().sum())


def _psi_of_counts() -> float:
    labels = lesson.labels_by_week.shared()
    ec, ac = labels[4].value_counts().sort_index(), labels[5].value_counts().sort_index()
    return float(((ac - ec) * np.log(ac / ec)).sum())


class SizePSI(NumericExercise):
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
    tolerance = 1e-6
    mistakes = (
        Mistake("terms_not_summed", "That is one term per segment; sum them into one number.",
                when=lambda a: isinstance(a, pd.Series), raw=True,
                example=_psi_terms),
        Mistake("log10", "Use the natural log (np.log), not log10: the 0.1 and 0.25 lines assume ln.",
                wrong=_psi_log10),
        Mistake("absolute_change", "That is the total absolute change in shares; PSI weighs it by ln(a / e).",
                wrong=_total_absolute_change),
        Mistake("counts", "You used counts; PSI compares shares (value_counts(normalize=True)).",
                wrong=_psi_of_counts),
        Mistake("negative", "PSI is never negative: each term (a - e) ln(a / e) is >= 0.",
                when=lambda v: v < 0, example=lambda: -lesson.psi_w5()),
    )

    def reference(self):
        return lesson.psi_w5()

    def convert(self, answer):
        return answers.number(answer, "the PSI (one number)")

    def explain(self, value):
        return "That does not match sum((a - e) * ln(a / e)) over the segments' shares."

    def correct_message(self, answer):
        value = self.convert(answer)
        return (f"PSI {value:.3f}: {monitoring.psi_level(value)} (below 0.1 stable, 0.1 to 0.25 "
                "moderate, above 0.25 significant).")


# -- q8 -------------------------------------------------------------------------------------
def alerts_at_moderate_line() -> list:
    """The weeks with an alert if alerts fired at the 'moderate' line (0.1) instead of 0.25."""
    return [w for w, table in lesson.drift_tables.shared().items()
            if len(monitoring.drift_alerts(table, threshold=monitoring.PSI_MODERATE))]


def size_shift_weeks() -> list:
    """The weeks whose segment sizes shifted (PSI >= 0.1 against the week before)."""
    labels = lesson.labels_by_week.shared()
    return [w for w in lesson.WEEKS
            if w != 1 and monitoring.psi(labels[w - 1], labels[w]) >= monitoring.PSI_MODERATE]


def _week_number(w) -> int:
    """One week number from an int, a whole float or its text ("7")."""
    try:
        if isinstance(w, str) and w.strip().isdigit():
            return int(w.strip())
        return answers.number(w, whole=True)
    except AnswerError:
        raise AnswerError("Expected week numbers (whole numbers from 2 to 12).") from None


class AlertWeeks(ValueExercise):
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
    mistakes = (
        Mistake("moderate_line",
                "0.1 is the 'moderate' line: it also fires in quiet weeks on noise. Alerts use the 'significant' "
                "line, 0.25 (the default of drift_alerts).",
                wrong=alerts_at_moderate_line),
        Mistake("segment_sizes",
                "Those are the weeks segment sizes shifted. Segments use two weeks of behaviour, so they follow a "
                "change one week late; the alerts watch behaviour itself.",
                wrong=size_shift_weeks),
        Mistake("off_by_one", "Off by one: label each table with the later of the two weeks it compares.",
                wrong=lambda: [w - 1 for w in lesson.alert_weeks.shared()]),
    )

    def reference(self):
        return lesson.alert_weeks()

    def convert(self, answer):
        """The weeks as a sorted list of ints."""
        if isinstance(answer, (str, bytes, Mapping, pd.DataFrame)) or not isinstance(answer, Collection) \
                or isinstance(answer, np.ndarray) and answer.ndim != 1:
            raise answers.expected(self.expects, answer)
        return sorted(_week_number(w) for w in answer)

    def same(self, value, other):
        return list(value) == list(other)

    def accepts(self, value):
        return self.same(value, lesson.alert_weeks.shared())

    def explain(self, weeks):
        ref = lesson.alert_weeks.shared()
        extra, missing = sorted(set(weeks) - set(ref)), sorted(set(ref) - set(weeks))
        return f"Compared with cohort_drift + drift_alerts: extra weeks {extra}, missing weeks {missing}."

    def correct_message(self, answer):
        return (f"Alerts in weeks {', '.join(map(str, self.convert(answer)))}: the hit series (5), the tournament "
                "(6-8) and its end (9), school term (10). Quiet weeks stay quiet.")


q1 = WeekNumbers("q1")
q2 = GenreEntropy("q2")
q3 = UpdateLoop("q3")
q4 = MatchCentroids("q4")
q5 = SegmentSizesSQL("q5")
q6 = MovedShare("q6")
q7 = SizePSI("q7")
q8 = AlertWeeks("q8")

EXERCISES = register(__name__, [q1, q2, q3, q4, q5, q6, q7, q8])
