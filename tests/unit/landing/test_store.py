import hashlib

import duckdb

from orchestration.extract.files import sha256_of
from orchestration.extract.gacc.query_csv import GACC_QUERY_CSV
from orchestration.extract.registry import ALL_KINDS
from orchestration.landing.store import land_kind
from tests.fixtures.gacc_files import (
    BROKEN_FULL_ROWS,
    CLEAN_FULL_ROWS,
    FULL_HEADER,
    write_gacc_file,
)


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _land(tmp_path, landing):
    conn = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    try:
        return land_kind(conn, landing, GACC_QUERY_CSV, ALL_KINDS), conn.execute(
            "select count(*) from raw.gacc_query_exports"
        ).fetchone()[0]
    finally:
        conn.close()


def test_every_raw_row_keeps_file_hash_row_number_and_load_time(tmp_path):
    landing = tmp_path / "landing"
    source = write_gacc_file(landing / "2024" / "march.csv", FULL_HEADER, CLEAN_FULL_ROWS)
    _land(tmp_path, landing)
    conn = duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True)
    rows = conn.execute(
        "select _source_file, _content_hash, _row_number, _loaded_at "
        "from raw.gacc_query_exports order by _row_number"
    ).fetchall()
    conn.close()
    assert [r[2] for r in rows] == [2, 3, 4, 5]
    assert {r[0] for r in rows} == {"2024/march.csv"}
    assert {r[1] for r in rows} == {_digest(source)}
    assert all(r[3] is not None for r in rows)


def test_relanding_the_same_file_under_any_name_adds_no_rows(tmp_path):
    landing = tmp_path / "landing"
    source = write_gacc_file(landing / "march.csv", FULL_HEADER, CLEAN_FULL_ROWS)
    first, count_after_first = _land(tmp_path, landing)
    second, count_after_second = _land(tmp_path, landing)
    (landing / "copy of march.csv").write_bytes(source.read_bytes())
    third, count_after_copy = _land(tmp_path, landing)
    assert count_after_first == count_after_second == count_after_copy == 4
    assert first.files_landed == ["march.csv"]
    assert second.files_already_landed == ["march.csv"]
    assert sorted(third.files_already_landed) == ["copy of march.csv", "march.csv"]


def test_bad_rows_are_quarantined_good_rows_land_and_the_raw_file_is_untouched(tmp_path):
    landing = tmp_path / "landing"
    source = write_gacc_file(
        landing / "mixed.csv", FULL_HEADER, [*CLEAN_FULL_ROWS, *BROKEN_FULL_ROWS]
    )
    before = _digest(source)
    report, landed = _land(tmp_path, landing)
    assert landed == len(CLEAN_FULL_ROWS)
    assert report.rows_rejected == len(BROKEN_FULL_ROWS)
    assert any(m.startswith("mixed.csv row 6, field 第一数量:") for m in report.reject_messages)
    conn = duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True)
    quarantined = conn.execute(
        "select source_file, row_number, field, reason, raw_text "
        "from quarantine.rejected_rows order by row_number"
    ).fetchall()
    conn.close()
    assert [q[1] for q in quarantined] == [6, 7, 8, 9, 10]
    assert all(q[0] == "mixed.csv" and q[4] for q in quarantined)
    assert _digest(source) == before and source.exists()


def test_a_file_no_reader_recognizes_is_reported_not_skipped(tmp_path):
    landing = tmp_path / "landing"
    landing.mkdir()
    (landing / "notes.csv").write_text("something,else\n1,2\n")
    (landing / ".hidden.csv").write_text("ignored on purpose\n")
    report, landed = _land(tmp_path, landing)
    assert landed == 0
    assert report.unrecognized_files == ["notes.csv"]
    conn = duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True)
    (reason,) = conn.execute("select reason from quarantine.rejected_files").fetchone()
    conn.close()
    assert "notes.csv: is not recognized" in reason


