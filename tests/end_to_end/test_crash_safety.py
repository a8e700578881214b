"""Killing the pipeline (SIGKILL, process group) at many points never corrupts anything: the
warehouse and the published file open after every kill, and a final run converges to the
same marts as a clean run."""

import os
import random
import shutil
import signal
import time

import duckdb
import pytest

from tests.end_to_end.conftest import (
    make_paths,
    marts_checksum,
    parse_dbt_for,
    run_to_completion,
    start_run,
)

pytestmark = pytest.mark.slow
KILL_POINTS = 10


def test_runs_killed_at_ten_points_leave_a_warehouse_that_opens_and_converges(tmp_path):
    # The clean run and the killed ones share their paths, and dbt's saved parse fits them
    # from the start, as make's parse fits a user's runs: so every run parses the same way
    # and the kill points, spread over the clean run's time, fall inside the killed runs.
    paths = make_paths(tmp_path)
    parse_dbt_for(paths)
    started = time.monotonic()
    run_to_completion(paths)
    clean_seconds = time.monotonic() - started
    expected = marts_checksum(paths.published_db)

    crashed = paths
    for folder in (crashed.publish, crashed.reports):
        shutil.rmtree(folder, ignore_errors=True)
    for warehouse_file in tmp_path.glob(f"{crashed.warehouse.name}*"):  # with any WAL
        warehouse_file.unlink()
    # Kill points spread over a whole run (landing, dbt, checks, publish), with jitter.
    rng = random.Random(20251122)
    delays = [clean_seconds * (i + rng.uniform(0.1, 0.9)) / KILL_POINTS for i in range(KILL_POINTS)]
    killed_while_running = 0
    finished_early = []  # (kill point, seconds the run took), to show when it misses
    for delay in delays:
        process = start_run(crashed)
        run_started = time.monotonic()
        time.sleep(delay)
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            killed_while_running += 1
        else:
            finished_early.append((round(delay, 1), round(time.monotonic() - run_started, 1)))
        process.wait()
        if crashed.warehouse.exists():
            duckdb.connect(str(crashed.warehouse)).close()  # opens, replaying its WAL
        if crashed.published_db.exists():
            conn = duckdb.connect(str(crashed.published_db), read_only=True)
            assert conn.execute("select count(*) from marts.fct_monthly_exports").fetchone()
            conn.close()
        # Every published Parquet file, month files of a monthly mart included, is whole
        # (a file still being written has a hidden temporary name, or sits in a hidden folder).
        parquet = crashed.publish / "parquet"
        month_files = [
            path for path in parquet.glob("*/*/*.parquet") if not path.parts[-3].startswith(".")
        ]
        for published in [*parquet.glob("*.parquet"), *month_files]:
            duckdb.sql(f"select count(*) from read_parquet('{published}')").fetchone()
    assert killed_while_running >= KILL_POINTS - 1, (round(clean_seconds, 1), finished_early)

    run_to_completion(crashed)
    assert marts_checksum(crashed.published_db) == expected
    leftovers = [p.name for p in crashed.publish.rglob(".*.tmp*")]
    assert leftovers == []
