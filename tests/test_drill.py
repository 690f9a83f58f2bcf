"""The drill command: a session driven through a pipe, spaced repetition, and an injectable clock."""

import io
import json
import os
import subprocess
import sys

import pytest

from course_utils.course import drill, progress
from course_utils.course.cli import build_parser

BANK = drill.load_bank()


class Clock:
    """A clock the test moves by hand: no test here waits for real time."""

    def __init__(self, start=1_000_000.0):
        self.now = start

    def __call__(self):
        return self.now


class TimedInput(io.StringIO):
    """Typed input where each line takes ``seconds`` on ``clock`` to type."""

    def __init__(self, text, clock, seconds):
        super().__init__(text)
        self.clock, self.seconds = clock, seconds

    def readline(self, *args):
        self.clock.now += self.seconds
        return super().readline(*args)


def answer_lines(item, right: bool) -> list:
    """What a learner types for ``item``: the right answer, or a realistic wrong one."""
    if item.kind == "choice":
        good = [k for k, o in item.options if o.correct]
        bad = next(k for k, o in item.options if not o.correct)
        return [" ".join(good if right else good + [bad] if item.multiple else [bad])]
    if item.kind == "numeric":
        return [f"{item.answer if right else item.mistakes[0][1]:g}"]
    letters = [k for k, _ in item.rubric]
    required = [k for k, r in item.rubric if r.required]
    met = letters if right else required[:-1]
    return [" ".join(item.model_answer.split()), "", " ".join(met)]


def script(items, pattern) -> str:
    return "".join(line + "\n" for item, right in zip(items, pattern) for line in answer_lines(item, right))


def state(path) -> dict:
    return json.loads(path.read_text())["drill"]["items"]


def run_drill(args, stdin_text, progress_file):
    env = dict(os.environ, COURSE_PROGRESS_FILE=str(progress_file), PYTHONIOENCODING="utf-8")
    return subprocess.run([sys.executable, "-m", "course_utils", "drill", *args], input=stdin_text,
                          capture_output=True, text=True, env=env, timeout=120)


# -- through a pipe, as a learner types ---------------------------------------------------------------
MOCK = drill.mock_items(BANK, 5, seed=1)
PATTERN = [True, False, True, False, True]


def test_the_mock_draws_mixed_topics_reproducibly():
    assert [i.id for i in MOCK] == [i.id for i in drill.mock_items(BANK, 5, seed=1)]
    assert len({i.topic for i in MOCK}) == 5  # one item from each topic in turn
    assert [i.id for i in drill.mock_items(BANK, 5, seed=2)] != [i.id for i in MOCK]
    assert {i.kind for i in MOCK} >= {"choice"}


def test_mock_interview_through_a_pipe(tmp_path):
    out = run_drill(["--mock", "5", "--seed", "1"], script(MOCK, PATTERN), tmp_path / "p.json")
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert "Mock interview (seed 1" in text and "5 question(s)" in text
    assert "Answered 5 of 5; right 3 (60%); skipped 0" in text
    for item, right in zip(MOCK, PATTERN):
        assert f"{item.topic}  " in text
        in_revisit = f"{item.revisit}  ({item.id})" in text
        assert in_revisit != right, f"{item.id} right={right} but revisit listed={in_revisit}"
    assert text.count("Correct.") == 3 and text.count("Incorrect.") == 2
    saved = state(tmp_path / "p.json")
    assert set(saved) == {i.id for i in MOCK}
    for item, right in zip(MOCK, PATTERN):
        entry = saved[item.id]
        assert entry["box"] == (1 if right else 0) and entry["asked"] == 1
        assert entry["history"][-1]["status"] == ("correct" if right else "incorrect")
        if item.kind == "written":
            assert entry["history"][-1]["answer"].startswith(item.model_answer.split()[0])
            assert "met" in entry["history"][-1]


def test_end_of_input_midway_saves_and_prints_the_summary_so_far(tmp_path):
    out = run_drill(["--mock", "5", "--seed", "1"], script(MOCK[:2], PATTERN[:2]), tmp_path / "p.json")
    assert out.returncode == 0, out.stderr
    assert "Stopped: the input ended. Progress saved." in out.stdout
    assert "Answered 2 of 5; right 1 (50%)" in out.stdout
    assert set(state(tmp_path / "p.json")) == {MOCK[0].id, MOCK[1].id}


