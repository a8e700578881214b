"""The policy charts, the analyst report and the interactive policy-impact report."""

import dagster as dg

from orchestration.reports.assets import policy_impact, policy_timelines


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(assets=[policy_timelines, policy_impact])
