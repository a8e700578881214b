"""The GACC preliminary table saved as an Excel workbook: its first sheet as a grid, merged
header cells as spans, the sheet's and workbook's titles as context."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from orchestration.extract.contract import ParsedExtract, UnreadableFile
from orchestration.extract.gacc.preliminary_table import (
    HEADER_SEARCH_ROWS,
    Grid,
    find_header,
    find_header_in_rows,
    parse_table,
    preliminary_kind,
)
from orchestration.extract.gacc.query_header import is_query_header
from orchestration.extract.gacc.workbook import (
    first_sheet,
    head_rows,
    looks_like_xlsx,
    open_workbook,
    sheet_rows,
)


def _xlsx_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        # A heading like "Jun-2025" typed into Excel becomes a date; keep the month it named.
        return f"{value:%B %Y}"
    return str(value)


def confirms_xlsx(path: Path) -> bool:
    """Whether the first sheet's first rows hold a preliminary table's header."""
    try:
        rows = head_rows(path, HEADER_SEARCH_ROWS)
    except UnreadableFile:
        return False  # the query kind claims broken workbooks and says why
    return find_header_in_rows([[_xlsx_text(v) for v in row] for row in rows]) is not None


def read_xlsx(path: Path) -> ParsedExtract:
    # Not read-only: merged header cells are only reported in the full model, and the table
    # is a few hundred lines at most.
    with open_workbook(path, read_only=False) as workbook:
        sheet = first_sheet(workbook)
        numbered = [(n, [_xlsx_text(v) for v in values]) for n, values in sheet_rows(sheet)]
        spans = [
            (r.min_row - 1, r.min_col - 1, r.max_row - 1, r.max_col - 1)
            for r in sheet.merged_cells.ranges
        ]
        names = [sheet.title, workbook.properties.title or ""]
    grid = Grid([cells for _, cells in numbered], [n for n, _ in numbered], spans, names)
    if find_header(grid) is None:
        if any(is_query_header(cells) for cells in grid.rows[:HEADER_SEARCH_ROWS]):
            raise UnreadableFile(
                "this workbook is a GACC query-platform download, not a preliminary "
                "commodity table; it belongs to gacc_query_xlsx"
            )
        raise UnreadableFile(
            "the first sheet has no table with a Commodity column and Quantity/Value columns"
        )
    return parse_table(grid)


GACC_PRELIMINARY_XLSX = preliminary_kind(
    "gacc_preliminary_xlsx",
    looks_like_xlsx,
    confirms_xlsx,
    read_xlsx,
    "GACC preliminary table 'Major export commodities in quantity and value', as Excel.",
)
