"""Notebook 04's checks: the right answer passes, realistic mistakes are named."""

import networkx as nx
import numpy as np
import pandas as pd
from sklearn.decomposition import PCA
from sklearn.metrics import adjusted_rand_score

from course_utils import clustering, graph
from course_utils.exercises import nb04 as ex
from course_utils.exercises.nb04 import ____, q1, q2, q3, q4, q5, q6, q7, q8, q9, q10
from course_utils.lessons import nb04 as lesson
from tests.helpers import expect_correct, expect_mistake

ALL = (q1, q2, q3, q4, q5, q6, q7, q8, q9, q10)


def test_not_attempted_everywhere():
    for q in ALL:
        assert q.check(____).status == "not_attempted"


# -- q1 -----------------------------------------------------------------------------------
def test_q1_graph():
    orders = lesson.orders()
    expect_correct(q1, graph.co_occurrence_graph(orders))
    pairs = orders.merge(orders, on="order_id")
    kept = pairs[pairs["product_id_x"] < pairs["product_id_y"]]
    G = nx.Graph()
    G.add_weighted_edges_from((a, b, int(w)) for (a, b), w in kept.groupby(["product_id_x", "product_id_y"]).size()
                              .items())
    expect_correct(q1, G)
    loops = pairs[pairs["product_id_x"] <= pairs["product_id_y"]].groupby(["product_id_x", "product_id_y"]).size()
    expect_mistake(q1, nx.Graph([(a, b, {"weight": w}) for (a, b), w in loops.items()]), "to themselves")
    both = pairs[pairs["product_id_x"] != pairs["product_id_y"]].groupby(["product_id_x", "product_id_y"]).size()
    doubled = nx.Graph()
    for (a, b), w in both.items():
        doubled.add_edge(a, b, weight=doubled[a][b]["weight"] + w if doubled.has_edge(a, b) else w)
    expect_mistake(q1, doubled, "twice")
    expect_mistake(q1, nx.Graph(list(G.edges())), "weight 1")
    expect_mistake(q1, graph.co_occurrence_graph(orders, "customer_id"), "same customer")
    expect_mistake(q1, kept, "build a networkx Graph")
    expect_mistake(q1, nx.DiGraph(G), "undirected")


# -- q2 -----------------------------------------------------------------------------------
def test_q2_step():
    expect_correct(q2, lesson.step_probabilities)
    expect_mistake(q2, ex._variant("swapped"), "swapped p and q")
    expect_mistake(q2, ex._variant("unnormalised"), "add up to 1")
    expect_mistake(q2, ex._variant("from_cur"), "distance that matters is from prev")
    expect_mistake(q2, ex._variant("unweighted"), "weights are missing")
    expect_mistake(q2, ex._variant("multiplied"), "divides")
    expect_mistake(q2, lambda G, prev, cur, p, q: 1 / 0, "raised ZeroDivisionError")
    expect_mistake(q2, lambda G, prev, cur, p, q: {prev: 1.0}, "any neighbour")
    expect_mistake(q2, "step_probabilities", "Expected a function")


# -- q3 -----------------------------------------------------------------------------------
def test_q3_choice_agrees_with_the_measured_table():
    table = lesson.pq_results()
    top_two = table["tier purity"].nlargest(2).index
    assert all(q == 4.0 for _, q in top_two) and table["tier purity"].idxmin() == (4.0, 0.25)
    expect_correct(q3, "a")
    for wrong in "bcd":
        assert q3.check(wrong).status == "incorrect"


# -- q4 -----------------------------------------------------------------------------------
def test_q4_ari():
    labels = lesson.graph_labels()
    truth = lesson.truth().to_numpy()
    keep = labels >= 0
    expect_correct(q4, adjusted_rand_score(truth[keep], labels[keep]), labels=labels)
    expect_mistake(q4, adjusted_rand_score(truth, labels), "noise", labels=labels)
    expect_mistake(q4, ex._rand_clustered(truth, labels), "plain Rand", labels=labels)
    expect_mistake(q4, ex._label_agreement(truth, labels), "label numbers", labels=labels)
    expect_mistake(q4, 1.5, "between -1 and 1", labels=labels)
    other = np.where(labels >= 0, 0, -1)
    other[:200] = 1
    expect_correct(q4, lesson.clustered_ari(other), labels=other)  # judged on the labels passed


# -- q5 -----------------------------------------------------------------------------------
def test_q5_sif():
    tokens = lesson.review_tokens()
    counts = pd.Series([w for t in tokens for w in t]).value_counts()
    expect_correct(q5, 0.001 / (0.001 + counts / counts.sum()))
    expect_correct(q5, (0.001 / (0.001 + counts / counts.sum())).to_dict())
    expect_mistake(q5, 0.001 / (0.001 + counts), "raw count")
    expect_mistake(q5, counts.sum() / counts, "1 / p(word)")
    expect_mistake(q5, ex._doc_freq_weights(), "document frequency")
    expect_mistake(q5, (0.001 / (0.001 + counts / counts.sum())).head(10), "lacks")


# -- q6 -----------------------------------------------------------------------------------
def test_q6_table():
    ref = lesson.features()
    expect_correct(q6, ref)
    expect_correct(q6, ref[ref.columns[::-1]].reset_index())  # column order and id as a column are fine
    expect_mistake(q6, ex._unlogged(), "not logged")
    expect_mistake(q6, ex._coded(), "integer codes")
    expect_mistake(q6, ex._standardised(), "already standardised")
    expect_mistake(q6, lesson.customers().set_index("customer_id"), "still text")


