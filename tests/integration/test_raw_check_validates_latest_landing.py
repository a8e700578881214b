"""The GE check on raw GACC lines validates what the latest landing added, not the history.

At full GACC detail the history is tens of millions of lines; validating it again on every
landing would make each month's run cost as much as the first. These tests materialize the
real landing asset with its real check, twice, and show that the second check reads only the
new file's lines, and still fails when those lines are bad.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest
from dagster import AssetKey, DagsterInstance, materialize

from orchestration.landing.assets import raw_gacc_query_exports
from orchestration.quality.checks import build_suite_checks
from orchestration.resources import Warehouse
from tests.fixtures.broken_extracts import gacc, line

pytestmark = pytest.mark.slow
ASSET = AssetKey(["raw", "gacc_query_exports"])
CHECK_NAME = "ge_raw_gacc_query_exports"


def _raw_check():
    (check,) = [
        c
        for c in build_suite_checks()
        if c.check_keys and ASSET in {k.asset_key for k in c.check_keys}
    ]
    return check


def _land_and_check(instance: DagsterInstance) -> dict:
    result = materialize(
        [raw_gacc_query_exports, _raw_check()],
        instance=instance,
        resources={"warehouse": Warehouse()},
    )
    (evaluation,) = result.get_asset_check_evaluations()
    assert evaluation.check_name == CHECK_NAME
    return {
        "passed": evaluation.passed,
        **{key: value.value for key, value in evaluation.metadata.items()},
    }


@pytest.fixture
def landing(tmp_path, monkeypatch):
    folder = tmp_path / "landing"
    folder.mkdir()
    monkeypatch.setenv("REE_LANDING_DIR", str(folder))
    monkeypatch.setenv("REE_WAREHOUSE", str(tmp_path / "warehouse.duckdb"))
    return folder


def _month(month: str, partners: tuple[str, ...]) -> bytes:
    return gacc(*(line(period=month, partner=partner) for partner in partners))


def test_the_second_landing_validates_only_its_own_lines(landing, tmp_path):
    instance = DagsterInstance.ephemeral()
    (landing / "2024-03.csv").write_bytes(_month("202403", ("德国", "日本", "美国")))
    first = _land_and_check(instance)
    assert first["passed"] and first["rows_validated"] == 3

    # History that would fail the suite: a line far heavier than any month's exports. It
    # "landed" before the next landing, so the next check must not read it again.
    conn = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    conn.execute(
        "insert into raw.gacc_query_exports select * replace (quantity_1 * 1e9 as quantity_1, "
        "_loaded_at - interval 1 day as _loaded_at) from raw.gacc_query_exports limit 1"
    )
    conn.close()

    (landing / "2024-04.csv").write_bytes(_month("202404", ("德国", "日本")))
    second = _land_and_check(instance)
    assert second["passed"], second
    assert second["rows_validated"] == 2
    assert "latest landing" in second["batch"]


def test_bad_lines_of_the_latest_landing_still_fail_the_check(landing, tmp_path):
    instance = DagsterInstance.ephemeral()
    (landing / "2024-03.csv").write_bytes(_month("202403", ("德国", "日本")))
    assert _land_and_check(instance)["passed"]

    # The same impossible line, stamped as landed now: the latest landing's batch holds it.
    conn = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    conn.execute(
        "insert into raw.gacc_query_exports select * replace (quantity_1 * 1e9 as quantity_1, "
        "$now as _loaded_at) from raw.gacc_query_exports limit 1",
        {"now": dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(hours=1)},
    )
    conn.close()
    (landing / "2024-04.csv").write_bytes(_month("202404", ("美国",)))
    outcome = _land_and_check(instance)
    assert not outcome["passed"]
    assert outcome["rows_validated"] == 2
    assert outcome["failing_rows"] >= 1
