"""Exercises for notebook 03, session embeddings with Word2Vec and HDBSCAN.

q1 clean the log (duplicates, missing pages)   q7 variance the first 6 principal components keep
q2 find the bots                               q8 HDBSCAN labels of the best-evidenced readers
q3 gaps between a user's events                q9 why place readers by a vote of neighbours (choice)
q4 the inactivity gap that ends a session      q10 ARI over the interested readers (given labels=)
q5 section purity of the small model           q11 judge the attribution table (choice)
q6 idf weights of the pages                    q12 place new users in the segments
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.metrics import accuracy_score, adjusted_rand_score, rand_score

from course_utils import clustering
from course_utils.course import answers
from course_utils.course.answers import AnswerError, id_key
from course_utils.course.checks import ____  # noqa: F401 (re-exported for the notebook)
from course_utils.course.declare import Mistake
from course_utils.course.kinds import ChoiceExercise, NumericExercise, Option, ValueExercise
from course_utils.course.registry import register
from course_utils.lessons import nb03 as lesson

QUALITY_BAR = lesson.QUALITY_BAR
LOG_COLUMNS = ["user_id", "timestamp", "page"]


def _raw():
    return lesson.raw.shared()


def _n_users() -> int:
    return int(lesson.humans.shared()["user_id"].nunique())


def _length(answer):
    """The length of a one-dimensional answer (a Series, an array, a flat list), else None."""
    if not isinstance(answer, (pd.Series, pd.Index, np.ndarray, list, tuple)):
        return None
    try:
        return len(answer) if np.ndim(answer) == 1 else None
    except Exception:
        return None


def _labels(answer, n: int, what: str) -> np.ndarray:
    """One cluster label per user, else an AnswerError that says how many are expected."""
    length = _length(answer)
    if length is not None and length != n:
        raise answers.mismatch(f"one label per user ({n})", f"{length}")
    return answers.labels(answer, n, what)


# -- q1 ---------------------------------------------------------------------------
class _Log(NamedTuple):
    """What q1 judges of a cleaned log."""

    rows: int
    without_page: int
    repeated: int


def _log_facts(frame: pd.DataFrame) -> _Log:
    t = frame[LOG_COLUMNS]
    return _Log(len(t), int(t["page"].isna().sum()), int(t.duplicated().sum()))


def _n_clean() -> int:
    return len(lesson.clean.shared())


class CleanLog(ValueExercise):
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
    mistakes = (
        Mistake("page_missing_left", "Some events still have no page; drop them (dropna(subset=['page'])).",
                when=lambda log: log.rows == _n_clean() and log.without_page > 0,
                example=lambda: pd.concat([lesson.clean().iloc[1:], _raw()[_raw()["page"].isna()].iloc[:1]])),
        Mistake("repeat_left", "Some events are still there twice; drop exact duplicates.",
                when=lambda log: log.rows == _n_clean() and log.repeated > 0,
                example=lambda: pd.concat([lesson.clean().iloc[1:], lesson.clean().iloc[1:2]])),
        Mistake("nothing_removed",
                lambda log: (f"Nothing was removed: {int(_raw().duplicated().sum()):,} events are logged twice and "
                             f"{int(_raw()['page'].isna().sum()):,} have no page."),
                when=lambda log: log.rows == len(_raw()), example=lesson.raw),
        Mistake("pages_missing",
                lambda log: (f"{log.without_page:,} events without a page are still there: a view of an unknown page "
                             "cannot teach which pages go together. Drop them."),
                when=lambda log: log.without_page > 0, example=lambda: _raw().drop_duplicates()),
        Mistake("repeats",
                lambda log: f"{log.repeated:,} events are still there twice (a logger retry): drop_duplicates().",
                when=lambda log: log.repeated > 0, example=lambda: _raw().dropna(subset=["page"])),
        Mistake("removed_too_much",
                lambda log: (f"You removed too much: {_n_clean() - log.rows:,} real page views are gone. Reading a "
                             "page again is a real event; only rows equal in every column (same user, same second, "
                             "same page) are duplicates. Call drop_duplicates() without subset."),
                when=lambda log: log.rows < _n_clean(),
                example=lambda: _raw().drop_duplicates(subset=["user_id", "page"]).dropna(subset=["page"])),
    )

    def reference(self):
        return lesson.clean()

    def convert(self, answer):
        frame = answers.frame(answer, self.expects)
        missing = [c for c in LOG_COLUMNS if c not in frame.columns]
        if missing:
            raise AnswerError(f"Your table has no column {missing}; keep user_id, timestamp and page.")
        if not all(isinstance(frame[c], pd.Series) for c in LOG_COLUMNS):
            raise AnswerError("Your table has a column twice; keep one user_id, one timestamp and one page.")
        try:
            return _log_facts(frame)
        except TypeError:  # unhashable values (lists in a cell) cannot be compared row by row
            raise answers.expected(self.expects, answer) from None

    def accepts(self, log):
        return log.rows == _n_clean() and log.without_page == 0 and log.repeated == 0

    def explain(self, log):
        return f"Expected {_n_clean():,} events after cleaning, got {log.rows:,}."

    def correct_message(self, answer):
        r = _raw()
        n_dup = int(r.duplicated().sum())
        return (f"{n_dup:,} repeated rows and {len(r) - n_dup - len(answer):,} rows without a page removed; "
                f"{len(answer):,} page views left.")


# -- q2 ---------------------------------------------------------------------------
def _views() -> pd.Series:
    """Events per user (bots included), indexed by id key."""
    return lesson.views_per_user.shared().rename(index=id_key)


def _bot_ids() -> set:
    return {id_key(u) for u in lesson.bots.shared()}


def _unknown(ids) -> list:
    return sorted(ids - set(_views().index))


def _people_in(ids) -> list:
    return sorted(ids - _bot_ids())


def _missed(ids) -> list:
    return sorted(_bot_ids() - ids)


def _views_over(threshold):
    views = lesson.views_per_user.shared()
    return views.index[views > threshold].tolist()


class Bots(ValueExercise):
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
    mistakes = (
        Mistake("counts_not_ids",
                "That is a Series of numbers (events per user?). Return the user ids of the bots: filter it, then "
                "take its index.",
                when=lambda a: isinstance(a, pd.Series) and pd.api.types.is_numeric_dtype(a)
                and not pd.api.types.is_bool_dtype(a),
                raw=True, example=lambda: lesson.views_per_user()[lesson.views_per_user() > 1000]),
        Mistake("not_users",
                lambda ids: f"{len(_unknown(ids))} of your ids are not users of the log (e.g. {_unknown(ids)[:2]}).",
                when=lambda ids: bool(_unknown(ids)), example=lambda: ["U99999"]),
        Mistake("people_too",
                lambda ids: (f"You caught every bot but also {len(_people_in(ids))} people (up to "
                             f"{int(_views().loc[_people_in(ids)].max())} views). Look at the sorted counts: "
                             "people read a few hundred pages in six weeks, bots thousands. Raise the threshold into "
                             "the gap."),
                when=lambda ids: bool(_people_in(ids)) and not _missed(ids), example=lambda: _views_over(400)),
        Mistake("missed_bots",
                lambda ids: (f"You missed {len(_missed(ids))} bot(s); the least busy has "
                             f"{int(_views().loc[_missed(ids)].min()):,} events. Lower the threshold into the gap "
                             "between people and bots."),
                when=lambda ids: bool(_missed(ids)) and not _people_in(ids), example=lambda: _views_over(4500)),
    )

    def reference(self):
        return lesson.bots()

    def convert(self, answer):
        if isinstance(answer, pd.DataFrame) and "user_id" in answer.columns:
            answer = answer["user_id"]  # the bots' rows of the log: their user ids
        return answers.ids(answer, self.expects)

    def accepts(self, ids):
        return ids == _bot_ids()

    def explain(self, ids):
        return f"{len(_people_in(ids))} of your ids are people and {len(_missed(ids))} bots are missing."

    def correct_message(self, answer):
        views = lesson.views_per_user.shared()
        b = lesson.bots.shared()
        return (f"{len(b)} bots with {int(views.loc[b].sum()):,} events between them; the busiest person has "
                f"{int(views.drop(b).max())}.")


# -- q3 ---------------------------------------------------------------------------
def _gaps() -> pd.Series:
    return lesson.gaps.shared()


def _same_values(s: pd.Series) -> bool:
    """The same gaps as the reference in some order (NaN included)."""
    a, b = s.to_numpy(dtype=float), _gaps().to_numpy(dtype=float)
    return bool(np.isnan(a).sum() == np.isnan(b).sum() and np.allclose(np.sort(a[~np.isnan(a)]),
                                                                         np.sort(b[~np.isnan(b)])))


def _rows_matching(s: pd.Series) -> int:
    """How many rows hold the reference's gap (or, like it, none)."""
    return int(np.isclose(s.to_numpy(dtype=float), _gaps().to_numpy(dtype=float), equal_nan=True).sum())


