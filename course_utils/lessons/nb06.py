"""Notebook 06's small, seeded data and reference results: one mini-lab per drill.

Every table here is generated in memory from a fixed seed (nothing ships in
``datasets/``): the drills need small, sharp examples, each built to show one thing.

* Case (a): customers whose segments differ only in the channel they buy through
  (:func:`lookalike_customers`, :func:`lookalike_labels`, :func:`lookalike_pair`).
* Case (b): a campaign with a random holdout, and last quarter's response for the
  before/after trap (:func:`campaign`, :func:`campaign_numbers`).
* Coding drills: raw invoice lines for RFM (:func:`raw_lines`, :func:`rfm_reference`),
  a click log to sessionize (:func:`clicks`), three curves to argue a k from
  (:func:`k_curves`), and a weekly pipeline with three bugs (:func:`weekly_events`,
  :func:`weekly_segments`, :func:`moved_share`).
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import StandardScaler

from course_utils import clustering, sessions
from course_utils.course.declare import reference
from course_utils.course.figures import ProseFigure

SEED = 6
RFM = ["recency", "frequency", "monetary"]
FEATURES = RFM + ["app_share"]


# -- case (a): two segments that look the same ----------------------------------------------------
#: name: (customers, median recency in days, mean orders a year, median basket, Beta(a, b) of the app share)
LOOKALIKE_SEGMENTS = {
    "app loyal": (320, 12, 14, 45, (7.0, 2.5)),
    "web loyal": (300, 12, 14, 45, (2.5, 7.0)),
    "occasional": (380, 60, 3, 35, (4.0, 4.0)),
    "lapsing": (200, 220, 5, 60, (3.0, 5.0)),
}


def make_lookalike_customers(seed: int = SEED, segments=None) -> pd.DataFrame:
    """Customers with recency, frequency, monetary, app_share and their planted ``truth`` segment.

    The "app loyal" and "web loyal" customers have the same RFM distribution and
    differ only in the share of their orders placed in the app.
    """
    rng = np.random.default_rng(seed)
    parts = []
    for name, (n, rec, freq, basket, (a, b)) in (segments or LOOKALIKE_SEGMENTS).items():
        frequency = np.maximum(1, rng.poisson(freq, n))
        parts.append(pd.DataFrame({
            "recency": np.round(rng.lognormal(np.log(rec), 0.45, n)).astype(int) + 1,
            "frequency": frequency,
            "monetary": np.round(frequency * rng.lognormal(np.log(basket), 0.3, n), 2),
            "app_share": np.round(rng.beta(a, b, n), 3),
            "truth": name,
        }))
    out = pd.concat(parts, ignore_index=True).sample(frac=1, random_state=seed).reset_index(drop=True)
    out.index = pd.Index([f"C{i:04d}" for i in range(len(out))], name="customer_id")
    return out


def scaled_features(customers: pd.DataFrame) -> np.ndarray:
    """What the segmentation clusters: log1p of R, F, M and the app share, standardised."""
    return StandardScaler().fit_transform(np.column_stack([np.log1p(customers[RFM]), customers["app_share"]]))


def segment(customers: pd.DataFrame, k: int = 4) -> np.ndarray:
    """K-Means labels on :func:`scaled_features`."""
    return KMeans(n_clusters=k, n_init=10, random_state=0).fit_predict(scaled_features(customers))


def closest_pair(customers: pd.DataFrame, labels) -> tuple:
    """The two segments whose median R, F, M are closest (in log units): the pair that 'looks the same'."""
    medians = np.log1p(customers[RFM].groupby(np.asarray(labels)).median())
    return tuple(int(v) for v in min(
        combinations(medians.index, 2),
        key=lambda p: float(np.linalg.norm(medians.loc[p[0]] - medians.loc[p[1]])),
    ))


@reference
def lookalike_customers() -> pd.DataFrame:
    """The case (a) customers (features and planted truth)."""
    return make_lookalike_customers()


@reference
def lookalike_X() -> np.ndarray:
    """The scaled features the segmentation was fitted on."""
    return scaled_features(lookalike_customers.shared())


@reference
def lookalike_labels() -> np.ndarray:
    """The segmentation the stakeholders see (K-Means, k = 4)."""
    return segment(lookalike_customers.shared())


@reference
def lookalike_pair() -> tuple:
    """The two segment numbers that look the same on the RFM dashboard."""
    return closest_pair(lookalike_customers.shared(), lookalike_labels.shared())


def _pair_mask() -> np.ndarray:
    return np.isin(lookalike_labels.shared(), lookalike_pair.shared())


@reference
def pair_silhouette() -> float:
    """Silhouette of the two look-alike segments' customers, on the scaled features, with their labels."""
    m = _pair_mask()
    return float(silhouette_score(lookalike_X.shared()[m], lookalike_labels.shared()[m]))


