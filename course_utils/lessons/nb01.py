"""Notebook 01's reference pipeline: clean, RFM, log + scale, choose k, K-Means, truth.

Expensive results are computed once per kernel: :func:`k_summary` keeps one
summary per distinct feature matrix, so the notebook's own call and the checks'
reference share one computation when the learner's features equal the
reference ones.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
from sklearn.datasets import make_blobs
from sklearn.decomposition import PCA
from sklearn.metrics import adjusted_rand_score, silhouette_samples
from sklearn.preprocessing import StandardScaler

from course_utils import clustering, data, rfm
from course_utils.course.declare import reference
from course_utils.course.figures import ProseFigure

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


_SUMMARIES: dict = {}


def k_summary(features_, ks=KS, n_resamples: int = 10, progress: bool = False) -> pd.DataFrame:
    """``clustering.k_summary(features_, ks, random_state=0, n_resamples=n_resamples)``, once per kernel.

    Keyed by the matrix's bytes: the same features (the learner's or the
    reference) are summarised once, and each call gets a copy. ``progress=True``
    shows a bar, one step per k, the first time.
    """
    arr = np.ascontiguousarray(np.asarray(features_, dtype=float))
    key = (hashlib.sha1(arr.tobytes()).hexdigest(), arr.shape, tuple(ks), n_resamples)
    if key not in _SUMMARIES:
        _SUMMARIES[key] = clustering.k_summary(arr, ks, random_state=0, n_resamples=n_resamples, progress=progress)
    return _SUMMARIES[key].copy()


@reference
def k_table() -> pd.DataFrame:
    """Elbow, silhouette and bootstrap stability for k = 2..10."""
    return k_summary(X.shared())


def stable_best_silhouette(summary: pd.DataFrame, min_stability: float = 0.85) -> int:
    """The convention the solution argues for: among stable ks, the best silhouette."""
    stable = summary[summary["mean_ari"] >= min_stability]
    return int(stable.loc[stable["silhouette"].idxmax(), "k"])


@reference
def chosen_k() -> int:
    """The k the worked solution presents (see :func:`stable_best_silhouette`)."""
    return stable_best_silhouette(k_table.shared())


@reference
def defensible() -> list:
    """The ks a team could defend: stable and near the best silhouette (``clustering.defensible_ks``)."""
    return clustering.defensible_ks(k_table.shared())


@reference
def knee() -> int:
    """The knee of the elbow curve."""
    table = k_table.shared()
    return int(clustering.find_knee(table["k"], table["inertia"]))


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


def profile_table(profile: pd.DataFrame) -> pd.DataFrame:
    """A cluster profile (``clustering.profile_clusters``) as notebook 01 shows it: the share as a
    percentage in a column ``share %``, every number to one decimal (a share of 0.2344 reads 23.4,
    not 0.2)."""
    return profile.assign(share=100 * profile["share"]).rename(columns={"share": "share %"}).round(1)


@reference
def truth() -> pd.Series:
    """The planted segment of every customer in the RFM table (same order)."""
    t = data.load("online_retail_truth").set_index("CustomerID")["segment"]
    return t.reindex(rfm_table.shared().index)


@reference
def percentiles(k: int) -> pd.DataFrame:
    """Where each cluster's median customer stands (``clustering.rfm_percentiles``) for K-Means with ``k``."""
    return clustering.rfm_percentiles(rfm_table.shared(), labels.shared(k))


def structureless_twin(features_: np.ndarray, n: int = 1500, random_state: int = 0) -> np.ndarray:
    """``n`` customers drawn from one Gaussian with the means and covariances of ``features_``:
    the same scales and correlations, and no segments at all."""
    rng = np.random.default_rng(random_state)
    arr = np.asarray(features_, dtype=float)
    return rng.multivariate_normal(arr.mean(axis=0), np.cov(arr, rowvar=False), size=n)


TWIN_KS = range(2, 9)


@reference
def twin_summary() -> pd.DataFrame:
    """The three views of k on the structureless twin of the reference features."""
    return k_summary(structureless_twin(X.shared()), TWIN_KS, n_resamples=5)


# -- what the notebook's prose quotes ----------------------------------------------------------
@reference
def stretched_blobs_ari() -> float:
    """K-Means (k = 3) against three long, thin planted groups: the picture of an assumption failing."""
    points, groups = make_blobs(n_samples=600, centers=3, random_state=170)
    points = points @ np.array([[0.6, -0.64], [-0.41, 0.85]])
    return float(adjusted_rand_score(groups, clustering.kmeans(3).fit_predict(points)))


@reference
def silhouettes(k: int) -> np.ndarray:
    """Every customer's silhouette for K-Means with ``k`` on the reference features."""
    return silhouette_samples(X.shared(), labels.shared(k))


