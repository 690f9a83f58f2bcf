"""Exercises for notebook 00, setup and tour.

q1: how many distinct customers placed an order?
q2: total spend per customer, largest first.
"""

from __future__ import annotations

import numbers
from functools import lru_cache

import numpy as np
import pandas as pd

from course_utils import data
from course_utils.checks import ____, Exercise, bind, describe  # noqa: F401 (____ is re-exported)


@lru_cache(maxsize=1)
def _orders() -> pd.DataFrame:
    return data.load("tour_orders")


def orders() -> pd.DataFrame:
    """A fresh copy of the tour orders (checks never see a learner's edits)."""
    return _orders().copy()


class DistinctCustomers(Exercise):
    title = "How many distinct customers placed an order?"
    expects = "a whole number (an int), the count of distinct customer ids"
    hints = [
        "Some orders have no customer id. Does a missing id tell you who bought?",
        "A Series has a method that counts distinct values and skips missing ones.",
        "orders['customer_id'].nunique()",
    ]
    solution_code = """
    n_customers = orders["customer_id"].nunique()   # nunique skips missing ids
    """

    def reference(self):
        return int(orders()["customer_id"].nunique())

    def diagnose(self, answer):
        o = orders()
        truth = self.reference()
        if isinstance(answer, (pd.Series, pd.DataFrame, np.ndarray, list, tuple, set)):
            size = len(answer)
            if size in (truth, truth + 1):
                return (
                    f"You gave {describe(answer)}, one entry per customer. The question asks "
                    "for a single number: how many there are (nunique(), or len() of it)."
                )
            return f"Expected a single number, got {describe(answer)}."
        if isinstance(answer, bool) or isinstance(answer, np.bool_):
            return "True/False is not a count. Expected a whole number of customers."
        if isinstance(answer, str):
            return f"Your answer is text ({answer[:30]!r}); give a number, without quotes."
        if not isinstance(answer, numbers.Number):
            return f"Expected {self.expects}, got {describe(answer)}."
        value = complex(answer)
        if value.imag != 0 or np.isnan(value.real) or np.isinf(value.real):
            return f"{answer!r} is not a count; expected a whole number of customers."
        if not float(value.real).is_integer():
            return f"{answer!r} is not a whole number; a count of customers is."
        n = int(value.real)
        if n == truth:
            return None
        if n == len(o):
            return (
                "That is the number of orders (rows), not customers: one customer can place "
                "several orders. Count the distinct customer ids instead."
            )
        if n == int(o["customer_id"].count()):
            return (
                "That counts the orders that have a customer id (count()), not distinct "
                "customers. Use nunique()."
            )
        if n == truth + 1:
            return (
                "One too many: it looks like the missing id was counted as a customer "
                "(len(unique()) or nunique(dropna=False) do that). An order without an id "
                "tells us nothing about who bought; leave it out."
            )
        if n == int(o["customer_id"].isna().sum()):
            return "That is the number of orders without a customer id, not the number of customers."
        if n == int(o["country"].nunique()):
            return "That is the number of countries. Count distinct values of customer_id."
        return f"{n} is too {'high' if n > truth else 'low'}. Count distinct values of customer_id."

    def correct_message(self, answer):
        o = orders()
        return (
            f"{int(answer)} customers placed the {len(o)} orders; "
            f"{int(o['customer_id'].isna().sum())} orders have no customer id and are not counted."
        )


