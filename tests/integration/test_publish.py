"""Publishing replaces the file atomically: readers of the old file are never disturbed.
The same holds for the Parquet copy of each mart beside it."""

import os
import signal
import stat
import subprocess
import sys
import time

import duckdb
import pytest
from dagster import AssetKey

from orchestration import settings
from orchestration.publish.publisher import (
    MONTHLY_PARQUET_MARTS,
    monthly_parquet_folder,
    parquet_folder,
    parquet_glob,
    parquet_path,
    publish_marts,
)


def _warehouse_with_marts(path, rows: int):
    conn = duckdb.connect(str(path))
    conn.execute("create schema if not exists marts")
    conn.execute(f"create or replace table marts.numbers as select range as n from range({rows})")
    conn.execute("create schema if not exists staging")
    conn.execute("create or replace table staging.not_published as select 1 as x")
    conn.close()


def test_publish_copies_only_the_marts_read_only(tmp_path):
    warehouse, published = tmp_path / "w.duckdb", tmp_path / "pub" / "ree.duckdb"
    _warehouse_with_marts(warehouse, 3)
    assert publish_marts(warehouse, published) == {"numbers": 3}
    assert not published.stat().st_mode & stat.S_IWUSR
    conn = duckdb.connect(str(published), read_only=True)
    schemas = {s for (s,) in conn.execute("select schema_name from duckdb_schemas()").fetchall()}
    conn.close()
    assert "marts" in schemas and "staging" not in schemas
    parquet = parquet_path(published, "numbers")
    assert sorted(p.name for p in parquet_folder(published).iterdir()) == ["numbers.parquet"]
    assert not parquet.stat().st_mode & stat.S_IWUSR


def test_a_reader_keeps_its_version_while_a_new_one_is_published(tmp_path):
    warehouse, published = tmp_path / "w.duckdb", tmp_path / "pub" / "ree.duckdb"
    _warehouse_with_marts(warehouse, 3)
    publish_marts(warehouse, published)
    old_reader = duckdb.connect(str(published), read_only=True)
    old_parquet_reader = parquet_path(published, "numbers").open("rb")

    _warehouse_with_marts(warehouse, 5)
    publish_marts(warehouse, published)  # must not wait for, or break, the open readers

    assert old_reader.execute("select count(*) from marts.numbers").fetchone() == (3,)
    old_reader.close()
    new_reader = duckdb.connect(str(published), read_only=True)
    assert new_reader.execute("select count(*) from marts.numbers").fetchone() == (5,)
    new_reader.close()
    # The open handle still holds the whole old Parquet file; the path holds the new one.
    (tmp_path / "old.parquet").write_bytes(old_parquet_reader.read())
    old_parquet_reader.close()
    assert _parquet_rows(tmp_path / "old.parquet") == 3
    assert _parquet_rows(parquet_path(published, "numbers")) == 5
    assert sorted(p.name for p in published.parent.iterdir()) == ["parquet", "ree.duckdb"]
    assert sorted(p.name for p in parquet_folder(published).iterdir()) == ["numbers.parquet"]


def test_publishing_an_unbuilt_warehouse_fails_clearly_and_leaves_no_temp_file(tmp_path):
    warehouse, published = tmp_path / "w.duckdb", tmp_path / "pub" / "ree.duckdb"
    duckdb.connect(str(warehouse)).close()
    with pytest.raises(RuntimeError, match="no tables in schema marts"):
        publish_marts(warehouse, published)
    assert list(published.parent.iterdir()) == []


def test_folders_with_quotes_in_their_names_publish_safely(tmp_path):
    folder = tmp_path / "analyst's folder"
    folder.mkdir()
    warehouse, published = folder / "w.duckdb", folder / "pub" / "ree.duckdb"
    _warehouse_with_marts(warehouse, 2)
    assert publish_marts(warehouse, published) == {"numbers": 2}


