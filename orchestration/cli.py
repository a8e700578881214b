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


CLAIM_FIELDS = (
    "product_code",
    "partner_iso3",
    "period_start",
    "period_end",
    "quantity_t",
    "quantity_qualifier",
    "change_pct",
    "change_qualifier",
    "change_basis",
    "sentence",
    "start_char",
    "end_char",
    "confidence",
    "extraction_reason",
)
VERDICT_FIELDS = (
    "customs_quantity_t",
    "derived_change_pct",
    "matched_series",
    "verdict",
    "reason",
)


def _claim_json(row: dict, extra: Sequence[str] = ()) -> str:
    import json
    import math

    record = {
        "file": row["file"],
        "published": row["published_date"].isoformat() if row["published_date"] else None,
        **{
            name: row.get(name)
            for name in CLAIM_FIELDS
            if name not in ("period_start", "period_end")
        },
        "period_start": row["period_start_month"].strftime("%Y-%m"),
        "period_end": row["period_end_month"].strftime("%Y-%m"),
    }
    for name in extra:
        value = row.get(name)
        record[name] = None if isinstance(value, float) and math.isnan(value) else value
    ordered = {key: record[key] for key in ("file", "published", *CLAIM_FIELDS, *extra)}
    return json.dumps(ordered, ensure_ascii=False, default=str)


def claims_command(files: Sequence[str], published: str | None, check: bool) -> int:
    import datetime as dt
    from pathlib import Path

    from orchestration.landing.contract import UnreadableFile
    from orchestration.news.check import check_claims, claims_from_files

    date = dt.date.fromisoformat(published) if published else None
    try:
        rows = claims_from_files([Path(f) for f in files], date)
        if check:
            rows = check_claims(rows, settings.published_db_path())
    except (UnreadableFile, FileNotFoundError) as error:
        print(f"ree-tracker: {error}", file=sys.stderr)
        return 2
    try:
        for row in rows:
            print(_claim_json(row, VERDICT_FIELDS if check else ()), flush=True)
    except BrokenPipeError:  # e.g. piped into `head`: the reader has what it wanted
        sys.stderr.close()
    return 0


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
    claims = commands.add_parser(
        "claims", help="print the figure claims in news articles, one JSON object per line"
    )
    claims.add_argument("files", nargs="+", metavar="FILE", help="text, HTML or JSON lines")
    claims.add_argument(
        "--published",
        metavar="YYYY-MM-DD",
        help="publication date; wins over a date in the text or the file name",
    )
    check = commands.add_parser(
        "check", help="like claims, plus the verdict against the published marts"
    )
    check.add_argument("files", nargs="+", metavar="FILE")
    check.add_argument("--published", metavar="YYYY-MM-DD", help="publication date, as for claims")
    synth = commands.add_parser(
        "synth", help="write GENERATED GACC query-platform CSV files (benchmarks and tests only)"
    )
    synth.add_argument("--rows", type=int, required=True, help="lines in all, spread over months")
    synth.add_argument("--months", type=int, default=120, help="one file per month (default 120)")
    synth.add_argument("--out", required=True, metavar="DIR", help="folder to write them to")
    synth.add_argument("--seed", type=int, default=20251122, help="same seed, same bytes")
    synth.add_argument("--start-month", default="2016-01", metavar="YYYY-MM")
    args = parser.parse_args(argv)
    if args.command == "synth":
        from orchestration.bench.synth import synth_main

        return synth_main(args.rows, args.months, args.out, args.seed, args.start_month)
    if args.command in ("claims", "check"):
        return claims_command(args.files, args.published, check=args.command == "check")
    if args.command == "run":
        return run_pipeline()
    if args.command == "paths":
        print(f"REE_WAREHOUSE={settings.warehouse_path()}")
        print(f"REE_LANDING_DIR={settings.landing_dir()}")
        print(f"REE_PUBLISH_DIR={settings.publish_dir()}")
        print(f"REE_REPORTS_DIR={settings.reports_dir()}")
        print(f"REE_DBT_TARGET={settings.dbt_target()}")
        return 0
    parser.error(f"unknown command {args.command}")
    return 2


if __name__ == "__main__":
    sys.exit(main())