def test_the_progress_file_keeps_the_notebook_outcomes_too(tmp_path):
    path = tmp_path / "p.json"
    path.write_text(json.dumps({"version": 2, "notebooks": {"01": {"q1": {"attempts": 3}}}}))
    run_drill(["--mock", "1", "--seed", "1"], script(MOCK[:1], [True]), path)
    data = json.loads(path.read_text())
    assert data["notebooks"]["01"]["q1"]["attempts"] == 3 and MOCK[0].id in data["drill"]["items"]


def test_list_and_unknown_topic(tmp_path):
    out = run_drill(["--list"], "", tmp_path / "p.json")
    assert out.returncode == 0
    for topic in drill.topics(BANK):
        assert topic in out.stdout
    assert "kmeans-assumptions" in out.stdout
    bad = run_drill(["--topic", "astrology"], "", tmp_path / "p.json")
    assert bad.returncode == 2 and "no topic 'astrology'" in bad.stderr and "kmeans" in bad.stderr


@pytest.mark.parametrize("args", [["--mock", "0"], ["--mock", "x"], ["--minutes", "-1"], ["--limit", "0"]])
def test_bad_arguments_are_refused(args, capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args(["drill", *args])
    assert "expected a" in capsys.readouterr().err


# -- spaced repetition ----------------------------------------------------------------------------
def session(items, text, clock, **kw):
    out = io.StringIO()
    s = drill.Session(items, stdin=io.StringIO(text) if isinstance(text, str) else text, stdout=out, clock=clock,
                      **kw)
    s.run()
    return s, out.getvalue()


def test_a_wrong_answer_comes_back_before_a_right_one():
    clock = Clock()
    a, b = BANK["kmeans-assumptions"], BANK["rfm-netting"]
    session([a, b], script([a, b], [False, True]), clock)
    saved = drill.load_state()["items"]
    assert saved[a.id]["due"] < saved[b.id]["due"]

    clock.now += 3600  # an hour later: only the wrong one is due (besides the never-asked items)
    due = drill.due_items(BANK, saved, clock.now)
    assert due[0] is a and b not in due
    clock.now += 2 * 86_400  # two days later both are due, the wrong one first
    due = drill.due_items(BANK, saved, clock.now)
    assert due.index(a) < due.index(b) < len([i for i in due if i.id in saved])
    fresh = due[2:]
    assert all(i.id not in saved for i in fresh)  # then the items never asked, one topic after another
    assert len({i.topic for i in fresh[:5]}) == 5


def test_boxes_climb_with_right_answers_and_fall_back_on_a_wrong_one():
    entry, now = None, 0.0
    for expected in (1, 2, 3):
        entry = drill.schedule(entry, True, now)
        assert entry["box"] == expected and entry["due"] == now + drill.INTERVALS[expected]
    entry = drill.schedule(entry, False, now)
    assert entry["box"] == 0 and entry["due"] == now + drill.INTERVALS[0] and entry["asked"] == 4
    assert entry["right"] == 3
    for _ in range(10):
        entry = drill.schedule(entry, True, now)
    assert entry["box"] == len(drill.INTERVALS) - 1


def test_nothing_due_says_so(tmp_path, monkeypatch):
    clock = Clock()
    far = {item.id: {"box": 3, "due": clock.now + 1e6} for item in BANK.values()}
    progress.update_section("drill", lambda s: s.update(items=far))
    args = build_parser().parse_args(["drill"])
    out = io.StringIO()
    assert drill.main(args, stdin=io.StringIO(""), stdout=out, clock=clock) == 0
    assert "Nothing is due" in out.getvalue()


def test_due_questions_of_one_topic_up_to_the_limit():
    clock = Clock()
    args = build_parser().parse_args(["drill", "--topic", "kmeans", "--limit", "2"])
    out = io.StringIO()
    drill.main(args, stdin=io.StringIO(""), stdout=out, clock=clock)
    assert "Drill · kmeans: 2 question(s)" in out.getvalue()
    assert "[1/2] kmeans" in out.getvalue()


# -- the clock, interruptions and typing ----------------------------------------------------------
def test_each_answer_is_timed_with_the_clock_and_the_budget_ends_a_mock():
    clock = Clock()
    items = [BANK["kmeans-assumptions"], BANK["rfm-netting"], BANK["emb-bots"]]
    typed = TimedInput(script(items, [True, True, True]), clock, seconds=100)
    s, out = session(items, typed, clock, minutes=3)
    assert "Took 1:40 (budget 30 s: practise saying it faster)." in out
    assert [o.seconds for o in s.outcomes] == [100, 100]
    assert "Stopped: time is up." in out and "Answered 2 of 3" in out and "time 3:20 of 3:00" in out


class Interrupting(io.StringIO):
    def __init__(self, text, after):
        super().__init__(text)
        self.left = after

    def readline(self, *args):
        if self.left == 0:
            raise KeyboardInterrupt
        self.left -= 1
        return super().readline(*args)


def test_ctrl_c_saves_and_prints_the_summary_so_far():
    items = [BANK["kmeans-assumptions"], BANK["rfm-netting"]]
    _, out = session(items, Interrupting(script(items, [True, True]), after=1), Clock())
    assert "Stopped: interrupted (Ctrl-C). Progress saved." in out
    assert "Answered 1 of 2; right 1 (100%)" in out
    assert set(drill.load_state()["items"]) == {"kmeans-assumptions"}


def test_hint_typo_skip_and_quit():
    a, b, c = BANK["kmeans-assumptions"], BANK["rfm-recency-days"], BANK["emb-bots"]
    right_a = answer_lines(a, True)[0]
    text = f"hint\nhint\nzz\n{right_a}\nnine\n9\nskip\nquit\n"
    s, out = session([a, b, c, BANK["rfm-netting"]], text, Clock())
    assert f"Hint 1/1: {a.hints[0]}" in out and "No more hints" in out
    assert "'zz' is not an option" in out and "Try again." in out
    assert "'nine' is not a number" in out
    assert [o.status for o in s.outcomes] == ["correct", "correct", "skipped"]
    assert "Stopped: you stopped." in out and "skipped 1" in out
    assert set(drill.load_state()["items"]) == {a.id, b.id}  # a skipped question keeps its state


def test_a_written_item_keeps_the_text_and_the_self_score():
    item = BANK["int-marketer-60s"]
    clock = Clock()
    first, rest = item.model_answer.split(". ", 1)
    text = "\n".join([first + ".", rest, "", "a b c d"]) + "\n"
    s, out = session([item], text, clock)
    assert s.outcomes[0].status == "correct" and "Model answer:" in out
    entry = drill.load_state()["items"][item.id]["history"][-1]
    assert entry["met"] == "a b c d" and "\n" in entry["answer"]


def test_a_too_short_written_answer_is_judged_without_a_self_score():
    item = BANK["int-marketer-60s"]
    s, out = session([item], "Win them back.\n\n", Clock())
    assert s.outcomes[0].status == "incorrect" and "words" in s.outcomes[0].message
    assert "Score your answer" not in out


def test_a_piped_answer_is_echoed_so_the_transcript_reads_like_typing():
    item = BANK["kmeans-assumptions"]
    _, out = session([item], script([item], [True]), Clock())
    assert f"answer (one letter)> {answer_lines(item, True)[0]}\n" in out


@pytest.mark.parametrize("text, value", [("0.25", 0.25), ("1,200", 1200.0), ("12%", 0.12), (" -3 ", -3.0),
                                         ("1e3", 1000.0), ("abc", None), ("", None), ("nan", None), ("1,2", None)])
def test_parse_number(text, value):
    assert drill.parse_number(text) == value


# -- the notebook helpers -------------------------------------------------------------------------
def test_time_budget_reports_against_the_clock(capsys):
    clock = Clock()
    budget = drill.TimeBudget("case (a)", minutes=5, clock=clock)
    assert "5 minutes, starting now" in capsys.readouterr().out
    clock.now += 125
    assert budget.verdict() == "case (a): 2:05 of 5:00, within budget."
    clock.now += 400
    budget.report()
    assert "8:45 of 5:00, 3:45 over" in capsys.readouterr().out
    with pytest.raises(ValueError, match="minutes must be a positive number"):
        drill.TimeBudget("x", minutes=0)


def test_time_budget_of_one_minute_is_singular(capsys):
    drill.TimeBudget("a segment in 60 seconds", minutes=1, clock=Clock())
    out = capsys.readouterr().out
    assert "1 minute, starting now" in out and "1 minutes" not in out
    drill.TimeBudget("half", minutes=0.5, clock=Clock())
    assert "0.5 minutes, starting now" in capsys.readouterr().out
