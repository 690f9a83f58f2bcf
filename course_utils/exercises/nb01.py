"""Exercises for notebook 01, RFM segmentation with K-Means.

q1 cancellation mask      q5 log + standardise the RFM features
q2 snapshot date          q6 choose k
q3 the RFM table          q7 K-Means labels
q4 the recency score      q8 ARI against the planted truth
"""

from __future__ import annotations

import datetime as dt
import numbers
from functools import lru_cache

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, adjusted_rand_score, normalized_mutual_info_score, rand_score
from sklearn.preprocessing import StandardScaler

from course_utils import clustering, data, rfm
from course_utils.checks import ____, Exercise, bind, describe  # noqa: F401 (____ is re-exported)

KS = range(2, 11)


# -- reference results, computed once per kernel --------------------------------
@lru_cache(maxsize=1)
def _raw():
    return data.load("online_retail")


def raw() -> pd.DataFrame:
    return _raw().copy()


@lru_cache(maxsize=1)
def _clean():
    return rfm.clean_transactions(_raw())[0]


def clean() -> pd.DataFrame:
    """The reference clean transactions (the notebook continues from these)."""
    return _clean().copy()


@lru_cache(maxsize=1)
def snapshot() -> pd.Timestamp:
    return _clean()["InvoiceDate"].max().normalize() + pd.Timedelta(days=1)


@lru_cache(maxsize=1)
def _rfm():
    return rfm.compute_rfm(_clean(), amount_col="Amount", invoice_col="InvoiceNo", as_of=snapshot())


def rfm_table() -> pd.DataFrame:
    return _rfm().copy()


def features(table: pd.DataFrame) -> np.ndarray:
    """The reference transformation: log1p, then standardise each column."""
    return StandardScaler().fit_transform(np.log1p(table[list(rfm.RFM_COLUMNS)]))


@lru_cache(maxsize=1)
def _X():
    return features(_rfm())


@lru_cache(maxsize=1)
def k_table() -> pd.DataFrame:
    return clustering.k_summary(_X(), KS, random_state=0, n_resamples=10)


@lru_cache(maxsize=16)
def _labels(k: int, variant: str = "log_scaled"):
    table = _rfm()[list(rfm.RFM_COLUMNS)]
    X = {
        "log_scaled": _X,
        "scaled_only": lambda: StandardScaler().fit_transform(table),
        "raw": lambda: table.to_numpy(dtype=float),
        "log_only": lambda: np.log1p(table).to_numpy(),
    }[variant]()
    return clustering.kmeans(k, random_state=0).fit_predict(X)


@lru_cache(maxsize=1)
def _truth():
    t = data.load("online_retail_truth").set_index("CustomerID")["segment"]
    return t.reindex(_rfm().index)


def truth() -> pd.Series:
    """The planted segment of every customer in the RFM table."""
    return _truth().copy()


def _as_series(answer, name, index=None):
    """A Series from a Series, a one-column DataFrame, or (given ``index``) a 1-D
    array of matching length; else ``(None, message)``."""
    if index is not None and isinstance(answer, np.ndarray) and answer.shape == (len(index),):
        return pd.Series(answer, index=index), None
    if isinstance(answer, pd.DataFrame):
        if answer.shape[1] == 1:
            return answer.iloc[:, 0], None
        return None, f"Expected {name} as a Series (one value per row), got {describe(answer)}."
    if not isinstance(answer, pd.Series):
        return None, f"Expected {name} as a Series, got {describe(answer)}."
    return answer, None


