"""The rules that make claims hold on articles never seen (issue 16), one group per rule.

Every sentence here was written for these tests; none comes from an article. Each rule's
tests failed on the extractor before the rule was written (see the commit that adds it).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import pytest

from orchestration.news.extract import FigureClaim, extract_claims, publication_date_from


def _row(claim: FigureClaim) -> tuple[object, ...]:
    return (
        claim.product_code,
        claim.partner_iso3,
        claim.period_start,
        claim.period_end,
        claim.quantity_t,
        claim.change_pct,
        claim.change_basis,
    )


def _rows(text: str, published: dt.date | None) -> set[tuple[object, ...]]:
    return {_row(c) for c in extract_claims(text, published)}


# --- 1. publication date: the command line wins; in the text, only a header line counts ------


@pytest.mark.parametrize(
    "top",
    [
        "Magnet makers wait for licences\n"
        "A worker sorts magnets at a plant in Ganzhou on 3 March 2021, in a file picture.\n",
        "Magnet makers wait for licences\n"
        "Makers said that as of September 30, 2025, their stocks of magnets were running low "
        "and orders from abroad were being cut back week by week.\n",
    ],
)
def test_a_date_in_a_caption_or_a_paragraph_is_not_the_publication_date(top: str):
    text = top + "\nChina exported 4,100 tonnes of magnets in May.\n"
    assert publication_date_from(text, "2025-06-20_wire.txt") == dt.date(2025, 6, 20)


@pytest.mark.parametrize(
    ("header", "date"),
    [
        ("Published: 12 Jan 2024 10:05", dt.date(2024, 1, 12)),
        ("20 July 2025 - 09:15 By Desk staff", dt.date(2025, 7, 20)),
        ("von | 20. Nov. 2025 - 09:48 | Wirtschaft", dt.date(2025, 11, 20)),
        ("iconJun 26, 2024 11:47", dt.date(2024, 6, 26)),
        ("Views: 3 Author: Editor Publish Time: 2025-10-21 Origin: Site", dt.date(2025, 10, 21)),
    ],
)
def test_a_date_in_a_header_line_at_the_top_is_the_publication_date(header: str, date: dt.date):
    text = f"Magnet makers wait for licences\n{header}\n\nChina exported 4,100 tonnes in May.\n"
    assert publication_date_from(text, "2020-01-01_wire.txt") == date


def test_the_published_option_wins_over_a_date_in_the_text(tmp_path: Path, capsys):
    from orchestration.cli import main

    article = tmp_path / "2024-01-05_wire.txt"
    article.write_text(
        "Published: 2024-03-01\n\nChina exported 5,994.3 tonnes of rare earths in June, down "
        "23% from May, customs data showed, as buyers waited for new licences and smelters in "
        "the south cut output to protect prices during a slow quarter for magnet makers in "
        "Europe and Asia, traders in Shanghai and Singapore said this week.\n"
    )
    assert main(["claims", "--published", "2025-07-01", str(article)]) == 0
    (claim,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert claim["published"] == "2025-07-01"
    assert (claim["period_start"], claim["quantity_t"]) == ("2025-06", 5994.3)


# --- 2. periods: never after publication; an explicit year beats one inferred ----------------


def test_a_period_after_the_publication_date_is_no_claim():
    text = "Rare earth exports rose 5% to 4,000 tonnes in May 2025, traders forecast."
    assert extract_claims(text, dt.date(2025, 3, 10)) == []


def test_a_month_takes_the_year_the_article_is_about_over_the_publication_year():
    # Read a year late (a repost), "June" by the publication date would be June 2026.
    text = (
        "In the first half of 2025, magnet exports fell 18.9% to 22,319 tonnes. "
        "In June, magnet exports rose 157.5% to 3,188 tonnes."
    )
    assert _rows(text, dt.date(2026, 8, 3)) == {
        # a change of the year so far can only be on the same months of the year before
        ("850511", "WLD", "2025-01", "2025-06", 22319.0, -18.9, "yoy"),
        ("850511", "WLD", "2025-06", "2025-06", 3188.0, 157.5, None),
    }


# --- 3. carried context ----------------------------------------------------------------------


def test_that_month_is_the_month_of_the_claim_not_its_comparison_month():
    text = (
        "China exported 4,100 tonnes of magnets in April, up from 3,900 tonnes in March. "
        "Exports to Japan fell 5% that month."
    )
    rows = _rows(text, dt.date(2025, 5, 20))
    assert ("850511", "JPN", "2025-04", "2025-04", None, -5.0, None) in rows


def test_a_bare_change_on_the_same_period_of_the_previous_year_is_year_on_year():
    text = (
        "Magnet exports totalled 12,000 tonnes in the first quarter. "
        "Down 4% on the same period of the previous year."
    )
    assert _rows(text, dt.date(2025, 4, 20)) == {
        ("850511", "WLD", "2025-01", "2025-03", 12000.0, None, None),
        ("850511", "WLD", "2025-01", "2025-03", None, -4.0, "yoy"),
    }


def test_a_sentence_that_points_back_belongs_to_the_claim_before_it():
    text = (
        "Gallium exports to Germany came to 5,000 kilograms in July. "
        "That is a 20% fall from the month before."
    )
    assert _rows(text, dt.date(2025, 8, 20)) == {
        ("gallium", "DEU", "2025-07", "2025-07", 5.0, None, None),
        ("gallium", "DEU", "2025-07", "2025-07", None, -20.0, "mom"),
    }


# --- 4. lists of destinations ----------------------------------------------------------------


def test_destinations_listed_with_appositions_are_one_claim_each():
    text = (
        "Magnet exports reached 1,020 tonnes in April. Vietnam, the largest buyer, took "
        "310 tonnes, up 40%, while Mexico, in second place, took 120 tonnes, up 9%."
    )
    assert _rows(text, dt.date(2025, 5, 20)) == {
        ("850511", "WLD", "2025-04", "2025-04", 1020.0, None, None),
        ("850511", "VNM", "2025-04", "2025-04", 310.0, 40.0, None),
        ("850511", "MEX", "2025-04", "2025-04", 120.0, 9.0, None),
    }


def test_a_destination_ranked_with_its_figure_is_a_destination_claim():
    text = "In May, India ranked third for magnet exports, with 418 tonnes, 60% more on the year."
    assert _rows(text, dt.date(2025, 6, 20)) == {
        ("850511", "IND", "2025-05", "2025-05", 418.0, 60.0, "yoy")
    }


def test_a_zero_shared_by_two_destinations_is_a_claim_for_each():
    text = "Flake graphite exports to Japan and the US fell to zero in December."
    assert _rows(text, dt.date(2024, 1, 20)) == {
        ("graphite_flake", "JPN", "2023-12", "2023-12", 0.0, None, None),
        ("graphite_flake", "USA", "2023-12", "2023-12", 0.0, None, None),
    }


def test_one_figure_for_two_destinations_is_no_claim_for_either():
    text = "Magnet exports to Japan and South Korea rose to 800 tonnes in April."
    assert extract_claims(text, dt.date(2025, 5, 20)) == []


# --- 5. levels are not totals; hedged figures keep their hedge ------------------------------


def test_a_monthly_level_is_no_total_and_a_level_reached_by_a_month_is_that_month():
    text = (
        "Gallium exports fell from more than 30 tonnes a month last year to 2 tonnes by March 2025."
    )
    assert _rows(text, dt.date(2025, 4, 20)) == {
        ("gallium", "WLD", "2025-03", "2025-03", 2.0, None, None)
    }


def test_an_average_is_no_claim():
    text = "China's graphite exports averaged 17,000 tonnes a month in 2024."
    assert extract_claims(text, dt.date(2025, 1, 20)) == []


@pytest.mark.parametrize(
    ("text", "quantity_qualifier", "change_qualifier"),
    [
        (
            "Magnet exports rose almost 40% to more than 2,000 tonnes in April.",
            "more_than",
            "approx",
        ),
        ("Magnet exports rose 40% to about 2,000 tonnes in April.", "approx", None),
        (
            "Magnet exports fell by over 10% to less than 2,000 tonnes in April.",
            "less_than",
            "more_than",
        ),
        ("Magnet exports in April roughly doubled to 2,000 tonnes.", None, "approx"),
    ],
)
def test_a_hedged_figure_keeps_its_qualifier(text, quantity_qualifier, change_qualifier):
    (claim,) = extract_claims(text, dt.date(2025, 5, 20))
    assert (claim.quantity_t, claim.quantity_qualifier) == (2000.0, quantity_qualifier)
    assert claim.change_qualifier == change_qualifier


def _verdict(claim: dict, series_quantity_t: float) -> str:
    from orchestration.news.check import verdict_sql

    row = {
        "claim_id": "c1",
        "product_code": "850511",
        "partner_iso3": "WLD",
        "period_start_month": dt.date(2025, 4, 1),
        "period_end_month": dt.date(2025, 4, 1),
        "quantity_t": 2000.0,
        "quantity_decimals": 0,
        "quantity_qualifier": None,
        "change_pct": None,
        "change_decimals": None,
        "change_qualifier": None,
        "change_basis": None,
        **claim,
    }
    types = {
        "period_start_month": "date",
        "period_end_month": "date",
        "quantity_t": "double",
        "change_pct": "double",
        "quantity_decimals": "integer",
        "change_decimals": "integer",
    }
    conn = duckdb.connect()
    try:
        columns = ", ".join(f"{name} {types.get(name, 'varchar')}" for name in row)
        conn.execute(f"create table claims ({columns})")
        conn.execute(
            f"insert into claims values ({', '.join('?' for _ in row)})", list(row.values())
        )
        conn.execute(
            "create table series as select '850511' as series_code, 'WLD' as partner_iso3, "
            "date '2025-04-01' as period_start_month, date '2025-04-01' as period_end_month, "
            "?::double as quantity_t, 1000.0 as previous_month_quantity_t, "
            "cast(null as double) as previous_year_quantity_t",
            [series_quantity_t],
        )
        return conn.execute(f"select verdict from ({verdict_sql('claims', 'series')})").fetchone()[
            0
        ]
    finally:
        conn.close()


@pytest.mark.parametrize(
    ("claim", "series_quantity_t", "verdict"),
    [
        ({}, 2000.0, "match"),  # the exact figure, for reference
        ({"quantity_qualifier": "approx"}, 2000.0, "unverifiable"),
        ({"quantity_qualifier": "more_than"}, 2400.0, "unverifiable"),
        ({"quantity_qualifier": "more_than"}, 1500.0, "mismatch"),
        ({"quantity_qualifier": "less_than"}, 2400.0, "mismatch"),
        (
            {
                "quantity_t": None,
                "change_pct": 100.0,
                "change_decimals": 0,
                "change_basis": "mom",
                "change_qualifier": "approx",
            },
            2000.0,
            "unverifiable",
        ),
    ],
)
def test_a_hedged_figure_never_matches(claim: dict, series_quantity_t: float, verdict: str):
    assert _verdict(claim, series_quantity_t) == verdict


# --- 6. every tracked mineral and unit -------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "series"),
    [
        ("China exported 9,007 kilograms of gallium in July.", "gallium"),
        ("China exported 763 kg of germanium in July.", "germanium"),
        ("China exported 423 tonnes of antimony metal in July.", "antimony_metal"),
        ("China's antimony oxide exports reached 3,389 tonnes in July.", "antimony_oxides"),
        ("China shipped 1,721 metric tons of antimony products in July.", "antimony_products"),
        ("Exports of flake graphite fell to 1,427 tonnes in July.", "graphite_flake"),
        ("Exports of spherical graphite fell to 948 tonnes in July.", "graphite_spherical"),
        (
            "Exports of unwrought silver of 99.99% purity were 386.6 mt in July.",
            "silver_unwrought_9999",
        ),
        ("China exported 800 tonnes of APT in July.", "tungsten_apt"),
        ("Exports of tungsten products totalled 1,200 tons in July.", "tungsten_products"),
        ("China exported 3,188 tonnes of rare earth permanent magnets in July.", "850511"),
    ],
)
def test_each_tracked_mineral_maps_to_its_reported_series(sentence: str, series: str):
    (claim,) = extract_claims(sentence, dt.date(2025, 8, 20))
    assert claim.product_code == series


def test_every_series_the_extractor_names_is_in_the_reported_series_seed():
    from orchestration.news_text.products import SERIES_IDS

    seed = Path(__file__).resolve().parents[3] / "dbt_project" / "seeds" / "reported_series.csv"
    known = {line.split(",", 1)[0] for line in seed.read_text(encoding="utf-8").splitlines()[1:]}
    assert known >= SERIES_IDS, sorted(SERIES_IDS - known)


def test_kilograms_stay_exact_down_to_one_kilogram():
    from orchestration.news.claims import claim_rows

    text = "China exported 1 kg of germanium to Belgium and 5,000 kg of gallium in July."
    rows = {r["product_code"]: r for r in claim_rows("a" * 64, text, dt.date(2025, 8, 20))}
    assert (rows["germanium"]["quantity_t"], rows["germanium"]["quantity_decimals"]) == (0.001, 3)
    # 5,000 kg is stated to the kilogram: 5 t, but exact to 0.001 t, not to the tonne
    assert (rows["gallium"]["quantity_t"], rows["gallium"]["quantity_decimals"]) == (5.0, 3)


@pytest.mark.parametrize(
    ("text", "row"),
    [
        (
            "Im Oktober exportierte China 15.570 Kilogramm Gallium, im Vergleich zum Vormonat "
            "ein Plus von 12,5 Prozent.",
            ("gallium", "WLD", "2025-10", "2025-10", 15.57, 12.5, "mom"),
        ),
        (
            "Die Ausfuhren von Germanium nach Russland lagen im Oktober bei 1.234,5 Kilogramm.",
            ("germanium", "RUS", "2025-10", "2025-10", 1.2345, None, None),
        ),
        (
            "Im September gingen 2,5 Tonnen Gallium nach Japan, im Vergleich zum Vorjahresmonat "
            "ein Rückgang um 40 Prozent.",
            ("gallium", "JPN", "2025-09", "2025-09", 2.5, -40.0, "yoy"),
        ),
    ],
)
def test_german_pages_are_read_with_german_numbers_months_and_comparisons(text: str, row):
    assert _rows(text, dt.date(2025, 11, 20)) == {row}


# --- 7. when unsure, drop; every claim says why it was kept ----------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Shipments rose 12% to 4,000 tonnes in April.",  # no product anywhere
        "Magnet and rare earth exports rose 12% to 4,000 tonnes in April.",  # which of the two?
        "Exports of semi-finished silver were 0.2 tonnes in April.",  # a form with no series
        "Including powder and alloys, magnet exports to Japan reached 686 tonnes in April.",
        "Magnet exports to the US rose by six times in April.",  # x6, or +600%?
    ],
)
def test_an_ambiguous_subject_or_figure_gives_no_claim(text: str):
    assert extract_claims(text, dt.date(2025, 5, 20)) == []


def test_every_claim_says_which_rules_produced_it():
    text = (
        "China exported 3,188 tonnes of magnets in June, up 157.5% from 1,238 tonnes in May. "
        "Japan took 280 tonnes. That is 8% less than the month before."
    )
    claims = extract_claims(text, dt.date(2025, 7, 20))
    assert len(claims) == 4
    reasons = {c.quantity_t: c.reason for c in claims}
    assert "export word" in reasons[3188.0]
    assert "comparison figure" in reasons[1238.0]
    assert "receiving destination" in reasons[280.0]
    assert "points back to the claim before" in reasons[None]
