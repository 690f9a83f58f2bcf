"""Exercises for notebook 04, graph, text and autoencoder embeddings.

q1 the co-purchase graph                       q6 the feature table, ready for a model
q2 Node2Vec's p/q-biased step (a function)     q7 the bottleneck, by validation error
q3 what p and q changed here (choice)          q8 PCA's validation error at the same width
q4 ARI of the graph clusters (given labels=)   q9 decoded centroids as readable profiles
q5 SIF word weights                            q10 choosing the simpler model (written)
"""

from __future__ import annotations

import re
import textwrap

import networkx as nx
import numpy as np
import pandas as pd
from sklearn.decomposition import PCA
from sklearn.metrics import accuracy_score, adjusted_rand_score, rand_score

from course_utils import graph
from course_utils.course import answers
from course_utils.course.answers import AnswerError
from course_utils.course.checks import Carried, ____  # noqa: F401 (____ re-exported for the notebook)
from course_utils.course.declare import Mistake
from course_utils.course.kinds import (
    ChoiceExercise,
    NumericExercise,
    Option,
    RubricItem,
    ValueExercise,
    WrittenExercise,
)
from course_utils.course.registry import register
from course_utils.lessons import nb04 as lesson


# -- q1 ---------------------------------------------------------------------------------------
def _edges(G) -> pd.Series:
    """Edge weights keyed by the sorted pair of node names."""
    rows = {}
    for u, v, attrs in G.edges(data=True):
        a, b = sorted((str(u), str(v)))
        rows[(a, b)] = float(attrs.get("weight", 1.0))
    return pd.Series(rows, dtype=float)


def _ref_edges() -> pd.Series:
    return _edges(lesson.product_graph.shared())


def _customer_graph():
    """The mistake: products linked when the same *customer* bought both (in any order)."""
    return graph.co_occurrence_graph(lesson.orders.shared(), "customer_id", "product_id")


class CoPurchaseGraph(ValueExercise):
    title = "The co-purchase graph: products linked when bought in the same order, weighted by orders"
    expects = "a networkx Graph with the products as nodes and a 'weight' on every edge"
    hints = [
        "Pair every two products of the same order: merge the orders table with itself on order_id.",
        "Keep each pair once (product_x < product_y: no self-pairs, no reversed duplicates), then count orders "
        "per pair with groupby().size().",
        "pairs = orders.merge(orders, on='order_id'); pairs = pairs[pairs.product_id_x < pairs.product_id_y]; "
        "weights = pairs.groupby(['product_id_x', 'product_id_y']).size(); "
        "G.add_weighted_edges_from((a, b, w) for (a, b), w in weights.items())",
    ]
    solution_code = """
    pairs = orders.merge(orders, on="order_id")
    pairs = pairs[pairs["product_id_x"] < pairs["product_id_y"]]
    weights = pairs.groupby(["product_id_x", "product_id_y"]).size()
    G = nx.Graph()
    G.add_nodes_from(orders["product_id"].unique())
    G.add_weighted_edges_from((a, b, int(w)) for (a, b), w in weights.items())
    """
    mistakes = (
        Mistake("not_a_graph", "That is a table; build a networkx Graph from it (nx.Graph(), add_weighted_edges_from).",
                when=lambda a: isinstance(a, (pd.DataFrame, pd.Series)), raw=True,
                example=lambda: lesson.orders().head()),
        Mistake("self_loops",
                lambda e: ("Your graph links products to themselves: merging orders with itself pairs every product "
                           "with itself. Keep pairs with product_id_x < product_id_y."),
                when=lambda e: any(a == b for a, b in e.index),
                example=lambda: _with_self_loops()),
        Mistake("doubled",
                "Every weight is twice the number of orders: you counted (a, b) and (b, a). Keep one order of each "
                "pair (product_id_x < product_id_y).",
                when=lambda e: len(e) == len(_ref_edges()) and np.allclose(
                    e.reindex(_ref_edges().index).to_numpy(), 2 * _ref_edges().to_numpy()),
                example=lambda: _scaled(2)),
        Mistake("unweighted",
                "Every edge has weight 1: the weight is how many orders hold both products, and the walks follow it. "
                "Count orders per pair (groupby().size()) and pass it as weight.",
                when=lambda e: len(e) == len(_ref_edges()) and bool((e == 1).all()),
                example=lambda: _scaled(0)),
        Mistake("by_customer",
                lambda e: (f"Your graph has {len(e):,} edges, many more than the {len(_ref_edges()):,} pairs bought in "
                           "one order: you paired products bought by the same customer, in any order. A basket says "
                           "'these go together'; a customer's whole history mixes many needs. Pair within order_id."),
                when=lambda e: len(e) > 1.5 * len(_ref_edges()), example=_customer_graph),
    )

    carries = True  # a networkx graph: the kernel sends its edge weights

    def reference(self):
        return lesson.product_graph()

    def convert(self, answer):
        if not isinstance(answer, nx.Graph):
            raise answers.expected(self.expects, answer)
        if answer.is_directed() or answer.is_multigraph():
            raise AnswerError("Use an undirected nx.Graph: 'bought together' has no direction, and one edge per pair.")
        try:
            return _edges(answer)
        except (TypeError, ValueError):
            raise AnswerError("Some edge weights are not numbers; set weight=<number of orders>.") from None

    def accepts(self, e):
        ref = _ref_edges()
        return len(e) == len(ref) and set(e.index) == set(ref.index) and np.allclose(
            e.reindex(ref.index).to_numpy(), ref.to_numpy())

    def explain(self, e):
        ref = _ref_edges()
        missing = len(set(ref.index) - set(e.index))
        extra = len(set(e.index) - set(ref.index))
        if missing or extra:
            return f"Your graph misses {missing:,} of the {len(ref):,} pairs and has {extra:,} pairs too many."
        wrong = int((~np.isclose(e.reindex(ref.index).to_numpy(), ref.to_numpy())).sum())
        return f"The pairs are right but {wrong:,} weights differ from the number of orders holding both products."

    def correct_message(self, answer):
        G = lesson.product_graph.shared()  # the answer has the same edges and weights
        degrees = pd.Series(dict(G.degree()))
        return (f"{G.number_of_nodes()} products, {G.number_of_edges():,} pairs; the median product is "
                f"bought with {int(degrees.median())} others.")


