"""Quality of the claim extractor on real articles, scored against hand-written expectations.

The expectations in tests/fixtures/news/expected_claims were written from a reading of each
article, before the extractor was tuned, and list every export figure an analyst would record.
A claim counts as found only when product, partner, period, quantity and change all agree, so
recall and precision here are strict.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from orchestration.news.extract import FigureClaim, extract_claims, publication_date_from

CORPUS_DIR = Path(__file__).resolve().parents[3].parent / "shared" / "corpus" / "news"
EXPECTED_DIR = Path(__file__).resolve().parents[2] / "fixtures" / "news" / "expected_claims"
TOLERANCE = 0.05
MIN_RECALL = 0.9
MIN_PRECISION = 0.95


@dataclass
class Score:
    article: str
    expected: int
    extracted: int
    matched: int
    missed: list[dict]
    spurious: list[FigureClaim]

    @property
    def recall(self) -> float:
        return self.matched / self.expected if self.expected else 1.0

    @property
    def precision(self) -> float:
        return self.matched / self.extracted if self.extracted else 1.0


def _close(expected: float | None, actual: float | None) -> bool:
    if expected is None or actual is None:
        return expected is None and actual is None
    return abs(expected - actual) <= TOLERANCE


def _matches(expected: dict, claim: FigureClaim) -> bool:
    return (
        expected["product_code"] == claim.product_code
        and expected["partner_iso3"] == claim.partner_iso3
        and expected["period_start"] == claim.period_start
        and expected["period_end"] == claim.period_end
        and _close(expected["quantity_t"], claim.quantity_t)
        and _close(expected["change_pct"], claim.change_pct)
    )


def score(article: str, expected: list[dict], extracted: list[FigureClaim]) -> Score:
    """One-to-one matching: each extracted claim can satisfy one expected claim at most."""
    unused = list(extracted)
    missed: list[dict] = []
    for item in expected:
        hit = next((claim for claim in unused if _matches(item, claim)), None)
        if hit is None:
            missed.append(item)
        else:
            unused.remove(hit)
    matched = len(expected) - len(missed)
    return Score(article, len(expected), len(extracted), matched, missed, unused)


def _corpus_dir() -> Path:
    if not CORPUS_DIR.is_dir():
        pytest.skip(f"news corpus not found at {CORPUS_DIR}; it lives outside the repository")
    return CORPUS_DIR


def _articles() -> list[Path]:
    articles = sorted(_corpus_dir().glob("*.txt"))
    if not articles:
        pytest.skip(f"news corpus at {CORPUS_DIR} holds no .txt articles")
    return articles


def _expected_for(article: Path) -> dict:
    path = EXPECTED_DIR / f"{article.stem}.json"
    assert path.is_file(), f"no hand-written expectations for {article.name} at {path}"
    return json.loads(path.read_text(encoding="utf-8"))


def _run(article: Path, text: str | None = None) -> tuple[list[dict], list[FigureClaim]]:
    text = article.read_text(encoding="utf-8") if text is None else text
    published = publication_date_from(text, article.name)
    return _expected_for(article)["claims"], extract_claims(text, published)


def _table(scores: list[Score]) -> str:
    lines = [f"{'article':<64} {'exp':>4} {'got':>4} {'hit':>4} {'recall':>7} {'precision':>9}"]
    for s in scores:
        lines.append(
            f"{s.article:<64} {s.expected:>4} {s.extracted:>4} {s.matched:>4} "
            f"{s.recall:>7.2f} {s.precision:>9.2f}"
        )
    total = _overall(scores)
    lines.append(
        f"{'OVERALL':<64} {total.expected:>4} {total.extracted:>4} {total.matched:>4} "
        f"{total.recall:>7.2f} {total.precision:>9.2f}"
    )
    for s in scores:
        for item in s.missed:
            lines.append(f"  missed in {s.article}: {item}")
        for claim in s.spurious:
            lines.append(f"  spurious in {s.article}: {claim}")
    return "\n".join(lines)


def _overall(scores: list[Score]) -> Score:
    return Score(
        "OVERALL",
        sum(s.expected for s in scores),
        sum(s.extracted for s in scores),
        sum(s.matched for s in scores),
        [],
        [],
    )


def test_expectation_locators_point_at_the_article_text():
    for article in _articles():
        text = article.read_text(encoding="utf-8")
        for item in _expected_for(article)["claims"]:
            start = item["locator_start"]
            assert text[start : start + len(item["locator"])] == item["locator"], item
            assert len(item["locator"].split()) <= 8, "locators stay short, not sentences"


def test_extractor_recall_and_precision_on_the_corpus_meet_the_bar():
    scores = []
    for article in _articles():
        expected, extracted = _run(article)
        scores.append(score(article.stem, expected, extracted))
    table = _table(scores)
    print("\n" + table)
    overall = _overall(scores)
    assert overall.recall >= MIN_RECALL, table
    assert overall.precision >= MIN_PRECISION, table


@pytest.mark.parametrize(
    ("original", "altered"),
    [
        ("5,864.6 tons", "5,964.6 tons"),  # a wrong quantity must not pass for the right one
        ("rose 23% month", "fell 23% month"),  # nor a change with the wrong sign
        ("Yet in May 2025", "Yet in March 2025"),  # nor the right figures in the wrong month
    ],
)
def test_an_altered_claim_sentence_is_reported_as_a_miss(original: str, altered: str):
    article = next(
        (a for a in _articles() if a.name.startswith("2025-06-11_trendforce")),
        None,
    )
    if article is None:
        pytest.skip("the 2025-06-11 TrendForce article is not in the corpus")
    text = article.read_text(encoding="utf-8")
    assert text.count(original) == 1
    expected, extracted = _run(article, text.replace(original, altered))
    result = score(article.stem, expected, extracted)
    missed_quantities = [item["quantity_t"] for item in result.missed]
    assert missed_quantities == [5864.6], _table([result])
    assert result.recall < 1.0
    assert result.precision < 1.0, "the altered claim is still extracted, just wrong"
