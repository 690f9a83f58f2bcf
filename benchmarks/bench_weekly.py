"""Benchmark: the weekly update against a full refit, and the dashboard (issue 5).

Run with `make bench`; prints, never asserts. Targets: the incremental update at
least 10x faster than a full refit of the same week (scaling kept, K-Means with
10 restarts on the last three weeks, the way the model was first fitted); the
dashboard built in under 5 s.
"""

import copy
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans

from course_utils import data, dynamic, embeddings, features, monitoring, synthetic
from course_utils.store import SegmentStore

FIRST = synthetic.STREAM_FIRST_DAY
GENRES = [g for g in synthetic.STREAM_GENRES if g != synthetic.STREAM_NEW_GENRE[0]]
DEVICES = ["tv", "mobile", "tablet", "web"]


def main():
    watch, search = data.load("streaming_watch"), data.load("streaming_search")
    search = search.assign(week=features.week_number(search["timestamp"], FIRST))
    start = time.perf_counter()
    embedder = embeddings.QueryEmbedder(n_components=8).fit(search.loc[search["week"] <= 3, "query"])
    weekly = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for week in range(1, 13):
            f = features.weekly_features(watch, week, FIRST, GENRES, DEVICES, window=2)
            recent = search[search["week"].between(week - 1, week)]
            weekly[week] = f.join(embedder.user_vectors(recent, users=f.index))
    print(f"weekly features, 12 weeks, {len(watch):,} views: {time.perf_counter() - start:.2f} s")

    segmenter = dynamic.WeeklySegmenter(n_segments=5, n_init=10).fit(pd.concat([weekly[w] for w in (1, 2, 3)]))
    ratios, updates, refits = [], [], []
    store_dir = tempfile.mkdtemp()
    with SegmentStore(Path(store_dir) / "bench.duckdb") as store:
        for week in range(4, 13):
            X = weekly[week]
            trial_times = []
            for _ in range(3):
                trial = copy.deepcopy(segmenter)
                t0 = time.perf_counter()
                trial.update(X)
                trial_times.append(time.perf_counter() - t0)
            before = copy.deepcopy(segmenter)
            labels = segmenter.update(X)
            recent = pd.concat([weekly[w] for w in (week - 2, week - 1, week)])
            t0 = time.perf_counter()
            KMeans(n_clusters=5, n_init=10, random_state=0).fit(before._matrix(recent))
            refit = time.perf_counter() - t0
            updates.append(min(trial_times))
            refits.append(refit)
            ratios.append(refit / min(trial_times))
            personas = dynamic.assign_personas(segmenter.centroids())
            store.write_week(week, pd.DataFrame({"user_id": X.index, "segment": labels,
                                                 "persona": personas[labels].to_numpy()}),
                             segmenter.centroids(), personas, {"size_psi": 0.0})
        t0 = time.perf_counter()
        path = monitoring.build_dashboard(store, Path(store_dir) / "dashboard.html")
        dash = time.perf_counter() - t0
    print(f"incremental update (partial_fit + predict), median over weeks 4-12: {np.median(updates) * 1000:.1f} ms")
    print(f"full refit (K-Means, 10 restarts, last 3 weeks), median:          {np.median(refits) * 1000:.1f} ms")
    print(f"ratio refit / update: median {np.median(ratios):.0f}x, lowest {min(ratios):.0f}x  (target >= 10x)")
    print(f"dashboard, 9 weeks, {path.stat().st_size / 1e6:.1f} MB: {dash:.2f} s  (target < 5 s)")


if __name__ == "__main__":
    main()
