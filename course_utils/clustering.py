"""Choosing k, profiling clusters and naming them.

* :func:`elbow_curve` and :func:`find_knee`: inertia against k, and the knee of
  that curve found the Kneedle way (no extra dependency).
* :func:`silhouette_curve`: mean silhouette against k.
* :func:`bootstrap_stability`: does the same k give the same clusters on
  resampled data? Mean pairwise ARI over resamples.
* :func:`profile_clusters`, :func:`name_clusters`: per-cluster medians, and
  business names from documented rules on those medians.
* :func:`match_labels`: relabel clusters to best match a reference labelling.
* :class:`ReducedHDBSCAN`: normalise, reduce (PCA or UMAP), then HDBSCAN, with
  membership strengths, the noise share, and assignment of new rows.
"""

from __future__ import annotations

import hashlib
import numbers
from collections import OrderedDict
from itertools import combinations

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment
from sklearn.base import BaseEstimator, ClusterMixin
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score, silhouette_score
from sklearn.utils.validation import check_is_fitted

from course_utils.validation import numeric_matrix, whole_number


def check_features(X, name: str = "X") -> np.ndarray:
    """Return ``X`` as a 2-D float array, or raise saying what is wrong.

    Nullable dtypes (``Int64``, ``Float64``) and True/False dummies are
    accepted. Missing or infinite values, text, complex numbers and values too
    large to square (beyond 1e150: scale them first) are refused, naming the
    column; so are fewer than 3 rows or no column.
    """
    arr = numeric_matrix(X, name)
    if arr.shape[0] < 3:
        raise ValueError(f"{name} has {arr.shape[0]} rows; clustering needs at least 3")
    if arr.shape[1] == 0:
        raise ValueError(f"{name} has no feature column")
    return arr


def _seed(value, name: str = "random_state") -> int:
    return whole_number(value, name, 0, maximum=2**32 - 1)


def _check_ks(ks, n_rows: int) -> list:
    if isinstance(ks, (str, bytes)) or not hasattr(ks, "__iter__"):
        raise ValueError(f"ks must be whole numbers such as range(2, 11), got {ks!r}")
    ks = list(ks)
    odd = [k for k in ks if isinstance(k, (bool, np.bool_)) or not isinstance(k, numbers.Integral)]
    if odd:
        raise ValueError(f"ks must be whole numbers such as range(2, 11), got {odd[0]!r}")
    ks = [int(k) for k in ks]
    if len(set(ks)) != len(ks):
        raise ValueError(f"ks lists a k more than once: {ks}; give each k once")
    if not ks:
        raise ValueError("ks is empty; give the numbers of clusters to try, e.g. range(2, 11)")
    bad = [k for k in ks if not 2 <= k < n_rows]
    if bad:
        raise ValueError(f"every k must be from 2 to {n_rows - 1} (the number of rows - 1), got {bad}")
    return ks


def _check_distinct(arr: np.ndarray, ks: list) -> None:
    distinct = len(np.unique(arr, axis=0))
    if max(ks) > distinct:
        raise ValueError(f"X has only {distinct} distinct rows, fewer than k={max(ks)}; K-Means cannot find that "
                         "many clusters. Use smaller ks")


def kmeans(k: int, random_state: int = 0, n_init: int = 10) -> KMeans:
    """The course's K-Means: k-means++ starts, ``n_init`` restarts, a fixed seed."""
    return KMeans(n_clusters=whole_number(k, "k"), n_init=whole_number(n_init, "n_init", maximum=1000),
                  random_state=_seed(random_state))


def _fit_curves(X, ks, random_state, n_init, sample_size=None, silhouette=True) -> pd.DataFrame:
    """Fit K-Means once per k; inertia and (optionally) mean silhouette from that one fit."""
    arr = check_features(X)
    ks = _check_ks(ks, len(arr))
    _seed(random_state)
    whole_number(n_init, "n_init", maximum=1000)
    if sample_size is not None:
        sample_size = whole_number(sample_size, "sample_size", 2)
        if sample_size > len(arr):
            raise ValueError(f"sample_size={sample_size} is larger than the {len(arr)} rows; use None for all rows")
    _check_distinct(arr, ks)
    rows = []
    for k in ks:
        model = kmeans(k, random_state, n_init).fit(arr)
        row = {"k": k, "inertia": float(model.inertia_)}
        if silhouette:
            row["silhouette"] = float(
                silhouette_score(arr, model.labels_, sample_size=sample_size, random_state=random_state)
            )
        rows.append(row)
    return pd.DataFrame(rows)


def elbow_curve(X, ks=range(2, 11), random_state: int = 0, n_init: int = 10) -> pd.DataFrame:
    """Inertia (within-cluster sum of squares) of K-Means for each k."""
    return _fit_curves(X, ks, random_state, n_init, silhouette=False)


def find_knee(ks, values, direction: str = "decreasing", min_gain: float = 0.05):
    """The knee of a convex curve, Kneedle style; ``None`` when there is none.

    Both axes are scaled to [0, 1]; the knee is the point farthest above the
    straight line from the first to the last point (for a decreasing curve, after
    flipping it to increasing). If that distance is under ``min_gain`` the curve
    is close to a straight line and has no knee worth the name.

    Parameters
    ----------
    ks, values : sequences of equal length, at least 3 points, ks increasing.
    direction : "decreasing" (inertia) or "increasing".
    """
    if direction not in ("decreasing", "increasing"):
        raise ValueError(f"direction must be 'decreasing' or 'increasing', got {direction!r}")
    try:
        x = np.asarray(list(ks), dtype=float)
        y = np.asarray(list(values), dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"ks and values must be sequences of numbers, got {ks!r} and {values!r}") from exc
    if isinstance(min_gain, (bool, np.bool_)) or not isinstance(min_gain, numbers.Real) or \
            not 0 <= min_gain < 1:
        raise ValueError(f"min_gain must be a number from 0 to 1, got {min_gain!r}")
    if x.shape != y.shape or x.ndim != 1 or len(x) < 3:
        raise ValueError(f"ks and values must be 1-D of the same length >= 3, got {x.shape} and {y.shape}")
    if not (np.isfinite(x).all() and np.isfinite(y).all()):
        raise ValueError("ks and values must be finite numbers")
    if np.any(np.diff(x) <= 0):
        raise ValueError(f"ks must increase, got {list(ks)}")
    if np.ptp(y) == 0:
        return None
    xn = (x - x.min()) / np.ptp(x)
    yn = (y - y.min()) / np.ptp(y)
    if direction == "decreasing":
        yn = 1 - yn
    gain = yn - xn
    best = int(np.argmax(gain))
    if gain[best] < min_gain:
        return None
    return int(x[best]) if float(x[best]).is_integer() else float(x[best])


