"""dashboard.build_dashboard: one self-contained HTML file that renders in a real
browser (headless Chromium) with every chart drawn and no console error; Sankey labels
that do not overlap, one colour per segment everywhere, and a window that holds the
largest migration."""

import os
import re
import shutil

import numpy as np
import pandas as pd
import pytest

from course_utils import dashboard as dashboard_module
from course_utils import monitoring
from course_utils.store import SegmentStore

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


PERSONAS = {0: "binge_watcher", 1: "family_kids", 2: "live_sports", 3: "documentary_buff", 4: "casual_mobile",
            5: "drifting"}


def fill(store, weeks=5, seed=0, k=3, big_move=None):
    """Write `weeks` weeks of k segments; 10% of viewers move each week, 60% in week `big_move`."""
    rng = np.random.default_rng(seed)
    users = [f"u{i}" for i in range(300)]
    segment = rng.integers(0, k, size=len(users))
    personas = pd.Series({s: PERSONAS[s] for s in range(k)})
    previous = None
    for week in range(1, weeks + 1):
        move = rng.random(len(users)) < (0.6 if week == big_move else 0.1)
        segment = np.where(move, rng.integers(0, k, size=len(users)), segment)
        labels = pd.Series(segment, index=users)
        assignments = pd.DataFrame({"user_id": users, "segment": segment, "persona": personas[segment].to_numpy()})
        centroids = pd.DataFrame({"watch_minutes": np.linspace(6.0, 4.0, k), "g_kids": np.linspace(0.1, 0.7, k)})
        metrics = {"size_psi": 0.0, "wow_ari": 1.0, "moved_share": 0.0}
        if previous is not None:
            metrics = {
                "size_psi": monitoring.psi(previous, labels),
                "wow_ari": monitoring.week_over_week_ari(previous, labels),
                "moved_share": float((previous != labels).mean()),
            }
        metrics = pd.DataFrame({"metric": list(metrics), "segment": pd.NA, "value": list(metrics.values())})
        if week == 3:
            metrics = pd.concat([metrics, pd.DataFrame({"metric": ["alert:watch_minutes"], "segment": [2],
                                                        "value": [0.61]})])
        store.write_week(week, assignments, centroids, personas, metrics)
        previous = labels


@pytest.fixture
def dashboard(tmp_path):
    with SegmentStore(tmp_path / "s.duckdb") as store:
        fill(store)
        return dashboard_module.build_dashboard(store, tmp_path / "dashboard.html")


def test_one_self_contained_file(dashboard):
    html = dashboard.read_text(encoding="utf-8")
    assert html.count("<div id=\"chart-") == 4
    assert not re.search(r"<script[^>]+src=", html)  # nothing fetched: plotly.js is inlined
    assert "cdn.plot.ly" not in html.split("</script>")[-1]
    assert dashboard.stat().st_size > 1_000_000
    assert "Drift alerts (1)" in html and "2 \\u00b7 live_sports" in html
    # one "how to read this" line under each chart
    assert html.count("<p class='how-to-read'") == 4
    for i in range(4):
        assert html.index(f'<div id="chart-{i}"') < html.index(f"id='how-to-read-{i}'")


def test_every_axis_has_a_title_with_its_unit(tmp_path):
    with SegmentStore(":memory:") as store:
        fill(store)
        figures = dict(dashboard_module._figures(store))
    for key in ("sizes", "stability"):
        layout = figures[key].layout
        axes = [layout[name] for name in layout if name.startswith(("xaxis", "yaxis"))]
        titled = [a.title.text for a in axes if a.title.text]
        assert all("(" in t and ")" in t for t in titled), titled  # "viewers in the segment (count)"
    assert figures["sizes"].layout.yaxis.title.text == "viewers in the segment (count)"
    stability = figures["stability"].layout
    assert [stability[f"yaxis{i}"].title.text for i in ("", "2", "3")] == [
        "ARI (0 to 1)", "viewers moved (%)", "PSI (no unit)"]
    assert stability.xaxis3.title.text == "week (number)"


