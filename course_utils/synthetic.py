"""Seeded generators for the shipped datasets.

Each ``write_*`` function writes one file byte for byte the same on every run,
every platform and every supported library version: values come from NumPy's
``default_rng(seed)`` and are formatted by hand (not by pandas), and compressed
files get a fixed timestamp. ``python -m course_utils data --restore`` calls
them to rebuild a missing or damaged file, and a test proves the rebuilt bytes
match the checksums in ``datasets/SHA256SUMS``.
"""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import numpy as np

TOUR_COUNTRIES = ["United Kingdom", "Germany", "France", "Spain", "Netherlands"]


def tour_orders_rows(seed: int = 0) -> list:
    """Rows of the small ``tour_orders`` table used in notebook 00.

    About 400 orders by 120 customers over 2024; some 6% of orders lack a
    customer id, as exported orders often do. Spend per customer is skewed
    (a few customers buy a lot), which the tour's bar chart shows.
    """
    rng = np.random.default_rng(seed)
    n_customers, n_orders = 120, 400
    # Lognormal "appetite" per customer: who orders often, and how much.
    appetite = rng.lognormal(mean=0.0, sigma=0.8, size=n_customers)
    home = rng.choice(len(TOUR_COUNTRIES), size=n_customers, p=[0.6, 0.12, 0.12, 0.08, 0.08])
    who = rng.choice(n_customers, size=n_orders, p=appetite / appetite.sum())
    day = rng.integers(0, 366, size=n_orders)
    items = 1 + rng.poisson(2.0 * np.sqrt(appetite[who]))
    unit = rng.lognormal(mean=2.3, sigma=0.4, size=n_orders)
    missing = rng.random(n_orders) < 0.06
    start = date(2024, 1, 1)
    order_sequence = np.argsort(day, kind="stable")
    rows = []
    for k, i in enumerate(order_sequence):
        rows.append(
            {
                "order_id": f"O{k + 1:05d}",
                "customer_id": "" if missing[i] else f"C{who[i] + 1:04d}",
                "order_date": (start + timedelta(days=int(day[i]))).isoformat(),
                "country": TOUR_COUNTRIES[home[who[i]]],
                "items": str(int(items[i])),
                "amount": f"{items[i] * unit[i]:.2f}",
            }
        )
    return rows


def write_tour_orders(path, seed: int = 0) -> Path:
    """Write ``tour_orders.csv`` (UTF-8, ``\\n`` line ends) to ``path``."""
    path = Path(path)
    rows = tour_orders_rows(seed)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buf.getvalue().encode("utf-8"))
    return path


# ---------------------------------------------------------------------------
# Online Retail (notebook 01): the UCI Online Retail schema, with planted truth
# ---------------------------------------------------------------------------

RETAIL_COLUMNS = ["InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID", "Country"]
RETAIL_FIRST_DAY = date(2010, 12, 1)
RETAIL_LAST_DAY = date(2011, 12, 9)  # the snapshot date for RFM is the day after

#: Planted behaviour segments: share of customers, days since the last purchase,
#: number of invoices, and value of a typical basket. Ranges are sampled uniformly
#: (recency) or log-uniformly (invoices, basket).
RETAIL_SEGMENTS = {
    "champions": dict(share=0.10, recency=(1, 25), invoices=(10, 36), basket=(300, 900)),
    "loyal": dict(share=0.18, recency=(3, 75), invoices=(4, 12), basket=(150, 400)),
    "new": dict(share=0.13, recency=(1, 45), invoices=(1, 2), basket=(100, 420)),
    "at_risk": dict(share=0.15, recency=(90, 240), invoices=(3, 11), basket=(180, 500)),
    "lost": dict(share=0.32, recency=(170, 373), invoices=(1, 2), basket=(40, 240)),
    "big_spenders": dict(share=0.12, recency=(5, 150), invoices=(1, 4), basket=(1300, 5000)),
}

