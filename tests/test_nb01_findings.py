"""Notebook 01: what its tables show, guarded where an earlier fix could regress."""

import pandas as pd

from course_utils import clustering
from course_utils.lessons import nb01


def test_the_profile_shows_shares_as_percentages_to_one_decimal():
    profile = pd.DataFrame({"size": [2344, 7656], "share": [0.2344, 0.7656], "recency": [12.34, 5.67]},
                           index=pd.Index([0, 1], name="cluster"))
    shown = nb01.profile_table(profile)
    assert list(shown.columns) == ["size", "share %", "recency"]
    assert shown["share %"].tolist() == [23.4, 76.6]  # not 0.2 and 0.8: a share rounded to one decimal
    assert shown["recency"].tolist() == [12.3, 5.7] and shown["size"].tolist() == [2344, 7656]
    assert profile["share"].tolist() == [0.2344, 0.7656]  # the profile itself is left alone


def test_the_notebook_profile_adds_up_to_100_percent():
    k = nb01.chosen_k()
    profile = clustering.profile_clusters(nb01.rfm_table(), nb01.labels(k))
    shown = nb01.profile_table(profile)
    assert shown["share %"].between(0.1, 100).all()
    assert abs(shown["share %"].sum() - 100) <= 0.05 * k
    assert (shown["share %"] == (100 * profile["share"]).round(1)).all()
