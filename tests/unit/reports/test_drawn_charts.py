"""Charts drawn by an earlier run are used again only while their figures, events, texts and
drawing code are all the same (orchestration/reports/drawn_charts.py)."""

import shutil

import pandas as pd

from orchestration.reports.drawn_charts import (
    DRAWING_MODULES,
    FOLDER_NAME,
    REPORTS_CODE,
    DrawnCharts,
    drawing_version,
)
from orchestration.reports.report import build_report
from tests.unit.reports.chart_inputs import RARE_EARTHS, inputs, mart

GROUPS = ["rare_earths", "rare_earth_magnets"]
MAGNETS = mart([("2025-01-01", "magnets", "WLD", 70.0), ("2025-03-01", "magnets", "WLD", 90.0)])


def two_groups(re_total_in_june: float = 4700.0):
    series = pd.concat([RARE_EARTHS, MAGNETS], ignore_index=True)
    june = (series["series_id"] == "re_total") & (series["period_month"] == "2025-06-01")
    series.loc[june, "quantity_t"] = re_total_in_june
    return inputs(series=series)


def same(charts, others) -> bool:
    """Equal field by field; compared as reprs, since a gap in a line is NaN (never == NaN)."""
    return repr(charts) == repr(others)


def test_a_second_build_on_the_same_marts_draws_nothing_and_gives_the_same_charts(tmp_path):
    first_store = DrawnCharts(tmp_path / FOLDER_NAME)
    first = build_report(two_groups(), product_groups=GROUPS, store=first_store)
    assert (first_store.drawn, first_store.reused) == (len(first.charts), 0)
    assert len(first.charts) == 4  # two group charts, two series charts

    second_store = DrawnCharts(tmp_path / FOLDER_NAME)
    second = build_report(two_groups(), product_groups=GROUPS, store=second_store)
    assert (second_store.drawn, second_store.reused) == (0, 4)
    assert same(second.charts, first.charts)  # pictures, drawn lines, texts


def test_a_changed_figure_draws_again_only_the_charts_that_show_it(tmp_path):
    build_report(two_groups(), product_groups=GROUPS, store=DrawnCharts(tmp_path))
    store = DrawnCharts(tmp_path)
    changed = build_report(two_groups(re_total_in_june=4800.0), product_groups=GROUPS, store=store)
    # The rare-earth group chart and the total's own chart show June; the magnets' do not.
    assert (store.drawn, store.reused) == (2, 2)
    fresh = build_report(two_groups(re_total_in_june=4800.0), product_groups=GROUPS)
    assert same(changed.charts, fresh.charts)
    re_total = next(c for c in changed.charts if c.name == "re_total_series_timeline")
    assert re_total.line("World").values[-1] == 4800.0


def test_the_store_keeps_only_the_charts_of_the_latest_build(tmp_path):
    build_report(two_groups(), product_groups=GROUPS, store=DrawnCharts(tmp_path))
    assert len(list(tmp_path.glob("*.pickle"))) == 4
    only_rare_earths = build_report(
        two_groups(), product_groups=["rare_earths"], store=DrawnCharts(tmp_path)
    )
    assert len(list(tmp_path.glob("*.pickle"))) == len(only_rare_earths.charts) == 2
    assert list(tmp_path.glob(".*")) == []


def test_a_stored_chart_that_cannot_be_read_back_is_drawn_again(tmp_path):
    first = build_report(two_groups(), product_groups=GROUPS, store=DrawnCharts(tmp_path))
    stored = sorted(tmp_path.glob("*.pickle"))
    stored[0].write_bytes(stored[0].read_bytes()[:100])  # cut short, as by a full disk
    stored[1].write_bytes(b"not a chart")
    store = DrawnCharts(tmp_path)
    again = build_report(two_groups(), product_groups=GROUPS, store=store)
    assert (store.drawn, store.reused) == (2, 2)
    assert same(again.charts, first.charts)


def test_another_drawing_code_or_version_draws_every_chart_again(tmp_path):
    code = tmp_path / "code"
    code.mkdir()
    for module in DRAWING_MODULES:
        shutil.copy(REPORTS_CODE / module, code / module)
    assert drawing_version(code) == drawing_version()
    with (code / "drawing.py").open("a") as module:
        module.write("\n# a changed line\n")
    drawing_version.cache_clear()  # computed once per process: forget the folder's old hash
    assert drawing_version(code) != drawing_version()

    folder = tmp_path / "store"
    build_report(two_groups(), product_groups=GROUPS, store=DrawnCharts(folder))
    store = DrawnCharts(folder, version=drawing_version(code))
    build_report(two_groups(), product_groups=GROUPS, store=store)
    assert (store.drawn, store.reused) == (4, 0)


def test_the_same_figures_in_another_row_order_give_the_same_charts(tmp_path):
    # Cumulative figures sharing their first month, as the mart returns them in no set order.
    rows = [
        ("re_total", "WLD", "2025-01-01", "2025-06-01", 22000.0, "ytd"),
        ("re_total", "WLD", "2025-01-01", "2025-09-01", 39000.0, "ytd"),
        ("re_total", "USA", "2025-01-01", "2025-06-01", 900.0, "ytd"),
        ("re_total", "USA", "2025-01-01", "2025-09-01", 1500.0, "ytd"),
    ]
    in_order = build_report(inputs(figure_rows=rows), product_groups=["rare_earths"])
    store = DrawnCharts(tmp_path)
    build_report(inputs(figure_rows=rows), product_groups=["rare_earths"], store=store)
    reversed_store = DrawnCharts(tmp_path)
    reversed_order = build_report(
        inputs(figure_rows=rows[::-1]), product_groups=["rare_earths"], store=reversed_store
    )
    assert (reversed_store.drawn, reversed_store.reused) == (0, len(in_order.charts))
    assert same(reversed_order.charts, in_order.charts)
    total = next(c for c in in_order.charts if c.name == "re_total_series_timeline")
    assert sorted((p.partner_iso3, p.last_month.month) for p in total.periods) == [
        ("USA", 6), ("USA", 9), ("WLD", 6), ("WLD", 9),
    ]  # fmt: skip
