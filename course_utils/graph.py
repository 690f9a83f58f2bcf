"""Random walks on graphs and Node2Vec embeddings.

* :func:`random_walks`: Node2Vec's second-order random walks on a networkx
  graph, with the return parameter ``p`` and the in-out parameter ``q``; edge
  weights are honoured. Vectorized with NumPy: every walk takes its next step
  at once.
* :func:`node2vec`: those walks fed to skip-gram Word2Vec
  (:func:`course_utils.embeddings.train_item2vec`); one vector per node.
* :func:`co_occurrence_graph`: a weighted graph of items bought (or viewed)
  together, from a table of baskets.

The walk from ``t`` (where it came from) through ``v`` (where it is) picks the
next node ``x`` among ``v``'s neighbours with probability proportional to
``w(v, x) * alpha(t, x)``::

    alpha = 1/p   if x == t              (step back)
    alpha = 1     if x is a neighbour of t  (stay near t)
    alpha = 1/q   otherwise               (move away)

A small ``p`` makes walks return often; a small ``q`` sends them outward (depth
first, like a DFS) and a large ``q`` keeps them close to where they started
(breadth first, like a BFS). ``p = q = 1`` is a plain weighted random walk
(DeepWalk).

>>> walks = random_walks(G, walk_length=40, walks_per_node=10, p=1, q=0.5)   # doctest: +SKIP
>>> wv = node2vec(G, dimensions=32, p=1, q=0.5)                              # doctest: +SKIP
>>> wv.most_similar("P0042")                                                 # doctest: +SKIP
"""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd

from course_utils.validation import require_columns, require_ids, whole_number

__all__ = ["co_occurrence_graph", "node2vec", "random_walks"]


def _check_graph(graph):
    import networkx as nx

    if not isinstance(graph, nx.Graph):
        raise TypeError(
            f"graph must be a networkx Graph or DiGraph, got {type(graph).__name__}; build one with "
            "networkx.Graph() and add_edge(u, v, weight=...)"
        )
    if graph.is_multigraph():
        raise TypeError(
            f"graph is a {type(graph).__name__}: parallel edges are ambiguous for a walk. Merge them first, for "
            "example into nx.Graph with summed weights"
        )
    if graph.number_of_nodes() == 0:
        raise ValueError("graph has no nodes")


def _positive(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a positive number such as 1.0 or 0.5, got {value!r}")
    return float(value)


def _rng(random_state) -> np.random.Generator:
    if isinstance(random_state, np.random.Generator):
        return random_state
    return np.random.default_rng(whole_number(random_state, "random_state", minimum=0))


def _csr(graph, weight):
    """Nodes, and the graph as CSR arrays with sorted neighbour lists: ``(names, indptr, indices, weights)``."""
    nodes = sorted(graph.nodes(), key=str)  # the same graph gives the same walks, whatever order it was built in
    names = [str(n) for n in nodes]
    if len(set(names)) < len(names):
        seen, dup = set(), None
        for n, s in zip(nodes, names):
            if s in seen:
                dup = n
                break
            seen.add(s)
        raise ValueError(
            f"two nodes have the same text label {str(dup)!r} (for example 1 and '1'); walks name nodes by text, "
            "so relabel them first"
        )
    position = {n: i for i, n in enumerate(nodes)}
    src, dst, w = [], [], []
    directed = graph.is_directed()
    for u, v, attrs in graph.edges(data=True):
        value = attrs.get(weight, 1.0) if weight is not None else 1.0
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value) or value <= 0:
            raise ValueError(
                f"edge ({u!r}, {v!r}) has {weight}={value!r}; weights must be positive numbers (drop the edge "
                "instead of giving it weight 0)"
            )
        i, j = position[u], position[v]
        src.append(i)
        dst.append(j)
        w.append(float(value))
        if not directed and i != j:
            src.append(j)
            dst.append(i)
            w.append(float(value))
    src = np.asarray(src, dtype=np.int64)
    dst = np.asarray(dst, dtype=np.int64)
    w = np.asarray(w, dtype=float)
    order = np.lexsort((dst, src))
    src, dst, w = src[order], dst[order], w[order]
    indptr = np.zeros(len(nodes) + 1, dtype=np.int64)
    np.add.at(indptr, src + 1, 1)
    np.cumsum(indptr, out=indptr)
    return np.asarray(names, dtype=object), indptr, dst, w


