"""The Dagster instance's event log: Dagster's consolidated SQLite storage (one file,
WAL journal), with one connection pool kept for the life of the process.

Dagster's own SQLite storages create a SQLAlchemy engine, open a connection and throw both
away for every write; a run of this pipeline stores about 800 events (each dbt model and
test is a materialization or check result, planned and then recorded), two or three writes
each, so that set-up was a fifth of the embedded default run (measured: README,
Performance). Only how connections are made changes; tables, schema migrations and what the
UI reads are Dagster's. config/dagster.yaml selects this class.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator

import sqlalchemy
from dagster._core.storage.event_log import ConsolidatedSqliteEventLogStorage

BUSY_TIMEOUT_S = 30  # as Dagster's SQLITE_BUSY_TIMEOUT_SECONDS: wait for another writer


class PooledSqliteEventLogStorage(ConsolidatedSqliteEventLogStorage):
    """ConsolidatedSqliteEventLogStorage whose connections come from one pool per process."""

    @functools.cached_property
    def _engine(self) -> sqlalchemy.Engine:
        return sqlalchemy.create_engine(
            self._conn_string,
            # Dagster writes from more than one thread (the run's steps and its log watcher).
            connect_args={"timeout": BUSY_TIMEOUT_S, "check_same_thread": False},
        )

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlalchemy.Connection]:
        with self._engine.connect() as conn, conn.begin():
            yield conn

    def dispose(self) -> None:
        super().dispose()
        if "_engine" in self.__dict__:
            self._engine.dispose()
