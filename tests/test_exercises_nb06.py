"""Notebook 06's checks: the right answer passes, realistic mistakes are named."""

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import silhouette_samples, silhouette_score

from course_utils import clustering
from course_utils.course import drill
from course_utils.exercises import nb06
from course_utils.exercises.nb06 import (
    ____,
    q1,
    q2,
    q3,
    q4,
    q5,
    q6,
    q7,
    q8,
    q9,
    q10,
    q11,
    q12,
    q22,
    q23,
    q24,
    q25,
    q26,
)
from course_utils.lessons import nb06 as lesson
from tests.helpers import expect_correct, expect_mistake


# -- case (a) -----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def lab():
    customers, X, labels = lesson.lookalike_customers(), lesson.lookalike_X(), lesson.lookalike_labels()
    in_pair = np.isin(labels, lesson.lookalike_pair())
    return customers, X, labels, in_pair


def test_the_lab_plants_two_segments_alike_in_rfm_and_apart_in_channel(lab):
    customers, X, labels, in_pair = lab
    a, b = lesson.lookalike_pair()
    profile = customers[lesson.RFM].groupby(labels).median()
    assert np.allclose(np.log1p(profile.loc[a]), np.log1p(profile.loc[b]), atol=0.1)
    shares = customers.groupby(labels)["app_share"].median()
    assert abs(shares[a] - shares[b]) > 0.4
    truth = customers.loc[in_pair, "truth"].value_counts(normalize=True)
    assert truth[["app loyal", "web loyal"]].sum() > 0.95


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_the_lab_holds_on_other_seeds(seed):
    """Another draw of the generator tells the same story: the pair overlaps on RFM, not on everything."""
    customers = lesson.make_lookalike_customers(seed)
    X, labels = lesson.scaled_features(customers), lesson.segment(customers)
    m = np.isin(labels, lesson.closest_pair(customers, labels))
    assert silhouette_score(X[m], labels[m]) > 0.4
    assert abs(silhouette_score(X[m][:, :3], labels[m])) < 0.05
    e = clustering.explain_clusters(customers.loc[m, lesson.FEATURES], labels[m])
    assert e.top_features[0] == "app_share" and e.fidelity > 0.9


def test_q1_right(lab):
    _, X, labels, in_pair = lab
    expect_correct(q1, silhouette_score(X[in_pair], labels[in_pair]))
    expect_correct(q1, float(silhouette_samples(X[in_pair], labels[in_pair]).mean()))


def test_q1_mistakes(lab):
    customers, X, labels, in_pair = lab
    expect_mistake(q1, silhouette_score(X, labels), "all four segments")
    expect_mistake(q1, silhouette_score(customers.loc[in_pair, lesson.FEATURES], labels[in_pair]), "raw features")
    expect_mistake(q1, silhouette_score(X[in_pair][:, :3], labels[in_pair]), "recency, frequency and monetary")
    expect_mistake(q1, 0.02, "near 0")
    expect_mistake(q1, silhouette_samples(X[in_pair], labels[in_pair]), "one number")
    expect_mistake(q1, 1.5, "from -1 to 1")


def test_q2_right(lab):
    customers, _, labels, in_pair = lab
    expect_correct(q2, clustering.explain_clusters(customers.loc[in_pair, lesson.FEATURES], labels[in_pair]))
    expect_correct(q2, clustering.explain_clusters(customers.loc[in_pair, lesson.FEATURES], labels[in_pair],
                                                   max_depth=2, random_state=3))


def test_q2_mistakes(lab):
    customers, X, labels, in_pair = lab
    expect_mistake(q2, clustering.explain_clusters(customers[lesson.FEATURES], labels), "tells 4 segments apart")
    expect_mistake(q2, clustering.explain_clusters(X[in_pair], labels[in_pair]), "scaled array")
    expect_mistake(q2, clustering.explain_clusters(customers.loc[in_pair, lesson.RFM], labels[in_pair]),
                   "never saw app_share")
    expect_mistake(q2, "app_share", "You named a feature")
    other = np.isin(labels, [c for c in range(4) if c not in lesson.lookalike_pair()])
    expect_mistake(q2, clustering.explain_clusters(customers.loc[other, lesson.FEATURES], labels[other]),
                   "the look-alikes are")
    expect_mistake(q2, customers, "ClusterExplanation")


