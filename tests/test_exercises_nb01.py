"""Notebook 01's checks: the right answer passes, realistic mistakes are named."""

import numpy as np
import pandas as pd
import pytest
from sklearn.cluster import KMeans
from sklearn.metrics import accuracy_score, adjusted_rand_score, normalized_mutual_info_score, rand_score
from sklearn.preprocessing import MinMaxScaler, StandardScaler

from course_utils.exercises.nb01 import ____, q1, q2, q3, q4, q5, q6, q7, q8
from course_utils.lessons import nb01
from tests.helpers import expect_correct
from tests.helpers import expect_mistake as expect

COLS = ["recency", "frequency", "monetary"]


@pytest.fixture(scope="module")
def raw():
    return nb01.raw()


@pytest.fixture(scope="module")
def clean():
    return nb01.clean()


@pytest.fixture(scope="module")
def snap(clean):
    return clean["InvoiceDate"].max().normalize() + pd.Timedelta(days=1)


@pytest.fixture(scope="module")
def table():
    return nb01.rfm_table()


@pytest.fixture(scope="module")
def X(table):
    return StandardScaler().fit_transform(np.log1p(table[COLS]))


def test_not_attempted_everywhere():
    for q in (q1, q2, q3, q4, q5, q6, q7, q8):
        assert q.check(____).status == "not_attempted"


# q1 -----------------------------------------------------------------------------
def test_q1_right(raw):
    assert q1.check(raw["InvoiceNo"].str.startswith("C")).correct


@pytest.mark.parametrize(
    "wrong, phrase",
    [
        (lambda r: r["Quantity"] < 0, "stock adjustments"),
        (lambda r: ~r["InvoiceNo"].str.startswith("C"), "inverted"),
        (lambda r: r[r["InvoiceNo"].str.startswith("C")], "cancellation rows themselves"),
        (lambda r: r["InvoiceNo"].str.startswith("c"), "capital 'C'"),
        (lambda r: r["InvoiceNo"].str.startswith("C").head(100), "has 100 values"),
    ],
)
def test_q1_mistakes(raw, wrong, phrase):
    expect(q1, wrong(raw), phrase)


# q2 -----------------------------------------------------------------------------
def test_q2_right(snap):
    assert q2.check(snap).correct
    assert q2.check(snap.to_pydatetime()).correct


@pytest.mark.parametrize(
    "wrong, phrase",
    [
        (lambda c: pd.Timestamp.today(), "today's date"),
        (lambda c: c["InvoiceDate"].max(), "last purchase itself"),
        (lambda c: c["InvoiceDate"].max() + pd.Timedelta(days=1), "drop the time of day first"),
        (lambda c: c["InvoiceDate"].max().normalize() + pd.Timedelta(days=1, hours=9), "midnight"),
        (lambda c: c["InvoiceDate"], "Did you forget .max()"),
        (lambda c: 20111210, "number"),
    ],
)
def test_q2_mistakes(clean, wrong, phrase):
    expect(q2, wrong(clean), phrase)


# q3 -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def per_customer(clean, snap):
    g = clean.groupby("CustomerID").agg(last=("InvoiceDate", "max"), frequency=("InvoiceNo", "nunique"),
                                       monetary=("Amount", "sum"))
    g["recency"] = (snap - g["last"].dt.normalize()).dt.days
    return g


def test_q3_right(per_customer):
    assert q3.check(per_customer[COLS]).correct
    assert q3.check(per_customer[COLS].reset_index()).correct  # CustomerID as a column is fine


