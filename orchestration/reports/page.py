"""The report as one HTML file and the charts as PNG files in the reports folder."""

from __future__ import annotations

import base64
import html
import os
from pathlib import Path

import pandas as pd

from orchestration.reports.events import event_label
from orchestration.reports.model import (
    EVENTS_TABLE,
    FIGURES_TABLE,
    OWNED_SUFFIXES,
    PARTNERS_TABLE,
    SERIES_INFO_TABLE,
    SERIES_TABLE,
    Chart,
    Report,
    as_date,
    as_text,
)


def png_data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1260px; color: #222; }
img { max-width: 100%; height: auto; border: 1px solid #ddd; }
figure { margin: 1rem 0 2rem; }
figcaption, .note { color: #555; font-size: 0.9rem; }
.caveat { color: #8a5a00; }
.empty { background: #fff6e0; border-left: 4px solid #e0a800; padding: 0.6rem 1rem; }
table { border-collapse: collapse; font-size: 0.85rem; margin-bottom: 2rem; }
th, td { border: 1px solid #ddd; padding: 0.25rem 0.5rem; text-align: left; }
"""


def _event_table(events: pd.DataFrame) -> str:
    if events.empty:
        return '<p class="note">No policy events recorded for this group.</p>'
    columns = [
        ("event", lambda e: as_text(e["event_id"])),
        ("name", event_label),
        ("announced", lambda e: as_text(as_date(e["announced_date"]))),
        ("effective", lambda e: as_text(as_date(e["effective_date"]))),
        ("suspended", lambda e: as_text(as_date(e["suspended_date"]))),
        ("suspension ends", lambda e: as_text(as_date(e["suspension_end_date"]))),
        ("lifted", lambda e: as_text(as_date(e["lifted_date"]))),
        ("status unknown from", lambda e: as_text(as_date(e["status_unknown_from"]))),
        ("verified", lambda e: "yes" if bool(e["is_verified"]) else "no"),
    ]
    ordered = events.sort_values(["announced_date", "event_id"])
    head = "".join(f"<th>{html.escape(name)}</th>" for name, _ in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(cell(e))}</td>" for _, cell in columns) + "</tr>"
        for _, e in ordered.iterrows()
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _chart_html(chart: Chart) -> str:
    if chart.png is None:
        return f'<p class="empty">{html.escape(chart.empty_message or "")}</p>'
    caveat = (
        f'<br><span class="caveat">Caveat: {html.escape(chart.caveat)}</span>'
        if chart.caveat
        else ""
    )
    return (
        f'<figure id="{html.escape(chart.name)}"><img src="{png_data_uri(chart.png)}" '
        f'width="{chart.width_px}" height="{chart.height_px}" alt="{html.escape(chart.title)}">'
        f"<figcaption>{html.escape(chart.title)}{caveat}</figcaption></figure>"
    )


def report_html(report: Report) -> str:
    """One HTML file that needs nothing else: pictures are data URIs, the style is inline,
    there is no script and no link out, so it opens the same offline, attached to a mail or
    from an archive."""
    contents = "".join(
        f'<li><a href="#{html.escape(s.product_group)}">{html.escape(s.heading)}</a></li>'
        for s in report.sections
    )
    sections = "".join(
        f'<section id="{html.escape(s.product_group)}"><h2>{html.escape(s.heading)}</h2>'
        + "".join(_chart_html(chart) for chart in s.charts)
        + "<h3>Policy events</h3>"
        + _event_table(s.events)
        + "</section>"
        for s in report.sections
    )
    generated = f"{report.generated_at:%Y-%m-%d %H:%M} UTC"
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        "<title>ree-tracker: exports and export-control policy</title>"
        f"<style>{_STYLE}</style></head><body>"
        "<h1>China's exports against export-control policy</h1>"
        f'<p class="note">Generated {html.escape(generated)} by ree-tracker from {SERIES_TABLE}, '
        f"{FIGURES_TABLE}, {SERIES_INFO_TABLE}, {EVENTS_TABLE} and {PARTNERS_TABLE}. Each group "
        "opens with every customs series of the group (world), one line each, never added "
        "together; a chart per series follows, with its largest partners. Numbered tags on "
        "each chart refer to the key under it.</p>"
        f"<ul>{contents}</ul>{sections}</body></html>\n"
    )


def _write_atomically(path: Path, data: bytes) -> None:
    """Write beside the target and rename over it: a reader (a browser, the UI) sees the old
    file or the new one, never half of one."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def write_report(report: Report, folder: Path, html_name: str) -> dict[str, Path]:
    """PNG per drawn chart and the HTML report into `folder`; returns name -> path (the HTML
    under 'report'). Charts an earlier run drew that the data no longer support are removed,
    so the folder never shows a picture the data no longer support."""
    folder.mkdir(parents=True, exist_ok=True)
    # A run killed while writing leaves its temporary files; only one run writes at a time
    # (the warehouse pool), so any left-over one is stale.
    for leftover in folder.glob(".*.tmp"):
        leftover.unlink(missing_ok=True)
    written: dict[str, Path] = {}
    for chart in report.charts:
        path = folder / chart.file_name
        _write_atomically(path, chart.png)
        written[chart.name] = path
    for suffix in OWNED_SUFFIXES:
        for stale in folder.glob(f"*{suffix}"):
            if stale not in written.values():
                stale.unlink()
    report_path = folder / html_name
    _write_atomically(report_path, report_html(report).encode("utf-8"))
    written["report"] = report_path
    return written
