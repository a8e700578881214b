"""Running and measuring the benchmark's subprocesses: wall time and peak RSS of each, its log,
the settings of each pipeline run, and what `ree-tracker run` said about itself."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from orchestration import settings
from orchestration.transform.project import dbt_parse_args

ROOT = settings.PROJECT_ROOT
BENCH_DIR = ROOT / "data" / "bench"
LOG_DIR = BENCH_DIR / "logs"


@dataclass
class StepRun:
    name: str
    seconds: float
    exit_code: int | None  # None when killed at the timeout
    peak_rss_mb: float
    log: Path

    @property
    def ok(self) -> bool:
        return self.exit_code == 0

    def failure(self) -> str:
        if self.exit_code is None:
            return f"timed out after {self.seconds:.0f} s (killed); log {self.log}"
        return f"exit status {self.exit_code} after {self.seconds:.1f} s; log {self.log}"

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def python_executable() -> str:
    venv_python = ROOT / ".venv" / "bin" / "python"
    return str(venv_python) if venv_python.exists() else sys.executable


def run_step(name: str, argv: list[str], env: dict[str, str], timeout: float) -> StepRun:
    """Run a command to completion or its timeout; wall time and peak RSS of its tree.

    The child is reaped with wait4, whose ru_maxrss covers the child and every descendant it
    waited for (dbt subprocesses), so each step's peak is its own and not the maximum of all
    steps so far, as getrusage(RUSAGE_CHILDREN) of this process would be.
    """
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    log = LOG_DIR / f"{name}.log"
    with log.open("wb") as output:
        started = time.perf_counter()
        process = subprocess.Popen(
            argv, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
        timed_out = threading.Event()

        def kill() -> None:
            # Only the group this run created (start_new_session): the child and its children.
            timed_out.set()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
        seconds = time.perf_counter() - started
    exit_code = os.waitstatus_to_exitcode(status)
    process.returncode = exit_code  # reaped here; keeps Popen from waiting again
    return StepRun(
        name=name,
        seconds=seconds,
        exit_code=None if timed_out.is_set() else exit_code,
        peak_rss_mb=usage.ru_maxrss / 1024,  # Linux reports kilobytes
        log=log,
    )


def pipeline_env(run_dir: Path, landing: Path | None) -> dict[str, str]:
    """Settings for one pipeline run: its own warehouse, publish folder and DAGSTER_HOME (as
    `make run` has one); landing None means the default (data/landing)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("REE_") and k not in ("DAGSTER_HOME", "COMTRADE_API_KEY")
    }
    dagster_home = run_dir / "dagster_home"
    dagster_home.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "config" / "dagster.yaml", dagster_home / "dagster.yaml")
    env.update(
        DAGSTER_HOME=str(dagster_home),
        REE_WAREHOUSE=str(run_dir / "warehouse.duckdb"),
        REE_PUBLISH_DIR=str(run_dir / "published"),
        REE_REPORTS_DIR=str(run_dir / "reports"),
    )
    if landing is not None:
        env["REE_LANDING_DIR"] = str(landing)
    return env


def parse_dbt_for(env: dict[str, str]) -> None:
    """Set-up, not timed: parse the dbt project for this run's warehouse, as `make run` does
    for the configured one (make's manifest rule), so the run's dbt parses partially. dbt's
    saved parse is tied to the profile, whose path differs from run to run here."""
    dbt = Path(python_executable()).parent / "dbt"
    subprocess.run([str(dbt), *dbt_parse_args()], env=env, check=True, capture_output=True)


def cli_summary(output: str) -> dict[str, object]:
    """What `ree-tracker run` printed about itself: its own time, checks, quarantine."""
    summary: dict[str, object] = {}
    if match := re.search(r"ree-tracker run (succeeded|FAILED) in ([\d.]+) s", output):
        summary["status"] = match.group(1)
        summary["inner_s"] = float(match.group(2))
    if match := re.search(r"checks:\s+(\d+) passed, (\d+) failed", output):
        summary["checks_passed"], summary["checks_failed"] = map(int, match.groups())
    summary["failed_checks"] = re.findall(r"failed \((\w+)\): (\S+)", output)
    if match := re.search(r"quarantined: (\d+) row\(s\), (\d+) file\(s\)", output):
        summary["quarantined_rows"], summary["quarantined_files"] = map(int, match.groups())
    return summary


def landed_counts(warehouse: Path) -> dict[str, int]:
    import duckdb

    conn = duckdb.connect(str(warehouse), read_only=True)
    try:
        return {
            "raw_rows": conn.execute("select count(*) from raw.gacc_query_exports").fetchone()[0],
            "quarantined_rows": conn.execute(
                "select count(*) from quarantine.rejected_rows"
            ).fetchone()[0],
        }
    finally:
        conn.close()


def step_seconds(env: dict[str, str], run_dir: Path, name: str) -> dict[str, object]:
    """Per-step times of the last run recorded under env's DAGSTER_HOME (diagnostic only: a
    failure here is reported in the result, never fails the benchmark)."""
    report = run_dir / f"{name}_steps.json"
    command = [python_executable(), "-m", "benchmarks.pipeline.probes.step_stats", str(report)]
    run = run_step(f"{name}_steps", command, env, 600)
    if not run.ok or not report.exists():
        return {"error": run.failure()}
    return json.loads(report.read_text(encoding="utf-8"))
