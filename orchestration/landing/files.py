"""Moved to orchestration/extract/files.py; this re-export keeps old imports working for one
release (orchestration/news/ still imports it here)."""

from orchestration.extract.files import (  # noqa: F401
    HEAD_BYTES,
    IGNORED_NAMES,
    iter_landing_files,
    read_head,
    sha256_of,
)