@reference
def pair_silhouette_rfm_only() -> float:
    """The same silhouette on the scaled R, F, M columns alone: what the dashboard shows."""
    m = _pair_mask()
    return float(silhouette_score(lookalike_X.shared()[m][:, :3], lookalike_labels.shared()[m]))


@reference
def pair_explanation():
    """The decision-tree surrogate of the two look-alike segments, in original units."""
    m = _pair_mask()
    return clustering.explain_clusters(lookalike_customers.shared().loc[m, FEATURES], lookalike_labels.shared()[m],
                                       max_depth=3, random_state=0)


@reference
def lookalike_profile() -> pd.DataFrame:
    """Median of every feature per segment, with sizes."""
    c = lookalike_customers.shared()
    labels = lookalike_labels.shared()
    out = c[FEATURES].groupby(labels).median()
    out.insert(0, "customers", pd.Series(labels).value_counts().sort_index())
    out.index.name = "segment"
    return out


# -- case (b): a campaign measured against a holdout ----------------------------------------------
#: segment: (customers, holdout response rate this quarter, relative uplift of the campaign)
CAMPAIGN_SEGMENTS = {
    "loyal": (5000, 0.060, 0.25),
    "occasional": (7000, 0.035, 0.45),
    "lapsing": (4000, 0.020, 0.60),
    "new": (4000, 0.045, 0.30),
}
HOLDOUT_SHARE = 0.10
#: Last quarter's response was lower for everyone (the season), with a generic campaign.
LAST_QUARTER_FACTOR = 0.80


def make_campaign(seed: int = SEED) -> pd.DataFrame:
    """One row per customer: segment, group (campaign or holdout), responded, responded_last_quarter."""
    rng = np.random.default_rng(seed + 1)
    parts = []
    for name, (n, base, uplift) in CAMPAIGN_SEGMENTS.items():
        holdout = rng.random(n) < HOLDOUT_SHARE
        p = np.where(holdout, base, base * (1 + uplift))
        parts.append(pd.DataFrame({
            "segment": name,
            "group": np.where(holdout, "holdout", "campaign"),
            "responded": (rng.random(n) < p).astype(int),
            "responded_last_quarter": (rng.random(n) < base * LAST_QUARTER_FACTOR).astype(int),
        }))
    out = pd.concat(parts, ignore_index=True)
    out.index = pd.Index([f"K{i:05d}" for i in range(len(out))], name="customer_id")
    return out


@reference
def campaign() -> pd.DataFrame:
    """The case (b) campaign table."""
    return make_campaign()


def rates(table: pd.DataFrame) -> dict:
    """Response rates and sizes: campaign and holdout this quarter, campaign customers last quarter."""
    t = table[table["group"] == "campaign"]
    h = table[table["group"] == "holdout"]
    return {"n_campaign": len(t), "n_holdout": len(h), "campaign": float(t["responded"].mean()),
            "holdout": float(h["responded"].mean()), "before": float(t["responded_last_quarter"].mean())}


@reference
def campaign_numbers() -> dict:
    """Rates, relative lift against the holdout, its 95% interval, and the before/after figure."""
    r = rates(campaign.shared())
    diff = r["campaign"] - r["holdout"]
    se = np.sqrt(r["campaign"] * (1 - r["campaign"]) / r["n_campaign"]
                 + r["holdout"] * (1 - r["holdout"]) / r["n_holdout"])
    return dict(r, lift=r["campaign"] / r["holdout"] - 1, diff=diff, diff_low=diff - 1.96 * se,
                diff_high=diff + 1.96 * se, before_after=r["campaign"] / r["before"] - 1,
                extra_responders=diff * r["n_campaign"])


