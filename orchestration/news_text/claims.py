"""Extract export-figure claims from news text, in English or German.

The press is the only timely second opinion on China's customs figures: it quotes monthly
totals before the detailed release. This module turns free text into rows the pipeline can
compare with GACC data, so it is deliberately pure (no I/O, no database, no network) and
cheap enough to run on every article of a backfill. A wrong claim is worse than none (it
becomes a false "mismatch" against customs data), so whatever cannot be read for sure is
dropped rather than guessed.

Design notes, because the choices are not obvious from the code:

* Work is sentence by sentence, but context carries over: a sentence such as "exports were
  still down 38.1% year-on-year" names neither product nor period, and an analyst reads both
  from the claim before it. Context comes from the last *claim* (not the last product word),
  because articles drift into background ("rare-earth trade channels") between figures; its
  month is the claim's own, never the month it was compared with.
* A sentence without an export word still states an export when a destination receives the
  figure ("India received 172 tonnes"), a relative clause ties the figure to a product
  ("the customs total for rare earths, which came to 5,792 tonnes"), it points back at the
  claim just before ("That is a 20% fall from the month before"), or the sentence before set
  up the comparison ("Compared with February, exports rose. Germanium gained 16%.").
* A quantity introduced by "from" / "compared with" is the figure for the comparison period
  and becomes a claim of its own; the comparison period also fixes the change basis.
* Rates and averages ("300 t a month", "averaged 17,000 t") are levels, not totals: no claim.
  Hedged figures ("almost 40%", "more than 2,000 t", "doubled") keep their hedge.
* No product named, two products for one figure, one figure for two destinations, a form no
  series holds, a period after the publication date: no claim.
* Bloomberg's "rare-earth products" series is neither the GACC 17-element total nor HS
  8505.11, so it gets its own product code and must never be matched against either.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from orchestration.news_text.atoms import figure_atoms, non_overlapping, period_atoms
from orchestration.news_text.changes import classify_changes
from orchestration.news_text.context import FIGURES, Article, sentence_year, update_context
from orchestration.news_text.dates import date_of, feed_items
from orchestration.news_text.finalise import Draft, finalise
from orchestration.news_text.grouping import Builder, group, is_comparison
from orchestration.news_text.model import (
    PRODUCT_BLOOMBERG,
    PRODUCT_RARE_EARTHS,
    Atom,
    Context,
    FigureClaim,
    Quantity,
    Sentence,
)
from orchestration.news_text.periods import (
    Anchor,
    after_publication,
    fmt,
    resolve_comparison,
    shift_by_basis,
)
from orchestration.news_text.resolution import (
    CONTINUES,
    OF_THE_ARTICLE,
    POINTS_BACK,
    Resolved,
    resolve,
)
from orchestration.news_text.sentences import bucket, normalise, split_sentences
from orchestration.news_text.vocabulary import (
    ANAPHOR_RE,
    BLOOMBERG_RE,
    EXPORT_WORD_RE,
    FIRST_PERSON_RE,
    NOT_TRADE_RE,
    RELATIVE_QTY_BEFORE_RE,
    language_of,
)


def extract_claims(text: str, published: dt.date | None = None) -> list[FigureClaim]:
    """Every export figure the text states, one claim per product, partner and period.

    `published` anchors months written without a year; without it the last year named in
    the text is used, and a claim whose period cannot be dated is dropped rather than
    guessed.
    """
    clean = normalise(text)
    sentences = split_sentences(clean)
    if not sentences:
        return []
    language = language_of(clean)
    atoms = non_overlapping([*period_atoms(clean), *figure_atoms(clean, language)])
    buckets = bucket(atoms, sentences)
    article = Article(text, clean, language, published, feed_items(clean))
    drafts = _read(article, sentences, buckets)
    spans = _stated_spans(drafts)
    if spans:
        # A year inferred from the publication date yields to the year the article states
        # for a span holding that month ("June" in a late repost about "the first half of
        # 2025"); read again with those spans, which is rare, so the cost is too.
        article.article_spans = spans
        drafts = _read(article, sentences, buckets)
    return finalise(_with_article_product(drafts))


def _with_article_product(drafts: list[Draft]) -> list[Draft]:
    """Settle "product of the article" claims: the one product the article's claims name,
    or no claim when they name none or several."""
    named = {d.claim.product_code for d in drafts if "product named" in d.claim.reason.split("; ")}
    named.discard(OF_THE_ARTICLE)
    out = []
    for draft in drafts:
        if draft.claim.product_code != OF_THE_ARTICLE:
            out.append(draft)
        elif len(named) == 1:
            out.append(replace(draft, claim=replace(draft.claim, product_code=next(iter(named)))))
    return out


def _read(article: Article, sentences: list[Sentence], buckets: list[list[Atom]]) -> list[Draft]:
    ctx = Context()
    drafts: list[Draft] = []
    for sentence, atoms in zip(sentences, buckets, strict=True):
        anchor = date_of(sentence.start, article.feed, article.published)
        found = _claims_in_sentence(article, sentence, atoms, anchor, ctx)
        update_context(article, sentence, atoms, anchor, ctx, found)
        drafts.extend(found)
    return drafts


def _stated_spans(drafts: list[Draft]) -> tuple[tuple[int, int, int], ...]:
    """Spans of months with a stated year that hold a claim's month whose year was only
    inferred, and in another year: the conflicts the second reading settles.

    Only when the article's stated spans all lie in one year (it is about that year), and
    only spans shorter than a year ("the first half of 2025"): a full year holds every month,
    and a 2025 total quoted as background says nothing about which June a story means.
    """
    spans = {
        d.explicit_span
        for d in drafts
        if not d.is_child and d.explicit_span and d.explicit_span[2] - d.explicit_span[1] < 11
    }
    if len({s[0] for s in spans}) != 1:
        return ()
    conflicts = set()
    for draft in drafts:
        if draft.is_child or not draft.year_inferred:
            continue
        year, first = int(draft.claim.period_end[:4]), int(draft.claim.period_start[5:])
        last = int(draft.claim.period_end[5:])
        conflicts |= {s for s in spans if s[1] <= first and last <= s[2] and s[0] != year}
    return tuple(sorted(conflicts))


def _subject(article: Article, sentence: Sentence, atoms: list[Atom], ctx: Context) -> str | None:
    """Why the sentence's figures are export figures, or None when they are not."""
    text = article.clean
    first_figure = next((a.start for a in atoms if a.kind in FIGURES), sentence.end)
    if FIRST_PERSON_RE.search(text, sentence.start, first_figure):
        return None  # "We shipped 300 tonnes last week": a trader's own, not China's exports
    if EXPORT_WORD_RE.search(text, sentence.start, sentence.end):
        return "export word"
    implicit = _implicit_export(text, sentence, atoms)
    if implicit is not None:
        return implicit
    if NOT_TRADE_RE.search(text, sentence.start, first_figure):
        return None
    if ctx.claimed_in_previous and ANAPHOR_RE.match(text, sentence.start, sentence.end):
        return POINTS_BACK
    if ctx.pending_basis is not None:
        return CONTINUES
    return None


