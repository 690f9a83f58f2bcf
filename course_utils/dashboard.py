"""The monitoring dashboard: one self-contained HTML file of a segment store's history.

:func:`build_dashboard` reads a :class:`course_utils.store.SegmentStore` and
writes four charts, each with one line under it on how to read it: segment
sizes by week, migration between segments (a Sankey over a window of weeks that
contains the largest migration), stability week over week (agreement, share of
viewers who moved, PSI of sizes, each on its own axis with its unit) and the
drift alerts. Every segment keeps one colour in every chart and every week.
plotly's JavaScript is inlined, so the file opens offline.
"""

from __future__ import annotations

import html as _html
import os
from pathlib import Path

import pandas as pd

from course_utils.monitoring import PSI_MODERATE, PSI_SIGNIFICANT, psi_level
from course_utils.validation import whole_number

#: One colour per segment id (id modulo the length): the same segment has the same
#: colour in every chart, every week and every dashboard built from the store.
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
           "#bcbd22", "#17becf")

STABILITY_METRICS = {"wow_ari": "week-over-week ARI", "size_psi": "PSI of segment sizes",
                     "moved_share": "share of viewers who changed segment"}

#: Pixels the Sankey gives each week column (node, its label and the gap to the next column).
SANKEY_COLUMN_PX = 230

HOW_TO_READ = {
    "sizes": "How to read this: one line per segment, in the segment's colour everywhere on this page; "
             "a line that climbs or falls steeply is a segment gaining or losing viewers.",
    "sankey": "How to read this: each column is a week (header above it), each block a segment in its colour, "
              "its height the number of viewers; a band from one week to the next is viewers who moved "
              "(or stayed), coloured by where they came from. Thick bands between different segments are "
              "migration.",
    "stability": "How to read this: high ARI (top) and few viewers moving (middle) mean stable segments; "
                 f"PSI (bottom) above the dotted line ({PSI_MODERATE}) is a moderate change in sizes, above "
                 f"the dashed line ({PSI_SIGNIFICANT}) a significant one.",
    "alerts": f"How to read this: each row is a feature whose distribution inside last week's segment moved "
              f"by a PSI of at least {PSI_SIGNIFICANT}; the week says when, the segment says whose "
              "behaviour changed.",
}


def segment_colour(segment) -> str:
    """The colour of a segment id (a whole number; -1 for noise), the same in every chart and week."""
    return PALETTE[whole_number(segment, "segment", minimum=-1) % len(PALETTE)]


def _require_store(store):
    from course_utils.store import SegmentStore

    if not isinstance(store, SegmentStore):
        raise TypeError(f"store must be a SegmentStore, got {type(store).__name__}")


def _rgba(colour: str, alpha: float) -> str:
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def _segment_names(store) -> dict:
    personas = store.read("personas")
    latest = personas.sort_values("week").groupby("segment")["persona"].last()
    return {int(s): f"{int(s)} · {p}" for s, p in latest.items()}


def moved_by_week(store) -> pd.Series:
    """Share of viewers present in both weeks whose segment changed, indexed by the later week."""
    _require_store(store)
    moved = store.query(
        "SELECT b.week AS week, avg(CASE WHEN a.segment <> b.segment THEN 1.0 ELSE 0.0 END) AS moved "
        "FROM assignments a JOIN assignments b ON a.user_id = b.user_id AND b.week = a.week + 1 "
        "GROUP BY b.week ORDER BY b.week")
    return pd.Series(moved["moved"].to_numpy(float), index=moved["week"].astype(int).to_numpy(), name="moved")


