"""Cutting a sentence's atoms into one builder per stated figure.

A builder collects what one figure is about: product, destination, period, comparison and
the figures stated for the comparison period (children). Which atom goes to which figure is
decided by order and by the few words around each atom, never by a whole-sentence parse, so
that junk around a figure (ads, captions, cut-off text) cannot derail the figures next to it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from orchestration.news_text.model import Atom, Change, PeriodSpec, Quantity, Sentence
from orchestration.news_text.vocabulary import (
    BY_BEFORE_RE,
    CLAUSE_RE,
    COMPARISON_WORDS,
    EACH_AFTER_RE,
    EACH_BEFORE_RE,
    EXPORT_WORD_RE,
    IMPORT_WORD_RE,
    NOT_TRADE_RE,
    ON_CMP_BEFORE_RE,
    PERIOD_FIGURE_LINK_RE,
    SCOPE_RE,
    SINCE_BEFORE_RE,
    SUPERLATIVE_BEFORE_RE,
)

_LIST_JOIN_RE = re.compile(r"^\s*(?:,|and|und|&)?\s*(?:,|and|und)?\s*$", re.I)
_FIGURE_KINDS = ("qty", "change", "pct", "mult")
_ARTICLES = frozenset(["the", "a", "an", "dem", "der", "den", "in", "im"])
_HEDGED_THAN = (["more"], ["less"], ["fewer"])
SCOPE_AFTER_RE = re.compile(r",?\s+(?:including|incl\.|einschließlich|inklusive)\s", re.I)
_ASIDE_RE = re.compile(
    r"\b(?:including|such\s+as|excluding|except|like|einschließlich|außer)\b|[—–(]|\s-\s", re.I
)
_NOW_RE = re.compile(r"\b(?:nun|now|jetzt)\b", re.I)
_WHEN_RE = re.compile(r",?\s+(?:when|as|als|wo)\b", re.I)
_OWN_PRODUCT_RE = re.compile(r"^\s*(?:of\s+(?:the\s+)?|an\s+|des\s+|der\s+)?$", re.I)
_BARE_TO_PERIOD_RE = re.compile(r"^\s*(?:[a-z]+\s+)?(?:in|im|during)?\s*$")


@dataclass(slots=True)
class Child:
    """A figure for the comparison period ("up from 1,238 tons in May"): a claim of its own."""

    quantity: Quantity
    period: PeriodSpec | None = None
    discard: bool = False  # a rate or average: swallowed with its period, never a claim


@dataclass(slots=True)
class Builder:
    products: list[str | None] = field(default_factory=list)
    products_wording: bool = False
    partners: list[str] = field(default_factory=list)
    partner_kind: str | None = None
    period: PeriodSpec | None = None
    period_soft: bool = False  # from a clause without a figure: a later period replaces it
    cmp_period: PeriodSpec | None = None
    quantity: Quantity | None = None
    change: Change | None = None
    basis: str | None = None
    children: list[Child] = field(default_factory=list)
    scope_wider: bool = False  # "including powder and alloys": not the series' figure
    each: bool = False  # "three kilograms each": the figure holds for every partner named
    import_clause: bool = False

    def has_figure(self) -> bool:
        return self.quantity is not None or self.change is not None


@dataclass(slots=True)
class _Walk:
    """State of one pass over a sentence's atoms."""

    text: str
    sentence: Sentence
    builders: list[Builder]
    clauses: list[tuple[int, int, bool]]  # start, end, is an import clause
    has_basis: bool
    pending_child: Child | None = None
    last_figure: Atom | None = None
    last_period: Atom | None = None
    last_period_comparison: bool = False
    destinations_listed: bool = False
    coordinated_before: bool = False  # the last destination was joined to the next one

    @property
    def cur(self) -> Builder:
        return self.builders[-1]

    def fresh(self) -> Builder:
        self.builders.append(Builder())
        return self.builders[-1]

    def clause_of(self, position: int) -> int:
        last = len(self.clauses) - 1
        return next(i for i, (s, e, _) in enumerate(self.clauses) if s <= position < e or i == last)


