"""Notebook 03's pipeline held to clickstreams it was not tuned on.

The grid (tests/robustness_grid.py): the course generator with its knobs, 5 seeds x 2
catalogue sizes x 2 overlap levels, 2,000 readers each; and the independent generator
(tests/heldout_clickstream.py). The score is the ARI over every reader with an interest,
noise counted as one more label. The whole file takes a few minutes on 2 cores (about
four measured under load): most of it is generating the clickstreams and training
Word2Vec on each.
"""

import pandas as pd
import pytest

from course_utils import embeddings
from course_utils.lessons import nb03
from tests import robustness_grid as rg

BAR = nb03.ROBUSTNESS_BAR


@pytest.fixture(scope="module")
def grid_results():
    return rg.run(rg.grid(), {"old defaults": "old", "new defaults": {}})


def test_the_grid_is_the_one_promised():
    names = [name for name, _ in rg.grid()]
    assert len(names) == len(set(names)) == len(rg.SEEDS) * len(rg.SIZES) * len(rg.OVERLAP) >= 20
    assert len(rg.SEEDS) >= 5 and rg.SIZES == (250, 2000) and len(rg.OVERLAP) == 2


def test_new_defaults_hold_over_the_whole_grid(grid_results):
    new = grid_results[grid_results["candidate"] == "new defaults"]
    assert len(new) == 20
    worst, where = rg.worst(grid_results, "new defaults")
    assert worst >= 0.9, f"worst ARI {worst:.3f} on {where}"
    assert new["ari"].median() >= 0.95
    assert new["interested placed"].min() >= 0.95


def test_the_grid_tells_pipelines_apart(grid_results):
    """The old defaults pass on the shipped file but fail somewhere on the grid: the grid can fail a pipeline."""
    worst, _ = rg.worst(grid_results, "old defaults")
    assert worst < BAR
    assert nb03.quality(nb03.old_segmenter_all().labels_, nb03.truth())["ari_interested"] >= BAR


def test_the_summary_the_notebook_quotes_is_what_the_grid_gives(grid_results):
    stored = nb03.robustness().loc["grid"]
    computed = rg.summary(grid_results)
    for pipeline in ("old defaults", "new defaults"):
        for column in ("worst ARI", "median ARI", "interested placed", "casual placed"):
            assert stored.loc[pipeline, column] == pytest.approx(computed.loc[pipeline, column], abs=0.002), (
                pipeline, column)


@pytest.mark.parametrize("seed, n_pages", [(0, 250), (0, 1500), (1, 250), (1, 1500)])
def test_segment_clickstream_on_the_independent_generator(seed, n_pages):
    events, truth = dict(rg.heldout(seeds=(seed,), sizes=(n_pages,)))[f"independent, {n_pages} pages, seed {seed}"]()
    segments = embeddings.segment_clickstream(events)
    assert isinstance(segments, pd.Series) and set(segments.index) == set(events["user_id"])
    score = rg.score(segments, truth)
    assert score["ari"] >= BAR, score
    assert score["interested placed"] >= 0.95
