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

import calendar
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import pycountry

__all__ = [
    "FigureClaim",
    "PolicyMention",
    "PRODUCT_BLOOMBERG",
    "PRODUCT_MAGNETS",
    "PRODUCT_RARE_EARTHS",
    "WORLD",
    "extract_claims",
    "extract_policy_mentions",
    "publication_date_from",
]

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


# ---------------------------------------------------------------------------------------------
# Vocabulary. Everything is compiled once at import: the extractor runs on whole backfills.
# ---------------------------------------------------------------------------------------------

# Word lists are written as strings and split: one entry per line would bury the logic.
_MONTH_NAMES = (
    "january february march april may june july august september october november december"
)
_MONTH_NUMBERS = {name: number for number, name in enumerate(_MONTH_NAMES.split(), start=1)}
_MONTH_NUMBERS |= {name[:3]: number for name, number in _MONTH_NUMBERS.items()} | {"sept": 9}
_NUMBER_WORDS = "two three four five six seven eight nine ten eleven twelve"
_WORD_NUMBERS = {word: number for number, word in enumerate(_NUMBER_WORDS.split(), start=2)}
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4}
_WEEKDAY_NAMES = "monday tuesday wednesday thursday friday saturday sunday"
_WEEKDAYS = {name: number for number, name in enumerate(_WEEKDAY_NAMES.split())}


def _gated(first_chars: str, pattern: str, flags: int = 0) -> re.Pattern[str]:
    """Compile with a leading one-character look-ahead.

    The regex engine can then skip most positions with a character-set test instead of trying
    every alternative (and every look-behind) there: about a 2-3x speed-up on whole articles.
    """
    return re.compile(f"(?=[{first_chars}])(?:{pattern})", flags)


# Month names are matched case-sensitively so the modal "may" and the verb "march" stay out.
# Only an abbreviation takes a dot: after a full name it ends the sentence, and "in October.
# 2025-12-30" (a feed item's date line) is not October 2025.
_M = (
    r"(?:(?:January|February|March|April|May|June|July|August|September|October|November"
    r"|December)(?![A-Za-z])|(?:Sept|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec)(?![A-Za-z])\.?)"
)
_Y = r"(?:19|20)\d{2}(?!\d)"
_YEAR_TAIL = (
    rf"(?:\s+(?:of|in|for)\s+(?:(?P<y>{_Y})|(?P<rel>this|last|the\s+previous|the\s+prior"
    r"|the\s+current)\s+year))?"
)

_P_BETWEEN = re.compile(
    rf"\b(?i:between)\s+(?P<m1>{_M})(?:\s+(?P<y1>{_Y}))?\s+and\s+"
    rf"(?P<m2>{_M})(?:,?\s+(?P<y2>{_Y}))?"
)
# "From January to May" is one cumulative span: the "from" belongs to the range, so it must not
# mark the range as a comparison period (see _group for "rose 23% from April to May").
_P_RANGE = _gated(
    "JFMASONDf",
    rf"(?<![A-Za-z])(?:(?P<from>[Ff]rom)\s+)?(?P<m1>{_M})(?:\s+(?P<y1>{_Y}))?"
    r"(?:\s*[-–—]\s*|\s+(?:to|through|until)\s+)"
    rf"(?P<m2>{_M})(?:,?\s+(?P<y2>{_Y}))?",
)
_P_FIRST_N = _gated(
    "tTfF",
    r"\b(?:the\s+)?first\s+(?P<n>\d{1,2}|two|three|four|five|six|seven|eight|nine|ten|eleven"
    rf"|twelve)\s+months{_YEAR_TAIL}",
    re.I,
)
_P_HALF = _gated("tTfFsS", rf"\b(?:the\s+)?(?P<w>first|second)[\s-]+half{_YEAR_TAIL}", re.I)
_P_H_SHORT = re.compile(rf"\bH(?P<n>[12])(?:\s+(?P<y>{_Y}))?(?![\w-])")
_P_QUARTER = re.compile(
    rf"\b(?:the\s+)?(?P<w>first|second|third|fourth)[\s-]+quarter{_YEAR_TAIL}", re.I
)
_P_Q_SHORT = re.compile(rf"\bQ(?P<n>[1-4])(?:\s+(?P<y>{_Y}))?(?![\w-])")
_P_QUARTERS = re.compile(rf"\b(?:the\s+)?first\s+(?P<n>two|three)\s+quarters{_YEAR_TAIL}", re.I)
_P_SAME = _gated(
    "tTsS",
    r"\b(?:the\s+)?same\s+(?:period|months?|quarter|time)"
    rf"(?:\s+(?:(?:of|in)\s+)?(?:(?P<y>{_Y})|(?P<yr>(?:(?:a|the|last|previous|prior)\s+)?"
    r"(?:(?:previous|prior)\s+)?year(?:\s+(?:earlier|ago|before))?)))?",
    re.I,
)
_P_MONTH_DAY = _gated(
    "JFMASOND",
    rf"(?<![A-Za-z])(?P<m>{_M})\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?!\d)(?![,.]\d)"
    rf"(?:,?\s+(?P<y>{_Y}))?",
)
_P_DAY_MONTH = _gated("0-9", rf"(?<![\w.,])(?P<d>\d{{1,2}})\s+(?P<m>{_M})\s+(?P<y>{_Y})")
_P_MONTH = _gated(
    "JFMASONDmMeElLtT",
    r"(?<![A-Za-z])(?P<pre>(?i:mid-|mid\s+|early\s+|late\s+|the\s+(?:beginning|start|middle|end)"
    rf"\s+of\s+))?(?P<m>{_M})(?:,?\s+(?P<y>{_Y})|\s+(?P<rel>(?i:this|last))\s+year)?",
)
# A bare year is a period only after a preposition ("in 2024", "from 2024"), never after
# "since"; the year is found first and the word before it checked, which is far cheaper than
# a dozen look-behinds tried at every position.
_P_YEAR = _gated("12", rf"(?<![\w.,-])(?P<y>{_Y})(?!\s*[-–/]\s*\d)(?!['’]s)(?![\w-])")
_YEAR_PREPOSITION_RE = re.compile(
    r"\b(?:in|for|during|throughout|of|full-year|full\s+year|from|than|with|versus)\s$", re.I
)
_P_YEAR_REL = _gated("lLtTpP", r"\b(?P<rel>last|this|previous)\s+year\b", re.I)
_P_PUB_MONTH = _gated("lLtTpP", r"\b(?P<rel>last|this|previous|past)\s+month\b", re.I)
_P_CONTEXT = _gated("tT", r"\b(?:that|the\s+same)\s+month\b|\bthat\s+period\b", re.I)