def test_q3_right_and_every_wrong_option():
    expect_correct(q3, "b")
    expect_mistake(q3, "a", "merging would throw away")
    expect_mistake(q3, "c", "More clusters")
    expect_mistake(q3, "d", "well separated already")
    expect_mistake(q3, "z", "not an option")


# -- written answers ------------------------------------------------------------------------------
WRITTEN = [q4, q6, q22, q26]


@pytest.mark.parametrize("ex", WRITTEN, ids=lambda e: e.name)
def test_written_right(ex):
    expect_correct(ex, ex.model_answer, met=list(ex.rubric))


@pytest.mark.parametrize("ex", WRITTEN, ids=lambda e: e.name)
def test_written_asks_for_a_self_score_first(ex):
    result = ex.check(ex.model_answer)
    assert result.status == "not_attempted" and "score it honestly" in result.message
    assert ex.check(____, met=list(ex.rubric)).status == "not_attempted"


@pytest.mark.parametrize("ex", WRITTEN, ids=lambda e: e.name)
def test_written_mistakes(ex):
    required = [k for k, r in ex.rubric.items() if r.required]
    expect_mistake(ex, "Use a decision tree and merge.", "words", met=required)
    expect_mistake(ex, ex.model_answer, "does not yet", met=required[:-1])
    filler = " ".join(["I would look at the data carefully and talk to the team about it."] * 8)
    expect_mistake(ex, filler, "never says so", met=required)
    expect_mistake(ex, ex.model_answer, "not a rubric item", met=["z"])


def test_written_answer_and_self_score_are_recorded():
    import json
    import os

    q4.check(q4.model_answer, met=["a", "b", "c", "d"])
    saved = json.loads(open(os.environ["COURSE_PROGRESS_FILE"]).read())["notebooks"]["06"]["q4"]
    assert saved["details"]["met"] == ["a", "b", "c", "d"] and "silhouette" in saved["details"]["text"]


def test_the_star_model_answer_quotes_the_computed_numbers():
    n = lesson.campaign_numbers()
    text = q6.model_answer
    assert f"{n['campaign']:.2%}" in text and f"{n['holdout']:.2%}" in text and f"{n['lift']:.0%}" in text
    # the lift quoted is the one the two quoted rates give (a reader can redo the division)
    shown = float(f"{n['campaign'] * 100:.2f}") / float(f"{n['holdout'] * 100:.2f}") - 1
    assert f"{shown:.0%}" == f"{n['lift']:.0%}"


def test_reveal_shows_the_model_answer_only_after_an_attempt(capsys):
    drill.reveal_after_attempt(q4, ____)
    assert "appears here once you have written" in capsys.readouterr().out
    drill.reveal_after_attempt(q4, "Too short.")
    out = capsys.readouterr().out
    assert "Model answer" in out and "Common weak answers" in out


# -- case (b) -----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def campaign():
    return lesson.campaign()


def test_q5_right(campaign):
    rates = campaign.groupby("group")["responded"].mean()
    expect_correct(q5, rates["campaign"] / rates["holdout"] - 1)


def test_q5_mistakes(campaign):
    t = campaign[campaign["group"] == "campaign"]
    rates = campaign.groupby("group")["responded"].mean()
    expect_mistake(q5, t["responded"].mean() / t["responded_last_quarter"].mean() - 1, "before/after")
    expect_mistake(q5, rates["campaign"] / rates["holdout"], "ratio minus 1")
    expect_mistake(q5, rates["campaign"] - rates["holdout"], "percentage points")
    expect_mistake(q5, 100 * (rates["campaign"] / rates["holdout"] - 1), "percentage")
    by_segment = campaign.groupby(["segment", "group"])["responded"].mean().unstack()
    expect_mistake(q5, (by_segment["campaign"] / by_segment["holdout"] - 1).mean(), "average of the four")


