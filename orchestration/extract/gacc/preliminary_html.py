"""The GACC preliminary table saved as an HTML page: its tables read as grids, with spans
carried, and the text around them (titles, a "Unit: USD 1,000" line) as context.

Nothing in the page is run: scripts and styles are dropped by the standard library's
tokenizer, and only text reaches the grid.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from orchestration.extract.contract import ParsedExtract, UnreadableFile
from orchestration.extract.gacc.preliminary_table import (
    Grid,
    clean_text,
    find_header,
    parse_table,
    preliminary_kind,
)
from orchestration.extract.text_encoding import decode

# Spans beyond these are malformed or hostile markup, not a table layout.
MAX_COLSPAN = 50
MAX_ROWSPAN = 500


@dataclass
class _HtmlTable:
    """One <table> being read: rowspans carried down, colspans across, text per cell."""

    blocks_before: int
    caption: list[str] = field(default_factory=list)
    cells: list[dict[int, str]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    spans: list[tuple[int, int, int, int]] = field(default_factory=list)
    in_caption: bool = False
    _covered: dict[int, int] = field(default_factory=dict)  # column -> rows still spanned
    _row: dict[int, str] | None = None
    _next: int = 0
    _cell: list[str] | None = None
    _cell_column: int = 0
    _line: int = 0

    def seen(self, line: int) -> None:
        self._line = line

    def start_row(self) -> None:
        self.end_row()
        self._row, self._next = {}, 0
        for column, left in self._covered.items():
            if left > 0:  # a cell from a row above reaches down into this one
                self._covered[column] = left - 1
                self._row[column] = ""

    def end_row(self) -> None:
        self.end_cell()
        if self._row is not None:
            self.cells.append(self._row)
            self.lines.append(self._line)  # the line where the row ends, as for CSV records
            self._row = None

    def start_cell(self, colspan: int, rowspan: int) -> None:
        self.end_cell()
        if self._row is None:
            self.start_row()
        assert self._row is not None
        column = self._next
        while column in self._row:
            column += 1
        for c in range(column, column + colspan):
            self._row[c] = ""
            if rowspan > 1:
                self._covered[c] = rowspan - 1
        if colspan > 1 or rowspan > 1:
            top = len(self.cells)
            self.spans.append((top, column, top + rowspan - 1, column + colspan - 1))
        self._cell, self._cell_column, self._next = [], column, column + colspan

    def end_cell(self) -> None:
        if self._cell is not None and self._row is not None:
            self._row[self._cell_column] = clean_text("".join(self._cell))
        self._cell = None

    def text(self, data: str) -> None:
        if self.in_caption:
            self.caption.append(data)
        elif self._cell is not None:
            self._cell.append(data)

    def grid(self, blocks: list[str]) -> Grid:
        width = max((max(row) + 1 for row in self.cells if row), default=0)
        rows = [[row.get(c, "") for c in range(width)] for row in self.cells]
        context = [clean_text("".join(self.caption)), *reversed(blocks[: self.blocks_before])]
        return Grid(rows, list(self.lines), list(self.spans), [t for t in context if t])


class _TableReader(HTMLParser):
    """Tables and the text around them; scripts and styles are dropped, nothing is run.

    Text inside a nested table belongs to that table only, so a page laid out with tables
    still yields the data table with its own cells.
    """

    SKIP = {"script", "style", "noscript", "template", "svg", "iframe", "object"}
    BLOCKS = {
        "address", "article", "br", "caption", "div", "h1", "h2", "h3", "h4", "h5", "h6",
        "header", "li", "p", "section", "table", "tbody", "td", "tfoot", "th", "thead",
        "title", "tr",
    }  # fmt: skip
    LINE_BREAKS = {"br", "p", "div", "li"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.tables: list[_HtmlTable] = []
        self._open: list[_HtmlTable] = []
        self._block: list[str] = []
        self._skip = 0

    def _flush(self) -> None:
        text = clean_text("".join(self._block))
        if text:
            self.blocks.append(text)
        self._block = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self._skip += 1
        if self._skip:
            return
        if tag in self.BLOCKS:
            self._flush()
        if tag == "table":
            table = _HtmlTable(blocks_before=len(self.blocks))
            self.tables.append(table)
            self._open.append(table)
        if not self._open:
            return
        table = self._open[-1]
        if tag in ("tr", "thead", "tbody", "tfoot"):
            table.end_row()  # a row left open ends where its last content was
        table.seen(self.getpos()[0])
        if tag == "caption":
            table.in_caption = True
        elif tag == "tr":
            table.start_row()
        elif tag in ("td", "th"):
            values = {k.lower(): v or "" for k, v in attrs}
            table.start_cell(
                _span(values.get("colspan"), MAX_COLSPAN), _span(values.get("rowspan"), MAX_ROWSPAN)
            )
        elif tag in ("thead", "tbody", "tfoot"):
            table.end_row()
        elif tag in self.LINE_BREAKS:
            table.text(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self._skip = max(self._skip - 1, 0)
            return
        if self._skip:
            return
        if tag in self.BLOCKS:
            self._flush()
        if not self._open:
            return
        table = self._open[-1]
        if tag in ("table", "thead", "tbody", "tfoot"):
            table.end_row()
        table.seen(self.getpos()[0])
        if tag == "table":
            table.end_row()
            self._open.pop()
        elif tag == "caption":
            table.in_caption = False
        elif tag == "tr" or tag in ("thead", "tbody", "tfoot"):
            table.end_row()
        elif tag in ("td", "th"):
            table.end_cell()

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        self._block.append(data)
        if self._open:
            if data.strip():
                self._open[-1].seen(self.getpos()[0])
            self._open[-1].text(data)

    def close(self) -> None:
        super().close()
        self._flush()
        while self._open:  # a page saved half-way still has the rows it got
            self._open.pop().end_row()


def _span(value: str | None, limit: int) -> int:
    try:
        return min(max(int((value or "1").strip()), 1), limit)
    except ValueError:
        return 1


_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.I)


def decode_html(data: bytes) -> str:
    """Text of a saved page: its byte-order mark, UTF-8, the charset it declares, then GB18030
    (pages of the Chinese customs site that declare nothing)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    declared = _CHARSET.search(data[:4096])
    try:
        text, _ = decode(data, declared.group(1).decode("ascii") if declared else None)
    except UnreadableFile:
        raise UnreadableFile(
            "the page is neither UTF-8 nor in the charset it declares, nor GBK"
        ) from None
    return text


