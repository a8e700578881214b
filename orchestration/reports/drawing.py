"""A ChartSpec drawn with matplotlib: monthly lines above, bars for longer periods below,
event steps as vertical lines with numbered tags and a key under the plot.

matplotlib is imported inside the functions that draw: importing it costs about a second,
and the definitions (loaded by the UI and every test) must not pay for it. What was drawn is
read back from the artists into the Chart (DrawnLine, DrawnPeriod), so tests check the
picture's data, not the intent.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from orchestration.reports.events import cluster_by_month, key_entry
from orchestration.reports.model import (
    Chart,
    ChartSpec,
    DrawnLine,
    EventMarker,
    LineSpec,
    add_months,
    month_start,
)
from orchestration.reports.period_bars import PANEL_WIDTH_IN, place_periods, plot_periods

# How each kind of event step is drawn. Announced is grey and dotted (nothing changes yet);
# in force is red; a suspension, or the end of one, is green; an unknown status is purple.
ACTION_STYLES = {
    "announced": {"color": "#4d4d4d", "linestyle": ":", "linewidth": 1.3},
    "in force": {"color": "#b2182b", "linestyle": "-", "linewidth": 1.5},
    "takes effect": {"color": "#2166ac", "linestyle": "-.", "linewidth": 1.3},
    "suspended": {"color": "#1b7837", "linestyle": "--", "linewidth": 1.5},
    "suspension ends": {"color": "#1b7837", "linestyle": "-.", "linewidth": 1.3},
    "lifted": {"color": "#1b7837", "linestyle": "-", "linewidth": 1.5},
    "status unknown from": {"color": "#7b3294", "linestyle": (0, (1, 1.5)), "linewidth": 2.2},
}
# Background of each month: the regime the mart derived from the measures in force.
REGIME_COLORS = {
    "export_licensing": ("#f4a6a6", "export licensing in force"),
    "regulated": ("#f9e3a3", "other controls in force"),
    "controls_suspended": ("#b8e0b0", "controls suspended"),
}

DPI = 100
FIGURE_WIDTH_IN = 12.0
LEFT, PLOT_WIDTH = 0.075, PANEL_WIDTH_IN / FIGURE_WIDTH_IN
PLOT_HEIGHT_IN = 4.6
TITLE_IN = 0.5  # the title, above the subtitle
SUBTITLE_LINE_IN = 0.165
TAGS_IN = 0.45  # the numbered event tags between the subtitle and the plot
PANEL_GAP_IN = 0.5  # between the line and bar panels: the bar panel's title
PERIOD_ROW_IN = 0.24
AXIS_LABELS_IN = 0.55  # month labels under the plot
LEGEND_ROW_IN = 0.2  # a legend under the plot, for a chart without monthly lines
KEY_LINE_IN = 0.19
KEY_WRAP_CHARS = 150
SUBTITLE_WRAP_CHARS = 150
LEGEND_WRAP_CHARS = 34
# A marker of its own, above the lines and never clipped by the axes (a zero sits on one).
HOLLOW = {"markerfacecolor": "white", "markeredgewidth": 1.6, "linestyle": "none", "zorder": 4,
          "clip_on": False}  # fmt: skip
PERIOD_PANEL_TITLE = (
    "Figures for periods longer than a month: each bar spans its period and is labelled with "
    "the period's total (not a monthly level)"
)


def _new_figure(height_in: float):
    import matplotlib

    matplotlib.use("Agg")  # no display here, and the Agg canvas is what writes PNG
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    # A Figure outside pyplot: no global state, nothing to close, safe in any thread.
    figure = Figure(figsize=(FIGURE_WIDTH_IN, height_in), dpi=DPI)
    FigureCanvasAgg(figure)
    return figure


def _plot_line(axes, line: LineSpec, unit: str, labels_done: set[str]) -> DrawnLine:
    """Monthly figures joined by a line: a month nobody reported (NaN) breaks it. A reported
    zero is a point on the axis, ringed so it cannot pass for a small figure and never
    clipped by the axis."""
    months = [pd.Timestamp(day) for day in line.months]
    single = [v if c == 1 else math.nan for v, c in zip(line.values, line.covered, strict=True)]
    (artist,) = axes.plot(
        months,
        single,
        marker="o",
        markersize=4.5,
        linewidth=1.8,
        color=line.color,
        label=textwrap.fill(line.label, LEGEND_WRAP_CHARS),
        zorder=3,
        clip_on=False,
    )
    zeros = [month for month, value in zip(months, single, strict=True) if value == 0]
    if zeros:
        axes.plot(zeros, [0.0] * len(zeros), marker="o", markersize=7.5, color=line.color, **HOLLOW)
        if "zero" not in labels_done:  # one neutral legend entry for the rings of every line
            label = "reported zero (ringed, on the axis)"
            axes.plot([], [], marker="o", markersize=7.5, color="#555555", label=label, **HOLLOW)
            labels_done.add("zero")
    figures = [i for i, v in enumerate(line.values) if not math.isnan(v)]
    missing = [
        line.months[i]
        for i in range(figures[0] + 1, figures[-1] if figures else 0)
        if math.isnan(line.values[i]) and line.covered[i] == 1
    ]
    return DrawnLine(
        label=line.label,
        unit=unit,
        series_id=line.series_id,
        partner_iso3=line.partner_iso3,
        months=tuple(pd.Timestamp(x).date() for x in artist.get_xdata()),
        values=tuple(float(y) for y in artist.get_ydata()),
        combined=_plot_combined(axes, line, labels_done),
        missing_months=tuple(missing),
    )


def _plot_combined(axes, line: LineSpec, labels_done: set[str]) -> tuple:
    """A combined two-month release is a hollow square of its own, never joined to single
    months, labelled with its months."""
    combined = []
    for month, value, covered in zip(line.months, line.values, line.covered, strict=True):
        if covered == 1 or math.isnan(value):
            continue
        axes.plot(
            [pd.Timestamp(month)],
            [value],
            marker="s",
            markersize=7,
            color=line.color,
            label=None if "combined" in labels_done else "two months in one release",
            **HOLLOW,
        )
        labels_done.add("combined")
        axes.annotate(
            f"{month:%b}-{add_months(month, covered - 1):%b}",
            (pd.Timestamp(month), value),
            textcoords="offset points",
            xytext=(0, 7),
            ha="center",
            fontsize=7,
            color="#333333",
        )
        combined.append((month, covered, value))
    return tuple(combined)


def _shade_regimes(axes, spans: Sequence[tuple[dt.date, dt.date, str]]) -> None:
    shown = set()
    for first, last, regime in spans:
        if regime not in REGIME_COLORS:
            continue
        color, label = REGIME_COLORS[regime]
        axes.axvspan(
            pd.Timestamp(first),
            pd.Timestamp(add_months(last, 1)),
            color=color,
            alpha=0.35,
            linewidth=0,
            zorder=0,
            label=None if label in shown else label,
        )
        shown.add(label)


def _draw_markers(axes_list, clusters: Sequence[Sequence[EventMarker]], span_days: int) -> None:
    """A vertical line per step on every panel, and one numbered tag per month above the top
    panel; tags closer than a month's width apart alternate rows so they never overprint."""
    top = axes_list[0]
    drawn_actions: set[str] = set()
    previous: dt.date | None = None
    row = 0
    min_gap_days = max(20, span_days // 45)
    for number, cluster in enumerate(clusters, start=1):
        for marker in cluster:
            style = ACTION_STYLES[marker.action]
            label = None if marker.action in drawn_actions else f"event {marker.action}"
            for axes in axes_list:
                # Pale and behind the bars of a period panel, so their labels stay readable.
                bars = axes.get_label() == "periods"
                depth = {"zorder": 1.5, "alpha": 0.5} if bars else {"zorder": 2}
                axes.axvline(pd.Timestamp(marker.day), label=label, **depth, **style)
                label = None
            drawn_actions.add(marker.action)
        day = cluster[0].day
        row = 1 - row if previous is not None and (day - previous).days < min_gap_days else 0
        top.annotate(
            str(number),
            xy=(pd.Timestamp(day), 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(0, 4 + 15 * row),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=8,
            bbox={"boxstyle": "round,pad=0.25", "fc": "white", "ec": "#4d4d4d", "lw": 0.8},
            zorder=5,
            annotation_clip=False,
        )
        previous = day


def _format_time_axis(axes, first_day: dt.date, last_day: dt.date, labelled: bool) -> None:
    import matplotlib.dates as mdates

    first, last = month_start(first_day), month_start(last_day)
    months = (last.year - first.year) * 12 + last.month - first.month
    axes.set_xlim(
        pd.Timestamp(first) - pd.Timedelta(days=20),
        pd.Timestamp(add_months(last, 1)) + pd.Timedelta(days=5),
    )
    axes.xaxis.set_major_locator(mdates.MonthLocator(interval=max(1, math.ceil(months / 14))))
    axes.xaxis.set_major_formatter(mdates.DateFormatter("%b\n%Y"))
    axes.tick_params(axis="x", labelsize=8, labelbottom=labelled)


def _format_quantity_axis(axes, unit: str, top: float) -> None:
    """From zero, always: a reported zero sits on the axis, and no level looks smaller or
    larger than it is."""
    from matplotlib.ticker import FuncFormatter

    axes.set_ylim(0, top * 1.15 if top > 0 else 1)
    decimals = 0 if top >= 20 else (1 if top >= 2 else 2)
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:,.{decimals}f}"))
    axes.set_ylabel(f"quantity ({unit} per month)")
    axes.grid(axis="y", color="#dddddd", linewidth=0.8)
    axes.spines[["top", "right"]].set_visible(False)


@dataclass(frozen=True)
class Layout:
    """Heights of the parts of a figure, top to bottom, in inches."""

    subtitle: list[str]
    lines_in: float
    periods_in: float
    legend_in: float
    key_in: float
    key_text: list[str]

    @property
    def header_in(self) -> float:
        return TITLE_IN + SUBTITLE_LINE_IN * len(self.subtitle) + TAGS_IN

    @property
    def height_in(self) -> float:
        gap = PANEL_GAP_IN if self.lines_in and self.periods_in else 0.0
        parts = (self.lines_in, gap, self.periods_in, AXIS_LABELS_IN, self.legend_in, self.key_in)
        return self.header_in + sum(parts)


def _layout(spec: ChartSpec, key_lines: Sequence[str]) -> Layout:
    wrapped = [
        wrapped_line
        for entry in [*spec.notes, *key_lines]
        for wrapped_line in textwrap.wrap(entry, KEY_WRAP_CHARS, subsequent_indent="     ")
    ]
    rows = 0
    if spec.periods:
        _, lanes = place_periods(spec.periods, spec.unit, spec.first_day, spec.last_day)
        rows = sum(count for _, _, count, _ in lanes)
    # Without a line panel the legend (event styles) sits under the plot, four to a row.
    legend_entries = len({m.action for m in spec.markers})
    return Layout(
        subtitle=textwrap.wrap(spec.subtitle, SUBTITLE_WRAP_CHARS),
        lines_in=PLOT_HEIGHT_IN if spec.lines else 0.0,
        periods_in=rows * PERIOD_ROW_IN + 0.1 if rows else 0.0,
        legend_in=0.0 if spec.lines else LEGEND_ROW_IN * math.ceil(legend_entries / 4) + 0.1,
        key_in=KEY_LINE_IN * (len(wrapped) + 1) + 0.1,
        key_text=wrapped,
    )


def _panels(figure, layout: Layout):
    """The line axes and the bar axes (either may be None), sharing the time axis."""
    height = layout.height_in
    top = height - layout.header_in
    line_axes = period_axes = None
    if layout.lines_in:
        bottom = top - layout.lines_in
        line_axes = figure.add_axes((LEFT, bottom / height, PLOT_WIDTH, layout.lines_in / height))
        top = bottom - (PANEL_GAP_IN if layout.periods_in else 0.0)
    if layout.periods_in:
        bottom = top - layout.periods_in
        rect = (LEFT, bottom / height, PLOT_WIDTH, layout.periods_in / height)
        period_axes = figure.add_axes(rect, sharex=line_axes, label="periods")
        period_axes.xaxis_date()
        if line_axes is not None:
            period_axes.set_title(PERIOD_PANEL_TITLE, loc="left", fontsize=8.5, color="#444444")
    return line_axes, period_axes


def _header_and_key(figure, spec: ChartSpec, layout: Layout) -> None:
    height = layout.height_in
    figure.text(LEFT, 1 - 0.22 / height, spec.title, fontsize=13, fontweight="bold", va="top")
    figure.text(
        LEFT,
        1 - 0.5 / height,
        "\n".join(layout.subtitle),
        fontsize=8.5,
        color="#444444",
        va="top",
        linespacing=1.4,
    )
    key_axes = figure.add_axes((LEFT, 0.02 / height, 0.9, layout.key_in / height))
    key_axes.axis("off")
    for index, text in enumerate(layout.key_text):
        y = 1 - (index + 0.5) * KEY_LINE_IN / layout.key_in
        key_axes.text(0, y, text, fontsize=8, va="center", transform=key_axes.transAxes)


def render(spec: ChartSpec) -> Chart:
    """The chart as a PNG, with what it drew: lines, bars, events and every text."""
    clusters = cluster_by_month(spec.markers)
    key_lines = [key_entry(number, cluster) for number, cluster in enumerate(clusters, start=1)]
    layout = _layout(spec, key_lines)
    figure = _new_figure(layout.height_in)
    _header_and_key(figure, spec, layout)
    line_axes, period_axes = _panels(figure, layout)
    panels = [axes for axes in (line_axes, period_axes) if axes is not None]
    lines, periods = [], []
    if line_axes is not None:
        _shade_regimes(line_axes, spec.shading)
        labels_done: set[str] = set()
        lines = [_plot_line(line_axes, line, spec.unit, labels_done) for line in spec.lines]
        finite = [v for line in spec.lines for v in line.values if not math.isnan(v)]
        _format_quantity_axis(line_axes, spec.unit, max(finite, default=0.0))
    if period_axes is not None:
        periods = plot_periods(period_axes, spec)
    for axes in panels:
        _format_time_axis(axes, spec.first_day, spec.last_day, labelled=axes is panels[-1])
    _draw_markers(panels, clusters, (spec.last_day - spec.first_day).days)
    if line_axes is not None:
        line_axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    elif spec.markers:
        y = (layout.key_in + layout.legend_in) / layout.height_in
        handles, labels = period_axes.get_legend_handles_labels()
        figure.legend(handles, labels, loc="upper left", bbox_to_anchor=(LEFT, y), ncol=4,
                      fontsize=8, frameon=False)  # fmt: skip
    return _chart(spec, figure, lines, periods, [*spec.notes, *key_lines])


def _chart(spec: ChartSpec, figure, lines, periods, key_lines) -> Chart:
    from matplotlib.text import Text

    figure.set_facecolor("white")
    png = _palette_png(figure)
    width_px, height_px = figure.canvas.get_width_height()
    return Chart(
        name=spec.name,
        title=spec.title,
        kind=spec.kind,
        product_group=spec.product_group,
        series_id=spec.series_id,
        caveat=spec.caveat,
        unit=spec.unit,
        png=png,
        width_px=int(width_px),
        height_px=int(height_px),
        lines=lines,
        periods=periods,
        event_ids=sorted({marker.event_id for marker in spec.markers}),
        key_lines=key_lines,
        drawn_texts=[t.get_text() for t in figure.findobj(Text) if t.get_text().strip()],
    )


def _palette_png(figure) -> bytes:
    """The figure drawn once on its Agg canvas and written as a 256-colour PNG: a third of
    the size of matplotlib's own RGBA PNG and no visible difference (a chart has few
    colours), which counts because every picture is also embedded in the HTML report and in
    the asset's metadata. Quantizing the canvas's pixels directly, with Pillow's fast octree
    and zlib's default level, saves drawing a PNG only to decode it again: about 0.2 s a
    chart (benchmarks: `make bench`, the default run's charts step)."""
    from PIL import Image  # installed with matplotlib, which uses it too

    figure.canvas.draw()
    width_px, height_px = figure.canvas.get_width_height()
    pixels = Image.frombuffer("RGBA", (width_px, height_px), figure.canvas.buffer_rgba())
    palette = pixels.convert("RGB").quantize(colors=256, method=Image.Quantize.FASTOCTREE)
    buffer = io.BytesIO()
    palette.save(buffer, format="PNG")
    return buffer.getvalue()
