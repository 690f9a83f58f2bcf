"""Start a new notebook: ``python -m course_utils new-notebook NN name``.

Writes the four files a notebook needs, each with a small working example to
replace, and adds the notebook's rows to the README's tables:

* ``solutions/NN_name.py``: the single source (jupytext percent script);
* ``course_utils/exercises/nbNN.py``: its exercises, declared in order;
* ``course_utils/lessons/nbNN.py``: its reference pipeline;
* ``tests/test_exercises_nbNN.py``: the right answer and wrong answers per exercise;
* ``README.md``: a row in the syllabus and in the instructor timings.

It refuses to overwrite anything. :data:`TOUCHES` lists every place a new
notebook touches, including those to edit by hand; the command prints it.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

from course_utils.course.authoring import SOURCE_NAME

#: Every place a new notebook touches (the README's course-author section repeats it; a test keeps them equal).
TOUCHES = [
    ("solutions/NN_name.py", "the notebook's single source: prose, code, solution regions (written for you)"),
    (
        "course_utils/exercises/nbNN.py",
        "its exercises with their known mistakes, registered in order (written for you)",
    ),
    ("course_utils/lessons/nbNN.py", "its reference pipeline, computed once per kernel (written for you)"),
    ("tests/test_exercises_nbNN.py", "each exercise's right answer and >= 3 realistic wrong ones (written for you)"),
    ("README.md", "a row in the syllabus and in the instructor timings (added for you; fill in the timings)"),
    ("solutions/00_setup_and_tour.py", "the plan of the course in section 4 (edit by hand)"),
    ("the previous notebook's last cell", "its 'Next:' pointer (edit by hand)"),
    (
        "datasets/ and course_utils/data/",
        "a dataset module with schema, generator, reader and DATASETS, "
        "the data card and SHA256SUMS, if the notebook ships data",
    ),
    ("docs/glossary.md", "the terms the notebook teaches, linked to its sections (edit by hand)"),
    (
        "docs/instructor_guide.md",
        "its section: `python -m course_utils guide` adds it with the generated misconceptions; "
        "write its objectives, timing, discussion prompts and pair activities (edit by hand)",
    ),
    ("make notebooks", "regenerate notebooks/ and solutions/*.ipynb, then run make test"),
]

_SOURCE = '''\
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
# # {nb_id} · {title}
#
# What you will be able to do at the end, in one sentence. Running time: under a minute.
# Learner time: about an hour.

# %% tags=["solution"]
# Solution notebooks only: a check that does not pass raises, so CI fails loudly.
from course_utils.course.checks import strict_mode

strict_mode(True)

# %%
from course_utils import data
from course_utils.exercises.nb{nb_id} import ____, q1

orders = data.load("tour_orders")

# %% [markdown]
# ## 1. A first exercise
#
# ### Exercise q1: how many orders?
#
# Replace this example with the notebook's first exercise: say why before how.

# %%
# BEGIN SOLUTION: The number of orders (rows) in orders.
n_orders = len(orders)
# END SOLUTION
q1.check(n_orders)

# %% [markdown]
# ## Recap
#
# - What the learner can now do, one line each.
'''

_EXERCISES = '''\
"""Exercises for notebook {nb_id}, {title}.

q1 the number of orders (an example: replace it)
"""

from __future__ import annotations

from course_utils.course.checks import ____  # noqa: F401 (re-exported for the notebook)
from course_utils.course.declare import Mistake
from course_utils.course.kinds import NumericExercise
from course_utils.course.registry import register
from course_utils.lessons import nb{nb_id} as lesson


class OrderCount(NumericExercise):
    title = "How many orders are there?"
    expects = "a whole number (an int)"
    whole = True
    hints = [
        "Each row of orders is one order.",
        "len(orders)",
    ]
    solution_code = """
    n_orders = len(orders)
    """
    mistakes = (
        Mistake(
            "customers_counted",
            "That is the number of customers; count the orders (rows).",
            wrong=lambda: int(lesson.orders.shared()["customer_id"].nunique()),
        ),
    )

    def reference(self):
        return len(lesson.orders.shared())

    def correct_message(self, answer):
        return f"{{int(answer)}} orders."


q1 = OrderCount("q1")

EXERCISES = register(__name__, [q1])
'''

_LESSON = '''\
"""Notebook {nb_id}'s reference pipeline, computed once per kernel."""

