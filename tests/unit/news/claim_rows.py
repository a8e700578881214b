"""How the extractor unit tests show and pick claims."""

from __future__ import annotations

from orchestration.news.extract import FigureClaim


def as_row(claim: FigureClaim) -> tuple[object, ...]:
    return (
        claim.product_code,
        claim.partner_iso3,
        claim.period_start,
        claim.period_end,
        claim.quantity_t,
        claim.change_pct,
        claim.change_basis,
    )


def only(claims: list[FigureClaim]) -> FigureClaim:
    assert len(claims) == 1, [as_row(c) for c in claims]
    return claims[0]
