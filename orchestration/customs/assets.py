"""Landing assets for customs extracts and partner reference data (group `raw`)."""

import datetime as dt

import pandas as pd
import pycountry
from dagster import AssetKey, MaterializeResult, asset

from orchestration import settings
from orchestration.customs.gacc_excel import GACC_QUERY_XLSX
from orchestration.customs.gacc_preliminary import GACC_PRELIMINARY_HTML, GACC_PRELIMINARY_XLSX
from orchestration.customs.gacc_query import GACC_QUERY_CSV
from orchestration.customs.published_figures import PUBLISHED_FIGURES
from orchestration.landing.assets import landing_asset
from orchestration.preview import table_preview
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


LANDING_ASSETS = [
    raw_published_figures,
    raw_gacc_query_exports,
    raw_gacc_preliminary_table,
    raw_iso_countries,
]