def _on_event_rows(s: pd.Series) -> pd.Series:
    """``s`` aligned with the reference gaps, row by row, on the events' index.

    The events are those of the log: the index of raw, or, when the learner reset
    it on the way (q1 accepts that), the position in the clean log, in the
    humans' log, or in the humans' log sorted by user then time. Of the readings
    that fit the index, the one closest to the reference is taken.
    """
    ref = _gaps()
    idx = s.index
    if idx.equals(ref.index):
        return s
    if not idx.is_unique or not pd.api.types.is_integer_dtype(idx) or (len(idx) and idx.min() < 0):
        return answers.aligned(s, ref.index, "your gaps")
    readings = []
    if ref.index.isin(idx).all():
        readings.append(s.reindex(ref.index))  # the events' own labels, in any row order
    positions = idx.to_numpy()
    for events in (lesson.humans.shared().index, ref.index, lesson.clean.shared().index):
        if len(positions) and positions.max() < len(events):
            relabelled = s.set_axis(events[positions])
            if ref.index.isin(relabelled.index).all():
                readings.append(relabelled.reindex(ref.index))
    if not readings:
        return answers.aligned(s, ref.index, "your gaps")
    return max(readings, key=_rows_matching)


class Gaps(ValueExercise):
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
    mistakes = (
        Mistake("across_users",
                lambda s: (f"Only {int(s.isna().sum())} gap is missing, so the differences run across users: the "
                           f"first event of each of the {_n_users():,} users must have no gap. Use "
                           "groupby('user_id') before diff()."),
                when=lambda s: s.isna().sum() <= 1 and s.notna().sum() >= len(_gaps()) - 1,
                example=lambda: lesson.humans().sort_values("timestamp")["timestamp"].diff().dt.total_seconds()),
        Mistake("unsorted",
                "Some gaps are negative: the events are not in time order within a user (the log has late writes). "
                "Sort by user and timestamp before taking differences.",
                when=lambda s: bool((s < 0).any()),
                example=lambda: lesson.humans().groupby("user_id")["timestamp"].diff().dt.total_seconds()),
        Mistake("minutes", "Those are minutes; the question asks for seconds (.dt.total_seconds()).",
                wrong=lambda: lesson.gaps() / 60),
        Mistake("nanoseconds", "Those are nanoseconds; use .dt.total_seconds().",
                wrong=lambda: lesson.gaps() * 1e9),
        Mistake("rows_mixed_up",
                "Your gaps have the right values, but they do not belong to their rows: each gap must sit on the row "
                "of its event. Keep the index of the events (a Series from groupby().diff() keeps it); an array "
                "must follow the events sorted by user, then time.",
                when=_same_values, example=lambda: np.sort(lesson.gaps().to_numpy())),
    )

    def reference(self):
        return lesson.gaps()

    def convert(self, answer):
        ref = _gaps()
        if isinstance(answer, pd.DataFrame) and answer.shape[1] == 1:
            answer = answer.iloc[:, 0]
        if not isinstance(answer, (pd.Series, np.ndarray)):
            raise answers.expected(self.expects, answer)
        s = answer.copy() if isinstance(answer, pd.Series) else pd.Series(np.ravel(answer))
        if pd.api.types.is_timedelta64_dtype(s):
            s = s.dt.total_seconds()
        if not pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s) or pd.api.types.is_complex_dtype(s):
            raise answers.mismatch("seconds as numbers", f"dtype {s.dtype}")
        if len(s) != len(ref):
            raise answers.mismatch(f"one gap per event ({len(ref):,})", f"{len(s):,}")
        s = s.astype(float)
        if not isinstance(answer, pd.Series):
            return s.set_axis(ref.index)  # an array follows the events sorted by user, then time
        return _on_event_rows(s)

    def same(self, value, other):  # row by row; a NaN (a user's first event) only matches a NaN
        return bool(np.allclose(value.to_numpy(dtype=float), other.to_numpy(dtype=float), equal_nan=True))

    def accepts(self, value):
        return self.same(value, _gaps())

    def explain(self, s):
        if int(s.isna().sum()) == int(_gaps().isna().sum()):
            return "The gaps differ from seconds between consecutive events of the same user."
        return f"Expected {_n_users():,} missing gaps (one per user), got {int(s.isna().sum()):,}."

    def correct_message(self, answer):
        g = _gaps().dropna()
        return (f"Median gap {g.median():.0f} s; {(g > 1800).mean():.1%} of gaps are over 30 minutes. Plot "
                "them on a log scale to see two humps: reading and coming back.")


