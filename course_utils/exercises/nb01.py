"""Exercises for notebook 01, RFM segmentation with K-Means.

q1 cancellation mask      q5 log + standardise the RFM features
q2 snapshot date          q6 choose k
q3 the RFM table          q7 K-Means labels
q4 the recency score      q8 ARI against the planted truth
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, adjusted_rand_score, normalized_mutual_info_score, rand_score
from sklearn.preprocessing import MinMaxScaler, StandardScaler

from course_utils import clustering, rfm
from course_utils.course import answers
from course_utils.course.answers import AnswerError, describe, id_key
from course_utils.course.checks import ____  # noqa: F401 (re-exported for the notebook)
from course_utils.course.declare import Mistake
from course_utils.course.kinds import NumericExercise, ValueExercise
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
            raise AnswerError(f"Expected one row for each of the {len(ref)} customers in `clean`, got {len(t)} rows.")
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
            raise AnswerError(f"Expected one score for each of the {len(ref)} customers, got {len(answer)}.")
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
    title = "Log-transform, then standardise, the three RFM columns"
    expects = "an array (or DataFrame) of shape (customers, 3): log1p of recency, frequency, monetary, standardised"
    hints = [
        "K-Means measures distance. Monetary runs to tens of thousands, frequency to tens: without a common "
        "scale monetary decides everything. And all three are skewed.",
        "First np.log1p (log of 1 + x, safe at 0), then StandardScaler().fit_transform.",
        "StandardScaler().fit_transform(np.log1p(rfm_table[['recency', 'frequency', 'monetary']]))",
    ]
    solution_code = """
    X = StandardScaler().fit_transform(
        np.log1p(rfm_table[["recency", "frequency", "monetary"]])
    )
    """
    mistakes = (
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
                raise AnswerError(f"Expected 3 columns (recency, frequency, monetary), got {arr.shape[1]}.")
            raise AnswerError(f"Expected shape {ref.shape}, got {arr.shape}.")
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
def _k_row(k):
    return lesson.k_table.shared().set_index("k").loc[k]


def _defensible():
    return clustering.defensible_ks(lesson.k_table.shared())


class ChooseK(NumericExercise):
    title = "Choose k: the number of clusters you would present"
    expects = "a whole number (an int) between 2 and 10"
    whole, low, high = True, 2, 10
    hints = [
        "Look at all three views: where the elbow bends, where the silhouette is high, and which k gives the "
        "same clusters on resampled data.",
        "A defensible k is stable (bootstrap ARI at least 0.85) and within 0.05 of the best silhouette; "
        "among those, more segments are more useful to a CRM team.",
        "clustering.choose_k(summary)",
    ]
    solution_code = """
    k = clustering.choose_k(summary)   # the largest stable k near the best silhouette
    """
    mistakes = (
        Mistake("unstable",
                lambda k: (f"k={k} is not stable enough: on resampled data it often finds different clusters (mean ARI "
                           f"{_k_row(k)['mean_ari']:.2f} < 0.85), so some of its clusters may be arbitrary splits."),
                when=lambda k: _k_row(k)["mean_ari"] < 0.85,
                example=lambda: int(lesson.k_table.shared().query("mean_ari < 0.85")["k"].iloc[0])),
        Mistake("low_silhouette",
                lambda k: (f"k={k} is stable, but its silhouette ({_k_row(k)['silhouette']:.2f}) is well below the "
                           f"best ({lesson.k_table.shared()['silhouette'].max():.2f}): the groups are less distinct. "
                           f"Defensible here: {_defensible()}."),
                when=lambda k: _k_row(k)["mean_ari"] >= 0.85,
                example=lambda: int(next(k for k in lesson.k_table.shared()["k"]
                                         if k not in _defensible() and _k_row(k)["mean_ari"] >= 0.85))),
    )

    def reference(self):
        return lesson.chosen_k()

    def accepts(self, k):
        return k in _defensible()

    def correct_message(self, answer):
        ok = _defensible()
        return (f"k={int(answer)} is defensible: stable and close to the best silhouette. (Defensible here: {ok}; "
                f"the solution takes the largest, {max(ok)}.)")


# -- q7 ---------------------------------------------------------------------------
def _n_customers():
    return len(lesson.rfm_table.shared())


def _k_of(labels) -> int:
    return len(np.unique(labels))


def _matches_variant(labels, variant) -> bool:
    return adjusted_rand_score(labels, lesson.labels.shared(_k_of(labels), variant)) > 0.95


def _fits_x(labels) -> bool:
    return adjusted_rand_score(labels, lesson.labels.shared(_k_of(labels))) >= 0.9


class KMeansLabels(ValueExercise):
    title = "K-Means cluster labels for every customer (your k, random_state=0, on X)"
    expects = "an array of one integer label per customer (length of rfm_table)"
    hints = [
        "KMeans(n_clusters=k, n_init=10, random_state=0) then fit_predict on the scaled features X.",
        "Fit on X (log + scaled), not on rfm_table.",
        "KMeans(n_clusters=k, n_init=10, random_state=0).fit_predict(X)",
    ]
    solution_code = """
    kmeans = KMeans(n_clusters=k, n_init=10, random_state=0)
    labels = kmeans.fit_predict(X)
    """
    mistakes = (
        Mistake("raw", "You clustered the raw RFM values: monetary dominates every distance. Cluster X.",
                when=lambda a: not _fits_x(a) and _matches_variant(a, "raw"),
                example=lambda: lesson.labels(lesson.chosen_k(), "raw")),
        Mistake("scaled_only", "You clustered scaled but un-logged features. Cluster X (log1p, then scaled).",
                when=lambda a: not _fits_x(a) and _matches_variant(a, "scaled_only"),
                example=lambda: lesson.labels(lesson.chosen_k(), "scaled_only")),
        Mistake("log_only", "You clustered log features without scaling. Cluster X (log1p, then scaled).",
                when=lambda a: not _fits_x(a) and _matches_variant(a, "log_only"),
                example=lambda: lesson.labels(lesson.chosen_k(), "log_only")),
        Mistake("k_not_defensible",
                lambda a: f"The labels fit X, but k={_k_of(a)} is not defensible here ({_defensible()}); see q6.",
                when=lambda a: _fits_x(a) and _k_of(a) not in _defensible(),
                example=lambda: lesson.labels(2)),
    )

    def reference(self):
        return lesson.labels(lesson.chosen_k())

    def convert(self, answer):
        return answers.guard(self.expects, answer, lambda: self._convert(answer))

    def _convert(self, answer):
        if isinstance(answer, pd.DataFrame):
            raise AnswerError(f"Expected one label per customer, got {describe(answer)}.")
        n = _n_customers()
        if isinstance(answer, (pd.Series, np.ndarray, list, tuple)) and np.ndim(answer) == 1 and len(answer) != n:
            raise AnswerError(f"Expected {n} labels (one per customer), got {describe(answer)}.")
        labels = answers.labels(answer, n, "labels")
        k = _k_of(labels)
        if k < 2 or k > max(KS):
            raise AnswerError(f"Your labels form {k} cluster(s); use the k you chose in q6.")
        return labels

    def same(self, value, other):
        return adjusted_rand_score(value, other) >= 0.9

    def accepts(self, labels):
        return _fits_x(labels) and _k_of(labels) in _defensible()

    def explain(self, labels):
        k = _k_of(labels)
        fit_ari = adjusted_rand_score(labels, lesson.labels.shared(k))
        return (f"Your {k} clusters differ from K-Means with k={k} on X (ARI {fit_ari:.2f}). "
                f"Fit KMeans(n_clusters={k}, n_init=10, random_state=0) on X.")

    def correct_message(self, answer):
        sizes = np.bincount(pd.factorize(np.asarray(answer))[0])
        return f"{len(sizes)} clusters of {', '.join(map(str, sorted(sizes, reverse=True)))} customers."


# -- q8 ---------------------------------------------------------------------------
def _candidates(labels=None) -> list:
    """The labellings an ARI may be computed from: the learner's own, else every defensible k's."""
    if labels is not None:
        return [answers.labels(labels, _n_customers(), "labels")]
    return [lesson.labels.shared(k) for k in _defensible()]


def _any_close(value, score, labels=None, tol=1e-6) -> bool:
    return any(abs(value - score(lab)) < tol for lab in _candidates(labels))


class TruthARI(NumericExercise):
    title = "How well do your clusters recover the planted segments? (adjusted Rand index)"
    expects = "one number between -1 and 1: adjusted_rand_score(truth, labels)"
    hints = [
        "Cluster 0 need not be segment 'champions': compare labellings with a score that ignores the names.",
        "sklearn.metrics.adjusted_rand_score(truth, labels)",
        "adjusted_rand_score(truth, labels)",
    ]
    solution_code = """
    ari = adjusted_rand_score(truth, labels)
    """
    context = ("labels",)
    mistakes = (
        Mistake("labels_not_matched",
                "That is the share of customers whose cluster number equals their segment number: labels compared "
                "without matching. Cluster 3 may be segment 'lost'; use adjusted_rand_score.",
                when=lambda v, labels=None: _any_close(
                    v, lambda lab: accuracy_score(pd.factorize(lesson.truth.shared())[0], lab), labels),
                example=lambda: accuracy_score(pd.factorize(lesson.truth.shared())[0],
                                               lesson.labels.shared(lesson.chosen_k()))),
        Mistake("plain_rand", "That is the plain Rand index; use the adjusted one (corrected for chance).",
                when=lambda v, labels=None: _any_close(v, lambda lab: rand_score(lesson.truth.shared(), lab), labels),
                example=lambda: rand_score(lesson.truth.shared(), lesson.labels.shared(lesson.chosen_k()))),
        Mistake("nmi", "That is normalized mutual information; the question asks for the adjusted Rand index.",
                when=lambda v, labels=None: _any_close(
                    v, lambda lab: normalized_mutual_info_score(lesson.truth.shared(), lab), labels),
                example=lambda: normalized_mutual_info_score(lesson.truth.shared(),
                                                             lesson.labels.shared(lesson.chosen_k()))),
        Mistake("raw_clustering", "That scores the raw clustering; score the labels from X.",
                when=lambda v, labels=None: any(
                    abs(v - adjusted_rand_score(lesson.truth.shared(), lesson.labels.shared(k, "raw"))) < 1e-6
                    for k in _defensible()),
                example=lambda: adjusted_rand_score(lesson.truth.shared(),
                                                    lesson.labels.shared(lesson.chosen_k(), "raw"))),
        Mistake("scaled_only_clustering", "That scores the scaled-only clustering; score the labels from X.",
                when=lambda v, labels=None: any(
                    abs(v - adjusted_rand_score(lesson.truth.shared(), lesson.labels.shared(k, "scaled_only"))) < 1e-6
                    for k in _defensible()),
                example=lambda: adjusted_rand_score(lesson.truth.shared(),
                                                    lesson.labels.shared(lesson.chosen_k(), "scaled_only"))),
        Mistake("out_of_range", "An adjusted Rand index lies between -1 and 1.",
                when=lambda v, labels=None: not -1 <= v <= 1, example=lambda: 1.5),
    )

    def reference(self, labels=None):
        return float(adjusted_rand_score(lesson.truth.shared(), _candidates(labels)[0]))

    def accepts(self, value, labels=None):
        return _any_close(value, lambda lab: adjusted_rand_score(lesson.truth.shared(), lab), labels, tol=0.02)

    def explain(self, value, labels=None):
        return "That does not match adjusted_rand_score(truth, labels) for labels from q7."

    def correct_message(self, answer, labels=None):
        answer = float(answer)
        return (f"ARI {answer:.2f}: the clusters recover the planted segments "
                f"{'closely' if answer >= 0.8 else 'in part' if answer >= 0.5 else 'poorly'} (1 is perfect, 0 is "
                "chance).")


q1 = CancellationMask("q1")
q2 = SnapshotDate("q2")
q3 = RFMTable("q3")
q4 = RecencyScore("q4")
q5 = ScaledFeatures("q5")
q6 = ChooseK("q6")
q7 = KMeansLabels("q7")
q8 = TruthARI("q8")

EXERCISES = register(__name__, [q1, q2, q3, q4, q5, q6, q7, q8])
