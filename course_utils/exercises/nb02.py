"""Exercises for notebook 02, clustering algorithms and validation.

q1 what the ARI grid shows (choice)        q6 what the tendency tests tell (choice)
q2 a cut height in the dendrogram's gap     q7 what the pictures may tell (choice)
q3 DBSCAN's eps from the k-distance plot    q8 the look-alike pair's own silhouette
q4 per-cluster silhouette, noise left out   q9 a channel-preference score
q5 a bootstrap stability function           q10 the stakeholder question (written)
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd
from sklearn.datasets import make_blobs
from sklearn.metrics import silhouette_samples, silhouette_score

from course_utils.course import answers
from course_utils.course.answers import AnswerError, describe
from course_utils.course.checks import ____, _is_placeholder  # noqa: F401 (____ is re-exported for the notebook)
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
from course_utils.lessons import nb02 as lesson


# -- q1 ---------------------------------------------------------------------------
class GalleryFindings(ChoiceExercise):
    question = """
    Read the ARI grid and the picture grid above. Which statements do they support?
    """
    multiple = True
    options = {
        "a": Option("Given the right k, K-Means recovers the two crescents.",
                    feedback="No: K-Means cuts the plane into convex cells around its centres, and each cell "
                             "takes the tip of the other crescent. The right k does not fix a wrong "
                             "shape assumption."),
        "b": Option("DBSCAN and HDBSCAN recover the crescents: they follow dense regions, whatever their shape.",
                    correct=True,
                    feedback="Right: a cluster is whatever dense region connects, so a crescent is as good as a ball."),
        "c": Option("Single linkage follows the crescents, but a few far-away points ruin it: each becomes a "
                    "cluster of its own.", correct=True,
                    feedback="Right: single linkage merges by the closest pair of points, which follows any chain, "
                             "and the last merges are the isolated points, so cutting at k clusters peels outliers "
                             "off one by one."),
        "d": Option("The Gaussian mixture is a safe default: it does well on every shape.",
                    feedback="No: it wins on the elongated groups (it fits a tilted ellipse per group), but ellipses "
                             "cannot follow crescents, and one wide component can swallow the outliers so that two "
                             "real groups share a component."),
        "e": Option("When one group is far more spread out than the others, Ward and the Gaussian mixture do better "
                    "than K-Means.", correct=True,
                    feedback="Right: K-Means puts the boundary halfway between centres, so the wide group's edge "
                             "is handed to its tight neighbours; a mixture models each group's own spread."),
        "f": Option("On uniform noise, DBSCAN and HDBSCAN both report that there are no groups.",
                    feedback="Not both: here DBSCAN finds one cluster, but HDBSCAN reports several clusters "
                             "in pure noise. Density methods can be fooled by chance clumps too. Test for structure "
                             "first (section 5)."),
    }
    hints = ["Read one row of the grid at a time, then look at the same row in the pictures.",
             "Three statements are true: one about density methods, one about single linkage, one about spreads."]


# -- q2 ---------------------------------------------------------------------------
def _tree():
    return lesson.ward_tree.shared()


def _gap() -> tuple:
    return lesson.largest_gap(_tree())


def _clusters(height) -> int:
    return lesson.clusters_at(_tree(), height)


class CutHeight(NumericExercise):
    title = "A height at which to cut the Ward dendrogram: inside its largest gap"
    expects = "one number: a height on the dendrogram's vertical axis"
    hints = [
        "The heights of the merges are the third column of the linkage matrix: Z[:, 2], in increasing order.",
        "np.diff(Z[:, 2]) are the gaps between successive merges; np.argmax finds the largest. Cut between the two "
        "merges around it.",
        "h = Z[:, 2]; i = np.argmax(np.diff(h)); cut_height = (h[i] + h[i + 1]) / 2",
    ]
    solution_code = """
    h = Z[:, 2]
    i = np.argmax(np.diff(h))
    cut_height = (h[i] + h[i + 1]) / 2
    """
    mistakes = (
        Mistake("not_positive", "A height is a distance: it is positive. Read it off the vertical axis.",
                when=lambda v: v <= 0, example=lambda: -1.0),
        Mistake("number_of_clusters",
                lambda v: (f"{v:g} looks like a number of clusters, but the question asks for a height on the "
                           f"vertical axis (a cut at {v:g} would leave {_clusters(v):,} clusters). Cutting by height "
                           "lets the tree say how many clusters there are."),
                when=lambda v: float(v).is_integer() and v <= 20 and v < _gap()[0], example=lambda: lesson.K),
        Mistake("sum_of_squares",
                lambda v: ("That is on the sum-of-squares scale (height squared over 2). Cut on the scale the "
                           "dendrogram draws: Z[:, 2]."),
                when=lambda v: _gap()[0] ** 2 / 2 < v < _gap()[1] ** 2 / 2 and v > _tree()[-1, 2],
                example=lambda: sum(_gap()[:2]) ** 2 / 8),
        Mistake("above_the_top",
                "That is above the last merge: everything is one cluster. Cut lower, inside the largest gap.",
                when=lambda v: v >= _tree()[-1, 2], example=lambda: float(_tree()[-1, 2]) + 1),
        Mistake("above_the_gap",
                lambda v: (f"A cut at {v:g} leaves {_clusters(v)} clusters: it is above the largest gap (between "
                           f"{_gap()[0]:.1f} and {_gap()[1]:.1f}), so it undoes fewer merges than the gap suggests."),
                when=lambda v: v >= _gap()[1], example=lambda: (_gap()[1] + _tree()[-lesson.K + 2, 2]) / 2),
        Mistake("below_the_gap",
                lambda v: (f"A cut at {v:g} leaves {_clusters(v):,} clusters: it is below the largest gap (between "
                           f"{_gap()[0]:.1f} and {_gap()[1]:.1f}). Find the biggest jump between successive merge "
                           "heights."),
                when=lambda v: v <= _gap()[0], example=lambda: _gap()[0] * 0.7),
    )

    def reference(self):
        low, high, _ = _gap()
        return (low + high) / 2

    def accepts(self, value):
        low, high, _ = _gap()
        return low < value < high

    def explain(self, value):
        return f"Expected a height between {_gap()[0]:.1f} and {_gap()[1]:.1f}."

    def correct_message(self, answer):
        low, high, k = _gap()
        return (f"Any height between {low:.1f} and {high:.1f} gives the same {k} clusters: the tree had to merge "
                f"very different groups to go from {k} to {k - 1}.")


# -- q3 ---------------------------------------------------------------------------
def _q(eps) -> dict:
    return lesson.dbscan_quality(eps)


class DbscanEps(NumericExercise):
    title = "DBSCAN's eps for the outlier shape (min_samples=10), read from the k-distance plot"
    expects = "one number: a distance in the scaled units of the plot"
    hints = [
        "Most rows sit in the flat part of the curve: their 10th nearest neighbour is close. The rows at the steep "
        "end are the far-away accounts.",
        "Choose eps where the curve bends upward: above the flat part, below the steep end.",
        "The bend is where the curve leaves its flat part, a little before it shoots up. "
        "clustering.suggest_eps(X_out, 10) finds it for you.",
    ]
    solution_code = """
    eps = 0.4  # where the sorted 10-distance curve bends upward
    """
    mistakes = (
        Mistake("not_positive", "eps is a distance: it must be above 0.", when=lambda v: v <= 0, example=lambda: 0),
        Mistake("all_noise",
                "With that eps no row has 10 neighbours within reach: everything is noise. Read eps off the "
                "vertical axis of the k-distance plot, where the curve bends.",
                when=lambda v: _q(v)["clusters"] == 0, example=lambda: 0.02),
        Mistake("too_small",
                lambda v: (f"Too small: {_q(v)['customers_lost']:.0%} of the real customers are called noise and "
                           f"the groups break into {_q(v)['clusters']} pieces or lose their edges. Move eps up to "
                           "where the curve bends."),
                when=lambda v: _q(v)["customers_lost"] > 0.05, example=lambda: 0.1),
        Mistake("too_large",
                lambda v: (f"Too large: the three groups merge into {_q(v)['clusters']} (chains of points connect "
                           "them) and most far-away accounts join a group. Move eps down, to the bend of the "
                           "curve, not its top."),
                when=lambda v: _q(v)["clusters"] < 3, example=lambda: 1.0),
    )

    def reference(self):
        return lesson.eps()

    def accepts(self, value):
        return value > 0 and _q(value)["ari"] >= lesson.EPS_BAR

    def explain(self, value):
        q = _q(value)
        return (f"With eps={value:g}: {q['clusters']} clusters, {q['noise_share']:.0%} noise, ARI {q['ari']:.2f} "
                f"(aim for {lesson.EPS_BAR}). Move eps toward the bend of the curve.")

    def correct_message(self, answer):
        q = _q(float(answer))
        return (f"{q['clusters']} groups, ARI {q['ari']:.2f}; {q['outliers_caught']:.0%} of the far-away accounts "
                f"are left as noise (the others happen to lie inside or near a group) and "
                f"{q['customers_lost']:.1%} of real customers are.")


# -- q4 ---------------------------------------------------------------------------
def _moons_X():
    return lesson.moons.shared()[0]


def _noise_kept(labels) -> pd.Series:
    """The slip: silhouettes computed with noise as one more cluster, then the noise row dropped."""
    s = pd.Series(silhouette_samples(_moons_X(), labels)).groupby(labels).mean()
    return s.drop(index=-1, errors="ignore")


class ClusterSilhouettes(ValueExercise):
    title = "Mean silhouette of each DBSCAN cluster of the crescents, noise left out"
    expects = "a Series (or dict) with one mean silhouette per cluster, indexed by cluster label"
    hints = [
        "Noise (-1) is not a cluster: it has no 'own cluster' to be close to. Drop those rows before computing.",
        "keep = labels != -1; silhouette_samples(X[keep], labels[keep]) gives one value per kept row.",
        "pd.Series(silhouette_samples(X[keep], labels[keep])).groupby(labels[keep]).mean()",
    ]
    solution_code = """
    keep = labels_db != -1
    values = silhouette_samples(X_moons[keep], labels_db[keep])
    sil_by_cluster = pd.Series(values).groupby(labels_db[keep]).mean()
    """
    tolerance = 1e-6
    mistakes = (
        Mistake("noise_as_cluster",
                "Your answer has a value for -1, the noise. Noise is not a cluster: leave those rows out.",
                when=lambda s: -1 in s.index, example=lambda: _noise_kept(lesson.moons_labels.shared()).pipe(
                    lambda s: pd.concat([pd.Series({-1: -0.2}), s]))),
        Mistake("noise_kept",
                "Close, but the noise rows were part of the computation (as a cluster of their own), which changes "
                "every other row's nearest-cluster distance. Drop the noise rows first, then compute.",
                wrong=lambda: _noise_kept(lesson.moons_labels.shared())),
        Mistake("kmeans",
                "Those are the silhouettes of K-Means' clusters; the question is about DBSCAN's (labels_db).",
                wrong=lambda: lesson.per_cluster_silhouette(_moons_X(), lesson.moons_kmeans_labels.shared())),
        Mistake("overall_mean",
                "Every cluster got the same value: the overall mean. Average the silhouettes within each cluster.",
                when=lambda s: len(s) > 1 and np.ptp(s.to_numpy(dtype=float)) < 1e-12,
                example=lambda: pd.Series({0: 0.4, 1: 0.4})),
    )

    def reference(self):
        return lesson.per_cluster_silhouette(_moons_X(), lesson.moons_labels.shared())

    def convert(self, answer):
        if isinstance(answer, (int, float, np.floating)) and not isinstance(answer, bool):
            raise AnswerError("That is one number; give one mean silhouette per cluster (a Series indexed by "
                              "cluster label).")
        s = answers.series(answer, self.expects)
        if not pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s):
            raise answers.mismatch("numbers", f"dtype {s.dtype}")
        try:
            index = [int(v) for v in s.index]
        except (TypeError, ValueError):
            raise AnswerError("Index the values by cluster label (0, 1, ...), as groupby(labels) does.") from None
        if len(set(index)) != len(index):
            raise AnswerError("A cluster label appears twice in your index.")
        out = pd.Series(s.to_numpy(dtype=float), index=index).sort_index()
        if out.isna().any():
            raise AnswerError("Some values are missing (NaN).")
        return out

    def precheck(self, s):
        ref = self.reference()
        extra = sorted(set(s.index) - set(ref.index) - {-1})
        if extra:
            return f"DBSCAN found clusters {list(ref.index)}; your index has {extra} too."
        missing = sorted(set(ref.index) - set(s.index))
        if missing:
            return f"Cluster(s) {missing} are missing."
        return None

    def same(self, value, other):
        value = value.drop(index=-1, errors="ignore")
        return bool(list(value.index) == list(other.index)
                    and np.allclose(value.to_numpy(), other.to_numpy(), atol=self.tolerance))

    def accepts(self, value):
        return -1 not in value.index and self.same(value, self.reference())

    def explain(self, value):
        return "The values differ from the mean silhouette_samples per cluster, computed without the noise rows."

    def correct_message(self, answer):
        m = lesson.moons_silhouettes.shared()
        return (f"About {float(self.reference().mean()):.2f} per crescent: a near-perfect clustering "
                f"(ARI {m['dbscan_ari']:.2f}) scores lower than K-Means' wrong "
                f"one ({m['kmeans_silhouette']:.2f}). The silhouette rewards round, compact groups.")


# -- q5 ---------------------------------------------------------------------------
class _Stability(NamedTuple):
    """What q5 measures of the learner's function."""

    real: float  # k = 3 on three clean blobs
    split: float  # k = 6 on the same blobs: arbitrary splits
    again: float  # the k = 6 call again, with the same random_state


