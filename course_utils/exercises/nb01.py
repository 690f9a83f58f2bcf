"""Exercises for notebook 01, RFM segmentation with K-Means.

q1 cancellation mask      q6 choose k from the three views
q2 snapshot date          q7 argue that k (written, with a rubric)
q3 the RFM table          q8 name the clusters from their profile
q4 the recency score      q9 a chance-corrected score against the planted truth
q5 the features K-Means sees (your transformation)
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import (
    accuracy_score,
    adjusted_mutual_info_score,
    adjusted_rand_score,
    normalized_mutual_info_score,
    rand_score,
)
from sklearn.preprocessing import MinMaxScaler, RobustScaler, StandardScaler

from course_utils import clustering, rfm
from course_utils.course import answers
from course_utils.course.answers import AnswerError, describe, id_key
from course_utils.course.checks import ____  # also re-exported for the notebook
from course_utils.course.declare import Mistake
from course_utils.course.kinds import NumericExercise, RubricItem, ValueExercise, WrittenExercise
from course_utils.course.registry import register
from course_utils.lessons import nb01 as lesson

KS = lesson.KS
COLS = list(rfm.RFM_COLUMNS)


# -- q1 ---------------------------------------------------------------------------
def _raw():
    return lesson.raw.shared()


class CancellationMask(ValueExercise):
    title = "A boolean mask of the cancellation lines in the raw data"
    expects = "a boolean Series aligned with raw (True for cancellation lines)"
    hints = [
        "In this shop's system a cancelled invoice gets the invoice number of a new "
        "invoice with a letter in front. Which letter?",
        "raw['InvoiceNo'] is text: the .str accessor has startswith.",
        "raw['InvoiceNo'].str.startswith('C')",
    ]
    solution_code = """
    is_cancellation = raw["InvoiceNo"].str.startswith("C")
    """
    mistakes = (
        Mistake(
            "rows_not_mask",
            "You returned the cancellation rows themselves; return the mask (True/False per row) instead.",
            when=lambda a: isinstance(a, pd.DataFrame) and len(a) == int(lesson.is_cancellation.shared().sum()),
            raw=True,
            example=lambda: _raw()[lesson.is_cancellation.shared()],
        ),
        Mistake(
            "inverted",
            "Your mask is inverted: it is True for the purchases. Cancellations are the True ones.",
            wrong=lambda: ~lesson.is_cancellation(),
        ),
        Mistake(
            "all_false",
            "Your mask is all False. Cancelled invoice numbers start with a capital 'C'.",
            when=lambda m: not m.any(),
            example=lambda: _raw()["InvoiceNo"].str.startswith("c"),
        ),
        Mistake(
            "negative_quantity",
            lambda m: (
                f"That is 'Quantity < 0': it also catches "
                f"{int(((_raw()['Quantity'] < 0) & ~lesson.is_cancellation.shared()).sum())} stock adjustments "
                "(negative quantity on an ordinary invoice: damaged or lost stock), which are not cancellations. "
                "Use the invoice number."
            ),
            wrong=lambda: _raw()["Quantity"] < 0,
        ),
    )

    def reference(self):
        return lesson.is_cancellation()

    def convert(self, answer):
        n = len(_raw())
        if isinstance(answer, (pd.Series, np.ndarray)) and np.ndim(answer) == 1 and len(answer) != n:
            raise AnswerError(f"The mask has {len(answer)} values but raw has {n} rows; build it from a column of "
                              "raw.")
        if isinstance(answer, pd.Series) and answer.isna().any():
            raise AnswerError("The mask has missing values; InvoiceNo has none, so use str.startswith on it "
                              "(na=False is safe).")
        return answers.mask(answer, _raw().index, "the mask")

    def same(self, value, other):
        return bool(np.array_equal(value, other))

    def explain(self, m):
        return f"{int((m != lesson.is_cancellation.shared().to_numpy()).sum())} rows are classified differently " \
               "from the invoice-number rule."

    def correct_message(self, answer):
        ref = lesson.is_cancellation.shared()
        return (f"{int(ref.sum()):,} cancellation lines ({ref.mean():.1%} of rows) in "
                f"{_raw().loc[ref, 'InvoiceNo'].nunique():,} cancelled invoices.")


# -- q2 ---------------------------------------------------------------------------
def _last():
    return lesson.clean.shared()["InvoiceDate"].max()


class SnapshotDate(ValueExercise):
    title = "The snapshot date: the day after the last purchase in the clean data, at midnight"
    expects = "a pandas Timestamp (a date at midnight)"
    hints = [
        "Recency needs a 'today' that is fixed by the data, not by your clock.",
        "Take the latest InvoiceDate, drop the time of day, add one day.",
        "clean['InvoiceDate'].max().normalize() + pd.Timedelta(days=1)",
    ]
    solution_code = """
    snapshot = clean["InvoiceDate"].max().normalize() + pd.Timedelta(days=1)
    """
    mistakes = (
        Mistake("not_normalized", "Almost: drop the time of day first (.normalize()), then add one day.",
                wrong=lambda: _last() + pd.Timedelta(days=1)),
        Mistake("time_of_day", "Right day, but keep it at midnight (no time of day) so recency counts whole days.",
                when=lambda v: v != lesson.snapshot() and v.normalize() == lesson.snapshot(),
                example=lambda: lesson.snapshot() + pd.Timedelta(hours=9)),
        Mistake("today",
                "That looks like today's date. The data ends in December 2011: measured from today every customer "
                "looks lost. Use the day after the last purchase in the data.",
                when=lambda v: v.normalize() >= pd.Timestamp.today().normalize() - pd.Timedelta(days=2),
                example=lambda: pd.Timestamp.today()),
        Mistake("last_purchase",
                "That is the last purchase itself. Take the day after it (+ pd.Timedelta(days=1)), so the most recent "
                "customers have recency 1, not 0.",
                when=lambda v: v.normalize() == _last().normalize(), example=_last),
    )

    def reference(self):
        return lesson.snapshot()

    def convert(self, answer):
        return answers.timestamp(answer, self.expects)

    def same(self, value, other):
        return value == other

    def explain(self, value):
        return f"{value.date()} is not the day after the last purchase; look at clean['InvoiceDate'].max()."

    def correct_message(self, answer):
        return f"Recency will count days back from {self.reference().date()}: the latest buyers get 1."


# -- q3 ---------------------------------------------------------------------------
ID_COLUMNS = ("customerid", "customer_id", "customer id")


def _per_customer():
    return lesson.clean.shared().groupby("CustomerID")


def _diff(t):
    return t["recency"].to_numpy(dtype=float) - lesson.rfm_table.shared()["recency"].to_numpy(dtype=float)


def _constant(d) -> bool:
    return bool(np.allclose(d, d[0])) and abs(d[0]) >= 1


def _differs(t, col, **tol):
    return not np.allclose(t[col].to_numpy(dtype=float), lesson.rfm_table.shared()[col].to_numpy(dtype=float), **tol)


def _same_as(t, col, values, **tol):
    return bool(np.allclose(t[col].to_numpy(dtype=float), values.to_numpy(dtype=float), **tol))


def _monetary_low(t):
    mine, ref = t["monetary"].to_numpy(dtype=float), lesson.rfm_table.shared()["monetary"].to_numpy(dtype=float)
    return bool(np.all(mine <= ref + 0.01) and np.any(mine < ref - 1))


def _with(**changes):
    return lambda: lesson.rfm_table().assign(**{k: v() for k, v in changes.items()})


class RFMTable(ValueExercise):
    title = "The RFM table: one row per CustomerID with recency, frequency and monetary"
    expects = "a DataFrame indexed by CustomerID with int columns recency, frequency, monetary"
    hints = [
        "Group the clean lines by CustomerID. Recency: days from the snapshot to the last purchase. "
        "Frequency: how many invoices (not lines). Monetary: the total Amount.",
        "groupby('CustomerID').agg(last=('InvoiceDate', 'max'), frequency=('InvoiceNo', 'nunique'), "
        "monetary=('Amount', 'sum')), then recency = (snapshot - last.dt.normalize()).dt.days",
        "See solution(): it is five lines.",
    ]
    solution_code = """
    per_customer = clean.groupby("CustomerID").agg(
        last_purchase=("InvoiceDate", "max"),
        frequency=("InvoiceNo", "nunique"),
        monetary=("Amount", "sum"),
    )
    per_customer["recency"] = (snapshot - per_customer["last_purchase"].dt.normalize()).dt.days
    rfm_table = per_customer[["recency", "frequency", "monetary"]]
    """
    report_all = True  # one message can name a problem in each column
    mistakes = (
        Mistake("recency_unnormalized",
                "recency is one day short for every customer: subtracting the last purchase with its time of day "
                "drops the last, partial day. Normalize it to midnight first (last_purchase.dt.normalize()); the "
                "snapshot is already the day after the last purchase",
                when=lambda t: bool(np.allclose(_diff(t), -1)),
                example=_with(recency=lambda: lesson.rfm_table.shared()["recency"] - 1)),
        Mistake("recency_from_today",
                "recency is measured from today, not from the snapshot date; every customer looks lost",
                when=lambda t: _constant(_diff(t)) and _diff(t)[0] > 300,
                example=_with(recency=lambda: lesson.rfm_table.shared()["recency"] + 5000)),
        Mistake("recency_offset",
                lambda t: f"recency is off by {_diff(t)[0]:+.0f} days for everyone: measure it from the snapshot",
                when=lambda t: _constant(_diff(t)) and _diff(t)[0] <= 300 and not np.allclose(_diff(t), -1),
                example=_with(recency=lambda: lesson.rfm_table.shared()["recency"] + 3)),
        Mistake("recency_fractional", "recency has fractions of days: normalize the dates first (whole days)",
                when=lambda t: 0 < np.nanmax(np.abs(_diff(t))) < 1,
                example=_with(recency=lambda: lesson.rfm_table.shared()["recency"] + 0.4)),
        Mistake("recency_other", "recency differs: days from the snapshot date to each customer's LAST purchase",
                when=lambda t: np.nanmax(np.abs(_diff(t))) >= 1 and not _constant(_diff(t)),
                example=_with(recency=lambda: lesson.rfm_table.shared()["recency"].rank(method="first"))),
        Mistake("frequency_line_items",
                "frequency counts line items, not invoices: five lines on one invoice are one purchase. Use nunique "
                "on InvoiceNo",
                when=lambda t: _differs(t, "frequency") and _same_as(t, "frequency", _per_customer().size()),
                example=_with(frequency=lambda: _per_customer().size())),
        Mistake("frequency_cancellations",
                "frequency counts cancellations (C invoices) as purchases: start from `clean`",
                when=lambda t: _differs(t, "frequency") and _same_as(
                    t, "frequency", _raw().dropna(subset=["CustomerID"]).groupby("CustomerID")["InvoiceNo"].nunique()
                    .reindex(lesson.rfm_table.shared().index)),
                example=_with(frequency=lambda: _raw().dropna(subset=["CustomerID"]).groupby("CustomerID")["InvoiceNo"]
                              .nunique().reindex(lesson.rfm_table.shared().index))),
        Mistake("frequency_other", "frequency differs: count distinct invoices per customer",
                when=lambda t: _differs(t, "frequency") and not _same_as(t, "frequency", _per_customer().size()),
                example=_with(frequency=lambda: lesson.rfm_table.shared()["frequency"] + 1)),
        Mistake("monetary_mean", "monetary is the mean line amount; it should be the total (sum)",
                when=lambda t: _differs(t, "monetary", rtol=1e-6, atol=0.01)
                and _same_as(t, "monetary", _per_customer()["Amount"].mean(), rtol=1e-6),
                example=_with(monetary=lambda: _per_customer()["Amount"].mean())),
        Mistake("monetary_low", "monetary is too low for some customers: were cancellations subtracted twice?",
                when=lambda t: _differs(t, "monetary", rtol=1e-6, atol=0.01) and _monetary_low(t),
                example=_with(monetary=lambda: lesson.rfm_table.shared()["monetary"] - 50)),
        Mistake("monetary_other", "monetary differs: sum the Amount column per customer",
                when=lambda t: _differs(t, "monetary", rtol=1e-6, atol=0.01) and not _monetary_low(t)
                and not _same_as(t, "monetary", _per_customer()["Amount"].mean(), rtol=1e-6),
                example=_with(monetary=lambda: lesson.rfm_table.shared()["monetary"] * 2)),
    )

    def reference(self):
        return lesson.rfm_table()

    def convert(self, answer):
        ref = lesson.rfm_table.shared()
        t = answers.frame(answer, self.expects, lower=True)
        id_cols = [c for c in t.columns if c in ID_COLUMNS]
        if id_cols and len(t) == len(ref):
            t = t.set_index(id_cols[0])
        missing = [c for c in COLS if c not in t.columns]
        if missing:
            raise AnswerError(f"Your table has no column {missing}; columns present: {list(t.columns)}.")
        keys = {id_key(i) for i in t.index}
        if len(t) != len(ref) or keys != {id_key(i) for i in ref.index}:
            if len(t) > len(ref):
                raise AnswerError(f"{len(t)} rows for {len(ref)} customers. One row per customer: group by "
                                  "CustomerID (and start from `clean`, which has no missing ids).")
            raise answers.mismatch(f"one row for each of the {len(ref)} customers in `clean`", f"{len(t)} rows")
        t = answers.aligned(t[COLS], ref.index, "your table")
        if pd.api.types.is_timedelta64_dtype(t["recency"]):
            raise AnswerError("recency is a time difference; convert it to whole days with .dt.days.")
        for col in COLS:
            values = pd.to_numeric(t[col], errors="coerce")
            if values.isna().all():
                raise AnswerError(f"{col} must be a number, got dtype {t[col].dtype}.")
            t[col] = values.astype(float)
        return t

    def same(self, value, other):
        return all(np.allclose(value[c].to_numpy(dtype=float), other[c].to_numpy(dtype=float), rtol=1e-6, atol=0.01)
                   for c in COLS)

    def explain(self, t):
        return "Some values differ from the reference; compare your recency, frequency and monetary with the hints."

    def correct_message(self, answer):
        med = lesson.rfm_table.shared().median()
        return (f"{len(lesson.rfm_table.shared()):,} customers. The median customer last bought {med['recency']:.0f} "
                f"days before the snapshot, placed {med['frequency']:.0f} orders and spent {med['monetary']:,.0f}.")


# -- q4 ---------------------------------------------------------------------------
def _r_ref():
    return rfm.rfm_scores(lesson.rfm_table.shared())["r_score"]


def _corr(s, values):
    return float(np.corrcoef(s.to_numpy(dtype=float), np.asarray(values, dtype=float))[0, 1])


def _quintile(col, labels):
    return lambda: pd.qcut(lesson.rfm_table.shared()[col].rank(method="first"), 5, labels=labels).astype(int)


class RecencyScore(ValueExercise):
    title = "R score: 1 to 5, where 5 is for the most recent customers"
    expects = "a Series of whole numbers 1..5 indexed like rfm_table"
    hints = [
        "Scores come from ranks: the most recent fifth of customers get 5.",
        "Small recency is good, so rank it in reverse; pd.qcut on the rank avoids duplicate edges.",
        "rfm_scores(rfm_table)['r_score'], or pd.qcut(rfm_table['recency'].rank(method='first'), 5, "
        "labels=[5, 4, 3, 2, 1]).astype(int)",
    ]
    solution_code = """
    r_score = pd.qcut(
        rfm_table["recency"].rank(method="first"), 5, labels=[5, 4, 3, 2, 1]
    ).astype(int)
    """
    mistakes = (
        Mistake("zero_based", "Your scores run 0 to 4; they should run 1 to 5 (qcut with labels=False counts from 0).",
                when=lambda s: 0 in set(s.unique()) and set(s.unique()) <= {0, 1, 2, 3, 4},
                example=lambda: pd.qcut(lesson.rfm_table.shared()["recency"].rank(method="first"), 5, labels=False)),
        Mistake("out_of_range", lambda s: f"Scores must be whole numbers 1 to 5, got values like "
                                          f"{sorted(s.unique())[:6]}.",
                when=lambda s: not set(s.unique()) <= {1, 2, 3, 4, 5}
                and not (0 in set(s.unique()) and set(s.unique()) <= {0, 1, 2, 3, 4}),
                example=lambda: pd.qcut(lesson.rfm_table.shared()["recency"].rank(method="first"), 10,
                                        labels=False) + 1),
        Mistake("too_few_scores", lambda s: f"Only the scores {sorted(s.unique())} occur; recency has enough distinct "
                                            "values for all five.",
                when=lambda s: set(s.unique()) <= {1, 2, 3, 4, 5} and len(set(s.unique())) < 5,
                example=lambda: _r_ref().clip(upper=4)),
        Mistake("reversed", "Your scores are reversed: the most recent customers got 1. Small recency is good, so "
                            "recent customers should score 5 (labels=[5, 4, 3, 2, 1]).",
                when=lambda s: _corr(s, -lesson.rfm_table.shared()["recency"]) < 0
                and _corr(s, lesson.rfm_table.shared()["frequency"]) <= 0.5,
                example=_quintile("recency", [1, 2, 3, 4, 5])),
        Mistake("frequency_scores", "These look like frequency scores. The R score ranks recency.",
                when=lambda s: _corr(s, -lesson.rfm_table.shared()["recency"]) < 0.8
                and _corr(s, lesson.rfm_table.shared()["frequency"]) > _corr(s, -lesson.rfm_table.shared()["recency"]),
                example=_quintile("frequency", [1, 2, 3, 4, 5])),
        Mistake("not_recency", "The scores do not follow recency closely; rank the recency column.",
                when=lambda s: 0 <= _corr(s, -lesson.rfm_table.shared()["recency"]) < 0.8,
                example=lambda: _r_ref().sample(frac=1, random_state=0).set_axis(_r_ref().index)),
    )

    def reference(self):
        return _r_ref().copy()

    def convert(self, answer):
        return answers.guard(self.expects, answer, lambda: self._convert(answer))

    def _convert(self, answer):
        ref = _r_ref()
        if isinstance(answer, (pd.Series, np.ndarray, list)) and np.ndim(answer) == 1 and len(answer) != len(ref):
            raise answers.mismatch(f"one score for each of the {len(ref)} customers", f"{len(answer)}")
        try:
            s = answers.series(answer, "the scores", index=ref.index)
        except AnswerError as exc:
            if "indexed by other labels" in str(exc) or "lacks" in str(exc) or "should not be there" in str(exc):
                raise AnswerError("Your scores are not indexed by the customers of rfm_table; keep its index.") \
                    from None
            raise
        values = pd.to_numeric(pd.Series(np.asarray(s, dtype=object), index=s.index), errors="coerce")
        if values.isna().any():
            raise AnswerError("Some scores are missing or not numbers.")
        if not (values == values.round()).all():
            raise AnswerError("Scores must be whole numbers 1 to 5.")
        return values.astype(int)

    def same(self, value, other):
        return bool((value.to_numpy() == other.to_numpy()).all())

    def accepts(self, value):
        # Ties can move a few customers across a quintile boundary: 90% agreement is right.
        return set(value.unique()) == {1, 2, 3, 4, 5} and _corr(value, -lesson.rfm_table.shared()["recency"]) >= 0.8 \
            and float((value.to_numpy() == _r_ref().to_numpy()).mean()) >= 0.9

    def explain(self, value):
        agree = float((value.to_numpy() == _r_ref().to_numpy()).mean())
        return f"Only {agree:.0%} of scores match the quintiles of recency; each score should hold about a fifth."

    def correct_message(self, answer):
        return ("Ties can move a few customers across a boundary; the course's rfm_scores keeps tied "
                "customers together on purpose.")


# -- q5 ---------------------------------------------------------------------------
def _table_values():
    return lesson.rfm_table.shared()[COLS]


def _min_corr(arr, ref) -> float:
    return min(_corr(pd.Series(arr[:, j]), ref[:, j]) for j in range(3))


def _scaled(arr) -> bool:
    return bool(np.allclose(arr.mean(axis=0), 0, atol=1e-6) and np.allclose(arr.std(axis=0), 1, atol=0.01))


class ScaledFeatures(ValueExercise):
    title = "The features K-Means will see: your choice of transformation for recency, frequency, monetary"
    expects = "an array (or DataFrame) of shape (customers, 3): recency, frequency, monetary, transformed"
    hints = [
        "K-Means measures straight-line distance. Look at the histograms: which column would decide every "
        "distance as it is, and what do the long right tails do to a mean?",
        "Two problems, two fixes: a transformation that pulls in the long tails (one that is safe at 0), then a "
        "scaling that gives every column the same spread.",
        "np.log1p, then StandardScaler().fit_transform.",
    ]
    solution_code = """
    X = StandardScaler().fit_transform(
        np.log1p(rfm_table[["recency", "frequency", "monetary"]])
    )
    """
    mistakes = (
        Mistake("robust_scaled", "RobustScaler centres on the median and divides by the interquartile range, so the "
                                 "columns still differ in spread (frequency's IQR is tiny: most customers have one or "
                                 "two orders). After the log the tails are tamed: standardise (mean 0, sd 1) so each "
                                 "column weighs the same in a distance.",
                wrong=lambda: RobustScaler().fit_transform(np.log1p(_table_values()))),
        Mistake("min_max", "These are min-max scaled (0 to 1). Standardise instead: mean 0, standard deviation 1.",
                wrong=lambda: MinMaxScaler().fit_transform(np.log1p(_table_values()))),
        Mistake("log_not_scaled", "The log is right but the columns are not standardised (mean 0, sd 1): "
                                  "apply StandardScaler after the log.",
                when=lambda a: _min_corr(a, lesson.X.shared()) > 0.99 and not _scaled(a)
                and not (np.allclose(a.min(axis=0), 0) and np.allclose(a.max(axis=0), 1)),
                example=lambda: np.log1p(_table_values())),
        Mistake("not_logged", "Standardised, but not log-transformed: the skew is still there, and a few big spenders "
                              "will get clusters of their own. Apply np.log1p before scaling.",
                when=lambda a: _min_corr(a, _table_values().to_numpy(dtype=float)) > 0.999 and _scaled(a),
                example=lambda: StandardScaler().fit_transform(_table_values())),
        Mistake("raw_values", "These are the raw RFM values: take np.log1p, then standardise.",
                when=lambda a: _min_corr(a, _table_values().to_numpy(dtype=float)) > 0.999 and not _scaled(a),
                example=_table_values),
        Mistake("reordered", "Some columns are negated or in another order; keep recency, frequency, monetary as "
                             "they are.",
                when=lambda a: max(abs(_corr(pd.Series(a[:, j]), lesson.X.shared()[:, i]))
                                   for j in range(3) for i in range(3)) > 0.99
                and _min_corr(a, lesson.X.shared()) < 0,
                example=lambda: lesson.X()[:, [1, 0, 2]]),
    )

    def reference(self):
        return lesson.X()

    def convert(self, answer):
        ref = lesson.X.shared()
        arr = answers.array(answer, self.expects)
        if arr.shape != ref.shape:
            if arr.ndim == 2 and arr.shape[0] == ref.shape[0]:
                raise answers.mismatch("3 columns (recency, frequency, monetary)", f"{arr.shape[1]}")
            raise answers.mismatch(f"shape {ref.shape}", f"{arr.shape}")
        if not np.isfinite(arr).all():
            raise AnswerError("Your features have NaN or infinite values. Taking the log after standardising does "
                              "that (standardised values are negative): log first, then scale.")
        if np.any(arr.std(axis=0) == 0):
            raise AnswerError("A column of your features is constant; each of recency, frequency and monetary "
                              "varies across customers.")
        return arr

    def same(self, value, other):
        return bool(np.allclose(value, other, atol=1e-6))

    def accepts(self, value):
        return _min_corr(value, lesson.X.shared()) > 0.99 and _scaled(value)

    def explain(self, value):
        return ("The features do not match log1p + standardisation of recency, frequency and monetary (in that "
                "order).")

    def correct_message(self, answer):
        skew_before = lesson.rfm_table.shared()["monetary"].skew()
        skew_after = pd.Series(np.asarray(answer, dtype=float)[:, 2]).skew()
        return f"Each column has mean 0 and sd 1; the skew of monetary fell from {skew_before:.1f} to {skew_after:.1f}."


# -- q6 ---------------------------------------------------------------------------
def _k_table():
    return lesson.k_table.shared().set_index("k")


def _k_row(k):
    return _k_table().loc[k]


def _defensible():
    return lesson.defensible.shared()


def _views(k: int) -> list:
    """What each view and convention says about ``k`` (for the verdict)."""
    table, ok = _k_table(), _defensible()
    notes = []
    if k == lesson.knee.shared():
        notes.append("the knee of the elbow")
    if k == int(table["silhouette"].idxmax()):
        notes.append("the best silhouette")
    if k == int(table["mean_ari"].idxmax()):
        notes.append("the most stable")
    if ok and k == max(ok):
        notes.append("the largest defensible k (more segments, as long as they are real)")
    if ok and k == min(ok):
        notes.append("the most parsimonious defensible k")
    return notes


def _why_not(k: int) -> str:
    """Why a k that is not defensible fails the convention (unstable, or a silhouette well below the best)."""
    row, table = _k_row(k), _k_table()
    if row["mean_ari"] < 0.85:
        return (f"k={k} is not stable enough: on resampled data it often finds different clusters (mean ARI "
                f"{row['mean_ari']:.2f} < 0.85), so some of its clusters may be arbitrary splits.")
    best = int(table["silhouette"].idxmax())
    return (f"k={k} is stable, but its silhouette ({row['silhouette']:.2f}) is well below the best "
            f"({table['silhouette'].max():.2f}, at k={best}): its groups overlap more. "
            + ("Fewer segments are only simpler if they are also distinct." if k < best else
               "More segments are only more actionable if they are also distinct."))


def _whole_numbers(answer) -> list | None:
    """The answer as a list of whole numbers when it is a collection of them, else None."""
    if not isinstance(answer, (list, tuple, set, frozenset, np.ndarray, pd.Index, pd.Series)):
        return None
    values = list(np.asarray(list(answer), dtype=object).ravel())
    if not values or any(isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, float, np.integer, np.floating))
                         or not float(v).is_integer() for v in values):
        return None
    return sorted({int(v) for v in values})


def _several_ks(ks: list) -> str:
    ok = _defensible()
    if ks == ok:
        return ("Those are the defensible ks, well found. But the CRM team needs one number: set k to the one you "
                "would present (one int), and argue it in q7.")
    text = "Give one k, the one you would present (one int), not a list."
    wrong = [k for k in ks if k not in ok]
    if wrong:
        text += f" And check your list: {wrong} {'is' if len(wrong) == 1 else 'are'} not defensible."
    elif len(ks) < len(ok):
        text += " Your list also misses a defensible k."
    return text


def _row_labels() -> set:
    """What ``idxmax`` gives on ``summary`` itself (rows numbered from 0) where a k was meant."""
    summary = lesson.k_table.shared()
    stable = summary[summary["mean_ari"] >= 0.85]
    return {int(summary["silhouette"].idxmax()), int(summary["mean_ari"].idxmax()), int(stable["silhouette"].idxmax())}


def _row_label_message(k: int) -> str:
    summary = lesson.k_table.shared()
    return (f"{_why_not(k)} If you took `idxmax()` on `summary` itself, {k} is a row label, not a k: summary's rows "
            f"are numbered from 0, and row {k} holds k={int(summary.loc[k, 'k'])}. Index by k first "
            "(`summary.set_index(\"k\")`).")


class ChooseK(NumericExercise):
    title = "Choose k: the number of clusters you would present"
    expects = "a whole number (an int) between 2 and 10"
    whole, low, high = True, 2, 10
    hints = [
        "Look at all three views: where the elbow bends, where the silhouette is high, and which k gives the "
        "same clusters on resampled data. Rule out what any view rules out.",
        "A k you can defend is stable (bootstrap ARI of 0.85 or more) and close to the best silhouette (within "
        "0.05). Several ks may qualify: then choosing among them is a judgement, and you say why.",
        "Candidates: the ks of summary with mean_ari >= 0.85 and silhouette >= summary['silhouette'].max() - 0.05.",
    ]
    solution_code = """
    table = summary.set_index("k")
    stable = table[table["mean_ari"] >= 0.85]  # real: the same clusters come back on resampled data
    defensible = stable.index[stable["silhouette"] >= table["silhouette"].max() - 0.05].tolist()  # and distinct
    # Several ks are defensible. Among the stable ks, the best silhouette: two of the three views agree
    # on it. The knee and the largest defensible k are defensible too: argue your choice in q7.
    k = int(stable["silhouette"].idxmax())
    """
    mistakes = (
        Mistake("several_ks", lambda ks: _several_ks(_whole_numbers(ks)),
                when=lambda ks: _whole_numbers(ks) is not None and len(_whole_numbers(ks)) > 1, raw=True,
                example=lambda: list(_defensible())),
        Mistake("score_not_k",
                lambda v: (f"{float(v):.3g} looks like a score (a silhouette or a bootstrap ARI), not a number of "
                           "clusters: `.max()` gives the best value, `.idxmax()` the k where it is (on a table "
                           "indexed by k)."),
                when=lambda v: (isinstance(v, (float, np.floating))
                                or isinstance(v, np.ndarray) and v.ndim == 0 and v.dtype.kind == "f")
                and 0 < float(v) < 1, raw=True,
                example=lambda: float(_k_table()["silhouette"].max())),
        Mistake("row_label", _row_label_message,
                when=lambda k: k in _row_labels() and k not in _defensible(),
                example=lambda: min(k for k in _row_labels() if k not in _defensible())),
        Mistake("unstable", _why_not,
                when=lambda k: _k_row(k)["mean_ari"] < 0.85,
                example=lambda: int(lesson.k_table.shared().query("mean_ari < 0.85")["k"].iloc[-1])),
        Mistake("low_silhouette", _why_not,
                when=lambda k: _k_row(k)["mean_ari"] >= 0.85,
                example=lambda: int(next(k for k in lesson.k_table.shared()["k"]
                                         if k not in _defensible() and _k_row(k)["mean_ari"] >= 0.85))),
    )

    def reference(self):
        return lesson.chosen_k()

    def accepts(self, k):
        return k in _defensible()

    def correct_message(self, answer):
        k = int(answer)
        row, ok = _k_row(k), _defensible()
        views = _views(k)
        text = (f"k={k} is defensible: silhouette {row['silhouette']:.2f}, bootstrap ARI {row['mean_ari']:.2f} "
                f"± {row['std_ari']:.2f}" + (f"; {', '.join(views)}" if views else "") + ". "
                f"Defensible here: {ok}.")
        spreads = {j: _k_row(j)["std_ari"] for j in ok}
        if len(ok) > 1 and spreads[k] == max(spreads.values()) and spreads[k] > 2 * min(spreads.values()):
            text += (" Its stability varies most across resamples: present it with a caveat (one group is less "
                     "settled than the others).")
        return text + " Now argue it (q7)."


# -- q7 ---------------------------------------------------------------------------
class ArgueK(WrittenExercise):
    question = """
    Argue your k, in three to five sentences, as you would to the CRM team's lead. Use numbers from the
    summary table, say what one segment more or fewer would cost or buy, and name the risk of your choice.
    """
    rubric = {
        "a": RubricItem("Names the k and the evidence for it from the curves (silhouette, stability, elbow)",
                        keywords=("silhouette", "stab", "rand index", "bootstrap", "resampl", "elbow", "knee",
                                  "inertia")),
        "b": RubricItem("Weighs parsimony against detail: what one segment more or fewer would cost or buy",
                        keywords=("parsimon", "simpl", "fewer", "more segment", "one more", "extra", "actionable",
                                  "split", "merge", "detail")),
        "c": RubricItem("Names a risk or a caveat, and what would change the choice or how to check it",
                        keywords=("caveat", "risk", "unstable", "less stable", "spread", "check", "revisit",
                                  "change my mind", "would switch", "watch")),
        "d": RubricItem("Says the rule used is a convention, not a law", required=False,
                        keywords=("convention", "rule of thumb", "judgement", "judgment")),
    }
    model_answer = """
    I would present five segments. Five has the best silhouette of all candidates and is the most stable:
    bootstrap resamples find the same five groups almost every time. Four is simpler (the knee of the
    elbow) but merges groups the team treats differently; six is the largest k that passes the usual
    convention, yet its stability varies most across resamples, so one of its splits may not be real.
    The risk of five is that it merges two groups that matter: I would check the profile of each cluster
    with the team, and switch to six if one cluster mixes customers they would act on differently.
    """
    weak_answers = (
        "'The elbow is at 4, so k = 4.' One view, no numbers, no trade-off: the elbow is often ambiguous.",
        "'Six, because more segments are more actionable.' Only if they are real: say how stable they are.",
        "'k = 5 has the highest silhouette.' Right evidence, but no trade-off and no caveat.",
    )
    min_words = 40
    hints = [
        "Start from the number: which k, and which view supports it (quote the silhouette or the bootstrap ARI).",
        "Then the trade-off: what would the CRM team gain or lose with one segment more, or one fewer?",
        "End with the risk: what would make you change your mind, and how you would check it.",
    ]

    def diagnose(self, answer, met=None, **context):
        if met is ____:  # the starter's `met = ____`: not scored yet
            met = None
        return super().diagnose(answer, met=met, **context)


# -- q8 ---------------------------------------------------------------------------
#: The CRM team's segment names and the words a learner may use for them.
SEGMENT_NAMES = {
    "Champions": ("champions", "champion", "best customers", "best", "vip", "vips", "top customers", "stars"),
    "Loyal": ("loyal", "loyal customers", "loyalists", "regulars", "regular customers"),
    "New": ("new", "new customers", "newcomers", "first timers", "promising", "recent customers"),
    "At Risk": ("at risk", "atrisk", "slipping", "slipping away", "churn risk", "cannot lose them",
                "need attention", "needs attention"),
    "Lost": ("lost", "churned", "hibernating", "inactive", "dormant", "lapsed", "gone"),
    "Big Spenders": ("big spenders", "big spender", "whales", "high value", "high spenders", "big baskets",
                     "wholesale", "wholesalers"),
}
_CANONICAL = {alias: name for name, aliases in SEGMENT_NAMES.items() for alias in aliases}

#: What each name claims about a cluster's median customer, on the percentiles of
#: ``clustering.rfm_percentiles`` (0 to 1, 1 = most recent / most orders / most money / largest basket).
#: Deliberately lenient: a name is wrong only when the profile clearly contradicts it.
NAME_CLAIMS = {
    "Champions": (("recent", ">=", 0.6, "bought recently"), ("frequent", ">=", 0.7, "order often"),
                  ("spend", ">=", 0.6, "spend a lot")),
    "Loyal": (("frequent", ">=", 0.55, "order often"), ("recent", ">=", 0.45, "are still buying")),
    "At Risk": (("frequent", ">=", 0.5, "used to order often"), ("recent", "<=", 0.6, "have not bought for a while")),
    "New": (("recent", ">=", 0.6, "bought recently"), ("frequent", "<=", 0.55, "have few orders so far")),
    "Lost": (("recent", "<=", 0.4, "have not bought for a long time"), ("frequent", "<=", 0.55, "ordered rarely")),
    "Big Spenders": (("basket", ">=", 0.75, "spend a lot per order"),),
}
_WHAT = {"recent": "recency", "frequent": "frequency", "spend": "monetary", "basket": "basket"}


def _normal(name: str) -> str:
    return " ".join("".join(c if c.isalnum() else " " for c in name.lower().replace("'", "")).split())


def canonical_name(name) -> str | None:
    """The CRM name a learner's name stands for ("vip" -> "Champions"), or None."""
    if not isinstance(name, str):
        return None
    return _CANONICAL.get(_normal(name))


