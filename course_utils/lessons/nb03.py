"""Notebook 03's reference pipeline: clean the log, drop the bots, cut sessions, train
item2vec, embed the users, find the segments with HDBSCAN on the readers with the most
evidence, place the others by their neighbours, place new users; and the comparisons the
notebook draws (baselines, attribution, robustness).

Every ``@reference`` function computes once per kernel and hands out a copy
(models included), so changing what you got never changes the reference;
``f.shared()`` is the cached original, for read-only use.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.metrics import adjusted_rand_score
from sklearn.preprocessing import normalize

from course_utils import clustering, data, embeddings, sessions
from course_utils.course.declare import reference
from course_utils.course.figures import ProseFigure
from course_utils.data.clickstream import OVERLAPPING_SEGMENTS, make_clickstream

#: The settings of the notebook's reference pipeline.
BOT_THRESHOLD = 1000  # events in six weeks; the busiest human has a few hundred
GAP = "30min"
W2V = {"vector_size": 32, "window": 5, "epochs": 5, "seed": 0}
SMALL_SESSIONS = 1000
#: The old notebook's clustering: HDBSCAN on every reader (the first attempt, and a baseline).
SEGMENTER = {"min_cluster_size": 25, "min_samples": 25, "reduce": "pca", "n_components": 10}
#: The pipeline's settings: those of embeddings.segment_clickstream (its defaults).
MIN_ITEMS = 2  # distinct pages a reader needs before being placed (one visit is enough)
FIT_SHARE = 0.5  # HDBSCAN sees the half of the readers with the most distinct pages
MIN_CLUSTER_SHARE = 0.02
SETTINGS = embeddings.SEGMENT_SETTINGS
N_NEIGHBORS = 15
AGREEMENT = 0.7
N_KEPT = 6  # principal components whose kept variance q7 asks for
N_NEW_USERS = 500
QUALITY_BAR = 0.8  # ARI on clustered users (q8)
ROBUSTNESS_BAR = 0.85  # ARI over all interested readers, noise one more label
#: The two generated clickstreams of the attribution table: a short and a long catalogue.
VARIANTS = {"short catalogue (250 pages)": 250, "long catalogue (2,000 pages)": 2000}
VARIANT_SEED, VARIANT_READERS = 7, 1500
#: The UMAP recipe of the attribution table: the unit-length vectors to 5 dimensions with UMAP (the
#: settings of the study's UMAP variant, tests/robustness_grid.py, with the 200 rounds of the pictures),
#: then the old HDBSCAN (SEGMENTER's min_cluster_size and min_samples) on every reader; once per seed.
UMAP_SETTINGS = {"n_components": 5, "n_neighbors": 30, "min_dist": 0.0, "n_epochs": 200}
UMAP_SEEDS = (0, 1, 2)
ROBUSTNESS_FILE = Path(__file__).with_name("nb03_robustness.csv")


# -- the log --------------------------------------------------------------------------
@reference
def raw() -> pd.DataFrame:
    """The shipped page-view log, as loaded."""
    return data.load("clickstream")


@reference
def pages() -> pd.DataFrame:
    """The page catalogue, indexed by page: section and title."""
    return data.load("clickstream_pages").set_index("page")


@reference
def sections() -> pd.Series:
    """page -> section (hub pages have section 'hub')."""
    return pages.shared()["section"]


@reference
def articles() -> list:
    """The page ids of the articles (every page but the hubs)."""
    s = sections.shared()
    return s.index[s != "hub"].tolist()


@reference
def clean() -> pd.DataFrame:
    """The log without exact repeated rows and without rows missing a page."""
    return raw.shared().drop_duplicates().dropna(subset=["page"])


@reference
def views_per_user() -> pd.Series:
    """Events per user in the clean log, bots included."""
    return clean.shared().groupby("user_id").size()


@reference
def bots() -> list:
    """The user ids with more events than any person makes, sorted."""
    views = views_per_user.shared()
    return sorted(views.index[views > BOT_THRESHOLD])


@reference
def humans() -> pd.DataFrame:
    """The clean events without the bots."""
    c = clean.shared()
    return c[~c["user_id"].isin(bots.shared())]


# -- sessions -------------------------------------------------------------------------
def gaps_of(events: pd.DataFrame) -> pd.Series:
    """Seconds since the same user's previous event, sorted by user then time."""
    ordered = events.sort_values(["user_id", "timestamp"], kind="stable")
    return ordered.groupby("user_id")["timestamp"].diff().dt.total_seconds()


