"""Weekly features, query embeddings, the weekly segmenter,
persona rules and stability metrics, each on small data whose answer is known."""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.metrics import adjusted_rand_score

from course_utils import dynamic, embeddings, features, monitoring

GENRES = ["drama", "kids", "sports_live"]
DEVICES = ["tv", "mobile"]
FIRST = "2025-01-06"


# -- features ----------------------------------------------------------------------
@pytest.fixture
def watch():
    rows = [
        ("a", "2025-01-06 20:00", "T1", "drama", 60, "tv"),
        ("a", "2025-01-06 21:05", "T2", "drama", 30, "tv"),       # same visit: 5 min after the film ended
        ("a", "2025-01-14 20:00", "T3", "kids", 30, "mobile"),    # week 2, a new visit
        ("b", "2025-01-15 08:00", "T4", "sports_live", 90, "tv"),
        ("c", "2025-01-07 10:00", "T5", "drama", 10, "mobile"),   # week 1 only
        ("b", "2025-01-16 09:00", "T6", "anime", 30, "console"),  # a genre and a device never seen
    ]
    df = pd.DataFrame(rows, columns=features.WATCH_COLUMNS)
    df["timestamp"] = pd.to_datetime(df["timestamp"])
    return df


def test_week_numbers(watch):
    assert features.week_number(watch["timestamp"], "2025-01-06").tolist() == [1, 1, 2, 2, 1, 2]
    with pytest.raises(ValueError, match="holds numbers"):
        features.week_number(pd.Series([1, 2]), "2025-01-06")


def test_features_over_a_trailing_window(watch):
    with pytest.warns(UserWarning, match="anime"):
        f = features.weekly_features(watch, week=2, first_day=FIRST, genres=GENRES, devices=DEVICES, window=2)
    assert sorted(f.index) == ["a", "b"]  # c was not active in week 2
    a = f.loc["a"]
    assert a["watch_minutes"] == pytest.approx(np.log1p(120 / 2))  # per week of the 2-week window
    assert a["sessions"] == 2 and a["active_days"] == 2
    assert a["g_drama"] == pytest.approx(0.75) and a["g_kids"] == pytest.approx(0.25)
    assert a["genre_entropy"] == pytest.approx(-(0.75 * np.log(0.75) + 0.25 * np.log(0.25)))
    assert a["d_tv"] == pytest.approx(0.75) and a["d_mobile"] == pytest.approx(0.25)
    assert a["days_since_last"] == pytest.approx(6 - 20 / 24 + 0)  # from Tue 20:00 to Mon 00:00 after week 2
    b = f.loc["b"]
    assert b["g_other"] == pytest.approx(0.25) and b["d_other"] == pytest.approx(0.25)
    assert f.attrs["unseen"] == {"genre": ["anime"], "device": ["console"]}
    one_week = features.weekly_features(watch, week=2, first_day=FIRST, genres=GENRES + ["anime"],
                                        devices=DEVICES + ["console"], window=1)
    assert one_week.loc["a", "g_kids"] == 1.0


def test_empty_week_gives_empty_frame_with_the_columns(watch):
    f = features.weekly_features(watch, week=9, first_day=FIRST, genres=GENRES, devices=DEVICES)
    full = features.weekly_features(watch, week=1, first_day=FIRST, genres=GENRES, devices=DEVICES)
    assert len(f) == 0 and list(f.columns) == list(full.columns)


@pytest.mark.parametrize(
    "change, kwargs, phrase",
    [
        (lambda w: w.drop(columns="device"), {}, "no column 'device'"),
        (lambda w: w.assign(minutes=-w["minutes"]), {}, "negative"),
        (lambda w: w.assign(minutes=w["minutes"].astype(str)), {}, "must be numeric"),
        (lambda w: w, {"week": 0}, "week must be"),
        (lambda w: w, {"window": 1.5}, "window must be"),
        (lambda w: w, {"genres": "drama"}, "genres must be"),
        (lambda w: w, {"devices": []}, "devices must be"),
        (lambda w: w, {"gap": "-5min"}, "gap must be a positive"),
    ],
)
def test_bad_input_to_weekly_features(watch, change, kwargs, phrase):
    args = {"week": 1, "first_day": FIRST, "genres": GENRES, "devices": DEVICES, **kwargs}
    with pytest.raises(ValueError, match=phrase):
        features.weekly_features(change(watch), **args)


