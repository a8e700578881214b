"""Moved to orchestration/extract/registry.py; this re-export keeps old imports working for one
release (tests/unit/news/ still imports it here)."""

from orchestration.extract.registry import ALL_KINDS  # noqa: F401
