"""Landing assets for customs extracts and partner reference data (group `raw`)."""

import datetime as dt

import pandas as pd
import pycountry
from dagster import AssetExecutionContext, AssetKey, MaterializeResult, asset

from orchestration import settings
from orchestration.customs.gacc_query import GACC_QUERY_CSV
from orchestration.customs.published_figures import PUBLISHED_FIGURES
from orchestration.landing.contract import FileKind
from orchestration.landing.kinds import ALL_KINDS
from orchestration.landing.store import land_kind
from orchestration.preview import row_count, table_preview
from orchestration.resources import Warehouse

# Warnings beyond this many are summarized: the full list is in quarantine.rejected_rows.
MAX_LOGGED_REJECTS = 50


def landing_asset(kind: FileKind, description: str):
    """Build the asset that lands every file of one kind found under REE_LANDING_DIR."""
    schema, table = kind.raw_table.split(".")

    @asset(
        key=AssetKey([schema, table]),
        description=description,
        group_name="raw",
        kinds={"python", "duckdb"},
        owners=["team:ree-tracker"],
        pool=settings.WAREHOUSE_POOL,
    )
    def _land(context: AssetExecutionContext, warehouse: Warehouse) -> MaterializeResult:
        landing_root = settings.landing_dir()
        with warehouse.connect() as conn:
            report = land_kind(conn, landing_root, kind, ALL_KINDS)
            total_rows = row_count(conn, kind.raw_table)
            preview = table_preview(conn, kind.raw_table)
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
            f"{kind.name}: {len(report.files_landed)} new file(s), {report.rows_landed} rows "
            f"landed, {report.rows_rejected} quarantined, "
            f"{len(report.files_already_landed)} file(s) already landed"
        )
        return MaterializeResult(
            metadata={
                **report.as_metadata(),
                "dagster/row_count": total_rows,
                "landing_dir": str(landing_root),
                "preview": preview,
            }
        )

    return _land


raw_published_figures = landing_asset(
    PUBLISHED_FIGURES,
    "Figures transcribed from published reports, landed from the published-figures extract.",
)
raw_gacc_query_exports = landing_asset(
    GACC_QUERY_CSV,
    "Lines of GACC online-query CSV exports (GBK or UTF-8), landed as reported.",
)


@asset(
    key=AssetKey(["raw", "iso_countries"]),
    group_name="raw",
    kinds={"python", "duckdb"},
    owners=["team:ree-tracker"],
    pool=settings.WAREHOUSE_POOL,
)
def raw_iso_countries(warehouse: Warehouse) -> MaterializeResult:
    """ISO 3166-1 countries from the maintained pycountry package, rebuilt on every run."""
    frame = pd.DataFrame(
        [
            {
                "alpha_2": country.alpha_2,
                "alpha_3": country.alpha_3,
                "numeric_code": country.numeric,
                "name": getattr(country, "common_name", country.name),
                "official_name": getattr(country, "official_name", None),
            }
            for country in pycountry.countries
        ]
    )
    frame["_loaded_at"] = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    with warehouse.connect() as conn:
        conn.execute("create schema if not exists raw")
        conn.register("countries_frame", frame)
        conn.execute("create or replace table raw.iso_countries as select * from countries_frame")
        conn.unregister("countries_frame")
        preview = table_preview(conn, "raw.iso_countries")
    return MaterializeResult(
        metadata={
            "dagster/row_count": len(frame),
            "pycountry_version": getattr(pycountry, "__version__", "unknown"),
            "preview": preview,
        }
    )


LANDING_ASSETS = [raw_published_figures, raw_gacc_query_exports, raw_iso_countries]
