"""Importing Great Expectations ahead of the checks, while the process waits for dbt anyway."""

import importlib
import multiprocessing
import sys
import threading

GREAT_EXPECTATIONS = "great_expectations"


def import_in_background() -> None:
    """Start importing Great Expectations on a daemon thread, for a process with seconds to
    wait anyway: the import costs about 5 s of CPU, and the GE checks that run later in the
    same process then find it loaded (a check that comes first waits for the import to end,
    as any second importer of a module does).

    Not in a child process of Python's multiprocessing: that is how Dagster's multiprocess
    executor (the UI's default) runs each step, so the checks run in other processes and the
    import would only take CPU from the dbt build beside it.
    """
    if multiprocessing.parent_process() is not None:
        return
    if GREAT_EXPECTATIONS not in sys.modules:
        threading.Thread(
            target=importlib.import_module,
            args=(GREAT_EXPECTATIONS,),
            name=f"import {GREAT_EXPECTATIONS}",
            daemon=True,
        ).start()
