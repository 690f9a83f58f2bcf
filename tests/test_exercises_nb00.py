"""Notebook 00's checks: the right answer passes, realistic mistakes are named."""

import pandas as pd
import pytest

from course_utils import data
from course_utils.exercises.nb00 import ____, q1, q2


@pytest.fixture(scope="module")
def orders():
    return data.load("tour_orders")


# -- q1: distinct customers -------------------------------------------------------
def test_q1_right_answer(orders):
    result = q1.check(orders["customer_id"].nunique())
    assert result.status == "correct"
    assert q1.check(float(orders["customer_id"].nunique())).correct  # 103.0 is fine


def test_q1_reference_is_computed_from_the_data(orders):
    assert q1.reference() == orders["customer_id"].dropna().drop_duplicates().shape[0]


@pytest.mark.parametrize(
    "wrong, phrase",
    [
        (lambda o: len(o), "number of orders"),
        (lambda o: o["customer_id"].count(), "count()"),
        (lambda o: len(o["customer_id"].unique()), "missing id was counted"),
        (lambda o: o["customer_id"].nunique(dropna=False), "missing id was counted"),
        (lambda o: o["customer_id"].value_counts(), "single number"),
        (lambda o: str(o["customer_id"].nunique()), "give a number"),
        (lambda o: o["country"].nunique(), "number of countries"),
        (lambda o: o["customer_id"].isna().sum(), "without a customer id"),
        (lambda o: True, "True/False"),
    ],
)
def test_q1_realistic_mistakes_are_named(orders, wrong, phrase):
    result = q1.check(wrong(orders))
    assert result.status == "incorrect"
    assert phrase in result.message


def test_q1_not_attempted():
    assert q1.check(____).status == "not_attempted"


# -- q2: spend per customer -------------------------------------------------------
@pytest.fixture(scope="module")
def grouped(orders):
    return orders.groupby("customer_id")


def test_q2_right_answer(grouped):
    assert q2.check(grouped["amount"].sum().sort_values(ascending=False)).correct


def test_q2_accepts_a_one_column_frame_and_object_index(grouped):
    frame = grouped[["amount"]].sum().sort_values("amount", ascending=False)
    assert q2.check(frame).correct
    series = grouped["amount"].sum().sort_values(ascending=False)
    series.index = series.index.astype(object)
    assert q2.check(series).correct


@pytest.mark.parametrize(
    "wrong, phrase",
    [
        (lambda g, o: g["amount"].sum(), "not sorted"),
        (lambda g, o: g["amount"].sum().sort_values(), "smallest first"),
        (lambda g, o: g["amount"].mean().sort_values(ascending=False), "mean order amount"),
        (lambda g, o: g.size().sort_values(ascending=False), "number of orders"),
        (lambda g, o: g["items"].sum().sort_values(ascending=False), "total of items"),
        (lambda g, o: g["amount"].max().sort_values(ascending=False), "largest order"),
        (lambda g, o: o.groupby("customer_id", dropna=False)["amount"].sum(), "missing customer id"),
        (lambda g, o: g["amount"].sum().reset_index(), "reset_index"),
        (lambda g, o: g.sum(numeric_only=True), "Select the amount"),
        (lambda g, o: o.groupby("country")["amount"].sum(), "indexed by country"),
        (lambda g, o: g["amount"].sum().reset_index(drop=True), "0, 1, 2"),
        (lambda g, o: o.set_index("customer_id")["amount"].dropna(), "more than once"),
        (lambda g, o: g["amount"].sum().head(50), "missing"),
    ],
)
def test_q2_realistic_mistakes_are_named(orders, grouped, wrong, phrase):
    result = q2.check(wrong(grouped, orders))
    assert result.status == "incorrect", result.message
    assert phrase in result.message


def test_q2_one_total_off_is_pinpointed(grouped):
    answer = grouped["amount"].sum().sort_values(ascending=False).copy()
    answer.iloc[5] += 10
    result = q2.check(answer)
    assert result.status == "incorrect" and "differ for 1 customers" in result.message


def test_q2_does_not_mutate_the_answer(grouped):
    answer = grouped["amount"].sum()
    before = answer.copy()
    q2.check(answer)
    pd.testing.assert_series_equal(answer, before)


def test_answer_or_reference_continues_from_the_reference():
    ref = q2.answer_or_reference(____)
    pd.testing.assert_series_equal(ref, q2.reference())
