"""Notebook 01's reference pipeline: clean, RFM, log + scale, choose k, K-Means, truth."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.preprocessing import StandardScaler

from course_utils import clustering, data, rfm
from course_utils.course.declare import reference

KS = range(2, 11)


@reference
def raw() -> pd.DataFrame:
    """The shipped transactions, as loaded."""
    return data.load("online_retail")


@reference
def clean() -> pd.DataFrame:
    """The reference clean transactions (the notebook continues from these)."""
    return rfm.clean_transactions(raw.shared())[0]


@reference
def is_cancellation() -> pd.Series:
    """True for the cancellation lines of raw."""
    return raw.shared()["InvoiceNo"].str.startswith("C").astype(bool)


@reference
def snapshot() -> pd.Timestamp:
    """The day after the last purchase, at midnight."""
    return clean.shared()["InvoiceDate"].max().normalize() + pd.Timedelta(days=1)


@reference
def rfm_table() -> pd.DataFrame:
    """One row per customer: recency, frequency, monetary."""
    return rfm.compute_rfm(clean.shared(), amount_col="Amount", invoice_col="InvoiceNo", as_of=snapshot())


def features(table: pd.DataFrame) -> np.ndarray:
    """The reference transformation: log1p, then standardise each column."""
    return StandardScaler().fit_transform(np.log1p(table[list(rfm.RFM_COLUMNS)]))


@reference
def X() -> np.ndarray:
    """The log + scaled RFM features."""
    return features(rfm_table.shared())


@reference
def k_table() -> pd.DataFrame:
    """Elbow, silhouette and bootstrap stability for k = 2..10."""
    return clustering.k_summary(X.shared(), KS, random_state=0, n_resamples=10)


@reference
def chosen_k() -> int:
    return clustering.choose_k(k_table.shared())


@reference
def labels(k: int, variant: str = "log_scaled") -> np.ndarray:
    """K-Means labels with ``k`` clusters on the features of ``variant``."""
    table = rfm_table.shared()[list(rfm.RFM_COLUMNS)]
    make = {
        "log_scaled": X.shared,
        "scaled_only": lambda: StandardScaler().fit_transform(table),
        "raw": lambda: table.to_numpy(dtype=float),
        "log_only": lambda: np.log1p(table).to_numpy(),
    }[variant]
    return clustering.kmeans(k, random_state=0).fit_predict(make())


@reference
def truth() -> pd.Series:
    """The planted segment of every customer in the RFM table (same order)."""
    t = data.load("online_retail_truth").set_index("CustomerID")["segment"]
    return t.reindex(rfm_table.shared().index)
