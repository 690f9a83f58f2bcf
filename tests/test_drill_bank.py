"""The drill's question bank: well formed, judged right, and every item's revisit link resolves."""

import json
import math
import re
from fnmatch import fnmatch

import pandas as pd
import pytest

from course_utils.course import drill, sections
from tests.conftest import ROOT

BANK = drill.load_bank()
AUTO = [item for item in BANK.values() if item.auto_checked]
WRITTEN = [item for item in BANK.values() if item.kind == "written"]


def test_the_bank_is_big_enough_and_covers_the_course():
    assert len(BANK) >= 40
    notebooks = {path.name[:2] for path in (ROOT / "solutions").glob("0[1-9]_*.py")}
    assert notebooks <= {item.notebook for item in BANK.values()}, "every notebook after 00 has items in the bank"
    assert len(drill.topics(BANK)) >= 5
    for topic in drill.topics(BANK):
        assert sum(item.topic == topic for item in BANK.values()) >= 8, topic


def test_single_choice_answers_are_spread_over_the_letters():
    letters = pd.Series([item.right_answer() for item in BANK.values() if item.kind == "choice" and not item.multiple])
    assert letters.value_counts(normalize=True).max() < 0.4  # no "it is always (a)"


# -- every auto-checked item: its right answer and at least two wrong ones ---------------------------
def wrong_answers(item) -> list:
    """``[(answer, words the feedback must contain)]``: every wrong option, or every declared mistake."""
    if item.kind == "choice":
        right = [k for k, o in item.options if o.correct]
        return [((right + [k]) if item.multiple else k, o.feedback[:25]) for k, o in item.options if not o.correct]
    return [(value, message[:25]) for _, value, message in item.mistakes]


@pytest.mark.parametrize("item", AUTO, ids=lambda i: i.id)
def test_right_answer_passes(item):
    assert item.exercise().evaluate(item.right_answer()).correct


@pytest.mark.parametrize("item", AUTO, ids=lambda i: i.id)
def test_at_least_two_wrong_answers_get_their_feedback(item):
    wrong = wrong_answers(item)
    assert len(wrong) >= 2, f"{item.id}: declare at least two wrong answers"
    exercise = item.exercise()
    for answer, words in wrong:
        result = exercise.evaluate(answer)
        assert result.status == "incorrect", f"{item.id}: {answer!r} was judged {result.status}"
        assert words in result.message


@pytest.mark.parametrize("item", [i for i in AUTO if i.kind == "numeric"], ids=lambda i: i.id)
def test_a_number_far_off_is_wrong_and_text_is_refused(item):
    exercise = item.exercise()
    assert exercise.evaluate(item.answer * 3 + 7).status == "incorrect"
    assert "not text" in exercise.evaluate(str(item.answer)).message


#: Every numeric item's answer, computed here from its prompt (so a typo in the bank fails).
COMPUTED = {
    "rfm-frequency-invoices": lambda: len({"5001", "5002"}),
    "rfm-recency-days": lambda: (pd.Timestamp("2011-12-09 12:50").normalize() + pd.Timedelta(days=1)
                                 - pd.Timestamp("2011-12-01 15:30").normalize()).days,
    "kmeans-silhouette-point": lambda: (5.0 - 2.0) / max(2.0, 5.0),
    "kmeans-choose-k-rule": lambda: max(
        k for k, s, ari in zip(range(2, 7), [0.52, 0.47, 0.50, 0.41, 0.38], [0.98, 0.93, 0.90, 0.72, 0.70])
        if ari >= 0.85 and s >= 0.52 - 0.05 - 1e-12),
    "emb-sessions-count": lambda: 1 + sum(g > 30 for g in [10, 30, 35, 5, 70]),
    "emb-idf-weight": lambda: math.log((1 + 99) / (1 + 9)) + 1,
    "prod-week-number": lambda: (pd.Timestamp("2025-01-19 23:59") - pd.Timestamp("2025-01-06")).days // 7 + 1,
    "prod-entropy": lambda: -sum(p * math.log(p) for p in (0.5, 0.25, 0.25)),
    "prod-psi-by-hand": lambda: sum((a - e) * math.log(a / e) for e, a in ((0.5, 0.6), (0.5, 0.4))),
    "prod-moved-share": lambda: (lambda w4, w5: sum(w4[u] != w5[u] for u in w4.keys() & w5.keys())
                                 / len(w4.keys() & w5.keys()))({"u1": 0, "u2": 1, "u3": 1, "u4": 2},
                                                               {"u2": 1, "u3": 0, "u4": 2, "u5": 0}),
    "int-lift-vs-holdout": lambda: (310 / 5000) / (45 / 1000) - 1,
}


@pytest.mark.parametrize("item", [i for i in BANK.values() if i.kind == "numeric"], ids=lambda i: i.id)
def test_numeric_answers_are_computed_from_the_prompt(item):
    assert item.id in COMPUTED, f"add how {item.id}'s answer follows from its prompt to COMPUTED"
    assert item.exercise().evaluate(COMPUTED[item.id]()).correct


