import csv
import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from orchestration import settings
from orchestration.extract.contract import FileKind, UnreadableFile
from orchestration.extract.files import read_head
from orchestration.extract.gacc import query_csv as gacc_query
from orchestration.extract.gacc.preliminary_html import GACC_PRELIMINARY_HTML
from orchestration.extract.gacc.preliminary_xlsx import GACC_PRELIMINARY_XLSX, confirms_xlsx
from orchestration.extract.gacc.query_csv import GACC_QUERY_CSV
from orchestration.extract.gacc.query_xlsx import (
    GACC_QUERY_XLSX,
    confirms,
    looks_like_xlsx,
    read,
)
from orchestration.landing.store import identify
from orchestration.news.readers import NEWS_KINDS
from tests.fixtures.gacc_files import (
    BROKEN_FULL_ROWS,
    CLEAN_FULL_ROWS,
    CLEAN_SHORT_ROWS,
    FULL_HEADER,
    SHORT_HEADER,
    write_gacc_file,
)
from tests.fixtures.gacc_preliminary import (
    PRELIMINARY_MERGES,
    preliminary_html,
    preliminary_workbook_rows,
    write_workbook,
)

ARTICLE = (
    "Title: Rare-earth exports rise\n\n"
    "China exported more rare earths in June than in any month since 2009, customs data "
    "showed on Monday, as shipments recovered after licences were granted to several "
    "exporters. Analysts said the rebound reflected pent-up demand from magnet makers in "
    "Japan and Europe, while volumes to the United States stayed below last year's level.\n"
)
EMBEDDED_ARTICLES = sorted((settings.PROJECT_ROOT / "data/landing/news").glob("*.txt"))


def _cells(line: str) -> list[object]:
    """A fixture CSV line as a sheet row: figures typed as numbers, as Excel stores them."""
    cells: list[object] = []
    for text in next(csv.reader([line])):
        try:
            cells.append(int(text.replace(",", "")))
        except ValueError:
            cells.append(text or None)
    return cells


def _query_workbook(path: Path, header: str, lines: list[str]) -> Path:
    return write_workbook(path, [header.split(","), *(_cells(line) for line in lines)])


def test_an_excel_download_lands_exactly_what_the_csv_export_lands(tmp_path):
    for header, lines in ((FULL_HEADER, CLEAN_FULL_ROWS), (SHORT_HEADER, CLEAN_SHORT_ROWS)):
        from_csv = gacc_query.read(write_gacc_file(tmp_path / "q.csv", header, lines))
        from_xlsx = read(_query_workbook(tmp_path / "q.xlsx", header, lines))
        assert from_xlsx.rejects == []
        assert from_xlsx.rows == from_csv.rows


def test_codes_and_months_stored_as_numbers_or_dates_are_read_as_written(tmp_path):
    header = SHORT_HEADER.split(",")
    rows = [
        header,
        [202403, 28461010.0, "氧化铈", "日本", 1234567.0, "千克", 9876543],
        # a code of a chapter below 10 that lost its leading zero as an Excel number
        [dt.datetime(2024, 3, 1), 7129090, "其他干蔬菜", "日本", 1.5, "千克", None],
    ]
    parsed = read(write_workbook(tmp_path / "typed.xlsx", rows))
    assert parsed.rejects == []
    first, second = parsed.rows
    assert (first["period_month"], first["commodity_code"]) == (dt.date(2024, 3, 1), "28461010")
    assert (first["quantity_1"], first["value"]) == (1234567.0, 9876543.0)
    assert (second["period_month"], second["commodity_code"]) == (dt.date(2024, 3, 1), "07129090")
    assert second["value"] is None


def test_bad_rows_are_quarantined_with_their_excel_row_and_the_csv_reasons(tmp_path):
    # The CSV fixture's short line has no Excel equivalent (a sheet row has no field count);
    # a row with text beyond the header's last column stands in for it.
    extra_cell = _cells(CLEAN_FULL_ROWS[0]) + ["stray note"]
    rows = [
        FULL_HEADER.split(","),
        *(_cells(line) for line in CLEAN_FULL_ROWS),
        [],  # a blank row: skipped, but the rows below keep their Excel numbers
        *(_cells(line) for line in BROKEN_FULL_ROWS[:4]),
        extra_cell,
    ]
    parsed = read(write_workbook(tmp_path / "mixed.xlsx", rows))
    assert len(parsed.rows) == len(CLEAN_FULL_ROWS)
    found = {(r.row_number, r.field) for r in parsed.rejects}
    assert found == {
        (7, "第一数量"),
        (8, "第一数量"),
        (9, "数据年月"),
        (10, "第一计量单位"),
        (11, "*"),
    }
    reasons = " | ".join(r.reason for r in parsed.rejects)
    assert "'abc' is not a number" in reasons
    assert "'-5' is negative" in reasons
    assert "outside 01-12" in reasons
    assert "has 15 fields, header has 14" in reasons
    assert all(r.raw_text.startswith("202") for r in parsed.rejects)


