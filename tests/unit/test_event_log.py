"""The instance's event log (config/dagster.yaml -> orchestration/event_log.py): a run's events
are stored and read back as Dagster's own storage would, through one pooled engine."""

from __future__ import annotations

import shutil

import sqlalchemy
from dagster import AssetCheckResult, DagsterInstance, Output, asset, asset_check, materialize

from orchestration import settings
from orchestration.event_log import PooledSqliteEventLogStorage


@asset
def numbers():
    yield Output([1, 2, 3], metadata={"rows": 3})


@asset_check(asset=numbers)
def has_rows():
    return AssetCheckResult(passed=True)


def test_the_project_instance_stores_every_event_of_a_run_in_one_pooled_file(tmp_path, monkeypatch):
    shutil.copy(settings.PROJECT_ROOT / "config" / "dagster.yaml", tmp_path / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    with DagsterInstance.get() as instance:
        storage = instance.event_log_storage
        assert isinstance(storage, PooledSqliteEventLogStorage)
        connections = []

        def count_event_log_connections(dbapi_connection, _record) -> None:
            files = [row[2] for row in dbapi_connection.execute("pragma database_list")]
            connections.extend(f for f in files if f.endswith("event_log.db"))

        # Every new SQLite connection of any engine (Dagster's own storages open one per write).
        sqlalchemy.event.listen(sqlalchemy.pool.Pool, "connect", count_event_log_connections)

        result = materialize([numbers, has_rows], instance=instance)

        assert result.success
        events = instance.all_logs(result.run_id)
        assert len(events) > 10
        latest = instance.get_latest_materialization_event(numbers.key)
        assert latest.asset_materialization.metadata["rows"].value == 3
        check = instance.event_log_storage.get_latest_asset_check_execution_by_key(
            [has_rows.check_key]
        )[has_rows.check_key]
        assert check.run_id == result.run_id
        # Dozens of writes, a handful of SQLite connections: the pool is what this class is
        # for (with Dagster's ConsolidatedSqliteEventLogStorage this run opens dozens).
        assert 0 < len(connections) <= 5, len(connections)
        sqlalchemy.event.remove(sqlalchemy.pool.Pool, "connect", count_event_log_connections)
    assert (tmp_path / "event_log.db").exists()