def _broken_claims(name: str | None, row) -> list:
    """The claims of ``name`` that the cluster's percentiles contradict (an unknown name claims nothing true)."""
    if name not in NAME_CLAIMS:
        return [("recent", float("nan"), "is not a name the team uses")]
    out = []
    for col, op, bound, words in NAME_CLAIMS[name]:
        value = float(row[col])
        if (op == ">=" and value < bound) or (op == "<=" and value > bound):
            out.append((col, value, words))
    return out


def _fits(names: dict, pct: pd.DataFrame) -> bool:
    return all(not _broken_claims(canonical_name(n), pct.loc[c]) for c, n in names.items())


def _labels_or_reference(labels=None):
    if labels is None:
        return lesson.labels.shared(lesson.chosen_k())
    return answers.labels(labels, _n_customers(), "labels")


def _n_customers():
    return len(lesson.rfm_table.shared())


def _pct(labels=None) -> pd.DataFrame:
    return clustering.rfm_percentiles(lesson.rfm_table.shared(), _labels_or_reference(labels))


def _profile(labels=None) -> pd.DataFrame:
    return clustering.profile_clusters(lesson.rfm_table.shared(), _labels_or_reference(labels))


def _reference_names(pct: pd.DataFrame) -> dict:
    return {c: n if n != clustering.UNNAMED else "Needs review" for c, n in clustering.name_clusters(pct).items()}


