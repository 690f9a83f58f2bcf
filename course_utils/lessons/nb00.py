"""Notebook 00's reference results: the tour's orders and what is computed from them."""

from __future__ import annotations

import pandas as pd

from course_utils import data
from course_utils.course.declare import reference


@reference
def orders() -> pd.DataFrame:
    """The tour orders."""
    return data.load("tour_orders")


@reference
def spend() -> pd.Series:
    """Total amount per customer, largest first."""
    return orders.shared().groupby("customer_id")["amount"].sum().sort_values(ascending=False)
