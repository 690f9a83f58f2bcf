"""Exercises for notebook 06, interview drills.

Case (a), two segments look the same    q1 silhouette of the pair, q2 the surrogate tree, q3 the decision,
                                         q4 the answer in words (written)
Case (b), a simpler model told with STAR q5 lift against the holdout, q6 the STAR answer (written)
Coding drills                            q7 RFM in SQL, q8 RFM in pandas, q9 sessions, q10 argue a k,
                                         q11 the bugs of a pipeline, q12 its fixed result
Quick-fire                               q13 to q21 (choices from the drill's question bank)
Business framing                         q22 a segment for a marketer (written), q23 jobs to be done,
                                         q24 journey stages, q25 KPIs, q26 production talking points (written)

The quick-fire questions, q4, q22, q25 and q26 are items of the drill's question bank
(``python -m course_utils drill`` asks them too), judged the same way here and there.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from course_utils import clustering
from course_utils.clustering import ClusterExplanation
from course_utils.course import answers, drill
from course_utils.course.answers import AnswerError, id_key
from course_utils.course.checks import ____  # noqa: F401 (re-exported for the notebook)
from course_utils.course.declare import Mistake
from course_utils.course.kinds import (
    ChoiceExercise,
    MatchingExercise,
    NumericExercise,
    Option,
    RubricItem,
    ValueExercise,
    WrittenExercise,
)
from course_utils.course.registry import register
from course_utils.lessons import nb06 as lesson

BANK = drill.load_bank()


def bank_exercise(item_id: str, name: str):
    """The exercise of one question-bank item, named for this notebook."""
    return BANK[item_id].exercise(name)


# -- q1: silhouette of the pair -------------------------------------------------------------------
def _pair_mask() -> np.ndarray:
    return np.isin(lesson.lookalike_labels.shared(), lesson.lookalike_pair.shared())


def _silhouette(X, labels) -> float:
    from sklearn.metrics import silhouette_score

    return float(silhouette_score(X, labels))


class PairSilhouette(NumericExercise):
    title = "The silhouette of the two look-alike segments, on the features the model used"
    expects = "one number between -1 and 1"
    tolerance = 0.005
    low, high = -1, 1
    hints = [
        "Keep only the customers of the two segments in `pair` (a boolean mask on `labels`), then compute the "
        "silhouette of those rows of `X` with their labels.",
        "mask = np.isin(labels, pair); silhouette_score(X[mask], labels[mask])",
        "See solution().",
    ]
    solution_code = """
    in_pair = np.isin(labels, pair)
    sil_pair = silhouette_score(X[in_pair], labels[in_pair])
    """
    mistakes = (
        Mistake("all_segments",
                "That is the silhouette of all four segments. The question is whether these two are separated from "
                "each other: keep only their customers.",
                wrong=lambda: _silhouette(lesson.lookalike_X.shared(), lesson.lookalike_labels.shared())),
        Mistake("unscaled",
                "That is computed on the raw features, where monetary (hundreds of pounds) drowns the app share "
                "(0 to 1). Use X, the scaled features the segmentation was fitted on.",
                wrong=lambda: _silhouette(lesson.lookalike_customers.shared().loc[_pair_mask(), lesson.FEATURES],
                                          lesson.lookalike_labels.shared()[_pair_mask()]),
                tolerance=0.0003),
        Mistake("rfm_only",
                "That is computed on recency, frequency and monetary alone: what the dashboard shows, and there the "
                "two do overlap. Use every feature the model used (all of X).",
                wrong=lambda: lesson.pair_silhouette_rfm_only.shared(), tolerance=0.0003),
        Mistake("near_zero",
                "A silhouette near 0 says the two overlap on the features you used. Were they the features the model "
                "used, scaled (X)?",
                when=lambda v: abs(v) < 0.05, example=lambda: 0.01),
    )

    def reference(self):
        return lesson.pair_silhouette.shared()

    def correct_message(self, answer):
        return (f"{float(answer):.2f}: on everything the model used, the two are well separated. On R, F and M alone "
                f"it is {lesson.fixed(lesson.pair_silhouette_rfm_only.shared())}: that is why they look the same on "
                "the dashboard.")


# -- q2: the surrogate tree -----------------------------------------------------------------------
def _pair_classes() -> set:
    return {str(v) for v in lesson.lookalike_pair.shared()}


def _is_explanation(a) -> bool:
    return isinstance(a, ClusterExplanation)


def _classes(e) -> set:
    return set(e.classes) if isinstance(e, _Explained) else {str(c) for c in e.tree.classes_}


class _Explained(NamedTuple):
    """What q2 judges of a ClusterExplanation; the learner's kernel sends this to the grader."""

    classes: list
    feature_names: list
    top_features: list