def clauses_of(text: str, sentence: Sentence, atoms: list[Atom]) -> list[tuple[int, int, bool]]:
    """Clause spans of a sentence, each marked when it is about imports or output, not
    exports: such a word before the clause's first figure ("the import volume ... was 1.71
    mt", "output rose 10%, while exports ..."), not after it ("46 t, a tenth of what it
    imported in March")."""
    bounds = [sentence.start]
    for m in CLAUSE_RE.finditer(text, sentence.start, sentence.end):
        bounds.append(m.end())
    bounds.append(sentence.end)
    out = []
    for start, end in zip(bounds, bounds[1:], strict=False):
        figure = next(
            (a.start for a in atoms if start <= a.start < end and a.kind in _FIGURE_KINDS), end
        )
        other_flow = IMPORT_WORD_RE.search(text, start, figure) or NOT_TRADE_RE.search(
            text, start, figure
        )
        imports = bool(other_flow) and not EXPORT_WORD_RE.search(text, start, figure)
        out.append((start, end, imports))
    return out


def is_comparison(text: str, sentence: Sentence, atom: Atom) -> bool:
    spec = atom.value
    if isinstance(spec, PeriodSpec) and spec.kind == "same":
        return True
    return compared_before(text, sentence, atom.start)


def compared_before(text: str, sentence: Sentence, start: int) -> bool:
    """Whether the words just before `start` make what follows the comparison term."""
    lo = max(sentence.start, start - 30)
    if start > lo and text[start - 1].isspace() and _comparison_words_end(text[lo:start]):
        return True
    # The substring test keeps the costlier "on" pattern off most positions.
    return "on" in text[max(lo, start - 8) : start].lower() and bool(
        ON_CMP_BEFORE_RE.search(text, lo, start)
    )


def _comparison_words_end(before: str) -> bool:
    """Whether `before` ends with a comparison word ("up from", "compared with the", "than
    in", "im Vergleich zum"). Words are looked up: a backwards regex at every atom was the
    costliest step of the extractor."""
    words = before.lower().split()
    if words and words[-1] in _ARTICLES:
        words = words[:-1]
    for size in (3, 2, 1):
        if len(words) >= size and " ".join(words[-size:]) in COMPARISON_WORDS:
            # "more than 2,000 t" is a hedge, not a comparison with 2,000 t
            return not (size == 1 and words[-1] == "than" and words[-2:-1] in _HEDGED_THAN)
    return False


def group(text: str, sentence: Sentence, atoms: list[Atom]) -> list[Builder]:
    """Walk the sentence's atoms in order and cut them into one builder per stated figure."""
    walk = _Walk(
        text,
        sentence,
        [Builder()],
        clauses_of(text, sentence, atoms),
        any(a.kind == "basis" for a in atoms),
    )
    clause = 0
    for index, atom in enumerate(atoms):
        now = walk.clause_of(atom.start)
        if now != clause:
            clause = now
            _enter_clause(walk, walk.clauses[now][2])
        if walk.clauses[now][2]:
            continue  # an import clause: its figures are not China's exports
        kind = atom.kind
        if kind == "product":
            _place_product(walk, atom, atoms[index - 1] if index else None)
        elif kind in ("partner", "global"):
            _place_partner(walk, atom)
        elif kind == "period":
            _place_period(walk, atom, atoms[index - 1] if index else None)
        elif kind == "qty":
            _place_quantity(walk, atom)
        elif kind == "bare":
            _place_bare(walk, atom, atoms[index + 1] if index + 1 < len(atoms) else None)
        elif kind == "change":
            _place_change(walk, atom, _next_period(atoms, index, walk))
        elif kind == "basis" and walk.cur.basis is None:
            walk.cur.basis = str(atom.value)
    _distribute_list_periods(walk)
    return walk.builders


