"""course_utils.sessions: session boundaries, order, sequences and bad input."""

import numpy as np
import pandas as pd
import pytest

from course_utils.sessions import session_sequences, sessionize


@pytest.fixture
def events():
    # deliberately unsorted, with a custom index
    return pd.DataFrame(
        {
            "user_id": ["b", "a", "a", "a", "b", "a"],
            "timestamp": pd.to_datetime(["2024-01-01 10:00", "2024-01-01 09:40", "2024-01-01 09:00",
                                         "2024-01-01 09:10", "2024-01-01 10:31", "2024-01-01 10:10"]),
            "page": ["home", "sport", "home", "news", "news", None],
        },
        index=[10, 11, 12, 13, 14, 15],
    )


def test_sessions_split_on_gap_and_user(events):
    out = sessionize(events, gap="30min")
    # user a: 09:00, 09:10, 09:40 (exactly 30 min later: same session), 10:10 (same); user b: 10:00, 10:31 (new)
    assert out["session_id"].to_dict() == {10: 1, 11: 0, 12: 0, 13: 0, 14: 2, 15: 0}
    # with 29 minutes, 09:40 and 10:10 each start a new session for user a
    shorter = sessionize(events, gap="29min")
    assert shorter["session_id"].to_dict() == {10: 3, 11: 1, 12: 0, 13: 0, 14: 4, 15: 2}


def test_caller_order_index_and_columns_are_kept(events):
    out = sessionize(events)
    assert list(out.index) == list(events.index)
    assert out.drop(columns="session_id").equals(events)
    assert "session_id" not in events.columns  # the input is not modified


def test_text_timestamps_and_timedelta_gap(events):
    text = events.assign(timestamp=events["timestamp"].dt.strftime("%Y-%m-%d %H:%M:%S"))
    assert sessionize(text, gap=pd.Timedelta(minutes=30))["session_id"].equals(sessionize(events)["session_id"])


def test_sequences_in_time_order_with_min_length(events):
    out = sessionize(events)
    # a's first session (the missing page skipped); b's two one-page sessions
    assert session_sequences(out, min_length=1) == [["home", "news", "sport"], ["home"], ["news"]]
    assert session_sequences(out, min_length=2) == [["home", "news", "sport"]]
    with pytest.raises(ValueError, match="no session has at least 9 items"):
        session_sequences(out, min_length=9)
    with pytest.raises(ValueError, match="min_length must be a whole number"):
        session_sequences(out, min_length=0)


@pytest.mark.parametrize("gap", ["0min", "-5min", "soon", None, 0])
def test_gap_must_be_a_positive_duration(events, gap):
    with pytest.raises(ValueError, match="gap must be a"):
        sessionize(events, gap=gap)


def test_bad_input(events):
    with pytest.raises(ValueError, match=r"events has no column 'user'.*present: 'user_id'"):
        sessionize(events, user_col="user")
    with pytest.raises(ValueError, match="'timestamp' holds numbers"):
        sessionize(events.assign(timestamp=np.arange(6)))
    with pytest.raises(ValueError, match="'timestamp' has 1 value"):
        sessionize(events.assign(timestamp=["2024-01-01"] * 5 + ["later"]))
    with pytest.raises(ValueError, match="1 events have no 'user_id'"):
        sessionize(events.assign(user_id=["a", None, "a", "a", "b", "a"]))
    with pytest.raises(ValueError, match="would overwrite"):
        sessionize(events, session_col="user_id")


def test_empty_events_get_an_empty_session_column(events):
    out = sessionize(events.iloc[:0])
    assert "session_id" in out.columns and len(out) == 0


def test_matches_a_plain_loop_on_random_data():
    rng = np.random.default_rng(1)
    n = 2000
    df = pd.DataFrame({"user_id": rng.integers(0, 50, n),
                       "timestamp": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 10**6, n), unit="s")})
    out = sessionize(df, gap="30min")
    sessions = 0
    expected = {}
    for _, g in df.sort_values(["user_id", "timestamp"], kind="stable").groupby("user_id", sort=True):
        last = None
        for idx, t in g["timestamp"].items():
            if last is None or t - last > pd.Timedelta("30min"):
                sessions += 1
            expected[idx] = sessions - 1
            last = t
    assert out["session_id"].to_dict() == expected


def test_visit_features_by_hand(events):
    from course_utils.sessions import visit_features

    out = visit_features(sessionize(events))
    assert list(out.columns) == ["views", "sessions", "active_days", "views_per_session", "days_spanned"]
    assert out.loc["a"].tolist() == [4, 1, 1, 4.0, pytest.approx(70 / 1440)]
    assert out.loc["b"].tolist() == [2, 2, 1, 1.0, pytest.approx(31 / 1440)]
    with pytest.raises(ValueError, match="no column 'session_id'"):
        visit_features(events)
