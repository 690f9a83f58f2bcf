"""The toolkit's input contract: each silent-wrong and unhelpful-error case measured on the
public helpers, pinned. What a helper cannot interpret unambiguously is refused with a
ValueError/TypeError naming the argument or column; what it can, it gets right."""

import warnings

import numpy as np
import pandas as pd
import pytest

from course_utils import clustering, data, dynamic, embeddings, features, monitoring, rfm, sessions
from course_utils.validation import date_argument, parse_dates, positive_duration

FIRST = "2025-01-06"
GENRES = ["drama", "kids"]
DEVICES = ["tv", "mobile"]


def lines(dates, customers=None, amounts=None):
    n = len(dates)
    return pd.DataFrame({
        "InvoiceNo": [str(536365 + i) for i in range(n)], "StockCode": ["85123A"] * n,
        "Quantity": [1] * n, "InvoiceDate": dates,
        "UnitPrice": amounts if amounts is not None else [10.0] * n,
        "CustomerID": customers if customers is not None else [17850] * n,
    })


def watch(n_users=4, minutes=30):
    rows = [(f"u{u}", pd.Timestamp(FIRST) + pd.Timedelta(days=d, hours=20), f"T{u}{d}", GENRES[u % 2], minutes,
             DEVICES[d % 2]) for u in range(n_users) for d in range(3)]
    return pd.DataFrame(rows, columns=features.WATCH_COLUMNS)


def events():
    return pd.DataFrame({"user_id": ["a", "a", "a", "b"],
                         "timestamp": pd.to_datetime(["2024-01-01 09:00", "2024-01-01 09:10", "2024-01-01 11:00",
                                                      "2024-01-01 09:00"]),
                         "page": ["home", "news", "sport", "home"]})


# -- dates ------------------------------------------------------------------------------------
def test_day_first_dates_are_read_day_first_when_a_day_above_12_says_so():
    tx = lines(["05/03/2011", "25/03/2011", "01/04/2011", "31/05/2011"], customers=[1, 1, 1, 2])
    table = rfm.compute_rfm(tx, amount_col="UnitPrice")
    assert table.loc[1, "recency"] == 61  # 1 April to the 1 June snapshot (read month-first: 148)


def test_dates_that_read_both_ways_are_refused_with_the_fix():
    tx = lines(["05/03/2011", "01/04/2011"])
    with pytest.raises(ValueError, match=r"'InvoiceDate' has dates such as '05/03/2011'.*format='%d/%m/%Y'"):
        rfm.compute_rfm(tx, amount_col="UnitPrice")
    with pytest.raises(ValueError, match=r"'InvoiceDate' mixes day-first dates"):
        rfm.compute_rfm(lines(["25/03/2011", "03/25/2011"]), amount_col="UnitPrice")
    explicit = tx.assign(InvoiceDate=pd.to_datetime(tx["InvoiceDate"], format="%d/%m/%Y"))
    assert rfm.compute_rfm(explicit, amount_col="UnitPrice")["recency"].tolist() == [1]


def test_parse_dates_keeps_iso_text_iso_whatever_dayfirst_says():
    text = pd.Series(["2011-03-05 10:00", "05/03/2011 10:00"])
    assert parse_dates(text, "d", dayfirst=True).tolist() == [pd.Timestamp("2011-03-05 10:00")] * 2
    assert parse_dates(text, "d", dayfirst=False).tolist() == [pd.Timestamp("2011-03-05 10:00"),
                                                               pd.Timestamp("2011-05-03 10:00")]


@pytest.mark.parametrize("gap", [30, 1800.0, "30", np.int64(30), True, np.timedelta64(30)])
def test_durations_must_carry_a_unit(gap):
    with pytest.raises(ValueError, match=r"gap.*(unit|bare number)"):
        sessions.sessionize(events(), gap=gap)


def test_durations_with_a_unit_are_read():
    assert positive_duration("00:30:00") == positive_duration(pd.Timedelta(minutes=30)) == pd.Timedelta("30min")
    assert positive_duration(np.timedelta64(30, "m")) == pd.Timedelta("30min")