# -- written items ------------------------------------------------------------------------------------
@pytest.mark.parametrize("item", WRITTEN, ids=lambda i: i.id)
def test_written_items_judge_the_self_score(item):
    exercise = item.exercise()
    letters = [k for k, _ in item.rubric]
    required = [k for k, r in item.rubric if r.required]
    assert exercise.evaluate(item.model_answer, met=letters).correct
    assert exercise.evaluate(item.model_answer).status == "not_attempted"  # waits for the self-score
    assert exercise.evaluate(item.model_answer, met=required[:-1]).status == "incorrect"
    assert exercise.evaluate("Merge them.", met=letters).status == "incorrect"
    assert len(item.weak_answers) >= 2 and item.seconds >= 60


# -- revisit links --------------------------------------------------------------------------------
@pytest.mark.parametrize("item", list(BANK.values()), ids=lambda i: i.id)
def test_every_revisit_link_points_at_a_section(item):
    section = sections.resolve(item.revisit, ROOT)
    assert section.level >= 2, f"{item.id}: link a section, not the notebook's title"


# -- the files ------------------------------------------------------------------------------------------
def test_one_file_per_topic_and_shipped_as_package_data():
    files = drill.bank_files()
    names = [f.name for f in files]
    assert len(names) >= 5
    for f in files:
        data = json.loads(f.read_text(encoding="utf-8"))
        assert data["topic"] == f.name[:-5] and data["title"]
    config = (ROOT / "pyproject.toml").read_text()
    block = config[config.index("[tool.setuptools.package-data]"):]
    globs = re.findall(r'"([^"]+)"', re.search(r'"course_utils\.course"\s*=\s*\[([^\]]*)\]', block).group(1))
    for name in names:
        assert any(fnmatch(f"{drill.BANK_DIR}/{name}", g) for g in globs), f"{name} would not ship in the wheel"


def write(tmp_path, name, items, topic=None):
    data = {"topic": topic or name[:-5], "title": "t", "items": items}
    (tmp_path / name).write_text(json.dumps(data))


def good_item(**change):
    item = {"id": "x-one", "topic": "x", "kind": "choice", "revisit": "notebooks/01_rfm_kmeans.ipynb#2-clean",
            "seconds": 30, "prompt": "Which?", "hints": ["think"], "explanation": "because",
            "options": {"a": {"text": "yes", "feedback": "right", "correct": True},
                        "b": {"text": "no", "feedback": "wrong"}, "c": {"text": "maybe", "feedback": "wrong"}}}
    item.update(change)
    return {k: v for k, v in item.items() if v is not None}


@pytest.mark.parametrize("change, message", [
    ({"kind": "essay"}, "kind must be one of"),
    ({"hints": []}, "'hints' must be a non-empty list"),
    ({"seconds": 5}, "must be 10 to 3600"),
    ({"prompt": None}, "missing 'prompt'"),
    ({"id": "Bad Id"}, "lower-case words"),
    ({"topic": "y"}, "has topic 'y'"),
    ({"colour": "red"}, "unknown field"),
    ({"options": {"a": {"text": "yes", "feedback": "right"}, "b": {"text": "no", "feedback": "wrong"}}},
     "exactly one option must be correct"),
    ({"pending": "later"}, "unknown field"),
])
def test_a_malformed_item_is_refused_with_its_file_and_field(tmp_path, change, message):
    write(tmp_path, "x.json", [good_item(**change)])
    with pytest.raises(drill.BankError, match=message) as info:
        drill.load_bank(tmp_path)
    assert "x.json" in str(info.value)


def test_duplicate_ids_and_unreadable_files_are_refused(tmp_path):
    write(tmp_path, "x.json", [good_item(), good_item()])
    with pytest.raises(drill.BankError, match="used twice"):
        drill.load_bank(tmp_path)
    write(tmp_path, "x.json", [good_item()])
    write(tmp_path, "y.json", [good_item(id="x-one", topic="y")])
    with pytest.raises(drill.BankError, match="used twice"):
        drill.load_bank(tmp_path)
    write(tmp_path, "y.json", [good_item(id="y-one", topic="y")])
    assert list(drill.load_bank(tmp_path)) == ["x-one", "y-one"]
    (tmp_path / "x.json").write_text("{not json")
    with pytest.raises(drill.BankError, match="not readable JSON"):
        drill.load_bank(tmp_path)


def test_a_written_item_whose_model_answer_misses_its_rubric_is_refused(tmp_path):
    item = good_item(kind="written", options=None, model_answer="Just merge them.",
                     rubric={"a": {"text": "silhouette", "keywords": ["silhouette"]}})
    write(tmp_path, "x.json", [item])
    with pytest.raises(drill.BankError, match="shows no keyword of rubric item 'a'"):
        drill.load_bank(tmp_path)
