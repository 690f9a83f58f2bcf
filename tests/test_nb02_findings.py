"""Notebook 02's headline findings, computed on the shipped data and held to other draws.

The notebook's prose and q1 rest on these: if a generator or a default changes and a
finding stops holding, a test here fails. The variations are draws the course does not
ship (other seeds, sizes and spreads); where a finding does not survive them, the test
says so by testing it on the shipped draw only, and the notebook says so too.
"""

import numpy as np
import pytest
from scipy.cluster.hierarchy import linkage
from sklearn.cluster import DBSCAN

from course_utils import clustering
from course_utils.data.customers import LOOKALIKES, SEGMENTS, customer_tables
from course_utils.lessons import nb02 as lesson

SHIPPED = {"seed": 0, "n": 600, "spread": 1.0}
DRAWS = [SHIPPED, {"seed": 1, "n": 600, "spread": 1.0}, {"seed": 2, "n": 400, "spread": 1.2},
         {"seed": 3, "n": 1200, "spread": 0.8}, lesson.OTHER_DRAW]


@pytest.fixture(scope="module", params=DRAWS, ids=lambda d: f"seed{d['seed']}-n{d['n']}-spread{d['spread']}")
def draw(request):
    gallery = lesson.shape_gallery(**request.param)
    results = lesson.gallery_results(gallery)
    return request.param, gallery, results, lesson.ari_grid(gallery, results)


# -- the shape gallery: findings that hold on every draw ------------------------------------
def test_density_methods_beat_kmeans_on_the_crescents(draw):
    _, _, _, grid = draw
    row = grid.loc["non-convex"]
    assert row["DBSCAN"] > 0.9 and row["HDBSCAN"] > 0.85 and row["single linkage"] > 0.9
    assert row["K-Means"] < 0.6 and row["Gaussian mixture"] < 0.6
    assert min(row["DBSCAN"], row["HDBSCAN"]) > row["K-Means"] + 0.3


def test_single_and_average_linkage_collapse_on_outliers(draw):
    _, _, _, grid = draw
    row = grid.loc["outliers"]
    assert row["single linkage"] < 0.1 and row["average linkage"] < 0.1 and row["HDBSCAN"] > 0.9


def test_the_mixture_fits_elongated_groups_and_kmeans_does_not(draw):
    _, _, _, grid = draw
    row = grid.loc["elongated"]
    assert row["Gaussian mixture"] > 0.95 and row["K-Means"] < 0.35 and row["HDBSCAN"] > 0.75


def test_elongated_groups_slant_down(draw):
    """The notebook says: inside each elongated group, the more visits, the smaller the basket."""
    _, gallery, _, _ = draw
    X, y = gallery["elongated"]
    for g in np.unique(y):
        assert np.corrcoef(X[y == g].T)[0, 1] < -0.9


def test_the_mixture_beats_kmeans_on_unequal_spreads(draw):
    _, _, _, grid = draw
    row = grid.loc["unequal spreads"]
    assert row["Gaussian mixture"] > row["K-Means"] + 0.1


def test_no_single_eps_finds_groups_of_different_density(draw):
    _, gallery, _, grid = draw
    X, y = gallery["different densities"]
    best = max(lesson.ari(y, DBSCAN(eps=e, min_samples=lesson.MIN_SAMPLES).fit_predict(X))
               for e in np.arange(0.02, 1.0, 0.02))
    assert best < 0.8  # whatever eps: one group is lost to noise or two merge
    assert grid.loc["different densities", "HDBSCAN"] > best


def test_kmeans_on_uniform_noise_fails_the_tendency_test(draw):
    _, gallery, results, _ = draw
    U, _ = gallery["no groups"]
    assert 0.35 < clustering.hopkins(U) < 0.65
    table = lesson.noise_table(gallery, results)
    assert table.loc["K-Means", "silhouette"] > 0.3  # ...though K-Means' silhouette looks respectable
    assert table.loc["HDBSCAN", "clusters found"] >= 2  # q1 (f): HDBSCAN is fooled by noise too


