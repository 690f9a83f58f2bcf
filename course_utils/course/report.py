"""The class report: one self-contained HTML page from a folder of grades.

``python -m course_utils grade submissions/ --report class.html`` writes it next
to the CSV. Every number on the page is computed from the CSV's rows
(:func:`course_utils.course.grading.csv_rows`), so the two always agree:

* per exercise: the share of learners Correct / Solution viewed / Incorrect /
  Not attempted, the most frequent diagnosed mistakes (the checks' own mistake
  names and messages, counted), how many used hints and viewed the solution;
* per learner: a row with the score, hints, solutions viewed and problems;
* a learners x exercises heatmap;
* the notebooks that could not be graded fully, and every flag raised.

The page has no script and loads nothing: inline CSS only, so it opens offline
and can be mailed as it is. Everything a submission controls (file names,
messages quoting an answer) is escaped.
"""

from __future__ import annotations

import html
import time
from collections import Counter
from pathlib import Path

STATUS_ORDER = ("correct", "solution_viewed", "incorrect", "not_attempted")
LABEL = {"correct": "Correct", "solution_viewed": "Solution viewed", "incorrect": "Incorrect",
         "not_attempted": "Not attempted", "missing": "Not submitted"}
SYMBOL = {"correct": "✓", "solution_viewed": "S", "incorrect": "✗", "not_attempted": "·", "missing": ""}
COLOR = {"correct": "#1b7f3b", "solution_viewed": "#3f51b5", "incorrect": "#b3261e", "not_attempted": "#c9a227",
         "missing": "#ffffff"}