@reference
def gaps() -> pd.Series:
    """The gaps of the humans' events (indexed like them, sorted by user then time)."""
    return gaps_of(humans.shared())


@reference
def sessionized() -> pd.DataFrame:
    """The humans' events with a session_id, cut at an inactivity of ``GAP``."""
    return sessions.sessionize(humans.shared(), "user_id", "timestamp", gap=GAP)


@reference
def sequences() -> list:
    """The pages of every session of two views or more, in time order."""
    return sessions.session_sequences(sessionized.shared(), "page", min_length=2)


def sample_sessions(seqs, n: int = SMALL_SESSIONS, seed: int = 0) -> list:
    """``n`` sessions drawn at random (without replacement), as the notebook does."""
    picks = np.random.default_rng(seed).choice(len(seqs), size=n, replace=False)
    return [list(seqs[i]) for i in picks]


# -- embeddings -----------------------------------------------------------------------
@reference
def vectors():
    """Page vectors (gensim KeyedVectors) from every session."""
    return embeddings.train_item2vec(sequences.shared(), **W2V)


@reference
def small_vectors():
    """Page vectors from ``SMALL_SESSIONS`` sessions drawn at random."""
    return embeddings.train_item2vec(sample_sessions(sequences.shared()), **W2V)


@reference
def purity_variants() -> dict:
    """Section purity of the small model: right, and as the usual slips compute it."""
    wv, s, arts = small_vectors.shared(), sections.shared(), articles.shared()
    return {
        "right": embeddings.neighbour_purity(wv, s, k=10, items=arts),
        "hubs": embeddings.neighbour_purity(wv, s, k=10),
        "k5": embeddings.neighbour_purity(wv, s, k=5, items=arts),
        "self": (1 + 9 * embeddings.neighbour_purity(wv, s, k=9, items=arts)) / 10,
    }


@reference
def idf() -> pd.Series:
    """The smoothed idf weight of every page the humans viewed."""
    return embeddings.idf_weights(sessionized.shared(), "user_id", "page")


@reference
def user_vectors() -> pd.DataFrame:
    """One tf-idf weighted vector per user."""
    return embeddings.user_embeddings(sessionized.shared(), vectors.shared(), "user_id", "page", weighting="tfidf")


# -- reductions -----------------------------------------------------------------------
@reference
def pca_variance() -> np.ndarray:
    """Share of the variance of the unit-length user vectors along each principal component."""
    return PCA(random_state=0).fit(normalize(user_vectors.shared().to_numpy())).explained_variance_ratio_


def variance_kept(n: int, unit: bool = True) -> float:
    """Share of the variance the first ``n`` components keep (of the raw vectors when ``unit=False``)."""
    X = user_vectors.shared().to_numpy()
    ratios = pca_variance.shared() if unit else PCA(random_state=0).fit(X).explained_variance_ratio_
    return float(np.cumsum(ratios)[n - 1])


# -- evidence and the segments --------------------------------------------------------
@reference
def evidence() -> pd.DataFrame:
    """Per user: views, sessions, distinct pages (``items``) and reading focus."""
    ev = sessionized.shared()
    g = ev.groupby("user_id", sort=True)
    out = pd.DataFrame({"views": g.size(), "sessions": g["session_id"].nunique(), "items": g["page"].nunique()})
    out["focus"] = embeddings.reading_focus(ev, vectors.shared(), "user_id", "page").reindex(out.index)
    return out


