"""Notebook 02's checks: the right answers pass, realistic mistakes are named."""

from itertools import combinations

import numpy as np
import pandas as pd
import pytest
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score, silhouette_samples, silhouette_score

from course_utils import clustering
from course_utils.exercises import nb02 as E
from course_utils.exercises.nb02 import ____, q1, q2, q3, q4, q5, q6, q7, q8, q9, q10
from course_utils.lessons import nb02 as lesson
from tests.helpers import expect_correct, expect_mistake

ALL = (q1, q2, q3, q4, q5, q6, q7, q8, q9, q10)


def test_not_attempted_everywhere():
    for q in ALL:
        assert q.check(____).status == "not_attempted", q.name


# -- q1 the ARI grid --------------------------------------------------------------
def test_q1_grid_findings():
    for right in (["b", "c", "e"], "b, c, e", {"e", "c", "b"}, ("B", "C)", "e")):
        expect_correct(q1, right)
    expect_mistake(q1, ["a", "b", "c", "e"], "convex cells")
    expect_mistake(q1, ["b", "c", "d", "e"], "ellipses cannot follow crescents")
    expect_mistake(q1, ["b", "c", "e", "f"], "HDBSCAN reports several clusters")
    expect_mistake(q1, ["b", "c"], "1 true option is missing")
    expect_mistake(q1, "g", "not an option")


# -- q2 the cut height ------------------------------------------------------------
def test_q2_cut_height():
    Z = lesson.ward_tree()
    h = Z[:, 2]
    i = int(np.argmax(np.diff(h)))
    expect_correct(q2, (h[i] + h[i + 1]) / 2)
    expect_correct(q2, np.float64(h[i] + 0.01))
    expect_mistake(q2, 5, "looks like a number of clusters")
    expect_mistake(q2, h[-1] + 5, "everything is one cluster")
    expect_mistake(q2, (h[i + 1] + h[i + 2]) / 2, "leaves 4 clusters")
    expect_mistake(q2, h[i] - 1, "below the largest gap")
    expect_mistake(q2, ((h[i] + h[i + 1]) / 2) ** 2 / 2, "sum-of-squares")
    expect_mistake(q2, -3.0, "positive")
    expect_mistake(q2, "43", "Expected one number")


def test_q2_mistakes_match_the_tree():
    """The cut the check calls right gives the clusters the correct message announces."""
    from scipy.cluster.hierarchy import fcluster

    low, high, k = lesson.largest_gap(lesson.ward_tree())
    labels = fcluster(lesson.ward_tree(), (low + high) / 2, "distance")
    assert len(np.unique(labels)) == k == lesson.K


# -- q3 eps -----------------------------------------------------------------------
def test_q3_eps():
    X_out, _ = lesson.outlier_shape()
    for right in (0.3, 0.4, 0.5, clustering.suggest_eps(X_out, 10)):
        expect_correct(q3, right)
    expect_mistake(q3, 0.1, "Too small")
    expect_mistake(q3, 1.0, "Too large")
    expect_mistake(q3, 0.02, "everything is noise")
    expect_mistake(q3, 0, "above 0")
    expect_mistake(q3, [0.4], "Expected one number")


def test_q3_accepted_range_is_where_dbscan_works():
    low, high = lesson.eps_range()
    assert low < lesson.eps() < high
    assert q3.check(low).correct and q3.check(high).correct
    assert not q3.check(high + 0.05).correct and not q3.check(max(low - 0.05, 0.01)).correct


# -- q4 per-cluster silhouette ------------------------------------------------------
def _moons():
    X, _ = lesson.moons()
    return X, lesson.moons_labels()


def test_q4_cluster_silhouettes():
    X, labels = _moons()
    keep = labels != -1
    right = pd.Series(silhouette_samples(X[keep], labels[keep])).groupby(labels[keep]).mean()
    expect_correct(q4, right)
    expect_correct(q4, right.to_dict())
    expect_correct(q4, right.to_frame("silhouette"))
    with_noise = pd.Series(silhouette_samples(X, labels)).groupby(labels).mean()
    expect_mistake(q4, with_noise, "value for -1")
    expect_mistake(q4, with_noise.drop(index=-1), "noise rows were part of the computation")
    expect_mistake(q4, pd.Series(silhouette_score(X[keep], labels[keep]), index=right.index), "overall mean")
    km = KMeans(2, n_init=10, random_state=0).fit_predict(X)
    expect_mistake(q4, pd.Series(silhouette_samples(X, km)).groupby(km).mean(), "K-Means")
    expect_mistake(q4, float(right.mean()), "one number")
    expect_mistake(q4, right.iloc[:1], "missing")


# -- q5 stability -----------------------------------------------------------------
def stability_against_full_fit(X, k, n_resamples=10, random_state=0):
    """Another valid design: each bootstrap fit compared with the fit on all rows."""
    rng = np.random.default_rng(random_state)
    full = KMeans(k, n_init=3, random_state=random_state).fit_predict(X)
    scores = []
    for b in range(n_resamples):
        rows = rng.integers(0, len(X), size=len(X))
        scores.append(adjusted_rand_score(full, KMeans(k, n_init=3, random_state=random_state + b + 1)
                                          .fit(X[rows]).predict(X)))
    return float(np.mean(scores))


def test_q5_stability_function():
    expect_correct(q5, lesson.stability)
    expect_correct(q5, stability_against_full_fit)


