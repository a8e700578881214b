"""Plotly figures of the interactive impact report: a series' monthly exports with the policy
events marked (hovering a point shows its figure, its source URL and the measures in force;
clicking a partner in the legend hides or shows it), and the event windows as small
multiples, one panel per event, indexed to the month before it (= 100).

Plotly loads here, only when the report is drawn; the definitions never import it.
"""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from orchestration.reports.data import LINE_COLORS
from orchestration.reports.events import event_label, events_for_group
from orchestration.reports.interactive_data import format_quantity
from orchestration.reports.model import as_date, as_text, month_end

# What a point's tooltip says, read when a figure is built (the browser test draws the report
# once with a template that drops the source line and sees its check fail). customdata:
# [figure with its unit, source URL or landed file, measures in force].
HOVER_TEMPLATE = (
    "<b>%{fullData.name}</b>, %{x|%Y-%m}<br>"
    "figure: %{customdata[0]}<br>"
    "source: %{customdata[1]}<br>"
    "measures in force: %{customdata[2]}<extra></extra>"
)
EVENT_HOVER_TEMPLATE = "<b>%{customdata[0]}</b><br>%{customdata[1]}<extra></extra>"
WINDOW_HOVER_TEMPLATE = (
    "<b>%{fullData.name}</b><br>month %{x:+d} (%{customdata[0]})<br>"
    "index %{y:.1f} (month before the event = 100)<br>figure: %{customdata[1]}<extra></extra>"
)
EVENT_COLOR = "#9a3412"
PANELS_PER_ROW = 3
PLOT_CONFIG = {"displaylogo": False, "responsive": True}


def _partner_colors(labels: list[str]) -> dict[str, str]:
    return {label: LINE_COLORS[i % len(LINE_COLORS)] for i, label in enumerate(labels)}


def _figure_text(quantity: float, unit: str, months_covered: int) -> str:
    text = format_quantity(quantity, unit)
    if months_covered > 1 and not math.isnan(quantity):
        text += f" (one release for {months_covered} months, January-February)"
    return text


def event_day(event: pd.Series) -> dt.date | None:
    """The day an event is marked on: when it took effect, else when it was announced."""
    return as_date(event["effective_date"]) or as_date(event["announced_date"])


def _event_steps(event: pd.Series) -> str:
    steps = [
        ("announced", event["announced_date"]),
        ("effective", event["effective_date"]),
        ("suspended", event["suspended_date"]),
        ("suspension ends", event["suspension_end_date"]),
        ("lifted", event["lifted_date"]),
        ("status unknown from", event["status_unknown_from"]),
    ]
    return "; ".join(f"{name} {as_date(day):%Y-%m-%d}" for name, day in steps if as_date(day))


def marked_events(
    frame: pd.DataFrame, events: pd.DataFrame, product_group: str
) -> list[tuple[dt.date, pd.Series]]:
    """The group's events whose marked day falls inside the drawn months, in date order; the
    page's key numbers them the same way."""
    first = min(as_date(day) for day in frame["period_month"])
    last = max(as_date(day) for day in frame["period_month"])
    marked = []
    for _, event in events_for_group(events, product_group).iterrows():
        day = event_day(event)
        if day is not None and first <= day <= month_end(last):
            marked.append((day, event))
    return sorted(marked, key=lambda item: (item[0], as_text(item[1]["event_id"])))


def monthly_figure(
    frame: pd.DataFrame, marked: list[tuple[dt.date, pd.Series]], title: str, unit: str
) -> go.Figure:
    """One line per partner (the world first) and the marked events: a dotted line on the day
    each took effect (or was announced) and a numbered marker on top whose tooltip names the
    event and its dates."""
    figure = go.Figure()
    labels = list(dict.fromkeys(frame["partner_label"]))
    colors = _partner_colors(labels)
    for label in labels:
        rows = frame[frame["partner_label"] == label]
        figure.add_trace(
            go.Scatter(
                x=[f"{as_date(day):%Y-%m-%d}" for day in rows["period_month"]],
                y=[None if math.isnan(v) else v for v in rows["quantity"]],
                mode="lines+markers",
                name=label,
                line={"color": colors[label]},
                connectgaps=False,
                customdata=[
                    [
                        _figure_text(quantity, unit, int(covered)),
                        as_text(source) or "no figure",
                        measures,
                    ]
                    for quantity, covered, source, measures in zip(
                        rows["quantity"],
                        rows["months_covered"],
                        rows["source_ref"],
                        rows["measures"],
                        strict=True,
                    )
                ],
                hovertemplate=HOVER_TEMPLATE,
            )
        )
    figure.update_layout(shapes=[_event_line(f"{day:%Y-%m-%d}", "x", "y") for day, _ in marked])
    if marked:
        figure.add_trace(
            go.Scatter(
                x=[f"{day:%Y-%m-%d}" for day, _ in marked],
                y=[1.0] * len(marked),
                yaxis="y2",
                mode="markers+text",
                text=[str(number) for number in range(1, len(marked) + 1)],
                textposition="top center",
                marker={"symbol": "triangle-down", "size": 10, "color": EVENT_COLOR},
                name="Policy events",
                customdata=[
                    [f"{event_label(event)} ({as_text(event['event_id'])})", _event_steps(event)]
                    for _, event in marked
                ],
                hovertemplate=EVENT_HOVER_TEMPLATE,
            )
        )
    figure.update_layout(
        title={"text": title},
        hovermode="closest",
        height=460,
        margin={"l": 60, "r": 20, "t": 60, "b": 40},
        legend={"title": {"text": "Click to hide or show"}},
        yaxis={"title": {"text": unit}, "rangemode": "tozero"},
        yaxis2={"overlaying": "y", "range": [0, 1.1], "visible": False},
        template="plotly_white",
    )
    return figure