def sankey_window(weeks: list, moved: pd.Series, n_weeks: int) -> list:
    """``n_weeks`` consecutive stored weeks that contain the largest migration, as centred as the history allows.

    Parameters
    ----------
    weeks : list of int
        The stored weeks, in increasing order (``store.weeks()``).
    moved : Series
        Share of viewers who moved, indexed by the later week (:func:`moved_by_week`).
    n_weeks : int
        How many weeks to show, at least 1.
    """
    n_weeks = whole_number(n_weeks, "n_weeks")
    if isinstance(weeks, (str, bytes)) or not hasattr(weeks, "__iter__"):
        raise TypeError(f"weeks must be a list of week numbers, got {type(weeks).__name__}")
    weeks = [whole_number(w, "weeks", minimum=0) for w in weeks]
    if any(b <= a for a, b in zip(weeks, weeks[1:])):
        raise ValueError(f"weeks must be increasing and without repeats (as store.weeks() gives them), got {weeks}")
    if not isinstance(moved, pd.Series):
        raise TypeError(f"moved must be a Series indexed by week (moved_by_week(store)), got {type(moved).__name__}")
    values = pd.to_numeric(moved, errors="coerce")
    if values.isna().any() or not values.between(0, 1).all():
        bad = moved[values.isna() | ~values.between(0, 1)].iloc[0]
        raise ValueError(f"moved must hold shares between 0 and 1, got {bad!r}")
    outside = [w for w in moved.index if w not in set(weeks)]
    if outside:
        raise ValueError(f"moved is indexed by weeks that are not in weeks: {outside[:5]}")
    if len(weeks) <= n_weeks or moved.empty:
        return list(weeks[-n_weeks:])
    peak = int(moved.idxmax())  # the migration into week `peak`, from week peak - 1
    at = weeks.index(peak)
    start = min(max(at - n_weeks // 2, 0), len(weeks) - n_weeks)
    return list(weeks[start:start + n_weeks])


def _column_positions(n: int) -> list:
    """x of each week column in [0, 1]: equal gaps, the last one twice as wide (it holds two labels)."""
    if n == 1:
        return [0.5]
    gap = 1.0 / (n)  # n - 2 single gaps and one double gap
    return [min(i * gap, 1.0) for i in range(n - 1)] + [1.0]


def _sizes_figure(store, names):
    import plotly.graph_objects as go

    sizes = store.query("SELECT week, segment, count(*) AS viewers FROM assignments GROUP BY ALL ORDER BY ALL")
    fig = go.Figure()
    for segment, part in sizes.groupby("segment"):
        fig.add_trace(go.Scatter(x=part["week"], y=part["viewers"], mode="lines+markers",
                                 name=names.get(int(segment), f"{segment}"),
                                 line={"color": segment_colour(segment)}, marker={"color": segment_colour(segment)}))
    fig.update_layout(title="Segment sizes by week", xaxis_title="week (number)",
                      yaxis_title="viewers in the segment (count)", legend_title_text="segment · persona")
    fig.update_xaxes(dtick=1)
    return fig


def _sankey_figure(store, names, weeks, n_weeks):
    import plotly.graph_objects as go

    moved = moved_by_week(store)
    shown = sankey_window(weeks, moved, n_weeks)
    moves = store.query(
        "SELECT a.week AS from_week, a.segment AS from_segment, b.week AS to_week, b.segment AS to_segment, "
        "count(*) AS viewers FROM assignments a JOIN assignments b ON a.user_id = b.user_id AND b.week = a.week + 1 "
        "WHERE a.week >= ? AND b.week <= ? GROUP BY ALL ORDER BY ALL", [shown[0], shown[-1]])
    segments = sorted(names)
    nodes = [(w, s) for w in shown for s in segments]
    index = {node: i for i, node in enumerate(nodes)}
    source = [index.get((w, s)) for w, s in zip(moves["from_week"], moves["from_segment"])]
    target = [index.get((w, s)) for w, s in zip(moves["to_week"], moves["to_segment"])]
    keep = pd.array([a is not None and b is not None for a, b in zip(source, target)], dtype=bool)
    links = moves.assign(source=source, target=target).loc[keep]  # a plain [] of an empty list would pick columns
    # Fixed positions: one column per week, segments in the same order in every column. Labels sit to
    # the right of their block, except in the last column, where plotly puts them on the left: the last
    # gap is twice as wide, so it holds two labels side by side.
    x = _column_positions(len(shown))
    size = {}
    for (w, s), v in links.groupby(["from_week", "from_segment"])["viewers"].sum().items():
        size[(w, s)] = max(size.get((w, s), 0), v)
    for (w, s), v in links.groupby(["to_week", "to_segment"])["viewers"].sum().items():
        size[(w, s)] = max(size.get((w, s), 0), v)
    y = []
    for w in shown:
        column = [size.get((w, s), 0) for s in segments]
        total = sum(column) or 1
        cum = 0.0
        for v in column:
            y.append(0.02 + 0.96 * (cum + v / 2) / total)
            cum += v
    fig = go.Figure(go.Sankey(
        arrangement="fixed",
        node={"label": [names.get(s, str(s)) for _, s in nodes], "pad": 14, "thickness": 14,
              "x": [x[shown.index(w)] for w, _ in nodes], "y": y,
              "color": [segment_colour(s) for _, s in nodes], "line": {"width": 0},
              "customdata": [f"week {w}" for w, _ in nodes],
              "hovertemplate": "%{label}, %{customdata}: %{value} viewers<extra></extra>"},
        link={"source": links["source"].astype(int).tolist(), "target": links["target"].astype(int).tolist(),
              "value": links["viewers"].tolist(),
              "color": [_rgba(segment_colour(s), 0.35) for s in links["from_segment"]]},
    ))
    # Week headers above the columns.
    for i, week in enumerate(shown):
        fig.add_annotation(x=x[i], y=1.0, xref="paper", yref="paper", yanchor="bottom", showarrow=False,
                           xanchor="left" if i == 0 else "right" if i == len(shown) - 1 else "center",
                           text=f"<b>week {week}</b>", font={"size": 13})
    title = f"Migration between segments, weeks {shown[0]} to {shown[-1]}"
    if not moved.empty:
        peak = int(moved.idxmax())
        title += f"<br><sup>largest migration: week {peak - 1} to {peak}, {moved[peak]:.0%} of viewers moved</sup>"
    longest = max((len(n) for n in names.values()), default=10)
    width = max(900, len(shown) * max(SANKEY_COLUMN_PX, 8 * longest + 60))
    fig.update_layout(title=title, width=width, height=520, margin={"t": 110, "l": 20, "r": 20},
                      font={"size": 12})
    return fig, shown


def _stability_figure(store):
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    metrics = store.read("metrics")
    store_wide = metrics[metrics["segment"].isna()]
    fig = make_subplots(rows=3, cols=1, shared_xaxes=True, vertical_spacing=0.09,
                        subplot_titles=("Agreement with the week before", "Viewers who changed segment",
                                        "Change in segment sizes"))
    panels = [("wow_ari", 1, 1.0, "#1f77b4"), ("moved_share", 2, 100.0, "#d62728"), ("size_psi", 3, 1.0, "#2ca02c")]
    for metric, row, scale, colour in panels:
        part = store_wide[store_wide["metric"] == metric].sort_values("week")
        fig.add_trace(go.Scatter(x=part["week"], y=part["value"] * scale, mode="lines+markers",
                                 name=STABILITY_METRICS[metric], line={"color": colour}), row=row, col=1)
    for level, dash in ((PSI_MODERATE, "dot"), (PSI_SIGNIFICANT, "dash")):
        fig.add_hline(y=level, line_dash=dash, line_color="grey", row=3, col=1,
                      annotation_text=f"PSI {level}", annotation_position="top left")
    fig.update_yaxes(title_text="ARI (0 to 1)", range=[-0.05, 1.05], row=1, col=1)
    fig.update_yaxes(title_text="viewers moved (%)", rangemode="tozero", row=2, col=1)
    fig.update_yaxes(title_text="PSI (no unit)", rangemode="tozero", row=3, col=1)
    fig.update_xaxes(dtick=1)
    fig.update_xaxes(title_text="week (number)", row=3, col=1)
    fig.update_layout(title="Stability week over week", height=720, showlegend=False)
    return fig


def _alerts_figure(store, names):
    import plotly.graph_objects as go

    metrics = store.read("metrics")
    alerts = metrics[metrics["metric"].str.startswith("alert:")].sort_values(["week", "value"],
                                                                             ascending=[True, False])
    rows = [alerts["week"].tolist(),
            [names.get(int(s), s) if pd.notna(s) else "" for s in alerts["segment"]],
            [m.split(":", 1)[1] for m in alerts["metric"]],
            [f"{v:.2f} ({psi_level(v)})" for v in alerts["value"]]]
    fig = go.Figure(go.Table(header={"values": ["week", "segment · persona", "feature", "PSI"]},
                             cells={"values": rows if len(alerts) else [["no alert"], [""], [""], [""]]}))
    fig.update_layout(title=f"Drift alerts ({len(alerts)}): behaviour of last week's segments")
    return fig


def _figures(store, sankey_weeks: int = 6) -> list:
    """``[(key, figure), ...]`` in page order; the key names the chart's how-to-read line."""
    weeks = store.weeks()
    names = _segment_names(store)
    sankey, _ = _sankey_figure(store, names, weeks, sankey_weeks)
    return [("sizes", _sizes_figure(store, names)), ("sankey", sankey), ("stability", _stability_figure(store)),
            ("alerts", _alerts_figure(store, names))]


def build_dashboard(store, path, sankey_weeks: int = 6) -> Path:
    """Write one self-contained HTML file of the store's history.

    Four charts, each followed by one line on how to read it: segment sizes by
    week; a migration Sankey over ``sankey_weeks`` consecutive weeks chosen to
    contain the largest migration (week headers above the columns, segment
    names on the blocks); stability week over week (ARI, share of viewers who
    moved, PSI of sizes with the 0.1 and 0.25 lines, each on its own axis); and
    the drift alerts (metrics named ``alert:<feature>``). A segment has the same
    colour (:func:`segment_colour`) everywhere. plotly's JavaScript is inlined,
    so the file opens offline and can be mailed as it is (about 5 MB).

    Parameters
    ----------
    store : SegmentStore
        The history to show.
    path : str or Path
        Where to write; must end in ``.html``.
    sankey_weeks : int
        How many weeks the Sankey shows (at least 2).
    """
    import plotly.io as pio

    _require_store(store)
    sankey_weeks = whole_number(sankey_weeks, "sankey_weeks", minimum=2)
    if not store.weeks():
        raise ValueError("the store holds no week yet; write_week first")
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a file name ending in .html, got {type(path).__name__}")
    path = Path(path)
    if path.suffix.lower() not in (".html", ".htm"):
        raise ValueError(f"the dashboard is an HTML file; give a path ending in .html, got {path.name!r}")
    if path.is_dir():
        raise ValueError(f"path {str(path)!r} is a folder; give a file name ending in .html")
    parts = []
    for i, (key, fig) in enumerate(_figures(store, sankey_weeks)):
        parts.append(pio.to_html(fig, include_plotlyjs=(i == 0), full_html=False, div_id=f"chart-{i}"))
        parts.append(f"<p class='how-to-read' id='how-to-read-{i}'>{_html.escape(HOW_TO_READ[key])}</p>")
    weeks = store.weeks()
    html = (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        f"<title>Segment monitoring, weeks {weeks[0]} to {weeks[-1]}</title>"
        "<style>body{font-family:sans-serif;margin:1em}.how-to-read{color:#444;max-width:60em;"
        "margin:0.2em 0 2.5em 0}</style></head>\n<body>"
        f"<h1>Segment monitoring, weeks {weeks[0]} to {weeks[-1]}</h1>\n" + "\n".join(parts) + "\n</body></html>\n"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")
    return path
