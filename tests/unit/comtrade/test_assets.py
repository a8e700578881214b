"""The Comtrade pull and landing assets, materialized against a local replay server and a
temp warehouse (REE_* settings pointed at tmp_path by the pipeline_paths fixture)."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import duckdb
import pytest
from dagster import DagsterInstance, EnvVar, materialize

from orchestration.automation.jobs import comtrade_monthly_job
from orchestration.comtrade.assets import (
    COMTRADE_MONTHS,
    comtrade_api_responses,
    tracked_hs6_codes,
)
from orchestration.comtrade.resource import ComtradeResource, comtrade_resource
from orchestration.landing.assets import raw_comtrade_records
from orchestration.resources import Warehouse
from tests.fixtures.comtrade.replay_server import (
    EXPORTS_CSV,
    EXPORTS_JULY,
    EXPORTS_JUNE,
    MIRROR_JUNE,
    comtrade_like,
    records_of,
    replay_server,
)

KEY = "test-key-91b2f4"  # made up; must never reach a file, a table or a log line
RECORDS = records_of(EXPORTS_JUNE, EXPORTS_JULY, MIRROR_JUNE)


@pytest.fixture
def comtrade_server():
    with replay_server(comtrade_like(RECORDS)) as server:
        yield server


def _pull(server, instance=None, month="2025-06-01", **options):
    resource = ComtradeResource(
        api_key=KEY, base_url=server.base_url, backoff_seconds=0.001, **options
    )
    return materialize(
        [comtrade_api_responses],
        partition_key=month,
        resources={"comtrade": resource, "warehouse": Warehouse()},
        instance=instance,
        raise_on_error=False,
    )


def _land():
    result = materialize([raw_comtrade_records], resources={"warehouse": Warehouse()})
    assert result.success
    return result


def _query(paths, sql):
    with duckdb.connect(str(paths.warehouse), read_only=True) as conn:
        return conn.execute(sql).fetchall()


def test_tracked_codes_are_the_hs6_rows_of_the_products_seed():
    codes = tracked_hs6_codes()
    assert "850511" in codes and "280530" in codes
    assert all(len(code) == 6 and code.isdigit() for code in codes)
    assert "8505111000" not in codes and "rare_earths_total" not in codes


def test_months_start_in_2023_and_never_include_the_current_month():
    keys = COMTRADE_MONTHS.get_partition_keys()
    assert keys[0] == "2023-01-01"
    assert dt.date.fromisoformat(keys[-1]) < dt.date.today().replace(day=1)
    assert comtrade_monthly_job.name == "comtrade_monthly"


def test_the_key_comes_from_the_environment_only_when_it_is_set(monkeypatch):
    monkeypatch.delenv("COMTRADE_API_KEY", raising=False)
    assert comtrade_resource().api_key is None
    monkeypatch.setenv("COMTRADE_API_KEY", KEY)
    resource = comtrade_resource()
    assert isinstance(resource.api_key, EnvVar)
    assert KEY not in repr(resource)  # Dagster resolves the value at run time


def test_a_partition_pull_writes_each_response_and_logs_every_request(
    pipeline_paths, comtrade_server
):
    instance = DagsterInstance.ephemeral()
    result = _pull(comtrade_server, instance)
    assert result.success

    month_dir = pipeline_paths.landing / "comtrade" / "api" / "2025-06"
    files = sorted(path.name[0] for path in month_dir.iterdir())
    assert files == ["M", "X"]  # one file per flow with data; empty chunks write nothing
    (exports,) = month_dir.glob("X_*.json")
    assert [r["partnerCode"] for r in json.loads(exports.read_text())["data"]] == [
        0,
        842,
        276,
        392,
        410,
        20,
    ]

    requests = _query(
        pipeline_paths,
        "select partition_month, url_without_key, params_json, status, attempts, records, file "
        "from raw.comtrade_requests order by requested_at",
    )
    chunks = -(-len(tracked_hs6_codes()) // 10)
    assert len(requests) == 2 * chunks  # exports and mirror, codes in chunks of 10
    assert {row[0] for row in requests} == {dt.date(2025, 6, 1)}
    assert {row[3] for row in requests} == {200}
    with_files = {row[6]: row[5] for row in requests if row[6]}
    assert with_files == {
        f"comtrade/api/2025-06/{exports.name}": 6,
        f"comtrade/api/2025-06/{next(month_dir.glob('M_*.json')).name}": 3,
    }
    mirror_params = [json.loads(row[2]) for row in requests if '"flowCode": "M"' in row[2]]
    assert all(p["partnerCode"] == "156" and "reporterCode" not in p for p in mirror_params)
    assert all(seen.path == "/data/v1/get/C/M/HS" for seen in comtrade_server.seen)

    # The key went in the header and nowhere else: not in files, the log table or Dagster's logs.
    assert all(seen.headers["Ocp-Apim-Subscription-Key"] == KEY for seen in comtrade_server.seen)
    assert all(KEY not in path.read_text() for path in month_dir.iterdir())
    assert KEY not in str(requests)
    assert all(KEY not in str(entry) for entry in instance.all_logs(result.run_id))


def test_pulled_responses_land_once_however_often_the_month_is_pulled(
    pipeline_paths, comtrade_server
):
    assert _pull(comtrade_server).success
    _land()
    landed = _query(
        pipeline_paths,
        "select flow_code, count(*), sum(net_wgt_kg) from raw.comtrade_records "
        "group by flow_code order by flow_code",
    )
    exports_kg = 3120400.0 + 351200.0 + 612300.0 + 288900.0 + 402100.0 + 0.0
    assert landed == [("M", 3, 339800.0 + 598400.0 + 301500.0), ("X", 6, exports_kg)]
    assert _query(pipeline_paths, "select count(*) from quarantine.rejected_rows") == [(0,)]
    # Values Comtrade leaves out land as NULL, never as NaN: exports carry no CIF value.
    cif = "select count(*) from raw.comtrade_records where flow_code = 'X' and cif_value_usd isnull"
    assert _query(pipeline_paths, cif) == [(6,)]

    # Comtrade stamps a new elapsedTime on every answer; the records are the same, so the
    # files are left as they were and landing again adds nothing.
    month_dir = pipeline_paths.landing / "comtrade" / "api" / "2025-06"
    before = {path.name: path.read_bytes() for path in month_dir.iterdir()}
    assert _pull(comtrade_server).success
    assert {path.name: path.read_bytes() for path in month_dir.iterdir()} == before
    _land()
    assert _query(pipeline_paths, "select count(*) from raw.comtrade_records") == [(9,)]
    requests = _query(pipeline_paths, "select count(*) from raw.comtrade_requests")
    assert requests == [(len(comtrade_server.seen),)]  # both runs' calls are logged


def test_csv_downloads_and_broken_responses_dropped_by_hand_land_beside_the_pulls(pipeline_paths):
    drop = pipeline_paths.landing / "comtrade" / "downloads"
    drop.mkdir(parents=True)
    shutil.copy(EXPORTS_CSV, drop / EXPORTS_CSV.name)
    broken = json.loads(EXPORTS_JULY.read_text())
    broken["data"][1]["netWgt"] = -619800.0  # a negative weight: quarantined, not landed
    (drop / "july.json").write_text(json.dumps(broken))
    _land()
    assert _query(pipeline_paths, "select count(*) from raw.comtrade_records") == [(6 + 4,)]
    assert _query(
        pipeline_paths,
        "select source_file, kind, row_number, field from quarantine.rejected_rows",
    ) == [("comtrade/downloads/july.json", "comtrade_json", 2, "netWgt")]


def test_a_pull_stops_at_the_daily_budget_counted_across_runs(pipeline_paths, comtrade_server):
    calls_per_run = 2 * -(-len(tracked_hs6_codes()) // 10)
    assert _pull(comtrade_server).success
    refused = _pull(comtrade_server, daily_call_budget=calls_per_run + 1)
    assert not refused.success
    assert len(comtrade_server.seen) == calls_per_run + 1  # one more call, then refused
    (row,) = _query(
        pipeline_paths,
        "select count(*), sum(attempts) from raw.comtrade_requests",
    )
    # First run, then one call and the refused one (logged with 0 attempts: never sent).
    assert row == (calls_per_run + 2, calls_per_run + 1)


def _month_metadata(result):
    (event,) = result.get_asset_materialization_events()
    return event.materialization.metadata


def test_a_month_comtrade_has_no_records_for_is_marked_as_a_gap_not_as_landed(
    pipeline_paths, comtrade_server
):
    landed = _month_metadata(_pull(comtrade_server, month="2025-06-01"))
    assert landed["month_status"].value.startswith("landed: 9 records")
    # The replay server holds nothing for January 2025, as Comtrade before China reports.
    empty = _month_metadata(_pull(comtrade_server, month="2025-01-01"))
    assert empty["month_status"].value.startswith("gap:")
    assert empty["records"].value == 0
    assert not (pipeline_paths.landing / "comtrade" / "api" / "2025-01").exists()


def test_the_pull_records_one_row_per_response_in_the_declared_request_log_columns(
    pipeline_paths, comtrade_server
):
    metadata = _month_metadata(_pull(comtrade_server))
    requests = _query(pipeline_paths, "select count(*) from raw.comtrade_requests")
    assert metadata["dagster/row_count"].value == requests[0][0]
    declared = comtrade_api_responses.specs_by_key[comtrade_api_responses.key].metadata[
        "dagster/column_schema"
    ]
    built = _query(
        pipeline_paths,
        "select column_name, lower(data_type) from information_schema.columns "
        "where table_name = 'comtrade_requests' order by ordinal_position",
    )
    assert [(c.name, c.type) for c in declared.columns] == built
    assert metadata["preview"].value.count("\n") == requests[0][0] + 1  # header, rule, rows
