"""Segments that update every week without retraining from scratch.

:class:`WeeklySegmenter` fits scaling and Mini-Batch K-Means on the first
weeks, then ``update``\\s with one Mini-Batch K-Means step per week: the
centroids move toward the new week's viewers, and segment 3 stays segment 3.
``forgetting`` keeps the centres following change: without it each week moves
them less, and the model slowly freezes. ``refit`` retrains from scratch and
matches the new centroids to the old ones (an assignment problem, solved with
SciPy's ``linear_sum_assignment``), so identities survive a refit too.

:data:`PERSONA_RULES` maps each segment's centroid (in the features' own units)
to exactly one persona, or "unassigned"; :func:`needs_refit` is the documented
rule for when a full refit is worth it (:meth:`WeeklySegmenter.fit_gap`).
"""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment
from sklearn.base import BaseEstimator
from sklearn.cluster import KMeans, MiniBatchKMeans
from sklearn.preprocessing import StandardScaler
from sklearn.utils.validation import check_is_fitted

from course_utils.monitoring import centroid_drift
from course_utils.validation import LARGEST_FEATURE, require_columns, whole_number

UNASSIGNED = "unassigned"


class WeeklySegmenter(BaseEstimator):
    """Scaling + Mini-Batch K-Means, fitted once and updated weekly.

    Parameters
    ----------
    n_segments : int
    columns : list of str, optional
        The feature columns to cluster on. By default: ``watch_minutes``,
        ``genre_entropy`` and every ``g_*``, ``d_*`` and text (``q_*``) column
        of the frame given to ``fit``.
    text_prefix : str
        Columns starting with it are text-embedding dimensions. A viewer with
        no query this week has NaN there; after scaling those become 0 (the
        average viewer), so silence neither attracts nor repels.
    text_weight : float
        Multiplies the scaled text columns: how loud the queries speak next to
        behaviour.
    reassignment_ratio : float
        Mini-Batch K-Means may move a centroid that receives few points to a
        random data point. That is good for a one-off fit and bad for weekly
        segments: a small segment would silently become a different one. The
        default 0.0 turns it off, deliberately.
    forgetting : float, from 0 to 1
        The share of its memory each centre forgets before a weekly update.
        Each centre is the running mean of the viewers assigned to it, and
        ``counts_`` says how many it remembers. An update multiplies
        ``counts_`` by ``1 - forgetting``, then moves each centre to the mean
        of what it remembers and this week's members. With 0 the memory only
        grows, so each week moves the centres less: the model slowly freezes.
        With ``f`` the memory settles near ``1 / f`` weeks of members (about 2
        weeks at the default 0.5), so the centres follow change within weeks
        and noise still averages out. 1 forgets everything: each centre becomes
        the mean of this week's members alone. Forgetting too much costs
        identity: when many members of a segment move at once, the memory is
        what keeps the centre in place. Over eight variations of the course's
        streaming generator (seeds; 1,500 to 16,000 subscribers), 0.7 and more
        lost a persona in the hit-series week of the smallest service; the
        default stays a step below the first value that failed, and gives up
        little for that margin (``tools/weekly_sweep.py`` prints the worst case).
    batch_size, n_init, random_state
        As in :class:`sklearn.cluster.MiniBatchKMeans` (used by ``fit`` and
        ``refit``).

    It follows scikit-learn's conventions: ``get_params``/``set_params``,
    :func:`sklearn.base.clone`, and ``NotFittedError`` before ``fit``.
    """

    def __init__(self, n_segments: int = 6, columns=None, text_prefix: str = "q_", text_weight: float = 0.5,
                 reassignment_ratio: float = 0.0, forgetting: float = 0.5, batch_size: int = 1024, n_init: int = 3,
                 random_state: int = 0):
        self.n_segments = n_segments
        self.columns = columns
        self.text_prefix = text_prefix
        self.text_weight = text_weight
        self.reassignment_ratio = reassignment_ratio
        self.forgetting = forgetting
        self.batch_size = batch_size
        self.n_init = n_init
        self.random_state = random_state

    # -- helpers -------------------------------------------------------------------
    def _default_columns(self, X: pd.DataFrame) -> list:
        keep = [c for c in X.columns if c in ("watch_minutes", "genre_entropy")
                or str(c).startswith(("g_", "d_", self.text_prefix))]
        if not keep:
            raise ValueError(f"no feature columns to cluster on among {list(X.columns)}; pass columns=[...]")
        return keep

    def _values(self, X, columns) -> np.ndarray:
        """The feature columns as floats, checked: numeric, finite, NaN only in text columns."""
        if not isinstance(X, pd.DataFrame):
            raise TypeError(f"features must be a DataFrame (one row per viewer), got {type(X).__name__}")
        missing = [c for c in columns if c not in X.columns]
        if missing:
            raise ValueError(f"features lack column(s) {missing} that the segmenter was fitted on; "
                             "build them with the same genres, devices and query embedder")
        if X.columns.has_duplicates:
            require_columns(X, columns, what="features")
        values = X[columns]
        dtypes = values.dtypes
        bad = [c for c, d in zip(columns, dtypes) if not pd.api.types.is_numeric_dtype(d)
               or pd.api.types.is_bool_dtype(d)]
        if bad:
            example = values[bad[0]].dropna().iloc[0] if values[bad[0]].notna().any() else None
            raise ValueError(f"feature column(s) {bad} are not numeric (e.g. {example!r} in {bad[0]!r}); cluster "
                             "numeric features only, or leave them out with columns=[...]")
        arr = values.to_numpy(dtype=float, na_value=np.nan)
        with np.errstate(invalid="ignore"):
            huge = (np.abs(arr) > LARGEST_FEATURE).any(axis=0)  # NaN compares False; inf is caught
        if huge.any():
            col = columns[int(np.flatnonzero(huge)[0])]
            raise ValueError(f"feature column {col!r} has infinite or huge values (beyond 1e150); drop or cap them")
        behaviour = np.array([not str(c).startswith(self.text_prefix) for c in columns], dtype=bool)
        holes = behaviour & np.isnan(arr).any(axis=0)
        if holes.any():
            col = columns[int(np.flatnonzero(holes)[0])]
            raise ValueError(f"feature column {col!r} has missing values; only text columns may be NaN")
        return arr

    def _matrix(self, X, values=None) -> np.ndarray:
        values = self._values(X, self.columns_) if values is None else values
        if len(values) == 0:
            return np.zeros((0, len(self.columns_)))
        Z = self.scaler_.transform(values)
        Z = np.nan_to_num(Z, nan=0.0)
        return Z * self.weights_

    def _check_fitted(self):
        check_is_fitted(self, "model_", msg="This WeeklySegmenter is not fitted yet; call fit(first_weeks) first.")

    # -- API -------------------------------------------------------------------------
    def _check_params(self) -> int:
        k = whole_number(self.n_segments, "n_segments", 2)
        whole_number(self.batch_size, "batch_size")
        whole_number(self.n_init, "n_init", maximum=1000)
        for name in ("reassignment_ratio", "text_weight"):
            value = getattr(self, name)
            if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real) or not np.isfinite(value):
                raise ValueError(f"{name} must be a number, got {value!r}")
        if not 0 <= self.reassignment_ratio < 1:
            raise ValueError(f"reassignment_ratio must be in [0, 1), got {self.reassignment_ratio!r}")
        if self.text_weight <= 0:
            raise ValueError(f"text_weight must be > 0, got {self.text_weight!r}; to leave the queries out, "
                             "pass columns=[...] without the text columns")
        _check_forgetting(self.forgetting)
        if not isinstance(self.text_prefix, str) or not self.text_prefix:
            raise ValueError(f"text_prefix must be a non-empty string such as 'q_', got {self.text_prefix!r}")
        if self.random_state is not None:
            whole_number(self.random_state, "random_state", 0)
        if self.columns is not None:
            if isinstance(self.columns, (str, bytes)) or not hasattr(self.columns, "__iter__"):
                raise ValueError(f"columns must be a list of column names, got {self.columns!r}")
            columns = list(self.columns)
            repeated = sorted({str(c) for c in columns if columns.count(c) > 1})
            if not columns or repeated:
                raise ValueError(f"columns must list distinct feature columns, got {columns!r}")
            return k, columns
        return k, None

    def fit(self, X: pd.DataFrame, y=None):
        """Fit scaling and segments on the first weeks' features (rows stacked)."""
        k, columns = self._check_params()
        if not isinstance(X, pd.DataFrame):
            raise TypeError(f"features must be a DataFrame (one row per viewer), got {type(X).__name__}")
        if len(X) < k:
            raise ValueError(f"{len(X)} rows cannot make {k} segments (n_segments={k}); use fewer segments "
                             "or more rows")
        columns = columns if columns is not None else self._default_columns(X)
        missing = [c for c in columns if c not in X.columns]
        if missing:
            raise ValueError(f"columns {missing} are not in the features; columns present: {list(X.columns)}")
        values = self._values(X, columns)
        self.columns_ = columns
        self.scaler_ = StandardScaler().fit(values)
        self.scaler_.scale_ = np.where(np.isnan(self.scaler_.scale_), 1.0, self.scaler_.scale_)
        self.weights_ = np.array([self.text_weight if str(c).startswith(self.text_prefix) else 1.0
                                  for c in self.columns_])
        Z = self._matrix(X, values)
        self.model_ = MiniBatchKMeans(n_clusters=k, batch_size=whole_number(self.batch_size, "batch_size"),
                                      n_init=whole_number(self.n_init, "n_init"), random_state=self.random_state,
                                      reassignment_ratio=self.reassignment_ratio).fit(Z)
        self.counts_ = np.bincount(self.model_.predict(Z), minlength=k).astype(float)
        self.history_ = [self.model_.cluster_centers_.copy()]
        return self

    def transform(self, X: pd.DataFrame) -> np.ndarray:
        """Features as the model sees them: selected, scaled, text weighted, silent queries at 0."""
        self._check_fitted()
        return self._matrix(X)

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        self._check_fitted()
        values = self._values(X, self.columns_)
        if len(X) == 0:
            return np.zeros(0, dtype=int)
        return self.model_.predict(self._matrix(X, values)).astype(int)

    def update(self, X: pd.DataFrame) -> np.ndarray:
        """One incremental step on a week's features; returns that week's segments.

        Each viewer is assigned to the nearest centre; each centre forgets a
        share ``forgetting`` of its memory (``counts_``), then becomes the mean
        of what it remembers and its new members (one Mini-Batch K-Means step
        with the whole week as the batch). Viewers are labelled with the moved
        centres. An empty week changes nothing and returns no labels.
        """
        self._check_fitted()
        _check_forgetting(self.forgetting)
        values = self._values(X, self.columns_)
        if len(X) == 0:
            return np.zeros(0, dtype=int)
        Z = self._matrix(X, values)
        centres = self.model_.cluster_centers_
        members = self.model_.predict(Z)
        n_new = np.bincount(members, minlength=len(centres)).astype(float)
        sums = np.zeros_like(centres)
        np.add.at(sums, members, Z)
        kept = self.counts_ * (1.0 - float(self.forgetting))
        total = kept + n_new
        moved = np.where(total[:, None] > 0, (centres * kept[:, None] + sums) / np.maximum(total, 1e-12)[:, None],
                         centres)
        self.model_.cluster_centers_ = np.ascontiguousarray(moved, dtype=centres.dtype)
        self.counts_ = total
        self.history_.append(self.model_.cluster_centers_.copy())
        return self.model_.predict(Z).astype(int)

    def refit(self, X: pd.DataFrame) -> np.ndarray:
        """Retrain from scratch on one week, keeping segment identities.

        The new centroids are matched to the current ones (the one-to-one
        pairing with the smallest total distance: an assignment problem,
        :func:`match_centroids`), then renumbered, so a segment that is still
        there keeps its number. Scaling stays as fitted; ``counts_`` restarts
        from the refit's members.
        """
        self._check_fitted()
        values = self._values(X, self.columns_)
        if len(X) < self.n_segments:
            raise ValueError(f"{len(X)} rows cannot make {self.n_segments} segments (n_segments); refit on a "
                             "fuller week")
        Z = self._matrix(X, values)
        fresh = MiniBatchKMeans(n_clusters=self.n_segments, batch_size=self.batch_size, n_init=self.n_init,
                                random_state=self.random_state, reassignment_ratio=self.reassignment_ratio).fit(Z)
        order = match_centroids(self.model_.cluster_centers_, fresh.cluster_centers_)
        fresh.cluster_centers_ = np.ascontiguousarray(fresh.cluster_centers_[order])
        self.model_ = fresh
        self.counts_ = np.bincount(fresh.predict(Z), minlength=self.n_segments).astype(float)
        self.history_.append(fresh.cluster_centers_.copy())
        return fresh.predict(Z).astype(int)

    def fit_gap(self, X: pd.DataFrame, n_init: int = 3) -> float:
        """How much better a fresh fit would describe these viewers: what a refit is worth.

        ``inertia(current centres) / inertia(fresh K-Means on X) - 1``, both in
        the model's scaled units: 0.15 means the current segments leave 15%
        more squared distance between viewers and their centre than ``n_init``
        fresh K-Means starts find on the same rows. Near 0 while the updates
        keep up; it grows when the viewers change faster than the centres follow.
        A fresh fit is tuned to these very rows, so a small week shows a few
        percent even without any change (about 5% for 300 viewers).
        """
        self._check_fitted()
        k = int(self.n_segments)
        if len(X) < k:
            raise ValueError(f"{len(X)} rows cannot show a fit gap for {k} segments; use a fuller week")
        Z = self._matrix(X)
        current = ((Z[:, None, :] - self.model_.cluster_centers_[None, :, :]) ** 2).sum(axis=2).min(axis=1).sum()
        fresh = KMeans(n_clusters=k, n_init=whole_number(n_init, "n_init"), random_state=self.random_state).fit(Z)
        return float(current / fresh.inertia_ - 1) if fresh.inertia_ > 0 else 0.0

    def centroids(self) -> pd.DataFrame:
        """The current centroids in the features' own units (text columns unweighted)."""
        self._check_fitted()
        C = self.model_.cluster_centers_ / self.weights_
        out = pd.DataFrame(self.scaler_.inverse_transform(C), columns=self.columns_)
        out.index.name = "segment"
        return out

    def drift(self) -> np.ndarray:
        """How far each centroid moved in the last step (scaled units)."""
        self._check_fitted()
        if len(self.history_) < 2:
            return np.zeros(self.n_segments)
        return centroid_drift(self.history_[-2], self.history_[-1]).to_numpy()


