"""Atoms: the periods, figures, changes, products and destinations a text names, located by
character offsets, before any of them is tied to a claim."""

from __future__ import annotations

import re
from collections.abc import Iterable

from orchestration.news_text.gazetteer import lookup_country, lookup_subject
from orchestration.news_text.model import (
    PRODUCT_MAGNETS,
    PRODUCT_RARE_EARTHS,
    WORLD,
    Atom,
    PeriodSpec,
    Sentence,
)
from orchestration.news_text.vocabulary import (
    AND_RE,
    APPROX_RE,
    BASIS_RE,
    DIRECTION_AFTER_RE,
    DIRECTION_RE,
    GLOBAL_RE,
    MULTIPLE_RE,
    ORDINALS,
    OTHER_PRODUCTS,
    P_BETWEEN,
    P_CONTEXT,
    P_DAY_MONTH,
    P_FIRST_N,
    P_H_SHORT,
    P_HALF,
    P_MONTH,
    P_MONTH_DAY,
    P_PUB_MONTH,
    P_Q_SHORT,
    P_QUARTER,
    P_QUARTERS,
    P_RANGE,
    P_SAME,
    P_YEAR,
    P_YEAR_REL,
    PARTNER_RE,
    PCT_RANGE_BEFORE_RE,
    PCT_RE,
    PCT_SHARE_AFTER_RE,
    PRODUCT_RE,
    QTY_RE,
    WORD_NUMBERS,
    WORD_RE,
    YEAR_PREPOSITION_RE,
    month_number,
    parse_number,
    rel_year,
)


def period_atoms(text: str) -> Iterable[Atom]:
    # Cheap substring tests gate the rarer patterns: most articles never say "quarter".
    lower = text.lower()
    if "between" in lower:
        for m in P_BETWEEN.finditer(text):
            yield _span_atom(m)
    for m in P_RANGE.finditer(text):
        yield _span_atom(m)
    gated = [
        rx
        for rx, word in (
            (P_FIRST_N, "first"),
            (P_HALF, "half"),
            (P_QUARTER, "quarter"),
            (P_QUARTERS, "quarters"),
        )
        if word in lower
    ]
    for rx in gated:
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
    for m in P_SAME.finditer(text) if "same" in lower else ():
        if m.group("y"):
            spec = PeriodSpec("same", year=int(m.group("y")))
        elif m.group("yr"):
            spec = PeriodSpec("same")
        else:
            spec = PeriodSpec("same_bare")
        yield Atom(m.start(), m.end(), "period", spec)
    for m in P_MONTH_DAY.finditer(text):
        day = int(m.group("d"))
        if 1 <= day <= 31:
            month = month_number(m.group("m"))
            year = int(m.group("y")) if m.group("y") else None
            spec = PeriodSpec("date", month, month, year, day=day)
            yield Atom(m.start(), m.end(), "period", spec)
    for m in P_DAY_MONTH.finditer(text):
        day = int(m.group("d"))
        if 1 <= day <= 31:
            month = month_number(m.group("m"))
            spec = PeriodSpec("date", month, month, int(m.group("y")), day=day)
            yield Atom(m.start(), m.end(), "period", spec)
    for m in P_MONTH.finditer(text):
        month = month_number(m.group("m"))
        year = int(m.group("y")) if m.group("y") else None
        prefix = m.group("pre").strip().lower() if m.group("pre") else None
        spec = PeriodSpec("span", month, month, year, rel_year(m.group("rel")), prefix=prefix)
        yield Atom(m.start(), m.end(), "period", spec)
    for m in P_YEAR.finditer(text):
        if YEAR_PREPOSITION_RE.search(text, max(0, m.start() - 12), m.start()):
            spec = PeriodSpec("span", 1, 12, int(m.group("y")))
            yield Atom(m.start(), m.end(), "period", spec)
    if "year" in lower:
        for m in P_YEAR_REL.finditer(text):
            spec = PeriodSpec("span", 1, 12, None, rel_year(m.group("rel")))
            yield Atom(m.start(), m.end(), "period", spec)
    if "month" in lower:
        for m in P_PUB_MONTH.finditer(text):
            offset = 0 if m.group("rel").lower() == "this" else -1
            yield Atom(m.start(), m.end(), "period", PeriodSpec("pubrel", offset=offset))
    if "month" in lower or "period" in lower:
        for m in P_CONTEXT.finditer(text):
            yield Atom(m.start(), m.end(), "period", PeriodSpec("ctx"))


def _span_atom(m: re.Match[str]) -> Atom:
    y1 = int(m.group("y1")) if m.group("y1") else None
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


