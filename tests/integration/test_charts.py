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
from orchestration.reports.assets import policy_timelines
from orchestration.reports.charts import (
    NO_FIGURES_MESSAGE,
    SERIES_TABLE,
    render_world_timeline,
)
from orchestration.resources import Warehouse

pytestmark = pytest.mark.slow

CHARTS_KEY = AssetKey(["reports", "policy_timelines"])
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def reports(pipeline_run):
    return pipeline_run.paths.reports


def _materialization(pipeline_run):
    (event,) = [
        e
        for e in pipeline_run.result.get_asset_materialization_events()
        if e.asset_key == CHARTS_KEY
    ]
    return event.materialization


def _groups_with_world_figures(warehouse) -> set[str]:
    conn = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows = conn.execute(
            f"select distinct product_group from {SERIES_TABLE} "
            "where partner_iso3 = 'WLD' and quantity_t is not null"
        ).fetchall()
    finally:
        conn.close()
    return {group for (group,) in rows}


def test_the_run_draws_a_world_chart_for_exactly_the_groups_with_world_figures(
    pipeline_run, reports
):
    assert pipeline_run.result.success
    groups = _groups_with_world_figures(pipeline_run.paths.warehouse)
    assert {"rare_earths", "rare_earth_magnets"} <= groups  # the embedded default has both
    suffix = "_policy_timeline.png"
    drawn = {path.name.removesuffix(suffix) for path in reports.glob(f"*{suffix}")}
    assert drawn == groups
    assert (reports / "rare_earth_magnets_top_partners.png").exists()  # USA, DEU, JPN, ...
    assert (reports / settings.REPORT_HTML_NAME).exists()


def test_every_chart_file_is_a_real_png_of_a_drawing(reports):
    pictures = sorted(reports.glob("*.png"))
    assert len(pictures) >= 3
    for path in pictures:
        data = path.read_bytes()
        assert data.startswith(PNG_MAGIC), path.name
        assert len(data) > 20_000, path.name  # a drawn chart, not an empty canvas
        with Image.open(path) as image:
            image.verify()  # the whole file decodes
        with Image.open(path) as image:
            width, height = image.size
            assert width == 1200 and 600 < height < 1600, (path.name, image.size)
            assert len(image.convert("RGB").getcolors(4096)) > 10, path.name


def test_the_html_report_is_self_contained_and_embeds_each_png(reports):
    page = (reports / settings.REPORT_HTML_NAME).read_text(encoding="utf-8")
    links = re.findall(r'(?:src|href)\s*=\s*"([^"]*)"', page)
    assert not [link for link in links if re.match(r"\s*(https?:)?//", link)]
    assert not re.search(r"<script|<link|<iframe|@import|url\(", page, re.IGNORECASE)
    sources = re.findall(r'<img[^>]*\bsrc="([^"]*)"', page)
    embedded = sorted(base64.b64decode(s.split(",", 1)[1]) for s in sources)
    assert all(s.startswith("data:image/png;base64,") for s in sources)
    assert embedded == sorted(path.read_bytes() for path in reports.glob("*.png"))
    assert "mofcom_gacc_2025_18" in page  # the events table of rare earths
    silver = NO_FIGURES_MESSAGE.format(subject="silver (world total)", table=SERIES_TABLE)
    assert silver in page  # a tracked group without figures is reported, not dropped


def test_the_april_2025_controls_are_labelled_on_the_rare_earth_chart(pipeline_run):
    conn = duckdb.connect(str(pipeline_run.paths.warehouse), read_only=True)
    try:
        series = conn.execute(f"select * from {SERIES_TABLE}").df()
        events = conn.execute("select * from marts.dim_policy_event").df()
    finally:
        conn.close()
    chart = render_world_timeline(series, events, "rare_earths")
    assert {"mofcom_gacc_2025_18", "mofcom_gacc_2025_70", "geneva_2025_05_12"} <= set(
        chart.event_ids
    )
    texts = "\n".join(chart.drawn_texts)
    assert "4 Apr 2025: MOFCOM+GACC No. 18 announced, in force" in texts
    assert "MOFCOM+GACC No. 57-58 suspended" in texts
    # No. 57-58 was suspended on 7 Nov 2025, the day before it was due: never in force.
    assert "No. 57-58 in force" not in texts
    # The same chart, as the asset wrote it: identical pixels, so the labels above are on it.
    written = Image.open(pipeline_run.paths.reports / "rare_earths_policy_timeline.png")
    assert written.tobytes() == Image.open(io.BytesIO(chart.png)).tobytes()


def test_the_materialization_links_the_files_and_shows_the_charts_in_the_ui(pipeline_run, reports):
    metadata = _materialization(pipeline_run).metadata
    assert metadata["report"].path == str(reports / settings.REPORT_HTML_NAME)
    chart_paths = {k: v.path for k, v in metadata.items() if k.startswith("chart/")}
    assert sorted(chart_paths.values()) == sorted(str(p) for p in reports.glob("*.png"))
    assert metadata["charts"].value == len(chart_paths)
    preview = metadata["preview"].value
    assert preview.count("](data:image/png;base64,") == len(chart_paths)
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


def test_an_emptied_mart_gives_the_documented_messages_and_removes_old_charts(
    pipeline_run, reports, tmp_path, monkeypatch
):
    warehouse = _broken_copy(pipeline_run, tmp_path, f"delete from {SERIES_TABLE}")
    folder = tmp_path / "reports"
    shutil.copytree(reports, folder)  # yesterday's charts, which the data no longer support
    result = _materialize_charts(warehouse, folder, monkeypatch)
    assert result.success
    assert list(folder.glob("*.png")) == []
    page = (folder / settings.REPORT_HTML_NAME).read_text(encoding="utf-8")
    for group in ("rare earths", "rare-earth magnets", "silver"):
        expected = NO_FIGURES_MESSAGE.format(subject=f"{group} (world total)", table=SERIES_TABLE)
        assert expected in page
    assert "<img" not in page
    (materialization,) = [e.materialization for e in result.get_asset_materialization_events()]
    assert materialization.metadata["charts"].value == 0
