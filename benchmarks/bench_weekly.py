"""Benchmark: the weekly update against a full refit, and the dashboard.

Run with `make bench`; prints, never asserts. Targets: the incremental update at
least 10x faster than a full refit of the same week (scaling kept, K-Means with
10 restarts on the last three weeks, the way the model was first fitted); the
dashboard built in under 5 s.
"""

import copy
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from course_utils import dashboard, dynamic
from course_utils.lessons import nb05
from course_utils.store import SegmentStore


def main():
    start = time.perf_counter()
    weekly = nb05.weekly()
    print(f"weekly features and query vectors, 12 weeks: {time.perf_counter() - start:.2f} s")
    segmenter = nb05.fitted_segmenter()
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
            labels = segmenter.update(X)
            t0 = time.perf_counter()
            nb05.full_refit(week)
            refit = time.perf_counter() - t0
            updates.append(min(trial_times))
            refits.append(refit)
            ratios.append(refit / min(trial_times))
            personas = dynamic.assign_personas(segmenter.centroids())
            store.write_week(week, pd.DataFrame({"user_id": X.index, "segment": labels,
                                                 "persona": personas[labels].to_numpy()}),
                             segmenter.centroids(), personas, {"size_psi": 0.0})
        t0 = time.perf_counter()
        path = dashboard.build_dashboard(store, Path(store_dir) / "dashboard.html")
        dash = time.perf_counter() - t0
    print(f"incremental update (one Mini-Batch step + predict), median, weeks 4-12: {np.median(updates) * 1000:.1f} ms")
    print(f"full refit (K-Means, 10 restarts, last 3 weeks), median:          {np.median(refits) * 1000:.1f} ms")
    print(f"ratio refit / update: median {np.median(ratios):.0f}x, lowest {min(ratios):.0f}x  (target >= 10x)")
    print(f"dashboard, 9 weeks, {path.stat().st_size / 1e6:.1f} MB: {dash:.2f} s  (target < 5 s)")


if __name__ == "__main__":
    main()
