"""Policy mentions: sentences where a Chinese authority acts on exports, with the date they
name and the product groups they concern."""

from __future__ import annotations

import calendar
import datetime as dt
import re

from orchestration.news_text.atoms import non_overlapping, period_atoms
from orchestration.news_text.dates import ISO_DATE_RE, date_of, feed_items, safe_date
from orchestration.news_text.model import PeriodSpec, PolicyMention
from orchestration.news_text.periods import mi
from orchestration.news_text.products import PRODUCT_RE
from orchestration.news_text.sentences import split_sentences
from orchestration.news_text.vocabulary import WEEKDAYS, WORD_RE, gated

_WEEKDAY_RE = gated(
    "mMtTwWfFsS", r"\b(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b", re.I
)
_RELATIVE_DAY_RE = re.compile(r"\b(?P<rd>yesterday|today)\b", re.I)
_FORWARD_BEFORE_RE = re.compile(
    r"\b(?:from|starting(?:\s+(?:on|from))?|effective(?:\s+(?:on|from))?|until|till|through"
    r"|beginning)\s+(?:on\s+)?$",
    re.I,
)
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


def extract_policy_mentions(text: str, published: dt.date | None = None) -> list[PolicyMention]:
    """Sentences where a Chinese authority acts on exports, with the date each names (resolved
    against `published`) and the product groups it concerns."""
    mentions: list[PolicyMention] = []
    seen_sentences: set[str] = set()
    mofcom_seen = False
    items = feed_items(text)
    for sentence in split_sentences(text):
        body = text[sentence.start : sentence.end]
        found = _actor_and_action(body, mofcom_seen)
        mofcom_seen = mofcom_seen or bool(_ACTORS[0][0].search(body))
        # News pages repeat their own story (teasers, "news stream" copies): one mention each.
        if found is None or body in seen_sentences:
            continue
        seen_sentences.add(body)
        date, precision = _policy_date(body, date_of(sentence.start, items, published))
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
                if len(WORD_RE.findall(gap)) > _MAX_ACTOR_ACTION_WORDS:
                    continue
                candidate = (actor_priority, action_priority, actor, action)
                if best is None or candidate < best:
                    best = candidate
    return (best[2], best[3]) if best is not None else None


def _policy_date(body: str, published: dt.date | None) -> tuple[dt.date | None, str | None]:
    """The first date the sentence names, and its precision: `day`, or `month` for "in
    April" / "at the beginning of April", which name a month, not the first of it."""
    found: list[tuple[int, dt.date | None, str]] = []
    for m in ISO_DATE_RE.finditer(body):
        iso = safe_date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
        found.append((m.start(), iso, "day"))
    atoms = non_overlapping(period_atoms(body))
    for atom in atoms:
        spec = atom.value
        assert isinstance(spec, PeriodSpec)
        if spec.kind == "date" or (spec.kind == "span" and spec.m1 == spec.m2 and spec.m1):
            forward = bool(_FORWARD_BEFORE_RE.search(body, max(0, atom.start - 25), atom.start))
            precision = "day" if spec.day is not None else "month"
            found.append((atom.start, _date_from_spec(spec, published, forward), precision))
        elif spec.kind == "pubrel" and published is not None:
            month = mi(published.year, published.month) + spec.offset
            found.append((atom.start, dt.date(month // 12, month % 12 + 1, 1), "month"))
    if published is not None:
        for m in _WEEKDAY_RE.finditer(body):
            weekday = WEEKDAYS[m.group("wd").lower()]
            back = (published.weekday() - weekday) % 7
            found.append((m.start(), published - dt.timedelta(days=back), "day"))
        for m in _RELATIVE_DAY_RE.finditer(body):
            back = 1 if m.group("rd").lower() == "yesterday" else 0
            found.append((m.start(), published - dt.timedelta(days=back), "day"))
    dated = sorted((pos, d, precision) for pos, d, precision in found if d is not None)
    return (dated[0][1], dated[0][2]) if dated else (None, None)


def _date_from_spec(spec: PeriodSpec, published: dt.date | None, forward: bool) -> dt.date | None:
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
        found = safe_date(year, month, d)
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
_GROUP_OF_MINERAL |= {"antimon": "antimony", "graphit": "graphite", "wolfram": "tungsten"}
_GROUP_OF_MINERAL |= {"silber": "silver", "dysprosium": "rare_earths", "terbium": "rare_earths"}
_GROUP_OF_MINERAL |= {"yttrium": "rare_earths"}


def _product_groups(body: str) -> tuple[str, ...]:
    groups: list[str] = []
    for m in PRODUCT_RE.finditer(body):
        if m.group("magnet"):
            group = "rare_earth_magnets"
        elif m.group("re") or m.group("ree"):
            group = "rare_earths"
        elif m.group("apt"):
            group = "tungsten"
        else:
            mineral = m.group("mineral").lower()
            group = _GROUP_OF_MINERAL.get(mineral, mineral)
        if group not in groups:
            groups.append(group)
    return tuple(groups)
