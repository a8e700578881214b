"""The policy charts drawn from small mart-shaped frames: real matplotlib rendering, real PNG
and HTML files in temp folders. Every figure and event here was invented for the tests (the
real series are charted in tests/integration/test_charts.py)."""

import base64
import dataclasses
import datetime as dt
import io
import math
import os
import re
import subprocess
import sys

import pandas as pd
import pytest
from PIL import Image

from orchestration import settings
from orchestration.reports.data import (
    ChartInputs,
    group_chart,
    group_series,
    series_chart,
    top_partners,
)
from orchestration.reports.drawing import render
from orchestration.reports.events import cluster_by_month, event_markers
from orchestration.reports.model import (
    FIGURE_TABLES,
    GROUP_CHART_SUFFIX,
    NO_FIGURES_MESSAGE,
    ChartInputError,
    PeriodSpec,
    file_stem,
)
from orchestration.reports.page import report_html, write_report
from orchestration.reports.period_bars import place_periods
from orchestration.reports.report import build_report

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JAN, FEB, MAR, APR = (dt.date(2025, month, 1) for month in (1, 2, 3, 4))

# dim_series: id -> (name, product group, chart unit, part of, caveat).
SERIES = {
    "re_total": ("Rare earths (test total)", "rare_earths", "t", None, "Make-up unknown"),
    "dysprosium": ("Dysprosium products", "rare_earths", "kg", "re_total", None),
    "gallium": ("Gallium", "gallium_germanium", "kg", None, "Not HS 811292"),
    "germanium": ("Germanium", "gallium_germanium", "kg", None, None),
    "magnets": ("Magnets", "rare_earth_magnets", "t", None, None),
    "tungsten_apt": ("Ammonium paratungstate", "tungsten", "t", None, None),
}


def series_info() -> pd.DataFrame:
    rows = [
        {
            "series_id": sid,
            "series_name": name,
            "product_group": group,
            "flow": "export",
            "series_kind": "customs",
            "chart_unit": unit,
            "part_of_series_id": part_of,
            "caveat": caveat,
        }
        for sid, (name, group, unit, part_of, caveat) in SERIES.items()
    ]
    # A press aggregate of the same group: never charted as a customs series.
    rows.append({**rows[2], "series_id": "ga_ge_press", "series_kind": "press_aggregate"})
    return pd.DataFrame.from_records(rows)


def mart(rows: list[tuple]) -> pd.DataFrame:
    """(month, series, partner, tonnes[, months_covered[, measures_in_force[, regime]]])."""
    records = []
    for month, sid, partner, tonnes, *rest in rows:
        records.append(
            {
                "period_month": pd.Timestamp(month),
                "product_group": SERIES[sid][1],
                "series_id": sid,
                "partner_iso3": partner,
                "quantity_t": tonnes,
                "months_covered": rest[0] if len(rest) > 0 else 1,
                "product_codes": "test_code" if tonnes is not None else None,
                "measures_in_force": rest[1] if len(rest) > 1 else [],
                "policy_regime": rest[2] if len(rest) > 2 else "no_controls",
            }
        )
    return pd.DataFrame.from_records(records, columns=MART_COLUMNS)


