"""One web shop's customers seen three ways (notebook 04): what they buy, what they
write, and what the CRM knows about them, with one planted segment per customer.

Files (all written by :func:`shop_tables`, one seeded run):

* ``shop_products.csv``: ``product_id, category, subcategory, name, is_new``;
* ``shop_orders.csv.gz``: ``order_id, customer_id, product_id``, one row per item bought;
* ``shop_reviews.csv.gz``: ``review_id, customer_id, product_id, rating, text``;
* ``shop_customers.csv``: the CRM's feature table, one row per customer, mixed types;
* ``shop_truth.csv``: ``customer_id, segment``.

Given a customer's segment, the three views are drawn independently, and each
view is blind to something on purpose:

* **purchases** tell the four category shoppers apart (each buys mostly one
  category, and mostly one subcategory of it), but ``gift_shoppers`` and
  ``bargain_hunters`` buy the same best-sellers across the shop;
* **reviews** speak of what a customer cares about (quality, price, delivery,
  gifts, children, gadgets), so they tell gift shoppers from bargain hunters,
  but ``home_cooks`` and ``gardeners`` care about the same things and say so in
  the same words (only an occasional word names the product);
* **the feature table** tells bargain hunters (discounts), gift shoppers
  (orders late in the year, gift cards), parents (many small orders on the
  phone) and tech fans (large baskets, returns) apart, but ``home_cooks`` and
  ``gardeners`` look alike there too.
"""

from __future__ import annotations

import csv
import functools
import io
from pathlib import Path

import numpy as np
import pandas as pd

from course_utils.data._dataset import Dataset
from course_utils.data._files import write_gzip, write_text
from course_utils.validation import whole_number

SEED = 41
N_CUSTOMERS = 3000

#: Segment shares.
SEGMENTS = {
    "home_cooks": 0.18,
    "gardeners": 0.16,
    "young_parents": 0.17,
    "tech_fans": 0.15,
    "gift_shoppers": 0.14,
    "bargain_hunters": 0.20,
}

#: The catalogue: category -> subcategories -> product nouns.
CATALOGUE = {
    "kitchen": {
        "cookware": ["frying pan", "saucepan", "wok", "casserole dish", "griddle", "stock pot"],
        "knives": ["chef knife", "bread knife", "knife block", "paring knife", "sharpener", "cleaver"],
        "baking": ["cake tin", "mixing bowl", "rolling pin", "muffin tray", "piping set", "cooling rack"],
    },
    "garden": {
        "tools": ["spade", "pruning shears", "rake", "hose reel", "trowel", "wheelbarrow"],
        "plants": ["rose bush", "seed tray", "herb kit", "bulb pack", "compost", "planter"],
        "outdoor": ["bench", "parasol", "fire pit", "bird feeder", "solar lights", "deck chair"],
    },
    "kids": {
        "toys": ["building blocks", "puzzle", "plush bear", "toy car", "doll house", "kite"],
        "baby": ["baby monitor", "changing mat", "bottle set", "sleeping bag", "bath seat", "teether"],
        "school": ["lunch box", "backpack", "pencil case", "water bottle", "desk lamp", "art set"],
    },
    "electronics": {
        "audio": ["headphones", "speaker", "earbuds", "soundbar", "radio", "turntable"],
        "phone": ["charger", "power bank", "phone case", "cable", "car mount", "screen protector"],
        "smart_home": ["smart plug", "doorbell camera", "thermostat", "smart bulb", "hub", "sensor"],
    },
    "home": {
        "decor": ["vase", "mirror", "picture frame", "candle set", "cushion", "throw"],
        "bedding": ["duvet", "pillow", "sheet set", "mattress topper", "blanket", "bedspread"],
        "lighting": ["floor lamp", "table lamp", "pendant", "fairy lights", "lamp shade", "night light"],
    },
    "beauty": {
        "skincare": ["face cream", "serum", "cleanser", "sun cream", "face mask", "toner"],
        "fragrance": ["perfume", "aftershave", "body mist", "gift box", "diffuser", "scented oil"],
        "hair": ["hair dryer", "straightener", "shampoo", "hair brush", "conditioner", "curler"],
    },
}
_ADJECTIVES = ["classic", "deluxe", "compact", "premium", "everyday", "pro", "mini", "family", "eco", "essential"]

