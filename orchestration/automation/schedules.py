"""Schedules that follow the release calendar: a refresh the day after each GACC release, and
the Comtrade pull of the month its data are expected for."""

import datetime as dt

from dagster import (
    DefaultScheduleStatus,
    RunRequest,
    ScheduleEvaluationContext,
    SkipReason,
    schedule,
)

from orchestration.automation.jobs import comtrade_monthly_job, refresh_all_job
from orchestration.automation.release_calendar import comtrade_lag_months, release_days


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
