"""Unit tests for the news extractor, on short sentences written for these tests (part two:
dates and publication dates, feed pages, policy mentions, spans, destinations and the
periods that changes refer to; part one is test_extract.py).

None of these sentences comes from a real article; the figures echo published series only so
that the expected values are easy to recognise.
"""

from __future__ import annotations

import datetime as dt

import pytest

from orchestration.news.extract import (
    PRODUCT_BLOOMBERG,
    PRODUCT_MAGNETS,
    PRODUCT_RARE_EARTHS,
    extract_claims,
    extract_policy_mentions,
    publication_date_from,
)
from tests.unit.news.claim_rows import as_row, only


def test_without_a_publication_date_a_month_takes_the_last_year_named():
    text = "In 2024, China tightened export rules. Magnet exports rose 5% to 4,000 tons in May."
    claim = only(extract_claims(text, None))
    assert (claim.period_start, claim.period_end) == ("2024-05", "2024-05")


def test_without_any_year_a_claim_that_cannot_be_dated_is_dropped():
    assert extract_claims("Rare earth exports rose 5% to 4,000 tons in May.", None) == []


# --- publication date ---------------------------------------------------------------------------


def test_an_iso_date_near_the_top_of_the_text_wins_over_the_file_name():
    text = "Some headline\n\n2025-06-11 Markets desk\n\nBody text."
    assert publication_date_from(text, "2025-01-01_other.txt") == dt.date(2025, 6, 11)


def test_a_written_out_date_near_the_top_is_read():
    text = "Some headline\nPublished June 11, 2025 by a desk\nBody."
    assert publication_date_from(text, None) == dt.date(2025, 6, 11)


def test_the_file_name_prefix_is_used_when_the_text_has_no_date():
    assert publication_date_from("No date here.", "/tmp/news/2025-07-21_x.txt") == dt.date(
        2025, 7, 21
    )


def test_no_date_anywhere_gives_none():
    assert publication_date_from("No date here.", "notes.txt") is None


# --- policy mentions ----------------------------------------------------------------------------


def test_on_saturday_resolves_to_the_most_recent_saturday_before_publication():
    text = (
        "China's Ministry of Commerce said on Saturday it would suspend the ban on gallium "
        "exports to the United States."
    )
    (mention,) = extract_policy_mentions(text, dt.date(2025, 11, 10))  # a Monday
    assert (mention.date, mention.actor, mention.action) == (
        dt.date(2025, 11, 8),
        "MOFCOM",
        "suspend",
    )
    assert text[mention.start_char : mention.end_char] == mention.sentence


def test_a_month_and_day_resolve_to_that_day_of_the_publication_year():
    text = (
        "The Ministry of Commerce said on June 7 that it would open a green channel for rare "
        "earth export licence applications from European firms."
    )
    (mention,) = extract_policy_mentions(text, dt.date(2025, 6, 11))
    assert (mention.date, mention.action) == (dt.date(2025, 6, 7), "green channel")
    assert "rare_earths" in mention.product_groups


@pytest.mark.parametrize(
    "when",
    ["at the beginning of April", "in April"],
)
def test_a_month_without_a_day_resolves_to_its_first_day(when: str):
    text = f"China imposed export controls on seven medium and heavy rare earths {when}."
    (mention,) = extract_policy_mentions(text, dt.date(2025, 6, 11))
    assert (mention.date, mention.actor, mention.action) == (
        dt.date(2025, 4, 1),
        "China",
        "export controls",
    )


def test_a_start_date_can_lie_after_publication():
    text = "MOFCOM said tighter controls on silver exports apply from January 1."
    (mention,) = extract_policy_mentions(text, dt.date(2025, 12, 20))
    assert mention.date == dt.date(2026, 1, 1)


# A saved page often ends with the site's feed: items of a headline and a paragraph, each
# followed by its own date line. Months without a year in an item count back from its date.
FEED_PAGE = (
    "Beijing imposed export controls on heavy rare earths in April, officials said.\n"
    "\n"
    "Latest\n"
    "Silver curbs to widen next year\n"
    "MOFCOM announced in October that silver exporters would need state licences.\n"
    "2025-12-30\n"
    "Gallium sales slump\n"
    "MOFCOM tightened gallium export licensing in June, traders said.\n"
    "2025-07-15\n"
)


def test_a_feed_item_resolves_its_months_against_its_own_date_line():
    mentions = extract_policy_mentions(FEED_PAGE, dt.date(2025, 7, 20))
    dates = {m.product_groups: (m.date, m.date_precision) for m in mentions}
    assert dates == {
        # the article's own paragraph keeps the article's date
        ("rare_earths",): (dt.date(2025, 4, 1), "month"),
        # against the article's date (July 2025) this October would be October 2024
        ("silver",): (dt.date(2025, 10, 1), "month"),
        ("gallium_germanium",): (dt.date(2025, 6, 1), "month"),
    }


def test_a_feed_items_figures_take_their_year_from_its_date_line():
    text = "Market wrap\nRare earth exports reached 6,100 tonnes in October.\n2025-12-30\n"
    claim = only(extract_claims(text, dt.date(2025, 7, 20)))
    assert (claim.period_start, claim.period_end) == ("2025-10", "2025-10")