#: Which category each segment shops in (None: across the whole shop, best-sellers first).
FOCUS = {"home_cooks": "kitchen", "gardeners": "garden", "young_parents": "kids", "tech_fans": "electronics",
         "gift_shoppers": None, "bargain_hunters": None}

#: Review topics and their phrases; a customer's reviews mix the topics of their segment.
TOPICS = {
    "quality": ["well made", "really sturdy", "solid and built to last", "feels like good quality",
                "still going strong after months", "the finish is excellent", "heavy and durable",
                "better made than the one it replaced", "quality is superb"],
    "delivery": ["arrived quickly", "delivery was fast", "well packaged", "came a day early",
                 "the courier was friendly", "tracking was accurate", "arrived in perfect condition"],
    "price": ["great value for money", "a real bargain", "cheap and cheerful", "bought it in the sale",
              "used a discount code", "half the price elsewhere", "worth it at this price",
              "waited for the price to drop", "cheaper than the high street"],
    "gift": ["bought it as a present", "a lovely gift", "came gift wrapped", "perfect birthday present",
             "for my mum at christmas", "she loved opening it", "a thoughtful present for a friend",
             "arrived in time for the party"],
    "kids": ["my toddler loves it", "safe for small children", "our son plays with it every day",
             "keeps the kids busy", "easy to wipe clean after the little ones", "our daughter uses it at school",
             "survived the kids"],
    "tech": ["battery life is excellent", "pairs over bluetooth in seconds", "the app is easy to set up",
             "firmware update fixed a bug", "sound is crisp", "charges fast over usb c", "works with my phone",
             "latency is low"],
}
_SEGMENT_TOPICS = {
    "home_cooks": {"quality": 6, "delivery": 2, "price": 1},
    "gardeners": {"quality": 6, "delivery": 2, "price": 1},
    "young_parents": {"kids": 6, "delivery": 1, "price": 2},
    "tech_fans": {"tech": 6, "quality": 2, "delivery": 1},
    "gift_shoppers": {"gift": 6, "delivery": 3, "quality": 1},
    "bargain_hunters": {"price": 6, "delivery": 2, "quality": 1},
}
_OPENERS = {5: ["love it", "excellent", "five stars", "really pleased"],
            4: ["very good", "happy with it", "good buy"],
            3: ["it is ok", "does the job", "average"],
            2: ["disappointed", "not great"],
            1: ["poor", "would not buy again"]}
_FILLER = ["would recommend", "as described", "no complaints", "does what it says", "exactly what i needed",
           "will buy again", "nothing to add"]

REGIONS = ["london", "south", "midlands", "north", "scotland", "wales"]
CHANNELS = ["search", "social", "email", "referral", "tv"]
PAYMENTS = ["card", "paypal", "pay_later", "gift_card"]

#: The CRM's numeric features per segment: orders_12m (median), avg_basket_value (median, GBP),
#: discount_share, return_rate, mobile_share, q4_share (Beta means), support_tickets (Poisson mean).
_PROFILE = {
    "home_cooks": dict(orders=7, basket=48, discount=0.15, returns=0.05, mobile=0.40, q4=0.30, tickets=0.6),
    "gardeners": dict(orders=6, basket=55, discount=0.15, returns=0.05, mobile=0.38, q4=0.22, tickets=0.6),
    "young_parents": dict(orders=13, basket=34, discount=0.22, returns=0.07, mobile=0.80, q4=0.30, tickets=1.0),
    "tech_fans": dict(orders=5, basket=130, discount=0.12, returns=0.16, mobile=0.55, q4=0.32, tickets=1.6),
    "gift_shoppers": dict(orders=3, basket=62, discount=0.10, returns=0.03, mobile=0.50, q4=0.70, tickets=0.4),
    "bargain_hunters": dict(orders=9, basket=26, discount=0.62, returns=0.06, mobile=0.60, q4=0.32, tickets=0.7),
}
_PAYMENT_BY_SEGMENT = {
    "gift_shoppers": [0.35, 0.25, 0.10, 0.30],
    "bargain_hunters": [0.35, 0.25, 0.35, 0.05],
}
_CHANNEL_BY_SEGMENT = {
    "tech_fans": [0.45, 0.20, 0.10, 0.20, 0.05],
    "young_parents": [0.25, 0.45, 0.10, 0.15, 0.05],
    "bargain_hunters": [0.30, 0.20, 0.40, 0.05, 0.05],
}

