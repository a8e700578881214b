"""Resources every area uses: the DuckDB warehouse."""

import dagster as dg

from orchestration.resources import Warehouse


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(resources={"warehouse": Warehouse()})
