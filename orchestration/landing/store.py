"""Landing files into raw.* with provenance, idempotently, and quarantining what is bad.

Raw tables are append-only. A file is identified by the SHA-256 of its content, so landing
the same bytes again (under any name) adds nothing, and every row keeps its source file,
content hash, row number and load time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from orchestration.extract.contract import (
    BulkBatch,
    FileKind,
    ParsedExtract,
    Provenance,
    UnreadableFile,
)
from orchestration.extract.files import iter_landing_files, read_head, sha256_of

PROVENANCE_DDL = """
    _source_file varchar not null,
    _content_hash varchar not null,
    _row_number integer not null,
    _loaded_at timestamp not null
"""

BOOKKEEPING_DDL = """
create schema if not exists raw;
create schema if not exists quarantine;
create table if not exists raw.landed_files (
    content_hash varchar primary key,
    source_file varchar not null,
    kind varchar not null,
    rows_landed integer not null,
    rows_rejected integer not null,
    landed_at timestamp not null
);
create table if not exists raw.file_hashes (
    path varchar primary key,
    size_bytes bigint not null,
    modified_ns bigint not null,
    content_hash varchar not null
);
create table if not exists quarantine.rejected_rows (
    source_file varchar not null,
    content_hash varchar not null,
    kind varchar not null,
    row_number integer not null,
    field varchar not null,
    reason varchar not null,
    raw_text varchar,
    rejected_at timestamp not null
);
create table if not exists quarantine.rejected_files (
    source_file varchar not null,
    content_hash varchar not null,
    reason varchar not null,
    rejected_at timestamp not null,
    primary key (content_hash, source_file)
);
"""


@dataclass
class LandingReport:
    kind: str
    files_landed: list[str] = field(default_factory=list)
    files_already_landed: list[str] = field(default_factory=list)
    files_rejected: dict[str, str] = field(default_factory=dict)
    unrecognized_files: list[str] = field(default_factory=list)
    rows_landed: int = 0
    rows_rejected: int = 0
    reject_messages: list[str] = field(default_factory=list)

    def as_metadata(self) -> dict[str, object]:
        return {
            "rows_landed": self.rows_landed,
            "rows_rejected": self.rows_rejected,
            "files_landed": len(self.files_landed),
            "files_already_landed": len(self.files_already_landed),
            "files_rejected": len(self.files_rejected),
            "unrecognized_files": len(self.unrecognized_files),
            "unrecognized_file_names": ", ".join(self.unrecognized_files) or "none",
        }


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def ensure_tables(conn: duckdb.DuckDBPyConnection, kind: FileKind) -> None:
    conn.execute(BOOKKEEPING_DDL)
    conn.execute(
        f"create table if not exists {kind.raw_table} ({kind.columns_ddl}, {PROVENANCE_DDL})"
    )
    _upgrade_table(conn, kind)


def _columns(conn: duckdb.DuckDBPyConnection, database: str, schema: str, table: str) -> dict:
    """Column name -> (type, nullable), in the table's order."""
    rows = conn.execute(
        "select column_name, data_type, is_nullable from duckdb_columns() "
        "where database_name = ? and schema_name = ? and table_name = ? order by column_index",
        [database, schema, table],
    ).fetchall()
    return {name: (data_type, nullable) for name, data_type, nullable in rows}


def _upgrade_table(conn: duckdb.DuckDBPyConnection, kind: FileKind) -> None:
    """Bring a raw table that an earlier release created up to the kind's columns.

    Raw tables are kept for good, so a warehouse outlives changes to a kind: a column added
    since is added (empty for the rows already there), and a column that may now be empty
    loses its not-null constraint. Nothing is dropped or retyped. DuckDB parses the declared
    columns itself, from a scratch table.
    """
    schema, table = kind.raw_table.split(".")
    conn.execute(f"create or replace temp table _declared_columns ({kind.columns_ddl})")
    try:
        declared = _columns(conn, "temp", "main", "_declared_columns")
    finally:
        conn.execute("drop table temp.main._declared_columns")
    (database,) = conn.execute("select current_database()").fetchone()
    existing = _columns(conn, database, schema, table)
    for name, (data_type, nullable) in declared.items():
        if name not in existing:
            conn.execute(f"alter table {kind.raw_table} add column {name} {data_type}")
        elif nullable and not existing[name][1]:
            conn.execute(f"alter table {kind.raw_table} alter column {name} drop not null")


def identify(head: bytes, kinds: Sequence[FileKind], path: Path | None = None) -> FileKind | None:
    """The first kind that recognizes the file's first bytes (and, where a kind asks for a
    second look, confirms it on the whole file)."""
    for kind in kinds:
        # A recognizer is a guess on arbitrary bytes: one that trips over garbage has simply
        # not recognized the file, and must not stop the other files from landing.
        try:
            if not kind.recognizes(head):
                continue
            if kind.confirms is None or path is None or kind.confirms(path):
                return kind
        except Exception:  # noqa: BLE001 - any failure to recognize means "not this kind"
            continue
    return None