class SpendPerCustomer(Exercise):
    title = "Total amount spent per customer, as a Series indexed by customer id, largest first"
    expects = "a pandas Series indexed by customer_id holding each customer's total amount, sorted descending"
    hints = [
        "Group the orders by customer, add up one column, then sort.",
        "groupby('customer_id') then select ['amount'] and .sum(); sort with sort_values.",
        "orders.groupby('customer_id')['amount'].sum().sort_values(ascending=False)",
    ]
    solution_code = """
    spend = (
        orders.groupby("customer_id")["amount"]
        .sum()
        .sort_values(ascending=False)
    )
    """

    def reference(self):
        o = orders()
        return o.groupby("customer_id")["amount"].sum().sort_values(ascending=False)

    def diagnose(self, answer):
        o = orders()
        ref = self.reference()
        if isinstance(answer, pd.DataFrame):
            cols = [str(c) for c in answer.columns]
            if "customer_id" in cols and "amount" in cols:
                return (
                    "You have a DataFrame with customer_id as a column (after reset_index()?). "
                    "Keep customer_id as the index and return a Series: "
                    "groupby('customer_id')['amount'].sum()."
                )
            if answer.shape[1] > 1 and "amount" in cols:
                return (
                    f"You summed every column ({', '.join(cols[:5])}). Select the amount "
                    "column before summing, so the answer is a Series."
                )
            if answer.shape[1] == 1:
                answer = answer.iloc[:, 0]
            else:
                return f"Expected {self.expects}, got {describe(answer)}."
        if not isinstance(answer, pd.Series):
            return f"Expected {self.expects}, got {describe(answer)}."
        values = pd.to_numeric(answer, errors="coerce")
        if len(answer) and values.isna().all():
            return f"The values are not numbers ({describe(answer)}); expected total amounts."
        index = pd.Index(answer.index)
        if index.has_duplicates:
            dups = index[index.duplicated() & ~index.isna()]
            dup = dups[0] if len(dups) else "(missing)"
            return (
                f"Customer {dup} appears more than once. Each customer should appear once: "
                "group by customer_id and sum."
            )
        if index.isna().any():
            return (
                "Your Series has an entry for the missing customer id (groupby with "
                "dropna=False?). Orders without an id belong to no customer; leave them out."
            )
        as_text = {str(v) for v in index}
        if as_text == set(o["country"].dropna()):
            return "Your Series is indexed by country. Group by customer_id instead."
        if isinstance(index, pd.RangeIndex) or as_text == {str(i) for i in range(len(index))}:
            return (
                "Your index is 0, 1, 2, ... rather than customer ids (did you reset_index() "
                "or drop the index?). Keep customer_id as the index."
            )
        expected_ids = {str(v) for v in ref.index}
        if as_text != expected_ids:
            missing = len(expected_ids - as_text)
            extra = len(as_text - expected_ids)
            return (
                f"The index should hold the {len(ref)} customer ids: {missing} are missing and "
                f"{extra} are not customer ids. Group by customer_id."
            )
        mine = pd.Series(values.to_numpy(dtype=float), index=[str(v) for v in index])
        aligned = mine.reindex([str(v) for v in ref.index]).to_numpy()
        if not np.allclose(aligned, ref.to_numpy(dtype=float), rtol=1e-9, atol=0.005):
            grouped = o.dropna(subset=["customer_id"]).groupby("customer_id")
            alternatives = {
                "the mean order amount, not the total (use sum, not mean)": grouped["amount"].mean(),
                "the number of orders, not the amount spent (use sum of amount)": grouped["amount"].size(),
                "the total of items, not of amount (sum the amount column)": grouped["items"].sum(),
                "the largest order, not the total (use sum, not max)": grouped["amount"].max(),
            }
            for what, alt in alternatives.items():
                alt_aligned = alt.reindex(ref.index).to_numpy(dtype=float)
                if np.allclose(aligned, alt_aligned, rtol=1e-9, atol=0.005):
                    return f"Your values look like {what}."
            off = np.flatnonzero(~np.isclose(aligned, ref.to_numpy(dtype=float), rtol=1e-9, atol=0.005))
            first = ref.index[off[0]]
            return (
                f"Totals differ for {len(off)} customers; for example {first}: yours "
                f"{aligned[off[0]]:.2f}, expected {ref.iloc[off[0]]:.2f}."
            )
        ordered = mine.to_numpy()
        if not np.all(np.diff(ordered) <= 1e-9):
            if np.all(np.diff(ordered) >= -1e-9):
                return "The totals are right but sorted smallest first. Use sort_values(ascending=False)."
            return "The totals are right but not sorted. Sort largest first: sort_values(ascending=False)."
        return None

    def correct_message(self, answer):
        ref = self.reference()
        top = max(1, round(len(ref) * 0.1))
        top_share = ref.head(top).sum() / ref.sum()
        return (
            f"The top customer, {ref.index[0]}, spent {ref.iloc[0]:,.2f}; the top 10% of "
            f"customers bring {top_share:.0%} of the revenue."
        )


q1 = DistinctCustomers()
q2 = SpendPerCustomer()

EXERCISES = bind(globals(), "00")
