"""The landing step alone: only raw/gacc_query_exports, materialized on the warehouse the
environment names; writes what it landed and how long each part took to the report file."""

import json
import sys
import time

STARTED = time.perf_counter()  # before the imports below: they are part of what is measured

from dagster import AssetKey, DagsterEventType, DagsterInstance  # noqa: E402

from orchestration.definitions import defs  # noqa: E402

LANDING_KEY = AssetKey(["raw", "gacc_query_exports"])


def landed_counts() -> tuple[int, int]:
    import duckdb

    from orchestration import settings

    conn = duckdb.connect(str(settings.warehouse_path()), read_only=True)
    try:
        rows = conn.execute("select count(*) from raw.gacc_query_exports").fetchone()[0]
        rejected = conn.execute("select count(*) from quarantine.rejected_rows").fetchone()[0]
    finally:
        conn.close()
    return rows, rejected


def main(report: str) -> int:
    imported = time.perf_counter()
    result = defs.resolve_job_def("refresh_all").execute_in_process(
        asset_selection=[LANDING_KEY],
        instance=DagsterInstance.ephemeral(),
        raise_on_error=False,
    )
    finished = time.perf_counter()
    steps = {
        event.step_key: event.event_specific_data.duration_ms / 1000
        for event in result.all_events
        if event.event_type == DagsterEventType.STEP_SUCCESS
    }
    rows, rejected = landed_counts()
    with open(report, "w", encoding="utf-8") as handle:
        json.dump(
            {
                "success": result.success,
                "rows_landed": rows,
                "rows_rejected": rejected,
                "import_s": imported - STARTED,
                "execute_s": finished - imported,
                "step_s": steps,
                "checks_run": len(result.get_asset_check_evaluations()),
            },
            handle,
        )
    return 0 if result.success else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
