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
# # 01 · RFM segmentation with K-Means
#
# **The business question.** A UK online gift shop sells to about 4,000 customers, many
# of them small retailers. The CRM team wants to treat customers differently: thank and
# reward the best ones, win back those drifting away, welcome the new ones. They ask:
# *which groups of customers do we have, and who is in each?*
#
# **RFM** answers with three numbers per customer, all computed from the order history:
#
# - **Recency**: days since the last purchase (small is good);
# - **Frequency**: how many orders (invoices);
# - **Monetary**: how much money in total.
#
# You will clean the transactions, compute RFM, score it on the classic grid, then let
# K-Means find groups, choose how many, name them, and check them against the truth that
# was planted in this synthetic data. Running time: under a minute. Learner time: about
# two hours.

# %% tags=["solution"]
# Solution notebooks only: a check that does not pass raises, so CI catches it.
from course_utils.course.checks import strict_mode

strict_mode(True)

# %%
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score
from sklearn.preprocessing import StandardScaler

from course_utils import clustering, data, rfm
from course_utils.exercises.nb01 import ____, q1, q2, q3, q4, q5, q6, q7, q8

pd.set_option("display.max_columns", 12)

# %% [markdown]
# ## 1. Load and inspect
#
# The file has the exact columns of the public **UCI Online Retail** dataset: one row per
# *line item* (one product on one invoice).

# %%
raw = data.load("online_retail")
print(f"{len(raw):,} line items, {raw['InvoiceNo'].nunique():,} invoices, "
      f"{raw['CustomerID'].nunique():,} customers")
raw.head()

# %% [markdown]
# Before cleaning anything, look for trouble. Three questions worth asking of any
# transaction table: what is missing, what is negative, and what is extreme?

# %%
pd.DataFrame({
    "missing": raw.isna().sum(),
    "negative": raw.select_dtypes("number").lt(0).sum(),  # numbers only; text cannot be negative
}).fillna(0).astype(int)

# %%
raw[["Quantity", "UnitPrice"]].describe().round(2)

# %% [markdown]
# A fifth of the lines have no `CustomerID` (guest checkouts), some quantities are
# negative, and the extremes are absurd: someone ordered tens of thousands of one item.
#
# ## 2. Clean
#
# ### Exercise q1: which lines are cancellations?
#
# When an order is cancelled, the shop's system writes a new invoice whose number starts
# with **C** and whose quantities are negative. Build a boolean mask `is_cancellation`,
# True for every cancellation line of `raw`.

# %%
# BEGIN SOLUTION: True for the cancellation lines of raw (a boolean Series).
is_cancellation = raw["InvoiceNo"].str.startswith("C")
# END SOLUTION
q1.check(is_cancellation)

# %% [markdown]
# Why not simply `Quantity < 0`? Because some negative lines are **stock adjustments**
# (damaged or lost goods) on ordinary invoices. Look:

# %%
is_cancellation = q1.answer_or_reference(is_cancellation)
negative_not_cancelled = raw[(raw["Quantity"] < 0) & ~is_cancellation]
negative_not_cancelled[["InvoiceNo", "Description", "Quantity", "UnitPrice", "CustomerID"]].head()

# %% [markdown]
# The other kinds of mess, counted:

# %%
non_product = raw["StockCode"].isin(sorted(rfm.NON_PRODUCT_CODES))
print("lines without CustomerID:", f"{raw['CustomerID'].isna().mean():.1%}")
print("exact duplicate lines:   ", raw.duplicated().sum())
print("non-product stock codes: ", raw.loc[non_product, "StockCode"].value_counts().to_dict())
print("lines with price <= 0:   ", (raw["UnitPrice"] <= 0).sum())

# %% [markdown]
# `rfm.clean_transactions` applies every rule in a documented order and reports what each
# removed. The rule for cancellations deserves a word: a cancellation **nets** against
# the purchase it cancels (same customer, same product, bought at or before the
# cancellation, most recent first). Simply dropping cancellation lines would leave the
# cancelled purchase in place: the customer who ordered 80,995 paper birds by mistake,
# then cancelled, would look like the shop's best customer.

# %%
clean, report = rfm.clean_transactions(raw)
report

# %%
print(f"{len(clean):,} clean lines for {clean['CustomerID'].nunique():,} customers; "
      f"largest line now {clean['Amount'].max():,.0f}")

