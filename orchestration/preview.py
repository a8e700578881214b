"""Markdown previews of tables for the Dagster UI.

Cells are data, never markup: landed text (articles above all) may hold HTML or markdown, so
every cell is escaped and shortened before it reaches the UI.
"""

from __future__ import annotations

import html

import duckdb
from dagster import MetadataValue

MAX_CELL_CHARS = 80


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
