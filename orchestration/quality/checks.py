"""One Dagster asset check per expectation suite, attached to the asset it guards."""

import datetime as dt

from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetChecksDefinition,
    AssetCheckSeverity,
    AssetKey,
    MetadataValue,
    asset_check,
)

from orchestration import settings
from orchestration.landing.assets import LANDING_STARTED_AT
from orchestration.quality.suites import (
    SuiteSpec,
    iter_batch_chunks,
    load_suite_specs,
    validate_chunks,
    validates_latest_landing,
)
from orchestration.resources import Warehouse


def _failures_markdown(outcome) -> str:
    lines = ["| expectation | column | failing rows | examples | why |", "|---|---|---|---|---|"]
    for failure in outcome.failures:
        examples = ", ".join(failure.examples) or (failure.error or "")
        lines.append(
            f"| {failure.expectation} | {failure.column or ''} | {failure.failing_rows} "
            f"| {examples} | {failure.why or ''} |"
        )
    return "\n".join(lines)


def _failures_json(outcome) -> list[dict]:
    return [
        {
            "expectation": failure.expectation,
            "column": failure.column,
            "failing_rows": failure.failing_rows,
            "examples": failure.examples,
            **({"error": failure.error} if failure.error else {}),
        }
        for failure in outcome.failures
    ]


def suite_check(spec: SuiteSpec) -> AssetChecksDefinition:
    @asset_check(
        asset=AssetKey(list(spec.asset_key)),
        name=f"ge_{spec.name}",
        description=spec.description or f"Great Expectations suite {spec.path.name}",
        pool=settings.WAREHOUSE_POOL,
        # Among steps ready at once, the GE checks go last (before publication only), so
        # that in one process they follow dbt, which imports GE while it waits.
        op_tags={"dagster/priority": str(settings.LATE_STEP_PRIORITY)},
    )
    def _check(context: AssetCheckExecutionContext, warehouse: Warehouse) -> AssetCheckResult:
        landed_since = (
            _latest_landing_start(context, AssetKey(list(spec.asset_key)))
            if validates_latest_landing(spec)
            else None
        )
        with warehouse.connect(read_only=True) as conn:
            outcome = validate_chunks(iter_batch_chunks(conn, spec, landed_since), spec)
        metadata = {
            "suite_file": str(spec.path.relative_to(settings.PROJECT_ROOT)),
            "batch": (
                f"rows landed since {landed_since.isoformat(sep=' ')} UTC (the latest landing)"
                if landed_since
                else "the whole table"
            ),
            "rows_validated": outcome.rows_validated,
            "expectations_run": outcome.expectations_run,
            "failed_expectations": len(outcome.failures),
            "failing_rows": outcome.failing_rows,
        }
        if outcome.failures:
            metadata["failures"] = MetadataValue.md(_failures_markdown(outcome))
            # The same per expectation, for readers that are not people (alerts, tests).
            metadata["failing_examples"] = MetadataValue.json(_failures_json(outcome))
        return AssetCheckResult(
            passed=outcome.passed, metadata=metadata, severity=AssetCheckSeverity.ERROR
        )

    return _check


def _latest_landing_start(
    context: AssetCheckExecutionContext, asset_key: AssetKey
) -> dt.datetime | None:
    """When the asset's latest landing started, from its materialization's metadata."""
    event = context.instance.get_latest_materialization_event(asset_key)
    materialization = event.asset_materialization if event else None
    started = materialization.metadata.get(LANDING_STARTED_AT) if materialization else None
    return dt.datetime.fromisoformat(started.value) if started is not None else None


def build_suite_checks() -> list[AssetChecksDefinition]:
    return [suite_check(spec) for spec in load_suite_specs()]
