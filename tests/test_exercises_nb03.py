"""Notebook 03's checks: the right answer passes, realistic mistakes are named."""

import numpy as np
import pandas as pd
import pytest
from sklearn.cluster import KMeans
from sklearn.metrics import accuracy_score, adjusted_rand_score, rand_score

from course_utils import clustering, embeddings
from course_utils.exercises import nb03
from course_utils.exercises.nb03 import ____, q1, q2, q3, q4, q5, q6, q7, q8, q9

ALL = (q1, q2, q3, q4, q5, q6, q7, q8, q9)


def expect(exercise, answer, phrase):
    result = exercise.check(answer)
    assert result.status == "incorrect", result.message
    assert phrase in result.message, result.message


def test_not_attempted_everywhere():
    for q in ALL:
        assert q.check(____).status == "not_attempted"


def test_reference_answers_pass():
    for q in ALL:
        result = q.check(q.reference())
        assert result.status == "correct", (q.name, result.message)


# -- q1 clean -------------------------------------------------------------------
def test_q1_clean():
    raw = nb03.raw()
    assert q1.check(raw.drop_duplicates().dropna(subset=["page"])).correct
    assert q1.check(raw.dropna(subset=["page"]).drop_duplicates().reset_index(drop=True)).correct
    expect(q1, raw, "Nothing was removed")
    expect(q1, raw.drop_duplicates(), "without a page are still there")
    expect(q1, raw.dropna(subset=["page"]), "still there twice")
    expect(q1, raw.drop_duplicates(subset=["user_id", "page"]).dropna(subset=["page"]), "removed too much")
    expect(q1, raw["page"], "Expected a DataFrame")


# -- q2 bots --------------------------------------------------------------------
def test_q2_bots():
    events = nb03.clean()
    views = events.groupby("user_id").size()
    assert q2.check(views.index[views > 1000].tolist()).correct
    assert q2.check(set(views.index[views > 2000])).correct
    assert q2.check(views > 1500).correct  # a boolean Series per user
    # the rule matches the planted truth
    truth = nb03._truth()
    assert set(nb03.bots()) == set(truth.index[truth == "bot"])
    expect(q2, views.index[views > 400].tolist(), "also")
    expect(q2, views.index[views > 4500].tolist(), "You missed")
    expect(q2, views[views > 1000], "Series of numbers")
    expect(q2, ["U99999"], "not users of the log")


# -- q3 gaps --------------------------------------------------------------------
def test_q3_gaps():
    events = nb03.humans()
    ordered = events.sort_values(["user_id", "timestamp"])
    right = ordered.groupby("user_id")["timestamp"].diff()
    assert q3.check(right.dt.total_seconds()).correct
    assert q3.check(right).correct  # Timedeltas are fine too
    expect(q3, events.groupby("user_id")["timestamp"].diff().dt.total_seconds(), "not in time order")
    expect(q3, ordered["timestamp"].diff().dt.total_seconds(), "run across users")
    expect(q3, right.dt.total_seconds() / 60, "minutes")
    expect(q3, right.dt.total_seconds().dropna(), "one gap per event")
    expect(q3, "30min", "Expected a Series")


# -- q4 the session gap -----------------------------------------------------------
def test_q4_gap():
    for ok in ["30min", "45min", pd.Timedelta(minutes=90), "26min"]:
        assert q4.check(ok).correct, ok
    expect(q4, "10min", "too short")
    expect(q4, "6h", "too long")
    expect(q4, 30, "ambiguous")
    expect(q4, "-5min", "positive")
    expect(q4, "soon", "not a duration")


# -- q5 purity of the small model -------------------------------------------------
def test_q5_purity():
    wv = nb03.small_vectors()
    sections = nb03.sections()
    section = sections.to_dict()
    arts = nb03.articles()

    def purity(ids, k=10, with_self=False):
        out = []
        for p in ids:
            if p not in wv:
                continue
            near = [q for q, _ in wv.most_similar(p, topn=k - 1 if with_self else k)]
            near = ([p] if with_self else []) + near
            out.append(np.mean([section[q] == section[p] for q in near]))
        return float(np.mean(out))

    right = purity(arts)
    assert q5.check(right).correct
    assert q5.check(np.float32(right)).correct
    expect(q5, right * 100, "percentage")
    expect(q5, purity(list(sections.index)), "hub pages")
    expect(q5, purity(arts, k=5), "5 neighbours")
    expect(q5, purity(arts, with_self=True), "counts itself")
    expect(q5, [right] * 3, "Average them")


