"""Expected release days, read from the same dbt seeds that mart_source_freshness applies."""

import csv
import datetime as dt

from orchestration import settings

RELEASE_CALENDAR_SEED = settings.seed_path("release_calendar")
RELEASE_RULES_SEED = settings.seed_path("release_rules")


def release_days(year: int) -> dict[dt.date, list[str]]:
    """GACC release days of a year, from the same seeds that mart_source_freshness reads: the
    listed preliminary dates, and each rule's day of the month for the GACC sources."""
    days: dict[dt.date, list[str]] = {}
    with RELEASE_CALENDAR_SEED.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            day = dt.date.fromisoformat(row["expected_release_date"])
            if day.year == year:
                days.setdefault(day, []).append(f"{row['source']} {row['period_month']}")
    with RELEASE_RULES_SEED.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if not row["source"].startswith("gacc_") or row["is_verified"] != "true":
                continue
            for month in range(1, 13):
                day = dt.date(year, month, int(row["day_of_following_month"]))
                days.setdefault(day, []).append(f"{row['source']} (rule)")
    return days


def comtrade_lag_months() -> int:
    """Comtrade's expected lag, from the release_rules seed (a project assumption there)."""
    with RELEASE_RULES_SEED.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["source"] == "comtrade":
                return int(row["lag_months"])
    raise ValueError(f"{RELEASE_RULES_SEED} has no comtrade rule")