# -- query embeddings --------------------------------------------------------------
QUERIES = ["premier league", "football live", "champions league", "cartoons for kids", "kids songs",
           "animated movie", "nature documentary", "space documentary", "history documentary"] * 3


def test_typos_and_new_words_land_near_their_meaning():
    qe = embeddings.QueryEmbedder(n_components=3).fit(QUERIES)
    V = qe.transform(["premier leage", "kids sogns", "ocean documentry", "premier league", "kids songs",
                      "nature documentary"])
    V = V / np.linalg.norm(V, axis=1, keepdims=True)
    sim = V[:3] @ V[3:].T
    assert (sim.argmax(axis=1) == [0, 1, 2]).all()


def test_user_vectors_mark_users_without_queries():
    qe = embeddings.QueryEmbedder(n_components=3).fit(QUERIES)
    search = pd.DataFrame({"user_id": ["a", "a", "b"], "query": ["kids songs", "cartoons", "football"]})
    U = qe.user_vectors(search, users=["a", "b", "z"])
    assert list(U.index) == ["a", "b", "z"]
    assert U.loc["z", ["q_0", "q_1", "q_2"]].isna().all() and U["has_query"].tolist() == [1.0, 1.0, 0.0]
    np.testing.assert_allclose(U.loc["a", ["q_0", "q_1", "q_2"]], qe.transform(["kids songs", "cartoons"]).mean(axis=0))


def test_query_embedder_bad_input():
    with pytest.raises(TypeError, match="list or Series of strings"):
        embeddings.QueryEmbedder().fit("football")
    with pytest.raises(ValueError, match="must all be strings"):
        embeddings.QueryEmbedder(n_components=2).fit(["a b", None, "c d", "e f"])
    with pytest.raises(ValueError, match="at least 16"):
        embeddings.QueryEmbedder(n_components=8).fit(["football"] * 3)
    with pytest.raises(NotFittedError, match="not fitted"):
        embeddings.QueryEmbedder().transform(["football"])


# -- the weekly segmenter -----------------------------------------------------------
def viewers(seed, n=300, shift=0.0):
    """Three tastes (drama, kids, sports) with some noise; columns like weekly_features'."""
    rng = np.random.default_rng(seed)
    taste = rng.integers(0, 3, size=n)
    shares = np.full((n, 3), 0.05) + np.eye(3)[taste] * 0.85 + rng.uniform(0, 0.05, size=(n, 3))
    shares = shares / shares.sum(axis=1, keepdims=True)
    frame = pd.DataFrame(shares, columns=["g_drama", "g_kids", "g_sports_live"],
                         index=[f"u{seed}_{i}" for i in range(n)])
    frame["watch_minutes"] = rng.normal(5 + shift, 0.3, size=n)
    frame["q_0"] = np.where(rng.random(n) < 0.3, np.nan, taste + rng.normal(0, 0.2, size=n))
    return frame, taste


def test_updates_keep_segment_identity():
    X1, t1 = viewers(1)
    seg = dynamic.WeeklySegmenter(n_segments=3).fit(X1)
    first = seg.predict(X1)
    assert adjusted_rand_score(t1, first) == 1.0
    taste_to_segment = {t: np.bincount(first[t1 == t]).argmax() for t in range(3)}
    for week in range(2, 6):
        X, t = viewers(week)
        labels = seg.update(X)
        assert (labels == np.array([taste_to_segment[x] for x in t])).mean() > 0.98
    assert len(seg.history_) == 5 and seg.drift().shape == (3,)


