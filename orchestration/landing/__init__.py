"""Landing: the Dagster raw_* assets and the store that lands files with their provenance."""