def test_a_recognized_but_unreadable_file_goes_to_rejected_files(tmp_path):
    landing = tmp_path / "landing"
    write_gacc_file(
        landing / "renamed.csv", FULL_HEADER.replace("第一数量", "重量"), CLEAN_FULL_ROWS
    )
    report, landed = _land(tmp_path, landing)
    assert landed == 0
    assert "renamed.csv" in report.files_rejected
    assert "第一数量" in report.files_rejected["renamed.csv"]


def test_files_landed_before_are_not_read_again_unless_they_change(tmp_path, monkeypatch):
    from orchestration.landing import store

    landing = tmp_path / "landing"
    march = write_gacc_file(landing / "march.csv", FULL_HEADER, CLEAN_FULL_ROWS)
    write_gacc_file(landing / "april.csv", FULL_HEADER, CLEAN_FULL_ROWS[:2])
    (landing / "notes.txt").write_text("not an extract\n")
    hashed = []

    def counting_sha256_of(path):
        hashed.append(path.name)
        return sha256_of(path)

    monkeypatch.setattr(store, "sha256_of", counting_sha256_of)
    _land(tmp_path, landing)
    assert sorted(hashed) == ["april.csv", "march.csv", "notes.txt"]

    hashed.clear()
    second, rows = _land(tmp_path, landing)
    assert hashed == []  # size and time unchanged: known without reading
    assert sorted(second.files_already_landed) == ["april.csv", "march.csv"]
    assert second.unrecognized_files == ["notes.txt"]

    # The same size, new content: a revised quantity with as many digits.
    revised = march.read_bytes().replace(b'"80,500"', b'"80,600"')
    assert len(revised) == march.stat().st_size and revised != march.read_bytes()
    march.write_bytes(revised)
    hashed.clear()
    third, rows_after_revision = _land(tmp_path, landing)
    assert hashed == ["march.csv"]
    assert third.files_landed == ["march.csv"]
    assert rows_after_revision == rows + len(CLEAN_FULL_ROWS)


def test_a_raw_table_from_an_earlier_release_gains_the_kind_s_new_columns(tmp_path):
    """raw.comtrade_records as releases before the partner tables created it: partner_code
    not null, no source_ref or weight_note. Landing a table in the new layout must work on
    it, and the rows already there keep their values."""
    from orchestration.extract.comtrade import COLUMNS_DDL
    from orchestration.extract.comtrade_partner_table import COMTRADE_PARTNER_TABLE
    from orchestration.landing.store import PROVENANCE_DDL, land_kinds
    from tests.fixtures.comtrade.replay_server import FIXTURES

    old_ddl = COLUMNS_DDL.replace("partner_code integer,", "partner_code integer not null,")
    old_ddl = old_ddl.replace(",\n    source_ref varchar,\n    weight_note varchar", "")
    assert "source_ref" not in old_ddl and "partner_code integer not null" in old_ddl
    conn = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    conn.execute(
        f"create schema raw; create table raw.comtrade_records ({old_ddl}, {PROVENANCE_DDL})"
    )
    conn.execute(
        "insert into raw.comtrade_records (period_month, reporter_code, flow_code, "
        "partner_code, cmd_code, net_wgt_kg, _source_file, _content_hash, _row_number, "
        "_loaded_at) values ('2025-06-01', 156, 'X', 842, '850511', 351200, 'old.json', 'h', "
        "2, '2025-07-01')"
    )
    landing = tmp_path / "landing"
    landing.mkdir()
    (landing / "table.csv").write_bytes(
        (FIXTURES / "test_data_partner_table_clean.csv").read_bytes()
    )
    try:
        report = land_kinds(conn, landing, (COMTRADE_PARTNER_TABLE,), ALL_KINDS)
        rows = conn.execute(
            "select partner_code, net_wgt_kg, source_ref is null, weight_note "
            "from raw.comtrade_records order by _loaded_at, _row_number"
        ).fetchall()
    finally:
        conn.close()
    assert report.rows_landed == 7
    assert rows[0] == (842, 351200.0, True, None)  # the earlier row, as it was
    assert {row[0] for row in rows[1:]} == {None}
    assert [row[3] for row in rows[1:]].count("no weight reported") == 1