# -- q6 idf -------------------------------------------------------------------------
def test_q6_idf():
    ev = nb03.sessionized()
    n = ev["user_id"].nunique()
    df = ev[["user_id", "page"]].drop_duplicates().groupby("page").size()
    assert q6.check(np.log((1 + n) / (1 + df)) + 1).correct
    assert q6.check((np.log((1 + n) / (1 + df)) + 1).to_dict()).correct
    views = ev.groupby("page").size()
    expect(q6, np.log((1 + n) / (1 + views)) + 1, "counted views, not users")
    expect(q6, np.log(n / df), "unsmoothed")
    expect(q6, np.log((1 + n) / (1 + df)), "add 1")
    expect(q6, np.log10((1 + n) / (1 + df)) + 1, "natural log")
    with_bots = nb03.clean()
    nb = with_bots["user_id"].nunique()
    dfb = with_bots[["user_id", "page"]].drop_duplicates().groupby("page").size()
    expect(q6, np.log((1 + nb) / (1 + dfb)) + 1, "bots are still in")
    expect(q6, (np.log((1 + n) / (1 + df)) + 1).reset_index(drop=True), "page ids")


# -- q7 HDBSCAN labels --------------------------------------------------------------------
def test_q7_labels():
    U = nb03.user_vectors()
    ref = nb03.segmenter().labels_
    assert q7.check(ref).correct
    assert q7.check(list(ref)).correct
    other = clustering.ReducedHDBSCAN(min_cluster_size=25, min_samples=5).fit(U).labels_
    assert q7.check(other).correct  # other sensible settings pass too
    assert np.array_equal(q7.accepted, other)
    expect(q7, np.full(len(U), -1), "Every user is noise")
    expect(q7, KMeans(8, n_init=3, random_state=0).fit_predict(U), "No user is noise")
    expect(q7, clustering.ReducedHDBSCAN(min_cluster_size=600, min_samples=5).fit(U).labels_, "mix the planted")
    expect(q7, np.where(ref == 0, 0, -1), "One cluster")
    too_noisy = np.where(np.isin(ref, [0, 1]), -1, ref)
    expect(q7, too_noisy, "Too much noise")
    expect(q7, ref[:100], "one label per user")
    expect(q7, clustering.ReducedHDBSCAN(min_cluster_size=25).fit(U), "labels_")


# -- q8 ARI on clustered users ------------------------------------------------------------
def test_q8_ari():
    t = nb03.truth().to_numpy()
    labels = nb03.segmenter().labels_
    c = labels >= 0
    assert q8.check(adjusted_rand_score(t[c], labels[c])).correct
    expect(q8, adjusted_rand_score(t, labels), "counts the noise")
    nc = c & (t != "casual")
    expect(q8, adjusted_rand_score(t[nc], labels[nc]), "casual readers")
    expect(q8, accuracy_score(pd.factorize(t[c])[0], labels[c]), "compares label numbers")
    expect(q8, rand_score(t[c], labels[c]), "plain Rand")
    expect(q8, 1.7, "between -1 and 1")
    expect(q8, labels, "one number")


def test_q8_follows_the_learners_own_labels():
    U = nb03.user_vectors()
    t = nb03.truth().to_numpy()
    mine = clustering.ReducedHDBSCAN(min_cluster_size=25, min_samples=5).fit(U).labels_
    assert q7.check(mine).correct
    c = mine >= 0
    assert q8.check(adjusted_rand_score(t[c], mine[c])).correct


# -- q9 new users -----------------------------------------------------------------------
def test_q9_new_users():
    model, U_new, ref = nb03._new_user_reference()
    labels, strengths = model.predict(U_new)
    assert q9.check(labels).correct
    expect(q9, (labels, strengths), "labels only")
    fresh = clustering.ReducedHDBSCAN(min_cluster_size=10, min_samples=10, n_components=10).fit(U_new).labels_
    permuted = np.where(ref >= 0, (ref + 3) % (ref.max() + 1), -1)  # the same groups, renumbered
    expect(q9, permuted, "clustered the new users afresh")
    nearest = KMeans(8, n_init=3, random_state=0).fit(model.embedding_).predict(model.transform(U_new))
    expect(q9, nearest, "No new user is noise")
    expect(q9, fresh, "agree")
    expect(q9, labels[:10], "one label per user")
