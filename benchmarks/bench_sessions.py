"""Benchmark for sessionize. Run with `make bench`; prints, never asserts.

sessionize on 1,000,000 events against a per-user Python loop (target: under 1 s).
"""

import time

import numpy as np
import pandas as pd

from course_utils.sessions import sessionize


def events(n=1_000_000, users=20_000, seed=0):
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "user_id": rng.integers(0, users, n),
        "timestamp": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 28 * 86400, n), unit="s"),
    })


def loop_baseline(df, gap=pd.Timedelta("30min")):
    """What one writes first: for each user, walk their sorted events."""
    out = np.empty(len(df), dtype="int64")
    times = df["timestamp"].to_numpy()
    session, limit = -1, np.timedelta64(gap.value, "ns")
    for _, positions in sorted(df.groupby("user_id").indices.items()):
        positions = positions[np.argsort(times[positions], kind="stable")]
        last = None
        for p in positions.tolist():
            t = times[p]
            if last is None or t - last > limit:
                session += 1
            out[p] = session
            last = t
    return out


def main():
    df = events()
    start = time.perf_counter()
    ours = sessionize(df)["session_id"].to_numpy()
    fast = time.perf_counter() - start
    start = time.perf_counter()
    theirs = loop_baseline(df)
    slow = time.perf_counter() - start
    print(f"sessionize, 1,000,000 events, 20,000 users: {fast:.3f} s  (target < 1 s)")
    print(f"per-user Python loop:                        {slow:.3f} s")
    same = np.array_equal(ours, theirs)
    print(f"ratio loop / sessionize:                     {slow / fast:.1f}x; same sessions: {same}")


if __name__ == "__main__":
    main()