class PairExplanation(ValueExercise):
    title = "Explain the two look-alike segments with a decision-tree surrogate, in units a stakeholder knows"
    expects = "the ClusterExplanation that clustering.explain_clusters returns"
    hints = [
        "Train the surrogate on the two segments' customers only, with the features in their original units "
        "(the DataFrame `customers[features]`, not X).",
        "clustering.explain_clusters(customers.loc[in_pair, features], labels[in_pair])",
        "See solution().",
    ]
    solution_code = """
    explanation = clustering.explain_clusters(customers.loc[in_pair, features], labels[in_pair], max_depth=3)
    """
    mistakes = (
        Mistake("a_name", "You named a feature; give the explanation itself (what explain_clusters returns), so the "
                          "check can see what it was trained on.",
                when=lambda a: isinstance(a, (str, list, tuple)), raw=True, example=lambda: "app_share"),
        Mistake("all_segments",
                lambda e: (f"Your tree tells {len(_classes(e))} segments apart. The stakeholders asked about two: "
                           "train it on those two segments' customers only, so it finds what separates them."),
                when=lambda e: _classes(e) != _pair_classes() and len(_classes(e)) > 2,
                example=lambda: clustering.explain_clusters(
                    lesson.lookalike_customers.shared()[lesson.FEATURES], lesson.lookalike_labels.shared())),
        Mistake("scaled_features",
                "Your features are unnamed columns (x0, x1, ...): you passed the scaled array. Pass the DataFrame in "
                "original units, so the rules read in days, orders, pounds and app share.",
                when=lambda e: all(str(n).startswith("x") and str(n)[1:].isdigit() for n in e.feature_names),
                example=lambda: clustering.explain_clusters(
                    lesson.lookalike_X.shared()[_pair_mask()], lesson.lookalike_labels.shared()[_pair_mask()])),
        Mistake("without_app_share",
                "Your tree never saw app_share: it can only find differences in the features you give it. Give it "
                "every feature the segmentation used.",
                when=lambda e: "app_share" not in e.feature_names,
                example=lambda: clustering.explain_clusters(
                    lesson.lookalike_customers.shared().loc[_pair_mask(), lesson.RFM],
                    lesson.lookalike_labels.shared()[_pair_mask()])),
    )

    carries = True  # a fitted tree cannot travel to the grader: the kernel sends what the check reads of it

    def reference(self):
        return lesson.pair_explanation()

    def convert(self, answer):
        if not _is_explanation(answer):
            raise answers.expected(self.expects, answer)
        return answer

    def carry(self, e):
        return [sorted(_classes(e)), [str(n) for n in e.feature_names], [str(n) for n in e.top_features]]

    def uncarry(self, data):
        classes, names, top = data
        return _Explained(list(classes), list(names), list(top))

    def precheck(self, e):
        classes = _classes(e)
        if len(classes) == 2 and classes != _pair_classes():
            pair = sorted(_pair_classes())
            return (f"Your tree tells segments {sorted(classes)} apart; the look-alikes are {pair}. Build the mask "
                    "from `pair`.")
        return None

    def same(self, value, other):
        return _classes(value) == _classes(other) and value.top_features[:1] == other.top_features[:1]

    def accepts(self, e):
        return self.same(e, lesson.pair_explanation.shared())

    def explain(self, e):
        return (f"Your tree's most important feature is {e.top_features[:1]}; with the two segments' customers and "
                "all four features it should be another. Check the mask and the columns.")

    def correct_message(self, answer):
        e = lesson.pair_explanation.shared()
        return (f"{e.top_features[0]} tells them apart (fidelity {e.fidelity:.0%} on held-out customers). The "
                "difference was real, only invisible on an RFM dashboard.")


# -- q3: the decision -----------------------------------------------------------------------------
class LookalikeDecision(ChoiceExercise):
    question = "With what you measured in q1 and q2, what do you recommend to the stakeholders?"
    options = {
        "a": Option("Merge the two segments: their recency, frequency and spend are the same",
                    feedback="They differ clearly in how they buy (q1 and q2): merging would throw away a difference "
                             "a campaign can use."),
        "b": Option("Keep both; add a channel-preference score to the profile and give each a channel-specific "
                    "campaign", correct=True,
                    feedback="Right: the segments are real and separated; the dashboard just did not show the feature "
                             "that separates them. Make it visible and actionable."),
        "c": Option("Raise k until the two segments look different on the dashboard",
                    feedback="More clusters split groups further; they do not make the existing difference visible."),
        "d": Option("Refit with DBSCAN, since K-Means assumes round clusters",
                    feedback="A non-spherical method helps when real groups are cut badly; here the two are well "
                             "separated already (q1). The problem is explaining them."),
    }
    hints = ["The silhouette says whether they are separated; the tree says by what."]


