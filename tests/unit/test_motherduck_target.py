"""The scale-out path: the same dbt models, built in MotherDuck, read the locally landed tables.

MotherDuck itself needs a token and the network, which tests never use; `dbt parse` resolves
the profile, the target and every relation without connecting, so these tests parse the real
project for each target and read where dbt would read and write.
"""

from __future__ import annotations

import json
import subprocess

import duckdb
import pytest

from orchestration import settings
from orchestration.transform.project import dbt_command

pytestmark = pytest.mark.slow


def _parsed(tmp_path, target: str) -> dict:
    target_path = tmp_path / target
    finished = subprocess.run(
        dbt_command("parse", "--quiet", "--target-path", str(target_path)),
        env={
            **settings.dbt_env(),
            "REE_WAREHOUSE": str(tmp_path / "warehouse.duckdb"),
            "REE_DBT_TARGET": target,
            "REE_MOTHERDUCK_DATABASE": "ree_tracker_test",
        },
        capture_output=True,
        text=True,
    )
    assert finished.returncode == 0, finished.stdout[-2000:] + finished.stderr[-2000:]
    return json.loads((target_path / "manifest.json").read_text())


def _where(manifest: dict) -> tuple[set[str], set[str]]:
    sources = {source["database"] for source in manifest["sources"].values()}
    models = {
        node["database"] for node in manifest["nodes"].values() if node["resource_type"] == "model"
    }
    return sources, models


def test_locally_models_and_landed_tables_share_the_warehouse_file(tmp_path):
    assert _where(_parsed(tmp_path, "local")) == ({"warehouse"}, {"warehouse"})


def test_in_motherduck_models_read_the_local_warehouse_attached_as_landed(tmp_path):
    assert _where(_parsed(tmp_path, "motherduck")) == ({"landed"}, {"ree_tracker_test"})


def test_an_unknown_target_is_refused(monkeypatch):
    monkeypatch.setenv("REE_DBT_TARGET", "snowflake")
    with pytest.raises(ValueError, match="REE_DBT_TARGET='snowflake'"):
        settings.dbt_target()


def test_duckdb_stays_on_a_release_motherduck_accepts():
    # MotherDuck accepted clients 1.4.x to 1.5.6 when the stack notes were written; DuckDB
    # 2.0 files cannot even be read by 1.x clients.
    major, minor, patch = (int(part) for part in duckdb.__version__.split(".")[:3])
    assert (1, 4, 0) <= (major, minor, patch) <= (1, 5, 6)
