"""Resolving one figure's builder into a claim: which series, destinations and period it is
about, and on what basis its change was stated. Anything the text leaves open is taken from
the figure before it, then from the claim before; what is still open drops the figure."""

from __future__ import annotations

from dataclasses import dataclass

from orchestration.news_text.grouping import Builder
from orchestration.news_text.model import WORLD, Context
from orchestration.news_text.periods import (
    Anchor,
    after_publication,
    basis_between,
    resolve_comparison,
    resolve_main,
    shift_by_basis,
    year_is_inferred,
)

POINTS_BACK = "points back to the claim before"
CONTINUES = "continues the comparison before"
OF_THE_ARTICLE = "product of the article"


@dataclass(slots=True)
class Resolved:
    """One builder's claim before it becomes a FigureClaim."""

    product: str
    partners: list[str]
    main: tuple[int, int]
    comparison: tuple[int, int] | None
    basis: str | None
    reasons: list[str]
    confidence: float
    explicit_span: tuple[int, int, int] | None
    year_inferred: bool


def resolve(
    builder: Builder,
    previous: Resolved | None,
    anchor: Anchor,
    ctx: Context,
    subject: str,
    named_product: bool,
) -> Resolved | None:
    if builder.scope_wider:
        return None  # "including powder and alloys": wider than any series
    reasons = [subject]
    product = _product(builder, previous, ctx, reasons)
    if product is None:
        return None
    partners = _partners(builder, previous, ctx, named_product, reasons, subject)
    if not partners:
        return None
    found = _main_period(builder, previous, anchor, ctx, reasons)
    if found is None or after_publication(found[0], anchor.published):
        return None
    main, comparison = found
    basis = builder.basis
    if basis == "same":
        basis = previous.basis if previous is not None else ctx.last_claim_basis
    if builder.change is not None and basis is None and comparison is not None:
        basis = basis_between(main, comparison)
    if builder.change is not None and basis is None and subject == CONTINUES:
        basis = ctx.pending_basis
    if builder.change is not None and basis is None and main[0] % 12 == 0 and main[1] > main[0]:
        # A change of a year, or of the months of a year so far ("the first half"), can only
        # be on the same months of the year before.
        basis = "yoy"
    spec = builder.period
    explicit = None
    if spec is not None and spec.kind == "span" and spec.year is not None and spec.m2 > spec.m1:
        explicit = (spec.year, spec.m1, spec.m2)
    inferred = spec is not None and anchor.published is not None
    inferred = inferred and year_is_inferred(spec, anchor.sentence_year)  # type: ignore[arg-type]
    confidence = _confidence(builder, reasons)
    return Resolved(
        product,
        partners,
        main,
        comparison,
        basis if builder.change is not None else None,
        reasons,
        confidence,
        explicit,
        inferred,
    )


def _product(
    builder: Builder, previous: Resolved | None, ctx: Context, reasons: list[str]
) -> str | None:
    """The series the figure is about; None (no claim) when the text does not say which."""
    products = builder.products
    if len(products) > 1:
        # "Exports of germanium and gallium fell to zero": nothing of each. Any other figure
        # shared by two products cannot be split between them.
        if builder.quantity is None or builder.quantity.tonnes != 0 or None in products:
            return None
        reasons.append("products named together")
        return "|".join(str(p) for p in products)
    if products:
        if products[0] is None:
            return None  # a form no series holds ("semi-finished silver")
        reasons.append("product named")
        return products[0]
    if previous is not None:
        reasons.append("product of the figure before")
        return previous.product
    if ctx.topic_product is not None:
        reasons.append("product of the sentence before")
        return ctx.topic_product
    if ctx.last_claim is not None:
        reasons.append("product of the claim before")
        return ctx.last_claim[0]
    if ctx.last_product is not None:
        reasons.append("product named earlier")
        return ctx.last_product
    # Nothing before the figure names a product (a fact box above the story): the product of
    # the article, if its claims name only one; settled once the article is read.
    reasons.append(OF_THE_ARTICLE)
    return OF_THE_ARTICLE


def _partners(
    builder: Builder,
    previous: Resolved | None,
    ctx: Context,
    named_product: bool,
    reasons: list[str],
    subject: str,
) -> list[str]:
    partners = builder.partners
    if len(partners) > 1:
        quantity = builder.quantity
        shared = quantity is not None and (quantity.tonnes == 0 or builder.each)
        if not shared or builder.change is not None:
            return []  # one figure for two destinations: whose is it?
        reasons.append("figure shared by the destinations named together")
        return partners
    if partners:
        kind = builder.partner_kind
        reasons.append("destination named" if kind != "global" else "world total")
        return partners
    if builder.products or (named_product and previous is None):
        return [WORLD]
    if previous is not None:
        return list(previous.partners)
    # The claim before lends its destination to a sentence that goes on about it ("Exports
    # were down 38% year-on-year", "That is 8% less"), not to one that states a period of its
    # own without a destination ("In January-October, exports totalled 55,200 t").
    continues = builder.period is None or subject == POINTS_BACK
    if ctx.last_claim is not None and ctx.topic_product is None and continues:
        return [ctx.last_claim[1]]
    return [WORLD]


def _main_period(
    builder: Builder,
    previous: Resolved | None,
    anchor: Anchor,
    ctx: Context,
    reasons: list[str],
) -> tuple[tuple[int, int], tuple[int, int] | None] | None:
    comparison = None
    main = resolve_main(builder.period, anchor, ctx) if builder.period is not None else None
    if main is not None:
        reasons.append("period stated")
    elif previous is not None:
        main = previous.main
        reasons.append("period of the figure before")
    elif builder.cmp_period is not None and builder.basis in ("yoy", "mom"):
        comparison = resolve_main(builder.cmp_period, Anchor(anchor.published), ctx)
        if comparison is not None:
            main = shift_by_basis(comparison, builder.basis, forward=True)
            reasons.append("period from its comparison")
    if main is None and ctx.last_claim is not None:
        main = ctx.last_claim[2], ctx.last_claim[3]
        reasons.append("period of the claim before")
    if main is None and ctx.topic_month is not None:
        main = ctx.topic_month, ctx.topic_month
        reasons.append("month of the sentence before")
    if main is None:
        return None
    if comparison is None and builder.cmp_period is not None:
        comparison = resolve_comparison(builder.cmp_period, main, anchor, ctx)
    if comparison is None:
        for child in builder.children:
            if child.period is not None and not child.discard:
                comparison = resolve_comparison(child.period, main, anchor, ctx)
                if comparison is not None:
                    break
    return main, comparison


def _confidence(builder: Builder, reasons: list[str]) -> float:
    confidence = 0.55
    confidence += 0.15 if "product named" in reasons else -0.1
    confidence += 0.1 if "period stated" in reasons else 0.0
    if builder.quantity is not None and builder.change is not None:
        confidence += 0.1
    if any(q is not None for q in (_hedge_of(builder.quantity), _hedge_of(builder.change))):
        confidence -= 0.05
    if builder.change is not None and builder.change.is_multiple:
        confidence -= 0.15
    return confidence


def _hedge_of(figure: object) -> str | None:
    return getattr(figure, "qualifier", None)
