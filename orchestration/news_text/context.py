"""What earlier sentences established, for the sentences that leave it implicit.

An article is read sentence by sentence, and most sentences lean on the ones before: "exports
were still down 38.1% year-on-year" names neither product nor period. This module keeps that
thread: the last claim, the month the story is about, and what a sentence without figures
sets up for the next one.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from orchestration.news_text.finalise import Draft
from orchestration.news_text.grouping import is_comparison
from orchestration.news_text.model import Atom, Context, PeriodSpec, Sentence
from orchestration.news_text.periods import Anchor, resolve_main
from orchestration.news_text.vocabulary import (
    DIRECTION_RE,
    EXPORT_WORD_RE,
    POLICY_MONTH_BEFORE_RE,
    TOPIC_AFTER_RE,
    TOPIC_BEFORE_RE,
)

FIGURES = ("qty", "pct", "mult")
_WORD_RE = re.compile(r"\S+")
# The product whose exports a sentence is about is its subject, near its start.
_MAX_WORDS_BEFORE_TOPIC = 5


@dataclass(slots=True)
class Article:
    """One article as the sentence readers see it."""

    text: str  # as given: claims quote it
    clean: str  # the same text with page junk repaired, same offsets
    language: str
    published: dt.date | None
    feed: list[tuple[int, int, dt.date]]
    article_spans: tuple[tuple[int, int, int], ...] = ()


def update_context(
    article: Article,
    sentence: Sentence,
    atoms: list[Atom],
    published: dt.date | None,
    ctx: Context,
    found: list[Draft],
) -> None:
    """Remember what a sentence established, for the sentences after it.

    A sentence with claims hands on its last claim, and its month is that claim's month, not
    the month the claim was compared with ("... in April, up from 3,900 t in March. Exports
    fell 5% that month": April). A sentence without figures that is about exports can set
    up the next one: its month ("Gallium exports rose in July.") and its comparison
    ("Compared with February, exports rose.").
    """
    text = article.clean
    for atom in atoms:
        if atom.kind == "product" and atom.value is not None:
            ctx.last_product = str(atom.value)
        elif atom.kind == "period" and isinstance(atom.value, PeriodSpec) and atom.value.year:
            ctx.last_year = atom.value.year
    main = [d for d in found if not d.is_child and not d.headline]
    if main or any(a.kind in FIGURES for a in atoms):
        # Background without figures ("Rare earths are used in lasers.") keeps the thread.
        ctx.claimed_in_previous = bool(main)
    ctx.pending_basis = ctx.pending_direction = None
    if main:
        last = main[-1].claim
        start, end = _month_index(last.period_start), _month_index(last.period_end)
        ctx.last_claim = (last.product_code, last.partner_iso3, start, end)
        ctx.last_claim_basis = last.change_basis
        if start == end:
            ctx.last_month = start
        ctx.topic_month = ctx.topic_product = None
        return
    month = _single_month(article, sentence, atoms, published, ctx)
    if month is not None:
        ctx.last_month = month
    if found or sentence.headline or not EXPORT_WORD_RE.search(text, sentence.start, sentence.end):
        return
    if not any(a.kind in FIGURES for a in atoms):
        topic = _topic_product(text, sentence, atoms)
        if topic is not None:
            ctx.topic_product = topic
            ctx.topic_month = _single_month(article, sentence, atoms, published, ctx, topic=True)
        _note_comparison(text, sentence, atoms, ctx)


def _topic_product(text: str, sentence: Sentence, atoms: list[Atom]) -> str | None:
    """The product a sentence is about when it names that product's exports ("germanium
    exports", "exports of germanium", "Galliumexporte"); a product named in passing ("trade
    channels for rare earths") is background and changes nothing."""
    for atom in atoms:
        if atom.kind != "product" or atom.value is None:
            continue
        if len(_WORD_RE.findall(text, sentence.start, atom.start)) > _MAX_WORDS_BEFORE_TOPIC:
            return None  # "a drop in magnet exports": not what the sentence is about
        named = text[atom.start : atom.end].lower()
        if (
            TOPIC_BEFORE_RE.search(text, max(0, atom.start - 20), atom.start)
            or TOPIC_AFTER_RE.match(text, atom.end)
            or "export" in named  # a German compound: "Galliumexporte"
            or "ausfuhr" in named
        ):
            return str(atom.value)
    return None


def _single_month(
    article: Article,
    sentence: Sentence,
    atoms: list[Atom],
    published: dt.date | None,
    ctx: Context,
    topic: bool = False,
) -> int | None:
    """The last single month a sentence names that is not a comparison (nor, for a topic, the
    start of a measure: "restricting shipments starting April")."""
    month = None
    anchor = Anchor(published, sentence_year(atoms), article.article_spans)
    text = article.clean
    for atom in atoms:
        spec = atom.value
        if atom.kind != "period" or not isinstance(spec, PeriodSpec):
            continue
        if spec.kind in ("span", "pubrel", "ctx") and spec.m1 == spec.m2:
            if is_comparison(text, sentence, atom):
                continue
            if topic and POLICY_MONTH_BEFORE_RE.search(text, max(0, atom.start - 16), atom.start):
                continue
            resolved = resolve_main(spec, anchor, ctx)
            if resolved is not None and resolved[0] == resolved[1]:
                month = resolved[0]
    return month


def _note_comparison(text: str, sentence: Sentence, atoms: list[Atom], ctx: Context) -> None:
    """'Compared with the previous month, exports rose.': basis and direction for the
    changes of the next sentence, which may state them alone ('Germanium gained 16%')."""
    basis = next((str(a.value) for a in atoms if a.kind == "basis" and a.value != "same"), None)
    if basis is None:
        for atom in atoms:
            spec = atom.value
            if atom.kind == "period" and isinstance(spec, PeriodSpec) and spec.kind == "shift":
                basis = "mom" if spec.offset == -1 else "yoy"
            elif atom.kind == "period" and isinstance(spec, PeriodSpec) and spec.kind == "same":
                basis = "yoy"
    direction = DIRECTION_RE.search(text, sentence.start, sentence.end)
    if basis is not None and direction is not None:
        ctx.pending_basis = basis
        ctx.pending_direction = "up" if direction.group("up") else "down"


def _month_index(period: str) -> int:
    year, month = period.split("-")
    return int(year) * 12 + int(month) - 1


def sentence_year(atoms: list[Atom]) -> int | None:
    for atom in atoms:
        if atom.kind == "period":
            spec = atom.value
            assert isinstance(spec, PeriodSpec)
            if spec.kind == "span" and spec.year is not None:
                return spec.year
    return None
