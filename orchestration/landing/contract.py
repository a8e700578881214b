"""Moved to orchestration/extract/contract.py; this re-export keeps old imports working for one
release (orchestration/news/ still imports it here)."""

from orchestration.extract.contract import (  # noqa: F401
    BulkBatch,
    FileKind,
    ParsedExtract,
    Provenance,
    RowReject,
    UnreadableFile,
)
