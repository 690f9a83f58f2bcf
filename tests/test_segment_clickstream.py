"""The pieces notebook 03's pipeline is made of: the generator's knobs, segment_clickstream,
place_by_neighbours, consensus_hdbscan and reading_focus."""

import numpy as np
import pandas as pd
import pytest

from course_utils import clustering, embeddings
from course_utils.data import clickstream
from course_utils.data.clickstream import OVERLAPPING_SEGMENTS, SEGMENTS, make_clickstream


# -- the generator's knobs -------------------------------------------------------------------
def test_catalogue_size_is_what_was_asked():
    for n_pages in (250, 2000, 301):
        pages = clickstream.clickstream_pages(3, n_pages)
        assert len(pages) == n_pages
        assert len({p[0] for p in pages}) == n_pages
    assert len(clickstream.clickstream_pages(11)) == 298  # the shipped catalogue


@pytest.mark.parametrize("knobs, phrase", [
    ({"n_pages": 10}, "n_pages"),
    ({"segments": {"x": {"share": 1.0, "focus": ["gardening"]}}}, "focus must list"),
    ({"segments": {"x": {"share": 1.0}}}, "keys 'share' and 'focus'"),
    ({"casual_share": 1.5}, "casual_share"),
    ({"visits_median": 0}, "visits_median"),
    ({"hub_share": -1}, "hub_share"),
])
def test_bad_knobs_are_refused(knobs, phrase):
    with pytest.raises(ValueError, match=phrase):
        clickstream.clickstream_tables(1, 20, 0, **knobs)


def test_knobs_change_what_they_say():
    events, truth, pages = make_clickstream(5, 600, 0, n_pages=250, segments=OVERLAPPING_SEGMENTS, casual_share=0.3)
    assert set(truth) == set(OVERLAPPING_SEGMENTS)
    assert 0.25 < (truth == "casual").mean() < 0.35
    assert len(pages) == 250 and set(events["page"].dropna()) <= set(pages["page"])
    few, _, _ = make_clickstream(5, 300, 0, visits_median=2.0)
    many, _, _ = make_clickstream(5, 300, 0, visits_median=12.0)
    assert len(few) < 0.6 * len(many)
    no_hubs, _, _ = make_clickstream(5, 300, 0, hub_share=0.0)
    assert not no_hubs["page"].isin(["home", "search"]).any()


def test_make_clickstream_reads_like_the_shipped_files():
    events, truth, pages = make_clickstream(2, 100, 1)
    assert list(events.columns) == ["user_id", "timestamp", "page"]
    assert str(events["user_id"].dtype) == "string" and str(events["page"].dtype) == "string"
    assert pd.api.types.is_datetime64_any_dtype(events["timestamp"])
    assert truth.index.name == "user_id" and set(truth.index) == set(events["user_id"])
    assert (truth == "bot").sum() == 1
    assert list(pages.columns) == ["page", "section", "title"]


# -- segment_clickstream -----------------------------------------------------------------------
@pytest.fixture(scope="module")
def small():
    events, truth, _ = make_clickstream(21, 1200, 0, n_pages=250, segments=SEGMENTS)
    return events, truth


@pytest.fixture(scope="module")
def segmented(small):
    return embeddings.segment_clickstream(small[0], details=True)


def test_segment_clickstream_recovers_the_segments(small, segmented):
    from sklearn.metrics import adjusted_rand_score

    events, truth = small
    labels, details = segmented
    assert isinstance(labels, pd.Series) and labels.index.is_monotonic_increasing
    assert set(labels.index) == set(events["user_id"]) and labels.index.name == "user_id"
    assert pd.api.types.is_integer_dtype(labels) and labels.min() >= -1
    t = truth.reindex(labels.index)
    interested = (t != "casual").to_numpy()
    assert adjusted_rand_score(t[interested], labels[interested]) > 0.85
    assert set(details["how"]) <= {"core", "placed", "split vote", "little evidence", "no vector", "no item"}
    assert (details.loc[details["how"] == "core", "fitted"]).all()
    assert details["segment"].equals(labels)
    assert {"views", "sessions", "items", "focus", "agreement"} <= set(details.columns)


def test_segment_clickstream_is_reproducible_and_order_free(small, segmented):
    events, _ = small
    again = embeddings.segment_clickstream(events.sample(frac=1, random_state=3).reset_index(drop=True))
    assert again.equals(segmented[0])


def test_segment_clickstream_leaves_thin_readers_unplaced(small):
    events, _ = small
    extra = pd.DataFrame({"user_id": ["thin", "lost"], "timestamp": pd.Timestamp("2024-03-05 10:00"),
                          "page": [events["page"].dropna().iloc[0], None]}).astype({"user_id": "string",
                                                                                     "page": "string"})
    labels, details = embeddings.segment_clickstream(pd.concat([events, extra], ignore_index=True), details=True)
    assert labels["thin"] == -1 and details.loc["thin", "how"] == "little evidence"
    assert labels["lost"] == -1 and details.loc["lost", "how"] == "no item"


