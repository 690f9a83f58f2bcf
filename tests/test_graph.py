"""Node2Vec walks: the p/q definition, weights, determinism, bad input; node2vec vectors."""

import collections
import threading

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from course_utils import graph


def small_graph():
    G = nx.Graph()
    G.add_weighted_edges_from([("a", "b", 1), ("b", "c", 2), ("b", "d", 1), ("c", "d", 1), ("d", "e", 3),
                               ("a", "c", 1)])
    return G


def walks_within(seconds, *args, **kwargs):
    """random_walks(...), failing (not hanging) when it does not finish in time: a rejection loop that
    never accepts would spin for ever."""
    box = {}
    worker = threading.Thread(target=lambda: box.setdefault("walks", graph.random_walks(*args, **kwargs)),
                              daemon=True)
    worker.start()
    worker.join(seconds)
    assert "walks" in box, f"random_walks{kwargs} did not finish in {seconds} s: a step that can never be taken?"
    return box["walks"]


def exact_step(G, t, v, p, q):
    """The second-order transition probabilities of Node2Vec, straight from the definition."""
    out = {}
    for x in G[v]:
        alpha = 1 / p if x == t else (1.0 if G.has_edge(t, x) else 1 / q)
        out[x] = G[v][x].get("weight", 1.0) * alpha
    total = sum(out.values())
    return {x: w / total for x, w in out.items()}


# Every region of (p, q): both 1, one factor above 1 and one below, and both factors at most 1 (p, q >= 1,
# where no proposal has a factor above 1: the rejection step must still keep those below it).
@pytest.mark.parametrize("p, q", [(1.0, 1.0), (0.25, 4.0), (4.0, 0.25), (0.5, 2.0), (4.0, 1.0), (1.0, 4.0),
                                  (2.0, 2.0), (0.5, 0.5), (1.0, 0.25), (0.25, 1.0)])
def test_second_order_transition_frequencies_match_the_definition(p, q):
    G = small_graph()
    walks = walks_within(60, G, walk_length=3, walks_per_node=6000, p=p, q=q, random_state=3)
    triples = collections.Counter(tuple(w) for w in walks if len(w) == 3)
    for t, v in [("a", "b"), ("c", "d"), ("e", "d"), ("d", "c"), ("c", "b")]:
        seen = {x: c for (t0, v0, x), c in triples.items() if (t0, v0) == (t, v)}
        n = sum(seen.values())
        assert n > 500
        for x, prob in exact_step(G, t, v, p, q).items():
            se = np.sqrt(prob * (1 - prob) / n)
            assert abs(seen.get(x, 0) / n - prob) < 4.5 * se + 1e-9, (p, q, t, v, x, seen.get(x, 0) / n, prob)
        assert set(seen) <= set(G[v])  # a walk only moves along edges


@pytest.mark.parametrize("p, q", [(2.0, 1.0), (2.0, 2.0), (1.0, 3.0)])
def test_a_walk_whose_every_option_is_discouraged_still_moves(p, q):
    """On a path the middle node's only options go back (1/p) or out (1/q): both below 1, still taken."""
    walks = walks_within(30, nx.path_graph(3), walk_length=3, walks_per_node=4000, p=p, q=q, random_state=0)
    assert all(len(w) == 3 for w in walks)  # from an end the only option is back (1/p < 1): still taken
    back = np.mean([w[2] == "0" for w in walks if w[:2] == ["0", "1"]])
    expected = (1 / p) / (1 / p + 1 / q)
    assert abs(back - expected) < 4.5 * np.sqrt(expected * (1 - expected) / 4000), (back, expected)


def test_first_step_follows_the_weights():
    G = nx.Graph()
    G.add_weighted_edges_from([("hub", "x", 1), ("hub", "y", 3)])
    walks = graph.random_walks(G, walk_length=2, walks_per_node=8000, random_state=0)
    after_hub = collections.Counter(w[1] for w in walks if w[0] == "hub")
    share_y = after_hub["y"] / sum(after_hub.values())
    assert abs(share_y - 0.75) < 4.5 * np.sqrt(0.75 * 0.25 / 8000)
    unweighted = graph.random_walks(G, walk_length=2, walks_per_node=8000, random_state=0, weight=None)
    after = collections.Counter(w[1] for w in unweighted if w[0] == "hub")
    assert abs(after["y"] / sum(after.values()) - 0.5) < 0.03