NON_PRODUCT_CODES = {
    "POST": ("POSTAGE", 18.00),
    "DOT": ("DOTCOM POSTAGE", None),
    "M": ("Manual", None),
    "BANK CHARGES": ("Bank Charges", 15.00),
    "C2": ("CARRIAGE", 50.00),
    "PADS": ("PADS TO MATCH ALL CUSHIONS", 0.001),
}

_ADJECTIVES = ["VINTAGE", "RETRO", "SET OF 3", "SMALL", "LARGE", "JUMBO", "MINI", "REGENCY", "WOODEN", "GLASS",
               "ENAMEL", "CERAMIC", "PAPER", "HANGING", "FOLDING", "SCANDINAVIAN", "FRENCH", "ANTIQUE", "PACK OF 12"]
_COLOURS = ["WHITE", "RED", "PINK", "BLUE", "GREEN", "IVORY", "SILVER", "GOLD", "BLACK", "PASTEL", "SPOTTY",
            "STRIPY", "FLORAL", "CREAM", "HEART"]
_NOUNS = ["T-LIGHT HOLDER", "LUNCH BAG", "CAKE STAND", "TEA CUP", "DOORMAT", "JAM JAR", "PHOTO FRAME",
          "BUNTING", "CHRISTMAS DECORATION", "CUSHION COVER", "NAPKINS", "NOTEBOOK", "ALARM CLOCK",
          "HOT WATER BOTTLE", "STORAGE TIN", "WALL SIGN", "BAKING SET", "PURSE", "CANDLE", "MUG"]
_COUNTRIES = [("United Kingdom", 0.885), ("Germany", 0.024), ("France", 0.022), ("EIRE", 0.012),
              ("Spain", 0.008), ("Belgium", 0.007), ("Netherlands", 0.006), ("Switzerland", 0.006),
              ("Portugal", 0.006), ("Australia", 0.005), ("Norway", 0.005), ("Italy", 0.005),
              ("Sweden", 0.004), ("Denmark", 0.003), ("Japan", 0.002)]


def _retail_catalogue(rng, n=900):
    """StockCode, Description, UnitPrice and popularity of each product."""
    codes, descriptions, seen = [], [], set()
    while len(codes) < n:
        code = str(rng.integers(20600, 23400))
        if rng.random() < 0.12:
            code = str(rng.integers(84000, 90300)) + "ABCDEFG"[rng.integers(0, 7)]
        text = f"{_ADJECTIVES[rng.integers(len(_ADJECTIVES))]} {_COLOURS[rng.integers(len(_COLOURS))]} " \
               f"{_NOUNS[rng.integers(len(_NOUNS))]}"
        if code in seen or text in descriptions:
            continue
        seen.add(code)
        codes.append(code)
        descriptions.append(text)
    prices = np.clip(np.round(rng.lognormal(np.log(2.6), 0.75, n), 2), 0.19, 39.95)
    popularity = 1.0 / np.arange(1, n + 1) ** 0.9
    return codes, descriptions, prices, popularity / popularity.sum()


def _minutes(day: date, rng) -> str:
    """A timestamp on ``day`` during shop hours, as 'YYYY-MM-DD HH:MM'."""
    minute = int(rng.integers(8 * 60, 19 * 60))
    return f"{day.isoformat()} {minute // 60:02d}:{minute % 60:02d}"


def _later(when: str, rng) -> str:
    """A time 5 to 90 minutes after ``when`` on the same day (at most 23:59)."""
    day, hm = when.split(" ")
    minute = min(int(hm[:2]) * 60 + int(hm[3:]) + int(rng.integers(5, 91)), 23 * 60 + 59)
    return f"{day} {minute // 60:02d}:{minute % 60:02d}"


def _retail_truth(rng, n_customers: int = 4000) -> list:
    """``[(CustomerID, segment)]``: the draws made right after the catalogue's."""
    names = list(RETAIL_SEGMENTS)
    shares = np.array([RETAIL_SEGMENTS[s]["share"] for s in names])
    segment_of = rng.choice(len(names), size=n_customers, p=shares / shares.sum())
    ids = np.sort(rng.choice(np.arange(12346, 18288), size=n_customers, replace=False))
    return [(cid, names[s]) for cid, s in zip(ids.tolist(), segment_of.tolist())]