def _scaled(factor):
    G = nx.Graph()
    for (a, b), w in _ref_edges().items():
        G.add_edge(a, b, weight=w * factor if factor else 1)
    return G


def _with_self_loops():
    G = lesson.product_graph()
    first = next(iter(G))
    G.add_edge(first, first, weight=3)
    return G


# -- q2 ---------------------------------------------------------------------------------------
def _toy_graph():
    G = nx.Graph()
    G.add_weighted_edges_from([("a", "b", 1), ("b", "c", 2), ("b", "d", 1), ("c", "d", 1), ("d", "e", 3),
                               ("a", "c", 1), ("b", "e", 0.5)])
    return G


#: (graph, prev, cur, p, q) cases the learner's function is run on.
def _cases():
    G = _toy_graph()
    return [(G, "a", "b", 0.5, 2.0), (G, "c", "d", 2.0, 0.5), (G, "e", "d", 1.0, 1.0), (G, "a", "c", 0.25, 4.0),
            (G, "d", "b", 4.0, 0.25), (G, "b", "d", 2.0, 3.0), (G, "c", "a", 0.5, 0.5)]


def _results(func):
    """The learner's probabilities on every case (dicts), or AnswerError."""
    out = []
    for G, prev, cur, p, q in _cases():
        try:
            got = func(G.copy(), prev, cur, p, q)
        except Exception as exc:
            raise AnswerError(f"Your function raised {type(exc).__name__}: {exc} (called as "
                              f"step_probabilities(G, prev={prev!r}, cur={cur!r}, p={p}, q={q})).") from None
        if isinstance(got, pd.Series):
            got = got.to_dict()
        if not isinstance(got, dict):
            raise AnswerError(f"Your function returned {answers.describe(got)}; return a dict {{neighbour: "
                              "probability}}.")
        try:
            got = {str(k): float(v) for k, v in got.items()}
        except (TypeError, ValueError):
            raise AnswerError("Your function's dict must map each neighbour to a number.") from None
        out.append(got)
    return out


def _variant(kind):
    def step(G, prev, cur, p, q):
        out = {}
        for x in G[cur]:
            w = 1.0 if kind == "unweighted" else G[cur][x].get("weight", 1.0)
            if kind == "swapped":
                a = 1 / q if x == prev else (1.0 if G.has_edge(prev, x) else 1 / p)
            elif kind == "multiplied":
                a = p if x == prev else (1.0 if G.has_edge(prev, x) else q)
            elif kind == "from_cur":
                a = 1 / p if x == prev else 1.0
            else:
                a = 1 / p if x == prev else (1.0 if G.has_edge(prev, x) else 1 / q)
            out[x] = w * a
        total = sum(out.values())
        return out if kind == "unnormalised" else {x: v / total for x, v in out.items()}

    return step


def _is(kind):
    return lambda res: _same(res, _results(_variant(kind)))


def _same(a, b) -> bool:
    return all(set(x) == set(y) and all(abs(x[k] - y[k]) < 1e-6 for k in y) for x, y in zip(a, b))


