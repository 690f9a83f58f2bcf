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
# # 03 · Session embeddings with Word2Vec and HDBSCAN
#
# **The business question.** A media site wants to know *what kinds of readers* it has,
# to plan newsletters and to recommend articles. The analytics team has six weeks of
# page-view logs: who opened which page, when. Nothing else.
#
# Counting visits would be the easy segmentation, and a useless one: how *often* someone
# comes tells you little about *what* they come for. Here you segment readers by what
# they read:
#
# 1. cut each reader's log into **sessions** (visits);
# 2. let **Word2Vec** learn a vector per page from which pages are read in the same
#    visits, the way it learns word vectors from sentences;
# 3. give each reader the weighted average of their pages' vectors;
# 4. group readers with **HDBSCAN**, which finds clusters of any shape and is allowed to
#    say "this reader belongs to no group".
#
# The data is synthetic with a **planted truth**, so at the end you can measure what was
# recovered, and compare against two simpler baselines. Running time: under a minute and
# a half. Learner time: about two and a half hours.

# %% tags=["solution"]
# Solution notebooks only: a check that does not pass raises, so CI catches it.
from course_utils.course.checks import strict_mode

strict_mode(True)

# %%
import time

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.metrics import adjusted_rand_score
from sklearn.preprocessing import StandardScaler, normalize

from course_utils import clustering, data, embeddings, sessions
from course_utils.exercises.nb03 import ____, q1, q2, q3, q4, q5, q6, q7, q8, q9
from course_utils.lessons import nb03 as lesson  # the solution's reference pipeline

pd.set_option("display.max_columns", 12)
notebook_start = time.perf_counter()

# %% [markdown]
# ## 1. Load and inspect
#
# Two tables: the log (one row per page view) and the page catalogue. Timestamps are UTC.

# %%
raw = data.load("clickstream")
pages = data.load("clickstream_pages")
print(f"{len(raw):,} page views by {raw['user_id'].nunique():,} users, "
      f"{raw['timestamp'].min():%Y-%m-%d} to {raw['timestamp'].max():%Y-%m-%d}")
raw.head()

# %%
pages["section"].value_counts()

# %% [markdown]
# Two **hub** pages, `home` and `search`, belong to no section; everybody passes through
# them. The 296 articles are spread over eight sections. Page ids such as `a5228` say
# nothing about the section: the model will have to learn it from behaviour.
#
# Is the log in time order? Is anything missing or repeated?

# %%
print("rows out of time order:", int((raw["timestamp"].diff() < pd.Timedelta(0)).sum()))
print("views without a page:  ", int(raw["page"].isna().sum()))
print("exact repeated rows:   ", int(raw.duplicated().sum()))

# %% [markdown]
# Out-of-order rows are normal in logs (servers write in batches, some late). Whatever
# uses time must sort first. Repeated rows are logger retries: the same user, the same
# second, the same page.
#
# ## 2. Clean
#
# ### Exercise q1: the clean log
#
# Build `events`: `raw` without exact repeated rows and without views that lost their
# page id.

# %%
# BEGIN SOLUTION: raw without repeated rows and without rows missing a page.
events = raw.drop_duplicates().dropna(subset=["page"])
# END SOLUTION
q1.check(events)

# %%
events = q1.answer_or_reference(events)
views_per_user = events.groupby("user_id").size().sort_values()
views_per_user.tail(10)

# %% [markdown]
# A few "users" have thousands of views: scrapers and monitoring robots. They would
# teach Word2Vec that every page goes with every other one.
#
# ### Exercise q2: the bots
#
# Make `bots`, the list of user ids with more views than any person could make. Find the
# gap in the sorted counts above and put a threshold inside it.

# %%
fig, ax = plt.subplots(figsize=(7, 3))
ax.hist(np.log10(views_per_user), bins=60)
ax.set(title="Views per user (log scale)", xlabel="log10(views in six weeks)", ylabel="users")
plt.show()

# %%
# BEGIN SOLUTION: The user ids of the bots (a list).
views = events.groupby("user_id").size()
bots = views.index[views > 1000].tolist()
# END SOLUTION
q2.check(bots)

# %%
bots = q2.answer_or_reference(bots)
events = events[~events["user_id"].isin(bots)]
print(f"{len(events):,} views by {events['user_id'].nunique():,} people")

