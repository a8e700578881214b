"""The benchmark's steps, each guarded: a step that fails or times out is recorded under
`errors` and the others still run (see benchmarks/pipeline/__init__.py for what each measures).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

from benchmarks.pipeline.floor import csv_columns_sql
from benchmarks.pipeline.inputs import (
    INPUT_DIR,
    NEXT_MONTH_DIR,
    Inputs,
    default_start_month,
    generate,
    link_or_copy,
    utf8_copies,
)
from benchmarks.pipeline.results import NOTES, machine, save, target_status
from benchmarks.pipeline.runs import (
    BENCH_DIR,
    StepRun,
    cli_summary,
    landed_counts,
    parse_dbt_for,
    pipeline_env,
    python_executable,
    run_step,
    step_seconds,
)
from orchestration import settings
from orchestration.bench import synth

READ_CSV_REPEATS = 3
RUN_COMMAND = ("-m", "orchestration.cli", "run")


def guarded(results: dict[str, object], step: str, action: Callable[[], None]) -> None:
    """Run one step; a failure is recorded and the benchmark goes on."""
    print(f"[bench] {step} ...", flush=True)
    started = time.perf_counter()
    try:
        action()
    except Exception as error:  # noqa: BLE001 - any failure of one step is a result, not a crash
        results["errors"][step] = f"{type(error).__name__}: {error}"
    print(f"[bench] {step} done in {time.perf_counter() - started:.1f} s", flush=True)
    save(results)


def read_csv_query() -> str:
    """DuckDB at its best: dialect and columns given (no sniffing)."""
    return (
        "select count(*) from read_csv($files, header = true, auto_detect = false, "
        f"delim = ',', quote = '\"', escape = '\"', thousands = ',', "
        f"dateformat = '%Y%m', columns = {csv_columns_sql(typed=True)})"
    )


class Benchmark:
    """One benchmark run: its arguments, the results so far, and its run folder."""

    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.python = python_executable()
        self.start_month = args.start_month or default_start_month(args.months)
        self.results: dict[str, object] = {
            "rows": args.rows,
            "months": args.months,
            "seed": args.seed,
            "start_month": self.start_month,
            "machine": machine(),
            "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "errors": {},
            "notes": NOTES,
        }
        BENCH_DIR.mkdir(parents=True, exist_ok=True)
        self.run_root = Path(tempfile.mkdtemp(prefix="run-", dir=BENCH_DIR))
        self.results["run_dir"] = str(self.run_root)
        self.inputs: Inputs | None = None
        self.full_env: dict[str, str] | None = None
        self.floor_work = self.run_root / "floor"

    def run(self, name: str, argv: list[str], env: dict[str, str]) -> StepRun:
        return run_step(name, [self.python, *argv], env, self.args.timeout)

    def generate_inputs(self) -> None:
        started = time.perf_counter()
        args = self.args
        files, reused = generate(INPUT_DIR, args.rows, args.months, args.seed, self.start_month)
        # The month after the history, as big as an average month, in a folder of its own.
        next_month = synth.add_months(synth.parse_start_month(self.start_month), args.months)
        next_rows = args.rows // args.months
        (next_file,), next_reused = generate(
            NEXT_MONTH_DIR, next_rows, 1, args.seed, f"{next_month:%Y-%m}"
        )
        self.inputs = Inputs(INPUT_DIR, files, next_file, next_rows)
        self.results["input"] = {
            "directory": str(INPUT_DIR),
            "files": len(files),
            "bytes": sum(f.stat().st_size for f in files),
            "reused": reused and next_reused,
            "generate_s": round(time.perf_counter() - started, 2),
            "next_month_file": str(next_file),
            "next_month_rows": next_rows,
        }

    def full(self) -> None:
        run_dir = self.run_root / "full"
        landing = run_dir / "landing"
        link_or_copy(self.inputs.files, landing)
        env = self.full_env = pipeline_env(run_dir, landing)
        parse_dbt_for(env)
        run = self.run("full", list(RUN_COMMAND), env)
        self.results["full_run"] = {
            **cli_summary(run.output()),
            "peak_rss_mb": round(run.peak_rss_mb, 1),
            "rusage_children_max_mb": round(
                resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1
            ),
        }
        if not run.ok:
            raise RuntimeError(run.failure())
        # Only a run that finished has a peak worth comparing with the target.
        self.results["peak_rss_mb"] = round(run.peak_rss_mb, 1)
        self.results["full_s"] = round(run.seconds, 3)
        self.results["full_run"].update(landed_counts(run_dir / "warehouse.duckdb"))
        self.results["full_run"].update(step_seconds(env, run_dir, "full"))

    def incremental(self) -> None:
        if "full_s" not in self.results:
            raise RuntimeError("needs a successful full run to add a month to")
        run_dir = self.run_root / "full"
        link_or_copy([self.inputs.next_month_file], run_dir / "landing")
        run = self.run("incremental", list(RUN_COMMAND), self.full_env)
        self.results["incremental_run"] = {
            **cli_summary(run.output()),
            "peak_rss_mb": round(run.peak_rss_mb, 1),
            "new_rows": self.inputs.next_month_rows,
        }
        if not run.ok:
            raise RuntimeError(run.failure())
        self.results["incremental_s"] = round(run.seconds, 3)
        self.results["incremental_run"].update(landed_counts(run_dir / "warehouse.duckdb"))
        self.results["incremental_run"].update(step_seconds(self.full_env, run_dir, "incremental"))

    def floor(self) -> None:
        work = self.floor_work
        work.mkdir(parents=True, exist_ok=True)
        argv = ["-m", "benchmarks.pipeline.floor", str(self.inputs.directory), str(work)]
        run = self.run("floor", argv, dict(os.environ))
        if not run.ok:
            raise RuntimeError(run.failure())
        detail = json.loads((work / "floor.json").read_text(encoding="utf-8"))
        self.results["floor_s"] = round(run.seconds, 3)
        self.results["floor_run"] = detail | {"peak_rss_mb": round(run.peak_rss_mb, 1)}

    def read_csv(self) -> None:
        copies = utf8_copies(self.inputs.files, self.floor_work)
        files = {"files": [str(p) for p in copies]}
        conn = duckdb.connect()
        timings = []
        for _ in range(READ_CSV_REPEATS):  # best of three
            started = time.perf_counter()
            (rows,) = conn.execute(read_csv_query(), files).fetchone()
            timings.append(time.perf_counter() - started)
        conn.close()
        seconds = min(timings)
        size = sum(p.stat().st_size for p in copies)
        self.results["read_csv_rows_s"] = round(rows / seconds)
        self.results["read_csv_run"] = {
            "rows": rows,
            "seconds": [round(t, 3) for t in timings],
            "utf8_mb_s": round(size / 1e6 / seconds, 1),
        }
        stored_s = self.store_read(files)
        self.results["insert_floor_rows_s"] = round(rows / stored_s)
        self.results["read_csv_run"]["stored_s"] = round(stored_s, 3)

    def store_read(self, files: dict[str, list[str]]) -> float:
        """Seconds to store the same read: a table on disk, under the pipeline's memory limit,
        committed. No landing (raw rows committed) can beat it; the landing target is set
        against read_csv's count(*), which materializes nothing."""
        database = self.floor_work / "insert_floor.duckdb"
        database.unlink(missing_ok=True)
        config = {"memory_limit": settings.duckdb_memory_limit()}
        conn = duckdb.connect(str(database), config=config)
        started = time.perf_counter()
        conn.execute(f"create table landed as {read_csv_query().replace('count(*)', '*')}", files)
        conn.close()
        stored_s = time.perf_counter() - started
        database.unlink(missing_ok=True)
        return stored_s

    def landing(self) -> None:
        run_dir = self.run_root / "landing"
        env = pipeline_env(run_dir, self.inputs.directory)
        report = run_dir / "landing.json"
        run = self.run("landing", ["-m", "benchmarks.pipeline.probes.landing", str(report)], env)
        detail = json.loads(report.read_text(encoding="utf-8")) if report.exists() else {}
        self.results["landing_run"] = {**detail, "peak_rss_mb": round(run.peak_rss_mb, 1)}
        if not run.ok:
            raise RuntimeError(run.failure())
        self.results["landing_process_s"] = round(run.seconds, 3)
        self.results["landing_process_rows_s"] = round(detail["rows_landed"] / run.seconds)
        # The measure: GBK files in, raw rows committed, i.e. the landing step itself
        # (its asset check and the interpreter's start-up are reported beside it, not in it).
        step_s = detail["step_s"]["raw__gacc_query_exports"]
        self.results["landing_s"] = round(step_s, 3)
        self.results["landing_rows_s"] = round(detail["rows_landed"] / step_s)

    def default_run(self) -> None:
        run_dir = self.run_root / "default"
        env = pipeline_env(run_dir, None)
        parse_dbt_for(env)
        run = self.run("default", list(RUN_COMMAND), env)
        summary = cli_summary(run.output())
        self.results["default_run"] = {**summary, "peak_rss_mb": round(run.peak_rss_mb, 1)}
        if not run.ok:
            raise RuntimeError(run.failure())
        self.results["default_run_s"] = round(run.seconds, 3)
        self.results["default_run_inner_s"] = summary.get("inner_s")
        self.results["default_run"].update(step_seconds(env, run_dir, "default"))
        self.default_env = env

    def dbt_build(self) -> None:
        """`dbt build` by itself, started as a user starts it, on the default run's warehouse:
        what the pipeline's fixed cost is measured against (issue 18)."""
        env = getattr(self, "default_env", None)
        if env is None:
            raise RuntimeError("needs a successful default run for its landed data")
        dbt = str(Path(self.python).parent / "dbt")
        project = str(settings.DBT_PROJECT_DIR)
        argv = [dbt, "build", "--full-refresh", "--project-dir", project, "--profiles-dir", project]
        run = run_step("dbt_build", argv, env, self.args.timeout)
        if not run.ok:
            raise RuntimeError(run.failure())
        self.results["dbt_build_s"] = round(run.seconds, 3)

    def all_steps(self) -> dict[str, object]:
        results = self.results
        guarded(results, "generate", self.generate_inputs)
        if self.inputs is not None:
            for name in ("full", "incremental", "floor", "read_csv", "landing"):
                guarded(results, name, getattr(self, name))
        guarded(results, "default", self.default_run)
        guarded(results, "dbt_build", self.dbt_build)
        results["targets"] = target_status(results)
        results["machine"]["loadavg_1m_at_end"] = round(os.getloadavg()[0], 2)
        save(results)
        if not self.args.keep:
            shutil.rmtree(self.run_root, ignore_errors=True)
            results["run_dir"] = f"{self.run_root} (removed; --keep keeps it)"
            save(results)
        return results