def _flipped_recency_names() -> dict:
    """The reference names when recency is read the wrong way round (a small number taken as bad)."""
    pct = _pct().assign(recent=lambda p: 1 - p["recent"])
    return dict(clustering.name_clusters(pct).items())


def _misaligned_names() -> dict:
    """The reference names, each given to the next cluster (as from a table sorted another way)."""
    names = _reference_names(_pct())
    keys = sorted(names)
    return {keys[i]: names[keys[i - 1]] for i in range(len(keys))}


def _some_order_fits(names: dict, pct: pd.DataFrame) -> bool:
    """Whether the same names, given to the clusters in another order, would all fit."""
    from scipy.optimize import linear_sum_assignment

    clusters, given = list(names), [canonical_name(n) for n in names.values()]
    cost = np.array([[0 if not _broken_claims(g, pct.loc[c]) else 1 for g in given] for c in clusters])
    rows, cols = linear_sum_assignment(cost)
    return int(cost[rows, cols].sum()) == 0


class NameClusters(ValueExercise):
    title = "Name each cluster from its profile, with rules of your own"
    expects = ("a dict {cluster: name} with one name per cluster, from the CRM team's list: Champions, Loyal, New, "
               "At Risk, Lost, Big Spenders")
    context = ("labels",)
    hints = [
        "Read each row of the percentile table: is the median customer recent (near 1) or long gone (near 0)? "
        "Do they order often? Is their basket large?",
        "Write your rules as thresholds, e.g. Lost: recent below 0.4 and frequent below 0.5. Try them in order; "
        "the first that fits names the cluster.",
        "Careful with recency: the table's 'recent' is already flipped (1 = most recent), but the profile's "
        "recency is in days (small = recent).",
    ]
    solution_code = """
    def my_name(p):
        \"\"\"My rules, tried in order: the first that fits names the cluster.\"\"\"
        if p["recent"] >= 0.6 and p["frequent"] >= 0.8:
            return "Champions"
        if p["basket"] >= 0.8:
            return "Big Spenders"
        if p["frequent"] >= 0.6:
            return "Loyal" if p["recent"] >= 0.5 else "At Risk"
        return "New" if p["recent"] >= 0.6 else "Lost"

    names = {cluster: my_name(p) for cluster, p in percentiles.iterrows()}
    """
    mistakes = (
        Mistake("unknown_name",
                lambda v, labels=None: (
                    f"I cannot judge {next(n for n in v.values() if canonical_name(n) is None)!r}: use the CRM "
                    "team's names (Champions, Loyal, New, At Risk, Lost, Big Spenders), which say what the "
                    "customers do. A number or a letter tells the team nothing."),
                when=lambda v, labels=None: any(canonical_name(n) is None for n in v.values()),
                example=lambda: {c: f"Segment {c}" for c in _pct().index},
                example_context=lambda: {"labels": lesson.labels(lesson.chosen_k())}),
        Mistake("recency_flipped",
                "You read recency the wrong way round: it counts days since the last purchase, so a SMALL recency "
                "is good. Your recent customers got the names of the lost ones (and the other way round).",
                when=lambda v, labels=None: not _fits(v, _pct(labels))
                and _fits(v, _pct(labels).assign(recent=lambda p: 1 - p["recent"])),
                example=_flipped_recency_names,
                example_context=lambda: {"labels": lesson.labels(lesson.chosen_k())}),
        Mistake("misaligned",
                "Each of your names fits one of the clusters, but not the one you gave it: check which cluster "
                "number each row of the table is (the index, which sorting does not renumber).",
                when=lambda v, labels=None: not _fits(v, _pct(labels)) and _some_order_fits(v, _pct(labels)),
                example=_misaligned_names,
                example_context=lambda: {"labels": lesson.labels(lesson.chosen_k())}),
    )

    def reference(self, labels=None):
        return _reference_names(_pct(labels))

    def convert(self, answer, labels=None):
        clusters = list(_pct(labels).index)
        return answers.guard(self.expects, answer, lambda: self._convert(answer, clusters))

    def _convert(self, answer, clusters):
        if isinstance(answer, pd.DataFrame) and answer.shape[1] == 1:
            answer = answer.iloc[:, 0]
        if isinstance(answer, pd.Series):
            answer = answer.to_dict()
        elif isinstance(answer, (list, tuple)):
            answer = dict(enumerate(answer))
        if not isinstance(answer, dict):
            raise answers.expected(self.expects, answer)
        names = {}
        for key, name in answer.items():
            try:
                cluster = int(key)
            except (TypeError, ValueError):
                raise AnswerError(f"{key!r} is not a cluster number; key the names by cluster (0, 1, ...).") from None
            if not isinstance(name, str) or not name.strip():
                raise AnswerError(f"The name of cluster {cluster} is {describe(name)}; give every cluster a name "
                                  "as text.")
            names[cluster] = name.strip()
        missing, extra = sorted(set(clusters) - set(names)), sorted(set(names) - set(clusters))
        if missing:
            raise AnswerError(f"Name every cluster: no name for cluster(s) {missing}. Your labels have clusters "
                              f"{clusters}.")
        if extra:
            raise AnswerError(f"Your labels have no cluster {extra}; they have {clusters}. Name the clusters of the "
                              "labels you fitted.")
        return names

    def same(self, value, other):
        return all(canonical_name(value[c]) == canonical_name(other[c]) for c in other)

    def accepts(self, value, labels=None):
        return all(canonical_name(n) is not None for n in value.values()) and _fits(value, _pct(labels))

    def explain(self, value, labels=None):
        pct, prof = _pct(labels), _profile(labels)
        parts = []
        for c, n in value.items():
            broken = _broken_claims(canonical_name(n), pct.loc[c])
            if not broken:
                continue
            col, p, words = broken[0]
            median = {"recent": f"last bought {prof.loc[c, 'recency']:.0f} days before the snapshot",
                      "frequent": f"placed {prof.loc[c, 'frequency']:.0f} orders",
                      "spend": f"spent {prof.loc[c, 'monetary']:,.0f}",
                      "basket": f"spent {prof.loc[c, 'monetary'] / max(prof.loc[c, 'frequency'], 1):,.0f} per order"}
            parts.append(f"cluster {c} is not '{n}': {canonical_name(n)} {words}, but its median customer "
                         f"{median[col]} ({_WHAT[col]} percentile {p:.2f})")
        return "; ".join(parts)[:1].upper() + "; ".join(parts)[1:] + "."

    def correct_message(self, answer, labels=None):
        value = self.convert(answer, labels=labels)
        used = [canonical_name(n) for n in value.values()]
        twice = sorted({n for n in used if used.count(n) > 1})
        text = "Every name fits its cluster's profile."
        if twice:
            text += (f" {', '.join(twice)} names more than one cluster: that is a finding. Do those clusters "
                     "differ in a way the team would act on?")
        return text


