"""Notebook 04's reference pipeline: one shop's customers seen three ways (purchases as a
graph, reviews as text, the CRM's feature table), each embedded and clustered, then
compared on the same planted truth and combined.

Every ``@reference`` function computes once per kernel and hands out a copy;
``f.shared()`` is the cached original, for read-only use. The notebook calls the same
toolkit functions with the same settings, so the numbers its prose quotes (listed in
``PROSE_FIGURES``) are the ones computed here.
"""

from __future__ import annotations

import re
import time

import networkx as nx
import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA, TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import adjusted_rand_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler, normalize

from course_utils import clustering, data, embeddings, graph
from course_utils.course.declare import reference
from course_utils.course.figures import ProseFigure

K = 6  # the number of segments the business works with
#: Node2Vec settings of the notebook.
N2V = {"dimensions": 32, "walk_length": 20, "walks_per_node": 10, "window": 5, "epochs": 5, "random_state": 0}
PQ_GRID = [(1.0, 1.0), (4.0, 0.25), (1.0, 0.25), (1.0, 4.0), (0.25, 4.0)]
SEGMENTER = {"min_cluster_size": 40, "min_samples": 10, "reduce": "pca", "n_components": 10}
W2V_TEXT = {"vector_size": 32, "window": 5, "epochs": 20, "min_count": 2, "seed": 0}
SIF_A = 1e-3
#: Columns of the feature table that are counts or amounts with a long right tail.
LOG_COLUMNS = ["orders_12m", "avg_basket_value", "days_since_last_order", "support_tickets", "items_per_order"]
CATEGORICAL = ["region", "channel", "payment"]
BOTTLENECKS = [1, 2, 3, 4, 6, 8]
AE = {"hidden": (16,), "epochs": 40, "batch_size": 128, "learning_rate": 0.005, "random_state": 0}
#: The linear autoencoder that should land on PCA: no hidden layer, no bend.
LINEAR_AE = {"hidden": (), "activation": "linear", "epochs": 40, "batch_size": 128, "learning_rate": 0.005,
             "random_state": 0}


def block(V) -> np.ndarray:
    """A view's vectors centred and scaled to a mean squared length of 1, so views weigh the same side by side."""
    V = np.asarray(V, dtype=float)
    V = V - V.mean(axis=0)
    return V / np.sqrt((V ** 2).sum(axis=1).mean())


def kmeans_labels(X, k: int = K) -> np.ndarray:
    """K-Means with the course's settings (10 starts, seed 0)."""
    return KMeans(k, n_init=10, random_state=0).fit_predict(np.asarray(X, dtype=float))


def ari(labels, truth_labels=None) -> float:
    """ARI against the planted segments (every customer, in the order of ``customers``)."""
    t = truth.shared().to_numpy() if truth_labels is None else np.asarray(truth_labels)
    return float(adjusted_rand_score(t, np.asarray(labels)))


# -- the data ---------------------------------------------------------------------------------
@reference
def products() -> pd.DataFrame:
    return data.load("shop_products")


@reference
def orders() -> pd.DataFrame:
    return data.load("shop_orders")


@reference
def reviews() -> pd.DataFrame:
    return data.load("shop_reviews")


@reference
def customers() -> pd.DataFrame:
    return data.load("shop_customers")


@reference
def truth() -> pd.Series:
    """The planted segment of every customer, in the order of the feature table."""
    t = data.load("shop_truth").set_index("customer_id")["segment"]
    return t.reindex(customers.shared()["customer_id"])


# -- 1. the graph ------------------------------------------------------------------------------
@reference
def product_graph() -> nx.Graph:
    """Products as nodes, an edge for every pair bought in the same order, weighted by orders."""
    return graph.co_occurrence_graph(orders.shared(), "order_id", "product_id")


def step_probabilities(G, prev, cur, p: float, q: float) -> dict:
    """Node2Vec's next-step probabilities from ``cur``, having come from ``prev`` (the definition)."""
    out = {}
    for x in G[cur]:
        alpha = 1 / p if x == prev else (1.0 if G.has_edge(prev, x) else 1 / q)
        out[x] = G[cur][x].get("weight", 1.0) * alpha
    total = sum(out.values())
    return {x: w / total for x, w in out.items()}