def test_refit_matches_identities_with_the_hungarian_algorithm():
    X1, t1 = viewers(1)
    seg = dynamic.WeeklySegmenter(n_segments=3).fit(X1)
    before = seg.predict(X1)
    X2, t2 = viewers(2, shift=0.2)
    after = seg.refit(X2)
    expected = {t: np.bincount(before[t1 == t]).argmax() for t in range(3)}
    assert (after == np.array([expected[x] for x in t2])).mean() > 0.98


def test_empty_week_changes_nothing():
    X1, _ = viewers(1)
    seg = dynamic.WeeklySegmenter(n_segments=3).fit(X1)
    centres = seg.model_.cluster_centers_.copy()
    assert len(seg.update(X1.iloc[:0])) == 0
    assert np.array_equal(centres, seg.model_.cluster_centers_)


def test_segmenter_bad_input():
    X1, _ = viewers(1)
    with pytest.raises(NotFittedError, match="not fitted"):
        dynamic.WeeklySegmenter().update(X1)
    seg = dynamic.WeeklySegmenter(n_segments=3).fit(X1)
    with pytest.raises(ValueError, match=r"lack column\(s\) \['g_kids'\]"):
        seg.update(X1.drop(columns="g_kids"))
    with pytest.raises(ValueError, match="'watch_minutes' has missing values"):
        seg.update(X1.assign(watch_minutes=np.nan))
    with pytest.raises(TypeError, match="DataFrame"):
        seg.update(X1.to_numpy())
    with pytest.raises(ValueError, match="cannot make 3 segments"):
        dynamic.WeeklySegmenter(n_segments=3).fit(X1.iloc[:2])
    with pytest.raises(ValueError, match="reassignment_ratio"):
        dynamic.WeeklySegmenter(n_segments=3, reassignment_ratio=1.5).fit(X1)


def test_forgetting_sets_how_far_an_update_moves_the_centres():
    X1, _ = viewers(1)
    X2, _ = viewers(2, shift=1.0)  # everyone watches more
    base = dynamic.WeeklySegmenter(n_segments=3).fit(X1)
    assert base.forgetting == 0.5 and base.get_params()["forgetting"] == 0.5
    assert np.allclose(base.counts_.sum(), len(X1))  # each centre remembers the viewers it was fitted on
    moves = {}
    for f in (0.0, 0.5, 1.0):
        seg = clone(base).set_params(forgetting=f).fit(X1)
        before = seg.centroids()["watch_minutes"].to_numpy()
        labels = seg.update(X2)
        moves[f] = float(np.mean(seg.centroids()["watch_minutes"].to_numpy() - before))
        if f == 1.0:  # forgets everything: each centre is the mean of this week's members
            means = X2.groupby(labels)["watch_minutes"].mean().to_numpy()
            np.testing.assert_allclose(seg.centroids()["watch_minutes"].to_numpy(), means, atol=0.05)
    assert 0 < moves[0.0] < moves[0.5] < moves[1.0] <= 1.0 + 1e-9


def test_without_forgetting_the_memory_only_grows():
    X1, _ = viewers(1)
    frozen = dynamic.WeeklySegmenter(n_segments=3, forgetting=0.0).fit(X1)
    steady = dynamic.WeeklySegmenter(n_segments=3, forgetting=0.5).fit(X1)
    for week in range(2, 12):
        X, _ = viewers(week)
        frozen.update(X)
        steady.update(X)
    assert frozen.counts_.sum() == pytest.approx(11 * len(X1))
    assert steady.counts_.sum() == pytest.approx(2 * len(X1), rel=0.01)  # about 1 / forgetting weeks