# -- q9 ---------------------------------------------------------------------------
def _candidates(labels=None) -> list:
    """The labellings a score may be computed from: the learner's own, else every defensible k's."""
    if labels is not None:
        return [answers.labels(labels, _n_customers(), "labels")]
    return [lesson.labels.shared(k) for k in _defensible()]


def _any_close(value, score, labels=None, tol=1e-6) -> bool:
    return any(abs(value - score(lab)) < tol for lab in _candidates(labels))


def _purity(truth, lab) -> float:
    table = pd.crosstab(np.asarray(lab), np.asarray(truth))
    return float(table.max(axis=1).sum() / table.to_numpy().sum())


def _chance_corrected(truth, lab) -> tuple:
    return adjusted_rand_score(truth, lab), adjusted_mutual_info_score(truth, lab)


class TruthAgreement(NumericExercise):
    title = "How well do your clusters recover the planted segments? A score fair to arbitrary cluster numbers"
    expects = "one number: a chance-corrected agreement between truth and labels (1 perfect, about 0 for chance)"
    context = ("labels",)
    hints = [
        "Cluster 0 need not be segment 'champions': the score must not care how clusters are numbered, and a "
        "random labelling should score about 0, whatever the number of clusters.",
        "Counting pairs of customers (together in both, apart in both) and correcting for chance gives one such "
        "score; sklearn.metrics has it, and an information-based cousin.",
        "sklearn.metrics.adjusted_rand_score (or adjusted_mutual_info_score).",
    ]
    solution_code = """
    agreement = adjusted_rand_score(truth, labels)  # or adjusted_mutual_info_score(truth, labels)
    """
    mistakes = (
        Mistake("labels_not_matched",
                "That is the share of customers whose cluster number equals their segment number: labels compared "
                "without matching. Cluster 3 may be segment 'lost'; use a score that ignores the numbering.",
                when=lambda v, labels=None: _any_close(
                    v, lambda lab: accuracy_score(pd.factorize(lesson.truth.shared())[0], lab), labels),
                example=lambda: accuracy_score(pd.factorize(lesson.truth.shared())[0],
                                               lesson.labels.shared(lesson.chosen_k()))),
        Mistake("plain_rand", "That is the plain Rand index: not corrected for chance (a random labelling of these "
                              "customers scores about 0.7). Use the adjusted one.",
                when=lambda v, labels=None: _any_close(v, lambda lab: rand_score(lesson.truth.shared(), lab), labels),
                example=lambda: rand_score(lesson.truth.shared(), lesson.labels.shared(lesson.chosen_k()))),
        Mistake("nmi", "That is normalized mutual information, which is not corrected for chance: more clusters "
                       "score higher even at random. Use its adjusted version, or the adjusted Rand index.",
                when=lambda v, labels=None: _any_close(
                    v, lambda lab: normalized_mutual_info_score(lesson.truth.shared(), lab), labels),
                example=lambda: normalized_mutual_info_score(lesson.truth.shared(),
                                                             lesson.labels.shared(lesson.chosen_k()))),
        Mistake("purity", "That is purity (the share of customers in their cluster's majority segment): it ignores "
                          "chance and reaches 1 when every customer is a cluster of their own. Use a "
                          "chance-corrected score.",
                when=lambda v, labels=None: _any_close(v, lambda lab: _purity(lesson.truth.shared(), lab), labels),
                example=lambda: _purity(lesson.truth.shared(), lesson.labels.shared(lesson.chosen_k()))),
        Mistake("raw_clustering", "That scores the clustering of the raw RFM values; score the labels from X.",
                when=lambda v, labels=None: any(
                    abs(v - adjusted_rand_score(lesson.truth.shared(), lesson.labels.shared(k, "raw"))) < 1e-6
                    for k in _defensible()),
                example=lambda: adjusted_rand_score(lesson.truth.shared(),
                                                    lesson.labels.shared(lesson.chosen_k(), "raw"))),
        Mistake("out_of_range", "An adjusted Rand index lies between -1 and 1 (and adjusted mutual information "
                                "at most 1).",
                when=lambda v, labels=None: not -1 <= v <= 1, example=lambda: 1.5),
    )

    def reference(self, labels=None):
        return float(adjusted_rand_score(lesson.truth.shared(), _candidates(labels)[0]))

    def accepts(self, value, labels=None):
        return any(abs(value - s) < 1e-6 for lab in _candidates(labels)
                   for s in _chance_corrected(lesson.truth.shared(), lab))

    def explain(self, value, labels=None):
        return ("That does not match adjusted_rand_score(truth, labels) (or adjusted mutual information) for your "
                "labels.")

    def correct_message(self, answer, labels=None):
        answer = float(answer)
        ari, ami = _chance_corrected(lesson.truth.shared(), _candidates(labels)[0])
        which = "adjusted Rand index" if abs(answer - ari) < 1e-6 else "adjusted mutual information"
        return (f"{which[0].upper() + which[1:]} {answer:.2f}: the clusters recover the planted segments "
                f"{'closely' if answer >= 0.8 else 'in part' if answer >= 0.5 else 'poorly'} (1 is perfect, 0 is "
                f"chance). Both chance-corrected scores qualify: ARI {ari:.2f}, AMI {ami:.2f}.")


q1 = CancellationMask("q1")
q2 = SnapshotDate("q2")
q3 = RFMTable("q3")
q4 = RecencyScore("q4")
q5 = ScaledFeatures("q5")
q6 = ChooseK("q6")
q7 = ArgueK("q7")
q8 = NameClusters("q8")
q9 = TruthAgreement("q9")

EXERCISES = register(__name__, [q1, q2, q3, q4, q5, q6, q7, q8, q9])