_QTY_RE = _gated(
    "0-9",
    r"(?<![\w.,])(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?:\s*(?P<scale>thousand|million))?\s*(?:-\s*)?"
    r"(?P<unit>(?i:metric\s+tonnes?|metric\s+tons?|tonnes?|tons?|kilogrammes?|kilograms?|kilos?)"
    r"|kg|kt|mt|t)(?![\w])",
)
_PCT_RE = _gated("0-9", r"(?<![\w.,])(?P<num>\d+(?:\.\d+)?)\s*(?:%|(?i:per\s?cent|percent)\b)")
_MULTIPLE_RE = re.compile(
    r"\bby\s+(?:about\s+|nearly\s+|almost\s+|roughly\s+|more\s+than\s+)?(?:a\s+)?half\b"
    r"|\b(?P<halved>halved)\b|\b(?P<mult>doubled|tripled|quadrupled)\b",
    re.I,
)
_BASIS_RE = _gated(
    "ymoftcvsYMOFTCVS",
    r"(?P<yoy>\byear[-\s](?:on|over)[-\s]year\b|\by/y\b|\byoy\b|\bon\s+the\s+year\b"
    r"|\bon\s+an?\s+(?:annual|yearly)\s+basis\b"
    r"|\b(?:from|than|compared\s+(?:with|to)|versus|over|on)\s+(?:a|one|the\s+previous|the\s+prior)"
    r"\s+year\s+(?:earlier|ago|before)\b"
    r"|\b(?:from|compared\s+(?:with|to)|versus|on)\s+the\s+(?:previous|prior|preceding)\s+year\b)"
    r"|(?P<mom>\bmonth[-\s](?:on|over)[-\s]month\b|\bm/m\b|\bmom\b|\bsequentially\b"
    r"|\bon\s+the\s+month\b"
    r"|\bon\s+a\s+monthly\s+basis\b"
    r"|\b(?:from|than|compared\s+(?:with|to)|versus|on)\s+(?:a|one|the\s+previous|the\s+prior"
    r"|the\s+preceding)\s+month(?:\s+(?:earlier|ago|before))?\b)",
    re.I,
)
# Magnets come first so "rare earth magnets" is a magnet, not a rare-earth mention.
_PRODUCT_RE = _gated(
    "rmnphgatsRMNPHGATS1",
    r"\b(?P<magnet>(?:rare[-\s]earth\s+)?(?:(?:permanent|ndfeb|neodymium|high-performance)\s+)*"
    r"magnets?)\b"
    r"|\b(?P<re>(?:17\s+(?:types\s+of\s+)?)?rare[-\s]earths?(?P<reprod>\s+products?)?)\b"
    r"|(?-i:\b(?P<ree>REEs?)\b)"
    r"|\b(?P<other>gallium|germanium|antimony|graphite|tungsten|silver)\b",
    re.I,
)
_OTHER_PRODUCTS = {
    "gallium": "811292",
    "germanium": "811292",
    "antimony": "811010",
    "graphite": "250410",
    "tungsten": "284180",
    "silver": "710691",
}
_PRODUCT_GROUPS = {
    PRODUCT_RARE_EARTHS: "rare_earths",
    PRODUCT_MAGNETS: "magnets",
    "gallium": "gallium",
    "germanium": "germanium",
    "antimony": "antimony",
    "graphite": "graphite",
    "tungsten": "tungsten",
    "silver": "silver",
}
_GLOBAL_RE = _gated(
    "gwoitGWOIT", r"\b(?:globally|global|worldwide|overall|in\s+total|total)\b", re.I
)
_CAPSEQ = r"[A-Z][A-Za-z.'’]*(?:\s+(?:of\s+)?[A-Z][A-Za-z.'’]*){0,3}"
# A destination can also be the subject of a receiving verb whose object is a figure ("India
# received 172 tonnes"): such a sentence is an export claim even without an export word (see
# _implicit_export). Without the figure ("the U.S. took steps") the country is no partner.
_RECEIVE_VERBS = r"received|took|imported|bought|purchased"
_PARTNER_RE = _gated(
    "tfibdA-Z",
    rf"\b(?:to|for|into|towards?|bound\s+for|destined\s+for)\s+(?:the\s+)?(?P<name>{_CAPSEQ})"
    rf"|(?<![\w.])(?P<bound>{_CAPSEQ})-bound\b"
    rf"|(?<![\w.])(?:[Tt]he\s+)?(?P<subj>{_CAPSEQ})\s+(?:(?:also|alone|only|itself)\s+)?"
    rf"(?:{_RECEIVE_VERBS})(?=\s+(?:[a-z]+\s+){{0,2}}\d)",
)
# "Japan imported 500 tonnes from Vietnam" is another country's trade, not China's exports.
_FROM_COUNTRY_RE = re.compile(rf"\bfrom\s+(?:the\s+)?(?P<name>{_CAPSEQ})")
_TOKEN_RE = re.compile(r"\S+")
_CLAUSE_END_RE = re.compile(r"[.!?;](?=\s|$)|\n")
# A quantity attached to a product phrase by a relative clause: "the customs total for rare
# earths, which came to 5,792 tonnes". The clause stands in for the export verb.
_RELATIVE_QTY_BEFORE_RE = re.compile(
    r"\b(?:which|that)\s+(?:came\s+to|stood\s+at|totall?ed|amounted\s+to|reached|hit)\s+"
    r"(?:about\s+|around\s+|nearly\s+|almost\s+|roughly\s+|some\s+|over\s+|more\s+than\s+)?$",
    re.I,
)
# Figures that name rare earths but are not trade: a relative clause after these is no claim.
_NOT_TRADE_RE = re.compile(
    r"\b(?:quotas?|output|production|produced|mined|mining|reserves?|capacity|smelting"
    r"|separation|consumption|demand|prices?|imports?)\b",
    re.I,
)
_EXPORT_WORD_RE = _gated(
    "eEsSoO",
    r"\bexport(?:s|ed|ing)?\b|\bship(?:ments?|ped|ping)\b|\boutbound\b|\boverseas\s+sales\b",
    re.I,
)
_BLOOMBERG_RE = re.compile(r"\bBloomberg\b")
_APPROX_RE = re.compile(
    r"\b(?:about|around|nearly|almost|roughly|approximately|some|over|more\s+than|less\s+than)\s+$",
    re.I,
)
_CMP_BEFORE_RE = re.compile(
    r"(?:\bfrom|\bcompared\s+(?:with|to)|\bversus|\bvs\.?|\bagainst|\bthan)\s+(?:the\s+|a\s+|an\s+)?$",
    re.I,
)
# "a 660% jump on May", "up 4% on June 2024": after a change, "on" names the comparison period
# (or figure) as "from" does. Elsewhere "on" is a date ("on May 5") or a topic.
_ON_CMP_BEFORE_RE = re.compile(
    r"(?:%|\bper\s?cent|\b(?:up|down|higher|lower|more|less|increase|rise|jump|gain|surge"
    r"|growth|climb|rebound|spike|decline|drop|fall|decrease|plunge|slump|contraction|dip"
    r"|slide)s?)\s+on\s+(?:the\s+|an?\s+)?$",
    re.I,
)
_SINCE_BEFORE_RE = re.compile(r"\b(?:since|until|till|by)\s+$", re.I)
_UP_WORDS = (
    r"rose|rise[sn]?|rising|up|increase[sd]?|increasing|jump(?:ed|s|ing)?|surge[sd]?|surging"
    r"|soar(?:ed|s|ing)?|climb(?:ed|s|ing)?|gain(?:ed|s|ing)?|grew|grow(?:s|n|ing)?"
    r"|rebound(?:ed|s|ing)?|spike[sd]?|spiking|skyrocket(?:ed|s|ing)?|advance[sd]?|higher"
    r"|expand(?:ed|s|ing)?|more"
)
_DOWN_WORDS = (
    r"fell|fall(?:s|en|ing)?|down|drop(?:ped|s|ping)?|decline[sd]?|declining|decrease[sd]?"
    r"|decreasing|plunge[sd]?|plunging|plummet(?:ed|s|ing)?|slump(?:ed|s|ing)?|slid|slides?"
    r"|sliding|sank|sink(?:s|ing)?|tumble[sd]?|tumbling|dip(?:ped|s|ping)?|contract(?:ed|s|ing)?"
    r"|shrank|shrunk|shrink(?:s|ing)?|lower|less|eased|slip(?:ped|s)?|retreat(?:ed|s)?"
    r"|crash(?:ed)?|lost|cut|reduced|slashed"
)
_DIRECTION_RE = re.compile(rf"\b(?:(?P<up>{_UP_WORDS})|(?P<down>{_DOWN_WORDS}))\b", re.I)
_DIRECTION_AFTER_RE = re.compile(
    r"\s*(?:(?:year|month)[-\s](?:on|over)[-\s](?:year|month)\s+)?"
    r"(?:(?P<up>increase|rise|jump|gain|surge|growth|climb|rebound|spike|higher|more|up)"
    r"|(?P<down>decline|drop|fall|decrease|plunge|slump|contraction|dip|slide|lower|less|down))"
    r"\b",
    re.I,
)
# Shares ("70% of output"), point changes and ranges ("between 5% and 10%") are not a change.
_PCT_SHARE_AFTER_RE = re.compile(
    r"\s+of\b|\s*percentage\s+points?\b|\s*(?:[-–]|to|and)\s*\d+(?:\.\d+)?\s*(?:%|per)", re.I
)
_PCT_RANGE_BEFORE_RE = re.compile(
    r"(?:\bbetween\s+\d+(?:\.\d+)?%?\s*and|\d%?\s*(?:[-–]|to))\s*$", re.I
)
_AND_RE = re.compile(r"\b(?:and|while|with)\b|,", re.I)
_WORD_RE = re.compile(r"[A-Za-z0-9'’%.,-]+")