def test_an_action_by_someone_else_is_not_a_chinese_policy_mention():
    text = "A House panel urged the administration to restrict landing rights of Chinese airlines."
    assert extract_policy_mentions(text, dt.date(2025, 9, 19)) == []


# Which event a mention refers to is decided in SQL (mart_news_policy_mentions, whose dbt unit
# test holds the matching cases); the extractor supplies the date, its precision and the
# product groups the matching uses.


def test_a_mention_is_dated_to_the_day_it_names_with_its_product_group():
    text = "MOFCOM said on June 9 it would tighten licensing of rare earth exports."
    (mention,) = extract_policy_mentions(text, dt.date(2025, 6, 11))
    assert (mention.date, mention.date_precision) == (dt.date(2025, 6, 9), "day")
    assert mention.product_groups == ("rare_earths",)


def test_an_enforcement_date_is_dated_to_its_day():
    text = "China began enforcing export controls on magnets on April 6."
    (mention,) = extract_policy_mentions(text, dt.date(2025, 6, 11))
    assert (mention.date, mention.date_precision) == (dt.date(2025, 4, 6), "day")
    assert mention.product_groups == ("rare_earth_magnets",)


# --- cumulative ranges, receiving destinations, "on" comparisons, relative clauses -------------


@pytest.mark.parametrize(
    "text",
    [
        "From January to April, outbound shipments of rare earths totalled 18,400 tonnes.",
        "Between January and April, outbound shipments of rare earths totalled 18,400 tonnes.",
        "Outbound shipments of rare earths totalled 18,400 tonnes in the January-April period.",
        "From January through April, rare-earth export volumes added up to 18,400 tonnes.",
    ],
)
def test_a_range_of_months_introduced_by_from_or_between_is_a_cumulative_span(text: str):
    claim = only(extract_claims(text, dt.date(2025, 5, 12)))
    assert as_row(claim) == (
        PRODUCT_RARE_EARTHS,
        "WLD",
        "2025-01",
        "2025-04",
        18400.0,
        None,
        None,
    )


def test_the_year_of_a_comparison_figure_does_not_date_the_cumulative_figure():
    text = (
        "From January to April, rare earth shipments came to 18,400 tonnes, against "
        "17,950 tonnes in the first four months of 2024."
    )
    rows = {as_row(c) for c in extract_claims(text, dt.date(2025, 5, 12))}
    assert rows == {
        (PRODUCT_RARE_EARTHS, "WLD", "2025-01", "2025-04", 18400.0, None, None),
        (PRODUCT_RARE_EARTHS, "WLD", "2024-01", "2024-04", 17950.0, None, None),
    }


def test_a_change_from_one_month_to_the_next_is_month_on_month_not_a_span():
    text = "Magnet exports climbed 12% from March to April, reaching 4,800 tonnes."
    claim = only(extract_claims(text, dt.date(2025, 5, 20)))
    assert as_row(claim) == (PRODUCT_MAGNETS, "WLD", "2025-04", "2025-04", 4800.0, 12.0, "mom")


def test_a_destination_that_receives_a_quantity_is_a_destination_claim():
    text = (
        "Beijing's magnet exports picked up in March as licences came through. "
        "Japan took 410 tonnes of magnets in March. "
        "Meanwhile South Korea received 95.5 tonnes."
    )
    rows = {as_row(c) for c in extract_claims(text, dt.date(2025, 4, 20))}
    assert rows == {
        (PRODUCT_MAGNETS, "JPN", "2025-03", "2025-03", 410.0, None, None),
        (PRODUCT_MAGNETS, "KOR", "2025-03", "2025-03", 95.5, None, None),
    }


@pytest.mark.parametrize(
    "text",
    [
        # Trade between two other countries is not a Chinese export figure.
        "Japan imported 410 tonnes of magnets from Vietnam in March.",
        # A receiving verb without a figure as its object names no destination.
        "The United States took note after magnet exports fell 20% to 3,000 tonnes in March.",
    ],
)
def test_a_receiving_verb_without_a_chinese_export_figure_names_no_destination(text: str):
    claims = extract_claims(text, dt.date(2025, 4, 20))
    assert all(c.partner_iso3 not in {"JPN", "USA"} for c in claims), [as_row(c) for c in claims]


@pytest.mark.parametrize(
    ("comparison", "basis"),
    [
        ("on March", "mom"),
        ("on the previous month", "mom"),
        ("on April 2024", "yoy"),
        ("on a year earlier", "yoy"),
        ("on February", "vs:2025-02..2025-02"),
    ],
)
def test_a_change_on_a_period_takes_its_basis_from_that_period(comparison: str, basis: str):
    text = f"Magnet exports to Germany reached 1,020 tonnes in April, a 35% gain {comparison}."
    claim = only(extract_claims(text, dt.date(2025, 5, 20)))
    assert as_row(claim) == (PRODUCT_MAGNETS, "DEU", "2025-04", "2025-04", 1020.0, 35.0, basis)


