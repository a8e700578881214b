"""What the Dagster UI shows for each asset: description, group, kinds, owners and columns on
every asset of the real definitions; and, when the raw assets run, row counts, the columns as
built and a preview."""

from __future__ import annotations

import re

from dagster import AssetSpec, Definitions, TableSchema, asset, materialize

from orchestration.definitions import defs
from orchestration.landing.assets import LANDING_ASSETS
from orchestration.news.assets import NEWS_ASSETS
from orchestration.resources import Warehouse
from tests.conftest import EMBEDDED_LANDING, copy_embedded_default

EMBEDDED_FIGURES = EMBEDDED_LANDING / "published_figures" / "reported_figures.csv"

# What dagster-dbt writes when a dbt node has no description of its own.
DBT_PLACEHOLDER = re.compile(r"^dbt (model|seed|snapshot|source) \S+")


def _column_schema(metadata) -> TableSchema | None:
    value = metadata.get("dagster/column_schema")
    return getattr(value, "schema", value)  # a TableSchemaMetadataValue or the schema itself


def metadata_gaps(definitions: Definitions) -> list[str]:
    """Every way an asset of `definitions` falls short of what the UI should show."""
    graph = definitions.resolve_asset_graph()
    gaps = []
    for key in sorted(graph.get_all_asset_keys(), key=lambda k: k.to_user_string()):
        node, name = graph.get(key), key.to_user_string()
        description = (node.description or "").strip()
        if not description or DBT_PLACEHOLDER.match(description):
            gaps.append(f"{name}: no description")
        if node.group_name in (None, "default"):
            gaps.append(f"{name}: group {node.group_name}")
        if not node.kinds:
            gaps.append(f"{name}: no kinds")
        if not node.owners:
            gaps.append(f"{name}: no owners")
        # A dbt source nothing here lands is someone else's table: its columns are theirs.
        schema = _column_schema(node.metadata)
        if node.is_materializable and (schema is None or not schema.columns):
            gaps.append(f"{name}: no column schema")
    return gaps


def test_every_asset_is_described_grouped_kinded_owned_and_has_columns():
    assert metadata_gaps(defs) == []


def test_the_audit_catches_an_asset_that_says_nothing_and_a_dbt_placeholder():
    @asset
    def says_nothing() -> None:
        pass

    @asset(
        description="dbt seed products\n\n#### Raw SQL:\n```sql\n```",  # dagster-dbt's filler
        group_name="reference",
        kinds={"dbt"},
        owners=["team:ree-tracker"],
        metadata={"dagster/column_schema": TableSchema(columns=[])},  # declared, but empty
    )
    def undocumented_seed() -> None:
        pass

    # Not landed here: no columns expected, the rest still is.
    external = AssetSpec("someone_elses_table", description="x", group_name="raw")

    gaps = metadata_gaps(Definitions(assets=[says_nothing, undocumented_seed, external]))
    assert sorted(gaps) == sorted(
        [
            "says_nothing: no description",
            "says_nothing: group default",
            "says_nothing: no kinds",
            "says_nothing: no owners",
            "says_nothing: no column schema",
            "undocumented_seed: no description",
            "undocumented_seed: no column schema",
            "someone_elses_table: no kinds",
            "someone_elses_table: no owners",
        ]
    )


def _columns(schema: TableSchema) -> list[tuple[str, str]]:
    return [(column.name, column.type) for column in schema.columns]


def test_raw_assets_declare_the_columns_their_runs_build_and_record_counts_and_previews(
    pipeline_paths,
):
    copy_embedded_default(pipeline_paths.landing)
    assets_defs = [*LANDING_ASSETS, *NEWS_ASSETS]
    result = materialize(assets_defs, resources={"warehouse": Warehouse()})
    assert result.success

    declared = {
        key: _column_schema(spec.metadata)
        for assets_def in assets_defs
        for key, spec in assets_def.specs_by_key.items()
    }
    materialized = {
        event.asset_key: event.materialization.metadata
        for event in result.get_asset_materialization_events()
    }
    assert set(materialized) == set(declared)
    for key, metadata in materialized.items():
        built = _column_schema(metadata)
        assert _columns(built) == _columns(declared[key]), key
        assert metadata["dagster/row_count"].value >= 0
        assert metadata["preview"].value.startswith(("|", "_no rows_")), key

    figures = materialized[next(k for k in declared if k.path == ["raw", "published_figures"])]
    # Every line of the embedded extract is a figure that lands (52 when this test was written).
    embedded = EMBEDDED_FIGURES.read_text(encoding="utf-8").splitlines()
    assert figures["dagster/row_count"].value == len(embedded) - 1
    assert "figure\\_id" in figures["preview"].value  # escaped header of the markdown table
    # Provenance columns carry their meaning into the UI.
    provenance = {c.name: c.description for c in _column_schema(figures).columns}
    assert provenance["_content_hash"].startswith("SHA-256")
