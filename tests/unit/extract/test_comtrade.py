"""Comtrade readers on recorded responses (test data, invented numbers) and broken records."""

from __future__ import annotations

import copy
import csv
import datetime as dt
import json
import re
from pathlib import Path

import duckdb
import pytest

from orchestration.extract.comtrade import (
    COLUMNS_DDL,
    COMTRADE_CSV,
    COMTRADE_JSON,
    COMTRADE_KINDS,
    RAW_COLUMNS,
    read_csv,
    read_json,
    recognizes_csv,
    recognizes_json,
)
from orchestration.extract.contract import UnreadableFile
from orchestration.extract.files import read_head
from orchestration.extract.registry import ALL_KINDS
from orchestration.landing.store import identify, land_kinds
from tests.fixtures.comtrade.replay_server import (
    EXPORTS_CSV,
    EXPORTS_JUNE,
    MIRROR_JUNE,
    RATE_LIMITED,
    records_of,
)

CLEAN = records_of(EXPORTS_JUNE)[1]  # China's exports of 850511 to the USA, 2025-06


def _write_response(path: Path, records: list) -> Path:
    path.write_text(json.dumps({"elapsedTime": "0.1 secs", "count": len(records), "data": records}))
    return path


def _with(**changes) -> dict:
    """The clean record with some fields changed; a value of ... removes the field."""
    record = copy.deepcopy(CLEAN)
    for name, value in changes.items():
        if value is ...:
            record.pop(name)
        else:
            record[name] = value
    return record


def test_responses_and_csv_downloads_are_recognized_by_their_content():
    assert recognizes_json(read_head(EXPORTS_JUNE))
    assert recognizes_json(read_head(MIRROR_JUNE))
    assert recognizes_csv(read_head(EXPORTS_CSV))
    assert not recognizes_json(read_head(EXPORTS_CSV))
    assert not recognizes_csv(read_head(EXPORTS_JUNE))


def test_a_compact_one_line_response_longer_than_the_head_is_recognized(tmp_path):
    path = _write_response(tmp_path / "big.json", records_of(EXPORTS_JUNE) * 10)
    assert path.stat().st_size > 8192  # only the opening is seen
    assert recognizes_json(read_head(path))


def test_error_bodies_empty_answers_and_other_json_are_not_comtrade_records(tmp_path):
    assert not recognizes_json(read_head(RATE_LIMITED))
    empty = _write_response(tmp_path / "empty.json", [])
    assert not recognizes_json(read_head(empty))
    news = tmp_path / "feed.jsonl"
    news.write_text(json.dumps({"text": "Magnet exports rose.", "data": []}) + "\n")
    assert not recognizes_json(read_head(news))
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"data": [{"reporterCode": 156}]}))  # lacks flowCode, cmdCode
    assert not recognizes_json(read_head(other))


def test_no_other_landing_kind_claims_a_comtrade_file():
    for fixture in (EXPORTS_JUNE, MIRROR_JUNE, EXPORTS_CSV):
        head = read_head(fixture)
        others = [kind for kind in ALL_KINDS if kind not in COMTRADE_KINDS]
        assert [kind.name for kind in others if kind.recognizes(head)] == [], fixture.name
        assert identify(head, ALL_KINDS) in COMTRADE_KINDS


def test_both_kinds_land_in_one_raw_table_whose_columns_are_the_rows_keys():
    assert COMTRADE_JSON.raw_table == COMTRADE_CSV.raw_table == "raw.comtrade_records"
    ddl_columns = tuple(re.findall(r"^\s*(\w+) ", COLUMNS_DDL, flags=re.MULTILINE))
    assert ddl_columns == RAW_COLUMNS
    (row, *_) = read_json(EXPORTS_JUNE).rows
    assert set(row) - {"_row_number"} == set(RAW_COLUMNS)