# Sentence splitting: line breaks are hard boundaries (news pages put headlines, bylines and
# paragraphs on their own lines); inside a line, terminal punctuation followed by a capital.
_LINE_RE = re.compile(r"[^\n]+")
_END_RE = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+[\"“‘(\[]?[A-Z0-9])")
_LAST_TOKEN_RE = re.compile(r"(\S+)$")
_ABBREVIATION_WORDS = (
    "u.s u.k u.n e.u e.g i.e mr mrs ms dr no nos jan feb mar apr jun jul aug sep sept oct "
    "nov dec inc corp co ltd st vs approx est min gen gov sen rep u.s.a p.m a.m"
)
_ABBREVIATIONS = frozenset(_ABBREVIATION_WORDS.split())
_HEADLINE_WORD_RE = re.compile(r"[A-Za-z][A-Za-z'’-]*")

_ISO_DATE_RE = re.compile(r"(?<![\d-])(?P<y>(?:19|20)\d{2})-(?P<m>\d{2})-(?P<d>\d{2})(?![\d-])")
_WEEKDAY_RE = _gated(
    "mMtTwWfFsS", r"\b(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b", re.I
)
_RELATIVE_DAY_RE = re.compile(r"\b(?P<rd>yesterday|today)\b", re.I)
_FORWARD_BEFORE_RE = re.compile(
    r"\b(?:from|starting(?:\s+(?:on|from))?|effective(?:\s+(?:on|from))?|until|till|through"
    r"|beginning)\s+(?:on\s+)?$",
    re.I,
)
_FILENAME_DATE_RE = re.compile(r"^(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})")

# Policy vocabulary: (pattern, canonical name), in priority order.
_ACTORS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(
            r"\bMOFCOM\b|\bMinistry\s+of\s+Commerce\b|\b[Cc]ommerce\s+[Mm]inistry\b"
            r"|\b[Cc]ommerce\s+[Dd]epartment\s+of\s+China\b"
        ),
        "MOFCOM",
    ),
    (
        re.compile(
            r"\bGACC\b|\bGeneral\s+Administration\s+of\s+Customs\b|\bChina(?:'s|’s)?\s+[Cc]ustoms\b"
        ),
        "GACC",
    ),
    (re.compile(r"\bState\s+Council\b"), "State Council"),
    (
        re.compile(
            r"(?<![-\w])(?:China|Beijing)\b(?!\s+(?:[Cc]ommittee|Select))"
            r"|\bChinese\s+(?:government|authorities|officials|regulators)\b"
        ),
        "China",
    ),
)
_THE_MINISTRY_RE = re.compile(r"\b[Tt]he\s+ministry\b")
_ACTIONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bgreen\s+(?:channel|lane)\b", re.I), "green channel"),
    (re.compile(r"\b(?:suspend\w*|suspension|pause[ds]?|pausing)\b", re.I), "suspend"),
    (re.compile(r"\blift(?:s|ed|ing)?\b|\bremov(?:e|es|ed|ing)\b", re.I), "lift"),
    (re.compile(r"\bban(?:s|ned|ning)?\b|\bprohibit\w*|\bblock(?:s|ed|ing)?\b", re.I), "ban"),
    (re.compile(r"\bstate\s+trading\b", re.I), "state trading"),
    (re.compile(r"\btracking\s+system\b", re.I), "tracking system"),
    (re.compile(r"\blicen[cs]\w*|\bapprov(?:al|als|ed|e)\b|\bpermits?\b", re.I), "licence"),
    (
        re.compile(
            r"\b(?:export\s+)?(?:controls?|restrictions?|curbs?)\b|\brestrict\w*|\btighten\w*",
            re.I,
        ),
        "export controls",
    ),
)
_PASSIVE_AGENT_RE = re.compile(r"\b(?:by|from)\s+(?:the\s+|China['’]s\s+)?$", re.I)

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