def silhouette_curve(X, ks=range(2, 11), random_state: int = 0, n_init: int = 10, sample_size=None) -> pd.DataFrame:
    """Mean silhouette of K-Means for each k (on a seeded sample if ``sample_size``)."""
    return _fit_curves(X, ks, random_state, n_init, sample_size)[["k", "silhouette"]]


def bootstrap_stability(X, ks=range(2, 11), n_resamples: int = 10, random_state: int = 0, n_init: int = 3):
    """How reproducible are the clusters for each k?

    For each k, fit K-Means on ``n_resamples`` bootstrap resamples (rows drawn
    with replacement), label *every* row with each fitted model, and compare the
    labellings pairwise with the adjusted Rand index (ARI, blind to label
    numbering). A mean near 1 means the same k finds the same groups on slightly
    different data; a k that splits a group arbitrarily scores lower.

    Returns a DataFrame with ``k``, ``mean_ari`` and ``std_ari``.
    """
    arr = check_features(X)
    ks = _check_ks(ks, len(arr))
    whole_number(n_resamples, "n_resamples", 2, maximum=10_000)
    _seed(random_state)
    whole_number(n_init, "n_init", maximum=1000)
    _check_distinct(arr, ks)
    rng = np.random.default_rng(random_state)
    draws = [rng.integers(0, len(arr), size=len(arr)) for _ in range(n_resamples)]
    rows = []
    for k in ks:
        labellings = [kmeans(k, random_state + b, n_init).fit(arr[idx]).predict(arr) for b, idx in enumerate(draws)]
        aris = [adjusted_rand_score(a, b) for a, b in combinations(labellings, 2)]
        rows.append({"k": k, "mean_ari": float(np.mean(aris)), "std_ari": float(np.std(aris))})
    return pd.DataFrame(rows)


def _check_labels(labels, n: int, name: str = "labels", index=None) -> np.ndarray:
    """One label per row. A Series is matched to ``index`` (the rows' labels) by
    its own index, in any order; it must hold the same rows."""
    if isinstance(labels, pd.Series) and index is not None and not labels.index.equals(index):
        if labels.index.has_duplicates or index.has_duplicates or set(labels.index) != set(index):
            if labels.index.has_duplicates or index.has_duplicates:
                detail = "one of them repeats a row label"
            else:
                only_labels = [i for i in labels.index if i not in set(index)][:3]
                only_rows = [i for i in index if i not in set(labels.index)][:3]
                detail = "; ".join(part for part in (
                    f"labelled but not a row: {only_labels}" if only_labels else "",
                    f"rows without a label: {only_rows}" if only_rows else "") if part)
            raise ValueError(f"{name} is a Series whose index does not match the rows ({len(labels)} labels for "
                             f"{len(index)} rows; {detail}); give one label per row, in row order, or index the "
                             "labels like the rows")
        labels = labels.reindex(index)
    if isinstance(labels, pd.Series) and not isinstance(labels.dtype, np.dtype):
        labels = labels.astype(object)
    arr = np.asarray(labels)
    if arr.ndim != 1 or len(arr) != n:
        raise ValueError(f"{name} must be 1-D with one label per row ({n} rows), got shape {arr.shape}")
    if pd.isna(arr).any():
        raise ValueError(f"{name} has {int(pd.isna(arr).sum())} missing values; give every row a label")
    kinds = {type(v) for v in arr.tolist()} if arr.dtype == object else set()
    if any(issubclass(k, str) for k in kinds) and not all(issubclass(k, str) for k in kinds):
        raise ValueError(f"{name} mixes text and numbers; make the labels one type, e.g. .astype(str)")
    return arr


def profile_clusters(features: pd.DataFrame, labels) -> pd.DataFrame:
    """Size, share and the median of every feature, one row per cluster.

    Medians, not means: RFM features are skewed, and one wholesale customer can
    drag a mean far from the typical member. Missing values are left out of
    each median (a viewer without a search has no query vector) and counted
    per feature in ``result.attrs["missing"]``; non-numeric columns are left out.
    Labels given as a Series are matched to the rows by index.
    """
    if not isinstance(features, pd.DataFrame):
        raise TypeError(f"features must be a DataFrame with named columns, got {type(features).__name__}")
    if features.columns.has_duplicates:
        raise ValueError(f"features has more than one column named "
                         f"{sorted(map(str, set(features.columns[features.columns.duplicated()])))}; keep one")
    numeric = [c for c in features.columns if pd.api.types.is_numeric_dtype(features[c])]
    if not numeric:
        raise ValueError(f"features has no numeric column; columns present: {list(features.columns)}")
    arr = _check_labels(labels, len(features), index=features.index)
    grouped = features[numeric].groupby(arr)
    out = grouped.median()
    out.insert(0, "share", grouped.size() / len(features))
    out.insert(0, "size", grouped.size())
    out.index.name = "cluster"
    out.attrs["missing"] = {c: int(n) for c, n in features[numeric].isna().sum().items() if n}
    return out


#: Naming rules for RFM clusters, tried in order; the first that fits names the
#: cluster. Each bound is on the percentile (0 to 1) of the cluster's median
#: among all customers: ``recent`` is 1 for the most recent, ``frequent`` for
#: the most invoices, ``spend`` for the most money, ``basket`` for the largest
#: average order (monetary / frequency).
RFM_NAMING_RULES = (
    ("Champions", {"recent": (0.6, 1.0), "frequent": (0.85, 1.0), "spend": (0.75, 1.0)}),
    ("Big Spenders", {"basket": (0.8, 1.0), "frequent": (0.0, 0.85)}),
    ("Loyal", {"recent": (0.45, 1.0), "frequent": (0.6, 1.0)}),
    ("At Risk", {"recent": (0.0, 0.45), "frequent": (0.5, 1.0)}),
    ("New", {"recent": (0.6, 1.0), "frequent": (0.0, 0.5)}),
    ("Lost", {"recent": (0.0, 0.45), "frequent": (0.0, 0.5)}),
)
UNNAMED = "Needs review"


