"""The report built from small mart-shaped frames (tests/unit/reports/chart_inputs.py): its
messages, the self-contained HTML page, the files written, and the charts asset's wiring."""

import base64
import dataclasses
import os
import re
import subprocess
import sys

import pandas as pd
import pytest

from orchestration import settings
from orchestration.reports.data import (
    ChartInputs,
)
from orchestration.reports.model import (
    FIGURE_TABLES,
    GROUP_CHART_SUFFIX,
    NO_FIGURES_MESSAGE,
    ChartInputError,
    file_stem,
)
from orchestration.reports.page import report_html, write_report
from orchestration.reports.report import build_report
from tests.unit.reports.chart_inputs import (
    EVENTS,
    PARTNERS,
    PNG_MAGIC,
    RARE_EARTHS,
    figures,
    inputs,
    mart,
    series_info,
)


def test_a_group_without_figures_gets_the_documented_message_instead_of_a_picture(tmp_path):
    report = build_report(inputs(), product_groups=["rare_earths", "silver"])
    silver = next(s for s in report.sections if s.product_group == "silver")
    expected = NO_FIGURES_MESSAGE.format(subject="silver", table=FIGURE_TABLES)
    assert [(c.png, c.empty_message) for c in silver.charts] == [(None, expected)]
    # Rare earths: a group chart, the total's chart, and the dysprosium series (no figures
    # in this test) said to have none.
    rare_earths = report.sections[0]
    assert [c.name for c in rare_earths.charts if c.png] == [
        "rare_earths_policy_timeline",
        "re_total_series_timeline",
    ]
    dysprosium = NO_FIGURES_MESSAGE.format(subject="Dysprosium products", table=FIGURE_TABLES)
    assert report.empty_messages == [dysprosium, expected]

    files = write_report(report, tmp_path, "report.html")
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "rare_earths_policy_timeline.png",
        "re_total_series_timeline.png",
        "report.html",
    ]
    assert expected in files["report"].read_text(encoding="utf-8")


def test_an_empty_mart_gives_a_report_of_messages_not_a_crash(tmp_path):
    report = build_report(inputs(RARE_EARTHS.iloc[0:0]), product_groups=["rare_earths"])
    assert report.charts == []
    assert report.empty_messages == [
        NO_FIGURES_MESSAGE.format(subject="rare earths", table=FIGURE_TABLES)
    ]
    files = write_report(report, tmp_path, "report.html")
    assert list(files) == ["report"]


@pytest.mark.parametrize(
    ("frame", "column"),
    [
        ("series", "quantity_t"),
        ("series", "series_id"),
        ("figures", "period_start_month"),
        ("series_info", "chart_unit"),
        ("events", "status_unknown_from"),
        ("partners", "partner_type"),
    ],
)
def test_a_mart_missing_a_column_fails_with_the_table_and_column_named(frame, column):
    complete = inputs()
    broken = dataclasses.replace(
        complete, **{frame: getattr(complete, frame).drop(columns=[column])}
    )
    with pytest.raises(ChartInputError, match=rf"marts\.\w+ has no column\(s\) {column}"):
        build_report(broken)


def test_html_report_is_self_contained_escapes_names_and_shows_each_caveat():
    hostile = PARTNERS.copy()
    hostile.loc[hostile["partner_iso3"] == "USA", "partner_name"] = "<script>alert(1)</script>"
    events = EVENTS.copy()
    events.loc[events["event_id"] == "test_no_7", "issuer"] = '<img src="https://example.com/x">'
    events.loc[events["event_id"] == "test_no_8", "announcement_no"] = "<script>alert(1)</script>"
    series = pd.concat(
        [RARE_EARTHS, mart([("2025-02-01", "re_total", "USA", 80.0)])], ignore_index=True
    )
    report = build_report(
        ChartInputs(series, figures(), series_info(), events, hostile),
        product_groups=["rare_earths"],
    )
    page = report_html(report)

    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # shown as text, never run
    assert "<script" not in page.lower()
    links = re.findall(r'(?:src|href)\s*=\s*"([^"]*)"', page)
    assert not [link for link in links if re.match(r"\s*(https?:)?//", link)]
    sources = re.findall(r'<img[^>]*\bsrc="([^"]*)"', page)
    assert len(sources) == len(report.charts) == 2  # the group, then the series
    for source, chart in zip(sources, report.charts, strict=True):
        assert source.startswith("data:image/png;base64,")
        assert base64.b64decode(source.split(",", 1)[1]) == chart.png
    assert "Caveat: Make-up unknown" in page  # under the series chart
    assert all(href.startswith("#") for href in re.findall(r'href="([^"]*)"', page))
    assert not re.search(r"<link|@import|url\(", page)


def test_writing_replaces_charts_the_data_no_longer_support_and_leaves_other_files(tmp_path):
    (tmp_path / "silver_policy_timeline.png").write_bytes(PNG_MAGIC)  # from an earlier run
    (tmp_path / "rare_earths_top_partners.png").write_bytes(PNG_MAGIC)  # an older layout
    (tmp_path / "notes.txt").write_text("an analyst's file")
    (tmp_path / ".report.html.4242.tmp").write_text("<html>half")  # a killed run's leftover
    report = build_report(inputs(), product_groups=["rare_earths"])
    write_report(report, tmp_path, "report.html")
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [
        "notes.txt",
        "rare_earths_policy_timeline.png",
        "re_total_series_timeline.png",
        "report.html",
    ]


def test_names_from_the_data_cannot_name_a_file_outside_the_folder():
    stem = file_stem("../../etc/Passwd x", GROUP_CHART_SUFFIX)
    assert "/" not in stem and ".." not in stem
    assert stem == "etc_passwd_x_policy_timeline"


def test_importing_the_definitions_does_not_import_matplotlib():
    completed = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; import orchestration.definitions; print('matplotlib' in sys.modules)",
        ],
        cwd=settings.PROJECT_ROOT,
        env={k: v for k, v in os.environ.items() if k != "DAGSTER_IS_DEV_CLI"},
        capture_output=True,
        text=True,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    assert completed.stdout.strip().splitlines()[-1] == "False"


def test_the_charts_asset_reads_the_dbt_marts_and_runs_in_refresh_all():
    from dagster import AssetKey

    from orchestration.definitions import defs
    from orchestration.transform.assets import build_dbt_models

    ree_dbt_models = build_dbt_models()

    key = AssetKey(["reports", "policy_timelines"])
    node = defs.resolve_asset_graph().get(key)
    assert node.group_name == "reports"
    assert {"python", "matplotlib"} <= set(node.kinds)
    assert node.owners == ["team:ree-tracker"]
    assert node.parent_keys == {
        AssetKey(["marts", name])
        for name in (
            "mart_policy_annotated_series",
            "fct_reported_figures",
            "dim_series",
            "dim_policy_event",
            "dim_partner",
            "dim_product",
        )
    }
    assert node.parent_keys <= set(ree_dbt_models.keys)  # real dbt keys, not strays
    assert key in defs.resolve_job_def("refresh_all").asset_layer.selected_asset_keys