def _implicit_export(text: str, sentence: Sentence, atoms: list[Atom]) -> str | None:
    """A quantity stated as an export without an export word.

    Either a destination is the subject of a receiving verb ("India received 172 tonnes of
    magnets") or a relative clause ties the quantity to a product phrase earlier in the
    sentence ("the customs total for rare earths, which came to 5,792 tonnes").
    """
    receiver = False
    product_at: int | None = None
    for atom in atoms:
        if atom.kind == "partner" and atom.extra in ("subj", "rank", "mit"):
            receiver = True
        elif atom.kind == "product":
            product_at = atom.start
        elif atom.kind == "qty":
            if receiver:
                return "receiving destination"
            if product_at is None:
                continue
            lo = max(sentence.start, atom.start - 60)
            if RELATIVE_QTY_BEFORE_RE.search(text, lo, atom.start) and not NOT_TRADE_RE.search(
                text, max(sentence.start, product_at - 60), atom.start
            ):
                return "relative clause"
    return None


def _claims_in_sentence(
    article: Article,
    sentence: Sentence,
    atoms: list[Atom],
    published: dt.date | None,
    ctx: Context,
) -> list[Draft]:
    if not any(a.kind in FIGURES for a in atoms):
        return []
    subject = _subject(article, sentence, atoms, ctx)
    if subject is None:
        return []
    default = ctx.pending_direction if subject == CONTINUES else None
    atoms = classify_changes(article.clean, sentence, atoms, article.language, default)
    builders = group(article.clean, sentence, atoms)
    main_year = sentence_year(
        [
            a
            for a in atoms
            if a.kind == "period"
            and not any(c.period is a.value for b in builders for c in b.children)
            and not is_comparison(article.clean, sentence, a)
        ]
    )
    anchor = Anchor(published, main_year, article.article_spans)
    bloomberg = bool(BLOOMBERG_RE.search(article.text, sentence.start, sentence.end))
    named_product = any(a.kind == "product" for a in atoms)
    drafts: list[Draft] = []
    previous: Resolved | None = None
    for builder in builders:
        if builder.import_clause or not (builder.has_figure() or builder.children):
            continue
        resolved = resolve(builder, previous, anchor, ctx, subject, named_product)
        if resolved is None:
            continue
        if resolved.product == PRODUCT_RARE_EARTHS and bloomberg and builder.products_wording:
            # Only Bloomberg's own wording ("rare-earth products") names Bloomberg's series;
            # a Bloomberg figure called "rare-earth exports" names the customs total, and the
            # claim check then finds it matches another series (scope_mismatch).
            resolved.product = PRODUCT_BLOOMBERG
        drafts.extend(_drafts_of(article, sentence, builder, resolved, anchor, ctx))
        if builder.has_figure():
            previous = resolved
    return drafts


