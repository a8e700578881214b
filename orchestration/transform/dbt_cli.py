"""The dbt CLI resource the pipeline runs dbt with."""

import importlib.metadata
from functools import cached_property

from dagster_dbt import DbtCliResource
from packaging import version

from orchestration import settings
from orchestration.transform.project import dbt_project


class PipelineDbtCli(DbtCliResource):
    """dagster-dbt's CLI resource without two start-up costs the pipeline does not need.

    Before every invocation dagster-dbt runs `dbt --version` in a subprocess and builds an
    in-process dbt adapter (loading the profile, the project and dbt's macros): about 6 s on
    this machine, a quarter of the default run's dbt step. The version is the installed
    dbt-core's (pinned in requirements.lock), and the adapter only serves fetch_row_counts /
    fetch_column_metadata, which this project replaces with with_table_metadata. Both hooks
    are private to dagster-dbt: this subclass is tied to the pinned dagster-dbt release, and
    tests/integration/test_dbt_step_startup.py fails if they stop being called.
    """

    @cached_property
    def _cli_version(self) -> version.Version:
        return version.parse(importlib.metadata.version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args):  # noqa: ARG002 - dagster-dbt's signature
        return None


def dbt_resource() -> DbtCliResource:
    return PipelineDbtCli(
        project_dir=dbt_project(),
        profiles_dir=str(settings.DBT_PROJECT_DIR),
        dbt_executable=str(settings.dbt_executable()),
        # The pipeline's checks and publication read the local warehouse, so its dbt step
        # always builds there; REE_DBT_TARGET=motherduck is for `make motherduck`.
        target=settings.LOCAL_DBT_TARGET,
    )
