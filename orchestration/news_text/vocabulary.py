"""Words and patterns for periods, figures, changes and trade flows, in English and German.

Everything is compiled once at import: the extractor runs on whole backfills. German
alternatives sit in the same patterns as the English ones (months, units, comparisons), so
an article in either language goes through one set of rules; only number formats differ
(see `parse_number`).
"""

from __future__ import annotations

import re

from orchestration.news_text.model import APPROX, LESS_THAN, MORE_THAN

# Word lists are written as strings and split: one entry per line would bury the logic.
_MONTH_NAMES = (
    "january february march april may june july august september october november december"
)
_MONTH_NUMBERS = {name: number for number, name in enumerate(_MONTH_NAMES.split(), start=1)}
_MONTH_NUMBERS |= {name[:3]: number for name, number in _MONTH_NUMBERS.items()} | {"sept": 9}
_GERMAN_MONTHS = "januar:1 februar:2 märz:3 mär:3 mrz:3 mai:5 juni:6 juli:7 oktober:10 okt:10"
_GERMAN_MONTHS += " dezember:12 dez:12"
_MONTH_NUMBERS |= {k: int(v) for k, v in (e.split(":") for e in _GERMAN_MONTHS.split())}
_NUMBER_WORDS = "two three four five six seven eight nine ten eleven twelve"
WORD_NUMBERS = {word: number for number, word in enumerate(_NUMBER_WORDS.split(), start=2)}
_GERMAN_NUMBERS = "zwei drei vier fünf sechs sieben acht neun zehn elf zwölf"
WORD_NUMBERS |= {word: number for number, word in enumerate(_GERMAN_NUMBERS.split(), start=2)}
WORD_NUMBERS |= {"one": 1, "ein": 1, "eine": 1, "einen": 1}
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4}
_WEEKDAY_NAMES = "monday tuesday wednesday thursday friday saturday sunday"
WEEKDAYS = {name: number for number, name in enumerate(_WEEKDAY_NAMES.split())}


def gated(first_chars: str, pattern: str, flags: int = 0) -> re.Pattern[str]:
    """Compile with a leading one-character look-ahead.

    The regex engine can then skip most positions with a character-set test instead of trying
    every alternative (and every look-behind) there: about a 2-3x speed-up on whole articles.
    """
    return re.compile(f"(?=[{first_chars}])(?:{pattern})", flags)


# Month names are matched case-sensitively so the modal "may" and the verb "march" stay out.
# Only an abbreviation takes a dot: after a full name it ends the sentence, and "in October.
# 2025-12-30" (a feed item's date line) is not October 2025.
M = (
    r"(?:(?:January|February|March|April|May|June|July|August|September|October|November"
    r"|December|Januar|Februar|März|Mai|Juni|Juli|Oktober|Dezember)(?![A-Za-zä])"
    r"|(?:Sept|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec|Okt|Dez|Mär|Mrz)(?![A-Za-z])\.?)"
)
Y = r"(?:19|20)\d{2}(?!\d)"
_YEAR_TAIL = (
    rf"(?:\s+(?:of|in|for)\s+(?:(?P<y>{Y})|(?P<rel>this|last|the\s+previous|the\s+prior"
    r"|the\s+current)\s+year))?"
)
_NUMBER_WORD = "two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"