def test_the_holdout_is_a_random_tenth_of_every_segment(campaign):
    share = (campaign["group"] == "holdout").groupby(campaign["segment"]).mean()
    assert share.between(0.08, 0.12).all()
    n = lesson.campaign_numbers()
    assert n["diff_low"] > 0 and n["before_after"] > 2 * n["lift"]  # the season inflates before/after


# -- RFM from raw lines ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def lines():
    return lesson.raw_lines()


def rfm_sql(lines, count="count(DISTINCT InvoiceNo) FILTER (WHERE NOT is_cancel)",
            money="sum(amount)", where="CustomerID IS NOT NULL", snapshot="CAST(max(InvoiceDate) AS DATE) + 1"):
    import duckdb

    con = duckdb.connect()
    con.register("lines", lines)
    return con.sql(f"""
        WITH known AS (
            SELECT *, Quantity * UnitPrice AS amount, InvoiceNo LIKE 'C%' AS is_cancel FROM lines WHERE {where}
        ), snap AS (SELECT {snapshot} AS snapshot FROM lines)
        SELECT CustomerID,
               date_diff('day', CAST(max(InvoiceDate) FILTER (WHERE NOT is_cancel) AS DATE),
                         any_value(snapshot)) AS recency,
               {count} AS frequency, {money} AS monetary
        FROM known, snap GROUP BY CustomerID
    """).df()


def test_q7_right(lines):
    expect_correct(q7, rfm_sql(lines))
    expect_correct(q7, rfm_sql(lines).sample(frac=1, random_state=0).rename(columns=str.upper))


def test_q7_mistakes(lines):
    expect_mistake(q7, rfm_sql(lines, count="count(*) FILTER (WHERE NOT is_cancel)"), "counts lines")
    expect_mistake(q7, rfm_sql(lines, money="sum(amount) FILTER (WHERE NOT is_cancel)"), "keep the cancellation")
    expect_mistake(q7, rfm_sql(lines, where="TRUE"), "guest lines")
    expect_mistake(q7, rfm_sql(lines, snapshot="CAST(max(InvoiceDate) AS DATE)"), "one day short")
    expect_mistake(q7, rfm_sql(lines, count="count(DISTINCT InvoiceNo)"), "not an order")
    expect_mistake(q7, rfm_sql(lines).drop(columns="monetary"), "no column")
    expect_mistake(q7, rfm_sql(lines).head(20), "missing")


def test_q7_snapshot_taken_after_the_guest_lines_were_dropped(lines):
    """The snapshot from the customers' lines only lands before the extract's last (guest) line."""
    snapshot = "(SELECT CAST(max(InvoiceDate) AS DATE) + 1 FROM lines WHERE CustomerID IS NOT NULL)"
    wrong = rfm_sql(lines, snapshot=snapshot)
    shift = (lesson.rfm_snapshot(lines, customers_only=True) - lesson.rfm_snapshot(lines)).days
    assert shift < -1  # the drill's data plants it: the last line of the extract has no customer
    result = expect_mistake(q7, wrong, f"{-shift} days short for every customer")
    assert "before leaving out the lines without a CustomerID" in result.message


def test_q7_any_other_shift_of_the_snapshot(lines):
    right = rfm_sql(lines)
    result = expect_mistake(q7, right.assign(recency=right["recency"] + 30), "30 days too long for every customer")
    assert "whole extract" in result.message
    expect_mistake(q7, right.assign(recency=right["recency"] + 1), "1 day too long")
    expect_mistake(q7, right.assign(recency=right["recency"] - 1), "one day short")  # the declared one, alone
    assert "alike" not in q7.check(right.assign(recency=right["recency"] - 1)).message


def test_q7_names_two_mistakes_at_once(lines):
    result = expect_mistake(q7, rfm_sql(lines, count="count(*) FILTER (WHERE NOT is_cancel)",
                                        snapshot="CAST(max(InvoiceDate) AS DATE)"), "counts lines")
    assert "one day short" in result.message


