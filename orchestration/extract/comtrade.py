"""Readers for UN Comtrade records: API responses (JSON) and CSV downloads.

Both carry the same record fields under the same camelCase names (domain-facts section 3),
so one record parser serves both and both land in raw.comtrade_records. Monthly records
(freqCode M) land at their month; annual records (freqCode A, period YYYY, refMonth 52) land
at the year grain, dated the first of January with freq_code A, and staging gives them
months_covered = 12 so that no model takes a year for its January. Values land as reported
(kilograms, US dollars); staging converts units.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from orchestration.extract.contract import FileKind, ParsedExtract, RowReject, UnreadableFile
from orchestration.extract.parsing import (
    EARLIEST_YEAR,
    parse_bool,
    parse_month,
    parse_optional_number,
)

RAW_TABLE = "raw.comtrade_records"

COLUMNS_DDL = """
    period_month date not null,
    freq_code varchar,
    reporter_code integer not null,
    reporter_iso varchar,
    reporter_desc varchar,
    flow_code varchar not null,
    partner_code integer,
    partner_iso varchar,
    partner_desc varchar,
    partner2_code integer,
    classification_code varchar,
    cmd_code varchar not null,
    cmd_desc varchar,
    aggr_level integer,
    is_leaf boolean,
    customs_code varchar,
    mot_code integer,
    qty_unit_code integer,
    qty_unit_abbr varchar,
    qty double,
    alt_qty_unit_code integer,
    alt_qty double,
    net_wgt_kg double,
    gross_wgt_kg double,
    cif_value_usd double,
    fob_value_usd double,
    primary_value_usd double,
    legacy_estimation_flag integer,
    is_reported boolean,
    is_aggregate boolean,
    source_ref varchar,
    weight_note varchar