# %% [markdown]
# ## 3. Sessions
#
# Word2Vec learns from *context*: pages read in the same visit. So we first cut each
# reader's stream into visits. The usual rule: a visit ends after some minutes without a
# click. How many minutes? Let the data say.
#
# ### Exercise q3: gaps between a reader's clicks
#
# Compute `gaps`: for every event, the seconds since **the same user's** previous event
# (NaN for each user's first event). Sort first: the log has late writes.

# %%
# BEGIN SOLUTION: Seconds since the same user's previous event (a Series of floats).
ordered = events.sort_values(["user_id", "timestamp"])
gaps = ordered.groupby("user_id")["timestamp"].diff().dt.total_seconds()
# END SOLUTION
q3.check(gaps)

# %%
gaps = q3.answer_or_reference(gaps)
fig, ax = plt.subplots(figsize=(8, 3.2))
ax.hist(np.log10(gaps.dropna().clip(lower=1)), bins=120)
for minutes, label in [(30, "30 min"), (120, "2 h")]:
    ax.axvline(np.log10(minutes * 60), color="k", ls="--", lw=1)
    ax.text(np.log10(minutes * 60), ax.get_ylim()[1] * 0.9, f" {label}", fontsize=9)
ax.set(title="Time between a reader's clicks (log scale)", xlabel="log10(seconds)", ylabel="gaps")
plt.show()

# %% [markdown]
# Two humps: pauses while reading (seconds to minutes, with a tail of long reads) and
# the time between visits (hours to days). Between them is an empty valley.
#
# ### Exercise q4: the inactivity gap
#
# Choose `gap`, a duration (such as `"45min"`) inside the valley. Every value in the
# valley gives the same sessions; that is what makes the choice safe here. (On real
# data the valley is shallower, and 30 minutes is the web-analytics convention.)

# %%
# BEGIN SOLUTION: The inactivity gap, a duration such as "45min".
gap = "30min"
# END SOLUTION
q4.check(gap)

# %%
gap = q4.answer_or_reference(gap)
events = sessions.sessionize(events, user_col="user_id", time_col="timestamp", gap=gap)
per_session = events.groupby("session_id").size()
print(f"{events['session_id'].nunique():,} sessions; median {per_session.median():.0f} views; "
      f"{int((per_session == 1).sum())} have a single view")

# %% [markdown]
# `sessionize` handles the unsorted log and keeps your rows in their order. Now the
# "sentences": the pages of each session in time order. A one-page session has no
# context to learn from, so `min_length=2` drops it.

# %%
sequences = sessions.session_sequences(events, item_col="page", min_length=2)
print(f"{len(sequences):,} sequences, {sum(map(len, sequences)):,} page views")
for seq in sequences[:3]:
    print(" -> ".join(seq))

# %% [markdown]
# ## 4. Word2Vec on page sequences ("item2vec")
#
# Skip-gram Word2Vec learns a vector per page such that a page's vector predicts the
# pages around it in the same session. Pages read together end up close. With one worker
# thread and a seed, the same run gives the same vectors.

# %%
t0 = time.perf_counter()
wv = embeddings.train_item2vec(sequences, vector_size=32, window=5, epochs=5, seed=0)
print(f"{len(wv)} page vectors of {wv.vector_size} numbers in {time.perf_counter() - t0:.1f} s")

# %% [markdown]
# **Sanity check.** The model never saw a section name. If it learned something real,
# a page's nearest pages should come from its own section. Look at one sports article:

# %%
sections = pages.set_index("page")["section"]
titles = pages.set_index("page")["title"]
article_ids = pages.loc[pages["section"] != "hub", "page"].tolist()
example = pages.loc[pages["title"].str.startswith("Tennis"), "page"].iloc[0]
print("nearest to:", example, titles[example])
pd.DataFrame([(p, sections[p], titles[p], round(sim, 2)) for p, sim in wv.most_similar(example, topn=6)],
             columns=["page", "section", "title", "cosine"])

# %% [markdown]
# The neighbours are sports pages, and close ones on the beat (tennis next to golf
# and rugby): the model learned that readers follow a *stretch* of the sport beat. To
# measure this for every page: **section purity**, the share of an article's 10 nearest
# pages that share its section. Chance is about 1 in 8.

# %%
print(f"section purity of the full model: {embeddings.neighbour_purity(wv, sections, k=10, items=article_ids):.3f}")

