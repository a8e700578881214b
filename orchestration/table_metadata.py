"""What the Dagster UI shows about a table: a markdown preview, its row count, its columns.

Cells are data, never markup: landed text (articles above all) may hold HTML or markdown, so
every cell is escaped and shortened before it reaches the UI.
"""

from __future__ import annotations

import functools
import html
import threading
from collections.abc import Mapping

import duckdb
from dagster import MetadataValue, TableColumn, TableColumnConstraints, TableSchema

MAX_CELL_CHARS = 80

# The columns the landing step adds to every raw table (orchestration/landing/store.py).
PROVENANCE_DESCRIPTIONS = {
    "_source_file": "File the row was landed from, relative to the landing folder.",
    "_content_hash": "SHA-256 of that file's bytes: the file's identity for idempotent landing.",
    "_row_number": "Line of the file where the record ends (the header is line 1).",
    "_loaded_at": "When the file was landed (UTC).",
}


def _safe_cell(value: object) -> str:
    text = " ".join(str(value).split())
    if len(text) > MAX_CELL_CHARS:
        text = text[: MAX_CELL_CHARS - 1] + "…"
    # Escape HTML, then the characters markdown would act on inside a table.
    text = html.escape(text, quote=True)
    for char in ("\\", "|", "`", "*", "_", "[", "]", "!", "#"):
        text = text.replace(char, "\\" + char)
    return text


def table_preview(conn: duckdb.DuckDBPyConnection, table: str, limit: int = 5) -> MetadataValue:
    cursor = conn.execute(f"select * from {table} limit {int(limit)}")
    columns = [_safe_cell(d[0]) for d in cursor.description]
    rows = cursor.fetchall()
    if not rows:
        return MetadataValue.md("_no rows_")
    lines = [
        "| " + " | ".join(columns) + " |",
        "|" + "---|" * len(columns),
        *("| " + " | ".join(_safe_cell(v) for v in row) + " |" for row in rows),
    ]
    return MetadataValue.md("\n".join(lines))


def row_count(conn: duckdb.DuckDBPyConnection, table: str) -> int:
    return int(conn.execute(f"select count(*) from {table}").fetchone()[0])


def table_schema(
    conn: duckdb.DuckDBPyConnection,
    table: str,
    descriptions: Mapping[str, str] | None = None,
) -> TableSchema:
    """The columns of a schema-qualified table as the database has them: name, type, nullable."""
    schema_name, table_name = table.split(".")
    rows = conn.execute(
        "select column_name, data_type, is_nullable from information_schema.columns "
        "where table_schema = ? and table_name = ? order by ordinal_position",
        [schema_name, table_name],
    ).fetchall()
    if not rows:
        raise ValueError(f"{table} has no columns: is it created?")
    described = {**PROVENANCE_DESCRIPTIONS, **(descriptions or {})}
    return TableSchema(
        columns=[
            TableColumn(
                name=name,
                type=data_type.lower(),
                description=described.get(name),
                constraints=TableColumnConstraints(nullable=is_nullable == "YES"),
            )
            for name, data_type, is_nullable in rows
        ]
    )


def schema_from_ddl(
    ddl: str, table: str, descriptions: Mapping[str, str] | None = None
) -> TableSchema:
    """The schema a DDL script gives `table`, read back from a scratch in-memory database.

    Declared when the definitions load, so the UI shows a raw table's columns before the
    first run; DuckDB itself parses the DDL, so the declared types are the ones it creates.
    The DDL runs in a transaction that is rolled back, so every call starts from nothing.
    """
    with _SCRATCH_LOCK:
        conn = _scratch_database()
        conn.execute("begin transaction")
        try:
            conn.execute(ddl)
            return table_schema(conn, table, descriptions)
        finally:
            conn.execute("rollback")


@functools.cache
def _scratch_database() -> duckdb.DuckDBPyConnection:
    # In memory, never the warehouse (which importing the definitions must not open); one
    # for the process, since opening a database costs more than the DDL it checks.
    return duckdb.connect()


_SCRATCH_LOCK = threading.Lock()


def create_table_ddl(table: str, *column_ddls: str) -> str:
    schema_name = table.split(".")[0]
    columns = ",\n".join(ddl.strip().rstrip(",") for ddl in column_ddls)
    return f"create schema if not exists {schema_name}; create table {table} ({columns});"


def descriptions_of(schema: TableSchema) -> dict[str, str]:
    return {column.name: column.description for column in schema.columns if column.description}


def table_metadata(
    conn: duckdb.DuckDBPyConnection,
    table: str,
    descriptions: Mapping[str, str] | None = None,
) -> dict[str, object]:
    """Materialization metadata of a table: row count, columns as built, first rows."""
    return {
        "dagster/row_count": row_count(conn, table),
        "dagster/column_schema": table_schema(conn, table, descriptions),
        "preview": table_preview(conn, table),
    }