# %% [markdown]
# The few wholesale orders that remain are real purchases. They stay: RFM should see
# them, and the log transform (section 5) will keep them from dominating.
#
# ## 3. Recency, Frequency, Monetary
#
# ### Exercise q2: the snapshot date
#
# Recency is measured from a fixed "today": the **day after the last purchase in the
# data**, at midnight. Not your computer's clock: the data ends in December 2011. Call it
# `snapshot`.

# %%
# BEGIN SOLUTION: The day after the last InvoiceDate in clean, at midnight (a Timestamp).
snapshot = clean["InvoiceDate"].max().normalize() + pd.Timedelta(days=1)
# END SOLUTION
q2.check(snapshot)

# %%
snapshot = q2.answer_or_reference(snapshot)

# %% [markdown]
# ### Exercise q3: the RFM table
#
# Build `rfm_table`: one row per `CustomerID` with
#
# - `recency`: whole days from `snapshot` back to the customer's last purchase;
# - `frequency`: the number of **invoices** (not lines!);
# - `monetary`: the total `Amount`.

# %%
# BEGIN SOLUTION: One row per CustomerID with recency, frequency, monetary.
per_customer = clean.groupby("CustomerID").agg(
    last_purchase=("InvoiceDate", "max"),
    frequency=("InvoiceNo", "nunique"),
    monetary=("Amount", "sum"),
)
per_customer["recency"] = (snapshot - per_customer["last_purchase"].dt.normalize()).dt.days
rfm_table = per_customer[["recency", "frequency", "monetary"]]
# END SOLUTION
q3.check(rfm_table)

# %% [markdown]
# The course's `rfm.compute_rfm` does the same for any column names, so you can reuse it
# on other shops' data (for example `customer_id`, `date`, `dollar_value`):

# %%
rfm_table = q3.answer_or_reference(rfm_table)
rfm_helper = rfm.compute_rfm(clean, customer_col="CustomerID", date_col="InvoiceDate",
                             amount_col="Amount", invoice_col="InvoiceNo", as_of=snapshot)
same = rfm_helper.index.equals(rfm_table.index) and np.allclose(rfm_helper.to_numpy(float), rfm_table.to_numpy(float))
print("compute_rfm gives the same table:", same)
rfm_table.describe().round(1)

# %% [markdown]
# ## 4. RFM scores and the named grid
#
# The classic, model-free approach: score each dimension 1 to 5 by quintile (5 is best),
# then name customers from their recency and frequency scores.
#
# ### Exercise q4: the recency score
#
# Give each customer an `r_score` from 1 to 5, where **5 means most recent**. Careful:
# for recency, small is good.

# %%
# BEGIN SOLUTION: r_score from 1 to 5, 5 for the most recent fifth of customers.
r_score = pd.qcut(rfm_table["recency"].rank(method="first"), 5, labels=[5, 4, 3, 2, 1]).astype(int)
# END SOLUTION
q4.check(r_score)

# %% [markdown]
# Why rank before `qcut`? Frequency has massive ties (a third of customers ordered twice),
# so quintile edges collide and `pd.qcut(rfm_table["frequency"], 5)` fails. Ranking with
# `method="first"` breaks ties by row order, which is arbitrary: two identical customers
# can get different scores. `rfm.rfm_scores` takes the other deliberate choice: tied
# customers always share a score, even if a band ends up larger than a fifth.

# %%
scores = rfm.rfm_scores(rfm_table)
scores["grid_segment"] = rfm.rfm_segments(scores)
print("F scores used:", scores["f_score"].value_counts().sort_index().to_dict())
scores.head()

# %%
counts = scores["grid_segment"].value_counts()
ax = counts.sort_values().plot.barh(figsize=(6, 3.5))
ax.set_title("Customers per RFM grid segment")
ax.set_xlabel("customers")
plt.show()

# %% [markdown]
# The grid is transparent and needs no model, but its cells are fixed in advance: it
# cannot discover a group it has no cell for (say, customers who order rarely but spend a
# fortune). Clustering can.
#
# ## 5. Log and scale: what goes wrong without
#
# K-Means groups points by distance. Two problems with raw RFM: the units differ wildly
# (monetary reaches tens of thousands, frequency tens), and all three are skewed.

# %%
fig, axes = plt.subplots(1, 3, figsize=(10, 2.8))
for ax, col in zip(axes, ["recency", "frequency", "monetary"]):
    ax.hist(rfm_table[col], bins=40)
    ax.set_title(col)
    ax.set_xlabel(col)
axes[0].set_ylabel("customers")
fig.suptitle("Raw RFM: different scales, long right tails", y=1.03)
plt.show()

