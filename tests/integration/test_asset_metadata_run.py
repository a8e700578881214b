"""What the pipeline run records for the UI, checked against the warehouse it built: row
counts, columns and previews of the dbt tables, and failure counts on the dbt test checks."""

import json

import duckdb
import pytest

from orchestration import settings
from orchestration.transform.assets import mart_keys

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def materialized(pipeline_run):
    return {
        event.asset_key: event.materialization.metadata
        for event in pipeline_run.result.get_asset_materialization_events()
    }


@pytest.fixture(scope="module")
def warehouse(pipeline_run):
    conn = duckdb.connect(str(pipeline_run.paths.warehouse), read_only=True)
    yield conn
    conn.close()


@pytest.fixture(scope="module")
def dbt_nodes():
    manifest = json.loads((settings.DBT_PROJECT_DIR / "target" / "manifest.json").read_text())
    return {
        (node["schema"], node["alias"]): node
        for node in manifest["nodes"].values()
        if node["resource_type"] in ("model", "seed")
    }


def _columns(conn, schema, table):
    return [
        name
        for (name,) in conn.execute(
            "select column_name from information_schema.columns "
            "where table_schema = ? and table_name = ? order by ordinal_position",
            [schema, table],
        ).fetchall()
    ]


def _schema(metadata):
    value = metadata["dagster/column_schema"]
    return getattr(value, "schema", value)


def test_every_mart_records_its_true_row_count_its_columns_and_a_preview(materialized, warehouse):
    assert mart_keys()
    for key in mart_keys():
        metadata = materialized[key]
        schema, table = key.path
        (rows,) = warehouse.execute(f"select count(*) from {schema}.{table}").fetchone()
        assert metadata["dagster/row_count"].value == rows, key
        assert [c.name for c in _schema(metadata).columns] == _columns(warehouse, schema, table)
        preview = metadata["preview"].value
        if rows:
            assert preview.count("\n") == min(rows, 5) + 1, key  # header, rule, rows
        else:
            assert preview == "_no rows_", key

    fact = materialized[next(k for k in mart_keys() if k.path[1] == "fct_monthly_exports")]
    assert fact["dagster/row_count"].value > 0
    documented = {c.name: c.description for c in _schema(fact).columns}
    assert documented["quantity_t"]  # the marts' yml descriptions reach the UI


def test_dbt_seeds_are_counted_and_views_carry_their_columns_but_no_count(
    materialized, warehouse, dbt_nodes
):
    seen = {"seed": 0, "view": 0}
    for key, metadata in materialized.items():
        node = dbt_nodes.get(tuple(key.path))
        if node is None:
            continue  # not a dbt table
        assert _schema(metadata).columns, key
        if node["resource_type"] == "seed":
            seen["seed"] += 1
            (rows,) = warehouse.execute(f"select count(*) from {'.'.join(key.path)}").fetchone()
            assert metadata["dagster/row_count"].value == rows
            assert metadata["preview"].value.startswith("|")
        elif node["config"]["materialized"] == "view":
            seen["view"] += 1
            # Counting or previewing a view runs its whole query: left out on purpose.
            assert "dagster/row_count" not in metadata and "preview" not in metadata
    assert seen["seed"] >= 9 and seen["view"] >= 10


def test_every_dbt_test_check_carries_its_failing_row_count(pipeline_run):
    dbt_checks = [
        evaluation
        for evaluation in pipeline_run.result.get_asset_check_evaluations()
        if getattr(evaluation.metadata.get("unique_id"), "value", "").startswith("test.")
    ]
    assert len(dbt_checks) > 40
    for evaluation in dbt_checks:
        failing = evaluation.metadata["dagster_dbt/failed_row_count"].value
        assert (failing == 0) == evaluation.passed, evaluation.check_name
