"""The article's publication date, and the date that relative dates resolve against."""

from __future__ import annotations

import datetime as dt
import re

from orchestration.news_text.vocabulary import P_DAY_MONTH, P_MONTH_DAY, M, Y, month_number

ISO_DATE_RE = re.compile(r"(?<![\d-])(?P<y>(?:19|20)\d{2})-(?P<m>\d{2})-(?P<d>\d{2})(?![\d-])")
_FILENAME_DATE_RE = re.compile(r"^(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})")
# Page furniture glues words to dates ("iconJun 26, 2024", "ReutersJan 20, 2026"): in a
# header line a month may follow a lower-case letter.
_GLUED_MONTH_DAY_RE = re.compile(
    rf"(?<=[a-z])(?P<m>{M})\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>{Y})"
)
_TOP_OF_TEXT = 1500
_HEADER_LINES = 12
_LABEL_BEFORE_RE = re.compile(
    r"(?:published|publish\s+time|posted|updated|date|datum|veröffentlicht|stand|von\s*\|)"
    r"\s*:?\s*(?:on\s+)?$",
    re.I,
)
_CAPTION_RE = re.compile(
    r"\b(?:photo|picture|image|illustration|credit|getty|foto|bild)\b|/\s*reuters", re.I
)
_TIME_RE = re.compile(r"\b\d{1,2}:\d{2}(?:\s*[ap]\.?m\.?)?(?:\s+[A-Z]{2,4})?\b", re.I)
_BYLINE_RE = re.compile(r"\bby\s+.*$", re.I)
_WORD_RE = re.compile(r"[^\W\d_]{2,}")
_MAX_WORDS_BEFORE_DATE = 2
_MAX_WORDS_IN_DATE_LINE = 6


def publication_date_from(text: str, filename: str | None) -> dt.date | None:
    """The article's date: a date in a header line at the top of the text, else the file-name
    prefix. (A date the user gives, `--published`, wins over both; see news/check.py.)

    Only a header line counts: a `Published:` label, a byline or a dateline, or a line that
    starts with the date. A date inside a photo caption or a paragraph ("On 3 March 2021 in
    Baotou, a plant showed its new line") is about something else, not about the article.
    """
    for line in text[:_TOP_OF_TEXT].splitlines(keepends=True)[: _HEADER_LINES * 2]:
        found = _header_date(line)
        if found is not None:
            return found
    if filename:
        name = filename.replace("\\", "/").rsplit("/", 1)[-1]
        m = _FILENAME_DATE_RE.match(name)
        if m:
            return safe_date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
    return None


def _dates_in(line: str) -> list[tuple[int, int, dt.date]]:
    found: list[tuple[int, int, dt.date]] = []
    for m in ISO_DATE_RE.finditer(line):
        day = safe_date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
        if day is not None:
            found.append((m.start(), m.end(), day))
    for rx in (P_MONTH_DAY, P_DAY_MONTH, _GLUED_MONTH_DAY_RE):
        for m in rx.finditer(line):
            if m.group("y"):
                month = month_number(m.group("m"))
                day = safe_date(int(m.group("y")), month, int(m.group("d")))
                if day is not None:
                    found.append((m.start(), m.end(), day))
    return sorted(found, key=lambda f: f[0])


def _header_date(line: str) -> dt.date | None:
    """The date of a header line: labelled, at the start of the line, or a short line that
    holds little but the date (a byline with a time and an author)."""
    dates = _dates_in(line)
    if not dates or _CAPTION_RE.search(line):
        return None
    start, end, day = dates[0]
    before = line[:start]
    if _LABEL_BEFORE_RE.search(before):
        return day
    # A machine date stamp ("2025-06-11 Markets desk", " date 2026-03-10 BEIJING ...") opens
    # its line; a written-out date opening a line may open a caption's sentence instead.
    stamp = ISO_DATE_RE.match(line, start) is not None
    if stamp and len(_WORD_RE.findall(before)) <= _MAX_WORDS_BEFORE_DATE:
        return day
    rest = _BYLINE_RE.sub("", _TIME_RE.sub("", before + " " + line[end:]))
    return day if len(_WORD_RE.findall(rest)) <= _MAX_WORDS_IN_DATE_LINE else None


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
