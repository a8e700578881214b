"""dbt: seeds, models and their tests, and the CLI resource that runs them."""

import dagster as dg

from orchestration.quality.ge_prefetch import import_in_background
from orchestration.transform.assets import build_dbt_models
from orchestration.transform.dbt_cli import dbt_resource


def dbt_models() -> dg.AssetsDefinition:
    """The pipeline's dbt assets (built once per process): while dbt builds, the process
    imports Great Expectations for the checks that follow."""
    return build_dbt_models(on_dbt_start=import_in_background)


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(assets=[dbt_models()], resources={"dbt": dbt_resource()})