def rfm_percentiles(rfm: pd.DataFrame, labels) -> pd.DataFrame:
    """Where each cluster's median customer stands among all customers (0 to 1)."""
    from course_utils.rfm import check_rfm

    check_rfm(rfm)
    arr = _check_labels(labels, len(rfm), index=rfm.index)
    basket = rfm["monetary"] / rfm["frequency"].where(rfm["frequency"] > 0)
    table = pd.DataFrame(
        {"recent": -rfm["recency"].to_numpy(), "frequent": rfm["frequency"].to_numpy(),
         "spend": rfm["monetary"].to_numpy(), "basket": basket.to_numpy()}
    )
    medians = table.groupby(arr).median()
    out = pd.DataFrame(index=medians.index)
    for col in table.columns:
        ref = np.sort(table[col].dropna().to_numpy())
        m = medians[col].to_numpy()
        # mid-rank: customers tied with the median count half, so a value most
        # customers share (one or two invoices) sits in the middle, not the top
        below = np.searchsorted(ref, m, side="left")
        upto = np.searchsorted(ref, m, side="right")
        out[col] = (below + upto) / 2 / len(ref)
    out.index.name = "cluster"
    return out


def name_clusters(percentiles: pd.DataFrame, rules=RFM_NAMING_RULES) -> pd.Series:
    """Name each cluster with the first rule its percentiles satisfy.

    Every cluster gets exactly one name; a cluster no rule fits is called
    ``"Needs review"``, which is a finding, not a failure: look at it. Two
    clusters may get the same name; then ask whether they differ in a way the
    business cares about.
    """
    if not isinstance(percentiles, pd.DataFrame):
        raise TypeError(f"percentiles must be a DataFrame (see rfm_percentiles), got {type(percentiles).__name__}")
    needed = sorted({col for _, bounds in rules for col in bounds})
    missing = [c for c in needed if c not in percentiles.columns]
    if missing:
        raise ValueError(f"percentiles has no column {missing}; columns present: {list(percentiles.columns)}")
    bad = [c for c in needed if not pd.api.types.is_numeric_dtype(percentiles[c])
           or pd.api.types.is_bool_dtype(percentiles[c])]
    if bad:
        raise ValueError(f"percentiles column(s) {bad} must be numbers from 0 to 1 (see rfm_percentiles)")
    if percentiles.index.has_duplicates:
        dup = percentiles.index[percentiles.index.duplicated()][0]
        raise ValueError(f"percentiles lists cluster {dup!r} more than once; give one row per cluster")
    names = {}
    for cluster, row in percentiles.iterrows():
        names[cluster] = next(
            (name for name, bounds in rules if all(lo <= row[c] <= hi for c, (lo, hi) in bounds.items())),
            UNNAMED,
        )
    return pd.Series(names, name="name").rename_axis("cluster")


def match_labels(reference, labels) -> dict:
    """Map each label in ``labels`` to a reference label: the best one-to-one assignment.

    The pairs are chosen together to make the total overlap (the rows a label and
    its reference label share) as large as it can be, by scipy's
    ``linear_sum_assignment`` on the contingency table (a modified Jonker-Volgenant
    algorithm, solving the assignment problem the Hungarian algorithm also solves).
    So a label need not get the reference label it overlaps most: when two labels
    overlap most with the same reference label, only one of them can have it. Labels
    left over when ``labels`` has more clusters than ``reference`` map to the
    reference label they overlap most.
    """
    ref = np.asarray(reference)
    lab = np.asarray(labels)
    if ref.shape != lab.shape or ref.ndim != 1 or len(ref) == 0:
        raise ValueError(f"reference and labels must be 1-D of the same non-zero length, got {ref.shape} and "
                         f"{lab.shape}")
    _check_labels(ref, len(ref), "reference")
    _check_labels(lab, len(lab), "labels")
    table = pd.crosstab(lab, ref)
    rows, cols = linear_sum_assignment(-table.to_numpy())
    mapping = {table.index[r]: table.columns[c] for r, c in zip(rows, cols)}
    for label in table.index:
        mapping.setdefault(label, table.columns[int(np.argmax(table.loc[label].to_numpy()))])
    return mapping


#: The last k_summary tables, by data and arguments (see k_summary).
_K_SUMMARIES: OrderedDict = OrderedDict()


def k_summary(X, ks=range(2, 11), random_state: int = 0, n_resamples: int = 10, sample_size=None,
              progress: bool = False) -> pd.DataFrame:
    """Elbow, silhouette and stability side by side, one row per k (one full fit per k).

    ``progress=True`` shows a progress bar (tqdm), one step per k: this is
    ``1 + n_resamples`` K-Means fits per k, seconds in all. Off by default, so a
    script or a library using this prints nothing.

    The last few results are remembered, keyed by the data's bytes and the
    arguments: asking again for the same table (a notebook's reference result
    after the learner's own call, say) costs nothing. You get a copy each time.
    """
    arr = check_features(X)
    ks = _check_ks(ks, len(arr))
    if not isinstance(progress, bool):
        raise TypeError(f"progress must be True or False, got {progress!r}")
    n_resamples = whole_number(n_resamples, "n_resamples", 2, maximum=10_000)  # before it keys the memo
    if sample_size is not None:
        sample_size = whole_number(sample_size, "sample_size", 2)
    seeded = isinstance(random_state, (int, np.integer)) and not isinstance(random_state, bool)
    key = (hashlib.sha256(np.ascontiguousarray(arr).tobytes()).hexdigest(), arr.shape, arr.dtype.str, tuple(ks),
           int(random_state), n_resamples, sample_size) if seeded else None
    if key is not None and key in _K_SUMMARIES:
        _K_SUMMARIES.move_to_end(key)
        return _K_SUMMARIES[key].copy()
    import sys

    from tqdm import tqdm  # a text bar: tqdm.auto wants ipywidgets, which the course does not install

    parts = []
    # k by k gives the same numbers as all ks at once: every fit is seeded by k and the resample alone.
    # The bar goes to stdout: Jupyter shows stderr in a red box, as if something went wrong.
    for k in tqdm(ks, desc="k_summary: one k at a time", unit="k", disable=not progress, leave=False,
                  file=sys.stdout):
        curves = _fit_curves(arr, [k], random_state, n_init=10, sample_size=sample_size)
        parts.append(curves.merge(bootstrap_stability(arr, [k], n_resamples, random_state), on="k"))
    table = pd.concat(parts, ignore_index=True)
    if key is not None:
        _K_SUMMARIES[key] = table.copy()
        while len(_K_SUMMARIES) > 4:
            _K_SUMMARIES.popitem(last=False)
    return table