def _blobs():
    X, _ = make_blobs(n_samples=300, centers=[[0, 0], [6, 0], [3, 5]], cluster_std=0.8, random_state=11)
    return X


def _call(fn, X, k, seed):
    try:
        value = fn(X.copy(), k, n_resamples=8, random_state=seed)
    except Exception as exc:
        raise AnswerError(f"Calling stability(X, {k}, n_resamples=8, random_state={seed}) raised "
                          f"{type(exc).__name__}: {str(exc)[:200]}. Keep the signature "
                          "stability(X, k, n_resamples=10, random_state=0).") from None
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise AnswerError(f"stability(...) must return one number (the mean ARI), got {describe(value)}.") from None
    if not np.isfinite(value) or not -1 <= value <= 1:
        raise AnswerError(f"stability(...) returned {value}; a mean ARI lies between -1 and 1.")
    return value


def _profile_of(fn) -> _Stability:
    X = _blobs()
    return _Stability(_call(fn, X, 3, 0), _call(fn, X, 6, 0), _call(fn, X, 6, 0))


def _self_pairs(X, k, n_resamples=10, random_state=0):
    """The slip of pairing every labelling with itself (zip(fits, fits) instead of combinations)."""
    from sklearn.cluster import KMeans
    from sklearn.metrics import adjusted_rand_score

    rng = np.random.default_rng(random_state)
    fits = [KMeans(k, n_init=3, random_state=random_state + b).fit(X[rng.integers(0, len(X), len(X))]).predict(X)
            for b in range(n_resamples)]
    return float(np.mean([adjusted_rand_score(a, b) for a, b in zip(fits, fits)]))