def _event_line(x, xref: str, yref: str) -> dict:
    """A dotted vertical line at x across the whole height of the plot whose axes are xref and
    yref (what add_vline draws, given as one shape so that many are set at once)."""
    return {
        "type": "line",
        "x0": x,
        "x1": x,
        "xref": xref,
        "y0": 0,
        "y1": 1,
        "yref": f"{yref} domain",
        "line": {"color": EVENT_COLOR, "dash": "dot", "width": 1},
    }


def event_window_figure(frame: pd.DataFrame, events: pd.DataFrame) -> go.Figure:
    """Small multiples: one panel per event, the world and the partners the event names as
    lines from 12 months before to 12 after, month -1 = 100, a dotted line at month 0."""
    labels_by_event = {
        as_text(event["event_id"]): event_label(event) for _, event in events.iterrows()
    }
    event_ids = list(dict.fromkeys(frame["event_id"]))
    rows_needed = max(1, math.ceil(len(event_ids) / PANELS_PER_ROW))
    figure = make_subplots(
        rows=rows_needed,
        cols=PANELS_PER_ROW,
        subplot_titles=[labels_by_event.get(e, e) for e in event_ids],
        horizontal_spacing=0.06,
        vertical_spacing=0.4 / rows_needed,
    )
    # The world keeps the first colour in every panel, as in the monthly chart.
    partners = sorted(set(frame["partner_label"]), key=lambda label: (label != "World", label))
    colors = _partner_colors(partners)
    shown: set[str] = set()
    traces, trace_rows, trace_cols, lines = [], [], [], []
    for index, event_id in enumerate(event_ids):
        row, col = divmod(index, PANELS_PER_ROW)
        for label, rows in frame[frame["event_id"] == event_id].groupby(
            "partner_label", sort=False
        ):
            traces.append(
                go.Scatter(
                    x=list(rows["relative_month"]),
                    y=[None if pd.isna(v) else v for v in rows["index_pct"]],
                    mode="lines+markers",
                    name=label,
                    legendgroup=label,
                    showlegend=label not in shown,
                    line={"color": colors[label]},
                    customdata=[
                        [f"{as_date(day):%Y-%m}", format_quantity(quantity, "t")]
                        for day, quantity in zip(
                            rows["period_month"], rows["quantity_t"], strict=True
                        )
                    ],
                    hovertemplate=WINDOW_HOVER_TEMPLATE,
                )
            )
            trace_rows.append(row + 1)
            trace_cols.append(col + 1)
            shown.add(label)
        panel = figure.get_subplot(row + 1, col + 1)
        axes = (panel.xaxis.plotly_name, panel.yaxis.plotly_name)  # "xaxis5" is referred to as "x5"
        lines.append(_event_line(0, *(name.replace("axis", "") for name in axes)))
    # Traces and lines added in one call each: plotly copies the whole layout on every
    # add_trace(row=...) and add_vline, which made this figure take seconds.
    if traces:
        figure.add_traces(traces, rows=trace_rows, cols=trace_cols)
    figure.update_layout(shapes=lines)
    figure.update_xaxes(range=[-12.5, 12.5], dtick=6)
    figure.update_layout(
        height=300 * rows_needed + 80,
        hovermode="closest",
        margin={"l": 50, "r": 20, "t": 60, "b": 40},
        legend={"title": {"text": "Click to hide or show"}},
        template="plotly_white",
        title={"text": "Around each event: index, month before the event = 100"},
    )
    return figure


def figure_html(figure: go.Figure, div_id: str) -> str:
    """The figure as a div and the script that draws it; plotly.js itself is inlined once in
    the page's head (interactive_page.py), so the file needs no network."""
    return figure.to_html(
        full_html=False, include_plotlyjs=False, div_id=div_id, config=PLOT_CONFIG
    )