def test_a_quantity_tied_to_a_product_by_a_relative_clause_is_a_claim():
    text = (
        "A trade-data firm counted 6,900 tonnes of rare-earth products shipped in March, "
        "Bloomberg said. That count is wider than the customs total for the 17 rare earths, "
        "which stood at 4,100 tonnes in March, and Bloomberg's analysts say the two differ."
    )
    rows = {as_row(c) for c in extract_claims(text, dt.date(2025, 4, 14))}
    assert rows == {
        (PRODUCT_BLOOMBERG, "WLD", "2025-03", "2025-03", 6900.0, None, None),
        (PRODUCT_RARE_EARTHS, "WLD", "2025-03", "2025-03", 4100.0, None, None),
    }


def test_a_relative_clause_on_a_non_trade_figure_is_not_a_claim():
    text = "The mining quota for rare earths, which totalled 270,000 tonnes in 2024, was raised."
    assert extract_claims(text, dt.date(2025, 4, 14)) == []


def test_two_versions_of_one_monthly_total_are_two_claims():
    text = (
        "China exported 4,100.2 tonnes of rare earths in March, a rise of 7% from February. "
        "A second outlet put March rare-earth exports at 4,102.8 tonnes instead."
    )
    rows = {as_row(c) for c in extract_claims(text, dt.date(2025, 4, 14))}
    assert rows == {
        (PRODUCT_RARE_EARTHS, "WLD", "2025-03", "2025-03", 4100.2, 7.0, "mom"),
        (PRODUCT_RARE_EARTHS, "WLD", "2025-03", "2025-03", 4102.8, None, None),
    }


# --- what real pages put around figures -------------------------------------------------------


def test_a_superlatives_range_is_not_the_figures_period():
    text = (
        "Magnet exports climbed to 6,146 tonnes in August, the highest this year, up 10% from July."
    )
    claim = only(extract_claims(text, dt.date(2025, 9, 20)))
    assert as_row(claim) == (PRODUCT_MAGNETS, "WLD", "2025-08", "2025-08", 6146.0, 10.0, "mom")


def test_a_speakers_own_shipments_are_not_chinas_exports():
    text = (
        "China exported 5,792 tonnes of rare earths in August. "
        '"We shipped 300 tonnes last week alone," a trader said.'
    )
    assert {c.quantity_t for c in extract_claims(text, dt.date(2025, 9, 20))} == {5792.0}


def test_another_goods_exports_are_not_given_to_the_product_before():
    text = (
        "China exported 5,792 tonnes of rare earths in August. "
        "Lithium exports jumped 30% in August."
    )
    assert {c.quantity_t for c in extract_claims(text, dt.date(2025, 9, 20))} == {5792.0}


def test_signed_percentages_in_a_fact_box_are_changes():
    text = "Key points:\n- August magnet exports 6,350 tons, +12.4% m/m, -2% y/y\n"
    rows = {as_row(c) for c in extract_claims(text, dt.date(2025, 9, 20))}
    assert rows == {
        (PRODUCT_MAGNETS, "WLD", "2025-08", "2025-08", 6350.0, 12.4, "mom"),
        (PRODUCT_MAGNETS, "WLD", "2025-08", "2025-08", None, -2.0, "yoy"),
    }


def test_a_change_of_the_export_value_is_no_volume_claim():
    text = "The value of magnet exports rose 15% to $310 million in August."
    assert extract_claims(text, dt.date(2025, 9, 20)) == []


def test_a_destination_named_as_the_largest_buyer_with_its_figure_is_a_claim():
    text = (
        "China exported 6,350 tons of magnets in October. "
        "Vietnam was the second-largest destination at 950 tons."
    )
    rows = {as_row(c) for c in extract_claims(text, dt.date(2025, 11, 20))}
    assert (PRODUCT_MAGNETS, "VNM", "2025-10", "2025-10", 950.0, None, None) in rows


def test_a_sentence_with_its_own_period_and_no_destination_is_about_the_world():
    text = (
        "Japan took 950 tons of magnets in October. "
        "In January-October, exports totalled 55,200 tons, 2% less than a year before."
    )
    rows = {as_row(c) for c in extract_claims(text, dt.date(2025, 11, 20))}
    assert (PRODUCT_MAGNETS, "WLD", "2025-01", "2025-10", 55200.0, -2.0, "yoy") in rows


def test_a_product_named_in_an_aside_does_not_replace_the_subject():
    text = (
        "Exports of rare-earth products - a broader category including magnets - fell to "
        "2,117 tons in May, Bloomberg calculations showed."
    )
    claim = only(extract_claims(text, dt.date(2025, 6, 20)))
    assert (claim.product_code, claim.quantity_t) == (PRODUCT_BLOOMBERG, 2117.0)


def test_a_full_year_total_quoted_as_background_does_not_date_the_months():
    text = (
        "Exports of rare earths in January-February rose 8% to 9,800 tonnes. "
        "Full-year exports for 2025 reached 62,585 tonnes."
    )
    rows = {as_row(c) for c in extract_claims(text, dt.date(2026, 3, 9))}
    assert (PRODUCT_RARE_EARTHS, "WLD", "2026-01", "2026-02", 9800.0, 8.0, "yoy") in rows
