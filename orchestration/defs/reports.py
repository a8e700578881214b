"""The policy charts and the analyst report."""

import dagster as dg

from orchestration.reports.assets import policy_timelines


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(assets=[policy_timelines])
