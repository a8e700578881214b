"""Reader for Excel (.xlsx) downloads of GACC's online query platform (stats.customs.gov.cn).

The platform offers the same query result as CSV or as a workbook; both land in
raw.gacc_query_exports through the same header mapping and row rules (query_csv), so a line
is accepted or quarantined for the same reason whichever button the user pressed.

Two kinds of workbook reach the landing folder (this one and the English preliminary table,
preliminary_xlsx.py) and look alike to `recognizes` (workbook.py); `confirms` looks at the first
rows of the first sheet. Read directly, the other layout is rejected with a reason that names
the kind that reads it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from orchestration.extract.contract import FileKind, ParsedExtract, UnreadableFile
from orchestration.extract.gacc.preliminary_table import find_header_in_rows
from orchestration.extract.gacc.query_csv import COLUMNS_DDL, parse_records
from orchestration.extract.gacc.query_header import QueryHeader, is_query_header
from orchestration.extract.gacc.workbook import (
    first_sheet,
    head_rows,
    looks_like_xlsx,
    open_workbook,
    sheet_rows,
)

# Query downloads put the header on the first row; a few rows of slack allow a title line.
HEADER_SEARCH_ROWS = 10
# Codes that lost their leading zero when Excel stored them as numbers have 7 or 9 digits.
_CODE_LENGTHS = {7: 8, 9: 10}


def cell_text(value: object) -> str:
    """A cell as the text a CSV export would hold, so the shared row rules apply unchanged."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        # A YYYYMM cell Excel took for a date still names the month.
        return f"{value.year:04d}{value.month:02d}"
    return str(value).strip()


def _query_header_row(rows: Sequence[Sequence[Any]]) -> int | None:
    for index, values in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if is_query_header([cell_text(v) for v in values]):
            return index
    return None


def confirms(path: Path) -> bool:
    """Whether the first sheet carries a query-platform header (商品编码 beside 数据年月 or
    the trading partner).

    A workbook that cannot be opened at all is claimed too, so that `read` quarantines it with
    the reason instead of the store calling it unrecognized.
    """
    try:
        rows = head_rows(path, HEADER_SEARCH_ROWS)
    except UnreadableFile:
        return True
    return _query_header_row(rows) is not None


def _code_text(value: object, text: str) -> str:
    if isinstance(value, int | float) and len(text) in _CODE_LENGTHS:
        return text.zfill(_CODE_LENGTHS[len(text)])
    return text


def read(path: Path) -> ParsedExtract:
    with open_workbook(path, read_only=True) as workbook:
        sheet = first_sheet(workbook)
        sheet.reset_dimensions()
        rows = sheet_rows(sheet)
        seen: list[list[Any]] = []
        header_number = None
        for row_number, values in rows:
            seen.append(values)
            if is_query_header([cell_text(v) for v in values]):
                header_number = row_number
                break
            if row_number >= HEADER_SEARCH_ROWS:
                break
        if header_number is None:
            raise _not_a_query_sheet(path, seen)
        header_cells = _trim([cell_text(v) for v in seen[-1]])
        header = QueryHeader.for_file(header_cells, path)
        code_index = header.positions["commodity_code"]

        def records() -> Iterator[tuple[int, list[str], str]]:
            for row_number, values in rows:
                texts = [cell_text(v) for v in values]
                if code_index < len(values):
                    texts[code_index] = _code_text(values[code_index], texts[code_index])
                texts = _fit(texts, header.width)
                yield row_number, texts, ",".join(texts)

        return parse_records(header, records())


def _trim(cells: list[str]) -> list[str]:
    """Without the empty cells Excel reports to the right of the last used column."""
    while cells and not cells[-1]:
        cells.pop()
    return cells


def _fit(cells: list[str], width: int) -> list[str]:
    """A sheet row padded or cut to the header's width; only text beyond the header counts as
    an extra field (an empty cell there is just the sheet's used range)."""
    cells = _trim(cells) if len(cells) > width else cells
    if len(cells) > width:
        return cells
    return cells + [""] * (width - len(cells))


def _not_a_query_sheet(path: Path, rows: list[list[Any]]) -> UnreadableFile:
    if find_header_in_rows([[cell_text(v) for v in values] for values in rows]) is not None:
        return UnreadableFile(
            "this workbook is a GACC preliminary commodity table, not a query-platform "
            "download; it belongs to gacc_preliminary_xlsx"
        )
    return UnreadableFile(
        "the first sheet has no GACC query header (商品编码 with 数据年月 or 贸易伙伴) in its "
        f"first {HEADER_SEARCH_ROWS} rows"
    )


GACC_QUERY_XLSX = FileKind(
    name="gacc_query_xlsx",
    raw_table="raw.gacc_query_exports",
    columns_ddl=COLUMNS_DDL,
    recognizes=looks_like_xlsx,
    read=read,
    description="GACC online-query Excel download (.xlsx), same columns as the CSV export.",
    confirms=confirms,
)
