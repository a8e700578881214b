"""Atomic publication of the marts.

DuckDB lets one process write a file or many read it, never both; so BI tools never open the
warehouse. They read a copy: the marts are written to a temporary file beside the published
one, which then replaces it with os.replace (atomic on POSIX). A reader that has the old file
open keeps reading the old version; a new reader sees the new one; nobody sees half a file,
and no reader can block the pipeline.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import duckdb

from orchestration.resources import attach_literal

MARTS_SCHEMA = "marts"


def mart_tables(conn: duckdb.DuckDBPyConnection) -> list[str]:
    rows = conn.execute(
        "select table_name from information_schema.tables where table_catalog = 'warehouse' "
        "and table_schema = ? and table_type = 'BASE TABLE' order by table_name",
        [MARTS_SCHEMA],
    ).fetchall()
    return [name for (name,) in rows]


def publish_marts(warehouse: Path, published: Path) -> dict[str, int]:
    """Copy every table of the marts schema to `published`, atomically; return row counts."""
    published.parent.mkdir(parents=True, exist_ok=True)
    # A publication killed half-way leaves its temporary file behind; only one publisher
    # runs at a time (the warehouse pool), so any left-over temporary file is stale.
    for stale in published.parent.glob(f".{published.name}.*.tmp"):
        stale.unlink(missing_ok=True)
    temporary = published.with_name(f".{published.name}.{os.getpid()}.tmp")
    counts: dict[str, int] = {}
    conn = duckdb.connect()  # in-memory: both files are attached to it
    try:
        conn.execute(f"attach {attach_literal(warehouse)} as warehouse (read_only)")
        tables = mart_tables(conn)
        if not tables:
            raise RuntimeError(f"{warehouse} has no tables in schema {MARTS_SCHEMA}: run dbt first")
        # Storage version pinned so DuckDB 1.x clients (BI drivers, MotherDuck) can read it.
        conn.execute(f"attach {attach_literal(temporary)} as published (storage_version 'v1.5.0')")
        conn.execute(f"create schema published.{MARTS_SCHEMA}")
        for table in tables:
            conn.execute(
                f'create table published.{MARTS_SCHEMA}."{table}" as '
                f'select * from warehouse.{MARTS_SCHEMA}."{table}"'
            )
            counts[table] = int(
                conn.execute(f'select count(*) from published.{MARTS_SCHEMA}."{table}"').fetchone()[
                    0
                ]
            )
        conn.execute("detach published")
    except BaseException:
        conn.close()
        temporary.unlink(missing_ok=True)
        raise
    conn.close()
    with temporary.open("rb") as handle:
        os.fsync(handle.fileno())
    temporary.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    os.replace(temporary, published)
    return counts
