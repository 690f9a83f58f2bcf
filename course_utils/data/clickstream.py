"""Media-site clickstream (notebook 03): who reads what, with planted interests.

The schema (``user_id, timestamp, page``), the seeded generator, the planted
truth and the readers.
"""

from __future__ import annotations

import csv
import io
import numbers
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from course_utils.data._dataset import Dataset
from course_utils.data._files import write_gzip
from course_utils.validation import whole_number

FIRST_DAY = date(2024, 3, 4)  # a Monday; six weeks of logs, timestamps in UTC
DAYS = 42
SECTIONS = ["news", "politics", "business", "tech", "science", "sport", "culture", "lifestyle"]
HUBS = ["home", "search"]

#: Planted interest segments: share of users, and the sections they read.
#: ``focus`` sections take most of a member's reading; a segment with two
#: focus sections mixes them. ``sport`` is elongated: each member follows a
#: stretch of the sport beat (football ... motor racing), so its members form a
#: long thin cloud rather than a round one. ``casual`` users follow no pattern:
#: each has a random, sparse mix of sections.
SEGMENTS = {
    "sport": {"share": 0.17, "focus": ["sport"]},
    "politics": {"share": 0.13, "focus": ["politics"]},
    "tech": {"share": 0.12, "focus": ["tech"]},
    "business": {"share": 0.10, "focus": ["business"]},
    "science": {"share": 0.09, "focus": ["science"]},
    "culture": {"share": 0.09, "focus": ["culture"]},
    "tech_business": {"share": 0.08, "focus": ["tech", "business"]},
    "casual": {"share": 0.22, "focus": []},
}

#: A harder variant for robustness studies: interest groups that mix two sections and share
#: them (tech is read by three groups, politics and business by two each), so the groups
#: touch one another. Pass it as ``segments=`` to :func:`clickstream_tables`.
OVERLAPPING_SEGMENTS = {
    "sport": {"share": 0.14, "focus": ["sport"]},
    "politics_news": {"share": 0.12, "focus": ["politics", "news"]},
    "business_politics": {"share": 0.11, "focus": ["business", "politics"]},
    "tech": {"share": 0.11, "focus": ["tech"]},
    "tech_business": {"share": 0.10, "focus": ["tech", "business"]},
    "science_tech": {"share": 0.09, "focus": ["science", "tech"]},
    "culture_lifestyle": {"share": 0.11, "focus": ["culture", "lifestyle"]},
    "casual": {"share": 0.22, "focus": []},
}

_SPORT_BEATS = ["football", "cricket", "rugby", "tennis", "golf", "cycling", "athletics", "motor racing"]
_TITLE_WORDS = {
    "news": (["Storm", "Rail strike", "Council", "Hospital", "Flooding", "School", "Police", "Airport"],
             ["latest", "what we know", "explained", "live updates", "in pictures", "the day after"]),
    "politics": (["Budget", "Election", "Parliament", "Minister", "Polls", "Referendum", "Cabinet", "Opposition"],
                 ["vote tonight", "explained", "what it means", "row deepens", "analysis", "key moments"]),
    "business": (["Markets", "Interest rates", "Retail sales", "Inflation", "Start-ups", "Oil price", "Banks",
                  "Pensions"], ["fall again", "rally", "outlook", "explained", "what next", "surprise"]),
    "tech": (["Smartphone", "AI model", "Chip maker", "App store", "Cyber attack", "Laptop", "Open source",
              "Social network"], ["review", "launch", "explained", "leak", "hands-on", "security flaw"]),
    "science": (["Telescope", "Climate study", "Vaccine", "Fossil", "Mars rover", "Gene therapy", "Ocean",
                 "Particle physics"], ["breakthrough", "new findings", "explained", "mission update", "debate"]),
    "culture": (["Film", "Album", "Novel", "Exhibition", "Theatre", "TV drama", "Festival", "Poetry"],
                ["review", "interview", "shortlist", "premiere", "five to watch", "retrospective"]),
    "lifestyle": (["Recipe", "Travel", "Fitness", "Gardening", "Home", "Fashion", "Parenting", "Money tips"],
                  ["guide", "ten ideas", "on a budget", "how to", "weekend", "for beginners"]),
}


