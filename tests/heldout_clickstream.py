"""An independent clickstream generator, to hold notebook 03's pipeline to data it was not tuned on.

It shares no code with ``course_utils.data.clickstream`` and makes other choices on
purpose: other section names (ten of them, of unequal size), three hub pages, interest
groups that are *mixtures* of sections and *share* sections (two groups read recipes,
two read music), readers whose mix is jittered around their group's, 10% casual readers
by default, a handful of trending articles that everybody opens now and then, and a
number of visits drawn independently of the reader's interest.

``heldout_clickstream(seed, n_readers, n_pages)`` returns ``(events, truth, pages)``:

- ``events``: ``user_id, timestamp, page``, one row per page view, in time order;
- ``truth``: the planted group of every reader (``"casual"`` for casual readers);
- ``pages``: ``page, section`` (``"hub"`` for the hubs).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SECTIONS = ["recipes", "gardening", "travel", "money", "gaming", "health", "motoring", "parenting", "music", "film"]
HUBS = ["front", "search", "newsletter"]

#: Interest groups: the sections they read and in what proportion. Two pairs share a section.
GROUPS = {
    "cooks_gardeners": {"recipes": 0.55, "gardening": 0.45},
    "food_travellers": {"travel": 0.6, "recipes": 0.4},
    "savers": {"money": 1.0},
    "gamers": {"gaming": 0.7, "music": 0.3},
    "families": {"parenting": 0.6, "health": 0.4},
    "drivers": {"motoring": 1.0},
    "fans": {"film": 0.55, "music": 0.45},
}


def _catalogue(rng, n_pages: int) -> pd.DataFrame:
    n_articles = n_pages - len(HUBS)
    sizes = rng.multinomial(n_articles - 8 * len(SECTIONS), rng.dirichlet(np.full(len(SECTIONS), 4.0))) + 8
    ids = rng.choice(np.arange(10_000, 100_000), size=n_articles, replace=False)
    section = np.repeat(SECTIONS, sizes)
    return pd.DataFrame({"page": HUBS + [f"p{i}" for i in ids], "section": ["hub"] * len(HUBS) + list(section)})


def heldout_clickstream(seed: int = 0, n_readers: int = 3000, n_pages: int = 1500, casual_share: float = 0.10,
                        visits_median: float = 8.0, days: int = 30) -> tuple:
    """A clickstream with planted interest groups, independent of the course's generator."""
    rng = np.random.default_rng(seed + 7919)
    pages = _catalogue(rng, n_pages)
    articles = pages[pages["section"] != "hub"].reset_index(drop=True)
    in_section = {s: articles.index[articles["section"] == s].to_numpy() for s in SECTIONS}
    # popularity inside a section: Zipf with exponent 0.9 over a random order
    pop = {s: 1.0 / (1 + rng.permutation(len(ix))) ** 0.9 for s, ix in in_section.items()}
    pop = {s: w / w.sum() for s, w in pop.items()}
    trending = rng.choice(len(articles), size=12, replace=False)

    names = list(GROUPS)
    weights = np.array([1.0, 0.9, 1.1, 1.0, 0.8, 0.9, 1.0])
    n_casual = int(round(casual_share * n_readers))
    groups = np.array(["casual"] * n_casual + list(rng.choice(names, size=n_readers - n_casual,
                                                               p=weights / weights.sum())), dtype=object)
    rng.shuffle(groups)
    readers = [f"r{i:05d}" for i in rng.permutation(n_readers)]

    rows_user, rows_time, rows_page = [], [], []
    page_ids = articles["page"].to_numpy()
    s_index = {s: j for j, s in enumerate(SECTIONS)}
    for reader, group in zip(readers, groups):
        if group == "casual":
            mix = rng.dirichlet(np.ones(len(SECTIONS)))
        else:
            centre = np.zeros(len(SECTIONS))
            for s, w in GROUPS[group].items():
                centre[s_index[s]] = w
            own = rng.dirichlet(centre[centre > 0] * 25) if (centre > 0).sum() > 1 else np.ones(1)
            centre[centre > 0] = own
            focus = rng.beta(12, 3)
            mix = focus * centre + (1 - focus) * rng.dirichlet(np.full(len(SECTIONS), 0.3))
        n_visits = 1 + int(rng.poisson(rng.lognormal(np.log(visits_median), 0.7)))
        starts = np.sort(rng.uniform(0, days * 86400, size=n_visits))
        starts = starts + np.arange(n_visits) * 3 * 3600  # visits at least three hours apart
        for start in starts:
            seq = []
            if rng.random() < 0.55:
                seq.append(HUBS[int(rng.choice(3, p=[0.7, 0.2, 0.1]))])
            if rng.random() < 0.25:
                seq.append(page_ids[trending[int(rng.integers(len(trending)))]])
            for _ in range(1 + int(rng.random() < 0.25)):
                s = SECTIONS[int(rng.choice(len(SECTIONS), p=mix))]
                k = min(int(rng.geometric(0.3)), len(in_section[s]))
                for j in rng.choice(in_section[s], size=k, replace=False, p=pop[s]):
                    seq.append(page_ids[j])
                    if rng.random() < 0.1:
                        seq.append(HUBS[int(rng.integers(3))])
            t = start + np.cumsum(np.concatenate([[0.0], rng.exponential(70.0, size=len(seq) - 1)]))
            rows_user += [reader] * len(seq)
            rows_time += t.tolist()
            rows_page += seq
    first = pd.Timestamp("2025-01-06")
    events = pd.DataFrame({"user_id": rows_user, "timestamp": first + pd.to_timedelta(np.round(rows_time), unit="s"),
                           "page": rows_page})
    events = events.sort_values("timestamp", kind="stable").reset_index(drop=True)
    truth = pd.Series(groups, index=pd.Index(readers, name="user_id"), name="segment").sort_index()
    return events, truth, pages