def test_q5_mistakes():
    expect_mistake(q5, E._unseeded, "does not use random_state")
    expect_mistake(q5, E._label_numbers, "compare label numbers")
    expect_mistake(q5, E._own_rows, "different rows")
    expect_mistake(q5, E._self_pairs, "cannot tell an arbitrary split")
    expect_mistake(q5, lesson.stability(lesson.X(), 5), "give the function itself")
    expect_mistake(q5, lambda X, k: 1.0, "raised TypeError")
    expect_mistake(q5, lambda X, k, n_resamples=10, random_state=0: "stable", "must return one number")
    expect_mistake(q5, lambda X, k, n_resamples=10, random_state=0: 3.0, "between -1 and 1")


def test_q5_a_failing_function_is_reported_not_raised():
    def broken(X, k, n_resamples=10, random_state=0):
        raise ZeroDivisionError("oops")

    expect_mistake(q5, broken, "raised ZeroDivisionError: oops")


# -- q6 and q7 choices -------------------------------------------------------------
def test_q6_tendency_verdict():
    expect_correct(q6, "c")
    expect_mistake(q6, "a", "bell-shaped")
    expect_mistake(q6, "b", "beats every shuffled copy")
    expect_mistake(q6, "d", "smallest p-value")
    expect_mistake(q6, ["a", "c"], "one option only")


def test_q7_pictures():
    expect_correct(q7, ["a", "d", "f"])
    expect_mistake(q7, ["a", "b", "d", "f"], "Count rows")
    expect_mistake(q7, ["a", "c", "d", "f"], "keep neighbourhoods")
    expect_mistake(q7, ["a", "d", "e", "f"], "own neighbour graph")
    expect_mistake(q7, ["a", "d"], "missing")


# -- q8 the pair's silhouette --------------------------------------------------------
def test_q8_pair_silhouette():
    X, labels = lesson.X(), lesson.lab_labels()
    a, b = lesson.pair()
    rows = np.isin(labels, [a, b])
    expect_correct(q8, silhouette_score(X[rows], labels[rows]))
    expect_mistake(q8, silhouette_score(X, labels), "mean silhouette of all five segments")
    expect_mistake(q8, silhouette_samples(X, labels)[rows].mean(), "five-segment solution")
    raw = lesson.behaviour_features(lesson.customers()).to_numpy()
    expect_mistake(q8, silhouette_score(raw[rows], labels[rows]), "unscaled")
    other = [c for c in np.unique(labels) if c not in (a, b)][:2]
    rows2 = np.isin(labels, other)
    expect_mistake(q8, silhouette_score(X[rows2], labels[rows2]), f"segments {min(other)} and {max(other)}")
    expect_mistake(q8, 1.5, "between -1 and 1")


def test_q8_pair_is_the_planted_lookalike_pair():
    a, b = lesson.pair()
    seg = lesson.truth()["segment"].to_numpy()
    labels = lesson.lab_labels()
    assert set(pd.Series(seg[labels == a]).mode()) | set(pd.Series(seg[labels == b]).mode()) == {
        "regulars_online", "regulars_store"}


# -- q9 channel score ---------------------------------------------------------------
def test_q9_channel_score():
    c = lesson.customers()
    share = c["orders_online"] / (c["orders_online"] + c["orders_store"])
    expect_correct(q9, share)
    expect_correct(q9, share.to_numpy())
    expect_correct(q9, share.sample(frac=1, random_state=0))  # any row order, by index
    expect_mistake(q9, c["orders_store"] / (c["orders_online"] + c["orders_store"]), "Swap the numerator")
    expect_mistake(q9, 100 * share, "percentage")
    expect_mistake(q9, c["orders_online"] - c["orders_store"], "difference of counts")
    expect_mistake(q9, c["orders_online"] / c["orders_store"], "not bounded")
    expect_mistake(q9, share.iloc[:10], "3000")


# -- q10 written --------------------------------------------------------------------
def test_q10_written_answer():
    model = q10.model_answer
    assert q10.check(model).status == "not_attempted"  # saved; the rubric is shown
    assert q10.check(model, met=____).status == "not_attempted"  # the notebook's starter for met
    expect_correct(q10, model, met=["a", "b", "c", "d"])
    expect_mistake(q10, "Use a decision tree.", "words")
    expect_mistake(q10, model, "does not yet", met=["a", "c", "d"])
    no_tree = ("I would look at the silhouette of both segments, then merge them or engineer a feature if that "
               "measure says they differ, and measure the stability afterwards, for the campaign.")
    expect_mistake(q10, no_tree, "never says so", met=["a", "b", "c", "d"])
    expect_mistake(q10, model, "not a rubric item", met=["z"])


@pytest.mark.parametrize("q", ALL, ids=lambda q: q.name)
def test_solution_text_and_hints(q):
    assert q.solution_text().strip() and q.hints


def test_the_notebooks_stability_solution_is_the_reference_design():
    """The solution region's function and the lesson's give the same numbers."""
    X = lesson.X()[:400]

    def bootstrap_ari(X, k, n_resamples=10, random_state=0):
        X = np.asarray(X, dtype=float)
        rng = np.random.default_rng(random_state)
        labellings = []
        for b in range(n_resamples):
            rows = rng.integers(0, len(X), size=len(X))
            model = KMeans(k, n_init=3, random_state=random_state + b).fit(X[rows])
            labellings.append(model.predict(X))
        return float(np.mean([adjusted_rand_score(a, c) for a, c in combinations(labellings, 2)]))

    assert bootstrap_ari(X, 4, 4) == pytest.approx(lesson.stability(X, 4, 4))
