"""The Comtrade client against a real local HTTP server replaying recorded responses."""

from __future__ import annotations

import copy
import datetime as dt
import socket
import time

import pytest

from orchestration.comtrade.client import (
    KEY_HEADER,
    PREVIEW_RECORD_LIMIT,
    ComtradeBudgetExceeded,
    ComtradeClient,
    ComtradeError,
    ComtradeTruncated,
)
from tests.fixtures.comtrade.replay_server import (
    EXPORTS_JUNE,
    MIRROR_JUNE,
    RATE_LIMITED,
    Answer,
    comtrade_like,
    fixture_answer,
    json_answer,
    records_of,
    replay_server,
    scripted,
)

KEY = "test-key-7d1e0c5a"  # a made-up key; the tests prove it never leaves the header
RECORDS = records_of(EXPORTS_JUNE, MIRROR_JUNE)
UNAVAILABLE = json_answer({"statusCode": 503, "message": "Service Unavailable"}, status=503)


def _client(server, **options) -> ComtradeClient:
    options.setdefault("backoff_seconds", 0.001)
    return ComtradeClient(base_url=server.base_url, **options)


def _exports(client: ComtradeClient, codes=("850511",)):
    return client.get(period="202506", cmd_codes=list(codes), flow_code="X", reporter_code=156)


def test_without_a_key_the_preview_endpoint_is_called_and_the_answer_kept_byte_for_byte():
    with replay_server(scripted(fixture_answer(EXPORTS_JUNE))) as server:
        response = _exports(_client(server))
    (seen,) = server.seen
    assert seen.path == "/public/v1/preview/C/M/HS"
    assert seen.query["reporterCode"] == "156"
    assert seen.query["period"] == "202506"
    assert seen.query["cmdCode"] == "850511"
    assert seen.query["flowCode"] == "X"
    assert "partnerCode" not in seen.query  # all partners
    assert KEY_HEADER not in seen.headers
    assert response.body == EXPORTS_JUNE.read_bytes()
    assert len(response.records) == 6

    request = response.request
    assert request.url == server.base_url + seen.raw_target
    assert (request.status, request.attempts, request.records) == (200, 1, 6)
    assert request.params == seen.query
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    assert now - dt.timedelta(seconds=30) < request.requested_at <= now
    assert request.elapsed_s >= 0


def test_mirror_flows_ask_every_reporter_for_imports_from_china():
    with replay_server(comtrade_like(RECORDS)) as server:
        response = _client(server).get(
            period="202506", cmd_codes=["850511"], flow_code="M", partner_code=156
        )
    (seen,) = server.seen
    assert "reporterCode" not in seen.query  # all reporters
    assert (seen.query["partnerCode"], seen.query["flowCode"]) == ("156", "M")
    assert {r["reporterCode"] for r in response.records} == {842, 276, 392}


def test_with_a_key_the_data_endpoint_is_called_and_the_key_travels_only_in_the_header():
    with replay_server(comtrade_like(RECORDS)) as server:
        client = _client(server, api_key=KEY)
        response = _exports(client)
    (seen,) = server.seen
    assert seen.path == "/data/v1/get/C/M/HS"
    assert seen.headers[KEY_HEADER] == KEY
    assert KEY not in seen.raw_target
    assert KEY not in response.request.url
    assert KEY not in str(response.request)
    assert KEY not in repr(client)
    assert len(response.records) == 6


def test_a_429_is_retried_after_the_wait_comtrade_asks_for():
    rate_limited = fixture_answer(RATE_LIMITED, status=429)  # "Try again in 1 seconds."
    with replay_server(scripted(rate_limited, fixture_answer(EXPORTS_JUNE))) as server:
        started = time.monotonic()
        response = _exports(_client(server))
        waited = time.monotonic() - started
    assert len(server.seen) == 2
    assert waited >= 1.0  # the asked-for second, not the tiny backoff
    assert (response.request.attempts, response.request.records) == (2, 6)


def test_a_retry_after_header_is_honoured_over_the_backoff():
    waits: list[float] = []
    rate_limited = Answer(429, b"Too many requests", {"Retry-After": "7"})
    with replay_server(scripted(rate_limited, fixture_answer(EXPORTS_JUNE))) as server:
        _exports(_client(server, sleep=waits.append))
    assert waits == [7.0]


def test_server_errors_back_off_exponentially_then_fail_naming_url_status_and_message():
    waits: list[float] = []
    with replay_server(scripted(UNAVAILABLE)) as server:
        client = _client(server, max_attempts=4, backoff_seconds=0.5, sleep=waits.append)
        with pytest.raises(ComtradeError) as failure:
            _exports(client)
    assert len(server.seen) == 4
    assert waits == [0.5, 1.0, 2.0]
    error = failure.value
    assert (error.status, error.attempts) == (503, 4)
    assert error.url == server.base_url + server.seen[0].raw_target
    assert "Service Unavailable" in str(error) and error.url in str(error)
    assert client.history == [error.request]