@pytest.mark.parametrize(
    "change, phrase",
    [
        (lambda g, c, r: g.assign(frequency=c.groupby("CustomerID").size()), "line items, not invoices"),
        (
            lambda g, c, r: g.assign(recency=(pd.Timestamp.today().normalize() - g["last"].dt.normalize()).dt.days),
            "from today",
        ),
        (lambda g, c, r: g.assign(recency=g["recency"] - 1), "one day short"),
        (lambda g, c, r: g.assign(monetary=c.groupby("CustomerID")["Amount"].mean()), "mean line amount"),
        (lambda g, c, r: g.assign(recency=g["recency"] * pd.Timedelta(days=1)), ".dt.days"),
        (
            lambda g, c, r: g.assign(
                frequency=r.dropna(subset=["CustomerID"]).groupby("CustomerID")["InvoiceNo"].nunique()
            ),
            "cancellations",
        ),
        (lambda g, c, r: g.drop(columns="monetary"), "no column ['monetary']"),
    ],
)
def test_q3_mistakes(per_customer, clean, raw, change, phrase):
    expect(q3, change(per_customer, clean, raw)[[c for c in COLS if c in change(per_customer, clean, raw)]], phrase)


def test_q3_rows_per_line_instead_of_customer(clean, snap):
    lines = clean.assign(recency=0, frequency=1, monetary=clean["Amount"])[["CustomerID"] + COLS].set_index(
        "CustomerID"
    )
    expect(q3, lines, "One row per customer")


# q4 -----------------------------------------------------------------------------
def test_q4_right(table):
    assert q4.check(pd.qcut(table["recency"].rank(method="first"), 5, labels=[5, 4, 3, 2, 1]).astype(int)).correct
    assert q4.check(q4.reference()).correct


@pytest.mark.parametrize(
    "wrong, phrase",
    [
        (lambda t: pd.qcut(t["recency"].rank(method="first"), 5, labels=[1, 2, 3, 4, 5]).astype(int), "reversed"),
        (lambda t: pd.qcut(t["recency"].rank(method="first"), 5, labels=False), "0 to 4"),
        (lambda t: pd.qcut(t["frequency"].rank(method="first"), 5, labels=[1, 2, 3, 4, 5]).astype(int), "frequency"),
        (lambda t: pd.qcut(t["recency"].rank(method="first"), 10, labels=False) + 1, "1 to 5"),
    ],
)
def test_q4_mistakes(table, wrong, phrase):
    expect(q4, wrong(table), phrase)


# q5 -----------------------------------------------------------------------------
def test_q5_right(table, X):
    assert q5.check(X).correct
    assert q5.check(pd.DataFrame(X, columns=COLS, index=table.index)).correct
    assert q5.check(StandardScaler().fit_transform(np.log(table[COLS]))).correct  # log is fine too


@pytest.mark.filterwarnings("ignore:invalid value encountered in log1p")  # that mistake's own NaNs
@pytest.mark.parametrize(
    "wrong, phrase",
    [
        (lambda t: StandardScaler().fit_transform(t[COLS]), "not log-transformed"),
        (lambda t: np.log1p(t[COLS]), "not standardised"),
        (lambda t: np.log1p(StandardScaler().fit_transform(t[COLS])), "log first, then scale"),
        (lambda t: MinMaxScaler().fit_transform(np.log1p(t[COLS])), "min-max"),
        (lambda t: t[COLS], "raw RFM values"),
        (lambda t: StandardScaler().fit_transform(np.log1p(t[["recency", "frequency"]])), "Expected 3 columns"),
    ],
)
def test_q5_mistakes(table, wrong, phrase):
    expect(q5, wrong(table), phrase)


# q6 -----------------------------------------------------------------------------
def test_q6_defensible_ks_pass_and_reference_is_the_largest():
    ok = nb01.clustering.defensible_ks(nb01.k_table())
    assert ok and q6.reference() == max(ok)
    for k in ok:
        assert q6.check(k).correct
    assert q6.check(float(ok[0])).correct


def test_q6_mistakes():
    table = nb01.k_table().set_index("k")
    ok = nb01.clustering.defensible_ks(nb01.k_table())
    unstable = [k for k in table.index if table.loc[k, "mean_ari"] < 0.85]
    low_silhouette = [k for k in table.index if k not in ok and k not in unstable]
    assert unstable and low_silhouette, "the data should offer both kinds of wrong k"
    expect(q6, unstable[0], "not stable enough")
    expect(q6, low_silhouette[0], "silhouette")
    expect(q6, 15, "from 2 to 10")
    expect(q6, 4.5, "whole number")
    expect(q6, "5", "Expected a whole number")


