"""course_utils.clustering: k-distances and eps, the silhouette diagram, the null comparison."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from sklearn.cluster import DBSCAN, KMeans
from sklearn.datasets import make_blobs
from sklearn.metrics import adjusted_rand_score, silhouette_score

from course_utils import clustering as C


def blobs_with_outliers(seed, n=600):
    X, y = make_blobs(n_samples=n, centers=[[0, 0], [5, 0], [2.5, 4]], cluster_std=0.7, random_state=seed)
    rng = np.random.default_rng(seed)
    out = rng.uniform(-6, 11, size=(n // 20, 2))
    return np.vstack([X, out]), np.r_[y, -np.ones(len(out), int)]


def kmeans_silhouette(Z):
    return silhouette_score(Z, KMeans(3, n_init=4, random_state=0).fit_predict(Z))


# -- k-distances and eps ------------------------------------------------------------------
def test_k_distance_is_dbscans_core_point_rule():
    X, _ = blobs_with_outliers(0)
    d = C.k_distances(X, min_samples=10)
    assert np.all(np.diff(d) >= 0) and len(d) == len(X)
    for eps in (0.2, 0.5, 1.0):
        core = DBSCAN(eps=eps, min_samples=10).fit(X).core_sample_indices_
        assert len(core) == int((d <= eps).sum())


@pytest.mark.parametrize("seed", range(4))
def test_suggested_eps_recovers_blobs_and_flags_outliers(seed):
    X, y = blobs_with_outliers(seed)
    labels = DBSCAN(eps=C.suggest_eps(X, 10), min_samples=10).fit_predict(X)
    assert adjusted_rand_score(y, labels) > 0.9
    assert (labels[y == -1] == -1).mean() > 0.6  # most outliers are left as noise


def test_eps_validation():
    X, _ = blobs_with_outliers(0)
    with pytest.raises(ValueError, match="min_samples must be a whole number >= 2"):
        C.k_distances(X, 1)
    with pytest.raises(ValueError, match="smaller than the number of rows"):
        C.k_distances(X[:5], 5)
    with pytest.raises(ValueError, match="no bend"):
        C.suggest_eps(np.repeat([[0.0, 0.0]], 20, axis=0) + np.arange(20)[:, None] * [1.0, 0.0], 2)


# -- the silhouette diagram -----------------------------------------------------------------
def test_silhouette_diagram_leaves_noise_out():
    X, y = blobs_with_outliers(1)
    labels = DBSCAN(eps=C.suggest_eps(X, 10), min_samples=10).fit_predict(X)
    ax = C.silhouette_diagram(X, labels)
    kept = labels != -1
    assert [t.get_text() for t in ax.get_yticklabels()] == [str(c) for c in np.unique(labels[kept])]
    mean_line = ax.get_lines()[0].get_xdata()[0]
    assert mean_line == pytest.approx(silhouette_score(X[kept], labels[kept]))
    assert "noise rows left out" in ax.get_title() and ax.get_xlabel() == "silhouette"
    plt.close("all")


def test_silhouette_diagram_validates():
    X, _ = blobs_with_outliers(0)
    with pytest.raises(ValueError, match="from 2 to"):
        C.silhouette_diagram(X, np.zeros(len(X), int))
    with pytest.raises(ValueError, match="one label per row"):
        C.silhouette_diagram(X, [0, 1])
    with pytest.raises(ValueError, match="NaN"):
        C.silhouette_diagram(np.where(X > 5, np.nan, X), np.arange(len(X)) % 2)
    plt.close("all")


# -- the null comparison ----------------------------------------------------------------------
def test_permute_columns_keeps_each_column_and_breaks_the_rows():
    rng = np.random.default_rng(0)
    a = rng.normal(size=500)
    X = np.column_stack([a, a + 0.1 * rng.normal(size=500), rng.uniform(size=500)])
    before = X.copy()
    P = C.permute_columns(X, random_state=1)
    assert np.array_equal(X, before)  # the input is not touched
    for j in range(3):
        assert np.array_equal(np.sort(P[:, j]), np.sort(X[:, j]))
    assert np.corrcoef(X[:, 0], X[:, 1])[0, 1] > 0.9 and abs(np.corrcoef(P[:, 0], P[:, 1])[0, 1]) < 0.15
    assert np.array_equal(P, C.permute_columns(X, random_state=1))
    assert not np.array_equal(P, C.permute_columns(X, random_state=2))


def test_null_comparison_sees_groups_and_not_uniform_noise():
    X, _ = make_blobs(n_samples=400, centers=[[0, 0], [4, 0], [2, 4]], cluster_std=0.6, random_state=0)
    groups = C.null_comparison(X, kmeans_silhouette, n_permutations=9)
    assert groups.p_value == pytest.approx(0.1) and groups.excess > 0.2  # beats every copy
    noise = np.random.default_rng(3).uniform(size=(400, 2))
    flat = C.null_comparison(noise, kmeans_silhouette, n_permutations=9)
    assert flat.p_value > 0.1 and abs(flat.excess) < 0.03
    assert "p_value" in repr(flat)


def test_null_comparison_cannot_tell_groups_from_correlation():
    """The documented limit: one elongated cloud, no groups, beats its shuffled copies too."""
    rng = np.random.default_rng(4)
    cloud = rng.multivariate_normal([0, 0], [[1, 0.8], [0.8, 1]], size=400)
    result = C.null_comparison(cloud, kmeans_silhouette, n_permutations=9)
    assert result.p_value == pytest.approx(0.1)


def test_null_comparison_validates():
    X = np.random.default_rng(0).normal(size=(50, 2))
    with pytest.raises(TypeError, match="score must be a function"):
        C.null_comparison(X, 0.5)
    with pytest.raises(ValueError, match="finite number"):
        C.null_comparison(X, lambda Z: float("nan"))
    with pytest.raises(ValueError, match="one number"):
        C.null_comparison(X, lambda Z: "high")
    with pytest.raises(ValueError, match="n_permutations"):
        C.null_comparison(X, lambda Z: 1.0, n_permutations=0)
    with pytest.raises(ValueError, match="not numeric"):
        C.null_comparison(pd.DataFrame({"a": ["x"] * 5}), lambda Z: 1.0)
