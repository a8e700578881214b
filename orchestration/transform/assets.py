"""dbt models, seeds and tests as Dagster assets and asset checks."""

import contextlib
import importlib.metadata
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from functools import cached_property
from pathlib import Path
from typing import Any

import duckdb
from dagster import AssetExecutionContext, AssetKey, AssetMaterialization, Output
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    dbt_assets,
)
from packaging import version

from orchestration import settings
from orchestration.quality.suites import import_in_background
from orchestration.resources import Warehouse
from orchestration.table_metadata import table_metadata, table_schema
from orchestration.transform.project import dbt_project, ensure_manifest

# dbt folder (first part of the fqn after the project) -> Dagster group.
FOLDER_GROUPS = {"staging": "staging", "intermediate": "staging", "marts": "marts"}


class ReeDbtTranslator(DagsterDbtTranslator):
    """Keys are schema.table, so the UI and SQL name a table the same way."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return super().get_asset_key(dbt_resource_props)
        return AssetKey([dbt_resource_props["schema"], dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "reference"
        folder = dbt_resource_props["fqn"][1] if len(dbt_resource_props["fqn"]) > 2 else None
        return FOLDER_GROUPS.get(folder, "staging")

    def get_owners(self, dbt_resource_props: Mapping[str, Any]) -> list[str]:
        return ["team:ree-tracker"]


ensure_manifest()
TRANSLATOR = ReeDbtTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))


@dbt_assets(
    manifest=dbt_project().manifest_path,
    project=dbt_project(),
    dagster_dbt_translator=TRANSLATOR,
    pool=settings.WAREHOUSE_POOL,
)
def ree_dbt_models(context: AssetExecutionContext, dbt: DbtCliResource, warehouse: Warehouse):
    """Seeds, staging, intermediate and mart models, built and tested in one dbt invocation."""
    # This process mostly waits for the dbt subprocess; the GE checks that follow in it
    # (`ree-tracker run` executes every step in one process) need Great Expectations.
    import_in_background()
    # dbt reads the warehouse path from the environment (profiles.yml); hand it the same
    # resolved path the other assets use.
    os.environ["REE_WAREHOUSE"] = str(warehouse.resolved_path())
    invocation = dbt.cli(["build"], context=context)
    try:
        yield from with_table_metadata(context, invocation.stream(), invocation.manifest, warehouse)
    finally:
        keep_parse_state(invocation.target_path, parse_state_folder())
        prune_run_folders(invocation.target_path, settings.DBT_RUN_FOLDERS_KEPT)


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


def with_table_metadata(
    context: AssetExecutionContext,
    events: Iterable[Any],
    manifest: Mapping[str, Any],
    warehouse: Warehouse,
) -> Iterator[Any]:
    """dbt's events, each materialization with the row count, columns and first rows of the
    table it built.

    The warehouse is read only after dbt has exited: DuckDB lets no other process open the
    file while dbt writes it. (dagster-dbt's fetch_row_counts / fetch_column_metadata wait
    the same way, but name tables by the database recorded when the manifest was parsed,
    which differs whenever REE_WAREHOUSE's file name does; schema.table works for any file.)
    Views get their columns only: a count or a preview would run the view's whole query.
    """
    collected, failure = [], None
    try:
        for event in events:
            collected.append(event)
    except Exception as error:  # noqa: BLE001 - re-raised below, after the events are out
        failure = error
    built = [(event, _built_node(event, manifest)) for event in collected]
    if any(node is not None for _, node in built):
        with warehouse.connect(read_only=True) as conn:
            for event, node in built:
                yield _with_node_metadata(context, conn, event, node)
    else:  # nothing was built (dbt failed early): the warehouse may not even exist
        yield from collected
    if failure is not None:
        raise failure


def _with_node_metadata(context, conn, event, node):
    if node is None:
        return event
    try:
        return event.with_metadata({**event.metadata, **_node_metadata(conn, node)})
    except duckdb.Error as error:  # metadata for the UI must never fail the build
        context.log.warning(f"no table metadata for {node['unique_id']}: {error}")
        return event


def _built_node(event: Any, manifest: Mapping[str, Any]) -> Mapping[str, Any] | None:
    if not isinstance(event, (Output, AssetMaterialization)) or "unique_id" not in event.metadata:
        return None
    return manifest["nodes"].get(event.metadata["unique_id"].value)


def _node_metadata(conn: duckdb.DuckDBPyConnection, node: Mapping[str, Any]) -> dict[str, Any]:
    relation = f"{node['schema']}.{node['alias']}"
    descriptions = {
        name: column["description"]
        for name, column in node.get("columns", {}).items()
        if column.get("description")
    }
    if node["config"].get("materialized") == "view":
        return {"dagster/column_schema": table_schema(conn, relation, descriptions)}
    return table_metadata(conn, relation, descriptions)


def mart_keys() -> list[AssetKey]:
    return sorted(
        (key for key in ree_dbt_models.keys if key.path[0] == "marts"),
        key=lambda key: key.to_user_string(),
    )


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
