"""The asset that publishes the marts for BI tools."""

from dagster import AssetKey, MaterializeResult, MetadataValue, asset

from orchestration import settings
from orchestration.publish.publisher import publish_marts
from orchestration.resources import Warehouse
from orchestration.transform.assets import mart_keys


@asset(
    key=AssetKey(["published", "ree_tracker"]),
    deps=mart_keys(),
    group_name="publish",
    kinds={"duckdb"},
    owners=["team:ree-tracker"],
    pool=settings.WAREHOUSE_POOL,
)
def published_marts(warehouse: Warehouse) -> MaterializeResult:
    """Read-only copy of every mart in REE_PUBLISH_DIR, replaced atomically for BI readers."""
    target = settings.published_db_path()
    counts = publish_marts(warehouse.resolved_path(), target)
    return MaterializeResult(
        metadata={
            "path": MetadataValue.path(str(target)),
            "dagster/row_count": sum(counts.values()),
            "rows_per_mart": MetadataValue.json(counts),
        }
    )
