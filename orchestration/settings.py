"""The one place where ree-tracker's settings are read.

Every entry point (make, the Dagster UI, the CLI, the tests) resolves paths through these
functions, so setting an environment variable changes them all at once. Values are read when
called, never at import time, so a test can point the pipeline at a temp folder by setting
the variable before it runs anything.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
EXPECTATIONS_DIR = PROJECT_ROOT / "expectations"

# Defaults are relative to the project root so the pipeline behaves the same from any cwd.
DEFAULTS = {
    "REE_WAREHOUSE": "data/warehouse.duckdb",
    "REE_LANDING_DIR": "data/landing",
    "REE_PUBLISH_DIR": "data/published",
    "REE_REPORTS_DIR": "data/reports",
}

# The published file's name inside REE_PUBLISH_DIR: BI connections point at it.
PUBLISHED_DB_NAME = "ree_tracker.duckdb"

# The self-contained HTML report inside REE_REPORTS_DIR, beside the chart PNGs.
REPORT_HTML_NAME = "policy_report.html"
# The interactive policy-impact report (issue 17), beside it: one file, plotly.js inlined.
IMPACT_HTML_NAME = "policy_impact.html"

# Memory DuckDB may use in each process that opens the warehouse (landing, checks, publish,
# dbt), before it spills to disk: the pipeline's peak stays bounded whatever the data size.
DEFAULT_DUCKDB_MEMORY_LIMIT = "1GB"

# dbt outputs in dbt_project/profiles.yml, picked by REE_DBT_TARGET: the pipeline builds the
# local warehouse; `motherduck` builds the same models in MotherDuck (the scale-out path).
LOCAL_DBT_TARGET = "local"
DBT_TARGETS = (LOCAL_DBT_TARGET, "motherduck")

# dbt's log file in each invocation's folder (REE_DBT_FILE_LOG_LEVEL): at `info` it keeps what
# dbt prints, as the run's Dagster log does; `debug` adds every SQL statement and parse
# decision, about 7 MB a run and 1 to 3 s of the default run's dbt step.
DEFAULT_DBT_FILE_LOG_LEVEL = "info"
DBT_LOG_LEVELS = ("debug", "info", "warn", "error", "none")

# dagster-dbt gives every dbt invocation its own folder in dbt_project/target (manifest,
# compiled SQL, run results, dbt.log); the dbt step keeps the newest this many.
DBT_RUN_FOLDERS_KEPT = 10

# Dagster runs steps that are ready at the same time by priority (default 0): the GE checks
# and the publication wait for the other ready steps.
LATE_STEP_PRIORITY = -1

# Every asset that writes the warehouse runs in this Dagster concurrency pool (limit 1):
# DuckDB allows one writer process at a time.
WAREHOUSE_POOL = "ree_warehouse"


def _path_setting(name: str) -> Path:
    value = os.environ.get(name) or DEFAULTS[name]
    path = Path(value).expanduser()
    return path if path.is_absolute() else (PROJECT_ROOT / path)


def warehouse_path() -> Path:
    """DuckDB file the pipeline writes (REE_WAREHOUSE)."""
    return _path_setting("REE_WAREHOUSE")


def landing_dir() -> Path:
    """Folder scanned for raw extracts (REE_LANDING_DIR); holds the embedded default data."""
    return _path_setting("REE_LANDING_DIR")


def publish_dir() -> Path:
    """Folder that receives the read-only copy of the marts for BI tools (REE_PUBLISH_DIR)."""
    return _path_setting("REE_PUBLISH_DIR")


def published_db_path() -> Path:
    return publish_dir() / PUBLISHED_DB_NAME


def reports_dir() -> Path:
    """Folder that receives the policy charts (PNG) and their HTML report (REE_REPORTS_DIR)."""
    return _path_setting("REE_REPORTS_DIR")


def report_html_path() -> Path:
    return reports_dir() / REPORT_HTML_NAME


def impact_html_path() -> Path:
    return reports_dir() / IMPACT_HTML_NAME


def duckdb_memory_limit() -> str:
    """DuckDB's memory_limit for pipeline connections (REE_DUCKDB_MEMORY_LIMIT, e.g. 1GB)."""
    return os.environ.get("REE_DUCKDB_MEMORY_LIMIT") or DEFAULT_DUCKDB_MEMORY_LIMIT


def duckdb_config() -> dict[str, str]:
    """Configuration for every DuckDB connection the pipeline opens on its files."""
    return {"memory_limit": duckdb_memory_limit()}


def _one_of(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = os.environ.get(name) or default
    if value not in choices:
        raise ValueError(f"{name}={value!r}: expected one of {', '.join(choices)}")
    return value


def dbt_target() -> str:
    """The dbt output to build (REE_DBT_TARGET): local by default, or motherduck."""
    return _one_of("REE_DBT_TARGET", LOCAL_DBT_TARGET, DBT_TARGETS)


def dbt_file_log_level() -> str:
    """The level of the pipeline's dbt log file (REE_DBT_FILE_LOG_LEVEL): info by default."""
    return _one_of("REE_DBT_FILE_LOG_LEVEL", DEFAULT_DBT_FILE_LOG_LEVEL, DBT_LOG_LEVELS)


def dbt_env() -> dict[str, str]:
    """Environment for dbt subprocesses: the profile reads the warehouse path and the target
    from it."""
    return {
        **os.environ,
        "REE_WAREHOUSE": str(warehouse_path()),
        "REE_DBT_TARGET": dbt_target(),
        "REE_DUCKDB_MEMORY_LIMIT": duckdb_memory_limit(),
    }


def seed_path(name: str) -> Path:
    """A dbt seed by name (e.g. "products"): reference data the Python code reads too, from
    the one file dbt loads."""
    return DBT_PROJECT_DIR / "seeds" / f"{name}.csv"


def suite_path(name: str) -> Path:
    """An expectation suite by name (e.g. "fct_monthly_exports"), as the GE checks load it."""
    return EXPECTATIONS_DIR / f"{name}.json"


def dbt_executable() -> Path:
    """The dbt installed beside this interpreter (the project's venv), else `dbt` on PATH."""
    import shutil
    import sys

    for candidate in (Path(sys.prefix) / "bin" / "dbt", Path(sys.executable).parent / "dbt"):
        if candidate.exists():
            return candidate
    return Path(shutil.which("dbt") or "dbt")
