# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 06 · Interview drills
#
# Data-science interviews about segmentation ask the same few things: a case ("two of
# your segments look the same to the stakeholders: what do you do?"), a story ("tell me
# about a time you chose a simpler model"), some live coding (RFM in SQL, sessions, a k to
# defend, a bug to find), quick-fire concepts, and how the work serves the business.
# This notebook rehearses each one **under time** and **checks** it.
#
# Every drill shows its time budget when you start it and tells you how long you took.
# Answer first, check, and only then read the model answer: the gap between the two is
# what you practise. Written answers are scored by you, honestly, against a rubric (the
# check makes sure every item you tick shows in your words).
#
# Level: everyone; the drills reuse notebooks 00 to 05. Running time: under a minute.
# Learner time: about two hours. Afterwards, `python -m course_utils drill` keeps
# rehearsing in a terminal and brings back what you got wrong.

# %% tags=["solution"]
# Solution notebooks only: a check that does not pass raises, so CI catches it.
from course_utils.course.checks import strict_mode

strict_mode(True)

# %%
import time

notebook_start = time.perf_counter()

import duckdb
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import StandardScaler

from course_utils import clustering
from course_utils.course.drill import TimeBudget, reveal_after_attempt
from course_utils.exercises.nb06 import ____, q1, q2, q3, q4, q5, q6, q7, q8, q9, q10, q11, q12
from course_utils.lessons import nb06 as lesson  # the drills' small, seeded data

# %% [markdown]
# ## 1. How to use this notebook
#
# - **Say it aloud.** Interviews are spoken; type what you would say, in full sentences.
# - **Respect the budget.** Going over is fine while learning; note it and drill it again.
# - **Check, then compare.** The model answer appears after your attempt, with the weak
#   answers interviewers hear most often.
# - **Revisit.** Each drill names the notebook section that teaches it.
#
# ## 2. Case (a): two segments look the same
#
# > *"The marketing team says two of your customer segments look the same. What do you
# > do?"*
#
# The strategy interviewers listen for: **check the separation** (silhouette), **find
# the features that tell the segments apart** (a decision-tree surrogate), then **decide**:
# merge them, engineer a feature that makes the difference visible (such as a
# channel-preference score), or try an algorithm that does not assume round clusters.
# First you run it on data; then you answer in words.
#
# The mini-lab: the customers of an online shop, segmented with K-Means (k = 4) on
# log-scaled recency, frequency, monetary and the **share of orders placed in the app**,
# all standardised. The team's dashboard shows the RFM profile of each segment:

# %%
budget_a = TimeBudget("case (a), the mini-lab", minutes=20)

customers = lesson.lookalike_customers()
features = lesson.FEATURES
X = lesson.lookalike_X()          # what the segmentation was fitted on (scaled)
labels = lesson.lookalike_labels()
pair = lesson.lookalike_pair()    # the two segments whose R, F and M medians are closest

print(f"{len(customers):,} customers in {len(np.unique(labels))} segments; the look-alike pair: {pair}")
customers[features].groupby(labels).median().round(1)

# %% [markdown]
# Two rows are nearly identical in recency, frequency and spend: those are the segments
# in `pair`. Are they really the same customers split in two?
#
# ### Exercise q1: is there any separation?
#
# Compute `sil_pair`, the silhouette of the customers of the two segments in `pair`, on
# the features the segmentation used (`X`), with their labels.

# %%
# BEGIN SOLUTION: The silhouette of the two look-alike segments' customers on X.
in_pair = np.isin(labels, pair)
sil_pair = silhouette_score(X[in_pair], labels[in_pair])
# END SOLUTION
q1.check(sil_pair)

# %% [markdown]
# Now the same on recency, frequency and monetary alone, the columns the dashboard shows,
# next to yours:

# %%
in_pair = np.isin(labels, pair)
sil_rfm_only = silhouette_score(X[in_pair][:, :3], labels[in_pair])
print(f"silhouette of the pair on every feature the model used: {q1.answer_or_reference(sil_pair):.2f}")
print(f"silhouette of the pair on R, F, M only: {lesson.fixed(sil_rfm_only)}")

