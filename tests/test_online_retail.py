"""The shipped Online Retail data has the promised schema, mess and truth,
and the course's segmentation recovers that truth (the notebook's claims)."""

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from course_utils import clustering, data, rfm
from course_utils.lessons import nb01


@pytest.fixture(scope="module")
def raw():
    return data.load("online_retail")


def test_schema_and_size(raw):
    assert list(raw.columns) == ["InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate",
                                 "UnitPrice", "CustomerID", "Country"]
    assert len(raw) >= 150_000
    assert data.path("online_retail").stat().st_size <= 5 * 1024**2
    span = raw["InvoiceDate"].max() - raw["InvoiceDate"].min()
    assert 360 <= span.days <= 420  # about 13 months
    assert 3500 <= raw["CustomerID"].nunique() <= 4500
    assert raw["Country"].nunique() >= 8


def test_planted_mess_at_realistic_rates(raw):
    assert 0.15 <= raw["CustomerID"].isna().mean() <= 0.25  # about a fifth
    cancel = raw["InvoiceNo"].str.startswith("C")
    assert cancel.sum() > 500 and (raw.loc[cancel, "Quantity"] < 0).all()
    assert set(raw["StockCode"]) & {"POST", "M", "BANK CHARGES"} == {"POST", "M", "BANK CHARGES"}
    assert raw.duplicated().sum() > 1000
    assert (raw["Quantity"] > 50_000).sum() >= 2  # wholesale outliers
    assert ((raw["Quantity"] < 0) & ~cancel).sum() > 50  # stock adjustments


def test_most_cancellations_match_an_earlier_purchase(raw):
    _, report = rfm.clean_transactions(raw)
    note = report.set_index("step").loc["purchase fully cancelled", "note"]
    unmatched = int(note.split("; ")[1].split()[0])
    cancelled_units = -raw.loc[raw["InvoiceNo"].str.startswith("C"), "Quantity"].sum()
    assert unmatched / cancelled_units < 0.01


def test_truth_covers_every_customer(raw):
    truth = data.load("online_retail_truth")
    assert truth["CustomerID"].is_unique
    assert set(truth["CustomerID"]) == set(raw["CustomerID"].dropna())
    assert truth["segment"].nunique() >= 6


def test_segmentation_recovers_the_truth_better_than_unscaled():
    truth = nb01.truth()
    k = nb01.chosen_k()
    ari = adjusted_rand_score(truth, nb01.labels(k))
    ari_unscaled = adjusted_rand_score(truth, nb01.labels(k, "raw"))
    ari_scaled_only = adjusted_rand_score(truth, nb01.labels(k, "scaled_only"))
    assert ari >= 0.6, ari
    assert ari > ari_unscaled and ari > ari_scaled_only


def test_with_the_planted_number_of_segments_the_names_match_the_planted_segments():
    """k = 6, one cluster per planted segment: the course's naming rules give each its planted name."""
    k = nb01.truth().nunique()
    labels = nb01.labels(k)
    names = clustering.name_clusters(clustering.rfm_percentiles(nb01.rfm_table(), labels))
    named = pd.Series(labels, index=nb01.rfm_table().index).map(names)
    table = pd.crosstab(named, nb01.truth())
    majority = table.idxmax(axis=1).to_dict()
    expected = {"Champions": "champions", "Loyal": "loyal", "New": "new", "At Risk": "at_risk",
                "Lost": "lost", "Big Spenders": "big_spenders"}
    assert len(majority) == k
    for name, segment in majority.items():
        assert expected.get(name) == segment, (name, segment)


def test_the_parsimonious_k_merges_loyal_and_at_risk_customers():
    """What notebook 01 says about its k: one cluster holds most loyal and most at-risk customers."""
    labels = pd.Series(nb01.labels(nb01.chosen_k()), index=nb01.rfm_table().index)
    table = pd.crosstab(labels, nb01.truth())
    merged = table["loyal"].idxmax()
    assert table["at_risk"].idxmax() == merged
    assert table.loc[merged, "loyal"] > 0.5 * table["loyal"].sum()
    assert table.loc[merged, "at_risk"] > 0.5 * table["at_risk"].sum()
    assert nb01.chosen_k() < nb01.truth().nunique()


def test_k_summary_is_computed_once_per_matrix():
    X = nb01.X()
    first = nb01.k_summary(X)
    calls = len(nb01._SUMMARIES)
    again = nb01.k_summary(np.array(X))  # the same values in another array: no new computation
    assert len(nb01._SUMMARIES) == calls
    pd.testing.assert_frame_equal(first, again)
    first.loc[0, "silhouette"] = -1  # a copy: the cache is untouched
    assert nb01.k_summary(X).loc[0, "silhouette"] > 0
    pd.testing.assert_frame_equal(nb01.k_table(), again)


def test_helper_matches_a_plain_pandas_rfm(raw):
    clean, _ = rfm.clean_transactions(raw)
    out = rfm.compute_rfm(clean, amount_col="Amount", invoice_col="InvoiceNo")
    snap = clean["InvoiceDate"].max().normalize() + pd.Timedelta(days=1)
    g = clean.groupby("CustomerID")
    assert np.array_equal(out["frequency"], g["InvoiceNo"].nunique().loc[out.index])
    assert np.allclose(out["monetary"], g["Amount"].sum().loc[out.index])
    assert np.array_equal(out["recency"], (snap - g["InvoiceDate"].max().dt.normalize()).dt.days.loc[out.index])
