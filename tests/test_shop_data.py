"""The shop dataset (notebook 04): schema, consistency across files, and a planted truth each view can recover."""

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score

from course_utils import data
from course_utils.data import shop


def test_schema_and_consistency():
    customers, truth = data.load("shop_customers"), data.load("shop_truth")
    orders, reviews, products = data.load("shop_orders"), data.load("shop_reviews"), data.load("shop_products")
    assert list(customers.columns) == shop.CUSTOMER_COLUMNS and customers["customer_id"].is_unique
    assert len(customers) == len(truth) == shop.N_CUSTOMERS
    assert set(truth["segment"]) == set(shop.SEGMENTS)
    assert len(products) == 360 and products["is_new"].sum() == 36 and products["product_id"].is_unique
    assert set(orders["customer_id"]) <= set(customers["customer_id"])
    assert set(orders["product_id"]) <= set(products["product_id"])
    assert not orders.duplicated(["order_id", "product_id"]).any()
    # the CRM's order count is the number of orders in the order file
    n_orders = orders.groupby("customer_id")["order_id"].nunique()
    assert (customers.set_index("customer_id")["orders_12m"] == n_orders.reindex(customers["customer_id"])).all()
    # every review is about a product its author bought
    bought = set(zip(orders["customer_id"], orders["product_id"]))
    assert all(pair in bought for pair in zip(reviews["customer_id"], reviews["product_id"]))
    assert reviews["rating"].between(1, 5).all() and reviews["text"].str.len().gt(10).all()


def test_generator_knobs_change_the_data_and_keep_the_seed_promise():
    a = shop.shop_tables(seed=5, n_customers=300)
    b = shop.shop_tables(seed=5, n_customers=300)
    c = shop.shop_tables(seed=6, n_customers=300)
    assert a["orders"].equals(b["orders"]) and not a["orders"].equals(c["orders"])
    assert len(a["customers"]) == 300


def _kmeans_ari(X, truth):
    from sklearn.cluster import KMeans

    return adjusted_rand_score(truth, KMeans(6, n_init=10, random_state=0).fit_predict(X))


def test_planted_truth_is_recoverable_from_each_view_and_each_view_is_blind_where_planted():
    tables = shop.shop_tables()
    truth = tables["truth"].set_index("customer_id")["segment"]
    # purchases: share of each customer's items per category
    o = tables["orders"].merge(tables["products"], on="product_id")
    mix = pd.crosstab(o["customer_id"], o["category"], normalize="index").reindex(truth.index)
    # reviews: share of each customer's words per topic phrase set
    words = {topic: set(" ".join(p).split()) for topic, p in shop.TOPICS.items()}
    text = tables["reviews"].groupby("customer_id")["text"].apply(" ".join).str.lower().reindex(truth.index)
    topics = pd.DataFrame({t: text.map(lambda s, w=w: sum(x in w for x in s.split())) for t, w in words.items()})
    topics = topics.div(topics.sum(axis=1), axis=0)
    by_purchase = mix.groupby(truth).mean()
    by_text = topics.groupby(truth).mean()
    # each focused segment buys mostly its category; broad shoppers alike
    for segment, category in shop.FOCUS.items():
        if category:
            assert by_purchase.loc[segment].idxmax() == category
    assert np.abs(by_purchase.loc["gift_shoppers"] - by_purchase.loc["bargain_hunters"]).max() < 0.05
    # reviews: gifts vs prices tell the broad shoppers apart; cooks and gardeners write alike
    assert by_text.loc["gift_shoppers"].idxmax() == "gift" and by_text.loc["bargain_hunters"].idxmax() == "price"
    assert np.abs(by_text.loc["home_cooks"] - by_text.loc["gardeners"]).max() < 0.05
    # both simple views recover much of the truth on their own
    assert _kmeans_ari(mix.to_numpy(), truth) > 0.5
    assert _kmeans_ari(topics.fillna(0).to_numpy(), truth) > 0.3