@reference
def pipeline() -> tuple:
    """``(labels, details, segmenter, settings table)`` of the pipeline on the shipped readers."""
    return embeddings._segment_users(user_vectors.shared(), evidence.shared(), random_state=0, min_sessions=1,
                                     min_items=MIN_ITEMS, fit_share=FIT_SHARE, min_cluster_share=MIN_CLUSTER_SHARE,
                                     n_neighbors=N_NEIGHBORS, agreement=AGREEMENT, settings=SETTINGS)


@reference
def fit_users() -> pd.Index:
    """The readers HDBSCAN sees: enough evidence, and at least the median number of distinct pages."""
    details = pipeline.shared()[1]
    return details.index[details["fitted"]]


@reference
def segmenter() -> clustering.ReducedHDBSCAN:
    """The consensus ReducedHDBSCAN, fitted on the readers of ``fit_users``."""
    return pipeline.shared()[2]


@reference
def settings_table() -> pd.DataFrame:
    """The settings HDBSCAN was fitted under, with their clusters and agreement, best first."""
    return pipeline.shared()[3]


@reference
def first_try() -> clustering.ReducedHDBSCAN:
    """One ReducedHDBSCAN (PCA 10, min_samples 10) on the fitted readers: what q8 asks for."""
    return clustering.ReducedHDBSCAN(min_cluster_size=core_size(), min_samples=10, reduce="pca",
                                     n_components=10).fit(user_vectors.shared().loc[fit_users.shared()])


def core_size() -> int:
    """min_cluster_size of the pipeline: MIN_CLUSTER_SHARE of the fitted readers."""
    return max(5, int(round(MIN_CLUSTER_SHARE * len(fit_users.shared()))))


@reference
def labels() -> np.ndarray:
    """The pipeline's segment of every user (-1 not placed), in the order of the user vectors."""
    return pipeline.shared()[0].reindex(user_vectors.shared().index).to_numpy()


@reference
def old_segmenter_all() -> clustering.ReducedHDBSCAN:
    """The old notebook's clustering: ReducedHDBSCAN(25, 25, PCA 10) on every reader."""
    return clustering.ReducedHDBSCAN(**SEGMENTER).fit(user_vectors.shared())


@reference
def segments() -> pd.Series:
    """The planted segment of every user of the log, bots included, indexed by user id."""
    return data.load("clickstream_truth").set_index("user_id")["segment"]


@reference
def truth() -> pd.Series:
    """The planted segment of every user in the user vectors (same order)."""
    return segments.shared().reindex(user_vectors.shared().index)


def quality(labels, truth_labels) -> dict:
    """How labels recover the planted segments.

    ``ari_interested``: ARI over every reader with an interest (casual readers left
    out, -1 one more label), the measure the course holds pipelines to;
    ``ari_clustered``: ARI on the readers placed (casual included); and the shares placed.
    """
    labels = np.asarray(labels)
    t = np.asarray(truth_labels, dtype=object)
    c = labels >= 0
    interested = t != "casual"
    return {
        "ari_interested": float(adjusted_rand_score(t[interested], labels[interested])),
        "ari_clustered": float(adjusted_rand_score(t[c], labels[c])) if c.sum() > 1 else float("nan"),
        "ari_all": float(adjusted_rand_score(t, labels)),
        "share_clustered": float(c.mean()),
        "non_casual_clustered": float(c[interested].mean()),
        "casual_clustered": float(c[~interested].mean()) if (~interested).any() else float("nan"),
        "n_clusters": int(len(set(labels[c].tolist()))),
    }


# -- casual readers ---------------------------------------------------------------------
def interest_clusters(labels, truth_labels) -> set:
    """The clusters most of whose members have an interest (not casual)."""
    frame = pd.DataFrame({"c": np.asarray(labels), "casual": np.asarray(truth_labels, dtype=object) == "casual"})
    share = frame[frame["c"] >= 0].groupby("c")["casual"].mean()
    return set(share.index[share < 0.5].tolist())


ACTIVITY_BINS = [0, 4, 8, 16, 10_000]
ACTIVITY_LABELS = ["1-4", "5-8", "9-16", "17+"]


