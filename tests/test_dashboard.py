"""dashboard.build_dashboard: one self-contained HTML file that renders in a real
browser (headless Chromium) with every chart drawn and no console error."""

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


def fill(store, weeks=5, seed=0):
    rng = np.random.default_rng(seed)
    users = [f"u{i}" for i in range(300)]
    segment = rng.integers(0, 3, size=len(users))
    personas = pd.Series({0: "binge_watcher", 1: "family_kids", 2: "live_sports"})
    previous = None
    for week in range(1, weeks + 1):
        move = rng.random(len(users)) < 0.1
        segment = np.where(move, rng.integers(0, 3, size=len(users)), segment)
        labels = pd.Series(segment, index=users)
        assignments = pd.DataFrame({"user_id": users, "segment": segment, "persona": personas[segment].to_numpy()})
        centroids = pd.DataFrame({"watch_minutes": [6.0, 5.0, 4.0], "g_kids": [0.1, 0.7, 0.0]})
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
    assert "Drift alerts (1)" in html and "segment 2 \\u00b7 live_sports" in html


def test_bad_input(tmp_path):
    with SegmentStore(":memory:") as store:
        with pytest.raises(ValueError, match="holds no week"):
            dashboard_module.build_dashboard(store, tmp_path / "d.html")
        fill(store, weeks=2)
        with pytest.raises(ValueError, match="ending in .html"):
            dashboard_module.build_dashboard(store, tmp_path / "d.png")
    with pytest.raises(TypeError, match="SegmentStore"):
        dashboard_module.build_dashboard("store.duckdb", tmp_path / "d.html")


@pytest.mark.slow
def test_every_chart_renders_in_headless_chromium_without_console_errors(dashboard):
    if CHROMIUM is None:
        if os.environ.get("COURSE_REQUIRE_BROWSER") == "1":
            pytest.fail("Chromium is required here (COURSE_REQUIRE_BROWSER=1) but not installed")
        pytest.skip("Chromium is not installed (apt-get install chromium; .ci/run does it)")
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