# -- q1 ---------------------------------------------------------------------------
class CancellationMask(Exercise):
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

    def reference(self):
        return _raw()["InvoiceNo"].str.startswith("C").astype(bool)

    def diagnose(self, answer):
        ref = self.reference()
        r = _raw()
        if isinstance(answer, pd.DataFrame):
            if len(answer) == int(ref.sum()):
                return "You returned the cancellation rows themselves; return the mask (True/False per row) instead."
            return f"Expected {self.expects}, got {describe(answer)}."
        mask, problem = _as_series(answer, "the mask", index=r.index)
        if problem:
            return problem
        if len(mask) != len(r):
            return f"The mask has {len(mask)} values but raw has {len(r)} rows; build it from a column of raw."
        if mask.isna().any():
            return "The mask has missing values; InvoiceNo has none, so use str.startswith on it (na=False is safe)."
        if not (pd.api.types.is_bool_dtype(mask) or set(pd.unique(mask)) <= {True, False, 0, 1}):
            return f"Expected True/False values, got dtype {mask.dtype}."
        m = mask.to_numpy().astype(bool)
        truth = ref.to_numpy()
        if (m == truth).all():
            return None
        if (m == ~truth).all():
            return "Your mask is inverted: it is True for the purchases. Cancellations are the True ones."
        if not m.any():
            return "Your mask is all False. Cancelled invoice numbers start with a capital 'C'."
        negative = (r["Quantity"] < 0).to_numpy()
        if (m == negative).all():
            extra = int((negative & ~truth).sum())
            return (
                f"That is 'Quantity < 0': it also catches {extra} stock adjustments (negative quantity on "
                "an ordinary invoice: damaged or lost stock), which are not cancellations. Use the invoice number."
            )
        return f"{int((m != truth).sum())} rows are classified differently from the invoice-number rule."

    def correct_message(self, answer):
        ref = self.reference()
        return (
            f"{int(ref.sum()):,} cancellation lines ({ref.mean():.1%} of rows) in "
            f"{_raw().loc[ref, 'InvoiceNo'].nunique():,} cancelled invoices."
        )


# -- q2 ---------------------------------------------------------------------------
class SnapshotDate(Exercise):
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

    def reference(self):
        return snapshot()

    def diagnose(self, answer):
        if isinstance(answer, (pd.Series, pd.DataFrame, np.ndarray, list, tuple)):
            return f"Expected one date, got {describe(answer)}. Did you forget .max()?"
        if isinstance(answer, (bool, numbers.Number)):
            return f"Expected a date, got the number {answer!r}."
        if not isinstance(answer, (pd.Timestamp, dt.datetime, dt.date, np.datetime64, str)):
            return f"Expected {self.expects}, got {describe(answer)}."
        try:
            value = pd.Timestamp(answer)
        except (TypeError, ValueError):
            return f"{answer!r} is not a date."
        if pd.isna(value):
            return "Your date is NaT (not a time); check the column you took the max of."
        if value.tzinfo is not None:
            value = value.tz_localize(None)
        ref = self.reference()
        last = _clean()["InvoiceDate"].max()
        if value == ref:
            return None
        if value.normalize() == ref.normalize():
            return "Right day, but keep it at midnight (no time of day) so recency counts whole days."
        if value.normalize() >= pd.Timestamp.today().normalize() - pd.Timedelta(days=2):
            return (
                "That looks like today's date. The data ends in December 2011: measured from today every "
                "customer looks lost. Use the day after the last purchase in the data."
            )
        if value == last or value.normalize() == last.normalize():
            return (
                "That is the last purchase itself. Take the day after it (+ pd.Timedelta(days=1)), so the "
                "most recent customers have recency 1, not 0."
            )
        if value == last + pd.Timedelta(days=1):
            return "Almost: drop the time of day first (.normalize()), then add one day."
        return f"{value.date()} is not the day after the last purchase; look at clean['InvoiceDate'].max()."

    def correct_message(self, answer):
        return f"Recency will count days back from {self.reference().date()}: the latest buyers get 1."