# -- case (b): lift against the holdout -------------------------------------------------------------
def _segment_lift_mean() -> float:
    t = lesson.campaign.shared()
    r = t.groupby(["segment", "group"])["responded"].mean().unstack()
    return float((r["campaign"] / r["holdout"] - 1).mean())


class CampaignLift(NumericExercise):
    title = "The campaign's relative lift against the random holdout"
    expects = "the relative lift as a share (0.10 for +10%)"
    tolerance = 0.0005
    share = True
    hints = [
        "Response rate of the campaign group and of the holdout group, this quarter. Lift = campaign / holdout - 1.",
        "rates = campaign.groupby('group')['responded'].mean(); rates['campaign'] / rates['holdout'] - 1",
        "See solution().",
    ]
    solution_code = """
    rates = campaign.groupby("group")["responded"].mean()
    lift = rates["campaign"] / rates["holdout"] - 1
    """
    mistakes = (
        Mistake("before_after",
                "That compares the campaign group with its own response last quarter (before/after). The season "
                "moved response for everyone; the holdout, in the same quarter, is the fair comparison.",
                wrong=lambda: lesson.campaign_numbers.shared()["before_after"]),
        Mistake("ratio", "That is the ratio of the two response rates; the lift is the ratio minus 1.",
                wrong=lambda: lesson.campaign_numbers.shared()["lift"] + 1),
        Mistake("points",
                "That is the difference in percentage points. Quote it too, but the relative lift divides it by the "
                "holdout's rate.",
                wrong=lambda: lesson.campaign_numbers.shared()["diff"]),
        Mistake("mean_of_segments",
                "That is the average of the four segments' lifts, which weighs a small segment as much as a large "
                "one. Compare the two groups' overall response rates.",
                wrong=_segment_lift_mean),
    )

    def reference(self):
        return lesson.campaign_numbers.shared()["lift"]

    def correct_message(self, answer):
        n = lesson.campaign_numbers.shared()
        return (f"+{n['lift']:.0%}: {n['campaign']:.2%} against {n['holdout']:.2%}, about "
                f"{n['extra_responders']:.0f} extra responders.")


def _star_model_answer() -> str:
    n = lesson.campaign_numbers.shared()
    return (
        "Situation: the CRM team needed customer segments for its quarterly campaigns, and a deep embedding model "
        "built earlier gave clusters nobody could explain. Task: deliver segments the team could act on within the "
        "quarter. Action: I built a simpler pipeline, PCA on scaled behavioural features and K-Means, with k chosen "
        "by silhouette and bootstrap stability, and compared it with the black box: nearly as good on held-out "
        "measures, stable, and every segment fit in one sentence. Result: the team adopted it because they "
        "understood it. We kept a random tenth of each segment as a holdout: the campaign group responded at "
        f"{n['campaign']:.2%} against {n['holdout']:.2%} in the control group, a relative lift of {n['lift']:.0%} "
        f"(about {n['extra_responders']:.0f} extra responders). A before/after comparison would have claimed "
        f"{n['before_after']:.0%}, because the season lifted everyone. What I learned: agree on the holdout before "
        "the campaign starts."
    )


class StarAnswer(WrittenExercise):
    question = "Tell me about a time you chose a simpler model over a more complex one (STAR)."
    rubric = {
        "a": RubricItem("situation and task: who needed what, under which constraint",
                        keywords=("situation", "crm", "team", "needed")),
        "b": RubricItem("action: the simpler model (e.g. PCA + K-Means) and why you chose it over the black box",
                        keywords=("pca", "k-means", "kmeans", "simpler")),
        "c": RubricItem("result with a number, measured against a random holdout (not before/after)",
                        keywords=("holdout", "hold-out", "control")),
        "d": RubricItem("adoption: the team used it because they understood it",
                        keywords=("adopt", "used it", "understood")),
        "e": RubricItem("what you learned", keywords=("learn", "next time", "would do"), required=False),
    }
    weak_answers = (
        "\"Response went up from 3% to 5% after launch.\" Before/after mixes the campaign with the season.",
        "\"The simpler model was more accurate.\" Often it is not; say why simple won: explainable, stable, adopted.",
        "A result with no number, or a number with no comparison group.",
    )
    min_words = 60
    hints = ["S, T, A, R, and a number in the R measured against the holdout you computed in q5."]

    @property
    def model_answer(self):
        return _star_model_answer()