# %% [markdown]
# On the dashboard's columns the two overlap completely (a silhouette of 0.00); on
# everything the model used they are well apart (0.51). Something the stakeholders do not
# see separates them.
#
# ### Exercise q2: what tells them apart?
#
# Make `explanation` with `clustering.explain_clusters`: a shallow decision tree trained to
# tell the two segments apart. Choose its rows and columns so that its rules answer the
# stakeholders' question in units they know: days, orders, pounds and shares.

# %%
# BEGIN SOLUTION: A decision-tree surrogate of the two look-alike segments, in original units.
explanation = clustering.explain_clusters(customers.loc[in_pair, features], labels[in_pair], max_depth=3)
# END SOLUTION
q2.check(explanation)

# %%
explanation = q2.answer_or_reference(explanation)
print(f"fidelity on held-out customers: {explanation.fidelity:.0%}")
print(explanation.rules)
explanation.plot()
plt.show()

# %% [markdown]
# One feature, the app share, tells them apart with a fidelity of 100% on held-out
# customers. Look at the split: one segment orders mostly in the app, the other mostly on
# the website.
#
# ### Exercise q3: the decision

# %%
q3.show()

# %%
# BEGIN SOLUTION: The letter of your recommendation.
decision = "b"
# END SOLUTION
q3.check(decision)

# %% [markdown]
# Had the silhouette been near 0 on every feature, and the tree no better than a coin
# toss, the honest answer would have been to merge them (the drill command asks that
# version too).
#
# ### Exercise q4: now say it
#
# Answer the interview question in words, as you would aloud: what you check, how, what
# you decide, and why it matters to the business. Budget: 5 minutes, at least 40 words.

# %%
budget_a.report()
budget_a_words = TimeBudget("case (a), the answer in words", minutes=5)

# %%
# BEGIN SOLUTION: Your answer to case (a), in words.
answer_a = """
I would first check whether the two segments really overlap: the silhouette of their customers on the features
the model used. Here it is clearly positive, so they are separated, just not on the dashboard's columns. Then I
train a shallow decision tree as a surrogate to tell the two apart and read which feature it splits on: the
share of orders placed in the app. So I would not merge them; I would engineer a channel-preference score, show
it in the profile, and give each segment a channel-specific campaign, measured against a holdout.
"""
# END SOLUTION

# %% [markdown]
# Now score your answer honestly against the rubric: which items does it meet?

# %%
print(q4.rubric_text())

# %%
# BEGIN SOLUTION: The rubric letters your answer meets.
met_a = ["a", "b", "c", "d", "e"]
# END SOLUTION
q4.check(answer_a, met=met_a)
budget_a_words.report()

# %% [markdown]
# The model answer and the weak answers interviewers hear most, after your attempt:

# %%
reveal_after_attempt(q4, answer_a)

# %% [markdown]
# ## 3. Case (b): a simpler model, told with STAR
#
# > *"Tell me about a time you chose a simpler model over a more complex one."*
#
# Answer with **STAR**: the **S**ituation, your **T**ask, the **A**ction you took and why,
# and the **R**esult with a number. The story this drill rehearses: a CRM team needed
# segments it could act on; you chose PCA + K-Means over a black-box deep model; the team
# adopted it; campaign response rose. The result is where most answers fail: "response
# went up after we launched" proves nothing, because the season, prices and everything
# else changed too. The result that counts is measured against a **random holdout**:
# customers of the same segments, kept out of the campaign, in the same quarter.
#
# The campaign table: every targeted customer, whether they were in the campaign or held
# out (a random tenth of each segment), whether they responded this quarter, and whether
# they responded to last quarter's generic mailing.

# %%
budget_b = TimeBudget("case (b), the lift", minutes=10)
campaign = lesson.campaign()
campaign.groupby(["segment", "group"])["responded"].agg(["size", "mean"]).round(3)

# %% [markdown]
# ### Exercise q5: the lift against the holdout
#
# Compute `lift`, the campaign's **relative lift**: its response rate divided by the
# holdout's, minus 1 (0.10 means +10%).

# %%
# BEGIN SOLUTION: The relative lift of the campaign group over the holdout (a share).
rates = campaign.groupby("group")["responded"].mean()
lift = rates["campaign"] / rates["holdout"] - 1
# END SOLUTION
q5.check(lift)
budget_b.report()