def _own_rows(X, k, n_resamples=10, random_state=0):
    """The slip of comparing labellings of different rows (each fit labels only its own resample)."""
    from itertools import combinations

    from sklearn.cluster import KMeans
    from sklearn.metrics import adjusted_rand_score

    rng = np.random.default_rng(random_state)
    fits = [KMeans(k, n_init=3, random_state=random_state + b).fit_predict(X[rng.integers(0, len(X), len(X))])
            for b in range(n_resamples)]
    return float(np.mean([adjusted_rand_score(a, b) for a, b in combinations(fits, 2)]))


def _label_numbers(X, k, n_resamples=10, random_state=0):
    """The slip of comparing label numbers instead of groupings."""
    from itertools import combinations

    from sklearn.cluster import KMeans

    rng = np.random.default_rng(random_state)
    fits = [KMeans(k, n_init=3, random_state=random_state + b).fit(X[rng.integers(0, len(X), len(X))]).predict(X)
            for b in range(n_resamples)]
    return float(np.mean([(a == b).mean() for a, b in combinations(fits, 2)]))


def _unseeded_function(seed: int = 7):
    """The slip of ignoring random_state: a function that gives another answer on every call.

    Its calls draw their seeds from one generator, so that the example (and the message the
    instructor guide quotes for it) is the same in every run of the course.
    """
    draws = np.random.default_rng(seed)

    def unseeded(X, k, n_resamples=10, random_state=0):
        return lesson.stability(X, k, n_resamples, random_state=int(draws.integers(1, 10**6)))

    return unseeded