# -- coding drills: RFM from raw lines ------------------------------------------------------------
RFM_EXPECTS = "a DataFrame with one row per CustomerID and columns recency, frequency, monetary"


def _guest_row(a) -> bool:
    if not isinstance(a, pd.DataFrame):
        return False
    cols = {str(c).lower(): c for c in a.columns}
    ids = a[cols["customerid"]] if "customerid" in cols else a.index.to_series()
    return bool(pd.isna(ids).any())


def _day(ts) -> str:
    return f"{ts.day} {ts:%b}"


def _snapshot_shift(mistake: str) -> int:
    """How many days a declared snapshot mistake moves every customer's recency."""
    lines = lesson.raw_lines.shared()
    wrong = {"snapshot_day": lesson.rfm_snapshot(lines, day_after=False),
             "snapshot_customers_only": lesson.rfm_snapshot(lines, customers_only=True)}[mistake]
    return (wrong - lesson.rfm_snapshot(lines)).days


def _recency_shift(value):
    """The number of days by which the answer's recency differs from the reference for every customer alike, or None."""
    ref = lesson.rfm_reference.shared()["recency"]
    ref = pd.Series(ref.to_numpy(dtype=float), index=[id_key(v) for v in ref.index])
    if set(ref.index) != set(value.index):
        return None
    diff = (value.loc[ref.index, "recency"] - ref).to_numpy()
    if not np.allclose(diff, diff[0]) or np.isclose(diff[0], 0) or not float(diff[0]).is_integer():
        return None
    return int(diff[0])


def _customers_only_message(value) -> str:
    lines = lesson.raw_lines.shared()
    right, yours = lesson.rfm_snapshot(lines), lesson.rfm_snapshot(lines, customers_only=True)
    last, last_known = lines["InvoiceDate"].max(), lines.loc[lines["CustomerID"].notna(), "InvoiceDate"].max()
    days = (right - yours).days
    return (f"Recency is {days} days short for every customer: your snapshot ({_day(yours)}) is the day after the "
            f"last line with a customer ({_day(last_known)}), but the extract runs to {_day(last)} (a line without "
            f"a customer), so the snapshot is {_day(right)}. Take the snapshot from the whole extract, before "
            "leaving out the lines without a CustomerID")


def _shifted_message(value) -> str:
    shift = _recency_shift(value)
    right = lesson.rfm_snapshot(lesson.raw_lines.shared())
    yours = right + pd.Timedelta(days=shift)
    days = f"{abs(shift)} day{'' if abs(shift) == 1 else 's'}"
    return (f"Recency is {days} {'too long' if shift > 0 else 'short'} for every customer alike: the customers' "
            f"dates are right, the snapshot is not. Yours works out at {_day(yours)} {yours.year}; the drill's is "
            f"{_day(right)} {right.year}, midnight after the last InvoiceDate of the whole extract (lines without a "
            "customer included)")


def _other_shift(value) -> bool:
    shift = _recency_shift(value)
    return shift is not None and shift not in {_snapshot_shift("snapshot_day"),
                                               _snapshot_shift("snapshot_customers_only")}


