import pytest

from orchestration.customs.published_figures import COLUMNS, read, recognizes
from orchestration.landing.contract import UnreadableFile
from tests.conftest import EMBEDDED_LANDING

EMBEDDED_EXTRACT = EMBEDDED_LANDING / "published_figures" / "reported_monthly_figures.csv"
HEADER = ",".join(COLUMNS)
GOOD_ROW = (
    "rare_earths_total-WLD-2025-05,rare_earths_total,WLD,2025-05,2025-05,5864.6,+23% m/m,,23,"
    "https://example.org/source,true,"
)

# Figures domain-facts marks as derived: arithmetic, never published; they must not load.
DERIVED = [
    ("rare_earths_total", "2024-03", 4709.5),
    ("rare_earths_total", "2024-06", 4828.5),
    ("rare_earths_total", "2024-07", 4937.0),
    ("rare_earths_total", "2024-10", 4753.0),
    ("850511", "2025-04", 2626.0),
]


def test_the_embedded_extract_is_recognized_and_loads_without_rejects():
    assert recognizes(EMBEDDED_EXTRACT.read_bytes()[:8192])
    parsed = read(EMBEDDED_EXTRACT)
    assert parsed.rejects == []
    assert len(parsed.rows) >= 50
    assert all(row["source_url"].startswith("http") for row in parsed.rows)


def test_the_embedded_extract_holds_no_derived_figure():
    parsed = read(EMBEDDED_EXTRACT)
    loaded = {
        (row["product_code"], row["period_start_month"].strftime("%Y-%m")): row["quantity_t"]
        for row in parsed.rows
        if row["period_start_month"] == row["period_end_month"]
    }
    for product, month, derived_value in DERIVED:
        assert loaded.get((product, month)) != derived_value, (product, month)


def test_the_derived_figure_guard_would_catch_a_derived_row(tmp_path):
    path = tmp_path / "figures.csv"
    path.write_text(
        HEADER + "\nx,rare_earths_total,WLD,2024-03,2024-03,4709.5,,,,https://e.org,true,\n"
    )
    row = read(path).rows[0]
    assert (row["product_code"], row["quantity_t"]) == DERIVED[0][::2]


@pytest.mark.parametrize(
    ("bad_row", "field", "reason"),
    [
        # quantity typed with a unit
        (GOOD_ROW.replace("5864.6", "5864.6t"), "quantity_t", "not a number"),
        # lower-case partner code
        (GOOD_ROW.replace(",WLD,", ",wld,"), "partner_iso3", "not a valid code"),
        # period ends before it starts
        (GOOD_ROW.replace("2025-05,2025-05", "2025-05,2025-04"), "period_end", "before"),
        # no source
        (GOOD_ROW.replace("https://example.org/source", ""), "source_url", "not an http"),
        # verified flag misspelt
        (GOOD_ROW.replace(",true,", ",yes please,"), "is_verified", "not true or false"),
    ],
)
def test_each_bad_value_is_quarantined_with_its_field(tmp_path, bad_row, field, reason):
    path = tmp_path / "figures.csv"
    path.write_text(f"{HEADER}\n{GOOD_ROW}\n{bad_row}\n")
    parsed = read(path)
    assert len(parsed.rows) == 1
    (reject,) = parsed.rejects
    assert (reject.row_number, reject.field) == (3, field)
    assert reason in reject.reason
    assert reject.raw_text == bad_row


def test_a_changed_header_is_not_taken_for_the_extract(tmp_path):
    path = tmp_path / "figures.csv"
    path.write_text(HEADER.replace("quantity_t", "tonnes") + "\n" + GOOD_ROW + "\n")
    assert not recognizes(path.read_bytes())
    with pytest.raises(UnreadableFile, match="header must be exactly"):
        read(path)
