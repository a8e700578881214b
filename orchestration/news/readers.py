"""Readers for news articles dropped in the landing folder: plain text, HTML, JSON lines.

Every reader yields articles with the same fields (text, title, outlet, URL, publication
date when found), so extraction never cares where an article came from. HTML is reduced to
its text with the standard library's tokenizer: no markup, script or style survives, and
nothing in the page is ever executed or passed on.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from orchestration.extract.contract import FileKind, ParsedExtract, RowReject, UnreadableFile
from orchestration.news_text import publication_date_from

COLUMNS_DDL = """
    article_hash varchar not null,
    article_format varchar not null,
    title varchar,
    outlet varchar,
    url varchar,
    published_date date,
    body_text varchar not null
"""

# An article needs some prose; fewer words than this is a stub or an error page.
MIN_ARTICLE_WORDS = 40
TEXT_KEYS = ("text", "body", "content")
_HEADER_LINE = re.compile(r"^(title|outlet|url|published|note)\s*:\s*(.*)$", re.I)
_URL = re.compile(r"https?://[^\s<>\"')\]]+")
_WORD = re.compile(r"[^\W\d_]{2,}")


def _article(
    body: str, fmt: str, filename: str, title=None, outlet=None, url=None, published=None
) -> dict[str, Any]:
    body = body.strip()
    if published is None:
        published = publication_date_from(body, filename)
    return {
        "article_hash": hashlib.sha256(body.encode("utf-8")).hexdigest(),
        "article_format": fmt,
        "title": title or None,
        "outlet": outlet or None,
        "url": url or None,
        "published_date": published,
        "body_text": body,
    }


def _word_count(text: str) -> int:
    return len(_WORD.findall(text))


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableFile(f"not UTF-8 text (undecodable byte at offset {error.start})") from None


def _parse_date(value: Any) -> dt.date | None:
    if not value:
        return None
    from dateutil import parser as date_parser

    try:
        return date_parser.parse(str(value)).date()
    except (ValueError, OverflowError):
        return None


# --- plain text -------------------------------------------------------------------------


def _looks_like_prose(text: str) -> bool:
    if "\x00" in text or _word_count(text) < MIN_ARTICLE_WORDS:
        return False
    letters = sum(ch.isalpha() or ch.isspace() for ch in text)
    return letters / max(len(text), 1) >= 0.75


def recognizes_text(head: bytes) -> bool:
    text = head.decode("utf-8", errors="ignore")
    stripped = text.lstrip().lower()
    if stripped.startswith(("<", "{", "[")):
        return False
    return _looks_like_prose(text)


def read_text(path: Path) -> ParsedExtract:
    """Plain text; an optional header block of `Title:`, `Outlet:`, `URL:`, `Published:` lines
    (ended by a blank line) supplies the metadata, otherwise it is guessed from the text."""
    text = _decode(path.read_bytes())
    meta: dict[str, str] = {}
    lines = text.splitlines()
    body_start = 0
    for index, line in enumerate(lines):
        match = _HEADER_LINE.match(line.strip())
        if match:
            meta[match.group(1).lower()] = match.group(2).strip()
            continue
        if meta and not line.strip():
            body_start = index + 1
        break
    body = "\n".join(lines[body_start:]) if meta else text
    if not _looks_like_prose(body):
        raise UnreadableFile(f"fewer than {MIN_ARTICLE_WORDS} words of prose: not an article")
    url = meta.get("url") or next(iter(_URL.findall(body)), None)
    title = meta.get("title") or _guess_title(body)
    article = _article(
        body,
        "text",
        path.name,
        title=title,
        outlet=meta.get("outlet"),
        url=url,
        published=_parse_date(meta.get("published")),
    )
    return ParsedExtract(rows=[{**article, "_row_number": 1}])


def _guess_title(body: str) -> str | None:
    """The first line that reads like a headline: 6-30 words, not ending a sentence."""
    for line in body.splitlines()[:15]:
        words = line.split()
        if 6 <= len(words) <= 30 and not line.rstrip().endswith((".", ":")):
            return line.strip()
    return None


# --- HTML -------------------------------------------------------------------------------


class _TextOnly(HTMLParser):
    """Collects visible text and a few metadata tags; drops scripts, styles and markup."""

    SKIP = {"script", "style", "noscript", "template", "svg", "iframe", "head"}
    BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "tr", "article", "section"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title_parts: list[str] = []
        self.meta: dict[str, str] = {}
        self._skip_depth = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k.lower(): (v or "") for k, v in attrs}
        if tag == "title":
            self._in_title = True
        elif tag == "meta":
            key = (values.get("property") or values.get("name") or "").lower()
            if key in {"og:site_name", "og:url", "article:published_time", "og:title", "date"}:
                self.meta[key] = values.get("content", "")
        elif tag == "link" and values.get("rel", "").lower() == "canonical":
            self.meta.setdefault("canonical", values.get("href", ""))
        elif tag == "time" and values.get("datetime"):
            self.meta.setdefault("time", values["datetime"])
        if tag in self.SKIP:
            self._skip_depth += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if tag in self.SKIP and self._skip_depth:
            self._skip_depth -= 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title_parts.append(data)
        elif not self._skip_depth:
            self.parts.append(data)


def recognizes_html(head: bytes) -> bool:
    start = head.decode("utf-8", errors="ignore").lstrip().lower()[:200]
    return start.startswith(("<!doctype html", "<html"))


def read_html(path: Path) -> ParsedExtract:
    parser = _TextOnly()
    parser.feed(_decode(path.read_bytes()))
    parser.close()
    paragraphs = ["".join(parser.parts)]
    body = re.sub(r"[ \t\r\f\v]+", " ", paragraphs[0])
    body = re.sub(r"\n\s*\n+", "\n\n", body).strip()
    if _word_count(body) < MIN_ARTICLE_WORDS:
        raise UnreadableFile(
            f"HTML page holds fewer than {MIN_ARTICLE_WORDS} words of text "
            "(an error or login page?): not an article"
        )
    title = parser.meta.get("og:title") or "".join(parser.title_parts).strip() or None
    article = _article(
        body,
        "html",
        path.name,
        title=title,
        outlet=parser.meta.get("og:site_name"),
        url=parser.meta.get("og:url") or parser.meta.get("canonical"),
        published=_parse_date(
            parser.meta.get("article:published_time")
            or parser.meta.get("date")
            or parser.meta.get("time")
        ),
    )
    return ParsedExtract(rows=[{**article, "_row_number": 1}])


# --- JSON lines -------------------------------------------------------------------------


def recognizes_jsonl(head: bytes) -> bool:
    first = next((line for line in head.splitlines() if line.strip()), b"")
    try:
        record = json.loads(first)
    except (ValueError, UnicodeDecodeError):
        return False
    return isinstance(record, dict) and any(key in record for key in TEXT_KEYS)


def read_jsonl(path: Path) -> ParsedExtract:
    """One article per line: a text field (text, body or content) and optional title, outlet
    (or source), url (or link) and published (or date)."""
    parsed = ParsedExtract()
    for row_number, line in enumerate(_decode(path.read_bytes()).splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError as error:
            parsed.rejects.append(RowReject(row_number, "*", f"not valid JSON ({error})", line))
            continue
        if not isinstance(record, dict):
            parsed.rejects.append(RowReject(row_number, "*", "not a JSON object", line))
            continue
        body = next((record[k] for k in TEXT_KEYS if isinstance(record.get(k), str)), "")
        if not body.strip():
            parsed.rejects.append(RowReject(row_number, "text", "no article text", line[:500]))
            continue
        published_value = record.get("published") or record.get("date")
        published = _parse_date(published_value)
        if published_value and published is None:
            parsed.rejects.append(
                RowReject(row_number, "published", f"{published_value!r} is not a date", line)
            )
            continue
        article = _article(
            body,
            "jsonl",
            path.name,
            title=record.get("title"),
            outlet=record.get("outlet") or record.get("source"),
            url=record.get("url") or record.get("link"),
            published=published,
        )
        parsed.rows.append({**article, "_row_number": row_number})
    return parsed


def _kind(name: str, recognizes, read, description: str) -> FileKind:
    return FileKind(
        name=name,
        raw_table="raw.news_articles",
        columns_ddl=COLUMNS_DDL,
        recognizes=recognizes,
        read=read,
        description=description,
    )


ARTICLE_JSONL = _kind("news_jsonl", recognizes_jsonl, read_jsonl, "JSON-lines news feed")
ARTICLE_HTML = _kind("news_html", recognizes_html, read_html, "Article saved as HTML")
ARTICLE_TEXT = _kind("news_text", recognizes_text, read_text, "Article as plain text")
NEWS_KINDS = (ARTICLE_JSONL, ARTICLE_HTML, ARTICLE_TEXT)
