"""The pipeline's two jobs: everything from the landing folder to the published marts, and
the monthly UN Comtrade pull."""

from dagster import AssetKey, AssetSelection, define_asset_job

refresh_all_job = define_asset_job(
    "refresh_all",
    # Everything but the Comtrade API pull: it is partitioned by month and calls the network,
    # so it runs in its own job (comtrade_monthly).
    selection=AssetSelection.all() - AssetSelection.groups("comtrade"),
    description="Land new files, rebuild the models, run the checks and publish the marts.",
)

comtrade_monthly_job = define_asset_job(
    "comtrade_monthly",
    # Partitioned by month through its one asset (Dagster 1.13 infers it and deprecates
    # passing partitions_def here).
    selection=AssetSelection.assets(AssetKey("comtrade_api_responses")),
    description="Pull one month of UN Comtrade exports and mirror imports into the landing folder.",
)
