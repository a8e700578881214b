"""Policy timelines as pictures: each product group's monthly exports in tonnes, for the world
and for its largest partner countries, with the export-control events drawn on them.

Everything here takes DataFrames shaped like the marts and returns bytes and text, so it can be
tested without Dagster or a warehouse. matplotlib is imported inside the functions that draw:
importing it costs about a second, and the definitions (loaded by the UI and every test) must
not pay for it.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
import math
import os
import re
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

SERIES_TABLE = "marts.mart_policy_annotated_series"
EVENTS_TABLE = "marts.dim_policy_event"
PARTNERS_TABLE = "marts.dim_partner"

SERIES_COLUMNS = (
    "period_month",
    "product_group",
    "partner_iso3",
    "quantity_t",
    "months_covered",
    "product_codes",
    "measures_in_force",
    "policy_regime",
)
EVENT_COLUMNS = (
    "event_id",
    "announced_date",
    "effective_date",
    "suspended_date",
    "suspension_end_date",
    "lifted_date",
    "issuer",
    "announcement_no",
    "event_type",
    "is_measure",
    "product_groups",
    "targets",
    "is_verified",
)
PARTNER_COLUMNS = ("partner_iso3", "partner_name", "partner_type")

WORLD = "WLD"
TOP_PARTNERS = 5

# File names the report owns inside its folder; anything else there is left alone.
WORLD_CHART_SUFFIX = "_policy_timeline.png"
PARTNER_CHART_SUFFIX = "_top_partners.png"

# The documented empty-data message: a product group without figures gets this text in the
# report and in the asset's metadata instead of a chart.
NO_FIGURES_MESSAGE = "No monthly figures for {subject} in {table}."

GROUP_LABELS = {
    "rare_earths": "rare earths",
    "rare_earth_magnets": "rare-earth magnets",
    "gallium_germanium": "gallium and germanium",
}
# Rare earths and magnets are what the project is about: their sections come first.
GROUP_ORDER = ("rare_earths", "rare_earth_magnets")

# How each kind of event date is drawn. Announced is grey and dotted (nothing changes yet);
# in force is red; a suspension, or the end of one, is green.
ACTION_STYLES = {
    "announced": {"color": "#4d4d4d", "linestyle": ":", "linewidth": 1.3},
    "in force": {"color": "#b2182b", "linestyle": "-", "linewidth": 1.5},
    "takes effect": {"color": "#2166ac", "linestyle": "-.", "linewidth": 1.3},
    "suspended": {"color": "#1b7837", "linestyle": "--", "linewidth": 1.5},
    "suspension ends": {"color": "#1b7837", "linestyle": "-.", "linewidth": 1.3},
    "lifted": {"color": "#1b7837", "linestyle": "-", "linewidth": 1.5},
}
# Background of each month: the regime the mart derived from the measures in force.
REGIME_COLORS = {
    "export_licensing": ("#f4a6a6", "export licensing in force"),
    "regulated": ("#f9e3a3", "other controls in force"),
    "controls_suspended": ("#b8e0b0", "controls suspended"),
}
LINE_COLORS = ("#1f4e79", "#d95f02", "#7570b3", "#1b9e77", "#e7298a", "#66a61e", "#a6761d")

DPI = 100
FIGURE_WIDTH_IN = 12.0
PLOT_HEIGHT_IN = 4.6
HEADER_IN = 1.3  # title, two subtitle lines and the numbered event tags above the plot
AXIS_LABELS_IN = 0.55  # month labels under the plot
KEY_LINE_IN = 0.19
KEY_WRAP_CHARS = 150
SUBTITLE_WRAP_CHARS = 140


class ChartInputError(ValueError):
    """A mart handed to the charts lacks what they read: the mart changed shape or was not
    built."""


@dataclass(frozen=True)
class EventMarker:
    """One dated step of a policy event, as drawn on a chart."""

    day: dt.date
    action: str  # a key of ACTION_STYLES
    event_id: str
    label: str  # e.g. "MOFCOM+GACC No. 18"


@dataclass
class Chart:
    name: str  # file stem, e.g. "rare_earths_policy_timeline"
    title: str
    png: bytes | None = None
    empty_message: str | None = None
    width_px: int = 0
    height_px: int = 0
    event_ids: list[str] = field(default_factory=list)
    key_lines: list[str] = field(default_factory=list)  # the numbered event key under the plot
    drawn_texts: list[str] = field(default_factory=list)  # every text artist in the figure

    @property
    def file_name(self) -> str:
        return f"{self.name}.png"


@dataclass
class GroupSection:
    product_group: str
    heading: str
    charts: list[Chart]
    events: pd.DataFrame  # the group's rows of dim_policy_event, for the report's table


@dataclass
class Report:
    sections: list[GroupSection]
    generated_at: dt.datetime

    @property
    def charts(self) -> list[Chart]:
        """Charts that were drawn (empty ones carry a message instead of a picture)."""
        return [chart for section in self.sections for chart in section.charts if chart.png]

    @property
    def empty_messages(self) -> list[str]:
        return [
            chart.empty_message
            for section in self.sections
            for chart in section.charts
            if chart.empty_message
        ]


# --- inputs -----------------------------------------------------------------------------


def require_columns(frame: pd.DataFrame, columns: Sequence[str], table: str) -> None:
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise ChartInputError(
            f"{table} has no column(s) {', '.join(missing)}, which the policy charts read: "
            "rebuild the marts (dbt build) or update orchestration/reports/charts.py"
        )


def file_stem(product_group: str, suffix: str) -> str:
    """A file name from a product group, which comes from data: only letters, digits and
    underscores survive, so no group name can point outside the reports folder."""
    safe = re.sub(r"[^a-z0-9_]+", "_", product_group.lower()).strip("_") or "group"
    return safe + suffix.removesuffix(".png")


def group_label(product_group: str) -> str:
    return GROUP_LABELS.get(product_group, product_group.replace("_", " "))


def _date(value) -> dt.date | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return pd.Timestamp(value).date()


def _text(value) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def _items(value) -> list[str]:
    """A VARCHAR[] cell (list or numpy array; None when empty in some readers)."""
    if value is None or isinstance(value, float):
        return []
    return [str(item) for item in value]


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


# --- events ---------------------------------------------------------------------------


def event_label(event: pd.Series) -> str:
    """Short name of an event for a chart: the announcement number when it has one."""
    issuer = _text(event["issuer"])
    number = _text(event["announcement_no"])
    event_type = _text(event["event_type"])
    if number:
        label = f"{issuer} No. {number}"
    elif event_type == "trade_agreement":
        label = issuer
    else:
        label = f"{issuer} {event_type.replace('_', ' ')}".strip()
    targets = [target for target in _items(event["targets"]) if target != "ALL"]
    if targets:
        label += f" [{', '.join(targets)}]"
    return label or _text(event["event_id"])


def events_for_group(events: pd.DataFrame, product_group: str) -> pd.DataFrame:
    require_columns(events, EVENT_COLUMNS, EVENTS_TABLE)
    applies = events["product_groups"].map(lambda groups: product_group in _items(groups))
    return events[applies.astype(bool)]


def _suspended_on(event: pd.Series, day: dt.date) -> bool:
    start, end = _date(event["suspended_date"]), _date(event["suspension_end_date"])
    return start is not None and start <= day and (end is None or day < end)


def event_markers(
    events: pd.DataFrame, product_group: str, first_day: dt.date, last_day: dt.date
) -> list[EventMarker]:
    """The dated steps of the group's events between two days, in date order.

    A measure's effective date is drawn as "in force" only if the measure really took effect
    then (the mart's rule): one suspended or lifted before that date never came into force,
    and drawing it would claim a restriction that did not happen.
    """
    markers = []
    for _, event in events_for_group(events, product_group).iterrows():
        label = event_label(event)
        effective = _date(event["effective_date"])
        lifted = _date(event["lifted_date"])
        steps = [("announced", _date(event["announced_date"]))]
        if effective is not None and bool(event["is_measure"]):
            took_effect = not _suspended_on(event, effective) and (
                lifted is None or effective < lifted
            )
            if took_effect:
                steps.append(("in force", effective))
        elif effective is not None:
            steps.append(("takes effect", effective))
        steps += [
            ("suspended", _date(event["suspended_date"])),
            ("suspension ends", _date(event["suspension_end_date"])),
            ("lifted", lifted),
        ]
        for action, day in steps:
            if day is not None and first_day <= day <= last_day:
                markers.append(EventMarker(day, action, str(event["event_id"]), label))
    return sorted(markers, key=lambda m: (m.day, list(ACTION_STYLES).index(m.action), m.label))


def cluster_by_month(markers: Sequence[EventMarker]) -> list[list[EventMarker]]:
    """Markers of one calendar month share one numbered tag: the data are monthly, and tags a
    few days apart would print on top of each other."""
    clusters: dict[dt.date, list[EventMarker]] = {}
    for marker in markers:
        clusters.setdefault(_month_start(marker.day), []).append(marker)
    return [clusters[month] for month in sorted(clusters)]


def key_entry(number: int, cluster: Sequence[EventMarker]) -> str:
    """'3  4 Apr 2025: MOFCOM+GACC No. 18 announced, in force' for one month's markers;
    events sharing a day and the same steps are listed together."""
    by_day: dict[dt.date, dict[str, list[str]]] = {}
    for marker in cluster:
        by_day.setdefault(marker.day, {}).setdefault(marker.label, []).append(marker.action)
    parts = []
    for day, actions_by_label in by_day.items():
        by_actions: dict[tuple[str, ...], list[str]] = {}
        for label, actions in actions_by_label.items():
            by_actions.setdefault(tuple(actions), []).append(label)
        phrases = [
            f"{', '.join(labels)} {', '.join(actions)}" for actions, labels in by_actions.items()
        ]
        parts.append(f"{day.day} {day:%b %Y}: {'; '.join(phrases)}")
    return f"[{number}] " + "; ".join(parts)


def in_force_at_start(rows: pd.DataFrame, events: pd.DataFrame, first_month: dt.date) -> str:
    """The measures already in force in the first month shown (the mart's measures_in_force),
    so a chart that starts after a measure does not look like a period without controls."""
    first = rows[rows["period_month"].map(_date) == first_month]
    ids = sorted({item for cell in first["measures_in_force"] for item in _items(cell)})
    labels = []
    for event_id in ids:
        event = events[events["event_id"] == event_id]
        if event.empty:
            continue
        row = event.iloc[0]
        effective = _date(row["effective_date"])
        if effective is not None and effective < first_month:
            labels.append(f"{event_label(row)} (since {effective.day} {effective:%b %Y})")
    if not labels:
        return ""
    return f"In force before {first_month:%b %Y}: " + "; ".join(labels)


# --- drawing --------------------------------------------------------------------------


@dataclass
class _Line:
    label: str
    color: str
    rows: pd.DataFrame  # period_month, quantity_t, months_covered, policy_regime


def _new_figure(height_in: float):
    import matplotlib

    matplotlib.use("Agg")  # no display here, and the Agg canvas is what writes PNG
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    # A Figure outside pyplot: no global state, nothing to close, safe in any thread.
    figure = Figure(figsize=(FIGURE_WIDTH_IN, height_in), dpi=DPI)
    FigureCanvasAgg(figure)
    return figure


def _plot_line(axes, line: _Line, combined_label_done: bool) -> bool:
    """Monthly figures joined by a line (a missing month breaks it); a combined two-month
    release is a hollow square of its own, never joined to single months."""
    rows = line.rows
    months = [pd.Timestamp(day) for day in rows["period_month"]]
    single = [
        q if covered == 1 else math.nan
        for q, covered in zip(rows["quantity_t"], rows["months_covered"], strict=True)
    ]
    axes.plot(
        months,
        single,
        marker="o",
        markersize=4.5,
        linewidth=1.8,
        color=line.color,
        label=line.label,
        zorder=3,
    )
    for month, quantity, covered in zip(
        months, rows["quantity_t"], rows["months_covered"], strict=True
    ):
        if covered > 1 and not pd.isna(quantity):
            axes.plot(
                [month],
                [quantity],
                marker="s",
                markersize=7,
                markerfacecolor="white",
                markeredgewidth=1.6,
                color=line.color,
                linestyle="none",
                zorder=4,
                label=None if combined_label_done else "two months in one release",
            )
            end = _add_months(month.date(), covered - 1)
            axes.annotate(
                f"{month:%b}-{end:%b}",
                (month, quantity),
                textcoords="offset points",
                xytext=(0, 7),
                ha="center",
                fontsize=7,
                color="#333333",
            )
            combined_label_done = True
    return combined_label_done


def _shade_regimes(axes, rows: pd.DataFrame) -> None:
    shown = []
    for month, covered, regime in zip(
        rows["period_month"], rows["months_covered"], rows["policy_regime"], strict=True
    ):
        if regime not in REGIME_COLORS:
            continue
        start = _date(month)
        color, label = REGIME_COLORS[regime]
        axes.axvspan(
            pd.Timestamp(start),
            pd.Timestamp(_add_months(start, int(covered))),
            color=color,
            alpha=0.35,
            linewidth=0,
            zorder=0,
            label=None if label in shown else label,
        )
        if label not in shown:
            shown.append(label)


def _draw_markers(axes, clusters: Sequence[Sequence[EventMarker]], span_days: int) -> None:
    """A vertical line per step, and one numbered tag per month above the plot; tags closer
    than a month's width apart move to a second row so they never overprint."""
    drawn_actions: set[str] = set()
    previous_x: dt.date | None = None
    row = 0
    min_gap_days = max(20, span_days // 45)
    for number, cluster in enumerate(clusters, start=1):
        for marker in cluster:
            style = ACTION_STYLES[marker.action]
            label = None if marker.action in drawn_actions else f"event {marker.action}"
            axes.axvline(pd.Timestamp(marker.day), zorder=2, label=label, **style)
            drawn_actions.add(marker.action)
        day = cluster[0].day
        close = previous_x is not None and (day - previous_x).days < min_gap_days
        row = 1 - row if close else 0
        axes.text(
            pd.Timestamp(day),
            1.015 + 0.055 * row,
            str(number),
            transform=axes.get_xaxis_transform(),
            ha="center",
            va="bottom",
            fontsize=8,
            bbox={"boxstyle": "round,pad=0.25", "fc": "white", "ec": "#4d4d4d", "lw": 0.8},
            zorder=5,
        )
        previous_x = day


def _format_axes(axes, first_month: dt.date, last_month: dt.date, top_t: float) -> None:
    import matplotlib.dates as mdates
    from matplotlib.ticker import FuncFormatter

    months = (last_month.year - first_month.year) * 12 + last_month.month - first_month.month
    axes.set_xlim(
        pd.Timestamp(first_month) - pd.Timedelta(days=20),
        pd.Timestamp(_add_months(last_month, 1)) + pd.Timedelta(days=5),
    )
    axes.xaxis.set_major_locator(mdates.MonthLocator(interval=max(1, math.ceil(months / 14))))
    axes.xaxis.set_major_formatter(mdates.DateFormatter("%b\n%Y"))
    axes.tick_params(axis="x", labelsize=8)
    axes.set_ylim(0, top_t * 1.15 if top_t > 0 else 1)
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:,.0f}"))
    axes.set_ylabel("quantity (t per month)")
    axes.grid(axis="y", color="#dddddd", linewidth=0.8)
    axes.spines[["top", "right"]].set_visible(False)


def _render(
    name: str,
    title: str,
    subtitle: str,
    lines: Sequence[_Line],
    markers: Sequence[EventMarker],
    notes: Sequence[str],
    shade: pd.DataFrame | None,
) -> Chart:
    clusters = cluster_by_month(markers)
    key_lines = [key_entry(number, cluster) for number, cluster in enumerate(clusters, start=1)]
    wrapped = [
        wrapped_line
        for entry in [*notes, *key_lines]
        for wrapped_line in textwrap.wrap(entry, KEY_WRAP_CHARS, subsequent_indent="     ")
    ]
    key_in = KEY_LINE_IN * (len(wrapped) + 1) + 0.1
    height_in = HEADER_IN + PLOT_HEIGHT_IN + AXIS_LABELS_IN + key_in
    figure = _new_figure(height_in)

    left, plot_width = 0.075, 0.70
    plot_bottom = (key_in + AXIS_LABELS_IN) / height_in
    axes = figure.add_axes((left, plot_bottom, plot_width, PLOT_HEIGHT_IN / height_in))
    figure.text(left, 1 - 0.22 / height_in, title, fontsize=13, fontweight="bold", va="top")
    figure.text(
        left,
        1 - 0.5 / height_in,
        "\n".join(textwrap.wrap(subtitle, SUBTITLE_WRAP_CHARS)),
        fontsize=8.5,
        color="#444444",
        va="top",
        linespacing=1.4,
    )

    all_rows = pd.concat([line.rows for line in lines])
    first_day, last_day = _range(all_rows)
    if shade is not None:
        _shade_regimes(axes, shade)
    combined_done = False
    for line in lines:
        combined_done = _plot_line(axes, line, combined_done)
    _draw_markers(axes, clusters, (last_day - first_day).days)
    _format_axes(axes, first_day, _month_start(last_day), float(all_rows["quantity_t"].max()))
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)

    key_axes = figure.add_axes((left, 0.02 / height_in, 0.9, key_in / height_in))
    key_axes.axis("off")
    for index, text in enumerate(wrapped):
        key_axes.text(
            0,
            1 - (index + 0.5) * KEY_LINE_IN / key_in,
            text,
            fontsize=8,
            va="center",
            transform=key_axes.transAxes,
        )

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, facecolor="white")
    width_px, height_px = figure.canvas.get_width_height()
    from matplotlib.text import Text

    return Chart(
        name=name,
        title=title,
        png=_palette_png(buffer.getvalue()),
        width_px=int(width_px),
        height_px=int(height_px),
        event_ids=sorted({marker.event_id for marker in markers}),
        key_lines=[*notes, *key_lines],
        drawn_texts=[t.get_text() for t in figure.findobj(Text) if t.get_text().strip()],
    )


