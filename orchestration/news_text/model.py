"""What the text layer returns (claims, policy mentions) and the pieces it builds them from.

Everything here is plain data: the extractor is pure (no I/O, no database, no network), so
these types are all a caller needs to know.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

PRODUCT_RARE_EARTHS = "rare_earths_total"
PRODUCT_MAGNETS = "850511"
PRODUCT_BLOOMBERG = "bloomberg_rare_earth_products"
WORLD = "WLD"
EUROPEAN_UNION = "EUU"

# How a figure is hedged in the text. A hedged figure is never a `match` against customs
# data: "almost 40%" agrees with 38% and with 41% alike.
APPROX = "approx"
MORE_THAN = "more_than"
LESS_THAN = "less_than"


@dataclass(frozen=True, slots=True)
class FigureClaim:
    """One export figure as the article states it, located by character offsets.

    Offsets point at the sentence so a reviewer (or a UI) can show the evidence next to the
    customs number it is compared with. `product_code` is a series id of
    dbt_project/seeds/reported_series.csv. `quantity_decimals` is the precision the quantity
    was stated to, in decimals of a tonne ("5,000 kg" is 3: exact to the kilogram, though
    5.0 t reads as a whole tonne). `reason` names the rules that produced the claim.
    """

    product_code: str
    partner_iso3: str
    period_start: str
    period_end: str
    quantity_t: float | None
    change_pct: float | None
    change_basis: str | None
    sentence: str
    start_char: int
    end_char: int
    confidence: float
    quantity_decimals: int | None = None
    quantity_qualifier: str | None = None
    change_qualifier: str | None = None
    reason: str = ""


@dataclass(frozen=True, slots=True)
class PolicyMention:
    """A sentence where a Chinese authority acts on exports, with the date it names.

    The date is what lets a mention be tied to an event of the policy timeline; product
    groups break ties between events announced days apart. The matching itself is SQL, in
    the dbt model mart_news_policy_mentions, where the timeline is.
    """

    date: dt.date | None
    actor: str
    action: str
    sentence: str
    start_char: int
    end_char: int
    product_groups: tuple[str, ...] = field(default=())
    date_precision: str | None = None  # "day", or "month" when only a month is named


@dataclass(frozen=True, slots=True)
class PeriodSpec:
    """A time expression before it is resolved against publication date and context.

    kind: span (months m1..m2), same / same_bare ("the same period last year"), ctx ("that
    month"), pubrel ("last month"), date (a day), shift (`offset` months from the figure it
    is compared with: "a month earlier"), ytd (year to date, up to the story's month).
    """

    kind: str
    m1: int = 0
    m2: int = 0
    year: int | None = None
    rel_year: int | None = None  # years relative to publication ("last year" = -1)
    offset: int = 0  # pubrel / shift: months relative to the publication month / the figure
    day: int | None = None
    prefix: str | None = None


@dataclass(frozen=True, slots=True)
class Quantity:
    """A stated quantity in tonnes, with the precision and hedge it was stated with.

    `alternative_t` is set when the number's separator is ambiguous ("62.585 tons" in an
    English text: 62.585 t, or 62,585 t with a full stop for a thousands comma).
    `level` marks a rate or average ("300 t a month", "averaged 17,000 t"): no total.
    """

    tonnes: float
    decimals: int  # digits after the decimal mark in tonnes: 3 for a whole kilogram
    factor: float = 1.0  # tonnes per unit as stated (0.001 for kg): a list repeats its unit
    qualifier: str | None = None
    alternative_t: float | None = None
    level: bool = False
    bare: bool = False  # no unit of its own ("up from 5,864.6 in May"); takes the figure's


@dataclass(frozen=True, slots=True)
class Change:
    """A stated change in percent; a multiple ("doubled") is an approximate change."""

    pct: float
    qualifier: str | None = None
    is_multiple: bool = False
    basis: str | None = None  # when the wording itself names it ("2.4 times last month's")


@dataclass(slots=True)
class Atom:
    start: int
    end: int
    kind: str  # qty | pct | mult | change | period | basis | product | partner | global
    value: object
    extra: object = None


@dataclass(slots=True)
class Context:
    """What earlier sentences established, read by sentences that leave it implicit."""

    last_claim: tuple[str, str, int, int] | None = None  # product, partner, start, end
    last_claim_basis: str | None = None
    last_month: int | None = None
    last_year: int | None = None
    last_product: str | None = None
    claimed_in_previous: bool = False  # the sentence just before produced body claims
    # A figure-less export sentence that names a comparison ("Compared with February, exports
    # rose."): the changes of the next sentence take its basis and direction.
    pending_basis: str | None = None
    pending_direction: str | None = None
    # What a figure-less sentence about a product's exports names ("Gallium exports rose in
    # July."), for the figures of the sentences after it.
    topic_month: int | None = None
    topic_product: str | None = None


@dataclass(slots=True)
class Sentence:
    start: int
    end: int
    headline: bool