def popularity_tier(orders_table: pd.DataFrame) -> pd.Series:
    """Each product's role by how many customers bought it: best-seller (top 10%), regular, rare (bottom 25%)."""
    buyers = orders_table.groupby("product_id")["customer_id"].nunique()
    pct = buyers.rank(pct=True, method="first")
    return pd.Series(np.where(pct > 0.9, "best-seller", np.where(pct <= 0.25, "rare", "regular")),
                     index=buyers.index, name="tier")


def pq_table(G, prods: pd.DataFrame, tiers: pd.Series, grid=PQ_GRID, **settings) -> pd.DataFrame:
    """For each (p, q): neighbour purity by category (community), by popularity tier (role) and by
    subcategory for the new products (cold start)."""
    params = {**N2V, **settings}
    items = [n for n in G if G.degree(n) > 0]
    new = [n for n in items if bool(prods.at[n, "is_new"])]
    rows = []
    for p, q in grid:
        wv = graph.node2vec(G, p=p, q=q, **params)
        rows.append({"p": p, "q": q,
                     "category purity": embeddings.neighbour_purity(wv, prods["category"], k=10, items=items),
                     "tier purity": embeddings.neighbour_purity(wv, tiers, k=10, items=items),
                     "new products: subcategory purity": embeddings.neighbour_purity(wv, prods["subcategory"], k=5,
                                                                                      items=new)})
    return pd.DataFrame(rows).set_index(["p", "q"])


@reference
def pq_results() -> pd.DataFrame:
    prods = products.shared().set_index("product_id")
    return pq_table(product_graph.shared(), prods, popularity_tier(orders.shared()))


@reference
def product_vectors():
    """Node2Vec product vectors with p = q = 1."""
    return graph.node2vec(product_graph.shared(), p=1.0, q=1.0, **N2V)


@reference
def basket_vectors():
    """Notebook 03's way: Word2Vec on the products of each order, in order."""
    seqs = orders.shared().groupby("order_id", sort=False)["product_id"].apply(list).tolist()
    return embeddings.train_item2vec(seqs, vector_size=32, window=5, epochs=5, seed=0)


def cold_start(wv_graph, wv_baskets, prods: pd.DataFrame) -> pd.DataFrame:
    """Subcategory purity of the 5 nearest neighbours: new products, and all products."""
    p = prods.set_index("product_id")
    rows = {}
    for name, wv in [("Node2Vec on the co-purchase graph", wv_graph),
                     ("Word2Vec on baskets (notebook 03)", wv_baskets)]:
        new = [x for x in p.index[p["is_new"]] if x in wv]
        rows[name] = {"new products": embeddings.neighbour_purity(wv, p["subcategory"], k=5, items=new),
                      "all products": embeddings.neighbour_purity(wv, p["subcategory"], k=5)}
    return pd.DataFrame(rows).T


def chance_purity(prods: pd.DataFrame, column: str = "subcategory") -> float:
    """The purity a random neighbour gives: the mean share of the *other* products in a product's own group."""
    sizes = prods[column].map(prods[column].value_counts())
    return float(((sizes - 1) / (len(prods) - 1)).mean())


@reference
def cold_start_table() -> pd.DataFrame:
    return cold_start(product_vectors.shared(), basket_vectors.shared(), products.shared())


@reference
def customer_product_graph() -> nx.Graph:
    """Customers and products as nodes, an edge for every product a customer bought (weight: orders)."""
    pairs = orders.shared().groupby(["customer_id", "product_id"]).size()
    B = nx.Graph()
    B.add_nodes_from(customers.shared()["customer_id"], kind="customer")
    B.add_nodes_from(products.shared()["product_id"], kind="product")
    B.add_weighted_edges_from((c, p, int(n)) for (c, p), n in pairs.items())
    return B


