"""A retailer's customer table (notebook 02): behaviour, channel and survey columns,
with planted segments, a pair of segments that differ only in channel, and a survey
block whose structure is weak.

The schema, the seeded generator, the planted truth and the readers. The
generator takes ``n_customers``, ``spread`` (how much the segments overlap) and
``seed``, so that what the notebook concludes can be checked on tables it does
not ship.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from course_utils.data._dataset import Dataset
from course_utils.data._files import write_text

#: The columns of ``customers.csv``, in order.
COLUMNS = ["customer_id", "tenure_months", "orders_online", "orders_store", "avg_basket", "recency_days",
           "discount_share", "returns_share", "survey_price", "survey_quality", "survey_eco"]
#: The behaviour columns (every customer has them); the survey columns are empty for non-respondents.
BEHAVIOUR = COLUMNS[1:8]
SURVEY = COLUMNS[8:]

#: Planted behaviour segments. ``orders`` and ``basket`` are the medians of
#: lognormal draws (orders in the last 12 months, average basket in pounds) with
#: their sigmas; ``online`` is the Beta distribution of the share of a customer's
#: orders placed online; ``recency`` the median days since the last order;
#: ``discount`` and ``returns`` Beta distributions of the shares of orders with a
#: discount and of items returned. The two regular segments are the same in
#: everything but ``online``: the lab's look-alike pair.
SEGMENTS = {
    "occasional": {"share": 0.28, "orders": (2.0, 0.45), "basket": (45.0, 0.35), "online": (2, 2),
                   "recency": 150, "discount": (2, 6), "returns": (1.5, 15)},
    "bargain_hunters": {"share": 0.20, "orders": (7.0, 0.35), "basket": (22.0, 0.30), "online": (3, 2),
                        "recency": 25, "discount": (7, 2), "returns": (1.5, 15)},
    "premium": {"share": 0.14, "orders": (5.0, 0.35), "basket": (160.0, 0.35), "online": (2, 3),
                "recency": 35, "discount": (1, 12), "returns": (3, 12)},
    "regulars_online": {"share": 0.19, "orders": (18.0, 0.30), "basket": (55.0, 0.30), "online": (10, 2),
                        "recency": 8, "discount": (2, 6), "returns": (1.5, 15)},
    "regulars_store": {"share": 0.19, "orders": (18.0, 0.30), "basket": (55.0, 0.30), "online": (2, 10),
                       "recency": 8, "discount": (2, 6), "returns": (1.5, 15)},
}
#: The look-alike pair: the same behaviour, opposite channels.
LOOKALIKES = ("regulars_online", "regulars_store")

#: The survey panel: the share of customers who answered, and the planted
#: attitude groups (share, mean price sensitivity, mean quality focus, mean eco
#: concern, on a 1-to-7 scale; one common standard deviation). The groups differ
#: by about one standard deviation in two scores: real, but weak structure.
SURVEY_SHARE = 0.4
ATTITUDES = {"eco_minded": (0.4, 3.5, 4.6, 5.0), "mainstream": (0.6, 4.4, 4.6, 3.8)}
SURVEY_SD = 0.9


def customer_tables(seed: int = 5, n_customers: int = 3000, spread: float = 1.0) -> tuple:
    """Build the customer table and its planted truth.

    Parameters
    ----------
    seed : int
    n_customers : int
    spread : float
        Multiplies every within-segment spread (the lognormal sigmas; the Beta
        distributions keep their means and grow wider): 1 is the shipped table,
        larger values make the segments overlap more.

    Returns
    -------
    (customers, truth) : two DataFrames
        ``customers`` has :data:`COLUMNS`; ``truth`` has ``customer_id``,
        ``segment`` and ``attitude`` (empty for customers who did not answer the survey).

    Every customer is drawn into a segment of :data:`SEGMENTS`; orders in the last
    12 months, average basket and days since the last order are lognormal around
    the segment's medians; each order is online with the customer's own online
    share (Beta), so ``orders_online`` and ``orders_store`` are binomial splits of
    the orders. Tenure (1 to 120 months) is independent of everything.
    A random 40% answered a survey; their three scores come from one of two
    attitude groups (:data:`ATTITUDES`), independent of the segment.
    """
    if isinstance(n_customers, bool) or not isinstance(n_customers, (int, np.integer)) or n_customers < 50:
        raise ValueError(f"n_customers must be a whole number >= 50, got {n_customers!r}")
    if not (isinstance(spread, (int, float)) and 0 < spread <= 5):
        raise ValueError(f"spread must be a number in (0, 5], got {spread!r}")
    rng = np.random.default_rng(seed)
    names = list(SEGMENTS)
    shares = np.array([SEGMENTS[s]["share"] for s in names])
    seg = rng.choice(len(names), size=n_customers, p=shares / shares.sum())
    n = n_customers
    orders = np.empty(n, dtype=np.int64)
    basket = np.empty(n)
    online = np.empty(n)
    recency = np.empty(n)
    discount = np.empty(n)
    returns = np.empty(n)
    for j, name in enumerate(names):
        p = SEGMENTS[name]
        idx = np.flatnonzero(seg == j)
        m = len(idx)
        med, sig = p["orders"]
        orders[idx] = np.maximum(1, np.round(med * np.exp(rng.normal(0, sig * spread, m)))).astype(np.int64)
        med, sig = p["basket"]
        basket[idx] = med * np.exp(rng.normal(0, sig * spread, m))
        a, b = p["online"]
        online[idx] = rng.beta(a / spread, b / spread, m)
        recency[idx] = p["recency"] * np.exp(rng.normal(0, 0.6 * spread, m))
        a, b = p["discount"]
        discount[idx] = rng.beta(a / spread, b / spread, m)
        a, b = p["returns"]
        returns[idx] = rng.beta(a / spread, b / spread, m)
    orders_online = rng.binomial(orders, online)
    tenure = rng.integers(1, 121, size=n)
    answered = rng.random(n) < SURVEY_SHARE
    groups = list(ATTITUDES)
    g_share = np.array([ATTITUDES[g][0] for g in groups])
    attitude = rng.choice(len(groups), size=n, p=g_share / g_share.sum())
    means = np.array([ATTITUDES[g][1:] for g in groups])[attitude]
    scores = np.clip(means + rng.normal(0, SURVEY_SD * spread, (n, 3)), 1, 7)
    customers = pd.DataFrame({
        "customer_id": [f"C{i + 1:05d}" for i in range(n)],
        "tenure_months": tenure,
        "orders_online": orders_online,
        "orders_store": orders - orders_online,
        "avg_basket": np.round(basket, 2),
        "recency_days": np.clip(np.round(recency), 1, 365).astype(np.int64),
        "discount_share": np.round(discount, 2),
        "returns_share": np.round(returns, 2),
    })
    for j, col in enumerate(SURVEY):
        customers[col] = np.where(answered, np.round(scores[:, j], 2), np.nan)
    truth = pd.DataFrame({
        "customer_id": customers["customer_id"],
        "segment": [names[s] for s in seg],
        "attitude": [groups[g] if a else "" for g, a in zip(attitude, answered)],
    })
    return customers, truth


def _number(x) -> str:
    if isinstance(x, float) and np.isnan(x):
        return ""
    if isinstance(x, float):
        return f"{x:.2f}"
    return str(int(x))


def write_customers(path, seed: int = 5) -> Path:
    """Write ``customers.csv`` (UTF-8, ``\\n`` line ends; empty survey cells for non-respondents)."""
    customers, _ = customer_tables(seed)
    lines = [",".join(COLUMNS)]
    for row in customers.itertuples(index=False):
        lines.append(",".join([row[0]] + [_number(v) for v in row[1:]]))
    return write_text(path, "\n".join(lines) + "\n")


def write_customers_truth(path, seed: int = 5) -> Path:
    """Write ``customers_truth.csv``: ``customer_id,segment,attitude``."""
    _, truth = customer_tables(seed)
    lines = ["customer_id,segment,attitude"] + [f"{c},{s},{a}" for c, s, a in truth.itertuples(index=False)]
    return write_text(path, "\n".join(lines) + "\n")


def read_customers(path) -> pd.DataFrame:
    """Read ``customers.csv``: counts as integers, shares and scores as floats (survey NaN where unanswered)."""
    ints = dict.fromkeys(["tenure_months", "orders_online", "orders_store", "recency_days"], "int64")
    floats = dict.fromkeys(["avg_basket", "discount_share", "returns_share", *SURVEY], "float64")
    return pd.read_csv(path, dtype={"customer_id": "string", **ints, **floats})


def read_customers_truth(path) -> pd.DataFrame:
    """Read ``customers_truth.csv``: customer_id, segment, attitude (missing for non-respondents)."""
    return pd.read_csv(path, dtype="string")


DATASETS = [
    Dataset(
        name="customers",
        filename="customers.csv",
        description="Retail customers: orders by channel, basket, recency, discounts, returns, a survey",
        write=write_customers,
        read=read_customers,
        notebook="02",
    ),
    Dataset(
        name="customers_truth",
        filename="customers_truth.csv",
        description="the planted behaviour segment and survey attitude of each customer",
        write=write_customers_truth,
        read=read_customers_truth,
        notebook="02",
    ),
]