def defensible_ks(summary: pd.DataFrame, min_stability: float = 0.85, silhouette_tolerance: float = 0.05) -> list:
    """The ks a team could defend: stable across resamples and close to the best silhouette.

    A k qualifies when its mean bootstrap ARI is at least ``min_stability`` (0.85:
    most resamples find the same groups) and its silhouette is within
    ``silhouette_tolerance`` of the best one. Among those,
    the course picks the largest (:func:`choose_k`): more segments are more
    actionable, as long as they are real.
    """
    if not isinstance(summary, pd.DataFrame):
        raise TypeError(f"summary must be the DataFrame from k_summary, got {type(summary).__name__}")
    from course_utils.validation import require_columns

    require_columns(summary, ["k", "silhouette", "mean_ari"], what="summary")
    if len(summary) == 0:
        raise ValueError("summary is empty; pass what k_summary returns")
    for column in ("k", "silhouette", "mean_ari"):
        values = summary[column]
        if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values) or values.isna().any() \
                or not np.isfinite(values.to_numpy(dtype=float)).all():
            raise ValueError(f"summary column {column!r} must hold finite numbers with no missing value")
    ks = summary["k"].to_numpy(dtype=float)
    if (ks != np.round(ks)).any():
        raise ValueError(f"summary column 'k' must hold whole numbers, got {ks[ks != np.round(ks)][0]}")
    for name, value in (("min_stability", min_stability), ("silhouette_tolerance", silhouette_tolerance)):
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real) or not np.isfinite(value):
            raise ValueError(f"{name} must be a number, got {value!r}")
    best = summary["silhouette"].max()
    ok = (summary["mean_ari"] >= min_stability) & (summary["silhouette"] >= best - silhouette_tolerance)
    return [int(k) for k in summary.loc[ok, "k"]]


def choose_k(summary: pd.DataFrame, **kwargs) -> int:
    """The largest defensible k (see :func:`defensible_ks`)."""
    ks = defensible_ks(summary, **kwargs)
    if not ks:
        raise ValueError(
            "no k is both stable and near the best silhouette; relax the thresholds or revisit the features"
        )
    return max(ks)


REDUCERS = (None, "pca", "umap")


