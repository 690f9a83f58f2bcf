"""Item and user embeddings.

* :func:`train_item2vec`: Word2Vec (skip-gram) on item sequences, such as the
  pages of each visit. Pages read in the same visits get nearby vectors.
* :func:`user_embeddings`: one vector per user, the (weighted) mean of the
  vectors of the items the user touched.
* :func:`idf_weights`: how rare each item is across users; the "tfidf"
  weighting of :func:`user_embeddings` uses it so hub pages count little.
* :func:`neighbour_purity`: share of an item's nearest neighbours that share
  its label (for example its section), a quick sanity check of the vectors.

>>> wv = train_item2vec(sequences, vector_size=32, epochs=10, seed=0)          # doctest: +SKIP
>>> users = user_embeddings(events, wv, "user_id", "page", weighting="tfidf")  # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import numbers
import warnings

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from course_utils.validation import numeric_matrix, require_columns, require_ids, whole_number

WEIGHTINGS = ("mean", "tfidf")


def _stable_hash(text: str) -> int:
    """A hash that is the same in every process (Python's ``hash`` of a string is
    salted per process, which would make gensim's starting vectors differ)."""
    return int.from_bytes(hashlib.blake2b(str(text).encode("utf-8"), digest_size=4).digest(), "little")


def _item_text(item, i, seq) -> str:
    """An item id that is not a string, as text; a missing one is refused."""
    if item is None or item is pd.NA or (isinstance(item, (float, np.floating)) and item != item):
        raise ValueError(f"sequence {i} has a missing item ({list(seq)!r:.60}); drop missing items first "
                         "(session_sequences does), or Word2Vec would learn a page called 'nan'")
    return str(item)


def _check_sequences(sequences) -> list:
    if isinstance(sequences, (str, bytes, pd.DataFrame)) or not hasattr(sequences, "__iter__"):
        raise TypeError(
            f"sequences must be a list of lists of item ids (one list per session), got {type(sequences).__name__}"
        )
    out = []
    for i, seq in enumerate(sequences):
        if isinstance(seq, (str, bytes)) or not hasattr(seq, "__iter__"):
            raise TypeError(
                f"sequence {i} is a {type(seq).__name__} ({seq!r:.40}), not a list of item ids; "
                "give one list per session, e.g. [['home', 'a1203', 'a1877'], ...]"
            )
        seq = [item if type(item) is str else _item_text(item, i, seq) for item in seq]
        if len(seq) >= 2:
            out.append(seq)
    if not out:
        raise ValueError(
            "sequences has no sequence with at least 2 items; Word2Vec learns from items that occur "
            "together, so it needs sessions of 2 or more pages"
        )
    return out


def train_item2vec(
    sequences,
    vector_size: int = 32,
    window: int = 5,
    epochs: int = 5,
    ns_exponent: float = 0.75,
    negative: int = 10,
    min_count: int = 1,
    seed: int = 0,
    workers: int = 1,
):
    """Train skip-gram Word2Vec on item sequences; return the item vectors.

    Parameters
    ----------
    sequences : list of lists of str
        One list per session, items in the order they were seen. Sequences
        shorter than 2 items are skipped; a missing item (None, NaN) is refused.
    vector_size, window, epochs, negative, min_count
        As in :class:`gensim.models.Word2Vec`. ``window`` is how many items on
        each side count as context.
    ns_exponent : float
        Shape of the negative-sampling distribution: 0.75 is the word2vec
        default, 0 samples items uniformly, 1 in proportion to frequency;
        values below 0 favour rare items (useful for recommendations).
    seed : int
        With ``workers=1`` the same seed gives the same vectors in every run.
        More workers train faster but the thread scheduling makes the result
        vary slightly.

    Returns
    -------
    gensim.models.KeyedVectors
        ``wv[item]`` is a vector; ``wv.most_similar(item)`` lists neighbours.
    """
    from gensim.models import Word2Vec

    sequences = _check_sequences(sequences)
    vector_size = whole_number(vector_size, "vector_size", maximum=4096)
    window = whole_number(window, "window", maximum=1000)
    epochs = whole_number(epochs, "epochs", maximum=1000)
    negative = whole_number(negative, "negative", maximum=100)
    min_count = whole_number(min_count, "min_count")
    workers = whole_number(workers, "workers", maximum=256)
    seed = whole_number(seed, "seed", minimum=0, maximum=2**32 - 1)
    if isinstance(ns_exponent, bool) or not isinstance(ns_exponent, numbers.Real) or not -10 <= ns_exponent <= 10:
        raise ValueError(f"ns_exponent must be a number from -10 to 10 such as 0.75, got {ns_exponent!r}")
    counts: dict = {}
    for seq in sequences:
        for item in seq:
            counts[item] = counts.get(item, 0) + 1
    if max(counts.values()) < min_count:
        raise ValueError(
            f"no item occurs at least min_count={min_count} times (the most frequent of the {len(counts)} items "
            f"occurs {max(counts.values())} times); lower min_count"
        )
    model = Word2Vec(
        sentences=sequences,
        vector_size=vector_size,
        window=window,
        epochs=epochs,
        ns_exponent=float(ns_exponent),
        negative=negative,
        min_count=min_count,
        sg=1,
        seed=seed,
        workers=workers,
        hashfxn=_stable_hash,
    )
    return model.wv


def _vector_table(vectors) -> pd.DataFrame:
    """Item vectors as a DataFrame indexed by item id (str)."""
    if isinstance(vectors, pd.DataFrame):
        frame = vectors
        if frame.shape[1] == 0:
            raise ValueError("vectors has no column; give one numeric column per dimension")
        if frame.index.hasnans:
            raise ValueError("vectors has a row with no item id (NaN in the index); drop it")
    elif hasattr(vectors, "index_to_key") and hasattr(vectors, "vectors"):
        frame = pd.DataFrame(np.asarray(vectors.vectors), index=list(vectors.index_to_key))
    else:
        raise TypeError(
            "vectors must be gensim KeyedVectors (what train_item2vec returns) or a DataFrame with one row per "
            f"item, got {type(vectors).__name__}"
        )
    if len(frame) == 0:
        raise ValueError("vectors is empty: no item has a vector")
    values = numeric_matrix(frame, "vectors", bools=False)
    out = pd.DataFrame(values, index=frame.index.astype(str))
    if out.index.has_duplicates:
        dup = out.index[out.index.duplicated()][0]
        raise ValueError(f"vectors has item {dup!r} more than once; give one row per item")
    return out


def idf_weights(events: pd.DataFrame, user_col: str = "user_id", item_col: str = "page") -> pd.Series:
    """Smoothed inverse document frequency of each item over users.

    ``idf(item) = ln((1 + n_users) / (1 + n_users_with_item)) + 1``, the
    formula scikit-learn's ``TfidfTransformer`` uses: an item every user
    touches (a home page) gets about 1, a rare item much more. Users, not
    events, are counted: a hub visited ten times by one user counts once.
    Events with a missing item are ignored.
    """
    require_columns(events, [user_col, item_col], what="events")
    require_ids(events[user_col], user_col, "events", "drop them first")
    require_ids(events[item_col].dropna(), item_col, "events")  # 17 and "17" would become one item
    pairs = pd.DataFrame({"user": events[user_col].to_numpy(), "item": events[item_col].to_numpy()})
    pairs = pairs[pairs["item"].notna().to_numpy()].astype({"item": str})
    if len(pairs) == 0:
        raise ValueError(f"events has no row with a {item_col!r}")
    n_users = pairs["user"].nunique()
    df = pairs.drop_duplicates().groupby("item").size().rename_axis(item_col)
    return (np.log((1 + n_users) / (1 + df)) + 1).rename("idf")


def user_embeddings(
    events: pd.DataFrame,
    vectors,
    user_col: str = "user_id",
    item_col: str = "page",
    weighting: str = "tfidf",
    on_missing: str = "raise",
    idf=None,
) -> pd.DataFrame:
    """One vector per user: the weighted mean of the vectors of their items.

    Parameters
    ----------
    events : DataFrame
        One row per interaction (a page view); repeats count.
    vectors : KeyedVectors or DataFrame
        Item vectors, from :func:`train_item2vec` or a table indexed by item.
    weighting : {"mean", "tfidf"}
        ``"mean"``: every view counts the same, so hub pages everyone visits
        pull all users toward the same point. ``"tfidf"``: each view counts
        ``idf(item)`` (see :func:`idf_weights`), so rare, telling pages weigh
        more.
    idf : Series, optional
        With ``"tfidf"``: the item weights to use, for example those of the
        users a model was fitted on (``idf_weights(train_events)``), so new
        users are weighted the same way. Items it lacks get its largest
        weight (they are rarer than anything seen). By default the weights are
        computed from ``events``.
    on_missing : {"raise", "drop"}
        What to do with a user none of whose items has a vector (all their
        pages were too rare to be trained, say). ``"raise"`` (the default)
        stops and names them; ``"drop"`` leaves them out, warns, and lists them
        in ``result.attrs["users_without_vectors"]``. Views of items without a
        vector are skipped for every user, and counted in
        ``result.attrs["views_without_vector"]``.

    Returns
    -------
    DataFrame
        Index: users (sorted); columns ``dim_0 ...``.
    """
    require_columns(events, [user_col, item_col], what="events")
    if weighting not in WEIGHTINGS:
        raise ValueError(f"weighting must be one of {WEIGHTINGS}, got {weighting!r}")
    if on_missing not in ("raise", "drop"):
        raise ValueError(f"on_missing must be 'raise' or 'drop', got {on_missing!r}")
    table = _vector_table(vectors)
    views = events.loc[events[item_col].notna().to_numpy(), [user_col, item_col]]
    require_ids(views[user_col], user_col, "events", "drop them first")
    if len(views) == 0:
        raise ValueError(f"events has no row with a {item_col!r}")
    items = views[item_col].astype(str)
    covered = items.isin(table.index).to_numpy()
    if not covered.any():
        raise ValueError(
            f"vectors cover none of the {items.nunique()} items in events[{item_col!r}] (e.g. {items.iloc[0]!r}); "
            f"the vectors have items such as {table.index[0]!r}. Were they trained on the same id column?"
        )
    all_users = pd.Index(views[user_col].unique())
    user_codes, users = pd.factorize(views[user_col].to_numpy()[covered], sort=True)
    lost = all_users.difference(users)
    if len(lost) and on_missing == "raise":
        raise ValueError(
            f"{len(lost)} user(s) have no item with a vector (e.g. {list(lost[:3])}); train the vectors on "
            "their sessions too (min_count, min_length), or pass on_missing='drop' to leave them out"
        )
    item_codes = table.index.get_indexer(items.to_numpy()[covered])
    if weighting == "tfidf":
        if idf is None:
            idf = idf_weights(views, user_col, item_col)
        elif not isinstance(idf, pd.Series) or not pd.api.types.is_numeric_dtype(idf) or len(idf) == 0:
            raise TypeError(f"idf must be a non-empty numeric Series indexed by item (see idf_weights), got "
                            f"{type(idf).__name__}")
        elif not (np.isfinite(idf.to_numpy(dtype=float)).all() and (idf > 0).all()):
            raise ValueError("idf weights must be positive, finite numbers")
        idf = pd.Series(idf.to_numpy(dtype=float), index=idf.index.astype(str))
        w = idf.reindex(items.to_numpy()[covered]).fillna(idf.max()).to_numpy()
    else:
        w = np.ones(len(item_codes))
    V = table.to_numpy()
    # users x items matrix of summed weights: one sparse product does every user at once
    W = sparse.csr_matrix((w, (user_codes, item_codes)), shape=(len(users), len(table)))
    sums = W @ V
    totals = np.asarray(W.sum(axis=1)).ravel()
    out = pd.DataFrame(sums / totals[:, None], index=pd.Index(users, name=user_col),
                       columns=[f"dim_{j}" for j in range(V.shape[1])])
    out.attrs["users_without_vectors"] = list(lost)
    out.attrs["views_without_vector"] = int((~covered).sum())
    if len(lost):
        warnings.warn(f"{len(lost)} user(s) left out: none of their items has a vector (e.g. {list(lost[:3])})",
                      UserWarning, stacklevel=2)
    return out


def neighbour_purity(vectors, labels, k: int = 5, items=None) -> float:
    """Mean share of an item's ``k`` nearest neighbours (cosine) that share its label.

    ``labels`` maps item -> label (a Series or dict), for example page ->
    section. Each item that has a vector and a label is a query (pass
    ``items`` to restrict the queries, e.g. to articles); its neighbours are
    searched among *all* items with a vector, as ``wv.most_similar(item,
    topn=k)`` does, and a neighbour without a label counts as a different
    label. An item is never its own neighbour. Chance level is about the share
    of the largest label.
    """
    table = _vector_table(vectors)
    labels = pd.Series(labels, dtype=object) if isinstance(labels, dict) else labels
    if not isinstance(labels, pd.Series):
        raise TypeError(f"labels must be a Series or dict mapping item -> label, got {type(labels).__name__}")
    labels = labels.copy()
    labels.index = labels.index.astype(str)
    labels = labels[labels.notna().to_numpy()]
    repeated = labels.index.duplicated(keep=False)
    if repeated.any():
        conflict = labels[repeated].groupby(level=0).nunique()
        if (conflict > 1).any():
            raise ValueError(f"labels give item {conflict.index[(conflict > 1).to_numpy()][0]!r} more than one label; "
                             "give each item one label")
        labels = labels[~labels.index.duplicated()]
    queries = table.index.intersection(labels.index, sort=False)
    if items is not None:
        if isinstance(items, (str, bytes)) or not hasattr(items, "__iter__"):
            raise TypeError(f"items must be a list of item ids, got {items!r}")
        queries = queries.intersection(pd.Index([str(i) for i in items]), sort=False)
    k = whole_number(k, "k")
    if len(queries) == 0:
        raise ValueError("no item has both a vector and a label; are the labels indexed by item id?")
    if k >= len(table):
        raise ValueError(f"k={k} but only {len(table)} items have a vector; use a smaller k")
    X = table.to_numpy()
    norms = np.linalg.norm(X, axis=1, keepdims=True)
    X = X / np.where(norms == 0, 1, norms)
    rows = table.index.get_indexer(queries)
    sim = X[rows] @ X.T
    sim[np.arange(len(rows)), rows] = -np.inf
    nearest = np.argpartition(-sim, k, axis=1)[:, :k]
    all_labels = labels.reindex(table.index).to_numpy(dtype=object)
    own = labels.loc[queries].to_numpy(dtype=object)
    return float((all_labels[nearest] == own[:, None]).mean())


class QueryEmbedder(BaseEstimator):
    """Vectors for short free-text search queries, robust to typos and new words.

    Character n-grams (2 to 4 letters, within words) weighted by tf-idf, then
    reduced by truncated SVD (latent semantic analysis). A typo changes a few
    n-grams of a word, not the whole word, so "premier leage" lands near
    "premier league"; a word never seen before still shares n-grams with known
    ones. Fit it once (on the first weeks); later weeks only ``transform``, so
    every week's vectors live in the same space.

    It follows scikit-learn's conventions (``get_params``, ``clone``,
    ``NotFittedError`` before ``fit``).
    """

    def __init__(self, n_components: int = 8, ngram_range: tuple = (2, 4), min_df: int = 2, random_state: int = 0):
        self.n_components = n_components
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.random_state = random_state

    @staticmethod
    def _texts(queries, name="queries") -> pd.Series:
        if isinstance(queries, str) or not hasattr(queries, "__iter__"):
            raise TypeError(f"{name} must be a list or Series of strings, got {type(queries).__name__}")
        texts = pd.Series(list(queries), dtype=object)
        bad = texts[~texts.map(lambda q: isinstance(q, str))]
        if len(bad):
            raise ValueError(f"{name} must all be strings; found {len(bad)} other value(s), e.g. {bad.iloc[0]!r}")
        return texts.str.lower().str.strip()

    def fit(self, queries):
        from sklearn.decomposition import TruncatedSVD
        from sklearn.feature_extraction.text import TfidfVectorizer

        texts = self._texts(queries)
        n = whole_number(self.n_components, "n_components")
        ngrams = self.ngram_range
        if (not isinstance(ngrams, (tuple, list)) or len(ngrams) != 2
                or not all(isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in ngrams)
                or not 1 <= ngrams[0] <= ngrams[1]):
            raise ValueError(f"ngram_range must be two whole numbers (low, high) with 1 <= low <= high, got {ngrams!r}")
        min_df = self.min_df
        if isinstance(min_df, float) and 0 < min_df <= 1:
            min_count = min_df * len(texts)
        else:
            min_df = min_count = whole_number(min_df, "min_df (a count, or a share from 0 to 1)")
        whole_number(self.random_state, "random_state", 0)
        if len(texts) < 2 * n:
            raise ValueError(f"only {len(texts)} queries to fit {n} components; give at least {2 * n}")
        if min_count > len(texts):
            raise ValueError(f"min_df={min_df} is more than the {len(texts)} queries; no n-gram could be kept")
        self.vectorizer_ = TfidfVectorizer(analyzer="char_wb", ngram_range=tuple(ngrams), min_df=min_df,
                                           sublinear_tf=True)
        try:
            counts = self.vectorizer_.fit_transform(texts)
        except ValueError as exc:  # e.g. every query empty: no n-gram at all
            raise ValueError(f"the queries give no character n-gram to learn from ({exc}); are they empty?") from exc
        if counts.shape[1] <= n:
            raise ValueError(f"the queries have only {counts.shape[1]} distinct n-grams; use fewer components")
        self.svd_ = TruncatedSVD(n_components=n, random_state=self.random_state).fit(counts)
        return self

    def transform(self, queries) -> np.ndarray:
        check_is_fitted(self, "svd_", msg="This QueryEmbedder is not fitted yet; call fit(queries) first.")
        texts = self._texts(queries)
        if len(texts) == 0:
            return np.zeros((0, self.svd_.n_components))
        return self.svd_.transform(self.vectorizer_.transform(texts))

    def user_vectors(self, search: pd.DataFrame, users=None, user_col: str = "user_id",
                     query_col: str = "query") -> pd.DataFrame:
        """Mean query vector per user (columns ``q_0 ...``), one row per user.

        Pass ``users`` to get exactly those rows: a user without a query gets
        NaN (they said nothing; how to fill is the model's decision, see
        ``dynamic.WeeklySegmenter``), and ``has_query`` says which.
        """
        require_columns(search, [user_col, query_col], what="search")
        require_ids(search[user_col], user_col, "searches", "drop them first")
        check_is_fitted(self, "svd_", msg="This QueryEmbedder is not fitted yet; call fit(queries) first.")
        texts = self._texts(search[query_col], f"search column {query_col!r}")
        matrix = (self.svd_.transform(self.vectorizer_.transform(texts)) if len(texts)
                  else np.zeros((0, self.svd_.n_components)))
        vectors = pd.DataFrame(matrix, index=search[user_col].to_numpy())
        out = vectors.groupby(level=0).mean()
        out.columns = [f"q_{j}" for j in range(out.shape[1])]
        if users is not None:
            if isinstance(users, (str, bytes)) or not hasattr(users, "__iter__"):
                raise TypeError(f"users must be a list or Index of user ids, got {users!r}")
            users = pd.Index(users)
            if users.has_duplicates:
                raise ValueError(f"users lists {users[users.duplicated()][0]!r} more than once; give each user once")
            out = out.reindex(users)
        out.index.name = user_col
        out["has_query"] = out.notna().all(axis=1).astype(float)
        return out


# -- the taught pipeline in one call -------------------------------------------------------------
#: Word2Vec settings of :func:`segment_clickstream` (those of notebook 03).
SEGMENT_W2V = {"vector_size": 32, "window": 5, "epochs": 5}


def _clickstream_user_vectors(events, user_col, time_col, item_col, gap, random_state):
    """Clean, sessionize, train item2vec; return ``(user vectors, evidence per user)``."""
    from course_utils import sessions

    require_columns(events, [user_col, time_col, item_col], what="events")
    log = events[[user_col, time_col, item_col]]
    log = log[log[item_col].notna()].drop_duplicates()
    if log[user_col].isna().any():
        raise ValueError(f"{int(log[user_col].isna().sum())} events have no {user_col!r}; drop them first")
    log = sessions.sessionize(log, user_col, time_col, gap=gap)
    sequences = sessions.session_sequences(log, item_col, time_col=time_col, min_length=2)
    wv = train_item2vec(sequences, seed=random_state, **SEGMENT_W2V)
    with warnings.catch_warnings():  # readers without any vector are reported as -1 below
        warnings.simplefilter("ignore", UserWarning)
        U = user_embeddings(log, wv, user_col, item_col, weighting="tfidf", on_missing="drop")
    g = log.groupby(user_col, sort=True)
    evidence = pd.DataFrame({"views": g.size(), "sessions": g["session_id"].nunique(), "items": g[item_col].nunique()})
    evidence["focus"] = reading_focus(log, wv, user_col, item_col).reindex(evidence.index)
    return U, evidence


def reading_focus(events: pd.DataFrame, vectors, user_col: str = "user_id", item_col: str = "page",
                  idf=None) -> pd.Series:
    """How focused each user's reading is: 1 when every item points the same way, lower when spread.

    The length of the idf-weighted mean of the user's item vectors divided by
    the weighted mean of their lengths (the "resultant length" of directional
    statistics). Items read together have vectors pointing the same way, so a
    reader of one interest scores near 1 and a reader of a little of
    everything scores lower. :func:`user_embeddings` followed by scaling to
    unit length throws exactly this away. A user with one item scores 1: read
    it together with the evidence (how many items and sessions).

    Parameters
    ----------
    events : DataFrame
        One row per view, with ``user_col`` and ``item_col``.
    vectors : KeyedVectors, Word2Vec or DataFrame
        Item vectors (a DataFrame indexed by item).
    user_col, item_col : str
        Column names in ``events``.
    idf : Series, optional
        Item weights, as in :func:`user_embeddings`; by default computed from ``events``.

    Returns
    -------
    Series
        ``focus`` per user, between 0 and 1. Views of items that have no
        vector are skipped, and users none of whose items has a vector are
        left out of the result (as ``user_embeddings(..., on_missing="drop")``
        does, without its warning).
    """
    table = _vector_table(vectors)
    lengths = pd.DataFrame({"length": np.linalg.norm(table.to_numpy(), axis=1)}, index=table.index)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        mean = user_embeddings(events, table, user_col, item_col, weighting="tfidf", on_missing="drop", idf=idf)
        size = user_embeddings(events, lengths, user_col, item_col, weighting="tfidf", on_missing="drop", idf=idf)
    return pd.Series(np.linalg.norm(mean.to_numpy(), axis=1) / size.to_numpy()[:, 0], index=mean.index, name="focus")


#: The settings :func:`segment_clickstream` fits HDBSCAN under; it keeps the one the others agree with most.
SEGMENT_SETTINGS = [{"n_components": nc, "min_samples": ms} for nc in (6, 8, 10) for ms in (5, 10)]


def _segment_users(U, evidence, random_state=0, min_sessions=1, min_items=2, fit_share=0.5,
                   min_cluster_share=0.02, n_neighbors=15, agreement=0.7, settings=None, place=True):
    """Segment user vectors: HDBSCAN on the best-evidenced users, the others placed by their neighbours.

    Returns ``(labels, details, segmenter, settings table)``.
    """
    from course_utils.clustering import consensus_hdbscan, place_by_neighbours

    details = evidence.copy()
    details["has_vector"] = details.index.isin(U.index)
    enough = (details["sessions"] >= min_sessions) & (details["items"] >= min_items) & details["has_vector"]
    # Density is estimated on the users with the most evidence: noisy vectors of thin
    # readers fill the valleys between groups and make HDBSCAN merge them.
    cut = details.loc[enough, "items"].quantile(1 - fit_share) if enough.any() else np.inf
    fitted = enough & (details["items"] >= cut)
    n_fit = int(fitted.sum())
    if n_fit < 2 * max(n_neighbors, 10):
        raise ValueError(f"only {n_fit} users have enough evidence (>= {min_sessions} sessions and >= {min_items} "
                         "items) to estimate the segments on; give a longer log or lower min_sessions/min_items")
    segmenter, table = consensus_hdbscan(
        U.loc[details.index[fitted]], SEGMENT_SETTINGS if settings is None else settings, reduce="pca",
        min_cluster_size=max(5, int(round(min_cluster_share * n_fit))), random_state=random_state)
    labels = pd.Series(-1, index=details.index, name="segment")
    labels[details.index[fitted]] = segmenter.labels_
    core = labels >= 0
    details["fitted"], details["core"] = fitted, core
    details["agreement"] = np.nan
    rest = enough & ~core
    if place and rest.any() and core.sum() >= n_neighbors:
        placed, share = place_by_neighbours(segmenter, U.loc[details.index[rest]], n_neighbors=n_neighbors,
                                            agreement=agreement)
        labels[details.index[rest]] = placed
        details.loc[rest, "agreement"] = share
    details["how"] = np.select(
        [~details["has_vector"], ~enough, core, labels >= 0],
        ["no vector", "little evidence", "core", "placed"], default="split vote")
    details["segment"] = labels
    return labels, details, segmenter, table


def segment_clickstream(events: pd.DataFrame, user_col: str = "user_id", time_col: str = "timestamp",
                        item_col: str = "page", random_state: int = 0, *, gap="30min", min_sessions: int = 1,
                        min_items: int = 2, fit_share: float = 0.5, min_cluster_share: float = 0.02,
                        n_neighbors: int = 15, agreement: float = 0.7, details: bool = False):
    """Segment the users of a clickstream by what they read, in one call.

    The pipeline notebook 03 teaches, with the defaults chosen by their worst
    case over many generated clickstreams (not by the shipped one):

    1. drop exact repeated events and events without an item; cut sessions
       at ``gap`` of inactivity;
    2. train item2vec (skip-gram Word2Vec, 32 dimensions, window 5, 5
       epochs, seeded) on the items of every session of two or more;
    3. one vector per user: the idf-weighted mean of their items' vectors;
    4. evidence: a user with fewer than ``min_sessions`` sessions or
       ``min_items`` distinct items is not placed (-1, too little to go on);
    5. HDBSCAN (unit length, PCA to 6, 8 or 10 dimensions with ``min_samples``
       5 or 10: the six settings of ``SEGMENT_SETTINGS``, keeping the one the
       others agree with most, see :func:`course_utils.clustering.consensus_hdbscan`)
       on the ``fit_share`` of
       users with the most distinct items, ``min_cluster_size`` =
       ``min_cluster_share`` of them: the dense cores of the segments;
    6. every other user with enough evidence joins the cluster most of their
       ``n_neighbors`` nearest core users belong to, if at least
       ``agreement`` of them agree; otherwise -1 (between segments, or no
       interest in particular).

    Robots are not removed: drop them first (users with more events than a
    person makes).

    Parameters
    ----------
    events : DataFrame
        One row per event (a page view), with ``user_col``, ``time_col`` and
        ``item_col``; any order.
    random_state : int
        Seed of Word2Vec and the reduction; the same seed gives the same segments.
    gap, min_sessions, min_items, fit_share, min_cluster_share, min_samples, n_neighbors, agreement
        The settings above; see notebook 03 for what each changes.
    details : bool
        Also return a DataFrame with, per user, the evidence (``views``,
        ``sessions``, ``items``), whether the user was a core member or
        placed (``how``: core, placed, split vote, little evidence, no
        vector) and the neighbours' ``agreement``.

    Returns
    -------
    Series
        The segment of every user of ``events`` (int, -1 for not placed),
        indexed by user and sorted. With ``details=True``: ``(segments, details)``.
    """
    require_columns(events, [user_col, time_col, item_col], what="events")
    seed = whole_number(random_state, "random_state", minimum=0)
    ms, mi = whole_number(min_sessions, "min_sessions"), whole_number(min_items, "min_items")
    for name, value in (("fit_share", fit_share), ("min_cluster_share", min_cluster_share), ("agreement", agreement)):
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 <= value <= 1 or (
                value == 0 and name != "agreement"):
            raise ValueError(f"{name} must be a share from 0 to 1 (above 0 but for agreement), got {value!r}")
    if len(events) == 0:
        raise ValueError("events is empty")
    U, evidence = _clickstream_user_vectors(events, user_col, time_col, item_col, gap, seed)
    labels, table, _, _ = _segment_users(
        U, evidence, random_state=seed, min_sessions=ms, min_items=mi, fit_share=float(fit_share),
        min_cluster_share=float(min_cluster_share), n_neighbors=whole_number(n_neighbors, "n_neighbors"),
        agreement=float(agreement))
    users = pd.Index(events[user_col].dropna().unique()).sort_values()
    labels = labels.reindex(users, fill_value=-1).rename_axis(user_col)  # users whose every event lost its item
    if details:
        table = table.reindex(users)
        table["how"] = table["how"].fillna("no item")
        table["segment"] = labels
        return labels, table
    return labels
