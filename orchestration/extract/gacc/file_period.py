"""The month of a query export that has no 数据年月 column, read from where the user put it.

A query for a single period may come back without a period column: the month was part of the
query, and the only trace of it left is the name the user gave the file (export_2025-06.csv)
or the folder they saved it in (202506/). So those two names are read, strictly: exactly one
month, written YYYYMM or YYYY-MM, or the whole file is quarantined. A day (20250615,
2025-06-15), a longer number that may hold one, or two different months make the month
uncertain; nothing lands under a guessed month. Runs of up to five digits (a year, a copy
number such as "(1)", "gb18030") are not months and are passed over.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from orchestration.extract.contract import UnreadableFile
from orchestration.extract.parsing import parse_month

# At each position the longest reading wins: a dashed day, a dashed month, then a digit run.
_PIECE = re.compile(
    r"(?<!\d)(?:(?P<day>\d{4}-\d{1,2}-\d{1,2})|(?P<month>\d{4}-\d{2})|(?P<digits>\d+))(?!\d)"
)
EXPECTED = "a YYYYMM or YYYY-MM month in the file name or its folder's name"


def _pieces(where: str, text: str) -> tuple[list[tuple[dt.date, str]], list[str]]:
    """Months named in one name, each with where it was found, and the pieces that make the
    month uncertain (with why)."""
    months: list[tuple[dt.date, str]] = []
    doubts: list[str] = []
    for match in _PIECE.finditer(text):
        piece = match.group(0)
        shown = f"{piece!r} in {where} {text!r}"
        if match.group("day") or (match.group("digits") and len(piece) > 6):
            doubts.append(f"{shown} is a day or a longer number, not a month")
        elif match.group("month") or len(piece) == 6:
            try:
                months.append((parse_month(piece), shown))
            except ValueError as error:
                doubts.append(f"{shown} is no month that can be: {error}")
    return months, doubts


def period_from_path(path: Path) -> dt.date:
    """The one month the file's name and its folder's name state; UnreadableFile otherwise."""
    months, doubts = _pieces("folder", path.parent.name)
    in_name, name_doubts = _pieces("file name", path.name)
    months += in_name
    doubts += name_doubts
    distinct = sorted({month for month, _ in months})
    if doubts:
        problem = "; ".join(doubts)
    elif len(distinct) > 1:
        problem = "the path names more than one month: " + ", ".join(shown for _, shown in months)
    elif not distinct:
        problem = f"no month in the path (expected {EXPECTED})"
    else:
        return distinct[0]
    raise UnreadableFile(
        f"no 数据年月 column, and the month cannot be told from the file's path: {problem}; "
        "nothing was landed under a guessed month"
    )
