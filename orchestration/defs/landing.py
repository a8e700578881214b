"""Landing: every raw_* asset but the news articles (defs/news.py)."""

import dagster as dg

from orchestration.landing.assets import LANDING_ASSETS


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(assets=LANDING_ASSETS)
