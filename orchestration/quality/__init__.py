"""Great Expectations suites (expectations/*.json) run as Dagster asset checks."""