class RFMFromLines(ValueExercise):
    expects = RFM_EXPECTS
    hints = [
        "Leave out lines without a CustomerID. Frequency and recency use the orders (invoices not starting with "
        "C); monetary sums Quantity x UnitPrice over all the customer's lines, so cancellations net out.",
        "The snapshot is the day after the last InvoiceDate of the whole extract (lines without a customer "
        "included), at midnight; recency is whole days from it back to the day of the customer's last order "
        "(cancellations are not orders).",
        "See solution().",
    ]
    mistakes = (
        Mistake("guests", "One row has no CustomerID: guest lines belong to nobody. Filter them out "
                          "(WHERE CustomerID IS NOT NULL, or notna()).",
                when=_guest_row, raw=True,
                example=lambda: lesson.rfm_from_lines(lesson.raw_lines.shared(), keep_guests=True).reset_index()),
        Mistake("lines_counted", "Frequency counts lines, not orders: use the number of distinct invoices.",
                wrong=lambda: lesson.rfm_from_lines(lesson.raw_lines.shared(), count_lines=True)),
        Mistake("cancellations_dropped",
                "Monetary is too high for customers who cancelled: keep the cancellation lines in the sum, their "
                "negative amounts net out the cancelled purchases.",
                wrong=lambda: lesson.rfm_from_lines(lesson.raw_lines.shared(), drop_cancellations=True)),
        Mistake("cancellations_as_orders",
                "A cancellation is not an order: count (and date) only invoices that do not start with C.",
                wrong=lambda: lesson.rfm_from_lines(lesson.raw_lines.shared(), cancellations_as_orders=True)),
        Mistake("snapshot_day", "Recency is one day short for everyone: the snapshot is the day after the last "
                                "invoice date, at midnight.",
                wrong=lambda: lesson.rfm_from_lines(lesson.raw_lines.shared(), day_after=False)),
        Mistake("snapshot_customers_only", _customers_only_message,
                wrong=lambda: lesson.rfm_from_lines(lesson.raw_lines.shared(), snapshot_from_customers=True)),
        Mistake("snapshot_shifted", _shifted_message, when=_other_shift,
                example=lambda: lesson.rfm_reference.shared().assign(
                    recency=lambda t: t["recency"] + 30)),
    )
    report_all = True

    def reference(self):
        return lesson.rfm_reference()

    def convert(self, answer):
        table = answers.frame(answer, self.expects, columns=("recency", "frequency", "monetary"),
                              index_col="customerid", lower=True)

        def clean():
            out = table[["recency", "frequency", "monetary"]].apply(pd.to_numeric, errors="coerce").astype(float)
            if out.isna().any().any():
                bad = out.columns[out.isna().any()].tolist()
                raise AnswerError(f"Column(s) {bad} have missing or non-numeric values.")
            keys = [id_key(v) for v in out.index]
            if len(set(keys)) != len(keys):
                raise AnswerError("Some CustomerID appears on several rows: group by CustomerID.")
            out.index = keys
            return out

        return answers.guard(self.expects, answer, clean)

    def precheck(self, value):
        want = {id_key(v) for v in lesson.rfm_reference.shared().index}
        got = set(value.index)
        if got != want:
            if isinstance(value.index, pd.RangeIndex) or got == {str(i) for i in range(len(got))}:
                return "Your rows are numbered 0, 1, 2, ...: keep CustomerID as a column or as the index."
            missing, extra = want - got, got - want
            return (f"Expected the {len(want)} customers of the extract: {len(missing)} are missing and "
                    f"{len(extra)} are not customers (e.g. {sorted(missing or extra)[0]!r}).")
        return None

    def _frame(self, other) -> pd.DataFrame:
        out = other[["recency", "frequency", "monetary"]].astype(float).copy()
        out.index = [id_key(v) for v in out.index]
        return out

    def same(self, value, other):
        o = self._frame(other)
        if set(o.index) != set(value.index):
            return False
        v = value.loc[o.index]
        return bool(np.allclose(v[["recency", "frequency"]], o[["recency", "frequency"]])
                    and np.allclose(v["monetary"], o["monetary"], atol=0.01))

    def same_as(self, value, wrong, mistake):
        """A mistake is recognised column by column (several can show at once)."""
        o = self._frame(wrong)
        ref = self._frame(lesson.rfm_reference.shared())
        if set(o.index) != set(value.index):
            return False
        v = value.loc[o.index]
        for col in ("recency", "frequency", "monetary"):
            atol = 0.01 if col == "monetary" else 1e-9
            differs = not np.allclose(o[col], ref.loc[o.index, col], atol=atol)
            if differs and np.allclose(v[col], o[col], atol=atol):
                return True
        return False

    def accepts(self, value):
        return self.same(value, lesson.rfm_reference.shared())

    def explain(self, value):
        ref = self._frame(lesson.rfm_reference.shared())
        v = value.loc[ref.index]
        parts = []
        for col in ("recency", "frequency", "monetary"):
            atol = 0.01 if col == "monetary" else 1e-9
            off = ~np.isclose(v[col], ref[col], atol=atol)
            if off.any():
                first = ref.index[np.flatnonzero(off)[0]]
                parts.append(f"{col} differs for {int(off.sum())} customers (e.g. {first}: yours "
                             f"{v.loc[first, col]:g}, expected {ref.loc[first, col]:g})")
        return "; ".join(parts) + "."

    def correct_message(self, answer):
        ref = lesson.rfm_reference.shared()
        return (f"{len(ref)} customers; median recency {ref['recency'].median():.0f} days, median frequency "
                f"{ref['frequency'].median():.0f} orders.")


