"""The code location loads the way `make dev` loads it: a fresh process, no REE_* set."""

import os
import subprocess
import sys

import pytest

from orchestration import settings

pytestmark = pytest.mark.slow


def test_definitions_load_under_dagster_dev_without_any_setting():
    env = {k: v for k, v in os.environ.items() if not k.startswith("REE_")}
    env["DAGSTER_IS_DEV_CLI"] = "1"  # makes dagster-dbt re-parse the project, as in the UI
    completed = subprocess.run(
        [
            sys.executable,
            "-c",
            "from orchestration.definitions import defs; "
            "print(len(list(defs.resolve_all_asset_keys())))",
        ],
        env=env,
        cwd=settings.PROJECT_ROOT,
        capture_output=True,
        text=True,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert int(completed.stdout.strip().splitlines()[-1]) > 20
