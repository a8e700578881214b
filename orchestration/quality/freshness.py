"""Freshness per source: tells a month that is not yet published from one that is missing.

The expected release dates live in the dbt seeds release_calendar and release_rules (one
source of truth, also used by the release schedule); mart_source_freshness applies them.
"""

import csv

from dagster import (
    AssetCheckResult,
    AssetChecksDefinition,
    AssetCheckSeverity,
    AssetKey,
    asset_check,
)

from orchestration import settings
from orchestration.resources import Warehouse

RULES_SEED = settings.seed_path("release_rules")
FRESHNESS_MART = AssetKey(["marts", "mart_source_freshness"])


def watched_sources() -> list[str]:
    with RULES_SEED.open(encoding="utf-8") as handle:
        return sorted({row["source"] for row in csv.DictReader(handle)})


def freshness_check(source: str) -> AssetChecksDefinition:
    @asset_check(
        asset=FRESHNESS_MART,
        name=f"freshness_{source}",
        description=f"Every month of {source} whose expected release date has passed is present.",
        pool=settings.WAREHOUSE_POOL,
    )
    def _check(warehouse: Warehouse) -> AssetCheckResult:
        with warehouse.connect(read_only=True) as conn:
            rows = conn.execute(
                "select strftime(period_month, '%Y-%m'), status, expected_release_date "
                "from marts.mart_source_freshness where source = ? order by period_month",
                [source],
            ).fetchall()
        missing = [
            f"{month} (expected {expected})"
            for month, status, expected in rows
            if status == "missing"
        ]
        pending = [
            f"{month} (expected {expected})"
            for month, status, expected in rows
            if status == "not_yet_published"
        ]
        return AssetCheckResult(
            passed=not missing,
            # Late data is a warning about the world, not an error in the pipeline.
            severity=AssetCheckSeverity.WARN,
            metadata={
                "in_use": bool(rows),
                "months_present": sum(1 for _, status, _ in rows if status == "present"),
                "missing_months": ", ".join(missing) or "none",
                "not_yet_published": ", ".join(pending) or "none",
            },
        )

    return _check


def build_freshness_checks() -> list[AssetChecksDefinition]:
    return [freshness_check(source) for source in watched_sources()]