@reference
def placed_by_activity() -> pd.DataFrame:
    """Share of readers placed, by sessions, for interested and casual readers (the latter also into an interest)."""
    t = truth.shared().to_numpy(dtype=object)
    lab = labels.shared()
    ev = evidence.shared().reindex(user_vectors.shared().index)
    frame = pd.DataFrame({"sessions": pd.cut(ev["sessions"].to_numpy(), ACTIVITY_BINS, labels=ACTIVITY_LABELS),
                          "casual": t == "casual", "placed": lab >= 0,
                          "in an interest": np.isin(lab, list(interest_clusters(lab, t)))})
    g = frame.groupby(["sessions", "casual"], observed=True)
    out = pd.DataFrame({"readers": g.size(), "placed": g["placed"].mean(),
                        "in an interest": g["in an interest"].mean()})
    out = out.unstack("casual")
    out.columns = [f"{'casual' if c else 'interested'}: {what}" for what, c in out.columns]
    return out[["interested: readers", "interested: placed", "casual: readers", "casual: placed",
                "casual: in an interest"]]


@reference
def agreement_table() -> pd.DataFrame:
    """What the agreement a placement needs changes: quality for several values."""
    details = pipeline.shared()[1]
    U = user_vectors.shared()
    rest = details.index[(details["how"] != "core") & (details["how"] != "little evidence")]
    rows = []
    for agreement in (0.0, 0.5, AGREEMENT, 0.9):
        lab = pipeline.shared()[0].copy()
        lab[rest] = clustering.place_by_neighbours(segmenter.shared(), U.loc[rest], N_NEIGHBORS, agreement)[0]
        q = quality(lab.reindex(U.index).to_numpy(), truth.shared())
        rows.append({"agreement": agreement, "ARI, interested readers": q["ari_interested"],
                     "interested placed": q["non_casual_clustered"], "casual placed": q["casual_clustered"]})
    return pd.DataFrame(rows).set_index("agreement")


@reference
def one_call() -> pd.Series:
    """``segment_clickstream`` on the readers' log (bots removed)."""
    return embeddings.segment_clickstream(humans.shared())


# -- profiles -----------------------------------------------------------------------------
def section_profile(events: pd.DataFrame, labels: pd.Series, page_sections: pd.Series) -> pd.DataFrame:
    """Share of each segment's article views in each section (hub pages left out).

    ``labels`` maps user -> segment; ``page_sections`` page -> section. Rows are the
    segments (index named ``segment``), columns the sections (named ``section``).
    """
    section = page_sections.reindex(events["page"]).to_numpy(dtype=object)
    segment = labels.reindex(events["user_id"]).to_numpy()
    keep = pd.notna(section) & (section != "hub") & pd.notna(segment)
    return pd.crosstab(pd.Series(segment[keep].astype(int), name="segment"),
                       pd.Series(section[keep], name="section"), normalize="index")


# -- baselines and attribution ----------------------------------------------------------
def bag_of_pages(events: pd.DataFrame, users) -> pd.DataFrame:
    """Each reader's tf-idf page counts, scaled to unit length (rows: ``users``)."""
    counts = events.groupby(["user_id", "page"]).size().unstack(fill_value=0).reindex(users, fill_value=0)
    return pd.DataFrame(normalize(TfidfTransformer().fit_transform(counts.to_numpy())).toarray(), index=counts.index)


def umap_hdbscan(X: pd.DataFrame, seeds=UMAP_SEEDS) -> dict:
    """UMAP (``UMAP_SETTINGS``) then HDBSCAN on every row of ``X``: ``{seed: labels}``, one run per UMAP seed.

    The 30 nearest neighbours are found exactly, once for all seeds (UMAP does the same
    below 4,096 rows; above, it switches to an approximate search that compiles for most
    of a minute first). Only UMAP's layout depends on the seed.
    """
    import warnings

    import umap
    from sklearn.neighbors import NearestNeighbors

    Z = normalize(X.to_numpy())
    dist, idx = NearestNeighbors(n_neighbors=UMAP_SETTINGS["n_neighbors"]).fit(Z).kneighbors(Z)
    out = {}
    for seed in seeds:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="n_jobs value")  # a seed makes UMAP use one thread: wanted
            warnings.filterwarnings("ignore", message="precomputed_knn")  # no transform needed
            layout = umap.UMAP(**UMAP_SETTINGS, random_state=seed, precomputed_knn=(idx, dist, None)).fit(Z)
        out[seed] = clustering.ReducedHDBSCAN(min_cluster_size=SEGMENTER["min_cluster_size"],
                                              min_samples=SEGMENTER["min_samples"], reduce=None,
                                              normalize=False).fit(layout.embedding_).labels_
    return out


