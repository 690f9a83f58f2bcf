"""Notebook 03's checks: the right answer passes, realistic mistakes are named."""

import numpy as np
import pandas as pd
import pytest
from sklearn.cluster import KMeans
from sklearn.metrics import accuracy_score, adjusted_rand_score, rand_score

from course_utils import clustering
from course_utils.exercises import nb03 as exercises
from course_utils.exercises.nb03 import ____, q1, q2, q3, q4, q5, q6, q7, q8, q9
from course_utils.lessons import nb03

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
    truth = nb03.segments()
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


def test_q3_gaps_belong_to_their_rows():
    ref = nb03.gaps()
    assert q3.check(ref.to_numpy()).correct  # an array in the order of the sorted events
    assert q3.check(ref.sort_values()).correct  # a Series keeps its rows whatever its order
    assert q3.check(ref.sort_index()).correct
    shuffled = ref.sample(frac=1, random_state=0).set_axis(ref.index)  # the right values on the wrong rows
    expect(q3, shuffled, "do not belong to their rows")
    expect(q3, np.sort(ref.to_numpy()), "do not belong to their rows")
    expect(q3, ref.sort_index().to_numpy(), "do not belong to their rows")  # an array in the log's order
    expect(q3, pd.Series(np.sort(ref.to_numpy())), "do not belong to their rows")


def test_q3_events_whose_index_was_reset_on_the_way():
    raw = nb03.raw()
    events = raw.dropna(subset=["page"]).drop_duplicates().reset_index(drop=True)  # q1 accepts this
    assert q1.check(events).correct
    events = events[~events["user_id"].isin(nb03.bots())]
    for log in (events, events.reset_index(drop=True)):
        ordered = log.sort_values(["user_id", "timestamp"])
        assert q3.check(ordered.groupby("user_id")["timestamp"].diff().dt.total_seconds()).correct
    ordered = events.sort_values(["user_id", "timestamp"]).reset_index(drop=True)
    assert q3.check(ordered.groupby("user_id")["timestamp"].diff().dt.total_seconds()).correct
    expect(q3, ordered.groupby("user_id")["timestamp"].diff().dt.total_seconds() / 60, "minutes")


# -- q4 the session gap -----------------------------------------------------------
def test_q4_gap():
    for ok in ["30min", "45min", pd.Timedelta(minutes=90), "26min"]:
        assert q4.check(ok).correct, ok
    expect(q4, "10min", "too short")
    expect(q4, "6h", "too long")
    expect(q4, 30, "ambiguous")
    expect(q4, "-5min", "positive")
    expect(q4, "soon", "not a duration")


def test_q4_durations_of_any_kind():
    import datetime as dt

    for ok in [np.timedelta64(30, "m"), np.timedelta64(1800, "s"), dt.timedelta(minutes=40), pd.Timedelta("1h")]:
        assert q4.check(ok).correct, ok
    for bare in [30, 1800, 30.0, np.int64(30), np.float64(1800.0)]:
        expect(q4, bare, "unit")
        expect(q4, bare, "ambiguous")
    expect(q4, np.timedelta64(10, "m"), "too short")
    expect(q4, pd.Timedelta(0), "positive")


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
    expect(q6, np.log((1 + df) / (1 + n)) + 1, "home page should get one of the smallest")
    expect(q6, (np.log((1 + n) / (1 + df)) + 1).iloc[:-5], "one weight for each")


def test_q6_precision_does_not_matter():
    ref = nb03.idf()
    assert q6.check(ref.astype("float32")).correct
    assert q6.check(ref.round(6)).correct
    assert q6.check(ref.round(6).astype("float32")).correct
    assert q6.check(ref.sample(frac=1, random_state=0)).correct  # any page order
    expect(q6, ref.round(3), "weights differ")


# -- q7 HDBSCAN labels --------------------------------------------------------------------
def test_q7_labels():
    U = nb03.user_vectors()
    ref = nb03.segmenter().labels_
    assert q7.check(ref).correct
    assert q7.check(list(ref)).correct
    other = clustering.ReducedHDBSCAN(min_cluster_size=25, min_samples=5).fit(U).labels_
    assert q7.check(other).correct  # other sensible settings pass too
    assert not hasattr(q7, "accepted")  # checking keeps no state
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
    ari_mine = adjusted_rand_score(t[c], mine[c])
    assert q8.check(ari_mine, labels=mine).correct
    assert q8.check(ari_mine, labels=list(mine)).correct
    # no hidden state: q7 accepting these labels does not make q8 judge by them
    expect(q8, ari_mine, "does not match")
    nc = c & (t != "casual")
    result = q8.check(adjusted_rand_score(t[nc], mine[nc]), labels=mine)
    assert not result.correct and "casual readers" in result.message
    assert q8.reference(labels=mine) == pytest.approx(ari_mine)


def test_q8_without_labels_judges_against_the_reference_labels():
    t = nb03.truth().to_numpy()
    ref = nb03.labels()
    c = ref >= 0
    assert q8.check(adjusted_rand_score(t[c], ref[c])).correct
    assert q8.check(adjusted_rand_score(t[c], ref[c]), labels=ref).correct
    result = q8.check(0.5, labels=ref[:10])
    assert not result.correct and "one label per user" in result.message


# -- q9 new users -----------------------------------------------------------------------
def test_q9_new_users():
    model, U_new, ref = nb03.old_segmenter(), nb03.new_user_vectors(), nb03.new_user_labels()
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


# -- the framework's promises ------------------------------------------------------------
def test_every_exercise_has_three_realistic_mistakes():
    for q in ALL:
        assert len(q.all_mistakes()) >= 3, q.name


def test_references_are_copies():
    first = nb03.segmenter()
    first.labels_[:] = -1
    first.min_cluster_size = 999
    second = nb03.segmenter()
    assert (second.labels_ >= 0).any() and second.min_cluster_size == 25
    assert second is not nb03.segmenter()
    assert q7.check(second.labels_).correct
    for make in (nb03.old_segmenter, nb03.vectors, nb03.small_vectors):
        a, b = make(), make()
        assert a is not b
    wv = nb03.small_vectors()
    page = wv.index_to_key[0]
    before = nb03.small_vectors()[page].copy()
    wv.vectors[:] = 0
    assert np.array_equal(nb03.small_vectors()[page], before)
    labels = nb03.labels()
    labels[:] = 5
    assert not (nb03.labels() == 5).all()


def test_registered_in_order():
    assert exercises.EXERCISES == [q.name for q in ALL]
    assert {q.notebook for q in ALL} == {"03"}