def _enter_clause(walk: _Walk, imports: bool) -> None:
    cur = walk.cur
    if imports:
        if cur.has_figure() or cur.children:
            walk.fresh()
        walk.cur.import_clause = True
        return
    if cur.import_clause or cur.has_figure():
        # A new clause names a new figure ("..., but flows to the United States stalled"):
        # its destination or product is not the figure's before it.
        walk.fresh()
    else:
        cur.period_soft = cur.period is not None
    walk.pending_child = None


def _place_product(walk: _Walk, atom: Atom, before: Atom | None) -> None:
    cur = walk.cur
    series = atom.value if atom.value is None else str(atom.value)
    coordinated = (
        before is not None
        and before.kind == "product"
        and not cur.has_figure()
        and _LIST_JOIN_RE.match(walk.text[before.end : atom.start]) is not None
    )
    if coordinated:
        if series not in cur.products:
            cur.products.append(series)
        return
    if (
        before is not None
        and before.kind == "product"
        and not cur.has_figure()
        and _ASIDE_RE.search(walk.text, before.end, atom.start)
    ):
        return  # "rare-earth products - a category including magnets -": an aside
    # "4,291 t of rare earths", "3.206 Kilogramm Germanium": the product of the figure just
    # stated, as is a repeat of the product already named; any other starts a new figure.
    own = walk.last_figure is not None and _OWN_PRODUCT_RE.match(
        walk.text[walk.last_figure.end : atom.start]
    )
    if cur.has_figure() and cur.products and not own and series not in cur.products:
        cur = walk.fresh()
    cur.products = [series]
    cur.products_wording = bool(atom.extra)
    walk.pending_child = None


def _place_partner(walk: _Walk, atom: Atom) -> None:
    cur = walk.cur
    joined = atom.extra == "coordinated" or walk.coordinated_before
    walk.coordinated_before = atom.extra == "coordinated"
    if joined and cur.partners and not cur.has_figure():
        if str(atom.value) not in cur.partners:
            cur.partners.append(str(atom.value))
        return
    if atom.extra == "listed" and not walk.destinations_listed:
        return  # "Japan 352": a list item only after a destination has been given a figure
    if atom.kind == "partner" and atom.extra != "to":
        walk.destinations_listed = True
    if cur.has_figure() and cur.partners:
        cur = walk.fresh()
    cur.partners = [str(atom.value)]
    cur.partner_kind = str(atom.extra) if atom.kind == "partner" else "global"
    walk.pending_child = None


def _place_period(walk: _Walk, atom: Atom, before: Atom | None) -> None:
    spec = atom.value
    assert isinstance(spec, PeriodSpec)
    text, sentence, cur = walk.text, walk.sentence, walk.cur
    if spec.kind == "date":
        return
    lo = max(sentence.start, atom.start - 12)
    if SINCE_BEFORE_RE.search(text, lo, atom.start):
        return
    if SUPERLATIVE_BEFORE_RE.search(text, max(sentence.start, atom.start - 40), atom.start):
        return
    if BY_BEFORE_RE.search(text, lo, atom.start) and (before is None or before.kind != "qty"):
        return  # "by May" is a deadline, unless a level reached by then ("to 20 t by May")
    child = walk.pending_child
    if child is not None and child.period is None:
        child.period = spec
        walk.last_period, walk.last_period_comparison = atom, True
        return
    if atom.extra == "from" and cur.change is not None and not walk.has_basis:
        # "rose 23% from April to May": a change between two months. Without a change
        # before it ("From January to May, shipments reached ..."), or with a stated basis
        # ("up 2% year-on-year from January to May"), the range is a cumulative span.
        if cur.cmp_period is None:
            cur.cmp_period = PeriodSpec("span", spec.m1, spec.m1, spec.year, spec.rel_year)
        if cur.period is None:
            cur.period = PeriodSpec("span", spec.m2, spec.m2, spec.year, spec.rel_year)
        return
    comparison = is_comparison(text, sentence, atom)
    walk.last_period, walk.last_period_comparison = atom, comparison
    if spec.kind == "same_bare" and not comparison:
        spec = PeriodSpec("ctx")
    if comparison:
        if cur.cmp_period is None:
            cur.cmp_period = spec
    elif spec.kind == "shift":
        return  # "a month earlier" names no period of its own
    elif cur.period is None or cur.period_soft or not cur.has_figure():
        cur.period, cur.period_soft = spec, False
    else:
        walk.fresh().period = spec