# -- coding drill: RFM from raw lines -------------------------------------------------------------
def make_raw_lines(seed: int = SEED, n_customers: int = 150) -> pd.DataFrame:
    """Invoice lines in the UCI Online Retail layout: purchases, cancellations (C...), lines without a customer."""
    rng = np.random.default_rng(seed + 2)
    start = pd.Timestamp("2024-01-02")
    rows = []
    invoice = 500000
    products = [f"P{i:03d}" for i in range(60)]
    price = dict(zip(products, np.round(rng.lognormal(np.log(4), 0.6, len(products)), 2)))
    for c in range(n_customers):
        customer = 12000 + c
        n_orders = int(rng.integers(1, 9))
        days = np.sort(rng.choice(340, size=n_orders, replace=False))
        for day in days:
            invoice += 1
            when = start + pd.Timedelta(days=int(day), minutes=int(rng.integers(8 * 60, 20 * 60)))
            picked = rng.choice(products, size=int(rng.integers(1, 6)), replace=False)
            lines = [(str(invoice), p, int(rng.integers(1, 13)), price[p], when, customer) for p in picked]
            rows += lines
            if rng.random() < 0.12:  # part of this order is cancelled a few days later
                _, p, q, up, _, cust = lines[0]
                invoice += 1
                rows.append((f"C{invoice}", p, -int(rng.integers(1, q + 1)), up,
                             when + pd.Timedelta(days=int(rng.integers(1, 5))), cust))
    for _ in range(40):  # guest checkouts: no customer id
        invoice += 1
        when = start + pd.Timedelta(days=int(rng.integers(0, 345)), hours=12)
        p = str(rng.choice(products))
        rows.append((str(invoice), p, int(rng.integers(1, 13)), price[p], when, None))
    out = pd.DataFrame(rows, columns=["InvoiceNo", "StockCode", "Quantity", "UnitPrice", "InvoiceDate", "CustomerID"])
    out["CustomerID"] = out["CustomerID"].astype("Int64")
    return out.sample(frac=1, random_state=seed).reset_index(drop=True)


@reference
def raw_lines() -> pd.DataFrame:
    """The raw invoice lines of the RFM coding drill."""
    return make_raw_lines()


def rfm_snapshot(lines: pd.DataFrame, day_after: bool = True, customers_only: bool = False) -> pd.Timestamp:
    """Midnight after the last InvoiceDate of the whole extract (the drill's snapshot), or a usual mistake.

    ``day_after=False``: midnight at the start of that last day; ``customers_only=True``: the last
    date among lines with a CustomerID (the guest lines dropped before the snapshot was taken).
    """
    dates = lines.loc[lines["CustomerID"].notna(), "InvoiceDate"] if customers_only else lines["InvoiceDate"]
    return dates.max().normalize() + pd.Timedelta(days=1 if day_after else 0)


def rfm_from_lines(lines: pd.DataFrame, count_lines: bool = False, drop_cancellations: bool = False,
                   cancellations_as_orders: bool = False, day_after: bool = True, keep_guests: bool = False,
                   snapshot_from_customers: bool = False):
    """RFM the drill's way (all flags off), or with one of the usual mistakes switched on.

    monetary: Quantity x UnitPrice over all the customer's lines, cancellations included (so they net out);
    frequency: distinct invoices that are not cancellations; recency: whole days from the snapshot (midnight
    after the last invoice date in the whole extract, guest lines included) to the customer's last purchase
    (not a cancellation).
    """
    df = lines.assign(amount=lines["Quantity"] * lines["UnitPrice"],
                      cancel=lines["InvoiceNo"].astype(str).str.startswith("C"))
    snapshot = rfm_snapshot(lines, day_after, customers_only=snapshot_from_customers)
    if not keep_guests:
        df = df[df["CustomerID"].notna()]
    money = df[~df["cancel"]] if drop_cancellations else df
    orders = df if cancellations_as_orders else df[~df["cancel"]]
    key = "CustomerID"
    out = pd.DataFrame({
        "recency": (snapshot - orders.groupby(key, dropna=False)["InvoiceDate"].max().dt.normalize()).dt.days,
        "frequency": orders.groupby(key, dropna=False).size() if count_lines
        else orders.groupby(key, dropna=False)["InvoiceNo"].nunique(),
        "monetary": money.groupby(key, dropna=False)["amount"].sum().round(2),
    })
    out.index.name = key
    return out.sort_index()


@reference
def rfm_reference() -> pd.DataFrame:
    """The right RFM table of the coding drill, indexed by CustomerID."""
    return rfm_from_lines(raw_lines.shared())


