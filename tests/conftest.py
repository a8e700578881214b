"""Shared test set-up: every test that touches data gets its own warehouse, landing and publish
folders, through the same REE_* settings users set."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from orchestration import settings

EMBEDDED_LANDING = settings.PROJECT_ROOT / "data" / "landing"
TESTS = Path(__file__).resolve().parent
# Tests whose timing must not be skewed by tests beside them: a browser waiting on a webserver.
# `make test` runs them alone, after the rest. (The kill test anchors its kill points to the
# run's own progress, so it and the concurrent readers run beside the others.)
SERIAL_FOLDERS = ("browser",)


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups (--dist loadgroup)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the serial tests, and keep tests that share a fixture on one xdist worker: every
    module that reads the session's pipeline_run in one group (the run is built once), every
    other module in a group of its own (its module-scoped fixtures are built once)."""
    sharing = {item.module.__name__ for item in items if "pipeline_run" in item.fixturenames}
    for item in items:
        folder = Path(str(item.fspath)).resolve().relative_to(TESTS).parts[0]
        if folder in SERIAL_FOLDERS:
            item.add_marker(pytest.mark.serial)
        module = item.module.__name__
        item.add_marker(pytest.mark.xdist_group("pipeline_run" if module in sharing else module))


def pytest_collection_finish(session: pytest.Session) -> None:
    """On an xdist worker under --dist loadgroup, fail unless xdist took the groups set above
    (it appends `@group` to each test's id): otherwise the modules of one group are split
    between the workers and each builds the same pipeline run again, silently."""
    if getattr(session.config, "workerinput", None) is None:
        return
    if session.config.getvalue("dist") != "no" or not session.config.getvalue("loadgroup"):
        return
    ungrouped = [item.nodeid for item in session.items if "@" not in item.nodeid]
    if ungrouped:
        raise pytest.UsageError(
            f"pytest-xdist did not take the test groups ({len(ungrouped)} tests without one, "
            f"e.g. {ungrouped[0]}): check the pytest and pytest-xdist versions"
        )


@dataclass(frozen=True)
class PipelinePaths:
    warehouse: Path
    landing: Path
    publish: Path
    reports: Path

    @property
    def published_db(self) -> Path:
        return self.publish / settings.PUBLISHED_DB_NAME


def point_settings_at(monkeypatch: pytest.MonkeyPatch, root: Path) -> PipelinePaths:
    paths = PipelinePaths(
        warehouse=root / "warehouse.duckdb",
        landing=root / "landing",
        publish=root / "published",
        reports=root / "reports",
    )
    paths.landing.mkdir(parents=True, exist_ok=True)
    monkeypatch.setenv("REE_WAREHOUSE", str(paths.warehouse))
    monkeypatch.setenv("REE_LANDING_DIR", str(paths.landing))
    monkeypatch.setenv("REE_PUBLISH_DIR", str(paths.publish))
    monkeypatch.setenv("REE_REPORTS_DIR", str(paths.reports))
    return paths


@pytest.fixture
def pipeline_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> PipelinePaths:
    """Empty temp landing folder, warehouse, publish and reports folders, wired through REE_*
    settings."""
    return point_settings_at(monkeypatch, tmp_path)


def copy_embedded_default(landing: Path) -> None:
    shutil.copytree(EMBEDDED_LANDING, landing, dirs_exist_ok=True)