def pandas_rfm(lines, keep_cancellations_in_money=True, nunique=True):
    known = lines[lines["CustomerID"].notna()].assign(amount=lines["Quantity"] * lines["UnitPrice"])
    orders = known[~known["InvoiceNo"].str.startswith("C")]
    snapshot = lines["InvoiceDate"].max().normalize() + pd.Timedelta(days=1)
    g = orders.groupby("CustomerID")
    return pd.DataFrame({
        "recency": (snapshot - g["InvoiceDate"].max().dt.normalize()).dt.days,
        "frequency": g["InvoiceNo"].nunique() if nunique else g.size(),
        "monetary": (known if keep_cancellations_in_money else orders).groupby("CustomerID")["amount"].sum(),
    })


def test_q8_right(lines):
    expect_correct(q8, pandas_rfm(lines))
    expect_correct(q8, pandas_rfm(lines).reset_index())  # CustomerID as a column is fine
    ids = pandas_rfm(lines)
    ids.index = ids.index.astype(float)
    expect_correct(q8, ids)


def test_q8_mistakes(lines):
    expect_mistake(q8, pandas_rfm(lines, nunique=False), "counts lines")
    known = lines[lines["CustomerID"].notna()]
    expect_mistake(q8, pandas_rfm(known), "Take the snapshot from the whole extract")
    expect_mistake(q8, pandas_rfm(lines, keep_cancellations_in_money=False), "keep the cancellation")
    expect_mistake(q8, pandas_rfm(lines).reset_index(drop=True), "0, 1, 2")
    expect_mistake(q8, lesson.rfm_from_lines(lines, cancellations_as_orders=True), "not an order")
    expect_mistake(q8, pandas_rfm(lines)["recency"], "DataFrame")


def test_rfm_matches_the_toolkit_on_purchases(lines):
    """The drill's frequency and recency agree with rfm.compute_rfm on the non-cancelled lines."""
    from course_utils import rfm

    known = lines[lines["CustomerID"].notna()]
    orders = known[~known["InvoiceNo"].str.startswith("C")].assign(Amount=lambda d: d["Quantity"] * d["UnitPrice"])
    snapshot = lines["InvoiceDate"].max().normalize() + pd.Timedelta(days=1)
    toolkit = rfm.compute_rfm(orders, invoice_col="InvoiceNo", as_of=snapshot)
    ref = lesson.rfm_reference()
    assert (toolkit["frequency"].to_numpy() == ref["frequency"].to_numpy()).all()
    assert (toolkit["recency"].to_numpy() == ref["recency"].to_numpy()).all()


# -- sessions ------------------------------------------------------------------------------------------
def test_q9_right_and_agrees_with_the_toolkit():
    from course_utils import sessions

    clicks = lesson.clicks()
    expect_correct(q9, sessions.sessionize(clicks, gap="30min")["session_id"].nunique())
    ordered = clicks.sort_values(["user_id", "timestamp"])
    gaps = ordered.groupby("user_id")["timestamp"].diff()
    expect_correct(q9, int((gaps.isna() | (gaps > pd.Timedelta(minutes=30))).sum()))


def test_q9_mistakes():
    clicks = lesson.clicks()
    gaps = clicks.groupby("user_id")["timestamp"].diff()  # not sorted
    expect_mistake(q9, int((gaps.isna() | (gaps > pd.Timedelta(minutes=30))).sum()), "out of order")
    ordered = clicks.sort_values(["user_id", "timestamp"])
    g = ordered.groupby("user_id")["timestamp"].diff()
    expect_mistake(q9, int((g.isna() | (g >= pd.Timedelta(minutes=30))).sum()), "exactly 30 minutes")
    flat = ordered["timestamp"].diff()
    expect_mistake(q9, int((flat.isna() | (flat > pd.Timedelta(minutes=30))).sum()), "across users")
    expect_mistake(q9, int((g.isna() | (g > pd.Timedelta(seconds=30))).sum()), "30 seconds")
    expect_mistake(q9, int((g > pd.Timedelta(minutes=30)).sum()), "breaks")
    expect_mistake(q9, 119.5, "whole number")