def _palette_png(png: bytes) -> bytes:
    """The chart as a 256-colour PNG: a third of the size and no visible difference (a chart
    has few colours), which counts because every picture is also embedded in the HTML report
    and in the asset's metadata."""
    from PIL import Image  # installed with matplotlib, which uses it too

    with Image.open(io.BytesIO(png)) as image:
        palette = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    buffer = io.BytesIO()
    palette.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _series_rows(series: pd.DataFrame, product_group: str, partner: str) -> pd.DataFrame:
    rows = series[(series["product_group"] == product_group) & (series["partner_iso3"] == partner)]
    return rows.sort_values("period_month").reset_index(drop=True)


def _range(rows: pd.DataFrame) -> tuple[dt.date, dt.date]:
    first = min(_date(day) for day in rows["period_month"])
    last = max(
        _add_months(_date(day), int(covered) - 1)
        for day, covered in zip(rows["period_month"], rows["months_covered"], strict=True)
    )
    return first, _add_months(last, 1) - dt.timedelta(days=1)


def _codes(rows: pd.DataFrame) -> str:
    codes = sorted(
        {code for cell in rows["product_codes"] for code in _text(cell).split(",") if code}
    )
    return ", ".join(codes)


def render_world_timeline(series: pd.DataFrame, events: pd.DataFrame, product_group: str) -> Chart:
    """The group's world total per month, shaded by the policy regime in force, with every
    event step of the group in the period marked and numbered."""
    require_columns(series, SERIES_COLUMNS, SERIES_TABLE)
    require_columns(events, EVENT_COLUMNS, EVENTS_TABLE)
    label = group_label(product_group)
    title = f"China's exports of {label}: world total, tonnes per month"
    chart = Chart(name=file_stem(product_group, WORLD_CHART_SUFFIX), title=title)
    rows = _series_rows(series, product_group, WORLD)
    if rows["quantity_t"].notna().sum() == 0:
        chart.empty_message = NO_FIGURES_MESSAGE.format(
            subject=f"{label} (world total)", table=SERIES_TABLE
        )
        return chart
    first_day, last_day = _range(rows)
    subtitle = (
        f"Series {_codes(rows)} from {SERIES_TABLE}; a gap is a month without a published "
        "figure. Background: controls in force at month end. Numbered tags: policy events "
        f"from {EVENTS_TABLE}, listed under the chart."
    )
    notes = [in_force_at_start(rows, events, first_day)]
    return _render(
        chart.name,
        title,
        subtitle,
        [_Line("world total", LINE_COLORS[0], rows)],
        event_markers(events, product_group, first_day, last_day),
        [note for note in notes if note],
        shade=rows,
    )


