"""How dbt nodes become Dagster assets: keys, groups and owners."""

from collections.abc import Mapping
from typing import Any

from dagster import AssetKey
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings

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


# dbt tests become asset checks of the models they test.
TRANSLATOR = ReeDbtTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))
