"""Choose notebook 03's default pipeline by its worst case over generated clickstreams.

    .venv/bin/python tools/clickstream_study.py [--cache DIR] [--write]

Runs every candidate setting of ``embeddings.segment_clickstream`` (and the old
notebook's pipeline) over the grid of ``tests/robustness_grid.py`` (5 seeds x 2
catalogue sizes x 2 overlap levels), the knobs at the ends of their range, and the
independent generator, and prints worst and median ARI over all interested readers
with the shares placed. ``--write`` stores the grid's summary for the old and the new
defaults in ``course_utils/lessons/nb03_robustness.csv``, which notebook 03 quotes and
``tests/test_clickstream_robustness.py`` recomputes. ``--cache DIR`` keeps the user
vectors of each clickstream between runs (minutes the first time).
"""

from __future__ import annotations

import argparse
import pickle
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from course_utils import embeddings  # noqa: E402
from tests import robustness_grid as rg  # noqa: E402

NEW = {}  # segment_clickstream's defaults
ONE = {"settings": [{"n_components": 10, "min_samples": 10}, {"n_components": 10, "min_samples": 10}]}
CANDIDATES = {
    "old notebook (HDBSCAN on all, no placement)": "old",
    "new defaults": NEW,
    "one setting (PCA 10, min_samples 10)": ONE,
    "UMAP(5) + HDBSCAN on all, no placement": "umap",
    "fit on everyone": {"fit_share": 1.0},
    "fit on the top 30%": {"fit_share": 0.3},
    "no placement": {"place": False},
    "place everyone (agreement 0)": {"agreement": 0.0},
    "agreement 0.9": {"agreement": 0.9},
    "min_cluster_share 1%": {"min_cluster_share": 0.01},
    "min_cluster_share 4%": {"min_cluster_share": 0.04},
    "n_neighbors 5": {"n_neighbors": 5},
    "n_neighbors 30": {"n_neighbors": 30},
    "min_sessions 2, min_items 3": {"min_sessions": 2, "min_items": 3},
    "min_sessions 3, min_items 5": {"min_sessions": 3, "min_items": 5},
}
SUMMARY = ROOT / "course_utils" / "lessons" / "nb03_robustness.csv"


def vectors(datasets, cache):
    """``(name, (U, evidence), truth)`` for each ``(name, make)``, kept on disk when ``cache`` is given."""
    for name, make in datasets:
        path = cache / (name.replace(" ", "_").replace(",", "") + ".pkl") if cache else None
        if path and path.exists():
            U, evidence, truth = pickle.loads(path.read_bytes())
        else:
            events, truth = make()
            U, evidence = embeddings._clickstream_user_vectors(events, "user_id", "timestamp", "page", "30min", 0)
            if path:
                path.write_bytes(pickle.dumps((U, evidence, truth)))
        yield name, (U, evidence), truth


def run_cached(datasets, candidates):
    rows = []
    for name, (U, evidence), truth in datasets:
        for cand, settings in candidates.items():
            if settings == "old":
                labels = rg.old_pipeline(U, evidence.index)
            elif settings == "umap":
                labels = rg.old_pipeline(U, evidence.index, **rg.UMAP)
            else:
                labels = embeddings._segment_users(U, evidence, **settings)[0]
            rows.append({"dataset": name, "candidate": cand, **rg.score(labels, truth)})
    return pd.DataFrame(rows)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cache", type=Path, help="folder that keeps the user vectors between runs")
    parser.add_argument("--write", action="store_true", help="write the grid summary the notebook quotes")
    args = parser.parse_args(argv)
    if args.cache:
        args.cache.mkdir(parents=True, exist_ok=True)
    pd.set_option("display.width", 160)
    pd.set_option("display.max_colwidth", 60)
    t0 = time.perf_counter()
    parts = {"grid": rg.grid(), "knob extremes": rg.extremes(), "independent generator": rg.heldout(seeds=(0, 1, 2, 3))}
    results = {}
    for part, datasets in parts.items():
        results[part] = run_cached(vectors(datasets, args.cache), CANDIDATES)
        print(f"\n== {part} ({results[part]['dataset'].nunique()} clickstreams; "
              f"{time.perf_counter() - t0:.0f} s so far)")
        print(rg.summary(results[part]).round(3).to_string())
    for cand in [c for c, s in CANDIDATES.items() if s in ("old", "umap") or c == "new defaults"]:
        for part, res in results.items():
            ari, where = rg.worst(res, cand)
            print(f"worst case of {cand!r} on the {part}: {ari:.3f} ({where})")
    if args.write:
        keep = {"old notebook (HDBSCAN on all, no placement)": "old defaults", "new defaults": "new defaults",
                "UMAP(5) + HDBSCAN on all, no placement": "UMAP variant"}
        tables = []
        for part in ("grid", "independent generator", "knob extremes"):
            table = rg.summary(results[part]).loc[list(keep)].rename(index=keep)
            tables.append(table.assign(clickstreams=part, n=results[part]["dataset"].nunique()))
        out = pd.concat(tables).rename_axis("pipeline").reset_index()
        out[["clickstreams", "n", "pipeline", "worst ARI", "median ARI", "interested placed", "casual placed"]].round(
            3).to_csv(SUMMARY, index=False)
        print(f"written: {SUMMARY.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