def online_retail_tables(seed: int = 7) -> tuple:
    """Build the Online Retail line items and the planted truth.

    Returns ``(lines, truth)``: ``lines`` is a list of dicts in the UCI schema
    (before invoice numbers are assigned, with a sortable ``_when`` key), and
    ``truth`` a list of ``(CustomerID, segment)``.
    """
    rng = np.random.default_rng(seed)
    codes, descriptions, prices, popularity = _retail_catalogue(rng)
    truth = _retail_truth(rng)
    n_products = len(codes)
    last_day = RETAIL_LAST_DAY
    span = (RETAIL_LAST_DAY - RETAIL_FIRST_DAY).days
    countries = [c for c, _ in _COUNTRIES]
    weights = np.array([w for _, w in _COUNTRIES])
    weights = weights / weights.sum()

    invoices = []  # (when, customer, country, [(product, qty)], kind)

    def basket_lines(value):
        k = 1 + rng.poisson(min(max(value / 40.0, 3.0), 16.0))
        chosen = rng.choice(n_products, size=min(k, n_products), replace=False, p=popularity)
        share = rng.dirichlet(np.ones(len(chosen)))
        qty = np.maximum(1, np.round(share * value / prices[chosen])).astype(int)
        return list(zip(chosen.tolist(), qty.tolist()))

    for cid, segment in truth:
        spec = RETAIL_SEGMENTS[segment]
        country = countries[rng.choice(len(countries), p=weights)]
        recency = int(rng.integers(spec["recency"][0], spec["recency"][1] + 1))
        lo, hi = spec["invoices"]
        n_inv = int(np.round(np.exp(rng.uniform(np.log(lo), np.log(hi + 0.49)))))
        basket = float(np.exp(rng.uniform(*np.log(spec["basket"]))))
        last = last_day - timedelta(days=recency - 1)
        if segment == "new":
            first = max(RETAIL_FIRST_DAY, last - timedelta(days=int(rng.integers(0, 30))))
        else:
            first = max(RETAIL_FIRST_DAY, last - timedelta(days=int(rng.integers(90, span + 1))))
        window = max((last - first).days, 0)
        days = sorted(set([window] + rng.integers(0, window + 1, size=n_inv - 1).tolist()))
        while len(days) < n_inv:  # two invoices may share a day; keep n_inv invoices
            days.append(days[-1])
        for d in days:
            value = basket * float(rng.lognormal(0, 0.3))
            invoices.append([first + timedelta(days=d), cid, country, basket_lines(value), "sale"])

    # Guest checkouts: no CustomerID, about a fifth of all lines.
    for _ in range(10500):
        day = RETAIL_FIRST_DAY + timedelta(days=int(rng.integers(0, span + 1)))
        invoices.append([day, None, "United Kingdom" if rng.random() < 0.93 else countries[rng.integers(1, 6)],
                         basket_lines(float(rng.lognormal(np.log(150), 0.6))), "guest"])

    # Wholesale outliers (added as lines below): two huge orders cancelled the same day, three kept.
    big = [i for i, (cid, s) in enumerate(truth) if s == "big_spenders"]
    outliers = []
    for j, qty in zip(rng.choice(big, size=5, replace=False).tolist(), [80995, 74215, 12540, 4800, 3114]):
        day = RETAIL_FIRST_DAY + timedelta(days=int(rng.integers(30, span - 30)))
        outliers.append((truth[j][0], day, int(rng.integers(50, n_products)), qty))

    rows = []

    def add(when, invoice_key, code, desc, qty, price, cid, country):
        rows.append({"_when": when, "_inv": invoice_key, "StockCode": code, "Description": desc,
                     "Quantity": int(qty), "UnitPrice": float(price), "CustomerID": cid, "Country": country})

    sales = []
    for k, (day, cid, country, lines, kind) in enumerate(invoices):
        when = _minutes(day, rng)
        key = ("C" if kind == "cancel" else "", when, k)
        for product, qty in lines:
            price = prices[product] if rng.random() > 0.002 else 0.0  # a few free gifts
            add(when, key, codes[product], descriptions[product], qty, price, cid, country)
        if kind == "sale" and cid is not None:
            sales.append((k, day, cid, country, lines, when))
        # non-product lines: postage abroad, dotcom postage for guests, manual fixes
        u = rng.random()
        if cid is not None and country != "United Kingdom" and u < 0.5:
            add(when, key, "POST", "POSTAGE", int(rng.integers(1, 4)), 18.0, cid, country)
        elif cid is None and u < 0.2:
            add(when, key, "DOT", "DOTCOM POSTAGE", 1, round(float(rng.uniform(5, 900)), 2), cid, country)
        elif u < 0.006:
            code = ["M", "BANK CHARGES", "C2", "PADS"][rng.integers(0, 4)]
            desc, price = NON_PRODUCT_CODES[code]
            add(when, key, code, desc, 1, price if price is not None else round(float(rng.uniform(0.5, 300)), 2),
                cid, country)

    for j, (cid, day, product, qty) in enumerate(outliers):
        when = _minutes(day, rng)
        add(when, ("", when, 3 * 10**7 + j), codes[product], descriptions[product], qty, prices[product], cid,
            "United Kingdom")
        if qty > 50000:  # a typing error, cancelled minutes later
            later = _later(when, rng)
            add(later, ("C", later, 3 * 10**7 + j), codes[product], descriptions[product], -qty, prices[product],
                cid, "United Kingdom")

    # Cancellations: about 3% of sales are partly or wholly cancelled a few days later.
    for k, day, cid, country, lines, sold in sales:
        if rng.random() < 0.03:
            cday = min(day + timedelta(days=int(rng.integers(0, 15))), RETAIL_LAST_DAY)
            when = _minutes(cday, rng)
            if when <= sold:  # same day: a cancellation comes after the purchase it cancels
                when = _later(sold, rng)
            key = ("C", when, len(invoices) + k)
            picks = rng.choice(len(lines), size=min(len(lines), 1 + int(rng.integers(0, 3))), replace=False)
            for p in picks.tolist():
                product, qty = lines[p]
                back = qty if rng.random() < 0.7 else max(1, qty // 2)
                add(when, key, codes[product], descriptions[product], -back, prices[product], cid, country)
    # ... and some cancel purchases made before the data starts (nothing to match).
    for j in rng.choice(len(truth), size=60, replace=False).tolist():
        cid = truth[j][0]
        when = _minutes(RETAIL_FIRST_DAY + timedelta(days=int(rng.integers(0, 40))), rng)
        product = int(rng.integers(0, n_products))
        add(when, ("C", when, 10**7 + j), codes[product], descriptions[product], -int(rng.integers(1, 13)),
            prices[product], cid, "United Kingdom")

    # Stock adjustments: negative quantity, no customer, no price, not a cancellation.
    for j in range(180):
        when = _minutes(RETAIL_FIRST_DAY + timedelta(days=int(rng.integers(0, span + 1))), rng)
        product = int(rng.integers(0, n_products))
        add(when, ("", when, 2 * 10**7 + j), codes[product], ["damaged", "?", "check", "wet damaged", "lost"][j % 5],
            -int(rng.integers(1, 200)), 0.0, None, "United Kingdom")

    # Exact duplicate lines (a double-submitted basket line), about 1%.
    for i in rng.choice(len(rows), size=len(rows) // 100, replace=False).tolist():
        rows.append(dict(rows[i]))

    return rows, truth


def write_online_retail(path, seed: int = 7) -> Path:
    """Write ``online_retail.csv.gz``: line items in the UCI Online Retail schema.

    Invoice numbers count up from 536365 in time order, as in the UCI file;
    cancellations carry a "C" prefix. The planted truth goes to
    ``online_retail_truth.csv`` (see :func:`write_online_retail_truth`).
    """
    rows, _ = online_retail_tables(seed)
    rows.sort(key=lambda r: (r["_when"], r["_inv"][2], r["_inv"][0]))
    numbers, next_no = {}, 536365
    for r in rows:
        key = r["_inv"]
        if key not in numbers:
            numbers[key] = next_no
            next_no += 1
        r["InvoiceNo"] = f"{key[0]}{numbers[key]}"
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(RETAIL_COLUMNS)
    for r in rows:
        writer.writerow([r["InvoiceNo"], r["StockCode"], r["Description"], r["Quantity"], r["_when"],
                         _price(r["UnitPrice"]), "" if r["CustomerID"] is None else r["CustomerID"], r["Country"]])
    return _write_gzip(path, buf.getvalue().encode("utf-8"))


def write_online_retail_truth(path, seed: int = 7) -> Path:
    """Write ``online_retail_truth.csv``: each customer's planted segment.

    Replays only the draws the truth depends on (the catalogue's, then the
    customers'), not the 280k lines that follow them.
    """
    rng = np.random.default_rng(seed)
    _retail_catalogue(rng)
    truth = _retail_truth(rng)
    text = "CustomerID,segment\n" + "".join(f"{cid},{seg}\n" for cid, seg in truth)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))
    return path