@pytest.mark.parametrize("kwargs, error, phrase", [
    ({"fit_share": 0}, ValueError, "fit_share"),
    ({"agreement": 1.5}, ValueError, "agreement"),
    ({"min_cluster_share": "2%"}, ValueError, "min_cluster_share"),
    ({"random_state": -1}, ValueError, "random_state"),
    ({"min_items": 0}, ValueError, "min_items"),
    ({"gap": "soon"}, ValueError, "gap"),
    ({"item_col": "article"}, ValueError, "article"),
])
def test_segment_clickstream_refuses_bad_settings(small, kwargs, error, phrase):
    with pytest.raises(error, match=phrase):
        embeddings.segment_clickstream(small[0].head(5000), **kwargs)


def test_segment_clickstream_needs_enough_readers():
    events = pd.DataFrame({"user_id": ["a", "a", "b", "b"], "timestamp": pd.date_range("2024-01-01", periods=4,
                                                                                       freq="min"),
                           "page": ["x", "y", "x", "y"]})
    with pytest.raises(ValueError, match="enough evidence"):
        embeddings.segment_clickstream(events)
    with pytest.raises(ValueError, match="empty"):
        embeddings.segment_clickstream(events.iloc[:0])
    with pytest.raises(TypeError, match="DataFrame"):
        embeddings.segment_clickstream(events.to_numpy())


# -- place_by_neighbours and consensus_hdbscan ------------------------------------------------
@pytest.fixture(scope="module")
def blobs():
    rng = np.random.default_rng(0)
    a = rng.normal([1, 0, 0, 0], 0.05, size=(120, 4))
    b = rng.normal([0, 1, 0, 0], 0.05, size=(120, 4))
    c = rng.normal([0, 0, 1, 0], 0.05, size=(120, 4))
    return np.vstack([a, b, c])


def test_place_by_neighbours_follows_the_vote(blobs):
    model = clustering.ReducedHDBSCAN(min_cluster_size=20, min_samples=5, reduce=None).fit(blobs)
    assert model.n_clusters_ == 3
    near_a, between = [[0.95, 0.05, 0, 0]], [[0.7, 0.7, 0, 0]]
    labels, share = clustering.place_by_neighbours(model, np.array(near_a + between), n_neighbors=60)
    assert labels[0] == model.labels_[0] and share[0] == 1
    assert labels[1] == -1 and share[1] < 0.7  # half its neighbours in a, half in b
    everyone, _ = clustering.place_by_neighbours(model, np.array(between), n_neighbors=60, agreement=0)
    assert everyone[0] >= 0
    assert clustering.place_by_neighbours(model, np.zeros((0, 4)))[0].shape == (0,)


def test_place_by_neighbours_refuses_bad_input(blobs):
    model = clustering.ReducedHDBSCAN(min_cluster_size=20, min_samples=5, reduce=None).fit(blobs)
    with pytest.raises(TypeError, match="ReducedHDBSCAN"):
        clustering.place_by_neighbours("model", blobs)
    with pytest.raises(ValueError, match="not fitted"):
        clustering.place_by_neighbours(clustering.ReducedHDBSCAN(), blobs)
    with pytest.raises(ValueError, match="n_neighbors"):
        clustering.place_by_neighbours(model, blobs, n_neighbors=10_000)
    with pytest.raises(ValueError, match="agreement"):
        clustering.place_by_neighbours(model, blobs, agreement=70)
    with pytest.raises(ValueError, match="columns"):
        clustering.place_by_neighbours(model, blobs[:, :3])


def test_consensus_keeps_the_setting_the_others_agree_with(blobs):
    settings = [{"min_samples": 5}, {"min_samples": 10}, {"min_cluster_size": 200}]
    best, table = clustering.consensus_hdbscan(blobs, settings, reduce=None, min_cluster_size=20)
    assert best.n_clusters_ == 3  # the odd one out (min_cluster_size 200: one merged group or none) loses
    assert list(table["agreement"]) == sorted(table["agreement"], reverse=True)
    assert {"clusters", "noise share", "agreement", "min_samples"} <= set(table.columns)
    with pytest.raises(TypeError, match="at least two"):
        clustering.consensus_hdbscan(blobs, [{"min_samples": 5}], reduce=None)
    with pytest.raises(ValueError, match="not ReducedHDBSCAN parameters"):
        clustering.consensus_hdbscan(blobs, [{"min_sample": 5}, {"min_samples": 5}], reduce=None)


# -- reading_focus ------------------------------------------------------------------------------
def test_reading_focus_is_one_for_one_direction_and_lower_for_two():
    vectors = pd.DataFrame([[1.0, 0.0], [2.0, 0.0], [0.0, 1.0]], index=["a", "b", "c"])
    events = pd.DataFrame({"user_id": ["one", "one", "two", "two"], "page": ["a", "b", "a", "c"]})
    focus = embeddings.reading_focus(events, vectors, idf=pd.Series(1.0, index=["a", "b", "c"]))
    assert focus["one"] == pytest.approx(1.0)
    assert focus["two"] == pytest.approx(np.sqrt(2) / 2)
