"""The tour's small order table (notebook 00): schema, seeded generator and reader."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from course_utils.data._dataset import Dataset

COUNTRIES = ["United Kingdom", "Germany", "France", "Spain", "Netherlands"]


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
    home = rng.choice(len(COUNTRIES), size=n_customers, p=[0.6, 0.12, 0.12, 0.08, 0.08])
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
                "country": COUNTRIES[home[who[i]]],
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



def read_tour_orders(path) -> pd.DataFrame:
    """Read ``tour_orders.csv`` with its dtypes."""
    return pd.read_csv(
        path,
        dtype={"order_id": "string", "customer_id": "string", "country": "string", "items": "int64"},
        parse_dates=["order_date"],
        date_format="%Y-%m-%d",
    )


DATASETS = [
    Dataset(
        name="tour_orders",
        filename="tour_orders.csv",
        description="small web-shop orders (2024), some without a customer id; used in the tour",
        write=write_tour_orders,
        read=read_tour_orders,
        notebook="00",
    ),
]
