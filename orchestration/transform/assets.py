"""dbt models, seeds and tests as Dagster assets and asset checks."""

import os
from collections.abc import Mapping
from typing import Any

from dagster import AssetExecutionContext, AssetKey
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    dbt_assets,
)

from orchestration import settings
from orchestration.resources import Warehouse
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
    # dbt reads the warehouse path from the environment (profiles.yml); hand it the same
    # resolved path the other assets use.
    os.environ["REE_WAREHOUSE"] = str(warehouse.resolved_path())
    yield from dbt.cli(["build"], context=context).stream()


def mart_keys() -> list[AssetKey]:
    return sorted(
        (key for key in ree_dbt_models.keys if key.path[0] == "marts"),
        key=lambda key: key.to_user_string(),
    )


def dbt_resource() -> DbtCliResource:
    return DbtCliResource(
        project_dir=dbt_project(),
        profiles_dir=str(settings.DBT_PROJECT_DIR),
        dbt_executable=str(settings.dbt_executable()),
    )
