"""The landing asset: one per raw table, landing every new file of its kinds."""

from dagster import AssetExecutionContext, AssetKey, MaterializeResult, asset

from orchestration import settings
from orchestration.landing.contract import FileKind
from orchestration.landing.kinds import ALL_KINDS
from orchestration.landing.store import PROVENANCE_DDL, land_kinds, utc_now
from orchestration.preview import (
    create_table_ddl,
    descriptions_of,
    schema_from_ddl,
    table_metadata,
)
from orchestration.resources import Warehouse

# Warnings beyond this many are summarized: the full list is in quarantine.rejected_rows.
MAX_LOGGED_REJECTS = 50
# Metadata key: when this landing started (UTC, the clock of the raw tables' _loaded_at), so
# checks can validate just the rows it added.
LANDING_STARTED_AT = "landing_started_at"


def landing_asset(kinds: tuple[FileKind, ...], group_name: str, description: str):
    """Build the asset that lands every file of these kinds found under REE_LANDING_DIR.

    The kinds share one raw table (e.g. news as text, HTML or JSON lines).
    """
    (raw_table,) = {kind.raw_table for kind in kinds}
    (columns_ddl,) = {kind.columns_ddl.strip() for kind in kinds}
    schema, table = raw_table.split(".")
    # The columns landing creates the table with (store.ensure_tables), shown before any run.
    declared_schema = schema_from_ddl(
        create_table_ddl(raw_table, columns_ddl, PROVENANCE_DDL), raw_table
    )

    @asset(
        key=AssetKey([schema, table]),
        description=description,
        group_name=group_name,
        kinds={"python", "duckdb"},
        owners=["team:ree-tracker"],
        pool=settings.WAREHOUSE_POOL,
        metadata={"dagster/column_schema": declared_schema},
    )
    def _land(context: AssetExecutionContext, warehouse: Warehouse) -> MaterializeResult:
        landing_root = settings.landing_dir()
        started_at = utc_now()
        with warehouse.connect() as conn:
            report = land_kinds(conn, landing_root, kinds, ALL_KINDS, progress=context.log.info)
            table_md = table_metadata(conn, raw_table, descriptions_of(declared_schema))
        for message in report.reject_messages[:MAX_LOGGED_REJECTS]:
            context.log.warning(f"quarantined: {message}")
        if len(report.reject_messages) > MAX_LOGGED_REJECTS:
            context.log.warning(
                f"... and {len(report.reject_messages) - MAX_LOGGED_REJECTS} more rows; "
                "see quarantine.rejected_rows"
            )
        for name, reason in report.files_rejected.items():
            context.log.warning(f"file rejected: {reason} ({name})")
        for name in report.unrecognized_files:
            context.log.warning(f"not recognized, nothing landed: {landing_root / name}")
        context.log.info(
            f"{report.kind}: {len(report.files_landed)} new file(s), {report.rows_landed} rows "
            f"landed, {report.rows_rejected} quarantined, "
            f"{len(report.files_already_landed)} file(s) already landed"
        )
        return MaterializeResult(
            metadata={
                **report.as_metadata(),
                **table_md,
                "landing_dir": str(landing_root),
                LANDING_STARTED_AT: started_at.isoformat(),
            }
        )

    return _land
