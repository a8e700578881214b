"""The pipeline job and what triggers it: new files in the landing folder, and the calendar."""

import csv
import datetime as dt
import hashlib
import json

from dagster import (
    AssetSelection,
    DefaultScheduleStatus,
    DefaultSensorStatus,
    RunRequest,
    ScheduleEvaluationContext,
    SensorEvaluationContext,
    SkipReason,
    define_asset_job,
    schedule,
    sensor,
)

from orchestration import settings
from orchestration.comtrade.assets import comtrade_monthly_job
from orchestration.landing.files import iter_landing_files

refresh_all_job = define_asset_job(
    "refresh_all",
    # Everything but the Comtrade API pull: it is partitioned by month and calls the network,
    # so it runs in its own job (comtrade_monthly).
    selection=AssetSelection.all() - AssetSelection.groups("comtrade"),
    description="Land new files, rebuild the models, run the checks and publish the marts.",
)

RELEASE_CALENDAR_SEED = settings.DBT_PROJECT_DIR / "seeds" / "release_calendar.csv"
RELEASE_RULES_SEED = settings.DBT_PROJECT_DIR / "seeds" / "release_rules.csv"


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


@schedule(
    job=refresh_all_job,
    cron_schedule="0 9 * * *",
    execution_timezone="Asia/Shanghai",
    default_status=DefaultScheduleStatus.STOPPED,
    description="Runs the pipeline the day after each expected GACC release (release seeds).",
)
def release_calendar_schedule(context: ScheduleEvaluationContext):
    today = context.scheduled_execution_time.date()
    yesterday = today - dt.timedelta(days=1)
    released = release_days(yesterday.year).get(yesterday)
    if not released:
        return SkipReason(f"no GACC release expected on {yesterday}")
    return RunRequest(
        run_key=f"release-{yesterday.isoformat()}",
        tags={"ree/releases": ", ".join(released)},
    )


def landing_fingerprint() -> dict[str, str]:
    """Relative path -> size and modification time of every file in the landing folder."""
    root = settings.landing_dir()
    fingerprint = {}
    for path in iter_landing_files(root):
        stat = path.stat()
        fingerprint[path.relative_to(root).as_posix()] = f"{stat.st_size}:{stat.st_mtime_ns}"
    return fingerprint


@sensor(
    job=refresh_all_job,
    minimum_interval_seconds=60,
    default_status=DefaultSensorStatus.STOPPED,
    description="Starts a refresh when files are added to or changed in the landing folder.",
)
def landing_folder_sensor(context: SensorEvaluationContext):
    current = landing_fingerprint()
    previous = json.loads(context.cursor) if context.cursor else {}
    changed = sorted(name for name, stamp in current.items() if previous.get(name) != stamp)
    context.update_cursor(json.dumps(current, sort_keys=True))
    if not changed:
        return SkipReason("no new or changed files in the landing folder")
    run_key = hashlib.sha256(json.dumps(current, sort_keys=True).encode()).hexdigest()[:16]
    return RunRequest(
        run_key=run_key,
        tags={"ree/new_files": ", ".join(changed)[:200]},
    )


def comtrade_lag_months() -> int:
    """Comtrade's expected lag, from the release_rules seed (a project assumption there)."""
    with RELEASE_RULES_SEED.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["source"] == "comtrade":
                return int(row["lag_months"])
    raise ValueError(f"{RELEASE_RULES_SEED} has no comtrade rule")


@schedule(
    job=comtrade_monthly_job,
    cron_schedule="0 7 2 * *",
    execution_timezone="UTC",
    default_status=DefaultScheduleStatus.STOPPED,
    description="Pulls from UN Comtrade, each month, the month its data are expected for "
    "(release_rules seed: the Comtrade lag).",
)
def comtrade_release_schedule(context: ScheduleEvaluationContext):
    today = context.scheduled_execution_time.date()
    month = today.replace(day=1)
    for _ in range(comtrade_lag_months()):
        month = (month - dt.timedelta(days=1)).replace(day=1)
    return RunRequest(run_key=f"comtrade-{month:%Y-%m}", partition_key=month.isoformat())