class RFMInSQL(RFMFromLines):
    title = "RFM from the raw lines, in SQL on DuckDB"
    solution_code = """
    con = duckdb.connect()
    con.register("lines", lines)
    rfm_sql = con.sql(\"\"\"
        WITH known AS (
            SELECT *, Quantity * UnitPrice AS amount, InvoiceNo LIKE 'C%' AS is_cancel
            FROM lines WHERE CustomerID IS NOT NULL
        ),
        snap AS (SELECT CAST(max(InvoiceDate) AS DATE) + 1 AS snapshot FROM lines)
        SELECT CustomerID,
               date_diff('day', CAST(max(InvoiceDate) FILTER (WHERE NOT is_cancel) AS DATE),
                         any_value(snapshot)) AS recency,
               count(DISTINCT InvoiceNo) FILTER (WHERE NOT is_cancel) AS frequency,
               sum(amount) AS monetary
        FROM known, snap
        GROUP BY CustomerID
        ORDER BY CustomerID
    \"\"\").df()
    """


class RFMInPandas(RFMFromLines):
    title = "RFM from the raw lines, in pandas"
    solution_code = """
    known = lines[lines["CustomerID"].notna()].assign(amount=lines["Quantity"] * lines["UnitPrice"])
    orders = known[~known["InvoiceNo"].str.startswith("C")]
    snapshot = lines["InvoiceDate"].max().normalize() + pd.Timedelta(days=1)
    by_customer = orders.groupby("CustomerID")
    rfm_pandas = pd.DataFrame({
        "recency": (snapshot - by_customer["InvoiceDate"].max().dt.normalize()).dt.days,
        "frequency": by_customer["InvoiceNo"].nunique(),
        "monetary": known.groupby("CustomerID")["amount"].sum(),
    })
    """


# -- sessions ---------------------------------------------------------------------------------------
class SessionCount(NumericExercise):
    title = "How many sessions are in the click log, with a 30-minute inactivity gap?"
    expects = "a whole number of sessions"
    whole = True
    low = 0
    hints = [
        "Sort by user and time; a session starts at a user's first click and after a silence longer than 30 minutes.",
        "gaps = clicks.sort_values([...]).groupby('user_id')['timestamp'].diff(); count gaps.isna() | (gaps > 30min)",
        "See solution().",
    ]
    solution_code = """
    ordered = clicks.sort_values(["user_id", "timestamp"])
    gaps = ordered.groupby("user_id")["timestamp"].diff()
    n_sessions = int((gaps.isna() | (gaps > pd.Timedelta(minutes=30))).sum())
    """
    mistakes = (
        Mistake("unsorted", "The log is out of order: sort by user and time before taking differences.",
                wrong=lambda: lesson.sessions_counted(sort=False)),
        Mistake("not_per_user",
                "You took time differences across users: a user's first click was compared with the previous user's "
                "last one. Group by user.",
                wrong=lambda: lesson.sessions_counted(per_user=False)),
        Mistake("inclusive", "Pauses of exactly 30 minutes started new sessions: only a silence longer than the gap "
                             "does (use >, not >=).",
                wrong=lambda: lesson.sessions_counted(inclusive=True)),
        Mistake("seconds", "That gap is 30 seconds, not 30 minutes: pd.Timedelta(minutes=30).",
                wrong=lambda: lesson.sessions_counted(gap=pd.Timedelta(seconds=30))),
        Mistake("breaks", "That counts the breaks between sessions, not the sessions (each user's first click starts "
                          "one too).",
                wrong=lambda: lesson.n_sessions.shared() - lesson.clicks.shared()["user_id"].nunique()),
    )

    def reference(self):
        return lesson.n_sessions.shared()

    def correct_message(self, answer):
        c = lesson.clicks.shared()
        return f"{int(answer)} sessions for {c['user_id'].nunique()} users ({len(c)} clicks)."


# -- argue a k ---------------------------------------------------------------------------------------
def _curves() -> pd.DataFrame:
    return lesson.k_curves.shared().set_index("k")


class ArgueK(NumericExercise):
    title = "Which k do you present, from the elbow, silhouette and stability curves?"
    expects = "a whole number k"
    whole = True
    hints = [
        "Keep the ks whose stability (mean ARI) is at least 0.85 and whose silhouette is within 0.05 of the best; "
        "among them, the largest is the most actionable.",
        "clustering.defensible_ks(curves) lists them; check you agree with what the plot shows.",
        "See solution().",
    ]
    solution_code = """
    k_chosen = clustering.choose_k(curves)
    """
    mistakes = (
        Mistake("silhouette_only",
                lambda v: (f"k = {int(v)} has the best silhouette, but k = {lesson.k_choice.shared()} is as stable and "
                           "within 0.05 of it, and splits the data into more groups a team can act on."),
                wrong=lambda: int(_curves()["silhouette"].idxmax())),
        Mistake("unstable",
                lambda v: (f"k = {int(v)} is not stable: mean ARI {_curves().loc[int(v), 'mean_ari']:.2f} across "
                           "resamples (below 0.85). Its clusters change when the data changes a little."),
                when=lambda v: int(v) in _curves().index and _curves().loc[int(v), "mean_ari"] < 0.85,
                example=lambda: int(_curves().index[_curves()["mean_ari"] < 0.85][0])),
        Mistake("not_measured", lambda v: f"The curves cover k = 2 to 9; {int(v)} was not measured.",
                when=lambda v: int(v) not in _curves().index, example=lambda: 12),
    )

    def reference(self):
        return lesson.k_choice.shared()

    def explain(self, value):
        c = _curves().loc[int(value)]
        return (f"k = {int(value)} is stable enough (ARI {c['mean_ari']:.2f}) but its silhouette "
                f"({c['silhouette']:.2f}) is more than 0.05 below the best.")

    def correct_message(self, answer):
        c = _curves()
        k = int(answer)
        return (f"k = {k}: silhouette {c.loc[k, 'silhouette']:.2f} (best {c['silhouette'].max():.2f}), stability "
                f"{c.loc[k, 'mean_ari']:.2f}, and the knee of the elbow agrees.")


