"""Moved to orchestration/table_metadata.py; this re-export keeps old imports working for one
release (orchestration/news/ still imports it here)."""

from orchestration.table_metadata import (  # noqa: F401
    PROVENANCE_DESCRIPTIONS,
    create_table_ddl,
    descriptions_of,
    row_count,
    schema_from_ddl,
    table_metadata,
    table_preview,
    table_schema,
)
