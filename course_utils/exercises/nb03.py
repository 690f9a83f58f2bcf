"""Exercises for notebook 03, session embeddings with Word2Vec and HDBSCAN.

q1 clean the log (duplicates, missing pages)   q6 idf weights of the pages
q2 find the bots                               q7 HDBSCAN labels of the users
q3 gaps between a user's events                q8 ARI on the clustered users
q4 the inactivity gap that ends a session      q9 assign new users to the clusters
q5 section purity of the small model's neighbours
"""

from __future__ import annotations

import numbers
from functools import lru_cache

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, adjusted_rand_score, rand_score

from course_utils import clustering, data, embeddings, sessions
from course_utils.checks import ____, Exercise, bind, describe  # noqa: F401 (____ is re-exported)

#: The settings of the notebook's reference pipeline.
BOT_THRESHOLD = 1000  # events in six weeks; the busiest human has a few hundred
GAP = "30min"
W2V = {"vector_size": 32, "window": 5, "epochs": 5, "seed": 0}
SMALL_SESSIONS = 1000
SEGMENTER = {"min_cluster_size": 25, "min_samples": 25, "reduce": "pca", "n_components": 10}
N_NEW_USERS = 500
QUALITY_BAR = 0.8  # ARI on clustered users, and share of non-casual users clustered


# -- reference results, computed once per kernel --------------------------------
@lru_cache(maxsize=1)
def _raw():
    return data.load("clickstream")


def raw() -> pd.DataFrame:
    return _raw().copy()


@lru_cache(maxsize=1)
def _pages():
    return data.load("clickstream_pages").set_index("page")


def sections() -> pd.Series:
    """page -> section (hub pages have section 'hub')."""
    return _pages()["section"].copy()


def articles() -> list:
    s = _pages()["section"]
    return s.index[s != "hub"].tolist()


@lru_cache(maxsize=1)
def _clean():
    return _raw().drop_duplicates().dropna(subset=["page"])


def clean() -> pd.DataFrame:
    return _clean().copy()


@lru_cache(maxsize=1)
def _bots():
    views = _clean().groupby("user_id").size()
    return tuple(sorted(views.index[views > BOT_THRESHOLD]))


def bots() -> list:
    return list(_bots())


@lru_cache(maxsize=1)
def _humans():
    c = _clean()
    return c[~c["user_id"].isin(_bots())]


def humans() -> pd.DataFrame:
    """The clean events without the bots."""
    return _humans().copy()


def gaps_of(events: pd.DataFrame) -> pd.Series:
    """Seconds since the same user's previous event, sorted by user then time."""
    ordered = events.sort_values(["user_id", "timestamp"], kind="stable")
    return ordered.groupby("user_id")["timestamp"].diff().dt.total_seconds()


@lru_cache(maxsize=1)
def _gaps():
    return gaps_of(_humans())


@lru_cache(maxsize=1)
def _sessionized():
    return sessions.sessionize(_humans(), "user_id", "timestamp", gap=GAP)


def sessionized() -> pd.DataFrame:
    return _sessionized().copy()


@lru_cache(maxsize=1)
def _sequences():
    return tuple(tuple(s) for s in sessions.session_sequences(_sessionized(), "page", min_length=2))


def sequences() -> list:
    return [list(s) for s in _sequences()]


def sample_sessions(seqs, n: int = SMALL_SESSIONS, seed: int = 0) -> list:
    """``n`` sessions drawn at random (without replacement), as the notebook does."""
    picks = np.random.default_rng(seed).choice(len(seqs), size=n, replace=False)
    return [list(seqs[i]) for i in picks]


@lru_cache(maxsize=1)
def vectors():
    return embeddings.train_item2vec(sequences(), **W2V)


@lru_cache(maxsize=1)
def small_vectors():
    return embeddings.train_item2vec(sample_sessions(_sequences()), **W2V)


@lru_cache(maxsize=1)
def _idf():
    return embeddings.idf_weights(_sessionized(), "user_id", "page")


