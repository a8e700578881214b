"""Publication of every mart for BI tools."""

import dagster as dg

from orchestration.defs.transform import dbt_models
from orchestration.publish.assets import published_marts_asset
from orchestration.transform.assets import mart_keys


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(assets=[published_marts_asset(mart_keys(dbt_models()))])