_unseeded = _unseeded_function()


class Stability(ValueExercise):
    title = "A function stability(X, k, n_resamples=10, random_state=0): mean pairwise ARI over bootstrap fits"
    expects = "a function stability(X, k, n_resamples=10, random_state=0) that returns one number"
    hints = [
        "Resample rows with replacement (rng.integers(0, n, size=n)), fit K-Means on the resample, then label "
        "*every* row of X with that model (predict), so that all fits label the same rows.",
        "Compare the labellings pairwise with adjusted_rand_score (itertools.combinations gives the pairs) and "
        "average. Seed everything from random_state.",
        "See solution().",
    ]
    solution_code = """
    def bootstrap_ari(X, k, n_resamples=10, random_state=0):
        X = np.asarray(X, dtype=float)
        rng = np.random.default_rng(random_state)
        labellings = []
        for b in range(n_resamples):
            rows = rng.integers(0, len(X), size=len(X))  # a bootstrap resample: with replacement
            model = KMeans(k, n_init=3, random_state=random_state + b).fit(X[rows])
            labellings.append(model.predict(X))  # every fit labels the same rows
        return float(np.mean([adjusted_rand_score(a, b) for a, b in combinations(labellings, 2)]))


    stability = bootstrap_ari
    """
    mistakes = (
        Mistake("not_reproducible",
                lambda p: (f"Two identical calls gave {p.split:.3f} and {p.again:.3f}: the function does not use "
                           "random_state. Seed the resampling (np.random.default_rng(random_state)) and K-Means."),
                when=lambda p: abs(p.split - p.again) > 1e-9, example=_unseeded_function),
        Mistake("different_rows",
                lambda p: (f"On three clean, well-separated blobs your function gives {p.real:.2f} at k = 3, as if "
                           "the fits had nothing in common. The labellings you compare are probably of different "
                           "rows (each fit labelled only its own resample). Label every row of X with each fitted "
                           "model (model.predict(X)), then compare."),
                when=lambda p: abs(p.real) < 0.2, example=lambda: _own_rows),
        Mistake("label_numbers",
                lambda p: (f"On three clean, well-separated blobs your function gives {p.real:.2f} at k = 3, where "
                           "every fit finds the same groups. Did you compare label numbers (a == b)? Cluster 0 of "
                           "one fit need not be cluster 0 of the next: compare groupings with adjusted_rand_score, "
                           "and label the same rows (predict on X) in every fit."),
                when=lambda p: p.real < 0.95, example=lambda: _label_numbers),
        Mistake("cannot_tell_splits",
                lambda p: (f"Your function gives {p.split:.2f} at k = 6 on three blobs, about as much as at k = 3 "
                           f"({p.real:.2f}): it cannot tell an arbitrary split from a real group. Compare different "
                           "fits with each other (itertools.combinations(labellings, 2)), each fitted on its own "
                           "bootstrap resample (rows drawn with replacement)."),
                when=lambda p: p.split > p.real - 0.05, example=lambda: _self_pairs),
    )

    carries = True  # a function: the kernel runs it on the blobs and sends the three numbers

    def reference(self):
        return lesson.stability

    def carry(self, p):
        return [float(p.real), float(p.split), float(p.again)]

    def uncarry(self, data):
        return _Stability(*(float(x) for x in data))

    def convert(self, answer):
        if isinstance(answer, (int, float, np.floating, pd.Series, pd.DataFrame)) and not isinstance(answer, bool):
            raise AnswerError(f"That is {describe(answer)}; give the function itself (stability, without "
                              "calling it), so the check can run it on data of its own.")
        if not callable(answer) or isinstance(answer, type):
            raise answers.expected(self.expects, answer)
        return _profile_of(answer)

    def accepts(self, p):
        return abs(p.split - p.again) <= 1e-9 and p.real >= 0.95 and p.split <= p.real - 0.05

    def explain(self, p):
        return (f"On three blobs your function gives {p.real:.2f} at k = 3 and {p.split:.2f} at k = 6; expected "
                "about 1 at k = 3 and clearly less at k = 6.")

    def correct_message(self, answer):
        p = self.value_of(answer)
        return (f"On three clean blobs: {p.real:.2f} at k = 3 (the same groups every time), {p.split:.2f} at "
                "k = 6 (the extra splits move from resample to resample).")