# -- the broken pipeline ----------------------------------------------------------------------------
class PipelineBugs(ChoiceExercise):
    question = "Which lines of `weekly_segments` and the comparison below it are bugs?"
    multiple = True
    options = {
        "a": Option("`recent = events[events['week'] >= week - 3]`", correct=True,
                    feedback="A leak from the future: with no upper bound, week 7's features include weeks 8 to 10, "
                             "which did not exist on the Monday of week 7."),
        "b": Option("`.agg(orders=..., spend=..., app_share=...)` per customer",
                    feedback="Fine: orders, spend and app share per customer over the window are sensible features."),
        "c": Option("`KMeans(n_clusters=3, ...).fit_predict(feats)`", correct=True,
                    feedback="Scaling forgotten: spend (tens to hundreds of pounds) drowns orders (a handful) and "
                             "app share (0 to 1)."),
        "d": Option("`both = seg7.index.intersection(seg8.index)`",
                    feedback="Fine: migration is measured on customers present in both weeks."),
        "e": Option("`moved = (seg7[both] != seg8[both]).mean()`", correct=True,
                    feedback="Labels compared without matching: each week's K-Means numbers its clusters anew, so "
                             "'segment 0' in week 7 need not be 'segment 0' in week 8. Match them first."),
        "f": Option("`random_state=0`",
                    feedback="Fine, and needed: the same data gives the same segments."),
    }
    hints = ["Three bugs: one about time, one about units, one about names."]


class FixedMovedShare(NumericExercise):
    title = "Share of customers who changed segment from week 7 to week 8, with the pipeline fixed"
    expects = "a share between 0 and 1"
    tolerance = 0.0005
    share = True
    hints = [
        "Fix all three: bound the window (week - 3 to week), scale the features, and match week 8's segments to "
        "week 7's before comparing.",
        "clustering.match_labels(seg7[both], seg8[both]) maps each week-8 label to its week-7 partner.",
        "See solution().",
    ]
    solution_code = """
    def weekly_segments_fixed(events, week):
        recent = events[(events["week"] >= week - 3) & (events["week"] <= week)]
        feats = recent.groupby("customer_id").agg(orders=("amount", "size"), spend=("amount", "sum"),
                                                  app_share=("app", "mean"))
        X = StandardScaler().fit_transform(feats)
        labels = KMeans(n_clusters=3, n_init=10, random_state=0).fit_predict(X)
        return pd.Series(labels, index=feats.index)

    seg7, seg8 = weekly_segments_fixed(events, 7), weekly_segments_fixed(events, 8)
    both = seg7.index.intersection(seg8.index)
    mapping = clustering.match_labels(seg7[both], seg8[both])
    moved_fixed = float((seg8[both].map(mapping) != seg7[both]).mean())
    """
    mistakes = (
        Mistake("not_matched", "Still comparing labels without matching them: map week 8's segments to week 7's "
                               "(clustering.match_labels) before counting moves.",
                wrong=lambda: lesson.moved_share(match=False)),
        Mistake("not_scaled", "The features are still unscaled: spend decides the segments. StandardScaler first.",
                wrong=lambda: lesson.moved_share(scale=False)),
        Mistake("leak", "The window still reaches into the future (weeks after the scoring week): bound it with "
                        "events['week'] <= week. A leak makes segments look steadier than they are.",
                wrong=lambda: lesson.moved_share(leak=True)),
        Mistake("nothing_fixed", "That is the broken pipeline's number: fix the three bugs first.",
                wrong=lambda: lesson.moved_broken.shared()),
    )

    def reference(self):
        return lesson.moved_fixed.shared()

    def correct_message(self, answer):
        planted = lesson.planted_moves.shared()
        return (f"{float(answer):.1%} moved, where the broken pipeline reported {lesson.moved_broken.shared():.1%}. "
                f"Of the {planted['moved']} customers who moved, {planted['switchers_moved']} are among the "
                f"{planted['switchers']} planted to switch in week 8 (bargain hunters turned app regulars): one week "
                "of new behaviour barely moves a four-week average.")


