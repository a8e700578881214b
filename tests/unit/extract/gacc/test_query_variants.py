"""Query-platform exports in each layout users download land with the right month, partner and
unit, in GBK and GB18030; their broken twins are quarantined saying why; no file is changed.

Every file is landed as the landing asset lands it (bulk path first, line by line where the
bulk path doubts a file) into a real DuckDB file in a temp folder.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from pathlib import Path

import duckdb
import pytest

from orchestration.extract.contract import UnreadableFile
from orchestration.extract.gacc.query_csv import GACC_QUERY_CSV, read
from orchestration.extract.gacc.query_xlsx import GACC_QUERY_XLSX
from orchestration.extract.registry import ALL_KINDS
from orchestration.landing.store import land_kinds
from tests.fixtures.gacc_preliminary import write_workbook
from tests.fixtures.gacc_variants import (
    BROKEN_TWINS,
    CLEAN_VARIANTS,
    ENCODINGS,
    FIRST_QUANTITY_USD,
    GB18030_ONLY,
    NO_PERIOD_MONTH_FOLDER,
    UNKNOWN_PARTNER_CODE,
    UNKNOWN_UNIT,
    Variant,
    encoded_name,
    write_variant,
)

QUERY_KINDS = (GACC_QUERY_CSV, GACC_QUERY_XLSX)


def _digests(landing: Path) -> dict[str, str]:
    return {
        path.relative_to(landing).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(landing.rglob("*"))
        if path.is_file()
    }


def _land(tmp_path: Path, landing: Path) -> dict[str, list[tuple]]:
    """Land the folder; what reached raw and quarantine. Raises if any file changed."""
    before = _digests(landing)
    conn = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    try:
        land_kinds(conn, landing, QUERY_KINDS, ALL_KINDS)
        found = {
            "raw": conn.execute(
                "select _source_file, period_month, commodity_code, partner_code, partner_name,"
                " quantity_1, unit_1, value_currency, commodity_name"
                " from raw.gacc_query_exports order by _source_file, _row_number"
            ).fetchall(),
            "rows": conn.execute(
                "select source_file, row_number, field, reason from quarantine.rejected_rows"
                " order by source_file, row_number"
            ).fetchall(),
            "files": conn.execute(
                "select source_file, reason from quarantine.rejected_files order by 1"
            ).fetchall(),
        }
    finally:
        conn.close()
    assert _digests(landing) == before, "landing changed a raw file"
    return found


def _expected_raw(variant: Variant, source_file: str) -> list[tuple]:
    return [
        (source_file, variant.month, code, partner_code, partner, quantity, unit, variant.currency)
        for code, partner_code, partner, quantity, unit in variant.expected
    ]


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("variant", CLEAN_VARIANTS, ids=lambda variant: Path(variant.name).stem)
def test_each_layout_lands_with_its_month_partner_code_and_unit(tmp_path, variant, encoding):
    landing = tmp_path / "landing"
    write_variant(landing, variant, encoding)
    found = _land(tmp_path, landing)
    assert found["files"] == [] and found["rows"] == []
    source_file = encoded_name(variant, encoding)
    assert [row[:8] for row in found["raw"]] == _expected_raw(variant, source_file)
    # The GB18030 copy's four-byte character arrives whole: GB18030 proper, not just GBK.
    assert (GB18030_ONLY in found["raw"][0][8]) == (encoding == "gb18030")


def test_all_layouts_and_encodings_land_together_each_under_its_own_month(tmp_path):
    landing = tmp_path / "landing"
    for variant in CLEAN_VARIANTS:
        for encoding in ENCODINGS:
            write_variant(landing, variant, encoding)
    found = _land(tmp_path, landing)
    assert found["files"] == [] and found["rows"] == []
    months = {(row[0], row[1]) for row in found["raw"]}
    assert months == {
        (encoded_name(variant, encoding), variant.month)
        for variant in CLEAN_VARIANTS
        for encoding in ENCODINGS
    }


@pytest.mark.parametrize("twin", BROKEN_TWINS, ids=lambda twin: twin.name)
def test_a_file_whose_month_cannot_be_told_is_quarantined_whole_saying_why(tmp_path, twin):
    landing = tmp_path / "landing"
    (landing / twin.name).parent.mkdir(parents=True)
    (landing / twin.name).write_bytes(twin.content)
    found = _land(tmp_path, landing)
    assert found["raw"] == [] and found["rows"] == [], twin.why
    [(source_file, reason)] = found["files"]
    assert source_file == twin.name
    assert reason.startswith(twin.name) and twin.reason in reason, reason
    assert "no 数据年月 column" in reason and "nothing was landed" in reason, reason


def test_a_line_in_an_unknown_unit_is_quarantined_with_file_row_and_field(tmp_path):
    landing = tmp_path / "landing"
    write_variant(landing, UNKNOWN_UNIT)
    found = _land(tmp_path, landing)
    source_file = encoded_name(UNKNOWN_UNIT, "gbk")
    assert [row[:8] for row in found["raw"]] == _expected_raw(UNKNOWN_UNIT, source_file)
    # The field is named as this file's header names it.
    [(file, row_number, field, reason)] = found["rows"]
    assert (file, row_number, field) == (source_file, 4, "第一法定计量单位")
    assert "'箱'" in reason and "tonnes" in reason


def test_a_partner_code_nobody_maps_lands_as_reported(tmp_path):
    landing = tmp_path / "landing"
    write_variant(landing, UNKNOWN_PARTNER_CODE)
    found = _land(tmp_path, landing)
    source_file = encoded_name(UNKNOWN_PARTNER_CODE, "gbk")
    assert found["rows"] == [] and found["files"] == []
    assert [row[:8] for row in found["raw"]] == _expected_raw(UNKNOWN_PARTNER_CODE, source_file)


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        (FIRST_QUANTITY_USD.header.replace("第一计量单位", "数量"), "第一数量 and 数量"),
        (FIRST_QUANTITY_USD.header.replace("美元", "美元单价"), "value"),
        (FIRST_QUANTITY_USD.header.replace("第一数量", "重量"), "第一数量"),
    ],
    ids=["quantity-twice", "unit-price-is-no-value", "no-quantity"],
)
def test_a_header_that_does_not_say_which_column_is_which_is_rejected_whole(
    tmp_path, header, reason
):
    path = tmp_path / "export.csv"
    path.write_bytes(("\r\n".join([header, *FIRST_QUANTITY_USD.rows]) + "\r\n").encode("gbk"))
    with pytest.raises(UnreadableFile, match=reason):
        read(path)


@pytest.mark.parametrize(
    ("relative_path", "month"),
    [
        ("export_2025-06.csv", dt.date(2025, 6, 1)),
        ("202506/export.csv", dt.date(2025, 6, 1)),
        ("202506/export (1).csv", dt.date(2025, 6, 1)),  # a browser's copy number is no month
        ("2025-06/export_202506.csv", dt.date(2025, 6, 1)),  # the same month twice
        ("2025/export.csv", "no month"),  # a year alone
        ("export_202513.csv", "01-12"),
        ("export_209901.csv", "in the future"),
        ("export_2025-06_2025-07.csv", "more than one month"),
        ("export_20250601120000.csv", "'20250601120000'"),  # a timestamp
    ],
)
def test_the_month_of_a_file_without_a_period_column_comes_from_its_name_or_folder(
    tmp_path, relative_path, month
):
    path = tmp_path / "landing" / relative_path
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(NO_PERIOD_MONTH_FOLDER.content("gbk"))
    if isinstance(month, dt.date):
        assert {row["period_month"] for row in read(path).rows} == {month}
    else:
        with pytest.raises(UnreadableFile, match=month):
            read(path)


def test_an_excel_download_without_a_period_column_takes_its_folder_month(tmp_path):
    landing = tmp_path / "landing"
    header = NO_PERIOD_MONTH_FOLDER.header.split(",")
    rows = [next(csv.reader([row])) for row in NO_PERIOD_MONTH_FOLDER.rows]
    write_workbook(landing / "202504" / "query.xlsx", [header, *rows])
    found = _land(tmp_path, landing)
    assert found["files"] == [] and found["rows"] == []
    assert {(row[0], row[1], row[3], row[6]) for row in found["raw"]} == {
        ("202504/query.xlsx", dt.date(2025, 4, 1), "141", "10000T"),
        ("202504/query.xlsx", dt.date(2025, 4, 1), "136", "千克"),
    }