# q7 -----------------------------------------------------------------------------
def test_q7_right(X):
    k = q6.reference()
    assert q7.check(KMeans(n_clusters=k, n_init=10, random_state=0).fit_predict(X)).correct
    other = [j for j in nb01.clustering.defensible_ks(nb01.k_table()) if j != k][0]
    assert q7.check(KMeans(n_clusters=other, n_init=10, random_state=0).fit_predict(X)).correct


@pytest.mark.parametrize(
    "wrong, phrase",
    [
        (lambda t, X, k: KMeans(n_clusters=k, n_init=10, random_state=0).fit_predict(t[COLS]), "raw RFM"),
        (
            lambda t, X, k: KMeans(n_clusters=k, n_init=10, random_state=0).fit_predict(
                StandardScaler().fit_transform(t[COLS])
            ),
            "un-logged",
        ),
        (lambda t, X, k: KMeans(n_clusters=2, n_init=10, random_state=0).fit_predict(X), "not defensible"),
        (lambda t, X, k: KMeans(n_clusters=k, n_init=10, random_state=0).fit_predict(X)[:50], "one per customer"),
        (lambda t, X, k: np.random.default_rng(0).integers(0, k, len(t)), "differ from K-Means"),
    ],
)
def test_q7_mistakes(table, X, wrong, phrase):
    expect(q7, wrong(table, X, q6.reference()), phrase)


# q8 -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def labels(X):
    return KMeans(n_clusters=q6.reference(), n_init=10, random_state=0).fit_predict(X)


def test_q8_right(labels):
    assert q8.check(adjusted_rand_score(nb01.truth(), labels)).correct


@pytest.mark.parametrize(
    "wrong, phrase",
    [
        (lambda t, lab: accuracy_score(pd.factorize(t)[0], lab), "without matching"),
        (lambda t, lab: rand_score(t, lab), "plain Rand index"),
        (lambda t, lab: normalized_mutual_info_score(t, lab), "normalized mutual information"),
        (lambda t, lab: adjusted_rand_score(t, nb01.labels(q6.reference(), "raw")), "raw clustering"),
        (lambda t, lab: "0.9", "Expected one number"),
    ],
)
def test_q8_mistakes(labels, wrong, phrase):
    expect(q8, wrong(nb01.truth(), labels), phrase)


# near-right answers: equivalent ones are correct, wrong ones get the true diagnosis ---------
def test_q1_index_aligned_mask_in_another_row_order_is_correct(raw):
    mask = raw["InvoiceNo"].str.startswith("C")
    expect_correct(q1, mask.sample(frac=1, random_state=1))


def test_q3_float_customer_ids_are_correct(per_customer):
    table = per_customer[COLS].copy()
    table.index = table.index.astype(float)  # 12346.0, as after a merge with missing ids
    expect_correct(q3, table)


@pytest.mark.parametrize("id_name", ["customer_id", "CustomerID", "customer id"])
def test_q3_customer_id_as_a_column_or_index_name_is_correct(per_customer, id_name):
    table = per_customer[COLS].rename_axis(id_name)
    expect_correct(q3, table)
    expect_correct(q3, table.reset_index())


def test_q3_unnormalized_recency_gets_the_true_diagnosis(per_customer, snap):
    unnormalized = per_customer.assign(recency=(snap - per_customer["last"]).dt.days)[COLS]
    result = expect(q3, unnormalized, "one day short")
    assert "normalize" in result.message.lower() and "time of day" in result.message


def test_q8_uses_the_labels_it_is_given(X):
    mine = KMeans(n_clusters=2, n_init=10, random_state=0).fit_predict(X)  # k=2 is not defensible here
    ari = adjusted_rand_score(nb01.truth(), mine)
    expect_correct(q8, ari, labels=mine)
    expect(q8, accuracy_score(pd.factorize(nb01.truth())[0], mine), "without matching", labels=mine)
    assert q8.evaluate(ari).status == "incorrect"  # without labels it is judged against the defensible ks