# -- q4 ---------------------------------------------------------------------------
def _n_sessions(gap: pd.Timedelta) -> int:
    """Sessions of the humans' log cut at ``gap``: one per user, plus one per longer gap."""
    return int(_n_users() + (_gaps() > gap.total_seconds()).sum())


def _reference_sessions() -> int:
    return _n_sessions(pd.Timedelta(lesson.GAP))


def _extra_sessions(gap: pd.Timedelta) -> int:
    return _n_sessions(gap) - _reference_sessions()


def _bare_number(a) -> bool:
    return isinstance(a, (int, float, np.integer, np.floating)) and not isinstance(a, (bool, np.timedelta64))


class SessionGap(ValueExercise):
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
    mistakes = (
        Mistake("bare_number",
                "A bare number is ambiguous (seconds? minutes?). Give a duration with a unit: '45min' or "
                "pd.Timedelta(minutes=45).",
                when=_bare_number, raw=True, example=lambda: 30),
        Mistake("too_short",
                lambda gap: (f"{gap} is too short: it cuts {_extra_sessions(gap):,} visits in two at a long read "
                             f"(someone reading one article for 20 minutes), giving {_n_sessions(gap):,} sessions "
                             f"instead of {_reference_sessions():,}. Move right, into the valley."),
                when=lambda gap: _extra_sessions(gap) > 0, example=lambda: "10min"),
        Mistake("too_long",
                lambda gap: (f"{gap} is too long: it glues {-_extra_sessions(gap):,} separate visits together "
                             f"({_n_sessions(gap):,} sessions instead of {_reference_sessions():,}), "
                             "so pages read hours apart look related. Move left, into the valley."),
                when=lambda gap: _extra_sessions(gap) < 0, example=lambda: "6h"),
    )

    def reference(self):
        return pd.Timedelta(lesson.GAP)

    def convert(self, answer):
        if isinstance(answer, (pd.Series, pd.DataFrame, pd.Index, np.ndarray, list, tuple)):
            raise answers.expected(self.expects, answer)  # (answers.duration would say "one a duration")
        return answers.duration(answer, self.expects)

    def precheck(self, gap):
        if gap <= pd.Timedelta(0):
            return "The gap must be a positive duration."
        return None

    def accepts(self, gap):
        # Anywhere in the valley the sessions hardly change.
        return abs(_extra_sessions(gap)) <= 0.001 * _reference_sessions()

    def correct_message(self, answer):
        return (f"{_n_sessions(answers.duration(answer)):,} sessions; any gap in the valley gives "
                "nearly the same ones.")


