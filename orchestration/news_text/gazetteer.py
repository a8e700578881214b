"""Country names as the press writes them (in English and German), mapped to ISO 3166
alpha-3 codes, and the phrases that make a country a destination.

pycountry supplies the official and common names; the aliases cover what the press writes
("U.S.", "South Korea", "Vietnam", "Deutschland") and destination adjectives.
"""

from __future__ import annotations

import re

import pycountry

from orchestration.news_text.model import EUROPEAN_UNION
from orchestration.news_text.vocabulary import gated

CAPSEQ = r"[A-ZÄÖÜ][A-Za-zÄÖÜäöüß.'’]*(?:\s+(?:of\s+)?[A-ZÄÖÜ][A-Za-zÄÖÜäöüß.'’]*){0,3}"
_FIGURE_AHEAD = r"(?=\s+(?:[a-z]+\s+){0,2}(?:\d|one\b|two\b|three\b|ein|zwei|drei|vier|fünf|zehn))"
# A destination is named by "to"/"nach" ("exports to Japan"), or is the subject of a clause
# whose object is a figure: a receiving verb ("India received 172 tonnes", "Vietnam, the
# largest buyer, took 310 t"), a ranking ("Germany ranked first, with 1,115 tons"), "with" /
# "mit" ("gefolgt von Japan mit 5.000 Kilogramm"), or a share of the figure ("the US portion
# was 46 tons"). Without the figure ("the U.S. took steps") the country is no partner. A
# country just before a number ("Japan 352 Kilogramm") continues a list of such destinations.
_RECEIVE_VERBS = r"received|took|imported|bought|purchased|erhielt|erhielten|bezog|bezogen"
TO_PARTNER_RE = gated(
    "tfibdn",
    rf"\b(?:to|for|into|towards?|bound\s+for|destined\s+for|nach)\s+(?:the\s+)?(?P<name>{CAPSEQ})",
)
BOUND_PARTNER_RE = re.compile(rf"(?<![\w.])(?P<name>{CAPSEQ})-bound\b")
# Every capitalised run is looked up once; only a country's run has its tail read.
CAPITALISED_RUN_RE = gated("A-ZÄÖÜ", rf"(?<![\w.])(?P<name>{CAPSEQ})")
SUBJECT_TAIL_RE = re.compile(
    rf"(?P<subj>(?:,\s+[^,;.]{{1,40}}?,)?\s+(?:(?:also|alone|only|itself)\s+)?(?:{_RECEIVE_VERBS})"
    rf"{_FIGURE_AHEAD})"
    r"|(?P<rank>\s+(?:ranked|came|placed|was)\s+(?:first|second|third|fourth|fifth|top|next)\b"
    r"[^.;\d]{0,40}?\bwith\s+(?=\d)"
    r"|\s+(?:was|is|remained)\s+(?:the|its|china['’]s)\s+[\w\s-]{0,30}?(?:destination|buyer|market"
    r"|recipient|importer)\s*,?\s+(?:at|with)\s+(?=\d))"
    r"|(?P<mit>\s+(?:mit|with)\s+(?=(?:nur\s+|just\s+|only\s+)?\d))"
    r"|(?P<poss>(?:['’]s)?\s+(?:portion|figure|tally)\b)"
    r"|(?P<listed>\s+(?=\d))"
)
# "Japan and the US", "Bulgarien und Belarus": destinations that share a figure.
COORDINATED_AFTER_RE = re.compile(
    rf"\s*(?:,|and|und|sowie|&)\s+(?:the\s+|die\s+)?(?P<name>{CAPSEQ})"
)
COORDINATED_BEFORE_RE = re.compile(
    rf"(?<![\w.])(?:[Tt]he\s+)?(?P<name>{CAPSEQ})\s*(?:,|and|und|sowie|&)\s+(?:the\s+)?$"
)

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
# German names of the destinations the German pages name most often.
_COUNTRY_ALIAS_TEXT += (
    ";Deutschland=DE;Russland=RU;Südkorea=KR;Nordkorea=KP;Vereinigte Staaten=US;"
    "Vereinigten Staaten=US;Großbritannien=GB;Niederlande=NL;Niederlanden=NL;Frankreich=FR;"
    "Italien=IT;Spanien=ES;Polen=PL;Österreich=AT;Schweiz=CH;Belgien=BE;Indien=IN;Kanada=CA;"
    "Mexiko=MX;Brasilien=BR;Australien=AU;Türkei=TR;Tschechien=CZ;Schweden=SE;Ungarn=HU;"
    "Bulgarien=BG;Weißrussland=BY;Indonesien=ID;Philippinen=PH;Singapur=SG;Dänemark=DK;"
    "Finnland=FI;Norwegen=NO;Rumänien=RO;Slowakei=SK;Japans=JP;Deutschlands=DE"
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
    found = lookup_country_span(name)
    return found[0] if found is not None else None


def lookup_country_span(name: str) -> tuple[str, int] | None:
    """The country a capitalised run starts with, and where its name ends in the run: the
    run can reach past the name ("Japan. While"), and the destination ends with the name."""
    tokens = list(_TOKEN_RE.finditer(name))
    for k in range(len(tokens), 0, -1):
        iso3 = _COUNTRY_INDEX.get(_country_key(name[: tokens[k - 1].end()]))
        if iso3 is not None:
            return iso3, tokens[k - 1].end() - (1 if name[tokens[k - 1].end() - 1] == "." else 0)
    return None


def lookup_country_at_end(name: str) -> tuple[str, int] | None:
    """The country a capitalised run ends with ("Kilogramm. Bulgarien": Bulgaria), and
    where its name starts in the run."""
    for token in _TOKEN_RE.finditer(name):
        iso3 = _COUNTRY_INDEX.get(_country_key(name[token.start() :]))
        if iso3 is not None:
            return iso3, token.start()
    return None