def test_a_title_row_above_the_header_shifts_the_row_numbers_with_it(tmp_path):
    rows = [["海关统计数据在线查询平台"], FULL_HEADER.split(","), _cells(CLEAN_FULL_ROWS[0])]
    parsed = read(write_workbook(tmp_path / "titled.xlsx", rows))
    assert [row["_row_number"] for row in parsed.rows] == [3]


def test_the_file_name_does_not_matter(tmp_path):
    path = _query_workbook(tmp_path / "q.xlsx", FULL_HEADER, CLEAN_FULL_ROWS)
    renamed = path.rename(tmp_path / "download")
    assert len(read(renamed).rows) == len(CLEAN_FULL_ROWS)


def test_a_workbook_without_the_quantity_column_is_rejected_whole(tmp_path):
    header = FULL_HEADER.replace("第一数量", "重量")
    path = _query_workbook(tmp_path / "renamed.xlsx", header, CLEAN_FULL_ROWS)
    with pytest.raises(UnreadableFile, match="第一数量"):
        read(path)


def test_a_workbook_of_another_kind_is_rejected_whole_with_the_reason(tmp_path):
    other = write_workbook(tmp_path / "budget.xlsx", [["Item", "Cost"], ["Paper", 3]])
    with pytest.raises(UnreadableFile, match="no GACC query header"):
        read(other)
    preliminary = write_workbook(
        tmp_path / "june.xlsx", preliminary_workbook_rows(), merges=PRELIMINARY_MERGES
    )
    with pytest.raises(UnreadableFile, match="gacc_preliminary_xlsx"):
        read(preliminary)


def test_a_damaged_workbook_is_a_clear_file_error(tmp_path):
    path = tmp_path / "damaged.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 26 + b"xl/workbook.xml" + b"\xff" * 200)
    assert looks_like_xlsx(read_head(path))
    with pytest.raises(UnreadableFile, match="not a readable Excel workbook"):
        read(path)
    # The query kind claims it so that the reason reaches quarantine; the other kind does not.
    assert confirms(path) and not confirms_xlsx(path)


def test_xlsx_recognition_claims_workbooks_only(tmp_path):
    workbook = _query_workbook(tmp_path / "q.xlsx", FULL_HEADER, CLEAN_FULL_ROWS)
    assert looks_like_xlsx(read_head(workbook))
    for encoding in ("gbk", "utf-8"):
        csv_file = write_gacc_file(tmp_path / "q.csv", FULL_HEADER, CLEAN_FULL_ROWS, encoding)
        assert not looks_like_xlsx(read_head(csv_file))
    assert not looks_like_xlsx(ARTICLE.encode("utf-8"))
    assert not looks_like_xlsx(preliminary_html().encode("utf-8"))
    assert not looks_like_xlsx(b"PK\x03\x04\x14\x00word/document.xml")  # a Word file


def test_each_workbook_layout_confirms_only_its_own_kind(tmp_path):
    query = _query_workbook(tmp_path / "q.xlsx", FULL_HEADER, CLEAN_FULL_ROWS)
    preliminary = write_workbook(
        tmp_path / "p.xlsx", preliminary_workbook_rows(), merges=PRELIMINARY_MERGES
    )
    other = write_workbook(tmp_path / "o.xlsx", [["Item", "Cost"], ["Paper", 3]])
    assert (confirms(query), confirms_xlsx(query)) == (True, False)
    assert (confirms(preliminary), confirms_xlsx(preliminary)) == (False, True)
    assert (confirms(other), confirms_xlsx(other)) == (False, False)


@pytest.mark.skipif(
    "confirms" not in {f.name for f in dataclasses.fields(FileKind)},
    reason="the landing contract has no FileKind.confirms yet",
)
def test_the_landing_store_routes_every_file_to_its_own_kind(tmp_path):
    kinds = (
        GACC_QUERY_CSV,
        GACC_QUERY_XLSX,
        GACC_PRELIMINARY_XLSX,
        GACC_PRELIMINARY_HTML,
        *NEWS_KINDS,
    )
    article_html = tmp_path / "article.html"
    article_html.write_text(
        "<!DOCTYPE html><html><body><p>Customs publishes the quantity and value of exports. "
        + ARTICLE * 2
        + "</p></body></html>",
        encoding="utf-8",
    )
    (tmp_path / "table.html").write_text(preliminary_html(), encoding="utf-8")
    (tmp_path / "article.txt").write_text(ARTICLE, encoding="utf-8")
    files = {
        write_gacc_file(tmp_path / "q.csv", FULL_HEADER, CLEAN_FULL_ROWS): "gacc_query_csv",
        _query_workbook(tmp_path / "q.xlsx", FULL_HEADER, CLEAN_FULL_ROWS): "gacc_query_xlsx",
        write_workbook(
            tmp_path / "p.xlsx", preliminary_workbook_rows(), merges=PRELIMINARY_MERGES
        ): "gacc_preliminary_xlsx",
        tmp_path / "table.html": "gacc_preliminary_html",
        article_html: "news_html",
        tmp_path / "article.txt": "news_text",
        **dict.fromkeys(EMBEDDED_ARTICLES, "news_text"),
    }
    routed = {path: identify(read_head(path), kinds, path) for path in files}
    assert {path: kind.name if kind else None for path, kind in routed.items()} == files
