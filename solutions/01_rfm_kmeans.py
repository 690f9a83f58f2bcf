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
# K-Means find groups, argue how many, read and name them, and check them against the truth
# that was planted in this synthetic data, and learn what the diagnostics look like when
# there is little structure to find. Running time: under a minute. Learner time: about two
# and a half hours.

# %% tags=["solution"]
# Solution notebooks only: a check that does not pass raises, so CI catches it.
from course_utils.course.checks import strict_mode

strict_mode(True)

# %%
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.datasets import make_blobs
from sklearn.decomposition import PCA
from sklearn.metrics import adjusted_rand_score, silhouette_samples
from sklearn.preprocessing import StandardScaler

from course_utils import clustering, data, rfm
from course_utils.exercises.nb01 import ____, q1, q2, q3, q4, q5, q6, q7, q8, q9
from course_utils.lessons import nb01

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
    "missing %": (100 * raw.isna().mean()).round(1),
    "negative": raw.select_dtypes("number").lt(0).sum(),  # numbers only; text cannot be negative
}).fillna(0)

# %%
raw[["Quantity", "UnitPrice"]].describe().round(2)

# %% [markdown]
# More than a fifth of the lines (22.6%) have no `CustomerID` (guest checkouts), some
# quantities are negative, and the extremes are absurd: someone ordered 80,995 of one item.
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
# Why rank before `qcut`? Look at how many customers share a frequency:

# %%
orders = rfm_table["frequency"].value_counts(normalize=True)
print(f"customers with 1 order: {orders[1]:.0%}; with 2 orders: {orders[2]:.0%}")

# %% [markdown]
# Frequency has massive ties (24% of customers ordered once, 30% twice), so quintile edges
# collide and `pd.qcut(rfm_table["frequency"], 5)` fails. Ranking with `method="first"`
# breaks ties by row order, which is arbitrary: two identical customers can get different
# scores. `rfm.rfm_scores` takes the other deliberate choice: tied customers always share a
# score, even if a band ends up larger than a fifth.

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

# %% [markdown]
# ## 5. Transform and scale: what K-Means needs
#
# K-Means groups points by straight-line distance. Two problems with raw RFM: the units
# differ wildly (monetary reaches tens of thousands, frequency tens), and all three columns
# are skewed, with long right tails.

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
# ### Exercise q5: the features K-Means will see
#
# Build `X`, one row per customer of `rfm_table` and three columns (recency, frequency,
# monetary, in that order), transformed so that K-Means can use them. Decide what to do
# about each problem the histograms show, and in which order. `np` and
# `sklearn.preprocessing` are at hand. `q5.hint()` helps if you are unsure.

# %%
# BEGIN SOLUTION: X: the three RFM columns, transformed for K-Means (an array of shape (customers, 3)).
# The tails: a log pulls them in (log1p is safe at 0). The scales: standardise, so that each
# column weighs the same in a distance. Log first: standardised values can be negative.
X = StandardScaler().fit_transform(np.log1p(rfm_table[["recency", "frequency", "monetary"]]))
# END SOLUTION
q5.check(X)

# %%
X = q5.answer_or_reference(X)

# %% [markdown]
# ## 6. What K-Means assumes
#
# K-Means puts every point with its nearest centre and moves each centre to the mean of its
# points. That simple rule carries assumptions worth saying out loud:
#
# - **every customer belongs to exactly one group**: there is no "none of these" (noise);
# - **groups are round blobs of similar spread** in the space you give it: the border between
#   two clusters is a straight line half-way between their centres;
# - **distance means the same in every direction**: which is why you scaled;
# - **means summarise a group**: so a few extreme values pull a centre (which is why you
#   took the log);
# - **k is given**: the algorithm will return k groups whether or not they exist.
#
# Here is one assumption failing: three groups that are long and thin, not round.

# %%
points, planted_groups = make_blobs(n_samples=600, centers=3, random_state=170)
points = points @ np.array([[0.6, -0.64], [-0.41, 0.85]])  # stretch the round blobs into long thin ones
kmeans_groups = clustering.kmeans(3).fit_predict(points)
stretched_ari = adjusted_rand_score(planted_groups, kmeans_groups)
fig, axes = plt.subplots(1, 2, figsize=(9, 3.5), sharex=True, sharey=True)
for ax, groups, title in [(axes[0], planted_groups, "the planted groups"),
                          (axes[1], kmeans_groups, f"K-Means, k = 3 (ARI {stretched_ari:.2f})")]:
    ax.scatter(points[:, 0], points[:, 1], c=groups, s=8, cmap="viridis")
    ax.set(title=title, xlabel="feature 1", ylabel="feature 2")