#: The columns of the attribution table, in order.
ALGORITHMS = ["K-Means", "HDBSCAN", "UMAP + HDBSCAN", "HDBSCAN + placing"]


def attribution_table(events: pd.DataFrame, truth_labels: pd.Series, vectors_and_evidence=None,
                      embedding_pipeline=None) -> tuple:
    """ARI over the interested readers for bag of pages / embeddings x the algorithms of ``ALGORITHMS``.

    ``events`` is a clean log (no repeats, no robots). K-Means gets as many clusters as
    the pipeline on embeddings finds. HDBSCAN is the old notebook's (every reader, no
    placing); "UMAP + HDBSCAN" is ``umap_hdbscan``, run on the embeddings only (NaN for the
    bag of pages), its median over ``UMAP_SEEDS``; "HDBSCAN + placing" is the pipeline of
    segment_clickstream on either representation. ``vectors_and_evidence``: the ``(user
    vectors, evidence)`` of ``events`` when already computed (what segment_clickstream
    would compute); ``embedding_pipeline``: what ``embeddings._segment_users`` returns for
    them, when already computed.

    Returns ``(table, umap_by_seed, pipeline_labels)``: the table, the UMAP recipe's score
    for each seed, and the labels of "HDBSCAN + placing" for each representation.
    """
    if vectors_and_evidence is None:
        vectors_and_evidence = embeddings._clickstream_user_vectors(events, "user_id", "timestamp", "page", GAP, 0)
    U, ev = vectors_and_evidence
    reps = {"bag of pages": bag_of_pages(events.dropna(subset=["page"]).drop_duplicates(), U.index),
            "embeddings": U}
    if embedding_pipeline is None:
        embedding_pipeline = embeddings._segment_users(U, ev)
    new = {"bag of pages": embeddings._segment_users(reps["bag of pages"], ev)[0], "embeddings": embedding_pipeline[0]}
    k = int(new["embeddings"].max() + 1)
    t = truth_labels.reindex(ev.index)
    rows = {}
    for rep, X in reps.items():
        found = {"K-Means": KMeans(k, n_init=3, random_state=0).fit_predict(normalize(X.to_numpy())),
                 "HDBSCAN": clustering.ReducedHDBSCAN(**SEGMENTER).fit(X).labels_,
                 "HDBSCAN + placing": new[rep].reindex(X.index).to_numpy()}
        rows[rep] = {alg: quality(pd.Series(lab, index=X.index).reindex(ev.index, fill_value=-1).to_numpy(),
                                  t)["ari_interested"] for alg, lab in found.items()}
    by_seed = pd.Series({seed: quality(pd.Series(lab, index=U.index).reindex(ev.index, fill_value=-1).to_numpy(),
                                       t)["ari_interested"] for seed, lab in umap_hdbscan(U).items()},
                        name="UMAP + HDBSCAN").rename_axis("UMAP seed")
    rows["embeddings"]["UMAP + HDBSCAN"] = float(by_seed.median())
    return pd.DataFrame(rows).T[ALGORITHMS], by_seed, new


@reference
def variant(n_pages: int) -> tuple:
    """``(events, truth)`` of a generated clickstream: overlapping segments, ``n_pages`` pages."""
    events, truth_labels, _ = make_clickstream(VARIANT_SEED, VARIANT_READERS, 0, n_pages=n_pages,
                                               segments=OVERLAPPING_SEGMENTS)
    return events.dropna(subset=["page"]).drop_duplicates(), truth_labels


