"""English partner names, as third-party Comtrade tables write them, to ISO 3166 alpha-3.

pycountry knows the ISO names and most common short names ("South Korea", "Taiwan",
"Vietnam"). The alias table adds only names it lacks, each checked by hand; no fuzzy
matching, because a near miss ("Niger" for "Nigeria") would put trade on the wrong country.
A name neither knows has no code: its rows land and are reported, never guessed.
"""

from __future__ import annotations

import functools

import pycountry

# Names in landed tables that pycountry does not carry as a name, common name or official
# name (it has "Russian Federation", "Türkiye", "United Arab Emirates", "United States").
ALIASES = {
    "USA": "USA",
    "UAE": "ARE",
    "Russia": "RUS",
    "Turkey": "TUR",
}


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


@functools.cache
def _index() -> dict[str, str]:
    index: dict[str, str] = {}
    for country in pycountry.countries:
        for attribute in ("name", "common_name", "official_name"):
            value = getattr(country, attribute, None)
            if value:
                index[_key(value)] = country.alpha_3
    index.update({_key(alias): iso3 for alias, iso3 in ALIASES.items()})
    return index


def iso3_of(name: str) -> str | None:
    """The partner's ISO 3166 alpha-3 code, or None when the name is not known."""
    return _index().get(_key(name))
