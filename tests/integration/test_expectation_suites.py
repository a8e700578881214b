"""Each GE suite passes on the pipeline's real output and fails on deliberately broken copies."""

import datetime as dt
import shutil

import duckdb
import pytest
from dagster import AssetSelection, DagsterInstance, Definitions, define_asset_job

from orchestration.quality.checks import build_suite_checks
from orchestration.quality.suites import fetch_batch, load_suite_specs, validate
from orchestration.resources import Warehouse

pytestmark = pytest.mark.slow
SPECS = {spec.name: spec for spec in load_suite_specs()}


def _clean_batch(pipeline_run, name):
    conn = duckdb.connect(str(pipeline_run.paths.warehouse), read_only=True)
    try:
        return fetch_batch(conn, SPECS[name])
    finally:
        conn.close()


def _failed(outcome) -> dict[tuple[str, str | None], int]:
    return {(f.expectation, f.column): f.failing_rows for f in outcome.failures}


def test_there_is_one_suite_per_guarded_table():
    assert set(SPECS) == {
        "raw_published_figures",
        "raw_gacc_query_exports",
        "fct_monthly_exports",
        "mart_policy_annotated_series",
        "raw_news_claims",
    }


@pytest.mark.parametrize("name", sorted(SPECS))
def test_suite_passes_on_the_pipeline_output(pipeline_run, name):
    frame = _clean_batch(pipeline_run, name)
    assert len(frame) > 0
    outcome = validate(frame, SPECS[name])
    assert outcome.passed, outcome.failures


def test_published_figures_suite_catches_negative_old_and_impossible_changes(pipeline_run):
    frame = _clean_batch(pipeline_run, "raw_published_figures")
    frame.loc[frame.index[0], "quantity"] = -5.0  # negative quantity
    frame.loc[frame.index[1], "period_start_month"] = dt.date(1985, 1, 1)  # before 1990
    frame.loc[frame.index[2], "reported_mom_change_pct"] = -140.0  # below -100%
    outcome = validate(frame, SPECS["raw_published_figures"])
    failed = _failed(outcome)
    assert failed[("expect_column_values_to_be_between", "quantity")] == 1
    assert failed[("expect_column_values_to_be_between", "period_start_month")] == 1
    assert failed[("expect_column_values_to_be_between", "reported_mom_change_pct")] == 1
    assert outcome.failing_rows == 3


def test_gacc_suite_catches_kilograms_read_as_tonnes_and_future_months(pipeline_run):
    frame = _clean_batch(pipeline_run, "raw_gacc_query_exports")
    frame.loc[frame.index[0], "commodity_month_total_t"] = 120_000_000.0  # 1,000x too big
    in_two_months = dt.date.today() + dt.timedelta(days=62)
    frame.loc[frame.index[1], "period_yyyymm"] = in_two_months.year * 100 + in_two_months.month
    frame.loc[frame.index[2], "value"] = -1.0  # negative value
    outcome = validate(frame, SPECS["raw_gacc_query_exports"])
    failed = _failed(outcome)
    assert ("expect_column_values_to_be_between", "commodity_month_total_t") in failed
    assert ("expect_column_values_to_be_between", "period_yyyymm") in failed
    assert ("expect_column_values_to_be_between", "value") in failed


def test_gacc_suite_takes_the_current_month_and_refuses_the_next(pipeline_run):
    # The raw suite compares months as YYYYMM numbers; December's next month is January.
    frame = _clean_batch(pipeline_run, "raw_gacc_query_exports")
    december = dt.date(2026, 12, 10)
    frame.loc[frame.index[0], "period_yyyymm"] = 202612
    assert validate(frame, SPECS["raw_gacc_query_exports"], today=december).passed
    frame.loc[frame.index[1], "period_yyyymm"] = 202701
    outcome = validate(frame, SPECS["raw_gacc_query_exports"], today=december)
    assert _failed(outcome) == {("expect_column_values_to_be_between", "period_yyyymm"): 1}


