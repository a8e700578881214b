"""Reader for CSV exports of GACC's online query platform (stats.customs.gov.cn).

Users download these by hand (the platform sits behind a CAPTCHA). They come GBK- or
GB18030-encoded with Chinese headers (query_header: which words name which column, and the
month of a file without a month column), thousands separators and quantities in the first
legal unit (kilograms for the rare-earth codes); trade-mode and province columns appear only
when the query asked for them. Rows land with the values and units as reported; staging
converts units. The Excel download of the same query (query_xlsx) goes through the same
header mapping and row rules, and big clean files take the bulk path (query_bulk).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from orchestration.extract.contract import FileKind, ParsedExtract, RowReject
from orchestration.extract.gacc import query_bulk
from orchestration.extract.gacc.query_header import (
    HEADER_TO_COLUMN,
    QueryHeader,
    is_query_header,
    recognizes,
)
from orchestration.extract.parsing import (
    iter_csv_records,
    parse_month,
    parse_number,
    parse_optional_number,
)
from orchestration.extract.plausibility import implausible_unit_value
from orchestration.extract.text_encoding import decode
from orchestration.extract.units import known_units_text, tonnes_per_unit

# The header rules are re-exported: callers knew them here before query_header held them.
__all__ = [
    "COLUMNS_DDL",
    "GACC_QUERY_CSV",
    "HEADER_TO_COLUMN",
    "LINE_KEY",
    "QueryHeader",
    "is_query_header",
    "parse_records",
    "read",
    "recognizes",
]

_CODE = re.compile(r"^\d{8}(\d{2})?$")

COLUMNS_DDL = """
    period_month date not null,
    commodity_code varchar not null,
    commodity_name varchar,
    partner_code varchar,
    partner_name varchar not null,
    trade_mode_code varchar,
    trade_mode_name varchar,
    province_code varchar,
    province_name varchar,
    quantity_1 double not null,
    unit_1 varchar not null,
    quantity_2 double,
    unit_2 varchar,
    value double,
    value_currency varchar
"""


# A line is one grain of the query: month x code x partner x trade mode x province.
LINE_KEY = ("period_month", "commodity_code", "partner_name", "trade_mode_code", "province_code")


def parse_records(
    header: QueryHeader, records: Iterable[tuple[int, list[str] | None, str]]
) -> ParsedExtract:
    """Good rows and rejects from (row number, cells as text or None, raw text) records.

    Every container hands over cells as text so that one set of rules decides what is a good
    line: a GACC line is judged the same whether it came as CSV or as an Excel download.
    Cells of None mean the container could not read the record at all (raw text says why).
    """
    parsed = ParsedExtract()
    first_line_of: dict[tuple, tuple[int, list[str]]] = {}
    for row_number, values, raw_text in records:
        if values is None:
            parsed.rejects.append(RowReject(row_number, "*", raw_text, ""))
            continue
        if not any(v.strip() for v in values):
            continue
        if len(values) != header.width:
            parsed.rejects.append(
                RowReject(
                    row_number,
                    "*",
                    f"has {len(values)} fields, header has {header.width}",
                    raw_text,
                )
            )
            continue

        def cell(column: str, record: list[str] = values) -> str:
            index = header.positions.get(column)
            return record[index].strip() if index is not None else ""

        try:
            row = _parse_row(header, cell, values[header.value_index])
        except ValueError as error:
            field_name, message = error.args
            parsed.rejects.append(RowReject(row_number, field_name, message, raw_text))
            continue
        key = tuple(row[column] for column in LINE_KEY)
        earlier = first_line_of.get(key)
        if earlier is not None:
            relation = "duplicate of" if earlier[1] == values else "conflicts with"
            parsed.rejects.append(
                RowReject(
                    row_number,
                    "*",
                    f"{relation} row {earlier[0]} (same month, code, partner, trade mode "
                    "and province)",
                    raw_text,
                )
            )
            continue
        first_line_of[key] = (row_number, values)
        row["_row_number"] = row_number
        parsed.rows.append(row)
    return parsed


def read(path: Path) -> ParsedExtract:
    text, _codec = decode(path.read_bytes())
    lines = text.splitlines()
    csv_records = iter_csv_records(text)
    _, header_cells, _ = next(csv_records, (0, [], None))
    header = QueryHeader.for_file(header_cells or [], path)

    def records() -> Iterator[tuple[int, list[str] | None, str]]:
        # Row numbers are physical lines, so a quoted field spanning lines still points the
        # user at the line where its record ends.
        for row_number, values, error in csv_records:
            raw_text = lines[row_number - 1][:2000] if row_number <= len(lines) else ""
            yield row_number, values, error or raw_text

    return parse_records(header, records())


def _code(text: str) -> str:
    digits = text.replace(".", "").replace(" ", "")
    if not _CODE.match(digits):
        raise ValueError(f"{text!r} is not an 8- or 10-digit commodity code")
    return digits


def _unit(text: str) -> str:
    if tonnes_per_unit(text) is None:
        raise ValueError(
            f"unit {text!r} cannot be converted to tonnes (known: {known_units_text()})"
        )
    return text


def _non_empty(text: str) -> str:
    if not text:
        raise ValueError("is empty")
    return text


def _parse_row(
    header: QueryHeader, cell: Callable[[str], str], value_text: str
) -> dict[str, object]:
    """One line's raw row; ValueError(field as the file's header names it, reason) if bad."""
    canonical = {column: chinese for chinese, column in HEADER_TO_COLUMN.items()}

    def checked(column: str, parse):
        try:
            return parse(cell(column))
        except ValueError as error:
            raise ValueError(header.labels.get(column, canonical[column]), str(error)) from None

    try:
        value = parse_optional_number(value_text)
    except ValueError as error:
        raise ValueError(header.value_label, str(error)) from None
    row = {
        "period_month": header.file_period or checked("period_yyyymm", parse_month),
        "commodity_code": checked("commodity_code", _code),
        "commodity_name": cell("commodity_name") or None,
        "partner_code": cell("partner_code") or None,
        "partner_name": checked("partner_name", _non_empty),
        "trade_mode_code": cell("trade_mode_code") or None,
        "trade_mode_name": cell("trade_mode_name") or None,
        "province_code": cell("province_code") or None,
        "province_name": cell("province_name") or None,
        "quantity_1": checked("quantity_1", parse_number),
        "unit_1": checked("unit_1", _unit),
        "quantity_2": checked("quantity_2", parse_optional_number),
        "unit_2": cell("unit_2") or None,
        "value": value,
        "value_currency": header.currency,
    }
    implausible = implausible_unit_value(
        row["commodity_code"],
        row["quantity_1"],
        row["unit_1"],
        value if header.currency == "USD" else None,
    )
    if implausible:
        raise ValueError(header.labels["quantity_1"], implausible)
    return row


GACC_QUERY_CSV = FileKind(
    name="gacc_query_csv",
    raw_table="raw.gacc_query_exports",
    columns_ddl=COLUMNS_DDL,
    recognizes=recognizes,
    read=read,
    description="GACC online-query CSV export (commodity x partner [x trade mode x province]).",
    bulk_loader=query_bulk.clean_batch_loader,
)
