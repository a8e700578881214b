"""The dbt step starts importing Great Expectations only where the GE checks will use it.

`ree-tracker run` executes every step in one process, so the import overlaps dbt there; the
UI's multiprocess executor runs each step in a child process, where it would only take CPU.
Both cases start from a fresh interpreter, where Great Expectations is not imported yet.
"""

from __future__ import annotations

import multiprocessing
import subprocess
import sys


def _import_started() -> bool:
    import threading

    from orchestration.quality.ge_prefetch import GREAT_EXPECTATIONS, import_in_background

    import_in_background()
    return any(t.name == f"import {GREAT_EXPECTATIONS}" for t in threading.enumerate())


def _report_from_child(results) -> None:
    results.put(_import_started())


def test_the_import_starts_in_a_process_that_runs_the_checks_itself():
    probe = "from tests.unit.quality.test_ge_prefetch import _import_started as s; print(s())"
    finished = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert finished.returncode == 0, finished.stderr[-2000:]
    assert finished.stdout.strip() == "True"


def test_no_import_starts_in_a_multiprocessing_child():
    spawn = multiprocessing.get_context("spawn")  # as Dagster's multiprocess executor
    results = spawn.Queue()
    child = spawn.Process(target=_report_from_child, args=(results,))
    child.start()
    started = results.get(timeout=120)
    child.join(timeout=60)
    assert started is False