def _section_sizes(n_pages) -> list:
    """Articles per section for a catalogue of ``n_pages`` pages (hubs included)."""
    if n_pages is None:
        return [37] * len(SECTIONS)
    if isinstance(n_pages, bool) or not isinstance(n_pages, (int, np.integer)) or not 50 <= n_pages <= 9000:
        raise ValueError(f"n_pages must be a whole number from 50 to 9,000 (hubs included), got {n_pages!r}")
    base, extra = divmod(int(n_pages) - len(HUBS), len(SECTIONS))
    return [base + (i < extra) for i in range(len(SECTIONS))]


def clickstream_pages(seed: int = 11, n_pages=None) -> list:
    """The page catalogue: ``[(page, section, title, position)]``.

    Two hub pages (``home``, ``search``) plus 37 articles in each of the 8
    sections: 298 pages (``n_pages`` pages in all, spread evenly over the
    sections, when given). Article ids are random four-digit numbers, so an id says
    nothing about its section. ``position`` (0 to 1) orders the sport articles
    along the sport beat, from football to motor racing; it is 0 elsewhere.
    """
    rng = np.random.default_rng(whole_number(seed, "seed", minimum=0))
    sizes = _section_sizes(n_pages)
    ids = rng.choice(np.arange(1000, 10000), size=sum(sizes), replace=False)
    pages = [("home", "hub", "Front page", 0.0), ("search", "hub", "Search", 0.0)]
    k = 0
    for section, per_section in zip(SECTIONS, sizes):
        for j in range(per_section):
            if section == "sport":
                position = j / (per_section - 1)
                beat = _SPORT_BEATS[min(int(position * len(_SPORT_BEATS)), len(_SPORT_BEATS) - 1)]
                kind = ["match report", "transfer talk", "preview", "analysis", "highlights"][j % 5]
                title = f"{beat.capitalize()}: {kind} {j + 1}"
            else:
                position = 0.0
                subjects, angles = _TITLE_WORDS[section]
                title = f"{subjects[j % len(subjects)]}: {angles[(j * 3 + 1) % len(angles)]}"
            pages.append((f"a{ids[k]}", section, title, position))
            k += 1
    return pages


def _segments(segments=None, casual_share=None) -> dict:
    """The planted segments, checked, with the casual share changed when asked."""
    segments = SEGMENTS if segments is None else segments
    if not isinstance(segments, dict) or not segments:
        raise TypeError(f"segments must be a non-empty dict like SEGMENTS, got {type(segments).__name__} "
                        f"{segments!r}")
    for name, spec in segments.items():
        if not isinstance(spec, dict) or set(spec) != {"share", "focus"}:
            raise ValueError(f"segment {name!r} must be a dict with keys 'share' and 'focus', got {spec!r}")
        unknown = [f for f in spec["focus"] if f not in SECTIONS]
        if unknown or len(spec["focus"]) > 3 or not spec["share"] > 0:
            raise ValueError(f"segment {name!r}: focus must list up to 3 of {SECTIONS} and share must be "
                             f"positive, got {spec!r}")
    if casual_share is None:
        return segments
    if isinstance(casual_share, (bool, np.bool_)) or not isinstance(casual_share, numbers.Real):
        raise TypeError(f"casual_share must be a number between 0 and 1, got {type(casual_share).__name__} "
                        f"{casual_share!r}")
    if "casual" not in segments or not 0 < casual_share < 1:
        raise ValueError(f"casual_share must be between 0 and 1 and segments must have 'casual', got {casual_share!r}")
    rest = sum(spec["share"] for name, spec in segments.items() if name != "casual")
    return {name: {"share": casual_share if name == "casual" else spec["share"] * (1 - casual_share) / rest,
                   "focus": spec["focus"]} for name, spec in segments.items()}


def _click_truth(rng, n_users: int, n_bots: int, segments=None) -> list:
    segments = SEGMENTS if segments is None else segments
    names = list(segments)
    shares = np.array([segments[s]["share"] for s in names])
    segment_of = rng.choice(len(names), size=n_users, p=shares / shares.sum())
    labels = [names[s] for s in segment_of.tolist()] + ["bot"] * n_bots
    order = rng.permutation(n_users + n_bots)
    return [(f"U{i + 1:05d}", labels[j]) for i, j in enumerate(order.tolist())]