def customer_vectors_from(B: nx.Graph, wv, customer_ids) -> pd.DataFrame:
    """Each customer's vector: the idf-weighted mean of the vectors of the products they bought."""
    edges = pd.DataFrame([(c, p) for c in customer_ids for p in B[c]], columns=["customer_id", "product_id"])
    return embeddings.user_embeddings(edges, wv, "customer_id", "product_id", weighting="tfidf").reindex(
        pd.Index(customer_ids, name="customer_id"))


@reference
def graph_customer_vectors() -> pd.DataFrame:
    return customer_vectors_from(customer_product_graph.shared(), product_vectors.shared(),
                                 customers.shared()["customer_id"].tolist())


@reference
def graph_labels() -> np.ndarray:
    """HDBSCAN on the customers' graph vectors (-1 for noise)."""
    return clustering.ReducedHDBSCAN(**SEGMENTER).fit(graph_customer_vectors.shared()).labels_


def clustered_ari(labels, truth_labels=None) -> float:
    labels = np.asarray(labels)
    t = truth.shared().to_numpy() if truth_labels is None else np.asarray(truth_labels)
    keep = labels >= 0
    return float(adjusted_rand_score(t[keep], labels[keep]))


# -- 2. the text -------------------------------------------------------------------------------
def tokenize(text: str) -> list:
    """Lower-case words (letters only)."""
    return re.findall(r"[a-z]+", str(text).lower())


@reference
def review_tokens() -> list:
    return [tokenize(t) for t in reviews.shared()["text"]]


@reference
def customer_tokens() -> pd.Series:
    """All the words each customer wrote, in the order of the feature table."""
    r = reviews.shared()
    per = pd.Series(review_tokens.shared(), index=r["customer_id"].to_numpy())
    return per.groupby(level=0).sum().reindex(customers.shared()["customer_id"])


def sif_weights(token_lists, a: float = SIF_A) -> pd.Series:
    """Smooth inverse frequency: ``a / (a + p(word))``, p the word's share of all words."""
    counts = pd.Series([w for words in token_lists for w in words]).value_counts()
    return (a / (a + counts / counts.sum())).rename("sif")


@reference
def sif() -> pd.Series:
    return sif_weights(review_tokens.shared())


def lsa_vectors(docs, n_components: int = 20) -> np.ndarray:
    tfidf = TfidfVectorizer(sublinear_tf=True, min_df=2).fit_transform(docs)
    return normalize(TruncatedSVD(n_components, random_state=0).fit_transform(tfidf))


def word_vectors(sentences):
    from gensim.models import Word2Vec

    model = Word2Vec(sentences, sg=1, workers=1, hashfxn=embeddings._stable_hash, **W2V_TEXT)
    return model.wv


def mean_vectors(token_lists, wv, weights: pd.Series | None = None) -> np.ndarray:
    """Each document's (weighted) mean word vector; zeros for a document with no known word."""
    out = np.zeros((len(token_lists), wv.vector_size))
    for i, words in enumerate(token_lists):
        known = [w for w in words if w in wv]
        if not known:
            continue
        w = np.ones(len(known)) if weights is None else weights.reindex(known).fillna(1.0).to_numpy()
        out[i] = (w[:, None] * wv[known]).sum(axis=0) / len(known)
    return out


def remove_first_component(V: np.ndarray) -> np.ndarray:
    """SIF's second step: take out the direction every document shares."""
    u = TruncatedSVD(1, random_state=0).fit(V).components_[0]
    return V - np.outer(V @ u, u)


def doc2vec_vectors(token_lists, tags) -> np.ndarray:
    from gensim.models.doc2vec import Doc2Vec, TaggedDocument

    docs = [TaggedDocument(list(words), [str(tag)]) for words, tag in zip(token_lists, tags)]
    model = Doc2Vec(docs, vector_size=32, dm=0, min_count=2, epochs=20, seed=0, workers=1,
                    hashfxn=embeddings._stable_hash)
    return np.array([model.dv[str(tag)] for tag in tags])