@pytest.mark.parametrize("first_day", [20250106, 20250106.0, "20250106", "06/01/2025", None])
def test_date_arguments_must_be_dates(first_day):
    with pytest.raises(ValueError, match="first_day"):
        features.week_number(pd.Series(pd.to_datetime(["2025-01-07"])), first_day)
    with pytest.raises(ValueError, match="first_day"):
        features.weekly_features(watch(), 1, first_day, GENRES, DEVICES)


def test_date_arguments_in_every_unambiguous_form_agree():
    import datetime as dt

    forms = ["2025-01-06", dt.date(2025, 1, 6), np.datetime64("2025-01-06"), pd.Timestamp("2025-01-06", tz="UTC"),
             "6 January 2025", "13/01/2025"]
    stamps = [date_argument(f, "first_day") for f in forms]
    assert stamps[:-1] == [pd.Timestamp("2025-01-06")] * 5 and stamps[-1] == pd.Timestamp("2025-01-13")


def test_tz_aware_dates_with_a_naive_as_of_and_the_other_way_round():
    tx = lines(pd.to_datetime(["2011-03-05 23:30", "2011-04-01 10:00"]).tz_localize("Europe/London"))
    assert rfm.compute_rfm(tx, amount_col="UnitPrice", as_of="2011-04-02")["recency"].tolist() == [1]
    naive = lines(pd.to_datetime(["2011-03-05", "2011-04-01"]))
    assert rfm.compute_rfm(naive, amount_col="UnitPrice",
                           as_of=pd.Timestamp("2011-04-02", tz="UTC"))["recency"].tolist() == [1]


def test_mixed_zone_and_plain_times_are_refused_naming_the_column_not_rfm():
    e = events().astype({"timestamp": object})
    e.loc[0, "timestamp"] = pd.Timestamp("2024-01-01 09:00", tz="UTC")
    with pytest.raises(ValueError, match="column 'timestamp' mixes times with a time zone") as info:
        sessions.sessionize(e)
    assert "RFM" not in str(info.value)
    text = events().assign(timestamp=["2024-01-01T09:00+01:00", "2024-01-01 09:10", "2024-01-01 11:00",
                                      "2024-01-01 09:00"])
    with pytest.raises(ValueError, match="mixes times with a time zone"):
        sessions.sessionize(text)


def test_one_missing_date_is_named_not_an_integer_casting_error():
    tx = lines(pd.to_datetime(["2011-03-05", None]))
    with pytest.raises(ValueError, match=r"1 rows have no 'InvoiceDate'"):
        rfm.compute_rfm(tx, amount_col="UnitPrice")


# -- missing values ---------------------------------------------------------------------------
def test_an_all_missing_amount_is_not_zero_money():
    tx = lines(["2011-03-05", "2011-03-06"], amounts=[np.nan, np.nan])
    with pytest.raises(ValueError, match=r"2 rows have no 'UnitPrice'.*not 0"):
        rfm.compute_rfm(tx, amount_col="UnitPrice")


def test_cleaning_counts_lines_without_quantity_price_or_date():
    tx = lines(["2011-03-05", "2011-03-06", None, "2011-03-07"], amounts=[1.0, np.nan, 2.0, 3.0])
    tx.loc[3, "Quantity"] = np.nan
    clean, report = rfm.clean_transactions(tx)
    assert report.set_index("step").loc["missing invoice, stock code, quantity, price or date", "rows_removed"] == 3
    assert clean["InvoiceDate"].tolist() == [pd.Timestamp("2011-03-05")]
    with pytest.raises(ValueError, match="removed every row at step 'missing invoice, stock code, quantity, price"):
        rfm.clean_transactions(lines([None, None]))


def test_weekly_features_refuse_missing_minutes_and_users():
    with pytest.raises(ValueError, match=r"1 views have no 'minutes'.*not 0"):
        features.weekly_features(watch().astype({"minutes": float}).assign(
            minutes=lambda w: w["minutes"].where(w.index != 0)), 1, FIRST, GENRES, DEVICES)
    with pytest.raises(ValueError, match=r"1 views have no 'user_id'"):
        features.weekly_features(watch().assign(user_id=lambda w: w["user_id"].where(w.index != 0)), 1, FIRST,
                                 GENRES, DEVICES)


