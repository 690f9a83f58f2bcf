"""Notebook 03's reference pipeline: clean the log, drop the bots, cut sessions, train
item2vec, embed the users, cluster them with HDBSCAN, and place new users.

Every ``@reference`` function computes once per kernel and hands out a copy
(models included), so changing what you got never changes the reference;
``f.shared()`` is the cached original, for read-only use.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score

from course_utils import clustering, data, embeddings, sessions
from course_utils.course.declare import reference

#: The settings of the notebook's reference pipeline.
BOT_THRESHOLD = 1000  # events in six weeks; the busiest human has a few hundred
GAP = "30min"
W2V = {"vector_size": 32, "window": 5, "epochs": 5, "seed": 0}
SMALL_SESSIONS = 1000
SEGMENTER = {"min_cluster_size": 25, "min_samples": 25, "reduce": "pca", "n_components": 10}
N_NEW_USERS = 500
QUALITY_BAR = 0.8  # ARI on clustered users, and share of non-casual users clustered


# -- the log --------------------------------------------------------------------------
@reference
def raw() -> pd.DataFrame:
    """The shipped page-view log, as loaded."""
    return data.load("clickstream")


@reference
def pages() -> pd.DataFrame:
    """The page catalogue, indexed by page: section and title."""
    return data.load("clickstream_pages").set_index("page")


@reference
def sections() -> pd.Series:
    """page -> section (hub pages have section 'hub')."""
    return pages.shared()["section"]


@reference
def articles() -> list:
    """The page ids of the articles (every page but the hubs)."""
    s = sections.shared()
    return s.index[s != "hub"].tolist()


@reference
def clean() -> pd.DataFrame:
    """The log without exact repeated rows and without rows missing a page."""
    return raw.shared().drop_duplicates().dropna(subset=["page"])


@reference
def views_per_user() -> pd.Series:
    """Events per user in the clean log, bots included."""
    return clean.shared().groupby("user_id").size()


@reference
def bots() -> list:
    """The user ids with more events than any person makes, sorted."""
    views = views_per_user.shared()
    return sorted(views.index[views > BOT_THRESHOLD])


@reference
def humans() -> pd.DataFrame:
    """The clean events without the bots."""
    c = clean.shared()
    return c[~c["user_id"].isin(bots.shared())]


# -- sessions -------------------------------------------------------------------------
def gaps_of(events: pd.DataFrame) -> pd.Series:
    """Seconds since the same user's previous event, sorted by user then time."""
    ordered = events.sort_values(["user_id", "timestamp"], kind="stable")
    return ordered.groupby("user_id")["timestamp"].diff().dt.total_seconds()


@reference
def gaps() -> pd.Series:
    """The gaps of the humans' events (indexed like them, sorted by user then time)."""
    return gaps_of(humans.shared())


@reference
def sessionized() -> pd.DataFrame:
    """The humans' events with a session_id, cut at an inactivity of ``GAP``."""
    return sessions.sessionize(humans.shared(), "user_id", "timestamp", gap=GAP)


@reference
def sequences() -> list:
    """The pages of every session of two views or more, in time order."""
    return sessions.session_sequences(sessionized.shared(), "page", min_length=2)


def sample_sessions(seqs, n: int = SMALL_SESSIONS, seed: int = 0) -> list:
    """``n`` sessions drawn at random (without replacement), as the notebook does."""
    picks = np.random.default_rng(seed).choice(len(seqs), size=n, replace=False)
    return [list(seqs[i]) for i in picks]


# -- embeddings -----------------------------------------------------------------------
@reference
def vectors():
    """Page vectors (gensim KeyedVectors) from every session."""
    return embeddings.train_item2vec(sequences.shared(), **W2V)


@reference
def small_vectors():
    """Page vectors from ``SMALL_SESSIONS`` sessions drawn at random."""
    return embeddings.train_item2vec(sample_sessions(sequences.shared()), **W2V)