# %% [markdown]
# The worked example: what the result of the STAR answer should quote, each number
# computed here. The interval is the usual normal approximation for a difference of two
# proportions; the holdout is small, so the interval is wide, and saying so is part of a
# good answer.

# %%
lift = q5.answer_or_reference(lift)
t = campaign[campaign["group"] == "campaign"]
h = campaign[campaign["group"] == "holdout"]
p_t, p_h = t["responded"].mean(), h["responded"].mean()
diff = p_t - p_h
se = np.sqrt(p_t * (1 - p_t) / len(t) + p_h * (1 - p_h) / len(h))
before = t["responded_last_quarter"].mean()
print(f"campaign {p_t:.2%} (n = {len(t):,}) against holdout {p_h:.2%} (n = {len(h):,})")
print(f"relative lift {lift:+.0%}; difference {diff * 100:.1f} points, 95% interval "
      f"{(diff - 1.96 * se) * 100:.1f} to {(diff + 1.96 * se) * 100:.1f} points")
print(f"extra responders: about {diff * len(t):.0f}")
print(f"before/after (what not to quote): {before:.2%} last quarter -> {p_t:.2%}, {p_t / before - 1:+.0%}")

# %% [markdown]
# The campaign group responded at 5.45% against 4.25% in the holdout: a lift of +28%. The
# before/after comparison would have claimed +75%, most of it the season. A STAR answer
# built on these numbers:
#
# | | |
# |---|---|
# | **Situation** | The CRM team ran quarterly campaigns with no segments; a deep embedding model gave clusters nobody could explain. |
# | **Task** | Deliver segments the team could act on within the quarter. |
# | **Action** | PCA on scaled behaviour, K-Means with k defended by silhouette and stability; compared with the black box, nearly as good, stable, and each segment one sentence. |
# | **Result** | Adopted. Against a random holdout: 5.45% against 4.25%, +28%, about 215 extra responders; not the +75% a before/after would claim. |
# | **Learned** | Agree on the holdout before the campaign starts. |
#
# ### Exercise q6: tell it yourself
#
# Tell the story in your words (your own story if you have one), with the numbers above
# in the result. Budget: 3 minutes, at least 60 words.

# %%
budget_b_words = TimeBudget("case (b), the STAR answer", minutes=3)

# %%
# BEGIN SOLUTION: Your STAR answer.
answer_b = """
Situation: our CRM team needed segments for quarterly campaigns, and a deep model's clusters could not be
explained to anyone. Task: deliver usable segments within the quarter. Action: I built a simpler pipeline, PCA on
scaled behaviour and K-Means, with k chosen by silhouette and stability; it was nearly as good as the black box
and every segment fit in a sentence. Result: the team adopted it because they understood it; against a random
holdout the campaign group responded at 5.45% versus 4.25%, a lift of 28%, about 215 extra responders. I learned to
agree on the holdout before the campaign starts.
"""
# END SOLUTION

# %%
print(q6.rubric_text())

# %%
# BEGIN SOLUTION: The rubric letters your STAR answer meets.
met_b = ["a", "b", "c", "d", "e"]
# END SOLUTION
q6.check(answer_b, met=met_b)
budget_b_words.report()

# %%
reveal_after_attempt(q6, answer_b)

# %% [markdown]
# ## 4. Coding drill: RFM in SQL and in pandas
#
# The classic live-coding question, from raw invoice lines (the layout of notebook 01).
# Budget: 10 minutes for each version. The rules, as an interviewer would state them:
#
# - leave out lines without a `CustomerID`;
# - **frequency**: the number of distinct invoices that are not cancellations (a
#   cancellation's `InvoiceNo` starts with `C`);
# - **monetary**: the sum of `Quantity * UnitPrice` over all the customer's lines,
#   cancellations included, so they net out what they cancel;
# - **recency**: whole days from the snapshot (midnight after the last `InvoiceDate` of
#   the whole extract, lines without a customer included) back to the day of the
#   customer's last order (a cancellation is not an order).

# %%
lines = lesson.raw_lines()
print(f"{len(lines):,} lines, {lines['InvoiceNo'].str.startswith('C').sum()} cancellation lines, "
      f"{lines['CustomerID'].isna().sum()} lines without a customer")