# -- q6 ---------------------------------------------------------------------------
class TendencyVerdict(ChoiceExercise):
    question = """
    Read the table of tendency tests above, row "survey scores". What may you conclude about the survey answers?
    """
    options = {
        "a": Option("They have strong cluster structure: the Hopkins statistic is far above 0.5.",
                    feedback="No: Hopkins compares the data with uniform noise in its bounding box, and any "
                             "bell-shaped cloud is far from uniform. The shuffled copies, which have no structure "
                             "across columns, score just as high."),
        "b": Option("They have no structure: a silhouette around 0.26 is low.",
                    feedback="No: the silhouette's size alone says little. It beats every shuffled copy of the same "
                             "columns, which a structure-free table would not do."),
        "c": Option("The answers are related across questions in a way shuffled copies are not, but these tests "
                    "cannot say whether that is groups or one elongated cloud: check that before building segments "
                    "on it.", correct=True,
                    feedback="Right: the null comparison detects dependence between the columns; the elongated "
                             "cloud, which has no groups at all, beats its copies too. Weak structure is real but "
                             "may not be worth segmenting on (here K-Means' two groups match the planted attitudes "
                             "only loosely)."),
        "d": Option("The p-value of 0.05 proves there are exactly two groups.",
                    feedback="No: 0.05 is the smallest p-value 19 copies can give, and the test is about structure "
                             "in general. It says nothing about how many groups there are, or whether there are "
                             "groups at all."),
    }
    hints = ["Compare each score with its shuffled copies, and compare the survey row with the elongated cloud row."]