def test_the_sankey_window_holds_the_largest_migration():
    with SegmentStore(":memory:") as store:
        fill(store, weeks=12, big_move=3)
        moved = dashboard_module.moved_by_week(store)
        assert int(moved.idxmax()) == 3 and moved[3] > 0.3
        shown = dashboard_module.sankey_window(store.weeks(), moved, 6)
        assert shown == [1, 2, 3, 4, 5, 6]  # as centred as the history allows
        figure = dict(dashboard_module._figures(store))["sankey"]
    assert "weeks 1 to 6" in figure.layout.title.text and "week 2 to 3" in figure.layout.title.text
    headers = [a.text for a in figure.layout.annotations]
    assert headers == [f"<b>week {w}</b>" for w in range(1, 7)]
    assert dashboard_module.sankey_window(list(range(1, 13)), pd.Series({11: 0.5, 12: 0.1}), 4) == [9, 10, 11, 12]
    assert dashboard_module.sankey_window(list(range(1, 13)), pd.Series({7: 0.5}), 4) == [5, 6, 7, 8]
    assert dashboard_module.sankey_window([1, 2, 3], pd.Series({2: 0.5}), 6) == [1, 2, 3]


def test_a_segment_keeps_its_colour_in_every_chart_and_week():
    with SegmentStore(":memory:") as store:
        fill(store, weeks=8, k=5, big_move=4)
        figures = dict(dashboard_module._figures(store))
    sizes = {trace.name.split(" ")[0]: trace.line.color for trace in figures["sizes"].data}
    sankey = figures["sankey"].data[0]
    nodes = {}
    for label, colour in zip(sankey.node.label, sankey.node.color):
        nodes.setdefault(label.split(" ")[0], set()).add(colour)
    assert all(len(c) == 1 for c in nodes.values()), nodes  # one colour per segment across the weeks
    assert {s: c.pop() for s, c in nodes.items()} == sizes  # and the same as in the sizes chart
    assert len(set(sizes.values())) == 5  # different segments, different colours


def test_bad_input(tmp_path):
    with SegmentStore(":memory:") as store:
        fill(store, weeks=2)
        with pytest.raises(ValueError, match="sankey_weeks must be a whole number >= 2"):
            dashboard_module.build_dashboard(store, tmp_path / "d.html", sankey_weeks=1)
    with SegmentStore(":memory:") as store:
        with pytest.raises(ValueError, match="holds no week"):
            dashboard_module.build_dashboard(store, tmp_path / "d.html")
        fill(store, weeks=2)
        with pytest.raises(ValueError, match="ending in .html"):
            dashboard_module.build_dashboard(store, tmp_path / "d.png")
    with pytest.raises(TypeError, match="SegmentStore"):
        dashboard_module.build_dashboard("store.duckdb", tmp_path / "d.html")


def test_a_store_of_one_week_gives_a_dashboard_with_no_migration(tmp_path):
    """The first week stored: no band to draw yet, but the page is written (the probes found it crashed)."""
    with SegmentStore(":memory:") as store:
        fill(store, weeks=1)
        assert dashboard_module.moved_by_week(store).empty
        page = dashboard_module.build_dashboard(store, tmp_path / "d.html").read_text(encoding="utf-8")
    assert page.count("class='how-to-read'") == 4 and "weeks 1 to 1" in page


def test_the_window_and_colour_helpers_check_their_input(tmp_path):
    weeks = list(range(1, 7))
    moved = pd.Series(dict.fromkeys(weeks[1:], 0.1))
    with pytest.raises(ValueError, match="n_weeks must be a whole number >= 1, got 0"):
        dashboard_module.sankey_window(weeks, moved, 0)  # weeks[-0:] would be every week
    with pytest.raises(ValueError, match="weeks must be increasing"):
        dashboard_module.sankey_window(weeks[::-1], moved, 3)
    with pytest.raises(ValueError, match="moved must hold shares between 0 and 1"):
        dashboard_module.sankey_window(weeks, moved * 100, 3)
    with pytest.raises(ValueError, match=r"not in weeks: \[9\]"):
        dashboard_module.sankey_window(weeks, pd.concat([moved, pd.Series({9: 0.5})]), 3)
    with pytest.raises(ValueError, match="segment must be a whole number"):
        dashboard_module.segment_colour(2.5)
    assert dashboard_module.segment_colour(np.int64(12)) == dashboard_module.segment_colour(2)
    with SegmentStore(":memory:") as store:
        fill(store, weeks=2)
        (tmp_path / "d.html").mkdir()
        with pytest.raises(ValueError, match="is a folder"):
            dashboard_module.build_dashboard(store, tmp_path / "d.html")


