"""The dbt step's start-up: what the pipeline skips, and the parse it reuses.

Two savings measured on the default run (README "Performance") rest on details that a
dbt or dagster-dbt upgrade could undo without any other test noticing: the step would only
get slower. These tests fail instead.
"""

from __future__ import annotations

import inspect
import subprocess

import pytest
from dagster_dbt import DbtCliResource

from orchestration import settings
from orchestration.transform.assets import PipelineDbtCli, dbt_resource
from orchestration.transform.project import dbt_command, dbt_parse_args

pytestmark = pytest.mark.slow

FULL_REPARSE = "Unable to do partial parsing"


def test_the_skipped_hooks_are_ones_dagster_dbt_calls_before_each_invocation():
    # If dagster-dbt renames or stops calling them, the overrides silently do nothing.
    cli_source = inspect.getsource(DbtCliResource.cli)
    for hook in ("_cli_version", "_initialize_dbt_core_adapter"):
        assert hook in vars(DbtCliResource), hook
        assert hook in vars(PipelineDbtCli), hook
        assert f"self.{hook}" in cli_source, hook
    resource = dbt_resource()
    assert isinstance(resource, PipelineDbtCli)
    assert resource._initialize_dbt_core_adapter([]) is None
    assert str(resource._cli_version).startswith("1.11.")


def _dbt(tmp_path, *args: str) -> str:
    finished = subprocess.run(
        [*args, "--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path)],
        env={**settings.dbt_env(), "REE_WAREHOUSE": str(tmp_path / "warehouse.duckdb")},
        capture_output=True,
        text=True,
    )
    assert finished.returncode == 0, finished.stdout[-2000:] + finished.stderr[-2000:]
    return finished.stdout


@pytest.mark.parametrize(
    ("parse_args", "reparses"),
    [
        pytest.param(dbt_parse_args(), False, id="make-manifest-parse"),
        # the broken variant: a parse that does not name the target, as make did before
        pytest.param(dbt_command("parse", "--quiet")[1:], True, id="parse-without-target"),
    ],
)
def test_the_pipeline_build_reuses_the_parse_make_wrote(tmp_path, parse_args, reparses):
    _dbt(tmp_path, str(settings.dbt_executable()), *parse_args)
    # what dagster-dbt runs for the pipeline's dbt step, minus the build itself
    listed = _dbt(
        tmp_path,
        *dbt_command("ls", "--target", settings.LOCAL_DBT_TARGET, "--resource-type", "seed"),
    )
    assert "ree_tracker.products" in listed
    assert (FULL_REPARSE in listed) is reparses
