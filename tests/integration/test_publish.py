"""Publishing replaces the file atomically: readers of the old file are never disturbed."""

import stat

import duckdb
import pytest

from orchestration.publish.publisher import publish_marts


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


def test_a_reader_keeps_its_version_while_a_new_one_is_published(tmp_path):
    warehouse, published = tmp_path / "w.duckdb", tmp_path / "pub" / "ree.duckdb"
    _warehouse_with_marts(warehouse, 3)
    publish_marts(warehouse, published)
    old_reader = duckdb.connect(str(published), read_only=True)

    _warehouse_with_marts(warehouse, 5)
    publish_marts(warehouse, published)  # must not wait for, or break, the open reader

    assert old_reader.execute("select count(*) from marts.numbers").fetchone() == (3,)
    old_reader.close()
    new_reader = duckdb.connect(str(published), read_only=True)
    assert new_reader.execute("select count(*) from marts.numbers").fetchone() == (5,)
    new_reader.close()
    assert sorted(p.name for p in published.parent.iterdir()) == ["ree.duckdb"]


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
