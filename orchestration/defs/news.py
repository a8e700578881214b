"""News: landed articles, and the claims and policy mentions extracted from them."""

import dagster as dg

from orchestration.news.assets import NEWS_ASSETS


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(assets=NEWS_ASSETS)