# -- coding drill: sessionize with a gap ------------------------------------------------------------
def make_clicks(seed: int = SEED, n_users: int = 40) -> pd.DataFrame:
    """A small click log, out of order, with some pauses of exactly 30 minutes."""
    rng = np.random.default_rng(seed + 3)
    rows = []
    start = pd.Timestamp("2025-03-03 08:00")
    for u in range(n_users):
        t = start + pd.Timedelta(minutes=int(rng.integers(0, 600)))
        for _ in range(int(rng.integers(2, 5))):  # visits
            for _ in range(int(rng.integers(1, 7))):  # clicks in a visit
                rows.append((f"u{u:02d}", t, str(rng.choice(["home", "search", "product", "basket", "help"]))))
                t += pd.Timedelta(minutes=int(rng.choice([1, 2, 3, 5, 8, 12, 30], p=[.2, .2, .15, .15, .1, .1, .1])))
            t += pd.Timedelta(minutes=int(rng.integers(31, 300)))
    out = pd.DataFrame(rows, columns=["user_id", "timestamp", "page"])
    return out.sample(frac=1, random_state=seed).reset_index(drop=True)


@reference
def clicks() -> pd.DataFrame:
    """The click log of the sessionize drill (unsorted)."""
    return make_clicks()


GAP = pd.Timedelta(minutes=30)


@reference
def n_sessions() -> int:
    """Sessions in the click log with a 30-minute gap (a longer silence starts a new one)."""
    return int(sessions.sessionize(clicks.shared(), gap=GAP)["session_id"].nunique())


def sessions_counted(sort: bool = True, per_user: bool = True, inclusive: bool = False, gap=GAP) -> int:
    """The number of sessions counted with one of the usual mistakes (all defaults: right)."""
    c = clicks.shared()
    if sort:
        c = c.sort_values(["user_id", "timestamp"])
    step = c.groupby("user_id")["timestamp"].diff() if per_user else c["timestamp"].diff()
    new = step >= gap if inclusive else step > gap
    return int((new | step.isna()).sum())


# -- coding drill: argue a k from three curves ---------------------------------------------------
def make_k_data(seed: int = SEED) -> np.ndarray:
    """Four groups in two pairs: far apart pair from pair, close within a pair (already in comparable units)."""
    rng = np.random.default_rng(seed + 6)
    centres = np.array([[0, 0], [2.8, 0.8], [6, 2], [8.8, 1.2]], dtype=float)
    sizes = [150, 120, 140, 110]
    return np.vstack([rng.normal(c, 0.6, size=(n, 2)) for c, n in zip(centres, sizes)])


@reference
def k_points() -> np.ndarray:
    """The (scaled) points of the k drill."""
    return make_k_data()


K_RANGE = range(2, 10)


@reference
def k_curves() -> pd.DataFrame:
    """Elbow, silhouette and stability for k = 2 to 9."""
    return clustering.k_summary(k_points.shared(), K_RANGE, random_state=0, n_resamples=10)


@reference
def k_choice() -> int:
    """The k the course's rule defends (stable, near the best silhouette, the largest such)."""
    return clustering.choose_k(k_curves.shared())


# -- coding drill: the broken weekly pipeline -----------------------------------------------------
#: persona: (share of customers, orders a week, basket, share of orders placed in the app)
PERSONAS = {"bargain hunters": (0.40, 2.0, 15.0, 0.15), "app regulars": (0.35, 2.0, 30.0, 0.90),
            "big baskets": (0.25, 0.6, 110.0, 0.15)}
WEEKS = 10
#: Weekly features cover the last four weeks (the scoring week and the three before).
SPAN = 4


def _planted_personas(rng, n_customers: int):
    """Each customer's persona (an index into PERSONAS) and whether they switch in week 8 (the first draws)."""
    persona = rng.choice(len(PERSONAS), size=n_customers, p=[share for share, *_ in PERSONAS.values()])
    switch = (persona == 0) & (rng.random(n_customers) < 0.10)
    return persona, switch


def weekly_customer_ids(n_customers: int) -> list:
    """The customer ids of the weekly drill, W0000 onwards."""
    return [f"W{c:04d}" for c in range(n_customers)]