@reference
def variant_vectors(n_pages: int) -> tuple:
    """``(user vectors, evidence)`` of ``variant(n_pages)``: what segment_clickstream computes from it."""
    return embeddings._clickstream_user_vectors(variant.shared(n_pages)[0], "user_id", "timestamp", "page", GAP, 0)


@reference
def variant_pipeline(n_pages: int) -> tuple:
    """segment_clickstream's pipeline on ``variant(n_pages)``: ``(labels, details, segmenter, settings table)``."""
    return embeddings._segment_users(*variant_vectors.shared(n_pages))


SHIPPED = "shipped (298 pages)"


@reference
def attribution_of(clickstream: str) -> tuple:
    """``attribution_table`` of one clickstream (``SHIPPED`` or a name of ``VARIANTS``)."""
    if clickstream == SHIPPED:
        shipped = (user_vectors.shared(), evidence.shared())  # what segment_clickstream computes from the log
        return attribution_table(humans.shared(), segments.shared(), shipped, pipeline.shared())
    n_pages = VARIANTS[clickstream]
    return attribution_table(*variant.shared(n_pages), variant_vectors.shared(n_pages),
                             variant_pipeline.shared(n_pages))


#: Where notebook 03 shows the consensus at work: the generated clickstream, and the single setting
#: it is compared with (q8's first try, the setting the consensus keeps on the shipped data).
CONSENSUS_EXAMPLE = "short catalogue (250 pages)"
ONE_SETTING = {"n_components": 10, "min_samples": 10}


@reference
def consensus_example() -> tuple:
    """``(settings table, ARI with the consensus, ARI with ONE_SETTING alone)`` on ``CONSENSUS_EXAMPLE``.

    The ARI is over the interested readers, after placing, as in the attribution table.
    """
    n_pages = VARIANTS[CONSENSUS_EXAMPLE]
    U, ev = variant_vectors.shared(n_pages)
    t = variant.shared(n_pages)[1].reindex(ev.index)
    labels_, _, _, table = variant_pipeline.shared(n_pages)
    alone = embeddings._segment_users(U, ev, settings=[ONE_SETTING, ONE_SETTING])[0]
    return (table, quality(labels_.reindex(ev.index).to_numpy(), t)["ari_interested"],
            quality(alone.reindex(ev.index).to_numpy(), t)["ari_interested"])


def _clickstreams(progress: bool):
    """The clickstreams of the attribution table, in order, behind a progress bar when asked."""
    if not isinstance(progress, bool):
        raise TypeError(f"progress must be True or False, got {progress!r}")
    import sys

    from tqdm import tqdm  # a text bar, to stdout: Jupyter shows stderr in a red box

    return tqdm([SHIPPED, *VARIANTS], desc="attribution, one clickstream at a time", unit="clickstream",
                disable=not progress, leave=False, file=sys.stdout)


def attribution(progress: bool = False) -> pd.DataFrame:
    """The attribution table on the shipped data and the two variants (rows: data, representation).

    Each clickstream's part is computed once per kernel (``attribution_of``); you get a
    copy. ``progress=True`` shows a progress bar (tqdm), one step per clickstream (ten
    seconds or so each); the numbers are the same either way.
    """
    tables = {}
    for name in (bar := _clickstreams(progress)):
        bar.set_postfix_str(name)
        tables[name] = attribution_of.shared(name)[0]
    return pd.concat(tables, names=["clickstream", "representation"])


def clusters_holding(segment: str, clickstream: str = SHIPPED, share: float = 0.1) -> pd.Series:
    """Per representation: how many clusters of "HDBSCAN + placing" each hold ``share`` or more of a planted segment."""
    n_pages = VARIANTS.get(clickstream)
    t = segments.shared() if n_pages is None else variant.shared(n_pages)[1]
    out = {}
    for rep, lab in attribution_of.shared(clickstream)[2].items():
        members = lab[t.reindex(lab.index).to_numpy() == segment]
        counts = members[members >= 0].value_counts()
        out[rep] = int((counts >= share * len(members)).sum())
    return pd.Series(out, name=f"clusters holding {share:.0%} or more of the {segment} readers")