def test_weekly_features_count_a_missing_genre_as_other():
    w = watch()
    w.loc[0, "genre"] = None
    out = features.weekly_features(w, 1, FIRST, GENRES, DEVICES, window=1)
    assert out.attrs["missing"] == {"genre": 1, "device": 0} and out.attrs["unseen"]["genre"] == []
    assert out.loc["u0", "g_other"] == pytest.approx(1 / 3)


def test_sequences_of_two_users_without_session_ids_do_not_merge():
    e = sessions.sessionize(events()).astype({"session_id": float})
    e["session_id"] = np.nan
    with pytest.raises(ValueError, match=r"4 events have no 'session_id'.*sessionize"):
        sessions.session_sequences(e, min_length=1)


# -- sessionize: overwrite and ties -----------------------------------------------------------
def test_sessionize_does_not_overwrite_an_existing_session_column_unless_asked():
    done = sessions.sessionize(events())
    with pytest.raises(ValueError, match="already has a column 'session_id'; pass overwrite=True"):
        sessions.sessionize(done, gap="1min")
    again = sessions.sessionize(done, gap="1min", overwrite=True)
    assert again["session_id"].tolist() == [0, 1, 2, 3]


def test_ties_keep_input_order_and_frequent_ties_are_reported():
    day_only = pd.DataFrame({"user_id": ["a"] * 4, "timestamp": pd.to_datetime(["2024-01-01"] * 4),
                             "page": ["home", "list", "item", "cart"]})
    with pytest.warns(UserWarning, match=r"3 of 4 events \(75%\) have the same 'timestamp'.*input order"):
        out = sessions.sessionize(day_only)
    assert sessions.session_sequences(out, min_length=1) == [["home", "list", "item", "cart"]]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sessions.sessionize(events())  # no tie: no warning


# -- duplicates hidden by a row number --------------------------------------------------------
def test_a_row_number_column_does_not_hide_duplicate_lines():
    tx = lines(["2011-03-05 10:00"] * 1)
    copies = pd.concat([tx] * 6, ignore_index=True)
    copies.insert(0, "X", range(1, 7))  # as an R export writes it
    clean, report = rfm.clean_transactions(copies)
    assert report.set_index("step").loc["duplicate line", "rows_removed"] == 5
    assert rfm.compute_rfm(clean)["monetary"].tolist() == [10.0]


# -- nullable and categorical dtypes are accepted where they make sense -------------------------
def test_nullable_quantities_and_ids_are_cleaned():
    tx = lines(["2011-03-05", "2011-03-06", "2011-03-07"])
    tx["Quantity"] = pd.array([2, pd.NA, 3], dtype="Int64")
    tx["CustomerID"] = pd.array([1, 1, 1], dtype="Int64")
    clean, report = rfm.clean_transactions(tx)
    assert str(clean["Quantity"].dtype) == "Int64" and clean["Amount"].tolist() == [20.0, 30.0]
    assert report.set_index("step").loc["missing invoice, stock code, quantity, price or date", "rows_removed"] == 1


def test_ids_mixing_text_and_numbers_are_refused():
    tx = lines(["2011-03-05", "2011-03-06"], customers=[17850, "17850"])
    with pytest.raises(ValueError, match=r"'CustomerID' mixes text and other values.*astype\(str\)"):
        rfm.compute_rfm(tx, amount_col="UnitPrice")


# -- weekly features: genres, weeks -----------------------------------------------------------
def test_genres_from_a_generator_are_read_once_and_used():
    out = features.weekly_features(watch(), 1, FIRST, (g for g in GENRES), DEVICES)
    listed = features.weekly_features(watch(), 1, FIRST, GENRES, DEVICES)
    pd.testing.assert_frame_equal(out, listed)
    assert out["g_other"].eq(0).all()


@pytest.mark.parametrize("genres, phrase", [(["drama", "drama"], r"\['drama'\] more than once"),
                                            (["drama", "other"], "'other'"), ([], "nothing")])
def test_duplicate_or_reserved_genres_are_refused(genres, phrase):
    with pytest.raises(ValueError, match=phrase):
        features.weekly_features(watch(), 1, FIRST, genres, DEVICES)