# %% [markdown]
# ## 5. Do the settings matter?
#
# With six weeks of a busy site, the structure is so strong that almost any setting
# finds it. The settings matter when data is scarce: a new site, a new catalogue, a
# niche. Train on a random 1,000 sessions (2% of the data):

# %%
rng = np.random.default_rng(0)
small = [sequences[i] for i in rng.choice(len(sequences), size=1000, replace=False)]
wv_small = embeddings.train_item2vec(small, vector_size=32, window=5, epochs=5, seed=0)

# %% [markdown]
# ### Exercise q5: purity of the small model
#
# Compute `purity_small` yourself, without the helper: for every article in
# `article_ids`, take its 10 nearest pages with `wv_small.most_similar(page, topn=10)`,
# count the share in the article's section, and average over the articles that have a
# vector (1,000 sessions do not reach every page: `p in wv_small` tells you).

# %%
# BEGIN SOLUTION: Mean share of same-section pages among each article's 10 nearest (a float).
section = sections.to_dict()
per_article = [
    np.mean([section[q] == section[p] for q, _ in wv_small.most_similar(p, topn=10)])
    for p in article_ids
    if p in wv_small  # 1,000 sessions do not reach every page
]
purity_small = float(np.mean(per_article))
# END SOLUTION
q5.check(purity_small)

# %% [markdown]
# Now a small ablation: change one setting at a time and measure purity, on the small
# sample and on the full data. Three settings:
#
# - `epochs`: passes over the data. Few passes on little data leave vectors half-trained.
# - `window`: how many pages on each side count as context. Window 1 sees only the
#   next and previous click.
# - `ns_exponent`: which pages serve as "negative" examples. 0.75 is the word2vec
#   default; 1 samples popular pages (the hubs) more, negative values favour rare ones.

# %%
def purity_of(seqs, **settings):
    params = {"vector_size": 32, "window": 5, "epochs": 5, "seed": 0, **settings}
    model = embeddings.train_item2vec(seqs, **params)
    return embeddings.neighbour_purity(model, sections, k=10, items=article_ids)


t0 = time.perf_counter()
rows = []
for name, settings in [("default (epochs 5, window 5, ns 0.75)", {}),
                       ("epochs=1", {"epochs": 1}), ("epochs=20", {"epochs": 20}),
                       ("window=1", {"window": 1}), ("window=10", {"window": 10}),
                       ("ns_exponent=-0.5", {"ns_exponent": -0.5}), ("ns_exponent=1", {"ns_exponent": 1.0})]:
    rows.append({"setting": name, "1,000 sessions": purity_of(small, **settings)})
ablation = pd.DataFrame(rows).set_index("setting")
print(f"ablation in {time.perf_counter() - t0:.1f} s; on all sessions, epochs=1 already reaches "
      f"{purity_of(sequences, epochs=1):.3f}")
ablation.round(3)

# %% [markdown]
# On 1,000 sessions one epoch leaves the vectors close to random, a context window of
# one click throws most of the little context away, and more epochs help a lot. On the
# full log even a single epoch gets there. The lesson: tune on a held-out measure (here
# purity; in production, say, next-page prediction), and tune most where data is thin.
#
# ## 6. One vector per reader
#
# A reader's vector is the average of the vectors of the pages they viewed. A plain
# average has a flaw: everyone views `home` and `search`, so the hubs pull every reader
# toward the same point. **tf-idf weighting** fixes it: each view counts by how rare the
# page is across readers.
#
# ### Exercise q6: idf weights
#
# Compute `idf`, a Series indexed by page: `ln((1 + n_users) / (1 + users who viewed
# the page)) + 1`, from `events` (people only). This is the smoothed idf of
# scikit-learn's `TfidfTransformer`.

# %%
# BEGIN SOLUTION: The idf weight of each page (a Series indexed by page).
n_users = events["user_id"].nunique()
users_per_page = events[["user_id", "page"]].drop_duplicates().groupby("page").size()
idf = np.log((1 + n_users) / (1 + users_per_page)) + 1
# END SOLUTION
q6.check(idf)

# %%
idf = q6.answer_or_reference(idf)
idf.sort_values().head(4)

# %% [markdown]
# `embeddings.user_embeddings` computes the weighted mean for every reader (with these
# same weights for `weighting="tfidf"`). It refuses, by default, a reader none of whose
# pages has a vector, rather than silently handing back a row of zeros.