@reference
def text_embeddings() -> dict:
    """``{method: (customer vectors, seconds)}`` for LSA, Word2Vec mean, Word2Vec SIF and Doc2Vec."""
    toks = customer_tokens.shared().tolist()
    docs = [" ".join(t) for t in toks]
    out = {}
    t0 = time.perf_counter()
    out["LSA (tf-idf + SVD)"] = (lsa_vectors(docs), time.perf_counter() - t0)
    t0 = time.perf_counter()
    wv = word_vectors(review_tokens.shared())
    train = time.perf_counter() - t0
    t0 = time.perf_counter()
    out["Word2Vec, mean"] = (normalize(mean_vectors(toks, wv)), train + time.perf_counter() - t0)
    t0 = time.perf_counter()
    out["Word2Vec, SIF"] = (normalize(remove_first_component(mean_vectors(toks, wv, sif.shared()))),
                            train + time.perf_counter() - t0)
    t0 = time.perf_counter()
    out["Doc2Vec"] = (normalize(doc2vec_vectors(toks, customers.shared()["customer_id"])),
                      time.perf_counter() - t0)
    return out


# -- 3. the feature table ------------------------------------------------------------------------
def prepare_features(table: pd.DataFrame) -> pd.DataFrame:
    """The CRM table ready for a model: counts and amounts log1p'd, categories one-hot (0/1, not scaled).

    Indexed by customer_id. The numeric columns are standardised by :func:`scale_numeric`
    with a scaler fitted on the training rows only.
    """
    t = table.set_index("customer_id")
    num = t.drop(columns=CATEGORICAL).astype(float)
    num[LOG_COLUMNS] = np.log1p(num[LOG_COLUMNS])
    return pd.concat([num, pd.get_dummies(t[CATEGORICAL], dtype=float)], axis=1)


@reference
def features() -> pd.DataFrame:
    """The prepared feature table, not scaled yet."""
    return prepare_features(customers.shared())


def numeric_columns(frame: pd.DataFrame) -> list:
    return [c for c in frame.columns if not any(c.startswith(f"{cat}_") for cat in CATEGORICAL)]


@reference
def split() -> tuple:
    """Positions of the training and validation customers (80 / 20, seed 0)."""
    return tuple(train_test_split(np.arange(len(customers.shared())), test_size=0.2, random_state=0))


@reference
def scaler() -> StandardScaler:
    f = features.shared()
    return StandardScaler().fit(f.iloc[split.shared()[0]][numeric_columns(f)])


def scale_numeric(frame: pd.DataFrame, fitted: StandardScaler) -> pd.DataFrame:
    out = frame.copy()
    cols = numeric_columns(frame)
    out[cols] = fitted.transform(frame[cols])
    return out


@reference
def X() -> pd.DataFrame:
    """The model's input: numeric columns standardised (scaler fitted on the training rows), dummies 0/1."""
    return scale_numeric(features.shared(), scaler.shared())


def bottleneck_sweep(Xs: np.ndarray, train_rows, valid_rows, widths=BOTTLENECKS) -> pd.DataFrame:
    """Validation error of an autoencoder and of PCA per bottleneck width, and K-Means ARI on the codes."""
    from course_utils.autoencoders import Autoencoder

    rows = []
    for k in widths:
        ae = Autoencoder(bottleneck=k, **AE).fit(Xs[train_rows])
        pca = PCA(k, random_state=0).fit(Xs[train_rows])
        rows.append({"bottleneck": k,
                     "train error": ae.reconstruction_error(Xs[train_rows]),
                     "validation error": ae.reconstruction_error(Xs[valid_rows]),
                     "PCA validation error": pca_error(pca, Xs[valid_rows]),
                     "ARI of K-Means on the codes": ari(kmeans_labels(ae.transform(Xs)))})
    return pd.DataFrame(rows).set_index("bottleneck")


def pca_error(pca, X_valid) -> float:
    return float(np.mean((X_valid - pca.inverse_transform(pca.transform(X_valid))) ** 2))


@reference
def sweep() -> pd.DataFrame:
    tr, va = split.shared()
    return bottleneck_sweep(X.shared().to_numpy(), tr, va)