@lru_cache(maxsize=1)
def _users():
    return embeddings.user_embeddings(_sessionized(), vectors(), "user_id", "page", weighting="tfidf")


def user_vectors() -> pd.DataFrame:
    return _users().copy()


@lru_cache(maxsize=1)
def _segmenter():
    return clustering.ReducedHDBSCAN(**SEGMENTER).fit(_users())


def segmenter():
    return _segmenter()


@lru_cache(maxsize=1)
def _truth():
    return data.load("clickstream_truth").set_index("user_id")["segment"]


def truth() -> pd.Series:
    """The planted segment of every user in the user vectors (same order)."""
    return _truth().reindex(_users().index).copy()


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


def new_user_split(users, n: int = N_NEW_USERS, seed: int = 1) -> tuple:
    """``(old, new)`` user ids: ``n`` users drawn at random play the newcomers."""
    users = pd.Index(users)
    new = users[np.sort(np.random.default_rng(seed).choice(len(users), size=n, replace=False))]
    return users.difference(new, sort=False), new


@lru_cache(maxsize=1)
def _new_user_reference():
    old, new = new_user_split(_users().index)
    ev = _sessionized()
    old_events = ev[ev["user_id"].isin(old)]
    model = clustering.ReducedHDBSCAN(**SEGMENTER).fit(_users().loc[old])
    idf_old = embeddings.idf_weights(old_events, "user_id", "page")
    new_vectors = embeddings.user_embeddings(ev[ev["user_id"].isin(new)], vectors(), "user_id", "page",
                                             weighting="tfidf", idf=idf_old)
    labels, strengths = model.predict(new_vectors.loc[new])
    return model, new_vectors.loc[new], labels


def _as_ids(answer):
    """User ids from a list, set, Index, array, or a boolean / count Series; else a message."""
    if isinstance(answer, pd.DataFrame):
        if "user_id" in answer.columns:
            return set(answer["user_id"].astype(str)), None
        return set(map(str, answer.index)), None
    if isinstance(answer, pd.Series):
        if pd.api.types.is_bool_dtype(answer):
            return set(map(str, answer.index[answer.to_numpy()])), None
        if pd.api.types.is_numeric_dtype(answer):
            return None, ("That is a Series of numbers (events per user?). Return the user ids of the bots: "
                          "filter it, then take its index.")
        return set(answer.astype(str)), None
    if isinstance(answer, (str, bytes)):
        return {str(answer)}, None
    if isinstance(answer, (list, tuple, set, frozenset, pd.Index, np.ndarray)):
        return set(map(str, np.asarray(list(answer), dtype=object).ravel().tolist())), None
    return None, None


def _as_labels(answer, n: int, what: str = "labels"):
    if isinstance(answer, pd.DataFrame) and answer.shape[1] == 1:
        answer = answer.iloc[:, 0]
    if isinstance(answer, (pd.Series, pd.Index, list, tuple, np.ndarray)):
        arr = np.asarray(answer)
        if arr.ndim != 1:
            return None, f"Expected {what} as one number per user (1-D), got shape {arr.shape}."
        if len(arr) != n:
            return None, f"Expected one label per user ({n}), got {len(arr)}."
        if arr.dtype.kind == "f" and np.isfinite(arr).all() and (arr == np.round(arr)).all():
            arr = arr.astype(int)
        if arr.dtype.kind not in "iu":
            return None, f"Expected whole-number cluster labels (-1 for noise), got dtype {arr.dtype}."
        return arr.astype(int), None
    return None, f"Expected {what} (an array with one label per user), got {describe(answer)}."


