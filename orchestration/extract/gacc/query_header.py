"""What the header of a query-platform export says: which column is which, and the month.

The CSV reader, the Excel reader and the bulk path all read a header here, so a file means
the same thing to each. The platform's header words vary with what the query asked for and
who wrote the parser that saved it: the quantity may be 第一数量, 第一法定数量, 统计数量 or
数量, the value 美元, 人民币 or 人民币元; a query for one period may leave 数据年月 out, and
then the month comes from the file's name or folder (file_period). Header words are matched
exactly: a 美元单价 (unit price) column is not a value column.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from orchestration.extract.contract import UnreadableFile
from orchestration.extract.gacc.file_period import period_from_path
from orchestration.extract.text_encoding import decode_first_line

# Chinese header -> raw column, as the platform's own download writes it.
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
# Other words for the first quantity (issue 16: what parsers of the platform meet) and for
# its unit beside each of them.
HEADER_ALIASES = {
    "第一法定数量": "quantity_1",
    "统计数量": "quantity_1",
    "数量": "quantity_1",
    "第一法定计量单位": "unit_1",
    "统计计量单位": "unit_1",
    "计量单位": "unit_1",
}
COLUMNS = tuple(HEADER_TO_COLUMN.values())
# The value column is named after its currency.
VALUE_HEADERS = {"美元": "USD", "人民币": "CNY", "人民币元": "CNY"}
REQUIRED = ("commodity_code", "partner_name", "quantity_1", "unit_1")


def _words_for(column: str) -> str:
    words = [h for h, c in (*HEADER_TO_COLUMN.items(), *HEADER_ALIASES.items()) if c == column]
    return words[0] + (f" (or {', '.join(words[1:])})" if len(words) > 1 else "")


def is_query_header(cells: Sequence[str]) -> bool:
    """Whether a header row is a query-platform header, whatever the container (CSV, Excel):
    a commodity code beside the month or the trading partner."""
    text = " ".join(cells)
    return "商品编码" in text and ("数据年月" in text or "贸易伙伴" in text)


def recognizes(head: bytes) -> bool:
    first = decode_first_line(head)
    return first is not None and is_query_header([first[0]])


@dataclass(frozen=True)
class QueryHeader:
    """Where each raw column sits in one file's header, the header word that named it, and
    the file's month where the header has no month column."""

    width: int
    positions: dict[str, int]
    labels: dict[str, str]  # raw column -> the header word this file uses for it
    value_index: int
    currency: str
    file_period: dt.date | None = None

    @property
    def value_label(self) -> str:
        return self.labels["value"]

    @classmethod
    def from_cells(cls, header: Sequence[str]) -> QueryHeader:
        """The header's columns; the month is settled by `for_file`."""
        header = [h.strip() for h in header]
        positions: dict[str, int] = {}
        labels: dict[str, str] = {}
        for index, word in enumerate(header):
            column = HEADER_TO_COLUMN.get(word) or HEADER_ALIASES.get(word)
            if column is None:
                continue
            if column in positions:
                raise UnreadableFile(
                    f"header names one column twice: {labels[column]} and {word} "
                    f"(columns {positions[column] + 1} and {index + 1}); cannot tell which to land"
                )
            positions[column], labels[column] = index, word
        missing = [_words_for(column) for column in REQUIRED if column not in positions]
        values = [(i, h) for i, h in enumerate(header) if h in VALUE_HEADERS]
        if not values:
            missing.append(f"a value column ({', '.join(VALUE_HEADERS)})")
        if missing:
            raise UnreadableFile(f"header lacks required column(s): {'; '.join(missing)}")
        value_index, value_word = values[0]
        labels["value"] = value_word
        return cls(len(header), positions, labels, value_index, VALUE_HEADERS[value_word])

    @classmethod
    def for_file(cls, header: Sequence[str], path: Path) -> QueryHeader:
        """The header of the file at `path`, with its month from the path when the header has
        no 数据年月 column (a file whose path names no single month is unreadable)."""
        found = cls.from_cells(header)
        if "period_yyyymm" in found.positions:
            return found
        return dataclasses.replace(found, file_period=period_from_path(path))
