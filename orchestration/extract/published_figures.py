"""Reader for the "published figures" extract: figures transcribed from reports, one per row.

The extract is the project's own CSV layout (data/landing/published_figures/): one row per
figure a page published, at the grain the page gave it (a month, January to a month, a
quarter, a half-year, a year or a named span), in the unit the page used, with the page's URL
and the id of the reference row it was read from. It is recognized by its exact header.

Quantities stay in the unit reported (kg or t) with the number of decimals printed, so a
1 kg germanium shipment survives exactly and two pages can be compared within the rounding
of what each printed; staging converts to tonnes.
"""

from __future__ import annotations

import re
from pathlib import Path

from orchestration.extract.contract import FileKind, ParsedExtract, RowReject, UnreadableFile
from orchestration.extract.parsing import (
    iter_csv_records,
    parse_bool,
    parse_month,
    parse_optional_number,
)

COLUMNS = (
    "figure_id",
    "reference_id",
    "series_id",
    "partner_iso3",
    "period_start",
    "period_end",
    "quantity",
    "unit",
    "qualifier",
    "value_usd",
    "reported_change",
    "reported_yoy_change_pct",
    "reported_mom_change_pct",
    "source_url",
    "is_verified",
    "note",
)
HEADER = ",".join(COLUMNS).encode()
UNITS = ("kg", "t")
# How a page qualified its number; an empty qualifier is an exact figure.
QUALIFIERS = ("approx", "more_than", "less_than")
_PARTNER = re.compile(r"^[A-Z]{3}$")
_SERIES = re.compile(r"^(\d{6}|\d{8}|\d{10}|[a-z][a-z0-9_]+)$")

COLUMNS_DDL = """
    figure_id varchar not null,
    reference_id varchar,
    series_id varchar not null,
    partner_iso3 varchar not null,
    period_start_month date not null,
    period_end_month date not null,
    quantity double,
    quantity_unit varchar,
    quantity_decimals integer,
    qualifier varchar,
    value_usd double,
    reported_change varchar,
    reported_yoy_change_pct double,
    reported_mom_change_pct double,
    source_url varchar not null,
    is_verified boolean not null,
    note varchar
"""


def recognizes(head: bytes) -> bool:
    return head.removeprefix(b"\xef\xbb\xbf").split(b"\n", 1)[0].rstrip(b"\r") == HEADER


def _required(pattern: re.Pattern[str] | None = None):
    def parse(text: str) -> str:
        if not text.strip():
            raise ValueError("is empty")
        if pattern and not pattern.match(text.strip()):
            raise ValueError(f"{text.strip()!r} is not a valid code")
        return text.strip()

    return parse


def _one_of(allowed: tuple[str, ...]):
    def parse(text: str) -> str | None:
        value = text.strip()
        if value and value not in allowed:
            raise ValueError(f"{value!r} is not one of {', '.join(allowed)}")
        return value or None

    return parse


def _url(text: str) -> str:
    if not text.strip().startswith(("http://", "https://")):
        raise ValueError(f"{text.strip()!r} is not an http(s) URL")
    return text.strip()


def _decimals(text: str) -> int:
    """The last digit the page printed, as a power of ten: 5.15 -> 2 (read to 0.01), 652 -> 0,
    69,440 -> -1. Trailing zeros of a whole number may be rounding (a page printing 1,820 kg
    may have rounded 1,822 kg), so they count as unknown digits."""
    cleaned = text.strip().replace(",", "")
    if "." in cleaned:
        return len(cleaned.split(".", 1)[1])
    digits = cleaned.lstrip("0")
    return -(len(digits) - len(digits.rstrip("0"))) if digits else 0