# %%
U = embeddings.user_embeddings(events, wv, user_col="user_id", item_col="page", weighting="tfidf")
U_mean = embeddings.user_embeddings(events, wv, user_col="user_id", item_col="page", weighting="mean")
truth = data.load("clickstream_truth").set_index("user_id")["segment"].reindex(U.index)
print(U.shape, "| readers without vectors:", U.attrs["users_without_vectors"])

# %% [markdown]
# ## 7. HDBSCAN
#
# `clustering.ReducedHDBSCAN` scales each reader's vector to unit length (so direction,
# not length, matters: cosine geometry), reduces 32 dimensions to 10 with PCA (density
# is hard to estimate in many dimensions) and runs HDBSCAN. Two settings:
#
# - `min_cluster_size`: the smallest group worth calling a segment;
# - `min_samples`: how conservative it is. Larger values call more readers noise.
#
# ### Exercise q7: cluster the readers
#
# Make `labels` (one per row of `U`, -1 for noise) that recover the planted segments:
# ARI at least 0.8 on the clustered readers, and at least 80% of the readers who have
# an interest clustered.

# %%
# BEGIN SOLUTION: HDBSCAN labels of the rows of U (-1 for noise).
segmenter = clustering.ReducedHDBSCAN(min_cluster_size=25, min_samples=25, reduce="pca", n_components=10)
labels = segmenter.fit(U).labels_
# END SOLUTION
q7.check(labels)

# %%
labels = np.asarray(q7.answer_or_reference(labels))
pd.Series(labels).value_counts().sort_index().rename("readers").to_frame().T

# %% [markdown]
# How sensitive is this to the two settings? Each fit takes a fraction of a second:

# %%
sweep = []
for min_cluster_size, min_samples in [(25, 5), (25, 25), (25, 100), (100, 25), (300, 25), (600, 25)]:
    fit = clustering.ReducedHDBSCAN(min_cluster_size=min_cluster_size, min_samples=min_samples).fit(U)
    q = lesson.quality(fit.labels_, truth)
    sweep.append({"min_cluster_size": min_cluster_size, "min_samples": min_samples,
                  "clusters": fit.n_clusters_, "noise share": fit.noise_share_,
                  "ARI on clustered": q["ari_clustered"], "interested readers clustered": q["non_casual_clustered"]})
pd.DataFrame(sweep).set_index(["min_cluster_size", "min_samples"]).round(3)

# %% [markdown]
# `min_samples` moves the noise share a little. `min_cluster_size` hardly matters until it
# passes the size of the smallest real segments (about 200 to 400 readers here): then
# HDBSCAN can no longer keep them apart and merges them, and the ARI drops. Set it below
# the smallest segment you would act on. With the truth hidden (real life) you would
# judge the settings by stability and by whether the clusters make business sense.
#
# ## 8. A picture
#
# UMAP draws the readers in 2-D, keeping neighbours together. A picture needs no more
# than 2,000 readers, and UMAP's first fit in a session pays several seconds of
# compilation (the course caches what numba can in `.numba_cache/`).

# %%
import warnings

warnings.filterwarnings("ignore", message="IProgress not found")  # a progress-bar notice from umap's import
import umap

t0 = time.perf_counter()
picture = np.random.default_rng(0).choice(len(U), size=2000, replace=False)
with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="n_jobs value")  # a seed makes UMAP use one thread: wanted
    xy = umap.UMAP(n_neighbors=30, min_dist=0.1, random_state=0).fit_transform(normalize(U.to_numpy()[picture]))
print(f"UMAP on 2,000 readers: {time.perf_counter() - t0:.1f} s")

# %%
lab, seg = labels[picture], truth.to_numpy()[picture]
segment_names = sorted(set(truth) - {"casual"})
colour = dict(zip(segment_names, plt.cm.tab10.colors)) | {"casual": "lightgrey"}
# Give each cluster the colour of the segment it overlaps most (Hungarian matching),
# so the same group has the same colour in both panels.
matched = clustering.match_labels(truth.to_numpy()[labels >= 0], labels[labels >= 0])

fig, axes = plt.subplots(1, 2, figsize=(12, 5))
axes[0].scatter(*xy[lab == -1].T, s=3, c="lightgrey", label="noise")
for c in np.unique(lab[lab >= 0]):
    axes[0].scatter(*xy[lab == c].T, s=3, label=f"cluster {c}",
                    color="dimgrey" if matched[c] == "casual" else colour[matched[c]])