def test_the_click_log_plants_pauses_of_exactly_the_gap():
    ordered = lesson.clicks().sort_values(["user_id", "timestamp"])
    gaps = ordered.groupby("user_id")["timestamp"].diff()
    assert (gaps == pd.Timedelta(minutes=30)).sum() >= 10
    assert not lesson.clicks()["timestamp"].is_monotonic_increasing


# -- argue a k ---------------------------------------------------------------------------------------
def test_q10_right():
    expect_correct(q10, clustering.choose_k(lesson.k_curves()))


def test_q10_mistakes():
    curves = lesson.k_curves()
    best = int(curves.loc[curves["silhouette"].idxmax(), "k"])
    assert best != lesson.k_choice()  # the drill is built so that the silhouette alone misleads
    expect_mistake(q10, best, "best silhouette")
    expect_mistake(q10, 3, "not stable")
    expect_mistake(q10, int(curves["k"].max()), "not stable")
    expect_mistake(q10, 12, "was not measured")
    expect_mistake(q10, "4", "not text")


# -- the broken pipeline -------------------------------------------------------------------------------
def test_q11_right_and_wrong():
    expect_correct(q11, ["a", "c", "e"])
    expect_mistake(q11, ["a", "c"], "missing")
    expect_mistake(q11, ["a", "c", "e", "f"], "same data gives the same segments")
    expect_mistake(q11, ["a", "b", "c", "e"], "sensible features")
    expect_mistake(q11, ["a", "c", "d", "e"], "present in both weeks")


def test_the_broken_code_shown_is_the_lessons_broken_pipeline(root):
    """The notebook's buggy function (unscaled, leaking, unmatched) gives the lesson's broken number."""
    from sklearn.cluster import KMeans

    from course_utils.course import authoring

    source = next((root / "solutions").glob("06_*.py"))
    cell = next(c.source for c in authoring.read_source(source).cells if "def weekly_segments(events" in c.source)
    scope = {"lesson": lesson, "pd": pd, "KMeans": KMeans, "TimeBudget": lambda *a, **k: None,
             "print": lambda *a, **k: None}
    exec(cell, scope)
    assert scope["moved"] == pytest.approx(lesson.moved_broken())


@pytest.mark.parametrize("seed", [7, 8])
def test_each_bug_does_what_the_notebook_says_on_other_draws(seed):
    """The prose's claims hold beyond the shipped draw: no matching inflates moves, the leak deflates them."""
    events = lesson.make_weekly_events(seed)
    fixed = lesson.moved_share(events=events)
    assert fixed < 0.15
    assert lesson.moved_share(match=False, events=events) > 3 * fixed
    assert lesson.moved_share(leak=True, events=events) < fixed
    assert lesson.moved_share(scale=False, events=events) > fixed + 0.05


@pytest.mark.parametrize("seed", [lesson.SEED, 7, 8])
def test_most_customers_who_move_are_not_the_planted_switchers(seed):
    """The notebook's reading of the fixed pipeline: migration is mostly noise, few switchers move by week 8."""
    planted = lesson.planted_moves(seed)
    assert 0 < planted["switchers"] < 0.1 * planted["active"]
    assert planted["switchers_moved"] < planted["switchers"] / 2
    assert planted["switchers_moved"] < planted["moved"] / 2


def test_the_planted_switchers_are_the_customers_who_change_behaviour():
    events = lesson.weekly_events()
    switchers = lesson.planted_switchers()
    app = events.assign(late=events["week"] >= 8).groupby(["late", events["customer_id"].isin(switchers)])["app"]
    share = app.mean().unstack()
    assert share.loc[False, True] < 0.3 and share.loc[True, True] > 0.7  # switchers: web before, app after


def test_the_bug_table_is_the_lessons_moved_share():
    effects = lesson.bug_effects()
    assert effects["no bug (the fixed pipeline)"] == lesson.moved_fixed()
    assert effects["all three (the broken pipeline)"] == lesson.moved_broken()


