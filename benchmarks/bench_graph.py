"""Benchmark for graph.random_walks. Run with `make bench`; prints, never asserts.

Node2Vec walks (p = 0.5, q = 2) on a random graph of 10,000 nodes and 100,000 weighted
edges, 10 walks of 40 nodes from every node (target: under 10 s), against a plain Python
loop that takes one step at a time (timed on a sample of walks, per step).
"""

import random
import time

import networkx as nx
import numpy as np

from course_utils.graph import random_walks

P, Q = 0.5, 2.0


def make_graph(n=10_000, m=100_000, seed=0):
    G = nx.gnm_random_graph(n, m, seed=seed)
    rng = np.random.default_rng(seed)
    for (u, v), w in zip(G.edges(), rng.integers(1, 10, G.number_of_edges()).tolist()):
        G[u][v]["weight"] = w
    return G


def loop_walk(G, start, length, p, q, rng):
    """What one writes first: at each step, weigh every neighbour by the definition, then draw."""
    walk = [start]
    while len(walk) < length:
        cur = walk[-1]
        neighbours = list(G[cur])
        if not neighbours:
            break
        if len(walk) == 1:
            weights = [G[cur][x].get("weight", 1.0) for x in neighbours]
        else:
            prev = walk[-2]
            weights = [G[cur][x].get("weight", 1.0) * (1 / p if x == prev else 1.0 if G.has_edge(prev, x) else 1 / q)
                       for x in neighbours]
        walk.append(rng.choices(neighbours, weights=weights)[0])
    return walk


def main():
    G = make_graph()
    t0 = time.perf_counter()
    walks = random_walks(G, walk_length=40, walks_per_node=10, p=P, q=Q, random_state=0)
    fast = time.perf_counter() - t0
    steps = sum(len(w) - 1 for w in walks)
    rng = random.Random(0)
    sample = list(G.nodes())[:2000]
    t0 = time.perf_counter()
    loop_steps = sum(len(loop_walk(G, s, 40, P, Q, rng)) - 1 for s in sample)
    slow = time.perf_counter() - t0
    per_step_fast, per_step_loop = fast / steps, slow / loop_steps
    print(f"random_walks: {len(walks):,} walks, {steps:,} steps on {G.number_of_nodes():,} nodes / "
          f"{G.number_of_edges():,} edges in {fast:.2f} s (target: under 10 s)")
    print(f"plain Python loop: {per_step_loop * 1e6:.1f} us per step (timed on {len(sample):,} walks); "
          f"the whole job would take about {per_step_loop * steps:.0f} s")
    print(f"ratio: vectorized walks are {per_step_loop / per_step_fast:.0f}x faster per step")


if __name__ == "__main__":
    main()