def _parse_record(record: dict[str, str]) -> dict[str, object]:
    """Parse one record; a ValueError's first argument is (field, message)."""

    def field(name: str, parse):
        try:
            return parse(record[name])
        except ValueError as error:
            raise ValueError(name, str(error)) from None

    start = field("period_start", parse_month)
    end = field("period_end", parse_month)
    if end < start:
        raise ValueError("period_end", f"{record['period_end']!r} is before period_start")
    quantity = field("quantity", parse_optional_number)
    unit = field("unit", _one_of(UNITS))
    value_usd = field("value_usd", parse_optional_number)
    if quantity is None and value_usd is None:
        raise ValueError("quantity", "is empty, and so is value_usd: a figure needs one")
    if quantity is not None and unit is None:
        raise ValueError("unit", f"is empty: say whether {record['quantity']!r} is kg or t")
    if quantity is None and unit is not None:
        raise ValueError("unit", f"{unit!r} is given but quantity is empty")
    return {
        "figure_id": field("figure_id", _required()),
        "reference_id": record["reference_id"].strip() or None,
        "series_id": field("series_id", _required(_SERIES)),
        "partner_iso3": field("partner_iso3", _required(_PARTNER)),
        "period_start_month": start,
        "period_end_month": end,
        "quantity": quantity,
        "quantity_unit": unit,
        "quantity_decimals": _decimals(record["quantity"]) if quantity is not None else None,
        "qualifier": field("qualifier", _one_of(QUALIFIERS)),
        "value_usd": value_usd,
        "reported_change": record["reported_change"].strip() or None,
        "reported_yoy_change_pct": field(
            "reported_yoy_change_pct", lambda t: parse_optional_number(t, allow_negative=True)
        ),
        "reported_mom_change_pct": field(
            "reported_mom_change_pct", lambda t: parse_optional_number(t, allow_negative=True)
        ),
        "source_url": field("source_url", _url),
        "is_verified": field("is_verified", parse_bool),
        "note": record["note"].strip() or None,
    }


def _reject_for_repeat(row_number, values, earlier, figure_id, raw_text) -> RowReject:
    same = earlier[1] == values
    return RowReject(
        row_number,
        "figure_id",
        f"{'duplicate of' if same else 'conflicts with'} row {earlier[0]} "
        f"(figure_id {figure_id!r})",
        raw_text,
    )


def read(path: Path) -> ParsedExtract:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableFile(f"not valid UTF-8 at byte {error.start}") from None
    lines = text.splitlines()
    records = iter_csv_records(text)
    _, header, _ = next(records, (0, None, None))
    if header is None or tuple(h.strip() for h in header) != COLUMNS:
        raise UnreadableFile(f"header must be exactly: {','.join(COLUMNS)}")
    parsed = ParsedExtract()
    first_row_of: dict[str, tuple[int, list[str]]] = {}  # figure_id -> (row, values)
    for row_number, values, error in records:
        raw_text = lines[row_number - 1][:2000] if row_number <= len(lines) else ""
        if error:
            parsed.rejects.append(RowReject(row_number, "*", error, raw_text))
            continue
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(COLUMNS):
            reason = f"has {len(values)} fields, expected {len(COLUMNS)}"
            parsed.rejects.append(RowReject(row_number, "*", reason, raw_text))
            continue
        try:
            row = _parse_record(dict(zip(COLUMNS, values, strict=True)))
        except ValueError as error:
            field_name, message = error.args
            parsed.rejects.append(RowReject(row_number, field_name, message, raw_text))
            continue
        earlier = first_row_of.get(row["figure_id"])
        if earlier is not None:
            parsed.rejects.append(
                _reject_for_repeat(row_number, values, earlier, row["figure_id"], raw_text)
            )
            continue
        first_row_of[row["figure_id"]] = (row_number, values)
        row["_row_number"] = row_number
        parsed.rows.append(row)
    return parsed


PUBLISHED_FIGURES = FileKind(
    name="published_figures",
    raw_table="raw.published_figures",
    columns_ddl=COLUMNS_DDL,
    recognizes=recognizes,
    read=read,
    description=(
        "Figures transcribed from published reports, one row per figure at the grain and in "
        "the unit the page gave it."
    ),
)