# -- q3 ---------------------------------------------------------------------------
class RFMTable(Exercise):
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

    def reference(self):
        return rfm_table()

    def diagnose(self, answer):
        ref = self.reference()
        if not isinstance(answer, pd.DataFrame):
            return f"Expected {self.expects}, got {describe(answer)}."
        answer = answer.copy()
        answer.columns = [str(c).lower() for c in answer.columns]
        if "customerid" in answer.columns and len(answer) == len(ref):
            answer = answer.set_index("customerid")
        missing = [c for c in rfm.RFM_COLUMNS if c not in answer.columns]
        if missing:
            return f"Your table has no column {missing}; columns present: {list(answer.columns)}."
        ids = {str(i) for i in answer.index}
        ref_ids = {str(i) for i in ref.index}
        if len(answer) != len(ref) or ids != ref_ids:
            if len(answer) > len(ref):
                return (
                    f"{len(answer)} rows for {len(ref)} customers. One row per customer: group by "
                    "CustomerID (and start from `clean`, which has no missing ids)."
                )
            return f"Expected one row for each of the {len(ref)} customers in `clean`, got {len(answer)} rows."
        answer.index = [str(i) for i in answer.index]
        ref = ref.copy()
        ref.index = [str(i) for i in ref.index]
        answer = answer.loc[ref.index]
        rec = answer["recency"]
        if pd.api.types.is_timedelta64_dtype(rec):
            return "recency is a time difference; convert it to whole days with .dt.days."
        problems = []
        rec = pd.to_numeric(rec, errors="coerce").to_numpy(dtype=float)
        if np.isnan(rec).all():
            return f"recency must be a number of days, got dtype {answer['recency'].dtype}."
        diff = rec - ref["recency"].to_numpy()
        if not np.allclose(diff, 0, equal_nan=False):
            if np.allclose(diff, diff[0]) and diff[0] == -1:
                problems.append("recency is one day short: it counts from the last purchase day, not the day after")
            elif np.allclose(diff, diff[0]) and diff[0] > 300:
                problems.append(
                    "recency is measured from today, not from the snapshot date; every customer looks lost"
                )
            elif np.allclose(diff, diff[0]):
                problems.append(f"recency is off by {diff[0]:+.0f} days for everyone: measure it from the snapshot")
            elif np.nanmax(np.abs(diff)) < 1:
                problems.append("recency has fractions of days: normalize the dates first (whole days)")
            else:
                problems.append("recency differs: days from the snapshot date to each customer's LAST purchase")
        freq = pd.to_numeric(answer["frequency"], errors="coerce").to_numpy(dtype=float)
        if not np.allclose(freq, ref["frequency"].to_numpy()):
            lines = _clean().groupby("CustomerID").size()
            lines.index = [str(i) for i in lines.index]
            raw_inv = _raw().dropna(subset=["CustomerID"]).groupby("CustomerID")["InvoiceNo"].nunique()
            raw_inv.index = [str(i) for i in raw_inv.index]
            if np.allclose(freq, lines.loc[ref.index].to_numpy()):
                problems.append(
                    "frequency counts line items, not invoices: five lines on one invoice are one "
                    "purchase. Use nunique on InvoiceNo"
                )
            elif np.allclose(freq, raw_inv.reindex(ref.index).to_numpy()):
                problems.append("frequency counts cancellations (C invoices) as purchases: start from `clean`")
            else:
                problems.append("frequency differs: count distinct invoices per customer")
        mon = pd.to_numeric(answer["monetary"], errors="coerce").to_numpy(dtype=float)
        if not np.allclose(mon, ref["monetary"].to_numpy(), rtol=1e-6, atol=0.01):
            mean = _clean().groupby("CustomerID")["Amount"].mean()
            mean.index = [str(i) for i in mean.index]
            if np.allclose(mon, mean.loc[ref.index].to_numpy(), rtol=1e-6):
                problems.append("monetary is the mean line amount; it should be the total (sum)")
            elif np.all(mon <= ref["monetary"].to_numpy() + 0.01) and np.any(mon < ref["monetary"].to_numpy() - 1):
                problems.append("monetary is too low for some customers: were cancellations subtracted twice?")
            else:
                problems.append("monetary differs: sum the Amount column per customer")
        if problems:
            text = "; ".join(problems)
            return text[0].upper() + text[1:] + "."
        return None

    def correct_message(self, answer):
        med = self.reference().median()
        return (
            f"{len(self.reference()):,} customers. The median customer last bought {med['recency']:.0f} days "
            f"before the snapshot, placed {med['frequency']:.0f} orders and spent {med['monetary']:,.0f}."
        )


