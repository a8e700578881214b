"""The report: for each product group its chart of every series, then a chart per series,
and the group's events for the table. A group or series without figures gets the documented
message instead of a picture, so a new one shows up as missing rather than vanishing."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import sys
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor

from orchestration.reports.data import ChartInputs, group_chart, group_series, series_chart
from orchestration.reports.drawn_charts import DrawnCharts
from orchestration.reports.events import events_for_group
from orchestration.reports.model import (
    GROUP_ORDER,
    Chart,
    ChartSpec,
    GroupSection,
    Report,
    group_label,
)

# Worker processes for drawing charts: one per core, up to this many (each holds matplotlib
# and a figure, about 150 MB).
MAX_DRAWING_PROCESSES = 4


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


def draw_all(specs: Sequence[ChartSpec], store: DrawnCharts | None = None) -> list[Chart]:
    """Every chart, in the order given: a message where there is nothing to draw, else from
    `store` where an earlier run drew the same chart with the same code, else drawn (and
    stored)."""
    charts = [draw(spec) if spec.empty_message is not None else None for spec in specs]
    if store is not None:
        charts = [chart or store.get(spec) for chart, spec in zip(charts, specs, strict=True)]
    missing = [index for index, chart in enumerate(charts) if chart is None]
    for index, chart in zip(missing, render_all([specs[i] for i in missing]), strict=True):
        charts[index] = chart
        if store is not None:
            store.put(specs[index], chart)
    if store is not None:
        store.keep_only_used()
    return charts


def render_all(specs: Sequence[ChartSpec]) -> list[Chart]:
    """The specs drawn, in order. Drawing is CPU-bound (matplotlib lays out and rasterises
    every glyph, about 0.3 s a chart) and the charts are independent, so with more than one
    core they are drawn in forked worker processes, which start with matplotlib already
    imported; where fork is not available (macOS and Windows spawn, which would import
    everything again) they are drawn here, one after another."""
    workers = min(os.cpu_count() or 1, MAX_DRAWING_PROCESSES, len(specs))
    if workers < 2 or sys.platform != "linux":
        return [draw(spec) for spec in specs]
    from orchestration.reports import drawing  # matplotlib loads with it, before the fork

    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        return list(pool.map(drawing.render, specs))


def group_charts(product_group_charts: list[Chart]) -> list[Chart]:
    """The group chart, then one chart per series with figures. Without any figure in the
    group one message says so; a series listed in dim_series without figures gets its own."""
    group, *series = product_group_charts
    if group.png is None and all(chart.png is None for chart in series):
        return [group]
    return [group, *series]


def build_report(
    inputs: ChartInputs,
    product_groups: Iterable[str] | None = None,
    generated_at: dt.datetime | None = None,
    store: DrawnCharts | None = None,
) -> Report:
    """The report's sections; charts `store` holds from an earlier run are not drawn again."""
    inputs.check()
    groups = ordered_groups(
        product_groups if product_groups is not None else inputs.series["product_group"].dropna()
    )
    specs = {
        group: [
            group_chart(inputs, group),
            *(series_chart(inputs, info) for info in group_series(inputs, group)),
        ]
        for group in groups
    }
    charts = iter(draw_all([spec for group_specs in specs.values() for spec in group_specs], store))
    sections = [
        GroupSection(
            product_group=group,
            heading=group_label(group).capitalize(),
            charts=group_charts([next(charts) for _ in group_specs]),
            events=events_for_group(inputs.events, group),
        )
        for group, group_specs in specs.items()
    ]
    return Report(sections=sections, generated_at=generated_at or dt.datetime.now(dt.UTC))
