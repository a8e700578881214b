"""Where a `ree-tracker run` spent its time, read back from the run's own Dagster instance
(its DAGSTER_HOME): each step (landing assets, dbt, checks, publish) and the run itself."""

import json
import sys

from dagster import DagsterInstance


def main(report: str) -> int:
    instance = DagsterInstance.get()
    run = instance.get_runs(limit=1)[0]
    run_stats = instance.get_run_stats(run.run_id)
    steps = {
        stat.step_key: round((stat.end_time or 0) - (stat.start_time or 0), 3)
        for stat in instance.get_run_step_stats(run.run_id)
    }
    started = run_stats.launch_time or run_stats.start_time or 0
    with open(report, "w", encoding="utf-8") as handle:
        json.dump(
            {
                "run_s": round((run_stats.end_time or 0) - started, 3),
                "steps_s": dict(sorted(steps.items(), key=lambda item: -item[1])),
            },
            handle,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