CUSTOMER_COLUMNS = ["customer_id", "orders_12m", "avg_basket_value", "days_since_last_order", "tenure_months",
                    "discount_share", "return_rate", "mobile_share", "q4_share", "newsletter_open_rate",
                    "support_tickets", "items_per_order", "region", "channel", "payment", "loyalty_member",
                    "app_user"]


def shop_products(seed: int = SEED) -> list:
    """The catalogue: ``[(product_id, category, subcategory, name, is_new)]``.

    Each of the 18 subcategories has 20 products (6 nouns x a few adjectives):
    360 products with random ids. Two in each subcategory are new this month
    (``is_new``): they have had only a handful of buyers. ``seed`` is a whole
    number >= 0: the same seed gives the same catalogue.
    """
    rng = np.random.default_rng(whole_number(seed, "seed", minimum=0))
    n = sum(len(subs) for subs in CATALOGUE.values()) * 20
    ids = rng.choice(np.arange(1000, 10000), size=n, replace=False)
    out, k = [], 0
    for category, subs in CATALOGUE.items():
        for sub, nouns in subs.items():
            names = [f"{adj} {noun}" for noun in nouns for adj in _ADJECTIVES]
            picks = rng.choice(len(names), size=20, replace=False)
            new = set(rng.choice(20, size=2, replace=False).tolist())
            for j, pick in enumerate(picks.tolist()):
                out.append((f"P{ids[k]}", category, sub, names[pick], j in new))
                k += 1
    return out


def _truth(rng, n_customers: int) -> list:
    names = list(SEGMENTS)
    shares = np.array(list(SEGMENTS.values()))
    segment = rng.choice(len(names), size=n_customers, p=shares / shares.sum())
    return [(f"C{i + 1:05d}", names[s]) for i, s in enumerate(segment.tolist())]


def _beta(rng, mean: float, strength: float = 12.0) -> float:
    return float(rng.beta(mean * strength, (1 - mean) * strength))


def shop_tables(seed: int = SEED, n_customers: int = N_CUSTOMERS, noise: float = 1.0) -> dict:
    """Build every table of the shop; ``{name: DataFrame}`` with keys
    ``products, orders, reviews, customers, truth``.

    ``noise`` scales how far customers stray from their segment (1 is the
    shipped data; 1.5 blurs every view). The seed, the number of customers and
    the noise are the knobs used to hold the notebook's pipeline to data it
    has not seen. The tables are built once per arguments and handed out as copies.
    """
    return {name: frame.copy() for name, frame in _shop_tables(seed, n_customers, float(noise)).items()}