# ---------------------------------------------------------------------------------------------
# Internal structures
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _PeriodSpec:
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
class _Atom:
    start: int
    end: int
    kind: str  # qty | pct | mult | period | basis | product | partner | global
    value: object
    extra: object = None


@dataclass(slots=True)
class _Child:
    """A figure for the comparison period ("up from 1,238 tons in May"): a claim of its own."""

    quantity: float
    period: _PeriodSpec | None = None


@dataclass(slots=True)
class _Builder:
    product: str | None = None
    product_is_products_phrase: bool = False
    partner: str | None = None
    period: _PeriodSpec | None = None
    cmp_period: _PeriodSpec | None = None
    quantity: float | None = None
    change: float | None = None
    change_is_multiple: bool = False
    approximate: bool = False
    basis: str | None = None
    children: list[_Child] = field(default_factory=list)

    def has_figure(self) -> bool:
        return self.quantity is not None or self.change is not None


@dataclass(slots=True)
class _Context:
    """What earlier sentences established, read by sentences that leave it implicit."""

    last_claim: tuple[str, str, int, int] | None = None  # product, partner, start, end
    last_month: int | None = None
    last_year: int | None = None
    last_product: str | None = None
    first_product: str | None = None


@dataclass(slots=True)
class _Sentence:
    start: int
    end: int
    headline: bool


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------


def _mi(year: int, month: int) -> int:
    """Month index: lets periods be compared and shifted with integer arithmetic."""
    return year * 12 + month - 1


def _fmt(month_index: int) -> str:
    return f"{month_index // 12:04d}-{month_index % 12 + 1:02d}"


def _month_number(name: str) -> int:
    return _MONTH_NUMBERS[name.rstrip(".").lower()]


def _rel_year(text: str | None) -> int | None:
    if not text:
        return None
    return -1 if text.split()[-1].lower() in {"last", "previous", "prior"} else 0


def _parse_number(text: str) -> float:
    return float(text.replace(",", ""))


def _split_sentences(text: str) -> list[_Sentence]:
    sentences: list[_Sentence] = []
    for line in _LINE_RE.finditer(text):
        line_text = line.group()
        headline = _is_headline(line_text)
        piece_start = 0
        for end in _END_RE.finditer(line_text):
            token = _LAST_TOKEN_RE.search(line_text, 0, end.start())
            if token is not None:
                key = token.group(1).lower().lstrip("\"'“‘(").rstrip(".")
                if key in _ABBREVIATIONS or (len(key) == 1 and key.isalpha()):
                    continue
            _add_sentence(sentences, line.start(), line_text, piece_start, end.end(), headline)
            piece_start = end.end()
        _add_sentence(sentences, line.start(), line_text, piece_start, len(line_text), headline)
    return sentences


def _add_sentence(
    out: list[_Sentence], base: int, line: str, start: int, end: int, headline: bool
) -> None:
    while start < end and line[start].isspace():
        start += 1
    while end > start and line[end - 1].isspace():
        end -= 1
    if end > start:
        out.append(_Sentence(base + start, base + end, headline))


def _is_headline(line: str) -> bool:
    """Title-case line without terminal punctuation: a headline, not running text."""
    stripped = line.strip()
    if not stripped or stripped[-1] in '.!?"”’:;)':
        return False
    words = _HEADLINE_WORD_RE.findall(stripped)
    if not 3 <= len(words) <= 25:
        return False
    long_words = [w for w in words if len(w) >= 4]
    if not long_words:
        return False
    capitalised = sum(1 for w in long_words if w[0].isupper())
    return capitalised / len(long_words) >= 0.6


def _period_atoms(text: str) -> Iterable[_Atom]:
    # Cheap substring tests gate the rarer patterns: most articles never say "quarter".
    lower = text.lower()
    if "between" in lower:
        for m in _P_BETWEEN.finditer(text):
            yield _span_atom(m)
    for m in _P_RANGE.finditer(text):
        yield _span_atom(m)
    gated = [
        rx
        for rx, word in (
            (_P_FIRST_N, "first"),
            (_P_HALF, "half"),
            (_P_QUARTER, "quarter"),
            (_P_QUARTERS, "quarters"),
        )
        if word in lower
    ]
    for rx in gated:
        for m in rx.finditer(text):
            if rx is _P_FIRST_N:
                n = m.group("n").lower()
                m1, m2 = 1, int(n) if n.isdigit() else _WORD_NUMBERS[n]
                if not 1 <= m2 <= 12:
                    continue
            elif rx is _P_HALF:
                half = _ORDINALS[m.group("w").lower()]
                m1, m2 = (1, 6) if half == 1 else (7, 12)
            elif rx is _P_QUARTER:
                quarter = _ORDINALS[m.group("w").lower()]
                m1, m2 = 3 * quarter - 2, 3 * quarter
            else:
                m1, m2 = 1, 3 * _WORD_NUMBERS[m.group("n").lower()]
            year = int(m.group("y")) if m.group("y") else None
            spec = _PeriodSpec("span", m1, m2, year, _rel_year(m.group("rel")))
            yield _Atom(m.start(), m.end(), "period", spec)
    for rx, size, letter in ((_P_H_SHORT, 6, "H"), (_P_Q_SHORT, 3, "Q")):
        if not any(f"{letter}{n}" in text for n in "1234"):
            continue
        for m in rx.finditer(text):
            n = int(m.group("n"))
            year = int(m.group("y")) if m.group("y") else None
            spec = _PeriodSpec("span", size * (n - 1) + 1, size * n, year)
            yield _Atom(m.start(), m.end(), "period", spec)
    for m in _P_SAME.finditer(text) if "same" in lower else ():
        if m.group("y"):
            spec = _PeriodSpec("same", year=int(m.group("y")))
        elif m.group("yr"):
            spec = _PeriodSpec("same")
        else:
            spec = _PeriodSpec("same_bare")
        yield _Atom(m.start(), m.end(), "period", spec)
    for m in _P_MONTH_DAY.finditer(text):
        day = int(m.group("d"))
        if 1 <= day <= 31:
            month = _month_number(m.group("m"))
            year = int(m.group("y")) if m.group("y") else None
            spec = _PeriodSpec("date", month, month, year, day=day)
            yield _Atom(m.start(), m.end(), "period", spec)
    for m in _P_DAY_MONTH.finditer(text):
        day = int(m.group("d"))
        if 1 <= day <= 31:
            month = _month_number(m.group("m"))
            spec = _PeriodSpec("date", month, month, int(m.group("y")), day=day)
            yield _Atom(m.start(), m.end(), "period", spec)
    for m in _P_MONTH.finditer(text):
        month = _month_number(m.group("m"))
        year = int(m.group("y")) if m.group("y") else None
        prefix = m.group("pre").strip().lower() if m.group("pre") else None
        spec = _PeriodSpec("span", month, month, year, _rel_year(m.group("rel")), prefix=prefix)
        yield _Atom(m.start(), m.end(), "period", spec)
    for m in _P_YEAR.finditer(text):
        if _YEAR_PREPOSITION_RE.search(text, max(0, m.start() - 12), m.start()):
            spec = _PeriodSpec("span", 1, 12, int(m.group("y")))
            yield _Atom(m.start(), m.end(), "period", spec)
    if "year" in lower:
        for m in _P_YEAR_REL.finditer(text):
            spec = _PeriodSpec("span", 1, 12, None, _rel_year(m.group("rel")))
            yield _Atom(m.start(), m.end(), "period", spec)
    if "month" in lower:
        for m in _P_PUB_MONTH.finditer(text):
            offset = 0 if m.group("rel").lower() == "this" else -1
            yield _Atom(m.start(), m.end(), "period", _PeriodSpec("pubrel", offset=offset))
    if "month" in lower or "period" in lower:
        for m in _P_CONTEXT.finditer(text):
            yield _Atom(m.start(), m.end(), "period", _PeriodSpec("ctx"))