class ReducedHDBSCAN(ClusterMixin, BaseEstimator):
    """Density clustering of embeddings: normalise, reduce, then HDBSCAN.

    HDBSCAN finds clusters of any shape and leaves points in sparse regions
    unassigned (label -1, "noise") instead of forcing them into a cluster. It
    struggles in many dimensions, where distances all look alike, so the rows
    are first scaled to unit length (cosine geometry, usual for embeddings)
    and reduced with PCA (fast, deterministic) or UMAP (keeps local
    neighbourhoods, slower, and can pull noise into clusters).

    Parameters
    ----------
    min_cluster_size : int
        The smallest group worth calling a segment.
    min_samples : int or None
        How conservative the clustering is: larger values declare more points
        noise. None means ``min_cluster_size``.
    reduce : {"pca", "umap", None}
    n_components : int
        Dimensions kept by the reduction.
    normalize : bool
        Scale each row to unit length first.
    random_state : int
        Seed for UMAP (PCA and HDBSCAN are deterministic).

    It follows scikit-learn's conventions: ``get_params``/``set_params``,
    :func:`sklearn.base.clone`, and ``NotFittedError`` before ``fit``.

    Attributes
    ----------
    labels_ : ndarray of int
        Cluster per row, -1 for noise.
    probabilities_ : ndarray of float
        Membership strength per row (0 for noise, 1 at a cluster's core).
    noise_share_ : float
        Share of rows labelled noise.
    n_clusters_ : int
    embedding_ : ndarray
        The reduced rows HDBSCAN saw.
    """

    def __init__(self, min_cluster_size: int = 25, min_samples=None, reduce="pca", n_components: int = 10,
                 normalize: bool = True, random_state: int = 0):
        self.min_cluster_size = min_cluster_size
        self.min_samples = min_samples
        self.reduce = reduce
        self.n_components = n_components
        self.normalize = normalize
        self.random_state = random_state

    def _validate(self, n_rows: int, n_features: int) -> None:
        mcs = whole_number(self.min_cluster_size, "min_cluster_size", 2)
        if mcs > n_rows:
            raise ValueError(
                f"min_cluster_size={mcs} is larger than the data ({n_rows} rows): no cluster could form. "
                f"Use a value well below {n_rows}, e.g. 1-2% of the rows"
            )
        ms = self.min_samples
        if ms is not None and (isinstance(ms, bool) or not isinstance(ms, (int, np.integer)) or not 1 <= ms <= n_rows):
            raise ValueError(f"min_samples must be None or a whole number from 1 to {n_rows}, got {ms!r}")
        if self.reduce not in REDUCERS:
            raise ValueError(f"reduce must be one of {REDUCERS}, got {self.reduce!r}")
        nc = self.n_components
        if self.reduce is not None:
            nc = whole_number(nc, "n_components")
            if nc >= n_features:
                raise ValueError(
                    f"n_components={nc} is not fewer than the {n_features} features; reduce to fewer "
                    "dimensions, or pass reduce=None to cluster the features as they are"
                )
            if nc >= n_rows:
                raise ValueError(
                    f"n_components={nc} is not fewer than the {n_rows} rows; a reduction cannot find more "
                    "directions than there are rows. Use fewer components, or pass reduce=None"
                )
        if not isinstance(self.normalize, (bool, np.bool_)):
            raise ValueError(f"normalize must be True or False, got {self.normalize!r}")
        _seed(self.random_state)

    def _prepare(self, X) -> np.ndarray:
        if self.normalize:
            norms = np.linalg.norm(X, axis=1, keepdims=True)
            if (norms == 0).any():
                raise ValueError(
                    f"{int((norms == 0).sum())} row(s) are all zeros and cannot be scaled to unit length; "
                    "drop them or pass normalize=False"
                )
            X = X / norms
        return X

    def fit(self, X, y=None):
        import hdbscan

        X = check_features(X)
        self._validate(*X.shape)
        self.n_features_in_ = X.shape[1]
        Z = self._prepare(X)
        if self.reduce == "pca":
            from sklearn.decomposition import PCA

            self.reducer_ = PCA(n_components=self.n_components, random_state=self.random_state).fit(Z)
            Z = self.reducer_.transform(Z)
        elif self.reduce == "umap":
            import warnings

            import umap

            with warnings.catch_warnings():  # a seed makes UMAP run on one thread; that is the point
                warnings.filterwarnings("ignore", message="n_jobs value")
                self.reducer_ = umap.UMAP(n_components=self.n_components, n_neighbors=30, min_dist=0.0,
                                          random_state=self.random_state).fit(Z)
            Z = self.reducer_.embedding_
        else:
            self.reducer_ = None
        self.clusterer_ = hdbscan.HDBSCAN(min_cluster_size=int(self.min_cluster_size),
                                          min_samples=None if self.min_samples is None else int(self.min_samples),
                                          prediction_data=True).fit(Z)
        self.embedding_ = Z
        self.labels_ = self.clusterer_.labels_.astype(int)
        self.probabilities_ = self.clusterer_.probabilities_
        self.n_clusters_ = int(self.labels_.max() + 1)
        self.noise_share_ = float((self.labels_ == -1).mean())
        return self

    def fit_predict(self, X, y=None) -> np.ndarray:
        return self.fit(X).labels_

    def _check_fitted(self):
        check_is_fitted(self, "clusterer_", msg="This ReducedHDBSCAN is not fitted yet; call fit(X) first.")

    def transform(self, X) -> np.ndarray:
        """New rows in the reduced space the clusters live in."""
        self._check_fitted()
        X = numeric_matrix(X, "X")
        if X.shape[1] != self.n_features_in_:
            raise ValueError(f"X must have {self.n_features_in_} columns like the data fitted, got shape {X.shape}")
        if len(X) == 0:
            raise ValueError("X has no rows")
        Z = self._prepare(X)
        return Z if self.reducer_ is None else self.reducer_.transform(Z)

    def predict(self, X) -> tuple:
        """``(labels, strengths)`` for new rows, without refitting.

        Uses ``hdbscan.approximate_predict``: each new point joins the cluster
        whose dense region it falls in, or is noise (-1), as if it had been in
        the data (the clusters themselves do not change).
        """
        import hdbscan

        Z = self.transform(X)  # checks that the model is fitted and X fits it
        labels, strengths = hdbscan.approximate_predict(self.clusterer_, Z)
        return labels.astype(int), strengths

    def membership(self) -> pd.DataFrame:
        """Soft clustering: for every fitted row, how much it belongs to each cluster.

        Each row sums to at most 1; the rest is the chance that the row
        belongs to no cluster. Noise rows get values too (their nearest
        clusters). Users who mix two interests show up split between two clusters.
        """
        import hdbscan

        self._check_fitted()
        if self.n_clusters_ == 0:
            raise ValueError("no cluster was found, so there is nothing to belong to")
        M = hdbscan.all_points_membership_vectors(self.clusterer_)
        M = np.asarray(M, dtype=float).reshape(len(self.labels_), -1)
        return pd.DataFrame(M, columns=list(range(M.shape[1])))


# -- is there any structure? ------------------------------------------------------------------
_HOPKINS_STREAM = 0x486F706B  # "Hopk": keeps hopkins' random draws apart from a caller's own seed


def hopkins(X, sample_size=None, random_state: int = 0) -> float:
    """The Hopkins statistic: is there cluster structure at all?

    Compares how far ``m`` random points drawn uniformly in the data's bounding
    box are from their nearest data point (``u``) with how far ``m`` sampled data
    points are from their nearest *other* data point (``w``):
    ``H = sum(u**d) / (sum(u**d) + sum(w**d))`` in ``d`` dimensions (distances to
    the power ``d``, as in Wright's correction of the original statistic, so
    that uniform data gives 0.5 whatever the dimension).

    About 0.5 for uniform random data; near 1 when the data is clumped. It
    measures clumpiness, not the number of clusters, and it depends on scaling:
    standardise the features first, as you would before clustering.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    sample_size : int, optional
        ``m``, the number of probes; default 10% of the rows (at least 10, at most n - 1).
    random_state : int

    Returns
    -------
    float between 0 and 1.
    """
    from sklearn.neighbors import NearestNeighbors

    X = check_features(X)
    _seed(random_state)
    n, d = X.shape
    if sample_size is None:
        m = int(min(n - 1, max(10, round(0.1 * n))))
    else:
        m = whole_number(sample_size, "sample_size")
        if m >= n:
            raise ValueError(f"sample_size={m} must be smaller than the number of rows ({n})")
    span = X.max(axis=0) - X.min(axis=0)
    if np.any(span == 0):
        const = [int(j) for j in np.flatnonzero(span == 0)]
        raise ValueError(f"feature(s) {const} are constant: the bounding box is flat; drop them first")
    # A stream of its own: with default_rng(random_state) the probes of uniform data drawn with the same
    # seed (np.random.default_rng(0).uniform(...), a common way to make it) would retrace the data itself.
    rng = np.random.default_rng([random_state, _HOPKINS_STREAM])
    nn = NearestNeighbors(n_neighbors=2).fit(X)
    probes = rng.uniform(X.min(axis=0), X.max(axis=0), size=(m, d))
    u = nn.kneighbors(probes, n_neighbors=1)[0][:, 0]
    picks = rng.choice(n, size=m, replace=False)
    w = nn.kneighbors(X[picks], n_neighbors=2)[0][:, 1]  # the first neighbour is the point itself
    # Work with logs: distances to the power d under- or overflow in many dimensions.
    lu, lw = d * np.log(np.maximum(u, 1e-300)), d * np.log(np.maximum(w, 1e-300))
    top = max(lu.max(), lw.max())
    su, sw = np.exp(lu - top).sum(), np.exp(lw - top).sum()
    return float(su / (su + sw))


