"""ree-tracker: Dagster code that lands, models, checks and publishes China's export data."""