def _span_atom(m: re.Match[str]) -> _Atom:
    y1 = int(m.group("y1")) if m.group("y1") else None
    y2 = int(m.group("y2")) if m.group("y2") else None
    m1, m2 = _month_number(m.group("m1")), _month_number(m.group("m2"))
    year = y2 or y1
    if y1 is not None and y2 is not None and y1 != y2:
        # A range across years ("December 2024 to February 2025"): keep it as an absolute span.
        spec = _PeriodSpec("span", m1, m2 + 12 * (y2 - y1), y1)
    else:
        spec = _PeriodSpec("span", m1, m2, year)
    from_range = "from" in m.re.groupindex and m.group("from") is not None
    return _Atom(m.start(), m.end(), "period", spec, "from" if from_range else None)


def _figure_atoms(text: str) -> Iterable[_Atom]:
    for m in _QTY_RE.finditer(text):
        value = _parse_number(m.group("num"))
        unit = m.group("unit").lower()
        if unit.startswith("kilo") or unit == "kg":
            value /= 1000.0
        elif unit == "kt":
            value *= 1000.0
        scale = m.group("scale")
        if scale:
            value *= 1000.0 if scale.lower() == "thousand" else 1_000_000.0
        yield _Atom(m.start(), m.end(), "qty", value)
    for m in _PCT_RE.finditer(text):
        if _PCT_SHARE_AFTER_RE.match(text, m.end()) or _PCT_RANGE_BEFORE_RE.search(
            text, max(0, m.start() - 30), m.start()
        ):
            continue
        yield _Atom(m.start(), m.end(), "pct", float(m.group("num")))
    lower = text.lower()
    multiples = ("half", "doubled", "tripled", "quadrupled", "halved")
    for m in _MULTIPLE_RE.finditer(text) if any(w in lower for w in multiples) else ():
        if m.group("mult"):
            factor = {"doubled": 100.0, "tripled": 200.0, "quadrupled": 300.0}
            yield _Atom(m.start(), m.end(), "mult", factor[m.group("mult").lower()], "up")
        elif m.group("halved"):
            yield _Atom(m.start(), m.end(), "mult", 50.0, "down")
        else:
            yield _Atom(m.start(), m.end(), "mult", 50.0, None)
    for m in _BASIS_RE.finditer(text):
        yield _Atom(m.start(), m.end(), "basis", "yoy" if m.group("yoy") else "mom")
    for m in _PRODUCT_RE.finditer(text):
        if m.group("magnet"):
            yield _Atom(m.start(), m.end(), "product", PRODUCT_MAGNETS)
        elif m.group("re") or m.group("ree"):
            is_products = bool(m.group("reprod"))
            yield _Atom(m.start(), m.end(), "product", PRODUCT_RARE_EARTHS, is_products)
        else:
            yield _Atom(m.start(), m.end(), "product", _OTHER_PRODUCTS[m.group("other").lower()])
    for m in _GLOBAL_RE.finditer(text):
        yield _Atom(m.start(), m.end(), "global", WORLD)
    for m in _PARTNER_RE.finditer(text):
        subject = m.group("subj")
        if subject is not None:
            found = _lookup_subject(text, m.end(), subject)
            if found is not None:
                # The atom starts at the country itself: the capitalised run before the verb
                # can reach back over a sentence end ("... on May. India received").
                start = m.start("subj") + found[1]
                yield _Atom(start, m.end(), "partner", found[0], "subject")
            continue
        name = m.group("name") or m.group("bound")
        iso3 = _lookup_country(name)
        if iso3 is not None:
            yield _Atom(m.start(), m.end(), "partner", iso3)


def _lookup_subject(text: str, verb_end: int, name: str) -> tuple[str, int] | None:
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
        if _lookup_country(m.group("name")) is not None:
            return None
    return found


def _lookup_country(name: str) -> str | None:
    tokens = name.split()
    for k in range(len(tokens), 0, -1):
        iso3 = _COUNTRY_INDEX.get(_country_key(" ".join(tokens[:k])))
        if iso3 is not None:
            return iso3
    return None


def _non_overlapping(atoms: Iterable[_Atom]) -> list[_Atom]:
    """Keep the longest atom where matches overlap ("rare earth magnets" over "rare earth")."""
    ordered = sorted(atoms, key=lambda a: (a.start, -(a.end - a.start)))
    kept: list[_Atom] = []
    last_end = -1
    for atom in ordered:
        if atom.start >= last_end:
            kept.append(atom)
            last_end = atom.end
    return kept


