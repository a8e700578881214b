"""Figures for periods longer than a month (a year, a quarter, January to October) as
horizontal bars spanning their months, in lanes of one series and partner, each labelled with
its total. Bars have no y scale, so no reader takes a year's total for a monthly level.
Placement is pure arithmetic (tested without drawing); matplotlib is imported only to draw.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from orchestration.reports.model import ChartSpec, DrawnPeriod, PeriodSpec, add_months, month_end

PANEL_WIDTH_IN = 8.4  # the plot's width on the figure (drawing.PLOT_WIDTH derives from it)
BAR_FONT_PT = 7.0
CHAR_WIDTH_IN = BAR_FONT_PT * 0.6 / 72  # a DejaVu Sans character, on average


@dataclass(frozen=True)
class PlacedPeriod:
    period: PeriodSpec
    row: int
    text: str
    placement: str  # "inside", "right" or "left" of the bar


def format_quantity(value: float) -> str:
    magnitude = abs(value)
    if magnitude == 0 or magnitude >= 100:
        return f"{value:,.0f}"
    return f"{value:,.1f}" if magnitude >= 1 else f"{value:.2g}"


def period_name(first: dt.date, last: dt.date) -> str:
    if first.year == last.year:
        return (
            str(first.year)
            if (first.month, last.month) == (1, 12)
            else (f"{first:%b}-{last:%b %Y}")
        )
    return f"{first:%b %Y}-{last:%b %Y}"


def _pale(color: str) -> str:
    """The colour mixed with three parts of white: opaque, so event lines stay behind."""
    red, green, blue = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(c + (255 - c) * 0.7):02x}" for c in (red, green, blue))


def _days(day: dt.date, origin: dt.date) -> float:
    return float((day - origin).days)


def place_periods(
    periods: Sequence[PeriodSpec], unit: str, first_day: dt.date, last_day: dt.date
) -> tuple[list[PlacedPeriod], list[tuple[str, int, int, str]]]:
    """Bars in lanes (one per series and partner), overlapping periods of a lane on rows of
    their own, so no bar or label covers another. Returns the bars and (lane, first row,
    rows, colour) per lane."""
    span = max(1.0, _days(last_day, first_day))
    days_per_char = CHAR_WIDTH_IN * span / PANEL_WIDTH_IN
    lanes: dict[str, list[PeriodSpec]] = {}
    for period in periods:
        lanes.setdefault(period.lane, []).append(period)
    placed, lane_rows, next_row = [], [], 0
    for lane, members in lanes.items():
        row_ends: list[float] = []
        order = sorted(members, key=lambda p: (p.first_month, p.first_month - p.last_month))
        for period in order:
            text = f"{period_name(period.first_month, period.last_month)}: "
            text += f"{format_quantity(period.total)} {unit}"
            x0 = _days(period.first_month, first_day)
            x1 = _days(month_end(period.last_month), first_day) + 1
            width = (len(text) + 2) * days_per_char
            if x1 - x0 >= width:
                placement, start, end = "inside", x0, x1
            elif x1 + width <= span:
                placement, start, end = "right", x0, x1 + width
            else:
                placement, start, end = "left", x0 - width, x1
            row = next((i for i, e in enumerate(row_ends) if e <= start), len(row_ends))
            # Bars may touch end to end (a year, then the next); a label keeps a small gap.
            gap = 0.0 if placement == "inside" else days_per_char / 2
            row_ends[row : row + 1] = [end + gap]
            placed.append(PlacedPeriod(period, next_row + row, text, placement))
        lane_rows.append((lane, next_row, len(row_ends), members[0].color))
        next_row += len(row_ends)
    return placed, lane_rows


def plot_periods(axes, spec: ChartSpec) -> list[DrawnPeriod]:
    """Longer-period figures as horizontal bars spanning their months, one lane per series
    and partner, labelled with the total: no y scale, so a bar cannot be read as a level."""
    import matplotlib.dates as mdates

    placed, lanes = place_periods(spec.periods, spec.unit, spec.first_day, spec.last_day)
    drawn = []
    for item in placed:
        period = item.period
        x0 = mdates.date2num(pd.Timestamp(period.first_month))
        x1 = mdates.date2num(pd.Timestamp(add_months(period.last_month, 1)))
        axes.barh(item.row + 0.5, x1 - x0, left=x0, height=0.66, color=_pale(period.color),
                  edgecolor=period.color, linewidth=1.2, zorder=3)  # fmt: skip
        x, ha = {"inside": ((x0 + x1) / 2, "center"), "right": (x1 + 4, "left"),
                 "left": (x0 - 4, "right")}[item.placement]  # fmt: skip
        backing = None if item.placement == "inside" else {"fc": "white", "ec": "none", "pad": 1}
        axes.text(x, item.row + 0.5, item.text, ha=ha, va="center", fontsize=BAR_FONT_PT,
                  color="#1a1a1a", zorder=4, clip_on=False, bbox=backing)  # fmt: skip
        drawn.append(
            DrawnPeriod(
                lane=period.lane,
                series_id=period.series_id,
                partner_iso3=period.partner_iso3,
                first_month=period.first_month,
                last_month=period.last_month,
                total=period.total,
                unit=spec.unit,
                text=item.text,
            )
        )
    rows = sum(count for _, _, count, _ in lanes)
    axes.set_ylim(rows, 0)
    axes.yaxis.tick_right()
    axes.set_yticks([first + count / 2 for _, first, count, _ in lanes])
    axes.set_yticklabels([textwrap.fill(lane, 40) for lane, *_ in lanes], fontsize=7.5)
    for label, (*_, color) in zip(axes.get_yticklabels(), lanes, strict=True):
        label.set_color(color)
    for _, first, _, _ in lanes[1:]:
        axes.axhline(first, color="#dddddd", linewidth=0.8, zorder=1)
    axes.tick_params(axis="y", length=0)
    axes.spines[["top", "left"]].set_visible(False)
    return drawn
