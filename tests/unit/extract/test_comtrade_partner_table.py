"""The reader of China's exports by partner as a third-party table (layout of
qennis/ChinaCriticalMineralComtrade's deep_dive_hs6_monthly.csv): on fixture files written
for these tests (invented numbers) and on the real table embedded in data/landing/comtrade/."""

from __future__ import annotations

import datetime as dt
import shutil

import duckdb
import pytest

from orchestration.extract.comtrade import COMTRADE_KINDS, RAW_COLUMNS
from orchestration.extract.comtrade_partner_table import (
    COMTRADE_PARTNER_TABLE,
    KNOWN_RELEASES,
    NO_WEIGHT,
    ORIGIN,
    read,
    recognizes,
)
from orchestration.extract.contract import UnreadableFile
from orchestration.extract.files import read_head
from orchestration.extract.registry import ALL_KINDS
from orchestration.landing.store import identify, land_kinds
from tests.conftest import EMBEDDED_LANDING
from tests.fixtures.comtrade.replay_server import EXPORTS_CSV, EXPORTS_JUNE, FIXTURES

CLEAN = FIXTURES / "test_data_partner_table_clean.csv"
BROKEN = FIXTURES / "test_data_partner_table_broken.csv"
EMBEDDED = EMBEDDED_LANDING / "comtrade" / "qennis_deep_dive_hs6_monthly_2017-2024.csv"
EMBEDDED_URL = (
    "https://github.com/qennis/ChinaCriticalMineralComtrade/blob/"
    "b722e75272c9d44837b3cd304d1a336f50624773/data_output/tables/deep_dive_hs6_monthly.csv"
)
COMTRADE_FILE_KINDS = (*COMTRADE_KINDS, COMTRADE_PARTNER_TABLE)


def _by_partner(parsed) -> dict[str, dict]:
    return {row["partner_desc"]: row for row in parsed.rows}


def test_the_table_is_recognized_by_its_header_whatever_its_name(tmp_path):
    renamed = tmp_path / "export.txt"
    shutil.copy(CLEAN, renamed)
    others = [kind for kind in ALL_KINDS if kind is not COMTRADE_PARTNER_TABLE]
    for path in (CLEAN, BROKEN, EMBEDDED, renamed):
        head = read_head(path)
        assert identify(head, ALL_KINDS) is COMTRADE_PARTNER_TABLE, path.name
        assert [kind.name for kind in others if kind.recognizes(head)] == [], path.name
    assert not recognizes(read_head(EXPORTS_CSV)) and not recognizes(read_head(EXPORTS_JUNE))


def test_a_header_with_a_column_renamed_is_not_this_table(tmp_path):
    renamed = tmp_path / "renamed.csv"
    renamed.write_text(CLEAN.read_text().replace("partner_name", "partner", 1))
    assert not recognizes(read_head(renamed))
    with pytest.raises(UnreadableFile, match="header is not"):
        read(renamed)


def test_every_line_of_the_clean_table_lands_as_china_s_exports_in_kg_and_usd():
    parsed = read(CLEAN)
    assert parsed.rejects == []
    assert [row["_row_number"] for row in parsed.rows] == [2, 3, 4, 5, 6, 7, 8]
    usa = _by_partner(parsed)["USA"]
    assert {column: usa[column] for column in _SHOWN} == {
        "period_month": dt.date(2023, 11, 1),
        "freq_code": "M",
        "reporter_code": 156,
        "reporter_iso": "CHN",
        "flow_code": "X",
        "partner_code": None,  # the table names partners, it has no Comtrade codes
        "partner_iso": "USA",
        "cmd_code": "380110",
        "net_wgt_kg": 500000.0,
        "primary_value_usd": 1500000.0,
        "weight_note": None,
    }
    # Invented numbers: not the published release, and the reference says so.
    assert usa["source_ref"] == (
        "https://github.com/qennis/ChinaCriticalMineralComtrade deep_dive_hs6_monthly.csv "
        f"layout (release not identified); {ORIGIN}"
    )


_SHOWN = (
    "period_month",
    "freq_code",
    "reporter_code",
    "reporter_iso",
    "flow_code",
    "partner_code",
    "partner_iso",
    "cmd_code",
    "net_wgt_kg",
    "primary_value_usd",
    "weight_note",
)


def test_rows_have_the_raw_table_s_columns_and_the_derived_unit_value_is_not_loaded():
    parsed = read(CLEAN)
    assert all(set(row) - {"_row_number"} == set(RAW_COLUMNS) for row in parsed.rows)
    usa = _by_partner(parsed)["USA"]
    assert 3.0 not in usa.values()  # its uv, val / qty: the fact derives its own


def test_english_partner_names_become_iso3_codes():
    partners = {name: row["partner_iso"] for name, row in _by_partner(read(CLEAN)).items()}
    assert partners == {
        "USA": "USA",
        "South Korea": "KOR",
        "Hong Kong": "HKG",
        "UAE": "ARE",
        "Taiwan": "TWN",
        "Russia": "RUS",
        "Turkey": "TUR",
    }