# %% [markdown]
# ### Exercise q5: log, then standardise
#
# Build `X`: `np.log1p` of the three columns (log of 1 + x, safe at zero), then
# `StandardScaler` so each column has mean 0 and standard deviation 1.

# %%
# BEGIN SOLUTION: log1p of recency, frequency, monetary, then standardised.
X = StandardScaler().fit_transform(np.log1p(rfm_table[["recency", "frequency", "monetary"]]))
# END SOLUTION
q5.check(X)

# %%
X = q5.answer_or_reference(X)

# %% [markdown]
# ## 6. Choose k
#
# K-Means needs the number of clusters up front. Three views, each imperfect:
#
# - **elbow**: inertia falls as k grows; look for where the fall slows (the knee);
# - **silhouette**: how much closer points are to their own cluster than to the next;
# - **stability**: fit on bootstrap resamples; a real structure comes back each time.

# %%
summary = clustering.k_summary(X, range(2, 11), random_state=0, n_resamples=10)
knee = clustering.find_knee(summary["k"], summary["inertia"])
summary.round(3)

# %%
fig, axes = plt.subplots(1, 3, figsize=(11, 3))
axes[0].plot(summary["k"], summary["inertia"], marker="o")
axes[0].axvline(knee, color="grey", linestyle=":")
axes[0].set_title(f"Elbow (knee at k={knee})")
axes[0].set_ylabel("inertia")
axes[1].plot(summary["k"], summary["silhouette"], marker="o")
axes[1].set_title("Silhouette (higher is better)")
axes[1].set_ylabel("mean silhouette")
axes[2].errorbar(summary["k"], summary["mean_ari"], yerr=summary["std_ari"], marker="o")
axes[2].axhline(0.85, color="grey", linestyle=":")
axes[2].set_title("Stability (bootstrap ARI)")
axes[2].set_ylabel("mean ARI")
for ax in axes:
    ax.set_xlabel("k")
plt.tight_layout()
plt.show()

# %% [markdown]
# The views disagree, as they usually do: the knee says one thing, the silhouette peaks
# at another, and stability falls off past some point. The elbow in particular is often
# ambiguous; never let it decide alone. A rule you can defend in a meeting: **keep the
# ks that are stable (bootstrap ARI at least 0.85) and within 0.05 of the best silhouette;
# among those, take the largest**, since more segments are more actionable as long as
# they are real.
#
# ### Exercise q6: choose k
#
# Set `k` to the number of clusters you would present. `clustering.defensible_ks(summary)`
# lists the candidates by the rule above.

# %%
# BEGIN SOLUTION: The number of clusters you would present.
k = clustering.choose_k(summary)
# END SOLUTION
q6.check(k)

# %%
k = q6.answer_or_reference(k)
print("defensible:", clustering.defensible_ks(summary), "-> k =", k)
print(summary.set_index("k").loc[k, ["silhouette", "mean_ari", "std_ari"]].round(3).to_dict())

# %% [markdown]
# Look at the error bars before you present: a k that passes the stability bar only just,
# with a wide spread across resamples, deserves a caveat in the meeting ("one of these
# groups is less settled than the others"). Section 9 shows what the choice was worth.
#
# ## 7. Fit and profile
#
# ### Exercise q7: cluster
#
# Fit `KMeans(n_clusters=k, n_init=10, random_state=0)` on `X` and keep the label of every
# customer in `labels`.

# %%
# BEGIN SOLUTION: One K-Means cluster label per customer.
kmeans = KMeans(n_clusters=k, n_init=10, random_state=0)
labels = kmeans.fit_predict(X)
# END SOLUTION
q7.check(labels)

# %%
labels = q7.answer_or_reference(labels)
profile = clustering.profile_clusters(rfm_table, labels)
profile.round(1)

# %% [markdown]
# Medians, not means: one wholesale customer would drag a cluster's mean far from its
# typical member. Seen side by side on the scaled features (a "snake plot"):

# %%
centres = pd.DataFrame(X, columns=["recency", "frequency", "monetary"]).groupby(labels).mean()
ax = centres.T.plot(marker="o", figsize=(6, 3.5))
ax.set_xticks(range(3), centres.columns)
ax.set_title("Cluster centres on log-scaled RFM")
ax.set_xlabel("feature")
ax.set_ylabel("mean of standardised log value")
ax.legend(title="cluster", bbox_to_anchor=(1, 1))
plt.show()

