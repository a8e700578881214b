"""The policy charts drawn from small mart-shaped frames: real matplotlib rendering, real PNG
and HTML files in temp folders. Every figure and event here was invented for the tests (the
real series are charted in tests/integration/test_charts.py)."""

import base64
import datetime as dt
import io
import os
import re
import subprocess
import sys

import pandas as pd
import pytest
from PIL import Image

from orchestration import settings
from orchestration.reports import charts
from orchestration.reports.charts import (
    NO_FIGURES_MESSAGE,
    SERIES_TABLE,
    ChartInputError,
    build_report,
    cluster_by_month,
    event_markers,
    file_stem,
    render_partner_timeline,
    render_world_timeline,
    report_html,
    top_partners,
    write_report,
)

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def series_frame(rows: list[tuple]) -> pd.DataFrame:
    """(month, group, partner, tonnes[, months_covered[, measures_in_force[, regime]]])."""
    records = []
    for row in rows:
        month, group, partner, tonnes, *rest = row
        covered = rest[0] if len(rest) > 0 else 1
        in_force = rest[1] if len(rest) > 1 else []
        regime = rest[2] if len(rest) > 2 else "no_controls"
        records.append(
            {
                "period_month": pd.Timestamp(month),
                "product_group": group,
                "partner_iso3": partner,
                "quantity_t": tonnes,
                "months_covered": covered,
                "product_codes": "test_code" if tonnes is not None else None,
                "measures_in_force": in_force,
                "policy_regime": regime,
            }
        )
    return pd.DataFrame.from_records(records)


def event_row(event_id: str, groups: list[str], **dates_and_fields) -> dict:
    row = {
        "event_id": event_id,
        "announced_date": None,
        "effective_date": None,
        "suspended_date": None,
        "suspension_end_date": None,
        "lifted_date": None,
        "issuer": "MOFCOM",
        "announcement_no": None,
        "event_type": "export_control",
        "is_measure": True,
        "product_groups": groups,
        "targets": ["ALL"],
        "is_verified": True,
    }
    row.update(dates_and_fields)
    for column in ("announced_date", "effective_date", "suspended_date", "suspension_end_date"):
        row[column] = pd.Timestamp(row[column]) if row[column] else pd.NaT
    row["lifted_date"] = pd.Timestamp(row["lifted_date"]) if row["lifted_date"] else pd.NaT
    return row