def top_partners(
    series: pd.DataFrame, partners: pd.DataFrame, product_group: str, limit: int = TOP_PARTNERS
) -> list[tuple[str, str]]:
    """(ISO3, name) of the countries that took the most tonnes of the group over the whole
    series; the world and partner groups (EU) are not countries and would double count."""
    require_columns(partners, PARTNER_COLUMNS, PARTNERS_TABLE)
    countries = partners[partners["partner_type"] == "country"]
    names = dict(zip(countries["partner_iso3"], countries["partner_name"], strict=True))
    rows = series[
        (series["product_group"] == product_group) & series["partner_iso3"].isin(list(names))
    ]
    totals = rows.groupby("partner_iso3")["quantity_t"].sum(min_count=1).dropna()
    ranked = sorted(totals.items(), key=lambda item: (-item[1], item[0]))[:limit]
    return [(iso3, _text(names[iso3]) or iso3) for iso3, _ in ranked]


def render_partner_timeline(
    series: pd.DataFrame,
    events: pd.DataFrame,
    partners: pd.DataFrame,
    product_group: str,
    limit: int = TOP_PARTNERS,
) -> Chart:
    """The group's monthly exports to its largest partner countries, one line each, with the
    group's event steps marked and numbered."""
    require_columns(series, SERIES_COLUMNS, SERIES_TABLE)
    require_columns(events, EVENT_COLUMNS, EVENTS_TABLE)
    label = group_label(product_group)
    title = f"China's exports of {label} to its largest partners, tonnes per month"
    chart = Chart(name=file_stem(product_group, PARTNER_CHART_SUFFIX), title=title)
    chosen = top_partners(series, partners, product_group, limit)
    if not chosen:
        chart.empty_message = NO_FIGURES_MESSAGE.format(
            subject=f"{label} by partner country", table=SERIES_TABLE
        )
        return chart
    lines = [
        _Line(
            f"{name} ({iso3})",
            LINE_COLORS[index % len(LINE_COLORS)],
            _series_rows(series, product_group, iso3),
        )
        for index, (iso3, name) in enumerate(chosen)
    ]
    all_rows = pd.concat([line.rows for line in lines])
    first_day, last_day = _range(all_rows)
    subtitle = (
        f"The {len(chosen)} partner countries with the most tonnes over the period, from "
        f"{SERIES_TABLE}; a gap is a month without a published figure. Numbered tags: "
        f"policy events from {EVENTS_TABLE}, listed under the chart; [USA] marks an event "
        "aimed at one partner."
    )
    world_rows = _series_rows(series, product_group, WORLD)
    notes = [in_force_at_start(world_rows, events, _month_start(first_day))]
    return _render(
        chart.name,
        title,
        subtitle,
        lines,
        event_markers(events, product_group, first_day, last_day),
        [note for note in notes if note],
        shade=None,
    )


