"""Resolving the periods a sentence names into month ranges, and the change basis between
two periods."""

from __future__ import annotations

import datetime as dt

from orchestration.news_text.model import Context, PeriodSpec


def mi(year: int, month: int) -> int:
    """Month index: lets periods be compared and shifted with integer arithmetic."""
    return year * 12 + month - 1


def fmt(month_index: int) -> str:
    return f"{month_index // 12:04d}-{month_index % 12 + 1:02d}"


def resolve_main(
    spec: PeriodSpec,
    published: dt.date | None,
    sentence_year: int | None,
    ctx: Context,
) -> tuple[int, int] | None:
    if spec.kind == "span":
        year = spec.year
        if year is None and spec.rel_year is not None:
            if published is None:
                return None
            year = published.year + spec.rel_year
        if year is None:
            if sentence_year is not None:
                year = sentence_year
            elif published is not None:
                # Data are reported after the fact: a month later than the publication month
                # belongs to the previous year ("in December" read in January).
                year = published.year if spec.m2 <= published.month else published.year - 1
            elif ctx.last_year is not None:
                year = ctx.last_year
            else:
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
    return None


def resolve_comparison(
    spec: PeriodSpec,
    main: tuple[int, int],
    published: dt.date | None,
    ctx: Context,
) -> tuple[int, int] | None:
    start, end = main
    if spec.kind == "same":
        shift = -12 if spec.year is None else (spec.year - start // 12) * 12
        return start + shift, end + shift
    if spec.kind == "same_bare":
        return start - 12, end - 12
    if spec.kind == "span" and spec.year is None and spec.rel_year is None:
        # A bare comparison month is the latest one before the claim ("in June ... from May").
        year = start // 12
        if mi(year, spec.m1) >= start:
            year -= 1
        return mi(year, spec.m1), mi(year, spec.m2)
    return resolve_main(spec, published, None, ctx)


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
