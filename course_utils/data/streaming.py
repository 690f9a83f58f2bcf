"""Streaming service (notebook 05): twelve weeks of viewing and searching, with
planted personas that change over time. Schema, seeded generator and readers.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from course_utils.data._dataset import Dataset
from course_utils.data._files import write_gzip

FIRST_DAY = date(2025, 1, 6)  # a Monday: week 1 is 2025-01-06 to 2025-01-12
WEEKS = 12
GENRES = ["drama", "comedy", "action", "reality", "kids", "animation", "documentary", "nature",
                 "sports_live", "anime"]
NEW_GENRE = ("anime", 7)          # a genre that appears mid-way: first week it exists
NEW_DEVICE = ("console", 9)       # a device the app starts supporting
SPORTS_SEASON = (6, 8)            # weeks of the live-sports tournament (inclusive)
SEASON_RAMP = {6: 2.0, 7: 3.5, 8: 5.5}  # sports fans' visits x this: group stage, knock-outs, final
MIGRATIONS = {5: ("casual_mobile", "binge_watcher", 0.6),    # a hit series converts casual viewers
                     10: ("family_kids", "casual_mobile", 0.6)}     # school term: parents watch on the go
PLANS = ["basic", "standard", "premium"]

#: What each persona does in an active week: visits (Poisson mean), titles per
#: visit (1 + Poisson), minutes per title (lognormal median), genre and device
#: mixes, and the queries it types. ``drifting`` viewers watch less every week
#: until they stop; they then count as ``churned``.
PERSONAS = {
    "binge_watcher": {"share": 0.22, "visits": 3.0, "titles": 1.5, "minutes": 48,
                      "genres": {"drama": 0.45, "action": 0.35, "anime": 0.2},
                      "devices": {"tv": 0.8, "web": 0.15, "mobile": 0.05},
                      "queries": ["new drama series", "season finale", "crime thriller series", "action movie",
                                  "best series this year", "comedy series", "anime series"]},
    "family_kids": {"share": 0.18, "visits": 3.5, "titles": 1.0, "minutes": 24,
                    "genres": {"kids": 0.6, "animation": 0.4},
                    "devices": {"tablet": 0.6, "tv": 0.35, "mobile": 0.05},
                    "queries": ["cartoons for kids", "animated movie", "kids songs", "princess movie",
                                "dinosaur cartoon", "family comedy"]},
    "documentary_buff": {"share": 0.14, "visits": 2.0, "titles": 0.6, "minutes": 50,
                         "genres": {"documentary": 0.65, "nature": 0.35},
                         "devices": {"tv": 0.45, "web": 0.5, "mobile": 0.05},
                         "queries": ["nature documentary", "history documentary", "space documentary",
                                     "wildlife ocean", "true crime documentary"]},
    "live_sports": {"share": 0.14, "visits": 1.5, "titles": 0.4, "minutes": 30,
                    "genres": {"sports_live": 0.75, "action": 0.25},
                    "devices": {"tv": 0.5, "mobile": 0.45, "web": 0.05},
                    "queries": ["football live", "premier league", "champions league highlights", "tennis final",
                                "formula one race", "live match tonight"]},
    "casual_mobile": {"share": 0.24, "visits": 2.5, "titles": 0.3, "minutes": 11,
                      "genres": {"comedy": 0.5, "reality": 0.5},
                      "devices": {"mobile": 0.9, "tablet": 0.1},
                      "queries": ["funny videos", "reality show", "dating show", "short comedy", "stand up comedy"]},
    "drifting": {"share": 0.08, "visits": 2.5, "titles": 0.8, "minutes": 30,
                 "genres": {"drama": 0.35, "comedy": 0.35, "reality": 0.3},
                 "devices": {"tv": 0.4, "mobile": 0.4, "web": 0.2},
                 "queries": ["something to watch", "cancel subscription", "how to pause account", "cheaper plan"]},
}

_KEYBOARD = "qwertyuiopasdfghjklzxcvbnm"


def _typo(text: str, rng) -> str:
    """One keyboard slip: swap two letters, drop one, double one, or hit a neighbour key."""
    letters = [i for i, ch in enumerate(text) if ch.isalpha()]
    if len(letters) < 3:
        return text
    i = letters[int(rng.integers(0, len(letters) - 1))]
    kind = int(rng.integers(0, 4))
    if kind == 0 and i + 1 < len(text):
        return text[:i] + text[i + 1] + text[i] + text[i + 2:]
    if kind == 1:
        return text[:i] + text[i + 1:]
    if kind == 2:
        return text[:i] + text[i] + text[i:]
    k = _KEYBOARD.find(text[i])
    near = _KEYBOARD[max(k - 1, 0)] if k > 0 else _KEYBOARD[1]
    return text[:i] + near + text[i + 1:]


_STREAM_HOURS = np.array([1, 0.5, 0.3, 0.2, 0.2, 0.3, 1, 2, 2, 1.5, 1.5, 1.5,
                          2, 2, 2, 2.5, 3, 4, 6, 8, 9, 8, 5, 2.5])
_STREAM_HOURS = _STREAM_HOURS / _STREAM_HOURS.sum()


def _stream_times(week: int, n: int, rng) -> np.ndarray:
    """``n`` moments in ``week`` (1-based), in minutes since FIRST_DAY midnight,
    at hours drawn from an evening-heavy profile."""
    day = rng.integers(0, 7, size=n)
    hour = rng.choice(24, size=n, p=_STREAM_HOURS)
    return ((week - 1) * 7 + day) * 1440 + hour * 60 + rng.integers(0, 60, size=n)


def _mix(weights: dict) -> tuple:
    names = list(weights)
    p = np.array([weights[k] for k in names], dtype=float)
    return names, p / p.sum()


@lru_cache(maxsize=2)
def streaming_tables(seed: int = 23, n_start: int = 8000, weekly_signups: int = 200) -> dict:
    """Build the streaming service's tables and the planted truth (cached per seed).

    Returns a dict of row tuples: ``watch`` (minute, user, title, genre,
    minutes, device), ``search`` (minute, user, query), ``subscribers`` (user,
    signup_week, plan) and ``truth`` (user, week, persona) for every week from
    a subscriber's sign-up to the end. Times are minutes since
    ``FIRST_DAY``. Treat the result as read-only.
    """
    rng = np.random.default_rng(seed)
    names = list(PERSONAS)
    shares = np.array([PERSONAS[p]["share"] for p in names])
    genre_index = {g: j for j, g in enumerate(GENRES)}
    pop = 1.0 / (1.0 + np.argsort(rng.random((len(GENRES), 40)), axis=1))
    title_cdf = np.cumsum(pop / pop.sum(axis=1, keepdims=True), axis=1)

    n_total = n_start + weekly_signups * (WEEKS - 1)
    signup = np.where(np.arange(n_total) < n_start, 1, 2 + (np.arange(n_total) - n_start) // weekly_signups)
    persona_of = rng.choice(len(names), size=n_total, p=shares / shares.sum())
    family = persona_of == names.index("family_kids")
    plan_u = rng.random(n_total)
    plan = np.where(family, np.searchsorted([0.2, 0.6], plan_u), np.searchsorted([0.45, 0.85], plan_u))
    appetite = rng.lognormal(0, 0.35, size=n_total)
    drift_week = np.maximum(signup, rng.integers(1, WEEKS - 2, size=n_total))

    watch, search, truth = [], [], []
    for i in range(n_total):
        uid = f"S{i + 1:05d}"
        persona = names[persona_of[i]]
        for week in range(int(signup[i]), WEEKS + 1):
            if week in MIGRATIONS:
                src, dst, rate = MIGRATIONS[week]
                if persona == src and rng.random() < rate:
                    persona = dst
            spec, label, level = PERSONAS[persona], persona, float(appetite[i])
            if persona == "drifting":
                since = week - int(drift_week[i])
                if since < 0:  # before drifting, they watched like binge watchers
                    spec, label = PERSONAS["binge_watcher"], "binge_watcher"
                else:
                    level *= 0.55 ** since
                    if level < 0.12:
                        truth.append((uid, week, "churned"))
                        continue
            in_season = SPORTS_SEASON[0] <= week <= SPORTS_SEASON[1]
            truth.append((uid, week, label))
            genres = dict(spec["genres"])
            if week < NEW_GENRE[1]:
                genres.pop(NEW_GENRE[0], None)
            if persona == "live_sports" and not in_season:
                genres["sports_live"] = 0.35  # highlights only, off-season
            if persona == "binge_watcher" and in_season:  # the big matches draw other viewers too
                genres["sports_live"] = 0.1 * SEASON_RAMP[week]
            devices = dict(spec["devices"])
            if week >= NEW_DEVICE[1] and "tv" in devices:
                devices[NEW_DEVICE[0]] = 0.15 * devices["tv"]
            g_names, g_p = _mix(genres)
            d_names, d_p = _mix(devices)
            ramp = SEASON_RAMP[week] if persona == "live_sports" and in_season else 1.0
            n_visits = int(rng.poisson(spec["visits"] * level * ramp))
            if n_visits:
                starts = _stream_times(week, n_visits, rng)
                device = rng.choice(len(d_names), size=n_visits, p=d_p)
                per_visit = 1 + rng.poisson(spec["titles"], size=n_visits)
                visit = np.repeat(np.arange(n_visits), per_visit)
                genre = rng.choice(len(g_names), size=len(visit), p=g_p)
                gid = np.array([genre_index[g_names[g]] for g in genre.tolist()])
                title = (title_cdf[gid] < rng.random(len(visit))[:, None]).sum(axis=1)
                median = np.full(len(visit), float(spec["minutes"]))
                if persona == "live_sports":
                    median[gid == genre_index["sports_live"]] = 95.0
                minutes = np.maximum(1, np.round(median * rng.lognormal(0, 0.5, size=len(visit)))).astype(int)
                # titles of one visit follow each other
                offset = np.cumsum(minutes) - minutes
                first = np.cumsum(per_visit) - per_visit
                offset = offset - np.repeat(offset[first], per_visit)
                t = starts[visit] + offset
                week_end = week * 7 * 1440  # a visit running past Sunday midnight stops there
                for k in np.flatnonzero(t < week_end).tolist():
                    g = int(gid[k])
                    watch.append((int(t[k]), uid, f"T{100 * (g + 1) + int(min(title[k], 39)):04d}",
                                  GENRES[g], int(minutes[k]), d_names[device[visit[k]]]))
            n_queries = int(rng.poisson(0.8 * min(level, 1.5)))
            if n_queries:
                picks = rng.integers(0, len(spec["queries"]), size=n_queries)
                slips = rng.random(n_queries) < 0.3
                for q, slip, t in zip(picks.tolist(), slips.tolist(), _stream_times(week, n_queries, rng).tolist()):
                    query = spec["queries"][q]
                    if week < NEW_GENRE[1]:
                        query = query.replace("anime series", "action series")
                    search.append((t, uid, _typo(query, rng) if slip else query))
    watch.sort(key=lambda r: (r[0], r[1]))
    search.sort(key=lambda r: (r[0], r[1]))
    subscribers = [(f"S{i + 1:05d}", int(signup[i]), PLANS[int(plan[i])]) for i in range(n_total)]
    return {"watch": watch, "search": search, "subscribers": subscribers, "truth": truth}


def _stream_stamp(minutes: int) -> str:
    day, rest = divmod(int(minutes), 1440)
    d = FIRST_DAY + timedelta(days=day)
    return f"{d.isoformat()} {rest // 60:02d}:{rest % 60:02d}"


def write_streaming_watch(path, seed: int = 23) -> Path:
    """Write ``streaming_watch.csv.gz``: user_id,timestamp,title,genre,minutes,device."""
    rows = streaming_tables(seed)["watch"]
    text = "user_id,timestamp,title,genre,minutes,device\n" + "".join(
        f"{u},{_stream_stamp(t)},{title},{g},{m},{d}\n" for t, u, title, g, m, d in rows)
    return write_gzip(path, text.encode("utf-8"))


def write_streaming_search(path, seed: int = 23) -> Path:
    """Write ``streaming_search.csv.gz``: user_id,timestamp,query (free text with typos)."""
    rows = streaming_tables(seed)["search"]
    text = "user_id,timestamp,query\n" + "".join(f"{u},{_stream_stamp(t)},{q}\n" for t, u, q in rows)
    return write_gzip(path, text.encode("utf-8"))


def write_streaming_subscribers(path, seed: int = 23) -> Path:
    """Write ``streaming_subscribers.csv``: user_id,signup_week,plan."""
    rows = streaming_tables(seed)["subscribers"]
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(("user_id,signup_week,plan\n" + "".join(f"{u},{w},{p}\n" for u, w, p in rows)).encode())
    return path


def write_streaming_truth(path, seed: int = 23) -> Path:
    """Write ``streaming_truth.csv.gz``: user_id,week,persona for every subscriber-week."""
    rows = streaming_tables(seed)["truth"]
    text = "user_id,week,persona\n" + "".join(f"{u},{w},{p}\n" for u, w, p in rows)
    return write_gzip(path, text.encode("utf-8"))


def read_streaming_watch(path) -> pd.DataFrame:
    """Read ``streaming_watch.csv.gz``: one row per title watched."""
    return pd.read_csv(path, dtype={"user_id": "string", "title": "string", "genre": "string", "minutes": "int64",
                                    "device": "string"},
                       parse_dates=["timestamp"], date_format="%Y-%m-%d %H:%M")


def read_streaming_search(path) -> pd.DataFrame:
    """Read ``streaming_search.csv.gz``: user_id, timestamp, query (an empty query stays "")."""
    return pd.read_csv(path, dtype={"user_id": "string", "query": "string"}, parse_dates=["timestamp"],
                       date_format="%Y-%m-%d %H:%M", keep_default_na=False)


def read_streaming_subscribers(path) -> pd.DataFrame:
    """Read ``streaming_subscribers.csv``: user_id, signup_week, plan."""
    return pd.read_csv(path, dtype={"user_id": "string", "signup_week": "int64", "plan": "string"})


def read_streaming_truth(path) -> pd.DataFrame:
    """Read ``streaming_truth.csv.gz``: user_id, week, persona."""
    return pd.read_csv(path, dtype={"user_id": "string", "week": "int64", "persona": "string"})


DATASETS = [
    Dataset(
        name="streaming_watch",
        filename="streaming_watch.csv.gz",
        description="12 weeks of a streaming service: one row per title watched (genre, minutes, device)",
        write=write_streaming_watch,
        read=read_streaming_watch,
        notebook="05",
    ),
    Dataset(
        name="streaming_search",
        filename="streaming_search.csv.gz",
        description="the same service's search queries: free text with typos",
        write=write_streaming_search,
        read=read_streaming_search,
        notebook="05",
    ),
    Dataset(
        name="streaming_subscribers",
        filename="streaming_subscribers.csv",
        description="the service's subscribers: sign-up week and plan",
        write=write_streaming_subscribers,
        read=read_streaming_subscribers,
        notebook="05",
    ),
    Dataset(
        name="streaming_truth",
        filename="streaming_truth.csv.gz",
        description="the planted persona of every subscriber in every week since sign-up",
        write=write_streaming_truth,
        read=read_streaming_truth,
        notebook="05",
    ),
]
