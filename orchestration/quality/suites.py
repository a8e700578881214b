"""Loading expectation suites and validating warehouse tables against them.

Each suite is a JSON file in expectations/. Besides GE's own fields it carries, in `meta`:
- `asset_key`: the Dagster asset it guards, e.g. ["marts", "fct_monthly_exports"];
- `batch_sql`: the query that builds the batch to validate (it may add derived columns, such
  as a partner total beside the world total, so row-level expectations can test sums). A
  suite on a big raw table validates only what the latest landing added: its query filters on
  `_loaded_at >= $landed_since`, the time that landing started.
GE's SQL data source does not work on DuckDB (stack notes), so batches are pandas frames.
Great Expectations costs seconds to import, so it is imported only inside `validate` (and
warmed up while dbt runs: ge_prefetch.py).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from orchestration import settings

# How many failing values each expectation reports back as examples.
EXAMPLES_PER_EXPECTATION = 5


@dataclass(frozen=True)
class SuiteSpec:
    name: str
    asset_key: tuple[str, ...]
    batch_sql: str
    description: str
    suite: dict[str, Any]
    path: Path


@dataclass
class ExpectationFailure:
    expectation: str
    column: str | None
    failing_rows: int
    examples: list[str]
    why: str | None = None
    error: str | None = None


@dataclass
class SuiteOutcome:
    suite: str
    rows_validated: int
    expectations_run: int
    failing_rows: int
    failures: list[ExpectationFailure] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures


def load_suite_specs(directory: Path | None = None) -> list[SuiteSpec]:
    specs = []
    for path in sorted((directory or settings.EXPECTATIONS_DIR).glob("*.json")):
        suite = json.loads(path.read_text(encoding="utf-8"))
        meta = suite.get("meta", {})
        missing = [key for key in ("asset_key", "batch_sql") if key not in meta]
        if missing:
            raise ValueError(f"{path}: suite meta lacks {', '.join(missing)}")
        specs.append(
            SuiteSpec(
                name=suite["name"],
                asset_key=tuple(meta["asset_key"]),
                batch_sql=meta["batch_sql"],
                description=meta.get("description", ""),
                suite=suite,
                path=path,
            )
        )
    return specs


def runtime_parameters(today: dt.date | None = None) -> dict[str, str | int]:
    """Values suites refer to as {"$PARAMETER": name}: bounds that move with the calendar.
    A suite over tens of millions of lines checks months as YYYYMM numbers, which GE
    compares several times faster than the dates it needs Python objects for."""
    today = today or dt.date.today()
    first_of_next_month = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return {
        "last_day_of_current_month": (first_of_next_month - dt.timedelta(days=1)).isoformat(),
        "current_yyyymm": today.year * 100 + today.month,
    }


LANDED_SINCE = "$landed_since"
# Validate everything when no landing time is known (a table landed before landings were timed).
EVERYTHING = dt.datetime(1, 1, 1)


def validates_latest_landing(spec: SuiteSpec) -> bool:
    return LANDED_SINCE in spec.batch_sql


# Rows per frame handed to GE, in DuckDB vectors of 2,048 rows (about half a million rows): a
# bigger batch is validated chunk by chunk, so memory stays bounded however many rows a
# landing adds (a first landing at full GACC detail is tens of millions).
CHUNK_VECTORS = 256


def columns_used(spec: SuiteSpec) -> list[str]:
    """The batch columns the suite's expectations read (their columns, and the columns of
    their row conditions); only these are fetched."""
    names: list[str] = []

    def collect(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("column", "column_A", "column_B") and isinstance(value, str):
                    names.append(value)
                elif key == "column" and isinstance(value, dict) and "name" in value:
                    names.append(value["name"])
                else:
                    collect(value)
        elif isinstance(node, list):
            for item in node:
                collect(item)

    for expectation in spec.suite["expectations"]:
        collect(expectation.get("kwargs", {}))
    return list(dict.fromkeys(names))


def _batch_query(spec: SuiteSpec) -> str:
    selected = ", ".join(f'"{name}"' for name in columns_used(spec)) or "*"
    return f"select {selected} from ({spec.batch_sql}) as batch"


def _parameters(spec: SuiteSpec, landed_since: dt.datetime | None) -> dict | None:
    if not validates_latest_landing(spec):
        return None
    return {LANDED_SINCE.removeprefix("$"): landed_since or EVERYTHING}


def _for_ge(frame: pd.DataFrame) -> pd.DataFrame:
    # DuckDB dates arrive as datetime64; GE compares python dates with the suites' ISO-date
    # bounds, but not datetime64 columns.
    for column in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[column]):
            frame[column] = frame[column].dt.date
    return frame


def fetch_batch(
    conn: duckdb.DuckDBPyConnection, spec: SuiteSpec, landed_since: dt.datetime | None = None
) -> pd.DataFrame:
    """The whole batch as one frame (for small tables and for tests that break a copy)."""
    return _for_ge(conn.execute(_batch_query(spec), _parameters(spec, landed_since)).df())


def iter_batch_chunks(
    conn: duckdb.DuckDBPyConnection, spec: SuiteSpec, landed_since: dt.datetime | None = None
) -> Iterator[pd.DataFrame]:
    """The batch in frames of at most CHUNK_VECTORS vectors, row labels running on across
    frames; one (possibly empty) frame at least."""
    result = conn.execute(_batch_query(spec), _parameters(spec, landed_since))
    offset = 0
    while True:
        chunk = result.fetch_df_chunk(CHUNK_VECTORS)
        if len(chunk) == 0 and offset:
            return
        chunk.index = pd.RangeIndex(offset, offset + len(chunk))
        offset += len(chunk)
        yield _for_ge(chunk)
        if len(chunk) == 0:
            return


def validate(frame: pd.DataFrame, spec: SuiteSpec, today: dt.date | None = None) -> SuiteOutcome:
    """Validate a frame against a suite; report, per failed expectation, rows and examples."""
    return validate_chunks([frame], spec, today)


def validate_chunks(
    frames: Iterable[pd.DataFrame], spec: SuiteSpec, today: dt.date | None = None
) -> SuiteOutcome:
    """Validate a batch given as frames (chunks of one batch, row labels unique across them):
    the outcome is the one a single frame of all the rows would give."""
    import great_expectations as gx
    from great_expectations.core import ExpectationSuite
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    batch_definition = (
        context.data_sources.add_pandas("warehouse")
        .add_dataframe_asset(name=spec.name)
        .add_batch_definition_whole_dataframe("whole_table")
    )
    suite = ExpectationSuite(
        name=spec.suite["name"],
        expectations=spec.suite["expectations"],
        meta=spec.suite.get("meta"),
    )
    failures: dict[tuple[str, str | None], ExpectationFailure] = {}
    failing_indexes: set[Any] = set()
    rows_validated = expectations_run = 0
    for frame in frames:
        batch = batch_definition.get_batch(batch_parameters={"dataframe": frame})
        result = batch.validate(
            suite,
            expectation_parameters=runtime_parameters(today),
            result_format={"result_format": "COMPLETE"},
        )
        rows_validated += len(frame)
        expectations_run = len(result.results)
        for expectation_result in result.results:
            if not expectation_result.success:
                _merge_failure(failures, failing_indexes, expectation_result)
    return SuiteOutcome(
        suite=spec.name,
        rows_validated=rows_validated,
        expectations_run=expectations_run,
        failing_rows=len(failing_indexes),
        failures=list(failures.values()),
    )


def _merge_failure(
    failures: dict[tuple[str, str | None], ExpectationFailure],
    failing_indexes: set[Any],
    expectation_result: Any,
) -> None:
    """Add one chunk's failed expectation to the batch's: rows add up, examples fill up."""
    config = expectation_result.expectation_config
    details = expectation_result.result or {}
    exception = expectation_result.exception_info or {}
    indexes = details.get("unexpected_index_list") or []
    failing_indexes.update(_index_value(index) for index in indexes)
    column = config.kwargs.get("column") or config.kwargs.get("column_A")
    failure = failures.setdefault(
        (config.type, column),
        ExpectationFailure(
            expectation=config.type,
            column=column,
            failing_rows=0,
            examples=[],
            why=(config.meta or {}).get("why"),
        ),
    )
    failure.failing_rows += int(details.get("unexpected_count") or len(indexes))
    room = EXAMPLES_PER_EXPECTATION - len(failure.examples)
    failure.examples += [str(value) for value in (details.get("partial_unexpected_list") or [])][
        : max(room, 0)
    ]
    if exception.get("raised_exception") and failure.error is None:
        failure.error = exception.get("exception_message")


def _index_value(index: Any) -> Any:
    # GE returns a bare index for pandas batches and a dict for some column-pair results.
    return json.dumps(index, sort_keys=True, default=str) if isinstance(index, dict) else index
