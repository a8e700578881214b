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


@dataclass(frozen=True, slots=True)
class FigureClaim:
    """One export figure as the article states it, located by character offsets.

    Offsets point at the sentence so a reviewer (or a UI) can show the evidence next to the
    customs number it is compared with.
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
    """A time expression before it is resolved against publication date and context."""

    kind: str  # span | same | same_bare | ctx | pubrel | date
    m1: int = 0
    m2: int = 0
    year: int | None = None
    rel_year: int | None = None  # years relative to publication ("last year" = -1)
    offset: int = 0  # pubrel: months relative to the publication month
    day: int | None = None
    prefix: str | None = None


@dataclass(slots=True)
class Atom:
    start: int
    end: int
    kind: str  # qty | pct | mult | period | basis | product | partner | global
    value: object
    extra: object = None


@dataclass(slots=True)
class Context:
    """What earlier sentences established, read by sentences that leave it implicit."""

    last_claim: tuple[str, str, int, int] | None = None  # product, partner, start, end
    last_month: int | None = None
    last_year: int | None = None
    last_product: str | None = None
    first_product: str | None = None


@dataclass(slots=True)
class Sentence:
    start: int
    end: int
    headline: bool