# -- explaining segments ---------------------------------------------------------------------
class ClusterExplanation:
    """What a shallow decision tree learned about a clustering (see :func:`explain_clusters`).

    Attributes
    ----------
    fidelity : float
        Accuracy of a tree trained on 70% of the rows at reproducing the labels
        of the other 30%: how well these few rules capture the segments.
    top_features : list of str
        Features the tree uses, most important first (importance > 0 only).
    importances : pandas.Series
        Importance of every feature (sums to 1 when the tree splits at all).
    rules : str
        The tree (refitted on every row) as readable if/else text.
    tree : sklearn.tree.DecisionTreeClassifier
        That refitted tree.
    """

    def __init__(self, tree, feature_names, fidelity, importances, rules):
        self.tree = tree
        self.feature_names = list(feature_names)
        self.fidelity = float(fidelity)
        self.importances = importances
        self.top_features = [f for f, v in importances.items() if v > 0]
        self.rules = rules

    def plot(self, ax=None, fontsize: int = 8):
        """Draw the tree with matplotlib; returns the axes."""
        import matplotlib.pyplot as plt
        from sklearn.tree import plot_tree

        if ax is None:
            _, ax = plt.subplots(figsize=(10, 4.5))
        plot_tree(self.tree, feature_names=self.feature_names, class_names=[str(c) for c in self.tree.classes_],
                  filled=True, impurity=False, fontsize=fontsize, ax=ax)
        ax.set_title(f"Decision-tree surrogate (fidelity {self.fidelity:.0%} on held-out rows)")
        return ax

    def __repr__(self):
        return (f"ClusterExplanation(fidelity={self.fidelity:.3f}, top_features={self.top_features[:5]}"
                f"{', ...' if len(self.top_features) > 5 else ''})")


def explain_clusters(features, labels, max_depth: int = 3, random_state: int = 0) -> ClusterExplanation:
    """Explain segments with a decision-tree surrogate: which features separate them, and how.

    A shallow tree is trained to predict each row's segment from its features.
    Its held-out accuracy (``fidelity``) says whether a few readable rules
    capture the segmentation; its feature importances say what tells the
    segments apart. It works for any labels (HDBSCAN's -1 noise is one more
    class). Use the original, unscaled features so that the thresholds in the
    rules are in units a stakeholder knows.

    Parameters
    ----------
    features : DataFrame (or 2-D array) of numeric features, one row per customer
    labels : array-like of segment labels, one per row
    max_depth : int
        Depth of the tree; 2 to 4 keeps the rules readable.
    random_state : int

    Returns
    -------
    ClusterExplanation
    """
    from sklearn.model_selection import train_test_split
    from sklearn.tree import DecisionTreeClassifier, export_text

    if isinstance(features, pd.DataFrame):
        names = [str(c) for c in features.columns]
    X = check_features(features, "features")
    if not isinstance(features, pd.DataFrame):
        names = [f"x{j}" for j in range(X.shape[1])]
    if len(set(names)) != len(names):
        raise ValueError(f"feature names must be unique, got {names}")
    y = _check_labels(labels, len(X), index=features.index if isinstance(features, pd.DataFrame) else None)
    _seed(random_state)
    y = np.asarray([str(v) for v in y], dtype=object)
    classes, counts = np.unique(y, return_counts=True)
    if len(classes) < 2:
        raise ValueError(f"labels hold a single segment ({classes[0]!r}); there is nothing to tell apart")
    depth = whole_number(max_depth, "max_depth", maximum=64)
    stratify = y if counts.min() >= 2 else None
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.3, random_state=random_state, stratify=stratify)
    probe = DecisionTreeClassifier(max_depth=depth, random_state=random_state).fit(X_tr, y_tr)
    fidelity = float((probe.predict(X_te) == y_te).mean())
    tree = DecisionTreeClassifier(max_depth=depth, random_state=random_state).fit(X, y)
    importances = pd.Series(tree.feature_importances_, index=names).sort_values(ascending=False, kind="stable")
    rules = export_text(tree, feature_names=names, decimals=2)
    return ClusterExplanation(tree, names, fidelity, importances, rules)


# -- density clustering: choosing eps ---------------------------------------------------------
def k_distances(X, min_samples: int = 5) -> np.ndarray:
    """Distance from every row to its ``min_samples``-th nearest row (the row itself counts), sorted.

    This is DBSCAN's own yardstick: with ``DBSCAN(eps, min_samples)`` a row is a
    core point exactly when this distance is at most ``eps``. Plotted in
    increasing order, the curve is flat inside the groups and rises steeply at
    the rows in sparse regions; an ``eps`` near the bend keeps the groups and
    leaves the sparse rows as noise (see :func:`suggest_eps`).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features), scaled as you will cluster it
    min_samples : int
        The ``min_samples`` you will give DBSCAN (at least 2, fewer than the rows).

    Returns
    -------
    numpy array of n_samples distances, smallest first.
    """
    from sklearn.neighbors import NearestNeighbors

    arr = check_features(X)
    k = whole_number(min_samples, "min_samples", minimum=2)
    if k >= len(arr):
        raise ValueError(f"min_samples={k} must be smaller than the number of rows ({len(arr)})")
    dist = NearestNeighbors(n_neighbors=k).fit(arr).kneighbors(arr)[0][:, -1]
    return np.sort(dist)


def suggest_eps(X, min_samples: int = 5) -> float:
    """An ``eps`` for DBSCAN at the bend of the sorted k-distance curve (Kneedle style).

    Both axes are scaled to [0, 1] and the bend is the point farthest below the
    straight line from the first to the last point. It is a starting point, not
    an answer: when the groups differ in density the curve has several bends and
    no single ``eps`` suits them all (HDBSCAN, which tries every ``eps``, does).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features), scaled as you will cluster it
    min_samples : int

    Returns
    -------
    float
    """
    d = k_distances(X, min_samples)
    if np.ptp(d) == 0:
        raise ValueError("every row has the same k-distance (duplicated or evenly spaced rows); "
                         "there is no bend to read an eps from")
    x = np.linspace(0.0, 1.0, len(d))
    y = (d - d[0]) / np.ptp(d)
    return float(d[int(np.argmax(x - y))])