def test_huge_minutes_and_far_weeks_are_refused_not_overflowed():
    with pytest.raises(ValueError, match="minutes watched must be from 0 to a million"):
        features.weekly_features(watch(minutes=1e300), 1, FIRST, GENRES, DEVICES)
    with pytest.raises(ValueError, match="week must be a whole number from 1 to"):
        features.weekly_features(watch(), 10**9, FIRST, GENRES, DEVICES)


# -- monitoring -------------------------------------------------------------------------------
@pytest.mark.parametrize("bins", [0, 1, 2.5, True, "10"])
def test_psi_bins_must_be_a_whole_number_of_at_least_2(bins):
    with pytest.raises(ValueError, match="bins must be a whole number >= 2"):
        monitoring.psi(np.arange(100.0), np.arange(100.0) + 50, bins=bins)


def test_psi_level_of_nan_is_not_stable():
    with pytest.raises(ValueError, match="NaN PSI was not computed"):
        monitoring.psi_level(float("nan"))
    with pytest.raises(TypeError, match="value must be a PSI"):
        monitoring.psi_level("0.3")
    assert monitoring.psi_level(np.float64(0.3)) == "significant"


def test_centroid_drift_matches_features_by_name():
    old = pd.DataFrame({"x": [0.0, 1.0], "y": [0.0, 1.0]})
    new = pd.DataFrame({"y": [4.0, 1.0], "x": [3.0, 1.0]})  # the same features, another order
    assert monitoring.centroid_drift(old, new).tolist() == [5.0, 0.0]
    with pytest.raises(ValueError, match=r"different features \(columns\): only in previous \['y'\]"):
        monitoring.centroid_drift(old, new.rename(columns={"y": "z"}))


def test_labels_without_a_segment_are_refused():
    with pytest.raises(ValueError, match=r"current has 1 user\(s\) with no segment"):
        monitoring.migration_matrix(pd.Series({"a": 0, "b": 1}), pd.Series({"a": 0, "b": np.nan}))


# -- clustering -------------------------------------------------------------------------------
@pytest.mark.parametrize("ks", [[2.5], [2, "3"], [True, 2]])
def test_ks_must_be_whole_numbers(ks):
    X = np.random.default_rng(0).normal(size=(30, 2))
    with pytest.raises(ValueError, match="ks must be whole numbers"):
        clustering.elbow_curve(X, ks)


def test_values_that_would_overflow_are_refused():
    X = np.random.default_rng(0).normal(size=(30, 2)) * 1e200
    with pytest.raises(ValueError, match="squared distances would overflow"):
        clustering.elbow_curve(X, [2, 3])
    tx = lines(["2011-03-05", "2011-03-06"], amounts=[1e308, 1e308])
    with pytest.raises(ValueError, match="'monetary' has 1 infinite value"):
        rfm.compute_rfm(tx, amount_col="UnitPrice")


def test_labels_given_as_a_series_are_matched_by_index():
    X = pd.DataFrame({"a": [1.0, 2.0, 10.0, 11.0]}, index=["p", "q", "r", "s"])
    labels = pd.Series([1, 1, 0, 0], index=["s", "r", "q", "p"])  # the same rows, reversed
    profile = clustering.profile_clusters(X, labels)
    assert profile.loc[0, "a"] == 1.5 and profile.loc[1, "a"] == 10.5
    with pytest.raises(ValueError, match="index does not match the rows"):
        clustering.profile_clusters(X, labels.set_axis(["w", "x", "y", "z"]))


def test_reduced_hdbscan_with_more_components_than_rows():
    X = np.random.default_rng(0).normal(size=(5, 20))
    with pytest.raises(ValueError, match="n_components=10 is not fewer than the 5 rows"):
        clustering.ReducedHDBSCAN(min_cluster_size=2, n_components=10).fit(X)


# -- the weekly segmenter ---------------------------------------------------------------------
def weekly_table(n=40, seed=0):
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"watch_minutes": rng.normal(5, 1, n), "g_drama": rng.uniform(0, 1, n),
                         "d_tv": rng.uniform(0, 1, n)}, index=[f"u{i}" for i in range(n)])


