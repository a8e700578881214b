"""The marts shaped into what a chart draws: lines of monthly figures, bars for figures that
cover longer periods, the events to mark and the policy regime behind the world line.

Series are never added together: gallium and germanium, or a series and a part of it, are
lines of their own. A chart has one unit; a month nobody reported is NaN (a gap in the line)
and a reported zero stays 0. Pure pandas, so it is tested on frames written in the tests.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import pandas as pd

from orchestration.reports.events import event_markers, in_force_at_start
from orchestration.reports.model import (
    EVENT_COLUMNS,
    EVENTS_TABLE,
    FIGURE_COLUMNS,
    FIGURE_TABLES,
    FIGURES_TABLE,
    GROUP_CHART_SUFFIX,
    NO_FIGURES_MESSAGE,
    PARTNER_COLUMNS,
    PARTNERS_TABLE,
    SERIES_CHART_SUFFIX,
    SERIES_COLUMNS,
    SERIES_INFO_COLUMNS,
    SERIES_INFO_TABLE,
    SERIES_TABLE,
    TOP_PARTNERS,
    WORLD,
    ChartSpec,
    LineSpec,
    PeriodSpec,
    add_months,
    as_date,
    as_text,
    file_stem,
    group_label,
    month_end,
    require_columns,
)

LINE_COLORS = ("#1f4e79", "#d95f02", "#7570b3", "#1b9e77", "#e7298a", "#8c564b", "#bcbd22")
OTHER_PARTNER_COLOR = "#777777"  # a partner with longer-period figures but no line
KG_PER_T = 1000.0
UNIT_WORDS = {"kg": "kilograms (kg)", "t": "tonnes (t)"}


@dataclass(frozen=True)
class ChartInputs:
    """The marts the charts read, as whole frames (they are small)."""

    series: pd.DataFrame  # mart_policy_annotated_series
    figures: pd.DataFrame  # fct_reported_figures
    series_info: pd.DataFrame  # dim_series
    events: pd.DataFrame  # dim_policy_event
    partners: pd.DataFrame  # dim_partner

    def check(self) -> None:
        for frame, columns, table in (
            (self.series, SERIES_COLUMNS, SERIES_TABLE),
            (self.figures, FIGURE_COLUMNS, FIGURES_TABLE),
            (self.series_info, SERIES_INFO_COLUMNS, SERIES_INFO_TABLE),
            (self.events, EVENT_COLUMNS, EVENTS_TABLE),
            (self.partners, PARTNER_COLUMNS, PARTNERS_TABLE),
        ):
            require_columns(frame, columns, table)


@dataclass(frozen=True)
class SeriesInfo:
    series_id: str
    name: str
    product_group: str
    unit: str  # the series' chart_unit: "kg" or "t"
    caveat: str = ""
    part_of: str = ""


# --- reading the marts ------------------------------------------------------------------


def _chart_unit(value) -> str:
    return "kg" if as_text(value) == "kg" else "t"


def group_series(inputs: ChartInputs, product_group: str) -> list[SeriesInfo]:
    """The group's export customs series, each whole before its parts. A series the mart
    holds without a dim_series row (an HS6 line that is no reported series) is charted in
    tonnes under its code."""
    info = inputs.series_info
    listed = info[
        (info["product_group"] == product_group)
        & (info["flow"] == "export")
        & (info["series_kind"] == "customs")
    ]
    found = {
        str(row.series_id): SeriesInfo(
            series_id=str(row.series_id),
            name=as_text(row.series_name) or str(row.series_id),
            product_group=product_group,
            unit=_chart_unit(row.chart_unit),
            caveat=as_text(row.caveat),
            part_of=as_text(row.part_of_series_id),
        )
        for row in listed.itertuples()
    }
    in_data = set(inputs.series.loc[inputs.series["product_group"] == product_group, "series_id"])
    in_data |= set(longer_period_figures(inputs.figures, product_group)["series_id"])
    known_elsewhere = set(info["series_id"])
    for series_id in sorted(str(s) for s in in_data - set(found) - known_elsewhere):
        found[series_id] = SeriesInfo(series_id, f"HS {series_id}", product_group, "t")
    ordered = sorted(
        found.values(), key=lambda s: (s.part_of or s.series_id, bool(s.part_of), s.series_id)
    )
    return ordered


# Longer-period bars in a full order: the mart's rows come in no set order, and two figures can
# share a start (January-June and January-September), so the same data always give the same
# lanes and the same picture.
PERIOD_ORDER = ["series_id", "partner_iso3", "period_start_month", "period_end_month", "quantity_t"]


def longer_period_figures(figures: pd.DataFrame, product_group: str) -> pd.DataFrame:
    """The selected export customs figures of the group that cover more than a month and are
    not a combined January-February release (the mart draws those as monthly points)."""
    keep = (
        (figures["product_group"] == product_group)
        & figures["is_selected"].fillna(False).astype(bool)
        & (figures["flow"] == "export")
        & (figures["series_kind"] == "customs")
        & (figures["months_covered"] > 1)
        & (figures["period_kind"] != "combined_jan_feb")
        & figures["quantity_t"].notna()
    )
    rows = figures[keep]
    return rows.sort_values(PERIOD_ORDER, kind="stable")


def monthly_rows(series: pd.DataFrame, series_id: str, partner: str) -> pd.DataFrame:
    rows = series[(series["series_id"] == series_id) & (series["partner_iso3"] == partner)]
    return rows.sort_values("period_month").reset_index(drop=True)


def has_figure(rows: pd.DataFrame) -> bool:
    return bool(rows["quantity_t"].notna().any())


def in_unit(quantity_t: float, unit: str) -> float:
    if quantity_t is None or pd.isna(quantity_t):
        return math.nan
    return float(quantity_t) * (KG_PER_T if unit == "kg" else 1.0)


def top_partners(
    series: pd.DataFrame,
    partners: pd.DataFrame,
    series_id: str,
    limit: int = TOP_PARTNERS,
    kinds: tuple[str, ...] = ("country",),
) -> list[tuple[str, str]]:
    """(ISO3, name) of the countries that took the most of a series over its whole run; the
    world and partner groups (EU) are not countries and would double count."""
    countries = partners[partners["partner_type"].isin(list(kinds))]
    names = dict(zip(countries["partner_iso3"], countries["partner_name"], strict=True))
    rows = series[(series["series_id"] == series_id) & series["partner_iso3"].isin(list(names))]
    totals = rows.groupby("partner_iso3")["quantity_t"].sum(min_count=1).dropna()
    ranked = sorted(totals.items(), key=lambda item: (-item[1], item[0]))[:limit]
    return [(iso3, as_text(names[iso3]) or iso3) for iso3, _ in ranked]


# --- shaping ------------------------------------------------------------------------------


def line_spec(
    label: str, rows: pd.DataFrame, series_id: str, partner: str, color: str, unit: str
) -> LineSpec:
    return LineSpec(
        label=label,
        series_id=series_id,
        partner_iso3=partner,
        color=color,
        months=tuple(as_date(day) for day in rows["period_month"]),
        values=tuple(in_unit(q, unit) for q in rows["quantity_t"]),
        covered=tuple(int(c) for c in rows["months_covered"]),
    )


def period_specs(rows: pd.DataFrame, lane_of, color_of, unit: str) -> list[PeriodSpec]:
    """Bars for longer-period figures; `lane_of` and `color_of` take (series_id, partner)."""
    return [
        PeriodSpec(
            lane=lane_of(str(row.series_id), str(row.partner_iso3)),
            series_id=str(row.series_id),
            partner_iso3=str(row.partner_iso3),
            color=color_of(str(row.series_id), str(row.partner_iso3)),
            first_month=as_date(row.period_start_month),
            last_month=as_date(row.period_end_month),
            total=in_unit(row.quantity_t, unit),
        )
        for row in rows.itertuples()
    ]


def chart_span(lines: list[LineSpec], periods: list[PeriodSpec]) -> tuple[dt.date, dt.date]:
    """First day of the first month to the last day of the last month anything covers."""
    starts = [line.months[0] for line in lines if line.months]
    starts += [period.first_month for period in periods]
    ends = [
        add_months(month, covered - 1)
        for line in lines
        for month, covered in zip(line.months, line.covered, strict=True)
    ]
    ends += [period.last_month for period in periods]
    return min(starts), month_end(max(ends))


def regime_spans(world_rows: pd.DataFrame) -> list[tuple[dt.date, dt.date, str]]:
    """The policy regime of each month behind the world line(s), merged into runs of months;
    a combined release carries its regime over both of its months."""
    by_month: dict[dt.date, str] = {}
    for day, covered, regime in zip(
        world_rows["period_month"],
        world_rows["months_covered"],
        world_rows["policy_regime"],
        strict=True,
    ):
        for offset in range(int(covered)):
            by_month.setdefault(add_months(as_date(day), offset), as_text(regime))
    spans: list[tuple[dt.date, dt.date, str]] = []
    for month in sorted(by_month):
        regime = by_month[month]
        if spans and spans[-1][2] == regime and add_months(spans[-1][1], 1) == month:
            spans[-1] = (spans[-1][0], month, regime)
        else:
            spans.append((month, month, regime))
    return spans


def _finish(spec: ChartSpec, inputs: ChartInputs, world_rows: pd.DataFrame, drawn: set) -> None:
    """Range, events, regime shading and the in-force note, common to both kinds of chart."""
    spec.first_day, spec.last_day = chart_span(spec.lines, spec.periods)
    spec.markers = event_markers(
        inputs.events, spec.product_group, spec.first_day, spec.last_day, drawn
    )
    note = in_force_at_start(world_rows, inputs.events, spec.first_day)
    spec.notes = [note] if note else []
    spec.shading = regime_spans(world_rows) if not world_rows.empty else []


def _subtitle(spec: ChartSpec, lines_text: str) -> str:
    parts = []
    if spec.lines:
        parts.append(
            f"{lines_text} from {SERIES_TABLE}: a gap is a month nobody reported, a ringed "
            "point on the axis a reported zero."
        )
    else:
        parts.append(f"No monthly figures in {SERIES_TABLE}.")
    if spec.periods:
        parts.append(
            f"Bars: figures for periods longer than a month from {FIGURES_TABLE}, each the "
            "total of its whole period, not a monthly level."
        )
    if spec.shading:
        parts.append("Background: controls in force at month end.")
    parts.append(f"Numbered tags: policy events from {EVENTS_TABLE}, listed under the chart.")
    return " ".join(parts)


def group_chart(inputs: ChartInputs, product_group: str) -> ChartSpec:
    """World figures of every customs series of the group, one line each in one unit (kg
    when every series drawn is a kg series, else t), and the group's longer-period figures
    for the world and its partners."""
    label = group_label(product_group)
    catalogue = group_series(inputs, product_group)
    world = {s.series_id: monthly_rows(inputs.series, s.series_id, WORLD) for s in catalogue}
    longer = longer_period_figures(inputs.figures, product_group)
    drawn = [
        s
        for s in catalogue
        if has_figure(world[s.series_id]) or s.series_id in set(longer["series_id"])
    ]
    unit = "kg" if drawn and all(s.unit == "kg" for s in drawn) else "t"
    spec = ChartSpec(
        name=file_stem(product_group, GROUP_CHART_SUFFIX),
        title=f"China's exports of {label}: every customs series, {UNIT_WORDS[unit]}",
        kind="group",
        product_group=product_group,
        unit=unit,
    )
    if not drawn:
        spec.empty_message = NO_FIGURES_MESSAGE.format(subject=label, table=FIGURE_TABLES)
        return spec
    color = {s.series_id: LINE_COLORS[i % len(LINE_COLORS)] for i, s in enumerate(drawn)}
    info = {s.series_id: s for s in drawn}
    for s in drawn:
        if has_figure(world[s.series_id]):
            converted = f" (reported in {s.unit})" if s.unit != unit else ""
            legend = f"{s.name}, {unit}{converted}"
            spec.lines.append(
                line_spec(legend, world[s.series_id], s.series_id, WORLD, color[s.series_id], unit)
            )
    longer = longer[longer["series_id"].isin(list(info))]
    order = {sid: index for index, sid in enumerate(info)}
    spec.periods = period_specs(
        # Series in the chart's order; within a series the world first, then partners.
        longer.assign(
            series_order=longer["series_id"].map(order),
            not_world=longer["partner_iso3"] != WORLD,
        ).sort_values(["series_order", "not_world", *PERIOD_ORDER[1:]], kind="stable"),
        lambda sid, iso3: f"{info[sid].name}, {'world' if iso3 == WORLD else iso3}",
        lambda sid, _: color[sid],
        unit,
    )
    with_lines = [world[s.series_id] for s in drawn if has_figure(world[s.series_id])]
    world_rows = pd.concat(with_lines) if with_lines else inputs.series.iloc[0:0]
    drawn_partners = {p.partner_iso3 for p in spec.periods} | ({WORLD} if with_lines else set())
    _finish(spec, inputs, world_rows, drawn_partners)
    spec.subtitle = _subtitle(spec, "One line per series, never added together, world figures")
    return spec


def _partner_label(names: dict, iso3: str) -> str:
    return f"{as_text(names.get(iso3)) or iso3} ({iso3})"


def series_chart(inputs: ChartInputs, series: SeriesInfo) -> ChartSpec:
    """One series in its own unit: the world and its largest partner countries per month,
    and its longer-period figures for every partner."""
    sid, unit = series.series_id, series.unit
    spec = ChartSpec(
        name=file_stem(sid, SERIES_CHART_SUFFIX),
        title=f"China's exports of {series.name}: {UNIT_WORDS[unit]}",
        kind="series",
        product_group=series.product_group,
        unit=unit,
        series_id=sid,
        caveat=series.caveat,
    )
    world = monthly_rows(inputs.series, sid, WORLD)
    colors = {WORLD: LINE_COLORS[0]}
    if has_figure(world):
        spec.lines.append(line_spec("World", world, sid, WORLD, colors[WORLD], unit))
    chosen = top_partners(inputs.series, inputs.partners, sid)
    if not chosen and not spec.lines:
        # Only a partner group (the EU) reported: better its line than no chart.
        chosen = top_partners(inputs.series, inputs.partners, sid, kinds=("country", "group"))
    for index, (iso3, name) in enumerate(chosen):
        colors[iso3] = LINE_COLORS[(index + 1) % len(LINE_COLORS)]
        rows = monthly_rows(inputs.series, sid, iso3)
        spec.lines.append(line_spec(f"{name} ({iso3})", rows, sid, iso3, colors[iso3], unit))
    longer = longer_period_figures(inputs.figures, series.product_group)
    longer = longer[longer["series_id"] == sid]
    names = dict(zip(inputs.partners["partner_iso3"], inputs.partners["partner_name"], strict=True))
    spec.periods = period_specs(
        # The world's bars first, then the partners' by code.
        longer.assign(not_world=longer["partner_iso3"] != WORLD).sort_values(
            ["not_world", *PERIOD_ORDER[1:]], kind="stable"
        ),
        lambda _, iso3: "World" if iso3 == WORLD else _partner_label(names, iso3),
        lambda _, iso3: colors.get(iso3, OTHER_PARTNER_COLOR),
        unit,
    )
    if not spec.lines and not spec.periods:
        spec.empty_message = NO_FIGURES_MESSAGE.format(subject=series.name, table=FIGURE_TABLES)
        return spec
    drawn = {line.partner_iso3 for line in spec.lines} | {p.partner_iso3 for p in spec.periods}
    _finish(spec, inputs, world if has_figure(world) else world.iloc[0:0], drawn)
    partners_text = "World and the largest partner countries" if len(spec.lines) > 1 else "Figures"
    spec.subtitle = _subtitle(spec, f"{partners_text}, {unit} per month,")
    return spec
