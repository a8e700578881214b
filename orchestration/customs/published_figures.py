"""Reader for the "published figures" extract: monthly figures transcribed from reports.

The extract is the project's own CSV layout (data/landing/published_figures/): one row per
figure a report published, with its source URL. It is recognized by its exact header.
"""

from __future__ import annotations

import re
from pathlib import Path

from orchestration.customs.parsing import (
    iter_csv_records,
    parse_bool,
    parse_month,
    parse_number,
    parse_optional_number,
)
from orchestration.landing.contract import FileKind, ParsedExtract, RowReject, UnreadableFile

COLUMNS = (
    "figure_id",
    "product_code",
    "partner_iso3",
    "period_start",
    "period_end",
    "quantity_t",
    "reported_change",
    "reported_yoy_change_pct",
    "reported_mom_change_pct",
    "source_url",
    "is_verified",
    "note",
)
HEADER = ",".join(COLUMNS).encode()
_PARTNER = re.compile(r"^[A-Z]{3}$")
_PRODUCT = re.compile(r"^(\d{6}|\d{8}|\d{10}|[a-z][a-z0-9_]+)$")

COLUMNS_DDL = """
    figure_id varchar not null,
    product_code varchar not null,
    partner_iso3 varchar not null,
    period_start_month date not null,
    period_end_month date not null,
    quantity_t double not null,
    reported_change varchar,
    reported_yoy_change_pct double,
    reported_mom_change_pct double,
    source_url varchar not null,
    is_verified boolean not null,
    note varchar
"""


def recognizes(head: bytes) -> bool:
    return head.removeprefix(b"\xef\xbb\xbf").split(b"\n", 1)[0].rstrip(b"\r") == HEADER


def _parse_record(record: dict[str, str]) -> dict[str, object]:
    """Parse one record; a ValueError's first argument is (field, message)."""

    def field(name: str, parse):
        try:
            return parse(record[name])
        except ValueError as error:
            raise ValueError(name, str(error)) from None

    def required_text(pattern: re.Pattern[str] | None = None):
        def parse(text: str) -> str:
            if not text.strip():
                raise ValueError("is empty")
            if pattern and not pattern.match(text.strip()):
                raise ValueError(f"{text.strip()!r} is not a valid code")
            return text.strip()

        return parse

    def url(text: str) -> str:
        if not text.strip().startswith(("http://", "https://")):
            raise ValueError(f"{text.strip()!r} is not an http(s) URL")
        return text.strip()

    start = field("period_start", parse_month)
    end = field("period_end", parse_month)
    if end < start:
        raise ValueError("period_end", f"{record['period_end']!r} is before period_start")
    return {
        "figure_id": field("figure_id", required_text()),
        "product_code": field("product_code", required_text(_PRODUCT)),
        "partner_iso3": field("partner_iso3", required_text(_PARTNER)),
        "period_start_month": start,
        "period_end_month": end,
        "quantity_t": field("quantity_t", parse_number),
        "reported_change": record["reported_change"].strip() or None,
        "reported_yoy_change_pct": field(
            "reported_yoy_change_pct", lambda t: parse_optional_number(t, allow_negative=True)
        ),
        "reported_mom_change_pct": field(
            "reported_mom_change_pct", lambda t: parse_optional_number(t, allow_negative=True)
        ),
        "source_url": field("source_url", url),
        "is_verified": field("is_verified", parse_bool),
        "note": record["note"].strip() or None,
    }


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
            parsed.rejects.append(
                RowReject(
                    row_number, "*", f"has {len(values)} fields, expected {len(COLUMNS)}", raw_text
                )
            )
            continue
        try:
            row = _parse_record(dict(zip(COLUMNS, values, strict=True)))
        except ValueError as error:
            field_name, message = error.args
            parsed.rejects.append(RowReject(row_number, field_name, message, raw_text))
            continue
        earlier = first_row_of.get(row["figure_id"])
        if earlier is not None:
            same = earlier[1] == values
            parsed.rejects.append(
                RowReject(
                    row_number,
                    "figure_id",
                    f"{'duplicate of' if same else 'conflicts with'} row {earlier[0]} "
                    f"(figure_id {row['figure_id']!r})",
                    raw_text,
                )
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
    description="Monthly figures transcribed from published reports, one row per figure.",
)
