"""China's monthly exports by partner as tabulated from UN Comtrade by the project
qennis/ChinaCriticalMineralComtrade (its `deep_dive_hs6_monthly.csv` layout).

Each line is what a Comtrade record would say about one month, partner and HS6 code of China's
exports, so it lands in raw.comtrade_records beside Comtrade's own responses: one table, one
staging model, one way into the fact. What the table leaves out is filled from what the layout
is, never from the row: that project pulled reporter 156 and flow X only, so every row gets
those. Partners come as English names and are looked up (partner_names.py), with no Comtrade
partner code. `uv` (val / qty) is derived and is not loaded.

The file cannot say where it comes from, so the reader recognizes the published release by
its SHA-256 and names it in source_ref; any other file in this layout is named as such.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import re
from pathlib import Path
from typing import Any

from orchestration.extract.comtrade import COLUMNS_DDL, RAW_COLUMNS, RAW_TABLE
from orchestration.extract.comtrade_partner_names import iso3_of
from orchestration.extract.contract import FileKind, ParsedExtract, RowReject, UnreadableFile
from orchestration.extract.parsing import parse_month, parse_optional_number
from orchestration.extract.plausibility import implausible_unit_value

HEADER = ("period_dt", "partner_name", "hs6", "val", "qty", "uv")
ORIGIN = "UN Comtrade, reporter 156, flow X"
REPOSITORY = "https://github.com/qennis/ChinaCriticalMineralComtrade"
# SHA-256 of each published release of the table -> the URL of that file at that commit.
KNOWN_RELEASES = {
    "dc86066e942106447328a3fb233dd5b984c63c641ae5f7ced01ce96446a9471f": (
        f"{REPOSITORY}/blob/b722e75272c9d44837b3cd304d1a336f50624773"
        "/data_output/tables/deep_dive_hs6_monthly.csv"
    ),
}
NO_WEIGHT = "no weight reported"

# What the layout itself says about every row (see the module docstring).
_LAYOUT_FIELDS = {
    "freq_code": "M",
    "reporter_code": 156,
    "reporter_iso": "CHN",
    "reporter_desc": "China",
    "flow_code": "X",
    "aggr_level": 6,
}
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_HS6 = re.compile(r"^\d{6}$")


class _Rejected(Exception):
    def __init__(self, field: str, reason: str) -> None:
        super().__init__(field, reason)
        self.field = field
        self.reason = reason


def source_ref_of(data: bytes) -> str:
    url = KNOWN_RELEASES.get(hashlib.sha256(data).hexdigest())
    if url is None:
        url = f"{REPOSITORY} deep_dive_hs6_monthly.csv layout (release not identified)"
    return f"{url}; {ORIGIN}"


def _first_line(text: str) -> str:
    return text.removeprefix("\ufeff").split("\n", 1)[0].rstrip("\r")


def recognizes(head: bytes) -> bool:
    """The exact header of the layout; nothing else carries it."""
    return _first_line(head.decode("utf-8", errors="ignore")) == ",".join(HEADER)


def _period(text: str) -> dt.date:
    """The first day of a month as YYYY-MM-DD; another day would not be a monthly figure."""
    match = _DATE.match(text.strip())
    if not match:
        raise _Rejected("period_dt", f"{text.strip()!r} is not a date (expected YYYY-MM-DD)")
    year, month, day = match.groups()
    if day != "01":
        raise _Rejected("period_dt", f"{text.strip()!r} is not the first day of a month")
    try:
        return parse_month(f"{year}-{month}")
    except ValueError as error:
        raise _Rejected("period_dt", str(error)) from None


def _amount(field: str, text: str) -> float | None:
    try:
        return parse_optional_number(text)
    except ValueError as error:
        raise _Rejected(field, str(error)) from None


def _hs6(text: str) -> str:
    code = text.strip()
    if not _HS6.match(code):
        raise _Rejected("hs6", f"{code!r} is not an HS6 code (6 digits)")
    return code


def _weight(hs6: str, qty: float | None, val: float | None) -> tuple[float | None, str | None]:
    """Net weight in kg and a note. Comtrade writes 0 where no weight was reported; with a
    positive value that is a missing weight, not zero tonnes."""
    if qty == 0 and val is not None and val > 0:
        return None, NO_WEIGHT
    if qty is not None:
        implausible = implausible_unit_value(hs6, qty, "kg", val)
        if implausible:
            raise _Rejected("qty", implausible)
    return qty, None


def parse_line(values: dict[str, str]) -> dict[str, Any]:
    """One line of the table to a raw.comtrade_records row (without source_ref)."""
    period_month = _period(values["period_dt"])
    partner = values["partner_name"].strip()
    if not partner:
        raise _Rejected("partner_name", "is empty")
    hs6 = _hs6(values["hs6"])
    val = _amount("val", values["val"])
    net_wgt_kg, weight_note = _weight(hs6, _amount("qty", values["qty"]), val)
    row = dict.fromkeys(RAW_COLUMNS)
    row.update(_LAYOUT_FIELDS)
    row.update(
        period_month=period_month,
        partner_iso=iso3_of(partner),
        partner_desc=partner,
        cmd_code=hs6,
        net_wgt_kg=net_wgt_kg,
        primary_value_usd=val,
        weight_note=weight_note,
    )
    return row


def _lines(path: Path) -> tuple[bytes, list[str]]:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableFile(f"not UTF-8 text (undecodable byte at offset {error.start})") from None
    lines = text.splitlines()
    if not lines or lines[0] != ",".join(HEADER):
        raise UnreadableFile(f"header is not {','.join(HEADER)}")
    return data, lines


def read(path: Path) -> ParsedExtract:
    """Every line lands or is quarantined; a line's row number is its line in the file."""
    data, lines = _lines(path)
    source_ref = source_ref_of(data)
    parsed = ParsedExtract()
    seen: dict[tuple[Any, ...], int] = {}
    for row_number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        try:
            row = _parse_text(line)
            _check_not_repeated(seen, row, row_number)
        except _Rejected as rejected:
            parsed.rejects.append(RowReject(row_number, rejected.field, rejected.reason, line))
            continue
        row["source_ref"] = source_ref
        row["_row_number"] = row_number
        parsed.rows.append(row)
    return parsed


def _parse_text(line: str) -> dict[str, Any]:
    values = next(csv.reader([line]))
    if len(values) != len(HEADER):
        raise _Rejected("*", f"has {len(values)} fields, header has {len(HEADER)}")
    return parse_line(dict(zip(HEADER, values, strict=True)))


def _check_not_repeated(seen: dict[tuple[Any, ...], int], row: dict, row_number: int) -> None:
    """A second line for the same month, partner and code would be added to the first."""
    key = (row["period_month"], row["partner_desc"], row["cmd_code"])
    if key in seen:
        raise _Rejected("*", f"repeats the month, partner and hs6 of row {seen[key]}")
    seen[key] = row_number


COMTRADE_PARTNER_TABLE = FileKind(
    name="comtrade_partner_table",
    raw_table=RAW_TABLE,
    columns_ddl=COLUMNS_DDL,
    recognizes=recognizes,
    read=read,
    description=(
        "China's monthly exports by partner and HS6 from UN Comtrade, as tabulated by "
        "qennis/ChinaCriticalMineralComtrade (period_dt,partner_name,hs6,val,qty,uv)."
    ),
)
