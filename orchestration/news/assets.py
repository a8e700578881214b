"""News assets (group `news`): the claims and policy mentions in the landed articles (the
articles themselves land in landing/assets.py, as every raw file does)."""

import datetime as dt

import pandas as pd
from dagster import AssetKey, AssetSpec, MaterializeResult, multi_asset

from orchestration import settings
from orchestration.landing.assets import raw_news_articles
from orchestration.news.claims import claim_rows, mention_rows
from orchestration.resources import Warehouse
from orchestration.table_metadata import schema_from_ddl, table_metadata

CLAIMS_DDL = """
create or replace table raw.news_claims (
    claim_id varchar not null,
    article_hash varchar not null,
    claim_index integer not null,
    product_code varchar not null,
    partner_iso3 varchar not null,
    period_start_month date not null,
    period_end_month date not null,
    quantity_t double,
    quantity_decimals integer,
    quantity_qualifier varchar,
    change_pct double,
    change_decimals integer,
    change_qualifier varchar,
    change_basis varchar,
    extraction_reason varchar,
    sentence varchar not null,
    start_char integer not null,
    end_char integer not null,
    confidence double not null,
    published_date date,
    extracted_at timestamp not null
)
"""
MENTIONS_DDL = """
create or replace table raw.news_policy_mentions (
    mention_id varchar not null,
    article_hash varchar not null,
    mention_date date,
    date_precision varchar,
    actor varchar,
    action varchar,
    product_groups varchar[],
    sentence varchar not null,
    start_char integer not null,
    end_char integer not null,
    published_date date,
    extracted_at timestamp not null
)
"""

CLAIMS_KEY = AssetKey(["raw", "news_claims"])
MENTIONS_KEY = AssetKey(["raw", "news_policy_mentions"])
CLAIMS_SCHEMA = schema_from_ddl(f"create schema raw; {CLAIMS_DDL}", "raw.news_claims")
MENTIONS_SCHEMA = schema_from_ddl(f"create schema raw; {MENTIONS_DDL}", "raw.news_policy_mentions")


@multi_asset(
    specs=[
        AssetSpec(
            CLAIMS_KEY,
            deps=[raw_news_articles.key],
            group_name="news",
            kinds={"python", "duckdb"},
            owners=["team:ree-tracker"],
            description="Figure claims extracted from every landed article, one row per claim.",
            metadata={"dagster/column_schema": CLAIMS_SCHEMA},
        ),
        AssetSpec(
            MENTIONS_KEY,
            deps=[raw_news_articles.key],
            group_name="news",
            kinds={"python", "duckdb"},
            owners=["team:ree-tracker"],
            description="Policy mentions (date, actor, action) extracted from every article.",
            metadata={"dagster/column_schema": MENTIONS_SCHEMA},
        ),
    ],
    pool=settings.WAREHOUSE_POOL,
)
def news_extracts(warehouse: Warehouse):
    """Re-extract every distinct article: cheap (about 200 articles a second on one core) and
    always consistent with the extractor's current rules."""
    extracted_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    with warehouse.connect() as conn:
        articles = conn.execute(
            """
            select article_hash, any_value(body_text), any_value(published_date)
            from raw.news_articles group by article_hash order by article_hash
            """
        ).fetchall()
        claims, mentions = [], []
        for article_hash, body_text, published in articles:
            claims.extend(claim_rows(article_hash, body_text, published))
            mentions.extend(mention_rows(article_hash, body_text, published))
        conn.execute("begin transaction")
        conn.execute(CLAIMS_DDL)
        conn.execute(MENTIONS_DDL)
        for table, rows in (("news_claims", claims), ("news_policy_mentions", mentions)):
            if rows:
                frame = pd.DataFrame(rows)
                frame["extracted_at"] = extracted_at
                conn.register("extracted_rows", frame)
                conn.execute(f"insert into raw.{table} by name select * from extracted_rows")
                conn.unregister("extracted_rows")
        conn.execute("commit")
        claims_md = table_metadata(conn, "raw.news_claims")
        mentions_md = table_metadata(conn, "raw.news_policy_mentions")
    yield MaterializeResult(asset_key=CLAIMS_KEY, metadata={**claims_md, "articles": len(articles)})
    yield MaterializeResult(asset_key=MENTIONS_KEY, metadata=mentions_md)


NEWS_ASSETS = [news_extracts]
