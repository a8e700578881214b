"""What the policy charts read and what they produce: the marts' names and columns, and the
charts and report as plain data. Every other module of the reports (and the tests) shares
these, so nothing here imports pandas' heavier friends or matplotlib."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

SERIES_TABLE = "marts.mart_policy_annotated_series"
FIGURES_TABLE = "marts.fct_reported_figures"
SERIES_INFO_TABLE = "marts.dim_series"
EVENTS_TABLE = "marts.dim_policy_event"
PARTNERS_TABLE = "marts.dim_partner"

SERIES_COLUMNS = (
    "period_month",
    "product_group",
    "series_id",
    "partner_iso3",
    "quantity_t",
    "months_covered",
    "product_codes",
    "measures_in_force",
    "policy_regime",
)
FIGURE_COLUMNS = (
    "series_id",
    "product_group",
    "flow",
    "series_kind",
    "partner_iso3",
    "period_start_month",
    "period_end_month",
    "months_covered",
    "period_kind",
    "quantity_t",
    "is_selected",
)
SERIES_INFO_COLUMNS = (
    "series_id",
    "series_name",
    "product_group",
    "flow",
    "series_kind",
    "chart_unit",
    "part_of_series_id",
    "caveat",
)
EVENT_COLUMNS = (
    "event_id",
    "announced_date",
    "effective_date",
    "suspended_date",
    "suspension_end_date",
    "lifted_date",
    "status_unknown_from",
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

# File names the report owns inside its folder; anything else there is left alone. Earlier
# versions wrote one top-partners chart per group: those files are the report's too.
GROUP_CHART_SUFFIX = "_policy_timeline.png"
SERIES_CHART_SUFFIX = "_series_timeline.png"
OWNED_SUFFIXES = (GROUP_CHART_SUFFIX, SERIES_CHART_SUFFIX, "_top_partners.png")

# The documented empty-data message: a product group or series without figures gets this
# text in the report and in the asset's metadata instead of a chart.
NO_FIGURES_MESSAGE = "No figures for {subject} in {table}."
FIGURE_TABLES = f"{SERIES_TABLE} or {FIGURES_TABLE}"

GROUP_LABELS = {
    "rare_earths": "rare earths",
    "rare_earth_magnets": "rare-earth magnets",
    "gallium_germanium": "gallium and germanium",
}
# Rare earths and magnets are what the project is about: their sections come first.
GROUP_ORDER = ("rare_earths", "rare_earth_magnets")


class ChartInputError(ValueError):
    """A mart handed to the charts lacks what they read: the mart changed shape or was not
    built."""


@dataclass(frozen=True)
class EventMarker:
    """One dated step of a policy event, as drawn on a chart."""

    day: dt.date
    action: str  # one of events.ACTIONS
    event_id: str
    label: str  # e.g. "MOFCOM+GACC No. 18", "MOFCOM No. 1 [JPN]"


@dataclass(frozen=True)
class LineSpec:
    label: str
    series_id: str
    partner_iso3: str
    color: str
    months: tuple[dt.date, ...]
    values: tuple[float, ...]  # in the chart's unit; NaN where nobody reported
    covered: tuple[int, ...]  # months each figure covers (2 for a January-February release)


@dataclass(frozen=True)
class PeriodSpec:
    lane: str
    series_id: str
    partner_iso3: str
    color: str
    first_month: dt.date
    last_month: dt.date
    total: float  # in the chart's unit


@dataclass
class ChartSpec:
    """Everything a chart shows, before it is drawn (data.py builds it, drawing.py draws
    it); `empty_message` instead when there is nothing to draw."""

    name: str
    title: str
    kind: str
    product_group: str
    unit: str = "t"
    series_id: str | None = None
    caveat: str = ""
    subtitle: str = ""
    lines: list[LineSpec] = field(default_factory=list)
    periods: list[PeriodSpec] = field(default_factory=list)
    markers: list[EventMarker] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    shading: list[tuple[dt.date, dt.date, str]] = field(default_factory=list)  # month spans
    first_day: dt.date | None = None
    last_day: dt.date | None = None
    empty_message: str | None = None


@dataclass(frozen=True)
class DrawnLine:
    """A line as matplotlib drew it: `values` is the line's y data (NaN where the line
    breaks), so a test reads what is on the picture, not what was meant to be."""

    label: str
    unit: str  # "kg" or "t"
    series_id: str
    partner_iso3: str
    months: tuple[dt.date, ...]
    values: tuple[float, ...]
    combined: tuple[tuple[dt.date, int, float], ...] = ()  # (first month, months, value)
    missing_months: tuple[dt.date, ...] = ()  # months without a figure between two figures

    @property
    def points(self) -> int:
        return sum(1 for value in self.values if not math.isnan(value)) + len(self.combined)

    @property
    def has_zero(self) -> bool:
        return any(value == 0 for value in self.values) or any(v == 0 for *_, v in self.combined)

    @property
    def has_gaps(self) -> bool:
        return bool(self.missing_months)

    def value_at(self, month: dt.date) -> float:
        return self.values[self.months.index(month)]


@dataclass(frozen=True)
class DrawnPeriod:
    """A figure for a period longer than a month, drawn as a bar spanning the period."""

    lane: str  # which series and partner, as labelled on the chart
    series_id: str
    partner_iso3: str
    first_month: dt.date
    last_month: dt.date
    total: float
    unit: str
    text: str  # the label on the bar, e.g. "Jan-Oct 2025: 12,000 t"


@dataclass
class Chart:
    name: str  # file stem, e.g. "rare_earths_policy_timeline"
    title: str
    kind: str = "group"  # "group" (every series of a product group) or "series"
    product_group: str = ""
    series_id: str | None = None
    caveat: str = ""
    unit: str = "t"
    png: bytes | None = None
    empty_message: str | None = None
    width_px: int = 0
    height_px: int = 0
    lines: list[DrawnLine] = field(default_factory=list)
    periods: list[DrawnPeriod] = field(default_factory=list)
    event_ids: list[str] = field(default_factory=list)
    key_lines: list[str] = field(default_factory=list)  # the numbered event key under the plot
    drawn_texts: list[str] = field(default_factory=list)  # every text artist in the figure

    @property
    def file_name(self) -> str:
        return f"{self.name}.png"

    @property
    def points(self) -> int:
        """Monthly points (single months and combined releases) plus longer-period bars."""
        return sum(line.points for line in self.lines) + len(self.periods)

    def line(self, label: str) -> DrawnLine:
        (found,) = [line for line in self.lines if line.label == label]
        return found


@dataclass
class GroupSection:
    product_group: str
    heading: str
    charts: list[Chart]  # the group chart first, then one per series
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


def require_columns(frame: pd.DataFrame, columns: Sequence[str], table: str) -> None:
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise ChartInputError(
            f"{table} has no column(s) {', '.join(missing)}, which the policy charts read: "
            "rebuild the marts (dbt build) or update orchestration/reports/"
        )


def file_stem(name: str, suffix: str) -> str:
    """A file name from a group or series id, which come from data: only letters, digits and
    underscores survive, so no name can point outside the reports folder."""
    safe = re.sub(r"[^a-z0-9_]+", "_", name.lower()).strip("_") or "chart"
    return safe + suffix.removesuffix(".png")


def group_label(product_group: str) -> str:
    return GROUP_LABELS.get(product_group, product_group.replace("_", " "))


def is_missing(value) -> bool:
    return value is None or (not isinstance(value, str | list | tuple) and bool(pd.isna(value)))


def as_date(value) -> dt.date | None:
    return None if is_missing(value) else pd.Timestamp(value).date()


def as_text(value) -> str:
    return "" if is_missing(value) else str(value)


def as_items(value) -> list[str]:
    """A VARCHAR[] cell (list or numpy array; None or NaN when empty in some readers)."""
    if value is None or isinstance(value, float | str):
        return []
    return [str(item) for item in value]


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def month_end(month: dt.date) -> dt.date:
    return add_months(month, 1) - dt.timedelta(days=1)
