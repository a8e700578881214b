"""Extract export-figure claims and policy mentions from English news text.

The press is the only timely second opinion on China's customs figures: it quotes monthly
totals before the detailed release, and it names the measures that explain a break in a
series. This module turns free text into rows the pipeline can compare with GACC data, so it
is deliberately pure (no I/O, no database, no network) and cheap enough to run on every
article of a backfill.

Design notes, because the choices are not obvious from the code:

* Work is sentence by sentence, but context carries over: a sentence such as "exports were
  still down 38.1% year-on-year" names neither product nor period, and an analyst reads both
  from the claim before it. Context comes from the last *claim* (not the last product word),
  because articles drift into background ("rare-earth trade channels") between figures.
* A quantity introduced by "from" / "compared with" is the figure for the comparison period
  and becomes a claim of its own; the comparison period also fixes the change basis. After a
  change, "on" works like "from" ("a 660% jump on May"). A month range opened by "from" is a
  cumulative span ("From January to May, shipments reached ..."), unless a change comes
  before it with no stated basis ("rose 23% from April to May"): then it is two months.
* A sentence without an export word still states an export when a destination receives the
  figure ("India received 172 tonnes") or a relative clause ties the figure to a product
  named before it ("the customs total for rare earths, which came to 5,792 tonnes").
* Headlines restate body figures in compressed and often loose wording (a magnet figure
  called "rare earth exports"), so a headline claim is kept only when the body does not
  restate it.
* Percentages count as changes only next to a direction word; "40% of global reserves" is
  a share, not a claim.
* Bloomberg's "rare-earth products" series is neither the GACC 17-element total nor HS
  8505.11, so it gets its own product code and must never be matched against either.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from orchestration.news_text.atoms import (
    classify_changes,
    figure_atoms,
    non_overlapping,
    period_atoms,
)
from orchestration.news_text.dates import date_of, feed_items
from orchestration.news_text.model import (
    PRODUCT_BLOOMBERG,
    PRODUCT_RARE_EARTHS,
    WORLD,
    Atom,
    Context,
    FigureClaim,
    PeriodSpec,
    Sentence,
)
from orchestration.news_text.periods import (
    basis_between,
    fmt,
    resolve_comparison,
    resolve_main,
    shift_by_basis,
)
from orchestration.news_text.sentences import bucket, split_sentences
from orchestration.news_text.vocabulary import (
    APPROX_RE,
    BLOOMBERG_RE,
    CMP_BEFORE_RE,
    EXPORT_WORD_RE,
    NOT_TRADE_RE,
    ON_CMP_BEFORE_RE,
    RELATIVE_QTY_BEFORE_RE,
    SINCE_BEFORE_RE,
)


@dataclass(slots=True)
class _Child:
    """A figure for the comparison period ("up from 1,238 tons in May"): a claim of its own."""

    quantity: float
    period: PeriodSpec | None = None


@dataclass(slots=True)
class _Builder:
    product: str | None = None
    product_is_products_phrase: bool = False
    partner: str | None = None
    period: PeriodSpec | None = None
    cmp_period: PeriodSpec | None = None
    quantity: float | None = None
    change: float | None = None
    change_is_multiple: bool = False
    approximate: bool = False
    basis: str | None = None
    children: list[_Child] = field(default_factory=list)

    def has_figure(self) -> bool:
        return self.quantity is not None or self.change is not None


@dataclass(slots=True)
class _Draft:
    claim: FigureClaim
    headline: bool
    fields_set: int


def extract_claims(text: str, published: dt.date | None = None) -> list[FigureClaim]:
    """Every export figure the text states, one claim per product, partner and period.

    `published` anchors months written without a year; without it the last year named in
    the text is used, and a claim whose period cannot be dated is dropped rather than
    guessed.
    """
    sentences = split_sentences(text)
    if not sentences:
        return []
    atoms = non_overlapping([*period_atoms(text), *figure_atoms(text)])
    buckets = bucket(atoms, sentences)
    ctx = Context(first_product=next((str(a.value) for a in atoms if a.kind == "product"), None))
    items = feed_items(text)
    drafts: list[_Draft] = []
    for sentence, sentence_atoms in zip(sentences, buckets, strict=True):
        anchor = date_of(sentence.start, items, published)
        drafts.extend(_claims_in_sentence(text, sentence, sentence_atoms, anchor, ctx))
        _update_context(text, sentence, sentence_atoms, anchor, ctx)
    return _finalise(drafts)


def _update_context(
    text: str, sentence: Sentence, atoms: list[Atom], published: dt.date | None, ctx: Context
) -> None:
    """Remember the products, years and month a sentence names, for the sentences after it.

    Comparison months ("from May") are skipped: "that month" in the next sentence means the
    month the story is about, not the one it is compared with.
    """
    sentence_year = _sentence_year(atoms)
    for atom in atoms:
        if atom.kind == "product":
            ctx.last_product = str(atom.value)
        elif atom.kind == "period":
            spec = atom.value
            assert isinstance(spec, PeriodSpec)
            if spec.year is not None:
                ctx.last_year = spec.year
            if (
                spec.kind in ("span", "pubrel", "ctx")
                and spec.m1 == spec.m2
                and not _is_comparison(text, sentence, atom)
            ):
                resolved = resolve_main(spec, published, sentence_year, ctx)
                if resolved is not None and resolved[0] == resolved[1]:
                    ctx.last_month = resolved[0]


def _sentence_year(atoms: list[Atom]) -> int | None:
    for atom in atoms:
        if atom.kind == "period":
            spec = atom.value
            assert isinstance(spec, PeriodSpec)
            if spec.kind == "span" and spec.year is not None:
                return spec.year
    return None


def _claims_in_sentence(
    text: str,
    sentence: Sentence,
    atoms: list[Atom],
    published: dt.date | None,
    ctx: Context,
) -> list[_Draft]:
    if not any(a.kind in ("qty", "pct", "mult") for a in atoms):
        return []
    exported = EXPORT_WORD_RE.search(text, sentence.start, sentence.end) is not None
    if not exported and not _implicit_export(text, sentence, atoms):
        return []
    atoms = classify_changes(text, sentence, atoms)
    builders = _group(text, sentence, atoms)
    # The year of a comparison figure's own period ("against 24,266 tonnes in the first five
    # months of 2024") is not the year of the main figure.
    child_specs = {id(c.period) for b in builders for c in b.children if c.period is not None}
    main_year = _sentence_year(
        [
            a
            for a in atoms
            if a.kind == "period"
            and id(a.value) not in child_specs
            and not _is_comparison(text, sentence, a)
        ]
    )
    sentence_text = text[sentence.start : sentence.end]
    bloomberg = bool(BLOOMBERG_RE.search(sentence_text))
    has_product_atom = any(a.kind == "product" for a in atoms)
    drafts: list[_Draft] = []
    previous: tuple[str, str, tuple[int, int]] | None = None
    for builder in builders:
        if not builder.has_figure():
            continue
        confidence = 0.55
        product = builder.product
        if product is None and previous is not None:
            product = previous[0]
        if product is None:
            confidence -= 0.1
            if ctx.last_claim is not None:
                product = ctx.last_claim[0]
            elif ctx.last_product is not None:
                product = ctx.last_product
            else:
                product = ctx.first_product
        else:
            confidence += 0.15
        partner = builder.partner
        if partner is None:
            if builder.product is not None or (has_product_atom and previous is None):
                partner = WORLD
            elif previous is not None:
                partner = previous[1]
            elif ctx.last_claim is not None:
                partner = ctx.last_claim[1]
            else:
                partner = WORLD
        main = None
        if builder.period is not None:
            main = resolve_main(builder.period, published, main_year, ctx)
            confidence += 0.1
        comparison = None
        if main is None and previous is not None:
            main = previous[2]
        if main is None and builder.cmp_period is not None and builder.basis in ("yoy", "mom"):
            comparison = resolve_main(builder.cmp_period, published, None, ctx)
            if comparison is not None:
                main = shift_by_basis(comparison, builder.basis, forward=True)
        if main is None and ctx.last_claim is not None:
            main = ctx.last_claim[2], ctx.last_claim[3]
            confidence -= 0.05
        if main is None:
            continue
        if comparison is None and builder.cmp_period is not None:
            comparison = resolve_comparison(builder.cmp_period, main, published, ctx)
        children: list[tuple[_Child, tuple[int, int] | None]] = []
        for child in builder.children:
            child_period = None
            if child.period is not None:
                child_period = resolve_comparison(child.period, main, published, ctx)
            children.append((child, child_period))
            if comparison is None and child_period is not None:
                comparison = child_period
        basis = None
        if builder.change is not None:
            basis = builder.basis
            if basis is None and comparison is not None:
                basis = basis_between(main, comparison)
        for index, (child, child_period) in enumerate(children):
            if child_period is None and builder.basis in ("yoy", "mom"):
                children[index] = (child, shift_by_basis(main, builder.basis, forward=False))
        defaulted = product is None
        if product is None:
            # Nothing in the text names a product: the input is selected as rare-earth news, so
            # the headline series is the best reading, and the low confidence says it is a guess.
            product = PRODUCT_RARE_EARTHS
        # The claim names the series the article names. Only Bloomberg's own wording
        # ("rare-earth products") names Bloomberg's series; a Bloomberg figure called
        # "rare-earth exports" names the customs total, and the claim check then finds it
        # matches another series (scope_mismatch), which is the point of checking it.
        if product == PRODUCT_RARE_EARTHS and bloomberg and builder.product_is_products_phrase:
            product = PRODUCT_BLOOMBERG
        if builder.quantity is not None and builder.change is not None:
            confidence += 0.1
        if builder.approximate:
            confidence -= 0.05
        if builder.change_is_multiple:
            confidence -= 0.15
        if sentence.headline:
            confidence -= 0.2
        if defaulted:
            confidence = min(confidence, 0.3)
        drafts.append(
            _draft(
                text,
                sentence,
                product,
                partner,
                main,
                builder.quantity,
                builder.change,
                basis,
                confidence,
            )
        )
        previous = (product, partner, main)
        for child, child_period in children:
            if child_period is None:
                continue
            drafts.append(
                _draft(
                    text,
                    sentence,
                    product,
                    partner,
                    child_period,
                    child.quantity,
                    None,
                    None,
                    confidence - 0.05,
                )
            )
    if previous is not None and not sentence.headline:
        # Headlines are loose; only body claims set what later sentences inherit.
        ctx.last_claim = (previous[0], previous[1], previous[2][0], previous[2][1])
    return drafts


def _implicit_export(text: str, sentence: Sentence, atoms: list[Atom]) -> bool:
    """A quantity stated as an export without an export word.

    Either a destination is the subject of a receiving verb ("India received 172 tonnes of
    magnets") or a relative clause ties the quantity to a product phrase earlier in the
    sentence ("the customs total for rare earths, which came to 5,792 tonnes").
    """
    receiver = False
    product_at: int | None = None
    for atom in atoms:
        if atom.kind == "partner" and atom.extra == "subject":
            receiver = True
        elif atom.kind == "product":
            product_at = atom.start
        elif atom.kind == "qty":
            if receiver:
                return True
            if product_at is None:
                continue
            lo = max(sentence.start, atom.start - 60)
            if RELATIVE_QTY_BEFORE_RE.search(text, lo, atom.start) and not NOT_TRADE_RE.search(
                text, max(sentence.start, product_at - 60), atom.start
            ):
                return True
    return False


def _draft(
    text: str,
    sentence: Sentence,
    product: str,
    partner: str,
    period: tuple[int, int],
    quantity: float | None,
    change: float | None,
    basis: str | None,
    confidence: float,
) -> _Draft:
    claim = FigureClaim(
        product_code=product,
        partner_iso3=partner,
        period_start=fmt(period[0]),
        period_end=fmt(period[1]),
        quantity_t=round(quantity, 6) if quantity is not None else None,
        change_pct=change,
        change_basis=basis,
        sentence=text[sentence.start : sentence.end],
        start_char=sentence.start,
        end_char=sentence.end,
        confidence=round(max(0.05, min(0.99, confidence)), 2),
    )
    fields_set = (quantity is not None) + (change is not None)
    return _Draft(claim, sentence.headline, fields_set)


def _is_comparison(text: str, sentence: Sentence, atom: Atom) -> bool:
    spec = atom.value
    if isinstance(spec, PeriodSpec) and spec.kind == "same":
        return True
    return _compared_before(text, sentence, atom.start)


def _compared_before(text: str, sentence: Sentence, start: int) -> bool:
    """Whether the words just before `start` make what follows the comparison term."""
    lo = max(sentence.start, start - 30)
    if CMP_BEFORE_RE.search(text, lo, start):
        return True
    # The substring test keeps the costlier "on" pattern off most positions.
    return "on" in text[max(lo, start - 8) : start].lower() and bool(
        ON_CMP_BEFORE_RE.search(text, lo, start)
    )


def _group(text: str, sentence: Sentence, atoms: list[Atom]) -> list[_Builder]:
    """Walk the sentence's atoms in order and cut them into one builder per stated figure."""
    builders = [_Builder()]
    pending_child: _Child | None = None

    def fresh() -> _Builder:
        builders.append(_Builder())
        return builders[-1]

    cur = builders[0]
    has_basis = any(a.kind == "basis" for a in atoms)
    for atom in atoms:
        kind = atom.kind
        if kind == "product":
            if cur.has_figure() and cur.product is not None:
                cur = fresh()
            cur.product = str(atom.value)
            cur.product_is_products_phrase = bool(atom.extra)
            pending_child = None
        elif kind in ("partner", "global"):
            if cur.has_figure() and cur.partner is not None:
                cur = fresh()
            cur.partner = str(atom.value)
            pending_child = None
        elif kind == "period":
            spec = atom.value
            assert isinstance(spec, PeriodSpec)
            if spec.kind == "date":
                continue
            lo = max(sentence.start, atom.start - 12)
            if SINCE_BEFORE_RE.search(text, lo, atom.start):
                continue
            if pending_child is not None and pending_child.period is None:
                pending_child.period = spec
                continue
            if atom.extra == "from" and cur.change is not None and not has_basis:
                # "rose 23% from April to May": a change between two months. Without a change
                # before it ("From January to May, shipments reached ..."), or with a stated
                # basis ("up 2% year-on-year from January to May"), the range is a cumulative
                # span and is handled as any other period below.
                first = PeriodSpec("span", spec.m1, spec.m1, spec.year, spec.rel_year)
                last = PeriodSpec("span", spec.m2, spec.m2, spec.year, spec.rel_year)
                if cur.cmp_period is None:
                    cur.cmp_period = first
                if cur.period is None:
                    cur.period = last
                continue
            comparison = _is_comparison(text, sentence, atom)
            if spec.kind == "same_bare" and not comparison:
                spec = PeriodSpec("ctx")
            if comparison:
                if cur.cmp_period is None:
                    cur.cmp_period = spec
            elif cur.period is None or not cur.has_figure():
                cur.period = spec
            else:
                cur = fresh()
                cur.period = spec
        elif kind == "qty":
            if _compared_before(text, sentence, atom.start):
                pending_child = _Child(float(atom.value))  # type: ignore[arg-type]
                cur.children.append(pending_child)
                continue
            if cur.quantity is not None:
                cur = fresh()
            cur.quantity = float(atom.value)  # type: ignore[arg-type]
            if APPROX_RE.search(text[max(sentence.start, atom.start - 20) : atom.start]):
                cur.approximate = True
            pending_child = None
        elif kind == "change":
            if cur.change is not None:
                cur = fresh()
            cur.change = float(atom.value)  # type: ignore[arg-type]
            is_multiple, approximate = atom.extra  # type: ignore[misc]
            cur.change_is_multiple = is_multiple
            cur.approximate = cur.approximate or approximate
            pending_child = None
        elif kind == "basis" and cur.basis is None:
            cur.basis = str(atom.value)
    return builders


def _finalise(drafts: list[_Draft]) -> list[FigureClaim]:
    """Drop restated headlines, repeats and claims another claim already contains."""
    body = [d for d in drafts if not d.headline]
    kept: list[_Draft] = []
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
    seen: set[tuple[object, ...]] = set()
    unique: list[_Draft] = []
    by_slot: dict[tuple[str, str, str, str], list[_Draft]] = {}
    for draft in kept:
        c = draft.claim
        key = (
            c.product_code,
            c.partner_iso3,
            c.period_start,
            c.period_end,
            c.quantity_t,
            c.change_pct,
        )
        if key in seen:
            continue
        seen.add(key)
        unique.append(draft)
        by_slot.setdefault(key[:4], []).append(draft)  # type: ignore[arg-type]
    result: list[FigureClaim] = []
    for draft in unique:
        c = draft.claim
        rivals = by_slot[(c.product_code, c.partner_iso3, c.period_start, c.period_end)]
        if not any(other is not draft and _subsumes(other, draft) for other in rivals):
            result.append(c)
    return result


def _subsumes(big: _Draft, small: _Draft) -> bool:
    a, b = big.claim, small.claim
    if (a.product_code, a.partner_iso3, a.period_start, a.period_end) != (
        b.product_code,
        b.partner_iso3,
        b.period_start,
        b.period_end,
    ):
        return False
    if big.fields_set <= small.fields_set:
        return False
    return (b.quantity_t is None or b.quantity_t == a.quantity_t) and (
        b.change_pct is None or b.change_pct == a.change_pct
    )