def test_a_zero_weight_with_a_positive_value_lands_as_no_weight_reported_not_zero():
    hong_kong = _by_partner(read(CLEAN))["Hong Kong"]
    assert hong_kong["net_wgt_kg"] is None
    assert hong_kong["weight_note"] == NO_WEIGHT == "no weight reported"
    assert hong_kong["primary_value_usd"] == 50000.0


def test_bad_lines_of_the_broken_twin_are_quarantined_with_row_field_and_reason():
    parsed = read(BROKEN)
    rejects = [(r.row_number, r.field, r.reason) for r in parsed.rejects]
    assert rejects == [
        (3, "qty", "'1O00000.0' is not a number"),
        (5, "period_dt", "'2023-13' has month 13, outside 01-12"),
        (7, "hs6", "'25041' is not an HS6 code (6 digits)"),
    ]
    assert parsed.rejects[0].raw_text == "2023-11-01,South Korea,250410,800000.0,1O00000.0,0.8"
    assert [row["_row_number"] for row in parsed.rows] == [2, 4, 6, 8]


def test_an_unknown_partner_name_lands_with_no_iso_code_and_is_never_guessed():
    atlantis = _by_partner(read(BROKEN))["Atlantis"]
    assert atlantis["partner_iso"] is None
    assert atlantis["partner_desc"] == "Atlantis"
    assert atlantis["net_wgt_kg"] == 1000.0


def test_a_day_other_than_the_first_a_repeated_line_and_a_short_line_are_quarantined(tmp_path):
    path = tmp_path / "table.csv"
    lines = CLEAN.read_text().splitlines()
    path.write_text(
        "\n".join(
            [
                *lines[:3],
                lines[1],  # line 4: the USA line again, which would be added to line 2
                "2023-11-15,Japan,380110,10.0,5.0,2.0",  # line 5: not a month's first day
                "2023-11-01,Japan,380110,10.0",  # line 6: two fields short
                "",  # a blank line is not a record
            ]
        )
        + "\n"
    )
    parsed = read(path)
    assert [(r.row_number, r.field) for r in parsed.rejects] == [
        (4, "*"),
        (5, "period_dt"),
        (6, "*"),
    ]
    assert "repeats the month, partner and hs6 of row 2" in parsed.rejects[0].reason
    assert len(parsed.rows) == 2


def test_the_embedded_table_reads_every_line_of_its_three_codes_and_names_its_release():
    parsed = read(EMBEDDED)
    lines = EMBEDDED.read_text(encoding="utf-8").splitlines()
    assert len(lines) - 1 == 6442 == len(parsed.rows) + len(parsed.rejects)
    assert {row["cmd_code"] for row in parsed.rows} == {"250410", "380110", "811292"}
    assert {row["source_ref"] for row in parsed.rows} == {f"{EMBEDDED_URL}; {ORIGIN}"}
    assert list(KNOWN_RELEASES.values()) == [EMBEDDED_URL]
    # Every one of its 39 partner names is placed.
    assert len({row["partner_desc"] for row in parsed.rows}) == 39
    assert [row["partner_desc"] for row in parsed.rows if row["partner_iso"] is None] == []
    # 145 rows of 811292 in 2017 and 250410 to Mexico in June 2022 have no weight.
    assert sum(row["weight_note"] == NO_WEIGHT for row in parsed.rows) == 146
    # Parcels whose unit value is outside the group's plausible range, as for GACC lines.
    assert len(parsed.rejects) == 10
    assert {r.field for r in parsed.rejects} == {"qty"}
    assert all("outside the plausible range" in r.reason for r in parsed.rejects)


def test_the_embedded_table_lands_in_raw_comtrade_records_with_its_figures_in_kg(tmp_path):
    landing = tmp_path / "landing"
    (landing / "comtrade").mkdir(parents=True)
    shutil.copy(EMBEDDED, landing / "comtrade" / EMBEDDED.name)
    conn = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    try:
        report = land_kinds(conn, landing, COMTRADE_FILE_KINDS, ALL_KINDS)
        # From the CSV: 2023-12-01,USA,380110,19410440.0,6209670.0,3.1258408256799477
        usa = conn.execute(
            "select net_wgt_kg, primary_value_usd, reporter_code, flow_code, source_ref "
            "from raw.comtrade_records where period_month = '2023-12-01' "
            "and partner_iso = 'USA' and cmd_code = '380110'"
        ).fetchall()
        counts = conn.execute(
            "select count(*), count(*) filter (weight_note = 'no weight reported'), "
            "count(*) filter (weight_note is not null and net_wgt_kg is not null) "
            "from raw.comtrade_records"
        ).fetchone()
        quarantined = conn.execute(
            "select count(*) from quarantine.rejected_rows where kind = 'comtrade_partner_table'"
        ).fetchone()
    finally:
        conn.close()
    assert (report.rows_landed, report.rows_rejected) == (6432, 10)
    assert usa == [(6209670.0, 19410440.0, 156, "X", f"{EMBEDDED_URL}; {ORIGIN}")]
    assert counts == (6432, 146, 0)
    assert quarantined == (10,)