axes[0].set(title="HDBSCAN clusters (grey: noise)", xlabel="UMAP 1", ylabel="UMAP 2")
axes[0].legend(markerscale=4, fontsize=8, loc="best")
for s in ["casual"] + segment_names:
    axes[1].scatter(*xy[seg == s].T, s=3, color=colour[s], label=s)
axes[1].set(title="Planted segments (grey: casual)", xlabel="UMAP 1", ylabel="UMAP 2")
axes[1].legend(markerscale=4, fontsize=8, loc="best")
plt.tight_layout()
plt.show()

# %% [markdown]
# Sport readers form a long arc (each follows a stretch of the sport beat): one
# elongated cluster, not a ball. The tech-and-business readers sit between the tech and
# the business readers. Casual readers scatter everywhere, and HDBSCAN leaves most of
# them as noise: they have no shared interest to segment on.
#
# ## 9. Against the truth and two baselines
#
# ### Exercise q8: ARI on the clustered readers
#
# Compute `ari_clustered`, the adjusted Rand index between `truth` and `labels` on the
# readers HDBSCAN clustered (label >= 0).

# %%
# BEGIN SOLUTION: ARI of labels against truth, on readers with a label >= 0 (a float).
clustered = labels >= 0
ari_clustered = adjusted_rand_score(truth[clustered], labels[clustered])
# END SOLUTION
q8.check(ari_clustered, labels=labels)

# %% [markdown]
# Two baselines, each with as many clusters as HDBSCAN found:
#
# - **visit frequency**: K-Means on how much people visit (views, sessions, active days,
#   views per session, days between first and last visit), log-scaled and standardised;
# - **bag of pages**: K-Means on each reader's tf-idf page counts, no embeddings.
#
# K-Means has no "noise", so the fair comparison scores every method on the same readers:
# those HDBSCAN clustered. The last column scores all readers, noise counted as one group.

# %%
k = int(labels.max() + 1)
visits = sessions.visit_features(events).reindex(U.index)
labels_visits = KMeans(k, n_init=10, random_state=0).fit_predict(StandardScaler().fit_transform(np.log1p(visits)))
counts = events.groupby(["user_id", "page"]).size().unstack(fill_value=0).reindex(U.index)
bag = normalize(TfidfTransformer().fit_transform(counts.to_numpy()))
labels_bag = KMeans(k, n_init=10, random_state=0).fit_predict(bag)

clustered = labels >= 0
t = truth.to_numpy()
comparison = pd.DataFrame(
    {
        "ARI on clustered readers": [adjusted_rand_score(t[clustered], lab[clustered])
                                     for lab in (labels, labels_bag, labels_visits)],
        "ARI on all readers": [adjusted_rand_score(t, lab) for lab in (labels, labels_bag, labels_visits)],
    },
    index=["embeddings + HDBSCAN", "bag of pages + K-Means", "visit frequency + K-Means"],
)
q = lesson.quality(labels, truth)
print(f"clustered: {q['share_clustered']:.0%} of readers, {q['non_casual_clustered']:.0%} of those with an "
      f"interest, {q['casual_clustered']:.0%} of casual readers")
comparison.round(3)

# %% [markdown]
# Visit frequency recovers nothing (ARI about 0): in this data how often people come is
# independent of what they read, as it often is. The bag of pages does far better, but
# K-Means cuts the elongated sport arc in two and cannot separate the mixed tech-and-
# business readers from their neighbours. The embeddings know that `a5228` and `a7301`
# are both tennis pages, even for a reader who opened only one of them.
#
# On all readers the gap is small: HDBSCAN leaves some readers with real interests as
# noise, and K-Means at least guesses. That is the trade HDBSCAN offers: it abstains
# where the evidence is thin, and what it does cluster, it clusters right.
#
# ## 10. Profile the clusters
#
# What does each cluster read? The share of its article views in each section (hubs
# left out):

# %%
article_views = events[events["page"].isin(article_ids)]
cluster_of = pd.Series(labels, index=U.index)
profile = pd.crosstab(cluster_of.reindex(article_views["user_id"]).to_numpy(),
                      sections.reindex(article_views["page"]).to_numpy(), normalize="index")
profile.index.name = "cluster"
profile.round(2)

