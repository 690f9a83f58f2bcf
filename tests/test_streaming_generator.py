"""The streaming dataset (notebook 05): the generator plants what the data card promises.

The shipped files are checked against the generator byte for byte in test_data."""

import numpy as np
import pandas as pd
import pytest

from course_utils.data import streaming


@pytest.fixture(scope="module")
def tables():
    T = streaming.streaming_tables()
    week = lambda minutes: np.asarray(minutes) // (7 * 1440) + 1
    watch = pd.DataFrame(T["watch"], columns=["t", "user_id", "title", "genre", "minutes", "device"])
    watch["week"] = week(watch["t"])
    search = pd.DataFrame(T["search"], columns=["t", "user_id", "query"])
    truth = pd.DataFrame(T["truth"], columns=["user_id", "week", "persona"])
    subs = pd.DataFrame(T["subscribers"], columns=["user_id", "signup_week", "plan"])
    return watch, search, truth, subs


def test_sizes_and_weekly_signups(tables):
    watch, search, truth, subs = tables
    assert 9_500 <= len(subs) <= 10_500
    assert (subs["signup_week"].value_counts().drop(1) == 200).all()
    assert watch["week"].between(1, 12).all() and set(watch["week"]) == set(range(1, 13))
    expected_rows = (13 - subs["signup_week"]).sum()
    assert len(truth) == expected_rows  # one truth row per subscriber-week from sign-up on


def test_new_genre_and_device_appear_mid_way(tables):
    watch = tables[0]
    genre, first = streaming.NEW_GENRE
    assert not (watch.loc[watch["week"] < first, "genre"] == genre).any()
    assert (watch.loc[watch["week"] >= first, "genre"] == genre).mean() > 0.01
    device, first = streaming.NEW_DEVICE
    assert not (watch.loc[watch["week"] < first, "device"] == device).any()
    assert (watch.loc[watch["week"] >= first, "device"] == device).any()


def test_sports_season_and_planted_migrations(tables):
    watch, _, truth, _ = tables
    live = watch[watch["genre"] == "sports_live"].groupby("week")["minutes"].sum()
    start, end = streaming.SPORTS_SEASON
    assert live.loc[start:end].mean() > 2 * live.loc[2:start - 1].mean()
    persona = truth.pivot(index="user_id", columns="week", values="persona")
    for week, (src, dst, rate) in streaming.MIGRATIONS.items():
        was = persona[week - 1] == src
        moved = (persona.loc[was, week] == dst).mean()
        assert rate * 0.8 < moved < rate * 1.2
        quiet = (persona.loc[was, week - 1] == persona.loc[was, week - 2]).mean()
        assert quiet > 0.95  # nobody moves in the week before


def test_churned_users_stop_watching(tables):
    watch, _, truth, _ = tables
    churned = truth[truth["persona"] == "churned"]
    assert churned["user_id"].nunique() > 200
    active = set(zip(watch["user_id"], watch["week"]))
    assert not any((u, w) in active for u, w in zip(churned["user_id"], churned["week"]))


def test_queries_have_typos(tables):
    search = tables[1]
    known = {q for spec in streaming.PERSONAS.values() for q in spec["queries"]} | {"action series"}
    slipped = ~search["query"].isin(known)
    assert 0.2 < slipped.mean() < 0.4
