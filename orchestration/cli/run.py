"""`ree-tracker run`: the pipeline in-process, then a summary of what it produced."""

from __future__ import annotations

import time

from orchestration import settings


def run_pipeline() -> int:
    """Materialize every asset and check in-process, then print a short summary.

    Runs are recorded in the Dagster instance under DAGSTER_HOME when it is set (make sets
    it), so they appear in the UI started by `make dev`.
    """
    import duckdb
    from dagster import DagsterInstance

    from orchestration.definitions import defs
    from orchestration.progress import execute_with_progress

    started = time.perf_counter()
    instance = DagsterInstance.get() if _dagster_home_set() else DagsterInstance.ephemeral()
    job = defs.resolve_job_def("refresh_all")
    # Steps done out of all on stderr (a bar on a terminal); the summary below goes to stdout.
    result = execute_with_progress(
        job,
        instance,
        raise_on_error=False,
        # INFO keeps the landing reports and dbt's progress, without Dagster's debug events.
        run_config={"loggers": {"console": {"config": {"log_level": "INFO"}}}},
    )
    elapsed = time.perf_counter() - started

    evaluations = result.get_asset_check_evaluations()
    failed_checks = sorted(
        (e.severity.value.lower(), f"{e.asset_key.to_user_string()}:{e.check_name}")
        for e in evaluations
        if not e.passed
    )
    print()
    print(f"ree-tracker run {'succeeded' if result.success else 'FAILED'} in {elapsed:.1f} s")
    print(f"  warehouse: {settings.warehouse_path()}")
    print(
        f"  checks:    {len(evaluations) - len(failed_checks)} passed, {len(failed_checks)} failed"
    )
    for severity, name in failed_checks:
        print(f"    failed ({severity}): {name}")
    published = settings.published_db_path()
    if published.exists():
        conn = duckdb.connect(str(published), read_only=True)
        try:
            print(f"  published: {published}")
            for (table,) in conn.execute(
                "select table_name from information_schema.tables "
                "where table_schema = 'marts' order by table_name"
            ).fetchall():
                rows = conn.execute(f'select count(*) from marts."{table}"').fetchone()[0]
                print(f"    marts.{table:<32} {rows:>7} rows")
        finally:
            conn.close()
    report = settings.report_html_path()
    if report.exists():
        print(f"  charts:    {report} (PNGs beside it)")
    impact = settings.impact_html_path()
    if impact.exists():
        print(f"  impact:    {impact} (interactive, opens offline)")
    _print_quarantine()
    # Quarantined input and failed checks are reported above, not turned into a failure:
    # the run did its job (good rows landed, marts published). A failed run exits 1.
    return 0 if result.success else 1


def _print_quarantine() -> None:
    import duckdb

    try:
        conn = duckdb.connect(str(settings.warehouse_path()), read_only=True)
    except duckdb.IOException as error:  # e.g. a failed run's dbt process still holds it
        print(f"  quarantine: warehouse not readable now ({error})")
        return
    try:
        rows = conn.execute(
            "select source_file, count(*) from quarantine.rejected_rows group by 1 order by 1"
        ).fetchall()
        files = conn.execute(
            "select source_file, reason from quarantine.rejected_files order by 1"
        ).fetchall()
    except duckdb.CatalogException:
        return
    finally:
        conn.close()
    print(f"  quarantined: {sum(n for _, n in rows)} row(s), {len(files)} file(s)")
    for source_file, count in rows:
        print(f"    {source_file}: {count} row(s) in quarantine.rejected_rows")
    for _source_file, reason in files:
        print(f"    {reason}")


def _dagster_home_set() -> bool:
    import os

    return bool(os.environ.get("DAGSTER_HOME"))