def test_fact_suite_catches_shares_unit_values_and_partners_above_world(pipeline_run):
    frame = _clean_batch(pipeline_run, "fct_monthly_exports")
    magnets = frame.index[frame["product_group"] == "rare_earth_magnets"]
    frame.loc[magnets[0], "share_of_world_pct"] = 120.0  # share above 100%
    frame.loc[magnets[1], "unit_value_usd_per_kg"] = 50_000.0  # magnets at gold prices
    frame.loc[magnets[2], "countries_total_t"] = frame.loc[magnets[2], "world_total_t"] + 1
    frame.loc[magnets[3], "quantity_t_per_month"] = 1_500_000.0  # above 1,000,000 t
    outcome = validate(frame, SPECS["fct_monthly_exports"])
    failed = _failed(outcome)
    assert failed[("expect_column_values_to_be_between", "share_of_world_pct")] == 1
    assert failed[("expect_column_values_to_be_between", "unit_value_usd_per_kg")] == 1
    assert failed[("expect_column_pair_values_a_to_be_greater_than_b", "world_total_t")] == 1
    assert failed[("expect_column_values_to_be_between", "quantity_t_per_month")] == 1
    assert outcome.failing_rows == 4


def test_policy_series_suite_catches_negative_series_and_unknown_regimes(pipeline_run):
    frame = _clean_batch(pipeline_run, "mart_policy_annotated_series")
    with_data = frame.index[frame["quantity_t"].notna()]
    frame.loc[with_data[0], "quantity_t"] = -1.0
    frame.loc[with_data[1], "policy_regime"] = "probably_fine"
    outcome = validate(frame, SPECS["mart_policy_annotated_series"])
    failed = _failed(outcome)
    assert ("expect_column_values_to_be_between", "quantity_t") in failed
    assert ("expect_column_values_to_be_in_set", "policy_regime") in failed


def test_claims_suite_catches_negative_tonnage_big_falls_and_future_periods(pipeline_run):
    frame = _clean_batch(pipeline_run, "raw_news_claims")
    with_quantity = frame.index[frame["quantity_t"].notna()]
    frame.loc[with_quantity[0], "quantity_t"] = -10.0  # negative tonnage
    frame.loc[frame.index[1], "change_pct"] = -140.0  # a fall below -100%
    # a period that ends after the article was published
    frame.loc[frame.index[2], "period_end_month"] = dt.date(2030, 1, 1)
    outcome = validate(frame, SPECS["raw_news_claims"])
    failed = _failed(outcome)
    assert failed[("expect_column_values_to_be_between", "quantity_t")] == 1
    assert failed[("expect_column_values_to_be_between", "change_pct")] == 1
    assert failed[("expect_column_pair_values_a_to_be_greater_than_b", "published_month")] == 1


def test_a_failing_suite_check_in_dagster_reports_failing_rows_and_example_values(
    pipeline_run, tmp_path
):
    broken = tmp_path / "broken.duckdb"
    shutil.copy(pipeline_run.paths.warehouse, broken)
    conn = duckdb.connect(str(broken))
    # Two negative quantities: impossible, and what the suite's quantity expectation guards.
    conn.execute(
        "update raw.published_figures set quantity = -5.5 where figure_id in "
        "(select figure_id from raw.published_figures order by figure_id limit 2)"
    )
    conn.close()
    (check,) = [
        c
        for c in build_suite_checks()
        if any(key.name == "ge_raw_published_figures" for key in c.check_keys)
    ]
    definitions = Definitions(
        asset_checks=[check],
        jobs=[define_asset_job("ge_only", selection=AssetSelection.checks(check))],
        resources={"warehouse": Warehouse(path=str(broken))},
    )
    result = definitions.resolve_job_def("ge_only").execute_in_process(
        instance=DagsterInstance.ephemeral()
    )

    (evaluation,) = result.get_asset_check_evaluations()
    assert not evaluation.passed
    metadata = evaluation.metadata
    assert metadata["failing_rows"].value == 2
    assert metadata["failed_expectations"].value == 1
    (failure,) = metadata["failing_examples"].value
    assert failure["column"] == "quantity" and failure["failing_rows"] == 2
    assert failure["examples"] == ["-5.5", "-5.5"]
    assert "| quantity | 2 | -5.5, -5.5 |" in metadata["failures"].value

    # The same check on the pipeline's own output passes and lists no failures.
    clean = (
        Definitions(
            asset_checks=[check],
            jobs=[define_asset_job("ge_only", selection=AssetSelection.checks(check))],
            resources={"warehouse": Warehouse(path=str(pipeline_run.paths.warehouse))},
        )
        .resolve_job_def("ge_only")
        .execute_in_process(instance=DagsterInstance.ephemeral())
    )
    (evaluation,) = clean.get_asset_check_evaluations()
    assert evaluation.passed and evaluation.metadata["failing_rows"].value == 0
    assert "failing_examples" not in evaluation.metadata