from __future__ import annotations

import pandas as pd

from course_utils import data
from course_utils.course.declare import reference


@reference
def orders() -> pd.DataFrame:
    """The data the notebook starts from (an example: replace it)."""
    return data.load("tour_orders")
'''

_TEST = '''\
"""Notebook {nb_id}'s checks: the right answer passes, realistic mistakes are named."""

from course_utils.exercises.nb{nb_id} import ____, q1
from course_utils.lessons import nb{nb_id} as lesson
from tests.helpers import expect_mistake


def test_q1_right():
    assert q1.check(len(lesson.orders())).correct


def test_q1_mistakes():
    orders = lesson.orders()
    expect_mistake(q1, orders["customer_id"].nunique(), "customers")
    expect_mistake(q1, "400", "not text")
    expect_mistake(q1, orders, "one number")


def test_q1_not_attempted():
    assert q1.check(____).status == "not_attempted"
'''


def _readme_rows(nb_id: str, title: str, level: str) -> dict:
    return {
        "syllabus": f"| {nb_id} | {title} | {level} | (what the learner leaves able to do) | planned |",
        "timings": f"  | {nb_id} {title} | (measure it) | (estimate) | 1 |",
    }


def _insert_row(text: str, header_start: str, row: str, nb_id: str) -> str:
    """Insert ``row`` into the markdown table whose header starts with ``header_start``, in id order."""
    lines = text.split("\n")
    try:
        head = next(i for i, line in enumerate(lines) if line.strip().startswith(header_start))
    except StopIteration:
        raise ValueError(f"README.md has no table starting with {header_start!r}") from None
    end = head + 2
    at = None
    while end < len(lines) and lines[end].strip().startswith("|"):
        m = re.match(r"\s*\|\s*(\d\d)\b", lines[end])
        if m and m.group(1) == nb_id:
            if lines[end].rstrip().endswith("| planned |"):  # the syllabus announced it: the row becomes real
                lines[end] = row
                return "\n".join(lines)
            raise ValueError(f"README.md already lists notebook {nb_id} in the table {header_start!r}")
        if at is None and m and m.group(1) > nb_id:
            at = end
        end += 1
    lines.insert(at if at is not None else end, row)
    return "\n".join(lines)


def scaffold(root, nb_id: str, name: str, title: str | None = None, level: str = "intermediate") -> list:
    """Write the files of a new notebook under ``root``; return the paths written.

    Raises ValueError for a malformed id or name, or when any file exists already.
    """
    root = Path(root)
    if not isinstance(nb_id, str) or not re.fullmatch(r"\d\d", nb_id):
        raise ValueError(f"the notebook id is two digits such as '07', got {nb_id!r}")
    if not SOURCE_NAME.match(f"{nb_id}_{name}.py"):
        raise ValueError(f"the name is lower-case words joined by _ (e.g. churn_models), got {name!r}")
    existing = sorted((root / "solutions").glob(f"{nb_id}_*.py"))
    if existing:
        raise ValueError(f"notebook {nb_id} exists already: {existing[0]}")
    title = title or name.replace("_", " ")
    fields = {"nb_id": nb_id, "title": title}
    files = {
        root / "solutions" / f"{nb_id}_{name}.py": _SOURCE.format(**fields),
        root / "course_utils" / "exercises" / f"nb{nb_id}.py": _EXERCISES.format(**fields),
        root / "course_utils" / "lessons" / f"nb{nb_id}.py": _LESSON.format(**fields),
        root / "tests" / f"test_exercises_nb{nb_id}.py": _TEST.format(**fields),
    }
    for path in files:
        if path.exists():
            raise ValueError(f"{path} exists already; nothing was written")
    readme = root / "README.md"
    text = readme.read_text(encoding="utf-8")
    rows = _readme_rows(nb_id, title, level)
    text = _insert_row(text, "| # | notebook |", rows["syllabus"], nb_id)
    text = _insert_row(text, "| notebook | runs in |", rows["timings"], nb_id)
    for path, content in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(content), encoding="utf-8")
    readme.write_text(text, encoding="utf-8")
    return list(files) + [readme]


def touches_text() -> str:
    """The list of places a new notebook touches, as the command prints it."""
    width = max(len(p) for p, _ in TOUCHES)
    return "\n".join(f"  {p.ljust(width)}  {what}" for p, what in TOUCHES)