lines.head()

# %% [markdown]
# ### Exercise q7: in SQL on DuckDB
#
# Make `rfm_sql`, a DataFrame with `CustomerID, recency, frequency, monetary`, from one
# SQL query. `duckdb.connect()` gives a database in memory; `con.register("lines", lines)`
# makes the DataFrame a table.

# %%
budget_sql = TimeBudget("RFM in SQL", minutes=10)

# %%
# BEGIN SOLUTION: RFM per CustomerID from the lines, with one SQL query on DuckDB.
con = duckdb.connect()
con.register("lines", lines)
rfm_sql = con.sql("""
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
""").df()
# END SOLUTION
q7.check(rfm_sql)
budget_sql.report()

# %% [markdown]
# ### Exercise q8: in pandas
#
# The same table, `rfm_pandas`, with pandas alone.

# %%
budget_pandas = TimeBudget("RFM in pandas", minutes=10)

# %%
# BEGIN SOLUTION: RFM per CustomerID from the lines, with pandas.
known = lines[lines["CustomerID"].notna()].assign(amount=lines["Quantity"] * lines["UnitPrice"])
orders = known[~known["InvoiceNo"].str.startswith("C")]
snapshot = lines["InvoiceDate"].max().normalize() + pd.Timedelta(days=1)
by_customer = orders.groupby("CustomerID")
rfm_pandas = pd.DataFrame({
    "recency": (snapshot - by_customer["InvoiceDate"].max().dt.normalize()).dt.days,
    "frequency": by_customer["InvoiceNo"].nunique(),
    "monetary": known.groupby("CustomerID")["amount"].sum(),
})
# END SOLUTION
q8.check(rfm_pandas)
budget_pandas.report()

# %% [markdown]
# Interviewers follow up with: *why count distinct invoices?* (an order with 20 products is
# one visit), *why keep cancellations in monetary?* (dropping them leaves the cancelled
# purchase counted), *why a fixed snapshot?* (the analysis must give the same answer
# tomorrow). Notebook 01, sections 2 and 3, has the full cleaning.
#
# ## 5. Coding drill: sessionize with a gap
#
# A click log, as logs arrive: out of order. A session ends after **more than 30
# minutes** without a click; a click exactly 30 minutes after the previous one continues
# it. Budget: 8 minutes. Do it by hand, as at a whiteboard (no `sessions.sessionize`).
#
# ### Exercise q9: how many sessions?

# %%
budget_sessions = TimeBudget("sessionize", minutes=8)
clicks = lesson.clicks()
clicks.head()

# %%
# BEGIN SOLUTION: The number of sessions in clicks (an int).
ordered = clicks.sort_values(["user_id", "timestamp"])
gaps = ordered.groupby("user_id")["timestamp"].diff()
n_sessions = int((gaps.isna() | (gaps > pd.Timedelta(minutes=30))).sum())
# END SOLUTION
q9.check(n_sessions)
budget_sessions.report()

# %% [markdown]
# The three classic slips: not sorting, letting one user's first click continue the
# previous user's session, and `>=` where the rule says "more than". Notebook 03, section 3,
# reads the gap off the data instead of assuming 30 minutes.
#
# ## 6. Coding drill: argue a k from three curves
#
# *"Your elbow, silhouette and stability curves disagree. Which k do you present, and
# why?"* Budget: 5 minutes. The curves for a small customer table (two features, already
# in comparable units). Stability is the mean ARI between clusterings of bootstrap
# resamples; its bars reach one standard deviation either side, cut at 1, the highest an
# ARI can be:

# %%
budget_k = TimeBudget("argue a k", minutes=5)
curves = lesson.k_curves()
knee = clustering.find_knee(curves["k"], curves["inertia"])

fig, axes = plt.subplots(1, 3, figsize=(11, 3))
axes[0].plot(curves["k"], curves["inertia"], marker="o")
axes[0].axvline(knee, color="grey", linestyle=":")
axes[0].set(title=f"Elbow (knee at k={knee})", ylabel="inertia")
axes[1].plot(curves["k"], curves["silhouette"], marker="o")
axes[1].set(title="Silhouette (higher is better)", ylabel="mean silhouette")
below = curves["std_ari"]
above = np.minimum(curves["mean_ari"] + curves["std_ari"], 1) - curves["mean_ari"]  # an ARI is at most 1
axes[2].errorbar(curves["k"], curves["mean_ari"], yerr=[below, above], marker="o", capsize=3)
axes[2].axhline(0.85, color="grey", linestyle=":")
axes[2].set(title="Stability (bootstrap ARI)", ylabel="mean ARI (±1 sd, cut at 1)")
for ax in axes:
    ax.set_xlabel("k")
