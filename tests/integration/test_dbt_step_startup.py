"""The dbt step's start-up: what the pipeline skips, and the parse it reuses.

Two savings measured on the default run (README "Performance") rest on details that a
dbt or dagster-dbt upgrade could undo without any other test noticing: the step would only
get slower. These tests fail instead.
"""

from __future__ import annotations

import inspect
import os
import subprocess
import time

import pytest
from dagster_dbt import DbtCliResource

from orchestration import settings
from orchestration.transform.dbt_cli import PipelineDbtCli, dbt_resource
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


def test_the_dbt_step_keeps_a_parse_per_warehouse_and_its_newest_run_folders(
    pipeline_run, tmp_path, monkeypatch
):
    from dagster import DagsterInstance, materialize

    from orchestration.resources import Warehouse
    from orchestration.transform.assets import build_dbt_models

    ree_dbt_models = build_dbt_models()

    # The parse the step starts from was made for another warehouse, as `make bench` or a
    # run with another REE_WAREHOUSE leaves it.
    parse_folder = tmp_path / "target"
    subprocess.run(
        [str(settings.dbt_executable()), *dbt_parse_args(), "--target-path", str(parse_folder)],
        env={**settings.dbt_env(), "REE_WAREHOUSE": str(tmp_path / "another.duckdb")},
        check=True,
        capture_output=True,
    )
    monkeypatch.setenv("DBT_TARGET_PATH", str(parse_folder))
    # dbt says how it parsed at debug level only.
    monkeypatch.setenv("REE_DBT_FILE_LOG_LEVEL", "debug")
    # Earlier invocations' folders, oldest first, and one that is not the step's.
    earlier = [parse_folder / f"ree_dbt_models-old{n:02}-abc" for n in range(12)]
    for age, folder in enumerate(reversed(earlier), start=1):
        folder.mkdir()
        os.utime(folder, (time.time() - 3600 * age,) * 2)
    unrelated = parse_folder / "compiled"
    unrelated.mkdir(exist_ok=True)

    def dbt_step_log(warehouse_name: str) -> str:
        warehouse = tmp_path / warehouse_name
        if not warehouse.exists():
            warehouse.write_bytes(pipeline_run.paths.warehouse.read_bytes())
        monkeypatch.setenv("REE_WAREHOUSE", str(warehouse))
        before = set(parse_folder.glob("ree_dbt_models-*"))
        result = materialize(
            [ree_dbt_models],
            resources={"dbt": dbt_resource(), "warehouse": Warehouse()},
            instance=DagsterInstance.ephemeral(),
        )
        assert result.success
        (invocation,) = set(parse_folder.glob("ree_dbt_models-*")) - before
        return (invocation / "dbt.log").read_text(encoding="utf-8")

    # Runs on two warehouses in turn, as the bench and the tests run them: the first on each
    # parses in full (the saved parse is for neither); the second on the first warehouse
    # starts from the parse its first run kept, which the other warehouse's run left alone.
    logs = [dbt_step_log(name) for name in ("first.duckdb", "second.duckdb", "first.duckdb")]
    assert FULL_REPARSE in logs[0]
    assert FULL_REPARSE in logs[1]
    assert FULL_REPARSE not in logs[2]
    assert "Partial parsing enabled" in logs[2]
    # The newest folders stay (the three runs' among them); older ones of the step go.
    kept = sorted(parse_folder.glob("ree_dbt_models-*"))
    assert len(kept) == settings.DBT_RUN_FOLDERS_KEPT
    assert set(earlier[-(settings.DBT_RUN_FOLDERS_KEPT - 3) :]) < set(kept)
    assert unrelated.is_dir()
