"""Exercises for notebook 00, setup and tour.

q1: how many distinct customers placed an order?
q2: total spend per customer, largest first.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from course_utils.course import answers
from course_utils.course.answers import AnswerError, describe, id_key
from course_utils.course.checks import ____  # noqa: F401 (re-exported for the notebook)
from course_utils.course.declare import Mistake
from course_utils.course.kinds import NumericExercise, ValueExercise
from course_utils.course.registry import register
from course_utils.lessons import nb00 as lesson


def _orders() -> pd.DataFrame:
    return lesson.orders.shared()


def _n_customers() -> int:
    return int(_orders()["customer_id"].nunique())


def _is_collection(a) -> bool:
    return isinstance(a, (pd.Series, pd.DataFrame, np.ndarray, list, tuple, set))


# -- q1 ---------------------------------------------------------------------------
class DistinctCustomers(NumericExercise):
    title = "How many distinct customers placed an order?"
    expects = "a whole number (an int), the count of distinct customer ids"
    whole = True
    hints = [
        "Some orders have no customer id. Does a missing id tell you who bought?",
        "A Series has a method that counts distinct values and skips missing ones.",
        "orders['customer_id'].nunique()",
    ]
    solution_code = """
    n_customers = orders["customer_id"].nunique()   # nunique skips missing ids
    """
    mistakes = (
        Mistake(
            "one_entry_per_customer",
            lambda a: (f"You gave {describe(a)}, one entry per customer. The question asks for a single number: "
                       "how many there are (nunique(), or len() of it)."),
            when=lambda a: _is_collection(a) and len(a) in (_n_customers(), _n_customers() + 1),
            raw=True,
            example=lambda: _orders()["customer_id"].value_counts(),
        ),
        Mistake(
            "orders_counted",
            "That is the number of orders (rows), not customers: one customer can place several orders. Count the "
            "distinct customer ids instead.",
            wrong=lambda: len(_orders()),
        ),
        Mistake(
            "count_not_nunique",
            "That counts the orders that have a customer id (count()), not distinct customers. Use nunique().",
            wrong=lambda: int(_orders()["customer_id"].count()),
        ),
        Mistake(
            "missing_id_counted",
            "One too many: it looks like the missing id was counted as a customer (len(unique()) or "
            "nunique(dropna=False) do that). An order without an id tells us nothing about who bought; leave it out.",
            wrong=lambda: len(_orders()["customer_id"].unique()),
        ),
        Mistake(
            "orders_without_id",
            "That is the number of orders without a customer id, not the number of customers.",
            wrong=lambda: int(_orders()["customer_id"].isna().sum()),
        ),
        Mistake(
            "countries",
            "That is the number of countries. Count distinct values of customer_id.",
            wrong=lambda: int(_orders()["country"].nunique()),
        ),
    )

    def reference(self):
        return _n_customers()

    def explain(self, value):
        return f"{value} is too {'high' if value > self.reference() else 'low'}. Count distinct values of customer_id."

    def correct_message(self, answer):
        o = _orders()
        return (
            f"{int(answer)} customers placed the {len(o)} orders; "
            f"{int(o['customer_id'].isna().sum())} orders have no customer id and are not counted."
        )


# -- q2 ---------------------------------------------------------------------------
def _grouped():
    return _orders().dropna(subset=["customer_id"]).groupby("customer_id")


def _values_equal(a: pd.Series, b: pd.Series) -> bool:
    """Same totals per customer, whatever the order."""
    b = b.copy()
    b.index = [id_key(i) for i in b.index]
    try:
        b = b.loc[[id_key(i) for i in a.index]]
    except KeyError:
        return False
    return len(a) == len(b) and np.allclose(a.to_numpy(dtype=float), b.to_numpy(dtype=float), rtol=1e-9, atol=0.005)


def _descending(s: pd.Series) -> bool:
    return bool(np.all(np.diff(s.to_numpy(dtype=float)) <= 1e-9))


class SpendPerCustomer(ValueExercise):
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
    mistakes = (
        Mistake(
            "reset_index",
            "You have a DataFrame with customer_id as a column (after reset_index()?). Keep customer_id as the index "
            "and return a Series: groupby('customer_id')['amount'].sum().",
            when=lambda a: isinstance(a, pd.DataFrame) and {"customer_id", "amount"} <= set(map(str, a.columns)),
            raw=True,
            example=lambda: lesson.spend().reset_index(),
        ),
        Mistake(
            "summed_every_column",
            lambda a: (f"You summed every column ({', '.join(map(str, list(a.columns)[:5]))}). Select the amount "
                       "column before summing, so the answer is a Series."),
            when=lambda a: isinstance(a, pd.DataFrame) and a.shape[1] > 1 and "amount" in set(map(str, a.columns)),
            raw=True,
            example=lambda: _grouped().sum(numeric_only=True),
        ),
        Mistake("mean", "Your values look like the mean order amount, not the total (use sum, not mean).",
                wrong=lambda: _grouped()["amount"].mean().sort_values(ascending=False)),
        Mistake("size", "Your values look like the number of orders, not the amount spent (use sum of amount).",
                wrong=lambda: _grouped()["amount"].size().sort_values(ascending=False)),
        Mistake("items", "Your values look like the total of items, not of amount (sum the amount column).",
                wrong=lambda: _grouped()["items"].sum().sort_values(ascending=False)),
        Mistake("max", "Your values look like the largest order, not the total (use sum, not max).",
                wrong=lambda: _grouped()["amount"].max().sort_values(ascending=False)),
        Mistake(
            "ascending",
            "The totals are right but sorted smallest first. Use sort_values(ascending=False).",
            when=lambda s: _values_equal(s, lesson.spend.shared()) and not _descending(s)
            and bool(np.all(np.diff(s.to_numpy(dtype=float)) >= -1e-9)),
            example=lambda: lesson.spend().sort_values(),
        ),
        Mistake(
            "not_sorted",
            "The totals are right but not sorted. Sort largest first: sort_values(ascending=False).",
            when=lambda s: _values_equal(s, lesson.spend.shared()) and not _descending(s),
            example=lambda: _grouped()["amount"].sum(),
        ),
    )

    def reference(self):
        return lesson.spend()

    def convert(self, answer):
        s = answers.series(answer, self.expects)

        def numeric():
            values = pd.to_numeric(s, errors="coerce")
            if len(s) and values.isna().all():
                raise AnswerError(f"The values are not numbers ({describe(s)}); expected total amounts.")
            return pd.Series(values.to_numpy(dtype=float), index=s.index)

        return answers.guard("total amounts (numbers)", s, numeric)

    def precheck(self, s):
        ref = lesson.spend.shared()
        values = s
        index = pd.Index(s.index)
        if index.has_duplicates:
            dups = index[index.duplicated() & ~index.isna()]
            dup = dups[0] if len(dups) else "(missing)"
            return (f"Customer {dup} appears more than once. Each customer should appear once: "
                    "group by customer_id and sum.")
        if index.isna().any():
            return ("Your Series has an entry for the missing customer id (groupby with dropna=False?). Orders "
                    "without an id belong to no customer; leave them out.")
        keys = {id_key(v) for v in index}
        if keys == set(_orders()["country"].dropna()):
            return "Your Series is indexed by country. Group by customer_id instead."
        if isinstance(index, pd.RangeIndex) or keys == {str(i) for i in range(len(index))}:
            return ("Your index is 0, 1, 2, ... rather than customer ids (did you reset_index() or drop the index?). "
                    "Keep customer_id as the index.")
        expected_ids = {id_key(v) for v in ref.index}
        if keys != expected_ids:
            return (f"The index should hold the {len(ref)} customer ids: {len(expected_ids - keys)} are missing and "
                    f"{len(keys - expected_ids)} are not customer ids. Group by customer_id.")
        if values.isna().any():
            raise AnswerError(f"{int(values.isna().sum())} totals are missing or not numbers.")
        return None

    def same(self, value, other):
        return _values_equal(value, other)  # the order is judged in accepts() and by the sorting mistakes

    def accepts(self, value):
        return _values_equal(value, lesson.spend.shared()) and _descending(value)

    def explain(self, s):
        ref = lesson.spend.shared()
        mine = pd.Series(pd.to_numeric(s, errors="coerce").to_numpy(dtype=float), index=[id_key(v) for v in s.index])
        aligned = mine.reindex([id_key(v) for v in ref.index]).to_numpy()
        off = np.flatnonzero(~np.isclose(aligned, ref.to_numpy(dtype=float), rtol=1e-9, atol=0.005))
        first = ref.index[off[0]]
        return (f"Totals differ for {len(off)} customers; for example {first}: yours {aligned[off[0]]:.2f}, "
                f"expected {ref.iloc[off[0]]:.2f}.")

    def correct_message(self, answer):
        ref = lesson.spend.shared()
        top = max(1, round(len(ref) * 0.1))
        top_share = ref.head(top).sum() / ref.sum()
        return (f"The top customer, {ref.index[0]}, spent {ref.iloc[0]:,.2f}; the top 10% of "
                f"customers bring {top_share:.0%} of the revenue.")


q1 = DistinctCustomers("q1")
q2 = SpendPerCustomer("q2")

EXERCISES = register(__name__, [q1, q2])
