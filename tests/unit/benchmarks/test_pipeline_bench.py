"""The pipeline benchmark's own pieces on a tiny GENERATED input: the DuckDB-only floor lands
and rolls up every line, and the results say which targets are met."""

from __future__ import annotations

import json

from benchmarks.pipeline.__main__ import parse_args
from benchmarks.pipeline.floor import floor_main
from benchmarks.pipeline.results import derive, target_status
from orchestration.bench import synth

ROWS, MONTHS = 600, 3


def test_the_floor_lands_every_generated_line_and_builds_the_detail_and_the_fact(tmp_path):
    landing, work = tmp_path / "landing", tmp_path / "work"
    synth.write_synthetic_gacc(ROWS, MONTHS, landing, synth.DEFAULT_SEED, "2020-01")
    work.mkdir()
    assert floor_main(landing, work, work / "floor.json") == 0
    result = json.loads((work / "floor.json").read_text(encoding="utf-8"))
    assert (result["files"], result["rows_landed"], result["rows_rejected"]) == (MONTHS, ROWS, 0)
    assert result["detail_rows"] == ROWS
    assert 0 < result["fact_rows"] <= ROWS


def test_targets_are_met_missed_or_not_measured_from_the_derived_ratios():
    results = {
        "full_s": 120.0,
        "floor_s": 100.0,
        "incremental_s": 30.0,
        "peak_rss_mb": 1500.0,
        "default_run_s": 14.0,
        "dbt_build_s": 10.0,
    }
    derive(results)
    assert results["full_over_floor"] == 1.2
    status = target_status(results)
    assert status["full_over_floor"] == "met"
    assert status["incremental_over_full"] == "NOT MET"  # 0.25 > 0.15
    assert status["default_run_over_dbt_build"] == "met"  # 1.4
    assert status["landing_over_floor_landing"] == "NOT MEASURED"
    results["default_run_s"] = 16.0
    derive(results)
    assert target_status(results)["default_run_over_dbt_build"] == "NOT MET"  # 1.6


def test_make_bench_arguments_parse():
    args = parse_args(["--rows", "1000", "--months", "12"])
    assert (args.rows, args.months, args.keep, args.check_targets) == (1000, 12, False, False)