P_BETWEEN = re.compile(
    rf"\b(?i:between)\s+(?P<m1>{M})(?:\s+(?P<y1>{Y}))?\s+and\s+(?P<m2>{M})(?:,?\s+(?P<y2>{Y}))?"
)
# "From January to May" is one cumulative span: the "from" belongs to the range, so it must not
# mark the range as a comparison period (see grouping for "rose 23% from April to May").
P_RANGE = gated(
    "JFMASONDfFvV",
    rf"(?<![A-Za-z])(?:(?P<from>[Ff]rom|[Vv]on)\s+)?(?P<m1>{M})(?:\s+(?P<y1>{Y}))?"
    r"(?:\s*[-–—]\s*|\s+(?:to|through|until|bis)\s+)"
    rf"(?P<m2>{M})(?:,?\s+(?P<y2>{Y}))?",
)
# "in January and February combined": one two-month period (China reports them together).
P_COMBINED = gated(
    "JFMASOND",
    rf"(?<![A-Za-z])(?P<m1>{M})\s+(?:and|und|&)\s+(?P<m2>{M})(?:\s+(?P<y2>{Y}))?"
    r"\s+(?i:combined|together|zusammen)",
)
P_FIRST_N = gated(
    "tTfF",
    rf"\b(?:the\s+)?first\s+(?P<n>\d{{1,2}}|{_NUMBER_WORD})\s+months{_YEAR_TAIL}",
    re.I,
)
P_HALF = gated("tTfFsS", rf"\b(?:the\s+)?(?P<w>first|second)[\s-]+half{_YEAR_TAIL}", re.I)
P_H_SHORT = re.compile(rf"\bH(?P<n>[12])(?:\s+(?P<y>{Y}))?(?![\w-])")
P_QUARTER = re.compile(
    rf"\b(?:the\s+)?(?P<w>first|second|third|fourth)[\s-]+quarter{_YEAR_TAIL}", re.I
)
P_Q_SHORT = re.compile(rf"\bQ(?P<n>[1-4])(?:\s+(?P<y>{Y}))?(?![\w-])")
P_QUARTERS = re.compile(rf"\b(?:the\s+)?first\s+(?P<n>two|three)\s+quarters{_YEAR_TAIL}", re.I)
P_SAME = gated(
    "tTsScCvV",
    r"\b(?:the\s+)?(?:same|corresponding)\s+(?:period|months?|quarter|time)"
    rf"(?:\s+(?:(?:of|in)\s+)?(?:(?P<y>{Y})|(?P<yr>(?:(?:a|the|last|previous|prior)\s+)?"
    r"(?:(?:previous|prior)\s+)?year(?:\s+(?:earlier|ago|before))?)))?"
    r"|\b(?P<de>Vorjahres(?:monat|zeitraum|niveau)[es]*)\b",
    re.I,
)
# Offsets from the figure a comparison is made with: "a month earlier", "the month before",
# "Vormonat". As a claim's own period they mean nothing and are ignored.
P_SHIFT = gated(
    "aAoOtTvV",
    r"\b(?:(?:a|one|the)\s+(?P<unit>month|year)\s+(?:earlier|before|ago)"
    r"|the\s+(?:previous|prior|preceding)\s+(?P<unit2>month|year)(?!['’]s)"
    r"|(?P<de>Vormonat|Vorjahr)(?:s|es)?\b(?!es))",
    re.I,
)
P_YTD = gated(
    "yYsSbB",
    r"\b(?:year[-\s]to[-\s]date|so\s+far\s+this\s+year|bisher\s+in\s+diesem\s+Jahr)"
    rf"(?:(?:\s+[a-z]+){{0,2}}\s+(?:for|in|of)\s+(?P<y>{Y}))?",
    re.I,
)
P_MONTH_DAY = gated(
    "JFMASOND",
    rf"(?<![A-Za-z])(?P<m>{M})\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?!\d)(?![,.]\d)"
    rf"(?:,?\s+(?P<y>{Y}))?",
)
P_DAY_MONTH = gated("0-9", rf"(?<![\w.,])(?P<d>\d{{1,2}})\.?\s+(?P<m>{M})\s+(?P<y>{Y})")
P_MONTH = gated(
    "JFMASONDmMeElLtTvV",
    r"(?<![A-Za-z])(?P<pre>(?i:mid-|mid\s+|early\s+|late\s+|the\s+(?:beginning|start|middle|end)"
    r"\s+of\s+|last\s+|vergangenen\s+|letzten\s+))?"
    rf"(?P<m>{M})(?:,?\s+(?P<y>{Y})|\s+(?P<rel>(?i:this|last))\s+year)?",
)
# A bare year is a period only after a preposition ("in 2024", "from 2024"), never after
# "since"; the year is found first and the word before it checked, which is far cheaper than
# a dozen look-behinds tried at every position.
P_YEAR = gated("12", rf"(?<![\w.,-])(?P<y>{Y})(?!\s*[-–/]\s*\d)(?!['’]s)(?![\w-])")
YEAR_PREPOSITION_RE = re.compile(
    r"\b(?:in|for|during|throughout|of|full-year|full\s+year|from|than|with|versus|im\s+jahr"
    r"|jahr|jahres)\s$",
    re.I,
)
P_YEAR_REL = gated("lLtTpP", r"\b(?P<rel>last|this|previous)\s+year\b", re.I)
P_YEAR_REL_DE = gated(
    "vVlLdDiI",
    r"\b(?P<de>vergangenen|letzten|diesem)\s+Jahr\b|\bim\s+(?P<vj>Vorjahr)\b(?!es)",
    re.I,
)
P_PUB_MONTH = gated("lLtTpP", r"\b(?P<rel>last|this|previous|past)\s+month\b", re.I)
P_PUB_MONTH_DE = gated("vVlL", r"\b(?P<de>vergangenen|letzten)\s+Monat\b", re.I)
P_CONTEXT = gated("tT", r"\b(?:that|the\s+same)\s+month\b|\bthat\s+period\b", re.I)

