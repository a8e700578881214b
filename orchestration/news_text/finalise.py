"""The last pass over an article's claims: restated headlines, repeats, claims that another
claim contains, and numbers whose thousands separator could not be told from a decimal mark."""

from __future__ import annotations

from dataclasses import dataclass, replace

from orchestration.news_text.model import FigureClaim


@dataclass(slots=True)
class Draft:
    claim: FigureClaim
    headline: bool
    fields_set: int
    is_child: bool = False
    # A span of months whose year the text states (year, first month, last month)
    explicit_span: tuple[int, int, int] | None = None
    year_inferred: bool = False  # the year comes from the publication date alone
    alternative_t: float | None = None  # other reading of an ambiguous number


def finalise(drafts: list[Draft]) -> list[FigureClaim]:
    """Drop restated headlines, repeats and claims another claim already contains."""
    kept = _resolve_separators(_without_restated_headlines(drafts))
    first: dict[tuple[object, ...], int] = {}
    unique: list[Draft] = []
    for draft in kept:
        c = draft.claim
        key = (*_slot(c), c.quantity_t, c.change_pct)
        if key not in first:
            first[key] = len(unique)
            unique.append(draft)
        elif c.change_basis is not None and unique[first[key]].claim.change_basis is None:
            # The same figure stated twice, once with its basis ("down 8%", then "down 8%
            # from November"): keep the statement that says more.
            unique[first[key]] = draft
    by_slot: dict[tuple[str, str, str, str], list[Draft]] = {}
    for draft in unique:
        by_slot.setdefault(_slot(draft.claim), []).append(draft)
    return [
        d.claim
        for d in unique
        if not any(other is not d and _subsumes(other, d) for other in by_slot[_slot(d.claim)])
    ]


def _slot(c: FigureClaim) -> tuple[str, str, str, str]:
    return (c.product_code, c.partner_iso3, c.period_start, c.period_end)


def _without_restated_headlines(drafts: list[Draft]) -> list[Draft]:
    """Headlines restate body figures in compressed and often loose wording (a magnet figure
    called "rare earth exports"), so a headline claim is kept only when the body does not
    restate it."""
    body = [d for d in drafts if not d.headline]
    kept: list[Draft] = []
    for draft in drafts:
        if draft.headline:
            claim = draft.claim
            restated = any(
                b.claim.period_start == claim.period_start
                and b.claim.period_end == claim.period_end
                and (
                    (claim.change_pct is not None and b.claim.change_pct == claim.change_pct)
                    or (claim.quantity_t is not None and b.claim.quantity_t == claim.quantity_t)
                )
                for b in body
            )
            if restated:
                continue
        kept.append(draft)
    return kept


def _resolve_separators(drafts: list[Draft]) -> list[Draft]:
    """Read an ambiguous number ("62.585 tons" in English) as thousands only when the article
    proves the decimal reading impossible: a period's total below the figure of a month
    inside it. Without such proof the quantity is dropped: a guess would become a false
    mismatch against customs data."""
    out: list[Draft] = []
    for draft in drafts:
        alt = draft.alternative_t
        if alt is None:
            out.append(draft)
            continue
        c = draft.claim
        inside = [
            o.claim.quantity_t
            for o in drafts
            if o is not draft
            and o.claim.quantity_t is not None
            and _slot(o.claim)[:2] == _slot(c)[:2]
            and c.period_start <= o.claim.period_start <= o.claim.period_end <= c.period_end
        ]
        if (
            inside
            and c.quantity_t is not None
            and max(inside) > c.quantity_t
            and alt >= max(inside)
        ):
            decimals = (c.quantity_decimals or 0) - 3
            out.append(replace(draft, claim=replace(c, quantity_t=alt, quantity_decimals=decimals)))
        elif c.change_pct is not None:
            claim = replace(c, quantity_t=None, quantity_decimals=None, quantity_qualifier=None)
            out.append(replace(draft, claim=claim, fields_set=1))
    return out


def _subsumes(big: Draft, small: Draft) -> bool:
    a, b = big.claim, small.claim
    if _slot(a) != _slot(b) or big.fields_set <= small.fields_set:
        return False
    return (b.quantity_t is None or b.quantity_t == a.quantity_t) and (
        b.change_pct is None or b.change_pct == a.change_pct
    )