def figure_atoms(text: str) -> Iterable[Atom]:
    for m in QTY_RE.finditer(text):
        value = parse_number(m.group("num"))
        unit = m.group("unit").lower()
        if unit.startswith("kilo") or unit == "kg":
            value /= 1000.0
        elif unit == "kt":
            value *= 1000.0
        scale = m.group("scale")
        if scale:
            value *= 1000.0 if scale.lower() == "thousand" else 1_000_000.0
        yield Atom(m.start(), m.end(), "qty", value)
    for m in PCT_RE.finditer(text):
        if PCT_SHARE_AFTER_RE.match(text, m.end()) or PCT_RANGE_BEFORE_RE.search(
            text, max(0, m.start() - 30), m.start()
        ):
            continue
        yield Atom(m.start(), m.end(), "pct", float(m.group("num")))
    lower = text.lower()
    multiples = ("half", "doubled", "tripled", "quadrupled", "halved")
    for m in MULTIPLE_RE.finditer(text) if any(w in lower for w in multiples) else ():
        if m.group("mult"):
            factor = {"doubled": 100.0, "tripled": 200.0, "quadrupled": 300.0}
            yield Atom(m.start(), m.end(), "mult", factor[m.group("mult").lower()], "up")
        elif m.group("halved"):
            yield Atom(m.start(), m.end(), "mult", 50.0, "down")
        else:
            yield Atom(m.start(), m.end(), "mult", 50.0, None)
    for m in BASIS_RE.finditer(text):
        yield Atom(m.start(), m.end(), "basis", "yoy" if m.group("yoy") else "mom")
    for m in PRODUCT_RE.finditer(text):
        if m.group("magnet"):
            yield Atom(m.start(), m.end(), "product", PRODUCT_MAGNETS)
        elif m.group("re") or m.group("ree"):
            is_products = bool(m.group("reprod"))
            yield Atom(m.start(), m.end(), "product", PRODUCT_RARE_EARTHS, is_products)
        else:
            yield Atom(m.start(), m.end(), "product", OTHER_PRODUCTS[m.group("other").lower()])
    for m in GLOBAL_RE.finditer(text):
        yield Atom(m.start(), m.end(), "global", WORLD)
    for m in PARTNER_RE.finditer(text):
        subject = m.group("subj")
        if subject is not None:
            found = lookup_subject(text, m.end(), subject)
            if found is not None:
                # The atom starts at the country itself: the capitalised run before the verb
                # can reach back over a sentence end ("... on May. India received").
                start = m.start("subj") + found[1]
                yield Atom(start, m.end(), "partner", found[0], "subject")
            continue
        name = m.group("name") or m.group("bound")
        iso3 = lookup_country(name)
        if iso3 is not None:
            yield Atom(m.start(), m.end(), "partner", iso3)


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


def _direction_before(text: str, lo: int, hi: int) -> str | None:
    """The last direction word before a percentage, if it is close enough to govern it."""
    found = None
    for m in DIRECTION_RE.finditer(text, lo, hi):
        found = m
    if found is None:
        return None
    between = text[found.end() : hi]
    if len(WORD_RE.findall(between)) > 5:
        return None
    return "up" if found.group("up") else "down"


def classify_changes(text: str, sentence: Sentence, atoms: list[Atom]) -> list[Atom]:
    """Turn percentages and multiples into signed changes; drop shares and stray numbers."""
    out: list[Atom] = []
    prev_end = sentence.start
    prev_change: Atom | None = None
    for atom in atoms:
        if atom.kind not in ("pct", "mult"):
            if atom.kind in ("qty", "partner", "product", "global"):
                prev_end = atom.end
            out.append(atom)
            continue
        lo = max(prev_end, atom.start - 80)
        direction = atom.extra if atom.kind == "mult" else None
        after = DIRECTION_AFTER_RE.match(text, atom.end, sentence.end)
        if direction is None and atom.kind == "pct" and after is not None:
            direction = "up" if after.group("up") else "down"
        if direction is None:
            direction = _direction_before(text, lo, atom.start)
        if (
            direction is None
            and prev_change is not None
            and AND_RE.search(text, prev_change.end, atom.start)
            and not any(a.kind == "qty" and prev_change.end <= a.start < atom.start for a in atoms)
        ):
            direction = "up" if (prev_change.value or 0) >= 0 else "down"
        prev_end = atom.end
        if direction is None:
            continue
        value = float(atom.value) if direction == "up" else -float(atom.value)
        approx = bool(APPROX_RE.search(text[max(sentence.start, atom.start - 20) : atom.start]))
        change = Atom(atom.start, atom.end, "change", value, (atom.kind == "mult", approx))
        out.append(change)
        prev_change = change
    return out
