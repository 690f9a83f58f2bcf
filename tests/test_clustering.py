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


def test_k_summary_k_by_k_matches_all_ks_at_once_and_can_show_progress(blobs, capsys):
    X, _ = blobs
    ks = [2, 3, 5]
    at_once = C._fit_curves(X, ks, 0, n_init=10).merge(C.bootstrap_stability(X, ks, 4, 0), on="k")
    quiet = C.k_summary(X, ks, n_resamples=4)
    pd.testing.assert_frame_equal(quiet, at_once)
    assert capsys.readouterr() == ("", "")  # a library call prints nothing by default
    C._K_SUMMARIES.clear()  # computed again, with its bar
    shown = C.k_summary(X, ks, n_resamples=4, progress=True)
    pd.testing.assert_frame_equal(shown, at_once)
    captured = capsys.readouterr()
    assert "k_summary" in captured.out and captured.err == ""  # stdout: Jupyter shows stderr in red
    with pytest.raises(TypeError, match="progress must be True or False"):
        C.k_summary(X, ks, progress="yes")


def test_k_summary_remembers_the_same_request(blobs, monkeypatch):
    X, _ = blobs
    C._K_SUMMARIES.clear()
    fits = []
    real = C._fit_curves
    monkeypatch.setattr(C, "_fit_curves", lambda *a, **kw: fits.append(1) or real(*a, **kw))
    first = C.k_summary(X, [2, 3], n_resamples=3)
    assert len(fits) == 2
    first.loc[0, "inertia"] = -1.0  # the learner's copy; the remembered table is untouched
    again = C.k_summary(X.copy(), [2, 3], n_resamples=3)  # same bytes, another object
    assert len(fits) == 2 and again.loc[0, "inertia"] > 0
    C.k_summary(X, [2, 3], n_resamples=4)  # other arguments: computed
    C.k_summary(X + 1e-9, [2, 3], n_resamples=3)  # other data: computed
    assert len(fits) == 6


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


# -- hopkins and explain_clusters ---------------------------------------------------------
@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("data_seed", [lambda s: s, lambda s: 1000 + s], ids=["same seed", "other seed"])
def test_hopkins_separates_uniform_data_from_blobs(seed, data_seed):
    from sklearn.datasets import make_blobs

    # Uniform data drawn with the seed hopkins is given (a common way to make it) as well as with another:
    # hopkins' probes must not retrace the data's own draws.
    rng = np.random.default_rng(data_seed(seed))
    uniform = rng.uniform(size=(600, 4))
    blobs, _ = make_blobs(n_samples=600, centers=4, n_features=4, cluster_std=0.6, random_state=seed)
    h_uniform, h_blobs = C.hopkins(uniform, random_state=seed), C.hopkins(blobs, random_state=seed)
    assert 0.35 < h_uniform < 0.65, h_uniform
    assert h_blobs > 0.9, h_blobs


def test_hopkins_is_seeded_and_validates():
    X = np.random.default_rng(0).normal(size=(200, 3))
    assert C.hopkins(X, random_state=3) == C.hopkins(X, random_state=3)
    with pytest.raises(ValueError, match="sample_size=200 must be smaller"):
        C.hopkins(X, sample_size=200)
    with pytest.raises(ValueError, match="constant"):
        C.hopkins(np.column_stack([X, np.ones(200)]))
    with pytest.raises(ValueError, match="NaN"):
        C.hopkins(np.where(X > 2, np.nan, X))


def test_explain_clusters_names_the_one_feature_that_differs():
    rng = np.random.default_rng(0)
    n = 900
    frame = pd.DataFrame({"orders": rng.poisson(5, n), "basket": rng.gamma(3, 20, n), "tenure": rng.uniform(0, 5, n),
                          "web_share": np.r_[rng.beta(8, 2, n // 2), rng.beta(2, 8, n - n // 2)]})
    labels = np.r_[np.zeros(n // 2, int), np.ones(n - n // 2, int)]
    result = C.explain_clusters(frame, labels, max_depth=2)
    assert result.top_features[0] == "web_share"
    assert result.fidelity > 0.9 and "web_share" in result.rules
    assert abs(result.importances.sum() - 1) < 1e-9


def test_explain_clusters_takes_noise_and_validates():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(120, 3))
    labels = np.where(X[:, 0] > 1, -1, (X[:, 1] > 0).astype(int))
    result = C.explain_clusters(X, labels)
    assert set(result.tree.classes_) == {"-1", "0", "1"} and result.top_features[:2] == sorted(
        result.top_features[:2], key=lambda f: -result.importances[f])
    with pytest.raises(ValueError, match="single segment"):
        C.explain_clusters(X, np.zeros(120))
    with pytest.raises(ValueError, match="one label per row"):
        C.explain_clusters(X, np.zeros(5))
