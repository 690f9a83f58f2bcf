"""The clickstreams notebook 03's pipeline is held to, and how it is scored.

Shared by ``tests/test_clickstream_robustness.py`` (which asserts the worst case)
and ``tools/clickstream_study.py`` (which compares candidate settings and writes
the summary the notebook quotes).

* :func:`grid`: the course generator with its knobs, 5 seeds x 2 catalogue sizes
  (250 and 2,000 pages) x 2 overlap levels (the shipped segments, and
  :data:`~course_utils.data.clickstream.OVERLAPPING_SEGMENTS`), 2,000 readers each;
* :func:`extremes`: the other knobs at the ends of their range (casual share 5% and
  30%, few sessions per reader, many hub views);
* :func:`heldout`: the independent generator of ``tests/heldout_clickstream.py``.

The score is the ARI over **all interested readers** (casual readers left out,
noise counted as one more label): leaving a reader with an interest unplaced
costs as much as placing them wrong.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score

from course_utils import clustering, embeddings
from course_utils.data.clickstream import OVERLAPPING_SEGMENTS, SEGMENTS, make_clickstream
from tests.heldout_clickstream import heldout_clickstream

SEEDS = (101, 102, 103, 104, 105)
SIZES = (250, 2000)
OVERLAP = {"shipped segments": SEGMENTS, "overlapping segments": OVERLAPPING_SEGMENTS}
N_READERS = 2000
#: The old notebook's pipeline: HDBSCAN on every reader, nobody placed afterwards.
OLD = {"min_cluster_size": 25, "min_samples": 25, "reduce": "pca", "n_components": 10}
#: The UMAP variant: UMAP to 5 dimensions instead of PCA, HDBSCAN on every reader.
UMAP = {"reduce": "umap", "n_components": 5}


def _course(seed, n_pages, segments, **knobs):
    return lambda: make_clickstream(seed, N_READERS, 0, n_pages=n_pages, segments=segments, **knobs)[:2]


def grid() -> list:
    """``(name, make)`` for every clickstream of the grid; ``make()`` returns ``(events, truth)``."""
    return [(f"{overlap}, {n_pages} pages, seed {seed}", _course(seed, n_pages, segments))
            for overlap, segments in OVERLAP.items() for n_pages in SIZES for seed in SEEDS]


def extremes() -> list:
    """The remaining knobs at the ends of the ranges the course studies, on overlapping segments."""
    knobs = [("5% casual", {"casual_share": 0.05}), ("30% casual", {"casual_share": 0.30}),
             ("few sessions", {"visits_median": 3.0}), ("many hub views", {"hub_share": 1.3})]
    return [(f"{name}, overlapping, {n_pages} pages", _course(SEEDS[0], n_pages, OVERLAPPING_SEGMENTS, **k))
            for name, k in knobs for n_pages in SIZES]


def heldout(seeds=(0, 1), sizes=(250, 1500), n_readers: int = 2500) -> list:
    """Clickstreams of the independent generator."""
    return [(f"independent, {n_pages} pages, seed {seed}",
             lambda seed=seed, n_pages=n_pages: heldout_clickstream(seed, n_readers, n_pages)[:2])
            for seed in seeds for n_pages in sizes]


def score(labels: pd.Series, truth: pd.Series) -> dict:
    """ARI over all interested readers (noise one more label), and the shares placed."""
    t = truth.reindex(labels.index).astype(object).to_numpy()
    lab = labels.to_numpy()
    interested, placed = t != "casual", lab >= 0
    return {"ari": float(adjusted_rand_score(t[interested], lab[interested])),
            "interested placed": float(placed[interested].mean()),
            "casual placed": float(placed[~interested].mean()) if (~interested).any() else float("nan"),
            "clusters": int(len(set(lab[placed].tolist())))}


def old_pipeline(U: pd.DataFrame, users, **change) -> pd.Series:
    """The old notebook's clustering of the user vectors (every user of ``users``; -1 without a vector)."""
    labels = clustering.ReducedHDBSCAN(**{**OLD, **change}).fit(U).labels_
    return pd.Series(labels, index=U.index).reindex(users, fill_value=-1)


def run(datasets, candidates: dict) -> pd.DataFrame:
    """Score every candidate on every ``(name, make)`` dataset: one row per (dataset, candidate).

    ``candidates`` maps a name to ``"old"`` or to settings of ``segment_clickstream``;
    the user vectors are computed once per dataset.
    """
    rows = []
    for name, make in datasets:
        events, truth = make()
        U, evidence = embeddings._clickstream_user_vectors(events, "user_id", "timestamp", "page", "30min", 0)
        for cand, settings in candidates.items():
            if settings == "old":
                labels = old_pipeline(U, evidence.index)
            else:
                labels = embeddings._segment_users(U, evidence, **settings)[0]
            rows.append({"dataset": name, "candidate": cand, **score(labels, truth)})
    return pd.DataFrame(rows)


def summary(results: pd.DataFrame) -> pd.DataFrame:
    """Worst and median ARI, and median shares placed, per candidate."""
    g = results.groupby("candidate", sort=False)
    return pd.DataFrame({"worst ARI": g["ari"].min(), "median ARI": g["ari"].median(),
                         "interested placed": g["interested placed"].median(),
                         "casual placed": g["casual placed"].median()})


def worst(results: pd.DataFrame, candidate: str) -> tuple:
    """``(ARI, dataset)`` of a candidate's worst case."""
    r = results[results["candidate"] == candidate]
    i = int(np.argmin(r["ari"].to_numpy()))
    return float(r["ari"].iloc[i]), str(r["dataset"].iloc[i])