def _record_rejected_file(
    conn: duckdb.DuckDBPyConnection, source_file: str, content_hash: str, reason: str
) -> None:
    conn.execute(
        """
        insert into quarantine.rejected_files
        select ?, ?, ?, ? where not exists (
            select 1 from quarantine.rejected_files where content_hash = ? and source_file = ?
        )
        """,
        [source_file, content_hash, reason, utc_now(), content_hash, source_file],
    )


def _insert_rows(
    conn: duckdb.DuckDBPyConnection, kind: FileKind, parsed: ParsedExtract, provenance: Provenance
) -> None:
    if not parsed.rows:
        return
    frame = pd.DataFrame(parsed.rows)
    frame["_source_file"] = provenance.source_file
    frame["_content_hash"] = provenance.content_hash
    frame["_loaded_at"] = provenance.loaded_at
    conn.register("incoming_rows", frame)
    try:
        conn.execute(f"insert into {kind.raw_table} by name select * from incoming_rows")
    finally:
        conn.unregister("incoming_rows")


def land_file(
    conn: duckdb.DuckDBPyConnection,
    kind: FileKind,
    path: Path,
    root: Path,
    report: LandingReport,
    content_hash: str | None = None,
) -> None:
    """Land one file of a known kind, read line by line, in a single transaction (all of it
    or none of it)."""
    source_file = path.relative_to(root).as_posix()
    content_hash = content_hash or content_hash_of(conn, path)
    if _already_landed(conn, content_hash):
        report.files_already_landed.append(source_file)
        return
    provenance = Provenance(source_file, content_hash, utc_now())
    conn.execute("begin transaction")
    try:
        parsed = kind.read(path)  # raises UnreadableFile for a file it cannot read
        _insert_rows(conn, kind, parsed, provenance)
        rejects = parsed.rejects
        if rejects:
            conn.executemany(
                "insert into quarantine.rejected_rows values (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    [
                        source_file,
                        content_hash,
                        kind.name,
                        r.row_number,
                        r.field,
                        r.reason,
                        r.raw_text,
                        provenance.loaded_at,
                    ]
                    for r in rejects
                ],
            )
        _record_landed_files(conn, kind, [(provenance, len(parsed.rows), len(rejects))])
        conn.execute("commit")
    except UnreadableFile as error:
        conn.execute("rollback")
        reason = f"{source_file}: {error}"
        _record_rejected_file(conn, source_file, content_hash, reason)
        report.files_rejected[source_file] = reason
        return
    except Exception:
        conn.execute("rollback")
        raise
    report.files_landed.append(source_file)
    report.rows_landed += len(parsed.rows)
    report.rows_rejected += len(rejects)
    report.reject_messages.extend(
        f"{source_file} row {r.row_number}, field {r.field}: {r.reason}" for r in rejects
    )


def content_hash_of(conn: duckdb.DuckDBPyConnection, path: Path) -> str:
    """The SHA-256 of the file's content, read again only if its size or modification time
    changed since it was last hashed (raw.file_hashes, by absolute path).

    Every run looks at every file in the landing folder to tell the new ones from those
    landed before; reading them all would make each run's cost grow with the history (about
    1 s per run for 10 years of benchmark files, 857 MB) instead of with the new files. The
    size and time are taken before reading, so a file changed while it is read shows a newer
    time next run and is read again. (A file rewritten with its old size and its old time
    set back by hand would not be: a risk `make` and git take with their stat checks too.)
    """
    stat = path.stat()
    key = str(path.resolve())
    known = conn.execute(
        "select content_hash from raw.file_hashes "
        "where path = ? and size_bytes = ? and modified_ns = ?",
        [key, stat.st_size, stat.st_mtime_ns],
    ).fetchone()
    if known:
        return known[0]
    content_hash = sha256_of(path)
    conn.execute(
        "insert or replace into raw.file_hashes values (?, ?, ?, ?)",
        [key, stat.st_size, stat.st_mtime_ns, content_hash],
    )
    return content_hash


def _already_landed(conn: duckdb.DuckDBPyConnection, content_hash: str) -> bool:
    return bool(
        conn.execute(
            "select 1 from raw.landed_files where content_hash = ?", [content_hash]
        ).fetchone()
    )


def _record_landed_files(
    conn: duckdb.DuckDBPyConnection,
    kind: FileKind,
    landed: Sequence[tuple[Provenance, int, int]],
) -> None:
    conn.executemany(
        "insert into raw.landed_files values (?, ?, ?, ?, ?, ?)",
        [
            [p.content_hash, p.source_file, kind.name, rows, rejected, p.loaded_at]
            for p, rows, rejected in landed
        ],
    )