def test_segmenter_columns_are_checked_before_fitting():
    with pytest.raises(ValueError, match=r"columns \['nope'\] are not in the features"):
        dynamic.WeeklySegmenter(n_segments=2, columns=["nope"]).fit(weekly_table())
    with pytest.raises(ValueError, match=r"feature column\(s\) \['label'\] are not numeric \(e.g. 'x'"):
        dynamic.WeeklySegmenter(n_segments=2, columns=["watch_minutes", "label"]).fit(
            weekly_table().assign(label="x"))
    with pytest.raises(ValueError, match="columns must be a list"):
        dynamic.WeeklySegmenter(n_segments=2, columns="watch_minutes").fit(weekly_table())


def test_segmenter_takes_nullable_columns():
    X = weekly_table()
    nullable = X.assign(watch_minutes=X["watch_minutes"].astype("Float64"))
    a = dynamic.WeeklySegmenter(n_segments=2, n_init=1).fit(X).predict(X)
    b = dynamic.WeeklySegmenter(n_segments=2, n_init=1).fit(nullable).predict(nullable)
    assert (a == b).all()


def test_needs_refit_refuses_a_metric_that_was_not_computed():
    with pytest.raises(ValueError, match="fit_gap is NaN"):
        dynamic.needs_refit(float("nan"), 0.1)
    with pytest.raises(ValueError, match="unassigned_share is NaN"):
        dynamic.needs_refit(0.0, float("nan"))
    assert dynamic.needs_refit(0.3, 0.1) != []
    assert dynamic.needs_refit(0.0, 0.0) == []


# -- the functions added with notebooks 02 to 05 ----------------------------------------------
@pytest.mark.parametrize("seed", [None, True, 2.5, "7", -1])
def test_generators_refuse_a_seed_that_is_not_a_whole_number(seed):
    from course_utils.data import clickstream, shop

    # None gave a different catalogue every run, True read as 1, the rest numpy's "SeedSequence" errors
    with pytest.raises(ValueError, match="seed must be a whole number >= 0"):
        shop.shop_products(seed)
    with pytest.raises(ValueError, match="seed must be a whole number >= 0"):
        clickstream.make_clickstream(seed, n_users=5)


def test_make_clickstream_checks_its_counts_and_knobs():
    from course_utils.data import clickstream

    with pytest.raises(ValueError, match="n_bots must be a whole number >= 0, got -1"):  # was 29 users, no word
        clickstream.make_clickstream(n_users=30, n_bots=-1)
    with pytest.raises(ValueError, match="n_users must be a whole number >= 1, got 0"):  # was bots only
        clickstream.make_clickstream(n_users=0)
    with pytest.raises(ValueError, match="n_users must be a whole number >= 1, got 2.5"):
        clickstream.make_clickstream(n_users=2.5)
    with pytest.raises(TypeError, match="visits_median must be a number, got str"):  # was "'>' not supported"
        clickstream.make_clickstream(n_users=5, visits_median="9")
    with pytest.raises(TypeError, match="casual_share must be a number"):
        clickstream.make_clickstream(n_users=5, casual_share="0.3")


def test_count_rows_names_a_path_that_is_not_a_file(tmp_path):
    with pytest.raises(TypeError, match="file must be a path to a CSV file, got NoneType"):
        data.count_rows(None)
    with pytest.raises(ValueError, match="is a folder, not a CSV file"):  # was IsADirectoryError
        data.count_rows(tmp_path)
    (tmp_path / "t.csv").write_text("a,b\n1,2\n3,4")
    assert data.count_rows(tmp_path / "t.csv") == 2


@pytest.mark.parametrize("seed", [None, True, 2.5, -1])
def test_shuffles_refuse_a_seed_that_is_not_a_whole_number(seed):
    X = np.random.default_rng(0).normal(size=(20, 2))
    with pytest.raises(ValueError, match="random_state must be a whole number >= 0"):
        clustering.permute_columns(X, random_state=seed)
    with pytest.raises(ValueError, match="random_state must be a whole number >= 0"):
        clustering.null_comparison(X, lambda Z: float(Z[:, 0] @ Z[:, 1]), n_permutations=3, random_state=seed)
    with pytest.raises(ValueError, match="random_state must be a whole number >= 0"):
        monitoring.psi_alert(X[:, 0], X[:, 1] + 3, bins=3, n_shuffles=99, false_alarm_rate=0.05,
                             random_state=seed)


