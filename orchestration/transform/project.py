"""The dbt project object, and making sure its manifest exists before Dagster loads it."""

from __future__ import annotations

import functools
import os
import subprocess

from dagster_dbt import DbtProject

from orchestration import settings


def prepare_dbt_environment() -> None:
    """Make dbt runnable from this process, however it was started (make, `dagster dev`).

    dbt's profile reads REE_WAREHOUSE from the environment, so the resolved path goes there;
    and dagster-dbt's own re-parse under `dagster dev` looks for `dbt` on PATH, so the folder
    of the project's dbt goes first on it.
    """
    os.environ["REE_WAREHOUSE"] = str(settings.warehouse_path())
    dbt_folder = str(settings.dbt_executable().parent)
    path = os.environ.get("PATH", "")
    if dbt_folder not in path.split(os.pathsep):
        os.environ["PATH"] = os.pathsep.join([dbt_folder, path]) if path else dbt_folder


@functools.cache
def dbt_project() -> DbtProject:
    prepare_dbt_environment()
    return DbtProject(
        project_dir=settings.DBT_PROJECT_DIR,
        profiles_dir=settings.DBT_PROJECT_DIR,
    )


def dbt_command(*args: str) -> list[str]:
    """A dbt command line on this project and its profiles, from any working directory."""
    return [
        str(settings.dbt_executable()),
        *args,
        "--project-dir",
        str(settings.DBT_PROJECT_DIR),
        "--profiles-dir",
        str(settings.DBT_PROJECT_DIR),
    ]


def dbt_parse_args() -> list[str]:
    """Arguments for `dbt parse`: writes target/manifest.json, which dagster-dbt reads.

    The target is named as the pipeline's dbt step names it (`--target local`): dbt keeps its
    partial-parse state only while the --target argument is the same, and a full re-parse
    costs the step about 5 s.
    """
    return dbt_command("parse", "--quiet", "--target", settings.LOCAL_DBT_TARGET)[1:]


def ensure_manifest() -> None:
    """Parse the dbt project when no manifest exists yet (fresh clone, cleaned target/).

    `make` parses explicitly; this covers the UI and ad-hoc imports. dbt parse reads files
    only: it does not open the warehouse.
    """
    project = dbt_project()
    if project.manifest_path.exists():
        project.prepare_if_dev()  # re-parses under `dagster dev` so edits show up
        return
    subprocess.run(
        [str(settings.dbt_executable()), *dbt_parse_args()],
        check=True,
        env=settings.dbt_env(),
        cwd=settings.DBT_PROJECT_DIR,
    )