def test_clean_export_records_land_with_their_month_codes_kilograms_and_dollars():
    parsed = read_json(EXPORTS_JUNE)
    assert parsed.rejects == []
    assert [row["_row_number"] for row in parsed.rows] == [1, 2, 3, 4, 5, 6]
    usa = parsed.rows[1]
    assert usa == {
        "period_month": dt.date(2025, 6, 1),
        "freq_code": "M",
        "reporter_code": 156,
        "reporter_iso": "CHN",
        "reporter_desc": "China",
        "flow_code": "X",
        "partner_code": 842,
        "partner_iso": "USA",
        "partner_desc": "USA",
        "partner2_code": 0,
        "classification_code": "H6",
        "cmd_code": "850511",
        "cmd_desc": CLEAN["cmdDesc"],
        "aggr_level": 6,
        "is_leaf": True,
        "customs_code": "C00",
        "mot_code": 0,
        "qty_unit_code": 8,
        "qty_unit_abbr": "kg",
        "qty": 351200.0,
        "alt_qty_unit_code": 8,
        "alt_qty": 351200.0,
        "net_wgt_kg": 351200.0,
        "gross_wgt_kg": 365248.0,
        "cif_value_usd": None,  # exports are valued FOB
        "fob_value_usd": 22127000.0,
        "primary_value_usd": 22127000.0,
        "legacy_estimation_flag": 0,
        "is_reported": True,
        "is_aggregate": False,
        "source_ref": None,  # Comtrade's own file is its provenance
        "weight_note": None,
        "_row_number": 2,
    }


def test_zero_weight_and_quantity_are_kept_as_preview_data_has_them():
    andorra = read_json(EXPORTS_JUNE).rows[5]
    assert andorra["partner_code"] == 20
    assert (andorra["net_wgt_kg"], andorra["qty"], andorra["primary_value_usd"]) == (0, 0, 1520)


def test_mirror_records_are_partners_imports_from_china_valued_cif():
    parsed = read_json(MIRROR_JUNE)
    assert parsed.rejects == []
    assert {(r["reporter_code"], r["flow_code"], r["partner_code"]) for r in parsed.rows} == {
        (842, "M", 156),
        (276, "M", 156),
        (392, "M", 156),
    }
    assert all(r["cif_value_usd"] == r["primary_value_usd"] for r in parsed.rows)


def test_csv_records_land_exactly_like_the_same_records_from_the_api():
    from_csv = read_csv(EXPORTS_CSV)
    assert from_csv.rejects == []
    assert [row.pop("_row_number") for row in from_csv.rows] == [2, 3, 4, 5, 6, 7]  # file lines
    june = read_json(EXPORTS_JUNE).rows[:3]
    for row in june:
        row.pop("_row_number")
    assert from_csv.rows[:3] == june
    assert {row["period_month"] for row in from_csv.rows} == {
        dt.date(2025, 6, 1),
        dt.date(2025, 7, 1),
    }


def test_tab_separated_bulk_text_with_other_header_case_is_read(tmp_path):
    lines = EXPORTS_CSV.read_text().splitlines()
    header = lines[0].replace("cifvalue", "cifValue").split(",")
    record = CLEAN
    tsv = tmp_path / "bulk.txt"
    tsv.write_text(
        "\t".join(header)
        + "\n"
        + "\t".join("" if record.get(n) is None else str(record[n]) for n in lines[0].split(","))
        + "\n"
    )
    assert recognizes_csv(read_head(tsv))
    parsed = read_csv(tsv)
    assert parsed.rejects == []
    assert parsed.rows[0]["partner_code"] == 842


