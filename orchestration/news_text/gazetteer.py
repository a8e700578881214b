"""Country names as the press writes them, mapped to ISO 3166 alpha-3 codes.

pycountry supplies the official and common names; the aliases cover what the press writes
("U.S.", "South Korea", "Vietnam") and destination adjectives.
"""

from __future__ import annotations

import re

import pycountry

from orchestration.news_text.model import EUROPEAN_UNION
from orchestration.news_text.vocabulary import CAPSEQ

# "Japan imported 500 tonnes from Vietnam" is another country's trade, not China's exports.
_FROM_COUNTRY_RE = re.compile(rf"\bfrom\s+(?:the\s+)?(?P<name>{CAPSEQ})")
_TOKEN_RE = re.compile(r"\S+")
_CLAUSE_END_RE = re.compile(r"[.!?;](?=\s|$)|\n")

# Partner gazetteer. pycountry supplies the official and common names; the aliases cover what
# the press writes ("U.S.", "South Korea", "Vietnam") and destination adjectives.
_COUNTRY_ALIAS_TEXT = (
    "US=US;U.S.=US;USA=US;U.S.A.=US;United States=US;United States of America=US;"
    "America=US;American=US;UK=GB;U.K.=GB;Britain=GB;Great Britain=GB;British=GB;"
    "South Korea=KR;Korea=KR;Republic of Korea=KR;South Korean=KR;Korean=KR;North Korea=KP;"
    "Vietnam=VN;Vietnamese=VN;Russia=RU;Russian=RU;Taiwan=TW;Taiwanese=TW;Iran=IR;Laos=LA;"
    "Syria=SY;Turkey=TR;Turkish=TR;Czech Republic=CZ;Czech=CZ;Netherlands=NL;Holland=NL;"
    "Dutch=NL;German=DE;Japanese=JP;Indian=IN;French=FR;Italian=IT;Spanish=ES;Polish=PL;"
    "Mexican=MX;Canadian=CA;Brazilian=BR;Australian=AU;Thai=TH;Malaysian=MY;Indonesian=ID;"
    "Philippine=PH;Filipino=PH;Singaporean=SG;Swedish=SE;Austrian=AT;Hungarian=HU;"
    "Belgian=BE;Swiss=CH;Hong Kong=HK;Macau=MO;Macao=MO;Bolivia=BO;Venezuela=VE;"
    "Tanzania=TZ;Moldova=MD;Ivory Coast=CI;Brunei=BN;UAE=AE;Emirati=AE;Saudi=SA"
)
_COUNTRY_ALIASES = dict(entry.split("=") for entry in _COUNTRY_ALIAS_TEXT.split(";"))
_EU_NAMES = ("EU", "E.U.", "European Union")


def _country_key(name: str) -> str:
    key = name.replace("’", "'").replace(".", "").strip().lower()
    if key.endswith("'s"):
        key = key[:-2]
    return " ".join(key.split())


def _build_country_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            value = getattr(country, attr, None)
            if value and "," not in value:
                index[_country_key(value)] = country.alpha_3
    for alias, alpha_2 in _COUNTRY_ALIASES.items():
        index[_country_key(alias)] = pycountry.countries.get(alpha_2=alpha_2).alpha_3
    for name in _EU_NAMES:
        index[_country_key(name)] = EUROPEAN_UNION
    # China is the reporter; "to China" in these articles is never an export destination.
    for name in ("China", "People's Republic of China"):
        index.pop(_country_key(name), None)
    return index


_COUNTRY_INDEX = _build_country_index()


def lookup_subject(text: str, verb_end: int, name: str) -> tuple[str, int] | None:
    """The country a receiving verb's subject names and its offset in `name`.

    None when the clause says the goods came from another country. The capitalised run may
    start with other words ("Meanwhile India", "May. India"), so the name is read from its end.
    """
    tokens = list(_TOKEN_RE.finditer(name))
    found = None
    for token in tokens:
        iso3 = _COUNTRY_INDEX.get(_country_key(name[token.start() :]))
        if iso3 is not None:
            found = (iso3, token.start())
            break
    if found is None:
        return None
    clause = text[verb_end : verb_end + 200]
    cut = _CLAUSE_END_RE.search(clause)
    if cut is not None:
        clause = clause[: cut.start()]
    for m in _FROM_COUNTRY_RE.finditer(clause):
        if lookup_country(m.group("name")) is not None:
            return None
    return found


def lookup_country(name: str) -> str | None:
    tokens = name.split()
    for k in range(len(tokens), 0, -1):
        iso3 = _COUNTRY_INDEX.get(_country_key(" ".join(tokens[:k])))
        if iso3 is not None:
            return iso3
    return None