# -- silhouette diagram -----------------------------------------------------------------------
def silhouette_diagram(X, labels, ax=None, noise=-1, title: str | None = None):
    """Draw every row's silhouette, sorted within its cluster (the "knife" plot).

    Each cluster is a blade: wide and long means most of its rows sit well
    inside it; a blade with a tail below 0 holds rows closer to another cluster.
    The dashed line is the mean silhouette, the single number that hides all of
    this. Rows labelled ``noise`` (DBSCAN's and HDBSCAN's -1) have no cluster and
    are left out (the title says how many).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features), scaled as it was clustered
    labels : array-like of n_samples cluster labels
    ax : matplotlib axes, optional
    noise : label of unassigned rows, or None when every row has a cluster
    title : str, optional

    Returns
    -------
    matplotlib axes
    """
    import matplotlib.pyplot as plt
    from matplotlib.axes import Axes
    from sklearn.metrics import silhouette_samples

    if ax is not None and not isinstance(ax, Axes):
        raise TypeError(f"ax must be matplotlib axes (e.g. from plt.subplots()) or None, got {type(ax).__name__}")
    arr = check_features(X)
    lab = _check_labels(labels, len(arr))
    keep = np.ones(len(lab), bool) if noise is None else lab != noise
    clusters = np.unique(lab[keep])
    if len(clusters) < 2 or len(clusters) >= keep.sum():
        raise ValueError(f"labels must hold from 2 to (rows - 1) clusters besides noise, got {len(clusters)} "
                         f"cluster(s) on {int(keep.sum())} rows")
    values = silhouette_samples(arr[keep], lab[keep])
    kept = lab[keep]
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4))
    y0 = 0
    gap = max(2, int(0.01 * len(values)))
    ticks = []
    for i, c in enumerate(clusters):
        v = np.sort(values[kept == c])
        ax.fill_betweenx(np.arange(y0, y0 + len(v)), 0, v, color=plt.cm.tab10(i % 10), alpha=0.8, lw=0)
        ticks.append(y0 + len(v) / 2)
        y0 += len(v) + gap
    ax.axvline(values.mean(), color="k", ls="--", lw=1, label=f"mean {values.mean():.2f}")
    ax.axvline(0, color="grey", lw=0.5)
    ax.set_yticks(ticks, [str(c) for c in clusters])
    dropped = int((~keep).sum())
    ax.set(xlabel="silhouette", ylabel="cluster (rows sorted by silhouette)",
           title=title or ("Silhouette of every row" + (f" ({dropped} noise rows left out)" if dropped else "")))
    ax.legend(loc="lower right", fontsize=8)
    return ax


# -- is there any structure? a null comparison -------------------------------------------------
def permute_columns(X, random_state: int = 0) -> np.ndarray:
    """A copy of ``X`` with each column shuffled on its own.

    Every column keeps its values (its distribution), but which values sit
    together in a row is random: any relation between the columns, clusters
    included, is destroyed. The copy is the "no structure" version of the data.
    """
    arr = check_features(X)
    rng = np.random.default_rng(whole_number(random_state, "random_state", minimum=0))
    return np.column_stack([rng.permutation(col) for col in arr.T])


class NullComparison:
    """A score on the data against the same score on copies with the structure destroyed.

    Attributes
    ----------
    observed : float
        The score on the data.
    null : numpy array
        The score on each column-permuted copy.
    p_value : float
        ``(1 + copies scoring at least observed) / (1 + copies)``: small when the
        data scores higher than structure-free data almost always does.
    """

    def __init__(self, observed, null):
        self.observed = float(observed)
        self.null = np.asarray(null, dtype=float)
        self.p_value = float((1 + np.sum(self.null >= self.observed)) / (1 + len(self.null)))

    @property
    def excess(self) -> float:
        """How far the data's score is above the copies' mean score."""
        return self.observed - float(self.null.mean())

    def __repr__(self):
        return (f"NullComparison(observed={self.observed:.3f}, null mean={self.null.mean():.3f} "
                f"(max {self.null.max():.3f}, {len(self.null)} copies), p_value={self.p_value:.3f})")


def null_comparison(X, score, n_permutations: int = 19, random_state: int = 0) -> NullComparison:
    """Compare ``score(X)`` with the score on copies of ``X`` whose columns are shuffled independently.

    A clustering score (silhouette, Calinski-Harabasz, ...) is high on some data
    without any groups; the question is whether it is higher than on the *same*
    columns with their relations destroyed (:func:`permute_columns`). A small
    ``p_value`` says the columns are related in a way shuffled copies are not. It
    does not say that the relation is groups: one elongated cloud (correlated
    columns, no groups) beats its shuffled copies too.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features), scaled as you will cluster it
    score : callable
        ``score(X) -> float``, higher meaning more structure, e.g.
        ``lambda Z: silhouette_score(Z, KMeans(3, n_init=4, random_state=0).fit_predict(Z))``.
    n_permutations : int
        The number of shuffled copies (19 gives a smallest possible p-value of 0.05).
    random_state : int

    Returns
    -------
    NullComparison
    """
    arr = check_features(X)
    if not callable(score):
        raise TypeError(f"score must be a function of the data returning a number, got {type(score).__name__}")
    n = whole_number(n_permutations, "n_permutations")
    seed = whole_number(random_state, "random_state", minimum=0)

    def run(data, what):
        value = score(data)
        try:
            value = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"score must return one number, got {type(value).__name__} on {what}") from None
        if not np.isfinite(value):
            raise ValueError(f"score returned {value} on {what}; it must return a finite number")
        return value

    observed = run(arr, "the data")
    rng = np.random.default_rng(seed)
    seeds = rng.integers(0, 2**32 - 1, size=n)
    null = [run(permute_columns(arr, int(s)), f"shuffled copy {i + 1}") for i, s in enumerate(seeds)]
    return NullComparison(observed, null)


