"""course_utils.clustering: knee, curves, stability, profiles, naming, validation."""

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_blobs

from course_utils import clustering as C


@pytest.fixture(scope="module")
def blobs():
    X, y = make_blobs(n_samples=600, centers=[[0, 0], [8, 0], [0, 8]], cluster_std=1.0, random_state=0)
    return X, y


def test_knee_of_a_convex_curve():
    ks = list(range(1, 11))
    assert C.find_knee(ks, [100 / k for k in ks]) in (2, 3)
    assert C.find_knee(ks, [10, 9.9, 9.8, 2, 1.9, 1.8, 1.7, 1.6, 1.5, 1.4]) == 4


def test_no_knee_on_a_straight_line_or_a_flat_one():
    assert C.find_knee(range(2, 8), [12, 10, 8, 6, 4, 2]) is None
    assert C.find_knee(range(2, 8), [5] * 6) is None


@pytest.mark.parametrize(
    "ks, values, message",
    [([1, 2], [2, 1], ">= 3"), ([3, 2, 1], [1, 2, 3], "ks must increase"), ([1, 2, 3], [1, np.nan, 2], "finite")],
)
def test_knee_validation(ks, values, message):
    with pytest.raises(ValueError, match=message):
        C.find_knee(ks, values)


def test_curves_on_three_blobs(blobs):
    X, _ = blobs
    summary = C.k_summary(X, range(2, 7), n_resamples=5)
    assert summary["inertia"].is_monotonic_decreasing
    assert summary.loc[summary["silhouette"].idxmax(), "k"] == 3
    assert C.find_knee(summary["k"], summary["inertia"]) == 3
    stab = summary.set_index("k")["mean_ari"]
    assert stab[3] > 0.99 and stab[3] > stab[6]
    assert C.choose_k(summary) == 3 and 3 in C.defensible_ks(summary)


def test_stability_is_reproducible(blobs):
    X, _ = blobs
    a = C.bootstrap_stability(X, [3, 4], n_resamples=4, random_state=1)
    b = C.bootstrap_stability(X, [3, 4], n_resamples=4, random_state=1)
    pd.testing.assert_frame_equal(a, b)


@pytest.mark.parametrize(
    "X, message",
    [(np.ones(5), "2-D"), (np.array([[1.0, np.nan]] * 5), "NaN"), (np.ones((2, 2)), "at least 3"),
     (pd.DataFrame({"a": ["x", "y", "z"]}), "not numeric")],
)
def test_features_validation(X, message):
    with pytest.raises(ValueError, match=message):
        C.elbow_curve(X, [2])


def test_ks_validation(blobs):
    X, _ = blobs
    with pytest.raises(ValueError, match="every k must be from 2"):
        C.elbow_curve(X, [1, 2])
    with pytest.raises(ValueError, match="ks is empty"):
        C.silhouette_curve(X, [])
    with pytest.raises(ValueError, match="n_resamples"):
        C.bootstrap_stability(X, [2], n_resamples=1)


def test_profile_and_naming():
    rng = np.random.default_rng(0)

    def group(n, recency, frequency, monetary):
        return pd.DataFrame({"recency": rng.integers(*recency, n), "frequency": rng.integers(*frequency, n),
                             "monetary": rng.uniform(*monetary, n)})

    table = pd.concat([group(40, (1, 15), (18, 30), (5000, 9000)), group(40, (40, 80), (6, 10), (1200, 2000)),
                       group(40, (5, 30), (1, 2), (100, 300)), group(80, (200, 365), (1, 2), (20, 150))],
                      ignore_index=True)
    labels = np.repeat([0, 1, 2, 3], [40, 40, 40, 80])
    profile = C.profile_clusters(table, labels)
    assert profile["size"].tolist() == [40, 40, 40, 80] and profile["share"].sum() == pytest.approx(1)
    assert profile.loc[3, "monetary"] == pytest.approx(table.loc[labels == 3, "monetary"].median())
    pct = C.rfm_percentiles(table, labels)
    assert ((pct >= 0) & (pct <= 1)).all().all()
    assert C.name_clusters(pct).to_dict() == {0: "Champions", 1: "Loyal", 2: "New", 3: "Lost"}


def test_a_cluster_no_rule_fits_needs_review():
    pct = pd.DataFrame({"recent": [0.5], "frequent": [0.55], "spend": [0.5], "basket": [0.5]})
    assert C.name_clusters(pct).tolist() == [C.UNNAMED]
    with pytest.raises(ValueError, match="no column"):
        C.name_clusters(pct.drop(columns="basket"))


def test_every_cluster_gets_exactly_one_name():
    rng = np.random.default_rng(0)
    pct = pd.DataFrame(rng.random((200, 4)), columns=["recent", "frequent", "spend", "basket"])
    names = C.name_clusters(pct)
    assert len(names) == 200 and names.notna().all()
    assert set(names) <= {n for n, _ in C.RFM_NAMING_RULES} | {C.UNNAMED}


def test_labels_validation():
    table = pd.DataFrame({"recency": [1, 2, 3], "frequency": [1, 2, 3], "monetary": [1.0, 2.0, 3.0]})
    with pytest.raises(ValueError, match="one label per row"):
        C.profile_clusters(table, [0, 1])
    with pytest.raises(TypeError, match="DataFrame"):
        C.profile_clusters(table.to_numpy(), [0, 1, 2])


def test_match_labels_undoes_a_permutation():
    ref = np.array(["a", "a", "b", "b", "c", "c"])
    lab = np.array([2, 2, 0, 0, 1, 1])
    assert C.match_labels(ref, lab) == {0: "b", 1: "c", 2: "a"}