def fixed_pipeline(scale=True, bounded=True, match=True):
    from sklearn.cluster import KMeans
    from sklearn.preprocessing import StandardScaler

    events = lesson.weekly_events()

    def segments(week):
        window = events["week"] >= week - 3
        if bounded:
            window &= events["week"] <= week
        feats = events[window].groupby("customer_id").agg(orders=("amount", "size"), spend=("amount", "sum"),
                                                          app_share=("app", "mean"))
        X = StandardScaler().fit_transform(feats) if scale else feats
        return pd.Series(KMeans(n_clusters=3, n_init=10, random_state=0).fit_predict(X), index=feats.index)

    s7, s8 = segments(7), segments(8)
    both = s7.index.intersection(s8.index)
    after = s8[both].map(clustering.match_labels(s7[both], s8[both])) if match else s8[both]
    return float((after != s7[both]).mean())


def test_q12_right():
    expect_correct(q12, fixed_pipeline())


def test_q12_mistakes():
    expect_mistake(q12, fixed_pipeline(match=False), "without matching")
    expect_mistake(q12, fixed_pipeline(scale=False), "unscaled")
    expect_mistake(q12, fixed_pipeline(bounded=False), "into the future")
    expect_mistake(q12, fixed_pipeline(scale=False, bounded=False, match=False), "broken pipeline's number")
    expect_mistake(q12, 100 * fixed_pipeline(), "percentage")


# -- quick-fire, from the bank ---------------------------------------------------------------------------
QUICK = [getattr(nb06, f"q{13 + i}") for i in range(len(nb06.QUICK_FIRE))] + [q25]


@pytest.mark.parametrize("ex", QUICK, ids=lambda e: e.name)
def test_quick_fire_right_and_every_wrong_option(ex):
    right = [k for k, o in ex.options.items() if o.correct]
    expect_correct(ex, right if ex.multiple else right[0])
    wrong = [k for k, o in ex.options.items() if not o.correct]
    assert len(wrong) >= 2
    for key in wrong:
        answer = right + [key] if ex.multiple else key
        result = expect_mistake(ex, answer, ex.options[key].feedback[:30])
        assert ex.multiple or "missing" not in result.message  # one pick: its feedback says it all
    if ex.multiple and len(right) > 1:
        expect_mistake(ex, right[:-1], "1 true option is missing")
    expect_mistake(ex, "z", "not an option")


def test_the_quick_fire_questions_are_the_banks():
    for name, item_id in zip([f"q{13 + i}" for i in range(9)], nb06.QUICK_FIRE):
        assert getattr(nb06, name).question == nb06.BANK[item_id].prompt


# -- business framing ------------------------------------------------------------------------------------
def test_q23_right_and_wrong():
    expect_correct(q23, {"w": "2", "s": "1", "k": "3", "r": "4"})
    expect_mistake(q23, {"w": "5", "s": "1", "k": "3", "r": "4"}, "running out")
    expect_mistake(q23, {"w": "2", "s": "3", "k": "1", "r": "4"}, "2 of 4 pairs are wrong")
    expect_mistake(q23, {"w": "2", "s": "1", "k": "3", "r": "5"}, "cheaper shop")
    expect_mistake(q23, {"w": "2"}, "missing")


def test_q24_right_and_wrong():
    expect_correct(q24, {"n": "o", "g": "d", "c": "a", "l": "w"})
    expect_mistake(q24, {"n": "q", "g": "d", "c": "a", "l": "w"}, "already bought")
    expect_mistake(q24, {"n": "o", "g": "d", "c": "w", "l": "a"}, "misreads the moment")
    expect_mistake(q24, {"n": "o", "g": "o", "c": "d", "l": "w"}, "past onboarding")
    expect_mistake(q24, ["o", "d", "a", "w"], "dict")


def test_not_attempted_everywhere():
    for ex in (q1, q2, q3, q5, q7, q8, q9, q10, q11, q12, q23, q24, q25):
        assert ex.check(____).status == "not_attempted"
