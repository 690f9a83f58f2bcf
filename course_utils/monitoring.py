"""Is this week's segmentation still last week's? Stability, migration and drift.

* :func:`week_over_week_ari`: agreement of two weeks' segments on the viewers
  present in both.
* :func:`moved_share`: share of the viewers present both weeks who changed segment.
* :func:`segment_jaccard`: per segment, overlap of its members in two weeks.
* :func:`migration_matrix`: who moved from which segment to which (plus new
  and gone viewers).
* :func:`centroid_drift`, :func:`unassigned_share`: how far segments moved, and
  how many viewers sit in segments no persona rule fits.
* :func:`psi`: population stability index of a feature or of segment sizes,
  with the usual reading: below 0.1 stable, 0.1 to 0.25 moderate shift, above
  0.25 significant shift (:func:`psi_level`). Those lines hold for large
  samples only: :func:`psi_alert` also asks whether the PSI is more than the
  noise of samples that size.
* :func:`cohort_drift` and :func:`drift_alerts`: did last week's segments
  behave differently this week? Behaviour moves the week it changes; segments
  built on a window of weeks follow a week later, so alerts watch behaviour.
"""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score

from course_utils.validation import numeric_matrix, require_columns, whole_number

PSI_MODERATE, PSI_SIGNIFICANT = 0.1, 0.25
NEW, GONE = "new", "gone"


def _labels(series, name) -> pd.Series:
    if not isinstance(series, pd.Series):
        raise TypeError(f"{name} must be a Series of segments indexed by user, got {type(series).__name__}")
    if series.index.has_duplicates:
        dup = series.index[series.index.duplicated()][0]
        raise ValueError(f"{name} lists user {dup!r} more than once; give one segment per user")
    if series.isna().any():
        user = series.index[series.isna().to_numpy()][0]
        raise ValueError(f"{name} has {int(series.isna().sum())} user(s) with no segment (e.g. {user!r}); "
                         "drop them, or give them a segment of their own")
    if series.dtype == object and len(series):
        text = series.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)
        if text.any() and not text.all():
            raise ValueError(f"{name} mixes text and numbers as segments (e.g. {series[text].iloc[0]!r} and "
                             f"{series[~text].iloc[0]!r}); make them one type, e.g. .astype(str)")
    return series


def week_over_week_ari(previous: pd.Series, current: pd.Series) -> float:
    """ARI between two weeks' segments over the users present in both (NaN if under 2)."""
    previous, current = _labels(previous, "previous"), _labels(current, "current")
    common = previous.index.intersection(current.index)
    if len(common) < 2:
        return float("nan")
    return float(adjusted_rand_score(previous.loc[common], current.loc[common]))


def moved_share(previous: pd.Series, current: pd.Series) -> float:
    """Share of the users present in both weeks whose segment changed (NaN if none is)."""
    previous, current = _labels(previous, "previous"), _labels(current, "current")
    common = previous.index.intersection(current.index)
    if len(common) == 0:
        return float("nan")
    return float((previous.loc[common] != current.loc[common]).mean())


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
    before = previous.astype(object).reindex(users).where(lambda s: s.notna(), NEW)
    after = current.astype(object).reindex(users).where(lambda s: s.notna(), GONE)
    table = pd.crosstab(before.rename("from"), after.rename("to"))
    return table


