"""Markdown previews of tables for the Dagster UI."""

from __future__ import annotations

import duckdb
from dagster import MetadataValue


def table_preview(conn: duckdb.DuckDBPyConnection, table: str, limit: int = 5) -> MetadataValue:
    frame = conn.execute(f"select * from {table} limit {int(limit)}").df()
    if frame.empty:
        return MetadataValue.md("_no rows_")
    return MetadataValue.md(frame.astype(str).to_markdown(index=False))


def row_count(conn: duckdb.DuckDBPyConnection, table: str) -> int:
    return int(conn.execute(f"select count(*) from {table}").fetchone()[0])
