"""The marts shaped for the interactive impact report: per series the monthly figures of the
world and its largest partners (with each figure's source URL and the measures in force),
what changed after each measure (mart_policy_impact) and the event windows
(mart_policy_event_window). Pure pandas, like data.py, so it is tested on small frames; the
figures and the page are built in interactive.py and interactive_page.py.
"""

from __future__ import annotations

import math
import urllib.parse
from dataclasses import dataclass

import pandas as pd

from orchestration.reports.data import KG_PER_T, SeriesInfo, top_partners
from orchestration.reports.model import (
    EVENT_COLUMNS,
    EVENTS_TABLE,
    GROUP_ORDER,
    PARTNER_COLUMNS,
    PARTNERS_TABLE,
    SERIES_INFO_TABLE,
    SERIES_TABLE,
    WORLD,
    as_items,
    as_text,
    require_columns,
)

IMPACT_TABLE = "marts.mart_policy_impact"
EVENT_WINDOW_TABLE = "marts.mart_policy_event_window"

# What the report reads of each mart; a mart that lost one of these fails with its name.
MONTHLY_COLUMNS = (
    "period_month",
    "product_group",
    "series_id",
    "partner_iso3",
    "quantity_t",
    "months_covered",
    "source_ref",
    "measures_in_force",
)
IMPACT_COLUMNS = (
    "event_id",
    "series_id",
    "partner_iso3",
    "partner_scope",
    "window_name",
    "window_months",
    "baseline_window_name",
    "mean_quantity_t",
    "baseline_mean_quantity_t",
    "change_vs_baseline_pct",
    "change_vs_year_earlier_pct",
    "verdict",
    "no_verdict_reason",
)
EVENT_WINDOW_COLUMNS = (
    "event_id",
    "series_id",
    "partner_iso3",
    "event_month",
    "relative_month",
    "period_month",
    "quantity_t",
    "index_pct",
)
SERIES_INFO_COLUMNS = ("series_id", "series_name", "product_group", "chart_unit", "caveat")

# The comparisons the "what changed" table shows: the effect and the suspension, each against
# the months just before it (the anticipation window before_effect is in the mart, not here).
TABLE_WINDOWS = ("after_effect", "after_suspension")
NO_EVENT_WINDOW_MESSAGE = (
    "No event of this series has a figure in the month before it, so nothing can be indexed."
)


@dataclass(frozen=True)
class ImpactInputs:
    """The marts the interactive report reads, as whole frames (they are small)."""

    series: pd.DataFrame  # mart_policy_annotated_series
    impact: pd.DataFrame  # mart_policy_impact
    event_window: pd.DataFrame  # mart_policy_event_window
    series_info: pd.DataFrame  # dim_series
    events: pd.DataFrame  # dim_policy_event
    partners: pd.DataFrame  # dim_partner

    def check(self) -> None:
        for frame, columns, table in (
            (self.series, MONTHLY_COLUMNS, SERIES_TABLE),
            (self.impact, IMPACT_COLUMNS, IMPACT_TABLE),
            (self.event_window, EVENT_WINDOW_COLUMNS, EVENT_WINDOW_TABLE),
            (self.series_info, SERIES_INFO_COLUMNS, SERIES_INFO_TABLE),
            (self.events, EVENT_COLUMNS, EVENTS_TABLE),
            (self.partners, PARTNER_COLUMNS, PARTNERS_TABLE),
        ):
            require_columns(frame, columns, table)