def centroid_drift(previous, current) -> pd.Series:
    """How far each segment's centroid moved: Euclidean distance per segment (rows).

    Give both in the same units, e.g. ``WeeklySegmenter.history_`` entries
    (scaled) or two ``centroids()`` frames. Two DataFrames are matched by
    name: features by column, segments by index (in any order); they must
    have the same ones. Arrays are matched by position.
    """
    if isinstance(previous, pd.DataFrame) and isinstance(current, pd.DataFrame):
        for what, a_labels, b_labels in (("features (columns)", previous.columns, current.columns),
                                         ("segments (index)", previous.index, current.index)):
            for side, labels in (("previous", a_labels), ("current", b_labels)):
                if labels.has_duplicates:
                    raise ValueError(f"{side} centroids repeat {what} {labels[labels.duplicated()][0]!r}; keep one")
            if set(a_labels) != set(b_labels):
                only_a = sorted(map(str, set(a_labels) - set(b_labels)))
                only_b = sorted(map(str, set(b_labels) - set(a_labels)))
                raise ValueError(f"previous and current centroids have different {what}: only in previous "
                                 f"{only_a}, only in current {only_b}")
        current = current.loc[previous.index, previous.columns]
    elif isinstance(previous, pd.DataFrame) != isinstance(current, pd.DataFrame):
        raise TypeError("give previous and current centroids as two DataFrames (matched by name) or two arrays "
                        f"(matched by position), got {type(previous).__name__} and {type(current).__name__}")
    a, b = _matrix(previous, "previous"), _matrix(current, "current")
    if a.shape != b.shape or a.ndim != 2:
        raise ValueError(f"previous and current centroids must be 2-D of the same shape, got {a.shape} and {b.shape}")
    index = previous.index if isinstance(previous, pd.DataFrame) else range(len(a))
    return pd.Series(np.linalg.norm(b - a, axis=1), index=index, name="centroid_drift").rename_axis("segment")


def _matrix(values, name) -> np.ndarray:
    """Centroids as a finite float matrix, or an error naming ``name`` and the column."""
    return numeric_matrix(values, f"{name} centroids", bools=False)


def unassigned_share(labels: pd.Series, personas: pd.Series, unassigned: str = "unassigned") -> float:
    """Share of users whose segment has no persona (or is missing from the persona map)."""
    labels = _labels(labels, "labels")
    if not isinstance(personas, pd.Series):
        raise TypeError(f"personas must be a Series segment -> persona, got {type(personas).__name__}")
    if personas.index.has_duplicates:
        dup = personas.index[personas.index.duplicated()][0]
        raise ValueError(f"personas lists segment {dup!r} more than once; give one persona per segment")
    if len(labels) == 0:
        return float("nan")
    named = labels.map(personas)
    return float((named.isna() | (named == unassigned)).mean())


def _psi_inputs(expected, actual):
    """Both sides as Series without missing values; refuses frames, text, nested values and infinities."""
    sides = []
    for name, values in (("expected", expected), ("actual", actual)):
        if isinstance(values, (pd.DataFrame, dict, str, bytes)) or np.ndim(values) != 1:
            raise TypeError(f"{name} must be one-dimensional values (a Series, list or 1-D array), got "
                            f"{type(values).__name__}")
        values = pd.Series(values).dropna()
        if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            if np.isinf(values.to_numpy(dtype=float)).any():
                raise ValueError(f"{name} has infinite values; drop them or cap them first")
        sides.append(values)
    e, a = sides
    if len(e) == 0 or len(a) == 0:
        raise ValueError(f"psi needs values on both sides, got {len(e)} expected and {len(a)} actual")
    return e, a


def _is_numeric(e: pd.Series, a: pd.Series, bins: int) -> bool:
    """Bin by quantiles (numbers with more distinct values than bins), else compare category by category."""
    return (pd.api.types.is_numeric_dtype(e) and pd.api.types.is_numeric_dtype(a) and e.nunique() > bins
            and not pd.api.types.is_bool_dtype(e) and not pd.api.types.is_bool_dtype(a))


def _psi_of_shares(e_share, a_share):
    """PSI of share vectors (last axis: bins), empty bins floored at 0.0001."""
    e_share, a_share = np.maximum(e_share, 1e-4), np.maximum(a_share, 1e-4)
    return np.sum((a_share - e_share) * np.log(a_share / e_share), axis=-1)