"""
# partner_code may be null: third-party tables name partners in English, not by Comtrade's
# code (extract/comtrade_partner_table.py); partner_iso then says who the partner is, or
# nobody knows.
# source_ref names the release where the file is not Comtrade's own answer, and weight_note
# says why a weight is missing; Comtrade's own responses and downloads leave both null.
EXTRA_COLUMNS = ("source_ref", "weight_note")

# What recognizes a Comtrade record, in a JSON response or a CSV header.
KEY_FIELDS = ("reporterCode", "flowCode", "cmdCode")
CSV_REQUIRED = ("period", "reporterCode", "flowCode", "partnerCode", "cmdCode")

# cmdCode is an HS chapter, heading or subheading (2, 4 or 6 digits) or Comtrade's TOTAL;
# anything else (dots, national 8-digit lines, text) is not a Comtrade commodity code.
_CMD_CODE = re.compile(r"^(\d{2}|\d{4}|\d{6}|TOTAL)$")
# Codes land in 32-bit integer columns; a larger number would fail the whole file's insert.
_MAX_INTEGER = 2**31 - 1
_DATA_ARRAY = re.compile(rb'"data"\s*:\s*\[\s*\{')
# Comtrade's refMonth for an annual record.
ANNUAL_REF_MONTH = 52

# Each parser returns the value (None when empty) or raises ValueError with a reason.
Parser = Callable[[Any], Any]


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def _scalar_text(value: Any) -> str:
    """A JSON scalar or CSV cell as text; lists, objects and booleans are never numbers."""
    if isinstance(value, bool | dict | list):
        raise ValueError(f"{json.dumps(value)} is not a number")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{value!r} is not a finite number")
    return str(value)


def _optional_text(value: Any) -> str | None:
    if _is_empty(value):
        return None
    if isinstance(value, dict | list):
        raise ValueError(f"{json.dumps(value)} is not text")
    return str(value).strip()


def _optional_int(value: Any) -> int | None:
    if _is_empty(value):
        return None
    text = _scalar_text(value).strip()
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f"{text!r} is not an integer") from None
    if not number.is_integer():
        raise ValueError(f"{text!r} is not an integer")
    if abs(number) > _MAX_INTEGER:
        raise ValueError(f"{text!r} is too large for a code")
    return int(number)


def _optional_amount(value: Any) -> float | None:
    """Quantities, weights and values: none may be negative. Zero is legitimate (Comtrade's
    preview data carries zero netWgt and qty where the reporter gave none)."""
    if _is_empty(value):
        return None
    return parse_optional_number(_scalar_text(value))


def _optional_bool(value: Any) -> bool | None:
    if _is_empty(value):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    return parse_bool(str(value))


def _cmd_code(value: Any) -> str | None:
    text = _optional_text(value)
    if text is None:
        return None
    if not _CMD_CODE.match(text):
        raise ValueError(f"{text!r} is not an HS commodity code (2, 4 or 6 digits, or TOTAL)")
    return text


# Comtrade field -> (raw column, parser, required). The order is the raw table's.
FIELDS: dict[str, tuple[str, Parser, bool]] = {
    "freqCode": ("freq_code", _optional_text, False),
    "reporterCode": ("reporter_code", _optional_int, True),
    "reporterISO": ("reporter_iso", _optional_text, False),
    "reporterDesc": ("reporter_desc", _optional_text, False),
    "flowCode": ("flow_code", _optional_text, True),
    "partnerCode": ("partner_code", _optional_int, True),
    "partnerISO": ("partner_iso", _optional_text, False),
    "partnerDesc": ("partner_desc", _optional_text, False),
    "partner2Code": ("partner2_code", _optional_int, False),
    "classificationCode": ("classification_code", _optional_text, False),
    "cmdCode": ("cmd_code", _cmd_code, True),
    "cmdDesc": ("cmd_desc", _optional_text, False),
    "aggrLevel": ("aggr_level", _optional_int, False),
    "isLeaf": ("is_leaf", _optional_bool, False),
    "customsCode": ("customs_code", _optional_text, False),
    "motCode": ("mot_code", _optional_int, False),
    "qtyUnitCode": ("qty_unit_code", _optional_int, False),
    "qtyUnitAbbr": ("qty_unit_abbr", _optional_text, False),
    "qty": ("qty", _optional_amount, False),
    "altQtyUnitCode": ("alt_qty_unit_code", _optional_int, False),
    "altQty": ("alt_qty", _optional_amount, False),
    "netWgt": ("net_wgt_kg", _optional_amount, False),
    "grossWgt": ("gross_wgt_kg", _optional_amount, False),
    "cifvalue": ("cif_value_usd", _optional_amount, False),
    "fobvalue": ("fob_value_usd", _optional_amount, False),
    "primaryValue": ("primary_value_usd", _optional_amount, False),
    "legacyEstimationFlag": ("legacy_estimation_flag", _optional_int, False),
    "isReported": ("is_reported", _optional_bool, False),
    "isAggregate": ("is_aggregate", _optional_bool, False),
}
RAW_COLUMNS = ("period_month", *(column for column, _, _ in FIELDS.values()), *EXTRA_COLUMNS)


class _Rejected(Exception):
    def __init__(self, field: str, reason: str) -> None:
        super().__init__(field, reason)
        self.field = field
        self.reason = reason


def parse_record(record: dict[str, Any]) -> dict[str, Any]:
    """One Comtrade record (JSON object or CSV row as a dict) to a raw row.

    Raises _Rejected naming the Comtrade field and a reason a user can act on.
    """
    freq = _optional_text(record.get("freqCode"))
    if freq is not None and freq.upper() not in ("M", "A"):
        raise _Rejected("freqCode", f"{freq!r} is not a known frequency (M or A)")
    annual = freq is not None and freq.upper() == "A"

    period = record.get("period")
    if _is_empty(period):
        raise _Rejected("period", "is empty")
    try:
        text = _scalar_text(period).strip()
        period_month = _parse_year(text) if annual else parse_month(text)
    except ValueError as error:
        raise _Rejected("period", str(error)) from None
    ref_month = ANNUAL_REF_MONTH if annual else period_month.month
    _check_reference_month(record, period_month.year, ref_month, text)

    row: dict[str, Any] = {"period_month": period_month}
    for name, (column, parse, required) in FIELDS.items():
        try:
            value = parse(record.get(name))
        except ValueError as error:
            raise _Rejected(name, str(error)) from None
        if value is None and required:
            raise _Rejected(name, "is empty")
        row[column] = value
    row.update(dict.fromkeys(EXTRA_COLUMNS))
    return row


def _parse_year(text: str, today: dt.date | None = None) -> dt.date:
    """An annual record's period, YYYY, as the first of January; only years that are over."""
    if not re.fullmatch(r"\d{4}", text):
        raise ValueError(f"{text!r} is not a year (an annual record, freqCode A, has YYYY)")
    year = int(text)
    if year < EARLIEST_YEAR:
        raise ValueError(f"{text!r} is before {EARLIEST_YEAR}")
    if year >= (today or dt.date.today()).year:
        raise ValueError(f"{text!r} is a year not yet over")
    return dt.date(year, 1, 1)


def _check_reference_month(record: dict[str, Any], year: int, month: int, period: str) -> None:
    """refYear/refMonth restate the period (refMonth 52 for a year); when they disagree, the
    record cannot be dated."""
    for name, expected in (("refYear", year), ("refMonth", month)):
        value = record.get(name)
        if _is_empty(value):
            continue
        try:
            stated = _optional_int(value)
        except ValueError as error:
            raise _Rejected(name, str(error)) from None
        if stated != expected:
            raise _Rejected(name, f"{stated} disagrees with period {period}; cannot date it")


