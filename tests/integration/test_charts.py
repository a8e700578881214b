"""The policy charts of a real pipeline run (the shared `pipeline_run`: embedded default plus
the test GACC files), and the charts asset materialized alone on broken copies of its
warehouse."""

import base64
import io
import re
import shutil

import duckdb
import pytest
from dagster import AssetKey, DagsterInstance, materialize
from PIL import Image

from orchestration import settings
from orchestration.reports.assets import policy_timelines, read_chart_inputs
from orchestration.reports.data import group_chart
from orchestration.reports.drawing import render
from orchestration.reports.model import (
    FIGURE_TABLES,
    FIGURES_TABLE,
    NO_FIGURES_MESSAGE,
    SERIES_TABLE,
    group_label,
)
from orchestration.resources import Warehouse

pytestmark = pytest.mark.slow

CHARTS_KEY = AssetKey(["reports", "policy_timelines"])
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
# The seven product groups the tracker follows (gallium and germanium share one).
GROUPS = (
    "antimony",
    "gallium_germanium",
    "graphite",
    "rare_earth_magnets",
    "rare_earths",
    "silver",
    "tungsten",
)


@pytest.fixture
def reports(pipeline_run):
    return pipeline_run.paths.reports


@pytest.fixture(scope="module")
def group_charts(pipeline_run):
    """Each group chart drawn again from the run's warehouse, to read what it drew."""
    conn = duckdb.connect(str(pipeline_run.paths.warehouse), read_only=True)
    try:
        inputs, groups = read_chart_inputs(conn)
    finally:
        conn.close()
    assert sorted(groups) == sorted(GROUPS)
    return {group: render(group_chart(inputs, group)) for group in GROUPS}


def _materialization(pipeline_run):
    (event,) = [
        e
        for e in pipeline_run.result.get_asset_materialization_events()
        if e.asset_key == CHARTS_KEY
    ]
    return event.materialization


def _series_with_figures(warehouse) -> set[str]:
    """Export customs series with a monthly or a longer-period figure, read with SQL of its
    own rather than the charts' code."""
    conn = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows = conn.execute(
            f"select series_id from {SERIES_TABLE} where quantity_t is not null union "
            f"select series_id from {FIGURES_TABLE} where is_selected and flow = 'export' "
            "and series_kind = 'customs' and months_covered > 1 "
            "and period_kind <> 'combined_jan_feb' and quantity_t is not null"
        ).fetchall()
    finally:
        conn.close()
    return {series_id for (series_id,) in rows}


def test_every_group_has_a_drawn_chart_of_at_least_six_points(pipeline_run, group_charts):
    assert pipeline_run.result.success
    points = _materialization(pipeline_run).metadata["points"].data
    for group in GROUPS:
        chart = group_charts[group]
        assert chart.png is not None, chart.empty_message
        assert chart.points >= 6, (group, chart.points)
        assert points[f"{group}_policy_timeline"] == chart.points
        # The picture the asset wrote is this one, pixel for pixel.
        written = Image.open(pipeline_run.paths.reports / chart.file_name)
        assert written.tobytes() == Image.open(io.BytesIO(chart.png)).tobytes(), group
    assert group_charts["tungsten"].lines == []  # longer-period figures only, still drawn
    assert group_charts["tungsten"].periods


def test_gallium_and_germanium_are_each_a_line_in_kilograms(group_charts):
    chart = group_charts["gallium_germanium"]
    series = {line.series_id: line for line in chart.lines}
    assert {"gallium", "germanium"} <= set(series)
    assert chart.unit == "kg" and {line.unit for line in chart.lines} == {"kg"}
    assert series["gallium"].points > 0 and series["germanium"].points > 0
    # Rare earths mix a t total with kg series: t, and the kg ones say so.
    rare_earths = group_charts["rare_earths"]
    assert rare_earths.unit == "t"
    assert any("(reported in kg)" in line.label for line in rare_earths.lines)


def test_there_is_a_series_chart_for_exactly_the_series_with_figures(pipeline_run, reports):
    expected = _series_with_figures(pipeline_run.paths.warehouse)
    assert {"gallium", "germanium", "rare_earths_total", "tungsten_apt"} <= expected
    suffix = "_series_timeline.png"
    drawn = {path.name.removesuffix(suffix) for path in reports.glob(f"*{suffix}")}
    assert drawn == expected
    assert {path.name for path in reports.glob("*_policy_timeline.png")} == {
        f"{group}_policy_timeline.png" for group in GROUPS
    }


def test_every_chart_file_is_a_real_png_of_a_drawing(reports):
    pictures = sorted(reports.glob("*.png"))
    assert len(pictures) >= 14
    for path in pictures:
        data = path.read_bytes()
        assert data.startswith(PNG_MAGIC), path.name
        assert len(data) > 10_000, path.name  # a drawn chart, not an empty canvas
        with Image.open(path) as image:
            image.verify()  # the whole file decodes
        with Image.open(path) as image:
            width, height = image.size
            assert width == 1200 and 250 < height < 2000, (path.name, image.size)
            assert len(image.convert("RGB").getcolors(4096)) > 10, path.name


