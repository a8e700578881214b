"""Killing the pipeline (SIGKILL, process group) at many points never corrupts anything: the
warehouse and the published file open after every kill, and a final run converges to the
same marts as a clean run.

Each kill point is a moment of the clean run (landing, dbt, checks, publish), named by the
last step finished before it and the seconds after that step: a killed run is killed that
long after it finishes the same step, or as the next step finishes if that comes sooner.
Anchored to the run's own progress, the kills land where they were meant to on a busy
machine too, so this test runs beside the others."""

import bisect
import os
import random
import shutil
import signal

import duckdb
import pytest

from tests.end_to_end.conftest import (
    WatchedRun,
    make_paths,
    marts_checksum,
    parse_dbt_for,
    run_to_completion,
)

pytestmark = pytest.mark.slow
KILL_POINTS = 10


def test_runs_killed_at_ten_points_leave_a_warehouse_that_opens_and_converges(tmp_path):
    # The clean run and the killed ones share their paths, and dbt's saved parse fits them
    # from the start, as make's parse fits a user's runs: so every run parses the same way
    # and the kill points, spread over the clean run's time, fall inside the killed runs.
    paths = make_paths(tmp_path)
    parse_dbt_for(paths)
    clean = WatchedRun(paths)
    assert clean.wait() == 0, "pipeline run failed"
    clean_seconds = time_of_last_step = clean.steps_done_at[-1]
    boundaries = [0.0, *clean.steps_done_at]  # [k] = when k steps had finished
    expected = marts_checksum(paths.published_db)

    crashed = paths
    for folder in (crashed.publish, crashed.reports):
        shutil.rmtree(folder, ignore_errors=True)
    for warehouse_file in tmp_path.glob(f"{crashed.warehouse.name}*"):  # with any WAL
        warehouse_file.unlink()
    # Kill points spread over a whole run (landing, dbt, checks, publish), with jitter.
    rng = random.Random(20251122)
    moments = [
        clean_seconds * (i + rng.uniform(0.1, 0.9)) / KILL_POINTS for i in range(KILL_POINTS)
    ]
    killed_while_running = 0
    finished_early = []  # (steps done, seconds after, steps the run got to), to show a miss
    killed_in = []  # (steps done before the kill, seconds after the last of them)
    for moment in moments:
        steps_before = bisect.bisect_right(boundaries, moment) - 1
        after = moment - boundaries[steps_before]
        run = WatchedRun(crashed)
        reached = run.wait_for_steps(steps_before)
        if reached:
            # That long into the next step, or as it finishes if it is quicker this time (a
            # killed run can find some of the work done by the run before it).
            run.wait_for_steps(steps_before + 1, timeout=after)
        if reached and run.process.poll() is None:
            os.killpg(run.process.pid, signal.SIGKILL)
            killed_while_running += 1
            killed_in.append((steps_before, round(after, 1)))
        else:
            finished_early.append((steps_before, round(after, 1), len(run.steps_done_at)))
        run.wait()
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
    print(f"clean run {time_of_last_step:.1f} s; killed after (steps, s): {killed_in}")
    assert killed_while_running >= KILL_POINTS - 1, (round(clean_seconds, 1), finished_early)
    # Spread over the run: before dbt finished and after it (checks, reports, publish).
    assert (
        min(steps for steps, _ in killed_in)
        < len(boundaries) // 2
        < max(steps for steps, _ in killed_in)
    ), killed_in

    run_to_completion(crashed)
    assert marts_checksum(crashed.published_db) == expected
    leftovers = [p.name for p in crashed.publish.rglob(".*.tmp*")]
    assert leftovers == []
