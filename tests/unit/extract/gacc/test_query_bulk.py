"""The bulk path (DuckDB's CSV reader) lands exactly what the line-by-line reader lands.

Every query export of the bad-input corpus, plus clean and GENERATED files, is landed twice
into separate warehouses: once as landing does it (bulk first, line by line when the bulk path
doubts the file) and once line by line only. Raw rows, quarantined rows and rejected files
must be identical. Separately, clean files must actually take the bulk path and each kind of
doubt must send the file line by line, or the comparison would prove nothing.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import duckdb
import pytest

from orchestration.bench import synth
from orchestration.extract.gacc.query_bulk import (
    clean_batch_loader,
    finish_numbered_copy,
    start_numbered_copy,
)
from orchestration.extract.gacc.query_csv import GACC_QUERY_CSV, recognizes
from orchestration.extract.registry import ALL_KINDS
from orchestration.landing.store import land_kind
from tests.fixtures.broken_extracts import CASES, gacc, line
from tests.fixtures.gacc_files import CLEAN_FULL_ROWS, FULL_HEADER
from tests.fixtures.gacc_variants import (
    BROKEN_TWINS,
    CLEAN_VARIANTS,
    ENCODINGS,
    GUINEA_NAMES,
    NO_PERIOD_DASHED_NAME,
    UNKNOWN_PARTNER_CODE,
    UNKNOWN_UNIT,
    write_variant,
)

LINE_BY_LINE = dataclasses.replace(GACC_QUERY_CSV, bulk_loader=None)
QUERY_EXPORT_CASES = [case for case in CASES if recognizes(case.content[:4096])]


def _landed(tmp_path: Path, landing: Path, kind) -> dict[str, list[tuple]]:
    """Everything landing put in the warehouse for these files, load times left out."""
    database = tmp_path / f"{kind.bulk_loader is not None}.duckdb"
    conn = duckdb.connect(str(database))
    try:
        land_kind(conn, landing, kind, [kind, *ALL_KINDS[1:]])
        return {
            "raw": conn.execute(
                "select * exclude (_loaded_at) from raw.gacc_query_exports "
                "order by _source_file, _row_number"
            ).fetchall(),
            "rejected_rows": conn.execute(
                "select * exclude (rejected_at) from quarantine.rejected_rows "
                "order by source_file, row_number, field"
            ).fetchall(),
            "rejected_files": conn.execute(
                "select source_file, reason from quarantine.rejected_files order by 1"
            ).fetchall(),
            "landed_files": conn.execute(
                "select * exclude (landed_at) from raw.landed_files order by source_file"
            ).fetchall(),
        }
    finally:
        conn.close()


def _takes_bulk_path(path: Path, tmp_path: Path) -> bool:
    conn = duckdb.connect(str(tmp_path / "probe.duckdb"))
    try:
        with clean_batch_loader(conn, [path]) as batch:
            return path in batch.line_counts
    finally:
        conn.close()


def test_the_corpus_holds_query_exports_of_many_kinds_of_breakage():
    assert len(QUERY_EXPORT_CASES) >= 15


@pytest.mark.parametrize("case", QUERY_EXPORT_CASES, ids=lambda case: case.name)
def test_a_broken_export_lands_the_same_with_and_without_the_bulk_path(tmp_path, case):
    landing = tmp_path / "landing"
    landing.mkdir()
    (landing / case.name).write_bytes(case.content)
    assert _landed(tmp_path, landing, GACC_QUERY_CSV) == _landed(tmp_path, landing, LINE_BY_LINE)


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize(
    "variant",
    [*CLEAN_VARIANTS, GUINEA_NAMES, UNKNOWN_PARTNER_CODE, UNKNOWN_UNIT],
    ids=lambda variant: Path(variant.name).stem,
)
def test_each_download_layout_lands_the_same_with_and_without_the_bulk_path(
    tmp_path, variant, encoding
):
    # Every quantity and value header word, both encodings, months from a column, a name or a
    # folder: clean files take the bulk path (or the comparison would prove nothing); the one
    # with a line in boxes goes line by line.
    landing = tmp_path / "landing"
    path = write_variant(landing, variant, encoding)
    assert _takes_bulk_path(path, tmp_path) == (variant is not UNKNOWN_UNIT)
    bulk = _landed(tmp_path, landing, GACC_QUERY_CSV)
    assert bulk == _landed(tmp_path, landing, LINE_BY_LINE)
    assert len(bulk["raw"]) == len(variant.expected)


@pytest.mark.parametrize("twin", BROKEN_TWINS, ids=lambda twin: twin.name)
def test_a_file_whose_month_cannot_be_told_is_rejected_the_same_both_ways(tmp_path, twin):
    landing = tmp_path / "landing"
    (landing / twin.name).parent.mkdir(parents=True)
    (landing / twin.name).write_bytes(twin.content)
    assert not _takes_bulk_path(landing / twin.name, tmp_path)
    bulk = _landed(tmp_path, landing, GACC_QUERY_CSV)
    assert bulk == _landed(tmp_path, landing, LINE_BY_LINE)
    [(name, reason)] = bulk["rejected_files"]
    assert name == twin.name and "no 数据年月 column" in reason and twin.reason in reason


def test_files_without_a_month_column_land_in_one_statement_each_under_its_own_month(tmp_path):
    # One header layout, so one statement reads both; each line must get its own file's month.
    landing = tmp_path / "landing"
    (landing / "gacc").mkdir(parents=True)
    june = landing / "gacc" / "export_2025-06.csv"
    july = landing / "gacc" / "export_2025-07.csv"
    june.write_bytes(NO_PERIOD_DASHED_NAME.content("gbk"))
    july.write_bytes(NO_PERIOD_DASHED_NAME.content("gb18030"))
    conn = duckdb.connect(str(tmp_path / "probe.duckdb"))
    try:
        with clean_batch_loader(conn, [june, july]) as batch:
            assert set(batch.line_counts) == {june, july}
    finally:
        conn.close()
    bulk = _landed(tmp_path, landing, GACC_QUERY_CSV)
    assert bulk == _landed(tmp_path, landing, LINE_BY_LINE)
    assert {(row[-3], row[0].isoformat()) for row in bulk["raw"]} == {
        ("gacc/export_2025-06.csv", "2025-06-01"),
        ("gacc/export_2025-07.csv", "2025-07-01"),
    }


def test_a_broken_line_sends_the_file_line_by_line(tmp_path):
    for case in QUERY_EXPORT_CASES:
        if case.outcome == "rows" and case.rejected:
            path = tmp_path / case.name
            path.write_bytes(case.content)
            assert not _takes_bulk_path(path, tmp_path), case.name


@pytest.mark.parametrize(
    "content",
    [
        gacc(*CLEAN_FULL_ROWS),
        gacc(*CLEAN_FULL_ROWS, encoding="utf-8"),
        ("\n".join([FULL_HEADER, *CLEAN_FULL_ROWS])).encode("gbk"),  # LF, no final newline
    ],
    ids=["gbk-crlf", "utf8-crlf", "gbk-lf-no-final-newline"],
)
def test_clean_exports_take_the_bulk_path_and_land_what_line_by_line_lands(tmp_path, content):
    landing = tmp_path / "landing"
    landing.mkdir()
    (landing / "clean.csv").write_bytes(content)
    assert _takes_bulk_path(landing / "clean.csv", tmp_path)
    bulk = _landed(tmp_path, landing, GACC_QUERY_CSV)
    assert bulk == _landed(tmp_path, landing, LINE_BY_LINE)
    assert len(bulk["raw"]) == len(CLEAN_FULL_ROWS)


@pytest.mark.parametrize(
    "doubtful_line",
    [
        line(q1="1e3"),  # Python reads it; the bulk path takes plain decimals only
        line(partner="德国\u3000"),  # an ideographic space that str.strip() removes
        line(period="２０２４０３"),  # full-width digits
    ],
    ids=["exponent", "ideographic-space", "full-width-digits"],
)
def test_lines_the_bulk_path_cannot_vouch_for_go_line_by_line_and_land_the_same(
    tmp_path, doubtful_line
):
    landing = tmp_path / "landing"
    landing.mkdir()
    (landing / "doubtful.csv").write_bytes(gacc(*CLEAN_FULL_ROWS, doubtful_line))
    assert not _takes_bulk_path(landing / "doubtful.csv", tmp_path)
    assert _landed(tmp_path, landing, GACC_QUERY_CSV) == _landed(tmp_path, landing, LINE_BY_LINE)


@pytest.mark.slow
def test_a_generated_export_spanning_many_read_buffers_keeps_every_line_number(tmp_path):
    # GENERATED data (orchestration/bench/synth.py): big enough that DuckDB reads it in
    # parallel chunks, so line numbers depend on the staged order being the file's order.
    landing = tmp_path / "landing"
    (path,) = synth.write_synthetic_gacc(60_000, 1, landing)
    assert path.stat().st_size > 4 << 20
    assert _takes_bulk_path(path, tmp_path)
    bulk = _landed(tmp_path, landing, GACC_QUERY_CSV)
    assert len(bulk["raw"]) == 60_000
    assert bulk == _landed(tmp_path, landing, LINE_BY_LINE)


@pytest.mark.slow
def test_a_batch_of_files_lands_as_each_file_would_line_by_line_and_in_file_order(tmp_path):
    # GENERATED data: two multi-buffer files read in one statement, around a doubtful file,
    # a copy of the first under another name and a clean small file, in that name order.
    landing = tmp_path / "landing"
    first, second = synth.write_synthetic_gacc(120_000, 2, landing)
    (landing / f"{first.stem}_b_doubtful.csv").write_bytes(gacc(*CLEAN_FULL_ROWS, line(q1="1e3")))
    (landing / f"{first.stem}_c_copy.csv").write_bytes(first.read_bytes())
    (landing / "zz_small.csv").write_bytes(gacc(*CLEAN_FULL_ROWS))
    paths = sorted(landing.glob("*.csv"))
    conn = duckdb.connect(str(tmp_path / "probe.duckdb"))
    try:
        with clean_batch_loader(conn, paths) as batch:
            vouched = {path.name for path in batch.line_counts}
    finally:
        conn.close()
    assert vouched == {p.name for p in paths} - {f"{first.stem}_b_doubtful.csv"}
    bulk = _landed(tmp_path, landing, GACC_QUERY_CSV)
    assert len(bulk["raw"]) >= 120_000 + 2 * len(CLEAN_FULL_ROWS)
    assert bulk == _landed(tmp_path, landing, LINE_BY_LINE)
    conn = duckdb.connect(str(tmp_path / "True.duckdb"), read_only=True)
    try:
        # Later files get later (or, within one batch, equal) load times: vintages follow the
        # file order as when files landed one at a time.
        assert [
            row[0]
            for row in conn.execute(
                "select source_file from raw.landed_files order by landed_at, source_file"
            ).fetchall()
        ] == sorted(
            p.name for p in landing.iterdir() if p.suffix == ".csv" and "copy" not in p.name
        )
        assert (
            conn.execute("select count(distinct landed_at) from raw.landed_files").fetchone()[0]
            >= 3
        )  # the doubtful file splits the batch into runs
    finally:
        conn.close()


def test_files_landed_by_an_earlier_run_are_not_checked_again(tmp_path):
    # The real bulk loader, wrapped to record which files it is asked to check.
    asked: list[str] = []

    def recording_loader(conn, paths):
        asked.extend(path.name for path in paths)
        return clean_batch_loader(conn, paths)

    kind = dataclasses.replace(GACC_QUERY_CSV, bulk_loader=recording_loader)
    landing = tmp_path / "landing"
    landing.mkdir()
    (landing / "a.csv").write_bytes(gacc(*CLEAN_FULL_ROWS))
    conn = duckdb.connect(str(tmp_path / "w.duckdb"))
    try:
        assert land_kind(conn, landing, kind, [kind, *ALL_KINDS[1:]]).rows_landed == 4
        (landing / "b.csv").write_bytes(gacc(*CLEAN_FULL_ROWS[:2]))
        again = land_kind(conn, landing, kind, [kind, *ALL_KINDS[1:]])
    finally:
        conn.close()
    assert (again.files_already_landed, again.files_landed, again.rows_landed) == (
        ["a.csv"],
        ["b.csv"],
        2,
    )
    assert asked == ["a.csv", "b.csv"]


@pytest.mark.parametrize(
    ("content", "encoding"),
    [
        (gacc(*CLEAN_FULL_ROWS), "gb18030"),  # CRLF line ends
        (("\n".join([FULL_HEADER, *CLEAN_FULL_ROWS])).encode("gbk"), "gb18030"),  # no final LF
        ("\ufeff".encode() + gacc(*CLEAN_FULL_ROWS, encoding="utf-8"), "utf-8"),  # with a BOM
    ],
    ids=["gbk-crlf", "gbk-no-final-newline", "utf8-bom"],
)
def test_the_python_copy_numbers_lines_as_iconv_and_awk_do(tmp_path, content, encoding):
    # Where iconv or awk is missing, Python writes the numbered copy; both must agree.
    source = tmp_path / "export.csv"
    source.write_bytes(content)
    copies = {}
    for name, processes in [
        ("tools", start_numbered_copy(source, tmp_path / "tools.csv", encoding)),
        ("python", None),
    ]:
        target = tmp_path / f"{name}.csv"
        assert finish_numbered_copy(source, target, encoding, processes)
        copies[name] = target.read_bytes()
    assert copies["tools"] == copies["python"]
    assert copies["python"].startswith(b"1,")
    assert copies["python"].count(b"\n") == content.count(b"\n") + (not content.endswith(b"\n"))


def test_bytes_that_are_not_gb18030_make_no_copy(tmp_path):
    source = tmp_path / "export.csv"
    source.write_bytes(gacc(*CLEAN_FULL_ROWS) + b"\x81\x20\n")  # a lead byte with no trail
    for processes in (start_numbered_copy(source, tmp_path / "a.csv", "gb18030"), None):
        assert not finish_numbered_copy(source, tmp_path / "a.csv", "gb18030", processes)