# -- business framing --------------------------------------------------------------------------------
class JobsToBeDone(MatchingExercise):
    question = "Match each segment with the job it hires the product (or the service) to do."
    left = {
        "w": "Wholesale buyers: small shops ordering large quantities before each season (notebook 01)",
        "s": "Sport followers: match reports and live blogs across a stretch of the sport beat (notebook 03)",
        "k": "Family viewers: kids' titles on the TV after school and at weekends (notebook 05)",
        "r": "Lapsing regulars: ordered every month in their first year, silent for seven months",
    }
    right = {
        "1": "Keep up with my team while things happen",
        "2": "Stock my shop's shelves before the season without running out",
        "3": "Find something safe to put on for the kids, quickly",
        "4": "Reorder what I usually buy without any effort",
        "5": "Compare prices across shops to pay the least",
    }
    pairs = {"w": "2", "s": "1", "k": "3", "r": "4"}
    feedback = {
        ("w", "5"): "Wholesalers care about price, but their job is supply: running out costs them more than a "
                    "few pence.",
        ("r", "5"): "Nothing says they left for a cheaper shop; their history says they valued convenience.",
        ("k", "1"): "Live events are the sport followers' job; families want something safe, fast.",
        ("s", "3"): "Sport readers follow events as they happen.",
    }
    hints = ["A job is the progress the customer is trying to make, in their words."]


class JourneyStages(MatchingExercise):
    question = "Match each segment with its customer-journey stage and that stage's goal."
    left = {
        "n": "New customers: first order in the last 30 days",
        "g": "Growing customers: three orders in four months, baskets getting larger",
        "c": "Champions: frequent, recent, high spend, they write reviews",
        "l": "Lapsing regulars: no order for 200 days after a busy first year",
    }
    right = {
        "o": "Onboarding: get the second order",
        "d": "Development: widen what they buy (cross-sell)",
        "a": "Advocacy: referrals, reviews, early access",
        "w": "Win-back: remind and re-engage before they churn",
        "q": "Awareness: first contact with the brand",
    }
    pairs = {"n": "o", "g": "d", "c": "a", "l": "w"}
    feedback = {
        ("n", "q"): "They have already bought: awareness is behind them; the next step is a second order.",
        ("l", "a"): "Asking a lapsing customer for referrals misreads the moment: win them back first.",
        ("c", "d"): "Champions already buy widely; give them a voice (advocacy).",
        ("g", "o"): "Three orders in: they are past onboarding and growing.",
    }
    hints = ["Recency and frequency say where in the journey a customer is."]


q1 = PairSilhouette("q1")
q2 = PairExplanation("q2")
q3 = LookalikeDecision("q3")
q4 = bank_exercise("int-lookalike-strategy", "q4")
q5 = CampaignLift("q5")
q6 = StarAnswer("q6")
q7 = RFMInSQL("q7")
q8 = RFMInPandas("q8")
q9 = SessionCount("q9")
q10 = ArgueK("q10")
q11 = PipelineBugs("q11")
q12 = FixedMovedShare("q12")
#: The quick-fire questions, from the question bank, in the order the notebook asks them.
QUICK_FIRE = [
    "kmeans-assumptions",
    "kmeans-silhouette-meaning",
    "val-dbscan-eps",
    "emb-umap-distances",
    "prod-psi-sample-size",
    "kmeans-ari-vs-accuracy",
    "emb-word2vec-window-negative",
    "prod-minibatch-tradeoffs",
    "emb-cold-start",
]
q13, q14, q15, q16, q17, q18, q19, q20, q21 = (bank_exercise(item, f"q{13 + i}") for i, item in enumerate(QUICK_FIRE))
q22 = bank_exercise("int-marketer-60s", "q22")
q23 = JobsToBeDone("q23")
q24 = JourneyStages("q24")
q25 = bank_exercise("int-segmentation-kpis", "q25")
q26 = bank_exercise("int-production-talking-points", "q26")

EXERCISES = register(__name__, [q1, q2, q3, q4, q5, q6, q7, q8, q9, q10, q11, q12, q13, q14, q15, q16, q17, q18,
                                q19, q20, q21, q22, q23, q24, q25, q26])