plt.tight_layout()
plt.show()
curves.round(3)

# %% [markdown]
# ### Exercise q10: your k
#
# Set `k_chosen`. Use the convention notebook 01 calls "the largest defensible k": keep the
# ks that are stable (mean ARI at least 0.85) and within 0.05 of the best silhouette, and
# present the largest of those.

# %%
# BEGIN SOLUTION: The k you would present.
k_chosen = clustering.choose_k(curves)
# END SOLUTION
q10.check(k_chosen)
budget_k.report()

# %% [markdown]
# The argument, as you would say it: the silhouette peaks at k = 2 (0.65), but k = 4 is
# within 0.05 of it (0.63) and just as stable, and four segments give the business more to
# act on. k = 3 is out: its mean ARI, 0.80, is below 0.85, and its clusters change from
# one resample to the next (the widest bar). The elbow's knee is at k = 4 too. A rule
# written down before looking at the curves is what makes the choice defensible.
#
# ## 7. Coding drill: find and fix a broken pipeline
#
# *"This weekly segmentation says a lot of customers change segment every week. Find the
# bugs."* Budget: 10 minutes. The pipeline scores customers every Monday from their orders
# of the last four weeks; `events` holds every order of the period (printed below).

# %%
budget_bugs = TimeBudget("the broken pipeline", minutes=10)
events = lesson.weekly_events()
print(f"{len(events):,} orders of {events['customer_id'].nunique()} customers, weeks {events['week'].min()} "
      f"to {events['week'].max()}")


def weekly_segments(events, week):
    recent = events[events["week"] >= week - 3]
    feats = recent.groupby("customer_id").agg(orders=("amount", "size"), spend=("amount", "sum"),
                                              app_share=("app", "mean"))
    labels = KMeans(n_clusters=3, n_init=10, random_state=0).fit_predict(feats)
    return pd.Series(labels, index=feats.index)


seg7, seg8 = weekly_segments(events, 7), weekly_segments(events, 8)
both = seg7.index.intersection(seg8.index)
moved = (seg7[both] != seg8[both]).mean()
print(f"customers who changed segment from week 7 to week 8: {moved:.0%}")

# %% [markdown]
# ### Exercise q11: which lines are bugs?

# %%
q11.show()

# %%
# BEGIN SOLUTION: The letters of every line that is a bug.
bugs = ["a", "c", "e"]
# END SOLUTION
q11.check(bugs)

# %% [markdown]
# ### Exercise q12: fix it
#
# Fix all three bugs and compute `moved_fixed`, the share of customers (active in both
# weeks) whose segment changed from week 7 to week 8. `clustering.match_labels(a, b)`
# pairs the labels of `b` with those of `a` one to one, so that the total overlap is largest.

# %%
# BEGIN SOLUTION: The share of customers who changed segment, pipeline fixed.
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
# END SOLUTION
q12.check(moved_fixed)
budget_bugs.report()

# %% [markdown]
# How much does each bug matter? The lesson's own pipeline (`lesson.moved_share`) puts each
# bug back alone, the other two fixed, then all three:

# %%
for case, switches in lesson.BUG_CASES.items():
    print(f"{case:<33} {lesson.moved_share(**switches):6.1%} changed segment")

# %% [markdown]
# Fixed, 1.9% of customers move. Each bug alone pulls that number its own way:
#
# - **without matching**, 65.5% "move": K-Means numbered the same groups differently in
#   week 8, and labels compared unmatched read a renaming as mass migration;
# - **without scaling**, 23.7%: spend, in pounds, outweighs orders and app share, so the
#   segments are cut along spend, and a spend that wobbles from one window to the next
#   crosses a cut;
# - **with the leak**, 0.8%: segments look *steadier* than they are, because both weeks
#   are computed from nearly the same weeks, the future included. That is the dangerous
#   kind: backtests look great and production disappoints.
#
# Together the bugs hide one another: the broken pipeline's 12.7% is the same with its
# labels matched or not, because the leak gives both weeks nearly the same data and
# K-Means happens to number the segments alike. The broken number says little about any
# one bug: fix them all, then measure.