# -- q5 ---------------------------------------------------------------------------
def _purity(variant: str) -> float:
    return lesson.purity_variants.shared()[variant]


class SmallPurity(NumericExercise):
    title = "Section purity of the small model: share of each article's 10 nearest pages in its section"
    expects = "one number between 0 and 1 (a share, averaged over the articles)"
    tolerance = 5e-4  # most_similar and the helper agree to float precision; one swapped neighbour is 3e-4
    share = True
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
    mistakes = (
        Mistake("per_article",
                lambda a: f"You returned {len(a)} values (one per article?). Average them into one number with "
                          "np.mean().",
                when=lambda a: isinstance(a, (pd.Series, list, tuple, np.ndarray)) and np.ndim(a) >= 1,
                raw=True, example=lambda: [_purity("right")] * 3),
        Mistake("self_included",
                "Each article counts itself as a neighbour; most_similar leaves the page itself out, use it.",
                wrong=lambda: _purity("self")),
        Mistake("hubs_included",
                "You averaged over the hub pages too: home and search belong to no section, so their "
                "neighbours never match. Average over the articles only (article_ids).",
                wrong=lambda: _purity("hubs")),
        Mistake("five_neighbours", "That is purity with 5 neighbours; the question asks for 10 (topn=10).",
                wrong=lambda: _purity("k5")),
    )

    def reference(self):
        return _purity("right")

    def explain(self, value):
        if not 0 <= value <= 1:
            return "A share lies between 0 and 1."
        return f"{value:.3f} does not match the share of same-section pages among each article's 10 nearest."

    def correct_message(self, answer):
        chance = lesson.sections.shared().loc[lesson.articles.shared()].value_counts(normalize=True).max()
        return f"Purity {float(answer):.2f} with 1,000 sessions, against about {chance:.2f} by chance."


# -- q6 ---------------------------------------------------------------------------
def _idf() -> pd.Series:
    return lesson.idf.shared()


def _users_per_page(events: pd.DataFrame) -> pd.Series:
    return events[["user_id", "page"]].drop_duplicates().groupby("page").size().reindex(_idf().index)


def _idf_variant(variant: str) -> pd.Series:
    """The idf as the usual slips compute it, from the log without bots (or with them)."""
    ev = lesson.sessionized.shared()
    n = ev["user_id"].nunique()
    df = _users_per_page(ev)
    if variant == "views":
        return np.log((1 + n) / (1 + ev.groupby("page").size().reindex(_idf().index))) + 1
    if variant == "unsmoothed":
        return np.log(n / df)
    if variant == "no_plus_one":
        return np.log((1 + n) / (1 + df))
    if variant == "log10":
        return np.log10((1 + n) / (1 + df)) + 1
    if variant == "inverted":
        return np.log((1 + df) / (1 + n)) + 1
    assert variant == "bots", variant
    with_bots = lesson.clean.shared()
    return np.log((1 + with_bots["user_id"].nunique()) / (1 + _users_per_page(with_bots))) + 1