# -- q4 ---------------------------------------------------------------------------
class RecencyScore(Exercise):
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

    def reference(self):
        return rfm.rfm_scores(rfm_table())["r_score"]

    def diagnose(self, answer):
        ref = self.reference()
        s, problem = _as_series(answer, "the scores", index=ref.index)
        if problem:
            return problem
        if len(s) != len(ref):
            return f"Expected one score for each of the {len(ref)} customers, got {len(s)}."
        values = pd.to_numeric(pd.Series(np.asarray(s, dtype=object)), errors="coerce")
        if values.isna().any():
            return "Some scores are missing or not numbers."
        distinct = set(values.unique())
        if distinct <= {0, 1, 2, 3, 4}:
            return "Your scores run 0 to 4; they should run 1 to 5 (qcut with labels=False counts from 0)."
        if not distinct <= {1, 2, 3, 4, 5}:
            return f"Scores must be whole numbers 1 to 5, got values like {sorted(distinct)[:6]}."
        if len(distinct) < 5:
            return f"Only the scores {sorted(distinct)} occur; recency has enough distinct values for all five."
        order = pd.Series(values.to_numpy(), index=[str(i) for i in s.index])
        ref_s = ref.copy()
        ref_s.index = [str(i) for i in ref_s.index]
        if set(order.index) != set(ref_s.index):
            return "Your scores are not indexed by the customers of rfm_table; keep its index."
        order = order.loc[ref_s.index]
        recency = rfm_table()["recency"].to_numpy()
        corr = np.corrcoef(order.to_numpy(dtype=float), -recency)[0, 1]
        if corr < 0:
            return (
                "Your scores are reversed: the most recent customers got 1. Small recency is good, so "
                "recent customers should score 5 (labels=[5, 4, 3, 2, 1])."
            )
        freq_corr = np.corrcoef(order.to_numpy(dtype=float), rfm_table()["frequency"].to_numpy())[0, 1]
        if corr < 0.8:
            if freq_corr > corr:
                return "These look like frequency scores. The R score ranks recency."
            return "The scores do not follow recency closely; rank the recency column."
        agree = float((order.to_numpy() == ref_s.to_numpy()).mean())
        if agree < 0.9:
            return f"Only {agree:.0%} of scores match the quintiles of recency; each score should hold about a fifth."
        return None

    def correct_message(self, answer):
        return (
            "Ties can move a few customers across a boundary; the course's rfm_scores keeps tied "
            "customers together on purpose."
        )


