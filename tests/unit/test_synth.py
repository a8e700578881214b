"""The benchmark generator writes GENERATED GACC exports that the real reader lands whole."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import numpy as np
import pytest

from orchestration.bench import synth
from orchestration.extract.gacc.query_csv import LINE_KEY, read, recognizes
from tests.fixtures.gacc_files import FULL_HEADER

ROWS, MONTHS = 900, 3


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return synth.write_synthetic_gacc(ROWS, MONTHS, tmp_path_factory.mktemp("synth"))


def test_the_same_seed_gives_the_same_bytes_and_another_seed_other_bytes(tmp_path, generated):
    again = synth.write_synthetic_gacc(ROWS, MONTHS, tmp_path / "again")
    assert [p.read_bytes() for p in again] == [p.read_bytes() for p in generated]
    other = synth.write_synthetic_gacc(ROWS, MONTHS, tmp_path / "other", seed=7)
    assert [p.read_bytes() for p in other] != [p.read_bytes() for p in generated]


def test_a_month_written_alone_equals_that_month_of_a_longer_history(tmp_path, generated):
    # The incremental benchmark relies on it: one new month is the month a longer run would
    # have written, whatever came before it.
    (alone,) = synth.write_synthetic_gacc(ROWS // MONTHS, 1, tmp_path, start_month="2016-02")
    assert alone.name == generated[1].name == "SYNTHETIC_gacc_query_201602.csv"
    assert alone.read_bytes() == generated[1].read_bytes()


def test_files_are_gbk_with_the_real_header_quoted_thousands_and_crlf(generated):
    data = generated[0].read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    text = data.decode("gbk")
    assert text.split("\r\n", 1)[0] == FULL_HEADER
    assert recognizes(data[:8192])
    assert re.search(r',"\d{1,3}(,\d{3})+",千克,,,', text)
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")


def test_every_file_lands_through_the_reader_with_no_rejects_and_unique_lines(generated):
    expected = synth.rows_per_month(ROWS, MONTHS)
    months = ["2016-01", "2016-02", "2016-03"]
    for path, count, month in zip(generated, expected, months, strict=True):
        parsed = read(path)
        assert parsed.rejects == []
        assert len(parsed.rows) == count
        keys = {tuple(row[column] for column in LINE_KEY) for row in parsed.rows}
        assert len(keys) == count
        assert {row["period_month"] for row in parsed.rows} == {
            dt.date.fromisoformat(month + "-01")
        }
        assert {row["unit_1"] for row in parsed.rows} == {"千克"}
        assert {row["value_currency"] for row in parsed.rows} == {"USD"}
        assert all(row["trade_mode_code"] and row["province_name"] for row in parsed.rows)


def test_codes_and_partners_come_from_the_seeds(generated):
    codes = {product.code for product in synth.load_products()}
    partners = set(synth.load_partner_names())
    rows = [row for path in generated for row in read(path).rows]
    assert {row["commodity_code"] for row in rows} <= codes
    assert {row["partner_name"] for row in rows} <= partners
    assert len({row["commodity_code"] for row in rows}) > 10


def test_readme_says_the_data_are_generated_with_the_seed_and_parameters(generated):
    readme = (generated[0].parent / synth.README_NAME).read_text(encoding="utf-8")
    assert "GENERATED" in readme and "NOT REAL" in readme
    assert f"rows={ROWS} months={MONTHS}" in readme
    assert f"seed={synth.DEFAULT_SEED}" in readme


def test_more_rows_than_distinct_lines_is_a_clear_error_before_anything_is_written(tmp_path):
    with pytest.raises(ValueError, match="distinct .* lines a month can hold"):
        synth.write_synthetic_gacc(10_000_000, 2, tmp_path / "too_many")
    assert not (tmp_path / "too_many").exists()


def test_months_the_reader_would_quarantine_are_refused(tmp_path):
    next_year = dt.date.today().year + 1
    with pytest.raises(ValueError, match="future"):
        synth.write_synthetic_gacc(10, 2, tmp_path, start_month=f"{next_year}-01")
    with pytest.raises(ValueError, match="before 1990"):
        synth.write_synthetic_gacc(10, 2, tmp_path, start_month="1989-06")


def test_thousands_are_formatted_and_quoted_as_the_platform_writes_them():
    numbers = np.array([0, 7, 999, 1000, 120000, 1234567, 10**12])
    assert synth.format_thousands(numbers).tolist() == [
        b"0",
        b"7",
        b"999",
        b'"1,000"',
        b'"120,000"',
        b'"1,234,567"',
        b'"1,000,000,000,000"',
    ]


def test_generated_data_never_goes_into_the_embedded_default(tmp_path):
    embedded = synth.settings.PROJECT_ROOT / "data" / "landing" / "synthetic"
    with pytest.raises(ValueError, match="embedded default"):
        synth.write_synthetic_gacc(10, 1, embedded)
    assert not embedded.exists()
