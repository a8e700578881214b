"""Row counts, columns and previews of the tables a dbt build made, added to its events."""

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import duckdb
from dagster import AssetExecutionContext, AssetMaterialization, Output

from orchestration.resources import Warehouse
from orchestration.table_metadata import table_metadata, table_schema


def with_table_metadata(
    context: AssetExecutionContext,
    events: Iterable[Any],
    manifest: Mapping[str, Any],
    warehouse: Warehouse,
) -> Iterator[Any]:
    """dbt's events, each materialization with the row count, columns and first rows of the
    table it built.

    The warehouse is read only after dbt has exited: DuckDB lets no other process open the
    file while dbt writes it. (dagster-dbt's fetch_row_counts / fetch_column_metadata wait
    the same way, but name tables by the database recorded when the manifest was parsed,
    which differs whenever REE_WAREHOUSE's file name does; schema.table works for any file.)
    Views get their columns only: a count or a preview would run the view's whole query.
    """
    collected, failure = [], None
    try:
        for event in events:
            collected.append(event)
    except Exception as error:  # noqa: BLE001 - re-raised below, after the events are out
        failure = error
    built = [(event, _built_node(event, manifest)) for event in collected]
    if any(node is not None for _, node in built):
        with warehouse.connect(read_only=True) as conn:
            for event, node in built:
                yield _with_node_metadata(context, conn, event, node)
    else:  # nothing was built (dbt failed early): the warehouse may not even exist
        yield from collected
    if failure is not None:
        raise failure


def _with_node_metadata(context, conn, event, node):
    if node is None:
        return event
    try:
        return event.with_metadata({**event.metadata, **_node_metadata(conn, node)})
    except duckdb.Error as error:  # metadata for the UI must never fail the build
        context.log.warning(f"no table metadata for {node['unique_id']}: {error}")
        return event


def _built_node(event: Any, manifest: Mapping[str, Any]) -> Mapping[str, Any] | None:
    if not isinstance(event, (Output, AssetMaterialization)) or "unique_id" not in event.metadata:
        return None
    return manifest["nodes"].get(event.metadata["unique_id"].value)


def _node_metadata(conn: duckdb.DuckDBPyConnection, node: Mapping[str, Any]) -> dict[str, Any]:
    relation = f"{node['schema']}.{node['alias']}"
    descriptions = {
        name: column["description"]
        for name, column in node.get("columns", {}).items()
        if column.get("description")
    }
    if node["config"].get("materialized") == "view":
        return {"dagster/column_schema": table_schema(conn, relation, descriptions)}
    return table_metadata(conn, relation, descriptions)
