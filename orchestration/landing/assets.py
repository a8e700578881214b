"""Every raw_* landing asset: one per raw table, landing every new file of its kinds, and the
ISO country list rebuilt from pycountry (group `raw`; news articles land in group `news`)."""

import datetime as dt

import pandas as pd
import pycountry
from dagster import (
    AssetExecutionContext,
    AssetKey,
    MaterializeResult,
    TableColumn,
    TableSchema,
    asset,
)

from orchestration import settings
from orchestration.extract.comtrade import COMTRADE_CSV, COMTRADE_JSON
from orchestration.extract.comtrade_partner_table import COMTRADE_PARTNER_TABLE
from orchestration.extract.contract import FileKind
from orchestration.extract.gacc.preliminary_html import GACC_PRELIMINARY_HTML
from orchestration.extract.gacc.preliminary_xlsx import GACC_PRELIMINARY_XLSX
from orchestration.extract.gacc.query_csv import GACC_QUERY_CSV
from orchestration.extract.gacc.query_xlsx import GACC_QUERY_XLSX
from orchestration.extract.published_figures import PUBLISHED_FIGURES
from orchestration.extract.registry import ALL_KINDS
from orchestration.landing.store import PROVENANCE_DDL, land_kinds, utc_now
from orchestration.news.readers import NEWS_KINDS
from orchestration.resources import Warehouse
from orchestration.table_metadata import (
    create_table_ddl,
    descriptions_of,
    schema_from_ddl,
    table_metadata,
)

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


raw_published_figures = landing_asset(
    (PUBLISHED_FIGURES,),
    "raw",
    "Figures transcribed from published reports, landed from the published-figures extract.",
)
raw_gacc_query_exports = landing_asset(
    (GACC_QUERY_CSV, GACC_QUERY_XLSX),
    "raw",
    "Lines of GACC online-query exports (CSV in GBK or UTF-8, or Excel), landed as reported.",
)
raw_gacc_preliminary_table = landing_asset(
    (GACC_PRELIMINARY_XLSX, GACC_PRELIMINARY_HTML),
    "raw",
    "Lines of GACC's English preliminary table of major export commodities (HTML or Excel).",
)

ISO_COUNTRIES_SCHEMA = TableSchema(
    columns=[
        TableColumn("alpha_2", "varchar", "ISO 3166-1 alpha-2 code."),
        TableColumn("alpha_3", "varchar", "ISO 3166-1 alpha-3 code: partner_iso3 in the marts."),
        TableColumn("numeric_code", "varchar", "ISO 3166-1 numeric code, zero-padded text."),
        TableColumn("name", "varchar", "Common name where pycountry has one, else the name."),
        TableColumn("official_name", "varchar", "Official name, where pycountry has one."),
        TableColumn("_loaded_at", "timestamp", "When the table was rebuilt (UTC)."),
    ]
)


@asset(
    key=AssetKey(["raw", "iso_countries"]),
    group_name="raw",
    kinds={"python", "duckdb"},
    owners=["team:ree-tracker"],
    pool=settings.WAREHOUSE_POOL,
    metadata={"dagster/column_schema": ISO_COUNTRIES_SCHEMA},
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
        table_md = table_metadata(conn, "raw.iso_countries", descriptions_of(ISO_COUNTRIES_SCHEMA))
    return MaterializeResult(
        metadata={**table_md, "pycountry_version": getattr(pycountry, "__version__", "unknown")}
    )


raw_comtrade_records = landing_asset(
    (COMTRADE_JSON, COMTRADE_CSV, COMTRADE_PARTNER_TABLE),
    "raw",
    "UN Comtrade monthly records (API responses, CSV downloads and tables of China's "
    "exports by partner), landed as reported.",
)

# Articles land here like any other file; the claims in them are extracted in news/.
raw_news_articles = landing_asset(
    NEWS_KINDS,
    "news",
    "News articles (plain text, HTML reduced to text, JSON lines) with title, outlet, URL "
    "and publication date when found.",
)

LANDING_ASSETS = [
    raw_published_figures,
    raw_gacc_query_exports,
    raw_gacc_preliminary_table,
    raw_comtrade_records,
    raw_iso_countries,
    raw_news_articles,
]
