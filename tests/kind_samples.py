"""One small exercise of every kind, for the kind tests and the junk property test."""

from __future__ import annotations

from course_utils.course.declare import Mistake
from course_utils.course.kinds import (
    ChoiceExercise,
    MatchingExercise,
    NumericExercise,
    Option,
    OrderingExercise,
    RubricItem,
    WrittenExercise,
)


class Share(NumericExercise):
    title = "Share of customers who bought twice"
    expects = "one number between 0 and 1"
    tolerance = 0.005
    share = True
    hints = ["repeat buyers / all buyers"]
    solution_code = "share = 30 / 120"
    mistakes = (
        Mistake("inverted", "That is the share who bought once; take the repeat buyers.", wrong=lambda: 1 - 0.25),
        Mistake("count", "That is the number of repeat buyers; divide by all buyers.", wrong=lambda: 30),
    )

    def reference(self):
        return 30 / 120


class KMeansAssumption(ChoiceExercise):
    question = "Which shape of group does K-Means assume?"
    options = {
        "a": Option("Round groups of similar size", correct=True,
                    feedback="Right: it assigns each point to the nearest centre, which cuts space into convex cells."),
        "b": Option("Any shape, as long as groups are dense",
                    feedback="That is DBSCAN's view; K-Means splits a ring or a crescent."),
        "c": Option("Groups that differ in density",
                    feedback="Density plays no part in K-Means: only distance to the nearest centre does."),
    }
    hints = ["Think of how a point is assigned."]


class SilhouetteTruths(ChoiceExercise):
    question = "Which statements about the silhouette are true?"
    multiple = True
    options = {
        "a": Option("It lies between -1 and 1", correct=True, feedback="Right: (b - a) / max(a, b)."),
        "b": Option("A high mean silhouette proves the clusters are real",
                    feedback="No: K-Means on uniform noise can score a respectable silhouette."),
        "c": Option("A negative value means the point is closer to another cluster", correct=True,
                    feedback="Right: b < a for that point."),
    }
    hints = ["Recall a and b."]


class PipelineOrder(OrderingExercise):
    question = "Put the RFM pipeline in order."
    items = {"a": "clean the transactions", "b": "compute RFM", "c": "log and scale", "d": "K-Means"}
    order = ["a", "b", "c", "d"]
    reasons = {"b": "RFM is computed from clean lines.", "c": "You scale what RFM produced.",
               "d": "K-Means needs scaled features."}
    hints = ["What does each step need?"]


class AlgorithmShapes(MatchingExercise):
    question = "Match each algorithm with the groups it finds well."
    left = {"k": "K-Means", "d": "DBSCAN"}
    right = {"r": "round groups", "a": "arbitrary dense shapes"}
    pairs = {"k": "r", "d": "a"}
    feedback = {("k", "a"): "K-Means cuts space into convex cells; a crescent gets split."}
    hints = ["Which one uses density?"]


class LookAlikes(WrittenExercise):
    question = "Stakeholders say two of your segments look the same. What do you do?"
    rubric = {
        "a": RubricItem("check separation with the silhouette", keywords=("silhouette",)),
        "b": RubricItem("find the features that separate them with a decision tree", keywords=("tree",)),
        "c": RubricItem("decide: merge, engineer a feature, or change the algorithm",
                        keywords=("merge", "feature", "algorithm")),
        "d": RubricItem("tie it back to a business action", keywords=("campaign", "action"), required=False),
    }
    model_answer = (
        "First I check whether they really overlap: the silhouette of each cluster and of the pair. Then a "
        "shallow decision tree trained to tell the two apart shows which features separate them. If nothing "
        "separates them, I merge them; if one feature does, such as channel preference, I engineer a feature that "
        "makes the difference visible, or try an algorithm that does not assume round groups. Either way I show "
        "the campaign each segment would get."
    )
    weak_answers = ("Add more clusters until they look different.",)
    min_words = 20
    hints = ["Separation, explanation, decision."]


def samples():
    return [Share("q1", "98"), KMeansAssumption("q2", "98"), SilhouetteTruths("q3", "98"), PipelineOrder("q4", "98"),
            AlgorithmShapes("q5", "98"), LookAlikes("q6", "98")]
