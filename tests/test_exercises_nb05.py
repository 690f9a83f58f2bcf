"""Notebook 05's checks: the right answer passes, realistic mistakes are named."""

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linear_sum_assignment

from course_utils import dynamic, monitoring
from course_utils.exercises import nb05 as exercises
from course_utils.exercises.nb05 import ____, q1, q2, q3, q4, q5, q6, q7, q8
from course_utils.lessons import nb05
from tests.helpers import expect_mistake as expect

ALL = (q1, q2, q3, q4, q5, q6, q7, q8)


def test_not_attempted_everywhere():
    for q in ALL:
        assert q.check(____).status == "not_attempted"


def test_reference_answers_pass():
    for q in ALL:
        result = q.check(q.reference())
        assert result.status == "correct", (q.name, result.message)


def test_q1_weeks():
    watch = nb05.watch()
    days = (watch["timestamp"] - pd.Timestamp("2025-01-06")).dt.days
    assert q1.check(days // 7 + 1).correct
    expect(q1, days // 7, "start at 0")
    expect(q1, days / 7 + 1, "fractions")
    expect(q1, watch["timestamp"].dt.isocalendar().week, "ISO calendar weeks")
    expect(q1, (days // 7 + 1).head(10), "one week per view")


def test_q2_entropy():
    watch = nb05.watch()
    week5 = watch[nb05.weeks() == 5]
    minutes = week5.pivot_table(index="user_id", columns="genre", values="minutes", aggfunc="sum", fill_value=0)
    p = minutes.div(minutes.sum(axis=1), axis=0)
    right = -(p * np.log(p.where(p > 0, 1))).sum(axis=1)
    assert q2.check(right).correct
    expect(q2, -(p * np.log2(p.where(p > 0, 1))).sum(axis=1), "bits")
    with np.errstate(divide="ignore", invalid="ignore"):
        with_nan = -(p * np.log(p)).sum(axis=1, skipna=False)  # 0 * ln 0 left as NaN
    expect(q2, with_nan, "NaN")
    titles = week5.pivot_table(index="user_id", columns="genre", values="minutes", aggfunc="size", fill_value=0)
    pt = titles.div(titles.sum(axis=1), axis=0)
    expect(q2, -(pt * np.log(pt.where(pt > 0, 1))).sum(axis=1), "counted titles")
    expect(q2, nb05.weekly()[5]["genre_entropy"], "weeks 4 and 5")
    expect(q2, -right, "sign is flipped")
    expect(q2, right.head(100), "viewers active in week 5")


def test_q4_matching():
    old, new = nb05.refit_centroids()
    cost = np.linalg.norm(old[:, None, :] - new[None, :, :], axis=2)
    rows, cols = linear_sum_assignment(cost)
    right = cols[np.argsort(rows)]
    assert q4.check(right).correct
    assert np.array_equal(right, dynamic.match_centroids(old, new))
    expect(q4, np.argsort(right), "maps new to old")
    expect(q4, np.arange(5), "K-Means's order")
    expect(q4, (rows, cols), "(rows, cols)")
    greedy = np.zeros(5, dtype=int)  # every old segment grabbing the same nearest new centroid
    expect(q4, greedy, "Two old segments took the same")
    expect(q4, right.astype(float), "whole numbers")


def test_q3_update_loop():
    weekly = nb05.weekly()
    seg = nb05.fitted_segmenter()
    right = {w: pd.Series(seg.update(weekly[w]), index=weekly[w].index) for w in range(4, 13)}
    assert q3.check(right).correct
    frozen = nb05.fitted_segmenter()
    no_update = {w: pd.Series(frozen.predict(weekly[w]), index=weekly[w].index) for w in range(4, 13)}
    assert not all((no_update[w] == right[w]).all() for w in right)  # updating changes some segments
    expect(q3, no_update, "predict without updating")
    renumbered = {w: (s + 1) % 5 for w, s in right.items()}
    expect(q3, renumbered, "segment numbers changed")
    expect(q3, {w: s for w, s in right.items() if w != 12}, "missing [12]")
    expect(q3, [right[w] for w in range(4, 13)], "Expected a dict")
    expect(q3, {**right, 5: right[5].iloc[:100]}, "Week 5")
    twice = nb05.updated_segmenter()  # the loop run a second time on an already updated segmenter
    rerun = {w: pd.Series(twice.update(weekly[w]), index=weekly[w].index) for w in range(4, 13)}
    expect(q3, rerun, "run the loop twice")


def test_q5_sql():
    ref = nb05.segment_sizes()
    assert q5.check(ref).correct
    assert q5.check(ref.rename(columns={"viewers": "n"})).correct
    per_segment = ref.groupby("segment", as_index=False)["viewers"].sum()
    expect(q5, per_segment, "GROUP BY week too")
    shares = ref.assign(viewers=ref["viewers"] / ref.groupby("week")["viewers"].transform("sum"))
    expect(q5, shares, "shares")
    expect(q5, ref.head(30), "Expected 60 rows")
    expect(q5, ref["viewers"], "Expected a DataFrame")


def test_q6_moved_share():
    labels = nb05.labels_by_week()
    w4, w5 = labels[4], labels[5]
    common = w4.index.intersection(w5.index)
    right = (w4[common] != w5[common]).mean()
    assert q6.check(right).correct
    expect(q6, 100 * right, "percentage")
    expect(q6, float((w4[common] != w5[common]).sum()), "number of viewers")
    union = w4.index.union(w5.index)
    expect(q6, float((w4.reindex(union) != w5.reindex(union)).mean()), "present in only one week")
    n = min(len(w4), len(w5))
    expect(q6, float((w4.to_numpy()[:n] != w5.to_numpy()[:n]).mean()), "by position")


def test_q7_psi():
    labels = nb05.labels_by_week()
    e = labels[4].value_counts(normalize=True).sort_index()
    a = labels[5].value_counts(normalize=True).sort_index()
    right = float(((a - e) * np.log(a / e)).sum())
    assert q7.check(right).correct
    assert right == pytest.approx(monitoring.psi(labels[4], labels[5]))
    expect(q7, float(((a - e) * np.log10(a / e)).sum()), "natural log")
    expect(q7, float((a - e).abs().sum()), "absolute change")
    ec, ac = labels[4].value_counts().sort_index(), labels[5].value_counts().sort_index()
    expect(q7, float(((ac - ec) * np.log(ac / ec)).sum()), "counts")
    expect(q7, (a - e) * np.log(a / e), "sum them")
    expect(q7, -right, "never negative")


def test_q8_alert_weeks():
    right = nb05.alert_weeks()
    assert set(nb05.EVENT_WEEKS) <= set(right) and not set(nb05.QUIET_WEEKS) & set(right)
    assert q8.check(right).correct
    assert q8.check(tuple(reversed(right))).correct
    moderate, by_size = exercises.alerts_at_moderate_line(), exercises.size_shift_weeks()
    assert moderate != right and by_size != right
    expect(q8, moderate, "'moderate' line")
    expect(q8, by_size, "segment sizes shifted")
    expect(q8, [w - 1 for w in right], "Off by one")
    expect(q8, "5, 6, 7", "Expected a sorted list")


# -- the framework's promises, for this notebook -------------------------------------------
def test_exercises_are_registered_in_order():
    assert exercises.EXERCISES == ["q1", "q2", "q3", "q4", "q5", "q6", "q7", "q8"]  # the notebook's order
    assert all(q.notebook == "05" for q in ALL)


def test_the_lesson_hands_out_copies():
    seg = nb05.fitted_segmenter()
    before = seg.centroids().copy()
    seg.update(nb05.weekly()[12])  # a learner's in-place edit of what they got
    pd.testing.assert_frame_equal(nb05.fitted_segmenter().centroids(), before)

    updated = nb05.updated_segmenter()
    history = [h.copy() for h in updated.history_]
    updated.update(nb05.weekly()[4])
    assert len(nb05.updated_segmenter().history_) == len(history)
    assert all(np.array_equal(a, b) for a, b in zip(nb05.updated_segmenter().history_, history))

    old, new = nb05.refit_centroids()
    kept = old.copy(), new.copy()
    old[:] = 0
    new += 1
    again = nb05.refit_centroids()
    assert np.array_equal(again[0], kept[0]) and np.array_equal(again[1], kept[1])

    labels = nb05.labels_by_week()
    labels[5][:] = 0
    del labels[6]
    assert 6 in nb05.labels_by_week() and nb05.labels_by_week()[5].nunique() == 5
    weeks = nb05.alert_weeks()
    weeks.append(99)
    assert 99 not in nb05.alert_weeks()


def test_checks_leave_the_answer_and_the_reference_alone():
    right = nb05.updated()
    given = {w: s.copy() for w, s in right.items()}
    assert q3.evaluate(given).correct
    assert all(given[w].equals(right[w]) for w in right)
    order = nb05.centroid_order()
    assert q4.evaluate(order).correct and np.array_equal(order, nb05.centroid_order())


def test_near_right_answers_get_the_right_verdict():
    weeks = nb05.weeks()
    assert q1.check(weeks.iloc[::-1]).correct  # watch's rows in another order, index kept
    assert q1.check(weeks.to_frame()).message.startswith("Weeks 1 to 12")
    entropy = nb05.entropy_w5()
    expect(q2, pd.concat([entropy, entropy.head(1)]), "viewers active in week 5")  # a viewer twice
    assert q2.check(entropy.sample(frac=1, random_state=0)).correct
    assert q4.check(nb05.centroid_order().tolist()).correct
    assert q3.check({w: s.to_numpy() for w, s in nb05.updated().items()}).correct
    sizes = nb05.segment_sizes()
    expect(q5, sizes.assign(segment=sizes["segment"] + 1), "segment (0 to 4)")
    assert q6.check(np.float32(nb05.moved_w5())).correct
    assert q7.check(np.array(nb05.psi_w5())).correct
    right = nb05.alert_weeks()
    assert q8.check([float(w) for w in right]).message.startswith(f"Alerts in weeks {right[0]},")
    expect(q8, [w + 0.5 for w in right], "whole numbers")
    expect(q8, [float("inf")], "whole numbers")
