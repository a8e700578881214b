"""Reader for GACC's English preliminary table "Major export commodities in quantity and value".

The table comes out with the preliminary release (around the 7th-14th of the month, before the
detailed query data) on english.customs.gov.cn, and users save it as an HTML page or as an
Excel workbook. Each commodity line gives a unit, the month's quantity and value and the
January-to-month quantity and value (and percentage changes, which are derived and ignored).
Its "rare earths" line is the 17-element total the press quotes.

Beyond that the layout is not documented and has varied (one- or two-row headers, column order,
"Value (USD 1,000)" or "(In US$ 1,000)"), so columns are located by their header text, never
by position, and the month and the value unit are read from the table's own words. When either
cannot be read the whole file is rejected: a guessed unit or month would land wrong figures
that look right. Every line lands, rare earths or not; dbt picks the lines it maps.

This module reads the table as a grid of cell texts, whatever it was saved as;
preliminary_html.py and preliminary_xlsx.py turn each container into that grid.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from orchestration.extract.contract import FileKind, ParsedExtract, RowReject, UnreadableFile
from orchestration.extract.parsing import parse_month, parse_optional_number
from orchestration.extract.units import known_units_text, tonnes_per_unit

COLUMNS_DDL = """
    report_month date not null,
    commodity varchar not null,
    unit varchar,
    month_quantity double,
    month_value double,
    ytd_quantity double,
    ytd_value double,
    value_currency varchar not null,
    value_multiplier double not null,
    table_title varchar