def psi(expected, actual, bins: int = 10) -> float:
    """Population stability index of ``actual`` against ``expected``.

    Numbers are binned at the quantiles of ``expected`` (``bins`` bins; fewer
    when values repeat, and a repeated value such as 0 gets a bin of its own);
    anything else (segment labels, strings) is compared category by category.
    ``PSI = sum((a - e) * ln(a / e))`` over bins, with empty bins floored at
    0.0001 so a category that appears or vanishes counts without dividing by 0.

    PSI has a noise floor: two samples of one distribution give about
    ``(bins - 1) * (1/n + 1/m)`` on average, and more for small samples, where
    empty bins cost a lot (about 0.5 for two samples of 50 in 10 bins, where
    the formula says 0.36). So the 0.1 / 0.25 readings only mean something for
    large samples; :func:`psi_alert` takes sample size into account.

    Missing values are left out on both sides (watch how many there are on
    their own); infinite values are refused. ``bins`` is a whole number >= 2.
    """
    whole_number(bins, "bins", 2, maximum=1000)
    e, a = _psi_inputs(expected, actual)
    if _is_numeric(e, a, bins):
        # Interior cut points at the quantiles of expected; a value equal to a cut
        # point goes left, so a spike (say, the many zeros of a genre share) is a
        # bin of its own instead of sharing one with the small values above it.
        cuts = np.unique(np.quantile(e.to_numpy(dtype=float), np.linspace(0, 1, bins + 1)[1:-1]))
        e_share = np.bincount(np.searchsorted(cuts, e.to_numpy(dtype=float)), minlength=len(cuts) + 1) / len(e)
        a_share = np.bincount(np.searchsorted(cuts, a.to_numpy(dtype=float)), minlength=len(cuts) + 1) / len(a)
    else:
        cats = sorted(set(e.astype(str)) | set(a.astype(str)))
        e_share = e.astype(str).value_counts(normalize=True).reindex(cats, fill_value=0).to_numpy()
        a_share = a.astype(str).value_counts(normalize=True).reindex(cats, fill_value=0).to_numpy()
    return float(_psi_of_shares(e_share, a_share))