class IdfWeights(ValueExercise):
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
    #: float32 and 6 decimals are the same weights; the nearest slip (bots left in) is 0.07 away somewhere.
    rtol, atol = 1e-6, 1e-6
    mistakes = (
        Mistake("views",
                "You counted views, not users: the home page gets a weight below 1 (even negative). Drop "
                "duplicate (user, page) pairs before counting.",
                wrong=lambda: _idf_variant("views")),
        Mistake("unsmoothed",
                "That is the unsmoothed idf ln(users / users with page): a page everyone sees gets 0. "
                "Use ln((1 + n) / (1 + df)) + 1.",
                wrong=lambda: _idf_variant("unsmoothed")),
        Mistake("no_plus_one", "Almost: add 1 so that a page every user sees still counts a little.",
                wrong=lambda: _idf_variant("no_plus_one")),
        Mistake("log10", "Use the natural log (np.log), not log10.", wrong=lambda: _idf_variant("log10")),
        Mistake("bots",
                "Close, but the bots are still in: they view every page and make every page look common. "
                "Use events, the log without bots.",
                wrong=lambda: _idf_variant("bots")),
        Mistake("home_heavy", "The home page should get one of the smallest weights: nearly every user views it.",
                when=lambda s: s.loc["home"] > s.median(), example=lambda: _idf_variant("inverted")),
    )

    def reference(self):
        return lesson.idf()

    def convert(self, answer):
        ref = _idf()
        s = answers.series(answer, self.expects)
        if not pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s) or pd.api.types.is_complex_dtype(s):
            raise answers.mismatch("numbers", f"dtype {s.dtype}")
        keys = {id_key(p) for p in s.index}
        if keys != set(ref.index):
            if "home" not in keys and len(s) == len(ref):
                raise AnswerError("The index should be the page ids (groupby('page')), so each weight says which "
                                  "page it is.")
            raise answers.mismatch(f"one weight for each of the {len(ref)} pages viewed", f"{len(s)} entries")
        return answers.aligned(s.astype(float), ref.index, "your weights")

    def same(self, value, other):
        return bool(np.allclose(value.to_numpy(dtype=float), other.to_numpy(dtype=float), rtol=self.rtol,
                                atol=self.atol))

    def accepts(self, value):
        return self.same(value, _idf())

    def explain(self, value):
        return "The weights differ from ln((1 + users) / (1 + users who viewed the page)) + 1."

    def correct_message(self, answer):
        ref = _idf()
        return (f"home weighs {ref['home']:.2f} and the rarest article {ref.max():.2f}: a view of a rare page "
                "says more about a reader than a view of the home page.")


# -- q7 ---------------------------------------------------------------------------
def _components(n: int) -> float:
    return float(np.cumsum(lesson.pca_variance.shared())[n - 1])


class VarianceKept(NumericExercise):
    title = "Share of the variance of the unit-length reader vectors kept by the first 6 principal components"
    expects = "one number between 0 and 1 (a share of the variance)"
    tolerance = 5e-4
    share = True
    hints = [
        "Scale each reader's vector to unit length (normalize), fit a PCA, and add up the explained variance "
        "ratios of its first components.",
        "PCA().fit(normalize(U.to_numpy())).explained_variance_ratio_ lists one share per component, largest first.",
        "PCA(random_state=0).fit(normalize(U.to_numpy())).explained_variance_ratio_[:6].sum()",
    ]
    solution_code = """
    kept = PCA(random_state=0).fit(normalize(U.to_numpy())).explained_variance_ratio_[:6].sum()
    """
    mistakes = (
        Mistake("not_unit_length",
                "That is the PCA of the vectors as they are. The clustering scales each reader's vector to unit "
                "length first (normalize(U)), so that only the direction counts; do the same.",
                wrong=lambda: lesson.variance_kept(lesson.N_KEPT, unit=False)),
        Mistake("sixth_only",
                "That is the share of the sixth component alone; the question asks what the first six keep "
                "together (add them up, or take the running total).",
                wrong=lambda: float(lesson.pca_variance.shared()[lesson.N_KEPT - 1])),
        Mistake("seven",
                "That is what the first seven keep: cumsum()[6] is the seventh running total (counting from 0). "
                "Take cumsum()[5], or ratios[:6].sum().",
                wrong=lambda: _components(lesson.N_KEPT + 1)),
        Mistake("five", "That is what the first five keep; the question asks for six.",
                wrong=lambda: _components(lesson.N_KEPT - 1)),
    )

    def reference(self):
        return _components(lesson.N_KEPT)

    def explain(self, value):
        return "That is not the sum of the first 6 explained variance ratios of the unit-length vectors."

    def correct_message(self, answer):
        return (f"Six components keep {_components(6):.1%}; ten keep {_components(10):.1%}. The rest is fine detail "
                "and noise.")


# -- q8 ---------------------------------------------------------------------------
def _fit_truth() -> np.ndarray:
    return lesson.segments.shared().reindex(lesson.fit_users.shared()).to_numpy(dtype=object)


def _fit_quality(labels) -> dict:
    return lesson.quality(labels, _fit_truth())


def _n_fit() -> int:
    return len(lesson.fit_users.shared())


def _first_try_labels() -> np.ndarray:
    return lesson.first_try.shared().labels_