def _drafts_of(
    article: Article,
    sentence: Sentence,
    builder: Builder,
    resolved: Resolved,
    anchor: Anchor,
    ctx: Context,
) -> list[Draft]:
    drafts: list[Draft] = []
    confidence = resolved.confidence - (0.2 if sentence.headline else 0.0)
    products = resolved.product.split("|")
    for product in products:
        for partner in resolved.partners:
            if builder.has_figure():
                claim = _claim(
                    article,
                    sentence,
                    product,
                    partner,
                    resolved.main,
                    builder.quantity,
                    builder.change,
                    resolved.basis,
                    confidence,
                    resolved.reasons,
                )
                drafts.append(
                    Draft(
                        claim,
                        sentence.headline,
                        (builder.quantity is not None) + (builder.change is not None),
                        explicit_span=resolved.explicit_span,
                        year_inferred=resolved.year_inferred,
                        alternative_t=builder.quantity.alternative_t if builder.quantity else None,
                    )
                )
            drafts.extend(
                _child_drafts(article, sentence, builder, resolved, product, partner, anchor, ctx)
            )
    return drafts


def _child_drafts(
    article: Article,
    sentence: Sentence,
    builder: Builder,
    resolved: Resolved,
    product: str,
    partner: str,
    anchor: Anchor,
    ctx: Context,
) -> list[Draft]:
    drafts = []
    for child in builder.children:
        if child.discard:
            continue
        if child.period is not None:
            period = resolve_comparison(child.period, resolved.main, anchor, ctx)
        elif builder.basis in ("yoy", "mom"):
            period = shift_by_basis(resolved.main, builder.basis, forward=False)
        else:
            period = None
        if period is None or after_publication(period, anchor.published):
            continue
        reasons = [*resolved.reasons, "comparison figure"]
        claim = _claim(
            article,
            sentence,
            product,
            partner,
            period,
            child.quantity,
            None,
            None,
            resolved.confidence - 0.05,
            reasons,
        )
        drafts.append(Draft(claim, sentence.headline, 1, is_child=True))
    return drafts


def _claim(
    article: Article,
    sentence: Sentence,
    product: str,
    partner: str,
    period: tuple[int, int],
    quantity: Quantity | None,
    change: object,
    basis: str | None,
    confidence: float,
    reasons: list[str],
) -> FigureClaim:
    pct = getattr(change, "pct", None)
    return FigureClaim(
        product_code=product,
        partner_iso3=partner,
        period_start=fmt(period[0]),
        period_end=fmt(period[1]),
        quantity_t=round(quantity.tonnes, 9) if quantity is not None else None,
        change_pct=round(pct, 6) if pct is not None else None,
        change_basis=basis,
        sentence=article.text[sentence.start : sentence.end],
        start_char=sentence.start,
        end_char=sentence.end,
        confidence=round(max(0.05, min(0.99, confidence)), 2),
        quantity_decimals=quantity.decimals if quantity is not None else None,
        quantity_qualifier=quantity.qualifier if quantity is not None else None,
        change_qualifier=getattr(change, "qualifier", None),
        reason="; ".join(dict.fromkeys(reasons)),
    )
