"""The clickstream dataset (notebook 03): schema, planted structure and mess, and the
quality bar of the embedding + HDBSCAN pipeline against the planted truth."""

import numpy as np
import pandas as pd
import pytest
from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.metrics import adjusted_rand_score
from sklearn.preprocessing import StandardScaler, normalize

from course_utils import data, sessions
from course_utils.lessons import nb03


@pytest.fixture(scope="module")
def raw():
    return nb03.raw()


@pytest.fixture(scope="module")
def truth():
    return data.load("clickstream_truth").set_index("user_id")["segment"]


def test_schema_and_size(raw, truth):
    pages = data.load("clickstream_pages")
    assert list(raw.columns) == ["user_id", "timestamp", "page"]
    assert pd.api.types.is_datetime64_any_dtype(raw["timestamp"])
    assert len(raw) >= 300_000
    assert 4_500 <= raw["user_id"].nunique() <= 5_500
    weeks = (raw["timestamp"].max() - raw["timestamp"].min()) / pd.Timedelta(weeks=1)
    assert 4 <= weeks <= 8
    assert list(pages.columns) == ["page", "section", "title"] and 250 <= len(pages) <= 350
    assert pages["section"].nunique() - 1 == 8  # eight sections plus the hubs
    assert set(raw["page"].dropna()) <= set(pages["page"])
    assert set(truth.index) == set(raw["user_id"])


def test_planted_mess(raw, truth):
    assert 0.005 < raw.duplicated().mean() < 0.03
    assert 0 < raw["page"].isna().mean() < 0.01
    assert (raw["timestamp"].diff() < pd.Timedelta(0)).mean() > 0.01  # late writes: out of order
    views = raw.groupby("user_id").size()
    bots = truth.index[truth == "bot"]
    assert len(bots) >= 3 and views.loc[bots].min() >= 2_000
    assert views.drop(bots).max() < 1_000  # a clear gap between people and bots


def test_hubs_are_visited_by_nearly_everyone(raw):
    reach = raw.dropna(subset=["page"]).groupby("page")["user_id"].nunique() / raw["user_id"].nunique()
    assert reach["home"] > 0.95 and reach["search"] > 0.8
    assert reach.drop(["home", "search"]).max() < reach["search"]


def test_session_gaps_have_a_clean_valley():
    gaps = nb03.gaps_of(nb03.humans()).dropna()
    assert (gaps.between(1500, 7200, inclusive="neither")).mean() < 1e-4  # 25 min to 2 h: (almost) empty
    assert (gaps <= 1500).mean() > 0.8 and (gaps >= 7200).mean() > 0.05


def test_segments_planted_as_described(truth):
    segments = truth[truth != "bot"].value_counts(normalize=True)
    assert len(segments.drop("casual")) >= 6
    assert {"casual", "tech_business", "sport"} <= set(segments.index)
    assert segments.min() > 0.05


def test_visit_frequency_is_independent_of_segment(truth):
    events = nb03.sessionized()
    visits = sessions.visit_features(events)
    seg = truth.reindex(visits.index)
    medians = visits.groupby(seg)["sessions"].median()
    assert medians.max() / medians.min() < 1.3
    X = StandardScaler().fit_transform(np.log1p(visits))
    labels = KMeans(8, n_init=10, random_state=0).fit_predict(X)
    assert abs(adjusted_rand_score(seg, labels)) < 0.02


def test_sport_readers_form_an_elongated_cloud():
    """Length in neighbour steps: the 95th percentile of pairwise distances over the mean
    distance to the 5 nearest neighbours. A long thin cloud is many steps long; a ball
    of as many points is few (same number of points per segment, so it is fair)."""
    from scipy.spatial.distance import pdist
    from sklearn.neighbors import NearestNeighbors

    U = nb03.user_vectors()
    t = nb03.truth()

    def steps_long(segment):
        X = normalize(U[t == segment].to_numpy())[:390]
        step = NearestNeighbors(n_neighbors=6).fit(X).kneighbors(X)[0][:, 1:].mean()
        return np.percentile(pdist(X), 95) / step

    others = [steps_long(s) for s in sorted(set(t) - {"sport", "casual"})]
    assert steps_long("sport") > 1.4 * max(others)


def test_mixed_segment_reads_two_sections():
    events = nb03.sessionized()
    t = nb03.truth()
    sections = nb03.sections()
    mixed = events[events["user_id"].isin(t.index[t == "tech_business"])]
    share = sections.reindex(mixed["page"]).value_counts(normalize=True)
    assert share["tech"] > 0.3 and share["business"] > 0.3


def test_pipeline_meets_the_bar_and_beats_both_baselines():
    labels = nb03.labels()
    t = nb03.truth()
    q = nb03.quality(labels, t)
    assert q["ari_interested"] >= nb03.ROBUSTNESS_BAR
    assert q["non_casual_clustered"] >= 0.95
    # casual readers are placed, but rarely in an interest segment
    casual = (t == "casual").to_numpy()
    in_interest = np.isin(labels, list(nb03.interest_clusters(labels, t)))
    assert in_interest[casual].mean() < 0.2
    events = nb03.sessionized()
    k = q["n_clusters"]
    visits = sessions.visit_features(events).reindex(t.index)
    labels_visits = KMeans(k, n_init=10, random_state=0).fit_predict(StandardScaler().fit_transform(np.log1p(visits)))
    counts = events.groupby(["user_id", "page"]).size().unstack(fill_value=0).reindex(t.index)
    bag = normalize(TfidfTransformer().fit_transform(counts.to_numpy()))
    labels_bag = KMeans(k, n_init=10, random_state=0).fit_predict(bag)
    for baseline in (labels_visits, labels_bag):
        assert q["ari_interested"] > nb03.quality(baseline, t)["ari_interested"] + 0.1


def test_the_old_pipeline_leaves_readers_with_an_interest_out():
    """HDBSCAN on every reader, the notebook's first version: pure clusters, many interested readers unplaced."""
    q = nb03.quality(nb03.old_segmenter_all().labels_, nb03.truth())
    assert q["ari_clustered"] > 0.95
    assert q["non_casual_clustered"] < 0.95
    assert q["ari_interested"] < nb03.quality(nb03.labels(), nb03.truth())["ari_interested"] - 0.05


def test_one_call_reproduces_the_steps():
    one = nb03.one_call()
    assert one.index.equals(nb03.user_vectors().index)
    assert (one.to_numpy() == nb03.labels()).all()


def test_profile_names_its_axes():
    """The profile table is labelled segment x section (a crosstab left alone says col_0)."""
    labels = pd.Series(nb03.labels(), index=nb03.user_vectors().index)
    profile = nb03.section_profile(nb03.sessionized(), labels, nb03.sections())
    assert profile.index.name == "segment" and profile.columns.name == "section"
    assert "hub" not in profile.columns and set(profile.columns) == set(nb03.sections()) - {"hub"}
    assert np.allclose(profile.sum(axis=1), 1)


def test_new_users_are_placed_in_the_right_segments():
    U_new, labels = nb03.new_user_vectors(), nb03.new_user_labels()
    t = nb03.segments().reindex(U_new.index).to_numpy()
    placed = labels >= 0
    assert placed[t != "casual"].mean() > 0.9
    assert adjusted_rand_score(t[placed], labels[placed]) > 0.8