class CoreLabels(ValueExercise):
    title = "HDBSCAN labels of the readers with the most evidence (-1 for noise) that recover the planted segments"
    expects = "an array with one cluster label per row of U_fit (-1 for noise)"
    hints = [
        "clustering.ReducedHDBSCAN(min_cluster_size=..., min_samples=...).fit(U_fit).labels_",
        "min_cluster_size is the smallest segment worth naming (use the min_cluster_size computed above); "
        "min_samples sets how much is called noise: too high and most readers are noise.",
        "clustering.ReducedHDBSCAN(min_cluster_size=min_cluster_size, min_samples=10, reduce='pca', "
        "n_components=10).fit(U_fit).labels_",
    ]
    solution_code = """
    first_try = clustering.ReducedHDBSCAN(min_cluster_size=min_cluster_size, min_samples=10, reduce="pca",
                                          n_components=10)
    labels_fit = first_try.fit(U_fit).labels_
    """
    mistakes = (
        Mistake("fitted_model", "That is the fitted model; give its labels_ (one label per row of U_fit).",
                when=lambda a: hasattr(a, "labels_") and not isinstance(a, (np.ndarray, pd.Series)),
                raw=True, example=lesson.first_try),
        Mistake("every_reader",
                lambda a: (f"You clustered every reader ({len(a):,} labels); this step clusters the "
                           f"{_n_fit():,} readers of U_fit, those with the most evidence. The others are "
                           "placed afterwards."),
                when=lambda a: _length(a) == len(_truth()) and len(_truth()) != _n_fit(), raw=True,
                example=lambda: lesson.old_segmenter_all.shared().labels_),
        Mistake("all_noise",
                "Every reader is noise: min_samples (or min_cluster_size) is so large that no region is dense "
                "enough. Lower them.",
                when=lambda labels: bool((labels == -1).all()), example=lambda: np.full(_n_fit(), -1)),
        Mistake("one_cluster",
                "One cluster holds everyone who is not noise: the segments merged. Lower min_cluster_size, or "
                "check that you clustered U_fit.",
                when=lambda labels: _fit_quality(labels)["n_clusters"] == 1,
                example=lambda: np.where(_first_try_labels() == 0, 0, -1)),
        Mistake("no_noise",
                lambda labels: ("No reader is noise (-1), so every reader was forced into a segment. That looks "
                                "like K-Means; use HDBSCAN, which can say 'none of these'."),
                when=lambda labels: not (labels == -1).any(),
                example=lambda: KMeans(8, n_init=3, random_state=0).fit_predict(
                    lesson.user_vectors.shared().loc[lesson.fit_users.shared()])),
        Mistake("segments_mixed",
                lambda labels: (f"The clusters mix the planted segments (ARI on clustered readers "
                                f"{_fit_quality(labels)['ari_clustered']:.2f}, below {QUALITY_BAR}; "
                                f"{_fit_quality(labels)['n_clusters']} clusters). min_cluster_size may be larger than "
                                "the smallest segment: use the one computed above."),
                when=lambda labels: _fit_quality(labels)["ari_clustered"] < QUALITY_BAR,
                example=lambda: np.where(_first_try_labels() >= 0, _first_try_labels() % 3, -1)),
        Mistake("too_much_noise",
                lambda labels: (f"Too much noise: only {_fit_quality(labels)['share_clustered']:.0%} of these readers "
                                "are clustered, and they are the ones with the most evidence. Lower min_samples."),
                when=lambda labels: _fit_quality(labels)["share_clustered"] < 0.5,
                example=lambda: np.where(np.isin(_first_try_labels(), [0, 1, 2]), -1, _first_try_labels())),
    )

    def reference(self):
        return lesson.first_try().labels_

    def convert(self, answer):
        return _labels(answer, _n_fit(), "cluster labels")

    def precheck(self, labels):
        if (labels < -1).any():
            return "Cluster labels are -1 (noise) or 0, 1, 2, ..."
        return None

    def accepts(self, labels):
        q = _fit_quality(labels)
        return bool((labels == -1).any() and q["n_clusters"] > 1 and q["ari_clustered"] >= QUALITY_BAR
                    and q["share_clustered"] >= 0.5)

    def correct_message(self, answer):
        q = _fit_quality(self.convert(answer))
        return (f"{q['n_clusters']} clusters; ARI {q['ari_clustered']:.2f} on the {q['share_clustered']:.0%} of these "
                f"readers clustered; {q['casual_clustered']:.0%} of the casual readers among them clustered.")


# -- q9 ---------------------------------------------------------------------------
class WhyNeighbours(ChoiceExercise):
    question = """Why does the pipeline place the readers HDBSCAN did not see by a vote of their nearest
    clustered neighbours, rather than with HDBSCAN's approximate_predict?"""
    options = {
        "a": Option("approximate_predict refits HDBSCAN, which renumbers the clusters",
                    feedback="No: approximate_predict leaves the fitted clusters as they are; that is its point."),
        "b": Option("approximate_predict only places a point that falls inside a dense region; readers with "
                    "little evidence mostly fall between them and would stay noise, though most have a clear "
                    "nearest segment",
                    correct=True,
                    feedback="Right: it places a point as if it had been in the data, so thin readers in the "
                             "valleys stay noise. The vote places them when their neighbours agree, and still "
                             "leaves a reader unplaced when they do not."),
        "c": Option("A vote of neighbours places every reader, so no reader is left without a segment",
                    feedback="No: a reader whose neighbours are split (less than 70% for one segment) stays "
                             "unplaced (-1)."),
        "d": Option("The neighbours' vote uses the planted truth of the neighbours",
                    feedback="No: it uses the clusters HDBSCAN found; the planted truth exists only in "
                             "synthetic data, and the pipeline never sees it."),
    }
    hints = ["Where do readers with few pages sit, relative to the dense cores of the segments (section 8)?"]


