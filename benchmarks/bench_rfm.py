"""Benchmarks for notebook 01's helpers. Run with `make bench`; not part of the tests.

Prints times and ratios against a baseline; nothing here asserts a time.

* compute_rfm on 1,000,000 synthetic transactions vs the naive per-customer
  groupby-apply most tutorials write (target: at least 10x faster, under 1 s).
* clean_transactions on the shipped online_retail data (target: under 2 s).
"""

import time

import numpy as np
import pandas as pd

from course_utils import data, rfm


def best_of(fn, repeat=3):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def transactions(n=1_000_000, customers=50_000, seed=0):
    rng = np.random.default_rng(seed)
    start = np.datetime64("2023-01-01T00:00")
    return pd.DataFrame({
        "customer_id": rng.integers(0, customers, n),
        "date": start + rng.integers(0, 365 * 24 * 60, n).astype("timedelta64[m]"),
        "dollar_value": rng.lognormal(3, 1, n).round(2),
        "order_id": rng.integers(0, n // 3, n),
    })


def baseline(df, as_of):
    """The per-customer groupby-apply version."""
    def one(g):
        return pd.Series({
            "recency": (as_of - g["date"].max().normalize()).days,
            "frequency": g["order_id"].nunique(),
            "monetary": g["dollar_value"].sum(),
        })
    return df.groupby("customer_id").apply(one, include_groups=False)


def main():
    df = transactions()
    as_of = df["date"].max().normalize() + pd.Timedelta(days=1)
    kw = dict(customer_col="customer_id", date_col="date", amount_col="dollar_value", invoice_col="order_id")
    fast = best_of(lambda: rfm.compute_rfm(df, **kw))
    slow = best_of(lambda: baseline(df, as_of), repeat=1)
    ours, theirs = rfm.compute_rfm(df, **kw), baseline(df, as_of)
    same = np.allclose(
        ours.to_numpy(float), theirs.loc[ours.index, ["recency", "frequency", "monetary"]].to_numpy(float)
    )
    print(f"compute_rfm, 1,000,000 rows, 50,000 customers: {fast:.3f} s  (target < 1 s)")
    print(f"groupby-apply baseline:                         {slow:.3f} s")
    print(f"ratio baseline / compute_rfm:                   {slow / fast:.1f}x  (target >= 10x); same result: {same}")

    raw = data.load("online_retail")
    clean_time = best_of(lambda: rfm.clean_transactions(raw))
    print(f"clean_transactions, shipped data ({len(raw):,} rows): {clean_time:.3f} s  (target < 2 s)")


if __name__ == "__main__":
    main()