def format_quantity(value: float | None, unit: str) -> str:
    """'3,188 t', '0.721 t', '1,427 kg': thousands separated, at most three decimals."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "no figure"
    text = f"{value:,.3f}".rstrip("0").rstrip(".")
    return f"{text} {unit}"


def csv_data_uri(frame: pd.DataFrame) -> str:
    """The frame as a CSV file inside a link, so the download needs no server and no network."""
    return "data:text/csv;charset=utf-8," + urllib.parse.quote(frame.to_csv(index=False))


def report_series(inputs: ImpactInputs) -> list[SeriesInfo]:
    """Every series with a figure, rare earths and magnets first (as the PNG report), in its
    chart unit; a series the mart holds without a dim_series row is charted in tonnes."""
    with_figures = inputs.series[inputs.series["quantity_t"].notna()]
    groups = dict(zip(with_figures["series_id"], with_figures["product_group"], strict=False))
    info = inputs.series_info.set_index("series_id")
    found = []
    for series_id, group in groups.items():
        if series_id in info.index:
            row = info.loc[series_id]
            name = as_text(row["series_name"]) or series_id
            unit = "kg" if as_text(row["chart_unit"]) == "kg" else "t"
            caveat = as_text(row["caveat"])
        else:
            name, unit, caveat = f"HS {series_id}", "t", ""
        found.append(SeriesInfo(str(series_id), name, str(group), unit, caveat))
    order = {group: index for index, group in enumerate(GROUP_ORDER)}
    return sorted(
        found, key=lambda s: (order.get(s.product_group, len(order)), s.product_group, s.series_id)
    )


def in_unit(quantity_t: float, unit: str) -> float:
    if quantity_t is None or pd.isna(quantity_t):
        return math.nan
    return float(quantity_t) * (KG_PER_T if unit == "kg" else 1.0)


def partner_names(partners: pd.DataFrame) -> dict[str, str]:
    return dict(zip(partners["partner_iso3"], partners["partner_name"], strict=True))


def partner_label(names: dict[str, str], iso3: str) -> str:
    return "World" if iso3 == WORLD else f"{as_text(names.get(iso3)) or iso3} ({iso3})"


def monthly_frame(inputs: ImpactInputs, series: SeriesInfo) -> pd.DataFrame:
    """The world and the series' largest partner countries, one row per month each (months
    nobody reported stay, with no figure, so the line shows a gap). A combined
    January-February release stays one point dated January with its whole figure."""
    chosen = [WORLD] + [
        iso3 for iso3, _ in top_partners(inputs.series, inputs.partners, series.series_id)
    ]
    rows = inputs.series[
        (inputs.series["series_id"] == series.series_id)
        & inputs.series["partner_iso3"].isin(chosen)
    ].copy()
    names = partner_names(inputs.partners)
    rows["partner_label"] = [partner_label(names, iso3) for iso3 in rows["partner_iso3"]]
    rows["quantity"] = [in_unit(q, series.unit) for q in rows["quantity_t"]]
    rows["unit"] = series.unit
    rows["measures"] = [", ".join(as_items(m)) or "none" for m in rows["measures_in_force"]]
    rows["partner_order"] = rows["partner_iso3"].map({iso3: i for i, iso3 in enumerate(chosen)})
    rows = rows.sort_values(["partner_order", "period_month"])
    columns = [
        "period_month",
        "partner_iso3",
        "partner_label",
        "quantity",
        "unit",
        "quantity_t",
        "months_covered",
        "source_ref",
        "measures",
    ]
    return rows[columns].reset_index(drop=True)


def _change_cell(row: pd.Series) -> str:
    change = row["change_vs_baseline_pct"]
    text = "n/a" if pd.isna(change) else f"{change:+.1f}%"
    verdict = as_text(row["verdict"])
    return f"{text} {verdict.replace('_', ' ')}" if verdict else f"{text} (no verdict)"


def impact_table(inputs: ImpactInputs, series_id: str) -> pd.DataFrame:
    """What changed after each measure, for the world and each partner the measure names: one
    row per event, partner and comparison, one column per window length with the change
    against the window before and the verdict; why there is none, where there is none."""
    rows = inputs.impact[
        (inputs.impact["series_id"] == series_id)
        & inputs.impact["partner_scope"].isin(["world", "target"])
        & inputs.impact["window_name"].isin(list(TABLE_WINDOWS))
    ]
    # An event with no figure in any of its windows says nothing about this series.
    measured = rows.groupby(["event_id", "partner_iso3", "window_name"])[
        "mean_quantity_t"
    ].transform(lambda means: means.notna().any())
    rows = rows[measured.astype(bool)]
    if rows.empty:
        return pd.DataFrame(
            columns=["event_id", "partner_iso3", "window_name", "window_months", "cell", "reason"]
        )
    table = rows.assign(
        cell=rows.apply(_change_cell, axis=1),
        reason=rows["no_verdict_reason"].fillna(""),
    )
    columns = [
        "event_id",
        "partner_iso3",
        "window_name",
        "window_months",
        "mean_quantity_t",
        "baseline_mean_quantity_t",
        "change_vs_baseline_pct",
        "change_vs_year_earlier_pct",
        "verdict",
        "cell",
        "reason",
    ]
    order = {name: index for index, name in enumerate(TABLE_WINDOWS)}
    # Events in the order they happened (the day they took effect, else were announced).
    days = inputs.events.assign(
        event_day=inputs.events["effective_date"].fillna(inputs.events["announced_date"])
    ).set_index("event_id")["event_day"]
    return (
        table[columns]
        .assign(
            event_day=table["event_id"].map(days),
            not_world=table["partner_iso3"] != WORLD,
            window_order=table["window_name"].map(order),
        )
        .sort_values(
            ["event_day", "event_id", "not_world", "partner_iso3", "window_order", "window_months"]
        )
        .drop(columns=["event_day", "not_world", "window_order"])
        .reset_index(drop=True)
    )


def event_window_frame(inputs: ImpactInputs, series_id: str) -> pd.DataFrame:
    """The series' event windows that can be indexed (the month before the event has a figure
    above zero), in the order the events happened."""
    rows = inputs.event_window[inputs.event_window["series_id"] == series_id]
    indexed = rows.groupby(["event_id", "partner_iso3"])["index_pct"].transform(
        lambda values: values.notna().any()
    )
    rows = rows[indexed.astype(bool)]
    names = partner_names(inputs.partners)
    return (
        rows.assign(partner_label=[partner_label(names, iso3) for iso3 in rows["partner_iso3"]])
        .sort_values(["event_month", "event_id", "partner_iso3", "relative_month"])
        .reset_index(drop=True)
    )