MART_COLUMNS = (
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


def figures(rows: list[tuple] = ()) -> pd.DataFrame:
    """(series, partner, first month, last month, tonnes[, period_kind[, is_selected]])."""
    records = []
    for sid, partner, first, last, tonnes, *rest in rows:
        first, last = pd.Timestamp(first), pd.Timestamp(last)
        records.append(
            {
                "series_id": sid,
                "product_group": SERIES[sid][1],
                "flow": "export",
                "series_kind": "customs",
                "partner_iso3": partner,
                "period_start_month": first,
                "period_end_month": last,
                "months_covered": (last.year - first.year) * 12 + last.month - first.month + 1,
                "period_kind": rest[0] if rest else "year",
                "quantity_t": tonnes,
                "is_selected": rest[1] if len(rest) > 1 else True,
            }
        )
    return pd.DataFrame.from_records(records, columns=FIGURE_COLUMNS)


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


def event_row(event_id: str, groups: list[str], **dates_and_fields) -> dict:
    row = {
        "event_id": event_id,
        "announced_date": None,
        "effective_date": None,
        "suspended_date": None,
        "suspension_end_date": None,
        "lifted_date": None,
        "status_unknown_from": None,
        "issuer": "MOFCOM",
        "announcement_no": None,
        "event_type": "export_control",
        "is_measure": True,
        "product_groups": groups,
        "targets": ["ALL"],
        "is_verified": True,
    }
    row.update(dates_and_fields)
    for column in (
        "announced_date",
        "effective_date",
        "suspended_date",
        "suspension_end_date",
        "lifted_date",
        "status_unknown_from",
    ):
        row[column] = pd.Timestamp(row[column]) if row[column] else pd.NaT
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

# Six months of an invented rare-earth total, with a gap in March.
RARE_EARTHS = mart(
    [
        ("2025-01-01", "re_total", "WLD", 5000.0, 1, ["old_ban"], "regulated"),
        ("2025-02-01", "re_total", "WLD", 5200.0, 1, ["old_ban"], "regulated"),
        ("2025-03-01", "re_total", "WLD", None, 1, ["old_ban"], "regulated"),
        ("2025-04-01", "re_total", "WLD", 4100.0, 1, ["old_ban", "test_no_7"], "regulated"),
        ("2025-05-01", "re_total", "WLD", 4300.0, 1, ["old_ban", "test_no_7"], "regulated"),
        ("2025-06-01", "re_total", "WLD", 4700.0, 1, ["old_ban", "test_no_7"], "regulated"),
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
# A listing of Japanese entities: no product group (so every group), aimed at Japan only.
JAPAN_LISTING = event_row(
    "test_listing_jpn",
    [],
    announced_date="2025-02-10",
    effective_date="2025-02-10",
    announcement_no="3",
    event_type="entity_listing",
    targets=["JPN"],
)


def inputs(series=RARE_EARTHS, events=EVENTS, figure_rows=(), partners=PARTNERS) -> ChartInputs:
    return ChartInputs(series, figures(figure_rows), series_info(), events, partners)


def info(series_id: str):
    """The series as the charts know it (dim_series read by the chart code)."""
    group = SERIES[series_id][1]
    (found,) = [s for s in group_series(inputs(), group) if s.series_id == series_id]
    return found


def test_group_chart_is_a_png_of_the_stated_size_with_every_event_step_labelled():
    chart = render(group_chart(inputs(), "rare_earths"))

    assert chart.png.startswith(PNG_MAGIC)
    image = Image.open(io.BytesIO(chart.png))
    assert image.size == (chart.width_px, chart.height_px)
    assert chart.width_px == 1200 and chart.height_px > 600
    assert len(image.convert("RGB").getcolors(4096)) > 10  # a drawing, not a blank canvas
    assert chart.name == "rare_earths_policy_timeline"
    assert chart.event_ids == ["test_no_7", "test_no_8"]
    texts = "\n".join(chart.drawn_texts)
    assert "10 Mar 2025: MOFCOM No. 7 announced" in texts
    assert "1 Apr 2025: MOFCOM No. 7 in force" in texts
    assert "1 Jun 2025: MOFCOM No. 8 suspended" in texts
    assert "No. 99" not in texts  # antimony's event
    assert "In force before Jan 2025: MOST technology ban (since 1 Dec 2023)" in texts
    assert "quantity (t per month)" in texts
    assert {"event announced", "event in force", "event suspended"} <= set(chart.drawn_texts)
    assert [line.label for line in chart.lines] == ["Rare earths (test total), t"]
    assert chart.points == 5


def test_gallium_and_germanium_are_two_lines_of_their_group_chart_never_added():
    series = mart(
        [
            ("2025-01-01", "gallium", "WLD", 0.004),
            ("2025-02-01", "gallium", "WLD", 0.006),
            ("2025-01-01", "germanium", "WLD", 0.010),
            ("2025-02-01", "germanium", "WLD", 0.020),
        ]
    )
    chart = render(group_chart(inputs(series), "gallium_germanium"))

    assert chart.unit == "kg"  # both are kg series
    assert [line.series_id for line in chart.lines] == ["gallium", "germanium"]
    gallium, germanium = chart.lines
    assert gallium.values == pytest.approx((4.0, 6.0))  # kg, as drawn
    assert germanium.values == pytest.approx((10.0, 20.0))
    every_value = [value for line in chart.lines for value in line.values]
    assert 14.0 not in every_value and 26.0 not in every_value  # no sum drawn anywhere
    assert "quantity (kg per month)" in chart.drawn_texts
    # The press aggregate of the group is no customs series: not a line.
    assert "ga_ge_press" not in {line.series_id for line in chart.lines}


def test_a_kg_series_is_drawn_in_kg_alone_and_in_t_beside_a_t_series():
    series = pd.concat(
        [
            RARE_EARTHS,
            mart(
                [("2025-01-01", "dysprosium", "WLD", 0.5), ("2025-02-01", "dysprosium", "WLD", 2)]
            ),
        ],
        ignore_index=True,
    )
    group = render(group_chart(inputs(series), "rare_earths"))
    assert group.unit == "t"
    dysprosium = group.line("Dysprosium products, t (reported in kg)")
    assert dysprosium.unit == "t" and dysprosium.values == pytest.approx((0.5, 2.0))
    assert group.line("Rare earths (test total), t").value_at(JAN) == 5000.0

    own = render(series_chart(inputs(series), info("dysprosium")))
    assert own.unit == "kg" and own.name == "dysprosium_series_timeline"
    assert own.line("World").values == pytest.approx((500.0, 2000.0))
    assert "quantity (kg per month)" in own.drawn_texts


def test_a_reported_zero_is_a_point_at_zero_and_a_missing_month_a_gap():
    series = mart(
        [
            ("2025-01-01", "magnets", "WLD", 120.0),
            ("2025-02-01", "magnets", "WLD", 0.0),  # reported: nothing left the country
            ("2025-03-01", "magnets", "WLD", None),  # nobody reported March
            ("2025-04-01", "magnets", "WLD", 90.0),
        ]
    )
    chart = render(group_chart(inputs(series), "rare_earth_magnets"))
    (line,) = chart.lines

    assert line.months == (JAN, FEB, MAR, APR)
    assert line.values[:2] == (120.0, 0.0)
    assert math.isnan(line.values[2]) and line.values[3] == 90.0
    assert line.has_zero and line.missing_months == (MAR,)
    assert line.points == 3  # the zero counts, the gap does not
    assert "reported zero (ringed, on the axis)" in chart.drawn_texts


def test_a_group_with_only_longer_period_figures_still_gets_its_chart():
    longer = [
        ("tungsten_apt", "WLD", "2024-01-01", "2024-12-01", 782.0),
        ("tungsten_apt", "WLD", "2025-01-01", "2025-11-01", 243.0, "year_to_date"),
        ("tungsten_apt", "JPN", "2025-01-01", "2025-11-01", 138.0, "year_to_date"),
        # Not selected (another source's vintage): never drawn.
        ("tungsten_apt", "WLD", "2023-01-01", "2023-12-01", 999.0, "year", False),
    ]
    chart = render(group_chart(inputs(mart([]), figure_rows=longer), "tungsten"))

    assert chart.png is not None and chart.lines == []
    assert [(p.partner_iso3, p.total) for p in chart.periods] == [
        ("WLD", 782.0),
        ("WLD", 243.0),
        ("JPN", 138.0),
    ]
    assert chart.points == 3
    assert {"2024: 782 t", "Jan-Nov 2025: 243 t", "Jan-Nov 2025: 138 t"} <= set(chart.drawn_texts)
    assert "999" not in "\n".join(chart.drawn_texts)


def test_a_combined_january_february_release_is_a_point_of_its_own_not_a_period_bar():
    series = mart(
        [
            ("2025-01-01", "re_total", "WLD", 9000.0, 2),
            ("2025-03-01", "re_total", "WLD", 4800.0),
            ("2025-04-01", "re_total", "WLD", 5100.0),
        ]
    )
    # The same release as fct_reported_figures holds it: drawn once, as the point.
    longer = [("re_total", "WLD", "2025-01-01", "2025-02-01", 9000.0, "combined_jan_feb")]
    chart = render(group_chart(inputs(series, figure_rows=longer), "rare_earths"))
    (line,) = chart.lines
    assert line.combined == ((JAN, 2, 9000.0),) and math.isnan(line.value_at(JAN))
    assert chart.periods == []
    assert {"Jan-Feb", "two months in one release"} <= set(chart.drawn_texts)


def test_an_entity_listing_shows_where_the_world_or_its_target_is_drawn_only():
    events = events_frame(*EVENTS.to_dict("records"), JAPAN_LISTING)
    to_japan = mart([("2025-01-01", "magnets", "JPN", 10.0), ("2025-03-01", "magnets", "JPN", 8)])
    to_germany = mart([("2025-01-01", "magnets", "DEU", 7.0), ("2025-03-01", "magnets", "DEU", 9)])
    world = mart([("2025-01-01", "magnets", "WLD", 70.0), ("2025-03-01", "magnets", "WLD", 90)])
    magnets = info("magnets")

    japan_chart = render(series_chart(inputs(to_japan, events), magnets))
    assert japan_chart.line("Japan (JPN)").points == 2
    assert "test_listing_jpn" in japan_chart.event_ids
    assert "[1] 10 Feb 2025: MOFCOM No. 3 [JPN] announced, in force" in japan_chart.key_lines

    germany_chart = render(series_chart(inputs(to_germany, events), magnets))
    assert [line.partner_iso3 for line in germany_chart.lines] == ["DEU"]
    assert "test_listing_jpn" not in germany_chart.event_ids
    assert not any("[JPN]" in text for text in germany_chart.drawn_texts)

    # No product group named: it applies to every group's world chart.
    assert (
        "test_listing_jpn"
        in render(group_chart(inputs(world, events), "rare_earth_magnets")).event_ids
    )


def test_a_status_unknown_from_date_in_the_range_gets_its_own_marker():
    lapsed = event_row(
        "test_lapsed",
        ["rare_earths"],
        announced_date="2024-10-01",
        effective_date="2024-10-01",
        suspended_date="2024-11-01",
        suspension_end_date="2025-05-10",
        status_unknown_from="2025-05-10",
        announcement_no="9",
    )
    chart = render(group_chart(inputs(events=events_frame(lapsed)), "rare_earths"))
    assert "10 May 2025: MOFCOM No. 9 suspension ends, status unknown from" in "\n".join(
        chart.key_lines
    )
    assert "event status unknown from" in chart.drawn_texts  # its own legend style

    later = {**lapsed, "status_unknown_from": pd.Timestamp("2026-01-01")}  # after the chart
    steps = event_markers(events_frame(later), "rare_earths", JAN, dt.date(2025, 6, 30))
    assert "status unknown from" not in {marker.action for marker in steps}


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


def test_overlapping_periods_of_one_lane_get_rows_of_their_own():
    def period(first, last):
        return PeriodSpec("lane", "s", "WLD", "#1f4e79", first, last, 100.0)

    placed, lanes = place_periods(
        [
            period(dt.date(2024, 1, 1), dt.date(2024, 12, 1)),  # the year
            period(dt.date(2025, 1, 1), dt.date(2025, 12, 1)),  # the next: same row
            period(dt.date(2025, 1, 1), dt.date(2025, 6, 1)),  # inside 2025: a row below
        ],
        "t",
        dt.date(2024, 1, 1),
        dt.date(2025, 12, 31),
    )
    assert [item.row for item in placed] == [0, 0, 1]
    assert lanes == [("lane", 0, 2, "#1f4e79")]


def test_series_chart_shows_the_largest_countries_and_a_partner_group_only_if_alone():
    series = mart(
        [
            ("2025-01-01", "magnets", "WLD", 5000.0),
            ("2025-01-01", "magnets", "EUU", 900.0),
            ("2025-01-01", "magnets", "USA", 300.0),
            ("2025-02-01", "magnets", "USA", 350.0),
            ("2025-01-01", "magnets", "DEU", 800.0),
            ("2025-01-01", "magnets", "JPN", 100.0),
        ]
    )
    assert top_partners(series, PARTNERS, "magnets", limit=2) == [
        ("DEU", "Germany"),
        ("USA", "United States"),
    ]
    chart = render(series_chart(inputs(series), info("magnets")))
    assert [line.label for line in chart.lines] == [
        "World",
        "Germany (DEU)",
        "United States (USA)",
        "Japan (JPN)",
    ]
    assert not any("European Union" in text for text in chart.drawn_texts)

    # Unless only the EU reported: then its line, rather than a chart said to have no figures.
    only_eu = mart([("2025-01-01", "magnets", "EUU", 900.0), ("2025-02-01", "magnets", "EUU", 0)])
    chart = render(series_chart(inputs(only_eu), info("magnets")))
    assert [line.label for line in chart.lines] == ["European Union (EUU)"]


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