# -- q1 ---------------------------------------------------------------------------
class CleanLog(Exercise):
    title = "The clean log: no repeated events, no events without a page"
    expects = "a DataFrame with the columns of raw and fewer rows"
    hints = [
        "Two kinds of mess to remove here: the same event logged twice (every column equal), and "
        "events whose page id was lost.",
        "DataFrame.drop_duplicates() compares whole rows; dropna(subset=[...]) drops rows missing a value.",
        "raw.drop_duplicates().dropna(subset=['page'])",
    ]
    solution_code = """
    events = raw.drop_duplicates().dropna(subset=["page"])
    """

    def reference(self):
        return clean()

    def diagnose(self, answer):
        ref, r = _clean(), _raw()
        if not isinstance(answer, pd.DataFrame):
            return f"Expected {self.expects}, got {describe(answer)}."
        missing = [c for c in ("user_id", "timestamp", "page") if c not in answer.columns]
        if missing:
            return f"Your table has no column {missing}; keep user_id, timestamp and page."
        n = len(answer)
        if n == len(ref):
            if answer["page"].isna().any():
                return "Some events still have no page; drop them (dropna(subset=['page']))."
            if answer[["user_id", "timestamp", "page"]].duplicated().any():
                return "Some events are still there twice; drop exact duplicates."
            return None
        n_dup = int(r.duplicated().sum())
        n_missing_page = int(r["page"].isna().sum())
        if n == len(r):
            return f"Nothing was removed: {n_dup:,} events are logged twice and {n_missing_page:,} have no page."
        if answer["page"].isna().any():
            return (f"{int(answer['page'].isna().sum()):,} events without a page are still there: a view of an "
                    "unknown page cannot teach which pages go together. Drop them.")
        if answer[["user_id", "timestamp", "page"]].duplicated().any():
            return (f"{int(answer[['user_id', 'timestamp', 'page']].duplicated().sum()):,} events are still "
                    "there twice (a logger retry): drop_duplicates().")
        if n == len(r.drop_duplicates(subset=["user_id", "page"]).dropna(subset=["page"])) or n < len(ref):
            return (f"You removed too much: {len(ref) - n:,} real page views are gone. Reading a page again is a "
                    "real event; only rows equal in every column (same user, same second, same page) are "
                    "duplicates. Call drop_duplicates() without subset.")
        return f"Expected {len(ref):,} events after cleaning, got {n:,}."

    def correct_message(self, answer):
        r = _raw()
        n_dup = int(r.duplicated().sum())
        return (f"{n_dup:,} repeated rows and {len(r) - n_dup - len(answer):,} rows without a page removed; "
                f"{len(answer):,} page views left.")


# -- q2 ---------------------------------------------------------------------------
class Bots(Exercise):
    title = "The user ids of the bots (scrapers with thousands of hits)"
    expects = "a list (or Index, or set) of user ids"
    hints = [
        "Count events per user and look at the largest counts: is there a gap between people and machines?",
        "events.groupby('user_id').size().sort_values().tail(10); a threshold in the gap separates them.",
        "views = events.groupby('user_id').size(); bots = views.index[views > 1000].tolist()",
    ]
    solution_code = """
    views = events.groupby("user_id").size()
    bots = views.index[views > 1000].tolist()
    """

    def reference(self):
        return bots()

    def diagnose(self, answer):
        ids, problem = _as_ids(answer)
        if problem:
            return problem
        if ids is None:
            return f"Expected {self.expects}, got {describe(answer)}."
        ref = set(_bots())
        if ids == ref:
            return None
        views = _clean().groupby("user_id").size()
        unknown = ids - set(views.index)
        if unknown:
            return f"{len(unknown)} of your ids are not users of the log (e.g. {sorted(unknown)[:2]})."
        humans_in = sorted(ids - ref)
        missed = sorted(ref - ids)
        if humans_in and not missed:
            busiest = int(views.loc[humans_in].max())
            return (f"You caught every bot but also {len(humans_in)} people (up to {busiest} views). Look at the "
                    "sorted counts: people read a few hundred pages in six weeks, bots thousands. Raise the "
                    "threshold into the gap.")
        if missed and not humans_in:
            return (f"You missed {len(missed)} bot(s); the least busy has {int(views.loc[missed].min()):,} events. "
                    "Lower the threshold into the gap between people and bots.")
        return f"{len(humans_in)} of your ids are people and {len(missed)} bots are missing."

    def correct_message(self, answer):
        views = _clean().groupby("user_id").size()
        b = list(_bots())
        return (f"{len(b)} bots with {int(views.loc[b].sum()):,} events between them; the busiest person has "
                f"{int(views.drop(b).max())}.")