def clickstream_tables(seed: int = 11, n_users: int = 5000, n_bots: int = 6, *, n_pages=None, segments=None,
                       casual_share=None, visits_median: float = 9.0, hub_share: float = 1.0) -> tuple:
    """Build the clickstream events and the planted truth.

    Returns ``(events, truth)``: ``events`` is a list of ``(seconds, user_id,
    page)`` in the order the log file lists them (seconds since
    ``FIRST_DAY`` midnight; page ``""`` when the logger lost it), and
    ``truth`` is ``[(user_id, segment)]``.

    How a user reads: visits (sessions) are spread over the six weeks at hours
    drawn from a day-and-evening profile (few at night); how many visits a user
    makes is lognormal and independent of their segment. A visit opens on
    ``home`` (60%) or ``search`` (15%) or straight on an article, then reads
    articles of one section drawn from the user's section mix (with a 30% chance
    of a second section), returning to a hub now and then. Half the visits that
    open on ``home`` first read one of the front page's 24 top stories (the
    three most read articles of each section), whatever the user's interests. Pages follow each
    other after a lognormal pause (median 50 s), with an occasional long read of
    10 to 25 minutes; a user's next visit starts at least 2 hours after the
    previous one ended.

    The defaults make the shipped files. The knobs below make other
    clickstreams of the same kind, to hold a pipeline to data it was not
    tuned on (``seed`` too):

    n_pages : int, optional
        Catalogue size, hubs included (default 298); 250 to 2,000 is the
        range the course studies.
    segments : dict, optional
        The planted segments (default :data:`SEGMENTS`); a segment's
        ``focus`` lists up to three sections, and segments may share
        sections (see :data:`OVERLAPPING_SEGMENTS`).
    casual_share : float, optional
        Share of casual readers (the other segments keep their proportions).
    visits_median : float
        Median visits per reader in six weeks before the two every reader
        makes (default 9).
    hub_share : float
        Multiplies how often a visit opens on a hub and returns to one
        (default 1: 60% of visits open on ``home``, 15% on ``search``).
    """
    seed = whole_number(seed, "seed", minimum=0)
    n_users = whole_number(n_users, "n_users", maximum=200_000)
    n_bots = whole_number(n_bots, "n_bots", minimum=0, maximum=1000)
    for name, value in (("visits_median", visits_median), ("hub_share", hub_share)):
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
            raise TypeError(f"{name} must be a number, got {type(value).__name__} {value!r}")
    segments = _segments(segments, casual_share)
    if not (visits_median > 0 and 0 <= hub_share <= 1 / 0.75):
        raise ValueError(f"visits_median must be positive and hub_share between 0 and 1.33, got "
                         f"{visits_median!r} and {hub_share!r}")
    rng = np.random.default_rng(seed)
    pages = clickstream_pages(seed, n_pages)
    truth = _click_truth(rng, n_users, n_bots, segments)
    n_sec = len(SECTIONS)
    by_section = {s: [p for p in pages if p[1] == s] for s in SECTIONS}
    # Popularity within a section: Zipf-like over a random order of its articles.
    popularity = {}
    for s in SECTIONS:
        w = 1.0 / (1.0 + rng.permutation(len(by_section[s])))
        popularity[s] = w / w.sum()
    # The front page's top stories: the three most read articles of each section.
    top_stories = [by_section[s][i][0] for s in SECTIONS for i in np.argsort(-popularity[s])[:3].tolist()]
    sport_pos = np.array([p[3] for p in by_section["sport"]])
    hour_weights = np.array([0.2, 0.1, 0.1, 0.1, 0.2, 0.5, 1.2, 2.2, 2.6, 2.0, 1.5, 1.4,
                             1.8, 1.6, 1.3, 1.2, 1.3, 1.6, 2.0, 2.4, 2.6, 2.2, 1.4, 0.6])
    hour_weights = hour_weights / hour_weights.sum()
    horizon = DAYS * 86400
    all_pages = [p[0] for p in pages]

    events = []
    for user, segment in truth:
        if segment == "bot":  # a scraper: thousands of hits, seconds apart, any hour
            n_hits = int(rng.integers(2500, 6000))
            start = int(rng.integers(0, horizon - 4 * 86400))
            t = start + np.cumsum(rng.integers(2, 40, size=n_hits))
            for ti, pi in zip(t.tolist(), rng.integers(0, len(all_pages), size=n_hits).tolist()):
                events.append((ti, user, all_pages[pi]))
            continue
        spec = segments[segment]
        mix = np.zeros(n_sec)
        if spec["focus"]:
            focus = float(rng.beta(20, 2))
            if len(spec["focus"]) == 1:
                mix[SECTIONS.index(spec["focus"][0])] = focus
            elif len(spec["focus"]) == 3:
                for name, a in zip(spec["focus"], rng.dirichlet(np.full(3, 20.0)).tolist()):
                    mix[SECTIONS.index(name)] = focus * a
            else:
                a = float(rng.beta(20, 20))
                mix[SECTIONS.index(spec["focus"][0])] = focus * a
                mix[SECTIONS.index(spec["focus"][1])] = focus * (1 - a)
            rest = rng.dirichlet(np.full(n_sec, 0.5))
            rest[0] += 1.0  # background reading leans to news
            mix += (1 - focus) * rest / rest.sum()
        else:  # a skimmer: a little of everything, mostly what is on the front page
            mix = rng.dirichlet(np.full(n_sec, 3.0))
        mix = mix / mix.sum()
        sport_w = popularity["sport"]
        if segment == "sport":  # follows a stretch of the sport beat
            centre = float(rng.uniform(0, 1))
            sport_w = np.exp(-0.5 * ((sport_pos - centre) / 0.12) ** 2) * (0.3 + popularity["sport"])
            sport_w = sport_w / sport_w.sum()

        n_visits = 2 + int(np.round(rng.lognormal(np.log(visits_median), 0.6)))
        starts = np.sort(rng.integers(0, DAYS, size=n_visits) * 86400
                         + rng.choice(24, size=n_visits, p=hour_weights) * 3600
                         + rng.integers(0, 3600, size=n_visits))
        last_end = -10**9
        for t in starts.tolist():
            if t < last_end + 7200:  # too soon: the visit moves to 2 to 6 hours after the previous one ended
                t = last_end + 7200 + int(rng.integers(0, 4 * 3600))
            if t >= horizon:
                break
            u = rng.random()
            seq = ["home"] if u < 0.6 * hub_share else (["search"] if u < 0.75 * hub_share else [])
            if u < 0.6 * hub_share and rng.random() < 0.5:  # a top story catches the eye, whatever the section
                seq.append(top_stories[int(rng.integers(0, len(top_stories)))])
            sections = [int(rng.choice(n_sec, p=mix))]
            if rng.random() < 0.3:
                sections.append(int(rng.choice(n_sec, p=mix)))
            for s in sections:
                name = SECTIONS[s]
                w = sport_w if name == "sport" else popularity[name]
                n_read = min(1 + int(rng.geometric(0.28)), len(w))
                chosen = rng.choice(len(w), size=n_read, replace=False, p=w)
                for c in chosen.tolist():
                    seq.append(by_section[name][c][0])
                    if rng.random() < 0.08 * hub_share:
                        seq.append(HUBS[int(rng.integers(0, 2))])
            pauses = np.minimum(rng.lognormal(np.log(50.0), 0.9, size=len(seq)), 600)
            long_read = rng.random(len(seq)) < 0.03
            pauses[long_read] = rng.uniform(600, 1500, size=int(long_read.sum()))
            pauses[0] = 0
            times = t + np.cumsum(np.round(pauses).astype(int))
            last_end = int(times[-1])
            for ti, page in zip(times.tolist(), seq):
                if ti < horizon:
                    events.append((ti, user, page))

    # Logging mess: a few lost page ids, retried (duplicate) events, late writes.
    n = len(events)
    for i in rng.choice(n, size=n // 400, replace=False).tolist():
        events[i] = (events[i][0], events[i][1], "")
    events.extend(events[i] for i in rng.choice(n, size=n // 80, replace=False).tolist())
    late = np.where(rng.random(len(events)) < 0.04, rng.integers(60, 3 * 3600, size=len(events)), 0)
    order = np.lexsort((np.arange(len(events)), np.array([e[0] for e in events]) + late))
    return [events[i] for i in order.tolist()], truth


def _click_time(seconds: int) -> str:
    day, rest = divmod(int(seconds), 86400)
    d = FIRST_DAY + timedelta(days=day)
    return f"{d.isoformat()} {rest // 3600:02d}:{rest % 3600 // 60:02d}:{rest % 60:02d}"


def make_clickstream(seed: int = 11, n_users: int = 5000, n_bots: int = 6, **knobs) -> tuple:
    """A clickstream of the shipped kind as DataFrames, without writing files.

    Takes the arguments of :func:`clickstream_tables` (its knobs included) and
    returns ``(events, truth, pages)``: ``events`` as :func:`read_clickstream`
    reads the shipped log (``user_id, timestamp, page``, mess included),
    ``truth`` the planted segment of every user (a Series indexed by user id)
    and ``pages`` the catalogue (``page, section, title``). With the defaults
    it is the shipped data.
    """
    events, truth = clickstream_tables(seed, n_users, n_bots, **knobs)
    seconds = np.fromiter((e[0] for e in events), dtype=np.int64, count=len(events))
    pages = pd.DataFrame([p[:3] for p in clickstream_pages(seed, knobs.get("n_pages"))],
                         columns=["page", "section", "title"], dtype="string")
    frame = pd.DataFrame({
        "user_id": pd.array([e[1] for e in events], dtype="string"),
        "timestamp": pd.Timestamp(FIRST_DAY) + pd.to_timedelta(seconds, unit="s"),
        "page": pd.array([e[2] or None for e in events], dtype="string"),
    })
    segments = pd.Series(pd.array([t[1] for t in truth], dtype="string"), name="segment",
                         index=pd.Index(pd.array([t[0] for t in truth], dtype="string"), name="user_id"))
    return frame, segments, pages


def write_clickstream(path, seed: int = 11) -> Path:
    """Write ``clickstream.csv.gz``: ``user_id,timestamp,page``, one row per page view."""
    events, _ = clickstream_tables(seed)
    lines = ["user_id,timestamp,page\n"]
    lines.extend(f"{user},{_click_time(t)},{page}\n" for t, user, page in events)
    return write_gzip(path, "".join(lines).encode("utf-8"))


def write_clickstream_pages(path, seed: int = 11) -> Path:
    """Write ``clickstream_pages.csv``: ``page,section,title`` for the 298 pages."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["page", "section", "title"])
    writer.writerows((p, s, title) for p, s, title, _ in clickstream_pages(seed))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buf.getvalue().encode("utf-8"))
    return path


def write_clickstream_truth(path, seed: int = 11, n_users: int = 5000, n_bots: int = 6) -> Path:
    """Write ``clickstream_truth.csv``: ``user_id,segment`` (replays only the truth's draws)."""
    rng = np.random.default_rng(seed)
    truth = _click_truth(rng, n_users, n_bots)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(("user_id,segment\n" + "".join(f"{u},{s}\n" for u, s in truth)).encode("utf-8"))
    return path



def read_clickstream(path) -> pd.DataFrame:
    """Read ``clickstream.csv.gz``: user_id, timestamp, page (missing pages stay missing)."""
    return pd.read_csv(path, dtype={"user_id": "string", "page": "string"}, parse_dates=["timestamp"],
                       date_format="%Y-%m-%d %H:%M:%S")


def read_clickstream_pages(path) -> pd.DataFrame:
    """Read ``clickstream_pages.csv``: page, section, title."""
    return pd.read_csv(path, dtype="string")


def read_clickstream_truth(path) -> pd.DataFrame:
    """Read ``clickstream_truth.csv``: user_id, segment."""
    return pd.read_csv(path, dtype="string")


DATASETS = [
    Dataset(
        name="clickstream",
        filename="clickstream.csv.gz",
        description="page views of a media site over six weeks (2024), messy; one row per view",
        write=write_clickstream,
        read=read_clickstream,
        notebook="03",
    ),
    Dataset(
        name="clickstream_pages",
        filename="clickstream_pages.csv",
        description="the media site's pages: page id, section, title",
        write=write_clickstream_pages,
        read=read_clickstream_pages,
        notebook="03",
    ),
    Dataset(
        name="clickstream_truth",
        filename="clickstream_truth.csv",
        description="the planted interest segment of each clickstream user (casual and bot included)",
        write=write_clickstream_truth,
        read=read_clickstream_truth,
        notebook="03",
    ),
]