def _bucket(atoms: list[_Atom], sentences: list[_Sentence]) -> list[list[_Atom]]:
    buckets: list[list[_Atom]] = [[] for _ in sentences]
    i = 0
    for index, sentence in enumerate(sentences):
        while i < len(atoms) and atoms[i].start < sentence.start:
            i += 1
        j = i
        while j < len(atoms) and atoms[j].start < sentence.end:
            if atoms[j].end <= sentence.end:
                buckets[index].append(atoms[j])
            j += 1
        i = j
    return buckets


def _direction_before(text: str, lo: int, hi: int) -> str | None:
    """The last direction word before a percentage, if it is close enough to govern it."""
    found = None
    for m in _DIRECTION_RE.finditer(text, lo, hi):
        found = m
    if found is None:
        return None
    between = text[found.end() : hi]
    if len(_WORD_RE.findall(between)) > 5:
        return None
    return "up" if found.group("up") else "down"


def _classify_changes(text: str, sentence: _Sentence, atoms: list[_Atom]) -> list[_Atom]:
    """Turn percentages and multiples into signed changes; drop shares and stray numbers."""
    out: list[_Atom] = []
    prev_end = sentence.start
    prev_change: _Atom | None = None
    for atom in atoms:
        if atom.kind not in ("pct", "mult"):
            if atom.kind in ("qty", "partner", "product", "global"):
                prev_end = atom.end
            out.append(atom)
            continue
        lo = max(prev_end, atom.start - 80)
        direction = atom.extra if atom.kind == "mult" else None
        after = _DIRECTION_AFTER_RE.match(text, atom.end, sentence.end)
        if direction is None and atom.kind == "pct" and after is not None:
            direction = "up" if after.group("up") else "down"
        if direction is None:
            direction = _direction_before(text, lo, atom.start)
        if (
            direction is None
            and prev_change is not None
            and _AND_RE.search(text, prev_change.end, atom.start)
            and not any(a.kind == "qty" and prev_change.end <= a.start < atom.start for a in atoms)
        ):
            direction = "up" if (prev_change.value or 0) >= 0 else "down"
        prev_end = atom.end
        if direction is None:
            continue
        value = float(atom.value) if direction == "up" else -float(atom.value)
        approx = bool(_APPROX_RE.search(text[max(sentence.start, atom.start - 20) : atom.start]))
        change = _Atom(atom.start, atom.end, "change", value, (atom.kind == "mult", approx))
        out.append(change)
        prev_change = change
    return out


# ---------------------------------------------------------------------------------------------
# Period resolution
# ---------------------------------------------------------------------------------------------


def _resolve_main(
    spec: _PeriodSpec,
    published: dt.date | None,
    sentence_year: int | None,
    ctx: _Context,
) -> tuple[int, int] | None:
    if spec.kind == "span":
        year = spec.year
        if year is None and spec.rel_year is not None:
            if published is None:
                return None
            year = published.year + spec.rel_year
        if year is None:
            if sentence_year is not None:
                year = sentence_year
            elif published is not None:
                # Data are reported after the fact: a month later than the publication month
                # belongs to the previous year ("in December" read in January).
                year = published.year if spec.m2 <= published.month else published.year - 1
            elif ctx.last_year is not None:
                year = ctx.last_year
            else:
                return None
        return _mi(year, spec.m1), _mi(year, spec.m2)
    if spec.kind in ("ctx", "same_bare"):
        if ctx.last_month is None:
            return None
        return ctx.last_month, ctx.last_month
    if spec.kind == "pubrel":
        if published is None:
            return None
        month = _mi(published.year, published.month) + spec.offset
        return month, month
    return None