# -- q5 ---------------------------------------------------------------------------
class ScaledFeatures(Exercise):
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

    def reference(self):
        return _X().copy()

    def diagnose(self, answer):
        ref = self.reference()
        if isinstance(answer, pd.DataFrame):
            bad = [c for c in answer.columns if not pd.api.types.is_numeric_dtype(answer[c])]
            if bad:
                return f"Column(s) {bad} are not numeric."
        if np.iscomplexobj(answer):
            return f"Expected real numbers, got complex values ({describe(answer)})."
        try:
            arr = np.asarray(answer, dtype=float)
        except (TypeError, ValueError):
            return f"Expected {self.expects}, got {describe(answer)}."
        if arr.shape != ref.shape:
            if arr.ndim == 2 and arr.shape[0] == ref.shape[0]:
                return f"Expected 3 columns (recency, frequency, monetary), got {arr.shape[1]}."
            return f"Expected shape {ref.shape}, got {arr.shape}."
        if not np.isfinite(arr).all():
            return (
                "Your features have NaN or infinite values. Taking the log after standardising does that "
                "(standardised values are negative): log first, then scale."
            )
        table = rfm_table()[list(rfm.RFM_COLUMNS)]
        means, stds = arr.mean(axis=0), arr.std(axis=0)
        scaled = np.allclose(means, 0, atol=1e-6) and np.allclose(stds, 1, atol=0.01)
        corr = [np.corrcoef(arr[:, j], ref[:, j])[0, 1] for j in range(3)]
        raw_corr = [np.corrcoef(arr[:, j], table.iloc[:, j])[0, 1] for j in range(3)]
        if min(corr) > 0.99:
            if scaled:
                return None
            if np.allclose(arr.min(axis=0), 0) and np.allclose(arr.max(axis=0), 1):
                return "These are min-max scaled (0 to 1). Standardise instead: mean 0, standard deviation 1."
            return (
                "The log is right but the columns are not standardised (mean 0, sd 1): "
                "apply StandardScaler after the log."
            )
        if min(raw_corr) > 0.999:
            if scaled:
                return (
                    "Standardised, but not log-transformed: the skew is still there, and a few big "
                    "spenders will get clusters of their own. Apply np.log1p before scaling."
                )
            return "These are the raw RFM values: take np.log1p, then standardise."
        if max(abs(c) for c in corr) > 0.99 and min(corr) < 0:
            return "Some columns are negated or in another order; keep recency, frequency, monetary as they are."
        return "The features do not match log1p + standardisation of recency, frequency and monetary (in that order)."

    def correct_message(self, answer):
        skew_before = rfm_table()["monetary"].skew()
        skew_after = pd.Series(np.asarray(answer, dtype=float)[:, 2]).skew()
        return f"Each column has mean 0 and sd 1; the skew of monetary fell from {skew_before:.1f} to {skew_after:.1f}."


# -- q6 ---------------------------------------------------------------------------
class ChooseK(Exercise):
    title = "Choose k: the number of clusters you would present"
    expects = "a whole number (an int) between 2 and 10"
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

    def reference(self):
        return clustering.choose_k(k_table())

    def diagnose(self, answer):
        if isinstance(answer, bool) or not isinstance(answer, numbers.Number):
            return f"Expected {self.expects}, got {describe(answer)}."
        if not float(answer).is_integer():
            return f"{answer!r} is not a whole number of clusters."
        k = int(answer)
        table = k_table().set_index("k")
        if k not in table.index:
            return f"Choose k from {min(table.index)} to {max(table.index)}, the range we examined."
        ok = clustering.defensible_ks(k_table())
        if k in ok:
            return None
        row = table.loc[k]
        best = table["silhouette"].max()
        if row["mean_ari"] < 0.85:
            return (
                f"k={k} is not stable enough: on resampled data it often finds different clusters (mean ARI "
                f"{row['mean_ari']:.2f} < 0.85), so some of its clusters may be arbitrary splits."
            )
        return (
            f"k={k} is stable, but its silhouette ({row['silhouette']:.2f}) is well below the best "
            f"({best:.2f}): the groups are less distinct. Defensible here: {ok}."
        )

    def correct_message(self, answer):
        ok = clustering.defensible_ks(k_table())
        return (
            f"k={int(answer)} is defensible: stable and close to the best silhouette. (Defensible here: {ok}; "
            f"the solution takes the largest, {max(ok)}.)"
        )