def test_the_null_comparison_on_noise_is_a_five_percent_test():
    """Shuffled copies of uniform noise are uniform noise: the data beats all 19 copies about one draw in 20.

    The shipped draw does not; the other draw the notebook shows does, and the notebook says so.
    """
    p = {}
    for params in DRAWS:
        U, _ = lesson.shape_gallery(**params)["no groups"]
        p[params["seed"]] = clustering.null_comparison(U, lesson.kmeans_silhouette(3), lesson.N_PERMUTATIONS).p_value
    assert p[SHIPPED["seed"]] > 0.2
    assert p[lesson.OTHER_DRAW["seed"]] == pytest.approx(0.05)
    assert sum(v <= 0.05 for v in p.values()) <= 1 and np.mean(list(p.values())) > 0.3


# -- findings the notebook states for the shipped draw only ----------------------------------
def test_shipped_grid_supports_q1():
    grid = lesson.grid()
    assert grid.loc["unequal spreads", "Ward"] > grid.loc["unequal spreads", "K-Means"] + 0.1  # (e)
    assert grid.loc["unequal spreads", "Gaussian mixture"] > grid.loc["unequal spreads", "K-Means"] + 0.1  # (e)
    assert grid.loc["non-convex", "K-Means"] < 0.6  # (a) is false
    assert grid.min()["Gaussian mixture"] < 0.6  # (d) is false
    assert lesson.noise_found().loc["HDBSCAN", "clusters found"] >= 2  # (f) is false
    assert lesson.noise_found().loc["DBSCAN", "clusters found"] == 1  # (f)'s feedback: only DBSCAN (on this draw)


def test_what_the_other_draw_shows_does_not_hold():
    """The notebook says Ward's edge on unequal spreads and the eps heuristic do not survive the other draw."""
    other = lesson.other_grid()
    assert other.loc["unequal spreads", "Ward"] <= other.loc["unequal spreads", "K-Means"]
    assert other.loc["elongated", "DBSCAN"] < 0.1


def test_condensed_clusters_are_the_ones_hdbscan_keeps(draw):
    """condensed_clusters marks the nodes hdbscan selects, and stability, not length, decides."""
    import hdbscan

    _, gallery, _, _ = draw
    X, _ = gallery["different densities"]
    model = hdbscan.HDBSCAN(**lesson.HDBSCAN_SETTINGS).fit(X)
    tree = lesson.condensed_clusters(model)
    kept = tree[tree["label"] != -1]
    assert sorted(kept.index) == sorted(int(c) for c in model.condensed_tree_._select_clusters())
    for node, row in kept.iterrows():
        assert row["points"] == np.sum(model.labels_ == row["label"])
        children = tree[tree["parent"] == node]
        assert children.empty or row["stability"] > children["stability"].sum()
    for node, row in tree[(tree["label"] == -1) & (tree["parent"] != -1)].iterrows():
        below = kept[kept["parent"] == node]
        assert below.empty or row["stability"] < below["stability"].sum()


def test_length_does_not_decide_on_the_shipped_draw():
    """The notebook's example: a kept branch is shorter than a leaf that is not kept."""
    tree = lesson.density_tree()
    span = tree["λ end"] - tree["λ born"]
    kept, dropped = tree["label"] != -1, (tree["label"] == -1) & (tree["parent"] != -1)
    assert span[kept].min() < span[dropped].max()


def test_units_change_kmeans_and_scaling_removes_them():
    u = lesson.unit_change()
    assert u["raw_agreement"] < 0.5 and u["scaled_agreement"] == pytest.approx(1.0)


def test_the_silhouette_prefers_the_wrong_answer_on_crescents():
    m = lesson.moons_silhouettes()
    assert m["dbscan_ari"] > 0.9 > 0.6 > m["kmeans_ari"]
    assert m["kmeans_silhouette"] > m["dbscan_silhouette"]