def test_permute_columns_is_the_same_for_the_same_seed():
    X = np.random.default_rng(0).normal(size=(20, 2))
    assert (clustering.permute_columns(X, 3) == clustering.permute_columns(X, np.int64(3))).all()


def test_silhouette_diagram_names_axes_that_are_not_axes():
    X = np.random.default_rng(0).normal(size=(12, 2))
    with pytest.raises(TypeError, match="ax must be matplotlib axes"):  # was AttributeError: fill_betweenx
        clustering.silhouette_diagram(X, np.arange(12) % 3, ax=3)


def test_place_by_neighbours_takes_a_numpy_number_for_agreement():
    X = np.random.default_rng(0).normal(size=(40, 4)) + np.repeat([[0, 0, 0, 0], [6, 6, 6, 6]], 20, axis=0)
    seg = clustering.ReducedHDBSCAN(min_cluster_size=5, n_components=2).fit(X)
    a = clustering.place_by_neighbours(seg, X, n_neighbors=5, agreement=1)[0]
    b = clustering.place_by_neighbours(seg, X, n_neighbors=5, agreement=np.int64(1))[0]  # was refused
    assert (a == b).all()


def test_autoencoder_refuses_complex_and_float32_overflowing_input():
    from course_utils.autoencoders import Autoencoder

    X = np.random.default_rng(0).normal(size=(10, 3))
    with pytest.raises(ValueError, match="X must be real numbers"):  # the imaginary part was dropped silently
        Autoencoder(bottleneck=2, epochs=1).fit(X.astype(complex))
    with pytest.raises(ValueError, match="beyond 3.4e38"):  # was "NaN or infinite values"
        Autoencoder(bottleneck=2, epochs=1).fit(X * 1e39)


def test_co_occurrence_graph_refuses_lines_without_a_basket_and_mixed_item_ids():
    from course_utils import graph

    lines = pd.DataFrame({"order_id": [1, 1, 2, None, 3], "product_id": ["a", "b", "a", "c", "d"]})
    with pytest.raises(ValueError, match="1 order lines have no 'order_id'"):  # 'c' was dropped silently
        graph.co_occurrence_graph(lines)
    mixed = pd.DataFrame({"order_id": [1, 1, 2, 2], "product_id": [17, "17", "a", "b"]})
    with pytest.raises(ValueError, match="'product_id' mixes text"):  # 17 and "17" became one node
        graph.co_occurrence_graph(mixed)
    lost = pd.DataFrame({"order_id": [1, 1, 2, 2], "product_id": ["a", "b", "a", None]})
    assert sorted(graph.co_occurrence_graph(lost).edges()) == [("a", "b")]  # a lost product id is left out


def test_node2vec_names_its_own_arguments():
    import networkx as nx

    from course_utils import graph

    with pytest.raises(ValueError, match="dimensions must be a whole number"):  # was "vector_size must be..."
        graph.node2vec(nx.path_graph(4), dimensions=2.5, walk_length=3, walks_per_node=1, epochs=1)


def test_unknown_names_say_which_argument():
    with pytest.raises(ValueError, match="unknown dataset name ''"):
        data.load("")
    labels_ = pd.Series([0, 1, 0, 1], index=list("abcd"))
    frame = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0]}, index=list("abcd"))
    with pytest.raises(ValueError, match=r"lacks column\(s\) \[1\] listed in columns"):
        monitoring.cohort_drift(labels_, frame, frame, columns=[1], min_size=1)


def test_idf_weights_refuses_items_that_mix_numbers_and_text():
    """17 and "17" would be counted as one page."""
    events = pd.DataFrame({"user_id": [1, 2, 3], "page": [17, "17", "news"]})
    with pytest.raises(ValueError, match="'page' mixes text and other values"):
        embeddings.idf_weights(events)


@pytest.mark.parametrize("bad", [[10], 2.5, "10", True, 10**12])
def test_k_summary_refuses_a_bad_number_of_resamples_by_name(bad):
    X = np.random.default_rng(0).normal(size=(30, 2))
    with pytest.raises((TypeError, ValueError), match="n_resamples"):
        clustering.k_summary(X, [2], n_resamples=bad)