def test_forgetting_is_checked_at_the_door():
    X1, _ = viewers(1)
    for bad in (-0.1, 1.5, "half", None, True):
        with pytest.raises(ValueError, match="forgetting must be a number from 0"):
            dynamic.WeeklySegmenter(n_segments=3, forgetting=bad).fit(X1)
    seg = dynamic.WeeklySegmenter(n_segments=3).fit(X1)
    with pytest.raises(ValueError, match="forgetting"):
        seg.set_params(forgetting=2).update(X1)


def test_fit_gap_grows_when_the_viewers_move_away_from_the_centres():
    X1, _ = viewers(1)
    seg = dynamic.WeeklySegmenter(n_segments=3).fit(X1)
    assert abs(seg.fit_gap(viewers(2)[0])) < 0.1  # same tastes: a fresh fit is barely better (its own sample)
    shifted = viewers(3)[0]
    shifted.loc[shifted["g_kids"] > 0.5, "watch_minutes"] += 3  # one taste now watches far more
    assert seg.fit_gap(shifted) > 0.5
    with pytest.raises(ValueError, match="cannot show a fit gap"):
        seg.fit_gap(X1.iloc[:2])
    with pytest.raises(NotFittedError):
        dynamic.WeeklySegmenter().fit_gap(X1)


def test_match_centroids():
    old = np.array([[0.0, 0], [10, 0], [0, 10]])
    new = old[[2, 0, 1]] + 0.1
    order = dynamic.match_centroids(old, new)
    assert np.allclose(new[order], old + 0.1)
    with pytest.raises(ValueError, match="same shape"):
        dynamic.match_centroids(old, new[:2])


def test_every_segment_gets_exactly_one_persona_or_unassigned():
    centroids = pd.DataFrame([
        {"g_sports_live": 0.6, "g_kids": 0.0, "g_animation": 0.0, "g_documentary": 0, "g_nature": 0,
         "d_mobile": 0.6, "g_comedy": 0.0, "g_reality": 0, "g_drama": 0.2, "g_action": 0.2, "watch_minutes": 7},
        {"g_sports_live": 0.0, "g_kids": 0.5, "g_animation": 0.3, "g_documentary": 0, "g_nature": 0,
         "d_mobile": 0.1, "g_comedy": 0.2, "g_reality": 0, "g_drama": 0, "g_action": 0, "watch_minutes": 6},
        {"g_sports_live": 0.0, "g_kids": 0.0, "g_animation": 0.0, "g_documentary": 0.1, "g_nature": 0.1,
         "d_mobile": 0.9, "g_comedy": 0.4, "g_reality": 0.4, "g_drama": 0, "g_action": 0, "watch_minutes": 4},
        {"g_sports_live": 0.1, "g_kids": 0.1, "g_animation": 0.1, "g_documentary": 0.2, "g_nature": 0.1,
         "d_mobile": 0.3, "g_comedy": 0.2, "g_reality": 0.1, "g_drama": 0.1, "g_action": 0.1, "watch_minutes": 5},
    ])
    personas = dynamic.assign_personas(centroids)
    # the first rule that fits wins: segment 0 is on a phone but watches sport first
    assert personas.tolist() == ["live_sports", "family_kids", "casual_mobile", dynamic.UNASSIGNED]
    assert dynamic.assign_personas(centroids.drop(columns="g_kids")).iloc[1] == dynamic.UNASSIGNED
    assert list(dynamic.persona_rules_table()["persona"]) == [p for p, _, _ in dynamic.PERSONA_RULES]


def test_refit_rule():
    assert dynamic.needs_refit(0.05, 0.05) == []
    reasons = dynamic.needs_refit(0.3, 0.3)
    assert len(reasons) == 2 and "fit gap 0.30" in reasons[0] and "30% of viewers" in reasons[1]
    assert dynamic.needs_refit(dynamic.REFIT_RULE["fit_gap"], 0.0) != []  # at the line counts


