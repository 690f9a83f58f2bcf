"""Benchmark: events to user embeddings on the shipped clickstream.

Run with `make bench`; prints, never asserts. Target: the whole path under 20 s on
2 cores. Baselines: user vectors from a per-user Python loop, and Word2Vec with two
worker threads (faster, but not reproducible run to run).
"""

import time

import numpy as np
import pandas as pd

from course_utils import data, embeddings, sessions


def loop_user_vectors(events, wv, idf):
    """What one writes first: for each user, average the weighted vectors of their pages."""
    out = {}
    for user, pages in events.groupby("user_id")["page"]:
        vecs = [wv[p] * idf[p] for p in pages if p in wv]
        weights = [idf[p] for p in pages if p in wv]
        out[user] = np.sum(vecs, axis=0) / np.sum(weights)
    return pd.DataFrame.from_dict(out, orient="index").sort_index()


def main():
    steps = {}
    t0 = start = time.perf_counter()
    raw = data.load("clickstream")
    steps["load"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    events = raw.drop_duplicates().dropna(subset=["page"])
    views = events.groupby("user_id").size()
    events = events[~events["user_id"].isin(views.index[views > 1000])]
    events = sessions.sessionize(events, gap="30min")
    sequences = sessions.session_sequences(events, min_length=2)
    steps["clean + sessionize + sequences"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    wv = embeddings.train_item2vec(sequences, vector_size=32, window=5, epochs=5, seed=0, workers=1)
    steps["Word2Vec, 1 worker"] = train_1 = time.perf_counter() - t0

    t0 = time.perf_counter()
    U = embeddings.user_embeddings(events, wv, weighting="tfidf")
    steps["user embeddings (tfidf)"] = fast = time.perf_counter() - t0
    total = time.perf_counter() - start

    for name, seconds in steps.items():
        print(f"{name:<34}{seconds:7.2f} s")
    words = sum(map(len, sequences)) * 5
    print(f"{'events to user embeddings':<34}{total:7.2f} s  (target < 20 s; {len(raw):,} events, "
          f"{len(U):,} users, {words / train_1 / 1e6:.2f} M words/s)")

    t0 = time.perf_counter()
    embeddings.train_item2vec(sequences, vector_size=32, window=5, epochs=5, seed=0, workers=2)
    train_2 = time.perf_counter() - t0
    print(f"Word2Vec, 2 workers: {train_2:.2f} s, {train_1 / train_2:.1f}x faster than 1 worker, "
          "but not reproducible run to run")

    t0 = time.perf_counter()
    slow = loop_user_vectors(events, wv, embeddings.idf_weights(events))
    loop = time.perf_counter() - t0
    same = np.allclose(slow.to_numpy(), U.to_numpy())
    print(f"user embeddings, per-user loop: {loop:.2f} s; ratio loop / user_embeddings: {loop / fast:.1f}x; "
          f"same vectors: {same}")


if __name__ == "__main__":
    main()