# %%
top = profile.drop(index=-1, errors="ignore").apply(
    lambda row: " + ".join(row[row >= 0.25].index) or "a bit of everything", axis=1)
pd.DataFrame({"reads mostly": top, "readers": cluster_of.value_counts().reindex(top.index)})

# %% [markdown]
# One cluster reads a bit of everything: casual readers dense enough to form a group
# (name it "generalists", or leave it unnamed). Noise (-1) reads a bit of everything too,
# with more tech and business: casual readers plus readers at the border between two
# interests. HDBSCAN's **soft clustering** gives every reader a degree of membership in
# each cluster; what is left to 1 is "no cluster". Take five noise readers whose planted
# interest is tech-and-business (in the solution's model, `lesson.segmenter()`; compare
# the cluster numbers with the profile above). The shares below say where each leans;
# the last column is its total membership, which HDBSCAN's approximation does not tie
# to the hard noise label.

# %%
membership = lesson.segmenter().membership()
membership.index = U.index
border = U.index[(lesson.segmenter().labels_ == -1) & (truth == "tech_business").to_numpy()][:5]
shares = membership.loc[border]
shares.div(shares.sum(axis=1), axis=0).round(2).assign(**{"in any cluster": shares.sum(axis=1).round(2)})

# %% [markdown]
# Each leans first to the business-and-tech cluster, then to tech and business:
# borderline readers, as planted. A newsletter team could send them both digests instead
# of guessing one.

# %% [markdown]
# ## 11. New readers, no refit
#
# Next week new readers arrive. Refitting would renumber the clusters (and shift them),
# and every dashboard and campaign keyed on "cluster 3" would break. Instead, place the
# newcomers in the existing clusters. To rehearse, 500 readers play the newcomers: fit on
# the others, then place these 500.

# %%
old_users, new_users = lesson.new_user_split(U.index)
events_old = events[events["user_id"].isin(old_users)]
events_new = events[events["user_id"].isin(new_users)]
segmenter_old = clustering.ReducedHDBSCAN(min_cluster_size=25, min_samples=25, reduce="pca",
                                          n_components=10).fit(U.loc[old_users])
idf_old = embeddings.idf_weights(events_old, "user_id", "page")
U_new = embeddings.user_embeddings(events_new, wv, weighting="tfidf", idf=idf_old).loc[new_users]
print(f"fitted on {len(old_users):,} readers: {segmenter_old.n_clusters_} clusters")

# %% [markdown]
# The newcomers' vectors use `idf_old`, the weights of the readers the model was fitted
# on, so they are weighted like the readers the model knows.
#
# ### Exercise q9: place the newcomers
#
# Make `labels_new`, the cluster of each reader in `U_new`, from `segmenter_old` (its
# `predict` method wraps `hdbscan.approximate_predict` and also returns a strength).

# %%
# BEGIN SOLUTION: The clusters of the new readers from segmenter_old (labels, strengths).
labels_new, strength_new = segmenter_old.predict(U_new)
# END SOLUTION
q9.check(labels_new)

# %%
labels_new = np.asarray(q9.answer_or_reference(labels_new))
truth_new = truth.reindex(new_users).to_numpy()
placed = labels_new >= 0
print(f"placed {placed.mean():.0%} of the newcomers; ARI with their planted segment on those placed: "
      f"{adjusted_rand_score(truth_new[placed], labels_new[placed]):.3f}")

# %% [markdown]
# ## What you learned
#
# - Sessions come from an inactivity gap read off the data; sort logs before using time.
# - Word2Vec on page sequences learns what goes together; check it (neighbour purity)
#   and tune it where data is thin.
# - A reader is the idf-weighted mean of their pages, so hubs do not drown the signal.
# - HDBSCAN finds clusters of any shape and abstains on readers with no clear interest;
#   judge it by the purity of what it clusters *and* by how much it clusters.
# - New readers join existing clusters with `approximate_predict`, no renumbering.
#
# **Interview angle.** "Why not K-Means on visit counts?" Because frequency says how
# much, not what; here it scores an ARI of about 0. "Why HDBSCAN?" Non-spherical groups
# and an explicit noise label. "How do you score new users?" Predict into the fitted
# clusters; refit on a schedule, and match old clusters to new ones when you do.

# %%
print(f"notebook ran in {time.perf_counter() - notebook_start:.0f} s")
