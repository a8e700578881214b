"""The UN Comtrade asset: monthly API pulls written to the landing folder.

The pull never writes raw.comtrade_records itself. It saves each response, byte for byte,
as a file under REE_LANDING_DIR/comtrade/api/, and raw_comtrade_records (landing/assets.py)
lands those files like any a user drops there: one way in for every record, with the same
provenance, quarantine and content-hash idempotency. Every call is logged in
raw.comtrade_requests, which is also what the daily call budget is counted from.
"""

import csv
import datetime as dt
import hashlib
import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd
from dagster import (
    AssetExecutionContext,
    MaterializeResult,
    MetadataValue,
    MonthlyPartitionsDefinition,
    asset,
)

from orchestration import settings
from orchestration.comtrade.client import ComtradeClient, ComtradeResponse, RequestRecord
from orchestration.comtrade.resource import ComtradeResource
from orchestration.resources import Warehouse
from orchestration.table_metadata import schema_from_ddl

CHINA = 156
PRODUCTS_SEED = settings.seed_path("products")
REQUESTS_TABLE = "raw.comtrade_requests"
REQUESTS_DDL = f"""
create schema if not exists raw;
create table if not exists {REQUESTS_TABLE} (
    requested_at timestamp not null,
    partition_month date not null,
    url_without_key varchar not null,
    params_json varchar not null,
    status integer,
    attempts integer not null,
    records integer not null,
    file varchar,
    elapsed_s double not null
);
"""
# One row per HTTP response: what the asset's materialization reports and previews.
REQUESTS_SCHEMA = schema_from_ddl(
    REQUESTS_DDL,
    REQUESTS_TABLE,
    {
        "url_without_key": "Endpoint called; the subscription key travels in a header, never here.",
        "params_json": "Query parameters (period, flow, reporter, partner, HS codes).",
        "records": "Records in the response; 0 when Comtrade has nothing for the month yet.",
        "file": "Saved response, relative to the landing folder; empty when no records.",
        "attempts": "HTTP attempts, retries included: what the daily call budget counts.",
    },
)

# end_offset=0: the last partition is the last complete month; the current month has no
# customs data yet.
COMTRADE_MONTHS = MonthlyPartitionsDefinition(start_date="2023-01-01", end_offset=0)

# (file-name prefix, flowCode, reporterCode, partnerCode); None means all of them.
# China's reported exports to every partner, and the mirror: every reporter's imports from
# China, the natural cross-check of China's figures (domain-facts section 3).
PULLS: tuple[tuple[str, str, int | None, int | None], ...] = (
    ("X", "X", CHINA, None),
    ("M", "M", None, CHINA),
)


def tracked_hs6_codes(seed: Path = PRODUCTS_SEED) -> list[str]:
    """The HS6 codes of the products seed, read at run time so a new product is pulled
    without a code change."""
    with seed.open(newline="", encoding="utf-8") as handle:
        codes = {
            row["product_code"].strip()
            for row in csv.DictReader(handle)
            if row["code_level"].strip() == "hs6"
        }
    bad = sorted(code for code in codes if not re.fullmatch(r"\d{6}", code))
    if bad:
        raise ValueError(f"{seed.name}: hs6 rows with codes that are not 6 digits: {bad}")
    return sorted(codes)


def chunks(codes: Sequence[str], size: int) -> list[list[str]]:
    size = max(size, 1)
    return [list(codes[start : start + size]) for start in range(0, len(codes), size)]


def response_file_name(prefix: str, cmd_codes: Sequence[str]) -> str:
    """Stable per flow and code set, so a re-pull of the same month finds its earlier file."""
    digest = hashlib.sha256(",".join(sorted(cmd_codes)).encode()).hexdigest()[:12]
    return f"{prefix}_{digest}.json"


def _same_records(left: list, right: list) -> bool:
    """Equal as sets of records: Comtrade does not promise an order."""

    def canonical(records: list) -> list[str]:
        return sorted(json.dumps(record, sort_keys=True) for record in records)

    return canonical(left) == canonical(right)


def write_response(path: Path, response: ComtradeResponse) -> bool:
    """Save the response exactly as received, atomically; True when the file changed.

    Comtrade stamps every answer with its own elapsedTime, so the bytes differ on each call
    even when the records do not. An existing file with the same records (in any order) is
    left as it is: its content hash is already landed, and re-pulling adds nothing.
    """
    if path.exists():
        try:
            existing = json.loads(path.read_bytes()).get("data")
        except (OSError, ValueError, AttributeError):
            existing = None
        if isinstance(existing, list) and _same_records(existing, response.records):
            return False
    path.parent.mkdir(parents=True, exist_ok=True)
    # A dot-name: the landing scan skips hidden files, so a half-written file is never read.
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(response.body)
    os.replace(temporary, path)
    return True


def calls_made_today(conn: duckdb.DuckDBPyConnection, now: dt.datetime | None = None) -> int:
    """HTTP attempts sent since midnight UTC, by any run: what the daily budget has spent."""
    now = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    midnight = dt.datetime.combine(now.date(), dt.time())
    (total,) = conn.execute(
        f"select coalesce(sum(attempts), 0) from {REQUESTS_TABLE} where requested_at >= ?",
        [midnight],
    ).fetchone()
    return int(total)


