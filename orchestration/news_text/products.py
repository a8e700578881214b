"""Product words, mapped to the series ids of dbt_project/seeds/reported_series.csv.

A claim names the series its wording names: "antimony metal" is the antimony_metal series,
"flake graphite" graphite_flake, a plain "graphite" the natural-graphite heading. A form that
no series holds ("semi-finished silver", "magnet powder", "rare earth concentrate") is still
recognised, so that its figure is not handed to the product named before it; it maps to
None and gives no claim.
"""

from __future__ import annotations

import re

from orchestration.news_text.model import PRODUCT_BLOOMBERG, PRODUCT_MAGNETS, PRODUCT_RARE_EARTHS
from orchestration.news_text.vocabulary import gated

# Magnets come first so "rare earth magnets" is a magnet, not a rare-earth mention; a magnet
# word that names an input or a maker ("magnet powder", "magnet makers") is no magnet figure.
_MAGNET = (
    r"(?P<magnet>(?:rare[-\s]earth\s+)?(?:(?:permanent|ndfeb|neodymium|high-performance)\s+)*"
    r"magnets?|(?:seltenerd|permanent|neodym)-?magnet(?:e|en)?|magnete[n]?)\b"
    r"(?P<magnet_other>\s+(?:powders?|alloys?|materials?|makers?|producers?|production"
    r"|industry|plants?|factor(?:y|ies)|costs?|mandate))?"
)
_RARE_EARTH = (
    r"(?P<re>(?:17\s+(?:types\s+of\s+)?)?rare[-\s]earths?(?:\s+(?:metals?|elements?))?"
    r"|seltene[nr]?\s+erden|seltenerd(?:e|en|metalle)?)"
    r"(?P<re_tail>\s+(?:products?|ores?|concentrates?|oxides?))?\b"
)
_MINERAL = (
    r"(?P<form>(?:un-?wrought|wrought|unrefined|semi-(?:finished|manufactured)|flake|spherical"
    r"|natural|synthetic|artificial)\s+)?"
    r"(?P<mineral>gallium|germanium|antimony|antimon|graphite|graphit|tungsten|wolfram|silver"
    r"|silber|dysprosium|terbium|yttrium)(?P<compound>[a-zäöü]*)"
    r"(?P<tail>\s+(?:metal|ingots?|oxides?|trioxide|products?|items|concentrates?|ores?"
    r"|powders?|dioxide|paratungstate))?\b"
)
PRODUCT_RE = gated(
    "rmnphgatsdywuflAasSRMNPHGATDYWUFL1",
    rf"\b(?:{_MAGNET}|{_RARE_EARTH}|(?-i:(?P<ree>REEs?)\b)|(?P<apt>APT\b|ammonium\s+paratungstate)"
    rf"|{_MINERAL})",
    re.I,
)
_PURITY_9999_RE = re.compile(r"99[.,]99")
# Other goods whose exports a page may report in passing ("Lithium exports jump 30%"): known
# as products so that their figures go to no tracked series, and only as the subject of
# exports, so that "graphite, used in EV batteries" still names graphite.
_OTHER_GOODS = (
    r"lithium|cobalt|nickel|copper|alumini?um|steel|iron\s+ore|coal|crude(?:\s+oil)?|oil"
    r"|natural\s+gas|lng|soybeans?|gold|zinc|tin|platinum|palladium|indium|bismuth|molybdenum"
    r"|vanadium|titanium|magnesium|manganese|chromium|niobium|tantalum|cars?|vehicles?|evs?"
    r"|batter(?:y|ies)|solar\s+panels?|chips?|semiconductors?"
)
OTHER_GOODS_RE = re.compile(
    rf"\b(?:exports?|shipments?)\s+of\s+(?P<after>{_OTHER_GOODS})\b"
    rf"|\b(?P<before>{_OTHER_GOODS})\s+(?:exports?|shipments?)\b",
    re.I,
)
_ENGLISH_NAME = {"antimon": "antimony", "graphit": "graphite", "wolfram": "tungsten"}
_ENGLISH_NAME["silber"] = "silver"

SERIES_IDS = frozenset(
    {
        PRODUCT_RARE_EARTHS,
        PRODUCT_MAGNETS,
        PRODUCT_BLOOMBERG,
        "gallium",
        "gallium_wrought",
        "gallium_unwrought",
        "germanium",
        "antimony_products",
        "antimony_metal",
        "antimony_oxides",
        "graphite_natural",
        "graphite_flake",
        "graphite_spherical",
        "graphite_synthetic",
        "tungsten_products",
        "tungsten_apt",
        "silver_all",
        "silver_unwrought_9999",
        "dysprosium",
        "terbium",
        "yttrium_products",
    }
)


def series_of(m: re.Match[str], text: str) -> tuple[str | None, bool]:
    """The series a product match names (None: a form no series holds), and whether it is
    the "rare-earth products" wording that names Bloomberg's series when Bloomberg says it."""
    if m.group("magnet"):
        return (None if m.group("magnet_other") else PRODUCT_MAGNETS), False
    if m.group("re") or m.group("ree"):
        tail = (m.group("re_tail") or "").strip().lower()
        if tail and not tail.startswith("product"):
            return None, False  # ores, concentrates, oxides: no export series
        return PRODUCT_RARE_EARTHS, bool(tail)
    if m.group("apt"):
        return "tungsten_apt", False
    mineral = m.group("mineral").lower()
    mineral = _ENGLISH_NAME.get(mineral, mineral)
    form = (m.group("form") or "").strip().lower().replace("-", "")
    words = f"{(m.group('tail') or '').strip().lower()} {m.group('compound').lower()}"
    return _mineral_series(mineral, form, words, text[m.end() : m.end() + 60]), False


def _mineral_series(mineral: str, form: str, words: str, after: str) -> str | None:
    if any(w in words for w in ("ore", "concentrate", "powder", "dioxide")):
        return None
    if mineral == "gallium":
        return {"wrought": "gallium_wrought", "unwrought": "gallium_unwrought"}.get(form, "gallium")
    if mineral == "antimony":
        if "metal" in words or "ingot" in words or form == "unwrought":
            return "antimony_metal"
        return "antimony_oxides" if "oxid" in words else "antimony_products"
    if mineral == "graphite":
        kinds = {"flake": "graphite_flake", "spherical": "graphite_spherical"}
        kinds |= {"synthetic": "graphite_synthetic", "artificial": "graphite_synthetic"}
        return kinds.get(form, "graphite_natural")
    if mineral == "tungsten":
        return "tungsten_apt" if "paratungstate" in words else "tungsten_products"
    if mineral == "silver":
        if form.startswith("semi"):
            return None
        if form in ("unwrought", "unrefined"):
            # Only unwrought silver of 99.99% and more has a series of its own.
            return "silver_unwrought_9999" if _PURITY_9999_RE.search(after) else None
        return "silver_all"
    return {"yttrium": "yttrium_products"}.get(mineral, mineral)