# -- monitoring metrics --------------------------------------------------------------
def test_stability_and_migration_by_hand():
    last = pd.Series({"a": 0, "b": 0, "c": 1, "d": 1, "e": 2})
    this = pd.Series({"a": 0, "b": 1, "c": 1, "d": 1, "f": 2})
    assert monitoring.week_over_week_ari(last, last) == 1.0
    jac = monitoring.segment_jaccard(last, this)
    assert jac.to_dict() == {0: 0.5, 1: 2 / 3, 2: 0.0}
    mig = monitoring.migration_matrix(last, this)
    assert mig.loc[0, 1] == 1 and mig.loc[2, "gone"] == 1 and mig.loc["new", 2] == 1
    assert mig.to_numpy().sum() == 6
    with pytest.raises(ValueError, match="more than once"):
        monitoring.week_over_week_ari(pd.Series([0, 1], index=["a", "a"]), this)


def test_psi_reads_the_usual_thresholds():
    rng = np.random.default_rng(0)
    base = rng.normal(size=20_000)
    assert monitoring.psi(base, rng.normal(size=20_000)) < 0.01
    shifted = monitoring.psi(base, rng.normal(0.5, 1, size=20_000))
    assert 0.1 < shifted < 0.5
    assert monitoring.psi_level(0.05) == "stable" and monitoring.psi_level(0.2) == "moderate"
    assert monitoring.psi_level(0.3) == "significant"
    # categories: a segment that appears counts, without dividing by zero
    sizes = monitoring.psi(["a"] * 50 + ["b"] * 50, ["a"] * 50 + ["b"] * 30 + ["c"] * 20)
    assert sizes > 0.25 and np.isfinite(sizes)
    with pytest.raises(ValueError, match="values on both sides"):
        monitoring.psi([], [1, 2])


def test_cohort_drift_flags_the_segment_whose_behaviour_changed():
    rng = np.random.default_rng(0)
    users = [f"u{i}" for i in range(600)]
    labels = pd.Series([0] * 300 + [1] * 300, index=users)
    last = pd.DataFrame({"minutes": rng.normal(5, 1, 600), "share": rng.uniform(0, 1, 600)}, index=users)
    this = last.copy()
    this.iloc[300:, 0] += 2  # segment 1 watches far more this week
    this = this.drop(index=users[:10])  # a few viewers of segment 0 were not active
    table = monitoring.cohort_drift(labels, last, this, ["minutes", "share"])
    assert table.shape == (2, 2) and table.loc[0].max() < 0.01 and table.loc[1, "minutes"] > 1
    alerts = monitoring.drift_alerts(table)
    assert alerts[["segment", "feature"]].values.tolist() == [[1, "minutes"]]
    assert alerts["level"].tolist() == ["significant"]
    small = monitoring.cohort_drift(labels, last, this, ["minutes"], min_size=400)
    assert small["minutes"].isna().all() and monitoring.drift_alerts(small).empty
    few = monitoring.cohort_drift(labels.iloc[250:350], last, this, ["minutes"])  # 50 a side: under MIN_COHORT
    assert few["minutes"].isna().all()
    with pytest.raises(ValueError, match=r"lacks column\(s\) \['x'\]"):
        monitoring.cohort_drift(labels, last, this, ["x"])


def test_centroid_drift_and_unassigned_share():
    old = pd.DataFrame({"x": [0.0, 1.0], "y": [0.0, 1.0]})
    new = pd.DataFrame({"x": [3.0, 1.0], "y": [4.0, 1.0]})
    assert monitoring.centroid_drift(old, new).tolist() == [5.0, 0.0]
    assert monitoring.moved_share(pd.Series({"a": 0, "b": 1, "c": 1}), pd.Series({"b": 1, "c": 0, "d": 2})) == 0.5
    assert np.isnan(monitoring.moved_share(pd.Series({"a": 0}), pd.Series({"b": 0})))
    with pytest.raises(ValueError, match=r"different segments \(index\): only in previous \['1'\]"):
        monitoring.centroid_drift(old, new.iloc[:1])
    with pytest.raises(ValueError, match="same shape"):
        monitoring.centroid_drift(old.to_numpy(), new.iloc[:1].to_numpy())
    labels = pd.Series([0, 0, 1, 2], index=list("abcd"))
    personas = pd.Series({0: "binge_watcher", 1: "unassigned"})  # segment 2 has no entry: unassigned too
    assert monitoring.unassigned_share(labels, personas) == 0.5
    assert np.isnan(monitoring.unassigned_share(labels.iloc[:0], personas))


