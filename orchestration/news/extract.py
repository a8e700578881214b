"""The claim and policy-mention extractor now lives in orchestration.news_text (pure, no
Dagster); this module keeps the old import path working for callers."""

from orchestration.news_text import (
    PRODUCT_BLOOMBERG,
    PRODUCT_MAGNETS,
    PRODUCT_RARE_EARTHS,
    WORLD,
    FigureClaim,
    PolicyMention,
    extract_claims,
    extract_policy_mentions,
    publication_date_from,
)

__all__ = [
    "FigureClaim",
    "PolicyMention",
    "PRODUCT_BLOOMBERG",
    "PRODUCT_MAGNETS",
    "PRODUCT_RARE_EARTHS",
    "WORLD",
    "extract_claims",
    "extract_policy_mentions",
    "publication_date_from",
]
