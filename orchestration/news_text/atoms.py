"""Atoms: the periods, figures, changes, products and destinations a text names, located by
character offsets, before any of them is tied to a claim."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator

from orchestration.news_text.gazetteer import (
    BOUND_PARTNER_RE,
    CAPITALISED_RUN_RE,
    COORDINATED_AFTER_RE,
    COORDINATED_BEFORE_RE,
    SUBJECT_TAIL_RE,
    TO_PARTNER_RE,
    lookup_country_at_end,
    lookup_country_span,
    lookup_subject,
)
from orchestration.news_text.model import (
    APPROX,
    MORE_THAN,
    WORLD,
    Atom,
    Change,
    PeriodSpec,
    Quantity,
)
from orchestration.news_text.products import OTHER_GOODS_RE, PRODUCT_RE, series_of
from orchestration.news_text.vocabulary import (
    BARE_NUMBER_RE,
    BASIS_RE,
    GLOBAL_RE,
    HEDGE_WORDS,
    LEVEL_AFTER_RE,
    LEVEL_BEFORE_RE,
    MULTIPLE_RE,
    ORDINALS,
    P_BETWEEN,
    P_COMBINED,
    P_CONTEXT,
    P_DAY_MONTH,
    P_FIRST_N,
    P_H_SHORT,
    P_HALF,
    P_MONTH,
    P_MONTH_DAY,
    P_PUB_MONTH,
    P_PUB_MONTH_DE,
    P_Q_SHORT,
    P_QUARTER,
    P_QUARTERS,
    P_RANGE,
    P_SAME,
    P_SHIFT,
    P_YEAR,
    P_YEAR_REL,
    P_YEAR_REL_DE,
    P_YTD,
    PCT_RANGE_BEFORE_RE,
    PCT_RE,
    PCT_SHARE_AFTER_RE,
    QTY_RE,
    WORD_NUMBERS,
    WORD_PCT_RE,
    WORD_QTY_RE,
    YEAR_PREPOSITION_RE,
    ZERO_RE,
    month_number,
    parse_number,
    rel_year,
)

_MULTIPLE_WORDS = {"doubled": 100.0, "doubling": 100.0, "tripled": 200.0, "trebled": 200.0}
_MULTIPLE_WORDS |= {"quadrupled": 300.0, "doppelt": 100.0, "zweimal": 100.0, "dreimal": 200.0}
_GERMAN_REL_YEAR = {"vergangenen": -1, "letzten": -1, "diesem": 0}
# Substrings every multiple contains: most articles have none, and the pattern is costly.
_MULTIPLE_HINTS = ("doubl", "tripl", "trebl", "quadrupl", "halv", "half", "times", "doppelt")
_MULTIPLE_HINTS += ("zweimal", "dreimal", "halb")
_SHIFT_HINTS = ("earlier", "before", "ago", "previous", "prior", "preceding", "vormonat")
_SHIFT_HINTS += ("vorjahr",)


def period_atoms(text: str) -> Iterator[Atom]:
    # Cheap substring tests gate the rarer patterns: most articles never say "quarter".
    lower = text.lower()
    if "between" in lower:
        for m in P_BETWEEN.finditer(text):
            yield _span_atom(m)
    for m in P_RANGE.finditer(text):
        yield _span_atom(m)
    if any(w in lower for w in ("combined", "together", "zusammen")):
        for m in P_COMBINED.finditer(text):
            yield _span_atom(m)
    yield from _counted_spans(text, lower)
    yield from _relative_periods(text, lower)
    for m in P_MONTH_DAY.finditer(text):
        yield from _date_atom(m)
    for m in P_DAY_MONTH.finditer(text):
        if m.group("y"):
            yield from _date_atom(m)
    for m in P_MONTH.finditer(text):
        month = month_number(m.group("m"))
        year = int(m.group("y")) if m.group("y") else None
        prefix = m.group("pre").strip().lower() if m.group("pre") else None
        spec = PeriodSpec("span", month, month, year, rel_year(m.group("rel")), prefix=prefix)
        yield Atom(m.start(), m.end(), "period", spec)
    for m in P_YEAR.finditer(text):
        if YEAR_PREPOSITION_RE.search(text, max(0, m.start() - 12), m.start()):
            spec = PeriodSpec("span", 1, 12, int(m.group("y")), prefix="year")
            yield Atom(m.start(), m.end(), "period", spec)


def _date_atom(m: re.Match[str]) -> Iterator[Atom]:
    day = int(m.group("d"))
    if 1 <= day <= 31:
        month = month_number(m.group("m"))
        year = int(m.group("y")) if m.group("y") else None
        yield Atom(m.start(), m.end(), "period", PeriodSpec("date", month, month, year, day=day))


def _counted_spans(text: str, lower: str) -> Iterator[Atom]:
    """First N months, halves and quarters, written out or short (H1, Q3)."""
    wanted = ((P_FIRST_N, "first"), (P_HALF, "half"), (P_QUARTER, "quarter"))
    for rx in [rx for rx, word in (*wanted, (P_QUARTERS, "quarters")) if word in lower]:
        for m in rx.finditer(text):
            if rx is P_FIRST_N:
                n = m.group("n").lower()
                m1, m2 = 1, int(n) if n.isdigit() else WORD_NUMBERS[n]
                if not 1 <= m2 <= 12:
                    continue
            elif rx is P_HALF:
                half = ORDINALS[m.group("w").lower()]
                m1, m2 = (1, 6) if half == 1 else (7, 12)
            elif rx is P_QUARTER:
                quarter = ORDINALS[m.group("w").lower()]
                m1, m2 = 3 * quarter - 2, 3 * quarter
            else:
                m1, m2 = 1, 3 * WORD_NUMBERS[m.group("n").lower()]
            year = int(m.group("y")) if m.group("y") else None
            spec = PeriodSpec("span", m1, m2, year, rel_year(m.group("rel")))
            yield Atom(m.start(), m.end(), "period", spec)
    for rx, size, letter in ((P_H_SHORT, 6, "H"), (P_Q_SHORT, 3, "Q")):
        if not any(f"{letter}{n}" in text for n in "1234"):
            continue
        for m in rx.finditer(text):
            n = int(m.group("n"))
            year = int(m.group("y")) if m.group("y") else None
            spec = PeriodSpec("span", size * (n - 1) + 1, size * n, year)
            yield Atom(m.start(), m.end(), "period", spec)


def _relative_periods(text: str, lower: str) -> Iterator[Atom]:
    """Periods named relative to another: the same period last year, a month earlier, last
    year, last month, that month, year to date."""
    for m in P_SAME.finditer(text) if ("same" in lower or "corresponding" in lower) else ():
        if m.group("y"):
            spec = PeriodSpec("same", year=int(m.group("y")))
        elif m.group("yr") or m.group("de"):
            spec = PeriodSpec("same")
        else:
            spec = PeriodSpec("same_bare")
        yield Atom(m.start(), m.end(), "period", spec)
    if "vorjahres" in lower:
        for m in P_SAME.finditer(text):
            if m.group("de"):
                yield Atom(m.start(), m.end(), "period", PeriodSpec("same"))
    for m in P_SHIFT.finditer(text) if any(w in lower for w in _SHIFT_HINTS) else ():
        unit = (m.group("unit") or m.group("unit2") or m.group("de") or "").lower()
        offset = -1 if unit in ("month", "vormonat") else -12
        yield Atom(m.start(), m.end(), "period", PeriodSpec("shift", offset=offset))
    for m in (
        P_YTD.finditer(text) if ("date" in lower or "far" in lower or "bisher" in lower) else ()
    ):
        year = int(m.group("y")) if m.group("y") else None
        yield Atom(m.start(), m.end(), "period", PeriodSpec("ytd", 1, 0, year))
    for m in P_YEAR_REL.finditer(text) if "year" in lower else ():
        spec = PeriodSpec("span", 1, 12, None, rel_year(m.group("rel")))
        yield Atom(m.start(), m.end(), "period", spec)
    for m in P_YEAR_REL_DE.finditer(text) if "jahr" in lower else ():
        offset = _GERMAN_REL_YEAR[m.group("de").lower()] if m.group("de") else -1
        yield Atom(m.start(), m.end(), "period", PeriodSpec("span", 1, 12, None, offset))
    for m in P_PUB_MONTH.finditer(text) if "month" in lower else ():
        offset = 0 if m.group("rel").lower() == "this" else -1
        yield Atom(m.start(), m.end(), "period", PeriodSpec("pubrel", offset=offset))
    for m in P_PUB_MONTH_DE.finditer(text) if "monat" in lower else ():
        yield Atom(m.start(), m.end(), "period", PeriodSpec("pubrel", offset=-1))
    if "month" in lower or "period" in lower:
        for m in P_CONTEXT.finditer(text):
            yield Atom(m.start(), m.end(), "period", PeriodSpec("ctx"))


def _span_atom(m: re.Match[str]) -> Atom:
    y1 = int(m.group("y1")) if "y1" in m.re.groupindex and m.group("y1") else None
    y2 = int(m.group("y2")) if m.group("y2") else None
    m1, m2 = month_number(m.group("m1")), month_number(m.group("m2"))
    year = y2 or y1
    if y1 is not None and y2 is not None and y1 != y2:
        # A range across years ("December 2024 to February 2025"): keep it as an absolute span.
        spec = PeriodSpec("span", m1, m2 + 12 * (y2 - y1), y1)
    else:
        spec = PeriodSpec("span", m1, m2, year)
    from_range = "from" in m.re.groupindex and m.group("from") is not None
    return Atom(m.start(), m.end(), "period", spec, "from" if from_range else None)


def _hedge(text: str, start: int) -> str | None:
    # Looking up the last words before the number is far cheaper than a backwards regex.
    words = text[max(0, start - 24) : start].lower().split()
    if not text[start - 1 : start].isspace() or not words:
        return None
    for size in (3, 2, 1):
        if len(words) >= size:
            hedge = HEDGE_WORDS.get(" ".join(words[-size:]))
            if hedge is not None:
                return hedge
    return None


def _unit_factor(unit: str) -> float:
    unit = unit.lower()
    if unit.startswith("kilo") or unit == "kg":
        return 0.001
    return 1000.0 if unit == "kt" else 1.0


def _quantity(text: str, m: re.Match[str], value: float, decimals: int, alt: float | None):
    factor = _unit_factor(m.group("unit"))
    scale = (m.groupdict().get("scale") or "").lower()
    factor *= {"thousand": 1e3, "tausend": 1e3, "million": 1e6, "millionen": 1e6}.get(scale, 1.0)
    # Stated to the kilogram is stated to 0.001 t: the precision moves with the unit.
    shift = round(-math.log10(factor))
    before = text[max(0, m.start() - 90) : m.start()]
    level = bool(LEVEL_AFTER_RE.match(text, m.end())) or (
        ("averag" in before or "urchschnitt" in before) and bool(LEVEL_BEFORE_RE.search(before))
    )
    return Quantity(
        tonnes=round(value * factor, 9),
        decimals=decimals + shift,
        factor=factor,
        qualifier=_hedge(text, m.start()),
        alternative_t=round(alt * factor, 9) if alt is not None else None,
        level=level,
    )


def _quantity_atoms(text: str, language: str) -> Iterator[Atom]:
    for m in QTY_RE.finditer(text):
        value, decimals, alt = parse_number(m.group("num"), language)
        yield Atom(m.start(), m.end(), "qty", _quantity(text, m, value, decimals, alt))
    lower = text.lower()
    for m in WORD_QTY_RE.finditer(text) if any(f"{w} " in lower for w in WORD_NUMBERS) else ():
        value = float(WORD_NUMBERS[m.group("word").lower()])
        yield Atom(m.start(), m.end(), "qty", _quantity(text, m, value, 0, None))
    if any(w in lower for w in ("zero", "null", "ed no ", "no export", "no shipment", "keine")):
        for m in ZERO_RE.finditer(text):
            name = next(g for g in ("zero", "no", "none", "kein") if m.group(g))
            # Nothing is nothing in any unit: exact to the last digit of whatever is compared.
            zero = Quantity(tonnes=0.0, decimals=3)
            yield Atom(m.start(name), m.end(name), "qty", zero)
    for m in BARE_NUMBER_RE.finditer(text):
        raw = m.group("num")
        if re.fullmatch(r"(?:19|20)\d\d|\d{6,}", raw):
            continue  # a year or a code (HS 25041010), never a figure without a unit
        value, decimals, _ = parse_number(raw, language)
        yield Atom(m.start(), m.end(), "bare", Quantity(value, decimals, bare=True))


def _change_atoms(text: str, language: str) -> Iterator[Atom]:
    for m in PCT_RE.finditer(text):
        if PCT_SHARE_AFTER_RE.match(text, m.end()) or PCT_RANGE_BEFORE_RE.search(
            text, max(0, m.start() - 30), m.start()
        ):
            continue
        value, _, _ = parse_number(m.group("num"), language)
        yield Atom(m.start(), m.end(), "pct", Change(value, _hedge(text, m.start())))
    lower = text.lower()
    if "prozent" in lower or "one per" in lower:
        for m in WORD_PCT_RE.finditer(text):
            qualifier = APPROX if m.group("hedge") else _hedge(text, m.start())
            yield Atom(m.start(), m.end(), "pct", Change(1.0, qualifier))
    if any(w in lower for w in _MULTIPLE_HINTS):
        for m in MULTIPLE_RE.finditer(text):
            yield _multiple_atom(m)


def _multiple_atom(m: re.Match[str]) -> Atom:
    """A multiple as a change in percent. Multiples are rounded wording, so they are always
    hedged: "doubled" agrees with +93% as well as with +108%."""
    hedge = (m.group("hedge") or "").strip().lower()
    qualifier = MORE_THAN if hedge in ("more than", "over", "mehr als") else APPROX
    word = (m.group("word") or m.group("de") or "").lower()
    direction: str | None = "up"
    basis = None
    if m.group("half"):
        pct, direction = 50.0, None  # "by half": the verb says which way
    elif word.startswith("halv") or word == "halb":
        pct, direction = 50.0, "down"
    elif word:
        pct = _MULTIPLE_WORDS[word]
    else:
        factor = float(m.group("n").replace(",", "."))
        pct = round(abs(factor - 1) * 100, 6)
        direction = "up" if factor >= 1 else "down"
        basis = "mom" if m.group("mref") else "yoy" if m.group("yref") else None
    start = m.start("hedge") if m.group("hedge") else m.start()
    change = Change(pct, qualifier, is_multiple=True, basis=basis)
    return Atom(start, m.end(), "mult", change, direction)


def figure_atoms(text: str, language: str = "en") -> Iterator[Atom]:
    yield from _quantity_atoms(text, language)
    yield from _change_atoms(text, language)
    for m in BASIS_RE.finditer(text):
        basis = "yoy" if m.group("yoy") else "mom" if m.group("mom") else "same"
        yield Atom(m.start(), m.end(), "basis", basis)
    for m in PRODUCT_RE.finditer(text):
        series, products_wording = series_of(m, text)
        yield Atom(m.start(), m.end(), "product", series, products_wording)
    for m in OTHER_GOODS_RE.finditer(text):
        name = "after" if m.group("after") else "before"
        yield Atom(m.start(name), m.end(name), "product", None)
    for m in GLOBAL_RE.finditer(text):
        yield Atom(m.start(), m.end(), "global", WORLD)
    yield from _partner_atoms(text)


def _partner_atoms(text: str) -> Iterator[Atom]:
    for rx in (TO_PARTNER_RE, BOUND_PARTNER_RE) if "-bound" in text else (TO_PARTNER_RE,):
        for m in rx.finditer(text):
            found = lookup_country_span(m.group("name"))
            if found is None:
                continue
            end = m.end() if rx is BOUND_PARTNER_RE else m.start("name") + found[1]
            atom = Atom(m.start(), end, "partner", found[0], "to")
            yield atom
            yield from _coordinated_after(text, atom, atom.end)
    for m in CAPITALISED_RUN_RE.finditer(text):
        tail = SUBJECT_TAIL_RE.match(text, m.end())
        if tail is None:
            continue
        found = lookup_subject(text, tail.end(), m.group("name"))
        if found is None:
            continue
        # The atom starts at the country itself: the capitalised run can reach back over a
        # sentence end ("... on May. India received").
        atom = Atom(m.start() + found[1], m.end(), "partner", found[0], tail.lastgroup)
        yield from _coordinated_before(text, atom)
        yield atom


def _coordinated_before(text: str, atom: Atom) -> Iterator[Atom]:
    if atom.extra in ("to", "listed"):
        return
    m = COORDINATED_BEFORE_RE.search(text, max(0, atom.start - 40), atom.start)
    found = lookup_country_at_end(m.group("name")) if m else None
    if m is not None and found is not None:
        yield Atom(m.start("name") + found[1], m.end(), "partner", found[0], "coordinated")


def _coordinated_after(text: str, atom: Atom, name_end: int) -> Iterator[Atom]:
    position = name_end
    while (m := COORDINATED_AFTER_RE.match(text, position)) is not None:
        found = lookup_country_span(m.group("name"))
        if found is None:
            return
        position = m.start("name") + found[1]
        yield Atom(m.start(), position, "partner", found[0], "coordinated")


def non_overlapping(atoms: Iterable[Atom]) -> list[Atom]:
    """Keep the longest atom where matches overlap ("rare earth magnets" over "rare earth")."""
    ordered = sorted(atoms, key=lambda a: (a.start, -(a.end - a.start)))
    kept: list[Atom] = []
    last_end = -1
    for atom in ordered:
        if atom.start >= last_end:
            kept.append(atom)
            last_end = atom.end
    return kept
