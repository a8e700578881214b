"""The UN Comtrade pull into the landing folder, and the resource that calls the API."""

import dagster as dg

from orchestration.comtrade.assets import comtrade_api_responses
from orchestration.comtrade.resource import comtrade_resource


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(
        assets=[comtrade_api_responses], resources={"comtrade": comtrade_resource()}
    )