# -- PSI's noise floor ----------------------------------------------------------------
def same_distribution_pairs(kind, n, draws, seed):
    rng = np.random.default_rng(seed)
    make = {
        "normal": lambda: rng.normal(size=n),
        "skewed": lambda: rng.lognormal(size=n),
        "mostly_zero": lambda: np.where(rng.random(n) < 0.7, 0.0, rng.random(n)),  # a genre share
        "segments": lambda: rng.choice(5, size=n, p=[0.4, 0.3, 0.15, 0.1, 0.05]),
    }[kind]
    return [(make(), make()) for _ in range(draws)]


@pytest.mark.parametrize("kind", ["normal", "skewed", "mostly_zero", "segments"])
@pytest.mark.parametrize("n", [50, 100])
def test_psi_alert_stays_quiet_on_two_samples_of_one_distribution(kind, n):
    pairs = same_distribution_pairs(kind, n, 200, seed=n)
    plain = np.mean([monitoring.psi(e, a) >= monitoring.PSI_SIGNIFICANT for e, a in pairs])
    alerts = np.mean([monitoring.psi_alert(e, a) for e, a in pairs])
    assert alerts <= 0.05, (kind, n, alerts)
    if kind in ("normal", "skewed"):
        assert plain >= 0.1  # the plain 0.25 line does fire on noise at these sizes: the test can fail


def test_psi_alert_still_sees_a_real_shift():
    rng = np.random.default_rng(1)
    assert np.mean([monitoring.psi_alert(rng.normal(size=50), rng.normal(1.5, 1, size=50)) for _ in range(40)]) > 0.9
    big = monitoring.psi_alert(rng.normal(size=5000), rng.normal(1, 1, size=5000))  # large samples: plain rule
    assert big and monitoring.psi(rng.normal(size=5000), rng.normal(1, 1, size=5000)) >= 0.25
    assert not monitoring.psi_alert(rng.normal(size=5000), rng.normal(0.1, 1, size=5000))  # PSI under 0.25
    same = rng.normal(size=80)
    assert monitoring.psi_alert(same, same + 5, random_state=3) == monitoring.psi_alert(same, same + 5, random_state=3)


def test_the_minimum_cohort_keeps_noise_under_the_line():
    """At MIN_COHORT viewers a side, noise alone seldom crosses 0.25; at 50 it mostly does."""
    def crossing(n):
        return np.mean([monitoring.psi(e, a) >= 0.25 for e, a in same_distribution_pairs("skewed", n, 300, seed=7)])

    assert crossing(monitoring.MIN_COHORT) <= 0.02
    assert crossing(50) >= 0.5


def test_psi_alert_bad_input():
    with pytest.raises(ValueError, match="values on both sides"):
        monitoring.psi_alert([], [1.0, 2.0])
    with pytest.raises(ValueError, match="false_alarm_rate"):
        monitoring.psi_alert([1.0, 2.0], [1.0, 2.0], false_alarm_rate=1.5)
    with pytest.raises(ValueError, match="n_shuffles >= 99"):
        monitoring.psi_alert([1.0, 2.0], [1.0, 2.0], n_shuffles=10)
    with pytest.raises(ValueError, match="threshold"):
        monitoring.psi_alert([1.0, 2.0], [1.0, 2.0], threshold=-1)
    with pytest.raises(ValueError, match="bins must be a whole number >= 2, got 1"):
        monitoring.psi_alert([1.0, 2.0], [1.0, 2.0], bins=1)
