"""Quality: one asset check per expectation suite, and the freshness check per source."""

import dagster as dg

from orchestration.quality.checks import build_suite_checks
from orchestration.quality.freshness import build_freshness_checks


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(asset_checks=[*build_suite_checks(), *build_freshness_checks()])