def test_broken_records_are_quarantined_with_their_position_field_and_reason(tmp_path):
    broken = [
        CLEAN,  # 1: clean, lands
        _with(netWgt=-5.0),  # 2: negative net weight
        _with(primaryValue=-1),  # 3: negative value
        _with(cmdCode=...),  # 4: commodity code missing
        _with(cmdCode="8505.11"),  # 5: dotted code is not how Comtrade writes HS codes
        _with(period="202513", refMonth=...),  # 6: month 13
        _with(period="June 2025"),  # 7: not YYYYMM
        _with(period="209901", refYear=2099, refMonth=1),  # 8: in the future
        _with(period="198912", refYear=1989, refMonth=12),  # 9: before 1990
        _with(freqCode="A", period="202506", refMonth=...),  # 10: annual record dated a month
        _with(reporterCode="CHN"),  # 11: reporter given as ISO, not as a number
        _with(partnerCode=None),  # 12: partner missing
        _with(refMonth=7),  # 13: refMonth says July, period says June
        _with(fobvalue="n/a"),  # 14: value that is not a number
        _with(isLeaf="maybe"),  # 15: not a boolean
        ["156", "X", "850511"],  # 16: not a record at all
        _with(flowCode=" "),  # 17: flow missing
        _with(netWgt=0, qty=0),  # 18: zero weight and quantity: legitimate, lands
        _with(partnerCode=1e12),  # 19: no country code is that large
    ]
    parsed = read_json(_write_response(tmp_path / "broken.json", broken))
    assert [row["_row_number"] for row in parsed.rows] == [1, 18]
    got = [(r.row_number, r.field, r.reason) for r in parsed.rejects]
    assert got == [
        (2, "netWgt", "'-5.0' is negative"),
        (3, "primaryValue", "'-1' is negative"),
        (4, "cmdCode", "is empty"),
        (5, "cmdCode", "'8505.11' is not an HS commodity code (2, 4 or 6 digits, or TOTAL)"),
        (6, "period", "'202513' has month 13, outside 01-12"),
        (7, "period", "'June 2025' is not a month (expected YYYYMM or YYYY-MM)"),
        (8, "period", "'209901' is in the future"),
        (9, "period", "'198912' is before 1990"),
        (10, "period", "'202506' is not a year (an annual record, freqCode A, has YYYY)"),
        (11, "reporterCode", "'CHN' is not an integer"),
        (12, "partnerCode", "is empty"),
        (13, "refMonth", "7 disagrees with period 202506; cannot date it"),
        (14, "fobvalue", "'n/a' is not a number"),
        (15, "isLeaf", "'maybe' is not true or false"),
        (16, "*", "not a JSON object"),
        (17, "flowCode", "is empty"),
        (19, "partnerCode", "'1000000000000.0' is too large for a code"),
    ]
    # The raw text is the record itself, as JSON, so it can be inspected and replayed.
    assert json.loads(parsed.rejects[0].raw_text) == broken[1]


def test_broken_csv_lines_are_quarantined_by_their_line_number(tmp_path):
    header, clean_line, *_ = EXPORTS_CSV.read_text().splitlines()
    columns = header.split(",")
    net = columns.index("netWgt")

    def line_with(index: int, value: str) -> str:
        cells = next(csv.reader([clean_line]))
        cells[index] = value
        return ",".join(f'"{c}"' if "," in c else c for c in cells)

    path = tmp_path / "broken.csv"
    path.write_text(
        "\n".join(
            [
                header,
                clean_line,  # line 2: clean
                line_with(net, "-12"),  # line 3: negative net weight
                "",  # line 4: blank lines are skipped, not rejected
                "C,M,20250601,2025,6",  # line 5: record cut short
                line_with(columns.index("freqCode"), "A"),  # line 6: annual, dated a month
            ]
        )
        + "\n"
    )
    parsed = read_csv(path)
    assert [row["_row_number"] for row in parsed.rows] == [2]
    assert [(r.row_number, r.field) for r in parsed.rejects] == [
        (3, "netWgt"),
        (5, "*"),
        (6, "period"),
    ]
    assert parsed.rejects[1].reason == f"has 5 fields, header has {len(columns)}"
    assert json.loads(parsed.rejects[0].raw_text)["netWgt"] == "-12"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ('{"data": [{"reporterCode": 156,', "not valid JSON"),  # cut off mid-download
        ('{"data": {"reporterCode": 156}}', 'no "data" list'),  # data is not a list
    ],
)
def test_a_json_file_that_is_not_a_whole_response_is_unreadable(tmp_path, content, reason):
    path = tmp_path / "response.json"
    path.write_text(content)
    with pytest.raises(UnreadableFile, match=reason):
        read_json(path)