plt.show()
print(f"ARI of K-Means (k = 3) with the planted long, thin groups: {stretched_ari:.2f}")

# %% [markdown]
# Even with the right k, K-Means cuts across the long groups (an ARI of 0.58 against the
# planted ones): its straight borders between round cells cannot follow them. After the log
# and the scaling, RFM data is closer to blobs, so K-Means is a fair first tool here.
# Notebook 02 shows the algorithms for the other shapes (hierarchical clustering, DBSCAN,
# Gaussian mixtures).
#
# ## 7. Choose k
#
# K-Means needs the number of clusters up front. Three views, each imperfect:
#
# - **elbow**: inertia (the squared distances to the centres) falls as k grows; look for
#   where the fall slows (the knee);
# - **silhouette**: how much closer points are to their own cluster than to the next;
# - **stability**: fit on bootstrap resamples; a real structure comes back each time.
#
# `clustering.k_summary(X, range(2, 11), random_state=0, n_resamples=10)` computes all
# three; it fits K-Means about a hundred times, so the course keeps one result per kernel
# (`nb01.k_summary` computes it once for these features) and shows a bar while it works.

# %%
summary = nb01.k_summary(X, progress=True)  # clustering.k_summary(X, range(2, 11), random_state=0, n_resamples=10)
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
# The views disagree, as they usually do. Teams settle it with a convention, and there are
# several in use. A common one: call a k **stable** when its bootstrap ARI is at least 0.85
# (the dotted line), and **defensible** when it is stable and its silhouette is within 0.05
# of the best. Often more than one k passes. Choosing among them is then about
# **parsimony**: a segment more is one more treatment for the CRM team to design, run and
# measure, so it has to earn its place: it must be real (stable on resampled data) and
# different enough to be treated differently.
#
# ### Exercise q6: choose k
#
# Work out from the table and the curves above which ks are defensible by this convention.
# Then set `k` to the one you would present; q7 asks you to argue it.

# %%
# BEGIN SOLUTION: The number of clusters you would present (an int).
table = summary.set_index("k")
stable = table[table["mean_ari"] >= 0.85]  # real: the same clusters come back on resampled data
defensible = stable.index[stable["silhouette"] >= table["silhouette"].max() - 0.05].tolist()  # and distinct
# Among the stable ks, the best silhouette: two of the three views agree on it.
k = int(stable["silhouette"].idxmax())
# END SOLUTION
q6.check(k)

# %%
k = q6.answer_or_reference(k)

# %% [markdown]
# How do the conventions teams use compare? `clustering.defensible_ks` applies the rule
# above; each convention below lands on a defensible k here, and none is a law:

# %%
table = summary.set_index("k")
stable = table[table["mean_ari"] >= 0.85]
defensible = clustering.defensible_ks(summary)
print("defensible ks:", defensible)
conventions = pd.DataFrame({"k": {
    "knee of the elbow": knee,
    "best silhouette": int(table["silhouette"].idxmax()),
    "most stable": int(table["mean_ari"].idxmax()),
    "best silhouette among stable ks": int(stable["silhouette"].idxmax()),
    "largest defensible k": max(defensible),
    "smallest defensible k": min(defensible),
}}).rename_axis("convention")
conventions.join(table[["silhouette", "mean_ari", "std_ari"]], on="k").round(3)

# %% [markdown]
# Here the defensible ks are 4, 5 and 6: did you find the same? "The largest defensible k"
# picks 6, on the view that more segments are more actionable; but 6 is the least stable of
# the three (bootstrap ARI 0.88 ± 0.12), with a lower silhouette than 5 (0.479 against
# 0.503). "The best silhouette among stable ks" picks 5, where two views agree. The
# knee says 4, the simplest. Whichever you chose, the next step is the argument.

# %% [markdown]
# ### Exercise q7: argue your k
#
# A number is not an argument. Write, in three to five sentences, what you would tell the
# CRM team's lead: which k, the evidence from the curves (with numbers), what one segment
# more or fewer would cost or buy, and the risk of your choice. `q7.check(argument)` shows
# the rubric; then score your answer honestly with `met`, the letters of the rubric items it
# meets.

