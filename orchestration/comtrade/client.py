"""A small, strict HTTP client for the UN Comtrade API v1.

Plain `requests` rather than `comtradeapicall`: that package prints errors instead of raising
them (uncomtrade/comtradeapicall issue 5), so a failed pull would look like an empty month.
This client raises, retries what is worth retrying (429 and 5xx, honouring Comtrade's
"Try again in N seconds"), refuses to return a response that may have been cut at the
record limit, and keeps within a daily call budget. The subscription key travels only in
the `Ocp-Apim-Subscription-Key` header: it is never part of a URL, a request record, a log
line or an error message.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import requests

DEFAULT_BASE_URL = "https://comtradeapi.un.org"
KEY_HEADER = "Ocp-Apim-Subscription-Key"
# Documented limits (domain-facts section 3): the no-key preview returns at most 500
# records per call; a free key allows 500 calls a day. A keyed call asks for up to
# KEYED_MAX_RECORDS and is held to that limit the same way.
PREVIEW_RECORD_LIMIT = 500
KEYED_MAX_RECORDS = 100_000
DEFAULT_DAILY_CALL_BUDGET = 500

_TRY_AGAIN = re.compile(r"try again in (\d+(?:\.\d+)?) second", re.IGNORECASE)
# Comtrade answers errors with a short JSON or text body; more than this is not a message.
_MAX_MESSAGE_CHARS = 300


@dataclass(frozen=True)
class RequestRecord:
    """What was asked and what came back, for raw.comtrade_requests (never holds the key)."""

    requested_at: dt.datetime  # UTC, naive (as DuckDB timestamps are stored)
    url: str
    params: dict[str, str]
    status: int | None  # None when no HTTP answer came back (connection error)
    attempts: int
    records: int
    elapsed_s: float


class ComtradeError(Exception):
    """A call that did not yield a complete response: names the URL (without the key), the
    last HTTP status, the attempts made and Comtrade's own message."""

    def __init__(
        self, message: str, *, url: str, status: int | None, request: RequestRecord
    ) -> None:
        super().__init__(f"{message} [{url}; status {status}; attempts {request.attempts}]")
        self.url = url
        self.status = status
        self.attempts = request.attempts
        self.request = request


class ComtradeTruncated(ComtradeError):
    """The response holds as many records as the call may return: some may be missing."""


class ComtradeBudgetExceeded(ComtradeError):
    """The daily call budget is spent; the call was not sent."""


@dataclass(frozen=True)
class ComtradeResponse:
    body: bytes  # the response exactly as received, for the landing folder
    payload: dict[str, Any]
    request: RequestRecord

    @property
    def records(self) -> list[dict[str, Any]]:
        return self.payload.get("data") or []


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


