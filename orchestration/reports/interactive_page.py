"""The interactive impact report as one HTML file: plotly.js inlined once in the head, then per
series the monthly chart with the events, "what changed after each measure" from
mart_policy_impact, and the event windows as small multiples, each with a link that
downloads the chart's data as CSV (a data: URI written at render time). Nothing in the file
loads from the network, so it opens the same offline, attached to a mail or from an archive.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

import pandas as pd
import plotly.offline

from orchestration.reports import interactive
from orchestration.reports.data import SeriesInfo
from orchestration.reports.events import event_label
from orchestration.reports.interactive_data import (
    EVENT_WINDOW_TABLE,
    IMPACT_TABLE,
    NO_EVENT_WINDOW_MESSAGE,
    ImpactInputs,
    csv_data_uri,
    event_window_frame,
    impact_table,
    monthly_frame,
    report_series,
)
from orchestration.reports.model import SERIES_TABLE, as_text
from orchestration.reports.page import _write_atomically

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1260px; color: #222; }
section { border-top: 1px solid #ddd; margin-top: 2rem; }
.note, .key { color: #555; font-size: 0.9rem; }
.caveat { color: #8a5a00; }
.empty { background: #fff6e0; border-left: 4px solid #e0a800; padding: 0.6rem 1rem; }
table { border-collapse: collapse; font-size: 0.85rem; margin: 0.5rem 0 1rem; }
th, td { border: 1px solid #ddd; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
td.no-verdict { color: #777; }
a.csv { font-size: 0.85rem; }
"""
LENGTHS = (1, 3, 6, 12)


def section_id(series_id: str) -> str:
    return "series-" + re.sub(r"[^A-Za-z0-9_-]", "_", series_id)


def chart_id(series_id: str, kind: str) -> str:
    return f"{kind}-" + re.sub(r"[^A-Za-z0-9_-]", "_", series_id)


def _csv_link(frame: pd.DataFrame, file_name: str, what: str) -> str:
    return (
        f'<p><a class="csv" download="{html.escape(file_name)}" '
        f'href="{html.escape(csv_data_uri(frame))}">Download {html.escape(what)} (CSV)</a></p>'
    )


def _event_key(marked) -> str:
    if not marked:
        return ""
    items = "".join(
        f"<li>{html.escape(event_label(event))} ({html.escape(as_text(event['event_id']))}), "
        f"{day:%Y-%m-%d}</li>"
        for day, event in marked
    )
    return f'<ol class="key">{items}</ol>'


def _impact_html(table: pd.DataFrame, events: pd.DataFrame, series_id: str) -> str:
    if table.empty:
        return '<p class="empty">No measure of this series has a figure in its windows.</p>'
    labels = {as_text(e["event_id"]): event_label(e) for _, e in events.iterrows()}
    head = "<th>event</th><th>partner</th><th>compared</th>" + "".join(
        f"<th>{n} month{'s' if n > 1 else ''}</th>" for n in LENGTHS
    )
    body = []
    for (event_id, partner, window), rows in table.groupby(
        ["event_id", "partner_iso3", "window_name"], sort=False
    ):
        by_length = {int(r.window_months): r for r in rows.itertuples()}
        cells = []
        for n in LENGTHS:
            row = by_length.get(n)
            if row is None:
                cells.append("<td></td>")
                continue
            css = ' class="no-verdict"' if row.reason else ""
            title = f' title="{html.escape(row.reason)}"' if row.reason else ""
            reason = f"<br><small>{html.escape(row.reason)}</small>" if row.reason else ""
            cells.append(f"<td{css}{title}>{html.escape(row.cell)}{reason}</td>")
        compared = {
            "after_effect": "after the effect vs before it",
            "after_suspension": "after the suspension vs before it",
        }.get(window, window)
        body.append(
            f"<tr><td>{html.escape(labels.get(event_id, event_id))}<br><small>"
            f"{html.escape(event_id)}</small></td><td>{html.escape(partner)}</td>"
            f"<td>{html.escape(compared)}</td>{''.join(cells)}</tr>"
        )
    data = table.drop(columns=["cell"])
    return (
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
        + _csv_link(data, f"{series_id}_impact.csv", "this table's data")
    )


def series_section(inputs: ImpactInputs, series: SeriesInfo) -> str:
    sid = series.series_id
    monthly = monthly_frame(inputs, series)
    marked = interactive.marked_events(monthly, inputs.events, series.product_group)
    title = f"China's exports of {series.name}, {series.unit} per month"
    parts = [
        f'<section id="{section_id(sid)}"><h2>{html.escape(series.name)} '
        f"<small>({html.escape(sid)})</small></h2>"
    ]
    if series.caveat:
        parts.append(f'<p class="caveat">Caveat: {html.escape(series.caveat)}</p>')
    figure = interactive.monthly_figure(monthly, marked, title, series.unit)
    parts.append(interactive.figure_html(figure, chart_id(sid, "monthly")))
    parts.append(_event_key(marked))
    parts.append(_csv_link(monthly, f"{sid}_monthly.csv", "the chart's data"))
    parts.append("<h3>What changed after each measure</h3>")
    parts.append(_impact_html(impact_table(inputs, sid), inputs.events, sid))
    parts.append("<h3>Around each event</h3>")
    windows = event_window_frame(inputs, sid)
    if windows.empty:
        parts.append(f'<p class="empty">{html.escape(NO_EVENT_WINDOW_MESSAGE)}</p>')
    else:
        small_multiples = interactive.event_window_figure(windows, inputs.events)
        parts.append(interactive.figure_html(small_multiples, chart_id(sid, "windows")))
        parts.append(_csv_link(windows, f"{sid}_event_windows.csv", "the panels' data"))
    parts.append("</section>")
    return "".join(parts)


def impact_report_html(inputs: ImpactInputs, generated_at: dt.datetime | None = None) -> str:
    inputs.check()
    generated = f"{(generated_at or dt.datetime.now(dt.UTC)):%Y-%m-%d %H:%M} UTC"
    series = report_series(inputs)
    contents = "".join(
        f'<li><a href="#{section_id(s.series_id)}">{html.escape(s.name)}</a></li>' for s in series
    )
    sections = "".join(series_section(inputs, s) for s in series)
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        "<title>ree-tracker: what each measure did to the flows</title>"
        f"<style>{_STYLE}</style>"
        f'<script type="text/javascript">{plotly.offline.get_plotlyjs()}</script>'
        "</head><body><h1>What each export-control measure did to China's exports</h1>"
        f'<p class="note">Generated {html.escape(generated)} by ree-tracker from {SERIES_TABLE}, '
        f"{IMPACT_TABLE} and {EVENT_WINDOW_TABLE}. Hover a point for its figure, its source and "
        "the measures in force that month; click a partner in a legend to hide or show it. "
        "A change is against the same number of months just before; a verdict needs figures "
        "for two thirds of the months of both windows, and the reason is given where there is "
        "none. Each chart's data downloads as CSV from the link under it.</p>"
        f"<ul>{contents}</ul>{sections}</body></html>\n"
    )


def write_impact_report(inputs: ImpactInputs, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    _write_atomically(path, impact_report_html(inputs).encode("utf-8"))
    return path