def knee_of(curve: pd.DataFrame, column: str = "validation error") -> int:
    k = clustering.find_knee(curve.index.to_numpy(), curve[column].to_numpy(), direction="decreasing")
    return int(k) if k is not None else int(curve[column].idxmin())


def decode_profiles(ae, centroids, fitted: StandardScaler, columns) -> pd.DataFrame:
    """Centroids in code space, decoded into the feature table's own units (one row per cluster)."""
    decoded = pd.DataFrame(ae.inverse_transform(np.asarray(centroids, dtype=float)), columns=list(columns))
    num = numeric_columns(decoded)
    decoded[num] = fitted.inverse_transform(decoded[num])
    decoded[LOG_COLUMNS] = np.expm1(decoded[LOG_COLUMNS])
    decoded.index.name = "cluster"
    return decoded


@reference
def example_fit() -> tuple:
    """The notebook's autoencoder (the knee's width, fitted on the training customers) and the seconds its fit
    took."""
    from course_utils.autoencoders import Autoencoder

    k = knee_of(sweep.shared())
    t0 = time.perf_counter()
    ae = Autoencoder(bottleneck=k, **AE).fit(X.shared().to_numpy()[split.shared()[0]])
    return ae, time.perf_counter() - t0


@reference
def example_autoencoder():
    """The notebook's autoencoder: the knee's width, fitted on the training customers."""
    return example_fit.shared()[0]


@reference
def linear_autoencoder():
    """A linear autoencoder (:data:`LINEAR_AE`) at the knee's width, fitted on the training customers."""
    from course_utils.autoencoders import Autoencoder

    return Autoencoder(bottleneck=knee_of(sweep.shared()), **LINEAR_AE).fit(X.shared().to_numpy()[split.shared()[0]])


def column_errors(model, X_valid, columns) -> pd.Series:
    """Mean squared reconstruction error of each column (``model`` has ``transform`` and ``inverse_transform``)."""
    X_valid = np.asarray(X_valid, dtype=float)
    rebuilt = model.inverse_transform(model.transform(X_valid))
    return pd.Series(((X_valid - rebuilt) ** 2).mean(axis=0), index=list(columns))


def segment_share(frame: pd.DataFrame, labels) -> pd.Series:
    """The share of each column's variance that the groups in ``labels`` explain (eta squared, 0 to 1)."""
    frame = frame.astype(float)
    groups = frame.groupby(np.asarray(labels))
    between = (groups.size().to_numpy()[:, None] * (groups.mean() - frame.mean()) ** 2).sum()
    return between / ((frame - frame.mean()) ** 2).sum()


def where_the_gain_goes(linear, relu, X_valid, frame: pd.DataFrame, labels) -> pd.DataFrame:
    """Per column: the validation error of a linear and of a ReLU autoencoder, the ReLU's gain, and the share of
    the column's variance the segments explain; largest gain first."""
    out = pd.DataFrame({"linear": column_errors(linear, X_valid, frame.columns),
                        "ReLU": column_errors(relu, X_valid, frame.columns)})
    out["gain"] = out["linear"] - out["ReLU"]
    out["share explained by the segments"] = segment_share(frame, labels)
    return out.sort_values("gain", ascending=False)


@reference
def gain_table() -> pd.DataFrame:
    """Where the ReLU autoencoder rebuilds the validation customers better than the linear one."""
    Xf = X.shared()
    return where_the_gain_goes(linear_autoencoder.shared(), example_autoencoder.shared(),
                               Xf.to_numpy()[split.shared()[1]], Xf, truth.shared().to_numpy())


@reference
def example_centroids() -> np.ndarray:
    """K-Means centroids (K clusters) of every customer's codes under :func:`example_autoencoder`."""
    codes = example_autoencoder.shared().transform(X.shared().to_numpy())
    return KMeans(K, n_init=10, random_state=0).fit(codes).cluster_centers_


