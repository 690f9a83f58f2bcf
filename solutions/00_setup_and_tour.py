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
# # 00 · Setup and tour
#
# Welcome to **Consumer Segmentation with Clustering and Embeddings**. This first notebook
# takes about ten minutes. You will
#
# 1. check that your machine has everything the course needs,
# 2. learn how exercises work: `check()`, `hint()` and `solution()`,
# 3. meet the datasets and the plan of the course.
#
# Run each cell with **Shift+Enter**, top to bottom.

# %% tags=["solution"]
# Solution notebooks only: a check that does not pass raises, so that CI fails
# loudly when a worked solution stops being right. Learner notebooks skip this cell.
from course_utils.course.checks import strict_mode

strict_mode(True)

# %% [markdown]
# ## 1. Is your machine ready?
#
# The *doctor* checks your Python version, every package the course needs, and that the
# shipped datasets are intact. Each line says `[ OK ]` or `[FAIL]`; a failure is followed
# by the command that fixes it. (From a terminal, `python -m course_utils doctor` does the
# same and also starts a fresh kernel; here we skip that, since this notebook already runs
# in one.)

# %%
from course_utils.course import doctor

ready = doctor.run(kernel=False)

# %% tags=["solution"]
assert ready, "the doctor found a problem; see the [FAIL] rows above"

# %% [markdown]
# ## 2. How exercises work
#
# Each notebook imports its exercises as `q1`, `q2`, ... Where you see `____`, replace it with
# your code and run the cell. Then:
#
# - `q1.check(answer)` says **Correct**, **Incorrect** (and what the likely mistake is), or
#   **Not attempted** if the `____` is still there;
# - `q1.hint()` gives a first hint, `q1.hint(2)` a stronger one;
# - `q1.solution()` shows a worked answer. Try on your own first: the mistakes teach.
#
# Your latest outcome for every exercise is saved, so you can see your progress later.

# %%
import pandas as pd

from course_utils import data
from course_utils.exercises.nb00 import ____, q1, q2

orders = data.load("tour_orders")
orders.head()

# %% [markdown]
# `orders` is a small table of web-shop orders from 2024: who ordered (`customer_id`), when,
# from which country, how many items, and the amount paid. Look at the dtypes and the
# missing values before anything else; it is a habit that pays off in every project.

# %%
orders.info()

# %% [markdown]
# ### Exercise q1: how many customers?
#
# How many **distinct customers** placed an order? Store the number in `n_customers`.
#
# Careful: some orders have no `customer_id`. An order without an id cannot be tied to a
# customer, so it should not count as one.

# %%
# BEGIN SOLUTION: Count the distinct customer ids (missing ids are not customers).
n_customers = orders["customer_id"].nunique()
# END SOLUTION
q1.check(n_customers)

# %% [markdown]
# Stuck? Uncomment a line and run it:

# %%
# q1.hint()
# q1.hint(2)
# q1.solution()

# %% [markdown]
# Try a wrong answer on purpose to see what a check tells you. Counting rows counts
# *orders*, and a customer can order several times:

# %%
q1.evaluate(len(orders)).message

# %% [markdown]
# (`evaluate` judges an answer without recording it; use `check` for your real answer.)
#
# ### Exercise q2: who spends the most?
#
# Segmentation starts with one question: *do customers differ?* Compute the **total amount
# spent per customer**, as a Series indexed by `customer_id`, **largest first**. Call it
# `spend`.

# %%
# BEGIN SOLUTION: Total amount per customer_id, sorted largest first.
spend = (
    orders.groupby("customer_id")["amount"]
    .sum()
    .sort_values(ascending=False)
)
# END SOLUTION
q2.check(spend)

# %% [markdown]
# The next cell plots your answer. If you skipped q2, it continues with the reference
# result and says so: that is how every notebook in the course keeps running when an
# exercise is not done yet.

# %%
import matplotlib.pyplot as plt

spend_checked = q2.answer_or_reference(spend)
share = spend_checked.cumsum() / spend_checked.sum()

fig, ax = plt.subplots(figsize=(6, 3.5))
ax.plot(range(1, len(share) + 1), share.to_numpy() * 100)
ax.axhline(80, color="grey", linestyle=":")
ax.set_title("Cumulative share of revenue, biggest spenders first")
ax.set_xlabel("customers, biggest spenders first")
ax.set_ylabel("cumulative share of revenue (%)")
plt.show()

n80 = int((share < 0.8).sum()) + 1
print(f"{n80} of {len(share)} customers ({n80 / len(share):.0%}) bring 80% of the revenue.")

# %% [markdown]
# Customers are not alike: a minority of them brings most of the money. The course is about
# finding such groups, *segments*, in a way you can defend to a business team.
#
# ## 3. The datasets
#
# Every dataset ships in the `datasets/` folder, or is rebuilt byte for byte by a seeded
# generator; nothing is downloaded. `datasets/README.md` is the data card: columns, how
# each file was made, and the mess planted in it. Synthetic data has one big advantage
# over real data: we know the **planted truth**, so you can measure how well your
# segmentation recovered it.

# %%
data.list_datasets()

# %% [markdown]
# ## 4. The plan of the course
#
# | # | notebook | level | you will be able to |
# |---|---|---|---|
# | 00 | setup and tour | - | check your setup, use `check()/hint()/solution()`, find the data |
# | 01 | RFM segmentation with K-Means | beginner | clean transactions, compute Recency/Frequency/Monetary, argue a k, read and name clusters, recognise weak structure |
# | 02 | clustering algorithms and validation | beginner-intermediate | say where K-Means, hierarchical, DBSCAN, HDBSCAN and Gaussian mixtures fail; validate with silhouette diagrams, stability and chance-corrected scores; test whether there is any structure; read PCA, t-SNE and UMAP pictures |
# | 03 | session embeddings with Word2Vec and HDBSCAN | intermediate | turn clickstreams into page vectors with Word2Vec, cluster readers with HDBSCAN, place new readers |
# | 04 | graph, text and autoencoder embeddings | intermediate | Node2Vec on a co-purchase graph, review text (LSA, Word2Vec, Doc2Vec), an autoencoder bottleneck; when PCA + K-Means is the better choice |
# | 05 | dynamic weekly segmentation | advanced | update segments weekly with stable identities, map personas, store the history, monitor drift, decide when to refit |
# | 06 | interview drills | all | answer classic segmentation interview questions hands-on and in words, under time; keep drilling in the terminal |
#
# Every notebook is in `notebooks/`, and `make lab` copies it into your own `workspace/`.
# Worked solutions are in `solutions/`; open them after you have tried.
#
# ## 5. Your progress
#
# Every check records its latest outcome. The same table is printed by
# `python -m course_utils progress` in a terminal.

# %%
from course_utils.course import progress

_ = progress.show()

# %% [markdown]
# Terms and recipes: the [glossary](../docs/glossary.md) and the one-page [cheat sheet](../docs/cheatsheet.md).
#
# You are set up. Next: **[01 · RFM segmentation with K-Means](01_rfm_kmeans.ipynb)**.