# %%
# BEGIN SOLUTION: Your argument for k, as you would say it to the CRM lead (a string).
row = table.loc[k]
argument = (
    f"I would present {k} segments. Among the ks that come back on resampled data (bootstrap ARI "
    f"{row['mean_ari']:.2f} for {k}), {k} has the best silhouette ({row['silhouette']:.2f}). One segment fewer "
    f"is simpler, but merges customers the team treats differently; one more would split a group in a way "
    f"that is less stable across resamples (ARI {table.loc[k + 1, 'mean_ari']:.2f} ± "
    f"{table.loc[k + 1, 'std_ari']:.2f}), so it may not be real. The risk is that one of my segments mixes two "
    f"groups: I would check each profile with the team and switch to {k + 1} if a cluster mixes customers they "
    f"would act on differently. The stability bar of 0.85 is a convention, not a law."
)
# END SOLUTION
# BEGIN SOLUTION: The letters of the rubric items your argument meets, e.g. ["a", "c"].
met = ["a", "b", "c", "d"]
# END SOLUTION
q7.check(argument, met=met)

# %% [markdown]
# ## 8. Fit and profile
#
# Now fit K-Means with your k and look at what it found.

# %%
labels = clustering.kmeans(k).fit_predict(X)  # KMeans(n_clusters=k, n_init=10, random_state=0)
profile = clustering.profile_clusters(rfm_table, labels)
nb01.profile_table(profile)  # the share as a percentage ("share %"), every number to one decimal

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
# ### How well does each customer fit? The silhouette diagram
#
# The mean silhouette hides a lot. The diagram shows every customer's silhouette, cluster by
# cluster, sorted: a wide, tall shape is a cluster whose members clearly belong; a thin one,
# or one with many values below 0 (customers closer to another cluster), is a cluster to
# doubt.

# %%
per_customer = silhouette_samples(X, labels)
fig, ax = plt.subplots(figsize=(6, 4))
bottom = 0
for cluster in range(k):
    values = np.sort(per_customer[labels == cluster])
    ax.fill_betweenx(np.arange(bottom, bottom + len(values)), 0, values, alpha=0.8)
    ax.text(-0.05, bottom + len(values) / 2, str(cluster), ha="right", va="center")
    bottom += len(values) + 40
ax.axvline(per_customer.mean(), color="red", linestyle="--", label=f"mean {per_customer.mean():.2f}")
ax.set(title=f"Silhouette of every customer, k = {k}", xlabel="silhouette", ylabel="customers, by cluster",
       yticks=[])
ax.legend()
plt.show()
print(f"customers with a negative silhouette: {(per_customer < 0).mean():.1%}")
print("mean silhouette by cluster:", pd.Series(per_customer).groupby(labels).mean().round(2).to_dict())

# %% [markdown]
# Every cluster reaches past the mean, and only 0.7% of customers sit closer to another
# cluster than to their own. The clusters differ, though: the lowest cluster mean is 0.36,
# the highest 0.69. The less settled clusters are the ones to discuss first when you present.
#
# ### A picture of the clusters: two dimensions with PCA
#
# Three features cannot be drawn on a page, but two principal components can: PCA finds
# the two directions along which the customers vary most.

# %%
pca = PCA(n_components=2).fit(X)
xy = pca.transform(X)
kept = pca.explained_variance_ratio_
fig, ax = plt.subplots(figsize=(6, 4.5))
points_plot = ax.scatter(xy[:, 0], xy[:, 1], c=labels, s=6, cmap="tab10", vmin=0, vmax=9)
ax.legend(*points_plot.legend_elements(), title="cluster", bbox_to_anchor=(1, 1))
ax.set(title=f"Customers on the first two principal components ({kept.sum():.0%} of the variance)",
       xlabel=f"PC1 ({kept[0]:.0%})", ylabel=f"PC2 ({kept[1]:.0%})")
plt.show()
print(f"variance kept by two components: {kept.sum():.0%}")
print("PC1 loadings (recency, frequency, monetary):", pca.components_[0].round(2))

# %% [markdown]
# Two components keep 92% of the variance, so this picture is close to the whole story.
# The first component mixes all three features (recent, frequent, high-spending customers
# at one end, long-gone one-off buyers at the other). The clusters are neighbouring regions
# of one cloud, not islands: K-Means cuts the cloud where it is thinner. A 2-D picture can
# mislead when it keeps less of the variance; notebook 02 reads PCA, t-SNE and UMAP
# pictures with care.
#
# ## 9. Name the clusters
#
# Names should come from rules a stakeholder can read, not from eyeballing. For each cluster
# take its median customer and ask where they stand among all customers, as a percentile
# from 0 to 1: how **recent** (1 = bought most recently), how **frequent**, how much they
# **spend**, how large a typical **basket** (money per order).

# %%
percentiles = clustering.rfm_percentiles(rfm_table, labels)
pd.concat([profile[["size", "recency", "frequency", "monetary"]], percentiles.round(2)], axis=1)

