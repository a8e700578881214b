"""Publishing the marts to a read-only DuckDB file for BI tools."""
