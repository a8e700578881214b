"""dbt models as Dagster assets (dagster-dbt)."""