# %% [markdown]
# ### Exercise q8: name them, with rules of your own
#
# The CRM team works with six names: **Champions** (recent, frequent, high spend),
# **Loyal** (order often and still buying), **At Risk** (used to order often, not lately),
# **New** (recent, few orders so far), **Lost** (long gone, few orders), **Big Spenders**
# (large baskets). Write your own rules on the percentiles (thresholds you choose, tried in
# an order you choose) and make `names`, a dict `{cluster: name}` for every cluster. Pass
# your labels along: `q8.check(names, labels=labels)`.

# %%
# BEGIN SOLUTION: names: {cluster: name} for every cluster, from your own rules on the percentiles.
def my_name(p):
    """My rules, tried in order: the first that fits names the cluster."""
    if p["recent"] >= 0.6 and p["frequent"] >= 0.8:
        return "Champions"
    if p["basket"] >= 0.8:
        return "Big Spenders"
    if p["frequent"] >= 0.6:
        return "Loyal" if p["recent"] >= 0.5 else "At Risk"
    return "New" if p["recent"] >= 0.6 else "Lost"


names = {cluster: my_name(p) for cluster, p in percentiles.iterrows()}
# END SOLUTION
q8.check(names, labels=labels)

# %% [markdown]
# The course's own rules (`clustering.RFM_NAMING_RULES`) are another such set. Do they
# agree with yours?

# %%
names = pd.Series(q8.answer_or_reference(names, labels=labels), name="your name")
course_names = clustering.name_clusters(percentiles).rename("course rules")
pd.concat([names, course_names], axis=1)

# %% [markdown]
# If two clusters get the same name, that is a finding: ask whether they differ in a way
# the business would act on. If no rule fits a cluster, look at it before you invent a name.
#
# ## 10. Against the planted truth
#
# This data was generated with known segments, so we can measure what a real project never
# can: did the clusters find the real groups?
#
# ### Exercise q9: how well do the clusters recover the planted segments?
#
# Cluster numbers are arbitrary (cluster 0 is not "segment 0"), and with more clusters,
# some agreement happens by chance. Compute `agreement`: a score between `truth` and your
# `labels` that ignores how the clusters are numbered, is 1 for a perfect match and about 0
# for a random labelling. Pass your labels along.

# %%
truth = data.load("online_retail_truth").set_index("CustomerID")["segment"].reindex(rfm_table.index)

# BEGIN SOLUTION: A chance-corrected agreement between truth and labels (one number).
agreement = adjusted_rand_score(truth, labels)
# END SOLUTION
q9.check(agreement, labels=labels)

# %% [markdown]
# What did the log and the scaling buy? The same K-Means on raw RFM:

# %%
ari_log_scaled = adjusted_rand_score(truth, labels)  # labels: K-Means on X (log + scaled)
raw_labels = clustering.kmeans(k).fit_predict(rfm_table[["recency", "frequency", "monetary"]])
ari_raw = adjusted_rand_score(truth, raw_labels)
print(f"ARI with log + scaling: {ari_log_scaled:.3f}")
print(f"ARI on raw RFM:         {ari_raw:.3f}")

# %% tags=["solution"]
assert ari_log_scaled >= 0.6 and ari_log_scaled > ari_raw

# %% [markdown]
# And the names: which planted segment do the customers of each name come from?

# %%
named = pd.Series(labels, index=rfm_table.index).map(names).rename("your name")
pd.crosstab(named, truth)

# %% [markdown]
# What was the choice of k worth? The same comparison for each candidate:

# %%
pd.Series({j: adjusted_rand_score(truth, clustering.kmeans(j).fit_predict(X)) for j in defensible},
          name="ARI with the planted segments").rename_axis("k").round(3)

# %% [markdown]
# The data has 6 planted segments, and k = 6 recovers them best (ARI 0.930, against 0.822
# for 5).
# With 5, loyal and at-risk customers share a cluster: parsimony merged two groups the
# business would treat differently (one to reward, one to win back). Nothing in the curves
# said so for certain; the profile did hint at it: the merged cluster's median customer is
# middling on recency. That is why the risk named in q7 matters: in a real project, the CRM
# team's judgement on the profiles is the check, not a planted truth.
#
# And the RFM grid against K-Means: how much do the two segmentations agree, and where?

# %%
print(f"ARI, grid vs truth:   {adjusted_rand_score(truth, scores['grid_segment']):.3f}")
print(f"ARI, grid vs K-Means: {adjusted_rand_score(scores['grid_segment'], labels):.3f}")
pd.crosstab(scores["grid_segment"], named)

