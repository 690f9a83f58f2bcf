"""Sessions: cut a user's clickstream into visits, and visits into page sequences.

>>> events = sessionize(events, user_col="user_id", time_col="timestamp", gap="30min")  # doctest: +SKIP
>>> sequences = session_sequences(events, item_col="page", min_length=2)                 # doctest: +SKIP
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from course_utils.validation import parse_dates, positive_duration, require_columns, whole_number


def sessionize(
    events: pd.DataFrame,
    user_col: str = "user_id",
    time_col: str = "timestamp",
    gap="30min",
    session_col: str = "session_id",
) -> pd.DataFrame:
    """Give every event a session id.

    A new session starts at a user's first event and after any silence longer
    than ``gap`` (an event exactly ``gap`` after the previous one continues the
    session). Events need not be sorted; the result keeps the caller's rows,
    index and order, with ``session_col`` added. Session ids are integers
    numbered by user, then by time.

    Raises
    ------
    ValueError
        A missing column (those present are listed), timestamps that are numbers
        or do not parse, missing users or timestamps, or a gap that is not a
        positive duration.
    """
    require_columns(events, [user_col, time_col], what="events")
    step = positive_duration(gap, "gap")
    if session_col in (user_col, time_col):
        raise ValueError(f"session_col {session_col!r} would overwrite an input column")
    times = parse_dates(events[time_col], time_col)
    for col, values in ((user_col, events[user_col]), (time_col, times)):
        n_missing = int(values.isna().sum())
        if n_missing:
            raise ValueError(f"{n_missing} events have no {col!r}; drop or fill them before sessionizing")
    out = events.copy()
    if len(out) == 0:
        out[session_col] = pd.Series(dtype="int64")
        return out
    user_codes = pd.factorize(events[user_col], sort=True)[0]
    t = times.to_numpy(dtype="datetime64[ns]").astype("int64")
    order = np.lexsort((t, user_codes))  # by user, then time (stable)
    u_sorted, t_sorted = user_codes[order], t[order]
    new = np.ones(len(order), dtype=bool)
    new[1:] = (u_sorted[1:] != u_sorted[:-1]) | (np.diff(t_sorted) > step.value)
    ids = np.empty(len(order), dtype="int64")
    ids[order] = np.cumsum(new) - 1
    out[session_col] = ids
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
    about which pages go together).
    """
    require_columns(events, [item_col, session_col, time_col], what="events")
    whole_number(min_length, "min_length")
    times = parse_dates(events[time_col], time_col)
    frame = pd.DataFrame({"s": events[session_col].to_numpy(), "t": times.to_numpy(), "i": events[item_col].to_numpy()})
    frame = frame[pd.notna(frame["i"])]
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
    times = parse_dates(events[time_col], time_col)
    frame = pd.DataFrame({"u": events[user_col].to_numpy(), "s": events[session_col].to_numpy(),
                          "t": times.to_numpy(), "d": times.dt.normalize().to_numpy()})
    if frame["u"].isna().any():
        raise ValueError(f"{int(frame['u'].isna().sum())} events have no {user_col!r}; drop them first")
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
