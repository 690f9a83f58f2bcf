"""Notebook 03's checks: the right answer passes, realistic mistakes are named."""

import numpy as np
import pandas as pd
import pytest
from sklearn.cluster import KMeans
from sklearn.metrics import accuracy_score, adjusted_rand_score, rand_score

from course_utils import clustering
from course_utils.exercises import nb03 as exercises
from course_utils.exercises.nb03 import ____, q1, q2, q3, q4, q5, q6, q7, q8, q9, q10, q11, q12
from course_utils.lessons import nb03
from tests.helpers import expect_mistake as expect

ALL = (q1, q2, q3, q4, q5, q6, q7, q8, q9, q10, q11, q12)


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


# -- q7 variance kept by six components --------------------------------------------------
def test_q7_variance_kept():
    from sklearn.decomposition import PCA
    from sklearn.preprocessing import normalize

    U = nb03.user_vectors().to_numpy()
    ratios = PCA(random_state=0).fit(normalize(U)).explained_variance_ratio_
    assert q7.check(ratios[:6].sum()).correct
    assert q7.check(float(np.cumsum(ratios)[5])).correct
    assert q7.check(np.float32(ratios[:6].sum())).correct
    raw = PCA(random_state=0).fit(U).explained_variance_ratio_
    expect(q7, raw[:6].sum(), "unit length")
    expect(q7, ratios[5], "sixth component alone")
    expect(q7, np.cumsum(ratios)[6], "first seven")
    expect(q7, ratios[:5].sum(), "first five")
    expect(q7, ratios[:6].sum() * 100, "percentage")
    expect(q7, 0.5, "not the sum")
    expect(q7, ratios[:6], "one number")


# -- q8 HDBSCAN on the best-evidenced readers ---------------------------------------------
def test_q8_core_labels():
    U_fit = nb03.user_vectors().loc[nb03.fit_users()]
    ref = nb03.first_try().labels_
    assert q8.check(ref).correct
    assert q8.check(list(ref)).correct
    assert q8.check(nb03.segmenter().labels_).correct  # the consensus pick passes too
    size = nb03.core_size()
    other = clustering.ReducedHDBSCAN(min_cluster_size=size, min_samples=5, n_components=6).fit(U_fit).labels_
    assert q8.check(other).correct  # other sensible settings pass
    assert not hasattr(q8, "accepted")  # checking keeps no state
    expect(q8, np.full(len(U_fit), -1), "Every reader is noise")
    expect(q8, KMeans(8, n_init=3, random_state=0).fit_predict(U_fit), "No reader is noise")
    expect(q8, np.where(ref >= 0, ref % 3, -1), "mix the planted")
    expect(q8, np.where(ref == 0, 0, -1), "One cluster")
    expect(q8, np.where(np.isin(ref, [0, 1, 2]), -1, ref), "Too much noise")
    expect(q8, nb03.old_segmenter_all().labels_, "You clustered every reader")
    expect(q8, ref[:100], "one label per user")
    expect(q8, nb03.first_try(), "labels_")


# -- q9 why a vote of neighbours ------------------------------------------------------------
def test_q9_choice():
    assert q9.check("b").correct
    assert q9.check("(B)").correct
    for wrong, phrase in [("a", "leaves the fitted clusters"), ("c", "stays unplaced"), ("d", "planted truth")]:
        expect(q9, wrong, phrase)
    expect(q9, "e", "not an option")
    expect(q9, "a, b", "one option only")
    expect(q9, 2, "letter")


# -- q10 ARI over the interested readers ---------------------------------------------------
def test_q10_ari():
    t = nb03.truth().to_numpy()
    labels = nb03.labels()
    keep = t != "casual"
    assert q10.check(adjusted_rand_score(t[keep], labels[keep])).correct
    placed = keep & (labels >= 0)
    expect(q10, adjusted_rand_score(t[placed], labels[placed]), "readers who were not placed")
    expect(q10, adjusted_rand_score(t, labels), "casual ones too")
    c = labels >= 0
    expect(q10, adjusted_rand_score(t[c], labels[c]), "measure of q8")
    expect(q10, accuracy_score(pd.factorize(t[keep])[0], labels[keep]), "compares label numbers")
    expect(q10, rand_score(t[keep], labels[keep]), "plain Rand")
    expect(q10, 1.7, "between -1 and 1")
    expect(q10, labels, "one number")


def test_q10_follows_the_learners_own_labels():
    t = nb03.truth().to_numpy()
    mine = nb03.old_segmenter_all().labels_  # HDBSCAN on every reader: other labels than the reference's
    keep = t != "casual"
    ari_mine = adjusted_rand_score(t[keep], mine[keep])
    assert q10.check(ari_mine, labels=mine).correct
    assert q10.check(ari_mine, labels=list(mine)).correct
    expect(q10, ari_mine, "does not match")  # without labels=, the reference labels are the ones scored
    placed = keep & (mine >= 0)
    result = q10.check(adjusted_rand_score(t[placed], mine[placed]), labels=mine)
    assert not result.correct and "not placed" in result.message
    assert q10.reference(labels=mine) == pytest.approx(ari_mine)
    result = q10.check(0.5, labels=mine[:10])
    assert not result.correct and "one label per user" in result.message
    result = q10.check(0.5, labels=np.full(len(t), -1))
    assert not result.correct and "nothing to score" in result.message


# -- q11 judge the attribution table -----------------------------------------------------------
def test_q11_choice():
    assert q11.check("c").correct
    for wrong, phrase in [("a", "they tie"), ("b", "long catalogue"), ("d", "no noise label")]:
        expect(q11, wrong, phrase)
    expect(q11, ["a", "c"], "one option only")