# Numbers: both separators are read, and `parse_number` decides by the article's language
# which is the decimal mark ("9.007 Kilogramm" is 9,007 kg; "8.63 tons" is 8.63 t).
_NUM = r"(?P<num>\d{1,3}(?:[,.]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?)"
_UNIT = (
    r"(?P<unit>(?i:metric\s+tonnes?|metric\s+tons?|tonnes?|tons?|tonnen|kilogrammes?|kilograms?"
    r"|kilogramm|kilos?)|kg|kt|mt|t)(?![\w])"
)
QTY_RE = gated(
    "0-9",
    rf"(?<![\w.,]){_NUM}(?:\s*(?P<scale>thousand|million|Tausend|Millionen))?\s*(?:-\s*)?{_UNIT}",
)
WORD_QTY_RE = gated(
    "oOtTfFsSeEnNzZdDvVaA",
    rf"\b(?P<word>one|{_NUMBER_WORD}|eine[n]?|ein|zwei|drei|vier|fünf|sechs|sieben|acht|neun"
    rf"|zehn|elf|zwölf)\s+{_UNIT}",
    re.I,
)
# "fell to zero", "exported no germanium", "no exports of gallium": a quantity of nothing.
ZERO_RE = gated(
    "tTaAeEsSnNkK",
    r"\b(?:to|at|auf)\s+(?P<zero>zero|null)\b"
    r"|\b(?:exported|shipped)\s+(?P<no>no)\b|\b(?P<none>no)\s+(?:exports?|shipments?)\b"
    r"|\b(?P<kein>keine)\s+(?:Exporte|Ausfuhren)\b",
    re.I,
)
# A bare number: the figure of a comparison or list whose unit the text does not repeat.
BARE_NUMBER_RE = gated(
    "0-9",
    rf"(?<![\w.,$€£¥]){_NUM}(?![\w%]|\s*(?:%|per\s?cent|Prozent|[-/]\d))"
    r"(?!\s*(?:thousand|million|tausend|millionen)?\s*(?:-\s*)?(?i:metric|tonn|tons?\b|kilo|kg\b"
    r"|kt\b|mt\b|t\b))",
)
PCT_RE = gated(
    "0-9",
    rf"(?<![\w.,]){_NUM}\s*(?:%|(?i:per\s?cent|percent|prozent)\b)",
)
WORD_PCT_RE = re.compile(
    r"\b(?:ein|one)\s+(?:(?P<hedge>knappes|gutes)\s+)?(?i:Prozent|per\s?cent)\b"
)
# A rate or average is no total: "300 t a month", "averaged 17,000 tonnes". "A month earlier"
# is a comparison period, not a rate.
LEVEL_AFTER_RE = re.compile(
    r"\s*(?:a|per|each|every|pro|im)\s+(?:month|year|Monat|Jahr)\b"
    r"(?!\s+(?:earlier|ago|before|later|previously|zuvor|früher))",
    re.I,
)
LEVEL_BEFORE_RE = re.compile(
    r"\b(?:averag(?:e|ed|es|ing)|on\s+average|monthly\s+average|durchschnittlich\w*"
    r"|Durchschnitt\w*)\b[^,;]{0,90}$",
    re.I,
)
# Hedges directly before a number ("almost 40%", "more than 2,000 t", "rund 30 Prozent"). A
# comparison word with an article ("below the 578 tonnes") is no hedge: the words must touch.
_HEDGES = {
    APPROX: "about around nearly almost roughly approximately approx. some circa close_to"
    " an_estimated estimated rund etwa ungefähr fast knapp beinahe nahezu",
    MORE_THAN: "more_than over in_excess_of upwards_of at_least above mehr_als über mindestens",
    LESS_THAN: "less_than fewer_than under below weniger_als unter up_to bis_zu",
}
HEDGE_WORDS = {
    word.replace("_", " "): hedge for hedge, words in _HEDGES.items() for word in words.split()
}
# Multiples: "doubled", "halved", "2.4 times the previous month's level", "doppelt so viel
# wie". "By six times" and "six-fold" are left out: x6 or +600%?
MULTIPLE_RE = re.compile(
    r"(?P<hedge>\b(?:more\s+than|over|nearly|almost|roughly|about|approximately|mehr\s+als|fast"
    r"|knapp|rund|etwa)\s+)?"
    r"(?:\b(?P<word>doubled|doubling|tripled|trebled|quadrupled|halved|halving|halve[sd]?)\b"
    r"|\bby\s+(?:a\s+)?(?P<half>half)\b"
    r"|\b(?P<n>\d+(?:[.,]\d+)?)\s+times\s+(?:the|its|that\s+of)\s+"
    r"(?:(?P<mref>(?:previous|prior|preceding)\s+month|month\s+before)|(?P<yref>"
    r"(?:previous|prior)\s+year|year[-\s]earlier)|(?P<lref>level|figure|volume))"
    r"|\b(?P<de>doppelt|zweimal|dreimal|halb)\s+so\s+(?:viel|hoch|groß))",
    re.I,
)
BASIS_RE = gated(
    "ymoftcvsaYMOFTCVSA",
    r"(?P<yoy>\byear[-\s](?:on|over)[-\s]year\b|\by/y\b|\byoy\b"
    r"|\bon\s+(?:the\s+)?(?:(?:prior|previous)\s+)?year\b(?!\s+(?:earlier|ago|before))"
    r"|\bon\s+an?\s+(?:annual|yearly)\s+basis\b|\bannually\b|\bauf\s+Jahressicht\b"
    r"|\bim\s+Jahresvergleich\b"
    r"|\b(?:from|than|compared\s+(?:with|to)|versus|over|on)\s+(?:a|one|the\s+previous|the\s+prior)"
    r"\s+year\s+(?:earlier|ago|before)\b"
    r"|\b(?:from|compared\s+(?:with|to)|versus|on)\s+the\s+(?:previous|prior|preceding)\s+year\b)"
    r"|(?P<mom>\bmonth[-\s](?:on|over)[-\s]month\b|\bm/m\b|\bmom\b|\bsequentially\b"
    r"|\bon\s+(?:the\s+)?(?:(?:prior|previous)\s+)?month\b|\bon\s+a\s+monthly\s+basis\b"
    r"|\bim\s+Monatsvergleich\b"
    r"|\b(?:from|than|compared\s+(?:with|to)|versus|on)\s+(?:a|one|the\s+previous|the\s+prior"
    r"|the\s+preceding)\s+month(?:\s+(?:earlier|ago|before))?\b)"
    r"|(?P<same>\bin\s+the\s+same\s+comparison\b)",
    re.I,
)
GLOBAL_RE = gated(
    "gwoitGWOITI", r"\b(?:globally|global|worldwide|overall|in\s+total|total|insgesamt)\b", re.I
)
# Words of an export; German compounds ("Galliumexporte") hold "export" inside a word.
EXPORT_WORD_RE = gated(
    "eEsSoOdDaAlLgGvVfFrR",
    r"export\w*|\bship(?:ments?|ped|ping)\b|\boutbound\b|\boverseas\s+sales\b|\bsales\s+abroad\b"
    r"|\bsold\b|\bdeliver(?:y|ies|ed)\b|\bausfuhr\w*|\w*ausfuhren\b|\bausgeführt\b|\bgeliefert\b"
    r"|\blieferung(?:en)?\b|\bverließ(?:en)?\b|\bführt(?:e|en)?\b(?=[^.;]*\baus\b)"
    r"|\bgingen?\s+(?:\S+\s+){0,4}?nach\b|\bempfänger\w*",
    re.I,
)
# A quantity attached to a product phrase by a relative clause: "the customs total for rare
# earths, which came to 5,792 tonnes". The clause stands in for the export verb.
RELATIVE_QTY_BEFORE_RE = re.compile(
    r"\b(?:which|that)\s+(?:came\s+to|stood\s+at|totall?ed|amounted\s+to|reached|hit)\s+"
    r"(?:about\s+|around\s+|nearly\s+|almost\s+|roughly\s+|some\s+|over\s+|more\s+than\s+)?$",
    re.I,
)
# A clause about China's imports (or another flow) is no export claim even when the sentence
# names exports elsewhere ("... exports rose 5%; the import volume was 1.71 mt").
IMPORT_WORD_RE = re.compile(r"\bimport\w*|\beinfuhr\w*", re.I)
# Figures that name a product but are not trade: such a clause states no export figure.
NOT_TRADE_RE = re.compile(
    r"\b(?:quotas?|output|production|produced|mined|mining|reserves?|capacity|smelting"
    r"|separation|consumption|demand|prices?|imports?|imported|inventor(?:y|ies)|stocks?"
    r"|produktion|förderung|preise?|nachfrage)\b",
    re.I,
)
# Value, not volume: "export value narrowing by 28.3%", "prices leapt by 57.3%".
VALUE_RE = re.compile(
    r"\b(?:value[sd]?|valued|prices?|costs?|wert|preis\w*|usd|rmb|yuan|dollars?|euros?)\b|[$€]",
    re.I,
)
# "Including powder and alloys, exports reached ...": the figure is wider than the series.
SCOPE_RE = re.compile(
    r"\b(?:including|includes|incl\.|together\s+with|along\s+with|einschließlich|inklusive)\s",
    re.I,
)
EACH_AFTER_RE = re.compile(r"\s+(?:each|apiece)\b", re.I)
EACH_BEFORE_RE = re.compile(r"\b(?:jeweils|each)\s+$", re.I)
BLOOMBERG_RE = re.compile(r"\bBloomberg\b")
# Words that make what follows the comparison term ("up from 1,238 t", "compared with May",
# "im Vergleich zum Vorjahresmonat"), looked up as the last words before an atom.
_COMPARISON_WORDS = (
    "from|compared with|compared to|compares with|compares to|compare with|compare to|versus|vs"
    "|vs.|against|than|below|above|im vergleich zu|im vergleich zum|im vergleich zur|gegenüber"
    "|verglichen mit|nach nur|wie|von"
)
COMPARISON_WORDS = frozenset(_COMPARISON_WORDS.split("|"))  # noqa: SIM905 (one list, in words)
# "a 660% jump on May", "up 4% on June 2024": after a change, "on" names the comparison period
# (or figure) as "from" does. Elsewhere "on" is a date ("on May 5") or a topic.
ON_CMP_BEFORE_RE = re.compile(
    r"(?:%|\bper\s?cent|\b(?:up|down|higher|lower|more|less|increase|rise|jump|gain|surge"
    r"|growth|climb|rebound|spike|decline|drop|fall|decrease|plunge|slump|contraction|dip"
    r"|slide)s?)\s+on\s+(?:the\s+|an?\s+)?$",
    re.I,
)
# "the highest this year", "a record for 2025": a superlative's range, not the figure's period.
SUPERLATIVE_BEFORE_RE = re.compile(
    r"\b(?:highest|lowest|strongest|weakest|biggest|smallest|largest|best|worst|record|höchste\w*"
    r"|niedrigste\w*)\b[\w\s-]{0,25}$",
    re.I,
)
# "We shipped 300 tonnes last week": a speaker's own trade, not the country's exports.
# Case matters: "US" is a destination, "us" a speaker.
FIRST_PERSON_RE = re.compile(r"\b(?:[Ww]e|I|[Oo]ur|us|[Ww]ir|[Ii]ch|[Uu]nsere?n?)\b")
SINCE_BEFORE_RE = re.compile(r"\b(?:since|until|till|seit|bis)\s+$", re.I)
BY_BEFORE_RE = re.compile(r"\bby\s+$", re.I)
# Words that join a figure to the period it belongs to ("last October's 3,604 t", "dem
# September mit 5.000 Kilogramm", "June, when it was 4,260 kg").
PERIOD_FIGURE_LINK_RE = re.compile(
    r"^(?:['’]s\s+|\s+mit\s+|,?\s+(?:when|wo|als)\s+(?:it|es|they|exports?)\s+(?:(?:was|were"
    r"|stood\s+at|waren|war|lagen|lag)\s+)?(?:bei\s+)?)$",
    re.I,
)
_UP_WORDS = (
    r"rose|rise[sn]?|rising|up|increase[sd]?|increasing|jump(?:ed|s|ing)?|surge[sd]?|surging"
    r"|soar(?:ed|s|ing)?|climb(?:ed|s|ing)?|gain(?:ed|s|ing)?|grew|grow(?:s|n|ing)?"
    r"|rebound(?:ed|s|ing)?|spike[sd]?|spiking|skyrocket(?:ed|s|ing)?|advance[sd]?|higher"
    r"|expand(?:ed|s|ing)?|more(?!\s+than)|added|adding"
    r"|gestiegen|stieg(?:en)?|steigt|anstieg|plus|höher|gesteigert|zugenommen|zuwachs"
    r"|gewachsen|wuchs|mehr(?!\s+als)"
)
_DOWN_WORDS = (
    r"fell|fall(?:s|en|ing)?|down|drop(?:ped|s|ping)?|decline[sd]?|declining|decrease[sd]?"
    r"|decreasing|plunge[sd]?|plunging|plummet(?:ed|s|ing)?|slump(?:ed|s|ing)?|slid|slides?"
    r"|sliding|sank|sink(?:s|ing)?|tumble[sd]?|tumbling|dip(?:ped|s|ping)?|contract(?:ed|s|ing)?"
    r"|shrank|shrunk|shrink(?:s|ing)?|lower|less(?!\s+than)|eased|slip(?:ped|s)?"
    r"|retreat(?:ed|s)?|crash(?:ed)?|lost|cut|reduced|slashed"
    r"|gesunken|sank(?:en)?|gefallen|fiel(?:en)?|rückgang|minus|niedriger|weniger(?!\s+als)"
    r"|zurückgegangen|brach(?:en)?|eingebrochen|einbruch|verringert"
)
DIRECTION_RE = re.compile(rf"\b(?:(?P<up>{_UP_WORDS})|(?P<down>{_DOWN_WORDS}))\b", re.I)
DIRECTION_AFTER_RE = re.compile(
    r"\s*(?:(?:year|month)[-\s](?:on|over)[-\s](?:year|month)\s+)?"
    r"(?:(?P<up>increase|rise|jump|gain|surge|growth|climb|rebound|spike|higher|more|up|höher"
    r"|mehr)|(?P<down>decline|drop|fall|decrease|plunge|slump|contraction|dip|slide|lower|less"
    r"|down|niedriger|weniger))\b",
    re.I,
)
# Shares ("70% of output"), point changes and ranges ("between 5% and 10%") are not a change.
PCT_SHARE_AFTER_RE = re.compile(
    r"\s+of\b|\s*percentage\s+points?\b|\s*(?:[-–]|to|and)\s*\d+(?:\.\d+)?\s*(?:%|per)", re.I
)
PCT_RANGE_BEFORE_RE = re.compile(
    r"(?:\bbetween\s+\d+(?:\.\d+)?%?\s*and|\d%?\s*(?:[-–]|to))\s*$", re.I
)
AND_RE = re.compile(r"\b(?:and|while|with|und)\b|,", re.I)
WORD_RE = re.compile(r"[A-Za-zÄÖÜäöüß0-9'’%.,-]+")
# Clause boundaries inside a sentence: a clause without a figure ("Shipments had surged in
# November, but ...") lends its period to no figure of the next one.
CLAUSE_RE = re.compile(r";|,?\s+(?:but|while|whereas|während|aber|doch)\s+", re.I)
# "increased its exports of rare earths to other countries by 23%": "by" ties a percentage
# to the change verb however far back it is.
BY_PCT_BEFORE_RE = re.compile(r"\b(?:by|um)\s+$", re.I)
# A product as the subject of exports ("germanium exports", "exports of germanium",
# "Galliumexporte", "Export von Germanium"): a sentence about it changes the topic.
TOPIC_BEFORE_RE = re.compile(
    r"(?:\bexports?|\bshipments?|\bexport|\bausfuhr(?:en)?)\s+(?:of|von)\s+(?:the\s+)?$", re.I
)
TOPIC_AFTER_RE = re.compile(r"(?:\s+|-)?(?:exports?|exporte?n?|ausfuhr(?:en)?|shipments?)\b", re.I)
# A month that starts or ends a measure ("restricting shipments starting April") is not the
# month of the exports the sentence is about.
POLICY_MONTH_BEFORE_RE = re.compile(
    r"\b(?:starting|beginning|effective|since|from|until|till|by|seit|ab)\s+(?:in\s+)?$", re.I
)
# A sentence that points back at the claim before it ("That is a 20% fall", "The figure was
# also up 19%") or starts with the change itself ("Down 4% on ...").
ANAPHOR_RE = re.compile(
    r"(?:(?:and|but|however|yet|still|also|meanwhile),?\s+)*(?:that|this|it|these|those"
    r"|the\s+(?:figure|volume|total|amount|number|tally)|(?:the\s+)?(?:[A-Za-z]+\s+){0,2}volumes?"
    r"|(?:the\s+)?(?:[A-Z][A-Za-z.]*\s+){1,2}(?:portion|figure|total)|up|down|das|dies)\b",
    re.I,
)
_GERMAN_WORDS_RE = re.compile(
    r"\b(?:der|die|das|und|ist|im|mit|von|nach|auf|für|wurden|sich|nicht|auch|dem|den|ein|eine)\b"
)
_ENGLISH_WORDS_RE = re.compile(
    r"\b(?:the|and|of|to|is|was|were|with|for|from|that|in|on|by|its|as)\b"
)


