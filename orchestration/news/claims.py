"""Turning articles into claim and policy-mention rows, the same way for the pipeline and CLI."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Any

from orchestration.news_text import extract_claims, extract_policy_mentions


def stated_decimals(value: float | None) -> int | None:
    """Digits after the decimal point as the figure was stated (5864.6 -> 1, 7338.0 -> 0).

    A figure is only as precise as it was written: '23%' agrees with 22.6%, '5,865 t' with
    5,864.6 t. The claim check uses this to allow half a unit of the last stated digit.
    """
    if value is None:
        return None
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return len(text.split(".")[1]) if "." in text else 0


def _month(text: str) -> dt.date:
    year, month = text.split("-")
    return dt.date(int(year), int(month), 1)


def claim_rows(article_hash: str, text: str, published: dt.date | None) -> list[dict[str, Any]]:
    rows = []
    for index, claim in enumerate(extract_claims(text, published)):
        row = asdict(claim)
        rows.append(
            {
                "claim_id": f"{article_hash[:16]}-{index:03d}",
                "article_hash": article_hash,
                "claim_index": index,
                "product_code": row["product_code"],
                "partner_iso3": row["partner_iso3"],
                "period_start_month": _month(row["period_start"]),
                "period_end_month": _month(row["period_end"]),
                "quantity_t": row["quantity_t"],
                # As stated: 5,000 kg is exact to 0.001 t though 5.0 t reads as whole tonnes.
                "quantity_decimals": row["quantity_decimals"]
                if row["quantity_decimals"] is not None
                else stated_decimals(row["quantity_t"]),
                "quantity_qualifier": row["quantity_qualifier"],
                "change_pct": row["change_pct"],
                "change_decimals": stated_decimals(row["change_pct"]),
                "change_qualifier": row["change_qualifier"],
                "change_basis": row["change_basis"],
                "extraction_reason": row["reason"],
                "sentence": row["sentence"],
                "start_char": row["start_char"],
                "end_char": row["end_char"],
                "confidence": row["confidence"],
                "published_date": published,
            }
        )
    return rows


def mention_rows(article_hash: str, text: str, published: dt.date | None) -> list[dict[str, Any]]:
    rows = []
    for index, mention in enumerate(extract_policy_mentions(text, published)):
        rows.append(
            {
                "mention_id": f"{article_hash[:16]}-{index:03d}",
                "article_hash": article_hash,
                "mention_date": mention.date,
                "date_precision": mention.date_precision,
                "actor": mention.actor,
                "action": mention.action,
                "product_groups": list(mention.product_groups),
                "sentence": mention.sentence,
                "start_char": mention.start_char,
                "end_char": mention.end_char,
                "published_date": published,
            }
        )
    return rows