# %% [markdown]
# The grid splits customers by recency and frequency only, so it scatters the big
# spenders across several cells; K-Means on all three finds them as one group.
#
# ## 11. When the structure is weak
#
# Every dataset in this course clusters cleanly, because segments were planted. Real RFM
# data often does not: customers spread along a continuum from "one order long ago" to
# "orders every week", and K-Means will still return k groups. Learn what the diagnostics
# look like then. Take a **structureless twin** of our customers: 1,500 points drawn from one
# Gaussian with the same means and correlations as `X`, so no segments at all.

# %%
rng = np.random.default_rng(0)
twin = rng.multivariate_normal(X.mean(axis=0), np.cov(X, rowvar=False), size=1500)
twin_summary = nb01.k_summary(twin, range(2, 9), n_resamples=5)  # clustering.k_summary, once per kernel
fig, axes = plt.subplots(1, 2, figsize=(9, 3))
for frame, name in [(summary, "our customers"), (twin_summary, "structureless twin")]:
    axes[0].plot(frame["k"], frame["silhouette"], marker="o", label=name)
    axes[1].plot(frame["k"], frame["mean_ari"], marker="o", label=name)
axes[0].set(title="Silhouette", xlabel="k", ylabel="mean silhouette")
axes[1].set(title="Stability (bootstrap ARI)", xlabel="k", ylabel="mean ARI")
axes[1].axhline(0.85, color="grey", linestyle=":")
axes[1].legend()
plt.tight_layout()
plt.show()
twin_knee = clustering.find_knee(twin_summary["k"], twin_summary["inertia"])
print(f"twin: best silhouette {twin_summary['silhouette'].max():.2f} at k = "
      f"{int(twin_summary.loc[twin_summary['silhouette'].idxmax(), 'k'])}; knee at k = {twin_knee}; "
      f"defensible ks: {clustering.defensible_ks(twin_summary)}")

# %% [markdown]
# This is what weak structure looks like:
#
# - the silhouette is lower (0.38 at best, against 0.50 for our customers) and **falls
#   steadily** with k: there is no k where groups suddenly become distinct;
# - its best is at k = 2, where K-Means merely **halves the cloud**, and that split is
#   perfectly stable: stability says the algorithm is consistent, not that the groups are
#   real;
# - the elbow still shows a knee (at k = 4): a knee appears even where there is nothing;
# - stability drops quickly for larger k: arbitrary cuts land elsewhere on every resample.
#
# When your own data looks like this, say so: present segments as convenient slices of a
# continuum (still useful for a campaign), not as natural groups. Notebook 02, "Clustering
# algorithms and validation", tests whether there is any structure at all (null
# comparisons, the Hopkins statistic and its limits) and compares the other algorithms.
#
# ## 12. A segment table for the CRM team
#
# The deliverable is a table, not a plot: one row per customer, the segment name, and the
# numbers behind it, so the team can filter and act.

# %%
crm = rfm_table.assign(
    cluster=labels,
    segment=named,
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
# is no planted truth there: stability, the silhouette diagram and the profiles are all you
# have, which is why you practised them here. Expect weaker structure than in this course's
# data (section 11).
#
# ## What you learned
#
# - Clean before you count: cancellations net against their purchase, guest lines and
#   non-product codes go, and the report says what each rule removed.
# - RFM per customer (invoices, not lines; recency from a fixed snapshot), and the classic
#   1-5 grid, which cannot find a group it has no cell for.
# - K-Means needs comparable, tamed features: log for the tails, standardising for the
#   scales. It assumes round groups of similar spread, one group per customer, and a k.
# - Choosing k is a judgement: elbow, silhouette and stability disagree, teams use
#   conventions, and parsimony must be argued, not assumed.
# - Read clusters with a profile (medians), a silhouette diagram and a 2-D view; name them
#   with explicit rules; score them against a truth with a chance-corrected index (ARI).
# - Weak structure has a signature (low, steadily falling silhouette, a stable split in two,
#   a knee anyway): recognise it before you present segments as natural groups.
#
# **Interview box.** *"How did you choose the number of segments?"* Name the three views
# and what each said, the convention you used and why, what one segment more or fewer would
# cost, and the check you ran (stability, the profiles with the business). *"Your
# clusters' silhouette is 0.3; are they real?"* Maybe not: compare with a structureless
# baseline, look at the silhouette diagram, and present them as slices of a continuum if
# they do not stand out. *"Why scale before K-Means?"* Distances: without it, the column
# with the largest numbers decides every assignment.
#
# Terms and recipes: the [glossary](../docs/glossary.md) and the one-page [cheat sheet](../docs/cheatsheet.md).
#
# **Next:** [02 · Clustering algorithms and validation](02_clustering_validation.ipynb).
