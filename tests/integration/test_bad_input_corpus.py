"""Each kind of broken extract: good rows land, bad rows and unreadable files are quarantined
with the file, row, field and reason, and the raw file is never modified, moved or deleted."""

import hashlib
import subprocess
import sys
from collections import defaultdict

import duckdb
import pytest

from orchestration import settings
from orchestration.extract.registry import ALL_KINDS
from orchestration.landing.store import land_kinds
from tests.end_to_end.conftest import pipeline_env
from tests.fixtures.broken_extracts import CASES, DUPLICATE_NAME


def _kinds_by_table():
    groups = defaultdict(list)
    for kind in ALL_KINDS:
        groups[kind.raw_table].append(kind)
    return groups


def land_everything(warehouse, landing):
    """Run every landing step, as the landing assets do, and return their reports."""
    conn = duckdb.connect(str(warehouse))
    try:
        return [
            land_kinds(conn, landing, tuple(kinds), ALL_KINDS)
            for kinds in _kinds_by_table().values()
        ]
    finally:
        conn.close()


def _quarantine(warehouse):
    conn = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows = conn.execute(
            "select source_file, row_number, field, reason, raw_text from quarantine.rejected_rows"
        ).fetchall()
        files = conn.execute("select source_file, reason from quarantine.rejected_files").fetchall()
        landed = dict(
            conn.execute("select source_file, rows_landed from raw.landed_files").fetchall()
        )
    finally:
        conn.close()
    return rows, files, landed


def test_the_corpus_has_at_least_25_kinds_of_broken_extract():
    assert len(CASES) + 1 >= 25  # + the same file under another name


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_broken_extract_is_handled_without_losing_anything(tmp_path, case):
    landing = tmp_path / "landing"
    landing.mkdir()
    path = landing / case.name
    path.write_bytes(case.content)
    digest = hashlib.sha256(case.content).hexdigest()

    reports = land_everything(tmp_path / "w.duckdb", landing)
    rows, files, landed = _quarantine(tmp_path / "w.duckdb")

    assert path.exists() and hashlib.sha256(path.read_bytes()).hexdigest() == digest
    if case.outcome == "file":
        assert [name for name, _ in files] == [case.name], case.why
        assert case.reason in files[0][1]
        assert files[0][1].startswith(case.name)  # the message names the file
        assert case.name not in landed
    else:
        assert files == [], case.why
        assert landed.get(case.name) == case.landed, case.why
        assert {(r[1], r[2]) for r in rows} == set(case.rejected), case.why
        for source_file, _, _, reason, raw_text in rows:
            assert source_file == case.name
            assert case.reason in reason, reason
            assert raw_text is not None
        total = sum(report.rows_rejected for report in reports)
        assert total == len(case.rejected)  # the landing asset reports the count


def test_the_same_file_under_another_name_adds_nothing(tmp_path):
    landing = tmp_path / "landing"
    landing.mkdir()
    copy_name, original_name = DUPLICATE_NAME
    original = next(case for case in CASES if case.name == original_name)
    (landing / original_name).write_bytes(original.content)
    land_everything(tmp_path / "w.duckdb", landing)
    (landing / copy_name).write_bytes(original.content)
    reports = land_everything(tmp_path / "w.duckdb", landing)
    assert sum(report.rows_landed for report in reports) == 0
    assert any(copy_name in report.files_already_landed for report in reports)


@pytest.mark.slow
def test_make_run_completes_on_all_broken_extracts_and_lists_them(tmp_path):
    from tests.end_to_end.conftest import make_paths

    paths = make_paths(tmp_path)
    broken = paths.landing / "broken"
    broken.mkdir()
    for case in CASES:
        (broken / case.name).write_bytes(case.content)
    completed = subprocess.run(
        [sys.executable, "-m", "orchestration.cli", "run"],
        cwd=settings.PROJECT_ROOT,
        env=pipeline_env(paths),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    summary = completed.stdout[completed.stdout.index("ree-tracker run") :]
    assert "quarantined:" in summary
    for case in CASES:
        if case.outcome in ("rows", "file") and (case.rejected or case.outcome == "file"):
            assert f"broken/{case.name}" in summary, case.name
    conn = duckdb.connect(str(paths.published_db), read_only=True)
    (may,) = conn.execute(
        "select quantity_t from marts.fct_monthly_exports where period_month = '2025-05-01' "
        "and product_code = 'rare_earths_total' and partner_iso3 = 'WLD'"
    ).fetchone()
    conn.close()
    assert may == pytest.approx(5864.6)