def _place_quantity(walk: _Walk, atom: Atom) -> None:
    quantity = atom.value
    assert isinstance(quantity, Quantity)
    text, sentence = walk.text, walk.sentence
    if quantity.level:
        # A rate or average, with the period that follows it: no claim, and no comparison.
        walk.pending_child = Child(quantity, discard=True)
        return
    child_period = _linked_period(walk, atom)
    if child_period is not None or _continues_children(walk, atom):
        child = Child(quantity, child_period)
        walk.cur.children.append(child)
        walk.pending_child = child if child_period is None else None
        walk.last_figure = atom
        return
    if compared_before(text, sentence, atom.start):
        walk.pending_child = Child(quantity)
        walk.cur.children.append(walk.pending_child)
        walk.last_figure = atom
        return
    cur = walk.cur
    if cur.quantity is not None:
        cur = walk.fresh()
    cur.quantity = quantity
    # "Including powder and alloys, exports reached 686 t" / "686 t, including powder": the
    # figure is wider than the series. A category's own description ("rare-earth products, a
    # broader category including magnets") is not a hedge on its figure.
    clause_start = walk.clauses[walk.clause_of(atom.start)][0]
    scope = SCOPE_RE.match(text, _skip_space(text, clause_start)) or SCOPE_AFTER_RE.match(
        text, atom.end
    )
    cur.scope_wider = cur.scope_wider or scope is not None
    cur.each = bool(
        EACH_AFTER_RE.match(text, atom.end)
        or EACH_BEFORE_RE.search(text, max(0, atom.start - 10), atom.start)
    )
    walk.pending_child = None
    walk.last_figure = atom


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position].isspace():
        position += 1
    return position


def _linked_period(walk: _Walk, atom: Atom) -> PeriodSpec | None:
    """The comparison period a figure is tied to: "last October's 3,604 t", "dem September
    mit 5.000 Kilogramm", "im Juni, wo es 4.260 Kilogramm waren"."""
    period = walk.last_period
    if period is None or not walk.last_period_comparison:
        return None
    if PERIOD_FIGURE_LINK_RE.match(walk.text[period.end : atom.start]) is None:
        return None
    spec = period.value
    assert isinstance(spec, PeriodSpec)
    return spec


def _continues_children(walk: _Walk, atom: Atom) -> bool:
    """A figure joined by "and" to a comparison figure and its period is another comparison
    figure: "compares with 4,566 t in April and 4,576 t in May 2023"."""
    children = walk.cur.children
    if not children or children[-1].period is None or walk.last_period is None:
        return False
    if walk.last_figure is None or walk.last_period.start < walk.last_figure.end:
        return False
    return _LIST_JOIN_RE.match(walk.text[walk.last_period.end : atom.start]) is not None