def test_a_csv_without_the_key_columns_is_unreadable(tmp_path):
    path = tmp_path / "records.csv"
    path.write_text("period,reporterCode,flowCode,partnerCode\n202506,156,X,0\n")  # no cmdCode
    with pytest.raises(UnreadableFile, match="cmdCode"):
        read_csv(path)


# An annual record as Comtrade writes one: freqCode A, period YYYY, refMonth 52 (test data).
ANNUAL = _with(freqCode="A", period="2024", refYear=2024, refMonth=52)


def test_annual_records_land_at_the_year_grain_dated_the_first_of_january(tmp_path):
    yearly_int = _with(freqCode="A", period=2023, refYear=2023, refMonth=52)
    parsed = read_json(_write_response(tmp_path / "annual.json", [ANNUAL, yearly_int, CLEAN]))
    assert parsed.rejects == []
    assert [(row["period_month"], row["freq_code"]) for row in parsed.rows] == [
        (dt.date(2024, 1, 1), "A"),
        (dt.date(2023, 1, 1), "A"),
        (dt.date(2025, 6, 1), "M"),
    ]
    # Everything but the period is read as for a monthly record.
    assert {k: v for k, v in parsed.rows[0].items() if k not in ("period_month", "freq_code")} == {
        k: v for k, v in parsed.rows[2].items() if k not in ("period_month", "freq_code")
    } | {"_row_number": 1}


def test_an_annual_csv_line_lands_in_the_raw_table_at_the_year_grain(tmp_path):
    header, clean_line, *_ = EXPORTS_CSV.read_text().splitlines()
    columns = header.split(",")
    cells = next(csv.reader([clean_line]))
    for name, value in [
        ("freqCode", "A"),
        ("period", "2024"),
        ("refYear", "2024"),
        ("refMonth", "52"),
    ]:
        cells[columns.index(name)] = value
    landing = tmp_path / "landing"
    landing.mkdir()
    (landing / "annual.csv").write_text(
        f"{header}\n" + ",".join(f'"{c}"' if "," in c else c for c in cells) + "\n"
    )
    conn = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    try:
        report = land_kinds(conn, landing, COMTRADE_KINDS, ALL_KINDS)
        landed = conn.execute("select period_month, freq_code from raw.comtrade_records").fetchall()
    finally:
        conn.close()
    assert (report.rows_landed, report.rows_rejected) == (1, 0)
    assert landed == [(dt.date(2024, 1, 1), "A")]


@pytest.mark.parametrize(
    ("changes", "field", "reason"),
    [
        ({"period": "2024-06"}, "period", "'2024-06' is not a year"),
        ({"refMonth": 6}, "refMonth", "6 disagrees with period 2024"),
        ({"refYear": 2023}, "refYear", "2023 disagrees with period 2024"),
        ({"period": "1989", "refYear": 1989}, "period", "'1989' is before 1990"),
        ({"freqCode": "Q"}, "freqCode", "'Q' is not a known frequency (M or A)"),
    ],
)
def test_an_annual_record_that_cannot_be_dated_as_a_year_is_quarantined(
    tmp_path, changes, field, reason
):
    record = {**ANNUAL, **changes}
    parsed = read_json(_write_response(tmp_path / "annual.json", [record]))
    assert parsed.rows == []
    [reject] = parsed.rejects
    assert reject.field == field and reason in reject.reason, reject.reason


def test_an_annual_record_for_a_year_not_yet_over_is_quarantined(tmp_path):
    this_year = dt.date.today().year
    record = {**ANNUAL, "period": str(this_year), "refYear": this_year}
    [reject] = read_json(_write_response(tmp_path / "annual.json", [record])).rejects
    assert (reject.field, reject.reason) == ("period", f"'{this_year}' is a year not yet over")
