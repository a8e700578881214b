"""The floor: hand-written DuckDB SQL in one process doing the pipeline's landing and its main
transformations on the same GENERATED files, as fast as DuckDB alone can.

Landing: GBK -> numbered UTF-8 copies (as landing makes them), read_csv, the reader's
quarantine rules and provenance columns (sql/floor_batch.sql, sql/floor_store.sql); then the
line-level detail table and the HS6 roll-up by month and partner with month-on-month and
year-on-year changes (sql/floor_transform.sql). The .sql files are str.format templates
({columns}, and {{ }} for a literal brace). Run as its own process, so it is timed like the
pipeline: `python -m benchmarks.pipeline.floor LANDING WORK`.
"""

from __future__ import annotations

import datetime as dt
import json
import queue
import re
import sys
import threading
import time
from pathlib import Path

import duckdb

from orchestration import settings
from orchestration.bench import synth
from orchestration.extract.files import sha256_of
from orchestration.extract.gacc.query_bulk import finish_numbered_copy, start_numbered_copy
from orchestration.extract.gacc.query_csv import COLUMNS_DDL
from orchestration.extract.plausibility import unit_value_bounds

SQL_DIR = Path(__file__).parent / "sql"
MAX_BATCH_FILES = 32  # the floor loads up to this many converted files per statement
# The query layout's columns as DuckDB reads them from the UTF-8 copies.
CSV_COLUMNS = {name: "VARCHAR" for name in synth.HEADER.split(",")}
NUMERIC_COLUMNS = ("第一数量", "第二数量", "美元")

Converted = tuple[Path, Path, str]  # source, its numbered UTF-8 copy, the source's SHA-256


def sql(name: str, **fields: object) -> str:
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8").format(**fields)


def csv_columns_sql(typed: bool = False, numbered: bool = False) -> str:
    """read_csv's columns: all text, or typed as the floor reads them (month as a date,
    numbers as doubles with thousands separators); numbered copies start with the line."""
    columns = {"line": "INTEGER"} if numbered else {}
    columns.update(CSV_COLUMNS)
    if typed:
        columns.update({name: "DOUBLE" for name in NUMERIC_COLUMNS}, 数据年月="DATE")
    return "{" + ", ".join(f"'{name}': '{kind}'" for name, kind in columns.items()) + "}"


def execute_script(conn, script: str, params: dict[str, object]) -> None:
    """Run statements one by one, each with the named parameters it uses (DuckDB prepares
    one statement at a time and rejects parameters a statement does not use)."""
    for statement in filter(str.strip, script.split(";")):
        names = set(re.findall(r"\$(\w+)", statement))
        conn.execute(statement, {name: params[name] for name in names})


def set_up(conn: duckdb.DuckDBPyConnection) -> None:
    """Raw, quarantine and reference tables, from the same seeds and bounds the pipeline uses."""
    conn.execute(
        sql(
            "floor_setup",
            columns=COLUMNS_DDL,
            products=settings.seed_path("products"),
            partners=settings.seed_path("partner_names_zh"),
        )
    )
    conn.executemany(
        "insert into reference.unit_value_bounds values (?, ?, ?)",
        [[group, low, high] for group, (low, high) in unit_value_bounds().items()],
    )
    conn.execute(
        "create temp table batch_files "
        "(filename varchar, source_file varchar, content_hash varchar)"
    )


def convert_all(sources: list[Path], utf8_dir: Path, ready: queue.Queue) -> None:
    """The pipeline's numbered UTF-8 copy of each source (iconv | awk in two processes),
    hashed meanwhile; None on the queue when done."""
    try:
        for source in sources:
            target = utf8_dir / source.name
            copying = start_numbered_copy(source, target, "gb18030")
            content_hash = sha256_of(source)
            if not finish_numbered_copy(source, target, "gb18030", copying):
                raise RuntimeError(f"{source}: not GB18030")
            ready.put((source, target, content_hash))
    finally:
        ready.put(None)


def next_batch(ready: queue.Queue) -> tuple[list[Converted], bool]:
    """Whatever is converted by now (at least one file), and whether conversion is done."""
    batch = [ready.get()]
    while len(batch) < MAX_BATCH_FILES:
        try:
            batch.append(ready.get_nowait())
        except queue.Empty:
            break
    return [item for item in batch if item is not None], None in batch


def land_batch(conn, batch: list[Converted], landing: Path, batch_sql: str) -> bool:
    """One read_csv and one transaction for the batch's files not landed before."""
    landed = {
        row[0]
        for row in conn.execute(
            "select content_hash from raw.landed_files where content_hash in "
            "(select unnest($hashes))",
            {"hashes": [content_hash for _, _, content_hash in batch]},
        ).fetchall()
    }
    batch = [item for item in batch if item[2] not in landed]
    if not batch:
        return False
    conn.execute("begin transaction")
    conn.execute("delete from batch_files")
    conn.executemany(
        "insert into batch_files values (?, ?, ?)",
        [
            [str(utf8), source.relative_to(landing).as_posix(), content_hash]
            for source, utf8, content_hash in batch
        ],
    )
    conn.execute(batch_sql, {"paths": [str(utf8) for _, utf8, _ in batch]})
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    execute_script(conn, sql("floor_store"), {"at": now})
    conn.execute("commit")
    return True


def land_all(conn, sources: list[Path], landing: Path, utf8_dir: Path) -> int:
    """Transcoding runs ahead in a second thread while DuckDB (which releases the GIL as it
    works) loads the files already converted, a batch per statement, so decoding overlaps
    loading on two cores and DuckDB's per-statement cost is paid per batch, not per file."""
    batch_sql = sql("floor_batch", columns=csv_columns_sql(typed=True, numbered=True))
    ready: queue.Queue[Converted | None] = queue.Queue()
    converter = threading.Thread(target=convert_all, args=(sources, utf8_dir, ready), daemon=True)
    converter.start()
    batches, finished = 0, False
    while not finished:
        batch, finished = next_batch(ready)
        if batch and land_batch(conn, batch, landing, batch_sql):
            batches += 1
    converter.join()
    return batches


def floor_main(landing: Path, work: Path, result_path: Path) -> int:
    """The floor, in this one process: land every GACC file of `landing`, then transform."""
    started = time.perf_counter()
    utf8_dir = work / "utf8"
    utf8_dir.mkdir(parents=True, exist_ok=True)
    sources = sorted(landing.glob(f"{synth.FILE_PREFIX}*.csv"))
    conn = duckdb.connect(str(work / "floor.duckdb"))
    set_up(conn)
    landing_started = time.perf_counter()
    batches = land_all(conn, sources, landing, utf8_dir)
    landed_s = time.perf_counter() - landing_started
    transform_started = time.perf_counter()
    conn.execute(sql("floor_transform"))
    transform_s = time.perf_counter() - transform_started

    def count(table: str) -> int:
        return conn.execute(f"select count(*) from {table}").fetchone()[0]

    result = {
        "files": len(sources),
        "batches": batches,
        "rows_landed": count("raw.gacc_query_exports"),
        "rows_rejected": count("quarantine.rejected_rows"),
        "detail_rows": count("marts.fct_monthly_exports_detail"),
        "fact_rows": count("marts.fct_monthly_exports"),
        "landing_s": round(landed_s, 3),
        "transform_s": round(transform_s, 3),
        "in_process_s": round(time.perf_counter() - started, 3),
    }
    conn.close()
    result_path.write_text(json.dumps(result, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    landing_arg, work_arg = (Path(arg) for arg in sys.argv[1:3])
    sys.exit(floor_main(landing_arg, work_arg, work_arg / "floor.json"))