# -- q10 --------------------------------------------------------------------------
def _truth() -> np.ndarray:
    return lesson.truth.shared().to_numpy(dtype=object)


def _scored(labels=None) -> np.ndarray:
    """The labels the ARI is computed from: the learner's (``labels=``), else the reference's."""
    if labels is None:
        return lesson.labels.shared()
    scored = _labels(labels, len(_truth()), "labels in labels=")
    if (scored >= 0).sum() < 2:
        raise AnswerError("The labels you passed (labels=) place fewer than two readers: there is nothing to "
                          "score. Build the segments first (sections 9 and 10).")
    return scored


def _is(score):
    """A test: the answer equals ``score(truth, labels)`` for the labels of the check."""
    return lambda value, labels=None: abs(value - score(_truth(), _scored(labels))) < 1e-6


def _ari_interested(t, lab):
    keep = t != "casual"
    return adjusted_rand_score(t[keep], lab[keep])


def _ari_all(t, lab):
    return adjusted_rand_score(t, lab)


def _ari_placed_interested(t, lab):
    keep = (lab >= 0) & (t != "casual")
    return adjusted_rand_score(t[keep], lab[keep])


def _ari_clustered(t, lab):
    keep = lab >= 0
    return adjusted_rand_score(t[keep], lab[keep])


def _label_agreement(t, lab):
    keep = t != "casual"
    return accuracy_score(pd.factorize(t[keep])[0], lab[keep])


def _rand_interested(t, lab):
    keep = t != "casual"
    return rand_score(t[keep], lab[keep])


class InterestedARI(NumericExercise):
    title = "ARI between the segments and the planted ones, over every reader with an interest (-1 kept)"
    expects = "one number between -1 and 1"
    hints = [
        "Leave out the casual readers (they have no segment to recover), keep everyone else, -1 included: a "
        "reader with an interest left unplaced should count against the pipeline.",
        "interested = (truth != 'casual').to_numpy(); adjusted_rand_score(truth[interested], labels[interested])",
        "See solution().",
    ]
    solution_code = """
    interested = (truth != "casual").to_numpy()
    ari_interested = adjusted_rand_score(truth[interested], labels[interested])
    """
    mistakes = (
        Mistake("noise_dropped",
                "You also left out the readers who were not placed (-1). Then a pipeline that places only the easy "
                "readers scores best; keep them, -1 as one more label.",
                when=_is(_ari_placed_interested),
                example=lambda: _ari_placed_interested(_truth(), lesson.labels.shared())),
        Mistake("casual_kept",
                "That ARI scores every reader, casual ones too; they have no planted segment to recover. Keep only "
                "the readers whose truth is not 'casual'.",
                when=_is(_ari_all), example=lambda: _ari_all(_truth(), lesson.labels.shared())),
        Mistake("clustered_only",
                "That is the ARI on the placed readers (casual included): the measure of q8, not this one.",
                when=_is(_ari_clustered), example=lambda: _ari_clustered(_truth(), lesson.labels.shared())),
        Mistake("label_numbers",
                "That compares label numbers directly; cluster 0 need not be segment 0. Use the ARI.",
                when=_is(_label_agreement), example=lambda: _label_agreement(_truth(), lesson.labels.shared())),
        Mistake("plain_rand", "That is the plain Rand index; use the adjusted one.",
                when=_is(_rand_interested), example=lambda: _rand_interested(_truth(), lesson.labels.shared())),
        Mistake("out_of_range", "An ARI lies between -1 and 1.",
                when=lambda value, labels=None: not -1 <= value <= 1, example=lambda: 1.7),
    )

    def reference(self, labels=None):
        return _ari_interested(_truth(), _scored(labels))

    def explain(self, value, labels=None):
        return ("That does not match adjusted_rand_score(truth[interested], labels[interested]) for the labels of "
                "the check.")

    def correct_message(self, answer, labels=None):
        return f"ARI {float(answer):.3f} over the readers with an interest (1 is perfect)."


# -- q11 --------------------------------------------------------------------------
class JudgeAttribution(ChoiceExercise):
    question = """The attribution table scores two representations (bag of pages, embeddings) with three
    algorithms (and UMAP + HDBSCAN on the embeddings), on the shipped data and two generated clickstreams.
    Which conclusion do its numbers support?"""
    options = {
        "a": Option("The embeddings are what beats the bag-of-pages + K-Means baseline: K-Means on embeddings "
                    "already scores well above K-Means on the bag of pages on the shipped data",
                    feedback="Compare the two K-Means cells of the shipped data: they tie. The first version of "
                             "this notebook credited the embeddings for what the algorithm did."),
        "b": Option("The embeddings never help: the bag of pages is as good everywhere",
                    feedback="Look at HDBSCAN on the long catalogue: on the sparse bag of pages it finds almost "
                             "nothing, while the embeddings hold up."),
        "c": Option("The algorithm (segments found on the best-evidenced readers, the rest placed) gives the "
                    "biggest, steadiest gain; the embeddings help in some cells (a long catalogue, a continuous "
                    "interest like the sport arc) and not in others (K-Means on the shipped data, the pipeline on "
                    "the short catalogue)",
                    correct=True,
                    feedback="Right: along every row the pipeline lifts both representations; down the columns "
                             "the representation matters only where readers of one interest rarely share pages."),
        "d": Option("K-Means is as good as HDBSCAN once the readers are embedded",
                    feedback="K-Means scores well below HDBSCAN + placing in every row: it has no noise label "
                             "and cuts the long sport arc."),
    }
    hints = ["Compare two cells that differ in one thing only: the same row (one representation, two "
             "algorithms) or the same column (one algorithm, two representations)."]