def _check_forgetting(value) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) \
            or not 0 <= float(value) <= 1:
        raise ValueError(f"forgetting must be a number from 0 (remember every week) to 1 (this week only), "
                         f"got {value!r}")


def match_centroids(old: np.ndarray, new: np.ndarray) -> np.ndarray:
    """``order`` such that ``new[order][i]`` is the new centroid matched to ``old[i]``."""
    try:
        old, new = np.asarray(old, dtype=float), np.asarray(new, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError("old and new centroids must be numbers (segments x features)") from exc
    if old.shape != new.shape or old.ndim != 2 or len(old) == 0:
        raise ValueError(f"old and new centroids must be 2-D of the same shape, got {old.shape} and {new.shape}")
    if not (np.isfinite(old).all() and np.isfinite(new).all()):
        raise ValueError("old and new centroids have NaN or infinite values")
    cost = np.linalg.norm(old[:, None, :] - new[None, :, :], axis=2)
    rows, cols = linear_sum_assignment(cost)
    order = np.empty(len(old), dtype=int)
    order[rows] = cols
    return order


#: The persona rule table: the first rule a segment's centroid satisfies names
#: it; a segment no rule fits is "unassigned" (look at it before naming it).
#: Shares are of minutes watched over the feature window.
PERSONA_RULES = [
    ("live_sports", "live sports is at least 35% of minutes",
     lambda c: c["g_sports_live"] >= 0.35),
    ("family_kids", "kids and animation together at least 50%",
     lambda c: c["g_kids"] + c["g_animation"] >= 0.5),
    ("documentary_buff", "documentary and nature together at least 50%",
     lambda c: c["g_documentary"] + c["g_nature"] >= 0.5),
    ("casual_mobile", "at least half the minutes on a phone, and comedy plus reality at least 50%",
     lambda c: c["d_mobile"] >= 0.5 and c["g_comedy"] + c["g_reality"] >= 0.5),
    ("binge_watcher", "drama, action and anime at least 50%, and over 5 hours (log1p minutes >= 5.7)",
     lambda c: c["g_drama"] + c["g_action"] + c.get("g_anime", 0.0) >= 0.5 and c["watch_minutes"] >= 5.7),
]


def persona_rules_table(rules=PERSONA_RULES) -> pd.DataFrame:
    """The rules as a readable table, in the order they are tried."""
    return pd.DataFrame([(p, text) for p, text, _ in rules], columns=["persona", "rule"])


def assign_personas(centroids: pd.DataFrame, rules=PERSONA_RULES) -> pd.Series:
    """Exactly one persona per segment (the first rule that fits), or "unassigned".

    A rule that needs a column the centroids lack is skipped for that segment
    rather than guessed.
    """
    if not isinstance(centroids, pd.DataFrame):
        raise TypeError(f"centroids must be a DataFrame (segments x features), got {type(centroids).__name__}")
    if centroids.index.has_duplicates:
        dup = centroids.index[centroids.index.duplicated()][0]
        raise ValueError(f"centroids list segment {dup!r} more than once; give one row per segment")
    if centroids.columns.has_duplicates:
        raise ValueError(f"centroids has more than one column named "
                         f"{sorted(map(str, set(centroids.columns[centroids.columns.duplicated()])))}; keep one")
    bad = [c for c in centroids.columns if not pd.api.types.is_numeric_dtype(centroids[c])
           or pd.api.types.is_bool_dtype(centroids[c])]
    if bad:
        raise ValueError(f"centroids column(s) {bad} are not numbers; the rules compare shares and minutes")
    values = centroids.to_numpy(dtype=float, na_value=np.nan)
    if not np.isfinite(values).all():
        col = centroids.columns[~np.isfinite(values).all(axis=0)][0]
        raise ValueError(f"centroids column {col!r} has missing or infinite values; a rule cannot judge them")
    out = {}
    for segment, row in centroids.iterrows():
        out[segment] = UNASSIGNED
        for persona, _, rule in rules:
            try:
                fits = bool(rule(row))
            except KeyError:
                continue
            if fits:
                out[segment] = persona
                break
    return pd.Series(out, name="persona").rename_axis("segment")


#: When to stop updating and refit from scratch (see :func:`needs_refit`).
REFIT_RULE = {"fit_gap": 0.15, "unassigned_share": 0.25}


def needs_refit(fit_gap: float, unassigned_share: float, rule=REFIT_RULE) -> list:
    """Reasons to refit from scratch this week (an empty list: keep updating).

    * ``fit_gap`` (:meth:`WeeklySegmenter.fit_gap`) at least 0.15: a fresh fit
      would describe this week's viewers clearly better, so the updates have
      fallen behind the change. Over variations of the course's streaming
      generator (seeds, 1,500 to 16,000 subscribers), quiet weeks stay below
      0.07 while a segmenter that never forgets reaches 0.26 to 0.29 in the
      tournament's knock-out week.
    * a quarter or more of viewers in segments no persona rule fits: the
      persona map no longer describes the segments.

    Then refit (``WeeklySegmenter.refit`` keeps identities) and review the
    persona map.

    Each value must be a number; NaN (not computed) is refused rather than
    read as "no reason to refit".
    """
    for name, value in (("fit_gap", fit_gap), ("unassigned_share", unassigned_share)):
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
            raise TypeError(f"{name} must be a number, got {type(value).__name__} {value!r}")
        if np.isnan(value):
            raise ValueError(f"{name} is NaN (not computed); compute it, or pass 0.0 to leave it out of the decision")
        if not np.isfinite(value) or value < 0:
            raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
    reasons = []
    if fit_gap >= rule["fit_gap"]:
        reasons.append(f"a fresh fit would describe this week's viewers {fit_gap:.0%} better "
                       f"(fit gap {fit_gap:.2f} >= {rule['fit_gap']})")
    if unassigned_share >= rule["unassigned_share"]:
        reasons.append(f"{unassigned_share:.0%} of viewers are unassigned (>= {rule['unassigned_share']:.0%})")
    return reasons