class BiasedStep(ValueExercise):
    title = "Node2Vec's second-order step: the probability of each next node"
    expects = "a function step_probabilities(G, prev, cur, p, q) returning {neighbour: probability}"
    hints = [
        "Each neighbour x of cur gets weight(cur, x) times a factor that depends on where x is relative to prev.",
        "The factor is 1/p if x is prev (going back), 1 if x is also a neighbour of prev (G.has_edge(prev, x)), "
        "and 1/q otherwise (moving away). Then divide by the total.",
        "See solution().",
    ]
    solution_code = """
    def biased_step(G, prev, cur, p, q):
        weights = {}
        for x in G[cur]:
            if x == prev:
                alpha = 1 / p          # step back
            elif G.has_edge(prev, x):
                alpha = 1.0            # stay near prev
            else:
                alpha = 1 / q          # move away
            weights[x] = G[cur][x].get("weight", 1.0) * alpha
        total = sum(weights.values())
        return {x: w / total for x, w in weights.items()}


    step_probabilities = biased_step
    """
    mistakes = (
        Mistake("unnormalised", "Your numbers do not add up to 1: divide each weight by their total.",
                when=_is("unnormalised"), example=lambda: _variant("unnormalised")),
        Mistake("swapped", "You swapped p and q: p controls going back to prev (1/p), q moving away (1/q).",
                when=_is("swapped"), example=lambda: _variant("swapped")),
        Mistake("multiplied",
                "You multiplied by p and q; Node2Vec divides: going back has factor 1/p, moving away 1/q, so a small "
                "q sends walks outward.", when=_is("multiplied"), example=lambda: _variant("multiplied")),
        Mistake("from_cur",
                "Every non-return step got factor 1: the distance that matters is from prev, not from cur. A "
                "neighbour of cur that is also a neighbour of prev gets 1; one that is not gets 1/q.",
                when=_is("from_cur"), example=lambda: _variant("from_cur")),
        Mistake("unweighted",
                "The edge weights are missing: multiply the factor by G[cur][x]['weight'] (how many orders hold both "
                "products).", when=_is("unweighted"), example=lambda: _variant("unweighted")),
    )

    carries = True  # a function: the kernel runs it on the cases and sends the probabilities

    def reference(self):
        return lesson.step_probabilities

    def convert(self, answer):
        if not callable(answer) or isinstance(answer, type):
            raise answers.expected(self.expects, answer)
        return _results(answer)

    def precheck(self, res):
        for (G, prev, cur, _, _), got in zip(_cases(), res):
            want = {str(x) for x in G[cur]}
            if set(got) != want:
                return (f"From {cur!r} (having come from {prev!r}) the next node can be any neighbour of {cur!r}: "
                        f"{sorted(want)}; your dict has {sorted(got)}.")
        return None

    def accepts(self, res):
        return _same(res, _results(lesson.step_probabilities))

    def explain(self, res):
        (G, prev, cur, p, q), got = _cases()[0], res[0]
        want = lesson.step_probabilities(G, prev, cur, p, q)
        want = {k: round(v, 3) for k, v in want.items()}
        mine = {k: round(v, 3) for k, v in got.items()}
        return f"For prev={prev!r}, cur={cur!r}, p={p}, q={q} the probabilities are {want}; yours are {mine}."

    def correct_message(self, answer):
        return "Right: that is the step the toolkit's random_walks samples, for every walk at once."


# -- q3 ---------------------------------------------------------------------------------------
class WhatPQChanged(ChoiceExercise):
    question = """
    Read the p/q table. A merchandiser wants product vectors in which **best-sellers sit near
    best-sellers and rare items near rare items**, whatever their category (a *role*). Which
    setting does the table support?
    """
    options = {
        "a": Option("q = 4 (with p = 1 or 0.25): walks that stay near where they started (breadth first)",
                    True, "Yes: local walks see a product's immediate surroundings, and a best-seller's "
                          "surroundings look like another best-seller's. Tier purity is highest in the two q = 4 "
                          "rows, while category purity hardly moves."),
        "b": Option("p = 4, q = 0.25: walks that move outward (depth first)", False,
                    "Outward walks wander through the whole community; they blur the role. Tier purity is the "
                    "lowest in the table for that setting."),
        "c": Option("Any: p and q change nothing on this graph", False,
                    "Category purity hardly moves, true; but tier purity moves by about a tenth, and the new "
                    "products' neighbours change a lot. Read every column."),
        "d": Option("q = 0.25, because depth-first walks find structural roles", False,
                    "A common mix-up of the Node2Vec paper: breadth-first (large q) walks relate to structural "
                    "roles, depth-first (small q) ones to communities. And the table shows the opposite of this "
                    "option."),
    }
    hints = ["Look at the 'tier purity' column: which row is highest, which lowest?",
             "Large q keeps walks local (1/q is small for moving away)."]


# -- q4 ---------------------------------------------------------------------------------------
def _truth() -> np.ndarray:
    return lesson.truth.shared().to_numpy()


def _scored(labels=None) -> np.ndarray:
    if labels is None:
        return lesson.graph_labels.shared()
    lab = answers.labels(labels, len(_truth()), "labels in labels=")
    if (lab >= 0).sum() < 2:
        raise AnswerError("The labels you passed (labels=) cluster fewer than two customers; cluster first.")
    return lab


def _ari_all(t, lab):
    return adjusted_rand_score(t, lab)


def _label_agreement(t, lab):
    c = lab >= 0
    return accuracy_score(pd.factorize(t[c])[0], lab[c])


def _rand_clustered(t, lab):
    c = lab >= 0
    return rand_score(t[c], lab[c])


def _matches(score):
    return lambda value, labels=None: abs(value - score(_truth(), _scored(labels))) < 1e-6


class GraphARI(NumericExercise):
    title = "ARI between the graph clusters and the planted segments, on the customers HDBSCAN clustered"
    expects = "one number between -1 and 1"
    hints = ["Noise (-1) is not a segment: leave those customers out, then compare.",
             "clustered = labels_graph >= 0; adjusted_rand_score(truth[clustered], labels_graph[clustered])"]
    solution_code = """
    clustered = labels_graph >= 0
    ari_graph = adjusted_rand_score(truth[clustered], labels_graph[clustered])
    """
    mistakes = (
        Mistake("noise_as_cluster",
                "That ARI counts the noise (-1) as one more cluster. Score the customers HDBSCAN clustered "
                "(labels >= 0), and report the share clustered beside it.",
                when=_matches(_ari_all), example=lambda: _ari_all(_truth(), lesson.graph_labels.shared())),
        Mistake("label_numbers", "That compares label numbers directly; cluster 0 need not be segment 0. Use the ARI.",
                when=_matches(_label_agreement),
                example=lambda: _label_agreement(_truth(), lesson.graph_labels.shared())),
        Mistake("plain_rand", "That is the plain Rand index; use the adjusted one (chance gives 0).",
                when=_matches(_rand_clustered),
                example=lambda: _rand_clustered(_truth(), lesson.graph_labels.shared())),
        Mistake("out_of_range", "An ARI lies between -1 and 1.",
                when=lambda value, labels=None: not -1 <= value <= 1, example=lambda: 1.7),
    )

    def reference(self, labels=None):
        return lesson.clustered_ari(_scored(labels))

    def explain(self, value, labels=None):
        return "That does not match adjusted_rand_score(truth[clustered], labels[clustered]) for your labels."

    def correct_message(self, answer, labels=None):
        lab = _scored(labels)
        return f"ARI {float(answer):.3f} on the {(lab >= 0).mean():.0%} of customers clustered."


