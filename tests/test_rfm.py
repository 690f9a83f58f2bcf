"""course_utils.rfm: cleaning rules, RFM values, scores, the grid, and bad input."""

import itertools

import numpy as np
import pandas as pd
import pytest

from course_utils import rfm


def tx(rows):
    return pd.DataFrame(rows, columns=["InvoiceNo", "StockCode", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID"])


@pytest.fixture
def messy():
    return tx([
        ["1", "A", 10, "2011-01-01 10:00", 2.0, 1],     # bought 10 A ...
        ["C2", "A", -4, "2011-01-05 09:00", 2.0, 1],    # ... 4 cancelled later: 6 remain
        ["3", "85123A", 5, "2011-01-02 10:00", 1.0, 1],
        ["C4", "85123A", -5, "2011-01-02 11:00", 1.0, 1],    # all of 85123A cancelled
        ["5", "A", 1, "2011-02-01 10:00", 2.0, None],   # no customer
        ["6", "A", 3, "2011-02-02 10:00", 2.0, 2],
        ["6", "A", 3, "2011-02-02 10:00", 2.0, 2],      # duplicate line
        ["6", "POST", 1, "2011-02-02 10:00", 18.0, 2],  # postage
        ["7", "A", -9, "2011-02-03 10:00", 0.0, 2],     # stock adjustment
        ["8", "A", 2, "2011-02-04 10:00", 0.0, 2],      # free gift
        ["C9", "Z", -7, "2011-01-01 09:00", 3.0, 2],    # nothing to match
        ["10", "22423", 1, "2011-03-01 10:00", 5.0, 3],
    ])


def test_clean_transactions_applies_every_rule(messy):
    clean, report = rfm.clean_transactions(messy)
    removed = dict(zip(report["step"], report["rows_removed"]))
    assert removed == {
        "missing customer id": 1, "missing invoice, stock code, quantity, price or date": 0, "duplicate line": 1,
        "non-product code": 1, "stock adjustment": 1,
        "zero or negative price": 1, "purchase fully cancelled": 1, "cancellation line": 3,
    }
    note = report.set_index("step")["note"]["purchase fully cancelled"]
    assert "1 purchase lines reduced in part; 7 cancelled units had no earlier purchase" in note
    assert clean.sort_values("InvoiceNo")[["InvoiceNo", "Quantity", "Amount"]].values.tolist() == [
        ["1", 6, 12.0], ["10", 1, 5.0], ["6", 3, 6.0]]
    assert list(report["rows_left"])[-1] == len(clean) == 3


def test_cancellation_only_nets_against_earlier_purchases():
    df = tx([["C1", "A", -2, "2011-01-01", 1.0, 1], ["2", "A", 5, "2011-01-03", 1.0, 1]])
    clean, report = rfm.clean_transactions(df)
    assert clean["Quantity"].tolist() == [5]
    note = report.set_index("step").loc["purchase fully cancelled", "note"]
    assert "2 cancelled units had no earlier purchase" in note


def test_cancellation_takes_the_most_recent_purchase_first():
    df = tx([["1", "A", 5, "2011-01-01", 1.0, 1], ["2", "A", 5, "2011-01-10", 1.0, 1],
             ["C3", "A", -7, "2011-01-11", 1.0, 1]])
    clean, _ = rfm.clean_transactions(df)
    assert clean["Quantity"].tolist() == [3]  # invoice 2 fully netted, 2 units from invoice 1
    assert clean["InvoiceNo"].tolist() == ["1"]


def test_without_netting_cancellations_are_only_dropped(messy):
    clean, report = rfm.clean_transactions(messy, net_cancellations=False)
    assert "purchase fully cancelled" not in set(report["step"])
    assert clean.loc[clean["InvoiceNo"] == "1", "Quantity"].item() == 10


def test_cleaning_that_empties_names_the_step():
    df = tx([["1", "A", 1, "2011-01-01", 1.0, None]])
    with pytest.raises(ValueError, match="step 'missing customer id'"):
        rfm.clean_transactions(df)


def test_clean_missing_column_lists_those_present(messy):
    with pytest.raises(ValueError, match=r"no column 'UnitPrice'.*present: 'InvoiceNo'"):
        rfm.clean_transactions(messy.drop(columns="UnitPrice"))
    with pytest.raises(ValueError, match="empty"):
        rfm.clean_transactions(messy.iloc[:0])
    with pytest.raises(TypeError, match="DataFrame"):
        rfm.clean_transactions([1, 2])


def test_clean_rejects_numeric_quantity_as_text(messy):
    with pytest.raises(ValueError, match="'Quantity' must be numeric"):
        rfm.clean_transactions(messy.assign(Quantity=messy["Quantity"].astype(str)))


# -- compute_rfm ------------------------------------------------------------------
@pytest.fixture
def shop():
    return pd.DataFrame({
        "customer_id": ["a", "a", "a", "b"],
        "date": pd.to_datetime(["2024-01-01 09:00", "2024-01-01 15:00", "2024-01-08 12:00", "2024-01-03 08:00"]),
        "dollar_value": [10.0, 5.0, 20.0, 7.5],
        "order": [1, 1, 2, 3],
    })


def test_compute_rfm_any_column_names(shop):
    out = rfm.compute_rfm(
        shop, customer_col="customer_id", date_col="date", amount_col="dollar_value", invoice_col="order"
    )
    assert out.to_dict("index") == {
        "a": {"recency": 1, "frequency": 2, "monetary": 35.0},
        "b": {"recency": 6, "frequency": 1, "monetary": 7.5},
    }
    assert out.index.name == "customer_id" and list(out.dtypes.astype(str)) == ["int64", "int64", "float64"]


def test_frequency_without_invoice_col_counts_rows(shop):
    out = rfm.compute_rfm(shop, customer_col="customer_id", date_col="date", amount_col="dollar_value")
    assert out["frequency"].to_dict() == {"a": 3, "b": 1}


def test_as_of_sets_recency_in_whole_days(shop):
    kw = dict(customer_col="customer_id", date_col="date", amount_col="dollar_value")
    assert rfm.compute_rfm(shop, as_of="2024-01-31 18:00", **kw)["recency"].to_dict() == {"a": 23, "b": 28}
    with pytest.raises(ValueError, match="before the last transaction"):
        rfm.compute_rfm(shop, as_of="2024-01-05", **kw)
    with pytest.raises(ValueError, match="as_of must be a date"):
        rfm.compute_rfm(shop, as_of="next tuesday", **kw)


def test_compute_rfm_keeps_the_id_dtype():
    df = pd.DataFrame({"CustomerID": pd.array([5, 5, 7], dtype="Int64"),
                       "InvoiceDate": pd.to_datetime(["2024-01-01"] * 3), "Amount": [1.0, 2.0, 3.0]})
    assert str(rfm.compute_rfm(df).index.dtype) == "Int64"


def test_compute_rfm_bad_input(shop):
    kw = dict(customer_col="customer_id", date_col="date", amount_col="dollar_value")
    with pytest.raises(ValueError, match=r"no column 'amount'.*present: 'customer_id', 'date'"):
        rfm.compute_rfm(shop, customer_col="customer_id", date_col="date", amount_col="amount")
    with pytest.raises(ValueError, match=r"'date' holds numbers .*e\.g\. 1704099600.*1970"):
        rfm.compute_rfm(shop.assign(date=(shop["date"] - pd.Timestamp("1970-01-01")) // pd.Timedelta(seconds=1)), **kw)
    with pytest.raises(ValueError, match=r"'date' has 1 value\(s\) that are not dates, e\.g\. 'soon'"):
        rfm.compute_rfm(shop.assign(date=["2024-01-01", "2024-01-02", "soon", "2024-01-03"]), **kw)
    with pytest.raises(ValueError, match="empty"):
        rfm.compute_rfm(shop.iloc[:0], **kw)
    with pytest.raises(ValueError, match="1 rows have no 'customer_id'"):
        rfm.compute_rfm(shop.assign(customer_id=["a", None, "a", "b"]), **kw)
    with pytest.raises(ValueError, match="'dollar_value' must be numeric"):
        rfm.compute_rfm(shop.assign(dollar_value=["1", "2", "3", "4"]), **kw)


def test_text_dates_are_parsed(shop):
    text = shop.assign(date=shop["date"].dt.strftime("%Y-%m-%d %H:%M"))
    kw = dict(customer_col="customer_id", date_col="date", amount_col="dollar_value")
    assert rfm.compute_rfm(text, **kw).equals(rfm.compute_rfm(shop, **kw))


# -- scores and the grid ---------------------------------------------------------
def test_scores_higher_is_better_and_ties_share_a_score():
    table = pd.DataFrame({"recency": [1, 1, 50, 100, 300], "frequency": [9, 1, 1, 1, 2],
                          "monetary": [900.0, 10.0, 20.0, 30.0, 40.0]}, index=list("abcde"))
    s = rfm.rfm_scores(table)
    assert s.loc["a", "r_score"] == s.loc["b", "r_score"] == 4  # tied most recent share a score
    assert s.loc["e", "r_score"] == 1
    assert s.loc[["b", "c", "d"], "f_score"].nunique() == 1 and s.loc["a", "f_score"] == 5
    assert s.loc["a", "rfm_score"] == "455"
    assert s[["r_score", "f_score", "m_score"]].isin(range(1, 6)).all().all()


def test_scores_on_many_customers_fill_every_band():
    rng = np.random.default_rng(0)
    table = pd.DataFrame({"recency": rng.integers(1, 365, 1000), "frequency": rng.integers(1, 40, 1000),
                          "monetary": rng.lognormal(5, 1, 1000)})
    s = rfm.rfm_scores(table)
    for col in ["r_score", "f_score", "m_score"]:
        counts = s[col].value_counts()
        assert set(counts.index) == {1, 2, 3, 4, 5} and counts.between(150, 250).all()
    assert np.corrcoef(s["r_score"], table["recency"])[0, 1] < -0.9


@pytest.mark.parametrize("q", [1, 11, 2.5, True, "5"])
def test_scores_reject_a_bad_q(q):
    table = pd.DataFrame({"recency": [1, 2, 3], "frequency": [1, 2, 3], "monetary": [1.0, 2.0, 3.0]})
    with pytest.raises(ValueError, match="q must be"):
        rfm.rfm_scores(table, q=q)


def test_scores_reject_missing_values_and_columns():
    with pytest.raises(ValueError, match="'monetary' has 1 missing"):
        rfm.rfm_scores(pd.DataFrame({"recency": [1, 2], "frequency": [1, 2], "monetary": [1.0, None]}))
    with pytest.raises(ValueError, match="rfm has no column 'frequency'"):
        rfm.rfm_scores(pd.DataFrame({"recency": [1, 2], "monetary": [1.0, 2.0]}))


def test_every_grid_cell_has_exactly_one_name():
    cells = pd.DataFrame(list(itertools.product(range(1, 6), range(1, 6))), columns=["r_score", "f_score"])
    names = rfm.rfm_segments(cells)
    assert len(names) == 25 and names.notna().all()
    assert all(isinstance(n, str) and n for n in names)
    assert len(rfm.RFM_GRID) == 5 and all(len(row) == 5 for row in rfm.RFM_GRID)
    assert names[(cells.r_score == 5) & (cells.f_score == 5)].item() == "Champions"
    assert names[(cells.r_score == 1) & (cells.f_score == 1)].item() == "Hibernating"
    assert names[(cells.r_score == 5) & (cells.f_score == 1)].item() == "New Customers"
    assert set(names) >= {"Champions", "Loyal Customers", "At Risk", "Can't Lose Them", "Hibernating"}


@pytest.mark.parametrize("bad", [0, 6, None, 2.5])
def test_grid_rejects_scores_outside_1_to_5(bad):
    with pytest.raises(ValueError, match="whole scores from 1 to 5"):
        rfm.rfm_segments(pd.DataFrame({"r_score": [1, bad], "f_score": [1, 1]}))