def _cluster_silhouettes() -> pd.Series:
    k = chosen_k.shared()
    return pd.Series(silhouettes.shared(k)).groupby(labels.shared(k)).mean()


@reference
def pca_kept() -> float:
    """The share of the variance the first two principal components keep."""
    return float(PCA(n_components=2).fit(X.shared()).explained_variance_ratio_.sum())


@reference
def ari_by_k() -> pd.Series:
    """ARI with the planted segments for each defensible k."""
    return pd.Series({k: adjusted_rand_score(truth.shared(), labels.shared(k)) for k in defensible.shared()})


def _k_row(k: int) -> pd.Series:
    return k_table.shared().set_index("k").loc[k]


def _twin_best() -> pd.Series:
    table = twin_summary.shared()
    return table.loc[table["silhouette"].idxmax()]


def _and_list(values) -> str:
    values = [str(v) for v in values]
    return values[0] if len(values) == 1 else ", ".join(values[:-1]) + " and " + values[-1]


#: Every data-dependent number notebook 01's prose quotes, and how to compute it.
PROSE_FIGURES = [
    ProseFigure("4,000", lambda: round(raw.shared()["CustomerID"].nunique(), -3), "{:,}", "customers, rounded"),
    ProseFigure("22.6%", lambda: raw.shared()["CustomerID"].isna().mean(), "{:.1%}", "lines without CustomerID"),
    ProseFigure("80,995", lambda: raw.shared()["Quantity"].max(), "{:,}", "largest quantity on one line"),
    ProseFigure("24%", lambda: (rfm_table.shared()["frequency"] == 1).mean(), "{:.0%}", "customers with one order"),
    ProseFigure("30%", lambda: (rfm_table.shared()["frequency"] == 2).mean(), "{:.0%}", "customers with two orders"),
    ProseFigure("0.58", stretched_blobs_ari, "{:.2f}", "K-Means on long thin groups, ARI"),
    ProseFigure("4, 5 and 6", lambda: _and_list(defensible.shared()), "{}", "the defensible ks"),
    ProseFigure("picks 6", lambda: max(defensible.shared()), "picks {}", "the largest defensible k"),
    ProseFigure("0.88 ± 0.12", lambda: _k_row(max(defensible.shared())), "{0[mean_ari]:.2f} ± {0[std_ari]:.2f}",
                "stability of the largest defensible k"),
    ProseFigure("0.479", lambda: _k_row(max(defensible.shared()))["silhouette"], "{:.3f}",
                "silhouette of the largest defensible k"),
    ProseFigure("0.503", lambda: _k_row(chosen_k.shared())["silhouette"], "{:.3f}", "silhouette of the chosen k"),
    ProseFigure("picks 5", chosen_k, "picks {}", "best silhouette among stable ks"),
    ProseFigure("knee says 4", knee, "knee says {}", "the knee of the elbow"),
    ProseFigure("0.7%", lambda: (silhouettes.shared(chosen_k.shared()) < 0).mean(), "{:.1%}",
                "customers with a negative silhouette"),
    ProseFigure("0.36", lambda: _cluster_silhouettes().min(), "{:.2f}", "lowest cluster mean silhouette"),
    ProseFigure("0.69", lambda: _cluster_silhouettes().max(), "{:.2f}", "highest cluster mean silhouette"),
    ProseFigure("92%", pca_kept, "{:.0%}", "variance kept by two principal components"),
    ProseFigure("6 planted segments", lambda: truth.shared().nunique(), "{} planted segments",
                "planted segments"),
    ProseFigure("k = 6 recovers them best", lambda: int(ari_by_k.shared().idxmax()), "k = {} recovers them best",
                "the k with the best ARI"),
    ProseFigure("0.930", lambda: ari_by_k.shared().max(), "{:.3f}", "best ARI among the defensible ks"),
    ProseFigure("0.822", lambda: ari_by_k.shared()[chosen_k.shared()], "{:.3f}", "ARI of the chosen k"),
    ProseFigure("1,500", lambda: len(structureless_twin(X.shared())), "{:,}", "customers in the twin"),
    ProseFigure("0.38", lambda: _twin_best()["silhouette"], "{:.2f}", "twin's best silhouette"),
    ProseFigure("0.50", lambda: k_table.shared()["silhouette"].max(), "{:.2f}", "our best silhouette"),
    ProseFigure("best is at k = 2", lambda: int(_twin_best()["k"]), "best is at k = {}", "twin's best k"),
    ProseFigure("(at k = 4)", lambda: int(clustering.find_knee(twin_summary.shared()["k"],
                                                                twin_summary.shared()["inertia"])),
                "(at k = {})", "twin's knee"),
]