# -- q12 --------------------------------------------------------------------------
def _new_ref() -> np.ndarray:
    return lesson.new_user_labels.shared()


def _agreement(labels) -> float:
    return float((labels == _new_ref()).mean())


def _approximate_predict():
    return lesson.old_segmenter.shared().predict(lesson.new_user_vectors.shared())[0]


def _everyone_placed():
    return clustering.place_by_neighbours(lesson.old_segmenter.shared(), lesson.new_user_vectors.shared(),
                                          lesson.N_NEIGHBORS, 0.0)[0]


class NewUserLabels(ValueExercise):
    title = "Segments of the 500 new readers, from the model fitted without them (no refit)"
    expects = "an array with one label per new reader, in the order of new_users"
    hints = [
        "Place them the way the pipeline placed the readers HDBSCAN did not see: a vote of their nearest "
        "clustered neighbours in segmenter_old's space.",
        "clustering.place_by_neighbours(segmenter_old, U_new, n_neighbors=15, agreement=0.7) returns "
        "(labels, vote shares).",
        "labels_new, votes_new = clustering.place_by_neighbours(segmenter_old, U_new, n_neighbors=15, "
        "agreement=0.7)",
    ]
    solution_code = """
    labels_new, votes_new = clustering.place_by_neighbours(segmenter_old, U_new, n_neighbors=15, agreement=0.7)
    """
    mistakes = (
        Mistake("labels_and_votes", "place_by_neighbours returns (labels, vote shares); give the labels only.",
                when=lambda a: isinstance(a, tuple) and len(a) == 2, raw=True,
                example=lambda: clustering.place_by_neighbours(lesson.old_segmenter.shared(),
                                                               lesson.new_user_vectors.shared(), 15, 0.7)),
        Mistake("refitted",
                lambda labels: (f"The groups look right but the segment numbers do not match the old model's (only "
                                f"{_agreement(labels):.0%} agree): you clustered the new readers afresh. Place them "
                                "with segmenter_old so that segment 3 still means what it meant yesterday."),
                when=lambda labels: adjusted_rand_score(_new_ref(), labels) > 0.8 and _agreement(labels) < 0.9,
                example=lambda: np.where(_new_ref() >= 0, (_new_ref() + 3) % (_new_ref().max() + 1), -1)),
        Mistake("approximate_predict",
                lambda labels: (f"That is approximate_predict (segmenter_old.predict): it leaves "
                                f"{(labels < 0).mean():.0%} of the newcomers unplaced, those outside the dense cores. "
                                "Place them as the pipeline does, by their neighbours' vote."),
                when=lambda labels: float((labels == _approximate_predict()).mean()) >= 0.98,
                example=_approximate_predict),
        Mistake("no_agreement",
                "Every newcomer is placed: with agreement=0 a reader whose neighbours are split still joins the "
                "largest camp. Ask for 70% agreement, as the pipeline does.",
                when=lambda labels: not (labels == -1).any() and (_new_ref() == -1).any(),
                example=_everyone_placed),
    )

    def reference(self):
        return lesson.new_user_labels()

    def convert(self, answer):
        return _labels(answer, len(_new_ref()), "the new readers' labels")

    def accepts(self, labels):
        return _agreement(labels) >= 0.998  # one reader of 500 may differ (float noise at a tie)

    def explain(self, labels):
        return (f"Only {_agreement(labels):.0%} of the labels agree with place_by_neighbours(segmenter_old, U_new, "
                "15, 0.7).")

    def correct_message(self, answer):
        t = lesson.segments.shared().reindex(lesson.new_user_vectors.shared().index).to_numpy(dtype=object)
        q = lesson.quality(_new_ref(), t)
        return (f"{q['share_clustered']:.0%} of the new readers placed in an existing segment; ARI with their "
                f"planted segment {q['ari_clustered']:.2f} on those placed.")


q1 = CleanLog("q1")
q2 = Bots("q2")
q3 = Gaps("q3")
q4 = SessionGap("q4")
q5 = SmallPurity("q5")
q6 = IdfWeights("q6")
q7 = VarianceKept("q7")
q8 = CoreLabels("q8")
q9 = WhyNeighbours("q9")
q10 = InterestedARI("q10")
q11 = JudgeAttribution("q11")
q12 = NewUserLabels("q12")

EXERCISES = register(__name__, [q1, q2, q3, q4, q5, q6, q7, q8, q9, q10, q11, q12])