def test_same_seed_same_walks_other_seed_other_walks():
    G = nx.karate_club_graph()
    a = graph.random_walks(G, walk_length=10, walks_per_node=3, p=0.5, q=2, random_state=7)
    b = graph.random_walks(G, walk_length=10, walks_per_node=3, p=0.5, q=2, random_state=7)
    c = graph.random_walks(G, walk_length=10, walks_per_node=3, p=0.5, q=2, random_state=8)
    assert a == b and a != c
    assert len(a) == 3 * G.number_of_nodes() and all(len(w) == 10 for w in a)
    # every node starts walks_per_node walks, as text
    assert collections.Counter(w[0] for w in a) == {str(n): 3 for n in G.nodes()}


def test_walks_only_use_edges_and_small_q_goes_further():
    G = nx.connected_caveman_graph(8, 6)
    far = graph.random_walks(G, walk_length=30, walks_per_node=10, p=1, q=0.25, random_state=0)
    near = graph.random_walks(G, walk_length=30, walks_per_node=10, p=1, q=4, random_state=0)
    for walk in far[:50] + near[:50]:
        assert all(G.has_edge(int(u), int(v)) for u, v in zip(walk, walk[1:]))

    def caves_visited(walks):
        return np.mean([len({int(n) // 6 for n in w}) for w in walks])

    assert caves_visited(far) > 1.5 * caves_visited(near)


def test_isolated_nodes_and_directed_sinks():
    G = nx.Graph()
    G.add_edge("a", "b")
    G.add_node("lonely")
    walks = graph.random_walks(G, walk_length=5, walks_per_node=2)
    assert [w for w in walks if w[0] == "lonely"] == [["lonely"], ["lonely"]]
    D = nx.DiGraph([("s", "t"), ("t", "u")])
    walks = graph.random_walks(D, walk_length=5, walks_per_node=1)
    assert sorted(walks) == [["s", "t", "u"], ["t", "u"], ["u"]]


@pytest.mark.parametrize("kwargs, error, phrase", [
    ({"p": 0}, ValueError, "p must be a positive number"),
    ({"q": -1.0}, ValueError, "q must be a positive number"),
    ({"q": float("nan")}, ValueError, "q must be"),
    ({"walk_length": 0}, ValueError, "walk_length must be a whole number"),
    ({"walks_per_node": 2.5}, ValueError, "walks_per_node"),
    ({"random_state": -1}, ValueError, "random_state"),
    ({"weight": 3}, TypeError, "weight must be the name"),
])
def test_bad_parameters_are_named(kwargs, error, phrase):
    with pytest.raises(error, match=phrase):
        graph.random_walks(small_graph(), **kwargs)


def test_bad_graphs_are_refused():
    with pytest.raises(TypeError, match="networkx Graph"):
        graph.random_walks({"a": ["b"]})
    with pytest.raises(TypeError, match="MultiGraph"):
        graph.random_walks(nx.MultiGraph([(1, 2), (1, 2)]))
    with pytest.raises(ValueError, match="no nodes"):
        graph.random_walks(nx.Graph())
    bad = nx.Graph()
    bad.add_edge("a", "b", weight=-2)
    with pytest.raises(ValueError, match=r"edge \('a', 'b'\) has weight=-2"):
        graph.random_walks(bad)
    clash = nx.Graph([(1, "1")])
    with pytest.raises(ValueError, match="same text label"):
        graph.random_walks(clash)


def test_node2vec_puts_communities_together():
    G = nx.connected_caveman_graph(6, 8)
    wv = graph.node2vec(G, dimensions=16, walk_length=20, walks_per_node=10, random_state=0)
    assert len(wv) == G.number_of_nodes()
    same = [wv.similarity("0", str(n)) for n in range(1, 8)]
    other = [wv.similarity("0", str(n)) for n in range(24, 48)]
    assert np.mean(same) > np.mean(other) + 0.3
    again = graph.node2vec(G, dimensions=16, walk_length=20, walks_per_node=10, random_state=0)
    assert np.array_equal(wv.vectors, again.vectors)
    with pytest.raises(ValueError, match="no edge"):
        graph.node2vec(nx.empty_graph(3))


def test_co_occurrence_graph_counts_baskets():
    baskets = pd.DataFrame({"order_id": ["o1", "o1", "o1", "o2", "o2", "o3", "o3"],
                            "product_id": ["x", "y", "y", "x", "y", "z", None]})
    G = graph.co_occurrence_graph(baskets)
    assert sorted(G.nodes()) == ["x", "y", "z"]
    assert G["x"]["y"]["weight"] == 2 and G.number_of_edges() == 1
    assert graph.co_occurrence_graph(baskets, min_weight=3).number_of_edges() == 0
    with pytest.raises(ValueError, match="no column 'basket'"):
        graph.co_occurrence_graph(baskets, basket_col="basket")