# -- q5 ---------------------------------------------------------------------------------------
def _tokens():
    return lesson.review_tokens.shared()


def _counts() -> pd.Series:
    return pd.Series([w for words in _tokens() for w in words]).value_counts()


class SifWeights(ValueExercise):
    title = "Smooth inverse frequency weights: a / (a + p(word)), a = 0.001"
    expects = "a Series of weights indexed by word"
    hints = [
        "p(word) is the word's share of all the words of all reviews: its count divided by the total count.",
        "counts = pd.Series([w for words in review_tokens for w in words]).value_counts(); "
        "p = counts / counts.sum()",
        "sif = 0.001 / (0.001 + p)",
    ]
    solution_code = """
    counts = pd.Series([w for words in review_tokens for w in words]).value_counts()
    sif = 0.001 / (0.001 + counts / counts.sum())
    """
    mistakes = (
        Mistake("raw_counts",
                "You used the raw count, not the share: p(word) = count / total number of words. With counts every "
                "weight is about 0.",
                wrong=lambda: 0.001 / (0.001 + _counts())),
        Mistake("inverse_only",
                "That is 1 / p(word): without the smoothing a, rare words get enormous weights. Use a / (a + p).",
                wrong=lambda: 1 / (_counts() / _counts().sum())),
        Mistake("document_frequency",
                "You counted reviews containing the word (document frequency), not occurrences. SIF uses how often "
                "the word occurs among all words.",
                wrong=lambda: _doc_freq_weights()),
        Mistake("idf", "That is an idf weight; SIF is a / (a + p(word)), between 0 and 1.",
                wrong=lambda: np.log(len(_tokens()) / _doc_freq())),
    )

    def reference(self):
        return lesson.sif()

    def convert(self, answer):
        s = answers.series(answer, self.expects, numeric=True)
        s.index = s.index.astype(str)
        return s

    def precheck(self, s):
        ref = lesson.sif.shared()
        missing = ref.index.difference(s.index)
        if len(missing) > 0 and len(s) < len(ref):
            return (f"Your Series lacks {len(missing)} of the {len(ref)} words (e.g. {missing[0]!r}): weigh every "
                    "word of every review.")
        return None

    def same(self, s, other):
        other = pd.Series(other)
        return set(s.index) == set(other.index) and np.allclose(s.reindex(other.index).to_numpy(dtype=float),
                                                                 other.to_numpy(dtype=float), rtol=1e-6, atol=1e-9)

    def explain(self, s):
        return "The weights differ from 0.001 / (0.001 + count / total) for some words."

    def correct_message(self, answer):
        s = lesson.sif.shared().sort_values()
        return f"'{s.index[0]}' counts {s.iloc[0]:.3f}, '{s.index[-1]}' {s.iloc[-1]:.3f}: frequent words count little."


def _doc_freq() -> pd.Series:
    return pd.Series([w for words in _tokens() for w in set(words)]).value_counts()


def _doc_freq_weights() -> pd.Series:
    df = _doc_freq()
    return 0.001 / (0.001 + df / df.sum())


# -- q6 ---------------------------------------------------------------------------------------
def _features() -> pd.DataFrame:
    return lesson.features.shared()