def need_chromium():
    if CHROMIUM is None:
        if os.environ.get("COURSE_REQUIRE_BROWSER") == "1":
            pytest.fail("Chromium is required here (COURSE_REQUIRE_BROWSER=1) but not installed")
        pytest.skip("Chromium is not installed (apt-get install chromium; .ci/run does it)")


@pytest.mark.slow
def test_every_chart_renders_in_headless_chromium_without_console_errors(dashboard):
    need_chromium()
    from playwright.sync_api import sync_playwright

    problems = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = browser.new_page()
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on(
            "request",
            lambda r: (
                problems.append(f"fetched {r.url}") if not r.url.startswith(("file:", "data:", "blob:")) else None
            ),
        )
        page.goto(dashboard.as_uri())
        page.wait_for_function("document.querySelectorAll('.js-plotly-plot .main-svg').length >= 4", timeout=20_000)
        rendered = page.evaluate(
            "Array.from(document.querySelectorAll('.js-plotly-plot')).map(d => "
            "d.querySelectorAll('.main-svg').length > 0 && "
            "(d.querySelector('.scatterlayer .trace, .sankey, .table') !== null))"
        )
        browser.close()
    assert rendered == [True, True, True, True]
    assert problems == []


def _overlaps(boxes):
    """Pairs of boxes ({x, y, width, height, text}) that intersect."""
    out = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            if (a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"]
                    and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"]):
                out.append((a["text"], b["text"]))
    return out


def test_overlap_detection_sees_an_overlap():
    box = {"x": 0, "y": 0, "width": 10, "height": 10, "text": "a"}
    assert _overlaps([box, dict(box, x=5, text="b")]) == [("a", "b")]
    assert _overlaps([box, dict(box, x=10, text="b")]) == []


@pytest.mark.slow
@pytest.mark.parametrize("weeks, k", [(12, 6), (3, 2)])
def test_sankey_labels_do_not_overlap_in_the_browser(tmp_path, weeks, k):
    """Measure every node label and week header as Chromium draws them."""
    need_chromium()
    from playwright.sync_api import sync_playwright

    with SegmentStore(tmp_path / "s.duckdb") as store:
        fill(store, weeks=weeks, k=k, big_move=weeks)
        path = dashboard_module.build_dashboard(store, tmp_path / "dashboard.html")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = browser.new_page(viewport={"width": 1024, "height": 768})
        page.goto(path.as_uri())
        page.wait_for_function("document.querySelectorAll('#chart-1 .sankey .node-label').length > 0",
                               timeout=20_000)
        boxes = page.evaluate(
            "Array.from(document.querySelectorAll('#chart-1 .sankey .node-label, #chart-1 .annotation-text'))"
            ".filter(t => t.textContent.trim()).map(t => { const r = t.getBoundingClientRect(); "
            "return {x: r.x, y: r.y, width: r.width, height: r.height, text: t.textContent}; })")
        fills = page.evaluate(
            "Array.from(document.querySelectorAll('#chart-1 .sankey .sankey-node')).map(n => "
            "[n.querySelector('.node-label').textContent, getComputedStyle(n.querySelector('.node-rect')).fill])")
        browser.close()
    labels = [b for b in boxes if not b["text"].startswith("week")]
    headers = [b for b in boxes if b["text"].startswith("week")]
    shown = min(weeks, 6)
    assert len(labels) == shown * k and len(headers) == shown
    assert all(b["width"] > 0 for b in boxes)
    assert _overlaps(boxes) == []
    # the colour drawn for each segment is the same in every week, and differs between segments
    by_segment = {}
    for label, colour in fills:
        by_segment.setdefault(label, set()).add(colour)
    assert len(by_segment) == k and all(len(c) == 1 for c in by_segment.values())
    assert len({c.pop() for c in by_segment.values()}) == k