# -- q3 ---------------------------------------------------------------------------
class Gaps(Exercise):
    title = "Seconds since the same user's previous event"
    expects = ("a Series of floats, one per event: seconds since that user's previous event, "
               "NaN for each user's first event")
    hints = [
        "Sort by user, then by time; the previous event of a user is the row above, unless the user changed.",
        "groupby('user_id')['timestamp'].diff() gives Timedeltas; .dt.total_seconds() makes seconds.",
        "events.sort_values(['user_id', 'timestamp']).groupby('user_id')['timestamp'].diff().dt.total_seconds()",
    ]
    solution_code = """
    ordered = events.sort_values(["user_id", "timestamp"])
    gaps = ordered.groupby("user_id")["timestamp"].diff().dt.total_seconds()
    """

    def reference(self):
        return _gaps().copy()

    def diagnose(self, answer):
        ref = _gaps()
        if isinstance(answer, pd.DataFrame) and answer.shape[1] == 1:
            answer = answer.iloc[:, 0]
        if not isinstance(answer, (pd.Series, np.ndarray)):
            return f"Expected {self.expects}, got {describe(answer)}."
        s = pd.Series(np.asarray(answer).ravel())
        if pd.api.types.is_timedelta64_dtype(s):
            s = s.dt.total_seconds()
        if not pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s):
            return f"Expected seconds as numbers, got dtype {s.dtype}."
        if len(s) != len(ref):
            return f"Expected one gap per event ({len(ref):,}), got {len(s):,}."
        values = np.sort(s.dropna().to_numpy(dtype=float))
        want = np.sort(ref.dropna().to_numpy())
        n_users = _humans()["user_id"].nunique()
        if s.isna().sum() <= 1 and len(values) >= len(ref) - 1:
            return (f"Only {int(s.isna().sum())} gap is missing, so the differences run across users: the first "
                    f"event of each of the {n_users:,} users must have no gap. Use groupby('user_id') before diff().")
        if (values < 0).any():
            return ("Some gaps are negative: the events are not in time order within a user (the log has late "
                    "writes). Sort by user and timestamp before taking differences.")
        if len(values) == len(want):
            if np.allclose(values, want):
                return None
            if np.allclose(values * 60, want):
                return "Those are minutes; the question asks for seconds (.dt.total_seconds())."
            if np.allclose(values / 1e9, want):
                return "Those are nanoseconds; use .dt.total_seconds()."
            return "The gaps differ from seconds between consecutive events of the same user."
        return f"Expected {n_users:,} missing gaps (one per user), got {int(s.isna().sum()):,}."

    def correct_message(self, answer):
        g = _gaps().dropna()
        return (f"Median gap {g.median():.0f} s; {(g > 1800).mean():.1%} of gaps are over 30 minutes. Plot "
                "them on a log scale to see two humps: reading and coming back.")


def _n_sessions(gap_seconds: float) -> int:
    g = _gaps()
    return int(_humans()["user_id"].nunique() + (g > gap_seconds).sum())


