"""The news text layer: figure claims and policy mentions read from article text.

Pure Python with no Dagster, no I/O and no database, so the pipeline (orchestration/news),
the command line and the tests all call the same functions. The modules follow the steps of
a read: words (vocabulary, products, gazetteer), sentences, atoms (what a sentence names),
changes (their signs), grouping (atoms into one builder per figure), context (what earlier
sentences established), resolution and periods (a builder into product, partner, period),
claims (the whole article) and finalise (repeats, restated headlines); dates (publication
date) and policy mentions beside them. model holds the types all of them share.
"""

from orchestration.news_text.claims import extract_claims
from orchestration.news_text.dates import publication_date_from
from orchestration.news_text.model import (
    PRODUCT_BLOOMBERG,
    PRODUCT_MAGNETS,
    PRODUCT_RARE_EARTHS,
    WORLD,
    FigureClaim,
    PolicyMention,
)
from orchestration.news_text.policy import extract_policy_mentions

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