def umap_by_seed() -> pd.DataFrame:
    """The UMAP recipe's ARI over the interested readers for each UMAP seed (rows: clickstreams)."""
    return pd.DataFrame({name: attribution_of.shared(name)[1] for name in [SHIPPED, *VARIANTS]}).T


@reference
def robustness() -> pd.DataFrame:
    """The study's summary (tools/clickstream_study.py): old and new defaults and the UMAP variant."""
    return pd.read_csv(ROBUSTNESS_FILE).set_index(["clickstreams", "pipeline"])


# -- new users ------------------------------------------------------------------------
def new_user_split(users, n: int = N_NEW_USERS, seed: int = 1) -> tuple:
    """``(old, new)`` user ids: ``n`` users drawn at random play the newcomers."""
    users = pd.Index(users)
    new = users[np.sort(np.random.default_rng(seed).choice(len(users), size=n, replace=False))]
    return users.difference(new, sort=False), new


def fit_users_of(users) -> pd.Index:
    """The readers among ``users`` HDBSCAN would see (the pipeline's evidence rule)."""
    ev = evidence.shared().loc[users]
    enough = ev["items"] >= MIN_ITEMS
    return ev.index[enough & (ev["items"] >= ev.loc[enough, "items"].quantile(1 - FIT_SHARE))]


@reference
def old_segmenter() -> clustering.ReducedHDBSCAN:
    """The consensus segmenter fitted without the new users."""
    old, _ = new_user_split(user_vectors.shared().index)
    fit = fit_users_of(old)
    return clustering.consensus_hdbscan(user_vectors.shared().loc[fit], SETTINGS, reduce="pca",
                                        min_cluster_size=max(5, int(round(MIN_CLUSTER_SHARE * len(fit)))))[0]


@reference
def new_user_vectors() -> pd.DataFrame:
    """The new users' vectors, weighted with the old users' idf, in the order of the split."""
    old, new = new_user_split(user_vectors.shared().index)
    ev = sessionized.shared()
    idf_old = embeddings.idf_weights(ev[ev["user_id"].isin(old)], "user_id", "page")
    vecs = embeddings.user_embeddings(ev[ev["user_id"].isin(new)], vectors.shared(), "user_id", "page",
                                      weighting="tfidf", idf=idf_old)
    return vecs.loc[new]


@reference
def new_user_labels() -> np.ndarray:
    """The new users' segments from the old segmenter, placed by their neighbours, without refitting."""
    return clustering.place_by_neighbours(old_segmenter.shared(), new_user_vectors.shared(), N_NEIGHBORS,
                                          AGREEMENT)[0]


# -- numbers the notebook's prose quotes -------------------------------------------------
def _study(clickstreams: str, pipeline: str, column: str) -> float:
    return float(robustness.shared().loc[(clickstreams, pipeline), column])


def _cell(clickstream: str, algorithm: str) -> float:
    """A cell of the attribution table, on the embeddings."""
    return float(attribution_of.shared(clickstream)[0].loc["embeddings", algorithm])


def _seeds(clickstream: str):
    return attribution_of.shared(clickstream)[1]


SHORT, LONG = list(VARIANTS)


