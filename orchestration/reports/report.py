"""The report: for each product group its chart of every series, then a chart per series,
and the group's events for the table. A group or series without figures gets the documented
message instead of a picture, so a new one shows up as missing rather than vanishing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from orchestration.reports.data import ChartInputs, group_chart, group_series, series_chart
from orchestration.reports.events import events_for_group
from orchestration.reports.model import (
    GROUP_ORDER,
    Chart,
    ChartSpec,
    GroupSection,
    Report,
    group_label,
)


def ordered_groups(groups: Iterable[str]) -> list[str]:
    unique = set(groups)
    return [g for g in GROUP_ORDER if g in unique] + sorted(unique - set(GROUP_ORDER))


def draw(spec: ChartSpec) -> Chart:
    if spec.empty_message is not None:
        return Chart(
            name=spec.name,
            title=spec.title,
            kind=spec.kind,
            product_group=spec.product_group,
            series_id=spec.series_id,
            caveat=spec.caveat,
            unit=spec.unit,
            empty_message=spec.empty_message,
        )
    from orchestration.reports.drawing import render  # matplotlib loads with it

    return render(spec)


def group_charts(inputs: ChartInputs, product_group: str) -> list[Chart]:
    """The group chart, then one chart per series with figures. Without any figure in the
    group one message says so; a series listed in dim_series without figures gets its own."""
    group = draw(group_chart(inputs, product_group))
    series = [draw(series_chart(inputs, info)) for info in group_series(inputs, product_group)]
    if group.png is None and all(chart.png is None for chart in series):
        return [group]
    return [group, *series]


def build_report(
    inputs: ChartInputs,
    product_groups: Iterable[str] | None = None,
    generated_at: dt.datetime | None = None,
) -> Report:
    inputs.check()
    groups = ordered_groups(
        product_groups if product_groups is not None else inputs.series["product_group"].dropna()
    )
    sections = [
        GroupSection(
            product_group=group,
            heading=group_label(group).capitalize(),
            charts=group_charts(inputs, group),
            events=events_for_group(inputs.events, group),
        )
        for group in groups
    ]
    return Report(sections=sections, generated_at=generated_at or dt.datetime.now(dt.UTC))
