"""Notebook 01's checks: the right answer passes, realistic mistakes are named."""

import numpy as np
import pandas as pd
import pytest
from sklearn.cluster import KMeans
from sklearn.metrics import (
    accuracy_score,
    adjusted_mutual_info_score,
    adjusted_rand_score,
    normalized_mutual_info_score,
    rand_score,
)
from sklearn.preprocessing import MinMaxScaler, RobustScaler, StandardScaler

from course_utils.exercises.nb01 import ____, q1, q2, q3, q4, q5, q6, q7, q8, q9
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
    for q in (q1, q2, q3, q4, q5, q6, q7, q8, q9):
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
        (lambda t: RobustScaler().fit_transform(np.log1p(t[COLS])), "RobustScaler"),
        (lambda t: t[COLS], "raw RFM values"),
        (lambda t: StandardScaler().fit_transform(np.log1p(t[["recency", "frequency"]])), "Expected 3 columns"),
    ],
)
def test_q5_mistakes(table, wrong, phrase):
    expect(q5, wrong(table), phrase)


# q6 -----------------------------------------------------------------------------
def test_q6_every_defensible_k_passes_and_the_reference_argues_for_one():
    ok = nb01.defensible()
    assert ok == nb01.clustering.defensible_ks(nb01.k_table())
    assert q6.reference() in ok
    for k in ok:
        assert q6.check(k).correct
    assert q6.check(float(ok[0])).correct


def test_q6_verdicts_name_what_each_view_says():
    table = nb01.k_table().set_index("k")
    ok = nb01.defensible()
    msg = q6.check(max(ok)).message
    assert "largest defensible k" in msg
    if table.loc[max(ok), "std_ari"] == table.loc[ok, "std_ari"].max():
        assert "caveat" in msg
    assert "knee" in q6.check(nb01.knee()).message
    assert "best silhouette" in q6.check(int(table["silhouette"].idxmax())).message


def test_q6_mistakes():
    table = nb01.k_table().set_index("k")
    ok = nb01.defensible()
    unstable = [k for k in table.index if table.loc[k, "mean_ari"] < 0.85]
    low_silhouette = [k for k in table.index if k not in ok and k not in unstable]
    assert unstable and low_silhouette, "the data should offer both kinds of wrong k"
    expect(q6, max(unstable), "not stable enough")  # the most segments: "more is more actionable"
    expect(q6, 2, "silhouette")  # the smallest k: parsimony taken too far
    expect(q6, low_silhouette[-1], "silhouette")
    # the learner works out the defensible ks, then hands in the whole list
    expect(q6, ok, "Those are the defensible ks")
    expect(q6, np.array(ok), "Those are the defensible ks")
    expect(q6, table.index[table["mean_ari"] >= 0.85], "not defensible")  # stable only: silhouette forgotten
    expect(q6, ok[:-1], "misses a defensible k")
    # .max() where .idxmax() was meant: the best silhouette's value, not its k
    summary = nb01.k_table()
    expect(q6, summary["silhouette"].max(), "looks like a score")
    expect(q6, np.float32(table["mean_ari"].max()), "looks like a score")
    # idxmax on summary itself: a row label (rows from 0), not a k
    row = int(summary["silhouette"].idxmax())
    assert row not in ok, "the data should make the row label a wrong k"
    result = expect(q6, row, "row label")
    assert f"k={int(summary.loc[row, 'k'])}" in result.message and "silhouette" in result.message
    expect(q6, 15, "from 2 to 10")
    expect(q6, 4.5, "whole number")
    expect(q6, "5", "Expected a whole number")


# q7 -----------------------------------------------------------------------------
GOOD_ARGUMENT = (
    "I would present five segments: five has the best silhouette (0.50) and the highest bootstrap ARI, so "
    "resamples find the same groups. Four is simpler, but merges groups the team treats differently; six is "
    "allowed by the usual convention but its stability varies most, so one extra split may not be real. The "
    "risk: five may merge two groups that matter, so I would check each profile with the team."
)


def test_q7_written_argument_flow():
    assert q7.check(____).status == "not_attempted"
    first = q7.check(GOOD_ARGUMENT)
    assert first.status == "not_attempted" and "a) " in first.message and "met=" in first.message
    assert q7.check(GOOD_ARGUMENT, met=____).status == "not_attempted"  # the starter's met = ____
    assert q7.check(GOOD_ARGUMENT, met=["a", "b", "c"]).correct
    assert q7.check(q7.reference(), met=["a", "b", "c", "d"]).correct


@pytest.mark.parametrize(
    "text, met, phrase",
    [
        ("k = 4.", ["a"], "words"),  # one view, no argument: too short
        ("The elbow bends at four clusters, so four is the number I would present to the team, because the "
         "inertia curve flattens after it and the elbow method is the standard way to choose k in practice, as "
         "every textbook on clustering explains in its first chapter.",
         ["a"], "does not yet"),  # one view only: no trade-off, no risk
        ("Six segments, because more segments are always more actionable for a CRM team and give every customer a "
         "more precise treatment; the business will be happy with more detail and more campaigns to run, and a "
         "richer segmentation looks better in the quarterly review.",
         ["a", "b"], "never says so"),  # claims evidence it does not quote
        (GOOD_ARGUMENT, ["a", "b"], "(c)"),  # the risk left unclaimed
    ],
)
def test_q7_weak_arguments(text, met, phrase):
    expect(q7, text, phrase, met=met)


# q8 -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def k5_labels():
    return nb01.labels(nb01.chosen_k())


