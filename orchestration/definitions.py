"""Assembles the domains' definitions; nothing else happens here."""

from dagster import Definitions

from orchestration.automation.jobs import comtrade_monthly_job, refresh_all_job
from orchestration.automation.schedules import comtrade_release_schedule, release_calendar_schedule
from orchestration.automation.sensors import landing_folder_sensor
from orchestration.comtrade.assets import comtrade_api_responses
from orchestration.comtrade.resource import comtrade_resource
from orchestration.landing.assets import LANDING_ASSETS
from orchestration.news.assets import NEWS_ASSETS
from orchestration.publish.assets import published_marts
from orchestration.quality.checks import build_suite_checks
from orchestration.quality.freshness import build_freshness_checks
from orchestration.reports.assets import policy_timelines
from orchestration.resources import Warehouse
from orchestration.transform.assets import dbt_resource, ree_dbt_models

defs = Definitions(
    assets=[
        *LANDING_ASSETS,
        comtrade_api_responses,
        *NEWS_ASSETS,
        ree_dbt_models,
        published_marts,
        policy_timelines,
    ],
    asset_checks=[*build_suite_checks(), *build_freshness_checks()],
    jobs=[refresh_all_job, comtrade_monthly_job],
    schedules=[release_calendar_schedule, comtrade_release_schedule],
    sensors=[landing_folder_sensor],
    resources={"warehouse": Warehouse(), "dbt": dbt_resource(), "comtrade": comtrade_resource()},
)