# %% [markdown]
# Is 1.9% the change that was planted? From week 8, a tenth of the bargain hunters were
# made to order like app regulars:

# %%
planted = lesson.planted_moves()
print(f"planted to switch: {planted['switchers']} of the {planted['active']:,} customers active in both weeks "
      f"({planted['switchers'] / planted['active']:.1%})")
print(f"changed segment in the fixed pipeline: {planted['moved']}, of them planted switchers: "
      f"{planted['switchers_moved']}")

# %% [markdown]
# No: 5 of the 35 switchers move, and most of the customers who move did not change at
# all. One week of new behaviour barely shifts a four-week average, while customers near a
# boundary cross it by chance. Week-on-week migration is a noisy signal of real change:
# read it over several weeks, and against a planted truth when you have one.
#
# ## 8. Quick-fire questions
#
# Thirty seconds each, nine questions. Each option has its own feedback; read it for the
# options you did not pick too.

# %%
from course_utils.exercises.nb06 import q13, q14, q15, q16, q17, q18, q19, q20, q21

budget_quick = TimeBudget("quick-fire", minutes=5)
q13.show()

# %%
# BEGIN SOLUTION: The letter of your answer.
quick_13 = "c"
# END SOLUTION
q13.check(quick_13)

# %%
q14.show()

# %%
# BEGIN SOLUTION: The letter of your answer.
quick_14 = "d"
# END SOLUTION
q14.check(quick_14)

# %%
q15.show()

# %%
# BEGIN SOLUTION: The letter of your answer.
quick_15 = "d"
# END SOLUTION
q15.check(quick_15)

# %%
q16.show()

# %%
# BEGIN SOLUTION: The letter of your answer.
quick_16 = "b"
# END SOLUTION
q16.check(quick_16)

# %%
q17.show()

# %%
# BEGIN SOLUTION: The letter of your answer.
quick_17 = "d"
# END SOLUTION
q17.check(quick_17)

# %%
q18.show()

# %%
# BEGIN SOLUTION: The letter of your answer.
quick_18 = "a"
# END SOLUTION
q18.check(quick_18)

# %%
q19.show()

# %%
# BEGIN SOLUTION: The letter of your answer.
quick_19 = "c"
# END SOLUTION
q19.check(quick_19)

# %%
q20.show()

# %%
# BEGIN SOLUTION: The letter of your answer.
quick_20 = "c"
# END SOLUTION
q20.check(quick_20)

# %%
q21.show()

# %%
# BEGIN SOLUTION: The letter of your answer.
quick_21 = "c"
# END SOLUTION
q21.check(quick_21)
budget_quick.report()

# %% [markdown]
# ## 9. Business framing
#
# Segments are worth what the business does with them. Four habits interviewers look for:
# explain a segment without jargon, frame it as a **job to be done** (the progress a
# customer is trying to make) and a **customer-journey stage**, judge the segmentation by
# **business KPIs** (lifetime value, churn, campaign lift against a control group), and
# know how it would run **in production**.
#
# ### Exercise q22: a segment, to a marketer, in 60 seconds

# %%
from course_utils.exercises.nb06 import q22, q23, q24, q25, q26

print(q22.question)
budget_marketer = TimeBudget("a segment in 60 seconds", minutes=1)

# %%
# BEGIN SOLUTION: Your 60-second explanation.
answer_marketer = """
These are our lapsing regulars: 18% of customers who ordered every month in their first year and now order twice
a year; the typical one last ordered 7 months ago. They liked us, so a win-back campaign now, with a reminder of
what they used to buy, is worth it. We keep a random control group and measure how many come back.
"""
# END SOLUTION

# %%
print(q22.rubric_text())

# %%
# BEGIN SOLUTION: The rubric letters your explanation meets.
met_marketer = ["a", "b", "c", "d"]
# END SOLUTION
q22.check(answer_marketer, met=met_marketer)
budget_marketer.report()