TOP_MISTAKES = 5

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px;color:#222;max-width:1400px}
h1{font-size:1.5em;margin-bottom:4px} h2{font-size:1.2em;margin-top:32px;border-bottom:1px solid #ddd}
.meta{color:#555;margin-top:0} table{border-collapse:collapse;margin:8px 0}
th,td{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top;font-size:0.92em}
th{background:#f4f4f4} td.num{text-align:right;white-space:nowrap}
.bar{display:flex;width:180px;height:14px;border:1px solid #ccc}
.bar span{display:block;height:100%}
.mistakes{margin:0;padding-left:18px} .mistakes li{margin:2px 0}
.name{font-family:ui-monospace,monospace;font-size:0.9em;color:#555}
table.heat td{width:26px;text-align:center;padding:2px;font-weight:bold;color:#fff}
table.heat td.learner{width:auto;text-align:left;color:#222;font-weight:normal}
.legend span{display:inline-block;padding:2px 8px;margin-right:6px;color:#fff;border-radius:3px}
.flag{color:#8a4b00} .problem{color:#b3261e}
"""


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def _exercise_titles(notebooks) -> dict:
    """``{(notebook, exercise): title}`` in the course's order, for the notebooks present."""
    from course_utils.course.grading import course_exercises

    out = {}
    for nb in sorted(n for n in notebooks if n):
        try:
            for ex in course_exercises(nb):
                out[(nb, ex.name)] = str(getattr(ex, "title", "") or "")
        except Exception:
            continue
    return out


def summarize(rows: list) -> dict:
    """The report's numbers from CSV rows (dicts keyed like the CSV's columns).

    Returns ``{"exercises": {(nb, ex): {...}}, "learners": {learner: {...}}, "cells": {(learner, nb, ex): status},
    "messages": {(learner, nb, ex): message}}``.
    """
    exercises, learners, cells, messages = {}, {}, {}, {}
    for r in rows:
        learner = r["learner"]
        person = learners.setdefault(learner, {"paths": set(), "correct": 0, "total": 0, "hints": 0, "viewed": 0,
                                               "errors": 0, "flags": 0, "notebooks": set()})
        person["paths"].add(r["path"])
        if r["notebook"]:
            person["notebooks"].add(r["notebook"])
        if r["exercise"] == "(notebook)":
            person["errors" if r["status"] == "error" else "flags"] += 1
            continue
        key = (r["notebook"], r["exercise"])
        stats = exercises.setdefault(key, {"n": 0, **dict.fromkeys(STATUS_ORDER, 0), "mistakes": Counter(),
                                           "examples": {}, "hinted": 0, "hints": 0, "viewed": 0})
        status = r["status"]
        hints = int(r["hints"] or 0)
        viewed = str(r["solution_viewed"]).lower() in ("yes", "true", "1")
        stats["n"] += 1
        stats[status] = stats.get(status, 0) + 1
        stats["hinted"] += hints > 0
        stats["hints"] += hints
        stats["viewed"] += viewed
        if status == "incorrect":
            label = r["mistake"] or r["message"]
            stats["mistakes"][label] += 1
            stats["examples"].setdefault(label, r["message"])
        person["total"] += 1
        person["correct"] += status == "correct"
        person["hints"] += hints
        person["viewed"] += viewed
        cells[(learner, r["notebook"], r["exercise"])] = status
        messages[(learner, r["notebook"], r["exercise"])] = r["message"]
    return {"exercises": exercises, "learners": learners, "cells": cells, "messages": messages}


def _share_cell(stats: dict, status: str) -> str:
    n, k = stats["n"], stats[status]
    share = f" ({k / n:.0%})" if n else ""
    return f'<td class="num" data-col="{status}" data-n="{k}">{k}{share}</td>'


def _bar(stats: dict) -> str:
    n = stats["n"] or 1
    parts = "".join(f'<span style="width:{100 * stats[s] / n:.1f}%;background:{COLOR[s]}" title="{LABEL[s]}"></span>'
                    for s in STATUS_ORDER if stats[s])
    return f'<div class="bar">{parts}</div>'


def render(grades: list, title: str = "Class report") -> str:
    """The whole page as a string."""
    from course_utils.course.grading import csv_rows

    rows = csv_rows(grades)
    numbers = summarize(rows)
    titles = _exercise_titles({g.notebook for g in grades})
    order = list(titles) + sorted(k for k in numbers["exercises"] if k not in titles)
    order = [k for k in order if k in numbers["exercises"]]
    learners = sorted(numbers["learners"])
    failed = [g for g in grades if g.failed]
    flagged = [g for g in grades if g.flags]
    out = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title><style>{CSS}</style></head><body>",
        f"<h1>{_e(title)}</h1>",
        f'<p class="meta">{len(grades)} submission(s) from {len(learners)} learner(s); notebooks '
        f'{_e(", ".join(sorted({g.notebook for g in grades if g.notebook})) or "-")}; '
        f"{len(grades) - len(failed)} ran to the end, {len(failed)} did not; {len(flagged)} with flags. "
        f"Made {_e(time.strftime('%Y-%m-%d %H:%M'))} by <code>python -m course_utils grade</code>; "
        "the same numbers are in the CSV.</p>",
        '<p class="legend">' + "".join(f'<span style="background:{COLOR[s]}">{SYMBOL[s]} {LABEL[s]}</span>'
                                       for s in STATUS_ORDER) + "</p>",
    ]
    # -- per exercise -------------------------------------------------------------------------
    out += ["<h2>Exercises</h2>", '<table id="exercises"><thead><tr><th>exercise</th>'
            + "".join(f"<th>{LABEL[s]}</th>" for s in STATUS_ORDER)
            + "<th>share</th><th>most frequent mistakes</th><th>learners who used hints</th>"
            "<th>viewed the solution</th>"
            "</tr></thead><tbody>"]
    for nb, ex in order:
        stats = numbers["exercises"][(nb, ex)]
        mistakes = stats["mistakes"].most_common(TOP_MISTAKES)
        items = "".join(
            f'<li data-mistake="{_e(label)}" data-n="{count}"><b>{count}</b>× '
            + (f'<span class="name">{_e(label)}</span>: ' if label != stats["examples"][label] else "")
            + f"{_e(_short(stats['examples'][label]))}</li>"
            for label, count in mistakes
        )
        more = len(stats["mistakes"]) - len(mistakes)
        if more > 0:
            items += f"<li>and {more} other diagnosis(es)</li>"
        out.append(
            f'<tr data-exercise="{_e(nb)}.{_e(ex)}"><td><b>{_e(nb)}.{_e(ex)}</b><br>'
            f'<span class="name">{_e(titles.get((nb, ex), ""))}</span></td>'
            + "".join(_share_cell(stats, s) for s in STATUS_ORDER)
            + f"<td>{_bar(stats)}</td><td><ul class=\"mistakes\">{items}</ul></td>"
            f'<td class="num" data-col="hinted" data-n="{stats["hinted"]}" data-hints="{stats["hints"]}">'
            f'{stats["hinted"]} of {stats["n"]} ({stats["hints"]} hints)</td>'
            f'<td class="num" data-col="viewed" data-n="{stats["viewed"]}">{stats["viewed"]}</td></tr>'
        )
    out.append("</tbody></table>")
    # -- per learner --------------------------------------------------------------------------
    out += ["<h2>Learners</h2>", '<table id="learners"><thead><tr><th>learner</th><th>notebooks</th>'
            "<th>correct</th><th>score</th><th>hints</th><th>solutions viewed</th><th>problems</th><th>flags</th>"
            "</tr></thead><tbody>"]
    for learner in learners:
        p = numbers["learners"][learner]
        score = f"{p['correct'] / p['total']:.0%}" if p["total"] else "-"
        out.append(
            f'<tr data-learner="{_e(learner)}"><td>{_e(learner)}</td><td>{_e(", ".join(sorted(p["notebooks"])))}</td>'
            f'<td class="num" data-col="correct" data-n="{p["correct"]}" data-total="{p["total"]}">'
            f'{p["correct"]}/{p["total"]}</td><td class="num">{score}</td>'
            f'<td class="num" data-col="hints" data-n="{p["hints"]}">{p["hints"]}</td>'
            f'<td class="num" data-col="viewed" data-n="{p["viewed"]}">{p["viewed"]}</td>'
            f'<td class="num" data-col="errors" data-n="{p["errors"]}">{p["errors"]}</td>'
            f'<td class="num" data-col="flags" data-n="{p["flags"]}">{p["flags"]}</td></tr>'
        )
    out.append("</tbody></table>")
    # -- heatmap ------------------------------------------------------------------------------
    out += ["<h2>Learners × exercises</h2>", '<table class="heat" id="heatmap"><thead><tr><th>learner</th>'
            + "".join(f'<th title="{_e(titles.get(k, ""))}">{_e(k[0])}<br>{_e(k[1])}</th>' for k in order)
            + "</tr></thead><tbody>"]
    for learner in learners:
        cells = []
        for nb, ex in order:
            status = numbers["cells"].get((learner, nb, ex), "missing")
            tip = LABEL.get(status, status)
            if (learner, nb, ex) in numbers["messages"]:
                tip += ": " + _short(numbers["messages"][(learner, nb, ex)], 300)
            cells.append(f'<td data-exercise="{_e(nb)}.{_e(ex)}" data-status="{_e(status)}" '
                         f'style="background:{COLOR.get(status, "#999")}" title="{_e(tip)}">'
                         f"{SYMBOL.get(status, '?')}</td>")
        out.append(f'<tr data-learner="{_e(learner)}"><td class="learner">{_e(learner)}</td>{"".join(cells)}</tr>')
    out.append("</tbody></table>")
    # -- problems and flags -------------------------------------------------------------------
    out.append("<h2>Problems and flags</h2>")
    if not failed and not flagged:
        out.append("<p>Every notebook ran to its end and nothing was flagged.</p>")
    else:
        out.append('<ul id="problems">')
        for g in grades:
            if not g.failed and not g.flags:
                continue
            items = [f'<li class="problem">{_e(g.problem)}</li>'] if g.problem else []
            items += [f'<li class="flag">{_e(f)}</li>' for f in g.flags]
            out.append(f"<li><b>{_e(g.path)}</b> ({_e(g.learner)})<ul>{''.join(items)}</ul></li>")
        out.append("</ul>")
    out.append('<p class="meta">Grading runs each notebook in a fresh kernel in its own folder and judges the '
               "captured answers with the course's own checks; what a notebook displays is only compared. "
               "See docs/instructor_guide.md for what grading does and does not protect against.</p>")
    out.append("</body></html>")
    return "\n".join(out)


def _short(text: str, n: int = 220) -> str:
    text = " ".join(str(text).split())
    if len(text) <= n:
        return text
    return text[:n].rsplit(" ", 1)[0] + " ..."


def write_report(grades: list, path, title: str = "Class report") -> Path:
    """Write the class report for ``grades`` to ``path`` (a .html file); return the path."""
    path = Path(path)
    if path.suffix.lower() != ".html":
        raise ValueError(f"the report is an HTML page: give a path ending in .html, got {str(path)!r}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(grades, title=title), encoding="utf-8")
    return path