# %% [markdown]
# ## 8. Name the clusters with business rules
#
# Names should come from rules a stakeholder can read, not from eyeballing. For each
# cluster we take its median customer and ask where they stand among all customers
# (a percentile from 0 to 1): how recent, how frequent, how much spent, how large a
# typical basket. Then the first rule that fits names the cluster:

# %%
pd.DataFrame([{"name": name, **{col: f"{lo:.2f}-{hi:.2f}" for col, (lo, hi) in bounds.items()}}
              for name, bounds in clustering.RFM_NAMING_RULES]).fillna("any")

# %%
percentiles = clustering.rfm_percentiles(rfm_table, labels)
names = clustering.name_clusters(percentiles)
pd.concat([profile[["size", "recency", "frequency", "monetary"]], percentiles.round(2), names], axis=1)

# %% [markdown]
# If two clusters got the same name, that is a finding: ask whether they differ in a way
# the business would act on. If a cluster is "Needs review", no rule fits; look at it
# before you invent a name.
#
# ## 9. Against the planted truth
#
# This data was generated with known segments, so we can measure what a real project
# never can: did the clusters find the real groups?
#
# ### Exercise q8: the adjusted Rand index
#
# Cluster numbers are arbitrary (cluster 0 is not "segment 0"), so compare with a score
# that ignores names: `adjusted_rand_score(truth, labels)`: 1 is a perfect match, 0 is
# chance.

# %%
truth = data.load("online_retail_truth").set_index("CustomerID")["segment"].reindex(rfm_table.index)

# BEGIN SOLUTION: The adjusted Rand index between truth and labels.
ari = adjusted_rand_score(truth, labels)
# END SOLUTION
q8.check(ari, labels=labels)

# %% [markdown]
# What did the log and the scaling buy? The same K-Means on unscaled, un-logged RFM:

# %%
ari_log_scaled = adjusted_rand_score(truth, labels)  # labels: K-Means on X (log + scaled)
unscaled_labels = KMeans(n_clusters=k, n_init=10, random_state=0).fit_predict(rfm_table)
ari_unscaled = adjusted_rand_score(truth, unscaled_labels)
print(f"ARI with log + scaling: {ari_log_scaled:.3f}")
print(f"ARI on raw RFM:         {ari_unscaled:.3f}")

# %% tags=["solution"]
assert ari_log_scaled >= 0.6 and ari_log_scaled > ari_unscaled

# %%
pd.crosstab(pd.Series(labels, index=rfm_table.index).map(names).rename("cluster name"), truth)

# %% [markdown]
# And the RFM grid against K-Means: how much do the two segmentations agree, and where?

# %%
print(f"ARI, grid vs truth:   {adjusted_rand_score(truth, scores['grid_segment']):.3f}")
print(f"ARI, grid vs K-Means: {adjusted_rand_score(scores['grid_segment'], labels):.3f}")
pd.crosstab(scores["grid_segment"], pd.Series(labels, index=rfm_table.index).map(names).rename("cluster name"))

# %% [markdown]
# The grid splits customers by recency and frequency only, so it scatters the big
# spenders across several cells; K-Means on all three finds them as one group.
#
# ## 10. A segment table for the CRM team
#
# The deliverable is a table, not a plot: one row per customer, the segment name, and the
# numbers behind it, so the team can filter and act.

# %%
crm = rfm_table.assign(
    cluster=labels,
    segment=pd.Series(labels, index=rfm_table.index).map(names),
    rfm_score=scores["rfm_score"],
    grid_segment=scores["grid_segment"],
).sort_values(["segment", "monetary"], ascending=[True, False])
crm.to_csv("segments_for_crm.csv")
crm.groupby("segment").agg(customers=("cluster", "size"), median_spend=("monetary", "median")).round(0)

# %% [markdown]
# ## Running this on the real UCI Online Retail file
#
# Every function here works on the real data. Download the file yourself (the course
# never downloads anything), then:
#
# ```python
# real = data.read_uci_online_retail("path/to/Online Retail.csv")   # or the .xlsx
# clean_real, report_real = rfm.clean_transactions(real)
# rfm_real = rfm.compute_rfm(clean_real, amount_col="Amount", invoice_col="InvoiceNo")
# ```
#
# Online Retail II's columns (`Invoice`, `Price`, `Customer ID`) are renamed for you. There
# is no planted truth there: stability and the profile are all you have, which is why you
# practised them here.
#
# **Next:** 02 · clustering algorithms and validation.
