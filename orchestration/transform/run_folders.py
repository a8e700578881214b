"""What each dbt invocation leaves in dbt_project/target: its parse, kept for the next one, and
its run folder, of which only the newest are kept."""

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

from orchestration import settings

PARSE_STATE = "partial_parse.msgpack"


def parse_state_folder() -> Path:
    """The folder dagster-dbt seeds each invocation's parse from: DBT_TARGET_PATH, else the
    project's target/ (its rule, repeated here because dagster-dbt keeps it private)."""
    folder = Path(os.environ.get("DBT_TARGET_PATH", "target"))
    return folder if folder.is_absolute() else settings.DBT_PROJECT_DIR / folder


def keep_parse_state(invocation_target: Path, project_target: Path) -> None:
    """Make the parse this dbt invocation saved the one the next invocation starts from.

    dbt saves its parse in its target folder and reuses it next time unless the project's
    files or the profile changed; the profile holds the warehouse path. dagster-dbt gives every
    invocation its own target folder, seeded with the project's target/partial_parse.msgpack,
    which only `dbt parse` (make's manifest rule) writes. So once REE_WAREHOUSE differed from
    the parse's (another REE_WAREHOUSE, or `make bench`, which parses for its own warehouses),
    every run parsed the whole project again: about 5 s of the default run's dbt step. Copied
    back, only the first run after such a change pays. The copy is renamed into place, so a
    concurrent invocation reads the old file or the new one, never half of one.
    """
    saved = invocation_target / PARSE_STATE
    if not saved.is_file():  # dbt stopped before parsing (e.g. a broken profile)
        return
    project_target.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=project_target, prefix=f".{PARSE_STATE}.")
    os.close(handle)
    try:
        shutil.copyfile(saved, temporary)
        os.replace(temporary, project_target / PARSE_STATE)
    finally:
        Path(temporary).unlink(missing_ok=True)


def prune_run_folders(current: Path, keep: int) -> None:
    """Remove all but the newest `keep` folders of this step's earlier dbt invocations.

    dagster-dbt names them <step>-<run id>-<random> beside the current one and never removes
    any: a pipeline on a schedule or the landing sensor would fill the disk. The newest stay
    for reading a recent run's dbt.log or compiled SQL.
    """
    step = current.name.split("-", 1)[0]
    earlier = []
    for folder in current.parent.glob(f"{step}-*"):
        with contextlib.suppress(FileNotFoundError):  # removed meanwhile: nothing to do
            if folder.is_dir() and folder != current:
                earlier.append((folder.stat().st_mtime, folder))
    earlier.sort(reverse=True)
    for _, folder in earlier[max(keep - 1, 0) :]:
        shutil.rmtree(folder, ignore_errors=True)