def land_batch(
    conn: duckdb.DuckDBPyConnection,
    kind: FileKind,
    paths: Sequence[Path],
    root: Path,
    report: LandingReport,
) -> None:
    """Land files of a kind with a bulk loader, in their order: each run of consecutive files
    the loader vouches for in one transaction (all of the run or none of it), every other
    file on its own, line by line, where it falls in the order. The order matters because a
    later load time makes a later vintage of a month."""
    hashes = {path: content_hash_of(conn, path) for path in paths}
    # Files landed by an earlier run are only reported: the bulk loader never sees them.
    new = [path for path in paths if not _already_landed(conn, hashes[path])]
    for path in paths:
        if path not in new:
            report.files_already_landed.append(path.relative_to(root).as_posix())
    if not new:
        return
    with kind.bulk_loader(conn, new) as batch:
        run: list[Path] = []
        seen: set[str] = set()
        for path in new:
            content_hash = hashes[path]
            if path in batch.line_counts and content_hash not in seen:
                run.append(path)
            else:
                # In doubt, or a copy of a file before it in this batch: on its own, after
                # the files before it (land_file reports a copy as already landed).
                _land_run(conn, kind, batch, run, root, report, hashes)
                run = []
                land_file(conn, kind, path, root, report, content_hash)
            seen.add(content_hash)
        _land_run(conn, kind, batch, run, root, report, hashes)


def _land_run(
    conn: duckdb.DuckDBPyConnection,
    kind: FileKind,
    batch: BulkBatch,
    run: Sequence[Path],
    root: Path,
    report: LandingReport,
    hashes: dict[Path, str],
) -> None:
    if not run:
        return
    loaded_at = utc_now()
    files = [
        (path, Provenance(path.relative_to(root).as_posix(), hashes[path], loaded_at))
        for path in run
    ]
    conn.execute("begin transaction")
    try:
        batch.insert(kind.raw_table, files)
        _record_landed_files(
            conn, kind, [(provenance, batch.line_counts[path], 0) for path, provenance in files]
        )
        conn.execute("commit")
    except Exception:
        conn.execute("rollback")
        raise
    for path, provenance in files:
        report.files_landed.append(provenance.source_file)
        report.rows_landed += batch.line_counts[path]


# Files checked and landed together by a bulk loader: enough to keep both cores busy and to
# share a commit, few enough that their UTF-8 copies stay small on disk (about 9 MB each at
# the benchmark's 83,000-line files).
BATCH_FILES = 16


def land_kinds(
    conn: duckdb.DuckDBPyConnection,
    root: Path,
    kinds: Sequence[FileKind],
    all_kinds: Sequence[FileKind],
    progress: Callable[[str], None] | None = None,
) -> LandingReport:
    """Land every file under root of one of these kinds (they share one raw table); report
    files that no kind at all recognizes. `progress` hears about the files as they land."""
    for kind in kinds:
        ensure_tables(conn, kind)
    report = LandingReport(kind=", ".join(kind.name for kind in kinds))
    paths = list(iter_landing_files(root))
    waiting: list[Path] = []  # files for one bulk loader, landed in batches of BATCH_FILES
    waiting_kind: FileKind | None = None

    def land_waiting(through: int) -> None:
        nonlocal waiting
        if waiting:
            rows_before = report.rows_landed
            land_batch(conn, waiting_kind, waiting, root, report)
            _tell(progress, report, through, len(paths), report.rows_landed - rows_before)
        waiting = []

    for number, path in enumerate(paths, start=1):
        head = read_head(path)
        matched = identify(head, all_kinds, path) if head else None
        if matched is None:
            source_file = path.relative_to(root).as_posix()
            report.unrecognized_files.append(source_file)
            why = (
                "is empty"
                if not head
                else "is not recognized as any known extract "
                f"({', '.join(k.name for k in all_kinds)})"
            )
            _record_rejected_file(
                conn,
                source_file,
                content_hash_of(conn, path),
                f"{source_file}: {why}; nothing was landed from it",
            )
        elif matched in kinds and matched.bulk_loader is not None:
            if waiting and (matched is not waiting_kind or len(waiting) == BATCH_FILES):
                land_waiting(number - 1)
            waiting.append(path)
            waiting_kind = matched
        elif matched in kinds:
            land_waiting(number - 1)
            rows_before = report.rows_landed
            land_file(conn, matched, path, root, report)
            _tell(progress, report, number, len(paths), report.rows_landed - rows_before)
    land_waiting(len(paths))
    return report


def _tell(
    progress: Callable[[str], None] | None,
    report: LandingReport,
    through: int,
    files: int,
    rows: int,
) -> None:
    if progress is not None and rows:
        progress(
            f"{report.kind}: through file {through} of {files} ({through * 100 // files}%): "
            f"{rows:,} rows ({report.rows_landed:,} so far)"
        )


def land_kind(
    conn: duckdb.DuckDBPyConnection, root: Path, kind: FileKind, all_kinds: Sequence[FileKind]
) -> LandingReport:
    return land_kinds(conn, root, (kind,), all_kinds)