def _add_record(parsed: ParsedExtract, row_number: int, record: Any, raw_text: str) -> None:
    """Parse one record into a row, or into a reject that names the field and the reason."""
    if not isinstance(record, dict):
        parsed.rejects.append(RowReject(row_number, "*", "not a JSON object", raw_text))
        return
    try:
        row = parse_record(record)
    except _Rejected as rejected:
        parsed.rejects.append(RowReject(row_number, rejected.field, rejected.reason, raw_text))
        return
    row["_row_number"] = row_number
    parsed.rows.append(row)


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableFile(f"not UTF-8 text (undecodable byte at offset {error.start})") from None


# --- JSON API responses -----------------------------------------------------------------


def recognizes_json(head: bytes) -> bool:
    """A JSON object whose "data" list holds records with reporterCode, flowCode and cmdCode.

    Only the head of the file is seen, so a long response is judged on its opening: the
    "data" array must start with an object, and the key fields must appear after it.
    """
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if not text.startswith(b"{"):
        return False
    try:
        document = json.loads(text)
    except ValueError:
        match = _DATA_ARRAY.search(text)
        if not match:
            return False
        rest = text[match.end() :]
        return all(f'"{key}"'.encode() in rest for key in KEY_FIELDS)
    except UnicodeDecodeError:
        return False
    data = document.get("data") if isinstance(document, dict) else None
    return (
        isinstance(data, list)
        and bool(data)
        and isinstance(data[0], dict)
        and all(key in data[0] for key in KEY_FIELDS)
    )


def read_json(path: Path) -> ParsedExtract:
    """A Comtrade API response; a record's row number is its position in "data" (from 1)."""
    try:
        document = json.loads(_decode(path.read_bytes()))
    except ValueError as error:
        raise UnreadableFile(f"not valid JSON ({error})") from None
    if not isinstance(document, dict) or not isinstance(document.get("data"), list):
        raise UnreadableFile('not a Comtrade response: no "data" list of records')
    parsed = ParsedExtract()
    for index, record in enumerate(document["data"], start=1):
        _add_record(parsed, index, record, json.dumps(record, ensure_ascii=False))
    return parsed


# --- CSV downloads ----------------------------------------------------------------------


def _header_fields(line: str) -> tuple[list[str], str]:
    """Header names and the delimiter: Comtrade's CSV downloads use commas, its bulk text
    files tabs."""
    delimiter = "\t" if line.count("\t") > line.count(",") else ","
    try:
        names = next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:  # not a CSV header line at all
        names = []
    return [name.strip() for name in names], delimiter


def recognizes_csv(head: bytes) -> bool:
    first_line = head.removeprefix(b"\xef\xbb\xbf").split(b"\n", 1)[0].rstrip(b"\r")
    names, _ = _header_fields(first_line.decode("utf-8", errors="ignore"))
    lowered = {name.lower() for name in names}
    return all(required.lower() in lowered for required in CSV_REQUIRED)


def read_csv(path: Path) -> ParsedExtract:
    """Comtrade records as CSV with camelCase headers; a record's row number is its line."""
    text = _decode(path.read_bytes())
    first_line = text.split("\n", 1)[0].rstrip("\r")
    header, delimiter = _header_fields(first_line)
    # Header names are matched without regard to case: downloads differ (cifvalue, cifValue).
    canonical = {name.lower(): name for name in (*FIELDS, "period", "refYear", "refMonth")}
    names = [canonical.get(name.lower(), name) for name in header]
    missing = [name for name in CSV_REQUIRED if name not in names]
    if missing:
        raise UnreadableFile(f"header lacks required column(s): {', '.join(missing)}")

    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    next(reader, None)
    parsed = ParsedExtract()
    for values in reader:
        if not any(value.strip() for value in values):
            continue
        row_number = reader.line_num  # the line where the record ends (header is line 1)
        if len(values) != len(names):
            parsed.rejects.append(
                RowReject(
                    row_number,
                    "*",
                    f"has {len(values)} fields, header has {len(names)}",
                    json.dumps(values, ensure_ascii=False),
                )
            )
            continue
        record = dict(zip(names, values, strict=True))
        _add_record(parsed, row_number, record, json.dumps(record, ensure_ascii=False))
    return parsed


COMTRADE_JSON = FileKind(
    name="comtrade_json",
    raw_table=RAW_TABLE,
    columns_ddl=COLUMNS_DDL,
    recognizes=recognizes_json,
    read=read_json,
    description="UN Comtrade API response (JSON with a data list of records).",
)
COMTRADE_CSV = FileKind(
    name="comtrade_csv",
    raw_table=RAW_TABLE,
    columns_ddl=COLUMNS_DDL,
    recognizes=recognizes_csv,
    read=read_csv,
    description="UN Comtrade records as CSV (camelCase headers, comma or tab separated).",
)
COMTRADE_KINDS = (COMTRADE_JSON, COMTRADE_CSV)