def _shuffled_psi(e: pd.Series, a: pd.Series, bins: int, n_shuffles: int, rng) -> np.ndarray:
    """PSI of ``n_shuffles`` random re-splits of the pooled values into groups of len(e) and len(a)."""
    n = len(e)
    numeric = _is_numeric(e, a, bins)
    if numeric:
        pooled = np.concatenate([e.to_numpy(dtype=float), a.to_numpy(dtype=float)])
        k = bins
    else:
        pooled, cats = pd.factorize(pd.concat([e.astype(str), a.astype(str)], ignore_index=True))
        k = len(cats)
    out = []
    chunk = max(1, 4_000_000 // (len(pooled) * (k if numeric else 1)))  # bounded memory for large samples
    for start in range(0, n_shuffles, chunk):
        r = min(chunk, n_shuffles - start)
        split = rng.permuted(np.broadcast_to(pooled, (r, len(pooled))), axis=1)
        offsets = k * np.arange(r)[:, None]
        if numeric:
            cuts = np.quantile(split[:, :n], np.linspace(0, 1, bins + 1)[1:-1], axis=1).T  # cut points per row
            # the bin of a value is how many cut points lie strictly below it (equal goes left, as in psi); a
            # repeated cut point adds a bin that is empty on both sides, which adds nothing to the PSI
            idx = (split[:, :, None] > cuts[:, None, :]).sum(axis=2) + offsets
        else:
            idx = split + offsets
        E = np.bincount(idx[:, :n].ravel(), minlength=k * r).reshape(r, k) / n
        A = np.bincount(idx[:, n:].ravel(), minlength=k * r).reshape(r, k) / (len(pooled) - n)
        out.append(_psi_of_shares(E, A))
    return np.concatenate(out)


def psi_alert(expected, actual, bins: int = 10, *, threshold: float = None, false_alarm_rate: float = 0.01,
              n_shuffles: int = 999, random_state: int = 0) -> bool:
    """Should this PSI raise an alert? Only if it is large *and* more than noise.

    Two samples of one distribution do not give a PSI of 0: their mean PSI is
    about ``(bins - 1) * (1/n + 1/m)``, so 0.25 is reached by noise alone in
    most pairs of samples of 50. The alert fires when both hold:

    * ``psi(expected, actual, bins) >= threshold`` (the "significant" line, 0.25);
    * the PSI is larger than what shuffling the two samples together gives in
      all but ``false_alarm_rate`` of ``n_shuffles`` re-splits (a permutation
      test: under "same distribution" any split of the pooled values is as
      likely as the observed one).

    So two samples of one distribution alert in about ``false_alarm_rate`` of
    cases at any size, ties and categories included, and large samples keep the
    plain 0.25 rule (noise there is far below it).

    Parameters
    ----------
    expected, actual : array-like
        The two samples (numbers, or categories such as segment labels).
    bins : int
        As in :func:`psi`.
    threshold : float, optional
        The PSI an alert needs at least; default :data:`PSI_SIGNIFICANT` (0.25).
    false_alarm_rate : float
        The share of same-distribution pairs allowed to alert (0.01).
    n_shuffles : int
        Re-splits for the noise estimate; the test can go no lower than
        ``1 / (n_shuffles + 1)``.
    random_state : int
        Seed of the shuffles: the same data gives the same answer.

    Returns
    -------
    bool
    """
    bins = whole_number(bins, "bins", 2)
    threshold = PSI_SIGNIFICANT if threshold is None else threshold
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float, np.integer, np.floating)) \
            or not threshold >= 0:
        raise ValueError(f"threshold must be a PSI value >= 0 such as 0.25, got {threshold!r}")
    if isinstance(false_alarm_rate, bool) or not isinstance(false_alarm_rate, (int, float, np.floating)) \
            or not 0 < false_alarm_rate < 1:
        raise ValueError(f"false_alarm_rate must be a share between 0 and 1 such as 0.01, got {false_alarm_rate!r}")
    if isinstance(n_shuffles, bool) or not isinstance(n_shuffles, (int, np.integer)) or n_shuffles < 1:
        raise ValueError(f"n_shuffles must be a whole number >= 1 such as 999, got {n_shuffles!r}")
    if n_shuffles + 1 < 1 / false_alarm_rate:
        raise ValueError(f"{n_shuffles} shuffles cannot show a false alarm rate of {false_alarm_rate}; "
                         f"use n_shuffles >= {int(np.ceil(1 / false_alarm_rate)) - 1}")
    seed = whole_number(random_state, "random_state", minimum=0)
    value = psi(expected, actual, bins)
    if value < threshold:
        return False
    e, a = _psi_inputs(expected, actual)
    if min(len(e), len(a)) >= 500:
        # Large samples: noise is close to (1/n + 1/m) * chi-square(bins - 1). Shuffling is only needed
        # when the PSI is within a wide margin of its high quantile.
        from scipy.stats import chi2

        df = (len(np.unique(np.quantile(e.to_numpy(dtype=float), np.linspace(0, 1, bins + 1)[1:-1]))) + 1
              if _is_numeric(e, a, bins) else pd.concat([e, a]).astype(str).nunique()) - 1
        if value > 2 * chi2.ppf(1 - false_alarm_rate / 10, max(df, 1)) * (1 / len(e) + 1 / len(a)):
            return True
    noise = _shuffled_psi(e, a, bins, int(n_shuffles), np.random.default_rng(seed))
    p_value = (1 + int(np.sum(noise >= value))) / (n_shuffles + 1)
    return bool(p_value <= false_alarm_rate)