@pytest.fixture(scope="module")
def pct(table, k5_labels):
    return nb01.clustering.rfm_percentiles(table, k5_labels)


def solution_rules(p):
    if p["recent"] >= 0.6 and p["frequent"] >= 0.8:
        return "Champions"
    if p["basket"] >= 0.8:
        return "Big Spenders"
    if p["frequent"] >= 0.6:
        return "Loyal" if p["recent"] >= 0.5 else "At Risk"
    return "New" if p["recent"] >= 0.6 else "Lost"


def test_q8_own_rules_and_the_course_rules_pass_for_every_defensible_k(table):
    for k in nb01.defensible():
        labels = nb01.labels(k)
        pct = nb01.clustering.rfm_percentiles(table, labels)
        mine = {c: solution_rules(p) for c, p in pct.iterrows()}
        expect_correct(q8, mine, labels=labels)
        expect_correct(q8, nb01.clustering.name_clusters(pct).to_dict(), labels=labels)


def test_q8_forms_and_synonyms(pct, k5_labels):
    names = {c: solution_rules(p) for c, p in pct.iterrows()}
    expect_correct(q8, pd.Series(names), labels=k5_labels)
    expect_correct(q8, [names[c] for c in sorted(names)], labels=k5_labels)
    expect_correct(q8, {str(c): n.lower() for c, n in names.items()}, labels=k5_labels)
    synonyms = {"Champions": "VIP", "Lost": "churned", "Big Spenders": "whales", "New": "newcomers",
                "Loyal": "regulars"}
    expect_correct(q8, {c: synonyms.get(n, n) for c, n in names.items()}, labels=k5_labels)
    twice = dict(names)
    loyal = next(c for c, n in names.items() if n == "Loyal")
    twice[loyal] = "At Risk"  # the merged loyal / at-risk cluster fits either name
    assert "fits" in expect_correct(q8, twice, labels=k5_labels).message


def test_q8_mistakes(pct, k5_labels):
    names = {c: solution_rules(p) for c, p in pct.iterrows()}
    flipped = {c: solution_rules(p) for c, p in pct.assign(recent=1 - pct["recent"]).iterrows()}  # small = bad
    expect(q8, flipped, "wrong way round", labels=k5_labels)
    keys = sorted(names)
    shifted = {keys[i]: names[keys[i - 1]] for i in range(len(keys))}  # names read off a re-sorted table
    expect(q8, shifted, "not the one you gave it", labels=k5_labels)
    by_spend = {c: ("Champions" if p["spend"] >= 0.8 else "Lost" if p["spend"] < 0.3 else "Loyal")
                for c, p in pct.iterrows()}  # money alone decides
    expect(q8, by_spend, "is not 'Champions'", labels=k5_labels)
    expect(q8, {c: f"Segment {c}" for c in names}, "cannot judge", labels=k5_labels)
    expect(q8, {c: n for c, n in names.items() if c != keys[-1]}, "no name for cluster", labels=k5_labels)
    expect(q8, {**names, 9: "Lost"}, "no cluster [9]", labels=k5_labels)
    expect(q8, dict.fromkeys(names, 3), "as text", labels=k5_labels)
    expect(q8, "Champions", "Expected a dict", labels=k5_labels)


def test_q8_judges_the_labels_it_is_given(table):
    four = nb01.labels(4)
    pct4 = nb01.clustering.rfm_percentiles(table, four)
    names4 = {c: solution_rules(p) for c, p in pct4.iterrows()}
    expect_correct(q8, names4, labels=four)
    expect(q8, names4, "no name for cluster", labels=nb01.labels(nb01.chosen_k()))


# q9 -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def labels(X):
    return KMeans(n_clusters=q6.reference(), n_init=10, random_state=0).fit_predict(X)


def test_q9_both_chance_corrected_scores_pass(labels):
    truth = nb01.truth()
    assert "Adjusted Rand index" in expect_correct(q9, adjusted_rand_score(truth, labels), labels=labels).message
    expect_correct(q9, adjusted_mutual_info_score(truth, labels), labels=labels)


@pytest.mark.parametrize(
    "wrong, phrase",
    [
        (lambda t, lab: accuracy_score(pd.factorize(t)[0], lab), "without matching"),
        (lambda t, lab: rand_score(t, lab), "plain Rand index"),
        (lambda t, lab: normalized_mutual_info_score(t, lab), "not corrected for chance"),
        (lambda t, lab: pd.crosstab(lab, t.to_numpy()).max(axis=1).sum() / len(lab), "purity"),
        (lambda t, lab: adjusted_rand_score(t, nb01.labels(q6.reference(), "raw")), "raw RFM"),
        (lambda t, lab: "0.9", "Expected one number"),
        (lambda t, lab: 1.5, "between -1 and 1"),
    ],
)
def test_q9_mistakes(labels, wrong, phrase):
    expect(q9, wrong(nb01.truth(), labels), phrase, labels=labels)


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


def test_q9_uses_the_labels_it_is_given(X):
    mine = KMeans(n_clusters=2, n_init=10, random_state=0).fit_predict(X)  # k=2 is not defensible here
    ari = adjusted_rand_score(nb01.truth(), mine)
    expect_correct(q9, ari, labels=mine)
    expect(q9, accuracy_score(pd.factorize(nb01.truth())[0], mine), "without matching", labels=mine)
    assert q9.evaluate(ari).status == "incorrect"  # without labels it is judged against the defensible ks