# -- 4. compare and combine ------------------------------------------------------------------
@reference
def simple_choice() -> dict:
    """ARI of K-Means on: the autoencoder's codes, PCA at the same width, and the prepared table; on every
    customer (``"autoencoder"``, ``"pca"``, ``"table"``) and on the validation customers only (``"..._valid"``)."""
    Xa = X.shared().to_numpy()
    tr, va = split.shared()
    t = truth.shared().to_numpy()
    k = knee_of(sweep.shared())
    labels = {"autoencoder": kmeans_labels(example_autoencoder.shared().transform(Xa)),
              "pca": kmeans_labels(PCA(k, random_state=0).fit(Xa[tr]).transform(Xa)),
              "table": kmeans_labels(Xa)}
    out = {name: ari(lab) for name, lab in labels.items()}
    out |= {f"{name}_valid": float(adjusted_rand_score(t[va], lab[va])) for name, lab in labels.items()}
    return out


@reference
def pipeline_seconds() -> dict:
    """Seconds each of section 9's pipelines takes: its fit on the training customers, then K-Means on everyone
    (the autoencoder's fit is the one :func:`example_fit` timed)."""
    Xa = X.shared().to_numpy()
    tr = split.shared()[0]
    k = knee_of(sweep.shared())
    ae, fit_seconds = example_fit.shared()
    t0 = time.perf_counter()
    kmeans_labels(ae.transform(Xa))
    out = {"autoencoder": fit_seconds + time.perf_counter() - t0}
    t0 = time.perf_counter()
    kmeans_labels(PCA(k, random_state=0).fit(Xa[tr]).transform(Xa))
    out["pca"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    kmeans_labels(Xa)
    out["table"] = time.perf_counter() - t0
    return out


def spread(V) -> float:
    """A view's mean squared distance from its centre: what :func:`block` scales to 1."""
    V = np.asarray(V, dtype=float)
    return float(((V - V.mean(axis=0)) ** 2).sum(axis=1).mean())


def view_vectors() -> dict:
    """Each view's vectors as the notebook's comparison uses them."""
    Xa = X.shared().to_numpy()
    k = knee_of(sweep.shared())
    return {"purchases": normalize(graph_customer_vectors.shared().to_numpy()),
            "reviews": text_embeddings.shared()["Word2Vec, SIF"][0],
            "table_pca": PCA(k, random_state=0).fit(Xa[split.shared()[0]]).transform(Xa)}


@reference
def comparison() -> dict:
    """ARI of K-Means per view, the autoencoder's codes, the table as it is, and the three views combined
    (purchases, reviews and the table's PCA codes, each scaled by :func:`block`; ``"unscaled"``: side by side as
    they are)."""
    v = view_vectors()
    combined = np.hstack([block(v["purchases"]), block(v["reviews"]), block(v["table_pca"])])
    out = {name: ari(kmeans_labels(V)) for name, V in v.items()}
    out["table_autoencoder"] = simple_choice.shared()["autoencoder"]
    out["table"] = simple_choice.shared()["table"]
    out["combined"] = ari(kmeans_labels(combined))
    out["unscaled"] = ari(kmeans_labels(np.hstack([v["purchases"], v["reviews"], v["table_pca"]])))
    return out


SINGLE_VIEWS = ("purchases", "reviews", "table_pca", "table_autoencoder", "table")


def _pq(p, q, column):
    return lambda: pq_results.shared().loc[(p, q), column]


def _text(method):
    return lambda: ari(kmeans_labels(text_embeddings.shared()[method][0]))


def _spread_share(view: str) -> float:
    spreads = {name: spread(V) for name, V in view_vectors().items()}
    return spreads[view] / sum(spreads.values())


PROSE_FIGURES = [
    ProseFigure("3,000", lambda: len(customers.shared()), "{:,}", "customers"),
    ProseFigure("0.78", lambda: pq_results.shared()["category purity"].min(), "{:.2f}", "lowest category purity"),
    ProseFigure("0.80", lambda: pq_results.shared()["category purity"].max(), "{:.2f}", "highest category purity"),
    ProseFigure("0.73", _pq(1.0, 4.0, "tier purity"), "{:.2f}", "tier purity of local walks, p = 1"),
    ProseFigure("0.72", _pq(0.25, 4.0, "tier purity"), "{:.2f}", "tier purity of local walks, p = 0.25"),
    ProseFigure("0.70", _pq(1.0, 1.0, "tier purity"), "{:.2f}", "tier purity of plain walks"),
    ProseFigure("0.63", _pq(4.0, 0.25, "tier purity"), "{:.2f}", "tier purity of outward walks"),
    ProseFigure("0.38", _pq(4.0, 0.25, "new products: subcategory purity"), "{:.2f}", "new products, outward walks"),
    ProseFigure("0.17", _pq(1.0, 1.0, "new products: subcategory purity"), "{:.2f}", "new products, plain walks"),
    ProseFigure("0.05", lambda: chance_purity(products.shared()), "{:.2f}", "subcategory purity by chance"),
    ProseFigure("0.17", lambda: cold_start_table.shared().iloc[0]["new products"], "{:.2f}", "new products, graph"),
    ProseFigure("0.07", lambda: cold_start_table.shared().iloc[1]["new products"], "{:.2f}", "new products, baskets"),
    ProseFigure("0.61", lambda: cold_start_table.shared().iloc[0]["all products"], "{:.2f}", "all products, graph"),
    ProseFigure("0.55", lambda: cold_start_table.shared().iloc[1]["all products"], "{:.2f}", "all products, baskets"),
    ProseFigure("0.48", _text("LSA (tf-idf + SVD)"), "{:.2f}", "LSA ARI"),
    ProseFigure("0.53", _text("Word2Vec, SIF"), "{:.2f}", "Word2Vec SIF ARI"),
    ProseFigure("28", lambda: X.shared().shape[1], "{}", "columns of X"),
    ProseFigure("0.71", lambda: simple_choice.shared()["table"], "{:.2f}", "K-Means on the table"),
    ProseFigure("0.65", lambda: sweep.shared()["ARI of K-Means on the codes"].max(), "{:.2f}", "best width's ARI"),
    ProseFigure("2 codes", lambda: sweep.shared()["ARI of K-Means on the codes"].idxmax(), "{} codes",
                "the best width by the planted truth"),
    ProseFigure("0.45", lambda: simple_choice.shared()["pca"], "{:.2f}", "PCA + K-Means"),
    ProseFigure("0.32", lambda: simple_choice.shared()["autoencoder"], "{:.2f}", "autoencoder + K-Means"),
    ProseFigure("app_user, tenure_months and newsletter_open_rate", lambda: list(gain_table.shared().index[:3]),
                "{0[0]}, {0[1]} and {0[2]}", "the three columns the ReLU autoencoder gains most on"),
    ProseFigure("0.025", lambda: gain_table.shared()["share explained by the segments"].iloc[:3].max(), "{:.3f}",
                "the largest share the segments explain of those three columns"),
    ProseFigure("600", lambda: len(split.shared()[1]), "{}", "validation customers"),
    ProseFigure("0.72", lambda: simple_choice.shared()["table_valid"], "{:.2f}", "table, validation customers"),
    ProseFigure("0.47", lambda: simple_choice.shared()["pca_valid"], "{:.2f}", "PCA, validation customers"),
    ProseFigure("0.33", lambda: simple_choice.shared()["autoencoder_valid"], "{:.2f}",
                "autoencoder, validation customers"),
    ProseFigure("4 PCA", lambda: knee_of(sweep.shared()), "{} PCA", "the width of the table's PCA codes"),
    ProseFigure("85%", lambda: _spread_share("table_pca"), "{:.0%}", "the table's share of the unscaled distances"),
    ProseFigure("0.53", lambda: comparison.shared()["unscaled"], "{:.2f}", "the three views side by side, unscaled"),
    ProseFigure("0.99", lambda: comparison.shared()["combined"], "{:.2f}", "the three views combined"),
    ProseFigure("0.75", lambda: max(comparison.shared()[v] for v in SINGLE_VIEWS), "{:.2f}", "the best single view"),
]