# -- q7 ---------------------------------------------------------------------------
class PictureReading(ChoiceExercise):
    question = """
    PCA, t-SNE and UMAP pictures of the same customers are above. Which statements are true?
    """
    multiple = True
    options = {
        "a": Option("Groups that overlap in the PCA picture may still be apart in the dimensions the picture "
                    "leaves out.", correct=True,
                    feedback="Right: two components keep only part of the variance (the explained-variance ratio "
                             "says how much); the rest is not drawn."),
        "b": Option("In the t-SNE picture, a bigger blob means a bigger or more varied segment.",
                    feedback="No: t-SNE adapts its scale to each neighbourhood, so dense and sparse groups come out "
                             "at similar sizes. Count rows, do not measure blobs."),
        "c": Option("The distance between two blobs in a t-SNE or UMAP picture says how different the segments are.",
                    feedback="No: both keep neighbourhoods, not large distances. Two blobs far apart in the picture "
                             "may be close in the data, and the other way round."),
        "d": Option("t-SNE with another perplexity (or seed) can split or merge blobs; trust a group that shows up "
                    "across settings more than one picture.", correct=True,
                    feedback="Right: perplexity sets how many neighbours each point cares about. Above, perplexity "
                             "5 kept the five segments but drew each as loose strands and small clumps; on other "
                             "data a setting can split a group into islands or join two. A picture is one run of a "
                             "random method."),
        "e": Option("If UMAP shows five clean islands, K-Means on the original features will find the same five "
                    "groups.",
                    feedback="No: UMAP's islands come from its own neighbour graph; K-Means works on distances to "
                             "centres in the original space, and may cut the data another way."),
        "f": Option("Points drawn next to each other in a t-SNE or UMAP picture were usually near each other in the "
                    "data.", correct=True,
                    feedback="Right: keeping each point's nearest neighbours close is what both methods optimise."),
    }
    hints = ["What does each method try to keep: variance, or neighbourhoods?"]


# -- q8 ---------------------------------------------------------------------------
def _lab_X():
    return lesson.X.shared()


def _lab_labels():
    return lesson.lab_labels.shared()


def _other_pairs() -> dict:
    table = lesson.lab_pair_silhouettes.shared()
    a, b = lesson.pair.shared()
    return {(int(i), int(j)): float(table.loc[i, j]) for i in table.index for j in table.columns
            if i < j and (i, j) != (a, b)}


def _matching_pair(v):
    return next((p for p, s in _other_pairs().items() if abs(s - v) < 1e-4), None)