def _place_bare(walk: _Walk, atom: Atom, after: Atom | None) -> None:
    """A number without a unit takes the unit of the figure it goes with: a comparison ("up
    from 5,864.6 in May") or the next item of a list ("Japan 352 kg and Russia 19")."""
    bare = atom.value
    assert isinstance(bare, Quantity)
    figure = walk.last_figure
    unit_from = figure.value if figure is not None else None
    if not isinstance(unit_from, Quantity) or unit_from.factor <= 0:
        return
    quantity = Quantity(
        tonnes=round(bare.tonnes * unit_from.factor, 9),
        decimals=bare.decimals + round(-math.log10(unit_from.factor)),
        factor=unit_from.factor,
        qualifier=bare.qualifier,
    )
    if compared_before(walk.text, walk.sentence, atom.start):
        if after is None or after.kind != "period":
            return
        if _BARE_TO_PERIOD_RE.match(walk.text[atom.end : after.start]) is None:
            return
        walk.pending_child = Child(quantity)
        walk.cur.children.append(walk.pending_child)
        return
    cur = walk.cur
    if cur.partner_kind == "listed" and cur.quantity is None and cur.partners:
        cur.quantity = quantity
        walk.last_figure = Atom(atom.start, atom.end, "qty", quantity)


def _next_period(atoms: list[Atom], index: int, walk: _Walk) -> Atom | None:
    """The period right after a change in its clause ("plunging by 97% in October"), if any."""
    clause = walk.clause_of(atoms[index].start)
    for atom in atoms[index + 1 :]:
        if atom.kind == "basis":
            continue
        if atom.kind == "period" and walk.clause_of(atom.start) == clause:
            return None if is_comparison(walk.text, walk.sentence, atom) else atom
        return None
    return None


def _place_change(walk: _Walk, atom: Atom, own_period: Atom | None) -> None:
    change = atom.value
    assert isinstance(change, Change)
    cur = walk.cur
    since = walk.last_figure.end if walk.last_figure is not None else walk.sentence.start
    if own_period is None and _promote_child(walk, atom):
        cur = walk.cur
    elif own_period is not None and cur.period is not None and cur.has_figure():
        cur = walk.fresh()  # "..., after plunging by 97% in October": a figure of its own
    elif own_period is not None and cur.period is not None:
        # "Curbs came in April, and exports slumped 75% in May": the change's own period,
        # right after it, is its period, not the one named before the figure.
        cur.period_soft = True
    elif (
        cur.change is None
        and cur.quantity is not None
        and cur.period is not None
        and (_NOW_RE.search(walk.text, since, atom.start))
    ):
        # "In March 2023 it was still 6,480 kg; now exports fell by more than 80%": the
        # earlier figure is what the change compares with, and the change is the story's.
        child = Child(cur.quantity, cur.period)
        cur.quantity, cur.cmp_period, cur.period = None, cur.period, PeriodSpec("ctx")
        cur.children.append(child)
    if cur.change is not None:
        cur = walk.fresh()
    cur.change = change
    if change.basis is not None and cur.basis is None:
        cur.basis = change.basis
    walk.pending_child = None


def _promote_child(walk: _Walk, atom: Atom) -> bool:
    """ "compared to 8.63 t in July, when volumes more than doubled": the change belongs to
    the comparison figure's month, so that figure becomes a claim with the change."""
    children = walk.cur.children
    period = walk.last_period
    if not children or children[-1].period is None or period is None:
        return False
    if period.end > atom.start or not _WHEN_RE.match(walk.text, period.end, atom.start):
        return False
    child = children.pop()
    promoted = walk.fresh()
    promoted.quantity, promoted.period = child.quantity, child.period
    return True


def _distribute_list_periods(walk: _Walk) -> None:
    """In "Japan at 2,238 t and the US at 280 t in November" the period closes the list and
    holds for every item of it, not only for the last; so in "1 kg of germanium and 5,000 kg
    of gallium in July"."""
    builders = walk.builders
    for i in range(len(builders) - 2, -1, -1):
        first, second = builders[i], builders[i + 1]
        if first.period is not None or second.period is None or first.children:
            continue
        same_shape = all(
            b.quantity is not None and b.change is None and not b.children for b in (first, second)
        )
        if same_shape:
            first.period = second.period