# -- q7 -----------------------------------------------------------------------------------
def test_q7_bottleneck_is_judged_on_the_curve_passed():
    curve = lesson.sweep()
    knee = lesson.knee_of(curve)
    assert knee == clustering.find_knee(curve.index, curve["validation error"], direction="decreasing")
    expect_correct(q7, knee, curve=curve)
    expect_mistake(q7, int(curve["validation error"].idxmin()), "lowest validation error", curve=curve)
    if int(curve["ARI of K-Means on the codes"].idxmax()) != knee:
        expect_mistake(q7, int(curve["ARI of K-Means on the codes"].idxmax()), "planted truth", curve=curve)
    expect_mistake(q7, 7, "not a width of the sweep", curve=curve)
    expect_mistake(q7, 2.5, "whole number", curve=curve)
    made_up = pd.DataFrame({"validation error": [1.0, 0.3, 0.25, 0.22, 0.2]}, index=[1, 2, 3, 4, 5])
    expect_correct(q7, 2, curve=made_up)
    expect_mistake(q7, 3, "Look again", curve=made_up)


# -- q8 -----------------------------------------------------------------------------------
def test_q8_pca_error():
    tr, va = lesson.split()
    X = lesson.X().to_numpy()
    for k in (4, 2):
        pca = PCA(k, random_state=0).fit(X[tr])
        expect_correct(q8, lesson.pca_error(pca, X[va]), bottleneck=k)
    v = ex._pca_variants(4)
    expect_mistake(q8, v["train"], "training rows", bottleneck=4)
    expect_mistake(q8, v["fitted_on_valid"], "fitted PCA on the validation rows", bottleneck=4)
    expect_mistake(q8, v["unexplained"], "unexplained", bottleneck=4)
    expect_mistake(q8, v["right"], "not narrower", bottleneck=99)


# -- q9 -----------------------------------------------------------------------------------
def test_q9_profiles():
    ae, centroids = lesson.example_autoencoder(), lesson.example_centroids()
    right = lesson.decode_profiles(ae, centroids, lesson.scaler(), lesson.X().columns)
    expect_correct(q9, right, ae=ae, centroids=centroids)
    assert right["orders_12m"].between(1, 30).all() and right["avg_basket_value"].between(10, 300).all()
    expect_mistake(q9, ex._scaled_only(ae, centroids), "still standardised", ae=ae, centroids=centroids)
    expect_mistake(q9, ex._logged_only(ae, centroids), "still logs", ae=ae, centroids=centroids)
    expect_mistake(q9, ex._reversed_undo(ae, centroids), "reverse order", ae=ae, centroids=centroids)
    expect_mistake(q9, right.head(2), "one per centroid", ae=ae, centroids=centroids)
    expect_mistake(q9, right, "Pass the model", ae=ae)
    expect_mistake(q9, right, "columns but the bottleneck", ae=ae, centroids=np.zeros((6, 9)))


# -- q10 ----------------------------------------------------------------------------------
def test_q10_written():
    model = q10.reference()
    assert q10.check(model).status == "not_attempted"  # saved, waits for the self-score
    expect_correct(q10, model, met=["a", "b", "c", "d"])
    expect_mistake(q10, "Use the autoencoder, it is deep.", "words", met=["a"])
    expect_mistake(q10, model, "does not yet", met=["a", "b"])
    weak = " ".join(["The autoencoder is more powerful and modern, so we should ship it to production now."] * 3)
    expect_mistake(q10, weak, "never says so", met=["a", "b", "c", "d"])
    no_number = ("I would ship PCA + K-Means: on the same customers the autoencoder's ARI did not beat the baseline, "
                 "and PCA is faster and I can explain its components. The autoencoder earns its place if it wins "
                 "clearly on held-out customers; I would keep it as a challenger.")
    expect_mistake(q10, no_number, "no measured number", met=["a", "b", "c", "d", "e"])
    expect_correct(q10, no_number.replace("did not beat the baseline", "was 0.32 against 0.45 for the baseline"),
                   met=["a", "b", "c", "d", "e"])


def test_q10_model_answer_quotes_the_computed_numbers():
    text, s, seconds = q10.reference(), lesson.simple_choice(), lesson.pipeline_seconds()
    assert "{" not in text and text in q10.solution_text()
    text = " ".join(text.split())
    assert s["autoencoder"] < s["pca"] < s["table"]  # the question's premise: the autoencoder scores below PCA
    for key in ("autoencoder", "pca", "table", "autoencoder_valid", "pca_valid"):
        assert f"{s[key]:.2f}" in text, key
    tr, va = lesson.split()
    X = lesson.X().to_numpy()
    k = lesson.knee_of(lesson.sweep())
    assert f"{k} codes" in text and f"{len(va)} validation customers" in text
    assert f"{lesson.sweep().at[k, 'validation error']:.3f}" in text
    assert f"{lesson.pca_error(PCA(k, random_state=0).fit(X[tr]), X[va]):.3f}" in text
    assert f"{seconds['pca']:.2f} seconds" in text and f"autoencoder {seconds['autoencoder']:.1f}" in text
