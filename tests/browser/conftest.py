"""One pipeline run for the browser tests, as users run it (`ree-tracker run`, recorded in a
temp DAGSTER_HOME that holds the project's config/dagster.yaml unchanged): the Dagster UI
test serves its instance, the impact-report test opens the report it wrote."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from orchestration import settings
from tests.browser.dagster_ui import CHROMIUM
from tests.conftest import copy_embedded_default

ARTIFACTS = Path(__file__).parent / "artifacts"


@dataclass(frozen=True)
class BrowserRun:
    root: Path
    dagster_home: Path
    env: dict[str, str]

    @property
    def reports(self) -> Path:
        return Path(self.env["REE_REPORTS_DIR"])

    @property
    def published_db(self) -> Path:
        return Path(self.env["REE_PUBLISH_DIR"]) / settings.PUBLISHED_DB_NAME


def _run_pipeline(env: dict[str, str], log: Path) -> None:
    with log.open("wb") as log_file:
        completed = subprocess.run(
            [sys.executable, "-m", "orchestration.cli", "run"],
            cwd=settings.PROJECT_ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            timeout=900,
        )
    assert completed.returncode == 0, log.read_text()[-3000:]


@pytest.fixture(scope="session")
def browser_run(tmp_path_factory: pytest.TempPathFactory) -> BrowserRun:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent: install Debian's chromium package (.ci/run does)")
    root = tmp_path_factory.mktemp("browser_run")
    dagster_home = root / "dagster_home"
    dagster_home.mkdir()
    # As `make` installs it: the UI must open without the community dialog on this config.
    shutil.copy(settings.PROJECT_ROOT / "config" / "dagster.yaml", dagster_home / "dagster.yaml")
    copy_embedded_default(root / "landing")
    env = {
        **os.environ,
        "DAGSTER_HOME": str(dagster_home),
        "REE_WAREHOUSE": str(root / "warehouse.duckdb"),
        "REE_LANDING_DIR": str(root / "landing"),
        "REE_PUBLISH_DIR": str(root / "published"),
        "REE_REPORTS_DIR": str(root / "reports"),
    }
    # Materializations and check results first, so the pages have something to show.
    _run_pipeline(env, root / "pipeline.log")
    return BrowserRun(root=root, dagster_home=dagster_home, env=env)


def save_screenshot(page, name: str, capsys: pytest.CaptureFixture) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    with capsys.disabled():
        print(f"\nscreenshot: {path}")
    return path
