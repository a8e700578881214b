from dagster import (
    AssetKey,
    DagsterInstance,
    Definitions,
    RunRequest,
    SkipReason,
    build_schedule_context,
    build_sensor_context,
)

from orchestration import settings
from orchestration.automation.release_calendar import release_days
from orchestration.automation.schedules import release_calendar_schedule
from orchestration.automation.sensors import landing_folder_sensor
from orchestration.definitions import defs


def test_definitions_load():
    Definitions.validate_loadable(defs)


def test_every_asset_has_a_named_group_and_writers_share_the_warehouse_pool():
    graph = defs.resolve_asset_graph()
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        assert node.group_name != "default", key
    for assets_def in defs.assets:
        # Every op that runs against the warehouse is limited to one at a time.
        assert assets_def.node_def.pool == settings.WAREHOUSE_POOL, assets_def.keys


def test_dbt_sources_are_the_landing_assets():
    graph = defs.resolve_asset_graph()
    staging = graph.get(AssetKey(["staging", "stg_published_figures__figures"]))
    assert AssetKey(["raw", "published_figures"]) in staging.parent_keys


def test_expectation_suites_are_attached_as_checks_to_their_tables():
    check_keys = {
        (key.asset_key.to_user_string(), key.name)
        for checks_def in defs.asset_checks
        for key in checks_def.check_keys
    }
    assert ("marts/fct_monthly_exports", "ge_fct_monthly_exports") in check_keys
    assert ("raw/published_figures", "ge_raw_published_figures") in check_keys
    assert ("raw/gacc_query_exports", "ge_raw_gacc_query_exports") in check_keys


def test_sensor_requests_a_run_for_new_files_and_skips_when_nothing_changed(pipeline_paths):
    instance = DagsterInstance.ephemeral()
    context = build_sensor_context(instance=instance)
    assert isinstance(landing_folder_sensor(context), SkipReason)  # empty landing folder

    (pipeline_paths.landing / "new.csv").write_text("a,b\n")
    context = build_sensor_context(instance=instance, cursor=context.cursor)
    request = landing_folder_sensor(context)
    assert isinstance(request, RunRequest)
    assert request.tags["ree/new_files"] == "new.csv"

    context = build_sensor_context(instance=instance, cursor=context.cursor)
    assert isinstance(landing_folder_sensor(context), SkipReason)


def test_release_schedule_runs_the_day_after_a_listed_gacc_release_and_skips_otherwise():
    import datetime as dt

    # 2025-06-09 is a listed preliminary release day (release_calendar seed).
    after_release = build_schedule_context(
        scheduled_execution_time=dt.datetime(2025, 6, 10, 9, 0, tzinfo=dt.UTC)
    )
    (request,) = release_calendar_schedule.evaluate_tick(after_release).run_requests
    assert "gacc_preliminary 2025-05" in request.tags["ree/releases"]
    quiet_day = build_schedule_context(
        scheduled_execution_time=dt.datetime(2025, 6, 3, 9, 0, tzinfo=dt.UTC)
    )
    assert not release_calendar_schedule.evaluate_tick(quiet_day).run_requests
    assert release_calendar_schedule.job_name == "refresh_all"


def test_release_days_include_the_detailed_release_rule():
    import datetime as dt

    days = release_days(2025)
    assert "gacc_detailed (rule)" in days[dt.date(2025, 7, 20)]
    assert dt.date(2025, 3, 7) in days  # the combined January-February release


def test_comtrade_schedule_asks_for_the_month_its_data_are_expected():
    import datetime as dt

    from orchestration.automation.schedules import comtrade_release_schedule

    context = build_schedule_context(
        scheduled_execution_time=dt.datetime(2025, 9, 2, 7, 0, tzinfo=dt.UTC),
        repository_def=defs.get_repository_def(),
    )
    (request,) = comtrade_release_schedule.evaluate_tick(context).run_requests
    assert request.partition_key == "2025-06-01"  # three months back (release_rules seed)
