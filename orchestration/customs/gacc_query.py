"""Reader for CSV exports of GACC's online query platform (stats.customs.gov.cn).

Users download these by hand (the platform sits behind a CAPTCHA). They come GBK-encoded
with Chinese headers, thousands separators and quantities in the first legal unit (kilograms
for the rare-earth codes); trade-mode and province columns appear only when the query asked
for them. Rows land with the values as reported; staging converts units. The Excel download
of the same query (gacc_excel) goes through the same header mapping and row rules.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from orchestration.customs.parsing import (
    iter_csv_records,
    parse_month,
    parse_number,
    parse_optional_number,
)
from orchestration.customs.plausibility import implausible_unit_value
from orchestration.landing.contract import FileKind, ParsedExtract, RowReject, UnreadableFile

# Chinese header -> raw column. The value column is named after its currency.
HEADER_TO_COLUMN = {
    "数据年月": "period_yyyymm",
    "商品编码": "commodity_code",
    "商品名称": "commodity_name",
    "贸易伙伴编码": "partner_code",
    "贸易伙伴名称": "partner_name",
    "贸易方式编码": "trade_mode_code",
    "贸易方式名称": "trade_mode_name",
    "注册地编码": "province_code",
    "注册地名称": "province_name",
    "第一数量": "quantity_1",
    "第一计量单位": "unit_1",
    "第二数量": "quantity_2",
    "第二计量单位": "unit_2",
}
VALUE_HEADERS = {"人民币": "CNY", "美元": "USD"}
REQUIRED = ("period_yyyymm", "commodity_code", "partner_name", "quantity_1", "unit_1")
# Units we can express in tonnes; anything else is quarantined rather than guessed.
KNOWN_UNITS = {"千克", "吨", "克", "kg", "t", "g"}
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


def decode(data: bytes) -> tuple[str, str]:
    """Text and encoding name: UTF-8 (with or without BOM) first, then GB18030 (a GBK superset)."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gbk"
    except UnicodeDecodeError as error:
        raise UnreadableFile(
            f"neither UTF-8 nor GBK text (undecodable byte at offset {error.start})"
        ) from None


def recognizes(head: bytes) -> bool:
    first_line = head.split(b"\n", 1)[0]
    for encoding in ("utf-8-sig", "gb18030"):
        text = first_line.decode(encoding, errors="ignore")
        if "数据年月" in text and "商品编码" in text:
            return True
    return False


def _value_column(header: list[str]) -> tuple[int, str] | None:
    for index, name in enumerate(header):
        for label, currency in VALUE_HEADERS.items():
            if label in name:
                return index, currency
    return None


def is_query_header(cells: Sequence[str]) -> bool:
    """Whether a header row is a query-platform header, whatever the container (CSV, Excel)."""
    text = " ".join(cells)
    return "数据年月" in text and "商品编码" in text


@dataclass(frozen=True)
class QueryHeader:
    """Where each raw column sits in one file's header; the CSV and Excel readers share it."""

    width: int
    positions: dict[str, int]
    value_index: int
    currency: str

    @classmethod
    def from_cells(cls, header: Sequence[str]) -> QueryHeader:
        header = [h.strip() for h in header]
        positions = {HEADER_TO_COLUMN[h]: i for i, h in enumerate(header) if h in HEADER_TO_COLUMN}
        missing = [
            chinese
            for chinese, column in HEADER_TO_COLUMN.items()
            if column in REQUIRED and column not in positions
        ]
        value_column = _value_column(header)
        if missing or value_column is None:
            wanted = missing + ([] if value_column else ["人民币 or 美元 (value)"])
            raise UnreadableFile(f"header lacks required column(s): {', '.join(wanted)}")
        value_index, currency = value_column
        return cls(len(header), positions, value_index, currency)


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
            row = _parse_row(cell, values[header.value_index], header.currency)
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
    text, _encoding = decode(path.read_bytes())
    lines = text.splitlines()
    csv_records = iter_csv_records(text)
    _, header_cells, _ = next(csv_records, (0, [], None))
    header = QueryHeader.from_cells(header_cells or [])

    def records() -> Iterator[tuple[int, list[str] | None, str]]:
        # Row numbers are physical lines, so a quoted field spanning lines still points the
        # user at the line where its record ends.
        for row_number, values, error in csv_records:
            raw_text = lines[row_number - 1][:2000] if row_number <= len(lines) else ""
            yield row_number, values, error or raw_text

    return parse_records(header, records())


def _parse_row(cell: Callable[[str], str], value_text: str, currency: str) -> dict[str, object]:
    column_names = {column: chinese for chinese, column in HEADER_TO_COLUMN.items()}

    def checked(column: str, parse):
        try:
            return parse(cell(column))
        except ValueError as error:
            raise ValueError(column_names[column], str(error)) from None

    def code(text: str) -> str:
        digits = text.replace(".", "").replace(" ", "")
        if not _CODE.match(digits):
            raise ValueError(f"{text!r} is not an 8- or 10-digit commodity code")
        return digits

    def unit(text: str) -> str:
        if text not in KNOWN_UNITS:
            raise ValueError(f"unit {text!r} cannot be converted to tonnes")
        return text

    def non_empty(text: str) -> str:
        if not text:
            raise ValueError("is empty")
        return text

    try:
        value = parse_optional_number(value_text)
    except ValueError as error:
        raise ValueError("人民币" if currency == "CNY" else "美元", str(error)) from None
    row = {
        "period_month": checked("period_yyyymm", parse_month),
        "commodity_code": checked("commodity_code", code),
        "commodity_name": cell("commodity_name") or None,
        "partner_code": cell("partner_code") or None,
        "partner_name": checked("partner_name", non_empty),
        "trade_mode_code": cell("trade_mode_code") or None,
        "trade_mode_name": cell("trade_mode_name") or None,
        "province_code": cell("province_code") or None,
        "province_name": cell("province_name") or None,
        "quantity_1": checked("quantity_1", parse_number),
        "unit_1": checked("unit_1", unit),
        "quantity_2": checked("quantity_2", parse_optional_number),
        "unit_2": cell("unit_2") or None,
        "value": value,
        "value_currency": currency,
    }
    implausible = implausible_unit_value(
        row["commodity_code"],
        row["quantity_1"],
        row["unit_1"],
        value if currency == "USD" else None,
    )
    if implausible:
        raise ValueError("第一数量", implausible)
    return row


def _bulk_loader(conn, paths: Sequence[Path]):
    # Imported here: the bulk path imports this module for the header rules.
    from orchestration.customs.gacc_query_bulk import clean_batch_loader

    return clean_batch_loader(conn, paths)


GACC_QUERY_CSV = FileKind(
    name="gacc_query_csv",
    raw_table="raw.gacc_query_exports",
    columns_ddl=COLUMNS_DDL,
    recognizes=recognizes,
    read=read,
    description="GACC online-query CSV export (commodity x partner [x trade mode x province]).",
    bulk_loader=_bulk_loader,
)
