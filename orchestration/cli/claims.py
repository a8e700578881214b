"""`ree-tracker claims` and `check`: the figure claims of article files as JSON lines, with
the verdict against the published marts for `check`."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from orchestration import settings

CLAIM_FIELDS = (
    "product_code",
    "partner_iso3",
    "period_start",
    "period_end",
    "quantity_t",
    "quantity_qualifier",
    "change_pct",
    "change_qualifier",
    "change_basis",
    "sentence",
    "start_char",
    "end_char",
    "confidence",
    "extraction_reason",
)
VERDICT_FIELDS = (
    "customs_quantity_t",
    "derived_change_pct",
    "matched_series",
    "verdict",
    "reason",
)


def _claim_json(row: dict, extra: Sequence[str] = ()) -> str:
    import json
    import math

    record = {
        "file": row["file"],
        "published": row["published_date"].isoformat() if row["published_date"] else None,
        **{
            name: row.get(name)
            for name in CLAIM_FIELDS
            if name not in ("period_start", "period_end")
        },
        "period_start": row["period_start_month"].strftime("%Y-%m"),
        "period_end": row["period_end_month"].strftime("%Y-%m"),
    }
    for name in extra:
        value = row.get(name)
        record[name] = None if isinstance(value, float) and math.isnan(value) else value
    ordered = {key: record[key] for key in ("file", "published", *CLAIM_FIELDS, *extra)}
    return json.dumps(ordered, ensure_ascii=False, default=str)


def claims_command(files: Sequence[str], published: str | None, check: bool) -> int:
    import datetime as dt
    from pathlib import Path

    from orchestration.extract.contract import UnreadableFile
    from orchestration.news.check import check_claims, claims_from_files

    date = dt.date.fromisoformat(published) if published else None
    try:
        rows = claims_from_files([Path(f) for f in files], date)
        if check:
            rows = check_claims(rows, settings.published_db_path())
    except (UnreadableFile, FileNotFoundError) as error:
        print(f"ree-tracker: {error}", file=sys.stderr)
        return 2
    try:
        for row in rows:
            print(_claim_json(row, VERDICT_FIELDS if check else ()), flush=True)
    except BrokenPipeError:  # e.g. piped into `head`: the reader has what it wanted
        sys.stderr.close()
    return 0
