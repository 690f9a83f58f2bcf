"""Is this week's segmentation still last week's? Stability, migration and drift.

* :func:`week_over_week_ari`: agreement of two weeks' segments on the viewers
  present in both.
* :func:`segment_jaccard`: per segment, overlap of its members in two weeks.
* :func:`migration_matrix`: who moved from which segment to which (plus new
  and gone viewers).
* :func:`psi`: population stability index of a feature or of segment sizes,
  with the usual reading: below 0.1 stable, 0.1 to 0.25 moderate shift, above
  0.25 significant shift (:func:`psi_level`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score

PSI_MODERATE, PSI_SIGNIFICANT = 0.1, 0.25
NEW, GONE = "new", "gone"


def _labels(series, name) -> pd.Series:
    if not isinstance(series, pd.Series):
        raise TypeError(f"{name} must be a Series of segments indexed by user, got {type(series).__name__}")
    if series.index.has_duplicates:
        dup = series.index[series.index.duplicated()][0]
        raise ValueError(f"{name} lists user {dup!r} more than once; give one segment per user")
    return series


def week_over_week_ari(previous: pd.Series, current: pd.Series) -> float:
    """ARI between two weeks' segments over the users present in both (NaN if under 2)."""
    previous, current = _labels(previous, "previous"), _labels(current, "current")
    common = previous.index.intersection(current.index)
    if len(common) < 2:
        return float("nan")
    return float(adjusted_rand_score(previous.loc[common], current.loc[common]))


def segment_jaccard(previous: pd.Series, current: pd.Series) -> pd.Series:
    """For each segment: |members in both weeks| / |members in either| (over all users of both weeks)."""
    previous, current = _labels(previous, "previous"), _labels(current, "current")
    out = {}
    for segment in sorted(set(previous) | set(current), key=str):
        a = set(previous.index[previous == segment])
        b = set(current.index[current == segment])
        out[segment] = len(a & b) / len(a | b) if a | b else float("nan")
    return pd.Series(out, name="jaccard").rename_axis("segment")


def migration_matrix(previous: pd.Series, current: pd.Series) -> pd.DataFrame:
    """Counts of users by (last week's segment, this week's segment).

    Users only in this week come from ``"new"``; users only in last week go
    to ``"gone"``.
    """
    previous, current = _labels(previous, "previous"), _labels(current, "current")
    users = previous.index.union(current.index)
    before = previous.reindex(users).astype(object).where(lambda s: s.notna(), NEW)
    after = current.reindex(users).astype(object).where(lambda s: s.notna(), GONE)
    table = pd.crosstab(before.rename("from"), after.rename("to"))
    return table


def psi(expected, actual, bins: int = 10) -> float:
    """Population stability index of ``actual`` against ``expected``.

    Numbers are binned at the deciles of ``expected`` (``bins`` quantile bins);
    anything else (segment labels, strings) is compared category by category.
    ``PSI = sum((a - e) * ln(a / e))`` over bins, with empty bins floored at
    0.0001 so a category that appears or vanishes counts without dividing by 0.
    """
    e, a = pd.Series(expected).dropna(), pd.Series(actual).dropna()
    if len(e) == 0 or len(a) == 0:
        raise ValueError(f"psi needs values on both sides, got {len(e)} expected and {len(a)} actual")
    numeric = pd.api.types.is_numeric_dtype(e) and pd.api.types.is_numeric_dtype(a) and e.nunique() > bins
    if numeric:
        edges = np.unique(np.quantile(e.to_numpy(dtype=float), np.linspace(0, 1, bins + 1)))
        edges[0], edges[-1] = -np.inf, np.inf
        e_share = np.histogram(e, edges)[0] / len(e)
        a_share = np.histogram(a, edges)[0] / len(a)
    else:
        cats = sorted(set(e.astype(str)) | set(a.astype(str)))
        e_share = e.astype(str).value_counts(normalize=True).reindex(cats, fill_value=0).to_numpy()
        a_share = a.astype(str).value_counts(normalize=True).reindex(cats, fill_value=0).to_numpy()
    e_share, a_share = np.maximum(e_share, 1e-4), np.maximum(a_share, 1e-4)
    return float(np.sum((a_share - e_share) * np.log(a_share / e_share)))


def psi_level(value: float) -> str:
    """"stable" (< 0.1), "moderate" (0.1 to 0.25) or "significant" (>= 0.25)."""
    if value >= PSI_SIGNIFICANT:
        return "significant"
    if value >= PSI_MODERATE:
        return "moderate"
    return "stable"