class PreparedTable(ValueExercise):
    title = "The feature table ready for a model: counts and amounts logged, categories one-hot"
    expects = "a DataFrame indexed by customer_id, every column numeric"
    hints = [
        "Five columns have a long right tail: log1p them. Three columns are text categories: one column per "
        "category (pd.get_dummies, dtype=float). Everything else stays as it is.",
        "t = customers.set_index('customer_id'); num = t.drop(columns=['region', 'channel', 'payment']).astype(float); "
        "num[LOG_COLUMNS] = np.log1p(num[LOG_COLUMNS])",
        "table = pd.concat([num, pd.get_dummies(t[['region', 'channel', 'payment']], dtype=float)], axis=1)",
    ]
    solution_code = """
    t = customers.set_index("customer_id")
    num = t.drop(columns=["region", "channel", "payment"]).astype(float)
    num[LOG_COLUMNS] = np.log1p(num[LOG_COLUMNS])
    table = pd.concat([num, pd.get_dummies(t[["region", "channel", "payment"]], dtype=float)], axis=1)
    """
    mistakes = (
        Mistake("text_left",
                "Some columns are still text; one-hot encode region, channel and payment (pd.get_dummies).",
                when=lambda a: isinstance(a, pd.DataFrame) and any(
                    not pd.api.types.is_numeric_dtype(a[c]) for c in a.columns
                    if c != "customer_id" and isinstance(a[c], pd.Series)),
                raw=True, example=lambda: lesson.customers().set_index("customer_id")),
        Mistake("codes",
                "region, channel and payment became integer codes: 'north' = 3 and 'london' = 0 would be read as a "
                "distance. Give each category its own 0/1 column.",
                when=lambda f: any(c in f.columns for c in lesson.CATEGORICAL), example=lambda: _coded()),
        Mistake("not_logged",
                "The counts and amounts are not logged: a few large baskets would dominate. log1p the five "
                "LOG_COLUMNS.", when=lambda f: _close_except_log(f, logged=False),
                example=lambda: _unlogged()),
        Mistake("already_scaled",
                "The columns are already standardised. Leave that to the next step: the scaler must be fitted on "
                "the training customers only.",
                when=lambda f: set(f.columns) == set(_features().columns) and abs(
                    float(f[lesson.numeric_columns(f)].std().mean()) - 1) < 0.05,
                example=lambda: _standardised()),
    )

    def reference(self):
        return lesson.features()

    def convert(self, answer):
        f = answers.frame(answer, self.expects, index_col="customer_id")
        if "customer_id" in f.columns:
            f = f.drop(columns="customer_id")
        return f

    def precheck(self, f):
        ref = _features()
        try:
            answers.aligned(f.iloc[:, :1], ref.index, "your table")
        except AnswerError as exc:
            return str(exc)
        missing = [c for c in ref.columns if c not in f.columns]
        extra = [c for c in f.columns if c not in ref.columns and c not in lesson.CATEGORICAL]
        if missing and not any(c in f.columns for c in lesson.CATEGORICAL):
            return f"Your table lacks {len(missing)} column(s), e.g. {missing[:3]}."
        if extra:
            return f"Your table has column(s) that should not be there: {extra[:3]}."
        return None

    def accepts(self, f):
        ref = _features()
        if set(f.columns) != set(ref.columns):
            return False
        got = answers.aligned(f[ref.columns], ref.index, "your table")
        return np.allclose(got.to_numpy(dtype=float), ref.to_numpy(dtype=float), atol=1e-6)

    def explain(self, f):
        return "Some values differ from log1p of the five LOG_COLUMNS, the other numbers as they are, and 0/1 dummies."

    def correct_message(self, answer):
        return f"{_features().shape[1]} columns for {len(_features()):,} customers."


def _close_except_log(f, logged):
    ref = _features()
    if set(f.columns) != set(ref.columns):
        return False
    got = answers.aligned(f[ref.columns], ref.index, "your table")
    raw = ref.copy()
    raw[lesson.LOG_COLUMNS] = np.expm1(raw[lesson.LOG_COLUMNS])
    return np.allclose(got.to_numpy(dtype=float), raw.to_numpy(dtype=float), atol=1e-6)


def _unlogged():
    f = lesson.features()
    f[lesson.LOG_COLUMNS] = np.expm1(f[lesson.LOG_COLUMNS])
    return f


def _coded():
    t = lesson.customers().set_index("customer_id")
    num = t.drop(columns=lesson.CATEGORICAL).astype(float)
    num[lesson.LOG_COLUMNS] = np.log1p(num[lesson.LOG_COLUMNS])
    for c in lesson.CATEGORICAL:
        num[c] = pd.factorize(t[c], sort=True)[0].astype(float)
    return num


def _standardised():
    f = lesson.features()
    cols = lesson.numeric_columns(f)
    f[cols] = (f[cols] - f[cols].mean()) / f[cols].std()
    return f


# -- q7 ---------------------------------------------------------------------------------------
def _curve(curve=None) -> pd.DataFrame:
    if curve is None:
        return lesson.sweep.shared()
    c = answers.frame(curve, "curve= (the sweep table)", columns=("validation error",))
    values = pd.to_numeric(c["validation error"], errors="coerce") if isinstance(c["validation error"], pd.Series) \
        else None
    index = pd.to_numeric(pd.Series(c.index), errors="coerce")
    if values is None or len(c) < 3 or values.isna().any() or index.isna().any() or not np.isfinite(
            values.to_numpy(dtype=float)).all() or not index.is_monotonic_increasing or not index.is_unique:
        raise AnswerError("curve= must be the sweep table: bottleneck widths (increasing) as the index and a "
                          "'validation error' column of numbers, at least three rows.")
    out = c.copy()
    out.index = index.astype(int).to_numpy() if (index == index.round()).all() else index.to_numpy()
    out["validation error"] = values.to_numpy(dtype=float)
    return out


class Bottleneck(NumericExercise):
    title = "The bottleneck width at the knee of the validation-error curve"
    expects = "a whole number (a bottleneck width from the sweep)"
    whole = True
    low = 1
    context = ("curve",)
    hints = [
        "More codes always rebuild the rows better: the validation error keeps falling. Look for where it stops "
        "falling fast (the knee), not for its minimum.",
        "clustering.find_knee(curve.index, curve['validation error'], direction='decreasing')",
    ]
    solution_code = """
    bottleneck = clustering.find_knee(curve.index, curve["validation error"], direction="decreasing")
    """
    mistakes = (
        Mistake("minimum",
                "That is the width with the lowest validation error, the widest one tried: more codes always help "
                "a little. Take the knee, where the gains flatten.",
                when=lambda v, curve=None: v == int(_curve(curve)["validation error"].idxmin())
                and v != lesson.knee_of(_curve(curve)),
                example=lambda: int(lesson.sweep.shared()["validation error"].idxmin())),
        Mistake("by_truth",
                "You chose by the ARI column: that uses the planted truth, which a real project does not have. "
                "Choose by the validation error; the ARI comes later, as a check.",
                when=lambda v, curve=None: "ARI of K-Means on the codes" in _curve(curve).columns
                and v == int(_curve(curve)["ARI of K-Means on the codes"].idxmax())
                and v != lesson.knee_of(_curve(curve)),
                example=lambda: int(lesson.sweep.shared()["ARI of K-Means on the codes"].idxmax())),
        Mistake("not_tried", lambda v, curve=None: f"{v} is not a width of the sweep ({list(_curve(curve).index)}).",
                when=lambda v, curve=None: v not in set(_curve(curve).index), example=lambda: 7),
    )

    def reference(self, curve=None):
        return lesson.knee_of(_curve(curve))

    def explain(self, value, curve=None):
        return "Look again at where the validation error stops falling steeply (clustering.find_knee)."

    def correct_message(self, answer, curve=None):
        return f"A bottleneck of {int(answer)}: past it, each extra code buys less."