def _price(x: float) -> str:
    """Prices as the shop prints them: 2 decimals, 3 for sub-penny items."""
    return f"{x:.3f}" if 0 < x < 0.01 else f"{x:.2f}"


def _write_gzip(path, payload: bytes) -> Path:
    """Gzip with no file name and a zero timestamp, so the bytes do not depend on when or where."""
    import gzip

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz:
        gz.write(payload)
    return path


# ---------------------------------------------------------------------------
# Media-site clickstream (notebook 03): who reads what, with planted interests
# ---------------------------------------------------------------------------

CLICK_FIRST_DAY = date(2024, 3, 4)  # a Monday; six weeks of logs, timestamps in UTC
CLICK_DAYS = 42
CLICK_SECTIONS = ["news", "politics", "business", "tech", "science", "sport", "culture", "lifestyle"]
CLICK_HUBS = ["home", "search"]

#: Planted interest segments: share of users, and the sections they read.
#: ``focus`` sections take most of a member's reading; a segment with two
#: focus sections mixes them. ``sport`` is elongated: each member follows a
#: stretch of the sport beat (football ... motor racing), so its members form a
#: long thin cloud rather than a round one. ``casual`` users follow no pattern:
#: each has a random, sparse mix of sections.
CLICK_SEGMENTS = {
    "sport": {"share": 0.17, "focus": ["sport"]},
    "politics": {"share": 0.13, "focus": ["politics"]},
    "tech": {"share": 0.12, "focus": ["tech"]},
    "business": {"share": 0.10, "focus": ["business"]},
    "science": {"share": 0.09, "focus": ["science"]},
    "culture": {"share": 0.09, "focus": ["culture"]},
    "tech_business": {"share": 0.08, "focus": ["tech", "business"]},
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


def clickstream_pages(seed: int = 11) -> list:
    """The page catalogue: ``[(page, section, title, position)]``.

    Two hub pages (``home``, ``search``) plus 37 articles in each of the 8
    sections: 298 pages. Article ids are random four-digit numbers, so an id says
    nothing about its section. ``position`` (0 to 1) orders the sport articles
    along the sport beat, from football to motor racing; it is 0 elsewhere.
    """
    rng = np.random.default_rng(seed)
    per_section = 37
    ids = rng.choice(np.arange(1000, 10000), size=per_section * len(CLICK_SECTIONS), replace=False)
    pages = [("home", "hub", "Front page", 0.0), ("search", "hub", "Search", 0.0)]
    k = 0
    for section in CLICK_SECTIONS:
        for j in range(per_section):
            if section == "sport":
                position = j / (per_section - 1)
                beat = _SPORT_BEATS[min(int(position * len(_SPORT_BEATS)), len(_SPORT_BEATS) - 1)]
                title = f"{beat.capitalize()}: {['match report', 'transfer talk', 'preview', 'analysis', 'highlights'][j % 5]} {j + 1}"
            else:
                position = 0.0
                subjects, angles = _TITLE_WORDS[section]
                title = f"{subjects[j % len(subjects)]}: {angles[(j * 3 + 1) % len(angles)]}"
            pages.append((f"a{ids[k]}", section, title, position))
            k += 1
    return pages


def _click_truth(rng, n_users: int, n_bots: int) -> list:
    names = list(CLICK_SEGMENTS)
    shares = np.array([CLICK_SEGMENTS[s]["share"] for s in names])
    segment_of = rng.choice(len(names), size=n_users, p=shares / shares.sum())
    labels = [names[s] for s in segment_of.tolist()] + ["bot"] * n_bots
    order = rng.permutation(n_users + n_bots)
    return [(f"U{i + 1:05d}", labels[j]) for i, j in enumerate(order.tolist())]


def clickstream_tables(seed: int = 11, n_users: int = 5000, n_bots: int = 6) -> tuple:
    """Build the clickstream events and the planted truth.

    Returns ``(events, truth)``: ``events`` is a list of ``(seconds, user_id,
    page)`` in the order the log file lists them (seconds since
    ``CLICK_FIRST_DAY`` midnight; page ``""`` when the logger lost it), and
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
    """
    rng = np.random.default_rng(seed)
    pages = clickstream_pages(seed)
    truth = _click_truth(rng, n_users, n_bots)
    n_sec = len(CLICK_SECTIONS)
    by_section = {s: [p for p in pages if p[1] == s] for s in CLICK_SECTIONS}
    # Popularity within a section: Zipf-like over a random order of its articles.
    popularity = {}
    for s in CLICK_SECTIONS:
        w = 1.0 / (1.0 + rng.permutation(len(by_section[s])))
        popularity[s] = w / w.sum()
    # The front page's top stories: the three most read articles of each section.
    top_stories = [by_section[s][i][0] for s in CLICK_SECTIONS for i in np.argsort(-popularity[s])[:3].tolist()]
    sport_pos = np.array([p[3] for p in by_section["sport"]])
    hour_weights = np.array([0.2, 0.1, 0.1, 0.1, 0.2, 0.5, 1.2, 2.2, 2.6, 2.0, 1.5, 1.4,
                             1.8, 1.6, 1.3, 1.2, 1.3, 1.6, 2.0, 2.4, 2.6, 2.2, 1.4, 0.6])
    hour_weights = hour_weights / hour_weights.sum()
    horizon = CLICK_DAYS * 86400
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
        spec = CLICK_SEGMENTS[segment]
        mix = np.zeros(n_sec)
        if spec["focus"]:
            focus = float(rng.beta(20, 2))
            if len(spec["focus"]) == 1:
                mix[CLICK_SECTIONS.index(spec["focus"][0])] = focus
            else:
                a = float(rng.beta(20, 20))
                mix[CLICK_SECTIONS.index(spec["focus"][0])] = focus * a
                mix[CLICK_SECTIONS.index(spec["focus"][1])] = focus * (1 - a)
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

        n_visits = 2 + int(np.round(rng.lognormal(np.log(9.0), 0.6)))
        starts = np.sort(rng.integers(0, CLICK_DAYS, size=n_visits) * 86400
                         + rng.choice(24, size=n_visits, p=hour_weights) * 3600
                         + rng.integers(0, 3600, size=n_visits))
        last_end = -10**9
        for t in starts.tolist():
            if t < last_end + 7200:  # too soon: the visit moves to 2 to 6 hours after the previous one ended
                t = last_end + 7200 + int(rng.integers(0, 4 * 3600))
            if t >= horizon:
                break
            u = rng.random()
            seq = ["home"] if u < 0.6 else (["search"] if u < 0.75 else [])
            if u < 0.6 and rng.random() < 0.5:  # a top story catches the eye, whatever the section
                seq.append(top_stories[int(rng.integers(0, len(top_stories)))])
            sections = [int(rng.choice(n_sec, p=mix))]
            if rng.random() < 0.3:
                sections.append(int(rng.choice(n_sec, p=mix)))
            for s in sections:
                name = CLICK_SECTIONS[s]
                w = sport_w if name == "sport" else popularity[name]
                n_read = min(1 + int(rng.geometric(0.28)), len(w))
                chosen = rng.choice(len(w), size=n_read, replace=False, p=w)
                for c in chosen.tolist():
                    seq.append(by_section[name][c][0])
                    if rng.random() < 0.08:
                        seq.append(CLICK_HUBS[int(rng.integers(0, 2))])
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
    d = CLICK_FIRST_DAY + timedelta(days=day)
    return f"{d.isoformat()} {rest // 3600:02d}:{rest % 3600 // 60:02d}:{rest % 60:02d}"


def write_clickstream(path, seed: int = 11) -> Path:
    """Write ``clickstream.csv.gz``: ``user_id,timestamp,page``, one row per page view."""
    events, _ = clickstream_tables(seed)
    lines = ["user_id,timestamp,page\n"]
    lines.extend(f"{user},{_click_time(t)},{page}\n" for t, user, page in events)
    return _write_gzip(path, "".join(lines).encode("utf-8"))


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


# ---------------------------------------------------------------------------
# Streaming service (notebook 05): twelve weeks of viewing and searching
# ---------------------------------------------------------------------------

STREAM_FIRST_DAY = date(2025, 1, 6)  # a Monday: week 1 is 2025-01-06 to 2025-01-12
STREAM_WEEKS = 12
STREAM_GENRES = ["drama", "comedy", "action", "reality", "kids", "animation", "documentary", "nature",
                 "sports_live", "anime"]
STREAM_NEW_GENRE = ("anime", 7)          # a genre that appears mid-way: first week it exists
STREAM_NEW_DEVICE = ("console", 9)       # a device the app starts supporting
STREAM_SPORTS_SEASON = (6, 8)            # weeks of the live-sports tournament (inclusive)
STREAM_SEASON_RAMP = {6: 2.0, 7: 3.5, 8: 5.5}  # sports fans' visits x this: group stage, knock-outs, final
STREAM_MIGRATIONS = {5: ("casual_mobile", "binge_watcher", 0.6),    # a hit series converts casual viewers
                     10: ("family_kids", "casual_mobile", 0.6)}     # school term: parents watch on the go
STREAM_PLANS = ["basic", "standard", "premium"]

#: What each persona does in an active week: visits (Poisson mean), titles per
#: visit (1 + Poisson), minutes per title (lognormal median), genre and device
#: mixes, and the queries it types. ``drifting`` viewers watch less every week
#: until they stop; they then count as ``churned``.
STREAM_PERSONAS = {
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
    """``n`` moments in ``week`` (1-based), in minutes since STREAM_FIRST_DAY midnight,
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
    ``STREAM_FIRST_DAY``. Treat the result as read-only.
    """
    rng = np.random.default_rng(seed)
    names = list(STREAM_PERSONAS)
    shares = np.array([STREAM_PERSONAS[p]["share"] for p in names])
    genre_index = {g: j for j, g in enumerate(STREAM_GENRES)}
    pop = 1.0 / (1.0 + np.argsort(rng.random((len(STREAM_GENRES), 40)), axis=1))
    title_cdf = np.cumsum(pop / pop.sum(axis=1, keepdims=True), axis=1)

    n_total = n_start + weekly_signups * (STREAM_WEEKS - 1)
    signup = np.where(np.arange(n_total) < n_start, 1, 2 + (np.arange(n_total) - n_start) // weekly_signups)
    persona_of = rng.choice(len(names), size=n_total, p=shares / shares.sum())
    family = persona_of == names.index("family_kids")
    plan_u = rng.random(n_total)
    plan = np.where(family, np.searchsorted([0.2, 0.6], plan_u), np.searchsorted([0.45, 0.85], plan_u))
    appetite = rng.lognormal(0, 0.35, size=n_total)
    drift_week = np.maximum(signup, rng.integers(1, STREAM_WEEKS - 2, size=n_total))

    watch, search, truth = [], [], []
    for i in range(n_total):
        uid = f"S{i + 1:05d}"
        persona = names[persona_of[i]]
        for week in range(int(signup[i]), STREAM_WEEKS + 1):
            if week in STREAM_MIGRATIONS:
                src, dst, rate = STREAM_MIGRATIONS[week]
                if persona == src and rng.random() < rate:
                    persona = dst
            spec, label, level = STREAM_PERSONAS[persona], persona, float(appetite[i])
            if persona == "drifting":
                since = week - int(drift_week[i])
                if since < 0:  # before drifting, they watched like binge watchers
                    spec, label = STREAM_PERSONAS["binge_watcher"], "binge_watcher"
                else:
                    level *= 0.55 ** since
                    if level < 0.12:
                        truth.append((uid, week, "churned"))
                        continue
            in_season = STREAM_SPORTS_SEASON[0] <= week <= STREAM_SPORTS_SEASON[1]
            truth.append((uid, week, label))
            genres = dict(spec["genres"])
            if week < STREAM_NEW_GENRE[1]:
                genres.pop(STREAM_NEW_GENRE[0], None)
            if persona == "live_sports" and not in_season:
                genres["sports_live"] = 0.35  # highlights only, off-season
            if persona == "binge_watcher" and in_season:  # the big matches draw other viewers too
                genres["sports_live"] = 0.1 * STREAM_SEASON_RAMP[week]
            devices = dict(spec["devices"])
            if week >= STREAM_NEW_DEVICE[1] and "tv" in devices:
                devices[STREAM_NEW_DEVICE[0]] = 0.15 * devices["tv"]
            g_names, g_p = _mix(genres)
            d_names, d_p = _mix(devices)
            ramp = STREAM_SEASON_RAMP[week] if persona == "live_sports" and in_season else 1.0
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
                                  STREAM_GENRES[g], int(minutes[k]), d_names[device[visit[k]]]))
            n_queries = int(rng.poisson(0.8 * min(level, 1.5)))
            if n_queries:
                picks = rng.integers(0, len(spec["queries"]), size=n_queries)
                slips = rng.random(n_queries) < 0.3
                for q, slip, t in zip(picks.tolist(), slips.tolist(), _stream_times(week, n_queries, rng).tolist()):
                    query = spec["queries"][q]
                    if week < STREAM_NEW_GENRE[1]:
                        query = query.replace("anime series", "action series")
                    search.append((t, uid, _typo(query, rng) if slip else query))
    watch.sort(key=lambda r: (r[0], r[1]))
    search.sort(key=lambda r: (r[0], r[1]))
    subscribers = [(f"S{i + 1:05d}", int(signup[i]), STREAM_PLANS[int(plan[i])]) for i in range(n_total)]
    return {"watch": watch, "search": search, "subscribers": subscribers, "truth": truth}


def _stream_stamp(minutes: int) -> str:
    day, rest = divmod(int(minutes), 1440)
    d = STREAM_FIRST_DAY + timedelta(days=day)
    return f"{d.isoformat()} {rest // 60:02d}:{rest % 60:02d}"


def write_streaming_watch(path, seed: int = 23) -> Path:
    """Write ``streaming_watch.csv.gz``: user_id,timestamp,title,genre,minutes,device."""
    rows = streaming_tables(seed)["watch"]
    text = "user_id,timestamp,title,genre,minutes,device\n" + "".join(
        f"{u},{_stream_stamp(t)},{title},{g},{m},{d}\n" for t, u, title, g, m, d in rows)
    return _write_gzip(path, text.encode("utf-8"))


def write_streaming_search(path, seed: int = 23) -> Path:
    """Write ``streaming_search.csv.gz``: user_id,timestamp,query (free text with typos)."""
    rows = streaming_tables(seed)["search"]
    text = "user_id,timestamp,query\n" + "".join(f"{u},{_stream_stamp(t)},{q}\n" for t, u, q in rows)
    return _write_gzip(path, text.encode("utf-8"))


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
    return _write_gzip(path, text.encode("utf-8"))