def planted_switchers(seed: int = SEED, n_customers: int = 900) -> pd.Index:
    """The customers planted to switch from bargain hunter to app regular in week 8 (same draw as the events)."""
    _, switch = _planted_personas(np.random.default_rng(seed + 5), n_customers)
    return pd.Index(np.asarray(weekly_customer_ids(n_customers))[switch], name="customer_id")


def make_weekly_events(seed: int = SEED, n_customers: int = 900) -> pd.DataFrame:
    """Orders over ten weeks: customer_id, week, amount, app (1 if placed in the app).

    From week 8 on, a tenth of the bargain hunters become app regulars.
    """
    rng = np.random.default_rng(seed + 5)
    names = list(PERSONAS)
    persona, switch = _planted_personas(rng, n_customers)
    ids = weekly_customer_ids(n_customers)
    rows = []
    for week in range(1, WEEKS + 1):
        current = np.where(switch & (week >= 8), 1, persona)
        for c in range(n_customers):
            _, rate, basket, app = PERSONAS[names[current[c]]]
            for _ in range(rng.poisson(rate)):
                rows.append((ids[c], week, round(float(rng.lognormal(np.log(basket), 0.35)), 2),
                             int(rng.random() < app)))
    return pd.DataFrame(rows, columns=["customer_id", "week", "amount", "app"])


@reference
def weekly_events() -> pd.DataFrame:
    """The orders of the broken-pipeline drill."""
    return make_weekly_events()


def weekly_features(events: pd.DataFrame, week: int, leak: bool = False) -> pd.DataFrame:
    """Orders, spend and app share per customer over the four weeks up to ``week``.

    ``leak=True`` forgets the upper bound of the window, as the broken pipeline does:
    everything from the window's first week on, the weeks after ``week`` included.
    """
    window = events["week"] >= week - SPAN + 1
    if not leak:
        window &= events["week"] <= week
    recent = events[window]
    return recent.groupby("customer_id").agg(orders=("amount", "size"), spend=("amount", "sum"),
                                             app_share=("app", "mean"))


def weekly_segments(events: pd.DataFrame, week: int, scale: bool = True, leak: bool = False) -> pd.Series:
    """K-Means (k = 3) on one week's features; the segment of every customer active in the window."""
    feats = weekly_features(events, week, leak)
    X = StandardScaler().fit_transform(feats) if scale else feats.to_numpy()
    labels = KMeans(n_clusters=3, n_init=10, random_state=0).fit_predict(X)
    return pd.Series(labels, index=feats.index, name="segment")


def moved_share(scale: bool = True, leak: bool = False, match: bool = True, weeks=(7, 8), events=None) -> float:
    """Share of customers active in both weeks whose segment changed, with any of the three bugs.

    ``events`` defaults to the drill's orders; pass another draw of :func:`make_weekly_events` to check
    that the bugs do the same elsewhere.
    """
    events = weekly_events.shared() if events is None else events
    before, after = (weekly_segments(events, w, scale, leak) for w in weeks)
    both = before.index.intersection(after.index)
    b, a = before[both].to_numpy(), after[both].to_numpy()
    if match:
        mapping = clustering.match_labels(b, a)
        a = np.array([mapping[v] for v in a])
    return float((a != b).mean())


@reference
def moved_fixed() -> float:
    """The share moved from week 7 to week 8 once all three bugs are fixed."""
    return moved_share()


@reference
def moved_broken() -> float:
    """The share the broken pipeline reports (all three bugs in)."""
    return moved_share(scale=False, leak=True, match=False)


#: Each bug put back alone (the other two fixed), then all three, as :func:`moved_share`'s switches.
BUG_CASES = {
    "no bug (the fixed pipeline)": {},
    "the leak only": {"leak": True},
    "no scaling only": {"scale": False},
    "no matching only": {"match": False},
    "all three (the broken pipeline)": {"scale": False, "leak": True, "match": False},
    "all three, but labels matched": {"scale": False, "leak": True},
}


@reference
def bug_effects() -> pd.Series:
    """The share moved from week 7 to week 8 for every case of :data:`BUG_CASES`."""
    return pd.Series({case: moved_share(**switches) for case, switches in BUG_CASES.items()},
                     name="share moved")