def test_ward_height_is_the_sum_of_squares_increase():
    check = lesson.ward_check()
    assert check["increase"] == pytest.approx(check["half_height_squared"], rel=1e-9)


def test_chance_correction():
    for row in lesson.chance().values():
        assert row["rand"] > 0.6 and abs(row["ari"]) < 0.01 and abs(row["ami"]) < 0.01
    assert lesson.chance()[100]["nmi"] > 5 * lesson.chance()[5]["nmi"]


def test_tendency_on_the_survey_and_the_cloud():
    t = lesson.tendency()
    assert t.loc["survey scores", "Hopkins p-value"] > 0.1  # Hopkins cannot see the survey's structure
    assert t.loc["survey scores", "Hopkins"] > 0.8  # ...though it is far above 0.5
    assert t.loc["survey scores", "silhouette p-value"] == pytest.approx(0.05)  # beats every shuffled copy
    assert t.loc["one elongated cloud", "silhouette p-value"] == pytest.approx(0.05)  # so does a cloud: no groups


# -- the customer table: held to other tables --------------------------------------------------
CUSTOMER_DRAWS = [{"seed": 5, "n_customers": 3000, "spread": 1.0}, {"seed": 7, "n_customers": 2000, "spread": 1.2},
                  {"seed": 8, "n_customers": 4000, "spread": 0.8}, {"seed": 9, "n_customers": 3000, "spread": 1.3}]


@pytest.fixture(scope="module", params=CUSTOMER_DRAWS, ids=lambda d: f"seed{d['seed']}-spread{d['spread']}")
def customer_draw(request):
    table, truth = customer_tables(**request.param)
    X = lesson.scale(lesson.behaviour_features(table))
    labels = clustering.kmeans(lesson.K, random_state=0).fit_predict(X)
    return table, truth["segment"].to_numpy(), X, labels


def test_the_dendrograms_largest_gap_gives_the_planted_k(customer_draw):
    _, _, X, _ = customer_draw
    assert lesson.largest_gap(linkage(X, method="ward"))[2] == len(SEGMENTS)


def test_lab_finds_the_lookalikes_and_what_separates_them(customer_draw):
    table, seg, X, labels = customer_draw
    a, b = lesson.lookalike_pair(table, labels)
    assert lesson.pair_truth_share(table, seg, labels) > 0.9  # the pair is the planted look-alikes
    pairs = lesson.pairwise_silhouette(X, labels)
    assert pairs.loc[a, b] == pytest.approx(np.nanmin(pairs.to_numpy()))  # and the least separated pair
    assert pairs.loc[a, b] > 0.1
    rows = np.isin(labels, [a, b])
    explained = clustering.explain_clusters(lesson.lab_features(table)[rows], labels[rows], max_depth=2)
    assert set(explained.top_features[:2]) == {"orders_online", "orders_store"} and explained.fidelity > 0.95


def test_lab_options_measured(customer_draw):
    table, seg, _, _ = customer_draw
    options = lesson.lab_options(table, seg)
    as_is, merged = options.loc["K-Means as it is"], options.loc["merge the pair"]
    score = options.loc["channel-preference score"]
    assert merged["silhouette"] < as_is["silhouette"]  # the pair was a real split
    assert merged["ARI, pair as one"] > as_is["ARI, pair as one"]  # ...which merging throws away
    assert score["pair told apart by one rule"] >= 0.99 > as_is["pair told apart by one rule"]
    assert abs(score["ARI with truth"] - as_is["ARI with truth"]) < 0.02  # the score explains; it does not recluster
    assert abs(options.loc["Gaussian mixture", "ARI with truth"] - as_is["ARI with truth"]) < 0.05  # little to add
    assert set(np.asarray(LOOKALIKES)) <= set(seg)
