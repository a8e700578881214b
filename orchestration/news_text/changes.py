"""Signs of changes: a percentage or multiple is a change only next to a direction word.

"40% of global reserves" is a share and "the export value narrowed by 28.3%" is a change of
value, not volume: neither is a claim about exported quantities.
"""

from __future__ import annotations

from dataclasses import replace

from orchestration.news_text.model import Atom, Change, Sentence
from orchestration.news_text.vocabulary import (
    AND_RE,
    BY_PCT_BEFORE_RE,
    CLAUSE_RE,
    DIRECTION_AFTER_RE,
    DIRECTION_RE,
    VALUE_RE,
    WORD_RE,
)

# German puts the verb far from its figure ("brach der Export ... um 80 Prozent ein").
_MAX_WORDS_TO_DIRECTION = {"en": 5, "de": 10}
_SIGNS = {"+": "up", "-": "down", "−": "down", "–": "down"}


def _direction_before(
    text: str, lo: int, hi: int, language: str, any_distance: bool = False
) -> str | None:
    """The last direction word before a percentage, if it is close enough to govern it."""
    found = None
    for m in DIRECTION_RE.finditer(text, lo, hi):
        found = m
    if found is None:
        return None
    between = text[found.end() : hi]
    limit = _MAX_WORDS_TO_DIRECTION.get(language, 5)
    if not any_distance and len(WORD_RE.findall(between)) > limit:
        return None
    return "up" if found.group("up") else "down"


def classify_changes(
    text: str,
    sentence: Sentence,
    atoms: list[Atom],
    language: str = "en",
    default_direction: str | None = None,
) -> list[Atom]:
    """Turn percentages and multiples into signed changes; drop shares, values and stray
    numbers. `default_direction` comes from the sentence before ("Compared with February,
    exports rose. Germanium gained 16%, gallium just under 1%.")."""
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
        prev_end = atom.end
        if VALUE_RE.search(text, _clause_start(text, sentence, atom.start), atom.start):
            continue  # a change of value or price, not of the exported quantity
        direction = _direction(text, sentence, atom, lo, language)
        if (
            direction is None
            and prev_change is not None
            and AND_RE.search(text, prev_change.end, atom.start)
            and not any(a.kind == "qty" and prev_change.end <= a.start < atom.start for a in atoms)
        ):
            previous = prev_change.value
            assert isinstance(previous, Change)
            direction = "up" if previous.pct >= 0 else "down"
        direction = direction or default_direction
        if direction is None:
            continue
        change = atom.value
        assert isinstance(change, Change)
        signed = replace(change, pct=change.pct if direction == "up" else -change.pct)
        prev_change = Atom(atom.start, atom.end, "change", signed)
        out.append(prev_change)
    return out


def _clause_start(text: str, sentence: Sentence, position: int) -> int:
    start = sentence.start
    for m in CLAUSE_RE.finditer(text, sentence.start, position):
        start = m.end()
    return start


def _direction(text: str, sentence: Sentence, atom: Atom, lo: int, language: str) -> str | None:
    if atom.kind == "mult" and atom.extra is not None:
        return str(atom.extra)
    sign = text[atom.start - 1 : atom.start]
    if atom.kind == "pct" and sign in _SIGNS and text[atom.start - 2 : atom.start - 1] in " (":
        return _SIGNS[sign]  # "+12.4% m/m", "-2% y/y" in a fact box
    if atom.kind == "pct":
        after = DIRECTION_AFTER_RE.match(text, atom.end, sentence.end)
        if after is not None:
            return "up" if after.group("up") else "down"
    found = _direction_before(text, lo, atom.start, language)
    if found is None and BY_PCT_BEFORE_RE.search(text, max(lo, atom.start - 6), atom.start):
        start = _clause_start(text, sentence, atom.start)
        found = _direction_before(text, start, atom.start, language, any_distance=True)
    return found
