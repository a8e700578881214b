"""dbt's data tests are real: on a copy of the built warehouse with broken rows, they fail."""

import shutil
import subprocess

import duckdb
import pytest

from orchestration import settings
from orchestration.transform.dbt_cli import dbt_resource
from orchestration.transform.project import dbt_command, dbt_project
from orchestration.transform.translator import TRANSLATOR

pytestmark = pytest.mark.slow


def _dbt_test(warehouse, select: str) -> subprocess.CompletedProcess:
    env = {**settings.dbt_env(), "REE_WAREHOUSE": str(warehouse)}
    return subprocess.run(
        dbt_command("test", "--select", select, "--target-path", str(warehouse.parent / "target")),
        env=env,
        capture_output=True,
        text=True,
    )


@pytest.fixture
def warehouse_copy(pipeline_run, tmp_path):
    copy = tmp_path / "copy.duckdb"
    shutil.copy(pipeline_run.paths.warehouse, copy)
    return copy


def test_fact_tests_pass_then_fail_on_duplicate_grain_and_bad_shares(warehouse_copy):
    clean = _dbt_test(warehouse_copy, "fct_monthly_exports,test_type:data")
    assert clean.returncode == 0, clean.stdout[-2000:]

    conn = duckdb.connect(str(warehouse_copy))
    # A share of world above 100% and a second row for an existing grain.
    conn.execute(
        "update marts.fct_monthly_exports set share_of_world_pct = 150 "
        "where partner_iso3 = 'USA' and period_month = '2025-06-01'"
    )
    conn.execute(
        "insert into marts.fct_monthly_exports select * from marts.fct_monthly_exports "
        "where partner_iso3 = 'WLD' and period_month = '2025-05-01'"
    )
    conn.close()
    broken = _dbt_test(warehouse_copy, "fct_monthly_exports,test_type:data")
    assert broken.returncode != 0
    assert "unique_combination_of_columns_fct_monthly_exports" in broken.stdout
    assert "expression_is_true_fct_monthly_exports" in broken.stdout


def test_through_dagster_a_failing_dbt_test_is_a_failed_check_with_its_failing_rows(
    warehouse_copy, monkeypatch
):
    conn = duckdb.connect(str(warehouse_copy))
    conn.execute(
        "update marts.fct_monthly_exports set share_of_world_pct = 150 "
        "where partner_iso3 = 'USA' and share_of_world_pct is not null"
    )
    (broken_rows,) = conn.execute(
        "select count(*) from marts.fct_monthly_exports where share_of_world_pct = 150"
    ).fetchone()
    conn.close()
    assert broken_rows > 0

    monkeypatch.setenv("REE_WAREHOUSE", str(warehouse_copy))
    invocation = dbt_resource().cli(
        [
            "test",
            "--select",
            "fct_monthly_exports,test_type:data",
            "--target-path",
            str(warehouse_copy.parent / "target"),
        ],
        manifest=dbt_project().manifest_path,
        dagster_dbt_translator=TRANSLATOR,
        raise_on_error=False,
    )
    evaluations = {event.check_name: event for event in invocation.stream()}

    share = "expression_is_true_fct_monthly_exports_share_of_world_pct_is_null_or_share_of"
    (failed,) = [name for name, e in evaluations.items() if not e.passed]
    assert failed.startswith(share)
    assert evaluations[failed].metadata["dagster_dbt/failed_row_count"].value == broken_rows
    passed = [e for e in evaluations.values() if e.passed]
    assert passed and all(e.metadata["dagster_dbt/failed_row_count"].value == 0 for e in passed)