@reference
def purity_variants() -> dict:
    """Section purity of the small model: right, and as the usual slips compute it."""
    wv, s, arts = small_vectors.shared(), sections.shared(), articles.shared()
    return {
        "right": embeddings.neighbour_purity(wv, s, k=10, items=arts),
        "hubs": embeddings.neighbour_purity(wv, s, k=10),
        "k5": embeddings.neighbour_purity(wv, s, k=5, items=arts),
        "self": (1 + 9 * embeddings.neighbour_purity(wv, s, k=9, items=arts)) / 10,
    }


@reference
def idf() -> pd.Series:
    """The smoothed idf weight of every page the humans viewed."""
    return embeddings.idf_weights(sessionized.shared(), "user_id", "page")


@reference
def user_vectors() -> pd.DataFrame:
    """One tf-idf weighted vector per user."""
    return embeddings.user_embeddings(sessionized.shared(), vectors.shared(), "user_id", "page", weighting="tfidf")


# -- clusters -------------------------------------------------------------------------
@reference
def segmenter() -> clustering.ReducedHDBSCAN:
    """ReducedHDBSCAN with the ``SEGMENTER`` settings, fitted on the user vectors."""
    return clustering.ReducedHDBSCAN(**SEGMENTER).fit(user_vectors.shared())


@reference
def labels() -> np.ndarray:
    """The reference cluster of every user (-1 for noise), in the order of the user vectors."""
    return segmenter.shared().labels_


@reference
def segments() -> pd.Series:
    """The planted segment of every user of the log, bots included, indexed by user id."""
    return data.load("clickstream_truth").set_index("user_id")["segment"]


@reference
def truth() -> pd.Series:
    """The planted segment of every user in the user vectors (same order)."""
    return segments.shared().reindex(user_vectors.shared().index)


def quality(labels, truth_labels) -> dict:
    """ARI on the clustered users, and the share of users clustered (all, and not casual)."""
    labels = np.asarray(labels)
    t = np.asarray(truth_labels, dtype=object)
    c = labels >= 0
    non_casual = t != "casual"
    return {
        "ari_clustered": float(adjusted_rand_score(t[c], labels[c])) if c.sum() > 1 else float("nan"),
        "ari_all": float(adjusted_rand_score(t, labels)),
        "share_clustered": float(c.mean()),
        "non_casual_clustered": float(c[non_casual].mean()),
        "casual_clustered": float(c[~non_casual].mean()),
        "n_clusters": int(len(set(labels[c].tolist()))),
    }


# -- new users ------------------------------------------------------------------------
def new_user_split(users, n: int = N_NEW_USERS, seed: int = 1) -> tuple:
    """``(old, new)`` user ids: ``n`` users drawn at random play the newcomers."""
    users = pd.Index(users)
    new = users[np.sort(np.random.default_rng(seed).choice(len(users), size=n, replace=False))]
    return users.difference(new, sort=False), new


@reference
def old_segmenter() -> clustering.ReducedHDBSCAN:
    """The segmenter fitted without the new users."""
    old, _ = new_user_split(user_vectors.shared().index)
    return clustering.ReducedHDBSCAN(**SEGMENTER).fit(user_vectors.shared().loc[old])


@reference
def new_user_vectors() -> pd.DataFrame:
    """The new users' vectors, weighted with the old users' idf, in the order of the split."""
    old, new = new_user_split(user_vectors.shared().index)
    ev = sessionized.shared()
    idf_old = embeddings.idf_weights(ev[ev["user_id"].isin(old)], "user_id", "page")
    vecs = embeddings.user_embeddings(ev[ev["user_id"].isin(new)], vectors.shared(), "user_id", "page",
                                      weighting="tfidf", idf=idf_old)
    return vecs.loc[new]


@reference
def new_user_labels() -> np.ndarray:
    """The new users' clusters from the old segmenter, without refitting."""
    return old_segmenter.shared().predict(new_user_vectors.shared())[0]
