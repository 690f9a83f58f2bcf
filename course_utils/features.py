"""Weekly behavioural features of a streaming service's viewers.

:func:`week_number` turns timestamps into week numbers (1 = the first week);
:func:`weekly_features` builds one row per viewer active in a week, from a
trailing window of weeks (one week of a light viewer is two or three titles:
too few to say what they like).

>>> X = weekly_features(watch, week=5, first_day="2025-01-06", genres=GENRES, devices=DEVICES)  # doctest: +SKIP
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from course_utils.validation import (
    date_argument,
    float_values,
    parse_dates,
    positive_duration,
    require_columns,
    require_complete,
    require_finite,
    require_ids,
    require_numeric,
    whole_number,
)

WATCH_COLUMNS = ["user_id", "timestamp", "title", "genre", "minutes", "device"]


def week_number(timestamps: pd.Series, first_day) -> pd.Series:
    """Week of each timestamp: 1 for the seven days from ``first_day`` (midnight), 2 for the next...

    Times before ``first_day`` get week 0 or below. ``first_day`` must be a date
    (``"2025-01-06"``); a number such as 20250106 is refused, and so are
    missing timestamps.
    """
    start = date_argument(first_day, "first_day").normalize()
    column = getattr(timestamps, "name", None) or "timestamp"
    times = parse_dates(timestamps, column)
    require_complete(times, column, "timestamps")
    return ((times - start).dt.days // 7 + 1).astype("int64")


def _shares(frame: pd.DataFrame, by: str, known: list, prefix: str) -> tuple:
    """Minutes shares per user over the ``known`` categories plus ``other`` (a missing value is other)."""
    present = frame[by].notna()
    text = frame[by].astype(str) if present.all() else frame[by].astype(object).where(present, None).astype(str)
    cat = text.where(text.isin(known) & present, "other")
    unseen = sorted(set(text[(cat == "other") & present]))
    table = frame.assign(_c=cat).pivot_table(index="user_id", columns="_c", values="minutes", aggfunc="sum",
                                             fill_value=0, observed=True)
    table = table.reindex(columns=list(known) + ["other"], fill_value=0).astype(float)
    total = table.sum(axis=1).replace(0, np.nan)
    return table.div(total, axis=0).fillna(0).add_prefix(prefix), unseen


def _visits(span: pd.DataFrame, gap: pd.Timedelta) -> pd.Series:
    """Visits per user: a new visit when a title starts more than ``gap`` after
    the previous title *ended* (a two-hour film is one visit, not four)."""
    ordered = span.sort_values(["user_id", "timestamp"], kind="stable")
    ends = ordered["timestamp"] + pd.to_timedelta(ordered["minutes"], unit="min")
    previous_end = ends.groupby(ordered["user_id"]).shift()
    new = previous_end.isna() | (ordered["timestamp"] - previous_end > gap)
    return new.groupby(ordered["user_id"]).sum().astype(int)


def weekly_features(
    watch: pd.DataFrame,
    week: int,
    first_day,
    genres: list,
    devices: list,
    window: int = 2,
    gap: str = "30min",
) -> pd.DataFrame:
    """One row per viewer who watched anything in ``week``.

    Features come from the trailing ``window`` weeks (``week - window + 1`` to
    ``week``), so a light viewer's tastes rest on more than two titles.

    Columns
    -------
    watch_minutes : log1p of the minutes watched per week of the window (weeks
        before week 1 do not count, so week 1 is comparable with week 9)
    sessions : visits in the window (a new visit when a title starts more than
        ``gap`` after the previous one ended)
    active_days : days with viewing in the window
    days_since_last : days from the last viewing to the end of ``week``
    g_<genre>, g_other : share of minutes per genre; ``g_other`` collects genres
        not in ``genres`` (a genre launched after the model was fitted)
    genre_entropy : Shannon entropy of the genre shares (0: one genre only)
    d_<device>, d_other : share of minutes per device, likewise

    Genres and devices not in the lists never raise: they go to ``*_other``
    and are listed in ``result.attrs["unseen"]``; a missing genre or device
    goes to ``*_other`` too, and is counted in ``result.attrs["missing"]``.
    A week with no viewing gives an empty frame with the same columns.
    ``watch`` needs the columns of ``WATCH_COLUMNS``; weeks are counted from
    ``first_day`` (a date such as ``"2025-01-06"``; week 1 is its seven days,
    see :func:`week_number`). Missing users, times or minutes are refused (a
    missing minute count is not 0), and so are ``minutes`` above a million.
    """
    require_columns(watch, WATCH_COLUMNS, what="watch")
    require_numeric(watch, "minutes")
    gap = positive_duration(gap, "gap")
    start = date_argument(first_day, "first_day").normalize()
    last_week = (pd.Timestamp.max - start).days // 7 - 1
    week = whole_number(week, "week", maximum=last_week)
    window = whole_number(window, "window")
    lists = {}
    for name, values in (("genres", genres), ("devices", devices)):
        if isinstance(values, (str, bytes, dict, pd.DataFrame)) or not hasattr(values, "__iter__"):
            raise ValueError(f"{name} must be a non-empty list of the known {name}, got {values!r}")
        values = [str(v) for v in values]  # read once: a generator is consumed here
        repeated = sorted({v for v in values if values.count(v) > 1})
        if not values or repeated or "other" in values:
            why = (f"{repeated} more than once" if repeated else "'other', which is the column for the rest"
                   if values else "nothing")
            raise ValueError(f"{name} must be a non-empty list of distinct known {name}; it lists {why}")
        lists[name] = values
    genres, devices = lists["genres"], lists["devices"]
    require_ids(watch["user_id"], "user_id", "views")
    minutes = float_values(watch["minutes"])
    if not np.isfinite(minutes).all():
        require_complete(watch["minutes"], "minutes", "views", "drop or fill them first: a missing duration is not 0")
        require_finite(watch["minutes"], "minutes", "views")
    if (minutes < 0).any() or (minutes > 1e6).any():
        bad = minutes[(minutes < 0) | (minutes > 1e6)][0]
        raise ValueError(f"column 'minutes' has values such as {bad:g}; minutes watched must be from 0 to a million "
                         "(negative or larger values are errors, or another unit such as seconds)")
    columns = (["watch_minutes", "sessions", "active_days", "days_since_last"]
               + [f"g_{g}" for g in genres + ["other"]] + ["genre_entropy"]
               + [f"d_{d}" for d in devices + ["other"]])
    times = parse_dates(watch["timestamp"], "timestamp")
    require_complete(times, "timestamp", "views")
    weeks = (times.to_numpy() - start.to_datetime64()) // np.timedelta64(1, "D") // 7 + 1  # as week_number
    active = watch["user_id"][weeks == week].unique()
    keep = (weeks <= week) & (weeks > week - window) & watch["user_id"].isin(active).to_numpy()
    span = watch[keep].assign(timestamp=times.to_numpy()[keep]).reset_index(drop=True)
    if len(span) == 0:
        out = pd.DataFrame(columns=columns, dtype=float)
        out.index.name = "user_id"
        out.attrs["unseen"] = {"genre": [], "device": []}
        out.attrs["missing"] = {"genre": 0, "device": 0}
        return out
    times = span["timestamp"]
    g = span.groupby("user_id")
    week_end = start + pd.Timedelta(days=7 * week)
    out = pd.DataFrame({
        "watch_minutes": np.log1p(g["minutes"].sum().astype(float) / min(window, week)),
        "sessions": _visits(span, pd.Timedelta(gap)),
        "active_days": span.assign(_d=times.dt.normalize()).groupby("user_id")["_d"].nunique(),
        "days_since_last": (week_end - g["timestamp"].max()).dt.total_seconds() / 86400,
    })
    genre_shares, unseen_genres = _shares(span, "genre", genres, "g_")
    device_shares, unseen_devices = _shares(span, "device", devices, "d_")
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.where(genre_shares > 0, np.log(genre_shares.where(genre_shares > 0, 1)), 0)
    entropy = pd.Series(-(genre_shares.to_numpy() * logs).sum(axis=1), index=genre_shares.index)
    out = out.join(genre_shares).assign(genre_entropy=entropy).join(device_shares)[columns]
    out.index.name = "user_id"
    out.attrs["unseen"] = {"genre": unseen_genres, "device": unseen_devices}
    out.attrs["missing"] = {"genre": int(span["genre"].isna().sum()), "device": int(span["device"].isna().sum())}
    if unseen_genres or unseen_devices:
        warnings.warn(f"week {week}: unseen genre(s) {unseen_genres} and device(s) {unseen_devices} counted as "
                      "'other'", UserWarning, stacklevel=2)
    return out
