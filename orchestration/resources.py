"""Resources shared by every domain: the DuckDB warehouse and the dbt CLI."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
from dagster import ConfigurableResource
from pydantic import Field

from orchestration import settings


def attach_literal(path: Path) -> str:
    """A file path as a SQL string literal for ATTACH, which takes no parameters: a quote in
    a folder name must not break out of the literal."""
    return "'" + str(path).replace("'", "''") + "'"


class Warehouse(ConfigurableResource):
    """The DuckDB file the pipeline writes; one writer at a time (see settings.WAREHOUSE_POOL)."""

    path: str = Field(
        default="",
        description="DuckDB file; empty means REE_WAREHOUSE (default data/warehouse.duckdb).",
    )

    def resolved_path(self) -> Path:
        return Path(self.path) if self.path else settings.warehouse_path()

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        path = self.resolved_path()
        if not read_only:
            path.parent.mkdir(parents=True, exist_ok=True)
        conn = duckdb.connect(str(path), read_only=read_only, config=settings.duckdb_config())
        try:
            yield conn
        finally:
            conn.close()