def _within_full() -> float:
    rows = np.isin(_lab_labels(), lesson.pair.shared())
    return float(silhouette_samples(_lab_X(), _lab_labels())[rows].mean())


def _unscaled() -> float:
    a, b = lesson.pair.shared()
    return lesson.pair_silhouette(lesson.behaviour_features(lesson.customers.shared()).to_numpy(), _lab_labels(), a, b)


class PairSilhouette(NumericExercise):
    title = "The silhouette of the two look-alike segments, computed on their rows only"
    expects = "one number between -1 and 1"
    tolerance = 1e-4
    low, high = -1, 1
    hints = [
        "Which two segments do the stakeholders mean? Their rows in the business profile are nearly identical.",
        "Keep only the rows of those two segments (np.isin(labels, [a, b])) and compute the silhouette of that "
        "two-cluster labelling, on the scaled features X.",
        "rows = np.isin(labels, [a, b]); silhouette_score(X[rows], labels[rows])",
    ]
    solution_code = """
    a, b = 2, 4  # the two segments with the same profile
    rows = np.isin(labels, [a, b])
    pair_sil = silhouette_score(X[rows], labels[rows])
    """
    mistakes = (
        Mistake("all_segments",
                "That is the mean silhouette of all five segments. Keep only the two look-alikes' rows and compute "
                "the silhouette of that two-cluster labelling: how well are *they* apart?",
                wrong=lambda: silhouette_score(_lab_X(), _lab_labels())),
        Mistake("within_full",
                "That is the average silhouette of the pair's rows in the five-segment solution, where each row's "
                "nearest other segment may be a third one. Compute it on the two segments' rows alone.",
                wrong=_within_full),
        Mistake("unscaled",
                "That was computed on unscaled features, where tenure (months) outweighs everything else. Use X, "
                "the scaled features the segments were clustered on.",
                wrong=_unscaled),
        Mistake("other_pair",
                lambda v: (f"That is the silhouette of segments {_matching_pair(v)[0]} and {_matching_pair(v)[1]}. "
                           "The look-alikes are the two whose business profiles (orders, basket, recency, discount) "
                           "are nearly the same."),
                when=lambda v: _matching_pair(v) is not None,
                example=lambda: next(iter(_other_pairs().values()))),
    )

    def reference(self):
        a, b = lesson.pair.shared()
        return lesson.pair_silhouette(_lab_X(), _lab_labels(), a, b)

    def explain(self, value):
        return "That does not match silhouette_score(X[rows], labels[rows]) for the rows of the two look-alikes."

    def correct_message(self, answer):
        table = lesson.lab_pair_silhouettes.shared().to_numpy()
        others = table[np.isfinite(table)]
        return (f"{float(answer):.3f}: the lowest of all pairs (the others run up to {others.max():.2f}), yet above "
                "0. The two are close, but not the same: something separates them. What?")


# -- q9 ---------------------------------------------------------------------------
def _customers():
    return lesson.customers.shared()


def _online():
    return _customers()["orders_online"].astype(float)


def _store():
    return _customers()["orders_store"].astype(float)


