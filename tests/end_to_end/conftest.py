"""Helpers for tests that run the pipeline the way users do: `ree-tracker run` in its own
process, on temp folders set through the REE_* settings."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb

from orchestration import settings
from tests.conftest import PipelinePaths, copy_embedded_default


def make_paths(root: Path) -> PipelinePaths:
    paths = PipelinePaths(
        warehouse=root / "warehouse.duckdb",
        landing=root / "landing",
        publish=root / "published",
        reports=root / "reports",
    )
    copy_embedded_default(paths.landing)
    return paths


def pipeline_env(paths: PipelinePaths) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"}
    env.update(
        REE_WAREHOUSE=str(paths.warehouse),
        REE_LANDING_DIR=str(paths.landing),
        REE_PUBLISH_DIR=str(paths.publish),
        REE_REPORTS_DIR=str(paths.reports),
    )
    return env


def start_run(paths: PipelinePaths) -> subprocess.Popen:
    """`ree-tracker run` in a new session, so the whole process group (dbt included) can be
    killed at once."""
    return subprocess.Popen(
        [sys.executable, "-m", "orchestration.cli", "run"],
        cwd=settings.PROJECT_ROOT,
        env=pipeline_env(paths),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


# The line `ree-tracker run` writes on stderr as each step finishes (not on a terminal).
STEP_DONE = re.compile(r": (\d+)/\d+ steps ")


class WatchedRun:
    """`ree-tracker run` started like start_run, with its stderr read as it comes: when each
    step finished (seconds since the start), so a test can act at a point of the run's own
    progress rather than at a wall-clock time that a busy machine stretches."""

    def __init__(self, paths: PipelinePaths):
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "orchestration.cli", "run"],
            cwd=settings.PROJECT_ROOT,
            env=pipeline_env(paths),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            errors="replace",
            start_new_session=True,
        )
        self.steps_done_at: list[float] = []  # [i] = when step i + 1 finished
        self._changed = threading.Condition()
        # Always drained, so the run never blocks on a full pipe while the test waits.
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.process.stderr:
            if STEP_DONE.search(line):
                with self._changed:
                    self.steps_done_at.append(time.monotonic() - self.started)
                    self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    def wait_for_steps(self, count: int, timeout: float = 600) -> bool:
        """True once `count` steps have finished; False if the run ended first."""
        with self._changed:
            return (
                self._changed.wait_for(
                    lambda: len(self.steps_done_at) >= count or not self._reader.is_alive(),
                    timeout=timeout,
                )
                and len(self.steps_done_at) >= count
            )

    def wait(self, timeout: float = 600) -> int:
        code = self.process.wait(timeout=timeout)
        self._reader.join(timeout=10)
        return code


def parse_dbt_for(paths: PipelinePaths) -> None:
    """Parse the dbt project for these paths' warehouse and keep the parse where the runs'
    dbt steps look for it, as a first run on that warehouse leaves it, so that every run
    starts from a parse that fits. (Into a folder of its own: the project's target/ holds
    the manifest that tests beside this one are reading.)"""
    from orchestration.transform.project import dbt_parse_args
    from orchestration.transform.run_folders import (
        keep_parse_state,
        kept_parse_state,
        parse_state_folder,
    )

    env = {**settings.dbt_env(), **pipeline_env(paths)}
    target = paths.warehouse.parent / "dbt-parse"
    subprocess.run(
        [str(settings.dbt_executable()), *dbt_parse_args(), "--target-path", str(target)],
        env=env,
        check=True,
        capture_output=True,
    )
    keep_parse_state(target, kept_parse_state(parse_state_folder(), env))


def run_to_completion(paths: PipelinePaths) -> None:
    process = start_run(paths)
    assert process.wait(timeout=600) == 0, "pipeline run failed"


def marts_checksum(database: Path) -> str:
    """Checksum of every mart's content, leaving out timestamp columns (when a file landed
    differs from one run folder to another; the figures must not)."""
    conn = duckdb.connect(str(database), read_only=True)
    try:
        digest = hashlib.sha256()
        tables = conn.execute(
            "select table_name from information_schema.tables where table_schema = 'marts' "
            "order by 1"
        ).fetchall()
        for (table,) in tables:
            columns = [
                name
                for name, data_type in conn.execute(
                    "select column_name, data_type from information_schema.columns "
                    "where table_schema = 'marts' and table_name = ? order by ordinal_position",
                    [table],
                ).fetchall()
                if not data_type.startswith("TIMESTAMP")
            ]
            select = ", ".join(f'"{c}"' for c in columns)
            rows = conn.execute(f'select {select} from marts."{table}" order by all').fetchall()
            digest.update(f"{table}:{rows!r}".encode())
        return digest.hexdigest()
    finally:
        conn.close()
