"""The `ree-tracker` command: run the pipeline and print what it produced."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence

from orchestration import settings


def run_pipeline() -> int:
    """Materialize every asset and check in-process, then print a short summary.

    Runs are recorded in the Dagster instance under DAGSTER_HOME when it is set (make sets
    it), so they appear in the UI started by `make dev`.
    """
    import duckdb
    from dagster import DagsterInstance

    from orchestration.definitions import defs

    started = time.perf_counter()
    instance = DagsterInstance.get() if _dagster_home_set() else DagsterInstance.ephemeral()
    job = defs.resolve_job_def("refresh_all")
    result = job.execute_in_process(
        instance=instance,
        raise_on_error=False,
        # INFO keeps the landing reports and dbt's progress, without Dagster's debug events.
        run_config={"loggers": {"console": {"config": {"log_level": "INFO"}}}},
    )
    elapsed = time.perf_counter() - started

    evaluations = result.get_asset_check_evaluations()
    failed_checks = sorted(
        f"{e.asset_key.to_user_string()}:{e.check_name}" for e in evaluations if not e.passed
    )
    print()
    print(f"ree-tracker run {'succeeded' if result.success else 'FAILED'} in {elapsed:.1f} s")
    print(f"  warehouse: {settings.warehouse_path()}")
    print(
        f"  checks:    {len(evaluations) - len(failed_checks)} passed, {len(failed_checks)} failed"
    )
    for name in failed_checks:
        print(f"    failed: {name}")
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
    _print_quarantine()
    return 0 if result.success and not failed_checks else 1


def _print_quarantine() -> None:
    import duckdb

    conn = duckdb.connect(str(settings.warehouse_path()), read_only=True)
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


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="ree-tracker", description="China critical-mineral export tracker."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser(
        "run", help="land, model, check and publish everything under REE_LANDING_DIR"
    )
    commands.add_parser("paths", help="print the settings in force")
    args = parser.parse_args(argv)
    if args.command == "run":
        return run_pipeline()
    if args.command == "paths":
        print(f"REE_WAREHOUSE={settings.warehouse_path()}")
        print(f"REE_LANDING_DIR={settings.landing_dir()}")
        print(f"REE_PUBLISH_DIR={settings.publish_dir()}")
        return 0
    parser.error(f"unknown command {args.command}")
    return 2


if __name__ == "__main__":
    sys.exit(main())
