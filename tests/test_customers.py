"""The customer dataset (notebook 02): schema, regeneration, and the planted truth recoverable."""

import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from course_utils import clustering, data
from course_utils.data import customers as C
from course_utils.lessons import nb02


@pytest.fixture(scope="module")
def table():
    return data.load("customers")


@pytest.fixture(scope="module")
def truth():
    return data.load("customers_truth")


def test_schema(table, truth):
    assert list(table.columns) == C.COLUMNS and len(table) == 3000
    assert table["customer_id"].is_unique and list(truth["customer_id"]) == list(table["customer_id"])
    for col in ["tenure_months", "orders_online", "orders_store", "recency_days"]:
        assert pd.api.types.is_integer_dtype(table[col]) and (table[col] >= 0).all()
    assert (table["orders_online"] + table["orders_store"] >= 1).all()
    assert table[["discount_share", "returns_share"]].stack().between(0, 1).all()
    assert table[C.BEHAVIOUR].notna().all().all()
    answered = table["survey_eco"].notna()
    assert (table[C.SURVEY].notna().eq(answered, axis=0)).all().all()  # all three scores or none
    assert table.loc[answered, C.SURVEY].stack().between(1, 7).all()
    assert set(truth["segment"]) == set(C.SEGMENTS)
    assert (truth["attitude"].notna() == answered).all()


@pytest.mark.parametrize("name", ["customers", "customers_truth"])
def test_checksum_and_byte_for_byte_regeneration(name, tmp_path):
    spec = data.DATASETS[name]
    assert data.verify(name) == (True, "")
    rebuilt = spec.write(tmp_path / spec.filename)
    assert rebuilt.read_bytes() == data.path(name).read_bytes()


def test_another_seed_gives_another_table():
    a, _ = C.customer_tables(seed=5, n_customers=200)
    b, _ = C.customer_tables(seed=6, n_customers=200)
    assert not a.equals(b)
    pd.testing.assert_frame_equal(a, C.customer_tables(seed=5, n_customers=200)[0])


def test_generator_validates():
    with pytest.raises(ValueError, match="n_customers"):
        C.customer_tables(n_customers=10)
    with pytest.raises(ValueError, match="spread"):
        C.customer_tables(spread=0)


def test_planted_segments_are_recoverable(table, truth):
    labels = clustering.kmeans(5, random_state=0).fit_predict(nb02.scale(nb02.behaviour_features(table)))
    assert adjusted_rand_score(truth["segment"], labels) > 0.9


def test_the_lookalike_pair_differs_only_in_channel(table, truth):
    seg = truth["segment"]
    pair = table[seg.isin(C.LOOKALIKES).to_numpy()].assign(segment=seg[seg.isin(C.LOOKALIKES)].to_numpy())
    pair = pair.assign(orders=pair["orders_online"] + pair["orders_store"],
                       online=pair["orders_online"] / (pair["orders_online"] + pair["orders_store"]))
    med = pair.groupby("segment")[["orders", "avg_basket", "recency_days", "discount_share", "returns_share",
                                   "tenure_months", "online"]].median()
    same = med.drop(columns="online")
    assert ((same.max() - same.min()) / same.max() < 0.15).all(), same
    assert med.loc["regulars_online", "online"] - med.loc["regulars_store", "online"] > 0.5


def test_survey_structure_is_weak_and_unrelated_to_segments(table, truth):
    answered = table["survey_eco"].notna().to_numpy()
    s = table.loc[answered, C.SURVEY]
    att = truth.loc[answered, "attitude"].to_numpy()
    gap = (s[att == "eco_minded"].mean() - s[att == "mainstream"].mean()) / s.std()
    assert gap["survey_eco"] > 0.8 and gap["survey_price"] < -0.6 and abs(gap["survey_quality"]) < 0.2
    share_by_segment = pd.Series(att == "eco_minded").groupby(truth.loc[answered, "segment"].to_numpy()).mean()
    assert share_by_segment.max() - share_by_segment.min() < 0.12  # attitude is independent of the segment
    assert 0.35 < answered.mean() < 0.45
    assert nb02.survey_agreement() < 0.5  # weak: two clusters match the attitudes only loosely


def test_tenure_is_noise(table, truth):
    medians = table.groupby(truth["segment"].to_numpy())["tenure_months"].median()
    assert medians.max() - medians.min() < 15
