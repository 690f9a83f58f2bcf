"""The weekly segmentation case study on the shipped streaming data, through
notebook 05's reference pipeline (course_utils.lessons.nb05): incremental updates agree
with full refits in quiet weeks and are much faster; behaviour-drift alerts fire in the
planted weeks and not in quiet ones."""

import copy
import time

import pytest
from sklearn.metrics import adjusted_rand_score

from course_utils import data, dynamic, monitoring
from course_utils.data import streaming
from course_utils.lessons import nb05


@pytest.fixture(scope="module")
def replay():
    """Agreement with a full refit, and refit / update time, for weeks 4 to 12."""
    weekly = nb05.weekly()
    segmenter = nb05.fitted_segmenter()
    agreement, ratio = {}, {}
    for week in range(4, 13):
        timings = []
        for _ in range(5):
            trial = copy.deepcopy(segmenter)
            start = time.perf_counter()
            trial.update(weekly[week])
            timings.append(time.perf_counter() - start)
        labels = segmenter.update(weekly[week])
        refits = []
        for _ in range(2):
            start = time.perf_counter()
            full = nb05.full_refit(week)
            refits.append(time.perf_counter() - start)
        ratio[week] = min(refits) / min(timings)
        agreement[week] = adjusted_rand_score(labels, full.predict(segmenter.transform(weekly[week])))
    return agreement, ratio


def test_each_planted_persona_gets_its_segment():
    personas = dynamic.assign_personas(nb05.fitted_segmenter().centroids())
    assert sorted(personas) == sorted(p for p in streaming.PERSONAS if p != "drifting")


def test_segments_recover_the_planted_personas_every_week():
    truth = data.load("streaming_truth").set_index(["week", "user_id"])["persona"]
    for week, labels in nb05.labels_by_week().items():
        assert adjusted_rand_score(truth.loc[week].reindex(labels.index), labels) > 0.8, week


def test_incremental_updates_agree_with_full_refits_in_quiet_weeks(replay):
    agreement, _ = replay
    for week in set(nb05.QUIET_WEEKS) & set(agreement):
        assert agreement[week] >= 0.9, (week, agreement[week])


def test_incremental_updates_are_at_least_ten_times_faster(replay):
    """Best of five updates against best of two refits, per week; the typical week
    (median over weeks 4 to 12) must be 10x faster. Measured medians on 2 cores:
    40x to 160x; a single week once dipped to 9x under load, so one week is not the
    measure (make bench prints every ratio)."""
    _, ratio = replay
    assert sorted(ratio.values())[len(ratio) // 2] >= 10, ratio


def test_drift_alerts_fire_in_planted_weeks_and_not_in_quiet_ones():
    fired = set(nb05.alert_weeks())
    assert set(nb05.EVENT_WEEKS) <= fired, fired
    assert not (set(nb05.QUIET_WEEKS) & fired), fired


def test_the_refit_rule_keeps_updating_through_the_twelve_weeks():
    labels = nb05.labels_by_week()
    segmenter = nb05.updated_segmenter()
    personas = dynamic.assign_personas(segmenter.centroids())
    for i, week in enumerate(range(4, 13), start=1):
        drift = float(monitoring.centroid_drift(segmenter.history_[i - 1], segmenter.history_[i]).max())
        reasons = dynamic.needs_refit(monitoring.psi(labels[week - 1], labels[week]), drift,
                                      float((personas[labels[week]] == dynamic.UNASSIGNED).mean()))
        assert reasons == [], (week, reasons)
