"""The asset that publishes the marts for BI tools.

It depends on every mart; the definitions hand it their keys (from the dbt assets), so this
module needs neither dbt nor its manifest.
"""

from collections.abc import Sequence

from dagster import (
    AssetKey,
    AssetsDefinition,
    MaterializeResult,
    MetadataValue,
    TableColumn,
    TableSchema,
    asset,
)

from orchestration import settings
from orchestration.publish.publisher import parquet_folder, parquet_glob, publish_marts
from orchestration.resources import Warehouse

# The published file is a database, not one table: its "rows" are the marts it holds. Each
# mart's own columns are on that mart's asset.
PUBLISHED_CATALOG_SCHEMA = TableSchema(
    columns=[
        TableColumn("table_name", "varchar", "Mart table, in schema marts of the published file."),
        TableColumn("row_count", "bigint", "Rows copied into the published file."),
    ]
)


def _catalog_markdown(counts: dict[str, int]) -> MetadataValue:
    lines = ["| table_name | row_count |", "|---|---|"]
    lines += [f"| marts.{table} | {rows} |" for table, rows in sorted(counts.items())]
    return MetadataValue.md("\n".join(lines))


def published_marts_asset(mart_keys: Sequence[AssetKey]) -> AssetsDefinition:
    """The publication asset, downstream of the marts with these keys."""

    @asset(
        key=AssetKey(["published", "ree_tracker"]),
        deps=list(mart_keys),
        group_name="publish",
        kinds={"duckdb"},
        owners=["team:ree-tracker"],
        pool=settings.WAREHOUSE_POOL,
        metadata={"dagster/column_schema": PUBLISHED_CATALOG_SCHEMA},
        # Runs after the GE checks that go late (orchestration/quality/checks.py), as before.
        op_tags={"dagster/priority": str(settings.LATE_STEP_PRIORITY)},
    )
    def published_marts(warehouse: Warehouse) -> MaterializeResult:
        """Read-only copy of every mart in REE_PUBLISH_DIR (DuckDB, and Parquet per mart),
        replaced atomically for BI readers."""
        target = settings.published_db_path()
        counts = publish_marts(warehouse.resolved_path(), target)
        parquet_files = {
            mart: {"path": parquet_glob(target, mart), "rows": rows}
            for mart, rows in counts.items()
        }
        return MaterializeResult(
            metadata={
                "path": MetadataValue.path(str(target)),
                "dagster/row_count": sum(counts.values()),
                "rows_per_mart": MetadataValue.json(counts),
                "preview": _catalog_markdown(counts),
                "parquet_folder": MetadataValue.path(str(parquet_folder(target))),
                "parquet_files": MetadataValue.json(parquet_files),
            }
        )

    return published_marts
