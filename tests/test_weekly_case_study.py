"""The weekly segmentation case study on the shipped streaming data, through
notebook 05's reference pipeline (course_utils.lessons.nb05): incremental updates agree
with full refits in quiet weeks and are much faster; behaviour-drift alerts fire in the
planted weeks and not in quiet ones."""

import copy
import time

import pytest
from sklearn.metrics import adjusted_rand_score

from course_utils import data, dynamic
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


def test_the_refit_rule_fires_in_the_change_weeks_of_a_frozen_model_and_never_in_quiet_ones():
    """Replayed as notebook 05 does (refit on the last three weeks whenever the rule fires): a segmenter
    that never forgets falls behind in the tournament and the rule fires there; quiet weeks stay quiet."""
    frozen = nb05.rule_replay(0.0)
    fired = set(frozen.index[frozen["refit?"]])
    assert fired and fired <= {5, 6, 7, 8, 9, 10}, fired
    assert not fired & set(nb05.QUIET_WEEKS), fired
    threshold = dynamic.REFIT_RULE["fit_gap"]
    assert frozen.loc[[w for w in nb05.QUIET_WEEKS if w in frozen.index], "fit gap"].max() < threshold / 2


def test_with_forgetting_the_updates_keep_up_and_the_rule_stays_silent():
    default = nb05.rule_replay(nb05.fitted_segmenter().forgetting)
    assert not default["refit?"].any()
    assert default["fit gap"].max() < nb05.rule_replay(0.0)["fit gap"].max() / 2


def test_forgetting_keeps_the_memory_bounded_and_never_costs_persona_recovery():
    frozen, default = nb05.memory_replay(0.0), nb05.memory_replay(0.5)
    assert frozen["memory"].is_monotonic_increasing and frozen["memory"].iloc[-1] > 3 * default["memory"].iloc[-1]
    assert default["memory"].iloc[-4:].max() < 1.05 * default["memory"].iloc[-4:].min()  # settled
    assert (default["ARI"] >= frozen["ARI"] - 0.01).all()
    assert default.loc[[11, 12], "ARI"].mean() > frozen.loc[[11, 12], "ARI"].mean()


def test_agreement_with_a_refit_is_high_everywhere_and_a_refit_would_not_recover_personas_better():
    table = nb05.refit_comparison()
    assert table["agreement"].min() >= 0.95
    assert (table["refit_ari"] - table["update_ari"]).max() < 0.02


def test_the_week_10_dip_is_the_switchers_half_way_through_their_window():
    moved = nb05.switchers()
    recovered = nb05.recovered()
    assert recovered[10] < min(v for w, v in recovered.items() if w != 10) - 0.05
    assert moved["family_w10"] > 0.5 and moved["casual_w11"] > 0.9
    assert moved["ari_without"] > recovered[10] + 0.05
