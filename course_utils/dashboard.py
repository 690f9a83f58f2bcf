"""The monitoring dashboard: one self-contained HTML file of a segment store's history.

:func:`build_dashboard` reads a :class:`course_utils.store.SegmentStore` and
writes sizes by week, migration between segments, stability week over week and
the drift alerts, with plotly's JavaScript inlined so the file opens offline.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from course_utils.monitoring import PSI_MODERATE, PSI_SIGNIFICANT, psi_level

STABILITY_METRICS = {"wow_ari": "week-over-week ARI", "size_psi": "PSI of segment sizes",
                     "moved_share": "share of viewers who changed segment"}


def _segment_names(store) -> dict:
    personas = store.read("personas")
    latest = personas.sort_values("week").groupby("segment")["persona"].last()
    return {int(s): f"segment {int(s)} · {p}" for s, p in latest.items()}


def _figures(store, sankey_weeks: int = 6) -> list:
    import plotly.graph_objects as go

    weeks = store.weeks()
    names = _segment_names(store)
    sizes = store.query("SELECT week, segment, count(*) AS viewers FROM assignments GROUP BY ALL ORDER BY ALL")
    fig_sizes = go.Figure()
    for segment, part in sizes.groupby("segment"):
        fig_sizes.add_trace(go.Scatter(x=part["week"], y=part["viewers"], mode="lines+markers",
                                       name=names.get(int(segment), f"segment {segment}")))
    fig_sizes.update_layout(title="Segment sizes by week", xaxis_title="week", yaxis_title="viewers")

    shown = weeks[-sankey_weeks:]
    moves = store.query(
        "SELECT a.week - 1 AS from_week, a.segment AS from_segment, b.week AS to_week, b.segment AS to_segment, "
        "count(*) AS viewers FROM assignments a JOIN assignments b ON a.user_id = b.user_id AND b.week = a.week + 1 "
        "WHERE b.week IN (SELECT unnest(?)) AND a.week >= ? GROUP BY ALL ORDER BY ALL",
        [shown[1:] if len(shown) > 1 else [], shown[0]])
    nodes = [(w, s) for w in shown for s in sorted(names)]
    index = {node: i for i, node in enumerate(nodes)}
    links = moves.assign(source=[index.get((w, s)) for w, s in zip(moves["from_week"] + 1, moves["from_segment"])],
                         target=[index.get((w, s)) for w, s in zip(moves["to_week"], moves["to_segment"])])
    links = links.dropna(subset=["source", "target"])
    fig_sankey = go.Figure(go.Sankey(
        node={"label": [f"w{w} {names.get(s, s)}" for w, s in nodes], "pad": 12},
        link={"source": links["source"].astype(int).tolist(), "target": links["target"].astype(int).tolist(),
              "value": links["viewers"].tolist()},
    ))
    fig_sankey.update_layout(title=f"Migration between segments, weeks {shown[0]} to {shown[-1]}")

    metrics = store.read("metrics")
    fig_stability = go.Figure()
    for metric, label in STABILITY_METRICS.items():
        part = metrics[(metrics["metric"] == metric) & metrics["segment"].isna()]
        fig_stability.add_trace(go.Scatter(x=part["week"], y=part["value"], mode="lines+markers", name=label))
    for level, dash in ((PSI_MODERATE, "dot"), (PSI_SIGNIFICANT, "dash")):
        fig_stability.add_hline(y=level, line_dash=dash, line_color="grey",
                                annotation_text=f"PSI {level}", annotation_position="top left")
    fig_stability.update_layout(title="Stability week over week", xaxis_title="week", yaxis_title="value")

    alerts = metrics[metrics["metric"].str.startswith("alert:")].sort_values(["week", "value"],
                                                                             ascending=[True, False])
    rows = [alerts["week"].tolist(),
            [names.get(int(s), s) if pd.notna(s) else "" for s in alerts["segment"]],
            [m.split(":", 1)[1] for m in alerts["metric"]],
            [f"{v:.2f} ({psi_level(v)})" for v in alerts["value"]]]
    fig_alerts = go.Figure(go.Table(header={"values": ["week", "segment", "feature", "PSI"]},
                                    cells={"values": rows if len(alerts) else [["no alert"], [""], [""], [""]]}))
    fig_alerts.update_layout(title=f"Drift alerts ({len(alerts)}): behaviour of last week's segments")
    return [fig_sizes, fig_sankey, fig_stability, fig_alerts]


def build_dashboard(store, path, sankey_weeks: int = 6) -> Path:
    """Write one self-contained HTML file of the store's history.

    Four charts: segment sizes by week, a migration Sankey over the last
    ``sankey_weeks`` weeks, stability lines (week-over-week ARI, PSI of sizes,
    share of viewers who moved, with the 0.1 and 0.25 PSI lines) and the drift
    alerts (metrics named ``alert:<feature>``). plotly's JavaScript is inlined,
    so the file opens offline and can be mailed as it is (about 5 MB).
    """
    import plotly.io as pio

    from course_utils.store import SegmentStore

    if not isinstance(store, SegmentStore):
        raise TypeError(f"store must be a SegmentStore, got {type(store).__name__}")
    if not store.weeks():
        raise ValueError("the store holds no week yet; write_week first")
    path = Path(path)
    if path.suffix.lower() not in (".html", ".htm"):
        raise ValueError(f"the dashboard is an HTML file; give a path ending in .html, got {path.name!r}")
    figures = _figures(store, sankey_weeks)
    parts = [pio.to_html(fig, include_plotlyjs=(i == 0), full_html=False, div_id=f"chart-{i}")
             for i, fig in enumerate(figures)]
    weeks = store.weeks()
    html = (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        f"<title>Segment monitoring, weeks {weeks[0]} to {weeks[-1]}</title></head>\n"
        "<body style='font-family:sans-serif'>"
        f"<h1>Segment monitoring, weeks {weeks[0]} to {weeks[-1]}</h1>\n" + "\n".join(parts) + "\n</body></html>\n"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")
    return path
