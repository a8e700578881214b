"""What each dbt invocation leaves in dbt_project/target: its parse, kept for the next one, and
its run folder, of which only the newest are kept."""

import contextlib
import hashlib
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterable, Mapping
from pathlib import Path

from orchestration import settings

PARSE_STATE = "partial_parse.msgpack"


def parse_state_folder() -> Path:
    """The folder dagster-dbt seeds each invocation's parse from: DBT_TARGET_PATH, else the
    project's target/ (its rule, repeated here because dagster-dbt keeps it private)."""
    folder = Path(os.environ.get("DBT_TARGET_PATH", "target"))
    return folder if folder.is_absolute() else settings.DBT_PROJECT_DIR / folder


def invocation_folder(project_target: Path, step: str, run_id: str) -> Path:
    """A new folder for one dbt invocation of `step`, named as dagster-dbt names its own
    (<step>-<run id>-<random>), so that prune_run_folders finds the step's earlier ones."""
    return project_target / f"{step}-{run_id[:7]}-{uuid.uuid4().hex[:7]}"


# What dbt's profile reads from the environment (profiles.yml): dbt keeps a parse only for
# the profile it was made with, so a parse is kept for each combination of these.
PROFILE_SETTINGS = (
    "REE_WAREHOUSE",
    "REE_DBT_TARGET",
    "REE_DUCKDB_MEMORY_LIMIT",
    "REE_MOTHERDUCK_DATABASE",
)
PARSE_STATES_KEPT = 8


def kept_parse_state(project_target: Path, dbt_env: Mapping[str, str]) -> Path:
    """Where the parse for the profile that `dbt_env` gives dbt is kept between invocations."""
    profile = "|".join(f"{name}={dbt_env.get(name, '')}" for name in PROFILE_SETTINGS)
    key = hashlib.sha256(profile.encode()).hexdigest()[:16]
    return project_target / "parse-states" / f"{key}.msgpack"


def seed_parse_state(invocation_target: Path, kept: Path) -> None:
    """Start this invocation from the parse kept for its profile, if there is one; else
    dagster-dbt starts it from the project's target/partial_parse.msgpack (make's parse)."""
    if kept.is_file():
        invocation_target.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileNotFoundError):  # pruned meanwhile: a full parse
            shutil.copyfile(kept, invocation_target / PARSE_STATE)


def keep_parse_state(invocation_target: Path, kept: Path) -> None:
    """Keep the parse this dbt invocation saved for the next invocation with its profile.

    dbt saves its parse in its target folder and reuses it next time unless the project's
    files or the profile changed; the profile holds the warehouse path. dagster-dbt gives every
    invocation its own target folder, seeded with the project's target/partial_parse.msgpack,
    which only `dbt parse` (make's manifest rule) writes. So once REE_WAREHOUSE differed from
    the parse's (another REE_WAREHOUSE, or `make bench`, which parses for its own warehouses),
    every run parsed the whole project again: about 5 s of the default run's dbt step. One
    parse kept for all profiles was no cure where runs on two warehouses alternate (the bench;
    the tests, which run beside each other on temp warehouses): each undid the other's. So a
    parse is kept per profile, the newest PARSE_STATES_KEPT of them. The copy is renamed into
    place, so a concurrent invocation reads the old file or the new one, never half of one.
    """
    saved = invocation_target / PARSE_STATE
    if not saved.is_file():  # dbt stopped before parsing (e.g. a broken profile)
        return
    kept.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=kept.parent, prefix=f".{kept.name}.")
    os.close(handle)
    try:
        shutil.copyfile(saved, temporary)
        os.replace(temporary, kept)
    finally:
        Path(temporary).unlink(missing_ok=True)
    _remove_all_but_newest(kept.parent.glob("*.msgpack"), PARSE_STATES_KEPT)


def prune_run_folders(current: Path, keep: int) -> None:
    """Remove all but the newest `keep` folders of this step's earlier dbt invocations.

    dagster-dbt names them <step>-<run id>-<random> beside the current one and never removes
    any: a pipeline on a schedule or the landing sensor would fill the disk. The newest stay
    for reading a recent run's dbt.log or compiled SQL.
    """
    step = current.name.split("-", 1)[0]
    earlier = (
        folder
        for folder in current.parent.glob(f"{step}-*")
        if folder.is_dir() and folder != current
    )
    _remove_all_but_newest(earlier, max(keep - 1, 0))


def _remove_all_but_newest(paths: Iterable[Path], keep: int) -> None:
    """Remove all but the `keep` most recently modified of `paths` (files or folders)."""
    dated = []
    for path in paths:
        with contextlib.suppress(FileNotFoundError):  # removed meanwhile: nothing to do
            dated.append((path.stat().st_mtime, path))
    dated.sort(reverse=True)
    for _, path in dated[keep:]:
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
