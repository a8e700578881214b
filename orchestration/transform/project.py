"""The dbt project object, and making sure its manifest exists before Dagster loads it."""

from __future__ import annotations

import functools
import subprocess

from dagster_dbt import DbtProject

from orchestration import settings


@functools.cache
def dbt_project() -> DbtProject:
    return DbtProject(
        project_dir=settings.DBT_PROJECT_DIR,
        profiles_dir=settings.DBT_PROJECT_DIR,
    )


def dbt_parse_args() -> list[str]:
    """Arguments for `dbt parse`: writes target/manifest.json, which dagster-dbt reads."""
    return [
        "parse",
        "--quiet",
        "--project-dir",
        str(settings.DBT_PROJECT_DIR),
        "--profiles-dir",
        str(settings.DBT_PROJECT_DIR),
    ]


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
