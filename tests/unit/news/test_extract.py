"""Unit tests for the news extractor, on short sentences written for these tests.

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
)
from tests.unit.news.claim_rows import as_row, only

# --- figure claims ------------------------------------------------------------------------------


def test_a_monthly_total_and_its_month_on_month_change_make_one_claim():
    text = "China's rare-earth exports rose 23% month-on-month to 5,864.6 tons in May, data showed."
    claim = only(extract_claims(text, dt.date(2025, 6, 11)))
    assert as_row(claim) == (
        PRODUCT_RARE_EARTHS,
        "WLD",
        "2025-05",
        "2025-05",
        5864.6,
        23.0,
        "mom",
    )


def test_a_bare_exports_sentence_names_no_product_and_gives_no_claim():
    # Guessing the rare-earth total would turn a magnet or gallium figure into a false
    # mismatch; without a product named anywhere before it, the figure is dropped.
    text = "exports rose 23% month-on-month to 5,864.6 tons in May"
    assert extract_claims(text, dt.date(2025, 6, 11)) == []


def test_us_magnet_shipments_against_a_named_prior_month_get_a_month_on_month_basis():
    text = "Shipments of magnets to the United States jumped 660% in June from May to 353 tonnes."
    claim = only(extract_claims(text, dt.date(2025, 7, 20)))
    assert as_row(claim) == (PRODUCT_MAGNETS, "USA", "2025-06", "2025-06", 353.0, 660.0, "mom")


def test_a_bloomberg_figure_called_rare_earth_exports_names_the_customs_total():
    # The article names the customs series; the claim check, not the extractor, finds that
    # the figure belongs to Bloomberg's series.
    text = "China's rare-earth exports hit a record 7,338 tons in August, Bloomberg reported."
    claim = only(extract_claims(text, dt.date(2025, 9, 19)))
    assert as_row(claim) == (
        PRODUCT_RARE_EARTHS,
        "WLD",
        "2025-08",
        "2025-08",
        7338.0,
        None,
        None,
    )


def test_rare_earth_products_wording_attributed_to_bloomberg_marks_the_bloomberg_series():
    text = "Exports of rare-earth products slid to 2,117 tons in May, Bloomberg calculations show."
    claim = only(extract_claims(text, dt.date(2025, 6, 20)))
    assert claim.product_code == PRODUCT_BLOOMBERG
    assert claim.quantity_t == 2117.0


def test_a_magnet_figure_reported_by_bloomberg_stays_a_magnet_figure():
    text = "Magnet exports rose 10% to 6,146 tons in August, a record, Bloomberg reported."
    assert only(extract_claims(text, dt.date(2025, 9, 20))).product_code == PRODUCT_MAGNETS


def test_a_month_after_the_publication_month_belongs_to_the_previous_year():
    text = "Rare earth exports fell 20% to 4,392 tons in December from November."
    claim = only(extract_claims(text, dt.date(2026, 1, 15)))
    assert as_row(claim) == (
        PRODUCT_RARE_EARTHS,
        "WLD",
        "2025-12",
        "2025-12",
        4392.0,
        -20.0,
        "mom",
    )


def test_a_month_before_the_publication_month_keeps_the_publication_year():
    text = "Rare earth exports were 5,666 tons in March."
    claim = only(extract_claims(text, dt.date(2025, 4, 14)))
    assert (claim.period_start, claim.period_end) == ("2025-03", "2025-03")


def test_a_falling_change_is_negative_and_a_named_prior_month_sets_the_basis():
    text = "Rare earth exports fell 30.9% from August to 4,000.3 tons in September."
    claim = only(extract_claims(text, dt.date(2025, 10, 13)))
    assert as_row(claim) == (
        PRODUCT_RARE_EARTHS,
        "WLD",
        "2025-09",
        "2025-09",
        4000.3,
        -30.9,
        "mom",
    )


def test_a_figure_for_the_earlier_period_is_a_claim_of_its_own():
    text = (
        "In the first five months of 2025, rare earth exports reached 24,800 tons, "
        "up from 24,200 tons in the same period of 2024."
    )
    rows = {as_row(c) for c in extract_claims(text, dt.date(2025, 6, 11))}
    assert rows == {
        (PRODUCT_RARE_EARTHS, "WLD", "2025-01", "2025-05", 24800.0, None, None),
        (PRODUCT_RARE_EARTHS, "WLD", "2024-01", "2024-05", 24200.0, None, None),
    }


def test_a_comparison_quantity_with_its_own_month_gives_the_change_its_basis():
    text = (
        "China shipped 3,000 tons of permanent magnets in June, a 140% jump from 1,250 tons in May."
    )
    rows = {as_row(c) for c in extract_claims(text, dt.date(2025, 7, 20))}
    assert rows == {
        (PRODUCT_MAGNETS, "WLD", "2025-06", "2025-06", 3000.0, 140.0, "mom"),
        (PRODUCT_MAGNETS, "WLD", "2025-05", "2025-05", 1250.0, None, None),
    }


def test_a_first_half_total_compared_with_a_year_earlier_is_year_on_year():
    text = (
        "Magnet exports in the first half of 2024 totalled 25,000 tons, a 12.5% decline "
        "compared with the same period a year earlier."
    )
    claim = only(extract_claims(text, dt.date(2024, 7, 20)))
    assert as_row(claim) == (PRODUCT_MAGNETS, "WLD", "2024-01", "2024-06", 25000.0, -12.5, "yoy")


def test_a_january_to_may_range_spans_those_months():
    text = "Rare earth exports in January-May 2025 rose 2.3% year-on-year to 24,827 tons."
    claim = only(extract_claims(text, dt.date(2025, 6, 20)))
    assert (claim.period_start, claim.period_end, claim.change_basis) == (
        "2025-01",
        "2025-05",
        "yoy",
    )


def test_a_full_year_figure_spans_january_to_december():
    text = "For 2024 as a whole, rare earth exports climbed 6% to 55,400 tons."
    claim = only(extract_claims(text, dt.date(2025, 1, 13)))
    assert (claim.period_start, claim.period_end, claim.change_pct) == ("2024-01", "2024-12", 6.0)


def test_a_year_compared_with_the_year_before_is_year_on_year():
    text = "China exported 62,600 tons of rare earths in 2025, up 12.9% from 2024."
    claim = only(extract_claims(text, dt.date(2026, 1, 14)))
    assert as_row(claim) == (
        PRODUCT_RARE_EARTHS,
        "WLD",
        "2025-01",
        "2025-12",
        62600.0,
        12.9,
        "yoy",
    )


def test_on_the_month_is_a_month_on_month_basis():
    text = "Rare earth exports fell 3.4% on the month to 5,792 tons in August."
    assert only(extract_claims(text, dt.date(2025, 9, 8))).change_basis == "mom"


def test_a_named_comparison_period_that_is_neither_the_prior_month_nor_year_is_spelled_out():
    text = "China's graphite exports in Q3 2025 rose 12% versus Q2 to 30,000 tons."
    claim = only(extract_claims(text, dt.date(2025, 10, 20)))
    assert (claim.product_code, claim.period_start, claim.period_end) == (
        "graphite_natural",
        "2025-07",
        "2025-09",
    )
    assert claim.change_basis == "vs:2025-04..2025-06"


def test_kilograms_are_converted_to_tonnes_and_gallium_gets_its_series():
    text = "Gallium exports to Japan dropped 30.5% to 1,250 kg in March."
    claim = only(extract_claims(text, dt.date(2025, 4, 20)))
    assert as_row(claim) == ("gallium", "JPN", "2025-03", "2025-03", 1.25, -30.5, None)


@pytest.mark.parametrize(
    ("destination", "iso3"),
    [
        ("Germany", "DEU"),
        ("South Korea", "KOR"),
        ("India", "IND"),
        ("Japan", "JPN"),
        ("Vietnam", "VNM"),
        ("the U.S.", "USA"),
        ("the United States", "USA"),
        ("America", "USA"),
        ("the European Union", "EUU"),
        ("the EU", "EUU"),
    ],
)
def test_destinations_map_to_iso3_codes(destination: str, iso3: str):
    text = f"Rare-earth magnet exports to {destination} rose 12% to 400 tons in September."
    assert only(extract_claims(text, dt.date(2025, 10, 20))).partner_iso3 == iso3


def test_a_country_named_outside_a_destination_phrase_is_not_a_partner():
    text = (
        "Ahead of talks with U.S. officials, China's rare earth exports rose 9% "
        "to 4,343 tons in October."
    )
    assert only(extract_claims(text, dt.date(2025, 11, 7))).partner_iso3 == "WLD"


def test_two_destinations_in_one_sentence_make_two_claims():
    text = (
        "Magnet shipments to Germany rose 46% to 1,116 tons in July, while exports to the U.S. "
        "climbed 75.5% to 619 tons."
    )
    rows = {as_row(c) for c in extract_claims(text, dt.date(2025, 8, 20))}
    assert rows == {
        (PRODUCT_MAGNETS, "DEU", "2025-07", "2025-07", 1116.0, 46.0, None),
        (PRODUCT_MAGNETS, "USA", "2025-07", "2025-07", 619.0, 75.5, None),
    }


def test_a_follow_up_sentence_inherits_product_partner_and_period_from_the_claim_before():
    text = (
        "China exported 3,000 tons of rare earth magnets in June. "
        "Exports were down 38% year-on-year."
    )
    rows = [as_row(c) for c in extract_claims(text, dt.date(2025, 7, 20))]
    assert rows == [
        (PRODUCT_MAGNETS, "WLD", "2025-06", "2025-06", 3000.0, None, None),
        (PRODUCT_MAGNETS, "WLD", "2025-06", "2025-06", None, -38.0, "yoy"),
    ]


def test_that_month_refers_back_to_the_month_named_earlier():
    text = (
        "Beijing imposed export controls on several rare earths in April. "
        "Magnet exports dropped by half that month."
    )
    claim = only(extract_claims(text, dt.date(2025, 6, 11)))
    assert as_row(claim) == (PRODUCT_MAGNETS, "WLD", "2025-04", "2025-04", None, -50.0, None)


@pytest.mark.parametrize(
    "text",
    [
        "China's commerce ministry said rare earth exports remain subject to licensing.",
        "China accounts for about 70% of global rare earth output and 90% of magnet production.",
        "Only 20 of 150 firms surveyed, around 13%, had received export licences by August.",
        "China's rare earth mining quota rose 5.9% to 270,000 tons in 2024.",
        "The customs office will publish detailed export data on June 20.",
        "Rare earth exports probably rose between 5% and 10% in May, traders estimated.",
    ],
)
def test_sentences_without_an_export_figure_yield_no_claim(text: str):
    assert extract_claims(text, dt.date(2025, 6, 11)) == []


def test_a_headline_restated_in_the_body_is_not_a_second_claim():
    text = (
        "China Magnet Exports Jump 10% In August\n\n"
        "China's rare earth magnet exports rose 10% in August to 6,146 tons.\n"
    )
    claim = only(extract_claims(text, dt.date(2025, 9, 20)))
    assert claim.quantity_t == 6146.0


def test_a_repeated_paragraph_is_counted_once():
    paragraph = "Rare earth exports rose 9% to 4,343 tons in October.\n"
    assert len(extract_claims(paragraph * 2, dt.date(2025, 11, 7))) == 1


def test_sentence_offsets_point_into_the_original_text():
    text = (
        "Trade notes\n\nFirst, a line without figures. Then magnet exports to India rose 20% "
        "to 172 tons in June. Rare earth exports fell 3.4% to 5,792 tons in August.\n"
    )
    claims = extract_claims(text, dt.date(2025, 9, 8))
    assert len(claims) == 2
    for claim in claims:
        assert text[claim.start_char : claim.end_char] == claim.sentence
        assert 0.0 <= claim.confidence <= 1.0