def test_the_html_report_is_self_contained_and_every_chart_in_it_has_data(pipeline_run, reports):
    page = (reports / settings.REPORT_HTML_NAME).read_text(encoding="utf-8")
    links = re.findall(r'(?:src|href)\s*=\s*"([^"]*)"', page)
    assert not [link for link in links if re.match(r"\s*(https?:)?//", link)]
    assert not re.search(r"<script|<link|<iframe|@import|url\(", page, re.IGNORECASE)
    sources = re.findall(r'<img[^>]*\bsrc="([^"]*)"', page)
    embedded = sorted(base64.b64decode(s.split(",", 1)[1]) for s in sources)
    assert all(s.startswith("data:image/png;base64,") for s in sources)
    assert embedded == sorted(path.read_bytes() for path in reports.glob("*.png"))
    assert "mofcom_gacc_2025_18" in page  # the events table of rare earths
    # The embedded default has figures for every group and series it charts.
    assert 'class="empty"' not in page and "No figures for" not in page
    assert _materialization(pipeline_run).metadata["without_figures"].data == []
    for group in GROUPS:
        assert f'<section id="{group}">' in page


def test_the_april_2025_controls_are_labelled_on_the_rare_earth_chart(group_charts):
    chart = group_charts["rare_earths"]
    assert {"mofcom_gacc_2025_18", "mofcom_gacc_2025_70", "geneva_2025_05_12"} <= set(
        chart.event_ids
    )
    texts = "\n".join(chart.drawn_texts)
    assert "4 Apr 2025: MOFCOM+GACC No. 18 announced, in force" in texts
    assert "MOFCOM+GACC No. 57-58 suspended" in texts
    # No. 57-58 was suspended on 7 Nov 2025, the day before it was due: never in force.
    assert "No. 57-58 in force" not in texts


def test_the_materialization_links_the_files_and_shows_the_charts_in_the_ui(pipeline_run, reports):
    metadata = _materialization(pipeline_run).metadata
    assert metadata["report"].path == str(reports / settings.REPORT_HTML_NAME)
    chart_paths = {k: v.path for k, v in metadata.items() if k.startswith("chart/")}
    assert sorted(chart_paths.values()) == sorted(str(p) for p in reports.glob("*.png"))
    assert metadata["charts"].value == len(chart_paths)
    preview = metadata["preview"].value
    # Each group's chart is on the asset page; series charts are named there.
    assert preview.count("](data:image/png;base64,") == len(GROUPS)
    assert "`germanium_series_timeline.png`" in preview
    assert "mofcom_gacc_2025_18" in metadata["events_marked"].data["rare_earths_policy_timeline"]


def _broken_copy(pipeline_run, tmp_path, sql: str):
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(pipeline_run.paths.warehouse, warehouse)
    conn = duckdb.connect(str(warehouse))
    conn.execute(sql)
    conn.close()
    return warehouse


def _materialize_charts(warehouse, reports, monkeypatch):
    monkeypatch.setenv("REE_REPORTS_DIR", str(reports))
    return materialize(
        [policy_timelines],
        resources={"warehouse": Warehouse(path=str(warehouse))},
        instance=DagsterInstance.ephemeral(),
        raise_on_error=False,
    )


def test_a_mart_without_its_quantity_column_fails_the_asset_naming_it(
    pipeline_run, tmp_path, monkeypatch
):
    warehouse = _broken_copy(
        pipeline_run,
        tmp_path,
        f"create or replace table {SERIES_TABLE} as "
        f"select * exclude (quantity_t) from {SERIES_TABLE}",
    )
    result = _materialize_charts(warehouse, tmp_path / "reports", monkeypatch)
    assert not result.success
    (failure,) = result.get_step_failure_events()
    error = failure.step_failure_data.error.cause  # Dagster wraps the asset's own error
    assert error.cls_name == "ChartInputError"
    assert f"{SERIES_TABLE} has no column(s) quantity_t" in error.message
    assert not (tmp_path / "reports").exists()  # nothing half-written


def test_emptied_marts_give_the_documented_messages_and_remove_old_charts(
    pipeline_run, reports, tmp_path, monkeypatch
):
    warehouse = _broken_copy(
        pipeline_run, tmp_path, f"delete from {SERIES_TABLE}; delete from {FIGURES_TABLE}"
    )
    folder = tmp_path / "reports"
    shutil.copytree(reports, folder)  # yesterday's charts, which the data no longer support
    result = _materialize_charts(warehouse, folder, monkeypatch)
    assert result.success
    assert list(folder.glob("*.png")) == []
    page = (folder / settings.REPORT_HTML_NAME).read_text(encoding="utf-8")
    for group in GROUPS:
        expected = NO_FIGURES_MESSAGE.format(subject=group_label(group), table=FIGURE_TABLES)
        assert expected in page
    assert "<img" not in page
    (materialization,) = [e.materialization for e in result.get_asset_materialization_events()]
    assert materialization.metadata["charts"].value == 0
