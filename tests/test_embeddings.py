"""course_utils.embeddings: Word2Vec on sequences, user vectors, idf, purity, bad input."""

import json
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from sklearn.feature_extraction.text import TfidfTransformer

from course_utils import embeddings


def _sessions(n=2000, seed=0):
    """Two "sections" of ten pages; a session reads 3 to 6 pages of one section."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        section = "ab"[rng.integers(0, 2)]
        out.append([f"{section}{i}" for i in rng.choice(10, size=rng.integers(3, 7), replace=False)])
    return out


SEQS = _sessions()


def test_sections_learned_and_same_seed_same_vectors():
    wv = embeddings.train_item2vec(SEQS, vector_size=8, epochs=10, seed=3)
    again = embeddings.train_item2vec(SEQS, vector_size=8, epochs=10, seed=3)
    assert np.array_equal(wv.vectors, again.vectors)
    labels = {p: p[0] for p in wv.index_to_key}
    assert embeddings.neighbour_purity(wv, labels, k=5) == 1.0
    other = embeddings.train_item2vec(SEQS, vector_size=8, epochs=10, seed=4)
    assert not np.array_equal(wv.vectors, other.vectors)


def test_vectors_are_the_same_in_another_process():
    # Python salts str hashes per process; gensim seeds each vector from a hash.
    code = ("import json; from course_utils import embeddings; "
            f"wv = embeddings.train_item2vec({SEQS[:20]!r}, vector_size=4, epochs=2, seed=0); "
            "print(json.dumps({k: wv[k].tolist() for k in wv.index_to_key}))")
    outs = []
    for hashseed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=hashseed)
        run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
        outs.append(json.loads(run.stdout.strip().splitlines()[-1]))
    assert outs[0] == outs[1]


@pytest.mark.parametrize(
    "sequences, error, phrase",
    [
        ([], ValueError, "at least 2 items"),
        ([["a"], ["b"]], ValueError, "at least 2 items"),
        ("home sport", TypeError, "list of lists"),
        (["home", "sport"], TypeError, "not a list of item ids"),
        (pd.DataFrame({"page": ["a", "b"]}), TypeError, "list of lists"),
        (None, TypeError, "list of lists"),
    ],
)
def test_bad_sequences(sequences, error, phrase):
    with pytest.raises(error, match=phrase):
        embeddings.train_item2vec(sequences)


@pytest.mark.parametrize(
    "kwargs, phrase",
    [({"vector_size": 0}, "vector_size"), ({"window": 2.5}, "window"), ({"epochs": True}, "epochs"),
     ({"workers": 0}, "workers"), ({"seed": -1}, "seed"), ({"ns_exponent": float("nan")}, "ns_exponent"),
     ({"ns_exponent": "0.75"}, "ns_exponent"), ({"min_count": 1000}, "min_count")],
)
def test_bad_settings(kwargs, phrase):
    with pytest.raises(ValueError, match=phrase):
        embeddings.train_item2vec(SEQS[:20], **kwargs)


@pytest.fixture
def tiny():
    vectors = pd.DataFrame([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], index=["home", "x", "y"])
    events = pd.DataFrame({"user_id": ["u1", "u1", "u1", "u2", "u2", "u3"],
                           "page": ["home", "home", "x", "home", "y", "home"]})
    return events, vectors


def test_mean_weighting_counts_every_view(tiny):
    events, vectors = tiny
    U = embeddings.user_embeddings(events, vectors, weighting="mean")
    assert list(U.index) == ["u1", "u2", "u3"] and list(U.columns) == ["dim_0", "dim_1"]
    np.testing.assert_allclose(U.loc["u1"], [2 / 3, 1 / 3])
    np.testing.assert_allclose(U.loc["u2"], [1.0, 0.5])


def test_tfidf_weighting_by_hand(tiny):
    events, vectors = tiny
    idf = embeddings.idf_weights(events)
    n = 3
    assert idf["home"] == pytest.approx(np.log((1 + n) / (1 + 3)) + 1)
    assert idf["x"] == pytest.approx(np.log((1 + n) / (1 + 1)) + 1)
    U = embeddings.user_embeddings(events, vectors, weighting="tfidf")
    w_home, w_x = idf["home"], idf["x"]
    expected = (2 * w_home * np.array([1, 0]) + w_x * np.array([0, 1])) / (2 * w_home + w_x)
    np.testing.assert_allclose(U.loc["u1"], expected)
    # the rare page pulls harder than under the plain mean
    assert U.loc["u1", "dim_1"] > embeddings.user_embeddings(events, vectors, weighting="mean").loc["u1", "dim_1"]


def test_idf_matches_scikit_learn(tiny):
    events, _ = tiny
    counts = events.groupby(["user_id", "page"]).size().unstack(fill_value=0)
    sk = TfidfTransformer(smooth_idf=True).fit(counts.to_numpy()).idf_
    np.testing.assert_allclose(embeddings.idf_weights(events).reindex(counts.columns), sk)


def test_given_idf_is_used_and_unknown_pages_get_the_largest_weight(tiny):
    events, vectors = tiny
    idf = pd.Series({"home": 1.0, "x": 3.0})  # y unknown: weighs as much as the rarest, 3
    U = embeddings.user_embeddings(events, vectors, weighting="tfidf", idf=idf)
    np.testing.assert_allclose(U.loc["u2"], (1.0 * np.array([1, 0]) + 3.0 * np.array([1, 1])) / 4)
    with pytest.raises(ValueError, match="positive"):
        embeddings.user_embeddings(events, vectors, idf=pd.Series({"home": 0.0}))
    with pytest.raises(TypeError, match="idf must be"):
        embeddings.user_embeddings(events, vectors, idf={"home": 1.0})


def test_user_without_any_vector_is_named_or_dropped(tiny):
    events, vectors = tiny
    events = pd.concat([events, pd.DataFrame({"user_id": ["u4"], "page": ["zzz"]})])
    with pytest.raises(ValueError, match=r"1 user\(s\) have no item with a vector.*u4.*on_missing='drop'"):
        embeddings.user_embeddings(events, vectors)
    with pytest.warns(UserWarning, match="u4"):
        U = embeddings.user_embeddings(events, vectors, on_missing="drop")
    assert "u4" not in U.index and U.attrs["users_without_vectors"] == ["u4"]
    assert U.attrs["views_without_vector"] == 1


def test_vectors_covering_no_page_is_an_error(tiny):
    events, _ = tiny
    other = pd.DataFrame([[1.0, 2.0]], index=["P0001"])
    with pytest.raises(ValueError, match="cover none of the 3 items.*same id column"):
        embeddings.user_embeddings(events, other)


@pytest.mark.parametrize(
    "change, error, phrase",
    [
        (lambda e, v: (e.drop(columns="page"), v), ValueError, "no column 'page'"),
        (lambda e, v: (e, v.to_numpy()), TypeError, "KeyedVectors"),
        (lambda e, v: (e, v.assign(extra="a")), ValueError, "not numeric"),
        (lambda e, v: (e, v.iloc[:0]), ValueError, "empty"),
        (lambda e, v: (e, pd.concat([v, v.iloc[:1]])), ValueError, "more than once"),
        (lambda e, v: (e.assign(page=None), v), ValueError, "no row with a 'page'"),
    ],
)
def test_bad_input_to_user_embeddings(tiny, change, error, phrase):
    events, vectors = change(*tiny)
    with pytest.raises(error, match=phrase):
        embeddings.user_embeddings(events, vectors)


def test_bad_options(tiny):
    events, vectors = tiny
    with pytest.raises(ValueError, match="weighting must be one of"):
        embeddings.user_embeddings(events, vectors, weighting="sum")
    with pytest.raises(ValueError, match="on_missing"):
        embeddings.user_embeddings(events, vectors, on_missing="zero")


def test_purity_by_hand():
    vectors = pd.DataFrame([[1, 0], [0.9, 0.1], [0, 1], [0.1, 0.9], [0.7, 0.7]], index=list("abcde"), dtype=float)
    labels = {"a": "s", "b": "s", "c": "t", "d": "t"}  # e has no label: it counts as a miss
    assert embeddings.neighbour_purity(vectors, labels, k=1) == 1.0
    # with k=2 every item's second neighbour is e: half right
    assert embeddings.neighbour_purity(vectors, labels, k=2) == 0.5
    assert embeddings.neighbour_purity(vectors, labels, k=1, items=["a"]) == 1.0
    with pytest.raises(ValueError, match="k=5"):
        embeddings.neighbour_purity(vectors, labels, k=5)
    with pytest.raises(ValueError, match="no item has both"):
        embeddings.neighbour_purity(vectors, {"zz": "s"}, k=1)