def random_walks(graph, walk_length: int = 40, walks_per_node: int = 10, p: float = 1.0, q: float = 1.0,
                 random_state=0, weight: str | None = "weight") -> list:
    """Node2Vec random walks: ``walks_per_node`` walks of ``walk_length`` nodes from every node.

    Parameters
    ----------
    graph : networkx.Graph or networkx.DiGraph
        Undirected edges are walked both ways; a directed graph is walked along
        its out-edges (and a walk stops at a node with none). Multigraphs are
        refused.
    walk_length : int
        Nodes per walk, the start node included.
    walks_per_node : int
        Walks started from every node. Each round visits the nodes in a new
        random order.
    p, q : float
        Return and in-out parameters (see the module docstring); both positive.
    random_state : int or numpy.random.Generator
        The same seed gives the same walks.
    weight : str or None
        The edge attribute holding the weight (a missing attribute counts as
        1). ``None`` ignores weights.

    Returns
    -------
    list of list of str
        One list per walk, the nodes as text (``str(node)``). An isolated node
        gives walks of one node.

    Notes
    -----
    Each step is sampled exactly from the second-order distribution by
    rejection: a neighbour is proposed in proportion to its edge weight and
    accepted with probability ``alpha(t, x) / max(1/p, 1, 1/q)``. All walks step
    together, so the cost is a few NumPy operations per step, not a Python loop
    per walk.
    """
    _check_graph(graph)
    walk_length = whole_number(walk_length, "walk_length", maximum=10_000)
    walks_per_node = whole_number(walks_per_node, "walks_per_node", maximum=10_000)
    p = _positive(p, "p")
    q = _positive(q, "q")
    rng = _rng(random_state)
    if weight is not None and not isinstance(weight, str):
        raise TypeError(f"weight must be the name of an edge attribute (a str) or None, got {weight!r}")
    names, indptr, indices, w = _csr(graph, weight)
    codes = _walk_codes(len(names), indptr, indices, w, walk_length, walks_per_node, p, q, rng)
    return [names[row[row >= 0]].tolist() for row in codes]


def _walk_codes(n, indptr, indices, w, walk_length, walks_per_node, p, q, rng) -> np.ndarray:
    """The walks as node positions, shape (n * walks_per_node, walk_length), -1 after a walk stops."""
    degree = np.diff(indptr)
    starts = np.concatenate([rng.permutation(n) for _ in range(walks_per_node)])
    walks = np.full((len(starts), walk_length), -1, dtype=np.int64)
    walks[:, 0] = starts
    if walk_length == 1 or len(indices) == 0:
        return walks
    uniform = bool(np.all(w == w[0]))
    cumw = np.cumsum(w)
    running = np.concatenate([[0.0], cumw])
    before = running[indptr[:-1]]  # weight of all edges before each node's own
    total = running[indptr[1:]] - before
    keys = indices + _rows_of(indptr) * n  # sorted: rows ascending, neighbours sorted within a row
    a_back, a_out = 1.0 / p, 1.0 / q
    a_max = max(a_back, 1.0, a_out)
    first_order = a_back == 1.0 and a_out == 1.0

    def propose(cur):
        """A neighbour of each ``cur`` in proportion to edge weight (edge positions)."""
        u = rng.random(len(cur))
        if uniform:
            return indptr[cur] + np.minimum((u * degree[cur]).astype(np.int64), degree[cur] - 1)
        pos = np.searchsorted(cumw, before[cur] + u * total[cur], side="right")
        return np.clip(pos, indptr[cur], indptr[cur + 1] - 1)

    # first step: first order (there is no previous node yet)
    cur = walks[:, 0]
    alive = degree[cur] > 0
    walks[alive, 1] = indices[propose(cur[alive])]
    for step in range(2, walk_length):
        alive = walks[:, step - 1] >= 0
        rows = np.flatnonzero(alive)
        cur = walks[rows, step - 1]
        rows, cur = rows[degree[cur] > 0], cur[degree[cur] > 0]  # a directed walk stops at a sink
        prev = walks[rows, step - 2]
        chosen = np.full(len(rows), -1, dtype=np.int64)
        pending = np.arange(len(rows))
        while len(pending):  # rejection rounds: most steps are accepted in the first one or two
            x = indices[propose(cur[pending])]
            t = prev[pending]
            alpha = np.full(len(pending), a_out)
            k = t * n + x
            found = np.searchsorted(keys, k)
            found = np.minimum(found, len(keys) - 1)
            alpha[keys[found] == k] = 1.0
            alpha[x == t] = a_back
            # p = q = 1 is the first-order walk: every proposal is accepted (and no draw is spent on it)
            accept = np.ones(len(pending), bool) if first_order else rng.random(len(pending)) * a_max < alpha
            chosen[pending[accept]] = x[accept]
            pending = pending[~accept]
        walks[rows, step] = chosen
    return walks


