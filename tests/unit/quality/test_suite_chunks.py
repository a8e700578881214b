"""A batch validated chunk by chunk gives the outcome of validating it whole.

The raw GACC suite runs on what a landing added, which at full detail is millions of rows; its
check reads the batch in chunks so memory stays bounded. Here a GENERATED export (see
orchestration/bench/synth.py) is landed for real, some lines in different chunks are broken,
and the chunked outcome must equal the whole-frame one, failures included.
"""

from __future__ import annotations

import duckdb
import pytest

from orchestration.bench import synth
from orchestration.extract.gacc.query_csv import GACC_QUERY_CSV
from orchestration.extract.registry import ALL_KINDS
from orchestration.landing.store import land_kind
from orchestration.quality import suites

SPEC = {spec.name: spec for spec in suites.load_suite_specs()}["raw_gacc_query_exports"]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> duckdb.DuckDBPyConnection:
    folder = tmp_path_factory.mktemp("chunks")
    synth.write_synthetic_gacc(5_000, 1, folder / "landing")
    conn = duckdb.connect(str(folder / "warehouse.duckdb"))
    assert land_kind(conn, folder / "landing", GACC_QUERY_CSV, ALL_KINDS).rows_landed == 5_000
    yield conn
    conn.close()


def _both_ways(conn, monkeypatch) -> tuple[suites.SuiteOutcome, suites.SuiteOutcome, int]:
    whole = suites.validate(suites.fetch_batch(conn, SPEC), SPEC)
    monkeypatch.setattr(suites, "CHUNK_VECTORS", 1)  # 2,048 rows a chunk: three chunks
    chunks = list(suites.iter_batch_chunks(conn, SPEC))
    return whole, suites.validate_chunks(chunks, SPEC), len(chunks)


def test_only_the_columns_the_expectations_read_are_fetched(warehouse):
    frame = suites.fetch_batch(warehouse, SPEC)
    assert set(frame.columns) == set(suites.columns_used(SPEC))
    assert "partner_name" not in frame.columns and len(frame) == 5_000


def test_a_clean_batch_passes_whole_and_in_chunks(warehouse, monkeypatch):
    whole, chunked, chunks = _both_ways(warehouse, monkeypatch)
    assert chunks == 3
    assert whole.passed and chunked.passed
    assert whole.rows_validated == chunked.rows_validated == 5_000


def test_broken_lines_in_different_chunks_fail_the_same_way(warehouse, monkeypatch):
    warehouse.execute("begin")
    try:
        # Negative quantities on lines that fall in the first and the last chunk, and an
        # impossibly old month in the middle one.
        warehouse.execute(
            "update raw.gacc_query_exports set quantity_1 = -1 where _row_number in (2, 4500)"
        )
        warehouse.execute(
            "update raw.gacc_query_exports set period_month = date '1950-01-01' "
            "where _row_number = 3000"
        )
        whole, chunked, _ = _both_ways(warehouse, monkeypatch)
    finally:
        warehouse.execute("rollback")
    assert not whole.passed
    assert chunked.failing_rows == whole.failing_rows >= 3
    assert [(f.expectation, f.column, f.failing_rows) for f in chunked.failures] == [
        (f.expectation, f.column, f.failing_rows) for f in whole.failures
    ]
