"""Landing assets for customs extracts and partner reference data (group `raw`)."""

import datetime as dt

import pandas as pd
import pycountry
from dagster import AssetKey, MaterializeResult, TableColumn, TableSchema, asset

from orchestration import settings
from orchestration.customs.gacc_excel import GACC_QUERY_XLSX
from orchestration.customs.gacc_preliminary import GACC_PRELIMINARY_HTML, GACC_PRELIMINARY_XLSX
from orchestration.customs.gacc_query import GACC_QUERY_CSV
from orchestration.customs.published_figures import PUBLISHED_FIGURES
from orchestration.landing.assets import landing_asset
from orchestration.preview import descriptions_of, table_metadata
from orchestration.resources import Warehouse

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


LANDING_ASSETS = [
    raw_published_figures,
    raw_gacc_query_exports,
    raw_gacc_preliminary_table,
    raw_iso_countries,
]