def test_q11_right_option_is_what_the_table_says():
    """What q11's options claim must stay true of the table the notebook computes."""
    table = nb03.attribution()
    shipped = table.loc["shipped (298 pages)"]
    short = table.loc["short catalogue (250 pages)"]
    long = table.loc["long catalogue (2,000 pages)"]
    # (a) is false: K-Means ties on the shipped data
    assert abs(shipped.loc["embeddings", "K-Means"] - shipped.loc["bag of pages", "K-Means"]) < 0.02
    # (b) is false: on the long catalogue the embeddings help HDBSCAN a lot
    assert long.loc["embeddings", "HDBSCAN"] > long.loc["bag of pages", "HDBSCAN"] + 0.2
    # (c): the pipeline lifts both representations everywhere; the representation ties on the short catalogue
    # and helps on the shipped data's pipeline
    assert (table["HDBSCAN + placing"] > table["K-Means"] + 0.03).all()
    assert abs(short.loc["embeddings", "HDBSCAN + placing"] - short.loc["bag of pages", "HDBSCAN + placing"]) < 0.02
    assert shipped.loc["embeddings", "HDBSCAN + placing"] > shipped.loc["bag of pages", "HDBSCAN + placing"] + 0.05
    # (d) is false: K-Means trails the pipeline in every row (checked above)


def test_what_the_notebook_says_of_the_umap_recipe():
    """Section 14's reading of the UMAP column and of its seeds stays true of what the notebook computes."""
    table, seeds = nb03.attribution(), nb03.umap_by_seed()
    emb = table.xs("embeddings", level="representation")
    assert table.xs("bag of pages", level="representation")["UMAP + HDBSCAN"].isna().all()  # embeddings only
    assert (emb["UMAP + HDBSCAN"] > emb["HDBSCAN"]).all()  # its median beats HDBSCAN after PCA everywhere
    assert abs(emb.loc[nb03.SHIPPED, "UMAP + HDBSCAN"] - emb.loc[nb03.SHIPPED, "HDBSCAN + placing"]) < 0.01
    for name in nb03.VARIANTS:  # and trails the pipeline on both generated clickstreams
        assert emb.loc[name, "UMAP + HDBSCAN"] < emb.loc[name, "HDBSCAN + placing"] - 0.05
    assert list(seeds.columns) == list(nb03.UMAP_SEEDS)
    assert seeds.median(axis=1).to_numpy() == pytest.approx(emb.loc[seeds.index, "UMAP + HDBSCAN"].to_numpy())
    assert seeds.loc[nb03.LONG].max() - seeds.loc[nb03.LONG].min() > 0.1  # it moves with the seed


def test_the_bag_of_pages_cuts_the_sport_arc():
    assert nb03.clusters_holding("sport").to_dict() == {"bag of pages": 2, "embeddings": 1}


def test_the_consensus_at_work():
    """Sections 9 and 14: no setting loses a group on the shipped data; on the example one does, and costs."""
    shipped = nb03.settings_table()
    assert shipped["clusters"].nunique() == 1
    first = shipped.iloc[0]
    kept = {"n_components": int(first["n_components"]), "min_samples": int(first["min_samples"])}
    assert kept == nb03.ONE_SETTING  # the consensus keeps q8's first try on the shipped data
    table, with_consensus, alone = nb03.consensus_example()
    one = table[(table["n_components"] == 10) & (table["min_samples"] == 10)].iloc[0]
    others = table.drop(one.name)
    assert one["clusters"] < others["clusters"].min() and one["noise share"] > others["noise share"].max()
    assert list(table.index).index(one.name) == 3  # "ranks them fourth of six"
    assert len(table) == 6 and table.index[0] != one.name
    assert with_consensus > alone + 0.1


def test_attribution_progress_changes_nothing(capsys):
    quiet = nb03.attribution()
    assert nb03.attribution(progress=True).equals(quiet)
    assert "attribution" in capsys.readouterr().out  # the bar goes to stdout
    with pytest.raises(TypeError, match="progress"):
        nb03.attribution(progress="yes")


# -- q12 new users -------------------------------------------------------------------------
def test_q12_new_users():
    model, U_new, ref = nb03.old_segmenter(), nb03.new_user_vectors(), nb03.new_user_labels()
    labels, votes = clustering.place_by_neighbours(model, U_new, n_neighbors=15, agreement=0.7)
    assert q12.check(labels).correct
    assert q12.check(list(labels)).correct
    expect(q12, (labels, votes), "labels only")
    permuted = np.where(ref >= 0, (ref + 3) % (ref.max() + 1), -1)  # the same groups, renumbered
    expect(q12, permuted, "afresh")
    expect(q12, model.predict(U_new)[0], "approximate_predict")
    expect(q12, clustering.place_by_neighbours(model, U_new, n_neighbors=15, agreement=0.0)[0], "agreement=0")
    fresh = clustering.ReducedHDBSCAN(min_cluster_size=10, min_samples=10, n_components=10).fit(U_new).labels_
    expect(q12, fresh, "agree")
    expect(q12, labels[:10], "one label per user")


# -- the framework's promises ------------------------------------------------------------
def test_every_exercise_has_three_realistic_mistakes():
    for q in ALL:
        assert len(q.all_mistakes()) >= 3, q.name


def test_references_are_copies():
    first = nb03.segmenter()
    size = first.min_cluster_size
    first.labels_[:] = -1
    first.min_cluster_size = 999
    second = nb03.segmenter()
    assert (second.labels_ >= 0).any() and second.min_cluster_size == size
    assert second is not nb03.segmenter()
    assert q8.check(second.labels_).correct
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
