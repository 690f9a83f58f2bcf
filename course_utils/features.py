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

from course_utils.validation import parse_dates, positive_duration, require_columns, require_numeric, whole_number

WATCH_COLUMNS = ["user_id", "timestamp", "title", "genre", "minutes", "device"]


def week_number(timestamps: pd.Series, first_day) -> pd.Series:
    """Week of each timestamp: 1 for the seven days from ``first_day`` (midnight), 2 for the next..."""
    start = pd.Timestamp(first_day).normalize()
    times = parse_dates(timestamps, getattr(timestamps, "name", None) or "timestamp")
    return ((times - start).dt.days // 7 + 1).astype("int64")


def _shares(frame: pd.DataFrame, by: str, known: list, prefix: str) -> tuple:
    """Minutes shares per user over the ``known`` categories plus ``other``."""
    cat = frame[by].astype(str).where(frame[by].astype(str).isin(known), "other")
    unseen = sorted(set(frame.loc[cat == "other", by].astype(str)))
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
    and are listed in ``result.attrs["unseen"]``. A week with no viewing
    gives an empty frame with the same columns. ``watch`` needs the columns of
    ``WATCH_COLUMNS``; weeks are counted from ``first_day`` (week 1 is its
    seven days, see :func:`week_number`).
    """
    require_columns(watch, WATCH_COLUMNS, what="watch")
    require_numeric(watch, "minutes")
    gap = positive_duration(gap, "gap")
    week, window = whole_number(week, "week"), whole_number(window, "window")
    for name, values in (("genres", genres), ("devices", devices)):
        if isinstance(values, str) or not hasattr(values, "__iter__") or len(list(values)) == 0:
            raise ValueError(f"{name} must be a non-empty list of the known {name}, got {values!r}")
    genres, devices = [str(g) for g in genres], [str(d) for d in devices]
    if (watch["minutes"] < 0).any():
        bad = watch.loc[watch["minutes"] < 0, "minutes"].iloc[0]
        raise ValueError(f"column 'minutes' has negative values (e.g. {bad}); minutes watched cannot be negative")
    columns = (["watch_minutes", "sessions", "active_days", "days_since_last"]
               + [f"g_{g}" for g in genres + ["other"]] + ["genre_entropy"]
               + [f"d_{d}" for d in devices + ["other"]])
    weeks = week_number(watch["timestamp"], first_day)
    active = watch.loc[weeks == week, "user_id"].unique()
    span = watch[(weeks <= week) & (weeks > week - window) & watch["user_id"].isin(active)]
    if len(span) == 0:
        out = pd.DataFrame(columns=columns, dtype=float)
        out.index.name = "user_id"
        out.attrs["unseen"] = {"genre": [], "device": []}
        return out
    times = parse_dates(span["timestamp"], "timestamp")
    span = span.assign(timestamp=times)
    g = span.groupby("user_id")
    week_end = pd.Timestamp(first_day).normalize() + pd.Timedelta(days=7 * week)
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
    if unseen_genres or unseen_devices:
        warnings.warn(f"week {week}: unseen genre(s) {unseen_genres} and device(s) {unseen_devices} counted as "
                      "'other'", UserWarning, stacklevel=2)
    return out