def test_a_wait_longer_than_allowed_fails_at_once_instead_of_hanging():
    rate_limited = json_answer(
        {"statusCode": 429, "message": "Rate limit is exceeded. Try again in 3600 seconds."}, 429
    )
    with (
        replay_server(scripted(rate_limited)) as server,
        pytest.raises(ComtradeError, match="more than max_wait_seconds"),
    ):
        _exports(_client(server, max_wait_seconds=60))
    assert len(server.seen) == 1


def test_a_client_error_is_not_retried_and_never_echoes_the_key():
    # The gateway's 401 wording; the echoed key stands for any answer that repeats it.
    denied = json_answer(
        {"statusCode": 401, "message": f"Access denied due to invalid subscription key {KEY}."},
        status=401,
    )
    with replay_server(scripted(denied)) as server:
        client = _client(server, api_key=KEY)
        with pytest.raises(ComtradeError) as failure:
            _exports(client)
    assert len(server.seen) == 1
    assert failure.value.status == 401
    assert "Access denied" in str(failure.value)
    assert KEY not in str(failure.value)
    assert all(KEY not in str(record) for record in client.history)


def test_an_unreachable_server_is_retried_then_reported_without_a_status():
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = ComtradeClient(base_url=f"http://127.0.0.1:{port}", max_attempts=2, backoff_seconds=0)
    with pytest.raises(ComtradeError) as failure:
        _exports(client)
    assert (failure.value.status, failure.value.attempts) == (None, 2)
    assert "ConnectionError" in str(failure.value)


def test_an_empty_month_is_an_empty_answer_not_an_error():
    with replay_server(comtrade_like(RECORDS)) as server:
        response = _client(server).get(
            period="202508", cmd_codes=["850511"], flow_code="X", reporter_code=156
        )
    assert response.records == []
    assert response.request.records == 0


def test_an_error_stated_in_an_empty_answer_is_raised():
    failed = json_answer({"elapsedTime": "0.01 secs", "count": 0, "data": [], "error": "Bad cmd"})
    with (
        replay_server(scripted(failed)) as server,
        pytest.raises(ComtradeError, match="Comtrade reported an error: Bad cmd"),
    ):
        _exports(_client(server))


def _full_answer(request) -> Answer:
    """500 records whenever more than one code is asked for: the preview's cap, reached."""
    codes = request.query["cmdCode"].split(",")
    template = records_of(EXPORTS_JUNE)[1]
    count = PREVIEW_RECORD_LIMIT if len(codes) > 1 else 3
    data = []
    for index in range(count):
        record = copy.deepcopy(template)
        record["partnerCode"] = index
        record["cmdCode"] = codes[index % len(codes)]
        data.append(record)
    return json_answer({"elapsedTime": "0.5 secs", "count": count, "data": data, "error": ""})


def test_an_answer_that_fills_the_preview_limit_is_reported_as_possibly_truncated():
    with (
        replay_server(_full_answer) as server,
        pytest.raises(ComtradeTruncated, match="may be truncated") as failure,
    ):
        _exports(_client(server), codes=("850511", "280530"))
    assert failure.value.request.records == PREVIEW_RECORD_LIMIT


def test_a_possibly_truncated_request_is_split_by_commodity_code():
    with replay_server(_full_answer) as server:
        client = _client(server)
        responses = client.get_split(
            period="202506", cmd_codes=["850511", "280530", "284690"], flow_code="X"
        )
    asked = [request.query["cmdCode"] for request in server.seen]
    assert asked == ["850511,280530,284690", "850511", "280530,284690", "280530", "284690"]
    assert [r.request.params["cmdCode"] for r in responses] == ["850511", "280530", "284690"]
    assert [record.records for record in client.history] == [500, 3, 500, 3, 3]


def test_the_daily_call_budget_counts_every_attempt_and_is_never_exceeded():
    rate_limited = json_answer({"statusCode": 429, "message": "Try again in 0 seconds."}, 429)
    with replay_server(scripted(rate_limited, fixture_answer(EXPORTS_JUNE))) as server:
        client = _client(server, daily_call_budget=4, calls_already_made=1)
        _exports(client)  # a 429 and a success: two calls
        assert client.calls_left == 1
        _exports(client)
        with pytest.raises(ComtradeBudgetExceeded, match="daily call budget of 4 spent"):
            _exports(client)
    assert len(server.seen) == 3  # the refused call was never sent
    assert client.history[-1].attempts == 0


def test_a_redirect_is_not_followed_so_the_key_cannot_travel_to_another_host():
    elsewhere = Answer(302, b"", {"Location": "http://198.51.100.7/steal"})  # TEST-NET-2 address
    with (
        replay_server(scripted(elsewhere)) as server,
        pytest.raises(ComtradeError) as failure,
    ):
        _exports(_client(server, api_key=KEY))
    assert (failure.value.status, failure.value.attempts) == (302, 1)
    assert len(server.seen) == 1
