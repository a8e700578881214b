"""`python -m benchmarks.pipeline`: the command line of the pipeline benchmark."""

from __future__ import annotations

import argparse
import sys

import benchmarks.pipeline
from benchmarks.pipeline.results import print_table
from benchmarks.pipeline.steps import Benchmark
from orchestration.bench import synth

DEFAULT_TIMEOUT_S = 3600.0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.pipeline",
        description=(benchmarks.pipeline.__doc__ or "").split("\n\n")[0],
    )
    parser.add_argument("--rows", type=int, default=10_000_000, help="generated lines in all")
    parser.add_argument("--months", type=int, default=120, help="months of history")
    parser.add_argument("--seed", type=int, default=synth.DEFAULT_SEED)
    parser.add_argument(
        "--start-month", help="first month (YYYY-MM); default 2016-01, earlier if needed"
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT_S,
        help="seconds before a pipeline subprocess is killed (default 3600)",
    )
    parser.add_argument("--keep", action="store_true", help="keep warehouses and logs of the run")
    parser.add_argument(
        "--check-targets",
        action="store_true",
        help="exit with status 2 when a target (issue 18) is not met (e.g. in CI)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """0 when every step ran, 1 when one failed or timed out; with --check-targets, 2 when
    every step ran but a target is not met."""
    args = parse_args(argv)
    results = Benchmark(args).all_steps()
    print_table(results)
    if results["errors"]:
        return 1
    if args.check_targets and set(results["targets"].values()) != {"met"}:
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