# --- the report -----------------------------------------------------------------------


def ordered_groups(groups: Iterable[str]) -> list[str]:
    unique = set(groups)
    return [g for g in GROUP_ORDER if g in unique] + sorted(unique - set(GROUP_ORDER))


def build_report(
    series: pd.DataFrame,
    events: pd.DataFrame,
    partners: pd.DataFrame,
    product_groups: Iterable[str] | None = None,
    generated_at: dt.datetime | None = None,
) -> Report:
    """Both charts for every product group; a group without figures gets the documented
    message instead of a picture, so a new group shows up as missing rather than vanishing."""
    require_columns(series, SERIES_COLUMNS, SERIES_TABLE)
    require_columns(events, EVENT_COLUMNS, EVENTS_TABLE)
    require_columns(partners, PARTNER_COLUMNS, PARTNERS_TABLE)
    groups = ordered_groups(
        product_groups if product_groups is not None else series["product_group"].dropna()
    )
    sections = []
    for group in groups:
        charts = [render_world_timeline(series, events, group)]
        # Without a world figure there is no partner figure either: one message says it.
        if charts[0].png is not None:
            charts.append(render_partner_timeline(series, events, partners, group))
        sections.append(
            GroupSection(
                product_group=group,
                heading=group_label(group).capitalize(),
                charts=charts,
                events=events_for_group(events, group),
            )
        )
    return Report(sections=sections, generated_at=generated_at or dt.datetime.now(dt.UTC))


