"""Checking claims from article files against the published marts (the `ree-tracker check`
command), with the same verdict SQL the dbt model mart_news_claim_checks uses."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from orchestration import settings
from orchestration.extract.contract import ParsedExtract, UnreadableFile
from orchestration.extract.files import read_head
from orchestration.news.claims import claim_rows
from orchestration.news.readers import ARTICLE_TEXT, NEWS_KINDS
from orchestration.resources import attach_literal

VERDICT_MACRO = settings.DBT_PROJECT_DIR / "macros" / "news_claim_verdicts.sql"


def read_articles(path: Path) -> ParsedExtract:
    """Articles in a file of any news format; a file no news reader recognizes is read as
    plain text, so a short note still gets a clear 'not an article' error."""
    head = read_head(path)
    kind = next((k for k in NEWS_KINDS if k.recognizes(head)), ARTICLE_TEXT)
    return kind.read(path)


def claims_from_files(paths: list[Path], published: dt.date | None = None) -> list[dict[str, Any]]:
    """Claim rows for every article in the files. `published`, when given, is the
    publication date: the user who passes it knows better than a date read from the page
    (a header line, else a YYYY-MM-DD file name), which is used only without it."""
    rows: list[dict[str, Any]] = []
    for path in paths:
        try:
            parsed = read_articles(path)
        except UnreadableFile as error:
            raise UnreadableFile(f"{path}: {error}") from None
        for article in parsed.rows:
            date = published or article["published_date"]
            for row in claim_rows(article["article_hash"], article["body_text"], date):
                rows.append({**row, "file": str(path), "article_title": article["title"]})
    return rows


def verdict_sql(claims_relation: str, series_relation: str) -> str:
    """Render the dbt macro with plain Jinja (it uses no dbt functions)."""
    from jinja2 import Environment

    template = Environment().from_string(VERDICT_MACRO.read_text(encoding="utf-8"))
    return str(template.module.news_claim_verdicts(claims_relation, series_relation))


def check_claims(rows: list[dict[str, Any]], published_db: Path) -> list[dict[str, Any]]:
    import duckdb
    import pandas as pd

    if not published_db.exists():
        raise FileNotFoundError(
            f"{published_db} does not exist: run `make run` first (or set REE_PUBLISH_DIR)"
        )
    if not rows:
        return []
    conn = duckdb.connect()
    try:
        conn.execute(f"attach {attach_literal(published_db)} as published (read_only)")
        conn.register("claims_frame", pd.DataFrame(rows))
        # A column that is None in every claim would be typed from no value at all (DuckDB
        # picks INTEGER); the hedges are text, whatever this batch of claims holds.
        conn.execute(
            "create temp table claims as select * replace ("
            "cast(quantity_qualifier as varchar) as quantity_qualifier, "
            "cast(change_qualifier as varchar) as change_qualifier) from claims_frame"
        )
        verdicts = conn.execute(verdict_sql("claims", "published.marts.mart_known_series")).df()
    finally:
        conn.close()
    by_id = {record["claim_id"]: record for record in verdicts.to_dict("records")}
    return [{**row, **by_id.get(row["claim_id"], {})} for row in rows]