def month_number(name: str) -> int:
    return _MONTH_NUMBERS[name.rstrip(".").lower()]


def rel_year(text: str | None) -> int | None:
    if not text:
        return None
    return -1 if text.split()[-1].lower() in {"last", "previous", "prior"} else 0


def language_of(text: str) -> str:
    """'de' or 'en', from the commonest function words: decides how numbers are read."""
    sample = text[:4000]
    german = len(_GERMAN_WORDS_RE.findall(sample))
    english = len(_ENGLISH_WORDS_RE.findall(sample))
    return "de" if german > english else "en"


def parse_number(text: str, language: str = "en") -> tuple[float, int, float | None]:
    """(value, digits after the decimal mark, other reading when the mark is ambiguous).

    English writes 5,864.6 and German 5.864,6. A lone mark before exactly three digits is a
    thousands separator in German; in English it is a decimal point, but a page that lost its
    commas ("62.585 metric tons") writes it too, so the other reading comes along.
    """
    thousands, decimal = (".", ",") if language == "de" else (",", ".")
    if thousands in text and decimal in text:
        whole, _, fraction = text.rpartition(decimal)
        return float(whole.replace(thousands, "") + "." + fraction), len(fraction), None
    mark = next((ch for ch in text if ch in ".,"), None)
    if mark is None:
        return float(text), 0, None
    head, _, tail = text.rpartition(mark)
    if text.count(mark) > 1 or (mark == thousands and len(tail) == 3):
        return float(text.replace(mark, "")), 0, None
    value = float(head + "." + tail)
    if mark == "." and language == "en" and len(tail) == 3 and head != "0":
        return value, len(tail), float(head + tail)
    return value, len(tail), None