def record_requests(
    conn: duckdb.DuckDBPyConnection,
    month: dt.date,
    requests_made: Sequence[RequestRecord],
    files: dict[int, str],
) -> None:
    conn.executemany(
        f"insert into {REQUESTS_TABLE} values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            [
                record.requested_at,
                month,
                record.url,
                json.dumps(record.params, sort_keys=True),
                record.status,
                record.attempts,
                record.records,
                files.get(id(record)),
                record.elapsed_s,
            ]
            for record in requests_made
        ],
    )


@dataclass
class PulledResponses:
    """What a month's pull has saved so far (kept when a call fails half-way, for the log)."""

    files: dict[int, str] = field(default_factory=dict)  # id(request record) -> saved file
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    records: int = 0
    empty: int = 0


def pull_month(
    context: AssetExecutionContext,
    client: ComtradeClient,
    codes: Sequence[str],
    period: str,
    out_dir: Path,
    codes_per_request: int,
    pulled: PulledResponses,
) -> None:
    """Every flow's responses for the month, each saved under out_dir (see write_response)."""
    landing_root = settings.landing_dir()
    for prefix, flow, reporter, partner in PULLS:
        for chunk in chunks(codes, codes_per_request):
            for response in client.get_split(
                period=period,
                cmd_codes=chunk,
                flow_code=flow,
                reporter_code=reporter,
                partner_code=partner,
            ):
                request = response.request
                context.log.info(
                    f"{request.url}: status {request.status}, {request.records} records, "
                    f"{request.attempts} attempt(s), {request.elapsed_s:.2f} s"
                )
                if not response.records:
                    # Months China has not reported yet come back empty: nothing to land,
                    # and an empty file would only be reported as unrecognized.
                    pulled.empty += 1
                    continue
                cmd_codes = request.params["cmdCode"].split(",")
                path = out_dir / response_file_name(prefix, cmd_codes)
                relative = path.relative_to(landing_root).as_posix()
                pulled.files[id(request)] = relative
                pulled.records += len(response.records)
                changed = write_response(path, response)
                (pulled.written if changed else pulled.unchanged).append(relative)


def request_log_markdown(history: Sequence[RequestRecord], files: dict[int, str]):
    """The request log as the asset's preview: a row per response, a dozen or so a month."""
    log = pd.DataFrame(
        [
            {
                "url": r.url,
                "status": r.status,
                "attempts": r.attempts,
                "records": r.records,
                "file": files.get(id(r), ""),
            }
            for r in history
        ]
    )
    return MetadataValue.md(log.astype(str).to_markdown(index=False))


@asset(
    partitions_def=COMTRADE_MONTHS,
    group_name="comtrade",
    kinds={"python", "api"},
    owners=["team:ree-tracker"],
    pool=settings.WAREHOUSE_POOL,
    metadata={"dagster/column_schema": REQUESTS_SCHEMA},
)
def comtrade_api_responses(
    context: AssetExecutionContext, comtrade: ComtradeResource, warehouse: Warehouse
) -> MaterializeResult:
    """One month of China's reported exports of the tracked HS6 codes and partners' mirror
    imports from China, pulled from UN Comtrade into the landing folder."""
    month = dt.date.fromisoformat(context.partition_key)
    period = f"{month:%Y%m}"
    codes = tracked_hs6_codes()
    landing_root = settings.landing_dir()
    out_dir = landing_root / "comtrade" / "api" / f"{month:%Y-%m}"

    with warehouse.connect() as conn:
        conn.execute(REQUESTS_DDL)
        spent_before = calls_made_today(conn)
    client = comtrade.client(calls_already_made=spent_before)
    endpoint = "data (keyed)" if client.keyed else "public preview"
    context.log.info(
        f"Comtrade {endpoint} endpoint, period {period}, {len(codes)} HS6 codes; "
        f"{client.calls_left} of {client.daily_call_budget} calls left today"
    )

    pulled = PulledResponses()
    try:
        pull_month(context, client, codes, period, out_dir, comtrade.codes_per_request, pulled)
    finally:
        # Failed calls are logged too: they count against the budget and explain the failure.
        with warehouse.connect() as conn:
            conn.execute(REQUESTS_DDL)
            record_requests(conn, month, client.history, pulled.files)

    if pulled.records:
        month_status = f"landed: {pulled.records} records in {len(pulled.files)} response(s)"
    else:
        # The partition still materializes (the pull ran); this says the month is a gap, and
        # freshness_comtrade on mart_source_freshness says whether it is late or not yet due.
        month_status = "gap: Comtrade returned no records for this month"
        context.log.warning(f"{period}: {month_status}")
    return MaterializeResult(
        metadata={
            "month_status": month_status,
            "dagster/row_count": len(client.history),
            "period": period,
            "endpoint": endpoint,
            "hs6_codes": len(codes),
            "requests": len(client.history),
            "records": pulled.records,
            "empty_responses": pulled.empty,
            "files_written": len(pulled.written),
            "files_unchanged": len(pulled.unchanged),
            "calls_today": spent_before + client.calls_made,
            "landing_dir": str(out_dir),
            # The request log is the asset's preview: a row per response, a dozen or so a month.
            "preview": request_log_markdown(client.history, pulled.files),
        }
    )