# -- placing rows by their clustered neighbours ------------------------------------------------
def place_by_neighbours(segmenter, X, n_neighbors: int = 15, agreement: float = 0.7) -> tuple:
    """Place rows in a fitted :class:`ReducedHDBSCAN`'s clusters by a vote of their neighbours.

    Each row is put in the reduced space the clusters live in
    (``segmenter.transform``); its ``n_neighbors`` nearest *clustered* rows of
    the fit vote, and it joins the cluster most of them belong to, if at least
    ``agreement`` of them agree. A row whose neighbours are split between
    clusters (a reader between two interests, or of no interest in particular)
    stays unplaced (-1). Unlike :meth:`ReducedHDBSCAN.predict`, a row need not
    fall inside a dense region: this is for rows the density was not estimated
    on, such as readers with less evidence, and it follows the clusters'
    shapes (a long thin cluster keeps its members).

    Parameters
    ----------
    segmenter : ReducedHDBSCAN
        Fitted, with at least one cluster.
    X : array-like of shape (n_rows, n_features)
        Rows in the space the segmenter was fitted on (the same columns).
    n_neighbors : int
        How many clustered rows vote.
    agreement : float
        Smallest share of the votes the winning cluster needs, from 0 to 1;
        0 places every row.

    Returns
    -------
    labels : ndarray of int
        A cluster of the segmenter for each row, or -1.
    share : ndarray of float
        The share of the votes the most voted cluster got.
    """
    from sklearn.neighbors import NearestNeighbors

    if not isinstance(segmenter, ReducedHDBSCAN):
        raise TypeError(f"segmenter must be a fitted ReducedHDBSCAN, got {type(segmenter).__name__}")
    segmenter._check_fitted()
    clustered = segmenter.labels_ >= 0
    if not clustered.any():
        raise ValueError("the segmenter found no cluster, so there is nothing to place rows in; refit it with a "
                         "smaller min_cluster_size or min_samples")
    k = whole_number(n_neighbors, "n_neighbors")
    if k > int(clustered.sum()):
        raise ValueError(f"n_neighbors={k} but only {int(clustered.sum())} fitted rows are clustered; use fewer")
    if isinstance(agreement, (bool, np.bool_)) or not isinstance(agreement, numbers.Real) or not 0 <= agreement <= 1:
        raise ValueError(f"agreement must be a share from 0 to 1, such as 0.7, got {agreement!r}")
    X = numeric_matrix(X, "X")
    if len(X) == 0:  # nothing to place; the columns must still be the fitted ones
        if X.shape[1] != segmenter.n_features_in_:
            raise ValueError(f"X must have {segmenter.n_features_in_} columns like the data fitted, got shape "
                             f"{X.shape}")
        return np.zeros(0, dtype=int), np.zeros(0)
    Z = segmenter.transform(X)
    known = segmenter.labels_[clustered]
    neighbours = NearestNeighbors(n_neighbors=k).fit(segmenter.embedding_[clustered]).kneighbors(Z)[1]
    votes = known[neighbours]
    counts = np.zeros((len(Z), int(known.max()) + 1))
    np.add.at(counts, (np.repeat(np.arange(len(Z)), k), votes.ravel()), 1)
    winner = counts.argmax(axis=1)
    share = counts.max(axis=1) / k
    return np.where(share >= agreement, winner, -1).astype(int), share


# -- several settings, one answer ---------------------------------------------------------------
def consensus_hdbscan(X, settings, **common) -> tuple:
    """Fit :class:`ReducedHDBSCAN` under several settings and keep the one the others agree with most.

    HDBSCAN's answer can hinge on a setting: on one dataset ten PCA dimensions
    merge two groups that six keep apart, on another it is the other way round.
    No single setting is safe everywhere, but the failures rarely coincide, so
    the clustering that agrees best with all the others (the highest mean
    adjusted Rand index with them) is a safe choice: a *consensus* over
    settings. Agreement is the adjusted Rand index over every row, noise
    counted as one more label (counted only on the rows both place, a setting
    that leaves a merged group mostly as noise would look as if it agreed).

    Parameters
    ----------
    X : array-like of shape (n_rows, n_features)
    settings : list of dict
        ReducedHDBSCAN parameters that differ between the fits (at least two),
        e.g. ``[{"n_components": 6, "min_samples": 5}, {"n_components": 10, "min_samples": 10}]``.
    **common
        Parameters every fit shares (``min_cluster_size=...``).

    Returns
    -------
    best : ReducedHDBSCAN
        The fitted model whose clustering agrees most with the others.
    table : DataFrame
        One row per setting: its parameters, ``clusters``, ``noise share`` and
        ``agreement`` (mean ARI with the other settings), best first.

    Examples
    --------
    >>> settings = [{"n_components": nc, "min_samples": ms} for nc in (6, 8, 10) for ms in (5, 10)]
    >>> best, table = consensus_hdbscan(U, settings, min_cluster_size=50)   # doctest: +SKIP
    """
    if isinstance(settings, dict) or not isinstance(settings, (list, tuple)) or len(settings) < 2:
        raise TypeError("settings must be a list of at least two dicts of ReducedHDBSCAN parameters, got "
                        f"{type(settings).__name__}")
    known = set(ReducedHDBSCAN().get_params())
    for s in settings:
        if not isinstance(s, dict):
            raise TypeError(f"each setting must be a dict of ReducedHDBSCAN parameters, got {s!r}")
        unknown = sorted((set(s) | set(common)) - known)
        if unknown:
            raise ValueError(f"{unknown} are not ReducedHDBSCAN parameters; use {sorted(known)}")
    fits = [ReducedHDBSCAN(**{**common, **s}).fit(X) for s in settings]
    n = len(fits)
    agree = np.eye(n)
    for i, j in combinations(range(n), 2):  # noise is one more label: a setting that leaves a group out disagrees
        agree[i, j] = agree[j, i] = adjusted_rand_score(fits[i].labels_, fits[j].labels_)
    score = (agree.sum(axis=1) - 1) / (n - 1)
    table = pd.DataFrame([{**s, "clusters": f.n_clusters_, "noise share": f.noise_share_, "agreement": score[i]}
                          for i, (s, f) in enumerate(zip(settings, fits))])
    best = int(np.argmax(score))  # the first of equals: the order of settings breaks ties
    table = table.iloc[np.argsort(-score, kind="stable")]
    return fits[best], table