def psi_level(value: float) -> str:
    """"stable" (< 0.1), "moderate" (0.1 to 0.25) or "significant" (>= 0.25).

    A PSI is a number >= 0; NaN (not computed, e.g. too few viewers) has no
    level and is refused, rather than read as "stable".
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"value must be a PSI (a number >= 0), got {type(value).__name__} {value!r}")
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"value must be a PSI (a number >= 0), got {value!r}; a NaN PSI was not computed "
                         "(too few values?) and has no level")
    if value >= PSI_SIGNIFICANT:
        return "significant"
    if value >= PSI_MODERATE:
        return "moderate"
    return "stable"


#: The smallest cohort :func:`cohort_drift` judges. PSI's noise floor falls with
#: sample size: two samples of one distribution (10 bins) cross the 0.25 line
#: in about three quarters of draws at 50 viewers each, a fifth at 100, and
#: about 1% at 200. Below 200, compare with :func:`psi_alert` instead.
MIN_COHORT = 200


def cohort_drift(previous_labels: pd.Series, previous: pd.DataFrame, current: pd.DataFrame, columns,
                 min_size: int = MIN_COHORT) -> pd.DataFrame:
    """PSI of each feature, per segment of last week, for the same viewers this week.

    ``previous`` and ``current`` hold one week's behaviour each (for example
    ``weekly_features(..., window=1)``), indexed by user. For the viewers of
    segment s last week who were active both weeks, compare their feature
    distributions this week with last week. Segments with fewer than
    ``min_size`` such viewers get NaN: at smaller sizes noise alone reaches
    the 0.25 line too often (see :data:`MIN_COHORT`).
    """
    previous_labels = _labels(previous_labels, "previous_labels")
    if isinstance(columns, (str, bytes)) or not hasattr(columns, "__iter__"):
        raise TypeError(f"columns must be a list of feature names, got {columns!r}")
    columns = list(columns)
    if not columns or len(set(columns)) != len(columns):
        raise ValueError(f"columns must list distinct feature names, got {columns!r}")
    min_size = whole_number(min_size, "min_size")
    for name, frame in (("previous", previous), ("current", current)):
        if not isinstance(frame, pd.DataFrame):
            raise TypeError(f"{name} must be a DataFrame of features indexed by user, got {type(frame).__name__}")
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            raise ValueError(f"{name} lacks column(s) {missing} listed in columns")
        require_columns(frame, columns, what=name)
        if frame.index.has_duplicates:
            dup = frame.index[frame.index.duplicated()][0]
            raise ValueError(f"{name} lists user {dup!r} more than once; give one row per user")
    rows = {}
    for segment in sorted(set(previous_labels), key=str):
        cohort = previous_labels.index[previous_labels == segment]
        both = cohort.intersection(previous.index).intersection(current.index)
        if len(both) < min_size:
            rows[segment] = {c: float("nan") for c in columns}
            continue
        rows[segment] = {}
        for c in columns:
            try:
                rows[segment][c] = psi(previous.loc[both, c], current.loc[both, c])
            except (TypeError, ValueError) as exc:
                raise ValueError(f"feature {c!r}, segment {segment!r}: {exc}") from exc
    out = pd.DataFrame.from_dict(rows, orient="index")[list(columns)]
    out.index.name = "segment"
    return out


def drift_alerts(table: pd.DataFrame, threshold: float = PSI_SIGNIFICANT) -> pd.DataFrame:
    """The (segment, feature) cells of a :func:`cohort_drift` table at or above ``threshold``.

    Sorted worst first, with the PSI reading; empty when the week is quiet.
    """
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"table must be what cohort_drift returns, got {type(table).__name__}")
    bad = [c for c in table.columns if not pd.api.types.is_numeric_dtype(table[c])
           or pd.api.types.is_bool_dtype(table[c])]
    if bad:
        raise ValueError(f"table column(s) {bad} are not PSI values (numbers); pass what cohort_drift returns")
    if table.index.has_duplicates:
        raise ValueError(f"table lists segment {table.index[table.index.duplicated()][0]!r} more than once; pass "
                         "what cohort_drift returns")
    values = table.to_numpy(dtype=float, na_value=np.nan)
    if np.isinf(values).any() or (values < 0).any():
        col = table.columns[(np.isinf(values) | (values < 0)).any(axis=0)][0]
        raise ValueError(f"table column {col!r} has values that are not PSIs (negative or infinite)")
    if isinstance(threshold, (bool, np.bool_)) or not isinstance(threshold, numbers.Real) or \
            not np.isfinite(threshold) or threshold < 0:
        raise ValueError(f"threshold must be a PSI level such as 0.25, got {threshold!r}")
    long = table.rename_axis("segment").reset_index().melt(id_vars="segment", var_name="feature", value_name="psi")
    hits = long[long["psi"] >= threshold].sort_values("psi", ascending=False).reset_index(drop=True)
    hits["level"] = hits["psi"].map(psi_level)
    return hits