# -- q4 ---------------------------------------------------------------------------
class SessionGap(Exercise):
    title = "The inactivity gap that ends a session, read off the histogram of gaps"
    expects = "a duration: a string such as '45min' or a pd.Timedelta"
    hints = [
        "On the log-scale histogram the gaps form two humps: pauses while reading (seconds to minutes) "
        "and time between visits (hours to days). The gap belongs in the valley between them.",
        "The longest pause while reading is under half an hour; visits of one user are at least two hours apart.",
        "gap = '30min' is the web-analytics convention and sits in the valley.",
    ]
    solution_code = """
    gap = "30min"
    """

    def reference(self):
        return pd.Timedelta(GAP)

    def diagnose(self, answer):
        if isinstance(answer, bool) or isinstance(answer, numbers.Number):
            return ("A bare number is ambiguous (seconds? minutes?). Give a duration: '45min' or "
                    "pd.Timedelta(minutes=45).")
        if not isinstance(answer, (str, pd.Timedelta, np.timedelta64)) and not hasattr(answer, "total_seconds"):
            return f"Expected {self.expects}, got {describe(answer)}."
        try:
            value = pd.Timedelta(answer)
        except (TypeError, ValueError):
            return f"{answer!r} is not a duration; write it like '45min' or '1h'."
        if pd.isna(value) or value <= pd.Timedelta(0):
            return "The gap must be a positive duration."
        seconds = value.total_seconds()
        want, got = _n_sessions(pd.Timedelta(GAP).total_seconds()), _n_sessions(seconds)
        if abs(got - want) <= 0.001 * want:  # anywhere in the valley: the sessions hardly change
            return None
        if got > want:
            return (f"{value} is too short: it cuts {got - want:,} visits in two at a long read (someone reading "
                    f"one article for 20 minutes), giving {got:,} sessions instead of {want:,}. Move right, into "
                    "the valley.")
        return (f"{value} is too long: it glues {want - got:,} separate visits together ({got:,} sessions instead "
                f"of {want:,}), so pages read hours apart look related. Move left, into the valley.")

    def correct_message(self, answer):
        return (f"{_n_sessions(pd.Timedelta(answer).total_seconds()):,} sessions; any gap in the valley gives "
                "nearly the same ones.")


# -- q5 ---------------------------------------------------------------------------
def _purity_variants():
    wv = small_vectors()
    s = sections()
    arts = articles()
    return {
        "right": embeddings.neighbour_purity(wv, s, k=10, items=arts),
        "hubs": embeddings.neighbour_purity(wv, s, k=10),
        "k5": embeddings.neighbour_purity(wv, s, k=5, items=arts),
        "self": (1 + 9 * embeddings.neighbour_purity(wv, s, k=9, items=arts)) / 10,
    }


class SmallPurity(Exercise):
    title = "Section purity of the small model: share of each article's 10 nearest pages in its section"
    expects = "one number between 0 and 1 (a share, averaged over the articles)"
    hints = [
        "For each article (not home, not search): wv_small.most_similar(page, topn=10) lists its 10 nearest "
        "pages. Count how many share its section, divide by 10, then average over the articles that have "
        "a vector (p in wv_small).",
        "section = sections.to_dict(); np.mean([np.mean([section[q] == section[p] for q, _ in "
        "wv_small.most_similar(p, topn=10)]) for p in article_ids if p in wv_small])",
        "See solution().",
    ]
    solution_code = """
    section = sections.to_dict()
    per_article = [
        np.mean([section[q] == section[p] for q, _ in wv_small.most_similar(p, topn=10)])
        for p in article_ids
        if p in wv_small  # 1,000 sessions do not reach every page
    ]
    purity_small = float(np.mean(per_article))
    """

    def reference(self):
        return _purity_variants()["right"]

    def diagnose(self, answer):
        if isinstance(answer, (pd.Series, list, tuple, np.ndarray)) and not isinstance(answer, str):
            n = len(answer)
            return (f"You returned {n} values (one per article?). Average them into one number with np.mean().")
        if isinstance(answer, bool) or not isinstance(answer, numbers.Number):
            return f"Expected {self.expects}, got {describe(answer)}."
        value = float(answer)
        v = _purity_variants()
        tol = 5e-4  # most_similar and the helper agree to float precision; one swapped neighbour is 3e-4
        if abs(value - v["right"]) < tol:
            return None
        if abs(value / 100 - v["right"]) < tol:
            return "That is a percentage; give the share (between 0 and 1)."
        if abs(value - v["self"]) < tol:
            return "Each article counts itself as a neighbour; most_similar leaves the page itself out, use it."
        if abs(value - v["hubs"]) < tol:
            return ("You averaged over the hub pages too: home and search belong to no section, so their "
                    "neighbours never match. Average over the articles only (article_ids).")
        if abs(value - v["k5"]) < tol:
            return "That is purity with 5 neighbours; the question asks for 10 (topn=10)."
        if not 0 <= value <= 1:
            return "A share lies between 0 and 1."
        return f"{value:.3f} does not match the share of same-section pages among each article's 10 nearest."

    def correct_message(self, answer):
        return (f"Purity {float(answer):.2f} with 1,000 sessions, against about "
                f"{sections().loc[articles()].value_counts(normalize=True).max():.2f} by chance.")


