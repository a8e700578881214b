"""When the pipeline runs: its jobs, the release-calendar schedules, the landing sensor."""

import dagster as dg

from orchestration.automation.jobs import comtrade_monthly_job, refresh_all_job
from orchestration.automation.schedules import comtrade_release_schedule, release_calendar_schedule
from orchestration.automation.sensors import landing_folder_sensor


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(
        jobs=[refresh_all_job, comtrade_monthly_job],
        schedules=[release_calendar_schedule, comtrade_release_schedule],
        sensors=[landing_folder_sensor],
    )
