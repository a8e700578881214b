"""dbt models, seeds and tests as Dagster assets and asset checks.

Built by a cached factory, as Dagster's own projects build theirs: importing this module
parses nothing; the dbt manifest is read (and parsed first when missing) only when the
definitions are built.
"""

import contextlib
import functools
import os
from collections.abc import Callable, Iterator

from dagster import AssetExecutionContext, AssetKey, AssetsDefinition
from dagster_dbt import DbtCliResource, dbt_assets

from orchestration import settings
from orchestration.resources import Warehouse
from orchestration.transform.metadata import with_table_metadata
from orchestration.transform.project import dbt_project, ensure_manifest
from orchestration.transform.run_folders import (
    invocation_folder,
    keep_parse_state,
    kept_parse_state,
    parse_state_folder,
    prune_run_folders,
    seed_parse_state,
)
from orchestration.transform.translator import TRANSLATOR


def dbt_build_args() -> list[str]:
    """dbt build, its log file at REE_DBT_FILE_LOG_LEVEL (info unless set: settings.py)."""
    return ["build", "--log-level-file", settings.dbt_file_log_level()]


@contextlib.contextmanager
def environment_variable(name: str, value: str) -> Iterator[None]:
    """`name` set to `value` for the duration of the block, as it was afterwards."""
    before = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = before


@functools.cache
def build_dbt_models(on_dbt_start: Callable[[], None] | None = None) -> AssetsDefinition:
    """The dbt project as one multi-asset; `on_dbt_start` runs as the dbt build starts (the
    definitions pass the Great Expectations warm-up of quality/ge_prefetch.py)."""
    ensure_manifest()
    project = dbt_project()

    @dbt_assets(
        manifest=project.manifest_path,
        project=project,
        dagster_dbt_translator=TRANSLATOR,
        pool=settings.WAREHOUSE_POOL,
    )
    def ree_dbt_models(context: AssetExecutionContext, dbt: DbtCliResource, warehouse: Warehouse):
        """Seeds, staging, intermediate and mart models, built and tested in one dbt invocation."""
        if on_dbt_start is not None:
            on_dbt_start()
        # dbt reads the warehouse path from the environment it starts with (profiles.yml):
        # hand it the same resolved path the other assets use.
        with environment_variable("REE_WAREHOUSE", str(warehouse.resolved_path())):
            project_target = parse_state_folder()
            kept = kept_parse_state(project_target, settings.dbt_env())
            target = invocation_folder(
                project_target, context.op_execution_context.op.name, context.run.run_id
            )
            seed_parse_state(target, kept)
            invocation = dbt.cli(dbt_build_args(), context=context, target_path=target)
        try:
            yield from with_table_metadata(
                context, invocation.stream(), invocation.manifest, warehouse
            )
        finally:
            keep_parse_state(invocation.target_path, kept)
            prune_run_folders(invocation.target_path, settings.DBT_RUN_FOLDERS_KEPT)

    return ree_dbt_models


def mart_keys(dbt_models: AssetsDefinition | None = None) -> list[AssetKey]:
    """The keys of the marts among the dbt assets, sorted."""
    return sorted(
        (key for key in (dbt_models or build_dbt_models()).keys if key.path[0] == "marts"),
        key=lambda key: key.to_user_string(),
    )
