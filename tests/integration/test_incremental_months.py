"""The incremental models over GACC lines rebuild only new months, and stay exact.

Real dbt runs on a copy of the pipeline's warehouse: land another month's GACC file, build
incrementally, and compare with a full rebuild of a second copy. Then show the two ways an
incremental model could go stale are handled: a later file for an old month (a revision) and
a changed reference seed.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from orchestration import settings
from orchestration.extract.gacc.query_csv import GACC_QUERY_CSV
from orchestration.extract.registry import ALL_KINDS
from orchestration.landing.store import land_kind
from orchestration.transform.project import dbt_command
from tests.fixtures.broken_extracts import gacc, line

pytestmark = pytest.mark.slow
MODELS = "int_gacc_detailed_vintages fct_monthly_exports_detail"
TABLES = ("intermediate.int_gacc_detailed_vintages", "marts.fct_monthly_exports_detail")


def _dbt_run(warehouse: Path, *extra: str) -> str:
    finished = subprocess.run(
        dbt_command(
            "run",
            "--select",
            *MODELS.split(),
            "--target-path",
            str(warehouse.parent / "target"),
            *extra,
        ),
        env={**settings.dbt_env(), "REE_WAREHOUSE": str(warehouse)},
        capture_output=True,
        text=True,
    )
    assert finished.returncode == 0, finished.stdout[-3000:]
    return finished.stdout


def _land(warehouse: Path, landing: Path, name: str, content: bytes) -> None:
    landing.mkdir(exist_ok=True)
    (landing / name).write_bytes(content)
    conn = duckdb.connect(str(warehouse))
    try:
        report = land_kind(conn, landing, GACC_QUERY_CSV, ALL_KINDS)
    finally:
        conn.close()
    assert report.rows_landed > 0 and not report.rows_rejected


def _contents(warehouse: Path) -> dict[str, list[tuple]]:
    conn = duckdb.connect(str(warehouse), read_only=True)
    try:
        return {
            table: conn.execute(f"select * from {table} order by all").fetchall()
            for table in TABLES
        }
    finally:
        conn.close()


def _predicate(warehouse: Path) -> str:
    """The month filter the last build compiled into the detail model: the months that
    received new lines, or `true` for every month."""
    compiled = (
        warehouse.parent
        / "target"
        / "compiled/ree_tracker/models/marts/fct_monthly_exports_detail.sql"
    ).read_text()
    where = compiled.split("where", 1)[1].strip()
    return "new months" if where.startswith("period_month in") else where.split()[0]


@pytest.fixture
def warehouses(pipeline_run, tmp_path) -> tuple[Path, Path, Path]:
    # Same file name as the original: dbt's views name their catalog, which is the file stem.
    name = pipeline_run.paths.warehouse.name
    incremental, full = tmp_path / "incremental" / name, tmp_path / "full" / name
    incremental.parent.mkdir()
    full.parent.mkdir()
    shutil.copy(pipeline_run.paths.warehouse, incremental)
    return incremental, full, tmp_path / "landing"


def test_a_new_month_builds_incrementally_to_what_a_full_rebuild_gives(warehouses):
    incremental, full, landing = warehouses
    months_before = {row[0] for row in _contents(incremental)[TABLES[1]]}
    _land(
        incremental,
        landing,
        "2024-04.csv",
        gacc(line(period="202404"), line(period="202404", partner="日本")),
    )
    shutil.copy(incremental, full)

    _dbt_run(incremental)
    assert _predicate(incremental) == "new months"
    _dbt_run(full, "--full-refresh")
    built = _contents(incremental)
    assert built == _contents(full)
    months_after = {row[0] for row in built[TABLES[1]]}
    assert len(months_after - months_before) == 1  # April arrived; March was kept as it was


def test_a_revision_of_an_old_month_replaces_that_month(warehouses):
    incremental, full, landing = warehouses
    _dbt_run(incremental)
    march_before = [r for r in _contents(incremental)[TABLES[0]] if str(r[0]) == "2024-03-01"]
    assert march_before
    # A later export of March 2024 for Germany's magnets, with a different figure.
    _land(incremental, landing, "2024-03-revised.csv", gacc(line(q1='"2,000"', value='"100,000"')))
    shutil.copy(incremental, full)
    _dbt_run(incremental)
    assert _predicate(incremental) == "new months"
    _dbt_run(full, "--full-refresh")
    assert _contents(incremental) == _contents(full)
    march_after = [r for r in _contents(incremental)[TABLES[0]] if str(r[0]) == "2024-03-01"]
    assert len(march_after) == len(march_before) + 1  # the new vintage beside the old one


def test_a_changed_partner_seed_reaches_lines_of_old_months(warehouses):
    incremental, full, _landing = warehouses
    _dbt_run(incremental)
    # The seed as a user might edit it: Germany's Chinese name mapped to another code. (The
    # seed table is changed in place; a real edit reaches it through `dbt seed`.)
    conn = duckdb.connect(str(incremental))
    conn.execute(
        "update reference.partner_names_zh set partner_iso3 = 'AUT' where partner_name_zh = '德国'"
    )
    conn.close()
    shutil.copy(incremental, full)
    _dbt_run(incremental)
    assert _predicate(incremental) == "true"  # every month, though no line is new
    _dbt_run(full, "--full-refresh")
    assert _contents(incremental) == _contents(full)
    partners = {row[6] for row in _contents(incremental)[TABLES[1]]}
    assert "AUT" in partners and "DEU" not in partners
