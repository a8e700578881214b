"""The article's publication date, and the date that relative dates resolve against."""

from __future__ import annotations

import datetime as dt
import re

from orchestration.news_text.vocabulary import P_DAY_MONTH, P_MONTH_DAY, month_number

ISO_DATE_RE = re.compile(r"(?<![\d-])(?P<y>(?:19|20)\d{2})-(?P<m>\d{2})-(?P<d>\d{2})(?![\d-])")
_FILENAME_DATE_RE = re.compile(r"^(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})")
_TOP_OF_TEXT = 1500


def publication_date_from(text: str, filename: str | None) -> dt.date | None:
    """The article's date: a date near the top of the text wins, else the file-name prefix.

    Text first, because files are often renamed on download while the dateline travels
    with the article.
    """
    head = text[:_TOP_OF_TEXT]
    candidates: list[tuple[int, dt.date]] = []
    for m in ISO_DATE_RE.finditer(head):
        found = safe_date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
        if found is not None:
            candidates.append((m.start(), found))
    for rx in (P_MONTH_DAY, P_DAY_MONTH):
        for m in rx.finditer(head):
            if m.group("y"):
                month = month_number(m.group("m"))
                found = safe_date(int(m.group("y")), month, int(m.group("d")))
                if found is not None:
                    candidates.append((m.start(), found))
    if candidates:
        return min(candidates, key=lambda c: c[0])[1]
    if filename:
        name = filename.replace("\\", "/").rsplit("/", 1)[-1]
        m = _FILENAME_DATE_RE.match(name)
        if m:
            return safe_date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
    return None


def feed_items(text: str) -> list[tuple[int, int, dt.date]]:
    """(start, end, date) of each stretch of text that a date on a line of its own closes.

    Saved news pages often end with the site's feed ("News Stream"): items of a headline and a
    paragraph, each followed by its own date line. Such an item's "in October" is the October
    before its date, not before the article's (a December item in a July article). A stretch
    starts after the previous blank line or date line, so the article's own paragraphs, which
    blank lines separate, keep the article's date.
    """
    items: list[tuple[int, int, dt.date]] = []
    block_start = line_start = 0
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if not stripped:
            block_start = line_start + len(line)
        elif (m := ISO_DATE_RE.fullmatch(stripped)) is not None:
            date = safe_date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
            if date is not None:
                items.append((block_start, line_start, date))
                block_start = line_start + len(line)
        line_start += len(line)
    return items


def date_of(
    position: int, items: list[tuple[int, int, dt.date]], published: dt.date | None
) -> dt.date | None:
    """The date that relative dates at `position` resolve against: its feed item's, if any."""
    for start, end, date in items:
        if start <= position < end:
            return date
    return published


def safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None
