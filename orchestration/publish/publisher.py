"""Atomic publication of the marts.

DuckDB lets one process write a file or many read it, never both; so BI tools never open the
warehouse. They read a copy: the marts are written to a temporary file beside the published
one, which then replaces it with os.replace (atomic on POSIX). A reader that has the old file
open keeps reading the old version; a new reader sees the new one; nobody sees half a file,
and no reader can block the pipeline.

Each mart is also written as Parquet in a `parquet` folder beside the published file, for
tools that read files rather than databases. Each Parquet file is swapped in the same way, one
file at a time: a reader sees a whole old file or a whole new one.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

import duckdb

from orchestration import settings
from orchestration.resources import attach_literal

MARTS_SCHEMA = "marts"
PARQUET_FOLDER_NAME = "parquet"
READ_ONLY_FOR_ALL = stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH


def mart_tables(conn: duckdb.DuckDBPyConnection) -> list[str]:
    rows = conn.execute(
        "select table_name from information_schema.tables where table_catalog = 'warehouse' "
        "and table_schema = ? and table_type = 'BASE TABLE' order by table_name",
        [MARTS_SCHEMA],
    ).fetchall()
    return [name for (name,) in rows]


def parquet_folder(published: Path) -> Path:
    """Where the Parquet copies of the marts go: beside the published DuckDB file."""
    return published.parent / PARQUET_FOLDER_NAME


def parquet_path(published: Path, mart: str) -> Path:
    if Path(mart).name != mart or mart.startswith("."):
        raise ValueError(f"mart name {mart!r} cannot be a file name in {parquet_folder(published)}")
    return parquet_folder(published) / f"{mart}.parquet"


def _temporary_name(final: Path) -> Path:
    # Hidden (leading dot) and not ending in .parquet/.duckdb, so no reader globbing the
    # folder for published files picks up one still being written.
    return final.with_name(f".{final.name}.{os.getpid()}.tmp")


def _remove_stale_temporaries(folder: Path, final_names: str) -> None:
    """Delete temporary files of earlier publications of `final_names` (a glob) in `folder`.

    A publication killed half-way leaves its temporary files behind (a temporary DuckDB file
    with its write-ahead log, `.tmp.wal`); only one publisher runs at a time (the warehouse
    pool), so any left-over temporary file is stale.
    """
    for stale in folder.glob(f".{final_names}.*.tmp*"):
        stale.unlink(missing_ok=True)


def _copy_marts(conn: duckdb.DuckDBPyConnection, tables: list[str]) -> dict[str, int]:
    conn.execute(f"create schema published.{MARTS_SCHEMA}")
    counts: dict[str, int] = {}
    for table in tables:
        conn.execute(
            f'create table published.{MARTS_SCHEMA}."{table}" as '
            f'select * from warehouse.{MARTS_SCHEMA}."{table}"'
        )
        (counts[table],) = conn.execute(
            f'select count(*) from published.{MARTS_SCHEMA}."{table}"'
        ).fetchone()
    return counts


def _write_parquet(
    conn: duckdb.DuckDBPyConnection, counts: dict[str, int], temporaries: dict[str, Path]
) -> None:
    """Each published mart to its temporary Parquet file (from the published copy, so both
    formats hold the same rows); a short write fails the publication."""
    for table, temporary in temporaries.items():
        (written,) = conn.execute(
            f'copy published.{MARTS_SCHEMA}."{table}" to {attach_literal(temporary)} '
            "(format parquet)"
        ).fetchone()
        if written != counts[table]:
            raise RuntimeError(
                f"{table}: {written} rows written to Parquet, {counts[table]} published"
            )


def _seal_and_swap(temporary: Path, final: Path) -> None:
    """Flush to disk, make read-only, then replace the published file in one rename."""
    with temporary.open("rb") as handle:
        os.fsync(handle.fileno())
    temporary.chmod(READ_ONLY_FOR_ALL)
    os.replace(temporary, final)


def _remove_dropped_marts(published: Path, tables: list[str]) -> None:
    # A mart that no longer exists must not linger as Parquet looking current.
    current = {parquet_path(published, table) for table in tables}
    for old in parquet_folder(published).glob("*.parquet"):
        if old not in current:
            old.unlink(missing_ok=True)


def publish_marts(warehouse: Path, published: Path) -> dict[str, int]:
    """Copy every table of the marts schema to `published`, and each one to Parquet beside
    it, every file replaced atomically; return row counts."""
    published.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_temporaries(published.parent, published.name)
    _remove_stale_temporaries(parquet_folder(published), "*.parquet")
    temporary = _temporary_name(published)
    parquet_temporaries: dict[str, Path] = {}
    # In-memory, both files attached to it; bounded like every pipeline connection, spilling
    # (if it ever must) to the system's temporary folder rather than the working directory.
    conn = duckdb.connect(
        config={**settings.duckdb_config(), "temp_directory": tempfile.gettempdir()}
    )
    try:
        conn.execute(f"attach {attach_literal(warehouse)} as warehouse (read_only)")
        tables = mart_tables(conn)
        if not tables:
            raise RuntimeError(f"{warehouse} has no tables in schema {MARTS_SCHEMA}: run dbt first")
        # Storage version pinned so DuckDB 1.x clients (BI drivers, MotherDuck) can read it.
        conn.execute(f"attach {attach_literal(temporary)} as published (storage_version 'v1.5.0')")
        counts = _copy_marts(conn, tables)
        parquet_folder(published).mkdir(exist_ok=True)
        parquet_temporaries = {t: _temporary_name(parquet_path(published, t)) for t in tables}
        _write_parquet(conn, counts, parquet_temporaries)
        conn.execute("detach published")
    except BaseException:
        conn.close()
        wal = temporary.with_name(temporary.name + ".wal")
        for leftover in (temporary, wal, *parquet_temporaries.values()):
            leftover.unlink(missing_ok=True)
        raise
    conn.close()
    for table, parquet_temporary in parquet_temporaries.items():
        _seal_and_swap(parquet_temporary, parquet_path(published, table))
    # The DuckDB file goes last: once it is new, every Parquet file is too.
    _seal_and_swap(temporary, published)
    _remove_dropped_marts(published, tables)
    return counts