@dataclass
class ComtradeClient:
    """Calls the preview endpoint without a key, the data endpoint with one.

    `calls_already_made` is what today's earlier runs spent of `daily_call_budget`; every
    HTTP attempt (retries included) counts, because Comtrade counts them too. `history`
    keeps a record of every call this client made, failed ones included.
    """

    api_key: str | None = field(default=None, repr=False)
    base_url: str = DEFAULT_BASE_URL
    session: requests.Session | None = field(default=None, repr=False)
    max_attempts: int = 5
    backoff_seconds: float = 2.0
    max_wait_seconds: float = 300.0
    timeout_seconds: float = 60.0
    daily_call_budget: int = DEFAULT_DAILY_CALL_BUDGET
    calls_already_made: int = 0
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)
    calls_made: int = field(default=0, init=False)
    history: list[RequestRecord] = field(default_factory=list, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.session is None:
            self.session = requests.Session()
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")

    @property
    def keyed(self) -> bool:
        return bool(self.api_key)

    @property
    def record_limit(self) -> int:
        return KEYED_MAX_RECORDS if self.keyed else PREVIEW_RECORD_LIMIT

    @property
    def calls_left(self) -> int:
        return max(self.daily_call_budget - self.calls_already_made - self.calls_made, 0)

    def endpoint(self, type_code: str = "C", freq_code: str = "M", cl_code: str = "HS") -> str:
        route = "data/v1/get" if self.keyed else "public/v1/preview"
        return f"{self.base_url.rstrip('/')}/{route}/{type_code}/{freq_code}/{cl_code}"

    def build_params(
        self,
        *,
        period: str,
        cmd_codes: Sequence[str],
        flow_code: str,
        reporter_code: int | None = None,
        partner_code: int | None = None,
    ) -> dict[str, str]:
        """Query parameters; an omitted reporter or partner means all of them.

        partner2Code 0, customsCode C00 and motCode 0 ask for the totals only, one record per
        reporter, partner, flow and commodity, rather than every breakdown.
        """
        params = {
            "reporterCode": None if reporter_code is None else str(reporter_code),
            "period": period,
            "partnerCode": None if partner_code is None else str(partner_code),
            "partner2Code": "0",
            "cmdCode": ",".join(cmd_codes),
            "flowCode": flow_code,
            "customsCode": "C00",
            "motCode": "0",
            "maxRecords": str(KEYED_MAX_RECORDS) if self.keyed else None,
            "includeDesc": "true",
        }
        return {name: value for name, value in params.items() if value is not None}

    def get(
        self,
        *,
        period: str,
        cmd_codes: Sequence[str],
        flow_code: str,
        reporter_code: int | None = None,
        partner_code: int | None = None,
    ) -> ComtradeResponse:
        """One monthly call (C/M/HS). Raises ComtradeTruncated when the response may be cut."""
        params = self.build_params(
            period=period,
            cmd_codes=cmd_codes,
            flow_code=flow_code,
            reporter_code=reporter_code,
            partner_code=partner_code,
        )
        url = f"{self.endpoint()}?{urlencode(params, safe=',')}"
        response = self._call(url, params)
        if len(response.records) >= self.record_limit:
            raise ComtradeTruncated(
                f"response holds {len(response.records)} records, the most one call returns "
                f"({self.record_limit}): it may be truncated; ask for fewer commodity codes",
                url=url,
                status=response.request.status,
                request=response.request,
            )
        return response

    def get_split(
        self,
        *,
        period: str,
        cmd_codes: Sequence[str],
        flow_code: str,
        reporter_code: int | None = None,
        partner_code: int | None = None,
    ) -> list[ComtradeResponse]:
        """Like get, but a possibly truncated response is asked again in two halves of the
        commodity codes, down to single codes; a single code that still fills the limit
        raises ComtradeTruncated."""
        try:
            return [
                self.get(
                    period=period,
                    cmd_codes=cmd_codes,
                    flow_code=flow_code,
                    reporter_code=reporter_code,
                    partner_code=partner_code,
                )
            ]
        except ComtradeTruncated:
            if len(cmd_codes) < 2:
                raise
        middle = len(cmd_codes) // 2
        return [
            response
            for half in (cmd_codes[:middle], cmd_codes[middle:])
            for response in self.get_split(
                period=period,
                cmd_codes=half,
                flow_code=flow_code,
                reporter_code=reporter_code,
                partner_code=partner_code,
            )
        ]

    # --- the HTTP loop ------------------------------------------------------------------

    def _headers(self) -> dict[str, str]:
        headers = {"Accept": "application/json"}
        if self.api_key:
            headers[KEY_HEADER] = self.api_key
        return headers

    def _redact(self, text: str) -> str:
        """Belt and braces: no message that leaves this client may echo the key."""
        return text.replace(self.api_key, "[redacted]") if self.api_key else text

    def _record(
        self, url: str, params: dict[str, str], started: float, requested_at: dt.datetime, **kw
    ) -> RequestRecord:
        record = RequestRecord(
            requested_at=requested_at,
            url=url,
            params=dict(params),
            elapsed_s=round(time.monotonic() - started, 3),
            **kw,
        )
        self.history.append(record)
        return record

    def _call(self, url: str, params: dict[str, str]) -> ComtradeResponse:
        requested_at = _utc_now()
        started = time.monotonic()
        attempts = 0
        status: int | None = None
        while True:
            if self.calls_left <= 0:
                record = self._record(
                    url, params, started, requested_at, status=status, attempts=attempts, records=0
                )
                raise ComtradeBudgetExceeded(
                    f"daily call budget of {self.daily_call_budget} spent "
                    f"({self.calls_already_made + self.calls_made} calls today); not sent",
                    url=url,
                    status=status,
                    request=record,
                )
            attempts += 1
            self.calls_made += 1
            answer: requests.Response | None = None
            try:
                # No redirects: requests would carry the key header to whatever host a
                # redirect names (it strips only Authorization).
                answer = self.session.get(
                    url,
                    headers=self._headers(),
                    timeout=self.timeout_seconds,
                    allow_redirects=False,
                )
            except requests.RequestException as error:
                status, message, retryable = None, f"{type(error).__name__}: {error}", True
            else:
                status = answer.status_code
                if status == 200:
                    return self._accept(answer, url, params, started, requested_at, attempts)
                message = _comtrade_message(answer)
                retryable = status == 429 or status >= 500

            wait = self._wait_seconds(attempts, answer)
            if not retryable or attempts >= self.max_attempts or wait > self.max_wait_seconds:
                why = (
                    f"; Comtrade asks to wait {wait:g} s, more than max_wait_seconds"
                    if retryable and attempts < self.max_attempts
                    else ""
                )
                record = self._record(
                    url, params, started, requested_at, status=status, attempts=attempts, records=0
                )
                raise ComtradeError(
                    self._redact(f"Comtrade call failed: {message}{why}"),
                    url=url,
                    status=status,
                    request=record,
                )
            self.sleep(wait)

    def _wait_seconds(self, attempts: int, answer: requests.Response | None) -> float:
        """Exponential backoff, or longer when Comtrade says how long (Retry-After or the
        429 body's "Try again in N seconds")."""
        backoff = self.backoff_seconds * 2 ** (attempts - 1)
        if answer is None or answer.status_code != 429:
            return backoff
        asked = _retry_after(answer)
        return max(backoff, asked) if asked is not None else backoff

    def _accept(
        self,
        answer: requests.Response,
        url: str,
        params: dict[str, str],
        started: float,
        requested_at: dt.datetime,
        attempts: int,
    ) -> ComtradeResponse:
        body = answer.content
        try:
            payload = json.loads(body)
        except ValueError:
            payload = None
        data = payload.get("data") if isinstance(payload, dict) else None
        if not isinstance(data, list):
            record = self._record(
                url, params, started, requested_at, status=200, attempts=attempts, records=0
            )
            raise ComtradeError(
                self._redact(
                    'answer is not a Comtrade response (no "data" list): '
                    f"{_shorten(body.decode('utf-8', errors='replace'))}"
                ),
                url=url,
                status=200,
                request=record,
            )
        error_text = payload.get("error")
        if not data and isinstance(error_text, str) and error_text.strip():
            record = self._record(
                url, params, started, requested_at, status=200, attempts=attempts, records=0
            )
            raise ComtradeError(
                self._redact(f"Comtrade reported an error: {_shorten(error_text)}"),
                url=url,
                status=200,
                request=record,
            )
        record = self._record(
            url, params, started, requested_at, status=200, attempts=attempts, records=len(data)
        )
        return ComtradeResponse(body=body, payload=payload, request=record)


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _MAX_MESSAGE_CHARS else text[:_MAX_MESSAGE_CHARS] + "..."


def _comtrade_message(answer: requests.Response) -> str:
    """Comtrade's own words: the gateway's {"statusCode", "message"} or the API's "error"."""
    text = answer.text
    try:
        payload = json.loads(text)
    except ValueError:
        payload = None
    if isinstance(payload, dict):
        for key in ("message", "Message", "error", "errorMessage"):
            if isinstance(payload.get(key), str) and payload[key].strip():
                return _shorten(payload[key])
    return _shorten(text) or f"HTTP {answer.status_code} {answer.reason or ''}".strip()


def _retry_after(answer: requests.Response) -> float | None:
    header = answer.headers.get("Retry-After", "").strip()
    if header:
        try:
            return float(header)
        except ValueError:
            pass  # an HTTP date: fall back to the body's wording or the backoff
    match = _TRY_AGAIN.search(answer.text)
    return float(match.group(1)) if match else None