def _parquet_rows(path) -> int:
    return duckdb.sql(f"select count(*) from read_parquet('{path}')").fetchone()[0]


def test_each_mart_is_published_as_parquet_with_the_rows_of_the_duckdb_file(tmp_path):
    warehouse, published = tmp_path / "w.duckdb", tmp_path / "pub" / "ree.duckdb"
    conn = duckdb.connect(str(warehouse))
    conn.execute("create schema marts")
    conn.execute(
        "create table marts.series as select date '2025-01-01' + to_months(range::int) as "
        "period_month, range * 1.5 as quantity_t, ['a', 'b'] as tags from range(12)"
    )
    conn.execute("create table marts.empty_mart (x integer)")
    conn.close()

    counts = publish_marts(warehouse, published)

    assert counts == {"empty_mart": 0, "series": 12}
    database = duckdb.connect(str(published), read_only=True)
    for mart in counts:
        in_duckdb = database.execute(f"select * from marts.{mart} order by all").fetchall()
        in_parquet = database.execute(
            f"select * from read_parquet('{parquet_path(published, mart)}') order by all"
        ).fetchall()
        assert in_parquet == in_duckdb
        assert len(in_parquet) == counts[mart]
    database.close()


def test_a_mart_dropped_from_the_warehouse_disappears_from_the_parquet_folder(tmp_path):
    warehouse, published = tmp_path / "w.duckdb", tmp_path / "pub" / "ree.duckdb"
    _warehouse_with_marts(warehouse, 3)
    conn = duckdb.connect(str(warehouse))
    conn.execute("create table marts.retired as select 1 as x")
    conn.close()
    publish_marts(warehouse, published)
    assert parquet_path(published, "retired").exists()

    conn = duckdb.connect(str(warehouse))
    conn.execute("drop table marts.retired")
    conn.close()
    publish_marts(warehouse, published)

    assert sorted(p.name for p in parquet_folder(published).iterdir()) == ["numbers.parquet"]


def test_a_mart_name_that_would_leave_the_parquet_folder_fails_the_publication(tmp_path):
    warehouse, published = tmp_path / "w.duckdb", tmp_path / "pub" / "ree.duckdb"
    _warehouse_with_marts(warehouse, 3)
    conn = duckdb.connect(str(warehouse))
    conn.execute('create table marts."../escaped" as select 1 as x')
    conn.close()
    with pytest.raises(ValueError, match="cannot be a file name"):
        publish_marts(warehouse, published)
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == [warehouse]


PUBLISH_IN_A_CHILD = (
    "import sys; from pathlib import Path; "
    "from orchestration.publish.publisher import publish_marts; "
    "publish_marts(Path(sys.argv[1]), Path(sys.argv[2]))"
)
BIG_MART_ROWS = 5_000_000  # enough that writing its Parquet takes a while to catch mid-way