# -- q6 ---------------------------------------------------------------------------
class IdfWeights(Exercise):
    title = "The idf weight of every page: ln((1 + users) / (1 + users who viewed it)) + 1"
    expects = "a Series indexed by page with one positive weight per page"
    hints = [
        "Count users, not views: a user who opened the home page 50 times counts once for it.",
        "events[['user_id', 'page']].drop_duplicates().groupby('page').size() gives the users per page; "
        "events['user_id'].nunique() the users.",
        "n = events['user_id'].nunique(); df = events[['user_id', 'page']].drop_duplicates().groupby('page')"
        ".size(); idf = np.log((1 + n) / (1 + df)) + 1",
    ]
    solution_code = """
    n_users = events["user_id"].nunique()
    users_per_page = events[["user_id", "page"]].drop_duplicates().groupby("page").size()
    idf = np.log((1 + n_users) / (1 + users_per_page)) + 1
    """

    def reference(self):
        return _idf().copy()

    def diagnose(self, answer):
        ref = _idf()
        if isinstance(answer, dict):
            answer = pd.Series(answer)
        if isinstance(answer, pd.DataFrame) and answer.shape[1] == 1:
            answer = answer.iloc[:, 0]
        if not isinstance(answer, pd.Series):
            return f"Expected {self.expects}, got {describe(answer)}."
        if not pd.api.types.is_numeric_dtype(answer) or pd.api.types.is_bool_dtype(answer):
            return f"Expected numbers, got dtype {answer.dtype}."
        s = pd.Series(answer.to_numpy(dtype=float), index=answer.index.astype(str))
        if set(s.index) != set(ref.index):
            if "home" not in s.index and len(s) == len(ref):
                return "The index should be the page ids (groupby('page')), so each weight says which page it is."
            return f"Expected one weight for each of the {len(ref)} pages viewed, got {len(s)} entries."
        s = s.reindex(ref.index)
        if np.allclose(s, ref, rtol=1e-9, atol=1e-12):
            return None
        ev = _sessionized()
        n = ev["user_id"].nunique()
        df_users = ev[["user_id", "page"]].drop_duplicates().groupby("page").size().reindex(ref.index)
        df_views = ev.groupby("page").size().reindex(ref.index)
        with_bots = _clean()
        nb = with_bots["user_id"].nunique()
        df_bots = with_bots[["user_id", "page"]].drop_duplicates().groupby("page").size().reindex(ref.index)
        variants = {
            "views": (np.log((1 + n) / (1 + df_views)) + 1,
                      "You counted views, not users: the home page gets a weight below 1 (even negative). Drop "
                      "duplicate (user, page) pairs before counting."),
            "unsmoothed": (np.log(n / df_users),
                           "That is the unsmoothed idf ln(users / users with page): a page everyone sees gets 0. "
                           "Use ln((1 + n) / (1 + df)) + 1."),
            "no_plus_one": (np.log((1 + n) / (1 + df_users)),
                            "Almost: add 1 so that a page every user sees still counts a little."),
            "log10": (np.log10((1 + n) / (1 + df_users)) + 1, "Use the natural log (np.log), not log10."),
            "bots": (np.log((1 + nb) / (1 + df_bots)) + 1,
                     "Close, but the bots are still in: they view every page and make every page look common. "
                     "Use events, the log without bots."),
        }
        for weights, message in variants.values():
            if np.allclose(s, weights, rtol=1e-9, atol=1e-12):
                return message
        if s.loc["home"] > s.median():
            return "The home page should get one of the smallest weights: nearly every user views it."
        return "The weights differ from ln((1 + users) / (1 + users who viewed the page)) + 1."

    def correct_message(self, answer):
        ref = _idf()
        return (f"home weighs {ref['home']:.2f} and the rarest article {ref.max():.2f}: a view of a rare page "
                "says more about a reader than a view of the home page.")


