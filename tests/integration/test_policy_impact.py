"""Issue 17's acceptance figures, read from the published file of a real pipeline run (the
shared `pipeline_run`: embedded default plus the test GACC files), and the interactive report
that run wrote, read as a file."""

from __future__ import annotations

import html.parser
import io
import urllib.parse

import duckdb
import pandas as pd
import pytest

from orchestration import settings

pytestmark = pytest.mark.slow


@pytest.fixture
def published(pipeline_run):
    conn = duckdb.connect(str(pipeline_run.paths.published_db), read_only=True)
    yield conn
    conn.close()


def _impact(conn, event_id, series_id, window_name, window_months, partner="WLD"):
    return conn.execute(
        "select mean_quantity_t, baseline_mean_quantity_t, change_vs_baseline_pct, "
        "months_with_data, baseline_months_with_data, verdict, no_verdict_reason "
        "from marts.mart_policy_impact where event_id = ? and series_id = ? "
        "and partner_iso3 = ? and window_name = ? and window_months = ?",
        [event_id, series_id, partner, window_name, window_months],
    ).fetchone()


def test_flake_graphite_fell_94_percent_in_the_first_month_of_the_december_2023_measure(
    published,
):
    mean, baseline, change, months, baseline_months, verdict, reason = _impact(
        published, "mofcom_gacc_2023_39", "graphite_flake", "after_effect", 1
    )
    # 1,427 t in 2023-12 against 23,502 t in 2023-11 (Fastmarkets).
    assert (mean, baseline) == (pytest.approx(1427), pytest.approx(23502))
    assert change == pytest.approx(-93.9)
    assert (months, baseline_months) == (1, 1)
    assert (verdict, reason) == ("fell", None)


def test_gallium_three_months_before_the_august_2023_licensing_are_too_thin_for_a_verdict(
    published,
):
    *_, baseline_months, verdict, reason = _impact(
        published, "mofcom_gacc_2023_23", "gallium", "after_effect", 3
    )
    assert baseline_months == 1  # only July 2023 of May to July has a figure
    assert verdict is None
    assert reason == (
        "before_effect window (2023-05 to 2023-07) has data for 1 of 3 months; a verdict needs 2"
    )


def test_a_verdict_is_given_only_with_two_thirds_of_both_windows(published):
    wrong = published.execute(
        "select count(*) from marts.mart_policy_impact where verdict is not null and ("
        "months_with_data * 3 < window_months * 2 "
        "or baseline_months_with_data * 3 < window_months * 2)"
    ).fetchone()[0]
    assert wrong == 0


def test_the_first_zero_of_germanium_exports_is_august_2023(published):
    rows = published.execute(
        "select strftime(period_month, '%Y-%m'), compared_quantity_t, measures_in_force "
        "from marts.mart_anomalies where series_id = 'germanium' and partner_iso3 = 'WLD' "
        "and anomaly_kind = 'first_zero' order by period_month"
    ).fetchall()
    assert rows[0] == ("2023-08", pytest.approx(8.63), ["mofcom_gacc_2023_23"])


def test_every_kind_of_anomaly_is_a_failed_warning_check_of_the_run(pipeline_run):
    warned = {
        e.check_name
        for e in pipeline_run.result.get_asset_check_evaluations()
        if e.asset_key.to_user_string() == "marts/mart_anomalies"
        and not e.passed
        and e.severity.value == "WARN"
    }
    assert warned == {
        "anomalies_mom_move",
        "anomalies_yoy_move",
        "anomalies_first_zero",
        "anomalies_return_from_zero",
        "anomalies_record_high",
    }


def test_belgium_stands_beside_the_us_for_germanium_with_its_source(published):
    rows = published.execute(
        "select distinct route_role, partner_iso3, route_source_url "
        "from marts.mart_policy_routes where series_id = 'germanium' and target_iso3 = 'USA' "
        "order by route_role"
    ).fetchall()
    assert rows == [
        (
            "intermediary",
            "BEL",
            "https://mulemstudies.com/chinas-germanium-and-gallium-export-restrictions-"
            "consequences-for-the-united-states",
        ),
        ("target", "USA", None),
    ]


def test_the_event_window_is_100_in_the_month_before_each_event(published):
    bases = published.execute(
        "select distinct index_pct from marts.mart_policy_event_window "
        "where relative_month = -1 and index_pct is not null"
    ).fetchall()
    assert bases == [(100.0,)]
    graphite = published.execute(
        "select index_pct from marts.mart_policy_event_window where event_id = "
        "'mofcom_gacc_2023_39' and series_id = 'graphite_flake' and partner_iso3 = 'WLD' "
        "and relative_month = 0"
    ).fetchone()
    assert graphite == (pytest.approx(6.1),)  # 1,427 / 23,502


class _Loads(html.parser.HTMLParser):
    """What a browser would fetch by itself: src of any tag, href of <link>; links a reader
    may click (<a href>) are not loads. And the CSV downloads, by file name."""

    def __init__(self):
        super().__init__()
        self.loads: list[str] = []
        self.downloads: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if values.get("src"):
            self.loads.append(values["src"])
        if tag == "link" and values.get("href"):
            self.loads.append(values["href"])
        if tag == "a" and values.get("download"):
            self.downloads[values["download"]] = values.get("href") or ""


def test_the_interactive_report_loads_nothing_and_offers_each_charts_data_as_csv(pipeline_run):
    report = pipeline_run.paths.reports / settings.IMPACT_HTML_NAME
    text = report.read_text(encoding="utf-8")
    parser = _Loads()
    parser.feed(text)
    assert [url for url in parser.loads if not url.startswith("data:")] == []
    assert 'id="monthly-850511"' in text and "Plotly.newPlot" in text
    assert {"850511_monthly.csv", "850511_impact.csv", "850511_event_windows.csv"} <= set(
        parser.downloads
    )
    href = parser.downloads["850511_monthly.csv"]
    assert href.startswith("data:text/csv;charset=utf-8,")
    monthly = pd.read_csv(io.StringIO(urllib.parse.unquote(href.split(",", 1)[1])))
    june = monthly[(monthly["period_month"] == "2025-06-01") & (monthly["partner_iso3"] == "WLD")]
    assert june["quantity"].tolist() == [pytest.approx(3188)]
    assert june["source_ref"].str.startswith("http").all()
