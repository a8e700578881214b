"""Resolving the periods a sentence names into month ranges, and the change basis between
two periods."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from orchestration.news_text.model import Context, PeriodSpec


def mi(year: int, month: int) -> int:
    """Month index: lets periods be compared and shifted with integer arithmetic."""
    return year * 12 + month - 1


def fmt(month_index: int) -> str:
    return f"{month_index // 12:04d}-{month_index % 12 + 1:02d}"


@dataclass(frozen=True, slots=True)
class Anchor:
    """What a bare month is read against: the publication date, the year the sentence names,
    and the spans of months whose year the article's claims state ("the first half of
    2025"), which win over a year inferred from the publication date."""

    published: dt.date | None
    sentence_year: int | None = None
    article_spans: tuple[tuple[int, int, int], ...] = ()  # (year, first, last month) stated


def year_is_inferred(spec: PeriodSpec, sentence_year: int | None) -> bool:
    """True when a span's year comes from the publication date alone."""
    return spec.kind == "span" and spec.year is None and spec.rel_year is None and not sentence_year


def resolve_main(spec: PeriodSpec, anchor: Anchor, ctx: Context) -> tuple[int, int] | None:
    published = anchor.published
    if spec.kind == "span":
        year = spec.year
        if year is None and spec.rel_year is not None:
            if published is None:
                return None
            year = published.year + spec.rel_year
        if year is None:
            year = _bare_year(spec, anchor, ctx)
            if year is None:
                return None
        return mi(year, spec.m1), mi(year, spec.m2)
    if spec.kind in ("ctx", "same_bare"):
        if ctx.last_month is None:
            return None
        return ctx.last_month, ctx.last_month
    if spec.kind == "pubrel":
        if published is None:
            return None
        month = mi(published.year, published.month) + spec.offset
        return month, month
    if spec.kind == "ytd":
        # Year to date runs to the month the story is about; without one it is unknown.
        if ctx.last_month is None:
            return None
        year = spec.year if spec.year is not None else ctx.last_month // 12
        if ctx.last_month // 12 != year:
            return None
        return mi(year, 1), ctx.last_month
    return None


def _bare_year(spec: PeriodSpec, anchor: Anchor, ctx: Context) -> int | None:
    if anchor.sentence_year is not None:
        return anchor.sentence_year
    published = anchor.published
    if published is None:
        return ctx.last_year
    # Data are reported after the fact: a month later than the publication month belongs to
    # the previous year ("in December" read in January).
    year = published.year if spec.m2 <= published.month else published.year - 1
    # The article says which year it is about: "June" in a late repost about "the first half
    # of 2025" is June 2025, whatever the publication year suggests.
    stated = {y for y, m1, m2 in anchor.article_spans if m1 <= spec.m1 and spec.m2 <= m2}
    if len(stated) == 1 and year not in stated:
        article_year = next(iter(stated))
        if mi(article_year, spec.m2) <= _month_of(published):
            return article_year
    return year


def _month_of(day: dt.date) -> int:
    return mi(day.year, day.month)


def after_publication(period: tuple[int, int], published: dt.date | None) -> bool:
    """A claimed period never lies after the article: figures are reported after the fact."""
    return published is not None and period[1] > _month_of(published)


def resolve_comparison(
    spec: PeriodSpec,
    main: tuple[int, int],
    anchor: Anchor,
    ctx: Context,
) -> tuple[int, int] | None:
    start, end = main
    if spec.kind == "same":
        shift = -12 if spec.year is None else (spec.year - start // 12) * 12
        return start + shift, end + shift
    if spec.kind == "same_bare":
        return start - 12, end - 12
    if spec.kind == "shift":
        return start + spec.offset, end + spec.offset
    if spec.kind == "span" and spec.year is None and spec.rel_year is None:
        # A bare comparison month is the latest one before the claim ("in June ... from May").
        year = start // 12
        if mi(year, spec.m1) >= start:
            year -= 1
        return mi(year, spec.m1), mi(year, spec.m2)
    if spec.kind == "span" and spec.prefix == "year" and end - start < 11 and spec.year is not None:
        # "32% higher than the 3,326 tonnes in 2024", said of December 2025: December 2024.
        return mi(spec.year, start % 12 + 1), mi(spec.year, end % 12 + 1)
    return resolve_main(spec, Anchor(anchor.published), ctx)


def basis_between(main: tuple[int, int], comparison: tuple[int, int]) -> str:
    length = main[1] - main[0]
    if comparison[1] - comparison[0] == length:
        delta = main[0] - comparison[0]
        if delta == 12:
            return "yoy"
        if delta == 1 and length == 0:
            return "mom"
    return f"vs:{fmt(comparison[0])}..{fmt(comparison[1])}"


def shift_by_basis(period: tuple[int, int], basis: str | None, forward: bool) -> tuple[int, int]:
    step = {"yoy": 12, "mom": 1}.get(basis or "", 0)
    step = step if forward else -step
    return period[0] + step, period[1] + step
