"""Notebook 02's reference pipeline: the shape gallery and its ARI grid, Ward's tree,
DBSCAN's eps, silhouettes, stability, the tendency tests, and the stakeholder lab.

Every ``@reference`` function computes once per kernel and hands out a copy;
``f.shared()`` is the cached original, for read-only use. The stakeholder lab's
data and helpers (:func:`lab_features`, :func:`lookalike_pair`,
:func:`pairwise_silhouette`, :func:`channel_preference`, :func:`lab_options`) are
plain functions of a customer table, so that notebook 06 can reuse them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn import datasets as skd
from sklearn.cluster import DBSCAN, AgglomerativeClustering, KMeans
from sklearn.metrics import adjusted_rand_score, silhouette_samples, silhouette_score
from sklearn.mixture import GaussianMixture
from sklearn.preprocessing import StandardScaler

from course_utils import clustering, data
from course_utils.course.declare import reference
from course_utils.course.figures import ProseFigure
from course_utils.data.customers import LOOKALIKES

#: The settings of the notebook's reference pipeline.
K = 5  # segments in the customer table (the dendrogram's largest gap agrees)
MIN_SAMPLES = 10  # DBSCAN's min_samples everywhere in the notebook
HDBSCAN_SETTINGS = {"min_cluster_size": 25, "min_samples": 5}
GMM_SETTINGS = {"covariance_type": "full", "n_init": 20, "init_params": "k-means++", "random_state": 0}
LAB_GMM_SETTINGS = {**GMM_SETTINGS, "n_init": 3}  # 3,000 customers in 7 dimensions: 3 restarts find the same fit
EPS_BAR = 0.9  # ARI an eps must reach on the outlier shape (q3)
KS = range(2, 9)
N_PERMUTATIONS = 19


# -- the customer table -----------------------------------------------------------------------
@reference
def customers() -> pd.DataFrame:
    """The shipped customer table, as loaded."""
    return data.load("customers")


@reference
def truth() -> pd.DataFrame:
    """The planted segment and survey attitude of every customer (same order as customers)."""
    return data.load("customers_truth")


#: The behaviour features the notebook clusters on, as :func:`behaviour_features` makes them.
FEATURES = ["orders_online", "orders_store", "avg_basket", "recency_days", "discount_share", "returns_share",
            "tenure_months"]


def behaviour_features(table: pd.DataFrame) -> pd.DataFrame:
    """Counts, basket and recency on a log scale (they are skewed); shares and tenure as they are."""
    return pd.DataFrame({
        "orders_online": np.log1p(table["orders_online"]),
        "orders_store": np.log1p(table["orders_store"]),
        "avg_basket": np.log(table["avg_basket"]),
        "recency_days": np.log(table["recency_days"]),
        "discount_share": table["discount_share"],
        "returns_share": table["returns_share"],
        "tenure_months": table["tenure_months"],
    }, index=table.index)


def scale(frame) -> np.ndarray:
    """Standardise every column (mean 0, standard deviation 1)."""
    return StandardScaler().fit_transform(frame)


@reference
def X() -> np.ndarray:
    """The scaled behaviour features of every customer."""
    return scale(behaviour_features(customers.shared()))


@reference
def kmeans_labels(k: int = K) -> np.ndarray:
    """K-Means labels of the customers (scaled behaviour features)."""
    return clustering.kmeans(k, random_state=0).fit_predict(X.shared())


@reference
def unit_change() -> dict:
    """K-Means (k = K) on three unscaled columns, with the basket in pounds and in pence, and after scaling."""
    table = customers.shared()
    pounds = table[["recency_days", "avg_basket"]].assign(orders=table["orders_online"] + table["orders_store"])
    pence = pounds.assign(avg_basket=pounds["avg_basket"] * 100)
    seg = truth.shared()["segment"]

    def fit(frame):
        return clustering.kmeans(K, random_state=0).fit_predict(frame.to_numpy(dtype=float))

    a, b = fit(pounds), fit(pence)
    sa, sb = fit(pd.DataFrame(scale(pounds))), fit(pd.DataFrame(scale(pence)))
    return {"raw_agreement": adjusted_rand_score(a, b), "scaled_agreement": adjusted_rand_score(sa, sb),
            "ari_pounds": adjusted_rand_score(seg, a), "ari_pence": adjusted_rand_score(seg, b),
            "ari_scaled": adjusted_rand_score(seg, sa)}


# -- the shape gallery ------------------------------------------------------------------------
SHAPES = ["unequal spreads", "elongated", "non-convex", "different densities", "outliers", "no groups"]
ALGORITHMS = ["K-Means", "Ward", "average linkage", "single linkage", "DBSCAN", "HDBSCAN", "Gaussian mixture"]


def shape_gallery(seed: int = 0, n: int = 600, spread: float = 1.0) -> dict:
    """Six two-feature data sets with a planted truth, standardised: ``{shape: (X, y)}``.

    ``y`` is the planted group of each row; the outliers of "outliers" are -1,
    and "no groups" (uniform noise) is one group. ``spread`` widens every group
    (1 is the notebook's gallery). Think of the two features as two standardised
    customer measures, such as visits and basket size.
    """
    rng = np.random.default_rng(seed)
    s = spread
    out = {}
    X, y = skd.make_blobs(n_samples=[n // 2, n // 4, n - n // 2 - n // 4], centers=[[0, 0], [6, 0], [3, 5]],
                          cluster_std=[2.0 * s, 0.5 * s, 0.8 * s], random_state=seed)
    out["unequal spreads"] = (X, y)
    y = rng.integers(0, 3, n)
    stripes = np.column_stack([np.array([-2.0, 0.0, 2.0])[y] + rng.normal(0, 0.25 * s, n), rng.normal(0, 2.5, n)])
    out["elongated"] = (stripes @ np.array([[0.8, 0.6], [-0.6, 0.8]]), y)
    out["non-convex"] = skd.make_moons(n_samples=n, noise=0.06 * s, random_state=seed)
    out["different densities"] = skd.make_blobs(
        n_samples=[n // 3, n // 3, n - 2 * (n // 3)], centers=[[0, 0], [0.9, 0], [4, 0]],
        cluster_std=[0.12 * s, 0.12 * s, 1.2 * s], random_state=seed)
    X, y = skd.make_blobs(n_samples=n, centers=[[0, 0], [4, 0], [2, 3.5]], cluster_std=0.6 * s, random_state=seed)
    m = n // 20
    out["outliers"] = (np.vstack([X, rng.uniform(-6, 10, size=(m, 2))]), np.r_[y, -np.ones(m, dtype=int)])
    out["no groups"] = (rng.uniform(size=(n, 2)), np.zeros(n, dtype=int))
    return {name: (scale(X), np.asarray(y)) for name, (X, y) in out.items()}


def n_groups(y) -> int:
    """The number of planted groups (outliers, -1, are not a group)."""
    return len(set(np.asarray(y).tolist()) - {-1})


def ari(truth_labels, labels) -> float:
    """The adjusted Rand index, with every noise point (-1, on either side) a group of its own.

    Noise means "belongs to no group", so two noise points are not "in the same
    group". An outlier left as noise then agrees with a truth that calls it an
    outlier; a real customer left as noise does not, and neither does a whole
    group declared noise.
    """
    def singletons(values):
        out = np.asarray(values).astype(np.int64).copy()
        noise = out == -1
        out[noise] = out.max(initial=0) + 1 + np.arange(noise.sum())
        return out

    return float(adjusted_rand_score(singletons(truth_labels), singletons(labels)))


def run_algorithms(X, k: int) -> dict:
    """Labels of every algorithm of :data:`ALGORITHMS` (k for those that need it; -1 is noise)."""
    import hdbscan

    eps = clustering.suggest_eps(X, MIN_SAMPLES)
    return {
        "K-Means": clustering.kmeans(k, random_state=0).fit_predict(X),
        "Ward": AgglomerativeClustering(k, linkage="ward").fit_predict(X),
        "average linkage": AgglomerativeClustering(k, linkage="average").fit_predict(X),
        "single linkage": AgglomerativeClustering(k, linkage="single").fit_predict(X),
        "DBSCAN": DBSCAN(eps=eps, min_samples=MIN_SAMPLES).fit_predict(X),
        "HDBSCAN": hdbscan.HDBSCAN(**HDBSCAN_SETTINGS).fit_predict(X),
        "Gaussian mixture": GaussianMixture(k, **GMM_SETTINGS).fit(X).predict(X),
    }


def gallery_results(gallery: dict) -> dict:
    """``{shape: {algorithm: labels}}``; the algorithms that need k get the planted k (3 on noise)."""
    return {name: run_algorithms(X, max(n_groups(y), 3) if n_groups(y) == 1 else n_groups(y))
            for name, (X, y) in gallery.items()}


def ari_grid(gallery: dict, results: dict) -> pd.DataFrame:
    """ARI (:func:`ari`, noise points each a group of their own) of every algorithm, one row per shape with groups."""
    rows = {name: {alg: ari(y, results[name][alg]) for alg in ALGORITHMS}
            for name, (X, y) in gallery.items() if n_groups(y) > 1}
    return pd.DataFrame(rows).T[ALGORITHMS]


def noise_table(gallery: dict, results: dict, shape: str = "no groups") -> pd.DataFrame:
    """On the shape without groups: how many clusters each algorithm reports, and their silhouette."""
    X, _ = gallery[shape]
    rows = {}
    for alg in ALGORITHMS:
        lab = results[shape][alg]
        found = n_groups(lab)
        keep = lab != -1
        sil = silhouette_score(X[keep], lab[keep]) if 2 <= found < keep.sum() else np.nan
        rows[alg] = {"clusters found": found, "noise share": float((lab == -1).mean()), "silhouette": sil}
    return pd.DataFrame(rows).T


@reference
def gallery() -> dict:
    """The notebook's gallery (seed 0, 600 rows per shape)."""
    return shape_gallery()


@reference
def results() -> dict:
    return gallery_results(gallery.shared())


@reference
def grid() -> pd.DataFrame:
    return ari_grid(gallery.shared(), results.shared())


#: The other draw the notebook holds the grid's findings to.
OTHER_DRAW = {"seed": 4, "n": 600, "spread": 1.2}


@reference
def other_grid() -> pd.DataFrame:
    """The ARI grid on :data:`OTHER_DRAW`."""
    other = shape_gallery(**OTHER_DRAW)
    return ari_grid(other, gallery_results(other))


@reference
def noise_found() -> pd.DataFrame:
    return noise_table(gallery.shared(), results.shared())


# -- hierarchical clustering ------------------------------------------------------------------
@reference
def ward_tree() -> np.ndarray:
    """scipy's Ward linkage of the scaled customers."""
    from scipy.cluster.hierarchy import linkage

    return linkage(X.shared(), method="ward")


def largest_gap(Z) -> tuple:
    """``(low, high, k)``: the merge heights around the largest gap, and the clusters a cut inside it leaves."""
    h = np.asarray(Z)[:, 2]
    i = int(np.argmax(np.diff(h)))
    return float(h[i]), float(h[i + 1]), len(h) + 1 - (i + 1)


def clusters_at(Z, height: float) -> int:
    """How many clusters a cut at ``height`` leaves (merges above it are undone)."""
    return int(len(Z) + 1 - np.sum(np.asarray(Z)[:, 2] <= height))


def within_ss(X, labels) -> float:
    """Total within-cluster sum of squares (what Ward keeps small)."""
    X = np.asarray(X)
    labels = np.asarray(labels)
    return float(sum(((X[labels == c] - X[labels == c].mean(axis=0)) ** 2).sum() for c in np.unique(labels)))


@reference
def ward_check() -> dict:
    """Ward's last merges: the height of the merge from K to K-1 clusters and the sum-of-squares it adds."""
    from scipy.cluster.hierarchy import fcluster

    Z = ward_tree.shared()
    before = within_ss(X.shared(), fcluster(Z, K, "maxclust"))
    after = within_ss(X.shared(), fcluster(Z, K - 1, "maxclust"))
    height = float(Z[-(K - 1), 2])
    return {"height": height, "increase": after - before, "half_height_squared": height ** 2 / 2,
            "ari": adjusted_rand_score(truth.shared()["segment"], fcluster(Z, K, "maxclust"))}


# -- DBSCAN and its eps -----------------------------------------------------------------------
@reference
def outlier_shape() -> tuple:
    """The gallery's "outliers" shape: three groups and some far-away accounts (-1)."""
    return gallery.shared()["outliers"]


def dbscan_quality(eps: float, shape=None) -> dict:
    """What DBSCAN(eps, MIN_SAMPLES) makes of the outlier shape: ARI, clusters, noise share, outliers caught."""
    X, y = shape if shape is not None else outlier_shape.shared()
    lab = DBSCAN(eps=float(eps), min_samples=MIN_SAMPLES).fit_predict(X)
    return {"ari": ari(y, lab), "clusters": n_groups(lab),
            "noise_share": float((lab == -1).mean()), "outliers_caught": float((lab[y == -1] == -1).mean()),
            "customers_lost": float((lab[y != -1] == -1).mean())}


@reference
def eps_range() -> tuple:
    """The smallest and largest eps (on a fine grid) that reach :data:`EPS_BAR` on the outlier shape."""
    grid_ = np.round(np.arange(0.02, 1.5, 0.01), 2)
    ok = [e for e in grid_ if dbscan_quality(e)["ari"] >= EPS_BAR]
    return float(min(ok)), float(max(ok))


@reference
def eps() -> float:
    """The reference eps: the bend of the sorted 10-distance curve."""
    return clustering.suggest_eps(outlier_shape.shared()[0], MIN_SAMPLES)


@reference
def density_sweep() -> pd.DataFrame:
    """DBSCAN over a range of eps on "different densities": the best ARI any eps reaches, and where."""
    X, y = gallery.shared()["different densities"]
    rows = []
    for e in np.round(np.arange(0.02, 1.0, 0.02), 2):
        lab = DBSCAN(eps=e, min_samples=MIN_SAMPLES).fit_predict(X)
        rows.append({"eps": e, "ari": ari(y, lab), "clusters": n_groups(lab), "noise share": float((lab == -1).mean())})
    return pd.DataFrame(rows)


def condensed_clusters(model) -> pd.DataFrame:
    """Every cluster of a fitted ``hdbscan.HDBSCAN``'s condensed tree, and which ones it kept.

    One row per tree node (hdbscan's own ids, the root first): its ``parent`` node
    (-1 for the root), ``points`` when it is born, ``λ born`` (1/eps at its birth),
    ``λ end`` (when its last points leave or it splits), its ``stability`` (over
    everything that leaves it, points or child clusters: how long after the node's
    birth it leaves, times how many points leave; the branch's area in the plot,
    not its length) and ``label``, the label the model gives the points of a kept
    cluster (-1: not kept). A kept cluster is the smallest node that holds every
    point of its label.
    """
    tree = model.condensed_tree_.to_pandas()
    splits = tree[tree["child_size"] > 1]
    birth = dict(zip(splits["child"], splits["lambda_val"]))
    parent_of = dict(zip(splits["child"], splits["parent"]))
    rows = {}
    for node, part in tree.groupby("parent"):
        born = float(birth.get(node, 0.0))
        rows[int(node)] = {"parent": int(parent_of.get(node, -1)), "points": int(part["child_size"].sum()),
                           "λ born": born,
                           "λ end": float(part["lambda_val"].max()),
                           "stability": float(((part["lambda_val"] - born) * part["child_size"]).sum()), "label": -1}
    out = pd.DataFrame(rows).T.astype({"parent": int, "points": int, "label": int})
    points = tree[tree["child_size"] == 1]
    labels = np.asarray(model.labels_)[points["child"].to_numpy()]
    for label in np.unique(labels[labels != -1]):
        node = int(points["parent"].to_numpy()[labels == label][0])
        while out.loc[node, "points"] < np.sum(model.labels_ == label) and node in parent_of:
            node = int(parent_of[node])
        out.loc[node, "label"] = int(label)
    out.index.name = "node"
    return out


@reference
def density_tree() -> pd.DataFrame:
    """:func:`condensed_clusters` of HDBSCAN (:data:`HDBSCAN_SETTINGS`) on "different densities"."""
    import hdbscan

    return condensed_clusters(hdbscan.HDBSCAN(**HDBSCAN_SETTINGS).fit(gallery.shared()["different densities"][0]))


@reference
def hdbscan_sweep() -> pd.DataFrame:
    """HDBSCAN on "different densities" for several min_cluster_size: clusters, noise, ARI."""
    import hdbscan

    X, y = gallery.shared()["different densities"]
    rows = []
    for mcs in (5, 10, 25, 100, 250):
        lab = hdbscan.HDBSCAN(min_cluster_size=mcs, min_samples=HDBSCAN_SETTINGS["min_samples"]).fit_predict(X)
        rows.append({"min_cluster_size": mcs, "clusters": n_groups(lab), "noise share": float((lab == -1).mean()),
                     "ARI": ari(y, lab)})
    return pd.DataFrame(rows).set_index("min_cluster_size")


# -- validation -------------------------------------------------------------------------------
@reference
def moons() -> tuple:
    """The gallery's crescents."""
    return gallery.shared()["non-convex"]


@reference
def moons_labels() -> np.ndarray:
    """DBSCAN's labels of the crescents (eps from the k-distance bend; -1 is noise)."""
    X, _ = moons.shared()
    return DBSCAN(eps=clustering.suggest_eps(X, MIN_SAMPLES), min_samples=MIN_SAMPLES).fit_predict(X)


@reference
def moons_kmeans_labels() -> np.ndarray:
    return clustering.kmeans(2, random_state=0).fit_predict(moons.shared()[0])


def per_cluster_silhouette(X, labels, noise=-1) -> pd.Series:
    """Mean silhouette of each cluster, noise rows left out of the computation, indexed by cluster."""
    X = np.asarray(X)
    labels = np.asarray(labels)
    keep = labels != noise
    values = silhouette_samples(X[keep], labels[keep])
    out = pd.Series(values).groupby(labels[keep]).mean()
    out.index.name = "cluster"
    return out.rename("silhouette")


@reference
def moons_silhouettes() -> dict:
    """Silhouette and ARI on the crescents: DBSCAN (right) against K-Means (wrong)."""
    X, y = moons.shared()
    db, km = moons_labels.shared(), moons_kmeans_labels.shared()
    keep = db != -1
    return {"dbscan_silhouette": silhouette_score(X[keep], db[keep]), "kmeans_silhouette": silhouette_score(X, km),
            "dbscan_ari": ari(y, db), "kmeans_ari": ari(y, km)}


@reference
def k_scores() -> pd.DataFrame:
    """Inertia, silhouette, Davies-Bouldin, Calinski-Harabasz and ARI with the truth, for k in KS."""
    from sklearn.metrics import calinski_harabasz_score, davies_bouldin_score

    Xs = X.shared()
    seg = truth.shared()["segment"]
    rows = []
    for k in KS:
        model = clustering.kmeans(k, random_state=0).fit(Xs)
        lab = model.labels_
        rows.append({"k": k, "inertia": model.inertia_, "silhouette": silhouette_score(Xs, lab),
                     "davies_bouldin": davies_bouldin_score(Xs, lab),
                     "calinski_harabasz": calinski_harabasz_score(Xs, lab),
                     "ARI with truth": adjusted_rand_score(seg, lab)})
    return pd.DataFrame(rows).set_index("k")


def stability(X, k, n_resamples=10, random_state=0) -> float:
    """The reference bootstrap stability: fit K-Means on resamples, label every row, mean pairwise ARI."""
    from itertools import combinations

    X = np.asarray(X, dtype=float)
    rng = np.random.default_rng(random_state)
    labellings = []
    for b in range(n_resamples):
        rows = rng.integers(0, len(X), size=len(X))
        model = KMeans(k, n_init=3, random_state=random_state + b).fit(X[rows])
        labellings.append(model.predict(X))
    return float(np.mean([adjusted_rand_score(a, c) for a, c in combinations(labellings, 2)]))


@reference
def stability_table() -> pd.Series:
    """The reference stability of the customers' K-Means for k in KS."""
    Xs = X.shared()
    return pd.Series({k: stability(Xs, k) for k in KS}, name="stability").rename_axis("k")


@reference
def chance() -> dict:
    """Random labels against the planted segments: the plain Rand index is far above 0, ARI and AMI are not."""
    from sklearn.metrics import adjusted_mutual_info_score, normalized_mutual_info_score, rand_score

    seg = truth.shared()["segment"]
    rng = np.random.default_rng(0)
    out = {}
    for k in (5, 100):
        random_labels = rng.integers(0, k, size=len(seg))
        out[k] = {"rand": rand_score(seg, random_labels), "ari": adjusted_rand_score(seg, random_labels),
                  "nmi": normalized_mutual_info_score(seg, random_labels),
                  "ami": adjusted_mutual_info_score(seg, random_labels)}
    return out


# -- is there any structure? ------------------------------------------------------------------
def kmeans_silhouette(k: int):
    """``score(X)``: the mean silhouette of K-Means with k clusters (for the null comparison)."""
    def score(Z):
        return silhouette_score(Z, KMeans(k, n_init=4, random_state=0).fit_predict(Z))
    score.__name__ = f"kmeans_silhouette_{k}"
    return score


@reference
def survey() -> pd.DataFrame:
    """The survey scores of the customers who answered (unscaled, indexed like customers)."""
    from course_utils.data.customers import SURVEY

    return customers.shared()[SURVEY].dropna()


@reference
def tendency() -> pd.DataFrame:
    """Hopkins and the null comparison of K-Means' silhouette, on noise, the survey and an elongated cloud."""
    uniform = gallery.shared()["no groups"][0]
    rng = np.random.default_rng(7)
    cloud = scale(rng.multivariate_normal([0, 0, 0], [[1, 0.6, 0], [0.6, 1, 0], [0, 0, 1]], size=len(survey.shared())))
    rows = {}
    for name, Z, k in [("uniform noise", uniform, 3), ("survey scores", scale(survey.shared()), 2),
                       ("one elongated cloud", cloud, 2)]:
        h = clustering.null_comparison(Z, clustering.hopkins, N_PERMUTATIONS, random_state=0)
        s = clustering.null_comparison(Z, kmeans_silhouette(k), N_PERMUTATIONS, random_state=0)
        rows[name] = {"Hopkins": h.observed, "Hopkins, shuffled": h.null.mean(), "Hopkins p-value": h.p_value,
                      "k": k, "silhouette": s.observed, "silhouette, shuffled": s.null.mean(),
                      "silhouette, shuffled max": s.null.max(), "silhouette p-value": s.p_value}
    return pd.DataFrame(rows).T


@reference
def survey_agreement() -> float:
    """ARI between K-Means (k = 2) on the survey scores and the planted attitude groups."""
    S = survey.shared()
    att = truth.shared().set_index("customer_id")["attitude"].reindex(customers.shared().loc[S.index, "customer_id"])
    lab = clustering.kmeans(2, random_state=0).fit_predict(scale(S))
    return adjusted_rand_score(att.to_numpy(), lab)


# -- pictures ---------------------------------------------------------------------------------
@reference
def pca_variance() -> np.ndarray:
    """Share of variance of each principal component of the scaled customers."""
    from sklearn.decomposition import PCA

    return PCA().fit(X.shared()).explained_variance_ratio_


def picture_sample(n: int = 1000, seed: int = 0) -> np.ndarray:
    """Row positions of the customers drawn for the t-SNE and UMAP pictures."""
    return np.sort(np.random.default_rng(seed).choice(len(customers.shared()), size=n, replace=False))


# -- the stakeholder lab (reused by notebook 06) ----------------------------------------------
#: Columns a stakeholder reads, in their own units, for the decision tree.
LAB_COLUMNS = ["orders_online", "orders_store", "avg_basket", "recency_days", "discount_share", "returns_share",
               "tenure_months"]
#: What the stakeholders looked at when they said two segments were the same.
PROFILE_COLUMNS = ["orders", "avg_basket", "recency_days", "discount_share"]


def lab_features(table: pd.DataFrame) -> pd.DataFrame:
    """The columns of ``table`` the lab explains segments with, unscaled."""
    return table[LAB_COLUMNS].copy()


def business_profile(table: pd.DataFrame, labels) -> pd.DataFrame:
    """What the stakeholders saw: size and the median orders, basket, recency and discount share per segment."""
    frame = table.assign(orders=table["orders_online"] + table["orders_store"])[PROFILE_COLUMNS]
    out = frame.groupby(np.asarray(labels)).median()
    out.insert(0, "customers", pd.Series(np.asarray(labels)).value_counts().sort_index())
    out.index.name = "segment"
    return out


def pairwise_silhouette(X, labels) -> pd.DataFrame:
    """The silhouette of every pair of clusters on their own rows (a symmetric table, NaN on the diagonal).

    A pair with a low value is hard to tell apart even when everything else is
    ignored: the candidates for the stakeholders' "these two look the same".
    """
    X = np.asarray(X)
    labels = np.asarray(labels)
    ks = np.unique(labels[labels != -1])
    out = pd.DataFrame(np.nan, index=ks, columns=ks)
    for i, a in enumerate(ks):
        for b in ks[i + 1:]:
            out.loc[a, b] = out.loc[b, a] = pair_silhouette(X, labels, a, b)
    out.index.name = out.columns.name = "cluster"
    return out


def pair_silhouette(X, labels, a, b) -> float:
    """The mean silhouette of clusters ``a`` and ``b`` computed on their rows only."""
    X = np.asarray(X)
    labels = np.asarray(labels)
    rows = np.isin(labels, [a, b])
    return float(silhouette_score(X[rows], labels[rows]))


def lookalike_pair(table: pd.DataFrame, labels) -> tuple:
    """The two segments whose business profiles are closest (scaled medians), smaller label first."""
    prof = business_profile(table, labels).drop(columns="customers")
    z = (prof - prof.mean()) / prof.std()
    best, pair = np.inf, None
    ks = list(z.index)
    for i, a in enumerate(ks):
        for b in ks[i + 1:]:
            d = float(np.sqrt(((z.loc[a] - z.loc[b]) ** 2).sum()))
            if d < best:
                best, pair = d, (a, b)
    return tuple(int(v) for v in pair)


def channel_preference(table: pd.DataFrame) -> pd.Series:
    """The share of a customer's orders placed online: 1 only online, 0 only in store (NaN without orders)."""
    total = table["orders_online"] + table["orders_store"]
    return (table["orders_online"] / total.where(total > 0)).rename("channel_pref")


def with_channel_score(table: pd.DataFrame) -> pd.DataFrame:
    """The behaviour features with the two channel counts replaced by orders and the channel-preference score."""
    f = behaviour_features(table)
    total = table["orders_online"] + table["orders_store"]
    f = f.drop(columns=["orders_online", "orders_store"])
    f.insert(0, "channel_pref", channel_preference(table).fillna(0.5))
    f.insert(0, "orders", np.log1p(total))
    return f


def lab_options(table: pd.DataFrame, segments, k: int = K) -> pd.DataFrame:
    """The stakeholder decision, measured: K-Means as it is, merged, with a channel score, and a Gaussian mixture.

    ``segments`` is the planted segment of each row (for the ARI). For each option:
    the number of segments, the mean silhouette in the option's own features
    (the channel score option clusters other features: compare it with care), the ARI with the
    planted segments, and how well a depth-1 tree on one readable column tells
    the look-alike pair apart (its fidelity on held-out rows).
    """
    seg = np.asarray(segments)
    Xb = scale(behaviour_features(table))
    km = clustering.kmeans(k, random_state=0).fit_predict(Xb)
    a, b = lookalike_pair(table, km)
    merged = np.where(km == b, a, km)
    Xc = scale(with_channel_score(table))
    kc = clustering.kmeans(k, random_state=0).fit_predict(Xc)
    gmm = GaussianMixture(k, **LAB_GMM_SETTINGS).fit(Xb).predict(Xb)
    pair_rows = np.isin(km, [a, b])
    raw = lab_features(table)
    depth1_counts = clustering.explain_clusters(raw[pair_rows], km[pair_rows], max_depth=1).fidelity
    score = channel_preference(table).fillna(0.5).to_frame()
    depth1_score = clustering.explain_clusters(score[pair_rows], km[pair_rows], max_depth=1).fidelity
    one = np.where(np.isin(seg, LOOKALIKES), LOOKALIKES[0], seg)  # the truth if channel does not matter
    options = {"K-Means as it is": (km, Xb, depth1_counts), "merge the pair": (merged, Xb, np.nan),
               "channel-preference score": (kc, Xc, depth1_score), "Gaussian mixture": (gmm, Xb, np.nan)}
    rows = {}
    for name, (lab, Z, rule) in options.items():
        rows[name] = {"segments": n_groups(lab), "silhouette": silhouette_score(Z, lab),
                      "ARI with truth": adjusted_rand_score(seg, lab),
                      "ARI, pair as one": adjusted_rand_score(one, lab),
                      "pair told apart by one rule": rule}
    return pd.DataFrame(rows).T


@reference
def lab_labels() -> np.ndarray:
    """The K-Means segments the stakeholders were shown (k = K)."""
    return kmeans_labels.shared(K)


@reference
def pair() -> tuple:
    return lookalike_pair(customers.shared(), lab_labels.shared())


@reference
def lab_pair_silhouettes() -> pd.DataFrame:
    return pairwise_silhouette(X.shared(), lab_labels.shared())


@reference
def lab_explanation():
    """The decision-tree surrogate of the look-alike pair (depth 2, unscaled columns)."""
    a, b = pair.shared()
    rows = np.isin(lab_labels.shared(), [a, b])
    return clustering.explain_clusters(lab_features(customers.shared())[rows], lab_labels.shared()[rows],
                                       max_depth=2)


@reference
def lab_result() -> pd.DataFrame:
    return lab_options(customers.shared(), truth.shared()["segment"])


@reference
def channel_pref() -> pd.Series:
    return channel_preference(customers.shared())


def pair_truth_share(table, segments, labels) -> float:
    """The share of the look-alike pair's rows whose planted segment is one of :data:`LOOKALIKES`."""
    a, b = lookalike_pair(table, labels)
    rows = np.isin(np.asarray(labels), [a, b])
    return float(np.isin(np.asarray(segments)[rows], LOOKALIKES).mean())


@reference
def linkage_sizes() -> dict:
    """Cluster sizes (largest first) of each linkage cut into K clusters."""
    from scipy.cluster.hierarchy import fcluster, linkage

    out = {}
    for method in ("ward", "complete", "average", "single"):
        Z = ward_tree.shared() if method == "ward" else linkage(X.shared(), method=method)
        out[method] = sorted(np.bincount(fcluster(Z, K, "maxclust"))[1:].tolist(), reverse=True)
    return out


@reference
def below_zero() -> dict:
    """The share of customers with a negative silhouette, for K-Means with k = 3, 5 and 8."""
    Xs = X.shared()
    return {k: float(np.mean(silhouette_samples(Xs, kmeans_labels.shared(k)) < 0)) for k in (3, 5, 8)}


def scores_agree() -> int:
    """The k that silhouette, Davies-Bouldin and Calinski-Harabasz all pick, or -1 when they disagree."""
    t = k_scores.shared()
    picks = {int(t["silhouette"].idxmax()), int(t["davies_bouldin"].idxmin()), int(t["calinski_harabasz"].idxmax())}
    return picks.pop() if len(picks) == 1 else -1


def _profile_of_pair(column: str, which: int):
    prof = business_profile(customers.shared(), lab_labels.shared())
    return prof.loc[pair.shared()[which], column]


def _option(name: str, column: str):
    return lab_result.shared().loc[name, column]


def _tend(row: str, column: str):
    return tendency.shared().loc[row, column]


def _density_best(column: str = "ari"):
    sweep = density_sweep.shared()
    return sweep.loc[sweep["ari"].idxmax(), column]


def _complete_linkage_ari() -> float:
    from scipy.cluster.hierarchy import fcluster, linkage

    labels = fcluster(linkage(X.shared(), method="complete"), K, "maxclust")
    return adjusted_rand_score(truth.shared()["segment"], labels)


def _branch(which: str) -> pd.Series:
    """A row of :func:`density_tree`: the kept cluster with the lowest λ end (the sparse group), the kept
    cluster with children, its two children, or the node that lost to its kept children."""
    t = density_tree.shared()
    kept = t[t["label"] != -1]
    if which == "sparse":
        return t.loc[kept["λ end"].idxmin()]
    inner = kept[kept.index.isin(t["parent"])].index[0]
    if which == "inner":
        return t.loc[inner]
    if which in ("leaf 0", "leaf 1"):
        return t[t["parent"] == inner].iloc[int(which[-1])]
    lost = t[(t["label"] == -1) & (t["parent"] != -1) & t.index.isin(kept["parent"])]
    if which == "lost":
        return t.loc[lost.index[0]]
    return t[t["parent"] == lost.index[0]].iloc[int(which[-1])]  # "won 0", "won 1"


def _node(which: str) -> int:
    return int(_branch(which).name)


def _pair_channel(which: int) -> float:
    return channel_pref.shared().groupby(lab_labels.shared()).median().loc[pair.shared()[which]]


PROSE_FIGURES = [
    # 1. assumptions
    ProseFigure("0.39", lambda: noise_found.shared().loc["K-Means", "silhouette"], "{:.2f}",
                "K-Means' silhouette on uniform noise"),
    ProseFigure("0.30", lambda: noise_found.shared().loc["Gaussian mixture", "silhouette"], "{:.2f}",
                "the Gaussian mixture's silhouette on uniform noise"),
    ProseFigure("-0.29", lambda: noise_found.shared().loc["single linkage", "silhouette"], "{:.2f}",
                "single linkage's silhouette on uniform noise"),
    ProseFigure("5", lambda: noise_found.shared().loc["HDBSCAN", "clusters found"], "{:.0f}",
                "HDBSCAN's clusters in uniform noise"),
    ProseFigure("36%", lambda: noise_found.shared().loc["HDBSCAN", "noise share"], "{:.0%}",
                "HDBSCAN's noise share on uniform noise"),
    ProseFigure("0.62", lambda: other_grid.shared().loc["unequal spreads", "Ward"], "{:.2f}",
                "Ward on unequal spreads, other draw"),
    ProseFigure("0.63", lambda: other_grid.shared().loc["unequal spreads", "K-Means"], "{:.2f}",
                "K-Means on unequal spreads, other draw"),
    ProseFigure("0.00", lambda: other_grid.shared().loc["elongated", "DBSCAN"], "{:.2f}",
                "DBSCAN on elongated groups, other draw"),
    ProseFigure("0.15", lambda: unit_change.shared()["raw_agreement"], "{:.2f}", "pounds vs pence agreement"),
    # 2. hierarchical
    ProseFigure("3,000", lambda: len(customers.shared()), "{:,}", "customers"),
    ProseFigure("40%", lambda: customers.shared()["survey_eco"].notna().mean(), "{:.0%}", "survey respondents"),
    ProseFigure("5", lambda: largest_gap(ward_tree.shared())[2], "{}", "clusters at the dendrogram's largest gap"),
    ProseFigure("2,996", lambda: linkage_sizes.shared()["single"][0], "{:,}", "single linkage's giant cluster"),
    ProseFigure("28", lambda: linkage_sizes.shared()["average"][2], "{}", "average linkage's third cluster"),
    ProseFigure("8", lambda: linkage_sizes.shared()["average"][3], "{}", "average linkage's fourth cluster"),
    ProseFigure("1", lambda: linkage_sizes.shared()["average"][4], "{}", "average linkage's fifth cluster"),
    ProseFigure("0.595", _complete_linkage_ari, "{:.3f}", "complete linkage's ARI with the planted segments"),
    # 3. density
    ProseFigure("0.00", lambda: grid.shared().loc["different densities", "DBSCAN"], "{:.2f}",
                "DBSCAN with the suggested eps on different densities"),
    ProseFigure("0.73", _density_best, "{:.2f}", "best DBSCAN ARI over eps on different densities"),
    ProseFigure("33%", lambda: _density_best("noise share"), "{:.0%}", "noise share at the best eps"),
    ProseFigure("0.55", lambda: clustering.suggest_eps(gallery.shared()["different densities"][0], MIN_SAMPLES),
                "{:.2f}", "suggested eps on different densities"),
    ProseFigure("200", lambda: int(np.sum(gallery.shared()["different densities"][1] == 0)), "{}",
                "points in each group"),
    ProseFigure("604", lambda: _node("inner"), "{}", "the kept node with children"),
    ProseFigure("199", lambda: _branch("inner")["points"], "{:.0f}", "its points"),
    ProseFigure("3,749", lambda: _branch("inner")["stability"], "{:,.0f}", "its stability"),
    ProseFigure("605", lambda: _node("leaf 0"), "{}", "its first leaf"),
    ProseFigure("606", lambda: _node("leaf 1"), "{}", "its second leaf"),
    ProseFigure("37.1", lambda: _branch("leaf 0")["λ end"], "{:.1f}", "the first leaf's end"),
    ProseFigure("36.2", lambda: _branch("leaf 1")["λ end"], "{:.1f}", "the second leaf's end"),
    ProseFigure("39", lambda: _branch("leaf 0")["points"], "{:.0f}", "the first leaf's points"),
    ProseFigure("44", lambda: _branch("leaf 1")["points"], "{:.0f}", "the second leaf's points"),
    ProseFigure("233", lambda: _branch("leaf 0")["stability"], "{:,.0f}", "the first leaf's stability"),
    ProseFigure("225", lambda: _branch("leaf 1")["stability"], "{:,.0f}", "the second leaf's stability"),
    ProseFigure("602", lambda: _node("lost"), "{}", "the node that loses to its children"),
    ProseFigure("1,425", lambda: _branch("lost")["stability"], "{:,.0f}", "its stability"),
    ProseFigure("4,240", lambda: _branch("won 0")["stability"], "{:,.0f}", "its first child's stability"),
    ProseFigure("3,749", lambda: _branch("won 1")["stability"], "{:,.0f}", "its second child's stability"),
    ProseFigure("601", lambda: _node("sparse"), "{}", "the sparse group's node"),
    ProseFigure("149", lambda: _branch("sparse")["points"], "{:.0f}", "the sparse group's points"),
    ProseFigure("2.2", lambda: _branch("sparse")["λ born"], "{:.1f}", "the sparse group's birth"),
    ProseFigure("4.4", lambda: _branch("sparse")["λ end"], "{:.1f}", "the sparse group's end"),
    ProseFigure("166", lambda: _branch("sparse")["stability"], "{:,.0f}", "the sparse group's stability"),
    ProseFigure("166", lambda: density_tree.shared()["stability"].min(), "{:,.0f}", "the least stability of all"),
    # 4. validation
    ProseFigure("0.97", lambda: moons_silhouettes.shared()["dbscan_ari"], "{:.2f}", "DBSCAN's ARI on the crescents"),
    ProseFigure("0.40", lambda: moons_silhouettes.shared()["dbscan_silhouette"], "{:.2f}",
                "DBSCAN's silhouette on the crescents"),
    ProseFigure("0.48", lambda: moons_silhouettes.shared()["kmeans_ari"], "{:.2f}", "K-Means' ARI on the crescents"),
    ProseFigure("0.49", lambda: moons_silhouettes.shared()["kmeans_silhouette"], "{:.2f}",
                "K-Means' silhouette on the crescents"),
    ProseFigure("0.9%", lambda: below_zero.shared()[5], "{:.1%}", "customers below 0 at k = 5"),
    ProseFigure("1.3%", lambda: below_zero.shared()[3], "{:.1%}", "customers below 0 at k = 3"),
    ProseFigure("1.4%", lambda: below_zero.shared()[8], "{:.1%}", "customers below 0 at k = 8"),
    ProseFigure("5", scores_agree, "{}", "the k silhouette, Davies-Bouldin and Calinski-Harabasz agree on"),
    ProseFigure("5", lambda: clustering.find_knee(list(KS), k_scores.shared()["inertia"]), "{}", "the elbow's knee"),
    ProseFigure("0.989", lambda: stability_table.shared()[5], "{:.3f}", "stability at k = 5"),
    ProseFigure("0.989", lambda: stability_table.shared().max(), "{:.3f}", "the best stability"),
    ProseFigure("0.984", lambda: stability_table.shared()[4], "{:.3f}", "stability at k = 4"),
    ProseFigure("0.984", lambda: stability_table.shared().drop(5).max(), "{:.3f}", "the second-best stability"),
    ProseFigure("0.868", lambda: stability_table.shared()[6], "{:.3f}", "stability at k = 6"),
    ProseFigure("0.67", lambda: chance.shared()[5]["rand"], "{:.2f}", "Rand index of random labels, k = 5"),
    ProseFigure("0.78", lambda: chance.shared()[100]["rand"], "{:.2f}", "Rand index of random labels, k = 100"),
    # 5. structure
    ProseFigure("0.48", lambda: _tend("uniform noise", "Hopkins"), "{:.2f}", "Hopkins on uniform noise"),
    ProseFigure("0.60", lambda: _tend("uniform noise", "silhouette p-value"), "{:.2f}",
                "silhouette p-value on uniform noise"),
    ProseFigure("0.96", lambda: _tend("survey scores", "Hopkins"), "{:.2f}", "Hopkins on the survey"),
    ProseFigure("0.95", lambda: _tend("survey scores", "Hopkins, shuffled"), "{:.2f}",
                "Hopkins on shuffled survey copies"),
    ProseFigure("0.257", lambda: _tend("survey scores", "silhouette"), "{:.3f}", "survey silhouette"),
    ProseFigure("0.225", lambda: _tend("survey scores", "silhouette, shuffled max"), "{:.3f}",
                "best shuffled survey silhouette"),
    ProseFigure("0.36", lambda: survey_agreement.shared(), "{:.2f}", "survey clusters vs planted attitudes"),
    ProseFigure("0.05", lambda: clustering.null_comparison(shape_gallery(**OTHER_DRAW)["no groups"][0],
                                                           kmeans_silhouette(3), N_PERMUTATIONS).p_value, "{:.2f}",
                "p-value of the other draw's noise"),
    # 6. pictures
    ProseFigure("52%", lambda: pca_variance.shared()[:2].sum(), "{:.0%}", "variance in two principal components"),
    # 7. the lab
    ProseFigure("18", lambda: _profile_of_pair("orders", 0), "{:.0f}", "orders of the first look-alike"),
    ProseFigure("19", lambda: _profile_of_pair("orders", 1), "{:.0f}", "orders of the second look-alike"),
    ProseFigure("55.80", lambda: _profile_of_pair("avg_basket", 0), "{:.2f}", "basket of the first look-alike"),
    ProseFigure("54.91", lambda: _profile_of_pair("avg_basket", 1), "{:.2f}", "basket of the second look-alike"),
    ProseFigure("9", lambda: _profile_of_pair("recency_days", 0), "{:.0f}", "recency of the first look-alike"),
    ProseFigure("8", lambda: _profile_of_pair("recency_days", 1), "{:.0f}", "recency of the second look-alike"),
    ProseFigure("0.23", lambda: _profile_of_pair("discount_share", 0), "{:.2f}", "discount share, first look-alike"),
    ProseFigure("0.23", lambda: _profile_of_pair("discount_share", 1), "{:.2f}", "discount share, second look-alike"),
    ProseFigure("0.29", lambda: lab_pair_silhouettes.shared().loc[pair.shared()[0], pair.shared()[1]], "{:.2f}",
                "the look-alike pair's silhouette"),
    ProseFigure("0.99", lambda: stability(X.shared()[np.isin(lab_labels.shared(), pair.shared())], 2), "{:.2f}",
                "stability of the pair's split"),
    ProseFigure("98%", lambda: lab_explanation.shared().fidelity, "{:.0%}", "fidelity of the pair's tree"),
    ProseFigure("0.85", lambda: _pair_channel(0), "{:.2f}", "median channel score, first look-alike"),
    ProseFigure("0.14", lambda: _pair_channel(1), "{:.2f}", "median channel score, second look-alike"),
    ProseFigure("0.291", lambda: _option("K-Means as it is", "silhouette"), "{:.3f}", "silhouette before merging"),
    ProseFigure("0.273", lambda: _option("merge the pair", "silhouette"), "{:.3f}", "silhouette after merging"),
    ProseFigure("0.95", lambda: _option("merge the pair", "ARI, pair as one"), "{:.2f}",
                "merged ARI with the pair as one"),
    ProseFigure("0.93", lambda: _option("channel-preference score", "ARI with truth"), "{:.2f}",
                "ARI with the channel score"),
    ProseFigure("0.93", lambda: _option("K-Means as it is", "ARI with truth"), "{:.2f}", "ARI of K-Means as it is"),
    ProseFigure("1.00", lambda: _option("channel-preference score", "pair told apart by one rule"), "{:.2f}",
                "one rule on the channel score"),
    ProseFigure("0.95", lambda: _option("K-Means as it is", "pair told apart by one rule"), "{:.2f}",
                "one rule on the counts"),
    ProseFigure("0.96", lambda: _option("Gaussian mixture", "ARI with truth"), "{:.2f}", "Gaussian mixture's ARI"),
]
