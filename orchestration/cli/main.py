"""The `ree-tracker` command line: parses the arguments and hands over to the command."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from orchestration import settings
from orchestration.cli.claims import claims_command
from orchestration.cli.run import run_pipeline


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