"""

FIGURE_COLUMNS = ("month_quantity", "month_value", "ytd_quantity", "ytd_value")
# A header is found within the first rows of a sheet; titles and notes take a few rows above.
HEADER_SEARCH_ROWS = 30
# Header rows below the one naming the commodity column (e.g. "June" over "Quantity | Value").
MAX_EXTRA_HEADER_ROWS = 2
MAX_TITLE_CHARS = 300

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH_NAME = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_RANGE = r"\s*(?:-|–|—|~|to|through|thru)\s*"
_YEAR = r"(?P<year>(?:19|20)\d{2})"
# Ways a title names the month, e.g. "in June 2025", "January-June 2025", "(2025.06)",
# "6/2025", "2025年1-6月"; in a range the last month is the report month.
_TITLE_MONTHS = (
    re.compile(rf"\b(?:{_MONTH_NAME}\.?{_RANGE})?(?P<month>{_MONTH_NAME})\.?,?\s*{_YEAR}\b", re.I),
    re.compile(rf"\b{_YEAR}\s*[./-]\s*(?P<month>1[0-2]|0?[1-9])(?!\d)"),
    re.compile(rf"(?<![\d./])(?P<month>1[0-2]|0?[1-9])\s*/\s*{_YEAR}\b"),
    re.compile(rf"{_YEAR}\s*年\s*(?:\d{{1,2}}\s*[-至~]\s*)?(?P<month>1[0-2]|0?[1-9])\s*月"),
)
_MONTH_WORD = re.compile(rf"\b{_MONTH_NAME}\b", re.I)
_YEAR_WORD = re.compile(r"\b(?:19|20)\d{2}\b")
# What the table prints where it has no figure; parsing.py knows "-" and "--" only.
_NO_FIGURE = {"", "-", "--", "\u2013", "\u2014", "\u2015", "\u2026", "...", "n.a.", "n/a", "na"}
_TITLE_WORDS = re.compile(r"commodit|export|quantity|value|customs|trade|table", re.I)

_COMMODITY = re.compile(r"\bcommodit|\bdescription\b|^\s*items?\s*$", re.I)
_QUANTITY = re.compile(r"quantit|\bqty\b|\bvolume\b", re.I)
_VALUE = re.compile(r"\bvalue\b|\bamount\b", re.I)
_UNIT = re.compile(r"\bunits?\b|unit of (?:quantity|measure)", re.I)
_CHANGE = re.compile(
    r"%|\bchange\b|\bgrowth\b|\by/y\b|\byoy\b|±|\bpercent|\bincrease\b|\bover the same\b", re.I
)
_YTD = re.compile(
    rf"cumulat|accumulat|累计|year[- ]to[- ]date|\bytd\b|\bfrom\s+jan"
    rf"|\bjan(?:uary)?\.?{_RANGE}[a-z]|\b1\s*(?:-|–|~|to)\s*(?:1[0-2]|[1-9])\b",
    re.I,
)
_HEADER_WORDS = re.compile(
    rf"{_QUANTITY.pattern}|{_VALUE.pattern}|{_UNIT.pattern}|{_CHANGE.pattern}"
    rf"|{_YTD.pattern}|\b{_MONTH_NAME}\b",
    re.I,
)
_USD = re.compile(r"\busd\b|\bus\s*\$|\$|\bu\.s\.\s*dollars?\b|\bus\s+dollars?\b|美元", re.I)
_CNY = re.compile(r"\brmb\b|\bcny\b|\byuan\b|renminbi|¥|￥|人民币", re.I)
# Most specific first: "10,000" must not be read as "1,000", nor "100 million" as "million".
_MULTIPLIERS = (
    (re.compile(r"\b100\s*million\b|\bhundred\s+million\b|亿", re.I), 1e8),
    (re.compile(r"\bbillions?\b|\bbn\b", re.I), 1e9),
    (re.compile(r"\bmillions?\b|\bmln\b|\bmn\b", re.I), 1e6),
    (re.compile(r"(?<![\d,.])10,?000(?![\d,])|\bten\s+thousand\b|万", re.I), 1e4),
    (re.compile(r"(?<![\d,.])1,?000(?![\d,])|\bthousands?\b|千", re.I), 1e3),
)


# --- the table, whatever it was saved as -------------------------------------------------


@dataclass
class Grid:
    """A table as rows of cell texts, with the file's line or Excel row of each row.

    Spanned cells hold "" except at their top-left origin; `spans` lists them as (top, left,
    bottom, right), inclusive grid indices, so header rows can be filled in ("June" over both
    its Quantity and Value columns) while a note spanning a data row is not copied into figure
    columns. `context` holds the caption and the text before the table, nearest first: where a
    title with the month and a "Unit: USD 1,000" line are found.
    """

    rows: list[list[str]]
    row_numbers: list[int]
    spans: list[tuple[int, int, int, int]] = field(default_factory=list)
    context: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Header:
    anchor: int  # grid index of the row naming the commodity column
    end: int  # grid index of the first row below the header
    commodity: int  # column index


def clean_text(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _is_number(text: str) -> bool:
    try:
        return parse_optional_number(text, allow_negative=True) is not None
    except ValueError:
        return False


def _header_at(rows: Sequence[Sequence[str]], index: int) -> _Header | None:
    """The header starting at this row, if the row names the commodity column and Quantity or
    Value appear beside it or in the header rows below."""
    cells = rows[index]
    if sum(1 for c in cells if c.strip()) < 2:
        return None  # a title line spanning the table, not a header
    commodity = next(
        (
            i
            for i, c in enumerate(cells)
            if _COMMODITY.search(c) and not _QUANTITY.search(c) and not _VALUE.search(c)
        ),
        None,
    )
    if commodity is None:
        return None
    end = index + 1
    while end < len(rows) and end <= index + MAX_EXTRA_HEADER_ROWS:
        below = rows[end]
        first = below[commodity].strip() if commodity < len(below) else ""
        if first not in ("", cells[commodity].strip()) or not any(
            _HEADER_WORDS.search(c) and not _is_number(c) for c in below
        ):
            break
        end += 1
    header_cells = [c for row in rows[index:end] for i, c in enumerate(row) if i != commodity]
    if not any(_QUANTITY.search(c) or _VALUE.search(c) for c in header_cells):
        return None
    return _Header(index, end, commodity)


def find_header_in_rows(rows: Sequence[Sequence[str]]) -> int | None:
    """Grid index of the row naming the commodity column of a preliminary table, if any."""
    for index in range(min(len(rows), HEADER_SEARCH_ROWS)):
        if _header_at(rows, index) is not None:
            return index
    return None


def find_header(grid: Grid) -> _Header | None:
    for index in range(len(grid.rows)):
        header = _header_at(grid.rows, index)
        if header is not None:
            return header
    return None


def _header_labels(grid: Grid, header: _Header) -> list[str]:
    """One label per column, the header rows read top to bottom ("June Quantity")."""
    width = max(len(row) for row in grid.rows[header.anchor : header.end])
    block = [list(row) + [""] * (width - len(row)) for row in grid.rows[header.anchor : header.end]]
    for top, left, bottom, right in grid.spans:
        origin_row = top - header.anchor
        if not 0 <= origin_row < len(block) or left >= width:
            continue
        text = block[origin_row][left]
        for r in range(origin_row, min(bottom - header.anchor, len(block) - 1) + 1):
            for c in range(left, min(right, width - 1) + 1):
                if not block[r][c]:
                    block[r][c] = text
    # Sheets saved without merged cells write a group label ("June") over its first column
    # only; it belongs over every column beneath it that carries a label of its own.
    last = block[-1]
    for row in block[:-1]:
        for c in range(header.commodity + 1, width):
            if not row[c] and row[c - 1] and last[c] and last[c - 1]:
                row[c] = row[c - 1]
    labels = []
    for c in range(width):
        parts: list[str] = []
        for row in block:
            text = clean_text(row[c])
            if text and text not in parts:
                parts.append(text)
        labels.append(" ".join(parts))
    return labels


# --- reading the header's words ------------------------------------------------------------


def _month_in(text: str) -> tuple[int, int, int] | None:
    """(position, year, month) of the first month the text names."""
    found = []
    for pattern in _TITLE_MONTHS:
        match = pattern.search(text)
        if match:
            word = match.group("month")
            month = int(word) if word.isdigit() else _MONTHS[word[:3].lower()]
            found.append((match.start(), int(match.group("year")), month))
    return min(found) if found else None


def _report_month(texts: Sequence[str]) -> tuple[dt.date, str]:
    """The month the table reports and the title that says so.

    Lines that read like the table's title are tried first, so that a "page updated
    2025-07-14" line near the table does not pass for the report month.
    """
    candidates = [t for t in texts if _TITLE_WORDS.search(t)] + list(texts)
    for text in candidates:
        found = _month_in(text)
        if found is None:
            continue
        _, year, month = found
        try:
            return parse_month(f"{year:04d}{month:02d}"), text[:MAX_TITLE_CHARS]
        except ValueError as error:
            raise UnreadableFile(
                f"the title {text!r} names a month that cannot be: {error}"
            ) from None
    shown = "; ".join(repr(t[:80]) for t in texts[:3]) or "no title or caption at all"
    raise UnreadableFile(
        "no report month in the table's title or caption (expected e.g. 'June 2025', "
        f"'2025.06' or '6/2025'); found {shown}"
    )


def _value_unit(text: str) -> tuple[str, float] | None:
    """Currency and multiplier a text states, e.g. "Value (USD 1,000)" -> ("USD", 1000.0).

    A currency with no scale word means units of one; a text naming both currencies says
    nothing certain about either.
    """
    usd, cny = bool(_USD.search(text)), bool(_CNY.search(text))
    if usd == cny:
        return None
    multiplier = next((m for pattern, m in _MULTIPLIERS if pattern.search(text)), 1.0)
    return ("USD" if usd else "CNY"), multiplier


def _named_months(text: str) -> list[int]:
    return [_MONTHS[m.group(0)[:3].lower()] for m in _MONTH_WORD.finditer(text)]


@dataclass(frozen=True)
class _Layout:
    labels: list[str]
    commodity: int
    unit: int | None
    figures: dict[str, int]  # FIGURE_COLUMNS name -> column index
    currency: str
    multiplier: float


def _layout(labels: list[str], commodity: int, report: dt.date, context: Sequence[str]) -> _Layout:
    unit = None
    candidates: dict[str, list[int]] = {name: [] for name in FIGURE_COLUMNS}
    for index, label in enumerate(labels):
        if index == commodity or not label or _CHANGE.search(label):
            continue
        is_measure = _QUANTITY.search(label) or _VALUE.search(label)
        if not is_measure or re.search(r"unit of (?:quantity|measure)", label, re.I):
            if unit is None and _UNIT.search(label):
                unit = index
            continue
        period = "ytd" if _YTD.search(label) else "month"
        measure = "quantity" if _QUANTITY.search(label) else "value"
        candidates[f"{period}_{measure}"].append(index)

    def unit_of(index: int) -> tuple[str, float] | None:
        return _value_unit(labels[index]) or next(
            (found for text in context if (found := _value_unit(text))), None
        )

    figures: dict[str, int] = {}
    for name, columns in candidates.items():
        if len(columns) > 1:  # e.g. the same month last year, or values in both currencies
            columns = (
                [c for c in columns if str(report.year) in labels[c]]
                or [c for c in columns if not _YEAR_WORD.search(labels[c])]
                or columns
            )
        if len(columns) > 1 and name.endswith("value"):
            columns = [c for c in columns if (unit_of(c) or ("",))[0] == "USD"] or columns
        if len(columns) > 1:
            shown = ", ".join(repr(labels[c]) for c in columns)
            raise UnreadableFile(f"cannot tell which column is {name}: {shown}")
        if columns:
            figures[name] = columns[0]
    if not figures:
        raise UnreadableFile(
            "the header has no Quantity or Value columns "
            f"(columns: {', '.join(repr(label) for label in labels if label)})"
        )
    value_columns = [figures[n] for n in ("month_value", "ytd_value") if n in figures]
    if not value_columns:
        raise UnreadableFile("the header has no Value column, so the figures have no currency")
    units = {}
    for index in value_columns:
        found = unit_of(index)
        if found is None:
            raise UnreadableFile(
                f"cannot read the currency and unit of value column {labels[index]!r} "
                "(expected e.g. 'Value (USD 1,000)', 'Value (RMB 10,000)' or a caption "
                "'(In US$ 1,000)')"
            )
        units[labels[index]] = found
    if len(set(units.values())) > 1:
        raise UnreadableFile(f"value columns state different units: {units}")
    for name, index in figures.items():
        named = _named_months(labels[index])
        if named and named[-1] != report.month:
            raise UnreadableFile(
                f"column {labels[index]!r} ({name}) does not end in the title's month "
                f"{report:%B %Y}"
            )
    currency, multiplier = next(iter(units.values()))
    return _Layout(labels, commodity, unit, figures, currency, multiplier)


# --- rows ------------------------------------------------------------------------------


def parse_table(grid: Grid) -> ParsedExtract:
    """Rows and rejects of one table; whole-file problems (no month, no unit) raise."""
    header = find_header(grid)
    if header is None:
        raise UnreadableFile(
            "no table with a Commodity column and Quantity/Value columns was found"
        )
    above = [
        text
        for row in reversed(grid.rows[: header.anchor])
        if (text := clean_text(" ".join(c for c in row if c.strip())))
    ]
    context = [*above, *(clean_text(t) for t in grid.context if clean_text(t))]
    report, title = _report_month(context)
    labels = _header_labels(grid, header)
    layout = _layout(labels, header.commodity, report, context)

    return _parse_lines(grid, header, layout, {"report_month": report, "table_title": title})


def _parse_lines(
    grid: Grid, header: _Header, layout: _Layout, table_fields: dict[str, object]
) -> ParsedExtract:
    """The commodity lines below the header.

    GACC's English monthly tables may put each commodity on two lines: its figures, then the
    percentage change of each of those cells on a line with no name and no unit. Where the
    header has no change columns of its own, such a line right below a commodity line is
    taken for that, and skipped (changes are derived, never landed); anywhere else a line
    without a name is quarantined.
    """
    parsed = ParsedExtract()
    commodity_label = clean_text(grid.rows[header.anchor][header.commodity])
    two_line = not any(_CHANGE.search(label) for label in layout.labels)
    below_commodity = False
    for cells, row_number in zip(
        grid.rows[header.end :], grid.row_numbers[header.end :], strict=True
    ):

        def cell(index: int | None, row: list[str] = cells) -> str:
            return clean_text(row[index]) if index is not None and index < len(row) else ""

        commodity, unit_text = cell(layout.commodity), cell(layout.unit)
        figures = {name: cell(index) for name, index in layout.figures.items()}
        unit = "" if unit_text.lower() in _NO_FIGURE else unit_text
        after_commodity, below_commodity = below_commodity, bool(commodity)
        if commodity == commodity_label:
            continue  # the header repeated (a sheet printed over several pages)
        if not unit_text and all(t.lower() in _NO_FIGURE for t in figures.values()):
            continue  # blank line, section heading or footnote: no figures to land
        changes_above = two_line and after_commodity and not (commodity or unit)
        if changes_above and all(map(_is_change, figures.values())):
            continue  # the percentage changes of the commodity line above
        raw_text = " | ".join(clean_text(c) for c in cells)
        try:
            if not commodity:
                raise ValueError(layout.labels[layout.commodity], "is empty")
            row = _parse_figures(figures, layout)
            _check_unit(unit, row, layout)
        except ValueError as error:
            field_name, message = error.args
            parsed.rejects.append(RowReject(row_number, field_name, message, raw_text))
            continue
        parsed.rows.append(
            {
                "commodity": commodity,
                "unit": unit or None,
                **row,
                "value_currency": layout.currency,
                "value_multiplier": layout.multiplier,
                **table_fields,
                "_row_number": row_number,
            }
        )
    return parsed


def _is_change(text: str) -> bool:
    return _is_number(text) or text.lower() in _NO_FIGURE


def _check_unit(unit: str, row: dict[str, float | None], layout: _Layout) -> None:
    """A quantity is only a figure with a unit that converts to tonnes (10000T, a scale,
    included); a line of values alone needs none."""
    if row["month_quantity"] is None and row["ytd_quantity"] is None:
        return
    field_name = layout.labels[layout.unit] if layout.unit is not None else "unit"
    if not unit:
        raise ValueError(field_name, "a quantity without a unit cannot be converted to tonnes")
    if tonnes_per_unit(unit) is None:
        raise ValueError(
            field_name,
            f"unit {unit!r} cannot be converted to tonnes (known: {known_units_text()})",
        )


def _parse_figures(figures: dict[str, str], layout: _Layout) -> dict[str, float | None]:
    row: dict[str, float | None] = dict.fromkeys(FIGURE_COLUMNS)
    for name, text in figures.items():
        if text.lower() in _NO_FIGURE:
            continue
        try:
            row[name] = parse_optional_number(text)
        except ValueError as error:
            raise ValueError(layout.labels[layout.figures[name]], str(error)) from None
    return row


def preliminary_kind(
    name: str,
    recognizes: Callable[[bytes], bool],
    confirm: Callable[[Path], bool],
    read: Callable[[Path], ParsedExtract],
    description: str,
) -> FileKind:
    return FileKind(
        name=name,
        raw_table="raw.gacc_preliminary_table",
        columns_ddl=COLUMNS_DDL,
        recognizes=recognizes,
        read=read,
        description=description,
        confirms=confirm,
    )