# -- q8 ---------------------------------------------------------------------------------------
def _width(bottleneck=None) -> int:
    if bottleneck is None:
        return lesson.knee_of(lesson.sweep.shared())
    k = answers.number(bottleneck, "bottleneck= (the width you chose in q7)", whole=True, low=1)
    if k > lesson.X.shared().shape[1] - 1:
        raise AnswerError(f"bottleneck={k} is not narrower than the {lesson.X.shared().shape[1]} columns.")
    return k


def _pca_variants(bottleneck=None):
    tr, va = lesson.split.shared()
    Xs = lesson.X.shared().to_numpy()
    k = _width(bottleneck)
    pca = PCA(k, random_state=0).fit(Xs[tr])
    on_valid = PCA(k, random_state=0).fit(Xs[va])
    return {
        "right": lesson.pca_error(pca, Xs[va]),
        "train": lesson.pca_error(pca, Xs[tr]),
        "fitted_on_valid": lesson.pca_error(on_valid, Xs[va]),
        "unexplained": float(1 - pca.explained_variance_ratio_.sum()),
    }


class PCAError(NumericExercise):
    title = "PCA's mean squared reconstruction error on the validation customers, at the bottleneck width"
    expects = "one number (a mean squared error)"
    rel_tolerance = 1e-4
    context = ("bottleneck",)
    hints = [
        "Fit PCA with as many components as the bottleneck on the training rows, rebuild the validation rows "
        "(transform, then inverse_transform) and take the mean squared difference.",
        "pca = PCA(bottleneck, random_state=0).fit(X_train); "
        "np.mean((X_valid - pca.inverse_transform(pca.transform(X_valid))) ** 2)",
    ]
    solution_code = """
    pca = PCA(bottleneck, random_state=0).fit(X_train)
    pca_valid_error = np.mean((X_valid - pca.inverse_transform(pca.transform(X_valid))) ** 2)
    """
    mistakes = (
        Mistake("train_rows", "That is the error on the training rows; the question is the validation rows.",
                wrong=lambda bottleneck=None: _pca_variants(bottleneck)["train"], tolerance=1e-6),
        Mistake("fitted_on_valid",
                "You fitted PCA on the validation rows: then they are not held out any more, and the error looks "
                "better than it is. Fit on X_train, measure on X_valid.",
                wrong=lambda bottleneck=None: _pca_variants(bottleneck)["fitted_on_valid"], tolerance=1e-6),
        Mistake("unexplained_share",
                "That is the share of variance left unexplained on the training rows, not a reconstruction error "
                "on the validation rows. (They are related, but the dummies are not scaled to variance 1.)",
                wrong=lambda bottleneck=None: _pca_variants(bottleneck)["unexplained"], tolerance=1e-6),
    )

    def reference(self, bottleneck=None):
        return _pca_variants(bottleneck)["right"]

    def correct_message(self, answer, bottleneck=None):
        return f"PCA's validation error at width {_width(bottleneck)}: {float(answer):.3f}."


# -- q9 ---------------------------------------------------------------------------------------
def _decoded(ae, centroids):
    return lesson.decode_profiles(ae, centroids, lesson.scaler.shared(), lesson.X.shared().columns)


class _DecodedCentroids:
    """What the grader knows of the learner's autoencoder: its decoding of the centroids (see q9.portable)."""

    def __init__(self, decoded, centroids):
        self.decoded, self.centroids = np.asarray(decoded, dtype=float), centroids

    def inverse_transform(self, centroids):
        if np.shape(centroids) != self.centroids.shape or not np.allclose(centroids, self.centroids):
            raise ValueError("only the carried centroids can be decoded")
        return self.decoded.copy()


def _context(ae=None, centroids=None):
    from course_utils.autoencoders import Autoencoder

    if isinstance(ae, Carried):  # sent by the learner's kernel to the grader
        decoded = ae.unwrap()
        c = answers.array(centroids, "centroids= (one row of codes per cluster)", ndim=2)
        if np.ndim(decoded) != 2 or len(decoded) != len(c):
            raise AnswerError("ae= must be the fitted Autoencoder whose codes you clustered.")
        return _DecodedCentroids(decoded, c), c
    if ae is None and centroids is None:  # the reference model (the tests, a learner who skipped ahead)
        return lesson.example_autoencoder.shared(), lesson.example_centroids.shared()
    if ae is None or centroids is None:
        raise AnswerError("Pass the model and the centroids: q9.check(profiles, ae=ae, centroids=centroids).")
    if not isinstance(ae, Autoencoder) or not hasattr(ae, "decoder_"):
        raise AnswerError("ae= must be the fitted Autoencoder whose codes you clustered.")
    c = answers.array(centroids, "centroids= (one row of codes per cluster)", ndim=2)
    if c.shape[1] != ae.decoder_.input_shape[-1]:
        raise AnswerError(f"centroids= has {c.shape[1]} columns but the bottleneck has {ae.decoder_.input_shape[-1]}.")
    return ae, c


