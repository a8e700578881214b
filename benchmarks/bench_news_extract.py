"""Benchmark: extract_claims over 1,000 generated articles of about 3 KB each.

The budget is 10 seconds on one core, which keeps a full news backfill inside a normal
materialization. All article text here is GENERATED from templates written for this script;
none of it is real news. Run from the repository root:

    .venv/bin/python -m benchmarks.bench_news_extract

Exits with status 1 when the run takes longer than the budget.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import time

from orchestration.news.extract import extract_claims

ARTICLES = 1_000
TARGET_BYTES = 3_000
BUDGET_SECONDS = 10.0

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
]
PARTNERS = ["the United States", "Germany", "Japan", "South Korea", "India", "Vietnam", "the EU"]
PRODUCTS = ["rare earth", "rare-earth magnet", "gallium", "antimony", "graphite", "tungsten"]

# Generated sentence templates (not taken from any article).
FIGURE_TEMPLATES = [
    "China's {product} exports {up} {pct}% month-on-month to {qty} tons in {month}, customs "
    "figures showed.",
    "Shipments of {product} to {partner} {down} {pct}% in {month} from {prev} to {qty} tonnes.",
    "Over the first {n} months of 2025, {product} exports reached {qty} tons, up from {qty2} tons "
    "in the same period of 2024.",
    "Exports were {down2} {pct}% year-on-year compared to {month} 2024.",
    "Globally, the country exported {qty} metric tons of {product} in {month}, a {pct}% increase "
    "from {qty2} tons in {prev}.",
]
FILLER_TEMPLATES = [
    "Analysts said buyers in {partner} were watching licence approvals closely.",
    "The commerce ministry said on {weekday} that applications would be reviewed case by case.",
    "Industry groups warned that about {pct}% of global processing capacity sits in one country.",
    "Traders described the market as tight, with prices for oxides holding near recent highs.",
    "Officials did not say when the more detailed breakdown by destination would be released.",
    "Several automakers have said their inventories would last only a few more weeks.",
]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]


def _sentence(rng: random.Random, template: str) -> str:
    month_index = rng.randrange(1, len(MONTHS))
    return template.format(
        product=rng.choice(PRODUCTS),
        partner=rng.choice(PARTNERS),
        up=rng.choice(["rose", "jumped", "climbed", "surged"]),
        down=rng.choice(["fell", "dropped", "rose", "slumped"]),
        down2=rng.choice(["down", "up"]),
        pct=f"{rng.uniform(0.5, 90):.1f}",
        qty=f"{rng.uniform(100, 9000):,.1f}",
        qty2=f"{rng.uniform(100, 9000):,.1f}",
        month=MONTHS[month_index],
        prev=MONTHS[month_index - 1],
        n=rng.choice(["two", "three", "five", "six", "nine"]),
        weekday=rng.choice(WEEKDAYS),
    )


def generated_article(rng: random.Random) -> str:
    """A GENERATED article: a headline, a dateline, then mixed figure and filler paragraphs."""
    parts = ["Generated Headline About Export Figures\n\n2025-12-12 Generated desk\n\n"]
    size = sum(len(p) for p in parts)
    while size < TARGET_BYTES:
        paragraph = " ".join(
            _sentence(rng, rng.choice(FIGURE_TEMPLATES if rng.random() < 0.5 else FILLER_TEMPLATES))
            for _ in range(rng.randint(2, 4))
        )
        parts.append(paragraph + "\n\n")
        size += len(parts[-1])
    return "".join(parts)


def main() -> int:
    rng = random.Random(20250611)
    articles = [generated_article(rng) for _ in range(ARTICLES)]
    published = dt.date(2025, 12, 12)
    total_bytes = sum(len(a.encode("utf-8")) for a in articles)
    start = time.perf_counter()
    claims = 0
    for article in articles:
        claims += len(extract_claims(article, published))
    seconds = time.perf_counter() - start
    print(
        f"{ARTICLES} generated articles, {total_bytes / ARTICLES / 1000:.1f} KB on average, "
        f"{claims} claims"
    )
    print(f"total {seconds:.2f} s, {ARTICLES / seconds:.0f} articles/s (budget {BUDGET_SECONDS} s)")
    return 0 if seconds <= BUDGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