# %%
reveal_after_attempt(q22, answer_marketer)

# %% [markdown]
# ### Exercise q23: jobs to be done

# %%
q23.show()

# %%
# BEGIN SOLUTION: Each segment's job, as {segment: job}.
jobs = {"w": "2", "s": "1", "k": "3", "r": "4"}
# END SOLUTION
q23.check(jobs)

# %% [markdown]
# ### Exercise q24: customer-journey stages

# %%
q24.show()

# %%
# BEGIN SOLUTION: Each segment's journey stage, as {segment: stage}.
stages = {"n": "o", "g": "d", "c": "a", "l": "w"}
# END SOLUTION
q24.check(stages)

# %% [markdown]
# ### Exercise q25: the KPIs that judge a segmentation

# %%
q25.show()

# %%
# BEGIN SOLUTION: The letters of every KPI that judges a segmentation for the business.
kpis = ["a", "c", "d"]
# END SOLUTION
q25.check(kpis)

# %% [markdown]
# ### Exercise q26: putting a weekly segmentation into production, on paper
#
# No code: the talking points you would give in a system-design round. Notebook 05 built
# the pieces (weekly features, incremental updates, a segment store, monitoring); here you
# say how they run for real. Budget: 5 minutes.

# %%
print(q26.question)
budget_prod = TimeBudget("production talking points", minutes=5)

# %%
# BEGIN SOLUTION: Your talking points.
answer_production = """
Every Monday a scheduled pipeline, orchestrated with Airflow or the cloud ML platform's scheduler, runs a batch
scoring job: it builds the week's features into a feature store, scores every active customer with the versioned
model, and writes segments and their history to a segment store that CRM reads, replacing the week atomically. The
model is updated incrementally so segment identities stay stable, and centroids are matched when we refit.
Monitoring tracks sizes, migration and drift with PSI and alerts above thresholds, with a documented refit rule.
"""
# END SOLUTION

# %%
print(q26.rubric_text())

# %%
# BEGIN SOLUTION: The rubric letters your talking points meet.
met_production = ["a", "b", "c", "d", "e"]
# END SOLUTION
q26.check(answer_production, met=met_production)
budget_prod.report()

# %%
reveal_after_attempt(q26, answer_production)

# %% [markdown]
# ## 10. Drill in your terminal
#
# The quick-fire questions, the written cases and many more come from the drill's
# question bank, which you can rehearse anywhere with
#
# ```bash
# python -m course_utils drill                      # the questions due today
# python -m course_utils drill --mock 8 --seed 3    # a timed mock interview of 8 mixed questions
# python -m course_utils drill --topic kmeans       # one topic
# python -m course_utils drill --list               # topics, questions, what is due
# ```
#
# It times each answer, shows the verdict and the explanation, and uses spaced
# repetition: a question you get wrong comes back soon, one you get right comes back
# later and later. A mock interview ends with your score by topic and the sections to
# revisit. The bank, by topic:

# %%
from course_utils.course import drill

bank = drill.load_bank()
pd.DataFrame([{"topic": i.topic, "kind": i.kind} for i in bank.values()]).value_counts().unstack(fill_value=0)

# %% [markdown]
# ## Recap
#
# - **Case (a)**: silhouette to check separation, a decision-tree surrogate to find what
#   separates, then merge, engineer a feature (here a channel-preference score) or change
#   algorithm, and tie it to a business action.
# - **Case (b)**: STAR, and a result measured against a random holdout, with its
#   uncertainty, never a before/after.
# - **Coding**: RFM counts invoices and nets cancellations; sessions need sorting, a gap
#   per user and a strict "longer than"; a k is argued from three curves and a rule;
#   weekly pipelines break on leaks, forgotten scaling and unmatched labels.
# - **Business**: plain words, jobs to be done, journey stages, KPIs with a control group,
#   and a production design with batch scoring, stores, a scheduler and monitoring.
#
# Keep the [glossary](../docs/glossary.md) and the one-page
# [cheat sheet](../docs/cheatsheet.md) at hand, and drill with
# `python -m course_utils drill` until the mock interviews are easy.

# %%
print(f"notebook ran in {time.perf_counter() - notebook_start:.0f} s")