@functools.lru_cache(maxsize=4)
def _shop_tables(seed: int, n_customers: int, noise: float) -> dict:
    rng = np.random.default_rng(seed)
    products = pd.DataFrame(shop_products(seed), columns=["product_id", "category", "subcategory", "name", "is_new"])
    truth = _truth(rng, n_customers)
    stray = float(np.clip(0.2 * noise, 0.0, 0.9))  # share of a focused shopper's items bought elsewhere

    # product popularity: Zipf-like within a subcategory; new products are rarely bought
    pop = np.zeros(len(products))
    for _, idx in products.groupby("subcategory").indices.items():
        pop[idx] = 1.0 / (1.0 + rng.permutation(len(idx))) ** 0.8
    pop[products["is_new"].to_numpy()] *= 0.08
    by_cat = {c: np.flatnonzero(products["category"].to_numpy() == c) for c in CATALOGUE}
    by_sub = {s: np.flatnonzero(products["subcategory"].to_numpy() == s) for s in products["subcategory"].unique()}
    # best-sellers: the most popular products of the shop, what broad shoppers buy
    broad = pop ** 2.0
    broad = broad / broad.sum()

    def draw(pool, weights, size):
        w = weights[pool] / weights[pool].sum()
        return pool[rng.choice(len(pool), size=size, p=w)]

    customers, orders, reviews = [], [], []
    order_no = 0
    review_no = 0
    pids = products["product_id"].to_numpy()
    for cid, segment in truth:
        prof = _PROFILE[segment]
        n_orders = max(1, int(round(prof["orders"] * np.exp(rng.normal(0, 0.45 * noise)))))
        basket = float(prof["basket"] * np.exp(rng.normal(0, 0.35 * noise)))
        focus = FOCUS[segment]
        if focus is not None:
            subs = list(CATALOGUE[focus])
            favourite = subs[int(rng.integers(len(subs)))]
        bought, sizes = [], []
        for _ in range(n_orders):
            n_items = 1 + int(rng.poisson(1.6))
            order_no += 1
            oid = f"O{order_no:06d}"
            items = []
            for _ in range(n_items):
                u = rng.random()
                if focus is None or u < stray:
                    item = int(draw(np.arange(len(products)), broad, 1)[0])
                elif u < stray + (1 - stray) * 0.7:
                    item = int(draw(by_sub[favourite], pop, 1)[0])
                else:
                    item = int(draw(by_cat[focus], pop, 1)[0])
                items.append(item)
            for item in dict.fromkeys(items):
                orders.append((oid, cid, pids[item]))
                bought.append(item)
            sizes.append(len(dict.fromkeys(items)))
        # reviews: about products the customer bought
        weights = _SEGMENT_TOPICS[segment]
        topic_names = list(weights)
        topic_mix = rng.dirichlet(np.array([weights[t] for t in topic_names], dtype=float) / max(noise, 0.2))
        n_reviews = min(len(bought), 1 + int(rng.poisson(1.5)))
        for item in rng.choice(len(bought), size=n_reviews, replace=False).tolist():
            product = bought[item]
            rating = int(rng.choice([5, 4, 3, 2, 1], p=[0.45, 0.3, 0.13, 0.07, 0.05]))
            parts = [_OPENERS[rating][int(rng.integers(len(_OPENERS[rating])))]]
            for _ in range(1 + int(rng.poisson(1.2))):
                if rng.random() < 0.12 * noise:  # off-topic: any topic at all
                    topic = list(TOPICS)[int(rng.integers(len(TOPICS)))]
                else:
                    topic = topic_names[int(rng.choice(len(topic_names), p=topic_mix))]
                phrases = TOPICS[topic]
                parts.append(phrases[int(rng.integers(len(phrases)))])
            if rng.random() < 0.25:  # now and then the product is named
                noun = products.at[product, "name"].split(" ", 1)[1]
                parts.append(f"the {noun} is {['great', 'fine', 'nice', 'as expected'][int(rng.integers(4))]}")
            if rng.random() < 0.5:
                parts.append(_FILLER[int(rng.integers(len(_FILLER)))])
            review_no += 1
            text = ", ".join(parts[:1]) + ". " + ". ".join(p.capitalize() for p in parts[1:]) + "."
            reviews.append((f"R{review_no:06d}", cid, pids[product], rating, text))
        # the CRM's feature table
        s = noise
        pay = _PAYMENT_BY_SEGMENT.get(segment, [0.55, 0.30, 0.10, 0.05])
        chan = _CHANNEL_BY_SEGMENT.get(segment, [0.35, 0.25, 0.15, 0.15, 0.10])
        customers.append((
            cid,
            n_orders,
            round(basket, 2),
            int(min(365, rng.exponential(365 / (n_orders + 1)))),
            int(rng.integers(3, 96)),
            round(_beta(rng, prof["discount"], 24 / s), 3),
            round(_beta(rng, prof["returns"], 40 / s), 3),
            round(_beta(rng, prof["mobile"], 20 / s), 3),
            round(_beta(rng, prof["q4"], 20 / s), 3),
            round(_beta(rng, 0.3, 4), 3),
            int(rng.poisson(prof["tickets"])),
            round(float(np.mean(sizes)), 2),
            REGIONS[int(rng.integers(len(REGIONS)))],
            CHANNELS[int(rng.choice(len(CHANNELS), p=chan))],
            PAYMENTS[int(rng.choice(len(PAYMENTS), p=pay))],
            int(rng.random() < (0.55 if n_orders >= 6 else 0.25)),
            int(rng.random() < 0.3 + 0.5 * _PROFILE[segment]["mobile"]),
        ))
    return {
        "products": products,
        "orders": pd.DataFrame(orders, columns=["order_id", "customer_id", "product_id"]),
        "reviews": pd.DataFrame(reviews, columns=["review_id", "customer_id", "product_id", "rating", "text"]),
        "customers": pd.DataFrame(customers, columns=CUSTOMER_COLUMNS),
        "truth": pd.DataFrame(truth, columns=["customer_id", "segment"]),
    }