def html_grids(text: str) -> list[Grid]:
    reader = _TableReader()
    reader.feed(text)
    reader.close()
    return [table.grid(reader.blocks) for table in reader.tables if table.cells]


def _first_preliminary_grid(path: Path) -> Grid | None:
    for grid in html_grids(decode_html(path.read_bytes())):
        if find_header(grid) is not None:
            return grid
    return None


_HTML_MARKUP = re.compile(r"<\s*(?:!doctype\s+html|html|head|body|table)\b", re.I)
_HTML_TITLE = re.compile(
    r"major\s+export\s+commodities|quantity\s+and\s+value|exports?\s+of\s+major\s+commodities",
    re.I,
)


def recognizes_html(head: bytes) -> bool:
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = head.decode("utf-16", errors="ignore")
    else:
        text = head.decode("utf-8", errors="ignore")
    return bool(_HTML_MARKUP.search(text) and _HTML_TITLE.search(text))


def confirms_html(path: Path) -> bool:
    """Whether the page holds the table itself; an article that merely mentions "quantity and
    value" is left to the news readers."""
    try:
        return _first_preliminary_grid(path) is not None
    except UnreadableFile:
        return False


def read_html(path: Path) -> ParsedExtract:
    grid = _first_preliminary_grid(path)
    if grid is None:
        raise UnreadableFile(
            "the page has no table with a Commodity column and Quantity/Value columns"
        )
    return parse_table(grid)


GACC_PRELIMINARY_HTML = preliminary_kind(
    "gacc_preliminary_html",
    recognizes_html,
    confirms_html,
    read_html,
    "GACC preliminary table 'Major export commodities in quantity and value', as saved HTML.",
)