def _kill_while_writing_parquet(warehouse, published) -> list[str]:
    """Publish in a child process and SIGKILL it as soon as its first temporary Parquet file
    appears; return the temporary files found after the kill."""
    child = subprocess.Popen(
        [sys.executable, "-c", PUBLISH_IN_A_CHILD, str(warehouse), str(published)],
        cwd=settings.PROJECT_ROOT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120  # a guard against hanging, not a timing assertion
    while not list(parquet_folder(published).glob(".*.tmp")):
        assert child.poll() is None, (
            "the publication ended with no temporary Parquet file seen (written in place?)"
        )
        assert time.monotonic() < deadline, "no temporary Parquet file ever appeared"
        time.sleep(0.001)
    os.killpg(child.pid, signal.SIGKILL)
    child.wait()
    return [p.name for p in parquet_folder(published).glob(".*.tmp")]


def test_a_publication_killed_while_writing_parquet_leaves_the_old_files_whole(tmp_path):
    warehouse, published = tmp_path / "w.duckdb", tmp_path / "pub" / "ree.duckdb"
    _warehouse_with_marts(warehouse, 3)
    publish_marts(warehouse, published)
    conn = duckdb.connect(str(warehouse))
    conn.execute(
        f"create or replace table marts.numbers as select range as n, random() as noise "
        f"from range({BIG_MART_ROWS})"
    )
    conn.close()

    leftovers = _kill_while_writing_parquet(warehouse, published)

    # Killed mid-way: the half-written file exists only under its hidden temporary name.
    assert leftovers and all(name.startswith(".numbers.parquet.") for name in leftovers)
    assert _parquet_rows(parquet_path(published, "numbers")) == 3
    reader = duckdb.connect(str(published), read_only=True)
    assert reader.execute("select count(*) from marts.numbers").fetchone() == (3,)
    reader.close()

    publish_marts(warehouse, published)  # the next publication cleans up and completes
    assert _parquet_rows(parquet_path(published, "numbers")) == BIG_MART_ROWS
    assert sorted(p.name for p in parquet_folder(published).iterdir()) == ["numbers.parquet"]
    assert sorted(p.name for p in published.parent.iterdir()) == ["parquet", "ree.duckdb"]


def test_the_publish_asset_reports_each_parquet_file_and_its_rows(pipeline_run):
    (event,) = [
        event
        for event in pipeline_run.result.get_asset_materialization_events()
        if event.asset_key == AssetKey(["published", "ree_tracker"])
    ]
    metadata = event.materialization.metadata
    files, rows_per_mart = metadata["parquet_files"].value, metadata["rows_per_mart"].value
    published = pipeline_run.paths.published_db
    assert metadata["parquet_folder"].value == str(parquet_folder(published))
    assert set(files) == set(rows_per_mart) and "fct_monthly_exports" in files
    for mart, entry in files.items():
        assert entry["path"] == parquet_glob(published, mart)
        assert _parquet_rows(entry["path"]) == entry["rows"] == rows_per_mart[mart]
    # The detail mart's Parquet copy is one file per month, in hive-style month folders.
    (detail,) = MONTHLY_PARQUET_MARTS
    months = (
        duckdb.connect(str(published), read_only=True)
        .execute(f"select count(distinct period_month) from marts.{detail}")
        .fetchone()[0]
    )
    folders = sorted(p.name for p in monthly_parquet_folder(published, detail).iterdir())
    assert len(folders) == months >= 1
    assert all(name.startswith("period_month=") for name in folders)
    assert not parquet_path(published, detail).exists()


def _monthly_warehouse(path):
    """A mart by month (three months, one with a null month) and a mart without months."""
    conn = duckdb.connect(str(path))
    conn.execute("create schema if not exists marts")
    conn.execute(
        "create or replace table marts.by_month as "
        "select case when n % 4 = 3 then null else cast(date '2024-01-01' + to_months(n % 4) "
        "as date) end as period_month, n, 'line ' || n as label from range(40) as t(n)"
    )
    conn.execute("create or replace table marts.flat as select range as n from range(3)")
    conn.close()
    # Compared and replaced month by month only when period_month is a date.
    assert _column_type(path, "by_month", "period_month") == "DATE"


def _column_type(path, table, column) -> str:
    conn = duckdb.connect(str(path), read_only=True)
    try:
        return conn.execute(
            "select data_type from information_schema.columns "
            "where table_name = ? and column_name = ?",
            [table, column],
        ).fetchone()[0]
    finally:
        conn.close()


def _published_rows(published, table):
    conn = duckdb.connect(str(published), read_only=True)
    try:
        return sorted(conn.execute(f"select * from marts.{table}").fetchall(), key=repr)
    finally:
        conn.close()


def _warehouse_rows(warehouse, table):
    return _published_rows(warehouse, table)


@pytest.mark.parametrize(
    "change",
    [
        # a revised month, a new month, a deleted month and rows with no month at all
        "update marts.by_month set label = 'revised' where period_month = date '2024-02-01'",
        "insert into marts.by_month values (date '2024-05-01', 100, 'new month')",
        "delete from marts.by_month where period_month = date '2024-01-01'",
        "update marts.by_month set n = n + 1000 where period_month is null",
        # the same rows twice over in one month, which a XOR of row hashes would not see
        "insert into marts.by_month select * from marts.by_month "
        "where period_month = date '2024-03-01' and n < 8",
        # a mart whose columns change, and a mart without months
        "alter table marts.flat add column extra varchar default 'x'",
        "insert into marts.flat values (99)",
    ],
)
def test_a_new_publication_replaces_what_changed_and_equals_the_warehouse(tmp_path, change):
    warehouse, published = tmp_path / "w.duckdb", tmp_path / "pub" / "ree.duckdb"
    _monthly_warehouse(warehouse)
    publish_marts(warehouse, published)
    parquet_before = {t: parquet_path(published, t).stat().st_ino for t in ("by_month", "flat")}

    conn = duckdb.connect(str(warehouse))
    conn.execute(change)
    conn.close()
    counts = publish_marts(warehouse, published)

    changed = "flat" if "marts.flat" in change else "by_month"
    for table in ("by_month", "flat"):
        assert _published_rows(published, table) == _warehouse_rows(warehouse, table), table
        assert counts[table] == len(_warehouse_rows(warehouse, table))
        assert _parquet_rows(parquet_path(published, table)) == counts[table]
        rewritten = parquet_path(published, table).stat().st_ino != parquet_before[table]
        assert rewritten == (table == changed), table
    assert not published.stat().st_mode & stat.S_IWUSR


def _month_files(published, table) -> dict[str, int]:
    """Each month file of a monthly mart, by its path under the mart's folder: its inode."""
    folder = monthly_parquet_folder(published, table)
    return {str(path.relative_to(folder)): path.stat().st_ino for path in folder.rglob("*")}


MONTHLY = frozenset({"by_month"})


@pytest.mark.parametrize(
    ("change", "months_written", "months_gone"),
    [
        (
            "update marts.by_month set label = 'revised' where period_month = date '2024-02-01'",
            {"2024-02-01"},
            set(),
        ),
        (
            "insert into marts.by_month values (date '2024-05-01', 100, 'new month')",
            {"2024-05-01"},
            set(),
        ),
        (
            "delete from marts.by_month where period_month = date '2024-01-01'",
            set(),
            {"2024-01-01"},
        ),
        (
            "update marts.by_month set n = n + 1000 where period_month is null",
            {"__HIVE_DEFAULT_PARTITION__"},
            set(),
        ),
        (
            "alter table marts.by_month add column extra varchar default 'x'",
            {"2024-01-01", "2024-02-01", "2024-03-01", "__HIVE_DEFAULT_PARTITION__"},
            set(),
        ),
    ],
)
def test_a_monthly_mart_writes_only_the_parquet_files_of_months_that_changed(
    tmp_path, change, months_written, months_gone
):
    warehouse, published = tmp_path / "w.duckdb", tmp_path / "pub" / "ree.duckdb"
    _monthly_warehouse(warehouse)
    publish_marts(warehouse, published, monthly_parquet=MONTHLY)
    before = _month_files(published, "by_month")
    assert len([name for name in before if name.endswith(".parquet")]) == 4
    flat_before = parquet_path(published, "flat").stat().st_ino

    conn = duckdb.connect(str(warehouse))
    conn.execute(change)
    conn.close()
    counts = publish_marts(warehouse, published, monthly_parquet=MONTHLY)

    in_parquet = (
        duckdb.connect()
        .execute(
            f"select * exclude (period_month), period_month "
            f"from read_parquet('{parquet_glob(published, 'by_month', MONTHLY)}')"
        )
        .fetchall()
    )
    assert sorted(in_parquet, key=repr) == sorted(
        duckdb.connect(str(warehouse), read_only=True)
        .execute("select * exclude (period_month), period_month from marts.by_month")
        .fetchall(),
        key=repr,
    )
    assert len(in_parquet) == counts["by_month"]
    after = _month_files(published, "by_month")
    written = {
        name.split("/")[0].removeprefix("period_month=")
        for name, inode in after.items()
        if name.endswith(".parquet") and before.get(name) != inode
    }
    gone = {
        name.removeprefix("period_month=")
        for name in before
        if "/" not in name and name not in after
    }
    assert (written, gone) == (months_written, months_gone)
    assert parquet_path(published, "flat").stat().st_ino == flat_before
    assert not parquet_path(published, "by_month").exists()


def test_a_missing_month_file_is_written_again_and_stray_files_go(tmp_path):
    warehouse, published = tmp_path / "w.duckdb", tmp_path / "pub" / "ree.duckdb"
    _monthly_warehouse(warehouse)
    publish_marts(warehouse, published, monthly_parquet=MONTHLY)
    folder = monthly_parquet_folder(published, "by_month")
    (folder / "period_month=2024-02-01" / "data_0.parquet").unlink()
    (folder / "period_month=1999-01-01").mkdir()  # a month the mart does not have
    (parquet_folder(published) / "by_month.parquet").write_bytes(b"the old single-file layout")

    publish_marts(warehouse, published, monthly_parquet=MONTHLY)

    assert _parquet_rows(parquet_glob(published, "by_month", MONTHLY)) == 40
    assert sorted(p.name for p in folder.iterdir()) == [
        "period_month=2024-01-01",
        "period_month=2024-02-01",
        "period_month=2024-03-01",
        "period_month=__HIVE_DEFAULT_PARTITION__",
    ]
    assert sorted(p.name for p in parquet_folder(published).iterdir()) == [
        "by_month",
        "flat.parquet",
    ]


def test_an_empty_monthly_mart_reads_as_no_rows_until_its_first_month(tmp_path):
    warehouse, published = tmp_path / "w.duckdb", tmp_path / "pub" / "ree.duckdb"
    _monthly_warehouse(warehouse)
    conn = duckdb.connect(str(warehouse))
    conn.execute("delete from marts.by_month")
    conn.close()
    publish_marts(warehouse, published, monthly_parquet=MONTHLY)
    reader = duckdb.connect()
    dataset = f"read_parquet('{parquet_glob(published, 'by_month', MONTHLY)}')"
    assert reader.execute(f"select count(*) from {dataset}").fetchone() == (0,)
    columns = [name for name, *_ in reader.execute(f"describe select * from {dataset}").fetchall()]
    assert columns == ["period_month", "n", "label"]
    empty_file = _month_files(published, "by_month")
    publish_marts(warehouse, published, monthly_parquet=MONTHLY)  # unchanged: not rewritten
    assert _month_files(published, "by_month") == empty_file

    conn = duckdb.connect(str(warehouse))
    conn.execute("insert into marts.by_month values (date '2024-05-01', 100, 'first month')")
    conn.close()
    publish_marts(warehouse, published, monthly_parquet=MONTHLY)
    assert sorted(p.name for p in monthly_parquet_folder(published, "by_month").iterdir()) == [
        "period_month=2024-05-01"
    ]
    assert reader.execute(f"select n, label from {dataset}").fetchall() == [(100, "first month")]


def test_a_previous_publication_duckdb_cannot_open_is_replaced_whole(tmp_path):
    warehouse, published = tmp_path / "w.duckdb", tmp_path / "pub" / "ree.duckdb"
    _monthly_warehouse(warehouse)
    published.parent.mkdir()
    published.write_bytes(b"not a database")
    assert publish_marts(warehouse, published) == {"by_month": 40, "flat": 3}
    assert _published_rows(published, "by_month") == _warehouse_rows(warehouse, "by_month")
