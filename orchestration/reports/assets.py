"""The asset that draws the policy timelines: PNG charts and one HTML report for people who
read pictures, not tables."""

import duckdb
import pandas as pd
from dagster import (
    AssetExecutionContext,
    AssetKey,
    MaterializeResult,
    MetadataValue,
    TableColumn,
    TableSchema,
    asset,
)

from orchestration import settings
from orchestration.resources import Warehouse

# The marts the charts read, by their dbt asset keys ([schema, model]).
CHART_SOURCE_MODELS = (
    "mart_policy_annotated_series",
    "dim_policy_event",
    "dim_partner",
    "dim_product",
)
CHART_SOURCE_KEYS = [AssetKey(["marts", model]) for model in CHART_SOURCE_MODELS]
# The asset is a set of files, not a table: its "rows" are the files it writes.
REPORT_FILES_SCHEMA = TableSchema(
    columns=[
        TableColumn("file", "varchar", "PNG chart or the HTML report, in REE_REPORTS_DIR."),
        TableColumn("subject", "varchar", "What it shows: a product group, world or top partners."),
    ]
)


def read_chart_inputs(conn: duckdb.DuckDBPyConnection) -> dict[str, pd.DataFrame | list[str]]:
    """Whole tables (they are small), so a missing column is reported by the charts' own
    check, with the column's name, instead of as a SQL error."""
    from orchestration.reports.charts import ChartInputError

    frames = {}
    for model in ("mart_policy_annotated_series", "dim_policy_event", "dim_partner"):
        try:
            frames[model] = conn.execute(f"select * from marts.{model}").df()
        except duckdb.CatalogException as error:
            raise ChartInputError(
                f"marts.{model} is not in the warehouse: run dbt build first ({error})"
            ) from error
    try:
        groups = conn.execute(
            "select distinct product_group from marts.dim_product "
            "where product_group is not null order by 1"
        ).fetchall()
    except duckdb.CatalogException as error:
        raise ChartInputError(
            f"marts.dim_product is not in the warehouse: run dbt build first ({error})"
        ) from error
    frames["product_groups"] = [group for (group,) in groups]
    return frames


def preview_markdown(report) -> str:
    """Markdown for the UI: the UI renders images given as data URIs (its sanitizer allows
    the data: protocol for img src), so the charts show on the asset page itself."""
    from orchestration.reports.charts import png_data_uri

    parts = []
    for section in report.sections:
        parts.append(f"### {section.heading}")
        for chart in section.charts:
            if chart.png is None:
                parts.append(f"_{chart.empty_message}_")
            else:
                parts.append(f"![{chart.title}]({png_data_uri(chart.png)})")
    return "\n\n".join(parts)


@asset(
    key=AssetKey(["reports", "policy_timelines"]),
    deps=CHART_SOURCE_KEYS,
    group_name="reports",
    kinds={"python", "matplotlib"},
    owners=["team:ree-tracker"],
    metadata={"dagster/column_schema": REPORT_FILES_SCHEMA},
    # Reads the warehouse file: inside the pool no writer holds it (DuckDB allows one writer
    # or many readers, never both).
    pool=settings.WAREHOUSE_POOL,
)
def policy_timelines(context: AssetExecutionContext, warehouse: Warehouse) -> MaterializeResult:
    """Monthly export charts (tonnes) per product group, world total and top partners, with
    policy events marked; PNG files and one self-contained HTML report in REE_REPORTS_DIR."""
    # matplotlib and the drawing code load here, not when the definitions load.
    from orchestration.reports.charts import build_report, write_report

    with warehouse.connect(read_only=True) as conn:
        inputs = read_chart_inputs(conn)
    report = build_report(
        inputs["mart_policy_annotated_series"],
        inputs["dim_policy_event"],
        inputs["dim_partner"],
        product_groups=inputs["product_groups"],
    )
    files = write_report(report, settings.reports_dir(), settings.REPORT_HTML_NAME)
    if report.empty_messages:
        context.log.info("No chart where there are no figures: " + " ".join(report.empty_messages))
    return MaterializeResult(
        metadata={
            "report": MetadataValue.path(str(files["report"])),
            **{
                f"chart/{chart.name}": MetadataValue.path(str(files[chart.name]))
                for chart in report.charts
            },
            "charts": len(report.charts),
            "events_marked": MetadataValue.json(
                {chart.name: chart.event_ids for chart in report.charts}
            ),
            "without_figures": MetadataValue.json(report.empty_messages),
            "preview": MetadataValue.md(preview_markdown(report)),
        }
    )