def events_frame(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame.from_records(list(rows))


PARTNERS = pd.DataFrame.from_records(
    [
        {"partner_iso3": "WLD", "partner_name": "World", "partner_type": "world"},
        {"partner_iso3": "EUU", "partner_name": "European Union", "partner_type": "group"},
        {"partner_iso3": "USA", "partner_name": "United States", "partner_type": "country"},
        {"partner_iso3": "DEU", "partner_name": "Germany", "partner_type": "country"},
        {"partner_iso3": "JPN", "partner_name": "Japan", "partner_type": "country"},
    ]
)

# Six months of an invented rare-earth series, with a gap in March.
WORLD_SERIES = series_frame(
    [
        ("2025-01-01", "rare_earths", "WLD", 5000.0, 1, ["old_ban"], "regulated"),
        ("2025-02-01", "rare_earths", "WLD", 5200.0, 1, ["old_ban"], "regulated"),
        ("2025-03-01", "rare_earths", "WLD", None, 1, ["old_ban"], "regulated"),
        ("2025-04-01", "rare_earths", "WLD", 4100.0, 1, ["old_ban", "test_no_7"], "regulated"),
        ("2025-05-01", "rare_earths", "WLD", 4300.0, 1, ["old_ban", "test_no_7"], "regulated"),
        ("2025-06-01", "rare_earths", "WLD", 4700.0, 1, ["old_ban", "test_no_7"], "regulated"),
    ]
)
EVENTS = events_frame(
    event_row(
        "old_ban",
        ["rare_earths"],
        announced_date="2023-12-01",
        effective_date="2023-12-01",
        issuer="MOST",
        event_type="technology_ban",
    ),  # fmt: skip
    event_row(
        "test_no_7",
        ["rare_earths"],
        announced_date="2025-03-10",
        effective_date="2025-04-01",
        announcement_no="7",
    ),  # fmt: skip
    # Suspended before its effective date: it never came into force.
    event_row(
        "test_no_8",
        ["rare_earths"],
        announced_date="2025-05-02",
        effective_date="2025-06-15",
        suspended_date="2025-06-01",
        suspension_end_date="2026-06-01",
        announcement_no="8",
    ),  # fmt: skip
    # Another product group: must not appear on a rare-earth chart.
    event_row(
        "test_antimony",
        ["antimony"],
        announced_date="2025-02-01",
        effective_date="2025-02-01",
        announcement_no="99",
    ),  # fmt: skip
)


def test_world_chart_is_a_png_of_the_stated_size_with_every_event_step_labelled():
    chart = render_world_timeline(WORLD_SERIES, EVENTS, "rare_earths")

    assert chart.png.startswith(PNG_MAGIC)
    image = Image.open(io.BytesIO(chart.png))
    assert image.size == (chart.width_px, chart.height_px)
    assert chart.width_px == 1200 and chart.height_px > 600
    assert len(image.convert("RGB").getcolors(4096)) > 10  # a drawing, not a blank canvas
    assert chart.event_ids == ["test_no_7", "test_no_8"]
    texts = "\n".join(chart.drawn_texts)
    assert "10 Mar 2025: MOFCOM No. 7 announced" in texts
    assert "1 Apr 2025: MOFCOM No. 7 in force" in texts
    assert "1 Jun 2025: MOFCOM No. 8 suspended" in texts
    assert "No. 99" not in texts  # antimony's event
    assert "In force before Jan 2025: MOST technology ban (since 1 Dec 2023)" in texts
    assert "quantity (t per month)" in texts
    assert {"world total", "event announced", "event in force", "event suspended"} <= set(
        chart.drawn_texts
    )


def test_a_measure_suspended_before_its_effective_date_is_never_drawn_in_force():
    markers = event_markers(EVENTS, "rare_earths", dt.date(2025, 1, 1), dt.date(2026, 12, 31))
    steps = {(m.event_id, m.action) for m in markers}
    assert ("test_no_8", "suspended") in steps
    assert ("test_no_8", "suspension ends") in steps
    assert ("test_no_8", "in force") not in steps
    assert ("test_no_7", "in force") in steps


def test_steps_of_one_month_share_one_numbered_tag():
    markers = event_markers(EVENTS, "rare_earths", dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    clusters = cluster_by_month(markers)
    months = [(c[0].day.year, c[0].day.month) for c in clusters]
    assert months == [(2025, 3), (2025, 4), (2025, 5), (2025, 6)]
    assert len(set(months)) == len(months)


def test_combined_release_is_drawn_apart_and_labelled_with_its_months():
    combined = series_frame(
        [
            ("2025-01-01", "rare_earths", "WLD", 9000.0, 2),
            ("2025-03-01", "rare_earths", "WLD", 4800.0),
            ("2025-04-01", "rare_earths", "WLD", 5100.0),
        ]
    )
    chart = render_world_timeline(combined, EVENTS, "rare_earths")
    assert "Jan-Feb" in chart.drawn_texts
    assert "two months in one release" in chart.drawn_texts


def test_partner_chart_shows_the_largest_countries_never_the_world_or_a_group():
    series = series_frame(
        [
            ("2025-01-01", "rare_earth_magnets", "WLD", 5000.0),
            ("2025-01-01", "rare_earth_magnets", "EUU", 900.0),
            ("2025-01-01", "rare_earth_magnets", "USA", 300.0),
            ("2025-02-01", "rare_earth_magnets", "USA", 350.0),
            ("2025-01-01", "rare_earth_magnets", "DEU", 800.0),
            ("2025-01-01", "rare_earth_magnets", "JPN", 100.0),
        ]
    )
    assert top_partners(series, PARTNERS, "rare_earth_magnets", limit=2) == [
        ("DEU", "Germany"),
        ("USA", "United States"),
    ]
    chart = render_partner_timeline(series, EVENTS, PARTNERS, "rare_earth_magnets", limit=2)
    assert chart.png.startswith(PNG_MAGIC)
    assert {"Germany (DEU)", "United States (USA)"} <= set(chart.drawn_texts)
    assert "Japan (JPN)" not in chart.drawn_texts
    assert not any("European Union" in text or "World" in text for text in chart.drawn_texts)


def test_a_group_without_figures_gets_the_documented_message_instead_of_a_picture(tmp_path):
    report = build_report(WORLD_SERIES, EVENTS, PARTNERS, product_groups=["rare_earths", "silver"])
    silver = next(s for s in report.sections if s.product_group == "silver")
    assert [c.png for c in silver.charts] == [None]
    expected = NO_FIGURES_MESSAGE.format(subject="silver (world total)", table=SERIES_TABLE)
    assert silver.charts[0].empty_message == expected
    # Rare earths have world figures but none by partner: that is said too.
    assert any("rare earths by partner country" in m for m in report.empty_messages)

    files = write_report(report, tmp_path, "report.html")
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "rare_earths_policy_timeline.png",
        "report.html",
    ]
    assert expected in files["report"].read_text(encoding="utf-8")


def test_an_empty_mart_gives_a_report_of_messages_not_a_crash(tmp_path):
    empty = WORLD_SERIES.iloc[0:0]
    report = build_report(empty, EVENTS, PARTNERS, product_groups=["rare_earths"])
    assert report.charts == []
    assert report.empty_messages == [
        NO_FIGURES_MESSAGE.format(subject="rare earths (world total)", table=SERIES_TABLE)
    ]
    files = write_report(report, tmp_path, "report.html")
    assert list(files) == ["report"]


@pytest.mark.parametrize(
    ("frame", "column"),
    [("series", "quantity_t"), ("events", "suspended_date"), ("partners", "partner_type")],
)
def test_a_mart_missing_a_column_fails_with_the_table_and_column_named(frame, column):
    inputs = {"series": WORLD_SERIES, "events": EVENTS, "partners": PARTNERS}
    inputs[frame] = inputs[frame].drop(columns=[column])
    with pytest.raises(ChartInputError, match=rf"marts\.\w+ has no column\(s\) {column}"):
        build_report(inputs["series"], inputs["events"], inputs["partners"])


def test_html_report_is_self_contained_and_escapes_names_from_the_data():
    hostile = PARTNERS.copy()
    hostile.loc[hostile["partner_iso3"] == "USA", "partner_name"] = "<script>alert(1)</script>"
    events = EVENTS.copy()
    events.loc[events["event_id"] == "test_no_7", "issuer"] = '<img src="https://example.com/x">'
    events.loc[events["event_id"] == "test_no_8", "announcement_no"] = "<script>alert(1)</script>"
    series = pd.concat(
        [WORLD_SERIES, series_frame([("2025-02-01", "rare_earths", "USA", 80.0)])],
        ignore_index=True,
    )
    report = build_report(series, events, hostile, product_groups=["rare_earths"])
    page = report_html(report)

    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # shown as text, never run
    assert "<script" not in page.lower()
    links = re.findall(r'(?:src|href)\s*=\s*"([^"]*)"', page)
    assert not [link for link in links if re.match(r"\s*(https?:)?//", link)]
    sources = re.findall(r'<img[^>]*\bsrc="([^"]*)"', page)
    assert len(sources) == len(report.charts) == 2
    for source, chart in zip(sources, report.charts, strict=True):
        assert source.startswith("data:image/png;base64,")
        assert base64.b64decode(source.split(",", 1)[1]) == chart.png
    assert all(href.startswith("#") for href in re.findall(r'href="([^"]*)"', page))
    assert not re.search(r"<link|@import|url\(", page)


def test_writing_replaces_charts_the_data_no_longer_support_and_leaves_other_files(tmp_path):
    (tmp_path / "silver_policy_timeline.png").write_bytes(PNG_MAGIC)  # from an earlier run
    (tmp_path / "notes.txt").write_text("an analyst's file")
    (tmp_path / ".report.html.4242.tmp").write_text("<html>half")  # a killed run's leftover
    report = build_report(WORLD_SERIES, EVENTS, PARTNERS, product_groups=["rare_earths"])
    write_report(report, tmp_path, "report.html")
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["notes.txt", "rare_earths_policy_timeline.png", "report.html"]


def test_group_names_from_the_data_cannot_name_a_file_outside_the_folder():
    stem = file_stem("../../etc/Passwd x", charts.WORLD_CHART_SUFFIX)
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
    from orchestration.transform.assets import ree_dbt_models

    key = AssetKey(["reports", "policy_timelines"])
    node = defs.resolve_asset_graph().get(key)
    assert node.group_name == "reports"
    assert {"python", "matplotlib"} <= set(node.kinds)
    assert node.owners == ["team:ree-tracker"]
    assert node.parent_keys == {
        AssetKey(["marts", name])
        for name in (
            "mart_policy_annotated_series",
            "dim_policy_event",
            "dim_partner",
            "dim_product",
        )
    }
    assert node.parent_keys <= set(ree_dbt_models.keys)  # real dbt keys, not strays
    assert key in defs.resolve_job_def("refresh_all").asset_layer.selected_asset_keys
