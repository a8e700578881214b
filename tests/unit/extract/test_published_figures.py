"""The published-figures reader: the embedded extract loads whole, and every bad value is
quarantined with its row and field while the other rows land."""

import pytest

from orchestration.extract.contract import UnreadableFile
from orchestration.extract.published_figures import COLUMNS, read, recognizes
from tests.conftest import EMBEDDED_LANDING

EMBEDDED_EXTRACT = EMBEDDED_LANDING / "published_figures" / "reported_figures.csv"
HEADER = ",".join(COLUMNS)
GOOD_ROW = (
    "r040,r040,gallium,WLD,2025-07,2025-07,9007,kg,,,more than double June,,,"
    "https://example.org/source,false,"
)

# Figures domain-facts marks as derived: arithmetic, never published; they must not load.
DERIVED = [
    ("rare_earths_total", "2024-03", 4709.5),
    ("rare_earths_total", "2024-06", 4828.5),
    ("rare_earths_total", "2024-07", 4937.0),
    ("rare_earths_total", "2024-10", 4753.0),
    ("850511", "2025-04", 2626.0),
]


def _write(tmp_path, *rows: str):
    path = tmp_path / "figures.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n")
    return path


def test_the_embedded_extract_is_recognized_and_loads_without_rejects():
    assert recognizes(EMBEDDED_EXTRACT.read_bytes()[:8192])
    parsed = read(EMBEDDED_EXTRACT)
    assert parsed.rejects == []
    assert len(parsed.rows) >= 300
    assert all(row["source_url"].startswith("http") for row in parsed.rows)


def test_the_embedded_extract_holds_no_derived_figure():
    parsed = read(EMBEDDED_EXTRACT)
    loaded = {
        (row["series_id"], row["period_start_month"].strftime("%Y-%m")): row["quantity"]
        for row in parsed.rows
        if row["period_start_month"] == row["period_end_month"]
    }
    for series, month, derived_value in DERIVED:
        assert loaded.get((series, month)) != derived_value, (series, month)


def test_the_derived_figure_guard_would_catch_a_derived_row(tmp_path):
    path = _write(
        tmp_path, "x,,rare_earths_total,WLD,2024-03,2024-03,4709.5,t,,,,,,https://e.org,false,"
    )
    row = read(path).rows[0]
    assert (row["series_id"], row["quantity"]) == DERIVED[0][::2]


def test_a_kilogram_figure_keeps_its_unit_and_printed_precision(tmp_path):
    path = _write(
        tmp_path,
        GOOD_ROW,
        "r022,r022,germanium,WLD,2023-09,2023-09,1,kg,,,,,,https://e.org,false,",
        "r021,r021,gallium,WLD,2023-07,2023-07,5.15,t,,,,,,https://e.org,false,",
        'r004,r004,gallium,WLD,2024-01,2024-12,"69,440",kg,,,,,,https://e.org,false,',
    )
    rows = {row["figure_id"]: row for row in read(path).rows}
    assert (rows["r022"]["quantity"], rows["r022"]["quantity_unit"]) == (1.0, "kg")
    assert rows["r021"]["quantity_decimals"] == 2  # read to 0.01 t
    assert rows["r040"]["quantity_decimals"] == 0
    assert rows["r004"]["quantity_decimals"] == -1  # a trailing zero may be rounding


def test_a_value_only_figure_lands_without_a_unit(tmp_path):
    row = "r010,r010,gallium,WLD,2023-01,2023-12,,,,8470000,-66% y/y,-66,,https://e.org,false,"
    (landed,) = read(_write(tmp_path, row)).rows
    assert landed["quantity"] is None and landed["value_usd"] == 8470000


@pytest.mark.parametrize(
    ("bad_row", "field", "reason"),
    [
        # quantity typed with a unit
        (GOOD_ROW.replace(",9007,", ",9007kg,"), "quantity", "not a number"),
        # a unit that is no weight the layout knows
        (GOOD_ROW.replace(",kg,", ",lb,"), "unit", "not one of"),
        # a quantity without its unit: kg and t differ 1,000-fold
        (GOOD_ROW.replace(",kg,", ",,"), "unit", "kg or t"),
        # neither a quantity nor a value
        (GOOD_ROW.replace(",9007,kg,", ",,,"), "quantity", "needs one"),
        # a qualifier the layout does not know
        (GOOD_ROW.replace(",kg,,", ",kg,roughly,"), "qualifier", "not one of"),
        # lower-case partner code
        (GOOD_ROW.replace(",WLD,", ",wld,"), "partner_iso3", "not a valid code"),
        # period ends before it starts
        (GOOD_ROW.replace("2025-07,2025-07", "2025-07,2025-06"), "period_end", "before"),
        # no source
        (GOOD_ROW.replace("https://example.org/source", ""), "source_url", "not an http"),
        # verified flag misspelt
        (GOOD_ROW.replace(",false,", ",yes please,"), "is_verified", "not true or false"),
    ],
)
def test_each_bad_value_is_quarantined_with_its_field(tmp_path, bad_row, field, reason):
    other = GOOD_ROW.replace("r040,r040", "r041,r041")
    parsed = read(_write(tmp_path, other, bad_row))
    assert len(parsed.rows) == 1
    (reject,) = parsed.rejects
    assert (reject.row_number, reject.field) == (3, field)
    assert reason in reject.reason
    assert reject.raw_text == bad_row


def test_a_changed_header_is_not_taken_for_the_extract(tmp_path):
    path = tmp_path / "figures.csv"
    path.write_text(HEADER.replace("quantity", "tonnes", 1) + "\n" + GOOD_ROW + "\n")
    assert not recognizes(path.read_bytes())
    with pytest.raises(UnreadableFile, match="header must be exactly"):
        read(path)