def png_data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1260px; color: #222; }
img { max-width: 100%; height: auto; border: 1px solid #ddd; }
figure { margin: 1rem 0 2rem; }
figcaption, .note { color: #555; font-size: 0.9rem; }
.empty { background: #fff6e0; border-left: 4px solid #e0a800; padding: 0.6rem 1rem; }
table { border-collapse: collapse; font-size: 0.85rem; margin-bottom: 2rem; }
th, td { border: 1px solid #ddd; padding: 0.25rem 0.5rem; text-align: left; }
"""


def _event_table(events: pd.DataFrame) -> str:
    if events.empty:
        return '<p class="note">No policy events recorded for this group.</p>'
    columns = [
        ("event", lambda e: _text(e["event_id"])),
        ("name", event_label),
        ("announced", lambda e: _text(_date(e["announced_date"]))),
        ("effective", lambda e: _text(_date(e["effective_date"]))),
        ("suspended", lambda e: _text(_date(e["suspended_date"]))),
        ("suspension ends", lambda e: _text(_date(e["suspension_end_date"]))),
        ("lifted", lambda e: _text(_date(e["lifted_date"]))),
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
    return (
        f'<figure id="{html.escape(chart.name)}"><img src="{png_data_uri(chart.png)}" '
        f'width="{chart.width_px}" height="{chart.height_px}" alt="{html.escape(chart.title)}">'
        f"<figcaption>{html.escape(chart.title)}</figcaption></figure>"
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
        f"{EVENTS_TABLE} and {PARTNERS_TABLE}. Quantities in tonnes (t). Numbered tags on each "
        "chart refer to the key under it.</p>"
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
    under 'report'). Charts an earlier run drew for groups that now have no figures are
    removed, so the folder never shows a picture the data no longer support."""
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
    for suffix in (WORLD_CHART_SUFFIX, PARTNER_CHART_SUFFIX):
        for stale in folder.glob(f"*{suffix}"):
            if stale not in written.values():
                stale.unlink()
    report_path = folder / html_name
    _write_atomically(report_path, report_html(report).encode("utf-8"))
    written["report"] = report_path
    return written