@reference
def planted_moves(seed: int = SEED) -> dict:
    """The planted switchers among the customers active in weeks 7 and 8, and how many the fixed pipeline moves.

    ``seed`` other than the drill's draws another set of orders (to check the story holds elsewhere).
    """
    events = weekly_events.shared() if seed == SEED else make_weekly_events(seed)
    before, after = weekly_segments(events, 7), weekly_segments(events, 8)
    both = before.index.intersection(after.index)
    mapping = clustering.match_labels(before[both].to_numpy(), after[both].to_numpy())
    moved = both[np.array([mapping[v] for v in after[both]]) != before[both].to_numpy()]
    switchers = planted_switchers(seed).intersection(both)
    return {"active": len(both), "switchers": len(switchers), "moved": len(moved),
            "switchers_moved": len(switchers.intersection(moved))}


# -- numbers the prose quotes ---------------------------------------------------------------------
def fixed(value: float, digits: int = 2) -> str:
    """``value`` with ``digits`` decimals, without the sign of a value that rounds to zero ("0.00", not "-0.00")."""
    text = f"{value:.{digits}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text


def _curve(k: int, column: str) -> float:
    return float(k_curves.shared().set_index("k").loc[k, column])


def _best_silhouette_k() -> int:
    curves = k_curves.shared()
    return int(curves.loc[curves["silhouette"].idxmax(), "k"])


PROSE_FIGURES = [
    ProseFigure("0.00", lambda: fixed(pair_silhouette_rfm_only.shared()), "{}",
                "silhouette of the look-alike pair on R, F, M only"),
    ProseFigure("0.51", lambda: pair_silhouette.shared(), "{:.2f}", "silhouette of the look-alike pair, all features"),
    ProseFigure("100%", lambda: pair_explanation.shared().fidelity, "{:.0%}", "fidelity of the pair's surrogate tree"),
    ProseFigure("5.45%", lambda: campaign_numbers.shared()["campaign"], "{:.2%}", "campaign response rate"),
    ProseFigure("4.25%", lambda: campaign_numbers.shared()["holdout"], "{:.2%}", "holdout response rate"),
    ProseFigure("+28%", lambda: campaign_numbers.shared()["lift"], "{:+.0%}", "relative lift against the holdout"),
    ProseFigure("+75%", lambda: campaign_numbers.shared()["before_after"], "{:+.0%}", "the before/after lift"),
    ProseFigure("215", lambda: campaign_numbers.shared()["extra_responders"], "{:.0f}", "extra responders"),
    ProseFigure("0.65", lambda: _curve(_best_silhouette_k(), "silhouette"), "{:.2f}", "best silhouette of the k drill"),
    ProseFigure("0.63", lambda: _curve(k_choice.shared(), "silhouette"), "{:.2f}", "silhouette at the chosen k"),
    ProseFigure("k = 2", lambda: _best_silhouette_k(), "k = {}", "k with the best silhouette"),
    ProseFigure("k = 4", lambda: k_choice.shared(), "k = {}", "the k the rule defends"),
    ProseFigure("k = 4", lambda: clustering.find_knee(k_curves.shared()["k"], k_curves.shared()["inertia"]), "k = {}",
                "the knee of the elbow"),
    ProseFigure("k = 3", lambda: int(k_curves.shared().query("mean_ari < 0.85")["k"].min()), "k = {}",
                "the smallest unstable k"),
    ProseFigure("0.80", lambda: _curve(3, "mean_ari"), "{:.2f}", "mean ARI at k = 3"),
    ProseFigure("1.9%", lambda: moved_fixed.shared(), "{:.1%}", "share moved, fixed pipeline"),
    ProseFigure("65.5%", lambda: bug_effects.shared()["no matching only"], "{:.1%}", "share moved, no matching only"),
    ProseFigure("23.7%", lambda: bug_effects.shared()["no scaling only"], "{:.1%}", "share moved, no scaling only"),
    ProseFigure("0.8%", lambda: bug_effects.shared()["the leak only"], "{:.1%}", "share moved, the leak only"),
    ProseFigure("12.7%", lambda: moved_broken.shared(), "{:.1%}", "share moved, broken pipeline"),
    ProseFigure("12.7%", lambda: bug_effects.shared()["all three, but labels matched"], "{:.1%}",
                "share moved, broken pipeline with its labels matched"),
    ProseFigure("5 of the 35", lambda: f"{planted_moves.shared()['switchers_moved']} of the "
                                       f"{planted_moves.shared()['switchers']}", "{}",
                "planted switchers among the customers the fixed pipeline moves"),
]