class ChannelScore(ValueExercise):
    title = "A channel-preference score per customer that does not grow with how much they buy"
    expects = "a Series of numbers, one per customer (the rows of customers): 1 = only online, 0 = only in store"
    hints = [
        "Two customers who both buy mostly online should get about the same score, whether they place 4 orders "
        "or 40. A difference of counts does not do that.",
        "Divide by the customer's total orders.",
        "channel_pref = customers['orders_online'] / (customers['orders_online'] + customers['orders_store'])",
    ]
    solution_code = """
    channel_pref = customers["orders_online"] / (customers["orders_online"] + customers["orders_store"])
    """
    mistakes = (
        Mistake("inverted", "Your score is 1 for customers who only buy in store; the question asks for 1 = only "
                            "online. Swap the numerator.", wrong=lambda: _store() / (_online() + _store())),
        Mistake("percent", "That is a percentage; give the share (0 to 1).",
                wrong=lambda: 100 * _online() / (_online() + _store())),
        Mistake("difference",
                "A difference of counts grows with how much a customer buys: 40 online and 10 store orders scores "
                "far above 4 and 1, though both prefer online just as much. Divide by the total instead.",
                wrong=lambda: _online() - _store()),
        Mistake("ratio",
                "online / store is not bounded (and is infinite for customers with no store orders). Divide by the "
                "total orders, which keeps the score between 0 and 1.",
                when=lambda s: bool(np.isinf(s).any()) or s.max() > 1.5,
                example=lambda: _online() / _store()),
    )

    def reference(self):
        return lesson.channel_pref()

    def convert(self, answer):
        ref = lesson.channel_pref.shared()
        s = answers.series(answer, self.expects, index=ref.index, numeric=True)
        if s.isna().sum() > ref.isna().sum():
            raise AnswerError(f"{int(s.isna().sum())} scores are missing (NaN); every customer here has orders.")
        return s

    def same(self, value, other):
        a, b = value.to_numpy(dtype=float), other.to_numpy(dtype=float)
        return bool(np.allclose(a, b, atol=1e-6, equal_nan=True))

    def explain(self, value):
        return "The scores differ from each customer's share of orders placed online."

    def correct_message(self, answer):
        a, b = lesson.pair.shared()
        labels = _lab_labels()
        ref = lesson.channel_pref.shared()
        return (f"Median score {ref[labels == a].median():.2f} in segment {a} and {ref[labels == b].median():.2f} in "
                f"segment {b}: one number a stakeholder can read.")


# -- q10 --------------------------------------------------------------------------
class StakeholderAnswer(WrittenExercise):
    question = """
    The interview question: "The stakeholders say two of your segments look the same. What do you do?"
    Answer in a paragraph, as you would in the interview, using what this lab measured.
    """
    rubric = {
        "a": RubricItem("checks separation with the silhouette (per segment, and of the pair on its own)",
                        keywords=("silhouette",)),
        "b": RubricItem("finds what separates them with a shallow decision tree (fidelity, top features, rules)",
                        keywords=("tree", "surrogate", "fidelity")),
        "c": RubricItem("decides: merge, engineer a differentiating feature, or change the algorithm, and says "
                        "when each fits", keywords=("merge", "feature", "algorithm", "mixture", "gaussian")),
        "d": RubricItem("measures the result of the decision (silhouette, stability, fidelity, ARI) and does not "
                        "just assert it", keywords=("measure", "stability", "ari", "fidelity", "silhouette")),
        "e": RubricItem("ties the decision to a business action (a campaign, a channel, a message)",
                        keywords=("campaign", "action", "business", "marketing", "message"), required=False),
    }
    model_answer = """
    First I check whether they really overlap: the silhouette per segment and the silhouette of the pair on its
    own rows. Here the pair scores lowest of all pairs but above zero, so they are close, not identical. Then I
    train a shallow decision tree (a surrogate) to tell the two apart; its fidelity and top features say what
    separates them: here the online and in-store order counts, so channel preference, which the profile the
    stakeholders saw did not show. Then the decision: if the business has no channel-specific action, merge
    them; if it does, engineer a channel-preference score (the online share of orders), so a one-rule tree tells
    the pair apart and the profile shows it; and if the groups were not round, try an algorithm such as a Gaussian
    mixture. I measure each option (silhouette, ARI or stability, and how readable the rule is) before I present
    it, and I tie the choice to the campaign each segment would get.
    """
    weak_answers = (
        "Add more clusters until they look different (more clusters split noise, not customers).",
        "Merge them because the stakeholders said so, without checking whether something real separates them.",
        "Switch to a fancier algorithm without first finding out what separates the two segments.",
    )
    hints = ["Separation, explanation, decision, measurement, action."]

    def diagnose(self, answer, met=None, **context):
        # The notebook's starter leaves met = ____ until the learner has read the rubric.
        return super().diagnose(answer, met=None if _is_placeholder(met) else met, **context)


q1 = GalleryFindings("q1")
q2 = CutHeight("q2")
q3 = DbscanEps("q3")
q4 = ClusterSilhouettes("q4")
q5 = Stability("q5")
q6 = TendencyVerdict("q6")
q7 = PictureReading("q7")
q8 = PairSilhouette("q8")
q9 = ChannelScore("q9")
q10 = StakeholderAnswer("q10")

EXERCISES = register(__name__, [q1, q2, q3, q4, q5, q6, q7, q8, q9, q10])
