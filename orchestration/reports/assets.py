"""The assets that draw the reports for people who read pictures, not tables: the policy
timelines (PNG charts and one HTML report) and the interactive policy-impact report."""

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
    "fct_reported_figures",
    "dim_series",
    "dim_policy_event",
    "dim_partner",
    "dim_product",
)
CHART_SOURCE_KEYS = [AssetKey(["marts", model]) for model in CHART_SOURCE_MODELS]
# The asset is a set of files, not a table: its "rows" are the files it writes.
REPORT_FILES_SCHEMA = TableSchema(
    columns=[
        TableColumn("file", "varchar", "PNG chart or the HTML report, in REE_REPORTS_DIR."),
        TableColumn("subject", "varchar", "What it shows: a product group or one series."),
    ]
)


def _whole_table(conn: duckdb.DuckDBPyConnection, model: str) -> pd.DataFrame:
    from orchestration.reports.model import ChartInputError

    try:
        return conn.execute(f"select * from marts.{model}").df()
    except duckdb.CatalogException as error:
        raise ChartInputError(
            f"marts.{model} is not in the warehouse: run dbt build first ({error})"
        ) from error


def read_chart_inputs(conn: duckdb.DuckDBPyConnection):
    """The marts as whole tables (they are small), so a missing column is reported by the
    charts' own check, with the column's name, instead of as a SQL error; and the product
    groups the tracker follows (dim_product), so a group without figures is reported."""
    from orchestration.reports.data import ChartInputs

    inputs = ChartInputs(
        series=_whole_table(conn, "mart_policy_annotated_series"),
        figures=_whole_table(conn, "fct_reported_figures"),
        series_info=_whole_table(conn, "dim_series"),
        events=_whole_table(conn, "dim_policy_event"),
        partners=_whole_table(conn, "dim_partner"),
    )
    products = _whole_table(conn, "dim_product")
    groups = sorted(products["product_group"].dropna().unique().tolist())
    return inputs, groups


def preview_markdown(report) -> str:
    """Markdown for the UI: the UI renders images given as data URIs (its sanitizer allows
    the data: protocol for img src), so each group's chart shows on the asset page itself.
    Series charts are named, not embedded: all of them would make the event a few MB, and
    the HTML report has them."""
    from orchestration.reports.page import png_data_uri

    parts = []
    for section in report.sections:
        parts.append(f"### {section.heading}")
        group, *series = section.charts
        if group.png is None:
            parts.append(f"_{group.empty_message}_")
        else:
            parts.append(f"![{group.title}]({png_data_uri(group.png)})")
        drawn = [f"`{chart.file_name}`" for chart in series if chart.png is not None]
        if drawn:
            parts.append("Series charts (in the HTML report): " + ", ".join(drawn))
        parts += [f"_{chart.empty_message}_" for chart in series if chart.png is None]
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
    """Export charts per product group (every customs series, world) and per series (world
    and top partners), with longer-period figures and policy events marked; PNG files and
    one self-contained HTML report in REE_REPORTS_DIR."""
    # matplotlib and the drawing code load here, not when the definitions load.
    from orchestration.reports.drawn_charts import FOLDER_NAME, DrawnCharts
    from orchestration.reports.page import write_report
    from orchestration.reports.report import build_report

    with warehouse.connect(read_only=True) as conn:
        inputs, groups = read_chart_inputs(conn)
    store = DrawnCharts(settings.reports_dir() / FOLDER_NAME)
    report = build_report(inputs, product_groups=groups, store=store)
    files = write_report(report, settings.reports_dir(), settings.REPORT_HTML_NAME)
    context.log.info(f"Charts drawn: {store.drawn}; unchanged since the last run: {store.reused}")
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
            "charts_drawn": store.drawn,
            "charts_unchanged": store.reused,
            "points": MetadataValue.json({chart.name: chart.points for chart in report.charts}),
            "events_marked": MetadataValue.json(
                {chart.name: chart.event_ids for chart in report.charts}
            ),
            "without_figures": MetadataValue.json(report.empty_messages),
            "preview": MetadataValue.md(preview_markdown(report)),
        }
    )


# The marts the interactive impact report reads (issue 17).
IMPACT_SOURCE_MODELS = (
    "mart_policy_annotated_series",
    "mart_policy_impact",
    "mart_policy_event_window",
    "dim_series",
    "dim_policy_event",
    "dim_partner",
)
IMPACT_REPORT_SCHEMA = TableSchema(
    columns=[
        TableColumn("file", "varchar", "The interactive HTML report, in REE_REPORTS_DIR."),
        TableColumn("series", "varchar", "One section per series with figures."),
    ]
)


def read_impact_inputs(conn: duckdb.DuckDBPyConnection):
    from orchestration.reports.interactive_data import ImpactInputs

    return ImpactInputs(
        series=_whole_table(conn, "mart_policy_annotated_series"),
        impact=_whole_table(conn, "mart_policy_impact"),
        event_window=_whole_table(conn, "mart_policy_event_window"),
        series_info=_whole_table(conn, "dim_series"),
        events=_whole_table(conn, "dim_policy_event"),
        partners=_whole_table(conn, "dim_partner"),
    )


@asset(
    key=AssetKey(["reports", "policy_impact"]),
    deps=[AssetKey(["marts", model]) for model in IMPACT_SOURCE_MODELS],
    group_name="reports",
    kinds={"python", "plotly", "html"},
    owners=["team:ree-tracker"],
    metadata={"dagster/column_schema": IMPACT_REPORT_SCHEMA},
    pool=settings.WAREHOUSE_POOL,
)
def policy_impact(context: AssetExecutionContext, warehouse: Warehouse) -> MaterializeResult:
    """Interactive policy-impact report: per series the monthly chart with events (hover for
    the figure, its source URL and the measures in force), what changed after each measure,
    event windows and CSV downloads; one HTML file that opens with no network."""
    from orchestration.reports.impact_version import (
        impact_report_version,
        is_current,
        record_version,
    )
    from orchestration.reports.interactive_data import report_series

    with warehouse.connect(read_only=True) as conn:
        inputs = read_impact_inputs(conn)
    path = settings.impact_html_path()
    version = impact_report_version(inputs)
    written = not is_current(path, version)
    if written:
        # plotly loads here, not when the definitions load, nor when the page is current.
        from orchestration.reports.interactive_page import write_impact_report

        write_impact_report(inputs, path)
        record_version(path, version)
    series = report_series(inputs)
    verdicts = inputs.impact["verdict"].fillna("no verdict").value_counts().to_dict()
    state = "written" if written else "unchanged (same marts and code as when it was written)"
    context.log.info(f"Impact report for {len(series)} series, {state}: {path}")
    return MaterializeResult(
        metadata={
            "report": MetadataValue.path(str(path)),
            "written": written,
            "series": len(series),
            "size_bytes": path.stat().st_size,
            "verdicts": MetadataValue.json({str(k): int(v) for k, v in verdicts.items()}),
        }
    )
