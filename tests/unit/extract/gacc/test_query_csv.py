import pytest

from orchestration.extract.contract import UnreadableFile
from orchestration.extract.gacc.query_csv import read, recognizes
from tests.fixtures.gacc_files import (
    BROKEN_FULL_ROWS,
    CLEAN_FULL_ROWS,
    CLEAN_SHORT_ROWS,
    FULL_HEADER,
    SHORT_HEADER,
    write_gacc_file,
)


@pytest.mark.parametrize("encoding", ["gbk", "utf-8", "utf-8-sig"])
def test_query_exports_are_recognized_in_gbk_and_utf8(tmp_path, encoding):
    path = write_gacc_file(tmp_path / "export.csv", FULL_HEADER, CLEAN_FULL_ROWS, encoding)
    assert recognizes(path.read_bytes()[:8192])
    parsed = read(path)
    assert len(parsed.rows) == 4
    assert parsed.rejects == []


def test_other_csv_files_are_not_taken_for_query_exports(tmp_path):
    assert not recognizes(b"period,code,partner,quantity\n202403,85051110,DE,1\n")
    assert not recognizes("报告期,编码\n".encode("gbk"))


def test_full_layout_keeps_trade_mode_province_and_reported_units(tmp_path):
    path = write_gacc_file(tmp_path / "export.csv", FULL_HEADER, CLEAN_FULL_ROWS)
    first = read(path).rows[0]
    assert first["period_month"].isoformat() == "2024-03-01"
    assert first["commodity_code"] == "8505111000"
    assert first["partner_name"] == "德国"
    assert first["trade_mode_name"] == "一般贸易"
    assert first["province_name"] == "江苏省"
    # Landed as reported (kilograms); staging converts to tonnes.
    assert (first["quantity_1"], first["unit_1"]) == (120000.0, "千克")
    assert (first["value"], first["value_currency"]) == (6000000.0, "USD")
    assert first["_row_number"] == 2


def test_short_layout_without_trade_mode_and_yuan_values(tmp_path):
    path = write_gacc_file(tmp_path / "short.csv", SHORT_HEADER, CLEAN_SHORT_ROWS)
    row = read(path).rows[0]
    assert row["trade_mode_code"] is None and row["province_name"] is None
    assert row["quantity_1"] == 1234567.0
    assert row["value_currency"] == "CNY"


def test_broken_lines_are_quarantined_with_row_and_field_and_good_lines_kept(tmp_path):
    path = write_gacc_file(
        tmp_path / "mixed.csv", FULL_HEADER, [*CLEAN_FULL_ROWS, *BROKEN_FULL_ROWS]
    )
    parsed = read(path)
    assert len(parsed.rows) == len(CLEAN_FULL_ROWS)
    found = {(r.row_number, r.field) for r in parsed.rejects}
    assert found == {
        (6, "第一数量"),
        (7, "第一数量"),
        (8, "数据年月"),
        (9, "第一计量单位"),
        (10, "*"),
    }
    reasons = " | ".join(r.reason for r in parsed.rejects)
    assert "'abc' is not a number" in reasons
    assert "negative" in reasons
    assert "outside 01-12" in reasons
    assert all(r.raw_text for r in parsed.rejects)


def test_a_file_without_the_quantity_column_is_rejected_whole(tmp_path):
    header = FULL_HEADER.replace("第一数量", "重量")
    path = write_gacc_file(tmp_path / "renamed.csv", header, CLEAN_FULL_ROWS)
    with pytest.raises(UnreadableFile, match="第一数量"):
        read(path)


def test_undecodable_bytes_are_a_clear_file_error(tmp_path):
    path = tmp_path / "garbage.csv"
    path.write_bytes(FULL_HEADER.encode("gbk") + b"\r\n\xff\xfe\xff\xfe\x81\x20\x80\xff\r\n")
    with pytest.raises(UnreadableFile, match="neither UTF-8 nor GBK"):
        read(path)
