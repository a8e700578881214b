"""Hostile file names and contents: nothing escapes the landing folder, nothing is executed,
nothing is injected into SQL, and nothing reaches the UI as live markup."""

import os

import duckdb

from orchestration.extract.files import iter_landing_files
from orchestration.extract.gacc.query_csv import GACC_QUERY_CSV
from orchestration.extract.registry import ALL_KINDS
from orchestration.landing.store import land_kind
from orchestration.table_metadata import table_preview
from tests.fixtures.broken_extracts import line
from tests.fixtures.gacc_files import CLEAN_FULL_ROWS, FULL_HEADER, write_gacc_file

HOSTILE_NAMES = [
    "$(touch PWNED).csv",
    "`touch PWNED`.csv",
    "a; rm -rf ~.csv",
    "x'); drop table raw.landed_files; --.csv",
    "quote\"and'apostrophe.csv",
    "dots..in..the..middle.csv",
]


def test_hostile_file_names_land_as_plain_names_and_inject_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a command run by mistake would create PWNED here
    landing = tmp_path / "landing"
    for index, name in enumerate(HOSTILE_NAMES):
        # Distinct content per file so each one lands.
        write_gacc_file(landing / name, FULL_HEADER, [line(q1=str(1000 + index))])
    conn = duckdb.connect(str(tmp_path / "w.duckdb"))
    report = land_kind(conn, landing, GACC_QUERY_CSV, ALL_KINDS)
    names = {
        name for (name,) in conn.execute("select source_file from raw.landed_files").fetchall()
    }
    tables = {
        name
        for (name,) in conn.execute(
            "select table_schema || '.' || table_name from information_schema.tables"
        ).fetchall()
    }
    conn.close()
    assert sorted(report.files_landed) == sorted(HOSTILE_NAMES)
    assert names == set(HOSTILE_NAMES)
    assert "raw.landed_files" in tables
    assert not (tmp_path / "PWNED").exists()


def test_links_pointing_outside_the_landing_folder_are_not_followed(tmp_path):
    landing = tmp_path / "landing"
    landing.mkdir()
    outside = write_gacc_file(tmp_path / "secret.csv", FULL_HEADER, CLEAN_FULL_ROWS)
    os.symlink(outside, landing / "innocent.csv")
    os.symlink(tmp_path, landing / "parent_folder")
    inside = write_gacc_file(landing / "real.csv", FULL_HEADER, CLEAN_FULL_ROWS)
    assert list(iter_landing_files(landing)) == [inside]


def test_previews_show_markup_in_landed_text_as_text(tmp_path):
    conn = duckdb.connect()
    conn.execute(
        "create table t as select '<script>alert(1)</script> [click](javascript:x) | *b*' "
        "as body_text"
    )
    preview = table_preview(conn, "t").value
    conn.close()
    assert "<script>" not in preview
    assert "&lt;script&gt;" in preview
    assert "[click](" not in preview and "\\[click\\]" in preview  # no live link
    assert preview.count("|") - preview.count("\\|") == 6  # only the table's own pipes
