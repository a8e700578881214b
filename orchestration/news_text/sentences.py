"""Splitting article text into sentences, telling headlines from running text, and undoing
the junk that saved and machine-rewritten pages put between words."""

from __future__ import annotations

import re

from orchestration.news_text.model import Atom, Sentence

# Sentence splitting: line breaks are hard boundaries (news pages put headlines, bylines and
# paragraphs on their own lines); inside a line, terminal punctuation followed by a capital.
_LINE_RE = re.compile(r"[^\n]+")
_END_RE = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+[\"“‘(\[]?[A-Z0-9])")
_LAST_TOKEN_RE = re.compile(r"(\S+)$")
_ABBREVIATION_WORDS = (
    "u.s u.k u.n e.u e.g i.e mr mrs ms dr no nos jan feb mar apr jun jul aug sep sept oct "
    "nov dec inc corp co ltd st vs approx est min gen gov sen rep u.s.a p.m a.m okt dez mrz ca bzw"
)
_ABBREVIATIONS = frozenset(_ABBREVIATION_WORDS.split())
_HEADLINE_WORD_RE = re.compile(r"[A-Za-z][A-Za-z'’-]*")
# A day number before a month ("20. Nov. 2025") ends no sentence.
_MONTH_AHEAD_RE = re.compile(
    r"\s+(?:Jan|Feb|M[aä]r|Apr|Ma[iy]|Jun|Jul|Aug|Sep|O[ck]t|Nov|De[cz])", re.I
)
# Same-length repairs, so that offsets into the original text stay valid: full-width
# punctuation; a "?" standing for a space ("rare-earth?exports"); a full stop between two
# lower-case words ("from the. prior year"), which no sentence ends with.
_FULL_WIDTH = str.maketrans({"，": ",", "。": ".", "％": "%", "：": ":", "；": ";", "\u00a0": " "})
_GLUED_QUESTION_RE = re.compile(r"(?<=[A-Za-z])\?(?=[A-Za-z])")
_STRAY_STOP_RE = re.compile(r"(?<=[a-z]{2})\.(?= [a-z])")


def normalise(text: str) -> str:
    """The text with page junk repaired, character for character (same length)."""
    text = text.translate(_FULL_WIDTH)
    if "?" in text:
        text = _GLUED_QUESTION_RE.sub(" ", text)
    return _STRAY_STOP_RE.sub(" ", text)


def split_sentences(text: str) -> list[Sentence]:
    sentences: list[Sentence] = []
    for line in _LINE_RE.finditer(text):
        line_text = line.group()
        headline = _is_headline(line_text)
        piece_start = 0
        for end in _END_RE.finditer(line_text):
            token = _LAST_TOKEN_RE.search(line_text, 0, end.start())
            if token is not None:
                key = token.group(1).lower().lstrip("\"'“‘(").rstrip(".")
                if key in _ABBREVIATIONS or (len(key) == 1 and key.isalpha()):
                    continue
                if key.isdigit() and len(key) <= 2 and _MONTH_AHEAD_RE.match(line_text, end.end()):
                    continue
            _add_sentence(sentences, line.start(), line_text, piece_start, end.end(), headline)
            piece_start = end.end()
        _add_sentence(sentences, line.start(), line_text, piece_start, len(line_text), headline)
    return sentences


def _add_sentence(
    out: list[Sentence], base: int, line: str, start: int, end: int, headline: bool
) -> None:
    while start < end and line[start].isspace():
        start += 1
    while end > start and line[end - 1].isspace():
        end -= 1
    if end > start:
        out.append(Sentence(base + start, base + end, headline))


def _is_headline(line: str) -> bool:
    """Title-case line without terminal punctuation: a headline, not running text."""
    stripped = line.strip()
    if not stripped or stripped[-1] in '.!?"”’:;)':
        return False
    words = _HEADLINE_WORD_RE.findall(stripped)
    if not 3 <= len(words) <= 25:
        return False
    long_words = [w for w in words if len(w) >= 4]
    if not long_words:
        return False
    capitalised = sum(1 for w in long_words if w[0].isupper())
    return capitalised / len(long_words) >= 0.6


def bucket(atoms: list[Atom], sentences: list[Sentence]) -> list[list[Atom]]:
    buckets: list[list[Atom]] = [[] for _ in sentences]
    i = 0
    for index, sentence in enumerate(sentences):
        while i < len(atoms) and atoms[i].start < sentence.start:
            i += 1
        j = i
        while j < len(atoms) and atoms[j].start < sentence.end:
            if atoms[j].end <= sentence.end:
                buckets[index].append(atoms[j])
            j += 1
        i = j
    return buckets