class DecodedProfiles(ValueExercise):
    title = "The cluster centroids decoded into the feature table's own units (orders, pounds, shares)"
    expects = "a DataFrame with one row per cluster and the columns of X"
    context = ("ae", "centroids")
    hints = [
        "ae.inverse_transform(centroids) gives rows in the space of X: logged, then scaled. Undo both, the last "
        "step first.",
        "scaler.inverse_transform on the numeric columns (lesson.numeric_columns(X)), then np.expm1 on the "
        "LOG_COLUMNS.",
        "See solution().",
    ]
    solution_code = """
    num = lesson.numeric_columns(X)
    profiles = pd.DataFrame(ae.inverse_transform(centroids), columns=X.columns)
    profiles[num] = scaler.inverse_transform(profiles[num])
    profiles[LOG_COLUMNS] = np.expm1(profiles[LOG_COLUMNS])
    """
    mistakes = (
        Mistake("still_scaled",
                "These are still standardised values (around 0, some negative): undo the scaler "
                "(scaler.inverse_transform on the numeric columns), then expm1 the logged ones.",
                when=lambda f, ae=None, centroids=None: _close(f, _scaled_only(*_context(ae, centroids))),
                example=lambda: _scaled_only(*_context(**_example_context())),
                example_context=lambda: _example_context()),
        Mistake("still_logged",
                "The scaler is undone but the LOG_COLUMNS are still logs (orders_12m near 2 means e^2 - 1, about 6 "
                "orders): apply np.expm1 to them.",
                when=lambda f, ae=None, centroids=None: _close(f, _logged_only(*_context(ae, centroids))),
                example=lambda: _logged_only(*_context(**_example_context())),
                example_context=lambda: _example_context()),
        Mistake("wrong_order",
                "You undid the log before the scaler. Undo the steps in the reverse order they were done: the log "
                "came first and the scaling second, so inverse_transform the scaler first, then np.expm1.",
                when=lambda f, ae=None, centroids=None: _close(f, _reversed_undo(*_context(ae, centroids))),
                example=lambda: _reversed_undo(*_context(**_example_context())),
                example_context=lambda: _example_context()),
    )

    def reference(self, ae=None, centroids=None):
        return _decoded(*_context(ae, centroids))

    def portable(self, answer, ae=None, centroids=None):
        """A Keras model cannot travel to the grader: the kernel sends its decoding of the centroids."""
        if (ae is None and centroids is None) or isinstance(ae, Carried):
            return answer, {"ae": ae, "centroids": centroids}
        try:
            model, c = _context(ae, centroids)
            sent = Carried(np.asarray(model.inverse_transform(c), dtype=float))
        except AnswerError as exc:
            sent = Carried(error=str(exc))
        return answer, {"ae": sent, "centroids": centroids}

    def convert(self, answer, ae=None, centroids=None):
        return answers.frame(answer, self.expects)

    def precheck(self, f, ae=None, centroids=None):
        ref = self.reference(ae, centroids)
        if f.shape != ref.shape:
            return f"Expected {ref.shape[0]} rows (one per centroid) and {ref.shape[1]} columns, got {f.shape}."
        missing = [c for c in ref.columns if c not in f.columns]
        if missing:
            return f"Your table lacks the column(s) {missing[:3]}; keep the columns of X."
        return None

    def accepts(self, f, ae=None, centroids=None):
        return _close(f, self.reference(ae, centroids))

    def explain(self, f, ae=None, centroids=None):
        return "The values differ from decoding the centroids, undoing the scaler and then the log."

    def correct_message(self, answer, ae=None, centroids=None):
        f = self.reference(ae, centroids)
        return (f"Readable: orders per year from {f['orders_12m'].min():.1f} to {f['orders_12m'].max():.1f}, "
                f"baskets from £{f['avg_basket_value'].min():.0f} to £{f['avg_basket_value'].max():.0f}.")


def _close(f, ref) -> bool:
    try:
        got = f[list(ref.columns)].to_numpy(dtype=float)
    except (KeyError, TypeError, ValueError):
        return False
    return got.shape == ref.shape and np.allclose(got, ref.to_numpy(dtype=float), rtol=1e-3, atol=1e-3)


def _scaled_only(ae, centroids):
    return pd.DataFrame(ae.inverse_transform(centroids), columns=list(lesson.X.shared().columns))


def _logged_only(ae, centroids):
    f = _scaled_only(ae, centroids)
    num = lesson.numeric_columns(f)
    f[num] = lesson.scaler.shared().inverse_transform(f[num])
    return f


def _reversed_undo(ae, centroids):
    f = _scaled_only(ae, centroids)
    f[lesson.LOG_COLUMNS] = np.expm1(f[lesson.LOG_COLUMNS])
    num = lesson.numeric_columns(f)
    f[num] = lesson.scaler.shared().inverse_transform(f[num])
    return f


def _example_context() -> dict:
    return {"ae": lesson.example_autoencoder.shared(), "centroids": lesson.example_centroids.shared()}