PROSE_FIGURES = [
    ProseFigure("296", lambda: len(articles.shared()), "{}", "articles in the catalogue"),
    ProseFigure("2%", lambda: SMALL_SESSIONS / len(sequences.shared()), "{:.0%}", "share of sessions in the sample"),
    ProseFigure("92%", lambda: variance_kept(6), "{:.0%}", "variance six components keep"),
    ProseFigure("99%", lambda: variance_kept(10), "{:.0%}", "variance ten components keep"),
    ProseFigure("0.748", lambda: _study("grid", "old defaults", "worst ARI"), "{:.3f}", "old defaults, grid worst"),
    ProseFigure("0.871", lambda: _study("grid", "old defaults", "median ARI"), "{:.3f}", "old defaults, grid median"),
    ProseFigure("0.564", lambda: _study("independent generator", "old defaults", "worst ARI"), "{:.3f}",
                "old defaults, independent worst"),
    ProseFigure("0.618", lambda: _study("independent generator", "old defaults", "median ARI"), "{:.3f}",
                "old defaults, independent median"),
    ProseFigure("0.938", lambda: _study("grid", "new defaults", "worst ARI"), "{:.3f}", "new defaults, grid worst"),
    ProseFigure("0.965", lambda: _study("grid", "new defaults", "median ARI"), "{:.3f}", "new defaults, grid median"),
    ProseFigure("0.857", lambda: _study("independent generator", "new defaults", "worst ARI"), "{:.3f}",
                "new defaults, independent worst"),
    ProseFigure("0.876", lambda: _study("independent generator", "new defaults", "median ARI"), "{:.3f}",
                "new defaults, independent median"),
    ProseFigure("99%", lambda: _study("grid", "new defaults", "interested placed"), "{:.0%}",
                "new defaults, grid, interested placed"),
    ProseFigure("98%", lambda: _study("independent generator", "new defaults", "interested placed"), "{:.0%}",
                "new defaults, independent, interested placed"),
    ProseFigure("0.738", lambda: _study("grid", "UMAP variant", "worst ARI"), "{:.3f}", "UMAP variant, grid worst"),
    ProseFigure("0.758", lambda: _study("knob extremes", "new defaults", "worst ARI"), "{:.3f}",
                "new defaults, knob extremes worst"),
    ProseFigure("81%", lambda: _study("independent generator", "new defaults", "casual placed"), "{:.0%}",
                "new defaults, independent, casual placed"),
    ProseFigure("36", lambda: int(robustness.shared().xs("new defaults", level="pipeline")["n"].sum()), "{}",
                "clickstreams of the study"),
    # section 9: the settings on the shipped data
    ProseFigure("28%", lambda: settings_table.shared()["noise share"].min(), "{:.0%}", "least noise of a setting"),
    ProseFigure("36%", lambda: settings_table.shared()["noise share"].max(), "{:.0%}", "most noise of a setting"),
    ProseFigure("0.710", lambda: settings_table.shared()["agreement"].min(), "{:.3f}", "lowest agreement"),
    ProseFigure("0.772", lambda: settings_table.shared()["agreement"].max(), "{:.3f}", "highest agreement"),
    # section 14: the attribution table (embeddings rows) and the UMAP seeds
    ProseFigure("0.976", lambda: _cell(SHIPPED, "UMAP + HDBSCAN"), "{:.3f}", "UMAP + HDBSCAN, shipped"),
    ProseFigure("0.978", lambda: _cell(SHIPPED, "HDBSCAN + placing"), "{:.3f}", "pipeline, shipped"),
    ProseFigure("0.885", lambda: _cell(SHORT, "UMAP + HDBSCAN"), "{:.3f}", "UMAP + HDBSCAN, short catalogue"),
    ProseFigure("0.953", lambda: _cell(SHORT, "HDBSCAN + placing"), "{:.3f}", "pipeline, short catalogue"),
    ProseFigure("0.808", lambda: _cell(LONG, "UMAP + HDBSCAN"), "{:.3f}", "UMAP + HDBSCAN, long catalogue"),
    ProseFigure("0.951", lambda: _cell(LONG, "HDBSCAN + placing"), "{:.3f}", "pipeline, long catalogue"),
    ProseFigure("0.738", lambda: _seeds(LONG).min(), "{:.3f}", "UMAP + HDBSCAN, long catalogue, worst seed"),
    ProseFigure("0.953", lambda: _seeds(LONG).max(), "{:.3f}", "UMAP + HDBSCAN, long catalogue, best seed"),
    # section 14: the consensus at work
    ProseFigure("0.770", lambda: consensus_example.shared()[2], "{:.3f}", "short catalogue, one setting alone"),
    ProseFigure("0.953", lambda: consensus_example.shared()[1], "{:.3f}", "short catalogue, consensus"),
]
