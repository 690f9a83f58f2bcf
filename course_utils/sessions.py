"""Sessions: cut a user's clickstream into visits, and visits into page sequences.

>>> events = sessionize(events, user_col="user_id", time_col="timestamp", gap="30min")  # doctest: +SKIP
>>> sequences = session_sequences(events, item_col="page", min_length=2)                 # doctest: +SKIP
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from course_utils.validation import (
    parse_dates,
    positive_duration,
    require_columns,
    require_complete,
    require_ids,
    whole_number,
)

#: sessionize warns when more than this share of events tie with their user's previous event.
TIE_WARNING_SHARE = 0.05


def sessionize(
    events: pd.DataFrame,
    user_col: str = "user_id",
    time_col: str = "timestamp",
    gap="30min",
    session_col: str = "session_id",
    overwrite: bool = False,
) -> pd.DataFrame:
    """Give every event a session id.

    A new session starts at a user's first event and after any silence longer
    than ``gap`` (an event exactly ``gap`` after the previous one continues the
    session). Events need not be sorted; the result keeps the caller's rows,
    index and order, with ``session_col`` added. Session ids are integers
    numbered by user, then by time.

    Ties: events of one user with the same timestamp keep their input order
    (the sort is stable), and :func:`session_sequences` lists them that way.
    When more than 5% of events tie with their user's previous event (times
    recorded to the day, or to the minute on a busy site) that order is the
    file's, not the user's, and a ``UserWarning`` says so.

    Parameters
    ----------
    gap : str or Timedelta
        A duration with its unit, such as ``"30min"``; a bare number is refused.
    overwrite : bool
        ``events`` already holding ``session_col`` is refused unless True.

    Raises
    ------
    ValueError
        A missing column (those present are listed), timestamps that are numbers,
        do not parse or read both ways (05/03/2024), missing users or
        timestamps, a gap that is not a positive duration with a unit, or an
        existing ``session_col`` without ``overwrite=True``.
    """
    require_columns(events, [user_col, time_col], what="events")
    step = positive_duration(gap, "gap")
    if session_col in (user_col, time_col):
        raise ValueError(f"session_col {session_col!r} would overwrite an input column")
    if not isinstance(overwrite, bool):
        raise TypeError(f"overwrite must be True or False, got {overwrite!r}")
    if session_col in events.columns and not overwrite:
        raise ValueError(
            f"events already has a column {session_col!r}; pass overwrite=True to replace it, or "
            f"session_col='another_name' to keep both"
        )
    require_ids(events[user_col], user_col, "events", "drop or fill them before sessionizing")
    times = parse_dates(events[time_col], time_col)
    require_complete(times, time_col, "events", "drop or fill them before sessionizing")
    out = events.copy()
    if len(out) == 0:
        out[session_col] = pd.Series(dtype="int64")
        return out
    user_codes = pd.factorize(events[user_col], sort=True)[0]
    t = times.to_numpy(dtype="datetime64[ns]").astype("int64")
    order = np.lexsort((t, user_codes))  # by user, then time (stable)
    u_sorted, t_sorted = user_codes[order], t[order]
    same_user = u_sorted[1:] == u_sorted[:-1]
    new = np.ones(len(order), dtype=bool)
    new[1:] = ~same_user | (np.diff(t_sorted) > step.value)
    ids = np.empty(len(order), dtype="int64")
    ids[order] = np.cumsum(new) - 1
    out[session_col] = ids
    ties = int((same_user & (t_sorted[1:] == t_sorted[:-1])).sum())
    if ties > TIE_WARNING_SHARE * len(order):
        warnings.warn(
            f"{ties} of {len(order)} events ({ties / len(order):.0%}) have the same {time_col!r} as their user's "
            "previous event; they keep their input order, which may not be the order they happened in "
            "(times recorded only to the day?). Sequences within a session follow the file's order.",
            UserWarning, stacklevel=2)
    return out


def session_sequences(
    events: pd.DataFrame,
    item_col: str = "page",
    session_col: str = "session_id",
    time_col: str = "timestamp",
    min_length: int = 2,
) -> list:
    """The items of each session in time order, as lists of strings.

    Events with a missing item are skipped; sessions left with fewer than
    ``min_length`` items are dropped (a one-page visit teaches Word2Vec nothing
    about which pages go together). Events with the same time keep their input
    order. Sequences come in the order of the session ids. Missing session
    ids or times are refused (two users' events would merge into one sequence).
    """
    require_columns(events, [item_col, session_col, time_col], what="events")
    whole_number(min_length, "min_length")
    require_ids(events[session_col], session_col, "events", "run sessionize first, or drop them")
    times = parse_dates(events[time_col], time_col)
    require_complete(times, time_col, "events", "drop or fill them first")
    codes = pd.factorize(events[session_col], sort=True)[0]
    frame = pd.DataFrame({"s": codes, "t": times.to_numpy(), "i": events[item_col].to_numpy()})
    frame = frame[pd.notna(frame["i"]).to_numpy()]
    frame = frame.sort_values(["s", "t"], kind="stable")
    items = frame["i"].astype(str).to_numpy()
    _, starts, counts = np.unique(frame["s"].to_numpy(), return_index=True, return_counts=True)
    sequences = [items[a:a + n].tolist() for a, n in zip(starts, counts) if n >= min_length]
    if not sequences:
        raise ValueError(
            f"no session has at least {min_length} items with a {item_col!r}; lower min_length or check the data"
        )
    return sequences


def visit_features(
    events: pd.DataFrame,
    user_col: str = "user_id",
    time_col: str = "timestamp",
    session_col: str = "session_id",
) -> pd.DataFrame:
    """How much each user visits, ignoring what they read.

    One row per user (sorted): ``views`` (events), ``sessions``,
    ``active_days`` (calendar days with a visit), ``views_per_session`` and
    ``days_spanned`` (first to last visit, in days). These are the features of
    a frequency-only segmentation.
    """
    require_columns(events, [user_col, time_col, session_col], what="events")
    require_ids(events[user_col], user_col, "events")
    require_ids(events[session_col], session_col, "events", "run sessionize first, or drop them")
    times = parse_dates(events[time_col], time_col)
    require_complete(times, time_col, "events")
    frame = pd.DataFrame({"u": events[user_col].to_numpy(), "s": events[session_col].to_numpy(),
                          "t": times.to_numpy(), "d": times.dt.normalize().to_numpy()})
    g = frame.groupby("u", sort=True)
    out = pd.DataFrame({
        "views": g.size(),
        "sessions": g["s"].nunique(),
        "active_days": g["d"].nunique(),
        "days_spanned": (g["t"].max() - g["t"].min()).dt.total_seconds() / 86400,
    })
    out.insert(3, "views_per_session", out["views"] / out["sessions"])
    out.index.name = user_col
    return out