# -- q10 --------------------------------------------------------------------------------------
#: A measured number as an answer quotes it: a decimal (0.32, 5.6) or a percentage (12%).
_MEASURED = re.compile(r"\d*\.\d+|\d+\s*%")


def _q10_numbers() -> dict:
    """The numbers q10's model answer quotes, computed by the notebook's reference pipeline."""
    s, sec = lesson.simple_choice.shared(), lesson.pipeline_seconds.shared()
    tr, va = lesson.split.shared()
    Xs = lesson.X.shared().to_numpy()
    k = lesson.knee_of(lesson.sweep.shared())
    return {"n": len(Xs), "k": k, "n_valid": len(va),
            "ae": s["autoencoder"], "pca": s["pca"], "table": s["table"],
            "ae_valid": s["autoencoder_valid"], "pca_valid": s["pca_valid"],
            "ae_error": float(lesson.sweep.shared().at[k, "validation error"]),
            "pca_error": lesson.pca_error(PCA(k, random_state=0).fit(Xs[tr]), Xs[va]),
            "ae_seconds": sec["autoencoder"], "pca_seconds": sec["pca"]}


class SimplerModel(WrittenExercise):
    question = """
    Interview question: *"Our autoencoder segments score below a PCA + K-Means baseline on the same
    customers, and the baseline runs in a fraction of the time. The team that built the autoencoder
    still wants to ship it. Which do you ship, and how do you defend it to that team?"*
    Answer in 30 to 150 words, with the numbers from this notebook (section 9's table).
    """
    rubric = {
        "a": RubricItem("compares the two on the same customers with a measured number (ARI, error, time)",
                        ("ari", "error", "seconds", "measured", "same customers")),
        "b": RubricItem("chooses the simpler model when the complex one does not win clearly",
                        ("simpler", "pca", "baseline")),
        "c": RubricItem("names what simplicity buys: explainable components, speed, fewer settings, stability",
                        ("explain", "interpret", "faster", "stable", "fewer")),
        "d": RubricItem("says when the autoencoder would earn its place (non-linear structure, more data, a "
                        "clear win on held-out data)", ("non-linear", "nonlinear", "held-out", "unless", "if")),
        "e": RubricItem("respects the other team: proposes a fair test or keeps the autoencoder as a challenger",
                        ("challenger", "fair", "a/b", "revisit", "together"), required=False),
    }
    #: The model answer with its numbers left as fields: :meth:`reference` fills them from the reference
    #: pipeline (computing it the first time, which takes the bottleneck sweep's time).
    model_answer = """
    I would ship the simpler model. On the same {n:,} customers, K-Means on the autoencoder's {k} codes
    scored ARI {ae:.2f} against {pca:.2f} for PCA at the same width ({ae_valid:.2f} against {pca_valid:.2f}
    on the {n_valid} validation customers), and K-Means on the table itself {table:.2f}: here I would drop
    the compression altogether. The autoencoder rebuilds rows better (validation error {ae_error:.3f}
    against {pca_error:.3f}), but a better reconstruction is not a better segmentation. PCA + K-Means took
    {pca_seconds:.2f} seconds, the autoencoder {ae_seconds:.1f}, with fewer settings to tune, and I can
    explain each component as a weighted sum of named features. The autoencoder earns its place if the
    data has non-linear structure PCA misses, shown by a clear win on held-out customers. I would keep it
    as a challenger and rerun the comparison together when the data grows.
    """
    hints = [
        "Start from the measured comparison in section 9: the same customers, ARI and seconds for each.",
        "An interviewer wants a decision, a reason, and the condition under which you would decide the other way.",
    ]
    weak_answers = (
        "'Deep learning is more powerful, so the autoencoder' (no measurement, ignores the measured gap).",
        "'PCA is always better' (no condition under which the autoencoder would win).",
        "'The autoencoder did not beat PCA' with no number: say by how much (the two ARIs).",
        "Quoting reconstruction error alone: a better reconstruction is not a better segmentation.",
    )

    def reference(self, **context):
        return textwrap.dedent(self.model_answer).strip().format(**_q10_numbers())

    def solution_text(self) -> str:
        return super().solution_text().replace(textwrap.dedent(self.model_answer).strip(), self.reference(), 1)

    def diagnose(self, answer, met=None, **context):
        found = super().diagnose(answer, met=met, **context)
        if found is None and not _MEASURED.search(answers.text(answer, self.expects)):
            return ("no_number", "You ticked (a), but your answer quotes no measured number. Give the two ARIs "
                                 "from section 9's table (or the errors, or the seconds): 'did not beat' is not "
                                 "a measurement.")
        return found

    def all_mistakes(self) -> tuple:
        no_number = Mistake("no_number", "ticks (a) but quotes no measured number", when=lambda v, **c: False,
                            example=lambda: _MEASURED.sub("", self.reference()),
                            example_context=lambda: {"met": ["a", "b", "c", "d"]})
        return (*super().all_mistakes(), no_number)


q1 = CoPurchaseGraph("q1")
q2 = BiasedStep("q2")
q3 = WhatPQChanged("q3")
q4 = GraphARI("q4")
q5 = SifWeights("q5")
q6 = PreparedTable("q6")
q7 = Bottleneck("q7")
q8 = PCAError("q8")
q9 = DecodedProfiles("q9")
q10 = SimplerModel("q10")

EXERCISES = register(__name__, [q1, q2, q3, q4, q5, q6, q7, q8, q9, q10])
