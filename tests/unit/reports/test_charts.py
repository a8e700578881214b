"""The policy charts drawn from small mart-shaped frames: real matplotlib rendering, real PNG
and HTML files in temp folders. Every figure and event here was invented for the tests (the
real series are charted in tests/integration/test_charts.py)."""

import datetime as dt
import io
import math

import pandas as pd
import pytest
from PIL import Image

from orchestration.reports.data import (
    group_chart,
    series_chart,
    top_partners,
)
from orchestration.reports.drawing import render
from orchestration.reports.events import cluster_by_month, event_markers
from orchestration.reports.model import (
    PeriodSpec,
)
from orchestration.reports.period_bars import place_periods
from tests.unit.reports.chart_inputs import (
    APR,
    EVENTS,
    FEB,
    JAN,
    JAPAN_LISTING,
    MAR,
    PARTNERS,
    PNG_MAGIC,
    RARE_EARTHS,
    event_row,
    events_frame,
    info,
    inputs,
    mart,
)


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