def _resolve_comparison(
    spec: _PeriodSpec,
    main: tuple[int, int],
    published: dt.date | None,
    ctx: _Context,
) -> tuple[int, int] | None:
    start, end = main
    if spec.kind == "same":
        shift = -12 if spec.year is None else (spec.year - start // 12) * 12
        return start + shift, end + shift
    if spec.kind == "same_bare":
        return start - 12, end - 12
    if spec.kind == "span" and spec.year is None and spec.rel_year is None:
        # A bare comparison month is the latest one before the claim ("in June ... from May").
        year = start // 12
        if _mi(year, spec.m1) >= start:
            year -= 1
        return _mi(year, spec.m1), _mi(year, spec.m2)
    return _resolve_main(spec, published, None, ctx)


def _basis_between(main: tuple[int, int], comparison: tuple[int, int]) -> str:
    length = main[1] - main[0]
    if comparison[1] - comparison[0] == length:
        delta = main[0] - comparison[0]
        if delta == 12:
            return "yoy"
        if delta == 1 and length == 0:
            return "mom"
    return f"vs:{_fmt(comparison[0])}..{_fmt(comparison[1])}"


def _shift_by_basis(period: tuple[int, int], basis: str | None, forward: bool) -> tuple[int, int]:
    step = {"yoy": 12, "mom": 1}.get(basis or "", 0)
    step = step if forward else -step
    return period[0] + step, period[1] + step


# ---------------------------------------------------------------------------------------------
# Claims
# ---------------------------------------------------------------------------------------------


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
    sentences = _split_sentences(text)
    if not sentences:
        return []
    atoms = _non_overlapping([*_period_atoms(text), *_figure_atoms(text)])
    buckets = _bucket(atoms, sentences)
    ctx = _Context(first_product=next((str(a.value) for a in atoms if a.kind == "product"), None))
    items = _feed_items(text)
    drafts: list[_Draft] = []
    for sentence, sentence_atoms in zip(sentences, buckets, strict=True):
        anchor = _date_of(sentence.start, items, published)
        drafts.extend(_claims_in_sentence(text, sentence, sentence_atoms, anchor, ctx))
        _update_context(text, sentence, sentence_atoms, anchor, ctx)
    return _finalise(drafts)


def _update_context(
    text: str, sentence: _Sentence, atoms: list[_Atom], published: dt.date | None, ctx: _Context
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
            assert isinstance(spec, _PeriodSpec)
            if spec.year is not None:
                ctx.last_year = spec.year
            if (
                spec.kind in ("span", "pubrel", "ctx")
                and spec.m1 == spec.m2
                and not _is_comparison(text, sentence, atom)
            ):
                resolved = _resolve_main(spec, published, sentence_year, ctx)
                if resolved is not None and resolved[0] == resolved[1]:
                    ctx.last_month = resolved[0]


def _sentence_year(atoms: list[_Atom]) -> int | None:
    for atom in atoms:
        if atom.kind == "period":
            spec = atom.value
            assert isinstance(spec, _PeriodSpec)
            if spec.kind == "span" and spec.year is not None:
                return spec.year
    return None


def _claims_in_sentence(
    text: str,
    sentence: _Sentence,
    atoms: list[_Atom],
    published: dt.date | None,
    ctx: _Context,
) -> list[_Draft]:
    if not any(a.kind in ("qty", "pct", "mult") for a in atoms):
        return []
    exported = _EXPORT_WORD_RE.search(text, sentence.start, sentence.end) is not None
    if not exported and not _implicit_export(text, sentence, atoms):
        return []
    atoms = _classify_changes(text, sentence, atoms)
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
    bloomberg = bool(_BLOOMBERG_RE.search(sentence_text))
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
            main = _resolve_main(builder.period, published, main_year, ctx)
            confidence += 0.1
        comparison = None
        if main is None and previous is not None:
            main = previous[2]
        if main is None and builder.cmp_period is not None and builder.basis in ("yoy", "mom"):
            comparison = _resolve_main(builder.cmp_period, published, None, ctx)
            if comparison is not None:
                main = _shift_by_basis(comparison, builder.basis, forward=True)
        if main is None and ctx.last_claim is not None:
            main = ctx.last_claim[2], ctx.last_claim[3]
            confidence -= 0.05
        if main is None:
            continue
        if comparison is None and builder.cmp_period is not None:
            comparison = _resolve_comparison(builder.cmp_period, main, published, ctx)
        children: list[tuple[_Child, tuple[int, int] | None]] = []
        for child in builder.children:
            child_period = None
            if child.period is not None:
                child_period = _resolve_comparison(child.period, main, published, ctx)
            children.append((child, child_period))
            if comparison is None and child_period is not None:
                comparison = child_period
        basis = None
        if builder.change is not None:
            basis = builder.basis
            if basis is None and comparison is not None:
                basis = _basis_between(main, comparison)
        for index, (child, child_period) in enumerate(children):
            if child_period is None and builder.basis in ("yoy", "mom"):
                children[index] = (child, _shift_by_basis(main, builder.basis, forward=False))
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


def _implicit_export(text: str, sentence: _Sentence, atoms: list[_Atom]) -> bool:
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
            if _RELATIVE_QTY_BEFORE_RE.search(text, lo, atom.start) and not _NOT_TRADE_RE.search(
                text, max(sentence.start, product_at - 60), atom.start
            ):
                return True
    return False


def _draft(
    text: str,
    sentence: _Sentence,
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
        period_start=_fmt(period[0]),
        period_end=_fmt(period[1]),
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


def _is_comparison(text: str, sentence: _Sentence, atom: _Atom) -> bool:
    spec = atom.value
    if isinstance(spec, _PeriodSpec) and spec.kind == "same":
        return True
    return _compared_before(text, sentence, atom.start)


def _compared_before(text: str, sentence: _Sentence, start: int) -> bool:
    """Whether the words just before `start` make what follows the comparison term."""
    lo = max(sentence.start, start - 30)
    if _CMP_BEFORE_RE.search(text, lo, start):
        return True
    # The substring test keeps the costlier "on" pattern off most positions.
    return "on" in text[max(lo, start - 8) : start].lower() and bool(
        _ON_CMP_BEFORE_RE.search(text, lo, start)
    )


def _group(text: str, sentence: _Sentence, atoms: list[_Atom]) -> list[_Builder]:
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
            assert isinstance(spec, _PeriodSpec)
            if spec.kind == "date":
                continue
            lo = max(sentence.start, atom.start - 12)
            if _SINCE_BEFORE_RE.search(text, lo, atom.start):
                continue
            if pending_child is not None and pending_child.period is None:
                pending_child.period = spec
                continue
            if atom.extra == "from" and cur.change is not None and not has_basis:
                # "rose 23% from April to May": a change between two months. Without a change
                # before it ("From January to May, shipments reached ..."), or with a stated
                # basis ("up 2% year-on-year from January to May"), the range is a cumulative
                # span and is handled as any other period below.
                first = _PeriodSpec("span", spec.m1, spec.m1, spec.year, spec.rel_year)
                last = _PeriodSpec("span", spec.m2, spec.m2, spec.year, spec.rel_year)
                if cur.cmp_period is None:
                    cur.cmp_period = first
                if cur.period is None:
                    cur.period = last
                continue
            comparison = _is_comparison(text, sentence, atom)
            if spec.kind == "same_bare" and not comparison:
                spec = _PeriodSpec("ctx")
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
            if _APPROX_RE.search(text[max(sentence.start, atom.start - 20) : atom.start]):
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


# ---------------------------------------------------------------------------------------------
# Publication date
# ---------------------------------------------------------------------------------------------

_TOP_OF_TEXT = 1500


def publication_date_from(text: str, filename: str | None) -> dt.date | None:
    """The article's date: a date near the top of the text wins, else the file-name prefix.

    Text first, because files are often renamed on download while the dateline travels
    with the article.
    """
    head = text[:_TOP_OF_TEXT]
    candidates: list[tuple[int, dt.date]] = []
    for m in _ISO_DATE_RE.finditer(head):
        found = _safe_date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
        if found is not None:
            candidates.append((m.start(), found))
    for rx in (_P_MONTH_DAY, _P_DAY_MONTH):
        for m in rx.finditer(head):
            if m.group("y"):
                month = _month_number(m.group("m"))
                found = _safe_date(int(m.group("y")), month, int(m.group("d")))
                if found is not None:
                    candidates.append((m.start(), found))
    if candidates:
        return min(candidates, key=lambda c: c[0])[1]
    if filename:
        name = filename.replace("\\", "/").rsplit("/", 1)[-1]
        m = _FILENAME_DATE_RE.match(name)
        if m:
            return _safe_date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
    return None


def _feed_items(text: str) -> list[tuple[int, int, dt.date]]:
    """(start, end, date) of each stretch of text that a date on a line of its own closes.

    Saved news pages often end with the site's feed ("News Stream"): items of a headline and a
    paragraph, each followed by its own date line. Such an item's "in October" is the October
    before its date, not before the article's (a December item in a July article). A stretch
    starts after the previous blank line or date line, so the article's own paragraphs, which
    blank lines separate, keep the article's date.
    """
    items: list[tuple[int, int, dt.date]] = []
    block_start = line_start = 0
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if not stripped:
            block_start = line_start + len(line)
        elif (m := _ISO_DATE_RE.fullmatch(stripped)) is not None:
            date = _safe_date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
            if date is not None:
                items.append((block_start, line_start, date))
                block_start = line_start + len(line)
        line_start += len(line)
    return items


def _date_of(
    position: int, items: list[tuple[int, int, dt.date]], published: dt.date | None
) -> dt.date | None:
    """The date that relative dates at `position` resolve against: its feed item's, if any."""
    for start, end, date in items:
        if start <= position < end:
            return date
    return published


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


# ---------------------------------------------------------------------------------------------
# Policy mentions
# ---------------------------------------------------------------------------------------------


def extract_policy_mentions(text: str, published: dt.date | None = None) -> list[PolicyMention]:
    """Sentences where a Chinese authority acts on exports, with the date each names (resolved
    against `published`) and the product groups it concerns."""
    mentions: list[PolicyMention] = []
    seen_sentences: set[str] = set()
    mofcom_seen = False
    items = _feed_items(text)
    for sentence in _split_sentences(text):
        body = text[sentence.start : sentence.end]
        found = _actor_and_action(body, mofcom_seen)
        mofcom_seen = mofcom_seen or bool(_ACTORS[0][0].search(body))
        # News pages repeat their own story (teasers, "news stream" copies): one mention each.
        if found is None or body in seen_sentences:
            continue
        seen_sentences.add(body)
        date, precision = _policy_date(body, _date_of(sentence.start, items, published))
        groups = _product_groups(body)
        mentions.append(
            PolicyMention(
                date=date,
                actor=found[0],
                action=found[1],
                sentence=body,
                start_char=sentence.start,
                end_char=sentence.end,
                product_groups=groups,
                date_precision=precision,
            )
        )
    return mentions


_MAX_ACTOR_ACTION_WORDS = 20


def _actor_and_action(body: str, mofcom_seen: bool) -> tuple[str, str] | None:
    """The authority and what it does, when the sentence says the authority does it.

    An action counts only when it follows the actor within a clause-sized gap, or precedes it
    as in "controls imposed by Beijing"; otherwise any sentence naming China and a curb would
    count ("China exported ... as agreements eased restrictions").
    """
    actors: list[tuple[int, int, int, str, bool]] = []
    for priority, (rx, name) in enumerate(_ACTORS):
        for m in rx.finditer(body):
            passive = bool(_PASSIVE_AGENT_RE.search(body, 0, m.start()))
            actors.append((priority, m.start(), m.end(), name, passive))
    if mofcom_seen:
        for m in _THE_MINISTRY_RE.finditer(body):
            actors.append((0, m.start(), m.end(), "MOFCOM", False))
    if not actors:
        return None
    best: tuple[int, int, str, str] | None = None
    for action_priority, (rx, action) in enumerate(_ACTIONS):
        for m in rx.finditer(body):
            for actor_priority, start, end, actor, passive in actors:
                if end <= m.start():
                    gap = body[end : m.start()]
                elif passive and m.end() <= start:
                    gap = body[m.end() : start]
                else:
                    continue
                if len(_WORD_RE.findall(gap)) > _MAX_ACTOR_ACTION_WORDS:
                    continue
                candidate = (actor_priority, action_priority, actor, action)
                if best is None or candidate < best:
                    best = candidate
    return (best[2], best[3]) if best is not None else None


def _policy_date(body: str, published: dt.date | None) -> tuple[dt.date | None, str | None]:
    """The first date the sentence names, and its precision: `day`, or `month` for "in
    April" / "at the beginning of April", which name a month, not the first of it."""
    found: list[tuple[int, dt.date | None, str]] = []
    for m in _ISO_DATE_RE.finditer(body):
        iso = _safe_date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
        found.append((m.start(), iso, "day"))
    atoms = _non_overlapping(_period_atoms(body))
    for atom in atoms:
        spec = atom.value
        assert isinstance(spec, _PeriodSpec)
        if spec.kind == "date" or (spec.kind == "span" and spec.m1 == spec.m2 and spec.m1):
            forward = bool(_FORWARD_BEFORE_RE.search(body, max(0, atom.start - 25), atom.start))
            precision = "day" if spec.day is not None else "month"
            found.append((atom.start, _date_from_spec(spec, published, forward), precision))
        elif spec.kind == "pubrel" and published is not None:
            month = _mi(published.year, published.month) + spec.offset
            found.append((atom.start, dt.date(month // 12, month % 12 + 1, 1), "month"))
    if published is not None:
        for m in _WEEKDAY_RE.finditer(body):
            weekday = _WEEKDAYS[m.group("wd").lower()]
            back = (published.weekday() - weekday) % 7
            found.append((m.start(), published - dt.timedelta(days=back), "day"))
        for m in _RELATIVE_DAY_RE.finditer(body):
            back = 1 if m.group("rd").lower() == "yesterday" else 0
            found.append((m.start(), published - dt.timedelta(days=back), "day"))
    dated = sorted((pos, d, precision) for pos, d, precision in found if d is not None)
    return (dated[0][1], dated[0][2]) if dated else (None, None)


def _date_from_spec(spec: _PeriodSpec, published: dt.date | None, forward: bool) -> dt.date | None:
    month = spec.m1
    if spec.day is not None:
        day = spec.day
    elif spec.prefix in ("mid-", "mid", "the middle of"):
        day = 15
    elif spec.prefix in ("late", "the end of"):
        day = -1
    else:
        day = 1  # "in April", "at the beginning of April": the first of the month
    years: list[int]
    if spec.year is not None:
        years = [spec.year]
    elif spec.rel_year is not None and published is not None:
        years = [published.year + spec.rel_year]
    elif published is None:
        return None
    else:
        years = [published.year - 1, published.year, published.year + 1]
    candidates = []
    for year in years:
        d = day if day > 0 else calendar.monthrange(year, month)[1]
        found = _safe_date(year, month, d)
        if found is not None:
            candidates.append(found)
    if not candidates:
        return None
    if len(candidates) == 1 or published is None:
        return candidates[0]
    if forward:
        # "from January 1": a measure's start can lie ahead; take the nearest occurrence.
        return min(candidates, key=lambda c: (abs((c - published).days), c > published))
    past = [c for c in candidates if c <= published]
    return max(past) if past else min(candidates)


# Product groups as the policy timeline (dim_policy_event) names them.
_GROUP_OF_MINERAL = {"gallium": "gallium_germanium", "germanium": "gallium_germanium"}


def _product_groups(body: str) -> tuple[str, ...]:
    groups: list[str] = []
    for m in _PRODUCT_RE.finditer(body):
        if m.group("magnet"):
            group = "rare_earth_magnets"
        elif m.group("re") or m.group("ree"):
            group = "rare_earths"
        else:
            mineral = m.group("other").lower()
            group = _GROUP_OF_MINERAL.get(mineral, mineral)
        if group not in groups:
            groups.append(group)
    return tuple(groups)