# -- files ----------------------------------------------------------------------------------
def _csv_text(frame: pd.DataFrame) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(frame.columns)
    for row in frame.itertuples(index=False):
        writer.writerow(["true" if v is True else "false" if v is False else v for v in row])
    return buf.getvalue()


def _writer(table: str, gz: bool):
    def write(path, seed: int = SEED) -> Path:
        text = _csv_text(shop_tables(seed)[table])
        return write_gzip(path, text.encode("utf-8")) if gz else write_text(path, text)

    write.__name__ = f"write_shop_{table}"
    write.__doc__ = f"Write the shop's {table} table (one call of :func:`shop_tables`)."
    return write


write_shop_products = _writer("products", gz=False)
write_shop_orders = _writer("orders", gz=True)
write_shop_reviews = _writer("reviews", gz=True)
write_shop_customers = _writer("customers", gz=False)
write_shop_truth = _writer("truth", gz=False)


def read_shop_products(path) -> pd.DataFrame:
    """Read ``shop_products.csv``; ``is_new`` as bool."""
    out = pd.read_csv(path, dtype={"product_id": "string", "category": "string", "subcategory": "string",
                                   "name": "string"})
    out["is_new"] = out["is_new"].map({"true": True, "false": False, True: True, False: False}).astype(bool)
    return out


def read_shop_orders(path) -> pd.DataFrame:
    """Read ``shop_orders.csv.gz``: order_id, customer_id, product_id."""
    return pd.read_csv(path, dtype="string")


def read_shop_reviews(path) -> pd.DataFrame:
    """Read ``shop_reviews.csv.gz``: review_id, customer_id, product_id, rating (int), text."""
    return pd.read_csv(path, dtype={"review_id": "string", "customer_id": "string", "product_id": "string",
                                    "rating": "int64", "text": "string"})


def read_shop_customers(path) -> pd.DataFrame:
    """Read ``shop_customers.csv``: the feature table (numbers, three categorical columns, two 0/1 flags)."""
    return pd.read_csv(path, dtype={"customer_id": "string", "region": "string", "channel": "string",
                                    "payment": "string"})


def read_shop_truth(path) -> pd.DataFrame:
    """Read ``shop_truth.csv``: customer_id, segment."""
    return pd.read_csv(path, dtype="string")


DATASETS = [
    Dataset("shop_products", "shop_products.csv", "the web shop's 360 products: category, subcategory, name, new",
            write_shop_products, read_shop_products, "04"),
    Dataset("shop_orders", "shop_orders.csv.gz", "which products each of the shop's customers bought, by order",
            write_shop_orders, read_shop_orders, "04"),
    Dataset("shop_reviews", "shop_reviews.csv.gz", "the shop customers' product reviews: rating and text",
            write_shop_reviews, read_shop_reviews, "04"),
    Dataset("shop_customers", "shop_customers.csv", "the shop's CRM feature table, one row per customer, mixed types",
            write_shop_customers, read_shop_customers, "04"),
    Dataset("shop_truth", "shop_truth.csv", "the planted segment of each shop customer", write_shop_truth,
            read_shop_truth, "04"),
]
