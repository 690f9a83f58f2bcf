"""clustering.ReducedHDBSCAN: shapes, noise, new points, soft membership, bad input."""

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError
from sklearn.metrics import adjusted_rand_score

from course_utils.clustering import ReducedHDBSCAN


def directions(seed=0, n=150):
    """Three groups of directions in 6-D, plus scattered noise (cosine geometry)."""
    rng = np.random.default_rng(seed)
    centres = np.eye(6)[:3] * 5
    X = np.vstack([c + rng.normal(scale=0.4, size=(n, 6)) for c in centres])
    y = np.repeat([0, 1, 2], n)
    noise = rng.uniform(-5, 5, size=(40, 6))
    return np.vstack([X, noise]), np.concatenate([y, np.full(40, -1)])


@pytest.mark.parametrize("reduce, n_components", [("pca", 4), (None, 4)])
def test_finds_the_groups_and_leaves_noise(reduce, n_components):
    X, y = directions()
    model = ReducedHDBSCAN(min_cluster_size=20, min_samples=10, reduce=reduce, n_components=n_components).fit(X)
    assert model.n_clusters_ == 3
    grouped = y >= 0
    assert adjusted_rand_score(y[grouped], model.labels_[grouped]) > 0.95
    assert 0 < model.noise_share_ < 0.2
    assert (model.labels_[~grouped] == -1).mean() > 0.5  # most scattered points are noise
    assert model.probabilities_.shape == (len(X),) and (model.probabilities_[model.labels_ == -1] == 0).all()


def test_umap_reduction_runs_and_is_seeded():
    X, y = directions(n=80)
    a = ReducedHDBSCAN(min_cluster_size=15, reduce="umap", n_components=2, random_state=0).fit(X)
    b = ReducedHDBSCAN(min_cluster_size=15, reduce="umap", n_components=2, random_state=0).fit(X)
    assert np.array_equal(a.labels_, b.labels_)
    assert adjusted_rand_score(y[y >= 0], a.labels_[y >= 0]) > 0.9


def test_new_points_join_the_existing_clusters():
    X, y = directions()
    model = ReducedHDBSCAN(min_cluster_size=20, min_samples=10, n_components=4).fit(X)
    X_new, y_new = directions(seed=1)
    labels, strengths = model.predict(X_new[y_new >= 0])
    # same cluster numbers as the fitted ones, for the same groups
    fitted = {g: np.bincount(model.labels_[y == g][model.labels_[y == g] >= 0]).argmax() for g in range(3)}
    expected = np.array([fitted[g] for g in y_new[y_new >= 0]])
    assert (labels == expected).mean() > 0.9
    assert strengths.shape == labels.shape


def test_soft_membership_rows_are_at_most_one():
    X, _ = directions()
    model = ReducedHDBSCAN(min_cluster_size=20, min_samples=10, n_components=4).fit(X)
    M = model.membership()
    assert M.shape == (len(X), model.n_clusters_)
    assert (M.to_numpy() >= 0).all() and (M.sum(axis=1) <= 1 + 1e-9).all()
    core = model.labels_ >= 0
    assert (M.to_numpy()[core].argmax(axis=1) == model.labels_[core]).mean() > 0.95


@pytest.mark.parametrize(
    "kwargs, phrase",
    [
        ({"min_cluster_size": 1000}, "larger than the data"),
        ({"min_cluster_size": 1}, "min_cluster_size must be"),
        ({"min_samples": 0}, "min_samples must be"),
        ({"reduce": "tsne"}, "reduce must be one of"),
        ({"n_components": 6}, "not fewer than the 6 features"),
        ({"n_components": 0}, "n_components must be"),
    ],
)
def test_bad_settings(kwargs, phrase):
    X, _ = directions()
    with pytest.raises(ValueError, match=phrase):
        ReducedHDBSCAN(**{"min_cluster_size": 20, **kwargs}).fit(X)


def test_bad_data():
    X, _ = directions()
    with pytest.raises(ValueError, match="all zeros"):
        ReducedHDBSCAN(min_cluster_size=20, n_components=4).fit(np.vstack([X, np.zeros(6)]))
    with pytest.raises(ValueError, match="NaN"):
        ReducedHDBSCAN(min_cluster_size=20).fit(np.vstack([X, np.full(6, np.nan)]))
    with pytest.raises(NotFittedError, match="not fitted"):
        ReducedHDBSCAN().predict(X)
    model = ReducedHDBSCAN(min_cluster_size=20, n_components=4).fit(X)
    with pytest.raises(ValueError, match="must have 6 columns"):
        model.predict(X[:, :3])