# -- q7 ---------------------------------------------------------------------------
class HDBSCANLabels(Exercise):
    title = "HDBSCAN labels of the users (-1 for noise) that recover the planted segments"
    expects = "an array with one cluster label per row of U (-1 for noise)"
    hints = [
        "clustering.ReducedHDBSCAN(min_cluster_size=..., min_samples=...).fit(U).labels_",
        "min_cluster_size is the smallest segment worth naming (a few dozen users here); min_samples sets how "
        "much is called noise: too high and most users are noise, too low and noise joins clusters.",
        "clustering.ReducedHDBSCAN(min_cluster_size=25, min_samples=25, reduce='pca', n_components=10).fit(U)"
        ".labels_",
    ]
    solution_code = """
    segmenter = clustering.ReducedHDBSCAN(min_cluster_size=25, min_samples=25, reduce="pca", n_components=10)
    labels = segmenter.fit(U).labels_
    """
    accepted = None  # the learner's last accepted labels (q8 scores them too)

    def reference(self):
        return _segmenter().labels_.copy()

    def diagnose(self, answer):
        if hasattr(answer, "labels_") and not isinstance(answer, (np.ndarray, pd.Series)):
            return "That is the fitted model; give its labels_ (one label per user)."
        t = truth().to_numpy(dtype=object)
        labels, problem = _as_labels(answer, len(t))
        if problem:
            return problem
        if (labels < -1).any():
            return "Cluster labels are -1 (noise) or 0, 1, 2, ..."
        q = quality(labels, t)
        if (labels == -1).all():
            return ("Every user is noise: min_samples (or min_cluster_size) is so large that no region is dense "
                    "enough. Lower them.")
        if q["n_clusters"] == 1:
            return ("One cluster holds everyone who is not noise: the segments merged. Lower min_cluster_size, or "
                    "check that U holds the user vectors.")
        if not (labels == -1).any():
            return (f"No user is noise (-1), so every casual reader was forced into a segment (ARI on all users "
                    f"{q['ari_all']:.2f}). That looks like K-Means; use HDBSCAN, which can say 'none of these'.")
        if q["ari_clustered"] < QUALITY_BAR:
            return (f"The clusters mix the planted segments (ARI on clustered users {q['ari_clustered']:.2f}, "
                    f"below {QUALITY_BAR}); {q['n_clusters']} clusters. Check the min_cluster_size and the "
                    "input: U with tfidf weighting.")
        if q["non_casual_clustered"] < QUALITY_BAR:
            return (f"Too much noise: only {q['non_casual_clustered']:.0%} of the users with a real interest are "
                    f"clustered (aim for {QUALITY_BAR:.0%}). Lower min_samples.")
        self.accepted = labels
        return None

    def correct_message(self, answer):
        q = quality(np.asarray(answer), truth().to_numpy(dtype=object))
        return (f"{q['n_clusters']} clusters; ARI {q['ari_clustered']:.2f} on the {q['share_clustered']:.0%} of "
                f"users clustered; {q['non_casual_clustered']:.0%} of readers with an interest clustered, "
                f"{q['casual_clustered']:.0%} of casual readers.")


