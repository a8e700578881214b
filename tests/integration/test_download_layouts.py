"""Issue 16 acceptance, through one real pipeline run: GACC exports in every download layout and
encoding, a two-line English monthly table and Comtrade annual records reach the models with
the right month, partner, unit and period length; what cannot be placed is quarantined or
listed by a warning test, and every raw file is left as it was.

Test data only (tests/fixtures/gacc_variants.py, gacc_preliminary.py): invented numbers.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import duckdb
import pytest

from tests.conftest import copy_embedded_default, point_settings_at
from tests.fixtures.comtrade.replay_server import EXPORTS_JUNE, records_of
from tests.fixtures.gacc_preliminary import two_line_table_html
from tests.fixtures.gacc_variants import (
    BROKEN_TWINS,
    CLEAN_VARIANTS,
    ENCODINGS,
    GUINEA_NAMES,
    NO_PERIOD_MONTH_FOLDER,
    UNKNOWN_PARTNER_CODE,
    UNKNOWN_UNIT,
    encoded_name,
    write_variant,
)
from tests.integration.conftest import run_refresh_all

pytestmark = pytest.mark.slow


def _annual_records() -> list[dict]:
    """China's 2024 magnet exports to the world and to the USA as annual records (invented
    weights): a year Comtrade publishes as freqCode A, period 2024, refMonth 52."""
    world, usa = records_of(EXPORTS_JUNE)[:2]
    return [
        {
            **record,
            "freqCode": "A",
            "period": "2024",
            "refYear": 2024,
            "refMonth": 52,
            "refPeriodId": 20240101,
            "netWgt": weight,
        }  # fmt: skip
        for record, weight in ((world, 41_000_000.0), (usa, 4_100_000.0))
    ]


def _stage(landing) -> None:
    copy_embedded_default(landing)
    for variant in CLEAN_VARIANTS:
        for encoding in ENCODINGS:
            write_variant(landing, variant, encoding)
    for variant in (GUINEA_NAMES, UNKNOWN_PARTNER_CODE, UNKNOWN_UNIT):
        write_variant(landing, variant)
    for twin in BROKEN_TWINS:
        (landing / twin.name).parent.mkdir(parents=True, exist_ok=True)
        (landing / twin.name).write_bytes(twin.content)
    (landing / "gacc" / "monthly_table_2025_06.html").write_text(two_line_table_html())
    (landing / "comtrade").mkdir(exist_ok=True)  # the embedded default has one
    (landing / "comtrade" / "annual_2024.json").write_text(
        json.dumps({"count": 2, "data": _annual_records()})
    )


def _digests(landing) -> dict[str, str]:
    return {
        str(path): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(landing.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = tmp_path_factory.mktemp("layouts")
    with pytest.MonkeyPatch.context() as monkeypatch:
        paths = point_settings_at(monkeypatch, root)
        _stage(paths.landing)
        before = _digests(paths.landing)
        result = run_refresh_all()
        conn = duckdb.connect(str(paths.warehouse), read_only=True)
        yield result, conn, before, _digests(paths.landing)
        conn.close()


def test_the_run_succeeds_and_leaves_every_raw_file_as_it_was(run):
    result, _, before, after = run
    assert result.success
    assert after == before


def test_each_layout_and_encoding_lands_under_its_own_month(run):
    _, conn, _, _ = run
    landed = dict(
        conn.execute(
            "select _source_file, min(period_month) from raw.gacc_query_exports "
            "group by _source_file having min(period_month) = max(period_month)"
        ).fetchall()
    )
    for variant in CLEAN_VARIANTS:
        for encoding in ENCODINGS:
            assert landed[encoded_name(variant, encoding)] == variant.month


def test_partners_come_from_gacc_codes_and_from_exact_names(run):
    _, conn, _, _ = run
    found = dict(
        conn.execute(
            "select distinct coalesce(gacc_partner_code, '') || ' ' || partner_name_zh, "
            "partner_iso3 || ' ' || partner_iso3_from "
            "from intermediate.int_gacc_exports_partnered"
        ).fetchall()
    )
    assert found["141 越南"] == "VNM gacc_partner_code"
    assert found["136 泰国"] == "THA gacc_partner_code"
    assert found["112 印度尼西亚"] == "IDN gacc_partner_code"
    assert found["122 马来西亚"] == "MYS gacc_partner_code"
    # Guinea, Guinea-Bissau and Papua New Guinea: three partners, none taken for another.
    assert found[" 几内亚"] == "GIN partner_name_zh"
    assert found[" 几内亚比绍"] == "GNB partner_name_zh"
    assert found[" 巴布亚新几内亚"] == "PNG partner_name_zh"
    assert found["999 火星"] is None  # no code row, no name row: kept, unplaced


def test_an_unknown_partner_code_lands_and_a_warning_test_lists_it(run):
    result, conn, _, _ = run
    assert conn.execute(
        "select gacc_partner_code, partner_names_zh, line_count "
        "from intermediate.int_unknown_partner_codes"
    ).fetchall() == [("999", "火星", 1)]
    [check] = [
        e
        for e in result.get_asset_check_evaluations()
        if e.check_name.startswith("has_no_rows_int_unknown_partner_codes")
    ]
    assert not check.passed and check.severity.value == "WARN"


def test_quantities_reach_staging_in_tonnes_with_10000t_as_a_scale(run):
    _, conn, _, _ = run
    query = dict(
        conn.execute(
            "select unit_1, quantity_t from staging.stg_gacc__query_exports where source_file = ? ",
            [encoded_name(NO_PERIOD_MONTH_FOLDER, "gbk")],
        ).fetchall()
    )
    assert query == {"10000T": pytest.approx(1200.0), "千克": pytest.approx(45.0)}
    table = dict(
        conn.execute(
            "select commodity_name_as_printed, month_quantity_t "
            "from staging.stg_gacc__preliminary_table where source_file like '%monthly_table%'"
        ).fetchall()
    )
    assert table == {
        "Rare earths": pytest.approx(7742.2),
        "Steel products": pytest.approx(9_678_000.0),  # 967.8 x 10,000 t
        "Antimony oxides": pytest.approx(1250.0),  # kilograms
        "Machinery and electronic products": None,  # "-": no quantity
    }


def test_what_cannot_be_placed_is_quarantined_with_its_reason(run):
    _, conn, _, _ = run
    files = dict(
        conn.execute("select source_file, reason from quarantine.rejected_files").fetchall()
    )
    for twin in BROKEN_TWINS:
        assert twin.reason in files[twin.name] and "no 数据年月 column" in files[twin.name]
    rows = conn.execute(
        "select source_file, row_number, field from quarantine.rejected_rows "
        "where source_file like 'gacc/%'"
    ).fetchall()
    assert rows == [(encoded_name(UNKNOWN_UNIT, "gbk"), 4, "第一法定计量单位")]


def test_comtrade_years_reach_the_marts_as_12_month_periods_never_as_a_month(run):
    _, conn, _, _ = run
    assert conn.execute(
        "select months_covered, count(*) from staging.stg_comtrade__records "
        "where source_file = 'comtrade/annual_2024.json' group by 1"
    ).fetchall() == [(12, 2)]
    years = conn.execute(
        "select partner_iso3, period_end_month, quantity_t, source from marts.mart_known_series "
        "where series_code = '850511' and period_start_month = '2024-01-01' "
        "and period_end_month > period_start_month order by 1"
    ).fetchall()
    assert years == [
        ("USA", dt.date(2024, 12, 1), pytest.approx(4100.0), "comtrade"),
        # the published 2024 world total (58,152 t) takes precedence over Comtrade's
        ("WLD", dt.date(2024, 12, 1), pytest.approx(58152.0), "published_figures"),
    ]
    assert conn.execute(
        "select count(*) from marts.fct_monthly_exports where source_ref like '%annual_2024%'"
    ).fetchone() == (0,)
    assert conn.execute(
        "select count(*) from marts.mart_mirror_gap where period_month = '2024-01-01'"
    ).fetchone() == (0,)