# -- q7 ---------------------------------------------------------------------------
class KMeansLabels(Exercise):
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

    def reference(self):
        return _labels(clustering.choose_k(k_table())).copy()

    def diagnose(self, answer):
        n = len(_rfm())
        if isinstance(answer, pd.DataFrame):
            return f"Expected one label per customer, got {describe(answer)}."
        try:
            arr = np.asarray(answer)
        except Exception:  # noqa: BLE001
            return f"Expected {self.expects}, got {describe(answer)}."
        if arr.ndim != 1 or len(arr) != n:
            return f"Expected {n} labels (one per customer), got {describe(answer)}."
        if pd.isna(arr).any():
            return "Some labels are missing."
        k = len(np.unique(arr))
        ok = clustering.defensible_ks(k_table())
        if k < 2 or k > max(KS):
            return f"Your labels form {k} cluster(s); use the k you chose in q6."
        fit_ari = adjusted_rand_score(arr, _labels(k))
        if fit_ari < 0.9:
            for variant, message in [
                ("raw", "You clustered the raw RFM values: monetary dominates every distance. Cluster X."),
                ("scaled_only", "You clustered scaled but un-logged features. Cluster X (log1p, then scaled)."),
                ("log_only", "You clustered log features without scaling. Cluster X (log1p, then scaled)."),
            ]:
                if adjusted_rand_score(arr, _labels(k, variant)) > 0.95:
                    return message
            return (
                f"Your {k} clusters differ from K-Means with k={k} on X (ARI {fit_ari:.2f}). "
                f"Fit KMeans(n_clusters={k}, n_init=10, random_state=0) on X."
            )
        if k not in ok:
            return f"The labels fit X, but k={k} is not defensible here ({ok}); see q6."
        return None

    def correct_message(self, answer):
        sizes = np.bincount(pd.factorize(np.asarray(answer))[0])
        return f"{len(sizes)} clusters of {', '.join(map(str, sorted(sizes, reverse=True)))} customers."


# -- q8 ---------------------------------------------------------------------------
class TruthARI(Exercise):
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

    def reference(self):
        return float(adjusted_rand_score(_truth(), self._candidates()[clustering.choose_k(k_table())]))

    def _candidates(self):
        return {k: _labels(k) for k in clustering.defensible_ks(k_table())}

    def diagnose(self, answer):
        if isinstance(answer, bool) or not isinstance(answer, numbers.Number):
            return f"Expected {self.expects}, got {describe(answer)}."
        value = float(answer)
        if not np.isfinite(value):
            return f"{answer!r} is not a usable score."
        t = _truth()
        codes = pd.factorize(t)[0]
        for k, labels in self._candidates().items():
            if abs(value - adjusted_rand_score(t, labels)) < 0.02:
                return None
        for k, labels in self._candidates().items():
            if abs(value - accuracy_score(codes, labels)) < 1e-6:
                return (
                    "That is the share of customers whose cluster number equals their segment number: "
                    "labels compared without matching. Cluster 3 may be segment 'lost'; use adjusted_rand_score."
                )
            if abs(value - rand_score(t, labels)) < 1e-6:
                return "That is the plain Rand index; use the adjusted one (corrected for chance)."
            if abs(value - normalized_mutual_info_score(t, labels)) < 1e-6:
                return "That is normalized mutual information; the question asks for the adjusted Rand index."
            for variant in ("raw", "scaled_only"):
                if abs(value - adjusted_rand_score(t, _labels(k, variant))) < 1e-6:
                    return f"That scores the {variant.replace('_', '-')} clustering; score the labels from X."
        if not -1 <= value <= 1:
            return "An adjusted Rand index lies between -1 and 1."
        return "That does not match adjusted_rand_score(truth, labels) for labels from q7."

    def correct_message(self, answer):
        return (
            f"ARI {float(answer):.2f}: the clusters recover the planted segments "
            f"{'closely' if answer >= 0.8 else 'in part' if answer >= 0.5 else 'poorly'} (1 is perfect, 0 is chance)."
        )


q1 = CancellationMask()
q2 = SnapshotDate()
q3 = RFMTable()
q4 = RecencyScore()
q5 = ScaledFeatures()
q6 = ChooseK()
q7 = KMeansLabels()
q8 = TruthARI()

EXERCISES = bind(globals(), "01")