# -- q8 ---------------------------------------------------------------------------
class ClusteredARI(Exercise):
    title = "ARI between your clusters and the planted segments, on the users HDBSCAN clustered"
    expects = "one number between -1 and 1"
    hints = [
        "Noise (-1) is not a segment: leave those users out, then compare labels and truth.",
        "clustered = labels >= 0; adjusted_rand_score(truth[clustered], labels[clustered])",
        "See solution().",
    ]
    solution_code = """
    clustered = labels >= 0
    ari_clustered = adjusted_rand_score(truth[clustered], labels[clustered])
    """

    def reference(self):
        return quality(_segmenter().labels_, truth())["ari_clustered"]

    def _candidates(self):
        out = [_segmenter().labels_]
        if q7.accepted is not None:
            out.append(q7.accepted)
        return out

    def diagnose(self, answer):
        if isinstance(answer, (pd.Series, np.ndarray, list, tuple)):
            return f"Expected one number, got {describe(answer)}."
        if isinstance(answer, bool) or not isinstance(answer, numbers.Number):
            return f"Expected {self.expects}, got {describe(answer)}."
        value = float(answer)
        if not np.isfinite(value):
            return f"{answer!r} is not a usable score."
        t = truth().to_numpy(dtype=object)
        for labels in self._candidates():
            if abs(value - quality(labels, t)["ari_clustered"]) < 1e-6:
                return None
        for labels in self._candidates():
            c = labels >= 0
            nc = c & (t != "casual")
            if abs(value - adjusted_rand_score(t, labels)) < 1e-6:
                return ("That ARI counts the noise (-1) as one more cluster and scores every user. The question "
                        "is how pure the clusters are: keep only users with label >= 0.")
            if abs(value - adjusted_rand_score(t[nc], labels[nc])) < 1e-6:
                return ("You also left out the casual readers that HDBSCAN clustered. In real data there is no "
                        "truth to filter on; keep every clustered user.")
            codes = pd.factorize(t[c])[0]
            if abs(value - accuracy_score(codes, labels[c])) < 1e-6:
                return "That compares label numbers directly; cluster 0 need not be segment 0. Use the ARI."
            if abs(value - rand_score(t[c], labels[c])) < 1e-6:
                return "That is the plain Rand index; use the adjusted one."
        if not -1 <= value <= 1:
            return "An ARI lies between -1 and 1."
        return "That does not match adjusted_rand_score(truth[clustered], labels[clustered]) for the labels of q7."

    def correct_message(self, answer):
        return f"ARI {float(answer):.3f} on the clustered users (1 is perfect)."


# -- q9 ---------------------------------------------------------------------------
class NewUserLabels(Exercise):
    title = "Clusters of the 500 new users, from the model fitted without them (no refit)"
    expects = "an array with one label per new user, in the order of new_users"
    hints = [
        "A fitted HDBSCAN can place new points in its existing clusters without changing them: "
        "hdbscan.approximate_predict, wrapped by ReducedHDBSCAN.predict.",
        "Embed the new users with the old users' idf weights (idf=idf_old), then segmenter_old.predict(...).",
        "labels_new, strength_new = segmenter_old.predict(U_new)",
    ]
    solution_code = """
    labels_new, strength_new = segmenter_old.predict(U_new)
    """

    def reference(self):
        return _new_user_reference()[2].copy()

    def diagnose(self, answer):
        if isinstance(answer, tuple) and len(answer) == 2:
            return "predict returns (labels, strengths); give the labels only."
        ref = self.reference()
        labels, problem = _as_labels(answer, len(ref), what="the new users' labels")
        if problem:
            return problem
        agree = float((labels == ref).mean())
        if agree >= 0.98:
            return None
        score = adjusted_rand_score(ref, labels)
        if score > 0.8:
            return (f"The groups look right but the cluster numbers do not match the old model's (only "
                    f"{agree:.0%} agree): you clustered the new users afresh. Use segmenter_old.predict so that "
                    "cluster 3 still means what it meant yesterday.")
        if not (labels == -1).any() and (ref == -1).any():
            return ("No new user is noise. Did you assign each to its nearest cluster? predict leaves users in no "
                    "dense region unassigned (-1).")
        return f"Only {agree:.0%} of the labels agree with segmenter_old.predict on the new users' vectors."

    def correct_message(self, answer):
        ref = self.reference()
        t = _truth().reindex(_new_user_reference()[1].index).to_numpy(dtype=object)
        q = quality(ref, t)
        return (f"{q['share_clustered']:.0%} of the new users placed in an existing cluster; ARI with their "
                f"planted segment {q['ari_clustered']:.2f} on those placed.")


q1 = CleanLog()
q2 = Bots()
q3 = Gaps()
q4 = SessionGap()
q5 = SmallPurity()
q6 = IdfWeights()
q7 = HDBSCANLabels()
q8 = ClusteredARI()
q9 = NewUserLabels()

EXERCISES = bind(globals(), "03")