def _rows_of(indptr) -> np.ndarray:
    """The row of every entry of a CSR structure."""
    return np.repeat(np.arange(len(indptr) - 1, dtype=np.int64), np.diff(indptr))


def node2vec(graph, dimensions: int = 32, walk_length: int = 40, walks_per_node: int = 10, p: float = 1.0,
             q: float = 1.0, window: int = 5, epochs: int = 5, negative: int = 10, random_state: int = 0,
             weight: str | None = "weight", workers: int = 1):
    """Node2Vec: skip-gram Word2Vec trained on :func:`random_walks`; one vector per node.

    Parameters
    ----------
    graph : networkx.Graph or networkx.DiGraph
    dimensions : int
        Length of each node's vector.
    walk_length, walks_per_node, p, q, weight
        As in :func:`random_walks`.
    window, epochs, negative
        As in :func:`course_utils.embeddings.train_item2vec`: ``window`` nodes
        on each side of a node in a walk count as its context.
    random_state : int
        Seeds the walks and Word2Vec; with ``workers=1`` the same seed gives the
        same vectors.

    Returns
    -------
    gensim.models.KeyedVectors
        Keyed by ``str(node)``. A node with no edge has no vector (its walks
        have no context to learn from).
    """
    from course_utils.embeddings import train_item2vec

    seed = whole_number(random_state, "random_state", minimum=0)
    dimensions = whole_number(dimensions, "dimensions")  # named as the caller knows it, not as Word2Vec's vector_size
    window, epochs, negative = (whole_number(v, n) for v, n in ((window, "window"), (epochs, "epochs"),
                                                                  (negative, "negative")))
    walks = random_walks(graph, walk_length=walk_length, walks_per_node=walks_per_node, p=p, q=q,
                         random_state=seed, weight=weight)
    if not any(len(walk) >= 2 for walk in walks):
        raise ValueError("graph has no edge: there is nothing for Node2Vec to learn; add edges first")
    return train_item2vec(walks, vector_size=dimensions, window=window, epochs=epochs, negative=negative,
                          min_count=1, seed=seed, workers=workers)


def co_occurrence_graph(baskets: pd.DataFrame, basket_col: str = "order_id", item_col: str = "product_id",
                        min_weight: int = 1):
    """Items as nodes, an edge between two items bought in the same basket, weighted by how many baskets.

    Parameters
    ----------
    baskets : DataFrame
        One row per item in a basket (an order line); a repeated item counts once per basket.
        Every row needs a basket id; a row without an item (a lost product id) is left out.
    min_weight : int
        Keep only edges seen in at least this many baskets. Items with no edge
        left stay in the graph as isolated nodes.

    Returns
    -------
    networkx.Graph
        Nodes are the item ids (as text); edge attribute ``weight``.
    """
    import networkx as nx

    require_columns(baskets, [basket_col, item_col], what="baskets")
    min_weight = whole_number(min_weight, "min_weight")
    require_ids(baskets[basket_col], basket_col, what="order lines", fix="drop them or give them their basket")
    require_ids(baskets[item_col].dropna(), item_col, what="order lines")  # 17 and "17" would become one node
    pairs = baskets[[basket_col, item_col]].dropna().drop_duplicates()
    if len(pairs) == 0:
        raise ValueError(f"baskets has no row with both a {basket_col!r} and an {item_col!r}")
    pairs = pd.DataFrame({"b": pairs[basket_col].to_numpy(), "i": pairs[item_col].astype(str).to_numpy()})
    both = pairs.merge(pairs, on="b")
    both = both[both["i_x"] < both["i_y"]]
    weights = both.groupby(["i_x", "i_y"]).size()
    weights = weights[weights >= min_weight]
    graph = nx.Graph()
    graph.add_nodes_from(sorted(pairs["i"].unique()))
    graph.add_weighted_edges_from((u, v, int(c)) for (u, v), c in weights.items())
    return graph
